//! The stored evidence read back for the evidence exports: a fetched page
//! with its headers and body (WARC), and the runs' provenance (the HTML
//! report). Read-only.

use super::db::params;
use super::db::OptionalExtension;
use super::{Store, StoreError};

/// One stored fetch as the WARC export writes it: what the server answered
/// (status, headers, body after content decoding), where and when.
#[derive(Debug, Clone)]
pub struct PageEvidence {
    /// `pages.id`.
    pub id: i64,
    /// The URL requested (the frontier entry, normalised).
    pub url: String,
    /// The URL that answered, after redirects.
    pub final_url: String,
    /// The HTTP status of the final answer.
    pub status: i64,
    /// When the answer came (RFC 3339 UTC, as stored).
    pub fetched_at: String,
    /// The response headers as stored: (lowercase name, value) pairs.
    pub headers: Vec<(String, String)>,
    /// The body after content decoding; empty when no body was stored.
    pub body: Vec<u8>,
    /// SHA-256 of the body (the `blobs` key), when one was stored.
    pub body_sha256: Option<String>,
    /// The body was cut at `max_body_bytes`.
    pub truncated: bool,
    /// The redirect hops as stored (`[{"status", "url"}]`).
    pub redirects: serde_json::Value,
}

/// One run's provenance: which job and rules produced the evidence, with
/// which precwatch, and how the run ended.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RunProvenance {
    /// `runs.id`.
    pub id: i64,
    /// The job's name.
    pub job_name: String,
    /// SHA-256 of the job file as written.
    pub job_sha256: String,
    /// Fingerprint of the loaded rule packs.
    pub rules_sha256: String,
    /// The precwatch version that ran it.
    pub tool_version: String,
    /// When it started (RFC 3339 UTC).
    pub started_at: String,
    /// When it ended; None while running or when interrupted before the end was recorded.
    pub finished_at: Option<String>,
    /// `running`, `finished` or `interrupted`.
    pub status: String,
}

impl Store {
    /// The stored fetch `page_id` with its body; None when there is no such page.
    pub fn page_evidence(&self, page_id: i64) -> Result<Option<PageEvidence>, StoreError> {
        let page = self
            .conn
            .query_row(
                "SELECT p.id, p.url, p.final_url, p.status_code, p.fetched_at, p.headers_json, b.data,
                        p.body_sha256, p.truncated, p.redirects_json
                 FROM pages p LEFT JOIN blobs b ON b.sha256 = p.body_sha256 WHERE p.id = ?1",
                [page_id],
                |r| {
                    let headers: String = r.get(5)?;
                    let redirects: String = r.get(9)?;
                    Ok(PageEvidence {
                        id: r.get(0)?,
                        url: r.get(1)?,
                        final_url: r.get(2)?,
                        status: r.get(3)?,
                        fetched_at: r.get(4)?,
                        headers: serde_json::from_str(&headers).unwrap_or_default(),
                        body: r.get::<Option<Vec<u8>>>(6)?.unwrap_or_default(),
                        body_sha256: r.get(7)?,
                        truncated: r.get::<i64>(8)? != 0,
                        redirects: serde_json::from_str(&redirects).unwrap_or(serde_json::json!([])),
                    })
                },
            )
            .optional()?;
        Ok(page)
    }

    /// Every run, oldest first: the provenance an evidence report names.
    pub fn run_provenance(&self) -> Result<Vec<RunProvenance>, StoreError> {
        let mut st = self.conn.prepare(
            "SELECT id, job_name, job_sha256, rules_sha256, tool_version, started_at, finished_at, status
             FROM runs ORDER BY id",
        )?;
        let rows = st.query_map(params![], |r| {
            Ok(RunProvenance {
                id: r.get(0)?,
                job_name: r.get(1)?,
                job_sha256: r.get(2)?,
                rules_sha256: r.get(3)?,
                tool_version: r.get(4)?,
                started_at: r.get(5)?,
                finished_at: r.get(6)?,
                status: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
