//! The list of listings, filtered and paged: what `precwatch listings`, the
//! exports and the web UI's list show.
//!
//! Invariants:
//! - Every filter is answered from an index on `listings` (risk, review
//!   status, site, first seen) or the trigram text index; a page costs the
//!   rows it shows plus the index range it skips, never a scan of every version.
//! - The text index covers every version up to `search_indexed.upto`; a
//!   text search first indexes the versions after it ([`Store::index_search`]).
//! - User text reaches SQL only as bound parameters; the text search is one
//!   FTS5 phrase (quotes doubled), so no query syntax can be injected.
//! - By default a false positive is suppressed: it is listed only when the
//!   filter asks for that status.

use super::db::params;
use super::db::{self, Backend, Value};
use super::review::ReviewStatus;
use super::{ListingState, Since, Store, StoreError};
use crate::matcher::Risk;

/// Which listings to show. The default shows every listing with a version
/// except false positives, riskiest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListingFilter {
    /// Only listings whose current version is at least this risky.
    pub min_risk: Option<Risk>,
    /// Only these states (empty: any).
    pub states: Vec<ListingState>,
    /// Only these review statuses (None: all but false positives).
    pub statuses: Option<Vec<ReviewStatus>>,
    /// Only these sites (empty: any).
    pub sites: Vec<String>,
    /// Only listings first seen by this run or later, or at or after this time.
    pub since: Option<Since>,
    /// Only listings whose current title, content or URL contains this text (case-insensitive).
    pub text: Option<String>,
    /// Only these listing ids (empty: any).
    pub ids: Vec<i64>,
}

impl ListingFilter {
    /// The filter that selects one listing, whatever its status.
    pub fn one(id: i64) -> ListingFilter {
        ListingFilter {
            statuses: Some(ReviewStatus::ALL.to_vec()),
            ids: vec![id],
            ..ListingFilter::default()
        }
    }
}

/// The longest text search accepted (characters).
pub const MAX_SEARCH_CHARS: usize = 200;

/// One row of the list: enough to decide whether to open it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ListingRow {
    /// `listings.id`: what `precwatch review` and the web UI take.
    pub id: i64,
    /// The canonical URL.
    pub url: String,
    /// The `[[site]]` it was found on.
    pub site: String,
    /// The current version's title.
    pub title: String,
    /// The current version's risk.
    pub risk: Risk,
    /// The current version's score.
    pub score: f64,
    /// Relative to the job's previous run.
    pub state: ListingState,
    /// The investigator's status.
    pub review_status: ReviewStatus,
    /// When it was first fetched.
    pub first_seen: String,
    /// When it was last fetched.
    pub last_seen: String,
    /// What the current version's hits name: CAS numbers of watched
    /// substances, else the rule ids (distinct, in text order).
    pub matched: Vec<String>,
}

/// A page of rows and how many match in all.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ListingPage {
    /// How many listings match the filter.
    pub total: u64,
    /// The rows from `offset`, at most `limit`.
    pub rows: Vec<ListingRow>,
}

/// Where the rows of a filter start and how many to take (None: all).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Paging {
    /// Rows skipped.
    pub offset: u64,
    /// Rows taken at most; None takes every row.
    pub limit: Option<u64>,
}

impl ListingFilter {
    /// The SQL condition on `listings l` and its parameters.
    pub(super) fn sql(&self, backend: Backend) -> Result<(String, Vec<Value>), StoreError> {
        // Every listing has a current version (it is set in the transaction that inserts it).
        let mut cond = vec!["1 = 1".to_string()];
        let mut args: Vec<Value> = Vec::new();
        if let Some(r) = self.min_risk.filter(|r| *r > Risk::None) {
            args.push(Value::Int(r.rank()));
            cond.push(format!("l.risk_rank >= ?{}", args.len()));
        }
        if !self.states.is_empty() {
            let states = self.states.iter().map(|s| Value::Text(s.as_str().into()));
            one_of(&mut cond, &mut args, "l.state", states);
        }
        match &self.statuses {
            None => cond.push("l.review_state <> 'false_positive'".into()),
            Some(list) => {
                let mut names: Vec<String> = list.iter().map(|s| s.as_str().to_string()).collect();
                if list.contains(&ReviewStatus::New) {
                    names.push("unreviewed".into());
                }
                one_of(
                    &mut cond,
                    &mut args,
                    "l.review_state",
                    names.into_iter().map(Value::Text),
                )
            }
        }
        if !self.ids.is_empty() {
            one_of(&mut cond, &mut args, "l.id", self.ids.iter().map(|i| Value::Int(*i)));
        }
        if !self.sites.is_empty() {
            one_of(
                &mut cond,
                &mut args,
                "l.site",
                self.sites.iter().cloned().map(Value::Text),
            );
        }
        match &self.since {
            None | Some(Since::All) => {}
            Some(Since::Run(n)) => {
                args.push(Value::Int(*n));
                cond.push(format!("l.first_run_id >= ?{}", args.len()));
            }
            Some(Since::Time(t)) => {
                args.push(Value::Text(super::timestamp((*t).into())));
                cond.push(format!("l.first_seen >= ?{}", args.len()));
            }
        }
        if let Some(text) = self.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            if text.chars().count() > MAX_SEARCH_CHARS {
                return Err(StoreError::Query(format!(
                    "the text search is at most {MAX_SEARCH_CHARS} characters"
                )));
            }
            if backend == Backend::Sqlite && text.chars().count() >= 3 {
                // One FTS5 phrase: quotes doubled, so no query syntax gets through.
                args.push(Value::Text(format!("\"{}\"", text.replace('"', "\"\""))));
                cond.push(format!(
                    "l.current_version_id IN (SELECT rowid FROM version_search WHERE version_search MATCH ?{})",
                    args.len()
                ));
            } else if backend == Backend::Postgres {
                // PostgreSQL searches the current version's content itself (no index).
                args.push(Value::Text(format!("%{}%", like_escaped(text))));
                let n = args.len();
                cond.push(format!(
                    "(l.title ILIKE ?{n} ESCAPE '\\' OR l.canonical_url ILIKE ?{n} ESCAPE '\\'
                      OR EXISTS (SELECT 1 FROM listing_versions sv WHERE sv.id = l.current_version_id
                                 AND sv.content ILIKE ?{n} ESCAPE '\\'))"
                ));
            } else {
                // The trigram index needs three characters: shorter text is looked for in titles and URLs.
                args.push(Value::Text(format!("%{}%", like_escaped(text))));
                let n = args.len();
                cond.push(format!(
                    "(l.title LIKE ?{n} ESCAPE '\\' OR l.canonical_url LIKE ?{n} ESCAPE '\\')"
                ));
            }
        }
        Ok((cond.join(" AND "), args))
    }
}

/// Adds `column IN (values…)` as bound parameters.
fn one_of(cond: &mut Vec<String>, args: &mut Vec<Value>, column: &str, values: impl Iterator<Item = Value>) {
    let start = args.len();
    args.extend(values);
    let marks: Vec<String> = (start + 1..=args.len()).map(|i| format!("?{i}")).collect();
    cond.push(format!("{column} IN ({})", marks.join(", ")));
}

/// `text` with LIKE's wildcards escaped (`\` is the escape character).
fn like_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The order of every list: riskiest first, then by score, then oldest id.
pub(super) const ORDER: &str = "l.risk_rank DESC, l.score DESC, l.id";

/// Versions indexed per transaction when the text index catches up.
const INDEX_BATCH: i64 = 5_000;

impl Store {
    /// Adds the versions stored since the last text search to the text
    /// index (a crawl does not write it); returns how many. Batches of
    /// [`INDEX_BATCH`], each in its own transaction, so a crawl writing
    /// meanwhile waits at most one batch.
    /// PostgreSQL has no such index (its search reads the tables): 0.
    pub fn index_search(&self) -> Result<u64, StoreError> {
        if self.backend() == Backend::Postgres {
            return Ok(0);
        }
        let mut total = 0;
        loop {
            let tx = self.conn.transaction_immediate()?;
            let upto: i64 = tx.query_row("SELECT upto FROM search_indexed WHERE id = 1", db::params![], |r| {
                r.get(0)
            })?;
            let end: i64 = tx.query_row(
                "SELECT COALESCE(MAX(id), 0) FROM (SELECT id FROM listing_versions WHERE id > ?1 ORDER BY id LIMIT ?2)",
                [upto, INDEX_BATCH],
                |r| r.get(0),
            )?;
            if end <= upto {
                return Ok(total);
            }
            let n = tx.execute(
                "INSERT INTO version_search (rowid, title, content, url)
                 SELECT v.id, v.title, v.content, l.canonical_url FROM listing_versions v JOIN listings l ON l.id = v.listing_id
                 WHERE v.id > ?1 AND v.id <= ?2",
                [upto, end],
            )?;
            tx.execute("UPDATE search_indexed SET upto = ?1 WHERE id = 1", [end])?;
            tx.commit()?;
            total += n as u64;
        }
    }

    /// Catches the text index up when `filter` searches text.
    pub(super) fn ready_for(&self, filter: &ListingFilter) -> Result<(), StoreError> {
        if filter.text.as_deref().is_some_and(|t| t.trim().chars().count() >= 3) {
            self.index_search()?;
        }
        Ok(())
    }

    /// The listings that pass `filter`, one page of them, in [`ORDER`].
    pub fn listings(&self, filter: &ListingFilter, paging: Paging) -> Result<ListingPage, StoreError> {
        self.ready_for(filter)?;
        let (cond, mut args) = filter.sql(self.backend())?;
        let total: i64 = self
            .conn
            .query_row(&format!("SELECT COUNT(*) FROM listings l WHERE {cond}"), &args, |r| {
                r.get(0)
            })?;
        args.push(Value::Int(
            paging.limit.map_or(i64::MAX, |l| l.min(i64::MAX as u64) as i64),
        ));
        args.push(Value::Int(paging.offset.min(i64::MAX as u64) as i64));
        let n = args.len();
        let sql = format!(
            "SELECT l.id, l.canonical_url, l.site, l.title, l.risk_rank, l.score, l.state, l.review_state,
                    l.first_seen, l.last_seen, l.current_version_id
             FROM listings l WHERE {cond} ORDER BY {ORDER} LIMIT ?{} OFFSET ?{n}",
            n - 1
        );
        let mut st = self.conn.prepare(&sql)?;
        let mut out = Vec::new();
        st.for_each(&args, |r| {
            let version: i64 = r.get(10)?;
            let mut matched: Vec<String> = Vec::new();
            for (rule, cas) in self.hit_names(version)? {
                let name = cas.unwrap_or(rule);
                if !matched.contains(&name) {
                    matched.push(name);
                }
            }
            out.push(ListingRow {
                id: r.get(0)?,
                url: r.get(1)?,
                site: r.get(2)?,
                title: r.get(3)?,
                risk: Risk::ALL[r.get::<i64>(4)?.clamp(0, 3) as usize],
                score: r.get(5)?,
                state: ListingState::parse(&r.get::<String>(6)?).unwrap_or(ListingState::Unchanged),
                review_status: ReviewStatus::parse(&r.get::<String>(7)?).unwrap_or(ReviewStatus::New),
                first_seen: r.get(8)?,
                last_seen: r.get(9)?,
                matched,
            });
            Ok::<(), StoreError>(())
        })?;
        Ok(ListingPage {
            total: total.max(0) as u64,
            rows: out,
        })
    }

    /// A version's whole visible page text (the evidence the content was cut from).
    pub fn version_text(&self, version_id: i64) -> Result<Option<String>, StoreError> {
        use super::db::OptionalExtension;
        Ok(self
            .conn
            .query_row("SELECT text FROM listing_versions WHERE id = ?1", [version_id], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Whether a listing has this id.
    pub fn listing_exists(&self, id: i64) -> Result<bool, StoreError> {
        let n: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM listings WHERE id = ?1", [id], |r| r.get(0))?;
        Ok(n > 0)
    }

    /// Each hit of a version in text order: its rule, and the CAS number of
    /// the substance it names (None for hits without one and for unlisted leads).
    pub(super) fn hit_names(&self, version_id: i64) -> Result<Vec<(String, Option<String>)>, StoreError> {
        let mut st = self
            .conn
            .prepare_cached("SELECT rule_id, cas, category FROM hits WHERE version_id = ?1 ORDER BY start, id")?;
        let rows = st.query_map([version_id], |h| {
            let (rule, cas, category): (String, Option<String>, String) = (h.get(0)?, h.get(1)?, h.get(2)?);
            Ok((rule, cas.filter(|_| category != crate::matcher::UNLISTED)))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The sites that have listings, for the filters' choices.
    pub fn sites(&self) -> Result<Vec<String>, StoreError> {
        let mut st = self
            .conn
            .prepare_cached("SELECT DISTINCT site FROM listings ORDER BY site")?;
        let rows = st.query_map(params![], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
