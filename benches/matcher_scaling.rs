//! Does the matcher stay linear on hostile text? Each adversarial input is
//! scanned at n and 2n bytes; the time must roughly double, not quadruple.
//!
//! cargo bench --bench matcher_scaling [-- <filter>]
//!
//! n is 512 KiB; `PRECWATCH_SCALING_KIB=64` picks another n (useful to show
//! a quadratic build without waiting minutes per sample).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use precwatch::rules::RuleSet;

#[path = "common/corpus.rs"]
#[allow(dead_code)]
mod corpus;

/// `unit` repeated until the text holds at least `len` bytes, then cut back
/// to `len` on a character boundary.
fn repeat_to(unit: &str, len: usize) -> String {
    let mut s = unit.repeat(len / unit.len().max(1) + 1);
    let mut cut = len.min(s.len());
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    s.truncate(cut);
    s
}

/// Mixed scripts: CJK, combining marks, zero-width characters, look-alike
/// letters, full-width digits and dashes, with watched names among them.
fn unicode_mix(len: usize) -> String {
    const PIECES: &[&str] = &[
        "芬太尼",
        "供应",
        "纯度",
        "e\u{301}",
        "a\u{308}\u{323}",
        "\u{200B}",
        "\u{200D}",
        "\u{FEFF}",
        "\u{00AD}",
        "f\u{0435}ntanyl",
        "ＦＥＮＴＡＮＹＬ",
        "４３７－３８－７",
        "—",
        "N-苯乙基-4-哌啶酮",
        "\u{FDFA}",
        "㎏",
        " ",
        "\u{3000}",
        "ß",
        "İ",
        "😀",
        "x",
    ];
    let mut rng = corpus::Rng::new(7);
    let mut s = String::with_capacity(len + 64);
    while s.len() < len {
        s.push_str(rng.pick(PIECES));
    }
    let mut cut = len;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    s.truncate(cut);
    s
}

/// Realistic listings joined into one line (no newline anywhere).
fn single_line(len: usize) -> String {
    let mut s = corpus::corpus(corpus::SEED, len + 8192).join(" ").replace('\n', " ");
    let mut cut = len.min(s.len());
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    s.truncate(cut);
    s
}

/// Makes an input of (about) the given size.
type Generator = Box<dyn Fn(usize) -> String>;

/// (name, generator) of every adversarial input.
fn inputs() -> Vec<(&'static str, Generator)> {
    let rep = |unit: &'static str| -> Generator { Box::new(move |n| repeat_to(unit, n)) };
    vec![
        ("fentanyl_spaced", rep("fentanyl ")),
        ("fentanyl_glued", rep("fentanyl")),
        ("zero_width_in_name", rep("fen\u{200B}ta\u{00AD}nyl ")),
        (
            "overlapping_names",
            rep("1-boc-4-piperidone-4-anilinopiperidine-4-piperidone-boc-4-ap-"),
        ),
        (
            "ambiguous_with_context",
            rep("NPP powder BMK oil 4-AP kg P2P pure tranq "),
        ),
        ("cancel_windows", rep("fentanyl test strip xylazine test kit nitazene ")),
        (
            "exclude_spans",
            rep("1-benzyl-4-piperidone 4-piperidone CAS 3612-20-2 2-piperidone N-Boc-piperazine "),
        ),
        ("cas_valid", rep("79099-07-3 ")),
        ("cas_unlisted", rep("64-17-5 7647-14-5 ")),
        (
            "chem_brackets",
            rep("(R)-)piperidine(1S,2S)-ephedrine-sulfate 4-(amino)piperidine-4-yl "),
        ),
        (
            "open_bracket_once",
            Box::new(|len| format!("({}", ")piperidine".repeat(len / 11))),
        ),
        ("traditional_chinese", rep("偽麻黃鹼鹽酸鹽 純度 現貨 包清關 ")),
        ("substitute_capture", rep("new ZX-42 powder, upgraded 4-AP oil ")),
        ("cas_near_miss", rep("79099-07-4 79909-07-3 12345-67-8 CAS 7909907 ")),
        ("cas_blocks_no_space", rep("1234,")),
        ("cas_truncated", rep("cas 79099 powder ")),
        ("leet_spaced", rep("f3nt4ny1 ")),
        ("leet_glued", rep("f3nt4ny1")),
        ("patterns", rep("ship safely to mexico, pay usdt, t.me/chemking ")),
        ("single_line", Box::new(single_line)),
        ("unicode_mix", Box::new(unicode_mix)),
    ]
}

fn bench(c: &mut Criterion) {
    let kib: usize = std::env::var("PRECWATCH_SCALING_KIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&k| k > 0)
        .unwrap_or(512);
    let rs = RuleSet::bundled().expect("bundled packs");
    for (name, make) in inputs() {
        let mut g = c.benchmark_group(format!("scaling/{name}"));
        g.sample_size(10)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(2));
        for size in [kib * 1024, kib * 2048] {
            let text = make(size);
            g.throughput(Throughput::Bytes(text.len() as u64));
            g.bench_with_input(
                BenchmarkId::from_parameter(format!("{}KiB", size / 1024)),
                &text,
                |b, t| b.iter(|| rs.scan(black_box(t)).hits.len()),
            );
        }
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
