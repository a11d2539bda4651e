//! The crawl's side of targeted discovery (`crate::discovery`): the entries
//! a run starts from (seeds, search result pages, sitemaps), and what a
//! fetched page adds to the frontier according to how it was found.

use super::Ctx;
use crate::config::{Job, Queries, Site};
use crate::discovery::sitemap::{self, Sitemap};
use crate::discovery::{search, store, Via, ViaKind};
use crate::frontier::{host_key, path_and_query};
use crate::rules::RuleSet;
use crate::store::NewLink;
use url::Url;

/// The queries a site's search is sent: its `queries` list, or the packs'
/// search terms (in the site's language too).
pub fn site_queries(site: &Site, rules: &RuleSet) -> Vec<String> {
    match &site.discovery.queries {
        Queries::List(list) => list.clone(),
        Queries::Packs => rules.search_queries(site.discovery.language.as_deref()),
    }
}

/// The search result URLs of a site, with their query and page: the first
/// page of each query, or every page up to `search_pages` when the template
/// numbers them (`{page}`).
pub fn search_urls(site: &Site, rules: &RuleSet) -> Vec<(String, u32, Url)> {
    let Some(t) = &site.discovery.search else {
        return Vec::new();
    };
    let pages = if t.has_page() { site.discovery.search_pages } else { 1 };
    let mut out = Vec::new();
    for q in site_queries(site, rules) {
        for page in 1..=pages {
            if let Ok(u) = t.url(&q, page, site.discovery.encoding) {
                out.push((q.clone(), page, u));
            }
        }
    }
    out
}

/// Every site's start: its seeds, its search result pages, its sitemaps
/// (robots.txt for its `Sitemap:` lines, `/sitemap.xml`, the listed ones),
/// normalised, at depth 0.
pub(crate) fn seeds(job: &Job, rules: &RuleSet) -> Vec<NewLink> {
    let mut out = Vec::new();
    for site in &job.sites {
        let mut push = |u: Url, via: Via| {
            if let Some(u) = crate::urls::normalise(u) {
                out.push(NewLink {
                    host: host_key(&u),
                    url: u.to_string(),
                    site: site.name.clone(),
                    depth: 0,
                    via,
                });
            }
        };
        for s in &site.seeds {
            push(s.clone(), Via::crawl());
        }
        for (q, page, u) in search_urls(site, rules) {
            push(u, Via::search(&q, page));
        }
        if site.discovery.sitemaps {
            for u in &site.discovery.sitemap_urls {
                push(u.clone(), Via::sitemap(1));
            }
            if site.discovery.sitemap_urls.is_empty() {
                for root in roots(site) {
                    for path in ["/robots.txt", "/sitemap.xml"] {
                        if let Ok(u) = root.join(path) {
                            let level = u32::from(path == "/sitemap.xml");
                            push(u, Via::sitemap(level));
                        }
                    }
                }
            }
        }
    }
    out
}

/// The most storefronts of earlier runs read again by a run.
pub const MAX_KNOWN_STOREFRONTS: usize = 2_000;

/// The storefronts earlier runs of the job reached from flagged listings,
/// for sites with `follow_sellers`: read again every run, so a seller's
/// new listings are found even when the listing that led there is
/// unchanged (answered 304, so never re-read).
pub(crate) fn known_storefronts(
    job: &Job,
    store: &crate::store::Store,
    run_id: i64,
) -> Result<Vec<NewLink>, crate::store::StoreError> {
    let sites: Vec<&str> = job
        .sites
        .iter()
        .filter(|s| s.discovery.follow_sellers)
        .map(|s| s.name.as_str())
        .collect();
    if sites.is_empty() {
        return Ok(Vec::new());
    }
    let known = store.storefronts_of_job(&job.name, run_id, MAX_KNOWN_STOREFRONTS)?;
    Ok(known
        .into_iter()
        .filter(|(site, _)| sites.contains(&site.as_str()))
        .filter_map(|(site, url)| {
            let u = Url::parse(&url).ok()?;
            Some(NewLink {
                host: host_key(&u),
                url,
                site,
                depth: 1,
                via: Via::store(1),
            })
        })
        .collect())
}

/// One URL per host of a site (its seeds', its search template's), for its sitemaps.
fn roots(site: &Site) -> Vec<Url> {
    let mut out: Vec<Url> = Vec::new();
    let probe = site
        .discovery
        .search
        .as_ref()
        .and_then(|t| t.url("x", 1, encoding_rs::UTF_8).ok());
    for u in site.seeds.iter().chain(probe.as_ref()) {
        if !out.iter().any(|o| host_key(o) == host_key(u)) {
            out.push(u.clone());
        }
    }
    out
}

/// What a fetched page found `via` a search, a sitemap or a storefront adds
/// to the frontier; None for pages of the whole-site crawl (their links are
/// admitted as before). `html` is the decoded page (None when it was not
/// HTML), `body` the raw bytes.
pub(crate) struct Found<'a> {
    pub via: &'a Via,
    pub depth: u32,
    pub final_url: &'a Url,
    pub html: Option<&'a str>,
    pub body: &'a [u8],
    pub links: &'a [Url],
    /// The page's listing was flagged (medium or high risk).
    pub flagged: bool,
    /// The supplier name the extractor read, if any.
    pub supplier: Option<&'a str>,
}

/// The links a discovery page adds (see the module and `crate::discovery`).
pub(crate) fn links(ctx: &Ctx, site_idx: usize, f: &Found) -> Vec<NewLink> {
    let site = &ctx.job.sites[site_idx];
    let is_listing = |u: &Url| site.listing.is_match(path_and_query(u));
    let mut cand: Vec<(Url, Via)> = Vec::new();
    let max_pages = match f.via.kind {
        ViaKind::Search if site.discovery.search.as_ref().is_some_and(|t| t.has_page()) => 0,
        ViaKind::Search => site.discovery.search_pages,
        ViaKind::Store => store::MAX_STORE_PAGES,
        _ => 0,
    };
    let wants_next = f.via.page < max_pages;
    let wants_store =
        f.flagged && site.discovery.follow_sellers && matches!(f.via.kind, ViaKind::Result | ViaKind::Crawl);
    // Parsed once, within the extractor's budgets, and only when needed.
    let doc = (wants_next || wants_store)
        .then(|| f.html.map(|h| crate::extract::parse_bounded(h, &ctx.extract_limits)))
        .flatten();
    match f.via.kind {
        ViaKind::Search | ViaKind::Store => {
            let result = f.via.result_of();
            cand.extend(
                f.links
                    .iter()
                    .filter(|u| is_listing(u))
                    .map(|u| (u.clone(), result.clone())),
            );
            if let Some(next) = doc
                .as_ref()
                .filter(|_| wants_next)
                .and_then(|d| search::next_link(d, f.final_url))
            {
                let mut via = f.via.clone();
                via.page += 1;
                cand.push((next, via));
            }
        }
        ViaKind::Sitemap => cand.extend(sitemap_links(f, &is_listing, ctx.job.crawl.max_body_bytes)),
        ViaKind::Crawl | ViaKind::Result => {}
    }
    if let Some(d) = doc.as_ref().filter(|_| wants_store) {
        let sel = site
            .fields
            .get("seller_link")
            .and_then(|s| scraper::Selector::parse(s).ok());
        if let Some(u) = store::storefront_link(d, f.final_url, sel.as_ref(), f.supplier, &is_listing) {
            cand.push((u, Via::store(1)));
        }
    }
    admit(ctx, site_idx, f.depth, cand)
}

/// The sitemaps and listing URLs a robots.txt or a sitemap names.
fn sitemap_links(f: &Found, is_listing: &dyn Fn(&Url) -> bool, max_bytes: usize) -> Vec<(Url, Via)> {
    let level = f.via.page;
    let as_urls = |list: Vec<String>| -> Vec<Url> { list.iter().filter_map(|s| f.final_url.join(s).ok()).collect() };
    if f.final_url.path() == "/robots.txt" {
        let text = String::from_utf8_lossy(f.body);
        return as_urls(sitemap::robots_sitemaps(&text))
            .into_iter()
            .map(|u| (u, Via::sitemap(1)))
            .collect();
    }
    match sitemap::parse(f.body, max_bytes) {
        Ok(Sitemap::Index(list)) if level < sitemap::MAX_LEVEL => as_urls(list)
            .into_iter()
            .map(|u| (u, Via::sitemap(level + 1)))
            .collect(),
        Ok(Sitemap::Urls(list)) => as_urls(list)
            .into_iter()
            .filter(|u| is_listing(u))
            .map(|u| (u, Via::crawl().result_of()))
            .collect(),
        _ => Vec::new(),
    }
}

/// Candidates through the site's scope, deny and trap limits, once each.
fn admit(ctx: &Ctx, site_idx: usize, depth: u32, cand: Vec<(Url, Via)>) -> Vec<NewLink> {
    let site = &ctx.job.sites[site_idx];
    let mut out = Vec::new();
    let mut adm = ctx.admission.lock().expect("admission lock");
    let mut seen = ctx.seen.lock().expect("seen lock");
    for (u, via) in cand {
        let Some(u) = crate::urls::normalise(u) else { continue };
        // Discovery entries sit one step from their start, whatever the
        // depth limit; result and storefront pages and sitemaps need not
        // match `follow` (they are how the site is navigated here).
        let admitted = match via.kind {
            ViaKind::Result | ViaKind::Crawl => adm.admit(site_idx, site, &u, 1).is_ok(),
            _ => {
                site.hosts.contains(&host_key(&u))
                    && u.as_str().len() <= ctx.job.crawl.max_url_len
                    && !site.deny.as_ref().is_some_and(|d| d.is_match(path_and_query(&u)))
            }
        };
        if admitted && seen.insert(u.as_str()) {
            out.push(NewLink {
                host: host_key(&u),
                url: u.to_string(),
                site: site.name.clone(),
                depth: depth.saturating_add(1),
                via,
            });
        }
    }
    out
}

/// What `precwatch queries` shows of one site: where its listings come from.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SiteQueries {
    /// The site.
    pub site: String,
    /// The search template, if any.
    pub search: Option<String>,
    /// The encoding queries are sent in.
    pub encoding: String,
    /// The site's language, if given.
    pub language: Option<String>,
    /// Result pages followed per query.
    pub search_pages: u32,
    /// Each query and the URL of its first result page.
    pub queries: Vec<(String, String)>,
    /// robots.txt and sitemap URLs read.
    pub sitemaps: Vec<String>,
    /// The seeds.
    pub seeds: Vec<String>,
    /// Flagged listings lead to their sellers' storefronts.
    pub follow_sellers: bool,
}

/// Every site's queries and other starting points, as a run would send them.
pub fn queries_report(job: &Job, rules: &RuleSet) -> Vec<SiteQueries> {
    let starts = seeds(job, rules);
    job.sites
        .iter()
        .map(|site| SiteQueries {
            site: site.name.clone(),
            search: site.discovery.search.as_ref().map(|t| t.as_str().to_string()),
            encoding: site.discovery.encoding.name().to_string(),
            language: site.discovery.language.clone(),
            search_pages: site.discovery.search_pages,
            queries: search_urls(site, rules)
                .into_iter()
                .filter(|(_, page, _)| *page == 1)
                .map(|(q, _, u)| (q, u.to_string()))
                .collect(),
            sitemaps: starts
                .iter()
                .filter(|l| l.site == site.name && l.via.kind == ViaKind::Sitemap)
                .map(|l| l.url.clone())
                .collect(),
            seeds: site.seeds.iter().map(Url::to_string).collect(),
            follow_sellers: site.discovery.follow_sellers,
        })
        .collect()
}
