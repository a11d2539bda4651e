//! Tag names the depth model knows, with the tree builder's categories.

pub const FORMATTING: u16 = 1 << 0;
pub const SPECIAL: u16 = 1 << 1;
pub const SCOPE: u16 = 1 << 2;
pub const INTEGRATION: u16 = 1 << 3;
pub const VOID: u16 = 1 << 4;
pub const RAW: u16 = 1 << 5;
pub const CLOSES_P: u16 = 1 << 6;
pub const BREAKOUT: u16 = 1 << 7;
pub const MARKER: u16 = 1 << 8;

/// A tag name as the model compares it: a known name (index into [`TABLE`],
/// which gives its categories) or any other name, kept in lower case so
/// that end tags of custom and SVG elements (`</g>`) still match.
#[derive(Debug, Clone, Copy)]
pub struct Tag {
    /// Index into [`TABLE`], or `UNKNOWN`.
    id: u8,
    /// Name length; `LONG` for names longer than the buffer (never equal).
    len: u8,
    name: [u8; NAME_BYTES],
}

const NAME_BYTES: usize = 22;
const UNKNOWN: u8 = u8::MAX;
const LONG: u8 = u8::MAX;

impl PartialEq for Tag {
    fn eq(&self, other: &Tag) -> bool {
        self.id == other.id && self.len == other.len && self.len != LONG && self.name == other.name
    }
}

/// Sorted by name, for binary search. Categories from the HTML Standard's
/// tree construction rules (special, default scope, formatting, …).
static TABLE: &[(&str, u16)] = &[
    ("a", FORMATTING),
    ("address", SPECIAL | CLOSES_P),
    ("annotation-xml", INTEGRATION),
    ("applet", SPECIAL | SCOPE | MARKER),
    ("area", SPECIAL | VOID),
    ("article", SPECIAL | CLOSES_P),
    ("aside", SPECIAL | CLOSES_P),
    ("b", FORMATTING | BREAKOUT),
    ("base", SPECIAL | VOID),
    ("basefont", SPECIAL | VOID),
    ("bgsound", SPECIAL | VOID),
    ("big", FORMATTING | BREAKOUT),
    ("blockquote", SPECIAL | CLOSES_P | BREAKOUT),
    ("body", SPECIAL | BREAKOUT),
    ("br", SPECIAL | VOID | BREAKOUT),
    ("button", SPECIAL),
    ("caption", SPECIAL | SCOPE | MARKER),
    ("center", SPECIAL | CLOSES_P | BREAKOUT),
    ("code", FORMATTING | BREAKOUT),
    ("col", SPECIAL | VOID),
    ("colgroup", SPECIAL),
    ("dd", SPECIAL | CLOSES_P | BREAKOUT),
    ("desc", INTEGRATION),
    ("details", SPECIAL | CLOSES_P),
    ("dialog", CLOSES_P),
    ("dir", SPECIAL | CLOSES_P),
    ("div", SPECIAL | CLOSES_P | BREAKOUT),
    ("dl", SPECIAL | CLOSES_P | BREAKOUT),
    ("dt", SPECIAL | CLOSES_P | BREAKOUT),
    ("em", FORMATTING | BREAKOUT),
    ("embed", SPECIAL | VOID | BREAKOUT),
    ("fieldset", SPECIAL | CLOSES_P),
    ("figcaption", SPECIAL | CLOSES_P),
    ("figure", SPECIAL | CLOSES_P),
    ("font", FORMATTING),
    ("footer", SPECIAL | CLOSES_P),
    ("foreignobject", INTEGRATION),
    ("form", SPECIAL | CLOSES_P),
    ("frame", SPECIAL | VOID),
    ("frameset", SPECIAL),
    ("h1", SPECIAL | CLOSES_P | BREAKOUT),
    ("h2", SPECIAL | CLOSES_P | BREAKOUT),
    ("h3", SPECIAL | CLOSES_P | BREAKOUT),
    ("h4", SPECIAL | CLOSES_P | BREAKOUT),
    ("h5", SPECIAL | CLOSES_P | BREAKOUT),
    ("h6", SPECIAL | CLOSES_P | BREAKOUT),
    ("head", SPECIAL | BREAKOUT),
    ("header", SPECIAL | CLOSES_P),
    ("hgroup", SPECIAL | CLOSES_P),
    ("hr", SPECIAL | VOID | CLOSES_P | BREAKOUT),
    ("html", SPECIAL | SCOPE),
    ("i", FORMATTING | BREAKOUT),
    ("iframe", SPECIAL | RAW),
    ("image", VOID),
    ("img", SPECIAL | VOID | BREAKOUT),
    ("input", SPECIAL | VOID),
    ("keygen", SPECIAL | VOID),
    ("li", SPECIAL | CLOSES_P | BREAKOUT),
    ("link", SPECIAL | VOID),
    ("listing", SPECIAL | CLOSES_P | BREAKOUT),
    ("main", SPECIAL | CLOSES_P),
    ("marquee", SPECIAL | SCOPE | MARKER),
    ("math", 0),
    ("menu", SPECIAL | CLOSES_P | BREAKOUT),
    ("meta", SPECIAL | VOID | BREAKOUT),
    ("mi", INTEGRATION),
    ("mn", INTEGRATION),
    ("mo", INTEGRATION),
    ("ms", INTEGRATION),
    ("mtext", INTEGRATION),
    ("nav", SPECIAL | CLOSES_P),
    ("nobr", FORMATTING | BREAKOUT),
    ("noembed", SPECIAL | RAW),
    ("noframes", SPECIAL | RAW),
    ("noscript", SPECIAL | RAW),
    ("object", SPECIAL | SCOPE | MARKER),
    ("ol", SPECIAL | CLOSES_P | BREAKOUT),
    ("optgroup", 0),
    ("option", 0),
    ("p", SPECIAL | CLOSES_P | BREAKOUT),
    ("param", SPECIAL | VOID),
    ("plaintext", SPECIAL | RAW | CLOSES_P),
    ("pre", SPECIAL | CLOSES_P | BREAKOUT),
    ("rb", 0),
    ("rp", 0),
    ("rt", 0),
    ("rtc", 0),
    ("ruby", BREAKOUT),
    ("s", FORMATTING | BREAKOUT),
    ("script", SPECIAL | RAW),
    ("search", SPECIAL | CLOSES_P),
    ("section", SPECIAL | CLOSES_P),
    ("select", SPECIAL),
    ("small", FORMATTING | BREAKOUT),
    ("source", SPECIAL | VOID),
    ("span", BREAKOUT),
    ("strike", FORMATTING | BREAKOUT),
    ("strong", FORMATTING | BREAKOUT),
    ("style", SPECIAL | RAW),
    ("sub", BREAKOUT),
    ("summary", SPECIAL | CLOSES_P),
    ("sup", BREAKOUT),
    ("svg", 0),
    ("table", SPECIAL | SCOPE | BREAKOUT),
    ("tbody", SPECIAL),
    ("td", SPECIAL | SCOPE | MARKER),
    ("template", SPECIAL | SCOPE | MARKER),
    ("textarea", SPECIAL | RAW),
    ("tfoot", SPECIAL),
    ("th", SPECIAL | SCOPE | MARKER),
    ("thead", SPECIAL),
    ("title", SPECIAL | INTEGRATION | RAW),
    ("tr", SPECIAL),
    ("track", SPECIAL | VOID),
    ("tt", FORMATTING | BREAKOUT),
    ("u", FORMATTING | BREAKOUT),
    ("ul", SPECIAL | CLOSES_P | BREAKOUT),
    ("var", BREAKOUT),
    ("wbr", SPECIAL | VOID),
    ("xmp", SPECIAL | RAW | CLOSES_P),
];

impl Tag {
    /// The tag for a name as written (ASCII case-insensitive).
    pub fn lookup(raw: &[u8]) -> Tag {
        let mut name = [0u8; NAME_BYTES];
        let Some(lower) = name.get_mut(..raw.len()) else {
            return Tag {
                id: UNKNOWN,
                len: LONG,
                name,
            };
        };
        for (d, s) in lower.iter_mut().zip(raw) {
            *d = s.to_ascii_lowercase();
        }
        let lower: &[u8] = lower;
        let id = TABLE
            .binary_search_by(|(n, _)| n.as_bytes().cmp(lower))
            .ok()
            .and_then(|i| u8::try_from(i).ok())
            .unwrap_or(UNKNOWN);
        Tag {
            id,
            len: raw.len() as u8, // ≤ NAME_BYTES
            name,
        }
    }

    /// The tag for a known lower-case name.
    pub fn named(name: &str) -> Tag {
        Tag::lookup(name.as_bytes())
    }

    /// The lower-case name if it is in the table, else "".
    pub fn name(self) -> &'static str {
        TABLE.get(usize::from(self.id)).map_or("", |e| e.0)
    }

    /// True when the tag is in any of the categories in `flags`.
    pub fn is(self, flags: u16) -> bool {
        TABLE.get(usize::from(self.id)).is_some_and(|e| e.1 & flags != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_lookup_ignores_case() {
        assert!(TABLE.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(Tag::lookup(b"DiV").name(), "div");
        assert_eq!(Tag::lookup(b"foreignObject").name(), "foreignobject");
        assert_eq!(Tag::lookup(b"lineArGradient"), Tag::lookup(b"lineargradient"));
        assert_eq!(Tag::lookup(b"lineargradient").name(), "");
        assert_ne!(Tag::lookup(b"g"), Tag::lookup(b"a"));
        let long = Tag::lookup(b"custom-element-with-a-long-name");
        assert_ne!(long, long, "names past the buffer never match");
        assert!(!long.is(u16::MAX));
        assert!(Tag::named("td").is(MARKER | SCOPE));
    }
}
