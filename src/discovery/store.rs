//! Seller storefronts: the link from a flagged listing to the page of its
//! seller's other listings (`follow_sellers`).

use url::Url;

/// The most pages of one storefront followed (by their next link).
pub const MAX_STORE_PAGES: u32 = 5;

/// Path words of storefront URLs on B2B marketplaces.
const STORE_WORDS: &[&str] = &[
    "shop",
    "store",
    "stores",
    "seller",
    "sellers",
    "supplier",
    "suppliers",
    "company",
    "vendor",
    "member",
    "storefront",
    "minisite",
    "tienda",
    "dianpu",
];

/// The storefront a listing page links to, tried in order: the element the
/// site's `seller_link` selector finds (its `href`, or the first link in it);
/// a link whose text is the supplier's name; a link whose path has a
/// storefront word ("/shop/", "/supplier/", "/company/", ...) and is not a
/// listing. Only http(s) links on `base`'s host count. `doc` is the page as
/// parsed (by the caller, within its markup budgets).
pub fn storefront_link(
    doc: &scraper::Html,
    base: &Url,
    seller_link: Option<&scraper::Selector>,
    supplier: Option<&str>,
    is_listing: &dyn Fn(&Url) -> bool,
) -> Option<Url> {
    let resolve = |href: &str| {
        base.join(href.trim())
            .ok()
            .filter(|u| u.host_str() == base.host_str() && matches!(u.scheme(), "http" | "https"))
            .filter(|u| !is_listing(u) && u != base)
    };
    let anchors = scraper::Selector::parse("a[href]").expect("selector");
    if let Some(sel) = seller_link {
        for e in doc.select(sel) {
            let href = e
                .value()
                .attr("href")
                .or_else(|| e.select(&anchors).next().and_then(|a| a.value().attr("href")));
            if let Some(u) = href.and_then(resolve) {
                return Some(u);
            }
        }
    }
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    if let Some(name) = supplier.map(norm).filter(|n| n.chars().count() >= 3) {
        let by_name = doc.select(&anchors).find_map(|a| {
            let text = norm(&a.text().collect::<String>());
            (text == name || (text.len() >= 3 && name.contains(&text)) || text.contains(&name))
                .then(|| a.value().attr("href").and_then(resolve))
                .flatten()
        });
        if by_name.is_some() {
            return by_name;
        }
    }
    doc.select(&anchors).find_map(|a| {
        let u = a.value().attr("href").and_then(resolve)?;
        let store_path = u
            .path_segments()
            .is_some_and(|mut segs| segs.any(|s| STORE_WORDS.contains(&s.to_ascii_lowercase().as_str())));
        store_path.then_some(u)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(html: &str, sel: Option<&str>, supplier: Option<&str>) -> Option<String> {
        let base = Url::parse("http://m.example/p/7").unwrap();
        let sel = sel.map(|s| scraper::Selector::parse(s).unwrap());
        let is_listing = |u: &Url| u.path().starts_with("/p/");
        let doc = scraper::Html::parse_document(html);
        storefront_link(&doc, &base, sel.as_ref(), supplier, &is_listing).map(|u| u.to_string())
    }

    #[test]
    fn selector_then_supplier_name_then_path_words() {
        let html = "<div class='s'><a href='/c/99'>Visit</a></div><a href='/p/8'>Hebei Chem</a><a href='/about'>Hebei Chem Co</a><a href='/shop/42'>shop</a>";
        assert_eq!(link(html, Some(".s"), None).as_deref(), Some("http://m.example/c/99"));
        assert_eq!(
            link(html, None, Some("Hebei  Chem Co")).as_deref(),
            Some("http://m.example/about"),
            "listings are never storefronts"
        );
        assert_eq!(link(html, None, None).as_deref(), Some("http://m.example/shop/42"));
        assert_eq!(link("<a href='http://other.example/shop/1'>x</a>", None, None), None);
    }
}
