//! `precwatch watch`: a long-running process that runs each job on its
//! `[job] schedule`, then sends its alerts. The decisions (what is due, how
//! missed runs and jitter work) are in `plan.rs`, with no clock; this file
//! carries them out.
//!
//! Invariants:
//! - One run at a time per process, and never two runs of one job at once
//!   anywhere: a run holds the job's lock in its database (`job_locks`),
//!   renewed while it goes on; a process that dies leaves a lease that
//!   expires or a dead pid, never a stuck job.
//! - An unfinished run (the process was killed or stopped) is resumed by the
//!   next start, as `crawl` resumes it.
//! - The job file and its rule packs are read again before each run: an edit
//!   applies from the next run; an edit that does not load is reported and
//!   the last good version runs.
//! - Alerts never fail a run: they are sent after it, each with a time limit,
//!   and what was not delivered goes with the next run's.

pub mod plan;
pub mod runs;

use crate::config::Job;
use crate::rules::RuleSet;
use crate::store::{LockHolder, LockOutcome, Store};
use anyhow::{Context, Result};
use plan::{LastRun, Next, Plan};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::sync::watch;

/// How long to wait before asking again for a job whose lock another process holds.
pub const BUSY_RETRY_MS: i64 = 30_000;
/// How often a running job's lock lease is renewed (well inside `LOCK_LEASE_MS`).
pub const RENEW_EVERY_MS: u64 = 30_000;

/// One watched job: its file, its last good parse, its rules and database.
struct Watched {
    path: PathBuf,
    job: Job,
    rules: Arc<RuleSet>,
    db: PathBuf,
}

/// The running watch: the jobs, their plan, this process's lock identity.
pub struct Watcher {
    jobs: Vec<Watched>,
    plan: Plan,
    holder: LockHolder,
    db_override: Option<PathBuf>,
    shutdown: watch::Receiver<bool>,
}

/// How one turn at a job ended.
enum Turn {
    /// It ran; `interrupted` when a signal stopped it.
    Ran { started_ms: i64, interrupted: bool },
    /// It could not run (a proxy down, another crawl writing the database): try again soon.
    Failed,
    /// Another process holds its lock.
    Busy,
}

/// How long after a failed run a job is tried again (or its period, if shorter).
pub const FAILED_RETRY_MS: i64 = 300_000;

fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

fn log(msg: &str) {
    eprintln!("{} {}", crate::store::now(), crate::escape::term_safe(msg));
}

/// The rules a job runs with: its `rules` packs (with the bundled ones unless
/// `bundled_rules = false`), else the bundled packs. `crawl`, `queries` and
/// `watch` all load them here.
pub fn job_rules(job: &Job) -> Result<RuleSet> {
    Ok(if job.rules.is_empty() && job.bundled_rules {
        RuleSet::bundled()?
    } else {
        RuleSet::load(&job.rules, job.bundled_rules)?
    })
}

impl Watcher {
    /// Reads every job (each needs a schedule; names must differ) and plans
    /// them from their newest runs.
    pub fn new(configs: &[PathBuf], db: Option<PathBuf>, shutdown: watch::Receiver<bool>) -> Result<Watcher> {
        let mut jobs: Vec<Watched> = Vec::new();
        for path in configs {
            let job = Job::from_file(path)?;
            if job.schedule.is_none() {
                anyhow::bail!(
                    "{}: job {:?} has no [job] schedule: add one (\"6h\", or a cron expression such as \"0 */6 * * *\")",
                    path.display(),
                    job.name
                );
            }
            if let Some(other) = jobs.iter().find(|w| w.job.name == job.name) {
                anyhow::bail!(
                    "{} and {} both name the job {:?}: job names must differ",
                    other.path.display(),
                    path.display(),
                    job.name
                );
            }
            let rules = Arc::new(job_rules(&job).with_context(|| format!("rules of {}", path.display()))?);
            let db = job_db(&job, db.as_deref());
            jobs.push(Watched {
                path: path.clone(),
                job,
                rules,
                db,
            });
        }
        let mut plan = Plan::new(
            jobs.iter()
                .map(|w| (w.job.schedule.clone().expect("checked"), w.job.jitter_ms)),
        );
        let now = now_ms();
        for (i, w) in jobs.iter().enumerate() {
            let last = Store::open(&w.db)?.last_run(&w.job.name)?;
            let last = last.map(|(_, started_ms, status)| LastRun {
                started_ms,
                unfinished: status != "finished",
            });
            plan.start(i, last, now, fastrand::f64());
        }
        Ok(Watcher {
            jobs,
            plan,
            holder: LockHolder::this_process(),
            db_override: db,
            shutdown,
        })
    }

    /// Runs jobs as they fall due until a signal: 0 when stopped between
    /// runs, 130 when a run was stopped (the next start resumes it).
    pub async fn run(mut self) -> Result<i32> {
        for (i, w) in self.jobs.iter().enumerate() {
            let schedule = w.job.schedule.as_ref().map(ToString::to_string).unwrap_or_default();
            log(&format!(
                "watching job {:?} ({schedule}) into {}; next run {}",
                w.job.name,
                crate::store::shown(&w.db),
                when(self.plan.due(i))
            ));
        }
        loop {
            if *self.shutdown.borrow() {
                return Ok(0);
            }
            match self.plan.next(now_ms()) {
                Next::Wait(until) => {
                    if !self.wait(until).await {
                        log("stopped between runs");
                        return Ok(0);
                    }
                }
                Next::Run(i) => match self.turn(i).await {
                    Turn::Busy => self.plan.retry_later(i, now_ms(), BUSY_RETRY_MS),
                    Turn::Failed => {
                        let period = self.jobs[i].job.schedule.as_ref().map_or(0, |s| s.period_ms(now_ms()));
                        self.plan
                            .retry_later(i, now_ms(), FAILED_RETRY_MS.min(period.max(1_000)));
                        log(&format!(
                            "job {:?}: tried again {}",
                            self.jobs[i].job.name,
                            when(self.plan.due(i))
                        ));
                    }
                    Turn::Ran { interrupted: true, .. } => {
                        log("stopped during a run: the next start resumes it");
                        return Ok(130);
                    }
                    Turn::Ran { started_ms, .. } => {
                        let w = &self.jobs[i];
                        let schedule = w.job.schedule.clone().expect("checked");
                        self.plan
                            .ran(i, schedule, w.job.jitter_ms, started_ms, now_ms(), fastrand::f64());
                        log(&format!("job {:?}: next run {}", w.job.name, when(self.plan.due(i))));
                    }
                },
            }
        }
    }

    /// Sleeps until `until` (or forever); false when a signal came first.
    async fn wait(&mut self, until: Option<i64>) -> bool {
        let sleep = async {
            match until {
                Some(t) => {
                    tokio::time::sleep(std::time::Duration::from_millis(
                        t.saturating_sub(now_ms()).max(0) as u64
                    ))
                    .await
                }
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = sleep => true,
            _ = self.shutdown.changed() => false,
        }
    }

    /// Reads job `i`'s file and rules again; keeps the last good ones when they do not load.
    fn reload(&mut self, i: usize) {
        let w = &mut self.jobs[i];
        let fresh = Job::from_file(&w.path).map_err(anyhow::Error::from).and_then(|job| {
            if job.name != w.job.name || job.schedule.is_none() {
                anyhow::bail!("the job's name must stay {:?} and it needs a schedule", w.job.name);
            }
            let rules = job_rules(&job)?;
            Ok((job, rules))
        });
        match fresh {
            Ok((job, rules)) => {
                w.db = job_db(&job, self.db_override.as_deref());
                w.job = job;
                w.rules = Arc::new(rules);
            }
            Err(e) => log(&format!(
                "{}: not reloaded, running the last good version: {}",
                w.path.display(),
                crate::app::chain(&e)
            )),
        }
    }

    /// Takes job `i`'s lock, runs it, sends its alerts, gives the lock back.
    async fn turn(&mut self, i: usize) -> Turn {
        self.reload(i);
        let w = &self.jobs[i];
        let name = w.job.name.clone();
        let lock = Store::open(&w.db).and_then(|mut s| s.try_lock_job(&name, &self.holder, now_ms()));
        match lock {
            Ok(LockOutcome::Taken) => {}
            Ok(LockOutcome::HeldBy { pid, host, .. }) => {
                log(&format!(
                    "job {name:?}: another process runs it (pid {pid} on {host}); trying again later"
                ));
                return Turn::Busy;
            }
            Err(e) => {
                log(&format!("job {name:?}: cannot take its lock: {e}; trying again later"));
                return Turn::Busy;
            }
        }
        let renewer = self.renew_lock(i);
        let started_ms = now_ms();
        let outcome = self.crawl(i).await;
        renewer.abort();
        let w = &self.jobs[i];
        if let Err(e) = Store::open(&w.db).and_then(|mut s| s.release_job_lock(&name, &self.holder)) {
            log(&format!(
                "job {name:?}: cannot release its lock (it expires by itself): {e}"
            ));
        }
        match outcome {
            Some(interrupted) => Turn::Ran {
                started_ms,
                interrupted,
            },
            None => Turn::Failed,
        }
    }

    /// Runs job `i` once and sends its alerts: Some(true) when a signal
    /// stopped the run, None when it could not run.
    async fn crawl(&self, i: usize) -> Option<bool> {
        let w = &self.jobs[i];
        log(&format!("job {:?}: run starting", w.job.name));
        let options = crate::crawl::CrawlOptions { progress: false };
        let summary = crate::crawl::run(&w.job, w.rules.clone(), &w.db, &options, self.shutdown.clone()).await;
        match summary {
            Ok(summary) => {
                print!("{}", summary.render());
                if summary.interrupted {
                    return Some(true);
                }
                // The text index catches up now, between runs, so a search in
                // the web UI does not wait for it.
                if let Err(e) = Store::open(&w.db).and_then(|s| s.index_search()) {
                    log(&format!(
                        "job {:?}: text index not updated (the next search will): {e}",
                        w.job.name
                    ));
                }
                for report in crate::alert::deliver_all(&w.job, &w.db, summary.run_id).await {
                    log(&format!("job {:?}: {}", w.job.name, report.render()));
                }
                Some(false)
            }
            Err(e) => {
                log(&format!(
                    "job {:?}: run failed: {}",
                    w.job.name,
                    crate::config::one_line(&e.to_string())
                ));
                (*self.shutdown.borrow()).then_some(true)
            }
        }
    }

    /// Renews job `i`'s lock lease every [`RENEW_EVERY_MS`] until aborted.
    fn renew_lock(&self, i: usize) -> tokio::task::JoinHandle<()> {
        let (db, name, holder) = (
            self.jobs[i].db.clone(),
            self.jobs[i].job.name.clone(),
            self.holder.clone(),
        );
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_millis(RENEW_EVERY_MS)).await;
                match Store::open(&db).and_then(|mut s| s.renew_job_lock(&name, &holder, now_ms())) {
                    Ok(true) => {}
                    Ok(false) => {
                        // Its lease ran out (the machine slept, the database was
                        // busy) and another process took it: say so once.
                        log(&format!(
                            "job {name:?}: its lock lease ran out and another process took it; this run goes on"
                        ));
                        return;
                    }
                    Err(e) => log(&format!("job {name:?}: cannot renew its lock: {e}")),
                }
            }
        })
    }
}

/// The database of a job: `--db`, else the job's `db`, else the default.
pub fn job_db(job: &Job, db: Option<&Path>) -> PathBuf {
    db.map(Path::to_path_buf)
        .or_else(|| job.db.clone())
        .unwrap_or_else(|| PathBuf::from("db/precwatch.sqlite"))
}

fn when(ms: Option<i64>) -> String {
    match ms.and_then(|ms| time::OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000).ok()) {
        Some(t) if ms.unwrap_or(0) <= now_ms() => format!("now ({})", crate::store::timestamp(t.into())),
        Some(t) => crate::store::timestamp(t.into()),
        None => "never".into(),
    }
}
