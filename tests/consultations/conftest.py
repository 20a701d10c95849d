"""Consultations built directly through the models, so that answering and results are tested
whatever the pages that build them look like."""

from datetime import timedelta

import pytest

from app.consultations.models import (
    Consultation,
    ConsultationState,
    Question,
    QuestionKind,
    QuestionOption,
)
from app.database import utcnow
from app.extensions import db
from app.i18n import Translated


def text(en: str, ar: str | None = None) -> Translated:
    value = Translated.of(en, "en")
    return value.with_text("ar", ar) if ar else value


@pytest.fixture
def council(make_council):
    return make_council("Council A", languages=["en", "ar", "uk", "fr"], default_language="en")


@pytest.fixture
def make_consultation(council):
    """An open, published consultation with one question of each kind (``kinds``), each
    choice question with the options Parks, Housing, Jobs (and Health for rankings)."""

    def make(
        kinds=("single", "multiple", "ranking", "scale", "text"),
        *,
        state=ConsultationState.published,
        opens=-1,
        closes=7,
        required=(),
        max_choices=None,
        of=None,
    ):
        now = utcnow()
        consultation = Consultation(
            council=of or council,
            title=text("Next year's topics", "مواضيع السنة القادمة"),
            intro=text("Tell us what matters."),
            state=state,
            opens_at=now + timedelta(days=opens),
            closes_at=now + timedelta(days=closes),
        )
        for position, kind in enumerate(kinds, 1):
            kind = QuestionKind(kind)
            question = Question(
                position=position,
                kind=kind,
                text=text(f"Question {position}: {kind.value}", f"السؤال {position}"),
                required=position in required,
                max_choices=(max_choices or {}).get(position),
            )
            if question.has_options:
                labels = [("Parks", "الحدائق"), ("Housing", "السكن"), ("Jobs", "العمل")]
                if kind is QuestionKind.ranking:
                    labels.append(("Health", "الصحة"))
                question.options = [
                    QuestionOption(position=n, label=text(en, ar))
                    for n, (en, ar) in enumerate(labels, 1)
                ]
            consultation.questions.append(question)
        db.session.add(consultation)
        db.session.commit()
        return consultation

    return make


def option_ids(question) -> list[int]:
    return [option.id for option in question.options]
