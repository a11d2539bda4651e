//! Triage on the command line: `precwatch listings` filters a crawled
//! database, `precwatch review` records statuses with an append-only
//! history, a false positive stays suppressed across runs until its content
//! changes, and `export` honours the same filters.

use crate::util::*;
use serde_json::Value;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

fn product(name: &str, extra: &str) -> Resp {
    Resp::html(format!(
        "<html><head><title>{name}</title></head><body><h1>{name}</h1><p>{extra}</p></body></html>"
    ))
}

/// Three listings; `/p/2`'s description changes when `changed` is set.
fn market(changed: Arc<AtomicBool>) -> impl Fn(&str, usize) -> Option<Resp> + Send + Sync + 'static {
    move |path, _| {
        Some(match path {
            "/" => Resp::html("<a href='/p/1'>1</a> <a href='/p/2'>2</a> <a href='/p/3'>3</a>"),
            "/p/1" => product(
                "N-Phenethyl-4-piperidone",
                "CAS 39742-60-4, 99% purity. Safe delivery to Mexico.",
            ),
            "/p/2" if changed.load(Ordering::SeqCst) => product(
                "1-Boc-4-piperidone",
                "CAS 79099-07-3 powder, now 25 kg drums, purity 99%",
            ),
            "/p/2" => product("1-Boc-4-piperidone", "CAS 79099-07-3 powder, purity 99%"),
            "/p/3" => product("Citric acid", "Anhydrous, E330, 25 kg bags"),
            _ => return None,
        })
    }
}

fn run_ok(args: &[&str], dir: &Path) -> String {
    let out = precwatch(args, dir);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `listings --format json` as (id, title, review_status) rows.
fn listed(db: &str, extra: &[&str], dir: &Path) -> Vec<(i64, String, String)> {
    let mut args = vec!["listings", "--db", db, "--format", "json"];
    args.extend_from_slice(extra);
    run_ok(&args, dir)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["id"].as_i64().unwrap(),
                v["title"].as_str().unwrap().to_string(),
                v["review_status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn id_of(rows: &[(i64, String, String)], title: &str) -> i64 {
    rows.iter()
        .find(|r| r.1 == title)
        .unwrap_or_else(|| panic!("{title} in {rows:?}"))
        .0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn false_positive_is_suppressed_until_its_content_changes() {
    let changed = Arc::new(AtomicBool::new(false));
    let server = serve(market(changed.clone())).await;
    let dir = tempfile::tempdir().unwrap();
    let (_, job) = job(dir.path(), &server.base, "^/p/", "");
    let db_path = dir.path().join("r.sqlite");
    crawl(&job, &db_path).await;
    let db = db_path.to_str().unwrap();
    let d = dir.path();

    // Filters: risk, text (in the content, not the title), default status.
    let all = listed(db, &[], d);
    assert_eq!(all.len(), 3, "{all:?}");
    assert!(all.iter().all(|r| r.2 == "new"));
    let flagged = listed(db, &["--min-risk", "medium"], d);
    assert_eq!(flagged.len(), 2, "{flagged:?}");
    let boc = id_of(&all, "1-Boc-4-piperidone");
    let by_text = listed(db, &["--search", "79099-07"], d);
    assert_eq!(by_text.iter().map(|r| r.0).collect::<Vec<_>>(), vec![boc]);
    assert_eq!(
        listed(db, &["--search", "E330"], d).len(),
        1,
        "short and long text searches"
    );
    assert!(
        listed(db, &["--search", "%"], d).is_empty(),
        "LIKE wildcards are literal"
    );
    assert!(listed(db, &["--site", "elsewhere"], d).is_empty());

    // Review: an event, the status, the history.
    let out = run_ok(
        &[
            "review",
            "--db",
            db,
            &boc.to_string(),
            "--status",
            "false_positive",
            "--note",
            "lab reagent <b>",
            "--by",
            "ann",
        ],
        d,
    );
    assert!(out.contains("new -> false_positive by ann: lab reagent <b>"), "{out}");
    let after = listed(db, &[], d);
    assert!(
        !after.iter().any(|r| r.0 == boc),
        "a false positive is suppressed by default: {after:?}"
    );
    let fps = listed(db, &["--status", "false_positive"], d);
    assert_eq!(fps.iter().map(|r| r.0).collect::<Vec<_>>(), vec![boc]);
    assert_eq!(listed(db, &["--status", "all"], d).len(), 3);

    // The same content in a later run: still suppressed, history untouched.
    crawl(&job, &db_path).await;
    assert_eq!(listed(db, &["--status", "false_positive"], d).len(), 1);
    let history = |d: &Path| -> Vec<Value> {
        let out = run_ok(&["review", "--db", db, &boc.to_string(), "--format", "json"], d);
        serde_json::from_str::<Value>(&out).unwrap().as_array().unwrap().clone()
    };
    assert_eq!(history(d).len(), 1);

    // Other content: back to new, with the history kept.
    changed.store(true, Ordering::SeqCst);
    crawl(&job, &db_path).await;
    let back = listed(db, &[], d);
    assert_eq!(
        back.iter().find(|r| r.0 == boc).map(|r| r.2.as_str()),
        Some("new"),
        "{back:?}"
    );
    // The text index catches up with versions stored since the last search.
    let found = listed(db, &["--search", "now 25 KG drums"], d);
    assert_eq!(found.iter().map(|r| r.0).collect::<Vec<_>>(), vec![boc], "{found:?}");
    let h = history(d);
    assert_eq!(h.len(), 2, "{h:?}");
    assert_eq!(
        (h[0]["old_status"].as_str(), h[0]["new_status"].as_str()),
        (Some("new"), Some("false_positive"))
    );
    assert_eq!(h[0]["by"], "ann");
    assert_eq!(h[0]["note"], "lab reagent <b>");
    assert_eq!(
        (h[1]["old_status"].as_str(), h[1]["new_status"].as_str()),
        (Some("false_positive"), Some("new"))
    );
    assert_eq!(h[1]["by"], "precwatch");
    assert_ne!(
        h[0]["version_id"], h[1]["version_id"],
        "each event names the version it judged"
    );

    // The history cannot be rewritten, even in SQL.
    let conn = rusqlite::Connection::open(&db_path).unwrap();
    for sql in [
        "UPDATE review_events SET reviewer = 'mallory'",
        "DELETE FROM review_events",
    ] {
        let err = conn.execute(sql, []).unwrap_err().to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
    drop(conn);

    // Confirmed listings stay confirmed when their content changes.
    let npp = id_of(&all, "N-Phenethyl-4-piperidone");
    run_ok(
        &[
            "review",
            "--db",
            db,
            &npp.to_string(),
            "--status",
            "confirmed",
            "--by",
            "bo",
        ],
        d,
    );
    let confirmed = listed(db, &["--status", "confirmed", "--status", "escalated"], d);
    assert_eq!(confirmed.iter().map(|r| r.0).collect::<Vec<_>>(), vec![npp]);

    // Exports take the same filters.
    let out = run_ok(&["export", "--db", db, "--format", "jsonl", "--status", "confirmed"], d);
    let lines: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["id"], npp);
    assert_eq!(lines[0]["review_state"], "confirmed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_review_input_is_refused_and_changes_nothing() {
    let server = serve(market(Arc::new(AtomicBool::new(false)))).await;
    let c = crawl_site(&server.base, "^/p/", "").await;
    let db = c.db.to_str().unwrap();
    let d = c.dir.path();
    let events = || query_i64(&c.db, "SELECT COUNT(*) FROM review_events");
    for (args, says) in [
        (
            vec!["review", "--db", db, "999", "--status", "confirmed", "--by", "a"],
            "no listing has id 999",
        ),
        (
            vec!["review", "--db", db, "1", "--status", "maybe", "--by", "a"],
            "maybe",
        ),
        (
            vec!["review", "--db", db, "1", "--status", "confirmed", "--by", " "],
            "--by",
        ),
        (vec!["listings", "--db", db, "--since", "yesterday"], "--since"),
        (vec!["listings", "--db", db, "--status", "unreviewed"], "unreviewed"),
    ] {
        let out = precwatch(&args, d);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
    assert_eq!(events(), 0);
    let long = "x".repeat(300);
    let out = precwatch(&["listings", "--db", db, "--search", &long], d);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at most 200 characters"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listings_table_pages_and_escapes() {
    let server = serve(|path, _| {
        Some(match path {
            "/" => Resp::html((1..=7).map(|i| format!("<a href='/p/{i}'>{i}</a>")).collect::<String>()),
            p if p.starts_with("/p/") => product(
                &format!("NPP \u{1b}[31mred\u{202e} lot {p}"),
                "N-Phenethyl-4-piperidone CAS 39742-60-4 powder",
            ),
            _ => return None,
        })
    })
    .await;
    let c = crawl_site(&server.base, "^/p/", "").await;
    let db = c.db.to_str().unwrap();
    let out = precwatch(&["listings", "--db", db, "--limit", "3", "--offset", "2"], c.dir.path());
    assert!(out.status.success());
    let table = String::from_utf8(out.stdout).unwrap();
    assert_eq!(table.lines().count(), 4, "a header and three rows: {table}");
    assert!(!table.contains('\u{1b}') && !table.contains('\u{202e}'), "{table:?}");
    assert!(table.contains("\\u{1b}"), "{table}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("listings 3-5 of 7"), "{err}");
}
