//! Seller identifiers in any text, with and without a site country: no
//! panic, at most `max`, offsets on character boundaries, no duplicates.
#![no_main]
use libfuzzer_sys::fuzz_target;
use precwatch::sellers::{identifiers, Context};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for country in [None, Some("CN"), Some("MX")] {
        let (ids, _) = identifiers(text, &Context { country }, 8);
        assert!(ids.len() <= 8);
        let mut seen = std::collections::HashSet::new();
        for i in &ids {
            assert!(i.start < i.end && i.end <= text.len());
            assert!(text.is_char_boundary(i.start) && text.is_char_boundary(i.end));
            assert!(seen.insert((i.kind, i.value.clone())));
        }
    }
});
