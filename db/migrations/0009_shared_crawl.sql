-- Issue 13: a run shared by several crawler processes (PostgreSQL). The
-- columns exist in both back ends so the schema is one; SQLite's single
-- writer leaves them empty.
--
-- A worker leases the frontier entries it holds: `lease_owner` names the
-- worker, `lease_until_ms` (Unix ms) is when the lease lapses unless renewed.
-- An entry whose lease has lapsed returns to the queue for any worker.
ALTER TABLE frontier ADD COLUMN lease_owner TEXT;
ALTER TABLE frontier ADD COLUMN lease_until_ms INTEGER;
CREATE INDEX frontier_leases ON frontier(run_id, lease_owner) WHERE lease_owner IS NOT NULL;
-- What is left to fetch, by host: what idle workers poll for and count.
CREATE INDEX frontier_queued ON frontier(run_id, host) WHERE status = 'queued';

-- Per-host politeness shared by every worker of a run: the earliest time
-- (Unix ms) the next request to the host may start, claimed atomically;
-- `robots_claim_until_ms` is a worker's claim to fetch the host's robots.txt
-- (the others wait for `robots_status`); `held_until_ms` is the end of the
-- latest Retry-After or Crawl-delay hold, which a slot reserved before it
-- must not use.
ALTER TABLE hosts ADD COLUMN next_at_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE hosts ADD COLUMN robots_claim_until_ms INTEGER;
ALTER TABLE hosts ADD COLUMN held_until_ms INTEGER NOT NULL DEFAULT 0;
