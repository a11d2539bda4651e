//! Any robots.txt with any status, then any URL: no panic, bounded delay.
#![no_main]
use libfuzzer_sys::fuzz_target;
use precwatch::fetch::robots::{Robots, MAX_CRAWL_DELAY_MS};

fuzz_target!(|data: &[u8]| {
    let (status, rest) = match data {
        [a, b, rest @ ..] => (u16::from_le_bytes([*a, *b]), rest),
        _ => return,
    };
    // The last line is the URL to check, the rest the file.
    let split = rest.iter().rposition(|&b| b == b'\n').unwrap_or(rest.len());
    let r = Robots::from_response("precwatch", status, &rest[..split]);
    let url = String::from_utf8_lossy(rest.get(split + 1..).unwrap_or_default());
    let _ = r.allowed(&url);
    assert!(r.crawl_delay_ms().is_none_or(|d| d <= MAX_CRAWL_DELAY_MS));
});
