"""Escaping values for Streamlit Markdown and for HTML (:mod:`ucj_dash.text.markup`)."""

import pytest

from tests.hostile import PAYLOADS, live_items, shown_text
from ucj_dash.errors import UserError
from ucj_dash.text import markup
from ucj_dash.text.markup import WORD_JOINER as WJ


@pytest.mark.parametrize(
    "text, expected",
    [
        ("[Login](https://evil.example)", rf"\[Login\]\(https{WJ}://evil.example\)"),
        ("![x](https://evil.example/x.png)", rf"\!\[x\]\(https{WJ}://evil.example/x.png\)"),
        ("<img src=https://evil.example/x.png>", rf"\<img src=https{WJ}://evil.example/x.png\>"),
        ("<script>alert(1)</script>", r"\<script\>alert\(1\)\</script\>"),
        ("javascript:alert(1)", r"javascript:alert\(1\)"),
        ("**bold** _it_ `code` ~~no~~ $x$ a|b {c} #1 &amp; \\", r"\*\*bold\*\* \_it\_ \`code\` \~\~no\~\~ \$x\$ a\|b \{c\} \#1 \&amp; \\"),
        ("www.evil.example, HTTP://evil.example, ana@evil.example", f"www{WJ}.evil.example, HTTP{WJ}://evil.example, ana@{WJ}evil.example"),
        (":smile: :material/home: 10:30", f":{WJ}smile: :{WJ}material/home: 10:30"),
        # only at the start of a line: list items, thematic breaks, setext underlines, ordered items
        ("- a", r"\- a"), ("+ a", r"\+ a"), ("===", r"\==="), ("1. a", r"1\. a"), ("> a", r"\> a"), ("# a", r"\# a"),
        ("2024-12", "2024-12"), ("99.99", "99.99"), ("1.5 juta", "1.5 juta"), ("a - b. c", "a - b. c"),
        # one line: a value never starts a block of its own
        ("BPS\n\n    code\r\n---\n# x", r"BPS code --- \# x"),
        ("  Kupang", "Kupang"),
        (53.5, "53.5"),
        ("Kabupaten Timor Tengah Selatan", "Kabupaten Timor Tengah Selatan"),
    ],
)
def test_markdown_escapes_what_streamlit_would_render(text, expected):
    assert markup.markdown(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ('<img src="x" onerror=\'y\'>', "&lt;img src=&quot;x&quot; onerror=&#x27;y&#x27;&gt;"),
        ("A & B\n\n[Login](https://evil.example)", "A &amp; B&#10;&#10;[Login](https://evil.example)"),
        ("a\r\nb", "a&#13;&#10;b"),
        (2024, "2024"),
    ],
)
def test_html_escapes_tags_quotes_and_line_breaks(text, expected):
    assert markup.html(text) == expected


@pytest.mark.parametrize("payload", PAYLOADS)
def test_escaped_payloads_show_literally_and_nothing_is_live(payload):
    assert live_items(payload) or payload == "javascript:alert(1)"  # the checker sees the raw payload
    escaped = markup.markdown(payload)
    assert live_items(escaped) == []
    assert shown_text(escaped) == payload
    html = f"<div class='x'>{markup.html(payload + chr(10) * 2 + payload)}</div>"
    assert live_items(html, allow_html=True) == []
    assert shown_text(html, allow_html=True) == payload + " " + payload


def test_checker_finds_links_images_html_and_bare_urls():
    assert "](https://evil.example)" in live_items("see [Login](https://evil.example)")
    assert "![" in live_items("![x](https://evil.example/x.png)")
    assert live_items(r"\[Login\]\(https://evil.example\)") == ["https://evil.example)"]  # a bare link
    assert live_items("mail ana@evil.example") == ["ana@evil.example"]
    assert "<https://evil.example>" in live_items("<https://evil.example>")
    # raw HTML: fine in an HTML block, but a blank line hands the rest back to Markdown
    assert live_items("<div><img src=x></div>", allow_html=True) == ["<img src=x>"]
    assert "](https://evil.example)" in live_items("<div>&lt;img&gt;\n\n[a](https://evil.example)</div>", allow_html=True)


def test_user_error_markdown_escapes_its_values_not_its_text():
    error = UserError("notice.bad_param", name="metric", value="[Login](https://evil.example)")
    assert error.message("en") == "Link parameter “metric=[Login](https://evil.example)” is not recognised; showing the default."
    assert error.markdown("en") == (
        rf"Link parameter “metric=\[Login\]\(https{WJ}://evil.example\)” is not recognised; showing the default."
    )
    counted = UserError("import.error.has_errors", n=2)
    assert counted.markdown("en") == counted.message("en")
