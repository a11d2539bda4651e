//! Extraction of any text: no panic, links are http(s), and the tree stays
//! within a small depth budget (checked by the pre-pass's own tests).
#![no_main]
use libfuzzer_sys::fuzz_target;
use precwatch::extract::{extract_with, seller_identifiers_limited, Limits};

fuzz_target!(|data: &[u8]| {
    let Ok(html) = std::str::from_utf8(data) else { return };
    let url = url::Url::parse("http://shop.test/p/1.html").expect("url");
    let limits = Limits {
        max_depth: 16,
        max_links: 8,
        max_identifiers: 4,
    };
    let e = extract_with(html, &url, &[], &limits);
    assert!(e.links.len() <= 8);
    assert!(e.links.iter().all(|u| matches!(u.scheme(), "http" | "https")));
    let (ids, _) = seller_identifiers_limited(&e.listing_text(), 4);
    assert!(ids.len() <= 4);
});
