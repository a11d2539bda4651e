//! Extraction cost per listing page on generated marketplace pages with
//! chrome (the tune set of `tests/common/market.rs`): `extract` alone (the
//! visible text, links, fields, and since issue 8 the lines with their DOM
//! place), and the listing's content on top of it (the site template
//! already learned from the site's other pages).
//!
//! cargo bench --bench listing

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use std::time::Duration;
use url::Url;

#[path = "../tests/common/market.rs"]
#[allow(dead_code)]
mod market;

/// Every listing page of the tune set, with its site's listing regex.
fn pages() -> Vec<(String, Url, regex::Regex, usize)> {
    let opts = market::Options::default();
    let mut out = Vec::new();
    for (si, spec) in market::tune_specs().iter().enumerate() {
        let site = market::build(spec, &opts);
        let re = regex::Regex::new(&site.listing_re).expect("listing regex");
        for (path, p) in &site.pages {
            if re.is_match(path) {
                // Decoded as the crawler decodes (header, then `<meta>`, then
                // detection): the GBK sites declare it in the header
                // ("charset=GBK") or only in a `<meta>`.
                let html = precwatch::fetch::decode::decode(&p.body, Some(&p.content_type))
                    .text
                    .into_owned();
                out.push((
                    html,
                    Url::parse(&format!("http://shop{si}.test{path}")).expect("url"),
                    re.clone(),
                    si,
                ));
            }
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let pages = pages();
    let bytes: usize = pages.iter().map(|p| p.0.len()).sum();
    eprintln!(
        "{} listing pages, {} bytes ({} per page)",
        pages.len(),
        bytes,
        bytes / pages.len().max(1)
    );
    let mut g = c.benchmark_group("listing_page");
    g.sample_size(10).measurement_time(Duration::from_secs(5));
    g.throughput(Throughput::Elements(pages.len() as u64));
    g.bench_function("extract", |b| {
        b.iter(|| {
            pages
                .iter()
                .map(|(h, u, _, _)| precwatch::extract::extract(black_box(h), u, &[]).text.len())
                .sum::<usize>()
        })
    });
    content(&mut g, &pages);
    g.finish();
}

fn content(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    pages: &[(String, Url, regex::Regex, usize)],
) {
    use precwatch::extract::{content, template::SiteTemplate};
    let sites = pages.iter().map(|p| p.3).max().map_or(0, |m| m + 1);
    let mut templates: Vec<SiteTemplate> = (0..sites).map(|_| SiteTemplate::new()).collect();
    for (h, u, re, si) in pages {
        let e = precwatch::extract::extract(h, u, &[]);
        templates[*si].learn(&e.page, &e.title_tag, re.is_match(u.path()));
    }
    g.bench_function("extract_and_content", |b| {
        b.iter(|| {
            pages
                .iter()
                .map(|(h, u, re, si)| {
                    let e = precwatch::extract::extract(black_box(h), u, &[]);
                    let s = content::Site {
                        listing: Some(re),
                        learned: true,
                    };
                    content::listing_content(&e, &[], &templates[*si], s).text.len()
                })
                .sum::<usize>()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
