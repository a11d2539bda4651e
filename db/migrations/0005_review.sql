-- precwatch schema v5: review and the listing list.
--
-- Review statuses are new, confirmed, false_positive and escalated (the
-- Rust enum `ReviewStatus` is the truth; SQLite cannot add a CHECK to an
-- existing column). 'unreviewed' was the old name of 'new'.
UPDATE listings SET review_state = 'new' WHERE review_state = 'unreviewed';

-- Review events are append-only: who, when, the status before and after, a
-- note, and the version (so the content) that was reviewed. `action` keeps
-- its v1 meaning: the new status, or 'reopened' when precwatch returned a
-- false positive to new because its content changed.
ALTER TABLE review_events ADD COLUMN old_status TEXT;
ALTER TABLE review_events ADD COLUMN new_status TEXT;
CREATE INDEX review_events_listing ON review_events(listing_id, id);
CREATE TRIGGER review_events_no_update BEFORE UPDATE ON review_events
BEGIN SELECT RAISE(ABORT, 'review events are append-only'); END;
CREATE TRIGGER review_events_no_delete BEFORE DELETE ON review_events
BEGIN SELECT RAISE(ABORT, 'review events are append-only'); END;

-- The current version's risk, score and title on the listing itself, kept
-- by every sighting, so the list of listings is filtered and ordered by an
-- index instead of a join over every version.
ALTER TABLE listings ADD COLUMN risk_rank INTEGER NOT NULL DEFAULT 0;   -- none 0, low 1, medium 2, high 3
ALTER TABLE listings ADD COLUMN score REAL NOT NULL DEFAULT 0;
ALTER TABLE listings ADD COLUMN title TEXT NOT NULL DEFAULT '';
UPDATE listings SET
    risk_rank = COALESCE((SELECT CASE v.risk WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END
                          FROM listing_versions v WHERE v.id = listings.current_version_id), 0),
    score = COALESCE((SELECT v.score FROM listing_versions v WHERE v.id = listings.current_version_id), 0),
    title = COALESCE((SELECT v.title FROM listing_versions v WHERE v.id = listings.current_version_id), '');
-- The list's order with every filter column after it: a page walks this
-- index in order and tests the filters in it, touching the table only for
-- the rows it shows; a count is an index-only scan.
CREATE INDEX listings_triage ON listings(risk_rank DESC, score DESC, id, review_state, state, site, first_run_id, first_seen);
-- The text search finds versions; this finds the listings they are current for.
CREATE INDEX listings_version ON listings(current_version_id);

-- Text search over each version's title, content and its listing's URL: a
-- trigram index finds any substring of three characters or more in any
-- script (Chinese has no spaces to split words at). rowid =
-- listing_versions.id; versions are never deleted, so the index needs no
-- content of its own. A crawl does not write it (it would halve the
-- writer's speed): the first text search after new versions indexes them
-- (`search_indexed.upto`, the last version indexed).
CREATE VIRTUAL TABLE version_search USING fts5(title, content, url, content = '', tokenize = 'trigram');
CREATE TABLE search_indexed (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    upto          INTEGER NOT NULL
);
INSERT INTO search_indexed (id, upto) VALUES (1, 0);
