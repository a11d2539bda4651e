//! Kill a crawl at any moment, run it again: it continues, fetches no
//! completed page again, and ends with what an uninterrupted run stores.

use crate::util::*;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PRODUCTS: usize = 60;

fn big_shop(p: &str) -> Option<Resp> {
    let delay = Duration::from_millis(15);
    if p == "/" {
        return Some(Resp::html(
            (0..PRODUCTS / 10)
                .map(|c| format!("<a href='/cat/{c}'>c{c}</a>"))
                .collect::<String>(),
        ));
    }
    if let Some(c) = p.strip_prefix("/cat/") {
        let c: usize = c.parse().ok()?;
        let links: String = (c * 10..c * 10 + 10)
            .map(|i| format!("<a href='/p/{i}.html'>{i}</a>"))
            .collect();
        return Some(Resp::html(links).delay(delay));
    }
    let i: usize = p.strip_prefix("/p/")?.strip_suffix(".html")?.parse().ok()?;
    let body = match i % 4 {
        0 => "N-Phenethyl-4-piperidone, 100% safe delivery to Mexico",
        1 => "1-Boc-4-piperidone in stock",
        _ => "Sodium chloride",
    };
    Some(Resp::html(format!("<h1>Item {i}</h1><p>{body}</p>")).delay(delay))
}

fn spawn_crawl(job: &std::path::Path, db: &std::path::Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_precwatch"))
        .args(["crawl", "--no-progress", "--config"])
        .arg(job)
        .arg("--db")
        .arg(db)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn pages_in(db: &std::path::Path) -> i64 {
    rusqlite::Connection::open(db)
        .and_then(|c| c.query_row("SELECT COUNT(*) FROM pages", [], |r| r.get(0)))
        .unwrap_or(0)
}

async fn wait_for_pages(db: &std::path::Path, n: i64) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while pages_in(db) < n {
        assert!(Instant::now() < deadline, "crawl made no progress");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn finish(child: std::process::Child) -> (i32, String) {
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn sigkill_then_resume_equals_a_clean_run() {
    let server = serve(|p, _| big_shop(p)).await;
    let dir = tempfile::tempdir().unwrap();
    let (job_path, job) = job(
        dir.path(),
        &server.base,
        r"^/p/\d+\.html$",
        "concurrency = 2\nper_host_concurrency = 2",
    );
    // The reference: one uninterrupted run.
    let clean_db = dir.path().join("clean.sqlite");
    crawl(&job, &clean_db).await;
    let reference = listings(&clean_db);
    assert_eq!(reference.len(), PRODUCTS);

    let db = dir.path().join("killed.sqlite");
    for kill_at in [3, 25] {
        // kill twice at different moments; the second resume finishes
        let mut child = spawn_crawl(&job_path, &db);
        wait_for_pages(&db, pages_in(&db) + kill_at).await;
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
    }
    let done_before: Vec<String> = query_strings(&db, "SELECT url FROM frontier WHERE status = 'done'");
    assert!(
        done_before.len() >= 28 && done_before.len() < PRODUCTS + 7,
        "{}",
        done_before.len()
    );
    let mark = Instant::now();
    let (code, out) = finish(spawn_crawl(&job_path, &db)).await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("(resumed)") && out.contains("complete"), "{out}");
    // No completed page was fetched again.
    for r in server.requests().iter().filter(|r| r.at > mark) {
        let url = format!("{}{}", server.base, r.path);
        assert!(!done_before.contains(&url), "{url} was fetched again after resume");
    }
    assert_eq!(listings(&db), reference);
    assert_eq!(query_i64(&db, "SELECT COUNT(*) FROM runs"), 1);
    assert_eq!(query_strings(&db, "SELECT status FROM runs"), vec!["finished"]);
    assert_eq!(
        query_i64(&db, "SELECT COUNT(*) FROM pages"),
        query_i64(&db, "SELECT COUNT(*) FROM frontier WHERE status = 'done'")
    );
    assert_eq!(query_i64(&db, "SELECT COUNT(*) FROM listing_versions"), PRODUCTS as i64);
    assert_eq!(
        query_i64(
            &db,
            "SELECT COUNT(*) FROM (SELECT url FROM pages GROUP BY url HAVING COUNT(*) > 1)"
        ),
        0
    );
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn sigterm_stops_gracefully_and_the_run_resumes() {
    let server = serve(|p, _| big_shop(p)).await;
    let dir = tempfile::tempdir().unwrap();
    let (job_path, _) = job(dir.path(), &server.base, r"^/p/\d+\.html$", "concurrency = 1");
    let db = dir.path().join("t.sqlite");
    let child = spawn_crawl(&job_path, &db);
    wait_for_pages(&db, 10).await;
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let (code, out) = finish(child).await;
    assert_eq!(code, 130, "{out}");
    assert!(out.contains("interrupted"), "{out}");
    assert_eq!(query_strings(&db, "SELECT status FROM runs"), vec!["interrupted"]);
    let (code, out) = finish(spawn_crawl(&job_path, &db)).await;
    assert_eq!(code, 0, "{out}");
    assert_eq!(listings(&db).len(), PRODUCTS);
    assert_eq!(query_strings(&db, "SELECT status FROM runs"), vec!["finished"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_crawl_into_the_same_database_is_refused() {
    let server = serve(|p, _| big_shop(p)).await;
    let dir = tempfile::tempdir().unwrap();
    let (job_path, _) = job(dir.path(), &server.base, r"^/p/\d+\.html$", "concurrency = 1");
    let db = dir.path().join("t.sqlite");
    let first = spawn_crawl(&job_path, &db);
    wait_for_pages(&db, 3).await;
    let (code, out) = finish(spawn_crawl(&job_path, &db)).await;
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("another precwatch crawl is writing to this database"),
        "{out}"
    );
    let (code, out) = finish(first).await;
    assert_eq!(code, 0, "the first crawl is unharmed: {out}");
    assert_eq!(listings(&db).len(), PRODUCTS);
}
