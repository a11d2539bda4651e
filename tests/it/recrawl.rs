//! Re-crawls: a later run of the same job asks conditionally and counts a 304
//! as a sighting of the listing's current version.

use crate::util::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// The test shop, whose product pages carry an ETag (the `generation` they
/// were written in) and honour If-None-Match.
fn shop_with_etags(generation: Arc<AtomicUsize>, conditional: Arc<AtomicUsize>) -> impl Fn(&Incoming) -> Option<Resp> {
    move |req: &Incoming| {
        let (p, if_none_match) = (req.path.as_str(), req.header("if-none-match"));
        let resp = shop_page(p)?;
        if !p.starts_with("/p/") {
            return Some(resp);
        }
        // Product 2 changes in generation 2; the others never do.
        let g = if p == "/p/2.html" {
            generation.load(Ordering::SeqCst)
        } else {
            1
        };
        let etag = format!("\"{p}-{g}\"");
        if if_none_match.is_some() {
            conditional.fetch_add(1, Ordering::SeqCst);
        }
        if if_none_match == Some(etag.as_str()) {
            return Some(Resp {
                status: 304,
                headers: vec![("etag".into(), etag)],
                body: Vec::new(),
                ..Resp::default()
            });
        }
        let mut r = resp.header("etag", &etag);
        if g == 2 {
            r.body.extend_from_slice(b"<p>Now with 1-Boc-4-piperidone too</p>");
        }
        Some(r)
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_run_asks_conditionally_and_304_is_a_sighting() {
    let generation = Arc::new(AtomicUsize::new(1));
    let conditional = Arc::new(AtomicUsize::new(0));
    let server = serve_req(shop_with_etags(generation.clone(), conditional.clone())).await;
    let dir = tempfile::tempdir().unwrap();
    let (_, job) = job(dir.path(), &server.base, "^/p/", "");
    let db = dir.path().join("t.sqlite");
    let first = crawl(&job, &db).await;
    assert_eq!((first.listings_new, first.not_modified), (5, 0), "{}", first.render());
    assert_eq!(
        conditional.load(Ordering::SeqCst),
        0,
        "nothing to be conditional on yet"
    );

    generation.store(2, Ordering::SeqCst);
    let second = crawl(&job, &db).await;
    assert_eq!(second.not_modified, 4, "{}", second.render());
    assert_eq!(
        conditional.load(Ordering::SeqCst),
        5,
        "every listing URL asked conditionally"
    );
    assert_eq!(
        (second.listings, second.listings_new, second.listings_changed),
        (5, 0, 1),
        "{}",
        second.render()
    );
    let states = query_strings(
        &db,
        "SELECT state || ' ' || substr(canonical_url, -8) FROM listings ORDER BY canonical_url",
    );
    assert_eq!(
        states,
        [
            "unchanged p/1.html",
            "changed p/2.html",
            "unchanged p/3.html",
            "unchanged p/4.html",
            "unchanged p/5.html"
        ]
    );
    assert_eq!(
        query_i64(&db, "SELECT COUNT(*) FROM listing_versions"),
        6,
        "one new version, for the change"
    );
    assert_eq!(query_i64(&db, "SELECT COUNT(*) FROM sightings WHERE run_id = 2"), 5);
    assert_eq!(
        query_i64(
            &db,
            "SELECT COUNT(*) FROM pages WHERE run_id = 2 AND status_code = 304 AND body_sha256 IS NULL"
        ),
        4
    );
    // Export still shows the evidence of the version each listing holds.
    let l = listings(&db);
    assert!(l.iter().any(|x| x.0.ends_with("/p/1.html") && x.1 == "high"), "{l:?}");
}
