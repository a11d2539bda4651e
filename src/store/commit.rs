//! One transaction per group of outcomes: a page's fetch record, body blob,
//! listing version, hits, sellers, new links and its frontier mark together.

use super::{sha256_hex, Committed, ListingRecord, ListingState, NewLink, Outcome};
use crate::matcher::Risk;
use rusqlite::{params, OptionalExtension, Transaction};

/// Inserts links; returns (hosts that got new rows, rows added).
pub(super) fn insert_links(
    tx: &Transaction,
    run_id: i64,
    parent: Option<i64>,
    links: &[NewLink],
) -> rusqlite::Result<(Vec<String>, u64)> {
    let mut st = tx.prepare_cached(
        "INSERT OR IGNORE INTO frontier (run_id, url, site, host, depth, parent_id, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'queued')",
    )?;
    let mut hosts: Vec<String> = Vec::new();
    let mut n = 0;
    for l in links {
        if st.execute(params![run_id, l.url, l.site, l.host, l.depth, parent])? > 0 {
            n += 1;
            if !hosts.contains(&l.host) {
                hosts.push(l.host.clone());
            }
        }
    }
    Ok((hosts, n))
}

pub(super) fn commit_one(tx: &Transaction, run_id: i64, outcome: &Outcome) -> rusqlite::Result<Committed> {
    let mut result = Committed::default();
    match outcome {
        Outcome::Retry {
            frontier_id,
            attempts,
            not_before_ms,
            error,
        } => {
            tx.prepare_cached("UPDATE frontier SET attempts = ?2, not_before = ?3, last_error = ?4 WHERE id = ?1")?
                .execute(params![frontier_id, attempts, not_before_ms, error])?;
        }
        Outcome::Failed {
            frontier_id,
            attempts,
            error,
        } => {
            tx.prepare_cached("UPDATE frontier SET status = 'failed', attempts = ?2, last_error = ?3 WHERE id = ?1")?
                .execute(params![frontier_id, attempts, error])?;
        }
        Outcome::Skipped { frontier_id, reason } => {
            tx.prepare_cached("UPDATE frontier SET status = 'skipped', last_error = ?2 WHERE id = ?1")?
                .execute(params![frontier_id, reason])?;
        }
        Outcome::Fetched {
            frontier_id,
            page,
            listing,
            links,
        } => {
            let body_sha = sha256_hex(&page.body);
            tx.prepare_cached("INSERT OR IGNORE INTO blobs (sha256, size, data) VALUES (?1, ?2, ?3)")?
                .execute(params![body_sha, page.body.len() as i64, page.body])?;
            tx.prepare_cached(
                "INSERT INTO pages (run_id, frontier_id, url, final_url, redirects_json, status_code, fetched_at, headers_json,
                                    content_type, charset, charset_source, body_sha256, body_size, truncated)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            )?
            .execute(params![
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
                page.truncated as i64
            ])?;
            let page_id = tx.last_insert_rowid();
            if let Some(l) = listing {
                let (id, state, risk) = store_listing(tx, run_id, page_id, &body_sha, &page.fetched_at, l)?;
                result.listing_id = Some(id);
                result.listing_state = Some(state);
                result.risk = Some(risk);
            }
            let (hosts, n) = insert_links(tx, run_id, Some(*frontier_id), links)?;
            result.hosts_with_new_links = hosts;
            result.new_links = n;
            tx.prepare_cached("UPDATE frontier SET status = 'done', attempts = attempts + 1 WHERE id = ?1")?
                .execute([frontier_id])?;
        }
    }
    Ok(result)
}

fn store_listing(
    tx: &Transaction,
    run_id: i64,
    page_id: i64,
    body_sha: &str,
    fetched_at: &str,
    l: &ListingRecord,
) -> rusqlite::Result<(i64, ListingState, Risk)> {
    let text_sha = sha256_hex(l.text.as_bytes());
    let existing: Option<(i64, i64, Option<i64>, String, i64)> = tx
        .prepare_cached(
            "SELECT id, first_run_id, current_version_id, state, last_run_id FROM listings WHERE canonical_url = ?1",
        )?
        .query_row([&l.canonical_url], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .optional()?;
    let (listing_id, is_new_listing, current_version, prev_state, last_run) = match existing {
        Some((id, first_run, cur, state, last_run)) => (
            id,
            first_run == run_id,
            cur,
            ListingState::parse(&state).unwrap_or(ListingState::Unchanged),
            last_run,
        ),
        None => {
            tx.prepare_cached(
                "INSERT INTO listings (site, canonical_url, first_seen, last_seen, first_run_id, last_run_id, state)
                 VALUES (?1, ?2, ?3, ?3, ?4, ?4, 'new')",
            )?
            .execute(params![l.site, l.canonical_url, fetched_at, run_id])?;
            (tx.last_insert_rowid(), true, None, ListingState::New, run_id)
        }
    };
    // Same text as the current version (and the same rules): no new version.
    let same: Option<i64> = match current_version {
        Some(v) => tx
            .prepare_cached("SELECT id FROM listing_versions WHERE id = ?1 AND text_sha256 = ?2 AND rules_sha256 = ?3")?
            .query_row(params![v, text_sha, l.rules_sha256], |r| r.get(0))
            .optional()?,
        None => None,
    };
    let (version_id, changed) = match same {
        Some(v) => (v, false),
        None => {
            tx.prepare_cached(
                "INSERT INTO listing_versions (listing_id, run_id, page_id, fetched_at, text_sha256, body_sha256, title, text,
                                               fields_json, score, risk, rules_sha256)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(params![
                listing_id,
                run_id,
                page_id,
                fetched_at,
                text_sha,
                body_sha,
                l.title,
                l.text,
                l.fields_json,
                l.score,
                l.risk.as_str(),
                l.rules_sha256
            ])?;
            let vid = tx.last_insert_rowid();
            let mut hst = tx.prepare_cached(
                "INSERT INTO hits (version_id, rule_id, category, kind, cas, matched, start, end, context)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
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
                    h.context
                ])?;
            }
            for (kind, value) in &l.sellers {
                tx.prepare_cached("INSERT OR IGNORE INTO sellers (kind, value) VALUES (?1, ?2)")?
                    .execute(params![kind, value])?;
                let sid: i64 = tx
                    .prepare_cached("SELECT id FROM sellers WHERE kind = ?1 AND value = ?2")?
                    .query_row(params![kind, value], |r| r.get(0))?;
                tx.prepare_cached(
                    "INSERT OR IGNORE INTO listing_sellers (listing_id, seller_id, version_id) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![listing_id, sid, vid])?;
            }
            (vid, current_version.is_some())
        }
    };
    let state = if is_new_listing {
        ListingState::New
    } else if changed || (last_run == run_id && prev_state == ListingState::Changed) {
        ListingState::Changed
    } else {
        ListingState::Unchanged
    };
    tx.prepare_cached(
        "UPDATE listings SET last_seen = ?2, last_run_id = ?3, current_version_id = ?4, state = ?5 WHERE id = ?1",
    )?
    .execute(params![listing_id, fetched_at, run_id, version_id, state.as_str()])?;
    tx.prepare_cached("INSERT OR IGNORE INTO sightings (listing_id, run_id, page_id, version_id, seen_at) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![listing_id, run_id, page_id, version_id, fetched_at])?;
    let risk: String = tx
        .prepare_cached("SELECT risk FROM listing_versions WHERE id = ?1")?
        .query_row([version_id], |r| r.get(0))?;
    Ok((listing_id, state, risk.parse().unwrap_or(Risk::None)))
}
