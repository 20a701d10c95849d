from gettext import c2py

import pytest

from app.cli import catalog_problems
from app.i18n import PLURAL_FORMS, UI_LOCALES, Translated, bcp47, translated_into
from tests.helpers import post, sign_in


def html_lang(response) -> str:
    html = response.get_data(as_text=True)
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def test_lang_parameter_wins_and_is_remembered_in_a_cookie(client):
    response = client.get("/?lang=fr", headers={"Accept-Language": "uk"})
    assert html_lang(response) == "fr"
    cookie = client.get_cookie("lang")
    assert cookie.value == "fr" and cookie.http_only and cookie.same_site == "Lax"
    # Later pages remember the choice, even over the browser's language.
    assert html_lang(client.get("/", headers={"Accept-Language": "uk"})) == "fr"


def test_browser_language_when_nothing_was_chosen(client):
    assert (
        html_lang(client.get("/", headers={"Accept-Language": "uk-UA,uk;q=0.9,en;q=0.5"})) == "uk"
    )
    assert html_lang(client.get("/", headers={"Accept-Language": "de, ar;q=0.8"})) == "ar"


def test_council_default_when_the_browser_says_nothing_we_speak(client, make_council):
    make_council("Conseil", lang="fr", default_language="fr", languages=["fr", "en"])
    assert html_lang(client.get("/councils/conseil", headers={"Accept-Language": "de"})) == "fr"
    assert html_lang(client.get("/", headers={"Accept-Language": "de"})) == "en"


def test_signed_in_person_gets_their_profile_language(client, make_user):
    make_user("amina@example.org", locale="ar")
    sign_in(client, "amina@example.org")
    client.delete_cookie("lang")
    assert html_lang(client.get("/", headers={"Accept-Language": "fr"})) == "ar"


def test_switching_language_is_remembered_on_the_device_and_never_written_by_a_get(
    app, client, make_user
):
    """A GET never writes: browsers prefetch pages and other sites can embed any URL (even a
    static file) in an image; concurrent writes would also fight over SQLite's lock."""
    from app.audit import AuditEvent
    from app.extensions import db

    user = make_user("amina@example.org", locale="en")
    sign_in(client, "amina@example.org")
    events = db.session.query(AuditEvent).count()
    client.get("/static/css/consulta.css?lang=ar")
    assert html_lang(client.get("/")) == "ar"
    assert html_lang(client.get("/profile?lang=uk")) == "uk"
    assert html_lang(client.get("/profile")) == "uk"  # remembered on this device
    db.session.refresh(user)
    assert user.locale == "en" and db.session.query(AuditEvent).count() == events
    # The profile's language is changed on purpose, with its form; other devices follow.
    post(client, "/profile", {"display_name": "Amina", "locale": "uk"}, page="/profile")
    other_device = app.test_client()
    sign_in(other_device, "amina@example.org")
    other_device.delete_cookie("lang")
    assert html_lang(other_device.get("/")) == "uk"


def test_unknown_language_is_ignored(client):
    assert html_lang(client.get("/?lang=xx", headers={"Accept-Language": "en"})) == "en"


def test_arabic_pages_read_right_to_left(client):
    html = client.get("/sign-in?lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert "تسجيل الدخول" in html


@pytest.mark.parametrize("locale", UI_LOCALES)
def test_every_page_offers_every_language_named_in_itself(client, locale):
    html = client.get(f"/sign-in?lang={locale}").get_data(as_text=True)
    for name in ["English", "العربية", "Français", "Українська"]:
        assert f">{name}</a>" in html
    assert f'lang="{locale}" hreflang="{locale}"' in html
    assert html.count('aria-current="true"') == 1


def test_language_switcher_keeps_the_rest_of_the_address(client):
    html = client.get("/sign-in?next=/profile").get_data(as_text=True)
    assert 'href="/sign-in?next=%2Fprofile&amp;lang=ar"' in html


def test_catalogs_are_complete_with_gnu_plural_rules():
    assert catalog_problems() == []


def test_arabic_plural_rule_matches_gnu_gettext():
    """Zero, one, two, few (3–10), many (11–99), other (100–102…): GNU's order, not Babel's."""
    rule = c2py(PLURAL_FORMS["ar"].split("plural=")[1].rstrip(";"))
    numbers = [0, 1, 2, 3, 10, 11, 99, 100, 101, 102, 103, 111]
    assert [rule(n) for n in numbers] == [0, 1, 2, 3, 3, 4, 4, 5, 5, 5, 3, 4]


def test_bcp47_language_tags():
    assert bcp47("fa_AF") == "fa-AF"
    assert bcp47("ar") == "ar"


def test_translated_text_falls_back_to_the_original_and_says_so(app):
    text = Translated.of("مرحبا", "ar").with_text("en", "Hello", machine=True)
    assert text.shown_in("en").text == "Hello" and text.shown_in("en").machine
    shown = text.shown_in("fr")
    assert (shown.text, shown.lang, shown.dir, shown.is_original) == ("مرحبا", "ar", "rtl", True)
    corrected = text.with_text("en", "Hello!")
    assert not corrected.shown_in("en").machine
    assert corrected.original == "ar"


def test_translated_content_carries_its_own_language(client, make_council):
    make_council("Migrant Council", description="We advise the city.")
    html = client.get("/councils/migrant-council?lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert '<div lang="en" dir="ltr" class="user-text ">' in html


def test_translation_note_links_to_the_original(client, make_council):
    from app.extensions import db

    council = make_council("Migrant Council", description="We advise the city.")
    council.description = council.description.with_text(
        "fr", "Nous conseillons la ville.", machine=True
    )
    db.session.commit()
    html = client.get("/councils/migrant-council?lang=fr").get_data(as_text=True)
    assert "Nous conseillons la ville." in html
    note = html.split('<details class="translation-note">')[1].split("</details>")[0]
    assert "Machine translation" not in note  # the note is in French too
    assert '<div lang="en" dir="ltr" class="user-text">' in note
    assert "We advise the city." in note  # the original, one click away


def test_form_errors_are_translated(client):
    response = post(
        client, "/sign-in?lang=fr", {"email": "", "password": ""}, page="/sign-in?lang=fr"
    )
    html = response.get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in html
    assert 'aria-invalid="true"' in html
    assert "There is a problem" not in html
    assert "Enter an email address." not in html


def test_a_record_keeps_the_languages_all_its_texts_exist_in():
    title = Translated.of("Benches", "en").with_translation("ar", "مقاعد", by="x")
    body = Translated.of("More benches", "en").with_translation("uk", "Лавки", by="x")
    assert translated_into([title]) == " ar en "
    assert translated_into([title, body]) == " en "
    # A text without its original has nothing to translate; nothing at all is marked "*".
    assert translated_into([title, Translated(), None]) == " ar en "
    assert translated_into([Translated({"original": "fr", "en": "Orphan"})]) == "*"
    assert translated_into([]) == "*"
