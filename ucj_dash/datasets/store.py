"""Datasets on disk, versioned: nothing an upload does is ever lost.

``data/datasets/<id>/`` holds::

    meta.json                       name, source, simulated, description (DatasetMeta)
    periods/<YYYY-MM>-<sha8>.parquet one period rolled up to every level (immutable, named by content)
    history/<YYYY>-<sha8>.parquet   every period of one year, for trends (immutable, named by content)
    history/coarse-<sha8>.parquet   every period's nation, province and kabupaten rows (trends down to there)
    versions/<NNNN>.json            a version: which period file is each period, with its provenance
    files/<NNNN>-source.<ext>       the file each version was imported from
    CURRENT                         the number of the version in use

A period file holds ``region_code, level, given, reporting``, every count and the
matched sums of every pair both of whose counts it has, sorted by level and code
(so a subtree at a level is one contiguous range). A new dataset is written into a
temporary folder and renamed into place; an append writes its period files and
version first and then replaces ``CURRENT`` (atomic), so a crash at any point
leaves the previous version in use. Writers take turns (:func:`writing`).

With a shared store configured (``UCJ_STORE_URL``), every dataset but the built-in simulated sources
(``demo-*``, build artefacts of every replica) lives in PostgreSQL instead: the functions below hand
those to :mod:`ucj_dash.datasets.pgstore`, which keeps the same versions, periods and messages, so
callers never ask which store they use.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import io
import json
import os
import re
import shutil
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ucj_dash.analysis import matched
from ucj_dash.database import connection
from ucj_dash.datasets.dataset import COUNT_COLUMNS, PAIRS, DatasetMeta, roll_up
from ucj_dash.errors import UserError
from ucj_dash.geography.regions import NATION_CODE, level_of
from ucj_dash.paths import data_dir

#: the built-in simulated sources (:mod:`ucj_dash.datasets.demo`): never deleted, never replaced by an upload
DEMO_PREFIX = "demo-"
CURRENT_FILE = "CURRENT"
#: the finest level (kabupaten/kota) of the rows kept together in a version's coarse file
COARSE_MAX_LEVEL = 2
#: rows per Parquet row group: a trend reads one or two groups of a year file, and a footer of ~70
#: groups (a national village-level year) is read in under 2 ms (4,096 rows: 270 groups, 7–9 ms)
ROW_GROUP_ROWS = 16_384


def is_demo(dataset_id: str) -> bool:
    return dataset_id.startswith(DEMO_PREFIX)


def shared(dataset_id: str) -> bool:
    """True when ``dataset_id`` lives in the shared store (one is configured and it is no built-in source)."""
    return connection.store_url() is not None and not is_demo(dataset_id or "")


def _pg():
    from ucj_dash.datasets import pgstore  # imports this module: loaded on first use

    return pgstore


def datasets_dir() -> Path:
    return data_dir() / "datasets"


def dataset_path(dataset_id: str) -> Path:
    return datasets_dir() / dataset_id


def location(dataset_id: str) -> str:
    """Where ``dataset_id`` is kept, for messages: its folder, or the shared store's server and database
    (never the password)."""
    if shared(dataset_id):
        where, database, _user = connection.describe(connection.parse(connection.store_url()))
        return f"PostgreSQL {where}/{database}"
    return str(dataset_path(dataset_id))


# ---- one period: rolled up, matched, written once


def pairs_of(counts) -> list:
    """The pairs (:data:`~ucj_dash.datasets.dataset.PAIRS`) both of whose counts are among ``counts``: those a
    stored period holds matched sums of."""
    present = set(counts)
    return [p for p in PAIRS if p.part in present and p.whole in present]


def period_frame(figures: pd.DataFrame) -> pd.DataFrame:
    """The stored table of one period's figures (as given, any levels): rolled up to every level, with the
    matched sums of each pair whose two counts are both present, sorted by level and code."""
    rolled = roll_up(figures).drop(columns="period")
    pairs = pairs_of(c for c in COUNT_COLUMNS if rolled[c].notna().any())
    rolled = pd.concat([rolled, matched.pair_columns(rolled, pairs)], axis=1)
    rolled["level"] = rolled["level"].astype("int8")
    rolled["reporting"] = rolled["reporting"].astype("float64")
    return rolled.sort_values(["level", "region_code"], ignore_index=True)


def _finest_levels(frame: pd.DataFrame) -> dict[str, int]:
    """For each count present, the finest level at which it is given (not summed)."""
    given = frame[frame["given"]]
    return {c: int(given.loc[given[c].notna(), "level"].max()) for c in COUNT_COLUMNS if given[c].notna().any()}


@dataclass(frozen=True)
class PeriodEntry:
    """One period of a version: its file and what it holds."""

    file: str  # relative to the dataset folder
    columns: tuple[str, ...]  # counts present (any non-empty value)
    finest: dict  # count -> finest level given (int)
    rows: int  # rows given in the upload
    version: int  # the version that wrote this period
    as_of: str  # as-of the uploader stated
    uploaded_at: str

    def to_dict(self) -> dict:
        return {"file": self.file, "columns": list(self.columns), "finest": self.finest, "rows": self.rows,
                "version": self.version, "as_of": self.as_of, "uploaded_at": self.uploaded_at}

    @classmethod
    def from_dict(cls, d: dict) -> "PeriodEntry":
        return cls(d["file"], tuple(d["columns"]), {k: int(v) for k, v in d["finest"].items()}, int(d["rows"]),
                   int(d["version"]), d.get("as_of", ""), d.get("uploaded_at", ""))


@dataclass(frozen=True)
class Version:
    """A version of a dataset: its periods, and how it came to be (``action``: create / append / rollback)."""

    number: int
    action: str
    created_at: str
    periods: dict  # period -> PeriodEntry
    provenance: dict = field(default_factory=dict)  # the upload's record (:func:`provenance`), or {"from_version": n}
    history: dict = field(default_factory=dict)  # year -> file of every period of that year (:func:`_write_history`)
    coarse: str = ""  # file of every period's nation, province and kabupaten rows (:func:`_write_coarse`)

    def to_dict(self) -> dict:
        return {"number": self.number, "action": self.action, "created_at": self.created_at,
                "periods": {p: e.to_dict() for p, e in sorted(self.periods.items())}, "provenance": self.provenance,
                "history": dict(sorted(self.history.items())), "coarse": self.coarse}

    @classmethod
    def from_dict(cls, d: dict) -> "Version":
        return cls(int(d["number"]), d["action"], d["created_at"],
                   {p: PeriodEntry.from_dict(e) for p, e in d["periods"].items()}, d.get("provenance", {}), d.get("history", {}),
                   d.get("coarse", ""))


@dataclass(frozen=True)
class _RowGroupIndex:
    """A history file's footer and, per row group, the range of levels and region codes it holds."""

    metadata: pq.FileMetaData
    level_min: np.ndarray
    level_max: np.ndarray
    code_min: np.ndarray
    code_max: np.ndarray

    def row_groups(self, code: str, min_level: int, max_level: int) -> list[int]:
        """The row groups that can hold rows of ``code``'s subtree (``NATION_CODE``: any) at those levels."""
        wanted = (self.level_min <= max_level) & (self.level_max >= min_level)
        if code != NATION_CODE:
            wanted &= (self.code_max >= code) & (self.code_min < code + "/")
        return np.flatnonzero(wanted).tolist()


@functools.lru_cache(maxsize=64)
def _row_group_index(path: str) -> _RowGroupIndex:
    """The footer and row-group ranges of a history file, read once (files never change; 64 kept)."""
    metadata = pq.read_metadata(path)
    names = metadata.schema.names
    level, code = names.index("level"), names.index("region_code")
    stats = [(metadata.row_group(i).column(level).statistics, metadata.row_group(i).column(code).statistics)
             for i in range(metadata.num_row_groups)]
    return _RowGroupIndex(
        metadata,
        np.array([lv.min for lv, _ in stats], dtype="int64"), np.array([lv.max for lv, _ in stats], dtype="int64"),
        np.array([c.min for _, c in stats], dtype=str), np.array([c.max for _, c in stats], dtype=str),
    )


#: period files up to this size on disk (kabupaten-level and smaller: a yearly denominator serves twelve
#: months) are kept in memory once read; a national village-level period (~5 MB) is read when composed,
#: and only the composed frame is kept (:mod:`ucj_dash.datasets.figures`)
CACHED_PERIOD_FILE_BYTES = 1_000_000


def _read_period_file(path: str) -> pd.DataFrame:
    """A period file, indexed by region code (do not modify)."""
    if os.path.getsize(path) <= CACHED_PERIOD_FILE_BYTES:
        return _read_small_period_file(path)
    return pd.read_parquet(path).set_index("region_code")


@functools.lru_cache(maxsize=32)
def _read_small_period_file(path: str) -> pd.DataFrame:
    """A small period file (files never change: cached by path, 32 kept)."""
    return pd.read_parquet(path).set_index("region_code")


class Dataset:
    """A stored dataset at one version: metadata, periods and the columns each holds."""

    def __init__(self, meta: DatasetMeta, version: Version, path: Path):
        self.meta = meta
        self.version = version
        self.path = path
        self.periods = sorted(version.periods)
        self._periods_with = {c: [p for p in self.periods if c in version.periods[p].columns] for c in COUNT_COLUMNS}

    @property
    def key(self) -> tuple[str, int]:
        """What identifies these figures in a cache: the id and the version number."""
        return self.meta.id, self.version.number

    @property
    def latest_period(self) -> str:
        return self.periods[-1]

    def entry(self, period: str) -> PeriodEntry:
        return self.version.periods[period]

    def columns(self) -> list[str]:
        """Counts present in any period, in the model's order."""
        present = {c for e in self.version.periods.values() for c in e.columns}
        return [c for c in COUNT_COLUMNS if c in present]

    def periods_with(self, column: str) -> list[str]:
        """The periods that hold ``column`` (sorted; do not modify)."""
        return self._periods_with[column]

    def at(self, period: str) -> pd.DataFrame:
        """The period's stored table, indexed by region code (every level; do not modify)."""
        return _read_period_file(str(self.path / self.entry(period).file))

    def history(self, code: str, max_level: int, columns: list[str]) -> pd.DataFrame:
        """Rows of ``code`` and its descendants down to ``max_level`` in every period (column ``period``), with
        those of ``columns`` the dataset has.

        Reads the version's coarse file when ``max_level`` is at most a kabupaten, else its year files
        (every period of a year, sorted by level, code and period), and in them only the row groups that
        can hold those rows: a 60-month trend reads one to five small slices.
        """
        own = 0 if code == NATION_CODE else int(level_of(code))
        parts = []
        coarse = max_level <= COARSE_MAX_LEVEL and self.version.coarse
        for name in [self.version.coarse] if coarse else [f for _, f in sorted(self.version.history.items())]:
            path = str(self.path / name)
            index = _row_group_index(path)
            groups = index.row_groups(code, own, max_level)
            if not groups:
                continue
            present = set(index.metadata.schema.names)
            names = ["region_code", "period", "level", "given", *[c for c in columns if c in present]]
            table = pq.ParquetFile(path, metadata=index.metadata).read_row_groups(groups, columns=names)
            keep = pc.and_(pc.greater_equal(table["level"], own), pc.less_equal(table["level"], max_level))
            if code != NATION_CODE:
                keep = pc.and_(keep, pc.and_(pc.greater_equal(table["region_code"], code), pc.less(table["region_code"], code + "/")))
            parts.append(table.filter(keep))
        if not parts:
            return pd.DataFrame(columns=["region_code", "period", "level", "given", *columns])
        return pa.concat_tables(parts, promote_options="default").to_pandas()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _write_atomic(path: Path, content: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    tmp.write_bytes(content)
    os.replace(tmp, path)


def _write_periods(folder: Path, figures: pd.DataFrame, number: int, as_of: str, uploaded_at: str) -> dict[str, PeriodEntry]:
    """Write one file per period of ``figures`` (as given) into ``folder/periods``; their entries."""
    (folder / "periods").mkdir(parents=True, exist_ok=True)
    entries = {}
    for period, rows in figures.groupby("period", sort=True):
        frame = period_frame(rows)
        name = _write_content(folder, f"periods/{period}", frame)
        columns = tuple(c for c in COUNT_COLUMNS if c in rows and rows[c].notna().any())
        entries[period] = PeriodEntry(name, columns, _finest_levels(frame), len(rows), number, as_of, uploaded_at)
    return entries


def _write_history(folder: Path, periods: dict[str, PeriodEntry], years: set[str], history: dict[str, str]) -> dict[str, str]:
    """Year files of ``years`` (every period of the year from ``periods``, sorted by level, code and period)
    written into ``folder/history``; ``history`` with those years replaced."""
    (folder / "history").mkdir(parents=True, exist_ok=True)
    out = {y: f for y, f in history.items() if y not in years}
    for year in sorted(years):
        frames = [pd.read_parquet(folder / e.file).assign(period=p) for p, e in sorted(periods.items()) if p[:4] == year]
        if not frames:
            continue
        frame = pd.concat(frames, ignore_index=True).sort_values(["level", "region_code", "period"], ignore_index=True)
        out[year] = _write_content(folder, f"history/{year}", frame)
    return out


def _write_coarse(folder: Path, periods: dict[str, PeriodEntry], previous: str = "", changed: set[str] | None = None) -> str:
    """The file of every period's rows at levels up to :data:`COARSE_MAX_LEVEL` (sorted by level, code and
    period, as the year files): a trend of a kabupaten or above reads this one small file. ``previous``
    (a coarse file of the version before) gives the rows of the periods not in ``changed``."""
    frames = []
    if previous:
        kept = pd.read_parquet(folder / previous)
        frames.append(kept[kept["period"].isin([p for p in periods if p not in changed])])
    for period, entry in sorted(periods.items()):
        if not previous or period in changed:
            frames.append(pd.read_parquet(folder / entry.file, filters=[("level", "<=", COARSE_MAX_LEVEL)]).assign(period=period))
    frame = pd.concat(frames, ignore_index=True).sort_values(["level", "region_code", "period"], ignore_index=True)
    return _write_content(folder, "history/coarse", frame)


def _write_content(folder: Path, stem: str, frame: pd.DataFrame) -> str:
    """Write ``frame`` as ``<stem>-<sha8>.parquet`` (named by content; an existing file is kept); its name."""
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), buffer, compression="zstd", row_group_size=ROW_GROUP_ROWS)
    content = buffer.getvalue()
    name = f"{stem}-{hashlib.sha256(content).hexdigest()[:8]}.parquet"
    if not (folder / name).exists():
        _write_atomic(folder / name, content)
    return name


def _write_version(folder: Path, version: Version, files: dict[str, bytes] | None) -> None:
    (folder / "versions").mkdir(parents=True, exist_ok=True)
    (folder / "files").mkdir(parents=True, exist_ok=True)
    for name, content in (files or {}).items():
        _write_atomic(folder / "files" / f"{version.number:04d}-{name}", content)
    _write_atomic(folder / "versions" / f"{version.number:04d}.json",
                  json.dumps(version.to_dict(), ensure_ascii=False, indent=1).encode("utf-8"))
    _write_atomic(folder / CURRENT_FILE, f"{version.number:04d}\n".encode())


def save(meta: DatasetMeta, figures: pd.DataFrame, files: dict[str, bytes] | None = None, upload: dict | None = None) -> Dataset:
    """Write a whole new dataset (replacing one of the same id), atomically: version 1 holds ``figures``
    (as given, any levels and periods). ``upload`` is the provenance record of the imported file."""
    if shared(meta.id):
        return _pg().save(meta, figures, files, upload)
    final = dataset_path(meta.id)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.with_name(f".{final.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    tmp.mkdir()
    old = None
    try:
        created = meta.created_at or _now()
        entries = _write_periods(tmp, figures, 1, meta.as_of, created)
        history = _write_history(tmp, entries, {p[:4] for p in entries}, {})
        coarse = _write_coarse(tmp, entries)
        _write_version(tmp, Version(1, "create", created, entries, upload or {}, history, coarse), files)
        (tmp / "meta.json").write_text(json.dumps(meta.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
        with writing():  # the swap: two saves of one id never interleave their renames
            if final.exists():
                old = final.with_name(f".{final.name}.old-{os.getpid()}-{uuid.uuid4().hex[:8]}")
                final.rename(old)
            tmp.rename(final)
            saved = load(meta.id)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)  # never leave a half-written folder behind
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return saved


def append(dataset_id: str, figures: pd.DataFrame, as_of: str, files: dict[str, bytes] | None = None,
           upload: dict | None = None) -> Dataset:
    """Add the periods of ``figures`` to a stored dataset as a new version; a period it has already is
    replaced in the new version (the previous version keeps it: :func:`roll_back`)."""
    if shared(dataset_id):
        return _pg().append(dataset_id, figures, as_of, files, upload)
    with writing():
        current = load(dataset_id)
        number = latest_version_number(dataset_id) + 1
        folder = dataset_path(dataset_id)
        uploaded_at = (upload or {}).get("uploaded_at", _now())
        added = _write_periods(folder, figures, number, as_of, uploaded_at)
        entries = {**current.version.periods, **added}
        history = _write_history(folder, entries, {p[:4] for p in added}, current.version.history)
        coarse = _write_coarse(folder, entries, current.version.coarse, set(added))
        _write_version(folder, Version(number, "append", uploaded_at, entries, upload or {}, history, coarse), files)
    return load(dataset_id)


def roll_back(dataset_id: str, to_version: int) -> Dataset:
    """Make the periods of an earlier version current again, as a new version (history stays whole)."""
    if shared(dataset_id):
        return _pg().roll_back(dataset_id, to_version)
    with writing():
        target = read_version(dataset_id, to_version)
        number = latest_version_number(dataset_id) + 1
        _write_version(dataset_path(dataset_id),
                       Version(number, "rollback", _now(), target.periods, {"from_version": to_version}, target.history,
                               target.coarse), None)
    return load(dataset_id)


def versions(dataset_id: str) -> list[Version]:
    """Every version of a dataset, oldest first."""
    if shared(dataset_id):
        return _pg().versions(dataset_id)
    folder = dataset_path(dataset_id) / "versions"
    return [Version.from_dict(json.loads(p.read_text(encoding="utf-8"))) for p in sorted(folder.glob("[0-9]*.json"))]


def latest_version_number(dataset_id: str) -> int:
    if shared(dataset_id):
        return _pg().latest_version_number(dataset_id)
    names = sorted((dataset_path(dataset_id) / "versions").glob("[0-9]*.json"))
    return int(names[-1].stem) if names else 0


def read_version(dataset_id: str, number: int) -> Version:
    if shared(dataset_id) and ID_RE.match(dataset_id or ""):
        return _pg().read_version(dataset_id, number)
    path = dataset_path(dataset_id) / "versions" / f"{int(number):04d}.json"
    if not ID_RE.match(dataset_id or "") or not path.is_file():
        raise UserError("data.error.no_version", id=str(dataset_id)[:70], version=str(number)[:10])
    return Version.from_dict(json.loads(path.read_text(encoding="utf-8")))


def current_version_number(dataset_id: str) -> int:
    """The version in use (read on every call: cheap, and a write by another process shows at once)."""
    if shared(dataset_id):
        return _pg().current_version_number(dataset_id)
    return int((dataset_path(dataset_id) / CURRENT_FILE).read_text(encoding="ascii").strip())


def load(dataset_id: str) -> Dataset:
    """The dataset at its current version (parsed once per version: a page asks for it many times a rerun)."""
    if shared(dataset_id):
        return _pg().load(dataset_id)
    current = dataset_path(dataset_id) / CURRENT_FILE
    stat = current.stat()  # CURRENT is replaced on every write: a new inode, also when a deleted id is reused
    return _load(str(current.parent), stat.st_ino, stat.st_mtime_ns)


@functools.lru_cache(maxsize=64)
def _load(folder: str, _inode: int, _mtime_ns: int) -> Dataset:
    path = Path(folder)
    number = int((path / CURRENT_FILE).read_text(encoding="ascii").strip())
    return Dataset(read_meta(path.name), read_version(path.name, number), path)


def state() -> tuple[tuple[str, int], ...]:
    """``(id, current version)`` of every stored dataset: what caches are keyed on, so a write by any
    process (an import from the command line) or replica shows on the next rerun."""
    out = []
    for path in sorted(datasets_dir().iterdir()) if datasets_dir().is_dir() else ():
        if path.name.startswith(".") or shared(path.name):  # a write in progress or killed; not this store's
            continue
        try:
            out.append((path.name, int((path / CURRENT_FILE).read_text(encoding="ascii").strip())))
        except (OSError, ValueError):
            continue
    if connection.store_url():
        out.extend(_pg().state())
    return tuple(sorted(out))


#: names of the temporary folders and files writes use: ``.<name>.tmp-<pid>-<hex>`` etc.
_LEFTOVER_RE = re.compile(r"^\.[A-Za-z0-9][A-Za-z0-9_.-]{0,80}\.(tmp|old|deleted)-(\d+)?-?[0-9a-f]{8}$")


def remove_leftovers() -> list[Path]:
    """Remove temporary folders and files left by a write that was killed (its process is gone).

    Those of a process still alive are kept: it may be writing right now. Returns what was removed.
    """
    if not datasets_dir().is_dir():
        return []
    removed = []
    candidates = list(datasets_dir().iterdir())
    for folder in [p for p in candidates if p.is_dir() and not p.name.startswith(".")]:
        for sub in (folder, folder / "periods", folder / "history", folder / "versions", folder / "files"):
            if sub.is_dir():
                candidates.extend(sub.iterdir())
    for path in candidates:
        match = _LEFTOVER_RE.match(path.name)
        if match and not (match.group(2) and _alive(int(match.group(2)))):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_held = threading.local()


@contextmanager
def writing():
    """Hold the store's write lock (an ``flock`` on the ``datasets/`` folder itself, released by the
    kernel when its holder dies): writers that must see the store unchanged between a check and a
    write, in any process, take turns. Only the write waits, never an import's check."""
    if getattr(_held, "depth", 0):  # this thread holds it already (a save inside save_new)
        _held.depth += 1
        try:
            yield
        finally:
            _held.depth -= 1
        return
    datasets_dir().mkdir(parents=True, exist_ok=True)
    fd = os.open(datasets_dir(), os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        _held.depth = 1
        yield
    finally:
        _held.depth = 0
        os.close(fd)


def save_new(meta: DatasetMeta, figures: pd.DataFrame, files: dict[str, bytes] | None = None, upload: dict | None = None) -> Dataset:
    """Store a dataset under an id that must be new (:func:`check_new_id`), checked and written under
    the store's write lock: of two imports under one id at once, one is stored and the other is refused
    with a message, never both reported stored with one lost."""
    if shared(meta.id):
        check_new_id(meta.id)  # the form; the shared store checks again under its lock, in the writing transaction
        return _pg().save(meta, figures, files, upload, must_be_new=True)
    with writing():
        check_new_id(meta.id)
        return save(meta, figures, files, upload)


def read_meta(dataset_id: str) -> DatasetMeta:
    if shared(dataset_id):
        return _pg().read_meta(dataset_id)
    return DatasetMeta.from_dict(json.loads((dataset_path(dataset_id) / "meta.json").read_text(encoding="utf-8")))


def list_datasets() -> list[DatasetMeta]:
    """Metadata of every stored dataset, the built-in (simulated) sources first."""
    metas = []
    for path in sorted(datasets_dir().iterdir()) if datasets_dir().is_dir() else ():
        if path.name.startswith(".") or shared(path.name) or not (path / "meta.json").is_file() \
                or not (path / CURRENT_FILE).is_file():
            continue
        metas.append(read_meta(path.name))
    if connection.store_url():
        metas.extend(_pg().list_datasets())
    return sorted(metas, key=lambda m: (not is_demo(m.id), m.name))


def exists(dataset_id: str) -> bool:
    if not ID_RE.match(dataset_id or ""):
        return False
    if shared(dataset_id):
        return _pg().exists(dataset_id)
    return (dataset_path(dataset_id) / CURRENT_FILE).is_file()


# ---- imported datasets: ids, provenance, delete

ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def new_id(name: str, sha256: str) -> str:
    """An id for a dataset imported as ``name`` from a file with checksum ``sha256``.

    ``<slug of name>-<first 8 hex of the checksum>``: readable, and the same
    file imported twice under the same name gets the same id (so it is refused
    instead of stored twice).
    """
    from ucj_dash.geography.regions import fold_text

    slug = fold_text(name).replace(" ", "-")[:40].strip("-") or "data"
    if is_demo(f"{slug}-{sha256[:8]}"):  # "demo" too: the id would be "demo-<hex>", a built-in source's form
        slug = "data-" + slug
    return f"{slug}-{sha256[:8]}"


def check_new_id(dataset_id: str) -> None:
    """Raise :class:`UserError` unless ``dataset_id`` is well-formed, not a built-in source's and not taken."""
    if not ID_RE.match(dataset_id or ""):
        raise UserError("data.error.bad_id", value=str(dataset_id)[:70])
    if is_demo(dataset_id):
        raise UserError("data.error.demo_id")
    if exists(dataset_id):
        meta = read_meta(dataset_id)
        raise UserError("data.error.id_taken", id=dataset_id, name=meta.name, uploaded_at=meta.extra.get("uploaded_at", meta.created_at))


def require(dataset_id: str) -> Dataset:
    """The stored dataset ``dataset_id`` at its current version, or :class:`UserError` saying it is not there."""
    if not exists(dataset_id):
        raise UserError("data.error.not_found", id=str(dataset_id)[:70])
    return load(dataset_id)


def source_file_name(file_name: str) -> str:
    """Name under which the imported file is kept in the dataset folder (``source.csv``/``source.xlsx``)."""
    suffix = Path(file_name).suffix.lower()
    return "source" + (suffix if suffix in (".csv", ".xlsx", ".txt", ".tsv") else ".bin")


def provenance(data: bytes, file_name: str, **rows) -> dict:
    """The provenance record of an imported file (kept in its version and in ``DatasetMeta.extra``).

    Keys: ``uploaded_at`` (UTC, ISO 8601), ``file_name``, ``file_sha256``,
    ``file_bytes``, ``source_file`` (the copy kept in the dataset folder), plus
    ``rows`` (e.g. rows_read, rows_imported: counts of spreadsheet rows).
    """
    return {
        "uploaded_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "file_name": Path(file_name).name,
        "file_sha256": hashlib.sha256(data).hexdigest(),
        "file_bytes": len(data),
        "source_file": source_file_name(file_name),
        **rows,
    }


def find_by_checksum(sha256: str) -> list[DatasetMeta]:
    """Stored datasets that a file with this checksum was imported into (in any version)."""
    found = _pg().find_by_checksum(sha256) if connection.store_url() else []
    for meta in [m for m in list_datasets() if not shared(m.id)]:
        if meta.extra.get("file_sha256") == sha256 or any(v.provenance.get("file_sha256") == sha256 for v in versions(meta.id)):
            found.append(meta)
    return found


def delete(dataset_id: str) -> None:
    """Remove a stored dataset with its whole history (never a built-in source).

    The folder is first renamed away (atomic), then removed, so a dataset is
    either fully there or gone. Compositions naming it fall back to the default.
    """
    if is_demo(dataset_id or ""):
        raise UserError("data.error.delete_demo")
    if not ID_RE.match(dataset_id or ""):
        raise UserError("data.error.not_found", id=str(dataset_id)[:70])
    if shared(dataset_id):
        return _pg().delete(dataset_id)
    with writing():
        if not exists(dataset_id):
            raise UserError("data.error.not_found", id=str(dataset_id)[:70])
        path = dataset_path(dataset_id)
        trash = path.with_name(f".{path.name}.deleted-{os.getpid()}-{uuid.uuid4().hex[:8]}")
        path.rename(trash)
    shutil.rmtree(trash, ignore_errors=True)
