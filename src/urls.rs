//! URL helpers shared by the job file, the frontier, the fetcher and the
//! extractor: normalisation, resolution of links, the politeness key of a
//! host, and the part of a URL that site patterns see. A leaf module: pure
//! functions over `url::Url`, no I/O and nothing else from the crate.

use url::Url;

/// Query parameters that only track the visitor and never change the page.
const TRACKING_PARAMS: &[&str] = &[
    "fbclid",
    "gclid",
    "dclid",
    "gclsrc",
    "msclkid",
    "mc_cid",
    "mc_eid",
    "yclid",
    "_ga",
    "_gl",
    "igshid",
    "spm",
    "scm",
    "trk",
    "trackid",
    "sessionid",
    "phpsessid",
    "jsessionid",
    "sid",
    "ref_src",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "oly_anon_id",
    "oly_enc_id",
    "vero_id",
];

/// The key politeness is applied to: host plus explicit non-default port.
pub fn host_key(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{}:{p}", h.to_ascii_lowercase()),
        (Some(h), None) => h.to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// [`host_key`] of a URL string ("" when it does not parse).
pub fn url_host_key(url: &str) -> String {
    Url::parse(url).map(|u| host_key(&u)).unwrap_or_default()
}

/// Normalises a URL: http(s) only; fragment dropped; tracking parameters
/// dropped; host lower-cased and default port removed (the `url` crate does
/// both); empty path becomes "/". Returns None for other schemes.
pub fn normalise(mut url: Url) -> Option<Url> {
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return None;
    }
    url.set_fragment(None);
    if let Some(q) = url.query() {
        let tracking = |key: &str| {
            let key = key.to_ascii_lowercase();
            key.starts_with("utm_") || TRACKING_PARAMS.contains(&key.as_str())
        };
        if query_is_utf8(q) {
            // The form every stored URL has had (listing identities depend on it).
            let kept: Vec<(String, String)> = url
                .query_pairs()
                .filter(|(k, _)| !tracking(k))
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            if kept.is_empty() {
                url.set_query(None);
            } else {
                url.query_pairs_mut().clear().extend_pairs(kept);
            }
        } else {
            // Bytes in the site's own encoding (GBK): kept as written, which a
            // decode and re-encode as UTF-8 would destroy.
            let kept: Vec<&str> = q
                .split('&')
                .filter(|p| !p.is_empty())
                .filter(|p| {
                    !tracking(
                        &percent_encoding::percent_decode_str(p.split('=').next().unwrap_or("")).decode_utf8_lossy(),
                    )
                })
                .collect();
            let kept = kept.join("&");
            url.set_query((!kept.is_empty()).then_some(kept.as_str()));
        }
    }
    Some(url)
}

/// Whether a query string percent-decodes (with `+` as a space) to UTF-8.
fn query_is_utf8(q: &str) -> bool {
    percent_encoding::percent_decode_str(q).decode_utf8().is_ok()
}

/// Resolves an href found on a page against the page's base URL and normalises it.
/// mailto:, javascript:, data:, tel: and every other non-http scheme give None.
pub fn resolve(base: &Url, href: &str) -> Option<Url> {
    let href = href.trim();
    if href.is_empty() || href.starts_with('#') {
        return None;
    }
    normalise(base.join(href).ok()?)
}

/// The part of a URL that `listing`, `follow` and `deny` regexes see.
pub fn path_and_query(url: &Url) -> &str {
    let s = url.as_str();
    let start = url.host_str().map_or(0, |_| {
        // scheme://host[:port] ends where the path starts
        s.find("://")
            .map_or(0, |i| s[i + 3..].find('/').map_or(s.len(), |j| i + 3 + j))
    });
    &s[start..]
}

#[cfg(test)]
mod tests {

    #[test]
    fn query_bytes_in_other_encodings_survive() {
        let u = normalise(url::Url::parse("http://m.example/s?kw=%DF%DF%E0%A4&utm_source=x&p=1").unwrap()).unwrap();
        assert_eq!(u.as_str(), "http://m.example/s?kw=%DF%DF%E0%A4&p=1");
        let u = normalise(url::Url::parse("http://m.example/s?utm_source=x").unwrap()).unwrap();
        assert_eq!(u.as_str(), "http://m.example/s");
        // UTF-8 queries keep the form stored URLs have always had (listing identities).
        let u = normalise(url::Url::parse("http://m.example/s?q=a%20b&k&x=%7E").unwrap()).unwrap();
        assert_eq!(u.as_str(), "http://m.example/s?q=a+b&k=&x=%7E");
    }
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn normalise_drops_fragment_tracking_and_default_port() {
        let n = normalise(u("HTTP://Example.COM:80/a/b?utm_source=x&id=3&fbclid=9#top")).unwrap();
        assert_eq!(n.as_str(), "http://example.com/a/b?id=3");
        let n = normalise(u("https://example.com:443?utm_medium=y")).unwrap();
        assert_eq!(n.as_str(), "https://example.com/");
        let n = normalise(u("http://127.0.0.1:8080/p?b=2&a=1")).unwrap();
        assert_eq!(n.as_str(), "http://127.0.0.1:8080/p?b=2&a=1");
    }

    #[test]
    fn resolve_ignores_non_http_links() {
        let base = u("http://shop.test/dir/page.html");
        for href in [
            "mailto:a@b.c",
            "javascript:void(0)",
            "data:text/html,hi",
            "tel:+86123",
            "#x",
            "  ",
            "ftp://x/y",
        ] {
            assert_eq!(resolve(&base, href), None, "{href}");
        }
        assert_eq!(
            resolve(&base, "../p.html#r").unwrap().as_str(),
            "http://shop.test/p.html"
        );
    }

    #[test]
    fn path_and_query_starts_at_path() {
        assert_eq!(path_and_query(&u("http://h:81/a?b=1")), "/a?b=1");
        assert_eq!(path_and_query(&u("http://h/")), "/");
    }
}
