//! The content extractor on hand-made pages of the kinds marketplaces serve.

use super::*;
use crate::extract::{compile_fields, extract};
use url::Url;

fn ex(html: &str) -> Extracted {
    extract(html, &Url::parse("http://shop.test/p/1.html").unwrap(), &[])
}

fn listing_re() -> Regex {
    Regex::new("^/p/").unwrap()
}

/// A template learned from listing pages.
fn learned(pages: impl IntoIterator<Item = String>) -> SiteTemplate {
    let mut t = SiteTemplate::new();
    for html in pages {
        let e = ex(&html);
        t.learn(&e.page, &e.title_tag, true);
    }
    t
}

fn content(html: &str, t: &SiteTemplate) -> ListingContent {
    let re = listing_re();
    listing_content(
        &ex(html),
        &[],
        t,
        Site {
            listing: Some(&re),
            learned: false,
        },
    )
}

const SEMANTIC: &str = r#"<html><head><title>Sodium chloride 99% - ChemHub</title></head><body>
<header><a href="/">ChemHub</a><form><input name=q>Hot searches: <a href="/s?q=npp">NPP</a> <a href="/s?q=fentanyl">fentanyl</a></form></header>
<nav><ul><li><a href="/c/1">Piperidines</a></li><li><a href="/c/2">4-ANPP suppliers</a></li></ul></nav>
<main><h1>Sodium chloride 99%</h1>
<table><tr><th>CAS No.</th><td>7647-14-5</td></tr><tr><th>Purity</th><td>99%</td></tr></table>
<p>Food grade salt in 25 kg bags, shipped from Qingdao. Contact us for a quote.</p></main>
<aside><h3>Hot products</h3><ul><li><a href="/p/9.html">N-Phenethyl-4-piperidone CAS 39742-60-4</a></li><li><a href="/p/8.html">Xylazine HCl</a></li></ul></aside>
<footer>Trending: 1-boc-4-piperidone, BMK glycidate. Copyright ChemHub</footer></body></html>"#;

#[test]
fn semantic_chrome_is_dropped_and_the_listing_kept() {
    let c = content(SEMANTIC, &SiteTemplate::new());
    assert_eq!(c.title, "Sodium chloride 99%");
    for gone in ["NPP", "fentanyl", "4-ANPP", "39742-60-4", "Xylazine", "boc", "BMK"] {
        assert!(!c.text.contains(gone), "{gone} leaked into {:?}", c.text);
    }
    assert!(
        c.text.contains("7647-14-5") && c.text.contains("Food grade salt"),
        "{}",
        c.text
    );
    let cas = c.text.find("7647-14-5").unwrap();
    assert_eq!(c.part_at(cas), Some("cas"));
    assert_eq!(c.part_at(0), Some("title"));
    assert_eq!(c.part_at(c.text.find("Food grade").unwrap()), Some("description"));
    assert!(c.chrome.iter().any(|d| d.text.contains("39742-60-4")), "{:?}", c.chrome);
}

/// Div soup with meaningless classes: only structure, links and the
/// template tell chrome apart.
fn soup(i: usize, side: &[&str], recent: &[&str], own: &str) -> String {
    let links: String = side
        .iter()
        .enumerate()
        .map(|(k, s)| {
            format!(
                "<div class=q2><a href='/p/{}{k}.html'>{s}</a> <span>US $5</span></div>",
                i
            )
        })
        .collect();
    format!(
        r#"<html><head><title>{own} | TradeX</title></head><body><div class=a1><div class=b7>TradeX <span>Recent: {}</span></div>
<div class=k3><div class=m1><h1>{own}</h1><div class=z8><p>Item {i}: {own}, purity 99.5%, white powder.</p><p>MOQ: 1 kg. Price negotiable.</p></div></div>
<div class=r5>{links}</div></div><div class=f0>TradeX 2026</div></div></body></html>"#,
        recent.join(", ")
    )
}

#[test]
fn obfuscated_lists_are_dropped_by_links_and_template() {
    let pool = [
        "NPP",
        "4-ANPP",
        "Xylazine",
        "Salt",
        "Citric acid",
        "PMK oil",
        "BMK powder",
        "Urea",
    ];
    let mut t = SiteTemplate::new();
    for i in 0..15 {
        let side: Vec<&str> = (0..3).map(|k| pool[(i + k) % pool.len()]).collect();
        let recent: Vec<&str> = (0..3).map(|k| pool[(i * 3 + k) % pool.len()]).collect();
        let e = ex(&soup(i, &side, &recent, &format!("Glycerol lot {i}")));
        t.learn(&e.page, &e.title_tag, true);
    }
    let c = content(
        &soup(
            99,
            &["NPP", "Xylazine", "PMK oil"],
            &["4-ANPP", "BMK powder", "Urea"],
            "Glycerol lot 99",
        ),
        &t,
    );
    assert_eq!(c.title, "Glycerol lot 99");
    for gone in ["NPP", "4-ANPP", "Xylazine", "PMK", "BMK", "Urea", "TradeX"] {
        assert!(!c.text.contains(gone), "{gone} leaked into {:?}", c.text);
    }
    assert!(
        c.text.contains("purity 99.5%") && c.text.contains("MOQ: 1 kg"),
        "{}",
        c.text
    );
    assert_eq!(c.part_at(c.text.find("MOQ").unwrap()), Some("moq"));
}

#[test]
fn a_fresh_site_still_drops_link_lists_and_keeps_its_own_text() {
    let c = content(
        &soup(1, &["NPP", "Xylazine"], &["4-ANPP"], "N-Phenethyl-4-piperidone"),
        &SiteTemplate::new(),
    );
    assert!(c.text.contains("Item 1: N-Phenethyl-4-piperidone"), "{}", c.text);
    assert!(!c.text.contains("Xylazine"), "{}", c.text);
}

#[test]
fn related_products_inside_the_main_column_are_dropped() {
    let html = r#"<html><body><div class=main><h1>Citric acid anhydrous</h1><p>E330, 25 kg bags, food grade citric acid for beverages.</p>
<div class=x><h4>You may also like</h4><a href="/p/2.html">4-ANPP 99%</a> <a href="/p/3.html">NPP powder</a> <a href="/p/4.html">Fentanyl citrate</a></div></div></body></html>"#;
    let c = content(html, &SiteTemplate::new());
    assert!(c.text.contains("E330"), "{}", c.text);
    for gone in ["4-ANPP", "NPP", "Fentanyl"] {
        assert!(!c.text.contains(gone), "{gone}: {}", c.text);
    }
}

#[test]
fn a_supplier_card_in_a_side_column_is_the_contact_part() {
    let html = r#"<html><body><div class=wrap><div class=left><h1>Tetrahydrofuran</h1><p>THF 99.9%, 180 kg drums, industrial solvent for coatings.</p></div>
<div class=right><div class=card><p>Supplier: Hebei Example Trading Co.</p><p>WhatsApp: +86 138 1234 5678</p></div>
<div class=hot><a href="/p/7.html">NPP</a> <a href="/p/8.html">ANPP</a></div></div></div></body></html>"#;
    let c = content(html, &SiteTemplate::new());
    let wa = c.text.find("WhatsApp").expect("contact kept");
    assert_eq!(c.part_at(wa), Some("contact"));
    assert_eq!(c.part_at(c.text.find("Supplier:").unwrap()), Some("supplier"));
    assert!(!c.text.contains("ANPP"), "{}", c.text);
}

#[test]
fn a_title_only_in_the_title_tag_loses_the_site_name() {
    let t = learned(
        (0..6)
            .map(|i| format!("<title>Item {i} - ChemHub | Buy chemicals</title><p>text {i} here with some words</p>")),
    );
    let c = content(
        "<title>Boc-4-AP 99% - ChemHub | Buy chemicals</title><p>Tert-butyl 4-anilinopiperidine carboxylate</p>",
        &t,
    );
    assert_eq!(c.title, "Boc-4-AP 99%");
}

#[test]
fn selectors_define_the_parts() {
    let fields = compile_fields(&BTreeMap::from([
        ("title".to_string(), "h1".to_string()),
        ("description".to_string(), "main p".to_string()),
        ("purity".to_string(), "table tr:nth-child(2) td".to_string()),
    ]));
    let names: Vec<String> = fields.iter().map(|(k, _)| k.clone()).collect();
    let e = extract(SEMANTIC, &Url::parse("http://shop.test/p/1.html").unwrap(), &fields);
    let c = listing_content(&e, &names, &SiteTemplate::new(), Site::default());
    assert!(c.from_selectors);
    assert_eq!(c.title, "Sodium chloride 99%");
    assert_eq!(c.part_at(c.text.find("Food grade").unwrap()), Some("description"));
    assert_eq!(c.part_at(c.text.find("99%").unwrap()), Some("title"));
    let p = c.parts.iter().find(|p| p.name == "purity").expect("purity part");
    assert_eq!(&c.text[p.start..p.end], "99%");
    assert!(!c.text.contains("39742") && !c.text.contains("NPP"), "{}", c.text);
}

#[test]
fn field_labels() {
    assert_eq!(field_of_line("CAS No.: 39742-60-4"), Some("cas"));
    assert_eq!(field_of_line("CAS 39742-60-4"), Some("cas"));
    assert_eq!(field_of_line("Casual wear"), None);
    assert_eq!(field_of_line("纯度：99%"), Some("purity"));
    assert_eq!(field_of_line("Min. Order: 1 kg"), Some("moq"));
    assert_eq!(field_of_line("Price"), None, "a label alone is not a field");
}

#[test]
fn listings_that_share_their_description_keep_it() {
    // The whole description one repeated line, as on a shop of few products.
    let page = |i: usize| {
        let body = [
            "N-Phenethyl-4-piperidone, 100% safe delivery to Mexico",
            "1-Boc-4-piperidone in stock",
            "Salt",
        ][i % 3];
        format!("<h1>Item {i}</h1><p>{body}</p>")
    };
    let t = learned((0..30).map(page));
    assert!(content(&page(33), &t).text.contains("safe delivery to Mexico"));
    // One product listed many times (or a crawl of search results for it):
    // identical descriptions and spec rows repeat at their place on every
    // page, and are still the listing's content.
    let page = |i: usize| {
        format!(
            "<html><body><h1>Item {i}</h1><table><tr><td>CAS No.</td><td>39742-60-4</td></tr><tr><td>Purity</td><td>99%</td></tr><tr><td>Stock</td><td>{i} kg</td></tr></table><p>N-Phenethyl-4-piperidone, 100% safe delivery to Mexico</p></body></html>"
        )
    };
    let t = learned((0..30).map(page));
    let c = content(&page(31), &t);
    assert!(
        c.text.contains("39742-60-4") && c.text.contains("safe delivery to Mexico"),
        "{}",
        c.text
    );
}

#[test]
fn labels_glued_to_values_and_spec_rows_in_other_languages() {
    let html = r#"<html><head><title>Piperonal 99% | Mercado</title></head><body><div class=a><h1>Piperonal 99%</h1>
<div class=r><span>Price</span><span>US $ 120 / Kilogram</span></div>
<div class=r><span>Online contact</span><span>Wickr: seller_x</span></div>
<div class=r>Número CAS: 120-57-0</div><div class=r>Pureza: 99%</div>
<p>Piperonal de alta pureza, envío seguro a México.</p></div>
<div class=b><div>Búsquedas populares</div><a href="/producto/9">N-Phenethyl-4-piperidone</a> <a href="/producto/8">Xylazine</a></div></body></html>"#;
    let c = content(html, &SiteTemplate::new());
    assert!(
        c.text.contains("Price: US $ 120") && c.text.contains("Online contact: Wickr: seller_x"),
        "{}",
        c.text
    );
    assert_eq!(c.part_at(c.text.find("US $").unwrap()), Some("price"));
    assert_eq!(c.part_at(c.text.find("Wickr").unwrap()), Some("contact"));
    assert_eq!(c.part_at(c.text.find("120-57-0").unwrap()), Some("cas"));
    assert_eq!(c.part_at(c.text.find("99%").unwrap()), Some("title"));
    assert!(!c.text.contains("Xylazine"), "{}", c.text);
}

#[test]
fn the_sites_own_text_inside_a_flat_page_is_chrome() {
    // Every line at the same DOM place: only what the site's other pages
    // (home, categories) show too tells the footer from the listing.
    let page = |body: &str| {
        format!("<html><body><div class=w><div>{body}</div><div>Popular: NPP, 4-ANPP, xylazine, urea</div><div>Payment methods: T/T, Western Union. Tel/WhatsApp: +86 555 0199</div></div></body></html>")
    };
    let mut t = SiteTemplate::new();
    for i in 0..5 {
        let e = ex(&page(&format!("<a href='/c/{i}'>Category {i}</a>")));
        t.learn(&e.page, &e.title_tag, false);
    }
    for i in 0..10 {
        let e = ex(&format!(
            "<title>Glycerol {i} | Shop</title>{}",
            page(&format!("Glycerol {i}, 99.5%, drums"))
        ));
        t.learn(&e.page, &e.title_tag, true);
    }
    let c = content(
        &format!("<title>Glycerol 99 | Shop</title>{}", page("Glycerol 99, 99.5%, drums")),
        &t,
    );
    assert!(c.text.contains("Glycerol 99, 99.5%"), "{}", c.text);
    for gone in ["NPP", "Western Union", "WhatsApp"] {
        assert!(!c.text.contains(gone), "{gone}: {}", c.text);
    }
}

/// A table-row page with no classes: the search row's cells read as one
/// line with a labelled keyword list in its second cell.
const TABLE_ROW: &str = r#"<html><head><title>ChemNet - 化工供求网</title></head><body>
<table><tr><td><select><option>供应信息</option><option>求购信息</option></select> <input name=k></td>
<td><font color=red>热门搜索：</font>39742-60-4&nbsp;&nbsp;甘油&nbsp;&nbsp;4-ANPP&nbsp;&nbsp;氯化钙</td></tr></table>
<table><tr><td><font><b>乙酸乙酯 99.8%</b></font></td></tr>
<tr><td>产品名称：</td><td>乙酸乙酯 99.8%</td></tr>
<tr><td>CAS号：</td><td>141-78-6</td></tr>
<tr><td>更新时间：2025-05-26　所属分类：<a href="/c/3.html">哌啶酮系列（N-苯乙基-4-哌啶酮）</a></td></tr>
<tr><td>信息编号：3724 浏览次数：801次</td></tr>
<tr><td>用于涂料、胶黏剂和油墨的溶剂，25公斤/桶。</td></tr></table></body></html>"#;

#[test]
fn labelled_lists_inside_a_row_and_category_and_counter_lines_are_chrome() {
    let c = content(TABLE_ROW, &SiteTemplate::new());
    for gone in ["39742-60-4", "4-ANPP", "N-苯乙基", "801"] {
        assert!(!c.text.contains(gone), "{gone} leaked into {:?}", c.text);
    }
    assert!(c.text.contains("141-78-6") && c.text.contains("油墨"), "{}", c.text);
    assert!(c.chrome.iter().any(|d| d.text.contains("热门搜索")), "{:?}", c.chrome);
}

#[test]
fn a_title_that_is_only_the_sites_gives_way_to_the_name_field() {
    let t = learned((0..6).map(|i| format!("<title>ChemNet - 化工供求网</title><p>供应 {i} 号产品的说明文字</p>")));
    let page = TABLE_ROW.replace("<font><b>乙酸乙酯 99.8%</b></font>", "");
    let c = content(&page, &t);
    assert_eq!(c.title, "乙酸乙酯 99.8%");
    assert!(!c.text.contains("ChemNet"), "{}", c.text);
}

/// A supplier's shop on a platform: the shop's name is every page's `<h1>`,
/// its business scope names other products, the product is in a `<strong>`.
fn shop_page(product: &str, cas: &str) -> String {
    format!(
        r#"<html><head><title>{product} - 产品中心 - 河北某某科技有限公司</title></head><body>
<div class="shop-head"><h1>河北某某科技有限公司</h1><p>主营：医药中间体、N-苯乙基-4-哌啶酮、4-苯胺基哌啶</p></div>
<div class="shop-body"><div class="pro-name"><strong>{product}</strong></div>
<ul><li><label>CAS号：</label><span>{cas}</span></li><li><label>纯度：</label><span>99%</span></li></ul>
<div class="pro-detail"><p>{product}，工业级，25公斤/桶，量大从优。</p></div></div></body></html>"#
    )
}

#[test]
fn a_shops_heading_is_not_the_listings_title_and_its_scope_is_chrome() {
    let c = content(&shop_page("无水柠檬酸", "77-92-9"), &SiteTemplate::new());
    assert_eq!(c.title, "无水柠檬酸");
    for gone in ["N-苯乙基", "4-苯胺基哌啶"] {
        assert!(!c.text.contains(gone), "{gone} leaked into {:?}", c.text);
    }
    assert!(c.text.contains("77-92-9") && c.text.contains("工业级"), "{}", c.text);
}

#[test]
fn a_product_named_in_many_titles_stays_the_title() {
    // Many sellers offer the same product: its segment recurs, the
    // seller's does not; the product is still the listing's title.
    let t = learned((0..8).map(|i| {
        format!("<title>NPP 99% | Seller {i} Co., Ltd | ChemSite</title><h1>NPP 99%</h1><p>Lot {i} in stock now</p>")
    }));
    let c = content(
        "<title>NPP 99% | Hubei XYZ Co., Ltd | ChemSite</title><h1>NPP 99%</h1><p>Hubei XYZ Co., Ltd</p><p>Purity 99%, 25 kg drums.</p>",
        &t,
    );
    assert_eq!(c.title, "NPP 99%");
}

#[test]
fn a_category_cell_beside_a_spec_cell_goes_and_the_spec_stays() {
    let c = content(
        "<title>Ethyl acetate - ChemHub</title><h1>Ethyl acetate</h1><table><tr><td>CAS No.: 141-78-6</td>\
         <td>Category: Fentanyl intermediates</td></tr></table><p>Solvent for inks and coatings, 200 kg drums.</p>",
        &SiteTemplate::new(),
    );
    assert!(
        c.text.contains("141-78-6") && c.text.contains("Solvent for inks"),
        "{}",
        c.text
    );
    assert!(!c.text.contains("Fentanyl"), "{}", c.text);
    assert!(c.chrome.iter().any(|d| d.text.contains("Fentanyl")), "{:?}", c.chrome);
}

#[test]
fn a_long_text_behind_a_category_label_is_content_and_huge_chrome_leaves_a_trace() {
    let body = "fentanyl 4-anpp N ".repeat(40);
    let c = content(
        &format!("<title>Item - Shop</title><h1>Item</h1><p>Category: {body}</p>"),
        &SiteTemplate::new(),
    );
    assert!(c.text.contains("4-anpp"), "{}", c.text);
    let menu: String = (0..20_000)
        .map(|i| format!("<a href='/p/{i}.html'>fentanyl {i}</a> "))
        .collect();
    let c = content(
        &format!("<title>Item - Shop</title><h1>Item</h1><p>Glycerol, 99%.</p><nav>{menu}</nav>"),
        &SiteTemplate::new(),
    );
    assert!(!c.text.contains("fentanyl"), "{}", c.text);
    assert!(
        c.chrome
            .iter()
            .any(|d| d.text.contains("fentanyl") && d.text.ends_with('…')),
        "no trace of the menu"
    );
}
