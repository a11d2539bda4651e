//! The crawl engine: a scheduler that keeps hosts polite, fetch tasks that
//! fetch and commit one request each, analysis on a pool of one thread per core, and one
//! writer thread that commits each page with everything found on it.
//!
//! ```text
//!  Engine (one async task) ── Scheduler (decisions, no clock, no I/O)
//!      │ spawns ≤ concurrency tasks, ≤ per_host_concurrency per host,
//!      │ one start per host per max(interval, Crawl-delay, Retry-After);
//!      │ a redirect hop is a request to its own host like any other
//!      ▼
//!  task: fetch ─► analysis pool (decode → extract → match → admit links)
//!      │ Outcome (page + listing + hits + links)
//!      ▼
//!  writer thread: group commit, one transaction, frontier row marked done
//! ```
//!
//! The parts: [`scheduler`] decides, [`task`] fetches and commits,
//! [`analyse`] does the CPU-bound work within the job's budgets on the
//! threads of [`pool`], [`writer`]
//! owns the database connection, [`summary`] counts, [`progress`] shows.

mod analyse;
pub mod discover;
mod pool;
mod progress;
pub(crate) mod scheduler;
mod shared;
pub mod summary;
mod task;
mod writer;

pub use summary::{Budget, FailureKind, Summary};

use crate::config::Job;
use crate::escape::term_safe;
use crate::fetch::proxy::ProxyError;
use crate::fetch::Fetcher;
use crate::frontier::{Admission, SeenCache};
use crate::matcher::Risk;
use crate::rules::RuleSet;
use crate::store::{ListingState, Outcome, RunStatus, Store, StoreError};
use progress::Progress;
use scheduler::{Action, Effects, Limits, PageResult, Request, Scheduler};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use task::{Report, TaskDone};
use tokio::sync::watch;
use tokio::task::JoinSet;
use writer::Writer;

/// Why a crawl could not run or had to stop.
#[derive(Debug, thiserror::Error)]
pub enum CrawlError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The writer thread stopped answering.
    #[error("the database writer stopped: {0}")]
    Writer(String),
    /// A configured proxy does not work.
    #[error(transparent)]
    Proxy(#[from] ProxyError),
    /// Anything else that stops a crawl before it starts.
    #[error("{0}")]
    Setup(String),
}

/// How a run is driven (not part of the job file).
#[derive(Debug, Clone, Default)]
pub struct CrawlOptions {
    /// Show a progress bar on stderr when it is a terminal.
    pub progress: bool,
}

/// What every task of a run shares.
pub(crate) struct Ctx {
    job: Job,
    rules: Arc<RuleSet>,
    /// One per site (sites with the same proxy share a client).
    fetchers: Vec<Fetcher>,
    writer: Writer,
    /// Compiled field selectors per site.
    fields: Vec<Vec<(String, scraper::Selector)>>,
    /// The field names per site, in selector order.
    field_names: Vec<Vec<String>>,
    /// What the run has learned of each site's template.
    templates: Vec<Mutex<crate::extract::template::SiteTemplate>>,
    admission: Mutex<Admission>,
    seen: Mutex<SeenCache>,
    refused: Mutex<BTreeMap<&'static str, u64>>,
    /// Per site: what a listing's analysis depends on (rules, extraction
    /// settings, analysis version); conditional requests need it unchanged.
    analysis_keys: Vec<String>,
    /// The job's hit budgets.
    match_limits: crate::matcher::Limits,
    /// The job's extraction budgets.
    extract_limits: crate::extract::Limits,
    /// The analysis threads (one per core).
    analysis: pool::Pool,
    limits: Limits,
    run_id: i64,
    /// This worker's part in a run shared over PostgreSQL; None on SQLite.
    shared: Option<shared::Shared>,
}

impl Ctx {
    fn site_index(&self, name: &str) -> usize {
        self.job.sites.iter().position(|s| s.name == name).unwrap_or(0)
    }
}

/// Runs (or resumes) a crawl of `job` into the database at `db`.
/// `shutdown` turning true stops dispatching; in-flight pages still commit.
/// Nothing is written to the database before the job's proxies answer.
pub async fn run(
    job: &Job,
    rules: Arc<RuleSet>,
    db: &Path,
    opts: &CrawlOptions,
    shutdown: watch::Receiver<bool>,
) -> Result<Summary, CrawlError> {
    let started = Instant::now();
    let fetchers = build_fetchers(job)?;
    check_proxies(job).await?;
    let is_shared = crate::store::db::is_postgres_url(&db.to_string_lossy());
    // SQLite has one writer: a lock file keeps a second crawl out (before
    // it opens, so it migrates nothing). On PostgreSQL every crawl of the
    // job joins the run instead.
    let _lock = if is_shared { None } else { Some(lock_database(db)?) };
    let mut store = Store::open(db)?;
    let handle = store.begin_run(&job.name, &job.source_text, rules.fingerprint())?;
    let run_id = handle.id;
    let shared = if is_shared {
        let lease = Duration::from_millis(job.crawl.lease_ms);
        let sh = shared::Shared::open(db, run_id, lease)?;
        tracing::info!(run_id, worker = %sh.owner, "working on a shared run");
        Some(sh)
    } else {
        None
    };
    let already_fetched = store.fetched_count(run_id)?;
    store.enqueue(run_id, &discover::seeds(job, &rules))?;
    store.enqueue(run_id, &discover::known_storefronts(job, &store, run_id)?)?;
    if handle.resumed {
        tracing::info!(run_id, already_fetched, "resuming unfinished run of job {:?}", job.name);
    } else {
        tracing::info!(run_id, "starting run of job {:?}", job.name);
    }
    let (writer, writer_thread) = Writer::spawn(store, run_id)?;
    let limits = Limits::from_settings(&job.crawl);
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let ctx = Arc::new(Ctx {
        fields: job
            .sites
            .iter()
            .map(|s| crate::extract::compile_fields(&s.fields))
            .collect(),
        field_names: job
            .sites
            .iter()
            .map(|s| {
                crate::extract::compile_fields(&s.fields)
                    .into_iter()
                    .map(|(k, _)| k)
                    .collect()
            })
            .collect(),
        templates: job.sites.iter().map(|_| Mutex::default()).collect(),
        admission: Mutex::new(Admission::new(&job.crawl)),
        seen: Mutex::new(SeenCache::new(1 << 18)),
        refused: Mutex::new(BTreeMap::new()),
        analysis: pool::Pool::new(cores)
            .map_err(|e| CrawlError::Setup(format!("cannot start the analysis threads: {e}")))?,
        analysis_keys: job.sites.iter().map(|s| analysis_key(&rules, s)).collect(),
        match_limits: crate::matcher::Limits {
            max_hits_per_rule: job.crawl.max_hits_per_rule,
            max_hits: job.crawl.max_hits_per_listing,
        },
        extract_limits: crate::extract::Limits {
            max_depth: job.crawl.max_nesting_depth,
            max_links: job.crawl.max_links_per_page,
            max_identifiers: job.crawl.max_identifiers_per_listing,
        },
        job: job.clone(),
        rules,
        fetchers,
        writer: writer.clone(),
        limits: limits.clone(),
        run_id,
        shared,
    });
    let mut sched = Scheduler::new(limits, already_fetched);
    if ctx.shared.is_some() {
        sched.set_refill_below(shared::REFILL_BELOW);
    }
    let mut engine = Engine {
        sched,
        tasks: JoinSet::new(),
        summary: Summary {
            run_id,
            resumed: handle.resumed,
            ..Default::default()
        },
        progress: Progress::new(opts.progress),
        seen_listings: HashMap::new(),
        store_failures: 0,
        pending: BTreeMap::new(),
        deferring: BTreeMap::new(),
        flushing: false,
        last_poll: None,
        last_renewal: Instant::now(),
        ctx,
    };
    engine.load_hosts().await?;
    engine.load_pending(handle.resumed).await?;
    engine.drive(shutdown).await?;
    let summary = engine.finish(started).await?;
    drop(writer);
    let _ = tokio::task::spawn_blocking(move || writer_thread.join()).await;
    Ok(summary)
}

/// Bumped whenever extraction or analysis changes what a page yields, so
/// conditional requests do not keep listings analysed the old way.
const ANALYSIS_VERSION: u32 = 1;

/// What a site's listings' analysis depends on: the rules, the site's
/// listing pattern, id pattern, country and field selectors, and
/// [`ANALYSIS_VERSION`].
fn analysis_key(rules: &RuleSet, site: &crate::config::Site) -> String {
    let mut s = format!(
        "v{ANALYSIS_VERSION}\0{}\0{}\0{}\0{}",
        rules.fingerprint(),
        site.listing.as_str(),
        site.id_pattern.as_ref().map_or("", |r| r.as_str()),
        site.country.as_deref().unwrap_or("")
    );
    for (k, v) in &site.fields {
        s.push_str(&format!("\0{k}={v}"));
    }
    crate::store::sha256_hex(s.as_bytes())
}

/// One HTTP client per distinct proxy setting, in site order.
fn build_fetchers(job: &Job) -> Result<Vec<Fetcher>, CrawlError> {
    let mut built: Vec<(Option<&crate::config::Proxy>, Fetcher)> = Vec::new();
    let mut out = Vec::new();
    for site in &job.sites {
        let proxy = site.proxy.as_ref();
        let f = match built.iter().find(|(p, _)| *p == proxy) {
            Some((_, f)) => f.clone(),
            None => {
                let f = Fetcher::new(&job.crawl, proxy).map_err(|e| CrawlError::Setup(e.to_string()))?;
                built.push((proxy, f.clone()));
                f
            }
        };
        out.push(f);
    }
    Ok(out)
}

/// Every configured proxy must answer before the run is recorded.
async fn check_proxies(job: &Job) -> Result<(), CrawlError> {
    let mut checked: Vec<&crate::config::Proxy> = Vec::new();
    let timeout = Duration::from_millis(job.crawl.connect_timeout_ms.max(100));
    for p in job.sites.iter().filter_map(|s| s.proxy.as_ref()) {
        if !checked.contains(&p) {
            crate::fetch::proxy::check(p, job.crawl.allow_private, timeout).await?;
            checked.push(p);
        }
    }
    Ok(())
}

/// The event loop's state: the scheduler, the tasks in flight and the counts.
struct Engine {
    ctx: Arc<Ctx>,
    sched: Scheduler,
    tasks: JoinSet<TaskDone>,
    summary: Summary,
    progress: Progress,
    /// Listings seen in this process with their latest state and risk (one
    /// listing reached by several URLs counts once).
    seen_listings: HashMap<i64, (ListingState, Risk)>,
    store_failures: u32,
    /// Sites with listing pages stored pending (waiting for the template),
    /// with a count of pending pages reported (to tell whether more came
    /// while a task was analysing the site's pending listings).
    pending: BTreeMap<usize, u64>,
    /// Sites whose pending listings a task is analysing now, with the count
    /// when it started.
    deferring: BTreeMap<usize, u64>,
    /// The frontier is done: every pending listing is analysed now,
    /// whatever its site's template has learned.
    flushing: bool,
    /// Shared runs: when this worker last looked for entries nobody holds.
    last_poll: Option<Instant>,
    /// Shared runs: when this worker last renewed its leases.
    last_renewal: Instant,
}

impl Engine {
    /// Hosts with queued entries, and every site's own hosts.
    async fn load_hosts(&mut self) -> Result<(), CrawlError> {
        let run_id = self.ctx.run_id;
        for h in self.ctx.writer.call(move |s| s.queued_hosts(run_id)).await? {
            self.sched.add_host(&h);
        }
        for site in &self.ctx.job.sites {
            for h in &site.hosts {
                self.sched.add_host(h);
            }
        }
        Ok(())
    }

    /// Pages the resumed run learns each site's template from again.
    const RELEARN: usize = 200;

    /// Sites with listings still pending from before a resume; a resumed run
    /// relearns each site's template from the pages it already stored.
    async fn load_pending(&mut self, resumed: bool) -> Result<(), CrawlError> {
        let run_id = self.ctx.run_id;
        self.reload_pending().await?;
        if !resumed {
            return Ok(());
        }
        for (i, site) in self.ctx.job.sites.iter().enumerate() {
            let name = site.name.clone();
            let pages = self
                .ctx
                .writer
                .call(move |s| s.recent_pages(run_id, &name, Self::RELEARN))
                .await?;
            for p in pages.into_iter().rev() {
                let ctx = self.ctx.clone();
                let learned = self.ctx.analysis.run(move || analyse::learn_stored(&ctx, i, p)).await;
                if let Err(why) = learned {
                    tracing::error!("relearning a stored page failed (a bug; please report it): {why}");
                }
            }
        }
        Ok(())
    }

    /// The sites whose pages the database holds pending; true when any.
    async fn reload_pending(&mut self) -> Result<bool, CrawlError> {
        let run_id = self.ctx.run_id;
        let mut any = false;
        for site in self.ctx.writer.call(move |s| s.pending_sites(run_id)).await? {
            if let Some(i) = self.ctx.job.sites.iter().position(|s| s.name == site) {
                *self.pending.entry(i).or_default() += 1;
                any = true;
            }
        }
        Ok(any)
    }

    /// Starts a task for each site whose pending listings can be analysed
    /// now: its template is learned, or the frontier is done.
    fn start_deferred(&mut self) {
        let ready: Vec<(usize, u64)> = self
            .pending
            .iter()
            .filter(|(i, _)| !self.deferring.contains_key(i))
            .filter(|(i, _)| {
                self.flushing || analyse::is_mature(&self.ctx.templates[**i].lock().expect("template lock"))
            })
            .map(|(i, n)| (*i, *n))
            .collect();
        for (site, mark) in ready {
            self.deferring.insert(site, mark);
            self.tasks.spawn(task::guarded_deferred(self.ctx.clone(), site));
        }
    }

    /// Runs until the scheduler has nothing left (and every pending listing
    /// is analysed) or a stop was asked and the requests in flight are stored.
    async fn drive(&mut self, mut shutdown: watch::Receiver<bool>) -> Result<(), CrawlError> {
        let mut signals = true;
        loop {
            if *shutdown.borrow() && !self.summary.interrupted {
                self.summary.interrupted = true;
                self.sched.stop();
                tracing::warn!(
                    "stopping: waiting for {} requests in flight to be stored",
                    self.sched.inflight()
                );
            }
            let now = Instant::now();
            self.sched.release_due(now);
            if self.ctx.shared.is_some() {
                self.poll_shared(now).await?;
            }
            self.refill().await?;
            self.dispatch(now);
            if !self.summary.interrupted {
                if self.sched.finished() && !self.flushing {
                    self.flushing = self.frontier_done().await?;
                }
                self.start_deferred();
            }
            if self.sched.finished()
                && (self.summary.interrupted || self.pending.is_empty())
                && self.deferring.is_empty()
                && self.run_done().await?
            {
                return Ok(());
            }
            let sleep_for = self
                .sched
                .wake_at(now)
                .map_or(Duration::from_millis(500), |t| t.saturating_duration_since(now))
                .min(Duration::from_millis(500));
            tokio::select! {
                done = self.tasks.join_next(), if !self.tasks.is_empty() => match done {
                    Some(Ok(d)) => self.on_done(d).await?,
                    Some(Err(e)) => return Err(CrawlError::Setup(format!("a task was cancelled: {e}"))),
                    None => {}
                },
                _ = tokio::time::sleep(sleep_for) => {}
                changed = shutdown.changed(), if signals && !self.summary.interrupted => signals = changed.is_ok(),
            }
        }
    }

    /// Tops up host queues that run low from the database (in a shared
    /// run: entries leased to this worker).
    async fn refill(&mut self) -> Result<(), CrawlError> {
        let run_id = self.ctx.run_id;
        for (host, after) in self.sched.refills() {
            let h = host.clone();
            let (items, asked) = match &self.ctx.shared {
                None => {
                    let items = self
                        .ctx
                        .writer
                        .call(move |s| s.queued_for_host(run_id, &h, after, scheduler::REFILL_COUNT))
                        .await?;
                    (items, scheduler::REFILL_COUNT)
                }
                Some(sh) => {
                    let (owner, until) = (sh.owner.clone(), sh.lease_until());
                    let items = sh
                        .coord
                        .call(move |s| {
                            let ask = crate::store::LeaseAsk {
                                owner: &owner,
                                limit: shared::LEASE_BATCH,
                                now_ms: shared::now_ms(),
                                until_ms: until,
                            };
                            s.lease_for_host(run_id, &h, &ask)
                        })
                        .await?;
                    (items, shared::LEASE_BATCH)
                }
            };
            self.sched.refilled(&host, items, asked);
        }
        Ok(())
    }

    /// Shared runs, every [`shared::POLL`]: renews this worker's leases (at
    /// a quarter of their length) and queues the hosts whose entries nobody
    /// holds (other workers' new links, a dead worker's entries).
    async fn poll_shared(&mut self, now: Instant) -> Result<(), CrawlError> {
        let Some(sh) = &self.ctx.shared else {
            return Ok(());
        };
        if self.last_poll.is_some_and(|t| now.duration_since(t) < shared::POLL) {
            return Ok(());
        }
        self.last_poll = Some(now);
        let run_id = self.ctx.run_id;
        if now.duration_since(self.last_renewal) >= sh.lease / 4 {
            self.last_renewal = now;
            let (owner, until) = (sh.owner.clone(), sh.lease_until());
            sh.coord.call(move |s| s.renew_leases(run_id, &owner, until)).await?;
        }
        if self.summary.interrupted {
            return Ok(());
        }
        for h in sh
            .coord
            .call(move |s| s.claimable_hosts(run_id, shared::now_ms()))
            .await?
        {
            self.sched.add_host(&h);
        }
        let total = sh.coord.call(move |s| s.fetched_count(run_id)).await?;
        self.sched.saw_fetched(total);
        Ok(())
    }

    /// What a shared run has left (entries some worker may fetch, listings
    /// waiting for analysis); None when this process is alone on the run.
    async fn shared_left(&mut self) -> Result<Option<(u64, u64)>, CrawlError> {
        let Some(sh) = &self.ctx.shared else {
            return Ok(None);
        };
        let run_id = self.ctx.run_id;
        Ok(Some(sh.coord.call(move |s| s.work_left(run_id)).await?))
    }

    /// The frontier is exhausted for the whole run: this worker analyses
    /// every listing still pending, its own and the other workers'.
    async fn frontier_done(&mut self) -> Result<bool, CrawlError> {
        match self.shared_left().await? {
            None => Ok(true),
            Some((0, _)) => {
                self.reload_pending().await?;
                Ok(true)
            }
            Some(_) => Ok(false),
        }
    }

    /// True unless this is a shared run that still has entries (held by
    /// other workers, or waiting for a retry) or listings waiting for
    /// analysis: then this worker stays to take what they leave, and the run
    /// ends once, with the last.
    async fn run_done(&mut self) -> Result<bool, CrawlError> {
        if self.summary.interrupted || self.sched.capped() {
            return Ok(true);
        }
        Ok(matches!(self.shared_left().await?, None | Some((0, 0))))
    }

    /// Starts what the scheduler allows now.
    fn dispatch(&mut self, now: Instant) {
        while let Some(action) = self.sched.next(now) {
            let ctx = self.ctx.clone();
            match action {
                Action::Robots { host, url, site } => {
                    let site = self.ctx.site_index(&site);
                    let interval = self.sched.interval(&host);
                    let fut = task::fetch_robots(ctx, host.clone(), url, site, interval);
                    self.tasks.spawn(task::guarded(host, None, fut));
                }
                Action::Fetch { host, request } => {
                    let interval = self.sched.interval(&host);
                    let fut = task::polite(ctx, host.clone(), request.clone(), interval);
                    self.tasks.spawn(task::guarded(host, Some(request), fut));
                }
                Action::Skip { host, request } => {
                    let fut = task::skip(ctx, host.clone(), request.clone());
                    self.tasks.spawn(task::guarded(host, Some(request), fut));
                }
            }
        }
    }

    async fn on_done(&mut self, done: TaskDone) -> Result<(), CrawlError> {
        let now = Instant::now();
        match done {
            TaskDone::Robots { host, robots } => {
                if robots
                    .crawl_delay_ms()
                    .is_some_and(|d| d > self.ctx.job.crawl.max_wait_ms)
                {
                    self.summary.cut(Budget::MaxWaitMs);
                }
                if let (Some(sh), Some(d)) = (&self.ctx.shared, robots.crawl_delay_ms()) {
                    // The first page waits for the Crawl-delay, whichever worker asks it.
                    let d = Duration::from_millis(d.min(self.ctx.job.crawl.max_wait_ms));
                    sh.hold_host(&host, d).await;
                }
                let effects = self.sched.robots_loaded(&host, robots, now);
                self.apply(effects).await
            }
            TaskDone::Page { host, request, report } => self.on_page(&host, request, report, now).await,
            TaskDone::Deferred {
                site,
                reports,
                more,
                error,
            } => {
                let mark = self.deferring.remove(&site);
                // Done with the site, unless more pages were stored pending meanwhile.
                if error.is_some() || (!more && mark == self.pending.get(&site).copied()) {
                    self.pending.remove(&site);
                }
                for r in reports {
                    if let Some(c) = &r.committed {
                        self.sched.new_links(&c.hosts_with_new_links);
                    }
                    self.account(&self.ctx.job.sites[site].name.clone(), &r);
                }
                match error {
                    Some(e) => Err(CrawlError::Writer(format!("storing pending listings failed: {e}"))),
                    None => Ok(()),
                }
            }
            TaskDone::StoreFailed { host, request, error } => {
                if let Some(sh) = &self.ctx.shared {
                    // Not held while this worker renews its leases: another may store it.
                    let (run_id, owner, id) = (self.ctx.run_id, sh.owner.clone(), request.item.id);
                    sh.coord
                        .call(move |s| s.release_some(run_id, &owner, None, Some(id)))
                        .await?;
                }
                let effects = self
                    .sched
                    .page_done(&host, request, PageResult::Failed { pause: None }, now);
                self.store_failures += 1;
                self.count_failure(FailureKind::Store);
                tracing::error!("storing a page failed: {error}");
                if self.store_failures >= 10 {
                    return Err(CrawlError::Writer(format!("repeated database failures, last: {error}")));
                }
                self.apply(effects).await
            }
            TaskDone::Crashed { host, request, error } => {
                tracing::error!(host = %term_safe(&host), "a task crashed (a bug; please report it): {error}");
                let effects = self.sched.crashed(&host, request.is_none());
                if let Some(r) = request {
                    let why = format!("internal error (a bug; please report it): {error}");
                    self.fail_entry(r, why, FailureKind::Internal).await?;
                }
                self.apply(effects).await
            }
        }
    }

    async fn on_page(&mut self, host: &str, request: Request, report: Report, now: Instant) -> Result<(), CrawlError> {
        if let Some(c) = &report.committed {
            self.sched.new_links(&c.hosts_with_new_links);
        }
        if report.pending {
            *self.pending.entry(self.ctx.site_index(&request.item.site)).or_default() += 1;
        }
        self.account(&request.item.site, &report);
        match &report.result {
            PageResult::Stored | PageResult::NotModified => {
                self.summary.pages_fetched += 1;
                if matches!(report.result, PageResult::NotModified) {
                    self.summary.not_modified += 1;
                }
                self.progress.page();
            }
            PageResult::Retry { wait, host_wait } => {
                if let (Some(sh), Some(hw)) = (&self.ctx.shared, host_wait) {
                    sh.hold_host(host, *hw).await;
                }
                self.summary.retries += 1;
                tracing::debug!(url = %term_safe(&request.url), "retrying in {wait:?}");
            }
            PageResult::Skipped => self.summary.skipped_robots += 1,
            PageResult::Redirect(_) | PageResult::Failed { .. } => {}
        }
        let effects = self.sched.page_done(host, request, report.result, now);
        self.apply(effects).await
    }

    /// Counts what a stored outcome of `site` found: its listing, hits,
    /// budgets, selectors that missed, failure.
    fn account(&mut self, site: &str, report: &Report) {
        for b in &report.cuts {
            self.summary.cut(*b);
        }
        if !report.fields_missed.is_empty() {
            let missed = self.summary.selectors_missed.entry(site.to_string()).or_default();
            for f in &report.fields_missed {
                *missed.entry(f.clone()).or_default() += 1;
            }
        }
        if let Some(c) = &report.committed {
            if let (Some(id), Some(state), Some(risk)) = (c.listing_id, c.listing_state, c.risk) {
                self.summary.hits += report.hits as u64;
                if self.seen_listings.insert(id, (state, risk)).is_none() {
                    self.progress.listing(risk);
                }
            }
        }
        if let Some(kind) = report.failure {
            if kind == FailureKind::RetryAfterTooLong {
                self.summary.cut(Budget::MaxWaitMs);
            }
            self.count_failure(kind);
        }
    }

    fn count_failure(&mut self, kind: FailureKind) {
        *self.summary.errors.entry(kind).or_default() += 1;
        self.progress.error();
    }

    /// Records a pause and fails the entries that cannot go on.
    async fn apply(&mut self, effects: Effects) -> Result<(), CrawlError> {
        if let Some((host, why)) = effects.paused {
            if self.summary.hosts_paused.len() < summary::MAX_PAUSED_LISTED {
                tracing::warn!(host = %term_safe(&host), "pausing host for the rest of the run: {}", term_safe(&why));
                self.summary.hosts_paused.push((host.clone(), why.clone()));
            } else {
                self.summary.hosts_paused_more += 1;
            }
            let run_id = self.ctx.run_id;
            let h = host.clone();
            self.ctx.writer.call(move |s| s.pause_host(run_id, &h, &why)).await?;
            if let Some(sh) = &self.ctx.shared {
                // The host's entries this worker held go back, to wait for the next run.
                let owner = sh.owner.clone();
                sh.coord
                    .call(move |s| s.release_some(run_id, &owner, Some(&host), None))
                    .await?;
            }
        }
        for (request, why) in effects.failed {
            self.fail_entry(request, why, FailureKind::HostPaused).await?;
        }
        Ok(())
    }

    /// Marks an entry failed without a task (its request cannot go on).
    async fn fail_entry(&mut self, request: Request, why: String, kind: FailureKind) -> Result<(), CrawlError> {
        let o = Outcome::Failed {
            frontier_id: request.item.id,
            attempts: request.item.attempts.saturating_add(1),
            error: why,
        };
        self.ctx.writer.commit(o).await?;
        self.count_failure(kind);
        Ok(())
    }

    /// Ends the run: counts, status, `gone` when the frontier was exhausted.
    async fn finish(mut self, started: Instant) -> Result<Summary, CrawlError> {
        self.progress.finish();
        let run_id = self.ctx.run_id;
        let queued = self.ctx.writer.call(move |s| s.queued_count(run_id)).await?;
        let s = &mut self.summary;
        s.pages_total = self.sched.fetched();
        s.listings = self.seen_listings.len() as u64;
        for (state, risk) in self.seen_listings.values() {
            match state {
                ListingState::New => s.listings_new += 1,
                ListingState::Changed => s.listings_changed += 1,
                _ => {}
            }
            *s.by_risk.entry(risk.as_str().into()).or_default() += 1;
        }
        let max_pages = self.ctx.job.crawl.max_pages;
        s.complete = !s.interrupted && queued == 0;
        s.hit_page_cap = !s.interrupted && max_pages > 0 && s.pages_total >= max_pages && queued > 0;
        s.refused_links = self
            .ctx
            .refused
            .lock()
            .expect("refused lock")
            .iter()
            .map(|(k, v)| (k.to_string(), *v))
            .collect();
        s.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let status = if s.interrupted {
            RunStatus::Interrupted
        } else {
            RunStatus::Finished
        };
        s.queries = self
            .ctx
            .writer
            .call(move |st| st.query_stats(run_id))
            .await
            .unwrap_or_default();
        let sites: Vec<String> = self.ctx.job.sites.iter().map(|s| s.name.clone()).collect();
        s.worker = self.ctx.shared.as_ref().map(|sh| sh.owner.clone());
        let complete = s.complete;
        if let Some(sh) = &self.ctx.shared {
            let owner = sh.owner.clone();
            sh.coord.call(move |st| st.release_leases(run_id, &owner)).await?;
            // A worker that ends early (a signal, max_pages, hosts paused)
            // leaves the run to the others; the last one out records its end.
            if !complete
                && sh
                    .coord
                    .call(move |st| st.live_leases(run_id, shared::now_ms()))
                    .await?
                    > 0
            {
                return Ok(self.summary);
            }
        }
        let mut stats_summary = s.clone();
        stats_summary.ended_run = self.ctx.shared.is_some();
        let stats = serde_json::to_string(&stats_summary).unwrap_or_default();
        let ended = self
            .ctx
            .writer
            .call(move |st| st.finish_run(run_id, status, complete, &sites, &stats))
            .await?;
        self.summary.ended_run = ended && self.ctx.shared.is_some();
        Ok(self.summary)
    }
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
