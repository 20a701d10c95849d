"""Draft translations from a LibreTranslate-compatible HTTP API, when one is configured."""

import json
import logging
import urllib.error
import urllib.request

from flask import current_app
from flask_babel import gettext as _

from app.errors import DomainError

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 20


def machine_translation_enabled() -> bool:
    return bool(current_app.config.get("TRANSLATION_API_URL"))


def machine_translate(text: str, source: str, target: str) -> str:
    """The service's translation of ``text``; a DomainError explains any failure."""
    config = current_app.config
    payload = {"q": text, "source": source, "target": target, "format": "text"}
    if config.get("TRANSLATION_API_KEY"):
        payload["api_key"] = config["TRANSLATION_API_KEY"]
    request = urllib.request.Request(  # noqa: S310 - the URL is the administrator's setting
        config["TRANSLATION_API_URL"].rstrip("/") + "/translate",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            answer = json.load(response)
    except (urllib.error.URLError, TimeoutError, OSError, ValueError):
        log.exception("Machine translation from %s to %s failed", source, target)
        raise DomainError(
            _("The translation service did not answer. Try again later, or translate by hand.")
        ) from None
    translated = answer.get("translatedText") if isinstance(answer, dict) else None
    if not isinstance(translated, str) or not translated.strip():
        raise DomainError(_("The translation service returned nothing for this text."))
    return translated.strip()
