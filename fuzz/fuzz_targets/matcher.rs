//! Any bytes, as text, through the bundled packs: the scan must not panic,
//! and every hit must point at its own text inside the input.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use precwatch::matcher::Limits;
use precwatch::rules::RuleSet;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::bundled().expect("bundled packs load"))
}

fuzz_target!(|data: &[u8]| {
    // the first byte picks small budgets now and then
    let (limits, data) = match data.split_first() {
        Some((&b, rest)) if b < 16 => (
            Limits {
                max_hits_per_rule: usize::from(b % 4),
                max_hits: usize::from(b / 4),
            },
            rest,
        ),
        _ => (Limits::default(), data),
    };
    let text = String::from_utf8_lossy(data);
    let v = rules().scan_limited(&text, &limits);
    for h in &v.hits {
        assert!(h.start <= h.end && h.end <= text.len());
        assert_eq!(&text[h.start..h.end], h.matched);
    }
    assert!(v.hits.windows(2).all(|w| w[0].start <= w[1].start));
    assert!(v.hits.len() <= limits.max_hits);
});
