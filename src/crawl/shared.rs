//! This process's part in a run shared with other crawler processes
//! (PostgreSQL): its name, its own connection for coordination (so a claim
//! never waits behind a group commit), and the waits for a host's slot and
//! robots.txt. The rules themselves are in `store/shared.rs`.

use super::writer::Writer;
use super::CrawlError;
use crate::store::{RobotsClaim, SlotClaim, Store};
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant, SystemTime};

/// Entries leased per refill of a host's queue: few, so the entries of a
/// host spread over the workers and a killed worker strands few. A host's
/// rate is its interval whoever asks, so a worker needs only the next few.
pub(crate) const LEASE_BATCH: usize = 8;
/// A worker leases more of a host's entries when it holds fewer than this.
pub(crate) const REFILL_BELOW: usize = 2;
/// Slots a worker gives up for waking too late before it sends late anyway.
const LATE_TRIES: u32 = 3;
/// How often an idle worker looks for entries nobody holds (new links of
/// other workers, the entries of a dead one) and whether the run is over.
pub(crate) const POLL: Duration = Duration::from_millis(500);

/// Milliseconds since the Unix epoch (the clock every worker's claims use).
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Sleeps until `at_ms` on the workers' clock (at once when it has passed).
async fn sleep_until(at_ms: i64) {
    let wait = at_ms.saturating_sub(now_ms());
    if wait > 0 {
        tokio::time::sleep(Duration::from_millis(wait as u64)).await;
    }
}

/// Why a request may not start.
#[derive(Debug)]
pub(crate) enum Refused {
    /// The host was paused by some worker, and why.
    Paused(String),
    /// The database did not answer.
    Database(String),
}

/// A worker of a shared run.
pub(crate) struct Shared {
    /// This worker's name in `frontier.lease_owner`: host, pid and a random tag.
    pub owner: String,
    /// The coordination connection's thread.
    pub coord: Writer,
    /// How long a lease lasts unless renewed (`[crawl] lease_ms`).
    pub lease: Duration,
    run_id: i64,
    /// The last slot reservation's round trip (ms): how far ahead the next is asked.
    rtt_ms: AtomicI64,
}

impl Shared {
    /// Opens the coordination connection to `db` for `run_id`.
    pub(crate) fn open(db: &std::path::Path, run_id: i64, lease: Duration) -> Result<Shared, CrawlError> {
        let store = Store::open(db)?;
        // The thread ends when the last handle is dropped with the run's context.
        let (coord, _thread) = Writer::spawn(store, run_id)?;
        let owner = format!(
            "{}:{}:{:08x}",
            crate::store::hostname().unwrap_or_else(|| "unknown".into()),
            std::process::id(),
            fastrand::u32(..)
        );
        Ok(Shared {
            owner,
            coord,
            lease,
            run_id,
            rtt_ms: AtomicI64::new(1),
        })
    }

    /// When a lease taken now lapses.
    pub(crate) fn lease_until(&self) -> i64 {
        now_ms().saturating_add(i64::try_from(self.lease.as_millis()).unwrap_or(i64::MAX))
    }

    /// Waits until this worker's reserved slot for `host` (request starts
    /// to one host at least `interval` apart across every worker). The slot
    /// is reserved a little ahead of now (twice the last round trip to the
    /// database), and the host stays taken for `interval` plus a margin of
    /// a tenth (4 to 25 ms). When the slot comes the host is read again: a
    /// pause or a hold set meanwhile wins. A worker that wakes later than
    /// half the margin after its slot (a loaded machine) gives the slot up
    /// and reserves the next, at most [`LATE_TRIES`] times, then sends.
    pub(crate) async fn wait_for_slot(&self, host: &str, interval: Duration) -> Result<(), Refused> {
        let interval_ms = i64::try_from(interval.as_millis()).unwrap_or(i64::MAX);
        let margin_ms = if interval_ms == 0 {
            0
        } else {
            (interval_ms / 10).clamp(4, 25)
        };
        let gap = interval_ms.saturating_add(margin_ms);
        let db = |e: CrawlError| Refused::Database(e.to_string());
        let mut late_tries = 0;
        loop {
            let lead = if interval_ms == 0 {
                0
            } else {
                self.rtt_ms.load(Ordering::Relaxed).saturating_mul(2).clamp(2, 2_000)
            };
            let (run_id, h) = (self.run_id, host.to_string());
            let asked = Instant::now();
            let earliest = now_ms().saturating_add(lead);
            let claim = self
                .coord
                .call(move |s| s.reserve_slot(run_id, &h, earliest, gap))
                .await
                .map_err(db)?;
            let rtt = i64::try_from(asked.elapsed().as_millis()).unwrap_or(i64::MAX);
            self.rtt_ms.store(rtt, Ordering::Relaxed);
            let at = match claim {
                SlotClaim::At(at) => at,
                SlotClaim::Paused(why) => return Err(Refused::Paused(why)),
            };
            sleep_until(at).await;
            let (run_id, h) = (self.run_id, host.to_string());
            match self
                .coord
                .call(move |s| s.slot_still_good(run_id, &h, at))
                .await
                .map_err(db)?
            {
                SlotClaim::Paused(why) => return Err(Refused::Paused(why)),
                // A hold set after the reservation: reserve again after it.
                SlotClaim::At(held) if held > at => {
                    sleep_until(held).await;
                    continue;
                }
                SlotClaim::At(_) => {}
            }
            let late = now_ms().saturating_sub(at);
            if interval_ms == 0 || late <= margin_ms / 2 || late_tries >= LATE_TRIES {
                return Ok(());
            }
            late_tries += 1;
        }
    }

    /// robots.txt of `host` as another worker stored it, waiting while one
    /// fetches it; None when this worker is to fetch it (and save it).
    pub(crate) async fn robots(&self, host: &str) -> Result<Option<(u16, String)>, Refused> {
        // A claim lasts as long as a lease: a killed worker's claim lapses as its entries do.
        let started = Instant::now();
        let claim_ms = i64::try_from(self.lease.as_millis()).unwrap_or(i64::MAX);
        loop {
            let (run_id, h) = (self.run_id, host.to_string());
            let claim = self
                .coord
                .call(move |s| s.claim_robots(run_id, &h, now_ms(), claim_ms))
                .await
                .map_err(|e| Refused::Database(e.to_string()))?;
            match claim {
                RobotsClaim::Fetch => return Ok(None),
                RobotsClaim::Known(status, body) => return Ok(Some((status, body))),
                RobotsClaim::Wait if started.elapsed() > self.lease * 4 => {
                    return Err(Refused::Database(
                        "robots.txt: another worker's fetch never ended".into(),
                    ))
                }
                RobotsClaim::Wait => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    /// Holds `host` for every worker for `wait` (a Retry-After).
    pub(crate) async fn hold_host(&self, host: &str, wait: Duration) {
        let (run_id, h) = (self.run_id, host.to_string());
        let until = now_ms().saturating_add(i64::try_from(wait.as_millis()).unwrap_or(i64::MAX));
        if let Err(e) = self.coord.call(move |s| s.hold_host(run_id, &h, until)).await {
            tracing::warn!("could not share a Retry-After with the other workers: {e}");
        }
    }
}
