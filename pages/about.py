"""About: data sources and their licences, what is installed, the settings with sources."""

import streamlit as st

from ucj_dash.analysis.settings import table as settings_table
from ucj_dash.geography import boundaries
from ucj_dash.text import fmt
from ucj_dash.text.i18n import t
from ucj_dash.text.markup import markdown as md
from ui import entry, loaders, state, widgets

entry.through_app(__file__)

view, _ = state.current_view()
lang = view.lang
ds = state.current_figures()
manifest = loaders.manifest()
widgets.language_switch(view)

st.title(t("page.about", lang))
widgets.simulated_banner(ds, lang)

st.header(t("about.dataset", lang))
comp = ds.composition
for dataset in ds.used_datasets():
    groups = ", ".join(t("sources.group." + g, lang) for g, i in comp.sources if i == dataset.meta.id)
    st.markdown(f"**{md(dataset.meta.name)}** — {groups}  \n{md(dataset.meta.source)}  \n{md(dataset.meta.description)}  \n"
                f"{t('about.dataset.periods', lang, periods=', '.join(fmt.period(p, lang) for p in dataset.periods), version=dataset.version.number)}")

st.header(t("about.sources", lang))
st.markdown(t("about.licence", lang))
counts = boundaries.installed_counts(manifest)
without_boundary = counts["without_boundary"]
st.markdown(
    t(
        "about.counts",
        lang,
        prov=fmt.number(counts["prov"], lang),
        kab=fmt.number(counts["kab"], lang),
        kec=fmt.number(counts["kec"], lang),
        desa=fmt.number(counts["desa"], lang),
        missing=t("about.counts.missing", lang, n=fmt.number(without_boundary, lang), count=without_boundary),
    )
)
for key, src in manifest.get("sources", {}).items():
    st.markdown(f"- **{md(src['repo'])}** @ {md(src['commit'][:12])} — {md(src['description'])} — {md(src['licence'])} — {md(src['url'])}")

st.header(t("about.method", lang))
st.markdown(t("about.method.text", lang))

st.header(t("about.settings", lang))
st.dataframe(settings_table(state.settings(), lang), hide_index=True, width="stretch")

st.header(t("about.installed", lang))
st.caption(f"{md(manifest.get('built_at', '-'))} · {md(manifest.get('build_seconds', '-'))} s")
st.json({k: manifest.get(k) for k in ("counts", "registry_counts", "invalid_repaired", "display")}, expanded=False)
