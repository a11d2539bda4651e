//! Any body with any Content-Type decodes without panicking, and then
//! extracts (the crawler's path for a page).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first line is the Content-Type, the rest the body.
    let (ct, body) = match data.iter().position(|&b| b == b'\n') {
        Some(p) => (Some(String::from_utf8_lossy(&data[..p]).into_owned()), &data[p + 1..]),
        None => (None, data),
    };
    let d = precwatch::fetch::decode::decode(body, ct.as_deref());
    let _ = precwatch::extract::looks_like_html(&d.text);
});
