"""A page of the live site made into a page of the archive: links made relative, forms
replaced by a note, live refreshes switched off.

The page is read with the standard library's HTML parser and written back piece by piece:
only the start tags that carry a link are rebuilt, everything else is kept as it was.
"""

from collections.abc import Callable
from html import escape
from html.parser import HTMLParser

#: Attributes that hold a link the archive must follow or drop.
LINKS = {"href", "src", "action"}

#: Where a link leads in the archive: a relative link, the link unchanged (another site, a
#: fragment), or None when the page is not archived (the link becomes plain text).
Resolve = Callable[[str], str | None]


class _Rewriter(HTMLParser):
    def __init__(self, resolve: Resolve, form_note: str, banner: str):
        super().__init__(convert_charrefs=False)
        self.resolve = resolve
        self.form_note = form_note
        self.banner = banner
        self.out: list[str] = []
        #: Depth inside a form being left out.
        self.skipping = 0
        #: For each open <a>: whether it became a <span>.
        self.anchors: list[bool] = []

    def handle_starttag(self, tag, attrs):
        self._start(tag, attrs, closed=False)

    def handle_startendtag(self, tag, attrs):
        self._start(tag, attrs, closed=True)

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool) -> None:
        if self.skipping:
            self.skipping += tag == "form"
            return
        if tag == "form":
            # Nothing can be sent from an archive: searching, proposing, voting, signing in.
            self.skipping = 1
            self.out.append(f'<p class="notice">{escape(self.form_note)}</p>')
            return
        kept, dead = [], False
        for name, value in attrs:
            if value is not None and name in LINKS:
                value = self.resolve(value)
                dead = dead or value is None
            elif value is not None and name.startswith("data-") and value.startswith("/"):
                continue  # a live refresh (quorum, a vote's count): nothing left to ask
            if value is not None or name not in LINKS:
                kept.append((name, value))
        if tag == "a":
            self.anchors.append(dead)
        if dead and tag == "a":
            # The text stays, in its own language (a language menu's entry, a title).
            self.out.append(_tag("span", [(n, v) for n, v in kept if n in ("lang", "dir")], False))
            return
        if dead and tag == "link":
            return
        if kept == attrs:
            self.out.append(self.get_starttag_text() or "")
        else:
            self.out.append(_tag(tag, kept, closed))
        if tag == "main" and self.banner:
            self.out.append(f'<p class="notice">{escape(self.banner)}</p>')

    def handle_endtag(self, tag):
        if self.skipping:
            self.skipping -= tag == "form"
            return
        if tag == "a" and self.anchors and self.anchors.pop():
            self.out.append("</span>")
        else:
            self.out.append(f"</{tag}>")

    def _keep(self, text: str) -> None:
        if not self.skipping:
            self.out.append(text)

    def handle_data(self, data):
        self._keep(data)

    def handle_entityref(self, name):
        self._keep(f"&{name};")

    def handle_charref(self, name):
        self._keep(f"&#{name};")

    def handle_comment(self, data):
        self._keep(f"<!--{data}-->")

    def handle_decl(self, decl):
        self._keep(f"<!{decl}>")

    def handle_pi(self, data):
        self._keep(f"<?{data}>")


def _tag(tag: str, attrs: list[tuple[str, str | None]], closed: bool) -> str:
    parts = [tag]
    for name, value in attrs:
        parts.append(name if value is None else f'{name}="{escape(value, quote=True)}"')
    return "<" + " ".join(parts) + (" />" if closed else ">")


def rewrite_page(page: str, resolve: Resolve, *, form_note: str, banner: str) -> str:
    """``page`` with each link passed through ``resolve``, forms replaced by ``form_note``
    and ``banner`` at the start of the main content."""
    rewriter = _Rewriter(resolve, form_note, banner)
    rewriter.feed(page)
    rewriter.close()
    return "".join(rewriter.out)
