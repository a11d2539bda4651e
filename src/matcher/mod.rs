//! The matcher: finds rule hits in one text, with exact original byte offsets.
//!
//! One pass builds the normalised streams ([`normalise`]); then
//! * one Aho-Corasick DFA over `compact` finds names, ambiguous names and
//!   context terms (overlapping), checked for word boundaries on the ORIGINAL
//!   text, then resolved longest-wins; `exclude` spans suppress what they overlap;
//! * a leet-folded view is built only around in-word digits (`f3ntanyl`) and
//!   searched for letter-only names;
//! * one `RegexSet` over `spaced`, then only the regexes that matched;
//! * the hand-written CAS scanner over `spaced` ([`cas`]);
//! * `requires`/`cancel` windows against context term occurrences;
//! * score and risk by the policy ([`scoring`]).

pub mod cas;
pub mod normalise;
pub mod scoring;

use std::cell::RefCell;
use std::fmt;
use std::str::FromStr;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::rules::{ContextSet, Rule};
use normalise::{utf8_len, Normalised};
use scoring::Policy;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    None,
    Low,
    Medium,
    High,
}

impl Risk {
    pub const ALL: [Risk; 4] = [Risk::None, Risk::Low, Risk::Medium, Risk::High];
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HitKind {
    Name,
    Ambiguous,
    Pattern,
    Cas,
    CasObfuscated,
    CasTruncated,
}

impl HitKind {
    pub const ALL: [HitKind; 6] = [
        HitKind::Name,
        HitKind::Ambiguous,
        HitKind::Pattern,
        HitKind::Cas,
        HitKind::CasObfuscated,
        HitKind::CasTruncated,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            HitKind::Name => "name",
            HitKind::Ambiguous => "ambiguous",
            HitKind::Pattern => "pattern",
            HitKind::Cas => "cas",
            HitKind::CasObfuscated => "cas_obfuscated",
            HitKind::CasTruncated => "cas_truncated",
        }
    }
    pub fn from_name(s: &str) -> Option<HitKind> {
        HitKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for HitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub rule: String,
    pub category: String,
    pub kind: HitKind,
    /// canonical CAS of the substance this hit identifies
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub cas: Option<String>,
    /// the original text as written (`text[start..end]`)
    pub matched: String,
    /// byte offsets into the ORIGINAL text passed to `scan()`
    pub start: usize,
    pub end: usize,
    /// ~60 chars each side of the match, original text, whitespace collapsed
    pub context: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// sorted by start
    pub hits: Vec<Hit>,
    pub score: f64,
    pub risk: Risk,
}

/// Compile one pack regex the way the engine does (see [`ascii_word_boundaries`]).
pub fn compile_pattern(p: &str) -> Result<Regex, regex::Error> {
    regex::RegexBuilder::new(&ascii_word_boundaries(p))
        .size_limit(1 << 22)
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

/// What an automaton pattern stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum What {
    Name(u32),
    Ambiguous(u32),
    Context(u32),
}

#[derive(Debug, Clone, Copy)]
struct Target {
    what: What,
    /// found through the leet view only (the pattern is an l->i variant)
    leet: bool,
}

#[derive(Debug, Clone)]
struct PatInfo {
    targets: Vec<Target>,
    /// the pattern starts/ends with a non-CJK character: needs a word boundary
    latin_start: bool,
    latin_end: bool,
}

/// The compiled matcher of a rule set (built once by `RuleSet`).
#[derive(Debug)]
pub struct Engine {
    /// names and ambiguous names (and their leet variants) over `compact`
    ac: Option<AhoCorasick>,
    /// the same names, leftmost-longest: the fast first pass of `scan_normalised`
    ac_ll: Option<AhoCorasick>,
    /// longest name in `compact` bytes
    max_name: usize,
    pats: Vec<PatInfo>,
    /// context terms over `compact`, searched only in the windows of the
    /// candidates that need them (`requires`/`cancel`): common words such as
    /// "price" or "payment" would otherwise be most of the automaton's matches
    ctx_ac: Option<AhoCorasick>,
    ctx_pats: Vec<PatInfo>,
    /// letter-only names with 'l' folded to 'i', searched only in the small
    /// windows around in-word digits (keeps the main automaton small)
    leet_ac: Option<AhoCorasick>,
    leet_pats: Vec<PatInfo>,
    max_ctx: usize,
    /// longest leet pattern in bytes (bounds the leet windows)
    max_pat: usize,
    /// all pack regexes as one multi-pattern lazy DFA (no prefilter: the
    /// regexes' many literal prefixes make one that fires constantly)
    set: Option<regex_automata::meta::Regex>,
    /// (regex, rule index) in `set` order
    regexes: Vec<(Regex, u32)>,
    cas: cas::CasIndex,
    /// canonical CAS -> rules listing it (exclude rules included)
    cas_rules: std::collections::HashMap<String, Vec<u32>>,
    /// per context set: its name (index = What::Context value)
    context_names: Vec<String>,
    /// per rule: requires / cancel as context set indices
    requires: Vec<Vec<u32>>,
    cancel: Vec<Vec<u32>>,
}

/// Deduplicated automaton patterns and what each stands for.
#[derive(Default)]
struct PatternTable {
    strings: Vec<String>,
    pats: Vec<PatInfo>,
    index: std::collections::HashMap<String, usize>,
}

impl PatternTable {
    fn add(&mut self, s: String, t: Target) {
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
    }
}

/// True for CJK scripts (no word boundaries needed).
#[inline]
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF66..=0xFF9F | 0x20000..=0x3FFFF)
}

/// A character that continues a Latin (non-CJK) word.
#[inline]
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric() && !is_cjk(c)
    }
}

/// Leet digit/symbol -> letter.
#[inline]
fn leet_letter(b: u8) -> Option<u8> {
    Some(match b {
        b'0' => b'o',
        b'1' => b'i',
        b'3' => b'e',
        b'4' => b'a',
        b'5' => b's',
        b'7' => b't',
        b'@' => b'a',
        b'$' => b's',
        _ => return None,
    })
}

impl Engine {
    pub(crate) fn build(rules: &[Rule], contexts: &[ContextSet]) -> Result<Engine, String> {
        let mut main = PatternTable::default();
        let mut leet = PatternTable::default();
        let mut ctx = PatternTable::default();
        for (ri, r) in rules.iter().enumerate() {
            let ri = ri as u32;
            for (list, what) in [(&r.names, What::Name(ri)), (&r.ambiguous, What::Ambiguous(ri))] {
                for n in list {
                    let c = normalise::normalise_compact(n);
                    if c.is_empty() {
                        continue;
                    }
                    if c.bytes().all(|b| b.is_ascii_lowercase()) {
                        // the leet view folds every 'l' to 'i' (1 reads as i or l)
                        leet.add(c.replace('l', "i"), Target { what, leet: true });
                    }
                    main.add(c, Target { what, leet: false });
                }
            }
        }
        for (ci, cs) in contexts.iter().enumerate() {
            for t in &cs.terms {
                let c = normalise::normalise_compact(t);
                if !c.is_empty() {
                    let what = What::Context(ci as u32);
                    ctx.add(c, Target { what, leet: false });
                }
            }
        }
        let (strings, pats) = (main.strings, main.pats);
        let (leet_strings, leet_pats) = (leet.strings, leet.pats);
        let (ctx_strings, ctx_pats) = (ctx.strings, ctx.pats);
        let max_pat = leet_strings.iter().map(String::len).max().unwrap_or(0);
        let max_ctx = ctx_strings.iter().map(String::len).max().unwrap_or(0);
        let build_ac = |strings: &[String], kind: AhoCorasickKind, mk: MatchKind, what: &str| {
            if strings.is_empty() {
                return Ok(None);
            }
            AhoCorasick::builder()
                .kind(Some(kind))
                .match_kind(mk)
                .build(strings)
                .map(Some)
                .map_err(|e| format!("cannot build the {what} automaton: {e}"))
        };
        use AhoCorasickKind::{ContiguousNFA, DFA};
        let ac_ll = build_ac(&strings, DFA, MatchKind::LeftmostLongest, "name")?;
        // Only the rare fallback searches it: a contiguous NFA builds faster than a DFA.
        let ac = build_ac(&strings, ContiguousNFA, MatchKind::Standard, "name")?;
        let max_name = strings.iter().map(String::len).max().unwrap_or(0);
        let ctx_ac = build_ac(&ctx_strings, DFA, MatchKind::Standard, "context term")?;
        let leet_ac = build_ac(&leet_strings, DFA, MatchKind::Standard, "leetspeak")?;

        let mut pattern_strs = Vec::new();
        let mut regexes = Vec::new();
        for (ri, r) in rules.iter().enumerate() {
            for p in &r.patterns {
                let re = compile_pattern(p).map_err(|e| format!("rule {}: regex {p:?}: {e}", r.id))?;
                pattern_strs.push(ascii_word_boundaries(p));
                regexes.push((re, ri as u32));
            }
        }
        let set = if pattern_strs.is_empty() {
            None
        } else {
            use regex_automata::{meta, util::syntax, MatchKind as RaMatchKind};
            let config = meta::Config::new()
                .match_kind(RaMatchKind::All)
                .auto_prefilter(false)
                .nfa_size_limit(Some(1 << 24));
            Some(
                meta::Builder::new()
                    .configure(config)
                    .syntax(syntax::Config::new().utf8(true))
                    .build_many(&pattern_strs)
                    .map_err(|e| format!("cannot build the regex set: {e}"))?,
            )
        };

        let mut cas = cas::CasIndex::default();
        let mut cas_rules: std::collections::HashMap<String, Vec<u32>> = Default::default();
        for (ri, r) in rules.iter().enumerate() {
            for c in &r.cas {
                if r.is_exclude() {
                    cas.add_excluded(c);
                } else {
                    cas.add_watched(c);
                }
                cas_rules.entry(c.clone()).or_default().push(ri as u32);
            }
        }

        let context_names: Vec<String> = contexts.iter().map(|c| c.name.clone()).collect();
        let resolve = |names: &Vec<String>| -> Vec<u32> {
            names
                .iter()
                .filter_map(|n| context_names.iter().position(|c| c == n).map(|i| i as u32))
                .collect()
        };
        let requires = rules.iter().map(|r| resolve(&r.requires)).collect();
        let cancel = rules.iter().map(|r| resolve(&r.cancel)).collect();
        Ok(Engine {
            ac,
            ac_ll,
            max_name,
            pats,
            leet_ac,
            leet_pats,
            ctx_ac,
            ctx_pats,
            max_ctx,
            max_pat,
            set,
            regexes,
            cas,
            cas_rules,
            context_names,
            requires,
            cancel,
        })
    }

    /// Names of the context sets, by index.
    pub fn context_names(&self) -> &[String] {
        &self.context_names
    }
}

/// A candidate hit before resolution.
#[derive(Debug, Clone, Copy)]
struct Cand {
    rule: u32,
    kind: HitKind,
    /// original byte span
    os: usize,
    oe: usize,
    /// `spaced` byte span (for windows)
    ss: usize,
    se: usize,
    /// for CAS hits: index into the CAS strings found
    cas: Option<u32>,
}

/// An occurrence of a context term.
#[derive(Debug, Clone, Copy)]
struct Occ {
    set: u32,
    ss: usize,
    se: usize,
}

fn pat_info(s: &str) -> PatInfo {
    let first = s.chars().next().unwrap_or('a');
    let last = s.chars().next_back().unwrap_or('a');
    PatInfo {
        targets: Vec::new(),
        latin_start: !is_cjk(first),
        latin_end: !is_cjk(last),
    }
}

/// Occurrences of context terms in the windows (± `window` characters) of the
/// candidates that have `requires` (ambiguous) or `cancel` sets.
fn context_occurrences<'a>(
    engine: &Engine,
    rules: &[Rule],
    text: &str,
    n: &Normalised,
    cands: impl Iterator<Item = &'a Cand>,
    occ: &mut Vec<Occ>,
) {
    let Some(ac) = &engine.ctx_ac else { return };
    let c2s = &n.compact_to_spaced;
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for c in cands {
        let r = c.rule as usize;
        let needs = (c.kind == HitKind::Ambiguous && !engine.requires[r].is_empty()) || !engine.cancel[r].is_empty();
        if !needs {
            continue;
        }
        // a window of w characters spans at most 4w bytes of `spaced`
        let w = rules[r].window * 4;
        let (sa, sb) = (c.ss.saturating_sub(w), c.se + w);
        let ca = c2s
            .partition_point(|&x| (x as usize) < sa)
            .saturating_sub(engine.max_ctx);
        let cb = (c2s.partition_point(|&x| (x as usize) < sb) + engine.max_ctx).min(c2s.len());
        ranges.push((ca, cb));
    }
    if ranges.is_empty() {
        return;
    }
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (a, b) in ranges {
        match merged.last_mut() {
            Some(m) if a <= m.1 => m.1 = m.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    let compact = n.compact.as_str();
    for (mut a, mut b) in merged {
        while !compact.is_char_boundary(a) {
            a -= 1;
        }
        while !compact.is_char_boundary(b) {
            b += 1;
        }
        for m in ac.find_overlapping_iter(&compact[a..b]) {
            let p = &engine.ctx_pats[m.pattern().as_usize()];
            let (cs, ce) = (a + m.start(), a + m.end());
            if n.splits_expansion(cs, ce) {
                continue;
            }
            let (os, oe) = n.orig_span_compact(text, cs, ce);
            if !boundaries_ok(text, os, oe, p) {
                continue;
            }
            let (ss, se) = n.spaced_span_compact(cs, ce);
            for t in &p.targets {
                if let What::Context(set) = t.what {
                    occ.push(Occ { set, ss, se });
                }
            }
        }
    }
}

/// Word boundaries on the original text around `[os, oe)`.
fn boundaries_ok(text: &str, os: usize, oe: usize, p: &PatInfo) -> bool {
    if p.latin_start {
        if let Some(c) = text[..os].chars().next_back() {
            if is_word_char(c) {
                return false;
            }
        }
    }
    if p.latin_end {
        let mut it = text[oe..].chars();
        if let Some(c) = it.next() {
            if is_word_char(c) {
                // a trailing plural "s" is allowed
                let plural = (c == 's' || c == 'S') && it.next().is_none_or(|d| !is_word_char(d));
                if !plural {
                    return false;
                }
            }
        }
    }
    true
}

/// Characters of `spaced` between two spans (0 when they overlap).
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
    spaced.as_bytes()[from..to]
        .iter()
        .filter(|&&b| (b & 0xC0) != 0x80)
        .count()
        <= window
}

fn near(spaced: &str, occ: &[Occ], sets: &[u32], span: (usize, usize), window: usize) -> bool {
    occ.iter()
        .any(|o| sets.contains(&o.set) && distance(spaced, (o.ss, o.se), span, window))
}

/// ~60 characters each side of `[s, e)`, whitespace collapsed.
pub fn snippet(text: &str, s: usize, e: usize) -> String {
    const SIDE: usize = 60;
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

thread_local! {
    static SCRATCH: RefCell<Normalised> = RefCell::new(Normalised::default());
}

/// Scan `text` with a compiled engine (called by `RuleSet::scan`).
/// Also returns the `exclude` rules that matched (never reported as hits).
pub(crate) fn scan(engine: &Engine, rules: &[Rule], policy: &Policy, text: &str) -> (Verdict, Vec<u32>) {
    SCRATCH.with(|cell| {
        let mut n = cell.borrow_mut();
        n.fill(text);
        let v = scan_normalised(engine, rules, policy, text, &n);
        if n.spaced.capacity() > (8 << 20) {
            *n = Normalised::default();
        }
        v
    })
}

fn scan_normalised(
    engine: &Engine,
    rules: &[Rule],
    policy: &Policy,
    text: &str,
    n: &Normalised,
) -> (Verdict, Vec<u32>) {
    let mut cands: Vec<Cand> = Vec::new();
    let mut occ: Vec<Occ> = Vec::new();

    // 1. names and ambiguous names over `compact`. A leftmost-longest search
    //    (fast, no overlapping bookkeeping) gives the longest name at each
    //    start; it restarts one byte after each match's start so overlapping
    //    names are still seen. Where the longest fails its word boundaries,
    //    the overlapping automaton lists every name starting there instead.
    if let (Some(ll), Some(ac)) = (&engine.ac_ll, &engine.ac) {
        let hay = n.compact.as_str();
        let mut at = 0;
        let consider = |cs: usize, ce: usize, pid: usize, cands: &mut Vec<Cand>, occ: &mut Vec<Occ>| -> bool {
            let p = &engine.pats[pid];
            if n.splits_expansion(cs, ce) {
                return false;
            }
            let (os, oe) = n.orig_span_compact(text, cs, ce);
            if !boundaries_ok(text, os, oe, p) {
                return false;
            }
            let (ss, se) = n.spaced_span_compact(cs, ce);
            push_targets(p, false, os, oe, ss, se, cands, occ);
            true
        };
        while at < hay.len() {
            let Some(m) = ll.find(aho_corasick::Input::new(hay).span(at..hay.len())) else {
                break;
            };
            let (cs, ce) = (m.start(), m.end());
            if !consider(cs, ce, m.pattern().as_usize(), &mut cands, &mut occ) {
                let end = (cs + engine.max_name).min(hay.len());
                for om in ac.find_overlapping_iter(aho_corasick::Input::new(&hay.as_bytes()[..end]).span(cs..end)) {
                    if om.start() == cs && om.end() != ce {
                        consider(cs, om.end(), om.pattern().as_usize(), &mut cands, &mut occ);
                    }
                }
            }
            at = cs + 1;
            while !hay.is_char_boundary(at) {
                at += 1;
            }
        }
        // 2. leetspeak inside words
        if let Some(leet_ac) = &engine.leet_ac {
            leet_pass(engine, leet_ac, text, n, &mut cands, &mut occ);
        }
    }

    // 2b. regex patterns and CAS numbers (kept apart from the name candidates)
    let mut excludes: Vec<(usize, usize)> = Vec::new();
    let mut excluded_rules: Vec<u32> = Vec::new();
    let mut cas_found: Vec<String> = Vec::new();
    let mut others: Vec<Cand> = Vec::new();
    patterns_and_cas(
        engine,
        rules,
        text,
        n,
        &mut others,
        &mut excludes,
        &mut excluded_rules,
        &mut cas_found,
    );

    // 2c. context terms, only in the windows of candidates that need them
    context_occurrences(engine, rules, text, n, cands.iter().chain(&others), &mut occ);

    // 3. ambiguous names need a `requires` context term near them
    cands.retain(|c| {
        c.kind != HitKind::Ambiguous
            || near(
                &n.spaced,
                &occ,
                &engine.requires[c.rule as usize],
                (c.ss, c.se),
                rules[c.rule as usize].window,
            )
    });

    // 4. longest wins among overlapping name candidates
    cands.sort_by(|a, b| {
        (b.oe - b.os)
            .cmp(&(a.oe - a.os))
            .then(a.os.cmp(&b.os))
            .then(a.rule.cmp(&b.rule))
    });
    let mut kept: Vec<Cand> = Vec::with_capacity(cands.len());
    for c in cands {
        let beaten = kept
            .iter()
            .any(|k| k.os < c.oe && c.os < k.oe && (k.os, k.oe) != (c.os, c.oe));
        if !beaten {
            kept.push(c);
        }
    }
    kept.retain(|c| {
        if rules[c.rule as usize].is_exclude() {
            excludes.push((c.os, c.oe));
            excluded_rules.push(c.rule);
            false
        } else {
            true
        }
    });
    let mut cands = kept;
    cands.append(&mut others);

    // 7. exclude spans suppress overlapping substance hits (names and CAS)
    if !excludes.is_empty() {
        cands.retain(|c| c.kind == HitKind::Pattern || !excludes.iter().any(|&(s, e)| s < c.oe && c.os < e));
    }

    // 8. cancel windows
    cands.retain(|c| {
        let cancel = &engine.cancel[c.rule as usize];
        cancel.is_empty() || !near(&n.spaced, &occ, cancel, (c.ss, c.se), rules[c.rule as usize].window)
    });
    finish(rules, policy, text, cands, cas_found, excluded_rules)
}

/// Regex pattern hits over `spaced`, then CAS numbers over `spaced`.
#[allow(clippy::too_many_arguments)]
fn patterns_and_cas(
    engine: &Engine,
    rules: &[Rule],
    text: &str,
    n: &Normalised,
    cands: &mut Vec<Cand>,
    excludes: &mut Vec<(usize, usize)>,
    excluded_rules: &mut Vec<u32>,
    cas_found: &mut Vec<String>,
) {
    // 5. regex patterns over `spaced`
    if let Some(set) = &engine.set {
        let mut which = regex_automata::PatternSet::new(set.pattern_len());
        set.which_overlapping_matches(&regex_automata::Input::new(&n.spaced), &mut which);
        for i in which.iter().map(|p| p.as_usize()) {
            let (re, rule) = &engine.regexes[i];
            for m in re.find_iter(&n.spaced) {
                if m.start() == m.end() {
                    continue;
                }
                let (os, oe) = n.orig_span_spaced(text, m.start(), m.end());
                cands.push(Cand {
                    rule: *rule,
                    kind: HitKind::Pattern,
                    os,
                    oe,
                    ss: m.start(),
                    se: m.end(),
                    cas: None,
                });
            }
        }
    }

    // 6. CAS numbers over `spaced`
    if !engine.cas.is_empty() {
        let mut found = Vec::new();
        cas::scan(&n.spaced, &mut found);
        for f in &found {
            let Some(res) = engine.cas.resolve(f) else {
                continue;
            };
            let (kind, canon) = match res {
                cas::Resolved::Cas(c) => (HitKind::Cas, c),
                cas::Resolved::Obfuscated(c) => (HitKind::CasObfuscated, c),
                cas::Resolved::Truncated(c) => (HitKind::CasTruncated, c),
                cas::Resolved::Excluded(c) => {
                    excludes.push(n.orig_span_spaced(text, f.start, f.end));
                    excluded_rules.extend(engine.cas_rules.get(&c).into_iter().flatten());
                    continue;
                }
            };
            let (os, oe) = n.orig_span_spaced(text, f.start, f.end);
            if let Some(rs) = engine.cas_rules.get(&canon) {
                for &rule in rs.iter().filter(|&&r| !rules[r as usize].is_exclude()) {
                    cands.push(Cand {
                        rule,
                        kind,
                        os,
                        oe,
                        ss: f.start,
                        se: f.end,
                        cas: Some(cas_found.len() as u32),
                    });
                }
            }
            cas_found.push(canon);
        }
    }
}

/// Hits sorted and deduplicated, score and risk.
fn finish(
    rules: &[Rule],
    policy: &Policy,
    text: &str,
    mut cands: Vec<Cand>,
    cas_found: Vec<String>,
    mut excluded_rules: Vec<u32>,
) -> (Verdict, Vec<u32>) {
    // 9. hits, sorted by start, deduplicated by (rule, start, end)
    cands.sort_by(|a, b| a.os.cmp(&b.os).then(a.oe.cmp(&b.oe)).then(a.rule.cmp(&b.rule)));
    cands.dedup_by(|a, b| (a.rule, a.os, a.oe) == (b.rule, b.os, b.oe));
    let hits: Vec<Hit> = cands
        .iter()
        .map(|c| {
            let r = &rules[c.rule as usize];
            Hit {
                rule: r.id.clone(),
                category: r.category.clone(),
                kind: c.kind,
                cas: r
                    .cas
                    .first()
                    .cloned()
                    .or_else(|| c.cas.map(|i| cas_found[i as usize].clone())),
                matched: text[c.os..c.oe].to_string(),
                start: c.os,
                end: c.oe,
                context: snippet(text, c.os, c.oe),
            }
        })
        .collect();

    // 10. score and risk
    let score = scoring::score(cands.iter().map(|c| {
        let r = &rules[c.rule as usize];
        (r.id.as_str(), r.weight)
    }));
    let risk = policy.risk(&hits, score);
    excluded_rules.sort_unstable();
    excluded_rules.dedup();
    (Verdict { hits, score, risk }, excluded_rules)
}

#[allow(clippy::too_many_arguments)]
fn push_targets(
    p: &PatInfo,
    leet: bool,
    os: usize,
    oe: usize,
    ss: usize,
    se: usize,
    cands: &mut Vec<Cand>,
    occ: &mut Vec<Occ>,
) {
    for t in &p.targets {
        if t.leet != leet {
            continue;
        }
        match t.what {
            What::Context(set) => occ.push(Occ { set, ss, se }),
            What::Name(rule) => cands.push(Cand {
                rule,
                kind: HitKind::Name,
                os,
                oe,
                ss,
                se,
                cas: None,
            }),
            What::Ambiguous(rule) => cands.push(Cand {
                rule,
                kind: HitKind::Ambiguous,
                os,
                oe,
                ss,
                se,
                cas: None,
            }),
        }
    }
}

/// Positions in `spaced` of leet digits/symbols inside a word: a letter on at
/// least one side, in an alphanumeric run holding at least three letters.
fn leet_positions(spaced: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    let is_run = |b: u8| b.is_ascii_alphanumeric() || b == b'@' || b == b'$';
    let mut i = 0;
    while i < spaced.len() {
        let b = spaced[i];
        if leet_letter(b).is_none() {
            i += 1;
            continue;
        }
        let left = i > 0 && spaced[i - 1].is_ascii_lowercase();
        let right = i + 1 < spaced.len() && spaced[i + 1].is_ascii_lowercase();
        if !(left || right) {
            i += 1;
            continue;
        }
        let mut a = i;
        while a > 0 && is_run(spaced[a - 1]) {
            a -= 1;
        }
        let mut e = i;
        while e < spaced.len() && is_run(spaced[e]) {
            e += 1;
        }
        if spaced[a..e].iter().filter(|b| b.is_ascii_lowercase()).count() >= 3 {
            for (j, &c) in spaced.iter().enumerate().take(e).skip(a) {
                if leet_letter(c).is_some() {
                    let l = j > a && spaced[j - 1].is_ascii_lowercase();
                    let r = j + 1 < e && spaced[j + 1].is_ascii_lowercase();
                    if l || r {
                        out.push(j);
                    }
                }
            }
        }
        i = e.max(i + 1);
    }
    out
}

/// Search letter-only names in a leet-folded view built around in-word digits.
fn leet_pass(engine: &Engine, ac: &AhoCorasick, text: &str, n: &Normalised, cands: &mut Vec<Cand>, occ: &mut Vec<Occ>) {
    let s = n.spaced.as_bytes();
    let folds = leet_positions(s);
    if folds.is_empty() {
        return;
    }
    // windows around folded positions covering max_pat alphanumeric bytes each side
    let reach = |mut p: usize, forward: bool| {
        let mut count = 0;
        while count < engine.max_pat {
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
    };
    let mut windows: Vec<(usize, usize)> = Vec::new();
    for &f in &folds {
        let (mut a, mut b) = (reach(f, false), reach(f, true));
        while a > 0 && !n.spaced.is_char_boundary(a) {
            a -= 1;
        }
        while b < s.len() && !n.spaced.is_char_boundary(b) {
            b += 1;
        }
        match windows.last_mut() {
            Some(w) if a <= w.1 => w.1 = w.1.max(b),
            _ => windows.push((a, b)),
        }
    }
    let mut buf: Vec<u8> = Vec::new();
    let mut map: Vec<usize> = Vec::new();
    let mut fi = 0;
    for (a, b) in windows {
        buf.clear();
        map.clear();
        let mut q = a;
        while q < b {
            let c = s[q];
            if c < 0x80 {
                while fi < folds.len() && folds[fi] < q {
                    fi += 1;
                }
                let folded = fi < folds.len() && folds[fi] == q;
                if folded {
                    buf.push(leet_letter(c).expect("leet"));
                    map.push(q);
                } else if c.is_ascii_alphanumeric() {
                    buf.push(if c == b'l' { b'i' } else { c });
                    map.push(q);
                }
                q += 1;
            } else {
                let ch = n.spaced[q..].chars().next().expect("boundary");
                let len = ch.len_utf8();
                if ch.is_alphanumeric() {
                    buf.extend_from_slice(&s[q..q + len]);
                    map.extend(std::iter::repeat_n(q, len));
                }
                q += len;
            }
        }
        let Ok(view) = std::str::from_utf8(&buf) else {
            continue;
        };
        for m in ac.find_overlapping_iter(view) {
            let p = &engine.leet_pats[m.pattern().as_usize()];
            if !p.targets.iter().any(|t| t.leet) {
                continue;
            }
            let ss = map[m.start()];
            let last = map[m.end() - 1];
            let se = last + utf8_len(s[last]);
            if folds
                .binary_search_by(|&f| {
                    if f < ss {
                        std::cmp::Ordering::Less
                    } else if f >= se {
                        std::cmp::Ordering::Greater
                    } else {
                        std::cmp::Ordering::Equal
                    }
                })
                .is_err()
            {
                continue;
            }
            let (os, oe) = n.orig_span_spaced(text, ss, se);
            if !boundaries_ok(text, os, oe, p) {
                continue;
            }
            push_targets(p, true, os, oe, ss, se, cands, occ);
        }
    }
}

#[cfg(test)]
mod tests;
