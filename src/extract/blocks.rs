//! A page as lines with structure: the same visible text the extractor has
//! always produced (one line per block), with, for each line, where it sits
//! in the DOM (its block container and that container's tag/class path),
//! how much of it is link text, where its links go, the pieces it lists,
//! whether it is a heading, and whether a configured field's element holds
//! it. The content extractor ([`super::content`]) and the site template
//! ([`super::template`]) reason over these lines.
//!
//! One iterative walk (hostile pages nest deeply; the pre-pass bounds the
//! depth) in document order; everything is linear in the page.

use scraper::node::Element;
use scraper::Node;
use std::collections::HashSet;
use url::Url;

/// Most link targets kept per line (enough to tell a link list).
const MAX_LINE_LINKS: usize = 32;
/// Most list items hashed per line.
const MAX_LINE_ITEMS: usize = 64;

/// Semantic context a line inherits from its ancestors.
pub mod flags {
    /// Inside `<nav>` or a `role=navigation`/`menu` element.
    pub const NAV: u8 = 1;
    /// Inside `<aside>` or a `role=complementary` element.
    pub const ASIDE: u8 = 2;
    /// Inside a page-level `<header>` (not one within `main`/`article`).
    pub const HEADER: u8 = 4;
    /// Inside a page-level `<footer>`.
    pub const FOOTER: u8 = 8;
    /// Inside a `<form>` (search boxes, filters).
    pub const FORM: u8 = 16;
    /// Inside `<main>`, `<article>` or `role=main`.
    pub const MAIN: u8 = 32;
}

/// One element on the path of a line.
#[derive(Debug, Clone)]
pub struct Elem {
    /// The parent element (None for the root of the walk).
    pub parent: Option<u32>,
    /// Hash of the tag/class chain from the root to this element, without
    /// positions or digits: the same place in every page of a template.
    pub path: u64,
    /// Class/id words that say "chrome" (< 0) or "content" (> 0), this element only.
    pub hint: i8,
    /// Semantic [`flags`] inherited from the ancestors and this element.
    pub flags: u8,
    /// Depth below the root of the walk.
    pub depth: u32,
}

/// One line of visible text and what the DOM says about it.
#[derive(Debug, Clone, Default)]
pub struct Line {
    /// The text, whitespace collapsed (a line of [`super::Extracted::text`]).
    pub text: String,
    /// The innermost block element holding the line (index into [`Page::elems`]).
    pub elem: u32,
    /// Characters of the line.
    pub chars: u32,
    /// Characters of it inside links.
    pub anchor_chars: u32,
    /// Path and query of the http(s) links in the line (at most 32).
    pub links: Vec<String>,
    /// Hashes of the pieces the line lists (its inline elements' texts, or
    /// its text split at commas and bars): rotating lists share pieces.
    pub items: Vec<u64>,
    /// Heading level 1–6 when the line is (inside) a heading, else 0.
    pub heading: u8,
    /// The configured field whose element holds (part of) the line: index
    /// into the field selectors.
    pub field: Option<u16>,
    /// The sum of the [`Elem::hint`]s of the line's ancestors, clamped.
    pub hint: i8,
    /// Where the line's first inline element ends, when the text after it
    /// follows without a space or colon (`<span>Price</span><span>US $ 5</span>`
    /// reads "PriceUS $ 5"; a browser's CSS would show the two apart).
    pub glued: Option<u32>,
}

/// A page segmented into lines.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// Elements that hold lines, and their ancestors.
    pub elems: Vec<Elem>,
    /// Visible lines in document order.
    pub lines: Vec<Line>,
}

impl Page {
    /// The visible text: the lines joined by newlines.
    pub fn text(&self) -> String {
        let mut s = String::with_capacity(self.lines.iter().map(|l| l.text.len() + 1).sum());
        for (i, l) in self.lines.iter().enumerate() {
            if i > 0 {
                s.push('\n');
            }
            s.push_str(&l.text);
        }
        s
    }

    /// The ancestors of `elem`, itself first.
    pub fn ancestors(&self, elem: u32) -> impl Iterator<Item = u32> + '_ {
        std::iter::successors(Some(elem), move |&e| self.elems[e as usize].parent)
    }
}

/// Class and id words of places around a listing (columns, bars, lists of other things).
const CHROME: &[&str] = &[
    "sidebar",
    "side",
    "aside",
    "related",
    "recommend",
    "hot",
    "popular",
    "trending",
    "trend",
    "recent",
    "history",
    "keyword",
    "keywords",
    "tags",
    "tag",
    "cloud",
    "footer",
    "foot",
    "header",
    "head",
    "nav",
    "navbar",
    "menu",
    "breadcrumb",
    "breadcrumbs",
    "crumb",
    "crumbs",
    "banner",
    "ad",
    "ads",
    "advert",
    "sponsor",
    "similar",
    "also",
    "guess",
    "promo",
    "share",
    "social",
    "login",
    "cart",
    "search",
    "copyright",
    "widget",
    "hotsearch",
    "toolbar",
    "topbar",
    "links",
    "more",
    "other",
    "others",
    "rank",
    "ranking",
    "top10",
    "bestseller",
    "news",
];

/// Class and id words of a listing's own content.
const CONTENT: &[&str] = &[
    "product",
    "detail",
    "details",
    "description",
    "desc",
    "content",
    "main",
    "article",
    "spec",
    "specs",
    "specification",
    "info",
    "summary",
    "attribute",
    "attributes",
    "param",
    "params",
    "property",
    "offer",
    "intro",
    "introduction",
    "body",
    "text",
];

/// Words in class and id values that mark chrome or content, as readability
/// and boilerplate removers use them, plus marketplace words.
fn class_hint(el: &Element) -> i8 {
    let mut score: i32 = 0;
    for v in [el.attr("class"), el.attr("id")].into_iter().flatten() {
        for token in v
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|t| !t.is_empty())
            .take(16)
        {
            let t = token.to_ascii_lowercase();
            if CHROME.contains(&t.as_str()) {
                score -= 1;
            } else if CONTENT.contains(&t.as_str()) {
                score += 1;
            }
        }
    }
    score.clamp(-3, 3) as i8
}

fn own_flags(el: &Element, inside_main: bool) -> u8 {
    let role = el.attr("role").unwrap_or("");
    match el.name() {
        "nav" => flags::NAV,
        "aside" => flags::ASIDE,
        "header" if !inside_main => flags::HEADER,
        "footer" if !inside_main => flags::FOOTER,
        "form" => flags::FORM,
        "main" | "article" => flags::MAIN,
        _ => match role {
            "navigation" | "menu" | "menubar" => flags::NAV,
            "complementary" => flags::ASIDE,
            "banner" => flags::HEADER,
            "contentinfo" => flags::FOOTER,
            "main" => flags::MAIN,
            _ => 0,
        },
    }
}

/// FNV-1a over the element's tag and class words with digits removed (so
/// `item-3` and `item-7` are the same place).
fn path_hash(parent: u64, el: &Element) -> u64 {
    let mut h = parent ^ 0xcbf2_9ce4_8422_2325;
    let mut eat = |b: u8| {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    };
    for b in el.name().bytes() {
        eat(b);
    }
    if let Some(c) = el.attr("class") {
        let mut words: Vec<&str> = c.split_ascii_whitespace().take(4).collect();
        words.sort_unstable();
        for w in words {
            eat(b'.');
            for b in w.bytes().filter(|b| !b.is_ascii_digit()).take(32) {
                eat(b);
            }
        }
    }
    h
}

/// Hash of a piece of text, case- and space-insensitive (ASCII bytes are
/// folded directly; other characters through Unicode lower case).
pub fn text_hash(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |b: u8| {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    };
    for c in s.chars() {
        if c.is_ascii() {
            if !c.is_ascii_whitespace() {
                eat(c.to_ascii_lowercase() as u8);
            }
            continue;
        }
        if c.is_whitespace() {
            continue;
        }
        for l in c.to_lowercase() {
            let mut buf = [0u8; 4];
            for &b in l.encode_utf8(&mut buf).as_bytes() {
                eat(b);
            }
        }
    }
    h
}

use super::{is_block, is_hidden, is_skipped};

/// The line being written.
#[derive(Default)]
struct Pending {
    line: Line,
    /// Inline element pieces of this line (link and span texts).
    pieces: Vec<String>,
    /// Where a piece that starts the line ends.
    first_piece_end: Option<usize>,
}

struct Walker<'a> {
    page: Page,
    cur: Pending,
    pending_space: bool,
    /// Open block-level elements (indices into page.elems); the last holds new lines.
    blocks: Vec<u32>,
    /// Depth of open `<a>` elements.
    in_link: u32,
    /// Targets (path and query) of the open `<a>` elements, innermost last:
    /// a line that starts inside a link (`<a><div>name</div></a>`) links there.
    link_targets: Vec<Option<String>>,
    heading: Vec<u8>,
    field: Vec<u16>,
    base: &'a Url,
    field_nodes: &'a [HashSet<ego_tree::NodeId>],
}

enum Step<'a> {
    Enter(ego_tree::NodeRef<'a, Node>),
    Leave(Leave),
}

/// What to undo when an element's children are done.
struct Leave {
    /// A block element: its end ends the line.
    block: bool,
    /// A table cell: its end is a space.
    cell: bool,
    /// It was pushed on the walker's element stack.
    pop: bool,
    link: bool,
    heading: bool,
    field: bool,
    /// Where its text starts: (line number, byte offset in that line).
    piece: Option<(usize, usize)>,
}

impl<'a> Walker<'a> {
    fn new(base: &'a Url, field_nodes: &'a [HashSet<ego_tree::NodeId>]) -> Self {
        let root = Elem {
            parent: None,
            path: 0,
            hint: 0,
            flags: 0,
            depth: 0,
        };
        Walker {
            page: Page {
                elems: vec![root],
                lines: Vec::new(),
            },
            cur: Pending::default(),
            pending_space: false,
            blocks: vec![0],
            in_link: 0,
            heading: Vec::new(),
            link_targets: Vec::new(),
            field: Vec::new(),
            base,
            field_nodes,
        }
    }

    fn line_break(&mut self) {
        self.pending_space = false;
        while self.cur.line.text.ends_with(' ') {
            self.cur.line.text.pop();
        }
        if self.cur.line.text.is_empty() {
            self.cur = Pending::default();
            return;
        }
        let mut p = std::mem::take(&mut self.cur);
        p.line.chars = u32::try_from(p.line.text.chars().count()).unwrap_or(u32::MAX);
        p.line.glued = p
            .first_piece_end
            .filter(|&k| p.line.text[k..].starts_with(|c: char| !c.is_whitespace() && !matches!(c, ':' | '：')))
            .and_then(|k| u32::try_from(k).ok());
        p.line.items = items(&p.line.text, &p.pieces);
        self.page.lines.push(p.line);
    }

    fn text(&mut self, t: &str) {
        if t.starts_with(char::is_whitespace) {
            self.pending_space = true;
        }
        let mut any = false;
        for word in t.split_whitespace() {
            let out = &mut self.cur.line.text;
            if out.is_empty() {
                self.start_line();
            } else if any || self.pending_space {
                self.cur.line.text.push(' ');
            }
            self.cur.line.text.push_str(word);
            if let Some(&f) = self.field.last() {
                self.cur.line.field = Some(f);
            }
            if self.in_link > 0 {
                self.cur.line.anchor_chars = self
                    .cur
                    .line
                    .anchor_chars
                    .saturating_add(u32::try_from(word.chars().count()).unwrap_or(u32::MAX));
            }
            any = true;
        }
        if any {
            self.pending_space = t.ends_with(char::is_whitespace);
        }
    }

    /// The first word of a line: it belongs to the innermost open block.
    fn start_line(&mut self) {
        let elem = *self.blocks.last().expect("the root block is never closed");
        let hint = self
            .page
            .ancestors(elem)
            .map(|e| i32::from(self.page.elems[e as usize].hint))
            .take(12)
            .sum::<i32>();
        self.cur.line.elem = elem;
        self.cur.line.hint = hint.clamp(-8, 8) as i8;
        self.cur.line.heading = self.heading.last().copied().unwrap_or(0);
        if self.cur.line.links.is_empty() {
            if let Some(Some(pq)) = self.link_targets.last() {
                self.cur.line.links.push(pq.clone());
            }
        }
    }

    fn enter(&mut self, node: ego_tree::NodeRef<'a, Node>, el: &Element, stack: &mut Vec<Step<'a>>) {
        let name = el.name();
        let block = is_block(name);
        let cell = matches!(name, "td" | "th");
        if block {
            self.line_break();
        }
        let parent = *self.blocks.last().expect("root");
        let pe = &self.page.elems[parent as usize];
        let inside_main = pe.flags & flags::MAIN != 0;
        let elem = Elem {
            parent: Some(parent),
            path: path_hash(pe.path, el),
            hint: class_hint(el),
            flags: pe.flags | own_flags(el, inside_main),
            depth: pe.depth + 1,
        };
        let mut leave = Leave {
            block,
            cell,
            pop: false,
            link: false,
            heading: false,
            field: false,
            piece: None,
        };
        if block || cell || elem.hint != 0 || elem.flags != pe.flags {
            self.page.elems.push(elem);
            self.blocks
                .push(u32::try_from(self.page.elems.len() - 1).unwrap_or(u32::MAX));
            leave.pop = true;
        }
        if name == "a" {
            self.in_link += 1;
            leave.link = true;
            let pq = el
                .attr("href")
                .and_then(|h| crate::urls::resolve(self.base, h))
                .map(|u| crate::urls::path_and_query(&u).to_string());
            if let Some(pq) = &pq {
                if !self.cur.line.text.is_empty() && self.cur.line.links.len() < MAX_LINE_LINKS {
                    self.cur.line.links.push(pq.clone());
                }
            }
            self.link_targets.push(pq);
        }
        if let Some(level) = name
            .strip_prefix('h')
            .and_then(|d| d.parse::<u8>().ok())
            .filter(|l| (1..=6).contains(l))
        {
            self.heading.push(level);
            leave.heading = true;
        }
        if let Some(i) = self.field_nodes.iter().position(|s| s.contains(&node.id())) {
            self.field.push(u16::try_from(i).unwrap_or(u16::MAX));
            leave.field = true;
        }
        if !block && matches!(name, "a" | "span" | "b" | "strong" | "em" | "font" | "label" | "i") {
            leave.piece = Some((self.page.lines.len(), self.cur.line.text.len()));
        }
        stack.push(Step::Leave(leave));
    }

    fn leave(&mut self, l: Leave) {
        if let Some((line, start)) = l.piece.filter(|(line, _)| *line == self.page.lines.len()) {
            let _ = line;
            if let Some(piece) = self.cur.line.text.get(start..) {
                let piece = piece.trim();
                if !piece.is_empty() && self.cur.pieces.len() < MAX_LINE_ITEMS {
                    self.cur.pieces.push(piece.to_string());
                }
                if start == 0 && !piece.is_empty() && self.cur.first_piece_end.is_none() {
                    self.cur.first_piece_end = Some(self.cur.line.text.len());
                }
            }
        }
        if l.link {
            self.in_link = self.in_link.saturating_sub(1);
            self.link_targets.pop();
        }
        if l.heading {
            self.heading.pop();
        }
        if l.field {
            self.field.pop();
        }
        if l.block {
            self.line_break();
        } else if l.cell {
            self.pending_space = true;
        }
        if l.pop && self.blocks.len() > 1 {
            self.blocks.pop();
        }
    }
}

/// The pieces a line lists: its inline elements' texts when it has two or
/// more, else its text split at list separators (when that gives three or
/// more short pieces).
fn items(text: &str, pieces: &[String]) -> Vec<u64> {
    if pieces.len() >= 2 {
        return pieces.iter().map(|p| text_hash(p)).collect();
    }
    let parts: Vec<&str> = text
        .split([',', '|', '/', '·', '•', '、', '，', ';', '；'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .take(MAX_LINE_ITEMS)
        .collect();
    if parts.len() >= 3 && parts.iter().all(|p| p.chars().count() <= 48) {
        parts.iter().map(|p| text_hash(p)).collect()
    } else {
        Vec::new()
    }
}

/// Segments the visible text under `root` into lines. `field_nodes[i]` holds
/// the element the i-th field selector picked (at most one per field).
pub(crate) fn segment(
    root: ego_tree::NodeRef<'_, Node>,
    base: &Url,
    field_nodes: &[HashSet<ego_tree::NodeId>],
) -> Page {
    let mut w = Walker::new(base, field_nodes);
    let mut stack = vec![Step::Enter(root)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Leave(l) => w.leave(l),
            Step::Enter(node) => match node.value() {
                Node::Text(t) => w.text(t),
                Node::Element(el) => {
                    if is_skipped(el.name()) || is_hidden(el) {
                        continue;
                    }
                    w.enter(node, el, &mut stack);
                    push_children(&mut stack, node, el.name() == "select");
                }
                Node::Document | Node::Fragment => push_children(&mut stack, node, false),
                _ => {}
            },
        }
    }
    w.line_break();
    w.page
}

/// Children pushed last-first so they pop in document order (only elements
/// inside a select: text straight in a select is never displayed).
fn push_children<'a>(stack: &mut Vec<Step<'a>>, node: ego_tree::NodeRef<'a, Node>, elements_only: bool) {
    let mut child = node.last_child();
    while let Some(c) = child {
        if !elements_only || c.value().is_element() {
            stack.push(Step::Enter(c));
        }
        child = c.prev_sibling();
    }
}
