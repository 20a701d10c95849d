from app.text import render_markdown


def test_markdown_keeps_formatting_and_drops_scripts():
    html = str(
        render_markdown(
            "# Title\n\n**bold** <script>alert(1)</script>\n\n[ok](https://example.org)"
        )
    )
    assert "<h3>Title</h3>" in html
    assert "<strong>bold</strong>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="https://example.org"' in html and 'rel="noopener noreferrer nofollow"' in html


def test_javascript_and_data_links_are_inert():
    for link in (
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:x",
    ):
        html = str(render_markdown(f"[click]({link})"))
        assert "<a" not in html and "href" not in html


def test_raw_html_attributes_are_escaped():
    html = str(render_markdown('<img src=x onerror="alert(1)"> <a href="javascript:x">a</a>'))
    assert "<img" not in html and "<a " not in html


def test_bidi_overrides_are_removed_but_isolates_kept():
    html = str(render_markdown("abc\u202edcba\u2066x\u2069"))
    assert "\u202e" not in html
    assert "\u2066x\u2069" in html
