//! Loader tests: every error names the file and the line.

use super::*;

const GOOD: &str = r#"[pack]
id = "p1"
name = "Pack one"

[context.offer]
terms = ["cas", "powder"]

[[rule]]
id = "a.npp"
name = "NPP"
category = "precursor.fentanyl"
weight = 40
cas = ["39742-60-4"]
names = ["N-phenethyl-4-piperidone"]
ambiguous = ["NPP"]
requires = ["offer"]

[rule.examples]
match = ["NPP powder"]
no_match = ["NPP fertilizer"]

[[example]]
text = "N-phenethyl-4-piperidone 99%"
risk = "medium"
"#;

fn load(files: &[(&str, &str)]) -> Result<RuleSet, RulesError> {
    let v: Vec<(String, String)> = files.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    RuleSet::from_sources(&v)
}

fn err(files: &[(&str, &str)]) -> String {
    load(files).expect_err("should fail").to_string()
}

#[test]
fn good_pack_loads_and_examples_pass() {
    let rs = load(&[("rules/p1.toml", GOOD)]).unwrap();
    assert_eq!(rs.rule_count(), 1);
    assert_eq!(
        rs.packs()[0],
        PackInfo {
            id: "p1".into(),
            name: "Pack one".into(),
            source: "rules/p1.toml".into(),
            rules: 1
        }
    );
    assert_eq!(rs.rule("a.npp").unwrap().line, 9);
    assert_eq!(rs.rule("a.npp").unwrap().window, DEFAULT_WINDOW);
    assert!(rs.test_examples().is_empty(), "{:?}", rs.test_examples());
    assert_eq!(rs.fingerprint().len(), 64);
    // no policy: default one, with a warning
    assert!(rs.warnings().iter().any(|w| w.contains("policy")));
}

#[test]
fn failing_examples_are_reported_with_line() {
    let bad = GOOD.replace("no_match = [\"NPP fertilizer\"]", "no_match = [\"NPP powder again\"]");
    let rs = load(&[("rules/p1.toml", &bad)]).unwrap();
    let f = rs.test_examples();
    assert_eq!(f.len(), 1);
    let s = f[0].to_string();
    assert!(
        s.starts_with("rules/p1.toml:20: rule a.npp: \"NPP powder again\": expected no hit"),
        "{s}"
    );
}

#[test]
fn unknown_key_names_file_and_line() {
    let bad = GOOD.replace("weight = 40", "weight = 40\nwieght = 3");
    let e = err(&[("rules/p1.toml", &bad)]);
    assert!(e.starts_with("rules/p1.toml:13:1: unknown field `wieght`"), "{e}");
    assert!(e.contains("remove or rename"), "{e}");
}

#[test]
fn duplicate_ids_name_both_places() {
    let second = GOOD
        .replace("id = \"p1\"", "id = \"p2\"")
        .replace("[context.offer]", "[context.offer2]");
    let e = err(&[("rules/p1.toml", GOOD), ("rules/p2.toml", &second)]);
    assert!(
        e.contains("rules/p2.toml:9: rule a.npp: duplicate rule id; it is already used at rules/p1.toml:9"),
        "{e}"
    );
    let e = err(&[("rules/p1.toml", GOOD), ("rules/p1b.toml", GOOD)]);
    assert!(
        e.contains("rules/p1b.toml:2: pack id \"p1\" is already used at rules/p1.toml:2"),
        "{e}"
    );
    assert!(
        e.contains("rules/p1b.toml:5: context set \"offer\" is already defined at rules/p1.toml:5"),
        "{e}"
    );
}

#[test]
fn bad_regex_quotes_the_error() {
    let bad = GOOD.replace(
        "requires = [\"offer\"]",
        "requires = [\"offer\"]\npatterns = ['ship (to']",
    );
    let e = err(&[("rules/p1.toml", &bad)]);
    assert!(
        e.starts_with("rules/p1.toml:17: rule a.npp: regex \"ship (to\" does not compile:"),
        "{e}"
    );
    assert!(e.ends_with("does not compile: unclosed group (at char 6)"), "{e}");
}

#[test]
fn bad_cas_check_digit() {
    let bad = GOOD.replace("39742-60-4", "39742-60-5");
    let e = err(&[("rules/p1.toml", &bad)]);
    assert_eq!(
        e,
        "rules/p1.toml:13: rule a.npp: CAS 39742-60-5 fails its check digit (expected ...4); check the number against a primary source"
    );
    let bad = GOOD.replace("39742-60-4", "39742-604");
    assert!(err(&[("rules/p1.toml", &bad)]).contains("is not written like"));
}

#[test]
fn unknown_context_set() {
    let bad = GOOD.replace("requires = [\"offer\"]", "requires = [\"offers\"]");
    let e = err(&[("rules/p1.toml", &bad)]);
    assert!(
        e.starts_with("rules/p1.toml:16: rule a.npp: requires names unknown context set \"offers\""),
        "{e}"
    );
    assert!(e.contains("use one of: offer"), "{e}");
    // a set defined in a LATER pack resolves
    let uses = GOOD.replace("[context.offer]\nterms = [\"cas\", \"powder\"]\n", "");
    let defines = "[pack]\nid = \"ctx\"\nname = \"ctx\"\n[context.offer]\nterms = [\"powder\"]\n";
    assert!(load(&[("a.toml", &uses), ("b.toml", defines)]).is_ok());
}

#[test]
fn other_validations() {
    let cases = [
        (
            "category = \"precursor.fentanyl\"",
            "category = \"Precursor\"",
            ":11: rule a.npp: category \"Precursor\" must match",
        ),
        ("weight = 40", "weight = -4", ":12: rule a.npp: weight -4 is negative"),
        (
            "requires = [\"offer\"]\n",
            "",
            ":15: rule a.npp: ambiguous names need `requires`",
        ),
        (
            "names = [\"N-phenethyl-4-piperidone\"]",
            "names = [\"--\"]",
            ":14: rule a.npp: names entry \"--\" has no letters",
        ),
        ("id = \"a.npp\"", "id = \"A NPP\"", ":9: rule A NPP: rule id must match"),
        (
            "risk = \"medium\"",
            "risk = \"severe\"",
            ":24: unknown risk \"severe\"; valid values: none, low, medium, high",
        ),
        (
            "match = [\"NPP powder\"]",
            "match = [\" \"]",
            ":19: rule a.npp: example text is empty",
        ),
    ];
    for (from, to, want) in cases {
        let bad = GOOD.replace(from, to);
        assert_ne!(bad, GOOD, "{from}");
        let e = err(&[("rules/p1.toml", &bad)]);
        assert!(e.contains(&format!("rules/p1.toml{want}")), "{want}\n{e}");
    }
}

#[test]
fn policy_validation_and_replacement() {
    let pol = |name: &str, extra: &str| {
        format!(
            "[pack]\nid = \"{name}\"\nname = \"x\"\n[policy.classes]\nsubstance = [\"precursor.*\"]\n\
             [[policy.level]]\nrisk = \"high\"\nall = [\"substance\"{extra}]\n"
        )
    };
    let e = err(&[("pol.toml", &pol("p", ", \"tactics\""))]);
    assert!(
        e.starts_with("pol.toml:8: policy level names unknown class \"tactics\""),
        "{e}"
    );
    let rs = load(&[
        ("rules/p1.toml", GOOD),
        ("a.toml", &pol("a", "")),
        ("b.toml", &pol("b", "")),
    ])
    .unwrap();
    assert!(rs
        .warnings()
        .iter()
        .any(|w| w.starts_with("b.toml:4: policy replaces the one loaded from a.toml:4")));
    assert_eq!(rs.scan("NPP powder").risk, Risk::High);
    let bad = pol("p", "").replace("precursor.*", "kind:name_x");
    assert!(err(&[("pol.toml", &bad)]).contains("pol.toml:5: selector \"kind:name_x\": unknown hit kind"));
}

#[test]
fn many_errors_are_all_reported() {
    let bad = GOOD
        .replace("39742-60-4", "39742-60-5")
        .replace("requires = [\"offer\"]", "requires = [\"nope\"]");
    let e = load(&[("rules/p1.toml", &bad)]).unwrap_err();
    assert_eq!(e.errors().len(), 2);
    assert!(
        e.to_string().starts_with("2 errors in rule packs:\nrules/p1.toml:13:"),
        "{e}"
    );
}

#[test]
fn line_col_counts_chars() {
    assert_eq!(line_col("ab\ncdé f", 8), (2, 5));
    assert_eq!(line_col("", 0), (1, 1));
}

#[test]
fn bundled_packs_load() {
    let rs = RuleSet::bundled().expect("bundled packs load");
    for p in rs.packs() {
        assert!(p.source.ends_with(" (bundled)"), "{}", p.source);
    }
    // the packs' own examples are checked by `precwatch rules test`, not here:
    // these tests must not depend on the packs' exact content
}

#[test]
fn load_reads_directories_sorted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("b.toml"),
        GOOD.replace("p1", "pb")
            .replace("a.npp", "b.npp")
            .replace("offer", "offer_b"),
    )
    .unwrap();
    std::fs::write(dir.path().join("a.toml"), GOOD).unwrap();
    std::fs::write(dir.path().join("notes.md"), "not a pack").unwrap();
    let rs = RuleSet::load(&[dir.path().to_path_buf()], false).unwrap();
    let ids: Vec<&str> = rs.packs().iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, vec!["p1", "pb"]);
    let e = RuleSet::load(&[dir.path().join("missing.toml")], false)
        .unwrap_err()
        .to_string();
    assert!(e.contains("missing.toml: cannot read rule pack"), "{e}");
}

#[test]
fn exclude_rule_examples_check_that_the_exclude_matched() {
    let pack = r#"[pack]
id = "x"
name = "x"
[[rule]]
id = "a.pip"
name = "4-piperidone"
category = "precursor.fentanyl"
weight = 30
names = ["4-piperidone"]
[[rule]]
id = "x.benzyl"
name = "1-benzyl-4-piperidone"
category = "exclude"
weight = 0
cas = ["3612-20-2"]
names = ["1-benzyl-4-piperidone"]
[rule.examples]
match = ["1-benzyl-4-piperidone 99%", "CAS 3612-20-2"]
no_match = ["4-piperidone"]
"#;
    let rs = load(&[("x.toml", pack)]).unwrap();
    assert!(rs.test_examples().is_empty(), "{:?}", rs.test_examples());
    let (v, ex) = rs.scan_with_excludes("1-benzyl-4-piperidone");
    assert!(v.hits.is_empty());
    assert_eq!(ex, vec!["x.benzyl"]);
    let bad = pack.replace(
        "no_match = [\"4-piperidone\"]",
        "no_match = [\"N-benzyl: 1-benzyl-4-piperidone\"]",
    );
    let f = load(&[("x.toml", &bad)]).unwrap().test_examples();
    assert_eq!(f.len(), 1);
    assert!(f[0].to_string().contains("x.toml:19: rule x.benzyl:"), "{}", f[0]);
    assert_eq!(f[0].got, "the exclude rule matched");
}

#[test]
fn regexes_too_large_name_file_line_and_rule() {
    // one regex too large on its own: the loader's check names it
    let bad = GOOD.replace(
        "requires = [\"offer\"]",
        "requires = [\"offer\"]\npatterns = ['\\w{1000}{1000}']",
    );
    let e = err(&[("rules/p1.toml", &bad)]);
    assert!(
        e.starts_with(r#"rules/p1.toml:17: rule a.npp: regex "\\w{1000}{1000}" does not compile"#),
        "{e}"
    );
    // regexes that fit one by one but not together (the set's limit is
    // 16 MiB, 1 MiB in unit tests): the largest are named, where they are
    let mut pack = String::from("[pack]\nid = \"big\"\nname = \"Big\"\n");
    for i in 0..4 {
        pack.push_str(&format!(
            "[[rule]]\nid = \"big.r{i}\"\nname = \"r\"\ncategory = \"tactic.research\"\nweight = 1\npatterns = ['x\\w{{{}}}']\n",
            5000 + 100 * i
        ));
    }
    let e = err(&[("rules/big.toml", &pack)]);
    assert!(
        e.starts_with("rules/big.toml:27: rule big.r3: the packs' regex set is too large to build together"),
        "{e}"
    );
    assert!(
        e.contains("largest parts: rules/big.toml:27 rule big.r3 (")
            && e.contains(", rules/big.toml:21 rule big.r2 (")
            && e.contains(", rules/big.toml:15 rule big.r1 ("),
        "{e}"
    );
    assert!(e.ends_with("shorten or split them, or load fewer packs"), "{e}");
    assert!(!e.contains("(all packs)"), "{e}");
}

#[test]
fn search_queries_take_cas_numbers_terms_and_the_sites_language() {
    let pack = r#"
[pack]
id = "q"
name = "q"

[[rule]]
id = "q.npp"
name = "NPP (N-phenethyl-4-piperidone)"
category = "precursor.fentanyl"
weight = 50
cas = ["39742-60-4"]
names = ["N-phenethyl-4-piperidone", "1-phenethyl-4-piperidone"]

[rule.search]
terms = ["N-phenethyl-4-piperidone", "NPP"]
zh = ["N-苯乙基-4-哌啶酮"]

[[rule]]
id = "q.npp_abbrev"
name = "NPP (abbreviation)"
category = "precursor.fentanyl"
weight = 50
names = ["npp"]
same_as = "q.npp"

[[rule]]
id = "q.boc"
name = "1-Boc-4-piperidone"
category = "precursor.fentanyl"
weight = 40
cas = ["79099-07-3"]
names = ["1-Boc-4-piperidone", "N-Boc-4-piperidone"]

[[rule]]
id = "q.crypto"
name = "Crypto"
category = "tactic.payment"
weight = 10
names = ["bitcoin"]
"#;
    let rs = RuleSet::from_sources(&[("q.toml".into(), pack.into())]).unwrap();
    assert_eq!(
        rs.search_queries(None),
        [
            "39742-60-4",
            "N-phenethyl-4-piperidone",
            "NPP",
            "79099-07-3",
            "1-Boc-4-piperidone"
        ]
    );
    assert_eq!(rs.search_queries(Some("zh"))[3], "N-苯乙基-4-哌啶酮");
    let bad = pack.replace("zh = [", "Chinese = [");
    let e = RuleSet::from_sources(&[("q.toml".into(), bad)])
        .unwrap_err()
        .to_string();
    assert!(e.contains("[rule.search] key \"Chinese\""), "{e}");
}
