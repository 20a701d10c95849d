"""Test helpers: submit forms like a browser, sign in and out; a database per test worker."""

import os
import re

from sqlalchemy import create_engine, make_url, text

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


def worker_database(url: str) -> str:
    """`url`, or under pytest-xdist a database of this worker's own next to it, created on
    first use: workers running at once must not truncate each other's tables."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    base = make_url(url)
    name = f"{base.database}_{worker}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            found = connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if not found:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def new_database(name: str) -> str:
    """An empty PostgreSQL database of its own next to the test database (per xdist worker),
    for a program started by a test that builds its own schema."""
    base = make_url(os.environ["TEST_DATABASE_URL"])
    database = f"{base.database}_{name}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    engine.dispose()
    return base.set(database=database).render_as_string(hide_password=False)
