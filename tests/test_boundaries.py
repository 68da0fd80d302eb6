"""Boundary layers built from the real archive: counts, repair, lat/lng order, payload budgets."""

import json

import numpy as np
import pytest
import shapely

from ucj_dash.geography import boundaries
from ucj_dash.geography.boundaries import paths_to_geometries, payload_bytes, read_layer
from ucj_dash.geography.regions import Level

KB = 1000


def test_feature_counts_per_level(manifest):
    assert manifest["counts"] == {"prov": 38, "kab": 514, "kec": 7285, "desa": 83402, "desa_files": 514}
    assert manifest["registry_counts"] == {"prov": 38, "kab": 514, "kec": 7285, "desa": 83762}


def test_villages_without_boundary_are_reported_and_stay_in_the_registry(manifest, registry):
    missing = manifest["villages_without_boundary"]
    assert len(missing) == 360
    assert all(code in registry and registry.level(code) == Level.VILLAGE for code in missing)
    layer = read_layer(Level.VILLAGE, display=False, parent=missing[0][:5])
    assert missing[0] not in set(layer["code"])


def test_invalid_source_polygons_were_repaired(manifest):
    assert manifest["invalid_repaired"] == {"prov": 34, "kab": 124, "kec": 275, "desa": 26}
    for level in (Level.PROVINCE, Level.REGENCY, Level.DISTRICT):
        for display in (False, True):
            geoms = read_layer(level, display=display).geometry.to_numpy()
            assert shapely.is_valid(geoms).all(), (level, display)
            assert (shapely.get_type_id(geoms) == 6).all()  # MultiPolygon, polygonal parts only


def test_lat_lng_order_known_village_inside_its_kabupaten():
    # Namosain, a kelurahan of Kota Kupang (NTT), on Timor at about 10.2°S 123.55°E
    villages = read_layer(Level.VILLAGE, display=False, parent="53.71")
    namosain = villages.set_index("code").loc["53.71.01.1001"]
    point = namosain.geometry.representative_point()
    assert -10.3 < point.y < -10.0 and 123.4 < point.x < 123.7
    kota_kupang = read_layer(Level.REGENCY, display=False).set_index("code").loc["53.71"].geometry
    assert kota_kupang.contains(point)
    assert namosain.geometry.distance(shapely.Point(namosain["lng"], namosain["lat"])) < 0.05


def test_parsing_handles_unclosed_rings_and_both_depths():
    open_ring = "[[[-10.0,123.0],[-10.0,123.1],[-10.1,123.1]]]"  # [lat, lng], not closed
    multi = "[[[[-1.0,100.0],[-1.0,100.1],[-1.1,100.1],[-1.0,100.0]]],[[[-2.0,101.0],[-2.0,101.1],[-2.1,101.1],[-2.0,101.0]]]]"
    poly, mpoly = paths_to_geometries([open_ring, multi])
    assert poly.is_valid and poly.area == pytest.approx(0.005)
    assert poly.bounds == pytest.approx((123.0, -10.1, 123.1, -10.0))  # (minx=lng, miny=lat, ...)
    assert mpoly.geom_type == "MultiPolygon" and len(mpoly.geoms) == 2


def test_repair_keeps_polygonal_parts_only():
    bowtie = shapely.from_wkt("POLYGON ((0 0, 1 1, 1 0, 0 1, 0 0))")
    fixed, n_invalid = boundaries.repair(np.array([bowtie, shapely.box(0, 0, 1, 1)], dtype=object))
    assert n_invalid == 1
    assert shapely.is_valid(fixed).all() and fixed[0].area == pytest.approx(0.5)


@pytest.mark.parametrize("level, parent", [(Level.REGENCY, None), (Level.DISTRICT, "53"), (Level.VILLAGE, "53.02")])
def test_display_borders_stay_shared_between_neighbours(level, parent):
    """Simplifying each polygon alone would open gaps between neighbours; the coverage keeps them touching."""
    full = read_layer(level, display=False, parent=parent)
    display = read_layer(level, display=True, parent=parent)
    full_pairs, display_pairs = _neighbour_pairs(full), _neighbour_pairs(display)
    assert len(display_pairs & full_pairs) >= 0.97 * len(full_pairs)
    # the source overlaps a little; simplification must not add to it
    assert _overlap_share(display) <= _overlap_share(full) * 1.15 + 0.0005


def _neighbour_pairs(frame) -> set:
    geoms = frame.geometry.to_numpy()
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    codes = frame["code"].to_numpy()
    return {(codes[a], codes[b]) for a, b in zip(left, right) if a < b}


def _overlap_share(frame) -> float:
    geoms = frame.geometry.to_numpy()
    union_area = shapely.union_all(geoms).area
    return (shapely.area(geoms).sum() - union_area) / union_area


@pytest.mark.parametrize("level, budget", [(Level.PROVINCE, 350 * KB), (Level.REGENCY, 900 * KB)])
def test_national_payload_within_budget(level, budget):
    assert payload_bytes(read_layer(level, display=True)) <= budget


def test_kecamatan_payload_of_every_province_within_budget(registry):
    kec = read_layer(Level.DISTRICT, display=True)
    sizes = {prov: payload_bytes(kec[kec["code"].str.startswith(prov + ".")]) for prov in registry.children("ID")}
    assert max(sizes.values()) <= 1000 * KB, max(sizes.items(), key=lambda kv: kv[1])


def test_village_payload_of_every_kabupaten_within_budget(registry):
    sizes = {}
    for kab in registry.codes_at(Level.REGENCY):
        layer = read_layer(Level.VILLAGE, display=True, parent=kab)
        sizes[kab] = payload_bytes(layer) if len(layer) else 0
    assert len([s for s in sizes.values() if s]) == 514
    assert max(sizes.values()) <= 1000 * KB, max(sizes.items(), key=lambda kv: kv[1])


def test_second_build_is_a_no_op(manifest):
    again = boundaries.build()
    assert again["built_at"] == manifest["built_at"]


def test_manifest_names_sources_and_commits(manifest):
    src = manifest["sources"]
    assert src["wilayah_boundaries"]["commit"] == "3c5a7960f4d227a38489094d84252bdbb3f978a5"
    assert src["wilayah"]["commit"] == "b7ad440a1322e7be3189a16a8cac35f7d4c3d7f7"
    assert "MIT" in src["wilayah"]["licence"]
    json.dumps(manifest)  # serialisable as written


def test_installed_counts_from_a_manifest():
    manifest = {"counts": {"prov": 38, "kab": 514, "kec": 7285, "desa": 83402},
                "registry_counts": {"desa": 83762}, "villages_without_boundary": ["53.02.02.2001", "53.02.02.2002"]}
    assert boundaries.installed_counts(manifest) == {"prov": 38, "kab": 514, "kec": 7285, "desa": 83762, "without_boundary": 2}
    assert boundaries.installed_counts({}) == {"prov": None, "kab": None, "kec": None, "desa": None, "without_boundary": 0}


@pytest.mark.parametrize("level, kabupaten", [(Level.VILLAGE, "53.71"), (Level.VILLAGE, "11.01"), (Level.REGENCY, None),
                                              (Level.PROVINCE, None)])
def test_display_columns_are_the_display_layer_s(manifest, level, kabupaten):
    layer = read_layer(level, display=True, parent=kabupaten)
    shown = boundaries.read_display(level, kabupaten)
    assert shown["code"].tolist() == layer["code"].tolist() and shown["name"].tolist() == layer["name"].tolist()
    assert len(shown) > 0 and all(a.equals_exact(b, 0) for a, b in zip(shown["geometry"], layer.geometry))


def test_display_columns_of_a_kabupaten_without_village_layer_are_empty(manifest):
    shown = boundaries.read_display(Level.VILLAGE, "99.99")
    assert len(shown) == 0 and {"code", "name", "geometry"} <= set(shown.columns)
    with pytest.raises(ValueError):
        boundaries.read_display(Level.VILLAGE)
