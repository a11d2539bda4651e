//! Text normalisation with offset maps back to the original text.
//!
//! From the ORIGINAL text two streams are built:
//! * `spaced`: NFKD/NFKC-compatibility folded, combining marks dropped, lowercase,
//!   zero-width characters/soft hyphens/BOM dropped, Cyrillic/Greek look-alikes
//!   folded to Latin, every dash variant turned into `-`, every whitespace run into
//!   one space; other punctuation kept. Regexes and the CAS scanner read it.
//! * `compact`: only the letters and digits of `spaced`. The Aho-Corasick
//!   automaton of names and context terms reads it.
//!
//! Every normalised byte maps to the byte offset of the original character it came
//! from (`*_map`); the end of a span is the start of the last original character
//! plus that character's length (see [`Normalised::orig_span_spaced`]).
//!
//! ASCII goes through a 256-entry table; only non-ASCII characters take the slow
//! path through `unicode-normalization`.

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// Table value for ASCII whitespace and control characters.
const WS: u8 = 0;
/// Table value for ASCII punctuation kept as-is in `spaced`.
const PUNCT: u8 = 1;

/// ASCII byte -> lowercase alphanumeric byte, or [`WS`], or [`PUNCT`].
static ASCII: [u8; 128] = {
    let mut t = [PUNCT; 128];
    let mut b = 0u8;
    while b < 128 {
        t[b as usize] = if b.is_ascii_digit() || b.is_ascii_lowercase() {
            b
        } else if b.is_ascii_uppercase() {
            b + 32
        } else if b <= 0x20 || b == 0x7f {
            WS
        } else {
            PUNCT
        };
        b += 1;
    }
    t
};

/// ASCII byte -> its byte in `spaced`: lowercase letters, digits, punctuation
/// as-is, whitespace and control characters as ' '.
static SPACED: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0u8;
    while b < 128 {
        t[b as usize] = match ASCII[b as usize] {
            WS => b' ',
            PUNCT => b,
            x => x,
        };
        b += 1;
    }
    t
};

/// Normalised views of one text. See the module documentation.
#[derive(Debug, Default, Clone)]
pub struct Normalised {
    /// The text the regexes and the CAS scanner read (see the module documentation).
    pub spaced: String,
    /// `spaced` byte -> original byte offset of the character it came from.
    pub spaced_map: Vec<u32>,
    /// The letters and digits of `spaced`: what the name automata read.
    pub compact: String,
    /// `compact` byte -> `spaced` byte (compose with `spaced_map` for the
    /// original offset: one map per stream, no redundant third map).
    pub compact_to_spaced: Vec<u32>,
    /// How many bytes of the original text the streams cover (all of it
    /// unless it was longer than [`super::MAX_TEXT_BYTES`] or expanded past
    /// [`MAX_SPACED_BYTES`]).
    source_len: usize,
}

/// The streams stop growing past this many bytes, so that every offset fits
/// in a `u32` (one more character can add only a few hundred bytes).
pub const MAX_SPACED_BYTES: usize = (u32::MAX / 2) as usize;

/// Normalise `text` (see the module documentation).
pub fn normalise(text: &str) -> Normalised {
    let mut n = Normalised::default();
    n.fill(text);
    n
}

/// Normalise a rule name/term the way text is normalised, keeping only the
/// compact form (letters and digits).
pub fn normalise_compact(name: &str) -> String {
    normalise(name).compact
}

/// Length in bytes of the UTF-8 sequence starting with lead byte `b`.
#[inline]
pub(crate) fn utf8_len(b: u8) -> usize {
    if b < 0x80 {
        1
    } else if b < 0xE0 {
        2
    } else if b < 0xF0 {
        3
    } else {
        4
    }
}

/// Output buffers written by index (pre-sized; `si`/`ci` are the lengths).
struct Writer {
    sp: Vec<u8>,
    sm: Vec<u32>,
    cp: Vec<u8>,
    c2s: Vec<u32>,
    si: usize,
    ci: usize,
    /// the last byte written to `sp` is a space (or nothing was written yet)
    last_space: bool,
}

impl Writer {
    /// Make room for `more` bytes in both streams.
    fn room(&mut self, more: usize) {
        if self.sp.len() < self.si + more {
            let len = (self.sp.len() * 2).max(self.si + more);
            self.sp.resize(len, 0);
            self.sm.resize(len, 0);
        }
        if self.cp.len() < self.ci + more {
            let len = (self.cp.len() * 2).max(self.ci + more);
            self.cp.resize(len, 0);
            self.c2s.resize(len, 0);
        }
    }
    fn alnum_byte(&mut self, b: u8, o: u32) {
        self.room(1);
        self.c2s[self.ci] = self.si as u32;
        self.cp[self.ci] = b;
        self.ci += 1;
        self.sp[self.si] = b;
        self.sm[self.si] = o;
        self.si += 1;
        self.last_space = false;
    }
    fn punct_byte(&mut self, b: u8, o: u32) {
        self.room(1);
        self.sp[self.si] = b;
        self.sm[self.si] = o;
        self.si += 1;
        self.last_space = false;
    }
    fn space(&mut self, o: u32) {
        if !self.last_space {
            self.room(1);
            self.sp[self.si] = b' ';
            self.sm[self.si] = o;
            self.si += 1;
            self.last_space = true;
        }
    }
    fn alnum_char(&mut self, c: char, o: u32) {
        let mut buf = [0u8; 4];
        for &b in c.encode_utf8(&mut buf).as_bytes() {
            self.alnum_byte(b, o);
        }
    }
    fn punct_char(&mut self, c: char, o: u32) {
        let mut buf = [0u8; 4];
        for &b in c.encode_utf8(&mut buf).as_bytes() {
            self.punct_byte(b, o);
        }
    }

    /// Emit one already folded character.
    fn emit(&mut self, c: char, o: u32) {
        if c.is_ascii() {
            match ASCII[c as usize] {
                WS => self.space(o),
                PUNCT => self.punct_byte(c as u8, o),
                b => self.alnum_byte(b, o),
            }
        } else if is_ignorable(c) {
        } else if is_dash(c) {
            self.punct_byte(b'-', o);
        } else if c.is_whitespace() {
            self.space(o);
        } else if c.is_alphanumeric() {
            self.alnum_char(c, o);
        } else {
            self.punct_char(c, o);
        }
    }

    /// Slow path: one non-ASCII character of the original text.
    #[inline(never)]
    fn non_ascii(&mut self, c: char, o: u32) {
        if is_ignorable(c) {
            return;
        }
        if is_dash(c) {
            return self.punct_byte(b'-', o);
        }
        // CJK ideographs neither decompose nor change case; traditional
        // characters fold to simplified ones (same UTF-8 length).
        if ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c) {
            return self.alnum_char(super::hanzi::simplified(c), o);
        }
        if c.is_whitespace() {
            return self.space(o);
        }
        decompose_compatible(c, |d| {
            if is_combining_mark(d) {
                return;
            }
            let d = fold_homoglyph(d).unwrap_or_else(|| super::hanzi::simplified(d));
            if d.is_ascii() {
                return self.emit(d, o);
            }
            for l in d.to_lowercase() {
                if is_combining_mark(l) {
                    continue;
                }
                self.emit(fold_homoglyph(l).unwrap_or(l), o);
            }
        });
    }
}

/// Chunk width of the ASCII fast path.
const CHUNK: usize = 16;

/// `SPACED` of 16 ASCII bytes, computed without a table so that it
/// vectorises; `None` when a byte is not ASCII or two whitespace bytes meet
/// (a run to collapse), counting a space just written (`last_space`).
/// With the bytes, 1 for each letter or digit (what goes to `compact`).
#[inline]
fn plain_chunk(c: &[u8; CHUNK], last_space: bool) -> Option<([u8; CHUNK], [u8; CHUNK])> {
    let mut out = [0u8; CHUNK];
    let mut alnum = [0u8; CHUNK];
    let mut ws = [0u8; CHUNK];
    let mut high = 0u8;
    for (((o, a), w), &b) in out.iter_mut().zip(&mut alnum).zip(&mut ws).zip(c) {
        high |= b & 0x80;
        *w = u8::from(b <= 0x20 || b == 0x7f);
        let upper = u8::from(b.wrapping_sub(b'A') < 26);
        let lower = u8::from(b.wrapping_sub(b'a') < 26);
        *a = upper | lower | u8::from(b.wrapping_sub(b'0') < 10);
        *o = if *w != 0 { b' ' } else { b + 32 * upper };
    }
    let mut runs = ws[0] & u8::from(last_space);
    for k in 1..CHUNK {
        runs |= ws[k] & ws[k - 1];
    }
    (high == 0 && runs == 0).then_some((out, alnum))
}

impl Writer {
    /// The ASCII bytes of `bytes` from `i` on, into both streams (room for
    /// them is made by the caller); returns where a non-ASCII byte (or the
    /// end) stops it. Chunks of 16 bytes without whitespace runs copy to
    /// `spaced` whole; the others go byte by byte, branch-free: both streams
    /// written unconditionally, the lengths advanced by flags (letters and
    /// spaces alternate unpredictably).
    fn ascii_run(&mut self, bytes: &[u8], mut i: usize) -> usize {
        let (sp, sm, cp, c2s) = (&mut self.sp[..], &mut self.sm[..], &mut self.cp[..], &mut self.c2s[..]);
        let (mut si, mut ci, mut last_space) = (self.si, self.ci, self.last_space);
        while i < bytes.len() {
            let chunk = bytes.get(i..i + CHUNK).and_then(|c| <&[u8; CHUNK]>::try_from(c).ok());
            if let Some((out, alnum)) = chunk.and_then(|c| plain_chunk(c, last_space)) {
                sp[si..si + CHUNK].copy_from_slice(&out);
                for (k, m) in sm[si..si + CHUNK].iter_mut().enumerate() {
                    *m = (i + k) as u32;
                }
                for (k, (&b, &a)) in out.iter().zip(&alnum).enumerate() {
                    cp[ci] = b;
                    c2s[ci] = (si + k) as u32;
                    ci += usize::from(a);
                }
                (si, i, last_space) = (si + CHUNK, i + CHUNK, out[CHUNK - 1] == b' ');
                continue;
            }
            // a chunk that is not plain goes byte by byte, then the next is tried
            for _ in 0..CHUNK {
                let Some(&b) = bytes.get(i).filter(|b| b.is_ascii()) else {
                    (self.si, self.ci, self.last_space) = (si, ci, last_space);
                    return i;
                };
                let out = SPACED[b as usize];
                let ws = out == b' ';
                sp[si] = out;
                sm[si] = i as u32;
                cp[ci] = out;
                c2s[ci] = si as u32;
                si += usize::from(!(ws && last_space));
                ci += usize::from(out.is_ascii_alphanumeric());
                last_space = ws;
                i += 1;
            }
        }
        (self.si, self.ci, self.last_space) = (si, ci, last_space);
        i
    }
}

impl Normalised {
    /// Normalise `text` into `self`, reusing the buffers.
    /// At most [`super::MAX_TEXT_BYTES`] of `text` are read (see
    /// [`Normalised::source_len`]); offsets always fit in a `u32`.
    pub fn fill(&mut self, text: &str) {
        let mut n = text.len().min(super::MAX_TEXT_BYTES);
        while !text.is_char_boundary(n) {
            n -= 1;
        }
        let mut w = Writer {
            sp: std::mem::take(&mut self.spaced).into_bytes(),
            sm: std::mem::take(&mut self.spaced_map),
            cp: std::mem::take(&mut self.compact).into_bytes(),
            c2s: std::mem::take(&mut self.compact_to_spaced),
            si: 0,
            ci: 0,
            last_space: true,
        };
        // Buffers are written by index and truncated at the end; stale bytes
        // beyond the lengths are never read, so only growth is zeroed (a
        // clear + resize would memset ten bytes per input byte on every call).
        for v in [&mut w.sp, &mut w.cp] {
            if v.len() < n + 16 {
                v.resize(n + 16, 0);
            }
        }
        for v in [&mut w.sm, &mut w.c2s] {
            if v.len() < n + 16 {
                v.resize(n + 16, 0);
            }
        }
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < n && w.si < MAX_SPACED_BYTES {
            // ASCII writes at most one byte per input byte
            w.room(n - i);
            i = w.ascii_run(&bytes[..n], i);
            if i < n {
                let Some(ch) = text[i..].chars().next() else {
                    break;
                };
                w.non_ascii(ch, i as u32);
                i += ch.len_utf8();
            }
        }
        w.sp.truncate(w.si);
        w.sm.truncate(w.si);
        w.cp.truncate(w.ci);
        w.c2s.truncate(w.ci);
        // Everything written came from whole `char`s, so both are valid UTF-8.
        self.spaced = String::from_utf8(w.sp).expect("valid UTF-8");
        self.compact = String::from_utf8(w.cp).expect("valid UTF-8");
        self.spaced_map = w.sm;
        self.compact_to_spaced = w.c2s;
        self.source_len = i;
    }

    /// How many bytes at the start of the last text filled in the streams
    /// cover: the whole text, unless it was too long (see [`Normalised::fill`]).
    pub fn source_len(&self) -> usize {
        self.source_len
    }

    /// Original byte offset of the character `compact` byte `i` came from.
    #[inline]
    pub fn compact_orig(&self, i: usize) -> usize {
        self.spaced_map[self.compact_to_spaced[i] as usize] as usize
    }

    /// Original byte span of the `spaced` span `[s, e)` (`e > s`).
    #[inline]
    pub fn orig_span_spaced(&self, text: &str, s: usize, e: usize) -> (usize, usize) {
        let os = self.spaced_map[s] as usize;
        let last = self.spaced_map[e - 1] as usize;
        (os, last + utf8_len(text.as_bytes()[last]))
    }

    /// Original byte span of the `compact` span `[s, e)` (`e > s`).
    #[inline]
    pub fn orig_span_compact(&self, text: &str, s: usize, e: usize) -> (usize, usize) {
        let os = self.compact_orig(s);
        let last = self.compact_orig(e - 1);
        (os, last + utf8_len(text.as_bytes()[last]))
    }

    /// `spaced` span of the `compact` span `[s, e)` (`e > s`).
    #[inline]
    pub fn spaced_span_compact(&self, s: usize, e: usize) -> (usize, usize) {
        let ss = self.compact_to_spaced[s] as usize;
        // the last compact byte may be a continuation byte: its character
        // starts at the boundary before it
        let mut last = self.compact_to_spaced[e - 1] as usize;
        while last > 0 && !self.spaced.is_char_boundary(last) {
            last -= 1;
        }
        (ss, last + utf8_len(self.spaced.as_bytes()[last]))
    }

    /// True when the `compact` span `[s, e)` starts or ends inside the
    /// expansion of one original character (e.g. inside "㎏" -> "kg").
    #[inline]
    pub fn splits_expansion(&self, s: usize, e: usize) -> bool {
        let c = self.compact.as_bytes();
        // Bytes of one multi-byte normalised char share one original offset too;
        // only a boundary between two normalised chars counts.
        let starts_inside = s > 0 && !is_continuation(c[s]) && self.compact_orig(s - 1) == self.compact_orig(s);
        let ends_inside = e < c.len() && !is_continuation(c[e]) && self.compact_orig(e) == self.compact_orig(e - 1);
        starts_inside || ends_inside
    }
}

/// True for CJK scripts (no word boundaries needed around their names).
#[inline]
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF66..=0xFF9F | 0x20000..=0x3FFFF)
}

#[inline]
fn is_continuation(b: u8) -> bool {
    (b & 0xC0) == 0x80
}

/// Zero-width characters, soft hyphen, BOM and similar invisible format characters.
#[inline]
pub fn is_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
    )
}

/// Every dash/hyphen/minus variant (ASCII '-' is handled by the table).
#[inline]
pub fn is_dash(c: char) -> bool {
    matches!(
        c,
        '\u{058A}' | '\u{05BE}' | '\u{1400}' | '\u{1806}' | '\u{2010}'
            ..='\u{2015}'
                | '\u{2043}'
                | '\u{2212}'
                | '\u{2E17}'
                | '\u{2E1A}'
                | '\u{2E3A}'
                | '\u{2E3B}'
                | '\u{2E40}'
                | '\u{301C}'
                | '\u{3030}'
                | '\u{30A0}'
                | '\u{FE31}'
                | '\u{FE32}'
                | '\u{FE58}'
                | '\u{FE63}'
                | '\u{FF0D}'
    )
}

/// Cyrillic/Greek (and a few Latin) letters that look like a Latin letter.
#[inline]
pub fn fold_homoglyph(c: char) -> Option<char> {
    Some(match c {
        // Cyrillic capitals
        'А' | 'а' | 'ɑ' | 'α' | 'Α' => 'a',
        'В' | 'Β' | 'β' => 'b',
        'С' | 'с' | 'ϲ' | 'Ϲ' => 'c',
        'ԁ' => 'd',
        'Е' | 'е' | 'Ε' => 'e',
        'һ' | 'Һ' | 'Н' | 'Η' => 'h',
        'І' | 'і' | 'ı' | 'Ι' | 'ι' | 'Ӏ' => 'i',
        'Ј' | 'ј' | 'ϳ' => 'j',
        'К' | 'к' | 'Κ' | 'κ' => 'k',
        'ӏ' => 'l',
        'М' | 'Μ' => 'm',
        'Ν' => 'n',
        'О' | 'о' | 'Ο' | 'ο' | 'σ' => 'o',
        'Р' | 'р' | 'Ρ' | 'ρ' => 'p',
        'Ԛ' | 'ԛ' => 'q',
        'Ѕ' | 'ѕ' => 's',
        'Т' | 'Τ' => 't',
        'υ' => 'u',
        'ν' | 'ѵ' | 'Ѵ' => 'v',
        'Ԝ' | 'ԝ' => 'w',
        'Х' | 'х' | 'Χ' | 'χ' => 'x',
        'У' | 'у' | 'Ү' | 'ү' | 'Υ' => 'y',
        'Ζ' => 'z',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn orig<'a>(text: &'a str, n: &Normalised, needle: &str) -> &'a str {
        let s = n.compact.find(needle).expect("needle in compact");
        let (a, b) = n.orig_span_compact(text, s, s + needle.len());
        &text[a..b]
    }

    #[test]
    fn ascii_streams_and_maps() {
        let t = "N-Phenethyl  4\tPiperidone, 99%";
        let n = normalise(t);
        assert_eq!(n.spaced, "n-phenethyl 4 piperidone, 99%");
        assert_eq!(n.compact, "nphenethyl4piperidone99");
        assert_eq!(n.spaced_map.len(), n.spaced.len());
        assert_eq!(n.compact_to_spaced.len(), n.compact.len());
        assert_eq!(orig(t, &n, "phenethyl4piperidone"), "Phenethyl  4\tPiperidone");
    }

    #[test]
    fn full_width_and_accents() {
        let t = "ＦＥＮＴＡＮＹＬ envío seguro a México １２３";
        let n = normalise(t);
        assert_eq!(n.spaced, "fentanyl envio seguro a mexico 123");
        assert_eq!(orig(t, &n, "fentanyl"), "ＦＥＮＴＡＮＹＬ");
        assert_eq!(orig(t, &n, "mexico"), "México");
        assert_eq!(orig(t, &n, "123"), "１２３");
    }

    #[test]
    fn invisible_dashes_homoglyphs() {
        let t = "fen\u{200B}ta\u{00AD}nyl f\u{0435}ntanyl 4\u{2013}AP 4\u{2014}AP 4\u{FF0D}AP \u{FEFF}x";
        let n = normalise(t);
        assert_eq!(n.spaced, "fentanyl fentanyl 4-ap 4-ap 4-ap x");
        assert_eq!(
            orig(t, &n, "fentanylfentanyl"),
            "fen\u{200B}ta\u{00AD}nyl f\u{0435}ntanyl"
        );
    }

    #[test]
    fn cjk_and_whitespace() {
        let t = "  供应\u{3000}芬太尼，价格 ";
        let n = normalise(t);
        assert_eq!(n.spaced, "供应 芬太尼,价格 ");
        assert_eq!(n.compact, "供应芬太尼价格");
        assert_eq!(orig(t, &n, "芬太尼"), "芬太尼");
    }

    #[test]
    fn expansion_split_detected() {
        let t = "5㎏ bag";
        let n = normalise(t);
        assert_eq!(n.compact, "5kgbag");
        assert!(n.splits_expansion(2, 6)); // "gbag" starts inside "㎏"
        assert!(!n.splits_expansion(1, 3)); // "kg"
        assert!(n.splits_expansion(1, 2)); // "k" ends inside "㎏"
    }
}

#[cfg(test)]
mod reuse_tests {
    use super::*;

    #[test]
    fn buffers_reused_and_grown() {
        let mut n = Normalised::default();
        n.fill("long text ".repeat(100).as_str());
        // expansions longer than the input: U+FDFA is one char, 18 after NFKD
        let t = "\u{FDFA}\u{FDFA} fentanyl";
        n.fill(t);
        assert_eq!(n.spaced_map.len(), n.spaced.len());
        assert!(n.spaced.ends_with(" fentanyl"));
        let s = n.compact.find("fentanyl").unwrap();
        assert_eq!(n.orig_span_compact(t, s, s + 8), (t.len() - 8, t.len()));
        n.fill("ab");
        assert_eq!((n.spaced.as_str(), n.compact.as_str()), ("ab", "ab"));
    }
}
