//! Fetch tasks: one request each. A task fetches, classifies the answer
//! (page, redirect hop, transient failure, failure) with the scheduler's
//! retry policy, has the page analysed on the analysis pool, commits the
//! outcome through the writer and reports back. A panic anywhere in a task is
//! caught and reported with a short, terminal-safe reason.

use super::analyse::analyse;
use super::scheduler::{PageResult, Request, RetryDecision};
use super::summary::{Budget, FailureKind};
use super::Ctx;
use crate::escape::{short, term_safe};
use crate::fetch::robots::{agent_token, Robots};
use crate::fetch::{check_hop, retry_after, Answer, FetchError, Fetched};
use crate::store::{Committed, Outcome};
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use url::Url;

/// What a task reports back to the engine.
pub(crate) enum TaskDone {
    /// A request ended (stored, redirected, retried, failed or skipped).
    Page {
        host: String,
        request: Request,
        report: Report,
    },
    /// robots.txt of a host.
    Robots { host: String, robots: Robots },
    /// The outcome could not be stored (the entry stays queued).
    StoreFailed {
        host: String,
        request: Request,
        error: String,
    },
    /// Pending listings of a site were analysed and stored (`reports`, one
    /// per page); `more` when others still wait.
    Deferred {
        site: usize,
        reports: Vec<Report>,
        more: bool,
        error: Option<String>,
    },
    /// The task panicked (a bug, caught). `request` is None for robots.txt tasks.
    Crashed {
        host: String,
        request: Option<Request>,
        error: String,
    },
}

/// How one request went.
pub(crate) struct Report {
    pub result: PageResult,
    pub committed: Option<Committed>,
    /// Why the entry failed, when it did.
    pub failure: Option<FailureKind>,
    pub hits: usize,
    pub cuts: Vec<Budget>,
    /// Field selectors that matched nothing on this listing page.
    pub fields_missed: Vec<String>,
    /// The page was stored with its listing pending.
    pub pending: bool,
}

impl Report {
    fn new(result: PageResult) -> Report {
        Report {
            result,
            committed: None,
            failure: None,
            hits: 0,
            cuts: Vec::new(),
            fields_missed: Vec::new(),
            pending: false,
        }
    }
}

/// A panic payload as a short, terminal-safe line.
pub(crate) fn panic_reason(p: &(dyn std::any::Any + Send)) -> String {
    let msg = p
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into());
    term_safe(&short(&msg, 160))
}

/// Runs a task so that a panic inside it reports back instead of losing the
/// host's slot or the run.
pub(crate) async fn guarded(
    host: String,
    request: Option<Request>,
    fut: impl std::future::Future<Output = TaskDone>,
) -> TaskDone {
    use futures_util::FutureExt;
    match std::panic::AssertUnwindSafe(fut).catch_unwind().await {
        Ok(d) => d,
        Err(p) => TaskDone::Crashed {
            host,
            request,
            error: panic_reason(&*p),
        },
    }
}

/// [`deferred`] with a panic reported as that site's failure, so the
/// engine never mistakes it for a request's.
pub(crate) async fn guarded_deferred(ctx: Arc<Ctx>, site: usize) -> TaskDone {
    use futures_util::FutureExt;
    match std::panic::AssertUnwindSafe(deferred(ctx, site)).catch_unwind().await {
        Ok(d) => d,
        Err(p) => deferred_done(
            site,
            Vec::new(),
            false,
            Some(format!(
                "internal error (a bug; please report it): {}",
                panic_reason(&*p)
            )),
        ),
    }
}

/// [`process`], after this worker has claimed the host's next slot when
/// the run is shared with other workers (so the interval holds across them).
pub(crate) async fn polite(ctx: Arc<Ctx>, host: String, request: Request, interval: Duration) -> TaskDone {
    if let Some(sh) = &ctx.shared {
        match sh.wait_for_slot(&host, interval).await {
            Ok(()) => {}
            Err(super::shared::Refused::Paused(why)) => {
                // Paused here too; the entry stays queued, as a paused host's entries do.
                let why = format!("paused by another worker: {why}");
                let report = Report::new(PageResult::Failed { pause: Some(why) });
                return TaskDone::Page { host, request, report };
            }
            Err(super::shared::Refused::Database(e)) => {
                let attempt = request.item.attempts.saturating_add(1);
                let why = format!("the shared database did not answer a politeness claim: {e}");
                return transient(ctx, host, request, attempt, why, None).await;
            }
        }
    }
    process(ctx, host, request).await
}

/// Fetches one request and commits what it found.
pub(crate) async fn process(ctx: Arc<Ctx>, host: String, request: Request) -> TaskDone {
    let attempt = request.item.attempts.saturating_add(1);
    let site_idx = ctx.site_index(&request.item.site);
    let url = match Url::parse(&request.url) {
        Ok(u) => u,
        Err(e) => {
            let why = format!("bad URL: {e}");
            return fail(ctx, host, request, FailureKind::BadUrl, why, None).await;
        }
    };
    let conditional = conditional_headers(&ctx, site_idx, &request);
    let answer = ctx.fetchers[site_idx].request_with(&url, &conditional).await;
    match answer {
        Err(e) if e.is_transient() => transient(ctx, host, request, attempt, e.to_string(), None).await,
        Err(e) => {
            let pause = matches!(e, FetchError::Refused(_)).then(|| e.to_string());
            fail(ctx, host, request, FailureKind::from(&e), e.to_string(), pause).await
        }
        Ok(Answer::Redirect { status, location }) => {
            match check_hop(&request.redirects, &url, &location, ctx.job.crawl.max_redirects) {
                Ok(()) => {
                    let mut next = request.clone();
                    next.redirects.push((status, request.url.clone()));
                    next.url = location.to_string();
                    let report = Report::new(PageResult::Redirect(Box::new(next)));
                    TaskDone::Page { host, request, report }
                }
                Err(e) => fail(ctx, host, request, FailureKind::from(&e), e.to_string(), None).await,
            }
        }
        Ok(Answer::Page(f)) if f.status == 429 || (500..600).contains(&f.status) => {
            let wait = f.header("retry-after").and_then(|v| retry_after(v, SystemTime::now()));
            transient(ctx, host, request, attempt, format!("HTTP {}", f.status), wait).await
        }
        Ok(Answer::Page(f)) if f.status == 304 && !conditional.is_empty() => {
            not_modified(ctx, host, request, site_idx, f).await
        }
        Ok(Answer::Page(f)) => stored(ctx, host, request, site_idx, f).await,
    }
}

/// `If-None-Match` / `If-Modified-Since` from what an earlier run stored for
/// this URL, when the page would be analysed the same way now (same rules and
/// extraction settings). Only the entry's own URL is asked conditionally.
fn conditional_headers<'a>(ctx: &Ctx, site_idx: usize, request: &'a Request) -> Vec<(&'static str, &'a str)> {
    let Some(v) = request.item.validators.as_ref() else {
        return Vec::new();
    };
    if !request.redirects.is_empty() || v.analysis_key != ctx.analysis_keys[site_idx] {
        return Vec::new();
    }
    let mut h = Vec::new();
    if let Some(e) = &v.etag {
        h.push(("if-none-match", e.as_str()));
    }
    if let Some(m) = &v.last_modified {
        h.push(("if-modified-since", m.as_str()));
    }
    h
}

/// 304 Not Modified: a sighting of the listing's current version, no new
/// version, no analysis.
async fn not_modified(ctx: Arc<Ctx>, host: String, request: Request, site_idx: usize, f: Fetched) -> TaskDone {
    let Some(validators) = request.item.validators.clone() else {
        return stored(ctx, host, request, site_idx, f).await;
    };
    let page = super::analyse::page_record(&request.item.url, &request.redirects, &f, None);
    let o = Outcome::NotModified {
        frontier_id: request.item.id,
        page: Box::new(page),
        validators,
    };
    commit(ctx, host, request, o, Report::new(PageResult::NotModified)).await
}

/// A transient failure: retried, given up, or the host paused, as the
/// scheduler's retry policy decides.
async fn transient(
    ctx: Arc<Ctx>,
    host: String,
    request: Request,
    attempt: u32,
    error: String,
    asked: Option<Duration>,
) -> TaskDone {
    let jitter = 0.5 + fastrand::f64();
    match ctx.limits.retry(attempt, asked, jitter) {
        RetryDecision::Retry { wait, host_wait } => {
            let not_before = SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap_or_default()
                .saturating_add(wait);
            let o = Outcome::Retry {
                frontier_id: request.item.id,
                attempts: attempt,
                not_before_ms: i64::try_from(not_before.as_millis()).unwrap_or(i64::MAX),
                error,
            };
            let mut report = Report::new(PageResult::Retry { wait, host_wait });
            report.committed = match ctx.writer.commit(o).await {
                Ok(c) => Some(c),
                Err(e) => {
                    let error = e.to_string();
                    return TaskDone::StoreFailed { host, request, error };
                }
            };
            TaskDone::Page { host, request, report }
        }
        RetryDecision::GiveUp => {
            let why = format!("{error} (after {attempt} attempts)");
            fail(ctx, host, request, FailureKind::GaveUp, why, None).await
        }
        RetryDecision::TooLong { asked } => {
            let why = format!("{error} asked to wait {}s (more than max_wait_ms)", asked.as_secs());
            fail(
                ctx,
                host,
                request,
                FailureKind::RetryAfterTooLong,
                why.clone(),
                Some(why),
            )
            .await
        }
    }
}

/// The entry failed for good; `pause` also pauses the host that answered.
async fn fail(
    ctx: Arc<Ctx>,
    host: String,
    request: Request,
    kind: FailureKind,
    error: String,
    pause: Option<String>,
) -> TaskDone {
    let o = Outcome::Failed {
        frontier_id: request.item.id,
        attempts: request.item.attempts.saturating_add(1),
        error,
    };
    let mut report = Report::new(PageResult::Failed { pause });
    report.failure = Some(kind);
    commit(ctx, host, request, o, report).await
}

/// A response to keep: analysed on the analysis pool, then committed.
async fn stored(ctx: Arc<Ctx>, host: String, request: Request, site_idx: usize, f: Fetched) -> TaskDone {
    let (ctx2, r) = (ctx.clone(), request.clone());
    let analysed = ctx
        .analysis
        .run(move || analyse(&ctx2, site_idx, &r.item, &r.redirects, f))
        .await;
    match analysed {
        Ok(a) => {
            let mut report = Report::new(PageResult::Stored);
            report.hits = a.hits;
            report.cuts = a.cuts;
            report.fields_missed = a.fields_missed;
            report.pending = a.pending;
            commit(ctx, host, request, a.outcome, report).await
        }
        Err(reason) => {
            let why = format!("internal error while analysing the page (a bug; please report it): {reason}");
            tracing::error!(url = %term_safe(&request.url), "{why}");
            fail(ctx, host, request, FailureKind::Internal, why, None).await
        }
    }
}

async fn commit(ctx: Arc<Ctx>, host: String, request: Request, o: Outcome, mut report: Report) -> TaskDone {
    match ctx.writer.commit(o).await {
        Ok(c) => {
            report.committed = Some(c);
            TaskDone::Page { host, request, report }
        }
        Err(e) => {
            let error = e.to_string();
            TaskDone::StoreFailed { host, request, error }
        }
    }
}

/// Pages a deferred task reads and analyses at a time.
const DEFERRED_BATCH: usize = 16;

/// Analyses and stores the pending listings of a site, a batch at a time.
pub(crate) async fn deferred(ctx: Arc<Ctx>, site: usize) -> TaskDone {
    let (run_id, name) = (ctx.run_id, ctx.job.sites[site].name.clone());
    let pages = match ctx
        .writer
        .call(move |s| s.pending_pages(run_id, &name, DEFERRED_BATCH))
        .await
    {
        Ok(p) => p,
        Err(e) => return deferred_done(site, Vec::new(), false, Some(e.to_string())),
    };
    let more = pages.len() == DEFERRED_BATCH;
    let mut reports = Vec::with_capacity(pages.len());
    for p in pages {
        let (ctx2, page_id) = (ctx.clone(), p.page_id);
        let outcome = match ctx
            .analysis
            .run(move || super::analyse::analyse_stored(&ctx2, site, p))
            .await
        {
            Ok(a) => {
                let mut report = Report::new(PageResult::Stored);
                report.hits = a.hits;
                report.cuts = a.cuts;
                report.fields_missed = a.fields_missed;
                Ok((a.outcome, report))
            }
            Err(reason) => Err(format!(
                "internal error analysing stored page {page_id} (a bug; please report it): {reason}"
            )),
        };
        match outcome {
            Ok((o, mut report)) => match ctx.writer.commit(o).await {
                Ok(c) => {
                    report.committed = Some(c);
                    reports.push(report);
                }
                Err(e) => return deferred_done(site, reports, false, Some(e.to_string())),
            },
            Err(why) => {
                // The page stays stored without a listing, not pending forever.
                tracing::error!("{why}");
                if let Err(e) = ctx.writer.call(move |s| s.clear_pending(page_id)).await {
                    return deferred_done(site, reports, false, Some(e.to_string()));
                }
                let mut report = Report::new(PageResult::Failed { pause: None });
                report.failure = Some(FailureKind::Internal);
                reports.push(report);
            }
        }
    }
    deferred_done(site, reports, more, None)
}

fn deferred_done(site: usize, reports: Vec<Report>, more: bool, error: Option<String>) -> TaskDone {
    TaskDone::Deferred {
        site,
        reports,
        more,
        error,
    }
}

/// Records an entry robots.txt disallows, without fetching it.
pub(crate) async fn skip(ctx: Arc<Ctx>, host: String, request: Request) -> TaskDone {
    let reason = if request.redirects.is_empty() {
        "disallowed by robots.txt"
    } else {
        "redirect target disallowed by robots.txt"
    };
    let o = Outcome::Skipped {
        frontier_id: request.item.id,
        reason: reason.into(),
    };
    commit(ctx, host, request, o, Report::new(PageResult::Skipped)).await
}

/// Fetches (or, on resume, reloads) robots.txt of `host`; `sample_url` is any URL on it.
pub(crate) async fn fetch_robots(
    ctx: Arc<Ctx>,
    host: String,
    sample_url: String,
    site_idx: usize,
    interval: Duration,
) -> TaskDone {
    let agent = agent_token(&ctx.job.crawl.user_agent).to_string();
    let run_id = ctx.run_id;
    let h = host.clone();
    if let Some(sh) = &ctx.shared {
        // One worker fetches it for the run; the others read its answer.
        let claimed = match sh.robots(&host).await {
            Ok(Some((status, body))) => Err(Robots::from_response(&agent, status, body.as_bytes())),
            Ok(None) => sh.wait_for_slot(&host, interval).await.map_err(|e| match e {
                super::shared::Refused::Paused(why) => Robots::DisallowAll(why),
                super::shared::Refused::Database(e) => Robots::DisallowAll(format!("robots.txt: {e}")),
            }),
            Err(super::shared::Refused::Paused(why)) => Err(Robots::DisallowAll(why)),
            Err(super::shared::Refused::Database(e)) => Err(Robots::DisallowAll(format!("robots.txt: {e}"))),
        };
        if let Err(robots) = claimed {
            return TaskDone::Robots { host, robots };
        }
    } else if let Ok(Some((status, body))) = ctx.writer.call(move |s| s.host_robots(run_id, &h)).await {
        let robots = Robots::from_response(&agent, status, body.as_bytes());
        return TaskDone::Robots { host, robots };
    }
    let robots_url = Url::parse(&sample_url).ok().and_then(|u| u.join("/robots.txt").ok());
    let (status, body) = match robots_url {
        Some(u) => match ctx.fetchers[site_idx].get(&u).await {
            Ok(f) => (
                f.status,
                String::from_utf8_lossy(&f.body[..f.body.len().min(512 * 1024)]).into_owned(),
            ),
            // Not saved: a resumed run asks again.
            Err(e) => {
                let robots = Robots::DisallowAll(format!("robots.txt: {e}"));
                return TaskDone::Robots { host, robots };
            }
        },
        None => (404, String::new()),
    };
    // PostgreSQL's text cannot hold NUL (nor can a robots.txt worth reading).
    let (h, b) = (host.clone(), body.replace('\0', ""));
    let _ = ctx
        .writer
        .call(move |s| s.save_host_robots(run_id, &h, status, &b))
        .await;
    let robots = Robots::from_response(&agent, status, body.as_bytes());
    TaskDone::Robots { host, robots }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_task_reports_as_crashed() {
        let d = guarded("h".into(), None, async { panic!("boom \x00") }).await;
        match d {
            TaskDone::Crashed { host, request, error } => {
                assert_eq!((host.as_str(), request, error.as_str()), ("h", None, "boom \\u{0}"));
            }
            _ => panic!("expected Crashed"),
        }
    }
}
