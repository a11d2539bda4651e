//! Phone numbers: a hand-written scanner finds number-shaped runs (digits in
//! groups, with `+`, spaces, dashes, dots and parentheses), the keyword
//! context decides whether a run may be a phone, the `phonenumber` crate
//! parses it, and libphonenumber's metadata, compiled in `numbering`,
//! decides whether it is a valid number.
//!
//! A run counts when it has an international prefix (`+`, `00`, or follows
//! `wa.me/`), or when a phone or messenger keyword stands just before it and
//! it parses in the site's country. Near-misses are refused before any
//! parsing: runs glued to letters or other digits, CAS numbers, dates,
//! decimals, and runs labelled as something else (CAS, order, part, price).

use super::keywords::{self, Class, Keyword};
use super::Kind;
use phonenumber::country::Id;
use std::collections::HashMap;

/// Numbers handed to libphonenumber per text. Each parse is a few
/// microseconds, but numbers cycling through many regions evict its shared
/// regex cache and cost about a millisecond each: the budget bounds a
/// hostile page to a fraction of a second. Runs past it are not validated.
pub(super) const MAX_PARSES: usize = 256;

/// Digits read into one run (E.164 allows 15 after the country code; `00` adds 2).
const MAX_DIGITS: usize = 17;
/// Digit groups in one run.
const MAX_GROUPS: usize = 8;
/// Shorter runs are never phone numbers (after `+` or `00`, too).
const MIN_DIGITS: usize = 7;

fn char_at(text: &str, i: usize) -> Option<char> {
    text.get(i..).and_then(|s| s.chars().next())
}

/// An ASCII or full-width digit at `i`: its ASCII form and its byte length.
fn digit_at(text: &str, i: usize) -> Option<(char, usize)> {
    match char_at(text, i)? {
        c @ '0'..='9' => Some((c, 1)),
        c @ '０'..='９' => char::from_digit(u32::from(c) - u32::from('０'), 10).map(|d| (d, 3)),
        _ => None,
    }
}

fn plus_at(text: &str, i: usize) -> Option<usize> {
    match char_at(text, i)? {
        '+' => Some(1),
        '＋' => Some(3),
        _ => None,
    }
}

fn open_paren_at(text: &str, i: usize) -> Option<usize> {
    match char_at(text, i)? {
        '(' => Some(1),
        '（' => Some(3),
        _ => None,
    }
}

/// A separator inside a number; `Some(true)` for spaces and parentheses
/// (soft), `Some(false)` for dashes and dots (hard: at most one between groups).
fn separator(c: char) -> Option<bool> {
    match c {
        ' ' | '\u{a0}' | '\u{3000}' | '(' | ')' | '（' | '）' => Some(true),
        '-' | '.' | '－' | '\u{2010}'..='\u{2015}' => Some(false),
        _ => None,
    }
}

/// One group of digits in a run.
#[derive(Debug, Clone, Copy)]
struct Group {
    /// Byte offset just past its last digit.
    end: usize,
    /// Digits in the run up to and including this group.
    total: usize,
    /// Digits in this group.
    len: usize,
    /// The hard separator before it (`-`, `.`), if any.
    sep: Option<char>,
}

/// A number-shaped run.
#[derive(Debug, Default)]
struct Run {
    start: usize,
    plus: bool,
    digits: String,
    groups: Vec<Group>,
    /// Where scanning goes on after this run.
    resume: usize,
}

/// Reads the run starting at `start` (a digit, `+` or `(`).
fn read_run(text: &str, start: usize) -> Run {
    let mut run = Run {
        start,
        ..Run::default()
    };
    let mut p = start;
    if let Some(n) = plus_at(text, p) {
        run.plus = true;
        p += n;
        if char_at(text, p) == Some(' ') {
            p += 1;
        }
    } else if let Some(n) = open_paren_at(text, p) {
        p += n;
    }
    let mut sep = None;
    loop {
        let group_start = p;
        let mut len = 0;
        while let Some((d, n)) = digit_at(text, p) {
            if run.digits.len() <= MAX_DIGITS {
                run.digits.push(d);
            }
            len += 1;
            p += n;
        }
        let total = run.groups.last().map_or(0, |g| g.total) + len;
        if len == 0 || total > MAX_DIGITS {
            // Too long: a first group is skipped whole; a later one starts the next run.
            if run.groups.is_empty() {
                run.digits.clear();
                run.resume = p.max(start + 1);
            } else {
                run.digits.truncate(total - len);
                run.resume = group_start;
            }
            return run;
        }
        run.groups.push(Group {
            end: p,
            total,
            len,
            sep,
        });
        run.resume = p;
        // A separator run: up to three characters, at most one of them hard.
        let (mut q, mut count, mut hard, mut ok) = (p, 0, None, true);
        while count < 3 {
            let Some(c) = char_at(text, q) else { break };
            match separator(c) {
                Some(true) => {}
                Some(false) if hard.is_none() => hard = Some(c),
                Some(false) => ok = false,
                None => break,
            }
            if !ok {
                break;
            }
            q += c.len_utf8();
            count += 1;
        }
        if !ok || count == 0 || digit_at(text, q).is_none() || run.groups.len() >= MAX_GROUPS {
            return run;
        }
        sep = hard;
        p = q;
    }
}

/// A CAS registry number's shape: 2–7, 2 and 1 digits joined by dashes.
fn looks_like_cas(g: &[Group]) -> bool {
    g.len() == 3
        && (2..=7).contains(&g[0].len)
        && g[1].len == 2
        && g[2].len == 1
        && g[1].sep.is_some()
        && g[2].sep.is_some()
}

/// A date: year-month-day or day-month-year with one kind of hard separator.
fn looks_like_date(g: &[Group]) -> bool {
    if g.len() != 3 || g[1].sep.is_none() || g[1].sep != g[2].sep {
        return false;
    }
    let short = |x: &Group| (1..=2).contains(&x.len);
    (g[0].len == 4 && short(&g[1]) && short(&g[2])) || (short(&g[0]) && short(&g[1]) && g[2].len == 4)
}

/// A decimal amount: the last group is one or two digits after a dot.
fn looks_like_decimal(g: &[Group]) -> bool {
    g.len() >= 2 && g.last().is_some_and(|x| x.sep == Some('.') && x.len <= 2)
}

/// The character after a number must not continue it: no letter or digit,
/// no `@` (a numeric e-mail), no `%`, and no `.`, `,`, `:` or `-` followed
/// by a digit (decimals, times, longer codes).
fn ends_cleanly(text: &str, end: usize) -> bool {
    match char_at(text, end) {
        None => true,
        Some(c) if c.is_ascii_alphanumeric() || matches!(c, '_' | '@' | '%') => false,
        Some('.' | ',' | ':' | '-') => digit_at(text, end + 1).is_none(),
        Some(_) => true,
    }
}

/// What the keywords before a run say about it.
#[derive(Debug, Default, Clone, Copy)]
struct Around {
    /// Classes of the keyword chain just before the run.
    classes: Class,
    /// The nearest label is a blocking one (CAS, order, price, ...).
    blocked: bool,
    /// The keyword ends at most one byte before the run (`Tel.138…`).
    tight: bool,
    /// The keyword ends where the run starts (`Tel138…`, `wa.me/86…`).
    touching: bool,
    /// The country of the number this run continues (`Tel: +86 …, 139…`).
    region: Option<Id>,
}

/// A valid number: its E.164 form and its region.
type Valid = (String, Option<Id>);

/// The scanner's state over one text.
pub(super) struct Phones<'a> {
    text: &'a str,
    kws: &'a [Keyword],
    country: Option<Id>,
    /// Keywords that end at or before the current run.
    k: usize,
    parses: usize,
    cache: HashMap<(Option<Id>, String), Option<Valid>>,
    /// The last keyword-armed number: its end, classes and country.
    last: Option<(usize, Class, Option<Id>)>,
}

impl<'a> Phones<'a> {
    /// A scanner over `text` with its keywords; `country` is the site's.
    pub(super) fn new(text: &'a str, kws: &'a [Keyword], country: Option<Id>) -> Phones<'a> {
        Phones {
            text,
            kws,
            country,
            k: 0,
            parses: 0,
            cache: HashMap::new(),
            last: None,
        }
    }

    /// Calls `found(kind, value, start, end)` for each valid number, in text
    /// order: `phone`, and `whatsapp` / `wechat` / `signal` when the number
    /// follows that messenger's keyword.
    pub(super) fn scan(mut self, found: &mut dyn FnMut(Kind, String, usize, usize)) {
        let text = self.text;
        let mut i = 0;
        while i < text.len() {
            let Some(c) = char_at(text, i) else { break };
            let starts = digit_at(text, i).is_some()
                || plus_at(text, i).is_some_and(|n| {
                    digit_at(text, i + n).is_some()
                        || (char_at(text, i + n) == Some(' ') && digit_at(text, i + n + 1).is_some())
                })
                || open_paren_at(text, i).is_some_and(|n| digit_at(text, i + n).is_some());
            if !starts {
                i += c.len_utf8();
                continue;
            }
            let run = read_run(text, i);
            self.consider(&run, found);
            i = run.resume.max(i + c.len_utf8());
        }
    }

    fn context(&mut self, start: usize) -> Around {
        while self.k < self.kws.len() && self.kws[self.k].end <= start {
            self.k += 1;
        }
        let mut ctx = Around::default();
        if let Some(kw) = self.k.checked_sub(1).map(|j| self.kws[j]) {
            // No keyword starts between the nearest one and the run (none holds a digit, `+` or `(`).
            if keywords::is_filler(self.text, kw.end, start, &[]) {
                if kw.class & keywords::BLOCK != 0 {
                    ctx.blocked = true;
                    return ctx;
                }
                ctx.classes = kw.class;
                ctx.tight = start - kw.end <= 1;
                ctx.touching = start == kw.end;
                let mut j = self.k - 1;
                for _ in 0..4 {
                    let Some(prev) = j.checked_sub(1).map(|p| self.kws[p]) else {
                        break;
                    };
                    if prev.class & keywords::BLOCK != 0
                        || !keywords::is_filler(self.text, prev.end, self.kws[j].start, &[])
                    {
                        break;
                    }
                    ctx.classes |= prev.class;
                    j -= 1;
                }
                return ctx;
            }
        }
        if let Some((end, classes, region)) = self.last {
            if start >= end && is_list_gap(&self.text[end..start]) {
                ctx.classes = classes & !keywords::WA_LINK;
                ctx.region = region;
            }
        }
        ctx
    }

    fn consider(&mut self, run: &Run, found: &mut dyn FnMut(Kind, String, usize, usize)) {
        if run.groups.is_empty() {
            return;
        }
        let text = self.text;
        let ctx = self.context(run.start);
        if ctx.blocked {
            return;
        }
        let link = ctx.classes & keywords::WA_LINK != 0 && ctx.touching;
        // Glued to a word or another code: only right after a keyword (`Tel13…`, `Tel.13…`, `wa.me/86…`).
        let keyword_before = ctx.classes != 0;
        let glued_ok = match text[..run.start].chars().next_back() {
            Some(c) if c.is_ascii_alphanumeric() || c == '_' => {
                c.is_ascii_alphabetic() && ctx.touching && keyword_before
            }
            Some('-' | '.' | '/' | ',' | '#' | '=' | '&' | '%' | '@' | '+') => ctx.tight && keyword_before,
            _ => true,
        };
        if !glued_ok {
            return;
        }
        // The whole run, then without its last group or two (trailing quantities, years).
        for keep in (1..=run.groups.len()).rev().take(3) {
            let groups = &run.groups[..keep];
            let last = groups[keep - 1];
            if last.total < MIN_DIGITS {
                break;
            }
            if !ends_cleanly(text, last.end) || looks_like_cas(groups) || looks_like_date(groups) {
                continue;
            }
            if !run.plus && looks_like_decimal(groups) {
                continue;
            }
            let Some(digits) = run.digits.get(..last.total) else {
                break;
            };
            if let Some((e164, region)) = self.validate(run.plus || link, digits, &ctx) {
                self.emit(&ctx, e164, run.start, last.end, found);
                if ctx.classes & keywords::ARMS_PHONE != 0 || link {
                    self.last = Some((last.end, ctx.classes, region));
                }
                return;
            }
        }
    }

    /// The E.164 form and region of `digits` when they make a valid number.
    fn validate(&mut self, plus: bool, digits: &str, ctx: &Around) -> Option<Valid> {
        let (intl, digits) = match digits.strip_prefix("00") {
            _ if plus => (true, digits),
            Some(rest) => (true, rest),
            None => (false, digits),
        };
        if !(MIN_DIGITS..=15).contains(&digits.len()) {
            return None;
        }
        let (region, number) = if intl {
            (None, format!("+{digits}"))
        } else if ctx.classes & keywords::ARMS_PHONE != 0 {
            (Some(ctx.region.or(self.country)?), digits.to_string())
        } else {
            return None;
        };
        let key = (region, number);
        if let Some(v) = self.cache.get(&key) {
            return v.clone();
        }
        if self.parses >= MAX_PARSES {
            return None;
        }
        self.parses += 1;
        let v = phonenumber::parse(key.0, &key.1)
            .ok()
            .and_then(|p| super::numbering::valid(&p));
        self.cache.insert(key, v.clone());
        v
    }

    fn emit(
        &self,
        ctx: &Around,
        e164: String,
        start: usize,
        end: usize,
        found: &mut dyn FnMut(Kind, String, usize, usize),
    ) {
        for (class, kind) in [
            (keywords::WHATSAPP | keywords::WA_LINK, Kind::Whatsapp),
            (keywords::WECHAT, Kind::Wechat),
            (keywords::SIGNAL, Kind::Signal),
        ] {
            if ctx.classes & class != 0 {
                found(kind, e164.clone(), start, end);
            }
        }
        found(Kind::Phone, e164, start, end);
    }
}

/// A short gap between two numbers of one list: ` `, `, `, ` / `, `、`, ` or `.
fn is_list_gap(gap: &str) -> bool {
    !gap.is_empty()
        && gap.len() <= 8
        && gap
            .split(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '、' | '/' | ';' | '；' | '|'))
            .all(|w| w.is_empty() || matches!(w.to_ascii_lowercase().as_str(), "or" | "and" | "o" | "y" | "或" | "和"))
}

/// The region of an ISO 3166 alpha-2 code, when libphonenumber has one.
pub(super) fn region(code: &str) -> Option<Id> {
    if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    code.to_ascii_uppercase().parse().ok()
}
