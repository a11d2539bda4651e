//! Runs you can account for (`precwatch runs`): each run with its job,
//! times, status, what it fetched and found, its errors, provenance and
//! alert deliveries. Counts come from the stored rows, so a resumed run is
//! counted whole, not only its last process's part.

use super::db::params;
use super::db::OptionalExtension;
use super::{Store, StoreError};
use std::collections::BTreeMap;

/// One run, accounted for.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RunReport {
    /// `runs.id`.
    pub id: i64,
    /// The job's name.
    pub job: String,
    /// When it started (RFC 3339 UTC).
    pub started_at: String,
    /// When it ended; None while it runs (or its process died).
    pub finished_at: Option<String>,
    /// `running`, `finished` or `interrupted`.
    pub status: String,
    /// The frontier was exhausted: `gone` is meaningful.
    pub complete: bool,
    /// Pages fetched (every status, all its processes).
    pub pages: u64,
    /// Frontier entries that ended without a page.
    pub failed: u64,
    /// Distinct listings seen, by the risk of the version seen.
    pub listings_by_risk: BTreeMap<String, u64>,
    /// Listings first seen in this run.
    pub new: u64,
    /// Listings seen before that got a new version in this run.
    pub changed: u64,
    /// Listings this run marked gone.
    pub gone: u64,
    /// Failures by kind, as the last process's summary counted them.
    pub errors: serde_json::Value,
    /// SHA-256 of the job file as it was.
    pub job_sha256: String,
    /// Fingerprint of the rule packs.
    pub rules_sha256: String,
    /// The precwatch that ran it.
    pub tool_version: String,
    /// The machine it ran on.
    pub hostname: Option<String>,
    /// Alert deliveries after it.
    pub alerts: Vec<AlertAttempt>,
}

/// One alert delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AlertAttempt {
    /// `webhook`, `command` or `email`.
    pub kind: String,
    /// The target (the alert's key: its URL, command or recipients).
    pub target: String,
    /// When.
    pub at: String,
    /// How many listings it carried.
    pub listings: u64,
    /// Whether the target accepted it.
    pub ok: bool,
    /// Why not.
    pub error: Option<String>,
}

const RUN_COLUMNS: &str =
    "id, job_name, started_at, finished_at, status, complete, stats_json, job_sha256, rules_sha256,
                           tool_version, hostname, gone";

impl Store {
    /// The newest runs first (of one job, if given), at most `limit`.
    pub fn run_reports(&self, job: Option<&str>, limit: usize) -> Result<Vec<RunReport>, StoreError> {
        let mut st = self.conn.prepare(&format!(
            "SELECT {RUN_COLUMNS} FROM runs WHERE CAST(?1 AS TEXT) IS NULL OR job_name = ?1 ORDER BY id DESC LIMIT ?2"
        ))?;
        let ids: Vec<i64> = st
            .query_map(params![job, limit.min(i64::MAX as usize) as i64], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        ids.into_iter()
            .filter_map(|id| self.run_report(id).transpose())
            .collect()
    }

    /// One run; None when there is no such run.
    pub fn run_report(&self, id: i64) -> Result<Option<RunReport>, StoreError> {
        let base = self
            .conn
            .query_row(&format!("SELECT {RUN_COLUMNS} FROM runs WHERE id = ?1"), [id], |r| {
                let stats: Option<String> = r.get(6)?;
                let errors = stats
                    .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
                    .and_then(|v| v.get("errors").cloned())
                    .unwrap_or_else(|| serde_json::json!({}));
                Ok(RunReport {
                    id: r.get(0)?,
                    job: r.get(1)?,
                    started_at: r.get(2)?,
                    finished_at: r.get(3)?,
                    status: r.get(4)?,
                    complete: r.get::<i64>(5)? != 0,
                    errors,
                    job_sha256: r.get(7)?,
                    rules_sha256: r.get(8)?,
                    tool_version: r.get(9)?,
                    hostname: r.get(10)?,
                    gone: r.get::<i64>(11)?.max(0) as u64,
                    pages: 0,
                    failed: 0,
                    listings_by_risk: BTreeMap::new(),
                    new: 0,
                    changed: 0,
                    alerts: Vec::new(),
                })
            })
            .optional()?;
        let Some(mut report) = base else {
            return Ok(None);
        };
        self.count_run(&mut report)?;
        Ok(Some(report))
    }

    fn count_run(&self, r: &mut RunReport) -> Result<(), StoreError> {
        let count = |sql: &str| -> Result<u64, StoreError> {
            let n: i64 = self.conn.prepare_cached(sql)?.query_row([r.id], |row| row.get(0))?;
            Ok(n.max(0) as u64)
        };
        r.pages = count("SELECT COUNT(*) FROM pages WHERE run_id = ?1")?;
        r.failed = count("SELECT COUNT(*) FROM frontier WHERE run_id = ?1 AND status = 'failed'")?;
        r.new = count("SELECT COUNT(*) FROM listings WHERE first_run_id = ?1")?;
        r.changed = count(
            "SELECT COUNT(DISTINCT v.listing_id) FROM listing_versions v JOIN listings l ON l.id = v.listing_id
             WHERE v.run_id = ?1 AND l.first_run_id <> ?1",
        )?;
        let mut st = self.conn.prepare_cached(
            "SELECT v.risk, COUNT(DISTINCT s.listing_id) FROM sightings s JOIN listing_versions v ON v.id = s.version_id
             WHERE s.run_id = ?1 GROUP BY v.risk",
        )?;
        for row in st.query_map([r.id], |row| Ok((row.get::<String>(0)?, row.get::<i64>(1)?)))? {
            let (risk, n) = row?;
            r.listings_by_risk.insert(risk, n.max(0) as u64);
        }
        let mut st = self.conn.prepare_cached(
            "SELECT kind, alert_key, at, listings, ok, error FROM alert_attempts WHERE run_id = ?1 ORDER BY id",
        )?;
        for row in st.query_map([r.id], |row| {
            Ok(AlertAttempt {
                kind: row.get(0)?,
                target: row.get(1)?,
                at: row.get(2)?,
                listings: row.get::<i64>(3)?.max(0) as u64,
                ok: row.get::<i64>(4)? != 0,
                error: row.get(5)?,
            })
        })? {
            r.alerts.push(row?);
        }
        Ok(())
    }

    /// The newest run of `job`: its id, start (unix ms) and status; what
    /// `watch` plans the job's next run from.
    pub fn last_run(&self, job: &str) -> Result<Option<(i64, i64, String)>, StoreError> {
        use time::format_description::well_known::Rfc3339;
        let row: Option<(i64, String, String)> = self
            .conn
            .query_row(
                "SELECT id, started_at, status FROM runs WHERE job_name = ?1 ORDER BY id DESC LIMIT 1",
                [job],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        Ok(row.map(|(id, started, status)| {
            let ms = time::OffsetDateTime::parse(&started, &Rfc3339)
                .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
                .unwrap_or(0);
            (id, ms, status)
        }))
    }
}

/// What one search query of a run found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct QueryStats {
    /// The site searched.
    pub site: String,
    /// The query.
    pub query: String,
    /// Result pages fetched.
    pub result_pages: u64,
    /// Distinct listings first reached from its result pages (a listing
    /// found by several queries counts for the first).
    pub listings: u64,
    /// Of those, flagged (medium or high).
    pub flagged: u64,
    /// Hits on those listings.
    pub hits: u64,
}

impl Store {
    /// Per site and query of run `run_id`: result pages, listings, flagged, hits.
    pub fn query_stats(&self, run_id: i64) -> Result<Vec<QueryStats>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "WITH r AS (
                 SELECT DISTINCT f.site, f.query, s.listing_id, s.version_id, v.risk
                 FROM frontier f JOIN pages p ON p.run_id = f.run_id AND p.frontier_id = f.id
                 JOIN sightings s ON s.page_id = p.id JOIN listing_versions v ON v.id = s.version_id
                 WHERE f.run_id = ?1 AND f.via = 'result' AND f.query IS NOT NULL),
             q AS (
                 SELECT site, query, SUM(CASE WHEN via = 'search' AND status = 'done' THEN 1 ELSE 0 END) AS pages, MIN(id) AS first
                 FROM frontier WHERE run_id = ?1 AND query IS NOT NULL GROUP BY site, query)
             SELECT q.site, q.query, COALESCE(MAX(q.pages), 0), COUNT(r.listing_id),
                    COALESCE(SUM(CASE WHEN r.risk IN ('medium', 'high') THEN 1 ELSE 0 END), 0),
                    COALESCE(SUM((SELECT COUNT(*) FROM hits h WHERE h.version_id = r.version_id)), 0)
             FROM q LEFT JOIN r ON r.site = q.site AND r.query = q.query
             GROUP BY q.site, q.query ORDER BY q.site, MIN(q.first)",
        )?;
        let rows = st.query_map([run_id], |r| {
            let n = |i| r.get::<i64>(i).map(|v| v.max(0) as u64);
            Ok(QueryStats {
                site: r.get(0)?,
                query: r.get(1)?,
                result_pages: n(2)?,
                listings: n(3)?,
                flagged: n(4)?,
                hits: n(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

impl Store {
    /// The first pages of the storefronts earlier runs of `job` (before
    /// `run_id`) followed, newest first, at most `limit`: (site, URL).
    pub fn storefronts_of_job(
        &self,
        job: &str,
        run_id: i64,
        limit: usize,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT site, url FROM frontier
             WHERE via = 'store' AND page = 1 AND run_id < ?2 AND run_id IN (SELECT id FROM runs WHERE job_name = ?1)
             GROUP BY site, url ORDER BY MAX(id) DESC LIMIT ?3",
        )?;
        let rows = st.query_map(params![job, run_id, limit.min(i64::MAX as usize) as i64], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
