//! The depth budget: a linear pre-pass over the HTML before html5ever sees it.
//!
//! html5ever's tree builder does work proportional to the depth of the stack
//! of open elements for most tags (scope checks walk the stack; the list of
//! active formatting elements is compared against it), so nesting that grows
//! with the input makes parsing quadratic: 25,000 nested `<b id=N>` took 19 s.
//!
//! The pre-pass tokenises like the HTML tokenizer (tags, attributes with
//! quotes, comments, raw-text elements) and keeps a model of the stack of
//! open elements that follows the tree builder's rules closely enough to be
//! an upper bound: it pops an element only where the tree builder surely
//! pops it, and counts formatting elements that were popped but may be
//! reopened ("active formatting elements") as still open. A start tag that
//! would take the estimate past `max_depth` is replaced by one space (so words
//! stay apart) and so is its end tag: below the budget the page is flattened
//! to text. The input is copied only when something is replaced.
//!
//! Also bounded here, because html5ever is quadratic in them too: attributes
//! per tag ([`MAX_ATTRIBUTES`]; duplicate names are found by a linear search
//! per attribute), formatting elements that can be reopened at once
//! ([`MAX_FORMATTING`], [`MAX_FORMATTING_ATTRIBUTES`]; each text run after a
//! block end can clone all of them), and repeated `<html>`/`<head>`/`<body>`
//! start tags ([`MAX_ROOT_TAGS`]; each merges its attributes into the root).
//! And the number of elements ([`MAX_ELEMENTS`]), for memory.

use std::borrow::Cow;
use std::hash::BuildHasher;

mod tags;
use tags::Tag;

/// Attributes kept per tag; the rest of the tag is cut (html5ever compares
/// each attribute name with all earlier ones).
pub const MAX_ATTRIBUTES: usize = 64;
/// Formatting elements (`b`, `font`, `a`, …) that may be open or reopenable
/// at once; further formatting start tags are removed.
pub const MAX_FORMATTING: usize = 12;
/// Attributes summed over those formatting elements (each reopening clones them).
pub const MAX_FORMATTING_ATTRIBUTES: usize = 64;
/// `<html>`, `<head>` and `<body>` start tags kept; later ones only merge attributes.
pub const MAX_ROOT_TAGS: usize = 8;
/// Start tags kept per page: past it every tag is removed and the rest of
/// the page is text. It bounds the tree html5ever builds (a few hundred
/// bytes per element: 8 MB of `<p>` made a 575 MB tree); a product page
/// has a few thousand elements.
pub const MAX_ELEMENTS: usize = 50_000;

/// The HTML html5ever should parse, and what was removed to get it.
#[derive(Debug)]
pub struct Bounded<'a> {
    /// The input, or a copy with tags replaced by spaces.
    pub html: Cow<'a, str>,
    /// Tags beyond the depth budget were removed (their text kept).
    pub flattened: bool,
    /// Attributes, formatting or root tags beyond their caps were removed.
    pub trimmed: bool,
}

/// Applies the depth budget and the markup caps to `html` in one pass.
pub fn bound(html: &str, max_depth: usize) -> Bounded<'_> {
    let mut p = Pass {
        src: html,
        out: None,
        copied: 0,
        model: Model::new(max_depth),
        flattened: false,
        trimmed: false,
        hasher: std::collections::hash_map::RandomState::new(),
        elements: 0,
    };
    p.run();
    let html = match p.out {
        Some(mut out) => {
            out.push_str(&html[p.copied..]);
            Cow::Owned(out)
        }
        None => Cow::Borrowed(html),
    };
    Bounded {
        html,
        flattened: p.flattened,
        trimmed: p.trimmed,
    }
}

/// One pass: the tokenizer side (positions, rewriting) around the model.
struct Pass<'a> {
    src: &'a str,
    out: Option<String>,
    copied: usize,
    model: Model,
    flattened: bool,
    trimmed: bool,
    /// Keyed per pass, so identical-attribute checks cannot be forced by collisions.
    hasher: std::collections::hash_map::RandomState,
    /// Start tags kept so far.
    elements: usize,
}

/// What the model decided for a start tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Keep,
    /// Over a budget: replace by a space (depth: its end tag goes too).
    Drop(Cut),
    /// Kept; its content is raw text up to `</name`.
    RawText,
    /// Kept; everything after it is text.
    Plaintext,
}

/// Which budget removed a tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cut {
    Depth,
    Cap,
}

/// A scanned tag: where it ends and what the model needs to know.
struct TagScan {
    /// Index just past the closing `>`.
    end: usize,
    name: Tag,
    self_closing: bool,
    attrs: usize,
    /// Start of the first attribute beyond [`MAX_ATTRIBUTES`].
    cut_at: Option<usize>,
    /// A `color`, `face` or `size` attribute (makes `<font>` leave SVG/MathML).
    font_attr: bool,
    /// Where the attributes are written (hashed to find identical formatting tags).
    attrs_at: (usize, usize),
}

impl Pass<'_> {
    fn run(&mut self) {
        let b = self.src.as_bytes();
        let mut i = 0;
        while let Some(off) = memchr::memchr(b'<', &b[i..]) {
            let lt = i + off;
            if self.model.frameset_ok && b[i..lt].iter().any(|&c| !is_space(c)) {
                self.model.frameset_ok = false; // text: a frameset can no longer replace the body
            }
            i = match (b.get(lt + 1), b.get(lt + 2)) {
                (Some(b'!'), _) => self.markup_declaration(lt),
                (Some(b'?'), _) => skip_past(b, lt, b'>'),
                (Some(b'/'), Some(c)) if c.is_ascii_alphabetic() => match scan_tag(b, lt + 2) {
                    Some(t) => self.end_tag(lt, &t),
                    None => return, // EOF inside a tag: html5ever drops it
                },
                (Some(b'/'), Some(b'>')) => lt + 3,
                (Some(b'/'), Some(_)) => skip_past(b, lt, b'>'),
                (Some(c), _) if c.is_ascii_alphabetic() => match scan_tag(b, lt + 1) {
                    Some(t) => match self.start_tag(lt, &t) {
                        Some(next) => next,
                        None => return,
                    },
                    None => return,
                },
                _ => lt + 1,
            };
        }
    }

    /// `<!--…-->`, `<![CDATA[…]]>` in SVG/MathML, else a bogus comment to `>`.
    fn markup_declaration(&self, lt: usize) -> usize {
        let b = self.src.as_bytes();
        if b[lt..].starts_with(b"<!--") {
            return comment_end(b, lt + 4);
        }
        if self.model.foreign_context() && b[lt..].starts_with(b"<![CDATA[") {
            return memchr::memmem::find(&b[lt + 9..], b"]]>").map_or(b.len(), |p| lt + 9 + p + 3);
        }
        skip_past(b, lt, b'>')
    }

    /// Returns where scanning resumes, or `None` when the rest is text.
    fn start_tag(&mut self, lt: usize, t: &TagScan) -> Option<usize> {
        if self.elements >= MAX_ELEMENTS {
            self.trimmed = true;
            self.replace(lt, t.end, " ");
            return Some(t.end);
        }
        self.elements += 1;
        let self_closing = t.self_closing && t.cut_at.is_none();
        let attrs = t.attrs.min(MAX_ATTRIBUTES);
        let same = self.hasher.hash_one(&self.src.as_bytes()[t.attrs_at.0..t.attrs_at.1]);
        match self.model.start(t.name, self_closing, (attrs, same), t.font_attr) {
            Verdict::Drop(cut) => {
                self.note(cut);
                self.replace(lt, t.end, " ");
                Some(t.end)
            }
            verdict => {
                self.trim_attributes(t);
                match verdict {
                    Verdict::RawText => Some(raw_text_end(self.src.as_bytes(), t.end, t.name.name())),
                    Verdict::Plaintext => None,
                    _ => Some(t.end),
                }
            }
        }
    }

    fn end_tag(&mut self, lt: usize, t: &TagScan) -> usize {
        if self.elements >= MAX_ELEMENTS {
            self.replace(lt, t.end, " ");
        } else if self.model.end(t.name) {
            self.trim_attributes(t);
        } else {
            self.replace(lt, t.end, " ");
        }
        t.end
    }

    fn note(&mut self, cut: Cut) {
        match cut {
            Cut::Depth => self.flattened = true,
            Cut::Cap => self.trimmed = true,
        }
    }

    /// Cuts a tag's attributes beyond the cap: `<x a1 … a64>`.
    fn trim_attributes(&mut self, t: &TagScan) {
        if let Some(at) = t.cut_at {
            self.trimmed = true;
            self.replace(at, t.end, ">");
        }
    }

    /// Replaces `src[from..to]` (in order, after what was copied) by `with`.
    fn replace(&mut self, from: usize, to: usize, with: &str) {
        let out = self.out.get_or_insert_with(|| String::with_capacity(self.src.len()));
        out.push_str(&self.src[self.copied..from]);
        out.push_str(with);
        self.copied = to;
    }
}

/// Index past the first `byte` at or after `from`, or the end.
fn skip_past(b: &[u8], from: usize, byte: u8) -> usize {
    memchr::memchr(byte, &b[from..]).map_or(b.len(), |p| from + p + 1)
}

/// End of a comment whose text starts at `body`: `<!-->` and `<!--->` end at
/// once, else the first `-->` or `--!>` (the earliest the tokenizer ends it).
fn comment_end(b: &[u8], body: usize) -> usize {
    let rest = &b[body..];
    if rest.starts_with(b">") {
        return body + 1;
    }
    if rest.starts_with(b"->") {
        return body + 2;
    }
    let mut from = body;
    while let Some(p) = memchr::memmem::find(&b[from..], b"--") {
        let at = from + p + 2;
        match (b.get(at), b.get(at + 1)) {
            (Some(b'>'), _) => return at + 1,
            (Some(b'!'), Some(b'>')) => return at + 2,
            _ => from = from + p + 1,
        }
    }
    b.len()
}

/// Where raw text started at `from` ends: the first `</name` followed by
/// whitespace, `/` or `>` (never later than the tokenizer ends it).
fn raw_text_end(b: &[u8], from: usize, name: &str) -> usize {
    let n = name.len();
    let mut at = from;
    while let Some(p) = memchr::memmem::find(&b[at..], b"</") {
        let start = at + p;
        let name_end = start + 2 + n;
        if b.get(start + 2..name_end)
            .is_some_and(|s| s.eq_ignore_ascii_case(name.as_bytes()))
            && matches!(
                b.get(name_end),
                Some(b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>')
            )
        {
            return start;
        }
        at = start + 2;
    }
    b.len()
}

fn is_space(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// Scans a tag whose name starts at `name_start` with the tokenizer's
/// attribute states (so a `>` inside a quoted value does not end it).
/// `None` when the input ends inside the tag.
fn scan_tag(b: &[u8], name_start: usize) -> Option<TagScan> {
    let mut i = name_start;
    while i < b.len() && !is_space(b[i]) && b[i] != b'/' && b[i] != b'>' {
        i += 1;
    }
    let mut t = TagScan {
        end: 0,
        name: Tag::lookup(&b[name_start..i]),
        self_closing: false,
        attrs: 0,
        cut_at: None,
        font_attr: false,
        attrs_at: (i, i),
    };
    loop {
        // Before an attribute name.
        while i < b.len() && is_space(b[i]) {
            i += 1;
        }
        match *b.get(i)? {
            b'>' => {
                t.end = i + 1;
                t.attrs_at.1 = i;
                return Some(t);
            }
            b'/' => {
                i += 1;
                if b.get(i) == Some(&b'>') {
                    t.self_closing = true;
                    t.end = i + 1;
                    t.attrs_at.1 = i - 1;
                    return Some(t);
                }
                continue;
            }
            _ => {}
        }
        i = scan_attribute(b, i, &mut t)?;
    }
}

/// One attribute starting at `start` (a name character); returns the index
/// after it (at whitespace, `/` or `>`).
fn scan_attribute(b: &[u8], start: usize, t: &mut TagScan) -> Option<usize> {
    t.attrs += 1;
    if t.attrs > MAX_ATTRIBUTES && t.cut_at.is_none() {
        t.cut_at = Some(start);
    }
    // The first character is part of the name even if it is '='.
    let mut i = start + 1;
    while i < b.len() && !is_space(b[i]) && !matches!(b[i], b'/' | b'>' | b'=') {
        i += 1;
    }
    let name = &b[start..i];
    if [&b"color"[..], b"face", b"size"]
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n))
    {
        t.font_attr = true;
    }
    while i < b.len() && is_space(b[i]) {
        i += 1;
    }
    if *b.get(i)? != b'=' {
        return Some(i); // no value; the next attribute or the tag end follows
    }
    i += 1;
    while i < b.len() && is_space(b[i]) {
        i += 1;
    }
    match *b.get(i)? {
        q @ (b'"' | b'\'') => {
            let close = memchr::memchr(q, &b[i + 1..])?;
            Some(i + 1 + close + 1)
        }
        b'>' => Some(i),
        _ => {
            while i < b.len() && !is_space(b[i]) && b[i] != b'>' {
                i += 1;
            }
            Some(i)
        }
    }
}

/// An element in the model's stack of open elements.
#[derive(Debug, Clone, Copy)]
struct Open {
    tag: Tag,
    /// In the SVG or MathML namespace.
    foreign: bool,
    /// In the MathML namespace (else SVG, when `foreign`): integration
    /// points differ ("mi" in MathML, "title" in SVG).
    math: bool,
    /// Its entry in the active formatting list, 0 if none.
    fmt_id: u32,
}

/// An entry of the model's list of active formatting elements.
#[derive(Debug, Clone, Copy)]
enum Fmt {
    Marker,
    Element {
        tag: Tag,
        id: u32,
        in_stack: bool,
        attrs: usize,
        /// Hash of the attributes as written (Noah's Ark clause).
        same: u64,
    },
}

/// The model of html5ever's stack of open elements and list of active
/// formatting elements (see the module documentation).
struct Model {
    max_depth: usize,
    stack: Vec<Open>,
    fmt: Vec<Fmt>,
    fmt_elements: usize,
    fmt_attrs: usize,
    /// Formatting entries not on the stack: a text run may reopen them.
    floating: usize,
    next_id: u32,
    /// Removed start tags still "open", with repeat counts: their end tags go too.
    dropped: Vec<(Tag, u32)>,
    selects: usize,
    templates: usize,
    form_open: bool,
    root_tags: usize,
    /// Nothing yet rules out a `<frameset>` replacing the body.
    frameset_ok: bool,
    /// In frameset (or after frameset) mode: only frameset tags count.
    in_frameset: bool,
}

mod model;

#[cfg(test)]
mod tests;
