"""How pages travel: compressed by the app itself, static files under names that hold their
content's hash (kept a year), and signed-in pages the back button may keep unless they hold a
vote, a password or a link that works once."""

import gzip
import io
import re

import brotli
import pytest
from werkzeug.datastructures import FileStorage

from app.assets import StaticFiles
from app.auth import Role
from app.extensions import db
from app.meetings import services as meetings
from app.meetings.models import Presence
from app.voting import services as voting
from tests.helpers import post, sign_in

COUNCIL = "/councils/council-a"
BOTH = {"Accept-Encoding": "gzip, deflate, br, zstd"}


@pytest.fixture
def world(make_council, make_user, add_member, make_meeting):
    council = make_council("Council A")
    member = make_user("member@a.example", display_name="Member Person")
    seat = add_member(council, member, Role.member)
    meeting = make_meeting(council, items=["Budget", "Library"], start=True)
    meetings.set_presence(meeting, seat, Presence.present)
    poll = voting.create_poll(
        meeting.items[0], voting.PollDetails(question="Adopt the budget?", lang="en")
    )
    voting.open_poll(poll)
    db.session.commit()
    return {"council": council, "member": member, "meeting": meeting, "poll": poll}


def assets_of(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def test_pages_come_compressed_in_brotli_or_gzip_as_the_browser_asks(client, world):
    page = f"{COUNCIL}/meetings/{world['meeting'].id}"
    plain = client.get(page)
    assert "Content-Encoding" not in plain.headers  # a client that asks for nothing
    as_brotli = client.get(page, headers=BOTH)
    assert as_brotli.headers["Content-Encoding"] == "br"
    assert brotli.decompress(as_brotli.data) == plain.data
    assert int(as_brotli.headers["Content-Length"]) < len(plain.data) / 3
    as_gzip = client.get(page, headers={"Accept-Encoding": "gzip"})
    assert as_gzip.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(as_gzip.data) == plain.data
    for response in (plain, as_brotli, as_gzip):
        assert "Accept-Encoding" in response.headers["Vary"]
        assert "Cookie" in response.headers["Vary"]


def test_a_head_request_says_the_length_a_get_would_bring(client, world):
    page = f"{COUNCIL}/meetings/{world['meeting'].id}"
    head = client.head(page, headers=BOTH)
    assert head.data == b"" and head.headers["Content-Encoding"] == "br"
    assert int(head.headers["Content-Length"]) == len(client.get(page, headers=BOTH).data)


def test_small_answers_and_files_compressed_already_go_as_they_are(app, client, world):
    assert "Content-Encoding" not in client.get("/healthz", headers=BOTH).headers
    pdf = b"%PDF-1.4\n" + b"0" * 20_000 + b"\n%%EOF\n"
    upload = FileStorage(stream=io.BytesIO(pdf), filename="agenda.pdf")
    document = meetings.store_document(world["meeting"], upload, item=None, actor=None)
    db.session.commit()
    link = f"{COUNCIL}/documents/{document.id}/agenda.pdf"
    download = client.get(link, headers=BOTH)
    assert download.status_code == 200 and "Content-Encoding" not in download.headers
    assert download.data == pdf and int(download.headers["Content-Length"]) == len(pdf)
    part = client.get(link, headers={**BOTH, "Range": "bytes=0-8"})
    assert part.status_code == 206 and part.data == pdf[:9]


def test_static_files_are_named_by_their_content_and_kept_for_a_year(client):
    html = client.get("/sign-in").get_data(as_text=True)
    found = assets_of(html)
    assert len(found) == 2, found
    for address in found:
        assert re.fullmatch(r"/static/(css/consulta|js/enhance)\.[0-9a-f]{12}\.(css|js)", address)
        kept = client.get(address, headers=BOTH)
        assert kept.status_code == 200
        assert kept.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert kept.headers["Content-Encoding"] == "br"
        assert "Accept-Encoding" in kept.headers["Vary"]
        assert "Accept-Language" not in kept.headers["Vary"]  # the same file in every language
        # The plain name still answers, asked again each time.
        plain_name = re.sub(r"\.[0-9a-f]{12}\.", ".", address)
        plain = client.get(plain_name)
        assert plain.headers["Cache-Control"] == "no-cache"
        assert brotli.decompress(kept.data) == plain.data
        again = client.get(plain_name, headers={"If-None-Match": plain.headers["ETag"]})
        assert again.status_code == 304
        again = client.get(address, headers={**BOTH, "If-None-Match": kept.headers["ETag"]})
        assert again.status_code == 304


def test_a_changed_file_gets_a_new_name_and_an_old_name_still_answers(tmp_path):
    (tmp_path / "css").mkdir()
    stylesheet = tmp_path / "css" / "site.css"
    stylesheet.write_text("body { color: black; }")
    before = StaticFiles(tmp_path).names["css/site.css"]
    stylesheet.write_text("body { color: navy; }")
    files = StaticFiles(tmp_path)
    after = files.names["css/site.css"]
    assert before != after and after.startswith("css/site.") and after.endswith(".css")
    assert files.stale.match(before)  # served as the current file, asked again each time


def test_an_unknown_static_file_is_not_found(client):
    assert client.get("/static/css/nothing.css").status_code == 404
    assert client.get("/static/css/nothing.0123456789ab.css").status_code == 404
    old = client.get("/static/css/consulta.0123456789ab.css")
    assert old.status_code == 200 and old.headers["Cache-Control"] == "no-cache"


def test_signed_in_pages_may_be_kept_for_the_back_button_unless_they_hold_a_secret(
    app, client, world
):
    assert "Cache-Control" not in client.get(COUNCIL).headers  # public, the same for all
    assert client.get("/sign-in").headers["Cache-Control"] == "no-store"
    sign_in(client, world["member"].email)
    poll = world["poll"]
    kept = [
        "/start",
        "/profile",
        COUNCIL,
        f"{COUNCIL}/meetings/{world['meeting'].id}",
        f"{COUNCIL}/proposals",
    ]
    for page in kept:
        response = client.get(page)
        assert response.status_code == 200, page
        assert response.headers["Cache-Control"] == "private, no-cache", page
    for page in ("/profile/password", f"{COUNCIL}/polls/{poll.id}"):
        response = client.get(page)
        assert response.status_code == 200, page
        assert response.headers["Cache-Control"] == "no-store", page
    vote = f"{COUNCIL}/polls/{poll.id}"
    post(client, f"{vote}/confirm", {"choice": "yes"}, page=vote)
    confirmation = client.get(f"{COUNCIL}/polls/{poll.id}/confirm")
    assert confirmation.status_code == 200
    assert confirmation.headers["Cache-Control"] == "no-store"
    signed_out = post(client, "/sign-out", page="/profile")
    # What the back button kept goes with the session, on a shared computer too.
    assert signed_out.headers["Clear-Site-Data"] == '"cache"'
