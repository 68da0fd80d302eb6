"""Named settings: every constant a figure rests on, with its source and date.

Pages show these on the methodology panel and may override them for a session
(:func:`with_overrides`); nothing else in the code base hard-codes them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable

import pandas as pd

from ucj_dash.text import fmt
from ucj_dash.text.i18n import t


@dataclass(frozen=True)
class Setting:
    """A value with its unit, where it comes from and as of when."""

    key: str
    value: float
    unit: str  # "%", "Rp/bulan", "% upah", ...
    source: str
    as_of: str
    note: str = ""


_S = Setting
DEFAULTS: dict[str, Setting] = {
    s.key: s
    for s in (
        _S(
            "extreme_poverty_baseline_pct",
            0.83,
            "%",
            "BPS, persentase penduduk miskin ekstrem (garis US$1,9 PPP 2011)",
            "Maret 2024",
            "Seri BPS 2025 memakai garis baru US$2,15 PPP 2017 (Maret 2025 = 0,85%), tidak sebanding "
            "dengan 0,83% / BPS's 2025 series uses a new line (US$2.15 PPP 2017; March 2025 = 0.85%), "
            "not comparable with 0.83%.",
        ),
        _S(
            "ucj_target_pct",
            52.15,
            "%",
            "Kemendagri, target cakupan UCJ nasional (capaian 35,68%)",
            "April 2025",
            "Hubungan dengan target RPJMN/RPJPN tidak jelas; ubah sesuai kebutuhan / relation to the "
            "RPJMN/RPJPN targets is unclear; edit as needed.",
        ),
        _S("rpjmn_target_2025_pct", 32.15, "%", "RPJMN 2025-2029, target cakupan 2025", "2025"),
        _S("rpjmn_target_2029_pct", 43.92, "%", "RPJMN 2025-2029, target cakupan 2029", "2025"),
        _S("rpjpn_target_2045_pct", 99.5, "%", "RPJPN 2025-2045, target 2045", "2024"),
        _S("jkk_bpu_min_rp", 10_000, "Rp/pekerja/bulan", "PP 44/2015 jo. PP 82/2019: JKK BPU 1% penghasilan, minimal", "2019"),
        _S("jkm_bpu_rp", 6_800, "Rp/pekerja/bulan", "PP 44/2015 jo. PP 82/2019: iuran JKM BPU", "2019"),
        _S(
            "bpu_min_package_rp",
            16_800,
            "Rp/pekerja/bulan",
            "Paket minimum JKK + JKM BPU (PP 44/2015 jo. PP 82/2019), dibayar pemda untuk pekerja rentan",
            "2019",
        ),
        _S("jht_bpu_min_rp", 20_000, "Rp/pekerja/bulan", "PP 46/2015: JHT BPU 2% penghasilan (minimal; paket + JHT = Rp36.800)", "2015"),
        _S("class_very_low_below_pct", 25.0, "%", "Ambang kelas UCJ 'sangat rendah' (asumsi dasbor; Kemendagri tidak mempublikasikan ambang)", "2025"),
        _S("class_low_below_pct", 40.0, "%", "Ambang kelas UCJ 'rendah' (asumsi dasbor)", "2025"),
        _S("class_medium_below_pct", 60.0, "%", "Ambang kelas UCJ 'sedang' (asumsi dasbor; di atasnya 'tinggi')", "2025"),
        _S(
            "denominator_max_age_months",
            12,
            "bulan",
            "Asumsi dasbor: umur terlama penyebut (mis. Sakernas, terbit sekali setahun untuk Agustus) yang masih dipakai "
            "untuk pembilang bulanan",
            "2025",
            "Sakernas terbit setahun sekali: 12 bulan memakai Agustus lalu sampai Agustus berikutnya terbit; lebih tua "
            "dari ini dianggap tidak ada data / Sakernas comes once a year: 12 months uses last August until the next "
            "one is out; older counts as no data.",
        ),
        _S("employed_population_m", 144.64, "juta orang", "BPS Sakernas, penduduk bekerja", "Agustus 2024"),
        _S("informal_share_pct", 57.95, "%", "BPS Sakernas, pekerja informal (83,83 juta)", "Agustus 2024"),
        _S("population_total", 284_973_643, "orang", "Kepmendagri No 300.2.2-2430 Tahun 2025, jumlah penduduk", "2025"),
    )
}


#: settings a user may edit for a session on the methodology page (the rest are reference figures)
EDITABLE = (
    "extreme_poverty_baseline_pct",
    "ucj_target_pct",
    "class_very_low_below_pct",
    "class_low_below_pct",
    "class_medium_below_pct",
    "jkk_bpu_min_rp",
    "jkm_bpu_rp",
    "jht_bpu_min_rp",
    "denominator_max_age_months",
)


class Settings:
    """A set of setting values: the defaults, optionally overridden for one session.

    ``region_targets`` maps region codes to their own UCJ coverage target (%);
    a region without one inherits its nearest ancestor's, else the national
    target. The BPU package is always JKK + JKM, so editing either rate moves it.
    """

    def __init__(self, overrides: dict[str, float] | None = None, region_targets: dict[str, float] | None = None):
        self._items = dict(DEFAULTS)
        for key, value in (overrides or {}).items():
            if key not in self._items:
                raise KeyError(f"unknown setting {key!r}")
            self._items[key] = replace(self._items[key], value=float(value))
        package = self["jkk_bpu_min_rp"] + self["jkm_bpu_rp"]
        if package != self._items["bpu_min_package_rp"].value:
            self._items["bpu_min_package_rp"] = replace(self._items["bpu_min_package_rp"], value=package)
        self.region_targets = {code: float(v) for code, v in (region_targets or {}).items()}

    @classmethod
    def from_key(cls, key: tuple) -> "Settings":
        """Inverse of :meth:`key`."""
        overrides, targets = key
        return cls(dict(overrides), dict(targets))

    def key(self) -> tuple:
        """A hashable summary of everything that differs from the defaults (for caches)."""
        return tuple(sorted(self.overrides().items())), tuple(sorted(self.region_targets.items()))

    def target_region(self, code: str) -> str | None:
        """The region whose own target applies to ``code`` (itself or its nearest ancestor); None: the national one."""
        while code:
            if code in self.region_targets:
                return code
            code = code.rpartition(".")[0]
        return None

    def target_for(self, code: str) -> float:
        """UCJ coverage target (%) of region ``code``: its own, an ancestor's, else the national one."""
        source = self.target_region(code)
        return self.target_pct if source is None else self.region_targets[source]

    def targets_for(self, codes) -> list[float]:
        return [self.target_for(str(c)) for c in codes] if self.region_targets else [self.target_pct] * len(codes)

    def __getitem__(self, key: str) -> float:
        return self._items[key].value

    def item(self, key: str) -> Setting:
        return self._items[key]

    def items(self) -> list[Setting]:
        return list(self._items.values())

    def overrides(self) -> dict[str, float]:
        """Edited values (the derived BPU package is not listed: it follows JKK and JKM)."""
        return {
            k: s.value for k, s in self._items.items() if s.value != DEFAULTS[k].value and k != "bpu_min_package_rp"
        }

    @property
    def baseline_pct(self) -> float:
        return self["extreme_poverty_baseline_pct"]

    @property
    def target_pct(self) -> float:
        return self["ucj_target_pct"]

    @property
    def coverage_class_breaks(self) -> list[float]:
        """Upper bounds (%) of the sangat rendah / rendah / sedang classes; above is tinggi."""
        return [self["class_very_low_below_pct"], self["class_low_below_pct"], self["class_medium_below_pct"]]


#: sensible ranges of the editable settings (inclusive)
RANGES = {
    "extreme_poverty_baseline_pct": (0.01, 100.0),
    "ucj_target_pct": (0.0, 100.0),
    "class_very_low_below_pct": (0.0, 100.0),
    "class_low_below_pct": (0.0, 100.0),
    "class_medium_below_pct": (0.0, 100.0),
    "jkk_bpu_min_rp": (0.0, 10_000_000.0),
    "jkm_bpu_rp": (0.0, 10_000_000.0),
    "jht_bpu_min_rp": (0.0, 10_000_000.0),
    "denominator_max_age_months": (0.0, 60.0),
}


def check(values: dict[str, float], region_targets: dict[str, float], registry=None) -> list:
    """Problems with edited settings, as :class:`~ucj_dash.errors.UserError` (empty list: all valid).

    Checks ranges, that the class thresholds rise (sangat rendah < rendah <
    sedang), and that per-region targets name known regions and lie in 0–100%.
    """
    from ucj_dash.errors import UserError

    problems = []
    for key, value in values.items():
        lo, hi = RANGES.get(key, (float("-inf"), float("inf")))
        if not (lo <= float(value) <= hi):
            problems.append(UserError("settings.out_of_range", name=key, value=value, lo=lo, hi=hi))
    breaks = [values.get(k, DEFAULTS[k].value) for k in ("class_very_low_below_pct", "class_low_below_pct", "class_medium_below_pct")]
    if not breaks[0] < breaks[1] < breaks[2]:
        problems.append(UserError("settings.breaks_order", a=breaks[0], b=breaks[1], c=breaks[2]))
    for code, target in region_targets.items():
        if registry is not None:
            try:
                registry.require(code)
            except UserError as exc:
                problems.append(exc)
                continue
        if not (0.0 <= float(target) <= 100.0):
            problems.append(UserError("settings.target_range", code=code, value=target))
    return problems


@dataclass(frozen=True)
class Edit:
    """An edit of the settings, checked: what the session keeps, or why nothing applies."""

    overrides: dict[str, float]  # edited values that differ from the defaults
    region_targets: dict[str, float]  # canonical region code → UCJ coverage target (%)
    problems: list  # UserError; when there is any, the overrides and targets are empty


def edit(values: dict[str, float], target_rows: Iterable[tuple], registry) -> Edit:
    """Check an edit of the methodology panel.

    ``values`` maps editable settings to their new values; ``target_rows`` are
    (code, target %) pairs as typed in the targets table: rows with a blank
    code or no target are skipped, codes are stripped and then made canonical
    ("5302" → "53.02") by ``registry``. Invalid input gives problems and no change.
    """
    targets = {}
    for code, target in target_rows:
        if isinstance(code, str) and code.strip() and pd.notna(target):
            targets[code.strip()] = float(target)
    problems = check(values, targets, registry)
    if problems:
        return Edit({}, {}, problems)
    overrides = {k: float(v) for k, v in values.items() if v != DEFAULTS[k].value}
    return Edit(overrides, {registry.require(c): v for c, v in targets.items()}, [])


def table(settings: Settings, lang: str) -> pd.DataFrame:
    """Every setting as the methodology and about pages list it, headers localised: its name (the
    editable ones in words, the others by key), value and default (rupiah and persons whole, others to two
    decimals), unit, source, as of and note."""
    rows = []
    for item in settings.items():
        decimals = 0 if item.unit.startswith("Rp") or item.unit in ("orang", "bulan") else 2
        rows.append({
            t("settings.col.setting", lang): t("setting." + item.key, lang) if item.key in EDITABLE else item.key,
            t("settings.col.value", lang): fmt.number(item.value, lang, decimals),
            t("settings.col.default", lang): fmt.number(DEFAULTS[item.key].value, lang, decimals),
            t("settings.col.unit", lang): item.unit,
            t("settings.col.source", lang): item.source,
            t("settings.col.as_of", lang): item.as_of,
            t("settings.col.note", lang): item.note,
        })
    return pd.DataFrame(rows)
