//! Messy and hostile servers: redirects and loops, traps, slow, huge and
//! compressed-bomb bodies, and addresses the crawler must refuse.

use crate::util::*;
use flate2::write::GzEncoder;
use precwatch::crawl::{Budget, FailureKind};
use std::io::Write;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread")]
async fn redirects_are_followed_and_recorded_and_loops_stopped() {
    let server = serve(|p, _| {
        Some(match p {
            "/" => Resp::html(
                "<a href='/old'>old</a> <a href='/loop-a'>loop</a> <a href='/chain/0'>chain</a> <a href='/p/ok'>ok</a>",
            ),
            "/old" => Resp::status(301).header("location", "/p/new"),
            "/p/new" => Resp::html("<h1>N-Phenethyl-4-piperidone</h1>"),
            "/loop-a" => Resp::status(302).header("location", "/loop-b"),
            "/loop-b" => Resp::status(302).header("location", "/loop-a"),
            p if p.starts_with("/chain/") => {
                let n: u32 = p[7..].parse().unwrap();
                Resp::status(302).header("location", &format!("/chain/{}", n + 1))
            }
            "/p/ok" => Resp::html("<h1>Sodium chloride</h1>"),
            _ => return None,
        })
    })
    .await;
    let Crawled {
        dir: _dir,
        db,
        summary: s,
    } = crawl_site(&server.base, "^/p/", "max_redirects = 5").await;
    assert_eq!(s.errors.get(&FailureKind::RedirectLoop), Some(&1), "{}", s.render());
    assert_eq!(s.errors.get(&FailureKind::TooManyRedirects), Some(&1), "{}", s.render());
    assert!(server.count("/chain/6") <= 1 && server.count("/chain/7") == 0);
    // The redirected listing is stored under its final URL with the hop recorded.
    let l = listings(&db);
    assert!(l.iter().any(|x| x.0.ends_with("/p/new") && x.1 == "medium"), "{l:?}");
    let r = query_strings(&db, "SELECT redirects_json FROM pages WHERE final_url LIKE '%/p/new'");
    assert!(r[0].contains("301") && r[0].contains("/old"), "{r:?}");
    let failed = query_strings(
        &db,
        "SELECT last_error FROM frontier WHERE status = 'failed' ORDER BY url",
    );
    assert!(failed.iter().any(|e| e.contains("redirect loop")), "{failed:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn calendar_trap_and_repeated_segments_are_bounded() {
    let server = serve(|p, _| {
        Some(if let Some(m) = p.strip_prefix("/calendar?month=") {
            let m: u32 = m.parse().unwrap_or(0);
            Resp::html(format!(
                "<a href='/calendar?month={}'>next</a><a href='/calendar?month={}&view=week'>week</a>",
                m + 1,
                m
            ))
        } else if p.starts_with("/a/") {
            Resp::html(format!("<a href='{p}a/'>deeper</a><a href='{p}b/'>b</a>"))
        } else if p == "/" {
            let long = "q".repeat(3000);
            Resp::html(format!(
                "<a href='/calendar?month=1'>cal</a><a href='/a/'>a</a><a href='/search?s={long}'>long</a>"
            ))
        } else {
            return None;
        })
    })
    .await;
    let Crawled {
        dir: _dir,
        db,
        summary: s,
    } = crawl_site(
        &server.base,
        "^/p/",
        "max_query_variants = 20\nmax_depth = 50\nmax_repeated_segments = 3",
    )
    .await;
    assert!(s.complete, "{}", s.render());
    let cal = query_i64(&db, "SELECT COUNT(*) FROM frontier WHERE url LIKE '%/calendar%'");
    assert_eq!(cal, 20, "{}", s.render());
    assert!(s.refused_links.get("query-variants").copied().unwrap_or(0) > 0);
    assert!(s.refused_links.get("repeated-segments").copied().unwrap_or(0) > 0);
    assert_eq!(s.refused_links.get("url-too-long"), Some(&1), "{}", s.render());
    for url in query_strings(&db, "SELECT url FROM frontier") {
        let path = url::Url::parse(&url).unwrap().path().to_string();
        for seg in ["a", "b"] {
            let n = path.split('/').filter(|s| *s == seg).count();
            assert!(n <= 3, "{url} repeats {seg} {n} times");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn slow_oversized_and_bomb_bodies_are_cut_and_the_crawl_goes_on() {
    let big = format!("<h1>N-Phenethyl-4-piperidone</h1>{}", "x".repeat(3 * 1024 * 1024));
    let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::best());
    for _ in 0..(200 * 1024) {
        gz.write_all(&[b' '; 1024]).unwrap(); // 200 MiB of spaces, about 200 KiB compressed
    }
    let bomb = gz.finish().unwrap();
    assert!(bomb.len() < 1024 * 1024);
    let server = serve(move |p, _| {
        Some(match p {
            "/" => Resp::html(
                "<a href='/p/slow'>s</a><a href='/p/big'>b</a><a href='/p/bomb'>x</a><a href='/p/fine'>f</a>",
            ),
            "/p/slow" => Resp::html("<h1>late</h1>").delay(Duration::from_secs(4)),
            "/p/big" => Resp::html(big.clone()),
            "/p/bomb" => Resp::bytes("text/html", bomb.clone()).header("content-encoding", "gzip"),
            "/p/fine" => Resp::html("<h1>1-Boc-4-piperidone</h1>"),
            _ => return None,
        })
    })
    .await;
    let Crawled {
        dir: _dir,
        db,
        summary: s,
    } = crawl_site(
        &server.base,
        "^/p/",
        "timeout_ms = 1000\nretries = 1\nmax_body_bytes = 1048576\nper_host_concurrency = 4",
    )
    .await;
    assert_eq!(s.errors.get(&FailureKind::GaveUp), Some(&1), "{}", s.render());
    assert_eq!(server.count("/p/slow"), 2, "one try and one retry");
    let sizes = query_strings(
        &db,
        "SELECT substr(url, -4) || ' ' || body_size || ' ' || truncated FROM pages WHERE url LIKE '%/p/%' ORDER BY url",
    );
    assert_eq!(sizes, vec!["/big 1048576 1", "bomb 1048576 1", "fine 27 0"]);
    let l = listings(&db);
    assert!(
        l.iter().any(|x| x.0.ends_with("/p/big") && x.1 == "medium"),
        "the cut page is still matched: {l:?}"
    );
    assert!(l.iter().any(|x| x.0.ends_with("/p/fine")));
}

#[tokio::test(flavor = "multi_thread")]
async fn private_addresses_are_refused_unless_allowed() {
    let server = serve(|p, _| shop_page(p)).await;
    let dir = tempfile::tempdir().unwrap();
    let (_, mut job) = job(dir.path(), &server.base, "^/p/", "");
    job.crawl.allow_private = false;
    let db = dir.path().join("t.sqlite");
    let s = crawl(&job, &db).await;
    assert_eq!(s.pages_fetched, 0);
    assert_eq!(server.requests().len(), 0, "nothing reached the server");
    assert_eq!(s.hosts_paused.len(), 1, "{}", s.render());
    assert!(s.hosts_paused[0].1.contains("not a public address"), "{}", s.render());
    // by name too: localhost resolves to loopback and is refused after resolution
    let named = server.base.replace("127.0.0.1", "localhost");
    let (_, mut job2) = crate::util::job(dir.path(), &named, "^/p/", "");
    job2.crawl.allow_private = false;
    job2.name = "named".into();
    let s = crawl(&job2, &db).await;
    assert_eq!(s.pages_fetched, 0);
    assert!(s.hosts_paused[0].1.contains("non-public"), "{}", s.render());
    assert_eq!(server.requests().len(), 0);
}

/// A crawl that must end: a hang is a failure, not a slow test.
async fn within<T>(what: &str, f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(120), f)
        .await
        .unwrap_or_else(|_| panic!("{what} did not finish"))
}

#[tokio::test(flavor = "multi_thread")]
async fn absurd_retry_after_pauses_that_host_and_the_others_are_stored() {
    let shop = serve(|p, _| shop_page(p)).await;
    // Both overflowed the old arithmetic: one panicked the scheduler, the
    // other wrapped below max_wait_ms and held the host for 5.8e8 years.
    let overflow = serve(|_, _| Some(Resp::status(503).header("retry-after", "9223372036854775808"))).await;
    let wraps = serve(|_, _| Some(Resp::status(429).header("retry-after", "18446744073709552"))).await;
    let dir = tempfile::tempdir().unwrap();
    let seeds = [&shop.base, &overflow.base, &wraps.base].map(|b| format!("{b}/"));
    let (_, job) = job_with_seeds(dir.path(), &seeds, "^/p/", "respect_robots = false");
    let db = dir.path().join("t.sqlite");
    let s = within("the crawl", crawl(&job, &db)).await;
    assert_eq!(
        listings(&db).len(),
        5,
        "the other host's pages are stored: {}",
        s.render()
    );
    assert_eq!(s.hosts_paused.len(), 2, "{}", s.render());
    assert!(
        s.hosts_paused.iter().all(|(_, why)| why.contains("max_wait_ms")),
        "{}",
        s.render()
    );
    assert_eq!(s.budgets.get(&Budget::MaxWaitMs), Some(&2), "{}", s.render());
    assert!(s.render().contains("max_wait_ms 2"), "{}", s.render());
    assert_eq!(
        (overflow.requests().len(), wraps.requests().len()),
        (1, 1),
        "asked once each"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_character_across_byte_1024_of_an_unlabelled_page_is_stored() {
    // No Content-Type: the first KiB is sniffed, and its end splits "é".
    let page = format!(
        "<html><body><p>{}{}</p><h1>N-Phenethyl-4-piperidone</h1></body></html>",
        "a".repeat(1008),
        "é".repeat(10)
    );
    assert!(!page.is_char_boundary(1024));
    let server = serve(move |p, _| {
        Some(match p {
            "/" => Resp::html("<a href='/p/1'>1</a>"),
            "/p/1" => Resp {
                headers: vec![],
                ..Resp::bytes("", page.clone().into_bytes())
            },
            _ => return None,
        })
    })
    .await;
    let c = within("the crawl", crawl_site(&server.base, "^/p/", "")).await;
    let l = listings(&c.db);
    assert_eq!(l.len(), 1, "{}", c.summary.render());
    assert_eq!(l[0].1, "medium", "{l:?}");
    assert!(c.summary.errors.is_empty(), "{}", c.summary.render());
}

#[tokio::test(flavor = "multi_thread")]
async fn attacker_sized_pages_are_cut_by_the_budgets_and_the_summary_names_them() {
    let name = "N-Phenethyl-4-piperidone";
    let dense = format!("<h1>{name}</h1><p>{}</p>", format!("{name} ").repeat(20_000));
    let deep = format!(
        "<h1>{name}</h1>{}deep text{}",
        "<div>".repeat(100_000),
        "</div>".repeat(100_000)
    );
    let emails: String = (0..80_000).map(|i| format!("seller{i}@example.com ")).collect();
    let ids = format!("<h1>{name}</h1><p>{emails}</p>");
    let links: String = (0..30_000).map(|i| format!("<a href='/x/{i}'>{i}</a>")).collect();
    let many_links = format!("<h1>{name}</h1>{links}");
    let server = serve(move |p, _| {
        Some(match p {
            "/" => Resp::html("<a href='/p/dense'>1</a><a href='/p/deep'>2</a><a href='/p/ids'>3</a><a href='/p/links'>4</a><a href='/p/fine'>5</a>"),
            "/p/dense" => Resp::html(dense.clone()),
            "/p/deep" => Resp::html(deep.clone()),
            "/p/ids" => Resp::html(ids.clone()),
            "/p/links" => Resp::html(many_links.clone()),
            "/p/fine" => Resp::html(format!("<h1>{name}</h1>")),
            _ => return None,
        })
    })
    .await;
    let c = within(
        "the crawl",
        crawl_site(
            &server.base,
            "^/p/",
            "max_pages = 10\nmax_hits_per_rule = 10\nmax_hits_per_listing = 50\nmax_identifiers_per_listing = 20\nmax_links_per_page = 1000\nmax_nesting_depth = 64",
        ),
    )
    .await;
    let s = &c.summary;
    for b in [
        Budget::MaxHitsPerRule,
        Budget::MaxNestingDepth,
        Budget::MaxIdentifiersPerListing,
        Budget::MaxLinksPerPage,
    ] {
        assert!(
            s.budgets.get(&b).is_some_and(|n| *n >= 1),
            "{b:?} not reported: {}",
            s.render()
        );
        assert!(s.render().contains(b.key()), "{}", s.render());
    }
    let l = listings(&c.db);
    assert_eq!(l.len(), 5, "every page is stored: {}", s.render());
    for (url, risk, hits) in &l {
        assert_eq!(risk, "medium", "{url}");
        assert!(!hits.is_empty() && hits.len() <= 10, "{url}: {} hits", hits.len());
    }
    let deep_text = query_strings(&c.db, "SELECT v.text FROM listing_versions v JOIN listings l ON l.id = v.listing_id WHERE l.canonical_url LIKE '%/p/deep'");
    assert!(deep_text[0].contains("deep text"), "flattened, not lost");
    assert_eq!(query_i64(&c.db, "SELECT COUNT(*) FROM listing_sellers"), 20);
    assert!(query_i64(&c.db, "SELECT COUNT(*) FROM frontier WHERE url LIKE '%/x/%'") <= 1000);
}

#[tokio::test(flavor = "multi_thread")]
async fn many_paused_hosts_make_a_bounded_summary() {
    // Seventy hosts that refuse: 127.0.0.2 to 127.0.0.71 on a port held
    // here on 127.0.0.1 only (other tests bind 127.0.0.1, so nothing can
    // start listening on those addresses meanwhile).
    let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = held.local_addr().unwrap().port();
    let hosts: Vec<String> = (2..72).map(|n| format!("127.0.0.{n}:{port}")).collect();
    let index: String = (0..hosts.len())
        .map(|i| format!("<a href=\"/p/{i}\">item {i}</a> "))
        .collect();
    let server = serve(move |p, _| match p {
        "/" => Some(Resp::html(format!("<html><body>{index}</body></html>"))),
        _ => {
            let i: usize = p.strip_prefix("/p/")?.parse().ok()?;
            Some(Resp::status(302).header("location", &format!("http://{}/x", hosts.get(i)?)))
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let (_, job) = job(
        dir.path(),
        &server.base,
        "^/p/",
        "retries = 0\nconnect_timeout_ms = 1000",
    );
    let db = dir.path().join("t.sqlite");
    let s = within("the crawl", crawl(&job, &db)).await;
    let paused = s.hosts_paused.len() as u64 + s.hosts_paused_more;
    assert_eq!(
        s.hosts_paused.len(),
        precwatch::crawl::summary::MAX_PAUSED_LISTED,
        "{}",
        s.render()
    );
    assert_eq!(paused, 70, "{}", s.render());
    assert!(s.render().contains("and 20 more hosts paused"), "{}", s.render());
    assert_eq!(
        query_i64(&db, "SELECT COUNT(*) FROM hosts WHERE paused = 1"),
        70,
        "every pause is stored"
    );
}
