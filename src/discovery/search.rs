//! Search result pages: the URL of a query from the site's template, with
//! the query percent-encoded in the site's encoding (a GBK site gets GBK
//! bytes), and the link to the next result page.

use encoding_rs::Encoding;
use url::Url;

/// The most result pages followed per query.
pub const MAX_SEARCH_PAGES: u32 = 50;
/// The longest query sent (characters).
pub const MAX_QUERY_CHARS: usize = 200;

/// A validated `search` template: a URL with `{query}` and optionally `{page}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchTemplate {
    template: String,
}

impl SearchTemplate {
    /// Checks that `template` has `{query}` and makes an http(s) URL with a host.
    pub fn parse(template: &str) -> Result<SearchTemplate, String> {
        let t = template.trim();
        if !t.contains("{query}") {
            return Err(format!("search {t:?} has no {{query}}: write where the query goes, as in \"https://example.com/search?q={{query}}\""));
        }
        let probe = SearchTemplate {
            template: t.to_string(),
        };
        let url = probe
            .url("probe", 1, encoding_rs::UTF_8)
            .map_err(|e| format!("search {t:?}: {e}"))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(format!("search {t:?}: give an http or https URL"));
        }
        Ok(probe)
    }

    /// Whether the template numbers its pages (`{page}`); else the next page is found by its link.
    pub fn has_page(&self) -> bool {
        self.template.contains("{page}")
    }

    /// The URL of result page `page` (1-based) of `query`.
    pub fn url(&self, query: &str, page: u32, encoding: &'static Encoding) -> Result<Url, String> {
        let filled = self
            .template
            .replace("{query}", &encode_query(query, encoding))
            .replace("{page}", &page.to_string());
        Url::parse(&filled).map_err(|e| e.to_string())
    }

    /// The template as written.
    pub fn as_str(&self) -> &str {
        &self.template
    }
}

/// `query` as bytes in `encoding`, percent-encoded (unreserved characters
/// kept). A character the encoding lacks is sent as the encoder writes it
/// (an HTML numeric reference), as a browser would.
pub fn encode_query(query: &str, encoding: &'static Encoding) -> String {
    let (bytes, _, _) = encoding.encode(query);
    let mut out = String::with_capacity(bytes.len() * 3);
    for &b in bytes.iter() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Words of a "next page" link, compared lower-cased and trimmed.
const NEXT_WORDS: &[&str] = &[
    "next",
    "next page",
    "next »",
    "next ›",
    "»",
    "›",
    ">",
    ">>",
    "下一页",
    "下页",
    "下一頁",
    "siguiente",
    "página siguiente",
    "próxima",
    "suivant",
];

/// The next result page a page links to: `<link rel=next>`, `<a rel=next>`,
/// else an `<a>` whose text or `aria-label` says "next" (English, Chinese,
/// Spanish, French). Only http(s) links on `base`'s host count. `doc` is
/// the page as parsed (by the caller, within its markup budgets).
pub fn next_link(doc: &scraper::Html, base: &Url) -> Option<Url> {
    let resolve = |href: &str| {
        base.join(href.trim())
            .ok()
            .filter(|u| u.host_str() == base.host_str() && matches!(u.scheme(), "http" | "https") && u != base)
    };
    let rel = scraper::Selector::parse("link[rel~=next][href], a[rel~=next][href]").expect("selector");
    if let Some(u) = doc.select(&rel).find_map(|e| e.value().attr("href").and_then(resolve)) {
        return Some(u);
    }
    let anchors = scraper::Selector::parse("a[href]").expect("selector");
    doc.select(&anchors).find_map(|a| {
        let text: String = a.text().collect::<String>();
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        let label = a.value().attr("aria-label").unwrap_or("").trim().to_lowercase();
        let says_next = NEXT_WORDS.contains(&text.as_str()) || label.starts_with("next") || label == "下一页";
        says_next.then(|| a.value().attr("href").and_then(resolve)).flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_encoded_in_the_sites_encoding() {
        let t = SearchTemplate::parse("https://shop.example/s?q={query}&p={page}").unwrap();
        assert_eq!(
            t.url("N-phenethyl 4 piperidone", 2, encoding_rs::UTF_8)
                .unwrap()
                .as_str(),
            "https://shop.example/s?q=N-phenethyl%204%20piperidone&p=2"
        );
        // 哌啶酮 in GBK is DF DF E0 A4 CD AA (Python: "哌啶酮".encode("gbk"))
        assert_eq!(encode_query("哌啶酮", encoding_rs::GBK), "%DF%DF%E0%A4%CD%AA");
        assert_eq!(
            encode_query("哌啶酮", encoding_rs::UTF_8),
            "%E5%93%8C%E5%95%B6%E9%85%AE"
        );
        assert_eq!(encode_query("a&b=c#d", encoding_rs::UTF_8), "a%26b%3Dc%23d");
        assert!(t.has_page());
    }

    #[test]
    fn bad_templates_are_refused() {
        assert!(SearchTemplate::parse("https://shop.example/s?q=")
            .unwrap_err()
            .contains("{query}"));
        assert!(SearchTemplate::parse("ftp://shop.example/{query}").is_err());
        assert!(SearchTemplate::parse("/search?q={query}").is_err());
    }

    #[test]
    fn next_page_links() {
        let base = Url::parse("http://m.example/search?q=x").unwrap();
        let n = |html: &str| next_link(&scraper::Html::parse_document(html), &base).map(|u| u.to_string());
        assert_eq!(
            n("<a href='/search?q=x&p=2' rel='next'>2</a>").as_deref(),
            Some("http://m.example/search?q=x&p=2")
        );
        assert_eq!(
            n("<a href='/s?p=2'>下一页</a>").as_deref(),
            Some("http://m.example/s?p=2")
        );
        assert_eq!(
            n("<a href='/s?p=2'> Next </a>").as_deref(),
            Some("http://m.example/s?p=2")
        );
        assert_eq!(
            n("<a href='http://other.example/p2'>next</a>"),
            None,
            "other hosts never"
        );
        assert_eq!(n("<a href='javascript:next()'>next</a>"), None);
        assert_eq!(n("<a href='/p/1'>Nextron reagent</a>"), None);
    }
}
