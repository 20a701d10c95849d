"""Minutes as a PDF: the printable page, laid out by WeasyPrint on the server.

The page carries its stylesheet inline and WeasyPrint may fetch nothing at all, so no text
in the minutes can make the server request an address or read a file. Images the server
drew itself (a flyer's QR code) are handed over with the page, under ``attached:`` names."""

from collections.abc import Mapping
from functools import cache
from pathlib import Path

from markupsafe import Markup

#: How a page refers to an image handed over with it: ``<img src="attached:qr.png">``.
ATTACHED = "attached:"


@cache
def stylesheet(static_folder: str) -> Markup:
    """The app's stylesheet, to put inside the page given to WeasyPrint."""
    css = (Path(static_folder) / "css" / "consulta.css").read_text()
    return Markup(css.replace("</", "<\\/"))  # noqa: S704 - the app's own file


def render_pdf(html: str, images: Mapping[str, bytes] | None = None) -> bytes:
    """The page as PDF; ``images`` are PNG images by name, the only things it may load."""
    # Loaded on first use: it brings pango and the fonts.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    attached = dict(images or {})

    class NoFetching(URLFetcher):
        def fetch(self, url, headers=None):
            name = url.removeprefix(ATTACHED)
            if url.startswith(ATTACHED) and name in attached:
                return URLFetcherResponse(
                    url, body=attached[name], headers={"Content-Type": "image/png"}
                )
            raise ValueError("pages are rendered without fetching anything")

    return HTML(string=html, url_fetcher=NoFetching(fail_on_errors=False)).write_pdf()


def pdf_response(html: str, filename: str):
    """The page as a PDF to read in the browser (or save under ``filename``)."""
    from flask import make_response

    response = make_response(render_pdf(html))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "no-cache"
    return response
