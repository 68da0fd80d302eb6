"""The stored datasets as the data page lists them: provenance, which one is active, which may be deleted.

:class:`Catalog` is read from :mod:`ucj_dash.datasets.store`; :func:`import_preview`
says what a checked file would add before it is stored.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ucj_dash.datasets import store
from ucj_dash.datasets.dataset import DatasetMeta
from ucj_dash.geography.regions import level_of
from ucj_dash.text.i18n import t


@dataclass(frozen=True)
class Catalog:
    """The stored datasets (the demo first, as :func:`store.list_datasets` gives them) and the active one's id."""

    metas: tuple[DatasetMeta, ...]
    active: str

    @classmethod
    def read(cls, active: str) -> "Catalog":
        return cls(tuple(store.list_datasets()), active)

    @property
    def ids(self) -> list[str]:
        return [m.id for m in self.metas]

    @property
    def active_index(self) -> int:
        """Position of the active dataset in :attr:`ids` (0 when it is not stored, e.g. just deleted)."""
        return self.ids.index(self.active) if self.active in self.ids else 0

    @property
    def deletable(self) -> list[str]:
        """Ids that may be deleted: every dataset but the demo."""
        return [i for i in self.ids if i != store.DEMO_ID]

    def name(self, dataset_id: str) -> str:
        return next(m.name for m in self.metas if m.id == dataset_id)

    def label(self, dataset_id: str) -> str:
        """"Name (id)", as pickers show a dataset."""
        return f"{self.name(dataset_id)} ({dataset_id})"

    def table(self, lang: str) -> pd.DataFrame:
        """One row per dataset with localised headers: active mark, name, simulated or imported, source, as of,
        upload time (UTC, to the minute), file, its SHA-256 (first 16 hex), rows imported / read, periods,
        levels and id. Provenance a dataset lacks (the demo has no upload) is an empty cell."""
        rows = []
        for m in self.metas:
            x = m.extra
            rows.append({
                t("data.col.active", lang): "●" if m.id == self.active else "",
                t("data.col.name", lang): m.name,
                t("data.col.kind", lang): t("data.kind.simulated", lang) if m.simulated else t("data.kind.imported", lang),
                t("data.col.source", lang): m.source,
                t("data.col.as_of", lang): m.as_of,
                t("data.col.uploaded_at", lang): (x.get("uploaded_at") or m.created_at or "")[:16].replace("T", " "),
                t("data.col.file", lang): x.get("file_name", ""),
                t("data.col.sha256", lang): x.get("file_sha256", "")[:16],
                t("data.col.rows", lang): f"{x['rows_imported']} / {x['rows_read']}" if "rows_read" in x else "",
                t("data.col.periods", lang): ", ".join(x.get("periods", [])),
                t("data.col.levels", lang): ", ".join(t("level." + k, lang) for k in x.get("levels", [])),
                t("data.col.id", lang): m.id,
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
