"""Datasets on the shared PostgreSQL store: the same versions and figures as the file store, seen by every replica.

:mod:`ucj_dash.datasets.store` hands every dataset but the built-in simulated sources (``demo-*``, build
artefacts on disk in every replica) to this module when ``UCJ_STORE_URL`` is set. A dataset is a row of
``datasets``; each version a row of ``dataset_versions`` whose ``manifest`` names, per period, the rows
of ``period_figures`` it reads (``file``: ``<YYYY-MM>-<sha8>``, named by content as the file store names
its period files, so an append or a rollback shares the unchanged periods' rows); the imported files are
rows of ``dataset_files``. Every write is one transaction: a crash or a failed check leaves the previous
version in use and nothing half-written visible. Writers of one id take turns on a transaction advisory
lock; a new id taken by a concurrent import is refused with the file store's message.

Figures travel as CSV through ``COPY`` (both ways): a national village-level period (~90k rows) is
written in about a second and read in a fraction of one. A period whose finest level is a kabupaten or
coarser is kept in memory once read (rows never change); trends read only the rows of one subtree at
the levels asked, through ``period_figures``'s primary key. No Streamlit here.
"""

from __future__ import annotations

import functools
import hashlib
import io
from datetime import datetime, timezone

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
from psycopg import sql as pgsql
from psycopg.types.json import Jsonb

from ucj_dash.analysis import matched
from ucj_dash.database import changes, pool
from ucj_dash.datasets import store
from ucj_dash.datasets.dataset import COUNT_COLUMNS, PAIRS, DatasetMeta
from ucj_dash.errors import UserError
from ucj_dash.geography.regions import NATION_CODE, level_of

#: periods whose finest level is at most this (kabupaten/kota) are cached once read: at most ~600 rows
CACHED_FINEST_LEVEL = 2
#: figures columns of ``period_figures`` that hold integers (the rest of the figures are floats)
_INT_SUFFIXES = ("used", "units", "unit_level")
PAIR_COLUMNS = tuple(p.column(s) for p in PAIRS for s in matched.SUFFIXES)
FIGURE_COLUMNS = ("region_code", "level", "given", "reporting", *COUNT_COLUMNS, *PAIR_COLUMNS)
_LOCK_CLASS = "ucj dataset "


def _arrow_type(column: str) -> pa.DataType:
    if column in ("region_code", "period"):
        return pa.string()
    if column == "level":
        return pa.int8()
    if column == "given":
        return pa.bool_()
    if column.rsplit("__", 1)[-1] in _INT_SUFFIXES and "__" in column:
        return pa.int64()
    return pa.float64()


# ---------------------------------------------------------------- figures in and out through COPY


def _arrow_of(frame: pd.DataFrame, columns: list[str]) -> pa.Table:
    """``frame``'s ``columns`` as an Arrow table of the store's types (no data stays null)."""
    return pa.Table.from_pandas(frame.reindex(columns=columns), preserve_index=False,
                                schema=pa.schema([(c, _arrow_type(c)) for c in columns]))


def _read_csv(data: bytes, columns: list[str]) -> pd.DataFrame:
    """CSV from ``COPY ... TO STDOUT (FORMAT csv, HEADER)`` as a frame of the file store's dtypes (integer
    columns with no data become floats, as pandas reads them from Parquet)."""
    types = {c: _arrow_type(c) for c in columns}
    table = pacsv.read_csv(io.BytesIO(data), convert_options=pacsv.ConvertOptions(
        column_types=types, strings_can_be_null=False, true_values=["t", "true"], false_values=["f", "false"]))
    return table.to_pandas()


def _copy_out(conn, query, params) -> bytes:
    """The rows of ``query`` (text or :mod:`psycopg.sql`) as CSV with a header line."""
    buffer = bytearray()
    statement = pgsql.SQL("COPY ({}) TO STDOUT (FORMAT csv, HEADER)").format(pgsql.SQL(query) if isinstance(query, str) else query)
    with conn.cursor().copy(statement, params) as copy:
        for block in copy:
            buffer += block
    return bytes(buffer)


def _write_period(conn, dataset_id: str, period: str, frame: pd.DataFrame) -> str:
    """Store one period's rolled-up table (:func:`store.period_frame`) unless rows of the same content are
    there already; the name of its rows (``<period>-<sha8>``, from the content)."""
    columns = [c for c in FIGURE_COLUMNS if c in frame.columns]
    table = _arrow_of(frame, columns)
    digest = hashlib.sha256(",".join(columns).encode())
    digest.update(pd.util.hash_pandas_object(frame[columns], index=False).to_numpy().tobytes())
    name = f"{period}-{digest.hexdigest()[:8]}"
    found = conn.execute("SELECT 1 FROM period_figures WHERE dataset_id = %s AND period = %s AND file = %s LIMIT 1",
                         (dataset_id, period, name)).fetchone()
    if found:
        return name
    conn.execute("SELECT period_figures_partition(%s)", (period,))
    keys = pa.table({"dataset_id": pa.array([dataset_id] * len(table)), "file": pa.array([name] * len(table)),
                     "period": pa.array([period] * len(table))})
    buffer = io.BytesIO()
    pacsv.write_csv(pa.Table.from_arrays([*keys.columns, *table.columns], names=[*keys.column_names, *columns]), buffer,
                    pacsv.WriteOptions(include_header=False, quoting_style="needed"))
    with conn.cursor().copy(f"COPY period_figures (dataset_id, file, period, {', '.join(columns)}) FROM STDIN (FORMAT csv)") as copy:
        copy.write(buffer.getbuffer())
    return name


def _write_periods(conn, dataset_id: str, figures: pd.DataFrame, number: int, as_of: str, uploaded_at: str) -> dict:
    entries = {}
    for period, rows in figures.groupby("period", sort=True):
        frame = store.period_frame(rows)
        name = _write_period(conn, dataset_id, period, frame)
        columns = tuple(c for c in COUNT_COLUMNS if c in rows and rows[c].notna().any())
        entries[period] = store.PeriodEntry(name, columns, store._finest_levels(frame), len(rows), number, as_of, uploaded_at)
    return entries


def period_rows(dataset_id: str, entry: store.PeriodEntry, period: str) -> pd.DataFrame:
    """One stored period's table, indexed by region code, as the file store gives it (do not modify)."""
    if max(entry.finest.values(), default=0) <= CACHED_FINEST_LEVEL:
        return _cached_period_rows(pool.current_url(), dataset_id, entry.file, period, entry.columns)
    return _period_rows(dataset_id, entry.file, period, entry.columns)


@functools.lru_cache(maxsize=64)
def _cached_period_rows(_url: str, dataset_id: str, file: str, period: str, columns: tuple[str, ...]) -> pd.DataFrame:
    """Rows never change (named by content): kept per store, 64 periods at most."""
    return _period_rows(dataset_id, file, period, columns)


def _period_rows(dataset_id: str, file: str, period: str, columns: tuple[str, ...]) -> pd.DataFrame:
    names = ["region_code", "level", "given", "reporting", *COUNT_COLUMNS,
             *[p.column(s) for p in store.pairs_of(columns) for s in matched.SUFFIXES]]
    with pool.connection() as conn:
        data = _copy_out(conn, f"SELECT {', '.join(names)} FROM period_figures "
                               "WHERE dataset_id = %s AND period = %s AND file = %s ORDER BY level, region_code",
                         (dataset_id, period, file))
    return _read_csv(data, names).set_index("region_code")


class PgDataset(store.Dataset):
    """A dataset of the shared store at one version (``path`` is None: its figures are rows, not files)."""

    def at(self, period: str) -> pd.DataFrame:
        return period_rows(self.meta.id, self.entry(period), period)

    def history(self, code: str, max_level: int, columns: list[str]) -> pd.DataFrame:
        """As :meth:`store.Dataset.history`: the rows of ``code``'s subtree down to ``max_level`` in every
        period of this version, read through the primary key (one range of codes per period and level)."""
        own = 0 if code == NATION_CODE else int(level_of(code))
        # as the file store's year files: every count (empty where a period lacks it), the pairs some period has
        stored = set(COUNT_COLUMNS) | {p.column(s) for e in self.version.periods.values() for p in store.pairs_of(e.columns) for s in matched.SUFFIXES}
        wanted = [c for c in columns if c in stored]
        names = ["region_code", "period", "level", "given", *wanted]
        periods = sorted(self.version.periods)
        if not periods or max_level < own:
            return pd.DataFrame(columns=names)
        # per period of the manifest and per level, one range of the primary key (dataset, file, level, code), its
        # values written into the statement: the planner prunes each branch to its period's partition and bounds the
        # walk by the level and the range of codes (bound parameters or a join leave it scanning the whole dataset)
        bounds = pgsql.SQL("") if code == NATION_CODE else pgsql.SQL(" AND region_code >= {} AND region_code < {}").format(
            pgsql.Literal(code), pgsql.Literal(code + "/"))
        columns = pgsql.SQL(", ").join(pgsql.Identifier(n) for n in names)
        branches = [
            pgsql.SQL("SELECT {} FROM period_figures WHERE dataset_id = {} AND period = {} AND file = {} AND level = {}{}").format(
                columns, pgsql.Literal(self.meta.id), pgsql.Literal(period), pgsql.Literal(self.version.periods[period].file),
                pgsql.Literal(level), bounds)
            for period in periods for level in range(own, max_level + 1)]
        query = pgsql.SQL(" UNION ALL ").join(branches) + pgsql.SQL(" ORDER BY level, region_code, period")
        with pool.connection() as conn:
            data = _copy_out(conn, query, None)
        return _read_csv(data, names)


# ---------------------------------------------------------------- datasets and versions


def _iso(when: datetime) -> str:
    return when.astimezone(timezone.utc).isoformat(timespec="seconds")


def _timestamp(text: str) -> datetime:
    try:
        when = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return datetime.now(timezone.utc)
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def _lock(conn, dataset_id: str) -> None:
    """Writers of ``dataset_id`` take turns until their transaction ends."""
    conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (_LOCK_CLASS + dataset_id,))


_META_SQL = "SELECT id, name, source, as_of, simulated, description, created_at, extra FROM datasets"


def _meta(row) -> DatasetMeta:
    dataset_id, name, source, as_of, simulated, description, created_at, extra = row
    return DatasetMeta(dataset_id, name, source, as_of, simulated, description, _iso(created_at), dict(extra or {}))


def _version(row) -> store.Version:
    number, action, created_at, provenance, manifest = row
    return store.Version(number, action, _iso(created_at), {p: store.PeriodEntry.from_dict(e) for p, e in manifest.items()},
                         dict(provenance or {}))


_VERSION_SQL = "SELECT number, action, created_at, provenance, manifest FROM dataset_versions"


def _insert_version(conn, dataset_id: str, version: store.Version, files: dict[str, bytes] | None) -> None:
    conn.execute(
        "INSERT INTO dataset_versions (dataset_id, number, action, created_at, provenance, manifest) VALUES (%s, %s, %s, %s, %s, %s)",
        (dataset_id, version.number, version.action, _timestamp(version.created_at), Jsonb(version.provenance),
         Jsonb({p: e.to_dict() for p, e in sorted(version.periods.items())})))
    for name, content in (files or {}).items():
        conn.execute("INSERT INTO dataset_files (dataset_id, version, name, sha256, content) VALUES (%s, %s, %s, %s, %s)",
                     (dataset_id, version.number, name, hashlib.sha256(content).hexdigest(), content))
    conn.execute("UPDATE datasets SET current_version = %s WHERE id = %s", (version.number, dataset_id))


def save(meta: DatasetMeta, figures: pd.DataFrame, files=None, upload=None, must_be_new: bool = False) -> PgDataset:
    """A whole new dataset (replacing one of the same id unless ``must_be_new``) in one transaction."""
    with pool.connection() as conn:
        _lock(conn, meta.id)
        if must_be_new:
            _check_new(conn, meta.id)
        conn.execute("DELETE FROM datasets WHERE id = %s", (meta.id,))
        created = meta.created_at or store._now()
        conn.execute(
            "INSERT INTO datasets (id, name, source, as_of, description, simulated, created_at, extra) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            (meta.id, meta.name, meta.source, meta.as_of, meta.description, meta.simulated, _timestamp(created),
             Jsonb(meta.extra)))
        entries = _write_periods(conn, meta.id, figures, 1, meta.as_of, created)
        _insert_version(conn, meta.id, store.Version(1, "create", created, entries, upload or {}), files)
    changes.refresh()
    return load(meta.id)


def _check_new(conn, dataset_id: str) -> None:
    row = conn.execute(_META_SQL + " WHERE id = %s", (dataset_id,)).fetchone()
    if row is not None:
        meta = _meta(row)
        raise UserError("data.error.id_taken", id=dataset_id, name=meta.name, uploaded_at=meta.extra.get("uploaded_at", meta.created_at))


def _current_for_update(conn, dataset_id: str) -> tuple[int, int]:
    """(current version, latest version) of ``dataset_id`` with its writers locked out; not found: UserError."""
    _lock(conn, dataset_id)
    row = conn.execute("SELECT d.current_version, max(v.number) FROM datasets d JOIN dataset_versions v ON v.dataset_id = d.id "
                       "WHERE d.id = %s GROUP BY d.current_version", (dataset_id,)).fetchone()
    if row is None:
        raise UserError("data.error.not_found", id=str(dataset_id)[:70])
    return row


def append(dataset_id: str, figures: pd.DataFrame, as_of: str, files=None, upload=None) -> PgDataset:
    """As :func:`store.append`, in one transaction."""
    with pool.connection() as conn:
        current_number, latest = _current_for_update(conn, dataset_id)
        current = _version(conn.execute(_VERSION_SQL + " WHERE dataset_id = %s AND number = %s",
                                        (dataset_id, current_number)).fetchone())
        number = latest + 1
        uploaded_at = (upload or {}).get("uploaded_at", store._now())
        added = _write_periods(conn, dataset_id, figures, number, as_of, uploaded_at)
        entries = {**current.periods, **added}
        _insert_version(conn, dataset_id, store.Version(number, "append", uploaded_at, entries, upload or {}), files)
    changes.refresh()
    return load(dataset_id)


def roll_back(dataset_id: str, to_version: int) -> PgDataset:
    """As :func:`store.roll_back`, in one transaction."""
    with pool.connection() as conn:
        _current, latest = _current_for_update(conn, dataset_id)
        row = conn.execute(_VERSION_SQL + " WHERE dataset_id = %s AND number = %s", (dataset_id, int(to_version))).fetchone()
        if row is None:
            raise UserError("data.error.no_version", id=str(dataset_id)[:70], version=str(to_version)[:10])
        target = _version(row)
        _insert_version(conn, dataset_id, store.Version(latest + 1, "rollback", store._now(), target.periods,
                                                        {"from_version": int(to_version)}), None)
    changes.refresh()
    return load(dataset_id)


def versions(dataset_id: str) -> list[store.Version]:
    with pool.connection() as conn:
        rows = conn.execute(_VERSION_SQL + " WHERE dataset_id = %s ORDER BY number", (dataset_id,)).fetchall()
    return [_version(r) for r in rows]


def latest_version_number(dataset_id: str) -> int:
    with pool.connection() as conn:
        row = conn.execute("SELECT max(number) FROM dataset_versions WHERE dataset_id = %s", (dataset_id,)).fetchone()
    return int(row[0] or 0)


def read_version(dataset_id: str, number: int) -> store.Version:
    with pool.connection() as conn:
        row = conn.execute(_VERSION_SQL + " WHERE dataset_id = %s AND number = %s", (dataset_id, int(number))).fetchone()
    if row is None:
        raise UserError("data.error.no_version", id=str(dataset_id)[:70], version=str(number)[:10])
    return _version(row)


def current_version_number(dataset_id: str) -> int:
    with pool.connection() as conn:
        row = conn.execute("SELECT current_version FROM datasets WHERE id = %s", (dataset_id,)).fetchone()
    if row is None:
        raise UserError("data.error.not_found", id=str(dataset_id)[:70])
    return int(row[0])


def load(dataset_id: str) -> PgDataset:
    """The dataset at its current version (one small query; parsed once per version and creation)."""
    with pool.connection() as conn:
        row = conn.execute("SELECT created_at, current_version FROM datasets WHERE id = %s", (dataset_id,)).fetchone()
    if row is None:
        raise UserError("data.error.not_found", id=str(dataset_id)[:70])
    return _load(pool.current_url(), dataset_id, row[0], row[1])


@functools.lru_cache(maxsize=64)
def _load(_url: str, dataset_id: str, _created_at: datetime, number: int) -> PgDataset:
    with pool.connection() as conn:
        meta_row = conn.execute(_META_SQL + " WHERE id = %s", (dataset_id,)).fetchone()
        version_row = conn.execute(_VERSION_SQL + " WHERE dataset_id = %s AND number = %s", (dataset_id, number)).fetchone()
    if meta_row is None or version_row is None:
        raise UserError("data.error.not_found", id=str(dataset_id)[:70])
    return PgDataset(_meta(meta_row), _version(version_row), None)


def state() -> tuple[tuple[str, int], ...]:
    """``(id, current version)`` of every dataset: read again only when the store's version has changed
    (:mod:`ucj_dash.database.changes`), so a page's rerun usually asks the database nothing."""
    url, version = pool.current_url(), changes.version()
    cached = _state.get(url)
    if cached is not None and cached[0] == version:
        return cached[1]
    with pool.connection() as conn:
        version = int(conn.execute("SELECT counter FROM store_version").fetchone()[0])
        listed = tuple((i, int(v)) for i, v in conn.execute("SELECT id, current_version FROM datasets ORDER BY id").fetchall())
    _state[url] = (version, listed)
    return listed


#: store URL -> (the store's version, its state then)
_state: dict[str, tuple[int, tuple]] = {}


def read_meta(dataset_id: str) -> DatasetMeta:
    with pool.connection() as conn:
        row = conn.execute(_META_SQL + " WHERE id = %s", (dataset_id,)).fetchone()
    if row is None:
        raise UserError("data.error.not_found", id=str(dataset_id)[:70])
    return _meta(row)


def list_datasets() -> list[DatasetMeta]:
    with pool.connection() as conn:
        return [_meta(r) for r in conn.execute(_META_SQL + " ORDER BY id").fetchall()]


def exists(dataset_id: str) -> bool:
    with pool.connection() as conn:
        return conn.execute("SELECT 1 FROM datasets WHERE id = %s", (dataset_id,)).fetchone() is not None


def find_by_checksum(sha256: str) -> list[DatasetMeta]:
    with pool.connection() as conn:
        rows = conn.execute(_META_SQL + " WHERE extra->>'file_sha256' = %s OR id IN "
                            "(SELECT dataset_id FROM dataset_versions WHERE provenance->>'file_sha256' = %s) ORDER BY id",
                            (sha256, sha256)).fetchall()
    return [_meta(r) for r in rows]


def source_file(dataset_id: str, version: int, name: str) -> bytes | None:
    """The file version ``version`` was imported from (``name``: :func:`store.source_file_name`), or None."""
    with pool.connection() as conn:
        row = conn.execute("SELECT content FROM dataset_files WHERE dataset_id = %s AND version = %s AND name = %s",
                           (dataset_id, int(version), name)).fetchone()
    return bytes(row[0]) if row else None


def delete(dataset_id: str) -> None:
    """Remove a dataset with its versions, files and figures (one transaction)."""
    with pool.connection() as conn:
        _lock(conn, dataset_id)
        if conn.execute("DELETE FROM datasets WHERE id = %s", (dataset_id,)).rowcount == 0:
            raise UserError("data.error.not_found", id=str(dataset_id)[:70])
    changes.refresh()


def figure_rows(dataset_id: str) -> int:
    """How many rows of figures ``dataset_id`` holds (all its versions; for the bench and tests)."""
    with pool.connection() as conn:
        return int(conn.execute("SELECT count(*) FROM period_figures WHERE dataset_id = %s", (dataset_id,)).fetchone()[0])
