"""``python -m ucj_dash export``: a region and its children with every count, indicator and source.

Two small hand-made datasets (numbers chosen here, rates worked out by hand) are imported through the
CLI into a temporary store, then exported as CSV, XLSX and JSON: counts, rates, provenance columns,
empty cells for no data (never 0). Bad input exits with code 2, a message in both languages, and no file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from ucj_dash import cli
from ucj_dash.analysis import indicators
from ucj_dash.datasets import figures
from ucj_dash.datasets.dataset import COUNT_COLUMNS, PAIRS
from ucj_dash.exports import records

ROOT = Path(__file__).resolve().parent.parent
KEC = "53.02.05"  # Amanuban Tengah, Kabupaten Timor Tengah Selatan: 11 villages in the registry
VILLAGES_WITH_DATA = ("53.02.05.1010", "53.02.05.2001", "53.02.05.2002", "53.02.05.2003")
# BPJS Ketenagakerjaan participants, December 2024 (the employed-workers column is required but left empty)
PESERTA = """region_code;period;employed_workers;active_participants;registered_participants;vulnerable_workers;vulnerable_covered
53.02.05.2001;2024-12;;231;300;388;97
53.02.05.2002;2024-12;;149;200;301;64
53.02.05.2003;2024-12;;372;400;455;
"""
# Sakernas-like employed workers and population, August 2024 (a stock: stands for December)
SAKERNAS = """region_code;period;employed_workers;active_participants;population
53.02.05.2001;2024-08;1163;;2410
53.02.05.2002;2024-08;842;;1785
53.02.05.1010;2024-08;3395;;6890
53.02.05.2003;2024-08;;;3120
"""
COMPOSITION = "p:peserta-uji,v:peserta-uji,w:sakernas-uji,x:sakernas-uji"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory, manifest):
    """A store with the two datasets, imported by the CLI (kept for the module: exports only read)."""
    folder = tmp_path_factory.mktemp("export")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("UCJ_DATA_DIR", str(folder / "data"))
        figures.forget()
        for dataset_id, text, as_of in (("peserta-uji", PESERTA, "2024-12-31"), ("sakernas-uji", SAKERNAS, "2024-08")):
            path = folder / f"{dataset_id}.csv"
            path.write_text(text, encoding="utf-8")
            code = cli.main(["import", str(path), "--name", dataset_id.replace("-", " ").title(), "--source", "uji",
                             "--as-of", as_of, "--id", dataset_id, "--yes"])
            assert code == 0
        yield folder
        figures.forget()


@pytest.fixture
def out_dir(store_dir, tmp_path, monkeypatch, registry):
    monkeypatch.setenv("UCJ_DATA_DIR", str(store_dir / "data"))
    monkeypatch.setattr(cli, "registry", lambda: registry)  # loaded once for the session, not once per command
    return tmp_path


def export(capsys, out: Path, *args: str, region: str = KEC, fmt: str = "csv") -> tuple[int, str, str]:
    code = cli.main(["export", "--region", region, "--format", fmt, "--out", str(out), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def read_csv(path: Path, lang: str = "id") -> pd.DataFrame:
    return pd.read_csv(path, sep=";", decimal="," if lang == "id" else ".", encoding="utf-8-sig",
                       dtype={"code": str, "period": str, "ucj_numerator_period": str, "ucj_denominator_period": str},
                       keep_default_na=False, na_values=[""]).set_index("code")


def expected_columns() -> list[str]:
    ind = list(indicators.compute(pd.DataFrame({c: [1.0] for c in COUNT_COLUMNS})).columns)
    return [*records.ID_COLUMNS, *COUNT_COLUMNS, *ind, *records.provenance_columns(), "simulated"]


# ---------------------------------------------------------------- what is written


def test_csv_holds_the_region_and_every_child_with_counts_rates_and_sources(out_dir, capsys):
    out = out_dir / "kec.csv"
    code, stdout, err = export(capsys, out, "--composition", COMPOSITION, "--period", "2024-12")
    assert code == 0, err
    assert str(out) in stdout and "12" in stdout
    table = read_csv(out)
    assert out.read_text(encoding="utf-8-sig").splitlines()[0].split(";") == expected_columns()
    assert list(table.index) == [KEC, *[f"{KEC}.{n}" for n in ("1010", *[f"20{i:02d}" for i in range(1, 10)], "2011")]]
    assert table.loc[KEC, "row_type"] == "region" and (table["row_type"].iloc[1:] == "child").all()
    assert table.loc[KEC, "name"] == "Amanuban Tengah" and table.loc["53.02.05.2001", "name"] == "Taebesa"
    assert table.loc[KEC, "level"] == "kec" and table.loc["53.02.05.2001", "level"] == "desa"
    assert (table["period"] == "2024-12").all()

    v1 = table.loc["53.02.05.2001"]
    assert (v1["active_participants"], v1["registered_participants"], v1["employed_workers"], v1["population"]) == (231, 300, 1163, 2410)
    assert v1["ucj_coverage_pct"] == pytest.approx(231 / 1163 * 100)
    assert v1["registered_coverage_pct"] == pytest.approx(300 / 1163 * 100)
    assert v1["vulnerable_coverage_pct"] == pytest.approx(97 / 388 * 100)
    assert v1["uncovered_workers"] == 1163 - 231 and v1["uncovered_vulnerable_workers"] == 388 - 97
    # the numerator from the participants' December, the denominator from Sakernas' August
    assert (v1["ucj_numerator_source"], v1["ucj_numerator_period"]) == ("peserta-uji", "2024-12")
    assert (v1["ucj_denominator_source"], v1["ucj_denominator_period"]) == ("sakernas-uji", "2024-08")
    assert (v1["ucj_based_on_units"], v1["ucj_units_with_data"]) == (1, 1)
    assert str(v1["simulated"]) == "False"  # written as False, read back as a boolean or text

    # the kecamatan: rates on matched sums (villages with both counts: 2001 and 2002), not on all its villages
    kec = table.loc[KEC]
    assert kec["active_participants"] == 231 + 149 + 372 and kec["employed_workers"] == 1163 + 842 + 3395
    assert kec["ucj_coverage_pct"] == pytest.approx((231 + 149) / (1163 + 842) * 100)
    assert kec["uncovered_workers"] == (1163 + 842) - (231 + 149)
    assert kec["vulnerable_coverage_pct"] == pytest.approx((97 + 64) / (388 + 301) * 100)
    assert (kec["ucj_based_on_units"], kec["ucj_units_with_data"]) == (2, 4)
    assert (kec["vulnerable_based_on_units"], kec["vulnerable_units_with_data"]) == (2, 3)
    assert kec["population"] == 2410 + 1785 + 6890 + 3120
    assert kec["gap_to_target_workers"] == pytest.approx((1163 + 842) * kec["target_pct"] / 100 - (231 + 149))

    # one count without the other: that count and its source, no rate (empty, not 0)
    v3 = table.loc["53.02.05.2003"]
    assert v3["active_participants"] == 372 and pd.isna(v3["employed_workers"])
    assert pd.isna(v3["ucj_coverage_pct"]) and pd.isna(v3["uncovered_workers"]) and pd.isna(v3["ucj_based_on_units"])
    assert v3["ucj_numerator_source"] == "peserta-uji" and pd.isna(v3["ucj_denominator_source"]) and v3["ucj_units_with_data"] == 1
    assert pd.isna(v3["vulnerable_covered"]) and pd.isna(v3["vulnerable_coverage_pct"]) and pd.isna(v3["coverage_over_100"])
    niki = table.loc["53.02.05.1010"]
    assert niki["employed_workers"] == 3395 and pd.isna(niki["active_participants"]) and pd.isna(niki["ucj_coverage_pct"])
    assert pd.isna(niki["ucj_numerator_source"]) and niki["ucj_denominator_period"] == "2024-08"

    # a village without any figure: every data cell empty (never 0), only the setting it would be measured against
    empty = table.loc["53.02.05.2004"]
    data_cells = empty.drop(["row_type", "name", "level", "period", "target_pct"])
    assert data_cells.isna().all(), data_cells[data_cells.notna()]
    assert not (table[[c for c in COUNT_COLUMNS]] == 0).any().any()

    # groups without a source: every count and rate of them empty
    assert table[["village_officials", "village_officials_enrolled", "village_official_coverage_pct",
                  "village_officials_numerator_source", "extreme_poor_population", "extreme_poverty_rate_pct"]].isna().all().all()
    assert kec["extreme_poverty_denominator_source"] == "sakernas-uji"  # population is there, the numerator not


def test_decimal_mark_follows_the_language_and_the_default_period_is_the_latest(out_dir, capsys):
    id_file, en_file = out_dir / "id.csv", out_dir / "en.csv"
    assert export(capsys, id_file, "--composition", COMPOSITION)[0] == 0
    assert export(capsys, en_file, "--composition", COMPOSITION, "--lang", "en")[0] == 0
    id_text, en_text = id_file.read_text(encoding="utf-8-sig"), en_file.read_text(encoding="utf-8-sig")
    pct = f"{231 / 1163 * 100!r}"
    assert pct.replace(".", ",") in id_text and pct in en_text
    pd.testing.assert_frame_equal(read_csv(id_file, "id"), read_csv(en_file, "en"))
    assert (read_csv(id_file)["period"] == "2024-12").all()  # the latest period of the participants


def test_xlsx_and_json_hold_the_same_rows_as_the_csv(out_dir, capsys):
    csv_file, xlsx_file, json_file = out_dir / "kec.csv", out_dir / "kec.xlsx", out_dir / "kec.json"
    for path, fmt in ((csv_file, "csv"), (xlsx_file, "xlsx"), (json_file, "json")):
        code, _, err = export(capsys, path, "--composition", COMPOSITION, "--period", "2024-12", fmt=fmt)
        assert code == 0, err
    table = read_csv(csv_file)

    wb = load_workbook(xlsx_file)
    assert wb.sheetnames == ["records", "sources"]
    rows = list(wb["records"].iter_rows(values_only=True))
    assert list(rows[0]) == expected_columns() and len(rows) == 1 + len(table)
    first = dict(zip(rows[0], rows[1]))
    assert first["code"] == KEC and first["active_participants"] == 752 and isinstance(first["active_participants"], int)
    sheet = pd.DataFrame(rows[1:], columns=rows[0], dtype=object).set_index("code")
    assert sheet.loc["53.02.05.2001", "ucj_coverage_pct"] == pytest.approx(231 / 1163 * 100)
    assert sheet.loc["53.02.05.2004", "active_participants"] is None and sheet.loc["53.02.05.2004", "ucj_coverage_pct"] is None
    assert sheet.loc["53.02.05.2001", "ucj_denominator_period"] == "2024-08"
    assert sheet.loc["53.02.05.2001", "simulated"] is False and sheet.loc["53.02.05.2004", "simulated"] is None
    sources = list(wb["sources"].iter_rows(values_only=True))
    assert sources[0][:2] == ("dataset_id", "version")
    assert {r[0]: r[1] for r in sources[1:]} == {"peserta-uji": 1, "sakernas-uji": 1}

    doc = json.loads(json_file.read_text(encoding="utf-8"))
    assert set(doc) == {"region", "period", "composition", "datasets", "generated_at", "rows"}
    assert (doc["region"], doc["period"]) == (KEC, "2024-12")
    assert doc["composition"] == {"participants": "peserta-uji", "workers": "sakernas-uji", "vulnerable": "peserta-uji",
                                  "poverty": "sakernas-uji", "officials": None}
    assert doc["generated_at"].endswith("+00:00")
    by_code = {r["code"]: r for r in doc["rows"]}
    assert list(by_code) == list(table.index) and list(doc["rows"][0]) == expected_columns()
    assert by_code[KEC]["active_participants"] == 752 and by_code[KEC]["ucj_based_on_units"] == 2
    assert by_code["53.02.05.2001"]["ucj_coverage_pct"] == pytest.approx(231 / 1163 * 100)
    assert by_code["53.02.05.2003"]["employed_workers"] is None and by_code["53.02.05.2003"]["ucj_coverage_pct"] is None
    assert by_code["53.02.05.2004"]["simulated"] is None and by_code["53.02.05.2001"]["simulated"] is False
    for code, row in by_code.items():  # the CSV, the workbook and the JSON agree cell by cell
        for column, value in row.items():
            if column == "code":
                continue
            cell, xcell = table.loc[code, column], sheet.loc[code, column]
            if value is None:
                assert pd.isna(cell) and xcell is None, (code, column)
            elif isinstance(value, float):
                assert cell == pytest.approx(value) and xcell == pytest.approx(value), (code, column)
            else:
                assert cell == value and xcell == value, (code, column)


def test_a_village_has_one_row_and_undotted_codes_are_read(out_dir, capsys):
    out = out_dir / "desa.json"
    code, _, err = export(capsys, out, "--composition", COMPOSITION, region="5302052001", fmt="json")
    assert code == 0, err
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["region"] == "53.02.05.2001" and [r["row_type"] for r in doc["rows"]] == ["region"]
    assert doc["rows"][0]["ucj_coverage_pct"] == pytest.approx(231 / 1163 * 100)


def test_records_is_a_pure_function_of_the_figures(out_dir, registry):
    comp = records.parse_composition(COMPOSITION)
    figs = figures.load(comp)
    table = records.records(figs, registry, "530205", "2024-12")
    assert list(table.columns) == expected_columns() and len(table) == 12
    assert table.loc[0, "code"] == KEC and int(table.loc[0, "active_participants"]) == 752
    for pair in PAIRS:
        assert f"{pair.key}_numerator_source" in table and f"{pair.key}_units_with_data" in table
    # the default composition (no --composition): every group from a dataset that has it
    assert records.parse_composition(None).dataset_ids()


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--region", "99.99"], ["99.99"]),
        (["--region", "abc"], ["abc"]),
        (["--region", KEC, "--period", "2024-13"], ["2024-13", "2024-12"]),
        (["--region", KEC, "--period", "2023-01"], ["2023-01"]),
        (["--region", KEC, "--composition", "p:tidak-ada"], ["p:tidak-ada"]),
        (["--region", KEC, "--composition", "z:peserta-uji"], ["z:peserta-uji"]),
        (["--region", KEC, "--composition", "o:peserta-uji"], ["o:peserta-uji"]),
        (["--region", KEC, "--composition", "p:peserta-uji,w"], ["“w”"]),
    ],
)
def test_bad_input_exits_2_with_a_message_in_both_languages_and_writes_nothing(out_dir, capsys, args, words):
    for fmt in ("csv", "xlsx", "json"):
        out = out_dir / f"x.{fmt}"
        code = cli.main(["export", *args, "--format", fmt, "--out", str(out)])
        err = capsys.readouterr().err
        assert code == 2
        lines = err.strip().splitlines()
        assert len(lines) == 2 and lines[0] != lines[1], err  # Bahasa Indonesia, then English
        assert all(w in err for w in words), err
        assert not out.exists() and list(out_dir.iterdir()) == []


def test_missing_folder_and_real_process_exit_code(out_dir, store_dir):
    target = out_dir / "no-such-folder" / "x.csv"
    proc = subprocess.run(
        [sys.executable, "-m", "ucj_dash", "export", "--region", "5302", "--format", "csv", "--out", str(target)],
        cwd=ROOT, env={**os.environ, "UCJ_DATA_DIR": str(store_dir / "data")}, capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 2 and "no-such-folder" in proc.stderr and "tidak ada" in proc.stderr and "does not exist" in proc.stderr
    assert not target.parent.exists()
    proc = subprocess.run(
        [sys.executable, "-m", "ucj_dash", "export", "--region", "5302", "--period", "2025-02", "--format", "json", "--out",
         str(out_dir / "kab.json")],
        cwd=ROOT, env={**os.environ, "UCJ_DATA_DIR": str(store_dir / "data")}, capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 2 and "2025-02" in proc.stderr and not (out_dir / "kab.json").exists()


def test_no_data_at_all_is_refused(tmp_path, monkeypatch, registry, capsys):
    monkeypatch.setenv("UCJ_DATA_DIR", str(tmp_path / "empty"))
    monkeypatch.setattr(cli, "registry", lambda: registry)
    out = tmp_path / "x.csv"
    code = cli.main(["export", "--region", KEC, "--format", "csv", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and "python -m ucj_dash import" in err and not out.exists()
