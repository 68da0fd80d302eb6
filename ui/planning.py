"""The funding planner's cached computations (the page reruns on every input; the core does the work).

A refused input comes back as a :class:`~ucj_dash.errors.UserError` (cached as its key and parameters:
an exception does not survive the cache's pickling).
"""

from __future__ import annotations

import streamlit as st

from ucj_dash.analysis import bkbk, funding
from ucj_dash.analysis.settings import Settings
from ucj_dash.errors import UserError
from ui import loaders


def _or_error(result):
    if isinstance(result, tuple) and result and result[0] == "refused":
        return UserError(result[1], **result[2])
    return result


@st.cache_data(show_spinner=False, max_entries=32)
def _plan(key: tuple, code: str, period: str, settings_key: tuple, inputs: funding.PlanInputs):
    try:
        return inputs.run(loaders.figures(key), loaders.registry(), code, period, Settings.from_key(settings_key))
    except UserError as exc:
        return "refused", exc.key, exc.params


def plan(key: tuple, code: str, period: str, settings_key: tuple, inputs: funding.PlanInputs) -> funding.Plan | UserError:
    """The plan of ``inputs`` for ``code`` on the figures of ``key``, or why it is refused."""
    return _or_error(_plan(key, code, period, settings_key, inputs))


@st.cache_data(show_spinner=False, max_entries=32)
def ranking(key: tuple, code: str, goal: str, period: str, settings_key: tuple, package: str, lang: str):
    """The children of ``code`` ranked by the cost of a percentage point of the goal's coverage."""
    return funding.rank_children(loaders.figures(key), loaders.registry(), code, goal, period, Settings.from_key(settings_key),
                                 package, lang)


@st.cache_data(show_spinner=False, max_entries=16)
def _bkbk(key: tuple, code: str, period: str, settings_key: tuple, inputs: funding.PlanInputs):
    try:
        return bkbk.apply(loaders.figures(key), loaders.registry(), code, period, Settings.from_key(settings_key),
                          **inputs.bkbk_kwargs())
    except UserError as exc:
        return "refused", exc.key, exc.params


def bkbk_model(key: tuple, code: str, period: str, settings_key: tuple, inputs: funding.PlanInputs) -> bkbk.Model | UserError:
    """The BKBK model of ``inputs`` on the villages of ``code``, or why it is refused."""
    return _or_error(_bkbk(key, code, period, settings_key, inputs))
