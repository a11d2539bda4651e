//! One scan: candidates from every automaton, then context, longest-wins,
//! excludes, cancels, score, risk and budgets. Every step is linear (or
//! n log n) in the text and in the number of candidates; see DESIGN.md.

use std::cell::RefCell;

use aho_corasick::automaton::Automaton;
use aho_corasick::nfa::contiguous::NFA;
use aho_corasick::{AhoCorasick, Anchored, Input};

use super::compile::{Automata, PatInfo, RuleInfo, What};
use super::normalise::{self, is_cjk, utf8_len, Normalised};
use super::scoring::Policy;
use super::spans::{CharRank, DisjointSpans, OccIndex, SpanUnion};
use super::{cas, chem, snippet, Budget, Engine, Hit, HitKind, Limits, Verdict, MAX_TEXT_BYTES};

/// A candidate hit before resolution.
#[derive(Debug, Clone, Copy)]
pub(super) struct Cand {
    pub rule: u32,
    pub kind: HitKind,
    /// original byte span
    pub os: usize,
    pub oe: usize,
    /// `spaced` byte span (for windows)
    pub ss: usize,
    pub se: usize,
    /// for CAS hits: index into the CAS strings found
    pub cas: Option<u32>,
}

/// An occurrence of a context term.
#[derive(Debug, Clone, Copy)]
pub(super) struct Occ {
    pub set: u32,
    pub ss: usize,
    pub se: usize,
}

/// A character that continues a Latin (non-CJK) word. An underscore joins
/// the parts of one handle or file name ("@npp_direct", "bmk_lab"), so a
/// name inside one is not a word of its own.
#[inline]
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '_'
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

thread_local! {
    static SCRATCH: RefCell<Normalised> = RefCell::new(Normalised::default());
}

/// The longest prefix of `text` the engine scans (see [`MAX_TEXT_BYTES`]).
fn scanned_prefix(text: &str) -> &str {
    let mut cut = text.len().min(MAX_TEXT_BYTES);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    &text[..cut]
}

/// Scan `text`; also returns the `exclude` rules that matched.
pub(super) fn scan(engine: &Engine, text: &str, limits: &Limits) -> (Verdict, Vec<usize>) {
    let scanned = scanned_prefix(text);
    SCRATCH.with(|cell| {
        let mut n = cell.borrow_mut();
        n.fill(scanned);
        let scanned = &scanned[..n.source_len()];
        let mut pass = Pass::new(engine, scanned, &n);
        pass.collect();
        let cands = pass.resolve();
        let (mut v, excluded) = pass.finish(cands, limits);
        if scanned.len() < text.len() {
            v.cut_by.push(Budget::TextBytes);
        }
        if n.spaced.capacity() > (8 << 20) {
            *n = Normalised::default();
        }
        (v, excluded)
    })
}

/// The state of one scan.
struct Pass<'a> {
    rules: &'a [RuleInfo],
    a: &'a Automata,
    policy: &'a Policy,
    /// number of context sets
    contexts: usize,
    context_names: &'a [String],
    text: &'a str,
    n: &'a Normalised,
    /// name and ambiguous-name candidates
    names: Vec<Cand>,
    /// pattern and CAS candidates (kept apart from longest-wins)
    others: Vec<Cand>,
    occ: Vec<Occ>,
    excludes: Vec<(usize, usize)>,
    excluded_rules: Vec<u32>,
    cas_found: Vec<String>,
    /// the engine's rules for unlisted CAS numbers and substitute names
    unlisted_cas: u32,
    unlisted_substitute: u32,
}

impl<'a> Pass<'a> {
    fn new(engine: &'a Engine, text: &'a str, n: &'a Normalised) -> Pass<'a> {
        Pass {
            rules: &engine.rules,
            a: &engine.automata,
            policy: &engine.policy,
            contexts: engine.context_names.len(),
            context_names: &engine.context_names,
            text,
            n,
            names: Vec::new(),
            others: Vec::new(),
            occ: Vec::new(),
            excludes: Vec::new(),
            excluded_rules: Vec::new(),
            cas_found: Vec::new(),
            // compile::unlisted_rules appends the two after the pack rules
            unlisted_cas: u32::try_from(engine.rules.len() - 2).unwrap_or(u32::MAX),
            unlisted_substitute: u32::try_from(engine.rules.len() - 1).unwrap_or(u32::MAX),
        }
    }

    /// Every candidate and context occurrence.
    fn collect(&mut self) {
        if let (Some(ll), Some(ac)) = (&self.a.ac_ll, &self.a.ac) {
            self.name_pass(ll, ac);
            if let Some(leet_ac) = &self.a.leet_ac {
                self.leet_pass(leet_ac);
            }
        }
        self.patterns();
        self.cas();
        self.context_occurrences();
    }

    /// Names and ambiguous names over `compact`, tried only where a name can
    /// start: at a word start of the original text ([`word_starts`], exact
    /// by [`Pass::name_start`]) or a CJK character, whose first bytes begin
    /// some name ([`NameStarts`]). There an anchored leftmost-longest search
    /// (fast, no overlapping bookkeeping) gives the longest name; where it
    /// fails its word boundaries, the overlapping automaton lists every name
    /// starting there instead. Each search reads at most the longest name
    /// past its start, so the pass is linear in the text.
    fn name_pass(&mut self, ll: &NFA, ac: &AhoCorasick) {
        let n = self.n;
        let hay = n.compact.as_bytes();
        let mut base = 0;
        while base < hay.len() {
            let end = (base + 64).min(hay.len());
            let mut starts = word_starts(n, self.text.as_bytes(), base, end);
            while starts != 0 {
                let cs = base + starts.trailing_zeros() as usize;
                starts &= starts - 1;
                if self.a.name_starts.may_start(hay, cs) && self.name_start(cs) {
                    self.names_at(ll, ac, cs);
                }
            }
            base = end;
        }
    }

    /// The names starting at `compact` byte `cs`.
    fn names_at(&mut self, ll: &NFA, ac: &AhoCorasick, cs: usize) {
        let hay = self.n.compact.as_bytes();
        let end = (cs + self.a.max_name).min(hay.len());
        let Some((pid, ce)) = longest_at(ll, &hay[..end], cs) else {
            return;
        };
        if !self.consider(cs, ce, pid) {
            for om in ac.find_overlapping_iter(Input::new(&hay[..end]).span(cs..end)) {
                if om.start() == cs && om.end() != ce {
                    self.consider(cs, om.end(), om.pattern().as_usize());
                }
            }
        }
    }

    /// False when no name found at `compact` byte `cs` could pass
    /// [`boundaries_ok`]: a name whose first character is not CJK
    /// (`latin_start`) needs a non-word character before it in the original
    /// text. This must stay implied by `boundaries_ok`'s start check.
    #[inline]
    fn name_start(&self, cs: usize) -> bool {
        let n = self.n;
        let os = n.compact_orig(cs);
        let Some(&prev) = os.checked_sub(1).and_then(|p| self.text.as_bytes().get(p)) else {
            return true;
        };
        if prev < 0x80 && n.compact.as_bytes()[cs] < 0x80 {
            return !prev.is_ascii_alphanumeric();
        }
        let cjk = n.compact.get(cs..).and_then(|c| c.chars().next()).is_some_and(is_cjk);
        cjk || !self.text[..os].chars().next_back().is_some_and(is_word_char)
    }

    /// A name match `[cs, ce)` of `compact`: a candidate when it does not
    /// split an expanded character and has its word boundaries.
    fn consider(&mut self, cs: usize, ce: usize, pid: usize) -> bool {
        let n = self.n;
        let p = &self.a.pats[pid];
        if n.splits_expansion(cs, ce) {
            return false;
        }
        let (os, oe) = n.orig_span_compact(self.text, cs, ce);
        if !boundaries_ok(self.text, os, oe, p) || (p.chem && chem::is_fragment(self.text, os, oe)) {
            return false;
        }
        let (ss, se) = n.spaced_span_compact(cs, ce);
        push_targets(p, false, (os, oe, ss, se), &mut self.names, &mut self.occ);
        true
    }

    /// Regex pattern hits over `spaced`: the set says which regexes match,
    /// only those run again for positions.
    fn patterns(&mut self) {
        let Some(set) = &self.a.set else { return };
        let n = self.n;
        let mut which = regex_automata::PatternSet::new(set.pattern_len());
        set.which_overlapping_matches(&regex_automata::Input::new(&n.spaced), &mut which);
        for i in which.iter().map(|p| p.as_usize()) {
            let (lazy, rule) = &self.a.regexes[i];
            let Some(re) = lazy.get() else { continue };
            if self.a.capturing[i] {
                self.substitutes(re, *rule);
                continue;
            }
            for m in re.find_iter(&n.spaced) {
                if m.start() == m.end() {
                    continue;
                }
                let (os, oe) = n.orig_span_spaced(self.text, m.start(), m.end());
                self.others.push(Cand {
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

    /// The hits of a regex with a `(?P<name>…)` group, and each captured
    /// name as an unlisted substitute candidate (`resolve` drops it where a
    /// pack name was found there).
    fn substitutes(&mut self, re: &regex::Regex, rule: u32) {
        let n = self.n;
        for caps in re.captures_iter(&n.spaced) {
            let Some(m) = caps.get(0).filter(|m| !m.is_empty()) else {
                continue;
            };
            let (os, oe) = n.orig_span_spaced(self.text, m.start(), m.end());
            let (ss, se) = (m.start(), m.end());
            self.others.push(Cand {
                rule,
                kind: HitKind::Pattern,
                os,
                oe,
                ss,
                se,
                cas: None,
            });
            let known = |g: &regex::Match| self.a.known_names.contains(&normalise::normalise_compact(g.as_str()));
            if let Some(g) = caps.name("name").filter(|g| !g.is_empty() && !known(g)) {
                let (os, oe) = n.orig_span_spaced(self.text, g.start(), g.end());
                let (ss, se) = (g.start(), g.end());
                let rule = self.unlisted_substitute;
                self.others.push(Cand {
                    rule,
                    kind: HitKind::Substitute,
                    os,
                    oe,
                    ss,
                    se,
                    cas: None,
                });
            }
        }
    }

    /// CAS numbers over `spaced`.
    fn cas(&mut self) {
        if self.a.cas.is_empty() {
            return;
        }
        let n = self.n;
        let mut found = Vec::new();
        cas::scan(&n.spaced, &mut found);
        for f in &found {
            let Some(res) = self.a.cas.resolve(f) else {
                continue;
            };
            let (kind, canon, unlisted) = match res {
                // the letter O written for a zero is a disguise, like a wrong check digit
                cas::Resolved::Cas(c) if n.spaced.as_bytes()[f.start..f.end].contains(&b'o') => {
                    (HitKind::CasObfuscated, c, false)
                }
                cas::Resolved::Cas(c) => (HitKind::Cas, c, false),
                cas::Resolved::Obfuscated(c) => (HitKind::CasObfuscated, c, false),
                cas::Resolved::Truncated(c) => (HitKind::CasTruncated, c, false),
                cas::Resolved::Unlisted(c) => (HitKind::Cas, c, true),
                cas::Resolved::Excluded(c) => {
                    self.excludes.push(n.orig_span_spaced(self.text, f.start, f.end));
                    self.excluded_rules
                        .extend(self.a.cas_rules.get(&c).into_iter().flatten());
                    continue;
                }
            };
            let (os, oe) = n.orig_span_spaced(self.text, f.start, f.end);
            let cas_index = u32::try_from(self.cas_found.len()).ok();
            // an unlisted number is the engine's own rule's; a watched one, each rule's that lists it
            let own = [self.unlisted_cas];
            let rules: &[u32] = match unlisted {
                true => &own,
                false => self.a.cas_rules.get(&canon).map_or(&[], Vec::as_slice),
            };
            for &rule in rules.iter().filter(|&&r| !self.rules[r as usize].exclude) {
                self.others.push(Cand {
                    rule,
                    kind,
                    os,
                    oe,
                    ss: f.start,
                    se: f.end,
                    cas: cas_index,
                });
            }
            self.cas_found.push(canon);
        }
    }

    /// True when candidate `c` needs context occurrences near it.
    fn needs_context(&self, c: &Cand) -> bool {
        let r = &self.rules[c.rule as usize];
        (c.kind == HitKind::Ambiguous && !r.requires.is_empty()) || !r.cancel.is_empty() || !r.negated_by.is_empty()
    }

    /// Occurrences of context terms in the windows (± `window` characters) of
    /// the candidates that have `requires` (ambiguous) or `cancel` sets. The
    /// windows are merged first, so each byte is searched once.
    fn context_occurrences(&mut self) {
        let Some(ac) = &self.a.ctx_ac else { return };
        let n = self.n;
        let c2s = &n.compact_to_spaced;
        let mut ranges: Vec<(usize, usize)> = Vec::new();
        for c in self.names.iter().chain(&self.others) {
            if !self.needs_context(c) {
                continue;
            }
            // a window of w characters spans at most 4w bytes of `spaced`
            let w = self.rules[c.rule as usize].window.saturating_mul(4);
            let (sa, sb) = (c.ss.saturating_sub(w), c.se.saturating_add(w));
            let ca = c2s
                .partition_point(|&x| (x as usize) < sa)
                .saturating_sub(self.a.max_ctx);
            let cb = (c2s.partition_point(|&x| (x as usize) < sb) + self.a.max_ctx).min(c2s.len());
            ranges.push((ca, cb));
        }
        for (a, b) in merge_ranges(ranges) {
            self.search_context(ac, a, b);
        }
    }

    /// Context terms in `compact[a..b]` (widened to character boundaries).
    fn search_context(&mut self, ac: &AhoCorasick, mut a: usize, mut b: usize) {
        let n = self.n;
        let compact = n.compact.as_str();
        while !compact.is_char_boundary(a) {
            a -= 1;
        }
        while !compact.is_char_boundary(b) {
            b += 1;
        }
        for m in ac.find_overlapping_iter(&compact[a..b]) {
            let p = &self.a.ctx_pats[m.pattern().as_usize()];
            let (cs, ce) = (a + m.start(), a + m.end());
            if n.splits_expansion(cs, ce) {
                continue;
            }
            let (os, oe) = n.orig_span_compact(self.text, cs, ce);
            if !boundaries_ok(self.text, os, oe, p) {
                continue;
            }
            let (ss, se) = n.spaced_span_compact(cs, ce);
            for t in &p.targets {
                if let What::Context(set) = t.what {
                    self.occ.push(Occ { set, ss, se });
                }
            }
        }
    }

    /// Ambiguous names without context go; longest wins among names;
    /// exclude spans suppress substance hits; cancel windows apply. Every
    /// filter keeps the candidates' order (the dedup in `finish` relies on it).
    fn resolve(&mut self) -> Vec<Cand> {
        let rank = CharRank::new(self.n.spaced.as_bytes());
        let occ = OccIndex::new(&self.occ, self.contexts);
        let rules = self.rules;
        let mut names = std::mem::take(&mut self.names);
        names.retain(|c| {
            let r = &rules[c.rule as usize];
            c.kind != HitKind::Ambiguous || occ.near(&rank, &r.requires, (c.ss, c.se), r.window)
        });

        // longest wins among overlapping name candidates
        names.sort_by(|a, b| {
            (b.oe - b.os)
                .cmp(&(a.oe - a.os))
                .then(a.os.cmp(&b.os))
                .then(a.rule.cmp(&b.rule))
        });
        // chemical names compete among themselves, other names among theirs
        let mut kept = [DisjointSpans::default(), DisjointSpans::default()];
        names.retain(|c| {
            let spans = &mut kept[usize::from(rules[c.rule as usize].chem)];
            let keep = !spans.beaten(c.os, c.oe);
            if keep {
                spans.insert(c.os, c.oe);
            }
            keep
        });
        let [_, kept_spans] = kept;
        names.retain(|c| {
            if rules[c.rule as usize].exclude {
                self.excludes.push((c.os, c.oe));
                self.excluded_rules.push(c.rule);
                false
            } else {
                true
            }
        });
        let mut cands = names;
        // a substitute that is a pack name is that name's hit, not a lead
        self.others
            .retain(|c| c.kind != HitKind::Substitute || !kept_spans.overlaps(c.os, c.oe));
        cands.append(&mut self.others);

        // exclude spans suppress overlapping substance hits (names and CAS)
        if !self.excludes.is_empty() {
            let ex = SpanUnion::new(std::mem::take(&mut self.excludes));
            cands.retain(|c| c.kind == HitKind::Pattern || !ex.overlaps(c.os, c.oe));
        }
        cands.retain(|c| {
            let r = &rules[c.rule as usize];
            r.cancel.is_empty() || !occ.near(&rank, &r.cancel, (c.ss, c.se), r.window)
        });
        let spaced = self.n.spaced.as_bytes();
        cands.retain(|c| {
            let r = &rules[c.rule as usize];
            r.negated_by.is_empty() || !occ.negated(spaced, &r.negated_by, c.ss)
        });
        cands
    }

    /// Hits sorted and deduplicated; score and risk over all of them; then
    /// the budgets cut the list.
    fn finish(&mut self, mut cands: Vec<Cand>, limits: &Limits) -> (Verdict, Vec<usize>) {
        // sorted by start, deduplicated by (rule, start, end); the sort is
        // stable, so of equal hits the first found is kept
        cands.sort_by(|a, b| a.os.cmp(&b.os).then(a.oe.cmp(&b.oe)).then(a.rule.cmp(&b.rule)));
        cands.dedup_by(|a, b| (a.rule, a.os, a.oe) == (b.rule, b.os, b.oe));
        let score = self.score(&cands);
        let risk = self.risk(&cands, score);
        let (kept, dropped, cut_by) = cap(&cands, self.rules.len(), limits);
        let hits = kept.iter().map(|c| self.hit(c)).collect();
        let mut excluded: Vec<usize> = self.excluded_rules.iter().map(|&r| r as usize).collect();
        excluded.sort_unstable();
        excluded.dedup();
        let verdict = Verdict {
            hits,
            score,
            risk,
            dropped_hits: dropped,
            cut_by,
        };
        (verdict, excluded)
    }

    /// Sum of the weights of the distinct rules hit (a rule and those
    /// `same_as` it count once, with the larger weight), in order of first
    /// hit (the order fixes the floating-point sum), floored at 0.
    fn score(&self, cands: &[Cand]) -> f64 {
        // per score key (a rule, with the rules `same_as` it): the largest
        // weight hit, added in order of first hit
        let mut best: Vec<Option<f64>> = vec![None; self.rules.len()];
        let mut order: Vec<usize> = Vec::new();
        for c in cands {
            let r = &self.rules[c.rule as usize];
            let key = r.score_key as usize;
            match &mut best[key] {
                Some(w) => *w = w.max(r.weight),
                slot => {
                    *slot = Some(r.weight);
                    order.push(key);
                }
            }
        }
        let sum = order.iter().filter_map(|&k| best[k]).fold(0.0, |a, w| a + w);
        sum.max(0.0)
    }

    /// The policy's risk over the distinct (category, kind) pairs hit.
    fn risk(&self, cands: &[Cand], score: f64) -> super::Risk {
        let mut kinds = vec![0u8; self.rules.len()];
        for c in cands {
            let bit = HitKind::ALL.iter().position(|&k| k == c.kind).unwrap_or(0);
            kinds[c.rule as usize] |= 1 << bit;
        }
        let mut pairs: Vec<(&str, HitKind)> = Vec::new();
        for (r, mask) in self.rules.iter().zip(&kinds) {
            for (bit, &k) in HitKind::ALL.iter().enumerate() {
                if mask & (1 << bit) != 0 {
                    pairs.push((r.category.as_str(), k));
                }
            }
        }
        let mut seen: Vec<(String, bool)> = Vec::new();
        let mut context = |set: &str| {
            if let Some(&(_, b)) = seen.iter().find(|(s, _)| s == set) {
                return b;
            }
            let b = self.context_occurs(set);
            seen.push((set.to_string(), b));
            b
        };
        self.policy.risk_with(&pairs, score, &mut context)
    }

    /// True when a term of the context set `set` occurs anywhere in the text
    /// (for the policy's `context:<set>` selectors). One pass of the context
    /// automaton over `compact`; an unknown set never occurs.
    fn context_occurs(&self, set: &str) -> bool {
        let (Some(ac), Some(want)) = (&self.a.ctx_ac, self.context_names.iter().position(|s| s == set)) else {
            return false;
        };
        let n = self.n;
        ac.find_overlapping_iter(n.compact.as_str()).any(|m| {
            let p = &self.a.ctx_pats[m.pattern().as_usize()];
            let wanted = p.targets.iter().any(|t| t.what == What::Context(want as u32));
            if !wanted || n.splits_expansion(m.start(), m.end()) {
                return false;
            }
            let (os, oe) = n.orig_span_compact(self.text, m.start(), m.end());
            boundaries_ok(self.text, os, oe, p)
        })
    }

    /// The reported hit for candidate `c`.
    fn hit(&self, c: &Cand) -> Hit {
        let r = &self.rules[c.rule as usize];
        let found_cas = || c.cas.and_then(|i| self.cas_found.get(i as usize)).cloned();
        Hit {
            rule: r.id.clone(),
            category: r.category.clone(),
            kind: c.kind,
            cas: r.cas.clone().or_else(found_cas),
            matched: self.text[c.os..c.oe].to_string(),
            start: c.os,
            end: c.oe,
            context: snippet(self.text, c.os, c.oe),
            part: None,
        }
    }
}

/// The longest name starting at `hay[cs]`, as (pattern, end): the anchored
/// leftmost-longest search of `ll`, walked state by state as the crate's own
/// search does (the last match state before the dead state wins; matches
/// that start past `cs`, which the DFA's match states also carry, are not
/// ones). At most `hay.len() - cs` steps.
fn longest_at(ll: &NFA, hay: &[u8], cs: usize) -> Option<(usize, usize)> {
    let mut sid = ll.start_state(Anchored::Yes).ok()?;
    let mut found = None;
    for (at, &b) in hay.iter().enumerate().skip(cs) {
        sid = ll.next_state(Anchored::Yes, sid, b);
        if !ll.is_special(sid) {
            continue;
        }
        if ll.is_dead(sid) {
            break;
        }
        if ll.is_match(sid) {
            let pid = ll.match_pattern(sid, 0);
            if (at + 1).checked_sub(ll.pattern_len(pid)) == Some(cs) {
                found = Some((pid.as_usize(), at + 1));
            }
        }
    }
    found
}

/// Bit `j` set when `compact` byte `base + j` (`base..end`, at most 64) may
/// start a word of the original text: the first byte, or one whose `spaced`
/// byte does not directly follow the previous compact byte's, or (where the
/// original text the block covers is not ASCII) one whose original character
/// does not directly follow the previous one's or that is not ASCII. Where
/// none holds, the character before is the ASCII letter or digit the
/// previous compact byte came from. [`Pass::name_start`] decides exactly.
fn word_starts(n: &Normalised, text: &[u8], base: usize, end: usize) -> u64 {
    let c2s = &n.compact_to_spaced;
    let from = base.max(1);
    let (Some(cur), Some(prev)) = (c2s.get(from..end), c2s.get(from - 1..end - 1)) else {
        return u64::from(base == 0 && end > 0);
    };
    let mut m = u64::from(base == 0);
    let shift = from - base;
    for (j, (&a, &b)) in cur.iter().zip(prev).enumerate() {
        m |= u64::from(a != b.wrapping_add(1)) << (j + shift);
    }
    let (sm, c) = (&n.spaced_map, n.compact.as_bytes());
    let orig = |cs: usize| c2s.get(cs).and_then(|&s| sm.get(s as usize)).map_or(0, |&o| o as usize);
    // the original text from the block's first character to the first byte
    // of its last one
    if text.get(orig(from - 1)..=orig(end - 1)).is_some_and(<[u8]>::is_ascii) {
        return m;
    }
    for (cs, &b) in c.iter().enumerate().take(end).skip(from) {
        let apart = orig(cs) != orig(cs - 1).wrapping_add(1) || b >= 0x80;
        m |= u64::from(apart) << (cs - base);
    }
    m
}

/// Sorted, merged copies of `ranges` (overlapping or touching ones joined).
fn merge_ranges(mut ranges: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (a, b) in ranges {
        match merged.last_mut() {
            Some(m) if a <= m.1 => m.1 = m.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    merged
}

/// The budgets: of the sorted hits, the first `max_hits_per_rule` of each
/// rule, then of those the first `max_hits`. Returns the kept hits, how many
/// were dropped and which budgets dropped them.
fn cap<'c>(cands: &'c [Cand], rules: usize, limits: &Limits) -> (Vec<&'c Cand>, u64, Vec<Budget>) {
    let mut per_rule = vec![0usize; rules];
    let mut kept = Vec::with_capacity(cands.len().min(limits.max_hits));
    let (mut by_rule, mut by_text) = (false, false);
    for c in cands {
        let count = &mut per_rule[c.rule as usize];
        if *count >= limits.max_hits_per_rule {
            by_rule = true;
            continue;
        }
        *count += 1;
        if kept.len() >= limits.max_hits {
            by_text = true;
            continue;
        }
        kept.push(c);
    }
    let dropped = u64::try_from(cands.len() - kept.len()).unwrap_or(u64::MAX);
    let mut cut_by = Vec::new();
    if by_rule {
        cut_by.push(Budget::HitsPerRule);
    }
    if by_text {
        cut_by.push(Budget::HitsPerText);
    }
    (kept, dropped, cut_by)
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

/// The candidates (and context occurrences) a matched automaton pattern
/// stands for; `span` is (original start, end, spaced start, end).
fn push_targets(
    p: &PatInfo,
    leet: bool,
    span: (usize, usize, usize, usize),
    cands: &mut Vec<Cand>,
    occ: &mut Vec<Occ>,
) {
    let (os, oe, ss, se) = span;
    for t in &p.targets {
        if t.leet != leet {
            continue;
        }
        let (rule, kind) = match t.what {
            What::Context(set) => {
                occ.push(Occ { set, ss, se });
                continue;
            }
            What::Name(rule) => (rule, HitKind::Name),
            What::Ambiguous(rule) => (rule, HitKind::Ambiguous),
        };
        cands.push(Cand {
            rule,
            kind,
            os,
            oe,
            ss,
            se,
            cas: None,
        });
    }
}

/// True when leet character `b` with a letter on its left (`l`) or right
/// (`r`) stands for a letter. "@" starting a word is a handle ("@npp_lab").
fn leet_at(b: u8, l: bool, r: bool) -> bool {
    l || (r && b != b'@')
}

/// Positions in `spaced` of leet digits/symbols inside a word: a letter on at
/// least one side, in an alphanumeric run holding at least three letters, or
/// a letter on both sides ("B0c" in "1-B0c-4-AP").
/// Each run is walked at most twice (left to its start, right to its end).
fn leet_positions(spaced: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    let is_run = |b: u8| b.is_ascii_alphanumeric() || b == b'@' || b == b'$';
    let mut i = 0;
    while i < spaced.len() {
        i = skip_to_leet(spaced, i);
        let Some(&b) = spaced.get(i) else { break };
        if leet_letter(b).is_none() {
            i += 1;
            continue;
        }
        let left = i > 0 && spaced[i - 1].is_ascii_lowercase();
        let right = i + 1 < spaced.len() && spaced[i + 1].is_ascii_lowercase();
        if !leet_at(b, left, right) {
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
        // a digit between two letters ("b0c") is leet even in a short word
        let sandwiched = left && right;
        if sandwiched || spaced[a..e].iter().filter(|b| b.is_ascii_lowercase()).count() >= 3 {
            for (j, &c) in spaced.iter().enumerate().take(e).skip(a) {
                if leet_letter(c).is_some() {
                    let l = j > a && spaced[j - 1].is_ascii_lowercase();
                    let r = j + 1 < e && spaced[j + 1].is_ascii_lowercase();
                    if leet_at(c, l, r) {
                        out.push(j);
                    }
                }
            }
        }
        i = e.max(i + 1);
    }
    out
}

/// The first position at or after `i` that may hold a byte [`leet_letter`]
/// folds (`0`-`7`, `@`, `$`), or the end. Most text has none for long
/// stretches: 16 bytes are tested at a time, without branches.
fn skip_to_leet(s: &[u8], mut i: usize) -> usize {
    let maybe = |b: u8| u8::from(b.wrapping_sub(b'0') < 8) | u8::from(b == b'@') | u8::from(b == b'$');
    while let Some(chunk) = s.get(i..i + 16).and_then(|c| <&[u8; 16]>::try_from(c).ok()) {
        if chunk.iter().fold(0, |acc, &b| acc | maybe(b)) != 0 {
            break;
        }
        i += 16;
    }
    while i < s.len() && maybe(s[i]) == 0 {
        i += 1;
    }
    i
}

/// Where the windows around in-word digits start and end: `max_pat` ASCII
/// letters or digits each side of a fold. A short walk finds them in
/// ordinary text; where punctuation runs make the walk long, a binary search
/// over the positions of letters and digits (built once, on first need)
/// keeps each fold at O(log n) whatever the packs' longest name.
pub(super) struct Reach<'s> {
    s: &'s [u8],
    max_pat: usize,
    /// positions of ASCII letters and digits in `s`
    alnum: std::cell::OnceCell<Vec<usize>>,
}

impl<'s> Reach<'s> {
    pub fn new(s: &'s [u8], max_pat: usize) -> Reach<'s> {
        Reach {
            s,
            max_pat,
            alnum: std::cell::OnceCell::new(),
        }
    }

    fn alnum(&self) -> &[usize] {
        self.alnum.get_or_init(|| {
            let positions = self.s.iter().enumerate().filter(|(_, b)| b.is_ascii_alphanumeric());
            positions.map(|(i, _)| i).collect()
        })
    }

    /// The walk's step budget before the binary search takes over.
    fn budget(&self) -> usize {
        self.max_pat.saturating_mul(4).saturating_add(64)
    }

    /// The position of the `max_pat`-th letter or digit after `f` (or the end).
    pub fn forward(&self, f: usize) -> usize {
        let (mut p, mut count) = (f, 0);
        for _ in 0..self.budget() {
            if count >= self.max_pat {
                return p;
            }
            if p >= self.s.len() {
                return self.s.len();
            }
            p += 1;
            count += usize::from(self.s.get(p).is_some_and(u8::is_ascii_alphanumeric));
        }
        if count >= self.max_pat {
            return p;
        }
        let alnum = self.alnum();
        let j = alnum.partition_point(|&x| x <= f);
        alnum
            .get(j.saturating_add(self.max_pat - 1))
            .copied()
            .unwrap_or(self.s.len())
    }

    /// The position of the `max_pat`-th letter or digit before `f` (or 0).
    pub fn backward(&self, f: usize) -> usize {
        let (mut p, mut count) = (f, 0);
        for _ in 0..self.budget() {
            if count >= self.max_pat || p == 0 {
                return p;
            }
            p -= 1;
            count += usize::from(self.s[p].is_ascii_alphanumeric());
        }
        if count >= self.max_pat {
            return p;
        }
        let alnum = self.alnum();
        let j = alnum.partition_point(|&x| x < f);
        j.checked_sub(self.max_pat).map_or(0, |k| alnum[k])
    }
}

impl Pass<'_> {
    /// Letter-only names in a leet-folded view built around in-word digits.
    fn leet_pass(&mut self, ac: &AhoCorasick) {
        let n = self.n;
        let s = n.spaced.as_bytes();
        let folds = leet_positions(s);
        if folds.is_empty() {
            return;
        }
        let reach = Reach::new(s, self.a.max_pat);
        let mut windows: Vec<(usize, usize)> = Vec::new();
        for &f in &folds {
            let (mut a, mut b) = (reach.backward(f), reach.forward(f));
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
        let mut view = LeetView::default();
        let mut fi = 0;
        for (a, b) in windows {
            view.build(n, &folds, &mut fi, a, b);
            self.leet_matches(ac, &view, &folds);
        }
    }

    /// The leet names found in one window's view.
    fn leet_matches(&mut self, ac: &AhoCorasick, view: &LeetView, folds: &[usize]) {
        let Ok(hay) = std::str::from_utf8(&view.buf) else {
            return;
        };
        let s = self.n.spaced.as_bytes();
        for m in ac.find_overlapping_iter(hay) {
            let p = &self.a.leet_pats[m.pattern().as_usize()];
            if !p.targets.iter().any(|t| t.leet) {
                continue;
            }
            let ss = view.map[m.start()];
            let last = view.map[m.end() - 1];
            let se = last + utf8_len(s[last]);
            // the match must cover at least one folded position
            let first_fold = folds.partition_point(|&f| f < ss);
            if folds.get(first_fold).is_none_or(|&f| f >= se) {
                continue;
            }
            let (os, oe) = self.n.orig_span_spaced(self.text, ss, se);
            if !boundaries_ok(self.text, os, oe, p) || (p.chem && chem::is_fragment(self.text, os, oe)) {
                continue;
            }
            push_targets(p, true, (os, oe, ss, se), &mut self.names, &mut self.occ);
        }
    }
}

/// One window of `spaced` with leet digits folded to letters and 'l' to 'i',
/// letters and digits only, each byte mapped back to its `spaced` offset.
#[derive(Default)]
struct LeetView {
    buf: Vec<u8>,
    map: Vec<usize>,
}

impl LeetView {
    /// The view of `spaced[a..b]`; `fi` walks `folds` forward across windows.
    fn build(&mut self, n: &Normalised, folds: &[usize], fi: &mut usize, a: usize, b: usize) {
        let s = n.spaced.as_bytes();
        self.buf.clear();
        self.map.clear();
        let mut q = a;
        while q < b {
            let c = s[q];
            if c < 0x80 {
                while *fi < folds.len() && folds[*fi] < q {
                    *fi += 1;
                }
                if let (true, Some(l)) = (folds.get(*fi) == Some(&q), leet_letter(c)) {
                    self.buf.push(l);
                    self.map.push(q);
                } else if c.is_ascii_alphanumeric() {
                    self.buf.push(if c == b'l' { b'i' } else { c });
                    self.map.push(q);
                }
                q += 1;
            } else {
                let Some(ch) = n.spaced[q..].chars().next() else {
                    break;
                };
                let len = ch.len_utf8();
                if ch.is_alphanumeric() {
                    self.buf.extend_from_slice(&s[q..q + len]);
                    self.map.extend(std::iter::repeat_n(q, len));
                }
                q += len;
            }
        }
    }
}
