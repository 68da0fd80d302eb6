"""Translations: Bahasa Indonesia first, English second, as gettext catalogues read with Babel.

The texts live in ``ucj_dash/text/locale/<lang>/LC_MESSAGES/messages.po``; each
msgid is a key such as ``map.search`` and its msgstr the text, with ``{name}``
placeholders for :meth:`str.format`. ``t(key, lang, **params)`` gives the text
for ``lang`` ("id" or "en"; anything else, and a text missing in English, falls
back to Indonesian); a key missing from the catalogues is a bug and raises
``KeyError``.

Plurals: a text that counts something has ``msgid_plural`` (the same key) and
one ``msgstr[i]`` per form of its language (Indonesian ``nplurals=1; plural=0;``,
English ``nplurals=2; plural=(n != 1);``; Babel has no rule for Indonesian, so
keep these headers as they are). ``t`` picks the form by the ``count`` parameter
or, without one, by ``n``: ``t("priority.no_boundary", "en", n=1)`` gives
"1 region without …"; pass ``count`` when ``n`` is already formatted
(``n=fmt.number(x, lang), count=x``). A missing count (None or NaN) takes the
form for 0. A sentence with several counts is put together from one plural
text per count (``import.summary``).

To add a text, add the same msgid to both ``.po`` files (``tests/test_i18n.py``
checks that they match and that the code uses every key). The compiled ``.mo``
files are build output (``python -m ucj_dash build``, or
``.venv/bin/pybabel compile -d ucj_dash/text/locale``); when a ``.mo`` is
missing or older than its ``.po``, the ``.po`` is compiled in memory instead.
"""

from __future__ import annotations

import functools
import io
import math
import numbers
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LANGS = ("id", "en")
DEFAULT_LANG = "id"
LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "messages"


def t(key: str, lang: str = DEFAULT_LANG, **params) -> str:
    """Text for ``key`` in ``lang`` (falls back to Indonesian), formatted with ``params``.

    A text with plural forms picks its form by ``params["count"]``, else ``params["n"]``.
    """
    translations = _translations(lang if lang in LANGS else DEFAULT_LANG)
    if translations.ngettext(key, key, 0) != key:  # a text with plural forms
        text = translations.ngettext(key, key, _count(params.get("count", params.get("n"))))
    else:
        text = translations.gettext(key)
        if text == key:
            raise KeyError(key)
    return text.format(**params) if params else text


def _count(value) -> int:
    """A count as a whole number, rounded as :mod:`ucj_dash.text.fmt` shows it; None or NaN give 0."""
    if value is None or (isinstance(value, numbers.Real) and math.isnan(value)):
        return 0
    if not isinstance(value, numbers.Real):
        raise TypeError(f"a plural text needs a number as count, not {value!r}")
    return round(float(value))


def catalogue_paths(lang: str, locale_dir: Path = LOCALE_DIR) -> tuple[Path, Path]:
    """The ``.po`` file of ``lang`` and its compiled ``.mo``."""
    folder = locale_dir / lang / "LC_MESSAGES"
    return folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"


def mo_is_current(lang: str, locale_dir: Path = LOCALE_DIR) -> bool:
    """Whether ``lang``'s ``.mo`` exists and is not older than its ``.po``."""
    po, mo = catalogue_paths(lang, locale_dir)
    return mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime


def compile_po(po: Path) -> bytes:
    """The ``.mo`` bytes of the catalogue ``po``."""
    with po.open("rb") as f:
        catalog = read_po(f)
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def load(lang: str, locale_dir: Path = LOCALE_DIR) -> Translations:
    """``lang``'s catalogue from its ``.mo``, or compiled in memory from the ``.po`` when the ``.mo`` is stale."""
    po, mo = catalogue_paths(lang, locale_dir)
    data = mo.read_bytes() if mo_is_current(lang, locale_dir) else compile_po(po)
    return Translations(io.BytesIO(data), domain=DOMAIN)


@functools.cache
def _translations(lang: str) -> Translations:
    """``lang``'s catalogue, loaded once per process; other languages fall back to Indonesian."""
    out = load(lang)
    if lang != DEFAULT_LANG:
        out.add_fallback(_translations(DEFAULT_LANG))
    return out
