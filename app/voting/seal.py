"""Sealed ballots: a pseudo-anonymous choice, unreadable while its poll is open.

Each choice is encrypted at vote time with a key derived from the instance secret and the
poll (HKDF-SHA256, then AES-GCM with a random nonce), never stored in the database. Choices are
padded to one length first, so every sealed ballot is the same size whatever it says. At the
close the sealed ballots are opened, sorted and written as plain anonymous ballots in one
transaction, and the sealed rows deleted: the order and the transaction of the plain rows say
nothing about who voted what.
"""

from app.tokens import seal as seal_data
from app.tokens import unseal as unseal_data

#: Longer than any option key ("abstain", "option-12"); padded with spaces.
PADDED = 32


def _purpose(poll_id: int) -> str:
    return f"ballot seal, poll {poll_id}"


def seal(poll_id: int, choice: str) -> bytes:
    data = choice.encode()
    if len(data) > PADDED:
        raise ValueError("option key too long to seal")
    return seal_data(_purpose(poll_id), data.ljust(PADDED), str(poll_id).encode())


def unseal(poll_id: int, sealed: bytes) -> str:
    return unseal_data(_purpose(poll_id), sealed, str(poll_id).encode()).decode().rstrip(" ")
