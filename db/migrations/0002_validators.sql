-- precwatch schema v2: conditional re-fetches.
-- For each URL that produced a listing version, the validators its response
-- carried (ETag, Last-Modified). A later run of the job sends them as
-- If-None-Match / If-Modified-Since; a 304 is a sighting of the same version.
-- analysis_key names the rules and extraction settings the version was made
-- with: when they change, the page is fetched in full again.
CREATE TABLE validators (
    url           TEXT PRIMARY KEY,       -- the frontier URL as requested (normalised)
    listing_id    INTEGER NOT NULL REFERENCES listings(id),
    version_id    INTEGER NOT NULL REFERENCES listing_versions(id),
    etag          TEXT,
    last_modified TEXT,
    analysis_key  TEXT NOT NULL
);
