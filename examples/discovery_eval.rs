//! Measures issue 12 ("targeted discovery"): on a generated marketplace of
//! N products (default 20,000) with a search endpoint, about 1% of them
//! offers of watched substances, a whole-site crawl and a search-only job
//! (queries from the bundled packs) are run side by side; for each: pages
//! fetched, the watched offers flagged (recall), other listings flagged,
//! and wall time.
//!
//! ```text
//! cargo run --release --example discovery_eval -- [--products N] [--search-pages N]
//! ```
//!
//! The marketplace (all fictional, on 127.0.0.1): `/` links 50 categories;
//! `/c/K?page=P` lists 20 products a page with a next link; `/product/I.html`
//! is a product with a supplier link; `/search?q=Q&page=P` finds products
//! whose title or description contains Q (any case), 10 a page, with
//! `rel=next`; `/shop/S` is a supplier's storefront. Watched offers name
//! their substance by a name, an abbreviation or only its CAS number, some
//! with a tactic ("safe delivery to Mexico"); every product page carries
//! "hot products" chrome.

use axum::extract::{Path as AxPath, Query, State};
use axum::response::Html;
use precwatch::crawl::CrawlOptions;
use precwatch::rules::RuleSet;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Instant;

const CATEGORIES: usize = 50;
const PER_CATEGORY_PAGE: usize = 20;
const PER_SEARCH_PAGE: usize = 10;
const SELLERS: usize = 400;

/// Watched substances as sellers write them: (names as sold, CAS).
const WATCHED: &[(&[&str], &str)] = &[
    (
        &["N-Phenethyl-4-piperidone", "NPP", "1-Phenethyl-4-piperidone"],
        "39742-60-4",
    ),
    (&["4-ANPP", "4-Anilino-N-phenethylpiperidine"], "21409-26-7"),
    (&["1-Boc-4-piperidone", "N-Boc-4-piperidone"], "79099-07-3"),
    (&["4-Anilinopiperidine", "4-AP"], "23056-29-3"),
    (
        &["1-Boc-4-AP", "tert-Butyl 4-anilinopiperidine-1-carboxylate"],
        "125541-22-2",
    ),
    (&["4-Piperidone hydrochloride monohydrate"], "40064-34-4"),
    (&["BMK methyl glycidate", "BMK glycidate"], "80532-66-7"),
    (&["PMK ethyl glycidate", "PMK glycidate"], "28578-16-7"),
    (&["Phenylacetone", "P2P"], "103-79-7"),
    (&["Norfentanyl"], "1609-66-1"),
];

const BENIGN: &[&str] = &[
    "Sodium chloride",
    "Citric acid",
    "Titanium dioxide",
    "Calcium carbonate",
    "Zinc oxide",
    "Glycerol",
    "Sorbitol",
    "Ethyl acetate",
    "Isopropanol",
    "Acetone",
    "Sodium benzoate",
    "Potassium sorbate",
    "Xanthan gum",
    "Stearic acid",
    "Magnesium sulfate",
    "Urea",
    "Ascorbic acid",
    "Lactic acid",
    "Sodium bicarbonate",
    "Silica gel",
    "Polyethylene glycol",
    "Caffeine anhydrous",
    "Menthol crystals",
    "Vanillin",
    "Benzyl alcohol",
    "Toluene",
    "Hexane",
    "Dichloromethane",
    "Aluminium hydroxide",
    "Ferric chloride",
];

struct Product {
    title: String,
    body: String,
    seller: usize,
    watched: bool,
}

struct Market {
    products: Vec<Product>,
}

fn build(n: usize) -> Market {
    let mut rng = fastrand::Rng::with_seed(12);
    let products = (0..n)
        .map(|i| {
            let seller = rng.usize(..SELLERS);
            if i % 97 == 13 {
                let (names, cas) = WATCHED[rng.usize(..WATCHED.len())];
                let name = names[rng.usize(..names.len())];
                let title = match rng.u8(..3) {
                    0 => format!("{name} CAS {cas} 99% powder"),
                    1 => format!("High purity {name} factory supply"),
                    _ => format!("Pharmaceutical intermediate CAS {cas}"),
                };
                let tactic = [
                    "Safe delivery to Mexico, pay by BTC.",
                    "Door to door, discreet packing, Wickr: lab88.",
                    "MOQ 1 kg, fast shipping.",
                ][rng.usize(..3)];
                Product {
                    title,
                    body: format!("{name} (CAS {cas}), purity 99%, white powder. {tactic} Contact us for price."),
                    seller,
                    watched: true,
                }
            } else {
                let name = BENIGN[rng.usize(..BENIGN.len())];
                Product {
                    title: format!("{name} industrial grade lot {i}"),
                    body: format!("{name}, 25 kg bag, purity 99.5%, COA available. MOQ 1 ton."),
                    seller,
                    watched: false,
                }
            }
        })
        .collect();
    Market { products }
}

fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<html><head><title>{title} - ChemMart</title></head><body><div class='nav'><a href='/'>Home</a> \
         <form action='/search'><input name='q'></form></div><h1>{title}</h1>{body}\
         <div class='hot'>Hot products: <a href='/product/3.html'>Sodium chloride</a> <a href='/product/5.html'>Citric acid</a></div>\
         <div class='footer'>ChemMart B2B, all rights reserved</div></body></html>"
    ))
}

fn list(m: &Market, ids: &[usize]) -> String {
    ids.iter()
        .map(|&i| format!("<li><a href='/product/{i}.html'>{}</a></li>", m.products[i].title))
        .collect()
}

async fn home() -> Html<String> {
    let cats: String = (0..CATEGORIES)
        .map(|c| format!("<a href='/c/{c}'>Category {c}</a> "))
        .collect();
    page("Chemicals", &cats)
}

async fn category(
    State(m): State<Arc<Market>>,
    AxPath(c): AxPath<usize>,
    Query(q): Query<HashMap<String, String>>,
) -> Html<String> {
    let p: usize = q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1).max(1);
    let ids: Vec<usize> = (0..m.products.len()).filter(|i| i % CATEGORIES == c).collect();
    let shown: Vec<usize> = ids
        .iter()
        .copied()
        .skip((p - 1) * PER_CATEGORY_PAGE)
        .take(PER_CATEGORY_PAGE)
        .collect();
    let mut body = format!("<ul>{}</ul>", list(&m, &shown));
    if ids.len() > p * PER_CATEGORY_PAGE {
        body.push_str(&format!("<a href='/c/{c}?page={}'>Next</a>", p + 1));
    }
    page(&format!("Category {c}"), &body)
}

async fn product(State(m): State<Arc<Market>>, AxPath(file): AxPath<String>) -> Html<String> {
    let i: usize = file
        .trim_end_matches(".html")
        .parse()
        .unwrap_or(0)
        .min(m.products.len() - 1);
    let p = &m.products[i];
    page(
        &p.title,
        &format!(
            "<div class='desc'><p>{}</p></div><div class='supplier'>Supplier: <a href='/shop/{}'>Supplier {} Chemical Co., Ltd</a></div>",
            p.body, p.seller, p.seller
        ),
    )
}

async fn search(State(m): State<Arc<Market>>, Query(q): Query<HashMap<String, String>>) -> Html<String> {
    let query = q.get("q").cloned().unwrap_or_default().to_lowercase();
    let p: usize = q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1).max(1);
    let ids: Vec<usize> = (0..m.products.len())
        .filter(|&i| {
            let pr = &m.products[i];
            !query.is_empty() && (pr.title.to_lowercase().contains(&query) || pr.body.to_lowercase().contains(&query))
        })
        .collect();
    let shown: Vec<usize> = ids
        .iter()
        .copied()
        .skip((p - 1) * PER_SEARCH_PAGE)
        .take(PER_SEARCH_PAGE)
        .collect();
    let mut body = format!("<p>{} results</p><ul>{}</ul>", ids.len(), list(&m, &shown));
    if ids.len() > p * PER_SEARCH_PAGE {
        let enc: String = url::form_urlencoded::byte_serialize(query.as_bytes()).collect();
        body.push_str(&format!("<a rel='next' href='/search?q={enc}&page={}'>Next</a>", p + 1));
    }
    page("Search results", &body)
}

async fn shop(State(m): State<Arc<Market>>, AxPath(s): AxPath<usize>) -> Html<String> {
    let ids: Vec<usize> = (0..m.products.len())
        .filter(|&i| m.products[i].seller == s)
        .take(40)
        .collect();
    page(&format!("Supplier {s} store"), &format!("<ul>{}</ul>", list(&m, &ids)))
}

struct Outcome {
    pages: u64,
    found: usize,
    other_flagged: usize,
    secs: f64,
}

async fn run(name: &str, site_keys: &str, base: &str, m: &Market, dir: &std::path::Path) -> Outcome {
    let job_text = format!(
        "[job]\nname = \"{name}\"\n\n[crawl]\nallow_private = true\nper_host_interval_ms = 0\nconcurrency = 16\n\
         per_host_concurrency = 16\nmax_pages = 0\nmax_depth = 100\nmax_query_variants = 100000\n\n\
         [[site]]\nname = \"chemmart\"\nlisting = '^/product/'\n{}\n",
        site_keys.replace("BASE", base)
    );
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, job_text).expect("job");
    let job = precwatch::config::Job::from_file(&path).expect("job parses");
    let db = dir.join(format!("{name}.sqlite"));
    let (_tx, rx) = tokio::sync::watch::channel(false);
    let started = Instant::now();
    let rules = Arc::new(RuleSet::bundled().expect("bundled rules"));
    let summary = precwatch::crawl::run(&job, rules, &db, &CrawlOptions { progress: false }, rx)
        .await
        .expect("crawl");
    let secs = started.elapsed().as_secs_f64();
    let conn = rusqlite::Connection::open(&db).expect("db");
    let mut st = conn
        .prepare("SELECT canonical_url FROM listings WHERE risk_rank >= 2")
        .expect("query");
    let flagged: BTreeSet<usize> = st
        .query_map([], |r| r.get::<_, String>(0))
        .expect("rows")
        .filter_map(|u| u.ok()?.rsplit('/').next()?.trim_end_matches(".html").parse().ok())
        .collect();
    let found = flagged.iter().filter(|&&i| m.products[i].watched).count();
    Outcome {
        pages: summary.pages_fetched,
        found,
        other_flagged: flagged.len() - found,
        secs,
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |k: &str, d: usize| {
        args.iter()
            .position(|a| a == k)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let n = arg("--products", 20_000);
    let search_pages = arg("--search-pages", 5);
    let market = Arc::new(build(n));
    let watched = market.products.iter().filter(|p| p.watched).count();
    let app = axum::Router::new()
        .route("/", axum::routing::get(home))
        .route("/c/{c}", axum::routing::get(category))
        .route("/product/{file}", axum::routing::get(product))
        .route("/search", axum::routing::get(search))
        .route("/shop/{s}", axum::routing::get(shop))
        .with_state(market.clone());
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    let dir = tempfile::tempdir().expect("tempdir");
    println!("marketplace: {n} products, {watched} offers of watched substances, {SELLERS} sellers");
    let full = run("full", "seeds = [\"BASE/\"]", &base, &market, dir.path()).await;
    let searched = run(
        "search",
        &format!("search = \"BASE/search?q={{query}}\"\nsearch_pages = {search_pages}"),
        &base,
        &market,
        dir.path(),
    )
    .await;
    let sellers = run(
        "sellers",
        &format!("search = \"BASE/search?q={{query}}\"\nsearch_pages = {search_pages}\nfollow_sellers = true"),
        &base,
        &market,
        dir.path(),
    )
    .await;
    println!("| job | pages fetched | watched offers flagged | recall | other listings flagged | seconds |");
    println!("|---|---|---|---|---|---|");
    for (name, o) in [
        ("whole-site crawl", &full),
        ("search only (the packs' queries)", &searched),
        ("search, follow_sellers (each flagged seller's store)", &sellers),
    ] {
        println!(
            "| {name} | {} | {}/{watched} | {:.3} | {} | {:.1} |",
            o.pages,
            o.found,
            o.found as f64 / watched.max(1) as f64,
            o.other_flagged,
            o.secs
        );
    }
    println!(
        "search fetched {:.1}% of the whole-site crawl's pages",
        100.0 * searched.pages as f64 / full.pages.max(1) as f64
    );
}
