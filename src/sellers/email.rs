//! E-mail addresses: from each `@`, the local part is read leftwards and the
//! domain rightwards, each a bounded number of bytes, so the scan is linear.
//! RFC 5321 limits: local part 1–64, domain up to 253, address up to 254;
//! the top-level domain is 2–24 letters. Asset names (`logo@2x.png`) are not
//! addresses.

/// File extensions that follow `@2x` and the like in asset names; none is a TLD
/// anyone receives mail at.
const ASSET_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "tif", "tiff", "avif", "heic", "css", "js", "mjs",
    "json", "map", "pdf", "html", "htm", "php", "asp", "aspx", "jsp", "xml", "txt", "csv", "mp3", "mp4", "webm",
    "woff", "ttf", "eot", "otf",
];

fn is_local(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

fn is_domain(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-')
}

/// Calls `found(value, start, end)` for every address, in text order; the
/// value is lower-cased.
pub(super) fn scan(text: &str, found: &mut dyn FnMut(String, usize, usize)) {
    let bytes = text.as_bytes();
    for at in memchr::memchr_iter(b'@', bytes) {
        if let Some((start, end)) = address_around(bytes, at) {
            found(text[start..end].to_ascii_lowercase(), start, end);
        }
    }
}

/// The address whose `@` is at `at`, as a byte range.
fn address_around(bytes: &[u8], at: usize) -> Option<(usize, usize)> {
    let mut start = at;
    while start > 0 && is_local(bytes[start - 1]) {
        if at - start == 64 {
            return None; // a local part longer than RFC 5321 allows
        }
        start -= 1;
    }
    // Leading punctuation belongs to the sentence ("-a@b.com", "+a@b.com").
    while start < at && matches!(bytes[start], b'.' | b'+' | b'-') {
        start += 1;
    }
    let mut end = at + 1;
    while end < bytes.len() && is_domain(bytes[end]) {
        if end - at > 253 {
            return None;
        }
        end += 1;
    }
    while end > at + 1 && matches!(bytes[end - 1], b'.' | b'-') {
        end -= 1; // "write to a@b.com." ends the sentence
    }
    if start > 0 && bytes[start - 1] == b'@' || bytes.get(end) == Some(&b'@') {
        return None; // a@b@c: not one address
    }
    let local = &bytes[start..at];
    let domain = std::str::from_utf8(&bytes[at + 1..end]).ok()?;
    let local_ok = !local.is_empty() && local[local.len() - 1] != b'.' && !local.windows(2).any(|w| w == b"..");
    (local_ok && end - start <= 254 && domain_ok(domain)).then_some((start, end))
}

fn domain_ok(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    let Some((tld, rest)) = labels.split_last() else {
        return false;
    };
    let label_ok = |l: &&str| (1..=63).contains(&l.len()) && !l.starts_with('-') && !l.ends_with('-');
    let density =
        |l: &str| l.len() >= 2 && l.ends_with(['x', 'X']) && l[..l.len() - 1].bytes().all(|b| b.is_ascii_digit());
    !rest.is_empty()
        && labels.iter().all(label_ok)
        && (2..=24).contains(&tld.len())
        && tld.bytes().all(|b| b.is_ascii_alphabetic())
        && !ASSET_EXTENSIONS.iter().any(|e| e.eq_ignore_ascii_case(tld))
        && !rest.iter().any(|l| density(l))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn emails(text: &str) -> Vec<String> {
        let mut v = Vec::new();
        scan(text, &mut |value, s, e| {
            assert_eq!(text[s..e].to_ascii_lowercase(), value);
            v.push(value);
        });
        v
    }

    #[test]
    fn addresses_found_and_normalised() {
        assert_eq!(
            emails("Mail: Sales@Example.CN, 联系sales.team+mx@mail.example.com谢谢. write to a@b.co."),
            vec!["sales@example.cn", "sales.team+mx@mail.example.com", "a@b.co"]
        );
        assert_eq!(emails("<a href='mailto:x@y.org'>"), vec!["x@y.org"]);
    }

    #[test]
    fn near_misses_are_not_addresses() {
        for t in [
            "logo@2x.png",
            "icon@3x.jpg",
            "banner@1.5x.webp",
            "sprite@2X.PNG",
            "style@media.css",
            "user@localhost",
            "user@example.c",
            "user@example.c0m",
            "user@example.abcdefghijklmnopqrstuvwxy",
            "@example.com",
            "a..b@example.com",
            "a.@example.com",
            "a@-example.com",
            "a@example-.com",
            "a@b@c.com",
            "@@@@",
            "price 10@5.00",
        ] {
            assert_eq!(emails(t), Vec::<String>::new(), "{t}");
        }
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert!(emails(&long_local).is_empty());
        let ok_local = format!("{}@example.com", "a".repeat(64));
        assert_eq!(emails(&ok_local).len(), 1);
        let long_domain = format!("a@{}.com", "b".repeat(64));
        assert!(emails(&long_domain).is_empty(), "a label over 63");
        let long_total = format!("a@{}.com", vec!["b".repeat(60); 5].join("."));
        assert!(emails(&long_total).is_empty(), "a domain over 253");
    }
}
