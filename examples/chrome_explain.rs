//! Why each line of one generated tune-set page was kept or dropped, with
//! the site's template learned from the site's other pages:
//!
//!   cargo run --example chrome_explain -- /p/8406/isotonitazene [--clean] [--rotation N]
//!
//! Columns: T = the title line, I = inside the main content, c = chrome
//! likelihood from every signal, s = from the signals that count inside the
//! main content, then the main reason and the line. Pages are decoded as the
//! crawler decodes them (header, then `<meta>`, then detection), so GBK
//! pages read right. `--clean` explains the clean reference page, and
//! `--rotation N` another draw of the chrome. Tune set only (see
//! bench/CHROME_EVAL.md): tuning never looks at the measure set.

#[path = "../tests/common/market.rs"]
#[allow(dead_code)]
mod market;
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(want) = args.first().cloned() else {
        eprintln!("usage: chrome_explain PATH [--clean] [--rotation N] (a listing path of the tune set)");
        std::process::exit(2);
    };
    let rotation = args
        .iter()
        .position(|a| a == "--rotation")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let opts = market::Options {
        chrome: !args.iter().any(|a| a == "--clean"),
        rotation,
        ..Default::default()
    };
    let text = |pg: &market::Page| {
        precwatch::fetch::decode::decode(&pg.body, Some(&pg.content_type))
            .text
            .into_owned()
    };
    for spec in market::tune_specs() {
        let site = market::build(&spec, &opts);
        let Some(p) = site.page(&want) else { continue };
        let re = regex::Regex::new(&site.listing_re).unwrap();
        let mut t = precwatch::extract::template::SiteTemplate::new();
        let url = url::Url::parse("http://h.test/").unwrap();
        for (path, pg) in &site.pages {
            if path == &want {
                continue;
            }
            let html = text(pg);
            let e = precwatch::extract::extract(&html, &url.join(path).unwrap(), &[]);
            t.learn(&e.page, &e.title_tag, re.is_match(path));
        }
        let html = text(p);
        let e = precwatch::extract::extract(&html, &url.join(&want).unwrap(), &[]);
        let s = precwatch::extract::content::Site {
            listing: Some(&re),
            learned: false,
        };
        for j in precwatch::extract::content::explain(&e, &t, s) {
            println!(
                "{}{} c={:.2} s={:.2} {:?} | {}",
                if j.title { "T" } else { " " },
                if j.inside { "I" } else { " " },
                j.chrome,
                j.strong,
                j.why,
                j.text.chars().take(90).collect::<String>()
            );
        }
    }
}
