"""About: data sources and their licences, what is installed, the settings with sources."""

import pandas as pd
import streamlit as st

from ucj_dash.text import fmt
from ucj_dash.text.i18n import t
from ui import loaders, state, widgets

view, _ = state.current_view()
lang = view.lang
ds = loaders.dataset(state.active_dataset_id())
manifest = loaders.manifest()
widgets.language_switch(view)

st.title(t("page.about", lang))
widgets.simulated_banner(ds, lang)

st.header(t("about.dataset", lang))
st.markdown(f"**{ds.meta.name}**  \n{ds.meta.source}  \n{ds.meta.description}  \n"
            f"{t('tooltip.period', lang)}: {', '.join(ds.periods)}")

st.header(t("about.sources", lang))
st.markdown(t("about.licence", lang))
counts = manifest.get("counts", {})
st.markdown(
    t(
        "about.counts",
        lang,
        prov=fmt.number(counts.get("prov"), lang),
        kab=fmt.number(counts.get("kab"), lang),
        kec=fmt.number(counts.get("kec"), lang),
        desa=fmt.number(manifest.get("registry_counts", {}).get("desa"), lang),
        missing=fmt.number(len(manifest.get("villages_without_boundary", [])), lang),
    )
)
for key, src in manifest.get("sources", {}).items():
    st.markdown(f"- **{src['repo']}** @ `{src['commit'][:12]}` — {src['description']} — {src['licence']} — {src['url']}")

st.header(t("about.method", lang))
st.markdown(t("about.method.text", lang))

st.header(t("about.settings", lang))
st.dataframe(
    pd.DataFrame(
        [{"key": s.key, "value": s.value, "unit": s.unit, "source": s.source, "as of": s.as_of, "note": s.note} for s in state.settings().items()]
    ),
    hide_index=True,
    width="stretch",
)

st.header(t("about.installed", lang))
st.caption(f"{manifest.get('built_at', '-')} · {manifest.get('build_seconds', '-')} s")
st.json({k: manifest.get(k) for k in ("counts", "registry_counts", "invalid_repaired", "display")}, expanded=False)
