//! Seller clusters end to end: two sites crawled by one job, listings that
//! share a Telegram handle, a phone or a Bitcoin address in different
//! combinations, near-miss identifiers that must not link anything, a
//! marketplace address every listing of one site repeats in its own text
//! (site-wide), and an address in the page footer (chrome, never stored).

use crate::util::*;
use precwatch::store::Store;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

const FOOTER: &str = "help@alpha-market.example";

/// Near-misses, one per filler listing of site alpha: none is an identifier.
const NEAR_MISSES: &[&str] = &[
    "CAS 39742-60-4, Tel: 39742-60-4",
    "Updated 2024-05-12, tel 2024-05-12",
    "Order No. 5512345679",
    "WhatsApp +86 555-0166",
    "BTC 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3",
    "ETH 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",
    "follow @chem_sup",
    "<img alt='logo@2x.png'> logo@2x.png",
    "Telegram group for buyers",
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",
    "USDT TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6T",
    "t.me/joinchat/AAAAAEk",
    "+86 138 1234 567",
    "Part No. +44 20 7031 3000",
];

/// Listings of site alpha beyond the three sellers' (so the footer is on more
/// than half of at least 20 listings).
const ALPHA_FILLERS: usize = 19;

/// An address in the page's chrome (its `<footer>`): never a seller's.
const CHROME_ADDRESS: &str = "support@chrome-footer.example";

/// A listing page; `note` is a line every listing of the site repeats inside
/// its own content (so only the site-wide rule keeps it from linking them).
fn page(title: &str, body: &str, note: &str) -> Resp {
    Resp::html(format!(
        "<html><head><title>{title}</title></head><body><h1>{title}</h1><p>{body}</p><p>{note}</p>\
         <footer>Help: {CHROME_ADDRESS}</footer></body></html>"
    ))
}

fn index(n: usize) -> Resp {
    Resp::html((1..=n).map(|i| format!("<a href='/p/{i}'>{i}</a>")).collect::<String>())
}

/// Site alpha: a marketplace whose footer shows its own address on every page.
/// In generation 2, listing 2 no longer shows its WhatsApp number.
fn alpha(generation: Arc<AtomicUsize>) -> impl Fn(&str, usize) -> Option<Resp> {
    move |p, _| {
        let footer = format!("Questions about the marketplace? {FOOTER}");
        let n: usize = match p {
            "/" => return Some(index(3 + ALPHA_FILLERS)),
            _ => p.strip_prefix("/p/")?.parse().ok()?,
        };
        let body = match n {
            1 => "N-Phenethyl-4-piperidone, 100% safe delivery to Mexico. Telegram: @chem_sup, tel +86 138 1234 5678"
                .to_string(),
            2 if generation.load(Ordering::SeqCst) == 1 => "Sodium chloride. WhatsApp: +86 138 1234 5678".to_string(),
            2 => "Sodium chloride. Contact us on the site.".to_string(),
            3 => "1-Boc-4-piperidone powder. BTC 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2".to_string(),
            n if n <= 3 + ALPHA_FILLERS => format!("Citric acid. {}", NEAR_MISSES[(n - 4) % NEAR_MISSES.len()]),
            _ => return None,
        };
        Some(page(&format!("alpha {n}"), &body, &footer))
    }
}

/// Site beta: a small site whose listings share a handle with alpha's first
/// seller and an address with its third; its third listing shares only a phone
/// with its second.
fn beta(p: &str, _: usize) -> Option<Resp> {
    let body = match p {
        "/" => return Some(index(4)),
        "/p/1" => "Citric acid. Telegram: @Chem_Sup",
        "/p/2" => "N-Boc-4-piperidone. Pay to bitcoin:1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 or call +44 20 7031 3000",
        "/p/3" => "Office chairs. Tel: +44 (0)20 7031 3000",
        "/p/4" => "Tables. t.me/joinchat/xyz, Tel: 2024-05-12, 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3",
        _ => return None,
    };
    Some(page(p, body, "beta shop"))
}

fn job_text(a: &str, b: &str) -> String {
    format!(
        r#"[job]
name = "sellers"
rules = ["{rules}"]
bundled_rules = false

[crawl]
allow_private = true
per_host_interval_ms = 0
retry_base_ms = 20
timeout_ms = 5000

[[site]]
name = "alpha"
seeds = ["{a}/"]
listing = '^/p/'
country = "CN"

[[site]]
name = "beta"
seeds = ["{b}/"]
listing = '^/p/'
country = "gb"
"#,
        rules = fixture("test_rules.toml").display()
    )
}

/// `site/path` of a listing URL.
fn short(url: &str, a: &str, b: &str) -> String {
    url.replace(a, "alpha").replace(b, "beta")
}

/// Each cluster as (its listings as `site/path`, its identifiers as `kind:value`).
fn clusters(store: &Store, a: &str, b: &str) -> BTreeSet<(BTreeSet<String>, Vec<String>)> {
    store
        .seller_clusters()
        .unwrap()
        .iter()
        .map(|c| {
            let listings = c.listings.iter().map(|l| short(&l.url, a, b)).collect();
            let idents = c
                .identifiers
                .iter()
                .map(|s| format!("{}:{}", s.kind, s.value))
                .collect();
            (listings, idents)
        })
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn clusters_across_two_sites_and_two_runs() {
    let generation = Arc::new(AtomicUsize::new(1));
    let (sa, sb) = (serve(alpha(generation.clone())).await, serve(beta).await);
    let dir = tempfile::tempdir().unwrap();
    let job_path = dir.path().join("job.toml");
    std::fs::write(&job_path, job_text(&sa.base, &sb.base)).unwrap();
    let job = precwatch::config::Job::from_file(&job_path).unwrap();
    assert_eq!(job.sites[0].country.as_deref(), Some("CN"));
    assert_eq!(job.sites[1].country.as_deref(), Some("GB"));
    let db = dir.path().join("t.sqlite");
    let summary = crawl(&job, &db).await;
    assert_eq!(summary.listings, 3 + ALPHA_FILLERS as u64 + 4, "{}", summary.render());

    let store = Store::open(&db).unwrap();
    let want = BTreeSet::from([
        (
            set(&["alpha/p/1", "alpha/p/2", "beta/p/1"]),
            strings(&["phone:+8613812345678", "telegram:chem_sup", "whatsapp:+8613812345678"]),
        ),
        (
            set(&["alpha/p/3", "beta/p/2", "beta/p/3"]),
            strings(&["btc:1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "phone:+442070313000"]),
        ),
    ]);
    assert_eq!(clusters(&store, &sa.base, &sb.base), want);
    let report = store.seller_report().unwrap();
    assert_eq!(report.clusters[0].risk.as_str(), "high", "riskiest first");
    assert_eq!(report.clusters[0].sites, strings(&["alpha", "beta"]));
    assert_eq!(report.site_wide.len(), 1, "{:?}", report.site_wide);
    let sw = &report.site_wide[0];
    assert_eq!(
        (sw.site.as_str(), sw.kind.as_str(), sw.value.as_str()),
        ("alpha", "email", FOOTER)
    );
    assert_eq!((sw.listings, sw.site_listings), (22, 22));
    assert_eq!(
        query_i64(
            &db,
            &format!("SELECT COUNT(*) FROM sellers WHERE value = '{CHROME_ADDRESS}'")
        ),
        0,
        "the chrome's address is not the listing's"
    );

    // A second run: alpha's listing 2 has dropped its number, but what it
    // once showed still links it.
    generation.store(2, Ordering::SeqCst);
    crawl(&job, &db).await;
    assert_eq!(query_i64(&db, "SELECT COUNT(*) FROM runs"), 2);
    assert_eq!(clusters(&store, &sa.base, &sb.base), want);
    drop(store);

    check_sellers_command(dir.path(), &db, &sa.base, &sb.base);
    check_export(dir.path(), &db, &sa.base, &sb.base);
}

fn check_sellers_command(dir: &Path, db: &Path, a: &str, b: &str) {
    let dbs = db.to_str().unwrap();
    let out = precwatch(&["sellers", "--db", dbs, "--format", "json"], dir);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let report = Store::open(db).unwrap().seller_report().unwrap();
    assert_eq!(json, serde_json::to_value(&report).unwrap());
    let first = &json["clusters"][0];
    assert_eq!(first["risk"], "high");
    let urls: BTreeSet<String> = first["listings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| short(l["url"].as_str().unwrap(), a, b))
        .collect();
    assert_eq!(urls, set(&["alpha/p/1", "alpha/p/2", "beta/p/1"]));
    assert_eq!(json["site_wide"][0]["value"], FOOTER);

    let out = precwatch(&["sellers", "--db", dbs, "--format", "json", "--min-risk", "high"], dir);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["clusters"].as_array().unwrap().len(), 1);

    let out = precwatch(&["sellers", "--db", dbs], dir);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("2 seller clusters, 6 listings\n"), "{text}");
    assert!(text.contains("  telegram  chem_sup\n"), "{text}");
    assert!(text.contains("  sites: alpha, beta\n"), "{text}");
    assert!(
        text.contains(&format!("alpha  email: {FOOTER}  on 22 of 22 listings")),
        "{text}"
    );

    let out = precwatch(&["sellers", "--db", "absent.sqlite"], dir);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("absent.sqlite: no such database"), "{err}");
}

fn check_export(dir: &Path, db: &Path, a: &str, b: &str) {
    let out = precwatch(&["export", "--db", db.to_str().unwrap(), "--format", "jsonl"], dir);
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3 + ALPHA_FILLERS + 4);
    let mut by_cluster: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for l in &lines {
        for key in [
            "url",
            "site",
            "risk",
            "hits",
            "sellers",
            "evidence",
            "sha256",
            "fetched_at",
            "cluster",
        ] {
            assert!(l.get(key).is_some(), "missing {key} in {l}");
        }
        let url = short(l["url"].as_str().unwrap(), a, b);
        by_cluster
            .entry(l["cluster"].to_string())
            .or_default()
            .insert(url.clone());
        let sellers: Vec<String> = l["sellers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| format!("{}:{}", s["kind"].as_str().unwrap(), s["value"].as_str().unwrap()))
            .collect();
        let n: usize = url.rsplit('/').next().unwrap().parse().unwrap();
        if url.starts_with("alpha") && n > 3 {
            assert_eq!(sellers, vec![format!("email:{FOOTER}")], "{url}: near-misses stored");
            assert!(l["cluster"].is_null(), "{url}");
        }
        if url == "beta/p/4" {
            assert!(sellers.is_empty() && l["cluster"].is_null(), "{l}");
        }
        if url == "alpha/p/2" {
            assert_eq!(
                sellers,
                vec![format!("email:{FOOTER}")],
                "the current version lost its number"
            );
            assert!(l["cluster"].is_i64(), "but it is still clustered");
        }
    }
    let clustered: BTreeSet<BTreeSet<String>> = by_cluster
        .into_iter()
        .filter(|(k, _)| k != "null")
        .map(|(_, v)| v)
        .collect();
    assert_eq!(
        clustered,
        BTreeSet::from([
            set(&["alpha/p/1", "alpha/p/2", "beta/p/1"]),
            set(&["alpha/p/3", "beta/p/2", "beta/p/3"])
        ])
    );
    let out = precwatch(&["export", "--db", db.to_str().unwrap(), "--format", "csv"], dir);
    let csv = String::from_utf8(out.stdout).unwrap();
    // the columns are a contract: new ones only ever come at the end
    let header = csv.lines().next().unwrap();
    assert!(
        header.ends_with(",fetched_at,cluster,commodities,unlisted,id,review_status"),
        "{csv}"
    );
}
