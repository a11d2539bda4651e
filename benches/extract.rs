//! Doubling benchmarks for decoding and extraction: each input at n and 2n,
//! so linear stages show times that roughly double.
//!
//! cargo bench --bench extract

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use precwatch::extract::content::{listing_content, Site};
use precwatch::extract::template::SiteTemplate;
use precwatch::extract::{extract, seller_identifiers};
use precwatch::fetch::decode::decode;

/// A marketplace-like product page of about `kb` KiB.
fn normal_page(kb: usize) -> String {
    let mut s =
        String::from("<!doctype html><html><head><title>Citric acid 25kg</title><style>.a{}</style></head><body>");
    let mut i = 0;
    while s.len() < kb * 1024 {
        s += &format!(
            "<div class=item><h3><a href=\"/p/{i}.html\">Sodium chloride {i}</a></h3><ul><li>CAS 7647-14-5<li>25 kg\
             </ul><p>Pure <b>salt</b>, <i>food grade</i>.<table><tr><td>Price<td>US $5</table></div>\n"
        );
        i += 1;
    }
    s + "</body></html>"
}

fn inputs(n: usize) -> Vec<(&'static str, String)> {
    vec![
        ("normal_page", normal_page(n / 500)),
        (
            "nested_div",
            format!("{}t{}", "<div>t ".repeat(n / 7), "</div>".repeat(n / 7)),
        ),
        ("nested_b_id", (0..n / 10).map(|i| format!("<b id={i}>t ")).collect()),
        ("nested_table", "<table><tr><td>t ".repeat(n / 18)),
        ("unclosed_div", "<div>t ".repeat(n / 7)),
        ("misnested_b_i", "<b><i>x</b>y</i>".repeat(n / 16)),
        (
            "many_links",
            (0..n / 30).map(|i| format!("<a href=\"/p/{i}\">l{i}</a>\n")).collect(),
        ),
    ]
}

fn bench_extract(c: &mut Criterion) {
    let url = url::Url::parse("http://shop.test/p/1.html").expect("url");
    let mut g = c.benchmark_group("extract");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for n in [500_000, 1_000_000] {
        for (name, html) in inputs(n) {
            g.throughput(Throughput::Bytes(html.len() as u64));
            g.bench_with_input(BenchmarkId::new(name, n), &html, |b, h| {
                b.iter(|| extract(black_box(h), &url, &[]))
            });
        }
    }
    g.finish();
}

fn bench_sellers(c: &mut Criterion) {
    let mut g = c.benchmark_group("sellers");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for n in [40_000, 80_000] {
        let text: String = (0..n).map(|i| format!("user{i}@example.com ")).collect();
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(BenchmarkId::new("emails", n), &text, |b, t| {
            b.iter(|| seller_identifiers(black_box(t)))
        });
    }
    // Hostile mixes: keyword-armed numbers in many regions (the libphonenumber
    // budget), near-miss digit runs, keywords without handles, Base58 tokens.
    let ctx = precwatch::sellers::Context { country: Some("CN") };
    for n in [20_000, 40_000] {
        let text: String = (0..n)
            .map(|i| {
                format!(
                    "Tel: +{} {:09}, 电话 1381234{:04} CAS 39742-60-4 telegram wechat: ab 1A1zP1eP5QGefi2DMPTfTL5SLmv7Divf{:02} ",
                    1 + i % 999,
                    i,
                    i % 10_000,
                    i % 100
                )
            })
            .collect();
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(BenchmarkId::new("hostile_mix", n), &text, |b, t| {
            b.iter(|| precwatch::sellers::identifiers(black_box(t), &ctx, 100))
        });
    }
    g.finish();
}

/// The listing-content step alone (title, signals, main container,
/// decisions) on pages already extracted: a normal page, one long line of
/// words with chrome labels and colons (every label start is looked at),
/// and many short lines.
fn bench_content(c: &mut Criterion) {
    let url = url::Url::parse("http://shop.test/p/1.html").expect("url");
    let re = regex::Regex::new("^/p/").expect("listing pattern");
    let site = Site {
        listing: Some(&re),
        learned: false,
    };
    let template = SiteTemplate::new();
    let mut g = c.benchmark_group("content");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for n in [500_000, 1_000_000] {
        let inputs = [
            ("normal_page", normal_page(n / 500)),
            (
                "long_labelled_line",
                format!("<p>{}</p>", "a 热门搜索：b Category: c 主营 d ".repeat(n / 40)),
            ),
            ("many_lines", "<p>Category: x Views: 9</p>\n".repeat(n / 30)),
        ];
        for (name, html) in inputs {
            let ex = extract(&html, &url, &[]);
            g.throughput(Throughput::Bytes(html.len() as u64));
            g.bench_with_input(BenchmarkId::new(name, n), &ex, |b, ex| {
                b.iter(|| listing_content(black_box(ex), &[], &template, site))
            });
        }
    }
    g.finish();
}

fn bench_decode(c: &mut Criterion) {
    let mut g = c.benchmark_group("decode");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    let text = "供应优质化工原料，纯度百分之九十九，现货充足。Sodium chloride 25kg, CAS 7647-14-5. ";
    for n in [1_000_000, 2_000_000] {
        let plain = text.repeat(n / text.len());
        let utf8 = plain.clone().into_bytes();
        let gbk = encoding_rs::GBK.encode(&plain).0.into_owned();
        for (name, body, ct) in [
            ("utf8_declared", &utf8, Some("text/html; charset=utf-8")),
            ("gbk_declared", &gbk, Some("text/html; charset=gbk")),
            ("gbk_undeclared", &gbk, None),
        ] {
            g.throughput(Throughput::Bytes(body.len() as u64));
            g.bench_with_input(BenchmarkId::new(name, n), body, |b, body| {
                b.iter(|| decode(black_box(body), ct))
            });
        }
    }
    g.finish();
}

criterion_group!(benches, bench_extract, bench_content, bench_sellers, bench_decode);
criterion_main!(benches);
