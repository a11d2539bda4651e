//! Measures issue 8 ("Match the listing, not the page") on the labelled
//! fictional marketplaces of `tests/common/market.rs` (tune set) and
//! `tests/common/market_measure.rs` (measure set).
//!
//! ```text
//! cargo run --release --example chrome_eval -- [--set tune|measure|all] [--selectors] [--clean] [--json]
//!     [--rotation N] [--validators] [--rerun] [--keep DIR] [--dump DIR]
//! ```
//!
//! Starts every site of the set on 127.0.0.1, writes a job file (bundled
//! rules, `allow_private`, no per-host interval; with `--selectors` the
//! sites' `[site.fields]`), runs a real crawl through `precwatch::crawl::run`,
//! reads the database back and prints, per site and for the whole set:
//! substance precision/recall/F1 over (listing, CAS) pairs (hits whose
//! category starts with `precursor.` or `drug.`), flagged (medium or high)
//! precision/recall/F1, high precision/recall, how many listings were
//! flagged, then every disagreement (listing path, expected vs got).
//!
//! `--clean` renders the same sites without chrome (the clean reference).
//! `--rerun` crawls the same job again against the same listings with
//! rotated chrome and reports listing states and versions added, for the set
//! and per site.
//! `--dump DIR` writes each listing's own text (`SITE/N.txt`) and its labels
//! (`labels.jsonl`) and exits, for `precwatch scan --format json DIR/*/*.txt`.

#[path = "../tests/common/market.rs"]
#[allow(dead_code)]
mod market;
#[path = "../tests/common/market_measure.rs"]
#[allow(dead_code)]
mod market_measure;

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Request, Response, StatusCode};
use market::{Options, Site, SiteSpec};
use precwatch::crawl::CrawlOptions;
use precwatch::rules::RuleSet;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

struct Args {
    sets: Vec<String>,
    selectors: bool,
    clean: bool,
    json: bool,
    rotation: u64,
    validators: bool,
    rerun: bool,
    keep: Option<PathBuf>,
    dump: Option<PathBuf>,
}

fn usage() -> ! {
    eprintln!(
        "usage: chrome_eval [--set tune|measure|all] [--selectors] [--clean] [--json] [--rotation N] [--validators] [--rerun] [--keep DIR] [--dump DIR]"
    );
    std::process::exit(2)
}

fn args() -> Args {
    let mut a = Args {
        sets: vec!["tune".into(), "measure".into()],
        selectors: false,
        clean: false,
        json: false,
        rotation: 0,
        validators: false,
        rerun: false,
        keep: None,
        dump: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(x) = it.next() {
        match x.as_str() {
            "--set" => match it.next().as_deref() {
                Some("tune") => a.sets = vec!["tune".into()],
                Some("measure") => a.sets = vec!["measure".into()],
                Some("all") => {}
                _ => usage(),
            },
            "--selectors" => a.selectors = true,
            "--clean" => a.clean = true,
            "--json" => a.json = true,
            "--validators" => a.validators = true,
            "--rerun" => a.rerun = true,
            "--rotation" => a.rotation = it.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| usage()),
            "--keep" => a.keep = Some(it.next().unwrap_or_else(|| usage()).into()),
            "--dump" => a.dump = Some(it.next().unwrap_or_else(|| usage()).into()),
            "-h" | "--help" => usage(),
            _ => usage(),
        }
    }
    a
}

fn specs(set: &str) -> Vec<SiteSpec> {
    match set {
        "tune" => market::tune_specs(),
        _ => market_measure::measure_specs(),
    }
}

type Shared = Arc<RwLock<Site>>;

async fn serve(site: Shared) -> (String, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("local addr");
    let app = axum::Router::new().fallback(move |req: Request<Body>| {
        let site = site.clone();
        async move {
            let pq = req.uri().path_and_query().map_or("/", |p| p.as_str()).to_string();
            let h = |n: &str| req.headers().get(n).and_then(|v| v.to_str().ok()).map(str::to_string);
            let (inm, ims) = (h("if-none-match"), h("if-modified-since"));
            let site = site.read().expect("site lock");
            let Some(page) = site.page(&pq) else {
                let mut r = Response::new(Body::from("<html><body><h1>404 Not Found</h1></body></html>"));
                *r.status_mut() = StatusCode::NOT_FOUND;
                return r;
            };
            let not_modified = page.not_modified(inm.as_deref(), ims.as_deref());
            let mut r = if not_modified {
                let mut r = Response::new(Body::empty());
                *r.status_mut() = StatusCode::NOT_MODIFIED;
                r
            } else {
                Response::new(Body::from(page.body.clone()))
            };
            for (k, v) in page.headers() {
                if let (Ok(k), Ok(v)) = (HeaderName::from_bytes(k.as_bytes()), HeaderValue::from_str(&v)) {
                    r.headers_mut().insert(k, v);
                }
            }
            r
        }
    });
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
    });
    (format!("http://{addr}"), tx)
}

fn job_text(name: &str, sites: &[(String, &Site)], selectors: bool) -> String {
    let mut s = format!(
        "# written by examples/chrome_eval.rs\n[job]\nname = \"{name}\"\n\n[crawl]\nallow_private = true\nper_host_interval_ms = 0\nper_host_concurrency = 4\nconcurrency = 8\nmax_pages = 0\ntimeout_ms = 10000\nretry_base_ms = 20\n"
    );
    for (base, site) in sites {
        s.push_str(&format!(
            "\n[[site]]\nname = \"{}\"\nseeds = [\"{base}/\"]\nlisting = '{}'\n",
            site.name, site.listing_re
        ));
        if selectors && !site.selectors.is_empty() {
            s.push_str("\n[site.fields]\n");
            for (k, v) in &site.selectors {
                s.push_str(&format!("{k} = '{v}'\n"));
            }
        }
    }
    s
}

/// A listing as stored: risk and the watched CAS numbers of its hits.
struct Got {
    risk: String,
    cas: BTreeSet<String>,
}

fn read_db(db: &Path) -> BTreeMap<String, Got> {
    let conn = rusqlite::Connection::open(db).expect("open db");
    let mut st = conn
        .prepare(
            "SELECT l.canonical_url, v.risk, v.id FROM listings l JOIN listing_versions v ON v.id = l.current_version_id",
        )
        .expect("listings query");
    let rows: Vec<(String, String, i64)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("listings")
        .map(|r| r.expect("row"))
        .collect();
    let mut hs = conn
        .prepare(
            "SELECT DISTINCT cas FROM hits WHERE version_id = ?1 AND cas IS NOT NULL AND (category LIKE 'precursor.%' OR category LIKE 'drug.%')",
        )
        .expect("hits query");
    rows.into_iter()
        .map(|(url, risk, vid)| {
            let cas = hs
                .query_map([vid], |r| r.get::<_, String>(0))
                .expect("hits")
                .map(|r| r.expect("row"))
                .collect();
            (url, Got { risk, cas })
        })
        .collect()
}

#[derive(Default, Clone, Copy)]
struct Prf {
    tp: u64,
    fp: u64,
    fn_: u64,
}

impl Prf {
    fn add(&mut self, expected: bool, got: bool) {
        match (expected, got) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            _ => {}
        }
    }
    fn p(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    fn r(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    fn f1(&self) -> f64 {
        let (p, r) = (self.p(), self.r());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    fn merge(&mut self, o: &Prf) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
    }
    fn json(&self) -> serde_json::Value {
        json!({"precision": round(self.p()), "recall": round(self.r()), "f1": round(self.f1()), "tp": self.tp, "fp": self.fp, "fn": self.fn_})
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[derive(Default, Clone)]
struct Score {
    listings: u64,
    missing: u64,
    substance: Prf,
    flagged: Prf,
    high: Prf,
    flagged_got: u64,
    flagged_expected: u64,
    high_got: u64,
    high_expected: u64,
}

impl Score {
    fn merge(&mut self, o: &Score) {
        self.listings += o.listings;
        self.missing += o.missing;
        self.substance.merge(&o.substance);
        self.flagged.merge(&o.flagged);
        self.high.merge(&o.high);
        self.flagged_got += o.flagged_got;
        self.flagged_expected += o.flagged_expected;
        self.high_got += o.high_got;
        self.high_expected += o.high_expected;
    }
    fn json(&self) -> serde_json::Value {
        json!({
            "listings": self.listings, "missing": self.missing,
            "substance": self.substance.json(), "flagged": self.flagged.json(), "high": self.high.json(),
            "flagged_got": self.flagged_got, "flagged_expected": self.flagged_expected,
            "high_got": self.high_got, "high_expected": self.high_expected,
        })
    }
}

struct Disagreement {
    site: String,
    path: String,
    case: String,
    expected: String,
    got: String,
}

fn level(flagged: bool, high: bool) -> &'static str {
    if high {
        "high"
    } else if flagged {
        "medium"
    } else {
        "below medium"
    }
}

fn score_site(site: &Site, base: &str, got: &BTreeMap<String, Got>, dis: &mut Vec<Disagreement>) -> Score {
    let mut s = Score::default();
    for t in &site.listings {
        s.listings += 1;
        let url = format!("{base}{}", t.path);
        let g = got.get(&url);
        if g.is_none() {
            s.missing += 1;
        }
        let risk = g.map_or("missing", |g| g.risk.as_str());
        let cas: BTreeSet<String> = g.map(|g| g.cas.clone()).unwrap_or_default();
        let exp: BTreeSet<String> = t.substances.iter().map(|c| c.to_string()).collect();
        for c in exp.union(&cas) {
            s.substance.add(exp.contains(c), cas.contains(c));
        }
        let g_flag = matches!(risk, "medium" | "high");
        let g_high = risk == "high";
        s.flagged.add(t.flagged, g_flag);
        s.high.add(t.high, g_high);
        s.flagged_got += u64::from(g_flag);
        s.flagged_expected += u64::from(t.flagged);
        s.high_got += u64::from(g_high);
        s.high_expected += u64::from(t.high);
        if exp != cas || t.flagged != g_flag || t.high != g_high {
            dis.push(Disagreement {
                site: site.name.clone(),
                path: t.path.clone(),
                case: t.case.clone(),
                expected: format!("{} {:?}", level(t.flagged, t.high), exp),
                got: format!("{risk} {cas:?}"),
            });
        }
    }
    s
}

fn row(name: &str, s: &Score) -> String {
    format!(
        "{name:<38} {:>4} {:>5.2} {:>5.2} {:>5.2}   {:>5.2} {:>5.2} {:>5.2}   {:>5.2} {:>5.2}   {:>3}/{:<3}  {:>3}/{:<3} {:>4}",
        s.listings,
        s.substance.p(),
        s.substance.r(),
        s.substance.f1(),
        s.flagged.p(),
        s.flagged.r(),
        s.flagged.f1(),
        s.high.p(),
        s.high.r(),
        s.flagged_got,
        s.flagged_expected,
        s.high_got,
        s.high_expected,
        s.missing
    )
}

fn dump(dir: &Path, sets: &[String], opts: &Options) {
    std::fs::create_dir_all(dir).expect("create dump dir");
    let mut labels = String::new();
    for set in sets {
        for spec in specs(set) {
            let site = market::build(&spec, opts);
            let sub = dir.join(&site.name);
            std::fs::create_dir_all(&sub).expect("create site dir");
            for (i, t) in site.listings.iter().enumerate() {
                let file = sub.join(format!("{i:03}.txt"));
                std::fs::write(&file, t.own.join("\n")).expect("write listing text");
                labels.push_str(
                    &json!({"file": file, "site": site.name, "path": t.path, "case": t.case,
                        "substances": t.substances, "flagged": t.flagged, "high": t.high})
                    .to_string(),
                );
                labels.push('\n');
            }
        }
    }
    std::fs::write(dir.join("labels.jsonl"), labels).expect("write labels");
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let a = args();
    let opts = Options {
        chrome: !a.clean,
        rotation: a.rotation,
        validators: a.validators,
        listings: None,
    };
    if let Some(dir) = &a.dump {
        dump(dir, &a.sets, &opts);
        eprintln!("wrote {}", dir.display());
        return;
    }
    let rules = Arc::new(RuleSet::bundled().expect("bundled rule packs"));
    let tmp = tempfile::tempdir().expect("temp dir");
    let out_dir = a.keep.clone().unwrap_or_else(|| tmp.path().to_path_buf());
    std::fs::create_dir_all(&out_dir).expect("create output dir");
    let mut report = Vec::new();
    for set in &a.sets {
        let built: Vec<(SiteSpec, Shared)> = specs(set)
            .into_iter()
            .map(|spec| {
                let site = market::build(&spec, &opts);
                (spec, Arc::new(RwLock::new(site)))
            })
            .collect();
        let mut bases = Vec::new();
        let mut stops = Vec::new();
        for (_, site) in &built {
            let (base, stop) = serve(site.clone()).await;
            bases.push(base);
            stops.push(stop);
        }
        let guards: Vec<_> = built.iter().map(|(_, s)| s.read().expect("site lock")).collect();
        let pairs: Vec<(String, &Site)> = bases.iter().cloned().zip(guards.iter().map(|g| &**g)).collect();
        let mode = format!(
            "{}{}",
            if a.clean { "clean" } else { "chrome" },
            if a.selectors { "+selectors" } else { "" }
        );
        let text = job_text(&format!("chrome-eval-{set}-{mode}"), &pairs, a.selectors);
        drop(pairs);
        drop(guards);
        let job_path = out_dir.join(format!("{set}-{mode}.toml"));
        std::fs::write(&job_path, &text).expect("write job");
        let job = precwatch::config::Job::from_file(&job_path).expect("job parses");
        let db = out_dir.join(format!("{set}-{mode}.sqlite"));
        for ext in ["", "-wal", "-shm", ".lock"] {
            let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
        }
        let (_tx, rx) = tokio::sync::watch::channel(false);
        let summary = precwatch::crawl::run(&job, rules.clone(), &db, &CrawlOptions::default(), rx)
            .await
            .expect("crawl runs");
        let got = read_db(&db);
        let mut dis = Vec::new();
        let mut all = Score::default();
        let mut sites = Vec::new();
        for ((_, site), base) in built.iter().zip(&bases) {
            let site = site.read().expect("site lock");
            let s = score_site(&site, base, &got, &mut dis);
            all.merge(&s);
            sites.push((site.name.clone(), site.template, s));
        }
        let mut rerun = None;
        if a.rerun {
            let versions_before = count(&db, "SELECT COUNT(*) FROM listing_versions");
            let before_by_site = versions_by_site(&db);
            for (spec, site) in &built {
                let o = Options {
                    rotation: opts.rotation + 1,
                    ..opts.clone()
                };
                *site.write().expect("site lock") = market::build(spec, &o);
            }
            let (_tx, rx) = tokio::sync::watch::channel(false);
            let s2 = precwatch::crawl::run(&job, rules.clone(), &db, &CrawlOptions::default(), rx)
                .await
                .expect("second crawl runs");
            let states = strings(
                &db,
                "SELECT state || ' ' || COUNT(*) FROM listings GROUP BY state ORDER BY state",
            );
            let added = count(&db, "SELECT COUNT(*) FROM listing_versions") - versions_before;
            let after_by_site = versions_by_site(&db);
            let per_site: Vec<(String, Vec<String>, i64)> = built
                .iter()
                .map(|(spec, _)| {
                    let n = &spec.name;
                    let states = strings_for(
                        &db,
                        "SELECT state || ' ' || COUNT(*) FROM listings WHERE site = ?1 GROUP BY state ORDER BY state",
                        n,
                    );
                    let added =
                        after_by_site.get(n).copied().unwrap_or(0) - before_by_site.get(n).copied().unwrap_or(0);
                    (n.clone(), states, added)
                })
                .collect();
            rerun = Some((states, added, s2.not_modified, per_site));
        }
        report.push((set.clone(), mode, summary, sites, all, dis, rerun));
        drop(stops);
    }
    if a.json {
        let v: Vec<serde_json::Value> = report
            .iter()
            .map(|(set, mode, summary, sites, all, dis, rerun)| {
                json!({
                    "set": set, "mode": mode,
                    "pages_fetched": summary.pages_fetched,
                    "sites": sites.iter().map(|(n, t, s)| { let mut j = s.json(); j["site"] = json!(n); j["template"] = json!(t); j }).collect::<Vec<_>>(),
                    "all": all.json(),
                    "disagreements": dis.iter().map(|d| json!({"site": d.site, "path": d.path, "case": d.case, "expected": d.expected, "got": d.got})).collect::<Vec<_>>(),
                    "rerun": rerun.as_ref().map(|(st, added, nm, per_site)| json!({
                        "states": st, "versions_added": added, "not_modified": nm,
                        "sites": per_site.iter().map(|(n, st, added)| json!({"site": n, "states": st, "versions_added": added})).collect::<Vec<_>>(),
                    })),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&v).expect("json"));
        return;
    }
    for (set, mode, summary, sites, all, dis, rerun) in &report {
        println!(
            "== set {set} ({mode}): {} pages fetched, {} listings",
            summary.pages_fetched, all.listings
        );
        println!(
            "{:<38} {:>4} {:>17}   {:>17}   {:>11}   {:>7}  {:>7} {:>4}",
            "site", "n", "substance P/R/F1", "flagged P/R/F1", "high P/R", "flagged", "high", "miss"
        );
        for (name, template, s) in sites {
            println!("{}", row(&format!("{name} ({template})"), s));
        }
        println!("{}", row("ALL", all));
        if let Some((states, added, nm, per_site)) = rerun {
            println!(
                "second run with rotated chrome: listing states {}; versions added {added}; 304s {nm}",
                states.join(", ")
            );
            for (n, st, added) in per_site {
                println!("  {n:<36} {}; versions added {added}", st.join(", "));
            }
        }
        println!("-- disagreements ({}): path: case | expected | got", dis.len());
        for d in dis {
            println!("{} {}: {} | {} | {}", d.site, d.path, d.case, d.expected, d.got);
        }
        println!();
    }
}

fn count(db: &Path, sql: &str) -> i64 {
    rusqlite::Connection::open(db)
        .expect("open db")
        .query_row(sql, [], |r| r.get(0))
        .expect("count")
}

/// Listing versions per site.
fn versions_by_site(db: &Path) -> BTreeMap<String, i64> {
    let conn = rusqlite::Connection::open(db).expect("open db");
    let mut st = conn
        .prepare(
            "SELECT l.site, COUNT(*) FROM listing_versions v JOIN listings l ON l.id = v.listing_id GROUP BY l.site",
        )
        .expect("query");
    let v = st
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
        .expect("rows")
        .map(|r| r.expect("row"))
        .collect();
    v
}

fn strings_for(db: &Path, sql: &str, arg: &str) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).expect("open db");
    let mut st = conn.prepare(sql).expect("query");
    let v = st
        .query_map([arg], |r| r.get::<_, String>(0))
        .expect("rows")
        .map(|r| r.expect("row"))
        .collect();
    v
}

fn strings(db: &Path, sql: &str) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).expect("open db");
    let mut st = conn.prepare(sql).expect("query");
    let v = st
        .query_map([], |r| r.get::<_, String>(0))
        .expect("rows")
        .map(|r| r.expect("row"))
        .collect();
    v
}
