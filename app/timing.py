"""Server-Timing: how long the app took to answer and how many SQL statements it ran, on every
answer when ``SERVER_TIMING`` is set (bench/pages.py reads it; so does the test that keeps
statement counts constant as lists grow). Off by default: it tells how pages are built."""

from time import perf_counter

from flask import Flask, g, has_request_context
from sqlalchemy import event


def init_app(app: Flask, db) -> None:
    if not app.config.get("SERVER_TIMING"):
        return

    def count_statement(*_args) -> None:
        if has_request_context():
            g.statements = g.get("statements", 0) + 1

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count_statement)

    @app.before_request
    def start() -> None:
        g.started = perf_counter()
        g.statements = 0

    @app.after_request
    def header(response):
        if "started" in g:
            took = (perf_counter() - g.started) * 1000
            response.headers.add("Server-Timing", f'app;dur={took:.2f}, sql;desc="{g.statements}"')
        return response


def read(header: str) -> tuple[float, int]:
    """Milliseconds and statements from a Server-Timing header written here."""
    metrics = dict(part.strip().split(";", 1) for part in header.split(","))
    return float(metrics["app"].split("=")[1]), int(metrics["sql"].split('"')[1])
