"""Who pays: a funding plan for enrolling a region's uncovered workers over several years.

A plan takes a goal (who to enrol), a contribution package, a range of years,
a phasing of new enrolments and a split over funding sources, and gives per
year the new and cumulative workers (persons), the cost (whole rupiah per
year), the UCJ coverage reached (%) and who pays what (rupiah). Shares that do
not add up to 100% or amounts that do not match the cost are never rescaled:
the difference is reported as unfunded or over-funded. Missing figures give a
plan that says "no data" and which figure is missing, never Rp0. No Streamlit here.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field, replace

import numpy as np
import pandas as pd

from ucj_dash.analysis import bkbk, cost
from ucj_dash.analysis.settings import Settings
from ucj_dash.datasets.dataset import COLUMNS, PAIR_BY_KEY
from ucj_dash.datasets.figures import Figures
from ucj_dash.errors import UserError
from ucj_dash.geography.regions import Level, Registry
from ucj_dash.text import fmt
from ucj_dash.text.i18n import t
from ucj_dash.views import mapview

#: goal → (indicator column of persons to enrol or None: whole − part of the pair, the pair it rests on)
GOALS: dict[str, tuple[str | None, str]] = {
    "extreme-poor": ("uncovered_extreme_poor_workers", "extreme_poor_workers"),
    "vulnerable": ("uncovered_vulnerable_workers", "vulnerable"),
    "officials": (None, "village_officials"),
    "target": ("gap_to_target_workers", "ucj"),
}
#: package → whether the minimum JHT is added to JKK + JKM (price: :func:`cost.per_worker_monthly_rp`)
PACKAGES = {"jkk-jkm": False, "with-jht": True}
SOURCES = ("apbd_prov", "apbd_kab", "apbdes", "bkbk", "csr", "baznas", "other")
PHASINGS = ("all-at-once", "linear")
#: sources paid per village, and the kinds of village that receive them (kelurahan get no Dana Desa;
#: Jambi's BKBK goes to every desa and kelurahan, Pergub Jambi 16/2022)
VILLAGE_SOURCES = {"apbdes": ("desa",), "bkbk": ("desa", "kelurahan")}
MAX_YEARS = 30
MONTHS = cost.MONTHS_PER_YEAR
_LABELS = {c.name: (c.label_id, c.label_en) for c in COLUMNS}


# ------------------------------------------------------------------ inputs


def largest_remainder(total: int, weights: list[float]) -> list[int]:
    """``total`` (whole units) split in proportion to ``weights``: integers adding up to ``total`` exactly.

    Each part gets the floor of its quota; the units left go to the largest
    fractional parts (ties: the earlier part). All-zero weights give zeros.
    """
    wsum = float(sum(weights))
    if total <= 0 or wsum <= 0:
        return [0] * len(weights)
    quotas = [total * w / wsum for w in weights]
    parts = [math.floor(q) for q in quotas]
    left = total - sum(parts)
    for i in sorted(range(len(weights)), key=lambda i: (-(quotas[i] - parts[i]), i))[:left]:
        parts[i] += 1
    return parts


def _number(text, field_name: str) -> float:
    """A non-negative finite number, or a :class:`UserError` naming ``field_name``."""
    try:
        value = float(str(text).strip().replace("_", ""))
    except ValueError:
        raise UserError("plan.error.not_a_number", field=field_name, value=str(text)[:40]) from None
    if not math.isfinite(value):
        raise UserError("plan.error.not_a_number", field=field_name, value=str(text)[:40])
    if value < 0:
        raise UserError("plan.error.negative", field=field_name, value=str(text)[:40])
    return value


def parse_years(text: str) -> list[int]:
    """"2026-2029" → [2026, …, 2029]; "2026" → [2026]. At most :data:`MAX_YEARS` years."""
    m = re.fullmatch(r"\s*(\d{4})\s*(?:[-–]\s*(\d{4})\s*)?", str(text or ""))
    if not m:
        raise UserError("plan.error.years_format", field="years", value=str(text)[:40])
    first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    if last < first:
        raise UserError("plan.error.years_reversed", field="years", value=str(text)[:40])
    if last - first + 1 > MAX_YEARS:
        raise UserError("plan.error.years_too_many", field="years", n=last - first + 1, max=MAX_YEARS)
    return list(range(first, last + 1))


def parse_phasing(text, n_years: int) -> list[float]:
    """Shares (%) of the new enrolments per year: "all-at-once", "linear" or one share per year ("20,30,50")."""
    if isinstance(text, (list, tuple)):
        parts = list(text)
    else:
        text = str(text or "").strip()
        if text == "all-at-once":
            return [100.0] + [0.0] * (n_years - 1)
        if text == "linear":
            return [100.0 / n_years] * n_years
        parts = [p for p in text.split(",")]
    shares = [_number(p, "phasing") for p in parts]
    if len(shares) != n_years:
        raise UserError("plan.error.phasing_count", field="phasing", n=len(shares), years=n_years)
    if any(s > 100 for s in shares):
        raise UserError("plan.error.share_over_100", field="phasing", value=max(shares))
    if not math.isclose(sum(shares), 100.0, abs_tol=1e-6):
        raise UserError("plan.error.phasing_sum", field="phasing", total=round(sum(shares), 6))
    return shares


@dataclass(frozen=True)
class Part:
    """One source's part: a share (%) of each year's cost, or a fixed amount (rupiah per year)."""

    source: str
    share_pct: float | None = None
    amount_rp: int | None = None


def parse_split(text) -> list[Part]:
    """"apbd_prov=30,apbd_kab=40,csr=Rp500.000.000": shares in % (optionally "30%"), amounts with "Rp" (rupiah a year).

    A dict source → value is accepted too (numbers are shares; strings parsed as above).
    """
    items = list(text.items()) if isinstance(text, dict) else [
        tuple(p.split("=", 1)) if "=" in p else (p, None) for p in str(text or "").split(",") if p.strip()
    ]
    parts, seen = [], set()
    for source, value in items:
        source = str(source).strip()
        if source not in SOURCES:
            raise UserError("plan.error.unknown_source", field="split", value=source[:40], choices=", ".join(SOURCES))
        if source in seen:
            raise UserError("plan.error.duplicate_source", field=f"split.{source}")
        seen.add(source)
        if value is None:
            raise UserError("plan.error.not_a_number", field=f"split.{source}", value="")
        raw = str(value).strip()
        if raw.lower().startswith("rp"):
            amount = _number(raw[2:].strip().replace(".", ""), f"split.{source}")
            parts.append(Part(source, amount_rp=round(amount)))
        else:
            share = _number(raw.removesuffix("%"), f"split.{source}")
            if share > 100:
                raise UserError("plan.error.share_over_100", field=f"split.{source}", value=raw[:40])
            parts.append(Part(source, share_pct=share))
    return parts


# ------------------------------------------------------------------ the plan


@dataclass
class YearPlan:
    """One year of a plan: persons, whole rupiah for the year, coverage % (None: no data)."""

    year: int
    new_workers: int
    workers: int  # covered by the plan so far (cumulative persons)
    cost_rupiah: int
    coverage_pct: float | None
    by_source: dict[str, int]
    unfunded_rupiah: int
    overfunded_rupiah: int


@dataclass
class VillageBurden:
    """A source paid per village: its yearly amount (rupiah, the plan's last year) shared by workers to enrol."""

    source: str
    amount_rupiah: int
    villages: list[dict]  # {code, name, kind, workers, burden_rupiah} (None: no data)
    no_data: list[dict]  # {code, name, missing}
    excluded_kinds: dict[str, int]  # e.g. kelurahan (no Dana Desa) → count
    mean_rupiah: float | None
    max_rupiah: int | None
    max_village: str | None
    budget_rupiah: float | None
    budget_source: str | None
    budget_share_pct: float | None
    over_budget: list[dict] | None  # None: no budget given, so no list
    notes: list[dict] = field(default_factory=list)


@dataclass
class Plan:
    """A funding plan and everything it rests on; ``workers_to_enrol`` None means no data (see ``no_data``)."""

    inputs: dict
    provenance: dict
    workers_to_enrol: int | None
    per_worker_monthly_rupiah: float
    cost_total_rupiah: int | None
    by_source: dict[str, int]
    unfunded_rupiah: int | None
    overfunded_rupiah: int | None
    by_year: list[YearPlan]
    no_data: dict | None = None  # {"missing": [columns], "reason": {"id": …, "en": …}}
    burden: dict[str, VillageBurden] = field(default_factory=dict)
    notes: list[dict] = field(default_factory=list)  # {"key", "params", "id", "en"}

    def json_bytes(self) -> bytes:
        """:meth:`to_json` as the file the CLI and the page's download write (UTF-8, indented, a final newline)."""
        return (json.dumps(self.to_json(), indent=1, ensure_ascii=False) + "\n").encode("utf-8")

    def to_json(self) -> dict:
        return {
            "inputs": self.inputs,
            "provenance": self.provenance,
            "workers_to_enrol": self.workers_to_enrol,
            "per_worker_monthly_rupiah": self.per_worker_monthly_rupiah,
            "cost_total_rupiah": self.cost_total_rupiah,
            "by_source": self.by_source,
            "unfunded_rupiah": self.unfunded_rupiah,
            "overfunded_rupiah": self.overfunded_rupiah,
            "by_year": [asdict(y) for y in self.by_year],
            "no_data": self.no_data,
            "burden": {k: asdict(v) for k, v in self.burden.items()},
            "notes": self.notes,
        }


def _note(key: str, render, **params) -> dict:
    """A message for the result: its key and parameters, and ``render(lang)`` in both languages."""
    return {"key": key, "params": params, "id": render("id"), "en": render("en")}


def _rp(value, lang: str) -> str:
    return fmt.rupiah(value, lang, compact=False)


def goal_workers(row: pd.Series, goal: str) -> tuple[int | None, list[str]]:
    """Persons to enrol for ``goal`` in an indicator row, and the count columns that are missing (then None).

    The target gap is rounded up (reaching the target needs whole persons); the others are whole already.
    """
    column, pair_key = GOALS[goal]
    pair = PAIR_BY_KEY[pair_key]
    missing = [c for c in (pair.whole, pair.part) if pd.isna(row[c])]
    if missing or pd.isna(row[pair.column("whole")]):  # no matched sums: both counts are needed for the same regions
        return None, missing or [pair.whole, pair.part]
    if column is None:
        value = max(float(row[pair.column("whole")]) - float(row[pair.column("part")]), 0.0)
    else:
        value = float(row[column])
    return (math.ceil(value - 1e-9) if goal == "target" else round(value)), []


def goal_workers_frame(rows: pd.DataFrame, goal: str) -> tuple[list[int | None], list[list[str]]]:
    """:func:`goal_workers` for every row of an indicator table at once: persons (None: no data) and missing columns."""
    column, pair_key = GOALS[goal]
    pair = PAIR_BY_KEY[pair_key]
    whole_m, part_m = rows[pair.column("whole")].to_numpy(dtype="float64"), rows[pair.column("part")].to_numpy(dtype="float64")
    whole_na, part_na = rows[pair.whole].isna().to_numpy(), rows[pair.part].isna().to_numpy()
    values = np.maximum(whole_m - part_m, 0.0) if column is None else rows[column].to_numpy(dtype="float64")
    workers, missing = [], []
    for value, w_na, p_na, matched_na in zip(values, whole_na, part_na, np.isnan(whole_m)):
        gone = [c for c, na in ((pair.whole, w_na), (pair.part, p_na)) if na]
        if gone or matched_na:
            workers.append(None)
            missing.append(gone or [pair.whole, pair.part])
        else:
            workers.append(math.ceil(value - 1e-9) if goal == "target" else round(value))
            missing.append([])
    return workers, missing


def _missing_text(missing: list[str], lang: str) -> str:
    idx = 0 if lang == "id" else 1
    return t("plan.no_data", lang, figures=", ".join(_LABELS[c][idx] for c in missing))


def plan(
    dataset: Figures,
    registry: Registry,
    code: str,
    goal: str,
    years,
    package: str = "jkk-jkm",
    split="",
    phasing="all-at-once",
    period: str | None = None,
    settings: Settings | None = None,
    village_budget_rp=None,
    village_budget_source: str | None = None,
    budget_share_pct=100.0,
) -> Plan:
    """The plan for region ``code``; bad inputs raise :class:`UserError` naming the field.

    ``years`` "2026-2029" or a list of years; ``split`` see :func:`parse_split`;
    ``phasing`` see :func:`parse_phasing`. A worker enrolled in year k is paid
    for 12 months in year k and every later year of the plan. The per-village
    burden (``apbdes``, ``bkbk``) compares with ``village_budget_rp`` (rupiah
    per village per year, with ``village_budget_source``) × ``budget_share_pct``.
    """
    s = settings or Settings()
    code = registry.require(code)
    if goal not in GOALS:
        raise UserError("plan.error.goal", field="goal", value=str(goal)[:40], choices=", ".join(GOALS))
    if package not in PACKAGES:
        raise UserError("plan.error.package", field="package", value=str(package)[:40], choices=", ".join(PACKAGES))
    period = period or dataset.latest_period
    if period not in dataset.periods:
        raise UserError("plan.error.period", field="period", value=str(period)[:20], periods=", ".join(dataset.periods))
    year_list = list(years) if isinstance(years, (list, tuple, range)) else parse_years(years)
    if not year_list:
        raise UserError("plan.error.years_format", field="years", value="")
    if year_list[0] < int(period[:4]):
        raise UserError("plan.error.year_before_data", field="years", year=year_list[0], period=period)
    shares = parse_phasing(phasing, len(year_list))
    parts = parse_split(split)
    budget = None if village_budget_rp in (None, "") else _number(village_budget_rp, "village_budget")
    if budget is not None and not (village_budget_source or "").strip():
        raise UserError("plan.error.budget_source", field="village_budget_source")
    budget_share = _number(budget_share_pct, "budget_share")
    if budget_share > 100:
        raise UserError("plan.error.share_over_100", field="budget_share", value=budget_share_pct)

    with_jht = PACKAGES[package]
    rate = cost.per_worker_monthly_rp(s, with_jht)
    row = mapview.region_row(dataset, code, period, s)
    workers, missing = goal_workers(row, goal)
    setting_keys = ["jkk_bpu_min_rp", "jkm_bpu_rp", "bpu_min_package_rp"] + (["jht_bpu_min_rp"] if with_jht else [])
    used = {k: {"value": s[k], "unit": s.item(k).unit, "source": s.item(k).source, "as_of": s.item(k).as_of} for k in setting_keys}
    if goal == "target":
        own = s.target_region(code)
        item = s.item("ucj_target_pct")
        used["ucj_target_pct"] = {"value": s.target_for(code), "unit": "%", "region": own,
                                  "source": item.source if own is None else f"region target {own}", "as_of": item.as_of}
    meta, pair = dataset.meta, PAIR_BY_KEY[GOALS[goal][1]]
    sides = {}
    for side, column in (("numerator", pair.part), ("denominator", pair.whole)):
        src = dataset.provenance(column, period)
        sides[side] = None if src is None else {"dataset_id": src.dataset_id, "dataset_name": src.name, "period": src.period,
                                                 "as_of": src.as_of, "simulated": src.simulated}
    inputs = {"region": code, "region_name": registry.name(code), "goal": goal, "package": package,
              "years": [year_list[0], year_list[-1]], "phasing": shares, "split": [asdict(p) for p in parts],
              "period": period, "village_budget_rupiah": budget, "village_budget_source": village_budget_source,
              "budget_share_pct": budget_share}
    provenance = {"composition": meta.id, "figures": sides, "simulated": bool(meta.simulated), "period": period,
                  "text": {lang: dataset.rate_provenance(pair, period, lang) for lang in ("id", "en")}, "settings": used}
    if workers is None:
        return Plan(inputs, provenance, None, rate, None, {}, None, None, [],
                    no_data={"missing": missing, "reason": {lang: _missing_text(missing, lang) for lang in ("id", "en")}})

    new = largest_remainder(workers, shares)
    employed, active = row[PAIR_BY_KEY["ucj"].column("whole")], row[PAIR_BY_KEY["ucj"].column("part")]
    by_year, cumulative = [], 0
    for year, n in zip(year_list, new):
        cumulative += n
        cost_y = round(cumulative * rate * MONTHS)
        coverage = (float(active) + cumulative) / float(employed) * 100 if pd.notna(employed) and pd.notna(active) and employed > 0 else None
        by_source = _allocate(cost_y, parts)
        funded = sum(by_source.values())
        by_year.append(YearPlan(year, n, cumulative, cost_y, coverage, by_source, max(cost_y - funded, 0), max(funded - cost_y, 0)))
    totals = {p.source: sum(y.by_source[p.source] for y in by_year) for p in parts}
    total_cost = sum(y.cost_rupiah for y in by_year)
    unfunded, over = sum(y.unfunded_rupiah for y in by_year), sum(y.overfunded_rupiah for y in by_year)
    result = Plan(inputs, provenance, workers, rate, total_cost, totals, unfunded, over, by_year)
    if unfunded:
        result.notes.append(_note("plan.note.unfunded", lambda lang: t("plan.note.unfunded", lang, rupiah=_rp(unfunded, lang)),
                                  rupiah=unfunded))
    if over:
        result.notes.append(_note("plan.note.overfunded", lambda lang: t("plan.note.overfunded", lang, rupiah=_rp(over, lang)),
                                  rupiah=over))
    for p in parts:
        if p.source in VILLAGE_SOURCES:
            result.burden[p.source] = village_burden(
                dataset, registry, code, period, goal, s, p.source, by_year[-1].by_source[p.source],
                budget, village_budget_source, budget_share)
    return result


def _allocate(cost_y: int, parts: list[Part]) -> dict[str, int]:
    """Rupiah per source for one year: shares of ``cost_y`` (whole rupiah adding up to the shares' total, largest
    remainder), fixed amounts as given. Nothing is rescaled."""
    shared = [p for p in parts if p.share_pct is not None]
    share_total = sum(p.share_pct for p in shared)
    amounts = largest_remainder(round(cost_y * share_total / 100), [p.share_pct for p in shared])
    out = {p.source: a for p, a in zip(shared, amounts)}
    out.update({p.source: p.amount_rp for p in parts if p.amount_rp is not None})
    return {p.source: out[p.source] for p in parts}


def village_burden(
    dataset: Figures, registry: Registry, code: str, period: str, goal: str, settings: Settings, source: str,
    amount_rp: int, budget_rp: float | None = None, budget_source: str | None = None, budget_share_pct: float = 100.0,
) -> VillageBurden:
    """``amount_rp`` (rupiah a year) of ``source`` shared across the region's villages in proportion to each one's
    workers to enrol for ``goal`` (whole rupiah, largest remainder). Villages without the figure are listed as no
    data and get no share; villages of a kind the source does not pay (kelurahan for APBDes) are left out and counted.
    Over-budget villages (burden > ``budget_rp`` × ``budget_share_pct`` %) only when a budget is given."""
    villages = [code] if registry.level(code) == Level.VILLAGE else registry.descendants(code, Level.VILLAGE)
    kinds = VILLAGE_SOURCES[source]
    kind_of = registry.table.loc[villages, "kind"] if villages else pd.Series(dtype=object)
    paid = kind_of.isin(kinds).to_numpy()
    excluded = {str(k): int(n) for k, n in kind_of[~paid].value_counts(sort=False).items()}
    kept = [v for v, keep in zip(villages, paid) if keep]
    rows = mapview.indicator_rows(dataset, kept, period, settings) if kept else pd.DataFrame()
    counts, missing_of = goal_workers_frame(rows, goal) if kept else ([], [])
    names = registry.table.loc[kept, ["name", "kind"]] if kept else pd.DataFrame(columns=["name", "kind"])
    with_data, no_data, info = [], [], {}
    for v, workers, missing, name, kind in zip(kept, counts, missing_of, names["name"].to_numpy(dtype=object),
                                               names["kind"].to_numpy(dtype=object)):
        info[v] = (name, kind)
        if workers is None:
            no_data.append({"code": v, "name": name, "missing": missing})
        else:
            with_data.append((v, workers))
    shares = largest_remainder(int(amount_rp), [w for _, w in with_data])
    listed = [{"code": v, "name": info[v][0], "kind": info[v][1], "workers": w, "burden_rupiah": b}
              for (v, w), b in zip(with_data, shares)]
    burdens = [x["burden_rupiah"] for x in listed]
    top = max(listed, key=lambda x: x["burden_rupiah"]) if listed else None
    notes = []
    over = None
    if budget_rp is None:
        notes.append(_note("plan.burden.budget_needed", lambda lang: t("plan.burden.budget_needed", lang)))
    else:
        limit = budget_rp * budget_share_pct / 100
        over = [x for x in listed if x["burden_rupiah"] > limit]
    if no_data:
        notes.append(_note("plan.burden.no_data", lambda lang: t("plan.burden.no_data", lang, n=len(no_data)), n=len(no_data)))
    return VillageBurden(source, int(amount_rp), listed, no_data, excluded,
                         sum(burdens) / len(burdens) if burdens else None, top["burden_rupiah"] if top else None,
                         top["code"] if top else None, budget_rp, budget_source if budget_rp is not None else None,
                         budget_share_pct if budget_rp is not None else None, over, notes)


# ------------------------------------------------------------------ the plan in a URL


#: URL parameters of a plan (beside the shared view's region, period, language and sources). Each funding
#: source is its own parameter, named as the source: ``apbd_prov=30`` (a share, %) or ``csr=Rp500000000``
#: (rupiah a year). ``model=bkbk`` adds the BKBK model (:mod:`ucj_dash.analysis.bkbk`) with its parameters.
PLAN_PARAMS = ("goal", "pkg", "years", "phase", *SOURCES, "vbudget", "vbsrc", "bshare", "model", "q_ep", "q_vul", "grant", "gshare")
DEFAULT_GOAL = "extreme-poor"
DEFAULT_PHASING = "linear"
#: first and last year of the default plan: Inpres 8/2025 (extreme poverty 0% by 2026, poverty < 5% by 2029)
DEFAULT_YEARS = (2026, 2029)
MODELS = ("", "bkbk")
MAX_TEXT = 200  # characters kept of a free text (the village budget's source)
#: upper bounds of numbers that would otherwise pass (rupiah a year, persons per village)
MAX_RUPIAH = 10**15
MAX_QUOTA = 100_000


def default_years(period: str | None = None) -> str:
    """The default range of years: 2026–2029, moved on when the data's period is later than 2026."""
    first = max(DEFAULT_YEARS[0], int(period[:4])) if period else DEFAULT_YEARS[0]
    return f"{first}-{first + DEFAULT_YEARS[1] - DEFAULT_YEARS[0]}"


@dataclass(frozen=True)
class PlanInputs:
    """Everything a presenter chooses for a plan, as it travels in the URL (region and period are the view's).

    ``split`` holds (source, value) in :data:`SOURCES` order, the value a share ("30") or an amount
    ("Rp500000000", rupiah a year). ``model`` "bkbk" adds the BKBK model with its quotas (persons per
    village), grant (rupiah per village a year) and the share (%) of it that pays contributions.
    """

    goal: str = DEFAULT_GOAL
    package: str = "jkk-jkm"
    years: str = f"{DEFAULT_YEARS[0]}-{DEFAULT_YEARS[1]}"
    phasing: str = DEFAULT_PHASING
    split: tuple[tuple[str, str], ...] = ()
    village_budget_rp: int | None = None
    village_budget_source: str = ""
    budget_share_pct: float = 100.0
    model: str = ""
    quota_extreme_poor: int = bkbk.QUOTA_EXTREME_POOR
    quota_vulnerable: int = bkbk.QUOTA_VULNERABLE
    grant_rp: int = bkbk.GRANT_PER_VILLAGE_RP
    grant_share_pct: float = bkbk.CONTRIBUTION_SHARE_PCT

    def split_text(self) -> str:
        """The split as :func:`parse_split` and the command line take it ("apbd_prov=30,csr=Rp500000000")."""
        return ",".join(f"{s}={v}" for s, v in self.split)

    def plan_kwargs(self) -> dict:
        """Keyword arguments of :func:`plan` (besides figures, registry and region)."""
        return {"goal": self.goal, "years": self.years, "package": self.package, "split": self.split_text(),
                "phasing": self.phasing, "village_budget_rp": self.village_budget_rp,
                "village_budget_source": self.village_budget_source or None, "budget_share_pct": self.budget_share_pct}

    def run(self, dataset: Figures, registry: Registry, code: str, period: str | None = None,
            settings: Settings | None = None) -> Plan:
        """The plan these inputs give for region ``code`` at ``period``."""
        return plan(dataset, registry, code, period=period, settings=settings, **self.plan_kwargs())

    def cli_args(self, code: str, period: str | None = None) -> list[str]:
        """The ``python -m ucj_dash plan`` arguments giving the same plan (on the default sources)."""
        args = ["--region", code, "--goal", self.goal, "--years", self.years, "--package", self.package,
                "--phasing", self.phasing]
        if self.split:
            args += ["--split", self.split_text()]
        if period:
            args += ["--period", period]
        if self.village_budget_rp is not None:
            args += ["--village-budget", str(self.village_budget_rp), "--village-budget-source", self.village_budget_source]
        if self.budget_share_pct != 100:
            args += ["--budget-share", _num_text(self.budget_share_pct)]
        return args + ["--format", "json"]

    def bkbk_kwargs(self) -> dict:
        """Keyword arguments of :func:`ucj_dash.analysis.bkbk.apply`."""
        return {"quota_extreme_poor": self.quota_extreme_poor, "quota_vulnerable": self.quota_vulnerable,
                "grant_rp": self.grant_rp, "grant_share_pct": self.grant_share_pct, "package": self.package}


def _num_text(value) -> str:
    """A number as the URL writes it: ``30`` rather than ``30.0``; no exponent."""
    value = float(value)
    if value.is_integer():
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def with_bkbk(inputs: PlanInputs) -> PlanInputs:
    """The "BKBK model" preset (Jambi, Pergub Jambi 16/2022): the model on with Jambi's quotas, grant and share,
    and the plan paid by BKBK alone for the vulnerable workers (the extreme poor among them), at JKK + JKM, with
    the grant's contribution share as the village budget the per-village burden is checked against."""
    return replace(
        inputs, model="bkbk", goal="vulnerable", package="jkk-jkm", split=(("bkbk", "100"),),
        village_budget_rp=int(bkbk.JAMBI["grant_per_village_rp"].value), village_budget_source=bkbk.GRANT_SOURCE_TEXT,
        budget_share_pct=bkbk.JAMBI["contribution_share_pct"].value, **bkbk.default_quota(),
    )


def plan_to_query(inputs: PlanInputs) -> dict[str, str]:
    """URL parameters of a plan (all its choices, so that a link keeps its meaning when defaults change).

    Values as a page typed them (text not yet checked) are written as they are: reading the link back
    (:func:`plan_from_query`) checks them and says what it could not use.
    """
    params = {"goal": inputs.goal, "pkg": inputs.package, "years": inputs.years, "phase": inputs.phasing}
    params.update({source: _param(value) for source, value in inputs.split})
    if inputs.village_budget_rp not in (None, ""):
        params["vbudget"] = _param(inputs.village_budget_rp)
        params["vbsrc"] = inputs.village_budget_source
    params["bshare"] = _param(inputs.budget_share_pct)
    if inputs.model:
        params.update({"model": inputs.model, "q_ep": _param(inputs.quota_extreme_poor), "q_vul": _param(inputs.quota_vulnerable),
                       "grant": _param(inputs.grant_rp), "gshare": _param(inputs.grant_share_pct)})
    return params


def _param(value) -> str:
    """A number as :func:`_num_text` writes it; anything else as text."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return _num_text(value)
    return str(value).strip()


class InputNotice(UserError):
    """A plan parameter of a link that could not be used: what is wrong with it, and the value used instead."""

    def __init__(self, problem: UserError, field_name: str, default: str | None):
        self.problem, self.field_name, self.default = problem, field_name, default
        super().__init__("plan.notice.default", field=field_name)

    def _default(self, lang: str) -> str:
        return t("plan.notice.none", lang) if self.default in (None, "") else self.default

    def message(self, lang: str = "id") -> str:
        return t("plan.notice.default", lang, problem=self.problem.message(lang), default=self._default(lang))

    def markdown(self, lang: str = "id") -> str:
        from ucj_dash.text import markup

        return t("plan.notice.default", lang, problem=self.problem.markdown(lang), default=markup.markdown(self._default(lang)))


def _whole(text, field_name: str, maximum: int) -> int:
    """A whole number from 0 to ``maximum``, or a :class:`UserError` naming ``field_name``."""
    value = _number(text, field_name)
    if not value.is_integer():
        raise UserError("plan.error.not_whole", field=field_name, value=str(text)[:40])
    if value > maximum:
        raise UserError("plan.error.too_large", field=field_name, value=str(text)[:40], max=fmt.number(maximum, "en"))
    return int(value)


def _decimal(text: str) -> str:
    """A number as typed in either language: "1.500.000" / "1,500,000" (thousands) → "1500000"; "33,5" → "33.5"."""
    raw = str(text).strip().replace(" ", "")
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+", raw) or re.fullmatch(r"-?\d{1,3}(,\d{3})+", raw):
        return raw.replace(".", "").replace(",", "")
    if re.fullmatch(r"-?\d+,\d+", raw):
        return raw.replace(",", ".")
    return raw


def _rupiah_amount(text, field_name: str) -> int:
    """Whole rupiah from "100000000", "100.000.000", "100,000,000" or "Rp100.000.000"."""
    raw = str(text).strip()
    raw = raw[2:] if raw.lower().startswith("rp") else raw
    value = _number(_decimal(raw) or str(text), field_name)
    if value > MAX_RUPIAH:
        raise UserError("plan.error.too_large", field=field_name, value=str(text)[:40], max=fmt.number(MAX_RUPIAH, "en"))
    return round(value)


def _percent(text, field_name: str) -> float:
    value = _number(_decimal(str(text).strip().removesuffix("%")), field_name)
    if value > 100:
        raise UserError("plan.error.share_over_100", field=field_name, value=str(text)[:40])
    return value


def split_value(text, source: str) -> str:
    """One source's part as typed ("30", "30%", "33,5", "Rp500.000.000") → as the plan takes it ("30", "Rp500000000"),
    or a :class:`UserError` naming ``split.<source>``."""
    field_name = f"split.{source}"
    raw = str(text).strip()
    if raw.lower().startswith("rp"):
        return f"Rp{_rupiah_amount(raw, field_name)}"
    return _num_text(_percent(raw, field_name))


def _clean_text(text) -> str:
    """A free text of a link: control characters out, one line, at most :data:`MAX_TEXT` characters."""
    return " ".join("".join(c if c.isprintable() else " " for c in str(text)).split())[:MAX_TEXT]


def plan_from_query(params: dict, period: str | None = None) -> tuple[PlanInputs, list[UserError]]:
    """The plan a link's parameters describe, and a notice for each parameter that could not be used.

    Never raises: a bad value gives an :class:`InputNotice` naming the field, what is wrong and the
    default used instead. ``period`` (the data's, ``YYYY-MM``) sets the default years and refuses
    years before it. Shares that do not add up to 100% are not a notice: the plan shows the unfunded part.
    """
    notices: list[UserError] = []
    get = lambda key: str(params.get(key, "")).strip()  # noqa: E731
    values: dict = {}

    def take(field_name: str, key: str, parse, default_text: str | None):
        raw = get(key)
        if raw == "":
            return None
        try:
            return parse(raw)
        except UserError as problem:
            notices.append(InputNotice(problem, field_name, default_text))
            return None

    def choice(options, error_key):
        def parse(raw):
            if raw not in options:
                raise UserError(error_key, field=error_key.rsplit(".", 1)[1], value=raw[:40], choices=", ".join(options))
            return raw
        return parse

    values["goal"] = take("goal", "goal", choice(tuple(GOALS), "plan.error.goal"), DEFAULT_GOAL) or DEFAULT_GOAL
    values["package"] = take("package", "pkg", choice(tuple(PACKAGES), "plan.error.package"), "jkk-jkm") or "jkk-jkm"

    fallback_years = default_years(period)

    def years_parse(raw):
        years = parse_years(raw)
        if period and years[0] < int(period[:4]):
            raise UserError("plan.error.year_before_data", field="years", year=years[0], period=period)
        return f"{years[0]}-{years[-1]}"

    values["years"] = take("years", "years", years_parse, fallback_years) or fallback_years
    n_years = len(parse_years(values["years"]))

    def phasing_parse(raw):
        shares = parse_phasing(raw, n_years)
        return raw if raw in PHASINGS else ",".join(_num_text(s) for s in shares)

    values["phasing"] = take("phasing", "phase", phasing_parse, DEFAULT_PHASING) or DEFAULT_PHASING

    split = []
    for source in SOURCES:
        raw = get(source)
        if raw == "":
            continue
        part = take(f"split.{source}", source, lambda r, s=source: split_value(r, s), None)
        if part is not None:
            split.append((source, part))
    values["split"] = tuple(split)

    budget = take("village_budget", "vbudget", lambda r: _rupiah_amount(r, "village_budget"), None)
    source = _clean_text(get("vbsrc"))
    if budget is not None and not source:
        notices.append(InputNotice(UserError("plan.error.budget_source", field="village_budget_source"), "village_budget", None))
        budget = None
    values["village_budget_rp"], values["village_budget_source"] = budget, source if budget is not None else ""
    share = take("budget_share", "bshare", lambda r: _percent(r, "budget_share"), "100")
    values["budget_share_pct"] = 100.0 if share is None else share

    def model_parse(raw):
        if raw not in MODELS[1:]:
            raise UserError("plan.error.model", field="model", value=raw[:40], choices=", ".join(MODELS[1:]))
        return raw

    values["model"] = take("model", "model", model_parse, None) or ""
    quota = bkbk.default_quota()
    if not values["model"]:  # the model's parameters mean nothing without it (and a link without it does not carry them)
        return PlanInputs(**values), notices
    values["quota_extreme_poor"] = _or(take("bkbk.quota_extreme_poor", "q_ep", lambda r: _whole(r, "bkbk.quota_extreme_poor", MAX_QUOTA),
                                            str(quota["quota_extreme_poor"])), quota["quota_extreme_poor"])
    values["quota_vulnerable"] = _or(take("bkbk.quota_vulnerable", "q_vul", lambda r: _whole(r, "bkbk.quota_vulnerable", MAX_QUOTA),
                                          str(quota["quota_vulnerable"])), quota["quota_vulnerable"])
    values["grant_rp"] = _or(take("bkbk.grant", "grant", lambda r: _rupiah_amount(r, "bkbk.grant"), str(quota["grant_rp"])),
                             quota["grant_rp"])
    values["grant_share_pct"] = _or(take("bkbk.grant_share", "gshare", lambda r: _percent(r, "bkbk.grant_share"),
                                         _num_text(quota["grant_share_pct"])), quota["grant_share_pct"])
    return PlanInputs(**values), notices


def _or(value, default):
    return default if value is None else value


# ------------------------------------------------------------------ where a rupiah buys the most coverage


def rank_children(dataset: Figures, registry: Registry, code: str, goal: str, period: str, settings: Settings | None = None,
                  package: str = "jkk-jkm", lang: str = "id") -> pd.DataFrame:
    """The children of ``code`` ranked by the cost (rupiah a year) of one percentage point of the goal's coverage.

    The goal's coverage is its pair's matched part ÷ whole (UCJ coverage for "target", extreme-poor
    workers covered for "extreme-poor", …). Enrolling a child's ``workers`` (:func:`goal_workers`) costs
    ``workers × package × 12`` a year and raises its coverage by ``workers ÷ whole × 100`` points; the cost
    per point is their ratio. Columns: code, name, kind, workers, cost_rupiah, coverage_pct, gain_pp,
    cost_per_pp_rupiah, rank (1 = cheapest per point; None where there is no figure) and note (why a child
    has no figure: the missing data, or nothing left to enrol). Children without a figure come last.
    """
    s = settings or Settings()
    if goal not in GOALS:
        raise UserError("plan.error.goal", field="goal", value=str(goal)[:40], choices=", ".join(GOALS))
    rate = cost.per_worker_monthly_rp(s, PACKAGES[package])
    pair = PAIR_BY_KEY[GOALS[goal][1]]
    children = registry.children(code)
    columns = ["code", "name", "kind", "workers", "cost_rupiah", "coverage_pct", "gain_pp", "cost_per_pp_rupiah", "rank", "note"]
    if not children:
        return pd.DataFrame(columns=columns)
    rows = mapview.indicator_rows(dataset, children, period, s)
    out = []
    for child in children:
        row = rows.loc[child]
        workers, missing = goal_workers(row, goal)
        whole, part = row[pair.column("whole")], row[pair.column("part")]
        record = {"code": child, "name": registry.name(child), "kind": registry.kind(child), "workers": workers,
                  "cost_rupiah": None, "coverage_pct": None, "gain_pp": None, "cost_per_pp_rupiah": None, "note": ""}
        if workers is None or pd.isna(whole) or whole <= 0:
            record["workers"] = None
            record["note"] = dataset.missing_text(pair, int(registry.level(child)), period, lang)
        else:
            record["coverage_pct"] = float(part) / float(whole) * 100
            record["cost_rupiah"] = round(workers * rate * MONTHS)
            if workers == 0:
                record["gain_pp"] = 0.0
                record["note"] = t("plan.rank.nothing", lang)
            else:
                record["gain_pp"] = workers / float(whole) * 100
                record["cost_per_pp_rupiah"] = record["cost_rupiah"] / record["gain_pp"]
        out.append(record)
    table = pd.DataFrame(out)
    for column in ("workers", "cost_rupiah", "coverage_pct", "gain_pp", "cost_per_pp_rupiah"):
        table[column] = pd.to_numeric(table[column], errors="coerce").astype("float64")
    table = table.sort_values(["cost_per_pp_rupiah", "code"], na_position="last", kind="mergesort").reset_index(drop=True)
    ranked = table["cost_per_pp_rupiah"].notna()
    table["rank"] = pd.Series(range(1, len(table) + 1), dtype="float64").where(ranked)
    return table[columns]
