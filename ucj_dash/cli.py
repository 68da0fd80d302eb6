"""Command line: ``python -m ucj_dash <command>`` (or ``ucj-dash <command>``).

Commands: ``build`` (boundaries and demo data), ``build-boundaries``,
``build-demo``, ``info`` (what is installed: counts, sources, datasets).
"""

from __future__ import annotations

import argparse
import json
import sys

from ucj_dash import boundaries, demo, store
from ucj_dash.errors import UserError
from ucj_dash.paths import geo_dir
from ucj_dash.regions import Registry


def registry() -> Registry:
    return Registry.load(boundaries.layers_dir() / "regions.parquet")


def build_demo(force: bool = False, log=print) -> None:
    """Generate and store the demo dataset unless it is stored already for these boundaries."""
    manifest = boundaries.read_manifest() or {}
    stamp = manifest.get("sources", {}).get("wilayah", {}).get("commit", "")
    if not force and store.exists(store.DEMO_ID) and store.read_meta(store.DEMO_ID).extra.get("registry_commit") == stamp:
        return
    log("Membangkitkan data demo (simulasi) / generating the demo dataset (simulated)…")
    dataset = demo.generate(registry())
    dataset.meta.extra["registry_commit"] = stamp
    dataset.meta.extra["seed"] = demo.SEED
    store.save(dataset)


def build_all(force: bool = False, log=print) -> dict:
    manifest = boundaries.build(force=force, log=log)
    build_demo(force=force, log=log)
    return manifest


def info() -> dict:
    manifest = boundaries.read_manifest()
    out = {"geo_dir": str(geo_dir()), "boundaries": None, "datasets": []}
    if manifest:
        out["boundaries"] = {
            k: manifest[k]
            for k in ("built_at", "build_seconds", "registry_counts", "counts", "invalid_repaired", "display", "sources")
        }
        out["boundaries"]["villages_without_boundary"] = len(manifest["villages_without_boundary"])
    for meta in store.list_datasets():
        out["datasets"].append({"id": meta.id, "name": meta.name, "source": meta.source, "as_of": meta.as_of, "simulated": meta.simulated})
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ucj-dash", description="UCJ coverage dashboard: data tools")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("build", "build boundary layers and the demo dataset (no-op when current)"),
        ("build-boundaries", "build boundary layers only"),
        ("build-demo", "generate the demo dataset only"),
    ):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--force", action="store_true", help="rebuild even if current")
    sub.add_parser("info", help="print what is installed: counts, sources, datasets")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            build_all(force=args.force)
        elif args.command == "build-boundaries":
            boundaries.build(force=args.force)
        elif args.command == "build-demo":
            build_demo(force=args.force)
        elif args.command == "info":
            print(json.dumps(info(), indent=1, ensure_ascii=False))
    except UserError as exc:
        print(exc.message("id"), file=sys.stderr)
        print(exc.message("en"), file=sys.stderr)
        return 2
    return 0
