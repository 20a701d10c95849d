"""Notices as people receive them: each in the recipient's language, with a stop link that
works, for residents, members and followers."""

import re
from datetime import timedelta

from flask_babel import force_locale, gettext
from sqlalchemy import select

from app.accounts.models import NoticeFrequency
from app.auth import Role
from app.councils.models import Follower
from app.database import utcnow
from app.extensions import db
from app.mail.models import Delivery, OutboxMessage
from app.mail.sender import deliver_due, release_digests
from app.meetings import services as meetings
from app.meetings.notifications import queue_reminders
from app.proposals import services as proposals
from app.proposals.models import Proposal, ProposalState
from tests.helpers import post, sign_in


def body(message) -> str:
    return message.get_body(("plain",)).get_content()


def stop_link(message) -> str:
    return re.search(r"https://consulta\.test(/unsubscribe/\S+)", body(message)).group(1)


def in_arabic(text: str, **values) -> str:
    with force_locale("ar"):
        translated = gettext(text, **values)
    assert translated != text % values if values else translated != text
    return translated


def test_a_residents_proposal_is_told_in_arabic_through_its_whole_life(
    app, mail_server, make_council, make_user, add_member, make_meeting
):
    council = make_council()
    secretary = make_user("secretary@example.org")
    add_member(council, secretary, Role.secretary)
    meeting = make_meeting(council, items=["Opening"])
    page = f"/councils/{council.slug}/proposals/new?lang=ar"
    client = app.test_client()
    post(
        client,
        f"/councils/{council.slug}/proposals/new",
        {
            "lang": "ar",
            "title": "مقاعد في الحديقة",
            "body": "نحتاج إلى مقاعد.",
            "topic": "other",
            "author_name": "أمينة",
            "contact_email": "amina@example.org",
            "contact_consent": "y",
        },
        page=page,
    )
    proposal = db.session.scalars(select(Proposal)).one()
    assert proposal.contact_locale == "ar"
    steps = [
        (ProposalState.accepted, "شكرا، سندرسه."),
        (ProposalState.scheduled, ""),
        (ProposalState.adopted, "اعتمد المجلس الاقتراح."),
        (ProposalState.implemented, ""),
    ]
    for state, answer in steps:
        if state is ProposalState.scheduled:
            proposals.schedule(proposal, meeting.id, actor=secretary)
        else:
            proposals.change_state(proposal, state, answer=answer, lang="ar", actor=secretary)
        db.session.commit()
        deliver_due()
    mails = mail_server.inbox.to("amina@example.org")
    assert len(mails) == 1 + len(steps)  # the receipt, then one per step
    receipt, *notices = mails
    assert "/track/" in body(receipt)
    for (state, answer), mail in zip(steps, notices, strict=True):
        text = body(mail)
        with force_locale("ar"):
            label = str(state.label)
        assert in_arabic("It is now: %(state)s", state=label) in text
        assert answer in text
        assert in_arabic("Hello %(name)s,", name="أمينة") in text
        assert "/unsubscribe/" in text and mail["List-Unsubscribe"]
        assert mail["Subject"].startswith(in_arabic("Your proposal: %(title)s", title="")[:5])


def test_a_resident_who_did_not_consent_hears_nothing_and_can_stop(
    app, mail_server, make_council, make_user
):
    council = make_council()
    quiet, _ = proposals.submit(
        council,
        proposals.Submission(
            title="Lights", body="More", topic="other", lang="en", contact_email="q@example.org"
        ),
        author=None,
        address="192.0.2.1",
        submission_key="quiet",
    )
    told, _ = proposals.submit(
        council,
        proposals.Submission(
            title="Trees",
            body="More",
            topic="other",
            lang="en",
            contact_email="t@example.org",
            contact_consent=True,
        ),
        author=None,
        address="192.0.2.2",
        submission_key="told",
    )
    db.session.commit()
    proposals.change_state(quiet, ProposalState.accepted)
    proposals.change_state(told, ProposalState.accepted)
    db.session.commit()
    deliver_due()
    assert mail_server.inbox.to("q@example.org") == []
    (notice,) = mail_server.inbox.to("t@example.org")
    client = app.test_client()
    link = stop_link(notice)
    assert "Stop the emails?" in client.get(link).get_data(as_text=True)
    db.session.refresh(told)
    assert told.contact_consent  # opening the link changed nothing
    assert "The emails are stopped" in client.post(link).get_data(as_text=True)
    db.session.refresh(told)
    assert not told.contact_consent
    again = client.post(link).get_data(as_text=True)
    assert "You are already unsubscribed" in again
    proposals.change_state(told, ProposalState.declined, answer="Not now.", lang="en")
    db.session.commit()
    deliver_due()
    assert len(mail_server.inbox.to("t@example.org")) == 1


def members_council(make_council, make_user, add_member):
    council = make_council()
    people = {}
    for name, locale, role in [
        ("secretary", "en", Role.secretary),
        ("amal", "ar", Role.member),
        ("olena", "uk", Role.member),
        ("weekly", "fr", Role.member),
    ]:
        people[name] = make_user(f"{name}@example.org", locale=locale)
        add_member(council, people[name], role)
    people["weekly"].notices = NoticeFrequency.weekly
    db.session.commit()
    return council, people


def test_members_hear_of_an_agenda_a_move_a_cancellation_and_a_reminder(
    app, mail_server, make_council, make_user, add_member, make_meeting
):
    council, people = members_council(make_council, make_user, add_member)
    meeting = make_meeting(council, items=["Budget"], days=7)
    meetings.publish_meeting(meeting)
    db.session.commit()
    deliver_due()
    (amal,) = mail_server.inbox.to("amal@example.org")
    assert in_arabic("The next meeting of %(council)s:", council=council.name.shown().text)
    assert "Budget" in body(amal) and "/unsubscribe/" in body(amal)
    assert next(amal.iter_attachments()).get_content_type() == "text/calendar"
    assert mail_server.inbox.to("weekly@example.org") == []  # in Monday's digest
    weekly = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.state == Delivery.held)
    ).one()
    assert weekly.locale == "fr"

    details = meetings.MeetingDetails(
        title="Plenary meeting",
        lang="en",
        day=meeting.starts_at.date() + timedelta(days=1),
        starts=meeting.starts_at.time(),
        ends=(meeting.ends_at).time(),
        place="Library",
    )
    meetings.update_meeting(meeting, details)
    db.session.commit()
    deliver_due()
    moved = mail_server.inbox.to("olena@example.org")[-1]
    with force_locale("uk"):
        assert moved["Subject"] == gettext("Changed: %(title)s", title="Plenary meeting")
    assert "Library" in body(moved)

    # The day before: one reminder, however often the senders look.
    eve = meeting.starts_at - timedelta(hours=20)
    queue_reminders(eve)
    queue_reminders(eve)
    deliver_due()
    reminders = [m for m in mail_server.inbox.to("amal@example.org") if "/unsubscribe/" in body(m)]
    assert len(reminders) == 3
    assert in_arabic("Tomorrow: %(title)s", title="Plenary meeting") == reminders[-1]["Subject"]

    meetings.cancel_meeting(meeting, "The hall is closed.", "en")
    db.session.commit()
    deliver_due()
    cancelled = mail_server.inbox.to("secretary@example.org")[-1]
    assert cancelled["Subject"] == "Cancelled: Plenary meeting"
    assert "The hall is closed." in body(cancelled)

    next_week = utcnow() + timedelta(days=8)
    assert release_digests(next_week) == 1
    deliver_due(next_week)
    (digest,) = mail_server.inbox.to("weekly@example.org")
    assert "(3)" in digest["Subject"]  # published, moved, cancelled; no reminder


def test_a_member_stops_notices_with_the_link_or_in_the_profile(
    app, mail_server, make_council, make_user, add_member, make_meeting
):
    council, people = members_council(make_council, make_user, add_member)
    first = make_meeting(council, items=["Budget"], days=7, publish=True)
    deliver_due()
    (notice,) = mail_server.inbox.to("amal@example.org")
    client = app.test_client()
    # A mail program's one-click request (RFC 8058): no session, no form token.
    response = client.post(stop_link(notice), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    db.session.refresh(people["amal"])
    assert people["amal"].notices is NoticeFrequency.none
    make_meeting(council, items=["Housing"], days=14, publish=True)
    deliver_due()
    assert len(mail_server.inbox.to("amal@example.org")) == 1
    assert len(mail_server.inbox.to("olena@example.org")) == 2

    olena = app.test_client()
    sign_in(olena, "olena@example.org")
    post(
        olena,
        "/profile",
        {"display_name": "Olena", "locale": "uk", "notices": "none"},
        page="/profile",
    )
    meetings.cancel_meeting(first, "No room.", "en")
    db.session.commit()
    deliver_due()
    assert len(mail_server.inbox.to("olena@example.org")) == 2
    assert client.get("/unsubscribe/forged-token").status_code == 404


def test_anyone_follows_a_council_by_confirmed_email_in_their_language(
    app, mail_server, make_council, make_meeting
):
    council = make_council()
    client = app.test_client()
    page = f"/councils/{council.slug}/follow?lang=uk"
    response = post(
        client,
        f"/councils/{council.slug}/follow",
        {"email": "petro@example.org", "frequency": "immediate"},
        page=page,
    )
    assert response.status_code == 302
    (confirm,) = mail_server.inbox.to("petro@example.org")
    link = re.search(r"https://consulta\.test(/follow/\S+)", body(confirm)).group(1)
    make_meeting(council, items=["Budget"], days=7, publish=True)
    deliver_due()
    assert len(mail_server.inbox.to("petro@example.org")) == 1  # not before confirming
    client.get(link)
    assert db.session.scalars(select(Follower)).one().confirmed_at is None
    done = post(client, link, page=link).get_data(as_text=True)
    assert "You follow" in done or "follow" in done.lower()
    make_meeting(council, items=["Housing"], days=14, publish=True)
    deliver_due()
    news = mail_server.inbox.to("petro@example.org")[-1]
    with force_locale("uk"):
        assert news["Subject"] == gettext("Meeting: %(title)s", title="Plenary meeting")
        assert gettext("You receive this because you follow %(council)s.", council="") != (
            "You receive this because you follow ."
        )
    assert client.get(link).status_code == 404  # the confirmation link worked once
    stop = stop_link(news)
    assert "we delete your address" in client.get(stop + "?lang=en").get_data(as_text=True)
    client.post(stop)
    assert db.session.scalars(select(Follower)).all() == []
    assert "already unsubscribed" in client.post(stop).get_data(as_text=True)


def test_secretaries_see_whether_each_notice_arrived(
    app, mail_server, make_council, make_user, add_member, make_meeting
):
    council, people = members_council(make_council, make_user, add_member)
    mail_server.refuse = "451 Try later"
    make_meeting(council, items=["Budget"], days=7, publish=True)
    deliver_due()
    mail_server.refuse = None
    client = app.test_client()
    sign_in(client, "secretary@example.org")
    report = client.get(f"/councils/{council.slug}/notices").get_data(as_text=True)
    assert "Meeting: Plenary meeting" in report
    assert "4 waiting" in report and "0 delivered" in report  # the weekly one waits too
    deliver_due(utcnow() + timedelta(minutes=2))
    report = client.get(f"/councils/{council.slug}/notices").get_data(as_text=True)
    assert "3 delivered" in report and "1 waiting" in report
    notice_id = re.search(r"/notices/(\d+)", report).group(1)
    detail = client.get(f"/councils/{council.slug}/notices/{notice_id}").get_data(as_text=True)
    assert "Amal" in detail and "Delivered" in detail and "In the weekly digest" in detail
    other = make_council("Other Council")
    assert client.get(f"/councils/{other.slug}/notices/{notice_id}").status_code in (403, 404)
    member = app.test_client()
    sign_in(member, "amal@example.org")
    assert member.get(f"/councils/{council.slug}/notices").status_code == 403


def test_the_follow_form_cannot_flood_an_inbox(app, mail_server, make_council):
    council = make_council()
    app.config["FOLLOW_LINKS_PER_HOUR"] = 3
    client = app.test_client()
    page = f"/councils/{council.slug}/follow"

    def ask(address):
        return post(client, page, {"email": address, "frequency": "immediate"}, page=page)

    assert ask("victim@example.org").status_code == 302
    assert ask("victim@example.org").status_code == 302  # the same page…
    assert len(mail_server.inbox.to("victim@example.org")) == 1  # …and no second email
    ask("one@example.org")
    ask("two@example.org")
    refused = ask("three@example.org")
    assert refused.status_code == 200
    assert "try again later" in refused.get_data(as_text=True)
    assert mail_server.inbox.to("three@example.org") == []
    assert 'value="three@example.org"' in refused.get_data(as_text=True)  # nothing lost
