//! A site's discovery keys: `search`, `search_pages`, `queries`,
//! `language`, `encoding`, `sitemaps`, `follow_sellers` (see
//! `crate::discovery` for what the crawl does with them).

use super::{ConfigError, Source};
use crate::discovery::search::{SearchTemplate, MAX_QUERY_CHARS, MAX_SEARCH_PAGES};
use serde::Deserialize;
use url::Url;

/// The most queries one site may list.
pub const MAX_QUERIES: usize = 1_000;

/// `queries` as written: `"packs"` or a list.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(super) enum RawQueries {
    Word(String),
    List(Vec<String>),
}

/// `sitemaps` as written: `true`, or the sitemap URLs.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(super) enum RawSitemaps {
    Flag(bool),
    List(Vec<String>),
}

/// Where a site's search queries come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Queries {
    /// The rule packs' search terms for every watched substance (the default).
    Packs,
    /// These queries.
    List(Vec<String>),
}

/// How a site's listings are found besides its seeds.
#[derive(Debug, Clone)]
pub struct Discovery {
    /// The search URL template.
    pub search: Option<SearchTemplate>,
    /// Result pages followed per query (1 = the first page only).
    pub search_pages: u32,
    /// The queries.
    pub queries: Queries,
    /// The site's language (`zh`, `es`, ...): packs' search terms in it are added.
    pub language: Option<String>,
    /// The encoding queries are sent in (the site's), default UTF-8.
    pub encoding: &'static encoding_rs::Encoding,
    /// Read robots.txt `Sitemap:` lines and `/sitemap.xml` of the site's hosts.
    pub sitemaps: bool,
    /// Sitemaps given by URL.
    pub sitemap_urls: Vec<Url>,
    /// Follow each flagged listing to its seller's storefront.
    pub follow_sellers: bool,
}

/// The raw keys, taken out of the site table.
pub(super) struct RawDiscovery<'a> {
    pub search: Option<&'a toml::Spanned<String>>,
    pub search_pages: Option<&'a toml::Spanned<u32>>,
    pub queries: Option<&'a toml::Spanned<RawQueries>>,
    pub language: Option<&'a toml::Spanned<String>>,
    pub encoding: Option<&'a toml::Spanned<String>>,
    pub sitemaps: Option<&'a toml::Spanned<RawSitemaps>>,
    pub follow_sellers: Option<bool>,
}

impl Source<'_> {
    /// Validates a site's discovery keys; `at` is the site's name span.
    pub(super) fn discovery(
        &self,
        site: &str,
        r: RawDiscovery,
        at: std::ops::Range<usize>,
    ) -> Result<Discovery, ConfigError> {
        let err = |span: std::ops::Range<usize>, m: String| self.invalid(span, format!("site {site:?}: {m}"));
        let search = r
            .search
            .map(|s| SearchTemplate::parse(s.get_ref()).map_err(|m| err(s.span(), m)))
            .transpose()?;
        let search_pages = match r.search_pages {
            None => 1,
            Some(p) if (1..=MAX_SEARCH_PAGES).contains(p.get_ref()) => *p.get_ref(),
            Some(p) => {
                return Err(err(
                    p.span(),
                    format!("search_pages must be from 1 to {MAX_SEARCH_PAGES}"),
                ))
            }
        };
        let queries = match r.queries {
            None => Queries::Packs,
            Some(q) => match q.get_ref() {
                RawQueries::Word(w) if w == "packs" => Queries::Packs,
                RawQueries::Word(w) => {
                    return Err(err(
                        q.span(),
                        format!("queries {w:?}: give \"packs\" or a list of queries"),
                    ))
                }
                RawQueries::List(list) => {
                    let list: Vec<String> = list.iter().map(|s| s.trim().to_string()).collect();
                    if list.is_empty() || list.len() > MAX_QUERIES {
                        return Err(err(q.span(), format!("queries: list 1 to {MAX_QUERIES} queries")));
                    }
                    if list.iter().any(|s| s.is_empty() || s.chars().count() > MAX_QUERY_CHARS) {
                        return Err(err(
                            q.span(),
                            format!("queries: each query has 1 to {MAX_QUERY_CHARS} characters"),
                        ));
                    }
                    Queries::List(list)
                }
            },
        };
        if r.queries.is_some() && search.is_none() {
            return Err(err(at, "queries need a `search` URL template".into()));
        }
        if r.search_pages.is_some() && search.is_none() {
            return Err(err(at, "search_pages needs a `search` URL template".into()));
        }
        let encoding = match r.encoding {
            None => encoding_rs::UTF_8,
            Some(e) => encoding_rs::Encoding::for_label(e.get_ref().trim().as_bytes()).ok_or_else(|| {
                err(
                    e.span(),
                    format!(
                        "encoding {:?}: not a known encoding (utf-8, gbk, gb18030, big5, shift_jis, ...)",
                        e.get_ref()
                    ),
                )
            })?,
        };
        let language = r.language.map(|l| l.get_ref().trim().to_ascii_lowercase());
        if language
            .as_ref()
            .is_some_and(|l| l.len() < 2 || l.len() > 8 || !l.bytes().all(|b| b.is_ascii_alphabetic()))
        {
            let span = r.language.map_or(at.clone(), |l| l.span());
            return Err(err(
                span,
                "language: give a language code such as \"en\", \"zh\" or \"es\"".into(),
            ));
        }
        let (sitemaps, sitemap_urls) = match r.sitemaps {
            None => (false, Vec::new()),
            Some(s) => match s.get_ref() {
                RawSitemaps::Flag(f) => (*f, Vec::new()),
                RawSitemaps::List(list) => {
                    let mut urls = Vec::new();
                    for u in list {
                        let url = Url::parse(u.trim())
                            .ok()
                            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
                            .ok_or_else(|| err(s.span(), format!("sitemaps: {u:?} is not an http or https URL")))?;
                        urls.push(url);
                    }
                    (true, urls)
                }
            },
        };
        Ok(Discovery {
            search,
            search_pages,
            queries,
            language,
            encoding,
            sitemaps,
            sitemap_urls,
            follow_sellers: r.follow_sellers.unwrap_or(false),
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{Job, Queries};
    use std::path::Path;

    fn site(keys: &str) -> Result<Job, String> {
        let text = format!("[job]\nname = \"j\"\n[[site]]\nname = \"a\"\nlisting = '^/p/'\n{keys}");
        Job::parse(&text, "job.toml", Path::new(".")).map_err(|e| e.to_string())
    }

    #[test]
    fn search_only_and_sitemap_only_sites() {
        let j = site("search = \"https://m.example/s?q={query}\"\nqueries = [\"NPP\", \" 39742-60-4 \"]").unwrap();
        assert_eq!(j.sites[0].hosts, ["m.example"]);
        assert_eq!(
            j.sites[0].discovery.queries,
            Queries::List(vec!["NPP".into(), "39742-60-4".into()])
        );
        let j = site("sitemaps = [\"https://n.example/sm.xml.gz\"]").unwrap();
        assert_eq!(j.sites[0].hosts, ["n.example"]);
        assert!(j.sites[0].discovery.sitemaps);
    }

    #[test]
    fn bad_discovery_keys_say_what_to_write() {
        for (keys, says) in [
            (
                "",
                "has no seeds: list start URLs, or give a `search` template or `sitemaps` URLs",
            ),
            ("sitemaps = true", "has no seeds"),
            ("search = \"https://m.example/s?q=\"", "has no {query}"),
            (
                "search = \"https://m.example/s?q={query}\"\nqueries = \"all\"",
                "give \"packs\" or a list",
            ),
            ("search = \"https://m.example/s?q={query}\"\nqueries = []", "list 1 to"),
            (
                "search = \"https://m.example/s?q={query}\"\nsearch_pages = 0",
                "search_pages must be from 1",
            ),
            (
                "seeds = [\"https://m.example/\"]\nqueries = [\"x\"]",
                "queries need a `search`",
            ),
            (
                "search = \"https://m.example/s?q={query}\"\nencoding = \"klingon\"",
                "not a known encoding",
            ),
            (
                "search = \"https://m.example/s?q={query}\"\nlanguage = \"Chinese!\"",
                "language",
            ),
            ("sitemaps = [\"ftp://m.example/s.xml\"]", "not an http or https URL"),
        ] {
            let e = site(keys).unwrap_err();
            assert!(e.contains(says), "{keys}: {e}");
            assert!(e.starts_with("job.toml:"), "{e}");
        }
    }
}
