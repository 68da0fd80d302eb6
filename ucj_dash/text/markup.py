"""Values from URLs, files and the store, escaped to show literally in Markdown or HTML.

Streamlit renders Markdown (GitHub-flavoured, with math, emoji shortcodes and
colour directives) in ``st.markdown``, captions, alerts, metric labels and
tooltips, and widget and link labels; it also turns bare ``https://…``,
``www.…`` and e-mail addresses into links. A value passed through
:func:`markdown` shows as the text it is: no link, image, HTML, heading, list,
table, formula or emoji. :func:`html` does the same for HTML (also HTML inside
``st.markdown(..., unsafe_allow_html=True)``, Leaflet tooltips).

Escape the values, never the translation texts around them: their Markdown is
meant. Plain-text widgets (select box options, table cells, ``st.text``,
``st.code``) need no escaping.
"""

from __future__ import annotations

import html as _html
import re

#: invisible, and breaks what Streamlit would otherwise turn into a link or an emoji
WORD_JOINER = "\u2060"

#: ASCII punctuation that is Markdown anywhere in a line (CommonMark shows ``\\x`` as ``x``)
_SYNTAX = re.compile(r"([\\`*_\[\]()!#<>|~$&{}])")
#: Markdown only at the start of a line: a list item, thematic break or setext underline, an ordered item (``1. ``)
_LINE_START = re.compile(r"^(?:(?=[-+=])|\d{1,9}(?=\.(?:\s|$)))")
#: where Streamlit makes a link (``https://``, ``www.``, ``name@host``) or an emoji (``:name:``) out of plain text
_AUTO = re.compile(r"(?i)https?(?=:)|www(?=\.)|@|:(?=[\w+/-]+:)")
_LINE_BREAK = re.compile(r"\s*(?:\r\n|\r|\n)\s*")


def markdown(text) -> str:
    """``text`` (any value, as ``str``) to show literally inside Streamlit Markdown, on one line.

    Markdown syntax is backslash-escaped; line breaks become spaces (the value may stand at
    the start of a line); bare links and emoji codes get an invisible word joiner.
    """
    out = _SYNTAX.sub(r"\\\1", _LINE_BREAK.sub(" ", str(text)).lstrip())
    out = _LINE_START.sub(lambda m: m.group() + "\\", out, count=1)
    return _AUTO.sub(lambda m: m.group() + WORD_JOINER, out)


def html(text) -> str:
    """``text`` (any value, as ``str``) to show literally inside HTML: ``& < > " '`` and line breaks as references.

    Line breaks are escaped too, so the text never ends the HTML block it sits in
    (a blank line would hand what follows back to Markdown).
    """
    return _html.escape(str(text), quote=True).replace("\r", "&#13;").replace("\n", "&#10;")
