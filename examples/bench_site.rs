//! A deterministic synthetic chemicals marketplace, served from memory on
//! 127.0.0.1, for the crawl benchmark (`bench/crawl_bench.sh`).
//!
//! ```text
//! cargo run --release --example bench_site -- --pages 20000 --port 0 [--fanout 10]
//! ```
//!
//! The first line on stdout is `listening http://127.0.0.1:PORT`. Pages are
//! generated on the fly from their number (no state, no I/O), so the server
//! costs far less per request than any crawler:
//!
//! * `/robots.txt` allows everything;
//! * `/` links every category page;
//! * `/c/{k}` lists ~20 products and links the previous and next category;
//! * `/p/{i}.html` is a product page (~3-4 KB: title, h1, spec table with CAS,
//!   price, supplier, description, a `<script>` block, 3 related products).
//!   About 10% offer a watched precursor with a sales tactic; the rest offer
//!   ordinary chemicals;
//! * with `--fanout N` each product page also links N URLs `/x/{i}/{j}` that
//!   no other page links (served as a small 404), to grow a crawler's frontier.
//!
//! Every company, address and contact below is invented.

use axum::body::Body;
use axum::http::{header, HeaderValue, Request, Response, StatusCode};
use clap::Parser;
use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::Arc;

#[derive(Debug, Parser)]
#[command(about = "Synthetic marketplace for the precwatch crawl benchmark (127.0.0.1 only)")]
struct Args {
    /// Number of product pages.
    #[arg(long, default_value_t = 20_000)]
    pages: u64,
    /// TCP port on 127.0.0.1 (0 = any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Unique dead-end links /x/{i}/{j} per product page (grows the frontier).
    #[arg(long, default_value_t = 0)]
    fanout: u32,
    /// Products per category page.
    #[arg(long, default_value_t = 20)]
    per_category: u64,
    /// Tokio worker threads (default: one per core).
    #[arg(long)]
    threads: Option<usize>,
}

/// Watched substances: (name shown, CAS, abbreviation or other name).
const WATCHED: &[(&str, &str, &str)] = &[
    ("N-Phenethyl-4-piperidone", "39742-60-4", "NPP"),
    ("1-Boc-4-piperidone", "79099-07-3", "N-Boc-4-piperidinone"),
    ("4-Anilinopiperidine", "23056-29-3", "4-AP"),
    ("1-Boc-4-anilinopiperidine", "125541-22-2", "Boc-4-AP"),
    ("4-Anilino-N-phenethylpiperidine", "21409-26-7", "4-ANPP"),
    ("BMK methyl glycidate", "80532-66-7", "new BMK"),
    ("PMK ethyl glycidate", "28578-16-7", "PMK powder"),
    ("Phenylacetone", "103-79-7", "P2P"),
];

/// Sales tactics added to watched listings.
const TACTICS: &[&str] = &[
    "Safe delivery to Mexico, door to door, 100% pass customs.",
    "We ship safely to USA and Canada with discreet packaging.",
    "Mexico warehouse, in stock, stealth shipping within 48 hours.",
    "Customs clearance guaranteed, reship free if seized.",
    "Safe delivery to Canada, hermetically sealed bags, no one knows what we ship.",
];

/// Ordinary chemicals: (name, CAS, use).
const ORDINARY: &[(&str, &str, &str)] = &[
    ("Sodium chloride", "7647-14-5", "food processing and water softening"),
    (
        "Citric acid monohydrate",
        "5949-29-1",
        "beverages, cleaning agents and cosmetics",
    ),
    ("Glycerol", "56-81-5", "cosmetics, pharmaceuticals and food"),
    (
        "Sodium bicarbonate",
        "144-55-8",
        "baking, feed additives and fire extinguishers",
    ),
    ("Titanium dioxide rutile", "13463-67-7", "paints, coatings and plastics"),
    (
        "Calcium carbonate",
        "471-34-1",
        "fillers for paper, plastics and rubber",
    ),
    ("Urea", "57-13-6", "fertilisers, resins and AdBlue"),
    ("Ascorbic acid", "50-81-7", "food fortification and antioxidants"),
    ("Potassium sorbate", "24634-61-5", "food and beverage preservation"),
    (
        "Magnesium sulfate heptahydrate",
        "10034-99-8",
        "agriculture and bath salts",
    ),
    ("Stearic acid", "57-11-4", "rubber processing, candles and soaps"),
    ("Ethyl acetate", "141-78-6", "coatings, inks and adhesives"),
    ("Polyvinyl alcohol", "9002-89-5", "textile sizing and adhesives"),
    ("Sodium benzoate", "532-32-1", "food preservation"),
    ("Zinc oxide", "1314-13-2", "rubber, ceramics and cosmetics"),
    ("Xanthan gum", "11138-66-2", "food thickening and drilling fluids"),
    ("Sorbitol", "50-70-4", "sweeteners and toothpaste"),
    ("Lactic acid", "50-21-5", "food, leather tanning and bioplastics"),
    ("Ferric chloride", "7705-08-0", "water treatment and PCB etching"),
    ("Sodium gluconate", "527-07-1", "concrete admixtures and metal cleaning"),
];

const SUPPLIERS: &[(&str, &str)] = &[
    ("Hubei Greenfield Chemical Co., Ltd.", "Wuhan, Hubei, China"),
    ("Shandong Bluewave Industrial Co., Ltd.", "Jinan, Shandong, China"),
    ("Nordhafen Chemie Handel GmbH", "Hamburg, Germany"),
    ("Gujarat Sunrise Organics Pvt. Ltd.", "Vadodara, Gujarat, India"),
    ("Pacific Crest Trading LLC", "Long Beach, California, USA"),
    ("Zhejiang Meridian Fine Chem Co., Ltd.", "Hangzhou, Zhejiang, China"),
    ("Andes Quimica Industrial S.A.", "Santiago, Chile"),
    ("Rotterdam Bulk Chemicals B.V.", "Rotterdam, Netherlands"),
];

const GRADES: &[&str] = &[
    "Industrial grade",
    "Food grade",
    "Pharma grade",
    "Reagent grade",
    "Technical grade",
];
const PACKS: &[&str] = &[
    "25 kg bag",
    "1 kg foil bag",
    "200 L drum",
    "50 kg fibre drum",
    "1000 kg IBC",
];
const LOOKS: &[&str] = &[
    "White crystalline powder",
    "Colourless liquid",
    "Off-white powder",
    "White granules",
    "Pale yellow oil",
];

/// splitmix64: a fast deterministic hash of a page number.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

fn pick<T: Copy>(list: &[T], h: u64, salt: u32) -> T {
    list[((h >> (salt * 5)) % list.len() as u64) as usize]
}

struct Site {
    pages: u64,
    fanout: u32,
    per_category: u64,
}

/// What one product page offers.
struct Product {
    name: &'static str,
    cas: &'static str,
    alt: &'static str,
    tactic: Option<&'static str>,
    supplier: (&'static str, &'static str),
    grade: &'static str,
    pack: &'static str,
    look: &'static str,
    purity: String,
    price: String,
    moq: u64,
    h: u64,
}

impl Site {
    fn categories(&self) -> u64 {
        self.pages.div_ceil(self.per_category).max(1)
    }

    fn product(&self, i: u64) -> Product {
        let h = mix(i);
        let watched = Self::watched(i);
        let (name, cas, alt, tactic) = if watched {
            let w = pick(WATCHED, h, 2);
            (w.0, w.1, w.2, Some(pick(TACTICS, h, 3)))
        } else {
            let o = pick(ORDINARY, h, 2);
            (o.0, o.1, o.2, None)
        };
        let lo = 2 + (h >> 20) % 40;
        Product {
            name,
            cas,
            alt,
            tactic,
            supplier: pick(SUPPLIERS, h, 4),
            grade: pick(GRADES, h, 5),
            pack: pick(PACKS, h, 6),
            look: pick(LOOKS, h, 7),
            purity: format!("{}.{}%", 97 + (h >> 40) % 3, (h >> 44) % 10),
            price: format!("US $ {lo}-{} / kilogram", lo + 5 + (h >> 28) % 30),
            moq: 1 + (h >> 50) % 25,
            h,
        }
    }

    fn watched(i: u64) -> bool {
        mix(i) % 100 < 10
    }

    /// Three related products of the same kind (watched or ordinary), so that
    /// only the ~10% watched listings name a watched substance.
    fn related(&self, i: u64, h: u64) -> [u64; 3] {
        let n = self.pages;
        let kind = Self::watched(i);
        [i + 1, i + 7 + (h >> 8) % 1000, h >> 16].map(|seed| {
            (0..200)
                .map(|t| (seed + t) % n)
                .find(|&j| j != i && Self::watched(j) == kind)
                .unwrap_or(seed % n)
        })
    }

    fn robots(&self) -> String {
        "User-agent: *\nAllow: /\n".to_string()
    }

    fn head(out: &mut String, title: &str) {
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <style>body{{font-family:sans-serif;margin:0}}.spec td{{padding:2px 8px}}</style>\n</head>\n<body>\n\
             <header><a href=\"/\">ChemBench Trade</a> | <a href=\"/c/0\">Browse</a></header>\n"
        );
    }

    fn foot(out: &mut String) {
        out.push_str(
            "<footer><p>ChemBench Trade is a synthetic marketplace used to benchmark crawlers. \
             All companies and contacts are fictional.</p></footer>\n</body>\n</html>\n",
        );
    }

    fn home(&self) -> String {
        let cats = self.categories();
        let mut out = String::with_capacity(256 + cats as usize * 48);
        Self::head(&mut out, "ChemBench Trade - chemical marketplace");
        let _ = write!(out, "<h1>All categories</h1>\n<ul class=\"cats\">\n");
        for k in 0..cats {
            let _ = writeln!(out, "<li><a href=\"/c/{k}\">Catalogue page {}</a></li>", k + 1);
        }
        out.push_str("</ul>\n");
        Self::foot(&mut out);
        out
    }

    fn category(&self, k: u64) -> Option<String> {
        let cats = self.categories();
        if k >= cats {
            return None;
        }
        let mut out = String::with_capacity(4096);
        Self::head(&mut out, &format!("Catalogue page {} - ChemBench Trade", k + 1));
        let _ = write!(
            out,
            "<h1>Catalogue page {} of {cats}</h1>\n<ul class=\"products\">\n",
            k + 1
        );
        let first = k * self.per_category;
        let last = (first + self.per_category).min(self.pages);
        for i in first..last {
            let p = self.product(i);
            let _ = writeln!(
                out,
                "<li><a href=\"/p/{i}.html\">{} {}</a> <span class=\"price\">{}</span> <span class=\"sup\">{}</span></li>",
                p.name, p.grade, p.price, p.supplier.0
            );
        }
        out.push_str("</ul>\n<nav class=\"pager\">");
        if k > 0 {
            let _ = write!(out, "<a rel=\"prev\" href=\"/c/{}\">Previous</a> ", k - 1);
        }
        if k + 1 < cats {
            let _ = write!(out, "<a rel=\"next\" href=\"/c/{}\">Next</a>", k + 1);
        }
        out.push_str("</nav>\n");
        Self::foot(&mut out);
        Some(out)
    }

    fn product_page(&self, i: u64) -> Option<String> {
        if i >= self.pages {
            return None;
        }
        let p = self.product(i);
        let (sup, city) = p.supplier;
        let mut out = String::with_capacity(4096 + self.fanout as usize * 40);
        Self::head(&mut out, &format!("{} CAS {} {} - {sup}", p.name, p.cas, p.grade));
        let cat = i / self.per_category;
        let _ = write!(
            out,
            "<nav class=\"crumbs\"><a href=\"/\">Home</a> &gt; <a href=\"/c/{cat}\">Catalogue page {}</a> &gt; {}</nav>\n\
             <main>\n<h1>{} ({}) {} {}</h1>\n\
             <table class=\"spec\">\n\
             <tr><td>Product name</td><td>{}</td></tr>\n\
             <tr><td>Synonym</td><td>{}</td></tr>\n\
             <tr><td>CAS No.</td><td>{}</td></tr>\n\
             <tr><td>Purity</td><td>{}</td></tr>\n\
             <tr><td>Appearance</td><td>{}</td></tr>\n\
             <tr><td>Package</td><td>{}</td></tr>\n\
             <tr><td>Min. order</td><td>{} kg</td></tr>\n\
             <tr><td>Price</td><td>{}</td></tr>\n\
             <tr><td>Supplier</td><td>{sup}</td></tr>\n\
             <tr><td>Location</td><td>{city}</td></tr>\n\
             <tr><td>Item no.</td><td>CB-{i:06}</td></tr>\n\
             <tr><td>Shelf life</td><td>24 months in the original sealed package</td></tr>\n\
             <tr><td>Payment terms</td><td>T/T, L/C at sight, D/P</td></tr>\n\
             <tr><td>Port of loading</td><td>Any main port</td></tr>\n\
             </table>\n",
            cat + 1,
            p.name,
            p.name,
            p.alt,
            p.grade,
            p.purity,
            p.name,
            p.alt,
            p.cas,
            p.purity,
            p.look,
            p.pack,
            p.moq,
            p.price,
        );
        let _ = write!(
            out,
            "<section class=\"desc\">\n<h2>Product description</h2>\n\
             <p>{sup} supplies {} (CAS {}) as a {} with a purity of {}. Each lot is tested by HPLC and GC \
             before dispatch and ships with a certificate of analysis, MSDS and a batch report. Typical \
             applications: {}.</p>\n\
             <p>Packing: {}, sealed and labelled, stored in a cool and dry warehouse away from direct \
             sunlight. Samples are available on request; bulk orders are produced within {} working days \
             and shipped by sea, air or express courier from {city}.</p>\n",
            p.name,
            p.cas,
            p.look.to_lowercase(),
            p.purity,
            if p.tactic.is_some() {
                "pharmaceutical intermediate, organic synthesis"
            } else {
                p.alt
            },
            p.pack,
            3 + (p.h >> 33) % 12,
        );
        if let Some(t) = p.tactic {
            let _ = writeln!(
                out,
                "<p class=\"promo\">{t} Payment by USDT or Bitcoin accepted, contact our sales team on \
                 WhatsApp for the latest price.</p>"
            );
        }
        let _ = write!(
            out,
            "<p>Why choose us: more than ten years of export experience, ISO 9001 certified production, \
             competitive factory prices, fast response within 12 hours and professional after-sales \
             service for every shipment.</p>\n</section>\n\
             <section class=\"contact\"><h2>Contact supplier</h2><p>{sup}, {city}. \
             Sales manager: Ms. Lin. E-mail: sales{}@example.com. Phone: +86 555-{:04}.</p>\n\
             <p>Member since 2014. Response rate 96%. Verified business licence and export permit on file.</p>\n\
             <button id=\"inquiry\" type=\"button\">Send inquiry</button></section>\n",
            (p.h >> 12) % 100,
            (p.h >> 24) % 10_000,
        );
        out.push_str("<section class=\"related\"><h2>Related products</h2><ul>\n");
        for r in self.related(i, p.h) {
            let q = self.product(r);
            let _ = writeln!(out, "<li><a href=\"/p/{r}.html\">{} {}</a></li>", q.name, q.grade);
        }
        out.push_str("</ul></section>\n");
        if self.fanout > 0 {
            out.push_str("<section class=\"tags\"><ul>\n");
            for j in 0..self.fanout {
                let _ = writeln!(out, "<li><a href=\"/x/{i}/{j}\">tag {j}</a></li>");
            }
            out.push_str("</ul></section>\n");
        }
        out.push_str("</main>\n");
        let _ = write!(
            out,
            "<script>\nwindow.dataLayer = window.dataLayer || [];\n\
             function gtag(){{dataLayer.push(arguments);}}\n\
             gtag('event', 'view_item', {{item_id: 'CB-{i:06}', item_name: '{}', price_band: '{}'}});\n\
             document.querySelectorAll('.spec td').forEach(function (td) {{ td.title = td.textContent; }});\n\
             var basket = JSON.parse(localStorage.getItem('basket') || '[]');\n\
             document.getElementById('inquiry').addEventListener('click', function () {{\n\
             \x20 basket.push({{id: 'CB-{i:06}', qty: 1}}); localStorage.setItem('basket', JSON.stringify(basket));\n\
             }});\n\
             </script>\n",
            p.name.replace('\'', ""),
            p.price,
        );
        Self::foot(&mut out);
        Some(out)
    }

    fn respond(&self, path: &str) -> (StatusCode, &'static str, String) {
        const HTML: &str = "text/html; charset=utf-8";
        let body = if path == "/" {
            Some(self.home())
        } else if path == "/robots.txt" {
            return (StatusCode::OK, "text/plain; charset=utf-8", self.robots());
        } else if let Some(k) = path.strip_prefix("/c/") {
            k.parse().ok().and_then(|k| self.category(k))
        } else if let Some(i) = path.strip_prefix("/p/").and_then(|s| s.strip_suffix(".html")) {
            i.parse().ok().and_then(|i| self.product_page(i))
        } else {
            None
        };
        match body {
            Some(b) => (StatusCode::OK, HTML, b),
            None => (
                StatusCode::NOT_FOUND,
                HTML,
                "<!DOCTYPE html><html><head><title>Not found</title></head><body><h1>404 Not Found</h1></body></html>\n"
                    .to_string(),
            ),
        }
    }
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!(args.pages >= 1, "--pages must be at least 1");
    anyhow::ensure!(args.per_category >= 1, "--per-category must be at least 1");
    let site = Arc::new(Site {
        pages: args.pages,
        fanout: args.fanout,
        per_category: args.per_category,
    });
    let mut rt = tokio::runtime::Builder::new_multi_thread();
    if let Some(t) = args.threads {
        rt.worker_threads(t.max(1));
    }
    let rt = rt.enable_all().build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port)).await?;
        let addr = listener.local_addr()?;
        {
            let mut stdout = std::io::stdout().lock();
            writeln!(stdout, "listening http://{addr}")?;
            writeln!(
                stdout,
                "serving {} product pages, {} category pages, fanout {}",
                site.pages,
                site.categories(),
                site.fanout
            )?;
            stdout.flush()?;
        }
        let app = axum::Router::new().fallback(move |req: Request<Body>| {
            let site = site.clone();
            async move {
                let (status, ctype, body) = site.respond(req.uri().path());
                let mut resp = Response::new(Body::from(body));
                *resp.status_mut() = status;
                resp.headers_mut()
                    .insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
                resp
            }
        });
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_deterministic_and_sized() {
        let s = Site {
            pages: 2000,
            fanout: 0,
            per_category: 20,
        };
        let a = s.product_page(123).unwrap();
        assert_eq!(a, s.product_page(123).unwrap());
        assert!(s.product_page(2000).is_none());
        assert!(s.category(100).is_none());
        let avg = (0..200).map(|i| s.product_page(i).unwrap().len()).sum::<usize>() / 200;
        assert!((2500..4500).contains(&avg), "average product page {avg} bytes");
        let watched = (0..2000).filter(|&i| s.product(i).tactic.is_some()).count();
        assert!((150..250).contains(&watched), "{watched} watched listings of 2000");
    }
}
