//! The listing's own content, apart from the site's chrome.
//!
//! Marketplaces wrap every listing in navigation, "hot products", "related
//! products", "recent searches", footers of trending keywords, and those
//! name controlled chemicals too. Matching the whole page flags every
//! listing; this module finds what the listing itself says, as named parts:
//! `title`, `description`, and fields (`cas`, `purity`, `price`, `moq`,
//! `supplier`, `contact`, … or the job's own field names).
//!
//! With `[site.fields]` selectors, the selected elements are those parts.
//! Otherwise (and for whatever the selectors do not cover) every line of the
//! page gets a chrome likelihood from what the page shows — the semantic
//! element it sits in (`nav`, `aside`, a page-level `header`/`footer`,
//! `form`), class and id words ("sidebar", "related"; "product", "detail"),
//! how much of it is link text and whether its links lead to other listings,
//! whether it comes before the listing's title — and from what the site's
//! [`SiteTemplate`] learned across pages: a DOM place whose lines or listed
//! pieces repeat from page to page is chrome, however its text rotates, and
//! a line that appears at its place on most pages is template text. The
//! main content is then the DOM subtree that holds the most content-like
//! text and the least chrome-like (a readability-style choice of the best
//! container, made with the site's template); lines outside it, or chrome
//! by themselves, are dropped and kept as `chrome` for the investigator,
//! with why. Contact lines outside it (a supplier card in a side column) are
//! kept as the `supplier`/`contact` part unless they are site-wide.
//!
//! No I/O; linear in the page (each line is weighed once, each element
//! receives its lines' weight once, the ancestor walks are bounded by the
//! pre-pass's depth budget).

use super::blocks::{flags, Elem, Line, Page};
use super::template::{PlaceStats, SiteTemplate};
use super::Extracted;
use aho_corasick::{AhoCorasick, Anchored, Input, MatchKind, StartKind};
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// Most chrome lines kept as evidence per listing.
const MAX_CHROME_LINES: usize = 400;
/// Most bytes of chrome kept as evidence per listing.
const MAX_CHROME_BYTES: usize = 64 * 1024;

/// Why a line was not taken as the listing's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Why {
    /// Inside `nav`, `aside`, a page-level `header`/`footer`, or a `form`.
    Semantic,
    /// Its element's class or id names chrome ("sidebar", "related", ...).
    ClassName,
    /// Mostly link text (menus, product lists, tag clouds).
    Links,
    /// Its DOM place repeats from page to page on this site (rotating lists).
    Template,
    /// Its text appears at its place on most of this site's pages.
    Boilerplate,
    /// Before the listing's title (site header, search, breadcrumbs).
    BeforeTitle,
    /// Announced as chrome ("Hot products", "Recent searches: …", a breadcrumb trail).
    Label,
    /// In a section headed as chrome ("Related products", "猜你喜欢").
    Section,
    /// Outside the listing's main content.
    OutsideContent,
}

/// A line dropped as chrome, kept so an investigator can see why a hit did
/// not count.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Dropped {
    /// The line's text.
    pub text: String,
    /// The main reason it was dropped.
    pub why: Why,
}

/// A named part of the content: `content[start..end]`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Part {
    /// `title`, `description`, or a field name.
    pub name: String,
    /// Byte offsets into [`ListingContent::text`].
    pub start: usize,
    /// End (exclusive).
    pub end: usize,
}

/// What a listing says, apart from the chrome around it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListingContent {
    /// The content matched: the title, then the content lines in page order,
    /// one per line.
    pub text: String,
    /// The parts of `text`, in order, covering every line.
    pub parts: Vec<Part>,
    /// The listing's title.
    pub title: String,
    /// Lines dropped as chrome (at most 400 lines / 64 KiB).
    pub chrome: Vec<Dropped>,
    /// True when the site's field selectors gave the parts (no fallback).
    pub from_selectors: bool,
}

impl ListingContent {
    /// The part holding byte `offset` of [`ListingContent::text`].
    pub fn part_at(&self, offset: usize) -> Option<&str> {
        let i = self.parts.partition_point(|p| p.end <= offset);
        self.parts.get(i).filter(|p| p.start <= offset).map(|p| p.name.as_str())
    }

    fn push(&mut self, part: &str, text: &str) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        if !self.text.is_empty() {
            self.text.push('\n');
        }
        let start = self.text.len();
        self.text.push_str(text);
        let end = self.text.len();
        match self.parts.last_mut() {
            Some(p) if p.name == part && p.end + 1 == start => p.end = end,
            _ => self.parts.push(Part {
                name: part.to_string(),
                start,
                end,
            }),
        }
    }

    /// Records a dropped line while the budget lasts; a line longer than
    /// what is left is kept cut, marked with "…", so a huge dropped block
    /// still leaves a trace in the evidence.
    fn drop_line(&mut self, text: &str, why: Why, bytes: &mut usize) {
        let left = MAX_CHROME_BYTES.saturating_sub(*bytes);
        if self.chrome.len() >= MAX_CHROME_LINES || left < 64 {
            return;
        }
        let text = if text.len() <= left {
            text.to_string()
        } else {
            let mut end = left - 3;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            format!("{}…", &text[..end])
        };
        *bytes += text.len();
        self.chrome.push(Dropped { text, why });
    }
}

/// What the content extractor needs to know about the site.
#[derive(Debug, Clone, Copy, Default)]
pub struct Site<'a> {
    /// The site's listing pattern: links to listings mark product lists.
    pub listing: Option<&'a Regex>,
    /// The page itself is already in the template (a listing analysed after
    /// its site's template was learned): its own lines do not count as
    /// repeats.
    pub learned: bool,
}

/// Field labels as product pages write them, by field name.
const LABELS: &[(&str, &[&str])] = &[
    (
        "cas",
        &[
            "cas no",
            "cas number",
            "cas#",
            "cas",
            "cas号",
            "cas 号",
            "número cas",
            "numero cas",
            "no. cas",
            "nº cas",
            "n° cas",
        ],
    ),
    (
        "name",
        &[
            "product name",
            "chemical name",
            "name",
            "产品名称",
            "品名",
            "中文名称",
            "英文名称",
            "nombre del producto",
            "nombre químico",
            "nombre",
        ],
    ),
    (
        "synonyms",
        &[
            "synonyms",
            "other names",
            "other name",
            "alias",
            "别名",
            "英文别名",
            "sinónimos",
            "otros nombres",
        ],
    ),
    (
        "formula",
        &[
            "molecular formula",
            "mf",
            "formula",
            "分子式",
            "fórmula molecular",
            "fórmula",
        ],
    ),
    (
        "purity",
        &["purity", "assay", "content", "纯度", "含量", "pureza", "contenido"],
    ),
    (
        "appearance",
        &["appearance", "color", "colour", "外观", "apariencia", "aspecto"],
    ),
    (
        "price",
        &[
            "fob price",
            "price",
            "unit price",
            "价格",
            "单价",
            "precio",
            "precio unitario",
        ],
    ),
    (
        "moq",
        &[
            "min. order",
            "minimum order quantity",
            "minimum order",
            "moq",
            "起订量",
            "最小起订量",
            "pedido mínimo",
            "cantidad mínima",
        ],
    ),
    (
        "packaging",
        &[
            "packaging",
            "package",
            "packing",
            "包装",
            "embalaje",
            "empaque",
            "presentación",
        ],
    ),
    (
        "supply",
        &[
            "supply ability",
            "supply",
            "stock",
            "供应能力",
            "库存",
            "capacidad de suministro",
            "existencias",
            "disponibilidad",
        ],
    ),
    (
        "delivery",
        &[
            "delivery time",
            "delivery",
            "shipping",
            "发货期",
            "运输",
            "tiempo de entrega",
            "entrega",
            "envío",
        ],
    ),
    (
        "payment",
        &[
            "payment terms",
            "payment",
            "付款方式",
            "forma de pago",
            "formas de pago",
            "método de pago",
            "pago",
        ],
    ),
    (
        "location",
        &[
            "place of origin",
            "origin",
            "location",
            "产地",
            "所在地",
            "lugar de origen",
            "origen",
            "ubicación",
        ],
    ),
    (
        "supplier",
        &[
            "supplier",
            "company",
            "manufacturer",
            "seller",
            "vendor",
            "供应商",
            "公司名称",
            "厂家",
            "proveedor",
            "empresa",
            "fabricante",
            "vendedor",
        ],
    ),
    (
        "contact",
        &[
            "contact person",
            "online contact",
            "座机",
            "旺旺",
            "qq",
            "contact",
            "tel",
            "telephone",
            "phone",
            "mobile",
            "whatsapp",
            "telegram",
            "wickr",
            "wechat",
            "skype",
            "signal",
            "e-mail",
            "email",
            "联系人",
            "电话",
            "手机",
            "微信",
            "邮箱",
            "contacto en línea",
            "contacto",
            "teléfono",
            "móvil",
            "celular",
            "correo electrónico",
            "correo",
        ],
    ),
];

/// An anchored, ASCII-case-insensitive, leftmost-longest automaton over
/// `labels`, and the value each label stands for.
fn label_automaton<T: Copy>(labels: impl Iterator<Item = (&'static str, T)>) -> (AhoCorasick, Vec<T>) {
    let (pats, values): (Vec<&str>, Vec<T>) = labels.unzip();
    let ac = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .start_kind(StartKind::Anchored)
        .build(pats)
        .expect("label automaton");
    (ac, values)
}

/// The longest label `text` starts with, and the text after it.
fn starting_label<'t, T: Copy>(auto: &(AhoCorasick, Vec<T>), text: &'t str) -> Option<(T, &'t str)> {
    let head = text.trim_start();
    let m = auto.0.find(Input::new(head).anchored(Anchored::Yes))?;
    Some((auto.1[m.pattern().as_usize()], &head[m.end()..]))
}

static FIELD_LABELS: LazyLock<(AhoCorasick, Vec<&'static str>)> =
    LazyLock::new(|| label_automaton(LABELS.iter().flat_map(|(f, ls)| ls.iter().map(move |l| (*l, *f)))));

/// The field `label` names when it is nothing but a label ("Price",
/// "CAS No.:"): a line whose first inline piece is a label glued to its
/// value ("PriceUS $ 5") is that field.
fn bare_label(label: &str) -> Option<&'static str> {
    let (field, rest) = starting_label(&FIELD_LABELS, label)?;
    rest.trim_matches([':', '：', ' ', '.', '#'])
        .is_empty()
        .then_some(field)
}

/// A line shaped as "label: value" in any language: a short label of one to
/// four words, a colon, and a value that is not a list of pieces. Spec rows
/// are this whatever words a site uses; "Hot: a, b, c" is not.
fn key_value(text: &str) -> bool {
    let Some((label, value)) = text.split_once([':', '：']) else {
        return false;
    };
    let words = label.split_whitespace().count();
    let cjk = label.chars().filter(|c| (*c as u32) >= 0x2E80).count();
    let short = (1..=4).contains(&words) && label.chars().count() <= 32 || (cjk > 0 && label.chars().count() <= 8);
    let value = value.trim();
    short && !value.is_empty() && value.matches([',', '，', '、', '·', '|']).count() < 2
}

/// The field a line is: by its label, or by a label glued to its value.
fn field_of(l: &Line) -> Option<&'static str> {
    field_of_line(&l.text).or_else(|| {
        let k = l.glued? as usize;
        bare_label(l.text.get(..k)?)
    })
}

/// A title line's text, without a name label ("产品名称： X" → "X").
fn title_text(l: &Line) -> String {
    match starting_label(&FIELD_LABELS, &l.text) {
        Some(("name", rest)) if field_of_line(&l.text).is_some() => rest
            .trim_start_matches([':', '：', ' ', '.', '#', '\u{a0}'])
            .trim()
            .to_string(),
        _ => l.text.clone(),
    }
}

/// The line as content: a label glued to its value gets its colon back
/// ("PriceUS $ 5" → "Price: US $ 5"), so the value is matched as a word.
fn content_text(l: &Line) -> std::borrow::Cow<'_, str> {
    match l
        .glued
        .map(|k| k as usize)
        .filter(|&k| l.text.get(..k).and_then(bare_label).is_some())
    {
        Some(k) => std::borrow::Cow::Owned(format!("{}: {}", &l.text[..k], &l.text[k..])),
        None => std::borrow::Cow::Borrowed(&l.text),
    }
}

/// The field a line's label names ("CAS No.: 39742-60-4" → `cas`).
pub fn field_of_line(text: &str) -> Option<&'static str> {
    let (field, rest) = starting_label(&FIELD_LABELS, text)?;
    let bounded = rest
        .chars()
        .next()
        .is_none_or(|c| matches!(c, ':' | '：' | ' ' | '.' | '#' | '\u{a0}' | '(' | '/'));
    let has_value = rest
        .trim_start_matches([':', '：', ' ', '.', '#'])
        .chars()
        .next()
        .is_some();
    (bounded && has_value).then_some(field)
}

/// Finds the listing's content on an extracted page.
///
/// `field_names[i]` is the name of the i-th field selector the page was
/// extracted with; `template` is what the crawl learned of the site so far
/// (empty for a single page).
pub fn listing_content(ex: &Extracted, field_names: &[String], template: &SiteTemplate, site: Site) -> ListingContent {
    let selected = Selected::from(ex);
    let page = &ex.page;
    let own_title = template.title_without_template(&ex.title_tag);
    let title_line = find_title(page, &ex.title_tag, &own_title, template, site);
    let mut out = ListingContent::default();
    let title = selected
        .title
        .clone()
        .or_else(|| title_line.map(|i| title_text(&page.lines[i])))
        .unwrap_or(own_title);
    out.title = title.clone();
    out.push("title", &title);
    let (weighed, main) = weigh_page(page, title_line, template, site);
    let mut chrome_bytes = 0;
    let mut pushed_fields = std::collections::HashSet::new();
    for (i, (line, w)) in page.lines.iter().zip(&weighed).enumerate() {
        if Some(i) == title_line {
            continue;
        }
        if let Some(f) = line.field {
            // A configured field: its value (the selected element's text) once.
            let name = field_names.get(usize::from(f)).map_or("field", String::as_str);
            if !matches!(name, "title" | "description" | "content") && pushed_fields.insert(name) {
                if let Some(v) = ex.fields.get(name) {
                    out.push(name, v);
                }
            }
            continue;
        }
        if weighed.get(i + 1).is_some_and(|next| next.labelled.is_some()) {
            continue; // a label alone: it goes out with its value
        }
        let inside = main.is_none_or(|m| page.ancestors(line.elem).any(|e| e == m));
        let text = match (w.labelled, i.checked_sub(1)) {
            (Some(_), Some(prev)) => std::borrow::Cow::Owned(format!("{} {}", page.lines[prev].text, line.text)),
            _ => content_text(line),
        };
        // A chrome tail inside the line (a category, a counter, a labelled
        // list in the row's last cell) goes, whatever the line is.
        let own = match tail_of(&text) {
            Some(Tail::Cut(k)) => {
                out.drop_line(&text[k..], Why::Label, &mut chrome_bytes);
                &text[..k]
            }
            _ => &text[..],
        };
        match decide(w, inside, selected.description.is_some()) {
            Decision::Content => {
                let part = w.labelled.or_else(|| field_of(line)).unwrap_or("description");
                out.push(part, own);
            }
            Decision::Contact(part) => out.push(part, own),
            Decision::Chrome(why) => out.drop_line(own, why, &mut chrome_bytes),
        }
    }
    if let Some(d) = &selected.description {
        out.push("description", d);
    }
    out.from_selectors = selected.title.is_some() && selected.description.is_some();
    out
}

/// Every line's chrome likelihoods and the main content element.
fn weigh_page(page: &Page, title: Option<usize>, t: &SiteTemplate, site: Site) -> (Vec<Weighed>, Option<u32>) {
    let mut weighed: Vec<Weighed> = page
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| weigh(page, l, i, title, t, site))
        .collect();
    mark_link_runs(page, &mut weighed);
    mark_sections(page, &mut weighed, title);
    mark_satellites(page, &mut weighed, title);
    pair_labels(page, &mut weighed);
    mark_contact_boxes(page, &mut weighed);
    let main = main_container(page, &weighed, title);
    (weighed, main)
}

/// The short line right after a strong chrome line in the same small box
/// (a product card's price after its linked name, a thread's date after its
/// title) is that chrome too.
fn mark_satellites(page: &Page, weighed: &mut [Weighed], title: Option<usize>) {
    let near = |a: u32, b: u32| {
        let up = |e: u32| page.ancestors(e).take(3).collect::<Vec<_>>();
        let (ua, ub) = (up(a), up(b));
        ua.iter().any(|x| *x != 0 && ub.contains(x))
    };
    for j in 1..page.lines.len() {
        let (prev, line) = (&page.lines[j - 1], &page.lines[j]);
        let (p, w) = (weighed[j - 1], weighed[j]);
        let chromey = p.strong >= 0.5 && matches!(p.strong_why, Why::Links | Why::Section | Why::Template);
        if !chromey || w.strong >= 0.5 || w.field || line.chars > 40 || Some(j) == title || !near(prev.elem, line.elem)
        {
            continue;
        }
        let w = &mut weighed[j];
        w.strong = p.strong;
        w.strong_why = p.strong_why;
        w.chrome = w.chrome.max(p.strong);
        w.why = p.strong_why;
    }
}

/// A small box holding two or more of the seller's contact or supplier
/// lines (a supplier card) is the seller's, all of it: its company name and
/// membership years come with its phone, wherever the box sits. The
/// marketplace's own contacts are site-wide and strong, never this.
fn mark_contact_boxes(page: &Page, weighed: &mut [Weighed]) {
    const MAX_BOX_LINES: u32 = 24;
    let mut contacts = vec![0u32; page.elems.len()];
    let mut lines = vec![0u32; page.elems.len()];
    for (l, w) in page.lines.iter().zip(weighed.iter()) {
        for e in page.ancestors(l.elem).take(4) {
            lines[e as usize] += 1;
            if w.contact.is_some() && w.strong < 0.5 {
                contacts[e as usize] += 1;
            }
        }
    }
    for (l, w) in page.lines.iter().zip(weighed.iter_mut()) {
        if w.contact.is_some() || w.strong >= 0.5 || w.boilerplate {
            continue;
        }
        let in_box = page
            .ancestors(l.elem)
            .take(4)
            .any(|e| e != 0 && contacts[e as usize] >= 2 && lines[e as usize] <= MAX_BOX_LINES);
        if in_box {
            w.contact = Some("supplier");
        }
    }
}

/// A label alone on its line ("联系人：", "CAS No." in a `<dt>` or its own
/// `<div>`) names the field of the line after it.
fn pair_labels(page: &Page, weighed: &mut [Weighed]) {
    for (i, w) in weighed.iter_mut().enumerate().skip(1) {
        let Some(field) = bare_label(&page.lines[i - 1].text) else {
            continue;
        };
        if bare_label(&page.lines[i].text).is_some() {
            continue;
        }
        w.labelled = Some(field);
        w.field = true;
        if matches!(field, "supplier" | "contact") {
            w.contact = Some(field);
        }
    }
}

/// How the content extractor judged one line (see [`explain`]).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Judged {
    /// The line.
    pub text: String,
    /// Chrome likelihood from every signal.
    pub chrome: f32,
    /// Chrome likelihood from the signals that count inside the main content.
    pub strong: f32,
    /// The main reason behind `chrome`.
    pub why: Why,
    /// Inside the main content element.
    pub inside: bool,
    /// The title line.
    pub title: bool,
}

/// Why each line of a page was kept or dropped: the numbers behind
/// [`listing_content`], for investigators and for tuning.
pub fn explain(ex: &Extracted, template: &SiteTemplate, site: Site) -> Vec<Judged> {
    let page = &ex.page;
    let own_title = template.title_without_template(&ex.title_tag);
    let title = find_title(page, &ex.title_tag, &own_title, template, site);
    let (weighed, main) = weigh_page(page, title, template, site);
    page.lines
        .iter()
        .zip(&weighed)
        .enumerate()
        .map(|(i, (l, w))| Judged {
            text: l.text.clone(),
            chrome: w.chrome,
            strong: w.strong,
            why: w.why,
            inside: main.is_none_or(|m| page.ancestors(l.elem).any(|e| e == m)),
            title: Some(i) == title,
        })
        .collect()
}

/// Runs of three or more lines at one DOM place that are each mostly a
/// link: a menu or a list of products, one item per line.
fn mark_link_runs(page: &Page, weighed: &mut [Weighed]) {
    let linky = |l: &Line| !l.links.is_empty() && l.anchor_chars * 5 >= l.chars * 2;
    let mut i = 0;
    while i < page.lines.len() {
        let place = page.elems[page.lines[i].elem as usize].path;
        let mut j = i;
        while j < page.lines.len() && linky(&page.lines[j]) && page.elems[page.lines[j].elem as usize].path == place {
            j += 1;
        }
        if j - i >= 3 {
            for w in &mut weighed[i..j] {
                if w.strong < 0.85 {
                    w.strong = 0.85;
                    w.strong_why = Why::Links;
                }
                w.chrome = w.chrome.max(0.85);
            }
        }
        i = j.max(i + 1);
    }
}

/// What the job's field selectors picked on the page.
struct Selected {
    title: Option<String>,
    description: Option<String>,
}

impl Selected {
    fn from(ex: &Extracted) -> Selected {
        let get = |k: &str| ex.fields.get(k).filter(|v| !v.trim().is_empty()).cloned();
        Selected {
            title: get("title"),
            description: get("description").or_else(|| get("content")),
        }
    }
}

/// The listing's title line, from the page's `<title>` (`title_tag`) and
/// that without the site's own segments (`title`):
/// - an `h1` that is not the site's logo (not in the page header or
///   navigation, not a lone link), the one closest to `title` when there
///   are several; but a line below it that is the `<title>`'s first segment
///   (when it is the page's own) wins over an `h1` that is not (titles name
///   the page first, "Product - Shop - Site", and a shop's name heads all
///   its pages);
/// - without an `h1`: the line that is the first segment, else the line
///   closest to `title` when it is close, else the longest line nearly all
///   contained in it;
/// - when `title` is empty (the `<title>` is the site's alone): the `h1`,
///   else the line labelled as the product's name.
fn find_title(page: &Page, title_tag: &str, title: &str, t: &SiteTemplate, site: Site) -> Option<usize> {
    let s = TitleSearch {
        page,
        t,
        learned: u32::from(site.learned),
    };
    let title_grams = bigrams(title);
    let h1 = s.best_h1(&title_grams);
    if title_grams.is_empty() {
        return h1.map(|(i, _)| i).or_else(|| s.name_field());
    }
    // The first segment counts only when it is the page's own (not the
    // site's name, not a product so common the template took it for the
    // site's).
    let segments = crate::extract::template::title_segments;
    let first = match (segments(title_tag).first(), segments(title).first()) {
        (Some(raw), Some(own)) if raw == own => bigrams(own),
        _ => Vec::new(),
    };
    let below = match h1 {
        _ if first.is_empty() => None,
        Some((h, _)) if s.similarity(h, &first) < 0.3 => Some(Some(h)),
        Some(_) => None,
        None => Some(None),
    };
    if let Some(i) = below.and_then(|after| s.first_segment(&first, after)) {
        return Some(i);
    }
    match h1 {
        Some((h, _)) => Some(h),
        None => s
            .most_similar(&title_grams)
            .map(|(i, _)| i)
            .or_else(|| s.contained_in(&title_grams)),
    }
}

/// The page and template [`find_title`] looks through.
struct TitleSearch<'a> {
    page: &'a Page,
    t: &'a SiteTemplate,
    /// 1 when the page is itself in the template.
    learned: u32,
}

impl TitleSearch<'_> {
    /// Lines that are never the title: in the header, navigation, footer or
    /// a side column, all link text, very long, a breadcrumb or a chrome
    /// heading.
    fn chromey(&self, l: &Line) -> bool {
        let f = self.page.elems[l.elem as usize].flags;
        f & (flags::HEADER | flags::NAV | flags::FOOTER | flags::ASIDE) != 0
            || (l.anchor_chars == l.chars && l.chars > 0)
            || l.chars > 300
            || breadcrumb(&l.text)
            || chrome_label(&l.text).is_some()
    }

    /// The candidate lines, with their index.
    fn candidates(&self) -> impl Iterator<Item = (usize, &Line)> + '_ {
        self.page.lines.iter().enumerate().filter(|(_, l)| !self.chromey(l))
    }

    /// The line's text is at its place on other pages of the site too.
    fn recurs(&self, i: usize) -> bool {
        let l = &self.page.lines[i];
        self.t.text_pages(self.page.elems[l.elem as usize].path, &l.text) > self.learned + 1
    }

    fn similarity(&self, i: usize, grams: &[u32]) -> f32 {
        similarity(&bigrams(&self.page.lines[i].text), grams)
    }

    /// The `h1` closest to the title, and how close.
    fn best_h1(&self, title: &[u32]) -> Option<(usize, f32)> {
        self.candidates()
            .filter(|(_, l)| l.heading == 1)
            .map(|(i, _)| (i, self.similarity(i, title)))
            .fold(None, |best, (i, s)| match best {
                Some((_, b)) if b >= s => best,
                _ => Some((i, s)),
            })
    }

    /// A line (not an `h1`; below `after`, or without it not on other
    /// pages) that is the `<title>`'s first segment.
    fn first_segment(&self, first: &[u32], after: Option<usize>) -> Option<usize> {
        self.candidates()
            // Below the `h1`; without one, not the same on other pages (a logo line).
            .filter(|&(i, l)| l.heading != 1 && after.map_or(!self.recurs(i), |h| i > h))
            .map(|(i, _)| (i, self.similarity(i, first)))
            .filter(|&(_, s)| s >= 0.8)
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
            .map(|(i, _)| i)
    }

    /// The line (not an `h1`) closest to the title, when it is close.
    fn most_similar(&self, title: &[u32]) -> Option<(usize, f32)> {
        self.candidates()
            .filter(|(_, l)| l.heading != 1)
            .map(|(i, l)| (i, self.similarity(i, title) + if l.heading > 0 { 0.05 } else { 0.0 }))
            .filter(|(_, s)| *s >= 0.6)
            .fold(None, |best, (i, s)| match best {
                Some((_, b)) if b >= s => best,
                _ => Some((i, s)),
            })
    }

    /// A `<title>` that keeps extra words ("… 价格 厂家 - 化工网"): the longest
    /// line whose own words are nearly all in it, and that is a good part of it.
    fn contained_in(&self, title: &[u32]) -> Option<usize> {
        self.candidates()
            .map(|(i, l)| (i, bigrams(&l.text)))
            .filter(|(_, g)| g.len() >= 3 && g.len() * 4 >= title.len() && containment(g, title) >= 0.9)
            .max_by_key(|(i, g)| (g.len(), std::cmp::Reverse(*i)))
            .map(|(i, _)| i)
    }

    /// The first line labelled as the product's name ("产品名称：…").
    fn name_field(&self) -> Option<usize> {
        self.candidates()
            .find(|(_, l)| field_of_line(&l.text) == Some("name"))
            .map(|(i, _)| i)
    }
}

/// Share of `a`'s bigrams that are in `b` (both sorted).
fn containment(a: &[u32], b: &[u32]) -> f32 {
    if a.is_empty() {
        return 0.0;
    }
    // similarity = 2·both / (|a| + |b|)
    let both = similarity(a, b) * (a.len() + b.len()) as f32 / 2.0;
    both / a.len() as f32
}

/// Character bigrams of the letters and digits of `s` (case-folded), as
/// sorted hashes: a similarity that works for spaced and unspaced scripts.
fn bigrams(s: &str) -> Vec<u32> {
    let chars: Vec<char> = s
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .take(300)
        .collect();
    let mut g: Vec<u32> = chars
        .windows(2)
        .map(|w| (w[0] as u32).wrapping_mul(0x9e37_79b9) ^ (w[1] as u32))
        .collect();
    g.sort_unstable();
    g
}

/// Dice coefficient of two sorted bigram lists.
fn similarity(a: &[u32], b: &[u32]) -> f32 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut both) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    2.0 * both as f32 / (a.len() + b.len()) as f32
}

/// Headings and labels with which marketplaces announce their chrome
/// (English, Chinese, Spanish), lower case.
const CHROME_LABELS: &[&str] = &[
    "hot products",
    "hot product",
    "hot sale products",
    "hot searches",
    "hot search",
    "hot keywords",
    "hot tags",
    "popular products",
    "popular searches",
    "popular search",
    "recent searches",
    "recent search",
    "recently viewed",
    "related products",
    "related product",
    "related searches",
    "related search",
    "related items",
    "similar products",
    "people also bought",
    "people also search",
    "people also viewed",
    "buyers also viewed",
    "customers also viewed",
    "you may also like",
    "you might also like",
    "recommended products",
    "recommended for you",
    "top products",
    "top searches",
    "best sellers",
    "bestsellers",
    "new arrivals",
    "latest products",
    "trending",
    "trending keywords",
    "trending searches",
    "product categories",
    "categories",
    "all categories",
    "tags",
    "keywords",
    "product tags",
    "more products",
    "other products",
    "more from this supplier",
    "热门产品",
    "主营",
    "主营产品",
    "主营业务",
    "主營",
    "经营范围",
    "經營範圍",
    "main products",
    "main business",
    "business scope",
    "productos principales",
    "热门搜索",
    "热搜",
    "最近搜索",
    "相关产品",
    "相关搜索",
    "猜你喜欢",
    "热门关键词",
    "热门标签",
    "产品分类",
    "推荐产品",
    "最新产品",
    "热销产品",
    "大家都在搜",
    "hot",
    "popular",
    "hot threads",
    "latest posts",
    "latest threads",
    "recent posts",
    "new posts",
    "similar threads",
    "related threads",
    "related posts",
    "热帖",
    "最新帖子",
    "相关帖子",
    "最新主题",
    "热门推荐",
    "相关推荐",
    "推荐供应商",
    "最新供应",
    "最新求购",
    "其他产品",
    "同类产品",
    "热门供应",
    "热卖产品",
    "热销推荐",
    "精品推荐",
    "本站推荐",
    "友情链接",
    "相关资讯",
    "热点资讯",
    "排行榜",
    "热门资讯",
    "产品目录",
    "全部分类",
    "所有分类",
    "热门分类",
    "您可能感兴趣",
    "看了又看",
    "为您推荐",
    "相关供应",
    "productos relacionados",
    "productos populares",
    "búsquedas populares",
    "búsquedas recientes",
    "también te puede interesar",
];

/// Starts of short Chinese headings that announce lists of other things
/// ("热门…", "相关…", "推荐…", "最新…", "猜你…", "其他…", "同类…").
const CJK_CHROME_STARTS: &[&str] = &[
    "热门", "相关", "推荐", "最新", "猜你", "其他", "同类", "友情", "热销", "热卖",
];

static CHROME_HEADS: LazyLock<(AhoCorasick, Vec<()>)> =
    LazyLock::new(|| label_automaton(CHROME_LABELS.iter().map(|l| (*l, ()))));

/// The line announces chrome: it is such a heading, or starts with such a
/// label and a colon ("Recent searches: …").
fn chrome_label(text: &str) -> Option<bool> {
    let trimmed = text.trim();
    if trimmed.chars().nth(8).is_none() && CJK_CHROME_STARTS.iter().any(|s| trimmed.starts_with(s)) {
        return Some(trimmed.chars().all(|c| !matches!(c, ':' | '：')) || trimmed.ends_with([':', '：']));
    }
    let ((), rest) = starting_label(&CHROME_HEADS, trimmed)?;
    let rest = rest.trim_start();
    if rest.is_empty()
        || rest.starts_with(['(', '»', '>'])
        || rest.chars().all(|c| c.is_ascii_digit() || " ()».:：".contains(c))
    {
        return Some(true); // a heading
    }
    rest.starts_with([':', '：']).then_some(false) // a labelled list on one line
}

/// Labels of a listing's place in the site and of its counters, not of
/// anything the listing says: the category (the site's taxonomy, often
/// named after the very substances watched) and view counts (another
/// number on every visit).
const META_LABELS: &[&str] = &[
    "所属分类",
    "所屬分類",
    "所属类别",
    "所屬類別",
    "所属行业",
    "所屬行業",
    "浏览次数",
    "瀏覽次數",
    "浏览量",
    "瀏覽量",
    "点击次数",
    "點擊次數",
    "查看次数",
    "人气",
    "人氣",
    "category",
    "categories",
    "categoría",
    "categoria",
    "views",
    "page views",
];

/// Unanchored automata over the meta labels and the chrome labels, for
/// labels that start inside a line.
static INNER_HEADS: LazyLock<(AhoCorasick, AhoCorasick)> = LazyLock::new(|| {
    let build = |labels: &[&str]| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(labels)
            .expect("inner label automaton")
    };
    (build(META_LABELS), build(CHROME_LABELS))
});

/// How a chrome tail ([`chrome_tail`]) splits a line.
enum Tail {
    /// The whole line is chrome: the tail starts it, or what comes before
    /// is shorter than the tail and no field ("<select> options 热门搜索：…").
    Whole,
    /// The line's own text ends at this byte ("CAS No.: 141-78-6 Category: Solvents").
    Cut(usize),
}

fn tail_of(text: &str) -> Option<Tail> {
    let k = chrome_tail(text)?;
    let (head, tail) = text.split_at(k);
    let short = head.chars().count() < tail.chars().count();
    Some(if k == 0 || (short && field_of_line(head).is_none()) {
        Tail::Whole
    } else {
        Tail::Cut(k)
    })
}

/// Where the line's chrome tail starts: a category or view-counter label
/// with its colon, ending the line within 80 characters ("更新时间：…
/// 所属分类：…", "… Views: 801"), or a labelled
/// list of two or more pieces ("<select> 供应信息 … 热门搜索：甘油 NPP …": a
/// table row's cells read as one line), at the line's start (meta labels
/// only; chrome labels there are [`chrome_label`]'s) or after a space or a
/// bar. One pass of each automaton, and a bounded look after each label.
fn chrome_tail(text: &str) -> Option<usize> {
    let (meta, lists) = &*INNER_HEADS;
    let after_space = |start: usize| {
        text[..start]
            .chars()
            .next_back()
            .is_none_or(|c| c.is_whitespace() || matches!(c, '|' | '│'))
    };
    let colon = |end: usize| text[end..].trim_start_matches(' ').starts_with([':', '：']);
    // A category or a counter is short: a long text after the label is
    // content (or a seller hiding it behind one).
    let meta_at = meta
        .find_iter(text)
        .find(|m| after_space(m.start()) && colon(m.end()) && text[m.start()..].chars().nth(80).is_none())
        .map(|m| m.start());
    let list_at = lists
        .find_iter(text)
        .filter(|m| m.start() > 0 && after_space(m.start()) && colon(m.end()))
        .find(|m| {
            let rest = text[m.end()..].trim_start_matches([' ', ':', '：']);
            let head = rest.char_indices().nth(120).map_or(rest, |(i, _)| &rest[..i]);
            head.split_whitespace().nth(1).is_some()
        })
        .map(|m| m.start());
    match (meta_at, list_at) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// A breadcrumb trail ("Home > Chemicals > …", "当前位置：首页 > …").
fn breadcrumb(text: &str) -> bool {
    let t: String = text.chars().take(40).flat_map(char::to_lowercase).collect();
    let starts = [
        "home",
        "首页",
        "your position",
        "you are here",
        "current location",
        "当前位置",
        "您的位置",
        "您现在的位置",
        "所在位置",
        "位置：",
        "inicio",
    ]
    .iter()
    .any(|p| t.trim_start().starts_with(p));
    let seps = text.matches(['>', '»', '›', '＞', '/']).count();
    starts && seps >= 2
}

/// A line's weight as content and its chrome likelihood.
#[derive(Debug, Clone, Copy)]
struct Weighed {
    /// Content weight (characters, fewer when mostly links).
    mass: f32,
    /// Chrome likelihood in [0, 1] from every signal (page and template):
    /// decides lines outside the main content and the choice of it.
    chrome: f32,
    /// The strongest reason behind `chrome`.
    why: Why,
    /// Chrome likelihood from the signals strong enough to drop a line even
    /// inside the main content (a menu, a product list, a rotating list).
    strong: f32,
    /// The strongest reason behind `strong`.
    strong_why: Why,
    /// Chrome likelihood from the page's own signals only (not the template).
    local: f32,
    /// The site's template says the line's place repeats (rotating lists, or
    /// text many listings share): no evidence either way about where the
    /// main content is.
    templated: bool,
    /// Looks like a contact or supplier line.
    contact: Option<&'static str>,
    /// A labelled field line ("Purity: 99%").
    field: bool,
    /// The field the line before names by itself (a label alone on its line).
    labelled: Option<&'static str>,
    /// Its text is template text (on most pages at its place).
    boilerplate: bool,
}

/// Noisy-or of the signals, with the strongest one's reason.
fn combine(signals: &[(f32, Why, bool)], strong_only: bool) -> (f32, Why) {
    let mut keep = 1.0f32;
    let (mut why, mut top) = (Why::OutsideContent, 0.0f32);
    for &(p, w, strong) in signals.iter().filter(|s| s.2 || !strong_only) {
        let _ = strong;
        keep *= 1.0 - p;
        if p > top {
            (top, why) = (p, w);
        }
    }
    (1.0 - keep, why)
}

/// A chrome signal: (likelihood, reason, strong enough inside the main content).
type Signal = (f32, Why, bool);

/// Weighs one line: how likely it is chrome, why, and what it carries.
fn weigh(page: &Page, l: &Line, i: usize, title: Option<usize>, t: &SiteTemplate, site: Site) -> Weighed {
    let el = &page.elems[l.elem as usize];
    let chars = l.chars.max(1) as f32;
    let anchor = l.anchor_chars as f32 / chars;
    let mut signals = page_signals(el, l, anchor, site);
    if title.is_some_and(|ti| i < ti) {
        signals.push((0.6, Why::BeforeTitle, false));
    }
    let boilerplate = template_signals(el, l, t, site, &mut signals);
    let (chrome, why) = combine(&signals, false);
    let (strong, strong_why) = combine(&signals, true);
    let templated = signals.iter().any(|s| matches!(s.1, Why::Template | Why::Boilerplate));
    let page_only: Vec<Signal> = signals
        .iter()
        .copied()
        .filter(|s| !matches!(s.1, Why::Template | Why::Boilerplate))
        .collect();
    let (local, _) = combine(&page_only, false);
    let field = field_of(l);
    let contact = field.filter(|f| matches!(*f, "supplier" | "contact"));
    Weighed {
        labelled: None,
        local,
        templated,
        field: field.is_some() || key_value(&l.text) || bare_label(&l.text).is_some(),
        mass: chars.min(600.0) * (1.0 - anchor).max(0.05),
        chrome,
        why,
        strong,
        strong_why,
        contact,
        boilerplate,
    }
}

/// What the page alone says about a line: its element's semantics, class
/// words, links, labels.
fn page_signals(el: &Elem, l: &Line, anchor: f32, site: Site) -> Vec<Signal> {
    let mut signals: Vec<Signal> = Vec::with_capacity(6);
    if el.flags & (flags::NAV | flags::ASIDE | flags::HEADER | flags::FOOTER | flags::FORM) != 0 {
        signals.push((0.9, Why::Semantic, true));
    }
    if l.hint < 0 {
        signals.push((if l.hint <= -2 { 0.85 } else { 0.65 }, Why::ClassName, true));
    }
    let to_listings = site
        .listing
        .map_or(0, |re| l.links.iter().filter(|p| re.is_match(p)).count());
    if anchor >= 0.5 && !l.links.is_empty() {
        let list = to_listings > 0 || l.links.len() >= 2;
        signals.push((if list { 0.85 } else { 0.6 }, Why::Links, list));
    } else if to_listings > 0 && anchor >= 0.25 {
        // A product card: another listing's name linked, with its price.
        signals.push((0.85, Why::Links, true));
    }
    if chrome_label(&l.text).is_some() || breadcrumb(&l.text) || matches!(tail_of(&l.text), Some(Tail::Whole)) {
        signals.push((0.9, Why::Label, true));
    }
    signals
}

/// What the site template says about a line (pushed onto `signals`); true
/// when the line is boilerplate, text most of the site's pages show there.
fn template_signals(el: &Elem, l: &Line, t: &SiteTemplate, site: Site, signals: &mut Vec<Signal>) -> bool {
    let place = t.place(el.path);
    let own = u32::from(site.learned);
    let boilerplate = is_boilerplate(t, &place, el.path, &l.text, own);
    if boilerplate {
        // Strong (even inside the main content) when the site's other pages
        // show it too: the site's own text, not what listings share.
        let site_wide = t.site_wide(el.path, &l.text);
        signals.push((0.9, Why::Boilerplate, site_wide));
    }
    // The template says where chrome sits (it helps choose the main
    // content), never that a line inside the main content is chrome: many
    // listings of one product share their description and spec lines.
    let tp = template_chrome(t, &place, el.path, l, own);
    if tp > 0.0 {
        signals.push((tp, Why::Template, false));
    }
    if t.site_place(el.path) && !matches!(l.heading, 1) {
        // Where every page of the site has its header, footer or side
        // column: no evidence for the main content, whatever it says.
        signals.push((0.6, Why::Template, false));
    }
    if pooled_keywords(t, &place, el.path, l, own) {
        signals.push((0.85, Why::Template, true));
    }
    boilerplate
}

/// Template text: on at least 60% of the pages where its place appears, and
/// on at least four pages.
fn is_boilerplate(t: &SiteTemplate, place: &PlaceStats, path: u64, text: &str, own: u32) -> bool {
    let pages = place.pages.saturating_sub(own);
    if pages < 4 {
        return false;
    }
    let n = t.text_pages(path, text).saturating_sub(own);
    n >= 4 && n as f32 >= 0.6 * pages as f32
}

/// How much the site's template says the line's place is chrome: a list (a
/// place with two or more lines a page) seen on several pages whose lines
/// mostly repeat from page to page (and this line repeats), or a place whose
/// lines list pieces drawn from a pool (and every piece of this line was
/// seen there before). A single description line shared by many listings of
/// one product is neither.
fn template_chrome(t: &SiteTemplate, place: &PlaceStats, path: u64, l: &Line, own: u32) -> f32 {
    if place.pages.saturating_sub(own) < 3 {
        return 0.0;
    }
    let mut p = 0.0f32;
    let repeat = place.line_repeat();
    let list = place.lines >= 2 * place.pages;
    if list && place.lines >= 6 && repeat >= 0.6 && t.text_pages(path, &l.text) > own {
        p = p.max(0.5 + 0.4 * repeat);
    }
    if l.items.len() >= 3 && place.items >= 9 && place.item_repeat() >= 0.5 {
        let known = t.known_items(path, &l.items, own) as f32 / l.items.len() as f32;
        if known >= 0.99 {
            p = p.max(0.5 + 0.4 * place.item_repeat());
        }
    }
    p
}

/// A keyword list drawn from a pool, even inside the main content ("Recent
/// searches: a, b, c" without a label or class to say so): five or more
/// short pieces, every one seen at this place on other pages, in a
/// combination never seen before. Copy-pasted sentences and spec rows
/// repeat whole, so they are not this.
fn pooled_keywords(t: &SiteTemplate, place: &PlaceStats, path: u64, l: &Line, own: u32) -> bool {
    l.items.len() >= 5
        && place.pages.saturating_sub(own) >= 3
        && place.item_repeat() >= 0.5
        && t.known_items(path, &l.items, own) == l.items.len()
        && t.text_pages(path, &l.text) <= own
}

/// Lines in a section headed as chrome ("Related products", "猜你喜欢"): the
/// lines after the heading that share its parent element, up to the next
/// heading or field line. They are strong chrome wherever they are.
fn mark_sections(page: &Page, weighed: &mut [Weighed], title: Option<usize>) {
    let mut i = 0;
    while i < page.lines.len() {
        let l = &page.lines[i];
        if chrome_label(&l.text) != Some(true) || Some(i) == title {
            i += 1;
            continue;
        }
        let parent = page.elems[l.elem as usize].parent.unwrap_or(0);
        let mut j = i + 1;
        while j < page.lines.len() {
            let m = &page.lines[j];
            let inside = page.ancestors(m.elem).any(|e| e == parent);
            let spec_row = weighed[j].field && m.anchor_chars == 0;
            if !inside || m.heading > 0 || chrome_label(&m.text) == Some(true) || spec_row || Some(j) == title {
                break;
            }
            let w = &mut weighed[j];
            w.strong = w.strong.max(0.9);
            w.chrome = w.chrome.max(0.9);
            w.strong_why = Why::Section;
            w.why = Why::Section;
            j += 1;
        }
        i = j.max(i + 1);
    }
}

/// Each element's evidence for being the main content: the sum of its lines' values.
fn container_scores(page: &Page, weighed: &[Weighed]) -> Vec<f32> {
    let mut score = vec![0.0f32; page.elems.len()];
    for (l, w) in page.lines.iter().zip(weighed) {
        let v = line_value(w);
        for e in page.ancestors(l.elem) {
            score[e as usize] += v;
        }
    }
    score
}

/// What one line says about the container it is in: its mass if it is the
/// listing's, less (down to a cost) the more it is chrome.
fn line_value(w: &Weighed) -> f32 {
    const CHROME_COST: f32 = 1.5;
    // Template text ("Price:", "Contact supplier") belongs to the main
    // content's template as much as to the chrome's: it weighs nothing.
    if w.strong >= 0.5 {
        // Dropped wherever it is (a menu, a product list, a headed
        // section): it says nothing about where the content is.
        0.0
    } else if w.field || w.boilerplate {
        // A labelled spec line, or text many listings share but the
        // site's other pages do not show (a site-wide line is strong):
        // the listing's, however alike listings are.
        w.mass
    } else {
        // What the page itself says; the template alone only takes a
        // line's weight away (descriptions many listings share repeat
        // just as rotating lists do).
        let v = w.mass * (1.0 - w.local) - CHROME_COST * w.mass * w.local;
        if w.templated {
            v.min(0.0)
        } else {
            v
        }
    }
}

/// The element whose subtree holds the most content-like text and the least
/// chrome-like text: the listing's main content. Class and id words that say
/// "content" raise an element's claim.
fn main_container(page: &Page, weighed: &[Weighed], title: Option<usize>) -> Option<u32> {
    let score = container_scores(page, weighed);
    let adjusted = |i: usize| {
        let s = score[i];
        let hint = f32::from(page.elems[i].hint.max(0));
        if s > 0.0 {
            s * (1.0 + 0.1 * hint)
        } else {
            s
        }
    };
    // With a title line, the main content is one of its ancestors: the
    // deepest one, unless an outer one holds clearly more (a description
    // pane beside the title block), not just a supplier card or a counter.
    if let Some(t) = title {
        let chain: Vec<u32> = page.ancestors(page.lines[t].elem).filter(|&e| e != 0).collect();
        let mut best: Option<(u32, f32)> = None;
        for &e in &chain {
            let s = adjusted(e as usize);
            // Grow past a title alone; then only for a quarter more.
            if s > 0.0 && best.is_none_or(|(_, b)| s > b * 1.25 || (b < 50.0 && s > b)) {
                best = Some((e, s));
            }
        }
        return best.map(|(e, _)| e);
    }
    let mut best: Option<(u32, f32)> = None;
    for i in 1..score.len() {
        let s = adjusted(i);
        // Ties go to the earlier (outer) element only when strictly better:
        // a wrapper that adds nothing loses to the element it wraps.
        if s > 0.0
            && best.is_none_or(|(_, b)| {
                s > b * 1.0001 + 1e-3
                    || (s >= b
                        && i as u32 > best.map_or(0, |x| x.0)
                        && is_descendant(page, i as u32, best.map_or(0, |x| x.0)))
            })
        {
            best = Some((i as u32, s));
        }
    }
    best.map(|(i, _)| i)
}

/// True when `e` is inside `ancestor`.
fn is_descendant(page: &Page, e: u32, ancestor: u32) -> bool {
    page.ancestors(e).skip(1).any(|a| a == ancestor)
}

enum Decision {
    Content,
    Contact(&'static str),
    Chrome(Why),
}

fn decide(w: &Weighed, inside: bool, have_description: bool) -> Decision {
    if let Some(part) = w.contact.filter(|_| !w.boilerplate) {
        if !inside || w.strong >= 0.5 || have_description {
            return Decision::Contact(part);
        }
    }
    if have_description {
        // The selectors name the description; labelled spec rows of the
        // main content are still the listing's fields.
        if inside && w.field && w.strong < 0.5 {
            return Decision::Content;
        }
        return Decision::Chrome(Why::OutsideContent);
    }
    if inside {
        if w.strong >= 0.5 {
            return Decision::Chrome(w.strong_why);
        }
        return Decision::Content;
    }
    Decision::Chrome(if w.chrome >= 0.5 { w.why } else { Why::OutsideContent })
}

/// Field values by name as a map (for storage): the configured fields, then
/// generic fields found on content lines that the job did not configure.
pub fn fields_of(content: &ListingContent, configured: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut out = configured.clone();
    for p in &content.parts {
        if matches!(p.name.as_str(), "title" | "description") || out.contains_key(&p.name) {
            continue;
        }
        out.insert(p.name.clone(), content.text[p.start..p.end].to_string());
    }
    out
}

#[cfg(test)]
mod tests;
