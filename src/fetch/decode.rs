//! Bytes to text, the way browsers do it: BOM, then the Content-Type charset,
//! then a `<meta>` declaration in the first 4 KiB, then detection.
//!
//! GB2312 and GBK labels decode as GB18030 (encoding_rs's GBK decoder is the
//! GB18030 decoder, as the WHATWG Encoding Standard requires), so pages that
//! under-declare their encoding still decode every character.

use encoding_rs::{Encoding, UTF_8};

/// Where the encoding came from, recorded as evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharsetSource {
    /// A byte order mark at the start of the body (wins over everything).
    Bom,
    /// The `charset` parameter of the Content-Type header.
    Header,
    /// A `<meta>` declaration in the first 4 KiB.
    Meta,
    /// Guessed by `chardetng` from the first 64 KiB.
    Detected,
}

impl CharsetSource {
    /// The name stored with the page (`pages.charset_source`).
    pub fn as_str(self) -> &'static str {
        match self {
            CharsetSource::Bom => "bom",
            CharsetSource::Header => "header",
            CharsetSource::Meta => "meta",
            CharsetSource::Detected => "detected",
        }
    }
}

/// A decoded body. Valid UTF-8 is borrowed, not copied.
#[derive(Debug, Clone)]
pub struct Decoded<'a> {
    /// The body as text; undecodable bytes became U+FFFD.
    pub text: std::borrow::Cow<'a, str>,
    /// The encoding's WHATWG name, e.g. "GBK", "UTF-8".
    pub encoding: &'static str,
    /// Where `encoding` came from (evidence for a reviewer).
    pub source: CharsetSource,
    /// True when some bytes were not valid in that encoding (replaced by U+FFFD).
    pub had_errors: bool,
}

/// The charset parameter of a Content-Type header value, if any.
pub fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches(|c| c == '"' || c == '\''))
    })
}

/// Finds a charset declared in `<meta charset=...>` or
/// `<meta http-equiv="Content-Type" content="...; charset=...">` in the first
/// 4 KiB, tolerating missing quotes, odd case and stray spaces.
pub fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let head = &head[..head.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(|b| b.to_ascii_lowercase()).collect();
    let mut from = 0;
    while let Some(p) = memchr::memmem::find(&lower[from..], b"<meta") {
        let start = from + p;
        let end = lower[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(c) = memchr::memmem::find(tag, b"charset") {
            let mut rest = &tag[c + 7..];
            rest = trim_start(rest);
            if let Some(r) = rest.strip_prefix(b"=") {
                let r = trim_start(r);
                let r = r.strip_prefix(b"\"").or_else(|| r.strip_prefix(b"'")).unwrap_or(r);
                let label_end = r
                    .iter()
                    .position(|&b| matches!(b, b'"' | b'\'' | b';' | b' ' | b'/' | b'>' | b'\t' | b'\n' | b'\r'))
                    .unwrap_or(r.len());
                if let Some(enc) = Encoding::for_label(&r[..label_end]) {
                    // A meta tag cannot honestly declare UTF-16: the bytes read as ASCII.
                    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
                        return Some(UTF_8);
                    }
                    return Some(enc);
                }
            }
        }
        from = end.max(start + 5);
    }
    None
}

fn trim_start(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t' | b'\n' | b'\r', rest @ ..] = s {
        s = rest;
    }
    s
}

/// Decodes a body. `content_type` is the response's Content-Type header value.
pub fn decode<'a>(body: &'a [u8], content_type: Option<&str>) -> Decoded<'a> {
    let (encoding, source, skip) = if let Some((enc, bom_len)) = Encoding::for_bom(body) {
        (enc, CharsetSource::Bom, bom_len)
    } else if let Some(enc) = content_type
        .and_then(charset_param)
        .and_then(|l| Encoding::for_label(l.as_bytes()))
    {
        (enc, CharsetSource::Header, 0)
    } else if let Some(enc) = meta_charset(body) {
        (enc, CharsetSource::Meta, 0)
    } else {
        let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
        det.feed(&body[..body.len().min(64 * 1024)], body.len() <= 64 * 1024);
        (
            det.guess(None, chardetng::Utf8Detection::Allow),
            CharsetSource::Detected,
            0,
        )
    };
    let (text, had_errors) = encoding.decode_without_bom_handling(&body[skip..]);
    Decoded {
        text,
        encoding: encoding.name(),
        source,
        had_errors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GBK_NPP: &[u8] = b"\xc4\xfe\xbc\xd2"; // not used for meaning, only bytes

    #[test]
    fn bom_wins_over_header() {
        let d = decode(b"\xEF\xBB\xBFhi", Some("text/html; charset=iso-8859-1"));
        assert_eq!((&*d.text, d.source), ("hi", CharsetSource::Bom));
    }

    #[test]
    fn header_then_meta() {
        let d = decode("é".as_bytes(), Some("text/html; charset=\"UTF-8\""));
        assert_eq!(d.source, CharsetSource::Header);
        assert_eq!(d.text, "é");
        let mut page =
            b"<html><head><META http-equiv='Content-Type' content='text/html; charset = gb2312'></head><body>".to_vec();
        page.extend_from_slice(b"\xd6\xd0\xce\xc4"); // 中文 in GBK
        let d = decode(&page, Some("text/html"));
        assert_eq!(d.source, CharsetSource::Meta);
        assert_eq!(d.encoding, "GBK");
        assert!(d.text.ends_with("中文"), "{}", d.text);
        let _ = GBK_NPP;
    }

    #[test]
    fn malformed_meta_is_still_read() {
        assert_eq!(meta_charset(b"<meta charset=GBK/>").map(|e| e.name()), Some("GBK"));
        assert_eq!(
            meta_charset(b"<meta  CHARSET = 'utf-8' >").map(|e| e.name()),
            Some("UTF-8")
        );
        assert_eq!(meta_charset(b"<meta name=x><p>charset=gbk"), None);
        assert_eq!(meta_charset(b"<meta charset=utf-16>").map(|e| e.name()), Some("UTF-8"));
    }

    #[test]
    fn truncated_meta_declarations_at_the_window_edge() {
        // Tags cut by the end of input or by the 4 KiB window, and a multi-byte
        // character across the window's edge: each ends the search quietly.
        for tail in [
            "<meta",
            "<meta charset",
            "<meta charset=",
            "<meta charset='",
            "<meta charset = ",
        ] {
            assert_eq!(meta_charset(tail.as_bytes()), None, "{tail}");
        }
        assert_eq!(meta_charset(b"<meta charset=\"gbk").map(|e| e.name()), Some("GBK"));
        let mut page = vec![b' '; 4090];
        page.extend_from_slice("<meta charset=gbk>中".as_bytes());
        assert_eq!(meta_charset(&page), None, "the label lies past 4 KiB");
        let mut page = vec![b' '; 4095];
        page.extend_from_slice("中<meta charset=gbk>".as_bytes());
        let d = decode(&page, Some("text/html; charset"));
        assert_eq!(d.source, CharsetSource::Detected);
    }

    #[test]
    fn undeclared_gbk_is_detected() {
        let text = "供应优质化工原料，纯度百分之九十九，现货充足，欢迎咨询购买，安全清关，快速发货。";
        let (bytes, _, _) = encoding_rs::GBK.encode(text);
        let d = decode(&bytes, None);
        assert_eq!(d.source, CharsetSource::Detected);
        assert_eq!(d.text, text);
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        #[test]
        fn any_bytes_and_content_type_decode(
            body in prop::collection::vec(any::<u8>(), 0..600),
            ct in prop::option::of("[ -~]{0,40}|text/html; charset=(gbk|utf-8|utf-16le|shift_jis|iso-2022-kr|x)"),
        ) {
            let d = decode(&body, ct.as_deref());
            let enc = Encoding::for_label(d.encoding.as_bytes()).expect("a WHATWG name is a label");
            let skip = if d.source == CharsetSource::Bom { Encoding::for_bom(&body).map_or(0, |b| b.1) } else { 0 };
            // Cross-check had_errors with the decoder's strict mode.
            let strict = enc.decode_without_bom_handling_and_without_replacement(&body[skip..]);
            prop_assert_eq!(d.had_errors, strict.is_none());
            if enc == UTF_8 {
                prop_assert_eq!(d.had_errors, std::str::from_utf8(&body[skip..]).is_err());
            }
            if let Some(s) = strict {
                prop_assert_eq!(&*d.text, &*s);
            }
        }
    }
}
