"""Recording how an agenda item ended: one form for every kind of outcome."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import Permission, current_council, get_in_council_or_404, requires
from app.i18n import current_locale
from app.meetings.models import AgendaItem
from app.transactions import action
from app.voting import outcomes
from app.voting.forms import OutcomeForm, field_name, outcome_form
from app.voting.labels import DEFAULT_LABELS
from app.voting.models import Outcome
from app.voting.views.polls import bp


@bp.app_template_global()
def hand_result(outcome: Outcome):
    """For the pages of other domains: a show of hands counted again from its numbers."""
    return outcomes.hand_result(outcome)


def _prefill(form: OutcomeForm, outcome: Outcome | None, keys: list[str]) -> None:
    if outcome is None:
        form.lang.data = current_locale()
        return
    summary = outcome.summary
    form.kind.data = outcome.kind.value
    form.lang.data = summary.original if summary else current_locale()
    form.summary.data = summary.get(summary.original) if summary else ""
    if outcome.majority_rule is not None:
        form.majority_rule.data = outcome.majority_rule.value
    for key in keys:
        form[field_name(key)].data = (outcome.counts or {}).get(key)


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/outcome", methods=["GET", "POST"])
@requires(Permission.manage_meetings)
def record_outcome(slug: str, meeting_id: int, item_id: int):
    item = get_in_council_or_404(AgendaItem, item_id, meeting_id=meeting_id)
    meeting = item.meeting
    prepared = outcomes.alternatives(item)
    options = (
        [(option.key, option.text) for option in prepared.options]
        if prepared is not None
        else list(DEFAULT_LABELS.items())
    )
    keys = [key for key, _label in options]
    form = outcome_form(options if prepared is not None else None)
    if request.method == "GET":
        _prefill(form, item.outcome, keys)
    if form.validate_on_submit():
        details = outcomes.OutcomeDetails(
            kind=form.kind.data or "",
            summary=form.summary.data or "",
            lang=form.lang.data,
            majority_rule=form.majority_rule.data or "",
            counts={key: form[field_name(key)].data for key in keys},
        )
        with action(form) as done:
            outcomes.record_outcome(item, details, actor=current_user)
        if done:
            flash(_("The outcome of the item is recorded."), "success")
            return redirect(
                url_for(
                    "meetings.meeting", slug=slug, meeting_id=meeting.id, _anchor=f"item-{item.id}"
                )
            )
    return render_template(
        "voting/outcome.html",
        form=form,
        item=item,
        meeting=meeting,
        council=current_council(),
        room=outcomes.present_voters(meeting),
        hand_fields=[form[field_name(key)] for key in keys],
        prepared=prepared,
        recordable=meeting.state in outcomes.RECORDABLE,
    )
