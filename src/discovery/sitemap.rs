//! Sitemaps: robots.txt `Sitemap:` lines, and sitemap documents (a
//! `<urlset>` of page URLs or a `<sitemapindex>` of sitemaps), gzipped or
//! not. Read in one linear pass, bounded: a sitemap bomb cannot exceed the
//! body cap when inflated, nor add more than [`MAX_LOCS`] URLs.

use std::io::Read;

/// The most URLs taken from one sitemap (the protocol's own limit).
pub const MAX_LOCS: usize = 50_000;
/// The deepest sitemap index nesting followed (robots.txt is level 0).
pub const MAX_LEVEL: u32 = 3;

/// What a sitemap document lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sitemap {
    /// `<sitemapindex>`: more sitemaps.
    Index(Vec<String>),
    /// `<urlset>`: pages.
    Urls(Vec<String>),
}

/// The `Sitemap:` URLs of a robots.txt (any case, any group).
pub fn robots_sitemaps(robots_txt: &str) -> Vec<String> {
    robots_txt
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case("sitemap").then(|| v.trim().to_string())
        })
        .filter(|v| !v.is_empty())
        .take(MAX_LOCS)
        .collect()
}

/// Parses a sitemap body, inflating gzip (at most `max_bytes` inflated).
pub fn parse(body: &[u8], max_bytes: usize) -> Result<Sitemap, String> {
    let inflated;
    let xml: &[u8] = if body.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(body)
            .take(max_bytes as u64)
            .read_to_end(&mut out)
            .map_err(|e| format!("not a valid gzip sitemap: {e}"))?;
        inflated = out;
        &inflated
    } else {
        body
    };
    let text = String::from_utf8_lossy(xml);
    let head = &text[..floor_char_boundary(&text, 4096)];
    let locs = locs(&text);
    if head.contains("<sitemapindex") {
        Ok(Sitemap::Index(locs))
    } else if head.contains("<urlset") || !locs.is_empty() {
        Ok(Sitemap::Urls(locs))
    } else {
        Err("not a sitemap (no <urlset> or <sitemapindex>)".into())
    }
}

/// The largest char boundary of `s` at or below `i` (a byte cut never splits a character).
fn floor_char_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The text of every `<loc>` element, entities decoded, at most [`MAX_LOCS`].
fn locs(xml: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = xml;
    while out.len() < MAX_LOCS {
        let Some(i) = rest.find("<loc>") else { break };
        rest = &rest[i + 5..];
        let Some(j) = rest.find("</loc>") else { break };
        let raw = rest[..j].trim();
        let raw = raw
            .strip_prefix("<![CDATA[")
            .and_then(|r| r.strip_suffix("]]>"))
            .unwrap_or(raw);
        let v = unescape(raw.trim());
        if !v.is_empty() {
            out.push(v);
        }
        rest = &rest[j + 6..];
    }
    out
}

/// XML's five entities and numeric references.
fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[..rest.len().min(12)].find(';');
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => name
                    .strip_prefix("#x")
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn robots_lines() {
        let r = "User-agent: *\nDisallow: /x\nSitemap: https://m.example/s1.xml\nsitemap:https://m.example/s2.xml.gz\n";
        assert_eq!(
            robots_sitemaps(r),
            ["https://m.example/s1.xml", "https://m.example/s2.xml.gz"]
        );
    }

    #[test]
    fn urlsets_indexes_and_gzip() {
        let index = "<?xml version='1.0'?><sitemapindex xmlns='x'><sitemap><loc> https://m.example/a.xml.gz </loc></sitemap></sitemapindex>";
        assert_eq!(
            parse(index.as_bytes(), 1 << 20).unwrap(),
            Sitemap::Index(vec!["https://m.example/a.xml.gz".into()])
        );
        let urls = "<urlset><url><loc>https://m.example/p/1?a=1&amp;b=2</loc></url><url><loc><![CDATA[https://m.example/p/2]]></loc></url></urlset>";
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(urls.as_bytes()).unwrap();
        let gz = gz.finish().unwrap();
        assert_eq!(
            parse(&gz, 1 << 20).unwrap(),
            Sitemap::Urls(vec![
                "https://m.example/p/1?a=1&b=2".into(),
                "https://m.example/p/2".into()
            ])
        );
        assert!(parse(b"<html>hello</html>", 1 << 20).is_err());
    }

    #[test]
    fn a_gzip_bomb_is_cut_at_the_cap() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(b"<urlset>").unwrap();
        gz.write_all(&vec![b' '; 50 << 20]).unwrap();
        let gz = gz.finish().unwrap();
        assert!(gz.len() < 200 << 10);
        assert_eq!(parse(&gz, 1 << 20).unwrap(), Sitemap::Urls(vec![]));
    }

    #[test]
    fn a_character_across_the_sniffed_head_does_not_panic() {
        // "é" is two bytes: the 4096-byte head would end inside it.
        let body = format!("<urlset>{}é<loc>https://m.example/p/1</loc></urlset>", "x".repeat(4087));
        assert_eq!(
            parse(body.as_bytes(), 1 << 20).unwrap(),
            Sitemap::Urls(vec!["https://m.example/p/1".into()])
        );
    }

    #[test]
    fn entities() {
        assert_eq!(unescape("a&amp;b&#x41;&#66;&bogus;&"), "a&bAB&bogus;&");
    }
}
