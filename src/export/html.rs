//! The HTML report: one self-contained file an investigator can open
//! offline, hand on, or attach to a case: a summary, the runs' provenance,
//! each exported listing with its content (hits highlighted), seller
//! identifiers and evidence hashes, and the seller clusters.
//!
//! Invariants:
//! - No script, no external resource: a Content-Security-Policy meta
//!   (`default-src 'none'`) forbids them even if a bug let markup through;
//!   the style is inline.
//! - Crawled text only ever reaches the page through [`crate::html`]
//!   (`escape`, `highlight`): it is shown, never rendered.
//! - A crawled URL is a link only when it parses as `http` or `https`, and
//!   then with `rel="noopener noreferrer nofollow"`.

use super::ExportError;
use crate::html::{escape, highlight};
use crate::matcher::Risk;
use crate::store::{Cluster, ExportListing, ListingFilter, RunProvenance, Store};
use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::Write;

/// The policy of the report: nothing loads or runs, inline style only.
pub const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const STYLE: &str = "
body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d232a;background:#f5f6f8;margin:0}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:1.6em;margin:0 0 .2em}h2{margin-top:2em;border-bottom:2px solid #d7dbe0;padding-bottom:.2em}
h3{margin:0 0 .4em;font-size:1.15em;word-break:break-word}
table{border-collapse:collapse;width:100%;background:#fff;margin:.5em 0}
th,td{border:1px solid #d7dbe0;padding:4px 8px;text-align:left;vertical-align:top;word-break:break-word}
th{background:#eceff3;font-weight:600;white-space:nowrap}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:.5em 0}dt{color:#5b6571}dd{margin:0;word-break:break-all}
.listing,.cluster{background:#fff;border:1px solid #d7dbe0;border-left:6px solid #9aa5b1;border-radius:6px;padding:16px;margin:16px 0}
.risk-high{border-left-color:#c0392b}.risk-medium{border-left-color:#e67e22}.risk-low{border-left-color:#f1c40f}
.badge{display:inline-block;padding:0 8px;border-radius:10px;font-size:.85em;font-weight:600;background:#eceff3}
.badge.high{background:#c0392b;color:#fff}.badge.medium{background:#e67e22;color:#fff}.badge.low{background:#f1c40f}
.content{white-space:pre-wrap;background:#fafbfc;border:1px solid #e3e6ea;border-radius:4px;padding:10px;font-size:.95em;max-height:32em;overflow:auto}
mark.hit{border-radius:3px;padding:0 2px}
mark.substance{background:#f8c4bd;box-shadow:inset 0 -2px #c0392b}
mark.tactic{background:#fde3b5;box-shadow:inset 0 -2px #e67e22}
mark.other{background:#d6e4f5;box-shadow:inset 0 -2px #2e6da4}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.88em}
.muted{color:#5b6571}
";

/// Writes the report of `listings` (exported with `filter`).
pub fn write(
    store: &Store,
    filter: &ListingFilter,
    listings: &[ExportListing],
    out: &mut dyn Write,
) -> Result<(), ExportError> {
    let runs = store.run_provenance()?;
    let exported: HashSet<i64> = listings.iter().map(|l| l.id).collect();
    let clusters: Vec<Cluster> = store
        .seller_clusters()?
        .into_iter()
        .filter(|c| c.listings.iter().any(|l| exported.contains(&l.id)))
        .collect();
    let mut s = head();
    summary(&mut s, &store.display_name(), filter, listings);
    provenance(&mut s, &runs);
    s.push_str("<h2>Listings</h2>\n");
    if listings.is_empty() {
        s.push_str("<p class=\"muted\">No listing passes the filter.</p>\n");
    }
    for l in listings {
        listing(&mut s, l);
    }
    seller_clusters(&mut s, &clusters, &exported);
    s.push_str("</main>\n</body>\n</html>\n");
    out.write_all(s.as_bytes())?;
    Ok(())
}

fn head() -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>precwatch report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n"
    )
}

fn summary(s: &mut String, db: &str, filter: &ListingFilter, listings: &[ExportListing]) {
    let count = |r: Risk| listings.iter().filter(|l| l.risk == r).count();
    let filter = crate::triage::filter_json(filter);
    let _ = write!(
        s,
        "<h1>precwatch report</h1>\n<p class=\"muted\">Crawled text is shown as text: nothing from a \
         crawled page is rendered or run.</p>\n<h2>Summary</h2>\n<dl>\n\
         <dt>Generated at</dt><dd>{}</dd>\n<dt>precwatch</dt><dd>{}</dd>\n<dt>Database</dt><dd class=\"mono\">{}</dd>\n\
         <dt>Filter</dt><dd class=\"mono\">{}</dd>\n<dt>Listings</dt><dd>{}</dd>\n</dl>\n\
         <table><tr><th>high</th><th>medium</th><th>low</th><th>none</th></tr>\n\
         <tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr></table>\n",
        escape(&crate::store::now()),
        env!("CARGO_PKG_VERSION"),
        escape(db),
        escape(&filter.to_string()),
        listings.len(),
        count(Risk::High),
        count(Risk::Medium),
        count(Risk::Low),
        count(Risk::None),
    );
}

fn provenance(s: &mut String, runs: &[RunProvenance]) {
    s.push_str(
        "<h2>Run provenance</h2>\n<table><tr><th>run</th><th>job</th><th>job SHA-256</th>\
         <th>rules SHA-256</th><th>precwatch</th><th>started</th><th>finished</th><th>status</th></tr>\n",
    );
    for r in runs {
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{}</td><td class=\"mono\">{}</td><td class=\"mono\">{}</td><td>{}</td>\
             <td>{}</td><td>{}</td><td>{}</td></tr>",
            r.id,
            escape(&r.job_name),
            escape(&r.job_sha256),
            escape(&r.rules_sha256),
            escape(&r.tool_version),
            escape(&r.started_at),
            escape(r.finished_at.as_deref().unwrap_or("—")),
            escape(&r.status)
        );
    }
    s.push_str("</table>\n");
}

fn listing(s: &mut String, l: &ExportListing) {
    let risk = l.risk.as_str();
    let title = if l.title.trim().is_empty() {
        "(no title)"
    } else {
        &l.title
    };
    let _ = write!(
        s,
        "<section class=\"listing risk-{risk}\" id=\"listing-{id}\">\n<h3>#{id} {title}</h3>\n\
         <p><span class=\"badge {risk}\">{risk}</span> score {score} · review: {review} · state: {state} · \
         site: {site} · {versions} version(s)</p>\n<dl>\n<dt>URL</dt><dd>{url}</dd>\n<dt>Sellers</dt><dd>{sellers}</dd>\n",
        id = l.id,
        title = escape(title),
        score = l.score,
        review = l.review_state.as_str(),
        state = escape(&l.state),
        site = escape(&l.site),
        versions = l.versions,
        url = link(&l.url),
        sellers = sellers(l),
    );
    evidence(s, l);
    let _ = write!(
        s,
        "</dl>\n<div class=\"content\">{}</div>\n",
        highlight(&l.content, &l.hits)
    );
    hits_table(s, l);
    s.push_str("</section>\n");
}

fn sellers(l: &ExportListing) -> String {
    if l.sellers.is_empty() {
        return "—".into();
    }
    let list: Vec<String> = l
        .sellers
        .iter()
        .map(|x| format!("{}: <span class=\"mono\">{}</span>", escape(&x.kind), escape(&x.value)))
        .collect();
    let cluster = l.cluster.map_or(String::new(), |c| {
        format!(" (<a href=\"#cluster-{c}\">cluster {c}</a>)")
    });
    format!("{}{cluster}", list.join(", "))
}

fn evidence(s: &mut String, l: &ExportListing) {
    let e = &l.evidence;
    let rows = [
        ("Fetched at", e.fetched_at.clone()),
        ("Fetched from", format!("{} (HTTP {})", e.fetched_url, e.status)),
        ("Body SHA-256", e.sha256.clone().unwrap_or_else(|| "—".into())),
        ("Text SHA-256", e.text_sha256.clone()),
        (
            "Content SHA-256",
            e.content_sha256.clone().unwrap_or_else(|| "—".into()),
        ),
        ("Rules SHA-256", e.rules_sha256.clone()),
        ("Run", e.run_id.to_string()),
    ];
    for (k, v) in rows {
        let _ = writeln!(s, "<dt>{k}</dt><dd class=\"mono\">{}</dd>", escape(&v));
    }
}

fn hits_table(s: &mut String, l: &ExportListing) {
    if l.hits.is_empty() {
        s.push_str("<p class=\"muted\">No hits.</p>\n");
        return;
    }
    s.push_str("<table><tr><th>rule</th><th>category</th><th>matched</th><th>CAS</th><th>part</th></tr>\n");
    for h in &l.hits {
        let _ = writeln!(
            s,
            "<tr><td class=\"mono\">{}</td><td>{}</td><td><mark class=\"hit {}\">{}</mark></td><td>{}</td><td>{}</td></tr>",
            escape(&h.rule),
            escape(&h.category),
            crate::html::hit_class(h),
            escape(&h.matched),
            escape(h.cas.as_deref().unwrap_or("")),
            escape(h.part.as_deref().unwrap_or(""))
        );
    }
    s.push_str("</table>\n");
}

fn seller_clusters(s: &mut String, clusters: &[Cluster], exported: &HashSet<i64>) {
    s.push_str("<h2>Seller clusters</h2>\n");
    if clusters.is_empty() {
        s.push_str("<p class=\"muted\">No exported listing shares a seller identifier with another listing.</p>\n");
    }
    for c in clusters {
        let idents: Vec<String> = c
            .identifiers
            .iter()
            .map(|i| format!("{}: <span class=\"mono\">{}</span>", escape(&i.kind), escape(&i.value)))
            .collect();
        let _ = write!(
            s,
            "<section class=\"cluster risk-{r}\" id=\"cluster-{id}\">\n<h3>Cluster {id} \
             <span class=\"badge {r}\">{r}</span></h3>\n<dl><dt>Identifiers</dt><dd>{idents}</dd>\
             <dt>Sites</dt><dd>{sites}</dd><dt>Seen</dt><dd>{first} – {last}</dd></dl>\n<ul>\n",
            r = c.risk.as_str(),
            id = c.id,
            idents = idents.join(", "),
            sites = escape(&c.sites.join(", ")),
            first = escape(&c.first_seen),
            last = escape(&c.last_seen),
        );
        for l in &c.listings {
            let name = format!("#{} {} ({})", l.id, l.title, l.risk.as_str());
            if exported.contains(&l.id) {
                let _ = writeln!(s, "<li><a href=\"#listing-{}\">{}</a></li>", l.id, escape(&name));
            } else {
                let _ = writeln!(
                    s,
                    "<li>{} <span class=\"muted\">(not in this export)</span></li>",
                    escape(&name)
                );
            }
        }
        s.push_str("</ul>\n</section>\n");
    }
}

/// The URL as escaped text, inside a link only when it is http(s).
fn link(url: &str) -> String {
    let text = escape(url);
    match url::Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => format!(
            "<a href=\"{}\" rel=\"noopener noreferrer nofollow\">{text}</a>",
            escape(u.as_str())
        ),
        _ => format!("<span class=\"mono\">{text}</span>"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_urls_become_links() {
        assert_eq!(
            link("https://a.example/p?q=\"x\""),
            "<a href=\"https://a.example/p?q=%22x%22\" rel=\"noopener noreferrer nofollow\">\
             https://a.example/p?q=&quot;x&quot;</a>"
        );
        let js = link("javascript:alert(1)");
        assert!(!js.contains("href"), "{js}");
        assert!(js.contains("javascript:alert(1)"), "{js}");
        assert!(!link("JavaScript:alert(1)").contains("href"));
        assert!(!link("data:text/html,<script>x</script>").contains("<script"));
    }

    #[test]
    fn head_forbids_scripts() {
        let h = head();
        assert!(h.contains(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
        ));
        assert!(!h.to_lowercase().contains("<script"));
    }
}
