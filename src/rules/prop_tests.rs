//! Property tests: no text makes a scan panic or break its offset
//! invariants, and no pack source makes the loader panic.

use std::sync::OnceLock;

use proptest::prelude::*;

use super::RuleSet;
use crate::matcher::{Budget, Limits, Verdict};

fn bundled() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::bundled().expect("bundled packs load"))
}

/// Pieces hostile listings are made of: watched names and their disguises,
/// CAS numbers whole, near and truncated, digits and dashes, invisible and
/// combining characters, CJK, look-alikes, expansions.
const VOCABULARY: &[&str] = &[
    "fentanyl",
    "f3nt4ny1",
    "ＦＥＮＴＡＮＹＬ",
    "f\u{0435}ntanyl",
    "芬太尼",
    "N-苯乙基-4-哌啶酮",
    "NPP",
    "4-AP",
    "1-boc-4-piperidone",
    "4-piperidone",
    "1-benzyl-4-piperidone",
    "phenylacetone",
    "BMK",
    "tranq",
    "powder",
    "kg",
    "test strip",
    "nuclear",
    "CAS",
    "cas no.",
    "79099-07-3",
    "79099-07-4",
    "79O99-O7-3",
    "7909907",
    "79099",
    "3612-20-2",
    "４３７－３８－７",
    "0",
    "1",
    "4",
    "12345",
    "-",
    "—",
    "－",
    " ",
    "\n",
    ",",
    "@",
    "$",
    "\u{200B}",
    "\u{200D}",
    "\u{00AD}",
    "\u{FEFF}",
    "\u{0301}",
    "\u{0308}",
    "e\u{0301}",
    "\u{FDFA}",
    "㎏",
    "ß",
    "İ",
    "😀",
    "ship safely to mexico",
    "pay usdt",
    "t.me/abc",
    "wickr: @abc",
];

fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        prop::collection::vec(prop::sample::select(VOCABULARY), 0..40).prop_map(|v| v.concat()),
        prop::collection::vec(
            prop_oneof![
                prop::sample::select(VOCABULARY).prop_map(str::to_string),
                any::<char>().prop_map(String::from)
            ],
            0..60
        )
        .prop_map(|v| v.concat()),
    ]
}

/// The offset and budget invariants of one verdict.
fn check(text: &str, v: &Verdict, limits: &Limits) -> Result<(), TestCaseError> {
    let mut per_rule = std::collections::HashMap::new();
    for h in &v.hits {
        prop_assert!(h.start <= h.end && h.end <= text.len(), "{h:?}");
        prop_assert!(text.is_char_boundary(h.start) && text.is_char_boundary(h.end), "{h:?}");
        prop_assert_eq!(&text[h.start..h.end], h.matched.as_str());
        *per_rule.entry(h.rule.as_str()).or_insert(0usize) += 1;
    }
    prop_assert!(v.hits.windows(2).all(|w| w[0].start <= w[1].start), "hits not sorted");
    prop_assert!(v.hits.len() <= limits.max_hits);
    prop_assert!(per_rule.values().all(|&n| n <= limits.max_hits_per_rule));
    prop_assert_eq!(v.dropped_hits == 0, v.cut_by.is_empty());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn scans_keep_their_invariants(text in hostile_text()) {
        let rs = bundled();
        let v = rs.scan(&text);
        check(&text, &v, &Limits::default())?;
        prop_assert_eq!(&rs.scan(&text), &v, "not deterministic");
    }

    #[test]
    fn budgets_cut_only_the_list(text in hostile_text(), per_rule in 0usize..4, per_text in 0usize..6) {
        let rs = bundled();
        let limits = Limits { max_hits_per_rule: per_rule, max_hits: per_text };
        let all = rs.scan_limited(&text, &Limits { max_hits_per_rule: usize::MAX, max_hits: usize::MAX });
        let v = rs.scan_limited(&text, &limits);
        check(&text, &v, &limits)?;
        prop_assert_eq!((v.score, v.risk), (all.score, all.risk));
        prop_assert_eq!(v.hits.len() + v.dropped_hits as usize, all.hits.len());
        prop_assert!(v.hits.iter().all(|h| all.hits.contains(h)));
        prop_assert!(!v.cut_by.contains(&Budget::TextBytes));
    }
}

/// A small valid pack that exercises every part of the format.
const PACK: &str = r#"[pack]
id = "p"
name = "P"

[context.offer]
terms = ["powder", "kg"]

[context.harm]
terms = ["test strip"]

[[rule]]
id = "a.npp"
name = "NPP"
category = "precursor.fentanyl"
weight = 40
cas = ["39742-60-4"]
names = ["N-phenethyl-4-piperidone"]
ambiguous = ["NPP"]
requires = ["offer"]
cancel = ["harm"]
patterns = ['ship (safely )?to \w+']
window = 50

[rule.examples]
match = ["NPP powder"]
no_match = ["NPP"]

[[example]]
text = "N-phenethyl-4-piperidone"
risk = "high"

[policy.classes]
substance = ["precursor.*", "kind:cas"]

[[policy.level]]
risk = "high"
all = ["substance"]
min_score = 10
"#;

fn load(text: String) {
    // Ok or Err, never a panic; a pack that loads can scan and test itself
    if let Ok(rs) = RuleSet::from_sources(&[("fuzz.toml".to_string(), text)]) {
        let _ = rs.scan("NPP powder N-phenethyl-4-piperidone CAS 39742-60-4, ship to x");
        let _ = rs.test_examples();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn loader_takes_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        load(String::from_utf8_lossy(&bytes).into_owned());
    }

    #[test]
    fn loader_takes_mutated_packs(
        cuts in prop::collection::vec((0usize..2000, 0usize..20, "\\PC{0,12}"), 1..4),
    ) {
        let mut text = PACK.to_string();
        for (at, len, insert) in cuts {
            let mut a = at % (text.len() + 1);
            while !text.is_char_boundary(a) {
                a -= 1;
            }
            let mut b = (a + len).min(text.len());
            while !text.is_char_boundary(b) {
                b -= 1;
            }
            text.replace_range(a..b, &insert);
        }
        load(text);
    }
}

#[test]
fn the_mutation_base_pack_loads() {
    let rs = RuleSet::from_sources(&[("p.toml".into(), PACK.into())]).expect("base pack loads");
    assert!(rs.test_examples().is_empty(), "{:?}", rs.test_examples());
}
