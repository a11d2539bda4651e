//! A scriptable HTTP server on 127.0.0.1 and helpers to run crawls.

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Request, Response, StatusCode};
use precwatch::config::Job;
use precwatch::crawl::{CrawlOptions, Summary};
use precwatch::db_params;
use precwatch::rules::RuleSet;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A scripted response.
#[derive(Clone, Default)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub delay: Duration,
}

impl Resp {
    pub fn html(body: impl Into<String>) -> Resp {
        Resp {
            status: 200,
            headers: vec![("content-type".into(), "text/html; charset=utf-8".into())],
            body: body.into().into_bytes(),
            delay: Duration::ZERO,
        }
    }
    pub fn bytes(content_type: &str, body: Vec<u8>) -> Resp {
        Resp {
            status: 200,
            headers: vec![("content-type".into(), content_type.into())],
            body,
            delay: Duration::ZERO,
        }
    }
    pub fn status(code: u16) -> Resp {
        Resp {
            status: code,
            headers: vec![("content-type".into(), "text/html".into())],
            body: format!("<p>status {code}</p>").into_bytes(),
            delay: Duration::ZERO,
        }
    }
    pub fn header(mut self, k: &str, v: &str) -> Resp {
        self.headers.push((k.into(), v.into()));
        self
    }
    pub fn delay(mut self, d: Duration) -> Resp {
        self.delay = d;
        self
    }
}

type Handler = dyn Fn(&Incoming) -> Option<Resp> + Send + Sync;

/// A request as a scripted handler sees it.
pub struct Incoming {
    /// Path and query.
    pub path: String,
    /// How many requests for this path so far, this one included.
    pub n: usize,
    pub headers: axum::http::HeaderMap,
}

impl Incoming {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub path: String,
    pub at: Instant,
    pub user_agent: String,
}

pub struct TestServer {
    pub base: String,
    log: Arc<Mutex<Vec<Seen>>>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl TestServer {
    pub fn requests(&self) -> Vec<Seen> {
        self.log.lock().unwrap().clone()
    }
    /// The request log itself, for a task that watches it while the test waits on a crawl.
    pub fn log_handle(&self) -> Arc<Mutex<Vec<Seen>>> {
        self.log.clone()
    }
    pub fn count(&self, path: &str) -> usize {
        self.log.lock().unwrap().iter().filter(|s| s.path == path).count()
    }
    pub fn times(&self, path: &str) -> Vec<Instant> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.path == path)
            .map(|s| s.at)
            .collect()
    }
}

/// Serves `f(path_and_query, nth_request_for_that_path)` on 127.0.0.1:0; None is a 404.
pub async fn serve(f: impl Fn(&str, usize) -> Option<Resp> + Send + Sync + 'static) -> TestServer {
    serve_req(move |r: &Incoming| f(&r.path, r.n)).await
}

/// Like [`serve`], with the whole request (headers included) for the handler.
pub async fn serve_req(f: impl Fn(&Incoming) -> Option<Resp> + Send + Sync + 'static) -> TestServer {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let log: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let counts: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let handler: Arc<Handler> = Arc::new(f);
    let (log2, stop) = (log.clone(), tokio::sync::oneshot::channel::<()>());
    let app = axum::Router::new().fallback(move |req: Request<Body>| {
        let (handler, log, counts) = (handler.clone(), log2.clone(), counts.clone());
        async move {
            let pq = req
                .uri()
                .path_and_query()
                .map_or("/".to_string(), |p| p.as_str().to_string());
            let ua = req
                .headers()
                .get("user-agent")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            log.lock().unwrap().push(Seen {
                path: pq.clone(),
                at: Instant::now(),
                user_agent: ua,
            });
            let n = {
                let mut c = counts.lock().unwrap();
                let e = c.entry(pq.clone()).or_insert(0);
                *e += 1;
                *e
            };
            let incoming = Incoming {
                path: pq.clone(),
                n,
                headers: req.headers().clone(),
            };
            let resp = handler(&incoming).unwrap_or_else(|| Resp::status(404));
            if !resp.delay.is_zero() {
                tokio::time::sleep(resp.delay).await;
            }
            let mut r = Response::new(Body::from(resp.body));
            *r.status_mut() = StatusCode::from_u16(resp.status).unwrap();
            for (k, v) in resp.headers {
                r.headers_mut().append(
                    HeaderName::from_bytes(k.as_bytes()).unwrap(),
                    HeaderValue::from_str(&v).unwrap(),
                );
            }
            r
        }
    });
    let (stop_tx, stop_rx) = stop;
    tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stop_rx.await;
            })
            .await;
    });
    TestServer {
        base: format!("http://{addr}"),
        log,
        _stop: stop_tx,
    }
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

pub fn test_rules() -> Arc<RuleSet> {
    Arc::new(RuleSet::load(&[fixture("test_rules.toml")], false).expect("test rules load"))
}

/// Writes a job file into `dir` and parses it. `crawl_extra` is added to [crawl].
pub fn job(dir: &Path, base: &str, listing: &str, crawl_extra: &str) -> (PathBuf, Job) {
    job_with_seeds(dir, &[format!("{base}/")], listing, crawl_extra)
}

/// Like [`job`], with several seeds (on several test servers).
pub fn job_with_seeds(dir: &Path, seeds: &[String], listing: &str, crawl_extra: &str) -> (PathBuf, Job) {
    let rules = fixture("test_rules.toml");
    let mut crawl: Vec<String> = crawl_extra.lines().map(str::to_string).collect();
    for default in [
        "allow_private = true",
        "per_host_interval_ms = 0",
        "retry_base_ms = 20",
        "timeout_ms = 5000",
    ] {
        let key = default.split(' ').next().unwrap();
        if !crawl.iter().any(|l| l.starts_with(key)) {
            crawl.push(default.to_string());
        }
    }
    let crawl = crawl.join("\n");
    let text = format!(
        r#"[job]
name = "test"
rules = ["{}"]
bundled_rules = false

[crawl]
{crawl}

[[site]]
name = "shop"
seeds = [{seeds}]
listing = '{listing}'
"#,
        rules.display(),
        seeds = seeds.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(", ")
    );
    let path = dir.join("job.toml");
    std::fs::write(&path, text).unwrap();
    let job = Job::from_file(&path).expect("job parses");
    (path, job)
}

pub async fn crawl(job: &Job, db: &Path) -> Summary {
    let (_tx, rx) = tokio::sync::watch::channel(false);
    precwatch::crawl::run(job, test_rules(), db, &CrawlOptions::default(), rx)
        .await
        .expect("crawl runs")
}

/// Listings in the database (a SQLite file or a `postgres://` URL):
/// (canonical_url, risk, hits as "rule@start..end").
pub fn listings(db: &Path) -> Vec<(String, String, Vec<String>)> {
    let store = precwatch::store::Store::open(db).unwrap();
    let conn = store.conn();
    let rows: Vec<(String, String, i64)> = conn
        .prepare(
            "SELECT l.canonical_url, v.risk, v.id FROM listings l JOIN listing_versions v ON v.id = l.current_version_id ORDER BY l.canonical_url",
        )
        .unwrap()
        .query_map(db_params![], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    rows.into_iter()
        .map(|(u, risk, vid)| {
            let hits = conn
                .prepare("SELECT rule_id, start, \"end\" FROM hits WHERE version_id = ?1 ORDER BY start, rule_id")
                .unwrap()
                .query_map([vid], |r| {
                    Ok(format!(
                        "{}@{}..{}",
                        r.get::<String>(0)?,
                        r.get::<i64>(1)?,
                        r.get::<i64>(2)?
                    ))
                })
                .unwrap()
                .map(Result::unwrap)
                .collect();
            (u, risk, hits)
        })
        .collect()
}

/// The PostgreSQL server the tests may use (`PRECWATCH_TEST_PG`, a URL whose
/// role may create databases; `.ci/postgres` starts one). None, with a skip
/// line, when it is not set, unless `PRECWATCH_REQUIRE_TOOLS=1` (CI), where
/// that is a failure.
pub fn pg_server(test: &str) -> Option<String> {
    match std::env::var("PRECWATCH_TEST_PG") {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            assert!(
                std::env::var("PRECWATCH_REQUIRE_TOOLS").as_deref() != Ok("1"),
                "{test}: PRECWATCH_TEST_PG is not set (start one with .ci/postgres)"
            );
            eprintln!("skipping {test}: PRECWATCH_TEST_PG is not set (start a server with .ci/postgres)");
            None
        }
    }
}

/// A new, empty database on the test server; its URL.
pub fn pg_fresh_db(server: &str) -> String {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let name = format!(
        "pw_{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        fastrand::u32(..)
    );
    let admin = server.to_string();
    let n = name.clone();
    // The synchronous client runs its own runtime: off the test's.
    std::thread::spawn(move || {
        let mut c = postgres::Client::connect(&admin, postgres::NoTls).expect("connect to PRECWATCH_TEST_PG");
        c.batch_execute(&format!("CREATE DATABASE {n}")).unwrap();
    })
    .join()
    .unwrap();
    let mut url = url::Url::parse(server).unwrap();
    url.set_path(&format!("/{name}"));
    url.to_string()
}

pub fn query_i64(db: &Path, sql: &str) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

pub fn query_strings(db: &Path, sql: &str) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut st = conn.prepare(sql).unwrap();
    let v = st
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    v
}

/// A small shop: home → category (2 pages) → 5 products.
pub fn shop_page(path: &str) -> Option<Resp> {
    let product = |name: &str, extra: &str| {
        Resp::html(format!(
            "<html><head><title>{name} - Shop</title></head><body><h1>{name}</h1><p>{extra}</p>\
             <script>var x = 'N-phenethyl-4-piperidone';</script><a href='/'>home</a></body></html>"
        ))
    };
    Some(match path {
        "/" => Resp::html("<a href='/cat?page=1'>Chemicals</a> <a href='mailto:a@b.c'>mail</a> <a href='http://other.invalid/x'>x</a>"),
        "/cat?page=1" => Resp::html("<a href='/p/1.html'>1</a><a href='/p/2.html#specs'>2</a><a href='/p/3.html?utm_source=cat'>3</a><a href='/cat?page=2'>next</a>"),
        "/cat?page=2" => Resp::html("<a href='/p/4.html'>4</a><a href='/p/5.html'>5</a><a href='/cat?page=1'>prev</a>"),
        "/p/1.html" => product("N-Phenethyl-4-piperidone", "CAS 39742-60-4, 99% purity. 100% safe delivery to Mexico."),
        "/p/2.html" => product("1-Boc-4-piperidone", "In stock, CAS 79099-07-3"),
        "/p/3.html" => product("Sodium chloride", "Food grade salt, 25 kg bags"),
        "/p/4.html" => product("Office chair", "Door to door shipping"),
        "/p/5.html" => product("Citric acid", "Anhydrous, E330"),
        _ => return None,
    })
}

/// A finished crawl of one test site: its folder (kept alive while this is),
/// the database and the run summary.
pub struct Crawled {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    pub summary: Summary,
}

/// Writes a job for the site at `base` (see [`job`]) into a fresh folder and crawls it into `t.sqlite`.
pub async fn crawl_site(base: &str, listing: &str, crawl_extra: &str) -> Crawled {
    let dir = tempfile::tempdir().unwrap();
    let (_, job) = job(dir.path(), base, listing, crawl_extra);
    let db = dir.path().join("t.sqlite");
    let summary = crawl(&job, &db).await;
    Crawled { dir, db, summary }
}

/// Runs the precwatch binary with `args` in `dir`, waiting for it.
pub fn precwatch(args: &[&str], dir: &Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_precwatch"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}
