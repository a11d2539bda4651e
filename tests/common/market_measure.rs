//! MEASURE SET ONLY. If you are tuning the listing-content extractor
//! (issue 8), do not read this file: it holds the held-out templates and seeds
//! the extractor is measured on, and it is only a fair measure while the
//! extractor has never been fitted to it. Use the tune set
//! (`market::tune_specs`) for development.
//!
//! Included with `#[path]` next to `market.rs` (as a sibling module named
//! `market`) by `examples/chrome_eval.rs`.

use super::market::{a, esc, links, plain, Charset, Chrome, Ctx, Index, Lang, Listing, SiteSpec, Template};
use std::fmt::Write as _;

/// `supplier-card`: a Made-in-China-style detail page.
pub static SUPPLIER_CARD: Template = Template {
    name: "supplier-card",
    lang: Lang::En,
    charset: Charset::Utf8,
    listing_re: "^/product-detail/",
    listing_path: |id, s| format!("/product-detail/{s}_{id}.html"),
    category_path: |s, n| format!("/products/{s}_{n}.html"),
    search_path: Some(|q| format!("/hot-china-products/{q}.html")),
    listing: card_listing,
    index: card_index,
    selectors: Some(|_| {
        vec![
            ("title".into(), "h1.sr-proName".into()),
            ("description".into(), "div.detail-desc div.rich-text".into()),
            ("specs".into(), "div.basic-info".into()),
            ("supplier".into(), "div.supplier-card".into()),
        ]
    }),
    classes: 1,
    obfuscated: false,
};

fn card_top(ctx: &Ctx, ch: &Chrome, s: &mut String) {
    let _ = write!(
        s,
        "<div id=\"top-bar\"><span>Welcome to {}!</span> <a href=\"/join\">Join Free</a> | <a href=\"/signin\">Sign In</a></div>\n<div id=\"header\"><div class=\"logo\"><a href=\"/\">{}</a></div><div class=\"search-box\"><input name=\"word\" placeholder=\"What are you looking for...\"><button>Search</button></div>",
        esc(&ctx.market),
        esc(&ctx.market)
    );
    if !ch.hot_searches.is_empty() {
        let texts: Vec<String> = ch.hot_searches.iter().map(|l| l.text.clone()).collect();
        let _ = write!(
            s,
            "<div class=\"top-search\">Top Searches: {}</div>",
            plain(&texts, " ")
        );
    }
    s.push_str("</div>\n");
    if !ch.menu.is_empty() {
        let _ = writeln!(s, "<div class=\"main-nav\">{}</div>", links(&ch.menu, " "));
    }
}

fn card_foot(ch: &Chrome, s: &mut String) {
    if ch.trending.is_empty() && ch.footer.is_empty() && ch.recent.is_empty() {
        return;
    }
    s.push_str("<div class=\"footer\">");
    if !ch.trending.is_empty() {
        let _ = write!(
            s,
            "<div class=\"hot-tags\">Popular Searches: {}</div>",
            plain(&ch.trending, " ")
        );
    }
    if !ch.recent.is_empty() {
        let _ = write!(
            s,
            "<div class=\"viewed\">Buyers recently searched: {}</div>",
            plain(&ch.recent, "; ")
        );
    }
    for f in &ch.footer {
        let _ = write!(s, "<div class=\"ft-line\">{}</div>", esc(f));
    }
    s.push_str("</div>\n");
}

fn card_side_hot(ch: &Chrome, s: &mut String) {
    if !ch.hot_products.is_empty() {
        s.push_str("<div class=\"side-hot\"><div class=\"side-title\">Popular Products</div><ul>");
        for l in &ch.hot_products {
            let _ = write!(s, "<li>{}</li>", a(l));
        }
        s.push_str("</ul></div>");
    }
}

fn card_listing(ctx: &Ctx, l: &Listing, ch: &Chrome) -> String {
    let o = &l.own;
    let mut s = format!(
        "<!DOCTYPE html><html><head>{}<title>{} - China Chemical Supplier - {}</title></head><body>\n",
        ctx.meta_charset(),
        esc(&o.title),
        esc(&ctx.market)
    );
    card_top(ctx, ch, &mut s);
    if !ch.crumbs.is_empty() {
        let _ = writeln!(s, "<div class=\"crumb\">{}</div>", links(&ch.crumbs, " &gt; "));
    }
    s.push_str("<div class=\"detail-wrap\">\n<div class=\"detail-side\">\n<div class=\"supplier-card\">");
    for f in &o.supplier {
        match f.key {
            "supplier" => {
                let _ = write!(
                    s,
                    "<div class=\"com-name\"><a href=\"/company/{}\">{}</a></div>",
                    l.id % 97,
                    esc(&f.value)
                );
            }
            "member" => {
                let _ = write!(s, "<div class=\"member\">Gold Member Since {}</div>", esc(&f.value));
            }
            _ => {
                let _ = write!(s, "<p class=\"com-info\">{}: {}</p>", esc(&f.label), esc(&f.value));
            }
        }
    }
    s.push_str("<button class=\"contact-btn\">Contact Supplier</button></div>\n");
    card_side_hot(ch, &mut s);
    let _ = write!(
        s,
        "</div>\n<div class=\"detail-main\">\n<h1 class=\"sr-proName\">{}</h1>\n<div class=\"basic-info\"><div class=\"title\">Basic Info.</div><table>",
        esc(&o.title)
    );
    for f in &o.specs {
        let _ = write!(
            s,
            "<tr><td class=\"th\">{}:</td><td>{}</td></tr>",
            esc(&f.label),
            esc(&f.value)
        );
    }
    s.push_str("</table></div>\n<div class=\"detail-desc\"><div class=\"title\">Product Description</div><div class=\"rich-text\">");
    for p in &o.description {
        let _ = write!(s, "<p>{}</p>", esc(p));
    }
    s.push_str("</div></div>\n");
    if !ch.related.is_empty() {
        s.push_str("<div class=\"may-like\"><div class=\"title\">You May Also Like</div><ul>");
        for (l, p) in &ch.related {
            let _ = write!(
                s,
                "<li>{}<p class=\"price\">{}</p><p>Min. Order: 1 Kilogram</p></li>",
                a(l),
                esc(p)
            );
        }
        s.push_str("</ul></div>\n");
    }
    if !ch.also_bought.is_empty() {
        let _ = writeln!(
            s,
            "<div class=\"also\"><div class=\"title\">Buyers Who Viewed This Also Viewed</div>{}</div>",
            links(&ch.also_bought, " ")
        );
    }
    s.push_str("</div>\n</div>\n");
    card_foot(ch, &mut s);
    s.push_str("</body></html>\n");
    s
}

fn card_index(ctx: &Ctx, idx: &Index, ch: &Chrome) -> String {
    let mut s = format!(
        "<!DOCTYPE html><html><head>{}<title>{} - {}</title></head><body>\n",
        ctx.meta_charset(),
        esc(&idx.heading),
        esc(&ctx.market)
    );
    card_top(ctx, ch, &mut s);
    s.push_str("<div class=\"detail-wrap\"><div class=\"detail-side\">");
    card_side_hot(ch, &mut s);
    let _ = write!(
        s,
        "</div><div class=\"list-main\"><h1>{}</h1><p>{}</p><ul>",
        esc(&idx.heading),
        esc(&idx.intro)
    );
    for (l, p) in &idx.items {
        let _ = write!(s, "<li class=\"prod\">{} <span>{}</span></li>", a(l), esc(p));
    }
    let _ = writeln!(
        s,
        "</ul><div class=\"page\">{}</div></div></div>",
        links(&idx.pager, " ")
    );
    card_foot(ch, &mut s);
    s.push_str("</body></html>\n");
    s
}

/// `zh-gbk`: a Chinese portal page in GBK.
pub static ZH_GBK: Template = Template {
    name: "zh-gbk",
    lang: Lang::Zh,
    charset: Charset::Gbk,
    listing_re: r"^/cp/\d+\.htm$",
    listing_path: |id, _| format!("/cp/{id}.htm"),
    category_path: |s, n| format!("/list/{s}_{n}.htm"),
    search_path: None,
    listing: gbk_listing,
    index: gbk_index,
    selectors: None,
    classes: 1,
    obfuscated: false,
};

fn gbk_open(ctx: &Ctx, title: &str, ch: &Chrome, s: &mut String) {
    let _ = write!(
        s,
        "<html><head>{}<title>{}-{}</title></head>\n<body>\n<div id=\"top\"><b>{}</b>",
        ctx.meta_charset(),
        esc(title),
        esc(&ctx.market),
        esc(&ctx.market)
    );
    if !ch.recent.is_empty() {
        let _ = write!(s, " | 最新求购：{}", plain(&ch.recent, " "));
    }
    s.push_str("</div>\n<table width=\"1000\" align=\"center\" border=\"0\"><tr>\n<td width=\"200\" valign=\"top\">");
    if !ch.menu.is_empty() {
        let _ = write!(
            s,
            "<div class=\"box\"><div class=\"bt\">产品分类</div>{}</div>",
            links(&ch.menu, "<br>")
        );
    }
    if !ch.hot_products.is_empty() {
        let _ = write!(
            s,
            "<div class=\"box\"><div class=\"bt\">推荐产品</div>{}</div>",
            links(&ch.hot_products, "<br>")
        );
    }
    s.push_str("</td>\n<td valign=\"top\">");
}

fn gbk_close(ch: &Chrome, s: &mut String) {
    s.push_str("</td>\n<td width=\"180\" valign=\"top\">");
    if !ch.hot_searches.is_empty() {
        let _ = write!(
            s,
            "<div class=\"bt\">大家都在搜</div>{}",
            links(&ch.hot_searches, "<br>")
        );
    }
    if !ch.also_bought.is_empty() {
        let _ = write!(
            s,
            "<div class=\"bt\">浏览了该产品的人还浏览了</div>{}",
            links(&ch.also_bought, "<br>")
        );
    }
    s.push_str("</td></tr></table>\n");
    if !ch.trending.is_empty() || !ch.footer.is_empty() {
        s.push_str("<div id=\"foot\">");
        if !ch.trending.is_empty() {
            let _ = write!(s, "热门关键词：{}<br>", plain(&ch.trending, " | "));
        }
        for f in &ch.footer {
            let _ = write!(s, "{}<br>", esc(f));
        }
        s.push_str("</div>\n");
    }
    s.push_str("</body></html>\n");
}

fn gbk_listing(ctx: &Ctx, l: &Listing, ch: &Chrome) -> String {
    let o = &l.own;
    let mut s = String::new();
    gbk_open(ctx, &o.title, ch, &mut s);
    if !ch.crumbs.is_empty() {
        let _ = write!(s, "<div class=\"dqwz\">您的位置：{}</div>", links(&ch.crumbs, " &gt; "));
    }
    let _ = write!(
        s,
        "<table class=\"cp\" width=\"100%\"><tr><td colspan=\"2\"><font size=\"4\"><b>{}</b></font></td></tr>",
        esc(&o.title)
    );
    for f in &o.specs {
        let _ = write!(
            s,
            "<tr><td width=\"90\">{}：</td><td>{}</td></tr>",
            esc(&f.label),
            esc(&f.value)
        );
    }
    let _ = write!(
        s,
        "</table>\n<div class=\"xx\"><b>详细说明：</b><br>{}</div>\n<div class=\"lx\"><b>联系方式</b><br>",
        o.description.iter().map(|p| esc(p)).collect::<Vec<_>>().join("<br>")
    );
    for f in &o.supplier {
        let _ = write!(s, "{}：{}<br>", esc(&f.label), esc(&f.value));
    }
    s.push_str("</div>\n");
    if !ch.related.is_empty() {
        s.push_str("<div class=\"tj\"><b>同类产品</b><br>");
        for (l, p) in &ch.related {
            let _ = write!(s, "{} {}<br>", a(l), esc(p));
        }
        s.push_str("</div>");
    }
    gbk_close(ch, &mut s);
    s
}

fn gbk_index(ctx: &Ctx, idx: &Index, ch: &Chrome) -> String {
    let mut s = String::new();
    gbk_open(ctx, &idx.heading, ch, &mut s);
    let _ = write!(s, "<h1>{}</h1><p>{}</p>", esc(&idx.heading), esc(&idx.intro));
    for (l, p) in &idx.items {
        let _ = write!(s, "{} {}<br>", a(l), esc(p));
    }
    let _ = write!(s, "<p>{}</p>", links(&idx.pager, " "));
    gbk_close(ch, &mut s);
    s
}

/// The measure set: other seeds than the tune set, and two templates
/// (`supplier-card`, `zh-gbk`) the tune set does not have.
pub fn measure_specs() -> Vec<SiteSpec> {
    vec![
        SiteSpec {
            name: "measure-supplier-card".into(),
            template: &SUPPLIER_CARD,
            seed: 101,
            listings: 34,
        },
        SiteSpec {
            name: "measure-zh-gbk".into(),
            template: &ZH_GBK,
            seed: 102,
            listings: 30,
        },
        SiteSpec {
            name: "measure-html5".into(),
            template: &super::market::HTML5,
            seed: 103,
            listings: 32,
        },
        SiteSpec {
            name: "measure-table".into(),
            template: &super::market::TABLE,
            seed: 104,
            listings: 30,
        },
    ]
}
