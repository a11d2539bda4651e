-- precwatch schema v6: scheduled monitoring.
--
-- A job's lock: `watch` holds it while it runs the job, renewing the lease;
-- a process that died leaves a lease that expires (or a dead pid on the
-- same host), so a crash never leaves the job stuck.
CREATE TABLE job_locks (
    job_name      TEXT PRIMARY KEY,
    holder        TEXT NOT NULL,          -- random id of the holding process
    pid           INTEGER NOT NULL,
    host          TEXT NOT NULL,
    acquired_at   TEXT NOT NULL,
    expires_at    INTEGER NOT NULL        -- unix ms; renewed while the run goes on
);

-- What each alert target has been sent: a listing goes to a target once per
-- content (a listing whose content changes is sent again). A delivery that
-- failed records nothing here, so the next run sends it again.
CREATE TABLE alert_deliveries (
    alert_key     TEXT NOT NULL,
    listing_id    INTEGER NOT NULL REFERENCES listings(id),
    content_sha256 TEXT NOT NULL,
    version_id    INTEGER NOT NULL REFERENCES listing_versions(id),
    run_id        INTEGER NOT NULL REFERENCES runs(id),
    delivered_at  TEXT NOT NULL,
    PRIMARY KEY (alert_key, listing_id, content_sha256)
);

-- Every delivery attempt after a run, with its outcome (`precwatch runs`).
CREATE TABLE alert_attempts (
    id            INTEGER PRIMARY KEY,
    run_id        INTEGER NOT NULL REFERENCES runs(id),
    alert_key     TEXT NOT NULL,
    kind          TEXT NOT NULL,
    at            TEXT NOT NULL,
    listings      INTEGER NOT NULL,
    ok            INTEGER NOT NULL,
    error         TEXT
);
CREATE INDEX alert_attempts_run ON alert_attempts(run_id);

-- Listings a run marked gone (its frontier exhausted without seeing them).
ALTER TABLE runs ADD COLUMN gone INTEGER NOT NULL DEFAULT 0;

-- `precwatch runs` counts each run's pages, listings by risk, new and changed listings.
CREATE INDEX sightings_run ON sightings(run_id, version_id);
CREATE INDEX versions_run ON listing_versions(run_id, listing_id);
CREATE INDEX listings_first_run ON listings(first_run_id);
