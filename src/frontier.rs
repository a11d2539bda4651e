//! Admission to the frontier (URL helpers live in [`crate::urls`]).
//!
//! The frontier itself (queued, done, failed URLs of a run) lives in SQLite
//! (see `store`); this module decides *which* URLs may enter it and in what
//! form, so that one page reached by many URLs is fetched once and link traps
//! stay bounded. No I/O.

use crate::config::{CrawlSettings, Site};
use std::collections::{HashMap, HashSet};
use url::Url;

pub use crate::urls::{host_key, normalise, path_and_query, resolve};

/// Why a link was not admitted (counted in the run summary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Refusal {
    /// The host is not one of the site's seed hosts.
    OffSite,
    /// The path and query match the site's `deny` regex.
    Denied,
    /// Not a listing page, and the site's `follow` regex does not match.
    NotFollowed,
    /// More than `max_depth` links away from a seed.
    TooDeep,
    /// Longer than `max_url_len` bytes.
    TooLong,
    /// A path segment occurs more than `max_repeated_segments` times (a link trap).
    RepeatedSegments,
    /// The path already has `max_query_variants` other query strings (a calendar or filter trap).
    QueryVariants,
}

impl Refusal {
    /// The key this refusal is counted under in the run summary and `runs.stats_json`.
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
    /// Distinct query strings admitted per path, in bounded memory.
    query_variants: QueryVariants,
}

/// Query-string fingerprints per (site, host+path), bounded in memory by two
/// generations: lookups move a path's entry into the current generation; when
/// the current one holds `cap` fingerprints, the previous one is dropped. A
/// path not seen for a whole generation forgets its count (it can admit up to
/// `max_query_variants` again, and the database's UNIQUE constraint still
/// stops duplicates): a link trap costs memory proportional to `cap`, never to
/// the number of paths it generates.
struct QueryVariants {
    current: HashMap<(usize, u64), HashSet<u64>>,
    previous: HashMap<(usize, u64), HashSet<u64>>,
    entries: usize,
    cap: usize,
}

impl QueryVariants {
    fn new(cap: usize) -> Self {
        QueryVariants {
            current: HashMap::new(),
            previous: HashMap::new(),
            entries: 0,
            cap,
        }
    }

    /// Records `query` for `path`; false when the path already has `max` other variants.
    fn admit(&mut self, path: (usize, u64), query: u64, max: usize) -> bool {
        if !self.current.contains_key(&path) {
            let moved = self.previous.remove(&path).unwrap_or_default();
            self.entries += moved.len();
            self.current.insert(path, moved);
        }
        let seen = self.current.get_mut(&path).expect("just inserted");
        if !seen.contains(&query) {
            if seen.len() >= max {
                return false;
            }
            seen.insert(query);
            self.entries += 1;
        }
        if self.entries >= self.cap {
            self.previous = std::mem::take(&mut self.current);
            self.entries = 0;
        }
        true
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.current
            .values()
            .chain(self.previous.values())
            .map(HashSet::len)
            .sum()
    }
}

/// Query fingerprints the admission table holds at most per generation.
const QUERY_VARIANTS_CAP: usize = 1 << 18;

impl Admission {
    /// Admission under the `[crawl]` limits, with no query variants seen yet.
    pub fn new(settings: &CrawlSettings) -> Self {
        Admission {
            max_depth: settings.max_depth,
            max_url_len: settings.max_url_len,
            max_repeated_segments: settings.max_repeated_segments,
            max_query_variants: settings.max_query_variants,
            query_variants: QueryVariants::new(QUERY_VARIANTS_CAP),
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
        if let Some(query) = url.query() {
            let path = (
                site_idx,
                fxhash(url.host_str().unwrap_or("").as_bytes(), url.path().as_bytes()),
            );
            let q = fxhash(query.as_bytes(), b"");
            if !self.query_variants.admit(path, q, self.max_query_variants as usize) {
                return Err(Refusal::QueryVariants);
            }
        }
        Ok(())
    }
}

/// The highest number of times any one path segment occurs ("/a/b/a/b/a" → 3
/// for "a"). Linear: one count per distinct segment.
fn repeated_segments(path: &str) -> usize {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    let mut best = 0;
    for s in path.split('/').filter(|s| !s.is_empty()) {
        let n = counts.entry(s).or_insert(0);
        *n += 1;
        best = best.max(*n);
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
    /// A cache that holds up to `cap` fingerprints, then starts over empty.
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

    #[test]
    fn repeated_segment_count() {
        assert_eq!(repeated_segments("/a/b/c"), 1);
        assert_eq!(repeated_segments("/a/b/a/b/a/"), 3);
        assert_eq!(repeated_segments(""), 0);
    }

    #[test]
    fn query_variant_table_stays_bounded_and_keeps_counting() {
        let mut t = QueryVariants::new(1000);
        // A trap that invents a new path for every link: memory stays near the cap.
        for p in 0..100_000u64 {
            assert!(t.admit((0, p), 1, 3));
            assert!(t.len() <= 2 * 1000, "{} entries after {p} paths", t.len());
        }
        // A path in use keeps its count across generations.
        for q in 0..3 {
            assert!(t.admit((1, 7), q, 3));
        }
        for p in 0..1500u64 {
            t.admit((2, p), 1, 3);
            if p % 100 == 0 {
                assert!(t.admit((1, 7), 0, 3), "a known variant is always admitted");
            }
        }
        assert!(!t.admit((1, 7), 99, 3), "a fourth variant is refused");
    }
}
