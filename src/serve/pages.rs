//! The HTML of the list, the clusters and the error pages, and the layout
//! every page shares. Every piece of crawled or user text goes through
//! [`e`] (crate::html::escape); markup is only ever written here.

use super::query::{join_qs, ListQuery, PAGE_ROWS};
use crate::matcher::Risk;
use crate::store::{ListingPage, ListingRow, ListingState, ReviewStatus, SellerReport};
use axum::http::StatusCode;
use std::fmt::Write;

/// Escapes text for HTML (crawled text, notes, names, query values).
pub fn e(s: &str) -> String {
    crate::html::escape(s)
}

/// A whole page: head with our stylesheet and script (no inline code), the
/// top bar, `body`, and the keyboard help.
pub fn layout(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · precwatch</title><link rel=\"stylesheet\" href=\"/static/app.css\">\
         <script src=\"/static/app.js\" defer></script></head><body>\
         <header class=\"top\"><a class=\"brand\" href=\"/\">precwatch</a><nav>\
         <a href=\"/\">Listings</a><a href=\"/clusters\">Seller clusters</a>\
         <button type=\"button\" id=\"help-toggle\" class=\"linkish\" title=\"Keyboard shortcuts (?)\">?</button></nav></header>\
         <main>{body}</main>{HELP}</body></html>\n",
        e(title)
    )
}

const HELP: &str = "<aside id=\"help\" class=\"help\" hidden><h2>Keyboard</h2><dl>\
    <dt>j / n</dt><dd>next listing</dd><dt>k / p</dt><dd>previous listing</dd>\
    <dt>c</dt><dd>confirm</dd><dt>f</dt><dd>false positive</dd><dt>e</dt><dd>escalate</dd>\
    <dt>u</dt><dd>back to new</dd><dt>/</dt><dd>search</dd><dt>?</dt><dd>this help</dd>\
    <dt>Esc</dt><dd>leave a field, close help</dd></dl></aside>";

/// An error page: what went wrong, in words, and a way back.
pub fn error_page(status: StatusCode, message: &str) -> String {
    layout(
        &format!("{} {}", status.as_u16(), status.canonical_reason().unwrap_or("")),
        &format!(
            "<section class=\"error\"><h1>{} {}</h1><p>{}</p><p><a href=\"/\">Back to the listings</a></p></section>",
            status.as_u16(),
            e(status.canonical_reason().unwrap_or("")),
            e(message)
        ),
    )
}

/// A risk as a coloured badge.
pub fn risk_badge(r: Risk) -> String {
    format!("<span class=\"risk risk-{0}\">{0}</span>", r.as_str())
}

/// A review status as a badge.
pub fn status_badge(s: ReviewStatus) -> String {
    format!(
        "<span class=\"status status-{0}\">{1}</span>",
        s.as_str(),
        s.as_str().replace('_', " ")
    )
}

/// A stored RFC 3339 time shown to the minute (`2024-05-12 10:33`).
pub fn short_time(t: &str) -> String {
    e(&t.get(..16).map_or_else(|| t.to_string(), |s| s.replace('T', " ")))
}

/// `GET /`: the filter form, the export links, one page of rows and the pager.
pub fn list_page(q: &ListQuery, sites: &[String], page: &ListingPage) -> String {
    let mut b = String::new();
    filter_form(&mut b, q, sites);
    let first = (q.page - 1) * PAGE_ROWS;
    let shown = page.rows.len() as u64;
    let _ = write!(
        b,
        "<div class=\"summary\"><span id=\"count\">{}</span>{}</div>",
        if shown == 0 {
            format!("{} listings", page.total)
        } else {
            format!("listings {}–{} of {}", first + 1, first + shown, page.total)
        },
        export_links(q)
    );
    if page.rows.is_empty() {
        b.push_str("<p class=\"empty\">No listing matches these filters.</p>");
    } else {
        rows_table(&mut b, q, &page.rows);
    }
    pager(&mut b, q, page.total);
    layout("Listings", &b)
}

fn filter_form(b: &mut String, q: &ListQuery, sites: &[String]) {
    let risk = q.min_risk.map_or("", |r| r.as_str());
    let status = q.statuses.first().map_or("", String::as_str);
    let state = q.states.first().map_or("", |s| s.as_str());
    let site = q.sites.first().map_or("", String::as_str);
    b.push_str("<form class=\"filters\" method=\"get\" action=\"/\">");
    select(
        b,
        "risk",
        "Min risk",
        risk,
        &[("", "any"), ("low", "low"), ("medium", "medium"), ("high", "high")],
    );
    select(
        b,
        "status",
        "Review",
        status,
        &[
            ("", "open (not false positive)"),
            ("new", "new"),
            ("confirmed", "confirmed"),
            ("false_positive", "false positive"),
            ("escalated", "escalated"),
            ("all", "all"),
        ],
    );
    let states: Vec<(&str, &str)> = [
        ListingState::New,
        ListingState::Changed,
        ListingState::Unchanged,
        ListingState::Gone,
    ]
    .iter()
    .map(|s| (s.as_str(), s.as_str()))
    .collect();
    select(b, "state", "State", state, &[&[("", "any")], &states[..]].concat());
    let sites: Vec<(&str, &str)> = sites.iter().map(|s| (s.as_str(), s.as_str())).collect();
    select(b, "site", "Site", site, &[&[("", "any")], &sites[..]].concat());
    let _ = write!(
        b,
        "<label>First seen since <input name=\"since\" size=\"12\" placeholder=\"run id or date\" value=\"{}\"></label>\
         <label class=\"grow\">Search <input id=\"q\" type=\"search\" name=\"q\" placeholder=\"title, content or URL  ( / )\" value=\"{}\"></label>\
         <button type=\"submit\">Filter</button> <a class=\"reset\" href=\"/\">reset</a></form>",
        e(q.since.as_deref().unwrap_or("")),
        e(q.text.as_deref().unwrap_or(""))
    );
}

fn select(b: &mut String, name: &str, label: &str, current: &str, options: &[(&str, &str)]) {
    let _ = write!(b, "<label>{label} <select name=\"{name}\">");
    for (value, text) in options {
        let sel = if *value == current { " selected" } else { "" };
        let _ = write!(b, "<option value=\"{}\"{sel}>{}</option>", e(value), e(text));
    }
    b.push_str("</select></label>");
}

fn export_links(q: &ListQuery) -> String {
    let mut s = String::from("<span class=\"exports\">Export:");
    for f in ["csv", "jsonl", "html", "warc", "graphml"] {
        let _ = write!(
            s,
            " <a href=\"/export?{}\">{f}</a>",
            e(&join_qs(&format!("format={f}"), &q.filter_qs()))
        );
    }
    s.push_str("</span>");
    s
}

fn rows_table(b: &mut String, q: &ListQuery, rows: &[ListingRow]) {
    b.push_str(
        "<table class=\"listings\"><thead><tr><th>ID</th><th>Risk</th><th>Review</th><th>State</th>\
         <th>Title</th><th>Matched</th><th>Site</th><th>First seen</th></tr></thead><tbody>",
    );
    let qs = q.filter_qs();
    for r in rows {
        let href = format!(
            "/listing/{}{}",
            r.id,
            if qs.is_empty() { String::new() } else { format!("?{qs}") }
        );
        let title = if r.title.trim().is_empty() {
            "(no title)"
        } else {
            &r.title
        };
        let _ = write!(
            b,
            "<tr class=\"row\"><td class=\"num\">{id}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td class=\"title\"><a href=\"{}\">{}</a></td><td class=\"matched\">{}</td><td>{}</td><td class=\"time\">{}</td></tr>",
            risk_badge(r.risk),
            status_badge(r.review_status),
            e(r.state.as_str()),
            e(&href),
            e(title),
            matched_cell(&r.matched),
            e(&r.site),
            short_time(&r.first_seen),
            id = r.id,
        );
    }
    b.push_str("</tbody></table>");
}

/// Names shown in a row's Matched cell before "+N more".
pub const MATCHED_SHOWN: usize = 3;

/// What a row matched: CAS numbers first (what triage decides on), then the
/// rules, at most [`MATCHED_SHOWN`] with the rest counted (all of them in the tooltip).
fn matched_cell(matched: &[String]) -> String {
    let mut names: Vec<&str> = matched.iter().map(String::as_str).collect();
    names.sort_by_key(|n| !crate::matcher::cas::is_syntactic(n));
    let shown = names.iter().take(MATCHED_SHOWN).copied().collect::<Vec<_>>().join(", ");
    if names.len() <= MATCHED_SHOWN {
        return e(&shown);
    }
    format!(
        "<span title=\"{}\">{} <span class=\"more\">+{} more</span></span>",
        e(&names.join(", ")),
        e(&shown),
        names.len() - MATCHED_SHOWN
    )
}

fn pager(b: &mut String, q: &ListQuery, total: u64) {
    let pages = total.div_ceil(PAGE_ROWS).max(1);
    b.push_str("<nav class=\"pager\">");
    if q.page > 1 {
        let _ = write!(
            b,
            "<a rel=\"prev\" id=\"prev-page\" href=\"/?{}\">← previous</a>",
            e(&q.page_qs(q.page - 1))
        );
    }
    let _ = write!(b, "<span>page {} of {pages}</span>", q.page);
    if q.page < pages {
        let _ = write!(
            b,
            "<a rel=\"next\" id=\"next-page\" href=\"/?{}\">next →</a>",
            e(&q.page_qs(q.page + 1))
        );
    }
    b.push_str("</nav>");
}

/// Seller clusters on one page of `/clusters`.
pub const CLUSTER_ROWS: u64 = 50;

/// Listings shown of each cluster on a page of clusters.
pub const CLUSTER_LISTINGS: usize = 100;
/// Listings shown of a cluster shown alone (`/clusters?id=C`).
pub const CLUSTER_LISTINGS_ALONE: usize = 2000;

/// `GET /clusters`: one page of the seller clusters with their identifiers
/// and listings, then (on the first page) the identifiers that are the
/// site's own (not linking); with `only`, that cluster alone (None when
/// there is no such cluster).
pub fn clusters_page(report: &SellerReport, page: u64, only: Option<i64>) -> Option<String> {
    if let Some(id) = only {
        let c = report.clusters.iter().find(|c| c.id == id)?;
        let one = SellerReport {
            clusters: vec![c.clone()],
            site_wide: Vec::new(),
        };
        return Some(clusters_body(&one, 1, Some(id)));
    }
    Some(clusters_body(report, page, None))
}

fn clusters_body(report: &SellerReport, page: u64, only: Option<i64>) -> String {
    let total = report.clusters.len() as u64;
    let pages = total.div_ceil(CLUSTER_ROWS).max(1);
    let first = (page - 1).saturating_mul(CLUSTER_ROWS);
    let shown: Vec<_> = report
        .clusters
        .iter()
        .skip(usize::try_from(first).unwrap_or(usize::MAX))
        .take(CLUSTER_ROWS as usize)
        .collect();
    let mut b = format!(
        "<h1>Seller clusters</h1><p class=\"summary\">{}</p>",
        if shown.is_empty() {
            format!("{total} clusters")
        } else {
            format!("clusters {}–{} of {total}", first + 1, first + shown.len() as u64)
        }
    );
    for c in shown {
        let _ = write!(
            b,
            "<section class=\"cluster\" id=\"c{id}\"><h2>Cluster {id} {}</h2><p class=\"meta\">sites: {} · first seen {} · last seen {}</p><ul class=\"ids\">",
            risk_badge(c.risk),
            e(&c.sites.join(", ")),
            short_time(&c.first_seen),
            short_time(&c.last_seen),
            id = c.id,
        );
        for s in &c.identifiers {
            let _ = write!(b, "<li><span class=\"kind\">{}</span> {}</li>", e(&s.kind), e(&s.value));
        }
        b.push_str("</ul><table class=\"listings\"><tbody>");
        let cap = if only.is_some() {
            CLUSTER_LISTINGS_ALONE
        } else {
            CLUSTER_LISTINGS
        };
        for l in c.listings.iter().take(cap) {
            let _ = write!(
                b,
                "<tr><td class=\"num\">{id}</td><td>{}</td><td class=\"title\"><a href=\"/listing/{id}?status=all\">{}</a></td><td>{}</td></tr>",
                risk_badge(l.risk),
                e(&l.title),
                e(&l.site),
                id = l.id
            );
        }
        b.push_str("</tbody></table>");
        if c.listings.len() > cap {
            let _ = write!(
                b,
                "<p class=\"more\">and {} more listings{}</p>",
                c.listings.len() - cap,
                if only.is_some() {
                    " (export the cluster's listings for all of them)".to_string()
                } else {
                    format!(" (<a href=\"/clusters?id={}\">this cluster alone</a>)", c.id)
                }
            );
        }
        b.push_str("</section>");
    }
    if only.is_some() {
        b.push_str("<p><a href=\"/clusters\">All seller clusters</a></p>");
        return layout("Seller cluster", &b);
    }
    b.push_str("<nav class=\"pager\">");
    if page > 1 {
        let _ = write!(
            b,
            "<a rel=\"prev\" id=\"prev-page\" href=\"/clusters?page={}\">← previous</a>",
            page - 1
        );
    }
    let _ = write!(b, "<span>page {page} of {pages}</span>");
    if page < pages {
        let _ = write!(
            b,
            "<a rel=\"next\" id=\"next-page\" href=\"/clusters?page={}\">next →</a>",
            page + 1
        );
    }
    b.push_str("</nav>");
    if page == 1 && !report.site_wide.is_empty() {
        b.push_str("<h2>Site-wide identifiers (not linking)</h2><table class=\"listings\"><thead><tr><th>Site</th><th>Kind</th><th>Value</th><th>Listings</th></tr></thead><tbody>");
        for s in &report.site_wide {
            let _ = write!(
                b,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{} of {}</td></tr>",
                e(&s.site),
                e(&s.kind),
                e(&s.value),
                s.listings,
                s.site_listings
            );
        }
        b.push_str("</tbody></table>");
    }
    layout("Seller clusters", &b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matched_cell_puts_cas_numbers_first_and_counts_the_rest() {
        let names: Vec<String> = ["tac.a", "tac.b<x>", "39742-60-4", "tac.c", "tac.d"]
            .map(String::from)
            .to_vec();
        let cell = matched_cell(&names);
        assert!(
            cell.contains(">39742-60-4, tac.a, tac.b&lt;x&gt; <span class=\"more\">+2 more</span>"),
            "{cell}"
        );
        assert!(
            cell.starts_with("<span title=\"39742-60-4, tac.a, tac.b&lt;x&gt;, tac.c, tac.d\">"),
            "{cell}"
        );
        assert_eq!(matched_cell(&names[..2]), "tac.a, tac.b&lt;x&gt;");
    }
}
