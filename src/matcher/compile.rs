//! Building the engine: the automata over names and context terms, the
//! regex set, the CAS index, and errors that say which rule is to blame.

use std::collections::{HashMap, HashSet};
use std::fmt;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind, StartKind};
use regex::Regex;
use regex_automata::{meta, nfa::thompson, util::syntax, MatchKind as RaMatchKind};

use super::normalise::{self, is_cjk};
use super::{ascii_word_boundaries, cas, compile_pattern, ContextSpec, RuleSpec};

/// Size limit of one compiled pack regex (the `regex` crate's `size_limit`).
pub(super) const REGEX_SIZE_LIMIT: usize = 1 << 22;
/// Size limit of the NFA of all pack regexes together (the bundled packs'
/// take about 80 KiB).
#[cfg(not(test))]
pub(super) const SET_SIZE_LIMIT: usize = 1 << 24;
/// Unit tests make a set too large to build in milliseconds, not seconds.
#[cfg(test)]
pub(super) const SET_SIZE_LIMIT: usize = 1 << 20;

/// A part of the engine's input that an error can blame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// a rule, by index into the rules given to [`super::Engine::build`]
    Rule(usize),
    /// the `pattern`-th regex of rule `rule`
    Pattern {
        /// rule index
        rule: usize,
        /// index into the rule's `patterns`
        pattern: usize,
    },
    /// a context set, by index into the contexts given to the build
    Context(usize),
}

/// Why an engine cannot be built. Indices are into the build's inputs, so
/// the caller can name the file and line responsible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildError {
    /// `requires`/`cancel` of a rule names a context set that is not given.
    UnknownContext {
        /// rule index
        rule: usize,
        /// the unknown set name
        set: String,
    },
    /// One regex does not compile on its own with the engine's limits.
    Pattern {
        /// the rule and regex
        part: Part,
        /// the regex engine's message
        message: String,
    },
    /// Every part builds alone, but together they exceed a size limit.
    TooLarge {
        /// which automaton ("regex set", "name automaton"...)
        what: &'static str,
        /// the largest contributions, largest first: (part, bytes)
        culprits: Vec<(Part, usize)>,
        /// the underlying library's message
        message: String,
    },
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::UnknownContext { rule, set } => write!(f, "rule #{rule}: unknown context set {set:?}"),
            BuildError::Pattern { part, message } => write!(f, "{part:?}: {message}"),
            BuildError::TooLarge {
                what,
                culprits,
                message,
            } => write!(f, "the {what} cannot be built: {message}; largest parts: {culprits:?}"),
        }
    }
}

impl std::error::Error for BuildError {}

/// What an automaton pattern stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum What {
    Name(u32),
    Ambiguous(u32),
    Context(u32),
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Target {
    pub what: What,
    /// found through the leet view only (the pattern is an l->i variant)
    pub leet: bool,
}

#[derive(Debug, Clone)]
pub(super) struct PatInfo {
    pub targets: Vec<Target>,
    /// the pattern starts/ends with a non-CJK character: needs a word boundary
    pub latin_start: bool,
    pub latin_end: bool,
    /// a name of a chemical (substance, commodity or exclude rule): it must
    /// not be a fragment of a longer chemical name (`chem.rs`)
    pub chem: bool,
}

/// What the scan needs of one rule.
#[derive(Debug)]
pub(super) struct RuleInfo {
    pub id: String,
    pub category: String,
    pub weight: f64,
    pub window: usize,
    pub exclude: bool,
    /// the canonical CAS reported on hits
    pub cas: Option<String>,
    /// requires / cancel / negated_by as context set indices
    pub requires: Vec<u32>,
    pub cancel: Vec<u32>,
    pub negated_by: Vec<u32>,
    /// index of the first rule with the same id: the score counts each id once
    pub score_key: u32,
    /// its names are chemical names ([`is_chemical`]): longest-wins among
    /// them only, so a tactic phrase never hides the substance inside it
    pub chem: bool,
}

/// One pack regex, compiled for positions the first time the set says it
/// matched: most tactic regexes never match in a crawl, and compiled they
/// hold memory for nothing. It was compiled once at build to validate it.
#[derive(Debug)]
pub(super) struct LazyRegex {
    source: String,
    regex: std::sync::OnceLock<Option<Regex>>,
}

impl LazyRegex {
    /// The compiled regex (None only if it no longer compiles, which the
    /// build rules out).
    pub fn get(&self) -> Option<&Regex> {
        self.regex.get_or_init(|| compile_pattern(&self.source).ok()).as_ref()
    }
}

/// The compiled automata, regexes and CAS index.
#[derive(Debug)]
pub(super) struct Automata {
    /// names and ambiguous names (and their leet variants) over `compact`
    pub ac: Option<AhoCorasick>,
    /// the same names as an anchored leftmost-longest DFA, walked directly
    /// (no search set-up per start): the fast first pass of the scan, run
    /// only where [`Automata::name_starts`] allows
    pub ac_ll: Option<aho_corasick::nfa::contiguous::NFA>,
    /// the first bytes of every name (where an anchored search can succeed)
    pub name_starts: NameStarts,
    /// longest name in `compact` bytes
    pub max_name: usize,
    pub pats: Vec<PatInfo>,
    /// context terms over `compact`, searched only in the windows of the
    /// candidates that need them (`requires`/`cancel`): common words such as
    /// "price" or "payment" would otherwise be most of the automaton's matches
    pub ctx_ac: Option<AhoCorasick>,
    pub ctx_pats: Vec<PatInfo>,
    /// letter-only names with 'l' folded to 'i', searched only in the small
    /// windows around in-word digits (keeps the main automaton small)
    pub leet_ac: Option<AhoCorasick>,
    pub leet_pats: Vec<PatInfo>,
    pub max_ctx: usize,
    /// longest leet pattern in bytes (bounds the leet windows)
    pub max_pat: usize,
    /// all pack regexes as one multi-pattern lazy DFA (no prefilter: the
    /// regexes' many literal prefixes make one that fires constantly)
    pub set: Option<meta::Regex>,
    /// (regex, rule index) in `set` order
    pub regexes: Vec<(LazyRegex, u32)>,
    /// per regex of `regexes`: it has a `(?P<name>…)` group, and the name a
    /// substitute pattern captures there is an unlisted lead
    pub capturing: Vec<bool>,
    pub cas: cas::CasIndex,
    /// canonical CAS -> rules listing it (exclude rules included)
    pub cas_rules: HashMap<String, Vec<u32>>,
    /// every name and ambiguous name in compact form: a substitute name that
    /// is one of them is known, not a lead (even where its context was missing)
    pub known_names: HashSet<String>,
}

/// Where a name can start in `compact`: the first three bytes of every
/// name (two-byte names with any third byte) hashed into a 64 Ki-bit set
/// (8 KiB, stays in L1; the bundled packs fill under 1% of it), and the
/// one-byte names. A position none of them allows is not searched at all:
/// in ordinary text 8% of positions pass, against 38% with two-byte prefixes.
#[derive(Debug, Clone)]
pub(super) struct NameStarts {
    singles: [bool; 256],
    any_single: bool,
    triples: Vec<u64>,
}

impl NameStarts {
    fn new(strings: &[String]) -> NameStarts {
        let mut t = NameStarts {
            singles: [false; 256],
            any_single: false,
            triples: vec![0; 1 << 10],
        };
        for s in strings.iter().map(String::as_bytes) {
            match *s {
                [] => {}
                [a] => t.singles[usize::from(a)] = true,
                [a, b] => (0..=255).for_each(|c| t.set(NameStarts::key(a, b, c))),
                [a, b, c, ..] => t.set(NameStarts::key(a, b, c)),
            }
        }
        t.any_single = t.singles.contains(&true);
        t
    }

    /// The window `[a, b, c]` as the integer the set is hashed from.
    fn key(a: u8, b: u8, c: u8) -> u32 {
        u32::from(a) << 16 | u32::from(b) << 8 | u32::from(c)
    }

    fn bit(key: u32) -> (usize, u64) {
        let h = (key.wrapping_mul(0x9E37_79B1) >> 16) as usize;
        (h >> 6, 1 << (h & 63))
    }

    fn set(&mut self, key: u32) {
        let (w, m) = NameStarts::bit(key);
        self.triples[w] |= m;
    }

    /// True when some name may start at `hay[i]` (bytes past the end read
    /// as 0, which no name holds).
    #[inline]
    pub fn may_start(&self, hay: &[u8], i: usize) -> bool {
        let byte = |k: usize| hay.get(k).copied().unwrap_or(0);
        let (a, b, c) = (byte(i), byte(i + 1), byte(i + 2));
        let (w, m) = NameStarts::bit(NameStarts::key(a, b, c));
        let hit = self.triples.get(w).is_some_and(|&x| x & m != 0);
        hit || (self.any_single && self.singles[usize::from(a)])
    }
}

/// Deduplicated automaton patterns and what each stands for.
#[derive(Default)]
struct PatternTable {
    strings: Vec<String>,
    pats: Vec<PatInfo>,
    index: HashMap<String, usize>,
}

impl PatternTable {
    fn add(&mut self, s: String, t: Target, chem: bool) {
        let i = match self.index.get(&s) {
            Some(&i) => i,
            None => {
                self.pats.push(pat_info(&s));
                self.strings.push(s.clone());
                self.index.insert(s, self.pats.len() - 1);
                self.pats.len() - 1
            }
        };
        self.pats[i].targets.push(t);
        self.pats[i].chem |= chem;
    }
    fn max_len(&self) -> usize {
        self.strings.iter().map(String::len).max().unwrap_or(0)
    }
}

fn pat_info(s: &str) -> PatInfo {
    let first = s.chars().next().unwrap_or('a');
    let last = s.chars().next_back().unwrap_or('a');
    PatInfo {
        targets: Vec::new(),
        latin_start: !is_cjk(first),
        latin_end: !is_cjk(last),
        chem: false,
    }
}

/// A rule index as the engine stores it. Rules live in memory, so there are
/// far fewer than 2^32 of them; the conversion saturates all the same.
fn idx(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// Per-rule facts, with context set names resolved to indices.
pub(super) fn rule_infos(rules: &[RuleSpec], context_names: &[String]) -> Result<Vec<RuleInfo>, BuildError> {
    let by_name: HashMap<&str, u32> = context_names
        .iter()
        .enumerate()
        .rev()
        .map(|(i, n)| (n.as_str(), idx(i)))
        .collect();
    let mut first_of_id: HashMap<&str, u32> = HashMap::new();
    for (ri, r) in rules.iter().enumerate() {
        first_of_id.entry(r.id.as_str()).or_insert(idx(ri));
    }
    let mut out = Vec::with_capacity(rules.len());
    for (ri, r) in rules.iter().enumerate() {
        // the rule `same_as` names, one step (no chains)
        let same = |r: &RuleSpec| {
            let id = r.same_as.as_deref()?;
            first_of_id.get(id).map(|&i| &rules[i as usize])
        };
        let resolve = |names: &[String]| -> Result<Vec<u32>, BuildError> {
            names
                .iter()
                .map(|n| {
                    by_name
                        .get(n.as_str())
                        .copied()
                        .ok_or_else(|| BuildError::UnknownContext {
                            rule: ri,
                            set: n.clone(),
                        })
                })
                .collect()
        };
        out.push(RuleInfo {
            id: r.id.clone(),
            category: r.category.clone(),
            weight: r.weight,
            window: r.window,
            exclude: r.exclude,
            cas: same(r).and_then(|t| t.cas.first()).or(r.cas.first()).cloned(),
            requires: resolve(&r.requires)?,
            cancel: resolve(&r.cancel)?,
            negated_by: resolve(&r.negated_by)?,
            score_key: first_of_id[same(r).map_or(r.id.as_str(), |t| t.id.as_str())],
            chem: is_chemical(&r.category),
        });
    }
    Ok(out)
}

/// The engine's own rules for unlisted leads, appended after the `n` pack
/// rules: index `n` is [`super::UNLISTED_CAS`], `n + 1` [`super::UNLISTED_SUBSTITUTE`].
pub(super) fn unlisted_rules(n: usize) -> [RuleInfo; 2] {
    let rule = |id: &str, i: usize| RuleInfo {
        id: id.to_string(),
        category: super::UNLISTED.to_string(),
        weight: 0.0,
        window: super::DEFAULT_WINDOW,
        exclude: false,
        cas: None,
        requires: Vec::new(),
        cancel: Vec::new(),
        negated_by: Vec::new(),
        score_key: idx(i),
        chem: false,
    };
    [rule(super::UNLISTED_CAS, n), rule(super::UNLISTED_SUBSTITUTE, n + 1)]
}

/// Every automaton, regex and index the scan uses.
pub(super) fn automata(rules: &[RuleSpec], contexts: &[ContextSpec]) -> Result<Automata, BuildError> {
    let (main, leet, ctx) = pattern_tables(rules, contexts);
    let known_names = main.strings.iter().cloned().collect();
    use AhoCorasickKind::{ContiguousNFA, DFA};
    let name_parts = || largest_names(rules);
    let ac_ll = if main.strings.is_empty() {
        None
    } else {
        let dfa = aho_corasick::nfa::contiguous::Builder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&main.strings);
        Some(dfa.map_err(|e| BuildError::TooLarge {
            what: "name automaton",
            culprits: name_parts(),
            message: e.to_string(),
        })?)
    };
    // Only the rare fallback searches it: a contiguous NFA builds faster than a DFA.
    let ac = build_ac(
        &main.strings,
        (ContiguousNFA, StartKind::Unanchored),
        MatchKind::Standard,
        "name automaton",
        name_parts,
    )?;
    let ctx_parts = || largest_contexts(contexts);
    let ctx_ac = build_ac(
        &ctx.strings,
        (DFA, StartKind::Unanchored),
        MatchKind::Standard,
        "context term automaton",
        ctx_parts,
    )?;
    let leet_ac = build_ac(
        &leet.strings,
        // searched only in the small windows around in-word digits: an NFA
        // is a fraction of the DFA's memory (3 MB with the bundled packs)
        (ContiguousNFA, StartKind::Unanchored),
        MatchKind::Standard,
        "leetspeak automaton",
        name_parts,
    )?;
    let (set, regexes) = regex_set(rules)?;
    let capturing = regexes.iter().map(|(_, _, capturing)| *capturing).collect();
    let regexes = regexes
        .into_iter()
        .map(|(source, rule, _)| {
            let regex = std::sync::OnceLock::new();
            (LazyRegex { source, regex }, rule)
        })
        .collect();
    let (cas, cas_rules) = cas_index(rules);
    Ok(Automata {
        ac,
        ac_ll,
        name_starts: NameStarts::new(&main.strings),
        max_name: main.max_len(),
        max_ctx: ctx.max_len(),
        max_pat: leet.max_len(),
        pats: main.pats,
        ctx_ac,
        ctx_pats: ctx.pats,
        leet_ac,
        leet_pats: leet.pats,
        set,
        regexes,
        capturing,
        cas,
        cas_rules,
        known_names,
    })
}

/// Names (main and leet tables) and context terms in compact form.
fn pattern_tables(rules: &[RuleSpec], contexts: &[ContextSpec]) -> (PatternTable, PatternTable, PatternTable) {
    let mut main = PatternTable::default();
    let mut leet = PatternTable::default();
    let mut ctx = PatternTable::default();
    for (ri, r) in rules.iter().enumerate() {
        let chem = is_chemical(&r.category);
        let own: HashSet<String> = r.names.iter().map(|n| normalise::normalise_compact(n)).collect();
        let ri = idx(ri);
        for (list, what) in [(&r.names, What::Name(ri)), (&r.ambiguous, What::Ambiguous(ri))] {
            for n in list {
                let c = normalise::normalise_compact(n);
                if c.is_empty() || (chem && salt_of_own_name(&c, &own)) {
                    continue;
                }
                if leet_candidate(&c) {
                    // the leet view folds every 'l' to 'i' (1 reads as i or l)
                    leet.add(c.replace('l', "i"), Target { what, leet: true }, chem);
                }
                main.add(c, Target { what, leet: false }, chem);
            }
        }
    }
    for (ci, cs) in contexts.iter().enumerate() {
        for t in &cs.terms {
            let c = normalise::normalise_compact(t);
            if !c.is_empty() {
                let what = What::Context(idx(ci));
                ctx.add(c, Target { what, leet: false }, false);
            }
        }
    }
    (main, leet, ctx)
}

/// Salt and form words a chemical name can end with, in compact form.
const SALT_SUFFIXES: &[&str] = &[
    "盐酸盐",
    "硫酸盐",
    "氢溴酸盐",
    "枸橼酸盐",
    "柠檬酸盐",
    "草酸盐",
    "一水合物",
    "hydrochloride",
    "hcl",
    "sulfate",
    "sulphate",
    "hydrobromide",
    "citrate",
    "oxalate",
    "monohydrate",
];

/// True when `name` is another name of the same rule followed by a salt or
/// form word ("麻黄碱盐酸盐" beside "麻黄碱"). Such a name adds nothing (the
/// salt is the same substance) and, in a script without word boundaries, its
/// length would beat a different substance it overlaps ("伪麻黄碱盐酸盐"
/// holds "麻黄碱盐酸盐"), so it is left out.
fn salt_of_own_name(name: &str, own: &HashSet<String>) -> bool {
    SALT_SUFFIXES
        .iter()
        .filter_map(|s| name.strip_suffix(s))
        .any(|stem| !stem.is_empty() && own.contains(stem))
}

/// Rules whose names are chemical names: watched substances, commodities
/// and the close names that are excluded.
pub(super) fn is_chemical(category: &str) -> bool {
    category.starts_with("precursor.")
        || category.starts_with("drug.")
        || category == "commodity"
        || category == "exclude"
}

/// Names the leet view can find: ASCII letters and digits with at least three
/// letters. The view folds only digits inside words, so the digits a name
/// really has ("4" in "N-phenethyl-4-piperidone") stay digits.
fn leet_candidate(c: &str) -> bool {
    c.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && c.bytes().filter(u8::is_ascii_lowercase).count() >= 3
}

fn build_ac(
    strings: &[String],
    (kind, start): (AhoCorasickKind, StartKind),
    mk: MatchKind,
    what: &'static str,
    culprits: impl Fn() -> Vec<(Part, usize)>,
) -> Result<Option<AhoCorasick>, BuildError> {
    if strings.is_empty() {
        return Ok(None);
    }
    AhoCorasick::builder()
        .kind(Some(kind))
        .start_kind(start)
        .match_kind(mk)
        .build(strings)
        .map(Some)
        .map_err(|e| BuildError::TooLarge {
            what,
            culprits: culprits(),
            message: e.to_string(),
        })
}

/// The three largest of `sizes`, largest first (ties by position).
fn top3(mut sizes: Vec<(Part, usize)>) -> Vec<(Part, usize)> {
    sizes.sort_by_key(|s| std::cmp::Reverse(s.1));
    sizes.truncate(3);
    sizes
}

/// Rules by the bytes of their names.
fn largest_names(rules: &[RuleSpec]) -> Vec<(Part, usize)> {
    let size = |r: &RuleSpec| r.names.iter().chain(&r.ambiguous).map(String::len).sum();
    top3(
        rules
            .iter()
            .enumerate()
            .map(|(i, r)| (Part::Rule(i), size(r)))
            .collect(),
    )
}

/// Context sets by the bytes of their terms.
fn largest_contexts(contexts: &[ContextSpec]) -> Vec<(Part, usize)> {
    let size = |c: &ContextSpec| c.terms.iter().map(String::len).sum();
    top3(
        contexts
            .iter()
            .enumerate()
            .map(|(i, c)| (Part::Context(i), size(c)))
            .collect(),
    )
}

/// The syntax and engine settings of the regex set (also used to try a
/// regex alone when the set fails).
fn set_builder() -> meta::Builder {
    // The set only says which regexes match: no capture slots. With them,
    // a fallback to the PikeVM (where the lazy DFA gives up) would allocate
    // states x slots per thread (236 MB with the bundled packs).
    let config = meta::Config::new()
        .match_kind(RaMatchKind::All)
        .auto_prefilter(false)
        .which_captures(regex_automata::nfa::thompson::WhichCaptures::None)
        .nfa_size_limit(Some(SET_SIZE_LIMIT));
    let mut b = meta::Builder::new();
    b.configure(config).syntax(syntax::Config::new().utf8(true));
    b
}

/// The set, and per regex: its source, its rule, and whether it captures a `name`.
type RegexSet = (Option<meta::Regex>, Vec<(String, u32, bool)>);

/// Every pack regex validated alone, and all of them as one set.
fn regex_set(rules: &[RuleSpec]) -> Result<RegexSet, BuildError> {
    let mut parts = Vec::new();
    let mut strs = Vec::new();
    let mut regexes = Vec::new();
    for (ri, r) in rules.iter().enumerate() {
        for (pi, p) in r.patterns.iter().enumerate() {
            let part = Part::Pattern { rule: ri, pattern: pi };
            // compiled here to validate it (and see its groups), kept as source
            let re = compile_pattern(p).map_err(|e| BuildError::Pattern {
                part,
                message: e.to_string(),
            })?;
            let capturing = re.capture_names().any(|n| n == Some("name"));
            parts.push(part);
            // the text regexes see has traditional Chinese folded: so are they
            strs.push(ascii_word_boundaries(&super::hanzi::fold(p)));
            regexes.push((p.clone(), idx(ri), capturing));
        }
    }
    if strs.is_empty() {
        return Ok((None, regexes));
    }
    match set_builder().build_many(&strs) {
        Ok(set) => Ok((Some(set), regexes)),
        Err(e) => Err(blame_set(&parts, &strs, &e)),
    }
}

/// The regex set failed: a regex that fails alone is to blame; otherwise the
/// largest ones together.
fn blame_set(parts: &[Part], strs: &[String], err: &meta::BuildError) -> BuildError {
    for (part, s) in parts.iter().zip(strs) {
        if let Err(e) = set_builder().build(s) {
            return BuildError::Pattern {
                part: *part,
                message: e.to_string(),
            };
        }
    }
    let size = |s: &str| {
        thompson::Compiler::new()
            .configure(thompson::Config::new().nfa_size_limit(Some(SET_SIZE_LIMIT)))
            .build(s)
            .map_or(usize::MAX, |nfa| nfa.memory_usage())
    };
    let sizes = parts.iter().zip(strs).map(|(p, s)| (*p, size(s))).collect();
    let message = match err.size_limit() {
        Some(limit) => format!("together they exceed the limit of {} KiB", limit / 1024),
        None => err.to_string(),
    };
    BuildError::TooLarge {
        what: "regex set",
        culprits: top3(sizes),
        message,
    }
}

type CasRules = (cas::CasIndex, HashMap<String, Vec<u32>>);

/// Watched and excluded CAS numbers, and which rules list each.
fn cas_index(rules: &[RuleSpec]) -> CasRules {
    let mut index = cas::CasIndex::default();
    let mut cas_rules: HashMap<String, Vec<u32>> = HashMap::new();
    for (ri, r) in rules.iter().enumerate() {
        for c in &r.cas {
            if r.exclude {
                index.add_excluded(c);
            } else {
                index.add_watched(c);
            }
            cas_rules.entry(c.clone()).or_default().push(idx(ri));
        }
    }
    (index, cas_rules)
}
