"""The decisions table: the register of decisions as an anonymous reader sees it (published
vote results and outcomes recorded by hand), as numbers, never who voted what."""

from flask_login import AnonymousUserMixin

from app.councils.models import Council
from app.export.rows import Table, columns, iso_time, put_texts
from app.extensions import db
from app.urls import external_url
from app.voting import register
from app.voting.models import OutcomeKind
from app.voting.services import decided
from app.voting.tally import DEFAULT_OPTIONS


def decisions_table(councils: list[Council], languages: list[str]) -> Table:
    spec = ["id", "council_id", "meeting_id", "agenda_item_id", "kind", "text*",
            "original_language", "counted", "majority_rule", "yes", "no", "abstain",
            "other_options", "entitled", "cast", "quorum", "adopted", "decided_at",
            "url"]  # fmt: skip
    table = Table(
        "decisions",
        "How agenda items ended, newest meeting first: electronic votes whose result is "
        "published, and outcomes "
        "recorded by the secretary (show of hands counted in the room, consensus, noted …); "
        "numbers only, never who voted what.",
        columns(spec, languages),
    )
    anyone = AnonymousUserMixin()
    for council in councils:
        items = db.session.scalars(register.register(council, anyone, register.Filters()))
        entries = register.entries(items.unique().all(), council, anyone)
        for decision in register.decisions_of(entries):
            table.rows.append(_decision(council, decision, languages))
    return table


def _decision(council: Council, decision: register.Decision, languages: list[str]) -> dict:
    item, result = decision.entry.item, decision.result
    row: dict = {"council_id": council.id, "meeting_id": item.meeting_id, "agenda_item_id": item.id}
    counts = dict(result.counts) if result else {}
    if decision.poll is not None:
        poll = decision.poll
        labels = {option.key: option.label.get(option.label.original) for option in poll.options}
        put_texts(row, "text", poll.question, languages)
        row.update(
            id=f"poll-{poll.id}",
            kind="vote",
            original_language=poll.question.original,
            counted="electronic",
            majority_rule=poll.majority_rule.value,
            quorum=poll.quorum_at_close,
            adopted=(result.passed if result and decided(poll) else None),
            decided_at=iso_time(poll.closed_at),
            url=external_url("voting.poll", slug=council.slug, poll_id=poll.id),
        )
    else:
        outcome = decision.outcome
        assert outcome is not None
        labels = {key: str(text) for key, text in outcome.options}
        put_texts(row, "text", outcome.summary, languages)
        adopted = None
        if outcome.kind is OutcomeKind.consensus:
            adopted = True
        elif outcome.kind is OutcomeKind.hands and outcome.quorum:
            adopted = bool(outcome.adopted)
        row.update(
            id=f"outcome-{outcome.id}",
            kind=outcome.kind.value,
            original_language=outcome.summary.original if outcome.summary else None,
            counted="hand" if outcome.kind is OutcomeKind.hands else None,
            majority_rule=outcome.majority_rule.value if outcome.majority_rule else None,
            quorum=outcome.quorum,
            adopted=adopted,
            decided_at=iso_time(outcome.recorded_at),
            url=external_url(
                "meetings.meeting",
                slug=council.slug,
                meeting_id=item.meeting_id,
                _anchor=f"item-{item.id}",
            ),
        )
    row.update({key: counts.pop(key, None) for key in DEFAULT_OPTIONS})
    row["other_options"] = {labels.get(key) or key: number for key, number in counts.items()}
    row["entitled"] = result.entitled if result else None
    row["cast"] = result.cast if result else None
    return row
