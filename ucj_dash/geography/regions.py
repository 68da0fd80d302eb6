"""Kemendagri region codes and the registry of all 91,599 regions.

Codes are dotted: ``53`` (province), ``53.03`` (kabupaten/kota), ``53.03.01``
(kecamatan), ``53.03.01.2001`` (desa; a 4th segment starting with 1 is a
kelurahan). The same code without dots (``5303012001``) is accepted everywhere a
code is read. The nation as a whole has the pseudo-code ``ID``.
"""

from __future__ import annotations

import difflib
import re
import tarfile
import unicodedata
from collections import Counter
from dataclasses import dataclass
from enum import IntEnum
from functools import cached_property
from pathlib import Path

import pandas as pd

from ucj_dash.errors import InvalidRegionCode, UnknownRegionCode
from ucj_dash.geography import sqldump

NATION_CODE = "ID"


class Level(IntEnum):
    """Administrative level; the value is the number of code segments."""

    NATION = 0
    PROVINCE = 1
    REGENCY = 2  # kabupaten/kota
    DISTRICT = 3  # kecamatan
    VILLAGE = 4  # desa/kelurahan

    @property
    def key(self) -> str:
        """Short stable key used in file names, URLs and i18n keys."""
        return ("nation", "prov", "kab", "kec", "desa")[self]

    @classmethod
    def from_key(cls, key: str) -> "Level":
        return {lv.key: lv for lv in cls}[key]

    @property
    def child(self) -> "Level | None":
        return Level(self + 1) if self < Level.VILLAGE else None


_SEGMENT_WIDTHS = (2, 2, 2, 4)
_DOTTED = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
_UNDOTTED = re.compile(r"^(\d{2}|\d{4}|\d{6}|\d{10})$")


def normalize_code(value) -> str:
    """Canonical dotted code for ``value`` (dotted or undotted), or ``ID`` for the nation.

    Surrounding white space is ignored. Raises :class:`InvalidRegionCode`
    naming the value for anything else (wrong digit count, letters, a float).
    """
    text = str(value).strip() if value is not None else ""
    if text.upper() in (NATION_CODE, "INDONESIA"):
        return NATION_CODE
    if _DOTTED.match(text):
        return text
    if _UNDOTTED.match(text):
        parts, pos = [], 0
        for width in _SEGMENT_WIDTHS:
            if pos >= len(text):
                break
            parts.append(text[pos : pos + width])
            pos += width
        return ".".join(parts)
    raise InvalidRegionCode("error.invalid_code", value=str(value)[:60])


def level_of(code: str) -> Level:
    """Level of a canonical code (``ID`` is the nation)."""
    return Level.NATION if code == NATION_CODE else Level(code.count(".") + 1)


def parent_of(code: str) -> str | None:
    """Parent of a canonical code; provinces' parent is ``ID``; the nation has none."""
    if code == NATION_CODE:
        return None
    return code.rsplit(".", 1)[0] if "." in code else NATION_CODE


def ancestors_of(code: str) -> list[str]:
    """Codes from the nation down to (excluding) ``code``."""
    out = []
    parent = parent_of(code)
    while parent is not None:
        out.append(parent)
        parent = parent_of(parent)
    return out[::-1]


def fold_text(text: str) -> str:
    """Lower-case, accent-free, punctuation-free text for name matching."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"['’`ʼ]", "", text.lower())
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


_NAME_PREFIXES = re.compile(r"^(kabupaten|kab|kota|provinsi|prov|kecamatan|kec|desa|kelurahan|kel)\s+")


def name_key(name: str) -> str:
    """A region name as compared: folded, without ``Kabupaten``/``Kota``/``Desa``… prefixes."""
    return _NAME_PREFIXES.sub("", fold_text(name))


def kind_of(code: str, name: str) -> str:
    """``provinsi``, ``kabupaten``, ``kota``, ``kecamatan``, ``desa`` or ``kelurahan``."""
    level = level_of(code)
    if level == Level.NATION:
        return "negara"
    if level == Level.PROVINCE:
        return "provinsi"
    if level == Level.REGENCY:
        if name.lower().startswith("kota"):
            return "kota"
        if name.lower().startswith("kabupaten"):
            return "kabupaten"
        return "kota" if int(code[-2:]) >= 71 else "kabupaten"
    if level == Level.DISTRICT:
        return "kecamatan"
    return "kelurahan" if code.rsplit(".", 1)[1].startswith("1") else "desa"


def distinct_names(names, codes) -> list[str]:
    """Region names as labels that tell the regions apart: a name that several of them share is followed by each
    one's code ("Oesao (53.01.06.2003)"). For a chart's categories, where equal labels would merge two regions
    into one bar (16 kecamatan hold two villages of one name)."""
    names, codes = list(names), list(codes)
    counts = Counter(names)
    return [f"{name} ({code})" if counts[name] > 1 else name for name, code in zip(names, codes)]


def read_registry_archive(path: Path, top_dir: str) -> pd.DataFrame:
    """Registry table from the ``cahyadsn/wilayah`` archive (wilayah, penduduk, luas).

    Columns: code (index), name, level, parent, kind, population,
    population_male, population_female (persons, provinces and kabupaten/kota
    only; NaN below), area_km2 (km², provinces and kabupaten/kota only).
    """
    texts = {}
    with tarfile.open(path, "r:gz") as tar:
        for stem in ("wilayah", "wilayah_penduduk", "wilayah_luas"):
            member = tar.extractfile(f"{top_dir}/db/{stem}.sql")
            texts[stem] = member.read().decode("utf-8")
    rows = sqldump.code_name_rows(texts["wilayah"], "wilayah")
    df = pd.DataFrame(rows, columns=["code", "name"])
    if df["code"].duplicated().any():
        dup = df.loc[df["code"].duplicated(), "code"].tolist()[:5]
        raise ValueError(f"duplicate codes in wilayah.sql: {dup}")
    nation = pd.DataFrame([{"code": NATION_CODE, "name": "Indonesia"}])
    df = pd.concat([nation, df], ignore_index=True)
    df["level"] = [int(level_of(c)) for c in df["code"]]
    df["parent"] = [parent_of(c) or "" for c in df["code"]]
    df["kind"] = [kind_of(c, n) for c, n in zip(df["code"], df["name"])]
    df = df.set_index("code")

    pop = {
        (NATION_CODE if code == "0" else code): nums
        for code, _, nums in sqldump.code_number_rows(texts["wilayah_penduduk"], "wilayah_penduduk")
    }
    df["population_male"] = pd.Series({c: v[0] for c, v in pop.items()}, dtype="float64")
    df["population_female"] = pd.Series({c: v[1] for c, v in pop.items()}, dtype="float64")
    df["population"] = pd.Series({c: v[2] for c, v in pop.items()}, dtype="float64")
    area = {code: nums[0] for code, _, nums in sqldump.code_number_rows(texts["wilayah_luas"], "wilayah_luas")}
    df["area_km2"] = pd.Series(area, dtype="float64")
    return df


@dataclass(frozen=True)
class SearchHit:
    code: str
    name: str
    level: Level
    kind: str
    path: str  # "Nusa Tenggara Timur › Timor Tengah Selatan"


class Registry:
    """All regions of Kepmendagri No 300.2.2-2430 Tahun 2025 and their hierarchy."""

    def __init__(self, table: pd.DataFrame):
        self.table = table
        self._children = {
            parent: group.index.tolist()
            for parent, group in table.groupby("parent", sort=True)
            if parent != ""
        }

    @classmethod
    def load(cls, path: Path) -> "Registry":
        return cls(pd.read_parquet(path))

    def __len__(self) -> int:
        return len(self.table) - 1  # the nation is not a region of the registry

    def __contains__(self, code: str) -> bool:
        return code in self.table.index

    def require(self, value) -> str:
        """Canonical code of ``value``, which must be in the registry.

        Raises :class:`InvalidRegionCode` for malformed values and
        :class:`UnknownRegionCode` (with the closest codes) for unknown ones.
        """
        code = normalize_code(value)
        if code not in self.table.index:
            raise UnknownRegionCode(
                "error.unknown_code", value=str(value)[:60], suggestions=", ".join(self.closest_codes(code))
            )
        return code

    def closest_codes(self, code: str, n: int = 3) -> list[str]:
        """Registry codes most like ``code`` (same parent first)."""
        pool = self.children(parent_of(code)) if parent_of(code) in self.table.index else []
        pool = pool or self.table.index[self.table["level"] == level_of(code)].tolist()
        return difflib.get_close_matches(code, pool, n=n, cutoff=0.5)

    def name(self, code: str) -> str:
        return self.table.at[code, "name"]

    def short_name(self, code: str) -> str:
        """Name without the ``Kabupaten``/``Kota`` prefix where the kind says it."""
        name = self.name(code)
        return re.sub(r"^(Kabupaten|Kab\.)\s+", "", name)

    def level(self, code: str) -> Level:
        return Level(int(self.table.at[code, "level"]))

    def kind(self, code: str) -> str:
        return self.table.at[code, "kind"]

    def parent(self, code: str) -> str | None:
        return parent_of(code)

    def ancestors(self, code: str) -> list[str]:
        return ancestors_of(code)

    def children(self, code: str) -> list[str]:
        return self._children.get(code, [])

    def descendants(self, code: str, level: Level) -> list[str]:
        """Codes at ``level`` inside ``code`` (the whole country for ``ID``)."""
        codes = self.codes_at(level)
        if code == NATION_CODE:
            return codes
        prefix = code + "."
        return [c for c in codes if c.startswith(prefix)]

    def codes_at(self, level: Level) -> list[str]:
        return self.table.index[self.table["level"] == int(level)].tolist()

    def counts(self) -> dict[str, int]:
        """Number of regions per level key (prov, kab, kec, desa)."""
        vc = self.table["level"].value_counts()
        return {Level(lv).key: int(vc.get(int(lv), 0)) for lv in Level if lv != Level.NATION}

    def path_label(self, code: str, sep: str = " › ") -> str:
        return sep.join(self.name(c) for c in [*ancestors_of(code)[1:], code])

    @cached_property
    def _folded(self) -> pd.Series:
        return self.table["name"].map(name_key)

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        """Regions whose name or code matches ``query`` (case- and accent-insensitive).

        Exact names rank first, then names starting with the query, then any
        name containing all its words; within a rank, higher levels first.
        A query that is a code (dotted or not) returns that region.
        """
        query = (query or "").strip()
        if not query:
            return []
        try:
            code = normalize_code(query)
        except InvalidRegionCode:
            code = None
        if code and code in self.table.index:
            return [self._hit(code)]
        q = name_key(query)
        if not q:
            return []
        folded = self._folded
        words = q.split()
        mask = folded.str.contains(words[0], regex=False)
        for w in words[1:]:
            mask &= folded.str.contains(w, regex=False)
        cand = folded[mask]
        if cand.empty:
            return []
        rank = (cand != q).astype(int) + (~cand.str.startswith(q)).astype(int) + (~cand.str.contains(q, regex=False)).astype(int)
        order = pd.DataFrame(
            {"rank": rank.to_numpy(), "level": self.table.loc[cand.index, "level"].to_numpy(), "code": cand.index.to_numpy()}
        )
        order = order.sort_values(["rank", "level", "code"]).head(limit)
        return [self._hit(c) for c in order["code"]]

    def _hit(self, code: str) -> SearchHit:
        return SearchHit(code, self.name(code), self.level(code), self.kind(code), self.path_label(code))
