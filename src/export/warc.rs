//! WARC 1.1 of the stored evidence, so archive tools (warcio, pywb,
//! replay and forensic suites) can read what precwatch fetched.
//!
//! The file is a `warcinfo` record, then for each page that an exported
//! listing's current version came from (once, however many listings share
//! it): a `response` record (the HTTP answer rebuilt from the stored status,
//! headers and body), a `request` record (rebuilt: precwatch stores no
//! request) and a `metadata` record (the listings' verdicts as JSON).
//!
//! Invariants:
//! - The stored body is the body after content decoding, so the rebuilt
//!   answer drops `Content-Encoding`, `Transfer-Encoding` and
//!   `Content-Length` (kept as `X-Precwatch-Orig-*`) and states the stored
//!   length: the block is an HTTP message that says what it holds.
//! - No crawled value can add a header line or a record: every header name
//!   is reduced to token characters, every value has its control characters
//!   (CR and LF included) replaced by spaces.
//! - Digests are SHA-256 in RFC 4648 base32 (`sha256:...`), which WARC 1.1
//!   allows and `warcio check` verifies.

use super::ExportError;
use crate::store::{ExportListing, PageEvidence, Store};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Write;

/// Stored headers that describe the body as sent, not as stored.
const BODY_FRAMING: &[&str] = &["content-encoding", "transfer-encoding", "content-length"];

/// Writes the warcinfo record, then the records of each listing's page.
pub fn write(store: &Store, listings: &[ExportListing], out: &mut dyn Write) -> Result<(), ExportError> {
    warcinfo(out, &store.display_name(), listings.len())?;
    let mut pages: Vec<i64> = Vec::new();
    let mut by_page: HashMap<i64, Vec<&ExportListing>> = HashMap::new();
    for l in listings {
        let entry = by_page.entry(l.page_id).or_default();
        if entry.is_empty() {
            pages.push(l.page_id);
        }
        entry.push(l);
    }
    for page_id in pages {
        let Some(page) = store.page_evidence(page_id)? else {
            continue;
        };
        let response_id = record_id();
        response(out, &page, &response_id)?;
        request(out, &page, &response_id)?;
        metadata(out, &page, &response_id, &by_page[&page_id])?;
    }
    Ok(())
}

/// The `warcinfo` record: what wrote the file and from what.
fn warcinfo(out: &mut dyn Write, db: &str, listings: usize) -> std::io::Result<()> {
    let fields = [
        ("software", format!("precwatch/{}", env!("CARGO_PKG_VERSION"))),
        ("format", "WARC File Format 1.1".to_string()),
        (
            "conformsTo",
            "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/".to_string(),
        ),
        (
            "description",
            "precwatch export: the stored evidence of the exported listings' current versions".to_string(),
        ),
        ("precwatch-db", db.to_string()),
        ("precwatch-listings", listings.to_string()),
    ];
    let mut block = String::new();
    for (k, v) in fields {
        block.push_str(&format!("{k}: {}\r\n", field_value(&v)));
    }
    let now = warc_date(&crate::store::now());
    record(
        out,
        &[
            ("WARC-Type", "warcinfo".into()),
            ("WARC-Date", now),
            ("WARC-Record-ID", record_id()),
            ("Content-Type", "application/warc-fields".into()),
        ],
        block.as_bytes(),
    )
}

/// The `response` record: the HTTP answer rebuilt from the stored evidence.
fn response(out: &mut dyn Write, page: &PageEvidence, id: &str) -> std::io::Result<()> {
    let block = http_response(page);
    let mut headers = vec![
        ("WARC-Type", "response".to_string()),
        ("WARC-Record-ID", id.to_string()),
        ("WARC-Date", warc_date(&page.fetched_at)),
        ("WARC-Target-URI", uri_value(&page.final_url)),
        ("Content-Type", "application/http;msgtype=response".into()),
        ("WARC-Block-Digest", digest(&block)),
        ("WARC-Payload-Digest", digest(&page.body)),
    ];
    if page.truncated {
        headers.push(("WARC-Truncated", "length".into()));
    }
    if let Some(sha) = &page.body_sha256 {
        headers.push(("WARC-Precwatch-Body-SHA256", sha.clone()));
    }
    headers.push((
        "WARC-Precwatch-Note",
        "status line and headers rebuilt from stored evidence; body as stored, after content decoding".into(),
    ));
    record(out, &headers, &block)
}

/// The `request` record: a GET for the final URL (the request itself is not stored).
fn request(out: &mut dyn Write, page: &PageEvidence, response_id: &str) -> std::io::Result<()> {
    let (target, host) = match url::Url::parse(&page.final_url) {
        Ok(u) => {
            let host = match (u.host_str(), u.port()) {
                (Some(h), Some(p)) => format!("{h}:{p}"),
                (Some(h), None) => h.to_string(),
                (None, _) => String::new(),
            };
            (crate::urls::path_and_query(&u).to_string(), host)
        }
        Err(_) => ("/".to_string(), String::new()),
    };
    let target = if target.starts_with('/') {
        target
    } else {
        format!("/{target}")
    };
    let block = format!(
        "GET {} HTTP/1.1\r\nHost: {}\r\n\r\n",
        uri_value(&target),
        field_value(&host)
    );
    record(
        out,
        &[
            ("WARC-Type", "request".into()),
            ("WARC-Record-ID", record_id()),
            ("WARC-Date", warc_date(&page.fetched_at)),
            ("WARC-Target-URI", uri_value(&page.final_url)),
            ("WARC-Concurrent-To", response_id.to_string()),
            ("Content-Type", "application/http;msgtype=request".into()),
            ("WARC-Block-Digest", digest(block.as_bytes())),
            ("WARC-Precwatch-Note", "request reconstructed (not stored)".into()),
        ],
        block.as_bytes(),
    )
}

/// The `metadata` record: the verdicts of the listings this page holds.
fn metadata(
    out: &mut dyn Write,
    page: &PageEvidence,
    response_id: &str,
    listings: &[&ExportListing],
) -> std::io::Result<()> {
    let json = serde_json::json!({
        "page_id": page.id,
        "requested_url": page.url,
        "fetched_at": page.fetched_at,
        "redirects": page.redirects,
        "listings": listings.iter().map(|l| listing_json(l)).collect::<Vec<_>>(),
    });
    let block = crate::escape::json_safe(&json.to_string()).into_owned().into_bytes();
    record(
        out,
        &[
            ("WARC-Type", "metadata".into()),
            ("WARC-Record-ID", record_id()),
            ("WARC-Date", warc_date(&page.fetched_at)),
            ("WARC-Target-URI", uri_value(&page.final_url)),
            ("WARC-Refers-To", response_id.to_string()),
            ("Content-Type", "application/json".into()),
            ("WARC-Block-Digest", digest(&block)),
        ],
        &block,
    )
}

fn listing_json(l: &ExportListing) -> serde_json::Value {
    let hits: Vec<serde_json::Value> = l
        .hits
        .iter()
        .map(|h| {
            serde_json::json!({
                "rule": h.rule, "category": h.category, "matched": h.matched, "cas": h.cas,
                "start": h.start, "end": h.end, "part": h.part,
            })
        })
        .collect();
    serde_json::json!({
        "id": l.id, "url": l.url, "site": l.site, "title": l.title, "risk": l.risk, "score": l.score,
        "review_status": l.review_state, "version_id": l.version_id, "text_sha256": l.evidence.text_sha256,
        "rules_sha256": l.evidence.rules_sha256, "run_id": l.evidence.run_id, "hits": hits,
    })
}

/// The HTTP message of a response record: status line, the stored headers
/// made safe (body framing renamed), the stored body's length, the body.
fn http_response(page: &PageEvidence) -> Vec<u8> {
    let status = u16::try_from(page.status)
        .ok()
        .filter(|s| (100..=999).contains(s))
        .unwrap_or(200);
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Unknown");
    let mut head = format!("HTTP/1.1 {status} {reason}\r\n");
    for (name, value) in &page.headers {
        let name = header_name(name);
        if name.is_empty() {
            continue;
        }
        if BODY_FRAMING.iter().any(|f| name.eq_ignore_ascii_case(f)) {
            head.push_str(&format!("X-Precwatch-Orig-{name}: {}\r\n", field_value(value)));
        } else {
            head.push_str(&format!("{name}: {}\r\n", field_value(value)));
        }
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", page.body.len()));
    let mut block = head.into_bytes();
    block.extend_from_slice(&page.body);
    block
}

/// Writes one record: version line, header fields, Content-Length, the
/// block, and the two CRLF that end a record.
fn record(out: &mut dyn Write, headers: &[(&str, String)], block: &[u8]) -> std::io::Result<()> {
    let mut head = String::from("WARC/1.1\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {}\r\n", field_value(value)));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", block.len()));
    out.write_all(head.as_bytes())?;
    out.write_all(block)?;
    out.write_all(b"\r\n\r\n")
}

/// A header value that stays on its line: control characters (CR, LF, NUL,
/// DEL, C1) become spaces, and leading or trailing blanks are trimmed.
fn field_value(v: &str) -> String {
    let s: String = v.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    s.trim().to_string()
}

/// A URI for a header or request line: no control character or space
/// (they are percent-encoded).
fn uri_value(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        if c.is_control() || c == ' ' {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A header name reduced to HTTP token characters (RFC 9110), so a stored
/// name cannot carry a colon, a space or a line break.
fn header_name(n: &str) -> String {
    n.chars()
        .filter(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(*c))
        .collect()
}

/// A stored RFC 3339 time as a WARC-Date (ISO 8601 UTC, second precision);
/// the time now when the stored text does not parse.
fn warc_date(stored: &str) -> String {
    use time::format_description::well_known::Rfc3339;
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    let t = time::OffsetDateTime::parse(stored, &Rfc3339).unwrap_or_else(|_| time::OffsetDateTime::now_utc());
    t.to_offset(time::UtcOffset::UTC).format(&fmt).unwrap_or_default()
}

/// A fresh `<urn:uuid:...>` (UUID version 4 from random bits).
fn record_id() -> String {
    let mut b = fastrand::u128(..).to_be_bytes();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "<urn:uuid:{}-{}-{}-{}-{}>",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// `sha256:` and the SHA-256 of `data` in RFC 4648 base32.
fn digest(data: &[u8]) -> String {
    format!("sha256:{}", base32(&Sha256::digest(data)))
}

/// RFC 4648 base32 (uppercase, `=` padded), the encoding of WARC digests.
fn base32(data: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(data.len().div_ceil(5) * 8);
    for chunk in data.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let bits = buf.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        let chars = (chunk.len() * 8).div_ceil(5);
        for i in 0..8 {
            if i < chars {
                out.push(ALPHABET[((bits >> (35 - 5 * i)) & 31) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(headers: &[(&str, &str)], body: &[u8]) -> PageEvidence {
        PageEvidence {
            id: 1,
            url: "http://shop.example/p/1".into(),
            final_url: "http://shop.example:8080/p/1?x=1".into(),
            status: 200,
            fetched_at: "2024-05-12T10:11:12.345Z".into(),
            headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            body: body.to_vec(),
            body_sha256: None,
            truncated: false,
            redirects: serde_json::json!([]),
        }
    }

    /// Splits a WARC file into (header lines, block) per record, using Content-Length.
    fn records(mut data: &[u8]) -> Vec<(Vec<String>, Vec<u8>)> {
        let mut out = Vec::new();
        while !data.is_empty() {
            let end = data.windows(4).position(|w| w == b"\r\n\r\n").expect("header end");
            let head = std::str::from_utf8(&data[..end]).unwrap();
            let lines: Vec<String> = head.split("\r\n").map(str::to_string).collect();
            assert_eq!(lines[0], "WARC/1.1");
            let len: usize = lines
                .iter()
                .find_map(|l| l.strip_prefix("Content-Length: "))
                .expect("Content-Length")
                .parse()
                .unwrap();
            let block = data[end + 4..end + 4 + len].to_vec();
            assert_eq!(&data[end + 4 + len..end + 8 + len], b"\r\n\r\n");
            data = &data[end + 8 + len..];
            out.push((lines, block));
        }
        out
    }

    fn field<'a>(lines: &'a [String], name: &str) -> Vec<&'a str> {
        lines
            .iter()
            .filter_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix(": ")))
            .collect()
    }

    #[test]
    fn base32_matches_rfc_4648_vectors() {
        assert_eq!(base32(b""), "");
        assert_eq!(base32(b"f"), "MY======");
        assert_eq!(base32(b"fo"), "MZXQ====");
        assert_eq!(base32(b"foo"), "MZXW6===");
        assert_eq!(base32(b"foob"), "MZXW6YQ=");
        assert_eq!(base32(b"fooba"), "MZXW6YTB");
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI======");
    }

    #[test]
    fn records_are_framed_and_linked() {
        let p = page(&[("content-type", "text/html")], b"<p>hello</p>");
        let mut out = Vec::new();
        let resp_id = record_id();
        response(&mut out, &p, &resp_id).unwrap();
        request(&mut out, &p, &resp_id).unwrap();
        let recs = records(&out);
        assert_eq!(recs.len(), 2);
        let (rh, rb) = &recs[0];
        assert_eq!(field(rh, "WARC-Type"), ["response"]);
        assert_eq!(field(rh, "WARC-Record-ID"), [resp_id.as_str()]);
        assert_eq!(field(rh, "WARC-Date"), ["2024-05-12T10:11:12Z"]);
        assert_eq!(field(rh, "WARC-Target-URI"), ["http://shop.example:8080/p/1?x=1"]);
        assert_eq!(field(rh, "WARC-Block-Digest"), [digest(rb).as_str()]);
        assert_eq!(field(rh, "WARC-Payload-Digest"), [digest(b"<p>hello</p>").as_str()]);
        assert!(field(rh, "WARC-Truncated").is_empty());
        assert!(rb.starts_with(b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\nContent-Length: 12\r\n\r\n"));
        assert!(rb.ends_with(b"<p>hello</p>"));
        let (qh, qb) = &recs[1];
        assert_eq!(field(qh, "WARC-Type"), ["request"]);
        assert_eq!(field(qh, "WARC-Concurrent-To"), [resp_id.as_str()]);
        assert_eq!(qb, b"GET /p/1?x=1 HTTP/1.1\r\nHost: shop.example:8080\r\n\r\n");
        let id = resp_id.trim_start_matches("<urn:uuid:").trim_end_matches('>');
        assert_eq!((id.len(), &id[14..15]), (36, "4"));
    }

    #[test]
    fn body_framing_headers_are_renamed_and_truncation_marked() {
        let mut p = page(
            &[
                ("content-encoding", "gzip"),
                ("Content-Length", "5"),
                ("transfer-encoding", "chunked"),
            ],
            b"decoded body",
        );
        p.truncated = true;
        let block = http_response(&p);
        let text = String::from_utf8(block).unwrap();
        assert!(
            text.contains("\r\nX-Precwatch-Orig-content-encoding: gzip\r\n"),
            "{text}"
        );
        assert!(text.contains("\r\nX-Precwatch-Orig-Content-Length: 5\r\n"), "{text}");
        assert!(
            text.contains("\r\nX-Precwatch-Orig-transfer-encoding: chunked\r\n"),
            "{text}"
        );
        assert!(text.contains("\r\nContent-Length: 12\r\n\r\ndecoded body"), "{text}");
        let mut out = Vec::new();
        response(&mut out, &p, &record_id()).unwrap();
        assert_eq!(field(&records(&out)[0].0, "WARC-Truncated"), ["length"]);
    }

    #[test]
    fn hostile_headers_cannot_inject_lines_or_records() {
        let evil = "x\r\n\r\nWARC/1.1\r\nWARC-Type: resource\r\nContent-Length: 0\r\n\r\n";
        let mut p = page(&[("x-evil", evil), ("bad\r\nname: v", "1")], b"body");
        p.final_url = format!("http://a.example/{evil}");
        let mut out = Vec::new();
        let id = record_id();
        response(&mut out, &p, &id).unwrap();
        request(&mut out, &p, &id).unwrap();
        let recs = records(&out);
        assert_eq!(recs.len(), 2, "one response, one request");
        assert_eq!(field(&recs[0].0, "WARC-Type"), ["response"]);
        assert!(!recs[0].0.iter().any(|l| l.starts_with("WARC-Type: resource")));
        let head = String::from_utf8_lossy(&recs[0].1);
        let head = head.split("\r\n\r\n").next().unwrap();
        assert!(
            head.lines()
                .any(|l| l.starts_with("x-evil: x    WARC/1.1  WARC-Type: resource")),
            "{head}"
        );
        assert!(head.contains("\r\nbadnamev: 1\r\n"), "{head}");
        assert!(!head.contains("\r\nWARC-Type"), "{head}");
        assert!(!field(&recs[0].0, "WARC-Target-URI")[0].contains(' '));
    }
}
