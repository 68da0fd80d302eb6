"""The BKBK model: Jambi's provincial special grant to villages, applied to any region.

Jambi's BKBK (*Bantuan Keuangan Bersifat Khusus*, Pergub Jambi 16/2022, "Dumisake") gives every
desa and kelurahan a grant, a share of which pays the BPJS Ketenagakerjaan contributions (JKK + JKM)
of a quota of workers per village: 50 extreme-poor people in 2022, 50 extreme-poor + 25 vulnerable
workers from 2023. Its figures are named below (:data:`JAMBI`, :data:`REPORTED`) with their sources
and dates, as collected in the project's domain primer (``../shared/docs/DOMAIN.md``).

:func:`apply` runs the model on the villages of any region (a province, as the Ministry asks, or a
kabupaten, or the nation): in each village it enrols at most the quota of each group, out of the
workers not yet covered, so that

- a village with **fewer** eligible workers than the quota leaves places (and money) unused:
  *over-served* in budget terms;
- a village with **more** leaves eligible workers out: *under-served*;
- a village without the figures the quota needs is *no data*, never 0 workers or Rp0.

The extreme poor are counted among the vulnerable workers (DTSEN's bottom 40% holds its bottom decile;
its note "plan.bkbk.note.assumption"): the vulnerable quota is filled from the uncovered vulnerable workers not already
enrolled under the extreme-poor quota, so nobody is counted twice. The province pays the package for
every worker enrolled, 12 months a year. No Streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ucj_dash.analysis import cost
from ucj_dash.analysis.settings import Setting, Settings
from ucj_dash.datasets.dataset import PAIR_BY_KEY
from ucj_dash.datasets.figures import Figures
from ucj_dash.errors import UserError
from ucj_dash.geography.regions import NATION_CODE, Level, Registry
from ucj_dash.text import fmt
from ucj_dash.text.i18n import t
from ucj_dash.views import mapview

#: where Jambi's figures were reported (the domain primer's funding section; it does not split the figures by source)
JAMBI_SOURCES = ("jambi.antaranews.com/berita/575634; jektvnews.disway.id/read/11187; jambi.wahananews.co; "
                 "jambiindependent.disway.id/read/701310")

#: Jambi's BKBK as the model's defaults, each with its source and date
JAMBI: dict[str, Setting] = {
    s.key.removeprefix("bkbk_"): s
    for s in (
        Setting("bkbk_grant_per_village_rp", 100_000_000, "Rp/desa/tahun",
                "Pergub Jambi 16/2022 (BKBK \"Dumisake\"): bantuan keuangan bersifat khusus provinsi per desa/kelurahan; "
                + JAMBI_SOURCES, "2022"),
        Setting("bkbk_contribution_share_pct", 10, "% hibah",
                "Pergub Jambi 16/2022: 10% BKBK untuk iuran BPJS Ketenagakerjaan (JKK + JKM, Rp16.800/bulan); " + JAMBI_SOURCES,
                "2022"),
        Setting("bkbk_quota_extreme_poor", 50, "orang/desa",
                "Kuota BKBK Jambi per desa/kelurahan: 50 penduduk miskin ekstrem (2022); 50 miskin ekstrem + 25 pekerja rentan "
                "(2023); " + JAMBI_SOURCES, "2023"),
        Setting("bkbk_quota_vulnerable", 25, "orang/desa",
                "Kuota BKBK Jambi per desa/kelurahan sejak 2023: 25 pekerja rentan (di samping 50 miskin ekstrem); " + JAMBI_SOURCES,
                "2023"),
        Setting("bkbk_villages", 1_562, "desa/kelurahan",
                "Desa/kelurahan penerima BKBK Jambi 2022-2023 (78.100 = 1.562 × 50); Kepmendagri No 300.2.2-2430 Tahun 2025 "
                "mencatat 1.585 desa/kelurahan di Provinsi Jambi; " + JAMBI_SOURCES, "2023"),
    )
}
GRANT_PER_VILLAGE_RP = int(JAMBI["grant_per_village_rp"].value)
CONTRIBUTION_SHARE_PCT = float(JAMBI["contribution_share_pct"].value)
QUOTA_EXTREME_POOR = int(JAMBI["quota_extreme_poor"].value)
QUOTA_VULNERABLE = int(JAMBI["quota_vulnerable"].value)
#: how the preset names the village budget it checks the per-village burden against
GRANT_SOURCE_TEXT = "BKBK Jambi: Rp100 juta per desa/kelurahan per tahun (Pergub Jambi 16/2022)"

#: what Jambi reported (persons, rupiah a year), to set beside the model's figures
REPORTED: tuple[dict, ...] = (
    {"year": 2022, "rule": "50 miskin ekstrem / extreme-poor", "quota_workers": 78_100, "rupiah": 15_400_000_000,
     "protected": None, "source": JAMBI_SOURCES},
    {"year": 2023, "rule": "50 + 25", "quota_workers": 117_150, "rupiah": 22_680_000_000,
     "protected": {"total": 112_538, "extreme_poor": 74_617, "vulnerable": 37_921}, "source": JAMBI_SOURCES},
    {"year": 2024, "rule": "50 + 25 (target)", "quota_workers": 118_875, "rupiah": 23_960_000_000, "protected": None,
     "source": JAMBI_SOURCES},
)
#: villages that receive BKBK (Pergub Jambi 16/2022: desa and kelurahan alike)
KINDS = ("desa", "kelurahan")
STATUSES = ("under", "over", "exact", "no_data")
MONTHS = cost.MONTHS_PER_YEAR

_EP = PAIR_BY_KEY["extreme_poor_workers"]
_VUL = PAIR_BY_KEY["vulnerable"]
_UCJ = PAIR_BY_KEY["ucj"]


def default_quota() -> dict:
    """Jambi's quotas, grant and share as keyword arguments of :func:`apply`."""
    return {"quota_extreme_poor": QUOTA_EXTREME_POOR, "quota_vulnerable": QUOTA_VULNERABLE,
            "grant_rp": GRANT_PER_VILLAGE_RP, "grant_share_pct": CONTRIBUTION_SHARE_PCT}


@dataclass
class Model:
    """The BKBK model on one region's villages: persons, rupiah a year, shares in %.

    ``workers``, ``cost_rupiah`` and the gap figures are None when no village has the figures.
    ``villages`` has one row per desa/kelurahan, ``kabupaten`` one per kabupaten/kota (see :func:`apply`).
    """

    inputs: dict
    provenance: dict
    rate_year_rupiah: float
    villages: pd.DataFrame
    kabupaten: pd.DataFrame
    n_villages: int
    n_with_data: int
    places: int
    workers: int | None
    workers_extreme_poor: int | None
    workers_vulnerable: int | None
    cost_rupiah: int | None
    grant_total_rupiah: int
    earmark_rupiah: int
    earmark_per_village_rupiah: int
    quota_cost_per_village_rupiah: int
    unused_places: int | None
    left_out: int | None
    status_counts: dict[str, int]
    gap: dict[str, dict | None]
    coverage_now_pct: float | None
    coverage_after_pct: float | None
    notes: list[dict] = field(default_factory=list)

    @property
    def n_no_data(self) -> int:
        return self.n_villages - self.n_with_data

    def to_json(self) -> dict:
        """Everything but the per-village table, as plain JSON (the kabupaten table as a list of records)."""
        out = {k: getattr(self, k) for k in (
            "inputs", "provenance", "rate_year_rupiah", "n_villages", "n_with_data", "places", "workers", "workers_extreme_poor",
            "workers_vulnerable", "cost_rupiah", "grant_total_rupiah", "earmark_rupiah", "earmark_per_village_rupiah",
            "quota_cost_per_village_rupiah", "unused_places", "left_out", "status_counts", "gap", "coverage_now_pct",
            "coverage_after_pct", "notes")}
        out["kabupaten"] = _records(self.kabupaten)
        return out


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON records: NaN → None, whole floats → int."""
    def plain(v):
        if isinstance(v, (float, np.floating)):
            return None if np.isnan(v) else (int(v) if float(v).is_integer() else float(v))
        if isinstance(v, np.integer):
            return int(v)
        return v
    return [{k: plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _check(quota_extreme_poor, quota_vulnerable, grant_rp, grant_share_pct) -> tuple[int, int, int, float]:
    """The model's inputs, or a :class:`UserError` naming the field."""
    def number(value, name):
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise UserError("plan.error.not_a_number", field=name, value=str(value)[:40]) from None
        if not np.isfinite(v):
            raise UserError("plan.error.not_a_number", field=name, value=str(value)[:40])
        if v < 0:
            raise UserError("plan.error.negative", field=name, value=str(value)[:40])
        return v

    q_ep, q_vul = number(quota_extreme_poor, "bkbk.quota_extreme_poor"), number(quota_vulnerable, "bkbk.quota_vulnerable")
    for v, name in ((q_ep, "bkbk.quota_extreme_poor"), (q_vul, "bkbk.quota_vulnerable")):
        if not v.is_integer():
            raise UserError("plan.error.not_whole", field=name, value=str(v)[:40])
    grant = number(grant_rp, "bkbk.grant")
    share = number(grant_share_pct, "bkbk.grant_share")
    if share > 100:
        raise UserError("plan.error.share_over_100", field="bkbk.grant_share", value=str(grant_share_pct)[:40])
    return int(q_ep), int(q_vul), round(grant), share


def villages_of(registry: Registry, code: str) -> list[str]:
    """The desa and kelurahan of region ``code`` (itself when it is one)."""
    codes = [code] if code != NATION_CODE and registry.level(code) == Level.VILLAGE else registry.descendants(code, Level.VILLAGE)
    kinds = registry.table.loc[codes, "kind"] if codes else pd.Series(dtype=str)
    return [c for c, k in zip(codes, kinds) if k in KINDS]


def apply(
    dataset: Figures, registry: Registry, code: str, period: str | None = None, settings: Settings | None = None,
    quota_extreme_poor=QUOTA_EXTREME_POOR, quota_vulnerable=QUOTA_VULNERABLE, grant_rp=GRANT_PER_VILLAGE_RP,
    grant_share_pct=CONTRIBUTION_SHARE_PCT, package: str = "jkk-jkm",
) -> Model:
    """The BKBK model on the desa and kelurahan of region ``code`` (bad inputs raise :class:`UserError` naming the field).

    Per village, with ``ep`` its uncovered extreme-poor workers and ``vul`` its uncovered vulnerable workers
    (the extreme poor among them): ``covered_extreme_poor = min(quota_extreme_poor, ep)``,
    ``covered_vulnerable = min(quota_vulnerable, max(vul − covered_extreme_poor, 0))``; the eligible workers are
    ``max(vul, ep)`` (``ep`` alone with no vulnerable quota, ``vul`` alone with no extreme-poor quota);
    ``left_out = eligible − covered``, ``unused_places = quota − covered``; status "under" when any eligible
    worker is left out, else "over" when places are unused, else "exact"; "no data" when a figure the quotas
    need is missing. The cost is ``covered × package × 12`` rupiah a year; every village receives
    ``grant_rp × grant_share_pct %`` for contributions (the earmark), whatever its data.
    """
    from ucj_dash.analysis.funding import PACKAGES  # funding imports this module

    s = settings or Settings()
    code = registry.require(code)
    if package not in PACKAGES:
        raise UserError("plan.error.package", field="package", value=str(package)[:40], choices=", ".join(PACKAGES))
    period = period or dataset.latest_period
    if period not in dataset.periods:
        raise UserError("plan.error.period", field="period", value=str(period)[:20], periods=", ".join(dataset.periods))
    q_ep, q_vul, grant, share = _check(quota_extreme_poor, quota_vulnerable, grant_rp, grant_share_pct)
    rate_year = cost.per_worker_monthly_rp(s, PACKAGES[package]) * MONTHS
    earmark = round(grant * share / 100)

    codes = villages_of(registry, code)
    rows = mapview.indicator_rows(dataset, codes, period, s) if codes else pd.DataFrame(
        columns=["uncovered_extreme_poor_workers", "uncovered_vulnerable_workers"], dtype="float64")
    ep = rows["uncovered_extreme_poor_workers"].to_numpy(dtype="float64")
    vul = rows["uncovered_vulnerable_workers"].to_numpy(dtype="float64")
    need_ep, need_vul = q_ep > 0, q_vul > 0
    missing = [
        ", ".join(([_EP.whole, _EP.part] if need_ep and np.isnan(e) else []) + ([_VUL.whole, _VUL.part] if need_vul and np.isnan(v) else []))
        for e, v in zip(ep, vul)
    ]
    has = np.array([m == "" for m in missing], dtype=bool)
    ep0 = np.where(need_ep, np.nan_to_num(ep), 0.0)
    vul0 = np.where(need_vul, np.nan_to_num(vul), 0.0)
    cov_ep = np.minimum(q_ep, ep0)
    cov_vul = np.minimum(q_vul, np.maximum(vul0 - cov_ep, 0.0))
    eligible = np.maximum(vul0, ep0) if need_ep and need_vul else (ep0 if need_ep else vul0)
    covered = cov_ep + cov_vul
    left_out = eligible - covered
    unused = (q_ep + q_vul) - covered
    status = np.where(~has, "no_data", np.where(left_out > 0, "under", np.where(unused > 0, "over", "exact")))
    cost_v = np.round(covered * rate_year)
    nan = np.where(has, 1.0, np.nan)  # figures of villages without data are missing, not 0
    names = registry.table.loc[codes, ["name", "kind"]] if codes else pd.DataFrame(columns=["name", "kind"])
    table = pd.DataFrame({
        "code": codes,
        "name": names["name"].to_numpy(dtype=object),
        "kind": names["kind"].to_numpy(dtype=object),
        "kabupaten": [c[:5] for c in codes],
        "eligible_extreme_poor": (ep0 if need_ep else ep) * nan,
        "eligible_vulnerable": (vul0 if need_vul else vul) * nan,
        "eligible": eligible * nan,
        "covered_extreme_poor": cov_ep * nan,
        "covered_vulnerable": cov_vul * nan,
        "covered": covered * nan,
        "left_out": left_out * nan,
        "unused_places": unused * nan,
        "cost_rupiah": cost_v * nan,
        "earmark_rupiah": float(earmark),
        "balance_rupiah": (earmark - cost_v) * nan,
        "status": status,
        "missing": missing,
    })
    kab = sorted(set(table["kabupaten"]))
    table["kabupaten_name"] = table["kabupaten"].map(dict(zip(kab, registry.table.loc[kab, "name"]))) if kab else []
    with_data = table[has]
    n_with = int(has.sum())
    total = lambda col: int(with_data[col].sum()) if n_with else None  # noqa: E731

    region = mapview.region_row(dataset, code, period, s)
    workers = total("covered")
    gap = {
        "extreme_poor": _gap(total("eligible_extreme_poor") if need_ep else None, total("covered_extreme_poor") if need_ep else None),
        "vulnerable": _gap(total("eligible"), workers),
        "target": _gap(None if pd.isna(region["gap_to_target_workers"]) else int(np.ceil(region["gap_to_target_workers"] - 1e-9)),
                       workers),
    }
    part, whole = region[_UCJ.column("part")], region[_UCJ.column("whole")]
    now = float(part) / float(whole) * 100 if pd.notna(whole) and whole > 0 and pd.notna(part) else None
    after = (float(part) + workers) / float(whole) * 100 if now is not None and workers is not None else None
    counts = {k: int((status == k).sum()) for k in STATUSES}

    quota_cost = round((q_ep + q_vul) * rate_year)
    inputs = {"region": code, "region_name": registry.name(code), "period": period, "package": package,
              "quota_extreme_poor": q_ep, "quota_vulnerable": q_vul, "grant_rp": grant, "grant_share_pct": share}
    provenance = {"composition": dataset.meta.id, "simulated": bool(dataset.meta.simulated), "period": period,
                  "text": {lang: {key: dataset.rate_provenance(PAIR_BY_KEY[key], period, lang)
                                  for key in ("extreme_poor_workers", "vulnerable", "ucj")} for lang in ("id", "en")},
                  "jambi": {k: {"value": v.value, "unit": v.unit, "source": v.source, "as_of": v.as_of} for k, v in JAMBI.items()}}
    model = Model(
        inputs, provenance, rate_year, table, kabupaten_table(table), len(codes), n_with, len(codes) * (q_ep + q_vul),
        workers, total("covered_extreme_poor"), total("covered_vulnerable"), total("cost_rupiah"),
        len(codes) * grant, len(codes) * earmark, earmark, quota_cost, total("unused_places"), total("left_out"),
        counts, gap, now, after,
    )
    _add_notes(model, dataset, registry, code, period)
    return model


def _gap(gap: int | None, closed: int | None) -> dict | None:
    """How much of a gap (persons) the model closes; None when either is unknown."""
    if gap is None or closed is None:
        return None
    return {"gap": int(gap), "closed": int(closed), "share_pct": closed / gap * 100 if gap > 0 else None}


def kabupaten_table(villages: pd.DataFrame) -> pd.DataFrame:
    """One row per kabupaten/kota of the model's villages: villages (all, with data, per status), persons
    (eligible, covered, left out, unused places), rupiah a year (cost, earmark, balance) and the share of the
    eligible covered (%). Sums run over the villages with data; no village with data gives NaN, not 0."""
    columns = ["code", "name", "villages", "villages_with_data", "under", "over", "exact", "no_data", "eligible", "covered",
               "left_out", "unused_places", "cost_rupiah", "earmark_rupiah", "balance_rupiah", "covered_pct"]
    if villages.empty:
        return pd.DataFrame(columns=columns)
    groups = villages.groupby("kabupaten", sort=True)
    out = pd.DataFrame({
        "code": list(groups.groups),
        "name": groups["kabupaten_name"].first().to_numpy(),
        "villages": groups.size().to_numpy(),
        "villages_with_data": groups["status"].apply(lambda s: int((s != "no_data").sum())).to_numpy(),
    })
    for status in STATUSES:
        out[status] = groups["status"].apply(lambda s, k=status: int((s == k).sum())).to_numpy()
    for column in ("eligible", "covered", "left_out", "unused_places", "cost_rupiah", "balance_rupiah"):
        out[column] = groups[column].sum(min_count=1).to_numpy()
    out["earmark_rupiah"] = groups["earmark_rupiah"].sum().to_numpy()
    out["covered_pct"] = (out["covered"] / out["eligible"].where(out["eligible"] > 0) * 100).astype("float64")
    return out[columns].sort_values(["left_out", "code"], ascending=[False, True], na_position="last").reset_index(drop=True)


def _add_notes(model: Model, dataset: Figures, registry: Registry, code: str, period: str) -> None:
    """What the figures need said beside them, in both languages (key, parameters, text per language)."""

    def note(key: str, render=lambda lang: {}, **params) -> None:
        model.notes.append({"key": key, "params": params, **{lang: t(key, lang, **render(lang)) for lang in ("id", "en")}})

    inputs = model.inputs
    if model.n_villages == 0:
        note("plan.bkbk.note.no_villages")
        return
    if model.quota_cost_per_village_rupiah > model.earmark_per_village_rupiah:
        quota = inputs["quota_extreme_poor"] + inputs["quota_vulnerable"]
        note("plan.bkbk.note.quota_over_earmark", lambda lang: {
            "quota": fmt.number(quota, lang), "quota_cost": fmt.rupiah(model.quota_cost_per_village_rupiah, lang, compact=False),
            "earmark": fmt.rupiah(model.earmark_per_village_rupiah, lang, compact=False),
            "share": fmt.percent(inputs["grant_share_pct"], lang, 0 if float(inputs["grant_share_pct"]).is_integer() else 2),
            "grant": fmt.rupiah(inputs["grant_rp"], lang, compact=False)},
            quota=quota, quota_cost_rupiah=model.quota_cost_per_village_rupiah, earmark_rupiah=model.earmark_per_village_rupiah)
    if model.n_no_data:
        note("plan.bkbk.note.no_data", lambda lang: {"n": model.n_no_data, "total": fmt.number(model.n_villages, lang)},
             n=model.n_no_data)
    if inputs["quota_extreme_poor"] > 0 and inputs["quota_vulnerable"] > 0:
        note("plan.bkbk.note.assumption")
