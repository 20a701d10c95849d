"""Proposals through the browser's eyes: submit, track, moderate, answer, support."""

import re

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from app.auth import Role
from app.extensions import db
from app.i18n import language_name
from app.proposals import services
from app.proposals.models import Proposal, ProposalState, Topic
from tests.helpers import csrf_token, post, sign_in

ROLES = ["chair", "secretary", "member", "observer", "translator", "outsider", "admin", "anonymous"]
MODERATORS = {"chair", "secretary", "admin"}


@pytest.fixture
def world(make_council, make_user, add_member):
    a = make_council("Council A", languages=["en", "ar", "uk"], default_language="en")
    b = make_council("Council B")
    people = {}
    for role in ["chair", "secretary", "member", "observer", "translator"]:
        people[role] = make_user(f"{role}@a.example", display_name=f"{role.title()} Person")
        add_member(a, people[role], Role(role))
    people["outsider"] = make_user("secretary@b.example")
    add_member(b, people["outsider"], Role.secretary)
    people["admin"] = make_user("admin@example.org", is_admin=True)
    return {"a": a, "b": b, "people": people}


def client_for(app, world, role):
    client = app.test_client()
    if role != "anonymous":
        sign_in(client, world["people"][role].email)
    return client


NEW = "/councils/council-a/proposals/new"


def send_proposal(client, **fields):
    """Fill in the proposal form as a browser does (hidden fields included) and send it."""
    html = client.get(NEW).get_data(as_text=True)
    key = re.search(r'name="submission_key" type="hidden" value="([^"]*)"', html).group(1)
    data = {
        "csrf_token": csrf_token(client, NEW),
        "submission_key": key,
        "lang": "ar",
        "title": "مقاعد في الحديقة",
        "body": "كبار السن يحتاجون إلى الراحة.",
        "topic": "culture",
        "website": "",
        **fields,
    }
    return client.post(NEW, data=data)


def tracking_link(html):
    link = r'href="https://consulta\.test(/councils/council-a/proposals/track/[^"]+)"'
    return re.search(link, html)


def accepted(world, title="Benches", **kwargs):
    proposal, token = services.submit(
        world["a"],
        services.Submission(title=title, body="Text", topic=Topic.culture, lang="en", **kwargs),
        author=None,
        address=title,
        submission_key=title,
    )
    services.change_state(proposal, ProposalState.accepted, actor=world["people"]["secretary"])
    db.session.commit()
    return proposal, token


def test_resident_without_account_submits_in_arabic_and_follows_the_tracking_link(app, world):
    client = app.test_client()
    response = send_proposal(client, author_name="ليلى")
    assert response.status_code == 302
    receipt = client.get(response.location).get_data(as_text=True)
    link = tracking_link(receipt)
    assert link, receipt
    token = link.group(1).rsplit("/", 1)[1]
    proposal = db.session.scalar(select(Proposal))
    assert proposal.title.get("ar") == "مقاعد في الحديقة" and proposal.author_name == "ليلى"
    assert token not in proposal.tracking_hash

    stranger = app.test_client()
    page = stranger.get(link.group(1) + "?lang=ar").get_data(as_text=True)
    assert 'dir="rtl"' in page and "مقاعد في الحديقة" in page
    assert stranger.get(f"/councils/council-a/proposals/{proposal.id}").status_code == 404
    assert stranger.get("/councils/council-a/proposals/track/not-a-token").status_code == 404
    tracking = stranger.get(link.group(1))
    assert "no-store" in tracking.headers["Cache-Control"]


def test_the_tracking_link_cannot_be_read_from_the_session_cookie(app, world):
    """Flask signs its session cookie but does not encrypt it: anyone who sees the cookie (a
    shared computer at a community centre, a browser extension) could read a plain token."""
    import zlib

    from itsdangerous import base64_decode

    client = app.test_client()
    response = send_proposal(client)
    receipt = client.get(response.location).get_data(as_text=True)
    token = tracking_link(receipt).group(1).rsplit("/", 1)[1]
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    compressed = cookie.startswith(".")
    payload = base64_decode(cookie.lstrip(".").split(".")[0])
    readable = (zlib.decompress(payload) if compressed else payload).decode()
    assert '"receipts"' in readable
    assert token not in readable


def test_a_form_with_mistakes_keeps_what_was_typed(app, world):
    client = app.test_client()
    response = send_proposal(client, title="", body="نص طويل كتبته بعناية")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter a title for your proposal." in html
    assert "نص طويل كتبته بعناية" in html
    assert db.session.scalar(select(Proposal)) is None


def test_a_double_click_stores_one_proposal_and_shows_the_same_receipt(app, world):
    client = app.test_client()
    html = client.get(NEW).get_data(as_text=True)
    key = re.search(r'name="submission_key" type="hidden" value="([^"]*)"', html).group(1)
    data = {
        "csrf_token": csrf_token(client, NEW),
        "submission_key": key,
        "lang": "en",
        "title": "Once",
        "body": "Only once",
        "topic": "other",
    }
    first = client.post(NEW, data=data)
    second = client.post(NEW, data=data)
    assert first.location == second.location
    assert len(db.session.scalars(select(Proposal)).all()) == 1


def test_a_robot_filling_the_hidden_field_stores_nothing(app, world):
    response = send_proposal(app.test_client(), website="http://spam.example")
    assert response.status_code == 200
    assert db.session.scalar(select(Proposal)) is None


def test_too_many_proposals_from_one_connection_are_refused_politely(app, world):
    app.config["PROPOSALS_PER_HOUR"] = 1
    client = app.test_client()
    send_proposal(client)
    response = send_proposal(client, body="اقتراح ثان")
    html = response.get_data(as_text=True)
    assert "Too many proposals" in html and "اقتراح ثان" in html


PAYLOADS = {
    "title": '<script>alert("t")</script>\u202eevil',
    "body": "[click](javascript:alert(1)) <img src=x onerror=alert(2)> **bold**",
}


def test_html_script_and_bidi_payloads_are_shown_inert(app, world):
    client = app.test_client()
    response = send_proposal(client, lang="en", **PAYLOADS)
    link = tracking_link(client.get(response.location).get_data(as_text=True)).group(1)
    proposal = db.session.scalar(select(Proposal))
    services.change_state(proposal, ProposalState.accepted, actor=world["people"]["secretary"])
    db.session.commit()
    for page in (
        link,
        f"/councils/council-a/proposals/{proposal.id}",
        "/councils/council-a/proposals",
    ):
        html = client.get(page).get_data(as_text=True)
        assert "<script>alert" not in html
        assert 'href="javascript' not in html
        assert "<img" not in html
        assert "\u202e" not in html
        assert "&lt;script&gt;" in html
    assert "<strong>bold</strong>" in client.get(link).get_data(as_text=True)


def test_signed_in_resident_submits_as_themselves(app, world, make_user):
    resident = make_user("resident@example.org", display_name="Rita Resident")
    client = app.test_client()
    sign_in(client, resident.email)
    page = client.get(NEW).get_data(as_text=True)
    assert 'You send this as <bdi dir="auto">Rita Resident</bdi>.' in page
    send_proposal(client)
    proposal = db.session.scalar(select(Proposal))
    assert proposal.author_id == resident.id and proposal.author_name == "Rita Resident"


def test_receipt_is_emailed_with_the_tracking_link(app, world, smtp):
    client = app.test_client()
    response = send_proposal(client, contact_email="layla@example.org", contact_consent="y")
    page = client.get(response.location).get_data(as_text=True)
    assert "We are emailing you the tracking link." in page
    (message,) = smtp.to("layla@example.org")
    link = re.search(
        r"https://consulta\.test(/councils/council-a/proposals/track/\S+)", message.get_content()
    ).group(1)
    assert app.test_client().get(link).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_only_the_councils_officers_review_and_answer(app, world, role):
    proposal, _ = services.submit(
        world["a"],
        services.Submission(title="New idea", body="Text", topic=Topic.work, lang="en"),
        author=None,
        address="x",
        submission_key="k",
    )
    db.session.commit()
    client = client_for(app, world, role)
    allowed = role in MODERATORS
    queue = client.get("/councils/council-a/proposals/review")
    answer = f"/councils/council-a/proposals/{proposal.id}/answer"
    edit = f"/councils/council-a/proposals/{proposal.id}/edit"
    if role == "anonymous":
        assert queue.status_code == 302 and "/sign-in" in queue.location
    else:
        assert queue.status_code == (200 if allowed else 403)
    # Refused before the proposal is looked up: others cannot tell whether it exists.
    expected = 200 if allowed else (302 if role == "anonymous" else 403)
    assert client.get(answer).status_code == expected
    assert client.get(edit).status_code == expected
    if allowed:
        assert "New idea" in queue.get_data(as_text=True)
        response = post(
            client,
            answer,
            {"step": "accepted", "lang": "en", "answer": "Welcome idea."},
            page=answer,
        )
        assert response.status_code == 302
        db.session.refresh(proposal)
        assert proposal.state is ProposalState.accepted
    else:
        assert db.session.get(Proposal, proposal.id).state is ProposalState.submitted


def test_secretary_of_another_council_cannot_answer_even_public_proposals(app, world):
    proposal, _ = accepted(world)
    client = client_for(app, world, "outsider")
    url = f"/councils/council-a/proposals/{proposal.id}/answer"
    assert client.get(url).status_code == 403
    # Nor through the other council's address.
    assert client.get(f"/councils/council-b/proposals/{proposal.id}/answer").status_code == 404


def test_decline_needs_a_reason_that_the_author_sees_and_the_public_does_not(app, world):
    client = app.test_client()
    response = send_proposal(client)
    link = tracking_link(client.get(response.location).get_data(as_text=True)).group(1)
    proposal = db.session.scalar(select(Proposal))
    secretary = client_for(app, world, "secretary")
    url = f"/councils/council-a/proposals/{proposal.id}/answer"
    refused = post(secretary, url, {"step": "declined", "lang": "en", "answer": ""}, page=url)
    assert "Write an answer that explains this to the author." in refused.get_data(as_text=True)
    reason = {"step": "declined", "lang": "en", "answer": "This is a matter for the region."}
    post(secretary, url, reason | {"confirmed": "declined"}, page=url)
    assert "This is a matter for the region." in client.get(link).get_data(as_text=True)
    assert app.test_client().get(f"/councils/council-a/proposals/{proposal.id}").status_code == 404


def test_the_answer_page_chooses_nothing_for_the_council(app, world, make_meeting):
    meeting = make_meeting(world["a"], items=["Welcome"], title="June plenary")
    proposal, _ = accepted(world)
    secretary = client_for(app, world, "secretary")
    html = secretary.get(f"/councils/council-a/proposals/{proposal.id}/answer").get_data(
        as_text=True
    )
    assert "checked" not in html and 'type="radio"' not in html
    assert f'value="scheduled:{meeting.id}"' in html and 'value="declined"' in html
    # Only the steps on offer: an accepted proposal cannot be rejected or postponed.
    assert "reject" not in html.lower() and "postpone" not in html.lower()


def test_a_post_without_a_step_or_with_one_not_on_offer_changes_nothing(app, world):
    proposal, _ = accepted(world)
    secretary = client_for(app, world, "secretary")
    url = f"/councils/council-a/proposals/{proposal.id}/answer"
    typed = "Kept when the form fails."
    for step in ("", "adopted", "scheduled", "scheduled:999", "submitted"):
        page = post(secretary, url, {"step": step, "lang": "ar", "answer": typed}, page=url)
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and "There is a problem" in html, step
        assert typed in html and '<option selected value="ar">' in html
    db.session.refresh(proposal)
    assert proposal.state is ProposalState.accepted


@pytest.mark.parametrize("confirmed", [None, "", "accepted", "rejected"])
def test_declining_asks_first_and_a_crafted_post_does_not_skip_the_question(app, world, confirmed):
    proposal, _ = accepted(world)
    secretary = client_for(app, world, "secretary")
    url = f"/councils/council-a/proposals/{proposal.id}/answer"
    data = {"step": "declined", "lang": "en", "answer": "Not for us.\nSee the region."}
    if confirmed is not None:
        data["confirmed"] = confirmed
    page = post(secretary, url, data, page=url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Decline this proposal?" in html
    assert 'name="confirmed" value="declined"' in html and "Not for us.\nSee the region." in html
    db.session.refresh(proposal)
    assert proposal.state is ProposalState.accepted
    # "Change the answer" goes back to the form with the answer as typed.
    back = post(secretary, url, data | {"confirmed": "declined", "change": "1"}, page=url)
    assert "Not for us.\nSee the region.</textarea>" in back.get_data(as_text=True)
    db.session.refresh(proposal)
    assert proposal.state is ProposalState.accepted
    done = post(secretary, url, data | {"confirmed": "declined"}, page=url)
    assert done.status_code == 302
    db.session.refresh(proposal)
    assert proposal.state is ProposalState.declined


def test_asked_for_changes_the_author_sends_a_new_version(app, world):
    client = app.test_client()
    response = send_proposal(client)
    link = tracking_link(client.get(response.location).get_data(as_text=True)).group(1)
    proposal = db.session.scalar(select(Proposal))
    services.change_state(
        proposal,
        ProposalState.changes_requested,
        answer="Which park?",
        actor=world["people"]["secretary"],
    )
    db.session.commit()
    page = client.get(link).get_data(as_text=True)
    assert "Which park?" in page and "Send the new version" in page
    post(client, link, {"title": "مقاعد في حديقة الشمال", "body": "قرب الملعب"}, page=link)
    db.session.refresh(proposal)
    assert proposal.state is ProposalState.submitted
    assert proposal.title.get("ar") == "مقاعد في حديقة الشمال"


def test_scheduling_from_the_answer_page_puts_it_on_the_agenda(app, world, make_meeting):
    meeting = make_meeting(world["a"], items=["Welcome"], title="June plenary")
    proposal, _ = accepted(world, title="Night buses")
    secretary = client_for(app, world, "secretary")
    url = f"/councils/council-a/proposals/{proposal.id}/answer"
    post(
        secretary,
        url,
        {
            "step": f"scheduled:{meeting.id}",
            "lang": "en",
            "answer": "We will discuss it in June.",
        },
        page=url,
    )
    db.session.refresh(proposal)
    assert proposal.state is ProposalState.scheduled
    agenda = secretary.get(f"/councils/council-a/meetings/{meeting.id}").get_data(as_text=True)
    assert "Night buses" in agenda and f"/proposals/{proposal.id}" in agenda
    public = app.test_client().get(f"/councils/council-a/proposals/{proposal.id}")
    html = public.get_data(as_text=True)
    assert "We will discuss it in June." in html and "On a meeting agenda" in html


def test_privacy_edit_shows_that_and_why_text_was_edited(app, world):
    proposal, _ = accepted(world, title="Benches")
    secretary = client_for(app, world, "secretary")
    url = f"/councils/council-a/proposals/{proposal.id}/edit"
    missing = post(secretary, url, {"title": "Benches", "body": "Text", "reason": ""}, page=url)
    assert "Say why the text is edited." in missing.get_data(as_text=True)
    post(
        secretary,
        url,
        {"title": "Benches", "body": "Shorter", "reason": "A phone number was removed."},
        page=url,
    )
    html = (
        app.test_client().get(f"/councils/council-a/proposals/{proposal.id}").get_data(as_text=True)
    )
    assert "A phone number was removed." in html and "Shorter" in html


def test_residents_support_a_proposal_once(app, world, make_user):
    proposal, _ = accepted(world)
    url = f"/councils/council-a/proposals/{proposal.id}"
    anonymous = app.test_client().get(url).get_data(as_text=True)
    assert "Sign in to support this proposal" in anonymous
    resident = make_user("resident@example.org")
    client = app.test_client()
    sign_in(client, resident.email)
    post(client, f"{url}/support", page=url)
    again = post(client, f"{url}/support", page=url, follow_redirects=True)
    assert "You already support this proposal." in again.get_data(as_text=True)
    db.session.refresh(proposal)
    assert proposal.endorsement_count == 1
    anonymous_post = app.test_client().post(f"{url}/support")
    assert anonymous_post.status_code in (302, 400)
    assert db.session.get(Proposal, proposal.id).endorsement_count == 1


def test_public_list_filters_searches_and_paginates(app, world):
    for n in range(23):
        accepted(world, title=f"Idea number {n}")
    arabic, _ = accepted(world, title="فكرة عن السكن")
    client = app.test_client()
    first = client.get("/councils/council-a/proposals").get_data(as_text=True)
    assert "24 proposals" in first and "Next page" in first
    second = client.get("/councils/council-a/proposals?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second
    found = client.get("/councils/council-a/proposals?q=السكن").get_data(as_text=True)
    assert "فكرة عن السكن" in found and "Idea number" not in found
    none = client.get("/councils/council-a/proposals?q=zzz").get_data(as_text=True)
    assert "No proposal matches" in none
    topic = client.get("/councils/council-a/proposals?topic=health").get_data(as_text=True)
    assert "0 proposals" in topic


def test_very_long_text_is_refused_with_a_clear_message_and_kept(app, world):
    long_body = "نص " * 4000  # 12,000 characters
    response = send_proposal(app.test_client(), body=long_body)
    html = response.get_data(as_text=True)
    assert "Keep the text under 10,000 characters." in html
    assert long_body.strip() in html
    assert db.session.scalar(select(Proposal)) is None


def test_the_answer_is_written_in_the_proposals_language_when_the_council_offers_it(
    app, world, make_user, add_member
):
    """A resident who wrote in Arabic gets the answer in Arabic by default; a proposal in a
    language the council does not offer is answered in the writer's own language."""
    client = app.test_client()
    send_proposal(client)  # in Arabic
    arabic = db.session.scalar(select(Proposal))
    services.change_state(arabic, ProposalState.accepted)
    other, _token = services.submit(
        world["a"],
        # Pashto: a language the council does not offer.
        services.Submission(title="لاره", body="متن", topic=Topic.other, lang="ps"),
        author=None,
        address="198.51.100.3",
        submission_key="es",
    )
    writer = make_user("ukrainian@a.example", locale="uk")
    add_member(world["a"], writer, Role.secretary)
    secretary = app.test_client()
    sign_in(secretary, writer.email)
    for proposal, expected in ((arabic, "ar"), (other, "uk")):
        html = secretary.get(f"/councils/council-a/proposals/{proposal.id}/answer").get_data(
            as_text=True
        )
        assert re.search(
            rf'<option (selected value="{expected}"|value="{expected}" selected)', html
        )


def test_readers_get_the_answer_in_their_language_or_the_original_marked_pending(app, world):
    client = app.test_client()
    response = send_proposal(client)
    link = tracking_link(client.get(response.location).get_data(as_text=True)).group(1)
    proposal = db.session.scalar(select(Proposal))
    services.change_state(proposal, ProposalState.accepted, answer="We will discuss it.", lang="en")
    db.session.commit()
    public = f"/councils/council-a/proposals/{proposal.id}"
    with app.test_request_context(), force_locale("uk"):
        pending = gettext(
            "Translation into %(language)s pending. This is the original, in %(original)s.",
            language=language_name("uk"),
            original=language_name("en"),
        )
    for url in (public, link):
        ukrainian = app.test_client().get(f"{url}?lang=uk").get_data(as_text=True)
        assert "We will discuss it." in ukrainian and pending in ukrainian
    event = proposal.events[-1]
    event.answer = event.answer.with_translation("ar", "سنناقشه.", by="Translator")
    db.session.commit()
    for url in (public, link):
        arabic = app.test_client().get(f"{url}?lang=ar").get_data(as_text=True)
        assert re.search(
            r'<div lang="ar" dir="rtl" class="user-text "[^>]*><p>سنناقشه.</p>', arabic
        )
        english = app.test_client().get(f"{url}?lang=en").get_data(as_text=True)
        assert "We will discuss it." in english and "pending" not in english


def test_a_new_proposal_is_accepted_and_scheduled_in_one_step(app, world, make_meeting):
    meeting = make_meeting(world["a"], items=["Welcome"], title="June plenary")
    proposal, _ = services.submit(
        world["a"],
        services.Submission(title="Night buses", body="Text", topic=Topic.work, lang="en"),
        author=None,
        address="x",
        submission_key="k",
    )
    db.session.commit()
    secretary = client_for(app, world, "secretary")
    url = f"/councils/council-a/proposals/{proposal.id}/answer"
    page = secretary.get(url).get_data(as_text=True)
    assert "Accept and put on the agenda of" in page and "June plenary" in page
    post(secretary, url, {"step": f"scheduled:{meeting.id}", "lang": "en"}, page=url)
    db.session.refresh(proposal)
    assert proposal.state is ProposalState.scheduled
    assert proposal.agenda_item.meeting_id == meeting.id
    assert [e.to_state for e in proposal.events] == ["accepted", "scheduled"]
