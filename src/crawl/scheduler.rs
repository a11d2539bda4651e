//! Scheduling decisions, with no clock and no I/O.
//!
//! The [`Scheduler`] keeps per-host state (a bounded queue refilled from the
//! database, retries waiting for their backoff, the time the host may next be
//! asked, requests in flight, robots.txt, consecutive failures, pause) and
//! decides what to start next. The engine feeds it events (a page stored, a
//! redirect to follow, a retry, robots.txt loaded) together with the current
//! time, performs the [`Action`]s it returns and persists the [`Paused`]
//! effects. Because time is an argument, every decision is unit-tested by
//! feeding events, without sleeping.
//!
//! Invariants:
//! - At most `concurrency` requests in flight, at most `per_host_concurrency`
//!   per host, and request starts to one host at least `interval` apart
//!   (`max(per_host_interval_ms, Crawl-delay)`, pushed out by Retry-After).
//!   Every redirect hop is a request to its own host under the same rules.
//! - No wait is longer than `max_wait`: a host asking for more is paused.
//! - Time arithmetic saturates: no server value can overflow an `Instant`.
//! - Memory is bounded by the number of hosts: a host's queue holds at most
//!   about `REFILL_BELOW + REFILL_COUNT` requests plus its retries.

use crate::fetch::robots::Robots;
use crate::store::QueueItem;
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A host's queue is refilled from the database when it falls below this.
pub(crate) const REFILL_BELOW: usize = 64;
/// Entries read from the database per refill.
pub(crate) const REFILL_COUNT: usize = 256;

/// The job's politeness and limits, as the scheduler needs them.
#[derive(Debug, Clone)]
pub(crate) struct Limits {
    pub concurrency: usize,
    pub per_host_concurrency: usize,
    /// 0 = no limit.
    pub max_pages: u64,
    pub respect_robots: bool,
    pub host_failure_limit: u32,
    pub interval: Duration,
    pub max_wait: Duration,
    pub retries: u32,
    pub retry_base: Duration,
}

impl Limits {
    pub(crate) fn from_settings(c: &crate::config::CrawlSettings) -> Limits {
        Limits {
            concurrency: c.concurrency,
            per_host_concurrency: c.per_host_concurrency,
            max_pages: c.max_pages,
            respect_robots: c.respect_robots,
            host_failure_limit: c.host_failure_limit,
            interval: Duration::from_millis(c.per_host_interval_ms),
            max_wait: Duration::from_millis(c.max_wait_ms),
            retries: c.retries,
            retry_base: Duration::from_millis(c.retry_base_ms),
        }
    }
}

/// `now + d`, saturating far in the future instead of overflowing.
pub(crate) fn later(now: Instant, d: Duration) -> Instant {
    now.checked_add(d)
        .or_else(|| now.checked_add(Duration::from_secs(100 * 365 * 86_400)))
        .unwrap_or(now)
}

/// What to do about a transient failure (timeout, reset, 5xx, 429).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RetryDecision {
    /// Try again after `wait`; `host_wait` (a Retry-After) also holds the whole host.
    Retry {
        wait: Duration,
        host_wait: Option<Duration>,
    },
    /// Out of retries.
    GiveUp,
    /// The server asked to wait longer than `max_wait`: pause the host.
    TooLong { asked: Duration },
}

impl Limits {
    /// Decides about the `attempt`-th try (1-based) that failed transiently.
    /// `retry_after` is the server's Retry-After; `jitter` in [0.5, 1.5)
    /// spreads backoffs (the caller draws it, so tests can fix it).
    pub(crate) fn retry(&self, attempt: u32, retry_after: Option<Duration>, jitter: f64) -> RetryDecision {
        if let Some(asked) = retry_after.filter(|w| *w > self.max_wait) {
            return RetryDecision::TooLong { asked };
        }
        if attempt > self.retries {
            return RetryDecision::GiveUp;
        }
        let wait = retry_after.unwrap_or_else(|| backoff(self.retry_base, attempt.saturating_sub(1), jitter));
        RetryDecision::Retry {
            wait: wait.min(self.max_wait),
            host_wait: retry_after,
        }
    }
}

/// Exponential backoff: `base · 2^retry`, at most a minute, times `jitter`.
fn backoff(base: Duration, retry: u32, jitter: f64) -> Duration {
    let exp = base.saturating_mul(1u32 << retry.min(10)).min(Duration::from_secs(60));
    exp.mul_f64(jitter.clamp(0.0, 2.0))
}

/// A request to make: a frontier entry, or a redirect hop on the way to it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Request {
    /// The frontier entry this request serves.
    pub item: QueueItem,
    /// The URL to fetch now: the entry's own URL or a redirect target.
    pub url: String,
    /// Redirect hops so far: (status, from URL).
    pub redirects: Vec<(u16, String)>,
}

impl Request {
    /// The first request of a frontier entry.
    pub(crate) fn new(item: QueueItem) -> Request {
        Request {
            url: item.url.clone(),
            item,
            redirects: Vec::new(),
        }
    }

    /// Back to the entry's own URL, one attempt more (a retry starts over).
    fn restart(self) -> Request {
        let mut item = self.item;
        item.attempts = item.attempts.saturating_add(1);
        Request::new(item)
    }

    fn is_hop(&self) -> bool {
        !self.redirects.is_empty()
    }
}

/// What the engine should start.
#[derive(Debug, PartialEq)]
pub(crate) enum Action {
    /// Fetch robots.txt of `host` (`url` is any URL on it; `site` is the
    /// site of the entry waiting for it, whose proxy is used).
    Robots { host: String, url: String, site: String },
    /// Fetch a request.
    Fetch { host: String, request: Request },
    /// Record the entry as skipped (robots.txt disallows the URL) without fetching.
    Skip { host: String, request: Request },
}

/// How a request ended, as the scheduler needs to know it.
#[derive(Debug)]
pub(crate) enum PageResult {
    /// A response was stored (any status).
    Stored,
    /// A conditional request answered 304: stored as a sighting.
    NotModified,
    /// A redirect to follow: the next hop, already checked against loops and the cap.
    Redirect(Box<Request>),
    /// A transient failure that will be retried.
    Retry {
        wait: Duration,
        host_wait: Option<Duration>,
    },
    /// The entry failed; `pause` asks to pause the host that answered.
    Failed { pause: Option<String> },
    /// The entry was skipped (robots.txt).
    Skipped,
}

/// What an event changed that the engine must carry out: record a pause,
/// and fail entries that cannot go on.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Effects {
    /// A host paused by this event, and why.
    pub paused: Option<(String, String)>,
    /// Requests that cannot go on (a redirect hop whose host is paused), and why.
    pub failed: Vec<(Request, String)>,
}

enum RobotsState {
    Unknown,
    Pending,
    Known(Arc<Robots>),
}

impl std::fmt::Debug for RobotsState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            RobotsState::Unknown => "Unknown",
            RobotsState::Pending => "Pending",
            RobotsState::Known(_) => "Known",
        })
    }
}

#[derive(Debug)]
struct HostState {
    queue: VecDeque<Request>,
    delayed: Vec<(Instant, Request)>,
    cursor: i64,
    db_maybe_more: bool,
    next_ready: Option<Instant>,
    inflight: usize,
    robots: RobotsState,
    interval: Duration,
    failures: u32,
    paused: Option<String>,
}

impl HostState {
    fn new(interval: Duration, from_db: bool) -> Self {
        HostState {
            queue: VecDeque::new(),
            delayed: Vec::new(),
            cursor: 0,
            db_maybe_more: from_db,
            next_ready: None,
            inflight: 0,
            robots: RobotsState::Unknown,
            interval,
            failures: 0,
            paused: None,
        }
    }

    fn ready(&self, now: Instant, limits: &Limits) -> bool {
        self.paused.is_none()
            && !matches!(self.robots, RobotsState::Pending)
            && self.inflight < limits.per_host_concurrency
            && !self.queue.is_empty()
            && self.next_ready.is_none_or(|t| t <= now)
    }

    fn idle(&self) -> bool {
        self.inflight == 0
            && !matches!(self.robots, RobotsState::Pending)
            && (self.paused.is_some() || (self.queue.is_empty() && self.delayed.is_empty() && !self.db_maybe_more))
    }
}

/// Per-host politeness and the order requests start in. See the module docs.
#[derive(Debug)]
pub(crate) struct Scheduler {
    limits: Limits,
    hosts: BTreeMap<String, HostState>,
    /// Round-robin order of hosts and where the next search starts.
    order: Vec<String>,
    cursor: usize,
    inflight: usize,
    /// Pages stored by the run (including before a resume), for `max_pages`.
    fetched: u64,
    stopping: bool,
    /// A host's queue is refilled below this many requests
    /// ([`REFILL_BELOW`]; fewer in a shared run, so workers share a host's entries).
    refill_below: usize,
}

impl Scheduler {
    /// A scheduler for a run that has already stored `fetched` pages.
    pub(crate) fn new(limits: Limits, fetched: u64) -> Scheduler {
        Scheduler {
            limits,
            hosts: BTreeMap::new(),
            order: Vec::new(),
            cursor: 0,
            inflight: 0,
            fetched,
            stopping: false,
            refill_below: REFILL_BELOW,
        }
    }

    /// Refill a host's queue only below `n` requests (a shared run keeps few
    /// entries of a host in hand, so the other workers get theirs).
    pub(crate) fn set_refill_below(&mut self, n: usize) {
        self.refill_below = n.max(1);
    }

    /// Registers a host whose queued entries are in the database.
    pub(crate) fn add_host(&mut self, host: &str) {
        if let Some(st) = self.hosts.get_mut(host) {
            st.db_maybe_more = true;
        } else {
            self.insert_host(host, true);
        }
    }

    fn insert_host(&mut self, host: &str, from_db: bool) -> &mut HostState {
        if !self.hosts.contains_key(host) {
            self.order.push(host.to_string());
        }
        let interval = self.limits.interval;
        self.hosts
            .entry(host.to_string())
            .or_insert_with(|| HostState::new(interval, from_db))
    }

    /// Requests in flight.
    pub(crate) fn inflight(&self) -> usize {
        self.inflight
    }

    /// Pages stored by the run so far.
    pub(crate) fn fetched(&self) -> u64 {
        self.fetched
    }

    /// Pages the whole run stored, as the database counts them (a shared
    /// run's other workers' included), so `max_pages` holds for the run.
    pub(crate) fn saw_fetched(&mut self, run_total: u64) {
        self.fetched = self.fetched.max(run_total);
    }

    /// True when `max_pages` is reached.
    pub(crate) fn capped(&self) -> bool {
        self.page_cap_reached(0)
    }

    /// The gap between request starts to `host` now (the job's interval, or
    /// the host's Crawl-delay when longer).
    pub(crate) fn interval(&self, host: &str) -> Duration {
        self.hosts.get(host).map_or(self.limits.interval, |h| h.interval)
    }

    /// Stops starting requests; those in flight still finish.
    pub(crate) fn stop(&mut self) {
        self.stopping = true;
    }

    fn page_cap_reached(&self, extra: usize) -> bool {
        self.limits.max_pages > 0 && self.fetched.saturating_add(extra as u64) >= self.limits.max_pages
    }

    /// Moves retries whose backoff has passed to the front of their host's queue.
    pub(crate) fn release_due(&mut self, now: Instant) {
        for st in self.hosts.values_mut().filter(|s| s.paused.is_none()) {
            let mut i = 0;
            while i < st.delayed.len() {
                if st.delayed[i].0 <= now {
                    let (_, r) = st.delayed.swap_remove(i);
                    st.queue.push_front(r);
                } else {
                    i += 1;
                }
            }
        }
    }

    /// Hosts whose queue runs low and whose database rows may hold more:
    /// (host, id cursor) to read up to [`REFILL_COUNT`] entries after.
    pub(crate) fn refills(&self) -> Vec<(String, i64)> {
        self.hosts
            .iter()
            .filter(|(_, s)| s.paused.is_none() && s.db_maybe_more && s.queue.len() < self.refill_below)
            .map(|(h, s)| (h.clone(), s.cursor))
            .collect()
    }

    /// Entries read from the database for `host`; fewer than `asked` means none are left.
    pub(crate) fn refilled(&mut self, host: &str, items: Vec<QueueItem>, asked: usize) {
        let st = self.insert_host(host, true);
        if items.len() < asked {
            st.db_maybe_more = false;
        }
        if let Some(last) = items.last() {
            st.cursor = last.id;
        }
        st.queue.extend(items.into_iter().map(Request::new));
    }

    /// New frontier entries were stored for these hosts.
    pub(crate) fn new_links(&mut self, hosts: &[String]) {
        for h in hosts {
            self.add_host(h);
        }
    }

    /// The next request to start, if any host may be asked now. Hosts take
    /// turns; robots.txt comes before a host's first page.
    pub(crate) fn next(&mut self, now: Instant) -> Option<Action> {
        if self.stopping || self.inflight >= self.limits.concurrency || self.page_cap_reached(self.inflight) {
            return None;
        }
        let n = self.order.len();
        let idx = (0..n)
            .map(|i| (self.cursor + i) % n)
            .find(|&i| self.hosts[&self.order[i]].ready(now, &self.limits))?;
        self.cursor = idx + 1;
        let host = self.order[idx].clone();
        let limits = &self.limits;
        let st = self.hosts.get_mut(&host).expect("host in order");
        st.inflight += 1;
        self.inflight += 1;
        if limits.respect_robots && matches!(st.robots, RobotsState::Unknown) {
            st.robots = RobotsState::Pending;
            st.next_ready = Some(later(now, st.interval));
            let (url, site) = (st.queue[0].url.clone(), st.queue[0].item.site.clone());
            return Some(Action::Robots { host, url, site });
        }
        let request = st.queue.pop_front().expect("ready host has a request");
        if let RobotsState::Known(r) = &st.robots {
            if !r.allowed(&request.url) {
                return Some(Action::Skip { host, request });
            }
        }
        st.next_ready = Some(later(now, st.interval));
        Some(Action::Fetch { host, request })
    }

    /// When the next request could start (None: only a finishing task can
    /// make progress). The engine sleeps until then or until a task reports.
    pub(crate) fn wake_at(&self, now: Instant) -> Option<Instant> {
        let phc = self.limits.per_host_concurrency;
        self.hosts
            .values()
            .filter(|h| h.paused.is_none())
            .flat_map(|h| {
                let next = h.next_ready.unwrap_or(now);
                let ready = !h.queue.is_empty() && h.inflight < phc && !matches!(h.robots, RobotsState::Pending);
                ready
                    .then_some(next)
                    .into_iter()
                    .chain(h.delayed.iter().map(move |d| d.0.max(next)))
            })
            .min()
    }

    /// True when the run is over: nothing in flight and nothing left to start.
    pub(crate) fn finished(&self) -> bool {
        self.inflight == 0 && (self.stopping || self.page_cap_reached(0) || self.hosts.values().all(HostState::idle))
    }

    /// robots.txt of `host` arrived.
    pub(crate) fn robots_loaded(&mut self, host: &str, robots: Robots, now: Instant) -> Effects {
        self.inflight -= 1;
        let max_wait = self.limits.max_wait;
        let Some(st) = self.hosts.get_mut(host) else {
            return Effects::default();
        };
        st.inflight -= 1;
        let mut why = None;
        if let Some(d) = robots.crawl_delay_ms().map(Duration::from_millis) {
            if d > max_wait {
                why = Some(format!("robots.txt Crawl-delay {}s exceeds max_wait_ms", d.as_secs()));
            } else {
                st.interval = st.interval.max(d);
                st.next_ready = Some(later(now, st.interval));
            }
        }
        if let Robots::DisallowAll(reason) = &robots {
            why = Some(reason.clone());
        }
        st.robots = RobotsState::Known(Arc::new(robots));
        match why {
            Some(w) => self.pause(host, &w),
            None => Effects::default(),
        }
    }

    /// A request started by [`Scheduler::next`] ended.
    pub(crate) fn page_done(&mut self, host: &str, request: Request, result: PageResult, now: Instant) -> Effects {
        self.inflight -= 1;
        let limit = self.limits.host_failure_limit;
        let Some(st) = self.hosts.get_mut(host) else {
            return Effects::default();
        };
        st.inflight -= 1;
        let why = match result {
            PageResult::Stored | PageResult::NotModified => {
                st.failures = 0;
                self.fetched += 1;
                None
            }
            PageResult::Skipped => None,
            PageResult::Redirect(next) => {
                st.failures = 0;
                return self.follow(*next);
            }
            PageResult::Retry { wait, host_wait } => {
                st.failures += 1;
                if let Some(hw) = host_wait {
                    let until = later(now, hw);
                    st.next_ready = Some(st.next_ready.map_or(until, |t| t.max(until)));
                }
                let why = (st.failures >= limit).then(|| format!("{} consecutive failures", st.failures));
                let origin = origin_host(&request);
                let retry = request.restart();
                self.insert_host(&origin, true).delayed.push((later(now, wait), retry));
                why
            }
            PageResult::Failed { pause } => {
                st.failures += 1;
                pause.or_else(|| (st.failures >= limit).then(|| format!("{} consecutive failures", st.failures)))
            }
        };
        match why {
            Some(w) => self.pause(host, &w),
            None => Effects::default(),
        }
    }

    /// Queues a redirect hop on its own host, ahead of that host's other entries.
    fn follow(&mut self, next: Request) -> Effects {
        let host = crate::urls::url_host_key(&next.url);
        let st = self.insert_host(&host, false);
        if let Some(why) = &st.paused {
            let why = format!("the redirect target's host {host} is paused: {why}");
            return Effects {
                paused: None,
                failed: vec![(next, why)],
            };
        }
        st.queue.push_front(next);
        Effects::default()
    }

    /// A task for `host` crashed (a bug, caught). The engine fails its entry;
    /// a host whose robots.txt could not be processed is paused.
    pub(crate) fn crashed(&mut self, host: &str, robots_task: bool) -> Effects {
        self.inflight -= 1;
        let Some(st) = self.hosts.get_mut(host) else {
            return Effects::default();
        };
        st.inflight -= 1;
        if robots_task {
            let why = "robots.txt could not be processed";
            st.robots = RobotsState::Known(Arc::new(Robots::DisallowAll(why.into())));
            return self.pause(host, why);
        }
        Effects::default()
    }

    /// Pauses `host` for the rest of the run (once). Its own entries stay
    /// queued in the database; redirect hops of other entries waiting on it fail.
    pub(crate) fn pause(&mut self, host: &str, why: &str) -> Effects {
        let Some(st) = self.hosts.get_mut(host) else {
            return Effects::default();
        };
        if st.paused.is_some() {
            return Effects::default();
        }
        st.paused = Some(why.to_string());
        st.delayed.clear();
        let failed = std::mem::take(&mut st.queue)
            .into_iter()
            .filter(Request::is_hop)
            .map(|r| (r, format!("the redirect target's host {host} was paused: {why}")))
            .collect();
        Effects {
            paused: Some((host.to_string(), why.to_string())),
            failed,
        }
    }
}

/// The host an entry itself is queued on (where its retries wait).
fn origin_host(r: &Request) -> String {
    crate::urls::url_host_key(&r.item.url)
}

#[cfg(test)]
mod tests;
