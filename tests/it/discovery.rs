//! Targeted discovery against local marketplaces: a search endpoint in
//! English (results paged by a next link) and one in GBK (pages numbered in
//! the template), seller storefronts, a sitemap index with a gzipped
//! sitemap. A job with no seeds finds the flagged listings while fetching a
//! small fraction of the catalogue, sends each query once (also across a
//! resume), dedupes listings found by several queries, and reports per query.

use crate::util::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Products of the English marketplace: (id, title, seller). Only ids below
/// 200 are in its search index; 300 is only on its seller's storefront, 350
/// only in the sitemap.
fn catalogue() -> Vec<(u32, String, &'static str)> {
    let mut c: Vec<(u32, String, &'static str)> = (1..=199)
        .map(|i| (i, format!("Sodium chloride lot {i}"), "salty"))
        .collect();
    let special = [
        (
            7,
            "N-Phenethyl-4-piperidone (NPP) CAS 39742-60-4, safe delivery to Mexico",
            "acme",
        ),
        (8, "NPP powder 99% N-Phenethyl-4-piperidone", "acme"),
        (9, "1-Boc-4-piperidone CAS 79099-07-3 powder", "bolt"),
        (10, "4-Piperidone hydrochloride 25 kg", "bolt"),
        (11, "Piperidone reference standard", "bolt"),
    ];
    for (id, t, s) in special {
        c[id as usize - 1] = (id, t.to_string(), s);
    }
    c.push((
        300,
        "Acme special: N-Phenethyl-4-piperidone, safe delivery to Mexico".into(),
        "acme",
    ));
    c.push((
        350,
        "N-Phenethyl-4-piperidone bulk, safe delivery to Mexico".into(),
        "zed",
    ));
    c
}

fn page(title: &str, body: &str) -> Resp {
    Resp::html(format!(
        "<html><head><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>"
    ))
}

fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 3 <= b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    out
}

fn param<'a>(path: &'a str, key: &str) -> Option<&'a str> {
    let q = path.split_once('?')?.1;
    q.split('&')
        .find_map(|kv| kv.strip_prefix(key).and_then(|r| r.strip_prefix('=')))
}

/// The English marketplace: search (two results a page, `rel=next`),
/// products, storefronts, robots.txt naming a sitemap index.
fn english(gz_sitemap: Vec<u8>) -> impl Fn(&str, usize) -> Option<Resp> + Send + Sync + 'static {
    english_with(gz_sitemap, Arc::new(std::sync::atomic::AtomicBool::new(false)))
}

/// [`english`], where acme's store also lists product 301 once `more` is set.
fn english_with(
    gz_sitemap: Vec<u8>,
    more: Arc<std::sync::atomic::AtomicBool>,
) -> impl Fn(&str, usize) -> Option<Resp> + Send + Sync + 'static {
    let mut cat = catalogue();
    cat.push((
        301,
        "Acme new batch: N-Phenethyl-4-piperidone, safe delivery to Mexico".into(),
        "acme-later",
    ));
    move |path, _| {
        let seller_of = |s: &'static str| -> &'static str {
            if s == "acme-later" && more.load(Ordering::SeqCst) {
                "acme"
            } else {
                s
            }
        };
        if path.starts_with("/search?") {
            let q = String::from_utf8(percent_decode(param(path, "q")?))
                .ok()?
                .to_lowercase();
            let pg: usize = param(path, "page").and_then(|p| p.parse().ok()).unwrap_or(1);
            let hits: Vec<_> = cat
                .iter()
                .filter(|(id, t, _)| *id < 200 && t.to_lowercase().contains(&q))
                .collect();
            let mut body: String = hits
                .iter()
                .skip((pg - 1) * 2)
                .take(2)
                .map(|(id, t, _)| format!("<div class='r'><a href='/p/{id}'>{t}</a></div>"))
                .collect();
            if hits.len() > pg * 2 {
                body.push_str(&format!(
                    "<a rel='next' href='/search?q={}&page={}'>Next</a>",
                    param(path, "q")?,
                    pg + 1
                ));
            }
            return Some(page("Search results", &body));
        }
        if let Some(id) = path.strip_prefix("/p/").and_then(|i| i.parse::<u32>().ok()) {
            let (_, t, s) = cat.iter().find(|(i, _, _)| *i == id)?;
            return Some(page(
                t,
                &format!(
                    "<p>{t}. Purity 99%, MOQ 1 kg.</p><div class='supplier'>Supplier: <a href='/shop/{s}'>{s} Chemical Co</a></div>\
                     <a href='/p/{}'>Related product</a>",
                    (id % 199) + 1
                ),
            ));
        }
        if let Some(s) = path.strip_prefix("/shop/") {
            let links: String = cat
                .iter()
                .filter(|(_, _, seller)| seller_of(seller) == s)
                .map(|(id, t, _)| format!("<li><a href='/p/{id}'>{t}</a></li>"))
                .collect();
            return Some(page(&format!("{s} store"), &format!("<ul>{links}</ul>")));
        }
        match path {
            "/robots.txt" => Some(Resp::bytes(
                "text/plain",
                b"User-agent: *\nDisallow: /cart\nSitemap: /sitemap_index.xml\n".to_vec(),
            )),
            "/sitemap_index.xml" => Some(Resp::bytes(
                "application/xml",
                b"<?xml version='1.0'?><sitemapindex><sitemap><loc>/sm/products.xml.gz</loc></sitemap></sitemapindex>"
                    .to_vec(),
            )),
            "/sm/products.xml.gz" => Some(Resp::bytes("application/gzip", gz_sitemap.clone())),
            _ => None,
        }
    }
}

fn gz(text: &str) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(text.as_bytes()).unwrap();
    e.finish().unwrap()
}

/// A GBK marketplace: `/s?kw=GBK-bytes&p=N`, pages numbered.
fn gbk_market(path: &str, _: usize) -> Option<Resp> {
    let gbk = |html: String| Resp::bytes("text/html; charset=GBK", encoding_rs::GBK.encode(&html).0.into_owned());
    if path.starts_with("/s?") {
        let kw = encoding_rs::GBK
            .decode(&percent_decode(param(path, "kw")?))
            .0
            .into_owned();
        let p: u32 = param(path, "p")?.parse().ok()?;
        let body = if kw == "哌啶酮" && p == 1 {
            "<a href='/item/88.html'>N-苯乙基-4-哌啶酮</a>"
        } else {
            "没有结果"
        };
        return Some(gbk(format!(
            "<html><head><title>搜索</title></head><body>{body}</body></html>"
        )));
    }
    if path == "/item/88.html" {
        return Some(gbk(
            "<html><head><title>N-苯乙基-4-哌啶酮 CAS 39742-60-4</title></head><body><h1>N-苯乙基-4-哌啶酮</h1>\
             <p>纯度99%，安全清关</p></body></html>"
                .into(),
        ));
    }
    None
}

fn write_job(dir: &Path, en: &str, zh: &str, extra: &str) -> std::path::PathBuf {
    let text = format!(
        "[job]\nname = \"discover\"\nrules = [{rules:?}]\nbundled_rules = false\n\n\
         [crawl]\nallow_private = true\nper_host_interval_ms = 0\ntimeout_ms = 5000\n{extra}\n\n\
         [[site]]\nname = \"en\"\nlisting = '^/p/'\nsearch = \"{en}/search?q={{query}}\"\nsearch_pages = 3\n\
         queries = [\"piperidone\", \"39742-60-4\", \"NPP\", \"unobtainium\"]\nsitemaps = true\nfollow_sellers = true\n\n\
         [[site]]\nname = \"zh\"\nlisting = '^/item/'\nsearch = \"{zh}/s?kw={{query}}&p={{page}}\"\nsearch_pages = 2\n\
         encoding = \"gbk\"\nqueries = [\"哌啶酮\"]\n",
        rules = fixture("test_rules.toml").display().to_string()
    );
    let path = dir.join("job.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn listing_urls(db: &Path) -> Vec<String> {
    query_strings(db, "SELECT canonical_url FROM listings ORDER BY canonical_url")
}

fn paths(server: &TestServer) -> Vec<String> {
    server.requests().into_iter().map(|s| s.path).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_sitemaps_and_storefronts_find_the_flagged_listings() {
    let sitemap = "<urlset><url><loc>/p/350</loc></url><url><loc>/about.html</loc></url></urlset>";
    let en = serve(english(gz(sitemap))).await;
    let zh = serve(gbk_market).await;
    let dir = tempfile::tempdir().unwrap();
    let job_path = write_job(dir.path(), &en.base, &zh.base, "");

    // `queries` shows what will be sent, and sends nothing.
    let out = precwatch(
        &["queries", "--config", job_path.to_str().unwrap(), "--format", "json"],
        dir.path(),
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let q: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(q[0]["queries"].as_array().unwrap().len(), 4);
    assert_eq!(q[0]["queries"][1][1], format!("{}/search?q=39742-60-4", en.base));
    assert_eq!(
        q[1]["queries"][0][1],
        format!("{}/s?kw=%DF%DF%E0%A4%CD%AA&p=1", zh.base)
    );
    assert!(en.requests().is_empty() && zh.requests().is_empty());

    let job = precwatch::config::Job::from_file(&job_path).unwrap();
    let db = dir.path().join("d.sqlite");
    let summary = crawl(&job, &db).await;

    // Every query once; "piperidone" has 5 results: pages 1-3 by the next link (search_pages = 3).
    let sent: Vec<String> = paths(&en).into_iter().filter(|p| p.starts_with("/search")).collect();
    let mut sorted = sent.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), sent.len(), "no result page twice: {sent:?}");
    assert_eq!(
        sorted,
        [
            "/search?q=39742-60-4",
            "/search?q=NPP",
            "/search?q=piperidone",
            "/search?q=piperidone&page=2",
            "/search?q=piperidone&page=3",
            "/search?q=unobtainium",
        ]
    );
    // GBK: the query went out as GBK bytes, pages numbered 1 and 2.
    let zh_sent: Vec<String> = paths(&zh).into_iter().filter(|p| p.starts_with("/s?")).collect();
    assert_eq!(zh_sent.len(), 2, "{zh_sent:?}");
    assert!(
        zh_sent.iter().all(|p| p.starts_with("/s?kw=%DF%DF%E0%A4%CD%AA&p=")),
        "{zh_sent:?}"
    );

    // The listings: search results (deduplicated), the storefront's, the sitemap's; no chrome links.
    let urls = listing_urls(&db);
    let want: Vec<String> = ["/p/10", "/p/11", "/p/300", "/p/350", "/p/7", "/p/8", "/p/9"]
        .iter()
        .map(|p| format!("{}{p}", en.base))
        .chain([format!("{}/item/88.html", zh.base)])
        .collect();
    let mut want = want;
    want.sort();
    assert_eq!(urls, want);
    let product_pages = paths(&en).iter().filter(|p| p.starts_with("/p/")).count();
    assert!(
        product_pages <= 8,
        "a small fraction of the 201 products: {:?}",
        paths(&en)
    );
    assert!(paths(&en).iter().any(|p| p == "/sm/products.xml.gz"));
    assert!(
        paths(&en).iter().any(|p| p == "/shop/acme"),
        "the flagged listing's storefront: {:?}",
        paths(&en)
    );
    assert!(!paths(&en).iter().any(|p| p == "/shop/salty"));
    let flagged = query_i64(&db, "SELECT COUNT(*) FROM listings WHERE risk_rank >= 2");
    assert!(flagged >= 5, "{flagged}");

    // Per query: result pages, listings found (each listing counted once), hits.
    let stats: BTreeMap<String, (u64, u64)> = summary
        .queries
        .iter()
        .map(|q| (format!("{}:{}", q.site, q.query), (q.result_pages, q.listings)))
        .collect();
    assert_eq!(stats["en:piperidone"].0, 3, "{stats:?}");
    assert!(stats["en:piperidone"].1 >= 3, "9, 10 and 11 only it finds: {stats:?}");
    assert_eq!(stats["en:NPP"].0, 1);
    assert_eq!(stats["en:unobtainium"], (1, 0));
    let total: u64 = summary
        .queries
        .iter()
        .filter(|q| q.site == "en")
        .map(|q| q.listings)
        .sum();
    assert_eq!(total, 5, "7, 8, 9, 10, 11 once each across queries: {stats:?}");
    assert_eq!(stats["zh:哌啶酮"], (2, 1));
    assert!(summary.render().contains("search queries: 5"), "{}", summary.render());
    let runs = precwatch(
        &["runs", "--db", db.to_str().unwrap(), "--run", "1", "--format", "json"],
        dir.path(),
    );
    assert!(runs.status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_list_is_resumed_where_it_stopped() {
    let en = serve(english(gz("<urlset></urlset>"))).await;
    let zh = serve(gbk_market).await;
    let dir = tempfile::tempdir().unwrap();
    let job_path = write_job(
        dir.path(),
        &en.base,
        &zh.base,
        "concurrency = 1\nper_host_concurrency = 1",
    );
    let job = precwatch::config::Job::from_file(&job_path).unwrap();
    let db = dir.path().join("r.sqlite");

    // Stop the run after three search requests.
    let (tx, rx) = tokio::sync::watch::channel(false);
    let searches = Arc::new(AtomicUsize::new(0));
    let stopper = {
        let (searches, tx) = (searches.clone(), tx.clone());
        let log = en.log_handle();
        tokio::spawn(async move {
            loop {
                let n = log
                    .lock()
                    .unwrap()
                    .iter()
                    .filter(|s| s.path.starts_with("/search"))
                    .count();
                searches.store(n, Ordering::SeqCst);
                if n >= 3 {
                    let _ = tx.send(true);
                    return;
                }
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
        })
    };
    let rules = test_rules();
    let first = precwatch::crawl::run(&job, rules.clone(), &db, &Default::default(), rx)
        .await
        .unwrap();
    stopper.await.unwrap();
    assert!(first.interrupted);
    let before: Vec<String> = paths(&en).into_iter().filter(|p| p.starts_with("/search")).collect();
    assert!(before.len() < 6, "stopped in the middle: {before:?}");

    let (_tx2, rx2) = tokio::sync::watch::channel(false);
    let second = precwatch::crawl::run(&job, rules, &db, &Default::default(), rx2)
        .await
        .unwrap();
    assert!(second.resumed && !second.interrupted);
    let all: Vec<String> = paths(&en).into_iter().filter(|p| p.starts_with("/search")).collect();
    let mut dedup = all.clone();
    dedup.sort();
    dedup.dedup();
    assert_eq!(dedup.len(), all.len(), "no query sent twice across the resume: {all:?}");
    assert_eq!(all.len(), 6);
    assert_eq!(listing_urls(&db).len(), 7, "{:?} {:?}", listing_urls(&db), paths(&en));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn storefronts_are_read_again_in_later_runs() {
    let more = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let en = serve(english_with(gz("<urlset></urlset>"), more.clone())).await;
    let zh = serve(gbk_market).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.sqlite");
    let job = precwatch::config::Job::from_file(&write_job(dir.path(), &en.base, &zh.base, "")).unwrap();
    crawl(&job, &db).await;
    assert!(paths(&en).iter().any(|p| p == "/shop/acme"));
    assert!(!listing_urls(&db).iter().any(|u| u.ends_with("/p/301")));

    // Later, the seller lists a new offer that no query finds; the job now
    // searches for something absent, so only the known storefront leads to it.
    more.store(true, Ordering::SeqCst);
    let text = std::fs::read_to_string(dir.path().join("job.toml")).unwrap().replace(
        "queries = [\"piperidone\", \"39742-60-4\", \"NPP\", \"unobtainium\"]",
        "queries = [\"unobtainium\"]",
    );
    std::fs::write(dir.path().join("job.toml"), text).unwrap();
    let job = precwatch::config::Job::from_file(&dir.path().join("job.toml")).unwrap();
    crawl(&job, &db).await;
    assert!(
        listing_urls(&db).iter().any(|u| u.ends_with("/p/301")),
        "{:?}",
        listing_urls(&db)
    );
}
