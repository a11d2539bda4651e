//! Rule packs: loading, validation and the compiled [`RuleSet`].
//!
//! The format is described in `rules/FORMAT.md`. Every error names the source
//! (file path, or `rules/<file> (bundled)`), the 1-based line, the rule id when
//! there is one, and what to do.

mod raw;

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::matcher::scoring::{Level, Policy, Selector};
use crate::matcher::{
    self, cas, normalise, BuildError, ContextSpec, Engine, HitKind, Limits, Part, Risk, RuleSpec, Verdict,
};
use raw::{RawPackFile, S};

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
    /// characters each side for `requires`/`cancel`
    pub window: usize,
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
            window: self.window,
            exclude: self.is_exclude(),
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

/// Where a part of the engine's input was written: (file, line, rule id).
fn located(rules: &[Rule], contexts: &[ContextSet], part: Part) -> (String, usize, Option<String>) {
    let rule = |i: usize, line: Option<usize>| {
        rules
            .get(i)
            .map(|r| (r.source.clone(), line.unwrap_or(r.line), Some(r.id.clone())))
    };
    let found = match part {
        Part::Rule(i) => rule(i, None),
        Part::Pattern { rule: i, pattern } => rule(i, rules.get(i).and_then(|r| r.pattern_lines.get(pattern).copied())),
        Part::Context(i) => contexts.get(i).map(|c| (c.source.clone(), c.line, None)),
    };
    found.unwrap_or_else(|| ("(rule packs)".into(), 1, None))
}

/// The engine could not be built: say which pack, line and rule is to blame.
fn build_error(rules: &[Rule], contexts: &[ContextSet], e: BuildError) -> RulesError {
    let invalid = |(file, line, rule): (String, usize, Option<String>), message: String| RulesError::Invalid {
        file,
        line,
        rule,
        message,
    };
    match e {
        BuildError::UnknownContext { rule, set } => invalid(
            located(rules, contexts, Part::Rule(rule)),
            format!("names unknown context set {set:?}; define [context.{set}] in a pack"),
        ),
        BuildError::Pattern { part, message } => {
            let text = match part {
                Part::Pattern { rule, pattern } => rules.get(rule).and_then(|r| r.patterns.get(pattern)),
                _ => None,
            };
            let message = format!(
                "regex {:?} cannot be built into the engine: {}; simplify it (counted repetitions such as {{1000}} multiply its size)",
                text.map_or("", String::as_str),
                message.replace('\n', " ")
            );
            invalid(located(rules, contexts, part), message)
        }
        BuildError::TooLarge {
            what,
            culprits,
            message,
        } => {
            let here = culprits.first().map(|&(p, _)| p).unwrap_or(Part::Rule(0));
            let list: Vec<String> = culprits
                .iter()
                .map(|&(p, bytes)| {
                    let (file, line, rule) = located(rules, contexts, p);
                    let rule = rule.map(|r| format!(" rule {r}")).unwrap_or_default();
                    format!("{file}:{line}{rule} ({} KiB)", bytes / 1024)
                })
                .collect();
            let message = format!(
                "the packs' {what} is too large to build together ({}); largest parts: {}; shorten or split them, or load fewer packs",
                message.replace('\n', " "),
                list.join(", ")
            );
            invalid(located(rules, contexts, here), message)
        }
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

/// The gist of a regex syntax error: "unclosed group (at char 6)".
fn regex_error(e: &regex::Error) -> String {
    let text = e.to_string();
    let lines: Vec<&str> = text.lines().collect();
    let what = lines
        .iter()
        .rev()
        .find_map(|l| l.trim().strip_prefix("error: "))
        .map_or_else(|| text.replace('\n', " "), str::to_string);
    // line 0 "regex parse error:", line 1 "    <pattern>", line 2 "    ^"
    match lines.get(2).and_then(|l| l.find('^')) {
        Some(col) if col >= 4 => format!("{what} (at char {})", col - 4 + 1),
        _ => what,
    }
}

fn valid_id(s: &str, extra: &[u8]) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || extra.contains(&b))
}

/// `[a-z_]+(\.[a-z_]+)*`
pub fn valid_category(s: &str) -> bool {
    !s.is_empty()
        && s.split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
}

/// A policy selector glob: category segments, `*` allowed as a whole segment or suffix.
fn valid_glob(s: &str) -> bool {
    s == "*"
        || (!s.is_empty()
            && s.split('.').all(|p| {
                let p = p.strip_suffix('*').unwrap_or(p);
                p.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
            }))
}

#[derive(Default)]
struct Loader {
    errors: Vec<RulesError>,
    warnings: Vec<String>,
}

/// One source file being validated.
struct File<'a> {
    name: &'a str,
    text: &'a str,
}

impl File<'_> {
    fn line(&self, span: Range<usize>) -> usize {
        line_col(self.text, span.start).0
    }
    fn at<T>(&self, s: &S<T>) -> String {
        format!("{}:{}", self.name, self.line(s.span()))
    }
}

impl Loader {
    fn err(&mut self, f: &File, span: Range<usize>, rule: Option<&str>, message: String) {
        self.errors.push(RulesError::Invalid {
            file: f.name.to_string(),
            line: f.line(span),
            rule: rule.map(str::to_string),
            message,
        });
    }
    fn warn(&mut self, f: &File, span: Range<usize>, rule: Option<&str>, message: &str) {
        let r = rule.map(|r| format!("rule {r}: ")).unwrap_or_default();
        self.warnings.push(format!("{}:{}: {r}{message}", f.name, f.line(span)));
    }

    fn load(mut self, sources: &[(String, String)]) -> Result<RuleSet, RulesError> {
        let mut hasher = Sha256::new();
        let mut parsed = Vec::new();
        for (name, text) in sources {
            hasher.update((text.len() as u64).to_le_bytes());
            hasher.update(text.as_bytes());
            match toml::from_str::<RawPackFile>(text) {
                Ok(p) => parsed.push((name.as_str(), text.as_str(), p)),
                Err(e) => {
                    let (line, col) = e.span().map_or((1, 1), |s| line_col(text, s.start));
                    let message = e.message().trim().to_string();
                    let hint = if message.contains("unknown field") {
                        " (remove or rename the key; see rules/FORMAT.md)"
                    } else {
                        ""
                    };
                    self.errors.push(RulesError::Parse {
                        file: name.clone(),
                        line,
                        col,
                        message: format!("{message}{hint}"),
                    });
                }
            }
        }
        let fingerprint = hex::encode(hasher.finalize());

        let mut packs = Vec::new();
        let mut pack_ids: HashMap<String, String> = HashMap::new();
        let mut rules: Vec<Rule> = Vec::new();
        let mut rule_ids: HashMap<String, String> = HashMap::new();
        let mut contexts: Vec<ContextSet> = Vec::new();
        let mut context_ids: HashMap<String, String> = HashMap::new();
        let mut examples = Vec::new();
        let mut policy: Option<(Policy, String)> = None;
        // (rule id, file, span, set name, field) to resolve once all packs are in
        let mut refs: Vec<(String, usize, Range<usize>, String, &'static str)> = Vec::new();
        let files: Vec<File> = parsed.iter().map(|(name, text, _)| File { name, text }).collect();

        for (fi, (_, _, p)) in parsed.iter().enumerate() {
            let f = &files[fi];
            let pack = p.pack.get_ref();
            let pid = pack.id.get_ref().clone();
            if !valid_id(&pid, &[]) {
                self.err(
                    f,
                    pack.id.span(),
                    None,
                    format!("pack id {pid:?} must match [a-z0-9_]+"),
                );
            }
            if let Some(prev) = pack_ids.get(&pid) {
                let m = format!("pack id {pid:?} is already used at {prev}; pack ids must be unique");
                self.err(f, pack.id.span(), None, m);
            } else {
                pack_ids.insert(pid.clone(), f.at(&pack.id));
            }
            if pack.name.get_ref().trim().is_empty() {
                self.err(
                    f,
                    pack.name.span(),
                    None,
                    "pack name is empty; give the pack a name".into(),
                );
            }

            for (cname, cset) in &p.context {
                let n = cname.get_ref();
                if !valid_id(n, &[]) {
                    self.err(
                        f,
                        cname.span(),
                        None,
                        format!("context set name {n:?} must match [a-z0-9_]+"),
                    );
                }
                if let Some(prev) = context_ids.get(n) {
                    let m = format!("context set {n:?} is already defined at {prev}; rename one of them");
                    self.err(f, cname.span(), None, m);
                    continue;
                }
                context_ids.insert(n.clone(), f.at(cname));
                let terms = &cset.get_ref().terms;
                if terms.is_empty() {
                    self.err(
                        f,
                        cset.span(),
                        None,
                        format!("context set {n:?} has no terms; add some"),
                    );
                }
                for t in terms {
                    if normalise::normalise_compact(t.get_ref()).is_empty() {
                        let m = format!("context term {:?} has no letters or digits; remove it", t.get_ref());
                        self.err(f, t.span(), None, m);
                    }
                }
                contexts.push(ContextSet {
                    name: n.clone(),
                    terms: terms.iter().map(|t| t.get_ref().clone()).collect(),
                    source: f.name.to_string(),
                    line: f.line(cname.span()),
                });
            }

            let mut count = 0;
            for r in &p.rule {
                for (field, list) in [("requires", &r.get_ref().requires), ("cancel", &r.get_ref().cancel)] {
                    for s in list {
                        refs.push((
                            r.get_ref().id.get_ref().clone(),
                            fi,
                            s.span(),
                            s.get_ref().clone(),
                            field,
                        ));
                    }
                }
                if let Some(rule) = self.rule(f, &pid, r, &mut rule_ids) {
                    rules.push(rule);
                    count += 1;
                }
            }
            packs.push(PackInfo {
                id: pid.clone(),
                name: pack.name.get_ref().clone(),
                source: f.name.to_string(),
                rules: count,
            });

            for ex in &p.example {
                let e = ex.get_ref();
                let risk = match e.risk.get_ref().parse::<Risk>() {
                    Ok(r) => r,
                    Err(m) => {
                        self.err(f, e.risk.span(), None, m);
                        continue;
                    }
                };
                if e.text.get_ref().trim().is_empty() {
                    self.err(
                        f,
                        e.text.span(),
                        None,
                        "listing example text is empty; write one".into(),
                    );
                }
                examples.push(ListingExample {
                    text: e.text.get_ref().clone(),
                    risk,
                    source: f.name.to_string(),
                    line: f.line(e.text.span()),
                });
            }

            if let Some(pol) = &p.policy {
                if let Some(new) = self.policy(f, pol) {
                    if let Some((_, prev)) = &policy {
                        self.warnings
                            .push(format!("{}: policy replaces the one loaded from {prev}", f.at(pol)));
                    }
                    policy = Some((new, f.at(pol)));
                }
            }
        }

        for (id, fi, span, set, field) in refs {
            if !context_ids.contains_key(&set) {
                let known: Vec<&str> = contexts.iter().map(|c| c.name.as_str()).collect();
                let m = format!(
                    "{field} names unknown context set {set:?}; define [context.{set}] in a pack or use one of: {}",
                    if known.is_empty() {
                        "(none defined)".to_string()
                    } else {
                        known.join(", ")
                    }
                );
                self.err(&files[fi], span, Some(&id), m);
            }
        }

        let policy = match policy {
            Some((p, _)) => p,
            None => {
                if !rules.is_empty() {
                    self.warnings
                        .push("no pack carries a [policy]; using the default policy of rules/FORMAT.md".into());
                }
                Policy::default_policy()
            }
        };

        if !self.errors.is_empty() {
            return Err(if self.errors.len() == 1 {
                self.errors.pop().expect("one error")
            } else {
                RulesError::Many(self.errors)
            });
        }

        let specs: Vec<RuleSpec> = rules.iter().map(Rule::spec).collect();
        let context_specs: Vec<ContextSpec> = contexts.iter().map(ContextSet::spec).collect();
        let engine = Engine::build(&specs, &context_specs, policy).map_err(|e| build_error(&rules, &contexts, e))?;
        let by_id = rules.iter().enumerate().map(|(i, r)| (r.id.clone(), i)).collect();
        Ok(RuleSet {
            packs,
            rules,
            contexts,
            examples,
            fingerprint,
            warnings: self.warnings,
            by_id,
            engine,
        })
    }

    fn rule(&mut self, f: &File, pack: &str, r: &S<raw::RawRule>, ids: &mut HashMap<String, String>) -> Option<Rule> {
        let before = self.errors.len();
        let raw = r.get_ref();
        let id = raw.id.get_ref().clone();
        let rid = Some(id.as_str());
        if !valid_id(&id, b".-") {
            self.err(f, raw.id.span(), rid, "rule id must match [a-z0-9_.-]+".into());
        }
        if let Some(prev) = ids.get(&id) {
            let m = format!("duplicate rule id; it is already used at {prev}; rule ids must be unique and stable");
            self.err(f, raw.id.span(), rid, m);
        } else {
            ids.insert(id.clone(), f.at(&raw.id));
        }
        if raw.name.get_ref().trim().is_empty() {
            self.err(
                f,
                raw.name.span(),
                rid,
                "name is empty; give the rule a name people can read".into(),
            );
        }
        let category = raw.category.get_ref().clone();
        if !valid_category(&category) {
            let m = format!("category {category:?} must match [a-z_]+(.[a-z_]+)*");
            self.err(f, raw.category.span(), rid, m);
        } else if !KNOWN_CATEGORIES.contains(&category.as_str()) {
            self.warn(
                f,
                raw.category.span(),
                rid,
                &format!("category {category:?} is not in the vocabulary"),
            );
        }
        let weight = *raw.weight.get_ref();
        if !weight.is_finite() {
            self.err(f, raw.weight.span(), rid, "weight must be a finite number".into());
        } else if weight < 0.0 && !category.starts_with("context.") {
            let m = format!("weight {weight} is negative; only context.* rules may weigh negative");
            self.err(f, raw.weight.span(), rid, m);
        }
        if category == "exclude" && weight != 0.0 {
            self.warn(
                f,
                raw.weight.span(),
                rid,
                "exclude rules should weigh 0 (they are never reported)",
            );
        }
        for c in &raw.cas {
            let c_str = c.get_ref();
            if !cas::is_syntactic(c_str) {
                let m = format!("CAS {c_str:?} is not written like 12345-67-8 (\\d{{2,7}}-\\d{{2}}-\\d)");
                self.err(f, c.span(), rid, m);
            } else if !cas::check_digit_ok(c_str) {
                let exp = cas::expected_check_digit(c_str).unwrap_or(0);
                let m = format!(
                    "CAS {c_str} fails its check digit (expected ...{exp}); check the number against a primary source"
                );
                self.err(f, c.span(), rid, m);
            }
        }
        for (field, list) in [("names", &raw.names), ("ambiguous", &raw.ambiguous)] {
            for n in list {
                if normalise::normalise_compact(n.get_ref()).is_empty() {
                    let m = format!("{field} entry {:?} has no letters or digits; remove it", n.get_ref());
                    self.err(f, n.span(), rid, m);
                }
            }
        }
        if !raw.ambiguous.is_empty() && raw.requires.is_empty() {
            let m = "ambiguous names need `requires` (the context sets that must be near them)".into();
            self.err(f, raw.ambiguous[0].span(), rid, m);
        }
        let mut pattern_lines = Vec::with_capacity(raw.patterns.len());
        for p in &raw.patterns {
            pattern_lines.push(f.line(p.span()));
            if let Err(e) = matcher::compile_pattern(p.get_ref()) {
                let m = format!("regex {:?} does not compile: {}", p.get_ref(), regex_error(&e));
                self.err(f, p.span(), rid, m);
            }
        }
        let window = match &raw.window {
            None => DEFAULT_WINDOW,
            Some(w) if (1..=10_000).contains(w.get_ref()) => *w.get_ref() as usize,
            Some(w) => {
                self.err(f, w.span(), rid, "window must be between 1 and 10000 characters".into());
                DEFAULT_WINDOW
            }
        };
        if raw.cas.is_empty() && raw.names.is_empty() && raw.ambiguous.is_empty() && raw.patterns.is_empty() {
            self.err(
                f,
                raw.id.span(),
                rid,
                "rule matches nothing; give it cas, names, ambiguous or patterns".into(),
            );
        }
        if raw.unconfirmed && raw.note.as_deref().is_none_or(|n| n.trim().is_empty()) {
            self.warn(f, raw.id.span(), rid, "unconfirmed = true but no note says why");
        }
        let mut examples = RuleExamples::default();
        if let Some(ex) = &raw.examples {
            for (list, out) in [
                (&ex.matches, &mut examples.matches),
                (&ex.no_match, &mut examples.no_match),
            ] {
                for e in list {
                    if e.get_ref().trim().is_empty() {
                        self.err(f, e.span(), rid, "example text is empty; write a real example".into());
                    }
                    out.push(Example {
                        text: e.get_ref().clone(),
                        line: f.line(e.span()),
                    });
                }
            }
        }
        if examples.matches.is_empty() && category != "exclude" {
            self.warn(
                f,
                raw.id.span(),
                rid,
                "no examples.match; add at least one text this rule must hit",
            );
        }
        if self.errors.len() > before {
            return None;
        }
        let strings = |v: &Vec<S<String>>| v.iter().map(|s| s.get_ref().clone()).collect::<Vec<_>>();
        Some(Rule {
            id,
            name: raw.name.get_ref().clone(),
            category,
            weight,
            cas: strings(&raw.cas),
            names: strings(&raw.names),
            ambiguous: strings(&raw.ambiguous),
            patterns: strings(&raw.patterns),
            requires: strings(&raw.requires),
            cancel: strings(&raw.cancel),
            window,
            status: raw.status.clone(),
            references: raw.references.clone(),
            unconfirmed: raw.unconfirmed,
            note: raw.note.clone(),
            examples,
            pack: pack.to_string(),
            source: f.name.to_string(),
            line: f.line(raw.id.span()),
            pattern_lines,
        })
    }

    fn policy(&mut self, f: &File, p: &S<raw::RawPolicy>) -> Option<Policy> {
        let before = self.errors.len();
        let raw = p.get_ref();
        let mut classes = Vec::new();
        for (name, sels) in &raw.classes {
            let mut out = Vec::new();
            for s in sels {
                let v = s.get_ref();
                if let Some(k) = v.strip_prefix("kind:") {
                    match HitKind::from_name(k) {
                        Some(k) => out.push(Selector::Kind(k)),
                        None => {
                            let m = format!(
                                "selector {v:?}: unknown hit kind; use one of {}",
                                HitKind::ALL.map(|k| format!("kind:{}", k.as_str())).join(", ")
                            );
                            self.err(f, s.span(), None, m);
                        }
                    }
                } else if valid_glob(v) {
                    out.push(Selector::Category(v.clone()));
                } else {
                    let m = format!("selector {v:?} is neither a category glob like \"tactic.*\" nor kind:<hit kind>");
                    self.err(f, s.span(), None, m);
                }
            }
            classes.push((name.get_ref().clone(), out));
        }
        let mut levels = Vec::new();
        for l in &raw.level {
            let lv = l.get_ref();
            let risk = match lv.risk.get_ref().parse::<Risk>() {
                Ok(r) => r,
                Err(m) => {
                    self.err(f, lv.risk.span(), None, m);
                    continue;
                }
            };
            let resolve = |list: &Vec<S<String>>, this: &mut Self| -> Vec<usize> {
                list.iter()
                    .filter_map(|c| {
                        let i = classes.iter().position(|(n, _)| n == c.get_ref());
                        if i.is_none() {
                            let m = format!(
                                "policy level names unknown class {:?}; define it under [policy.classes]",
                                c.get_ref()
                            );
                            this.err(f, c.span(), None, m);
                        }
                        i
                    })
                    .collect()
            };
            let all = resolve(&lv.all, self);
            let any = resolve(&lv.any, self);
            let none = resolve(&lv.none, self);
            if lv.min_score.is_some_and(|s| !s.is_finite()) {
                self.err(f, l.span(), None, "min_score must be a finite number".into());
            }
            levels.push(Level {
                risk,
                all,
                any,
                none,
                min_score: lv.min_score,
            });
        }
        (self.errors.len() == before).then_some(Policy { classes, levels })
    }
}

#[cfg(test)]
mod prop_tests;
#[cfg(test)]
mod scan_tests;
#[cfg(test)]
mod tests;
