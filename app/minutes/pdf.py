"""Minutes as a PDF: the printable page, laid out by WeasyPrint on the server.

The page carries its stylesheet inline and WeasyPrint may fetch nothing at all, so no text
in the minutes can make the server request an address or read a file."""

from functools import cache
from pathlib import Path

from markupsafe import Markup


@cache
def stylesheet(static_folder: str) -> Markup:
    """The app's stylesheet, to put inside the page given to WeasyPrint."""
    css = (Path(static_folder) / "css" / "consulta.css").read_text()
    return Markup(css.replace("</", "<\\/"))  # noqa: S704 - the app's own file


def render_pdf(html: str) -> bytes:
    # Loaded on first use: it brings pango and the fonts.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    class NoFetching(URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError("minutes are rendered without fetching anything")

    return HTML(string=html, url_fetcher=NoFetching(fail_on_errors=False)).write_pdf()


def pdf_response(html: str, filename: str):
    """The page as a PDF to read in the browser (or save under ``filename``)."""
    from flask import make_response

    response = make_response(render_pdf(html))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "no-cache"
    return response
