"""Secrets handed to people: single-use links (only their hash is stored) and sealed values
(encrypted with a key derived from the instance secret, which is never in the database)."""

import base64
import hashlib
import hmac
import os
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

NONCE = 12


def new_token() -> tuple[str, str]:
    """A fresh URL-safe token and the hash to store for it."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def keyed_hash(purpose: str, value: str) -> str:
    """A fingerprint of ``value`` that only this site can make (HMAC-SHA256 under a key for
    ``purpose``): two equal values match, and a stolen database cannot be searched for an
    email address by hashing guesses."""
    return hmac.new(_key(purpose), value.encode(), hashlib.sha256).hexdigest()


def _key(purpose: str) -> bytes:
    """One key per purpose, so that a value sealed for one use never opens for another."""
    secret = current_app.config["SECRET_KEY"]
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"consulta {purpose}".encode()
    ).derive(secret.encode() if isinstance(secret, str) else secret)


def seal(purpose: str, data: bytes, context: bytes = b"") -> bytes:
    """``data`` encrypted and authenticated (AES-GCM, random nonce) for ``purpose``."""
    nonce = os.urandom(NONCE)
    return nonce + AESGCM(_key(purpose)).encrypt(nonce, data, context)


def unseal(purpose: str, sealed: bytes, context: bytes = b"") -> bytes:
    """The data :func:`seal` was given; raises ``InvalidTag`` for anything else."""
    return AESGCM(_key(purpose)).decrypt(sealed[:NONCE], sealed[NONCE:], context)


def seal_text(purpose: str, text: str) -> str:
    """A sealed string that can travel in a cookie."""
    return base64.urlsafe_b64encode(seal(purpose, text.encode())).decode()


def unseal_text(purpose: str, sealed: str) -> str | None:
    """The string :func:`seal_text` was given, or None for anything else (a changed secret
    key, a cookie edited by hand)."""
    try:
        return unseal(purpose, base64.urlsafe_b64decode(sealed.encode())).decode()
    except (InvalidTag, ValueError):
        return None
