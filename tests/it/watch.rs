//! `precwatch watch` end to end, against a real local marketplace and a real
//! local webhook receiver: runs on its schedule, alerts each new flagged
//! listing once (a failed delivery goes with the next run), stops cleanly on
//! SIGTERM, and a killed or stopped watch leaves no stuck lock and is
//! resumed by the next start. `precwatch runs` accounts for every run.

use crate::util::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A webhook receiver on 127.0.0.1: records each POSTed JSON; answers 503
/// to the first `fail_first` requests.
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Value>>>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn receiver(fail_first: usize) -> Receiver {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let got: Arc<Mutex<Vec<Value>>> = Arc::default();
    let calls = Arc::new(AtomicUsize::new(0));
    let g = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |body: axum::body::Bytes| {
            let (g, calls) = (g.clone(), calls.clone());
            async move {
                if calls.fetch_add(1, Ordering::SeqCst) < fail_first {
                    return axum::http::StatusCode::SERVICE_UNAVAILABLE;
                }
                g.lock()
                    .unwrap()
                    .push(serde_json::from_slice(&body).expect("alert JSON"));
                axum::http::StatusCode::NO_CONTENT
            }
        }),
    );
    let (stop, stop_rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stop_rx.await;
            })
            .await;
    });
    Receiver { url, got, _stop: stop }
}

fn product(name: &str, extra: &str) -> Resp {
    Resp::html(format!(
        "<html><head><title>{name}</title></head><body><h1>{name}</h1><p>{extra}</p></body></html>"
    ))
}

/// Two high-risk listings and a harmless one; a third high-risk one once `added`.
fn market(added: Arc<AtomicBool>, delay: Duration) -> impl Fn(&str, usize) -> Option<Resp> + Send + Sync + 'static {
    move |path, _| {
        let r = match path {
            "/" if added.load(Ordering::SeqCst) => {
                Resp::html("<a href='/p/1'>1</a><a href='/p/2'>2</a><a href='/p/3'>3</a><a href='/p/4'>4</a>")
            }
            "/" => Resp::html("<a href='/p/1'>1</a><a href='/p/2'>2</a><a href='/p/3'>3</a>"),
            "/p/1" => product(
                "N-Phenethyl-4-piperidone",
                "CAS 39742-60-4 powder. Safe delivery to Mexico.",
            ),
            "/p/2" => product("1-Boc-4-piperidone", "CAS 79099-07-3 powder, safe delivery to Mexico"),
            "/p/3" => product("Citric acid", "Anhydrous, E330, 25 kg bags"),
            "/p/4" => product("NPP new batch", "N-Phenethyl-4-piperidone 99%, safe delivery to Mexico"),
            _ => return None,
        };
        Some(r.delay(delay))
    }
}

fn write_job(dir: &Path, base: &str, schedule: &str, hook: &str, extra_crawl: &str) -> PathBuf {
    let text = format!(
        "[job]\nname = \"watched\"\nrules = [{:?}]\nbundled_rules = false\nschedule = \"{schedule}\"\njitter = \"0s\"\n\n\
         [crawl]\nallow_private = true\nper_host_interval_ms = 0\ntimeout_ms = 5000\n{extra_crawl}\n\n\
         [[site]]\nname = \"shop\"\nseeds = [\"{base}/\"]\nlisting = '^/p/'\n\n\
         [[alert]]\nkind = \"webhook\"\nmin_risk = \"high\"\nurl = \"{hook}\"\ntimeout_ms = 2000\n",
        fixture("test_rules.toml").display().to_string()
    );
    let path = dir.join("job.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn start_watch(job: &Path, db: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_precwatch"))
        .args(["watch", "--config", job.to_str().unwrap(), "--db", db.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Polls `f` every 50 ms for up to 60 s.
async fn until(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn sigterm(child: &Child) {
    let ok = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
}

fn finish(mut child: Child) -> (Option<i32>, String) {
    let status = child.wait().unwrap();
    let mut err = String::new();
    use std::io::Read;
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    (status.code(), err)
}

fn count(db: &Path, sql: &str) -> i64 {
    if !db.exists() {
        return 0;
    }
    rusqlite::Connection::open(db)
        .and_then(|c| c.query_row(sql, [], |r| r.get(0)))
        .unwrap_or(0)
}

fn titles(alert: &Value) -> Vec<String> {
    let mut t: Vec<String> = alert["listings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["title"].as_str().unwrap().to_string())
        .collect();
    t.sort();
    t
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_alerts_each_new_flagged_listing_once() {
    let added = Arc::new(AtomicBool::new(false));
    let site = serve(market(added.clone(), Duration::ZERO)).await;
    // The first delivery fails: the listings must come with the next run's.
    let hook = receiver(WEBHOOK_FAILURES).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.sqlite");
    let job = write_job(dir.path(), &site.base, "1s", &hook.url, "");
    let watch = start_watch(&job, &db);

    let got = hook.got.clone();
    until("the first alert", || !got.lock().unwrap().is_empty()).await;
    let first = got.lock().unwrap()[0].clone();
    assert_eq!(
        titles(&first),
        ["1-Boc-4-piperidone", "N-Phenethyl-4-piperidone"],
        "{first}"
    );
    assert_eq!(first["job"], "watched");
    assert_eq!(first["min_risk"], "high");
    let failed_attempts = count(&db, "SELECT COUNT(*) FROM alert_attempts WHERE ok = 0");
    assert_eq!(failed_attempts, 1, "the failed delivery is on record");

    // More runs with nothing new: nothing more is sent.
    let runs_then = count(&db, "SELECT COUNT(*) FROM runs");
    until("two more runs", || {
        count(&db, "SELECT COUNT(*) FROM runs WHERE status = 'finished'") >= runs_then + 2
    })
    .await;
    assert_eq!(got.lock().unwrap().len(), 1, "the same listings are never sent twice");

    // The site adds a listing: only that one is sent.
    added.store(true, Ordering::SeqCst);
    until("the second alert", || got.lock().unwrap().len() >= 2).await;
    let second = got.lock().unwrap()[1].clone();
    assert_eq!(titles(&second), ["NPP new batch"], "{second}");
    assert_eq!(second["listings"][0]["state"], "new");

    sigterm(&watch);
    let (code, err) = finish(watch);
    assert!(matches!(code, Some(0) | Some(130)), "{code:?}: {err}");
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM job_locks"),
        0,
        "the lock is given back: {err}"
    );
    assert_eq!(got.lock().unwrap().len(), 2);

    // Every run is accounted for.
    let out = precwatch(&["runs", "--db", db.to_str().unwrap(), "--format", "json"], dir.path());
    assert!(out.status.success());
    let runs: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(runs.len() >= 4, "{runs:?}");
    let oldest = runs.last().unwrap();
    assert_eq!(oldest["new"], 3);
    assert_eq!(oldest["listings_by_risk"]["high"], 2);
    assert_eq!(oldest["alerts"][0]["ok"], false);
    assert!(runs
        .iter()
        .any(|r| r["new"] == 1 && r["alerts"][0]["listings"] == 1 && r["alerts"][0]["ok"] == true));
}

/// Deliveries refused by the receiver before it accepts one.
const WEBHOOK_FAILURES: usize = 3;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopped_or_killed_watch_is_resumed_with_no_stuck_lock() {
    let site = serve(market(Arc::new(AtomicBool::new(false)), Duration::from_millis(400))).await;
    let hook = receiver(0).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.sqlite");
    // One page at a time, slowly: a run lasts about two seconds.
    let job = write_job(dir.path(), &site.base, "1h", &hook.url, "concurrency = 1");
    let pages = |db: &Path| count(db, "SELECT COUNT(*) FROM pages");

    // SIGTERM during a run: it stops after the pages in flight, exit 130.
    let watch = start_watch(&job, &db);
    until("a page stored", || pages(&db) >= 1).await;
    sigterm(&watch);
    let (code, err) = finish(watch);
    assert_eq!(code, Some(130), "{err}");
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM runs WHERE status = 'interrupted'"),
        1,
        "{err}"
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM job_locks"), 0);

    // The next start resumes it; SIGKILL it in the middle: the lock stays behind.
    let before = pages(&db);
    let mut watch = start_watch(&job, &db);
    until("the resumed run fetches", || pages(&db) > before).await;
    watch.kill().unwrap();
    watch.wait().unwrap();
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM job_locks"),
        1,
        "a killed process cannot give its lock back"
    );

    // A new watch takes the dead process's lock at once and finishes the same run.
    let watch = start_watch(&job, &db);
    until("the run finished", || {
        count(&db, "SELECT COUNT(*) FROM runs WHERE status = 'finished'") == 1
    })
    .await;
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM runs"),
        1,
        "resumed, never started afresh"
    );
    until("the alert", || !hook.got.lock().unwrap().is_empty()).await;
    assert_eq!(count(&db, "SELECT COUNT(*) FROM listings"), 3);
    sigterm(&watch);
    let (code, err) = finish(watch);
    assert_eq!(code, Some(0), "stopped between runs: {err}");
    assert!(err.contains("next run"), "{err}");
}
