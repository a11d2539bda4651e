//! The scheduler's decisions, fed events with explicit times (no sleeping).

use super::*;

fn limits() -> Limits {
    Limits {
        concurrency: 8,
        per_host_concurrency: 1,
        max_pages: 0,
        respect_robots: true,
        host_failure_limit: 3,
        interval: Duration::from_secs(1),
        max_wait: Duration::from_secs(300),
        retries: 3,
        retry_base: Duration::from_secs(1),
    }
}

fn item(id: i64, url: &str) -> QueueItem {
    QueueItem {
        id,
        url: url.to_string(),
        site: "s".into(),
        depth: 0,
        attempts: 0,
        validators: None,
        via: crate::discovery::Via::crawl(),
    }
}

fn allow_all() -> Robots {
    Robots::from_response("precwatch", 404, b"")
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A scheduler with `urls` queued on their hosts (all from the database, no more left).
fn sched(l: Limits, urls: &[&str]) -> Scheduler {
    let mut s = Scheduler::new(l, 0);
    let mut by_host: BTreeMap<String, Vec<QueueItem>> = BTreeMap::new();
    for (i, u) in urls.iter().enumerate() {
        by_host
            .entry(crate::urls::url_host_key(u))
            .or_default()
            .push(item(i as i64 + 1, u));
    }
    for (h, items) in by_host {
        s.refilled(&h, items, REFILL_COUNT);
    }
    s
}

fn fetch_url(a: Option<Action>) -> String {
    match a {
        Some(Action::Fetch { request, .. }) => request.url,
        other => panic!("expected a fetch, got {other:?}"),
    }
}

/// Loads robots.txt (allow all) for the host `next` asks about.
fn load_robots(s: &mut Scheduler, now: Instant) -> String {
    match s.next(now) {
        Some(Action::Robots { host, .. }) => {
            assert_eq!(s.robots_loaded(&host, allow_all(), now), Effects::default());
            host
        }
        other => panic!("expected robots.txt first, got {other:?}"),
    }
}

#[test]
fn robots_first_then_one_request_per_interval() {
    let t0 = Instant::now();
    let mut s = sched(limits(), &["http://a/1", "http://a/2"]);
    let host = load_robots(&mut s, t0);
    assert_eq!(host, "a");
    // robots.txt was a request: the first page waits one interval after it.
    assert_eq!(s.next(t0 + ms(999)), None);
    assert_eq!(s.wake_at(t0 + ms(999)), Some(t0 + ms(1000)));
    let r1 = match s.next(t0 + ms(1000)) {
        Some(Action::Fetch { request, .. }) => request,
        other => panic!("{other:?}"),
    };
    assert_eq!(r1.url, "http://a/1");
    // One in flight per host, even when the interval has passed.
    assert_eq!(s.next(t0 + ms(5000)), None);
    s.page_done("a", r1, PageResult::Stored, t0 + ms(1100));
    assert_eq!(s.next(t0 + ms(1999)), None);
    assert_eq!(fetch_url(s.next(t0 + ms(2000))), "http://a/2");
}

#[test]
fn hosts_take_turns_and_concurrency_is_capped() {
    let t0 = Instant::now();
    let mut l = limits();
    l.respect_robots = false;
    l.interval = Duration::ZERO;
    l.per_host_concurrency = 2;
    l.concurrency = 3;
    let mut s = sched(
        l,
        &["http://a/1", "http://a/2", "http://a/3", "http://b/1", "http://b/2"],
    );
    let got: Vec<String> = (0..4).filter_map(|_| s.next(t0)).map(|a| fetch_url(Some(a))).collect();
    assert_eq!(
        got,
        ["http://a/1", "http://b/1", "http://a/2"],
        "turns, then the cap of 3"
    );
    assert_eq!(s.inflight(), 3);
}

#[test]
fn retry_after_holds_the_whole_host_and_the_retry_starts_over() {
    let t0 = Instant::now();
    let mut l = limits();
    l.respect_robots = false;
    l.interval = ms(100);
    let mut s = sched(l.clone(), &["http://a/1", "http://a/2"]);
    let r1 = match s.next(t0) {
        Some(Action::Fetch { request, .. }) => request,
        other => panic!("{other:?}"),
    };
    let d = l.retry(1, Some(Duration::from_secs(5)), 1.0);
    assert_eq!(
        d,
        RetryDecision::Retry {
            wait: Duration::from_secs(5),
            host_wait: Some(Duration::from_secs(5))
        }
    );
    let e = s.page_done(
        "a",
        r1,
        PageResult::Retry {
            wait: Duration::from_secs(5),
            host_wait: Some(Duration::from_secs(5)),
        },
        t0,
    );
    assert_eq!(e, Effects::default());
    s.release_due(t0 + ms(4999));
    assert_eq!(s.next(t0 + ms(4999)), None, "the other page waits too");
    s.release_due(t0 + ms(5000));
    let r = match s.next(t0 + ms(5000)) {
        Some(Action::Fetch { request, .. }) => request,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        (r.url.as_str(), r.item.attempts),
        ("http://a/1", 1),
        "the retry goes first"
    );
}

#[test]
fn absurd_retry_after_pauses_instead_of_overflowing() {
    let l = limits();
    for asked in [
        Duration::from_secs(301),
        Duration::from_secs(9_223_372_036_854_775_808),
        Duration::MAX,
    ] {
        assert_eq!(l.retry(1, Some(asked), 1.0), RetryDecision::TooLong { asked });
    }
    let t0 = Instant::now();
    assert!(later(t0, Duration::MAX) > t0, "saturates instead of panicking");
    let mut s = sched(l, &["http://a/1"]);
    // Even an event carrying an enormous wait cannot overflow the clock.
    let _ = load_robots(&mut s, t0);
    let r = match s.next(t0 + ms(1000)) {
        Some(Action::Fetch { request, .. }) => request,
        other => panic!("{other:?}"),
    };
    s.page_done(
        "a",
        r,
        PageResult::Retry {
            wait: Duration::MAX,
            host_wait: Some(Duration::MAX),
        },
        t0,
    );
    assert!(s.wake_at(t0).unwrap() > t0 + Duration::from_secs(86_400));
}

#[test]
fn backoff_doubles_with_a_ceiling_and_retries_run_out() {
    let l = limits();
    let waits: Vec<RetryDecision> = (1..=4).map(|a| l.retry(a, None, 1.0)).collect();
    assert_eq!(
        waits,
        vec![
            RetryDecision::Retry {
                wait: Duration::from_secs(1),
                host_wait: None
            },
            RetryDecision::Retry {
                wait: Duration::from_secs(2),
                host_wait: None
            },
            RetryDecision::Retry {
                wait: Duration::from_secs(4),
                host_wait: None
            },
            RetryDecision::GiveUp,
        ]
    );
    assert_eq!(backoff(Duration::from_secs(1), 30, 1.0), Duration::from_secs(60));
    assert_eq!(backoff(Duration::MAX, 5, 1.5), Duration::from_secs(90));
}

#[test]
fn consecutive_failures_pause_the_host_and_its_pages_stay_queued() {
    let t0 = Instant::now();
    let mut l = limits();
    l.respect_robots = false;
    l.interval = Duration::ZERO;
    let mut s = sched(
        l,
        &["http://a/1", "http://a/2", "http://a/3", "http://a/4", "http://b/1"],
    );
    let mut paused = None;
    let mut failures = 0;
    while paused.is_none() {
        match s.next(t0) {
            Some(Action::Fetch { host, request }) if host == "a" => {
                failures += 1;
                paused = s.page_done("a", request, PageResult::Failed { pause: None }, t0).paused;
            }
            Some(Action::Fetch { host, request }) => {
                s.page_done(&host, request, PageResult::Stored, t0);
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(failures, 3);
    assert_eq!(paused, Some(("a".to_string(), "3 consecutive failures".to_string())));
    while let Some(a) = s.next(t0) {
        match a {
            Action::Fetch { host, request } => {
                assert_ne!(host, "a", "a paused host gets no more requests");
                s.page_done(&host, request, PageResult::Stored, t0);
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(s.finished());
}

#[test]
fn page_cap_stops_starting_requests() {
    let t0 = Instant::now();
    let mut l = limits();
    l.respect_robots = false;
    l.interval = Duration::ZERO;
    l.max_pages = 2;
    l.concurrency = 8;
    let mut s = sched(l, &["http://a/1", "http://b/1", "http://c/1"]);
    let a = s.next(t0).unwrap();
    let b = s.next(t0).unwrap();
    assert_eq!(s.next(t0), None, "two in flight already fill the cap");
    for action in [a, b] {
        let Action::Fetch { host, request } = action else {
            panic!()
        };
        s.page_done(&host, request, PageResult::Stored, t0);
    }
    assert_eq!(s.fetched(), 2);
    assert!(s.finished());
}

#[test]
fn redirect_hops_wait_for_their_hosts_robots_and_interval() {
    let t0 = Instant::now();
    let mut s = sched(limits(), &["http://a/old"]);
    load_robots(&mut s, t0);
    let r = match s.next(t0 + ms(1000)) {
        Some(Action::Fetch { request, .. }) => request,
        other => panic!("{other:?}"),
    };
    // Same host: the hop waits one interval after the request that answered 301.
    let mut hop = r.clone();
    hop.redirects.push((301, hop.url.clone()));
    hop.url = "http://a/new".into();
    s.page_done("a", r, PageResult::Redirect(Box::new(hop.clone())), t0 + ms(1010));
    assert_eq!(s.next(t0 + ms(1999)), None);
    let same = match s.next(t0 + ms(2000)) {
        Some(Action::Fetch { request, .. }) => request,
        other => panic!("{other:?}"),
    };
    assert_eq!(same, hop);
    // Another host: its robots.txt first, then the hop.
    let mut hop2 = same.clone();
    hop2.redirects.push((302, hop2.url.clone()));
    hop2.url = "http://b/x".into();
    s.page_done("a", same, PageResult::Redirect(Box::new(hop2.clone())), t0 + ms(2010));
    match s.next(t0 + ms(2010)) {
        Some(Action::Robots { host, .. }) => {
            assert_eq!(host, "b");
            s.robots_loaded(
                &host,
                Robots::from_response("precwatch", 200, b"User-agent: *\nDisallow: /x\n"),
                t0 + ms(2020),
            );
        }
        other => panic!("{other:?}"),
    }
    match s.next(t0 + ms(3020)) {
        Some(Action::Skip { host, request }) => {
            assert_eq!(
                (host.as_str(), request),
                ("b", hop2),
                "the other host's robots.txt applies to the hop"
            )
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_hop_to_a_paused_host_fails_its_entry() {
    let t0 = Instant::now();
    let mut l = limits();
    l.respect_robots = false;
    l.interval = Duration::ZERO;
    let mut s = sched(l, &["http://a/1", "http://b/1"]);
    s.pause("b", "robots.txt answered 503");
    let r = fetch_url_req(s.next(t0));
    let mut hop = r.clone();
    hop.redirects.push((301, r.url.clone()));
    hop.url = "http://b/2".into();
    let e = s.page_done("a", r, PageResult::Redirect(Box::new(hop.clone())), t0);
    assert_eq!(e.failed.len(), 1);
    assert_eq!(e.failed[0].0, hop);
    assert!(e.failed[0].1.contains("503"), "{:?}", e.failed);
    assert!(s.finished());
}

fn fetch_url_req(a: Option<Action>) -> Request {
    match a {
        Some(Action::Fetch { request, .. }) => request,
        other => panic!("expected a fetch, got {other:?}"),
    }
}

#[test]
fn crawl_delay_raises_the_interval_or_pauses_when_too_long() {
    let t0 = Instant::now();
    let mut s = sched(limits(), &["http://a/1", "http://a/2", "http://b/1"]);
    let Some(Action::Robots { host, .. }) = s.next(t0) else {
        panic!()
    };
    let r = Robots::from_response("precwatch", 200, b"User-agent: *\nCrawl-delay: 3\n");
    assert_eq!(s.robots_loaded(&host, r, t0), Effects::default());
    let Some(Action::Robots { host: hb, .. }) = s.next(t0) else {
        panic!()
    };
    let r = Robots::from_response("precwatch", 200, b"User-agent: *\nCrawl-delay: 100000\n");
    let e = s.robots_loaded(&hb, r, t0);
    assert_eq!(e.paused.map(|p| p.0), Some("b".to_string()));
    assert_eq!(s.next(t0 + ms(2999)), None);
    let r1 = fetch_url_req(s.next(t0 + ms(3000)));
    s.page_done("a", r1, PageResult::Stored, t0 + ms(3000));
    assert_eq!(s.next(t0 + ms(5999)), None);
    assert_eq!(fetch_url(s.next(t0 + ms(6000))), "http://a/2");
}

#[test]
fn refills_until_the_database_has_no_more() {
    let mut s = Scheduler::new(limits(), 0);
    s.add_host("a");
    assert_eq!(s.refills(), vec![("a".to_string(), 0)]);
    let full: Vec<QueueItem> = (1..=REFILL_COUNT as i64)
        .map(|i| item(i, &format!("http://a/{i}")))
        .collect();
    s.refilled("a", full, REFILL_COUNT);
    assert!(s.refills().is_empty(), "the queue is full");
    assert!(!s.finished());
    let mut s = Scheduler::new(limits(), 0);
    s.add_host("a");
    s.refilled("a", vec![], REFILL_COUNT);
    assert!(s.refills().is_empty());
    assert!(s.finished(), "nothing queued and the database has no more");
    s.new_links(&["a".to_string()]);
    assert_eq!(s.refills(), vec![("a".to_string(), 0)], "new links: look again");
}

#[test]
fn stopping_lets_requests_in_flight_finish() {
    let t0 = Instant::now();
    let mut l = limits();
    l.respect_robots = false;
    let mut s = sched(l, &["http://a/1", "http://b/1"]);
    let r = fetch_url_req(s.next(t0));
    s.stop();
    assert_eq!(s.next(t0), None);
    assert!(!s.finished(), "one in flight");
    s.page_done("a", r, PageResult::Stored, t0);
    assert!(s.finished());
}
