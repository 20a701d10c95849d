"""A consultation's results: tables, charts and CSV.

The public sees them once the consultation has closed; the council's officers at any time
(to prepare the meeting). Free-text answers are shown to the officers only.
"""

import csv
import io
from decimal import Decimal

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import Access, Permission, can, current_council, get_in_council_or_404, requires
from app.consultations import answering, tally
from app.consultations.models import Channel, Consultation, QuestionKind
from app.database import utcnow
from app.i18n import endonym
from app.text import spreadsheet_cell

bp = Blueprint("results", __name__, url_prefix="/councils/<slug>/consultations")


def _readable(consultation_id: int) -> tuple[Consultation, bool, bool]:
    """The consultation, whether its results may be read now, and whether the reader is one
    of its officers."""
    consultation = get_in_council_or_404(Consultation, consultation_id)
    officer = can(current_user, Permission.manage_consultations, current_council())
    return consultation, officer or consultation.has_closed(utcnow()), officer


def _filters() -> tally.Filters:
    """?language= and ?channel= (not ?lang=, which chooses the interface's language)."""
    lang = request.args.get("language", "")[:16]
    channel = request.args.get("channel", "")
    return tally.Filters(lang=lang, channel=channel if channel in Channel.__members__ else "")


def percent(value: Decimal) -> str:
    return format_percent(value / 100, "#,##0.#%")


def bar_width(part: int | Decimal, whole: int | Decimal) -> Decimal:
    """A bar's length out of 100."""
    return Decimal(100) * Decimal(part) / Decimal(whole) if whole else Decimal(0)


@bp.get("/<int:consultation_id>/results")
@requires(Access.anyone)
def results(slug: str, consultation_id: int):
    consultation, readable, officer = _readable(consultation_id)
    council = consultation.council
    filters = _filters()
    return render_template(
        "consultations/results/results.html",
        council=council,
        consultation=consultation,
        readable=readable,
        officer=officer,
        closed=consultation.has_closed(utcnow()),
        paper_until=answering.paper_deadline(consultation),
        results=tally.tally(consultation, filters) if readable else None,
        filters=filters,
        languages=[(code, endonym(code)) for code in tally.languages(consultation)]
        if readable
        else [],
        channels=list(Channel),
        percent=percent,
        number=format_decimal,
        bar_width=bar_width,
        kinds=QuestionKind,
    )


@bp.get("/<int:consultation_id>/results.csv")
@requires(Access.anyone)
def export_csv(slug: str, consultation_id: int):
    """The counts as CSV (UTF-8 with a byte order mark, which spreadsheets need to read it):
    one row per option or value of each question, with the same filters as the page."""
    consultation, readable, _officer = _readable(consultation_id)
    if not readable:
        abort(404)
    results = tally.tally(consultation, _filters())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Question number"),
            _("Question"),
            _("Kind"),
            _("Answer"),
            _("Responses"),
            _("Share (%)"),
            _("Borda points"),
            _("Responses that answered"),
        ]
    )
    for number, result in enumerate(results.questions, 1):
        question = result.question
        start = [number, question.text.shown().text, question.kind.label]
        for option in result.options:
            points = option.points if question.kind is QuestionKind.ranking else ""
            row = [option.option.label.shown().text, option.count, option.percent, points]
            writer.writerow([spreadsheet_cell(v) for v in [*start, *row, result.answered]])
        for value in result.values:
            row = [value.value, value.count, value.percent, ""]
            writer.writerow([spreadsheet_cell(v) for v in [*start, *row, result.answered]])
        if question.kind is QuestionKind.text:
            row = ["", len(result.texts), "", ""]
            writer.writerow([spreadsheet_cell(v) for v in [*start, *row, result.answered]])
    name = f"consultation-{consultation.id}-results.csv"
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
