//! `precwatch demo`: the newcomer's first command, end to end with the bundled packs.

use std::collections::BTreeMap;
use std::process::Command;

#[test]
fn demo_flags_what_the_catalog_expects() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    let out = Command::new(env!("CARGO_BIN_EXE_precwatch"))
        .args(["demo", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("RISK") && stdout.contains("WHAT MATCHED"), "{stdout}");
    assert!(stdout.contains(&format!("database: {}", db.display())), "{stdout}");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let mut st = conn
        .prepare(
            "SELECT l.canonical_url, v.risk FROM listings l JOIN listing_versions v ON v.id = l.current_version_id",
        )
        .unwrap();
    let got: BTreeMap<String, String> = st
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .map(|(u, r)| (u.rsplit('/').next().unwrap().trim_end_matches(".html").to_string(), r))
        .collect();
    assert_eq!(
        got.len(),
        precwatch::demo::catalog::product_paths().len(),
        "every product stored once: {got:?}"
    );
    let mut wrong = Vec::new();
    for (slug, risk) in precwatch::demo::catalog::expected_flags() {
        match got.get(slug) {
            Some(r) if r == risk => {}
            other => wrong.push(format!("{slug}: expected {risk}, got {other:?}")),
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    // Every listing the catalog does not expect to flag stays below medium.
    let expected: Vec<&str> = precwatch::demo::catalog::expected_flags()
        .iter()
        .map(|(s, _)| *s)
        .collect();
    for (slug, risk) in &got {
        if !expected.contains(&slug.as_str()) {
            assert!(risk == "none" || risk == "low", "{slug} flagged {risk}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_never_deletes_a_database_with_other_jobs() {
    let server = crate::util::serve(|p, _| crate::util::shop_page(p)).await;
    let dir = tempfile::tempdir().unwrap();
    let (_, job) = crate::util::job(dir.path(), &server.base, "^/p/", "");
    let db = dir.path().join("real.sqlite");
    crate::util::crawl(&job, &db).await;
    let before = crate::util::query_i64(&db, "SELECT COUNT(*) FROM listings");
    let out = Command::new(env!("CARGO_BIN_EXE_precwatch"))
        .args(["demo", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("holds 1 runs of other jobs"), "{err}");
    assert_eq!(crate::util::query_i64(&db, "SELECT COUNT(*) FROM listings"), before);
    // not a database at all: refused, untouched
    let junk = dir.path().join("notes.txt");
    std::fs::write(
        &junk,
        "my notes, definitely not SQLite, long enough to be read as a header",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_precwatch"))
        .args(["demo", "--db"])
        .arg(&junk)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(std::fs::read_to_string(&junk).unwrap().starts_with("my notes"));
}
