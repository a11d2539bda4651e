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
