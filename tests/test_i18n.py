"""Translations: both catalogues hold the same keys, the code uses them all, plurals, and the .po fallback."""

from __future__ import annotations

import ast
import io
import os
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir, extract_from_file, extract_python
from babel.messages.pofile import read_po

from ucj_dash.text import i18n
from ucj_dash.text.i18n import t

ROOT = Path(__file__).resolve().parent.parent
CODE_DIRS = ("ucj_dash", "ui", "pages")
CODE_FILES = ("app.py",)
#: calls that take a key: t() and the user errors (ucj_dash.errors) first, table columns (ucj_dash.views.tables) second
KEYWORDS = {
    **{name: None for name in ("t", "UserError", "InvalidRegionCode", "UnknownRegionCode", "ArchiveUnavailable", "BoundariesNotBuilt")},
    **{name: (2,) for name in ("Column", "indicator")},
    "PageSpec": (3,),  # ui.entry: the title key of each page
}
#: what a key looks like; other literals of those calls are not keys (e.g. the labels of ucj_dash.datasets.dataset.Column)
KEY = re.compile(r"[a-z0-9_]+(\.[a-z0-9_]+)*\.?")
#: keys the code builds at run time (t("kind." + kind), t(f"import.problem.{kind}"), keys held in variables);
#: a catalogue key under one of these counts as used
DYNAMIC_PREFIXES = (
    "class.", "coverage.", "cost.group.", "export.def.", "export.ds.", "export.ind.", "import.col.", "import.fix.",
    "import.problem.", "import.severity.", "kind.", "legend.method.", "level.", "map.classification.", "map.click_hint",
    "map.village_hint", "metric.", "present.cost.col.", "present.cost.group.", "priority.group.", "priority.reason.",
    "priority.rule.", "setting.", "tooltip.", "sources.group.", "pair.", "prov.", "reason.", "data.action.",
    "data.import.mode.", "plan.goal.", "plan.package.", "plan.phasing.", "plan.source.", "plan.bkbk.setting.", "plan.bkbk.gap.",
    "plan.bkbk.status.", "plan.bkbk.villages.", "plan.bkbk.note.", "scenario.row.",
)


def catalogue(lang: str):
    with i18n.catalogue_paths(lang)[0].open("rb") as f:
        return read_po(f)


def messages(lang: str) -> dict:
    """msgid → msgstr (a tuple of forms for plural texts), header left out."""
    return {m.id if isinstance(m.id, str) else m.id[0]: m.string for m in catalogue(lang) if m.id}


def forms(text) -> list[str]:
    """A text's forms: one, or one per plural form."""
    return list(text) if isinstance(text, tuple) else [text]


def extract_python_and_fstrings(fileobj, keywords, comment_tags, options):
    """Babel's Python extractor, also run on the expressions inside f-strings (Python 3.11 reads an f-string as one token)."""
    source = fileobj.read()
    yield from extract_python(io.BytesIO(source), keywords, comment_tags, options)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FormattedValue):
            code = ast.unparse(node.value).encode()
            for _, funcname, message, comments in extract_python(io.BytesIO(code), keywords, comment_tags, options):
                yield node.lineno, funcname, message, comments


def used_literals() -> dict[str, list[str]]:
    """Every literal key argument of the keyword calls → where it is used."""
    found: dict[str, list[str]] = {}
    method_map = [("**.py", extract_python_and_fstrings)]
    for folder in CODE_DIRS:
        for filename, lineno, message, _, _ in extract_from_dir(ROOT / folder, method_map=method_map, keywords=KEYWORDS):
            found.setdefault(message, []).append(f"{folder}/{filename}:{lineno}")
    for name in CODE_FILES:
        for lineno, message, _, _ in extract_from_file(extract_python_and_fstrings, ROOT / name, keywords=KEYWORDS):
            found.setdefault(message, []).append(f"{name}:{lineno}")
    return found


# ---------------------------------------------------------------- catalogues


def test_both_languages_have_the_same_keys_and_no_empty_text():
    texts = {lang: messages(lang) for lang in i18n.LANGS}
    assert texts["id"].keys() == texts["en"].keys()
    for lang, entries in texts.items():
        for key, text in entries.items():
            assert all(forms(text)), (lang, key)


def test_plural_texts_are_plural_in_both_languages_with_the_right_forms():
    id_cat, en_cat = catalogue("id"), catalogue("en")
    assert id_cat.plural_forms == "nplurals=1; plural=0;"
    assert en_cat.plural_forms == "nplurals=2; plural=(n != 1);"
    for message in id_cat:
        if message.id:
            key = message.id if isinstance(message.id, str) else message.id[0]
            assert en_cat[key].pluralizable == message.pluralizable, key
            if message.pluralizable:
                assert message.id == (key, key) and en_cat[key].id == (key, key), key
                assert len(message.string) == 1 and len(en_cat[key].string) == 2, key


def test_both_languages_use_the_same_placeholders():
    texts = {lang: messages(lang) for lang in i18n.LANGS}
    for key, id_text in texts["id"].items():
        placeholders = [set(re.findall(r"\{(\w*)\}", form)) for form in forms(id_text) + forms(texts["en"][key])]
        assert all(p == placeholders[0] for p in placeholders), key


# ---------------------------------------------------------------- keys used in the code


def test_every_key_used_in_the_code_is_in_the_catalogues():
    keys = messages("id").keys()
    for literal, where in used_literals().items():
        if not KEY.fullmatch(literal) or "." not in literal:
            continue
        # Babel joins every string of an argument: t("priority.group." + row["quadrant"]) reads "priority.group.quadrant"
        assert literal in keys or literal.startswith(DYNAMIC_PREFIXES), (literal, where)


def test_every_catalogue_key_is_used():
    used = used_literals()
    unused = [key for key in messages("id") if key not in used and not key.startswith(DYNAMIC_PREFIXES)]
    assert unused == []


def test_every_dynamic_prefix_has_keys():
    keys = messages("id").keys()
    for prefix in DYNAMIC_PREFIXES:
        assert any(key.startswith(prefix) for key in keys), prefix


# ---------------------------------------------------------------- t()


def test_missing_key_raises_and_unknown_language_falls_back_to_indonesian():
    with pytest.raises(KeyError):
        t("no.such.key")
    with pytest.raises(KeyError):
        t("no.such.key", "en", n=2)
    assert t("app.title", "en") == "UCJ Coverage Dashboard"
    assert t("app.title", "fr") == t("app.title") == "Dasbor Cakupan UCJ"
    assert t("map.search.none", "en", query="x") == "No region matches “x”."


@pytest.mark.parametrize(
    ("n", "en", "id_"),
    [
        (0, "0 errors: the file", "0 kesalahan: berkas"),
        (1, "1 error: the file", "1 kesalahan: berkas"),
        (2, "2 errors: the file", "2 kesalahan: berkas"),
        (21, "21 errors: the file", "21 kesalahan: berkas"),
    ],
)
def test_plural_forms_follow_the_count(n, en, id_):
    assert t("data.report.blocked", "en", n=n).startswith(en)
    assert t("data.report.blocked", "id", n=n).startswith(id_)


def test_plural_form_from_count_when_n_is_formatted():
    assert t("map.no_boundary", "en", n="1", count=1) == "1 region has no boundary on the map (it is still in the table and totals)."
    assert t("map.no_boundary", "en", n="1,234", count=1234) == (
        "1,234 regions have no boundary on the map (they are still in the table and totals)."
    )
    assert t("map.no_boundary", "id", n="1.234", count=1234) == "1.234 wilayah tidak memiliki batas di peta (tetap ada di tabel dan total)."
    assert t("present.fig.vulnerable.detail", "en", n="—", count=float("nan")) == "— vulnerable workers not covered"
    assert t("priority.reason.uncovered_vulnerable_workers", "en", n="1", count=0.6) == "1 vulnerable worker uncovered"
    with pytest.raises(TypeError):
        t("map.no_boundary", "en", n="1.234")


def test_import_summary_counts_in_both_languages():
    def summary(lang, rows, errors, warnings):
        return t("import.summary", lang, file="f.csv", imported=0, rows=t("import.summary.rows", lang, n=rows),
                 errors=t("import.summary.errors", lang, n=errors), warnings=t("import.summary.warnings", lang, n=warnings))

    assert summary("en", 1, 1, 1) == "f.csv: 1 data row read, 0 ready to import; 1 error, 1 warning."
    assert summary("en", 2, 0, 3) == "f.csv: 2 data rows read, 0 ready to import; 0 errors, 3 warnings."
    assert summary("id", 1, 1, 1) == "f.csv: 1 baris data dibaca, 0 siap diimpor; 1 kesalahan, 1 peringatan."
    assert summary("id", 2, 0, 3) == "f.csv: 2 baris data dibaca, 0 siap diimpor; 0 kesalahan, 3 peringatan."


# ---------------------------------------------------------------- compiled catalogues


@pytest.fixture
def locale_dir(tmp_path):
    out = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, out, ignore=shutil.ignore_patterns("*.mo"))
    return out


def _mo_saying(locale_dir: Path, lang: str, title: str) -> bytes:
    """A compiled catalogue whose app.title is ``title``."""
    po, _ = i18n.catalogue_paths(lang, locale_dir)
    changed = locale_dir / "changed.po"
    changed.write_text(re.sub(r'(msgid "app.title"\nmsgstr )".*"', rf'\1"{title}"', po.read_text(encoding="utf-8")), encoding="utf-8")
    return i18n.compile_po(changed)


def test_missing_mo_is_compiled_from_the_po(locale_dir):
    assert not i18n.mo_is_current("en", locale_dir)
    assert i18n.load("en", locale_dir).gettext("app.title") == "UCJ Coverage Dashboard"


def test_stale_mo_falls_back_to_the_po_and_a_current_one_is_used(locale_dir):
    po, mo = i18n.catalogue_paths("en", locale_dir)
    mo.write_bytes(_mo_saying(locale_dir, "en", "Old title"))
    then = po.stat().st_mtime
    os.utime(mo, (then - 60, then - 60))  # the .po was edited after the .mo was compiled
    assert not i18n.mo_is_current("en", locale_dir)
    assert i18n.load("en", locale_dir).gettext("app.title") == "UCJ Coverage Dashboard"
    os.utime(mo, (then + 60, then + 60))
    assert i18n.mo_is_current("en", locale_dir)
    assert i18n.load("en", locale_dir).gettext("app.title") == "Old title"


def test_build_compiles_the_catalogues(locale_dir):
    from ucj_dash import build

    logged = []
    build.compile_translations(log=logged.append, locale_dir=locale_dir)
    assert len(logged) == 2
    for lang, title in (("id", "Dasbor Cakupan UCJ"), ("en", "UCJ Coverage Dashboard")):
        assert i18n.mo_is_current(lang, locale_dir)
        assert i18n.load(lang, locale_dir).gettext("app.title") == title
    build.compile_translations(log=logged.append, locale_dir=locale_dir)
    assert len(logged) == 2  # a no-op when current
