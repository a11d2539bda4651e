//! Storage on SQLite (a file, the default) or PostgreSQL (a `postgres://`
//! URL, shared by many workers), through one API (`db.rs`): schema
//! migrations from `db/migrations` (and `db/migrations/postgres`), runs, the
//! frontier, pages with their evidence, listings with versions and hits,
//! and seller clusters computed from them (`sellers.rs`).
//!
//! Invariants:
//! - One writer per process: the crawl engine owns one `Store` on one
//!   thread (a shared run's worker has a second one for its claims,
//!   `shared.rs`).
//! - A page's fetch, its listing version, hits, sellers and new links, and the
//!   frontier row's `done` mark commit in one transaction (several pages may
//!   share one transaction); a killed process loses at most uncommitted pages,
//!   which are still `queued` and are fetched again on resume.
//! - Listing identity is the canonical URL; a version is added only when the
//!   extracted text changes.

mod commit;
pub mod db;
mod emerging;
mod evidence;
mod export;
mod listings;
mod review;
mod runs;
mod sellers;
mod shared;
mod ui;
mod watch;

pub use emerging::{CoHit, Sighting, Since};
pub use evidence::{PageEvidence, RunProvenance};
pub use export::{Evidence, ExportListing, Seller};
pub use listings::{ListingFilter, ListingPage, ListingRow, Paging, MAX_SEARCH_CHARS};
pub use review::{ReviewError, ReviewEvent, ReviewStatus, SYSTEM_REVIEWER};
pub use runs::{AlertAttempt, QueryStats, RunReport};
pub use sellers::{Cluster, ClusterListing, LinkCache, SellerReport, SiteWideIdentifier, SITE_WIDE_MIN_LISTINGS};
pub use shared::{LeaseAsk, RobotsClaim, SlotClaim};
pub use ui::Neighbours;
pub use watch::{AlertListing, LockHolder, LockOutcome, LOCK_LEASE_MS};

use crate::discovery::{Via, ViaKind};
use crate::matcher::{Hit, Risk};
use commit::{commit_one, insert_links};
use db::{params, Backend, Conn, OptionalExtension};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The migrations, in order. A test checks this list against `db/migrations/`.
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_init.sql", include_str!("../../db/migrations/0001_init.sql")),
    (
        "0002_validators.sql",
        include_str!("../../db/migrations/0002_validators.sql"),
    ),
    (
        "0003_listing_content.sql",
        include_str!("../../db/migrations/0003_listing_content.sql"),
    ),
    (
        "0004_hits_category.sql",
        include_str!("../../db/migrations/0004_hits_category.sql"),
    ),
    ("0005_review.sql", include_str!("../../db/migrations/0005_review.sql")),
    ("0006_watch.sql", include_str!("../../db/migrations/0006_watch.sql")),
    (
        "0007_discovery.sql",
        include_str!("../../db/migrations/0007_discovery.sql"),
    ),
    (
        "0008_seller_index.sql",
        include_str!("../../db/migrations/0008_seller_index.sql"),
    ),
    (
        "0009_shared_crawl.sql",
        include_str!("../../db/migrations/0009_shared_crawl.sql"),
    ),
];

/// Why the database could not be opened, migrated or written. The messages
/// are shown to the user as they are, so they name the file.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file (or its folder) cannot be created or opened, or is not a SQLite database.
    #[error("{path}: {message}")]
    Open {
        /// The database file as given.
        path: String,
        /// What went wrong, in words for the user.
        message: String,
    },
    /// A migration failed; its transaction is rolled back, so the file stays
    /// at the previous schema version.
    #[error("{path}: migration {name} failed: {source}")]
    Migration {
        /// The database file as given.
        path: String,
        /// The migration's file name in [`MIGRATIONS`].
        name: String,
        /// The engine's error.
        source: db::DbError,
    },
    /// The file was written by a newer precwatch; it is refused untouched.
    #[error("{path}: the database has schema version {found}, newer than this precwatch knows ({known}); use a newer precwatch")]
    TooNew {
        /// The database file as given.
        path: String,
        /// The file's `PRAGMA user_version`.
        found: i64,
        /// The newest version this build knows (`MIGRATIONS.len()`).
        known: i64,
    },
    /// Any other database error, after the database was opened.
    #[error("database error: {0}")]
    Sql(#[from] db::DbError),
    /// A query's input was refused (too long, malformed) before it ran.
    #[error("{0}")]
    Query(String),
}

impl StoreError {
    /// True when a concurrent writer made the engine refuse (a deadlock, a
    /// serialization failure, SQLite busy): the transaction is worth running again.
    pub fn is_contention(&self) -> bool {
        matches!(self, StoreError::Sql(e) if e.is_contention())
    }
}

/// Runs `f` (one whole transaction) again while it fails for contention
/// (see [`StoreError::is_contention`]), at most 8 times, waiting a little
/// longer each time (with jitter, so two workers do not meet again).
fn retrying<T>(mut f: impl FnMut() -> Result<T, StoreError>) -> Result<T, StoreError> {
    let mut attempt = 0u32;
    loop {
        match f() {
            Err(e) if e.is_contention() && attempt < 8 => {
                attempt += 1;
                let ms = (5u64 << attempt.min(6)) + fastrand::u64(..10);
                std::thread::sleep(std::time::Duration::from_millis(ms));
            }
            r => return r,
        }
    }
}

/// SHA-256 as lowercase hex: the form of every `*_sha256` column and of the
/// exported evidence hashes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// RFC 3339 UTC with milliseconds.
pub fn timestamp(t: SystemTime) -> String {
    let dt = time::OffsetDateTime::from(t);
    let dt = dt.replace_nanosecond(dt.millisecond() as u32 * 1_000_000).unwrap_or(dt);
    dt.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// A database as given on the command line, fit to show: the path, or the
/// URL without its password.
pub fn shown(db: &Path) -> String {
    db::redacted(&db.to_string_lossy())
}

/// This machine's name (`$HOSTNAME`, else `/etc/hostname`), recorded with runs and job locks.
pub fn hostname() -> Option<String> {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
}

/// The current time as [`timestamp`] writes it (the form of every stored time).
pub fn now() -> String {
    timestamp(SystemTime::now())
}

/// Where a listing stands relative to the job's previous run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ListingState {
    /// First seen in this run.
    New,
    /// Seen before; this run stored a new version.
    Changed,
    /// Seen before with the same content.
    Unchanged,
    /// Not seen by a run that completed with its frontier exhausted.
    Gone,
}

impl ListingState {
    /// The name stored in `listings.state` and exported.
    pub fn as_str(self) -> &'static str {
        match self {
            ListingState::New => "new",
            ListingState::Changed => "changed",
            ListingState::Unchanged => "unchanged",
            ListingState::Gone => "gone",
        }
    }

    /// Reads a stored state name.
    pub fn parse(s: &str) -> Option<ListingState> {
        [
            ListingState::New,
            ListingState::Changed,
            ListingState::Unchanged,
            ListingState::Gone,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

/// The status of a run (`runs.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    /// In progress, or its process died: the next crawl of the job resumes it.
    Running,
    /// Ended on its own (frontier exhausted, page cap, or paused hosts).
    Finished,
    /// Stopped by a signal: the next crawl of the job resumes it.
    Interrupted,
}

impl RunStatus {
    /// The name stored in `runs.status`.
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Finished => "finished",
            RunStatus::Interrupted => "interrupted",
        }
    }
}

/// A run as started or resumed.
#[derive(Debug, Clone, Copy)]
pub struct RunHandle {
    /// `runs.id`: every frontier, page and listing-version row of the crawl carries it.
    pub id: i64,
    /// True when an unfinished run of the same job was picked up (its
    /// frontier and fetched pages are kept) rather than a new run started.
    pub resumed: bool,
}

/// A URL waiting in the frontier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueItem {
    /// `frontier.id`: the [`Outcome`] that settles this entry names it.
    pub id: i64,
    /// The normalised URL to fetch.
    pub url: String,
    /// Name of the `[[site]]` the URL belongs to.
    pub site: String,
    /// Links followed from a seed to reach it (seeds are 0).
    pub depth: u32,
    /// Attempts already made (0 for a URL never tried).
    pub attempts: u32,
    /// What an earlier run stored from this URL, for a conditional request.
    pub validators: Option<Validators>,
    /// How it was found: what its page may add to the frontier.
    pub via: Via,
}

/// The validators of the response that made a listing's version, kept per
/// URL so a later run can ask "has it changed?" (RFC 9110 §13).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validators {
    /// The listing the URL showed.
    pub listing_id: i64,
    /// Its version made from that response.
    pub version_id: i64,
    /// `ETag`, sent back as `If-None-Match`.
    pub etag: Option<String>,
    /// `Last-Modified`, sent back as `If-Modified-Since`.
    pub last_modified: Option<String>,
    /// Rules and extraction settings the version was made with; a request is
    /// conditional only while they are unchanged.
    pub analysis_key: String,
}

/// A link to add to the frontier.
#[derive(Debug, Clone)]
pub struct NewLink {
    /// The normalised URL; a URL already in the run's frontier is not added again.
    pub url: String,
    /// Name of the `[[site]]` it was admitted for.
    pub site: String,
    /// The host key ([`crate::urls::host_key`]) the scheduler queues it under.
    pub host: String,
    /// Links followed from a seed to reach it (seeds are 0).
    pub depth: u32,
    /// How it was found (a search, a sitemap, a storefront, the crawl).
    pub via: Via,
}

/// The evidence of one fetch.
#[derive(Debug, Clone)]
pub struct PageRecord {
    /// `pages.url`: the frontier entry's URL, as requested.
    pub url: String,
    /// `pages.final_url`: the URL that answered, after any redirects.
    pub final_url: String,
    /// `pages.redirects_json`: the hops as a JSON array of `{"status", "url"}`
    /// (`url` is the URL redirected from); `[]` when none.
    pub redirects_json: String,
    /// `pages.status_code`: the HTTP status of the final answer.
    pub status: u16,
    /// `pages.fetched_at`: when the answer came, as [`timestamp`] writes it.
    pub fetched_at: String,
    /// `pages.headers_json`: the response headers as a JSON array of `[name, value]` pairs.
    pub headers_json: String,
    /// `pages.content_type`: the Content-Type header; None when the response had none.
    pub content_type: Option<String>,
    /// `pages.charset`: the encoding the body was decoded with; None when the body was not decoded as a page.
    pub charset: Option<String>,
    /// `pages.charset_source`: where that encoding came from (`bom`, `header`, `meta`, `detected`, `default`).
    pub charset_source: Option<String>,
    /// The raw body (after content decoding), stored once per hash in `blobs`.
    pub body: Vec<u8>,
    /// `pages.truncated`: the body was cut at `max_body_bytes`.
    pub truncated: bool,
    /// `pages.listing_pending`: a listing page whose listing waits for its
    /// site's template to be learned (see [`Outcome::Deferred`]).
    pub listing_pending: bool,
}

/// A stored page read back for analysis: a listing page waiting for its
/// site's template, or a page a resumed run learns the template from.
#[derive(Debug, Clone)]
pub struct StoredPage {
    /// `pages.id`.
    pub page_id: i64,
    /// The frontier entry's URL (`pages.url`).
    pub url: String,
    /// The URL that answered.
    pub final_url: String,
    /// HTTP status.
    pub status: u16,
    /// Response headers, as stored.
    pub headers: Vec<(String, String)>,
    /// When it was fetched.
    pub fetched_at: String,
    /// The body.
    pub body: Vec<u8>,
    /// The body was cut at `max_body_bytes`.
    pub truncated: bool,
}

/// A listing found on a page, already matched.
#[derive(Debug, Clone)]
pub struct ListingRecord {
    /// `listings.site`: name of the `[[site]]` it was found on.
    pub site: String,
    /// `listings.listing_key`: the listing's identity across pages and runs
    /// (the site's listing id when the job gives one, else the canonical URL).
    pub key: String,
    /// `listings.canonical_url`.
    pub canonical_url: String,
    /// `listing_versions.title`.
    pub title: String,
    /// `listing_versions.text`: the page's whole visible text, as evidence.
    pub text: String,
    /// `listing_versions.content`: the listing's own content that was
    /// matched; hit offsets point into it, and a version is added only when
    /// its hash changes.
    pub content: String,
    /// `listing_versions.parts_json`: the named parts of `content`.
    pub parts_json: String,
    /// `listing_versions.chrome_json`: what was dropped as chrome, and why.
    pub chrome_json: String,
    /// `listing_versions.fields_json`: the fields, as a JSON object of name to value.
    pub fields_json: String,
    /// `listing_versions.score`: the matcher's score.
    pub score: f64,
    /// `listing_versions.risk`: the risk the policy gave.
    pub risk: Risk,
    /// Rows of `hits` for the new version (byte offsets into `content`, with their part).
    pub hits: Vec<Hit>,
    /// Seller identifiers as (kind, value), e.g. ("email", "sales@example.com").
    pub sellers: Vec<(String, String)>,
    /// `listing_versions.rules_sha256`: the fingerprint of the rule packs that
    /// matched; new rules make a new version even for the same content.
    pub rules_sha256: String,
    /// Rules and extraction settings together (see [`Validators::analysis_key`]).
    pub analysis_key: String,
    /// The response's `ETag`, when it is usable as a validator.
    pub etag: Option<String>,
    /// The response's `Last-Modified`, when it is usable as a validator.
    pub last_modified: Option<String>,
}

/// What happened to one frontier entry.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// An answer was received (any status code); the entry is marked `done`.
    Fetched {
        /// The frontier entry settled (`frontier.id`).
        frontier_id: i64,
        /// The fetch and its body, stored in `pages` and `blobs`.
        page: Box<PageRecord>,
        /// The listing on the page; None when the page is not a listing page.
        listing: Option<Box<ListingRecord>>,
        /// Admitted links found on the page, added to the frontier.
        links: Vec<NewLink>,
    },
    /// Will be tried again; stays queued.
    Retry {
        /// The frontier entry (`frontier.id`).
        frontier_id: i64,
        /// Attempts made so far, this one included.
        attempts: u32,
        /// Not to be fetched before this time (Unix milliseconds).
        not_before_ms: i64,
        /// Why the attempt failed (`frontier.last_error`).
        error: String,
    },
    /// Given up: network errors after retries, refused addresses, redirect loops.
    Failed {
        /// The frontier entry (`frontier.id`).
        frontier_id: i64,
        /// Attempts made, the last one included.
        attempts: u32,
        /// Why it was given up (`frontier.last_error`).
        error: String,
    },
    /// The listing of a page stored earlier with `listing_pending` (its
    /// site's template was not learned yet): stored now, for that page.
    Deferred {
        /// The page (`pages.id`).
        page_id: i64,
        /// Its listing.
        listing: Box<ListingRecord>,
        /// Links it adds now that its listing is judged (its seller's
        /// storefront, with `follow_sellers`).
        links: Vec<NewLink>,
    },
    /// A conditional request answered 304 Not Modified: the listing the URL
    /// showed is seen again, unchanged; the entry is marked `done`.
    NotModified {
        /// The frontier entry settled (`frontier.id`).
        frontier_id: i64,
        /// The 304 exchange (no body), stored in `pages`.
        page: Box<PageRecord>,
        /// What the request was conditional on.
        validators: Validators,
    },
    /// Not fetched on purpose (robots.txt, paused host).
    Skipped {
        /// The frontier entry (`frontier.id`).
        frontier_id: i64,
        /// Why it was skipped (`frontier.last_error`).
        reason: String,
    },
}

/// What a committed outcome changed, for progress and scheduling.
#[derive(Debug, Clone, Default)]
pub struct Committed {
    /// Hosts that received new frontier entries.
    pub hosts_with_new_links: Vec<String>,
    /// Frontier rows added (links already in the frontier are not counted).
    pub new_links: u64,
    /// The listing stored, with its state.
    pub listing_id: Option<i64>,
    /// The listing's state after this commit; None when no listing was stored.
    pub listing_state: Option<ListingState>,
    /// The risk of the listing's current version; None when no listing was stored.
    pub risk: Option<Risk>,
}

/// An open precwatch database: one connection (SQLite file or PostgreSQL
/// server), migrated to the current schema. A crawl writes through exactly
/// one `Store` per process (see the module invariants).
pub struct Store {
    conn: Conn,
    path: PathBuf,
}

/// The PostgreSQL migrations, in order, each with the schema version it
/// brings the database to (the same numbers as SQLite's [`MIGRATIONS`]: the
/// first file is SQLite's 0001 to 0009 in one). A test checks the list
/// against `db/migrations/postgres/`.
pub const PG_MIGRATIONS: &[(&str, &str, i64)] = &[(
    "0001_init.sql",
    include_str!("../../db/migrations/postgres/0001_init.sql"),
    9,
)];

impl Store {
    /// Opens (creating if needed) the database and applies pending
    /// migrations. `path` is a SQLite file, or a `postgres://` URL.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let text = path.to_string_lossy();
        if db::is_postgres_url(&text) {
            return Self::open_postgres(path, &text);
        }
        let p = path.display().to_string();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Open {
                path: p.clone(),
                message: format!("cannot create folder {}: {e}", dir.display()),
            })?;
        }
        let conn = rusqlite::Connection::open(path).map_err(|e| StoreError::Open {
            path: p.clone(),
            message: e.to_string(),
        })?;
        let setup = || -> rusqlite::Result<()> {
            conn.busy_timeout(std::time::Duration::from_secs(10))?;
            conn.set_prepared_statement_cache_capacity(64);
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "NORMAL")?;
            conn.pragma_update(None, "foreign_keys", "ON")?;
            Ok(())
        };
        setup().map_err(|e| StoreError::Open {
            path: p.clone(),
            message: format!("not a usable SQLite database: {e}"),
        })?;
        let mut store = Store {
            conn: Conn::Sqlite(conn),
            path: path.to_path_buf(),
        };
        store.migrate_sqlite()?;
        Ok(store)
    }

    fn open_postgres(path: &Path, url: &str) -> Result<Store, StoreError> {
        let shown = db::redacted(url);
        let conn = db::PgConn::connect(url).map_err(|e| StoreError::Open {
            path: shown.clone(),
            message: format!("cannot connect to PostgreSQL: {e}"),
        })?;
        let mut store = Store {
            conn: Conn::Postgres(conn),
            path: path.to_path_buf(),
        };
        store.migrate_postgres(&shown)?;
        Ok(store)
    }

    /// The database as given to [`Store::open`] (a file, or a URL).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The database fit to show: the path, or the URL without its password.
    pub fn display_name(&self) -> String {
        db::redacted(&self.path.to_string_lossy())
    }

    /// Which engine the database is on.
    pub fn backend(&self) -> Backend {
        self.conn.backend()
    }

    fn migrate_sqlite(&mut self) -> Result<(), StoreError> {
        let p = self.path.display().to_string();
        let conn = self.conn.sqlite().expect("a SQLite store");
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| StoreError::Open {
                path: p.clone(),
                message: format!("not a usable SQLite database: {e}"),
            })?;
        let known = MIGRATIONS.len() as i64;
        if version > known {
            return Err(StoreError::TooNew {
                path: p,
                found: version,
                known,
            });
        }
        // A migration may rebuild a table that others reference (SQLite's
        // way to change a constraint): foreign keys are checked after, not during.
        let sql_err = |e: rusqlite::Error| StoreError::Sql(e.into());
        conn.pragma_update(None, "foreign_keys", "OFF").map_err(sql_err)?;
        for (i, (name, sql)) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = self.conn.transaction()?;
            let c = tx.sqlite().expect("a SQLite store");
            c.execute_batch(sql)
                .and_then(|_| c.pragma_update(None, "user_version", (i + 1) as i64))
                .map_err(|source| StoreError::Migration {
                    path: p.clone(),
                    name: name.to_string(),
                    source: source.into(),
                })?;
            tx.commit()?;
        }
        let conn = self.conn.sqlite().expect("a SQLite store");
        conn.pragma_update(None, "foreign_keys", "ON").map_err(sql_err)?;
        let broken: Option<String> = conn
            .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(sql_err(e)),
            })?;
        if let Some(table) = broken {
            return Err(StoreError::Open {
                path: p,
                message: format!("a foreign key in table {table} is broken after migrating; restore a backup"),
            });
        }
        Ok(())
    }

    /// PostgreSQL's schema version lives in `precwatch_schema`; workers that
    /// start together migrate one at a time (a transaction-scoped advisory lock).
    fn migrate_postgres(&mut self, shown: &str) -> Result<(), StoreError> {
        let open_err = |e: db::DbError| StoreError::Open {
            path: shown.to_string(),
            message: format!("cannot read the schema version: {e}"),
        };
        let tx = self.conn.transaction().map_err(open_err)?;
        tx.execute_batch(
            "SELECT pg_advisory_xact_lock(7073657263776174);
             CREATE TABLE IF NOT EXISTS precwatch_schema (version BIGINT NOT NULL)",
        )
        .map_err(open_err)?;
        let version: i64 = tx
            .query_row(
                "SELECT COALESCE(MAX(version), 0) FROM precwatch_schema",
                params![],
                |r| r.get(0),
            )
            .map_err(open_err)?;
        let known = PG_MIGRATIONS.last().map_or(0, |m| m.2);
        if version > known {
            return Err(StoreError::TooNew {
                path: shown.to_string(),
                found: version,
                known,
            });
        }
        for (name, sql, reaches) in PG_MIGRATIONS.iter().filter(|m| m.2 > version) {
            tx.execute_batch(sql)
                .and_then(|_| tx.execute("DELETE FROM precwatch_schema", params![]).map(drop))
                .and_then(|_| {
                    tx.execute("INSERT INTO precwatch_schema (version) VALUES (?1)", [*reaches])
                        .map(drop)
                })
                .map_err(|source| StoreError::Migration {
                    path: shown.to_string(),
                    name: format!("postgres/{name}"),
                    source,
                })?;
        }
        tx.commit()?;
        Ok(())
    }

    /// A number that changes whenever another connection (a crawl in another
    /// process) commits to the database: what a cache of derived data (the
    /// seller clusters) is keyed by. SQLite's `PRAGMA data_version`; on
    /// PostgreSQL the newest listing version and seller link (what clusters
    /// are made of).
    pub fn data_version(&self) -> Result<i64, StoreError> {
        Ok(match &self.conn {
            Conn::Sqlite(c) => c
                .query_row("PRAGMA data_version", [], |r| r.get(0))
                .map_err(db::DbError::from)?,
            Conn::Postgres(_) => self.conn.query_row(
                "SELECT (SELECT COALESCE(MAX(id), 0) FROM listing_versions) * 1000003
                      + (SELECT COUNT(*) FROM listing_sellers)",
                params![],
                |r| r.get(0),
            )?,
        })
    }

    /// The applied schema version (migrations applied; SQLite's numbering).
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(match &self.conn {
            Conn::Sqlite(c) => c
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .map_err(db::DbError::from)?,
            Conn::Postgres(_) => self.conn.query_row(
                "SELECT COALESCE(MAX(version), 0) FROM precwatch_schema",
                params![],
                |r| r.get(0),
            )?,
        })
    }

    /// The underlying connection, for queries this API does not cover.
    pub fn conn(&self) -> &Conn {
        &self.conn
    }

    /// Resumes the newest unfinished run of this job, or starts a new one.
    /// On PostgreSQL, workers starting together for one job take turns here
    /// (a transaction-scoped advisory lock on the job's name), so they all
    /// join one run.
    pub fn begin_run(&mut self, job_name: &str, job_text: &str, rules_sha256: &str) -> Result<RunHandle, StoreError> {
        retrying(|| self.begin_run_once(job_name, job_text, rules_sha256))
    }

    fn begin_run_once(&self, job_name: &str, job_text: &str, rules_sha256: &str) -> Result<RunHandle, StoreError> {
        let tx = self.conn.transaction_immediate()?;
        if tx.backend() == Backend::Postgres {
            tx.execute("SELECT pg_advisory_xact_lock(hashtext(?1))", [job_name])?;
        }
        let unfinished: Option<i64> = tx
            .query_row(
                "SELECT id FROM runs WHERE job_name = ?1 AND status IN ('running', 'interrupted') ORDER BY id DESC LIMIT 1",
                [job_name],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = unfinished {
            // Not when another worker finished it meanwhile: then a new run starts.
            let joined = tx.execute(
                "UPDATE runs SET status = 'running' WHERE id = ?1 AND status IN ('running', 'interrupted')",
                [id],
            )?;
            if joined == 1 {
                tx.commit()?;
                return Ok(RunHandle { id, resumed: true });
            }
        }
        let host = hostname();
        let id: i64 = tx.query_row(
            "INSERT INTO runs (job_name, job_sha256, job_text, rules_sha256, tool_version, hostname, started_at, status)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'running') RETURNING id",
            params![job_name, sha256_hex(job_text.as_bytes()), job_text, rules_sha256, env!("CARGO_PKG_VERSION"), host, now()],
            |r| r.get(0),
        )?;
        tx.commit()?;
        Ok(RunHandle { id, resumed: false })
    }

    /// Ends a run. `complete` = the frontier was exhausted; then listings of
    /// these sites not seen in this run are marked gone. Returns false, and
    /// changes nothing, when the run was finished already (by another worker
    /// of a shared run), or when `complete` is asked but entries are still
    /// queued (another worker found new links meanwhile).
    pub fn finish_run(
        &mut self,
        run_id: i64,
        status: RunStatus,
        complete: bool,
        sites: &[String],
        stats_json: &str,
    ) -> Result<bool, StoreError> {
        retrying(|| self.finish_run_once(run_id, status, complete, sites, stats_json))
    }

    fn finish_run_once(
        &self,
        run_id: i64,
        status: RunStatus,
        complete: bool,
        sites: &[String],
        stats_json: &str,
    ) -> Result<bool, StoreError> {
        let tx = self.conn.transaction_immediate()?;
        let lock = match tx.backend() {
            Backend::Postgres => " FOR UPDATE",
            Backend::Sqlite => "",
        };
        let current: String = tx.query_row(&format!("SELECT status FROM runs WHERE id = ?1{lock}"), [run_id], |r| {
            r.get(0)
        })?;
        if current == RunStatus::Finished.as_str() {
            return Ok(false);
        }
        if complete {
            let queued: i64 = tx.query_row(
                "SELECT COUNT(*) FROM frontier WHERE run_id = ?1 AND status = 'queued'",
                [run_id],
                |r| r.get(0),
            )?;
            // A shared run's other workers may still be analysing listings.
            let pending: i64 = match tx.backend() {
                Backend::Postgres => tx.query_row(
                    "SELECT COUNT(*) FROM pages WHERE run_id = ?1 AND listing_pending = 1",
                    [run_id],
                    |r| r.get(0),
                )?,
                Backend::Sqlite => 0,
            };
            if queued > 0 || pending > 0 {
                return Ok(false);
            }
        }
        tx.execute(
            "UPDATE runs SET status = ?2, finished_at = ?3, complete = ?4, stats_json = ?5 WHERE id = ?1",
            params![run_id, status.as_str(), now(), complete as i64, stats_json],
        )?;
        if complete && status == RunStatus::Finished {
            let mut gone = 0;
            for site in sites {
                gone += tx.execute(
                    "UPDATE listings SET state = 'gone' WHERE site = ?1 AND last_run_id < ?2 AND state != 'gone'",
                    params![site, run_id],
                )?;
            }
            tx.execute("UPDATE runs SET gone = ?2 WHERE id = ?1", params![run_id, gone as i64])?;
        }
        tx.commit()?;
        Ok(true)
    }

    /// Adds URLs to the run's frontier (already-known URLs are ignored).
    pub fn enqueue(&mut self, run_id: i64, links: &[NewLink]) -> Result<u64, StoreError> {
        let tx = self.conn.transaction()?;
        let n = insert_links(&tx, run_id, None, links)?.1;
        tx.commit()?;
        Ok(n)
    }

    /// Queued URLs of one host with id > `after`, oldest (shallowest) first.
    pub fn queued_for_host(
        &self,
        run_id: i64,
        host: &str,
        after: i64,
        limit: usize,
    ) -> Result<Vec<QueueItem>, StoreError> {
        self.queue_items(
            "f.run_id = ?1 AND f.host = ?2 AND f.status = 'queued' AND f.id > ?3 ORDER BY f.id LIMIT ?4",
            params![run_id, host, after, limit as i64],
        )
    }

    /// Frontier entries with what a request needs (validators, how found), by `filter` on `frontier f`.
    fn queue_items(&self, filter: &str, args: impl db::Params) -> Result<Vec<QueueItem>, StoreError> {
        let mut st = self.conn.prepare(&format!(
            "SELECT f.id, f.url, f.site, f.depth, f.attempts,
                    v.listing_id, v.version_id, v.etag, v.last_modified, v.analysis_key, f.via, f.query, f.page
             FROM frontier f LEFT JOIN validators v ON v.url = f.url WHERE {filter}"
        ))?;
        let rows = st.query_map(args, |r| {
            let validators = match r.get::<Option<i64>>(5)? {
                Some(listing_id) => Some(Validators {
                    listing_id,
                    version_id: r.get(6)?,
                    etag: r.get(7)?,
                    last_modified: r.get(8)?,
                    analysis_key: r.get(9)?,
                }),
                None => None,
            };
            Ok(QueueItem {
                id: r.get(0)?,
                url: r.get(1)?,
                site: r.get(2)?,
                depth: r.get(3)?,
                attempts: r.get(4)?,
                validators,
                via: Via {
                    kind: ViaKind::parse(&r.get::<String>(10)?),
                    query: r.get(11)?,
                    page: r.get(12)?,
                },
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Hosts with queued URLs in this run.
    pub fn queued_hosts(&self, run_id: i64) -> Result<Vec<String>, StoreError> {
        let mut st = self
            .conn
            .prepare("SELECT DISTINCT host FROM frontier WHERE run_id = ?1 AND status = 'queued'")?;
        let rows = st.query_map([run_id], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Frontier entries of this run that were fetched (any status code).
    pub fn fetched_count(&self, run_id: i64) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM pages WHERE run_id = ?1", [run_id], |r| {
                r.get::<i64>(0)
            })? as u64)
    }

    /// Frontier entries of this run still queued (retries waiting included).
    pub fn queued_count(&self, run_id: i64) -> Result<u64, StoreError> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM frontier WHERE run_id = ?1 AND status = 'queued'",
            [run_id],
            |r| r.get::<i64>(0),
        )? as u64)
    }

    /// Saved robots.txt of a host for this run (status, body), so a resumed run does not refetch it.
    pub fn host_robots(&self, run_id: i64, host: &str) -> Result<Option<(u16, String)>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT robots_status, robots_txt FROM hosts WHERE run_id = ?1 AND host = ?2 AND robots_status IS NOT NULL",
                params![run_id, host],
                |r| Ok((r.get::<i64>(0)? as u16, r.get::<Option<String>>(1)?.unwrap_or_default())),
            )
            .optional()?)
    }

    /// Saves a host's robots.txt answer for this run, for [`Store::host_robots`].
    pub fn save_host_robots(&mut self, run_id: i64, host: &str, status: u16, body: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO hosts (run_id, host, robots_status, robots_txt) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (run_id, host) DO UPDATE SET robots_status = excluded.robots_status, robots_txt = excluded.robots_txt",
            params![run_id, host, status as i64, body],
        )?;
        Ok(())
    }

    /// Pages of this run and site waiting for their listing to be analysed,
    /// oldest first (at most `limit`).
    pub fn pending_pages(&self, run_id: i64, site: &str, limit: usize) -> Result<Vec<StoredPage>, StoreError> {
        self.stored_pages(
            "p.run_id = ?1 AND p.listing_pending = 1 AND f.site = ?2 ORDER BY p.id LIMIT ?3",
            params![run_id, site, limit as i64],
        )
    }

    /// Marks a pending page as no longer waiting (its listing could not be analysed).
    pub fn clear_pending(&mut self, page_id: i64) -> Result<(), StoreError> {
        self.conn
            .execute("UPDATE pages SET listing_pending = 0 WHERE id = ?1", [page_id])?;
        Ok(())
    }

    /// The sites of this run with pages waiting for their listing.
    pub fn pending_sites(&self, run_id: i64) -> Result<Vec<String>, StoreError> {
        let mut st = self.conn.prepare(
            "SELECT DISTINCT f.site FROM pages p JOIN frontier f ON f.id = p.frontier_id
             JOIN blobs b ON b.sha256 = p.body_sha256
             WHERE p.run_id = ?1 AND p.listing_pending = 1",
        )?;
        let rows = st.query_map([run_id], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The latest HTML pages of this run and site (at most `limit`), newest
    /// first: what a resumed run learns the site's template from again.
    pub fn recent_pages(&self, run_id: i64, site: &str, limit: usize) -> Result<Vec<StoredPage>, StoreError> {
        self.stored_pages(
            "p.run_id = ?1 AND f.site = ?2 AND p.status_code BETWEEN 200 AND 299 AND p.charset IS NOT NULL
             ORDER BY p.id DESC LIMIT ?3",
            params![run_id, site, limit as i64],
        )
    }

    fn stored_pages(&self, filter: &str, args: impl db::Params) -> Result<Vec<StoredPage>, StoreError> {
        let sql = format!(
            "SELECT p.id, p.url, p.final_url, p.status_code, p.headers_json, p.fetched_at, b.data, p.truncated
             FROM pages p JOIN frontier f ON f.id = p.frontier_id JOIN blobs b ON b.sha256 = p.body_sha256
             WHERE {filter}"
        );
        let mut st = self.conn.prepare(&sql)?;
        let rows = st.query_map(args, |r| {
            let headers: String = r.get(4)?;
            Ok(StoredPage {
                page_id: r.get(0)?,
                url: r.get(1)?,
                final_url: r.get(2)?,
                status: r.get::<i64>(3)?.clamp(0, 999) as u16,
                headers: serde_json::from_str(&headers).unwrap_or_default(),
                fetched_at: r.get(5)?,
                body: r.get(6)?,
                truncated: r.get::<i64>(7)? != 0,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records that a host is paused for the rest of this run, and why (`hosts.pause_reason`).
    pub fn pause_host(&mut self, run_id: i64, host: &str, reason: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO hosts (run_id, host, paused, pause_reason) VALUES (?1, ?2, 1, ?3)
             ON CONFLICT (run_id, host) DO UPDATE SET paused = 1, pause_reason = excluded.pause_reason",
            params![run_id, host, reason],
        )?;
        Ok(())
    }

    /// Commits several outcomes in one transaction (all or nothing).
    /// A deadlock with another worker's transaction runs it again.
    pub fn commit(&mut self, run_id: i64, outcomes: &[Outcome]) -> Result<Vec<Committed>, StoreError> {
        retrying(|| self.commit_once(run_id, outcomes))
    }

    fn commit_once(&self, run_id: i64, outcomes: &[Outcome]) -> Result<Vec<Committed>, StoreError> {
        let tx = self.conn.transaction()?;
        let mut results = Vec::with_capacity(outcomes.len());
        for o in outcomes {
            results.push(commit_one(&tx, run_id, o)?);
        }
        tx.commit()?;
        Ok(results)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_list_matches_folder() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("db/migrations");
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        files.sort();
        let listed: Vec<String> = MIGRATIONS.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(
            files, listed,
            "add every db/migrations/*.sql to store::MIGRATIONS in order"
        );
    }

    #[test]
    fn open_migrates_once_and_refuses_newer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/x.sqlite");
        let s = Store::open(&path).unwrap();
        assert_eq!(s.schema_version().unwrap(), MIGRATIONS.len() as i64);
        let mode: String = s
            .conn()
            .query_row("PRAGMA journal_mode", params![], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        drop(s);
        let s = Store::open(&path).unwrap();
        s.conn()
            .sqlite()
            .unwrap()
            .pragma_update(None, "user_version", 99)
            .unwrap();
        drop(s);
        let err = Store::open(&path).err().unwrap().to_string();
        assert!(err.contains("schema version 99"), "{err}");
    }

    #[test]
    fn not_a_database_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("junk.sqlite");
        std::fs::write(&path, b"this is not sqlite at all, just some text that is long enough").unwrap();
        let err = Store::open(&path).err().unwrap().to_string();
        assert!(
            err.contains("junk.sqlite") && err.contains("not a usable SQLite database"),
            "{err}"
        );
    }
}
