//! Everything CPU-bound about a fetched page: decode, extract, match, admit
//! links. Runs on the blocking pool (bounded by the engine's analysis
//! slots), never on the async workers, so one heavy page cannot stall
//! fetching; each step is linear in the page and cut by the job's per-page
//! budgets, which are reported back so the summary can name them.

use super::summary::Budget;
use super::Ctx;
use crate::fetch::decode::decode;
use crate::fetch::Fetched;
use crate::frontier::{host_key, path_and_query, Refusal};
use crate::store::{self, ListingRecord, NewLink, Outcome, PageRecord};
use crate::urls::url_host_key;
use url::Url;

/// What analysing one page produced.
pub(crate) struct Analysed {
    /// The page with its listing and links, ready to commit.
    pub outcome: Outcome,
    /// Hits stored for its listing.
    pub hits: usize,
    /// Budgets that cut something on this page.
    pub cuts: Vec<Budget>,
}

/// Decodes, extracts and matches `f`, the answer to the frontier entry
/// `frontier_id` (queued as `entry_url` at `depth` for site `site_idx`);
/// `redirects` are the hops that led to it.
pub(crate) fn analyse(
    ctx: &Ctx,
    site_idx: usize,
    frontier_id: i64,
    entry_url: &str,
    depth: u32,
    redirects: &[(u16, String)],
    f: Fetched,
) -> Analysed {
    let mut cuts = Vec::new();
    if f.truncated {
        cuts.push(Budget::MaxBodyBytes);
    }
    let content_type = f.header("content-type").map(str::to_string);
    let mut page = page_record(entry_url, redirects, &f, content_type.clone());
    let mut listing = None;
    let mut links = Vec::new();
    let mut hits = 0;
    if (200..300).contains(&f.status) && is_html(&f) {
        let decoded = decode(&f.body, content_type.as_deref());
        page.charset = Some(decoded.encoding.to_string());
        page.charset_source = Some(decoded.source.as_str().to_string());
        let ex = crate::extract::extract_with(&decoded.text, &f.final_url, &ctx.fields[site_idx], &ctx.extract_limits);
        if ex.cut.flattened_depth {
            cuts.push(Budget::MaxNestingDepth);
        }
        if ex.cut.markup_trimmed {
            cuts.push(Budget::Markup);
        }
        if ex.cut.links_dropped > 0 {
            cuts.push(Budget::MaxLinksPerPage);
        }
        links = admit_links(ctx, site_idx, &ex.links, depth.saturating_add(1));
        let site = &ctx.job.sites[site_idx];
        let final_pq = path_and_query(&f.final_url);
        if site.listing.is_match(final_pq) || site.listing.is_match(path_and_query(&f.url)) {
            let (record, n) = listing_record(ctx, site_idx, &f.final_url, &f.headers, &ex, &mut cuts);
            hits = n;
            listing = Some(Box::new(record));
        }
    }
    page.body = f.body;
    Analysed {
        outcome: Outcome::Fetched {
            frontier_id,
            page: Box::new(page),
            listing,
            links,
        },
        hits,
        cuts,
    }
}

pub(crate) fn page_record(
    entry_url: &str,
    redirects: &[(u16, String)],
    f: &Fetched,
    content_type: Option<String>,
) -> PageRecord {
    let redirects_json = serde_json::to_string(
        &redirects
            .iter()
            .map(|(s, u)| serde_json::json!({"status": s, "url": u}))
            .collect::<Vec<_>>(),
    )
    .unwrap_or_else(|_| "[]".into());
    PageRecord {
        url: entry_url.to_string(),
        final_url: f.final_url.to_string(),
        redirects_json,
        status: f.status,
        fetched_at: store::timestamp(f.fetched_at),
        headers_json: serde_json::to_string(&f.headers).unwrap_or_else(|_| "[]".into()),
        content_type,
        charset: None,
        charset_source: None,
        body: Vec::new(),
        truncated: f.truncated,
    }
}

/// Links found on the page that the site's scope and the trap limits admit,
/// minus those already sent to the frontier.
fn admit_links(ctx: &Ctx, site_idx: usize, found: &[Url], depth: u32) -> Vec<NewLink> {
    let site = &ctx.job.sites[site_idx];
    let mut links = Vec::new();
    let mut adm = ctx.admission.lock().expect("admission lock");
    let mut seen = ctx.seen.lock().expect("seen lock");
    let mut refused = ctx.refused.lock().expect("refused lock");
    for link in found {
        match adm.admit(site_idx, site, link, depth) {
            Ok(()) => {
                if seen.insert(link.as_str()) {
                    links.push(NewLink {
                        url: link.to_string(),
                        site: site.name.clone(),
                        host: host_key(link),
                        depth,
                    });
                }
            }
            Err(r) => {
                if r != Refusal::OffSite || link.scheme().starts_with("http") {
                    *refused.entry(r.as_str()).or_default() += 1;
                }
            }
        }
    }
    links
}

/// The listing on a listing page: identity, matched text, hits, sellers.
fn listing_record(
    ctx: &Ctx,
    site_idx: usize,
    final_url: &Url,
    f_headers: &[(String, String)],
    ex: &crate::extract::Extracted,
    cuts: &mut Vec<Budget>,
) -> (ListingRecord, usize) {
    let site = &ctx.job.sites[site_idx];
    // The canonical link decides identity, but only within the site's hosts:
    // a page cannot claim to be another site's listing.
    let canonical = ex
        .canonical
        .as_ref()
        .filter(|c| site.hosts.contains(&url_host_key(c.as_str())))
        .unwrap_or(final_url);
    let text = ex.listing_text();
    let verdict = ctx.rules.scan_limited(&text, &ctx.match_limits);
    for b in &verdict.cut_by {
        cuts.push(match b {
            crate::matcher::Budget::HitsPerRule => Budget::MaxHitsPerRule,
            crate::matcher::Budget::HitsPerText => Budget::MaxHitsPerListing,
            crate::matcher::Budget::TextBytes => Budget::TextBytes,
        });
    }
    let title = crate::extract::listing_title(&ex.title_tag, &ex.fields, &ex.text);
    let (sellers, dropped) =
        crate::extract::seller_identifiers_limited(&text, ctx.job.crawl.max_identifiers_per_listing);
    if dropped > 0 {
        cuts.push(Budget::MaxIdentifiersPerListing);
    }
    let hits = verdict.hits.len();
    let record = ListingRecord {
        site: site.name.clone(),
        canonical_url: canonical.to_string(),
        title,
        text,
        fields_json: serde_json::to_string(&ex.fields).unwrap_or_else(|_| "{}".into()),
        score: verdict.score,
        risk: verdict.risk,
        hits: verdict.hits,
        sellers,
        rules_sha256: ctx.rules.fingerprint().to_string(),
        analysis_key: ctx.analysis_keys[site_idx].clone(),
        etag: validator(f_headers, "etag"),
        last_modified: validator(f_headers, "last-modified"),
    };
    (record, hits)
}

/// A response header usable as a validator: present, short, printable ASCII.
fn validator(headers: &[(String, String)], name: &str) -> Option<String> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty() && v.len() <= 256 && v.bytes().all(|b| (0x20..0x7f).contains(&b)))
        .map(str::to_string)
}

/// Whether a response is worth parsing as a page (HTML, XML or plain text).
fn is_html(f: &Fetched) -> bool {
    match f.header("content-type") {
        Some(ct) => {
            let ct = ct.to_ascii_lowercase();
            ct.contains("html") || ct.contains("xml") || ct.starts_with("text/plain")
        }
        None => crate::extract::looks_like_html(&String::from_utf8_lossy(&f.body[..f.body.len().min(1024)])),
    }
}
