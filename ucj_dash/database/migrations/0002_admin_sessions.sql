-- 0002 admin sessions: admin logins that hold across reconnects and replicas (ucj_dash.admin_sessions).
-- A login cookie carries a signed token; the token is valid only while its row here exists, is not
-- revoked and has not expired, so a logout on any replica ends it everywhere.
CREATE TABLE admin_sessions (
    id         text PRIMARY KEY,                        -- the token's random id (never the token itself)
    issued_at  timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    origin     text NOT NULL DEFAULT 'unknown',         -- the client address that logged in
    revoked_at timestamptz
);
CREATE INDEX admin_sessions_expires ON admin_sessions (expires_at);

-- The default composition may name the built-in simulated sources (demo-*), which are build artefacts on
-- disk in every replica, not rows of datasets: no foreign key. A source that is gone falls back to the
-- built-in one when read (ucj_dash.datasets.composition.default), as with the file store.
ALTER TABLE default_composition DROP CONSTRAINT default_composition_dataset_id_fkey;
