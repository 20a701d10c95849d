"""Sealed ballots: a pseudo-anonymous choice, unreadable while its poll is open.

Each choice is encrypted at vote time with a key derived from the instance secret and the
poll (HKDF-SHA256, then AES-GCM with a random nonce), never stored in the database. Choices are
padded to one length first, so every sealed ballot is the same size whatever it says. At the
close the sealed ballots are opened, sorted and written as plain anonymous ballots in one
transaction, and the sealed rows deleted: the order and the transaction of the plain rows say
nothing about who voted what.
"""

import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

#: Longer than any option key ("abstain", "option-12"); padded with spaces.
PADDED = 32
NONCE = 12


def _key(poll_id: int) -> bytes:
    secret = current_app.config["SECRET_KEY"]
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=f"consulta ballot seal, poll {poll_id}".encode(),
    ).derive(secret.encode() if isinstance(secret, str) else secret)


def seal(poll_id: int, choice: str) -> bytes:
    data = choice.encode()
    if len(data) > PADDED:
        raise ValueError("option key too long to seal")
    nonce = os.urandom(NONCE)
    return nonce + AESGCM(_key(poll_id)).encrypt(nonce, data.ljust(PADDED), str(poll_id).encode())


def unseal(poll_id: int, sealed: bytes) -> str:
    nonce, ciphertext = sealed[:NONCE], sealed[NONCE:]
    data = AESGCM(_key(poll_id)).decrypt(nonce, ciphertext, str(poll_id).encode())
    return data.decode().rstrip(" ")
