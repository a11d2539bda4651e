-- precwatch schema v7: targeted discovery.
--
-- How each frontier entry was found: `crawl` (seeds and their links),
-- `search` (a result page of `query`, page `page`), `result` (a listing
-- linked from a result page, a sitemap or a storefront; `query` kept for the
-- per-query summary), `sitemap` (robots.txt or a sitemap; `page` = nesting
-- level), `store` (a seller's storefront page `page`).
ALTER TABLE frontier ADD COLUMN via TEXT NOT NULL DEFAULT 'crawl';
ALTER TABLE frontier ADD COLUMN query TEXT;
ALTER TABLE frontier ADD COLUMN page INTEGER NOT NULL DEFAULT 0;
CREATE INDEX frontier_query ON frontier(run_id, query) WHERE query IS NOT NULL;
-- Each run reads again the storefronts earlier runs of its job followed.
CREATE INDEX frontier_storefronts ON frontier(run_id) WHERE via = 'store' AND page = 1;
