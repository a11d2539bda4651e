//! What `watch` and the alerts keep in the database: job locks with leases,
//! the alert outbox (what each target has been sent), delivery attempts.
//!
//! Invariants:
//! - A job lock is held by one process at a time. A holder that died
//!   leaves a lease that expires, or a pid that no longer runs on this
//!   host: either frees the lock for the next taker.
//! - A listing is sent to an alert target once per content: a delivery is
//!   recorded only after the target accepted it, so a failed one is sent
//!   again with the next run's.

use super::db::{params, OptionalExtension};
use super::{Store, StoreError};
use crate::matcher::Risk;

/// Who asks for a job lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockHolder {
    /// A random id, new for each process.
    pub id: String,
    /// The process id.
    pub pid: u32,
    /// The host name.
    pub host: String,
}

impl LockHolder {
    /// This process.
    pub fn this_process() -> LockHolder {
        LockHolder {
            id: format!("{:016x}", fastrand::u64(..)),
            pid: std::process::id(),
            host: super::hostname().unwrap_or_default(),
        }
    }
}

/// Whether a lock was taken, and if not who has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockOutcome {
    /// The caller holds it now.
    Taken,
    /// Another live process holds it.
    HeldBy {
        /// Its pid.
        pid: i64,
        /// Its host.
        host: String,
        /// Until when (unix ms) unless renewed.
        expires_at: i64,
    },
}

/// A flagged listing an alert has not sent yet.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AlertListing {
    /// `listings.id`.
    pub id: i64,
    /// The canonical URL.
    pub url: String,
    /// The site.
    pub site: String,
    /// The current title.
    pub title: String,
    /// The current risk.
    pub risk: Risk,
    /// The current score.
    pub score: f64,
    /// Relative to the job's previous run (never `gone`: gone listings are not sent).
    pub state: super::ListingState,
    /// When it was first seen.
    pub first_seen: String,
    /// When it was last seen.
    pub last_seen: String,
    /// The current version.
    pub version_id: i64,
    /// SHA-256 of its content: what "sent once per content" compares.
    pub content_sha256: String,
    /// The distinct rules that hit it, in text order.
    pub rules: Vec<String>,
    /// The CAS numbers of the watched substances it names.
    pub cas: Vec<String>,
}

/// A lock older than its lease is free: a holder renews it well before.
pub const LOCK_LEASE_MS: i64 = 120_000;

impl Store {
    /// Takes `job`'s lock for `holder` until `now_ms + LOCK_LEASE_MS`, when
    /// nobody holds it, its lease ran out, its holder's process is gone
    /// from this host, or `holder` has it already.
    pub fn try_lock_job(&mut self, job: &str, holder: &LockHolder, now_ms: i64) -> Result<LockOutcome, StoreError> {
        let tx = self.conn.transaction_immediate()?;
        if tx.backend() == super::db::Backend::Postgres {
            // SQLite's IMMEDIATE serialises writers; PostgreSQL's watchers take turns on the job's name.
            tx.execute("SELECT pg_advisory_xact_lock(hashtext('job_lock:' || ?1))", [job])?;
        }
        let current: Option<(String, i64, String, i64)> = tx
            .query_row(
                "SELECT holder, pid, host, expires_at FROM job_locks WHERE job_name = ?1",
                [job],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        if let Some((id, pid, host, expires_at)) = current {
            // On this host, a holder whose pid no longer runs is dead; so is
            // one with this process's own pid and another id: an earlier
            // process that had the same pid (pid 1 in a restarted container).
            let dead_here = host == holder.host && (pid == i64::from(holder.pid) || !process_alive(pid));
            if id != holder.id && expires_at > now_ms && !dead_here {
                return Ok(LockOutcome::HeldBy { pid, host, expires_at });
            }
        }
        tx.execute(
            "INSERT INTO job_locks (job_name, holder, pid, host, acquired_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (job_name) DO UPDATE SET holder = ?2, pid = ?3, host = ?4, acquired_at = ?5, expires_at = ?6",
            params![job, holder.id, holder.pid, holder.host, super::now(), now_ms.saturating_add(LOCK_LEASE_MS)],
        )?;
        tx.commit()?;
        Ok(LockOutcome::Taken)
    }

    /// Extends `holder`'s lease on `job`; false when it no longer holds it.
    pub fn renew_job_lock(&mut self, job: &str, holder: &LockHolder, now_ms: i64) -> Result<bool, StoreError> {
        let n = self.conn.execute(
            "UPDATE job_locks SET expires_at = ?3 WHERE job_name = ?1 AND holder = ?2",
            params![job, holder.id, now_ms.saturating_add(LOCK_LEASE_MS)],
        )?;
        Ok(n == 1)
    }

    /// Gives `job`'s lock back (if `holder` has it).
    pub fn release_job_lock(&mut self, job: &str, holder: &LockHolder) -> Result<(), StoreError> {
        self.conn.execute(
            "DELETE FROM job_locks WHERE job_name = ?1 AND holder = ?2",
            params![job, holder.id],
        )?;
        Ok(())
    }

    /// The listings of `job`'s runs at or above `min_risk`, not gone, not
    /// false positives, whose current content `alert_key` has not been sent;
    /// riskiest first, at most `limit`. Also how many there are in all.
    pub fn alert_candidates(
        &self,
        job: &str,
        alert_key: &str,
        min_risk: Risk,
        limit: usize,
    ) -> Result<(Vec<AlertListing>, u64), StoreError> {
        let cond = "l.risk_rank >= ?1 AND l.state <> 'gone' AND l.review_state <> 'false_positive'
             AND l.last_run_id IN (SELECT id FROM runs WHERE job_name = ?2)
             AND NOT EXISTS (SELECT 1 FROM alert_deliveries d
                             WHERE d.alert_key = ?3 AND d.listing_id = l.id AND d.content_sha256 = v.content_sha256)";
        let from = "listings l JOIN listing_versions v ON v.id = l.current_version_id";
        let total: i64 = self.conn.query_row(
            &format!("SELECT COUNT(*) FROM {from} WHERE {cond}"),
            params![min_risk.rank(), job, alert_key],
            |r| r.get(0),
        )?;
        let mut st = self.conn.prepare(&format!(
            "SELECT l.id, l.canonical_url, l.site, l.title, l.risk_rank, l.score, l.state, l.first_seen, l.last_seen,
                    v.id, COALESCE(v.content_sha256, v.text_sha256)
             FROM {from} WHERE {cond} ORDER BY l.risk_rank DESC, l.score DESC, l.id LIMIT ?4"
        ))?;
        let mut rows = st.query(params![
            min_risk.rank(),
            job,
            alert_key,
            limit.min(i64::MAX as usize) as i64
        ])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let version_id: i64 = r.get(9)?;
            let (mut rules, mut cas) = (Vec::<String>::new(), Vec::<String>::new());
            for (rule, c) in self.hit_names(version_id)? {
                if !rules.contains(&rule) {
                    rules.push(rule);
                }
                if let Some(c) = c.filter(|c| !cas.contains(c)) {
                    cas.push(c);
                }
            }
            out.push(AlertListing {
                id: r.get(0)?,
                url: r.get(1)?,
                site: r.get(2)?,
                title: r.get(3)?,
                risk: Risk::ALL[r.get::<i64>(4)?.clamp(0, 3) as usize],
                score: r.get(5)?,
                state: super::ListingState::parse(&r.get::<String>(6)?).unwrap_or(super::ListingState::Changed),
                first_seen: r.get(7)?,
                last_seen: r.get(8)?,
                version_id,
                content_sha256: r.get(10)?,
                rules,
                cas,
            });
        }
        Ok((out, total.max(0) as u64))
    }

    /// Records that `alert_key` accepted these listings, and the attempt.
    pub fn record_delivery(
        &mut self,
        run_id: i64,
        alert_key: &str,
        kind: &str,
        sent: &[AlertListing],
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let at = super::now();
        for l in sent {
            tx.prepare_cached(
                "INSERT INTO alert_deliveries (alert_key, listing_id, content_sha256, version_id, run_id, delivered_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
            )?
            .execute(params![alert_key, l.id, l.content_sha256, l.version_id, run_id, at])?;
        }
        tx.execute(
            "INSERT INTO alert_attempts (run_id, alert_key, kind, at, listings, ok) VALUES (?1, ?2, ?3, ?4, ?5, 1)",
            params![run_id, alert_key, kind, at, sent.len() as i64],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Records a failed attempt (nothing is marked sent).
    pub fn record_alert_failure(
        &mut self,
        run_id: i64,
        alert_key: &str,
        kind: &str,
        listings: usize,
        error: &str,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO alert_attempts (run_id, alert_key, kind, at, listings, ok, error) VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6)",
            params![run_id, alert_key, kind, super::now(), listings as i64, error],
        )?;
        Ok(())
    }
}

/// Whether a process with this pid runs on this host (Linux: `/proc`; elsewhere assumed alive).
fn process_alive(pid: i64) -> bool {
    if !cfg!(target_os = "linux") {
        return true;
    }
    pid > 0 && std::path::Path::new(&format!("/proc/{pid}")).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holder(id: &str, pid: u32) -> LockHolder {
        LockHolder {
            id: id.into(),
            pid,
            host: "h".into(),
        }
    }

    #[test]
    fn a_lock_left_by_an_earlier_process_with_our_pid_is_taken() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("l.sqlite")).unwrap();
        let me = std::process::id();
        // Another live process holds it: refused until its lease ends.
        let other = holder("other", 1);
        assert_eq!(s.try_lock_job("j", &other, 0).unwrap(), LockOutcome::Taken);
        assert!(matches!(
            s.try_lock_job("j", &holder("me", me), 1).unwrap(),
            LockOutcome::HeldBy { pid: 1, .. }
        ));
        assert_eq!(
            s.try_lock_job("j", &holder("me", me), LOCK_LEASE_MS + 1).unwrap(),
            LockOutcome::Taken
        );
        // A restarted container's process has the pid its predecessor had.
        s.release_job_lock("j", &holder("me", me)).unwrap();
        assert_eq!(
            s.try_lock_job("j", &holder("before", me), 0).unwrap(),
            LockOutcome::Taken
        );
        assert_eq!(
            s.try_lock_job("j", &holder("after", me), 1).unwrap(),
            LockOutcome::Taken
        );
        assert!(
            !s.renew_job_lock("j", &holder("before", me), 2).unwrap(),
            "the old holder lost it"
        );
    }
}
