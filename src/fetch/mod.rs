//! Fetching: one HTTP client per run, address guard, manual redirects with a
//! cap and loop detection, bodies cut at a size cap (after decompression, so
//! a gzip bomb costs at most the cap), robots.txt and Retry-After handling.

pub mod decode;
pub mod robots;

use crate::config::CrawlSettings;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use url::Url;

/// A failed fetch. `is_transient` says whether a retry may help.
#[derive(Debug, Clone, thiserror::Error)]
pub enum FetchError {
    #[error("timed out")]
    Timeout,
    #[error("connection failed: {0}")]
    Connect(String),
    #[error("refused: {0}")]
    Refused(String),
    #[error("redirect loop at {0}")]
    RedirectLoop(String),
    #[error("more than {0} redirects")]
    TooManyRedirects(usize),
    #[error("bad redirect: {0}")]
    BadRedirect(String),
    #[error("reading the body failed: {0}")]
    Body(String),
    #[error("{0}")]
    Other(String),
}

impl FetchError {
    pub fn is_transient(&self) -> bool {
        matches!(self, FetchError::Timeout | FetchError::Connect(_) | FetchError::Body(_))
    }
    /// A short stable name for summaries ("timeout", "connect", ...).
    pub fn kind(&self) -> &'static str {
        match self {
            FetchError::Timeout => "timeout",
            FetchError::Connect(_) => "connect",
            FetchError::Refused(_) => "refused",
            FetchError::RedirectLoop(_) => "redirect-loop",
            FetchError::TooManyRedirects(_) => "too-many-redirects",
            FetchError::BadRedirect(_) => "bad-redirect",
            FetchError::Body(_) => "body",
            FetchError::Other(_) => "other",
        }
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
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// The body after content decoding (gzip, deflate, brotli), cut at the cap.
    pub body: Vec<u8>,
    /// True when the body was cut at `max_body_bytes`.
    pub truncated: bool,
    pub fetched_at: SystemTime,
}

impl Fetched {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// True for addresses on the public internet. Loopback, private, link-local,
/// CGNAT, documentation, multicast, unspecified and the like are not.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_unspecified()
                || v4.is_multicast()
                || o[0] == 0
                || (o[0] == 100 && (o[1] & 0xc0) == 64) // 100.64/10 CGNAT
                || (o[0] == 192 && o[1] == 0 && o[2] == 0) // 192.0.0/24
                || (o[0] == 198 && (o[1] & 0xfe) == 18) // 198.18/15 benchmarking
                || o[0] >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let s = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local
                || (s[0] & 0xffc0) == 0xfe80 // link-local
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || (s[0] == 0x64 && s[1] == 0xff9b)) // NAT64 can reach private v4
        }
    }
}

/// Resolves names and drops non-public addresses unless allowed, so the check
/// is on the address actually connected to (no DNS rebinding around it).
struct GuardedResolver {
    allow_private: bool,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_string();
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let kept: Vec<SocketAddr> = addrs
                .iter()
                .copied()
                .filter(|a| allow_private || is_public(a.ip()))
                .collect();
            if kept.is_empty() {
                let msg = format!(
                    "{host} resolves only to non-public addresses ({}); set allow_private = true in [crawl] to crawl it",
                    addrs.iter().map(|a| a.ip().to_string()).collect::<Vec<_>>().join(", ")
                );
                return Err(msg.into());
            }
            Ok(Box::new(kept.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// The HTTP side of a crawl.
#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    settings: Arc<CrawlSettings>,
}

impl Fetcher {
    pub fn new(settings: &CrawlSettings) -> Result<Fetcher, FetchError> {
        let client = reqwest::Client::builder()
            .user_agent(settings.user_agent.clone())
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_millis(settings.timeout_ms))
            .connect_timeout(Duration::from_millis(settings.connect_timeout_ms))
            .pool_max_idle_per_host(settings.per_host_concurrency.max(4))
            .dns_resolver(Arc::new(GuardedResolver {
                allow_private: settings.allow_private,
            }))
            .gzip(true)
            .brotli(true)
            .deflate(true)
            .build()
            .map_err(|e| FetchError::Other(format!("cannot build the HTTP client: {e}")))?;
        Ok(Fetcher {
            client,
            settings: Arc::new(settings.clone()),
        })
    }

    fn check_address(&self, url: &Url) -> Result<(), FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::Refused(format!("{url}: only http and https are fetched")));
        }
        let ip = match url.host() {
            Some(url::Host::Ipv4(a)) => Some(IpAddr::V4(a)),
            Some(url::Host::Ipv6(a)) => Some(IpAddr::V6(a)),
            Some(url::Host::Domain(_)) => None,
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

    /// GET with redirects followed up to the cap. Any status is a success here;
    /// the caller decides what 404 or 503 mean.
    pub async fn get(&self, url: &Url) -> Result<Fetched, FetchError> {
        let mut current = url.clone();
        let mut redirects: Vec<(u16, String)> = Vec::new();
        loop {
            self.check_address(&current)?;
            let resp = self.client.get(current.clone()).send().await.map_err(map_reqwest)?;
            let status = resp.status().as_u16();
            if resp.status().is_redirection() && status != 304 {
                if let Some(loc) = resp.headers().get(reqwest::header::LOCATION) {
                    let loc = loc
                        .to_str()
                        .map_err(|_| FetchError::BadRedirect(format!("{current}: Location is not text")))?;
                    let next = current
                        .join(loc)
                        .map_err(|e| FetchError::BadRedirect(format!("{current}: Location {loc:?}: {e}")))?;
                    let next = crate::frontier::normalise(next).ok_or_else(|| {
                        FetchError::BadRedirect(format!("{current}: Location {loc:?} is not http(s)"))
                    })?;
                    redirects.push((status, current.to_string()));
                    if next == current || redirects.iter().any(|(_, u)| u == next.as_str()) {
                        return Err(FetchError::RedirectLoop(next.to_string()));
                    }
                    if redirects.len() > self.settings.max_redirects {
                        return Err(FetchError::TooManyRedirects(self.settings.max_redirects));
                    }
                    current = next;
                    continue;
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
            return Ok(Fetched {
                url: url.clone(),
                final_url: current,
                redirects,
                status,
                headers,
                body,
                truncated,
                fetched_at: SystemTime::now(),
            });
        }
    }
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

/// The wait a 429/503 asks for: `Retry-After` as seconds or as an HTTP date.
pub fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_and_private_addresses() {
        for a in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.1.1",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "224.0.0.1",
        ] {
            assert!(!is_public(a.parse().unwrap()), "{a}");
        }
        for a in ["8.8.8.8", "93.184.216.34", "2606:4700::1111"] {
            assert!(is_public(a.parse().unwrap()), "{a}");
        }
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        assert_eq!(retry_after("7", now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(retry_after(&later, now), Some(Duration::from_secs(30)));
        assert_eq!(retry_after("soon", now), None);
    }
}
