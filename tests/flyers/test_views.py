"""Flyers and posters: what a person reads on the printed page, in its own language."""

import io
import re
from datetime import UTC
from zoneinfo import ZoneInfo

import pytest
import segno
from babel.dates import format_date, format_time
from flask_babel import force_locale
from flask_babel import gettext as _
from pypdf import PdfReader

from app.auth import Role
from app.extensions import db
from app.flyers.views import QR_SCALE
from app.meetings import services as meetings
from tests.helpers import sign_in

BASE = "https://flyers.riverside.example"
HEADLINE = "Tell the council what should change"
NAMES = {"ar": "مجلس المهاجرين في ريفرسايد", "uk": "Рада мігрантів Ріверсайду"}
TITLES = {"ar": "الاجتماع العام", "uk": "Пленарне засідання"}
#: A4 and A5 in PDF points (1/72 inch).
PAGE_SIZES = {"a4": (595.28, 841.89), "a5": (419.53, 595.28)}


@pytest.fixture
def council(app, make_council):
    app.config["BASE_URL"] = BASE
    council = make_council("Riverside Migrant Council", slug="riverside")
    name = council.name
    for lang, text in NAMES.items():
        name = name.with_text(lang, text)
    council.name = name
    db.session.commit()
    return council


@pytest.fixture
def meeting(council, make_meeting):
    meeting = make_meeting(
        council, items=["Housing"], publish=True, place="Library, Bridge Street 12"
    )
    title = meeting.title
    for lang, text in TITLES.items():
        title = title.with_text(lang, text)
    meeting.title = title
    db.session.commit()
    return meeting


def flyer(client, language: str, size: str, etag: str | None = None):
    # Asked for under another host, in English: neither may change what is printed.
    headers = {"Accept-Language": "en"}
    if etag:
        headers["If-None-Match"] = etag
    return client.get(
        f"/councils/riverside/flyers/{language}/{size}.pdf",
        base_url="http://attacker.example",
        headers=headers,
    )


def text_of(response) -> str:
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    # Lines wrap where the page is full: compare words, not line breaks.
    return re.sub(r"\s+", " ", reader.pages[0].extract_text())


def in_language(language: str, message: str) -> str:
    with force_locale(language):
        return _(message)


@pytest.mark.parametrize(("language", "size"), [("ar", "a4"), ("uk", "a5"), ("uk", "a4")])
def test_a_flyer_calls_for_proposals_in_its_language_with_the_address_and_the_next_meeting(
    client, council, meeting, language, size
):
    response = flyer(client, language, size)
    text = text_of(response)
    headline = in_language(language, HEADLINE)
    assert headline != HEADLINE and headline in text
    assert NAMES[language] in text
    assert TITLES[language] in text
    # The form's address, printed big without "https://", from CONSULTA_BASE_URL.
    address = "flyers.riverside.example/p/riverside"
    assert address in text.replace(" ", "")
    assert "attacker" not in text
    # The meeting's day and time as the council's clock reads them, in the flyer's words.
    local = meeting.starts_at.replace(tzinfo=UTC).astimezone(ZoneInfo(council.timezone))
    for part in ["EEEE", "MMMM", "d", "y"]:
        assert format_date(local.date(), part, locale=language) in text
    # Arabic's "6:00 م" comes out of the PDF in visual order: compare the clock's digits.
    clock = re.search(r"\d{1,2}:\d{2}", format_time(local.time(), "short", locale=language))
    assert clock and clock[0] in text
    assert "Library, Bridge Street 12" in text
    disposition = response.headers["Content-Disposition"]
    assert f'filename="flyer-riverside-{language}-{size}.pdf"' in disposition


@pytest.mark.parametrize("size", ["a4", "a5"])
def test_the_page_is_the_paper_size_it_says(client, council, size):
    page = PdfReader(io.BytesIO(flyer(client, "en", size).data)).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert width == pytest.approx(PAGE_SIZES[size][0], abs=0.5)
    assert height == pytest.approx(PAGE_SIZES[size][1], abs=0.5)


def test_the_qr_code_opens_the_proposal_form_at_the_configured_address(client, council):
    """No QR decoder is installed: the image on the page is compared, module by module, with
    the code of the expected address."""
    page = PdfReader(io.BytesIO(flyer(client, "ar", "a4").data)).pages[0]
    [image] = page.images
    printed = image.image.convert("L")
    address = f"{BASE}/p/riverside"
    expected = list(segno.make(address, error="m").matrix_iter(border=4))
    assert printed.size == (len(expected) * QR_SCALE,) * 2
    middle = QR_SCALE // 2
    for y, row in enumerate(expected):
        dark = [
            printed.getpixel((x * QR_SCALE + middle, y * QR_SCALE + middle)) < 128
            for x in range(len(row))
        ]
        assert dark == [bool(module) for module in row], f"row {y}"


def test_without_an_upcoming_meeting_the_flyer_says_so(client, council, make_meeting):
    # A draft is not announced yet, and a cancelled meeting is no invitation.
    make_meeting(council, days=3)
    cancelled = make_meeting(council, items=["Housing"], publish=True, days=5)
    meetings.cancel_meeting(cancelled, "The hall is closed.", "en")
    db.session.commit()
    text = text_of(flyer(client, "uk", "a5"))
    assert in_language("uk", "Next public meeting") in text
    assert (
        in_language(
            "uk",
            "No public meeting is scheduled yet. The council’s website announces the next one.",
        )
        in text
    )


@pytest.mark.parametrize(
    ("language", "size"),
    [("xx", "a4"), ("de", "a4"), ("es", "a4"), ("ar", "a3"), ("AR", "a4"), ("ar", "A4")],
)
def test_a_language_the_council_does_not_offer_or_an_unknown_size_is_not_found(
    client, council, language, size
):
    # Spanish is offered but the interface does not speak it: no flyer either.
    council.languages = [*council.languages, "es"]
    db.session.commit()
    response = flyer(client, language, size)
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_a_cache_keeps_the_flyer_until_the_next_meeting_changes(client, council, make_meeting):
    first = flyer(client, "ar", "a4")
    assert "no-cache" in first.headers["Cache-Control"] and first.headers["ETag"]
    again = flyer(client, "ar", "a4", etag=first.headers["ETag"])
    assert again.status_code == 304 and not again.data
    make_meeting(council, items=["Housing"], publish=True, days=10)
    changed = flyer(client, "ar", "a4", etag=first.headers["ETag"])
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]
    assert in_language("ar", "No public meeting is scheduled yet.") not in text_of(changed)


def test_the_secretary_finds_every_flyer_from_the_council_home(app, council, make_user, add_member):
    council.languages = [*council.languages, "es"]
    secretary = make_user("secretary@riverside.example")
    add_member(council, secretary, Role.secretary)
    client = app.test_client()
    sign_in(client, secretary.email)
    home = client.get("/councils/riverside").get_data(as_text=True)
    assert 'href="/councils/riverside/flyers"' in home
    page = client.get("/councils/riverside/flyers").get_data(as_text=True)
    for language in ["en", "ar", "fr", "uk"]:
        for size in ["a4", "a5"]:
            assert f'href="/councils/riverside/flyers/{language}/{size}.pdf"' in page
    assert "/flyers/es/" not in page and "Español" in page  # named as not available yet


def test_the_short_address_opens_the_proposal_form(client, council):
    response = client.get("/p/riverside")
    assert response.status_code == 302
    assert response.location.endswith("/councils/riverside/proposals/new")
    assert client.get("/p/nowhere").status_code == 404
