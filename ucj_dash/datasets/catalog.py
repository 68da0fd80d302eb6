"""The stored datasets as the data page lists them: provenance, versions, which give each group of
figures by default, which may be deleted.

:class:`Catalog` is read from :mod:`ucj_dash.datasets.store`; :func:`versions_table` lists a
dataset's history; :func:`import_preview` says what a checked file would add before it is stored.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ucj_dash.datasets import store
from ucj_dash.datasets.composition import Composition, offers
from ucj_dash.errors import UserError
from ucj_dash.geography.regions import Level, level_of
from ucj_dash.text.i18n import t


@dataclass(frozen=True)
class Catalog:
    """The stored datasets (the built-in sources first, as :func:`store.list_datasets` gives them) at their
    current versions, and the default composition (which dataset gives each group of figures)."""

    datasets: tuple[store.Dataset, ...]
    default: Composition

    @classmethod
    def read(cls, default: Composition) -> "Catalog":
        found = []
        for meta in store.list_datasets():
            try:
                found.append(store.load(meta.id))
            except (OSError, ValueError, UserError):
                continue
        return cls(tuple(found), default)

    @property
    def ids(self) -> list[str]:
        return [d.meta.id for d in self.datasets]

    @property
    def deletable(self) -> list[str]:
        """Ids that may be deleted or take new periods: every dataset but the built-in simulated sources."""
        return [i for i in self.ids if not store.is_demo(i)]

    def dataset(self, dataset_id: str) -> store.Dataset:
        return next(d for d in self.datasets if d.meta.id == dataset_id)

    def name(self, dataset_id: str) -> str:
        return self.dataset(dataset_id).meta.name

    def label(self, dataset_id: str) -> str:
        """"Name (id)", as pickers show a dataset."""
        return f"{self.name(dataset_id)} ({dataset_id})"

    def offering(self, group: str) -> list[str]:
        """Ids of the datasets that hold any count of ``group``."""
        return [d.meta.id for d in self.datasets if offers(d, group)]

    def table(self, lang: str) -> pd.DataFrame:
        """One row per dataset with localised headers: the groups it gives by default, name, simulated or
        imported, source, as of (the latest period's, as its uploader stated), current version, periods, levels, last upload (UTC, to the minute), file and its
        SHA-256 (first 16 hex), rows imported / read, id. What a dataset lacks is an empty cell."""
        rows = []
        for d in self.datasets:
            m, up = d.meta, d.version.provenance
            entries = list(d.version.periods.values())
            levels = sorted({lv for e in entries for lv in e.finest.values()})
            rows.append({
                t("data.col.default_for", lang): ", ".join(t("sources.group." + g, lang) for g, i in self.default.sources if i == m.id),
                t("data.col.name", lang): m.name,
                t("data.col.kind", lang): t("data.kind.simulated", lang) if m.simulated else t("data.kind.imported", lang),
                t("data.col.source", lang): m.source,
                t("data.col.as_of", lang): d.entry(d.latest_period).as_of if d.periods else "",
                t("data.col.version", lang): d.version.number,
                t("data.col.periods", lang): ", ".join(d.periods),
                t("data.col.levels", lang): ", ".join(t("level." + Level(lv).key, lang) for lv in levels),
                t("data.col.uploaded_at", lang): (up.get("uploaded_at") or m.created_at or "")[:16].replace("T", " "),
                t("data.col.file", lang): up.get("file_name", ""),
                t("data.col.sha256", lang): up.get("file_sha256", "")[:16],
                t("data.col.rows", lang): f"{up['rows_imported']} / {up['rows_read']}" if "rows_read" in up else "",
                t("data.col.id", lang): m.id,
            })
        return pd.DataFrame(rows)


def versions_table(dataset_id: str, lang: str) -> pd.DataFrame:
    """Every version of a dataset, newest first, with localised headers: number (● current), what made it
    (import, append, rollback to n), when (UTC), its periods, the file it came from and its SHA-256 (first 16 hex)."""
    current = store.current_version_number(dataset_id)
    rows = []
    for v in reversed(store.versions(dataset_id)):
        up = v.provenance
        action = t("data.action." + v.action, lang, n=up.get("from_version", ""))
        rows.append({
            t("data.col.version", lang): f"{'● ' if v.number == current else ''}{v.number}",
            t("data.col.action", lang): action,
            t("data.col.uploaded_at", lang): v.created_at[:16].replace("T", " "),
            t("data.col.periods", lang): ", ".join(sorted(v.periods)),
            t("data.col.file", lang): up.get("file_name", ""),
            t("data.col.sha256", lang): up.get("file_sha256", "")[:16],
        })
    return pd.DataFrame(rows)


def import_preview(figures: pd.DataFrame, rows_imported: int, lang: str) -> str:
    """What a checked file would store: rows, regions, their levels (top down) and periods (oldest first)."""
    levels = sorted({level_of(c) for c in figures["region_code"]})
    return t(
        "data.preview", lang, rows=t("data.preview.rows", lang, n=rows_imported),
        regions=t("data.preview.regions", lang, n=figures["region_code"].nunique()),
        levels=", ".join(t("level." + lv.key, lang) for lv in levels),
        periods=", ".join(sorted(figures["period"].unique())),
    )
