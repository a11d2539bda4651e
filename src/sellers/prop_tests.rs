//! Property tests: any text, bounded output, sound offsets.

use super::*;
use proptest::prelude::*;

fn check(text: &str, country: Option<&str>, max: usize) -> Result<(), TestCaseError> {
    let (ids, dropped) = identifiers(text, &Context { country }, max);
    prop_assert!(ids.len() <= max);
    prop_assert!(
        dropped == 0 || ids.len() == max,
        "dropped {dropped} with {} kept",
        ids.len()
    );
    let mut seen = std::collections::HashSet::new();
    let mut last = 0;
    for i in &ids {
        prop_assert!(i.start < i.end && i.end <= text.len(), "{i:?}");
        prop_assert!(text.is_char_boundary(i.start) && text.is_char_boundary(i.end), "{i:?}");
        prop_assert!(i.start >= last, "not in text order: {ids:?}");
        last = i.start;
        prop_assert!(seen.insert((i.kind, i.value.clone())), "duplicate {i:?}");
        prop_assert!(!i.value.is_empty());
    }
    Ok(())
}

/// Pieces that reach every scanner: digits and separators, keywords, `@`,
/// address alphabets, CJK and full-width characters.
const PIECES: &[&str] = &[
    "0",
    "1",
    "3",
    "5",
    "8",
    "9",
    "00",
    "86",
    "138",
    "1234",
    "5678",
    "+",
    "＋",
    "８",
    " ",
    "-",
    ".",
    "(",
    ")",
    "/",
    ",",
    ":",
    "：",
    "、",
    "@",
    "x.com",
    "a",
    "Z",
    "_",
    "tel",
    "Tel:",
    "电话",
    "微信",
    "WhatsApp",
    "wa.me/",
    "t.me/",
    "telegram",
    "wickr me",
    "Signal",
    "threema",
    "skype",
    "live:",
    "session",
    "05",
    "CAS",
    "order",
    "$",
    "bc1q",
    "0x",
    "T",
    "1A1z",
    "é",
    "中",
    "\u{200b}",
    "\n",
    "ab12",
    "2024-05-12",
];

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..80).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics_and_stays_bounded(s in any::<String>(), max in 0usize..8) {
        check(&s, None, max)?;
        check(&s, Some("CN"), max)?;
    }

    #[test]
    fn identifier_soup_keeps_the_invariants(s in soup(), max in 0usize..6, cn in any::<bool>()) {
        check(&s, if cn { Some("CN") } else { Some("US") }, max)?;
        check(&s, None, 50)?;
    }

    /// Cutting the output at `max` keeps the first `max` of the full list.
    #[test]
    fn the_cap_keeps_a_prefix(s in soup(), max in 0usize..6) {
        let ctx = Context { country: Some("CN") };
        let (all, none_dropped) = identifiers(&s, &ctx, usize::MAX);
        prop_assert_eq!(none_dropped, 0);
        let (some, dropped) = identifiers(&s, &ctx, max);
        prop_assert_eq!(&all[..all.len().min(max)], &some[..]);
        prop_assert_eq!(dropped as usize, all.len().saturating_sub(max));
    }
}
