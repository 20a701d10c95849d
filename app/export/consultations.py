"""Consultations in the open data: what the council asked, when, and, once a consultation has
closed, its results as the public reads them (counts, shares, Borda points, means). Written
answers stay with the council, as on the site."""

from sqlalchemy import select

from app.consultations import services, tally
from app.consultations.models import Consultation, ConsultationState
from app.councils.models import Council
from app.database import utcnow
from app.export.rows import Table, columns, put_texts
from app.extensions import db
from app.urls import external_url


def published(councils: list[Council]) -> list[Consultation]:
    return list(
        db.session.scalars(
            select(Consultation)
            .where(
                Consultation.council_id.in_([c.id for c in councils]),
                Consultation.state == ConsultationState.published,
            )
            .order_by(Consultation.council_id, Consultation.opens_at, Consultation.id)
        )
    )


def consultations_table(consultations: list[Consultation], languages: list[str]) -> Table:
    spec = ["id", "council", "title*", "intro*", "answer*", "original_language", "audience",
            "first_day", "last_day", "closed", "responses", "agenda_item", "url"]  # fmt: skip
    table = Table(
        "consultations",
        "What the council asked residents, when, and how many answered once it closed.",
        columns(spec, languages),
    )
    now = utcnow()
    for consultation in consultations:
        closed = consultation.has_closed(now)
        row: dict = {"id": consultation.id, "council": consultation.council.slug}
        put_texts(row, "title", consultation.title, languages)
        put_texts(row, "intro", consultation.intro, languages)
        put_texts(row, "answer", consultation.answer, languages)
        row.update(
            original_language=consultation.title.original,
            audience=consultation.audience.value,
            first_day=services.opens_on(consultation).isoformat(),
            last_day=services.closes_on(consultation).isoformat(),
            closed=closed,
            responses=tally.tally(consultation).responses if closed else None,
            agenda_item=consultation.agenda_item_id,
            url=external_url(
                "consultations.consultation",
                slug=consultation.council.slug,
                consultation_id=consultation.id,
            ),
        )
        table.rows.append(row)
    return table


def results_table(consultations: list[Consultation], languages: list[str]) -> Table:
    spec = ["consultation", "question", "question_text*", "kind", "answered", "option",
            "option_text*", "value", "count", "percent", "borda_points", "ranked_first",
            "mean"]  # fmt: skip
    table = Table(
        "consultation_results",
        "Results of closed consultations: one row per option or scale value (Borda points "
        "for rankings); written answers are not published.",
        columns(spec, languages),
    )
    now = utcnow()
    for consultation in consultations:
        if not consultation.has_closed(now):
            continue
        for number, result in enumerate(tally.tally(consultation).questions, 1):
            question = result.question
            base: dict = {
                "consultation": consultation.id,
                "question": number,
                "kind": question.kind.value,
                "answered": result.answered,
                "mean": str(result.mean) if result.mean is not None else None,
            }
            put_texts(base, "question_text", question.text, languages)
            for position, entry in enumerate(result.options, 1):
                row = dict(base, option=position, value=None, count=entry.count)
                put_texts(row, "option_text", entry.option.label, languages)
                row.update(
                    percent=str(entry.percent),
                    borda_points=entry.points if result.places else None,
                    ranked_first=entry.first if result.places else None,
                )
                table.rows.append(row)
            for value in result.values:
                row = dict(base, option=None, value=value.value, count=value.count)
                put_texts(row, "option_text", None, languages)
                row.update(percent=str(value.percent), borda_points=None, ranked_first=None)
                table.rows.append(row)
    return table
