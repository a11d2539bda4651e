//! The job file: what to crawl, how politely, and with which rules.
//!
//! Parsing never panics: every problem is a [`ConfigError`] that names the
//! file, the line and what to change.

mod alert;
mod discovery;

pub use discovery::{Discovery, Queries, MAX_QUERIES};

pub use alert::{AlertConfig, AlertKind, EmailSettings, SmtpTls, DEFAULT_MAX_LISTINGS, DEFAULT_MIN_RISK};

use crate::schedule::Schedule;
use regex::Regex;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use url::Url;

/// A problem with a job file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The job file cannot be read.
    #[error("{path}: cannot read the job file: {source}")]
    Read {
        /// The job file as given.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Not valid TOML, or a key that is unknown, missing or of the wrong type.
    #[error("{path}:{line}:{column}: {message}")]
    Syntax {
        /// The job file (or the `origin` given to [`Job::parse`]).
        path: String,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// The parser's message, folded onto one line.
        message: String,
    },
    /// Well-formed, but a value is unusable (empty name, bad seed, regex,
    /// selector or proxy, a limit out of range, no site).
    #[error("{path}:{line}: {message}")]
    Invalid {
        /// The job file (or the `origin` given to [`Job::parse`]).
        path: String,
        /// 1-based line of the offending value (or of its section).
        line: usize,
        /// What is wrong and what to change.
        message: String,
    },
}

/// A parsed, validated job.
#[derive(Debug, Clone)]
pub struct Job {
    /// Names the job: an unfinished run of the same name is resumed.
    pub name: String,
    /// Database path from the job file (the `--db` flag overrides it).
    pub db: Option<PathBuf>,
    /// Extra rule files or folders, resolved against the job file's folder.
    pub rules: Vec<PathBuf>,
    /// Whether the bundled packs are loaded before `rules` (default true).
    pub bundled_rules: bool,
    /// Crawl settings.
    pub crawl: CrawlSettings,
    /// The sites to crawl.
    pub sites: Vec<Site>,
    /// The job file as written, recorded with each run for provenance.
    pub source_text: String,
    /// When `watch` runs it (`[job] schedule`); None: only by hand or cron.
    pub schedule: Option<Schedule>,
    /// At most this much random delay is added to each scheduled time
    /// (`[job] jitter`; default 5% of the period, at most 5 minutes).
    pub jitter_ms: Option<i64>,
    /// What to tell, and whom, after each finished run (`[[alert]]`).
    pub alerts: Vec<AlertConfig>,
}

/// `[crawl]`: politeness, limits and timeouts. Defaults suit a polite overnight crawl.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct CrawlSettings {
    /// Requests in flight across all hosts.
    pub concurrency: usize,
    /// Minimum gap between request starts to one host (robots.txt Crawl-delay may raise it).
    pub per_host_interval_ms: u64,
    /// Requests in flight to one host.
    pub per_host_concurrency: usize,
    /// Stop after this many fetched pages (0 = no limit).
    pub max_pages: u64,
    /// Links deeper than this many hops from a seed are not followed.
    pub max_depth: u32,
    /// Allow loopback/private/link-local addresses (tests and demos only).
    pub allow_private: bool,
    /// Sent with every request.
    pub user_agent: String,
    /// Whole-request timeout.
    pub timeout_ms: u64,
    /// TCP connect timeout.
    pub connect_timeout_ms: u64,
    /// Bodies are cut at this many bytes after decompression.
    pub max_body_bytes: usize,
    /// Redirects followed per request.
    pub max_redirects: usize,
    /// Retries of transient failures (5xx, 429, timeouts, resets).
    pub retries: u32,
    /// First retry waits about this long; each further retry doubles it (with jitter).
    pub retry_base_ms: u64,
    /// URLs longer than this are not queued.
    pub max_url_len: usize,
    /// A path segment repeated more than this many times marks a trap.
    pub max_repeated_segments: usize,
    /// Distinct query strings per path (calendar and filter traps).
    pub max_query_variants: u32,
    /// Consecutive failures after which a host is paused for the rest of the run.
    pub host_failure_limit: u32,
    /// Longest Retry-After or Crawl-delay honoured; a host asking for more is paused.
    pub max_wait_ms: u64,
    /// Obey robots.txt (default true).
    pub respect_robots: bool,
    /// Send every request through this proxy (`socks5h://host:port`, `socks5://`,
    /// `http://`, `https://`); sites may override it. System proxy variables
    /// (`HTTP_PROXY`, `ALL_PROXY`, ...) are always ignored.
    pub proxy: Option<String>,
    /// Refuse to start unless every site has a proxy that answers (so the
    /// investigator's own address is never shown to the sites).
    pub require_proxy: bool,
    /// Hits kept per rule per listing (the score and risk count them all).
    pub max_hits_per_rule: usize,
    /// Hits kept per listing.
    pub max_hits_per_listing: usize,
    /// HTML nested deeper than this is flattened to text (parsing stays linear).
    pub max_nesting_depth: usize,
    /// Seller identifiers kept per listing.
    pub max_identifiers_per_listing: usize,
    /// Links taken from one page.
    pub max_links_per_page: usize,
    /// A run shared by several workers (PostgreSQL): how long a worker's
    /// hold on the frontier entries it took lasts unless renewed; a killed
    /// worker's entries return to the queue after at most this long.
    pub lease_ms: u64,
}

impl Default for CrawlSettings {
    fn default() -> Self {
        CrawlSettings {
            concurrency: 8,
            per_host_interval_ms: 1000,
            per_host_concurrency: 1,
            max_pages: 10_000,
            max_depth: 8,
            allow_private: false,
            user_agent: format!(
                "precwatch/{} (+https://github.com/precwatch/precwatch; research crawler)",
                env!("CARGO_PKG_VERSION")
            ),
            timeout_ms: 30_000,
            connect_timeout_ms: 10_000,
            max_body_bytes: 8 * 1024 * 1024,
            max_redirects: 10,
            retries: 3,
            retry_base_ms: 1000,
            max_url_len: 2048,
            max_repeated_segments: 2,
            max_query_variants: 200,
            host_failure_limit: 10,
            max_wait_ms: 300_000,
            respect_robots: true,
            proxy: None,
            require_proxy: false,
            max_hits_per_rule: 100,
            max_hits_per_listing: 1000,
            max_nesting_depth: 256,
            max_identifiers_per_listing: 100,
            max_links_per_page: 10_000,
            lease_ms: 60_000,
        }
    }
}

/// One `[[site]]`.
#[derive(Debug, Clone)]
pub struct Site {
    /// Unique within the job; recorded with every frontier entry and listing.
    pub name: String,
    /// Start URLs (http or https), queued at depth 0 when a run starts or resumes.
    pub seeds: Vec<Url>,
    /// Hosts of the seeds: links to other hosts are not followed.
    pub hosts: Vec<String>,
    /// Path+query of listing pages.
    pub listing: Regex,
    /// Path+query of pages to follow (default: all on the seeds' hosts).
    pub follow: Option<Regex>,
    /// Path+query never fetched.
    pub deny: Option<Regex>,
    /// CSS selectors per field name (title, price, seller, ...), validated.
    pub fields: BTreeMap<String, String>,
    /// A regex on the listing URL (path and query) whose first group (or
    /// whole match) is the site's listing id: one offer under several URLs is
    /// one listing. `[site.fields] id = "selector"` does the same from the page.
    pub id_pattern: Option<Regex>,
    /// The proxy this site's requests go through (the site's `proxy`, else
    /// `[crawl] proxy`), validated.
    pub proxy: Option<Proxy>,
    /// ISO 3166 alpha-2 code of the site's country (`country = "CN"`),
    /// upper-cased and known to the phone-number metadata: phone numbers
    /// written without an international prefix are read as this country's.
    pub country: Option<String>,
    /// Search, sitemaps and storefronts: how listings are found besides the seeds.
    pub discovery: Discovery,
}

/// A validated proxy URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proxy {
    /// The URL as given (credentials included; never printed).
    pub url: Url,
}

impl Proxy {
    /// Parses and checks a proxy URL: a supported scheme, a host, no path.
    pub fn parse(s: &str) -> Result<Proxy, String> {
        let url = Url::parse(s.trim()).map_err(|e| format!("proxy {s:?} is not a URL: {e}"))?;
        if !matches!(url.scheme(), "socks5h" | "socks5" | "http" | "https") {
            return Err(format!(
                "proxy scheme {:?} is not supported: use socks5h:// (DNS through the proxy), socks5://, http:// or https://",
                url.scheme()
            ));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(format!("proxy {:?} has no host", url.scheme()));
        }
        Ok(Proxy { url })
    }

    /// True when the proxy resolves target names itself (`socks5h`, HTTP proxies):
    /// the crawler then never looks them up.
    pub fn remote_dns(&self) -> bool {
        self.url.scheme() != "socks5"
    }

    /// `scheme://host:port` without credentials, for messages.
    pub fn display(&self) -> String {
        let port = self
            .url
            .port_or_known_default()
            .map(|p| format!(":{p}"))
            .unwrap_or_default();
        format!("{}://{}{port}", self.url.scheme(), self.url.host_str().unwrap_or(""))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJob {
    job: RawJobSection,
    #[serde(default)]
    crawl: CrawlSettings,
    #[serde(default)]
    site: Vec<toml::Spanned<RawSite>>,
    #[serde(default)]
    alert: Vec<toml::Spanned<alert::RawAlert>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJobSection {
    name: toml::Spanned<String>,
    db: Option<String>,
    #[serde(default)]
    rules: Vec<String>,
    #[serde(default = "yes")]
    bundled_rules: bool,
    schedule: Option<toml::Spanned<String>>,
    jitter: Option<toml::Spanned<String>>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSite {
    name: toml::Spanned<String>,
    seeds: Option<toml::Spanned<Vec<toml::Spanned<String>>>>,
    listing: toml::Spanned<String>,
    search: Option<toml::Spanned<String>>,
    search_pages: Option<toml::Spanned<u32>>,
    queries: Option<toml::Spanned<discovery::RawQueries>>,
    language: Option<toml::Spanned<String>>,
    encoding: Option<toml::Spanned<String>>,
    sitemaps: Option<toml::Spanned<discovery::RawSitemaps>>,
    follow_sellers: Option<bool>,
    follow: Option<toml::Spanned<String>>,
    deny: Option<toml::Spanned<String>>,
    #[serde(default)]
    fields: BTreeMap<String, toml::Spanned<String>>,
    proxy: Option<toml::Spanned<String>>,
    id_pattern: Option<toml::Spanned<String>>,
    country: Option<toml::Spanned<String>>,
}

/// Folds a multi-line message (regex errors draw a caret diagram) into one line.
pub(crate) fn one_line(msg: &str) -> String {
    msg.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.chars().all(|c| c == '^' || c == ' '))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Byte offset → 1-based (line, column).
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rfind('\n').map_or(offset, |p| offset - p - 1) + 1;
    (line, column)
}

impl Job {
    /// Reads and validates a job file.
    pub fn from_file(path: &Path) -> Result<Job, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        Job::parse(&text, &path.display().to_string(), base)
    }

    /// Parses job text; `origin` names it in errors, `base` resolves relative paths.
    pub fn parse(text: &str, origin: &str, base: &Path) -> Result<Job, ConfigError> {
        let src = Source { text, origin };
        let raw: RawJob = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
            ConfigError::Syntax {
                path: origin.to_string(),
                line,
                column,
                message: one_line(e.message()),
            }
        })?;
        let name = raw.job.name.get_ref().trim().to_string();
        if name.is_empty() {
            return Err(src.invalid(raw.job.name.span(), "[job] name is empty: give the job a name".into()));
        }
        let crawl_proxy = src.check_crawl(&raw.crawl)?;
        if raw.site.is_empty() {
            return Err(src.invalid(
                0..0,
                "no [[site]]: add at least one site with name, seeds and listing".into(),
            ));
        }
        let mut sites: Vec<Site> = Vec::new();
        for spanned in raw.site {
            let site = src.site(spanned.into_inner(), &raw.crawl, crawl_proxy.as_ref(), &sites)?;
            sites.push(site);
        }
        let resolve = |p: &str| {
            let url = crate::store::db::is_postgres_url(p);
            let p = PathBuf::from(p);
            if url || p.is_absolute() {
                p
            } else {
                base.join(p)
            }
        };
        let (schedule, jitter_ms) = src.schedule(&raw.job)?;
        let alerts = raw
            .alert
            .iter()
            .map(|a| alert::check(a, &|span, m| src.invalid(span, m)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Job {
            schedule,
            jitter_ms,
            alerts,
            name,
            db: raw.job.db.as_deref().map(resolve),
            rules: raw.job.rules.iter().map(|r| resolve(r)).collect(),
            bundled_rules: raw.job.bundled_rules,
            crawl: raw.crawl,
            sites,
            source_text: text.to_string(),
        })
    }
}

/// The job text being parsed, so that each check can name the line it rejects.
struct Source<'a> {
    text: &'a str,
    origin: &'a str,
}

impl Source<'_> {
    /// An [`ConfigError::Invalid`] at the line where `span` starts.
    fn invalid(&self, span: std::ops::Range<usize>, message: String) -> ConfigError {
        ConfigError::Invalid {
            path: self.origin.to_string(),
            line: line_col(self.text, span.start).0,
            message,
        }
    }

    /// Parses `[job] schedule` and `jitter`.
    fn schedule(&self, job: &RawJobSection) -> Result<(Option<Schedule>, Option<i64>), ConfigError> {
        let schedule = job
            .schedule
            .as_ref()
            .map(|s| Schedule::parse(s.get_ref()).map_err(|m| self.invalid(s.span(), format!("[job] {m}"))))
            .transpose()?;
        let jitter = match &job.jitter {
            None => None,
            Some(j) => match crate::schedule::parse_duration_ms(j.get_ref()) {
                Ok(Some(ms)) if ms <= crate::schedule::MAX_INTERVAL_MS => Some(ms),
                _ => {
                    return Err(self.invalid(
                        j.span(),
                        format!(
                            "[job] jitter {:?}: give a duration such as \"30s\" or \"5m\"",
                            j.get_ref()
                        ),
                    ))
                }
            },
        };
        if jitter.is_some() && schedule.is_none() {
            let span = job.jitter.as_ref().map_or(0..0, |j| j.span());
            return Err(self.invalid(span, "[job] jitter needs a schedule".into()));
        }
        Ok((schedule, jitter))
    }

    /// Checks the `[crawl]` limits (errors point at the section) and parses its proxy.
    fn check_crawl(&self, c: &CrawlSettings) -> Result<Option<Proxy>, ConfigError> {
        let at = self.text.find("[crawl]").unwrap_or(0);
        for (ok, what) in [
            (c.concurrency >= 1, "concurrency must be at least 1"),
            (c.per_host_concurrency >= 1, "per_host_concurrency must be at least 1"),
            (c.max_body_bytes >= 1024, "max_body_bytes must be at least 1024"),
            (c.timeout_ms >= 100, "timeout_ms must be at least 100"),
            (c.max_url_len >= 64, "max_url_len must be at least 64"),
            (!c.user_agent.trim().is_empty(), "user_agent is empty"),
            (
                reqwest::header::HeaderValue::from_str(&c.user_agent).is_ok(),
                "user_agent must be printable ASCII on one line (it is sent as an HTTP header)",
            ),
            (c.max_hits_per_rule >= 1, "max_hits_per_rule must be at least 1"),
            (c.max_hits_per_listing >= 1, "max_hits_per_listing must be at least 1"),
            (c.max_nesting_depth >= 16, "max_nesting_depth must be at least 16"),
            (c.max_links_per_page >= 1, "max_links_per_page must be at least 1"),
            (
                c.per_host_interval_ms <= 86_400_000,
                "per_host_interval_ms must be at most 86400000 (a day)",
            ),
            (
                (1_000..=86_400_000).contains(&c.lease_ms),
                "lease_ms must be between 1000 (a second) and 86400000 (a day)",
            ),
        ] {
            if !ok {
                return Err(self.invalid(at..at, format!("[crawl] {what}")));
            }
        }
        c.proxy
            .as_deref()
            .map(|p| Proxy::parse(p).map_err(|m| self.invalid(at..at, format!("[crawl] {m}"))))
            .transpose()
    }

    /// Validates one `[[site]]`; `earlier` are the sites before it (names must be unique).
    fn site(
        &self,
        s: RawSite,
        crawl: &CrawlSettings,
        crawl_proxy: Option<&Proxy>,
        earlier: &[Site],
    ) -> Result<Site, ConfigError> {
        let name = s.name.get_ref().trim().to_string();
        if name.is_empty() {
            return Err(self.invalid(s.name.span(), "site name is empty".into()));
        }
        if earlier.iter().any(|x| x.name == name) {
            return Err(self.invalid(
                s.name.span(),
                format!("site {name:?} is defined twice: site names must be unique"),
            ));
        }
        let discovery = self.discovery(
            &name,
            discovery::RawDiscovery {
                search: s.search.as_ref(),
                search_pages: s.search_pages.as_ref(),
                queries: s.queries.as_ref(),
                language: s.language.as_ref(),
                encoding: s.encoding.as_ref(),
                sitemaps: s.sitemaps.as_ref(),
                follow_sellers: s.follow_sellers,
            },
            s.name.span(),
        )?;
        let (seeds, mut hosts) = match &s.seeds {
            Some(raw) => self.seeds(&name, raw)?,
            None if discovery.search.is_some() || !discovery.sitemap_urls.is_empty() => (Vec::new(), Vec::new()),
            None => {
                return Err(self.invalid(
                    s.name.span(),
                    format!(
                        "site {name:?} has no seeds: list start URLs, or give a `search` template or `sitemaps` URLs"
                    ),
                ))
            }
        };
        let probe = discovery
            .search
            .as_ref()
            .and_then(|t| t.url("x", 1, encoding_rs::UTF_8).ok());
        for u in probe.iter().chain(&discovery.sitemap_urls) {
            let host = crate::urls::host_key(u);
            if !hosts.contains(&host) {
                hosts.push(host);
            }
        }
        let compile = |field: &str, v: &toml::Spanned<String>| {
            Regex::new(v.get_ref()).map_err(|e| {
                let e = one_line(&e.to_string());
                self.invalid(v.span(), format!("site {name:?}: `{field}` is not a valid regex: {e}"))
            })
        };
        let listing = compile("listing", &s.listing)?;
        let follow = s.follow.as_ref().map(|v| compile("follow", v)).transpose()?;
        let deny = s.deny.as_ref().map(|v| compile("deny", v)).transpose()?;
        let id_pattern = s.id_pattern.as_ref().map(|v| compile("id_pattern", v)).transpose()?;
        let mut fields = BTreeMap::new();
        for (k, v) in s.fields {
            if let Err(e) = scraper::Selector::parse(v.get_ref()) {
                let msg = format!(
                    "site {name:?}: field {k:?}: invalid CSS selector {:?}: {e:?}",
                    v.get_ref()
                );
                return Err(self.invalid(v.span(), msg));
            }
            fields.insert(k, v.into_inner());
        }
        let proxy = match &s.proxy {
            Some(p) => {
                Some(Proxy::parse(p.get_ref()).map_err(|m| self.invalid(p.span(), format!("site {name:?}: {m}")))?)
            }
            None => crawl_proxy.cloned(),
        };
        if crawl.require_proxy && proxy.is_none() {
            return Err(self.invalid(
                s.name.span(),
                format!(
                    "site {name:?} has no proxy but [crawl] require_proxy = true: set [crawl] proxy or the site's proxy"
                ),
            ));
        }
        let country = s.country.as_ref().map(|c| self.country(&name, c)).transpose()?;
        Ok(Site {
            name,
            seeds,
            hosts,
            listing,
            follow,
            deny,
            fields,
            id_pattern,
            proxy,
            country,
            discovery,
        })
    }

    /// Parses a site's seeds: at least one, each an http(s) URL with a host.
    /// Returns the seeds and their distinct hosts in order.
    fn seeds(
        &self,
        site: &str,
        raw: &toml::Spanned<Vec<toml::Spanned<String>>>,
    ) -> Result<(Vec<Url>, Vec<String>), ConfigError> {
        if raw.get_ref().is_empty() {
            return Err(self.invalid(
                raw.span(),
                format!("site {site:?} has no seeds: list at least one start URL"),
            ));
        }
        let mut seeds = Vec::new();
        let mut hosts = Vec::new();
        for seed in raw.get_ref() {
            let given = seed.get_ref();
            let url = Url::parse(given.trim())
                .map_err(|e| self.invalid(seed.span(), format!("site {site:?}: seed {given:?} is not a URL: {e}")))?;
            if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
                return Err(self.invalid(
                    seed.span(),
                    format!("site {site:?}: seed {given:?} must be an http or https URL with a host"),
                ));
            }
            let host = crate::urls::host_key(&url);
            if !hosts.contains(&host) {
                hosts.push(host);
            }
            seeds.push(url);
        }
        Ok((seeds, hosts))
    }

    /// A site's country: an ISO 3166 alpha-2 code with a numbering plan, upper-cased.
    fn country(&self, site: &str, c: &toml::Spanned<String>) -> Result<String, ConfigError> {
        let code = c.get_ref().trim();
        if crate::sellers::known_country(code) {
            return Ok(code.to_ascii_uppercase());
        }
        Err(self.invalid(
            c.span(),
            format!(
                "site {site:?}: country {:?} is not an ISO 3166 alpha-2 code with a telephone numbering plan (e.g. \"CN\", \"MX\", \"US\")",
                c.get_ref()
            ),
        ))
    }
}

#[cfg(test)]
mod country_tests {
    use super::*;

    fn job(country: &str) -> Result<Job, ConfigError> {
        let text = format!(
            "[job]\nname = \"j\"\n\n[[site]]\nname = \"a\"\nseeds = [\"https://a.example/\"]\nlisting = '^/p/'\ncountry = {country}\n"
        );
        Job::parse(&text, "job.toml", Path::new("."))
    }

    #[test]
    fn a_site_country_is_validated_and_upper_cased() {
        assert_eq!(job("\"CN\"").unwrap().sites[0].country.as_deref(), Some("CN"));
        assert_eq!(job("\"mx\"").unwrap().sites[0].country.as_deref(), Some("MX"));
        for bad in ["\"China\"", "\"XX\"", "\"CHN\"", "\"\""] {
            let err = job(bad).err().unwrap().to_string();
            assert!(err.starts_with("job.toml:8: site \"a\": country"), "{err}");
            assert!(err.contains("ISO 3166 alpha-2"), "{err}");
        }
        let err = job("86").err().unwrap().to_string();
        assert!(err.starts_with("job.toml:8:"), "{err}");
        let text = "[job]\nname = \"j\"\n[[site]]\nname = \"a\"\nseeds = [\"https://a.example/\"]\nlisting = '^/p/'\n";
        assert_eq!(Job::parse(text, "j", Path::new(".")).unwrap().sites[0].country, None);
    }
}

#[cfg(test)]
mod db_tests {
    use super::*;

    /// `[job] db` is a path relative to the job file, or a PostgreSQL URL kept as it is.
    #[test]
    fn a_job_database_is_a_relative_path_or_a_url() {
        let job = |db: &str| {
            let text = format!(
                "[job]\nname = \"j\"\ndb = \"{db}\"\n[[site]]\nname = \"a\"\nseeds = [\"https://a.example/\"]\nlisting = '^/p/'\n"
            );
            Job::parse(&text, "job.toml", Path::new("/jobs")).unwrap().db.unwrap()
        };
        assert_eq!(job("data/x.sqlite"), PathBuf::from("/jobs/data/x.sqlite"));
        assert_eq!(
            job("postgres://pw@db.internal/watch"),
            PathBuf::from("postgres://pw@db.internal/watch")
        );
        assert_eq!(job("postgresql://db/w"), PathBuf::from("postgresql://db/w"));
    }

    /// A lease shorter than a second would lapse between renewals.
    #[test]
    fn lease_ms_is_bounded() {
        let text = "[job]\nname = \"j\"\n[crawl]\nlease_ms = 10\n[[site]]\nname = \"a\"\nseeds = [\"https://a.example/\"]\nlisting = '^/p/'\n";
        let err = Job::parse(text, "job.toml", Path::new(".")).err().unwrap().to_string();
        assert!(err.contains("lease_ms"), "{err}");
    }
}

#[cfg(test)]
mod readme_tests {
    use super::*;

    /// The job file the README shows is a valid job, with every key it names.
    #[test]
    fn the_readme_job_file_parses() {
        let readme = include_str!("../../README.md");
        let section = readme.find("## A job file").expect("the job file section");
        let start = section + readme[section..].find("```toml\n").expect("a toml block in the README") + 8;
        let end = start + readme[start..].find("```").expect("block end");
        let text = &readme[start..end];
        let job = Job::parse(text, "README.md", Path::new(".")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(job.sites.len(), 1);
        assert_eq!(job.crawl.max_nesting_depth, 256);
        assert_eq!(job.sites[0].fields.len(), 2);
    }

    /// The README's search-only job is a valid job.
    #[test]
    fn the_readme_search_job_parses() {
        let readme = include_str!("../../README.md");
        let at = readme
            .find("```toml\n[job]\nname = \"search-b2b\"")
            .expect("the search job")
            + 8;
        let end = at + readme[at..].find("```").expect("block end");
        let job = Job::parse(&readme[at..end], "README.md", Path::new(".")).unwrap_or_else(|e| panic!("{e}"));
        let d = &job.sites[0].discovery;
        assert!(job.sites[0].seeds.is_empty() && d.search.is_some() && d.sitemaps && d.follow_sellers);
        assert_eq!(
            (d.encoding.name(), d.search_pages, d.language.as_deref()),
            ("GBK", 2, Some("zh"))
        );
    }

    /// The README's `[[alert]]` examples are valid alerts.
    #[test]
    fn the_readme_alerts_parse() {
        let readme = include_str!("../../README.md");
        let at = readme.find("```toml\n[[alert]]").expect("the alert examples") + 8;
        let end = at + readme[at..].find("```").expect("block end");
        let text = format!(
            "[job]\nname = \"j\"\nschedule = \"6h\"\n[[site]]\nname = \"a\"\nseeds = [\"https://a.example/\"]\nlisting = '^/p/'\n{}",
            &readme[at..end]
        );
        let job = Job::parse(&text, "README.md", Path::new(".")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(job.alerts.len(), 3);
    }
}
