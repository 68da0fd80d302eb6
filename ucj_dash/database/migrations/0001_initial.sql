-- 0001 initial: the shared store's tables (issue 13). Applied once by ucj_dash.database.migrations,
-- in one transaction; never edit this file after it shipped: add 0002_<name>.sql instead.
--
-- What the embedded file store keeps per dataset (ucj_dash/datasets/store.py) maps to:
--   meta.json                 -> datasets (current_version = the CURRENT file)
--   versions/NNNN.json        -> dataset_versions (manifest = the version's periods, provenance)
--   files/NNNN-source.<ext>   -> dataset_files
--   periods/<period>-<sha8>   -> period_figures rows (file = '<period>-<sha8>', the name of the content)
--   history/, coarse files    -> none: trends read period_figures through its index
-- and data/composition.json -> default_composition, data/scenarios/*.json -> scenarios,
-- data/audit.log -> audit_log and login_attempts.

-- ---------------------------------------------------------------- datasets and their versions

CREATE TABLE datasets (
    id              text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),  -- store.ID_RE
    name            text NOT NULL,
    source          text NOT NULL,
    as_of           text NOT NULL DEFAULT '',          -- the as-of the uploader stated (DatasetMeta.as_of)
    description     text NOT NULL DEFAULT '',
    simulated       boolean NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    current_version integer,                           -- the version in use; NULL only inside the creating transaction
    extra           jsonb NOT NULL DEFAULT '{}'        -- DatasetMeta.extra (upload record, seed, ...)
);

CREATE TABLE dataset_versions (
    dataset_id  text NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    number      integer NOT NULL CHECK (number >= 1),
    action      text NOT NULL CHECK (action IN ('create', 'append', 'rollback')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    provenance  jsonb NOT NULL DEFAULT '{}',           -- store.provenance() of the upload, or {"from_version": n}
    -- the version's periods: {"YYYY-MM": {"file", "columns", "finest", "rows", "version", "as_of", "uploaded_at"}}
    -- (store.PeriodEntry; "file" names the period's rows in period_figures)
    manifest    jsonb NOT NULL,
    PRIMARY KEY (dataset_id, number)
);

ALTER TABLE datasets ADD CONSTRAINT datasets_current_version_fkey
    FOREIGN KEY (id, current_version) REFERENCES dataset_versions (dataset_id, number)
    DEFERRABLE INITIALLY DEFERRED;

-- the file each version was imported from (nothing an upload does is ever lost)
CREATE TABLE dataset_files (
    dataset_id  text NOT NULL,
    version     integer NOT NULL,
    name        text NOT NULL,                         -- store.source_file_name(): source.csv, source.xlsx, ...
    sha256      text NOT NULL,
    content     bytea NOT NULL,
    PRIMARY KEY (dataset_id, version, name),
    FOREIGN KEY (dataset_id, version) REFERENCES dataset_versions (dataset_id, number) ON DELETE CASCADE
);

-- ---------------------------------------------------------------- the figures

-- One stored period of one dataset, rolled up to every level (store.period_frame): immutable rows
-- named by their content (file = '<YYYY-MM>-<sha8>'), shared by every version whose manifest names them.
-- Counts are persons (NULL: no data, never 0); <pair>__part/__whole/__used/__units/__unit_level are
-- the matched sums of each rate (ucj_dash/analysis/matched.py), NULL where the period lacks that pair.
-- Partitioned by period, one partition per month, made by period_figures_partition(period) before the
-- first rows of a new month are written (there is no default partition: rows of a month without a
-- partition are refused).
CREATE TABLE period_figures (
    dataset_id                       text NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    file                             text NOT NULL,
    period                           text NOT NULL CHECK (period ~ '^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$'),
    region_code                      text NOT NULL,
    level                            smallint NOT NULL CHECK (level BETWEEN 0 AND 4),
    given                            boolean NOT NULL,   -- the row was in the upload (not a sum of its children)
    reporting                        double precision,   -- input rows the figures rest on
    -- counts (ucj_dash.datasets.dataset.COUNT_COLUMNS)
    population                       double precision,
    employed_workers                 double precision,
    active_participants              double precision,
    registered_participants          double precision,
    active_pu                        double precision,
    active_bpu                       double precision,
    active_jakon                     double precision,
    vulnerable_workers               double precision,
    vulnerable_covered               double precision,
    extreme_poor_population          double precision,
    extreme_poor_workers             double precision,
    extreme_poor_workers_covered     double precision,
    village_officials                double precision,
    village_officials_enrolled       double precision,
    -- matched sums of each pair (ucj_dash.datasets.dataset.PAIRS x ucj_dash.analysis.matched.SUFFIXES)
    ucj__part                        double precision,
    ucj__whole                       double precision,
    ucj__used                        integer,
    ucj__units                       integer,
    ucj__unit_level                  smallint,
    registered__part                 double precision,
    registered__whole                double precision,
    registered__used                 integer,
    registered__units                integer,
    registered__unit_level           smallint,
    vulnerable__part                 double precision,
    vulnerable__whole                double precision,
    vulnerable__used                 integer,
    vulnerable__units                integer,
    vulnerable__unit_level           smallint,
    extreme_poor_workers__part       double precision,
    extreme_poor_workers__whole      double precision,
    extreme_poor_workers__used       integer,
    extreme_poor_workers__units      integer,
    extreme_poor_workers__unit_level smallint,
    extreme_poverty__part            double precision,
    extreme_poverty__whole           double precision,
    extreme_poverty__used            integer,
    extreme_poverty__units           integer,
    extreme_poverty__unit_level      smallint,
    village_officials__part          double precision,
    village_officials__whole         double precision,
    village_officials__used          integer,
    village_officials__units         integer,
    village_officials__unit_level    smallint,
    -- the views' lookups: one period file's rows at a level, a subtree as a range of codes
    -- (a unique index of a partitioned table must hold the partition key: period comes last)
    CONSTRAINT period_figures_pkey PRIMARY KEY (dataset_id, file, level, region_code, period)
) PARTITION BY LIST (period);

-- The partition of period p ('YYYY-MM'), made if missing; returns its name (period_figures_YYYY_MM).
-- Safe when several writers call it at once (they take turns on an advisory lock of that period).
CREATE FUNCTION period_figures_partition(p text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    part text;
BEGIN
    IF p IS NULL OR p !~ '^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$' THEN
        RAISE EXCEPTION 'period_figures_partition: % is not a period YYYY-MM', p USING ERRCODE = '22023';
    END IF;
    part := 'period_figures_' || replace(p, '-', '_');
    PERFORM pg_advisory_xact_lock(hashtextextended('ucj period_figures ' || p, 0));
    IF to_regclass(quote_ident(part)) IS NULL THEN
        EXECUTE format('CREATE TABLE %I PARTITION OF period_figures FOR VALUES IN (%L)', part, p);
    END IF;
    RETURN part;
END
$$;

-- ---------------------------------------------------------------- the admin's choices and plans

-- which dataset gives each group of counts by default (ucj_dash.datasets.composition); no row: the
-- built-in source; a row with dataset_id NULL: no source on purpose; a deleted dataset's rows go with it
CREATE TABLE default_composition (
    indicator_group text PRIMARY KEY
        CHECK (indicator_group IN ('participants', 'workers', 'vulnerable', 'poverty', 'officials')),
    dataset_id      text REFERENCES datasets (id) ON DELETE CASCADE,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- named funding scenarios (ucj_dash.analysis.scenarios.Scenario)
CREATE TABLE scenarios (
    id          text PRIMARY KEY CHECK (id ~ '^[a-z0-9]([a-z0-9-]{0,58}[a-z0-9])?$'),  -- scenarios.ID_RE
    name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 80),
    saved_by    text NOT NULL,                         -- the admin's origin, as the audit log names it
    saved_at    timestamptz NOT NULL DEFAULT now(),
    query       jsonb NOT NULL,                        -- the page's URL parameters (view and plan)
    region      text NOT NULL,
    region_name text NOT NULL,
    period      text NOT NULL,
    composition text NOT NULL,                         -- the sources' query, p:<id>,w:<id>,...
    datasets    jsonb NOT NULL,                        -- [{"id", "version"}] the figures read
    simulated   boolean NOT NULL,
    summary     jsonb NOT NULL,                        -- the plan's headline figures when saved
    bkbk        jsonb,                                 -- the BKBK model's headline figures, when used
    format      integer NOT NULL DEFAULT 1,
    extra       jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX scenarios_newest ON scenarios (saved_at DESC, id DESC);

-- ---------------------------------------------------------------- who did what, and password guesses

-- every admin action (ucj_dash.audit): import, activate, delete, rollback, login, logout, ...
-- dataset_id is no foreign key: the log outlives the datasets it names
CREATE TABLE audit_log (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    time       timestamptz NOT NULL DEFAULT now(),
    actor      text NOT NULL,                          -- who: 'admin', 'cli', an OIDC identity
    action     text NOT NULL,
    outcome    text NOT NULL CHECK (outcome IN ('ok', 'failed', 'refused', 'throttled')),
    origin     text NOT NULL DEFAULT 'unknown',        -- where from: client address, or 'cli'
    dataset_id text,
    detail     jsonb NOT NULL DEFAULT '{}'             -- file_sha256, version, reason, ...; never a password
);
CREATE INDEX audit_log_time ON audit_log (time);

-- admin password guesses, for the throttle across replicas (ucj_dash.audit.login_wait_s: failures of the
-- last window per origin and in total)
CREATE TABLE login_attempts (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    time      timestamptz NOT NULL DEFAULT now(),
    origin    text NOT NULL,
    succeeded boolean NOT NULL
);
CREATE INDEX login_attempts_failed ON login_attempts (time) WHERE NOT succeeded;
CREATE INDEX login_attempts_failed_by_origin ON login_attempts (origin, time) WHERE NOT succeeded;

-- ---------------------------------------------------------------- the store's version, for cache keys

-- one row; counter goes up with every statement that changes the data a page shows (the triggers
-- below), in the same transaction, so a cache keyed on it is fresh on any replica's next rerun;
-- each change is also announced to listeners: NOTIFY ucj_store_changed, '<counter>'
CREATE TABLE store_version (
    id         boolean PRIMARY KEY DEFAULT true CHECK (id),
    counter    bigint NOT NULL DEFAULT 0,
    changed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO store_version DEFAULT VALUES;

CREATE FUNCTION store_version_bump() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    now_counter bigint;
BEGIN
    UPDATE store_version SET counter = counter + 1, changed_at = now() WHERE id RETURNING counter INTO now_counter;
    PERFORM pg_notify('ucj_store_changed', now_counter::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER datasets_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON datasets
    FOR EACH STATEMENT EXECUTE FUNCTION store_version_bump();
CREATE TRIGGER dataset_versions_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON dataset_versions
    FOR EACH STATEMENT EXECUTE FUNCTION store_version_bump();
CREATE TRIGGER default_composition_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON default_composition
    FOR EACH STATEMENT EXECUTE FUNCTION store_version_bump();
CREATE TRIGGER scenarios_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON scenarios
    FOR EACH STATEMENT EXECUTE FUNCTION store_version_bump();
