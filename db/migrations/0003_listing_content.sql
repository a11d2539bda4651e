-- precwatch schema v3: match the listing, not the page.
--
-- A version keeps the page's whole visible text as evidence (`text`) and the
-- listing's own content that was matched (`content`, hit offsets point into
-- it), its named parts, and the chrome that was dropped and why. A version
-- is made when the content changes, not when the chrome rotates.
ALTER TABLE listing_versions ADD COLUMN content TEXT NOT NULL DEFAULT '';
ALTER TABLE listing_versions ADD COLUMN content_sha256 TEXT;
ALTER TABLE listing_versions ADD COLUMN parts_json TEXT NOT NULL DEFAULT '[]';   -- [{"name","start","end"}] in content
ALTER TABLE listing_versions ADD COLUMN chrome_json TEXT NOT NULL DEFAULT '[]';  -- [{"text","why"}]
UPDATE listing_versions SET content = text, content_sha256 = text_sha256;

-- Which part of the content a hit is in: title, description, or a field name.
ALTER TABLE hits ADD COLUMN part TEXT NOT NULL DEFAULT '';

-- Listing identity is a key: the site's listing id when the job gives one
-- (`[site.fields] id` or `id_pattern`), else the canonical URL. The canonical
-- URL is no longer unique (one offer may be reached under several URLs).
CREATE TABLE listings_v3 (
    id            INTEGER PRIMARY KEY,
    site          TEXT NOT NULL,
    listing_key   TEXT NOT NULL UNIQUE,
    canonical_url TEXT NOT NULL,
    first_seen    TEXT NOT NULL,
    last_seen     TEXT NOT NULL,
    first_run_id  INTEGER NOT NULL,
    last_run_id   INTEGER NOT NULL,
    current_version_id INTEGER,
    state         TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'changed', 'unchanged', 'gone')),
    review_state  TEXT NOT NULL DEFAULT 'unreviewed'
);
INSERT INTO listings_v3 (id, site, listing_key, canonical_url, first_seen, last_seen, first_run_id, last_run_id,
                         current_version_id, state, review_state)
    SELECT id, site, canonical_url, canonical_url, first_seen, last_seen, first_run_id, last_run_id,
           current_version_id, state, review_state FROM listings;
DROP TABLE listings;
ALTER TABLE listings_v3 RENAME TO listings;
CREATE INDEX listings_url ON listings(canonical_url);
CREATE INDEX listings_site_run ON listings(site, last_run_id);

-- A listing page fetched before its site's template was learned waits with
-- its listing unanalysed (1) until the template is known or the run ends.
ALTER TABLE pages ADD COLUMN listing_pending INTEGER NOT NULL DEFAULT 0;
CREATE INDEX pages_pending ON pages(run_id, listing_pending) WHERE listing_pending = 1;
