//! Issue 13: one run spread over several `precwatch crawl` processes
//! sharing a real PostgreSQL (`PRECWATCH_TEST_PG`; `.ci/postgres` starts
//! one), against a marketplace of several hosts on 127.0.0.1, compared
//! with the same crawl by one process into SQLite.

use crate::util::*;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Hosts of the marketplace (each its own port: its own politeness key).
const HOSTS: usize = 4;
/// Products per host.
const PRODUCTS: usize = 12;
/// The job's per-host interval.
const INTERVAL_MS: u64 = 120;
/// Host 0's robots.txt Crawl-delay.
const CRAWL_DELAY_MS: u64 = 250;

/// One host's pages: home, two category pages, products; every page carries
/// the site's chrome (a header naming a watched substance and a footer
/// promising delivery), which must not flag every listing.
fn market_page(host: usize, path: &str) -> Option<Resp> {
    let chrome_top =
        "<header><nav><a href='/'>Home</a> <a href='/cat/1'>Hot: N-Phenethyl-4-piperidone</a></nav></header>";
    let chrome_end = "<footer><p>Safe delivery to Mexico on every order. Contact sales@market.test</p></footer>";
    let page = |title: &str, main: String| {
        Resp::html(format!(
            "<html><head><title>{title} | Market {host}</title></head><body>{chrome_top}<main>{main}</main>{chrome_end}</body></html>"
        ))
    };
    let product = |k: usize| -> (String, String) {
        match (host + k) % 4 {
            0 => (
                format!("N-Phenethyl-4-piperidone lot {host}-{k}"),
                "CAS 39742-60-4, 99% purity powder, ships in 1 kg bags".to_string(),
            ),
            1 => (
                format!("1-Boc-4-piperidone lot {host}-{k}"),
                "CAS 79099-07-3 in stock".to_string(),
            ),
            2 => (format!("Office chair {host}-{k}"), "Ergonomic, grey fabric".to_string()),
            _ => (
                format!("Citric acid {host}-{k}"),
                "Anhydrous, food grade, 25 kg".to_string(),
            ),
        }
    };
    Some(match path {
        // Host 0 asks for more than the job's interval.
        "/robots.txt" if host == 0 => Resp::bytes(
            "text/plain",
            format!(
                "User-agent: *\nDisallow: /private\nCrawl-delay: {}\n",
                CRAWL_DELAY_MS as f64 / 1000.0
            )
            .into_bytes(),
        ),
        "/robots.txt" => Resp::bytes("text/plain", b"User-agent: *\nDisallow: /private\n".to_vec()),
        "/" => page(
            "Home",
            "<a href='/cat/1'>Chemicals</a> <a href='/cat/2'>More</a>".into(),
        ),
        "/cat/1" | "/cat/2" => {
            let half = if path == "/cat/1" {
                0..PRODUCTS / 2
            } else {
                PRODUCTS / 2..PRODUCTS
            };
            let links: String = half.map(|k| format!("<a href='/p/{k}'>product {k}</a> ")).collect();
            page("Category", format!("{links}<a href='/private/x'>x</a>"))
        }
        p if p.starts_with("/p/") => {
            let k: usize = p[3..].parse().ok().filter(|k| *k < PRODUCTS)?;
            let (title, body) = product(k);
            page(&title, format!("<h1>{title}</h1><p>{body}</p>"))
        }
        _ => return None,
    })
}

struct Market {
    servers: Vec<TestServer>,
}

impl Market {
    async fn start(delay: Duration) -> Market {
        let mut servers = Vec::new();
        for h in 0..HOSTS {
            servers.push(serve(move |p, _| market_page(h, p).map(|r| r.delay(delay))).await);
        }
        Market { servers }
    }

    fn seeds(&self) -> Vec<String> {
        self.servers.iter().map(|s| format!("{}/", s.base)).collect()
    }

    /// A listing snapshot with each server's address replaced by its index,
    /// so crawls of two markets compare.
    fn normalised(&self, rows: Vec<(String, String, Vec<String>)>) -> Vec<(String, String, Vec<String>)> {
        let mut out: Vec<_> = rows
            .into_iter()
            .map(|(mut url, risk, hits)| {
                for (i, s) in self.servers.iter().enumerate() {
                    url = url.replace(&s.base, &format!("host{i}"));
                }
                (url, risk, hits)
            })
            .collect();
        out.sort();
        out
    }

    /// Per host: the shortest gap between two request starts, and how many
    /// times robots.txt was asked.
    fn politeness(&self) -> Vec<(Duration, usize)> {
        self.servers
            .iter()
            .map(|s| {
                let mut times: Vec<Instant> = s.requests().iter().map(|r| r.at).collect();
                times.sort();
                let min = times.windows(2).map(|w| w[1] - w[0]).min().unwrap_or(Duration::MAX);
                (min, s.count("/robots.txt"))
            })
            .collect()
    }
}

fn write_job(dir: &Path, seeds: &[String], extra: &str) -> PathBuf {
    let crawl = format!("per_host_interval_ms = {INTERVAL_MS}\nconcurrency = 8\n{extra}");
    job_with_seeds(dir, seeds, "^/p/", &crawl).0
}

fn worker(job: &Path, db: &str, dir: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_precwatch"))
        .args(["crawl", "--config", job.to_str().unwrap(), "--db", db])
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits for every worker; a worker still running when the test fails (a
/// hang) is killed, so the test binary does not wait for it forever.
async fn wait_all(children: Vec<Child>) -> Vec<std::process::Output> {
    struct KillOnDrop(Vec<u32>);
    impl Drop for KillOnDrop {
        fn drop(&mut self) {
            for pid in &self.0 {
                let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            }
        }
    }
    let mut guard = KillOnDrop(children.iter().map(Child::id).collect());
    let outs =
        tokio::task::spawn_blocking(move || children.into_iter().map(|c| c.wait_with_output().unwrap()).collect())
            .await
            .unwrap();
    guard.0.clear();
    outs
}

fn run_row(db: &str) -> (String, i64, i64) {
    let store = precwatch::store::Store::open(Path::new(db)).unwrap();
    store
        .conn()
        .query_row(
            "SELECT status, complete, (SELECT COUNT(*) FROM frontier WHERE status = 'queued') FROM runs",
            precwatch::db_params![],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
}

/// The reference: one process, SQLite.
async fn reference(dir: &Path) -> Vec<(String, String, Vec<String>)> {
    let market = Market::start(Duration::ZERO).await;
    let job = write_job(dir, &market.seeds(), "");
    let db = dir.join("ref.sqlite");
    let out = precwatch(
        &["crawl", "--config", job.to_str().unwrap(), "--db", db.to_str().unwrap()],
        dir,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows = market.normalised(listings(&db));
    assert_eq!(rows.len(), HOSTS * PRODUCTS, "{rows:#?}");
    rows
}

#[tokio::test(flavor = "multi_thread")]
async fn two_and_four_workers_store_what_one_sqlite_crawl_stores() {
    let Some(server) = pg_server("two_and_four_workers_store_what_one_sqlite_crawl_stores") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let expected = reference(dir.path()).await;
    let flagged = expected.iter().filter(|r| r.1 != "none").count();
    assert_eq!(
        flagged,
        HOSTS * PRODUCTS / 2,
        "chrome must not flag every listing: {expected:#?}"
    );
    for workers in [2, 4] {
        let market = Market::start(Duration::from_millis(5)).await;
        let job = write_job(dir.path(), &market.seeds(), "");
        let db = pg_fresh_db(&server);
        let children = (0..workers).map(|_| worker(&job, &db, dir.path())).collect();
        for out in wait_all(children).await {
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        }
        assert_eq!(
            market.normalised(listings(Path::new(&db))),
            expected,
            "{workers} workers"
        );
        assert_eq!(
            run_row(&db),
            ("finished".into(), 1, 0),
            "{workers} workers: one finished, complete run"
        );
        for (host, (gap, robots)) in market.politeness().into_iter().enumerate() {
            let interval = if host == 0 { CRAWL_DELAY_MS } else { INTERVAL_MS };
            assert!(
                gap >= Duration::from_millis(interval - 15),
                "{workers} workers: host {host} asked twice {gap:?} apart (interval {interval} ms)"
            );
            assert_eq!(
                robots, 1,
                "{workers} workers: host {host}'s robots.txt fetched {robots} times"
            );
        }
        let pages = market.servers.iter().map(|s| s.requests().len()).sum::<usize>();
        assert_eq!(
            pages,
            HOSTS * (PRODUCTS + 4),
            "{workers} workers: every page fetched once"
        );
        let store = precwatch::store::Store::open(Path::new(&db)).unwrap();
        let shares: Vec<i64> = store
            .conn()
            .prepare("SELECT COUNT(*) FROM frontier WHERE status = 'done' GROUP BY lease_owner")
            .unwrap()
            .query_map(precwatch::db_params![], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        // Work goes to whoever leases first; with four hosts at most four
        // requests run at once, so a late worker may find nothing left.
        assert!(
            shares.len() >= 2,
            "{workers} workers: the pages were not shared: {shares:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_workers_entries_are_taken_over() {
    let Some(server) = pg_server("a_killed_workers_entries_are_taken_over") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let expected = reference(dir.path()).await;
    // Slow answers, so the kill lands mid-run with entries leased.
    let market = Market::start(Duration::from_millis(60)).await;
    let job = write_job(dir.path(), &market.seeds(), "lease_ms = 1000");
    let db = pg_fresh_db(&server);
    let mut doomed = worker(&job, &db, dir.path());
    let survivor = worker(&job, &db, dir.path());
    let started = Instant::now();
    let leased = || {
        let store = precwatch::store::Store::open(Path::new(&db)).ok()?;
        store
            .conn()
            .query_row(
                "SELECT COUNT(DISTINCT lease_owner) FROM frontier WHERE status = 'queued' AND lease_owner IS NOT NULL",
                precwatch::db_params![],
                |r| r.get::<i64>(0),
            )
            .ok()
    };
    while leased().unwrap_or(0) < 2 {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "both workers never held entries"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    doomed.kill().unwrap();
    let _ = doomed.wait();
    let out = wait_all(vec![survivor]).await.remove(0);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(market.normalised(listings(Path::new(&db))), expected);
    assert_eq!(run_row(&db), ("finished".into(), 1, 0));
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(summary.contains("it recorded the run's end"), "{summary}");
}

/// `precwatch ARGS --db DB` in `dir`, which must succeed; its standard output.
fn ok(dir: &Path, args: &[&str], db: &str) -> String {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--db", db]);
    let out = precwatch(&all, dir);
    assert!(
        out.status.success(),
        "precwatch {all:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `listings --format json` as (url, risk, state, review status, matched), sorted.
fn listing_rows(
    market: &Market,
    dir: &Path,
    db: &str,
    extra: &[&str],
) -> Vec<(String, String, String, String, String)> {
    let mut args = vec!["listings", "--format", "json", "--limit", "1000"];
    args.extend(extra);
    let mut rows: Vec<_> = ok(dir, &args, db)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let mut url = v["url"].as_str().unwrap().to_string();
            for (i, s) in market.servers.iter().enumerate() {
                url = url.replace(&s.base, &format!("host{i}"));
            }
            let f = |k: &str| v[k].to_string();
            (url, f("risk"), f("state"), f("review_status"), f("matched"))
        })
        .collect();
    rows.sort();
    rows
}

/// The first listing id of `listings --format json` with these filters.
fn first_id(dir: &Path, db: &str, filter: &[&str]) -> String {
    let mut args = vec!["listings", "--format", "json", "--limit", "1"];
    args.extend(filter);
    let line = ok(dir, &args, db);
    let v: serde_json::Value = serde_json::from_str(line.lines().next().expect("a listing")).unwrap();
    v["id"].to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_command_gives_on_postgres_what_it_gives_on_sqlite() {
    let Some(server) = pg_server("every_command_gives_on_postgres_what_it_gives_on_sqlite") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let market = Market::start(Duration::ZERO).await;
    let job = write_job(d, &market.seeds(), "");
    // Each run's alert goes to a file named by the database's engine.
    let alert_out = d.join("alert");
    let mut text = std::fs::read_to_string(&job).unwrap();
    text.push_str(&format!(
        "\n[[alert]]\nkind = \"command\"\nmin_risk = \"low\"\ncommand = [\"sh\", \"-c\", \"cat > {}.$PW_ENGINE\"]\n",
        alert_out.display()
    ));
    std::fs::write(&job, text).unwrap();
    let sqlite = d.join("t.sqlite").to_str().unwrap().to_string();
    let pg = pg_fresh_db(&server);
    for (engine, db) in [("sqlite", &sqlite), ("pg", &pg)] {
        let out = Command::new(env!("CARGO_BIN_EXE_precwatch"))
            .args(["crawl", "--config", job.to_str().unwrap(), "--no-progress", "--db", db])
            .env("PW_ENGINE", engine)
            .current_dir(d)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let alerted = |engine: &str| {
        let text = std::fs::read_to_string(alert_out.with_extension(engine)).expect("the alert was sent");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        v["listings"].as_array().expect("listings in the alert").len()
    };
    assert_eq!(alerted("pg"), alerted("sqlite"));
    assert!(alerted("pg") > 0);
    let all = listing_rows(&market, d, &sqlite, &["--status", "all"]);
    assert_eq!(all.len(), HOSTS * PRODUCTS);
    assert_eq!(listing_rows(&market, d, &pg, &["--status", "all"]), all);
    for filter in [
        &["--min-risk", "medium"][..],
        &["--search", "boc-4-pip"],
        &["--search", "39742-60-4"],
        &["--site", "shop", "--state", "new"],
    ] {
        let want = listing_rows(&market, d, &sqlite, filter);
        assert!(!want.is_empty(), "{filter:?}");
        assert_eq!(listing_rows(&market, d, &pg, filter), want, "{filter:?}");
    }
    // Review: confirm one, mark another a false positive (hidden by default).
    for db in [&sqlite, &pg] {
        let id = first_id(d, db, &["--search", "lot 0-0"]);
        ok(
            d,
            &["review", &id, "--status", "confirmed", "--note", "seen", "--by", "ana"],
            db,
        );
        let history = ok(d, &["review", &id, "--format", "json"], db);
        assert!(history.contains("confirmed") && history.contains("ana"), "{history}");
        let fp = first_id(d, db, &["--search", "lot 1-3"]);
        ok(d, &["review", &fp, "--status", "false_positive", "--by", "ana"], db);
    }
    for filter in [&["--status", "confirmed"][..], &["--status", "false_positive"], &[]] {
        let want = listing_rows(&market, d, &sqlite, filter);
        assert_eq!(listing_rows(&market, d, &pg, filter), want, "{filter:?}");
    }
    // Review events stay append-only on PostgreSQL too.
    let store = precwatch::store::Store::open(Path::new(&pg)).unwrap();
    let err = store
        .conn()
        .execute("UPDATE review_events SET note = 'rewritten'", precwatch::db_params![])
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    drop(store);
    // Every export format; JSON Lines compared record by record.
    for format in ["jsonl", "csv", "html", "warc", "graphml"] {
        for (name, db) in [("sqlite", &sqlite), ("pg", &pg)] {
            let out = d.join(format!("{name}.{format}"));
            ok(d, &["export", "--format", format, "--out", out.to_str().unwrap()], db);
            assert!(std::fs::metadata(&out).unwrap().len() > 0, "{name} {format}");
        }
    }
    let records = |name: &str| -> Vec<(String, String, String, String)> {
        let text = std::fs::read_to_string(d.join(format!("{name}.jsonl"))).unwrap();
        let mut v: Vec<_> = text
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                let mut url = v["url"].as_str().unwrap_or_default().to_string();
                for (i, s) in market.servers.iter().enumerate() {
                    url = url.replace(&s.base, &format!("host{i}"));
                }
                (
                    url,
                    v["risk"].to_string(),
                    v["review_state"].to_string(),
                    v["hits"].to_string(),
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(records("pg"), records("sqlite"));
    for (name, db) in [("sqlite", &sqlite), ("pg", &pg)] {
        let runs = ok(d, &["runs", "--format", "json"], db);
        assert!(runs.contains("\"finished\""), "{name}: {runs}");
        ok(d, &["sellers", "--format", "json"], db);
        ok(d, &["emerging"], db);
    }
    // The web UI: the list, a listing, the clusters, a download.
    let store = precwatch::store::Store::open(Path::new(&pg)).unwrap();
    assert!(store.query_stats(1).is_ok(), "per-query statistics on PostgreSQL");
    drop(store);
    let served = crate::serve::start(Path::new(&pg), &[]);
    let c = crate::serve::client();
    let (status, list) = crate::serve::get(&c, &format!("{}/?min_risk=low", served.base)).await;
    assert_eq!(status, 200, "{list}");
    assert!(list.contains("lot 0-0"), "{list}");
    let id = first_id(d, &pg, &["--search", "lot 0-0"]);
    let (status, page) = crate::serve::get(&c, &format!("{}/listing/{id}", served.base)).await;
    assert!(status == 200 && page.contains("39742-60-4"), "{status} {page}");
    for path in ["/clusters", "/export?format=csv"] {
        let (status, body) = crate::serve::get(&c, &format!("{}{path}", served.base)).await;
        assert_eq!(status, 200, "{path}: {body}");
    }
    drop(served);
    // A second run of the job: every listing seen again, none new or gone,
    // on both. (Whether a listing counts as changed can differ: the site's
    // template is learned again from the pages in the order they come, and
    // a few listings' content may then differ by a chrome line. That is the
    // chrome learner's, on either engine, and not compared here.)
    for db in [&sqlite, &pg] {
        ok(d, &["crawl", "--config", job.to_str().unwrap(), "--no-progress"], db);
    }
    let seen_again = |db: &str| -> Vec<(String, String, String, String)> {
        let rows = listing_rows(&market, d, db, &["--status", "all"]);
        for r in &rows {
            assert!(r.2 == "\"unchanged\"" || r.2 == "\"changed\"", "{db}: {r:?}");
        }
        rows.into_iter()
            .map(|(u, risk, _, status, m)| (u, risk, status, m))
            .collect()
    };
    let again = seen_again(&sqlite);
    assert_eq!(again.len(), HOSTS * PRODUCTS);
    assert_eq!(seen_again(&pg), again);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_jobs_watch_lock_is_held_by_one_process_on_postgres() {
    use precwatch::store::{LockHolder, LockOutcome, Store};
    let Some(server) = pg_server("a_jobs_watch_lock_is_held_by_one_process_on_postgres") else {
        return;
    };
    let db = pg_fresh_db(&server);
    let mut a = Store::open(Path::new(&db)).unwrap();
    let mut b = Store::open(Path::new(&db)).unwrap();
    let holder = |id: &str, host: &str| LockHolder {
        id: id.into(),
        pid: 1,
        host: host.into(),
    };
    let (ha, hb) = (holder("a", "machine-a"), holder("b", "machine-b"));
    assert_eq!(a.try_lock_job("j", &ha, 1_000).unwrap(), LockOutcome::Taken);
    assert!(matches!(
        b.try_lock_job("j", &hb, 2_000).unwrap(),
        LockOutcome::HeldBy { .. }
    ));
    assert!(a.renew_job_lock("j", &ha, 3_000).unwrap());
    // After the lease (renewed at 3 s) runs out, the other machine takes it.
    let later = 3_000 + precwatch::store::LOCK_LEASE_MS + 1;
    assert_eq!(b.try_lock_job("j", &hb, later).unwrap(), LockOutcome::Taken);
    assert!(!a.renew_job_lock("j", &ha, later).unwrap());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_host_paused_for_the_run_does_not_hold_the_workers() {
    let Some(server) = pg_server("a_host_paused_for_the_run_does_not_hold_the_workers") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let market = Market::start(Duration::ZERO).await;
    // A fifth host whose robots.txt fails: paused for the run, its entry left queued.
    let broken = serve(|p, _| match p {
        "/robots.txt" => Some(Resp::status(503)),
        _ => market_page(0, p),
    })
    .await;
    let mut seeds = market.seeds();
    seeds.push(format!("{}/", broken.base));
    let job = write_job(dir.path(), &seeds, "");
    let db = pg_fresh_db(&server);
    let children = (0..2).map(|_| worker(&job, &db, dir.path())).collect();
    let outs = tokio::time::timeout(Duration::from_secs(60), wait_all(children))
        .await
        .expect("the workers end although a host's entries stay queued");
    for out in outs {
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    // Finished, not complete (so nothing is marked gone), the paused host's seed still queued.
    assert_eq!(run_row(&db), ("finished".into(), 0, 1));
    assert_eq!(
        broken.requests().len(),
        1,
        "only robots.txt, once: {:?}",
        broken.requests().len()
    );
    assert_eq!(listings(Path::new(&db)).len(), HOSTS * PRODUCTS);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_retry_after_holds_the_host_for_every_worker() {
    let Some(server) = pg_server("a_retry_after_holds_the_host_for_every_worker") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // One host; its first answer for /p/3 asks everyone to wait 2 s. With
    // four requests in flight per worker, slots are reserved ahead, so some
    // fall inside the hold and must be given up.
    let site = serve(|p, n| match p {
        "/p/3" if n == 1 => Some(Resp::status(503).header("Retry-After", "2")),
        _ => market_page(1, p).map(|r| r.delay(Duration::from_millis(100))),
    })
    .await;
    let job = write_job(dir.path(), &[format!("{}/", site.base)], "per_host_concurrency = 4");
    let db = pg_fresh_db(&server);
    let children = (0..2).map(|_| worker(&job, &db, dir.path())).collect();
    for out in wait_all(children).await {
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let reqs = site.requests();
    let refused = reqs.iter().find(|r| r.path == "/p/3").expect("/p/3 asked").at;
    // Requests already on their way may land just after the 503; none
    // starts while the hold lasts, whichever worker holds the next slot.
    let inside: Vec<_> = reqs
        .iter()
        .filter(|r| r.at > refused + Duration::from_millis(150) && r.at < refused + Duration::from_millis(1900))
        .map(|r| (r.path.clone(), r.at - refused))
        .collect();
    assert!(inside.is_empty(), "asked during the Retry-After: {inside:?}");
    assert_eq!(listings(Path::new(&db)).len(), PRODUCTS);
}
