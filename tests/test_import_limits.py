"""Importer against the careless user, the hostile file and the crowd: fast suggestions, refused
bombs, row limits, formulas without values, and the web app's check in a capped worker process.

Every file is built here; the store is never touched (the check writes nothing).
"""

from __future__ import annotations

import difflib
import io
import re
import sys
import time
import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from ucj_dash.datasets import importer, sheets, suggest, worker
from ucj_dash.datasets.importer import ERROR, WARNING, check
from ucj_dash.geography.regions import NATION_CODE, Level, ancestors_of
from ucj_dash.text.i18n import t

PERIOD = "2024-12"
HEADER = ["region_code", "region_name", "period", "population", "employed_workers", "active_participants"]
ROW = ["53.02.05.2001", "Taebesa", PERIOD, 2410, 1163, 231]
NEW_KINDS = ("xlsx_unpacked_too_large", "out_of_memory", "check_timeout", "check_failed", "formula_without_value")


def csv_file(rows, header=HEADER) -> bytes:
    return "\r\n".join(";".join(str(c) for c in r) for r in [header, *rows]).encode()


def xlsx_file(*sheets_rows) -> bytes:
    """A workbook written by openpyxl, one sheet per list of rows (formulas are written without values)."""
    book = Workbook()
    book.remove(book.active)
    for n, rows in enumerate(sheets_rows):
        ws = book.create_sheet(f"S{n + 1}")
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def replace_part(data: bytes, name: str, edit) -> bytes:
    """The archive with part ``name`` replaced by ``edit(old bytes)``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            dst.writestr(info.filename, edit(body) if info.filename == name else body)
    return out.getvalue()


def bomb(rows: int, repeat: int = 1) -> bytes:
    """An XLSX whose one sheet is ``rows`` identical rows (each cell text ``repeat`` times): tiny packed, huge unpacked."""
    base = xlsx_file([HEADER])
    cells = "".join(f'<c t="inlineStr"><is><t>{"9" * repeat}</t></is></c>' for _ in HEADER)
    row = f"<row>{cells}</row>".encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info.filename, src.read(info.filename))
                continue
            head, tail = src.read(info.filename).split(b"</sheetData>")
            with dst.open(info.filename, "w", force_zip64=True) as part:
                part.write(head)
                for _ in range(rows // 1000):
                    part.write(row * 1000)
                part.write(b"</sheetData>" + tail)
    return out.getvalue()


def kinds(report) -> list[str]:
    return [p.kind for p in report.problems]


# ---------------------------------------------------------------- suggestions


def test_closest_codes_of_an_unknown_village_are_its_siblings_as_difflib_ranks_them(registry):
    report = check(csv_file([["53.02.05.2099", "Nakfunu", PERIOD, 1, 1, 1]]), "f.csv", registry)
    (problem,) = report.problems
    assert problem.params == {"by_code": "53.02.05.2009 Bone, 53.02.05.2011 Maunum Niki-Niki, 53.02.05.2008 Sopo",
                              "by_name": "53.02.05.2002 Nakfunu"}


@pytest.mark.parametrize(
    "code, expected",
    [
        ("53.02.99.2001", ("53.02.29.2001", "53.02.19.2001", "53.02.09.2001")),  # unknown kecamatan: within 53.02
        ("53.68.02.2023", ("53.18.06.2023", "53.18.04.2023", "53.18.03.2023")),  # unknown kabupaten: within NTT
        ("99.06.11.2004", ("92.06.11.2004", "91.06.11.2004", "96.05.11.2004")),  # unknown province: the whole level
        ("53.99", ("53.19", "53.09", "53.71")),
        ("53.02.99", ("53.02.29", "53.02.19", "53.02.09")),
    ],
)
def test_closest_codes_stay_under_the_deepest_known_ancestor(registry, code, expected):
    assert suggest.for_registry(registry).closest_codes(code) == expected


@given(st.integers(0, 10**6), st.lists(st.tuples(st.sampled_from([3, 4, 6, 7, 9, 10, 11, 12]), st.sampled_from("0129")),
                                         min_size=1, max_size=3))
@settings(max_examples=30, deadline=None)
def test_closest_codes_equal_difflib_over_the_same_pool(registry, at, typos):
    villages = registry.codes_at(Level.VILLAGE)
    code = list(villages[at % len(villages)])
    for position, digit in typos:  # typos below the province (a whole-level pool takes difflib seconds)
        code[position] = digit
    code = "".join(code)
    if code in registry:
        return
    ancestor = next(a for a in reversed(ancestors_of(code)) if a in registry or a == NATION_CODE)
    pool = [c for c in villages if ancestor == NATION_CODE or c.startswith(ancestor + ".")]
    assert list(suggest.for_registry(registry).closest_codes(code)) == difflib.get_close_matches(code, pool, 3, 0.5)


@given(st.text("0123.", min_size=1, max_size=13), st.lists(st.text("0123.", min_size=13, max_size=13), min_size=1))
def test_lcs_lengths_match_the_textbook_table(word, codes):
    def lcs(a, b):
        row = [0] * (len(b) + 1)
        for x in a:
            prev, row = row, [0]
            for j, y in enumerate(b):
                row.append(prev[j] + 1 if x == y else max(prev[j + 1], row[j]))
        return row[-1]

    chars = np.frombuffer("".join(codes).encode(), np.uint8).reshape(-1, 13).T.copy()
    assert suggest.lcs_lengths(word, chars).tolist() == [lcs(word, c) for c in codes]


@pytest.mark.parametrize(
    "name, level, expected",
    [
        ("Nakfunu", Level.VILLAGE, ("53.02.05.2002",)),
        ("Ende", Level.REGENCY, ("53.08",)),  # Kabupaten Ende: the prefix does not count
        ("Kota Kupang", Level.VILLAGE, ("16.04.22.2008", "16.11.04.1010", "33.10.13.2019")),  # villages named Kupang
        ("niki", Level.VILLAGE, ("53.02.05.1010", "53.02.18.2005", "95.03.04.2013")),  # Niki-Niki, Niki Niki Un, Nikilei
        ("Timor Tengah", Level.REGENCY, ("53.02", "53.03")),
        ("tengah selatan", Level.REGENCY, ("53.02",)),  # all words, not at the start
        ("5302", Level.REGENCY, ("53.02",)),
        ("5302", Level.VILLAGE, ()),
        ("", Level.VILLAGE, ()),
    ],
)
def test_names_like_ranks_as_the_registry_search_at_one_level(registry, name, level, expected):
    found = suggest.for_registry(registry).names_like(name, level)
    assert found == expected
    assert list(found) == [h.code for h in registry.search(name, limit=10**6) if h.level == level][:3]


def test_a_thousand_unknown_codes_all_get_suggestions_in_a_second(registry):
    villages = registry.codes_at(Level.VILLAGE)[::80][:1000]
    rows = [[c[:-4] + "9" + c[-3:], registry.name(c), PERIOD, 10, 5, 1] for c in villages[:800]]
    rows += [[c[:6] + "9" + c[7:], registry.name(c), PERIOD, 10, 5, 1] for c in villages[800:]]  # unknown kecamatan
    data = csv_file(rows)
    check(csv_file(rows[:1]), "warm.csv", registry)  # the indexes are built once per registry
    started = time.perf_counter()
    report = check(data, "f.csv", registry)
    elapsed = time.perf_counter() - started
    unknown = [p for p in report.problems if p.kind.startswith("unknown_code")]
    assert report.error_count == len(unknown) == 1000
    assert all(p.params["by_code"] != "—" and p.params["by_name"] != "—" for p in unknown)
    assert elapsed < 3  # about 0.5 s; generous for a loaded machine


# ---------------------------------------------------------------- what is refused before reading


def test_an_xlsx_bomb_is_refused_before_it_is_unpacked(registry, monkeypatch):
    data = bomb(500_000)  # 500,000 rows of 6 cells: about 0.5 MB packed, 114 MB unpacked
    assert len(data) < 2 * 1024 * 1024
    monkeypatch.setattr("openpyxl.load_workbook", lambda *a, **k: pytest.fail("the bomb was opened"))
    started = time.perf_counter()
    report = check(data, "laporan.xlsx", registry)
    assert time.perf_counter() - started < 2
    (problem,) = report.problems
    assert (problem.kind, problem.severity, problem.row) == ("xlsx_unpacked_too_large", ERROR, None)
    unpacked = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    assert problem.params["unpacked"] == f"{unpacked / 2**20:.1f}" and float(problem.params["unpacked"]) > 100
    assert problem.params["size"] == f"{len(data) / 2**20:.1f}" and problem.params["limit"] == "100.0"
    text = problem.problem("en")
    assert text.startswith(f"laporan.xlsx is {problem.params['size']} MB but unpacks to {problem.params['unpacked']} MB")
    assert "100.0 MB unpacked" in text and "CSV" in problem.fix("en") and "split" in problem.fix("en")
    assert "laporan.xlsx" in problem.problem("id") and "CSV" in problem.fix("id")


def test_an_xlsx_packed_too_tightly_is_refused_below_the_size_limit(registry, monkeypatch):
    monkeypatch.setattr(sheets, "MAX_UNPACKED_BYTES", 20 * 2**20)
    data = bomb(40_000, repeat=40)  # about 10 MB unpacked, packed several hundred times
    report = check(data, "b.xlsx", registry)
    (problem,) = report.problems
    assert problem.kind == "xlsx_unpacked_too_large"
    assert float(problem.params["unpacked"]) < 20 and int(problem.params["ratio"]) > sheets.MAX_COMPRESSION_RATIO


def test_a_csv_with_more_lines_than_allowed_is_refused_before_decoding(registry, monkeypatch):
    monkeypatch.setattr(sheets, "MAX_CSV_LINES", 50)
    monkeypatch.setattr(sheets, "_decode", lambda data: pytest.fail("decoded"))
    report = check(csv_file([ROW] * 60), "f.csv", registry)
    assert kinds(report) == ["too_many_rows"] and report.problems[0].params == {"limit": sheets.MAX_ROWS}


@pytest.mark.parametrize("make", [csv_file, lambda rows: xlsx_file([HEADER, *rows])])
def test_reading_stops_at_the_row_limit_with_an_error(registry, monkeypatch, make):
    monkeypatch.setattr(sheets, "MAX_ROWS", 5)
    rows = [[c, registry.name(c), PERIOD, 10, 5, 1] for c in registry.children("53.02.05")[:6]]
    assert check(make(rows[:5]), "f", registry).ok  # exactly the limit: read
    report = check(make(rows), "f", registry)
    assert [(p.kind, p.row, p.params) for p in report.problems] == [("too_many_rows", 7, {"limit": 5})]


def test_sheets_after_the_one_with_the_header_are_never_read(registry):
    data = xlsx_file([HEADER, ROW], [["x"]] * 10)
    broken = replace_part(data, "xl/worksheets/sheet2.xml", lambda body: body[: len(body) // 2])  # cut off
    assert check(broken, "b.xlsx", registry).ok
    broken = replace_part(data, "xl/worksheets/sheet1.xml", lambda body: body[: len(body) // 2])
    assert kinds(check(broken, "b.xlsx", registry)) == ["not_a_table"]  # reported, never raised


# ---------------------------------------------------------------- formulas without values


def test_formulas_saved_without_values_are_errors_where_they_are(registry):
    rows = [
        HEADER,
        ["53.02.05.2001", "Taebesa", PERIOD, 2410, "=D2/2", 231],
        ['="53.02.05.2002"', "Nakfunu", PERIOD, 1785, 842, 149],  # a code made by a formula
        ["53.02.05.2003", "Oe'ekam", PERIOD, "=1000+2120", "=D4/2", 372],
        ["", "JUMLAH", "", "=SUM(D2:D4)", "=SUM(E2:E4)", "=SUM(F2:F4)"],  # a total row: skipped, as without formulas
    ]
    report = check(xlsx_file(rows), "rumus.xlsx", registry)
    assert [(p.kind, p.severity, p.row, p.column, p.value) for p in report.problems] == [
        ("formula_without_value", ERROR, 2, "employed_workers", "=D2/2"),
        ("formula_without_value", ERROR, 3, "region_code", '="53.02.05.2002"'),
        ("formula_without_value", ERROR, 4, "population", "=1000+2120"),
        ("formula_without_value", ERROR, 4, "employed_workers", "=D4/2"),
        ("total_row", WARNING, 5, "region_code", ""),
    ]
    problem = report.problems[0]
    assert problem.problem("en").startswith("Formula without a stored value")
    assert "Excel" in problem.fix("en") and "Excel" in problem.fix("id") and problem.problem("id").startswith("Rumus")
    assert not report.ok


def test_formulas_with_stored_values_import_as_their_values(registry):
    rows = [HEADER, ["53.02.05.2001", "Taebesa", PERIOD, 2410, "=D2/2", 231], ["53.02.05.2002", "=\"\"", PERIOD, 1, 1, 1]]

    def store_values(body: bytes) -> bytes:  # what Excel saves: the last computed result next to each formula
        body = body.replace(b"<f>D2/2</f><v />", b"<f>D2/2</f><v>1205</v>")
        return body.replace(b'<c r="B3"><f>""</f><v />', b'<c r="B3" t="str"><f>""</f><v />')  # a formula giving ""

    data = replace_part(xlsx_file(rows), "xl/worksheets/sheet1.xml", store_values)
    report = check(data, "disimpan.xlsx", registry)
    assert report.problems == [] and report.ok
    assert report.figures.set_index("region_code").loc["53.02.05.2001", "employed_workers"] == 1205


def test_new_problem_kinds_have_texts_in_both_languages():
    for kind in NEW_KINDS:
        for lang in ("id", "en"):
            for key in (f"import.problem.{kind}", f"import.fix.{kind}"):
                assert t(key, lang, file="f.xlsx", size="1.0", unpacked="2.0", ratio="3", limit="4.0", max_ratio=5,
                         seconds="120")


# ---------------------------------------------------------------- the web app's check, in a worker process


def test_the_worker_returns_the_same_report_as_the_check_in_process(registry):
    data = csv_file([["53.02.05.2099", "Nakfunu", PERIOD, 1, 1, 1], ROW])
    here, there = check(data, "f.csv", registry), worker.check(data, "f.csv", registry)
    assert there.problems == here.problems and there.counts == here.counts and there.sha256 == here.sha256
    good = csv_file([ROW])
    report = worker.check(good, "good.csv", registry)
    assert report.ok and report.data == good and report.figures.equals(check(good, "good.csv", registry).figures)


def test_a_check_past_its_time_limit_is_stopped_and_reported(registry):
    data = csv_file([ROW] * 20_000)
    report = worker.check(data, "lama.csv", registry, time_limit_s=0.05)
    (problem,) = report.problems
    assert (problem.kind, problem.params["seconds"]) == ("check_timeout", "0.05")
    assert not report.ok and report.file_name == "lama.csv"
    assert "split" in problem.fix("en").lower() and "0.05 seconds" in problem.problem("en")
    assert worker.check(csv_file([ROW]), "f.csv", registry).ok  # a fresh worker takes the next check


@pytest.fixture
def own_worker():
    """The test's own worker process (started with the limits the test sets), none left behind."""

    def stop():
        if worker._worker is not None:
            worker._worker.stop()
            worker._worker = None

    stop()
    yield
    stop()


def status_kb(pid: int, field: str) -> int:
    return int(re.search(rf"^{field}:\s+(\d+) kB", open(f"/proc/{pid}/status").read(), re.M).group(1))


def test_a_check_needing_more_memory_than_the_worker_may_have_is_reported(registry, monkeypatch, own_worker):
    assert worker.check(csv_file([["53.02.05.2099", "Nakfunu", PERIOD, 1, 1, 1]]), "f.csv", registry).error_count == 1
    pid = worker._worker.process.pid
    limit = re.search(r"Max address space\s+(\d+)", open(f"/proc/{pid}/limits").read()).group(1)
    assert int(limit) == worker.CHECK_MEMORY_LIMIT_MB * 1024 * 1024
    ready_mb = status_kb(pid, "VmPeak") // 1024  # a worker holding the registry and its indexes
    worker._worker.stop()
    worker._worker = None
    monkeypatch.setattr(worker, "CHECK_MEMORY_LIMIT_MB", ready_mb + 80)
    villages = registry.codes_at(Level.VILLAGE)
    rows = [[villages[i % len(villages)], f"nama {i}", PERIOD, i, i, i] for i in range(150_000)]  # all different
    data = csv_file(rows)
    report = worker.check(data, "besar.csv", registry, max_bytes=len(data))
    assert [(p.kind, p.params) for p in report.problems] == [("out_of_memory", {"size": f"{len(data) / 2**20:.1f}"})]
    assert report.problems[0].problem("en") == f"There was not enough memory to check this {len(data) / 2**20:.1f} MB file."
    assert report.figures is None and report.data == b""
    monkeypatch.undo()
    assert worker.check(csv_file([ROW]), "f.csv", registry).ok  # the next check has a worker again


def test_running_out_of_memory_in_process_is_a_report_too(registry, monkeypatch):
    def short_of_memory(*args):
        raise MemoryError

    monkeypatch.setattr(importer, "_check_table", short_of_memory)
    report = check(csv_file([ROW]), "besar.csv", registry)
    assert [(p.kind, p.params) for p in report.problems] == [("out_of_memory", {"size": "0.0"})]
    assert report.figures is None and report.data == b""


def test_a_worker_that_grew_big_exits_after_its_reply(registry, own_worker):
    villages = registry.codes_at(Level.VILLAGE)
    rows = [[villages[i % len(villages)], f"nama {i}", PERIOD, i, i, i] for i in range(250_000)]  # 13 MB, all different
    data = csv_file(rows)
    report = worker.check(data, "besar.csv", registry)
    assert report.rows_read == 250_000 and report.error_count
    process = worker._worker.process
    assert process.wait(timeout=30) == 0  # it went, and its memory with it
    assert worker.check(csv_file([ROW]), "f.csv", registry).ok  # a fresh one answers the next check
    assert worker._worker.process.pid != process.pid


def test_the_worker_never_runs_the_app_streamlit_runs_as_main(registry, own_worker, monkeypatch, tmp_path):
    """Streamlit runs ``app.py`` as ``__main__``; a multiprocessing child would run it again, this worker does not."""
    marker = tmp_path / "ran"
    app = tmp_path / "app.py"
    app.write_text(f"open({str(marker)!r}, 'w').close()\n")
    main = type(sys)("__main__")
    main.__file__ = str(app)
    monkeypatch.setitem(sys.modules, "__main__", main)
    assert worker.check(csv_file([ROW]), "f.csv", registry).ok
    assert not marker.exists()
