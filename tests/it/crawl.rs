//! A whole crawl against a real server: what is stored.

use crate::util::*;
use flate2::write::GzEncoder;
use std::io::Write;

#[tokio::test(flavor = "multi_thread")]
async fn crawl_stores_listings_hits_pages_and_links() {
    let server = serve(|p, _| shop_page(p)).await;
    let Crawled {
        dir: _dir,
        db,
        summary: s,
    } = crawl_site(&server.base, r"^/p/\d+\.html$", "").await;
    assert!(s.complete, "{}", s.render());
    // home, 2 category pages, 5 products (+ robots.txt, not a page)
    assert_eq!(s.pages_fetched, 8, "{}", s.render());
    assert_eq!(server.count("/robots.txt"), 1);
    let l = listings(&db);
    let urls: Vec<&str> = l.iter().map(|x| x.0.strip_prefix(&server.base).unwrap()).collect();
    assert_eq!(
        urls,
        vec!["/p/1.html", "/p/2.html", "/p/3.html", "/p/4.html", "/p/5.html"]
    );
    // p/1: NPP + Mexico tactic → high; text is "<title>\n<h1>\n<p>..."
    let p1 = &l[0];
    assert_eq!(p1.1, "high");
    assert!(p1.2.iter().any(|h| h.starts_with("t.npp@")), "{:?}", p1.2);
    assert!(p1.2.iter().any(|h| h.starts_with("t.mexico@")), "{:?}", p1.2);
    assert_eq!(l[1].1, "medium");
    assert_eq!(l[2].1, "none");
    // The script's NPP never produced a hit on the salt page.
    assert!(l[2].2.is_empty(), "{:?}", l[2].2);
    // Offsets point into the stored text.
    let text: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT v.text FROM listing_versions v JOIN listings l ON l.current_version_id = v.id WHERE l.canonical_url LIKE '%/p/1.html'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let (s0, e0): (usize, usize) = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT start, end FROM hits WHERE rule_id = 't.mexico'", [], |r| {
            Ok((r.get::<_, i64>(0)? as usize, r.get::<_, i64>(1)? as usize))
        })
        .unwrap();
    assert_eq!(&text[s0..e0], "safe delivery to Mexico");
    // mailto and off-site links were never queued; the tracking parameter and fragment were dropped.
    let urls = query_strings(&db, "SELECT url FROM frontier ORDER BY id");
    assert!(urls.iter().all(|u| u.starts_with(&server.base)), "{urls:?}");
    assert!(
        urls.iter().any(|u| u.ends_with("/p/3.html")) && !urls.iter().any(|u| u.contains("utm_") || u.contains('#'))
    );
    // Evidence: each page's body is stored and its hash matches.
    let bad = query_i64(
        &db,
        "SELECT COUNT(*) FROM pages p LEFT JOIN blobs b ON b.sha256 = p.body_sha256 WHERE b.sha256 IS NULL",
    );
    assert_eq!(bad, 0);
    let run_status = query_strings(&db, "SELECT status FROM runs");
    assert_eq!(run_status, vec!["finished"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_run_marks_unchanged_changed_and_gone() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let second = Arc::new(AtomicBool::new(false));
    let s2 = second.clone();
    let server = serve(move |p, _| {
        let later = s2.load(Ordering::SeqCst);
        match p {
            "/p/2.html" if later => Some(Resp::html(
                "<h1>1-Boc-4-piperidone</h1><p>Now with safe delivery to Mexico</p>",
            )),
            "/p/5.html" if later => None,
            _ => shop_page(p),
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let (_, job) = job(dir.path(), &server.base, r"^/p/\d+\.html$", "");
    let db = dir.path().join("t.sqlite");
    crawl(&job, &db).await;
    second.store(true, Ordering::SeqCst);
    let s = crawl(&job, &db).await;
    assert!(!s.resumed);
    let states = query_strings(
        &db,
        "SELECT substr(canonical_url, -8) || ' ' || state FROM listings ORDER BY canonical_url",
    );
    assert_eq!(
        states,
        vec![
            "p/1.html unchanged",
            "p/2.html changed",
            "p/3.html unchanged",
            "p/4.html unchanged",
            "p/5.html gone"
        ]
    );
    assert_eq!(query_i64(&db, "SELECT COUNT(*) FROM listing_versions"), 6);
    let risk = query_strings(&db, "SELECT v.risk FROM listings l JOIN listing_versions v ON v.id = l.current_version_id WHERE l.canonical_url LIKE '%p/2.html'");
    assert_eq!(risk, vec!["high"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn canonical_link_stores_one_listing_for_many_urls() {
    let server = serve(|p, _| {
        let page = "<html><head><link rel=canonical href='/item/7'></head><body><h1>N-Phenethyl-4-piperidone</h1></body></html>";
        Some(match p {
            "/" => Resp::html("<a href='/item/7'>a</a><a href='/item/7?ref=home'>b</a><a href='/item/7?from=search'>c</a>"),
            p if p.starts_with("/item/7") => Resp::html(page),
            _ => return None,
        })
    })
    .await;
    let Crawled {
        dir: _dir,
        db,
        summary: s,
    } = crawl_site(&server.base, "^/item/", "").await;
    assert_eq!(s.pages_fetched, 4);
    assert_eq!(query_i64(&db, "SELECT COUNT(*) FROM listings"), 1);
    assert_eq!(query_i64(&db, "SELECT COUNT(*) FROM listing_versions"), 1);
    assert_eq!(query_i64(&db, "SELECT COUNT(*) FROM sightings"), 3);
    assert_eq!(
        query_strings(&db, "SELECT canonical_url FROM listings"),
        vec![format!("{}/item/7", server.base)]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn gbk_page_declared_only_in_meta_is_decoded_and_matched() {
    let (body, _, _) = encoding_rs::GBK.encode("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"><title>供应</title></head><body><h1>N-苯乙基-4-哌啶酮</h1><p>安全清关，欢迎咨询</p></body></html>");
    let body = body.into_owned();
    let server = serve(move |p, _| match p {
        "/" => Some(Resp::html("<a href='/p/cn.html'>cn</a>")),
        "/p/cn.html" => Some(Resp::bytes("text/html", body.clone())),
        _ => None,
    })
    .await;
    let Crawled { dir: _dir, db, .. } = crawl_site(&server.base, "^/p/", "").await;
    let l = listings(&db);
    assert_eq!(l.len(), 1);
    assert_eq!(l[0].1, "high", "{:?}", l[0]);
    assert_eq!(
        query_strings(
            &db,
            "SELECT charset || '/' || charset_source FROM pages WHERE url LIKE '%cn.html'"
        ),
        vec!["GBK/meta"]
    );
    let text = query_strings(&db, "SELECT text FROM listing_versions");
    assert!(
        text[0].contains("N-苯乙基-4-哌啶酮") && text[0].contains("安全清关"),
        "{}",
        text[0]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn gzip_and_deflate_bodies_are_decoded() {
    let page = b"<h1>1-Boc-4-piperidone</h1><p>safe delivery to Mexico</p>";
    let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(page).unwrap();
    let gz = gz.finish().unwrap();
    let mut zl = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    zl.write_all(page).unwrap();
    let zl = zl.finish().unwrap();
    let server = serve(move |p, _| match p {
        "/" => Some(Resp::html("<a href='/p/gz'>z</a><a href='/p/deflate'>d</a>")),
        "/p/gz" => Some(Resp::bytes("text/html; charset=utf-8", gz.clone()).header("content-encoding", "gzip")),
        "/p/deflate" => Some(Resp::bytes("text/html; charset=utf-8", zl.clone()).header("content-encoding", "deflate")),
        _ => None,
    })
    .await;
    let Crawled { dir: _dir, db, .. } = crawl_site(&server.base, "^/p/", "").await;
    let l = listings(&db);
    assert_eq!(l.len(), 2);
    assert!(l.iter().all(|x| x.1 == "high"), "{l:?}");
    // The stored evidence is the decoded body.
    let sizes = query_strings(&db, "SELECT CAST(body_size AS TEXT) FROM pages WHERE url LIKE '%/p/%'");
    assert_eq!(sizes, vec![page.len().to_string(), page.len().to_string()]);
}

/// The shop's job file with `site_extra` added to its `[[site]]`.
fn job_with_site_keys(dir: &std::path::Path, base: &str, site_extra: &str) -> precwatch::config::Job {
    let (path, _) = job(dir, base, "^/(p|item)/", "");
    let text = std::fs::read_to_string(&path).unwrap() + site_extra;
    std::fs::write(&path, text).unwrap();
    precwatch::config::Job::from_file(&path).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_site_listing_id_makes_one_listing_of_one_offer_under_several_urls() {
    let page = |sku: &str, extra: &str| {
        Resp::html(format!(
            "<h1>N-Phenethyl-4-piperidone</h1><p class=sku>SKU {sku}</p><p>99% purity{extra}</p>"
        ))
    };
    let server = serve(move |p, _| {
        Some(match p {
            "/" => Resp::html(
                "<a href='/p/123/npp.html'>a</a><a href='/item/123.html'>b</a><a href='/p/124/npp.html'>c</a>",
            ),
            "/p/123/npp.html" => page("123", ""),
            "/item/123.html" => page("123", ", shipped from Qingdao"),
            "/p/124/npp.html" => page("124", ""),
            _ => return None,
        })
    })
    .await;
    // By a pattern on the URL.
    let dir = tempfile::tempdir().unwrap();
    let job = job_with_site_keys(dir.path(), &server.base, "id_pattern = '^/(?:p|item)/(\\d+)'\n");
    let db = dir.path().join("t.sqlite");
    let s = crawl(&job, &db).await;
    assert_eq!(s.listings, 2, "{}", s.render());
    assert_eq!(
        query_strings(&db, "SELECT listing_key FROM listings ORDER BY listing_key"),
        vec!["id:shop:123", "id:shop:124"]
    );
    // By a field on the page.
    let dir = tempfile::tempdir().unwrap();
    let job = job_with_site_keys(dir.path(), &server.base, "[site.fields]\nid = \".sku\"\n");
    let db = dir.path().join("t.sqlite");
    let s = crawl(&job, &db).await;
    assert_eq!(s.listings, 2, "{}", s.render());
    assert_eq!(
        query_strings(&db, "SELECT listing_key FROM listings ORDER BY listing_key"),
        vec!["id:shop:SKU 123", "id:shop:SKU 124"]
    );
}
