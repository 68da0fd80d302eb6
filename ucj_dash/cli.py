"""Command line: ``python -m ucj_dash <command>`` (or ``ucj-dash <command>``).

Commands: ``build`` (compiled translations, boundaries and demo data), ``build-boundaries``,
``build-demo``, ``info`` (what is installed: counts, sources, datasets),
``import`` (check a CSV/XLSX file and store it as a dataset; exit code 2 on
errors, 1 when warnings were not confirmed), ``template`` (write the import
templates), ``plan`` (a funding plan as JSON; exit code 2 on bad input).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ucj_dash import audit, build
from ucj_dash.datasets import store
from ucj_dash.errors import UserError
from ucj_dash.geography import boundaries
from ucj_dash.paths import geo_dir

registry = build.registry


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


def write_templates(folder: str) -> None:
    from ucj_dash.datasets import template

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    reg = registry()
    (out / "ucj_template.csv").write_bytes(template.csv_bytes(reg))
    (out / "ucj_template.xlsx").write_bytes(template.xlsx_bytes(reg))
    print(out / "ucj_template.csv")
    print(out / "ucj_template.xlsx")


def import_file(args) -> int:
    """``import``: check the file, print the report, store it when clean (and confirmed)."""
    import pandas as pd

    from ucj_dash.datasets import importer
    from ucj_dash.text.i18n import t

    path, lang = Path(args.file), args.lang
    if not path.is_file():
        raise UserError("import.error.file_not_found", path=str(path))
    report = importer.check(path.read_bytes(), path.name, registry())
    print(report.summary(lang))
    for _, row in report.table(lang).iterrows():
        severity, row_no, column, value, problem, fix = row.tolist()
        where = ", ".join(x for x in (f"{t('import.col.row', lang)} {row_no}" if pd.notna(row_no) else "",
                                      f"{t('import.col.column', lang)} {column}" if column else "",
                                      f"“{value}”" if value else "") if x)
        print(f"[{severity}] {where + ': ' if where else ''}{problem} → {fix}")
    if args.report:
        Path(args.report).write_bytes(report.to_csv(lang))
    if not report.ok:
        print(t("import.error.has_errors", lang, n=report.error_count), file=sys.stderr)
        return 2
    accept = args.yes
    if report.warnings and not accept:
        if sys.stdin.isatty():
            accept = input(t("import.cli.confirm", lang, n=report.warning_count)).strip().lower() in ("y", "ya", "yes")
        if not accept:
            print(t("import.cli.need_yes", lang, n=report.warning_count), file=sys.stderr)
            return 1
    try:
        dataset = importer.store_import(
            report, name=args.name, source=args.source, as_of=args.as_of, description=args.description,
            dataset_id=args.dataset_id, accept_warnings=accept,
        )
    except UserError as exc:
        audit.record("import", "refused", "cli", args.dataset_id, file_sha256=report.sha256, reason=exc.key)
        raise
    audit.record("import", "ok", "cli", dataset.meta.id, file_sha256=report.sha256)
    if args.activate:
        store.set_active(dataset.meta.id)
        audit.record("activate", "ok", "cli", dataset.meta.id)
    print(t("import.cli.stored", lang, id=dataset.meta.id, n=report.rows_imported, path=store.dataset_path(dataset.meta.id)))
    return 0


def plan_command(args) -> int:
    """``plan``: a funding plan for one region on the active dataset, written as JSON (to ``--out`` or stdout)."""
    from ucj_dash.analysis import funding

    result = funding.plan(
        store.load(store.active_id()), registry(), args.region, args.goal, args.years, package=args.package,
        split=args.split, phasing=args.phasing, period=args.period, village_budget_rp=args.village_budget,
        village_budget_source=args.village_budget_source, budget_share_pct=args.budget_share,
    )
    text = json.dumps(result.to_json(), indent=1, ensure_ascii=False)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ucj-dash", description="UCJ coverage dashboard: data tools")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("build", "compile translations, build boundary layers and the demo dataset (no-op when current)"),
        ("build-boundaries", "build boundary layers only"),
        ("build-demo", "generate the demo dataset only"),
    ):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--force", action="store_true", help="rebuild even if current")
    sub.add_parser("info", help="print what is installed: counts, sources, datasets")
    p = sub.add_parser("import", help="check a CSV/XLSX file of counts and store it as a dataset")
    p.add_argument("file", help="CSV or XLSX file (see the template)")
    p.add_argument("--name", required=True, help="dataset name shown with every figure")
    p.add_argument("--source", required=True, help="where the figures come from (institution, document)")
    p.add_argument("--as-of", required=True, dest="as_of", help="date of the figures: YYYY-MM or YYYY-MM-DD")
    p.add_argument("--description", default="", help="optional longer description")
    p.add_argument("--id", dest="dataset_id", default=None, help="dataset id (default: from the name and file checksum)")
    p.add_argument("--yes", action="store_true", help="import even if the check gave warnings")
    p.add_argument("--activate", action="store_true", help="make it the default dataset of the app")
    p.add_argument("--report", default=None, help="also write the check report as CSV to this path")
    p.add_argument("--lang", choices=("id", "en"), default="id", help="language of the report")
    p = sub.add_parser("template", help="write the import templates (CSV and XLSX)")
    p.add_argument("--out", default=".", help="folder to write ucj_template.csv and ucj_template.xlsx into")
    p = sub.add_parser("plan", help="funding plan: who pays to enrol a region's uncovered workers (active dataset)")
    p.add_argument("--region", required=True, help="Kemendagri region code, e.g. 53.02")
    p.add_argument("--goal", required=True, help="extreme-poor, vulnerable, officials or target")
    p.add_argument("--years", required=True, help="year range, e.g. 2026-2029")
    p.add_argument("--package", default="jkk-jkm", help="jkk-jkm (Rp16,800/month) or with-jht (Rp36,800/month)")
    p.add_argument("--split", default="", help="sources: shares in %% or Rp amounts a year, e.g. apbd_prov=30,apbd_kab=40,csr=Rp5000000")
    p.add_argument("--period", default=None, help="data period YYYY-MM (default: the latest)")
    p.add_argument("--phasing", default="all-at-once", help="all-at-once, linear or shares per year, e.g. 20,30,50")
    p.add_argument("--village-budget", dest="village_budget", default=None, help="village budget, rupiah a year (for the burden check)")
    p.add_argument("--village-budget-source", dest="village_budget_source", default=None, help="source of the village budget")
    p.add_argument("--budget-share", dest="budget_share", default="100", help="share (%%) of the village budget the burden may take")
    p.add_argument("--format", choices=("json",), default="json", help="output format (json only for now)")
    p.add_argument("--out", default=None, help="file to write (default: standard output)")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            build.run(force=args.force)
        elif args.command == "build-boundaries":
            with build.exclusive():
                boundaries.build(force=args.force)
        elif args.command == "build-demo":
            with build.exclusive():
                build.build_demo(force=args.force)
        elif args.command == "info":
            print(json.dumps(info(), indent=1, ensure_ascii=False))
        elif args.command == "import":
            return import_file(args)
        elif args.command == "template":
            write_templates(args.out)
        elif args.command == "plan":
            return plan_command(args)
    except UserError as exc:
        print(exc.message("id"), file=sys.stderr)
        print(exc.message("en"), file=sys.stderr)
        return 2
    return 0
