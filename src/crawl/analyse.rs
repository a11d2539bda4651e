//! Everything CPU-bound about a fetched page: decode, extract, match, admit
//! links. Runs on the analysis pool (one thread per core), never on the
//! async workers, so one heavy page cannot stall
//! fetching; each step is linear in the page and cut by the job's per-page
//! budgets, which are reported back so the summary can name them.

use super::discover;
use super::summary::Budget;
use super::Ctx;
use crate::discovery::ViaKind;
use crate::fetch::decode::decode;
use crate::fetch::Fetched;
use crate::frontier::{host_key, path_and_query, Refusal};
use crate::store::{self, ListingRecord, NewLink, Outcome, PageRecord, QueueItem, StoredPage};
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
    /// Field selectors of the site that matched nothing on this listing page.
    pub fields_missed: Vec<String>,
    /// A listing page stored with its listing pending (the site's template
    /// was not learned yet).
    pub pending: bool,
}

/// A site's template is trusted once it has learned this many pages…
const MATURE_PAGES: u32 = 8;
/// …of which this many listing pages (product-page chrome such as "related
/// products" only shows there).
const MATURE_LISTINGS: u32 = 4;

/// True when a site's template has learned enough to judge its listings.
pub(crate) fn is_mature(t: &crate::extract::template::SiteTemplate) -> bool {
    t.pages() >= MATURE_PAGES && t.listings() >= MATURE_LISTINGS
}

/// Decodes, extracts and matches `f`, the answer to the frontier entry
/// `item` (of site `site_idx`); `redirects` are the hops that led to it. A
/// listing page that comes before its site's template is learned is stored
/// with its listing pending ([`analyse_stored`] reads it later). What the
/// page adds to the frontier depends on how the entry was found
/// (`discover.rs`): a search result page adds its listings, a listing found
/// by a search adds no links, a sitemap adds what it lists.
pub(crate) fn analyse(
    ctx: &Ctx,
    site_idx: usize,
    item: &QueueItem,
    redirects: &[(u16, String)],
    f: Fetched,
) -> Analysed {
    let (frontier_id, entry_url, depth, via) = (item.id, item.url.as_str(), item.depth, &item.via);
    let mut cuts = Vec::new();
    if f.truncated {
        cuts.push(Budget::MaxBodyBytes);
    }
    let content_type = f.header("content-type").map(str::to_string);
    let mut page = page_record(entry_url, redirects, &f, content_type.clone());
    let mut listing = None;
    let mut links = Vec::new();
    let mut hits = 0;
    let mut fields_missed = Vec::new();
    let ok = (200..300).contains(&f.status);
    if ok && via.kind == ViaKind::Sitemap {
        let found = discover::Found {
            via,
            depth,
            final_url: &f.final_url,
            html: None,
            body: &f.body,
            links: &[],
            flagged: false,
            supplier: None,
        };
        links = discover::links(ctx, site_idx, &found);
    } else if ok && is_html(&f) {
        let decoded = decode(&f.body, content_type.as_deref());
        page.charset = Some(decoded.encoding.to_string());
        page.charset_source = Some(decoded.source.as_str().to_string());
        let ex = extract(ctx, site_idx, &decoded.text, &f.final_url, &mut cuts);
        if via.kind == ViaKind::Crawl {
            links = admit_links(ctx, site_idx, &ex.links, depth.saturating_add(1));
        }
        let is_listing = is_listing_page(ctx, site_idx, entry_url, &f.final_url)
            && matches!(via.kind, ViaKind::Crawl | ViaKind::Result);
        // The page's content is judged against what the site's other pages
        // showed, then the page itself is learned.
        let content = {
            let mut t = ctx.templates[site_idx].lock().expect("template lock");
            let mature = is_mature(&t);
            let c = (is_listing && mature).then(|| content_of(ctx, site_idx, &ex, &t, false));
            t.learn(&ex.page, &ex.title_tag, is_listing);
            page.listing_pending = is_listing && !mature;
            c
        };
        if let Some(content) = content {
            fields_missed = ex.fields_missed.clone();
            let (record, n) = listing_record(ctx, site_idx, &f, &ex, content, &mut cuts);
            hits = n;
            listing = Some(Box::new(record));
        }
        let site = &ctx.job.sites[site_idx];
        if via.kind != ViaKind::Crawl || site.discovery.follow_sellers {
            let supplier = supplier_of(&ex);
            let found = discover::Found {
                via,
                depth,
                final_url: &f.final_url,
                html: Some(&decoded.text),
                body: &f.body,
                links: &ex.links,
                flagged: listing.as_ref().is_some_and(|l| l.risk >= crate::matcher::Risk::Medium),
                supplier,
            };
            links.extend(discover::links(ctx, site_idx, &found));
        }
    }
    let pending = page.listing_pending;
    page.body = f.body;
    Analysed {
        pending,
        outcome: Outcome::Fetched {
            frontier_id,
            page: Box::new(page),
            listing,
            links,
        },
        hits,
        cuts,
        fields_missed,
    }
}

/// The supplier's name as the extractor read it (a configured or labelled field).
fn supplier_of(ex: &crate::extract::Extracted) -> Option<&str> {
    ["supplier", "seller", "company", "store"]
        .iter()
        .find_map(|k| ex.fields.get(*k))
        .map(String::as_str)
}

/// The listing of a page stored with its listing pending, now that its
/// site's template is learned (or the run ends): what [`analyse`] would
/// have found with today's template. The page is already in the template.
pub(crate) fn analyse_stored(ctx: &Ctx, site_idx: usize, p: StoredPage) -> Analysed {
    let mut cuts = Vec::new();
    let page_id = p.page_id;
    let f = fetched_of(p);
    let content_type = f.header("content-type").map(str::to_string);
    let decoded = decode(&f.body, content_type.as_deref());
    let ex = extract(ctx, site_idx, &decoded.text, &f.final_url, &mut cuts);
    let content = {
        let t = ctx.templates[site_idx].lock().expect("template lock");
        content_of(ctx, site_idx, &ex, &t, true)
    };
    let fields_missed = ex.fields_missed.clone();
    let (record, hits) = listing_record(ctx, site_idx, &f, &ex, content, &mut cuts);
    let mut links = Vec::new();
    if ctx.job.sites[site_idx].discovery.follow_sellers && record.risk >= crate::matcher::Risk::Medium {
        let found = discover::Found {
            via: &crate::discovery::Via::crawl().result_of(),
            depth: 1,
            final_url: &f.final_url,
            html: Some(&decoded.text),
            body: &f.body,
            links: &[],
            flagged: true,
            supplier: supplier_of(&ex),
        };
        links = discover::links(ctx, site_idx, &found);
    }
    Analysed {
        pending: false,
        outcome: Outcome::Deferred {
            page_id,
            listing: Box::new(record),
            links,
        },
        hits,
        cuts,
        fields_missed,
    }
}

/// Learns a stored page into its site's template (a resumed run relearns
/// the template from the pages the run already has).
pub(crate) fn learn_stored(ctx: &Ctx, site_idx: usize, p: StoredPage) {
    let entry = p.url.clone();
    let f = fetched_of(p);
    let content_type = f.header("content-type").map(str::to_string);
    let decoded = decode(&f.body, content_type.as_deref());
    let mut cuts = Vec::new();
    let ex = extract(ctx, site_idx, &decoded.text, &f.final_url, &mut cuts);
    let is_listing = is_listing_page(ctx, site_idx, &entry, &f.final_url);
    ctx.templates[site_idx]
        .lock()
        .expect("template lock")
        .learn(&ex.page, &ex.title_tag, is_listing);
}

/// A stored page as the fetch that made it.
fn fetched_of(p: StoredPage) -> Fetched {
    let final_url = Url::parse(&p.final_url)
        .or_else(|_| Url::parse(&p.url))
        .unwrap_or_else(|_| Url::parse("http://invalid.invalid/").expect("literal URL"));
    Fetched {
        url: final_url.clone(),
        final_url,
        redirects: Vec::new(),
        status: p.status,
        headers: p.headers,
        body: p.body,
        truncated: p.truncated,
        fetched_at: std::time::SystemTime::now(),
    }
}

fn extract(ctx: &Ctx, site_idx: usize, html: &str, url: &Url, cuts: &mut Vec<Budget>) -> crate::extract::Extracted {
    let ex = crate::extract::extract_with(html, url, &ctx.fields[site_idx], &ctx.extract_limits);
    if ex.cut.flattened_depth {
        cuts.push(Budget::MaxNestingDepth);
    }
    if ex.cut.markup_trimmed {
        cuts.push(Budget::Markup);
    }
    if ex.cut.links_dropped > 0 {
        cuts.push(Budget::MaxLinksPerPage);
    }
    ex
}

fn is_listing_page(ctx: &Ctx, site_idx: usize, entry_url: &str, final_url: &Url) -> bool {
    let site = &ctx.job.sites[site_idx];
    site.listing.is_match(path_and_query(final_url))
        || Url::parse(entry_url).is_ok_and(|u| site.listing.is_match(path_and_query(&u)))
}

fn content_of(
    ctx: &Ctx,
    site_idx: usize,
    ex: &crate::extract::Extracted,
    t: &crate::extract::template::SiteTemplate,
    learned: bool,
) -> crate::extract::content::ListingContent {
    let s = crate::extract::content::Site {
        listing: Some(&ctx.job.sites[site_idx].listing),
        learned,
    };
    crate::extract::content::listing_content(ex, &ctx.field_names[site_idx], t, s)
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
        listing_pending: false,
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
                        via: crate::discovery::Via::crawl(),
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

/// The listing on a listing page: identity, its content matched, hits with
/// the part they came from, sellers.
fn listing_record(
    ctx: &Ctx,
    site_idx: usize,
    f: &Fetched,
    ex: &crate::extract::Extracted,
    content: crate::extract::content::ListingContent,
    cuts: &mut Vec<Budget>,
) -> (ListingRecord, usize) {
    let site = &ctx.job.sites[site_idx];
    // The canonical link decides identity, but only within the site's hosts:
    // a page cannot claim to be another site's listing.
    let canonical = ex
        .canonical
        .as_ref()
        .filter(|c| site.hosts.contains(&url_host_key(c.as_str())))
        .unwrap_or(&f.final_url);
    let verdict = ctx.rules.scan_limited(&content.text, &ctx.match_limits);
    for b in &verdict.cut_by {
        cuts.push(match b {
            crate::matcher::Budget::HitsPerRule => Budget::MaxHitsPerRule,
            crate::matcher::Budget::HitsPerText => Budget::MaxHitsPerListing,
            crate::matcher::Budget::TextBytes => Budget::TextBytes,
        });
    }
    let country = crate::sellers::Context {
        country: site.country.as_deref(),
    };
    let (ids, dropped) =
        crate::sellers::identifiers(&content.text, &country, ctx.job.crawl.max_identifiers_per_listing);
    let sellers = ids
        .into_iter()
        .map(|i| (i.kind.as_str().to_string(), i.value))
        .collect();
    if dropped > 0 {
        cuts.push(Budget::MaxIdentifiersPerListing);
    }
    let hits: Vec<crate::matcher::Hit> = verdict
        .hits
        .into_iter()
        .map(|mut h| {
            h.part = content.part_at(h.start).map(str::to_string);
            h
        })
        .collect();
    let n = hits.len();
    let title = if content.title.is_empty() {
        crate::extract::listing_title(&ex.title_tag, &ex.fields, &ex.text)
    } else {
        content.title.clone()
    };
    let fields = crate::extract::content::fields_of(&content, &ex.fields);
    let record = ListingRecord {
        site: site.name.clone(),
        key: listing_key(site, ex, canonical),
        canonical_url: canonical.to_string(),
        title,
        text: ex.text.clone(),
        parts_json: serde_json::to_string(&content.parts).unwrap_or_else(|_| "[]".into()),
        chrome_json: serde_json::to_string(&content.chrome).unwrap_or_else(|_| "[]".into()),
        content: content.text,
        fields_json: serde_json::to_string(&fields).unwrap_or_else(|_| "{}".into()),
        score: verdict.score,
        risk: verdict.risk,
        hits,
        sellers,
        rules_sha256: ctx.rules.fingerprint().to_string(),
        analysis_key: ctx.analysis_keys[site_idx].clone(),
        etag: validator(&f.headers, "etag"),
        last_modified: validator(&f.headers, "last-modified"),
    };
    (record, n)
}

/// A listing's identity: the site's listing id (the `id` field, else the
/// `id_pattern` on the URL) when there is one, else the canonical URL.
fn listing_key(site: &crate::config::Site, ex: &crate::extract::Extracted, canonical: &Url) -> String {
    let from_field = ex.fields.get("id").map(|v| v.trim()).filter(|v| !v.is_empty());
    let from_url = || {
        let re = site.id_pattern.as_ref()?;
        let c = re.captures(path_and_query(canonical))?;
        Some(c.get(1).or_else(|| c.get(0))?.as_str())
    };
    match from_field.or_else(from_url) {
        Some(id) => format!("id:{}:{}", site.name, crate::escape::short(id, 200)),
        None => canonical.to_string(),
    }
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
