//! Linearity of the crawl's own stages on attacker-sized input: each group
//! runs the same kind of input at n and 2n, so the report shows whether time
//! doubles (linear) or quadruples. Decoding, extraction and matching have
//! their own benches (`extract`, `matcher`); this one covers link admission
//! (scope, traps, query-variant table) and the store's commit of one page
//! with many new links.
//!
//! cargo bench --bench pipeline

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use precwatch::config::Job;
use precwatch::frontier::Admission;
use precwatch::store::{NewLink, Outcome, PageRecord, Store};
use std::hint::black_box;
use std::time::Duration;
use url::Url;

fn job() -> Job {
    let text = "[job]\nname = \"bench\"\n[crawl]\nmax_query_variants = 200\n[[site]]\nname = \"s\"\nseeds = [\"http://shop.example/\"]\nlisting = '^/p/'\n";
    Job::parse(text, "bench", std::path::Path::new(".")).expect("bench job")
}

/// Links a hostile page carries: trap paths with repeated segments, calendar
/// queries, long paths, products.
fn links(n: usize) -> Vec<Url> {
    (0..n)
        .map(|i| {
            let s = match i % 4 {
                0 => format!("http://shop.example/p/{i}.html"),
                1 => format!("http://shop.example/cal?month={i}&view=week"),
                2 => format!("http://shop.example/{}x{i}", "a/b/".repeat(200)),
                _ => format!("http://shop.example/cat/{i}/list?page={}", i % 50),
            };
            Url::parse(&s).expect("url")
        })
        .collect()
}

fn admission(c: &mut Criterion) {
    let job = job();
    let site = &job.sites[0];
    let mut g = c.benchmark_group("admit_links");
    g.sample_size(10).measurement_time(Duration::from_secs(3));
    for n in [50_000usize, 100_000] {
        let ls = links(n);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &ls, |b, ls| {
            b.iter(|| {
                let mut adm = Admission::new(&job.crawl);
                ls.iter()
                    .filter(|u| adm.admit(0, site, black_box(u), 1).is_ok())
                    .count()
            })
        });
    }
    g.finish();
}

fn commit(c: &mut Criterion) {
    let mut g = c.benchmark_group("commit_page_with_links");
    g.sample_size(10).measurement_time(Duration::from_secs(5));
    for n in [5_000usize, 10_000] {
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter_batched(
                || {
                    let dir = tempfile::tempdir().expect("tempdir");
                    let mut store = Store::open(&dir.path().join("b.sqlite")).expect("store");
                    let run = store.begin_run("bench", "", "").expect("run").id;
                    let seed = NewLink {
                        url: "http://shop.example/".into(),
                        site: "s".into(),
                        host: "shop.example".into(),
                        depth: 0,
                        via: precwatch::discovery::Via::crawl(),
                    };
                    store.enqueue(run, &[seed]).expect("seed");
                    let item = store
                        .queued_for_host(run, "shop.example", 0, 1)
                        .expect("item")
                        .remove(0);
                    let links: Vec<NewLink> = (0..n)
                        .map(|i| NewLink {
                            url: format!("http://shop.example/p/{i}"),
                            site: "s".into(),
                            host: "shop.example".into(),
                            depth: 1,
                            via: precwatch::discovery::Via::crawl(),
                        })
                        .collect();
                    let page = PageRecord {
                        url: item.url.clone(),
                        final_url: item.url.clone(),
                        redirects_json: "[]".into(),
                        status: 200,
                        fetched_at: precwatch::store::now(),
                        headers_json: "[]".into(),
                        content_type: None,
                        charset: None,
                        charset_source: None,
                        body: vec![b'x'; 100_000],
                        truncated: false,
                        listing_pending: false,
                    };
                    let o = Outcome::Fetched {
                        frontier_id: item.id,
                        page: Box::new(page),
                        listing: None,
                        links,
                    };
                    (dir, store, run, o)
                },
                |(dir, mut store, run, o)| {
                    store.commit(run, std::slice::from_ref(&o)).expect("commit");
                    drop(store);
                    dir
                },
                criterion::BatchSize::PerIteration,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, admission, commit);
criterion_main!(benches);
