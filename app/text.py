"""User text as HTML: Markdown rendered, then sanitised, so it can never run or spoof."""

import re

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


def clean_text(text: str) -> str:
    return BIDI_OVERRIDES.sub("", text or "")


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
