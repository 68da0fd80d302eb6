"""Compositions: which stored dataset provides each group of counts.

Real figures come from several agencies (BPJS Ketenagakerjaan participants by
village each month, BPS Sakernas employed workers by kabupaten each year, BPS
extreme poverty, DTSEN, village officials from Kemendagri / Dinas PMD). A
composition names one stored dataset per indicator group; each count column is
taken from its group's dataset (no data where that dataset lacks it).

The admin's default composition is stored in ``data/composition.json``, or with a
shared store (``UCJ_STORE_URL``) in its table ``default_composition``; a session may switch a group's source, and the choice travels in the URL as
``src=p:<id>,w:<id>,...`` (one short letter per group).
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass

from ucj_dash.database import changes, connection, pool
from ucj_dash.datasets import store
from ucj_dash.errors import UserError
from ucj_dash.paths import data_dir

#: indicator group -> the count columns it provides (every count column is in exactly one group)
GROUPS: dict[str, tuple[str, ...]] = {
    "participants": ("active_participants", "registered_participants", "active_pu", "active_bpu", "active_jakon"),
    "workers": ("employed_workers",),
    "vulnerable": ("vulnerable_workers", "vulnerable_covered", "extreme_poor_workers", "extreme_poor_workers_covered"),
    "poverty": ("population", "extreme_poor_population"),
    "officials": ("village_officials", "village_officials_enrolled"),
}
GROUP_OF = {column: group for group, columns in GROUPS.items() for column in columns}
#: the URL's letter of each group
LETTERS = {"participants": "p", "workers": "w", "vulnerable": "v", "poverty": "x", "officials": "o"}
GROUP_OF_LETTER = {v: k for k, v in LETTERS.items()}
#: the built-in simulated source of each group (:mod:`ucj_dash.datasets.demo`)
DEMO_SOURCES = {
    "participants": "demo-peserta",
    "workers": "demo-sakernas",
    "vulnerable": "demo-peserta",
    "poverty": "demo-kemiskinan",
    "officials": "demo-aparat-desa",
}
DEFAULT_FILE = "composition.json"
QUERY_KEY = "src"


@dataclass(frozen=True)
class Composition:
    """One dataset id (or None: no source) per indicator group, in :data:`GROUPS` order."""

    sources: tuple[tuple[str, str | None], ...]

    @classmethod
    def of(cls, mapping: dict[str, str | None]) -> "Composition":
        return cls(tuple((g, mapping.get(g)) for g in GROUPS))

    def as_dict(self) -> dict[str, str | None]:
        return dict(self.sources)

    def source(self, group: str) -> str | None:
        return self.as_dict().get(group)

    def dataset_ids(self) -> list[str]:
        """The distinct datasets it uses, in group order."""
        return list(dict.fromkeys(i for _, i in self.sources if i))

    def with_source(self, group: str, dataset_id: str | None) -> "Composition":
        return Composition.of({**self.as_dict(), group: dataset_id})

    def to_query(self) -> str:
        """``p:<id>,w:<id>,...`` for the URL (groups without a source left out)."""
        return ",".join(f"{LETTERS[g]}:{i}" for g, i in self.sources if i)


def offers(dataset: store.Dataset, group: str) -> bool:
    """Whether ``dataset`` holds any count of ``group``."""
    return any(c in GROUPS[group] for c in dataset.columns())


def candidates(group: str) -> list[str]:
    """Ids of the stored datasets that hold any count of ``group`` (built-in sources first)."""
    out = []
    for meta in store.list_datasets():
        try:
            if offers(store.load(meta.id), group):
                out.append(meta.id)
        except (OSError, ValueError, UserError):
            continue
    return out


def default_path():
    """Where the admin's default composition is stored."""
    return data_dir() / DEFAULT_FILE


def _stored_default() -> dict:
    if connection.store_url():
        with pool.connection() as conn:
            return dict(conn.execute("SELECT indicator_group, dataset_id FROM default_composition").fetchall())
    try:
        data = json.loads(default_path().read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _usable(dataset_id, group: str) -> bool:
    if not isinstance(dataset_id, str) or not store.exists(dataset_id):
        return False
    try:
        return offers(store.load(dataset_id), group)
    except (OSError, ValueError, UserError):
        return False


def default() -> Composition:
    """The admin's default composition; a group without a stored choice, or whose dataset is gone or
    lacks its counts, falls back to the built-in source, else to any dataset that has them. A group the
    admin stored as ``None`` has no source on purpose (its figures show as "no data")."""
    chosen = _stored_default()
    out = {}
    for group in GROUPS:
        if group in chosen and chosen[group] is None:
            out[group] = None
            continue
        for candidate in (chosen.get(group), DEMO_SOURCES[group]):
            if _usable(candidate, group):
                out[group] = candidate
                break
        else:
            found = candidates(group)
            out[group] = found[0] if found else None
    return Composition.of(out)


def set_default(composition: Composition) -> None:
    """Store ``composition`` as every session's default (atomically); each source must exist and hold its group."""
    for group, dataset_id in composition.sources:
        if dataset_id is not None and not _usable(dataset_id, group):
            raise UserError("composition.error.unusable", id=str(dataset_id)[:70], group=group)
    if connection.store_url():
        with pool.connection() as conn:  # one transaction: every replica sees the old default or the new one
            conn.execute("DELETE FROM default_composition")
            with conn.cursor() as cur:
                cur.executemany("INSERT INTO default_composition (indicator_group, dataset_id) VALUES (%s, %s)",
                                list(composition.sources))
        changes.refresh()
        return
    path = default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{DEFAULT_FILE}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    tmp.write_text(json.dumps(composition.as_dict(), indent=1), encoding="utf-8")
    os.replace(tmp, path)


def default_stamp() -> int:
    """Changes whenever the stored default may have: the default file's time, or the shared store's version
    (bumped by every change to its data)."""
    if connection.store_url():
        return changes.version()
    path = default_path()
    return path.stat().st_mtime_ns if path.exists() else 0


def use_everywhere(dataset_id: str) -> Composition:
    """Make ``dataset_id`` the default source of every group it has counts of; the new default."""
    dataset = store.require(dataset_id)
    current = default()
    for group in GROUPS:
        if offers(dataset, group):
            current = current.with_source(group, dataset_id)
    set_default(current)
    return current


def from_query(value: str | None, base: Composition | None = None) -> tuple[Composition, list[UserError]]:
    """The composition a URL's ``src`` names on top of ``base`` (the default), and a notice for each
    part that had to be ignored: a malformed part, an unknown group, or a dataset that is gone or lacks
    that group's counts (that group keeps the default source)."""
    base = base or default()
    if not value:
        return base, []
    mapping, notices = base.as_dict(), []
    for part in str(value)[:600].split(","):
        letter, _, dataset_id = part.strip().partition(":")
        group = GROUP_OF_LETTER.get(letter)
        if group is None or not dataset_id:
            notices.append(UserError("notice.bad_param", name=QUERY_KEY, value=part[:40]))
        elif not store.exists(dataset_id):
            notices.append(UserError("notice.source_gone", id=dataset_id[:70], fallback=str(base.source(group))))
        elif not _usable(dataset_id, group):
            notices.append(UserError("notice.source_lacks", id=dataset_id[:70], fallback=str(base.source(group))))
        else:
            mapping[group] = dataset_id
    return Composition.of(mapping), notices
