"""The shared store on PostgreSQL (issue 13): connection and schema. No Streamlit here.

The dashboard keeps its data in one of two stores, chosen by configuration:

* the **embedded** store (the default, nothing to install): datasets, versions and the default
  composition as files under ``data/`` (:mod:`ucj_dash.datasets.store`), used by one app process;
* the **shared** store on PostgreSQL, used when ``UCJ_STORE_URL=postgresql://user:password@host:port/db``
  is set, so that several app replicas and the command line see the same datasets, versions, default
  composition, saved scenarios, audit log and password-guess throttle.

This package holds the shared store's plumbing (its datasets: :mod:`ucj_dash.datasets.pgstore`):

* :mod:`ucj_dash.database.connection`: :func:`~ucj_dash.database.connection.store_url` (the configured
  URL, None for the embedded store) and :func:`~ucj_dash.database.connection.connect` (psycopg 3), whose
  failures are a :class:`~ucj_dash.errors.UserError` saying, in Bahasa Indonesia and English, what is
  wrong and what to do, without ever showing the password;
* :mod:`ucj_dash.database.pool`: one connection pool per process, the schema migrated on first use;
* :mod:`ucj_dash.database.changes`: the store's version counter as announced (``LISTEN``), for cache keys;
* :mod:`ucj_dash.database.migrations`: the schema, as numbered plain SQL files in ``migrations/``
  (``NNNN_<name>.sql``) applied in order, each in its own transaction, recorded in ``schema_version``
  with a checksum, under a PostgreSQL advisory lock, so that of several replicas starting at once
  exactly one migrates and the others wait and then find the schema current. A migration file
  changed after it was applied is refused. Never edit an applied migration: add the next number.

The tables (``migrations/0001_initial.sql``): ``datasets``, ``dataset_versions`` (each version's period
manifest and provenance), ``dataset_files`` (the imported source files), ``period_figures`` (every
stored period rolled up to every level, partitioned by period, one partition per month),
``default_composition``, ``scenarios``, ``audit_log``, ``login_attempts`` and ``store_version`` (a counter
bumped by every change to the data, for cache keys; changes are also announced with ``NOTIFY
ucj_store_changed``).
"""
