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

import math
import re
from dataclasses import asdict, dataclass, field

import pandas as pd

from ucj_dash.analysis import cost
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
    excluded: dict[str, int] = {}
    kept = []
    for v in villages:
        kind = registry.kind(v)
        if kind in kinds:
            kept.append(v)
        else:
            excluded[kind] = excluded.get(kind, 0) + 1
    rows = mapview.indicator_rows(dataset, kept, period, settings) if kept else pd.DataFrame()
    with_data, no_data = [], []
    for v in kept:
        workers, missing = goal_workers(rows.loc[v], goal)
        if workers is None:
            no_data.append({"code": v, "name": registry.name(v), "missing": missing})
        else:
            with_data.append((v, workers))
    shares = largest_remainder(int(amount_rp), [w for _, w in with_data])
    listed = [{"code": v, "name": registry.name(v), "kind": registry.kind(v), "workers": w, "burden_rupiah": b}
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
