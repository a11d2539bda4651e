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

/// Normalised views of one text. See the module documentation.
#[derive(Debug, Default, Clone)]
pub struct Normalised {
    pub spaced: String,
    /// `spaced` byte -> original byte offset of the character it came from.
    pub spaced_map: Vec<u32>,
    pub compact: String,
    /// `compact` byte -> original byte offset of the character it came from.
    pub compact_map: Vec<u32>,
    /// `compact` byte -> `spaced` byte (used for context windows).
    pub compact_to_spaced: Vec<u32>,
}

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

struct Builder {
    spaced: Vec<u8>,
    smap: Vec<u32>,
    compact: Vec<u8>,
    cmap: Vec<u32>,
    c2s: Vec<u32>,
}

impl Builder {
    #[inline(always)]
    fn alnum_byte(&mut self, b: u8, o: u32) {
        self.c2s.push(self.spaced.len() as u32);
        self.spaced.push(b);
        self.smap.push(o);
        self.compact.push(b);
        self.cmap.push(o);
    }
    #[inline(always)]
    fn punct_byte(&mut self, b: u8, o: u32) {
        self.spaced.push(b);
        self.smap.push(o);
    }
    #[inline(always)]
    fn space(&mut self, o: u32) {
        if let Some(&last) = self.spaced.last() {
            if last != b' ' {
                self.spaced.push(b' ');
                self.smap.push(o);
            }
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
    fn non_ascii(&mut self, c: char, o: u32) {
        if is_ignorable(c) {
            return;
        }
        if is_dash(c) {
            return self.punct_byte(b'-', o);
        }
        // CJK ideographs neither decompose nor change case.
        if ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c) {
            return self.alnum_char(c, o);
        }
        if c.is_whitespace() {
            return self.space(o);
        }
        decompose_compatible(c, |d| {
            if is_combining_mark(d) {
                return;
            }
            let d = fold_homoglyph(d).unwrap_or(d);
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

impl Normalised {
    /// Normalise `text` into `self`, reusing the buffers.
    pub fn fill(&mut self, text: &str) {
        assert!(text.len() < u32::MAX as usize, "text too long");
        let mut spaced = std::mem::take(&mut self.spaced).into_bytes();
        let mut compact = std::mem::take(&mut self.compact).into_bytes();
        spaced.clear();
        compact.clear();
        let mut b = Builder {
            spaced,
            smap: std::mem::take(&mut self.spaced_map),
            compact,
            cmap: std::mem::take(&mut self.compact_map),
            c2s: std::mem::take(&mut self.compact_to_spaced),
        };
        b.smap.clear();
        b.cmap.clear();
        b.c2s.clear();
        b.spaced.reserve(text.len() + 8);
        b.smap.reserve(text.len() + 8);
        b.compact.reserve(text.len() + 8);
        b.cmap.reserve(text.len() + 8);
        b.c2s.reserve(text.len() + 8);

        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let c = bytes[i];
            if c < 0x80 {
                match ASCII[c as usize] {
                    WS => b.space(i as u32),
                    PUNCT => b.punct_byte(c, i as u32),
                    x => b.alnum_byte(x, i as u32),
                }
                i += 1;
            } else {
                let ch = text[i..].chars().next().expect("char boundary");
                b.non_ascii(ch, i as u32);
                i += ch.len_utf8();
            }
        }
        // Everything pushed came from whole `char`s, so both are valid UTF-8.
        self.spaced = String::from_utf8(b.spaced).expect("valid UTF-8");
        self.compact = String::from_utf8(b.compact).expect("valid UTF-8");
        self.spaced_map = b.smap;
        self.compact_map = b.cmap;
        self.compact_to_spaced = b.c2s;
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
        let os = self.compact_map[s] as usize;
        let last = self.compact_map[e - 1] as usize;
        (os, last + utf8_len(text.as_bytes()[last]))
    }

    /// `spaced` span of the `compact` span `[s, e)` (`e > s`).
    #[inline]
    pub fn spaced_span_compact(&self, s: usize, e: usize) -> (usize, usize) {
        let ss = self.compact_to_spaced[s] as usize;
        let last = self.compact_to_spaced[e - 1] as usize;
        (ss, last + utf8_len(self.spaced.as_bytes()[last]))
    }

    /// True when the `compact` span `[s, e)` starts or ends inside the
    /// expansion of one original character (e.g. inside "㎏" -> "kg").
    #[inline]
    pub fn splits_expansion(&self, s: usize, e: usize) -> bool {
        let m = &self.compact_map;
        let c = self.compact.as_bytes();
        // Bytes of one multi-byte normalised char share one original offset too;
        // only a boundary between two normalised chars counts.
        let starts_inside = s > 0 && m[s - 1] == m[s] && !is_continuation(c[s]);
        let ends_inside = e < m.len() && m[e] == m[e - 1] && !is_continuation(c[e]);
        starts_inside || ends_inside
    }
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
        assert_eq!(n.compact_map.len(), n.compact.len());
        assert_eq!(
            orig(t, &n, "phenethyl4piperidone"),
            "Phenethyl  4\tPiperidone"
        );
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
