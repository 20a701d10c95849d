"""Help, privacy and accessibility pages: public, in every interface language, reachable from
every page's footer, and naming the site's operator when the settings do."""

import re

import pytest
from flask_babel import force_locale

from app.i18n import UI_LOCALES
from app.proposals.models import ProposalState

HELP_PAGES = [
    "/help",
    "/help/council",
    "/help/proposals",
    "/help/meetings-and-votes",
    "/help/glossary",
    "/help/membership",
]
FOOTER_PAGES = ["/help", "/help/glossary", "/privacy", "/accessibility"]
GLOSSARY_TERMS = [
    "agenda",
    "minutes",
    "proposal",
    "quorum",
    "roll-call",
    "pseudo-anonymous",
    "abstain",
    "majority",
    "simple-majority",
    "absolute-majority",
    "two-thirds",
]


def h1(response) -> str:
    html = response.get_data(as_text=True)
    found = re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert len(found) == 1, html
    return re.sub(r"<[^>]+>", "", found[0]).strip()


def footer(response) -> str:
    html = response.get_data(as_text=True)
    return html[html.index('<footer class="site-footer">') :]


@pytest.mark.parametrize("path", HELP_PAGES + ["/privacy", "/accessibility"])
def test_each_page_is_public_in_every_interface_language(client, path):
    english = h1(client.get(f"{path}?lang=en"))
    for locale in UI_LOCALES:
        response = client.get(f"{path}?lang={locale}")
        assert response.status_code == 200
        assert f'<html lang="{locale}"' in response.get_data(as_text=True)
        if locale != "en":
            assert h1(response) != english, f"{path} in {locale} still says {english!r}"


def test_translated_pages_carry_no_english_headings(client):
    """Every h2 of a help page is translated, not only its title."""
    for path in HELP_PAGES + ["/privacy", "/accessibility"]:
        english = set(
            re.findall(r"<h2[^>]*>(.*?)</h2>", client.get(f"{path}?lang=en").get_data(as_text=True))
        )
        for locale in ("ar", "fr", "uk"):
            html = client.get(f"{path}?lang={locale}").get_data(as_text=True)
            assert not english & set(re.findall(r"<h2[^>]*>(.*?)</h2>", html)), (path, locale)


def test_every_page_links_help_privacy_and_accessibility_in_its_footer(app, client, make_council):
    make_council("Riverside Migrant Council")
    pages = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static"
    ] + ["/councils/riverside-migrant-council", "/councils/riverside-migrant-council/proposals"]
    checked = 0
    for path in pages + ["/no-such-page"]:
        response = client.get(path)
        if response.mimetype != "text/html" or b"<footer" not in response.data:
            continue
        checked += 1
        links = footer(response)
        for target in FOOTER_PAGES:
            assert f'href="{target}"' in links, f"{path} has no footer link to {target}"
    assert checked >= 8


def test_the_council_home_links_the_help_from_how_to_take_part(client, make_council):
    make_council("Riverside Migrant Council")
    html = client.get("/councils/riverside-migrant-council").get_data(as_text=True)
    take_part = html[html.index("How to take part") :]
    for path in (
        "/help/council",
        "/help/proposals",
        "/help/meetings-and-votes",
        "/help/membership",
    ):
        assert f'href="{path}"' in take_part


def test_the_operator_and_the_funder_come_from_the_settings(app, client):
    app.config.update(
        OPERATOR_NAME="City of Riverside, Integration Office",
        OPERATOR_CONTACT="council@riverside.example",
        FUNDER_NOTE="Funded by the Riverside Community Fund.",
    )
    for path in ("/", "/help", "/privacy"):
        links = footer(client.get(path))
        assert "City of Riverside, Integration Office" in links
        assert 'href="mailto:council@riverside.example"' in links
        assert "Funded by the Riverside Community Fund." in links
    for path in ("/privacy", "/accessibility"):
        html = client.get(path).get_data(as_text=True)
        main = html[html.index("<main") : html.index("</main>")]
        assert "City of Riverside, Integration Office" in main
        assert 'href="mailto:council@riverside.example"' in main


def test_a_postal_contact_is_shown_as_written(app, client):
    app.config.update(OPERATOR_CONTACT="Integration Office, 1 Town Hall Square, Riverside")
    html = client.get("/privacy").get_data(as_text=True)
    assert "Integration Office, 1 Town Hall Square, Riverside" in html
    assert "mailto:" not in html


def test_without_settings_the_pages_still_say_whom_to_ask(app, client):
    app.config.update(OPERATOR_NAME="", OPERATOR_CONTACT="", FUNDER_NOTE="")
    assert 'class="operator"' not in footer(client.get("/"))
    assert 'class="funder"' not in footer(client.get("/"))
    privacy = client.get("/privacy?lang=en").get_data(as_text=True)
    assert "This site is run by the council that uses this site." in privacy
    assert "Ask the council’s secretary, or write to the council." in privacy
    statement = client.get("/accessibility?lang=en").get_data(as_text=True)
    assert "WCAG" in statement and "2.2" in statement and "AA" in statement
    assert "Ask the council’s secretary, or write to the council." in statement


def test_the_proposal_help_explains_every_state_a_proposal_can_be_in(client):
    for locale in UI_LOCALES:
        html = client.get(f"/help/proposals?lang={locale}").get_data(as_text=True)
        for state in ProposalState:
            with force_locale(locale):
                assert f"<dt>{state.label}</dt>" in html.replace("&#39;", "'"), (locale, state)


def test_the_glossary_has_an_anchor_for_each_term(client):
    html = client.get("/help/glossary").get_data(as_text=True)
    for term in GLOSSARY_TERMS:
        assert f'id="{term}"' in html, term
