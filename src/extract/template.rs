//! A site's template, learned during the crawl.
//!
//! A marketplace serves thousands of pages of one template; single-page
//! boilerplate removers cannot use that, a crawler can. For every place in
//! the DOM (a line's tag/class path, without positions or digits) the model
//! counts on how many pages it appeared, how many of its lines repeat a line
//! seen there on another page, and how many of the pieces its lines list
//! ("hot products", "recent searches" drawn from a rotating pool) were seen
//! there before. A place whose lines mostly repeat is chrome whatever its
//! current text; a line whose text appears at its place on most of the
//! site's pages is template text ("Contact supplier", the footer).
//!
//! Memory is bounded: text and piece fingerprints live in two generations of
//! at most [`CAP`] entries each (a lookup moves an entry into the current
//! generation), so a long crawl keeps what recurs and forgets what does not.

use super::blocks::{text_hash, Page};
use std::collections::HashMap;

/// Fingerprints per generation (text and pieces, each).
pub const CAP: usize = 1 << 13;

/// Counts of one DOM place.
#[derive(Debug, Clone, Copy, Default)]
pub struct PlaceStats {
    /// Pages it appeared on.
    pub pages: u32,
    /// Lines seen there.
    pub lines: u32,
    /// Of those, lines whose text had appeared there on another page.
    pub repeated_lines: u32,
    /// Pages that were not listings (home, category, search) it appeared on.
    pub other_pages: u32,
    /// Pieces listed there.
    pub items: u32,
    /// Of those, pieces seen there on another page.
    pub repeated_items: u32,
    last_page: u32,
}

impl PlaceStats {
    /// Share of the lines at this place that repeat another page's line.
    pub fn line_repeat(&self) -> f32 {
        ratio(self.repeated_lines, self.lines)
    }
    /// Share of the listed pieces at this place seen on another page.
    pub fn item_repeat(&self) -> f32 {
        ratio(self.repeated_items, self.items)
    }
}

fn ratio(a: u32, b: u32) -> f32 {
    if b == 0 {
        0.0
    } else {
        a as f32 / b as f32
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Seen {
    pages: u32,
    /// Of those, pages that were not listings (home, category, search).
    other_pages: u32,
    last_page: u32,
}

/// Fingerprints in two generations (see the module docs).
#[derive(Debug, Default)]
struct Generations {
    current: HashMap<(u64, u64), Seen>,
    previous: HashMap<(u64, u64), Seen>,
}

impl Generations {
    fn get(&self, k: &(u64, u64)) -> Seen {
        self.current
            .get(k)
            .or_else(|| self.previous.get(k))
            .copied()
            .unwrap_or_default()
    }

    /// Records `k` on page `page` (`other`: not a listing page); returns
    /// the pages it was seen on before.
    fn record(&mut self, k: (u64, u64), page: u32, other: bool) -> u32 {
        let mut s = match self.current.get(&k) {
            Some(s) => *s,
            None => self.previous.remove(&k).unwrap_or_default(),
        };
        let before = if s.last_page == page {
            s.pages.saturating_sub(1)
        } else {
            s.pages
        };
        if s.last_page != page {
            s.pages += 1;
            s.other_pages += u32::from(other);
            s.last_page = page;
        }
        self.current.insert(k, s);
        if self.current.len() >= CAP {
            self.previous = std::mem::take(&mut self.current);
        }
        before
    }
}

/// What a crawl has learned of one site's template.
#[derive(Debug, Default)]
pub struct SiteTemplate {
    pages: u32,
    listings: u32,
    places: HashMap<u64, PlaceStats>,
    texts: Generations,
    items: Generations,
}

/// Pages learned while a crawl counts as early for [`SiteTemplate::site_wide`].
const EARLY_PAGES: u32 = 32;

/// The DOM place of `<title>` segments (not a real path).
const TITLE_PLACE: u64 = 0x7469_746c_6521;

impl SiteTemplate {
    /// An empty model.
    pub fn new() -> Self {
        SiteTemplate::default()
    }

    /// Pages learned.
    pub fn pages(&self) -> u32 {
        self.pages
    }

    /// Listing pages learned.
    pub fn listings(&self) -> u32 {
        self.listings
    }

    /// Learns one page of the site (its lines and its `<title>`);
    /// `listing` says it was a listing page.
    pub fn learn(&mut self, page: &Page, title_tag: &str, listing: bool) {
        self.pages = self.pages.saturating_add(1);
        self.listings = self.listings.saturating_add(u32::from(listing));
        let n = self.pages;
        for line in &page.lines {
            let place = page.elems[line.elem as usize].path;
            let before = self.texts.record((place, text_hash(&line.text)), n, !listing);
            let items: u32 = line
                .items
                .iter()
                .map(|i| u32::from(self.items.record((place, *i), n, !listing) > 0))
                .sum();
            let st = self.places.entry(place).or_default();
            if st.last_page != n {
                st.pages += 1;
                st.other_pages += u32::from(!listing);
                st.last_page = n;
            }
            st.lines = st.lines.saturating_add(1);
            st.repeated_lines = st.repeated_lines.saturating_add(u32::from(before > 0));
            st.items = st
                .items
                .saturating_add(u32::try_from(line.items.len()).unwrap_or(u32::MAX));
            st.repeated_items = st.repeated_items.saturating_add(items);
        }
        for seg in title_segments(title_tag)
            .into_iter()
            .chain(title_tag.split('-').map(str::trim).take(16))
            .chain([title_tag.trim()])
        {
            self.texts.record((TITLE_PLACE, text_hash(seg)), n, !listing);
        }
    }

    /// The counts of a DOM place (zero when never seen).
    pub fn place(&self, path: u64) -> PlaceStats {
        self.places.get(&path).copied().unwrap_or_default()
    }

    /// On how many learned pages `text` appeared at `path`.
    pub fn text_pages(&self, path: u64, text: &str) -> u32 {
        self.texts.get(&(path, text_hash(text))).pages
    }

    /// Text the whole site shows, not only its listings: at `path` on at
    /// least half of the pages that were not listings, and on two or more
    /// (one will do early in a crawl, while it has learned at most
    /// [`EARLY_PAGES`] pages and one or two of them were not listings). A
    /// footer's hotline is; a description many listings share is not
    /// (category pages show other things at other places).
    pub fn site_wide(&self, path: u64, text: &str) -> bool {
        let others = self.pages.saturating_sub(self.listings);
        let n = self.texts.get(&(path, text_hash(text))).other_pages;
        let early = self.pages <= EARLY_PAGES && others <= 2;
        n >= 1 && 2 * n >= others && (n >= 2 || early)
    }

    /// A DOM place the whole site shows (header, footer, side columns): on
    /// at least half of the pages that were not listings, and on two or more.
    /// Listing pages' own places (the spec table, the description) are not.
    pub fn site_place(&self, path: u64) -> bool {
        let others = self.pages.saturating_sub(self.listings);
        let n = self.place(path).other_pages;
        n >= 2 && 2 * n >= others
    }

    /// How many of `items` (piece hashes) were learned at `path` on more
    /// than `besides` pages (1 when the page asking was itself learned).
    pub fn known_items(&self, path: u64, items: &[u64], besides: u32) -> usize {
        items
            .iter()
            .filter(|i| self.items.get(&(path, **i)).pages > besides)
            .count()
    }

    /// `<title>` without the segments the site puts on most pages (its name,
    /// slogans): "NPP 99% - ChemHub - Buy chemicals" → "NPP 99%"; empty
    /// when the whole `<title>`, as written, is on most pages (the site's
    /// name and slogan on every page name no listing).
    pub fn title_without_template(&self, title_tag: &str) -> String {
        let segs = title_segments(title_tag);
        let min = (self.pages / 2).max(3);
        let recurs = |s: &str| self.texts.get(&(TITLE_PLACE, text_hash(s))).pages >= min;
        if recurs(title_tag.trim()) {
            return String::new();
        }
        let kept: Vec<&str> = segs.iter().copied().filter(|s| !recurs(s)).collect();
        let title = if kept.is_empty() {
            title_tag.trim().to_string()
        } else {
            kept.join(" - ")
        };
        // Unspaced hyphens also join the parts of chemical names, so only
        // the ends are cut there: "N-苯乙基-4-哌啶酮-厂家直销-某公司-某网" loses
        // "-某网" (and whatever else the site ends every title with).
        let mut t = title.as_str();
        while let Some((head, tail)) = t.rsplit_once('-') {
            if head.trim().is_empty() || !recurs(tail.trim()) {
                break;
            }
            t = head;
        }
        t.trim().to_string()
    }
}

/// `<title>` split at the separators sites put between the page's own title
/// and the site's name.
pub(crate) fn title_segments(title: &str) -> Vec<&str> {
    title
        .split(" - ")
        .flat_map(|s| s.split(" -- "))
        .flat_map(|s| s.split(" :: "))
        .flat_map(|s| s.split(" » "))
        .flat_map(|s| s.split(" · "))
        .flat_map(|s| s.split(" – "))
        .flat_map(|s| s.split(" — "))
        .flat_map(|s| s.split("——"))
        .flat_map(|s| s.split(['|', '｜', '－', '_', '【', '】', '《', '》']))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .take(16)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::extract;
    use url::Url;

    fn page(sidebar: &[&str], body: &str) -> crate::extract::Extracted {
        let side: String = sidebar
            .iter()
            .map(|s| format!("<li><a href='/p/{s}'>{s}</a></li>"))
            .collect();
        let html = format!(
            "<html><head><title>{body} - ChemHub</title></head><body><div class=c1><h1>{body}</h1><p>{body} described at length here.</p></div><div class=x9><ul>{side}</ul><p>Hot: {}</p></div><div class=f>Copyright ChemHub</div></body></html>",
            sidebar.join(", ")
        );
        extract(&html, &Url::parse("http://h.test/p/x").unwrap(), &[])
    }

    #[test]
    fn rotating_lists_repeat_at_their_place_and_content_does_not() {
        let pool = ["NPP", "4-ANPP", "Xylazine", "Salt", "Citric acid", "PMK", "BMK"];
        let mut t = SiteTemplate::new();
        for i in 0..12 {
            let side: Vec<&str> = (0..3).map(|k| pool[(i * 2 + k) % pool.len()]).collect();
            let e = page(&side, &format!("Product number {i}"));
            t.learn(&e.page, &e.title_tag, true);
        }
        let e = page(&["NPP", "Salt", "BMK"], "Product number 99");
        let place_of = |needle: &str| {
            let l = e.page.lines.iter().find(|l| l.text.contains(needle)).unwrap();
            (e.page.elems[l.elem as usize].path, l)
        };
        let (side, _) = place_of("Salt");
        assert!(t.place(side).line_repeat() > 0.6, "{:?}", t.place(side));
        let (desc, _) = place_of("described at length");
        assert_eq!(t.place(desc).line_repeat(), 0.0);
        let (hot, line) = place_of("Hot:");
        assert!(t.place(hot).item_repeat() > 0.5, "{:?}", t.place(hot));
        assert_eq!(t.known_items(hot, &line.items, 0), 3);
        let (foot, line) = place_of("Copyright");
        assert_eq!(t.text_pages(foot, &line.text), 12);
        assert_eq!(t.title_without_template(&e.title_tag), "Product number 99");
    }

    #[test]
    fn memory_stays_bounded() {
        let mut g = Generations::default();
        for i in 0..(3 * CAP as u64) {
            g.record((1, i), 1, false);
        }
        assert!(g.current.len() + g.previous.len() <= 2 * CAP);
        g.record((1, 7), 2, false);
        for i in 0..CAP as u64 {
            g.record((2, i), 3, false);
            if i % 1000 == 0 {
                g.record((1, 7), 3, false);
            }
        }
        assert!(g.get(&(1, 7)).pages >= 2, "what recurs is kept");
    }
}
