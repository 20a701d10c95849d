"""Safe redirects: only to paths on this site."""

from typing import TypeGuard
from urllib.parse import urlsplit

from flask import redirect, url_for


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
