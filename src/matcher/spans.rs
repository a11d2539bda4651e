//! The span structures that keep the scan's resolution steps at O(log n)
//! per candidate: kept name spans (longest-wins), the union of exclude spans,
//! context occurrences per set (`requires`/`cancel` windows), and character
//! counts of `spaced` (window distances are in characters).

use std::cell::OnceCell;
use std::collections::BTreeMap;

use super::scan::Occ;

/// Pairwise disjoint spans, keyed by start: the distinct spans longest-wins
/// has kept so far. Because they are disjoint, the kept span with the
/// largest start before `e` also has the largest end, so one predecessor
/// lookup answers "does any kept span overlap `[s, e)`".
#[derive(Debug, Default)]
pub(super) struct DisjointSpans(BTreeMap<usize, usize>);

impl DisjointSpans {
    /// True when a kept span overlaps `[s, e)` without being exactly it
    /// (equal spans are kept together: the same name in two rules).
    pub fn beaten(&self, s: usize, e: usize) -> bool {
        match self.0.range(..e).next_back() {
            Some((&ks, &ke)) => ke > s && (ks, ke) != (s, e),
            None => false,
        }
    }

    /// True when a kept span overlaps `[s, e)`.
    pub fn overlaps(&self, s: usize, e: usize) -> bool {
        self.0.range(..e).next_back().is_some_and(|(_, &ke)| ke > s)
    }

    /// Keep `[s, e)`; the caller only inserts spans that are not `beaten`,
    /// so the spans stay disjoint.
    pub fn insert(&mut self, s: usize, e: usize) {
        self.0.insert(s, e);
    }
}

/// How far before a hit a negation may start, in bytes of `spaced`.
pub(super) const NEGATION_REACH: usize = 48;

/// True when `gap` holds at most three words and no clause break.
fn short_gap(gap: &[u8]) -> bool {
    let Ok(gap) = std::str::from_utf8(gap) else {
        return false;
    };
    let breaks = ['.', ',', ';', ':', '!', '?', '\n', '。', '，', '；', '：', '！', '？'];
    gap.len() <= 32 && !gap.contains(breaks) && gap.split_whitespace().count() <= 3
}

/// The union of a set of spans, as sorted disjoint spans.
#[derive(Debug)]
pub(super) struct SpanUnion(Vec<(usize, usize)>);

impl SpanUnion {
    /// Sort and merge `spans` (overlapping or touching ones are joined: a
    /// non-empty span overlaps the union exactly when it overlaps a member).
    pub fn new(mut spans: Vec<(usize, usize)>) -> SpanUnion {
        spans.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
        for (a, b) in spans {
            match merged.last_mut() {
                Some(m) if a <= m.1 => m.1 = m.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        SpanUnion(merged)
    }

    /// True when `[s, e)` overlaps a span of the union.
    pub fn overlaps(&self, s: usize, e: usize) -> bool {
        let i = self.0.partition_point(|&(a, _)| a < e);
        i > 0 && self.0[i - 1].1 > s
    }
}

/// Character counts over `spaced`: how many characters lie between two byte
/// offsets. ASCII text needs nothing; otherwise the continuation bytes
/// before each 64-byte block are counted once (built on first use).
pub(super) struct CharRank<'a> {
    bytes: &'a [u8],
    blocks: OnceCell<Option<Vec<u32>>>,
}

const BLOCK: usize = 64;

fn is_continuation(b: u8) -> bool {
    (b & 0xC0) == 0x80
}

impl<'a> CharRank<'a> {
    /// Character counts over `bytes` (UTF-8).
    pub fn new(bytes: &'a [u8]) -> CharRank<'a> {
        CharRank {
            bytes,
            blocks: OnceCell::new(),
        }
    }

    /// Continuation bytes before each block; `None` for ASCII text.
    fn blocks(&self) -> Option<&Vec<u32>> {
        self.blocks
            .get_or_init(|| {
                if self.bytes.is_ascii() {
                    return None;
                }
                let mut out = Vec::with_capacity(self.bytes.len() / BLOCK + 1);
                let mut count = 0u32;
                for chunk in self.bytes.chunks(BLOCK) {
                    out.push(count);
                    let c = chunk.iter().filter(|&&b| is_continuation(b)).count();
                    count = count.saturating_add(u32::try_from(c).unwrap_or(u32::MAX));
                }
                Some(out)
            })
            .as_ref()
    }

    /// Characters (non-continuation bytes) in `bytes[..p]`.
    fn leads(&self, p: usize) -> usize {
        let p = p.min(self.bytes.len());
        let Some(blocks) = self.blocks() else {
            return p;
        };
        let k = p / BLOCK;
        let before = blocks.get(k).map_or(0, |&c| c as usize);
        let within = self.bytes[k * BLOCK..p].iter().filter(|&&b| is_continuation(b)).count();
        p - before - within
    }

    /// True when `[from, to)` holds at most `window` characters, counted the
    /// way the windows always were: bytes first (a byte count within the
    /// window, or beyond four times it, decides), then characters.
    pub fn within(&self, from: usize, to: usize, window: usize) -> bool {
        let bytes = to.saturating_sub(from);
        if bytes <= window {
            return true;
        }
        if bytes > window.saturating_mul(4) {
            return false;
        }
        self.leads(to) - self.leads(from) <= window
    }
}

/// Context term occurrences by set, sorted by start, with the running
/// maximum of their ends: "is an occurrence of set S within w characters of
/// this span" becomes one binary search.
pub(super) struct OccIndex {
    sets: Vec<SetOcc>,
}

#[derive(Default)]
struct SetOcc {
    /// (start, end) in `spaced`, sorted by start
    spans: Vec<(usize, usize)>,
    /// `max_end[i]` = the largest end among `spans[..=i]`
    max_end: Vec<usize>,
}

impl OccIndex {
    /// Index `occ` (set numbers below `sets`; others are ignored).
    pub fn new(occ: &[Occ], sets: usize) -> OccIndex {
        let mut by_set: Vec<SetOcc> = (0..sets).map(|_| SetOcc::default()).collect();
        for o in occ {
            if let Some(s) = by_set.get_mut(o.set as usize) {
                s.spans.push((o.ss, o.se));
            }
        }
        for s in &mut by_set {
            s.spans.sort_unstable();
            let mut m = 0;
            s.max_end = s
                .spans
                .iter()
                .map(|&(_, e)| {
                    m = m.max(e);
                    m
                })
                .collect();
        }
        OccIndex { sets: by_set }
    }

    /// True when an occurrence of one of `sets` ends right before `start`
    /// in `spaced`: at most [`NEGATION_REACH`] bytes before it, with at
    /// most three words and no clause break (`.`, `,`, `;`, `!`, `?`, a newline,
    /// CJK full stops and commas) between. Only occurrences starting within
    /// the reach are looked at: a binary search and a bounded scan.
    pub fn negated(&self, spaced: &[u8], sets: &[u32], start: usize) -> bool {
        sets.iter().any(|&set| {
            let Some(so) = self.sets.get(set as usize) else {
                return false;
            };
            let lo = so.spans.partition_point(|&(os, _)| os + NEGATION_REACH < start);
            let hi = so.spans.partition_point(|&(os, _)| os < start);
            so.spans[lo..hi]
                .iter()
                // it ends before the hit with a short gap, or inside it
                // ("no cambiamos" over a hit "cambiamos etiquetas")
                .any(|&(_, oe)| oe > start || short_gap(&spaced[oe..start]))
        })
    }

    /// True when an occurrence of one of `sets` overlaps `span` or lies
    /// within `window` characters of it. An occurrence `o` qualifies exactly
    /// when (o ends after the span starts, or its gap before the span is
    /// within the window) and (o starts before the span ends, or its gap
    /// after the span is within the window). The second condition holds for a
    /// prefix of the occurrences sorted by start, the first is monotone in
    /// the end: so the prefix's largest end decides.
    pub fn near(&self, rank: &CharRank, sets: &[u32], span: (usize, usize), window: usize) -> bool {
        let (ss, se) = span;
        sets.iter().any(|&set| {
            let Some(so) = self.sets.get(set as usize) else {
                return false;
            };
            let i = so
                .spans
                .partition_point(|&(os, _)| os < se || rank.within(se, os, window));
            i > 0 && {
                let end = so.max_end[i - 1];
                end > ss || rank.within(end, ss, window)
            }
        })
    }
}
