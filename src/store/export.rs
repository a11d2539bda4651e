//! The export query: listings with their current version, hits, sellers
//! and evidence, as `precwatch export` and the demo show them.

use super::db::params;
use super::listings::{ListingFilter, ORDER};
use super::review::ReviewStatus;
use super::{LinkCache, Store, StoreError};
use crate::matcher::{Hit, Risk, SubstanceLists};

/// One listing as exported.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ExportListing {
    /// `listings.id`: what `precwatch review` takes.
    pub id: i64,
    /// The current version (`listing_versions.id`).
    #[serde(skip)]
    pub version_id: i64,
    /// The fetch the current version came from (`pages.id`).
    #[serde(skip)]
    pub page_id: i64,
    /// The canonical URL: the listing's identity.
    pub url: String,
    /// Name of the `[[site]]` it was found on.
    pub site: String,
    /// The current version's title.
    pub title: String,
    /// The current version's risk.
    pub risk: Risk,
    /// The current version's score.
    pub score: f64,
    /// The current version's hits, in text order.
    pub hits: Vec<Hit>,
    /// The listing's own content that was matched (hit offsets point into it).
    #[serde(skip)]
    pub content: String,
    /// What the hits name: watched substances, commodities, unlisted leads.
    #[serde(flatten)]
    pub named: SubstanceLists,
    /// When the listing was first fetched (RFC 3339 UTC).
    pub first_seen: String,
    /// When it was last fetched (RFC 3339 UTC).
    pub last_seen: String,
    /// [`ListingState`] name, relative to the job's previous run.
    pub state: String,
    /// The investigator's status (`new` until reviewed).
    pub review_state: ReviewStatus,
    /// How many distinct versions are stored.
    pub versions: i64,
    /// Seller identifiers found on the current version.
    pub sellers: Vec<Seller>,
    /// The fields of the current version: the configured ones and those the
    /// content extractor recognised by their labels (a JSON object).
    pub fields: serde_json::Value,
    /// The named parts of the content that was matched: `[{name, start, end}]`.
    pub parts: serde_json::Value,
    /// What was dropped as the site's chrome, so a hit that did not count can
    /// be seen: `[{text, why}]`.
    pub chrome: serde_json::Value,
    /// What the current version was extracted from.
    pub evidence: Evidence,
    /// The seller cluster it belongs to ([`Store::cluster_ids`]: the smallest
    /// listing id of the cluster); None when it shares no identifier that
    /// links (it has none, or only site-wide ones).
    pub cluster: Option<i64>,
}

/// A seller identifier found on a listing.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Seller {
    /// What kind of identifier (`email`, `phone`, `telegram`, `supplier_name`, ...).
    pub kind: String,
    /// The identifier as found.
    pub value: String,
}

/// Proof of what was fetched: the body's hash, when, from where, and how it was decoded.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Evidence {
    /// SHA-256 of the raw body, the key of its row in `blobs`.
    pub sha256: Option<String>,
    /// SHA-256 of the extracted text that was matched.
    pub text_sha256: String,
    /// When the page was fetched (RFC 3339 UTC).
    pub fetched_at: String,
    /// The URL that answered, after redirects.
    pub fetched_url: String,
    /// The HTTP status of that answer.
    pub status: i64,
    /// The encoding the body was decoded with; None when it was not decoded.
    pub charset: Option<String>,
    /// The run that fetched it (`runs.id`, with the job text and rule fingerprint).
    pub run_id: i64,
    /// Fingerprint of the rule packs that produced the hits.
    pub rules_sha256: String,
    /// SHA-256 of the listing's own content (what was matched; versions
    /// change with it, not with the chrome).
    pub content_sha256: Option<String>,
}

/// Parses stored JSON, falling back to `default` (a column from before it existed).
fn json_or(s: String, default: serde_json::Value) -> serde_json::Value {
    serde_json::from_str(&s).unwrap_or(default)
}

impl Store {
    /// The listings that pass `filter`, with their current version's hits and evidence, riskiest first.
    /// Reads the seller clusters of the whole database once.
    pub fn export_listings(&self, filter: &ListingFilter) -> Result<Vec<ExportListing>, StoreError> {
        let clusters = self.cluster_ids()?;
        self.export_rows(filter, &mut |id| Ok(clusters.get(&id).copied()))
    }

    /// One listing as exported, whatever its status; None when no listing has
    /// that id. Its cluster is found from the listing ([`Store::cluster_of`]),
    /// so the cost follows the listing and its cluster, not the database
    /// (the web UI's detail page).
    pub fn export_listing(&self, id: i64, cache: &mut LinkCache) -> Result<Option<ExportListing>, StoreError> {
        let mut rows = self.export_rows(&ListingFilter::one(id), &mut |id| self.cluster_of_cached(id, cache))?;
        Ok(rows.pop())
    }

    fn export_rows(
        &self,
        filter: &ListingFilter,
        cluster_of: &mut dyn FnMut(i64) -> Result<Option<i64>, StoreError>,
    ) -> Result<Vec<ExportListing>, StoreError> {
        self.ready_for(filter)?;
        let (cond, args) = filter.sql(self.backend())?;
        let mut st = self.conn.prepare(&format!(
            "SELECT l.id, l.canonical_url, l.site, v.title, v.risk, v.score, l.first_seen, l.last_seen, l.state,
                    l.review_state, v.id, v.body_sha256, v.text_sha256, v.fetched_at, p.final_url, p.status_code,
                    p.charset, v.run_id, v.rules_sha256, v.fields_json, v.chrome_json, v.content_sha256,
                    (SELECT COUNT(*) FROM listing_versions x WHERE x.listing_id = l.id), v.parts_json, v.page_id, v.content
             FROM listings l JOIN listing_versions v ON v.id = l.current_version_id JOIN pages p ON p.id = v.page_id
             WHERE {cond} ORDER BY {ORDER}"
        ))?;
        let mut hits_st = self.conn.prepare(
            "SELECT rule_id, category, kind, cas, matched, start, \"end\", context, part FROM hits WHERE version_id = ?1 ORDER BY start, id",
        )?;
        let mut sellers_st = self.conn.prepare(
            "SELECT DISTINCT s.kind, s.value FROM listing_sellers ls JOIN sellers s ON s.id = ls.seller_id
             WHERE ls.listing_id = ?1 AND ls.version_id = ?2 ORDER BY s.kind, s.value",
        )?;
        let mut rows = st.query(&args)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let risk: String = r.get(4)?;
            let risk: Risk = risk.parse().unwrap_or(Risk::None);
            let listing_id: i64 = r.get(0)?;
            let version_id: i64 = r.get(10)?;
            let hits = hits_st
                .query_map([version_id], |h| {
                    let kind: String = h.get(2)?;
                    Ok(Hit {
                        rule: h.get(0)?,
                        category: h.get(1)?,
                        kind: serde_json::from_value(serde_json::Value::String(kind))
                            .unwrap_or(crate::matcher::HitKind::Name),
                        cas: h.get(3)?,
                        matched: h.get(4)?,
                        start: h.get::<i64>(5)? as usize,
                        end: h.get::<i64>(6)? as usize,
                        context: h.get(7)?,
                        part: h.get::<String>(8).ok().filter(|p| !p.is_empty()),
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let sellers = sellers_st
                .query_map(params![listing_id, version_id], |s| {
                    Ok(Seller {
                        kind: s.get(0)?,
                        value: s.get(1)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let fields_json: String = r.get(19)?;
            out.push(ExportListing {
                id: listing_id,
                version_id,
                page_id: r.get(24)?,
                content: r.get(25)?,
                url: r.get(1)?,
                site: r.get(2)?,
                title: r.get(3)?,
                risk,
                score: r.get(5)?,
                named: SubstanceLists::of(&hits),
                hits,
                first_seen: r.get(6)?,
                last_seen: r.get(7)?,
                state: r.get(8)?,
                review_state: ReviewStatus::parse(&r.get::<String>(9)?).unwrap_or(ReviewStatus::New),
                versions: r.get(22)?,
                chrome: json_or(r.get::<String>(20)?, serde_json::json!([])),
                parts: json_or(r.get::<String>(23)?, serde_json::json!([])),
                sellers,
                fields: serde_json::from_str(&fields_json).unwrap_or(serde_json::Value::Null),
                evidence: Evidence {
                    sha256: r.get(11)?,
                    text_sha256: r.get(12)?,
                    fetched_at: r.get(13)?,
                    fetched_url: r.get(14)?,
                    status: r.get(15)?,
                    charset: r.get(16)?,
                    run_id: r.get(17)?,
                    rules_sha256: r.get(18)?,
                    content_sha256: r.get(21)?,
                },
                cluster: cluster_of(listing_id)?,
            });
        }
        Ok(out)
    }
}
