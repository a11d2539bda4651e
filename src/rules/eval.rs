//! `precwatch rules eval`: how well the loaded packs do on labelled listings.
//!
//! A corpus file is TOML with `[[case]]` tables (`id`, `text`, `risk`,
//! `cas`, optional `note`); see tests/corpus/README.md. Three measures, each
//! as precision, recall and F1:
//! - substances: (case, watched CAS) pairs, expected against found, where a
//!   found substance is a hit of a `precursor.*`/`drug.*` rule (its canonical
//!   CAS, or `rule:<id>` for a rule without one);
//! - flagged: cases at medium or above;
//! - high: cases at high.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{line_col, RuleSet};
use crate::matcher::{cas, is_watched_substance, Risk};

/// The largest corpus file read (a corpus is text written by people).
pub const MAX_CORPUS_BYTES: u64 = 16 << 20;

/// One labelled listing.
#[derive(Debug, Clone)]
pub struct Case {
    /// the case id, unique across the files evaluated together
    pub id: String,
    /// the file it came from
    pub source: String,
    /// the listing's text
    pub text: String,
    /// the risk it should get
    pub risk: Risk,
    /// the watched substances' canonical CAS numbers it names
    pub cas: BTreeSet<String>,
    /// why it is labelled so
    pub note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    case: Vec<toml::Spanned<RawCase>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    id: String,
    text: String,
    risk: String,
    #[serde(default)]
    cas: Vec<String>,
    #[serde(default)]
    note: String,
}

/// Why a corpus cannot be read; each names the file and, where there is one, the line.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    /// The file or folder cannot be read.
    #[error("{path}: {error}")]
    Io {
        /// the path
        path: String,
        /// the error underneath
        #[source]
        error: std::io::Error,
    },
    /// A file is not a valid corpus.
    #[error("{path}:{line}: {message}")]
    Invalid {
        /// the file
        path: String,
        /// 1-based line
        line: usize,
        /// what is wrong
        message: String,
    },
}

/// Reads corpus files (a folder: see [`corpus_files`]).
/// Ids must be unique across everything read.
pub fn load_corpus(paths: &[PathBuf]) -> Result<Vec<Case>, CorpusError> {
    let mut cases = Vec::new();
    let mut ids: HashSet<String> = HashSet::new();
    for file in corpus_files(paths)? {
        for c in read_file(&file)? {
            if !ids.insert(c.id.clone()) {
                return Err(CorpusError::Invalid {
                    path: file.display().to_string(),
                    line: 1,
                    message: format!("case id {:?} is used twice", c.id),
                });
            }
            cases.push(c);
        }
    }
    Ok(cases)
}

/// The name of the floor file a corpus folder may hold beside its corpus
/// files (`rules eval --floor`); a folder never reads it as a corpus.
pub const FLOOR_FILE: &str = "floor.toml";

/// The files `paths` stand for: a folder, its `*.toml` files but
/// [`FLOOR_FILE`], sorted by name.
pub fn corpus_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CorpusError> {
    let mut out = Vec::new();
    for p in paths {
        let io = |error| CorpusError::Io {
            path: p.display().to_string(),
            error,
        };
        if p.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(io)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.is_file() && f.extension().is_some_and(|x| x == "toml"))
                .filter(|f| !f.ends_with(FLOOR_FILE))
                .collect();
            files.sort();
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// The cases of one file, checked: risk names, CAS check digits, non-empty text.
fn read_file(path: &Path) -> Result<Vec<Case>, CorpusError> {
    let name = path.display().to_string();
    let io = |error| CorpusError::Io {
        path: name.clone(),
        error,
    };
    let len = std::fs::metadata(path).map_err(io)?.len();
    if len > MAX_CORPUS_BYTES {
        let message = format!("{len} bytes; a corpus file may hold at most {MAX_CORPUS_BYTES}");
        return Err(CorpusError::Invalid {
            path: name,
            line: 1,
            message,
        });
    }
    let text = std::fs::read_to_string(path).map_err(io)?;
    let invalid = |at: usize, message: String| CorpusError::Invalid {
        path: name.clone(),
        line: line_col(&text, at).0,
        message,
    };
    let raw: RawFile = toml::from_str(&text).map_err(|e| {
        let at = e.span().map_or(0, |s| s.start);
        invalid(at, e.message().to_string())
    })?;
    let mut out = Vec::with_capacity(raw.case.len());
    for c in raw.case {
        let at = c.span().start;
        let c = c.into_inner();
        let risk = c
            .risk
            .parse::<Risk>()
            .map_err(|m| invalid(at, format!("case {}: {m}", c.id)))?;
        if c.text.trim().is_empty() {
            return Err(invalid(at, format!("case {}: text is empty", c.id)));
        }
        let mut set = BTreeSet::new();
        for n in &c.cas {
            if !cas::is_syntactic(n) || !cas::check_digit_ok(n) {
                return Err(invalid(
                    at,
                    format!("case {}: {n:?} is not a CAS number with a valid check digit", c.id),
                ));
            }
            set.insert(n.clone());
        }
        out.push(Case {
            id: c.id,
            source: name.clone(),
            text: c.text,
            risk,
            cas: set,
            note: c.note,
        });
    }
    Ok(out)
}

/// True, false and missed positives of one measure.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// found and expected
    pub tp: usize,
    /// found, not expected
    pub fp: usize,
    /// expected, not found
    #[serde(rename = "fn")]
    pub missed: usize,
}

impl Counts {
    fn add(&mut self, expected: bool, found: bool) {
        match (expected, found) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.missed += 1,
            (false, false) => {}
        }
    }
    /// tp / (tp + fp); 1 when nothing was found.
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    /// tp / (tp + fn); 1 when nothing was expected.
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.missed)
    }
    /// The harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// A case where the packs and the label disagree.
#[derive(Debug, Clone, Serialize)]
pub struct Disagreement {
    /// the case id
    pub id: String,
    /// its file
    pub source: String,
    /// the labelled risk
    pub expected: Risk,
    /// the risk the packs gave
    pub got: Risk,
    /// expected substances not found
    pub missing: Vec<String>,
    /// substances found, not expected
    pub extra: Vec<String>,
    /// the rules that hit
    pub rules: Vec<String>,
    /// the case's note
    pub note: String,
}

/// The measures over a set of cases, and where the packs disagree.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// cases evaluated
    pub cases: usize,
    /// (case, substance) pairs
    pub substances: Counts,
    /// cases at medium or above
    pub flagged: Counts,
    /// cases at high
    pub high: Counts,
    /// per expected risk, the risks given
    pub confusion: BTreeMap<String, BTreeMap<String, usize>>,
    /// the cases whose risk band (flagged, high) or substances differ
    pub disagreements: Vec<Disagreement>,
}

/// Scans every case with `set` and measures the result.
pub fn evaluate(set: &RuleSet, cases: &[Case]) -> Report {
    let mut r = Report {
        cases: cases.len(),
        ..Report::default()
    };
    for c in cases {
        let v = set.scan(&c.text);
        let found: BTreeSet<String> = v
            .hits
            .iter()
            .filter(|h| is_watched_substance(&h.category))
            .map(|h| h.cas.clone().unwrap_or_else(|| format!("rule:{}", h.rule)))
            .collect();
        for s in c.cas.union(&found) {
            r.substances.add(c.cas.contains(s), found.contains(s));
        }
        let flagged = |k: Risk| k >= Risk::Medium;
        r.flagged.add(flagged(c.risk), flagged(v.risk));
        r.high.add(c.risk == Risk::High, v.risk == Risk::High);
        *r.confusion
            .entry(c.risk.to_string())
            .or_default()
            .entry(v.risk.to_string())
            .or_default() += 1;
        let band_differs = flagged(c.risk) != flagged(v.risk) || (c.risk == Risk::High) != (v.risk == Risk::High);
        if band_differs || found != c.cas {
            let mut rules: Vec<String> = v.hits.iter().map(|h| h.rule.clone()).collect();
            rules.sort();
            rules.dedup();
            r.disagreements.push(Disagreement {
                id: c.id.clone(),
                source: c.source.clone(),
                expected: c.risk,
                got: v.risk,
                missing: c.cas.difference(&found).cloned().collect(),
                extra: found.difference(&c.cas).cloned().collect(),
                rules,
                note: c.note.clone(),
            });
        }
    }
    r
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} cases", self.cases)?;
        writeln!(
            f,
            "{:<12} {:>9} {:>7} {:>7} {:>5} {:>5} {:>5}",
            "", "precision", "recall", "F1", "tp", "fp", "fn"
        )?;
        for (name, c) in [
            ("substances", self.substances),
            ("flagged", self.flagged),
            ("high", self.high),
        ] {
            let (p, r, f1) = (c.precision(), c.recall(), c.f1());
            writeln!(
                f,
                "{name:<12} {p:>9.3} {r:>7.3} {f1:>7.3} {:>5} {:>5} {:>5}",
                c.tp, c.fp, c.missed
            )?;
        }
        Ok(())
    }
}

impl fmt::Display for Disagreement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: expected {}, got {}", self.id, self.expected, self.got)?;
        if !self.missing.is_empty() {
            write!(f, "; missing {}", self.missing.join(", "))?;
        }
        if !self.extra.is_empty() {
            write!(f, "; extra {}", self.extra.join(", "))?;
        }
        write!(f, "; rules [{}]", self.rules.join(", "))?;
        if !self.note.is_empty() {
            write!(f, " ({})", self.note)?;
        }
        Ok(())
    }
}

/// The F1 figures a corpus file must keep (`rules eval --floor`): recorded
/// when the packs were last measured, so a change that loses detection fails CI.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Floor {
    /// least substance F1
    pub substances: f64,
    /// least flagged F1
    pub flagged: f64,
    /// least high-risk F1
    pub high: f64,
}

/// Reads a floor file: one `[<corpus file stem>]` table of [`Floor`] per file.
pub fn load_floor(path: &Path) -> Result<BTreeMap<String, Floor>, CorpusError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|error| CorpusError::Io {
        path: name.clone(),
        error,
    })?;
    toml::from_str(&text).map_err(|e| CorpusError::Invalid {
        path: name,
        line: line_col(&text, e.span().map_or(0, |s| s.start)).0,
        message: e.message().to_string(),
    })
}

/// The measures of `report` below `floor`, as sentences; empty when none is.
pub fn below_floor(report: &Report, floor: &Floor) -> Vec<String> {
    let measures = [
        ("substances", report.substances.f1(), floor.substances),
        ("flagged", report.flagged.f1(), floor.flagged),
        ("high", report.high.f1(), floor.high),
    ];
    measures
        .into_iter()
        .filter(|&(_, got, least)| got + 1e-9 < least)
        .map(|(name, got, least)| format!("{name} F1 {got:.3} is below the recorded {least:.3}"))
        .collect()
}

/// The stem that names a corpus file in a floor file (`tests/corpus/tune.toml` -> `tune`).
pub fn stem(path: &str) -> String {
    Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}
