"""Figures of a composition (:mod:`ucj_dash.datasets.figures`): counts from several datasets aligned by
period, level mismatches, the reason a rate is missing and where each figure comes from, in both languages.

Expected numbers are worked out by hand here. The store is pointed at a temporary folder
(``UCJ_DATA_DIR``): the real ``data/`` is never touched.
"""

from __future__ import annotations

import math
import threading
import time

import numpy as np
import pandas as pd
import pytest

from ucj_dash.analysis import indicators
from ucj_dash.datasets import composition, figures, store
from ucj_dash.datasets.composition import Composition
from ucj_dash.datasets.dataset import PAIR_BY_KEY, DatasetMeta
from ucj_dash.errors import UserError

UCJ = PAIR_BY_KEY["ucj"]
OFFICIALS = PAIR_BY_KEY["village_officials"]
MONTHS = [f"2024-{m:02d}" for m in range(1, 13)]
#: two kabupaten of one province, one kecamatan each with two villages
VILLAGES = ["53.71.01.1001", "53.71.01.1002", "53.72.01.2001", "53.72.01.2002"]
#: employed workers by kabupaten (Sakernas: August only)
EMPLOYED = {"2023-08": {"53.71": 1000.0, "53.72": 2000.0}, "2024-08": {"53.71": 1100.0, "53.72": 2200.0}}


def active(village: str, period: str) -> float:
    """Active participants of a village in a month: 10 × month + the village's index (1-4)."""
    return 10.0 * int(period[5:7]) + VILLAGES.index(village) + 1


@pytest.fixture
def sources(data_dir):
    """``peserta``: participants by village each month of 2024; ``sakernas``: employed workers by kabupaten, Aug 2023 and Aug 2024."""
    participants = pd.DataFrame(
        [{"region_code": v, "period": p, "active_participants": active(v, p)} for p in MONTHS for v in VILLAGES]
    )
    store.save(DatasetMeta("peserta", "Peserta BPJS uji", "BPJS uji", "2024-12", False), participants)
    workers = pd.DataFrame(
        [{"region_code": k, "period": p, "employed_workers": n} for p, by_kab in EMPLOYED.items() for k, n in by_kab.items()]
    )
    store.save(DatasetMeta("sakernas", "Sakernas uji", "BPS uji", "2024-08", False), workers)
    return Composition.of({"participants": "peserta", "workers": "sakernas"})


def kab_active(kab: str, period: str) -> float:
    return sum(active(v, period) for v in VILLAGES if v.startswith(kab + "."))


# ---- period alignment


@pytest.mark.parametrize(
    "period, used",
    [("2024-03", "2023-08"), ("2024-07", "2023-08"), ("2024-08", "2024-08"), ("2024-09", "2024-08"), ("2024-12", "2024-08")],
)
def test_the_denominator_is_the_latest_august_at_or_before_the_period(sources, period, used):
    fig = figures.load(sources)
    assert fig.source_period("employed_workers", period) == (used, None)
    assert fig.source_period("active_participants", period) == (period, None)
    frame = fig.at(period)
    rates = indicators.compute(frame)
    # kabupaten 53.71: villages 1 and 2 summed, over the kabupaten's employed workers of that August
    part_71 = 10 * int(period[5:7]) * 2 + 1 + 2
    part_72 = 10 * int(period[5:7]) * 2 + 3 + 4
    whole_71, whole_72 = EMPLOYED[used]["53.71"], EMPLOYED[used]["53.72"]
    assert frame.loc["53.71", "ucj__part"] == part_71 == kab_active("53.71", period)
    assert frame.loc["53.71", "ucj__whole"] == whole_71
    assert rates.loc["53.71", "ucj_coverage_pct"] == pytest.approx(part_71 / whole_71 * 100)
    assert rates.loc["53.72", "ucj_coverage_pct"] == pytest.approx(part_72 / whole_72 * 100)
    # the meeting point: one unit at kabupaten level each
    assert (frame.loc["53.71", "ucj__used"], frame.loc["53.71", "ucj__units"], frame.loc["53.71", "ucj__unit_level"]) == (1, 1, 2)
    for code in ("53", "ID"):
        assert rates.loc[code, "ucj_coverage_pct"] == pytest.approx((part_71 + part_72) / (whole_71 + whole_72) * 100)
        assert rates.loc[code, "uncovered_workers"] == whole_71 + whole_72 - part_71 - part_72
        assert (frame.loc[code, "ucj__used"], frame.loc[code, "ucj__units"], frame.loc[code, "ucj__unit_level"]) == (2, 2, 2)
    assert frame.loc["ID", "employed_workers"] == whole_71 + whole_72


def test_the_denominator_too_old_gives_no_rate_and_says_why(sources):
    fig = figures.load(sources, max_age_months=6)
    # Aug 2023 is 7 months before Mar 2024
    used, why = fig.source_period("employed_workers", "2024-03")
    assert used is None
    assert "Agu 2023" in why.text("id") and "6 bulan" in why.text("id")
    assert "Aug 2023" in why.text("en") and "more than 6 months old" in why.text("en")
    frame = fig.at("2024-03")
    rates = indicators.compute(frame)
    for code in ("ID", "53", "53.71", "53.71.01", "53.71.01.1001"):
        assert math.isnan(rates.loc[code, "ucj_coverage_pct"]), code
        assert math.isnan(rates.loc[code, "uncovered_workers"]), code
        assert math.isnan(frame.loc[code, "employed_workers"]), code
    assert frame.loc["53.71", "active_participants"] == kab_active("53.71", "2024-03")  # the numerator is still there
    for level in range(5):
        reason = fig.rate_reason(UCJ, level, "2024-03")
        assert reason is not None
        text_id, text_en = reason.text("id"), reason.text("en")
        assert text_id.startswith("penyebut") and "Agu 2023" in text_id and "6 bulan" in text_id
        assert text_en.startswith("denominator") and "Aug 2023" in text_en and "more than 6 months old" in text_en
    provenance_id = fig.rate_provenance(UCJ, "2024-03", "id")
    assert "Peserta BPJS uji, Mar 2024" in provenance_id and "Agu 2023" in provenance_id
    # six months after Aug 2024 is still in range
    assert fig.source_period("employed_workers", "2024-12") == ("2024-08", None)
    assert fig.rate_reason(UCJ, 2, "2024-12") is None


def test_region_rows_take_each_months_denominator(sources):
    fig = figures.load(sources)
    trend = fig.region("53.71")
    assert trend.index.tolist() == MONTHS
    for period in MONTHS:
        used = "2023-08" if period < "2024-08" else "2024-08"
        assert trend.loc[period, "ucj__whole"] == EMPLOYED[used]["53.71"], period
        assert trend.loc[period, "ucj__part"] == kab_active("53.71", period), period
    village = fig.region("53.71.01.1001")
    assert village["active_participants"].tolist() == [active("53.71.01.1001", p) for p in MONTHS]
    assert village["ucj__part"].isna().all() and village["employed_workers"].isna().all()


# ---- level mismatch


def test_below_the_denominators_level_there_is_no_rate_and_the_reason_names_the_level(sources):
    fig = figures.load(sources)
    frame = fig.at("2024-03")
    rates = indicators.compute(frame)
    for code in ("ID", "53", "53.71", "53.72"):
        assert not math.isnan(rates.loc[code, "ucj_coverage_pct"]), code
    for code in ("53.71.01", "53.72.01", *VILLAGES):
        assert math.isnan(rates.loc[code, "ucj_coverage_pct"]), code
        assert math.isnan(frame.loc[code, "ucj__part"]) and frame.loc[code, "ucj__used"] == 0, code
        assert not math.isnan(frame.loc[code, "active_participants"]), code  # participants are known there
    # kecamatan: its two villages have participants, no employed figure
    assert (frame.loc["53.71.01", "ucj__units"], frame.loc["53.71.01", "ucj__unit_level"]) == (2, 4)
    for level in (0, 1, 2):
        assert fig.rate_reason(UCJ, level, "2024-03") is None, level
    for level in (3, 4):
        reason = fig.rate_reason(UCJ, level, "2024-03")
        assert reason.text("id") == "penyebut hanya tersedia sampai tingkat kabupaten/kota"
        assert "penyebut" in reason.text("id") and "kabupaten/kota" in reason.text("id")
        assert reason.text("en") == "the denominator is only given down to regency/city level"
        assert "denominator" in reason.text("en")
    assert fig.finest_level("employed_workers", "2024-03") == 2
    assert fig.finest_level("active_participants", "2024-03") == 4


def test_rate_provenance_names_both_sources_and_their_months(sources):
    fig = figures.load(sources)
    text_id = fig.rate_provenance(UCJ, "2024-03", "id")
    assert text_id == "pembilang: Peserta BPJS uji, Mar 2024 · penyebut: Sakernas uji, Agu 2023"
    text_en = fig.rate_provenance(UCJ, "2024-09", "en")
    assert text_en == "numerator: Peserta BPJS uji, Sep 2024 · denominator: Sakernas uji, Aug 2024"
    src = fig.provenance("employed_workers", "2024-03")
    assert (src.dataset_id, src.period, src.simulated) == ("sakernas", "2023-08", False)
    assert fig.provenance("employed_workers", "2023-07") is None  # nothing at or before


# ---- compositions from a link


def test_from_query_with_a_deleted_or_unknown_dataset_falls_back_with_a_notice(sources):
    store.save(DatasetMeta("peserta-lama", "Peserta lama", "BPJS uji", "2024-12", False),
               pd.DataFrame({"region_code": ["53.71"], "period": ["2024-01"], "active_participants": [5.0]}))
    chosen, notices = composition.from_query("p:peserta-lama", base=sources)
    assert chosen.source("participants") == "peserta-lama" and notices == []
    store.delete("peserta-lama")
    for query in ("p:peserta-lama", "p:tidak-ada", "p:peserta-lama,w:sakernas"):
        chosen, notices = composition.from_query(query, base=sources)
        assert chosen == sources, query
        assert [n.key for n in notices] == ["notice.source_gone"], query
        assert "peserta-lama" in notices[0].message("id") or "tidak-ada" in notices[0].message("id")
        assert "peserta" in notices[0].message("en")  # names the fallback
    # a dataset that lacks the group's counts
    chosen, notices = composition.from_query("w:peserta", base=sources)
    assert chosen == sources and [n.key for n in notices] == ["notice.source_lacks"]
    # a good part next to a bad one is kept
    chosen, notices = composition.from_query("w:tidak-ada,p:peserta", base=Composition.of({"workers": "sakernas"}))
    assert chosen.source("participants") == "peserta" and chosen.source("workers") == "sakernas"
    assert [n.key for n in notices] == ["notice.source_gone"]


MALFORMED = [
    "x", ":", "p:", ":peserta", "q:peserta", "p", "p:../../etc", "p:Peserta", "p:a b", "p:peserta:x", ",,,",
    "p:" + "a" * 5000, "w:sakernas," * 200, "p:\x00", "🙂:🙂", "%70:peserta", "p=peserta", "p: peserta", "P:peserta",
]


def test_malformed_parts_give_a_notice_and_never_raise(sources):
    for query in MALFORMED:
        chosen, notices = composition.from_query(query, base=sources)
        assert isinstance(chosen, Composition), query
        assert chosen == sources, query  # nothing malformed changes a source
        assert notices, query
        for notice in notices:
            assert isinstance(notice, UserError), query
            assert notice.message("id") and notice.message("en"), query
            assert notice.key in ("notice.bad_param", "notice.source_gone", "notice.source_lacks"), query
    # whitespace around a whole part is tolerated
    assert composition.from_query(" w:sakernas \n", base=Composition.of({})) == (Composition.of({"workers": "sakernas"}), [])


def test_empty_query_keeps_the_base(sources):
    assert composition.from_query("", base=sources) == (sources, [])
    assert composition.from_query(None, base=sources) == (sources, [])


# ---- exact-period counts


def test_a_non_stock_count_is_used_for_its_own_period_only(data_dir):
    villages = ["53.71.01.1001", "53.71.01.1002"]
    officials = pd.DataFrame(
        {"region_code": villages, "period": "2024-06", "village_officials": [10.0, 12.0], "village_officials_enrolled": [4.0, 9.0]}
    )
    store.save(DatasetMeta("aparat", "Aparat desa uji", "PMD uji", "2024-06", False), officials)
    fig = figures.load(Composition.of({"officials": "aparat"}))
    assert fig.periods == ["2024-06"]
    june = indicators.compute(fig.at("2024-06"))
    assert june.loc["53.71.01.1001", "village_official_coverage_pct"] == pytest.approx(40.0)
    assert june.loc["53.71.01", "village_official_coverage_pct"] == pytest.approx(13 / 22 * 100)
    # July: officials (a stock) carry over from June, enrolled officials do not
    assert fig.source_period("village_officials", "2024-07") == ("2024-06", None)
    used, why = fig.source_period("village_officials_enrolled", "2024-07")
    assert used is None and why.text("id") == "tidak ada data untuk periode Jul 2024"
    july = fig.at("2024-07")
    rates = indicators.compute(july)
    for code in ("ID", "53", "53.71", "53.71.01", *villages):
        assert math.isnan(rates.loc[code, "village_official_coverage_pct"]), code
        assert math.isnan(july.loc[code, "village_officials_enrolled"]), code
    assert july.loc["53.71.01", "village_officials"] == 22
    reason = fig.rate_reason(OFFICIALS, 4, "2024-07")
    assert reason.text("id") == "pembilang: tidak ada data untuk periode Jul 2024"
    assert reason.text("en") == "numerator: no data for Jul 2024"
    assert fig.rate_provenance(OFFICIALS, "2024-07", "id") == (
        "pembilang: tidak ada data untuk periode Jul 2024 · penyebut: Aparat desa uji, Jun 2024"
    )
    assert fig.rate_reason(OFFICIALS, 4, "2024-06") is None
    # nothing else is composed: no source for the UCJ rate
    assert "tidak ada sumber data" in fig.rate_reason(UCJ, 0, "2024-06").text("id")
    assert np.isnan(rates.loc["ID", "ucj_coverage_pct"])


def test_a_value_asked_for_by_many_threads_at_once_is_made_once_and_makers_take_turns():
    made, running, most = [], [0], [0]
    lock = threading.Lock()

    def make(key):
        with lock:
            made.append(key)
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return key * 10

    cache = figures.LRU(4, gate=threading.BoundedSemaphore(1))
    results = {}
    threads = [threading.Thread(target=lambda i=i: results.setdefault(i, cache.get(i % 2, lambda: make(i % 2)))) for i in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(made) == [0, 1]  # each key made once, by one of the four threads asking for it
    assert most[0] == 1  # never two at once
    assert results == {i: (i % 2) * 10 for i in range(8)}
