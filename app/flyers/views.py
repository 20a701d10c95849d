"""The officers' page of flyers, and the flyers themselves: public PDFs, one per language
the council offers and paper size, always showing the council's next meeting."""

import hashlib
import io

import segno
from flask import Blueprint, abort, current_app, make_response, render_template, request
from flask_babel import force_locale

from app.auth import Access, Permission, current_council, requires
from app.flyers import services
from app.flyers.services import SIZES
from app.minutes.pdf import ATTACHED, render_pdf, stylesheet
from app.urls import external_url
from app.web import stateless

bp = Blueprint("flyers", __name__, url_prefix="/councils/<slug>/flyers")

#: The QR code's image, as the flyer's page names it.
QR_IMAGE = "qr.png"


@bp.get("")
@requires(Permission.edit_council)
def flyers(slug: str):
    council = current_council()
    languages = services.flyer_languages(council)
    return render_template(
        "flyers/list.html",
        council=council,
        languages=languages,
        without_flyer=[code for code in council.languages if code not in languages],
        sizes=SIZES,
    )


def printed_address(link: str) -> str:
    """A link as people type it: without ``https://``, which browsers add themselves."""
    return link.removeprefix("https://").removeprefix("http://")


#: Pixels per module of the QR code: sharp edges even where a PDF viewer smooths images.
QR_SCALE = 10


def qr_png(link: str) -> bytes:
    """The link as a QR code to photograph, drawn on the server."""
    out = io.BytesIO()
    segno.make(link, error="m").save(out, kind="png", scale=QR_SCALE, border=4)
    return out.getvalue()


@bp.get("/<language>/<size>.pdf")
@requires(Access.anyone)
@stateless
def flyer(slug: str, language: str, size: str):
    """A flyer in ``language`` (a language of the council the interface speaks), whoever
    reads it and whatever their browser asks for."""
    council = current_council()
    if language not in services.flyer_languages(council) or size not in SIZES:
        abort(404)
    form = external_url("site.propose", slug=council.slug)
    with force_locale(language):
        page = render_template(
            "flyers/flyer.html",
            council=council,
            size=size,
            form_address=printed_address(form),
            qr=ATTACHED + QR_IMAGE,
            meeting=services.next_public_meeting(council),
            stylesheet=stylesheet(current_app.static_folder or ""),
        )
    images = {QR_IMAGE: qr_png(form)}
    # The page and the form's address make the PDF: the same page is the same PDF, so a
    # cache asks each time (the next meeting changes) and is mostly told "not modified".
    etag = hashlib.sha256(f"{form}\n{page}".encode()).hexdigest()[:32]
    if request.if_none_match.contains(etag):
        response = make_response("", 304)
    else:
        response = make_response(render_pdf(page, images))
        response.headers["Content-Type"] = "application/pdf"
        name = f"flyer-{council.slug}-{language}-{size}.pdf"
        response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    response.set_etag(etag)
    response.headers["Cache-Control"] = "public, no-cache"
    return response
