//! CAS Registry Numbers: check digit, and a hand-written scanner over the
//! `spaced` normalised text (no regex).
//!
//! Forms found: `79099-07-3`, `79099 - 07 - 3` (dashes of any kind are already
//! `-` in `spaced`), `79O99-O7-3` (letter O for zero inside a run with a real
//! digit), `CAS 79099 07 3` (spaces only after a CAS keyword), `CAS 79099073`
//! and `CAS79099-07-3` (run together after a keyword), and truncated first
//! blocks (`CAS 79099`, `79099 powder`).

use std::collections::{HashMap, HashSet};

/// True when `cas` is written `\d{2,7}-\d{2}-\d`.
pub fn is_syntactic(cas: &str) -> bool {
    let parts: Vec<&str> = cas.split('-').collect();
    parts.len() == 3
        && (2..=7).contains(&parts[0].len())
        && parts[1].len() == 2
        && parts[2].len() == 1
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

/// The check digit the digits `body` (all digits but the last) call for:
/// weights 1, 2, 3, ... from the right, sum mod 10.
/// Non-digits count as digits modulo 10 (no panic, no overflow on any input).
pub fn check_digit_of(body: &[u8]) -> u8 {
    let sum = body.iter().rev().enumerate().fold(0u32, |acc, (i, d)| {
        let weight = (i % 10) as u32 + 1;
        (acc + weight * u32::from(d.wrapping_sub(b'0') % 10)) % 10
    });
    sum as u8
}

/// True when the ASCII digit string `digits` (no dashes) ends with its check digit.
pub fn digits_ok(digits: &[u8]) -> bool {
    digits.len() >= 5
        && digits.iter().all(u8::is_ascii_digit)
        && check_digit_of(&digits[..digits.len() - 1]) == digits[digits.len() - 1] - b'0'
}

/// The check digit a syntactically valid CAS should end with, or None.
pub fn expected_check_digit(cas: &str) -> Option<u8> {
    if !is_syntactic(cas) {
        return None;
    }
    let d: Vec<u8> = cas.bytes().filter(u8::is_ascii_digit).collect();
    Some(check_digit_of(&d[..d.len() - 1]))
}

/// True when `cas` is `\d{2,7}-\d{2}-\d` and its check digit is right.
pub fn check_digit_ok(cas: &str) -> bool {
    is_syntactic(cas) && expected_check_digit(cas) == cas.bytes().last().map(|b| b - b'0')
}

/// The canonical form ("79099-07-3") of the first valid CAS number written in
/// `text` in any form the scanner knows (spaces, dashes, letter O, keyword...).
pub fn canonical(text: &str) -> Option<String> {
    let n = super::normalise::normalise(text);
    let mut found = Vec::new();
    scan(&n.spaced, &mut found);
    found.into_iter().find_map(|f| match f.form {
        Form::Full { digits, first_len } if digits_ok(digits.as_bytes()) => Some(format_cas(&digits, first_len)),
        Form::RunTogether { digits } if digits_ok(digits.as_bytes()) => {
            Some(format_cas(&digits, digits.len().saturating_sub(3)))
        }
        _ => None,
    })
}

/// `digits` written with dashes after the first block (of `first_len`
/// digits) and after the next two; `digits` unchanged if it is too short.
fn format_cas(digits: &str, first_len: usize) -> String {
    let second = first_len.saturating_add(2);
    match (
        digits.get(..first_len),
        digits.get(first_len..second),
        digits.get(second..),
    ) {
        (Some(a), Some(b), Some(c)) => format!("{a}-{b}-{c}"),
        _ => digits.to_string(),
    }
}

/// One CAS-like number found in `spaced`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// span in `spaced` (the number only, not the keyword)
    pub start: usize,
    /// end of the span (exclusive)
    pub end: usize,
    /// how it was written, with its digits
    pub form: Form,
}

/// How a CAS-like number was written; [`CasIndex::resolve`] decides what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Form {
    /// three groups; `digits` has no dashes, O already turned into 0
    Full {
        /// all digits, without separators
        digits: String,
        /// length of the first group
        first_len: usize,
    },
    /// 5..=10 digits in one run after a CAS keyword
    RunTogether {
        /// the digits
        digits: String,
    },
    /// a lone 4..=7 digit block after a keyword or before a product-form word
    Truncated {
        /// the block's digits
        block: String,
    },
}

#[inline]
fn is_d(b: u8) -> bool {
    b.is_ascii_digit() || b == b'o'
}
#[inline]
fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// Product-form words that make a lone first block a truncated CAS.
const PRODUCT_WORDS: &[&str] = &[
    "powder", "powders", "oil", "oils", "liquid", "liquids", "crystal", "crystals", "solid", "solids", "pill", "pills",
    "bulk", "paste", "tablet", "tablets", "granules", "flakes",
];

/// Keywords (after trailing `[ :#.-]` are stripped) that announce a CAS number.
const KEYWORDS: &[&str] = &["cas no", "cas-no", "casno", "cas number", "cas nr", "cas号", "cas"];

/// A CAS keyword ends right before `at` (separators ` :#.-` allowed between).
fn keyword_before(s: &[u8], at: usize) -> bool {
    let mut p = at;
    let mut skipped = 0;
    while p > 0 && matches!(s[p - 1], b' ' | b':' | b'#' | b'.' | b'-') && skipped < 4 {
        p -= 1;
        skipped += 1;
    }
    let head = &s[..p];
    KEYWORDS.iter().any(|k| {
        let k = k.as_bytes();
        head.ends_with(k) && (head.len() == k.len() || !is_word(head[head.len() - k.len() - 1]))
    })
}

/// The longest product word: a longer run of letters is none of them.
const MAX_PRODUCT_WORD: usize = 8;

/// The first space at or after a position (or the end), remembering the last
/// answer. Each caller asks at increasing positions, so the memo answers
/// every position up to the space it found and each byte is read once: a
/// text of digit blocks without spaces ("1234,1234,...") would otherwise be
/// read to its end once per block.
#[derive(Debug, Default)]
struct NextSpace {
    from: usize,
    at: usize,
}

impl NextSpace {
    fn find(&mut self, s: &[u8], p: usize) -> usize {
        if self.from <= p && p <= self.at && self.at > 0 {
            return self.at;
        }
        let at = memchr::memchr(b' ', &s[p..]).map_or(s.len(), |i| p + i);
        *self = NextSpace { from: p, at };
        at
    }
}

/// A product-form word within the next two words after `at`; `memo` holds
/// one [`NextSpace`] per word.
fn product_word_after(s: &[u8], at: usize, memo: &mut [NextSpace; 2]) -> bool {
    let mut p = at;
    for m in memo.iter_mut() {
        while p < s.len() && matches!(s[p], b' ' | b',' | b'-' | b'(' | b':') {
            p += 1;
        }
        let w0 = p;
        while p < s.len() && p - w0 <= MAX_PRODUCT_WORD && s[p].is_ascii_lowercase() {
            p += 1;
        }
        if p > w0 && PRODUCT_WORDS.iter().any(|w| w.as_bytes() == &s[w0..p]) {
            return true;
        }
        p = m.find(s, p);
    }
    false
}

/// A group `[0-9o]+` with a real digit at `p`, bounded on the right; returns its end.
fn group_at(s: &[u8], p: usize) -> Option<usize> {
    let mut e = p;
    let mut digit = false;
    while e < s.len() && is_d(s[e]) {
        digit |= s[e].is_ascii_digit();
        e += 1;
    }
    (digit && e > p && !(e < s.len() && is_word(s[e]))).then_some(e)
}

/// A separator at `p`: `-` with optional spaces, or (when `spaces_ok`) one space.
fn separator_at(s: &[u8], p: usize, spaces_ok: bool) -> Option<usize> {
    let mut q = p;
    if q < s.len() && s[q] == b' ' {
        q += 1;
    }
    if q < s.len() && s[q] == b'-' {
        q += 1;
        if q < s.len() && s[q] == b' ' {
            q += 1;
        }
        return Some(q);
    }
    (spaces_ok && q == p + 1).then_some(q)
}

fn digits_of(s: &[u8]) -> String {
    s.iter().map(|&b| if b == b'o' { '0' } else { b as char }).collect()
}

/// The first position at or after `i` holding an ASCII digit, or the end.
/// Most text has none for long stretches: 16 bytes are tested at a time,
/// without branches.
fn skip_to_digit(s: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = s.get(i..i + 16).and_then(|c| <&[u8; 16]>::try_from(c).ok()) {
        if chunk.iter().fold(0, |acc, &b| acc | u8::from(b.is_ascii_digit())) != 0 {
            break;
        }
        i += 16;
    }
    while i < s.len() && !s[i].is_ascii_digit() {
        i += 1;
    }
    i
}

/// Find every CAS-like number in `spaced` (see the module documentation).
pub fn scan(spaced: &str, out: &mut Vec<Found>) {
    let s = spaced.as_bytes();
    let n = s.len();
    let mut memo = [NextSpace::default(), NextSpace::default()];
    let mut i = 0;
    while i < n {
        i = skip_to_digit(s, i);
        if i >= n {
            break;
        }
        let mut a = i;
        while a > 0 && is_d(s[a - 1]) {
            a -= 1;
        }
        let mut e = i;
        while e < n && is_d(s[e]) {
            e += 1;
        }
        // "cas79099-07-3": keyword glued to the number
        let glued = a >= 3 && &s[a - 3..a] == b"cas" && (a == 3 || !is_word(s[a - 4]));
        if (!glued && a > 0 && is_word(s[a - 1])) || (e < n && is_word(s[e])) {
            // part of a longer word ("c22h28n2o", "100mg"): skip the word
            while e < n && is_word(s[e]) {
                e += 1;
            }
            i = e;
            continue;
        }
        let keyword = glued || keyword_before(s, a);
        if let Some(found) = full_at(s, a, e, keyword) {
            i = found.end;
            out.push(found);
            continue;
        }
        let len = e - a;
        if keyword && (5..=10).contains(&len) && s[a..e].iter().all(u8::is_ascii_digit) {
            out.push(Found {
                start: a,
                end: e,
                form: Form::RunTogether {
                    digits: digits_of(&s[a..e]),
                },
            });
        } else if (4..=7).contains(&len) && (keyword || product_word_after(s, e, &mut memo)) {
            out.push(Found {
                start: a,
                end: e,
                form: Form::Truncated {
                    block: digits_of(&s[a..e]),
                },
            });
        }
        i = e;
    }
}

/// Three groups starting with the group `[a, e)`.
fn full_at(s: &[u8], a: usize, e: usize, keyword: bool) -> Option<Found> {
    if !(2..=7).contains(&(e - a)) {
        return None;
    }
    let p = separator_at(s, e, keyword)?;
    let e2 = group_at(s, p)?;
    if e2 - p != 2 {
        return None;
    }
    let q = separator_at(s, e2, keyword)?;
    let e3 = group_at(s, q)?;
    if e3 - q != 1 {
        return None;
    }
    let mut digits = digits_of(&s[a..e]);
    digits.push_str(&digits_of(&s[p..e2]));
    digits.push_str(&digits_of(&s[q..e3]));
    Some(Found {
        start: a,
        end: e3,
        form: Form::Full {
            digits,
            first_len: e - a,
        },
    })
}

/// What a found number identifies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// valid and watched
    Cas(String),
    /// fails the check, one substitution/adjacent swap from exactly one watched CAS
    Obfuscated(String),
    /// first block of exactly one watched CAS
    Truncated(String),
    /// valid and listed by an `exclude` rule
    Excluded(String),
    /// valid, written in full, and in no pack: an unlisted substance
    Unlisted(String),
}

/// The watched and excluded CAS numbers of a rule set.
#[derive(Debug, Default, Clone)]
pub struct CasIndex {
    watched: HashSet<String>,
    excluded: HashSet<String>,
    /// (digit count, first block length) -> (digits without dashes, canonical)
    digits: HashMap<(usize, usize), Vec<(String, String)>>,
    by_first_block: HashMap<String, Vec<String>>,
}

impl CasIndex {
    /// Watch `cas` (canonical form): found, near-missed or truncated, it hits.
    pub fn add_watched(&mut self, cas: &str) {
        if !self.watched.insert(cas.to_string()) {
            return;
        }
        let first = cas.split('-').next().unwrap_or_default().to_string();
        let digits: String = cas.chars().filter(char::is_ascii_digit).collect();
        self.digits
            .entry((digits.len(), first.len()))
            .or_default()
            .push((digits, cas.to_string()));
        self.by_first_block.entry(first).or_default().push(cas.to_string());
    }
    /// Exclude `cas` (canonical form): found, it suppresses what it overlaps.
    pub fn add_excluded(&mut self, cas: &str) {
        self.excluded.insert(cas.to_string());
    }
    /// True when no number is watched or excluded (the scan can skip CAS).
    pub fn is_empty(&self) -> bool {
        self.watched.is_empty() && self.excluded.is_empty()
    }

    /// A number of `digits` whose first group is `first_len` long. Only
    /// numbers written with their separators can be `Unlisted`: digits run
    /// together may be a truncation or anything else.
    fn full(&self, digits: &str, first_len: usize, written_full: bool) -> Option<Resolved> {
        let canon = format_cas(digits, first_len);
        if digits_ok(digits.as_bytes()) {
            if self.excluded.contains(&canon) {
                return Some(Resolved::Excluded(canon));
            }
            if self.watched.contains(&canon) {
                return Some(Resolved::Cas(canon));
            }
            // registry numbers never start with 0 ("0086-13-8" is a phone prefix)
            let registry_like = written_full && !digits.starts_with('0');
            return registry_like.then_some(Resolved::Unlisted(canon));
        }
        let mut near: Option<&str> = None;
        let same_shape = self.digits.get(&(digits.len(), first_len)).into_iter().flatten();
        for (d, c) in same_shape {
            if one_edit(d.as_bytes(), digits.as_bytes()) {
                if near.is_some_and(|n| n != c) {
                    return None;
                }
                near = Some(c);
            }
        }
        near.map(|c| Resolved::Obfuscated(c.to_string()))
    }

    fn truncated(&self, block: &str) -> Option<Resolved> {
        match self.by_first_block.get(block).map(Vec::as_slice) {
            Some([one]) => Some(Resolved::Truncated(one.clone())),
            _ => None,
        }
    }

    /// What `f` identifies, if anything watched.
    pub fn resolve(&self, f: &Found) -> Option<Resolved> {
        match &f.form {
            Form::Full { digits, first_len } => self.full(digits, *first_len, true),
            Form::RunTogether { digits } => {
                let split = digits.len().checked_sub(3)?;
                if digits_ok(digits.as_bytes()) {
                    return self.full(digits, split, false);
                }
                if digits.len() <= 7 {
                    if let Some(t) = self.truncated(digits) {
                        return Some(t);
                    }
                }
                if split >= 2 {
                    self.full(digits, split, false)
                } else {
                    None
                }
            }
            Form::Truncated { block } => self.truncated(block),
        }
    }
}

/// `a` and `b` (same length) differ by one substitution or one adjacent swap.
fn one_edit(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut diffs = (0..a.len()).filter(|&i| a[i] != b[i]);
    match (diffs.next(), diffs.next(), diffs.next()) {
        (Some(_), None, _) => true,
        (Some(i), Some(j), None) => j == i + 1 && a[i] == b[j] && a[j] == b[i],
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digit_on_domain_numbers() {
        let good = [
            "437-38-7",
            "990-73-8",
            "39742-60-4",
            "21409-26-7",
            "1609-66-1",
            "23056-29-3",
            "125541-22-2",
            "41661-47-6",
            "40064-34-4",
            "41979-39-9",
            "79099-07-3",
            "19099-93-5",
            "1474-02-8",
            "123-62-6",
            "79-03-8",
            "103-63-9",
            "59708-52-0",
            "56030-54-7",
            "71195-58-9",
            "62-53-3",
            "110-89-4",
            "3612-20-2",
            "675-20-7",
            "5382-16-1",
            "57260-71-6",
            "84358-13-4",
            "103-79-7",
            "103-82-2",
            "4468-48-8",
            "4433-77-6",
            "16648-44-5",
            "25547-51-7",
            "80532-66-7",
            "5449-12-7",
            "4676-39-5",
            "2167189-50-4",
            "13605-48-6",
            "28578-16-7",
            "299-42-3",
            "90-82-4",
            "14838-15-4",
            "94-59-7",
            "120-58-1",
            "120-57-0",
            "20320-59-6",
            "14188-81-9",
            "14680-51-4",
            "95958-84-2",
            "911-65-9",
            "95810-54-1",
            "7361-61-7",
            "1451-82-7",
            "49851-31-2",
        ];
        for c in good {
            assert!(check_digit_ok(c), "{c} should pass");
        }
        assert!(!check_digit_ok("1609-66-5"));
        assert_eq!(expected_check_digit("1609-66-5"), Some(1));
        assert!(!check_digit_ok("2276831-46-9"));
        assert!(!check_digit_ok("79099-7-3"));
        assert!(!check_digit_ok("1-23-4"));
        assert!(!check_digit_ok("79099073"));
    }

    fn found(text: &str) -> Vec<(String, Form)> {
        let n = super::super::normalise::normalise(text);
        let mut v = Vec::new();
        scan(&n.spaced, &mut v);
        v.into_iter()
            .map(|f| {
                let (a, b) = n.orig_span_spaced(text, f.start, f.end);
                (text[a..b].to_string(), f.form)
            })
            .collect()
    }

    fn full(d: &str, fl: usize) -> Form {
        Form::Full {
            digits: d.into(),
            first_len: fl,
        }
    }

    #[test]
    fn scanner_forms() {
        let d = "79099073";
        assert_eq!(found("cas 79099-07-3 ok"), vec![("79099-07-3".into(), full(d, 5))]);
        assert_eq!(found("CAS No. 79099 07 3"), vec![("79099 07 3".into(), full(d, 5))]);
        assert_eq!(found("CAS#79099-07-3"), vec![("79099-07-3".into(), full(d, 5))]);
        assert_eq!(found("CAS79099-07-3"), vec![("79099-07-3".into(), full(d, 5))]);
        assert_eq!(found("x 79099 – 07 – 3"), vec![("79099 – 07 – 3".into(), full(d, 5))]);
        assert_eq!(found("79099—07—3"), vec![("79099—07—3".into(), full(d, 5))]);
        assert_eq!(
            found("７９０９９－０７－３"),
            vec![("７９０９９－０７－３".into(), full(d, 5))]
        );
        assert_eq!(found("79O99-O7-3"), vec![("79O99-O7-3".into(), full(d, 5))]);
        // spaces only without a keyword: not a CAS
        assert_eq!(found("79099 07 3"), vec![]);
        assert_eq!(
            found("cas 79099073"),
            vec![("79099073".into(), Form::RunTogether { digits: d.into() })]
        );
        assert_eq!(
            found("79099 white powder"),
            vec![("79099".into(), Form::Truncated { block: "79099".into() })]
        );
        assert_eq!(found("79099 units"), vec![]);
        // formulas and units are words, not numbers
        assert_eq!(found("C22H28N2O 100mg co2"), vec![]);
    }

    #[test]
    fn resolve_forms() {
        let mut ix = CasIndex::default();
        ix.add_watched("79099-07-3");
        ix.add_watched("39742-60-4");
        ix.add_excluded("3612-20-2");
        let r = |t: &str| {
            let n = super::super::normalise::normalise(t);
            let mut v = Vec::new();
            scan(&n.spaced, &mut v);
            v.iter().filter_map(|f| ix.resolve(f)).collect::<Vec<_>>()
        };
        assert_eq!(r("79099-07-3"), vec![Resolved::Cas("79099-07-3".into())]);
        assert_eq!(r("CAS 79099073"), vec![Resolved::Cas("79099-07-3".into())]);
        assert_eq!(r("79099-07-4"), vec![Resolved::Obfuscated("79099-07-3".into())]);
        assert_eq!(r("79099-03-7"), vec![Resolved::Obfuscated("79099-07-3".into())]);
        assert_eq!(r("79909-07-3"), vec![Resolved::Obfuscated("79099-07-3".into())]);
        assert_eq!(r("CAS 79099"), vec![Resolved::Truncated("79099-07-3".into())]);
        assert_eq!(r("79099 powder"), vec![Resolved::Truncated("79099-07-3".into())]);
        assert_eq!(
            r("3612-20-2 64-17-5"),
            vec![
                Resolved::Excluded("3612-20-2".into()),
                Resolved::Unlisted("64-17-5".into())
            ]
        );
        // only numbers written in full are unlisted: run together, or with a
        // leading zero (a phone prefix), they are nothing
        assert_eq!(r("CAS 64175"), vec![]);
        assert_eq!(r("0086-13-8 64-17-6"), vec![]);
        assert_eq!(canonical("CAS No.: 79099 07 3").as_deref(), Some("79099-07-3"));
    }
}
