"""State machines: one helper moves any record along its model's table of transitions.

A model with a workflow has a ``state`` column, a ``TRANSITIONS`` table (state → states it may
become) and a ``REFUSAL`` message with ``%(state)s`` and ``%(target)s``. Every step is checked
against the table and written to the audit trail as ``<model>.<target state>`` with its actor.
"""

import re
from typing import Any

from app import audit
from app.database import utcnow
from app.errors import DomainError


def audit_name(model: type) -> str:
    """AgendaItem → agenda_item: the first part of the model's audit actions."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", model.__name__).lower()


def may_become(obj: Any, target) -> bool:
    return target in type(obj).TRANSITIONS[obj.state]


def transition(obj: Any, target, *, actor, **details: Any):
    """Move ``obj`` to ``target``, or refuse with a translated ``DomainError``; returns the
    audit event."""
    model = type(obj)
    target = type(obj.state)(target)
    if not may_become(obj, target):
        raise DomainError(model.REFUSAL % {"state": obj.state.label, "target": target.label})
    before = obj.state
    obj.state = target
    return audit.record(
        f"{audit_name(model)}.{target.value}", obj, actor=actor, before=before.value, **details
    )


def share_with_translators(obj: Any, asked: bool, *, actor) -> bool:
    """Share a record that is not public yet (a draft meeting, a proposal under review) with
    the council's translators, or stop; returns whether anything changed. The caller refuses
    first what may not be shared."""
    if asked == (obj.translators_asked_at is not None):
        return False
    obj.translators_asked_at = utcnow() if asked else None
    action = "translators_asked" if asked else "translators_no_longer_asked"
    audit.record(f"{audit_name(type(obj))}.{action}", obj, actor=actor)
    return True
