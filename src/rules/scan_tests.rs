//! Scans through a test pack: one example per disguise, with exact offsets
//! and matched text. (The matcher's own tests, without packs, are in
//! `src/matcher/tests.rs`.)

use super::RuleSet;
use crate::matcher::{HitKind, Risk, Verdict};

const PACK: &str = r#"
[pack]
id = "test"
name = "Test pack"

[context.chemical_offer]
terms = ["cas", "purity", "powder", "in stock", "supplier", "kg"]

[context.harm_reduction]
terms = ["test strips", "harm reduction", "naloxone"]

[[rule]]
id = "fent.fentanyl"
name = "fentanyl"
category = "drug.fentanyl"
weight = 50
cas = ["437-38-7"]
names = ["fentanyl", "芬太尼"]
cancel = ["harm_reduction"]
window = 40

[[rule]]
id = "fent.npp"
name = "NPP"
category = "precursor.fentanyl"
weight = 40
cas = ["39742-60-4"]
names = ["N-phenethyl-4-piperidone", "N-苯乙基-4-哌啶酮"]
ambiguous = ["NPP"]
requires = ["chemical_offer"]

[[rule]]
id = "fent.4ap"
name = "4-AP"
category = "precursor.fentanyl"
weight = 40
cas = ["23056-29-3"]
names = ["4-AP", "4-anilinopiperidine"]

[[rule]]
id = "fent.boc4ap"
name = "1-boc-4-AP"
category = "precursor.fentanyl"
weight = 40
cas = ["125541-22-2"]
names = ["boc-4-AP"]

[[rule]]
id = "fent.piperidone"
name = "4-piperidone"
category = "precursor.fentanyl"
weight = 30
cas = ["41661-47-6"]
names = ["4-piperidone"]

[[rule]]
id = "fent.boc_piperidone"
name = "1-boc-4-piperidone"
category = "precursor.fentanyl"
weight = 40
cas = ["79099-07-3"]
names = ["1-boc-4-piperidone", "N-叔丁氧羰基-4-哌啶酮"]

[[rule]]
id = "meth.p2p"
name = "P2P"
category = "precursor.meth"
weight = 40
cas = ["103-79-7"]
names = ["phenylacetone"]

[[rule]]
id = "excl.benzylpiperidone"
name = "1-benzyl-4-piperidone"
category = "exclude"
weight = 0
cas = ["3612-20-2"]
names = ["1-benzyl-4-piperidone"]

[[rule]]
id = "tactic.mexico"
name = "destination Mexico"
category = "tactic.destination"
weight = 20
patterns = ['ship(ping)? safe(ly)? to (mexico|usa|canada)', 'envio seguro a mexico']

[[rule]]
id = "tactic.research"
name = "research framing"
category = "tactic.research"
weight = 5
patterns = ['for research only']

[[rule]]
id = "ctx.harm"
name = "harm reduction"
category = "context.harm_reduction"
weight = -30
names = ["test strips"]

[policy.classes]
substance = ["precursor.*", "drug.*"]
strong_tactic = ["tactic.destination", "kind:cas_obfuscated"]
tactic = ["tactic.*"]
benign = ["context.*"]

[[policy.level]]
risk = "high"
all = ["substance", "strong_tactic"]
none = ["benign"]

[[policy.level]]
risk = "medium"
all = ["substance"]
none = ["benign"]

[[policy.level]]
risk = "low"
any = ["substance", "tactic"]
"#;

fn rs() -> RuleSet {
    RuleSet::from_sources(&[("test.toml".into(), PACK.into())]).expect("test pack loads")
}

/// (rule, kind, matched, start, end) of every hit.
fn hits(text: &str) -> Vec<(String, HitKind, String, usize, usize)> {
    let v = rs().scan(text);
    for h in &v.hits {
        assert_eq!(&text[h.start..h.end], h.matched);
    }
    v.hits
        .into_iter()
        .map(|h| (h.rule, h.kind, h.matched, h.start, h.end))
        .collect()
}

fn one(rule: &str, kind: HitKind, matched: &str, start: usize) -> Vec<(String, HitKind, String, usize, usize)> {
    vec![(
        rule.to_string(),
        kind,
        matched.to_string(),
        start,
        start + matched.len(),
    )]
}

#[test]
fn plain_name_and_case() {
    assert_eq!(
        hits("Buy FENTANYL now"),
        one("fent.fentanyl", HitKind::Name, "FENTANYL", 4)
    );
    assert_eq!(
        hits("fentanyls here"),
        one("fent.fentanyl", HitKind::Name, "fentanyl", 0)
    );
    assert_eq!(hits("nofentanyl"), vec![]);
    assert_eq!(hits("fentanylx"), vec![]);
}

#[test]
fn full_width_letters_and_digits() {
    let t = "供应ＦＥＮＴＡＮＹＬ，ＣＡＳ ４３７－３８－７";
    let h = hits(t);
    assert_eq!(h.len(), 2);
    assert_eq!((h[0].1, h[0].2.as_str()), (HitKind::Name, "ＦＥＮＴＡＮＹＬ"));
    assert_eq!(h[0].3, "供应".len());
    assert_eq!((h[1].1, h[1].2.as_str()), (HitKind::Cas, "４３７－３８－７"));
}

#[test]
fn zero_width_and_soft_hyphen_inside_name() {
    let t = "best fen\u{200B}tan\u{00AD}yl";
    assert_eq!(
        hits(t),
        one("fent.fentanyl", HitKind::Name, "fen\u{200B}tan\u{00AD}yl", 5)
    );
}

#[test]
fn cyrillic_lookalikes() {
    let t = "f\u{0435}ntanyl"; // Cyrillic е
    assert_eq!(hits(t), one("fent.fentanyl", HitKind::Name, t, 0));
    let t = "\u{0420}henylacetone"; // Cyrillic Р
    assert_eq!(hits(t), one("meth.p2p", HitKind::Name, t, 0));
}

#[test]
fn leetspeak() {
    assert_eq!(hits("buy f3ntanyl"), one("fent.fentanyl", HitKind::Name, "f3ntanyl", 4));
    assert_eq!(hits("fent4ny1 ok"), one("fent.fentanyl", HitKind::Name, "fent4ny1", 0));
    assert_eq!(
        hits("ph3nyl@cetone"),
        one("meth.p2p", HitKind::Name, "ph3nyl@cetone", 0)
    );
    // digits outside words are not folded; real names with digits still match
    assert_eq!(hits("4-AP 99%"), one("fent.4ap", HitKind::Name, "4-AP", 0));
    assert_eq!(
        hits("1-boc-4-piperidone"),
        one("fent.boc_piperidone", HitKind::Name, "1-boc-4-piperidone", 0)
    );
    assert_eq!(hits("C22H28N2O 5pcs 10kg"), vec![]);
    // no double report when a normal and a leet reading coincide
    assert_eq!(hits("fentanyl f3ntanyl").len(), 2);
}

#[test]
fn hyphen_dash_space_variants() {
    for t in [
        "N-phenethyl-4-piperidone",
        "N phenethyl 4 piperidone",
        "n‐phenethyl–4‐piperidone",
        "N—Phenethyl—4—Piperidone",
    ] {
        assert_eq!(hits(t), one("fent.npp", HitKind::Name, t, 0), "{t}");
    }
    assert_eq!(hits("4 AP"), one("fent.4ap", HitKind::Name, "4 AP", 0));
    assert_eq!(hits("4–AP"), one("fent.4ap", HitKind::Name, "4–AP", 0));
}

#[test]
fn longest_wins() {
    assert_eq!(hits("Boc-4-AP"), one("fent.boc4ap", HitKind::Name, "Boc-4-AP", 0));
    assert_eq!(
        hits("1-Boc-4-piperidone"),
        one("fent.boc_piperidone", HitKind::Name, "1-Boc-4-piperidone", 0)
    );
}

#[test]
fn exclude_suppresses() {
    assert_eq!(hits("1-benzyl-4-piperidone 98%"), vec![]);
    assert_eq!(hits("1-benzyl-4-piperidone CAS 3612-20-2"), vec![]);
    assert_eq!(
        hits("4-piperidone"),
        one("fent.piperidone", HitKind::Name, "4-piperidone", 0)
    );
}

#[test]
fn cas_forms() {
    let boc = "fent.boc_piperidone";
    for (t, m) in [
        ("79099-07-3", "79099-07-3"),
        ("CAS No. 79099-07-3", "79099-07-3"),
        ("CAS#79099-07-3", "79099-07-3"),
        ("CAS 79099 07 3", "79099 07 3"),
        ("cas: 79099–07–3", "79099–07–3"),
        ("79099—07—3", "79099—07—3"),
        ("79099－07－3", "79099－07－3"),
        ("CAS 79099073", "79099073"),
        ("CAS79099-07-3", "79099-07-3"),
    ] {
        let start = t.find(m).unwrap();
        assert_eq!(hits(t), one(boc, HitKind::Cas, m, start), "{t}");
    }
    // the letter O for a zero is a disguise
    assert_eq!(hits("79O99-O7-3"), one(boc, HitKind::CasObfuscated, "79O99-O7-3", 0));
    // spaces alone without a keyword are not a CAS
    assert_eq!(hits("79099 07 3"), vec![]);
    // one digit off and adjacent swaps (also across the dash)
    assert_eq!(hits("79099-07-4"), one(boc, HitKind::CasObfuscated, "79099-07-4", 0));
    assert_eq!(hits("79909-07-3"), one(boc, HitKind::CasObfuscated, "79909-07-3", 0));
    assert_eq!(hits("79099-03-7"), one(boc, HitKind::CasObfuscated, "79099-03-7", 0));
    // truncated
    assert_eq!(hits("79099 powder"), one(boc, HitKind::CasTruncated, "79099", 0));
    assert_eq!(
        hits("CAS79099 white crystal"),
        one(boc, HitKind::CasTruncated, "79099", 3)
    );
    assert_eq!(hits("79099 units"), vec![]);
    // valid but in no pack: an unlisted lead, which weighs nothing
    assert_eq!(hits("CAS 64-17-5"), one("unlisted.cas", HitKind::Cas, "64-17-5", 4));
    let v = rs().scan("CAS 64-17-5, safe delivery");
    assert_eq!(
        (v.hits[0].category.as_str(), v.hits[0].cas.as_deref()),
        ("unlisted", Some("64-17-5"))
    );
    let v = rs().scan("79099-07-4");
    assert_eq!(v.hits[0].cas.as_deref(), Some("79099-07-3"));
}

#[test]
fn ambiguous_needs_context() {
    assert_eq!(hits("NPP fertilizer for wheat"), vec![]);
    assert_eq!(hits("nuclear power plant (NPP) construction"), vec![]);
    let t = "Factory NPP powder 99% purity";
    assert_eq!(hits(t), one("fent.npp", HitKind::Ambiguous, "NPP", 8));
}

#[test]
fn cancel_context() {
    let v = rs().scan("Fentanyl test strips, 100 pack");
    assert_eq!(
        v.hits.iter().map(|h| h.rule.as_str()).collect::<Vec<_>>(),
        vec!["ctx.harm"]
    );
    assert_eq!(v.risk, Risk::None);
    // outside the window (40 chars) the cancel does not apply
    let t = format!("fentanyl {} test strips", "x ".repeat(40));
    assert_eq!(hits(&t)[0].0, "fent.fentanyl");
}

#[test]
fn cjk_inside_chinese_text() {
    let t = "我们供应芬太尼和N-苯乙基-4-哌啶酮，纯度高";
    let h = hits(t);
    assert_eq!(
        h[0],
        (
            "fent.fentanyl".into(),
            HitKind::Name,
            "芬太尼".into(),
            t.find("芬太尼").unwrap(),
            t.find("芬太尼").unwrap() + 9
        )
    );
    let s = t.find("N-").unwrap();
    assert_eq!(
        h[1],
        (
            "fent.npp".into(),
            HitKind::Name,
            "N-苯乙基-4-哌啶酮".into(),
            s,
            s + "N-苯乙基-4-哌啶酮".len()
        )
    );
}

#[test]
fn accents_in_patterns() {
    let t = "Producto químico, envío seguro a México";
    let s = t.find("envío").unwrap();
    assert_eq!(
        hits(t),
        one("tactic.mexico", HitKind::Pattern, "envío seguro a México", s)
    );
    assert_eq!(hits("We ship  safely to  USA")[0].2, "ship  safely to  USA");
}

#[test]
fn policy_levels_and_score() {
    let r = rs();
    assert_eq!(r.scan("hello world").risk, Risk::None);
    assert_eq!(r.scan("for research only").risk, Risk::Low);
    let v = r.scan("4-AP in stock");
    assert_eq!((v.risk, v.score), (Risk::Medium, 40.0));
    let v = r.scan("4-AP 4-AP, ship safely to Mexico");
    assert_eq!((v.risk, v.score), (Risk::High, 60.0));
    assert_eq!(r.scan("CAS 79099-07-4").risk, Risk::High);
    let v = r.scan("fentanyl, test strips are sold here at the harm reduction shop, fentanyl again and again");
    assert_eq!(v.score, 0.0);
}

#[test]
fn hits_sorted_deduplicated_with_context() {
    let t = format!("{}fentanyl CAS 437-38-7{}", "a ".repeat(50), "\n\n b".repeat(40));
    let v = rs().scan(&t);
    assert_eq!(v.hits.len(), 2);
    assert!(v.hits[0].start < v.hits[1].start);
    let c = &v.hits[0].context;
    assert!(c.contains("fentanyl CAS 437-38-7 b b"), "{c}");
    assert!(!c.contains('\n'));
    assert!(c.chars().count() <= 60 + 8 + 60);
    assert_eq!(v.hits[1].cas.as_deref(), Some("437-38-7"));
}

#[test]
fn ruleset_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<RuleSet>();
    assert_send_sync::<Verdict>();
}

#[test]
fn ambiguous_context_outside_window_does_not_count() {
    let t = format!("NPP {} powder", "word ".repeat(30));
    assert_eq!(hits(&t), vec![]);
    // inside the window (default 100 characters) it counts, before or after
    assert_eq!(hits("powder, NPP")[0].1, HitKind::Ambiguous);
}

#[test]
fn context_terms_map_to_their_own_set() {
    // "naloxone" is in harm_reduction, not chemical_offer: it must not satisfy
    // NPP's `requires`; "purity" (chemical_offer) must not cancel fentanyl
    assert_eq!(hits("NPP naloxone"), vec![]);
    assert_eq!(hits("NPP kg"), one("fent.npp", HitKind::Ambiguous, "NPP", 0));
    assert_eq!(
        hits("fentanyl purity"),
        one("fent.fentanyl", HitKind::Name, "fentanyl", 0)
    );
    assert_eq!(hits("fentanyl naloxone"), vec![]);
}
