//! URL normalisation and admission to the frontier.
//!
//! The frontier itself (queued, done, failed URLs of a run) lives in SQLite
//! (see `store`); this module decides *which* URLs may enter it and in what
//! form, so that one page reached by many URLs is fetched once and link traps
//! stay bounded. No I/O.

use crate::config::{CrawlSettings, Site};
use std::collections::HashMap;
use url::Url;

/// Query parameters that only track the visitor and never change the page.
const TRACKING_PARAMS: &[&str] = &[
    "fbclid",
    "gclid",
    "dclid",
    "gclsrc",
    "msclkid",
    "mc_cid",
    "mc_eid",
    "yclid",
    "_ga",
    "_gl",
    "igshid",
    "spm",
    "scm",
    "trk",
    "trackid",
    "sessionid",
    "phpsessid",
    "jsessionid",
    "sid",
    "ref_src",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "oly_anon_id",
    "oly_enc_id",
    "vero_id",
];

/// The key politeness is applied to: host plus explicit non-default port.
pub fn host_key(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{}:{p}", h.to_ascii_lowercase()),
        (Some(h), None) => h.to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// Normalises a URL: http(s) only; fragment dropped; tracking parameters
/// dropped; host lower-cased and default port removed (the `url` crate does
/// both); empty path becomes "/". Returns None for other schemes.
pub fn normalise(mut url: Url) -> Option<Url> {
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return None;
    }
    url.set_fragment(None);
    if url.query().is_some() {
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| {
                let k = k.to_ascii_lowercase();
                !(k.starts_with("utm_") || TRACKING_PARAMS.contains(&k.as_str()))
            })
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            url.set_query(None);
        } else {
            url.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    Some(url)
}

/// Resolves an href found on a page against the page's base URL and normalises it.
/// mailto:, javascript:, data:, tel: and every other non-http scheme give None.
pub fn resolve(base: &Url, href: &str) -> Option<Url> {
    let href = href.trim();
    if href.is_empty() || href.starts_with('#') {
        return None;
    }
    normalise(base.join(href).ok()?)
}

/// The part of a URL that `listing`, `follow` and `deny` regexes see.
pub fn path_and_query(url: &Url) -> &str {
    let s = url.as_str();
    let start = url.host_str().map_or(0, |_| {
        // scheme://host[:port] ends where the path starts
        s.find("://")
            .map_or(0, |i| s[i + 3..].find('/').map_or(s.len(), |j| i + 3 + j))
    });
    &s[start..]
}

/// Why a link was not admitted (counted in the run summary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Refusal {
    OffSite,
    Denied,
    NotFollowed,
    TooDeep,
    TooLong,
    RepeatedSegments,
    QueryVariants,
}

impl Refusal {
    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::OffSite => "off-site",
            Refusal::Denied => "denied",
            Refusal::NotFollowed => "not-followed",
            Refusal::TooDeep => "too-deep",
            Refusal::TooLong => "url-too-long",
            Refusal::RepeatedSegments => "repeated-segments",
            Refusal::QueryVariants => "query-variants",
        }
    }
}

/// Decides which discovered links enter the frontier. Keeps a bounded count of
/// query variants per path to defeat calendar and filter traps.
pub struct Admission {
    max_depth: u32,
    max_url_len: usize,
    max_repeated_segments: usize,
    max_query_variants: u32,
    /// (site index, hash of host+path) -> hashes of the distinct query strings admitted.
    query_variants: HashMap<(usize, u64), Vec<u64>>,
}

impl Admission {
    pub fn new(settings: &CrawlSettings) -> Self {
        Admission {
            max_depth: settings.max_depth,
            max_url_len: settings.max_url_len,
            max_repeated_segments: settings.max_repeated_segments,
            max_query_variants: settings.max_query_variants,
            query_variants: HashMap::new(),
        }
    }

    /// Whether `url`, found at `depth`, may be queued for `site` (index `site_idx`).
    pub fn admit(&mut self, site_idx: usize, site: &Site, url: &Url, depth: u32) -> Result<(), Refusal> {
        if !site.hosts.contains(&host_key(url)) {
            return Err(Refusal::OffSite);
        }
        if depth > self.max_depth {
            return Err(Refusal::TooDeep);
        }
        if url.as_str().len() > self.max_url_len {
            return Err(Refusal::TooLong);
        }
        let pq = path_and_query(url);
        if site.deny.as_ref().is_some_and(|d| d.is_match(pq)) {
            return Err(Refusal::Denied);
        }
        let is_listing = site.listing.is_match(pq);
        if !is_listing && site.follow.as_ref().is_some_and(|f| !f.is_match(pq)) {
            return Err(Refusal::NotFollowed);
        }
        if repeated_segments(url.path()) > self.max_repeated_segments {
            return Err(Refusal::RepeatedSegments);
        }
        if url.query().is_some() {
            let key = (
                site_idx,
                fxhash(url.host_str().unwrap_or("").as_bytes(), url.path().as_bytes()),
            );
            let q = fxhash(url.query().unwrap_or("").as_bytes(), b"");
            let seen = self.query_variants.entry(key).or_default();
            if !seen.contains(&q) {
                if seen.len() >= self.max_query_variants as usize {
                    return Err(Refusal::QueryVariants);
                }
                seen.push(q);
            }
        }
        Ok(())
    }
}

/// The highest number of times any one path segment occurs ("/a/b/a/b/a" → 3 for "a").
fn repeated_segments(path: &str) -> usize {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut best = 0;
    for (i, s) in segs.iter().enumerate() {
        let n = segs[i..].iter().filter(|t| *t == s).count();
        best = best.max(n);
    }
    best
}

fn fxhash(a: &[u8], b: &[u8]) -> u64 {
    // FNV-1a: stable, no allocation; collisions only merge two paths' counters.
    let mut h: u64 = 0xcbf29ce484222325;
    for &x in a.iter().chain([0u8].iter()).chain(b) {
        h ^= x as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// A bounded set of URL fingerprints already sent to the frontier, so that the
/// navigation links repeated on every page do not each cost a database insert.
/// It forgets everything when full: the database's UNIQUE constraint stays the
/// truth, this only saves work.
pub struct SeenCache {
    set: std::collections::HashSet<u64>,
    cap: usize,
}

impl SeenCache {
    pub fn new(cap: usize) -> Self {
        SeenCache {
            set: std::collections::HashSet::with_capacity(cap.min(1 << 16)),
            cap,
        }
    }
    /// True when the URL was not in the cache (and now is).
    pub fn insert(&mut self, url: &str) -> bool {
        if self.set.len() >= self.cap {
            self.set.clear();
        }
        self.set.insert(fxhash(url.as_bytes(), b""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn normalise_drops_fragment_tracking_and_default_port() {
        let n = normalise(u("HTTP://Example.COM:80/a/b?utm_source=x&id=3&fbclid=9#top")).unwrap();
        assert_eq!(n.as_str(), "http://example.com/a/b?id=3");
        let n = normalise(u("https://example.com:443?utm_medium=y")).unwrap();
        assert_eq!(n.as_str(), "https://example.com/");
        let n = normalise(u("http://127.0.0.1:8080/p?b=2&a=1")).unwrap();
        assert_eq!(n.as_str(), "http://127.0.0.1:8080/p?b=2&a=1");
    }

    #[test]
    fn resolve_ignores_non_http_links() {
        let base = u("http://shop.test/dir/page.html");
        for href in [
            "mailto:a@b.c",
            "javascript:void(0)",
            "data:text/html,hi",
            "tel:+86123",
            "#x",
            "  ",
            "ftp://x/y",
        ] {
            assert_eq!(resolve(&base, href), None, "{href}");
        }
        assert_eq!(
            resolve(&base, "../p.html#r").unwrap().as_str(),
            "http://shop.test/p.html"
        );
    }

    #[test]
    fn path_and_query_starts_at_path() {
        assert_eq!(path_and_query(&u("http://h:81/a?b=1")), "/a?b=1");
        assert_eq!(path_and_query(&u("http://h/")), "/");
    }

    #[test]
    fn repeated_segment_count() {
        assert_eq!(repeated_segments("/a/b/c"), 1);
        assert_eq!(repeated_segments("/a/b/a/b/a/"), 3);
    }
}
