//! One transaction per group of outcomes: a page's fetch record, body blob,
//! listing version, hits, sellers, new links and its frontier mark together.

use super::db;
use super::db::{params, Conn, OptionalExtension};
use super::{sha256_hex, Committed, ListingRecord, ListingState, NewLink, Outcome, PageRecord, Validators};
use crate::matcher::Risk;

/// Inserts links; returns (hosts that got new rows, rows added).
pub(super) fn insert_links(
    tx: &Conn,
    run_id: i64,
    parent: Option<i64>,
    links: &[NewLink],
) -> db::Result<(Vec<String>, u64)> {
    if tx.backend() == db::Backend::Postgres {
        return insert_links_grouped(tx, run_id, parent, links);
    }
    let mut st = tx.prepare_cached(
        "INSERT INTO frontier (run_id, url, site, host, depth, parent_id, status, via, query, page)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'queued', ?7, ?8, ?9) ON CONFLICT DO NOTHING",
    )?;
    let mut hosts: Vec<String> = Vec::new();
    let mut n = 0;
    for l in links {
        let via = &l.via;
        if st.execute(params![
            run_id,
            l.url,
            l.site,
            l.host,
            l.depth,
            parent,
            via.kind.as_str(),
            via.query,
            via.page
        ])? > 0
        {
            n += 1;
            if !hosts.contains(&l.host) {
                hosts.push(l.host.clone());
            }
        }
    }
    Ok((hosts, n))
}

/// Rows per multi-row insert of links on PostgreSQL, largest first (a few
/// fixed sizes, so a handful of prepared statements serve any page).
const LINK_GROUPS: [usize; 4] = [64, 16, 4, 1];

/// [`insert_links`] on PostgreSQL: a page's links in a few multi-row
/// statements instead of one round trip each, in URL order (workers of a
/// shared run that found the same links then wait for each other instead of
/// deadlocking).
fn insert_links_grouped(
    tx: &Conn,
    run_id: i64,
    parent: Option<i64>,
    links: &[NewLink],
) -> db::Result<(Vec<String>, u64)> {
    let mut ordered: Vec<&NewLink> = links.iter().collect();
    ordered.sort_by(|a, b| a.url.cmp(&b.url));
    let (mut hosts, mut n): (Vec<String>, u64) = (Vec::new(), 0);
    let mut rest = &ordered[..];
    while !rest.is_empty() {
        let size = LINK_GROUPS.into_iter().find(|g| *g <= rest.len()).unwrap_or(1);
        let (group, tail) = rest.split_at(size);
        rest = tail;
        let rows: Vec<String> = (0..size)
            .map(|r| {
                let b = 2 + r * 7;
                format!(
                    "(?1, ?{}, ?{}, ?{}, ?{}, ?2, 'queued', ?{}, ?{}, ?{})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6,
                    b + 7
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO frontier (run_id, url, site, host, depth, parent_id, status, via, query, page)
             VALUES {} ON CONFLICT DO NOTHING RETURNING host",
            rows.join(", ")
        );
        let mut args: Vec<db::Value> = vec![db::Value::Int(run_id), parent.map_or(db::Value::Null, db::Value::Int)];
        for l in group {
            args.extend([
                db::Value::Text(l.url.clone()),
                db::Value::Text(l.site.clone()),
                db::Value::Text(l.host.clone()),
                db::Value::Int(i64::from(l.depth)),
                db::Value::Text(l.via.kind.as_str().to_string()),
                l.via.query.clone().map_or(db::Value::Null, db::Value::Text),
                db::Value::Int(i64::from(l.via.page)),
            ]);
        }
        for host in tx.prepare_cached(&sql)?.query_map(&args, |r| r.get::<String>(0))? {
            let host = host?;
            n += 1;
            if !hosts.contains(&host) {
                hosts.push(host);
            }
        }
    }
    Ok((hosts, n))
}

pub(super) fn commit_one(tx: &Conn, run_id: i64, outcome: &Outcome) -> db::Result<Committed> {
    let mut result = Committed::default();
    match outcome {
        Outcome::Retry {
            frontier_id,
            attempts,
            not_before_ms,
            error,
        } => {
            tx.prepare_cached("UPDATE frontier SET attempts = ?2, not_before = ?3, last_error = ?4 WHERE id = ?1 AND status NOT IN ('done', 'failed', 'skipped')")?
                .execute(params![frontier_id, attempts, not_before_ms, error])?;
        }
        Outcome::Failed {
            frontier_id,
            attempts,
            error,
        } => {
            tx.prepare_cached(
                "UPDATE frontier SET status = 'failed', attempts = ?2, last_error = ?3 WHERE id = ?1 AND status NOT IN ('done', 'failed', 'skipped')",
            )?
                .execute(params![frontier_id, attempts, error])?;
        }
        Outcome::Skipped { frontier_id, reason } => {
            tx.prepare_cached(
                "UPDATE frontier SET status = 'skipped', last_error = ?2 WHERE id = ?1 AND status NOT IN ('done', 'failed', 'skipped')",
            )?
            .execute(params![frontier_id, reason])?;
        }
        Outcome::Fetched {
            frontier_id,
            page,
            listing,
            links,
        } => {
            if !mark_done(tx, *frontier_id)? {
                return Ok(result);
            }
            let (page_id, body_sha) = insert_page(tx, run_id, *frontier_id, page)?;
            if let Some(l) = listing {
                let seen = store_listing(tx, run_id, page_id, body_sha.as_deref(), &page.fetched_at, l)?;
                if (200..300).contains(&page.status) {
                    save_validators(tx, &page.url, seen.listing_id, seen.version_id, l)?;
                }
                result.listing_id = Some(seen.listing_id);
                result.listing_state = Some(seen.state);
                result.risk = Some(seen.risk);
            }
            let (hosts, n) = insert_links(tx, run_id, Some(*frontier_id), links)?;
            result.hosts_with_new_links = hosts;
            result.new_links = n;
        }
        Outcome::Deferred {
            page_id,
            listing,
            links,
        } => {
            let claimed = tx
                .prepare_cached("UPDATE pages SET listing_pending = 0 WHERE id = ?1 AND listing_pending = 1")?
                .execute([page_id])?;
            if claimed == 0 {
                // Another worker of a shared run stored this page's listing.
                return Ok(result);
            }
            let (body_sha, fetched_at, url, status): (Option<String>, String, String, i64) = tx
                .prepare_cached("SELECT body_sha256, fetched_at, url, status_code FROM pages WHERE id = ?1")?
                .query_row([page_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
            let seen = store_listing(tx, run_id, *page_id, body_sha.as_deref(), &fetched_at, listing)?;
            if (200..300).contains(&status) {
                save_validators(tx, &url, seen.listing_id, seen.version_id, listing)?;
            }
            if !links.is_empty() {
                let parent: Option<i64> = tx
                    .prepare_cached("SELECT frontier_id FROM pages WHERE id = ?1")?
                    .query_row([page_id], |r| r.get(0))?;
                let (hosts, n) = insert_links(tx, run_id, parent, links)?;
                result.hosts_with_new_links = hosts;
                result.new_links = n;
            }
            result.listing_id = Some(seen.listing_id);
            result.listing_state = Some(seen.state);
            result.risk = Some(seen.risk);
        }
        Outcome::NotModified {
            frontier_id,
            page,
            validators,
        } => {
            if !mark_done(tx, *frontier_id)? {
                return Ok(result);
            }
            let (page_id, _) = insert_page(tx, run_id, *frontier_id, page)?;
            if let Some(seen) = seen_again(tx, run_id, page_id, &page.fetched_at, validators)? {
                result.listing_id = Some(seen.listing_id);
                result.listing_state = Some(seen.state);
                result.risk = Some(seen.risk);
            }
        }
    }
    Ok(result)
}

// The entry is settled only while still queued. Written as "not settled"
// rather than `status = 'queued'`: PostgreSQL would otherwise match the
// partial index `frontier_queued` and keep a generic plan that scans it,
// chosen while it was small (measured: 2 ms a page once the frontier grew).

/// Settles a queued entry; false when it was settled already (by another
/// worker of a shared run whose lease on it this worker outlived): then
/// nothing of the outcome is stored, so every entry is stored once.
fn mark_done(tx: &Conn, frontier_id: i64) -> db::Result<bool> {
    let n = tx
        .prepare_cached(
            "UPDATE frontier SET status = 'done', attempts = attempts + 1 WHERE id = ?1 AND status NOT IN ('done', 'failed', 'skipped')",
        )?
        .execute([frontier_id])?;
    Ok(n > 0)
}

/// The fetch record and its body (stored once per SHA-256). A 304 has no
/// body: no blob, `body_sha256` NULL. Returns the page id and the body hash.
fn insert_page(tx: &Conn, run_id: i64, frontier_id: i64, page: &PageRecord) -> db::Result<(i64, Option<String>)> {
    let body_sha = (page.status != 304).then(|| sha256_hex(&page.body));
    if let Some(sha) = &body_sha {
        tx.prepare_cached("INSERT INTO blobs (sha256, size, data) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING")?
            .execute(params![sha, page.body.len() as i64, page.body])?;
    }
    tx.prepare_cached(
        "INSERT INTO pages (run_id, frontier_id, url, final_url, redirects_json, status_code, fetched_at, headers_json,
                            content_type, charset, charset_source, body_sha256, body_size, truncated, listing_pending)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) RETURNING id",
    )?
    .query_row(
        params![
            run_id,
            frontier_id,
            page.url,
            page.final_url,
            page.redirects_json,
            page.status,
            page.fetched_at,
            page.headers_json,
            page.content_type,
            page.charset,
            page.charset_source,
            body_sha,
            page.body.len() as i64,
            page.truncated as i64,
            page.listing_pending as i64
        ],
        |r| r.get::<i64>(0),
    )
    .map(|id| (id, body_sha))
}

/// What storing or re-seeing a listing did.
struct Seen {
    listing_id: i64,
    version_id: i64,
    state: ListingState,
    risk: Risk,
}

/// A listing row as it stands before this page.
struct Existing {
    id: i64,
    first_run_id: i64,
    current_version: Option<i64>,
    state: ListingState,
    last_run_id: i64,
}

fn existing_listing(tx: &Conn, by: &str, key: &dyn db::ToValue) -> db::Result<Option<Existing>> {
    // Workers of a shared run take turns on one listing: the row stays
    // locked until this transaction ends, so a second worker's sighting
    // reads the version this one made instead of making its own.
    let lock = match tx.backend() {
        db::Backend::Postgres => " FOR UPDATE",
        db::Backend::Sqlite => "",
    };
    let sql =
        format!("SELECT id, first_run_id, current_version_id, state, last_run_id FROM listings WHERE {by} = ?1{lock}");
    tx.prepare_cached(&sql)?
        .query_row([key], |r| {
            let state: String = r.get(3)?;
            Ok(Existing {
                id: r.get(0)?,
                first_run_id: r.get(1)?,
                current_version: r.get(2)?,
                state: ListingState::parse(&state).unwrap_or(ListingState::Unchanged),
                last_run_id: r.get(4)?,
            })
        })
        .optional()
}

/// The state after a sighting in `run_id`: new in its first run; changed when
/// this run made a version (or already had); unchanged otherwise.
fn state_after(e: &Existing, run_id: i64, made_version: bool) -> ListingState {
    if e.first_run_id == run_id {
        ListingState::New
    } else if made_version || (e.last_run_id == run_id && e.state == ListingState::Changed) {
        ListingState::Changed
    } else {
        ListingState::Unchanged
    }
}

/// Records that `listing` was seen on `page_id` with `version_id` current.
fn sighting(
    tx: &Conn,
    run_id: i64,
    page_id: i64,
    fetched_at: &str,
    listing_id: i64,
    version_id: i64,
    state: ListingState,
) -> db::Result<Risk> {
    let (risk, score, title): (String, f64, String) = tx
        .prepare_cached("SELECT risk, score, title FROM listing_versions WHERE id = ?1")?
        .query_row([version_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    let risk: Risk = risk.parse().unwrap_or(Risk::None);
    tx.prepare_cached(
        "UPDATE listings SET last_seen = ?2, last_run_id = ?3, current_version_id = ?4, state = ?5,
                             risk_rank = ?6, score = ?7, title = ?8 WHERE id = ?1",
    )?
    .execute(params![
        listing_id,
        fetched_at,
        run_id,
        version_id,
        state.as_str(),
        risk.rank(),
        score,
        title
    ])?;
    tx.prepare_cached("INSERT INTO sightings (listing_id, run_id, page_id, version_id, seen_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING")?
        .execute(params![listing_id, run_id, page_id, version_id, fetched_at])?;
    Ok(risk)
}

fn store_listing(
    tx: &Conn,
    run_id: i64,
    page_id: i64,
    body_sha: Option<&str>,
    fetched_at: &str,
    l: &ListingRecord,
) -> db::Result<Seen> {
    let content_sha = sha256_hex(l.content.as_bytes());
    let existing = match existing_listing(tx, "listing_key", &l.key)? {
        Some(e) => e,
        None => {
            // Another worker may insert the same listing meanwhile: then its row is used.
            let id: Option<i64> = tx
                .prepare_cached(
                    "INSERT INTO listings (site, listing_key, canonical_url, first_seen, last_seen, first_run_id, last_run_id, state)
                     VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?5, 'new') ON CONFLICT DO NOTHING RETURNING id",
                )?
                .query_row(params![l.site, l.key, l.canonical_url, fetched_at, run_id], |r| r.get(0))
                .optional()?;
            let Some(id) = id else {
                return match existing_listing(tx, "listing_key", &l.key)? {
                    Some(_) => store_listing(tx, run_id, page_id, body_sha, fetched_at, l),
                    None => Err(db::DbError::Conversion {
                        column: 0,
                        message: format!(
                            "listing {} has another key under the same canonical URL",
                            l.canonical_url
                        ),
                    }),
                };
            };
            Existing {
                id,
                first_run_id: run_id,
                current_version: None,
                state: ListingState::New,
                last_run_id: run_id,
            }
        }
    };
    // Same content as the current version (and the same rules): no new
    // version, however the page's chrome rotated.
    let same: Option<i64> = match existing.current_version {
        Some(v) => tx
            .prepare_cached(
                "SELECT id FROM listing_versions WHERE id = ?1 AND content_sha256 = ?2 AND rules_sha256 = ?3",
            )?
            .query_row(params![v, content_sha, l.rules_sha256], |r| r.get(0))
            .optional()?,
        None => None,
    };
    let (version_id, made) = match same {
        Some(v) => (v, false),
        None => (
            insert_version(tx, run_id, page_id, existing.id, body_sha, &content_sha, fetched_at, l)?,
            existing.current_version.is_some(),
        ),
    };
    if made {
        super::review::reopen_if_changed(tx, existing.id, existing.current_version, version_id, fetched_at)?;
    }
    let state = state_after(&existing, run_id, made);
    let risk = sighting(tx, run_id, page_id, fetched_at, existing.id, version_id, state)?;
    Ok(Seen {
        listing_id: existing.id,
        version_id,
        state,
        risk,
    })
}

/// A new version with its hits and sellers; returns its id.
#[allow(clippy::too_many_arguments)]
fn insert_version(
    tx: &Conn,
    run_id: i64,
    page_id: i64,
    listing_id: i64,
    body_sha: Option<&str>,
    content_sha: &str,
    fetched_at: &str,
    l: &ListingRecord,
) -> db::Result<i64> {
    let vid: i64 = tx.prepare_cached(
        "INSERT INTO listing_versions (listing_id, run_id, page_id, fetched_at, text_sha256, body_sha256, title, text,
                                       fields_json, score, risk, rules_sha256, content, content_sha256, parts_json, chrome_json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) RETURNING id",
    )?
    .query_row(params![
        listing_id,
        run_id,
        page_id,
        fetched_at,
        sha256_hex(l.text.as_bytes()),
        body_sha,
        l.title,
        l.text,
        l.fields_json,
        l.score,
        l.risk.as_str(),
        l.rules_sha256,
        l.content,
        content_sha,
        l.parts_json,
        l.chrome_json
    ], |r| r.get::<i64>(0))?;
    let mut hst = tx.prepare_cached(
        "INSERT INTO hits (version_id, rule_id, category, kind, cas, matched, start, \"end\", context, part)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for h in &l.hits {
        hst.execute(params![
            vid,
            h.rule,
            h.category,
            h.kind.as_str(),
            h.cas,
            h.matched,
            h.start as i64,
            h.end as i64,
            h.context,
            h.part.as_deref().unwrap_or("")
        ])?;
    }
    for (kind, value) in &l.sellers {
        tx.prepare_cached("INSERT INTO sellers (kind, value) VALUES (?1, ?2) ON CONFLICT DO NOTHING")?
            .execute(params![kind, value])?;
        let sid: i64 = tx
            .prepare_cached("SELECT id FROM sellers WHERE kind = ?1 AND value = ?2")?
            .query_row(params![kind, value], |r| r.get(0))?;
        tx.prepare_cached(
            "INSERT INTO listing_sellers (listing_id, seller_id, version_id) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
        )?
        .execute(params![listing_id, sid, vid])?;
    }
    Ok(vid)
}

/// Keeps (or forgets) the validators of the response that showed a listing.
fn save_validators(tx: &Conn, url: &str, listing_id: i64, version_id: i64, l: &ListingRecord) -> db::Result<()> {
    if l.etag.is_none() && l.last_modified.is_none() {
        tx.prepare_cached("DELETE FROM validators WHERE url = ?1")?
            .execute([url])?;
        return Ok(());
    }
    tx.prepare_cached(
        "INSERT INTO validators (url, listing_id, version_id, etag, last_modified, analysis_key)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (url) DO UPDATE SET listing_id = excluded.listing_id, version_id = excluded.version_id,
             etag = excluded.etag, last_modified = excluded.last_modified, analysis_key = excluded.analysis_key",
    )?
    .execute(params![
        url,
        listing_id,
        version_id,
        l.etag,
        l.last_modified,
        l.analysis_key
    ])?;
    Ok(())
}

/// A 304: the listing the URL showed is seen again with its current version.
fn seen_again(tx: &Conn, run_id: i64, page_id: i64, fetched_at: &str, v: &Validators) -> db::Result<Option<Seen>> {
    let Some(e) = existing_listing(tx, "id", &v.listing_id)? else {
        return Ok(None);
    };
    let version_id = e.current_version.unwrap_or(v.version_id);
    let state = state_after(&e, run_id, false);
    let risk = sighting(tx, run_id, page_id, fetched_at, e.id, version_id, state)?;
    Ok(Some(Seen {
        listing_id: e.id,
        version_id,
        state,
        risk,
    }))
}
