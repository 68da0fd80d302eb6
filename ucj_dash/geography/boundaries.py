"""Boundary layers: import the wilayah_boundaries archive, repair, build display geometry.

The archive stores one SQL dump per province (``db/prov``, ``db/kab``, ``db/kec``)
or per kabupaten (``db/kel/<prov>/``). Each row's ``path`` is a JSON array of
**[lat, lng]** pairs (the reverse of GeoJSON order), 3 deep for a polygon and 4
deep for a multipolygon; many polygons are invalid as stored.

:func:`build` writes, under ``geo/layers/``:

- ``regions.parquet``: the registry (see :mod:`ucj_dash.geography.regions`);
- ``full/<level>.parquet``: repaired source geometry (villages: ``full/desa/<kab>.parquet``);
- ``display/<level>.parquet``: geometry for maps, simplified per level so that
  shared borders stay shared (``shapely.coverage_simplify``), islets too small
  to see at that level dropped, coordinates snapped to a grid (villages:
  ``display/desa/<kab>.parquet``, so one kabupaten's villages load alone);
- ``manifest.json``: sources, counts, villages without a boundary, build time.

All geometry is in EPSG:4326, (lng, lat) order.
"""

from __future__ import annotations

import functools
import json
import multiprocessing
import os
import shutil
import tarfile
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pyproj
import shapely

from ucj_dash.errors import BoundariesNotBuilt
from ucj_dash.geography import archives, sqldump
from ucj_dash.geography.regions import Level, read_registry_archive
from ucj_dash.paths import geo_dir

#: Bump when the output of the build changes, so old layers are rebuilt.
BUILDER_VERSION = 4
CRS = "EPSG:4326"
SOURCE_LEVEL_DIRS = {"prov": "db/prov/", "kab": "db/kab/", "kec": "db/kec/", "desa": "db/kel/"}


@dataclass(frozen=True)
class DisplaySpec:
    """How one level is drawn: simplification tolerance and grid in degrees (1° ≈ 111 km).

    ``max_payload`` is the budget in bytes for the GeoJSON of one map view
    (codes and names only) at this level; the builder coarsens the tolerance
    for a view that would exceed it.
    """

    tolerance: float
    min_area: float  # deg²: parts smaller than this are dropped (a region keeps its largest part)
    grid: float
    max_payload: int


DISPLAY = {
    Level.PROVINCE: DisplaySpec(tolerance=0.02, min_area=0.0016, grid=0.001, max_payload=320_000),
    Level.REGENCY: DisplaySpec(tolerance=0.015, min_area=0.0002, grid=0.001, max_payload=820_000),
    Level.DISTRICT: DisplaySpec(tolerance=0.001, min_area=0.00001, grid=0.0001, max_payload=850_000),
    Level.VILLAGE: DisplaySpec(tolerance=0.0004, min_area=0.0000004, grid=0.00001, max_payload=850_000),
}


# ---------------------------------------------------------------- parsing


def _ring_fix(ring: list) -> list | None:
    if len(ring) and ring[0] != ring[-1]:
        ring = [*ring, ring[0]]
    return ring if len(ring) >= 4 else None


def _path_to_geometry_slow(path: str) -> shapely.Geometry:
    """Tolerant parse of one path: closes open rings, skips degenerate ones."""
    data = json.loads(path)
    polys = data if _depth(path) == 4 else [data]
    out = []
    for poly in polys:
        rings = [r for r in (_ring_fix([(p[1], p[0]) for p in ring]) for ring in poly) if r]
        if rings:
            out.append(shapely.Polygon(rings[0], rings[1:]))
    return shapely.MultiPolygon(out) if out else shapely.Polygon()


def _depth(path: str) -> int:
    return len(path) - len(path.lstrip("["))


def _swap_xy(coords: np.ndarray) -> np.ndarray:
    return coords[:, ::-1]


def paths_to_geometries(paths: list[str]) -> np.ndarray:
    """Shapely geometries (lng, lat) for a list of [lat, lng] JSON paths.

    Fast path: GEOS's GeoJSON reader on the whole list, then one vectorised
    axis swap; rows GEOS refuses (e.g. an unclosed ring) are parsed tolerantly.
    """
    docs = [
        '{"type":"%s","coordinates":%s}' % ("MultiPolygon" if _depth(p) == 4 else "Polygon", p) for p in paths
    ]
    try:
        geoms = shapely.from_geojson(docs)
    except shapely.errors.GEOSException:
        geoms = np.empty(len(docs), dtype=object)
        for i, doc in enumerate(docs):
            try:
                geoms[i] = shapely.from_geojson(doc)
            except shapely.errors.GEOSException:
                geoms[i] = shapely.transform(_path_to_geometry_slow(paths[i]), _swap_xy)
    return shapely.transform(geoms, _swap_xy)


def parse_boundary_sql(text: str) -> pd.DataFrame:
    """Rows of one boundary dump: code, name, lat, lng (source centroid), geometry (unrepaired).

    Rows with an empty path carry no boundary and are left out (the region
    stays in the registry and is reported as a region without a boundary).
    """
    rows = sqldump.boundary_rows(text)
    expected = sqldump.count_row_starts(text)
    if len(rows) != expected:
        raise ValueError(f"parsed {len(rows)} of {expected} boundary rows")
    df = pd.DataFrame(rows, columns=["code", "name", "lat", "lng", "path"])
    df = df[df["path"] != ""].reset_index(drop=True)
    df["geometry"] = paths_to_geometries(df.pop("path").tolist())
    return df


# ---------------------------------------------------------------- geometry


def repair(geoms: np.ndarray) -> tuple[np.ndarray, int]:
    """Valid polygonal geometries (collapsed parts dropped) and how many needed repair."""
    geoms = np.asarray(geoms, dtype=object)
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        fixed = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
        geoms = geoms.copy()
        geoms[invalid] = fixed
    return _as_multipolygons(geoms), int(invalid.sum())


def _as_multipolygons(geoms: np.ndarray) -> np.ndarray:
    """Every geometry as a MultiPolygon holding only its polygonal parts."""
    parts, idx = shapely.get_parts(geoms, return_index=True)
    # Collections can nest (GeometryCollection of MultiPolygons): flatten to polygons.
    while True:
        multi = shapely.get_type_id(parts) > 3
        if not multi.any():
            break
        sub, sub_idx = shapely.get_parts(parts[multi], return_index=True)
        parts = np.concatenate([parts[~multi], sub])
        idx = np.concatenate([idx[~multi], idx[multi][sub_idx]])
    keep = (shapely.get_type_id(parts) == 3) & ~shapely.is_empty(parts)
    return _collect(parts[keep], idx[keep], len(geoms))


def _collect(parts: np.ndarray, idx: np.ndarray, n: int) -> np.ndarray:
    out = np.array([shapely.MultiPolygon()] * n, dtype=object)
    if len(parts):
        order = np.argsort(idx, kind="stable")
        parts, idx = parts[order], idx[order]
        present = np.unique(idx)
        out[present] = shapely.multipolygons(parts, indices=np.searchsorted(present, idx))
    return out


def drop_islets(geoms: np.ndarray, min_area: float) -> np.ndarray:
    """Drop polygon parts smaller than ``min_area`` (deg²); each region keeps its largest part."""
    parts, idx = shapely.get_parts(geoms, return_index=True)
    if not len(parts):
        return geoms
    area = shapely.area(parts)
    largest = pd.Series(area).groupby(idx).transform("max").to_numpy()
    keep = (area >= min_area) | (area == largest)
    return _collect(parts[keep], idx[keep], len(geoms))


def display_geometry(geoms: np.ndarray, spec: DisplaySpec, tolerance: float | None = None) -> np.ndarray:
    """Simplified, grid-snapped geometry for one map view (a coverage: borders stay shared)."""
    tol = spec.tolerance if tolerance is None else tolerance
    min_area = max(spec.min_area, (tol * tol) / 4)
    geoms = drop_islets(geoms, min_area)
    simple = shapely.coverage_simplify(geoms, tol)
    snapped = shapely.set_precision(simple, spec.grid)
    snapped = _as_multipolygons(snapped)
    lost = shapely.is_empty(snapped)
    if lost.any():  # a region too small for this tolerance: keep a coarse outline of its largest part
        fallback = shapely.set_precision(shapely.simplify(_largest_parts(geoms[lost]), tol / 4), spec.grid / 10)
        snapped[lost] = _as_multipolygons(fallback)
    return snapped


def _largest_parts(geoms: np.ndarray) -> np.ndarray:
    parts, idx = shapely.get_parts(geoms, return_index=True)
    area = shapely.area(parts)
    best = pd.Series(area).groupby(idx).idxmax().to_numpy()
    return parts[best]


class FeatureCollectionText(str):
    """A GeoJSON FeatureCollection's text that also holds its ``outline``: each feature as parsing the text would
    give it, without coordinates (``{"type": "Feature", "properties": {...}, "geometry": {"type": ...}}``), which is
    all a map layer reads of the data (``views/leaflet_speed.EncodedCollection``): no parse of the text to draw it.
    Do not modify the outline."""

    outline: list[dict]


def feature_collection(codes, names, geoms, properties: list[dict] | None = None) -> FeatureCollectionText:
    """GeoJSON FeatureCollection text (with its outline); ``properties`` (per feature) are merged with code and name."""
    geo = shapely.to_geojson(np.asarray(geoms, dtype=object))
    feats, outline = [], []
    for i, (code, name, g) in enumerate(zip(codes, names, geo)):
        props = {"code": code, "name": name}
        if properties is not None:
            props.update(properties[i])
        feats.append('{"type":"Feature","properties":%s,"geometry":%s}' % (json.dumps(props, ensure_ascii=False), g))
        kind = g[9:g.index('"', 9)] if g is not None and g.startswith('{"type":"') else None  # shapely's own layout
        outline.append({"type": "Feature", "properties": props, "geometry": None if g is None else {"type": kind}})
    text = FeatureCollectionText('{"type":"FeatureCollection","features":[%s]}' % ",".join(feats))
    text.outline = outline
    return text


def payload_bytes(frame: pd.DataFrame, geometry_column: str = "geometry") -> int:
    """Size in bytes (UTF-8) of the view's GeoJSON with codes and names as properties."""
    text = feature_collection(frame["code"], frame["name"], frame[geometry_column].to_numpy())
    return len(text.encode("utf-8"))


def fit_display(frame: pd.DataFrame, level: Level) -> tuple[np.ndarray, float, int]:
    """Display geometry for one view within its payload budget: (geoms, tolerance used, bytes)."""
    spec = DISPLAY[level]
    tol = spec.tolerance
    geoms = frame["geometry"].to_numpy()
    for _ in range(8):
        disp = display_geometry(geoms, spec, tol)
        size = payload_bytes(pd.DataFrame({"code": frame["code"], "name": frame["name"], "geometry": disp}))
        if size <= spec.max_payload:
            break
        tol *= 1.6
    return disp, tol, size


# ---------------------------------------------------------------- build


def _write_layer(frame: pd.DataFrame, geoms: np.ndarray, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    gdf = gpd.GeoDataFrame(frame.drop(columns=["geometry"]), geometry=gpd.GeoSeries(geoms, crs=CRS))
    gdf.to_parquet(path, index=False, compression="zstd", write_covering_bbox=False)


def _process_file(level_key: str, text: bytes, out_dir: str) -> dict:
    """Worker: parse one dump, repair it, and for kecamatan/villages build display geometry.

    Province and kabupaten rows come back to the parent (they are simplified
    together as one national coverage); kecamatan come back with their
    display geometry; villages are written straight to disk (one file per
    kabupaten) and only their stats come back.
    """
    frame = parse_boundary_sql(text.decode("utf-8"))
    if frame.empty:
        return {"level": level_key, "frame": None, "invalid": 0, "vertices": 0}
    vertices = int(shapely.get_num_coordinates(frame["geometry"].to_numpy()).sum())
    geoms, n_invalid = repair(frame["geometry"].to_numpy())
    frame["geometry"] = geoms
    frame["parent"] = frame["code"].str.rsplit(".", n=1).str[0]
    result = {"level": level_key, "invalid": n_invalid, "vertices": vertices}
    if level_key in ("prov", "kab"):
        if level_key == "prov":
            frame["parent"] = "ID"
        frame["geometry"] = shapely.to_wkb(geoms)
        result["frame"] = frame
        return result
    level = Level.from_key(level_key)
    frame = frame.sort_values("code", ignore_index=True)
    groups = []
    display = np.empty(len(frame), dtype=object)
    group_key = frame["code"].str[:2] if level == Level.DISTRICT else frame["code"].str[:5]
    for key, idx in frame.groupby(group_key).groups.items():
        disp, tol, size = fit_display(frame.loc[idx], level)
        display[frame.index.get_indexer(idx)] = disp
        groups.append({"parent": key, "tolerance": tol, "payload_bytes": size, "features": len(idx)})
    result["groups"] = groups
    if level == Level.VILLAGE:
        out = Path(out_dir)
        for g in groups:
            sel = (group_key == g["parent"]).to_numpy()
            part = frame.loc[sel].reset_index(drop=True)
            _write_layer(part, part["geometry"].to_numpy(), out / "full" / "desa" / f"{g['parent']}.parquet")
            _write_layer(part, display[sel], out / "display" / "desa" / f"{g['parent']}.parquet")
        result["frame"] = frame[["code"]]
        return result
    frame["display"] = shapely.to_wkb(display)
    frame["geometry"] = shapely.to_wkb(geoms)
    result["frame"] = frame
    return result


def manifest_path() -> Path:
    return geo_dir() / "layers" / "manifest.json"


def read_manifest() -> dict | None:
    try:
        return json.loads(manifest_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def has_manifest() -> bool:
    """Whether a build's manifest is in place and readable: parsed once per version of the file (68 kB; asked on
    every rerun)."""
    try:
        stat = manifest_path().stat()
    except OSError:
        return False
    return _manifest_readable(stat.st_ino, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4)
def _manifest_readable(_inode: int, _mtime_ns: int, _size: int) -> bool:
    return read_manifest() is not None


def installed_counts(manifest: dict) -> dict[str, int | None]:
    """What a build installed, from its manifest: regions with a boundary per level (``prov``, ``kab``,
    ``kec``), villages in the registry (``desa``) and villages without a boundary (``without_boundary``);
    None where the manifest lacks a figure."""
    counts = manifest.get("counts", {})
    return {
        "prov": counts.get("prov"),
        "kab": counts.get("kab"),
        "kec": counts.get("kec"),
        "desa": manifest.get("registry_counts", {}).get("desa"),
        "without_boundary": len(manifest.get("villages_without_boundary", [])),
    }


def _source_entry(archive: archives.Archive, path: Path) -> dict:
    return {
        "repo": archive.repo,
        "commit": archive.commit,
        "filename": archive.filename,
        "size": path.stat().st_size,
        "url": f"https://github.com/{archive.repo}/tree/{archive.commit}",
        "licence": archive.licence,
        "description": archive.description,
    }


def is_current(manifest: dict | None, wilayah_path: Path, boundaries_path: Path) -> bool:
    """Whether the built layers match the builder version and both archives."""
    if not manifest or manifest.get("builder_version") != BUILDER_VERSION:
        return False
    want = {
        "wilayah": _source_entry(archives.WILAYAH, wilayah_path),
        "wilayah_boundaries": _source_entry(archives.BOUNDARIES, boundaries_path),
    }
    if any(manifest.get("sources", {}).get(k, {}).get(f) != v[f] for k, v in want.items() for f in ("commit", "size")):
        return False
    layers = manifest_path().parent
    files = [layers / "regions.parquet"] + [layers / kind / f"{lv}.parquet" for kind in ("full", "display") for lv in ("prov", "kab", "kec")]
    if not all(f.is_file() for f in files):
        return False
    return len(list((layers / "display" / "desa").glob("*.parquet"))) == manifest["counts"]["desa_files"]


#: built layer folders are ``geo/layers-<UTC time>-<pid>``; ``geo/layers`` is a link to the current one
BUILT_PREFIX = "layers-"


def _exit_with_parent(parent_pid: int) -> None:
    """In a build worker: exit as soon as the build process that started it is gone (killed builds
    would otherwise leave their idle workers waiting for work forever, ~170 MB each)."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="ucj-exit-with-parent", daemon=True).start()


def build(force: bool = False, workers: int | None = None, log=print) -> dict:
    """Build every layer from the archives; a no-op when the layers are current.

    Returns the manifest. Raises :class:`~ucj_dash.errors.ArchiveUnavailable`
    when an archive can be neither found nor downloaded.
    """
    t0 = time.perf_counter()
    wilayah_path = archives.locate(archives.WILAYAH)
    boundaries_path = archives.locate(archives.BOUNDARIES)
    current = read_manifest()
    if not force and is_current(current, wilayah_path, boundaries_path):
        return current

    root = geo_dir()
    tmp = root / f"{BUILT_PREFIX}{datetime.now(timezone.utc):%Y%m%dT%H%M%S}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    log(f"Membangun lapisan batas wilayah / building boundary layers -> {root / 'layers'}")

    registry = read_registry_archive(wilayah_path, archives.WILAYAH.top_dir)
    registry.to_parquet(tmp / "regions.parquet")

    collected: dict[str, list] = {"prov": [], "kab": [], "kec": [], "desa": []}
    stats = {"invalid_repaired": {}, "source_vertices": {}, "groups": {"kec": [], "desa": []}}
    workers = workers or min(2, os.cpu_count() or 1)
    prefix = archives.BOUNDARIES.top_dir + "/"
    # spawn: the app may build from Streamlit's threaded server, where fork is unsafe
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_exit_with_parent, initargs=(os.getpid(),)) as pool, \
            tarfile.open(boundaries_path, "r|gz") as tar:
        pending = set()

        def drain() -> None:
            nonlocal pending
            if not pending:
                return
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                res = fut.result()
                lv = res["level"]
                stats["invalid_repaired"][lv] = stats["invalid_repaired"].get(lv, 0) + res["invalid"]
                stats["source_vertices"][lv] = stats["source_vertices"].get(lv, 0) + res["vertices"]
                stats["groups"].get(lv, []).extend(res.get("groups", []))
                if res["frame"] is not None:
                    collected[lv].append(res["frame"])

        for member in tar:
            if not member.isfile() or not member.name.endswith(".sql"):
                continue
            rel = member.name[len(prefix):]
            level_key = next((k for k, d in SOURCE_LEVEL_DIRS.items() if rel.startswith(d)), None)
            if level_key is None:
                continue
            text = tar.extractfile(member).read()
            pending.add(pool.submit(_process_file, level_key, text, str(tmp)))
            while len(pending) >= 2 * workers + 2:
                drain()
        while pending:
            drain()

    counts = {}
    for level in (Level.PROVINCE, Level.REGENCY, Level.DISTRICT):
        frame = pd.concat(collected[level.key], ignore_index=True).sort_values("code", ignore_index=True)
        _check_codes(frame, registry, level)
        geoms = shapely.from_wkb(frame["geometry"].to_numpy())
        frame["geometry"] = geoms
        if level == Level.DISTRICT:
            display = shapely.from_wkb(frame.pop("display").to_numpy())
        else:
            display, tol, size = fit_display(frame, level)
            stats["groups"][level.key] = [{"parent": "ID", "tolerance": tol, "payload_bytes": size, "features": len(frame)}]
        _write_layer(frame, geoms, tmp / "full" / f"{level.key}.parquet")
        _write_layer(frame, display, tmp / "display" / f"{level.key}.parquet")
        counts[level.key] = len(frame)
    villages = pd.concat(collected["desa"], ignore_index=True)
    _check_codes(villages, registry, Level.VILLAGE)
    counts["desa"] = len(villages)
    counts["desa_files"] = len(stats["groups"]["desa"])
    registry_villages = registry.index[registry["level"] == int(Level.VILLAGE)]
    missing = sorted(set(registry_villages) - set(villages["code"]))

    manifest = {
        "builder_version": BUILDER_VERSION,
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "build_seconds": round(time.perf_counter() - t0, 2),
        "sources": {
            "wilayah": _source_entry(archives.WILAYAH, wilayah_path),
            "wilayah_boundaries": _source_entry(archives.BOUNDARIES, boundaries_path),
        },
        "registry_counts": {Level(lv).key: int(n) for lv, n in registry["level"].value_counts().items() if lv > 0},
        "counts": counts,
        "villages_without_boundary": missing,
        "invalid_repaired": stats["invalid_repaired"],
        "source_vertices": stats["source_vertices"],
        "display": {
            key: {
                "max_payload_bytes": max(g["payload_bytes"] for g in groups),
                "max_tolerance": max(g["tolerance"] for g in groups),
                "views": len(groups),
            }
            for key, groups in stats["groups"].items()
        },
        "display_views": stats["groups"],
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    _swap_into_place(tmp, root / "layers")
    log(
        f"Selesai / done in {manifest['build_seconds']} s: "
        + ", ".join(f"{k} {v}" for k, v in counts.items() if k != "desa_files")
        + f"; {len(missing)} desa/kelurahan tanpa batas / villages without a boundary"
    )
    return manifest


def _check_codes(frame: pd.DataFrame, registry: pd.DataFrame, level: Level) -> None:
    dup = frame["code"].duplicated()
    if dup.any():
        raise ValueError(f"duplicate {level.key} boundary codes: {frame.loc[dup, 'code'].tolist()[:5]}")
    unknown = set(frame["code"]) - set(registry.index)
    if unknown:
        raise ValueError(f"{level.key} boundary codes not in the registry: {sorted(unknown)[:5]}")


def _swap_into_place(built: Path, final: Path) -> None:
    """Point ``final`` (a symbolic link) at the folder ``built`` in one atomic rename, then remove
    the folder it pointed at before. Readers see the old layers or the new ones, never a mix or none
    (a ``final`` that is a real folder, from an older builder, is moved aside first)."""
    link = final.with_name(f".{final.name}.link-{os.getpid()}")
    link.unlink(missing_ok=True)
    link.symlink_to(built.name)
    previous = final.resolve() if final.is_symlink() else None
    if final.exists() and not final.is_symlink():
        previous = final.with_name(f"{BUILT_PREFIX}previous-{os.getpid()}")
        final.rename(previous)
    os.replace(link, final)
    if previous is not None and previous != built.resolve():
        shutil.rmtree(previous, ignore_errors=True)


def remove_leftovers() -> list[Path]:
    """Remove what killed builds left in ``geo/``: layer folders that ``geo/layers`` does not point at,
    and temporary links. Call it only while holding the build lock. Returns what was removed."""
    root = geo_dir()
    if not root.is_dir():
        return []
    current = (root / "layers").resolve() if (root / "layers").is_symlink() else None
    removed = []
    for path in root.iterdir():
        if path.name.startswith((BUILT_PREFIX, "layers.tmp-", "layers.old", ".layers.link-")) and path != current:
            if path.is_symlink() or path.is_file():
                path.unlink(missing_ok=True)
            else:
                shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


# ---------------------------------------------------------------- reading


def layers_dir() -> Path:
    path = geo_dir() / "layers"
    if not (path / "manifest.json").is_file():
        raise BoundariesNotBuilt("error.boundaries_not_built")
    return path


@functools.lru_cache(maxsize=1)
def _crs() -> pyproj.CRS:
    """The layers' coordinate reference system, parsed once (geopandas parses it again for every file
    it reads: 30 of the 34 ms of reading a kabupaten's villages)."""
    return pyproj.CRS.from_user_input(CRS)


def _layer_path(level: Level, display: bool, kabupaten: str | None) -> Path | None:
    """The file of a layer this build wrote: villages per kabupaten (``kabupaten`` a kabupaten code, or a code
    below it), other levels whole; None where the build wrote no village file for that kabupaten."""
    base = layers_dir() / ("display" if display else "full")
    if level != Level.VILLAGE:
        return base / f"{level.key}.parquet"
    if kabupaten is None:
        raise ValueError("villages are read per kabupaten: give a kabupaten")
    path = base / "desa" / f"{kabupaten[:5]}.parquet"
    return path if path.is_file() else None


def _read_columns(path: Path, use_threads: bool = True) -> pd.DataFrame:
    """A layer file as plain columns, its WKB geometry as shapely objects."""
    frame = pq.read_table(path, use_threads=use_threads).to_pandas()
    frame["geometry"] = shapely.from_wkb(frame["geometry"].to_numpy())
    return frame


def read_display(level: Level, kabupaten: str | None = None) -> pd.DataFrame:
    """Display geometry of one level as plain columns (code, name, parent, lat, lng, geometry: shapely objects) for
    drawing views: villages of one ``kabupaten`` (a kabupaten/kota code), other levels whole. Without a
    GeoDataFrame's checks and CRS, in one thread: 5 ms for a kabupaten's villages, not 10. A kabupaten without
    villages in the layers: no rows."""
    path = _layer_path(level, True, kabupaten)
    if path is None:
        return pd.DataFrame({"code": pd.Series([], dtype=str), "name": pd.Series([], dtype=str),
                             "geometry": pd.Series([], dtype=object)})
    return _read_columns(path, use_threads=False)  # a small file: Arrow's threads cost more than they save


def read_layer(level: Level, display: bool = True, parent: str | None = None) -> gpd.GeoDataFrame:
    """Boundaries of one level: code, name, parent, lat, lng, geometry.

    Villages are read per kabupaten (``parent`` is a kabupaten code, or a
    kecamatan code whose kabupaten is read and then filtered); other levels are
    read whole and filtered by ``parent`` prefix when given. Read without parsing
    the layers' CRS again (:func:`_crs`).
    """
    path = _layer_path(level, display, parent if level == Level.VILLAGE else None)
    if path is None:
        return gpd.GeoDataFrame({"code": [], "name": [], "parent": []}, geometry=[], crs=CRS)
    gdf = gpd.GeoDataFrame(_read_columns(path), geometry="geometry", crs=_crs())
    if parent and parent != "ID":
        gdf = gdf[gdf["code"].str.startswith(parent + ".")].reset_index(drop=True)
    return gdf
