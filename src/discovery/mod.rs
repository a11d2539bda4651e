//! Leaf: targeted discovery. How a job finds listings without crawling a
//! whole marketplace: search result pages for the watched substances
//! (`search.rs`: query URLs in the site's encoding, the next result page),
//! sitemaps (`sitemap.rs`: robots.txt `Sitemap:` lines, sitemap indexes,
//! gzip), and seller storefronts (`store.rs`: the link from a flagged
//! listing to its seller's other listings). No I/O, no other module of the
//! crate: the crawl engine feeds it bytes and URLs.
//!
//! Every frontier entry records how it was found ([`Via`]); what a fetched
//! page may add to the frontier depends on it:
//! - `crawl` (seeds and their links): every admitted link, as before;
//! - `search` (a result page): the listings it links to (`result`) and, up to
//!   `search_pages`, the next result page;
//! - `result` (a listing found by a search, a sitemap or a storefront): no
//!   links (depth 1), except its seller's storefront with `follow_sellers`;
//! - `sitemap` (robots.txt or a sitemap): child sitemaps and listing URLs;
//! - `store` (a seller's storefront): its listings and its next pages.

pub mod search;
pub mod sitemap;
pub mod store;

/// How a frontier entry was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ViaKind {
    /// A seed, or a link followed from one (the whole-site crawl).
    #[default]
    Crawl,
    /// A search result page for a query.
    Search,
    /// A listing linked from a result page, a sitemap or a storefront.
    Result,
    /// robots.txt read for its `Sitemap:` lines, or a sitemap.
    Sitemap,
    /// A seller's storefront page.
    Store,
}

impl ViaKind {
    /// The stored name (`frontier.via`).
    pub fn as_str(self) -> &'static str {
        match self {
            ViaKind::Crawl => "crawl",
            ViaKind::Search => "search",
            ViaKind::Result => "result",
            ViaKind::Sitemap => "sitemap",
            ViaKind::Store => "store",
        }
    }

    /// Reads a stored name; unknown names are `crawl`.
    pub fn parse(s: &str) -> ViaKind {
        match s {
            "search" => ViaKind::Search,
            "result" => ViaKind::Result,
            "sitemap" => ViaKind::Sitemap,
            "store" => ViaKind::Store,
            _ => ViaKind::Crawl,
        }
    }
}

/// How an entry was found: the kind, the search query behind it (kept by
/// its result pages and the listings they link to, for the per-query
/// summary), and the page number of a result or storefront page (1-based),
/// or the nesting level of a sitemap.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Via {
    /// What found it.
    pub kind: ViaKind,
    /// The query, for `search` and the `result`s it found.
    pub query: Option<String>,
    /// The result or storefront page number, or the sitemap nesting level.
    pub page: u32,
}

impl Via {
    /// A seed or a link of the whole-site crawl.
    pub fn crawl() -> Via {
        Via::default()
    }

    /// Result page `page` of `query`.
    pub fn search(query: &str, page: u32) -> Via {
        Via {
            kind: ViaKind::Search,
            query: Some(query.to_string()),
            page,
        }
    }

    /// A listing found from an entry found `self` way (its query is kept).
    pub fn result_of(&self) -> Via {
        Via {
            kind: ViaKind::Result,
            query: self.query.clone(),
            page: 0,
        }
    }

    /// A sitemap (or robots.txt) at nesting `level`.
    pub fn sitemap(level: u32) -> Via {
        Via {
            kind: ViaKind::Sitemap,
            query: None,
            page: level,
        }
    }

    /// Storefront page `page`.
    pub fn store(page: u32) -> Via {
        Via {
            kind: ViaKind::Store,
            query: None,
            page,
        }
    }
}
