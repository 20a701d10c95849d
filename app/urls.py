"""Links: safe redirects (only to paths on this site), and the full links that leave it."""

from typing import TypeGuard
from urllib.parse import urlsplit

from flask import current_app, has_request_context, redirect, url_for


def is_local(target: str | None) -> TypeGuard[str]:
    if not target:
        return False
    parts = urlsplit(target)
    return (
        not parts.scheme
        and not parts.netloc
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
    )


def redirect_back(target: str | None, fallback_endpoint: str = "site.home", **values):
    return redirect(target if is_local(target) else url_for(fallback_endpoint, **values))


def external_url(endpoint: str, **values) -> str:
    """A full link for emails, calendars and QR codes: built from CONSULTA_BASE_URL, never
    from the request's Host header (which whoever sends the request chooses)."""
    if has_request_context():
        return current_app.config["BASE_URL"] + url_for(endpoint, **values)
    # Outside a request (the outbox's sender, a command): the path from the URL map alone.
    adapter = current_app.url_map.bind("localhost", script_name="/")
    return current_app.config["BASE_URL"] + adapter.build(endpoint, values)
