//! Rule packs: loading, validation and the compiled [`RuleSet`].
//!
//! The format is described in `rules/FORMAT.md`. Every error names the source
//! (file path, or `rules/<file> (bundled)`), the 1-based line, the rule id when
//! there is one, and what to do.

pub mod eval;
mod loader;
mod raw;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::matcher::scoring::Policy;
use crate::matcher::{self, ContextSpec, Engine, Limits, Risk, RuleSpec, Verdict};
use loader::Loader;

mod bundled {
    include!(concat!(env!("OUT_DIR"), "/bundled_rules.rs"));
}

/// Categories named by rules/FORMAT.md; others load with a warning.
pub const KNOWN_CATEGORIES: &[&str] = &[
    "precursor.fentanyl",
    "drug.fentanyl",
    "precursor.meth",
    "precursor.mdma",
    "drug.nitazene",
    "drug.xylazine",
    "precursor.cathinone",
    "commodity",
    "exclude",
    "tactic.identifier",
    "tactic.technical_name",
    "tactic.substitute",
    "tactic.destination",
    "tactic.delivery",
    "tactic.relabel",
    "tactic.payment",
    "tactic.messenger",
    "tactic.research",
    "tactic.pressure",
    "context.harm_reduction",
    "context.news",
    "context.discussion",
];

/// Default `window` of a rule, in characters of normalised text each side.
pub const DEFAULT_WINDOW: usize = matcher::DEFAULT_WINDOW;

/// Why rule packs cannot be loaded: every variant names the file (and the
/// line and rule where there is one) and says what to do.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    /// A pack file or directory cannot be read.
    #[error("{path}: cannot read rule pack: {error} (check the path and permissions)")]
    Io {
        /// the path as given
        path: String,
        /// the operating system's error
        #[source]
        error: std::io::Error,
    },
    /// A pack is not valid TOML or has unknown keys.
    #[error("{file}:{line}:{col}: {message}")]
    Parse {
        /// source name
        file: String,
        /// 1-based line
        line: usize,
        /// 1-based column, in characters
        col: usize,
        /// what is wrong and what to do
        message: String,
    },
    /// A pack parses but breaks a rule of the format (or cannot be compiled).
    #[error("{file}:{line}: {}{message}", rule.as_ref().map(|r| format!("rule {r}: ")).unwrap_or_default())]
    Invalid {
        /// source name
        file: String,
        /// 1-based line
        line: usize,
        /// the rule's id, when the error is about one rule
        rule: Option<String>,
        /// what is wrong and what to do
        message: String,
    },
    /// More than one error: all of them, in load order.
    #[error("{} errors in rule packs:\n{}", .0.len(), .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
    Many(Vec<RulesError>),
}

impl RulesError {
    /// The individual errors (one, or the members of `Many`).
    pub fn errors(&self) -> Vec<&RulesError> {
        match self {
            RulesError::Many(v) => v.iter().collect(),
            e => vec![e],
        }
    }
}

/// What `rules check` lists about one loaded pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackInfo {
    /// `[pack] id`
    pub id: String,
    /// `[pack] name`
    pub name: String,
    /// source name (file path, or `rules/<file> (bundled)`)
    pub source: String,
    /// number of rules loaded from it
    pub rules: usize,
}

/// One example text with the line it is written on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// the example text
    pub text: String,
    /// 1-based line in the pack
    pub line: usize,
}

/// A rule's own examples (`[rule.examples]`), run by `rules test`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleExamples {
    /// texts the rule must hit
    pub matches: Vec<Example>,
    /// texts the rule must not hit
    pub no_match: Vec<Example>,
}

/// A listing-level example (`[[example]]`): scanned with all packs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingExample {
    /// the listing text
    pub text: String,
    /// the risk the listing must get
    pub risk: Risk,
    /// source name of the pack
    pub source: String,
    /// 1-based line of `text`
    pub line: usize,
}

/// A named context word set (`[context.<name>]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextSet {
    /// the name rules refer to in `requires`/`cancel`
    pub name: String,
    /// the terms, as written
    pub terms: Vec<String>,
    /// source name of the pack
    pub source: String,
    /// 1-based line of the set's header
    pub line: usize,
}

impl ContextSet {
    /// The matcher's view of this set.
    pub fn spec(&self) -> ContextSpec {
        ContextSpec {
            name: self.name.clone(),
            terms: self.terms.clone(),
        }
    }
}

/// One validated rule: what the matcher needs (see [`Rule::spec`]) plus the
/// metadata and examples people read, and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// stable id, unique across the loaded packs
    pub id: String,
    /// name shown to people
    pub name: String,
    /// category from the vocabulary of rules/FORMAT.md
    pub category: String,
    /// score contribution
    pub weight: f64,
    /// the first is the canonical CAS reported on hits
    pub cas: Vec<String>,
    /// literal names (always count)
    pub names: Vec<String>,
    /// names that count only with a `requires` context term near
    pub ambiguous: Vec<String>,
    /// regexes over the normalised text
    pub patterns: Vec<String>,
    /// context sets needed near ambiguous names
    pub requires: Vec<String>,
    /// context sets that cancel this rule's hits near them
    pub cancel: Vec<String>,
    /// context sets of negations ("do not", "never", "不接受") that drop a
    /// hit of this rule when one ends right before it (at most three words
    /// between, same clause): "we do not accept cryptocurrency" offers none
    pub negated_by: Vec<String>,
    /// characters each side for `requires`/`cancel`
    pub window: usize,
    /// the id of the rule that names the same substance (an abbreviation rule
    /// kept apart for its own context): hits report that rule's canonical CAS
    /// and the score counts the two once
    pub same_as: Option<String>,
    /// control status (metadata)
    pub status: Option<String>,
    /// references (metadata)
    pub references: Vec<String>,
    /// an identity or CAS is unconfirmed (metadata)
    pub unconfirmed: bool,
    /// free note (metadata)
    pub note: Option<String>,
    /// the rule's examples
    pub examples: RuleExamples,
    /// `[rule.search]`: the queries a site search is sent for this
    /// substance: `terms` for every site, and per language code (`zh`, `es`)
    pub search: std::collections::BTreeMap<String, Vec<String>>,
    /// pack id
    pub pack: String,
    /// source name (file) and line of `id = ...`
    pub source: String,
    /// 1-based line of `id = ...`
    pub line: usize,
    /// 1-based line of each of `patterns`, for error messages
    pub pattern_lines: Vec<usize>,
}

impl Rule {
    /// True for `exclude` rules: never reported, they suppress what they overlap.
    pub fn is_exclude(&self) -> bool {
        self.category == "exclude"
    }

    /// The matcher's view of this rule.
    pub fn spec(&self) -> RuleSpec {
        RuleSpec {
            id: self.id.clone(),
            category: self.category.clone(),
            weight: self.weight,
            cas: self.cas.clone(),
            names: self.names.clone(),
            ambiguous: self.ambiguous.clone(),
            patterns: self.patterns.clone(),
            requires: self.requires.clone(),
            cancel: self.cancel.clone(),
            negated_by: self.negated_by.clone(),
            window: self.window,
            exclude: self.is_exclude(),
            same_as: self.same_as.clone(),
        }
    }
}

/// A failed rule or listing example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleFailure {
    /// source name of the pack
    pub source: String,
    /// 1-based line of the example
    pub line: usize,
    /// the rule, for rule examples
    pub rule: Option<String>,
    /// the example text
    pub text: String,
    /// what should have happened
    pub expected: String,
    /// what happened
    pub got: String,
}

impl fmt::Display for ExampleFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: ", self.source, self.line)?;
        if let Some(r) = &self.rule {
            write!(f, "rule {r}: ")?;
        }
        write!(f, "{:?}: expected {}, got {}", self.text, self.expected, self.got)
    }
}

/// Compiled, immutable rule packs. `Send + Sync`: compile once, share by `Arc`.
#[derive(Debug)]
pub struct RuleSet {
    packs: Vec<PackInfo>,
    rules: Vec<Rule>,
    contexts: Vec<ContextSet>,
    examples: Vec<ListingExample>,
    fingerprint: String,
    warnings: Vec<String>,
    by_id: HashMap<String, usize>,
    engine: Engine,
}

impl RuleSet {
    /// The packs compiled into the binary (`rules/*.toml`, see build.rs).
    pub fn bundled() -> Result<RuleSet, RulesError> {
        RuleSet::from_sources(&bundled_sources())
    }

    /// `paths`: files or directories (every `*.toml` inside, sorted by name).
    /// `with_bundled`: bundled packs first, then these; otherwise only these.
    pub fn load(paths: &[PathBuf], with_bundled: bool) -> Result<RuleSet, RulesError> {
        let mut sources = if with_bundled { bundled_sources() } else { Vec::new() };
        for p in paths {
            let io = |error| RulesError::Io {
                path: p.display().to_string(),
                error,
            };
            if p.is_dir() {
                let mut files: Vec<PathBuf> = std::fs::read_dir(p)
                    .map_err(io)?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|f| f.is_file() && f.extension().is_some_and(|x| x == "toml"))
                    .collect();
                files.sort();
                for f in files {
                    sources.push(read_source(&f)?);
                }
            } else {
                sources.push(read_source(p)?);
            }
        }
        RuleSet::from_sources(&sources)
    }

    /// (source name for messages, toml text) pairs, in load order.
    pub fn from_sources(sources: &[(String, String)]) -> Result<RuleSet, RulesError> {
        Loader::default().load(sources)
    }

    /// The queries a site search is sent for the watched substances
    /// (rules of categories `precursor.*` and `drug.*`): each rule's CAS
    /// numbers, then its `[rule.search] terms` (or its first literal name
    /// when it has no search terms), then its terms in `language`; the same
    /// query (any case) once, in pack order.
    pub fn search_queries(&self, language: Option<&str>) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for r in &self.rules {
            if !(r.category.starts_with("precursor.") || r.category.starts_with("drug.")) {
                continue;
            }
            // Without search terms: the rule's first literal name (an
            // abbreviation rule kept apart for its context adds none).
            let own: Vec<String> = match r.search.get("terms") {
                Some(t) => t.clone(),
                None if r.search.is_empty() && r.same_as.is_none() => r
                    .names
                    .iter()
                    .take(1)
                    .filter(|n| n.chars().count() <= 60)
                    .cloned()
                    .collect(),
                None => Vec::new(),
            };
            let lang = language.and_then(|l| r.search.get(l)).cloned().unwrap_or_default();
            for q in r.cas.iter().cloned().chain(own).chain(lang) {
                if seen.insert(q.to_lowercase()) {
                    out.push(q);
                }
            }
        }
        out
    }

    /// The loaded packs, in load order.
    pub fn packs(&self) -> &[PackInfo] {
        &self.packs
    }
    /// Number of rules over all packs.
    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }
    /// Every rule, in load order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }
    /// Every context set, in load order.
    pub fn contexts(&self) -> &[ContextSet] {
        &self.contexts
    }
    /// The policy in force (the last pack's, or the default one).
    pub fn policy(&self) -> &Policy {
        self.engine.policy()
    }
    /// Hex SHA-256 over all pack sources in load order.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }
    /// Warnings found while loading (`rules check` prints them).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }
    /// The rule with id `id`.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.by_id.get(id).map(|&i| &self.rules[i])
    }

    /// Match one text (visible text, not HTML) within the default [`Limits`].
    pub fn scan(&self, text: &str) -> Verdict {
        self.scan_limited(text, &Limits::default())
    }

    /// Match one text, reporting at most what `limits` allow; the verdict
    /// says how many hits were dropped and which budget dropped them. Score
    /// and risk are the same as without limits.
    pub fn scan_limited(&self, text: &str, limits: &Limits) -> Verdict {
        self.engine.scan(text, limits)
    }

    /// Like [`RuleSet::scan`], also giving the ids of the `exclude` rules that
    /// matched (they are never hits; `test_examples` checks their examples with this).
    pub fn scan_with_excludes(&self, text: &str) -> (Verdict, Vec<&str>) {
        let (v, ex) = self.engine.scan_with_excludes(text, &Limits::default());
        let ids = ex.into_iter().filter_map(|i| self.rules.get(i)).map(|r| r.id.as_str());
        (v, ids.collect())
    }

    /// Run every rule example and listing example; empty = all pass.
    pub fn test_examples(&self) -> Vec<ExampleFailure> {
        let mut out = Vec::new();
        let hit_rules = |v: &Verdict| {
            let mut ids: Vec<&str> = v.hits.iter().map(|h| h.rule.as_str()).collect();
            ids.dedup();
            if ids.is_empty() {
                "no hits".to_string()
            } else {
                format!("hits [{}]", ids.join(", "))
            }
        };
        // exclude rules never hit: their examples check that they matched
        let hit = |r: &Rule, v: &Verdict, ex: &[&str]| {
            if r.is_exclude() {
                ex.contains(&r.id.as_str())
            } else {
                v.hits.iter().any(|h| h.rule == r.id)
            }
        };
        for r in &self.rules {
            for ex in &r.examples.matches {
                let (v, excl) = self.scan_with_excludes(&ex.text);
                if !hit(r, &v, &excl) {
                    out.push(ExampleFailure {
                        source: r.source.clone(),
                        line: ex.line,
                        rule: Some(r.id.clone()),
                        text: ex.text.clone(),
                        expected: "a hit of this rule".into(),
                        got: hit_rules(&v),
                    });
                }
            }
            for ex in &r.examples.no_match {
                let (v, excl) = self.scan_with_excludes(&ex.text);
                if hit(r, &v, &excl) {
                    let got = match v.hits.iter().find(|h| h.rule == r.id) {
                        Some(h) => format!("{} hit on {:?}", h.kind.as_str(), h.matched),
                        None => "the exclude rule matched".to_string(),
                    };
                    out.push(ExampleFailure {
                        source: r.source.clone(),
                        line: ex.line,
                        rule: Some(r.id.clone()),
                        text: ex.text.clone(),
                        expected: "no hit of this rule".into(),
                        got,
                    });
                }
            }
        }
        for ex in &self.examples {
            let v = self.scan(&ex.text);
            if v.risk != ex.risk {
                out.push(ExampleFailure {
                    source: ex.source.clone(),
                    line: ex.line,
                    rule: None,
                    text: ex.text.clone(),
                    expected: format!("risk {}", ex.risk),
                    got: format!("risk {} (score {}, {})", v.risk, v.score, hit_rules(&v)),
                });
            }
        }
        out
    }
}

fn bundled_sources() -> Vec<(String, String)> {
    bundled::BUNDLED
        .iter()
        .map(|(name, text)| (format!("rules/{name} (bundled)"), (*text).to_string()))
        .collect()
}

fn read_source(p: &Path) -> Result<(String, String), RulesError> {
    let text = std::fs::read_to_string(p).map_err(|error| RulesError::Io {
        path: p.display().to_string(),
        error,
    })?;
    Ok((p.display().to_string(), text))
}

/// 1-based (line, column in chars) of byte offset `at` in `text`.
pub fn line_col(text: &str, at: usize) -> (usize, usize) {
    let at = at.min(text.len());
    let mut at_b = at;
    while !text.is_char_boundary(at_b) {
        at_b -= 1;
    }
    let before = &text[..at_b];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod detect_tests;
#[cfg(test)]
mod prop_tests;
#[cfg(test)]
mod scan_tests;
#[cfg(test)]
mod tests;
