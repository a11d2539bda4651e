//! Fictional B2B chemical marketplaces whose pages carry chrome: the labelled
//! test bed of issue 8 ("Match the listing, not the page").
//!
//! Included with `#[path]` by `tests/it/chrome.rs` and `examples/chrome_eval.rs`
//! (std, `fastrand`, `encoding_rs` and `httpdate` only). Everything is
//! deterministic from a site's seed.
//!
//! A site is a set of pages by path: a home page, category pages with
//! pagination, listing pages and (some templates) search pages. Every listing
//! page carries **chrome** — hot searches, a category menu, breadcrumbs, hot
//! products, related products, "people also bought", recent searches,
//! trending keywords, a footer with the marketplace's own contact and payment
//! badges — drawn per page from pools that name watched substances (by name,
//! synonym, CAS and Chinese name) and benign products, so no two listing pages
//! have the same chrome. [`Options::rotation`] draws every rotating block
//! again (a "second run" of the same site: same listings, other sidebars);
//! [`Options::chrome`] `= false` renders the same sites with no chrome at all
//! (the clean reference).
//!
//! Each listing's **own content** (title, spec fields, description, supplier)
//! is written here from `shared/domain/precursors.md`: watched substances by
//! common name, synonyms, systematic names, CAS and Chinese names, with and
//! without seller tactics; benign chemicals; hard negatives; listings whose own
//! description offers a second watched substance; listings that name the
//! substance only in the title, only in the CAS field or only in the
//! description. Its [`Truth`] (labels) comes from that own content only:
//!
//! * `substances`: canonical CAS numbers of the watched substances it offers
//!   (the number the bundled packs report in `hits.cas`);
//! * `flagged`: it offers one (the policy's "medium or high");
//! * `high`: it offers one AND its own content carries a strong tactic as
//!   `rules/policy.toml` defines them (destination/warehouse, delivery
//!   guarantee, relabelling, crypto/remittance payment, off-platform
//!   messenger or +86 mobile number). Research framing and sales pressure
//!   are weak and never make a listing high.
//!
//! The labels were written from the domain facts, never copied from what
//! precwatch reports.
//!
//! Templates here are the **tune** set (`html5`, `divsoup`, `table`,
//! `zh-utf8`, `zh-portal`, `spanish`, `cards`, `no-title-markup`, `zh-b2b`,
//! `alibaba-like`, `mobile`, `forum-like`, `zh-asp`, `zh-seo`, `zh-shop`,
//! `zh-info`). The measure-only templates live in `market_measure.rs`. Pages
//! are in English, Chinese (UTF-8; GBK declared only in a `<meta>`, only in
//! the HTTP header, in a `<meta>` past the first 4 KiB, in the header against
//! a stale `<meta charset="utf-8">`, or not at all; simplified and traditional
//! characters on one page), Latin-American Spanish, or English listings in a
//! Chinese/English interface; the Spanish listings keep the substance names
//! of the domain facts (as sellers there do) and write everything around them
//! in Spanish.
//!
//! A supplier block (company, contact person, phones, e-mail, messenger,
//! location) is the listing's own content on every template, wherever the
//! layout puts it (a side-column supplier card, the description's last
//! line, a forum signature, a mobile contact sheet): it names the one seller
//! of this offer and shows only on that seller's listings. What a supplier
//! card lists besides (the shop's other products) is chrome.
//!
//! Every company, person, phone number (+86 555-xxxx, +52/+57/+51 numbers in
//! the 555 range, the +86 138 0013 8000 example number and variants of it in
//! domestic format), QQ number, handle and e-mail address (example.com /
//! example.cn) is invented.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;

// ---------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------

/// Page language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
    /// Latin-American Spanish.
    Es,
}

/// How a site's pages are encoded and what the header declares (a template
/// writes its own `<meta>`, or none: `zh-seo` declares nothing, `zh-asp`
/// declares it past the first 4 KiB, `zh-shop` has a stale UTF-8 one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Charset {
    Utf8,
    Gbk,
    /// GBK, declared only in a `<meta http-equiv>` (the Content-Type header has no charset).
    GbkMetaOnly,
}

/// Generation knobs.
#[derive(Clone, Debug)]
pub struct Options {
    /// Render chrome (false: the clean reference, own content only).
    pub chrome: bool,
    /// 0 = the first run; any other value draws every rotating chrome block again.
    pub rotation: u64,
    /// Serve `ETag` and `Last-Modified` (both change when a page's bytes change).
    pub validators: bool,
    /// Listings per site (None: the site's own default).
    pub listings: Option<usize>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            chrome: true,
            rotation: 0,
            validators: false,
            listings: None,
        }
    }
}

/// One response.
#[derive(Clone, Debug)]
pub struct Page {
    pub content_type: String,
    pub body: Vec<u8>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

impl Page {
    /// Whether a conditional request with these headers is answered 304.
    pub fn not_modified(&self, if_none_match: Option<&str>, if_modified_since: Option<&str>) -> bool {
        match (&self.etag, if_none_match) {
            (Some(e), Some(inm)) => return inm.split(',').any(|t| t.trim() == e),
            (None, Some(_)) => return false,
            _ => {}
        }
        matches!((&self.last_modified, if_modified_since), (Some(lm), Some(ims)) if lm == ims)
    }

    /// Response headers (content type and validators).
    pub fn headers(&self) -> Vec<(String, String)> {
        let mut h = vec![("content-type".to_string(), self.content_type.clone())];
        if let Some(e) = &self.etag {
            h.push(("etag".into(), e.clone()));
        }
        if let Some(l) = &self.last_modified {
            h.push(("last-modified".into(), l.clone()));
        }
        h
    }
}

/// The labels of one listing, from its own content only.
#[derive(Clone, Debug)]
pub struct Truth {
    /// Path (and query) of the listing page.
    pub path: String,
    pub title: String,
    /// Canonical CAS numbers of the watched substances it offers.
    pub substances: BTreeSet<&'static str>,
    /// Should come out medium or high.
    pub flagged: bool,
    /// Should come out high.
    pub high: bool,
    /// A short description of the case (for disagreement lists).
    pub case: String,
    /// The listing's own text pieces (title, field values, description paragraphs, supplier lines).
    pub own: Vec<String>,
    /// Every chrome text item drawn for this page (empty for the clean reference).
    pub chrome: Vec<String>,
}

/// A generated marketplace.
pub struct Site {
    /// Unique name, used as the job's site name.
    pub name: String,
    pub template: &'static str,
    pub lang: Lang,
    /// Regex on path+query for the job's `listing`.
    pub listing_re: String,
    /// CSS selectors for `[site.fields]` (empty where selectors make no sense).
    pub selectors: Vec<(String, String)>,
    pub pages: BTreeMap<String, Page>,
    pub listings: Vec<Truth>,
}

impl Site {
    pub fn page(&self, path: &str) -> Option<&Page> {
        self.pages.get(path)
    }
    pub fn truth(&self, path: &str) -> Option<&Truth> {
        self.listings.iter().find(|t| t.path == path)
    }
}

/// Which template and seed make a site.
#[derive(Clone)]
pub struct SiteSpec {
    pub name: String,
    pub template: &'static Template,
    pub seed: u64,
    /// Default number of listings.
    pub listings: usize,
}

// ---------------------------------------------------------------------------
// Templates
// ---------------------------------------------------------------------------

/// A link in chrome or an index page.
#[derive(Clone, Debug)]
pub struct Link {
    pub text: String,
    pub href: String,
}

/// The chrome of one page. Empty vectors mean "block absent".
#[derive(Clone, Debug, Default)]
pub struct Chrome {
    /// Search terms in the header (links to search pages when the template has them).
    pub hot_searches: Vec<Link>,
    /// Category menu (stable across the site).
    pub menu: Vec<Link>,
    /// Breadcrumb trail (by category).
    pub crumbs: Vec<Link>,
    /// "Hot products" items.
    pub hot_products: Vec<Link>,
    /// Other listings of the site, with a price line.
    pub related: Vec<(Link, String)>,
    /// "People also bought" items.
    pub also_bought: Vec<Link>,
    /// "Recent searches": plain text terms.
    pub recent: Vec<String>,
    /// "Trending keywords": plain text terms.
    pub trending: Vec<String>,
    /// Footer lines: the marketplace's contact, payment badges, logistics (stable across the site).
    pub footer: Vec<String>,
    /// A second draw of other listings of the site, with a price line
    /// ("latest supply", "recently viewed", more product cards). Drawn only
    /// for the templates in [`MORE_TEMPLATES`].
    pub more: Vec<(Link, String)>,
    /// The same supplier's other listings, with a price line (the "shop's
    /// other products" of a supplier card). Drawn only for the templates in
    /// [`SHOP_TEMPLATES`], after every other block.
    pub shop: Vec<(Link, String)>,
}

impl Chrome {
    /// Every text item of this chrome.
    pub fn texts(&self) -> Vec<String> {
        let mut v = Vec::new();
        for l in self
            .hot_searches
            .iter()
            .chain(&self.menu)
            .chain(&self.crumbs)
            .chain(&self.hot_products)
            .chain(&self.also_bought)
        {
            v.push(l.text.clone());
        }
        for (l, p) in self.related.iter().chain(&self.more).chain(&self.shop) {
            v.push(l.text.clone());
            v.push(p.clone());
        }
        v.extend(self.recent.iter().cloned());
        v.extend(self.trending.iter().cloned());
        v.extend(self.footer.iter().cloned());
        v
    }
    fn signature(&self) -> String {
        let mut v: Vec<String> = Vec::new();
        v.extend(self.hot_searches.iter().map(|l| l.text.clone()));
        v.extend(self.hot_products.iter().map(|l| l.text.clone()));
        v.extend(
            self.related
                .iter()
                .chain(&self.more)
                .chain(&self.shop)
                .map(|l| l.0.href.clone()),
        );
        v.extend(self.also_bought.iter().map(|l| l.text.clone()));
        v.extend(self.recent.iter().cloned());
        v.extend(self.trending.iter().cloned());
        v.join("\u{1}")
    }
}

/// A spec or supplier field of a listing: `key` is the `[site.fields]` name.
#[derive(Clone, Debug)]
pub struct Field {
    pub key: &'static str,
    pub label: String,
    pub value: String,
}

/// A listing's own content.
#[derive(Clone, Debug)]
pub struct Own {
    pub title: String,
    /// Spec fields (CAS, purity, price...), in display order.
    pub specs: Vec<Field>,
    /// Description paragraphs.
    pub description: Vec<String>,
    /// Supplier block (company, contact, phone...).
    pub supplier: Vec<Field>,
}

impl Own {
    pub fn spec(&self, key: &str) -> Option<&Field> {
        self.specs.iter().find(|f| f.key == key)
    }
    /// Every own text piece.
    pub fn pieces(&self) -> Vec<String> {
        let mut v = vec![self.title.clone()];
        for f in self.specs.iter().chain(&self.supplier) {
            v.push(f.label.clone());
            v.push(f.value.clone());
        }
        v.extend(self.description.iter().cloned());
        v
    }
}

/// One listing as the templates see it.
#[derive(Clone, Debug)]
pub struct Listing {
    pub id: u32,
    pub path: String,
    pub category: usize,
    pub own: Own,
}

/// What an index page (home, category page, search results) shows besides chrome.
#[derive(Clone, Debug)]
pub struct Index {
    pub heading: String,
    pub intro: String,
    pub items: Vec<(Link, String)>,
    pub pager: Vec<Link>,
}

/// Site-wide context a template renders with.
pub struct Ctx {
    pub market: String,
    pub domain: String,
    pub lang: Lang,
    pub charset: Charset,
    /// Per-site class names (obfuscated where the template wants them).
    pub class: Vec<String>,
    pub categories: Vec<Category>,
    pub chrome: bool,
    /// The id of the one listing whose page carries the template's one-off
    /// quirk (`zh-portal`: a malformed charset `<meta>`).
    pub quirk: u32,
}

impl Ctx {
    /// The per-site class name for role `i`.
    pub fn c(&self, i: usize) -> &str {
        &self.class[i % self.class.len()]
    }
    /// `<meta charset>` for this site's encoding.
    pub fn meta_charset(&self) -> &'static str {
        match self.charset {
            Charset::Utf8 => "<meta charset=\"utf-8\">",
            Charset::Gbk => "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gbk\">",
            Charset::GbkMetaOnly => "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\" />",
        }
    }
}

/// A category of a site.
#[derive(Clone, Debug)]
pub struct Category {
    pub slug: &'static str,
    pub name: String,
}

/// Builds a site's `[site.fields]` selectors.
pub type Selectors = fn(&Ctx) -> Vec<(String, String)>;

/// A page layout.
pub struct Template {
    pub name: &'static str,
    pub lang: Lang,
    pub charset: Charset,
    /// Regex on path+query: listing pages.
    pub listing_re: &'static str,
    pub listing_path: fn(id: u32, slug: &str) -> String,
    /// Category page `n` (1-based).
    pub category_path: fn(slug: &str, n: usize) -> String,
    /// Search results page for a term slug (None: hot searches are plain text, no search pages).
    pub search_path: Option<fn(q: &str) -> String>,
    pub listing: fn(&Ctx, &Listing, &Chrome) -> String,
    pub index: fn(&Ctx, &Index, &Chrome) -> String,
    /// Field selectors for `[site.fields]`, when they make sense on this layout.
    pub selectors: Option<Selectors>,
    /// Number of class names to draw per site.
    pub classes: usize,
    /// Obfuscated (`c-7x2`, `blk3`) or readable class names.
    pub obfuscated: bool,
}

// ---------------------------------------------------------------------------
// Domain content (shared/domain/precursors.md)
// ---------------------------------------------------------------------------

/// Category keys; names per language in [`category_name`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cat {
    Piperidones,
    BmkPmk,
    Pharma,
    Basic,
    Food,
    Lab,
    Industrial,
}

const CATS: &[Cat] = &[
    Cat::Piperidones,
    Cat::BmkPmk,
    Cat::Pharma,
    Cat::Basic,
    Cat::Food,
    Cat::Lab,
    Cat::Industrial,
];

fn category_slug(c: Cat) -> &'static str {
    match c {
        Cat::Piperidones => "piperidones",
        Cat::BmkPmk => "bmk-pmk",
        Cat::Pharma => "pharma-intermediates",
        Cat::Basic => "basic-chemicals",
        Cat::Food => "food-additives",
        Cat::Lab => "lab-testing",
        Cat::Industrial => "industrial-agri",
    }
}

/// Category names: several name watched substances, as such marketplaces do.
fn category_name(c: Cat, lang: Lang) -> &'static str {
    match (c, lang) {
        (Cat::Piperidones, Lang::En) => "Piperidones & 4-Anilinopiperidine Series",
        (Cat::BmkPmk, Lang::En) => "BMK Glycidate / PMK Glycidate Series",
        (Cat::Pharma, Lang::En) => "Pharmaceutical Intermediates (Nitazenes, Xylazine)",
        (Cat::Basic, Lang::En) => "Basic Organic & Inorganic Chemicals",
        (Cat::Food, Lang::En) => "Food Additives",
        (Cat::Lab, Lang::En) => "Lab Supplies & Testing",
        (Cat::Industrial, Lang::En) => "Industrial & Agriculture",
        (Cat::Piperidones, Lang::Zh) => "哌啶酮系列（N-苯乙基-4-哌啶酮）",
        (Cat::BmkPmk, Lang::Zh) => "BMK/PMK 缩水甘油酸酯系列",
        (Cat::Pharma, Lang::Zh) => "医药中间体（芬太尼类前体）",
        (Cat::Basic, Lang::Zh) => "基础化工原料",
        (Cat::Food, Lang::Zh) => "食品添加剂",
        (Cat::Lab, Lang::Zh) => "实验室用品与检测",
        (Cat::Industrial, Lang::Zh) => "工业与农业",
        (Cat::Piperidones, Lang::Es) => "Piperidonas (NPP, 4-Anilinopiperidine y derivados)",
        (Cat::BmkPmk, Lang::Es) => "Serie BMK glycidate / PMK glycidate",
        (Cat::Pharma, Lang::Es) => "Intermedios farmacéuticos (nitazenos, Xylazine)",
        (Cat::Basic, Lang::Es) => "Químicos orgánicos e inorgánicos básicos",
        (Cat::Food, Lang::Es) => "Aditivos para alimentos",
        (Cat::Lab, Lang::Es) => "Laboratorio y pruebas rápidas",
        (Cat::Industrial, Lang::Es) => "Industria y agro",
    }
}

/// A watched substance the bundled packs cover (names and CAS from the domain facts).
pub struct Watched {
    pub key: &'static str,
    /// Canonical CAS, as the packs report it in `hits.cas`.
    pub cas: &'static str,
    /// names[0] is the common name; the rest are synonyms and systematic names.
    pub names: &'static [&'static str],
    /// Chinese name given in the domain facts ("" when none is given).
    pub zh: &'static str,
    pub form: &'static str,
    pub form_zh: &'static str,
    pub cat: Cat,
}

pub const WATCHED: &[Watched] = &[
    Watched {
        key: "npp",
        cas: "39742-60-4",
        names: &[
            "N-Phenethyl-4-piperidone",
            "1-Phenethyl-4-piperidone",
            "1-(2-Phenylethyl)piperidin-4-one",
            "N-(2-Phenylethyl)-4-piperidinone",
        ],
        zh: "N-苯乙基-4-哌啶酮",
        form: "Light yellow crystalline powder",
        form_zh: "淡黄色结晶粉末",
        cat: Cat::Piperidones,
    },
    Watched {
        key: "anpp",
        cas: "21409-26-7",
        names: &[
            "4-ANPP",
            "4-Anilino-N-phenethylpiperidine",
            "N-Phenyl-1-(2-phenylethyl)piperidin-4-amine",
            "Despropionyl fentanyl",
        ],
        zh: "",
        form: "White powder",
        form_zh: "白色粉末",
        cat: Cat::Piperidones,
    },
    Watched {
        key: "norfentanyl",
        cas: "1609-66-1",
        names: &[
            "Norfentanyl",
            "N-Phenyl-N-(piperidin-4-yl)propanamide",
            "N-Phenyl-N-4-piperidinylpropionamide",
        ],
        zh: "去甲芬太尼",
        form: "White crystalline powder",
        form_zh: "白色结晶粉末",
        cat: Cat::Pharma,
    },
    Watched {
        key: "4ap",
        cas: "23056-29-3",
        names: &[
            "4-Anilinopiperidine",
            "N-Phenylpiperidin-4-amine",
            "N-Phenyl-4-piperidinamine",
        ],
        zh: "4-苯胺基哌啶",
        form: "Off-white powder",
        form_zh: "类白色粉末",
        cat: Cat::Piperidones,
    },
    Watched {
        key: "boc4ap",
        cas: "125541-22-2",
        names: &[
            "1-Boc-4-AP",
            "tert-Butyl 4-(phenylamino)piperidine-1-carboxylate",
            "1-N-Boc-4-(phenylamino)piperidine",
            "4-Anilino-1-Boc-piperidine",
        ],
        zh: "",
        form: "White powder",
        form_zh: "白色粉末",
        cat: Cat::Piperidones,
    },
    Watched {
        key: "pip_hcl",
        cas: "40064-34-4",
        names: &[
            "4-Piperidone hydrochloride monohydrate",
            "4,4-Piperidinediol hydrochloride",
            "4-Piperidone HCl monohydrate",
        ],
        zh: "4-哌啶酮盐酸盐",
        form: "White crystal",
        form_zh: "白色晶体",
        cat: Cat::Piperidones,
    },
    Watched {
        key: "bocpip",
        cas: "79099-07-3",
        names: &[
            "1-Boc-4-piperidone",
            "N-Boc-4-piperidone",
            "tert-Butyl 4-oxopiperidine-1-carboxylate",
            "1-(tert-Butoxycarbonyl)-4-oxopiperidine",
        ],
        zh: "N-叔丁氧羰基-4-哌啶酮",
        form: "White powder",
        form_zh: "白色粉末",
        cat: Cat::Piperidones,
    },
    Watched {
        key: "propanhydride",
        cas: "123-62-6",
        names: &["Propionic anhydride", "Propanoic anhydride"],
        zh: "",
        form: "Colourless liquid",
        form_zh: "无色液体",
        cat: Cat::Pharma,
    },
    Watched {
        key: "fentanyl",
        cas: "437-38-7",
        names: &["Fentanyl", "N-Phenyl-N-[1-(2-phenylethyl)piperidin-4-yl]propanamide"],
        zh: "芬太尼",
        form: "White powder",
        form_zh: "白色粉末",
        cat: Cat::Pharma,
    },
    Watched {
        key: "p2p",
        cas: "103-79-7",
        names: &["Phenylacetone", "1-Phenyl-2-propanone", "Benzyl methyl ketone"],
        zh: "",
        form: "Colourless to pale yellow oil",
        form_zh: "无色至淡黄色油状液体",
        cat: Cat::BmkPmk,
    },
    Watched {
        key: "bmk_glycidate",
        cas: "80532-66-7",
        names: &["BMK methyl glycidate", "BMK glycidate"],
        zh: "",
        form: "Colourless oil",
        form_zh: "无色油状液体",
        cat: Cat::BmkPmk,
    },
    Watched {
        key: "pmk_glycidate",
        cas: "13605-48-6",
        names: &["PMK methyl glycidate"],
        zh: "",
        form: "White powder",
        form_zh: "白色粉末",
        cat: Cat::BmkPmk,
    },
    Watched {
        key: "apaan",
        cas: "4468-48-8",
        names: &["alpha-Phenylacetoacetonitrile"],
        zh: "",
        form: "White crystalline powder",
        form_zh: "白色结晶粉末",
        cat: Cat::BmkPmk,
    },
    Watched {
        key: "mapa",
        cas: "16648-44-5",
        names: &["Methyl alpha-phenylacetoacetate", "Methyl 3-oxo-2-phenylbutanoate"],
        zh: "",
        form: "Colourless liquid",
        form_zh: "无色液体",
        cat: Cat::BmkPmk,
    },
    Watched {
        key: "pmk",
        cas: "4676-39-5",
        names: &[
            "Piperonyl methyl ketone",
            "3,4-Methylenedioxyphenyl-2-propanone",
            "MDP2P",
        ],
        zh: "",
        form: "Yellow oil",
        form_zh: "黄色油状液体",
        cat: Cat::BmkPmk,
    },
    Watched {
        key: "safrole",
        cas: "94-59-7",
        names: &["Safrole"],
        zh: "",
        form: "Colourless to pale yellow oil",
        form_zh: "无色至淡黄色油状液体",
        cat: Cat::BmkPmk,
    },
    Watched {
        key: "piperonal",
        cas: "120-57-0",
        names: &["Piperonal", "Heliotropine"],
        zh: "",
        form: "White crystals",
        form_zh: "白色晶体",
        cat: Cat::BmkPmk,
    },
    Watched {
        key: "phenylacetic",
        cas: "103-82-2",
        names: &["Phenylacetic acid", "Benzeneacetic acid"],
        zh: "",
        form: "White flakes",
        form_zh: "白色片状",
        cat: Cat::BmkPmk,
    },
    Watched {
        key: "ephedrine",
        cas: "299-42-3",
        names: &["Ephedrine"],
        zh: "",
        form: "White crystalline powder",
        form_zh: "白色结晶粉末",
        cat: Cat::Pharma,
    },
    Watched {
        key: "isotonitazene",
        cas: "14188-81-9",
        names: &["Isotonitazene"],
        zh: "",
        form: "Yellow powder",
        form_zh: "黄色粉末",
        cat: Cat::Pharma,
    },
    Watched {
        key: "protonitazene",
        cas: "95958-84-2",
        names: &["Protonitazene"],
        zh: "",
        form: "Off-white powder",
        form_zh: "类白色粉末",
        cat: Cat::Pharma,
    },
    Watched {
        key: "metonitazene",
        cas: "14680-51-4",
        names: &["Metonitazene"],
        zh: "",
        form: "Yellow powder",
        form_zh: "黄色粉末",
        cat: Cat::Pharma,
    },
    Watched {
        key: "xylazine",
        cas: "7361-61-7",
        names: &["Xylazine"],
        zh: "",
        form: "White crystalline powder",
        form_zh: "白色结晶粉末",
        cat: Cat::Pharma,
    },
    Watched {
        key: "2b4m",
        cas: "1451-82-7",
        names: &["2-Bromo-4'-methylpropiophenone"],
        zh: "",
        form: "Yellow crystalline powder",
        form_zh: "黄色结晶粉末",
        cat: Cat::Pharma,
    },
    Watched {
        key: "bromovalerophenone",
        cas: "49851-31-2",
        names: &["2-Bromo-1-phenylpentan-1-one"],
        zh: "",
        form: "Pale yellow liquid",
        form_zh: "淡黄色液体",
        cat: Cat::Pharma,
    },
];

/// A benign chemical (not watched; commodities included).
pub struct Benign {
    pub name: &'static str,
    pub cas: &'static str,
    pub form: &'static str,
    pub use_en: &'static str,
    pub zh: &'static str,
    pub use_zh: &'static str,
    pub cat: Cat,
}

pub const BENIGN: &[Benign] = &[
    Benign {
        name: "Sodium chloride",
        cas: "7647-14-5",
        form: "White crystals",
        use_en: "Food grade and industrial grade salt for food processing, water softening and de-icing.",
        zh: "氯化钠",
        use_zh: "食品级及工业级氯化钠，用于食品加工、软水和融雪。",
        cat: Cat::Basic,
    },
    Benign {
        name: "Citric acid anhydrous",
        cas: "77-92-9",
        form: "White granules",
        use_en: "Acidulant for beverages, confectionery and detergents, E330, BP/USP grade.",
        zh: "无水柠檬酸",
        use_zh: "用于饮料、糖果和洗涤剂的酸味剂，E330。",
        cat: Cat::Food,
    },
    Benign {
        name: "Titanium dioxide rutile",
        cas: "13463-67-7",
        form: "White powder",
        use_en: "Rutile grade pigment for coatings, plastics and printing inks, high whiteness.",
        zh: "金红石型二氧化钛",
        use_zh: "用于涂料、塑料和油墨的金红石型钛白粉，白度高。",
        cat: Cat::Basic,
    },
    Benign {
        name: "Glycerol",
        cas: "56-81-5",
        form: "Colourless viscous liquid",
        use_en: "USP grade glycerine 99.7% for cosmetics, toothpaste and pharmaceutical syrups.",
        zh: "甘油",
        use_zh: "99.7% 药用级甘油，用于化妆品、牙膏和糖浆。",
        cat: Cat::Basic,
    },
    Benign {
        name: "Calcium carbonate",
        cas: "471-34-1",
        form: "White powder",
        use_en: "Heavy calcium carbonate, 1250 mesh, filler for plastics, paper and paints.",
        zh: "重质碳酸钙",
        use_zh: "1250目重质碳酸钙，用于塑料、造纸和涂料填料。",
        cat: Cat::Basic,
    },
    Benign {
        name: "Stearic acid",
        cas: "57-11-4",
        form: "White beads",
        use_en: "Triple pressed stearic acid for rubber compounding, candles and cosmetics.",
        zh: "硬脂酸",
        use_zh: "三压硬脂酸，用于橡胶、蜡烛和化妆品。",
        cat: Cat::Basic,
    },
    Benign {
        name: "Sodium bicarbonate",
        cas: "144-55-8",
        form: "White powder",
        use_en: "Food grade baking soda for bakeries and beverages, 25 kg woven bag.",
        zh: "碳酸氢钠",
        use_zh: "食品级小苏打，用于烘焙和饮料，25公斤编织袋。",
        cat: Cat::Food,
    },
    Benign {
        name: "Ascorbic acid",
        cas: "50-81-7",
        form: "White crystalline powder",
        use_en: "Vitamin C powder, food and feed grade, antioxidant E300.",
        zh: "维生素C",
        use_zh: "食品级和饲料级维生素C粉末，抗氧化剂E300。",
        cat: Cat::Food,
    },
    Benign {
        name: "Aniline",
        cas: "62-53-3",
        form: "Colourless to brown oily liquid",
        use_en: "Aniline 99.9% for rubber chemicals, MDI and dye manufacture, ISO tank or 200 kg drum.",
        zh: "苯胺",
        use_zh: "99.9% 苯胺，用于橡胶助剂、MDI和染料生产。",
        cat: Cat::Basic,
    },
    Benign {
        name: "Piperidine",
        cas: "110-89-4",
        form: "Colourless liquid",
        use_en: "Piperidine 99% used as a solvent and base in rubber accelerators, 170 kg drum.",
        zh: "哌啶",
        use_zh: "99% 哌啶，用作溶剂和碱，橡胶促进剂原料。",
        cat: Cat::Basic,
    },
    Benign {
        name: "Zinc oxide",
        cas: "1314-13-2",
        form: "White powder",
        use_en: "Zinc oxide 99.7% (indirect process) for rubber, ceramics and feed.",
        zh: "氧化锌",
        use_zh: "99.7% 间接法氧化锌，用于橡胶、陶瓷和饲料。",
        cat: Cat::Basic,
    },
    Benign {
        name: "Urea",
        cas: "57-13-6",
        form: "White prills",
        use_en: "Urea 46% N, prilled, fertilizer and technical grade, 50 kg bag.",
        zh: "尿素",
        use_zh: "含氮46%颗粒尿素，农业级和工业级，50公斤袋装。",
        cat: Cat::Industrial,
    },
    Benign {
        name: "Ethyl acetate",
        cas: "141-78-6",
        form: "Colourless liquid",
        use_en: "Ethyl acetate 99.9% solvent for coatings, adhesives and printing inks, 180 kg drum.",
        zh: "乙酸乙酯",
        use_zh: "99.9% 乙酸乙酯，用于涂料、胶黏剂和油墨溶剂。",
        cat: Cat::Basic,
    },
    Benign {
        name: "Polyvinyl alcohol",
        cas: "9002-89-5",
        form: "White flakes",
        use_en: "PVA 2488 for adhesives, textile sizing and paper coating.",
        zh: "聚乙烯醇",
        use_zh: "PVA 2488，用于胶黏剂、纺织浆料和纸张涂布。",
        cat: Cat::Basic,
    },
];

/// A hard negative: its own content names something close to a watched
/// substance (or a tactic) but offers no watched substance.
pub struct HardNeg {
    pub key: &'static str,
    pub title: &'static str,
    pub cas: &'static str,
    pub form: &'static str,
    pub description: &'static [&'static str],
    pub cat: Cat,
}

pub const HARD_EN: &[HardNeg] = &[
    HardNeg {
        key: "test-strips",
        title: "Fentanyl Test Strips, 100 pack",
        cas: "",
        form: "Dip-card test strips",
        description: &[
            "Rapid fentanyl test strips for drug checking services and harm reduction programmes.",
            "Detects fentanyl and its analogues in residue at 20 ng/mL; results in 5 minutes. CE marked, bulk packs for outreach teams.",
        ],
        cat: Cat::Lab,
    },
    HardNeg {
        key: "notice-npp",
        title: "Compliance notice: controlled fentanyl precursors",
        cas: "",
        form: "Notice",
        description: &[
            "According to the UNODC, N-phenethyl-4-piperidone (NPP) was placed in Table I of the 1988 Convention in 2017.",
            "Listings of controlled precursors are removed from this marketplace and reported. Suppliers named in OFAC sanctions are banned.",
        ],
        cat: Cat::Pharma,
    },
    HardNeg {
        key: "npp-nuclear",
        title: "Cable tray system for NPP (nuclear power plant) projects",
        cas: "",
        form: "Hot-dip galvanized steel",
        description: &[
            "Ladder-type cable trays and supports for nuclear power plant (NPP) and substation projects, 2 m sections.",
            "Seismic qualified, factory price, project references on request.",
        ],
        cat: Cat::Industrial,
    },
    HardNeg {
        key: "npp-fertiliser",
        title: "NPK 15-15-15 compound fertilizer and NPP fertiliser",
        cas: "",
        form: "Granules",
        description: &["Compound NPK/NPP fertiliser for rice and wheat, 50 kg bag, factory price, MOQ 20 tons."],
        cat: Cat::Industrial,
    },
    HardNeg {
        key: "benzyl-piperidone",
        title: "1-Benzyl-4-piperidone 98%",
        cas: "3612-20-2",
        form: "Pale yellow liquid",
        description: &["1-Benzyl-4-piperidone (N-benzyl-4-piperidone), 98% purity, 25 kg drum, for pharmaceutical synthesis."],
        cat: Cat::Piperidones,
    },
    HardNeg {
        key: "2-piperidone",
        title: "2-Piperidone 99%",
        cas: "675-20-7",
        form: "White to yellowish solid",
        description: &["2-Piperidone (delta-valerolactam), 99%, monomer for polyamides and intermediate for pharmaceuticals."],
        cat: Cat::Piperidones,
    },
    HardNeg {
        key: "4-hydroxypiperidine",
        title: "4-Hydroxypiperidine 98%",
        cas: "5382-16-1",
        form: "White to light yellow crystals",
        description: &["4-Hydroxypiperidine, 98% by GC, 1 kg and 25 kg packing, COA with every batch."],
        cat: Cat::Piperidones,
    },
    HardNeg {
        key: "boc-piperazine",
        title: "1-Boc-piperazine 99%",
        cas: "57260-71-6",
        form: "White solid",
        description: &["1-Boc-piperazine (tert-butyl piperazine-1-carboxylate), 99%, building block for medicinal chemistry."],
        cat: Cat::Piperidones,
    },
    HardNeg {
        key: "4-aminopyridine",
        title: "4-AP (4-Aminopyridine) 99% powder",
        cas: "504-24-5",
        form: "White crystalline powder",
        description: &["4-Aminopyridine, bird repellent grade and intermediate for dalfampridine, factory price."],
        cat: Cat::Pharma,
    },
    HardNeg {
        key: "aniline-dyes",
        title: "Aniline dyes for leather and textiles",
        cas: "",
        form: "Powder",
        description: &["Aniline dyes (acid and basic dyes) for leather, wool and silk, bulk supply, colour card on request."],
        cat: Cat::Basic,
    },
    HardNeg {
        key: "office-chair",
        title: "Ergonomic mesh office chair",
        cas: "",
        form: "Mesh back, nylon base",
        description: &[
            "Ergonomic mesh office chair with adjustable lumbar support, BIFMA tested.",
            "Door to door DDP shipping to the USA and Europe, OEM welcome.",
        ],
        cat: Cat::Industrial,
    },
    HardNeg {
        key: "n-methyl-piperidone",
        title: "N-Methyl-4-piperidone 99%",
        cas: "1445-73-4",
        form: "Colourless to yellow liquid",
        description: &["N-Methyl-4-piperidone (1-methyl-4-piperidone), 99%, 200 kg drum, intermediate for pharmaceuticals."],
        cat: Cat::Piperidones,
    },
];

pub const HARD_ZH: &[HardNeg] = &[
    HardNeg {
        key: "test-strips-zh",
        title: "芬太尼检测试纸 100条装",
        cas: "",
        form: "检测试纸",
        description: &["用于毒品检测和减害服务的芬太尼快速检测试纸，检测限20 ng/mL，5分钟出结果。"],
        cat: Cat::Lab,
    },
    HardNeg {
        key: "benzyl-piperidone-zh",
        title: "N-苄基-4-哌啶酮 98%",
        cas: "3612-20-2",
        form: "淡黄色液体",
        description: &["1-苄基-4-哌啶酮，纯度98%，25公斤/桶，用于医药合成。"],
        cat: Cat::Piperidones,
    },
    HardNeg {
        key: "2-piperidone-zh",
        title: "2-哌啶酮 99%",
        cas: "675-20-7",
        form: "白色至微黄色固体",
        description: &["2-哌啶酮（δ-戊内酰胺），纯度99%，用于聚酰胺和医药中间体。"],
        cat: Cat::Piperidones,
    },
    HardNeg {
        key: "npp-nuclear-zh",
        title: "核电站（NPP）用电缆桥架",
        cas: "",
        form: "热镀锌钢",
        description: &["梯式电缆桥架，适用于核电站（NPP）及变电站项目，每节2米，厂家直销，价格优惠。"],
        cat: Cat::Industrial,
    },
    HardNeg {
        key: "notice-npp-zh",
        title: "平台公告：芬太尼类前体管制",
        cas: "",
        form: "公告",
        description: &[
            "据报道，自2018年2月1日起，N-苯乙基-4-哌啶酮（NPP）被列入管制。",
            "本平台禁止发布受管制前体的产品信息，违规信息将被删除并上报。",
        ],
        cat: Cat::Pharma,
    },
    HardNeg {
        key: "office-chair-zh",
        title: "人体工学网布办公椅",
        cas: "",
        form: "网布靠背，尼龙脚",
        description: &["人体工学网布办公椅，腰托可调。门到门服务，支持OEM定制。"],
        cat: Cat::Industrial,
    },
];

/// Strong tactics (policy class `strong_tactic`), as sentences of a description.
const TACTICS_EN: &[&str] = &[
    "100% safe delivery to Mexico, USA and Canada.",
    "USA warehouse and Mexico warehouse, in stock in Canada, fast delivery.",
    "Payment: USDT (TRC20), Bitcoin or Western Union.",
    "We can change the name of the goods, declared as dog food or cosmetics.",
    "Re-ship if seized, 100% customs clearance.",
    "Discreet packaging, door to door service to Mexico.",
    "Envío seguro a México, pago con USDT.",
    "Add me on Wickr: labsupply_demo for the price list.",
];

const TACTICS_ZH: &[&str] = &[
    "包清关，安全到达。",
    "墨西哥仓、美国仓现货。",
    "付款方式：USDT（TRC20）、比特币。",
    "可改品名，门到门服务。",
    "微信：labsupply_demo，欢迎咨询。",
];

/// Weak tactics: never make a listing high.
const WEAK_EN: &[&str] = &[
    "Hot sale, bulk discount for regular customers.",
    "For research use only.",
    "Limited stock, order ASAP.",
];

const WEAK_ZH: &[&str] = &["热销产品，欢迎咨询。", "仅供科研使用。"];

const GENERIC_EN: &[&str] = &[
    "Factory direct supply with stable quality and competitive price.",
    "COA, MSDS and HNMR are available for every batch.",
    "Sample available, quick reply within 12 hours.",
    "Our company has more than ten years of experience in fine chemicals and exports to over 40 countries.",
    "Storage: keep in a cool, dry place, protected from light.",
    "Packing: 1 kg/foil bag, 25 kg/fiber drum, or as the customer requires.",
];

const GENERIC_ZH: &[&str] = &[
    "厂家直销，质量稳定，价格优惠。",
    "每批次提供COA、MSDS和核磁图谱。",
    "可提供样品，12小时内回复。",
    "储存：阴凉干燥处避光保存。",
    "包装：1公斤/铝箔袋，25公斤/纸板桶，或按客户要求。",
];

const GENERIC_TITLES_EN: &[&str] = &[
    "High purity pharmaceutical intermediate",
    "Organic intermediate, factory direct supply",
    "Fine chemical raw material, best price",
    "Chemical reagent, high quality, fast delivery",
];

const GENERIC_TITLES_ZH: &[&str] = &["医药中间体 高纯度", "有机中间体 厂家直销", "精细化工原料 价格优惠"];

/// Suppliers: (company, contact, city). The one marked shady gives an off-platform contact.
const SUPPLIERS_EN: &[(&str, &str, &str)] = &[
    (
        "Hangzhou Mapleridge Chemical Co., Ltd.",
        "Ms. Anna Lin",
        "Hangzhou, Zhejiang, China",
    ),
    (
        "Nanjing Northgate Fine Intermediates Co., Ltd.",
        "Dr. Wei Sun",
        "Nanjing, Jiangsu, China",
    ),
    (
        "Shandong Greenfield Chemical Co., Ltd.",
        "Mr. Tom Zhao",
        "Jinan, Shandong, China",
    ),
    ("Wuhan Bluefinch Biotech Co., Ltd.", "Ms. Coco", "Wuhan, Hubei, China"),
    (
        "Hebei Silverkite Technology Co., Ltd.",
        "Mr. Jack",
        "Shijiazhuang, Hebei, China",
    ),
    ("Shanghai Clearwell Trading Co., Ltd.", "Ms. Lucy Xu", "Shanghai, China"),
    (
        "Guangzhou Redlantern Material Co., Ltd.",
        "Mr. Kevin",
        "Guangzhou, Guangdong, China",
    ),
    (
        "Tianjin Harborline Chemicals Co., Ltd.",
        "Ms. Grace Wu",
        "Tianjin, China",
    ),
];

const SUPPLIERS_ZH: &[(&str, &str, &str)] = &[
    ("杭州枫岭化工有限公司", "林女士", "浙江杭州"),
    ("南京北门精细化工有限公司", "孙博士", "江苏南京"),
    ("山东绿野化学有限公司", "赵先生", "山东济南"),
    ("武汉蓝雀生物科技有限公司", "可可", "湖北武汉"),
    ("河北银鸢科技有限公司", "王经理", "河北石家庄"),
    ("上海清泉贸易有限公司", "徐女士", "上海"),
];

/// Terms for search chrome that name no watched substance.
const BENIGN_TERMS_EN: &[&str] = &[
    "caustic soda",
    "titanium dioxide",
    "citric acid",
    "glycerin",
    "sodium benzoate",
    "epoxy resin",
    "pvc resin",
    "zinc oxide",
    "soda ash",
    "calcium chloride",
    "stainless steel pipe",
    "led strip",
    "solar panel",
    "office chair",
];

const BENIGN_TERMS_ZH: &[&str] = &[
    "烧碱",
    "钛白粉",
    "柠檬酸",
    "甘油",
    "苯甲酸钠",
    "环氧树脂",
    "氧化锌",
    "纯碱",
    "氯化钙",
    "不锈钢管",
];

/// Abbreviations and trade names sellers search by (chrome only).
const WATCHED_TERMS: &[&str] = &[
    "NPP", "4-ANPP", "BMK oil", "PMK oil", "new BMK", "4-AP", "nitazene", "2B4M",
];

// ---------------------------------------------------------------------------
// Spanish (Latin-American) content: the same facts, written in Spanish.
// Substance names stay as the domain facts give them (sellers on these
// marketplaces keep the English or systematic name); the sentences around
// them, the spec labels, the tactics and the hard negatives are Spanish.
// ---------------------------------------------------------------------------

/// The Spanish wording of a form ("White powder").
fn form_es(en: &'static str) -> &'static str {
    match en {
        "Light yellow crystalline powder" => "Polvo cristalino amarillo claro",
        "White powder" => "Polvo blanco",
        "White crystalline powder" => "Polvo cristalino blanco",
        "Off-white powder" => "Polvo blanquecino",
        "White crystal" | "White crystals" => "Cristales blancos",
        "Colourless liquid" => "Líquido incoloro",
        "Colourless to pale yellow oil" => "Aceite incoloro a amarillo pálido",
        "Colourless oil" => "Aceite incoloro",
        "Yellow oil" => "Aceite amarillo",
        "White flakes" => "Hojuelas blancas",
        "Yellow powder" => "Polvo amarillo",
        "Yellow crystalline powder" => "Polvo cristalino amarillo",
        "Pale yellow liquid" => "Líquido amarillo pálido",
        "White granules" => "Gránulos blancos",
        "Colourless viscous liquid" => "Líquido viscoso incoloro",
        "White beads" => "Perlas blancas",
        "Colourless to brown oily liquid" => "Líquido aceitoso incoloro a café",
        "White prills" => "Gránulos perlados blancos",
        _ => en,
    }
}

const _: () = assert!(BENIGN_ES.len() == BENIGN.len());

/// Spanish name and use of each [`BENIGN`] chemical, in the same order.
const BENIGN_ES: &[(&str, &str)] = &[
    (
        "Cloruro de sodio",
        "Sal grado alimenticio e industrial para procesamiento de alimentos, suavizado de agua y deshielo.",
    ),
    (
        "Ácido cítrico anhidro",
        "Acidulante para bebidas, confitería y detergentes, E330, grado BP/USP.",
    ),
    (
        "Dióxido de titanio rutilo",
        "Pigmento grado rutilo para recubrimientos, plásticos y tintas de impresión, alta blancura.",
    ),
    (
        "Glicerina",
        "Glicerina USP 99.7% para cosméticos, pasta dental y jarabes farmacéuticos.",
    ),
    (
        "Carbonato de calcio",
        "Carbonato de calcio pesado, malla 1250, carga para plásticos, papel y pinturas.",
    ),
    (
        "Ácido esteárico",
        "Ácido esteárico triple prensado para compuestos de hule, velas y cosméticos.",
    ),
    (
        "Bicarbonato de sodio",
        "Bicarbonato grado alimenticio para panaderías y bebidas, saco de 25 kg.",
    ),
    (
        "Ácido ascórbico",
        "Vitamina C en polvo, grado alimenticio y pecuario, antioxidante E300.",
    ),
    (
        "Anilina",
        "Anilina 99.9% para químicos de hule, MDI y fabricación de colorantes, isotanque o tambor de 200 kg.",
    ),
    (
        "Piperidina",
        "Piperidina 99% como disolvente y base para aceleradores de hule, tambor de 170 kg.",
    ),
    (
        "Óxido de zinc",
        "Óxido de zinc 99.7% (proceso indirecto) para hule, cerámica y alimento balanceado.",
    ),
    (
        "Urea",
        "Urea perlada 46% N, grado fertilizante y técnico, saco de 50 kg.",
    ),
    (
        "Acetato de etilo",
        "Acetato de etilo 99.9%, disolvente para recubrimientos, adhesivos y tintas, tambor de 180 kg.",
    ),
    (
        "Alcohol polivinílico",
        "PVA 2488 para adhesivos, apresto textil y recubrimiento de papel.",
    ),
];

pub const HARD_ES: &[HardNeg] = &[
    HardNeg {
        key: "test-strips-es",
        title: "Tiras reactivas para detectar fentanilo (fentanyl test strips), paquete de 100",
        cas: "",
        form: "Tiras de inmersión",
        description: &[
            "Tiras reactivas rápidas para servicios de análisis de sustancias y programas de reducción de daños.",
            "Detectan fentanyl y sus análogos en residuos a 20 ng/mL; resultado en 5 minutos. Paquetes por mayoreo para brigadas comunitarias.",
        ],
        cat: Cat::Lab,
    },
    HardNeg {
        key: "notice-npp-es",
        title: "Aviso de cumplimiento: precursores de fentanilo controlados",
        cas: "",
        form: "Aviso",
        description: &[
            "Según la UNODC, la N-fenetil-4-piperidona (NPP) fue incluida en el Cuadro I de la Convención de 1988 en 2017.",
            "Las publicaciones de precursores controlados se eliminan de este mercado y se reportan a la autoridad. Los proveedores sancionados por la OFAC están vetados.",
        ],
        cat: Cat::Pharma,
    },
    HardNeg {
        key: "npp-nuclear-es",
        title: "Charola portacables para proyectos NPP (central nuclear)",
        cas: "",
        form: "Acero galvanizado por inmersión en caliente",
        description: &[
            "Charolas tipo escalera y soportes para centrales nucleares (NPP) y subestaciones, tramos de 2 m.",
            "Calificación sísmica, precio de fábrica, referencias de proyectos a solicitud.",
        ],
        cat: Cat::Industrial,
    },
    HardNeg {
        key: "npp-fertiliser-es",
        title: "Fertilizante compuesto NPK 15-15-15 y fertilizante NPP",
        cas: "",
        form: "Gránulos",
        description: &["Fertilizante compuesto NPK/NPP para arroz, maíz y trigo, saco de 50 kg, precio de fábrica, pedido mínimo 20 toneladas."],
        cat: Cat::Industrial,
    },
    HardNeg {
        key: "benzyl-piperidone-es",
        title: "1-Bencil-4-piperidona 98%",
        cas: "3612-20-2",
        form: "Líquido amarillo pálido",
        description: &["1-Bencil-4-piperidona (N-bencil-4-piperidona), pureza 98%, tambor de 25 kg, para síntesis farmacéutica."],
        cat: Cat::Piperidones,
    },
    HardNeg {
        key: "2-piperidone-es",
        title: "2-Piperidona 99%",
        cas: "675-20-7",
        form: "Sólido blanco a amarillento",
        description: &["2-Piperidona (delta-valerolactama), 99%, monómero para poliamidas e intermedio farmacéutico."],
        cat: Cat::Piperidones,
    },
    HardNeg {
        key: "4-hydroxypiperidine-es",
        title: "4-Hidroxipiperidina 98%",
        cas: "5382-16-1",
        form: "Cristales blancos a amarillo claro",
        description: &["4-Hidroxipiperidina, 98% por GC, presentaciones de 1 kg y 25 kg, COA con cada lote."],
        cat: Cat::Piperidones,
    },
    HardNeg {
        key: "4-aminopyridine-es",
        title: "4-AP (4-Aminopiridina) 99% en polvo",
        cas: "504-24-5",
        form: "Polvo cristalino blanco",
        description: &["4-Aminopiridina, grado repelente de aves e intermedio para dalfampridina, precio de fábrica."],
        cat: Cat::Pharma,
    },
    HardNeg {
        key: "aniline-dyes-es",
        title: "Colorantes de anilina para cuero y textiles",
        cas: "",
        form: "Polvo",
        description: &["Colorantes de anilina (ácidos y básicos) para cuero, lana y seda, venta a granel, carta de colores a solicitud."],
        cat: Cat::Basic,
    },
    HardNeg {
        key: "office-chair-es",
        title: "Silla de oficina ergonómica de malla",
        cas: "",
        form: "Respaldo de malla, base de nylon",
        description: &[
            "Silla ergonómica con soporte lumbar ajustable, probada BIFMA.",
            "Envío puerta a puerta DDP a México, Colombia y Chile; aceptamos pedidos OEM.",
        ],
        cat: Cat::Industrial,
    },
    HardNeg {
        key: "glycerin-shipping-es",
        title: "Glicerina USP 99.7% con envío seguro a México",
        cas: "56-81-5",
        form: "Líquido viscoso incoloro",
        description: &[
            "Glicerina grado USP para cosméticos y alimentos, tambor de 250 kg.",
            "Envío seguro a México y Centroamérica, bodega en Monterrey.",
        ],
        cat: Cat::Basic,
    },
    HardNeg {
        key: "n-methyl-piperidone-es",
        title: "N-Metil-4-piperidona 99%",
        cas: "1445-73-4",
        form: "Líquido incoloro a amarillo",
        description: &["N-Metil-4-piperidona (1-metil-4-piperidona), 99%, tambor de 200 kg, intermedio farmacéutico."],
        cat: Cat::Piperidones,
    },
];

/// Strong tactics in a Spanish listing (one is in English, as sellers write them).
const TACTICS_ES: &[&str] = &[
    "Envío seguro a México, Colombia y Guatemala.",
    "Bodega en México y en EE. UU., entrega inmediata.",
    "Pago: USDT (TRC20), Bitcoin o Western Union.",
    "Podemos cambiar el nombre de la mercancía; se declara como alimento para perros o cosméticos.",
    "Reenvío gratis si hay decomiso, 100% despacho aduanal.",
    "Empaque discreto, servicio puerta a puerta a México.",
    "100% safe delivery to Mexico, USA and Canada.",
    "Escríbeme por Telegram: @labsupply_demo para la lista de precios.",
];

const WEAK_ES: &[&str] = &[
    "Oferta especial, descuento por volumen para clientes frecuentes.",
    "Solo para uso en investigación.",
    "Existencias limitadas, haga su pedido cuanto antes.",
];

const GENERIC_ES: &[&str] = &[
    "Venta directa de fábrica, calidad estable y precio competitivo.",
    "COA, MSDS y HNMR disponibles para cada lote.",
    "Muestras disponibles, respondemos en menos de 12 horas.",
    "Nuestra empresa tiene más de diez años de experiencia en química fina y exporta a más de 40 países.",
    "Conservar en un lugar fresco y seco, protegido de la luz.",
    "Empaque: bolsa de aluminio de 1 kg, tambor de fibra de 25 kg o según requerimiento del cliente.",
];

const GENERIC_TITLES_ES: &[&str] = &[
    "Intermedio farmacéutico de alta pureza",
    "Intermedio orgánico, venta directa de fábrica",
    "Materia prima de química fina, el mejor precio",
    "Reactivo químico de alta calidad, entrega rápida",
];

/// Suppliers on a Latin-American marketplace: (company, contact, location, phone).
/// Mexican, Colombian and Peruvian distributors and Chinese exporters; the
/// phone numbers use the 555 fictional range.
const SUPPLIERS_ES: &[(&str, &str, &str, &str)] = &[
    (
        "Química Sierra Alta S.A. de C.V.",
        "Lic. Mariana Ortega",
        "Guadalajara, Jalisco, México",
        "+52 33 5550 0111",
    ),
    (
        "Reactivos del Bajío S.A. de C.V.",
        "Ing. Jorge Méndez",
        "León, Guanajuato, México",
        "+52 477 555 0118",
    ),
    (
        "Distribuidora Andina de Insumos S.A.S.",
        "Ing. Carolina Rojas",
        "Medellín, Antioquia, Colombia",
        "+57 604 555 0125",
    ),
    (
        "Insumos Químicos del Pacífico S.A.C.",
        "Sr. Luis Paredes",
        "Lima, Perú",
        "+51 1 555 0132",
    ),
    (
        "Hangzhou Mapleridge Chemical Co., Ltd.",
        "Ms. Anna Lin",
        "Hangzhou, Zhejiang, China",
        "+86 555-0139",
    ),
    (
        "Química Fina del Norte S.A. de C.V.",
        "Lic. Ricardo Salas",
        "Monterrey, Nuevo León, México",
        "+52 81 5550 0146",
    ),
    (
        "Wuhan Bluefinch Biotech Co., Ltd.",
        "Ms. Coco",
        "Wuhan, Hubei, China",
        "+86 555-0153",
    ),
    (
        "Shanghai Clearwell Trading Co., Ltd.",
        "Ms. Lucy Xu",
        "Shanghai, China",
        "+86 555-0160",
    ),
];

const BENIGN_TERMS_ES: &[&str] = &[
    "sosa cáustica",
    "dióxido de titanio",
    "ácido cítrico",
    "glicerina",
    "benzoato de sodio",
    "resina epóxica",
    "resina de pvc",
    "óxido de zinc",
    "carbonato de sodio",
    "cloruro de calcio",
    "tubo de acero inoxidable",
    "tira led",
    "panel solar",
    "silla de oficina",
];

// ---------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------

/// How a watched listing names its substance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Naming {
    /// Title, CAS field and description.
    Full,
    /// Only the title (by a synonym); no CAS field; a generic description.
    TitleOnly,
    /// Only the CAS spec field; a generic title and description.
    CasOnly,
    /// Only the description; a generic title and no CAS field.
    DescOnly,
}

impl Naming {
    fn as_str(self) -> &'static str {
        match self {
            Naming::Full => "full",
            Naming::TitleOnly => "title-only",
            Naming::CasOnly => "cas-field-only",
            Naming::DescOnly => "description-only",
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Watched { w: usize, naming: Naming },
    Benign(usize),
    Hard(usize),
}

struct Supplier {
    company: String,
    contact: String,
    location: String,
    phone: String,
    email: String,
    member: u32,
    /// Off-platform contact line (a strong tactic), if this supplier is shady.
    messenger: Option<String>,
}

fn pick<'a, T>(rng: &mut fastrand::Rng, v: &'a [T]) -> &'a T {
    &v[rng.usize(..v.len())]
}

/// FNV-1a, stable across platforms and Rust versions.
pub fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// HTML text/attribute escaping.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            _ => o.push(c),
        }
    }
    o
}

/// An ASCII slug (empty when the text has no ASCII letters or digits).
pub fn slug(s: &str) -> String {
    let mut o = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            o.push(c.to_ascii_lowercase());
        } else if !o.is_empty() && !o.ends_with('-') {
            o.push('-');
        }
    }
    o.trim_end_matches('-').to_string()
}

fn suppliers(rng: &mut fastrand::Rng, lang: Lang) -> Vec<Supplier> {
    if lang == Lang::Es {
        return suppliers_es(rng);
    }
    let pool = match lang {
        Lang::Zh => SUPPLIERS_ZH,
        _ => SUPPLIERS_EN,
    };
    let mut idx: Vec<usize> = (0..pool.len()).collect();
    rng.shuffle(&mut idx);
    let shady = rng.usize(..4);
    idx.iter()
        .take(4)
        .enumerate()
        .map(|(k, &i)| {
            let (company, contact, location) = pool[i];
            let tag = format!("supplier{}", i + 1);
            let messenger = (k == shady).then(|| match (lang, rng.usize(..3)) {
                (Lang::En, 0) => "WhatsApp: +86 138 0013 8000".to_string(),
                (Lang::En, 1) => format!("Telegram: @{tag}_demo"),
                (Lang::En, _) => format!("Wickr: {tag}_demo"),
                (Lang::Zh, 0) => "微信/WhatsApp: +86 138 0013 8000".to_string(),
                (Lang::Zh, _) => format!("微信：{tag}_demo"),
                (Lang::Es, _) => unreachable!("suppliers_es"),
            });
            Supplier {
                company: company.to_string(),
                contact: contact.to_string(),
                location: location.to_string(),
                phone: format!("+86 555-01{:02}", 10 + i * 7),
                email: format!("sales@{tag}.example.cn"),
                member: 2012 + rng.u32(..12),
                messenger,
            }
        })
        .collect()
}

/// Four suppliers of a Spanish-language site, one of them shady.
fn suppliers_es(rng: &mut fastrand::Rng) -> Vec<Supplier> {
    let mut idx: Vec<usize> = (0..SUPPLIERS_ES.len()).collect();
    rng.shuffle(&mut idx);
    let shady = rng.usize(..4);
    idx.iter()
        .take(4)
        .enumerate()
        .map(|(k, &i)| {
            let (company, contact, location, phone) = SUPPLIERS_ES[i];
            let tag = format!("proveedor{}", i + 1);
            let messenger = (k == shady).then(|| match rng.usize(..3) {
                0 => "WhatsApp: +86 138 0013 8000".to_string(),
                1 => format!("Telegram: @{tag}_demo"),
                _ => format!("Wickr: {tag}_demo"),
            });
            Supplier {
                company: company.to_string(),
                contact: contact.to_string(),
                location: location.to_string(),
                phone: phone.to_string(),
                email: format!("ventas@{tag}.example.com"),
                member: 2012 + rng.u32(..12),
                messenger,
            }
        })
        .collect()
}

fn label(lang: Lang, key: &str) -> &'static str {
    match (lang, key) {
        (Lang::En, "cas") => "CAS No.",
        (Lang::En, "purity") => "Purity",
        (Lang::En, "appearance") => "Appearance",
        (Lang::En, "package") => "Package",
        (Lang::En, "moq") => "Min. Order",
        (Lang::En, "price") => "Price",
        (Lang::En, "supply") => "Supply Ability",
        (Lang::En, "payment") => "Payment Terms",
        (Lang::En, "supplier") => "Company",
        (Lang::En, "contact") => "Contact Person",
        (Lang::En, "phone") => "Telephone",
        (Lang::En, "email") => "E-mail",
        (Lang::En, "messenger") => "Online contact",
        (Lang::En, "location") => "Location",
        (Lang::En, "member") => "Member since",
        (Lang::Zh, "cas") => "CAS号",
        (Lang::Zh, "purity") => "纯度",
        (Lang::Zh, "appearance") => "外观",
        (Lang::Zh, "package") => "包装",
        (Lang::Zh, "moq") => "起订量",
        (Lang::Zh, "price") => "价格",
        (Lang::Zh, "supply") => "供应能力",
        (Lang::Zh, "payment") => "付款方式",
        (Lang::Zh, "supplier") => "公司名称",
        (Lang::Zh, "contact") => "联系人",
        (Lang::Zh, "phone") => "电话",
        (Lang::Zh, "email") => "邮箱",
        (Lang::Zh, "messenger") => "在线联系",
        (Lang::Zh, "location") => "所在地",
        (Lang::Zh, "member") => "入驻年份",
        (Lang::Es, "cas") => "Número CAS",
        (Lang::Es, "purity") => "Pureza",
        (Lang::Es, "appearance") => "Apariencia",
        (Lang::Es, "package") => "Presentación",
        (Lang::Es, "moq") => "Pedido mínimo",
        (Lang::Es, "price") => "Precio",
        (Lang::Es, "supply") => "Capacidad de suministro",
        (Lang::Es, "payment") => "Forma de pago",
        (Lang::Es, "supplier") => "Empresa",
        (Lang::Es, "contact") => "Contacto",
        (Lang::Es, "phone") => "Teléfono",
        (Lang::Es, "email") => "Correo electrónico",
        (Lang::Es, "messenger") => "Contacto en línea",
        (Lang::Es, "location") => "Ubicación",
        (Lang::Es, "member") => "Miembro desde",
        _ => "",
    }
}

fn field(lang: Lang, key: &'static str, value: impl Into<String>) -> Field {
    Field {
        key,
        label: label(lang, key).to_string(),
        value: value.into(),
    }
}

/// A listing's own content and labels.
struct Planned {
    own: Own,
    cat: Cat,
    slug: String,
    substances: BTreeSet<&'static str>,
    high: bool,
    case: String,
}

fn supplier_fields(lang: Lang, s: &Supplier) -> Vec<Field> {
    let mut v = vec![
        field(lang, "supplier", s.company.clone()),
        field(lang, "contact", s.contact.clone()),
        field(lang, "phone", s.phone.clone()),
        field(lang, "email", s.email.clone()),
    ];
    if let Some(m) = &s.messenger {
        v.push(field(lang, "messenger", m.clone()));
    }
    v.push(field(lang, "location", s.location.clone()));
    v.push(field(lang, "member", s.member.to_string()));
    v
}

/// The name a watched substance is shown by in `lang` (`variant` picks a synonym).
fn watched_name(w: &Watched, lang: Lang, variant: usize) -> String {
    if lang == Lang::Zh && !w.zh.is_empty() && variant.is_multiple_of(2) {
        return w.zh.to_string();
    }
    w.names[variant % w.names.len()].to_string()
}

#[allow(clippy::too_many_arguments)]
fn plan_listing(
    rng: &mut fastrand::Rng,
    lang: Lang,
    kind: Kind,
    tactic: Option<usize>,
    weak: Option<usize>,
    also: Option<usize>,
    sup: &Supplier,
) -> Planned {
    let (generic, generic_titles, tactics, weaks) = match lang {
        Lang::En => (GENERIC_EN, GENERIC_TITLES_EN, TACTICS_EN, WEAK_EN),
        Lang::Zh => (GENERIC_ZH, GENERIC_TITLES_ZH, TACTICS_ZH, WEAK_ZH),
        Lang::Es => (GENERIC_ES, GENERIC_TITLES_ES, TACTICS_ES, WEAK_ES),
    };
    let purity = *pick(rng, &["99%", "99.5%", "98% min", "99.8%"]);
    let (moq, price, package, supply) = match lang {
        Lang::En => (
            *pick(rng, &["1 Kilogram", "100 Gram", "25 Kilogram", "10 Kilogram"]),
            *pick(
                rng,
                &[
                    "US $ 5-50 / Kilogram",
                    "Negotiable",
                    "US $ 120 / Kilogram",
                    "US $ 1.5-3 / Kilogram",
                ],
            ),
            *pick(
                rng,
                &[
                    "1 kg/bag, 25 kg/drum",
                    "25 kg/fiber drum",
                    "200 kg/iron drum",
                    "1 kg/foil bag",
                ],
            ),
            *pick(
                rng,
                &["500 Kilogram/Month", "20 Metric Ton/Month", "1000 Kilogram/Week"],
            ),
        ),
        Lang::Zh => (
            *pick(rng, &["1公斤", "100克", "25公斤"]),
            *pick(rng, &["面议", "50元/公斤", "120元/公斤"]),
            *pick(rng, &["1公斤/袋，25公斤/桶", "25公斤/纸板桶", "200公斤/铁桶"]),
            *pick(rng, &["500公斤/月", "20吨/月"]),
        ),
        Lang::Es => (
            *pick(rng, &["1 kilogramo", "100 gramos", "25 kilogramos", "10 kilogramos"]),
            *pick(
                rng,
                &["US$ 5-50 / kg", "A convenir", "US$ 120 / kg", "MXN $ 2,400 / kg"],
            ),
            *pick(
                rng,
                &[
                    "Bolsa de 1 kg, tambor de 25 kg",
                    "Tambor de fibra de 25 kg",
                    "Tambor de hierro de 200 kg",
                    "Bolsa de aluminio de 1 kg",
                ],
            ),
            *pick(rng, &["500 kg/mes", "20 toneladas/mes", "1000 kg/semana"]),
        ),
    };
    let payment_default = match lang {
        Lang::En => "T/T, L/C",
        Lang::Zh => "银行转账",
        Lang::Es => "Transferencia bancaria (T/T), carta de crédito",
    };
    let mut substances = BTreeSet::new();
    let mut description: Vec<String> = Vec::new();
    let mut specs: Vec<Field> = Vec::new();
    let title;
    let cat;
    let mut case;
    let slug_base;
    let mut payment = payment_default.to_string();
    let mut strong = false;
    match kind {
        Kind::Watched { w, naming } => {
            let wt = &WATCHED[w];
            substances.insert(wt.cas);
            cat = wt.cat;
            case = format!("{} {}", wt.key, naming.as_str());
            slug_base = wt.names[0].to_string();
            let form = match lang {
                Lang::Zh => wt.form_zh,
                Lang::Es => form_es(wt.form),
                Lang::En => wt.form,
            };
            let v = rng.usize(..4);
            let name = watched_name(wt, lang, v);
            let other = watched_name(wt, lang, v + 1);
            let g_title = *pick(rng, generic_titles);
            title = match (naming, lang) {
                (Naming::Full, Lang::En) => match rng.usize(..3) {
                    0 => format!("{name} CAS {} {purity}", wt.cas),
                    1 => format!("Factory supply {name} {purity} {}", form.to_lowercase()),
                    _ => format!("{name}, {purity}, in stock"),
                },
                (Naming::Full, Lang::Zh) => format!("{name} {} 现货供应", wt.cas),
                (Naming::TitleOnly, Lang::En) => format!("{name} {purity}"),
                (Naming::TitleOnly, Lang::Zh) => format!("{name} 厂家直销"),
                (Naming::Full, Lang::Es) => match rng.usize(..3) {
                    0 => format!("{name} CAS {} {purity}", wt.cas),
                    1 => format!("Venta de {name} {purity}, {}", form.to_lowercase()),
                    _ => format!("{name}, pureza {purity}, en existencia"),
                },
                (Naming::TitleOnly, Lang::Es) => format!("{name} {purity}, precio de mayoreo"),
                (_, _) => g_title.to_string(),
            };
            if matches!(naming, Naming::Full | Naming::CasOnly) {
                specs.push(field(lang, "cas", wt.cas));
            }
            let intro = match (naming, lang) {
                (Naming::Full, Lang::En) => Some(format!(
                    "We supply {other} ({name}) with purity {purity}, {}.",
                    form.to_lowercase()
                )),
                (Naming::Full, Lang::Zh) => Some(format!("本公司长期供应{other}，纯度{purity}，{form}。")),
                (Naming::DescOnly, Lang::En) => Some(if rng.bool() {
                    format!("Product name: {name}. CAS: {}. {form}, purity {purity}.", wt.cas)
                } else {
                    format!("We have {name} in stock, {}, purity {purity}.", form.to_lowercase())
                }),
                (Naming::DescOnly, Lang::Zh) => {
                    Some(format!("产品名称：{name}，CAS {}，{form}，纯度{purity}。", wt.cas))
                }
                (Naming::Full, Lang::Es) => Some(format!(
                    "Ofrecemos {other} ({name}) con pureza {purity}, {}.",
                    form.to_lowercase()
                )),
                (Naming::DescOnly, Lang::Es) => Some(if rng.bool() {
                    format!("Nombre del producto: {name}. CAS: {}. {form}, pureza {purity}.", wt.cas)
                } else {
                    format!(
                        "Tenemos {name} en existencia, {}, pureza {purity}.",
                        form.to_lowercase()
                    )
                }),
                _ => None,
            };
            description.extend(intro);
        }
        Kind::Benign(b) => {
            let bn = &BENIGN[b];
            cat = bn.cat;
            case = format!("benign {}", slug(bn.name));
            slug_base = bn.name.to_string();
            let (name, use_text) = match lang {
                Lang::En => (bn.name, bn.use_en),
                Lang::Zh => (bn.zh, bn.use_zh),
                Lang::Es => BENIGN_ES[b],
            };
            title = match lang {
                Lang::Zh => format!("{name} {purity} 厂家直销"),
                _ => format!("{name} {purity}, CAS {}", bn.cas),
            };
            specs.push(field(lang, "cas", bn.cas));
            description.push(use_text.to_string());
        }
        Kind::Hard(h) => {
            let hn = match lang {
                Lang::En => &HARD_EN[h],
                Lang::Zh => &HARD_ZH[h],
                Lang::Es => &HARD_ES[h],
            };
            cat = hn.cat;
            case = format!("hard-negative {}", hn.key);
            slug_base = hn.key.to_string();
            title = hn.title.to_string();
            if !hn.cas.is_empty() {
                specs.push(field(lang, "cas", hn.cas));
            }
            description.extend(hn.description.iter().map(|s| s.to_string()));
            specs.push(field(lang, "appearance", hn.form));
        }
    }
    if !matches!(kind, Kind::Hard(_)) {
        let form = match kind {
            Kind::Watched { w, .. } => match lang {
                Lang::Zh => WATCHED[w].form_zh,
                Lang::Es => form_es(WATCHED[w].form),
                Lang::En => WATCHED[w].form,
            },
            Kind::Benign(b) if lang == Lang::Es => form_es(BENIGN[b].form),
            Kind::Benign(b) => BENIGN[b].form,
            Kind::Hard(_) => "",
        };
        specs.push(field(lang, "purity", purity));
        specs.push(field(lang, "appearance", form));
        specs.push(field(lang, "package", package));
    }
    specs.push(field(lang, "moq", moq));
    specs.push(field(lang, "price", price));
    if !matches!(kind, Kind::Hard(_)) {
        specs.push(field(lang, "supply", supply));
        // Two or three generic sentences.
        let mut g: Vec<&str> = generic.to_vec();
        rng.shuffle(&mut g);
        description.extend(g.iter().take(2 + rng.usize(..2)).map(|s| s.to_string()));
    }
    if let Some(a) = also {
        let aw = &WATCHED[a];
        substances.insert(aw.cas);
        let an = watched_name(aw, lang, rng.usize(..4));
        description.push(match lang {
            Lang::En => format!("We also supply {an} (CAS {}), please ask for the price.", aw.cas),
            Lang::Zh => format!("另外供应{an}（CAS {}），欢迎询价。", aw.cas),
            Lang::Es => format!("También ofrecemos {an} (CAS {}), consulte el precio.", aw.cas),
        });
        case.push_str(&format!(" +also {}", aw.key));
    }
    if let Some(t) = tactic {
        let t = tactics[t % tactics.len()];
        if let Some(p) = t.strip_prefix("Payment: ").or_else(|| t.strip_prefix("Pago: ")) {
            payment = p.trim_end_matches('.').to_string();
        } else {
            description.push(t.to_string());
        }
        strong = true;
        case.push_str(" +tactic");
    }
    if let Some(w) = weak {
        description.push(weaks[w % weaks.len()].to_string());
        case.push_str(" +weak");
    }
    specs.push(field(lang, "payment", payment));
    if sup.messenger.is_some() {
        strong = true;
        case.push_str(" +messenger-supplier");
    }
    let high = strong && !substances.is_empty();
    Planned {
        own: Own {
            title,
            specs,
            description,
            supplier: supplier_fields(lang, sup),
        },
        cat,
        slug: slug(&slug_base),
        substances,
        high,
        case,
    }
}

/// The listings of a site: about 45% watched (40% of those with a strong
/// tactic in the description, some with a shady supplier, some offering a
/// second substance), 20% hard negatives, the rest benign (one in five also
/// offering a watched substance in its description).
fn plan_site(seed: u64, lang: Lang, n: usize) -> Vec<Planned> {
    let mut rng = fastrand::Rng::with_seed(seed ^ 0x5eed_0001);
    let sups = suppliers(&mut rng, lang);
    let normal: Vec<usize> = (0..sups.len()).filter(|&i| sups[i].messenger.is_none()).collect();
    let n_watched = n * 45 / 100;
    let n_hard = (n * 20 / 100).max(1);
    let n_benign = n.saturating_sub(n_watched + n_hard);
    let hard_pool = match lang {
        Lang::En => HARD_EN,
        Lang::Zh => HARD_ZH,
        Lang::Es => HARD_ES,
    };
    let mut w_order: Vec<usize> = (0..WATCHED.len()).collect();
    rng.shuffle(&mut w_order);
    if lang == Lang::Zh {
        // Chinese sites favour substances that have a Chinese name.
        w_order.sort_by_key(|&i| WATCHED[i].zh.is_empty());
    }
    let mut b_order: Vec<usize> = (0..BENIGN.len()).collect();
    rng.shuffle(&mut b_order);
    let mut h_order: Vec<usize> = (0..hard_pool.len()).collect();
    rng.shuffle(&mut h_order);
    let mut namings = [Naming::Full, Naming::TitleOnly, Naming::CasOnly, Naming::DescOnly];
    // (what, strong tactic, weak tactic, second substance)
    type Draft = (Kind, Option<usize>, Option<usize>, Option<usize>);
    let mut kinds: Vec<Draft> = Vec::new();
    for i in 0..n_watched {
        if i % 4 == 0 {
            rng.shuffle(&mut namings);
        }
        let w = w_order[i % w_order.len()];
        let tactic = (i % 5 == 0 || i % 5 == 2).then(|| rng.usize(..16));
        let weak = (rng.usize(..10) < 3).then(|| rng.usize(..4));
        let also = (i % 6 == 3)
            .then(|| w_order[(i + 7) % w_order.len()])
            .filter(|&a| a != w);
        kinds.push((
            Kind::Watched {
                w,
                naming: namings[i % 4],
            },
            tactic,
            weak,
            also,
        ));
    }
    for i in 0..n_benign {
        let also = (i % 5 == 1).then(|| w_order[(i * 3 + 1) % w_order.len()]);
        let weak = (i % 4 == 2).then(|| rng.usize(..4));
        kinds.push((Kind::Benign(b_order[i % b_order.len()]), None, weak, also));
    }
    for i in 0..n_hard {
        kinds.push((Kind::Hard(h_order[i % h_order.len()]), None, None, None));
    }
    rng.shuffle(&mut kinds);
    kinds
        .into_iter()
        .map(|(kind, tactic, weak, also)| {
            let sup = match kind {
                Kind::Hard(_) => &sups[normal[rng.usize(..normal.len())]],
                _ => &sups[rng.usize(..sups.len())],
            };
            plan_listing(&mut rng, lang, kind, tactic, weak, also, sup)
        })
        .collect()
}

/// Chrome pools for one language: (item texts for "hot products"/"also bought", search terms).
struct Pools {
    hot_watched: Vec<String>,
    hot_benign: Vec<String>,
    terms_watched: Vec<String>,
    terms_benign: Vec<String>,
}

fn pools(lang: Lang) -> Pools {
    let mut hot_watched = Vec::new();
    let mut terms_watched: Vec<String> = WATCHED_TERMS.iter().map(|s| s.to_string()).collect();
    for w in WATCHED {
        match lang {
            Lang::En => {
                hot_watched.push(format!("{} 99%", w.names[0]));
                hot_watched.push(format!("{} CAS {}", w.names[w.names.len() - 1], w.cas));
                hot_watched.push(format!("CAS {} in stock", w.cas));
                terms_watched.push(w.names[0].to_lowercase());
                terms_watched.push(w.cas.to_string());
            }
            Lang::Zh => {
                let n = if w.zh.is_empty() { w.names[0] } else { w.zh };
                hot_watched.push(format!("{n} 现货"));
                hot_watched.push(format!("CAS {} 厂家", w.cas));
                terms_watched.push(n.to_string());
                terms_watched.push(w.cas.to_string());
            }
            Lang::Es => {
                hot_watched.push(format!("{} al mejor precio", w.names[0]));
                hot_watched.push(format!("{} CAS {}", w.names[w.names.len() - 1], w.cas));
                hot_watched.push(format!("CAS {} en existencia", w.cas));
                terms_watched.push(w.names[0].to_lowercase());
                terms_watched.push(w.cas.to_string());
                continue;
            }
        }
        if !w.zh.is_empty() {
            hot_watched.push(w.zh.to_string());
            terms_watched.push(w.zh.to_string());
        }
    }
    let (hot_benign, terms_benign): (Vec<String>, Vec<String>) = match lang {
        Lang::En => (
            BENIGN.iter().map(|b| format!("{} factory price", b.name)).collect(),
            BENIGN_TERMS_EN.iter().map(|s| s.to_string()).collect(),
        ),
        Lang::Zh => (
            BENIGN.iter().map(|b| format!("{} 厂家直销", b.zh)).collect(),
            BENIGN_TERMS_ZH.iter().map(|s| s.to_string()).collect(),
        ),
        Lang::Es => (
            BENIGN_ES.iter().map(|b| format!("{} precio de fábrica", b.0)).collect(),
            BENIGN_TERMS_ES.iter().map(|s| s.to_string()).collect(),
        ),
    };
    Pools {
        hot_watched,
        hot_benign,
        terms_watched,
        terms_benign,
    }
}

/// Draws `k` distinct items, about half from `watched`.
fn draw(rng: &mut fastrand::Rng, watched: &[String], benign: &[String], k: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut guard = 0;
    while out.len() < k && guard < 1000 {
        guard += 1;
        let s = if rng.bool() {
            pick(rng, watched)
        } else {
            pick(rng, benign)
        };
        if !out.contains(s) {
            out.push(s.clone());
        }
    }
    out
}

/// Site-wide stable chrome material.
struct SiteChrome {
    menu: Vec<Link>,
    footer: Vec<String>,
}

fn market_name(rng: &mut fastrand::Rng, lang: Lang) -> (String, String) {
    if lang == Lang::Es {
        let a = *pick(rng, &["Quimi", "Insumo", "Reacti", "Latino", "Andes"]);
        let b = *pick(rng, &["Mercado", "Red", "Plaza", "Punto", "Hub"]);
        let n = rng.u32(10..99);
        return (
            format!("{a}{b}{n}"),
            format!("{}{}{n}.example.com", a.to_lowercase(), b.to_lowercase()),
        );
    }
    let a = *pick(rng, &["Chem", "Sino", "Global", "Asia", "Trade", "Pharma", "Best"]);
    let b = *pick(rng, &["Hub", "Source", "Mart", "Link", "Bay", "Net", "Port"]);
    let n = rng.u32(10..99);
    let name = match lang {
        Lang::En => format!("{a}{b}{n}"),
        _ => format!("{a}{b}{n} 化工网"),
    };
    let domain = format!("{}{}{n}.example.com", a.to_lowercase(), b.to_lowercase());
    (name, domain)
}

fn site_footer(rng: &mut fastrand::Rng, lang: Lang, market: &str, domain: &str) -> Vec<String> {
    let handle = slug(market).replace('-', "_");
    match lang {
        Lang::En => {
            let mut v = vec![
                format!(
                    "{market} Customer Service: service@{domain} | Tel/WhatsApp: +86 555-0199 | WeChat: {handle}_service"
                ),
                "Payment methods: T/T, L/C, PayPal, Western Union".to_string(),
            ];
            if rng.bool() {
                v.push(format!("{market} Logistics: door to door delivery to 200+ countries"));
            }
            v.push(format!("Copyright 2025 {market}. All rights reserved."));
            v
        }
        Lang::Zh => {
            let mut v = vec![
                format!("客服热线：+86 555-0199 微信：{handle}_kefu 邮箱：service@{domain}"),
                "支付方式：T/T、L/C、西联汇款".to_string(),
            ];
            if rng.bool() {
                v.push("物流：门到门服务，全球配送".to_string());
            }
            v.push(format!("版权所有 2025 {market}"));
            v
        }
        Lang::Es => {
            let mut v = vec![
                format!(
                    "Atención a clientes {market}: soporte@{domain} | Tel/WhatsApp: +52 55 5550 0199 | Lunes a viernes de 9:00 a 18:00"
                ),
                "Formas de pago: transferencia bancaria, tarjeta de crédito, PayPal, Western Union".to_string(),
            ];
            if rng.bool() {
                v.push(format!(
                    "{market} Envíos: hacemos envíos a todo México y Latinoamérica, puerta a puerta"
                ));
            }
            v.push(format!("© 2025 {market}. Todos los derechos reservados."));
            v
        }
    }
}

/// Builds one site.
pub fn build(spec: &SiteSpec, opts: &Options) -> Site {
    let t = spec.template;
    let lang = t.lang;
    let n = opts.listings.unwrap_or(spec.listings);
    let mut rng = fastrand::Rng::with_seed(spec.seed);
    let (market, domain) = market_name(&mut rng, lang);
    let class: Vec<String> = (0..t.classes.max(1))
        .map(|i| class_name(&mut rng, i, t.obfuscated))
        .collect::<Vec<_>>();
    let categories: Vec<Category> = CATS
        .iter()
        .map(|&c| Category {
            slug: category_slug(c),
            name: category_name(c, lang).to_string(),
        })
        .collect();
    let mut ctx = Ctx {
        market: market.clone(),
        domain: domain.clone(),
        lang,
        charset: t.charset,
        class,
        categories: categories.clone(),
        chrome: opts.chrome,
        quirk: 0,
    };
    let site_chrome = SiteChrome {
        menu: categories
            .iter()
            .map(|c| Link {
                text: c.name.clone(),
                href: (t.category_path)(c.slug, 1),
            })
            .collect(),
        footer: site_footer(&mut rng, lang, &market, &domain),
    };
    let mut planned = plan_site(spec.seed, lang, n);
    if let Some(f) = own_layout(t.name) {
        for p in &mut planned {
            f(&mut p.own);
        }
    }
    if let Some(f) = own_note(t.name) {
        for p in &mut planned {
            if let Some(note) = f(&p.own) {
                p.case.push_str(note);
            }
        }
    }
    let mut listings: Vec<Listing> = Vec::new();
    let mut truths: Vec<Truth> = Vec::new();
    let mut next_id = 1000 + rng.u32(..9000);
    let mut seen_paths = HashSet::new();
    for p in planned {
        next_id += 1 + rng.u32(..40);
        let path = (t.listing_path)(next_id, &p.slug);
        assert!(seen_paths.insert(path.clone()), "duplicate listing path {path}");
        let category = CATS.iter().position(|&c| c == p.cat).unwrap_or(0);
        let flagged = !p.substances.is_empty();
        truths.push(Truth {
            path: path.clone(),
            title: p.own.title.clone(),
            substances: p.substances,
            flagged,
            high: p.high,
            case: p.case,
            own: p.own.pieces(),
            chrome: Vec::new(),
        });
        listings.push(Listing {
            id: next_id,
            path,
            category,
            own: p.own,
        });
    }
    if let Some(l) = listings.get(listings.len() / 3) {
        ctx.quirk = l.id;
        if let Some(note) = quirk_note(t.name) {
            truths[listings.len() / 3].case.push_str(note);
        }
    }
    let pools = pools(lang);
    let mut pages = BTreeMap::new();
    let mut signatures = HashSet::new();
    let term_path = |term: &str| -> Option<String> { t.search_path.map(|f| f(&search_slug(term))) };
    let more_wanted = MORE_TEMPLATES.contains(&t.name);
    let shop_wanted = SHOP_TEMPLATES.contains(&t.name);
    // Chrome for one page: rotating blocks drawn from the page's own seed.
    let make_chrome = |path: &str, cat: Option<usize>, title: Option<&str>, salt: u64| -> Chrome {
        if !opts.chrome {
            return Chrome::default();
        }
        let mut r = fastrand::Rng::with_seed(
            spec.seed
                .wrapping_mul(0x9e37_79b9_7f4a_7c15)
                .wrapping_add(fnv(path.as_bytes()))
                .wrapping_add(opts.rotation.wrapping_mul(0x51_7cc1_b727_220a))
                .wrapping_add(salt.wrapping_mul(0x2545_f491_4f6c_dd1d)),
        );
        let link_term = |term: String| -> Link {
            let href = term_path(&term).unwrap_or_default();
            Link { text: term, href }
        };
        let hot_searches = draw(&mut r, &pools.terms_watched, &pools.terms_benign, 5)
            .into_iter()
            .map(link_term)
            .collect();
        let hot_products = draw(&mut r, &pools.hot_watched, &pools.hot_benign, 6)
            .into_iter()
            .map(link_term)
            .collect();
        let also_bought = draw(&mut r, &pools.hot_watched, &pools.hot_benign, 4)
            .into_iter()
            .map(link_term)
            .collect();
        let mut related = Vec::new();
        let mut guard = 0;
        while related.len() < 4 && guard < 100 && listings.len() > 1 {
            guard += 1;
            let l = &listings[r.usize(..listings.len())];
            if l.path == path || related.iter().any(|(x, _): &(Link, String)| x.href == l.path) {
                continue;
            }
            let price = l
                .own
                .spec("price")
                .map(|f| f.value.clone())
                .unwrap_or_else(|| "Negotiable".into());
            related.push((
                Link {
                    text: l.own.title.clone(),
                    href: l.path.clone(),
                },
                price,
            ));
        }
        let recent = draw(&mut r, &pools.terms_watched, &pools.terms_benign, 8);
        let trending = draw(&mut r, &pools.terms_watched, &pools.terms_benign, 10);
        let mut crumbs = Vec::new();
        if let Some(c) = cat {
            crumbs.push(Link {
                text: match lang {
                    Lang::En => "Home".into(),
                    Lang::Zh => "首页".into(),
                    Lang::Es => "Inicio".into(),
                },
                href: "/".into(),
            });
            crumbs.push(site_chrome.menu[c].clone());
            if let Some(title) = title {
                crumbs.push(Link {
                    text: title.to_string(),
                    href: String::new(),
                });
            }
        }
        // Drawn last, and only for the templates that show it, so that the
        // other templates' pages and chrome lists stay as they were.
        let mut more: Vec<(Link, String)> = Vec::new();
        let mut guard = 0;
        while more_wanted && more.len() < 8 && guard < 200 && listings.len() > 12 {
            guard += 1;
            let l = &listings[r.usize(..listings.len())];
            if l.path == path
                || related
                    .iter()
                    .chain(&more)
                    .any(|(x, _): &(Link, String)| x.href == l.path)
            {
                continue;
            }
            more.push((
                Link {
                    text: l.own.title.clone(),
                    href: l.path.clone(),
                },
                l.own.spec("price").map(|f| f.value.clone()).unwrap_or_default(),
            ));
        }
        // The same supplier's other listings: drawn after everything else,
        // and only for the templates whose supplier card shows them.
        let mut shop: Vec<(Link, String)> = Vec::new();
        if let Some(me) = listings.iter().find(|l| shop_wanted && l.path == path) {
            let mut mine: Vec<&Listing> = listings
                .iter()
                .filter(|l| l.path != path && company_of(&l.own) == company_of(&me.own))
                .collect();
            r.shuffle(&mut mine);
            shop = mine
                .into_iter()
                .take(5)
                .map(|l| {
                    (
                        Link {
                            text: l.own.title.clone(),
                            href: l.path.clone(),
                        },
                        l.own.spec("price").map(|f| f.value.clone()).unwrap_or_default(),
                    )
                })
                .collect();
        }
        Chrome {
            hot_searches,
            menu: site_chrome.menu.clone(),
            crumbs,
            hot_products,
            related,
            also_bought,
            recent,
            trending,
            footer: site_chrome.footer.clone(),
            more,
            shop,
        }
    };
    // Listing pages.
    let mut chromes: Vec<Chrome> = Vec::new();
    for l in &listings {
        let mut salt = 0;
        let ch = loop {
            let ch = make_chrome(&l.path, Some(l.category), Some(&l.own.title), salt);
            if !opts.chrome || signatures.insert(ch.signature()) {
                break ch;
            }
            salt += 1;
        };
        chromes.push(ch);
    }
    for ((l, ch), truth) in listings.iter().zip(&chromes).zip(truths.iter_mut()) {
        truth.chrome = ch.texts();
        let html = (t.listing)(&ctx, l, ch);
        pages.insert(l.path.clone(), page(&html, t.charset, opts, spec.seed));
    }
    if let Some(f) = extra_pages(t.name) {
        for l in &listings {
            if let Some((path, html)) = f(&ctx, l) {
                pages.insert(path, page(&html, t.charset, opts, spec.seed));
            }
        }
    }
    // Category pages, 6 listings a page.
    const PER_PAGE: usize = 6;
    for (ci, c) in categories.iter().enumerate() {
        let items: Vec<&Listing> = listings.iter().filter(|l| l.category == ci).collect();
        let n_pages = items.len().div_ceil(PER_PAGE).max(1);
        for p in 1..=n_pages {
            let path = (t.category_path)(c.slug, p);
            let mut pager = Vec::new();
            if p > 1 {
                pager.push(Link {
                    text: match lang {
                        Lang::En => "Prev",
                        Lang::Zh => "上一页",
                        Lang::Es => "Anterior",
                    }
                    .into(),
                    href: (t.category_path)(c.slug, p - 1),
                });
            }
            for q in 1..=n_pages {
                pager.push(Link {
                    text: q.to_string(),
                    href: (t.category_path)(c.slug, q),
                });
            }
            if p < n_pages {
                pager.push(Link {
                    text: match lang {
                        Lang::En => "Next",
                        Lang::Zh => "下一页",
                        Lang::Es => "Siguiente",
                    }
                    .into(),
                    href: (t.category_path)(c.slug, p + 1),
                });
            }
            let idx = Index {
                heading: c.name.clone(),
                intro: match lang {
                    Lang::En => format!("{} products in {}", items.len(), c.name),
                    Lang::Zh => format!("共{}个产品", items.len()),
                    Lang::Es => format!("{} productos en {}", items.len(), c.name),
                },
                items: items
                    .iter()
                    .skip((p - 1) * PER_PAGE)
                    .take(PER_PAGE)
                    .map(|l| item_of(l))
                    .collect(),
                pager,
            };
            let ch = make_chrome(&path, Some(ci), None, 0);
            pages.insert(path, page(&(t.index)(&ctx, &idx, &ch), t.charset, opts, spec.seed));
        }
    }
    // Home.
    {
        let ch = make_chrome("/", None, None, 0);
        let idx = Index {
            heading: match lang {
                Lang::En => format!("Welcome to {market}"),
                Lang::Zh => format!("欢迎来到{market}"),
                Lang::Es => format!("Bienvenido a {market}"),
            },
            intro: match lang {
                Lang::En => "Browse suppliers of chemicals and raw materials by category.".into(),
                Lang::Zh => "按分类浏览化工原料供应商。".into(),
                Lang::Es => "Encuentre proveedores de químicos y materias primas por categoría.".into(),
            },
            items: categories
                .iter()
                .map(|c| {
                    (
                        Link {
                            text: c.name.clone(),
                            href: (t.category_path)(c.slug, 1),
                        },
                        String::new(),
                    )
                })
                .collect(),
            pager: Vec::new(),
        };
        pages.insert(
            "/".into(),
            page(&(t.index)(&ctx, &idx, &ch), t.charset, opts, spec.seed),
        );
    }
    // A search results page for every chrome term and item (whether or not a page links to it).
    if t.search_path.is_some() {
        let terms = pools
            .terms_watched
            .iter()
            .chain(&pools.terms_benign)
            .chain(&pools.hot_watched)
            .chain(&pools.hot_benign);
        for term in terms {
            let Some(path) = term_path(term) else {
                continue;
            };
            if pages.contains_key(&path) {
                continue;
            }
            let mut r = fastrand::Rng::with_seed(spec.seed ^ fnv(term.as_bytes()));
            let items: Vec<(Link, String)> = (0..3).map(|_| item_of(&listings[r.usize(..listings.len())])).collect();
            let idx = Index {
                heading: match lang {
                    Lang::En => format!("Search results for \"{term}\""),
                    Lang::Zh => format!("“{term}”的搜索结果"),
                    Lang::Es => format!("Resultados de búsqueda para \"{term}\""),
                },
                intro: String::new(),
                items,
                pager: Vec::new(),
            };
            let ch = make_chrome(&path, None, None, 0);
            pages.insert(path, page(&(t.index)(&ctx, &idx, &ch), t.charset, opts, spec.seed));
        }
    }
    let selectors = t.selectors.map(|f| f(&ctx)).unwrap_or_default();
    Site {
        name: spec.name.clone(),
        template: t.name,
        lang,
        listing_re: t.listing_re.to_string(),
        selectors,
        pages,
        listings: truths,
    }
}

/// The search slug of a term: its ASCII slug, or a hash when it is not all ASCII.
pub fn search_slug(term: &str) -> String {
    if term.is_ascii() && !slug(term).is_empty() {
        slug(term)
    } else {
        format!("k{:x}", fnv(term.as_bytes()) & 0xff_ffff)
    }
}

fn item_of(l: &Listing) -> (Link, String) {
    let price = l.own.spec("price").map(|f| f.value.clone()).unwrap_or_default();
    (
        Link {
            text: l.own.title.clone(),
            href: l.path.clone(),
        },
        price,
    )
}

fn class_name(rng: &mut fastrand::Rng, i: usize, obfuscated: bool) -> String {
    const LETTERS: &[u8] = b"abcdefghjkmnpqrstuvwxyz";
    if !obfuscated {
        return format!("k{i}");
    }
    let l = |rng: &mut fastrand::Rng| LETTERS[rng.usize(..LETTERS.len())] as char;
    match rng.usize(..3) {
        0 => format!("c-{}{}{}{i}", rng.u8(1..10), l(rng), rng.u8(1..10)),
        1 => format!("b{i}lk{}{}", rng.u8(1..10), l(rng)),
        _ => format!("_{}{}{}{i}", l(rng), rng.u8(1..10), l(rng)),
    }
}

fn page(html: &str, charset: Charset, opts: &Options, seed: u64) -> Page {
    let (body, content_type) = match charset {
        Charset::Utf8 => (html.as_bytes().to_vec(), "text/html; charset=utf-8".to_string()),
        Charset::Gbk => {
            let (b, _, errors) = encoding_rs::GBK.encode(html);
            assert!(!errors, "page has characters GBK cannot encode");
            (b.into_owned(), "text/html; charset=GBK".to_string())
        }
        Charset::GbkMetaOnly => {
            let (b, _, errors) = encoding_rs::GBK.encode(html);
            assert!(!errors, "page has characters GBK cannot encode");
            (b.into_owned(), "text/html".to_string())
        }
    };
    let (etag, last_modified) = if opts.validators {
        let secs = 1_735_700_000 + (seed % 1000) * 3600 + opts.rotation * 86_400;
        let lm = httpdate::fmt_http_date(std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs));
        (Some(format!("\"{:016x}\"", fnv(&body))), Some(lm))
    } else {
        (None, None)
    };
    Page {
        content_type,
        body,
        etag,
        last_modified,
    }
}

// ---------------------------------------------------------------------------
// Rendering helpers shared by templates
// ---------------------------------------------------------------------------

/// `<a href=..>text</a>` (a `<span>` when the link has no target).
pub fn a(l: &Link) -> String {
    if l.href.is_empty() {
        format!("<span>{}</span>", esc(&l.text))
    } else {
        format!("<a href=\"{}\">{}</a>", esc(&l.href), esc(&l.text))
    }
}

/// Joins links with a separator.
pub fn links(v: &[Link], sep: &str) -> String {
    v.iter().map(a).collect::<Vec<_>>().join(sep)
}

/// Plain text terms joined.
pub fn plain(v: &[String], sep: &str) -> String {
    v.iter().map(|s| esc(s)).collect::<Vec<_>>().join(sep)
}

fn lang_attr(l: Lang) -> &'static str {
    match l {
        Lang::En => "en",
        Lang::Zh => "zh-CN",
        Lang::Es => "es-MX",
    }
}

// ---------------------------------------------------------------------------
// Tune templates
// ---------------------------------------------------------------------------

/// `html5`: HTML5 semantic layout (header / nav / main / aside / footer),
/// readable class names, hot searches as links, breadcrumbs, sidebar with hot
/// products, related products and "people also bought", footer with trending
/// keywords (links) and the marketplace's contact.
pub static HTML5: Template = Template {
    name: "html5",
    lang: Lang::En,
    charset: Charset::Utf8,
    listing_re: "^/product/",
    listing_path: |id, s| format!("/product/{s}-{id}.html"),
    category_path: |s, n| {
        if n == 1 {
            format!("/category/{s}")
        } else {
            format!("/category/{s}?page={n}")
        }
    },
    search_path: Some(|q| format!("/search?q={q}")),
    listing: html5_listing,
    index: html5_index,
    selectors: Some(|_| {
        vec![
            ("title".into(), "h1.product-title".into()),
            ("description".into(), "section.product-description".into()),
            ("cas".into(), "td.spec-cas".into()),
            ("price".into(), "td.spec-price".into()),
            ("payment".into(), "td.spec-payment".into()),
            ("supplier".into(), "section.supplier-info".into()),
        ]
    }),
    classes: 1,
    obfuscated: false,
};

fn html5_head(ctx: &Ctx, title: &str, canonical: Option<&str>) -> String {
    let mut s = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n{}\n<title>{} | {}</title>\n",
        lang_attr(ctx.lang),
        ctx.meta_charset(),
        esc(title),
        esc(&ctx.market)
    );
    if let Some(c) = canonical {
        let _ = writeln!(s, "<link rel=\"canonical\" href=\"{}\">", esc(c));
    }
    s.push_str("<link rel=\"stylesheet\" href=\"/static/site.css\">\n</head>\n");
    s
}

fn html5_header(ctx: &Ctx, ch: &Chrome, s: &mut String) {
    let _ = write!(
        s,
        "<header class=\"site-header\">\n<a class=\"logo\" href=\"/\">{}</a>\n<form class=\"search\" action=\"/search\"><input type=\"text\" name=\"q\" placeholder=\"Product name or CAS\"><button type=\"submit\">Search</button></form>\n",
        esc(&ctx.market)
    );
    if !ch.hot_searches.is_empty() {
        let _ = writeln!(
            s,
            "<div class=\"hot-searches\"><span>Hot searches:</span> {}</div>",
            links(&ch.hot_searches, " ")
        );
    }
    s.push_str("</header>\n");
    if !ch.menu.is_empty() {
        s.push_str("<nav class=\"category-menu\">\n<h2>All Categories</h2>\n<ul>\n");
        for l in &ch.menu {
            let _ = writeln!(s, "<li>{}</li>", a(l));
        }
        s.push_str("</ul>\n</nav>\n");
    }
}

fn html5_aside_footer(ch: &Chrome, s: &mut String) {
    if !ch.hot_products.is_empty() || !ch.related.is_empty() || !ch.also_bought.is_empty() {
        s.push_str("<aside class=\"sidebar\">\n");
        if !ch.hot_products.is_empty() {
            s.push_str("<section class=\"hot-products\">\n<h3>Hot Products</h3>\n<ul>\n");
            for l in &ch.hot_products {
                let _ = writeln!(s, "<li>{}</li>", a(l));
            }
            s.push_str("</ul>\n</section>\n");
        }
        if !ch.related.is_empty() {
            s.push_str("<section class=\"related-products\">\n<h3>Related Products</h3>\n<ul>\n");
            for (l, p) in &ch.related {
                let _ = writeln!(s, "<li>{} <span class=\"price\">{}</span></li>", a(l), esc(p));
            }
            s.push_str("</ul>\n</section>\n");
        }
        if !ch.also_bought.is_empty() {
            s.push_str("<section class=\"also-bought\">\n<h3>People Also Bought</h3>\n<ul>\n");
            for l in &ch.also_bought {
                let _ = writeln!(s, "<li>{}</li>", a(l));
            }
            s.push_str("</ul>\n</section>\n");
        }
        s.push_str("</aside>\n");
    }
    if !ch.trending.is_empty() || !ch.footer.is_empty() {
        s.push_str("<footer class=\"site-footer\">\n");
        if !ch.trending.is_empty() {
            let tl: Vec<Link> = ch
                .trending
                .iter()
                .map(|t| Link {
                    text: t.clone(),
                    href: format!("/search?q={}", search_slug(t)),
                })
                .collect();
            let _ = writeln!(
                s,
                "<div class=\"trending\"><h4>Trending Keywords</h4><p>{}</p></div>",
                links(&tl, " | ")
            );
        }
        for f in &ch.footer {
            let _ = writeln!(s, "<p class=\"footer-line\">{}</p>", esc(f));
        }
        s.push_str("</footer>\n");
    }
}

fn html5_listing(ctx: &Ctx, l: &Listing, ch: &Chrome) -> String {
    let o = &l.own;
    let mut s = html5_head(ctx, &o.title, Some(&l.path));
    s.push_str("<body>\n");
    html5_header(ctx, ch, &mut s);
    s.push_str("<main class=\"content\">\n");
    if !ch.crumbs.is_empty() {
        s.push_str("<nav class=\"breadcrumb\" aria-label=\"breadcrumb\"><ol>");
        for c in &ch.crumbs {
            let _ = write!(s, "<li>{}</li>", a(c));
        }
        s.push_str("</ol></nav>\n");
    }
    let _ = write!(
        s,
        "<article class=\"product-detail\">\n<h1 class=\"product-title\">{}</h1>\n<table class=\"product-specs\"><tbody>\n",
        esc(&o.title)
    );
    for f in &o.specs {
        let _ = writeln!(
            s,
            "<tr><th>{}</th><td class=\"spec-{}\">{}</td></tr>",
            esc(&f.label),
            f.key,
            esc(&f.value)
        );
    }
    s.push_str("</tbody></table>\n<section class=\"product-description\">\n<h2>Product Description</h2>\n");
    for p in &o.description {
        let _ = writeln!(s, "<p>{}</p>", esc(p));
    }
    s.push_str("</section>\n<section class=\"supplier-info\">\n<h2>Supplier</h2>\n<dl>\n");
    for f in &o.supplier {
        let _ = writeln!(
            s,
            "<dt>{}</dt><dd class=\"supplier-{}\">{}</dd>",
            esc(&f.label),
            f.key,
            esc(&f.value)
        );
    }
    s.push_str("</dl>\n</section>\n</article>\n</main>\n");
    html5_aside_footer(ch, &mut s);
    s.push_str("</body>\n</html>\n");
    s
}

fn html5_index(ctx: &Ctx, idx: &Index, ch: &Chrome) -> String {
    let mut s = html5_head(ctx, &idx.heading, None);
    s.push_str("<body>\n");
    html5_header(ctx, ch, &mut s);
    let _ = write!(
        s,
        "<main class=\"content\">\n<h1>{}</h1>\n<p>{}</p>\n<ul class=\"product-list\">\n",
        esc(&idx.heading),
        esc(&idx.intro)
    );
    for (l, p) in &idx.items {
        let _ = writeln!(s, "<li>{} <span class=\"price\">{}</span></li>", a(l), esc(p));
    }
    let _ = writeln!(
        s,
        "</ul>\n<nav class=\"pager\">{}</nav>\n</main>",
        links(&idx.pager, " ")
    );
    html5_aside_footer(ch, &mut s);
    s.push_str("</body>\n</html>\n");
    s
}

/// `divsoup`: nothing but `<div>`/`<span>` with per-site obfuscated class
/// names (`c-7x2`, `b3lk7q`, `_q9z4`), no `<h1>`; the title is a styled div;
/// "related products" sits INSIDE the main column after the description, and
/// "recent searches" is plain text there too; hot products in a left column;
/// trending keywords in the footer as plain text.
pub static DIVSOUP: Template = Template {
    name: "divsoup",
    lang: Lang::En,
    charset: Charset::Utf8,
    listing_re: r"^/p/\d+/",
    listing_path: |id, s| format!("/p/{id}/{s}"),
    category_path: |s, n| format!("/list/{s}_{n}.html"),
    search_path: Some(|q| format!("/s/{q}")),
    listing: divsoup_listing,
    index: divsoup_index,
    selectors: Some(|ctx| {
        vec![
            ("title".into(), format!("div.{}", ctx.c(D_TITLE))),
            ("description".into(), format!("div.{}", ctx.c(D_DESC))),
            ("specs".into(), format!("div.{}", ctx.c(D_SPECS))),
            ("supplier".into(), format!("div.{}", ctx.c(D_SUP))),
        ]
    }),
    classes: 24,
    obfuscated: true,
};

const D_WRAP: usize = 0;
const D_TOP: usize = 1;
const D_LOGO: usize = 2;
const D_MENU: usize = 3;
const D_ROW: usize = 4;
const D_SIDE: usize = 5;
const D_MAIN: usize = 6;
const D_CRUMB: usize = 7;
const D_TITLE: usize = 8;
const D_SPECS: usize = 9;
const D_K: usize = 10;
const D_V: usize = 11;
const D_DESC: usize = 12;
const D_SUP: usize = 13;
const D_SUPNAME: usize = 14;
const D_REL: usize = 15;
const D_RELI: usize = 16;
const D_RECENT: usize = 17;
const D_FOOT: usize = 18;
const D_TREND: usize = 19;
const D_HOT: usize = 20;
const D_ITEM: usize = 21;
const D_HD: usize = 22;
const D_BOX: usize = 23;

fn divsoup_top(ctx: &Ctx, ch: &Chrome, s: &mut String) {
    let _ = write!(
        s,
        "<div class=\"{}\"><div class=\"{}\"><a href=\"/\">{}</a></div><div class=\"{}\"><input name=\"kw\" placeholder=\"Search\"></div>",
        ctx.c(D_TOP),
        ctx.c(D_LOGO),
        esc(&ctx.market),
        ctx.c(D_BOX)
    );
    if !ch.hot_searches.is_empty() {
        let _ = write!(
            s,
            "<div class=\"{}\">{}</div>",
            ctx.c(D_HD),
            links(&ch.hot_searches, " ")
        );
    }
    s.push_str("</div>\n");
    if !ch.menu.is_empty() {
        let _ = write!(s, "<div class=\"{}\">", ctx.c(D_MENU));
        for l in &ch.menu {
            let _ = write!(s, "<div class=\"{}\">{}</div>", ctx.c(D_ITEM), a(l));
        }
        s.push_str("</div>\n");
    }
}

fn divsoup_side(ctx: &Ctx, ch: &Chrome, s: &mut String) {
    let _ = write!(s, "<div class=\"{}\">", ctx.c(D_SIDE));
    if !ch.hot_products.is_empty() {
        let _ = write!(
            s,
            "<div class=\"{}\"><div class=\"{}\">Hot Products</div>",
            ctx.c(D_HOT),
            ctx.c(D_HD)
        );
        for l in &ch.hot_products {
            let _ = write!(s, "<div class=\"{}\">{}</div>", ctx.c(D_ITEM), a(l));
        }
        s.push_str("</div>");
    }
    if !ch.also_bought.is_empty() {
        let _ = write!(
            s,
            "<div class=\"{}\"><div class=\"{}\">People Also Bought</div>",
            ctx.c(D_HOT),
            ctx.c(D_HD)
        );
        for l in &ch.also_bought {
            let _ = write!(s, "<div class=\"{}\">{}</div>", ctx.c(D_ITEM), a(l));
        }
        s.push_str("</div>");
    }
    s.push_str("</div>\n");
}

fn divsoup_foot(ctx: &Ctx, ch: &Chrome, s: &mut String) {
    if ch.trending.is_empty() && ch.footer.is_empty() {
        return;
    }
    let _ = write!(s, "<div class=\"{}\">", ctx.c(D_FOOT));
    if !ch.trending.is_empty() {
        let _ = write!(
            s,
            "<div class=\"{}\">Trending: {}</div>",
            ctx.c(D_TREND),
            plain(&ch.trending, " &middot; ")
        );
    }
    for f in &ch.footer {
        let _ = write!(s, "<div>{}</div>", esc(f));
    }
    s.push_str("</div>\n");
}

fn divsoup_listing(ctx: &Ctx, l: &Listing, ch: &Chrome) -> String {
    let o = &l.own;
    let mut s = format!(
        "<html><head>{}<title>{} - {}</title></head><body><div class=\"{}\">\n",
        ctx.meta_charset(),
        esc(&o.title),
        esc(&ctx.market),
        ctx.c(D_WRAP)
    );
    divsoup_top(ctx, ch, &mut s);
    let _ = write!(s, "<div class=\"{}\">", ctx.c(D_ROW));
    divsoup_side(ctx, ch, &mut s);
    let _ = write!(s, "<div class=\"{}\">", ctx.c(D_MAIN));
    if !ch.crumbs.is_empty() {
        let _ = write!(
            s,
            "<div class=\"{}\">{}</div>",
            ctx.c(D_CRUMB),
            links(&ch.crumbs, " / ")
        );
    }
    let _ = write!(s, "<div class=\"{}\">{}</div>", ctx.c(D_TITLE), esc(&o.title));
    let _ = write!(s, "<div class=\"{}\">", ctx.c(D_SPECS));
    for f in &o.specs {
        let _ = write!(
            s,
            "<div><span class=\"{}\">{}:</span> <span class=\"{}\">{}</span></div>",
            ctx.c(D_K),
            esc(&f.label),
            ctx.c(D_V),
            esc(&f.value)
        );
    }
    s.push_str("</div>");
    let _ = write!(
        s,
        "<div class=\"{}\">{}</div>",
        ctx.c(D_DESC),
        o.description
            .iter()
            .map(|p| esc(p))
            .collect::<Vec<_>>()
            .join("<br><br>")
    );
    let _ = write!(s, "<div class=\"{}\">", ctx.c(D_SUP));
    for f in &o.supplier {
        let cls = if f.key == "supplier" {
            ctx.c(D_SUPNAME)
        } else {
            ctx.c(D_V)
        };
        let _ = write!(
            s,
            "<div>{}: <span class=\"{}\">{}</span></div>",
            esc(&f.label),
            cls,
            esc(&f.value)
        );
    }
    s.push_str("</div>");
    if !ch.related.is_empty() {
        let _ = write!(
            s,
            "<div class=\"{}\"><div class=\"{}\">Related Products</div>",
            ctx.c(D_REL),
            ctx.c(D_HD)
        );
        for (l, p) in &ch.related {
            let _ = write!(
                s,
                "<div class=\"{}\">{} <span>{}</span></div>",
                ctx.c(D_RELI),
                a(l),
                esc(p)
            );
        }
        s.push_str("</div>");
    }
    if !ch.recent.is_empty() {
        let _ = write!(
            s,
            "<div class=\"{}\">Recent searches: {}</div>",
            ctx.c(D_RECENT),
            plain(&ch.recent, ", ")
        );
    }
    s.push_str("</div></div>\n");
    divsoup_foot(ctx, ch, &mut s);
    s.push_str("</div></body></html>\n");
    s
}

fn divsoup_index(ctx: &Ctx, idx: &Index, ch: &Chrome) -> String {
    let mut s = format!(
        "<html><head>{}<title>{} - {}</title></head><body><div class=\"{}\">\n",
        ctx.meta_charset(),
        esc(&idx.heading),
        esc(&ctx.market),
        ctx.c(D_WRAP)
    );
    divsoup_top(ctx, ch, &mut s);
    let _ = write!(s, "<div class=\"{}\">", ctx.c(D_ROW));
    divsoup_side(ctx, ch, &mut s);
    let _ = write!(
        s,
        "<div class=\"{}\"><div class=\"{}\">{}</div><div>{}</div>",
        ctx.c(D_MAIN),
        ctx.c(D_TITLE),
        esc(&idx.heading),
        esc(&idx.intro)
    );
    for (l, p) in &idx.items {
        let _ = write!(
            s,
            "<div class=\"{}\">{} <span>{}</span></div>",
            ctx.c(D_RELI),
            a(l),
            esc(p)
        );
    }
    let _ = write!(s, "<div>{}</div>", links(&idx.pager, " "));
    s.push_str("</div></div>\n");
    divsoup_foot(ctx, ch, &mut s);
    s.push_str("</div></body></html>\n");
    s
}

/// `table`: an old table layout (upper-case tags, `<FONT>`, no classes):
/// banner row with hot searches (links), left column with the category menu
/// and plain-text recent searches, centre column with a text breadcrumb and
/// the product, right column with hot products, bottom row with plain-text
/// trending keywords and the contact. No selectors (nothing to select by).
pub static TABLE: Template = Template {
    name: "table",
    lang: Lang::En,
    charset: Charset::Utf8,
    listing_re: r"^/showproduct\.asp\?id=",
    listing_path: |id, _| format!("/showproduct.asp?id={id}"),
    category_path: |s, n| format!("/productlist.asp?cat={s}&page={n}"),
    search_path: Some(|q| format!("/search.asp?key={q}")),
    listing: table_listing,
    index: table_index,
    selectors: None,
    classes: 1,
    obfuscated: false,
};

fn table_open(ctx: &Ctx, title: &str, ch: &Chrome, s: &mut String) {
    let _ = write!(
        s,
        "<HTML><HEAD>{}<TITLE>{} -- {}</TITLE></HEAD>\n<BODY BGCOLOR=\"#FFFFFF\" TOPMARGIN=0>\n<TABLE WIDTH=980 BORDER=0 CELLPADDING=0 CELLSPACING=0 ALIGN=CENTER>\n<TR><TD COLSPAN=3 BGCOLOR=\"#003366\"><FONT COLOR=\"#FFFFFF\" SIZE=5><B>{}</B></FONT>",
        ctx.meta_charset(),
        esc(title),
        esc(&ctx.market),
        esc(&ctx.market)
    );
    if !ch.hot_searches.is_empty() {
        let _ = write!(
            s,
            "<BR><FONT COLOR=\"#FFFFFF\" SIZE=2>Hot Search: {}</FONT>",
            links(&ch.hot_searches, " &nbsp; ")
        );
    }
    s.push_str("</TD></TR>\n<TR><TD WIDTH=180 VALIGN=TOP BGCOLOR=\"#EEEEEE\">");
    if !ch.menu.is_empty() {
        s.push_str("<TABLE WIDTH=100%><TR><TD><B>Product Categories</B></TD></TR>");
        for l in &ch.menu {
            let _ = write!(s, "<TR><TD>&raquo; {}</TD></TR>", a(l));
        }
        s.push_str("</TABLE>");
    }
    if !ch.recent.is_empty() {
        let _ = write!(
            s,
            "<P><B>Recent Searches</B><BR><FONT SIZE=1>{}</FONT></P>",
            plain(&ch.recent, "<BR>")
        );
    }
    s.push_str("&nbsp;</TD>\n<TD WIDTH=600 VALIGN=TOP>");
}

fn table_close(ch: &Chrome, s: &mut String) {
    s.push_str("</TD>\n<TD WIDTH=200 VALIGN=TOP>");
    if !ch.hot_products.is_empty() {
        s.push_str("<TABLE WIDTH=100% BORDER=1><TR><TD BGCOLOR=\"#FFCC00\"><B>Hot Products</B></TD></TR>");
        for l in &ch.hot_products {
            let _ = write!(s, "<TR><TD>{}</TD></TR>", a(l));
        }
        s.push_str("</TABLE>");
    }
    if !ch.also_bought.is_empty() {
        s.push_str("<P><B>Buyers Also Viewed</B><BR>");
        for l in &ch.also_bought {
            let _ = write!(s, "{}<BR>", a(l));
        }
        s.push_str("</P>");
    }
    s.push_str("&nbsp;</TD></TR>\n<TR><TD COLSPAN=3 ALIGN=CENTER><FONT SIZE=1>");
    if !ch.trending.is_empty() {
        let _ = write!(s, "Trending keywords: {}<BR>", plain(&ch.trending, " , "));
    }
    for f in &ch.footer {
        let _ = write!(s, "{}<BR>", esc(f));
    }
    s.push_str("</FONT></TD></TR>\n</TABLE>\n</BODY></HTML>\n");
}

fn table_listing(ctx: &Ctx, l: &Listing, ch: &Chrome) -> String {
    let o = &l.own;
    let mut s = String::new();
    table_open(ctx, &o.title, ch, &mut s);
    if !ch.crumbs.is_empty() {
        let crumbs: Vec<String> = ch.crumbs.iter().map(|c| esc(&c.text)).collect();
        let _ = write!(
            s,
            "<FONT SIZE=2>Your position: {}</FONT><BR><BR>",
            crumbs.join(" &gt;&gt; ")
        );
    }
    let _ = write!(s, "<FONT SIZE=4 COLOR=\"#CC0000\"><B>{}</B></FONT><BR>", esc(&o.title));
    s.push_str("<TABLE WIDTH=100% BORDER=1 CELLPADDING=3>");
    for f in &o.specs {
        let _ = write!(
            s,
            "<TR><TD WIDTH=120 BGCOLOR=\"#F0F0F0\">{}:</TD><TD>{}</TD></TR>",
            esc(&f.label),
            esc(&f.value)
        );
    }
    s.push_str("</TABLE><BR><B>Detailed Description</B><BR>");
    for p in &o.description {
        let _ = write!(s, "{}<BR>", esc(p));
    }
    s.push_str("<BR><TABLE WIDTH=100% BORDER=0><TR><TD COLSPAN=2><B>Contact Information</B></TD></TR>");
    for f in &o.supplier {
        let _ = write!(
            s,
            "<TR><TD WIDTH=120>{}:</TD><TD>{}</TD></TR>",
            esc(&f.label),
            esc(&f.value)
        );
    }
    s.push_str("</TABLE>");
    table_close(ch, &mut s);
    s
}

fn table_index(ctx: &Ctx, idx: &Index, ch: &Chrome) -> String {
    let mut s = String::new();
    table_open(ctx, &idx.heading, ch, &mut s);
    let _ = write!(
        s,
        "<FONT SIZE=4><B>{}</B></FONT><BR>{}<BR><TABLE WIDTH=100%>",
        esc(&idx.heading),
        esc(&idx.intro)
    );
    for (l, p) in &idx.items {
        let _ = write!(s, "<TR><TD>{}</TD><TD>{}</TD></TR>", a(l), esc(p));
    }
    let _ = write!(s, "</TABLE><BR>{}", links(&idx.pager, " | "));
    table_close(ch, &mut s);
    s
}

/// `zh-utf8`: a Chinese-language site in UTF-8 with pinyin class names:
/// 热门搜索 (links) in the header, 产品分类 menu, 面包屑, 热门产品 and 相关产品
/// in a right column, 热门关键词 as plain text in the footer, 客服 contact.
pub static ZH_UTF8: Template = Template {
    name: "zh-utf8",
    lang: Lang::Zh,
    charset: Charset::Utf8,
    listing_re: r"^/chanpin/\d+\.html$",
    listing_path: |id, _| format!("/chanpin/{id}.html"),
    category_path: |s, n| format!("/fenlei/{s}/{n}.html"),
    search_path: Some(|q| format!("/sousuo?kw={q}")),
    listing: zh_listing,
    index: zh_index,
    selectors: Some(|_| {
        vec![
            ("title".into(), "h1.cpmc".into()),
            ("description".into(), "div.cpms".into()),
            ("cas".into(), "td.cs-cas".into()),
            ("payment".into(), "td.cs-payment".into()),
            ("supplier".into(), "div.gs".into()),
        ]
    }),
    classes: 1,
    obfuscated: false,
};

fn zh_top(ctx: &Ctx, ch: &Chrome, s: &mut String) {
    let _ = write!(
        s,
        "<div class=\"tou\"><div class=\"logo\"><a href=\"/\">{}</a></div><div class=\"ss\"><input name=\"kw\" placeholder=\"输入产品名称或CAS号\"></div>",
        esc(&ctx.market)
    );
    if !ch.hot_searches.is_empty() {
        let _ = write!(
            s,
            "<div class=\"rmss\">热门搜索：{}</div>",
            links(&ch.hot_searches, " ")
        );
    }
    s.push_str("</div>\n");
    if !ch.menu.is_empty() {
        s.push_str("<div class=\"fl\"><h3>产品分类</h3><ul>");
        for l in &ch.menu {
            let _ = write!(s, "<li>{}</li>", a(l));
        }
        s.push_str("</ul></div>\n");
    }
}

fn zh_right_foot(ch: &Chrome, s: &mut String) {
    if !ch.hot_products.is_empty() || !ch.related.is_empty() {
        s.push_str("<div class=\"you\">");
        if !ch.hot_products.is_empty() {
            s.push_str("<div class=\"rmcp\"><h3>热门产品</h3><ul>");
            for l in &ch.hot_products {
                let _ = write!(s, "<li>{}</li>", a(l));
            }
            s.push_str("</ul></div>");
        }
        if !ch.related.is_empty() {
            s.push_str("<div class=\"xgcp\"><h3>相关产品</h3><ul>");
            for (l, p) in &ch.related {
                let _ = write!(s, "<li>{} <em>{}</em></li>", a(l), esc(p));
            }
            s.push_str("</ul></div>");
        }
        if !ch.also_bought.is_empty() {
            s.push_str("<div class=\"cnxh\"><h3>猜你喜欢</h3><ul>");
            for l in &ch.also_bought {
                let _ = write!(s, "<li>{}</li>", a(l));
            }
            s.push_str("</ul></div>");
        }
        s.push_str("</div>\n");
    }
    if !ch.trending.is_empty() || !ch.footer.is_empty() {
        s.push_str("<div class=\"di\">");
        if !ch.trending.is_empty() {
            let _ = write!(s, "<p class=\"rmgjc\">热门关键词：{}</p>", plain(&ch.trending, " "));
        }
        for f in &ch.footer {
            let _ = write!(s, "<p>{}</p>", esc(f));
        }
        s.push_str("</div>\n");
    }
}

fn zh_listing(ctx: &Ctx, l: &Listing, ch: &Chrome) -> String {
    let o = &l.own;
    let mut s = format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head>{}<title>{}_{}</title></head><body>\n",
        ctx.meta_charset(),
        esc(&o.title),
        esc(&ctx.market)
    );
    zh_top(ctx, ch, &mut s);
    s.push_str("<div class=\"zhu\">");
    if !ch.crumbs.is_empty() {
        let _ = write!(s, "<div class=\"mbx\">当前位置：{}</div>", links(&ch.crumbs, " &gt; "));
    }
    let _ = write!(
        s,
        "<div class=\"cpxq\"><h1 class=\"cpmc\">{}</h1><table class=\"cs\">",
        esc(&o.title)
    );
    for f in &o.specs {
        let _ = write!(
            s,
            "<tr><th>{}</th><td class=\"cs-{}\">{}</td></tr>",
            esc(&f.label),
            f.key,
            esc(&f.value)
        );
    }
    s.push_str("</table><h2>产品描述</h2><div class=\"cpms\">");
    for p in &o.description {
        let _ = write!(s, "<p>{}</p>", esc(p));
    }
    s.push_str("</div><div class=\"gs\"><h2>公司信息</h2><ul>");
    for f in &o.supplier {
        let cls = if f.key == "supplier" { " class=\"gsmc\"" } else { "" };
        let _ = write!(s, "<li>{}：<span{cls}>{}</span></li>", esc(&f.label), esc(&f.value));
    }
    s.push_str("</ul></div></div></div>\n");
    zh_right_foot(ch, &mut s);
    s.push_str("</body></html>\n");
    s
}

fn zh_index(ctx: &Ctx, idx: &Index, ch: &Chrome) -> String {
    let mut s = format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head>{}<title>{}_{}</title></head><body>\n",
        ctx.meta_charset(),
        esc(&idx.heading),
        esc(&ctx.market)
    );
    zh_top(ctx, ch, &mut s);
    let _ = write!(
        s,
        "<div class=\"zhu\"><h1>{}</h1><p>{}</p><ul class=\"lb\">",
        esc(&idx.heading),
        esc(&idx.intro)
    );
    for (l, p) in &idx.items {
        let _ = write!(s, "<li>{} <em>{}</em></li>", a(l), esc(p));
    }
    let _ = writeln!(s, "</ul><div class=\"fy\">{}</div></div>", links(&idx.pager, " "));
    zh_right_foot(ch, &mut s);
    s.push_str("</body></html>\n");
    s
}

// ---------------------------------------------------------------------------
// Tune templates added for the second round (zh-portal, spanish, cards,
// no-title-markup)
// ---------------------------------------------------------------------------

/// Templates whose pages show [`Chrome::more`] (a second draw of other listings).
const MORE_TEMPLATES: &[&str] = &[
    "zh-portal",
    "spanish",
    "cards",
    "zh-b2b",
    "alibaba-like",
    "mobile",
    "forum-like",
    "zh-asp",
    "zh-seo",
    "zh-shop",
    "zh-info",
];

/// Templates whose supplier card shows [`Chrome::shop`] (the supplier's other listings).
const SHOP_TEMPLATES: &[&str] = &["zh-b2b", "alibaba-like", "zh-shop"];

/// How a template reshapes every listing's own content into the fields its
/// layout shows (before the labels and the pages are made).
fn own_layout(template: &str) -> Option<fn(&mut Own)> {
    match template {
        "zh-portal" => Some(portal_contacts),
        "zh-b2b" => Some(b2b_own),
        "alibaba-like" => Some(ali_own),
        "forum-like" => Some(forum_own),
        "zh-asp" => Some(asp_own),
        "zh-shop" => Some(shop_own),
        "zh-info" => Some(info_own),
        _ => None,
    }
}

/// What a template adds to a listing's case, from its own content (after
/// [`own_layout`]): `zh-shop` descriptions in an `<iframe>`, `zh-info`
/// listings posted in traditional characters.
fn own_note(template: &str) -> Option<fn(&Own) -> Option<&'static str>> {
    match template {
        "zh-shop" => Some(shop_note),
        "zh-info" => Some(info_note),
        _ => None,
    }
}

/// Documents a template serves besides its listing, index and search pages
/// (`zh-shop`: the description documents its `<iframe>`s load).
fn extra_pages(template: &str) -> Option<ExtraPage> {
    (template == "zh-shop").then_some(shop_desc_page as ExtraPage)
}

/// A document a template serves for a listing besides its page: (path, HTML).
type ExtraPage = fn(&Ctx, &Listing) -> Option<(String, String)>;

/// The supplier's company name.
fn company_of(own: &Own) -> &str {
    own.supplier
        .iter()
        .find(|f| f.key == "supplier")
        .map_or("", |f| f.value.as_str())
}

/// What a template's one-off quirk ([`Ctx::quirk`]) adds to that listing's case.
fn quirk_note(template: &str) -> Option<&'static str> {
    (template == "zh-portal").then_some(" [malformed charset meta]")
}

/// `zh-portal` company boxes also show a mobile number (domestic format, no
/// +86) and a QQ number, as every company box on such portals does. Neither
/// is an off-platform tactic by `shared/domain/precursors.md` §4 (which names
/// Wickr, Telegram, WhatsApp, WeChat, Signal, Threema, Wire, Session and +86
/// numbers): they are the portal's ordinary contact fields.
fn portal_contacts(own: &mut Own) {
    let company = own
        .supplier
        .iter()
        .find(|f| f.key == "supplier")
        .map(|f| f.value.clone())
        .unwrap_or_default();
    let h = fnv(company.as_bytes());
    let at = own
        .supplier
        .iter()
        .position(|f| f.key == "phone")
        .map_or(own.supplier.len(), |i| i + 1);
    own.supplier.insert(
        at,
        Field {
            key: "mobile",
            label: "手机".into(),
            value: format!("138 0013 80{:02}", h % 100),
        },
    );
    own.supplier.insert(
        at + 1,
        Field {
            key: "qq",
            label: "QQ".into(),
            value: format!("8005550{:02}", (h >> 8) % 100),
        },
    );
}

/// A posting date for a link (stable per target).
fn portal_date(href: &str) -> String {
    let h = fnv(href.as_bytes());
    format!("2025-{:02}-{:02}", 1 + h % 12, 1 + (h >> 8) % 28)
}

/// Sub-categories of the portal's category tree (stable across the site).
fn portal_subcats(slug: &str) -> &'static [&'static str] {
    match slug {
        "piperidones" => &[
            "N-苯乙基-4-哌啶酮",
            "4-哌啶酮盐酸盐",
            "N-叔丁氧羰基-4-哌啶酮",
            "N-苄基-4-哌啶酮",
        ],
        "bmk-pmk" => &["BMK缩水甘油酸甲酯", "PMK缩水甘油酸甲酯", "胡椒醛"],
        "pharma-intermediates" => &["去甲芬太尼", "4-苯胺基哌啶", "硝唑类中间体", "赛拉嗪"],
        "basic-chemicals" => &["无机盐", "有机溶剂", "有机酸"],
        "food-additives" => &["酸味剂", "防腐剂", "维生素"],
        "lab-testing" => &["检测试纸", "实验耗材"],
        _ => &["复合肥", "电缆桥架", "橡胶助剂"],
    }
}

const PORTAL_FRIENDS: &[(&str, &str)] = &[
    ("中国化工信息港", "http://www.hgxxg.example.cn/"),
    ("医药原料交易网", "http://www.yyyljy.example.cn/"),
    ("精细化工在线", "http://www.jxhgzx.example.cn/"),
    ("华东化工商务网", "http://www.hdhgsw.example.cn/"),
    ("涂料助剂网", "http://www.tlzj.example.cn/"),
    ("化学试剂采购网", "http://www.hxsjcg.example.cn/"),
];

/// `zh-portal`: an old-school Chinese chemical B2B portal (a DESTOON-style
/// "sell" module) served as GBK with the charset only in a `<meta
/// http-equiv>` (gb2312, as these portals declare it; one listing page has a
/// malformed one); XHTML-transitional tables and divs with pinyin class
/// names; `<title>` as `产品名_价格_厂家_网站名` (a third of the listings use
/// `产品名－网站名`); no `<h1>`: the product name is a `<strong>` in a `<td>`;
/// a `您现在的位置：` breadcrumb; a left column with the category tree and
/// 推荐产品; the product table with the spec rows as label and value cells
/// (`<td>CAS号：</td><td>…</td>`), 详细说明, then 相关产品 inside the centre
/// column; a right column with the company box (公司名称, 联系人, 电话, 手机,
/// QQ, 邮箱…) and 最新供应; 友情链接; a footer with the portal's hotline, ICP
/// licence number and copyright.
pub static ZH_PORTAL: Template = Template {
    name: "zh-portal",
    lang: Lang::Zh,
    charset: Charset::GbkMetaOnly,
    listing_re: r"^/sell/show-\d+\.html$",
    listing_path: |id, _| format!("/sell/show-{id}.html"),
    category_path: |s, n| {
        if n == 1 {
            format!("/sell/list-{s}.html")
        } else {
            format!("/sell/list-{s}-{n}.html")
        }
    },
    search_path: Some(|q| format!("/sell/search.php?kw={q}")),
    listing: portal_listing,
    index: portal_index,
    selectors: Some(|_| {
        vec![
            ("title".into(), "td.cpmc".into()),
            ("description".into(), "div.cpjs".into()),
            ("supplier".into(), "div.gsxx".into()),
        ]
    }),
    classes: 1,
    obfuscated: false,
};

fn portal_head(ctx: &Ctx, title: &str, keywords: &str, malformed: bool) -> String {
    let meta = if malformed {
        // The closing quote of `content` comes too early: a strict
        // WHATWG prescan finds no charset here.
        "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=\"gb2312\"\" />"
    } else {
        ctx.meta_charset()
    };
    format!(
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n<html xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n{meta}\n<title>{}</title>\n<meta name=\"keywords\" content=\"{}\" />\n<link href=\"/skin/default/style.css\" rel=\"stylesheet\" type=\"text/css\" />\n<script type=\"text/javascript\" src=\"/file/script/config.js\"></script>\n</head>\n<body>\n",
        esc(title),
        esc(keywords)
    )
}

fn portal_top(ctx: &Ctx, ch: &Chrome, s: &mut String) {
    let _ = write!(
        s,
        "<div id=\"top\"><div class=\"top_l\">您好，欢迎来到{}！ <a href=\"/member/login.php\">请登录</a> <a href=\"/member/register.php\">免费注册</a></div><div class=\"top_r\"><a href=\"/member/\">会员中心</a> | <a href=\"/help/\">帮助</a></div></div>\n<div id=\"head\"><div class=\"logo\"><a href=\"/\"><img src=\"/skin/default/image/logo.gif\" alt=\"{}\" /></a></div><div class=\"sousuo\"><form action=\"/sell/search.php\" method=\"get\"><select name=\"mid\"><option value=\"5\">供应</option><option value=\"6\">求购</option><option value=\"4\">公司</option></select><input type=\"text\" name=\"kw\" class=\"ss_kw\" value=\"\" /><input type=\"submit\" value=\"搜 索\" class=\"ss_an\" /></form>",
        esc(&ctx.market),
        esc(&ctx.market)
    );
    if !ch.hot_searches.is_empty() {
        let _ = write!(
            s,
            "<div class=\"rmss\">热门搜索：{}</div>",
            links(&ch.hot_searches, " ")
        );
    }
    s.push_str("</div></div>\n<div id=\"nav\"><ul><li><a href=\"/\">首 页</a></li><li><a href=\"/sell/\">供应信息</a></li><li><a href=\"/buy/\">求购信息</a></li><li><a href=\"/company/\">企业库</a></li><li><a href=\"/news/\">行业资讯</a></li><li><a href=\"/price/\">价格行情</a></li></ul></div>\n");
    if !ch.crumbs.is_empty() {
        let mut trail = vec![a(&ch.crumbs[0]), "<a href=\"/sell/\">供应</a>".to_string()];
        trail.extend(ch.crumbs[1..].iter().map(a));
        let _ = writeln!(s, "<div class=\"weizhi\">您现在的位置：{}</div>", trail.join(" &gt; "));
    }
}

fn portal_left(ctx: &Ctx, ch: &Chrome, s: &mut String) {
    s.push_str("<td width=\"200\" valign=\"top\" class=\"zuo\">");
    if ctx.chrome && !ch.menu.is_empty() {
        s.push_str("<div class=\"box cplb\"><div class=\"box_t\"><span>产品分类</span></div><div class=\"box_c\"><ul class=\"tree\">");
        for (l, c) in ch.menu.iter().zip(&ctx.categories) {
            let _ = write!(s, "<li class=\"yj\">{}<ul class=\"ej\">", a(l));
            for sub in portal_subcats(c.slug) {
                let _ = write!(s, "<li><a href=\"{}\">{}</a></li>", esc(&l.href), esc(sub));
            }
            s.push_str("</ul></li>");
        }
        s.push_str("</ul></div></div>");
    }
    if !ch.hot_products.is_empty() {
        s.push_str("<div class=\"box tjcp\"><div class=\"box_t\"><span>推荐产品</span></div><div class=\"box_c\"><ul>");
        for l in &ch.hot_products {
            let _ = write!(s, "<li>&middot; {}</li>", a(l));
        }
        s.push_str("</ul></div></div>");
    }
    s.push_str("</td>\n<td width=\"10\"></td>\n");
}

fn portal_latest(ch: &Chrome, s: &mut String) {
    if ch.more.is_empty() {
        return;
    }
    s.push_str("<div class=\"box zxgy\"><div class=\"box_t\"><span>最新供应</span></div><div class=\"box_c\"><ul>");
    for (l, _) in &ch.more {
        let _ = write!(
            s,
            "<li>{} <span class=\"rq\">{}</span></li>",
            a(l),
            portal_date(&l.href)
        );
    }
    s.push_str("</ul></div></div>");
}

fn portal_foot(ctx: &Ctx, ch: &Chrome, s: &mut String) {
    if !ctx.chrome {
        s.push_str("</body>\n</html>\n");
        return;
    }
    s.push_str("<div class=\"yqlj\"><strong>友情链接：</strong>");
    for (name, href) in PORTAL_FRIENDS {
        let _ = write!(s, "<a href=\"{href}\" target=\"_blank\">{name}</a> ");
    }
    s.push_str("</div>\n<div id=\"foot\"><div class=\"foot_nav\"><a href=\"/about/\">关于我们</a> | <a href=\"/about/contact.html\">联系方式</a> | <a href=\"/about/ad.html\">广告服务</a> | <a href=\"/about/agreement.html\">服务条款</a> | <a href=\"/sitemap/\">网站地图</a></div><div class=\"foot_c\">");
    for f in &ch.footer {
        let _ = write!(s, "{}<br />", esc(f));
    }
    let _ = write!(
        s,
        "服务热线：400-555-0199 &nbsp; 传真：0571-5550199 &nbsp; 客服QQ：800055501<br />Copyright &copy; 2005-2025 {} All Rights Reserved &nbsp; <a href=\"http://beian.example.cn/\" target=\"_blank\">浙ICP备05055501号</a></div></div>\n</body>\n</html>\n",
        esc(&ctx.market)
    );
}

fn portal_listing(ctx: &Ctx, l: &Listing, ch: &Chrome) -> String {
    let o = &l.own;
    let title = if l.id.is_multiple_of(3) {
        format!("{}－{}", o.title, ctx.market)
    } else {
        format!("{}_价格_厂家_{}", o.title, ctx.market)
    };
    let keywords = format!("{t},{t}价格,{t}厂家", t = o.title);
    let mut s = portal_head(ctx, &title, &keywords, l.id == ctx.quirk);
    portal_top(ctx, ch, &mut s);
    s.push_str(
        "<table width=\"980\" border=\"0\" cellspacing=\"0\" cellpadding=\"0\" align=\"center\" class=\"zt\"><tr>\n",
    );
    portal_left(ctx, ch, &mut s);
    let _ = write!(
        s,
        "<td valign=\"top\" class=\"zhong\"><div class=\"cpxx\"><table width=\"100%\" border=\"0\" cellpadding=\"4\" cellspacing=\"1\" class=\"cpxx_t\"><tr><td width=\"160\" rowspan=\"{}\" valign=\"top\" class=\"cptp\"><img src=\"/file/upload/201{}/{}.jpg\" width=\"150\" height=\"150\" alt=\"{}\" /></td><td colspan=\"2\" class=\"cpmc\"><strong>{}</strong></td></tr>",
        o.specs.len() + 2,
        l.id % 10,
        l.id,
        esc(&o.title),
        esc(&o.title)
    );
    for f in &o.specs {
        let _ = write!(
            s,
            "<tr><td width=\"90\" class=\"bt\">{}：</td><td class=\"nr\">{}</td></tr>",
            esc(&f.label),
            esc(&f.value)
        );
    }
    let _ = write!(
        s,
        "<tr><td colspan=\"2\" class=\"an\"><input type=\"button\" class=\"xj\" value=\"立即询价\" onclick=\"Go('/member/inquiry.php?itemid={id}');\" /> <input type=\"button\" class=\"sc\" value=\"加入收藏\" onclick=\"Go('/member/favorite.php?itemid={id}');\" /></td></tr></table></div>\n<div class=\"box\"><div class=\"box_t\"><span>详细说明</span></div><div class=\"box_c cpjs\">",
        id = l.id
    );
    for p in &o.description {
        let _ = write!(s, "<p>{}</p>", esc(p));
    }
    s.push_str("</div></div>\n");
    if !ch.related.is_empty() {
        let more = ch.crumbs.get(1).map_or("/", |c| c.href.as_str());
        let _ = write!(
            s,
            "<div class=\"box xgcp\"><div class=\"box_t\"><span>相关产品</span><a href=\"{}\" class=\"more\">更多&gt;&gt;</a></div><div class=\"box_c\"><table width=\"100%\" cellpadding=\"3\">",
            esc(more)
        );
        for (r, p) in &ch.related {
            let _ = write!(
                s,
                "<tr><td class=\"mc\">{}</td><td class=\"jg\">{}</td><td class=\"rq\">{}</td></tr>",
                a(r),
                esc(p),
                portal_date(&r.href)
            );
        }
        s.push_str("</table></div></div>\n");
    }
    s.push_str("</td>\n<td width=\"10\"></td>\n<td width=\"210\" valign=\"top\" class=\"you\"><div class=\"box gsxx\"><div class=\"box_t\"><span>公司信息</span></div><div class=\"box_c\"><table width=\"100%\" cellpadding=\"3\">");
    for f in &o.supplier {
        let v = if f.key == "supplier" {
            format!("<strong>{}</strong>", esc(&f.value))
        } else {
            esc(&f.value)
        };
        let _ = write!(
            s,
            "<tr><td width=\"62\" class=\"bt\">{}：</td><td>{v}</td></tr>",
            esc(&f.label)
        );
    }
    s.push_str("</table></div></div>");
    portal_latest(ch, &mut s);
    s.push_str("</td>\n</tr></table>\n");
    portal_foot(ctx, ch, &mut s);
    s
}

fn portal_index(ctx: &Ctx, idx: &Index, ch: &Chrome) -> String {
    let title = format!("{}－{}", idx.heading, ctx.market);
    let mut s = portal_head(ctx, &title, &idx.heading, false);
    portal_top(ctx, ch, &mut s);
    s.push_str(
        "<table width=\"980\" border=\"0\" cellspacing=\"0\" cellpadding=\"0\" align=\"center\" class=\"zt\"><tr>\n",
    );
    portal_left(ctx, ch, &mut s);
    let _ = write!(
        s,
        "<td valign=\"top\" class=\"zhong\"><div class=\"box\"><div class=\"box_t\"><span>{}</span></div><div class=\"box_c\"><p>{}</p><table width=\"100%\" class=\"lb\">",
        esc(&idx.heading),
        esc(&idx.intro)
    );
    for (l, p) in &idx.items {
        let _ = write!(
            s,
            "<tr><td>{}</td><td class=\"jg\">{}</td><td class=\"rq\">{}</td></tr>",
            a(l),
            esc(p),
            portal_date(&l.href)
        );
    }
    let _ = write!(
        s,
        "</table><div class=\"fy\">{}</div></div></div></td>\n<td width=\"10\"></td>\n<td width=\"210\" valign=\"top\" class=\"you\">",
        links(&idx.pager, " ")
    );
    portal_latest(ch, &mut s);
    s.push_str("</td>\n</tr></table>\n");
    portal_foot(ctx, ch, &mut s);
    s
}

/// `spanish`: a Latin-American B2B marketplace in Spanish (UTF-8), a
/// Bootstrap layout: header with "Búsquedas populares" (links), a
/// "Categorías" bar, the breadcrumb "Inicio > …", the product with a spec
/// table (Número CAS, Pureza, Pedido mínimo, Precio…), "Descripción del
/// producto", the supplier box, then "Productos relacionados" as product
/// cards inside the main column; a right column with "Lo más vendido",
/// "También te puede interesar" (other listings with prices), "Quienes
/// vieron este producto también compraron" and the visitor's recent searches
/// (plain text); a footer with "Tendencias" (links), the marketplace's
/// contact and shipping line.
pub static SPANISH: Template = Template {
    name: "spanish",
    lang: Lang::Es,
    charset: Charset::Utf8,
    listing_re: r"^/producto/[a-z0-9-]+_\d+$",
    listing_path: |id, s| format!("/producto/{s}_{id}"),
    category_path: |s, n| {
        if n == 1 {
            format!("/categoria/{s}")
        } else {
            format!("/categoria/{s}?pagina={n}")
        }
    },
    search_path: Some(|q| format!("/buscar?q={q}")),
    listing: es_listing,
    index: es_index,
    selectors: Some(|_| {
        vec![
            ("title".into(), "h1.titulo-producto".into()),
            ("description".into(), "div.descripcion".into()),
            ("cas".into(), "td.ficha-cas".into()),
            ("price".into(), "td.ficha-price".into()),
            ("payment".into(), "td.ficha-payment".into()),
            ("supplier".into(), "div.proveedor".into()),
        ]
    }),
    classes: 1,
    obfuscated: false,
};

fn es_top(ctx: &Ctx, title: &str, ch: &Chrome) -> String {
    let mut s = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n{}\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{} | {}</title>\n<link rel=\"stylesheet\" href=\"/assets/css/bootstrap.min.css\">\n</head>\n<body>\n<header class=\"navbar navbar-default\"><div class=\"container\"><a class=\"navbar-brand\" href=\"/\">{}</a><form class=\"buscador navbar-form\" action=\"/buscar\" method=\"get\"><input type=\"search\" name=\"q\" class=\"form-control\" placeholder=\"Buscar productos, marcas y más…\"><button type=\"submit\" class=\"btn\">Buscar</button></form>",
        lang_attr(ctx.lang),
        ctx.meta_charset(),
        esc(title),
        esc(&ctx.market),
        esc(&ctx.market)
    );
    if !ch.hot_searches.is_empty() {
        let _ = write!(
            s,
            "<div class=\"busquedas-populares\"><strong>Búsquedas populares:</strong> {}</div>",
            links(&ch.hot_searches, " · ")
        );
    }
    s.push_str("</div></header>\n");
    if !ch.menu.is_empty() {
        s.push_str("<nav class=\"categorias\"><div class=\"container\"><span class=\"titulo\">Categorías</span><ul class=\"list-inline\">");
        for l in &ch.menu {
            let _ = write!(s, "<li>{}</li>", a(l));
        }
        s.push_str("</ul></div></nav>\n");
    }
    s
}

fn es_side_foot(ch: &Chrome, s: &mut String) {
    s.push_str("<aside class=\"col-md-3 lateral\">");
    if !ch.hot_products.is_empty() {
        s.push_str("<div class=\"panel mas-vendidos\"><h3>Lo más vendido</h3><ol>");
        for l in &ch.hot_products {
            let _ = write!(s, "<li>{}</li>", a(l));
        }
        s.push_str("</ol></div>");
    }
    if !ch.more.is_empty() {
        s.push_str("<div class=\"panel te-puede-interesar\"><h3>También te puede interesar</h3><ul>");
        for (l, p) in ch.more.iter().take(4) {
            let _ = write!(s, "<li>{} <span class=\"precio\">{}</span></li>", a(l), esc(p));
        }
        s.push_str("</ul></div>");
    }
    if !ch.also_bought.is_empty() {
        s.push_str(
            "<div class=\"panel tambien-compraron\"><h3>Quienes vieron este producto también compraron</h3><ul>",
        );
        for l in &ch.also_bought {
            let _ = write!(s, "<li>{}</li>", a(l));
        }
        s.push_str("</ul></div>");
    }
    if !ch.recent.is_empty() {
        let _ = write!(
            s,
            "<div class=\"panel recientes\"><h3>Tus búsquedas recientes</h3><p>{}</p></div>",
            plain(&ch.recent, ", ")
        );
    }
    s.push_str("</aside>\n</div></div>\n");
    if !ch.trending.is_empty() || !ch.footer.is_empty() {
        s.push_str("<footer class=\"pie\"><div class=\"container\">");
        if !ch.trending.is_empty() {
            let tl: Vec<Link> = ch
                .trending
                .iter()
                .map(|t| Link {
                    text: t.clone(),
                    href: format!("/buscar?q={}", search_slug(t)),
                })
                .collect();
            let _ = write!(
                s,
                "<div class=\"tendencias\"><h4>Tendencias</h4><p>{}</p></div>",
                links(&tl, " | ")
            );
        }
        for f in &ch.footer {
            let _ = write!(s, "<p class=\"legal\">{}</p>", esc(f));
        }
        s.push_str("</div></footer>\n");
    }
    s.push_str("</body>\n</html>\n");
}

fn es_listing(ctx: &Ctx, l: &Listing, ch: &Chrome) -> String {
    let o = &l.own;
    let mut s = es_top(ctx, &o.title, ch);
    s.push_str("<div class=\"container\">\n");
    if !ch.crumbs.is_empty() {
        s.push_str("<ol class=\"breadcrumb\">");
        for c in &ch.crumbs {
            if c.href.is_empty() {
                let _ = write!(s, "<li class=\"active\">{}</li>", esc(&c.text));
            } else {
                let _ = write!(s, "<li>{}</li>", a(c));
            }
        }
        s.push_str("</ol>\n");
    }
    let _ = write!(
        s,
        "<div class=\"row\"><div class=\"col-md-9 ficha-producto\">\n<h1 class=\"titulo-producto\">{}</h1>\n<table class=\"table table-striped ficha-tecnica\"><tbody>",
        esc(&o.title)
    );
    for f in &o.specs {
        let _ = write!(
            s,
            "<tr><th>{}</th><td class=\"ficha-{}\">{}</td></tr>",
            esc(&f.label),
            f.key,
            esc(&f.value)
        );
    }
    s.push_str("</tbody></table>\n<h2>Descripción del producto</h2>\n<div class=\"descripcion\">");
    for p in &o.description {
        let _ = write!(s, "<p>{}</p>", esc(p));
    }
    s.push_str("</div>\n<div class=\"proveedor\" id=\"proveedor\"><h3>Información del proveedor</h3><ul class=\"list-unstyled\">");
    for f in &o.supplier {
        let _ = write!(s, "<li><strong>{}:</strong> {}</li>", esc(&f.label), esc(&f.value));
    }
    s.push_str("</ul><button type=\"button\" class=\"btn btn-primary\">Contactar al proveedor</button></div>\n");
    if !ch.related.is_empty() {
        s.push_str("<section class=\"relacionados\"><h2>Productos relacionados</h2><div class=\"row\">");
        for (r, p) in &ch.related {
            let _ = write!(
                s,
                "<div class=\"col-xs-6 col-md-3 producto\"><a href=\"{}\"><img src=\"/img/p/{}.jpg\" alt=\"{}\" class=\"img-responsive\"><p class=\"nombre\">{}</p></a><p class=\"precio\">{}</p></div>",
                esc(&r.href),
                fnv(r.href.as_bytes()) % 100_000,
                esc(&r.text),
                esc(&r.text),
                esc(p)
            );
        }
        s.push_str("</div></section>\n");
    }
    s.push_str("</div>\n");
    es_side_foot(ch, &mut s);
    s
}

fn es_index(ctx: &Ctx, idx: &Index, ch: &Chrome) -> String {
    let mut s = es_top(ctx, &idx.heading, ch);
    let _ = write!(
        s,
        "<div class=\"container\">\n<div class=\"row\"><div class=\"col-md-9 listado\">\n<h1>{}</h1>\n<p>{}</p>\n<ul class=\"resultados\">",
        esc(&idx.heading),
        esc(&idx.intro)
    );
    for (l, p) in &idx.items {
        let _ = write!(s, "<li>{} <span class=\"precio\">{}</span></li>", a(l), esc(p));
    }
    let _ = write!(
        s,
        "</ul>\n<nav class=\"paginacion\">{}</nav>\n</div>\n",
        links(&idx.pager, " ")
    );
    es_side_foot(ch, &mut s);
    s
}

/// `cards`: a modern product page. A sticky header with a search box whose
/// placeholder and `<datalist>` suggest searches (the hot and recent
/// searches), "Trending now" chips and a category bar; in the main column the
/// breadcrumb, the product (image, `h1`, attribute rows, supplier section,
/// details) and, below the details, a grid of "Similar products" cards
/// (`<div class="card"><a><img alt><span>name</span></a><span>US$ …</span></div>`,
/// each a link to another listing); a "Recently viewed" strip of cards; a
/// footer with popular searches (links) and the marketplace's contact.
pub static CARDS: Template = Template {
    name: "cards",
    lang: Lang::En,
    charset: Charset::Utf8,
    listing_re: r"^/products/[a-z0-9-]+-\d+$",
    listing_path: |id, s| format!("/products/{s}-{id}"),
    category_path: |s, n| {
        if n == 1 {
            format!("/c/{s}")
        } else {
            format!("/c/{s}?p={n}")
        }
    },
    search_path: Some(|q| format!("/search?keyword={q}")),
    listing: cards_listing,
    index: cards_index,
    selectors: Some(|_| {
        vec![
            ("title".into(), "h1.pdp-title".into()),
            ("description".into(), "section.pdp-desc".into()),
            ("cas".into(), "span.attr-cas".into()),
            ("price".into(), "span.attr-price".into()),
            ("payment".into(), "span.attr-payment".into()),
            ("supplier".into(), "section.pdp-supplier".into()),
        ]
    }),
    classes: 1,
    obfuscated: false,
};

/// A card's price line ("US$ 5-50 / Kilogram").
fn card_price(p: &str) -> String {
    p.replace("US $ ", "US$ ")
}

fn card(l: &Link, price: &str) -> String {
    format!(
        "<div class=\"card\"><a href=\"{}\"><img src=\"/cdn/img/{}.webp\" alt=\"{}\" loading=\"lazy\"><span>{}</span></a><span>{}</span></div>",
        esc(&l.href),
        fnv(l.href.as_bytes()) % 1_000_000,
        esc(&l.text),
        esc(&l.text),
        esc(&card_price(price))
    )
}

fn cards_top(ctx: &Ctx, title: &str, ch: &Chrome) -> String {
    let placeholder = ch
        .hot_searches
        .first()
        .map_or("Search products, suppliers or CAS".to_string(), |l| {
            format!("Search “{}”", l.text)
        });
    let mut s = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n{}\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{} - Buy on {}</title>\n<link rel=\"stylesheet\" href=\"/_next/static/css/app.css\">\n</head>\n<body class=\"pdp-body\">\n<header class=\"hdr sticky\"><div class=\"hdr-row\"><a class=\"brand\" href=\"/\">{}</a><form class=\"hdr-search\" role=\"search\" action=\"/search\"><input type=\"search\" name=\"keyword\" list=\"kw-suggest\" autocomplete=\"off\" placeholder=\"{}\">",
        ctx.meta_charset(),
        esc(title),
        esc(&ctx.market),
        esc(&ctx.market),
        esc(&placeholder)
    );
    if !ch.hot_searches.is_empty() || !ch.recent.is_empty() {
        s.push_str("<datalist id=\"kw-suggest\">");
        let mut seen = HashSet::new();
        for t in ch.hot_searches.iter().skip(1).map(|l| &l.text).chain(&ch.recent) {
            if seen.insert(t) {
                let _ = write!(s, "<option>{}</option>", esc(t));
            }
        }
        s.push_str("</datalist>");
    }
    s.push_str("<button type=\"submit\" aria-label=\"Search\">Search</button></form><div class=\"hdr-actions\"><button type=\"button\">Sign in</button><button type=\"button\">Post RFQ</button></div></div>");
    if !ch.hot_products.is_empty() {
        let _ = write!(
            s,
            "<div class=\"hdr-trending\"><span class=\"chip-label\">Trending now</span>{}</div>",
            ch.hot_products
                .iter()
                .map(|l| format!("<a class=\"chip\" href=\"{}\">{}</a>", esc(&l.href), esc(&l.text)))
                .collect::<String>()
        );
    }
    if !ch.menu.is_empty() {
        let _ = write!(s, "<nav class=\"hdr-cats\">{}</nav>", links(&ch.menu, ""));
    }
    s.push_str("</header>\n");
    s
}

fn cards_foot(ctx: &Ctx, ch: &Chrome, s: &mut String) {
    if !ch.trending.is_empty() || !ch.footer.is_empty() {
        s.push_str("<footer class=\"ftr\"><div class=\"ftr-cols\">");
        if !ch.trending.is_empty() {
            let tl: Vec<Link> = ch
                .trending
                .iter()
                .map(|t| Link {
                    text: t.clone(),
                    href: format!("/search?keyword={}", search_slug(t)),
                })
                .collect();
            let _ = write!(
                s,
                "<div class=\"ftr-col\"><h4>Popular searches</h4><div class=\"ftr-tags\">{}</div></div>",
                links(&tl, "")
            );
        }
        let _ = write!(
            s,
            "<div class=\"ftr-col\"><h4>{}</h4><button type=\"button\">About us</button><button type=\"button\">Help center</button></div></div>",
            esc(&ctx.market)
        );
        for f in &ch.footer {
            let _ = write!(s, "<p class=\"ftr-line\">{}</p>", esc(f));
        }
        s.push_str("</footer>\n");
    }
    s.push_str("</body>\n</html>\n");
}

fn cards_listing(ctx: &Ctx, l: &Listing, ch: &Chrome) -> String {
    let o = &l.own;
    let mut s = cards_top(ctx, &o.title, ch);
    s.push_str("<main class=\"pdp-page\">\n");
    if !ch.crumbs.is_empty() {
        let _ = writeln!(
            s,
            "<nav class=\"crumbs\" aria-label=\"Breadcrumb\">{}</nav>",
            links(&ch.crumbs, " › ")
        );
    }
    let _ = write!(
        s,
        "<div class=\"pdp\">\n<div class=\"pdp-media\"><img src=\"/cdn/img/{}-1.webp\" alt=\"{}\"></div>\n<div class=\"pdp-main\"><h1 class=\"pdp-title\">{}</h1><div class=\"pdp-attrs\">",
        l.id,
        esc(&o.title),
        esc(&o.title)
    );
    for f in &o.specs {
        let _ = write!(
            s,
            "<div class=\"attr\"><span class=\"attr-k\">{}</span><span class=\"attr-v attr-{}\">{}</span></div>",
            esc(&f.label),
            f.key,
            esc(&f.value)
        );
    }
    s.push_str("</div><div class=\"pdp-cta\"><button type=\"button\">Contact supplier</button><button type=\"button\">Start order</button></div></div>\n<section class=\"pdp-supplier\"><h2>Supplier</h2>");
    for f in &o.supplier {
        let _ = write!(
            s,
            "<div class=\"sup-row\"><span class=\"k\">{}</span><span class=\"v\">{}</span></div>",
            esc(&f.label),
            esc(&f.value)
        );
    }
    s.push_str("</section>\n<section class=\"pdp-desc\"><h2>Product details</h2>");
    for p in &o.description {
        let _ = write!(s, "<p>{}</p>", esc(p));
    }
    s.push_str("</section>\n");
    if !ch.related.is_empty() || !ch.more.is_empty() {
        s.push_str("<section class=\"pdp-similar\"><h2>Similar products</h2><div class=\"grid\">");
        for (r, p) in ch.related.iter().chain(ch.more.iter().take(4)) {
            s.push_str(&card(r, p));
        }
        s.push_str("</div></section>\n");
    }
    s.push_str("</div>\n");
    if ch.more.len() > 4 {
        s.push_str("<section class=\"recently-viewed\"><h2>Recently viewed</h2><div class=\"strip\">");
        for (r, _) in &ch.more[4..] {
            let _ = write!(
                s,
                "<a class=\"rv\" href=\"{}\"><img src=\"/cdn/img/{}.webp\" alt=\"{}\"><span>{}</span></a>",
                esc(&r.href),
                fnv(r.href.as_bytes()) % 1_000_000,
                esc(&r.text),
                esc(&r.text)
            );
        }
        s.push_str("</div></section>\n");
    }
    s.push_str("</main>\n");
    cards_foot(ctx, ch, &mut s);
    s
}

fn cards_index(ctx: &Ctx, idx: &Index, ch: &Chrome) -> String {
    let mut s = cards_top(ctx, &idx.heading, ch);
    let _ = write!(
        s,
        "<main class=\"plp-page\">\n<h1>{}</h1>\n<p>{}</p>\n<div class=\"grid\">",
        esc(&idx.heading),
        esc(&idx.intro)
    );
    for (l, p) in &idx.items {
        s.push_str(&card(l, p));
    }
    let _ = write!(
        s,
        "</div>\n<nav class=\"pager\">{}</nav>\n</main>\n",
        links(&idx.pager, " ")
    );
    cards_foot(ctx, ch, &mut s);
    s
}

/// `no-title-markup`: a page with no heading or bold anywhere. The product
/// name is only in `<title>` and once in a plain `<div>`; above it, inside the
/// main column, a plain-text rotating "Hot: a, b, c, d, e" line; a left
/// column of plain-text category names (no links); spec rows as
/// `<dl><dt>…</dt><dd>…</dd></dl>`; the supplier as plain lines; other
/// listings (links) after the supplier; a footer with plain-text popular
/// searches and the marketplace's contact. No search pages, no selectors
/// (nothing to select the name by).
pub static NO_TITLE_MARKUP: Template = Template {
    name: "no-title-markup",
    lang: Lang::En,
    charset: Charset::Utf8,
    listing_re: r"^/goods/\d+\.html$",
    listing_path: |id, _| format!("/goods/{id}.html"),
    category_path: |s, n| format!("/goods/list-{s}_{n}.html"),
    search_path: None,
    listing: ntm_listing,
    index: ntm_index,
    selectors: None,
    classes: 1,
    obfuscated: false,
};

fn ntm_open(ctx: &Ctx, title: &str, ch: &Chrome) -> String {
    let mut s = format!(
        "<!DOCTYPE html>\n<html>\n<head>\n{}\n<title>{} - {}</title>\n<style>.l{{float:left;width:180px}}.m{{margin-left:200px}}.f{{clear:both}}</style>\n</head>\n<body>\n<div class=\"t\"><a href=\"/\">{}</a></div>\n<div class=\"w\">\n<div class=\"l\">",
        ctx.meta_charset(),
        esc(title),
        esc(&ctx.market),
        esc(&ctx.market)
    );
    if !ch.menu.is_empty() {
        s.push_str("<div>Categories</div>");
        for l in &ch.menu {
            let _ = write!(s, "<div>{}</div>", esc(&l.text));
        }
    }
    s.push_str("</div>\n<div class=\"m\">\n");
    if ch.crumbs.len() > 1 {
        let _ = writeln!(s, "<div>{}</div>", links(&ch.crumbs[..2], " &gt; "));
    }
    if !ch.hot_searches.is_empty() {
        let hot: Vec<String> = ch.hot_searches.iter().map(|l| l.text.clone()).collect();
        let _ = writeln!(s, "<div>Hot: {}</div>", plain(&hot, ", "));
    }
    s
}

fn ntm_close(ch: &Chrome, s: &mut String) {
    s.push_str("</div>\n</div>\n");
    if !ch.trending.is_empty() || !ch.footer.is_empty() {
        s.push_str("<div class=\"f\">");
        if !ch.trending.is_empty() {
            let _ = write!(s, "<div>Popular: {}</div>", plain(&ch.trending, ", "));
        }
        for f in &ch.footer {
            let _ = write!(s, "<div>{}</div>", esc(f));
        }
        s.push_str("</div>\n");
    }
    s.push_str("</body>\n</html>\n");
}

fn ntm_listing(ctx: &Ctx, l: &Listing, ch: &Chrome) -> String {
    let o = &l.own;
    let mut s = ntm_open(ctx, &o.title, ch);
    let _ = writeln!(s, "<div>{}</div>", esc(&o.title));
    for f in &o.specs {
        let _ = write!(s, "<dl><dt>{}</dt><dd>{}</dd></dl>", esc(&f.label), esc(&f.value));
    }
    s.push_str("\n<div>Description</div>\n");
    for p in &o.description {
        let _ = writeln!(s, "<div>{}</div>", esc(p));
    }
    s.push_str("<div>Supplier</div>\n");
    for f in &o.supplier {
        let _ = writeln!(s, "<div>{}: {}</div>", esc(&f.label), esc(&f.value));
    }
    if !ch.related.is_empty() {
        s.push_str("<div>Other listings</div>\n");
        for (r, p) in &ch.related {
            let _ = writeln!(s, "<div>{} {}</div>", a(r), esc(p));
        }
    }
    ntm_close(ch, &mut s);
    s
}

fn ntm_index(ctx: &Ctx, idx: &Index, ch: &Chrome) -> String {
    let mut s = ntm_open(ctx, &idx.heading, ch);
    let _ = writeln!(s, "<div>{}</div>\n<div>{}</div>", esc(&idx.heading), esc(&idx.intro));
    for (l, p) in &idx.items {
        let _ = writeln!(s, "<div>{} {}</div>", a(l), esc(p));
    }
    let _ = writeln!(s, "<div>{}</div>", links(&idx.pager, " "));
    ntm_close(ch, &mut s);
    s
}

// ---------------------------------------------------------------------------
// Tune templates added for the third round (zh-b2b, alibaba-like, mobile,
// forum-like)
// ---------------------------------------------------------------------------

/// A supplier field's value ("" when absent).
fn sup_get(own: &Own, key: &str) -> String {
    own.supplier
        .iter()
        .find(|f| f.key == key)
        .map(|f| f.value.clone())
        .unwrap_or_default()
}

fn own_field(key: &'static str, label: &str, value: impl Into<String>) -> Field {
    Field {
        key,
        label: label.to_string(),
        value: value.into(),
    }
}

/// The short name of a Chinese company: the four characters after the city
/// ("杭州枫岭化工有限公司" → "枫岭化工").
fn zh_short(company: &str) -> String {
    let chars: Vec<char> = company.trim_end_matches("有限公司").chars().collect();
    let start = if chars.len() > 4 { 2 } else { 0 };
    chars[start..(start + 4).min(chars.len())].iter().collect()
}

/// An amount in fen as yuan ("￥46.00").
fn yuan(fen: u32) -> String {
    format!("￥{}.{:02}", fen / 100, fen % 100)
}

/// `zh-b2b` own content. The supplier card of a Chinese wholesale platform:
/// 公司名称, 诚信通 years, 联系人, 手机 (domestic format), 座机, 旺旺, QQ, 经营模式,
/// 所在地, and the shady supplier's 在线联系 (WeChat/WhatsApp). The card's
/// contact lines are the listing's own content: they name the one seller of
/// this offer (the card is the same on that seller's listings, not on the
/// site's), as the supplier block is on every other template. 手机 without
/// +86, 座机, 旺旺 (the platform's own messenger) and QQ are the platform's
/// ordinary contact fields, not tactics (§4 of the domain facts names
/// WeChat, WhatsApp… and +86 numbers). The card's "该店铺其他产品" (the shop's
/// other listings) is chrome. The price and MOQ become a price-tier table
/// (起批量 / 价格); 品牌, 货号 and 产地 join the attributes.
fn b2b_own(own: &mut Own) {
    let company = sup_get(own, "supplier");
    let location = sup_get(own, "location");
    let member: u32 = sup_get(own, "member").parse().unwrap_or(2018);
    let h = fnv(company.as_bytes());
    let short = zh_short(&company);
    let area = match location.as_str() {
        "浙江杭州" => "0571",
        "江苏南京" => "025",
        "山东济南" => "0531",
        "湖北武汉" => "027",
        "河北石家庄" => "0311",
        "上海" => "021",
        _ => "010",
    };
    let mut sup = vec![
        own_field("supplier", "公司名称", company.clone()),
        own_field("years", "诚信通", format!("第{}年", 2026 - member)),
        own_field("contact", "联系人", sup_get(own, "contact")),
        own_field("mobile", "手机", format!("139 5550 {:04}", h % 10_000)),
        own_field("phone", "座机", format!("{area}-5550{:04}", (h >> 16) % 10_000)),
        own_field("wangwang", "旺旺", format!("{short}{:02}", (h >> 32) % 100)),
        own_field("qq", "QQ", format!("8005552{:02}", (h >> 40) % 100)),
    ];
    if let Some(m) = own.supplier.iter().find(|f| f.key == "messenger") {
        sup.push(m.clone());
    }
    sup.push(own_field(
        "mode",
        "经营模式",
        ["生产厂家", "经销批发", "生产加工"][(h % 3) as usize],
    ));
    sup.push(own_field("location", "所在地", location.clone()));
    own.supplier = sup;

    let price = own.spec("price").map(|f| f.value.clone()).unwrap_or_default();
    let moq = own.spec("moq").map(|f| f.value.clone()).unwrap_or_default();
    let th = fnv(own.title.as_bytes());
    let mut specs = vec![
        own_field("brand", "品牌", short.chars().take(2).collect::<String>()),
        own_field("model", "货号", format!("HG-{:04}", th % 10_000)),
    ];
    specs.extend(own.specs.drain(..).filter(|f| f.key != "price" && f.key != "moq"));
    specs.push(own_field("origin", "产地", location));
    match price.strip_suffix("元/公斤").and_then(|p| p.parse::<u32>().ok()) {
        Some(p) => {
            let q = if moq == "25公斤" { 25 } else { 1 };
            specs.push(own_field("price", "价格", yuan(p * 100)));
            specs.push(own_field("moq", "起批量", format!("{}-{}公斤", q, q * 10 - 1)));
            specs.push(own_field(
                "tier",
                &format!("{}-{}公斤", q * 10, q * 100 - 1),
                yuan(p * 92),
            ));
            specs.push(own_field("tier", &format!("≥{}公斤", q * 100), yuan(p * 85)));
        }
        None => {
            specs.push(own_field("price", "价格", price));
            specs.push(own_field("moq", "起批量", format!("≥{moq}")));
        }
    }
    own.specs = specs;
}

/// `alibaba-like` own content: "Key attributes" (Place of Origin, Brand Name,
/// Model Number, CAS No., Purity, Appearance, Application) and the supplier
/// card (company, years, location, verification, response time and rate,
/// contact person). The card shows no phone, e-mail or messenger, as on the
/// international platforms; sellers write them at the end of their own
/// description ("Contact: … | Telephone: … | E-mail: … | WhatsApp: …"), so
/// the shady supplier's messenger is still the listing's own content. The
/// card's "Other products from this supplier" is chrome.
fn ali_own(own: &mut Own) {
    let company = sup_get(own, "supplier");
    let location = sup_get(own, "location");
    let contact = sup_get(own, "contact");
    let member: u32 = sup_get(own, "member").parse().unwrap_or(2018);
    let h = fnv(company.as_bytes());
    let th = fnv(own.title.as_bytes());
    let brand = company.split_whitespace().nth(1).unwrap_or("OEM").to_string();
    let parts: Vec<&str> = location.split(", ").collect();
    let origin = if parts.len() > 2 {
        parts[1..].join(", ")
    } else {
        location.clone()
    };
    let mut specs = vec![
        own_field("origin", "Place of Origin", origin),
        own_field("brand", "Brand Name", brand.clone()),
        own_field(
            "model",
            "Model Number",
            format!("{}-{:03}", brand[..2].to_uppercase(), th % 1000),
        ),
    ];
    for key in ["cas", "purity", "appearance"] {
        specs.extend(own.spec(key).cloned());
    }
    if own.spec("purity").is_some() {
        let app = ["Chemical raw material", "Organic synthesis", "Industrial use"][(th % 3) as usize];
        specs.push(own_field("application", "Application", app));
    }
    specs.extend(
        own.specs
            .iter()
            .filter(|f| !["cas", "purity", "appearance"].contains(&f.key))
            .cloned(),
    );
    own.specs = specs;
    let mut line = format!(
        "Contact: {contact} | Telephone: {} | E-mail: {}",
        sup_get(own, "phone"),
        sup_get(own, "email")
    );
    if let Some(m) = own.supplier.iter().find(|f| f.key == "messenger") {
        let _ = write!(line, " | {}", m.value);
    }
    own.description.push(line);
    own.supplier = vec![
        own_field("supplier", "Company", company),
        own_field("years", "Years", format!("{} yrs", 2026 - member)),
        own_field("location", "Location", location),
        own_field(
            "verified",
            "Verification",
            if h.is_multiple_of(3) {
                "Verified Manufacturer"
            } else {
                "Verified Supplier"
            },
        ),
        own_field("response", "Response time", format!("≤{}h", 1 + h % 6)),
        own_field(
            "rate",
            "Response rate",
            format!("{}.{}%", 88 + (h >> 8) % 12, (h >> 16) % 10),
        ),
        own_field("contact", "Contact Person", contact),
    ];
}

/// `forum-like` own content: the seller is the thread's author. Their user
/// name (from the company) is added; the rest of the supplier block is the
/// author's signature under the post, with the contacts, and "Member since"
/// sits in the author's profile column. Signature and profile are the
/// listing's own content: they are the seller's, shown on that seller's
/// threads only.
fn forum_own(own: &mut Own) {
    let company = sup_get(own, "supplier");
    let h = fnv(company.as_bytes());
    let user = format!(
        "{}_{}",
        company.split_whitespace().nth(1).unwrap_or("seller").to_lowercase(),
        ["chem", "trade", "sales", "supply"][(h % 4) as usize]
    );
    own.supplier.insert(0, own_field("author", "Author", user));
}

// ----- zh-b2b ---------------------------------------------------------------

/// `zh-b2b`: a Chinese domestic B2B wholesale site in the style of the big
/// wholesale platforms (1688, hc360, the Chinese edition of Made-in-China),
/// served as GBK with the charset in the HTTP header only (no `<meta>`).
/// `<title>` as `产品名-厂家直销-公司名-网站名` (hyphens without spaces, which
/// also occur inside the chemical names). A sticky 导航 bar (site links and
/// the 全部分类 category list), unlabelled hot words under the search box,
/// 当前位置 breadcrumb; the product name in a `<div class="d-title">` (an
/// `<h2>` inside it, except on a quarter of the listings, older offers, where
/// it is plain text); a price-tier table (价格 / 起批量 rows); tabs 商品详情 /
/// 评价 / 成交记录; the attributes as a table of two label/value pairs a row;
/// 详细描述; the reviews and deals panels; 相关搜索 (links) and 大家还在看 (other
/// listings) below; a right column with the supplier card (contact lines,
/// 进入店铺, and 该店铺其他产品: the same supplier's other listings, rotating)
/// and 同类推荐 (other listings); a footer with 热门推荐 keyword links, the
/// marketplace's contact, payment and ICP lines.
pub static ZH_B2B: Template = Template {
    name: "zh-b2b",
    lang: Lang::Zh,
    charset: Charset::Gbk,
    listing_re: r"^/offer/\d+\.html$",
    listing_path: |id, _| format!("/offer/{}.html", 600_000_000_000u64 + u64::from(id) * 7_919),
    category_path: |s, n| {
        if n == 1 {
            format!("/pifa/{s}.html")
        } else {
            format!("/pifa/{s}-p{n}.html")
        }
    },
    search_path: Some(|q| format!("/selloffer/offer_search.htm?keywords={q}")),
    listing: b2b_listing,
    index: b2b_index,
    selectors: Some(|_| {
        vec![
            ("title".into(), "div.d-title".into()),
            ("description".into(), "div.desc-content".into()),
            ("specs".into(), "table.attr-table".into()),
            ("price".into(), "div.price-box".into()),
            ("supplier".into(), "div.supplier-contact".into()),
        ]
    }),
    classes: 1,
    obfuscated: false,
};

fn b2b_market(ctx: &Ctx) -> String {
    ctx.market.replace(" 化工网", "批发网")
}

fn b2b_head(ctx: &Ctx, title: &str, keywords: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html>\n<head>\n<title>{}</title>\n<meta name=\"keywords\" content=\"{}\">\n<link rel=\"stylesheet\" href=\"//style.{d}/app/detail/css/od.css\">\n<script src=\"//style.{d}/app/detail/js/od.js\"></script>\n</head>\n<body class=\"od-body\">\n",
        esc(title),
        esc(keywords),
        d = ctx.domain
    )
}

fn b2b_top(ctx: &Ctx, ch: &Chrome, s: &mut String) {
    let m = b2b_market(ctx);
    if ctx.chrome {
        let _ = write!(
            s,
            "<div class=\"sticky-nav\" id=\"J_StickyNav\"><div class=\"w1190\"><a class=\"sn-logo\" href=\"/\">{}</a><ul class=\"sn-links\"><li><a href=\"/\">首页</a></li><li><a href=\"/pifa/\">批发进货</a></li><li><a href=\"/qiugou/\">采购求购</a></li><li><a href=\"/gongchang/\">找工厂</a></li><li><a href=\"/zixun/\">行业资讯</a></li></ul>",
            esc(&m)
        );
        if !ch.menu.is_empty() {
            s.push_str("<div class=\"sn-cats\"><span class=\"sn-cats-t\">全部分类</span><ul>");
            for l in &ch.menu {
                let _ = write!(s, "<li>{}</li>", a(l));
            }
            s.push_str("</ul></div>");
        }
        s.push_str("<div class=\"sn-user\"><a href=\"/login.htm\">请登录</a> <a href=\"/reg.htm\">免费注册</a> <a href=\"/cart.htm\">进货单</a> <a href=\"/member/\">会员中心</a></div></div></div>\n");
    }
    let _ = write!(
        s,
        "<div class=\"header\"><div class=\"logo\"><a href=\"/\"><img src=\"/img/logo.png\" alt=\"{}\"></a></div><div class=\"search-box\"><form action=\"/selloffer/offer_search.htm\" method=\"get\"><input type=\"text\" name=\"keywords\" class=\"search-input\" placeholder=\"搜索产品名称、CAS号\"><button type=\"submit\">搜 索</button></form>",
        esc(&m)
    );
    if !ch.hot_searches.is_empty() {
        let _ = write!(s, "<div class=\"hot-words\">{}</div>", links(&ch.hot_searches, " "));
    }
    s.push_str("</div></div>\n");
    if !ch.crumbs.is_empty() {
        let _ = writeln!(
            s,
            "<div class=\"crumbs\">当前位置：{}</div>",
            links(&ch.crumbs, " &gt; ")
        );
    }
}

/// A list of other listings with their price lines.
fn b2b_items(v: &[(Link, String)], s: &mut String) {
    s.push_str("<ul>");
    for (l, p) in v {
        let _ = write!(
            s,
            "<li><div class=\"pic\"><img src=\"/img/o/{}.jpg\" alt=\"\"></div><div class=\"t\">{}</div><div class=\"price\">{}</div></li>",
            fnv(l.href.as_bytes()) % 100_000,
            a(l),
            esc(p)
        );
    }
    s.push_str("</ul>");
}

fn b2b_side(ch: &Chrome, s: &mut String) {
    if !ch.more.is_empty() {
        s.push_str("<div class=\"mod-similar\"><div class=\"title\">同类推荐</div>");
        b2b_items(&ch.more, s);
        s.push_str("</div>");
    }
}

fn b2b_foot(ctx: &Ctx, ch: &Chrome, s: &mut String) {
    if ctx.chrome {
        s.push_str("<div class=\"footer\">");
        if !ch.trending.is_empty() {
            let tl: Vec<Link> = ch
                .trending
                .iter()
                .map(|t| Link {
                    text: t.clone(),
                    href: format!("/selloffer/offer_search.htm?keywords={}", search_slug(t)),
                })
                .collect();
            let _ = write!(
                s,
                "<div class=\"seo-links\"><span>热门推荐：</span>{}</div>",
                links(&tl, " ")
            );
        }
        s.push_str("<div class=\"foot-links\"><a href=\"/about.htm\">关于我们</a> | <a href=\"/help/\">帮助中心</a> | <a href=\"/rule/\">规则中心</a> | <a href=\"/link.htm\">友情链接</a> | <a href=\"/sitemap.htm\">网站地图</a></div>");
        for f in &ch.footer {
            let _ = write!(s, "<p>{}</p>", esc(f));
        }
        let _ = writeln!(
            s,
            "<p class=\"copy\">&copy; 2010-2025 {} 版权所有 <a href=\"https://beian.example.cn/\">浙ICP备10055502号-1</a> 增值电信业务经营许可证：浙B2-20100555</p></div>",
            esc(&b2b_market(ctx))
        );
    }
    s.push_str("</body>\n</html>\n");
}

fn b2b_listing(ctx: &Ctx, l: &Listing, ch: &Chrome) -> String {
    let o = &l.own;
    let company = company_of(o);
    let tag = ["厂家直销", "批发价格", "价格优惠"]
        .into_iter()
        .cycle()
        .skip(l.id as usize % 3)
        .take(3)
        .find(|t| !o.title.contains(t))
        .unwrap_or("批发");
    let title = format!("{}-{tag}-{company}-{}", o.title, b2b_market(ctx));
    let keywords = format!("{t},{t}价格,{t}批发", t = o.title);
    let mut s = b2b_head(ctx, &title, &keywords);
    b2b_top(ctx, ch, &mut s);
    let _ = write!(
        s,
        "<div class=\"detail-wrap w1190\"><div class=\"region-main\">\n<div class=\"mod-gallery\"><img src=\"//img.{}/offer/{}.jpg\" alt=\"{}\"></div>\n<div class=\"mod-info\">",
        ctx.domain,
        l.id,
        esc(&o.title)
    );
    if l.id.is_multiple_of(4) {
        let _ = write!(s, "<div class=\"d-title\">{}</div>", esc(&o.title));
    } else {
        let _ = write!(s, "<div class=\"d-title\"><h2>{}</h2></div>", esc(&o.title));
    }
    // Price tiers: 价格 and 起批量 rows.
    let price = o.spec("price");
    let moq = o.spec("moq");
    let tiers: Vec<&Field> = o.specs.iter().filter(|f| f.key == "tier").collect();
    s.push_str("<div class=\"price-box\">");
    if let (Some(p), Some(q)) = (price, moq) {
        if tiers.is_empty() {
            let _ = write!(
                s,
                "<div class=\"price-one\"><span class=\"k\">{}</span> <span class=\"v\">{}</span></div><div class=\"amount-one\"><span class=\"k\">{}</span> <span class=\"v\">{}</span></div>",
                esc(&p.label),
                esc(&p.value),
                esc(&q.label),
                esc(&q.value)
            );
        } else {
            let _ = write!(
                s,
                "<table class=\"price-table\"><tr class=\"price\"><th>{}</th><td>{}</td>",
                esc(&p.label),
                esc(&p.value)
            );
            for t in &tiers {
                let _ = write!(s, "<td>{}</td>", esc(&t.value));
            }
            let _ = write!(
                s,
                "</tr><tr class=\"amount\"><th>{}</th><td>{}</td>",
                esc(&q.label),
                esc(&q.value)
            );
            for t in &tiers {
                let _ = write!(s, "<td>{}</td>", esc(&t.label));
            }
            s.push_str("</tr></table>");
        }
    }
    s.push_str("</div><div class=\"obj-order\"><a class=\"do-purchase\" href=\"#\">立即订购</a> <a class=\"do-cart\" href=\"#\">加入进货单</a></div></div>\n");
    let deals = (fnv(l.path.as_bytes()) % 4) as usize;
    let _ = write!(
        s,
        "<div class=\"mod-tabs\" id=\"J_Tabs\"><ul><li class=\"selected\"><a href=\"#desc\">商品详情</a></li><li><a href=\"#reviews\">评价 <em>0</em></a></li><li><a href=\"#deals\">成交记录 <em>{deals}</em></a></li></ul></div>\n<div id=\"desc\" class=\"mod-detail\"><div class=\"mod-detail-attributes\"><div class=\"title\">商品属性</div><table class=\"attr-table\">"
    );
    let attrs: Vec<&Field> = o
        .specs
        .iter()
        .filter(|f| !matches!(f.key, "price" | "moq" | "tier"))
        .collect();
    for pair in attrs.chunks(2) {
        s.push_str("<tr>");
        for f in pair {
            let _ = write!(
                s,
                "<td class=\"de-feature\">{}</td><td class=\"de-value\">{}</td>",
                esc(&f.label),
                esc(&f.value)
            );
        }
        s.push_str("</tr>");
    }
    s.push_str("</table></div>\n<div class=\"mod-detail-description\"><div class=\"title\">详细描述</div><div class=\"desc-content\">");
    for p in &o.description {
        let _ = write!(s, "<p>{}</p>", esc(p));
    }
    s.push_str("</div></div></div>\n<div id=\"reviews\" class=\"mod-reviews\"><div class=\"title\">评价</div><p class=\"empty\">暂无评价</p></div>\n<div id=\"deals\" class=\"mod-deals\"><div class=\"title\">成交记录</div>");
    if deals == 0 {
        s.push_str("<p class=\"empty\">暂无成交记录</p>");
    } else {
        s.push_str("<table><tr><th>采购商</th><th>采购数量</th><th>成交时间</th></tr>");
        for i in 0..deals {
            let h = fnv(format!("{}#{i}", l.path).as_bytes());
            let _ = write!(
                s,
                "<tr><td>{}</td><td>{}公斤</td><td>{}</td></tr>",
                ["广州**贸易有限公司", "苏州**化工", "济南**科技", "深圳**实业"][(h % 4) as usize],
                [2, 5, 10, 25][((h >> 8) % 4) as usize],
                portal_date(&format!("{}#{i}", l.path))
            );
        }
        s.push_str("</table>");
    }
    s.push_str("</div>\n");
    if !ch.recent.is_empty() {
        let rl: Vec<Link> = ch
            .recent
            .iter()
            .map(|t| Link {
                text: t.clone(),
                href: format!("/selloffer/offer_search.htm?keywords={}", search_slug(t)),
            })
            .collect();
        let _ = writeln!(
            s,
            "<div class=\"related-search\"><span class=\"t\">相关搜索：</span>{}</div>",
            links(&rl, " ")
        );
    }
    if !ch.related.is_empty() {
        s.push_str("<div class=\"others-view\"><div class=\"title\">大家还在看</div>");
        b2b_items(&ch.related, &mut s);
        s.push_str("</div>\n");
    }
    let shop_href = format!("/shop/{:x}.html", fnv(company.as_bytes()) & 0xff_ffff);
    let _ = write!(
        s,
        "</div>\n<div class=\"region-side\"><div class=\"mod-supplier\"><div class=\"supplier-contact\"><div class=\"company-name\"><a href=\"{}\" title=\"{c}\">{c}</a></div>",
        esc(&shop_href),
        c = esc(company)
    );
    for f in &o.supplier {
        match f.key {
            "supplier" => {}
            "years" => {
                let _ = write!(
                    s,
                    "<div class=\"cxt\"><span class=\"cxt-t\">{}</span> <span class=\"cxt-y\">{}</span></div>",
                    esc(&f.label),
                    esc(&f.value)
                );
            }
            _ => {
                let _ = write!(
                    s,
                    "<dl class=\"contact-item\"><dt>{}：</dt><dd>{}</dd></dl>",
                    esc(&f.label),
                    esc(&f.value)
                );
            }
        }
    }
    let _ = write!(
        s,
        "</div><div class=\"shop-btns\"><a class=\"enter-shop\" href=\"{}\">进入店铺</a> <a class=\"fav-shop\" href=\"/favorite.htm\">收藏店铺</a></div>",
        esc(&shop_href)
    );
    if !ch.shop.is_empty() {
        s.push_str("<div class=\"shop-other\"><div class=\"title\">该店铺其他产品</div>");
        b2b_items(&ch.shop, &mut s);
        s.push_str("</div>");
    }
    s.push_str("</div>");
    b2b_side(ch, &mut s);
    s.push_str("</div></div>\n");
    b2b_foot(ctx, ch, &mut s);
    s
}

fn b2b_index(ctx: &Ctx, idx: &Index, ch: &Chrome) -> String {
    let title = format!("{}-{}", idx.heading, b2b_market(ctx));
    let mut s = b2b_head(ctx, &title, &idx.heading);
    b2b_top(ctx, ch, &mut s);
    let _ = write!(
        s,
        "<div class=\"list-wrap w1190\"><div class=\"region-main\"><h1 class=\"list-title\">{}</h1><p class=\"list-intro\">{}</p><div class=\"offer-list\">",
        esc(&idx.heading),
        esc(&idx.intro)
    );
    b2b_items(&idx.items, &mut s);
    let _ = write!(
        s,
        "</div><div class=\"pager\">{}</div></div>\n<div class=\"region-side\">",
        links(&idx.pager, " ")
    );
    b2b_side(ch, &mut s);
    s.push_str("</div></div>\n");
    b2b_foot(ctx, ch, &mut s);
    s
}

// ----- alibaba-like ---------------------------------------------------------

/// `alibaba-like`: an international B2B product page. A header with the
/// categories drop-down and the search bar; a breadcrumb; the product `<h1>`,
/// the price and MOQ, a "Key attributes" grid (Place of Origin, Brand Name,
/// Model Number, CAS No., Purity, Appearance, Application; label and value
/// in separate `<div>`s, no colons), "Packaging and delivery" in the same
/// grid, the product description (ending with the seller's contact line); a
/// right column with the supplier card (company, years, location,
/// verification, response time and rate as value-then-label, the contact
/// person, "Contact supplier", "Chat now", and "Other products from this
/// supplier": the same supplier's other listings, rotating); a "Products you
/// may like" carousel of other listings; "Top searches"; a mega-footer with
/// link columns, "Trending keywords" and the marketplace's contact.
pub static ALIBABA_LIKE: Template = Template {
    name: "alibaba-like",
    lang: Lang::En,
    charset: Charset::Utf8,
    listing_re: r"^/product-detail/[a-z0-9-]+_\d+\.html$",
    listing_path: |id, s| {
        format!(
            "/product-detail/{s}_{}.html",
            1_600_000_000_000u64 + u64::from(id) * 104_729
        )
    },
    category_path: |s, n| {
        if n == 1 {
            format!("/catalog/{s}")
        } else {
            format!("/catalog/{s}?page={n}")
        }
    },
    search_path: Some(|q| format!("/trade/search?SearchText={q}")),
    listing: ali_listing,
    index: ali_index,
    selectors: Some(|_| {
        vec![
            ("title".into(), "h1.product-title".into()),
            ("description".into(), "div.product-description".into()),
            ("specs".into(), "div.key-attributes".into()),
            ("price".into(), "div.price-module".into()),
            ("supplier".into(), "div.card-company".into()),
        ]
    }),
    classes: 1,
    obfuscated: false,
};

fn ali_top(ctx: &Ctx, title: &str, ch: &Chrome) -> String {
    let kw = title.split(',').next().unwrap_or(title).trim();
    let mut s = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n{}\n<title>{} - Buy {} Product on {}</title>\n<link rel=\"stylesheet\" href=\"//assets.{}/pc/detail/index.css\">\n</head>\n<body class=\"detail-page\">\n<div class=\"header\"><div class=\"header-row\"><a class=\"logo\" href=\"/\">{}</a>",
        ctx.meta_charset(),
        esc(title),
        esc(kw),
        esc(&ctx.market),
        ctx.domain,
        esc(&ctx.market)
    );
    if !ch.menu.is_empty() {
        s.push_str(
            "<div class=\"categories-dropdown\"><span class=\"cd-label\">Categories</span><ul class=\"cd-list\">",
        );
        for l in &ch.menu {
            let _ = write!(s, "<li>{}</li>", a(l));
        }
        s.push_str("</ul></div>");
    }
    s.push_str("<form class=\"search-bar\" action=\"/trade/search\"><select name=\"tab\"><option>Products</option><option>Manufacturers</option></select><input type=\"text\" name=\"SearchText\" placeholder=\"What are you looking for...\"><button type=\"submit\">Search</button></form><div class=\"header-actions\"><a href=\"/signin\">Sign in</a> <a href=\"/join\">Join free</a> <a href=\"/messages\">Messages</a> <a href=\"/orders\">Orders</a> <a href=\"/cart\">Cart</a></div></div></div>\n");
    s
}

fn ali_grid(fields: &[&Field], s: &mut String) {
    s.push_str("<div class=\"attr-grid\">");
    for f in fields {
        let _ = write!(
            s,
            "<div class=\"attr-item\"><div class=\"attr-name\">{}</div><div class=\"attr-value\">{}</div></div>",
            esc(&f.label),
            esc(&f.value)
        );
    }
    s.push_str("</div>");
}

fn ali_bottom(ctx: &Ctx, ch: &Chrome, s: &mut String) {
    let tops: Vec<Link> = ch.hot_searches.iter().chain(&ch.also_bought).cloned().collect();
    if !tops.is_empty() {
        let _ = writeln!(
            s,
            "<div class=\"top-searches\"><h3>Top searches</h3><div class=\"ts-links\">{}</div></div>",
            links(&tops, " ")
        );
    }
    if ctx.chrome {
        let m = esc(&ctx.market);
        let _ = write!(
            s,
            "<footer class=\"mega-footer\"><div class=\"footer-cols\"><div class=\"fcol\"><h4>Get support</h4><a href=\"/help\">Help Center</a><a href=\"/chat\">Live chat</a><a href=\"/orders\">Check order status</a><a href=\"/refunds\">Refunds</a><a href=\"/report\">Report abuse</a></div><div class=\"fcol\"><h4>Trade Assurance</h4><a href=\"/ta/payments\">Secure payments</a><a href=\"/ta/refund\">Money-back policy</a><a href=\"/ta/shipping\">On-time shipping</a><a href=\"/ta/after-sales\">After-sales protections</a></div><div class=\"fcol\"><h4>Source on {m}</h4><a href=\"/rfq\">Request for Quotation</a><a href=\"/membership\">Membership program</a><a href=\"/logistics\">Logistics</a><a href=\"/tax\">Sales tax and VAT</a></div><div class=\"fcol\"><h4>Sell on {m}</h4><a href=\"/sell\">Start selling</a><a href=\"/seller\">Seller Central</a><a href=\"/verified\">Become a Verified Supplier</a></div><div class=\"fcol\"><h4>Get to know us</h4><a href=\"/about\">About {m}</a><a href=\"/csr\">Corporate responsibility</a><a href=\"/news\">News center</a><a href=\"/careers\">Careers</a></div></div>"
        );
        if !ch.trending.is_empty() {
            let tl: Vec<Link> = ch
                .trending
                .iter()
                .map(|t| Link {
                    text: t.clone(),
                    href: format!("/trade/search?SearchText={}", search_slug(t)),
                })
                .collect();
            let _ = write!(
                s,
                "<div class=\"trending-keywords\"><span class=\"tk-label\">Trending keywords:</span> {}</div>",
                links(&tl, " ")
            );
        }
        for f in &ch.footer {
            let _ = write!(s, "<p class=\"f-line\">{}</p>", esc(f));
        }
        let _ = writeln!(
            s,
            "<div class=\"copyright\">&copy; 1999-2025 {m}. All rights reserved.</div></footer>"
        );
    }
    s.push_str("</body>\n</html>\n");
}

fn ali_listing(ctx: &Ctx, l: &Listing, ch: &Chrome) -> String {
    let o = &l.own;
    let mut s = ali_top(ctx, &o.title, ch);
    s.push_str("<div class=\"layout-detail\">\n");
    if !ch.crumbs.is_empty() {
        let _ = writeln!(
            s,
            "<div class=\"detail-breadcrumb\">{}</div>",
            links(&ch.crumbs, " <span class=\"sep\">&gt;</span> ")
        );
    }
    let _ = write!(
        s,
        "<div class=\"main-row\"><div class=\"product-main\"><div class=\"gallery\"><img src=\"//img.{}/kf/H{:x}.jpg\" alt=\"{}\"></div><div class=\"product-info\"><h1 class=\"product-title\">{}</h1><div class=\"price-module\">",
        ctx.domain,
        fnv(l.path.as_bytes()),
        esc(&o.title),
        esc(&o.title)
    );
    if let Some(p) = o.spec("price") {
        let _ = write!(s, "<div class=\"price-range\">{}</div>", esc(&p.value));
    }
    if let Some(q) = o.spec("moq") {
        let _ = write!(
            s,
            "<div class=\"moq\"><span class=\"moq-k\">{}</span> <span class=\"moq-v\">{}</span></div>",
            esc(&q.label),
            esc(&q.value)
        );
    }
    s.push_str("</div>");
    let delivery = ["package", "supply", "payment"];
    let keyattrs: Vec<&Field> = o
        .specs
        .iter()
        .filter(|f| !delivery.contains(&f.key) && !matches!(f.key, "price" | "moq"))
        .collect();
    let pack: Vec<&Field> = o.specs.iter().filter(|f| delivery.contains(&f.key)).collect();
    s.push_str("<div class=\"key-attributes\"><h3>Key attributes</h3>");
    ali_grid(&keyattrs, &mut s);
    s.push_str("</div><div class=\"packaging\"><h3>Packaging and delivery</h3>");
    ali_grid(&pack, &mut s);
    s.push_str("</div><div class=\"actions\"><button type=\"button\">Send inquiry</button><button type=\"button\">Chat now</button></div></div>\n<div class=\"product-description\"><h2>Product Description</h2>");
    for p in &o.description {
        let _ = write!(s, "<p>{}</p>", esc(p));
    }
    s.push_str("</div></div>\n<div class=\"supplier-col\"><div class=\"supplier-card\"><div class=\"card-company\">");
    let company = company_of(o);
    let get = |k: &str| o.supplier.iter().find(|f| f.key == k);
    let _ = write!(
        s,
        "<a class=\"company-name\" href=\"/company/{:x}.html\">{}</a><div class=\"company-meta\"><span class=\"country\">CN</span> ",
        fnv(company.as_bytes()) & 0xff_ffff,
        esc(company)
    );
    if let Some(f) = get("years") {
        let _ = write!(s, "<span class=\"yrs\">{}</span> ", esc(&f.value));
    }
    if let Some(f) = get("location") {
        let _ = write!(s, "<span class=\"loc\">{}</span>", esc(&f.value));
    }
    s.push_str("</div>");
    if let Some(f) = get("verified") {
        let _ = write!(s, "<div class=\"verified-badge\">{}</div>", esc(&f.value));
    }
    s.push_str("<div class=\"card-stats\">");
    for k in ["response", "rate"] {
        if let Some(f) = get(k) {
            let _ = write!(
                s,
                "<div class=\"stat\"><div class=\"stat-v\">{}</div><div class=\"stat-k\">{}</div></div>",
                esc(&f.value),
                esc(&f.label)
            );
        }
    }
    s.push_str("</div>");
    if let Some(f) = get("contact") {
        let _ = write!(
            s,
            "<div class=\"contact-person\"><img src=\"/img/avatar.png\" alt=\"\"><span>{}</span></div>",
            esc(&f.value)
        );
    }
    s.push_str("</div><div class=\"card-actions\"><button type=\"button\" class=\"btn-contact\">Contact supplier</button><button type=\"button\" class=\"btn-chat\">Chat now</button></div>");
    if !ch.shop.is_empty() {
        s.push_str(
            "<div class=\"supplier-products\"><div class=\"sp-title\">Other products from this supplier</div><ul>",
        );
        for (r, p) in &ch.shop {
            let _ = write!(
                s,
                "<li><a href=\"{}\"><img src=\"//img.{}/kf/H{:x}.jpg\" alt=\"{}\"><span class=\"sp-name\">{}</span></a><span class=\"sp-price\">{}</span></li>",
                esc(&r.href),
                ctx.domain,
                fnv(r.href.as_bytes()),
                esc(&r.text),
                esc(&r.text),
                esc(p)
            );
        }
        s.push_str("</ul></div>");
    }
    s.push_str("</div></div></div>\n");
    if !ch.related.is_empty() || !ch.more.is_empty() {
        s.push_str("<div class=\"you-may-like\"><h2>Products you may like</h2><div class=\"carousel\"><button type=\"button\" class=\"prev\">&lt;</button><div class=\"slides\">");
        for (r, p) in ch.related.iter().chain(&ch.more) {
            let _ = write!(
                s,
                "<div class=\"slide\"><a href=\"{}\"><img src=\"//img.{}/kf/H{:x}.jpg\" alt=\"{}\"><div class=\"slide-title\">{}</div></a><div class=\"slide-price\">{}</div></div>",
                esc(&r.href),
                ctx.domain,
                fnv(r.href.as_bytes()),
                esc(&r.text),
                esc(&r.text),
                esc(p)
            );
        }
        s.push_str("</div><button type=\"button\" class=\"next\">&gt;</button></div></div>\n");
    }
    s.push_str("</div>\n");
    ali_bottom(ctx, ch, &mut s);
    s
}

fn ali_index(ctx: &Ctx, idx: &Index, ch: &Chrome) -> String {
    let mut s = ali_top(ctx, &idx.heading, ch);
    let _ = write!(
        s,
        "<div class=\"layout-list\"><h1>{}</h1><p class=\"list-intro\">{}</p><div class=\"organic-list\">",
        esc(&idx.heading),
        esc(&idx.intro)
    );
    for (l, p) in &idx.items {
        let _ = write!(
            s,
            "<div class=\"list-card\"><div class=\"lc-title\">{}</div><div class=\"lc-price\">{}</div></div>",
            a(l),
            esc(p)
        );
    }
    let _ = writeln!(
        s,
        "</div><div class=\"pagination\">{}</div></div>",
        links(&idx.pager, " ")
    );
    ali_bottom(ctx, ch, &mut s);
    s
}

// ----- mobile ---------------------------------------------------------------

/// `mobile`: the mobile site (m.domain) of an exporters' marketplace, one
/// column, interface in Chinese and English, listings in English. An app
/// download banner; a header with a hamburger button, the site name as the
/// page's `<h1>` and a search link; the off-canvas drawer of categories; the
/// search panel with hot searches (links) and the visitor's recent searches
/// (plain text); the product block (image, price, the name in a plain
/// `<div>`, MOQ, the specifications as `<li>` rows of two `<span>`s, the
/// shop bar, 商品详情 Details, the contact sheet with the supplier's contacts);
/// "猜你喜欢 You may also like", an endless list of product cards (other
/// listings: a link with name and price) ending in "加载中… Loading more";
/// "大家都在搜 Trending" (links); a small footer with the marketplace's
/// contact; an action bar and the bottom tab bar (Home / Category / Cart /
/// Me). The canonical link points to the desktop site (another host).
pub static MOBILE: Template = Template {
    name: "mobile",
    lang: Lang::En,
    charset: Charset::Utf8,
    listing_re: r"^/item/\d+\.html$",
    listing_path: |id, _| format!("/item/{id}.html"),
    category_path: |s, n| {
        if n == 1 {
            format!("/list/{s}.html")
        } else {
            format!("/list/{s}.html?page={n}")
        }
    },
    search_path: Some(|q| format!("/search?kw={q}")),
    listing: mobile_listing,
    index: mobile_index,
    selectors: Some(|_| {
        vec![
            ("title".into(), "div.goods-title".into()),
            ("description".into(), "div.goods-desc".into()),
            ("specs".into(), "ul.param-list".into()),
            ("price".into(), "div.goods-price".into()),
            ("supplier".into(), "div.shop-bar".into()),
            ("contact".into(), "div.contact-sheet".into()),
        ]
    }),
    classes: 1,
    obfuscated: false,
};

fn mobile_top(ctx: &Ctx, title: &str, canonical: &str, ch: &Chrome) -> String {
    let mut s = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n{}\n<meta name=\"viewport\" content=\"width=device-width,initial-scale=1,maximum-scale=1,user-scalable=no\">\n<title>{} - {} 手机版</title>\n<link rel=\"canonical\" href=\"https://www.{}{}\">\n<link rel=\"stylesheet\" href=\"/m/css/app.css\">\n</head>\n<body class=\"m-page\">\n",
        ctx.meta_charset(),
        esc(title),
        esc(&ctx.market),
        ctx.domain,
        esc(canonical)
    );
    if ctx.chrome {
        let _ = writeln!(
            s,
            "<div class=\"app-banner\"><img src=\"/m/img/app-icon.png\" alt=\"\"><div class=\"ab-text\"><div class=\"ab-name\">{} APP</div><div class=\"ab-slogan\">打开APP，新人专享优惠 Open the app for new-user deals</div></div><a class=\"ab-open\" href=\"/app/download\">立即打开 Open</a></div>",
            esc(&ctx.market)
        );
    }
    let _ = writeln!(
        s,
        "<header class=\"m-header\"><button type=\"button\" class=\"menu-btn\" aria-label=\"Menu\">☰</button><h1 class=\"logo\"><a href=\"/\">{}</a></h1><a class=\"search-btn\" href=\"/search\">搜索</a></header>",
        esc(&ctx.market)
    );
    if !ch.menu.is_empty() {
        s.push_str("<div class=\"drawer\" id=\"drawer\"><div class=\"drawer-hd\">全部分类 All categories</div><ul>");
        for l in &ch.menu {
            let _ = write!(s, "<li>{}</li>", a(l));
        }
        s.push_str("</ul></div>\n");
    }
    if !ch.hot_searches.is_empty() || !ch.recent.is_empty() {
        s.push_str("<div class=\"search-panel\"><form action=\"/search\"><input type=\"search\" name=\"kw\" placeholder=\"搜索商品 Search products\"></form>");
        if !ch.hot_searches.is_empty() {
            let _ = write!(
                s,
                "<div class=\"sp-hot\"><div class=\"sp-hd\">热门搜索 Hot searches</div>{}</div>",
                links(&ch.hot_searches, "")
            );
        }
        if !ch.recent.is_empty() {
            s.push_str("<div class=\"sp-history\"><div class=\"sp-hd\">历史搜索 Recent</div>");
            for t in &ch.recent {
                let _ = write!(s, "<span class=\"chip\">{}</span>", esc(t));
            }
            s.push_str("</div>");
        }
        s.push_str("</div>\n");
    }
    s
}

fn mobile_card(ctx: &Ctx, l: &Link, p: &str) -> String {
    format!(
        "<a class=\"g-card\" href=\"{}\"><img src=\"//img.{}/m/{}.jpg\" alt=\"\"><p class=\"g-name\">{}</p><p class=\"g-price\">{}</p></a>",
        esc(&l.href),
        ctx.domain,
        fnv(l.href.as_bytes()) % 1_000_000,
        esc(&l.text),
        esc(p)
    )
}

fn mobile_bottom(ctx: &Ctx, ch: &Chrome, listing: bool, s: &mut String) {
    if !ch.trending.is_empty() {
        let tl: Vec<Link> = ch
            .trending
            .iter()
            .map(|t| Link {
                text: t.clone(),
                href: format!("/search?kw={}", search_slug(t)),
            })
            .collect();
        let _ = writeln!(
            s,
            "<div class=\"m-trending\"><div class=\"hd\">大家都在搜 Trending</div>{}</div>",
            links(&tl, "")
        );
    }
    if ctx.chrome {
        let _ = write!(
            s,
            "<footer class=\"m-footer\"><div class=\"mf-links\"><a href=\"/\">首页 Home</a> | <a href=\"https://www.{}/\">电脑版 Desktop</a> | <a href=\"/app/download\">客户端 App</a> | <a href=\"/feedback\">反馈 Feedback</a></div>",
            ctx.domain
        );
        for f in &ch.footer {
            let _ = write!(s, "<p>{}</p>", esc(f));
        }
        s.push_str("</footer>\n");
    }
    if listing {
        s.push_str("<div class=\"action-bar\"><a class=\"ab-chat\" href=\"#contact\">联系 Contact</a><a class=\"ab-cart\" href=\"/cart\">加入购物车 Add to cart</a><a class=\"ab-buy\" href=\"/order\">立即购买 Buy now</a></div>\n");
    }
    s.push_str("<nav class=\"tabbar\"><a href=\"/\" class=\"on\">首页 Home</a><a href=\"/category\">分类 Category</a><a href=\"/cart\">购物车 Cart</a><a href=\"/my\">我的 Me</a></nav>\n</body>\n</html>\n");
}

fn mobile_listing(ctx: &Ctx, l: &Listing, ch: &Chrome) -> String {
    let o = &l.own;
    let mut s = mobile_top(ctx, &o.title, &format!("/product/{}.html", l.id), ch);
    let _ = write!(
        s,
        "<div class=\"goods\"><div class=\"swiper\"><img src=\"//img.{}/m/{}-1.jpg\" alt=\"{}\"><span class=\"swiper-num\">1/5</span></div>",
        ctx.domain,
        l.id,
        esc(&o.title)
    );
    if let Some(p) = o.spec("price") {
        let _ = write!(s, "<div class=\"goods-price\">{}</div>", esc(&p.value));
    }
    let _ = write!(s, "<div class=\"goods-title\">{}</div>", esc(&o.title));
    if let Some(q) = o.spec("moq") {
        let _ = write!(s, "<div class=\"goods-moq\">{} {}</div>", esc(&q.label), esc(&q.value));
    }
    s.push_str(
        "<div class=\"section params\"><div class=\"section-hd\">参数 Specifications</div><ul class=\"param-list\">",
    );
    for f in o.specs.iter().filter(|f| !matches!(f.key, "price" | "moq")) {
        let _ = write!(
            s,
            "<li><span class=\"pk\">{}</span> <span class=\"pv\">{}</span></li>",
            esc(&f.label),
            esc(&f.value)
        );
    }
    s.push_str("</ul></div>");
    let company = company_of(o);
    let get = |k: &str| o.supplier.iter().find(|f| f.key == k);
    let _ = write!(
        s,
        "<div class=\"shop-bar\"><img class=\"shop-logo\" src=\"/m/img/shop.png\" alt=\"\"><div class=\"shop-info\"><div class=\"shop-name\">{}</div><div class=\"shop-meta\">",
        esc(company)
    );
    let meta: Vec<String> = ["location", "member"]
        .iter()
        .filter_map(|k| get(k))
        .map(|f| {
            if f.key == "member" {
                format!("{} {}", esc(&f.label), esc(&f.value))
            } else {
                esc(&f.value)
            }
        })
        .collect();
    let _ = write!(
        s,
        "{}</div></div><a class=\"shop-enter\" href=\"/shop/{:x}.html\">进店 Store</a></div>",
        meta.join(" · "),
        fnv(company.as_bytes()) & 0xff_ffff
    );
    s.push_str("<div class=\"section goods-desc\"><div class=\"section-hd\">商品详情 Details</div>");
    for p in &o.description {
        let _ = write!(s, "<p>{}</p>", esc(p));
    }
    s.push_str("</div><div class=\"popup contact-sheet\" id=\"contact\"><div class=\"popup-hd\">联系供应商 Contact supplier</div><ul>");
    for f in o
        .supplier
        .iter()
        .filter(|f| !matches!(f.key, "supplier" | "location" | "member"))
    {
        let _ = write!(
            s,
            "<li><span class=\"ck\">{}</span> <span class=\"cv\">{}</span></li>",
            esc(&f.label),
            esc(&f.value)
        );
    }
    s.push_str("</ul></div></div>\n");
    if !ch.related.is_empty() || !ch.more.is_empty() {
        s.push_str(
            "<div class=\"guess\"><div class=\"guess-hd\">猜你喜欢 You may also like</div><div class=\"guess-list\">",
        );
        for (r, p) in ch.related.iter().chain(&ch.more) {
            s.push_str(&mobile_card(ctx, r, p));
        }
        s.push_str("</div><div class=\"loading\">加载中… Loading more</div></div>\n");
    }
    mobile_bottom(ctx, ch, true, &mut s);
    s
}

fn mobile_index(ctx: &Ctx, idx: &Index, ch: &Chrome) -> String {
    let mut s = mobile_top(ctx, &idx.heading, "/", ch);
    let _ = write!(
        s,
        "<div class=\"list-page\"><div class=\"list-hd\">{}</div><p class=\"list-intro\">{}</p><div class=\"guess-list\">",
        esc(&idx.heading),
        esc(&idx.intro)
    );
    for (l, p) in &idx.items {
        s.push_str(&mobile_card(ctx, l, p));
    }
    let _ = writeln!(s, "</div><div class=\"pager\">{}</div></div>", links(&idx.pager, " "));
    mobile_bottom(ctx, ch, false, &mut s);
    s
}

// ----- forum-like -----------------------------------------------------------

/// `forum-like`: a marketplace on a forum / classifieds engine (a
/// Discuz!-style board). A listing is a thread: the breadcrumb ends in the
/// thread title; `<h1>` holds a "[Sell]" type link and the title in
/// `<span id="thread_subject">`; the author column (the seller's user name,
/// group, counts, "Member since", "Send PM"); the post body, a `<td
/// class="t_f">` of `<br />`-separated free text: the first description
/// sentence, the specs as "Label: value" lines, the rest of the description;
/// the author's signature with the contacts; "Reply | Quote | Report"; a few
/// short replies from buyers (no substance, no tactic); the quick-reply box;
/// "Similar threads" (other listings) under the post. A sidebar with "Hot
/// threads" (other listings with reply counts) and "Latest posts" (want-to-buy
/// threads made of searched terms, and hot products as sell threads). The
/// header has hot searches and a board menu (the categories); the footer the
/// forum's statistics and newest member, tags, the marketplace's contact and
/// the engine's "Powered by". `<title>` as `[Sell] title - board - forum -
/// Powered by …`.
pub static FORUM_LIKE: Template = Template {
    name: "forum-like",
    lang: Lang::En,
    charset: Charset::Utf8,
    listing_re: r"^/thread-\d+-1-1\.html$",
    listing_path: |id, _| format!("/thread-{id}-1-1.html"),
    category_path: |s, n| format!("/forum-{s}-{n}.html"),
    search_path: Some(|q| format!("/search.php?mod=forum&srchtxt={q}")),
    listing: forum_listing,
    index: forum_index,
    selectors: Some(|_| {
        vec![
            ("title".into(), "span#thread_subject".into()),
            ("description".into(), "td.t_f".into()),
            ("supplier".into(), "div.sign".into()),
        ]
    }),
    classes: 1,
    obfuscated: false,
};

/// The thread type shown before a listing's title.
fn forum_prefix(title: &str) -> &'static str {
    if title.starts_with("Compliance notice") {
        "[Notice]"
    } else {
        "[Sell]"
    }
}

fn forum_top(ctx: &Ctx, title: &str, ch: &Chrome) -> String {
    let m = esc(&ctx.market);
    let mut s = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n{}\n<title>{}</title>\n<link rel=\"stylesheet\" href=\"/data/cache/style_1_common.css\">\n</head>\n<body id=\"nv_forum\" class=\"pg_viewthread\">\n<div id=\"toptb\" class=\"cl\"><div class=\"y\"><a href=\"/member.php?mod=logging&amp;action=login\">Login</a> | <a href=\"/member.php?mod=register\">Register</a></div></div>\n<div id=\"hd\"><div class=\"hdc cl\"><h2><a href=\"/\" title=\"{m} Forum\">{m} Forum</a></h2><div id=\"scbar\"><form action=\"/search.php\" method=\"get\"><input type=\"hidden\" name=\"mod\" value=\"forum\"><input type=\"text\" name=\"srchtxt\" placeholder=\"Search threads\"><button type=\"submit\">Search</button></form>",
        ctx.meta_charset(),
        esc(title)
    );
    if !ch.hot_searches.is_empty() {
        let _ = write!(
            s,
            "<div id=\"scbar_hot\"><strong class=\"xw1\">Hot searches: </strong>{}</div>",
            links(&ch.hot_searches, " ")
        );
    }
    s.push_str("</div></div>\n<div id=\"nv\"><ul><li><a href=\"/forum.php\">Forum</a></li><li><a href=\"/forum.php?mod=guide\">Latest</a></li><li><a href=\"/home.php?mod=space&amp;do=album\">Albums</a></li><li><a href=\"/misc.php?mod=faq\">Help</a></li></ul></div>\n");
    if !ch.menu.is_empty() {
        s.push_str("<div id=\"qmenu_menu\" class=\"p_pop\"><div class=\"hd\">Boards</div><ul>");
        for l in &ch.menu {
            let _ = write!(s, "<li>{}</li>", a(l));
        }
        s.push_str("</ul></div>\n");
    }
    s.push_str("</div>\n<div id=\"wp\" class=\"wp\">\n");
    if !ch.crumbs.is_empty() {
        let mut trail = vec![a(&ch.crumbs[0]), "<a href=\"/forum.php\">Forum</a>".to_string()];
        trail.extend(ch.crumbs[1..].iter().map(a));
        let _ = writeln!(
            s,
            "<div id=\"pt\" class=\"bm cl\"><div class=\"z\">{}</div></div>",
            trail.join(" <em>&rsaquo;</em> ")
        );
    }
    s.push_str("<div id=\"ct\" class=\"wp cl\"><div class=\"mn\">\n");
    s
}

/// A date and time for a post (stable per key).
fn forum_time(key: &str) -> String {
    let h = fnv(key.as_bytes());
    format!("{} {:02}:{:02}", portal_date(key), 8 + (h >> 16) % 12, (h >> 24) % 60)
}

fn forum_side_foot(ctx: &Ctx, ch: &Chrome, s: &mut String) {
    s.push_str("</div>\n");
    if !ch.related.is_empty() || !ch.recent.is_empty() || !ch.hot_products.is_empty() {
        s.push_str("<div class=\"sd\">");
        if !ch.related.is_empty() {
            s.push_str(
                "<div class=\"bm hot-threads\"><div class=\"bm_h\"><h2>Hot threads</h2></div><div class=\"bm_c\"><ul>",
            );
            for (r, _) in &ch.related {
                let _ = write!(
                    s,
                    "<li><a href=\"{}\">{} {}</a> <em>{} replies</em></li>",
                    esc(&r.href),
                    forum_prefix(&r.text),
                    esc(&r.text),
                    3 + fnv(r.href.as_bytes()) % 40
                );
            }
            s.push_str("</ul></div></div>");
        }
        if !ch.recent.is_empty() || !ch.hot_products.is_empty() {
            s.push_str("<div class=\"bm latest-posts\"><div class=\"bm_h\"><h2>Latest posts</h2></div><div class=\"bm_c\"><ul>");
            let wtb = ch.recent.iter().take(4).map(|t| format!("[WTB] {t}, 5 kg"));
            let sell = ch.hot_products.iter().take(4).map(|l| format!("[Sell] {}", l.text));
            for (i, t) in wtb.zip(sell).flat_map(|(w, s)| [w, s]).enumerate() {
                let tid = 100_000 + fnv(t.as_bytes()) % 900_000;
                let _ = write!(
                    s,
                    "<li><a href=\"/forum.php?mod=redirect&amp;tid={tid}&amp;goto=lastpost\">{}</a> <em>{}</em></li>",
                    esc(&t),
                    forum_time(&format!("{t}{i}"))
                );
            }
            s.push_str("</ul></div></div>");
        }
        s.push_str("</div>\n");
    }
    s.push_str("</div>\n</div>\n");
    if ctx.chrome {
        let key: String = ch.related.iter().map(|(l, _)| l.href.as_str()).collect();
        let h = fnv(key.as_bytes());
        let newest = [
            "chemtrader2025",
            "jason_w",
            "lily_sourcing",
            "mark_b",
            "alex_pharma",
            "dr_polymer",
        ][(h % 6) as usize];
        let _ = write!(
            s,
            "<div id=\"ft\" class=\"wp cl\"><div id=\"flk\"><a href=\"/archiver/\">Archiver</a> | <a href=\"/forum.php?mobile=yes\">Mobile</a> | <a href=\"/misc.php?mod=faq\">Help</a></div><div class=\"stats\">Threads: {}, Posts: {}, Members: {}, Welcome our newest member <a href=\"/space-username-{newest}.html\">{newest}</a></div><div class=\"online\">Online: {} members, {} guests. Most users ever online was 3,912.</div>",
            18_000 + (h >> 8) % 900,
            96_000 + (h >> 16) % 5_000,
            12_000 + (h >> 24) % 800,
            40 + (h >> 32) % 90,
            300 + (h >> 40) % 700
        );
        if !ch.trending.is_empty() {
            let tl: Vec<Link> = ch
                .trending
                .iter()
                .map(|t| Link {
                    text: t.clone(),
                    href: format!("/search.php?mod=forum&srchtxt={}", search_slug(t)),
                })
                .collect();
            let _ = write!(
                s,
                "<div class=\"tags\"><strong>Tags:</strong> {}</div>",
                links(&tl, ", ")
            );
        }
        for f in &ch.footer {
            let _ = write!(s, "<p>{}</p>", esc(f));
        }
        let _ = writeln!(
            s,
            "<p class=\"xs0\">Powered by <strong>ClassiBoard</strong> 3.4 &copy; 2003-2025 {} | GMT+8, {}</p></div>",
            esc(&ctx.market),
            forum_time(&key)
        );
    }
    s.push_str("</body>\n</html>\n");
}

fn forum_listing(ctx: &Ctx, l: &Listing, ch: &Chrome) -> String {
    let o = &l.own;
    let board = ctx.categories.get(l.category).map_or("", |c| c.name.as_str());
    let prefix = forum_prefix(&o.title);
    let title = format!(
        "{prefix} {} - {board} - {} Forum - Powered by ClassiBoard",
        o.title, ctx.market
    );
    let mut s = forum_top(ctx, &title, ch);
    let get = |k: &str| o.supplier.iter().find(|f| f.key == k);
    let author = get("author").map_or("seller", |f| f.value.as_str());
    let h = fnv(author.as_bytes());
    let uid = 10_000 + h % 90_000;
    let replies = (fnv(l.path.as_bytes()) % 3) as usize;
    let board_href = ch.crumbs.get(1).map_or("/forum.php".to_string(), |c| c.href.clone());
    let _ = writeln!(
        s,
        "<div id=\"postlist\" class=\"pl bm\"><table cellspacing=\"0\" cellpadding=\"0\"><tr><td class=\"pls ptn pbn\"><div class=\"hm ptn\"><span class=\"xg1\">Views:</span> <span class=\"xi1\">{}</span> <span class=\"pipe\">|</span> <span class=\"xg1\">Replies:</span> <span class=\"xi1\">{replies}</span></div></td><td class=\"plc ptm pbn vwthd\"><h1 class=\"ts\"><a href=\"{}?filter=typeid&amp;typeid=1\">{prefix}</a> <span id=\"thread_subject\">{}</span></h1></td></tr></table>",
        100 + fnv(l.path.as_bytes()) % 5_000,
        esc(&board_href),
        esc(&o.title)
    );
    let _ = write!(
        s,
        "<div id=\"post_{id}\"><table id=\"pid{id}\" class=\"plhin\" cellspacing=\"0\" cellpadding=\"0\"><tr><td class=\"pls\" rowspan=\"2\"><div class=\"pi\"><div class=\"authi\"><a href=\"/space-uid-{uid}.html\" class=\"xw1\">{a}</a></div></div><div class=\"avatar\"><img src=\"/uc_server/avatar.php?uid={uid}&amp;size=middle\" alt=\"\"></div><p><em>{}</em></p><dl class=\"pil cl\"><dt>Threads</dt><dd>{}</dd><dt>Posts</dt><dd>{}</dd>",
        ["Verified Seller", "Gold Member", "Senior Member"][(h % 3) as usize],
        12 + h % 300,
        40 + (h >> 8) % 2_000,
        id = l.id,
        a = esc(author)
    );
    if let Some(f) = get("member") {
        let _ = write!(s, "<dt>{}</dt><dd>{}</dd>", esc(&f.label), esc(&f.value));
    }
    let _ = write!(
        s,
        "</dl><p><a href=\"/home.php?mod=spacecp&amp;ac=pm&amp;touid={uid}\">Send PM</a></p></td><td class=\"plc\"><div class=\"pi\"><strong><a href=\"{}\">#1</a></strong><div class=\"authi\">Posted by <a href=\"/space-uid-{uid}.html\">{}</a> on {}</div></div><div class=\"pct\"><div class=\"t_fsz\"><table cellspacing=\"0\" cellpadding=\"0\"><tr><td class=\"t_f\" id=\"postmessage_{}\">",
        esc(&l.path),
        esc(author),
        forum_time(&l.path),
        l.id
    );
    // The post: the first description sentence, the specs in free text, the rest.
    let mut desc = o.description.iter();
    if let Some(first) = desc.next() {
        let _ = write!(s, "{}<br />\n<br />\n", esc(first));
    }
    for f in &o.specs {
        let _ = writeln!(s, "{}: {}<br />", esc(&f.label), esc(&f.value));
    }
    s.push_str("<br />\n");
    for p in desc {
        let _ = writeln!(s, "{}<br />", esc(p));
    }
    s.push_str("</td></tr></table></div></div><div class=\"sign\">");
    let mut sign: Vec<String> = Vec::new();
    for f in &o.supplier {
        match f.key {
            "author" | "member" => {}
            "supplier" => sign.push(format!("<strong>{}</strong>", esc(&f.value))),
            _ => sign.push(format!("{}: {}", esc(&f.label), esc(&f.value))),
        }
    }
    let _ = writeln!(
        s,
        "{}</div></td></tr><tr><td class=\"plc plm\"><div class=\"po\"><a class=\"fastre\" href=\"/forum.php?mod=post&amp;action=reply&amp;tid={id}\">Reply</a> <a href=\"/forum.php?mod=post&amp;action=reply&amp;tid={id}&amp;repquote={id}\">Quote</a> <a href=\"/misc.php?mod=report&amp;tid={id}\">Report</a></div></td></tr></table></div>",
        sign.join("<br />\n"),
        id = l.id
    );
    for k in 0..replies {
        let key = format!("{}#{k}", l.path);
        let r = fnv(key.as_bytes());
        let buyer = ["tradebuyer88", "lab_procure", "kevin_imports", "sourcing_pro"][(r % 4) as usize];
        let text = [
            "PM sent, please check your inbox.",
            "Is a sample available before a bulk order?",
            "Interested. What is the lead time for 25 kg?",
            "Replied to your PM.",
        ][((r >> 8) % 4) as usize];
        let _ = writeln!(
            s,
            "<div id=\"post_{id}{k}\"><table class=\"plhin\" cellspacing=\"0\" cellpadding=\"0\"><tr><td class=\"pls\"><div class=\"pi\"><div class=\"authi\"><a href=\"/space-username-{buyer}.html\" class=\"xw1\">{buyer}</a></div></div><p><em>Member</em></p></td><td class=\"plc\"><div class=\"pi\"><strong>#{}</strong><div class=\"authi\">Posted on {}</div></div><div class=\"pct\"><table cellspacing=\"0\" cellpadding=\"0\"><tr><td class=\"t_f\">{text}</td></tr></table></div><div class=\"po\"><a class=\"fastre\" href=\"/forum.php?mod=post&amp;action=reply&amp;tid={id}\">Reply</a></div></td></tr></table></div>",
            k + 2,
            forum_time(&key),
            id = l.id
        );
    }
    let _ = writeln!(
        s,
        "</div>\n<div id=\"f_pst\" class=\"pl bm bmw\"><form method=\"post\" action=\"/forum.php?mod=post&amp;action=reply&amp;tid={}\"><textarea name=\"message\" rows=\"5\" placeholder=\"Reply to this thread\"></textarea><button type=\"submit\">Post reply</button></form></div>",
        l.id
    );
    if !ch.more.is_empty() {
        s.push_str(
            "<div class=\"bm similar\"><div class=\"bm_h\"><h3>Similar threads</h3></div><div class=\"bm_c\"><ul>",
        );
        for (r, p) in &ch.more {
            let _ = write!(
                s,
                "<li><a href=\"{}\">{} {}</a> <span class=\"xg1\">{}</span> <em>{}</em></li>",
                esc(&r.href),
                forum_prefix(&r.text),
                esc(&r.text),
                esc(p),
                portal_date(&r.href)
            );
        }
        s.push_str("</ul></div></div>\n");
    }
    forum_side_foot(ctx, ch, &mut s);
    s
}

fn forum_index(ctx: &Ctx, idx: &Index, ch: &Chrome) -> String {
    let title = format!("{} - {} Forum - Powered by ClassiBoard", idx.heading, ctx.market);
    let mut s = forum_top(ctx, &title, ch);
    let _ = write!(
        s,
        "<div class=\"bm\"><div class=\"bm_h\"><h1 class=\"xs2\">{}</h1><p>{}</p></div><table id=\"threadlisttableid\" cellspacing=\"0\" cellpadding=\"0\">",
        esc(&idx.heading),
        esc(&idx.intro)
    );
    for (k, (l, p)) in idx.items.iter().enumerate() {
        let _ = write!(
            s,
            "<tbody id=\"normalthread_{k}\"><tr><th class=\"common\"><em>{}</em> <a class=\"s xst\" href=\"{}\">{}</a></th><td class=\"by\"><em>{}</em></td></tr></tbody>",
            forum_prefix(&l.text),
            esc(&l.href),
            esc(&l.text),
            esc(p)
        );
    }
    let _ = writeln!(s, "</table><div class=\"pg\">{}</div></div>", links(&idx.pager, " "));
    forum_side_foot(ctx, ch, &mut s);
    s
}

// ---------------------------------------------------------------------------
// Tune templates added for the fourth round: four more Chinese portals served
// as GBK (zh-asp, zh-seo, zh-shop, zh-info)
// ---------------------------------------------------------------------------

/// A telephone area code for a Chinese supplier's location.
fn zh_area(location: &str) -> &'static str {
    match location {
        "浙江杭州" => "0571",
        "江苏南京" => "025",
        "山东济南" => "0531",
        "湖北武汉" => "027",
        "河北石家庄" => "0311",
        "上海" => "021",
        _ => "010",
    }
}

/// A street address for a supplier (stable per company).
fn zh_address(company: &str, location: &str) -> String {
    let h = fnv(company.as_bytes());
    let road = [
        "经济技术开发区纬五路",
        "高新区科技路",
        "化工园区环园东路",
        "工业园区创业大道",
    ][(h % 4) as usize];
    format!("{location}{road}{}号", 10 + (h >> 8) % 190)
}

/// Drops a listing's fields of these keys.
fn drop_fields(v: &mut Vec<Field>, keys: &[&str]) {
    v.retain(|f| !keys.contains(&f.key));
}

// ----- zh-asp ---------------------------------------------------------------

/// `zh-asp` own content. An ASP-era 供求 (supply and demand) site shows a
/// sell offer as a table of rows: 产品名称 (the title again), CAS号, 产品规格,
/// 外观, 包装说明, 最小起订, 价格说明, 供货总量, 发货期限, 信息有效期, 付款方式;
/// and the poster's 联系方式: 公司名称, 联系人, 电话, 传真, 手机 (domestic
/// format, no +86), 电子邮件, 在线联系 (the shady supplier's messenger),
/// 公司地址, 邮政编码. None of 电话, 传真, 手机 and 电子邮件 is a tactic by §4 of
/// the domain facts.
fn asp_own(own: &mut Own) {
    let company = sup_get(own, "supplier");
    let location = sup_get(own, "location");
    let h = fnv(company.as_bytes());
    let th = fnv(own.title.as_bytes());
    let area = zh_area(&location);
    let relabel = |f: &Field| -> Field {
        let label = match f.key {
            "purity" => "产品规格",
            "package" => "包装说明",
            "moq" => "最小起订",
            "price" => "价格说明",
            "supply" => "供货总量",
            _ => f.label.as_str(),
        };
        Field {
            key: f.key,
            label: label.to_string(),
            value: f.value.clone(),
        }
    };
    let mut specs = vec![own_field("name", "产品名称", own.title.clone())];
    specs.extend(own.specs.iter().filter(|f| f.key != "payment").map(relabel));
    specs.push(own_field(
        "delivery",
        "发货期限",
        ["3天内发货", "7天内发货", "15天内发货"][(th % 3) as usize],
    ));
    specs.push(own_field("valid", "信息有效期", "长期有效"));
    specs.extend(own.specs.iter().filter(|f| f.key == "payment").cloned());
    own.specs = specs;
    let mut sup = vec![
        own_field("supplier", "公司名称", company.clone()),
        own_field("contact", "联系人", sup_get(own, "contact")),
        own_field("phone", "电话", format!("{area}-5550{:04}", (h >> 16) % 10_000)),
        own_field("fax", "传真", format!("{area}-5551{:04}", (h >> 16) % 10_000)),
        own_field("mobile", "手机", format!("138 0013 80{:02}", (h >> 24) % 100)),
        own_field("email", "电子邮件", sup_get(own, "email")),
    ];
    sup.extend(own.supplier.iter().filter(|f| f.key == "messenger").cloned());
    sup.push(own_field("address", "公司地址", zh_address(&company, &location)));
    let zip = match location.as_str() {
        "浙江杭州" => "310",
        "江苏南京" => "210",
        "山东济南" => "250",
        "湖北武汉" => "430",
        "河北石家庄" => "050",
        "上海" => "200",
        _ => "100",
    };
    sup.push(own_field("zip", "邮政编码", format!("{zip}{:03}", (h >> 32) % 1000)));
    own.supplier = sup;
}

/// The ASP site's name ("ChemHub42化工供求网").
fn asp_site(ctx: &Ctx) -> String {
    ctx.market.replace(" 化工网", "化工供求网")
}

/// The numeric `ClassID` of a category.
fn asp_class(slug: &str) -> usize {
    CATS.iter()
        .position(|&c| category_slug(c) == slug)
        .map_or(99, |i| 101 + i)
}

/// A date as the ASP pages print it ("2008-10-23" → "[10-23]" in the ticker).
fn asp_short_date(href: &str) -> String {
    portal_date(href)[5..].to_string()
}

/// `zh-asp`: a 2000s ASP 化工供求网 (supply-and-demand portal). Nested
/// layout `<table>`s 778 pixels wide, `<font>`, `<b>`, `bgcolor` and
/// `background` attributes and no class anywhere; a `<form>` straight inside
/// a `<table>`. The `<title>` is the site's name and slogan only, the same
/// on every page (no product name). The header has no charset and the
/// `<meta http-equiv>` comes late, after some 5 KB of inline CSS and
/// Dreamweaver JavaScript: past the 4 KiB a crawler's prescan reads, so the
/// encoding must be detected. A `<marquee>` 最新供应 ticker of other offers
/// with dates under the search row; 热门搜索 as plain text separated by
/// `&nbsp;`; a left column whose block headings are images (`<img
/// alt="产品分类">`, `<img alt="热门产品">`, and one with no `alt` at all);
/// a text breadcrumb ending in 详细信息; the offer as a bordered table (the
/// name in `<font color><b>`, then label and value cells), 详细说明 as
/// `<br>`-separated text in one cell, 联系方式 as another table, 【打印此页】
/// 【关闭窗口】; 相关供应信息 under an image heading; a footer with the
/// marketplace's contact, ICP number and a browser recommendation. No search
/// pages (the hot searches are plain text), no selectors (no classes).
pub static ZH_ASP: Template = Template {
    name: "zh-asp",
    lang: Lang::Zh,
    // No charset in the header; the <meta> lies past the first 4 KiB.
    charset: Charset::GbkMetaOnly,
    listing_re: r"^/sell/ShowSell\.asp\?id=\d+$",
    listing_path: |id, _| format!("/sell/ShowSell.asp?id={id}"),
    category_path: |s, n| {
        if n == 1 {
            format!("/sell/SellList.asp?ClassID={}", asp_class(s))
        } else {
            format!("/sell/SellList.asp?ClassID={}&page={n}", asp_class(s))
        }
    },
    search_path: None,
    listing: asp_listing,
    index: asp_index,
    selectors: None,
    classes: 1,
    obfuscated: false,
};

/// The inline style sheet every page of `zh-asp` carries in its `<head>`.
const ASP_CSS: &str = "body {\n\tmargin-left: 0px;\n\tmargin-top: 0px;\n\tmargin-right: 0px;\n\tmargin-bottom: 0px;\n\tbackground-color: #FFFFFF;\n}\nbody,td,th {\n\tfont-family: 宋体, Arial;\n\tfont-size: 12px;\n\tcolor: #333333;\n}\na:link {\n\tcolor: #333333;\n\ttext-decoration: none;\n}\na:visited {\n\ttext-decoration: none;\n\tcolor: #333333;\n}\na:hover {\n\ttext-decoration: underline;\n\tcolor: #FF6600;\n}\na:active {\n\ttext-decoration: none;\n\tcolor: #FF6600;\n}\n.STYLE1 {color: #FFFFFF; font-weight: bold; font-size: 14px;}\n.STYLE2 {color: #FF6600; font-weight: bold;}\n.STYLE3 {color: #999999}\n.STYLE4 {font-size: 14px; line-height: 180%;}\n.STYLE5 {color: #1E62B0; font-weight: bold;}\n.STYLE6 {color: #FF0000}\n.STYLE7 {font-size: 12px; color: #666666;}\n.STYLE8 {color: #0066CC; text-decoration: underline;}\n.STYLE9 {border: 1px solid #C9DDF0; background-color: #F7FBFF;}\n.STYLE10 {font-family: Verdana, Arial; font-size: 11px; color: #999999;}\ninput, select, textarea {\n\tfont-size: 12px;\n\tborder: 1px solid #7F9DB9;\n\tbackground-color: #FFFFFF;\n}\n.input_search {\n\theight: 18px;\n\twidth: 160px;\n\tborder: 1px solid #7F9DB9;\n}\n.table_border {\n\tborder: 1px solid #C9DDF0;\n\tborder-collapse: collapse;\n}\n.table_border td {\n\tborder: 1px solid #C9DDF0;\n\tpadding: 3px;\n}\n.line_dot {\n\tbackground-image: url(/images/line_dot.gif);\n\tbackground-repeat: repeat-x;\n\tbackground-position: bottom;\n\theight: 24px;\n}\n.menu_bg {\n\tbackground-image: url(/images/nav_bg.gif);\n\tbackground-repeat: repeat-x;\n}\n.menu_td {\n\tfont-size: 14px;\n\tfont-weight: bold;\n\tcolor: #FFFFFF;\n\tpadding-left: 8px;\n\tpadding-right: 8px;\n}\n.left_title {\n\tbackground-image: url(/images/left_title_bg.gif);\n\theight: 28px;\n\tpadding-left: 22px;\n\tfont-weight: bold;\n\tcolor: #1E62B0;\n}\n.scroll_div {\n\twidth: 680px;\n\theight: 22px;\n\toverflow: hidden;\n\twhite-space: nowrap;\n}\n.page_nav a {\n\tborder: 1px solid #C9DDF0;\n\tpadding: 1px 5px;\n\tmargin: 0 2px;\n}\n.page_nav a:hover {\n\tbackground-color: #1E62B0;\n\tcolor: #FFFFFF;\n}\n.copyright {\n\tline-height: 22px;\n\tcolor: #666666;\n\tpadding-top: 8px;\n\tpadding-bottom: 8px;\n}\n";

/// The inline script every page of `zh-asp` carries in its `<head>`
/// (Dreamweaver's rollover functions, a date line, "add to favourites").
const ASP_JS: &str = "function MM_swapImgRestore() { //v3.0\n  var i,x,a=document.MM_sr; for(i=0;a&&i<a.length&&(x=a[i])&&x.oSrc;i++) x.src=x.oSrc;\n}\n\nfunction MM_preloadImages() { //v3.0\n  var d=document; if(d.images){ if(!d.MM_p) d.MM_p=new Array();\n    var i,j=d.MM_p.length,a=MM_preloadImages.arguments; for(i=0; i<a.length; i++)\n    if (a[i].indexOf(\"#\")!=0){ d.MM_p[j]=new Image; d.MM_p[j++].src=a[i];}}\n}\n\nfunction MM_findObj(n, d) { //v4.01\n  var p,i,x;  if(!d) d=document; if((p=n.indexOf(\"?\"))>0&&parent.frames.length) {\n    d=parent.frames[n.substring(p+1)].document; n=n.substring(0,p);}\n  if(!(x=d[n])&&d.all) x=d.all[n]; for (i=0;!x&&i<d.forms.length;i++) x=d.forms[i][n];\n  for(i=0;!x&&d.layers&&i<d.layers.length;i++) x=MM_findObj(n,d.layers[i].document);\n  if(!x && d.getElementById) x=d.getElementById(n); return x;\n}\n\nfunction MM_swapImage() { //v3.0\n  var i,j=0,x,a=MM_swapImage.arguments; document.MM_sr=new Array; for(i=0;i<(a.length-2);i+=3)\n   if ((x=MM_findObj(a[i]))!=null){document.MM_sr[j++]=x; if(!x.oSrc) x.oSrc=x.src; x.src=a[i+2];}\n}\n\nfunction MM_openBrWindow(theURL,winName,features) { //v2.0\n  window.open(theURL,winName,features);\n}\n\nfunction MM_jumpMenu(targ,selObj,restore){ //v3.0\n  eval(targ+\".location='\"+selObj.options[selObj.selectedIndex].value+\"'\");\n  if (restore) selObj.selectedIndex=0;\n}\n\nfunction CheckSearch() {\n  if (document.form1.keyword.value == \"\") {\n    alert(\"请输入搜索关键字！\");\n    document.form1.keyword.focus();\n    return false;\n  }\n  return true;\n}\n\nfunction AddFavorite(sURL, sTitle) {\n  try { window.external.addFavorite(sURL, sTitle); }\n  catch (e) {\n    try { window.sidebar.addPanel(sTitle, sURL, \"\"); }\n    catch (e) { alert(\"加入收藏失败，请使用Ctrl+D进行添加\"); }\n  }\n}\n\nfunction SetHome(obj, vrl) {\n  try { obj.style.behavior='url(#default#homepage)'; obj.setHomePage(vrl); }\n  catch(e) { alert(\"此操作被浏览器拒绝！请手动设置。\"); }\n}\n\nvar today = new Date();\nvar weekday = new Array(\"星期日\",\"星期一\",\"星期二\",\"星期三\",\"星期四\",\"星期五\",\"星期六\");\nvar datestr = today.getFullYear() + \"年\" + (today.getMonth()+1) + \"月\" + today.getDate() + \"日 \" + weekday[today.getDay()];\n\nfunction MM_showHideLayers() { //v6.0\n  var i,p,v,obj,args=MM_showHideLayers.arguments;\n  for (i=0; i<(args.length-2); i+=3) if ((obj=MM_findObj(args[i]))!=null) { v=args[i+2];\n    if (obj.style) { obj=obj.style; v=(v=='show')?'visible':(v=='hide')?'hidden':v; }\n    obj.visibility=v; }\n}\n\nfunction showTime() {\n  var now = new Date();\n  var h = now.getHours(), m = now.getMinutes(), s = now.getSeconds();\n  if (m < 10) m = \"0\" + m;\n  if (s < 10) s = \"0\" + s;\n  var el = document.getElementById(\"clock\");\n  if (el) el.innerHTML = h + \":\" + m + \":\" + s;\n  setTimeout(\"showTime()\", 1000);\n}\n\nfunction CheckLogin() {\n  if (document.login.username.value == \"\") { alert(\"请输入用户名！\"); document.login.username.focus(); return false; }\n  if (document.login.password.value == \"\") { alert(\"请输入密码！\"); document.login.password.focus(); return false; }\n  return true;\n}\n\nfunction ShowPic(url) {\n  var w = window.open(\"\", \"pic\", \"width=640,height=480,scrollbars=yes,resizable=yes\");\n  w.document.write(\"<img src='\" + url + \"' onclick='window.close()' alt='点击关闭'>\");\n}\n";

fn asp_head(ctx: &Ctx) -> String {
    let site = asp_site(ctx);
    format!(
        "<html>\n<head>\n<title>{site}--化工原料、医药中间体、精细化学品供求信息平台</title>\n<meta name=\"keywords\" content=\"化工,化工原料,化工产品,医药中间体,精细化工,供求信息,{site}\">\n<meta name=\"description\" content=\"{site}是专业的化工供求信息平台，提供化工原料、医药中间体、精细化学品的供应和求购信息。\">\n<style type=\"text/css\">\n<!--\n{ASP_CSS}-->\n</style>\n<script language=\"JavaScript\" type=\"text/JavaScript\">\n<!--\n{ASP_JS}//-->\n</script>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">\n</head>\n\n<body onLoad=\"MM_preloadImages('/images/nav_on_01.gif','/images/nav_on_02.gif','/images/nav_on_03.gif')\">\n",
        site = esc(&site)
    )
}

fn asp_top(ctx: &Ctx, ch: &Chrome, s: &mut String) {
    let site = esc(&asp_site(ctx));
    let d = &ctx.domain;
    let _ = write!(
        s,
        "<table width=\"778\" border=\"0\" align=\"center\" cellpadding=\"0\" cellspacing=\"0\">\n  <tr>\n    <td height=\"24\" bgcolor=\"#F2F2F2\"><table width=\"100%\" border=\"0\" cellspacing=\"0\" cellpadding=\"0\">\n      <tr>\n        <td>&nbsp;<script language=\"JavaScript\">document.write(datestr);</script> 欢迎光临{site}！</td>\n        <td align=\"right\"><a href=\"#\" onClick=\"SetHome(this,'http://www.{d}/');\">设为首页</a> | <a href=\"javascript:AddFavorite('http://www.{d}/','{site}')\">加入收藏</a> | <a href=\"/user/login.asp\">会员登录</a> | <a href=\"/user/reg.asp\"><font color=\"#FF0000\">免费注册</font></a>&nbsp;</td>\n      </tr>\n    </table></td>\n  </tr>\n  <tr>\n    <td><table width=\"100%\" border=\"0\" cellspacing=\"0\" cellpadding=\"0\">\n      <tr>\n        <td width=\"220\"><a href=\"/\"><img src=\"/images/logo.gif\" width=\"220\" height=\"70\" border=\"0\"></a></td>\n        <td><img src=\"/images/banner_top.gif\" width=\"558\" height=\"70\"></td>\n      </tr>\n    </table></td>\n  </tr>\n  <tr>\n    <td height=\"30\" align=\"center\" background=\"/images/nav_bg.gif\"><a href=\"/\"><font color=\"#FFFFFF\"><b>网站首页</b></font></a> <font color=\"#FFFFFF\">|</font> <a href=\"/sell/\"><font color=\"#FFFFFF\"><b>供应信息</b></font></a> <font color=\"#FFFFFF\">|</font> <a href=\"/buy/\"><font color=\"#FFFFFF\"><b>求购信息</b></font></a> <font color=\"#FFFFFF\">|</font> <a href=\"/company/\"><font color=\"#FFFFFF\"><b>企业名录</b></font></a> <font color=\"#FFFFFF\">|</font> <a href=\"/product/\"><font color=\"#FFFFFF\"><b>产品展示</b></font></a> <font color=\"#FFFFFF\">|</font> <a href=\"/news/\"><font color=\"#FFFFFF\"><b>化工资讯</b></font></a> <font color=\"#FFFFFF\">|</font> <a href=\"/user/\"><font color=\"#FFFFFF\"><b>会员中心</b></font></a></td>\n  </tr>\n  <tr>\n    <td height=\"32\" bgcolor=\"#EEF5FB\"><table width=\"100%\" border=\"0\" cellspacing=\"0\" cellpadding=\"0\">\n      <form name=\"form1\" method=\"post\" action=\"/search.asp\" onSubmit=\"return CheckSearch();\">\n      <tr>\n        <td width=\"330\">&nbsp;<img src=\"/images/search_ico.gif\" width=\"16\" height=\"16\" align=\"absmiddle\"> <select name=\"stype\"><option value=\"1\" selected>供应信息</option><option value=\"2\">求购信息</option><option value=\"3\">企业名录</option></select> <input name=\"keyword\" type=\"text\" size=\"20\"> <input type=\"image\" src=\"/images/search_btn.gif\" width=\"50\" height=\"20\" border=\"0\" align=\"absmiddle\"></td>\n        <td>"
    );
    if !ch.hot_searches.is_empty() {
        let terms: Vec<String> = ch.hot_searches.iter().map(|l| esc(&l.text)).collect();
        let _ = write!(
            s,
            "<font color=\"#FF0000\">热门搜索：</font>{}",
            terms.join("&nbsp;&nbsp;")
        );
    }
    s.push_str("</td>\n      </tr>\n      </form>\n    </table></td>\n  </tr>\n");
    if !ch.more.is_empty() {
        s.push_str("  <tr>\n    <td height=\"26\" bgcolor=\"#FFFFFF\"><table width=\"100%\" border=\"0\" cellspacing=\"0\" cellpadding=\"0\">\n      <tr>\n        <td width=\"80\" align=\"center\"><img src=\"/images/zxgy.gif\" width=\"72\" height=\"18\" alt=\"最新供应\"></td>\n        <td><marquee direction=\"left\" scrollamount=\"3\" onMouseOver=\"this.stop()\" onMouseOut=\"this.start()\">");
        for (l, _) in &ch.more {
            let _ = write!(
                s,
                "<a href=\"{}\" target=\"_blank\">{}</a><font color=\"#999999\">[{}]</font>&nbsp;&nbsp;&nbsp;&nbsp;",
                esc(&l.href),
                esc(&l.text),
                asp_short_date(&l.href)
            );
        }
        s.push_str("</marquee></td>\n      </tr>\n    </table></td>\n  </tr>\n");
    }
    s.push_str("</table>\n");
}

/// A left-column block under an image heading (`alt` may be empty: no alt).
fn asp_left_block(img: &str, alt: &str, rows: &[String], s: &mut String) {
    let alt = if alt.is_empty() {
        String::new()
    } else {
        format!(" alt=\"{alt}\"")
    };
    let _ = write!(
        s,
        "      <table width=\"180\" border=\"0\" cellspacing=\"0\" cellpadding=\"0\">\n        <tr>\n          <td><img src=\"/images/{img}\" width=\"180\" height=\"28\" border=\"0\"{alt}></td>\n        </tr>\n        <tr>\n          <td><table width=\"100%\" border=\"0\" cellspacing=\"0\" cellpadding=\"3\">\n"
    );
    for r in rows {
        let _ = writeln!(
            s,
            "            <tr>\n              <td height=\"22\">{r}</td>\n            </tr>"
        );
    }
    s.push_str("          </table></td>\n        </tr>\n      </table>\n");
}

fn asp_open_main(ctx: &Ctx, ch: &Chrome, s: &mut String) {
    s.push_str("<table width=\"778\" border=\"0\" align=\"center\" cellpadding=\"0\" cellspacing=\"0\">\n  <tr>\n    <td width=\"180\" valign=\"top\" bgcolor=\"#F7FBFF\">\n");
    if ctx.chrome && !ch.menu.is_empty() {
        let rows: Vec<String> = ch
            .menu
            .iter()
            .map(|l| {
                format!(
                    "&nbsp;<img src=\"/images/arrow1.gif\" width=\"9\" height=\"9\"> <a href=\"{}\">{}</a>",
                    esc(&l.href),
                    esc(&l.text)
                )
            })
            .collect();
        asp_left_block("left_cplb.gif", "产品分类", &rows, s);
    }
    // Product names link to the (GET) search; the hot searches above are plain text.
    let search = |l: &Link| {
        format!(
            "·<a href=\"/search.asp?stype=1&amp;keyword={}\" target=\"_blank\">{}</a>",
            search_slug(&l.text),
            esc(&l.text)
        )
    };
    if !ch.hot_products.is_empty() {
        let rows: Vec<String> = ch.hot_products.iter().map(search).collect();
        asp_left_block("left_rmcp.gif", "热门产品", &rows, s);
    }
    if !ch.also_bought.is_empty() {
        let rows: Vec<String> = ch.also_bought.iter().map(search).collect();
        asp_left_block("left_tjcp.gif", "", &rows, s);
    }
    s.push_str("    </td>\n    <td width=\"6\"></td>\n    <td width=\"592\" valign=\"top\">\n");
}

fn asp_close(ctx: &Ctx, ch: &Chrome, s: &mut String) {
    s.push_str("    </td>\n  </tr>\n</table>\n");
    if ctx.chrome {
        let _ = write!(
            s,
            "<table width=\"778\" border=\"0\" align=\"center\" cellpadding=\"0\" cellspacing=\"0\">\n  <tr>\n    <td height=\"2\" bgcolor=\"#1E62B0\"></td>\n  </tr>\n  <tr>\n    <td height=\"28\" align=\"center\"><a href=\"/about.asp\">关于我们</a> | <a href=\"/ad.asp\">广告服务</a> | <a href=\"/vip.asp\">会员服务</a> | <a href=\"/link.asp\">友情链接</a> | <a href=\"/contact.asp\">联系我们</a> | <a href=\"/guestbook.asp\">留言反馈</a></td>\n  </tr>\n  <tr>\n    <td align=\"center\" style=\"line-height:22px\"><font color=\"#666666\">"
        );
        for f in &ch.footer {
            let _ = write!(s, "{}<br>", esc(f));
        }
        let _ = write!(
            s,
            "版权所有：{} Copyright &copy; 2003-2025<br>ICP备案：<a href=\"http://www.miibeian.example.cn/\" target=\"_blank\">浙ICP备05012345号</a>&nbsp;&nbsp;建议使用IE6.0以上浏览器，1024×768分辨率浏览</font></td>\n  </tr>\n</table>\n",
            esc(&asp_site(ctx))
        );
    }
    s.push_str("</body>\n</html>\n");
}

/// A title bar of the centre column (`background` image, white bold text).
fn asp_bar(text: &str) -> String {
    format!(
        "<tr>\n          <td height=\"26\" background=\"/images/tit_bg.gif\">&nbsp;<img src=\"/images/tit_ico.gif\" width=\"16\" height=\"16\" align=\"absmiddle\"> <font color=\"#FFFFFF\"><b>{text}</b></font></td>\n        </tr>"
    )
}

fn asp_listing(ctx: &Ctx, l: &Listing, ch: &Chrome) -> String {
    let o = &l.own;
    let mut s = asp_head(ctx);
    asp_top(ctx, ch, &mut s);
    asp_open_main(ctx, ch, &mut s);
    if let Some(c) = ch.crumbs.get(1) {
        let _ = write!(
            s,
            "      <table width=\"100%\" border=\"0\" cellspacing=\"0\" cellpadding=\"0\">\n        <tr>\n          <td height=\"28\" background=\"/images/line_dot.gif\">&nbsp;<img src=\"/images/home.gif\" width=\"12\" height=\"12\"> 当前位置：<a href=\"/\">首页</a> &gt;&gt; <a href=\"/sell/\">供应信息</a> &gt;&gt; <a href=\"{}\">{}</a> &gt;&gt; 详细信息</td>\n        </tr>\n      </table>\n",
            esc(&c.href),
            esc(&c.text)
        );
    }
    let year = 2006 + l.id % 8;
    let _ = write!(
        s,
        "      <table width=\"100%\" border=\"0\" cellpadding=\"4\" cellspacing=\"1\" bgcolor=\"#C9DDF0\">\n        <tr bgcolor=\"#FFFFFF\">\n          <td width=\"190\" rowspan=\"{}\" align=\"center\" valign=\"middle\"><a href=\"javascript:ShowPic('/UploadFiles/{year}/{id}.jpg')\"><img src=\"/UploadFiles/{year}/{id}_s.jpg\" width=\"180\" height=\"180\" border=\"0\"></a><br><a href=\"javascript:ShowPic('/UploadFiles/{year}/{id}.jpg')\"><font color=\"#0000FF\">点击查看大图</font></a></td>\n          <td colspan=\"2\" height=\"32\">&nbsp;<font color=\"#FF6600\" style=\"font-size:14px\"><b>{}</b></font></td>\n        </tr>\n",
        o.specs.len() + 1,
        esc(&o.title),
        id = l.id
    );
    for f in &o.specs {
        let _ = write!(
            s,
            "        <tr bgcolor=\"#FFFFFF\">\n          <td width=\"80\" align=\"right\" bgcolor=\"#F5F9FD\"><font color=\"#666666\">{}：</font></td>\n          <td>&nbsp;{}</td>\n        </tr>\n",
            esc(&f.label),
            esc(&f.value)
        );
    }
    let _ = write!(
        s,
        "      </table>\n      <br>\n      <table width=\"100%\" border=\"0\" cellspacing=\"0\" cellpadding=\"0\">\n        {}\n        <tr>\n          <td style=\"padding:10px;line-height:180%;border:1px solid #C9DDF0\">",
        asp_bar("详细说明")
    );
    let paras: Vec<String> = o.description.iter().map(|p| esc(p)).collect();
    s.push_str(&paras.join("<br>\n"));
    let _ = write!(
        s,
        "</td>\n        </tr>\n      </table>\n      <br>\n      <table width=\"100%\" border=\"0\" cellspacing=\"0\" cellpadding=\"0\">\n        {}\n        <tr>\n          <td><table width=\"100%\" border=\"0\" cellpadding=\"3\" cellspacing=\"1\" bgcolor=\"#C9DDF0\">\n",
        asp_bar("联系方式")
    );
    for f in &o.supplier {
        let v = if f.key == "supplier" {
            format!(
                "<a href=\"/company/ShowCompany.asp?id={}\" target=\"_blank\"><font color=\"#0000FF\"><b>{}</b></font></a>",
                fnv(f.value.as_bytes()) % 90_000 + 10_000,
                esc(&f.value)
            )
        } else {
            esc(&f.value)
        };
        let _ = write!(
            s,
            "            <tr bgcolor=\"#FFFFFF\">\n              <td width=\"80\" align=\"right\">{}：</td>\n              <td>&nbsp;{v}</td>\n            </tr>\n",
            esc(&f.label)
        );
    }
    let _ = write!(
        s,
        "          </table></td>\n        </tr>\n        <tr>\n          <td height=\"40\" align=\"center\"><a href=\"/sell/Inquiry.asp?id={}\"><img src=\"/images/xunjia.gif\" width=\"88\" height=\"24\" border=\"0\" alt=\"发送询价\"></a>&nbsp;&nbsp;<a href=\"javascript:window.print()\">【打印此页】</a> <a href=\"javascript:window.close()\">【关闭窗口】</a></td>\n        </tr>\n      </table>\n",
        l.id
    );
    if !ch.related.is_empty() {
        s.push_str("      <table width=\"100%\" border=\"0\" cellspacing=\"0\" cellpadding=\"0\">\n        <tr>\n          <td><img src=\"/images/xgxx.gif\" width=\"592\" height=\"28\" alt=\"相关供应信息\"></td>\n        </tr>\n        <tr>\n          <td><table width=\"100%\" border=\"0\" cellspacing=\"0\" cellpadding=\"2\">\n");
        for (r, p) in &ch.related {
            let _ = write!(
                s,
                "            <tr>\n              <td width=\"70%\" height=\"22\">·<a href=\"{}\" target=\"_blank\">{}</a></td>\n              <td><font color=\"#999999\">{}</font></td>\n              <td align=\"right\"><font color=\"#999999\">{}</font></td>\n            </tr>\n",
                esc(&r.href),
                esc(&r.text),
                esc(p),
                portal_date(&r.href)
            );
        }
        s.push_str("          </table></td>\n        </tr>\n      </table>\n");
    }
    asp_close(ctx, ch, &mut s);
    s
}

fn asp_index(ctx: &Ctx, idx: &Index, ch: &Chrome) -> String {
    let mut s = asp_head(ctx);
    asp_top(ctx, ch, &mut s);
    asp_open_main(ctx, ch, &mut s);
    let _ = write!(
        s,
        "      <table width=\"100%\" border=\"0\" cellspacing=\"0\" cellpadding=\"0\">\n        {}\n        <tr>\n          <td height=\"24\">&nbsp;{}</td>\n        </tr>\n        <tr>\n          <td><table width=\"100%\" border=\"0\" cellspacing=\"0\" cellpadding=\"2\">\n",
        asp_bar(&esc(&idx.heading)),
        esc(&idx.intro)
    );
    for (l, p) in &idx.items {
        let _ = write!(
            s,
            "            <tr>\n              <td width=\"70%\" height=\"22\">·<a href=\"{}\" target=\"_blank\">{}</a></td>\n              <td><font color=\"#999999\">{}</font></td>\n              <td align=\"right\"><font color=\"#999999\">{}</font></td>\n            </tr>\n",
            esc(&l.href),
            esc(&l.text),
            esc(p),
            portal_date(&l.href)
        );
    }
    let _ = write!(
        s,
        "          </table></td>\n        </tr>\n        <tr>\n          <td height=\"30\" align=\"center\">{}</td>\n        </tr>\n      </table>\n",
        links(&idx.pager, " ")
    );
    asp_close(ctx, ch, &mut s);
    s
}

// ----- zh-seo ---------------------------------------------------------------

/// `zh-seo`: a 2010s Chinese chemical product directory built for search
/// engines. No charset anywhere (the header says `text/html`, the page has
/// no `<meta charset>`): the encoding must be detected. `<title>` as
/// `【产品名】价格_厂家_图片-网站名`; the product name repeated in `<meta
/// keywords>`, in `<meta description>` and in a 本页关键词 line under the
/// description (`名称，名称价格，名称厂家，CAS`, links to searches), then
/// 相关关键词 (other searches, links). A header with 热搜 links; a `位置：`
/// breadcrumb ending in the name; a left 产品目录 tree with `+`/`-` toggles
/// (the current category open, the others' sub-categories hidden with
/// `display:none`; several sub-categories name watched substances) and
/// 热门产品; in the main column the spec table comes *before* the name: the
/// picture and the 产品参数 table (`<th>`/`<td>` rows), then the name in an
/// `<h1>` with 更新时间 and 所属分类 (a link to the category), 产品介绍, the
/// 联系方式 box ending with the site's "say you saw it here" line, and 同类产品推荐
/// cards (`<li><a><img></a><p><a>名称</a></p><span>价格</span></li>`, other
/// listings). A footer with 友情链接, 化工产品大全 (a long site-wide list of
/// substance and product names and CAS numbers, links), 热门关键词 (rotating
/// links), the marketplace's contact and the ICP number.
pub static ZH_SEO: Template = Template {
    name: "zh-seo",
    lang: Lang::Zh,
    // No charset in the header and no <meta> at all.
    charset: Charset::GbkMetaOnly,
    listing_re: r"^/cp/\d+\.html$",
    listing_path: |id, _| format!("/cp/{id}.html"),
    category_path: |s, n| {
        if n == 1 {
            format!("/cplist/{s}/")
        } else {
            format!("/cplist/{s}/p{n}.html")
        }
    },
    search_path: Some(|q| format!("/so/{q}.html")),
    listing: seo_listing,
    index: seo_index,
    selectors: Some(|_| {
        vec![
            ("title".into(), "div.cp-mc h1".into()),
            ("description".into(), "div.cp-js".into()),
            ("specs".into(), "div.cp-cs".into()),
            ("supplier".into(), "div.cp-lx".into()),
        ]
    }),
    classes: 1,
    obfuscated: false,
};

fn seo_site(ctx: &Ctx) -> String {
    ctx.market.replace(" 化工网", "化工产品网")
}

/// Sub-categories of the 产品目录 tree (stable across the site).
fn seo_subcats(slug: &str) -> &'static [&'static str] {
    match slug {
        "piperidones" => &[
            "N-苯乙基-4-哌啶酮(NPP)",
            "4-苯胺基哌啶(4-AP)",
            "哌啶酮盐酸盐",
            "Boc保护哌啶酮",
        ],
        "bmk-pmk" => &["BMK缩水甘油酸甲酯", "PMK缩水甘油酸甲酯", "苯丙酮类", "胡椒基化合物"],
        "pharma-intermediates" => &["芬太尼中间体", "硝唑类", "赛拉嗪", "溴代苯丙酮"],
        "basic-chemicals" => &["无机盐", "有机溶剂", "有机酸", "颜料填料"],
        "food-additives" => &["酸味剂", "膨松剂", "维生素"],
        "lab-testing" => &["检测试纸", "实验耗材"],
        _ => &["化肥", "电缆桥架", "橡胶助剂", "办公家具"],
    }
}

/// 化工产品大全: the site-wide SEO list in the footer (names and CAS numbers).
fn seo_catalogue() -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for w in WATCHED {
        if !w.zh.is_empty() {
            v.push(w.zh.to_string());
        }
    }
    for w in WATCHED.iter().step_by(3) {
        v.push(format!("CAS {}", w.cas));
    }
    v.extend(BENIGN.iter().map(|b| b.zh.to_string()));
    v.extend(["BMK", "PMK", "4-ANPP"].iter().map(|s| s.to_string()));
    v
}

const SEO_FRIENDS: &[(&str, &str)] = &[
    ("化工原料网", "http://www.hgyl.example.cn/"),
    ("医药中间体网", "http://www.yyzjt.example.cn/"),
    ("化学品采购", "http://www.hxpcg.example.cn/"),
    ("精细化工网", "http://www.jxhg.example.cn/"),
    ("涂料在线", "http://www.tlzx.example.cn/"),
    ("化工机械网", "http://www.hgjx.example.cn/"),
    ("试剂商城", "http://www.sjsc.example.cn/"),
    ("塑料网", "http://www.sl.example.cn/"),
];

fn seo_term_link(t: &str) -> Link {
    Link {
        text: t.to_string(),
        href: format!("/so/{}.html", search_slug(t)),
    }
}

fn seo_head(ctx: &Ctx, title: &str, keywords: &str, description: &str, mobile: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html>\n<head>\n<title>{}</title>\n<meta name=\"keywords\" content=\"{}\">\n<meta name=\"description\" content=\"{}\">\n<meta name=\"applicable-device\" content=\"pc\">\n<meta http-equiv=\"X-UA-Compatible\" content=\"IE=edge\">\n<link rel=\"stylesheet\" href=\"/static/css/base.css?v=20190612\">\n<link rel=\"stylesheet\" href=\"/static/css/product.css?v=20190612\">\n<link rel=\"alternate\" media=\"only screen and (max-width: 640px)\" href=\"//m.{}{}\">\n<script src=\"/static/js/jquery-1.8.3.min.js\"></script>\n<script>var _hmt = _hmt || [];(function() {{var hm = document.createElement(\"script\");hm.src = \"//tongji.example.cn/hm.js?3f2a9c0d\";var s = document.getElementsByTagName(\"script\")[0];s.parentNode.insertBefore(hm, s);}})();</script>\n</head>\n<body>\n",
        esc(title),
        esc(keywords),
        esc(description),
        ctx.domain,
        esc(mobile)
    )
}

fn seo_top(ctx: &Ctx, ch: &Chrome, s: &mut String) {
    let site = esc(&seo_site(ctx));
    let _ = write!(
        s,
        "<div class=\"topbar\"><div class=\"w1200\"><span class=\"fl\">您好，欢迎来到{site}！<a href=\"/login.html\">[请登录]</a> <a href=\"/reg.html\">[免费注册]</a></span><span class=\"fr\"><a href=\"//m.{d}/\">手机版</a> | <a href=\"/sitemap.html\">网站导航</a> | <a href=\"/help/\">帮助中心</a></span></div></div>\n<div class=\"header w1200\"><div class=\"logo fl\"><a href=\"/\"><img src=\"/static/images/logo.png\" alt=\"{site}\"></a></div><div class=\"search fl\"><form action=\"/so/\" method=\"get\"><div class=\"s-tab\"><span class=\"on\">产品</span><span>企业</span><span>求购</span></div><input type=\"text\" name=\"q\" class=\"s-ipt\" placeholder=\"请输入产品名称或CAS号\"><input type=\"submit\" class=\"s-btn\" value=\"搜索\"></form>",
        d = ctx.domain
    );
    if !ch.hot_searches.is_empty() {
        let _ = write!(s, "<div class=\"hot\">热搜：{}</div>", links(&ch.hot_searches, " "));
    }
    s.push_str("</div><div class=\"tel fr\"><img src=\"/static/images/tel.png\" alt=\"服务热线\"></div></div>\n<div class=\"nav\"><div class=\"w1200\"><a href=\"/\">首页</a><a href=\"/cplist/\" class=\"on\">产品库</a><a href=\"/qiye/\">企业库</a><a href=\"/qiugou/\">求购</a><a href=\"/news/\">资讯</a><a href=\"/zhanhui/\">展会</a></div></div>\n");
    if !ch.crumbs.is_empty() {
        let mut trail = vec![a(&ch.crumbs[0]), "<a href=\"/cplist/\">产品库</a>".to_string()];
        trail.extend(ch.crumbs[1..].iter().map(a));
        let _ = writeln!(s, "<div class=\"w1200 position\">位置：{}</div>", trail.join(" &gt; "));
    }
}

/// The left column: the 产品目录 tree (`open`: the current category) and 热门产品.
fn seo_left(ctx: &Ctx, ch: &Chrome, open: Option<usize>, s: &mut String) {
    s.push_str("<div class=\"w1200 clearfix\">\n<div class=\"left fl\">");
    if ctx.chrome && !ch.menu.is_empty() {
        s.push_str("<div class=\"cpml\"><div class=\"tit\">产品目录</div><ul id=\"tree\">");
        for (i, (l, c)) in ch.menu.iter().zip(&ctx.categories).enumerate() {
            let is_open = open == Some(i);
            let _ = write!(
                s,
                "<li{}><span class=\"tg\" onclick=\"tg(this)\">{}</span>{}<ul class=\"sub\"{}>",
                if is_open { " class=\"open\"" } else { "" },
                if is_open { "-" } else { "+" },
                a(l),
                if is_open { "" } else { " style=\"display:none\"" }
            );
            for sub in seo_subcats(c.slug) {
                let _ = write!(
                    s,
                    "<li><a href=\"{}\">{}</a></li>",
                    esc(&format!("/so/{}.html", search_slug(sub))),
                    esc(sub)
                );
            }
            s.push_str("</ul></li>");
        }
        s.push_str("</ul></div>");
    }
    if !ch.hot_products.is_empty() {
        s.push_str("<div class=\"lbox\"><div class=\"tit\">热门产品</div><ul>");
        for l in &ch.hot_products {
            let _ = write!(s, "<li>{}</li>", a(l));
        }
        s.push_str("</ul></div>");
    }
    s.push_str("</div>\n");
}

/// Product cards (`<li><a><img></a><p><a>名称</a></p><span>价格</span></li>`).
fn seo_cards(v: &[(Link, String)], s: &mut String) {
    s.push_str("<ul class=\"cplist clearfix\">");
    for (l, p) in v {
        let price = if p.is_empty() || p == "面议" {
            "价格面议".to_string()
        } else {
            p.clone()
        };
        let _ = write!(
            s,
            "<li><a href=\"{h}\" target=\"_blank\"><img src=\"/uploads/cp/s{}.jpg\" alt=\"\"></a><p><a href=\"{h}\" target=\"_blank\">{}</a></p><span>{}</span></li>",
            fnv(l.href.as_bytes()) % 100_000,
            esc(&l.text),
            esc(&price),
            h = esc(&l.href)
        );
    }
    s.push_str("</ul>");
}

fn seo_foot(ctx: &Ctx, ch: &Chrome, s: &mut String) {
    s.push_str("</div>\n");
    if ctx.chrome {
        s.push_str("<div class=\"footer\"><div class=\"w1200 links\"><span>友情链接：</span>");
        for (name, href) in SEO_FRIENDS {
            let _ = write!(s, "<a href=\"{href}\" target=\"_blank\">{name}</a>");
        }
        s.push_str("</div><div class=\"w1200 seo\"><span>化工产品大全：</span>");
        let cat: Vec<Link> = seo_catalogue().iter().map(|t| seo_term_link(t)).collect();
        s.push_str(&links(&cat, " | "));
        s.push_str("</div>");
        if !ch.trending.is_empty() {
            let tl: Vec<Link> = ch.trending.iter().map(|t| seo_term_link(t)).collect();
            let _ = write!(
                s,
                "<div class=\"w1200 seo\"><span>热门关键词：</span>{}</div>",
                links(&tl, " ")
            );
        }
        s.push_str("<div class=\"w1200 about\"><a href=\"/about/\">关于我们</a> | <a href=\"/about/contact.html\">联系我们</a> | <a href=\"/about/service.html\">会员服务</a> | <a href=\"/about/ad.html\">广告服务</a> | <a href=\"/about/law.html\">法律声明</a> | <a href=\"/sitemap.html\">网站地图</a></div><div class=\"w1200 copy\">");
        for f in &ch.footer {
            let _ = write!(s, "<p>{}</p>", esc(f));
        }
        let _ = writeln!(
            s,
            "<p>Copyright &copy; 2012-2025 {} 版权所有 <a href=\"http://beian.example.cn/\" target=\"_blank\">沪ICP备12034567号-3</a> <img src=\"/static/images/gongan.png\" alt=\"\">沪公网安备 31011502000555号</p></div></div>",
            esc(&seo_site(ctx))
        );
    }
    s.push_str("<script src=\"/static/js/common.js\"></script>\n<script>function tg(o){var u=o.parentNode.getElementsByTagName('ul')[0];if(u.style.display=='none'){u.style.display='';o.innerHTML='-';}else{u.style.display='none';o.innerHTML='+';}}</script>\n</body>\n</html>\n");
}

fn seo_listing(ctx: &Ctx, l: &Listing, ch: &Chrome) -> String {
    let o = &l.own;
    let t = &o.title;
    let site = seo_site(ctx);
    let cas = o.spec("cas").map(|f| f.value.clone());
    let title = format!("【{t}】价格_厂家_图片-{site}");
    let mut keywords = format!("{t},{t}价格,{t}厂家,{t}供应商");
    if let Some(c) = &cas {
        let _ = write!(keywords, ",{c}");
    }
    let description = format!(
        "{site}为您提供{t}的详细产品价格、产品图片等产品介绍信息，您可以直接联系厂家获取{t}的具体资料，联系时请说明是在{site}看到的。"
    );
    let mut s = seo_head(ctx, &title, &keywords, &description, &l.path);
    seo_top(ctx, ch, &mut s);
    seo_left(ctx, ch, Some(l.category), &mut s);
    let _ = write!(
        s,
        "<div class=\"right fr\">\n<div class=\"cp-top clearfix\"><div class=\"cp-pic fl\"><img src=\"/uploads/cp/{}.jpg\" alt=\"{}\"></div><div class=\"cp-cs fr\"><div class=\"tit\"><span>产品参数</span></div><table>",
        l.id,
        esc(t)
    );
    for f in &o.specs {
        let _ = write!(s, "<tr><th>{}</th><td>{}</td></tr>", esc(&f.label), esc(&f.value));
    }
    let _ = write!(
        s,
        "</table><div class=\"btn\"><a href=\"/inquiry/{}.html\" class=\"xj\">立即询价</a><a href=\"javascript:;\" class=\"dh\">拨打电话</a></div></div></div>\n<div class=\"cp-mc\"><h1>{}</h1><p>更新时间：{}",
        l.id,
        esc(t),
        portal_date(&l.path)
    );
    if let Some(c) = ch.crumbs.get(1) {
        let _ = write!(s, "　　所属分类：{}", a(c));
    }
    s.push_str("</p></div>\n<div class=\"cp-js\"><div class=\"tit\"><span>产品介绍</span></div><div class=\"nr\">");
    for p in &o.description {
        let _ = write!(s, "<p>{}</p>", esc(p));
    }
    s.push_str("</div></div>\n");
    if ctx.chrome {
        let mut kl = vec![
            seo_term_link(t),
            seo_term_link(&format!("{t}价格")),
            seo_term_link(&format!("{t}厂家")),
        ];
        kl.extend(cas.as_deref().map(seo_term_link));
        let _ = writeln!(s, "<div class=\"bygjc\">本页关键词：{}</div>", links(&kl, "，"));
    }
    if !ch.recent.is_empty() {
        let rl: Vec<Link> = ch.recent.iter().map(|t| seo_term_link(t)).collect();
        let _ = writeln!(s, "<div class=\"xggjc\">相关关键词：{}</div>", links(&rl, " "));
    }
    s.push_str("<div class=\"cp-lx\"><div class=\"tit\"><span>联系方式</span></div><ul>");
    for f in &o.supplier {
        let _ = write!(s, "<li><span>{}：</span>{}</li>", esc(&f.label), esc(&f.value));
    }
    let _ = writeln!(
        s,
        "</ul><p class=\"tip\">联系我时，请说明是在{}上看到的，谢谢！</p></div>",
        esc(&site)
    );
    if !ch.more.is_empty() {
        s.push_str("<div class=\"tlcp\"><div class=\"tit\"><span>同类产品推荐</span></div>");
        seo_cards(&ch.more, &mut s);
        s.push_str("</div>\n");
    }
    s.push_str("</div>\n");
    seo_foot(ctx, ch, &mut s);
    s
}

fn seo_index(ctx: &Ctx, idx: &Index, ch: &Chrome) -> String {
    let site = seo_site(ctx);
    let title = format!("{}_{}", idx.heading, site);
    let mut s = seo_head(ctx, &title, &idx.heading, &idx.intro, "/");
    seo_top(ctx, ch, &mut s);
    seo_left(ctx, ch, None, &mut s);
    let _ = write!(
        s,
        "<div class=\"right fr\"><div class=\"list-hd\"><h1>{}</h1><p>{}</p></div>",
        esc(&idx.heading),
        esc(&idx.intro)
    );
    seo_cards(&idx.items, &mut s);
    let _ = writeln!(s, "<div class=\"pages\">{}</div></div>", links(&idx.pager, " "));
    seo_foot(ctx, ch, &mut s);
    s
}

// ----- zh-shop --------------------------------------------------------------

/// `zh-shop` own content: the shop's 联系方式 box (公司名称, 联系人, 手机 in
/// domestic format, 电话, 传真, 邮箱, the shady supplier's 在线联系, 地址) and
/// the years of membership its header shows. The shop header, the box and
/// the shop footer name the one seller of this offer (they show on that
/// seller's listings only): own content. The header's 主营 line (the shop's
/// business scope, written once for the whole shop) and its 热销产品 (the
/// shop's other listings) are chrome.
fn shop_own(own: &mut Own) {
    let company = sup_get(own, "supplier");
    let location = sup_get(own, "location");
    let h = fnv(company.as_bytes());
    let area = zh_area(&location);
    let mut sup = vec![
        own_field("supplier", "公司名称", company.clone()),
        own_field("contact", "联系人", sup_get(own, "contact")),
        own_field("mobile", "手机", format!("139 5550 {:04}", (h >> 12) % 10_000)),
        own_field("phone", "电话", format!("{area}-5552{:04}", (h >> 28) % 10_000)),
        own_field("fax", "传真", format!("{area}-5553{:04}", (h >> 28) % 10_000)),
        own_field("email", "邮箱", sup_get(own, "email")),
    ];
    sup.extend(own.supplier.iter().filter(|f| f.key == "messenger").cloned());
    sup.push(own_field("address", "地址", zh_address(&company, &location)));
    sup.extend(own.supplier.iter().filter(|f| f.key == "member").cloned());
    own.supplier = sup;
}

/// The shop's business scope (主营), written by the shop once: chrome on a
/// listing page, and several name watched substances.
fn shop_scope(company: &str) -> &'static str {
    match company {
        "杭州枫岭化工有限公司" => "哌啶酮系列、N-苯乙基-4-哌啶酮、4-苯胺基哌啶、医药中间体",
        "南京北门精细化工有限公司" => "精细化学品、有机中间体、实验室试剂",
        "山东绿野化学有限公司" => "无机盐、有机溶剂、食品添加剂",
        "武汉蓝雀生物科技有限公司" => "医药中间体、去甲芬太尼、硝唑类中间体、生物试剂",
        "河北银鸢科技有限公司" => "化工原料、橡胶助剂、N-叔丁氧羰基-4-哌啶酮",
        _ => "化工原料、精细化学品、进出口贸易",
    }
}

/// Whether this seller's shop shows descriptions in an `<iframe>` (the
/// platform's newer detail editor: the listing page keeps the specs, and
/// the description is another document).
fn shop_iframe(own: &Own) -> bool {
    matches!(
        company_of(own),
        "南京北门精细化工有限公司" | "武汉蓝雀生物科技有限公司" | "上海清泉贸易有限公司"
    )
}

/// The path of a listing's description document.
fn shop_desc_path(id: u32) -> String {
    format!("/product/desc/{id}.html")
}

/// The case note of a listing whose description is in an `<iframe>`.
fn shop_note(own: &Own) -> Option<&'static str> {
    shop_iframe(own).then_some(" [description in iframe]")
}

/// The description document an `<iframe>` loads (GBK, its own `<meta>`).
fn shop_desc_page(_ctx: &Ctx, l: &Listing) -> Option<(String, String)> {
    if !shop_iframe(&l.own) {
        return None;
    }
    let mut s = String::from("<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gbk\">\n<style>body{margin:0;padding:10px;font-size:14px;line-height:1.8;font-family:\"微软雅黑\"}p{margin:0 0 8px}</style>\n</head>\n<body>\n<div class=\"desc\">");
    for p in &l.own.description {
        let _ = write!(s, "<p><span style=\"font-size:14px\">{}</span></p>", esc(p));
    }
    s.push_str("</div>\n</body>\n</html>\n");
    Some((shop_desc_path(l.id), s))
}

/// `zh-shop`: a supplier's shop (旺铺) on a Chinese B2B platform. The header
/// says `charset=GBK`; the shop template also has a stale `<meta
/// charset="utf-8">` from the editor it was made in (the header wins).
/// `<title>` as `产品名 - 产品中心 - 公司名`. The platform's bar (logo, login,
/// search with hot searches); the shop header with the company's name as the
/// page's `<h1>`, 企业认证 第N年 and 主营 (the shop's business scope); the
/// shop's own menu (首页, 公司简介, 产品中心, …); a left column with the
/// platform's 产品分类, the shop's 联系方式 box and 热销产品 (the shop's other
/// listings as `<dl><dt><a><img></a></dt><dd><a>名称</a></dd></dl>`); in the
/// main column `当前位置：` (ending in the name), the product block (picture,
/// the name in `<div class="pro-name"><strong>`, the specs as
/// `<li><label>…：</label><span>…</span></li>`, 立即询价), the 产品详情 tab
/// with the description, or, for the shops on the newer editor, only an
/// `<iframe src>` to the description document; 相关产品推荐 (other shops'
/// listings, the platform's); the shop footer (company, address, phone);
/// the platform's footer with its contact and ICP number.
pub static ZH_SHOP: Template = Template {
    name: "zh-shop",
    lang: Lang::Zh,
    // `text/html; charset=GBK` in the header; a stale <meta charset="utf-8">.
    charset: Charset::Gbk,
    listing_re: r"^/product/\d+\.html$",
    listing_path: |id, _| format!("/product/{id}.html"),
    category_path: |s, n| {
        if n == 1 {
            format!("/products/{s}.html")
        } else {
            format!("/products/{s}_{n}.html")
        }
    },
    search_path: Some(|q| format!("/search/product.html?kw={q}")),
    listing: shop_listing,
    index: shop_index,
    selectors: Some(|_| {
        vec![
            ("title".into(), "div.pro-name".into()),
            ("description".into(), "div.pro-detail".into()),
            ("specs".into(), "ul.pro-attr".into()),
            ("supplier".into(), "div.contact-box".into()),
        ]
    }),
    classes: 1,
    obfuscated: false,
};

fn shop_head(ctx: &Ctx, title: &str, keywords: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<meta name=\"keywords\" content=\"{}\">\n<link rel=\"stylesheet\" href=\"//res.{d}/shop/v3/css/shop.css\">\n<link rel=\"stylesheet\" href=\"//res.{d}/shop/v3/skin/blue/skin.css\">\n<script src=\"//res.{d}/shop/v3/js/shop.js\"></script>\n</head>\n<body>\n",
        esc(title),
        esc(keywords),
        d = ctx.domain
    )
}

fn shop_bar(ctx: &Ctx, ch: &Chrome, s: &mut String) {
    let _ = write!(
        s,
        "<div class=\"site-bar\"><div class=\"wrap\"><a href=\"/\" class=\"site-logo\">{}</a> <span class=\"sep\">|</span> <a href=\"/login.html\">登录</a> <a href=\"/reg.html\">免费注册</a> <a href=\"/member/shop.html\">我的商铺</a> <a href=\"/help/\">帮助</a><form class=\"site-search\" action=\"/search/product.html\"><input name=\"kw\" placeholder=\"搜产品\"><button type=\"submit\">搜索</button></form>",
        esc(&ctx.market)
    );
    if !ch.hot_searches.is_empty() {
        let _ = write!(s, "<span class=\"site-hot\">{}</span>", links(&ch.hot_searches, " "));
    }
    s.push_str("</div></div>\n");
}

fn shop_platform_foot(ctx: &Ctx, ch: &Chrome, s: &mut String) {
    if ctx.chrome {
        s.push_str("<div class=\"site-ft\"><div class=\"wrap\">");
        for f in &ch.footer {
            let _ = write!(s, "<p>{}</p>", esc(f));
        }
        let _ = writeln!(
            s,
            "<p>技术支持：{} &nbsp; <a href=\"/about/disclaimer.html\">免责声明</a> &nbsp; <a href=\"http://beian.example.cn/\">粤ICP备11055503号</a></p></div></div>",
            esc(&ctx.market)
        );
    }
    s.push_str("</body>\n</html>\n");
}

fn shop_listing(ctx: &Ctx, l: &Listing, ch: &Chrome) -> String {
    let o = &l.own;
    let company = company_of(o);
    let sid = format!("{:x}", fnv(company.as_bytes()) & 0xf_ffff);
    let title = format!("{} - 产品中心 - {company}", o.title);
    let mut s = shop_head(ctx, &title, &format!("{},{company}", o.title));
    shop_bar(ctx, ch, &mut s);
    let member: u32 = sup_get(o, "member").parse().unwrap_or(2018);
    let _ = write!(
        s,
        "<div class=\"shop-hd\"><div class=\"wrap\"><h1 class=\"shop-name\">{}</h1><div class=\"shop-cert\"><span class=\"ico-cert\"></span>企业认证 <span class=\"year\">第{}年</span></div>",
        esc(company),
        2026 - member
    );
    if ctx.chrome {
        let _ = write!(s, "<div class=\"shop-scope\">主营：{}</div>", esc(shop_scope(company)));
    }
    let _ = write!(
        s,
        "</div></div>\n<div class=\"shop-nav\"><div class=\"wrap\"><a href=\"/shop/{sid}/\">首页</a><a href=\"/shop/{sid}/intro.html\">公司简介</a><a href=\"/shop/{sid}/products.html\" class=\"cur\">产品中心</a><a href=\"/shop/{sid}/album.html\">公司相册</a><a href=\"/shop/{sid}/cert.html\">资质证书</a><a href=\"/shop/{sid}/contact.html\">联系我们</a><a href=\"/shop/{sid}/message.html\">在线留言</a></div></div>\n<div class=\"wrap shop-body\">\n<div class=\"side\">"
    );
    if ctx.chrome && !ch.menu.is_empty() {
        s.push_str("<div class=\"sbox\"><div class=\"sbox-hd\">产品分类</div><ul class=\"sort\">");
        for m in &ch.menu {
            let _ = write!(s, "<li>{}</li>", a(m));
        }
        s.push_str("</ul></div>");
    }
    s.push_str("<div class=\"sbox contact-box\"><div class=\"sbox-hd\">联系方式</div><dl>");
    for f in o.supplier.iter().filter(|f| f.key != "member") {
        let _ = write!(s, "<dd><em>{}：</em>{}</dd>", esc(&f.label), esc(&f.value));
    }
    s.push_str("</dl></div>");
    if !ch.shop.is_empty() {
        s.push_str("<div class=\"sbox\"><div class=\"sbox-hd\">热销产品</div><div class=\"hot-pro\">");
        for (p, _) in &ch.shop {
            let _ = write!(
                s,
                "<dl><dt><a href=\"{h}\"><img src=\"//img.{}/p/s{}.jpg\" alt=\"{t}\"></a></dt><dd><a href=\"{h}\">{t}</a></dd></dl>",
                ctx.domain,
                fnv(p.href.as_bytes()) % 100_000,
                h = esc(&p.href),
                t = esc(&p.text)
            );
        }
        s.push_str("</div></div>");
    }
    s.push_str("</div>\n<div class=\"main\">");
    if ctx.chrome {
        let _ = write!(
            s,
            "<div class=\"location\">当前位置：<a href=\"/shop/{sid}/\">首页</a> &gt; <a href=\"/shop/{sid}/products.html\">产品中心</a> &gt; {}</div>",
            esc(&o.title)
        );
    }
    let _ = write!(
        s,
        "<div class=\"pro-box clearfix\"><div class=\"pro-img\"><img src=\"//img.{}/p/{}.jpg\" alt=\"{t}\"></div><div class=\"pro-info\"><div class=\"pro-name\"><strong>{t}</strong></div><ul class=\"pro-attr\">",
        ctx.domain,
        l.id,
        t = esc(&o.title)
    );
    for f in &o.specs {
        let _ = write!(
            s,
            "<li><label>{}：</label><span>{}</span></li>",
            esc(&f.label),
            esc(&f.value)
        );
    }
    let _ = write!(
        s,
        "</ul><div class=\"pro-btn\"><a class=\"btn-xj\" href=\"/inquiry.html?pid={}\">立即询价</a><a class=\"btn-fav\" href=\"javascript:;\">收藏产品</a></div></div></div>\n<div class=\"pro-tab\"><ul><li class=\"cur\">产品详情</li><li><a href=\"/shop/{sid}/contact.html\">联系我们</a></li></ul></div>\n<div class=\"pro-detail\">",
        l.id
    );
    if shop_iframe(o) {
        let _ = write!(
            s,
            "<iframe src=\"{}\" id=\"descFrame\" width=\"100%\" height=\"600\" frameborder=\"0\" scrolling=\"no\" onload=\"this.height=this.contentWindow.document.body.scrollHeight\"></iframe>",
            shop_desc_path(l.id)
        );
    } else {
        for p in &o.description {
            let _ = write!(s, "<p>{}</p>", esc(p));
        }
    }
    s.push_str("</div>\n");
    if !ch.more.is_empty() {
        s.push_str("<div class=\"recommend\"><div class=\"rec-hd\">相关产品推荐</div><div class=\"rec-list\">");
        for (p, price) in &ch.more {
            let _ = write!(
                s,
                "<div class=\"item\"><a href=\"{h}\" class=\"pic\"><img src=\"//img.{}/p/s{}.jpg\" alt=\"\"></a><a href=\"{h}\" class=\"n\">{}</a><em>{}</em></div>",
                ctx.domain,
                fnv(p.href.as_bytes()) % 100_000,
                esc(&p.text),
                esc(price),
                h = esc(&p.href)
            );
        }
        s.push_str("</div></div>\n");
    }
    let _ = write!(
        s,
        "</div></div>\n<div class=\"shop-ft\"><div class=\"wrap\">{} 版权所有 &nbsp; 地址：{} &nbsp; 电话：{}</div></div>\n",
        esc(company),
        esc(&sup_get(o, "address")),
        esc(&sup_get(o, "phone"))
    );
    shop_platform_foot(ctx, ch, &mut s);
    s
}

fn shop_index(ctx: &Ctx, idx: &Index, ch: &Chrome) -> String {
    let title = format!("{} - {}", idx.heading, ctx.market);
    let mut s = shop_head(ctx, &title, &idx.heading);
    shop_bar(ctx, ch, &mut s);
    let _ = write!(
        s,
        "<div class=\"wrap list-body\"><h2 class=\"list-hd\">{}</h2><p class=\"list-intro\">{}</p><div class=\"rec-list\">",
        esc(&idx.heading),
        esc(&idx.intro)
    );
    for (l, p) in &idx.items {
        let _ = write!(
            s,
            "<div class=\"item\"><a href=\"{h}\" class=\"pic\"><img src=\"//img.{}/p/s{}.jpg\" alt=\"\"></a><a href=\"{h}\" class=\"n\">{}</a><em>{}</em></div>",
            ctx.domain,
            fnv(l.href.as_bytes()) % 100_000,
            esc(&l.text),
            esc(p),
            h = esc(&l.href)
        );
    }
    let _ = writeln!(s, "</div><div class=\"pager\">{}</div></div>", links(&idx.pager, " "));
    if !ch.more.is_empty() {
        s.push_str("<div class=\"wrap recommend\"><div class=\"rec-hd\">相关产品推荐</div><div class=\"rec-list\">");
        for (p, price) in &ch.more {
            let _ = write!(
                s,
                "<div class=\"item\"><a href=\"{}\" class=\"n\">{}</a><em>{}</em></div>",
                esc(&p.href),
                esc(&p.text),
                esc(price)
            );
        }
        s.push_str("</div></div>\n");
    }
    shop_platform_foot(ctx, ch, &mut s);
    s
}

// ----- zh-info --------------------------------------------------------------

/// Simplified → traditional characters for the text of this file (the
/// listings' own content, category names, footers), one character for one:
/// what a site's cheap 繁體 conversion does. Characters whose traditional
/// form depends on the word (系/繫, 制/製, 注/註, 台/臺) are left alone.
const ZH_TRAD: &[(char, char)] = &[
    ('与', '與'),
    ('专', '專'),
    ('业', '業'),
    ('东', '東'),
    ('个', '個'),
    ('临', '臨'),
    ('为', '為'),
    ('书', '書'),
    ('买', '買'),
    ('于', '於'),
    ('产', '產'),
    ('仅', '僅'),
    ('仓', '倉'),
    ('们', '們'),
    ('价', '價'),
    ('优', '優'),
    ('会', '會'),
    ('传', '傳'),
    ('体', '體'),
    ('储', '儲'),
    ('关', '關'),
    ('内', '內'),
    ('册', '冊'),
    ('农', '農'),
    ('凉', '涼'),
    ('减', '減'),
    ('击', '擊'),
    ('则', '則'),
    ('创', '創'),
    ('删', '刪'),
    ('剂', '劑'),
    ('办', '辦'),
    ('务', '務'),
    ('动', '動'),
    ('区', '區'),
    ('医', '醫'),
    ('华', '華'),
    ('单', '單'),
    ('厂', '廠'),
    ('历', '歷'),
    ('压', '壓'),
    ('参', '參'),
    ('发', '發'),
    ('变', '變'),
    ('号', '號'),
    ('吨', '噸'),
    ('员', '員'),
    ('咨', '諮'),
    ('园', '園'),
    ('国', '國'),
    ('图', '圖'),
    ('声', '聲'),
    ('处', '處'),
    ('备', '備'),
    ('复', '復'),
    ('妆', '妝'),
    ('孙', '孫'),
    ('学', '學'),
    ('实', '實'),
    ('导', '導'),
    ('将', '將'),
    ('属', '屬'),
    ('岭', '嶺'),
    ('币', '幣'),
    ('帮', '幫'),
    ('干', '乾'),
    ('并', '並'),
    ('广', '廣'),
    ('庄', '莊'),
    ('库', '庫'),
    ('应', '應'),
    ('开', '開'),
    ('张', '張'),
    ('当', '當'),
    ('录', '錄'),
    ('总', '總'),
    ('户', '戶'),
    ('托', '託'),
    ('护', '護'),
    ('报', '報'),
    ('拨', '撥'),
    ('据', '據'),
    ('数', '數'),
    ('无', '無'),
    ('时', '時'),
    ('暂', '暫'),
    ('术', '術'),
    ('机', '機'),
    ('权', '權'),
    ('条', '條'),
    ('来', '來'),
    ('枫', '楓'),
    ('柠', '檸'),
    ('树', '樹'),
    ('样', '樣'),
    ('桥', '橋'),
    ('检', '檢'),
    ('欢', '歡'),
    ('氢', '氫'),
    ('汇', '匯'),
    ('汉', '漢'),
    ('沪', '滬'),
    ('浆', '漿'),
    ('测', '測'),
    ('济', '濟'),
    ('浏', '瀏'),
    ('涂', '塗'),
    ('涤', '滌'),
    ('点', '點'),
    ('烛', '燭'),
    ('烧', '燒'),
    ('热', '熱'),
    ('状', '狀'),
    ('环', '環'),
    ('现', '現'),
    ('电', '電'),
    ('盐', '鹽'),
    ('码', '碼'),
    ('础', '礎'),
    ('碱', '鹼'),
    ('称', '稱'),
    ('稳', '穩'),
    ('简', '簡'),
    ('类', '類'),
    ('粤', '粵'),
    ('红', '紅'),
    ('级', '級'),
    ('纬', '緯'),
    ('纯', '純'),
    ('纸', '紙'),
    ('纺', '紡'),
    ('线', '線'),
    ('细', '細'),
    ('织', '織'),
    ('绍', '紹'),
    ('经', '經'),
    ('结', '結'),
    ('绝', '絕'),
    ('维', '維'),
    ('绿', '綠'),
    ('缆', '纜'),
    ('编', '編'),
    ('缩', '縮'),
    ('网', '網'),
    ('联', '聯'),
    ('胶', '膠'),
    ('脑', '腦'),
    ('脚', '腳'),
    ('节', '節'),
    ('苏', '蘇'),
    ('荐', '薦'),
    ('药', '藥'),
    ('获', '獲'),
    ('营', '營'),
    ('蓝', '藍'),
    ('蜡', '蠟'),
    ('装', '裝'),
    ('观', '觀'),
    ('规', '規'),
    ('览', '覽'),
    ('订', '訂'),
    ('认', '認'),
    ('议', '議'),
    ('讯', '訊'),
    ('记', '記'),
    ('许', '許'),
    ('设', '設'),
    ('证', '證'),
    ('评', '評'),
    ('词', '詞'),
    ('试', '試'),
    ('诚', '誠'),
    ('话', '話'),
    ('询', '詢'),
    ('该', '該'),
    ('详', '詳'),
    ('说', '說'),
    ('请', '請'),
    ('调', '調'),
    ('谢', '謝'),
    ('谱', '譜'),
    ('责', '責'),
    ('败', '敗'),
    ('账', '賬'),
    ('货', '貨'),
    ('质', '質'),
    ('购', '購'),
    ('贸', '貿'),
    ('费', '費'),
    ('资', '資'),
    ('赛', '賽'),
    ('赵', '趙'),
    ('车', '車'),
    ('转', '轉'),
    ('软', '軟'),
    ('载', '載'),
    ('输', '輸'),
    ('达', '達'),
    ('还', '還'),
    ('进', '進'),
    ('违', '違'),
    ('适', '適'),
    ('邮', '郵'),
    ('采', '採'),
    ('钙', '鈣'),
    ('钛', '鈦'),
    ('钟', '鐘'),
    ('钠', '鈉'),
    ('钢', '鋼'),
    ('铁', '鐵'),
    ('铝', '鋁'),
    ('银', '銀'),
    ('铺', '鋪'),
    ('链', '鏈'),
    ('销', '銷'),
    ('锈', '鏽'),
    ('锌', '鋅'),
    ('键', '鍵'),
    ('镀', '鍍'),
    ('长', '長'),
    ('门', '門'),
    ('闭', '閉'),
    ('间', '間'),
    ('阴', '陰'),
    ('页', '頁'),
    ('项', '項'),
    ('颗', '顆'),
    ('颜', '顏'),
    ('饮', '飲'),
    ('饲', '飼'),
    ('馈', '饋'),
    ('驻', '駐'),
    ('验', '驗'),
    ('鸢', '鳶'),
    ('黄', '黃'),
    ('龙', '龍'),
];

/// Traditional characters for simplified ones ([`ZH_TRAD`]).
fn to_trad(s: &str) -> String {
    s.chars()
        .map(|c| ZH_TRAD.binary_search_by(|(k, _)| k.cmp(&c)).map_or(c, |i| ZH_TRAD[i].1))
        .collect()
}

/// The sellers of a `zh-info` site who post in traditional characters: a
/// Taiwanese and a Hong Kong company in place of two of the mainland ones
/// (company, contact, location, phone prefix).
fn info_trad_supplier(company: &str) -> Option<(&'static str, &'static str, &'static str, &'static str)> {
    match company {
        "武汉蓝雀生物科技有限公司" => {
            Some(("台灣藍雀生技股份有限公司", "陳小姐", "台灣台中", "+886 4 5550 01"))
        }
        "河北银鸢科技有限公司" => Some(("香港銀鳶科技有限公司", "王經理", "香港九龍", "+852 5550 01")),
        _ => None,
    }
}

/// Whether a `zh-info` listing was posted in traditional characters.
fn info_is_trad(own: &Own) -> bool {
    matches!(company_of(own), "台灣藍雀生技股份有限公司" | "香港銀鳶科技有限公司")
}

fn info_note(own: &Own) -> Option<&'static str> {
    info_is_trad(own).then_some(" [繁體]")
}

/// The 繁體 interface's label for a field.
fn info_label(f: &Field) -> String {
    match f.key {
        "cas" => "CAS號".into(),
        "purity" => "純度".into(),
        "appearance" => "外觀".into(),
        "package" => "包裝".into(),
        "moq" => "起訂量".into(),
        "price" => "價格".into(),
        "supply" => "供應能力".into(),
        "payment" => "付款方式".into(),
        "supplier" => "公司名稱".into(),
        "contact" => "聯繫人".into(),
        "phone" => "電話".into(),
        "email" => "郵箱".into(),
        "messenger" => "在線聯繫".into(),
        "location" => "所在地".into(),
        "member" => "入駐年份".into(),
        _ => to_trad(&f.label),
    }
}

/// `zh-info` own content. The site's 繁體 interface relabels every field
/// (CAS號, 純度, 價格…, 聯繫人, 電話…); what sellers posted stays as they
/// wrote it: simplified characters from the mainland sellers, traditional
/// from a Taiwanese and a Hong Kong seller (their title, specs and
/// description are written in traditional characters, their phone numbers
/// are +886 / +852: neither is a +86 number).
fn info_own(own: &mut Own) {
    let company = sup_get(own, "supplier");
    if let Some((co, contact, location, phone)) = info_trad_supplier(&company) {
        own.title = to_trad(&own.title);
        for p in &mut own.description {
            *p = to_trad(p);
        }
        for f in &mut own.specs {
            f.value = to_trad(&f.value);
        }
        for f in &mut own.supplier {
            f.value = match f.key {
                "supplier" => co.to_string(),
                "contact" => contact.to_string(),
                "location" => location.to_string(),
                "phone" => format!("{phone}{}", &f.value[f.value.len() - 2..]),
                _ => to_trad(&f.value),
            };
        }
    }
    for f in own.specs.iter_mut().chain(own.supplier.iter_mut()) {
        f.label = info_label(f);
    }
}

/// `zh-info`: the 繁體中文 channel of a mainland classified-information
/// portal (分類信息 / 黃頁) for the chemical trade, GBK with the charset only
/// in an HTML5 `<meta charset="gbk">` (no header charset). The interface is
/// in traditional characters (熱門搜索, 供應信息, 聯繫方式, 溫馨提示…, a 简体中文
/// | 繁體中文 switch), category names and footer converted character by
/// character, while the posted text stays as posted (mainland sellers in
/// simplified, a Taiwanese and a Hong Kong seller in traditional). `<title>`
/// as `名稱_分類_網站名` (the category names watched substances). A post is a
/// `<h1>`, then 信息編號 / 發布時間 / 瀏覽次數 (a hit counter: another number on
/// every visit), the attributes as `<li><span>label：</span>value</li>`, the
/// text, the 聯繫方式 box, a 溫馨提示 disclaimer, and 上一條 / 下一條 (the titles
/// of neighbouring posts). Chrome blocks whose heading is a CSS sprite, an
/// empty `<span class="t t-xx">` (相關信息 under the post, 推薦信息 and 最新信息
/// in the right column); a 供應分類 list; 友情鏈接; a footer with the
/// marketplace's contact and the ICP number.
pub static ZH_INFO: Template = Template {
    name: "zh-info",
    lang: Lang::Zh,
    // Only an HTML5 <meta charset="gbk">; the header has no charset.
    charset: Charset::GbkMetaOnly,
    listing_re: r"^/xinxi/\d+\.htm$",
    listing_path: |id, _| format!("/xinxi/{}.htm", 2_000_000 + u64::from(id) * 37),
    category_path: |s, n| {
        if n == 1 {
            format!("/gongying/{s}/")
        } else {
            format!("/gongying/{s}/pn{n}/")
        }
    },
    search_path: Some(|q| format!("/search/?key={q}&type=gy")),
    listing: info_listing,
    index: info_index,
    selectors: Some(|_| {
        vec![
            ("title".into(), "div.info-title h1".into()),
            ("description".into(), "div.info-content".into()),
            ("specs".into(), "ul.info-attr".into()),
            ("supplier".into(), "div.info-contact".into()),
        ]
    }),
    classes: 1,
    obfuscated: false,
};

fn info_site(ctx: &Ctx) -> String {
    to_trad(&ctx.market)
}

const INFO_FRIENDS: &[(&str, &str)] = &[
    ("兩岸化工網", "http://www.lahg.example.cn/"),
    ("台灣化學品交易網", "http://www.twchem.example.com/"),
    ("香港貿易資訊網", "http://www.hktrade.example.com/"),
    ("化工黃頁", "http://www.hghy.example.cn/"),
    ("塑膠原料網", "http://www.sjyl.example.cn/"),
];

fn info_head(title: &str, keywords: &str, description: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-Hant\">\n<head>\n<meta charset=\"gbk\">\n<title>{}</title>\n<meta name=\"keywords\" content=\"{}\">\n<meta name=\"description\" content=\"{}\">\n<link rel=\"stylesheet\" href=\"/skin/big5/css/style.css\">\n<script src=\"/skin/big5/js/common.js\"></script>\n</head>\n<body>\n",
        esc(title),
        esc(keywords),
        esc(description)
    )
}

fn info_top(ctx: &Ctx, ch: &Chrome, cn_href: &str, s: &mut String) {
    let site = esc(&info_site(ctx));
    let _ = write!(
        s,
        "<div id=\"topbar\"><div class=\"w\"><span class=\"city\">全國站 <a href=\"/city/\">[切換城市]</a></span><span class=\"lang\"><a href=\"{}\">简体中文</a> | <b>繁體中文</b></span><span class=\"member\"><a href=\"/member/login.php\">登錄</a> <a href=\"/member/reg.php\">註冊</a> <a href=\"/member/post.php\" class=\"post\">免費發布信息</a></span></div></div>\n<div id=\"header\"><div class=\"w\"><a href=\"/\" class=\"logo\"><img src=\"/skin/big5/images/logo.gif\" alt=\"{site}\"></a><div class=\"so\"><form action=\"/search/\" method=\"get\"><input type=\"text\" name=\"key\" class=\"kw\" placeholder=\"請輸入關鍵詞\"><input type=\"hidden\" name=\"type\" value=\"gy\"><input type=\"submit\" class=\"btn\" value=\"搜 索\"></form>",
        esc(cn_href)
    );
    if !ch.hot_searches.is_empty() {
        let _ = write!(
            s,
            "<div class=\"hotkey\">熱門搜索：{}</div>",
            links(&ch.hot_searches, " ")
        );
    }
    s.push_str("</div></div></div>\n<div id=\"nav\"><div class=\"w\"><a href=\"/\">首頁</a><a href=\"/gongying/\" class=\"on\">供應信息</a><a href=\"/qiugou/\">求購信息</a><a href=\"/qiye/\">企業黃頁</a><a href=\"/zixun/\">行業資訊</a><a href=\"/zhanhui/\">展會信息</a></div></div>\n");
}

/// A right-column or under-the-post box whose heading is a sprite: an empty
/// `<span class="t t-{sprite}">` (the words are in the picture).
fn info_box(sprite: &str, more: Option<&str>, rows: &[String], s: &mut String) {
    let _ = write!(
        s,
        "<div class=\"box\"><div class=\"hd\"><span class=\"t t-{sprite}\"></span>"
    );
    if let Some(m) = more {
        let _ = write!(s, "<a class=\"more\" href=\"{}\">更多&raquo;</a>", esc(m));
    }
    s.push_str("</div><ul class=\"list\">");
    for r in rows {
        let _ = write!(s, "<li>{r}</li>");
    }
    s.push_str("</ul></div>");
}

fn info_right(ctx: &Ctx, ch: &Chrome, s: &mut String) {
    s.push_str("<div class=\"mright\">");
    if !ch.hot_products.is_empty() {
        let rows: Vec<String> = ch.hot_products.iter().map(a).collect();
        info_box("tj", None, &rows, s);
    }
    if !ch.more.is_empty() {
        let rows: Vec<String> = ch
            .more
            .iter()
            .take(4)
            .map(|(l, _)| format!("{}<em>{}</em>", a(l), asp_short_date(&l.href)))
            .collect();
        info_box("zx", Some("/gongying/"), &rows, s);
    }
    if ctx.chrome && !ch.menu.is_empty() {
        s.push_str("<div class=\"box\"><div class=\"hd\"><span>供應分類</span></div><ul class=\"cate\">");
        for m in &ch.menu {
            let _ = write!(
                s,
                "<li><a href=\"{}\">{}</a></li>",
                esc(&m.href),
                esc(&to_trad(&m.text))
            );
        }
        s.push_str("</ul></div>");
    }
    s.push_str("</div>\n</div>\n");
}

fn info_foot(ctx: &Ctx, ch: &Chrome, s: &mut String) {
    if ctx.chrome {
        s.push_str("<div id=\"friend\" class=\"w\"><span>友情鏈接：</span>");
        for (name, href) in INFO_FRIENDS {
            let _ = write!(s, "<a href=\"{href}\" target=\"_blank\">{name}</a> ");
        }
        s.push_str("</div>\n<div id=\"footer\"><div class=\"w\"><p><a href=\"/about/\">關於我們</a> | <a href=\"/about/contact.html\">聯繫方式</a> | <a href=\"/about/ad.html\">廣告服務</a> | <a href=\"/about/disclaimer.html\">免責聲明</a> | <a href=\"/sitemap.html\">網站地圖</a></p>");
        for f in &ch.footer {
            let _ = write!(s, "<p>{}</p>", esc(&to_trad(f)));
        }
        let _ = writeln!(
            s,
            "<p>Copyright &copy; 2009-2025 {} 版權所有 <a href=\"http://beian.example.cn/\">粵ICP備09055504號</a></p></div></div>",
            esc(&info_site(ctx))
        );
    }
    s.push_str("</body>\n</html>\n");
}

fn info_listing(ctx: &Ctx, l: &Listing, ch: &Chrome) -> String {
    let o = &l.own;
    let cat = to_trad(&ctx.categories[l.category].name);
    let site = info_site(ctx);
    let title = format!("{}_{cat}_{site}", o.title);
    let intro: String = o
        .description
        .first()
        .map_or(String::new(), |d| d.chars().take(60).collect());
    let mut s = info_head(&title, &o.title, &intro);
    info_top(ctx, ch, &format!("{}?lang=cn", l.path), &mut s);
    if let Some(c) = ch.crumbs.get(1) {
        let _ = writeln!(
            s,
            "<div class=\"w crumb\"><a href=\"/\">{}</a> &gt; <a href=\"/gongying/\">供應信息</a> &gt; <a href=\"{}\">{}</a> &gt; 正文</div>",
            esc(&site),
            esc(&c.href),
            esc(&to_trad(&c.text))
        );
    }
    let serial = l.path.trim_start_matches("/xinxi/").trim_end_matches(".htm");
    let _ = write!(
        s,
        "<div class=\"w main\">\n<div class=\"mleft\"><div class=\"info\"><div class=\"info-title\"><h1>{}</h1><div class=\"info-meta\">信息編號：{serial} &nbsp; 發布時間：{}",
        esc(&o.title),
        portal_date(&l.path)
    );
    if ctx.chrome {
        // A hit counter: another number on every visit.
        let key: String = ch
            .related
            .iter()
            .chain(&ch.more)
            .map(|(x, _)| x.href.as_str())
            .collect();
        let _ = write!(
            s,
            " &nbsp; 瀏覽次數：<span id=\"hits\">{}</span>次",
            120 + fnv(key.as_bytes()) % 3000
        );
    }
    let _ = write!(
        s,
        " &nbsp; <a href=\"/report.php?id={serial}\">舉報</a></div></div>\n<ul class=\"info-attr\">"
    );
    for f in &o.specs {
        let _ = write!(s, "<li><span>{}：</span>{}</li>", esc(&f.label), esc(&f.value));
    }
    s.push_str("</ul>\n<div class=\"info-content\">");
    for p in &o.description {
        let _ = write!(s, "<p>{}</p>", esc(p));
    }
    s.push_str("</div>\n<div class=\"info-contact\"><div class=\"hd\"><span class=\"t t-lx\"></span></div><ul>");
    for f in &o.supplier {
        let _ = write!(s, "<li><span>{}：</span>{}</li>", esc(&f.label), esc(&f.value));
    }
    s.push_str("</ul></div>\n<div class=\"tip\">溫馨提示：本信息由用戶自行發布，其真實性、合法性由發布者負責。交易前請核實對方資質，謹防上當受騙。</div>\n");
    if ch.related.len() >= 2 {
        let _ = write!(
            s,
            "<div class=\"prenext\"><p>上一條：{}</p><p>下一條：{}</p></div>",
            a(&ch.related[0].0),
            a(&ch.related[1].0)
        );
    }
    s.push_str("</div>\n");
    if !ch.related.is_empty() {
        let rows: Vec<String> = ch
            .related
            .iter()
            .skip(2)
            .chain(ch.more.iter().skip(4))
            .map(|(x, p)| format!("{}<em>{}</em>", a(x), esc(p)))
            .collect();
        let more = ch.crumbs.get(1).map(|c| c.href.clone());
        info_box("xg", more.as_deref(), &rows, &mut s);
    }
    s.push_str("</div>\n");
    info_right(ctx, ch, &mut s);
    info_foot(ctx, ch, &mut s);
    s
}

fn info_index(ctx: &Ctx, idx: &Index, ch: &Chrome) -> String {
    let site = info_site(ctx);
    let heading = to_trad(&idx.heading);
    let title = format!("{heading}_{site}");
    let mut s = info_head(&title, &heading, &to_trad(&idx.intro));
    info_top(ctx, ch, "/?lang=cn", &mut s);
    let _ = write!(
        s,
        "<div class=\"w main\">\n<div class=\"mleft\"><div class=\"list-hd\"><h2>{}</h2><span>{}</span></div><ul class=\"info-list\">",
        esc(&heading),
        esc(&to_trad(&idx.intro))
    );
    for (l, p) in &idx.items {
        let _ = write!(
            s,
            "<li><a href=\"{}\">{}</a><em>{}</em><span>{}</span></li>",
            esc(&l.href),
            esc(&l.text),
            esc(p),
            portal_date(&l.href)
        );
    }
    let _ = writeln!(s, "</ul><div class=\"pages\">{}</div></div>", links(&idx.pager, " "));
    info_right(ctx, ch, &mut s);
    info_foot(ctx, ch, &mut s);
    s
}

/// The tune set: sixteen templates, one site each. The measure set
/// (`market_measure.rs`) uses other seeds and two templates not here.
pub fn tune_specs() -> Vec<SiteSpec> {
    vec![
        SiteSpec {
            name: "tune-html5".into(),
            template: &HTML5,
            seed: 11,
            listings: 32,
        },
        SiteSpec {
            name: "tune-divsoup".into(),
            template: &DIVSOUP,
            seed: 12,
            listings: 32,
        },
        SiteSpec {
            name: "tune-table".into(),
            template: &TABLE,
            seed: 13,
            listings: 30,
        },
        SiteSpec {
            name: "tune-zh-utf8".into(),
            template: &ZH_UTF8,
            seed: 14,
            listings: 30,
        },
        SiteSpec {
            name: "tune-zh-portal".into(),
            template: &ZH_PORTAL,
            seed: 115,
            listings: 30,
        },
        SiteSpec {
            name: "tune-spanish".into(),
            template: &SPANISH,
            seed: 116,
            listings: 32,
        },
        SiteSpec {
            name: "tune-cards".into(),
            template: &CARDS,
            seed: 117,
            listings: 30,
        },
        SiteSpec {
            name: "tune-no-title-markup".into(),
            template: &NO_TITLE_MARKUP,
            seed: 118,
            listings: 28,
        },
        SiteSpec {
            name: "tune-zh-b2b".into(),
            template: &ZH_B2B,
            seed: 131,
            listings: 30,
        },
        SiteSpec {
            name: "tune-alibaba-like".into(),
            template: &ALIBABA_LIKE,
            seed: 132,
            listings: 32,
        },
        SiteSpec {
            name: "tune-mobile".into(),
            template: &MOBILE,
            seed: 133,
            listings: 28,
        },
        SiteSpec {
            name: "tune-forum-like".into(),
            template: &FORUM_LIKE,
            seed: 134,
            listings: 30,
        },
        SiteSpec {
            name: "tune-zh-asp".into(),
            template: &ZH_ASP,
            seed: 151,
            listings: 28,
        },
        SiteSpec {
            name: "tune-zh-seo".into(),
            template: &ZH_SEO,
            seed: 152,
            listings: 30,
        },
        SiteSpec {
            name: "tune-zh-shop".into(),
            template: &ZH_SHOP,
            seed: 153,
            listings: 28,
        },
        SiteSpec {
            name: "tune-zh-info".into(),
            template: &ZH_INFO,
            seed: 154,
            listings: 30,
        },
    ]
}

/// Small sites for the CI tests (a few seconds in a debug build).
pub fn ci_specs() -> Vec<SiteSpec> {
    vec![
        SiteSpec {
            name: "ci-html5".into(),
            template: &HTML5,
            seed: 21,
            listings: 12,
        },
        SiteSpec {
            name: "ci-divsoup".into(),
            template: &DIVSOUP,
            seed: 22,
            listings: 12,
        },
    ]
}

/// Whitespace-collapsed, lower-cased text, for containment checks.
pub fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Where a hit's text comes from on a listing page, judged from its matched
/// text and the line of the matched content it sits on.
#[derive(Debug, PartialEq, Eq)]
pub enum Origin {
    Own,
    Chrome,
    Neither,
}

/// Judges a hit: `matched` is the hit's text, `line` the line of the stored
/// content it sits on (or `matched` again when unknown).
pub fn origin(truth: &Truth, matched: &str, line: &str) -> Origin {
    let own = norm(&truth.own.join("\n"));
    let m = norm(matched);
    let in_chrome = |x: &str| truth.chrome.iter().any(|c| norm(c).contains(x));
    if !own.contains(&m) {
        return if in_chrome(&m) { Origin::Chrome } else { Origin::Neither };
    }
    let l = norm(line);
    if l.len() > m.len() && !own.contains(&l) && in_chrome(&l) {
        return Origin::Chrome;
    }
    Origin::Own
}
