//! The second detection round through a small pack: chemical-name
//! boundaries, leetspeak across words, tactic phrases that contain a
//! substance, unlisted leads, `same_as`, and the policy's `context:` selector
//! (a discussion without an offer).

use super::RuleSet;
use crate::matcher::{HitKind, Risk};

const PACK: &str = r#"
[pack]
id = "detect"
name = "Detection test pack"

[context.chemical_offer]
terms = ["purity", "powder", "kg"]

[context.offer]
terms = ["price", "moq", "in stock", "contact us"]

[[rule]]
id = "fent.npp"
name = "NPP"
category = "precursor.fentanyl"
weight = 40
cas = ["39742-60-4"]
names = ["N-phenethyl-4-piperidone"]

[[rule]]
id = "fent.npp_abbrev"
name = "NPP (abbreviation)"
category = "precursor.fentanyl"
weight = 40
ambiguous = ["NPP"]
requires = ["chemical_offer"]
same_as = "fent.npp"

[[rule]]
id = "fent.piperidone"
name = "4-piperidone"
category = "precursor.fentanyl"
weight = 30
cas = ["41661-47-6"]
names = ["4-piperidone"]

[[rule]]
id = "fent.boc4ap"
name = "1-Boc-4-AP"
category = "precursor.fentanyl"
weight = 40
cas = ["125541-22-2"]
names = ["1-Boc-4-AP"]

[[rule]]
id = "meth.ephedrine"
name = "ephedrine"
category = "precursor.meth"
weight = 30
cas = ["299-42-3"]
names = ["麻黄碱", "麻黄碱盐酸盐"]

[[rule]]
id = "meth.pseudoephedrine"
name = "pseudoephedrine"
category = "precursor.meth"
weight = 30
cas = ["90-82-4"]
names = ["伪麻黄碱"]

[[rule]]
id = "tac.relabel"
name = "relabel"
category = "tactic.relabel"
weight = 20
patterns = ['以保健食品名义']

[[rule]]
id = "com.piperidine"
name = "piperidine"
category = "commodity"
weight = 2
cas = ["110-89-4"]
names = ["piperidine"]

[[rule]]
id = "tac.substitute"
name = "substitute"
category = "tactic.substitute"
weight = 10
names = ["piperidone substitute"]
patterns = ['\bnew (?P<name>[a-z0-9][a-z0-9-]{1,20}) (powder|oil)\b']

[context.negation]
terms = ["do not", "never", "不接受", "no enviamos"]

[[rule]]
id = "tac.mexico"
name = "destination Mexico"
category = "tactic.destination"
weight = 20
patterns = ['safe delivery to mexico', 'a mexico']
names = ["比特币", "bitcoin"]
negated_by = ["negation"]

[[rule]]
id = "ctx.news"
name = "news"
category = "context.news"
weight = -30
names = ["indictment", "seized"]

[policy.classes]
substance = ["precursor.*", "drug.*"]
strong_tactic = ["tactic.destination"]
tactic = ["tactic.*"]
discussion = ["context.news"]
offer = ["context:offer"]

[[policy.level]]
risk = "low"
all = ["discussion"]
any = ["substance", "tactic"]
none = ["offer"]

[[policy.level]]
risk = "high"
all = ["substance", "strong_tactic"]

[[policy.level]]
risk = "medium"
all = ["substance"]

[[policy.level]]
risk = "low"
any = ["substance", "tactic"]
"#;

fn rs() -> RuleSet {
    RuleSet::from_sources(&[("detect.toml".into(), PACK.into())]).expect("test pack loads")
}

/// (rule, matched) of every hit.
fn hits(text: &str) -> Vec<(String, String)> {
    let v = rs().scan(text);
    v.hits.into_iter().map(|h| (h.rule, h.matched)).collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

#[test]
fn fragments_of_longer_chemical_names_are_not_the_substance() {
    assert_eq!(hits("tert-butyl piperidine-4-carboxylate, 98%"), vec![]);
    assert_eq!(hits("1-Boc-piperidine-3-carboxylic acid"), vec![]);
    assert_eq!(hits("N-methyl-4-piperidone 99%"), vec![]);
    assert_eq!(hits("tert-butyl 4-(phenylamino)piperidine-1-carboxylate"), vec![]);
    // the same names standing alone, or with a salt, are the substance
    assert_eq!(
        hits("Piperidine 99%, 200 kg drum"),
        pairs(&[("com.piperidine", "Piperidine")])
    );
    assert_eq!(
        hits("4-Piperidone-HCl in stock"),
        pairs(&[("fent.piperidone", "4-Piperidone")])
    );
}

#[test]
fn leetspeak_and_spacing_across_a_multi_word_name() {
    let t = "N-Ph3nethyl-4-piperid0ne powder";
    assert_eq!(hits(t), pairs(&[("fent.npp", "N-Ph3nethyl-4-piperid0ne")]));
    assert_eq!(hits("1 - Boc - 4 - AP"), pairs(&[("fent.boc4ap", "1 - Boc - 4 - AP")]));
    assert_eq!(hits("1-B0c-4-AP"), pairs(&[("fent.boc4ap", "1-B0c-4-AP")]));
}

#[test]
fn a_tactic_phrase_does_not_hide_the_substance_inside_it() {
    let got = hits("4-Piperidone substitute, in stock");
    assert_eq!(
        got,
        pairs(&[
            ("fent.piperidone", "4-Piperidone"),
            ("tac.substitute", "Piperidone substitute")
        ])
    );
}

#[test]
fn unlisted_cas_and_substitute_names_are_leads_without_risk() {
    let v = rs().scan("CAS 87120-72-7 in stock, new ZX-42 powder");
    let got: Vec<(&str, HitKind, &str)> = v
        .hits
        .iter()
        .map(|h| (h.rule.as_str(), h.kind, h.matched.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("unlisted.cas", HitKind::Cas, "87120-72-7"),
            ("tac.substitute", HitKind::Pattern, "new ZX-42 powder"),
            ("unlisted.substitute", HitKind::Substitute, "ZX-42"),
        ]
    );
    assert_eq!(v.hits[0].cas.as_deref(), Some("87120-72-7"));
    assert!(v
        .hits
        .iter()
        .filter(|h| h.rule.starts_with("unlisted"))
        .all(|h| h.category == "unlisted"));
    assert_eq!((v.risk, v.score), (Risk::Low, 10.0), "unlisted leads weigh nothing");
    // a substitute that is a pack name is known, even where its context is missing
    let v = rs().scan("new NPP oil for sale");
    assert!(v.hits.iter().all(|h| h.category != "unlisted"), "{:?}", v.hits);
    // a substitute that is a pack name is that name's hit, not a lead
    let v = rs().scan("new N-phenethyl-4-piperidone powder");
    assert!(v.hits.iter().all(|h| h.category != "unlisted"), "{:?}", v.hits);
    assert!(v.hits.iter().any(|h| h.rule == "fent.npp"));
}

#[test]
fn same_as_reports_the_substance_and_scores_once() {
    let v = rs().scan("NPP powder 99% purity");
    assert_eq!(v.hits.len(), 1);
    assert_eq!(
        (v.hits[0].rule.as_str(), v.hits[0].cas.as_deref()),
        ("fent.npp_abbrev", Some("39742-60-4"))
    );
    let both = rs().scan("NPP powder, N-phenethyl-4-piperidone");
    assert_eq!(both.hits.len(), 2);
    assert_eq!(both.score, 40.0, "the abbreviation and the name are one substance");
}

#[test]
fn a_discussion_without_an_offer_stays_low() {
    let news =
        "The indictment says 200 kg of N-phenethyl-4-piperidone were seized; safe delivery to Mexico was promised.";
    assert_eq!(rs().scan(news).risk, Risk::Low);
    let offer = "N-phenethyl-4-piperidone in stock, price on request. Seized parcels? safe delivery to Mexico";
    assert_eq!(
        rs().scan(offer).risk,
        Risk::High,
        "news words in an offer change nothing"
    );
    assert_eq!(rs().scan("N-phenethyl-4-piperidone, contact us").risk, Risk::Medium);
}

#[test]
fn loader_checks_same_as_and_context_selectors() {
    let bad_same = PACK.replace("same_as = \"fent.npp\"", "same_as = \"fent.nope\"");
    let e = RuleSet::from_sources(&[("d.toml".into(), bad_same)])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("same_as names unknown rule \"fent.nope\"") && e.contains("d.toml"),
        "{e}"
    );
    let bad_ctx = PACK.replace("\"context:offer\"", "\"context:offers\"");
    let e = RuleSet::from_sources(&[("d.toml".into(), bad_ctx)])
        .unwrap_err()
        .to_string();
    assert!(e.contains("context:offers") && e.contains("unknown context set"), "{e}");
    let gap = PACK.replace(
        "'safe delivery to mexico'",
        "'safe .{0,30} mexico', '[.]{2}x', 'a\\.{2}'",
    );
    let set = RuleSet::from_sources(&[("d.toml".into(), gap)]).unwrap();
    let warned: Vec<&String> = set.warnings().iter().filter(|w| w.contains("repeats `.`")).collect();
    assert_eq!(warned.len(), 1, "only the any-character gap: {:?}", set.warnings());
    let reserved = PACK.replace("id = \"tac.mexico\"", "id = \"unlisted.mexico\"");
    let e = RuleSet::from_sources(&[("d.toml".into(), reserved)])
        .unwrap_err()
        .to_string();
    assert!(e.contains("reserved"), "{e}");
}

#[test]
fn traditional_chinese_reads_as_simplified_and_salts_do_not_shadow() {
    // names and regexes are written in simplified characters only
    let got = hits("偽麻黃鹼鹽酸鹽 99%，以保健食品名義寄出");
    assert_eq!(
        got,
        pairs(&[("meth.pseudoephedrine", "偽麻黃鹼"), ("tac.relabel", "以保健食品名義")])
    );
    assert_eq!(hits("麻黄碱盐酸盐"), pairs(&[("meth.ephedrine", "麻黄碱")]));
}

#[test]
fn a_negated_tactic_is_no_tactic() {
    let risk = |t: &str| rs().scan(t).risk;
    assert_eq!(
        risk("N-phenethyl-4-piperidone in stock, safe delivery to Mexico"),
        Risk::High
    );
    assert_eq!(
        risk("N-phenethyl-4-piperidone in stock, we do not accept bitcoin"),
        Risk::Medium
    );
    assert_eq!(risk("N-phenethyl-4-piperidone in stock，不接受比特币"), Risk::Medium);
    assert_eq!(
        risk("N-phenethyl-4-piperidone in stock, no enviamos a Mexico"),
        Risk::Medium
    );
    // a negation further away, or in another clause, changes nothing
    assert_eq!(
        risk("N-phenethyl-4-piperidone in stock, do not worry, safe delivery to Mexico"),
        Risk::High
    );
    assert_eq!(
        risk("N-phenethyl-4-piperidone, never late. Bitcoin accepted"),
        Risk::High
    );
}
