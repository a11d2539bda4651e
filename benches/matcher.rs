//! Matcher throughput on ~10 MB of generated listings (2-4 KB each) with all
//! bundled packs, and compile time of the bundled packs.
//!
//! cargo bench --bench matcher

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use precwatch::rules::RuleSet;

#[path = "common/corpus.rs"]
#[allow(dead_code)]
mod corpus;

fn bench(c: &mut Criterion) {
    let listings = corpus::corpus(corpus::SEED, corpus::BYTES);
    let bytes: usize = listings.iter().map(String::len).sum();
    let rs = RuleSet::bundled().expect("bundled packs");
    let hits: usize = listings.iter().map(|l| rs.scan(l).hits.len()).sum();
    eprintln!(
        "corpus: {} listings, {} bytes, {} hits ({:.2} per KB), {} rules",
        listings.len(),
        bytes,
        hits,
        hits as f64 * 1024.0 / bytes as f64,
        rs.rule_count()
    );

    let mut g = c.benchmark_group("matcher");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(6));
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("scan_all_bundled", |b| {
        b.iter(|| {
            let mut n = 0;
            for l in &listings {
                n += rs.scan(black_box(l)).hits.len();
            }
            n
        })
    });
    // Machine calibration: one dependent multiply-add per byte (cannot be
    // vectorised), i.e. the cost of merely touching every byte once.
    g.bench_function("baseline_hash_every_byte", |b| {
        b.iter(|| {
            listings.iter().fold(0u64, |h, l| {
                black_box(l)
                    .bytes()
                    .fold(h, |h, x| h.wrapping_mul(31).wrapping_add(u64::from(x)))
            })
        })
    });
    g.finish();

    // `scan` end to end on HTML: decode, extract the visible text, match.
    // Each listing becomes a product page with the chrome real marketplaces
    // carry (head, navigation, script, style, footer).
    let pages: Vec<Vec<u8>> = listings
        .iter()
        .enumerate()
        .map(|(i, l)| corpus::html_page(i, l).into_bytes())
        .collect();
    let html_bytes: usize = pages.iter().map(Vec::len).sum();
    let url = url::Url::parse("http://127.0.0.1/product/x.html").expect("url");
    let mut g = c.benchmark_group("scan_html");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8));
    g.throughput(Throughput::Bytes(html_bytes as u64));
    g.bench_function("decode_extract_match", |b| {
        b.iter(|| {
            let mut n = 0;
            for p in &pages {
                let d = precwatch::fetch::decode::decode(black_box(p), Some("text/html"));
                let ex = precwatch::extract::extract(&d.text, &url, &[]);
                n += rs.scan(&ex.text).hits.len();
            }
            n
        })
    });
    g.bench_function("decode_extract_only", |b| {
        b.iter(|| {
            let mut n = 0;
            for p in &pages {
                let d = precwatch::fetch::decode::decode(black_box(p), Some("text/html"));
                n += precwatch::extract::extract(&d.text, &url, &[]).text.len();
            }
            n
        })
    });
    g.finish();

    let mut g = c.benchmark_group("compile");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    g.bench_function("bundled", |b| b.iter(|| RuleSet::bundled().expect("bundled packs")));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
