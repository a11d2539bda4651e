//! The HTML of one listing: what matched and where, the evidence, the
//! review history and form, and the captured page as escaped text.

use super::pages::{e, layout, risk_badge, short_time, status_badge};
use super::query::{ListQuery, PAGE_ROWS};
use crate::store::{ExportListing, Neighbours, ReviewEvent, ReviewStatus};
use std::fmt::Write;

/// The most characters of the captured page's text a detail page shows
/// (a page can hold megabytes of text; the page must stay quick to open).
pub const PAGE_TEXT_CHARS: usize = 200_000;

/// Everything the detail page shows, read in one go from the store.
pub struct Detail {
    /// The listing with its current version, hits, sellers and evidence.
    pub listing: ExportListing,
    /// Its review events, oldest first.
    pub history: Vec<ReviewEvent>,
    /// The current version's whole visible page text.
    pub page_text: Option<String>,
    /// Its neighbours in the list's filter.
    pub nav: Neighbours,
    /// How many listings the filter lists.
    pub total: u64,
    /// The listing just reviewed (the one before, after a review's redirect) and its status now.
    pub reviewed: Option<(i64, ReviewStatus)>,
}

/// What the review form needs besides the listing.
pub struct FormContext<'a> {
    /// The list's filter (carried by every link and the form).
    pub query: &'a ListQuery,
    /// This server start's CSRF token.
    pub csrf: &'a str,
    /// The reviewer name to prefill.
    pub by: &'a str,
}

/// `GET /listing/{id}`.
pub fn detail_page(d: &Detail, ctx: &FormContext) -> String {
    let l = &d.listing;
    let mut b = String::new();
    nav_bar(&mut b, d, ctx.query);
    if let Some((id, status)) = d.reviewed {
        let _ = write!(
            b,
            "<p class=\"notice\" id=\"notice\">Listing {id} marked {}.</p>",
            status_badge(status)
        );
    }
    let title = if l.title.trim().is_empty() {
        "(no title)"
    } else {
        &l.title
    };
    let _ = write!(b, "<h1 id=\"title\">{}</h1>", e(title));
    facts(&mut b, l);
    review_form(&mut b, l, ctx);
    let _ = write!(
        b,
        "<section><h2>Content <small>({} hits)</small></h2><div class=\"content\" id=\"content\">{}</div></section>",
        l.hits.len(),
        crate::html::highlight(&l.content, &l.hits)
    );
    hits_table(&mut b, l);
    sellers(&mut b, l);
    evidence(&mut b, l);
    history(&mut b, &d.history);
    if let Some(text) = &d.page_text {
        let chars = text.chars().count();
        let shown = match text.char_indices().nth(PAGE_TEXT_CHARS) {
            Some((cut, _)) => &text[..cut],
            None => text.as_str(),
        };
        let _ = write!(
            b,
            "<section><details><summary>Captured page (visible text, {chars} characters{})</summary><pre class=\"page-text\" id=\"page-text\">{}</pre></details></section>",
            if shown.len() < text.len() {
                format!("; the first {PAGE_TEXT_CHARS} shown, the export has all")
            } else {
                String::new()
            },
            e(shown)
        );
    }
    layout(&format!("#{} {}", l.id, title), &b)
}

fn link(id: i64, qs: &str) -> String {
    e(&format!(
        "/listing/{id}{}",
        if qs.is_empty() { String::new() } else { format!("?{qs}") }
    ))
}

fn nav_bar(b: &mut String, d: &Detail, q: &ListQuery) {
    let qs = q.filter_qs();
    let page = d.nav.before / PAGE_ROWS + 1;
    let _ = write!(
        b,
        "<nav class=\"listing-nav\"><a id=\"back\" href=\"/?{}\">← list</a>",
        e(&q.page_qs(page))
    );
    match d.nav.prev {
        Some(p) => {
            let _ = write!(
                b,
                "<a id=\"prev\" rel=\"prev\" href=\"{}\">‹ previous</a>",
                link(p, &qs)
            );
        }
        None => b.push_str("<span class=\"off\">‹ previous</span>"),
    }
    let _ = write!(
        b,
        "<span class=\"pos\">{} of {}</span>",
        (d.nav.before + 1).min(d.total.max(1)),
        d.total
    );
    match d.nav.next {
        Some(n) => {
            let _ = write!(b, "<a id=\"next\" rel=\"next\" href=\"{}\">next ›</a>", link(n, &qs));
        }
        None => b.push_str("<span class=\"off\">next ›</span>"),
    }
    b.push_str("</nav>");
}

/// The URL as text, and as a link only when it is http(s).
/// The link's target is the URL as parsed (what was checked), not the
/// stored text: the two can differ (blanks, tabs and newlines that a URL
/// parser drops), and only the checked one may reach `href`.
fn url_cell(u: &str) -> String {
    let web = url::Url::parse(u)
        .ok()
        .filter(|p| matches!(p.scheme(), "http" | "https"));
    if let Some(p) = web {
        format!(
            "<a class=\"url\" href=\"{}\" rel=\"noopener noreferrer nofollow\" target=\"_blank\">{}</a>",
            e(p.as_str()),
            e(u)
        )
    } else {
        format!(
            "<span class=\"url\">{}</span> <small>(not a web address: no link)</small>",
            e(u)
        )
    }
}

fn facts(b: &mut String, l: &ExportListing) {
    let cluster = l.cluster.map_or_else(
        || "none".to_string(),
        |c| format!("<a href=\"/clusters?id={c}\">cluster {c}</a>"),
    );
    let _ = write!(
        b,
        "<dl class=\"facts\"><dt>ID</dt><dd id=\"listing-id\">{}</dd><dt>URL</dt><dd>{}</dd>\
         <dt>Risk</dt><dd>{}</dd><dt>Score</dt><dd>{:.1}</dd><dt>State</dt><dd>{}</dd>\
         <dt>Review</dt><dd id=\"status\">{}</dd><dt>Site</dt><dd>{}</dd><dt>Seen</dt><dd>{} – {} ({} version{})</dd>\
         <dt>Cluster</dt><dd>{cluster}</dd></dl>",
        l.id,
        url_cell(&l.url),
        risk_badge(l.risk),
        l.score,
        e(&l.state),
        status_badge(l.review_state),
        e(&l.site),
        short_time(&l.first_seen),
        short_time(&l.last_seen),
        l.versions,
        if l.versions == 1 { "" } else { "s" },
    );
}

fn review_form(b: &mut String, l: &ExportListing, ctx: &FormContext) {
    let qs = ctx.query.filter_qs();
    let action = format!(
        "/listing/{}/review{}",
        l.id,
        if qs.is_empty() { String::new() } else { format!("?{qs}") }
    );
    let _ = write!(
        b,
        "<form class=\"review\" id=\"review\" method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <label class=\"grow\">Note <input name=\"note\" id=\"note\" maxlength=\"10000\" placeholder=\"why (kept in the history)\"></label>\
         <label>Reviewer <input name=\"by\" id=\"by\" size=\"12\" required maxlength=\"100\" value=\"{}\"></label><span class=\"buttons\">",
        e(&action),
        e(ctx.csrf),
        e(ctx.by)
    );
    for (status, key, text) in [
        (ReviewStatus::Confirmed, "c", "Confirm"),
        (ReviewStatus::FalsePositive, "f", "False positive"),
        (ReviewStatus::Escalated, "e", "Escalate"),
        (ReviewStatus::New, "u", "Back to new"),
    ] {
        let _ = write!(
            b,
            "<button type=\"submit\" name=\"status\" value=\"{0}\" id=\"btn-{0}\" class=\"btn-{0}\" data-key=\"{key}\" title=\"{text} ({key})\">{text} <kbd>{key}</kbd></button>",
            status.as_str()
        );
    }
    b.push_str("</span></form>");
}

fn hits_table(b: &mut String, l: &ExportListing) {
    b.push_str("<section><h2>Hits</h2><table class=\"hits\"><thead><tr><th>Rule</th><th>Category</th><th>Matched</th><th>Part</th><th>Context</th></tr></thead><tbody>");
    for h in &l.hits {
        let _ = write!(
            b,
            "<tr><td>{}</td><td class=\"cat-{}\">{}</td><td><mark class=\"hit {}\">{}</mark>{}</td><td>{}</td><td class=\"ctx\">{}</td></tr>",
            e(&h.rule),
            crate::html::hit_class(h),
            e(&h.category),
            crate::html::hit_class(h),
            e(&h.matched),
            h.cas.as_deref().map_or(String::new(), |c| format!(" <small>CAS {}</small>", e(c))),
            e(h.part.as_deref().unwrap_or("")),
            e(&h.context)
        );
    }
    b.push_str("</tbody></table></section>");
}

fn sellers(b: &mut String, l: &ExportListing) {
    b.push_str("<section><h2>Sellers</h2>");
    if l.sellers.is_empty() {
        b.push_str("<p class=\"empty\">No seller identifier found.</p>");
    } else {
        b.push_str("<ul class=\"ids\">");
        for s in &l.sellers {
            let _ = write!(b, "<li><span class=\"kind\">{}</span> {}</li>", e(&s.kind), e(&s.value));
        }
        b.push_str("</ul>");
    }
    b.push_str("</section>");
}

fn evidence(b: &mut String, l: &ExportListing) {
    let v = &l.evidence;
    let opt = |s: &Option<String>| e(s.as_deref().unwrap_or("–"));
    let _ = write!(
        b,
        "<section><h2>Evidence</h2><dl class=\"facts mono\"><dt>Body SHA-256</dt><dd>{}</dd><dt>Content SHA-256</dt><dd>{}</dd>\
         <dt>Text SHA-256</dt><dd>{}</dd><dt>Fetched at</dt><dd>{}</dd><dt>Fetched URL</dt><dd>{}</dd><dt>HTTP status</dt><dd>{}</dd>\
         <dt>Charset</dt><dd>{}</dd><dt>Run</dt><dd>{}</dd><dt>Rules SHA-256</dt><dd>{}</dd></dl></section>",
        opt(&v.sha256),
        opt(&v.content_sha256),
        e(&v.text_sha256),
        e(&v.fetched_at),
        e(&v.fetched_url),
        v.status,
        opt(&v.charset),
        v.run_id,
        e(&v.rules_sha256)
    );
}

fn history(b: &mut String, events: &[ReviewEvent]) {
    b.push_str("<section><h2>Review history</h2>");
    if events.is_empty() {
        b.push_str("<p class=\"empty\">Not reviewed yet.</p></section>");
        return;
    }
    b.push_str("<table class=\"history\" id=\"history\"><thead><tr><th>When</th><th>Who</th><th>From</th><th>To</th><th>Note</th></tr></thead><tbody>");
    let name = |s: Option<ReviewStatus>| s.map_or("?", ReviewStatus::as_str);
    for ev in events {
        let _ = write!(
            b,
            "<tr><td class=\"time\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            e(&ev.at),
            e(&ev.by),
            name(ev.old_status),
            name(ev.new_status),
            e(ev.note.as_deref().unwrap_or(""))
        );
    }
    b.push_str("</tbody></table></section>");
}

#[cfg(test)]
mod tests {
    use super::url_cell;

    #[test]
    fn only_checked_web_addresses_become_links() {
        let js = url_cell("javascript:alert(1)");
        assert!(!js.contains("href"), "{js}");
        assert!(!url_cell(" data:text/html,<script>x</script>").contains("<script"));
        // The href is the parsed URL: what was checked is what the browser gets.
        let tabbed = url_cell("http://a.example/p\t\"x\"\n?q=<b>");
        assert!(
            tabbed.starts_with("<a class=\"url\" href=\"http://a.example/p%22x%22?q=%3Cb%3E\""),
            "{tabbed}"
        );
        assert!(!tabbed.contains("<b>"), "{tabbed}");
    }
}
