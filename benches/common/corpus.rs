//! Deterministic generator of realistic marketplace listing text, shared by
//! `benches/matcher.rs` and `examples/gen_corpus.rs` (so the Rust and Python
//! benchmarks read the very same text).
//!
//! Mostly benign English B2B product listings (chemicals, electronics,
//! furniture, logistics), some in Chinese, and about one in three carrying a
//! watched substance and/or seller tactics, written in the disguises sellers use.

/// A small xorshift PRNG: the corpus must not depend on any crate's algorithm.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[self.below(v.len())]
    }
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const BENIGN_CHEM: &[(&str, &str)] = &[
    ("Citric acid monohydrate", "5949-29-1"),
    ("Ethanol absolute", "64-17-5"),
    ("Sodium chloride", "7647-14-5"),
    ("Titanium dioxide rutile", "13463-67-7"),
    ("Glycerol", "56-81-5"),
    ("Sodium bicarbonate food grade", "144-55-8"),
    ("Polyvinyl alcohol", "9002-89-5"),
    ("Ascorbic acid", "50-81-7"),
    ("Calcium carbonate", "471-34-1"),
    ("1-Benzyl-4-piperidone", "3612-20-2"),
    ("2-Piperidone", "675-20-7"),
    ("Aniline", "62-53-3"),
    ("Stearic acid", "57-11-4"),
    ("Urea fertilizer", "57-13-6"),
];

const GOODS: &[&str] = &[
    "LED strip light 5050 RGB waterproof",
    "Solid oak dining table with 6 chairs",
    "USB-C fast charger 65W GaN",
    "Stainless steel wire mesh 304",
    "Bluetooth wireless earbuds with charging case",
    "Office chair ergonomic mesh back",
    "Ceramic vase set for home decoration",
    "Industrial air compressor 8 bar",
    "Cotton t-shirt blank 180gsm",
    "Solar panel 450W monocrystalline",
];

const WORDS: &[&str] = &[
    "quality",
    "factory",
    "price",
    "supply",
    "customer",
    "service",
    "professional",
    "team",
    "products",
    "export",
    "countries",
    "years",
    "experience",
    "certificate",
    "ISO9001",
    "packaging",
    "sample",
    "available",
    "order",
    "delivery",
    "time",
    "days",
    "after",
    "payment",
    "warehouse",
    "stock",
    "competitive",
    "reliable",
    "partner",
    "long-term",
    "cooperation",
    "welcome",
    "inquiry",
    "contact",
    "details",
    "standard",
    "grade",
    "industrial",
    "application",
    "used",
    "in",
    "the",
    "and",
    "with",
    "for",
    "our",
    "we",
    "are",
    "is",
    "of",
    "to",
    "a",
    "good",
    "best",
    "new",
    "high",
    "low",
    "fast",
    "safe",
    "strict",
    "inspection",
    "before",
    "shipment",
    "OEM",
    "ODM",
    "accepted",
    "bulk",
    "discount",
    "large",
    "quantity",
    "fresh",
    "goods",
    "reach",
    "compliance",
    "COA",
    "MSDS",
    "provided",
    "upon",
    "request",
    "shelf",
    "life",
    "months",
    "store",
    "cool",
    "dry",
    "place",
    "away",
    "from",
    "light",
    "moisture",
];

const ZH_NAMES: &[&str] = &["柠檬酸", "无水乙醇", "氯化钠", "二氧化钛", "甘油", "碳酸钙", "硬脂酸"];
const ZH_TEXT: &[&str] = &[
    "本公司是一家专业从事化工产品生产和销售的企业，产品质量稳定，价格优惠。",
    "欢迎新老客户来电咨询，我们将竭诚为您服务。",
    "包装：25公斤/袋，可根据客户要求定制包装。",
    "发货迅速，支持样品检测，提供质检报告。",
    "主要销往欧美、东南亚等国家和地区，深受客户好评。",
];

/// Substance mentions in the forms sellers use.
const SUBSTANCE: &[&str] = &[
    "1-Boc-4-piperidone CAS 79099-07-3",
    "N-Phenethyl-4-piperidone (NPP) powder, CAS 39742-60-4",
    "4-Anilinopiperidine / 4-AP",
    "CAS 79099 powder",
    "cas：７９０９９－０７－３",
    "79O99-O7-3 white crystal",
    "f3ntanyl precursor",
    "tert-butyl 4-oxopiperidine-1-carboxylate",
    "BMK glycidate oil CAS 80532-66-7",
    "PMK ethyl glycidate 28578-16-7",
    "N-叔丁氧羰基-4-哌啶酮",
    "Protonitazene CAS 95958-84-2",
    "Xylazine HCl powder",
    "CAS 79099-07-4",
];

const TACTIC: &[&str] = &[
    "100% safe delivery to Mexico",
    "ship safely to USA, door to door",
    "USA warehouse, in stock in Canada",
    "envío seguro a México",
    "100% customs clearance, re-ship if seized",
    "we can change the name of the goods",
    "Payment: BTC, USDT (TRC20), Western Union",
    "Wickr: chemking88 Telegram: @labsupply",
    "WhatsApp +86 138 0013 8000",
    "for research only, not for human use",
    "hot sale, order asap",
];

fn sentence(r: &mut Rng, out: &mut String) {
    let n = 8 + r.below(14);
    for i in 0..n {
        let w = r.pick(WORDS);
        if i == 0 {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                out.extend(f.to_uppercase());
                out.push_str(c.as_str());
            }
        } else {
            out.push(' ');
            out.push_str(w);
        }
    }
    out.push_str(". ");
}

fn benign(r: &mut Rng, out: &mut String) {
    if r.chance(60) {
        let (name, cas) = BENIGN_CHEM[r.below(BENIGN_CHEM.len())];
        out.push_str(&format!(
            "{name}\nCAS No.: {cas}\nPurity: {}%\nAppearance: {}\nPackage: {} kg/drum\nMOQ: {} kg\nPrice: US ${}-{} / kg\nSupply Ability: {} Metric Ton/Month\nPort: {}\nPayment Terms: T/T, L/C\n",
            95 + r.below(5),
            r.pick(&["white powder", "colorless liquid", "white crystal", "granules"]),
            r.pick(&["25", "50", "200"]),
            1 + r.below(1000),
            1 + r.below(20),
            21 + r.below(80),
            10 + r.below(500),
            r.pick(&["Shanghai", "Qingdao", "Tianjin", "Ningbo"]),
        ));
    } else {
        out.push_str(&format!(
            "{}\nModel: PX-{}\nMOQ: {} pieces\nPrice: US ${}.{:02} / piece\nDelivery: door to door, DDP available\nPayment: T/T, PayPal\n",
            r.pick(GOODS),
            r.below(9000) + 1000,
            1 + r.below(500),
            1 + r.below(300),
            r.below(100),
        ));
    }
}

fn chinese(r: &mut Rng, out: &mut String) {
    out.push_str(&format!(
        "产品名称：{}\n纯度：{}%\n外观：白色粉末\n包装：25kg/袋\n起订量：{}公斤\n",
        r.pick(ZH_NAMES),
        95 + r.below(5),
        1 + r.below(100)
    ));
    for _ in 0..3 + r.below(4) {
        out.push_str(r.pick(ZH_TEXT));
    }
    out.push('\n');
}

/// One listing of about 2-4 KB.
pub fn listing(r: &mut Rng) -> String {
    let target = 2048 + r.below(2048);
    let mut out = String::with_capacity(target + 512);
    let zh = r.chance(10);
    let bad = r.chance(35);
    if zh {
        chinese(r, &mut out);
    } else {
        benign(r, &mut out);
    }
    if bad {
        out.push_str(r.pick(SUBSTANCE));
        out.push_str(". ");
    }
    out.push_str("\nDescription:\n");
    while out.len() < target {
        if zh && r.chance(40) {
            out.push_str(r.pick(ZH_TEXT));
        } else {
            sentence(r, &mut out);
        }
        if bad && r.chance(30) {
            let list = if r.chance(50) { TACTIC } else { SUBSTANCE };
            out.push_str(r.pick(list));
            out.push_str(". ");
        }
        if r.chance(10) {
            out.push('\n');
        }
    }
    out
}

/// Listings totalling at least `bytes` bytes, always the same for a seed.
pub fn corpus(seed: u64, bytes: usize) -> Vec<String> {
    let mut r = Rng::new(seed);
    let mut v = Vec::new();
    let mut total = 0;
    while total < bytes {
        let l = listing(&mut r);
        total += l.len();
        v.push(l);
    }
    v
}

pub const SEED: u64 = 20_261_128;
pub const BYTES: usize = 10 << 20;

/// A product page around a listing's text: paragraphs in a description
/// block, plus the navigation, script, style and footer of a real page.
pub fn html_page(i: usize, listing: &str) -> String {
    let mut lines = listing.lines();
    let title = lines.next().unwrap_or("Product");
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let body: String = lines.map(|l| format!("<p>{}</p>\n", esc(l))).collect();
    format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{t} - ChemTrade</title>
<link rel="canonical" href="/product/{i}.html"><style>.specs td{{padding:4px}} .nav a{{color:#333}}</style>
<script>window.dataLayer=window.dataLayer||[];dataLayer.push({{"page":"product","id":{i}}});</script></head>
<body><div class="nav"><a href="/">Home</a> | <a href="/category/chemicals">Chemicals</a> | <a href="/category/intermediates?page=2">Intermediates</a> | <a href="/login">Sign in</a></div>
<div class="crumbs"><a href="/">Home</a> &gt; <a href="/category/chemicals">Chemicals</a> &gt; {t}</div>
<h1 class="product-name">{t}</h1>
<table class="specs"><tr><td>MOQ</td><td>1 kg</td></tr><tr><td>Price</td><td>US $ 1-10 / kilogram</td></tr><tr><td>Supply ability</td><td>500 kg / month</td></tr></table>
<div class="description">{body}</div>
<div class="related"><a href="/product/{a}.html">Related product {a}</a> <a href="/product/{b}.html">Related product {b}</a></div>
<div class="footer">&copy; 2026 ChemTrade B2B. <a href="/about">About</a> <a href="/terms">Terms</a> <a href="/privacy">Privacy</a></div>
<script src="/static/app.js"></script></body></html>"#,
        t = esc(title),
        a = i + 1,
        b = i + 2,
    )
}
