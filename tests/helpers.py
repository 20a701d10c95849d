"""Test helpers: submit forms like a browser, sign in and out."""

import re

PASSWORD = "correct horse battery"


def csrf_token(client, page: str) -> str:
    html = client.get(page).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, f"no form with a CSRF token on {page}"
    return match.group(1)


def post(client, url: str, data: dict | None = None, *, page: str | None = None, **kwargs):
    """Submit a form the way a browser does: with the CSRF token from the page it is on."""
    token_page = page or ("/profile" if client.get("/profile").status_code == 200 else "/sign-in")
    payload = {"csrf_token": csrf_token(client, token_page), **(data or {})}
    return client.post(url, data=payload, **kwargs)


def sign_in(client, email: str, password: str = PASSWORD):
    response = post(client, "/sign-in", {"email": email, "password": password}, page="/sign-in")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response


def sign_out(client):
    return post(client, "/sign-out", page="/profile")
