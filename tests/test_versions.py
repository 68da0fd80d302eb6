"""Dataset versions from the command line: append a period, replace one, roll back, list, and survive SIGKILL.

``python -m ucj_dash import FILE --append-to ID`` adds a new version (a re-imported period is replaced,
the previous version kept), ``rollback ID VERSION`` makes a new version with an old version's periods,
``versions ID`` lists them. A CLI write killed at any moment leaves the previous version in use and
readable, and what a running app loads (:func:`ucj_dash.datasets.figures.load`) shows a CLI write at once.
The store lives in a temporary folder (``UCJ_DATA_DIR``); the real ``data/`` is never touched.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from ucj_dash import audit, cli
from ucj_dash.datasets import composition, figures, store

ROOT = Path(__file__).resolve().parent.parent
HEADER = "region_code;period;employed_workers;active_participants\n"
VILLAGES = ("53.02.05.2001", "53.02.05.2002", "53.02.05.2003")


@pytest.fixture
def data_dir(tmp_path, monkeypatch, registry):
    path = tmp_path / "data"
    monkeypatch.setenv("UCJ_DATA_DIR", str(path))
    monkeypatch.setattr(cli, "registry", lambda: registry)  # loaded once for the session, not once per command
    figures.forget()
    yield path
    figures.forget()


def _csv(path: Path, period: str, employed: int, active: int, codes=VILLAGES) -> Path:
    """One period of villages, each with ``employed`` workers and ``active`` participants."""
    path.write_text(HEADER + "".join(f"{c};{period};{employed};{active}\n" for c in codes), encoding="utf-8")
    return path


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    """``python -m ucj_dash *argv`` in this process: exit code, standard output, standard error."""
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _create(capsys, tmp_path, dataset_id: str = "kupang") -> None:
    code, _, err = _run(capsys, "import", str(_csv(tmp_path / "nov.csv", "2024-11", 1000, 100)), "--name", "Peserta Kupang",
                          "--source", "BPJS TK Cabang Kupang", "--as-of", "2024-11-30", "--id", dataset_id, "--yes")
    assert code == 0, err


def _append(capsys, csv: Path, dataset_id: str = "kupang", as_of: str = "2024-12-31", lang: str = "en") -> str:
    code, out, err = _run(capsys, "import", str(csv), "--append-to", dataset_id, "--as-of", as_of, "--yes", "--lang", lang)
    assert code == 0, err
    return out


def _period_file(dataset_id: str, version: int, period: str) -> pd.DataFrame:
    entry = store.read_version(dataset_id, version).periods[period]
    return pd.read_parquet(store.dataset_path(dataset_id) / entry.file).set_index("region_code")


def _kec(frame: pd.DataFrame, column: str = "active_participants") -> float:
    return float(frame.loc["53.02.05", column])


def _cli(*args: str, env: dict, prelude: str = "") -> subprocess.Popen:
    """The CLI in its own process (``prelude``: Python run first, e.g. to slow a write down)."""
    code = f"{prelude}\nimport sys\nfrom ucj_dash import cli\nsys.exit(cli.main(sys.argv[1:]))"
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


# ---------------------------------------------------------------- append, replace, roll back, list


def test_append_adds_a_version_with_the_new_period_and_keeps_the_old_one(data_dir, tmp_path, capsys):
    _create(capsys, tmp_path)
    out = _append(capsys, _csv(tmp_path / "dec.csv", "2024-12", 1000, 150))
    assert "version 2" in out and "Periods added: 2024-12" in out and "Periods replaced: –" in out
    ds = store.require("kupang")
    assert ds.version.number == 2 and ds.periods == ["2024-11", "2024-12"]
    assert _kec(ds.at("2024-11")) == 300 and _kec(ds.at("2024-12")) == 450
    assert ds.entry("2024-11").version == 1 and ds.entry("2024-12").version == 2  # the old period is carried, not rewritten
    assert store.read_version("kupang", 1).periods.keys() == {"2024-11"}  # version 1 unchanged
    assert ds.meta.name == "Peserta Kupang"  # name and source stay the dataset's
    entry = audit.recent(3600)[-1]
    assert (entry["action"], entry["outcome"], entry["dataset_id"]) == ("import", "ok", "kupang")
    assert (entry["version"], entry["append"]) == (2, True)


def test_reimported_period_is_replaced_in_a_new_version_and_the_old_version_keeps_its_values(data_dir, tmp_path, capsys):
    _create(capsys, tmp_path)
    _append(capsys, _csv(tmp_path / "dec.csv", "2024-12", 1000, 150))
    out = _append(capsys, _csv(tmp_path / "dec-fixed.csv", "2024-12", 1000, 170), lang="id")
    assert "versi 3" in out and "Periode diganti: 2024-12" in out and "Periode ditambah: –" in out
    ds = store.require("kupang")
    assert ds.version.number == 3 and ds.periods == ["2024-11", "2024-12"]
    assert _kec(ds.at("2024-12")) == 510
    # version 2 still names its own file of December, with the old figures
    assert _kec(_period_file("kupang", 2, "2024-12")) == 450
    assert _kec(_period_file("kupang", 3, "2024-12")) == 510
    assert store.read_version("kupang", 2).periods["2024-12"].file != store.read_version("kupang", 3).periods["2024-12"].file
    # each version keeps the file it was imported from
    assert (store.dataset_path("kupang") / "files" / "0002-source.csv").read_text().count(";150") == 3
    assert (store.dataset_path("kupang") / "files" / "0003-source.csv").read_text().count(";170") == 3


def test_rollback_makes_a_new_version_with_the_old_versions_figures(data_dir, tmp_path, capsys):
    _create(capsys, tmp_path)
    _append(capsys, _csv(tmp_path / "dec.csv", "2024-12", 1000, 150))
    _append(capsys, _csv(tmp_path / "dec-fixed.csv", "2024-12", 1000, 170))
    comp = composition.Composition.of({"participants": "kupang", "workers": "kupang"})
    at_v3 = figures.load(comp)
    assert _kec(at_v3.at("2024-12")) == 510

    code, out, err = _run(capsys, "rollback", "kupang", "2", "--lang", "en")
    assert code == 0, err
    assert "version 4" in out and "version 2" in out
    ds = store.require("kupang")
    assert ds.version.number == 4 and ds.version.action == "rollback" and ds.version.provenance == {"from_version": 2}
    assert ds.version.periods == store.read_version("kupang", 2).periods  # the very same period files
    for period in ("2024-11", "2024-12"):
        pd.testing.assert_frame_equal(ds.at(period), _period_file("kupang", 2, period))
    at_v4 = figures.load(comp)
    assert at_v4.key != at_v3.key
    assert _kec(at_v4.at("2024-12")) == 450
    assert float(at_v4.at("2024-12").loc["53.02.05", "ucj__part"]) == 450  # the matched sums of version 2 too
    pd.testing.assert_frame_equal(at_v4.at("2024-12"), figures.Figures(comp, {"kupang": store.Dataset(
        ds.meta, store.read_version("kupang", 2), ds.path)}).at("2024-12"))
    assert store.versions("kupang")[2].periods["2024-12"].file != ds.version.periods["2024-12"].file  # version 3 kept
    entry = audit.recent(3600)[-1]
    assert (entry["action"], entry["outcome"], entry["dataset_id"]) == ("rollback", "ok", "kupang")
    assert (entry["from_version"], entry["version"]) == (2, 4)


def test_rollback_refuses_what_is_not_there(data_dir, tmp_path, capsys):
    _create(capsys, tmp_path)
    for args, words in ((("kupang", "9"), ("9", "kupang")), (("kupang", "dua"), ("dua",)), (("nope", "1"), ("nope",)),
                        (("demo-peserta", "1"), ("simulasi", "simulated"))):
        code, out, err = _run(capsys, "rollback", *args)
        assert code == 2, (args, out)
        assert all(w in err for w in words), err
        assert len(err.strip().splitlines()) == 2  # Bahasa Indonesia, then English
    assert store.require("kupang").version.number == 1 and store.latest_version_number("kupang") == 1
    assert [e["outcome"] for e in audit.recent(3600) if e["action"] == "rollback"] == ["refused"] * 4


def test_versions_lists_every_version_with_its_file_and_the_current_one(data_dir, tmp_path, capsys):
    _create(capsys, tmp_path)
    dec = _csv(tmp_path / "dec.csv", "2024-12", 1000, 150)
    _append(capsys, dec)
    assert _run(capsys, "rollback", "kupang", "1")[0] == 0
    code, out, err = _run(capsys, "versions", "kupang", "--lang", "en")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("Dataset kupang (“Peserta Kupang”)") and "versions: 3" in lines[0] and "version 3" in lines[0]
    heads = [line for line in lines if line[:6].strip().lstrip("*").strip().isdigit()]
    assert [h.split()[0:2] for h in heads] == [["1", "created"], ["2", "periods"], ["*", "3"]]
    text = "\n".join(lines)
    sha_dec = store.read_version("kupang", 2).provenance["file_sha256"]
    sha_nov = store.read_version("kupang", 1).provenance["file_sha256"]
    assert f"file: dec.csv (sha256 {sha_dec[:12]}…)" in text and f"file: nov.csv (sha256 {sha_nov[:12]}…)" in text
    assert "periods: 2024-11, 2024-12; written by this version: 2024-12" in text
    assert "the periods of version 1" in text
    assert lines[-1].startswith("Version in use: 3.")
    code, out, _ = _run(capsys, "versions", "kupang")
    assert code == 0 and "jumlah versi: 3" in out and "berkas: dec.csv" in out
    code, _, err = _run(capsys, "versions", "nope")
    assert code == 2 and "nope" in err


def test_append_refuses_a_dataset_that_is_not_there_or_built_in_and_writes_nothing(data_dir, tmp_path, capsys):
    _create(capsys, tmp_path)
    dec = _csv(tmp_path / "dec.csv", "2024-12", 1000, 150)
    for target in ("nope", "demo-peserta"):
        code, _, err = _run(capsys, "import", str(dec), "--append-to", target, "--as-of", "2024-12", "--yes")
        assert code == 2 and len(err.strip().splitlines()) == 2, err
    code, _, err = _run(capsys, "import", str(dec), "--append-to", "kupang", "--as-of", "Desember", "--yes")
    assert code == 2 and "Desember" in err
    code, _, err = _run(capsys, "import", str(dec), "--as-of", "2024-12", "--yes")  # a new dataset needs its name
    assert code == 2
    assert store.latest_version_number("kupang") == 1 and [m.id for m in store.list_datasets()] == ["kupang"]


# ---------------------------------------------------------------- other processes: a running app, SIGKILL


def test_a_cli_append_shows_in_what_a_running_app_loads(data_dir, tmp_path, capsys):
    _create(capsys, tmp_path)
    comp = composition.default()  # what a page would use: the only dataset provides its groups
    assert comp.source("participants") == "kupang" and comp.source("workers") == "kupang"
    before = figures.load(comp)
    assert before.periods == ["2024-11"] and _kec(before.at("2024-11")) == 300
    state = store.state()

    proc = _cli("import", str(_csv(tmp_path / "dec.csv", "2024-12", 1000, 150)), "--append-to", "kupang",
                "--as-of", "2024-12-31", "--yes", env={**os.environ})
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err

    assert store.state() != state and dict(store.state())["kupang"] == 2
    after = figures.load(comp)
    assert after.key != before.key and ("kupang", 2) in after.key[1]
    assert after.periods == ["2024-11", "2024-12"] and after.latest_period == "2024-12"
    assert _kec(after.at("2024-12")) == 450
    assert before.periods == ["2024-11"]  # what was loaded before stays as it was


def _big_csv(path: Path, registry, seed: int, periods: int = 12) -> Path:
    """Every village of Nusa Tenggara Timur for ``periods`` months of 2023 (a write that takes a while)."""
    rng = random.Random(seed)
    codes = registry.descendants("53", 4)
    with path.open("w", encoding="utf-8") as f:
        f.write(HEADER)
        for month in range(1, periods + 1):
            f.writelines(f"{c};2023-{month:02d};{rng.randint(500, 3000)};{rng.randint(10, 400)}\n" for c in codes)
    return path


def _wait_for(folder: Path, proc: subprocess.Popen, seen: set, wanted, timeout: float = 120) -> str | None:
    """Poll ``folder`` until an entry not in ``seen`` satisfies ``wanted`` (its name), or the process ends."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            names = set(os.listdir(folder))
        except FileNotFoundError:
            names = set()
        found = sorted(n for n in names - seen if wanted(n))
        if found:
            return found[0]
        time.sleep(0.0005)
    return None


def _assert_whole(dataset_id: str, previous: int, new_periods: list[str]) -> int:
    """The dataset loads; it is at ``previous`` (with its figures) or, when the append got as far as
    switching, at a later version holding every new period whole. Returns the version in use."""
    ds = store.load(dataset_id)
    assert ds.version.number >= previous
    assert _kec(ds.at("2024-11")) == 300
    if ds.version.number == previous:
        assert ds.version == store.read_version(dataset_id, previous)
    else:
        assert set(new_periods) <= set(ds.periods)
        for period in new_periods:
            assert ds.at(period).loc["53", "active_participants"] > 0
    return ds.version.number


def test_an_append_killed_while_writing_leaves_the_previous_version_in_use(data_dir, tmp_path, capsys, registry):
    _create(capsys, tmp_path)
    periods_dir = store.dataset_path("kupang") / "periods"
    env = {**os.environ}
    new_periods = [f"2023-{m:02d}" for m in range(1, 13)]
    rng = random.Random(20261122)
    caught_temp = False
    for attempt in range(4):
        previous = store.current_version_number("kupang")
        seen = set(os.listdir(periods_dir))
        proc = _cli("import", str(_big_csv(tmp_path / f"big{attempt}.csv", registry, seed=attempt)), "--append-to", "kupang",
                    "--as-of", "2023-12", "--yes", env=env)
        if attempt == 0:  # at the first temporary file of a period being written
            hit = _wait_for(periods_dir, proc, seen, lambda n: ".tmp-" in n)
        else:  # somewhere in writing the periods, the version or CURRENT
            hit = _wait_for(periods_dir, proc, seen, lambda n: True)
            time.sleep(rng.uniform(0.0, 1.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert hit is not None, proc.communicate()
        caught_temp |= any(".tmp-" in n for n in os.listdir(periods_dir))
        now = _assert_whole("kupang", previous, new_periods)
        if attempt == 0:
            assert now == previous  # killed among the period files: the version was never switched
        figs = figures.load(composition.default())
        assert "2024-11" in figs.periods and _kec(figs.at("2024-11")) == 300
    removed = store.remove_leftovers()
    left = [p.name for folder in (store.datasets_dir(), store.dataset_path("kupang"), periods_dir,
                                  store.dataset_path("kupang") / "versions") for p in folder.iterdir()]
    assert not [n for n in left if ".tmp-" in n or ".old-" in n], left
    assert caught_temp == any(".tmp-" in p.name and p.parent == periods_dir for p in removed)
    _assert_whole("kupang", 1, new_periods)


def test_a_killed_append_leaves_a_temporary_file_that_remove_leftovers_clears(data_dir, tmp_path, capsys):
    """The write held at the moment a period file's temporary copy is on disk (before its rename), then killed."""
    _create(capsys, tmp_path)
    _append(capsys, _csv(tmp_path / "dec.csv", "2024-12", 1000, 150))
    periods_dir = store.dataset_path("kupang") / "periods"
    seen = set(os.listdir(periods_dir))
    hold = (
        "import pathlib, time\n"
        "_write = pathlib.Path.write_bytes\n"
        "def write_bytes(self, data):\n"
        "    n = _write(self, data)\n"
        "    if self.parent.name == 'periods' and '.tmp-' in self.name:\n"
        "        time.sleep(120)\n"
        "    return n\n"
        "pathlib.Path.write_bytes = write_bytes\n"
    )
    proc = _cli("import", str(_csv(tmp_path / "jan.csv", "2025-01", 1000, 190)), "--append-to", "kupang",
                "--as-of", "2025-01-31", "--yes", env={**os.environ}, prelude=hold)
    try:
        temp = _wait_for(periods_dir, proc, seen, lambda n: ".tmp-" in n, timeout=60)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert temp is not None, proc.communicate()
    assert (periods_dir / temp).exists()

    ds = store.load("kupang")  # version 2 still in use, whole and readable
    assert ds.version.number == 2 and ds.periods == ["2024-11", "2024-12"] and store.latest_version_number("kupang") == 2
    assert _kec(ds.at("2024-12")) == 450
    assert [v.number for v in store.versions("kupang")] == [1, 2]
    assert figures.load(composition.default()).periods == ["2024-11", "2024-12"]

    removed = store.remove_leftovers()
    assert periods_dir / temp in removed and not (periods_dir / temp).exists()
    assert not [n for n in os.listdir(periods_dir) if n.startswith(".")]
    # and the next append works
    out = _append(capsys, _csv(tmp_path / "jan.csv", "2025-01", 1000, 190))
    assert "version 3" in out and "Periods added: 2025-01" in out
    assert _kec(store.load("kupang").at("2025-01")) == 570
    assert json.loads((store.dataset_path("kupang") / "versions" / "0003.json").read_text())["action"] == "append"
