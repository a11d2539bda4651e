//! Seeds a database with N listings (default 100,000) for `bench/serve_bench.sh`:
//! like `benches/listings.rs`, plus what the web UI and the exports read that
//! the list does not: a fetched page with a stored body per listing, hits
//! with real offsets into the content, and seller identifiers (a site-wide
//! footer address on every listing of a site, phones shared by five
//! listings, one handle shared across sites by one listing in a thousand).
//!
//! cargo run --release --example seed_listings -- PATH [N]

use precwatch::matcher::Risk;
use precwatch::store::Store;
use rusqlite::params;
use sha2::{Digest, Sha256};

#[path = "../benches/common/listing_text.rs"]
mod listing_text;
use listing_text::content;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: seed_listings PATH [N]");
    let n: i64 = args.next().map_or(100_000, |s| s.parse().expect("N"));
    let _ = std::fs::remove_file(&path);
    let mut store = Store::open(std::path::Path::new(&path)).expect("open");
    let run = store.begin_run("bench", "[job]", "rules").expect("run").id;
    let conn = store.conn().sqlite().expect("a SQLite database");
    conn.execute_batch("PRAGMA journal_mode = WAL; BEGIN").unwrap();
    let sites = ["alpha", "beta", "gamma", "delta"];
    let states = ["new", "changed", "unchanged", "gone"];
    let statuses = ["new", "new", "new", "confirmed", "false_positive", "escalated"];
    let seller_id = |kind: &str, value: &str| -> i64 {
        conn.execute(
            "INSERT OR IGNORE INTO sellers (kind, value) VALUES (?1, ?2)",
            params![kind, value],
        )
        .unwrap();
        conn.query_row(
            "SELECT id FROM sellers WHERE kind = ?1 AND value = ?2",
            params![kind, value],
            |r| r.get(0),
        )
        .unwrap()
    };
    for i in 0..n {
        let id = i + 1;
        let (title, text) = content(i);
        let site = sites[(i % 4) as usize];
        let url = format!("http://{site}.test/p/{i}");
        let risk = Risk::ALL[(i % 4) as usize];
        let score = (i % 97) as f64;
        let seen = format!("2026-{:02}-{:02}T00:00:00.000Z", 1 + i % 12, 1 + i % 28);
        let html =
            format!("<html><head><title>{title}</title></head><body><h1>{title}</h1><p>{text}</p></body></html>");
        let sha = hex::encode(Sha256::digest(html.as_bytes()));
        conn.execute(
            "INSERT OR IGNORE INTO blobs (sha256, size, data) VALUES (?1, ?2, ?3)",
            params![sha, html.len() as i64, html.as_bytes()],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO pages (id, run_id, url, final_url, status_code, fetched_at, headers_json, content_type, charset,
                                body_sha256, body_size)
             VALUES (?1, ?2, ?3, ?3, 200, ?4, '[[\"content-type\",\"text/html; charset=utf-8\"]]', 'text/html', 'utf-8', ?5, ?6)",
            params![id, run, url, seen, sha, html.len() as i64],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO listings (id, site, listing_key, canonical_url, first_seen, last_seen, first_run_id, last_run_id,
                                   state, review_state, risk_rank, score, title)
             VALUES (?1, ?2, ?3, ?3, ?4, ?4, ?5, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![id, site, url, seen, run, states[((i / 4) % 4) as usize], statuses[(i % 6) as usize],
                    risk.rank(), score, title],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO listing_versions (id, listing_id, run_id, page_id, fetched_at, text_sha256, body_sha256, title,
                                           text, score, risk, rules_sha256, content, content_sha256)
             VALUES (?1, ?1, ?2, ?1, ?3, 'x', ?4, ?5, ?6, ?7, ?8, 'rules', ?6, 'x')",
            params![id, run, seen, sha, title, text, score, risk.as_str()],
        )
        .unwrap();
        conn.execute("UPDATE listings SET current_version_id = ?1 WHERE id = ?1", [id])
            .unwrap();
        for (k, (word, cas)) in [
            ("99%", None),
            ("25 kg drum", None),
            ("纯度高", None),
            ("39742-60-4", Some("39742-60-4")),
        ]
        .iter()
        .enumerate()
        {
            let Some(start) = text.find(word) else { continue };
            let end = start + word.len();
            let mut from = start.saturating_sub(30);
            while !text.is_char_boundary(from) {
                from -= 1;
            }
            let mut to = (end + 30).min(text.len());
            while !text.is_char_boundary(to) {
                to += 1;
            }
            conn.execute(
                "INSERT INTO hits (version_id, rule_id, category, kind, cas, matched, start, end, context)
                 VALUES (?1, ?2, ?3, 'name', ?4, ?5, ?6, ?7, ?8)",
                params![
                    id,
                    format!("rule.{k}"),
                    if cas.is_some() {
                        "precursor.fentanyl"
                    } else {
                        "tactic.purity"
                    },
                    cas,
                    word,
                    start as i64,
                    end as i64,
                    &text[from..to]
                ],
            )
            .unwrap();
        }
        let mut sellers = vec![
            seller_id("email", &format!("support@{site}.test")),
            seller_id("phone", &format!("+86138{:08}", i / 5)),
        ];
        if i % 1000 == 3 {
            sellers.push(seller_id("telegram", "bigseller"));
        }
        for s in sellers {
            conn.execute(
                "INSERT INTO listing_sellers (listing_id, seller_id, version_id) VALUES (?1, ?2, ?1)",
                params![id, s],
            )
            .unwrap();
        }
    }
    conn.execute_batch("COMMIT; ANALYZE;").unwrap();
    // the text index, as the first search after a crawl builds it
    store.index_search().unwrap();
    eprintln!("seeded {path} with {n} listings");
}
