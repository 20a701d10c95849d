"""Residents without an account: support by email, reference codes and lost links, any
language, search without accents or hamza, and what happens next."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from app.auth import Role
from app.database import utcnow
from app.errors import DomainError
from app.extensions import db
from app.proposals import links, services, supporters, tracking
from app.proposals.models import EmailRequest, EmailSupport, Proposal, ProposalState, Topic
from app.text import fold_for_search
from tests.helpers import post

S = ProposalState
COUNCIL = "/councils/council-a"
LINK = re.compile(r"https://consulta\.test(/\S+)")


@pytest.fixture
def council(make_council):
    return make_council("Council A", languages=["en", "ar", "uk"], default_language="en")


@pytest.fixture
def secretary(council, make_user, add_member):
    user = make_user("secretary@example.org")
    add_member(council, user, Role.secretary)
    return user


class Anonymous:
    is_authenticated = False


_keys = iter(range(10_000))


def submit(council, *, title="Benches", lang="en", contact_email="", **kwargs):
    proposal, token = services.submit(
        council,
        services.Submission(
            title=title,
            body=kwargs.pop("body", "Older people need to rest."),
            topic=Topic.culture,
            lang=lang,
            contact_email=contact_email,
            **kwargs,
        ),
        author=Anonymous(),
        address="192.0.2.1",
        submission_key=f"key-{next(_keys)}",
    )
    db.session.commit()
    return proposal, token


def accepted(council, secretary, **kwargs):
    proposal, token = submit(council, **kwargs)
    services.change_state(proposal, S.accepted, actor=secretary)
    db.session.commit()
    return proposal, token


def link_in(message) -> str:
    return LINK.search(message.get_content()).group(1)


# --- Support with an email address -----------------------------------------------------------


def support_by_email(client, proposal, address):
    url = f"{COUNCIL}/proposals/{proposal.id}"
    return post(
        client, f"{url}/support-by-email", {"email": address}, page=url, follow_redirects=True
    )


def sent_to(smtp, address):
    return [m for m in smtp.messages if m["To"].casefold() == address.casefold()]


def test_an_address_supports_once_after_opening_the_link(app, council, secretary, smtp):
    proposal, _ = accepted(council, secretary)
    client = app.test_client()
    page = support_by_email(client, proposal, " Nour@Example.ORG ")
    assert page.status_code == 200 and "Check your inbox" in page.get_data(as_text=True)
    db.session.refresh(proposal)
    assert proposal.endorsement_count == 0
    (message,) = sent_to(smtp, "nour@example.org")
    link = link_in(message)
    confirm = client.get(link)
    assert "Confirm my support" in confirm.get_data(as_text=True)
    assert client.get(link).status_code == 200  # looking at the page counts nothing
    done = post(client, link, page=link)
    assert done.status_code == 302
    db.session.refresh(proposal)
    assert proposal.endorsement_count == 1

    # Used: the link works once. The same address again: the same page, a note, no link.
    assert client.get(link).status_code == 404
    again = support_by_email(client, proposal, "nour@example.org")
    assert again.get_data(as_text=True) == page.get_data(as_text=True).replace(
        csrf_of(page), csrf_of(again)
    )
    assert "/confirm/" not in sent_to(smtp, "nour@example.org")[1].get_content()
    db.session.refresh(proposal)
    assert proposal.endorsement_count == 1


def csrf_of(response) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True))
    return found.group(1) if found else "\x00"


def test_only_a_keyed_hash_of_the_normalised_address_is_stored(app, council, secretary, smtp):
    proposal, _ = accepted(council, secretary)
    support_by_email(app.test_client(), proposal, "Nour@Example.org")
    request = db.session.scalar(select(EmailRequest))
    assert request.address_hash == supporters.address_fingerprint("  nour@EXAMPLE.org")
    supporters.confirm_support(request)
    db.session.commit()
    for table in ("email_requests", "email_supports", "audit_events"):
        rows = db.session.execute(text(f"SELECT * FROM {table}")).all()  # noqa: S608
        assert "nour" not in repr(rows).lower(), table


def test_a_support_link_expires(app, council, secretary, smtp):
    proposal, _ = accepted(council, secretary)
    client = app.test_client()
    support_by_email(client, proposal, "late@example.org")
    link = link_in(smtp.to("late@example.org")[0])
    request = db.session.scalar(select(EmailRequest))
    request.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert client.get(link).status_code == 404
    assert post(client, link, page=f"{COUNCIL}/proposals/{proposal.id}").status_code == 404
    db.session.refresh(proposal)
    assert proposal.endorsement_count == 0


def test_two_links_for_one_address_count_once(council, secretary):
    proposal, _ = accepted(council, secretary)
    first = supporters.request_support(proposal, "twice@example.org", "token-one")
    second = supporters.request_support(proposal, "twice@example.org", "token-two")
    assert first == second == "new"
    assert supporters.confirm_support(links.find_request("token-one")) is True
    db.session.commit()
    assert supporters.confirm_support(links.find_request("token-two")) is False
    db.session.commit()
    db.session.refresh(proposal)
    assert proposal.endorsement_count == 1
    assert db.session.scalar(select(db.func.count()).select_from(EmailSupport)) == 1


def test_a_signed_in_supporter_is_not_counted_again_by_email(council, secretary, make_user):
    proposal, _ = accepted(council, secretary)
    resident = make_user("resident@example.org")
    services.endorse(proposal, resident)
    db.session.commit()
    assert supporters.request_support(proposal, "Resident@example.org", "t1") == "already"
    other, _ = accepted(council, secretary, title="Trees")
    supporters.request_support(other, "resident@example.org", "t2")
    supporters.confirm_support(links.find_request("t2"))
    db.session.commit()
    assert services.endorse(other, resident) is False
    db.session.refresh(other)
    assert other.endorsement_count == 1


def test_support_emails_are_throttled_per_address_and_per_proposal(app, council, secretary):
    app.config.update(SUPPORT_EMAILS_PER_ADDRESS=2, SUPPORT_EMAILS_PER_PROPOSAL=2)
    proposal, _ = accepted(council, secretary)
    other, _ = accepted(council, secretary, title="Trees")
    assert supporters.request_support(proposal, "a@example.org", "1") == "new"
    assert supporters.request_support(other, "a@example.org", "2") == "new"
    assert supporters.request_support(proposal, "a@example.org", "3") is None  # per address
    assert supporters.request_support(proposal, "b@example.org", "4") == "new"
    assert supporters.request_support(proposal, "c@example.org", "5") is None  # per proposal
    for request in db.session.scalars(select(EmailRequest)):
        request.created_at -= timedelta(hours=2)
    db.session.commit()
    assert supporters.request_support(proposal, "a@example.org", "6") == "new"


def test_only_public_open_proposals_take_support(council, secretary):
    proposal, _ = submit(council)
    with pytest.raises(DomainError):
        supporters.check_supportable(proposal)
    page_shown = supporters.request_support(proposal, "x@example.org", "t")
    assert page_shown is None


def test_the_proposal_page_offers_email_support_to_visitors(app, council, secretary, smtp):
    proposal, _ = accepted(council, secretary)
    html = app.test_client().get(f"{COUNCIL}/proposals/{proposal.id}").get_data(as_text=True)
    assert "Support with my email address" in html
    assert 'autocomplete="email"' in html
    assert "Sign in to support this proposal" in html


# --- Reference codes, the tracking page, lost links ------------------------------------------


def test_each_proposal_gets_a_short_unambiguous_reference(council, make_council):
    proposal, _ = submit(council)
    assert re.fullmatch(r"[23456789ABCDEFGHJKMNPQRSTVWXYZ]{8}", proposal.reference)
    assert tracking.format_reference(proposal.reference) == (
        proposal.reference[:4] + "-" + proposal.reference[4:]
    )
    assert (
        tracking.normalize_reference(" " + proposal.reference.lower()[:4] + " - ")
        == (proposal.reference[:4])
    )
    codes = {submit(council, title=f"T{n}")[0].reference for n in range(20)}
    assert len(codes) == 20


def test_a_lost_link_is_sent_again_only_to_the_authors_address(app, council, smtp):
    proposal, old_token = submit(council, contact_email="Amal@example.org")
    smtp.messages.clear()
    client = app.test_client()
    url = f"{COUNCIL}/proposals/lost-link"
    code = tracking.format_reference(proposal.reference).lower()

    def ask(reference, email):
        data = {"reference": reference, "email": email}
        return post(client, url, data, page=url, follow_redirects=True)

    wrong = ask(code, "someone@example.org")
    right = ask(code, " amal@EXAMPLE.org")
    unknown = ask("ZZZZ-ZZZZ", "amal@example.org")
    pages = {r.get_data(as_text=True).replace(csrf_of(r), "") for r in (wrong, right, unknown)}
    assert len(pages) == 1 and "Check your inbox" in pages.pop()
    (message,) = smtp.messages
    assert message["To"] == "Amal@example.org"
    link = link_in(message)
    assert "/proposals/track/" in link
    assert "Benches" in client.get(link).get_data(as_text=True)
    # The new link replaces the old one: a link someone else may have found stops working.
    assert client.get(f"{COUNCIL}/proposals/track/{old_token}").status_code == 404


def test_lost_link_emails_are_throttled(app, council, smtp):
    app.config.update(LINK_EMAILS_PER_ADDRESS=2, LINK_EMAILS_PER_PROPOSAL=2)
    proposal, _ = submit(council, contact_email="amal@example.org")
    sent = [
        tracking.request_link(council, proposal.reference, "amal@example.org", f"t{n}")
        for n in range(3)
    ]
    assert sent[:2] == [proposal, proposal] and sent[2] is None


def test_receipt_and_tracking_page_show_the_code_a_qr_code_and_a_lost_link_path(app, council):
    from tests.proposals.test_views import send_proposal, tracking_link

    client = app.test_client()
    response = send_proposal(client)
    receipt = client.get(response.location).get_data(as_text=True)
    proposal = db.session.scalar(select(Proposal))
    code = tracking.format_reference(proposal.reference)
    assert code in receipt and "Your reference code" in receipt
    assert "<svg" in receipt and "QR code of your tracking link" in receipt
    assert "data-copy" in receipt
    track = client.get(tracking_link(receipt).group(1)).get_data(as_text=True)
    assert code in track and "<svg" in track
    listing = client.get(f"{COUNCIL}/proposals").get_data(as_text=True)
    assert f"{COUNCIL}/proposals/lost-link" in listing


def test_an_address_is_added_from_the_tracking_page_once_confirmed(app, council, smtp):
    proposal, token = submit(council)
    client = app.test_client()
    track = f"{COUNCIL}/proposals/track/{token}"
    page = post(
        client,
        f"{track}/email",
        {"email": "zarmina@example.org"},
        page=track,
        follow_redirects=True,
    )
    assert "Check your inbox" in page.get_data(as_text=True)
    db.session.refresh(proposal)
    assert proposal.contact_email == ""
    link = link_in(smtp.to("zarmina@example.org")[0])
    assert "Save my email address" in client.get(link).get_data(as_text=True)
    post(client, link, page=link)
    db.session.refresh(proposal)
    assert proposal.contact_email == "zarmina@example.org"
    assert tracking.request_link(council, proposal.reference, "zarmina@example.org", "t")


# --- Any language ----------------------------------------------------------------------------


def test_a_language_from_the_full_list_is_stored_with_its_code(council):
    proposal, _ = submit(council, title="د لامبو درسونه", lang="ps")
    assert proposal.lang == "ps" and proposal.title.original == "ps"
    unknown, _ = submit(council, title="Something", lang="und")
    assert unknown.lang == "und"
    with pytest.raises(DomainError):
        submit(council, lang="other")
    with pytest.raises(DomainError):
        submit(council, lang="xx-not-a-language")


def test_the_full_list_names_languages_in_the_readers_language_with_endonyms(app):
    from app.i18n import all_languages, bcp47, direction

    with app.test_request_context("/?lang=fr"):
        from flask_babel import force_locale

        with force_locale("fr"):
            names = dict(all_languages())
    assert "pachto" in names["ps"].casefold() and "پښتو" in names["ps"]
    assert "دری" in names["fa_AF"]
    assert direction("ps") == "rtl" and direction("ckb") == "rtl" and direction("ti") == "ltr"
    assert direction("und") == "auto" and bcp47("und") == ""
    assert bcp47("fa_AF") == "fa-AF"


def test_text_in_an_unknown_language_is_marked_auto_not_left_to_right(app, council, secretary):
    proposal, _ = accepted(council, secretary, title="Ein Vorschlag", lang="und")
    html = app.test_client().get(f"{COUNCIL}/proposals/{proposal.id}").get_data(as_text=True)
    assert 'lang="" dir="auto"' in html
    assert 'lang="other"' not in html and 'lang="und"' not in html
    pashto, _ = accepted(council, secretary, title="د لامبو درسونه", lang="ps")
    html = app.test_client().get(f"{COUNCIL}/proposals/{pashto.id}").get_data(as_text=True)
    assert 'lang="ps" dir="rtl"' in html


# --- Search ----------------------------------------------------------------------------------


def test_folding_ignores_case_accents_hamza_alef_variants_and_tatweel():
    assert fold_for_search("Santé ÉCOLE") == fold_for_search("sante ecole") == "sante ecole"
    assert fold_for_search("الإيجار") == fold_for_search("الايجار")
    assert fold_for_search("أسرة آمنة") == fold_for_search("اسرة امنة")
    assert fold_for_search("مـــدرسة") == fold_for_search("مدرسة")
    assert fold_for_search("ﬁnance") == "finance"


def test_search_matches_without_accents_or_hamza_in_one_statement(app, council, secretary):
    french, _ = accepted(council, secretary, title="Des interprètes à la santé")
    arabic, _ = accepted(council, secretary, title="عقود الإيجار", lang="ar")

    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    from sqlalchemy import event

    def found(query):
        statement = services.public_proposals(council, services.Filters(query=query))
        return set(db.session.scalars(statement))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert found("SANTE interpretes") == {french}
        assert found("الايجار") == {arabic}
        assert found("إيجار") == {arabic}
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len([s for s in statements if "proposals" in s]) == 3


# --- What happens next -----------------------------------------------------------------------


def test_the_usual_answer_time_comes_from_past_answers(app, council, secretary):
    assert tracking.usual_answer_days(council) == app.config["PROPOSAL_ANSWER_DAYS"]
    for days in (3, 5, 40):
        proposal, _ = submit(council, title=f"After {days}")
        proposal.created_at = utcnow() - timedelta(days=days + 1)
        services.change_state(proposal, S.accepted, actor=secretary)
        proposal.events[-1].at = proposal.created_at + timedelta(days=days)
    db.session.commit()
    assert tracking.usual_answer_days(council) == 5  # the median: one slow answer is not usual


def test_the_tracking_page_says_what_happens_next_in_each_state(app, council, secretary):
    proposal, token = submit(council)
    client = app.test_client()
    track = f"{COUNCIL}/proposals/track/{token}"
    days = app.config["PROPOSAL_ANSWER_DAYS"]
    html = client.get(track).get_data(as_text=True)
    assert "What happens next" in html and f"{days} days" in html
    services.change_state(proposal, S.accepted, actor=secretary)
    db.session.commit()
    html = client.get(track).get_data(as_text=True)
    assert "What happens next" in html and "support" in html


def test_the_migration_names_other_languages_gives_codes_and_folds_search(app):
    import json

    from flask_migrate import downgrade, upgrade

    db.drop_all()
    db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.session.commit()
    upgrade(revision="ee80d73fbebf")  # the revision before this one
    db.session.execute(
        text(
            "INSERT INTO councils (id, slug, name, description, participation, municipality,"
            " languages, default_language, timezone, created_at, quorum_rule) VALUES (1, 'c',"
            " '{}', '{}', '{}', 'M', '[\"en\"]', 'en', 'UTC', CURRENT_TIMESTAMP, 'majority')"
        )
    )
    for n, (name, title) in enumerate([("Pashto", "د لامبو"), ("Klingon", "Qapla"), ("", "Á")]):
        lang = "other" if name or n == 2 else "en"
        value = json.dumps({"original": lang, lang: title})
        db.session.execute(
            text(
                "INSERT INTO proposals (council_id, author_name, contact_email, contact_consent,"
                " lang, other_language, title, body, topic, state, tracking_hash,"
                " submission_key, address_hash, search_text, endorsement_count, created_at,"
                " updated_at) VALUES (1, '', '', false, :lang, :name, :title, :title, 'other',"
                " 'submitted', :n, :n, '', '', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            {"lang": lang, "name": name, "title": value, "n": str(n)},
        )
    db.session.commit()
    upgrade()
    db.session.expire_all()
    rows = db.session.scalars(select(Proposal).order_by(Proposal.id)).all()
    assert [p.lang for p in rows] == ["ps", "und", "und"]
    assert rows[0].title.original == "ps" and rows[0].title.get("ps") == "د لامبو"
    assert rows[2].search_text == "a\na"
    assert len({p.reference for p in rows}) == 3
    assert all(re.fullmatch(r"[23456789ABCDEFGHJKMNPQRSTVWXYZ]{8}", p.reference) for p in rows)
    db.session.execute(text("DELETE FROM proposals"))
    db.session.execute(text("DELETE FROM councils"))
    db.session.commit()
    downgrade(revision="base")
    db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.session.commit()
    db.create_all()
