"""Named funding scenarios: a plan an admin saved, with where it came from, and two side by side.

A scenario is one JSON file ``data_dir()/scenarios/<id>.json`` (``id``: the name folded to
``a-z0-9-``). It holds the plan's link (the page's URL parameters: the view and every choice of
the plan), who saved it (the admin's origin, as the audit log names it), when (UTC), which data
it rests on (the composition, each dataset's id and version, the period) and the plan's headline
figures at that moment. Files are written whole or not at all (a temporary file, then
:func:`os.replace`). With a shared store (``UCJ_STORE_URL``) a scenario is a row of the table
``scenarios`` instead: the same :class:`Scenario`, the same errors, seen by every replica. No
Streamlit here.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
from psycopg.types.json import Jsonb

from ucj_dash.database import connection, pool
from ucj_dash.errors import UserError
from ucj_dash.paths import data_dir
from ucj_dash.text import fmt
from ucj_dash.text.i18n import t

NAME_MAX = 80
ID_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")
FORMAT = 1


def folder() -> Path:
    return data_dir() / "scenarios"


def check_name(name) -> str:
    """The name as stored (spaces collapsed), or a :class:`UserError` naming the field: 1 to
    :data:`NAME_MAX` characters, no control characters, at least one letter or digit."""
    text = str(name or "")
    if any(not c.isprintable() and not c.isspace() for c in text):
        raise UserError("scenario.error.name_chars", field="name")
    text = " ".join(text.split())
    if not text:
        raise UserError("scenario.error.name_empty", field="name")
    if len(text) > NAME_MAX:
        raise UserError("scenario.error.name_long", field="name", n=len(text), max=NAME_MAX)
    if not slug(text):
        raise UserError("scenario.error.name_letters", field="name", value=text[:40])
    return text


def slug(name: str) -> str:
    """``name`` folded to lower-case ASCII letters, digits and single hyphens (at most 60 characters)."""
    letters = "".join(c if c.isalnum() else " " for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    ascii_text = letters.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:60].strip("-")


def _check_id(scenario_id) -> str:
    if not isinstance(scenario_id, str) or not ID_RE.match(scenario_id):
        raise UserError("scenario.error.not_found", value=str(scenario_id)[:60])
    return scenario_id


def _path(scenario_id: str) -> Path:
    return folder() / f"{_check_id(scenario_id)}.json"


@dataclass
class Scenario:
    """A saved plan: its name, link, provenance and headline figures (persons, rupiah a year, %)."""

    id: str
    name: str
    saved_by: str
    saved_at: str  # ISO 8601, UTC
    query: dict[str, str]  # the page's URL parameters (view and plan)
    region: str
    region_name: str
    period: str
    composition: str  # the sources' query (``p:<id>,w:<id>,...``) of the figures used
    datasets: list[dict]  # [{"id", "version"}] of every dataset the figures read
    simulated: bool
    summary: dict  # the plan's headline figures when saved (see :func:`summary`)
    bkbk: dict | None = None  # the BKBK model's headline figures, when the plan used it
    format: int = FORMAT
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict) -> "Scenario":
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def summary(plan) -> dict:
    """The headline figures of a :class:`~ucj_dash.analysis.funding.Plan` that a scenario keeps."""
    data = plan.to_json()
    burden = {source: {"mean_rupiah": b["mean_rupiah"], "max_rupiah": b["max_rupiah"],
                       "over_budget": None if b["over_budget"] is None else len(b["over_budget"]),
                       "villages": len(b["villages"]), "no_data": len(b["no_data"])}
              for source, b in data["burden"].items()}
    last = data["by_year"][-1] if data["by_year"] else None
    return {
        "inputs": data["inputs"], "workers_to_enrol": data["workers_to_enrol"],
        "per_worker_monthly_rupiah": data["per_worker_monthly_rupiah"], "cost_total_rupiah": data["cost_total_rupiah"],
        "by_source": data["by_source"], "unfunded_rupiah": data["unfunded_rupiah"], "overfunded_rupiah": data["overfunded_rupiah"],
        "by_year": [{k: y[k] for k in ("year", "new_workers", "workers", "cost_rupiah", "coverage_pct", "unfunded_rupiah")}
                    for y in data["by_year"]],
        "coverage_last_pct": last["coverage_pct"] if last else None, "target_pct": _target(data),
        "no_data": data["no_data"], "burden": burden, "provenance_text": data["provenance"]["text"],
    }


def _target(plan_json: dict) -> float | None:
    setting = plan_json["provenance"]["settings"].get("ucj_target_pct")
    return setting["value"] if setting else None


def bkbk_summary(model) -> dict:
    """The headline figures of a :class:`~ucj_dash.analysis.bkbk.Model` that a scenario keeps."""
    data = model.to_json()
    data.pop("kabupaten")
    return data


def save(name: str, query: dict, plan, figures, origin: str, model=None, replace: bool = False,
         now: datetime | None = None) -> Scenario:
    """Store ``plan`` (made from ``figures``; its link ``query``) under ``name``; a :class:`UserError` when the
    name is not valid, or is taken and ``replace`` is not set. ``origin`` says who saves it (the admin's address)."""
    name = check_name(name)
    scenario_id = _check_id(slug(name))
    shared = connection.store_url() is not None
    if not shared and _path(scenario_id).exists() and not replace:
        raise UserError("scenario.error.exists", field="name", value=name)
    when = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).isoformat(timespec="seconds")
    scenario = Scenario(
        id=scenario_id, name=name, saved_by=str(origin or "unknown")[:200], saved_at=when,
        query={str(k): str(v) for k, v in query.items()}, region=plan.inputs["region"], region_name=plan.inputs["region_name"],
        period=plan.inputs["period"], composition=figures.composition.to_query(),
        datasets=[{"id": i, "version": v} for i, v in figures.key[1]], simulated=bool(figures.meta.simulated),
        summary=summary(plan), bkbk=bkbk_summary(model) if model is not None else None,
    )
    text = json.dumps(asdict(scenario), ensure_ascii=False, indent=1, allow_nan=False)  # refuses NaN, as the file does
    if shared:
        _save_pg(scenario, replace)
    else:
        try:
            _write(_path(scenario_id), text + "\n", replace)
        except FileExistsError:  # saved by another process since the check above
            raise UserError("scenario.error.exists", field="name", value=name) from None
    return scenario


def _write(path: Path, text: str, replace: bool = True) -> None:
    """``text`` into ``path`` whole or not at all; unless ``replace``, :class:`FileExistsError` when ``path``
    exists (checked and written in one step: of two processes saving one name at once, one wins)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # refuses an existing path, atomically
            Path(tmp).unlink()
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load(scenario_id: str) -> Scenario:
    if connection.store_url():
        return _load_pg(_check_id(scenario_id))
    path = _path(scenario_id)
    try:
        return Scenario.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise UserError("scenario.error.not_found", value=scenario_id) from None
    except (ValueError, TypeError):
        raise UserError("scenario.error.unreadable", value=scenario_id) from None


def list_scenarios() -> list[Scenario]:
    """Every readable scenario, newest first (a file that cannot be read is left out)."""
    if connection.store_url():
        return _list_pg()
    out = []
    if folder().is_dir():
        for path in folder().glob("*.json"):
            if ID_RE.match(path.stem):
                try:
                    out.append(load(path.stem))
                except UserError:
                    continue
    return sorted(out, key=lambda s: (s.saved_at, s.id), reverse=True)


def delete(scenario_id: str) -> None:
    if connection.store_url():
        return _delete_pg(_check_id(scenario_id))
    path = _path(scenario_id)
    try:
        path.unlink()
    except FileNotFoundError:
        raise UserError("scenario.error.not_found", value=scenario_id) from None


# ---- on the shared store

_COLUMNS = ("id", "name", "saved_by", "saved_at", "query", "region", "region_name", "period", "composition", "datasets",
            "simulated", "summary", "bkbk", "format", "extra")
_JSON_COLUMNS = {"query", "datasets", "summary", "bkbk", "extra"}


def _save_pg(scenario: Scenario, replace: bool) -> None:
    """One row: a name taken refuses the second writer (``ON CONFLICT``), so two saves at once never both win."""
    data = asdict(scenario)
    values = [Jsonb(data[c]) if c in _JSON_COLUMNS and data[c] is not None else data[c] for c in _COLUMNS]
    names = ", ".join(_COLUMNS)
    on_conflict = ("DO UPDATE SET " + ", ".join(f"{c} = EXCLUDED.{c}" for c in _COLUMNS if c != "id")) if replace else "DO NOTHING"
    with pool.connection() as conn:
        cur = conn.execute(f"INSERT INTO scenarios ({names}) VALUES ({', '.join(['%s'] * len(_COLUMNS))}) "
                           f"ON CONFLICT (id) {on_conflict}", values)
        if cur.rowcount == 0:
            raise UserError("scenario.error.exists", field="name", value=scenario.name)


def _from_row(row) -> Scenario:
    data = dict(zip(_COLUMNS, row))
    data["saved_at"] = data["saved_at"].astimezone(timezone.utc).isoformat(timespec="seconds")
    return Scenario.from_dict(data)


def _load_pg(scenario_id: str) -> Scenario:
    with pool.connection() as conn:
        row = conn.execute(f"SELECT {', '.join(_COLUMNS)} FROM scenarios WHERE id = %s", (scenario_id,)).fetchone()
    if row is None:
        raise UserError("scenario.error.not_found", value=scenario_id)
    return _from_row(row)


def _list_pg() -> list[Scenario]:
    with pool.connection() as conn:
        rows = conn.execute(f"SELECT {', '.join(_COLUMNS)} FROM scenarios ORDER BY saved_at DESC, id DESC").fetchall()
    return [_from_row(row) for row in rows]


def _delete_pg(scenario_id: str) -> None:
    with pool.connection() as conn:
        cur = conn.execute("DELETE FROM scenarios WHERE id = %s", (scenario_id,))
        if cur.rowcount == 0:
            raise UserError("scenario.error.not_found", value=scenario_id)


# ---- two side by side

def comparison_rows(a: Scenario, b: Scenario, lang: str) -> pd.DataFrame:
    """One row per figure of two scenarios: ``code`` (the figure), ``item`` (its label), ``unit`` (persons, Rp, %,
    text), the values ``a`` and ``b`` as text, and ``difference`` (b − a) for numbers. Missing figures read "—"."""
    from ucj_dash.analysis.funding import SOURCES

    def inputs(s: Scenario) -> dict:
        return s.summary["inputs"]

    def split_text(s: Scenario) -> str:
        parts = []
        for p in inputs(s)["split"]:
            parts.append(f"{t('plan.source.' + p['source'], lang)} "
                         + (fmt.percent(p["share_pct"], lang, 0 if float(p["share_pct"]).is_integer() else 2)
                            if p["share_pct"] is not None else fmt.rupiah(p["amount_rp"], lang)))
        return "; ".join(parts) or t("plan.notice.none", lang)

    def phasing(s: Scenario) -> str:
        return " / ".join(fmt.percent(x, lang, 0 if float(x).is_integer() else 1) for x in inputs(s)["phasing"])

    text_rows = [
        ("name", "scenario.row.name", lambda s: s.name),
        ("region", "scenario.row.region", lambda s: f"{s.region_name} ({s.region})"),
        ("goal", "plan.goal", lambda s: t("plan.goal." + inputs(s)["goal"].replace("-", "_"), lang)),
        ("package", "plan.package", lambda s: t("plan.package." + inputs(s)["package"].replace("-", "_"), lang,
                                                rate=fmt.rupiah(s.summary["per_worker_monthly_rupiah"], lang, compact=False))),
        ("years", "scenario.row.years", lambda s: "–".join(str(y) for y in inputs(s)["years"])),
        ("phasing", "plan.phasing", phasing),
        ("split", "plan.split", split_text),
        ("period", "scenario.row.period", lambda s: fmt.period(s.period, lang)),
    ]
    number_rows = [
        ("workers", "scenario.row.workers", "persons", lambda s: s.summary["workers_to_enrol"]),
        ("cost", "scenario.row.cost", "Rp", lambda s: s.summary["cost_total_rupiah"]),
        *[(f"source.{src}", f"plan.source.{src}", "Rp", lambda s, src=src: s.summary["by_source"].get(src)) for src in SOURCES],
        ("unfunded", "plan.unfunded", "Rp", lambda s: s.summary["unfunded_rupiah"]),
        ("coverage", "scenario.row.coverage_last", "%", lambda s: s.summary["coverage_last_pct"]),
        ("target", "scenario.row.target", "%", lambda s: s.summary["target_pct"]),
        ("bkbk_workers", "scenario.row.bkbk_workers", "persons", lambda s: (s.bkbk or {}).get("workers")),
        ("bkbk_cost", "scenario.row.bkbk_cost", "Rp", lambda s: (s.bkbk or {}).get("cost_rupiah")),
    ]
    provenance_rows = [
        ("data", "scenario.row.data", lambda s: ", ".join(f"{d['id']} v{d['version']}" for d in s.datasets)
         + (f" · {t('simulated.label', lang)}" if s.simulated else "")),
        ("saved", "scenario.row.saved", lambda s: f"{s.saved_at} · {s.saved_by}"),
    ]
    rows = [{"code": key, "item": t(label, lang), "unit": "text", "a": str(get(a)), "b": str(get(b)), "difference": ""}
            for key, label, get in text_rows]
    for key, label, unit, get in number_rows:
        va, vb = get(a), get(b)
        if va is None and vb is None and (key.startswith("source.") or key.startswith("bkbk_")):
            continue  # a source neither scenario uses
        diff = vb - va if va is not None and vb is not None else None
        rows.append({"code": key, "item": t(label, lang), "unit": unit, "a": _cell(va, unit, lang), "b": _cell(vb, unit, lang),
                     "difference": _diff(diff, unit, lang)})
    rows += [{"code": key, "item": t(label, lang), "unit": "text", "a": get(a), "b": get(b), "difference": ""}
             for key, label, get in provenance_rows]
    return pd.DataFrame(rows)


def _cell(value, unit: str, lang: str) -> str:
    if value is None:
        return fmt.NO_DATA
    if unit == "Rp":
        return fmt.rupiah(value, lang, compact=False)
    if unit == "%":
        return fmt.percent(value, lang, 2)
    return fmt.number(value, lang)


def _diff(value, unit: str, lang: str) -> str:
    if value is None:
        return fmt.NO_DATA
    if unit == "%":
        return fmt.points(value, lang, 2)
    sign = "+" if value > 0 else (fmt.MINUS if value < 0 else "")
    return sign + _cell(abs(value), unit, lang)
