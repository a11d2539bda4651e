//! The matcher: finds rule hits in one text, with exact original byte offsets.
//!
//! It depends on nothing else in the crate: its input is a list of
//! [`RuleSpec`]s, [`ContextSpec`]s and a [`scoring::Policy`] (the `rules`
//! module builds them from validated packs), its output a [`Verdict`].
//! `DESIGN.md` beside this file explains how it works and why each step is
//! linear in the text.
//!
//! One pass builds the normalised streams ([`normalise`]); then
//! * one Aho-Corasick DFA over `compact` finds names and ambiguous names,
//!   checked for word boundaries on the ORIGINAL text, then resolved
//!   longest-wins; `exclude` spans suppress what they overlap;
//! * a leet-folded view is built only around in-word digits (`f3ntanyl`) and
//!   searched for letter-only names;
//! * one multi-pattern regex DFA over `spaced`, then only the regexes that matched;
//! * the hand-written CAS scanner over `spaced` ([`cas`]);
//! * `requires`/`cancel` windows against context term occurrences;
//! * score and risk by the policy ([`scoring`]), then the hit budgets ([`Limits`]).

pub mod cas;
mod chem;
mod compile;
mod hanzi;
pub mod normalise;
mod scan;
pub mod scoring;
mod spans;

use std::fmt;
use std::str::FromStr;

use regex::Regex;
use serde::{Deserialize, Serialize};

use compile::{Automata, RuleInfo};
pub use compile::{BuildError, Part};
use scoring::Policy;

/// Default `window` of a rule, in characters of normalised text each side.
pub const DEFAULT_WINDOW: usize = 100;

/// The longest text scanned, in bytes; the rest of a longer text is not
/// scanned and [`Budget::TextBytes`] says so. The normalised streams keep
/// 32-bit offsets, and one byte of text can expand to many (U+FDFA is three
/// bytes that become thirty-three): 128 MiB keeps every offset in range.
pub const MAX_TEXT_BYTES: usize = 128 << 20;

/// How bad a listing looks, from the policy's levels (ordered).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    /// No level of the policy applies.
    None,
    /// Weak signals only (tactics alone, or a substance with benign context).
    Low,
    /// A watched substance is offered.
    Medium,
    /// A watched substance together with a strong tactic.
    High,
}

impl Risk {
    /// Every risk, lowest first (for parsing and listing valid values).
    pub const ALL: [Risk; 4] = [Risk::None, Risk::Low, Risk::Medium, Risk::High];

    /// 0 (none) to 3 (high): the order as a number, as the store indexes it.
    pub fn rank(self) -> i64 {
        self as i64
    }
    /// The lowercase name used in packs, JSON and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::None => "none",
            Risk::Low => "low",
            Risk::Medium => "medium",
            Risk::High => "high",
        }
    }
}

impl fmt::Display for Risk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Risk {
    type Err = String;
    fn from_str(s: &str) -> Result<Risk, String> {
        Risk::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown risk {s:?}; valid values: none, low, medium, high"))
    }
}

/// How a hit was found: policies can select on it (`kind:cas_obfuscated`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HitKind {
    /// A literal name of the rule (`names`).
    Name,
    /// An ambiguous name with a `requires` context term near it.
    Ambiguous,
    /// A pack regex (`patterns`).
    Pattern,
    /// A watched CAS number with a valid check digit.
    Cas,
    /// A number one substitution or adjacent swap from a watched CAS.
    CasObfuscated,
    /// The first block of exactly one watched CAS.
    CasTruncated,
    /// A name that a `tactic.substitute` pattern presents as a substitute
    /// (its `(?P<name>…)` group), when it is no watched name: an emerging lead.
    Substitute,
}

impl HitKind {
    /// Every kind, in a fixed order (for parsing and masks).
    pub const ALL: [HitKind; 7] = [
        HitKind::Name,
        HitKind::Ambiguous,
        HitKind::Pattern,
        HitKind::Cas,
        HitKind::CasObfuscated,
        HitKind::CasTruncated,
        HitKind::Substitute,
    ];
    /// The snake_case name used in packs (`kind:<name>`), JSON and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            HitKind::Name => "name",
            HitKind::Ambiguous => "ambiguous",
            HitKind::Pattern => "pattern",
            HitKind::Cas => "cas",
            HitKind::CasObfuscated => "cas_obfuscated",
            HitKind::CasTruncated => "cas_truncated",
            HitKind::Substitute => "substitute",
        }
    }
    /// The kind named `s`, if any.
    pub fn from_name(s: &str) -> Option<HitKind> {
        HitKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for HitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One reported match of one rule, with where it is in the scanned text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// id of the rule that hit
    pub rule: String,
    /// the rule's category (`precursor.fentanyl`, `tactic.payment`...)
    pub category: String,
    /// how the hit was found
    pub kind: HitKind,
    /// canonical CAS of the substance this hit identifies
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub cas: Option<String>,
    /// the original text as written (`text[start..end]`)
    pub matched: String,
    /// byte offsets into the ORIGINAL text passed to `scan()`
    pub start: usize,
    /// end byte offset (exclusive), on a character boundary
    pub end: usize,
    /// ~60 chars each side of the match, original text, whitespace collapsed
    pub context: String,
    /// The named part of a listing the text came from (`title`,
    /// `description`, a field name); set by the caller, not by `scan`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub part: Option<String>,
}

/// A budget that can cut what a scan reports (see [`Limits`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Budget {
    /// [`Limits::max_hits_per_rule`] dropped hits of some rule.
    #[serde(rename = "max_hits_per_rule")]
    HitsPerRule,
    /// [`Limits::max_hits`] dropped hits of the text.
    #[serde(rename = "max_hits")]
    HitsPerText,
    /// The text was longer than [`MAX_TEXT_BYTES`]; its tail was not scanned.
    #[serde(rename = "max_text_bytes")]
    TextBytes,
}

impl Budget {
    /// The name of the budget as a summary shows it (the `Limits` field name).
    pub fn as_str(self) -> &'static str {
        match self {
            Budget::HitsPerRule => "max_hits_per_rule",
            Budget::HitsPerText => "max_hits",
            Budget::TextBytes => "max_text_bytes",
        }
    }
}

impl fmt::Display for Budget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Per-text budgets on what a scan reports. A hostile page can hold a
/// million matches; the score and risk are still computed on all of them,
/// only the list of hits is cut (deterministically: the first
/// `max_hits_per_rule` of each rule by position, then the first `max_hits`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limits {
    /// Hits reported per rule per text (default 100).
    pub max_hits_per_rule: usize,
    /// Hits reported per text (default 1000).
    pub max_hits: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_hits_per_rule: 100,
            max_hits: 1000,
        }
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// The result of scanning one text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// sorted by start (then end, then rule); at most the budgets
    pub hits: Vec<Hit>,
    /// sum of the weights of the distinct rules hit (all of them, budgets or
    /// not), floored at 0
    pub score: f64,
    /// the first policy level that holds, over all hits found
    pub risk: Risk,
    /// hits found but not reported because a budget cut them
    #[serde(default, skip_serializing_if = "is_zero")]
    pub dropped_hits: u64,
    /// the budgets that cut something, in [`Budget`] order; empty when none did
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cut_by: Vec<Budget>,
}

/// What the engine needs to know about one rule: its identity, how it scores,
/// and what it matches. The `rules` module builds one per validated pack
/// rule; the engine does no validation of its own beyond what it must to
/// build its automata (see [`BuildError`]).
#[derive(Debug, Clone, PartialEq)]
pub struct RuleSpec {
    /// stable rule id, reported on hits
    pub id: String,
    /// category reported on hits and selected by the policy
    pub category: String,
    /// score contribution when the rule hits
    pub weight: f64,
    /// watched CAS numbers; the first is the canonical CAS reported on hits
    pub cas: Vec<String>,
    /// literal names: always count
    pub names: Vec<String>,
    /// literal names that count only with a `requires` context term near
    pub ambiguous: Vec<String>,
    /// regexes over the `spaced` text
    pub patterns: Vec<String>,
    /// context set names needed near `ambiguous` names
    pub requires: Vec<String>,
    /// context set names that cancel any hit of this rule when near
    pub cancel: Vec<String>,
    /// context set names of negations: a hit with one ending right before
    /// it (at most three words between, same clause) is dropped
    pub negated_by: Vec<String>,
    /// characters of normalised text each side for `requires`/`cancel`
    pub window: usize,
    /// an exclude rule: never reported, suppresses the substance hits it overlaps
    pub exclude: bool,
    /// the id of a rule naming the same substance: hits report its canonical
    /// CAS and the score counts both rules once (an unknown id is ignored)
    pub same_as: Option<String>,
}

impl Default for RuleSpec {
    fn default() -> RuleSpec {
        RuleSpec {
            id: String::new(),
            category: String::new(),
            weight: 0.0,
            cas: Vec::new(),
            names: Vec::new(),
            ambiguous: Vec::new(),
            patterns: Vec::new(),
            requires: Vec::new(),
            cancel: Vec::new(),
            negated_by: Vec::new(),
            window: DEFAULT_WINDOW,
            exclude: false,
            same_as: None,
        }
    }
}

/// A named set of context terms that rules `require` or `cancel` on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ContextSpec {
    /// the name rules refer to
    pub name: String,
    /// the terms, normalised like names
    pub terms: Vec<String>,
}

/// Compile one pack regex the way the engine does: traditional Chinese
/// folded to simplified, as in the text it runs on (so the loader checks
/// what the engine runs: a folded class range must still be valid), and
/// ASCII word boundaries (see [`ascii_word_boundaries`]).
pub fn compile_pattern(p: &str) -> Result<Regex, regex::Error> {
    regex::RegexBuilder::new(&ascii_word_boundaries(&hanzi::fold(p)))
        .size_limit(compile::REGEX_SIZE_LIMIT)
        .build()
}

/// Rewrite `\b` and `\B` outside character classes to their ASCII forms
/// `(?-u:\b)`/`(?-u:\B)`, and `\d`, `\w`, `\s` to ASCII classes. A Unicode
/// word boundary stops the lazy DFA on every non-ASCII byte and sends the
/// regex crate to its PikeVM (~10x slower); Unicode classes blow up the DFA's
/// states. In `spaced` text accents are gone, full-width digits are ASCII and
/// whitespace is one ' ', and a Latin word directly next to a CJK character
/// ("cas号") is better treated as bounded anyway.
pub fn ascii_word_boundaries(p: &str) -> String {
    let b = p.as_bytes();
    let mut out = String::with_capacity(p.len() + 16);
    let mut class_depth = 0usize;
    let mut i = 0;
    let mut last = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if i + 1 < b.len() => {
                let next = b[i + 1];
                let ascii = match next {
                    b'b' | b'B' => class_depth == 0 && b.get(i + 2) != Some(&b'{'),
                    // positive Perl classes only: their negations would match
                    // non-ASCII bytes one by one
                    b'd' | b'w' | b's' => true,
                    _ => false,
                };
                if ascii {
                    out.push_str(&p[last..i]);
                    out.push_str(match (next, class_depth) {
                        (b'b', _) => "(?-u:\\b)",
                        (b'B', _) => "(?-u:\\B)",
                        (b'd', 0) => "[0-9]",
                        (b'd', _) => "0-9",
                        (b'w', 0) => "[0-9A-Za-z_]",
                        (b'w', _) => "0-9A-Za-z_",
                        (b's', 0) => "[\\t\\n\\x0B\\x0C\\r ]",
                        _ => "\\t\\n\\x0B\\x0C\\r ",
                    });
                    last = i + 2;
                }
                i += 2;
                continue;
            }
            b'[' => {
                // "[]...]" and "[^]...]": a leading ']' is a literal
                class_depth += 1;
                i += 1;
                if b.get(i) == Some(&b'^') {
                    i += 1;
                }
                if b.get(i) == Some(&b']') {
                    i += 1;
                }
                continue;
            }
            b']' if class_depth > 0 => class_depth -= 1,
            _ => {}
        }
        i += 1;
    }
    out.push_str(&p[last..]);
    out
}

/// The category of the engine's own hits for substances no pack watches: a
/// valid CAS number in no pack (rule [`UNLISTED_CAS`]) and a name presented
/// as a substitute (rule [`UNLISTED_SUBSTITUTE`]). They weigh nothing and are
/// in no class of the default policy: leads for `precwatch emerging`.
pub const UNLISTED: &str = "unlisted";
/// Rule id of a valid CAS number that no loaded pack lists.
pub const UNLISTED_CAS: &str = "unlisted.cas";
/// Rule id of a name a substitute pattern captured that no pack lists.
pub const UNLISTED_SUBSTITUTE: &str = "unlisted.substitute";

/// True for the categories of watched substances (`precursor.*`, `drug.*`):
/// what summaries and exports list as substances. Commodities, excludes,
/// tactics, context and unlisted leads are not.
pub fn is_watched_substance(category: &str) -> bool {
    category.starts_with("precursor.") || category.starts_with("drug.")
}

/// What a listing names, by class: the watched substances (what summaries
/// and exports call substances), commodities, and unlisted leads. Each list
/// is sorted and distinct; an entry is the canonical CAS, else the rule id
/// (watched, commodity) or the name as written, lowercased (substitutes).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SubstanceLists {
    /// watched substances (`precursor.*`, `drug.*`)
    pub substances: Vec<String>,
    /// commodity chemicals (`commodity`): never counted as substances
    pub commodities: Vec<String>,
    /// CAS numbers in no pack and names presented as substitutes
    pub unlisted: Vec<String>,
}

impl SubstanceLists {
    /// The lists of `hits`.
    pub fn of(hits: &[Hit]) -> SubstanceLists {
        let mut s = SubstanceLists::default();
        for h in hits {
            let key = || h.cas.clone().unwrap_or_else(|| h.rule.clone());
            if is_watched_substance(&h.category) {
                s.substances.push(key());
            } else if h.category == "commodity" {
                s.commodities.push(key());
            } else if h.category == UNLISTED {
                s.unlisted.push(match h.kind {
                    HitKind::Substitute => h
                        .matched
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                        .to_lowercase(),
                    _ => key(),
                });
            }
        }
        for v in [&mut s.substances, &mut s.commodities, &mut s.unlisted] {
            v.sort();
            v.dedup();
        }
        s
    }
}

/// The compiled matcher of a rule set: automata, regexes, CAS index and
/// policy. Immutable and `Send + Sync`: build once, share by `Arc`.
#[derive(Debug)]
pub struct Engine {
    rules: Vec<RuleInfo>,
    automata: Automata,
    policy: Policy,
    /// per context set: its name (index = context set index)
    context_names: Vec<String>,
}

impl Engine {
    /// Compile `rules` and `contexts` (context sets are referred to by name
    /// from `requires`/`cancel`). Indices in a [`BuildError`] are indices into
    /// these slices, so the caller can say which file and line is to blame.
    pub fn build(rules: &[RuleSpec], contexts: &[ContextSpec], policy: Policy) -> Result<Engine, BuildError> {
        let context_names: Vec<String> = contexts.iter().map(|c| c.name.clone()).collect();
        let mut infos = compile::rule_infos(rules, &context_names)?;
        infos.extend(compile::unlisted_rules(rules.len()));
        let automata = compile::automata(rules, contexts)?;
        Ok(Engine {
            rules: infos,
            automata,
            policy,
            context_names,
        })
    }

    /// Names of the context sets, by index.
    pub fn context_names(&self) -> &[String] {
        &self.context_names
    }

    /// The policy that turns hits into a risk.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Scan one text within `limits`. Offsets in the hits are byte offsets
    /// into `text`, and `text[hit.start..hit.end] == hit.matched`.
    pub fn scan(&self, text: &str, limits: &Limits) -> Verdict {
        self.scan_with_excludes(text, limits).0
    }

    /// Like [`Engine::scan`], also giving the indices (into the rules the
    /// engine was built from) of the `exclude` rules that matched: they are
    /// never hits, but a pack's examples check them.
    pub fn scan_with_excludes(&self, text: &str, limits: &Limits) -> (Verdict, Vec<usize>) {
        scan::scan(self, text, limits)
    }
}

/// ~60 characters each side of `[s, e)`, whitespace collapsed: the context a
/// reviewer sees next to a hit. `s` and `e` must be character boundaries.
pub fn snippet(text: &str, s: usize, e: usize) -> String {
    const SIDE: usize = 60;
    let (a, b) = (s.saturating_sub(SIDE), e.saturating_add(SIDE).min(text.len()));
    if let Some(ascii) = text.as_bytes().get(a..b).filter(|t| t.is_ascii()) {
        return ascii_snippet(ascii);
    }
    let a = text[..s].char_indices().rev().take(SIDE).last().map_or(s, |(i, _)| i);
    let b = text[e..].char_indices().nth(SIDE).map_or(text.len(), |(i, _)| e + i);
    let mut out = String::with_capacity(b - a);
    for w in text[a..b].split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// [`snippet`]'s whitespace collapsing for ASCII: what `split_whitespace`
/// and a join with ' ' give, copying whole words.
fn ascii_snippet(t: &[u8]) -> String {
    // the ASCII characters with Unicode's White_Space property
    let ws = |c: &u8| matches!(c, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r');
    let mut out = Vec::with_capacity(t.len());
    for w in t.split(ws).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(b' ');
        }
        out.extend_from_slice(w);
    }
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests;
