"""Command line: ``python -m ucj_dash <command>`` (or ``ucj-dash <command>``).

Commands: ``build`` (compiled translations, boundaries and demo data), ``build-boundaries``,
``build-demo``, ``info`` (what is installed: counts, sources, datasets),
``import`` (check a CSV/XLSX file and store it as a dataset, or with ``--append-to``
as a new version of a stored one; exit code 2 on errors, 1 when warnings were not
confirmed), ``versions`` (a dataset's versions), ``rollback`` (a new version with an
earlier version's periods), ``template`` (write the import templates), ``plan`` (a
funding plan as JSON or XLSX) and ``export`` (a region and its children with every count,
indicator and source, as CSV, XLSX or JSON). Bad input exits with code 2 and a message
in both languages; nothing is written then.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from pathlib import Path

from ucj_dash import audit, build
from ucj_dash.datasets import composition, store
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
        out["datasets"].append({"id": meta.id, "name": meta.name, "source": meta.source, "as_of": meta.as_of,
                                "simulated": meta.simulated, "version": store.current_version_number(meta.id)})
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
    """``import``: check the file, print the report, store it when clean (and confirmed): as a new dataset,
    or with ``--append-to`` as a new version of a stored one."""
    import pandas as pd

    from ucj_dash.datasets import importer
    from ucj_dash.text.i18n import t

    path, lang, append_to = Path(args.file), args.lang, args.append_to
    if append_to is not None:
        if store.is_demo(append_to):
            raise UserError("import.error.append_demo")
        store.require(append_to)  # before the work: a clear message for a wrong id
    else:
        if not (args.name or "").strip():
            raise UserError("import.error.no_name")
        if not (args.source or "").strip():
            raise UserError("import.error.no_source")
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
            dataset_id=args.dataset_id, append_to=append_to, accept_warnings=accept,
        )
    except UserError as exc:
        audit.record("import", "refused", "cli", append_to or args.dataset_id, file_sha256=report.sha256, reason=exc.key)
        raise
    number = dataset.version.number
    audit.record("import", "ok", "cli", dataset.meta.id, file_sha256=report.sha256, version=number,
                 **({"append": True} if append_to is not None else {}))
    if args.activate:
        composition.use_everywhere(dataset.meta.id)
        audit.record("activate", "ok", "cli", dataset.meta.id)
    if append_to is None:
        print(t("import.cli.stored", lang, id=dataset.meta.id, n=report.rows_imported, path=store.location(dataset.meta.id)))
        return 0
    before = store.read_version(dataset.meta.id, number - 1).periods if number > 1 else {}
    written = sorted(dataset.version.provenance.get("periods") or [p for p, e in dataset.version.periods.items() if e.version == number])
    added = [p for p in written if p not in before]
    replaced = [p for p in written if p in before]
    print(t("cli.import.appended", lang, id=dataset.meta.id, version=number, n=report.rows_imported,
            added=", ".join(added) or "–", replaced=", ".join(replaced) or "–"))
    return 0


def versions_command(args) -> int:
    """``versions``: every version of a dataset, the one in use marked ``*``."""
    from ucj_dash.text.i18n import t

    lang = args.lang
    dataset = store.require(args.dataset_id)
    current = dataset.version.number
    actions = {
        "create": t("cli.versions.create", lang),
        "append": t("cli.versions.append", lang),
        "rollback": t("cli.versions.rollback", lang),
    }
    history = store.versions(args.dataset_id)
    print(t("cli.versions.header", lang, id=dataset.meta.id, name=dataset.meta.name, n=len(history), current=current))
    for version in history:
        marker = "*" if version.number == current else " "
        prov = version.provenance
        written = sorted(p for p, e in version.periods.items() if e.version == version.number)
        print(f"{marker} {version.number:>4}  {actions.get(version.action, version.action)}  {version.created_at}")
        print("        " + t("cli.versions.periods", lang, periods=", ".join(sorted(version.periods)) or "–",
                               written=", ".join(written) or "–"))
        if "from_version" in prov:
            print("        " + t("cli.versions.from", lang, version=prov["from_version"]))
        if prov.get("file_name"):
            print("        " + t("cli.versions.file", lang, file=prov["file_name"], sha=str(prov.get("file_sha256", ""))[:12],
                                   as_of=prov.get("as_of", "") or "–"))
    print(t("cli.versions.current", lang, version=current, id=dataset.meta.id))
    return 0


def rollback_command(args) -> int:
    """``rollback``: a new version of the dataset holding the periods of an earlier version."""
    from ucj_dash.text.i18n import t

    dataset_id, lang = args.dataset_id, args.lang
    try:
        if store.is_demo(dataset_id):
            raise UserError("cli.rollback.error.demo")
        store.require(dataset_id)
        try:
            target = int(str(args.version).strip())
        except ValueError:
            raise UserError("data.error.no_version", id=dataset_id[:70], version=str(args.version)[:10]) from None
        store.read_version(dataset_id, target)  # a clear message before the lock
        dataset = store.roll_back(dataset_id, target)
    except UserError as exc:
        audit.record("rollback", "refused", "cli", dataset_id if store.ID_RE.match(dataset_id or "") else None, reason=exc.key)
        raise
    audit.record("rollback", "ok", "cli", dataset_id, from_version=target, version=dataset.version.number)
    print(t("cli.rollback.done", lang, id=dataset_id, version=dataset.version.number, from_version=target,
            periods=", ".join(dataset.periods) or "–"))
    return 0


def _write_file(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` whole or not at all (a temporary file renamed into place)."""
    if not path.parent.is_dir():
        raise UserError("cli.export.error.folder", path=str(path.parent)[:200])
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    try:
        tmp.write_bytes(content)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def export_command(args) -> int:
    """``export``: a region and its children with every count, indicator and source, as CSV, XLSX or JSON."""
    from ucj_dash.analysis.settings import Settings
    from ucj_dash.datasets import figures as figures_module
    from ucj_dash.exports import records
    from ucj_dash.text.i18n import t

    settings = Settings()
    reg = registry()
    region = reg.require(args.region)
    comp = records.parse_composition(args.composition)
    figs = figures_module.load(comp, int(settings["denominator_max_age_months"]))
    period = records.check_period(figs, args.period)
    table = records.records(figs, reg, region, period, settings)
    if args.format == "csv":
        content = records.to_csv(table, args.lang)
    elif args.format == "xlsx":
        content = records.to_xlsx(table, records.sources(figs))
    else:
        content = records.to_json(table, figs, region, period)
    out = Path(args.out)
    _write_file(out, content)
    print(t("cli.export.written", lang=args.lang, path=str(out), n=len(table), region=region, period=period))
    return 0


def plan_command(args) -> int:
    """``plan``: a funding plan for one region on the default composition's figures, as JSON (to ``--out`` or
    standard output) or as the XLSX plan (``--format xlsx``, needs ``--out``). The file is written whole or not at all."""
    from ucj_dash.analysis import funding
    from ucj_dash.analysis.settings import Settings
    from ucj_dash.datasets import figures as figures_module
    from ucj_dash.text.i18n import t

    if args.format == "xlsx" and not args.out:
        raise UserError("cli.plan.error.xlsx_out")
    out = Path(args.out) if args.out else None
    if out is not None and not out.parent.is_dir():  # before the work: nothing is computed for a file that cannot be written
        raise UserError("cli.export.error.folder", path=str(out.parent)[:200])
    max_age = int(Settings()["denominator_max_age_months"])
    figs = figures_module.load(composition.default(), max_age)
    reg = registry()
    result = funding.plan(
        figs, reg, args.region, args.goal, args.years, package=args.package,
        split=args.split, phasing=args.phasing, period=args.period, village_budget_rp=args.village_budget,
        village_budget_source=args.village_budget_source, budget_share_pct=args.budget_share,
    )
    if args.format == "xlsx":
        from ucj_dash.exports import planbook

        content = planbook.plan_xlsx(result, figs, reg, args.lang)
    else:
        content = result.json_bytes()
    if out is None:
        sys.stdout.write(content.decode("utf-8"))
        return 0
    _write_file(out, content)
    print(t("cli.plan.written", args.lang, path=str(out), region=result.inputs["region"], format=args.format.upper()))
    return 0


def migrate_command(args) -> int:
    """Bring the shared store's schema to this version (one process migrates; others wait for it)."""
    from ucj_dash.database import connection, migrations
    from ucj_dash.text.i18n import t

    url = connection.store_url()
    if url is None:
        print(t("store.migrate.no_store", args.lang, env=connection.ENV), file=sys.stderr)
        return 2
    result = migrations.migrate(url)
    where, database, _user = connection.describe(connection.parse(url))
    print(t("store.migrate.done", args.lang, where=where, database=database, version=result.version,
            applied=", ".join(str(v) for v in result.applied) or "-"))
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
    p = sub.add_parser("migrate", help="create or update the shared store's schema (UCJ_STORE_URL); replicas also do it on start")
    p.add_argument("--lang", choices=("id", "en"), default="id", help="language of the messages")
    p = sub.add_parser("import", help="check a CSV/XLSX file of counts and store it as a dataset (or a new version of one)")
    p.add_argument("file", help="CSV or XLSX file (see the template)")
    p.add_argument("--name", default=None, help="dataset name shown with every figure (required for a new dataset)")
    p.add_argument("--source", default=None, help="where the figures come from: institution, document (required for a new dataset)")
    p.add_argument("--append-to", dest="append_to", default=None, metavar="ID",
                   help="add the file's periods to stored dataset ID as a new version "
                        "(a period it has is replaced; the old version is kept)")
    p.add_argument("--as-of", required=True, dest="as_of", help="date of the figures: YYYY-MM or YYYY-MM-DD")
    p.add_argument("--description", default="", help="optional longer description")
    p.add_argument("--id", dest="dataset_id", default=None, help="dataset id (default: from the name and file checksum)")
    p.add_argument("--yes", action="store_true", help="import even if the check gave warnings")
    p.add_argument("--activate", action="store_true", help="make it the default source of every group of counts it has")
    p.add_argument("--report", default=None, help="also write the check report as CSV to this path")
    p.add_argument("--lang", choices=("id", "en"), default="id", help="language of the report")
    p = sub.add_parser("versions", help="list the versions of a stored dataset (the one in use marked *)")
    p.add_argument("dataset_id", metavar="ID", help="dataset id (see `info`)")
    p.add_argument("--lang", choices=("id", "en"), default="id", help="language of the listing")
    p = sub.add_parser("rollback", help="make an earlier version's periods current again, as a new version")
    p.add_argument("dataset_id", metavar="ID", help="dataset id (see `info`)")
    p.add_argument("version", metavar="VERSION", help="number of the version to go back to (see `versions`)")
    p.add_argument("--lang", choices=("id", "en"), default="id", help="language of the messages")
    p = sub.add_parser("export", help="a region and its children: every count, indicator and source (CSV, XLSX or JSON)")
    p.add_argument("--region", required=True, help="Kemendagri region code, e.g. 53.02 or 5302 (ID: the nation)")
    p.add_argument("--period", default=None, help="data period YYYY-MM (default: the latest)")
    p.add_argument("--composition", default=None,
                   help="sources per group on top of the default, e.g. p:<id>,w:<id> (p participants, w workers, "
                        "v vulnerable, x poverty, o officials)")
    p.add_argument("--format", choices=("csv", "xlsx", "json"), required=True, help="file format")
    p.add_argument("--out", required=True, help="file to write")
    p.add_argument("--lang", choices=("id", "en"), default="id",
                   help="language of the messages; CSV decimal mark (id: comma, en: point)")
    p = sub.add_parser("template", help="write the import templates (CSV and XLSX)")
    p.add_argument("--out", default=".", help="folder to write ucj_template.csv and ucj_template.xlsx into")
    p = sub.add_parser("plan", help="funding plan: who pays to enrol a region's uncovered workers (default sources)")
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
    p.add_argument("--format", choices=("json", "xlsx"), default="json",
                   help="json (the plan's figures and provenance) or xlsx (inputs, by year, by source, village burden, sources)")
    p.add_argument("--out", default=None, help="file to write (default for json: standard output; xlsx needs it)")
    p.add_argument("--lang", choices=("id", "en"), default="id", help="language of the XLSX and of the messages")
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
        elif args.command == "migrate":
            return migrate_command(args)
        elif args.command == "import":
            return import_file(args)
        elif args.command == "versions":
            return versions_command(args)
        elif args.command == "rollback":
            return rollback_command(args)
        elif args.command == "export":
            return export_command(args)
        elif args.command == "template":
            write_templates(args.out)
        elif args.command == "plan":
            return plan_command(args)
    except UserError as exc:
        print(exc.message("id"), file=sys.stderr)
        print(exc.message("en"), file=sys.stderr)
        return 2
    return 0
