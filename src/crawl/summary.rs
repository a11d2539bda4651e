//! What a run did: counted by the engine, printed at the end, stored with the
//! run (`runs.stats_json`).

use std::collections::BTreeMap;

/// Why a frontier entry ended without a stored page. The names are stable:
/// they key `errors` in the summary and the stored statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailureKind {
    /// The request timed out.
    Timeout,
    /// The connection could not be made.
    Connect,
    /// The address guard refused the address or name.
    Refused,
    /// A redirect led back to a URL already visited.
    RedirectLoop,
    /// More redirects than `max_redirects`.
    TooManyRedirects,
    /// A redirect without a usable Location.
    BadRedirect,
    /// The body could not be read.
    Body,
    /// Any other HTTP client failure.
    Other,
    /// The queued URL does not parse.
    BadUrl,
    /// Transient failures outlasted `retries`.
    GaveUp,
    /// The server asked to wait longer than `max_wait_ms`.
    RetryAfterTooLong,
    /// A stage of precwatch failed on this page (a bug, caught; the crawl went on).
    Internal,
    /// The page could not be stored.
    Store,
    /// A redirect led to a host paused for the rest of the run.
    HostPaused,
}

impl FailureKind {
    /// The stable name (`redirect-loop`, `gave-up`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::Timeout => "timeout",
            FailureKind::Connect => "connect",
            FailureKind::Refused => "refused",
            FailureKind::RedirectLoop => "redirect-loop",
            FailureKind::TooManyRedirects => "too-many-redirects",
            FailureKind::BadRedirect => "bad-redirect",
            FailureKind::Body => "body",
            FailureKind::Other => "other",
            FailureKind::BadUrl => "bad-url",
            FailureKind::GaveUp => "gave-up",
            FailureKind::RetryAfterTooLong => "retry-after-too-long",
            FailureKind::Internal => "internal",
            FailureKind::Store => "store",
            FailureKind::HostPaused => "host-paused",
        }
    }
}

impl From<&crate::fetch::FetchError> for FailureKind {
    fn from(e: &crate::fetch::FetchError) -> FailureKind {
        use crate::fetch::FetchError as E;
        match e {
            E::Timeout => FailureKind::Timeout,
            E::Connect(_) => FailureKind::Connect,
            E::Refused(_) => FailureKind::Refused,
            E::RedirectLoop(_) => FailureKind::RedirectLoop,
            E::TooManyRedirects(_) => FailureKind::TooManyRedirects,
            E::BadRedirect(_) => FailureKind::BadRedirect,
            E::Body(_) => FailureKind::Body,
            E::Other(_) => FailureKind::Other,
        }
    }
}

/// A per-page budget of the job file that cut something: the summary names
/// the key to raise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Budget {
    /// A body was cut at `max_body_bytes`.
    MaxBodyBytes,
    /// Hits of one rule beyond `max_hits_per_rule` were not stored.
    MaxHitsPerRule,
    /// Hits beyond `max_hits_per_listing` were not stored.
    MaxHitsPerListing,
    /// HTML deeper than `max_nesting_depth` was flattened to text.
    MaxNestingDepth,
    /// Seller identifiers beyond `max_identifiers_per_listing` were not stored.
    MaxIdentifiersPerListing,
    /// Links beyond `max_links_per_page` were not followed.
    MaxLinksPerPage,
    /// A listing's text beyond the matcher's fixed 128 MiB was not matched: not a job key.
    TextBytes,
    /// Markup beyond the parser's fixed caps was removed (attributes past 64
    /// in a tag, formatting elements past 12 open at once): not a job key.
    Markup,
    /// A Retry-After or Crawl-delay beyond `max_wait_ms` paused a host.
    MaxWaitMs,
}

impl Budget {
    /// The job-file key of the budget.
    pub fn key(self) -> &'static str {
        match self {
            Budget::MaxBodyBytes => "max_body_bytes",
            Budget::MaxHitsPerRule => "max_hits_per_rule",
            Budget::MaxHitsPerListing => "max_hits_per_listing",
            Budget::MaxNestingDepth => "max_nesting_depth",
            Budget::MaxIdentifiersPerListing => "max_identifiers_per_listing",
            Budget::MaxLinksPerPage => "max_links_per_page",
            Budget::Markup => "markup (fixed caps)",
            Budget::TextBytes => "text over 128 MiB (fixed)",
            Budget::MaxWaitMs => "max_wait_ms",
        }
    }
}

/// Paused hosts named one by one in the summary; a site that redirects to
/// thousands of refused hosts gets a count for the rest.
pub const MAX_PAUSED_LISTED: usize = 50;

/// What a run did: printed at the end and stored with the run.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Summary {
    /// The run's id in the database.
    pub run_id: i64,
    /// This process continued an unfinished run.
    pub resumed: bool,
    /// Pages fetched in this process (any status).
    pub pages_fetched: u64,
    /// Pages fetched by the run in total, including before a resume.
    pub pages_total: u64,
    /// Distinct listings seen in this process.
    pub listings: u64,
    /// Of those, first seen in this run.
    pub listings_new: u64,
    /// Of those, with a new version in this run.
    pub listings_changed: u64,
    /// Hits stored.
    pub hits: u64,
    /// Listings by risk name.
    pub by_risk: BTreeMap<String, u64>,
    /// Entries that ended without a page, by why.
    pub errors: BTreeMap<FailureKind, u64>,
    /// Retries of transient failures.
    pub retries: u64,
    /// Conditional requests answered 304 Not Modified (listings seen unchanged, not fetched again).
    pub not_modified: u64,
    /// Entries robots.txt disallowed.
    pub skipped_robots: u64,
    /// Links not admitted to the frontier, by why.
    pub refused_links: BTreeMap<String, u64>,
    /// Pages (or hosts, for `max_wait_ms`) on which a budget cut something.
    pub budgets: BTreeMap<Budget, u64>,
    /// Per site, the field selectors that matched nothing on listing pages
    /// (pages counted): the site's layout has probably changed, and those
    /// listings were read by the generic extractor.
    pub selectors_missed: BTreeMap<String, BTreeMap<String, u64>>,
    /// Hosts paused for the rest of the run, with why: the first
    /// [`MAX_PAUSED_LISTED`] (every pause is in the database: `hosts.pause_reason`).
    pub hosts_paused: Vec<(String, String)>,
    /// Hosts paused beyond those listed.
    pub hosts_paused_more: u64,
    /// Wall time of this process's part of the run.
    pub duration_ms: u64,
    /// The frontier was exhausted (no cap, no pause, no interruption).
    pub complete: bool,
    /// Stopped by a signal.
    pub interrupted: bool,
    /// Stopped at `max_pages` with URLs left.
    pub hit_page_cap: bool,
    /// Per site search query: result pages, listings found, flagged, hits (whole run).
    #[serde(default)]
    pub queries: Vec<crate::store::QueryStats>,
    /// A run shared over PostgreSQL: this worker's name (`frontier.lease_owner`);
    /// the counts above are this worker's share.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker: Option<String>,
    /// A shared run: this worker recorded the run's end (the last to finish).
    #[serde(default)]
    pub ended_run: bool,
}

/// Queries the summary lists one by one (all are in the stored stats).
pub const MAX_QUERIES_SHOWN: usize = 30;

impl Summary {
    /// Counts one page (or host) on which `budget` cut something.
    pub fn cut(&mut self, budget: Budget) {
        *self.budgets.entry(budget).or_default() += 1;
    }

    /// A few readable lines for a person.
    pub fn render(&self) -> String {
        let secs = self.duration_ms as f64 / 1000.0;
        let rate = if secs > 0.0 {
            self.pages_fetched as f64 / secs
        } else {
            0.0
        };
        let mut s = format!(
            "run {}{}: {} pages fetched in {secs:.1}s ({rate:.0}/s), {} listings ({} new, {} changed), {} hits\n",
            self.run_id,
            if self.resumed { " (resumed)" } else { "" },
            self.pages_fetched,
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
        if let Some(w) = &self.worker {
            s.push_str(&format!(
                "  worker {} of a shared run: the counts are this worker's share ({}; `precwatch runs --run {}` has the whole run)\n",
                crate::escape::term_safe(w),
                if self.ended_run {
                    "it recorded the run's end"
                } else {
                    "another worker records the run's end"
                },
                self.run_id
            ));
        }
        if !self.queries.is_empty() {
            s.push_str(&format!("  search queries: {}\n", self.queries.len()));
            for q in self.queries.iter().take(MAX_QUERIES_SHOWN) {
                s.push_str(&format!(
                    "    {} {:?}: {} result pages, {} listings ({} flagged), {} hits\n",
                    crate::escape::term_safe(&q.site),
                    crate::escape::term_safe(&q.query),
                    q.result_pages,
                    q.listings,
                    q.flagged,
                    q.hits
                ));
            }
            if self.queries.len() > MAX_QUERIES_SHOWN {
                s.push_str(&format!(
                    "    … {} more (precwatch runs --run {} --format json)\n",
                    self.queries.len() - MAX_QUERIES_SHOWN,
                    self.run_id
                ));
            }
        }
        if !self.errors.is_empty() {
            let e: Vec<String> = self.errors.iter().map(|(k, v)| format!("{} {v}", k.as_str())).collect();
            s.push_str(&format!("  errors: {} ({} retries)\n", e.join(", "), self.retries));
        }
        if self.not_modified > 0 {
            s.push_str(&format!(
                "  not modified since the last run (304): {}\n",
                self.not_modified
            ));
        }
        if self.skipped_robots > 0 {
            s.push_str(&format!("  skipped by robots.txt: {}\n", self.skipped_robots));
        }
        if !self.refused_links.is_empty() {
            let e: Vec<String> = self.refused_links.iter().map(|(k, v)| format!("{k} {v}")).collect();
            s.push_str(&format!("  links not followed: {}\n", e.join(", ")));
        }
        if !self.budgets.is_empty() {
            let e: Vec<String> = self.budgets.iter().map(|(k, v)| format!("{} {v}", k.key())).collect();
            s.push_str(&format!(
                "  budgets reached (pages; hosts for max_wait_ms): {}\n",
                e.join(", ")
            ));
        }
        for (site, fields) in &self.selectors_missed {
            for (field, n) in fields {
                s.push_str(&format!(
                    "  site {site}: selector for field `{field}` matched nothing on {n} listing pages (has the layout changed?); the generic extractor read them\n"
                ));
            }
        }
        for (h, why) in &self.hosts_paused {
            s.push_str(&format!("  host paused: {h}: {why}\n"));
        }
        if self.hosts_paused_more > 0 {
            s.push_str(&format!("  and {} more hosts paused\n", self.hosts_paused_more));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_statistics_keep_their_names() {
        let mut s = Summary::default();
        s.errors.insert(FailureKind::RedirectLoop, 2);
        s.cut(Budget::MaxNestingDepth);
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["errors"]["redirect-loop"], 2);
        assert_eq!(json["budgets"]["max_nesting_depth"], 1);
        assert!(s.render().contains("max_nesting_depth 1"), "{}", s.render());
        assert!(s.render().contains("redirect-loop 2"), "{}", s.render());
    }
}
