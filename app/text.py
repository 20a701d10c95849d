"""User text as HTML: Markdown rendered, then sanitised, so it can never run or spoof."""

import re
import unicodedata

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_markdown = MarkdownIt("commonmark", {"html": False, "typographer": False}).disable("image")

ALLOWED_TAGS = {
    "p",
    "br",
    "em",
    "strong",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
}
#: Overrides (LRE, RLE, PDF, LRO, RLO) can make text read differently from how it is stored;
#: the isolates (LRI, RLI, FSI, PDI) that well-behaved bidi text uses are kept.
BIDI_OVERRIDES = re.compile("[\u202a-\u202e]")


#: Invisible characters that only hide or split words (ZWJ and ZWNJ are kept: scripts such as
#: Persian and emoji sequences need them).
INVISIBLE = re.compile("[\u200b\u2060\ufeff\u180e]")
#: Control characters other than tab and newline.
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    return BIDI_OVERRIDES.sub("", text or "")


def clean_plain(text: str, *, multiline: bool = False) -> str:
    """Text as typed, minus what can spoof or hide: bidi overrides, invisible and control
    characters; trimmed, and on one line unless ``multiline``."""
    text = unicodedata.normalize("NFC", (text or "").replace("\r\n", "\n"))
    text = CONTROLS.sub("", INVISIBLE.sub("", clean_text(text)))
    if not multiline:
        text = " ".join(text.split())
    return text.strip()


def render_markdown(text: str) -> Markup:
    tokens = _markdown.parse(clean_text(text))
    for token in tokens:
        # The page has its own h1 and h2: user headings start at h3.
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 2, 6)}"
    html = nh3.clean(
        _markdown.renderer.render(tokens, _markdown.options, {}),
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(html)  # noqa: S704 - sanitised by nh3 just above


#: Arabic-script letters that people type one for another: alef wasla and the hamza seats
#: that do not decompose, alef maksura and Persian yeh for yeh, keheh for kaf, teh marbuta for
#: heh. Alefs and seats with hamza or madda decompose under NFKD (their marks are dropped).
_ARABIC_VARIANTS = str.maketrans(
    {
        "\u0671": "\u0627",  # ٱ → ا
        "\u0649": "\u064a",  # ى → ي
        "\u06cc": "\u064a",  # ی → ي
        "\u06a9": "\u0643",  # ک → ك
        "\u0629": "\u0647",  # ة → ه
        "\u0621": "",  # a hamza on its own line
        "\u0640": "",  # tatweel only stretches a word
    }
)


def fold_for_search(text: str) -> str:
    """Text as the search box compares it: without case, accents and other combining marks
    (Arabic short vowels and hamza above or below included), with Arabic letter variants
    made one. The stored search column and the typed words are folded the same way."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare.translate(_ARABIC_VARIANTS))


#: A cell a spreadsheet would run as a formula starts with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value) -> str:
    """A CSV cell as text, never a formula: a spreadsheet runs "=…", "+…", "-…" and "@…"."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
