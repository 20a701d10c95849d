"""Help for residents: the glossary behind the vote's words, and "Listen", which reads a text
aloud in its own language only where the browser has a voice for it."""

import json
import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import PHONE

#: A stand-in for the browser's speech synthesis with voices for these languages; what it is
#: asked to say is kept in window.spoken.
FAKE_SPEECH = """
(() => {
  const voices = %s.map((lang) => ({ lang, name: lang + " voice", default: false }));
  window.spoken = [];
  const speech = {
    getVoices: () => voices,
    speak: (utterance) => window.spoken.push({ text: utterance.text, lang: utterance.lang }),
    cancel: () => {},
    addEventListener: () => {},
  };
  Object.defineProperty(window, "speechSynthesis", { value: speech, configurable: true });
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
})();
"""


def with_voices(page, *languages: str):
    page.add_init_script(FAKE_SPEECH % json.dumps(list(languages)))
    return page


@pytest.mark.parametrize("locale", ["en", "ar"])
@pytest.mark.parametrize("method", ["named", "secret"])
def test_the_vote_page_links_its_words_to_their_explanation(new_page, demo, words, locale, method):
    """On a published vote and an open one, "roll call" or "pseudo-anonymous" lead to the
    glossary entry that explains it, in the reader's language."""
    t = words(locale)
    page = new_page(PHONE)
    poll = demo.poll("past") if method == "named" else demo.poll("today", "secret")
    page.goto(f"/councils/demo-city/polls/{poll}?lang={locale}")
    main = page.get_by_role("main")
    term, anchor, entry = {
        "named": (
            "Roll call: after the vote, everyone can see who voted what",
            "roll-call",
            "Roll call (named vote)",
        ),
        "secret": (
            "Pseudo-anonymous: the council sees who voted, nobody can see how",
            "pseudo-anonymous",
            "Pseudo-anonymous vote (secret vote)",
        ),
    }[method]
    main.get_by_role("link", name=t(term)).click()
    expect(page).to_have_url(re.compile(rf"/help/glossary#{anchor}$"))
    target = page.locator(":target")
    expect(target).to_have_text(t(entry))
    expect(target).to_be_in_viewport()
    assert page.evaluate("document.documentElement.lang") == locale


def test_the_majority_rule_links_to_its_entry(new_page, demo, words):
    t = words("en")
    terms = {
        "simple-majority": "Simple majority",
        "absolute-majority": "Absolute majority",
        "two-thirds": "Two-thirds majority",
    }
    page = new_page(PHONE)
    page.goto(f"/councils/demo-city/polls/{demo.poll('past')}?lang=en")
    page.locator(".vote-rules").first.get_by_role("link").first.click()
    anchor = page.url.rsplit("#", 1)[1]
    assert anchor in terms
    expect(page.locator(":target")).to_have_text(t(terms[anchor]))


def test_listen_reads_a_text_only_in_a_language_the_browser_has_a_voice_for(new_page, demo, words):
    """The browser speaks Arabic only: the Arabic proposal gets a Listen button that reads it
    in Arabic and becomes Stop; the same proposal shown in English gets none."""
    proposal = f"/councils/demo-city/proposals/{demo.proposal('accepted')}"
    ar, en = words("ar"), words("en")
    page = with_voices(new_page(PHONE), "ar-SA")
    page.goto(f"{proposal}?lang=ar")
    listen = page.get_by_role("button", name=ar("Listen to the proposal"))
    expect(listen).to_be_visible()
    box = listen.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    listen.click()
    stop = page.get_by_role("button", name=ar("Stop reading"))
    expect(stop).to_be_visible()
    spoken = page.evaluate("window.spoken")
    assert spoken and {part["lang"] for part in spoken} == {"ar"}
    assert "عقود" in " ".join(part["text"] for part in spoken)
    stop.click()
    expect(listen).to_be_visible()

    page.goto(f"{proposal}?lang=en")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("button", name=en("Listen to the proposal"))).to_have_count(0)
    page.goto("/help/glossary?lang=en")
    expect(page.get_by_role("button", name=en("Listen to this page"))).to_have_count(0)
    page.goto("/help/glossary?lang=ar")
    expect(page.get_by_role("button", name=ar("Listen to this page"))).to_be_visible()


def test_listen_reads_the_agenda_and_the_help(new_page, demo, words):
    t = words("en")
    page = with_voices(new_page(PHONE), "en-GB")
    page.goto(f"{demo.meeting_url('upcoming')}?lang=en")
    page.get_by_role("button", name=t("Listen to the agenda")).click()
    spoken = " ".join(part["text"] for part in page.evaluate("window.spoken"))
    assert t("Listen to the agenda") not in spoken
    assert spoken.strip()
    page.goto("/help/meetings-and-votes?lang=en")
    page.get_by_role("button", name=t("Listen to this page")).click()
    spoken = " ".join(part["text"] for part in page.evaluate("window.spoken"))
    assert t("How meetings and votes work") in spoken


@pytest.mark.parametrize("how", ["no voices", "no JavaScript", "no speech synthesis"])
def test_there_is_no_listen_button_when_the_browser_cannot_speak(new_page, demo, words, how):
    t = words("ar")
    page = new_page(PHONE, javascript=how != "no JavaScript")
    if how == "no voices":
        with_voices(page)
    elif how == "no speech synthesis":
        page.add_init_script("Object.defineProperty(window, 'speechSynthesis', {value: undefined})")
    for path, name in [
        (f"/councils/demo-city/proposals/{demo.proposal('accepted')}", "Listen to the proposal"),
        ("/help/proposals", "Listen to this page"),
        (demo.meeting_url("upcoming"), "Listen to the agenda"),
    ]:
        page.goto(f"{path}?lang=ar")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        expect(page.get_by_role("button", name=t(name))).to_have_count(0)
        expect(page.get_by_role("button", name=t("Stop reading"))).to_have_count(0)
