//! Why each line of one generated tune-set page was kept or dropped, with
//! the site's template learned from the site's other pages:
//!
//!   cargo run --example chrome_explain -- /p/8406/isotonitazene
//!
//! Columns: T = the title line, I = inside the main content, c = chrome
//! likelihood from every signal, s = from the signals that count inside the
//! main content, then the main reason and the line. Tune set only (see
//! bench/CHROME_EVAL.md): tuning never looks at the measure set.

#[path = "../tests/common/market.rs"]
#[allow(dead_code)]
mod market;
fn main() {
    let Some(want) = std::env::args().nth(1) else {
        eprintln!("usage: chrome_explain PATH (a listing path of the tune set)");
        std::process::exit(2);
    };
    let opts = market::Options::default();
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
            let html = String::from_utf8_lossy(&pg.body);
            let e = precwatch::extract::extract(&html, &url.join(path).unwrap(), &[]);
            t.learn(&e.page, &e.title_tag, re.is_match(path));
        }
        let html = String::from_utf8_lossy(&p.body);
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
