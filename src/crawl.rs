//! The crawl engine: a scheduler that keeps hosts polite, fetch tasks that
//! fetch, decode, extract and match, and one writer thread that commits each
//! page with everything found on it.
//!
//! ```text
//!  scheduler (one task) ── per-host queues (bounded, refilled from SQLite)
//!      │ spawns ≤ concurrency fetch tasks, ≤ per_host_concurrency per host,
//!      │ one start per host per max(interval, Crawl-delay, Retry-After)
//!      ▼
//!  fetch task: fetch → decode → extract → match → admit links
//!      │ Outcome (page + listing + hits + links)
//!      ▼
//!  writer thread: group commit, one transaction, frontier row marked done
//! ```

use crate::config::{Job, Site};
use crate::fetch::decode::decode;
use crate::fetch::robots::{agent_token, Robots};
use crate::fetch::{retry_after, FetchError, Fetched, Fetcher};
use crate::frontier::{host_key, path_and_query, Admission, Refusal, SeenCache};
use crate::matcher::Risk;
use crate::rules::RuleSet;
use crate::store::{self, Committed, ListingRecord, NewLink, Outcome, PageRecord, QueueItem, Store, StoreError};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinSet;
use url::Url;

#[derive(Debug, thiserror::Error)]
pub enum CrawlError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the database writer stopped: {0}")]
    Writer(String),
    #[error("{0}")]
    Setup(String),
}

/// How a run is driven (not part of the job file).
#[derive(Debug, Clone, Default)]
pub struct CrawlOptions {
    /// Show a progress bar on stderr when it is a terminal.
    pub progress: bool,
}

/// What a run did: printed at the end and stored with the run.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Summary {
    pub run_id: i64,
    pub resumed: bool,
    /// Pages fetched in this process (any status).
    pub pages_fetched: u64,
    /// Pages fetched by the run in total, including before a resume.
    pub pages_total: u64,
    pub listings: u64,
    pub listings_new: u64,
    pub listings_changed: u64,
    pub hits: u64,
    pub by_risk: BTreeMap<String, u64>,
    pub errors: BTreeMap<String, u64>,
    pub retries: u64,
    pub skipped_robots: u64,
    pub refused_links: BTreeMap<String, u64>,
    pub hosts_paused: Vec<(String, String)>,
    pub duration_ms: u64,
    /// The frontier was exhausted (no cap, no pause, no interruption).
    pub complete: bool,
    pub interrupted: bool,
    pub hit_page_cap: bool,
}

impl Summary {
    /// A few readable lines for a person.
    pub fn render(&self) -> String {
        let secs = self.duration_ms as f64 / 1000.0;
        let mut s = format!(
            "run {}{}: {} pages fetched in {:.1}s ({:.0}/s), {} listings ({} new, {} changed), {} hits\n",
            self.run_id,
            if self.resumed { " (resumed)" } else { "" },
            self.pages_fetched,
            secs,
            if secs > 0.0 {
                self.pages_fetched as f64 / secs
            } else {
                0.0
            },
            self.listings,
            self.listings_new,
            self.listings_changed,
            self.hits
        );
        let risks: Vec<String> = ["high", "medium", "low", "none"]
            .iter()
            .map(|r| format!("{r} {}", self.by_risk.get(*r).copied().unwrap_or(0)))
            .collect();
        s.push_str(&format!("  listings by risk: {}\n", risks.join(", ")));
        if !self.errors.is_empty() {
            let e: Vec<String> = self.errors.iter().map(|(k, v)| format!("{k} {v}")).collect();
            s.push_str(&format!("  errors: {} ({} retries)\n", e.join(", "), self.retries));
        }
        if self.skipped_robots > 0 {
            s.push_str(&format!("  skipped by robots.txt: {}\n", self.skipped_robots));
        }
        if !self.refused_links.is_empty() {
            let e: Vec<String> = self.refused_links.iter().map(|(k, v)| format!("{k} {v}")).collect();
            s.push_str(&format!("  links not followed: {}\n", e.join(", ")));
        }
        for (h, why) in &self.hosts_paused {
            s.push_str(&format!("  host paused: {h}: {why}\n"));
        }
        let end = if self.interrupted {
            "interrupted: run the same command again to resume"
        } else if self.hit_page_cap {
            "stopped at max_pages"
        } else if self.complete {
            "complete"
        } else {
            "finished with URLs left (paused hosts)"
        };
        s.push_str(&format!("  {end}\n"));
        s
    }
}

// ---------------------------------------------------------------- writer

type Call = Box<dyn FnOnce(&mut Store) + Send>;

enum WriterMsg {
    Commit(Outcome, oneshot::Sender<Result<Committed, String>>),
    Call(Call),
}

/// Handle to the writer thread, which owns the only connection.
#[derive(Clone)]
struct Writer {
    tx: mpsc::Sender<WriterMsg>,
}

impl Writer {
    fn spawn(mut store: Store, run_id: i64) -> (Writer, std::thread::JoinHandle<Store>) {
        let (tx, mut rx) = mpsc::channel::<WriterMsg>(256);
        let handle = std::thread::Builder::new()
            .name("precwatch-writer".into())
            .spawn(move || {
                let mut pending: Option<WriterMsg> = None;
                loop {
                    let first = match pending.take() {
                        Some(m) => m,
                        None => match rx.blocking_recv() {
                            Some(m) => m,
                            None => break,
                        },
                    };
                    match first {
                        WriterMsg::Call(f) => f(&mut store),
                        WriterMsg::Commit(o, reply) => {
                            let mut batch = vec![(o, reply)];
                            while batch.len() < 256 {
                                match rx.try_recv() {
                                    Ok(WriterMsg::Commit(o, r)) => batch.push((o, r)),
                                    Ok(other) => {
                                        pending = Some(other);
                                        break;
                                    }
                                    Err(_) => break,
                                }
                            }
                            let outcomes: Vec<Outcome> = batch.iter().map(|(o, _)| o.clone()).collect();
                            match store.commit(run_id, &outcomes) {
                                Ok(results) => {
                                    for ((_, reply), r) in batch.into_iter().zip(results) {
                                        let _ = reply.send(Ok(r));
                                    }
                                }
                                Err(_) => {
                                    // Isolate the failing outcome: commit one by one.
                                    for (o, reply) in batch {
                                        let r = store
                                            .commit(run_id, std::slice::from_ref(&o))
                                            .map(|mut v| v.pop().unwrap_or_default())
                                            .map_err(|e| e.to_string());
                                        let _ = reply.send(r);
                                    }
                                }
                            }
                        }
                    }
                }
                store
            })
            .expect("spawn writer thread");
        (Writer { tx }, handle)
    }

    async fn commit(&self, o: Outcome) -> Result<Committed, CrawlError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(WriterMsg::Commit(o, reply))
            .await
            .map_err(|_| CrawlError::Writer("channel closed".into()))?;
        rx.await
            .map_err(|_| CrawlError::Writer("no reply".into()))?
            .map_err(CrawlError::Writer)
    }

    async fn call<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, CrawlError> {
        let (reply, rx) = oneshot::channel();
        let call: Call = Box::new(move |s| {
            let _ = reply.send(f(s));
        });
        self.tx
            .send(WriterMsg::Call(call))
            .await
            .map_err(|_| CrawlError::Writer("channel closed".into()))?;
        Ok(rx.await.map_err(|_| CrawlError::Writer("no reply".into()))??)
    }
}

// ---------------------------------------------------------------- shared context

struct Ctx {
    job: Job,
    rules: Arc<RuleSet>,
    fetcher: Fetcher,
    writer: Writer,
    fields: Vec<Vec<(String, scraper::Selector)>>,
    admission: Mutex<Admission>,
    seen: Mutex<SeenCache>,
    refused: Mutex<BTreeMap<&'static str, u64>>,
}

impl Ctx {
    fn site_index(&self, name: &str) -> usize {
        self.job.sites.iter().position(|s| s.name == name).unwrap_or(0)
    }
}

/// What a task reports back to the scheduler.
enum TaskDone {
    Page {
        host: String,
        item: QueueItem,
        kind: PageKind,
        committed: Option<Committed>,
        hits: usize,
    },
    Robots {
        host: String,
        robots: Robots,
    },
    StoreFailed {
        host: String,
        error: String,
    },
    /// The task panicked (a bug): the page stays queued and is fetched again on resume.
    Crashed {
        host: String,
        error: String,
    },
}

/// Runs a task so that a panic inside it reports back instead of losing the host's slot.
async fn guarded(host: String, fut: impl std::future::Future<Output = TaskDone>) -> TaskDone {
    use futures_util::FutureExt;
    match std::panic::AssertUnwindSafe(fut).catch_unwind().await {
        Ok(d) => d,
        Err(p) => {
            let error = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".into());
            TaskDone::Crashed { host, error }
        }
    }
}

enum PageKind {
    Fetched,
    /// Retry after this long; `host_wait` also delays the whole host (Retry-After).
    Retry {
        wait: Duration,
        host_wait: Option<Duration>,
        error: String,
    },
    Failed {
        kind: &'static str,
        pause_host: Option<String>,
    },
    Skipped,
}

// ---------------------------------------------------------------- per-host scheduling

struct HostState {
    queue: VecDeque<QueueItem>,
    delayed: Vec<(Instant, QueueItem)>,
    cursor: i64,
    db_maybe_more: bool,
    next_ready: Instant,
    inflight: usize,
    robots: Option<Arc<Robots>>,
    robots_pending: bool,
    interval: Duration,
    failures: u32,
    paused: Option<String>,
}

impl HostState {
    fn new(interval: Duration) -> Self {
        HostState {
            queue: VecDeque::new(),
            delayed: Vec::new(),
            cursor: 0,
            db_maybe_more: true,
            next_ready: Instant::now(),
            inflight: 0,
            robots: None,
            robots_pending: false,
            interval,
            failures: 0,
            paused: None,
        }
    }
    fn idle(&self) -> bool {
        self.inflight == 0
            && !self.robots_pending
            && (self.paused.is_some() || (self.queue.is_empty() && self.delayed.is_empty() && !self.db_maybe_more))
    }
}

const REFILL_BELOW: usize = 64;
const REFILL_COUNT: usize = 256;

/// Runs (or resumes) a crawl of `job` into the database at `db`.
/// `shutdown` turning true stops dispatching; in-flight pages still commit.
pub async fn run(
    job: &Job,
    rules: Arc<RuleSet>,
    db: &Path,
    opts: &CrawlOptions,
    mut shutdown: watch::Receiver<bool>,
) -> Result<Summary, CrawlError> {
    let started = Instant::now();
    let _lock = lock_database(db)?;
    let mut store = Store::open(db)?;
    let handle = store.begin_run(&job.name, &job.source_text, rules.fingerprint())?;
    let run_id = handle.id;
    let already_fetched = store.fetched_count(run_id)?;
    let mut seeds = Vec::new();
    for site in &job.sites {
        for s in &site.seeds {
            if let Some(u) = crate::frontier::normalise(s.clone()) {
                seeds.push(NewLink {
                    host: host_key(&u),
                    url: u.to_string(),
                    site: site.name.clone(),
                    depth: 0,
                });
            }
        }
    }
    store.enqueue(run_id, &seeds)?;
    if handle.resumed {
        tracing::info!(run_id, already_fetched, "resuming unfinished run of job {:?}", job.name);
    } else {
        tracing::info!(run_id, "starting run of job {:?}", job.name);
    }
    let (writer, writer_thread) = Writer::spawn(store, run_id);
    let fetcher = Fetcher::new(&job.crawl).map_err(|e| CrawlError::Setup(e.to_string()))?;
    let ctx = Arc::new(Ctx {
        fields: job
            .sites
            .iter()
            .map(|s| crate::extract::compile_fields(&s.fields))
            .collect(),
        admission: Mutex::new(Admission::new(&job.crawl)),
        seen: Mutex::new(SeenCache::new(1 << 20)),
        refused: Mutex::new(BTreeMap::new()),
        job: job.clone(),
        rules,
        fetcher,
        writer: writer.clone(),
    });

    let mut summary = Summary {
        run_id,
        resumed: handle.resumed,
        ..Default::default()
    };
    let settings = &job.crawl;
    let base_interval = Duration::from_millis(settings.per_host_interval_ms);
    let mut hosts: BTreeMap<String, HostState> = BTreeMap::new();
    for h in writer.call(move |s| s.queued_hosts(run_id)).await? {
        hosts.insert(h, HostState::new(base_interval));
    }
    for site in &job.sites {
        for h in &site.hosts {
            hosts.entry(h.clone()).or_insert_with(|| HostState::new(base_interval));
        }
    }
    let progress = Progress::new(opts.progress);
    let mut tasks: JoinSet<TaskDone> = JoinSet::new();
    let mut inflight = 0usize;
    let mut fetched_total = already_fetched;
    let mut stopping = false;
    let mut store_failures = 0u32;
    let max_pages = settings.max_pages;
    let mut rr: Vec<String> = Vec::new(); // round-robin order of hosts
    let mut seen_listings: HashMap<i64, (&'static str, Risk)> = HashMap::new();

    loop {
        if *shutdown.borrow() && !stopping {
            stopping = true;
            summary.interrupted = true;
            tracing::warn!("stopping: waiting for {inflight} pages in flight to be stored");
        }
        let now = Instant::now();
        // Refill host queues from the database and release due retries.
        for (host, st) in hosts.iter_mut() {
            if st.paused.is_some() {
                continue;
            }
            let mut i = 0;
            while i < st.delayed.len() {
                if st.delayed[i].0 <= now {
                    let (_, item) = st.delayed.swap_remove(i);
                    st.queue.push_front(item);
                } else {
                    i += 1;
                }
            }
            if st.queue.len() < REFILL_BELOW && st.db_maybe_more {
                let (h, after) = (host.clone(), st.cursor);
                let items = writer
                    .call(move |s| s.queued_for_host(run_id, &h, after, REFILL_COUNT))
                    .await?;
                if items.len() < REFILL_COUNT {
                    st.db_maybe_more = false;
                }
                if let Some(last) = items.last() {
                    st.cursor = last.id;
                }
                st.queue.extend(items);
            }
        }
        // Dispatch.
        let can_dispatch = |fetched_total: u64, inflight: usize| -> bool {
            !stopping && (max_pages == 0 || fetched_total + (inflight as u64) < max_pages)
        };
        if rr.len() != hosts.len() {
            rr = hosts.keys().cloned().collect();
        }
        let mut dispatched = true;
        while dispatched && inflight < settings.concurrency && can_dispatch(fetched_total, inflight) {
            dispatched = false;
            for host in &rr {
                if inflight >= settings.concurrency || !can_dispatch(fetched_total, inflight) {
                    break;
                }
                let st = hosts.get_mut(host).expect("host");
                if st.paused.is_some() || st.robots_pending || st.inflight >= settings.per_host_concurrency {
                    continue;
                }
                if st.next_ready > Instant::now() || st.queue.is_empty() {
                    continue;
                }
                if st.robots.is_none() && settings.respect_robots {
                    st.robots_pending = true;
                    st.inflight += 1;
                    inflight += 1;
                    st.next_ready = Instant::now() + st.interval;
                    let (ctx2, h2, sample) = (ctx.clone(), host.clone(), st.queue[0].url.clone());
                    tasks.spawn(guarded(h2.clone(), fetch_robots(ctx2, h2, sample, run_id)));
                    dispatched = true;
                    continue;
                }
                let item = st.queue.pop_front().expect("non-empty");
                let allowed = st.robots.as_ref().is_none_or(|r| r.allowed(&item.url));
                st.inflight += 1;
                inflight += 1;
                dispatched = true;
                if !allowed {
                    let (ctx2, h2) = (ctx.clone(), host.clone());
                    tasks.spawn(async move {
                        let o = Outcome::Skipped {
                            frontier_id: item.id,
                            reason: "disallowed by robots.txt".into(),
                        };
                        match ctx2.writer.commit(o).await {
                            Ok(c) => TaskDone::Page {
                                host: h2,
                                item,
                                kind: PageKind::Skipped,
                                committed: Some(c),
                                hits: 0,
                            },
                            Err(e) => TaskDone::StoreFailed {
                                host: h2,
                                error: e.to_string(),
                            },
                        }
                    });
                    continue;
                }
                st.next_ready = Instant::now() + st.interval;
                let (ctx2, h2) = (ctx.clone(), host.clone());
                tasks.spawn(guarded(h2.clone(), process(ctx2, h2, item)));
            }
        }
        // Done?
        if inflight == 0 {
            let all_idle = hosts.values().all(|h| h.idle());
            if stopping || all_idle || !can_dispatch(fetched_total, 0) {
                break;
            }
        }
        // Wait for a task, the next host to become ready, or shutdown.
        let next_wake = hosts
            .values()
            .filter(|h| h.paused.is_none())
            .flat_map(|h| {
                let ready = (!h.queue.is_empty() && h.inflight < settings.per_host_concurrency && !h.robots_pending)
                    .then_some(h.next_ready);
                ready.into_iter().chain(h.delayed.iter().map(|d| d.0.max(h.next_ready)))
            })
            .min();
        let sleep_for = next_wake
            .map(|t| t.saturating_duration_since(Instant::now()))
            .unwrap_or(Duration::from_millis(500))
            .min(Duration::from_millis(500));
        tokio::select! {
            done = tasks.join_next(), if inflight > 0 => {
                let Some(done) = done else { continue };
                inflight -= 1;
                let done = match done {
                    Ok(d) => d,
                    Err(e) => return Err(CrawlError::Setup(format!("a task was cancelled: {e}"))),
                };
                match done {
                    TaskDone::Robots { host, robots } => {
                        let st = hosts.get_mut(&host).expect("host");
                        st.robots_pending = false;
                        st.inflight -= 1;
                        if let Some(d) = robots.crawl_delay_ms() {
                            if d > settings.max_wait_ms {
                                let why = format!("robots.txt Crawl-delay {}s exceeds max_wait_ms", d / 1000);
                                pause(&writer, run_id, &host, st, &why, &mut summary).await?;
                            } else {
                                st.interval = st.interval.max(Duration::from_millis(d));
                                st.next_ready = Instant::now() + st.interval;
                            }
                        }
                        if let Robots::DisallowAll(why) = &robots {
                            let why = why.clone();
                            pause(&writer, run_id, &host, st, &why, &mut summary).await?;
                        }
                        st.robots = Some(Arc::new(robots));
                    }
                    TaskDone::Crashed { host, error } => {
                        if let Some(st) = hosts.get_mut(&host) {
                            st.inflight -= 1;
                            if st.robots_pending {
                                st.robots_pending = false;
                                st.robots = Some(Arc::new(Robots::AllowAll));
                            }
                        }
                        *summary.errors.entry("crash".into()).or_default() += 1;
                        tracing::error!(host, "a task crashed (please report this bug): {error}");
                    }
                    TaskDone::StoreFailed { host, error } => {
                        if let Some(st) = hosts.get_mut(&host) { st.inflight -= 1; }
                        store_failures += 1;
                        *summary.errors.entry("store".into()).or_default() += 1;
                        tracing::error!("storing a page failed: {error}");
                        if store_failures >= 10 {
                            return Err(CrawlError::Writer(format!("repeated database failures, last: {error}")));
                        }
                    }
                    TaskDone::Page { host, item, kind, committed, hits } => {
                        let st = hosts.get_mut(&host).expect("host");
                        st.inflight -= 1;
                        if let Some(c) = &committed {
                            for h in &c.hosts_with_new_links {
                                if let Some(hs) = hosts.get_mut(h) { hs.db_maybe_more = true; }
                            }
                        }
                        let st = hosts.get_mut(&host).expect("host");
                        match kind {
                            PageKind::Fetched => {
                                st.failures = 0;
                                fetched_total += 1;
                                summary.pages_fetched += 1;
                                if let Some(c) = committed {
                                    if let (Some(id), Some(state), Some(risk)) = (c.listing_id, c.listing_state, c.risk) {
                                        summary.hits += hits as u64;
                                        // One listing reached by several URLs counts once, with its latest state.
                                        let prev = seen_listings.insert(id, (state, risk));
                                        if prev.is_none() {
                                            progress.listing(risk);
                                        }
                                    }
                                }
                                progress.page();
                            }
                            PageKind::Retry { wait, host_wait, error } => {
                                summary.retries += 1;
                                st.failures += 1;
                                tracing::debug!(url = item.url, "retrying in {wait:?}: {error}");
                                if let Some(hw) = host_wait {
                                    st.next_ready = st.next_ready.max(Instant::now() + hw);
                                }
                                let mut item = item;
                                item.attempts += 1;
                                st.delayed.push((Instant::now() + wait, item));
                                if st.failures >= settings.host_failure_limit {
                                    let why = format!("{} consecutive failures, last: {error}", st.failures);
                                    pause(&writer, run_id, &host, st, &why, &mut summary).await?;
                                }
                            }
                            PageKind::Failed { kind, pause_host } => {
                                *summary.errors.entry(kind.into()).or_default() += 1;
                                progress.error();
                                st.failures += 1;
                                if let Some(why) = pause_host {
                                    pause(&writer, run_id, &host, st, &why, &mut summary).await?;
                                } else if st.failures >= settings.host_failure_limit {
                                    let why = format!("{} consecutive failures, last: {kind}", st.failures);
                                    pause(&writer, run_id, &host, st, &why, &mut summary).await?;
                                }
                            }
                            PageKind::Skipped => summary.skipped_robots += 1,
                        }
                    }
                }
            }
            _ = tokio::time::sleep(sleep_for) => {}
            _ = shutdown.changed(), if !stopping => {}
        }
    }
    progress.finish();
    let queued = writer.call(move |s| s.queued_count(run_id)).await?;
    summary.pages_total = fetched_total;
    summary.listings = seen_listings.len() as u64;
    for (state, risk) in seen_listings.values() {
        match *state {
            "new" => summary.listings_new += 1,
            "changed" => summary.listings_changed += 1,
            _ => {}
        }
        *summary.by_risk.entry(risk.as_str().into()).or_default() += 1;
    }
    summary.complete = !summary.interrupted && queued == 0;
    summary.hit_page_cap = !summary.interrupted && max_pages > 0 && fetched_total >= max_pages && queued > 0;
    summary.refused_links = ctx
        .refused
        .lock()
        .expect("refused")
        .iter()
        .map(|(k, v)| (k.to_string(), *v))
        .collect();
    summary.duration_ms = started.elapsed().as_millis() as u64;
    let status = if summary.interrupted { "interrupted" } else { "finished" };
    let sites: Vec<String> = job.sites.iter().map(|s| s.name.clone()).collect();
    let stats = serde_json::to_string(&summary).unwrap_or_default();
    let complete = summary.complete;
    writer
        .call(move |s| s.finish_run(run_id, status, complete, &sites, &stats))
        .await?;
    drop(ctx);
    drop(writer);
    let _ = tokio::task::spawn_blocking(move || writer_thread.join()).await;
    Ok(summary)
}

/// One crawl writes to a database at a time: an exclusive lock on
/// `<db>.lock`, released by the operating system when the process ends, even
/// by SIGKILL (so a crashed run never blocks its own resume).
fn lock_database(db: &Path) -> Result<std::fs::File, CrawlError> {
    let mut name = db.as_os_str().to_owned();
    name.push(".lock");
    let path = std::path::PathBuf::from(name);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| CrawlError::Setup(format!("{}: {e}", dir.display())))?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| CrawlError::Setup(format!("{}: cannot open the lock file: {e}", path.display())))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(CrawlError::Setup(format!(
            "{}: another precwatch crawl is writing to this database; wait for it or use another --db",
            db.display()
        ))),
        Err(std::fs::TryLockError::Error(e)) => Err(CrawlError::Setup(format!("{}: cannot lock: {e}", path.display()))),
    }
}

async fn pause(
    writer: &Writer,
    run_id: i64,
    host: &str,
    st: &mut HostState,
    why: &str,
    summary: &mut Summary,
) -> Result<(), CrawlError> {
    if st.paused.is_some() {
        return Ok(());
    }
    tracing::warn!(host, "pausing host for the rest of the run: {why}");
    st.paused = Some(why.to_string());
    summary.hosts_paused.push((host.to_string(), why.to_string()));
    let (h, w) = (host.to_string(), why.to_string());
    writer.call(move |s| s.pause_host(run_id, &h, &w)).await
}

async fn fetch_robots(ctx: Arc<Ctx>, host: String, sample_url: String, run_id: i64) -> TaskDone {
    let agent = agent_token(&ctx.job.crawl.user_agent).to_string();
    let h = host.clone();
    if let Ok(Some((status, body))) = ctx.writer.call(move |s| s.host_robots(run_id, &h)).await {
        return TaskDone::Robots {
            robots: Robots::from_response(&agent, status, body.as_bytes()),
            host,
        };
    }
    let robots_url = Url::parse(&sample_url).ok().and_then(|u| u.join("/robots.txt").ok());
    let (status, body) = match robots_url {
        Some(u) => match ctx.fetcher.get(&u).await {
            Ok(f) => (
                f.status,
                String::from_utf8_lossy(&f.body[..f.body.len().min(512 * 1024)]).into_owned(),
            ),
            // Not saved: a resumed run asks again.
            Err(e) => {
                return TaskDone::Robots {
                    robots: Robots::DisallowAll(format!("robots.txt: {e}")),
                    host,
                }
            }
        },
        None => (404, String::new()),
    };
    let h = host.clone();
    let b = body.clone();
    let _ = ctx
        .writer
        .call(move |s| s.save_host_robots(run_id, &h, status, &b))
        .await;
    TaskDone::Robots {
        robots: Robots::from_response(&agent, status, body.as_bytes()),
        host,
    }
}

fn backoff(base_ms: u64, attempt: u32) -> Duration {
    let exp = base_ms.saturating_mul(1u64 << attempt.min(10)).min(60_000);
    let jitter = 0.5 + fastrand::f64(); // 0.5 .. 1.5
    Duration::from_millis((exp as f64 * jitter) as u64)
}

/// Fetches one frontier item and commits what it found.
async fn process(ctx: Arc<Ctx>, host: String, item: QueueItem) -> TaskDone {
    let settings = &ctx.job.crawl;
    let attempts = item.attempts + 1;
    let url = match Url::parse(&item.url) {
        Ok(u) => u,
        Err(e) => {
            let o = Outcome::Failed {
                frontier_id: item.id,
                attempts,
                error: format!("bad URL: {e}"),
            };
            return finish(
                ctx,
                host,
                item,
                o,
                PageKind::Failed {
                    kind: "bad-url",
                    pause_host: None,
                },
                0,
            )
            .await;
        }
    };
    let result = ctx.fetcher.get(&url).await;
    let retry = |error: String, host_wait: Option<Duration>| -> (Outcome, PageKind) {
        if attempts > settings.retries {
            (
                Outcome::Failed {
                    frontier_id: item.id,
                    attempts,
                    error: format!("{error} (after {attempts} attempts)"),
                },
                PageKind::Failed {
                    kind: "gave-up",
                    pause_host: None,
                },
            )
        } else {
            let wait = host_wait.unwrap_or_else(|| backoff(settings.retry_base_ms, attempts - 1));
            let not_before = SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap_or_default()
                + wait;
            (
                Outcome::Retry {
                    frontier_id: item.id,
                    attempts,
                    not_before_ms: not_before.as_millis() as i64,
                    error: error.clone(),
                },
                PageKind::Retry { wait, host_wait, error },
            )
        }
    };
    let (outcome, kind, hits) = match result {
        Err(e) if e.is_transient() => {
            let (o, k) = retry(e.to_string(), None);
            (o, k, 0)
        }
        Err(e) => {
            let pause_host = matches!(e, FetchError::Refused(_)).then(|| e.to_string());
            (
                Outcome::Failed {
                    frontier_id: item.id,
                    attempts,
                    error: e.to_string(),
                },
                PageKind::Failed {
                    kind: e.kind(),
                    pause_host,
                },
                0,
            )
        }
        Ok(f) if f.status == 429 || f.status == 503 || (500..600).contains(&f.status) => {
            let wait = f.header("retry-after").and_then(|v| retry_after(v, SystemTime::now()));
            let error = format!("HTTP {}", f.status);
            match wait {
                Some(w) if w.as_millis() as u64 > settings.max_wait_ms => {
                    let why = format!(
                        "HTTP {} asked to wait {}s (more than max_wait_ms)",
                        f.status,
                        w.as_secs()
                    );
                    (
                        Outcome::Failed {
                            frontier_id: item.id,
                            attempts,
                            error: why.clone(),
                        },
                        PageKind::Failed {
                            kind: "retry-after-too-long",
                            pause_host: Some(why),
                        },
                        0,
                    )
                }
                Some(w) => {
                    let (o, k) = retry(error, Some(w));
                    (o, k, 0)
                }
                None => {
                    let (o, k) = retry(error, None);
                    (o, k, 0)
                }
            }
        }
        Ok(f) => {
            let site_idx = ctx.site_index(&item.site);
            let (o, hits) = analyse(&ctx, site_idx, &item, f);
            (o, PageKind::Fetched, hits)
        }
    };
    finish(ctx, host, item, outcome, kind, hits).await
}

async fn finish(ctx: Arc<Ctx>, host: String, item: QueueItem, o: Outcome, kind: PageKind, hits: usize) -> TaskDone {
    match ctx.writer.commit(o).await {
        Ok(c) => TaskDone::Page {
            host,
            item,
            kind,
            committed: Some(c),
            hits,
        },
        Err(e) => TaskDone::StoreFailed {
            host,
            error: e.to_string(),
        },
    }
}

fn is_html(f: &Fetched) -> bool {
    match f.header("content-type") {
        Some(ct) => {
            let ct = ct.to_ascii_lowercase();
            ct.contains("html") || ct.contains("xml") || ct.starts_with("text/plain")
        }
        None => crate::extract::looks_like_html(&String::from_utf8_lossy(&f.body[..f.body.len().min(1024)])),
    }
}

/// Decode, extract, match and admit links: everything CPU-bound about a page.
fn analyse(ctx: &Ctx, site_idx: usize, item: &QueueItem, f: Fetched) -> (Outcome, usize) {
    let site: &Site = &ctx.job.sites[site_idx];
    let content_type = f.header("content-type").map(str::to_string);
    let mut page = PageRecord {
        url: item.url.clone(),
        final_url: f.final_url.to_string(),
        redirects_json: serde_json::to_string(
            &f.redirects
                .iter()
                .map(|(s, u)| serde_json::json!({"status": s, "url": u}))
                .collect::<Vec<_>>(),
        )
        .unwrap_or_else(|_| "[]".into()),
        status: f.status,
        fetched_at: store::timestamp(f.fetched_at),
        headers_json: serde_json::to_string(&f.headers).unwrap_or_else(|_| "[]".into()),
        content_type: content_type.clone(),
        charset: None,
        charset_source: None,
        body: Vec::new(),
        truncated: f.truncated,
    };
    let mut listing = None;
    let mut links = Vec::new();
    let mut hits = 0;
    if (200..300).contains(&f.status) && is_html(&f) {
        let decoded = decode(&f.body, content_type.as_deref());
        page.charset = Some(decoded.encoding.to_string());
        page.charset_source = Some(decoded.source.as_str().to_string());
        let ex = crate::extract::extract(&decoded.text, &f.final_url, &ctx.fields[site_idx]);
        let next_depth = item.depth + 1;
        {
            let mut adm = ctx.admission.lock().expect("admission");
            let mut seen = ctx.seen.lock().expect("seen");
            let mut refused = ctx.refused.lock().expect("refused");
            for link in &ex.links {
                match adm.admit(site_idx, site, link, next_depth) {
                    Ok(()) => {
                        if seen.insert(link.as_str()) {
                            links.push(NewLink {
                                url: link.to_string(),
                                site: site.name.clone(),
                                host: host_key(link),
                                depth: next_depth,
                            });
                        }
                    }
                    Err(r) => {
                        if r != Refusal::OffSite || link.scheme().starts_with("http") {
                            *refused.entry(r.as_str()).or_default() += 1;
                        }
                    }
                }
            }
        }
        let final_pq = path_and_query(&f.final_url);
        if site.listing.is_match(final_pq) || site.listing.is_match(path_and_query(&f.url)) {
            // The canonical link decides identity, but only within the site's hosts:
            // a page cannot claim to be another site's listing.
            let canonical = ex
                .canonical
                .as_ref()
                .filter(|c| site.hosts.contains(&host_key(c)))
                .cloned()
                .unwrap_or_else(|| f.final_url.clone());
            let text = ex.listing_text();
            let verdict = ctx.rules.scan(&text);
            hits = verdict.hits.len();
            let title = crate::extract::listing_title(&ex.title_tag, &ex.fields, &ex.text);
            let sellers = crate::extract::seller_identifiers(&text);
            listing = Some(Box::new(ListingRecord {
                site: site.name.clone(),
                canonical_url: canonical.to_string(),
                title,
                text,
                fields_json: serde_json::to_string(&ex.fields).unwrap_or_else(|_| "{}".into()),
                score: verdict.score,
                risk: verdict.risk,
                hits: verdict.hits,
                sellers,
                rules_sha256: ctx.rules.fingerprint().to_string(),
            }));
        }
    }
    page.body = f.body;
    (
        Outcome::Fetched {
            frontier_id: item.id,
            page: Box::new(page),
            listing,
            links,
        },
        hits,
    )
}

// ---------------------------------------------------------------- progress

struct Progress {
    bar: Option<indicatif::ProgressBar>,
    counts: Mutex<(u64, u64, u64, u64)>, // pages, listings, flagged (≥ medium), errors
    last_log: Mutex<Instant>,
    start: Instant,
}

impl Progress {
    fn new(enabled: bool) -> Self {
        use std::io::IsTerminal;
        let bar = (enabled && std::io::stderr().is_terminal()).then(|| {
            let b = indicatif::ProgressBar::new_spinner();
            b.set_style(
                indicatif::ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            b.enable_steady_tick(Duration::from_millis(200));
            b
        });
        Progress {
            bar,
            counts: Mutex::new((0, 0, 0, 0)),
            last_log: Mutex::new(Instant::now()),
            start: Instant::now(),
        }
    }
    fn update(&self) {
        let (p, l, f, e) = *self.counts.lock().expect("progress");
        let rate = p as f64 / self.start.elapsed().as_secs_f64().max(0.001);
        let msg = format!("{p} pages, {l} listings, {f} flagged (medium+), {e} errors, {rate:.0} pages/s");
        if let Some(b) = &self.bar {
            b.set_message(msg);
        } else {
            let mut last = self.last_log.lock().expect("progress");
            if last.elapsed() >= Duration::from_secs(5) {
                *last = Instant::now();
                tracing::info!("{msg}");
            }
        }
    }
    fn page(&self) {
        self.counts.lock().expect("progress").0 += 1;
        self.update();
    }
    fn listing(&self, risk: Risk) {
        let mut c = self.counts.lock().expect("progress");
        c.1 += 1;
        if risk >= Risk::Medium {
            c.2 += 1;
        }
    }
    fn error(&self) {
        self.counts.lock().expect("progress").3 += 1;
        self.update();
    }
    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
