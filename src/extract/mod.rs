//! From HTML to a listing: visible text (never script, style, noscript,
//! template or hidden elements), title, canonical URL, links, configured
//! fields and seller identifiers. No I/O; broken HTML parses as a browser
//! would parse it (html5ever) and never fails.

use scraper::{ElementRef, Html, Node, Selector};
use std::collections::BTreeMap;
use url::Url;

pub mod blocks;
pub mod content;
mod prepass;
mod sellers;
pub mod template;
pub use sellers::{seller_identifiers, seller_identifiers_limited};

/// Per-page budgets. Crawled pages are written by the people being watched,
/// so every quantity that could make extraction superlinear or let one page
/// flood the database is capped; what a budget cut is reported in [`Cuts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Element nesting depth beyond which the page is flattened to text
    /// before parsing (html5ever does work proportional to the depth for
    /// each tag, so unbounded nesting is quadratic).
    pub max_depth: usize,
    /// Distinct links kept per page; further `href`s are counted, not resolved.
    pub max_links: usize,
    /// Distinct seller identifiers kept per listing.
    pub max_identifiers: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 256,
            max_links: 10_000,
            max_identifiers: 100,
        }
    }
}

/// Everything taken from one page.
#[derive(Debug, Clone, Default)]
pub struct Extracted {
    /// `<title>`, whitespace collapsed.
    pub title_tag: String,
    /// Visible text: one line per block, whitespace collapsed.
    pub text: String,
    /// `<link rel=canonical>` resolved and normalised.
    pub canonical: Option<Url>,
    /// Links resolved against the base URL and normalised (http/https only), in page order, deduplicated.
    pub links: Vec<Url>,
    /// Field name → text of the first element its selector matches.
    pub fields: BTreeMap<String, String>,
    /// What the [`Limits`] cut from this page (for the run summary).
    pub cut: Cuts,
    /// The visible text as lines with their place in the DOM: what the
    /// content extractor and the site template work on.
    pub page: blocks::Page,
    /// The configured fields whose selector matched nothing on this page.
    pub fields_missed: Vec<String>,
}

/// What the per-page budgets removed. All zero/false on ordinary pages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cuts {
    /// Tags nested deeper than `max_depth` were removed before parsing; their
    /// text is kept (without its block structure and links).
    pub flattened_depth: bool,
    /// Markup beyond fixed parser caps was removed: attributes past 64 in one
    /// tag, formatting elements past 12 open at once, repeated root tags.
    pub markup_trimmed: bool,
    /// `href`s not followed because `max_links` distinct links were kept.
    pub links_dropped: u64,
}

/// Elements whose content is never visible text.
fn is_skipped(name: &str) -> bool {
    matches!(
        name,
        "script" | "style" | "noscript" | "template" | "head" | "svg" | "math" | "iframe" | "object" | "canvas"
    )
}

/// Elements that start a new line of text.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "br"
            | "li"
            | "ul"
            | "ol"
            | "tr"
            | "table"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "nav"
            | "aside"
            | "main"
            | "dl"
            | "dt"
            | "dd"
            | "blockquote"
            | "pre"
            | "form"
            | "hr"
            | "address"
            | "figcaption"
            | "figure"
            | "fieldset"
            | "legend"
            | "details"
            | "summary"
            | "body"
            | "tbody"
            | "thead"
            | "tfoot"
    )
}

fn is_hidden(el: &scraper::node::Element) -> bool {
    if el.attr("hidden").is_some() {
        return true;
    }
    if let Some(style) = el.attr("style") {
        let s: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if s.contains("display:none") || s.contains("visibility:hidden") {
            return true;
        }
    }
    false
}

/// Appends the visible text under `root` to `out`: one line per block,
/// whitespace collapsed, table cells separated by a space.
fn visible_text_into(root: ego_tree::NodeRef<'_, Node>, out: &mut String) {
    // Iterative walk: hostile pages nest deeply.
    enum Step<'a> {
        Enter(ego_tree::NodeRef<'a, Node>),
        Leave { block: bool },
    }
    fn line_break(out: &mut String, pending_space: &mut bool) {
        *pending_space = false;
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
    }
    /// Children pushed last-first, so they pop in document order.
    fn push_children<'a>(stack: &mut Vec<Step<'a>>, node: ego_tree::NodeRef<'a, Node>) {
        let mut child = node.last_child();
        while let Some(c) = child {
            stack.push(Step::Enter(c));
            child = c.prev_sibling();
        }
    }
    fn push_element_children<'a>(stack: &mut Vec<Step<'a>>, node: ego_tree::NodeRef<'a, Node>) {
        let mut child = node.last_child();
        while let Some(c) = child {
            if c.value().is_element() {
                stack.push(Step::Enter(c));
            }
            child = c.prev_sibling();
        }
    }
    let mut pending_space = false;
    let mut stack = vec![Step::Enter(root)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Leave { block: true } => line_break(out, &mut pending_space),
            Step::Leave { block: false } => pending_space = true,
            Step::Enter(node) => match node.value() {
                Node::Text(t) => {
                    let t: &str = t;
                    if t.starts_with(char::is_whitespace) {
                        pending_space = true;
                    }
                    let mut any = false;
                    for word in t.split_whitespace() {
                        if (any || pending_space) && !out.is_empty() && !out.ends_with('\n') {
                            out.push(' ');
                        }
                        out.push_str(word);
                        any = true;
                    }
                    if any {
                        pending_space = t.ends_with(char::is_whitespace);
                    }
                }
                Node::Element(el) => {
                    let name = el.name();
                    if is_skipped(name) || is_hidden(el) {
                        continue;
                    }
                    let block = is_block(name);
                    if block {
                        line_break(out, &mut pending_space);
                    }
                    if block || matches!(name, "td" | "th") {
                        stack.push(Step::Leave { block });
                    }
                    if name == "select" {
                        // Only options show; text straight in a select (e.g. from a
                        // <style> the parser ignores there) is never displayed.
                        push_element_children(&mut stack, node);
                    } else {
                        push_children(&mut stack, node);
                    }
                }
                Node::Document | Node::Fragment => push_children(&mut stack, node),
                _ => {}
            },
        }
    }
    while out.ends_with([' ', '\n']) {
        out.pop();
    }
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Visible text of an HTML document, within the default depth budget.
pub fn visible_text(html: &str) -> String {
    let bounded = prepass::bound(html, Limits::default().max_depth);
    let doc = Html::parse_document(&bounded.html);
    let mut out = String::new();
    visible_text_into(doc.tree.root(), &mut out);
    out
}

/// True when the input looks like HTML rather than plain text: `scan` and
/// the crawler (for bodies without a Content-Type) decide with it whether to
/// extract visible text. Only the first KiB is read, cut at a character
/// boundary (any input is accepted).
pub fn looks_like_html(text: &str) -> bool {
    let head = prefix_at_char_boundary(text, 1024);
    let lower = head.to_ascii_lowercase();
    [
        "<!doctype html",
        "<html",
        "<head",
        "<body",
        "<div",
        "<p>",
        "<meta",
        "<title",
        "<table",
        "<a ",
    ]
    .iter()
    .any(|t| lower.contains(t))
}

/// The longest prefix of `text` no longer than `max` bytes that ends on a
/// character boundary (slicing a `&str` mid-character panics).
fn prefix_at_char_boundary(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1; // never underflows: 0 is always a boundary
    }
    &text[..end]
}

/// Extracts a page with the default [`Limits`]. `fields` are compiled CSS
/// selectors by field name.
pub fn extract(html: &str, page_url: &Url, fields: &[(String, Selector)]) -> Extracted {
    extract_with(html, page_url, fields, &Limits::default())
}

/// `html` parsed within the depth budget and markup caps of `limits`, as
/// [`extract_with`] parses it: for callers that need the document itself
/// (the next result page, a seller's storefront link).
pub fn parse_bounded(html: &str, limits: &Limits) -> Html {
    Html::parse_document(&prepass::bound(html, limits.max_depth).html)
}

/// Extracts a page within `limits`; [`Extracted::cut`] says what they cut.
/// Linear in the input: the depth budget is applied before parsing.
pub fn extract_with(html: &str, page_url: &Url, fields: &[(String, Selector)], limits: &Limits) -> Extracted {
    let bounded = prepass::bound(html, limits.max_depth);
    let doc = Html::parse_document(&bounded.html);
    let found = Found::scan(&doc);
    let title_tag = found
        .title
        .map(|t| collapse(&t.text().collect::<String>()))
        .unwrap_or_default();
    let base = found
        .base_href
        .and_then(|h| page_url.join(h.trim()).ok())
        .unwrap_or_else(|| page_url.clone());
    let canonical = found.canonical_href.and_then(|h| crate::frontier::resolve(&base, h));
    let (links, links_dropped) = resolve_links(&base, &found.hrefs, limits.max_links);
    let mut out_fields = BTreeMap::new();
    let mut field_nodes = Vec::with_capacity(fields.len());
    let mut fields_missed = Vec::new();
    for (name, sel) in fields {
        let mut nodes = std::collections::HashSet::new();
        if let Some(el) = doc.select(sel).next() {
            let mut t = String::new();
            visible_text_into(*el, &mut t);
            out_fields.insert(name.clone(), collapse(&t));
            nodes.insert(el.id());
        } else {
            fields_missed.push(name.clone());
        }
        field_nodes.push(nodes);
    }
    let page = blocks::segment(found.body.unwrap_or_else(|| doc.tree.root()), &base, &field_nodes);
    let text = page.text();
    Extracted {
        title_tag,
        text,
        canonical,
        links,
        fields: out_fields,
        cut: Cuts {
            flattened_depth: bounded.flattened,
            markup_trimmed: bounded.trimmed,
            links_dropped,
        },
        page,
        fields_missed,
    }
}

/// What one pass over the elements finds (what selectors would find in five).
struct Found<'a> {
    title: Option<ElementRef<'a>>,
    base_href: Option<&'a str>,
    canonical_href: Option<&'a str>,
    body: Option<ego_tree::NodeRef<'a, Node>>,
    hrefs: Vec<&'a str>,
}

impl<'a> Found<'a> {
    fn scan(doc: &'a Html) -> Found<'a> {
        let has_token = |v: Option<&str>, token: &str| {
            v.is_some_and(|r| r.split_ascii_whitespace().any(|t| t.eq_ignore_ascii_case(token)))
        };
        let mut f = Found {
            title: None,
            base_href: None,
            canonical_href: None,
            body: None,
            hrefs: Vec::new(),
        };
        for node in doc.tree.nodes() {
            let Node::Element(el) = node.value() else { continue };
            match el.name() {
                "a" | "area" if !has_token(el.attr("rel"), "nofollow") => f.hrefs.extend(el.attr("href")),
                "frame" | "iframe" => f.hrefs.extend(el.attr("src")),
                "link" if f.canonical_href.is_none() && has_token(el.attr("rel"), "canonical") => {
                    f.canonical_href = el.attr("href")
                }
                "title" if f.title.is_none() => f.title = ElementRef::wrap(node),
                "base" if f.base_href.is_none() => f.base_href = el.attr("href"),
                "body" if f.body.is_none() => f.body = Some(node),
                _ => {}
            }
        }
        f
    }
}

/// Resolves and deduplicates links until `max` are kept; the `href`s after
/// that are counted (not resolved, so duplicates among them count too).
fn resolve_links(base: &Url, hrefs: &[&str], max: usize) -> (Vec<Url>, u64) {
    let mut links = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, h) in hrefs.iter().enumerate() {
        if links.len() >= max {
            return (links, u64::try_from(hrefs.len() - i).unwrap_or(u64::MAX));
        }
        if let Some(u) = crate::frontier::resolve(base, h) {
            if seen.insert(u.as_str().to_string()) {
                links.push(u);
            }
        }
    }
    (links, 0)
}

impl Extracted {
    /// The text a listing is matched on: `<title>` (sellers put names there)
    /// and the visible body text. Hit offsets refer to this text.
    pub fn listing_text(&self) -> String {
        if self.title_tag.is_empty() {
            self.text.clone()
        } else {
            format!("{}\n{}", self.title_tag, self.text)
        }
    }
}

/// A listing's display title: the configured `title` field, else `<title>`,
/// else the first line of the visible text.
pub fn listing_title(html_title: &str, fields: &BTreeMap<String, String>, text: &str) -> String {
    if let Some(t) = fields.get("title").filter(|t| !t.is_empty()) {
        return t.clone();
    }
    if !html_title.is_empty() {
        return html_title.to_string();
    }
    text.lines().next().unwrap_or("").chars().take(200).collect()
}

/// Compiles the configured field selectors (validated when the job loaded).
pub fn compile_fields(fields: &BTreeMap<String, String>) -> Vec<(String, Selector)> {
    fields
        .iter()
        .filter_map(|(k, v)| Selector::parse(v).ok().map(|s| (k.clone(), s)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_and_script_text_is_not_visible() {
        let html = r#"<html><head><title> T  1 </title><style>.x{content:"fentanyl"}</style></head><body>
            <h1>Sodium   chloride</h1><script>var p = "fentanyl";</script><noscript>fentanyl</noscript>
            <template>fentanyl</template><div style="display: none">fentanyl</div><p hidden>fentanyl</p>
            <p>Pure <b>salt</b>, 25kg</p><table><tr><td>CAS</td><td>7647-14-5</td></tr></table></body></html>"#;
        let e = extract(html, &Url::parse("http://h/p").unwrap(), &[]);
        assert_eq!(e.title_tag, "T 1");
        assert!(!e.text.contains("fentanyl"), "{}", e.text);
        assert_eq!(e.text, "Sodium chloride\nPure salt, 25kg\nCAS 7647-14-5");
    }

    #[test]
    fn links_canonical_and_base() {
        let html = r#"<head><base href="/shop/"><link rel="Canonical" href="/p/1.html?utm_source=x#a"></head>
            <a href="item.html#r">a</a><a href="item.html">dup</a><a href="mailto:x@y.z">m</a>
            <a href="javascript:alert(1)">j</a><a rel="nofollow" href="/cart">c</a><a href="https://other.example/x">o</a>"#;
        let e = extract(html, &Url::parse("http://h/dir/page").unwrap(), &[]);
        assert_eq!(e.canonical.unwrap().as_str(), "http://h/p/1.html");
        let links: Vec<_> = e.links.iter().map(|u| u.as_str()).collect();
        assert_eq!(links, vec!["http://h/shop/item.html", "https://other.example/x"]);
    }

    #[test]
    fn broken_html_still_extracts() {
        let e = extract(
            "<div><p>unclosed <b>bold <i>x</div></td></tr>&amp; &lt;ok",
            &Url::parse("http://h/").unwrap(),
            &[],
        );
        assert!(e.text.contains("unclosed bold x"), "{}", e.text);
        assert!(e.text.contains("& <ok"), "{}", e.text);
    }

    #[test]
    fn style_ignored_inside_select_is_not_visible() {
        // html5ever ignores <style> in a select, so its CSS became a text node.
        let e = extract(
            "<select><style>.x{}</style><option>One</select>",
            &Url::parse("http://h/").unwrap(),
            &[],
        );
        assert_eq!(e.text, "One");
    }

    #[test]
    fn fields_by_selector() {
        let fields = compile_fields(&BTreeMap::from([("price".to_string(), ".price".to_string())]));
        let e = extract(
            "<p class=price> US $ 5 </p>",
            &Url::parse("http://h/").unwrap(),
            &fields,
        );
        assert_eq!(e.fields["price"], "US $ 5");
    }

    #[test]
    fn looks_like_html_with_a_multibyte_character_across_byte_1024() {
        // Byte 1024 falls inside "中" (3 bytes at 1023..1026): slicing there panicked.
        let text = format!("{}中<div>", "a".repeat(1023));
        assert!(!text.is_char_boundary(1024));
        assert!(!looks_like_html(&text), "the tag starts after the first KiB");
        let text = format!("<div>{}中", "a".repeat(1018));
        assert!(looks_like_html(&text));
        assert!(!looks_like_html(""));
        assert_eq!(prefix_at_char_boundary("é", 1), "");
        assert_eq!(prefix_at_char_boundary("ab", 5), "ab");
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    const MARK: &str = "zqxsecret";

    /// HTML-ish text from a tag vocabulary, randomly nested and misnested;
    /// script elements carry a marker that must never be visible.
    fn soup() -> impl Strategy<Value = String> {
        let tag = prop::sample::select(vec![
            "div",
            "p",
            "b",
            "i",
            "a href=/x",
            "a href=https://h.test/y",
            "table",
            "tr",
            "td",
            "li",
            "span",
            "svg",
            "select",
            "option",
            "form",
            "template",
            "noscript",
        ]);
        let piece = prop_oneof![
            tag.clone().prop_map(|t| format!("<{t}>")),
            tag.prop_map(|t| format!("</{}>", t.split(' ').next().unwrap_or(t))),
            "[a-z ]{0,6}",
            Just(format!("<script>var {MARK} = '<div>';</script>")),
            // Not style: html5ever ignores <style> inside a select, and its CSS
            // becomes option text there, as in browsers.
            Just("<style>.c {}</style>".to_string()),
            Just("<a href=\"javascript:alert(1)\">j</a><a href=\"mailto:a@b.c\">m</a>".to_string()),
        ];
        prop::collection::vec(piece, 0..120).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

        #[test]
        fn extraction_of_soup_hides_scripts_and_keeps_http_links(html in soup(), depth in 1usize..40) {
            let limits = Limits { max_depth: depth, max_links: 3, max_identifiers: 5 };
            let e = extract_with(&html, &Url::parse("http://h.test/p").unwrap(), &[], &limits);
            prop_assert!(!e.text.contains(MARK), "{}", e.text);
            prop_assert!(e.links.len() <= 3);
            prop_assert!(e.links.iter().all(|u| matches!(u.scheme(), "http" | "https")));
        }

        #[test]
        fn lines_are_the_visible_text(html in soup()) {
            let bounded = prepass::bound(&html, 64);
            let doc = Html::parse_document(&bounded.html);
            let mut text = String::new();
            visible_text_into(doc.tree.root(), &mut text);
            let page = blocks::segment(doc.tree.root(), &Url::parse("http://h.test/").unwrap(), &[]);
            prop_assert_eq!(page.text(), text);
            prop_assert!(page.lines.iter().all(|l| !l.text.is_empty() && !l.text.contains('\n')));
            prop_assert!(page.lines.iter().all(|l| (l.elem as usize) < page.elems.len() && l.anchor_chars <= l.chars));
        }

        #[test]
        fn extraction_of_arbitrary_text_never_panics(s in any::<String>()) {
            let e = extract(&s, &Url::parse("http://h.test/").unwrap(), &[]);
            prop_assert!(e.text.len() <= s.len() + s.len() / 2 + 8, "text grew: {}", e.text.len());
            let _ = looks_like_html(&s);
            let _ = visible_text(&s);
        }

        #[test]
        fn looks_like_html_reads_only_the_first_kib(pad in 1000usize..1100, s in "\\PC{0,8}") {
            let text = format!("{}{s}<html>", "é".repeat(pad / 2));
            prop_assert_eq!(looks_like_html(&text), text.find("<html").is_some_and(|p| p + 5 <= 1024));
        }

        #[test]
        fn seller_identifiers_are_bounded_and_distinct(s in "([a-z0-9@.+ ]|telegram |wechat: |t\\.me/){0,200}") {
            let (ids, dropped) = seller_identifiers_limited(&s, 7);
            prop_assert!(ids.len() <= 7);
            let distinct: std::collections::HashSet<_> = ids.iter().collect();
            prop_assert_eq!(distinct.len(), ids.len());
            prop_assert!(dropped == 0 || ids.len() == 7);
        }
    }
}
