//! robots.txt, Crawl-delay, Retry-After, backoff and host pauses.

use crate::util::*;
use std::time::Duration;

fn gaps(times: &[std::time::Instant]) -> Vec<Duration> {
    times.windows(2).map(|w| w[1] - w[0]).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn robots_disallow_and_crawl_delay_are_obeyed() {
    let server = serve(|p, _| {
        Some(match p {
            "/robots.txt" => Resp::bytes(
                "text/plain",
                b"User-agent: *\nDisallow: /private\nCrawl-delay: 0.4\n\nUser-agent: otherbot\nDisallow: /\n".to_vec(),
            ),
            "/" => Resp::html("<a href='/p/1'>1</a><a href='/private/p/2'>2</a><a href='/p/3'>3</a>"),
            "/p/1" | "/p/3" | "/private/p/2" => Resp::html("<h1>N-Phenethyl-4-piperidone</h1>"),
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
        "/p/",
        "per_host_interval_ms = 50\nuser_agent = \"precwatch-test/1.0 (+mailto:test@example.org)\"",
    )
    .await;
    assert_eq!(server.count("/private/p/2"), 0);
    assert_eq!(s.skipped_robots, 1, "{}", s.render());
    assert_eq!(
        query_strings(&db, "SELECT last_error FROM frontier WHERE status = 'skipped'"),
        vec!["disallowed by robots.txt"]
    );
    // Every request after robots.txt keeps the Crawl-delay gap (0.4 s > 50 ms configured).
    let reqs = server.requests();
    assert!(reqs.iter().all(|r| r.user_agent.starts_with("precwatch-test/1.0")));
    let times: Vec<_> = reqs.iter().map(|r| r.at).collect();
    for g in gaps(&times[1..]) {
        assert!(g >= Duration::from_millis(380), "gap {g:?} shorter than Crawl-delay");
    }
    assert_eq!(listings(&db).len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn transient_503_is_retried_then_stored() {
    let server = serve(|p, n| {
        Some(match p {
            "/" => Resp::html("<a href='/p/1'>1</a>"),
            "/p/1" if n <= 2 => Resp::status(503),
            "/p/1" => Resp::html("<h1>1-Boc-4-piperidone</h1>"),
            _ => return None,
        })
    })
    .await;
    let Crawled {
        dir: _dir,
        db,
        summary: s,
    } = crawl_site(&server.base, "^/p/", "retries = 3").await;
    assert_eq!(server.count("/p/1"), 3);
    assert_eq!(s.retries, 2, "{}", s.render());
    assert!(s.errors.is_empty(), "{}", s.render());
    assert_eq!(listings(&db).len(), 1);
    // Only the successful fetch is a page; the frontier remembers the attempts.
    assert_eq!(query_i64(&db, "SELECT COUNT(*) FROM pages WHERE url LIKE '%/p/1'"), 1);
    assert_eq!(
        query_i64(&db, "SELECT attempts FROM frontier WHERE url LIKE '%/p/1'"),
        3
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn retry_after_on_429_delays_the_host() {
    let server = serve(|p, n| {
        Some(match p {
            "/" => Resp::html("<a href='/p/1'>1</a><a href='/p/2'>2</a>"),
            "/p/1" if n == 1 => Resp::status(429).header("retry-after", "1"),
            "/p/1" | "/p/2" => Resp::html("<h1>x</h1>"),
            _ => return None,
        })
    })
    .await;
    let Crawled {
        dir: _dir,
        db,
        summary: s,
    } = crawl_site(&server.base, "^/p/", "").await;
    assert_eq!(s.retries, 1);
    let first_429 = server.times("/p/1")[0];
    // Nothing at all is asked of the host during the second it asked for.
    for r in server.requests().iter().filter(|r| r.at > first_429) {
        assert!(
            r.at - first_429 >= Duration::from_millis(950),
            "{} after {:?}",
            r.path,
            r.at - first_429
        );
    }
    assert_eq!(listings(&db).len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_host_that_keeps_failing_is_paused_and_reported() {
    let server = serve(|p, _| {
        Some(match p {
            "/" => Resp::html((0..30).map(|i| format!("<a href='/p/{i}'>{i}</a>")).collect::<String>()),
            "/robots.txt" => return None,
            _ => Resp::status(500),
        })
    })
    .await;
    let Crawled {
        dir: _dir,
        db,
        summary: s,
    } = crawl_site(&server.base, "^/p/", "retries = 1\nhost_failure_limit = 5").await;
    assert_eq!(s.hosts_paused.len(), 1, "{}", s.render());
    assert!(s.hosts_paused[0].1.contains("consecutive failures"), "{}", s.render());
    assert!(!s.complete);
    assert!(
        server.requests().len() < 20,
        "stopped asking: {}",
        server.requests().len()
    );
    assert_eq!(query_i64(&db, "SELECT paused FROM hosts"), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn every_redirect_hop_obeys_its_hosts_robots_and_interval() {
    // The other host: robots.txt with a Crawl-delay and a disallowed path.
    let other = serve(|p, _| {
        Some(match p {
            "/robots.txt" => Resp::bytes(
                "text/plain",
                b"User-agent: *\nCrawl-delay: 0.5\nDisallow: /private\n".to_vec(),
            ),
            "/p/2" => Resp::html("<h1>1-Boc-4-piperidone</h1>"),
            "/p/3" => Resp::status(302).header("location", "/private/3"),
            _ => Resp::html("<h1>private</h1>"),
        })
    })
    .await;
    let other_base = other.base.clone();
    let shop = serve(move |p, _| {
        Some(match p {
            "/" => Resp::html("<a href='/r1'>1</a><a href='/r2'>2</a><a href='/r3'>3</a>"),
            "/r1" => Resp::status(301).header("location", "/p/1"),
            "/p/1" => Resp::html("<h1>N-Phenethyl-4-piperidone</h1>"),
            "/r2" => Resp::status(302).header("location", &format!("{other_base}/p/2")),
            "/r3" => Resp::status(302).header("location", &format!("{other_base}/p/3")),
            _ => return None,
        })
    })
    .await;
    let Crawled {
        dir: _dir,
        db,
        summary: s,
    } = crawl_site(
        &shop.base,
        "^/(p|r)",
        "per_host_interval_ms = 300\nper_host_concurrency = 2\nconcurrency = 8",
    )
    .await;
    // Same host: the 301 and its target are two requests, an interval apart.
    let shop_times: Vec<_> = shop.requests().iter().map(|r| r.at).collect();
    for g in gaps(&shop_times) {
        assert!(g >= Duration::from_millis(290), "gap {g:?} on the first host");
    }
    // The other host: robots.txt first, then its Crawl-delay between requests.
    let reqs = other.requests();
    assert_eq!(reqs[0].path, "/robots.txt", "{reqs:?}");
    for g in gaps(&reqs.iter().map(|r| r.at).collect::<Vec<_>>()) {
        assert!(
            g >= Duration::from_millis(480),
            "gap {g:?} under the other host's Crawl-delay"
        );
    }
    assert_eq!(
        other.count("/private/3"),
        0,
        "a hop robots.txt disallows is not fetched"
    );
    assert_eq!(
        query_strings(&db, "SELECT last_error FROM frontier WHERE status = 'skipped'"),
        vec!["redirect target disallowed by robots.txt"]
    );
    let l = listings(&db);
    assert_eq!(l.len(), 2, "{l:?}\n{}", s.render());
    let hops = query_strings(&db, "SELECT redirects_json FROM pages WHERE final_url LIKE '%/p/2'");
    assert!(hops[0].contains("302") && hops[0].contains("/r2"), "{hops:?}");
}
