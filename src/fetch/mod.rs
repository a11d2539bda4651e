//! Fetching: one HTTP client per run, address guard, manual redirects with a
//! cap and loop detection, bodies cut at a size cap (after decompression, so
//! a gzip bomb costs at most the cap), robots.txt and Retry-After handling.

pub mod decode;
pub mod guard;
pub mod proxy;
pub mod robots;

use crate::config::{CrawlSettings, Proxy};
use crate::escape::short;
pub use guard::{is_obviously_private_name, is_public};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use url::Url;

/// A failed fetch. `is_transient` says whether a retry may help.
#[derive(Debug, Clone, thiserror::Error)]
pub enum FetchError {
    /// No connection within `connect_timeout_ms`, or no full answer within `timeout_ms`. Transient.
    #[error("timed out")]
    Timeout,
    /// The connection (DNS, TCP, TLS, proxy) failed before an answer; holds the error chain. Transient.
    #[error("connection failed: {0}")]
    Connect(String),
    /// Not fetched on purpose: not http(s), no host, or an address (or, through
    /// a proxy, a name) that is not public while `allow_private` is off.
    #[error("refused: {0}")]
    Refused(String),
    /// A redirect back to a URL already visited in the same chain (that URL).
    #[error("redirect loop at {0}")]
    RedirectLoop(String),
    /// The chain would exceed `max_redirects` hops (that cap).
    #[error("more than {0} redirects")]
    TooManyRedirects(usize),
    /// A redirect whose Location is not a usable http(s) URL.
    #[error("bad redirect: {0}")]
    BadRedirect(String),
    /// The connection failed while the body was read. Transient.
    #[error("reading the body failed: {0}")]
    Body(String),
    /// Anything else, e.g. the HTTP client or the proxy could not be set up.
    #[error("{0}")]
    Other(String),
}

impl FetchError {
    /// True for timeouts, connection and body errors: the crawl retries them
    /// with backoff; any other error fails the entry at once.
    pub fn is_transient(&self) -> bool {
        matches!(self, FetchError::Timeout | FetchError::Connect(_) | FetchError::Body(_))
    }
}

/// A completed HTTP exchange (any status code).
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The URL requested.
    pub url: Url,
    /// The URL that answered, after redirects.
    pub final_url: Url,
    /// Each redirect hop: (status, from URL).
    pub redirects: Vec<(u16, String)>,
    /// The HTTP status code of the final answer, whatever it is.
    pub status: u16,
    /// Response headers as (lowercase name, value); a repeated header appears
    /// once per value; values not in UTF-8 are decoded lossily.
    pub headers: Vec<(String, String)>,
    /// The body after content decoding (gzip, deflate, brotli), cut at the cap.
    pub body: Vec<u8>,
    /// True when the body was cut at `max_body_bytes`.
    pub truncated: bool,
    /// When the body had been read (stored as `pages.fetched_at`).
    pub fetched_at: SystemTime,
}

impl Fetched {
    /// The first value of header `name` (any case); None when absent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The HTTP side of a crawl: one client (connection pool) per proxy setting.
#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    settings: Arc<CrawlSettings>,
    /// A proxy resolves target names, so the guard checks names before sending.
    remote_dns: bool,
}

impl Fetcher {
    /// A client for `settings`, going through `proxy` when given. System proxy
    /// variables (`HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`) are
    /// ignored: requests never leave by a route the job file does not name.
    pub fn new(settings: &CrawlSettings, proxy: Option<&Proxy>) -> Result<Fetcher, FetchError> {
        let mut builder = reqwest::Client::builder().no_proxy();
        let mut loopback_ok = Vec::new();
        if let Some(p) = proxy {
            let rp = reqwest::Proxy::all(p.url.as_str())
                .map_err(|e| FetchError::Other(format!("proxy {}: {e}", p.display())))?;
            builder = builder.proxy(rp);
            loopback_ok.extend(p.url.host_str().map(str::to_string));
        }
        let client = builder
            .user_agent(settings.user_agent.clone())
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_millis(settings.timeout_ms))
            .connect_timeout(Duration::from_millis(settings.connect_timeout_ms))
            .pool_max_idle_per_host(settings.per_host_concurrency.max(4))
            .dns_resolver(Arc::new(guard::GuardedResolver {
                allow_private: settings.allow_private,
                loopback_ok,
            }))
            .gzip(true)
            .brotli(true)
            .deflate(true)
            .build()
            .map_err(|e| FetchError::Other(format!("cannot build the HTTP client: {e}")))?;
        Ok(Fetcher {
            client,
            settings: Arc::new(settings.clone()),
            remote_dns: proxy.is_some_and(Proxy::remote_dns),
        })
    }

    fn check_address(&self, url: &Url) -> Result<(), FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::Refused(format!("{url}: only http and https are fetched")));
        }
        let ip = match url.host() {
            Some(url::Host::Ipv4(a)) => Some(IpAddr::V4(a)),
            Some(url::Host::Ipv6(a)) => Some(IpAddr::V6(a)),
            Some(url::Host::Domain(name)) => {
                if self.remote_dns && !self.settings.allow_private && is_obviously_private_name(name) {
                    return Err(FetchError::Refused(format!(
                        "{name} is not a public host name and the proxy would resolve it; set allow_private = true in [crawl] to crawl it"
                    )));
                }
                None
            }
            None => return Err(FetchError::Refused(format!("{url}: no host"))),
        };
        if let Some(ip) = ip {
            if !self.settings.allow_private && !is_public(ip) {
                return Err(FetchError::Refused(format!(
                    "{ip} is not a public address; set allow_private = true in [crawl] to crawl it"
                )));
            }
        }
        Ok(())
    }

    /// One GET, redirects not followed: a 3xx with a usable Location is an
    /// [`Answer::Redirect`] (the crawl schedules the next hop like any other
    /// request, under its host's robots.txt and interval). Any other status is
    /// an [`Answer::Page`]; the caller decides what 404 or 503 mean.
    pub async fn request(&self, url: &Url) -> Result<Answer, FetchError> {
        self.request_with(url, &[]).await
    }

    /// [`Fetcher::request`] with extra request headers (conditional requests:
    /// `If-None-Match`, `If-Modified-Since`). A header that is not a valid
    /// HTTP header is left out.
    pub async fn request_with(&self, url: &Url, headers: &[(&str, &str)]) -> Result<Answer, FetchError> {
        self.check_address(url)?;
        let mut req = self.client.get(url.clone());
        for (k, v) in headers {
            if let Ok(v) = reqwest::header::HeaderValue::from_str(v) {
                req = req.header(*k, v);
            }
        }
        let resp = req.send().await.map_err(map_reqwest)?;
        let status = resp.status().as_u16();
        if resp.status().is_redirection() && status != 304 {
            if let Some(loc) = resp.headers().get(reqwest::header::LOCATION) {
                let loc = String::from_utf8_lossy(loc.as_bytes());
                let next = url
                    .join(loc.trim())
                    .ok()
                    .and_then(crate::urls::normalise)
                    .ok_or_else(|| {
                        FetchError::BadRedirect(format!("{url}: Location {:?} is not an http(s) URL", short(&loc, 200)))
                    })?;
                return Ok(Answer::Redirect { status, location: next });
            }
        }
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let (body, truncated) = read_capped(resp, self.settings.max_body_bytes).await?;
        Ok(Answer::Page(Fetched {
            url: url.clone(),
            final_url: url.clone(),
            redirects: Vec::new(),
            status,
            headers,
            body,
            truncated,
            fetched_at: SystemTime::now(),
        }))
    }

    /// GET with redirects followed at once, up to `max_redirects` (for
    /// robots.txt, which is fetched once per host before any page).
    pub async fn get(&self, url: &Url) -> Result<Fetched, FetchError> {
        let mut current = url.clone();
        let mut redirects: Vec<(u16, String)> = Vec::new();
        loop {
            match self.request(&current).await? {
                Answer::Redirect { status, location } => {
                    check_hop(&redirects, &current, &location, self.settings.max_redirects)?;
                    redirects.push((status, current.to_string()));
                    current = location;
                }
                Answer::Page(mut f) => {
                    f.url = url.clone();
                    f.redirects = redirects;
                    return Ok(f);
                }
            }
        }
    }
}

/// What one request got back.
#[derive(Debug)]
pub enum Answer {
    /// A redirect to follow (the body is not read).
    Redirect {
        /// The 3xx status.
        status: u16,
        /// Where to, resolved and normalised.
        location: Url,
    },
    /// Any other response.
    Page(Fetched),
}

/// Whether a redirect from `current` (after the hops in `redirects`) to
/// `next` may be followed: not back to a URL already visited, and at most
/// `max` hops.
pub fn check_hop(redirects: &[(u16, String)], current: &Url, next: &Url, max: usize) -> Result<(), FetchError> {
    if next == current || redirects.iter().any(|(_, u)| u == next.as_str()) {
        return Err(FetchError::RedirectLoop(next.to_string()));
    }
    if redirects.len() >= max {
        return Err(FetchError::TooManyRedirects(max));
    }
    Ok(())
}

async fn read_capped(mut resp: reqwest::Response, cap: usize) -> Result<(Vec<u8>, bool), FetchError> {
    let mut body = Vec::with_capacity(resp.content_length().map_or(16 * 1024, |n| (n as usize).min(cap)));
    while let Some(chunk) = resp.chunk().await.map_err(map_reqwest_body)? {
        let room = cap - body.len();
        if chunk.len() >= room {
            body.extend_from_slice(&chunk[..room]);
            return Ok((body, true));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body, false))
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        let t = inner.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        src = inner.source();
    }
    s
}

fn map_reqwest(e: reqwest::Error) -> FetchError {
    let msg = error_chain(&e);
    if e.is_timeout() {
        FetchError::Timeout
    } else if msg.contains("non-public addresses") {
        FetchError::Refused(msg)
    } else if e.is_connect() || e.is_request() {
        FetchError::Connect(msg)
    } else {
        FetchError::Other(msg)
    }
}

fn map_reqwest_body(e: reqwest::Error) -> FetchError {
    if e.is_timeout() {
        FetchError::Timeout
    } else {
        FetchError::Body(error_chain(&e))
    }
}

/// The wait a 429/503 asks for: `Retry-After` as delta-seconds or as an HTTP
/// date (RFC 9110 §10.2.3). A number too large for any clock saturates to
/// `Duration::MAX`, which every cap then refuses; a date in the past is zero.
pub fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        return Some(v.parse::<u64>().map_or(Duration::MAX, Duration::from_secs));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        assert_eq!(retry_after("7", now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(retry_after(&later, now), Some(Duration::from_secs(30)));
        assert_eq!(retry_after("soon", now), None);
        assert_eq!(retry_after("-5", now), None);
        assert_eq!(retry_after("", now), None);
        assert_eq!(
            retry_after("9223372036854775808", now),
            Some(Duration::from_secs(9223372036854775808))
        );
        assert_eq!(retry_after("18446744073709551616", now), Some(Duration::MAX));
        assert_eq!(retry_after("99999999999999999999999999", now), Some(Duration::MAX));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(retry_after(&past, now), Some(Duration::ZERO));
    }
}
