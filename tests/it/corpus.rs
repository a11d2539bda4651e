//! The labelled corpus against the bundled packs: every corpus file must keep
//! the F1 figures recorded in tests/corpus/floor.toml (a pack change that
//! loses detection fails here), and `precwatch rules eval` reports, gates and
//! names bad input as the command line promises.

use crate::util::precwatch;
use precwatch::rules::eval::{below_floor, corpus_files, evaluate, load_corpus, load_floor, stem};
use precwatch::rules::RuleSet;
use std::path::{Path, PathBuf};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

#[test]
fn every_corpus_file_keeps_its_recorded_f1() {
    let set = RuleSet::bundled().unwrap();
    let floors = load_floor(&corpus_dir().join("floor.toml")).unwrap();
    let files = corpus_files(&[corpus_dir()]).unwrap();
    assert!(files.len() >= 2, "tune and measure files: {files:?}");
    let mut cases = 0;
    for f in files {
        let name = f.display().to_string();
        let floor = floors
            .get(&stem(&name))
            .unwrap_or_else(|| panic!("no floor for {name}"));
        let c = load_corpus(std::slice::from_ref(&f)).unwrap();
        cases += c.len();
        let report = evaluate(&set, &c);
        let below = below_floor(&report, floor);
        assert!(below.is_empty(), "{name}:\n{report}{}", below.join("\n"));
    }
    assert!(cases >= 300, "the corpus holds {cases} cases");
}

#[test]
fn rules_eval_command_reports_gates_and_names_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("small.toml");
    std::fs::write(
        &corpus,
        r#"
[[case]]
id = "a"
text = "N-Phenethyl-4-piperidone 99%, safe delivery to Mexico, Telegram @x"
risk = "high"
cas = ["39742-60-4"]

[[case]]
id = "b"
text = "Sodium chloride, 25 kg bag"
risk = "none"
cas = []
"#,
    )
    .unwrap();
    let c = corpus.to_str().unwrap();
    let out = precwatch(&["rules", "eval", c, "--format", "json"], dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["report"]["cases"], 2);
    assert_eq!(v["report"]["high"]["tp"], 1);
    assert_eq!(v["report"]["substances"]["fn"], 0);

    // a floor above what any corpus can reach fails the command
    let floor = dir.path().join("floor.toml");
    std::fs::write(&floor, "[small]\nsubstances = 1.0\nflagged = 1.0\nhigh = 1.01\n").unwrap();
    let out = precwatch(&["rules", "eval", c, "--floor", floor.to_str().unwrap()], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("high F1 1.000 is below the recorded 1.010"));

    // a floor for a corpus file that was not evaluated is an error (a
    // renamed file must not leave CI checking nothing)
    std::fs::write(
        &floor,
        "[small]\nsubstances = 0\nflagged = 0\nhigh = 0\n[gone]\nsubstances = 1\nflagged = 1\nhigh = 1\n",
    )
    .unwrap();
    let out = precwatch(&["rules", "eval", c, "--floor", floor.to_str().unwrap()], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("[gone]"));

    // a bad check digit names the file, the line and the case
    std::fs::write(
        &corpus,
        "[[case]]\nid = \"x\"\ntext = \"t\"\nrisk = \"low\"\ncas = [\"39742-60-5\"]\n",
    )
    .unwrap();
    let out = precwatch(&["rules", "eval", c], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("small.toml:1") && err.contains("case x") && err.contains("39742-60-5"),
        "{err}"
    );
}
