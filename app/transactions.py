"""How a request writes: one transaction per action, committed once, by the view's action.

Services only add, change and flush; they never commit or roll back. A state-changing view
wraps its one service call in ``action()``: success commits; a ``DomainError`` rolls back and
its message is shown, on the form (which keeps what the person typed) or as a notice.

Hot write paths that read a lot first (a vote) use ``@reads_first`` and ``begin_writing()``:
their reads run in an ordinary transaction, and SQLite's write lock is taken only for the
writes (see ``app.database``).
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import flash
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.database import write_intent
from app.errors import DomainError
from app.extensions import db


@dataclass
class Outcome:
    """Whether the action's changes were committed, and if not, why (translated)."""

    error: str | None = None
    exception: DomainError | None = None
    done: bool = False

    def __bool__(self) -> bool:
        return self.done


@contextmanager
def action(
    form=None, *, keep_changes_on_error: bool = False, refusal: str = "error"
) -> Iterator[Outcome]:
    """Commit what the block did, or roll it back on a ``DomainError`` and tell the person.

    The message goes to ``form`` (shown above its fields) or, without a form, to a notice on
    the next page. ``keep_changes_on_error`` commits even a refusal: a failed sign-in counts
    towards the throttle. ``refusal`` is the notice's kind: "refusal" for an answer the
    person must hear first (a vote not recorded), shown as a focused panel."""
    outcome = Outcome()
    try:
        yield outcome
    except DomainError as error:
        if keep_changes_on_error:
            commit_keeping_loaded()
        else:
            db.session.rollback()
        # Only now: a lazy message is translated after the session is usable again.
        outcome.error = error.message
        outcome.exception = error
        if form is not None:
            form.form_errors.append(outcome.error)
        else:
            flash(outcome.error, refusal)
    else:
        commit_keeping_loaded()
        outcome.done = True


def reads_first(view):
    """This write view reads without the write lock until it calls ``begin_writing()``.

    The mark is read when the request starts (``app.database``), before the council of the
    URL is loaded, so that the first reads already run without the lock."""
    view.reads_first = True
    return view


def commit_keeping_loaded() -> None:
    """Commit without expiring loaded objects, so that finishing the response reads nothing
    again (and, on SQLite, takes no lock again)."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def begin_writing() -> None:
    """End the reading transaction, keeping what it loaded, and start writing: on SQLite the
    next transaction begins with BEGIN IMMEDIATE, so the lock is held only while writing."""
    commit_keeping_loaded()
    write_intent.set(True)


_AFTER_COMMIT = "consulta.after_commit"


def after_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` once the current transaction has committed; never if it rolls back.

    For work that must not happen inside the transaction (VACUUM, a WAL checkpoint)."""
    db.session.info.setdefault(_AFTER_COMMIT, []).append(callback)


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    for callback in session.info.pop(_AFTER_COMMIT, []):
        callback()


@event.listens_for(Session, "after_rollback")
def _forget_after_commit(session: Session) -> None:
    session.info.pop(_AFTER_COMMIT, None)
