//! A run shared by several crawler processes on one PostgreSQL database
//! (issue 13): frontier leases, per-host politeness claimed in the
//! database, robots.txt fetched once, and the run finished once.
//!
//! Everything here is one statement, or one transaction with a row lock,
//! so it is atomic without a coordinator process:
//! - A worker takes frontier entries with `FOR UPDATE SKIP LOCKED` and
//!   stamps them with its name and a lease expiry; it renews its leases
//!   while it holds them. An entry whose lease lapsed (its worker was
//!   killed) is queued for anyone again.
//! - An entry is settled once: the outcome's "still queued" condition
//!   makes a second worker's commit of the same entry a no-op
//!   (`commit.rs`), so a lease that lapsed while its worker was still
//!   fetching cannot store a page twice.
//! - A request to a host starts only at a slot its worker reserved:
//!   `hosts.next_at_ms` moves from max(itself, the earliest start) by the
//!   interval plus a margin, in one `UPDATE` under the row's lock, so the
//!   slots of any two requests to a host are at least that far apart (on
//!   one clock: workers on several machines need their clocks
//!   synchronised). When its slot comes, the worker checks the host again:
//!   paused meanwhile, or held by a Retry-After or Crawl-delay set after
//!   the reservation, it does not send. A worker that wakes too late for its
//!   slot reserves another, up to three times, then sends late.
//! - robots.txt is fetched by the worker that claims it; the others wait
//!   for its stored answer.
//! - The run is finished by the worker that finds the frontier exhausted
//!   while holding the run's row lock and seeing it still running.

use super::db::{params, Backend, OptionalExtension};
use super::{QueueItem, Store, StoreError};

/// What a claim of a host's next request slot gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SlotClaim {
    /// The slot is this worker's: start the request at this time (Unix ms).
    At(i64),
    /// The host was paused for the rest of the run (by any worker), and why.
    Paused(String),
}

/// What a claim of a host's robots.txt gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RobotsClaim {
    /// This worker fetches it and saves the answer.
    Fetch,
    /// Stored already: (status, body).
    Known(u16, String),
    /// Another worker is fetching it: ask again shortly.
    Wait,
}

/// A worker's request for frontier entries.
#[derive(Debug, Clone, Copy)]
pub struct LeaseAsk<'a> {
    /// The worker (`frontier.lease_owner`).
    pub owner: &'a str,
    /// Entries wanted at most.
    pub limit: usize,
    /// The worker's clock (Unix ms): leases that lapsed before it are free.
    pub now_ms: i64,
    /// When the new leases lapse unless renewed (Unix ms).
    pub until_ms: i64,
}

impl Store {
    /// Takes up to `ask.limit` queued entries of `host` that nobody holds
    /// (or whose lease lapsed), for `ask.owner` until `ask.until_ms`,
    /// shallowest first.
    pub fn lease_for_host(&self, run_id: i64, host: &str, ask: &LeaseAsk<'_>) -> Result<Vec<QueueItem>, StoreError> {
        super::retrying(|| self.lease_once(run_id, host, ask))
    }

    fn lease_once(&self, run_id: i64, host: &str, ask: &LeaseAsk<'_>) -> Result<Vec<QueueItem>, StoreError> {
        let LeaseAsk {
            owner,
            limit,
            now_ms,
            until_ms,
        } = *ask;
        let lock = self.skip_locked();
        let tx = self.conn.transaction_immediate()?;
        let mut ids: Vec<i64> = tx
            .prepare(&format!(
                "UPDATE frontier SET lease_owner = ?3, lease_until_ms = ?5
                 WHERE id IN (SELECT id FROM frontier WHERE run_id = ?1 AND host = ?2 AND status = 'queued'
                                AND (lease_until_ms IS NULL OR lease_until_ms < ?4)
                              ORDER BY id LIMIT ?6 {lock})
                 RETURNING id"
            ))?
            .query_map(params![run_id, host, owner, now_ms, until_ms, limit as i64], |r| {
                r.get(0)
            })?
            .collect::<Result<_, _>>()?;
        ids.sort_unstable();
        let items = match (ids.first(), ids.last()) {
            (Some(first), Some(last)) => self
                .queue_items(
                    "f.run_id = ?1 AND f.host = ?2 AND f.status = 'queued' AND f.lease_owner = ?3
                     AND f.id BETWEEN ?4 AND ?5 ORDER BY f.id",
                    params![run_id, host, owner, first, last],
                )?
                .into_iter()
                .filter(|i| ids.binary_search(&i.id).is_ok())
                .collect(),
            _ => Vec::new(),
        };
        tx.commit()?;
        Ok(items)
    }

    /// Extends every lease `owner` holds in the run to `until_ms`; the number renewed.
    pub fn renew_leases(&self, run_id: i64, owner: &str, until_ms: i64) -> Result<u64, StoreError> {
        super::retrying(|| {
            Ok(self.conn.execute(
                // Rows the writer is settling now are skipped, not waited for (no deadlock with it).
                &format!(
                    "UPDATE frontier SET lease_until_ms = ?3 WHERE id IN (
                       SELECT id FROM frontier WHERE run_id = ?1 AND lease_owner = ?2 AND status = 'queued' {})",
                    self.skip_locked()
                ),
                params![run_id, owner, until_ms],
            )? as u64)
        })
    }

    /// Gives back every entry `owner` still holds (a worker stopping early),
    /// so other workers take them at once instead of after the lease.
    pub fn release_leases(&self, run_id: i64, owner: &str) -> Result<u64, StoreError> {
        super::retrying(|| {
            Ok(self.conn.execute(
                "UPDATE frontier SET lease_until_ms = NULL WHERE run_id = ?1 AND lease_owner = ?2 AND status = 'queued'",
                params![run_id, owner],
            )? as u64)
        })
    }

    /// Gives back `owner`'s entries of one host (paused here) or one entry
    /// (whose outcome could not be stored), so they do not stay held while
    /// this worker renews its other leases.
    pub fn release_some(
        &self,
        run_id: i64,
        owner: &str,
        host: Option<&str>,
        id: Option<i64>,
    ) -> Result<u64, StoreError> {
        super::retrying(|| {
            Ok(self.conn.execute(
                "UPDATE frontier SET lease_until_ms = NULL
                 WHERE run_id = ?1 AND lease_owner = ?2 AND status = 'queued'
                   AND (CAST(?3 AS TEXT) IS NULL OR host = ?3) AND (CAST(?4 AS BIGINT) IS NULL OR id = ?4)",
                params![run_id, owner, host, id],
            )? as u64)
        })
    }

    fn skip_locked(&self) -> &'static str {
        match self.backend() {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        }
    }

    /// Hosts with queued entries nobody holds now (new links from other
    /// workers, or the entries of a worker that died).
    pub fn claimable_hosts(&self, run_id: i64, now_ms: i64) -> Result<Vec<String>, StoreError> {
        Ok(self
            .conn
            .prepare(
                "SELECT DISTINCT host FROM frontier WHERE run_id = ?1 AND status = 'queued'
                   AND (lease_until_ms IS NULL OR lease_until_ms < ?2)",
            )?
            .query_map(params![run_id, now_ms], |r| r.get(0))?
            .collect::<Result<_, _>>()?)
    }

    /// Reserves `host`'s next request slot: the first time from
    /// `earliest_ms` on that the host is free, which then stays taken for
    /// `gap_ms` (see the module's invariants). One statement, so waiting
    /// workers are served in turn, never refused.
    pub fn reserve_slot(
        &self,
        run_id: i64,
        host: &str,
        earliest_ms: i64,
        gap_ms: i64,
    ) -> Result<SlotClaim, StoreError> {
        let (next, paused, why): (i64, i64, Option<String>) = self.conn.query_row(
            "INSERT INTO hosts (run_id, host, next_at_ms) VALUES (?1, ?2, CAST(?3 AS BIGINT) + CAST(?4 AS BIGINT))
             ON CONFLICT (run_id, host) DO UPDATE
               SET next_at_ms = CASE WHEN hosts.paused = 0
                                     THEN (CASE WHEN hosts.next_at_ms > ?3 THEN hosts.next_at_ms ELSE ?3 END) + ?4
                                     ELSE hosts.next_at_ms END
             RETURNING next_at_ms, paused, pause_reason",
            params![run_id, host, earliest_ms, gap_ms],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        Ok(if paused != 0 {
            SlotClaim::Paused(why.unwrap_or_default())
        } else {
            SlotClaim::At(next.saturating_sub(gap_ms))
        })
    }

    /// Holds `host` for every worker until `until_ms` (a Retry-After).
    /// Slots reserved before it and falling inside it are given up by their
    /// workers ([`Store::slot_still_good`]).
    pub fn hold_host(&self, run_id: i64, host: &str, until_ms: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO hosts (run_id, host, next_at_ms, held_until_ms) VALUES (?1, ?2, ?3, ?3)
             ON CONFLICT (run_id, host) DO UPDATE
               SET next_at_ms = CASE WHEN hosts.next_at_ms < ?3 THEN ?3 ELSE hosts.next_at_ms END,
                   held_until_ms = CASE WHEN hosts.held_until_ms < ?3 THEN ?3 ELSE hosts.held_until_ms END",
            params![run_id, host, until_ms],
        )?;
        Ok(())
    }

    /// Whether a slot reserved at `at_ms` may still be used when it comes:
    /// not when the host was paused meanwhile, nor when a hold (Retry-After,
    /// Crawl-delay) set after the reservation covers it.
    pub fn slot_still_good(&self, run_id: i64, host: &str, at_ms: i64) -> Result<SlotClaim, StoreError> {
        let (paused, why, held): (i64, Option<String>, i64) = self.conn.query_row(
            "SELECT paused, pause_reason, held_until_ms FROM hosts WHERE run_id = ?1 AND host = ?2",
            params![run_id, host],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        Ok(if paused != 0 {
            SlotClaim::Paused(why.unwrap_or_default())
        } else if held > at_ms {
            SlotClaim::At(held)
        } else {
            SlotClaim::At(at_ms)
        })
    }

    /// Claims the fetch of `host`'s robots.txt for `claim_ms`, or gives the
    /// answer another worker stored.
    pub fn claim_robots(&self, run_id: i64, host: &str, now_ms: i64, claim_ms: i64) -> Result<RobotsClaim, StoreError> {
        let claimed = self
            .conn
            .query_row(
                "INSERT INTO hosts (run_id, host, robots_claim_until_ms) VALUES (?1, ?2, ?4)
                 ON CONFLICT (run_id, host) DO UPDATE SET robots_claim_until_ms = ?4
                 WHERE hosts.robots_status IS NULL
                   AND (hosts.robots_claim_until_ms IS NULL OR hosts.robots_claim_until_ms < ?3)
                 RETURNING 1",
                params![run_id, host, now_ms, now_ms.saturating_add(claim_ms)],
                |r| r.get::<i64>(0),
            )
            .optional()?;
        if claimed.is_some() {
            return Ok(RobotsClaim::Fetch);
        }
        Ok(match self.host_robots(run_id, host)? {
            Some((status, body)) => RobotsClaim::Known(status, body),
            None => RobotsClaim::Wait,
        })
    }

    /// What is left of a shared run: (queued entries some worker may still
    /// fetch, pages whose listing waits for analysis). Entries of hosts
    /// paused for the run wait for the next run, as on SQLite.
    pub fn work_left(&self, run_id: i64) -> Result<(u64, u64), StoreError> {
        Ok(self.conn.query_row(
            "SELECT (SELECT COUNT(*) FROM frontier f WHERE f.run_id = ?1 AND f.status = 'queued'
                       AND NOT EXISTS (SELECT 1 FROM hosts h WHERE h.run_id = f.run_id AND h.host = f.host AND h.paused = 1)),
                    (SELECT COUNT(*) FROM pages WHERE run_id = ?1 AND listing_pending = 1)",
            [run_id],
            |r| Ok((r.get::<i64>(0)?.max(0) as u64, r.get::<i64>(1)?.max(0) as u64)),
        )?)
    }

    /// Queued entries of the run held by a live lease of any worker.
    pub fn live_leases(&self, run_id: i64, now_ms: i64) -> Result<u64, StoreError> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM frontier WHERE run_id = ?1 AND status = 'queued' AND lease_until_ms >= ?2",
            params![run_id, now_ms],
            |r| r.get::<i64>(0),
        )? as u64)
    }
}
