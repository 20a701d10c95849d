"""Generated input on every route: whatever arrives, the answer is never a server error.

Hypothesis makes up the values of each route's URL parameters (numbers far beyond any id,
words in any script, control and bidi characters), its query string and its form fields or a
JSON body, and sends them as a signed-in secretary would, with a valid CSRF token.
"""

import pytest
from flask_migrate import stamp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import create_app
from app.auth import Role
from config import TestConfig
from tests.helpers import csrf_token, sign_in

FIELDS = [
    "title", "body", "lang", "day", "starts", "ends", "place", "reason", "kind", "choice",
    "state", "meeting", "answer", "question", "method", "majority_rule", "entitlement", "email",
    "role", "voting_right", "term_start", "term_end", "display_name", "locale", "password",
    "confirm", "listed", "direction", "record", "to", "field", "text-title", "topic", "name",
    "municipality", "languages", "default_language", "timezone", "quorum_rule", "page", "q",
    "submission_key", "website", "item", "duration_minutes", "options", "next", "asked",
    "summary", "yes", "no", "abstain", "year",
]  # fmt: skip
NUMBERS = st.one_of(
    st.integers(min_value=-10, max_value=10),
    st.integers(min_value=2**31, max_value=2**80),
    st.sampled_from([2**63 - 1, 2**63, 2**64]),
)
TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "0", "-1", "99999999999999999999", "0001-01-01", "9999-12-31", "25:61"]),
    st.sampled_from(["\u202e", "a\r\nb", "\x00", "ar", "yes", "up", "1:present", "draft"]),
    NUMBERS.map(str),
)
JSON_VALUES = st.one_of(st.none(), st.booleans(), NUMBERS, TEXT, st.lists(TEXT, max_size=3))


def routes():
    app = create_app(TestConfig)
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield pytest.param(rule.rule, method, id=f"{method} {rule.rule}")


@pytest.fixture
def secretary(app, make_council, make_user, add_member, make_meeting):
    # The tables come from the models, which are the newest schema: recorded as such, as
    # `flask db upgrade` records it, so that /healthz answers for an instance as it runs.
    stamp()
    council = make_council("Council A")
    user = make_user("secretary@a.example")
    add_member(council, user, Role.secretary)
    make_meeting(council, items=["Budget"], start=True)
    client = app.test_client()
    sign_in(client, user.email)
    return client, csrf_token(client, "/profile")


def path_for(rule: str, draw) -> str:
    """The rule with each <converter:name> replaced by a generated value."""
    import re

    def value(match):
        converter, name = match.group(1) or "", match.group(2)
        if name == "slug":
            return draw(st.sampled_from(["council-a", "nowhere"]))
        if converter.startswith("int"):
            return str(draw(NUMBERS.filter(lambda n: n >= 0)))
        if name == "kind":
            return draw(
                st.sampled_from(["meeting", "item", "poll", "proposal", "answer", "council", "x"])
            )
        return draw(
            st.text(
                alphabet=st.characters(codec="ascii", categories=["L", "N"]),
                min_size=1,
                max_size=20,
            )
        )

    return re.sub(r"<(?:(\w+):)?(\w+)>", value, rule)


@pytest.mark.parametrize(("rule", "method"), list(routes()))
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_input_gives_a_server_error(secretary, rule, method, data):
    client, token = secretary
    path = path_for(rule, data.draw)
    query = data.draw(st.dictionaries(st.sampled_from(FIELDS), TEXT, max_size=3))
    if method == "GET":
        response = client.get(path, query_string=query)
    elif data.draw(st.booleans()):
        body = data.draw(st.dictionaries(st.sampled_from(FIELDS), JSON_VALUES, max_size=6))
        response = client.post(path, json=body, headers={"X-CSRFToken": token})
    else:
        form = data.draw(st.dictionaries(st.sampled_from(FIELDS), TEXT, max_size=8))
        response = client.post(path, data={**form, "csrf_token": token})
    assert response.status_code < 500, f"{method} {path} {query}"


def test_a_meeting_in_year_one_is_refused_with_a_message(secretary):
    client, token = secretary
    response = client.post(
        "/councils/council-a/meetings/new",
        data={
            "csrf_token": token,
            "title": "Long ago",
            "lang": "en",
            "day": "0001-01-01",
            "starts": "00:10",
            "ends": "01:00",
        },
    )
    assert response.status_code == 200
    assert "The meeting cannot start in the past." in response.get_data(as_text=True)


def test_removing_a_draft_item_with_a_vote_or_a_proposal_is_refused_not_a_crash(
    app, make_council, make_user, add_member, make_meeting
):
    from app.extensions import db
    from app.proposals import services as proposals
    from app.proposals.models import ProposalState
    from app.voting import services as voting

    council = make_council("Council A")
    user = make_user("secretary@a.example")
    add_member(council, user, Role.secretary)
    meeting = make_meeting(council, items=["With a vote", "With a proposal"])
    voting.create_poll(meeting.items[0], voting.PollDetails(question="Adopt?", lang="en"))
    proposal, _ = proposals.submit(
        council,
        proposals.Submission(title="Benches", body="More", topic="other", lang="en"),
        author=None,
        address="x",
        submission_key="k",
    )
    proposals.change_state(proposal, ProposalState.accepted)
    proposals.link_to_item(proposal, meeting.items[1], actor=None)
    db.session.commit()
    client = app.test_client()
    sign_in(client, user.email)
    token = csrf_token(client, "/profile")
    for item in list(meeting.items):
        url = f"/councils/council-a/meetings/{meeting.id}/items/{item.id}/remove"
        response = client.post(url, data={"csrf_token": token})
        assert response.status_code == 302
    db.session.expire_all()
    assert len(meeting.items) == 2


BIG = 2**64
#: What the fuzzer once turned into a server error, kept as plain cases that run every time.
FOUND = [
    ("GET", f"/councils/council-a/meetings/{BIG}", None, 404),  # beyond SQLite's integers
    ("GET", f"/councils/council-a/meetings/{2**31}", None, 404),  # beyond PostgreSQL's
    ("GET", f"/councils/council-a/proposals?page={BIG}", None, 404),  # a page beyond the list
    ("GET", "/councils/council-a/proposals?page=-3", None, 200),
    ("GET", f"/councils/council-a/decisions?page={BIG}", None, 404),
    ("GET", f"/councils/council-a/meetings?page={BIG}", None, 404),
    ("JSON", "/councils/council-a/edit", {"name": 5, "languages": [1, None], "lang": True}, 200),
    ("JSON", "/councils/council-a/meetings/new", {"title": [], "day": 20260101}, 200),
    ("FORM", "/councils/council-a/edit", {"name": "Council A"}, 200),  # other fields missing
]


@pytest.mark.parametrize(("method", "path", "body", "status"), FOUND)
def test_the_inputs_the_fuzzer_found_are_answered_without_a_server_error(
    secretary, method, path, body, status
):
    client, token = secretary
    if method == "GET":
        response = client.get(path)
    elif method == "JSON":
        response = client.post(path, json=body, headers={"X-CSRFToken": token})
    else:
        response = client.post(path, data={**body, "csrf_token": token})
    assert response.status_code == status, response.get_data(as_text=True)[:500]
