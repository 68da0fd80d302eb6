"""Hostile values, and a checker of what Streamlit would render live from a Markdown source.

No Markdown library is installed, so :func:`live_items` models the parts of Streamlit's renderer
(react-markdown with GitHub-flavoured Markdown) that make links, images and HTML: ``[..](..)``,
``![``, ``<tag`` and ``<scheme:..>`` outside backslash escapes, and the bare ``https://``,
``www.`` and e-mail links it finds in the text after escapes are resolved. With
``unsafe_allow_html``, a paragraph that starts with a tag is an HTML block up to the next blank
line, where only real tags are live.
"""

from __future__ import annotations

import html
import re
import string
import unicodedata

from streamlit.testing.v1 import AppTest

from ucj_dash.text.markup import WORD_JOINER

PAYLOADS = (
    "[Login](https://evil.example)",
    "![x](https://evil.example/x.png)",
    "<img src=https://evil.example/x.png>",
    "<script>alert(1)</script>",
    "javascript:alert(1)",
)
#: what every payload leaves in a link, image or tag it manages to make
HOSTILE = re.compile(r"evil|alert|script", re.IGNORECASE)

_BARE_LINK = re.compile(r"(?i)(?:https?://|www\.)[-.\w]+\S*|[-.\w+]+@[-\w]+(?:\.[-\w]+)+")
_HTML_TAG = re.compile(r"(?i)<(?:a|img|script|iframe|object|embed|svg)\b[^>]*>?")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _resolve(source: str) -> tuple[str, list[bool]]:
    """The text after backslash escapes, and for each character whether it was escaped."""
    chars, escaped, i = [], [], 0
    while i < len(source):
        if source[i] == "\\" and i + 1 < len(source) and source[i + 1] in string.punctuation:
            chars.append(source[i + 1])
            escaped.append(True)
            i += 2
        else:
            chars.append(source[i])
            escaped.append(False)
            i += 1
    return "".join(chars), escaped


def _markdown_items(source: str) -> list[str]:
    text, escaped = _resolve(source)

    def live(i: int) -> bool:
        return i < len(text) and not escaped[i]

    items = []
    for i, c in enumerate(text):
        if c == "!" and live(i) and text[i + 1:i + 2] == "[" and live(i + 1):
            items.append("![")
        elif c == "]" and live(i) and text[i + 1:i + 2] in ("(", "[", ":") and live(i + 1):
            end = text.find(")", i)
            items.append(text[i:end + 1 if end > 0 else len(text)])
        elif c == "<" and live(i) and re.match(r"[A-Za-z/!?]", text[i + 1:i + 2]):
            end = text.find(">", i)
            items.append(text[i:end + 1 if end > 0 else i + 40])
    for match in _BARE_LINK.finditer(text):
        before = text[match.start() - 1] if match.start() else " "
        if before.isspace() or unicodedata.category(before)[0] in "PSZ":
            items.append(match.group())
    return items


def live_items(source: str, allow_html: bool = False) -> list[str]:
    """The links, images and HTML tags Streamlit would render live from ``source``."""
    items = []
    for part in _BLANK_LINE.split(source):
        if allow_html and re.match(r" {0,3}<[A-Za-z/!?]", part):
            items += _HTML_TAG.findall(part)
        else:
            items += _markdown_items(part)
    return items


def shown_text(source: str, allow_html: bool = False) -> str:
    """Roughly the text a reader sees: escapes resolved, tags dropped, entities decoded, white space collapsed."""
    if allow_html:
        source = html.unescape(re.sub(r"<[^>]*>", " ", source))
    else:
        source = _resolve(source)[0]
    return " ".join(source.replace(WORD_JOINER, "").split())


# ---- what an AppTest run shows

_BODY_TYPES = {"markdown", "caption", "info", "warning", "error", "success", "toast", "title", "header", "subheader"}
_PLAIN_TYPES = {"text", "code", "json", "exception", "dataframe", "arrow_data_frame", "iframe", "plotly_chart"}


def rendered_markdown(at: AppTest) -> list[tuple[str, str, bool]]:
    """Every Markdown text of the last run: ``(element type, source, allow_html)``; labels and tooltips too."""
    out = []

    def walk(node) -> None:
        for child in getattr(node, "children", {}).values():
            kind, proto = getattr(child, "type", ""), getattr(child, "proto", None)
            if kind == "html":
                out.append((kind, proto.body, True))
            elif kind not in _PLAIN_TYPES and proto is not None and hasattr(proto, "ListFields"):
                fields = {f.name: v for f, v in proto.ListFields()}
                if kind in _BODY_TYPES and "body" in fields:
                    out.append((kind, fields["body"], bool(fields.get("allow_html"))))
                for name in ("label", "help"):
                    if isinstance(fields.get(name), str):
                        out.append((f"{kind}.{name}", fields[name], False))
                if "expandable" in fields:
                    out.append(("expander", fields["expandable"].label, False))
            walk(child)

    walk(at._tree)
    return out


def hostile_items(at: AppTest) -> list[tuple[str, str]]:
    """``(element type, item)`` for each live link, image or tag that a hostile payload made."""
    return [(kind, item) for kind, source, allow_html in rendered_markdown(at)
            for item in live_items(source, allow_html) if HOSTILE.search(item)]


def shown(at: AppTest) -> str:
    """All Markdown of the last run as a reader sees it, one element a line."""
    return "\n".join(shown_text(source, allow_html) for _, source, allow_html in rendered_markdown(at))
