//! Hidden helper of bench/match_bench.sh.
//!
//! `gen_corpus write PATH`  writes the benchmark corpus (listings separated by
//!                          a line holding only a form feed) to PATH;
//! `gen_corpus scan PATH`   scans every listing of PATH with the bundled packs
//!                          and prints `rust <bytes> <seconds> <MB/s> <hits>`;
//! `gen_corpus html DIR`    writes each listing as a product page (with the
//!                          chrome of a real page) to DIR/NNNNN.html.

use std::time::Instant;

#[path = "../benches/common/corpus.rs"]
#[allow(dead_code)]
mod corpus;

const SEP: &str = "\n\x0c\n";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match (args.get(1).map(String::as_str), args.get(2)) {
        (Some("write"), Some(path)) => {
            let listings = corpus::corpus(corpus::SEED, corpus::BYTES);
            std::fs::write(path, listings.join(SEP)).expect("write corpus");
        }
        (Some("scan"), Some(path)) => {
            let text = std::fs::read_to_string(path).expect("read corpus");
            let listings: Vec<&str> = text.split(SEP).collect();
            let bytes: usize = listings.iter().map(|l| l.len()).sum();
            let t = Instant::now();
            let rs = precwatch::rules::RuleSet::bundled().expect("bundled packs");
            let compile = t.elapsed().as_secs_f64();
            let mut best = f64::MAX;
            let mut hits = 0;
            for _ in 0..5 {
                let t = Instant::now();
                hits = listings.iter().map(|l| rs.scan(l).hits.len()).sum::<usize>();
                best = best.min(t.elapsed().as_secs_f64());
            }
            println!(
                "rust {bytes} {best:.4} {:.1} {hits} (compile {:.1} ms)",
                bytes as f64 / best / 1e6,
                compile * 1e3
            );
        }
        (Some("html"), Some(dir)) => {
            std::fs::create_dir_all(dir).expect("create the page folder");
            for (i, l) in corpus::corpus(corpus::SEED, corpus::BYTES).iter().enumerate() {
                let path = std::path::Path::new(dir).join(format!("{i:05}.html"));
                std::fs::write(path, corpus::html_page(i, l)).expect("write a page");
            }
        }
        _ => {
            eprintln!("usage: gen_corpus write PATH | gen_corpus scan PATH | gen_corpus html DIR");
            std::process::exit(2);
        }
    }
}
