"""The choice a member is about to confirm, kept between the two screens of a vote.

It travels in the session cookie, never in a URL, so that the confirmation can be a page of
its own (going back to it asks nothing of the browser). Flask signs that cookie but does not
encrypt it, so the choice is sealed, bound to its poll, and padded to the longest key: the
cookie is as long whatever was chosen."""

import base64
import binascii

from cryptography.exceptions import InvalidTag
from flask import session

from app.tokens import seal, unseal
from app.voting.models import Poll, PollOption

PURPOSE = "vote-choice"
SESSION_KEY = "vote_choice"
#: The longest option key (``PollOption.key``); every sealed choice is this long.
WIDTH = 20


def remember_choice(poll: Poll, option: PollOption) -> None:
    sealed = seal(PURPOSE, option.key.ljust(WIDTH).encode(), _context(poll))
    session[SESSION_KEY] = base64.urlsafe_b64encode(sealed).decode()


def pending_choice(poll: Poll) -> PollOption | None:
    """The option chosen for ``poll``; None when nothing is pending, or it was chosen for
    another poll, or the cookie no longer opens (a changed secret key, an edited cookie)."""
    sealed = session.get(SESSION_KEY)
    if not isinstance(sealed, str):
        return None
    try:
        key = unseal(PURPOSE, base64.urlsafe_b64decode(sealed.encode()), _context(poll))
    except (InvalidTag, ValueError, binascii.Error):
        return None
    return poll.option(key.decode().rstrip())


def forget_choice() -> None:
    session.pop(SESSION_KEY, None)


def _context(poll: Poll) -> bytes:
    return str(poll.id).encode()
