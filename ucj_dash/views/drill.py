"""The map's drill-down state: which region is in view, which metric, period, language.

Pure functions, no Streamlit: a :class:`View` goes to and from URL query
parameters, and clicks and breadcrumbs turn one view into the next.

Semantics of ``region``: for the nation, a province, a kabupaten/kota or a
kecamatan, the map shows its children; for a village, the map shows the
villages of its kecamatan with that village selected.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ucj_dash.analysis.indicators import METRICS
from ucj_dash.errors import UserError
from ucj_dash.geography.regions import NATION_CODE, Level, Registry, level_of, parent_of
from ucj_dash.text.i18n import LANGS

DEFAULT_METRIC = "ucj_coverage"
CLASSIFICATIONS = ("target", "fixed", "quantiles", "equal_interval")
#: steps towards the target: shows the spread where the official classes put most regions in one
DEFAULT_CLASSIFICATION = "target"
#: URL parameters owned by the shared view; pages may add their own beside them
QUERY_KEYS = ("region", "metric", "period", "lang", "classes", "src", "since")


@dataclass(frozen=True)
class View:
    region: str = NATION_CODE
    metric: str = DEFAULT_METRIC
    period: str | None = None  # None: the dataset's latest period
    lang: str = "id"
    classification: str = DEFAULT_CLASSIFICATION
    sources: str = ""  # the composition when it is not the default (``src``, see :mod:`ucj_dash.datasets.composition`)
    since: str | None = None  # the period progress is measured from (None: the first period)

    def since_for(self, periods: list[str]) -> str | None:
        """The period progress is measured from: the view's, else the first of ``periods`` (None with one period)."""
        return self.since or (periods[0] if len(periods) > 1 else None)

    @property
    def level(self) -> Level:
        return level_of(self.region)

    @property
    def map_parent(self) -> str:
        """The region whose children the map draws."""
        return parent_of(self.region) if self.level == Level.VILLAGE else self.region

    @property
    def selected_village(self) -> str | None:
        return self.region if self.level == Level.VILLAGE else None

    @property
    def child_level(self) -> Level:
        return Level(level_of(self.map_parent) + 1)


def click(view: View, code: str, registry: Registry) -> View:
    """The view after clicking region ``code`` on the map or in the table.

    Clicking a child drills into it; clicking a village selects it (there is
    no deeper level). An unknown code leaves the view as it is.
    """
    if code not in registry:
        return view
    return replace(view, region=code)


def up(view: View) -> View:
    """One level up (the nation stays the nation)."""
    parent = parent_of(view.map_parent) if view.level == Level.VILLAGE else parent_of(view.region)
    return replace(view, region=parent or NATION_CODE)


def breadcrumb(view: View, registry: Registry) -> list[tuple[str, str]]:
    """``[(code, name), ...]`` from Indonesia down to the region in view."""
    codes = [*registry.ancestors(view.region), view.region] if view.region != NATION_CODE else [NATION_CODE]
    return [(c, registry.name(c)) for c in codes]


def to_query(view: View) -> dict[str, str]:
    """URL query parameters of ``view`` (defaults left out, so links stay short)."""
    params = {}
    if view.region != NATION_CODE:
        params["region"] = view.region
    if view.metric != DEFAULT_METRIC:
        params["metric"] = view.metric
    if view.period:
        params["period"] = view.period
    if view.lang != "id":
        params["lang"] = view.lang
    if view.classification != DEFAULT_CLASSIFICATION:
        params["classes"] = view.classification
    if view.sources:
        params["src"] = view.sources
    if view.since:
        params["since"] = view.since
    return params


def from_query(params: dict, registry: Registry, periods: list[str]) -> tuple[View, list[UserError]]:
    """The view a URL describes, and a notice for each parameter that had to be ignored.

    Broken or unknown values fall back to the default (the national view),
    never raise.
    """
    notices: list[UserError] = []
    lang = str(params.get("lang", "id"))
    if lang not in LANGS:
        notices.append(UserError("notice.bad_param", name="lang", value=lang[:40]))
        lang = "id"
    region = NATION_CODE
    if params.get("region"):
        try:
            region = registry.require(params["region"])
        except UserError as exc:
            notices.append(exc)
    metric = str(params.get("metric", DEFAULT_METRIC))
    if metric not in METRICS:
        notices.append(UserError("notice.bad_param", name="metric", value=metric[:40]))
        metric = DEFAULT_METRIC
    period = params.get("period") or None
    if period is not None and period not in periods:
        notices.append(UserError("notice.bad_period", value=str(period)[:40], latest=periods[-1] if periods else "-"))
        period = None
    classification = str(params.get("classes", DEFAULT_CLASSIFICATION))
    if classification not in CLASSIFICATIONS:
        notices.append(UserError("notice.bad_param", name="classes", value=classification[:40]))
        classification = DEFAULT_CLASSIFICATION
    sources = str(params.get("src", ""))[:600]  # checked against the store by composition.from_query
    since = params.get("since") or None
    if since is not None and since not in periods:
        notices.append(UserError("notice.bad_since", value=str(since)[:40], first=periods[0] if periods else "-"))
        since = None
    return View(region=region, metric=metric, period=period, lang=lang, classification=classification, sources=sources,
                since=since), notices
