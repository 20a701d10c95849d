"""Pseudo-anonymous votes, attacked as someone who can read the database would.

The promise: whoever reads the tables, the SQLite file and its write-ahead log, a PostgreSQL
replica, the audit trail or the access log cannot tell how a given member voted, neither while
the poll is open nor after. Each test below is one way of trying, done for real.
"""

import base64
import json
import re
import sqlite3
import struct
import zlib
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.audit import AuditEvent
from app.auth import Role
from app.extensions import db
from app.meetings import services as meetings
from app.meetings.models import Presence
from app.voting import services
from app.voting.models import PollMethod, SecretBallot
from tests.helpers import csrf_token, sign_in

VOTERS = 8
#: Who votes what, in the order they vote; the second election permutes the same choices.
FIRST = ["yes", "no", "yes", "abstain", "no", "yes", "yes", "no"]
SECOND = ["no", "yes", "abstain", "yes", "yes", "no", "no", "yes"]


def sqlite_path(app) -> Path | None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    return Path(uri.removeprefix("sqlite:///")) if uri.startswith("sqlite:///") else None


def varint(data: bytes, at: int) -> tuple[int, int]:
    value = 0
    for i in range(9):
        byte = data[at + i]
        if i == 8:
            return (value << 8) | byte, at + 9
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, at + i + 1
    raise AssertionError("bad varint")


def record(data: bytes, at: int) -> list:
    """The values of one SQLite record (text and integers are all these tables hold)."""
    header_size, cursor = varint(data, at)
    end_header, body = at + header_size, at + header_size
    values = []
    while cursor < end_header:
        serial, cursor = varint(data, cursor)
        if serial >= 13 and serial % 2:
            size = (serial - 13) // 2
            values.append(data[body : body + size].decode())
        elif serial >= 12:
            size = (serial - 12) // 2
            values.append(data[body : body + size])
        elif serial in (1, 2, 3, 4, 6):
            size = {1: 1, 2: 2, 3: 3, 4: 4, 6: 8}[serial]
            values.append(int.from_bytes(data[body : body + size], "big", signed=True))
        else:
            size = 0
            values.append({0: None, 8: 0, 9: 1}.get(serial))
        body += size
    return values


def cells_by_insertion(page: bytes, header_at: int) -> list[list]:
    """A leaf page's records, oldest first: SQLite fills a page's cells from its end in the
    order rows were written, whatever order the keys sort in."""
    kind = page[header_at]
    count = struct.unpack(">H", page[header_at + 3 : header_at + 5])[0]
    pointers = [
        struct.unpack(">H", page[header_at + 8 + 2 * i : header_at + 10 + 2 * i])[0]
        for i in range(count)
    ]
    rows = []
    for offset in sorted(pointers, reverse=True):
        _size, at = varint(page, offset)
        if kind == 0x0D:  # table leaf: then the rowid
            _rowid, at = varint(page, at)
        rows.append(record(page, at))
    return rows


def physical_rows(path: Path, table: str) -> list[list]:
    """The table's rows in the order they were written, read from the file's pages."""
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,))
    root = root.fetchone()[0]
    size = connection.execute("PRAGMA page_size").fetchone()[0]
    connection.close()
    data = path.read_bytes()
    page = data[(root - 1) * size : root * size]
    assert page[0] in (0x0A, 0x0D), "the test data fits in one leaf page"
    return cells_by_insertion(page, 0)


def wal_snapshots(path: Path, table: str) -> list[list[list]]:
    """Every version of the table's page that the write-ahead log holds, oldest first."""
    connection = sqlite3.connect(path)
    root = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,))
    root = root.fetchone()[0]
    connection.close()
    wal = Path(f"{path}-wal").read_bytes()
    if len(wal) < 32:
        return []
    size = struct.unpack(">I", wal[8:12])[0]
    snapshots, at = [], 32
    while at + 24 + size <= len(wal):
        number = struct.unpack(">I", wal[at : at + 4])[0]
        page = wal[at + 24 : at + 24 + size]
        if number == root and page[0] in (0x0A, 0x0D):
            snapshots.append(cells_by_insertion(page, 0))
        at += 24 + size
    return snapshots


@pytest.fixture
def election(app, make_council, make_user, add_member, make_meeting):
    """A council of eight voting members at a meeting in progress, with a secret poll."""
    council = make_council("Council A")
    members = []
    for n in range(VOTERS):
        user = make_user(f"member{n}@a.example")
        members.append(add_member(council, user, Role.member, voting_right=True))
    meeting = make_meeting(council, items=["Budget"], start=True)
    for membership in members:
        meetings.set_presence(meeting, membership, Presence.present)
    db.session.commit()

    def hold(choices: list[str], *, close: bool):
        poll = services.create_poll(
            meeting.items[0],
            services.PollDetails(question="Adopt?", lang="en", method=PollMethod.secret),
        )
        services.open_poll(poll)
        db.session.commit()
        for membership, choice in zip(members, choices, strict=True):
            services.cast_vote(poll, membership, choice, actor=membership.user)
            db.session.commit()  # one transaction per vote, as on the server
        if close:
            services.close_poll(poll)
            db.session.commit()
        return poll

    return hold


def sqlite_only(app):
    if sqlite_path(app) is None:
        pytest.skip("reads SQLite's own file")


def test_the_order_of_rows_in_the_file_does_not_follow_the_votes(app, election):
    """Attack 1: sort both tables by where their cells sit in the page, pair them up."""
    sqlite_only(app)
    path = sqlite_path(app)
    first = election(FIRST, close=True)
    first_order = [row[-1] for row in physical_rows(path, "secret_ballots")]
    second = election(SECOND, close=True)
    rows = [row for row in physical_rows(path, "secret_ballots")]
    second_order = [row[-1] for row in rows if row[1] == second.id]
    first_order = [row[-1] for row in rows if row[1] == first.id]
    # The same choices, cast in another order by the same members, are stored identically.
    assert sorted(first_order) == sorted(FIRST)
    assert first_order == second_order


def test_no_choice_is_readable_while_the_poll_is_open(app, election):
    """Attack 1 again, before the close: nothing in the file says what anyone chose."""
    sqlite_only(app)
    path = sqlite_path(app)
    election(FIRST, close=False)
    assert physical_rows(path, "secret_ballots") == []
    sealed = physical_rows(path, "sealed_ballots")
    assert len(sealed) == VOTERS
    assert len({len(row[-1]) for row in sealed}) == 1  # every sealed ballot is the same size
    for row in sealed:
        assert b"yes" not in row[-1] and b"abstain" not in row[-1]


def test_the_write_ahead_log_never_adds_a_ballot_with_a_vote(app, election):
    """Attack 1, the WAL: each vote's commit must not add a readable ballot."""
    sqlite_only(app)
    path = sqlite_path(app)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    election(FIRST, close=True)
    for snapshot in wal_snapshots(path, "secret_ballots"):
        # Every version of the page has no ballot, or all of them (written at the close).
        assert len(snapshot) in (0, VOTERS)


def test_postgresql_transaction_ids_do_not_join_voters_and_choices(app, election):
    """Attack 2: vote_records.xmin = secret_ballots.xmin, with SELECT rights only."""
    if sqlite_path(app) is not None:
        pytest.skip("PostgreSQL's xmin")
    poll = election(FIRST, close=False)

    def xmins(table):
        statement = text(f"SELECT xmin::text FROM {table} WHERE poll_id = :poll")  # noqa: S608
        return set(db.session.scalars(statement, {"poll": poll.id}))

    voters = xmins("vote_records")
    assert len(voters) == VOTERS
    assert not voters & xmins("secret_ballots")
    services.close_poll(poll)
    db.session.commit()
    assert not voters & xmins("secret_ballots")
    assert len(xmins("secret_ballots")) == 1  # all written by the close, together
    assert xmins("sealed_ballots") == set()


def test_the_audit_trail_says_only_that_a_ballot_arrived(app, election):
    """Attack 3: the audit event of a secret vote names nobody."""
    poll = election(FIRST, close=False)
    events = db.session.scalars(
        select(AuditEvent).filter_by(action="poll.voted", object_id=poll.id)
    ).all()
    assert len(events) == VOTERS
    assert {e.actor_id for e in events} == {None}
    assert all("member" not in e.details for e in events)


def open_secret_poll(make_council, make_user, add_member, make_meeting):
    council = make_council("Council B")
    user = make_user("voter@b.example")
    membership = add_member(council, user, Role.member, voting_right=True)
    meeting = make_meeting(council, items=["Budget"], start=True)
    meetings.set_presence(meeting, membership, Presence.present)
    poll = services.create_poll(
        meeting.items[0],
        services.PollDetails(question="Adopt?", lang="en", method=PollMethod.secret),
    )
    services.open_poll(poll)
    db.session.commit()
    return user, f"/councils/{council.slug}/polls/{poll.id}"


def session_payload(client, app) -> bytes:
    """The session cookie as anyone who holds it reads it: Flask signs it, nothing more (and
    compresses it when that is shorter, so its length on the wire varies with the random
    bytes of whatever is sealed in it, for every choice alike)."""
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    payload = cookie.value.removeprefix(".").split(".")[0]
    data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return zlib.decompress(data) if cookie.value.startswith(".") else data


def chosen_words(page: str) -> str:
    """The choice a confirmation page repeats, as its key."""
    words = re.search(r'name="choice" value="([^"]+)"', page)
    assert words, "not a confirmation page"
    return words.group(1)


def test_the_choice_never_travels_in_a_url(app, make_council, make_user, add_member, make_meeting):
    """Attack 4: access logs, the Referer header and the phone's history keep URLs."""
    user, base = open_secret_poll(make_council, make_user, add_member, make_meeting)
    client = app.test_client()
    sign_in(client, user.email)
    page = client.get(base).get_data(as_text=True)
    form = re.search(r'<form action="([^"]*/confirm)" method="(\w+)"', page)
    assert form and form.group(2) == "post"
    # Nothing chosen yet: a choice in the query string is not one.
    guessed = client.get(f"{base}/confirm?choice=no", follow_redirects=True)
    assert "You are voting" not in guessed.get_data(as_text=True)
    assert guessed.request.path == base
    token = csrf_token(client, base)
    cookies, pages = set(), set()
    for key in ("yes", "no", "abstain"):
        chosen = client.post(f"{base}/confirm", data={"csrf_token": token, "choice": key})
        assert chosen.status_code == 303
        assert chosen.location == f"{base}/confirm"
        assert "Set-Cookie" in chosen.headers
        cookies.add(len(session_payload(client, app)))
        confirm = client.get(chosen.location)
        assert confirm.status_code == 200
        assert confirm.headers["Referrer-Policy"] == "no-referrer"
        assert confirm.headers["Cache-Control"] == "no-store"
        pages.add(len(confirm.get_data()))
        # Once chosen, a choice in the query string still changes nothing.
        other = "no" if key == "yes" else "yes"
        again = client.get(f"{base}/confirm?choice={other}").get_data(as_text=True)
        assert chosen_words(again) == chosen_words(confirm.get_data(as_text=True)) == key
    assert len(cookies) == 1, "the session's size gives the choice away"
    assert len(pages) == 1, "the confirmation page's size gives the choice away"
    voted = client.post(f"{base}/vote", data={"csrf_token": token, "choice": "no"})
    assert "choice" not in voted.location
    receipt = client.get(voted.location)
    assert receipt.headers["Referrer-Policy"] == "no-referrer"


def test_the_session_cookie_keeps_the_choice_sealed_and_of_one_size(
    app, make_council, make_user, add_member, make_meeting
):
    """Attack 5: the cookie between the two screens, read by whoever holds the phone."""
    user, base = open_secret_poll(make_council, make_user, add_member, make_meeting)
    client = app.test_client()
    sign_in(client, user.email)
    token = csrf_token(client, base)
    sealed = []
    for key in ("yes", "no", "abstain", "no"):
        client.post(f"{base}/confirm", data={"csrf_token": token, "choice": key})
        payload = session_payload(client, app)
        # Base64 has no quotes: a quoted key would be the choice itself, in clear.
        assert f'"{key}"'.encode() not in payload
        sealed.append(json.loads(payload)["vote_choice"])
    assert len({len(value) for value in sealed}) == 1, "the cookie's size gives the choice away"
    assert len(set(sealed)) == 4, "the same choice twice looks the same"
    client.post(f"{base}/vote", data={"csrf_token": token, "choice": "abstain"})
    assert "vote_choice" not in json.loads(session_payload(client, app))


def test_the_receipt_is_as_long_whatever_the_choice(
    app, make_council, make_user, add_member, make_meeting
):
    """Attack 4, on the wire: the receipt after voting is encrypted, but its length is not."""
    council = make_council("Council C")
    voters = []
    for n in range(3):
        user = make_user(f"voter{n}@c.example", display_name=f"Voter {n}")
        voters.append((user, add_member(council, user, Role.member, voting_right=True)))
    meeting = make_meeting(council, items=["Budget"], start=True)
    for _user, membership in voters:
        meetings.set_presence(meeting, membership, Presence.present)
    poll = services.create_poll(
        meeting.items[0],
        services.PollDetails(question="Adopt?", lang="en", method=PollMethod.secret),
    )
    services.open_poll(poll)
    db.session.commit()
    base = f"/councils/{council.slug}/polls/{poll.id}"
    sizes = set()
    for (user, _membership), key in zip(voters, ("yes", "no", "abstain"), strict=True):
        client = app.test_client()
        sign_in(client, user.email)
        token = csrf_token(client, base)
        client.post(f"{base}/confirm", data={"csrf_token": token, "choice": key})
        voted = client.post(f"{base}/vote", data={"csrf_token": token, "choice": key})
        receipt = client.get(voted.location)
        assert receipt.headers["Referrer-Policy"] == "no-referrer"
        html = receipt.get_data(as_text=True)
        assert "Your vote was recorded at" in html
        # The time of day is the same for every choice; only its digits may differ.
        sizes.add(len(re.sub(r"recorded at [^.]*\.", "", html).encode()))
    assert services.ballot_count(poll) == 3
    assert len(sizes) == 1, "the receipt's size gives the choice away"


def test_the_result_is_exact_and_recounted_from_the_stored_ballots(app, election):
    poll = election(FIRST, close=True)
    result = services.result_of(poll)
    assert result.counts == {"yes": 4, "no": 3, "abstain": 1}
    assert sorted(services.stored_choices(poll)) == sorted(FIRST)
    assert services.recount(poll).counts == result.counts
    assert db.session.scalar(select(db.func.count()).select_from(SecretBallot)) == VOTERS
