-- precwatch schema v1.
-- Runs with provenance, the crawl frontier, fetched pages with their evidence,
-- listings with versions, hits per version, review events and seller identifiers.

CREATE TABLE runs (
    id            INTEGER PRIMARY KEY,
    job_name      TEXT NOT NULL,
    job_sha256    TEXT NOT NULL,          -- hash of the job file as written
    job_text      TEXT NOT NULL,          -- the job file itself
    rules_sha256  TEXT NOT NULL,          -- fingerprint of the loaded rule packs
    tool_version  TEXT NOT NULL,
    hostname      TEXT,
    started_at    TEXT NOT NULL,          -- RFC 3339 UTC
    finished_at   TEXT,
    status        TEXT NOT NULL CHECK (status IN ('running', 'finished', 'interrupted')),
    complete      INTEGER NOT NULL DEFAULT 0, -- 1 when the frontier was exhausted (no cap hit): 'gone' is meaningful
    stats_json    TEXT
);
CREATE INDEX runs_job ON runs(job_name, id);

-- The frontier of one run. url is the normalised URL; seen-URL state lives here, on disk.
CREATE TABLE frontier (
    id            INTEGER PRIMARY KEY,
    run_id        INTEGER NOT NULL REFERENCES runs(id),
    url           TEXT NOT NULL,
    site          TEXT NOT NULL,
    host          TEXT NOT NULL,
    depth         INTEGER NOT NULL,
    parent_id     INTEGER,
    status        TEXT NOT NULL CHECK (status IN ('queued', 'done', 'failed', 'skipped')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    not_before    INTEGER NOT NULL DEFAULT 0,  -- unix ms: retry backoff
    last_error    TEXT,
    UNIQUE (run_id, url)
);
-- The scheduler refills each host's queue by id cursor: (run_id, host, status, id) answers it from the index.
CREATE INDEX frontier_queue ON frontier(run_id, host, status, id);

-- Raw bodies, content-addressed (sha256 of the bytes as received, after transfer decoding).
CREATE TABLE blobs (
    sha256        TEXT PRIMARY KEY,
    size          INTEGER NOT NULL,
    data          BLOB NOT NULL
);

-- One fetch of one URL.
CREATE TABLE pages (
    id            INTEGER PRIMARY KEY,
    run_id        INTEGER NOT NULL REFERENCES runs(id),
    frontier_id   INTEGER REFERENCES frontier(id),
    url           TEXT NOT NULL,          -- as requested (normalised)
    final_url     TEXT NOT NULL,          -- after redirects
    redirects_json TEXT NOT NULL DEFAULT '[]',
    status_code   INTEGER NOT NULL,
    fetched_at    TEXT NOT NULL,
    headers_json  TEXT NOT NULL,
    content_type  TEXT,
    charset       TEXT,                   -- the encoding the body was decoded with
    charset_source TEXT,                  -- bom, header, meta, detected, default
    body_sha256   TEXT REFERENCES blobs(sha256),
    body_size     INTEGER NOT NULL DEFAULT 0,
    truncated     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (run_id, frontier_id)
);

CREATE TABLE listings (
    id            INTEGER PRIMARY KEY,
    site          TEXT NOT NULL,
    canonical_url TEXT NOT NULL UNIQUE,   -- identity: <link rel=canonical> or the normalised final URL
    first_seen    TEXT NOT NULL,
    last_seen     TEXT NOT NULL,
    first_run_id  INTEGER NOT NULL,
    last_run_id   INTEGER NOT NULL,
    current_version_id INTEGER,
    state         TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'changed', 'unchanged', 'gone')),
    review_state  TEXT NOT NULL DEFAULT 'unreviewed'
);

-- A distinct content of a listing. A changed page adds a version.
CREATE TABLE listing_versions (
    id            INTEGER PRIMARY KEY,
    listing_id    INTEGER NOT NULL REFERENCES listings(id),
    run_id        INTEGER NOT NULL REFERENCES runs(id),
    page_id       INTEGER NOT NULL REFERENCES pages(id),
    fetched_at    TEXT NOT NULL,
    text_sha256   TEXT NOT NULL,          -- of the extracted visible text
    body_sha256   TEXT,
    title         TEXT NOT NULL,
    text          TEXT NOT NULL,
    fields_json   TEXT NOT NULL DEFAULT '{}',
    score         REAL NOT NULL,
    risk          TEXT NOT NULL CHECK (risk IN ('none', 'low', 'medium', 'high')),
    rules_sha256  TEXT NOT NULL
);
CREATE INDEX versions_listing ON listing_versions(listing_id, id);

-- Every time a listing is seen (unchanged or not).
CREATE TABLE sightings (
    listing_id    INTEGER NOT NULL REFERENCES listings(id),
    run_id        INTEGER NOT NULL REFERENCES runs(id),
    page_id       INTEGER NOT NULL REFERENCES pages(id),
    version_id    INTEGER NOT NULL REFERENCES listing_versions(id),
    seen_at       TEXT NOT NULL,
    PRIMARY KEY (listing_id, run_id, page_id)
);

CREATE TABLE hits (
    id            INTEGER PRIMARY KEY,
    version_id    INTEGER NOT NULL REFERENCES listing_versions(id),
    rule_id       TEXT NOT NULL,
    category      TEXT NOT NULL,
    kind          TEXT NOT NULL,
    cas           TEXT,
    matched       TEXT NOT NULL,
    start         INTEGER NOT NULL,       -- byte offsets into listing_versions.text
    end           INTEGER NOT NULL,
    context       TEXT NOT NULL
);
CREATE INDEX hits_version ON hits(version_id);
CREATE INDEX hits_rule ON hits(rule_id);

CREATE TABLE review_events (
    id            INTEGER PRIMARY KEY,
    listing_id    INTEGER NOT NULL REFERENCES listings(id),
    version_id    INTEGER REFERENCES listing_versions(id),
    at            TEXT NOT NULL,
    reviewer      TEXT NOT NULL,
    action        TEXT NOT NULL,          -- e.g. confirmed, dismissed, escalated, note
    note          TEXT
);

CREATE TABLE sellers (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,          -- email, phone, telegram, whatsapp, wechat, wickr, supplier_name, ...
    value         TEXT NOT NULL,
    UNIQUE (kind, value)
);
CREATE TABLE listing_sellers (
    listing_id    INTEGER NOT NULL REFERENCES listings(id),
    seller_id     INTEGER NOT NULL REFERENCES sellers(id),
    version_id    INTEGER NOT NULL REFERENCES listing_versions(id),
    PRIMARY KEY (listing_id, seller_id, version_id)
);

-- Per-run host state that must survive a restart: robots.txt, pauses.
CREATE TABLE hosts (
    run_id        INTEGER NOT NULL REFERENCES runs(id),
    host          TEXT NOT NULL,
    robots_status INTEGER,
    robots_txt    TEXT,
    paused        INTEGER NOT NULL DEFAULT 0,
    pause_reason  TEXT,
    PRIMARY KEY (run_id, host)
);
