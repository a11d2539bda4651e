//! The matcher's own tests: engines built from [`RuleSpec`]s directly, no
//! packs (the scans through a test pack are in `src/rules/scan_tests.rs`).

use super::scan::{Occ, Reach};
use super::spans::{CharRank, DisjointSpans, OccIndex, SpanUnion};
use super::*;

fn spec(id: &str, category: &str, weight: f64) -> RuleSpec {
    RuleSpec {
        id: id.into(),
        category: category.into(),
        weight,
        ..RuleSpec::default()
    }
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// fentanyl (name, cancelled by harm reduction), NPP (ambiguous, needs an
/// offer word), a payment tactic (regex), and a context rule.
fn engine() -> Engine {
    let rules = vec![
        RuleSpec {
            names: strings(&["fentanyl"]),
            cas: strings(&["437-38-7"]),
            cancel: strings(&["harm"]),
            window: 40,
            ..spec("fent", "drug.fentanyl", 50.0)
        },
        RuleSpec {
            ambiguous: strings(&["NPP"]),
            requires: strings(&["offer"]),
            ..spec("npp", "precursor.fentanyl", 40.0)
        },
        RuleSpec {
            patterns: strings(&[r"\bpay (in )?usdt\b"]),
            ..spec("pay", "tactic.payment", 20.0)
        },
        RuleSpec {
            names: strings(&["naloxone"]),
            ..spec("ctx", "context.harm_reduction", -30.0)
        },
    ];
    let contexts = vec![
        ContextSpec {
            name: "offer".into(),
            terms: strings(&["powder", "kg"]),
        },
        ContextSpec {
            name: "harm".into(),
            terms: strings(&["naloxone", "test strips"]),
        },
    ];
    Engine::build(&rules, &contexts, scoring::Policy::default_policy()).expect("engine builds")
}

/// (rule, matched, start) of every hit, checking the offset invariant.
fn hits(e: &Engine, text: &str) -> Vec<(String, String, usize)> {
    let v = e.scan(text, &Limits::default());
    v.hits
        .iter()
        .map(|h| {
            assert_eq!(&text[h.start..h.end], h.matched);
            (h.rule.clone(), h.matched.clone(), h.start)
        })
        .collect()
}

#[test]
fn engine_from_specs_scans() {
    let e = engine();
    assert_eq!(hits(&e, "FENTANYL here"), vec![("fent".into(), "FENTANYL".into(), 0)]);
    assert_eq!(e.context_names(), ["offer", "harm"]);
    let v = e.scan("NPP powder, pay usdt", &Limits::default());
    let ids: Vec<&str> = v.hits.iter().map(|h| h.rule.as_str()).collect();
    assert_eq!(ids, ["npp", "pay"]);
    assert_eq!((v.score, v.risk), (60.0, Risk::High));
}

#[test]
fn context_terms_map_to_their_own_set() {
    let e = engine();
    // "naloxone" is in `harm`, not `offer`: it must not satisfy NPP's requires
    assert!(hits(&e, "NPP naloxone").iter().all(|h| h.0 != "npp"));
    assert_eq!(hits(&e, "NPP kg"), vec![("npp".into(), "NPP".into(), 0)]);
    // "powder" (offer) must not cancel fentanyl; "test strips" (harm) does
    assert_eq!(hits(&e, "fentanyl powder")[0].0, "fent");
    assert_eq!(hits(&e, "fentanyl test strips"), vec![]);
}

#[test]
fn unknown_context_and_bad_regex_name_their_rule() {
    let policy = scoring::Policy::default_policy;
    let r = RuleSpec {
        ambiguous: strings(&["x"]),
        requires: strings(&["nope"]),
        ..spec("a", "drug.x", 1.0)
    };
    let e = Engine::build(&[spec("z", "drug.z", 1.0), r], &[], policy()).unwrap_err();
    assert_eq!(
        e,
        BuildError::UnknownContext {
            rule: 1,
            set: "nope".into()
        }
    );
    let r = RuleSpec {
        patterns: strings(&["ok", "(unclosed"]),
        ..spec("b", "tactic.x", 1.0)
    };
    match Engine::build(&[r], &[], policy()).unwrap_err() {
        BuildError::Pattern { part, .. } => assert_eq!(part, Part::Pattern { rule: 0, pattern: 1 }),
        other => panic!("{other:?}"),
    }
}

#[test]
fn snippet_char_boundaries() {
    let t = "芬".repeat(100) + "X" + &"太".repeat(100);
    let s = snippet(&t, 300, 301);
    assert_eq!(s.chars().count(), 121);
}

#[test]
fn word_boundaries_rewritten_to_ascii() {
    assert_eq!(
        ascii_word_boundaries(r"\bnew (4-ap|npp)\b"),
        r"(?-u:\b)new (4-ap|npp)(?-u:\b)"
    );
    assert_eq!(ascii_word_boundaries(r"[\b]x\\b\B"), r"[\b]x\\b(?-u:\B)");
    assert_eq!(ascii_word_boundaries(r"[]\b]\b{start}"), r"[]\b]\b{start}");
    assert_eq!(
        ascii_word_boundaries(r"\d{2}[\d-]\w\s\D"),
        r"[0-9]{2}[0-9-][0-9A-Za-z_][\t\n\x0B\x0C\r ]\D"
    );
    let re = compile_pattern(r"\bcas\b").unwrap();
    assert!(re.is_match("号cas 1"));
    assert!(!re.is_match("xcas"));
}

#[test]
fn risk_and_kind_names() {
    assert_eq!("medium".parse::<Risk>(), Ok(Risk::Medium));
    let e = "severe".parse::<Risk>().unwrap_err();
    assert!(e.contains("none, low, medium, high"), "{e}");
    assert_eq!(Risk::High.to_string(), "high");
    assert_eq!(HitKind::CasObfuscated.as_str(), "cas_obfuscated");
    assert_eq!(
        serde_json::to_string(&HitKind::CasTruncated).unwrap(),
        "\"cas_truncated\""
    );
    assert_eq!(serde_json::to_string(&Risk::Low).unwrap(), "\"low\"");
    assert_eq!(Budget::HitsPerRule.to_string(), "max_hits_per_rule");
    assert_eq!(serde_json::to_string(&Budget::HitsPerText).unwrap(), "\"max_hits\"");
}

#[test]
fn engine_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Engine>();
    assert_send_sync::<Verdict>();
}

/// The hits of `text` under `limits` must be the hits without limits, cut
/// as documented: the first `max_hits_per_rule` of each rule, then the first
/// `max_hits`; score and risk unchanged.
fn check_budget(e: &Engine, text: &str, limits: Limits) -> Verdict {
    let all = e.scan(
        text,
        &Limits {
            max_hits_per_rule: usize::MAX,
            max_hits: usize::MAX,
        },
    );
    let v = e.scan(text, &limits);
    let mut per_rule = std::collections::HashMap::new();
    let per_rule_kept: Vec<&Hit> = all
        .hits
        .iter()
        .filter(|h| {
            let n = per_rule.entry(h.rule.as_str()).or_insert(0usize);
            *n += 1;
            *n <= limits.max_hits_per_rule
        })
        .collect();
    let want: Vec<Hit> = per_rule_kept
        .iter()
        .take(limits.max_hits)
        .map(|h| (*h).clone())
        .collect();
    assert_eq!(v.hits, want);
    assert_eq!((v.score, v.risk), (all.score, all.risk));
    assert_eq!(v.dropped_hits as usize, all.hits.len() - v.hits.len());
    let mut cut = Vec::new();
    if per_rule_kept.len() < all.hits.len() {
        cut.push(Budget::HitsPerRule);
    }
    if want.len() < per_rule_kept.len() {
        cut.push(Budget::HitsPerText);
    }
    assert_eq!(v.cut_by, cut);
    v
}

#[test]
fn budgets_cut_hits_not_score_or_risk() {
    let e = engine();
    let text = "fentanyl NPP powder pay usdt ".repeat(50);
    let v = check_budget(&e, &text, Limits::default());
    assert!(v.cut_by.is_empty() && v.dropped_hits == 0);
    let v = check_budget(
        &e,
        &text,
        Limits {
            max_hits_per_rule: 3,
            max_hits: 1000,
        },
    );
    assert_eq!((v.hits.len(), v.dropped_hits), (9, 141));
    assert_eq!(v.cut_by, [Budget::HitsPerRule]);
    let v = check_budget(
        &e,
        &text,
        Limits {
            max_hits_per_rule: 10,
            max_hits: 4,
        },
    );
    assert_eq!(v.cut_by, [Budget::HitsPerRule, Budget::HitsPerText]);
    // the kept hits are the first by position: fentanyl, NPP, pay, fentanyl
    let ids: Vec<&str> = v.hits.iter().map(|h| h.rule.as_str()).collect();
    assert_eq!(ids, ["fent", "npp", "pay", "fent"]);
    let v = check_budget(
        &e,
        &text,
        Limits {
            max_hits_per_rule: 0,
            max_hits: 0,
        },
    );
    assert!(v.hits.is_empty() && v.score == 110.0 && v.risk == Risk::High);
}

#[test]
fn verdict_json_unchanged_without_cuts() {
    let e = engine();
    let v = e.scan("hello", &Limits::default());
    assert_eq!(
        serde_json::to_string(&v).unwrap(),
        r#"{"hits":[],"score":0.0,"risk":"none"}"#
    );
    let v = e.scan(
        "fentanyl fentanyl",
        &Limits {
            max_hits_per_rule: 1,
            max_hits: 5,
        },
    );
    let json = serde_json::to_value(&v).unwrap();
    assert_eq!(json["dropped_hits"], 1);
    assert_eq!(json["cut_by"], serde_json::json!(["max_hits_per_rule"]));
    let back: Verdict = serde_json::from_value(json).unwrap();
    assert_eq!(back, v);
}

mod spans_against_the_quadratic_originals {
    use super::*;
    use proptest::prelude::*;

    /// Longest-wins as it was: every candidate against every kept span.
    fn longest_wins_quadratic(spans: &[(usize, usize)]) -> Vec<(usize, usize)> {
        let mut kept: Vec<(usize, usize)> = Vec::new();
        for &(s, e) in spans {
            if !kept.iter().any(|&(ks, ke)| ks < e && s < ke && (ks, ke) != (s, e)) {
                kept.push((s, e));
            }
        }
        kept
    }

    /// The window distance as it was, byte slice and all.
    fn distance(spaced: &str, a: (usize, usize), b: (usize, usize), window: usize) -> bool {
        let (from, to) = if a.1 <= b.0 {
            (a.1, b.0)
        } else if b.1 <= a.0 {
            (b.1, a.0)
        } else {
            return true;
        };
        let bytes = to - from;
        if bytes <= window {
            return true;
        }
        if bytes > 4 * window {
            return false;
        }
        let chars = spaced.as_bytes()[from..to]
            .iter()
            .filter(|&&b| (b & 0xC0) != 0x80)
            .count();
        chars <= window
    }

    /// Sorted like the scan sorts name candidates: longest first, then by start.
    fn spans_strategy() -> impl Strategy<Value = Vec<(usize, usize)>> {
        prop::collection::vec((0usize..200, 1usize..30), 0..120).prop_map(|v| {
            let mut v: Vec<(usize, usize)> = v.into_iter().map(|(s, l)| (s, s + l)).collect();
            v.sort_by(|a, b| (b.1 - b.0).cmp(&(a.1 - a.0)).then(a.0.cmp(&b.0)));
            v
        })
    }

    /// The leet windows' reach as it was: walk byte by byte.
    fn reach_walk(s: &[u8], mut p: usize, forward: bool, max_pat: usize) -> usize {
        let mut count = 0;
        while count < max_pat {
            if forward {
                if p >= s.len() {
                    break;
                }
                p += 1;
            } else {
                if p == 0 {
                    break;
                }
                p -= 1;
            }
            if s.get(p).is_some_and(|b| b.is_ascii_alphanumeric()) {
                count += 1;
            }
        }
        p.min(s.len())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn reach_finds_what_the_walk_found(
            pieces in prop::collection::vec(prop::sample::select(vec!["a", "1", " ", "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!", "é"]), 0..80),
            max_pat in 1usize..12,
            probes in prop::collection::vec(0usize..2000, 1..20),
        ) {
            let s = pieces.concat();
            let s = s.as_bytes();
            let reach = Reach::new(s, max_pat);
            for f in probes {
                let f = f % (s.len() + 1);
                prop_assert_eq!(reach.forward(f), reach_walk(s, f, true, max_pat));
                prop_assert_eq!(reach.backward(f), reach_walk(s, f, false, max_pat));
            }
        }

        #[test]
        fn disjoint_spans_keep_what_the_scan_kept(spans in spans_strategy()) {
            let mut kept = DisjointSpans::default();
            let fast: Vec<(usize, usize)> = spans
                .iter()
                .copied()
                .filter(|&(s, e)| {
                    let keep = !kept.beaten(s, e);
                    if keep {
                        kept.insert(s, e);
                    }
                    keep
                })
                .collect();
            prop_assert_eq!(fast, longest_wins_quadratic(&spans));
        }

        #[test]
        fn span_union_overlaps_like_any(
            ex in prop::collection::vec((0usize..300, 0usize..20), 0..60),
            probes in prop::collection::vec((0usize..320, 1usize..25), 1..40),
        ) {
            let ex: Vec<(usize, usize)> = ex.into_iter().map(|(s, l)| (s, s + l)).collect();
            let union = SpanUnion::new(ex.clone());
            for (s, l) in probes {
                let e = s + l;
                let slow = ex.iter().any(|&(a, b)| a < e && s < b);
                prop_assert_eq!(union.overlaps(s, e), slow, "{:?} {}..{}", ex, s, e);
            }
        }

        #[test]
        fn occ_index_near_like_every_occurrence(
            pieces in prop::collection::vec(prop::sample::select(vec!["a", " ", "é", "芬", "😀", "-"]), 1..200),
            occs in prop::collection::vec((0u32..3, 0usize..200, 1usize..12, any::<bool>()), 0..40),
            probes in prop::collection::vec((0usize..200, 1usize..12, any::<bool>(), 1usize..20, prop::collection::vec(0u32..3, 0..3)), 1..20),
        ) {
            let spaced: String = pieces.concat();
            let starts: Vec<usize> = spaced.char_indices().map(|(i, _)| i).chain([spaced.len()]).collect();
            let chars = starts.len() - 1;
            // spans start on a character; they may end one byte past a
            // multi-byte character, as the spans of names ending in one do
            let span = |s: usize, l: usize, over: bool| {
                let (a, b) = (s % chars, (s % chars + l).min(chars));
                let end = starts[b] + usize::from(over && starts[b] - starts[b - 1] > 1);
                (starts[a], end)
            };
            let occ: Vec<Occ> = occs
                .iter()
                .map(|&(set, s, l, over)| {
                    let (ss, se) = span(s, l, over);
                    Occ { set, ss, se }
                })
                .collect();
            let index = OccIndex::new(&occ, 3);
            let rank = CharRank::new(spaced.as_bytes());
            for (s, l, over, window, sets) in probes {
                let span = span(s, l, over);
                let slow = occ.iter().any(|o| sets.contains(&o.set) && distance(&spaced, (o.ss, o.se), span, window));
                prop_assert_eq!(index.near(&rank, &sets, span, window), slow);
            }
        }
    }
}

/// Names are searched only where a word starts in the ORIGINAL text (or at
/// a CJK character): invisible characters, accents, expansions and blocks
/// of 64 compact bytes must not hide or invent a start.
#[test]
fn names_start_at_original_word_starts_only() {
    let rules = vec![
        RuleSpec {
            names: strings(&["fentanyl", "芬太尼", "npp"]),
            ..spec("fent", "drug.fentanyl", 50.0)
        },
        RuleSpec {
            names: strings(&["ab"]),
            ..spec("two", "drug.fentanyl", 1.0)
        },
    ];
    let e = Engine::build(&rules, &[], scoring::Policy::default_policy()).expect("engine builds");
    let found = |t: &str| hits(&e, t).into_iter().map(|h| h.1).collect::<Vec<_>>();
    assert_eq!(found("x\u{200B}fentanyl"), ["fentanyl"]);
    assert_eq!(found("xfentanyl éfentanyl 9fentanyl"), Vec::<String>::new());
    assert_eq!(found("x芬太尼 Ω芬太尼"), ["芬太尼", "芬太尼"]);
    assert_eq!(found("ab ab. xab"), ["ab", "ab"]);
    assert_eq!(found("fen\u{00AD}tanyl, NPP"), ["fen\u{00AD}tanyl", "NPP"]);
    // starts on both sides of every 64-byte block boundary
    for pad in 55..75 {
        let t = format!("{} fentanyl {}é fentanyl", "a".repeat(pad), "b".repeat(pad));
        assert_eq!(found(&t), ["fentanyl", "fentanyl"], "{pad}");
        let t = format!("{}fentanyl é{}npp", "a".repeat(pad), "c".repeat(pad));
        assert_eq!(found(&t), Vec::<String>::new(), "{pad}");
    }
}
