//! The triage list on 100,000 listings: one page of `Store::listings` (what
//! `precwatch listings` and every page of the web UI's list run) with each
//! filter, a deep page, and text searches, on a database seeded once
//! (`target/bench-listings-100k.sqlite`, about 250 MB; delete it to re-seed).
//!
//! cargo bench --bench listings

use criterion::{criterion_group, criterion_main, Criterion};
use precwatch::matcher::Risk;
use precwatch::store::{ListingFilter, ListingState, Paging, ReviewStatus, Since, Store};
use rusqlite::params;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

#[path = "common/listing_text.rs"]
mod listing_text;
use listing_text::content;

const LISTINGS: i64 = 100_000;
const HITS_PER_LISTING: i64 = 4;

fn db_path() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| PathBuf::from("target"), PathBuf::from);
    target.join("bench-listings-100k.sqlite")
}

fn seed(path: &std::path::Path) {
    let mut store = Store::open(path).expect("open");
    let run = store.begin_run("bench", "[job]", "rules").expect("run").id;
    let conn = store.conn().sqlite().expect("a SQLite database");
    conn.execute_batch("BEGIN").unwrap();
    conn.execute(
        "INSERT INTO pages (run_id, url, final_url, status_code, fetched_at, headers_json) VALUES (?1, 'u', 'u', 200, '2026-01-01T00:00:00.000Z', '{}')",
        [run],
    )
    .unwrap();
    let page = conn.last_insert_rowid();
    let sites = ["alpha", "beta", "gamma", "delta"];
    let states = ["new", "changed", "unchanged", "gone"];
    let statuses = ["new", "new", "new", "confirmed", "false_positive", "escalated"];
    for i in 0..LISTINGS {
        let (title, body) = content(i);
        let risk = Risk::ALL[(i % 4) as usize];
        let score = (i % 97) as f64;
        let seen = format!("2026-{:02}-{:02}T00:00:00.000Z", 1 + i % 12, 1 + i % 28);
        conn.execute(
            "INSERT INTO listings (id, site, listing_key, canonical_url, first_seen, last_seen, first_run_id, last_run_id,
                                   state, review_state, risk_rank, score, title)
             VALUES (?1, ?2, ?3, ?3, ?4, ?4, ?5, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![i + 1, sites[(i % 4) as usize], format!("http://shop.test/p/{i}"), seen, run,
                    states[((i / 4) % 4) as usize], statuses[(i % 6) as usize], risk.rank(), score, title],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO listing_versions (id, listing_id, run_id, page_id, fetched_at, text_sha256, title, text, score, risk,
                                           rules_sha256, content, content_sha256)
             VALUES (?1, ?1, ?2, ?3, ?4, 'x', ?5, ?6, ?7, ?8, 'rules', ?6, 'x')",
            params![i + 1, run, page, seen, title, body, score, risk.as_str()],
        )
        .unwrap();
        conn.execute("UPDATE listings SET current_version_id = ?1 WHERE id = ?1", [i + 1])
            .unwrap();
        for h in 0..HITS_PER_LISTING {
            conn.execute(
                "INSERT INTO hits (version_id, rule_id, category, kind, cas, matched, start, end, context)
                 VALUES (?1, ?2, 'precursor.fentanyl', 'name', ?3, 'm', ?4, ?5, 'c')",
                params![
                    i + 1,
                    format!("rule.{h}"),
                    (h == 0).then_some("39742-60-4"),
                    h * 10,
                    h * 10 + 3
                ],
            )
            .unwrap();
        }
    }
    conn.execute_batch("COMMIT; ANALYZE;").unwrap();
    // the text index, as the first search after a crawl builds it
    store.index_search().unwrap();
}

fn open() -> Store {
    let path = db_path();
    if !path.exists() {
        let partial = path.with_extension("partial");
        let _ = std::fs::remove_file(&partial);
        eprintln!("seeding {} with {LISTINGS} listings (once)", path.display());
        seed(&partial);
        std::fs::rename(&partial, &path).expect("rename");
    }
    Store::open(&path).expect("open")
}

fn bench(c: &mut Criterion) {
    let store = open();
    let page = Paging {
        offset: 0,
        limit: Some(50),
    };
    let cases: Vec<(&str, ListingFilter, Paging)> = vec![
        ("first page, default filter", ListingFilter::default(), page),
        (
            "page 1000 (offset 49,950)",
            ListingFilter::default(),
            Paging {
                offset: 49_950,
                limit: Some(50),
            },
        ),
        (
            "min risk high",
            ListingFilter {
                min_risk: Some(Risk::High),
                ..Default::default()
            },
            page,
        ),
        (
            "status confirmed",
            ListingFilter {
                statuses: Some(vec![ReviewStatus::Confirmed]),
                ..Default::default()
            },
            page,
        ),
        (
            "site + state",
            ListingFilter {
                sites: vec!["gamma".into()],
                states: vec![ListingState::New],
                ..Default::default()
            },
            page,
        ),
        (
            "first seen since a time",
            ListingFilter {
                since: Some(Since::parse("2026-12-01").unwrap()),
                ..Default::default()
            },
            page,
        ),
        (
            "search: rare word",
            ListingFilter {
                text: Some("zygomorphic".into()),
                ..Default::default()
            },
            page,
        ),
        (
            "search: CAS in 1 of 50",
            ListingFilter {
                text: Some("39742-60-4".into()),
                ..Default::default()
            },
            page,
        ),
        (
            "search: 2 characters (titles)",
            ListingFilter {
                text: Some("苯乙".into()),
                ..Default::default()
            },
            page,
        ),
    ];
    let mut g = c.benchmark_group("listings_100k");
    g.sample_size(10).measurement_time(Duration::from_secs(3));
    for (name, filter, paging) in &cases {
        let n = store.listings(filter, *paging).expect("query");
        eprintln!("{name}: {} of {} rows", n.rows.len(), n.total);
        g.bench_function(*name, |b| {
            b.iter(|| black_box(store.listings(filter, *paging).expect("query")))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
