//! Differential check of the matcher: scans a fixed set of texts (the bench
//! corpus, the string literals of the rules' tests, the packs' examples,
//! the scaling bench's hostile inputs and seeded random hostile texts) and
//! writes or compares one JSON line per text (verdict and matched excludes).
//!
//! `matcher_diff record PATH`  writes the verdicts to PATH;
//! `matcher_diff check PATH`   compares with PATH and names the first texts
//!                             that differ (exit status 1 when any does).
//!
//! The texts include the literals of the test files: record again after
//! editing them (or compare with the recorded version of those files).

use precwatch::rules::RuleSet;

#[path = "../benches/common/corpus.rs"]
#[allow(dead_code)]
mod corpus;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rs = RuleSet::bundled().expect("bundled packs");
    let texts = texts(&rs);
    let lines: Vec<String> = texts
        .iter()
        .map(|t| {
            let (v, ex) = rs.scan_with_excludes(t);
            serde_json::to_string(&(v, ex)).expect("json")
        })
        .collect();
    match (args.get(1).map(String::as_str), args.get(2)) {
        (Some("record"), Some(path)) => {
            std::fs::write(path, lines.join("\n")).expect("write");
            eprintln!("recorded {} verdicts", lines.len());
        }
        (Some("check"), Some(path)) => {
            let old = std::fs::read_to_string(path).expect("read");
            let old: Vec<&str> = old.split('\n').collect();
            let mut bad = 0;
            for (i, (a, b)) in old.iter().zip(&lines).enumerate() {
                if a != b {
                    bad += 1;
                    if bad <= 5 {
                        let t: String = texts[i].chars().take(300).collect();
                        eprintln!("text #{i} differs: {t:?}\n  was {a}\n  now {b}");
                    }
                }
            }
            if old.len() != lines.len() {
                eprintln!("{} verdicts recorded, {} now", old.len(), lines.len());
                bad += 1;
            }
            eprintln!("{} texts, {bad} differ", lines.len());
            std::process::exit(i32::from(bad > 0));
        }
        _ => eprintln!("usage: matcher_diff record|check PATH"),
    }
}

/// Every text compared.
fn texts(rs: &RuleSet) -> Vec<String> {
    let mut out = corpus::corpus(corpus::SEED, corpus::BYTES);
    for f in ["scan_tests.rs", "tests.rs", "prop_tests.rs"] {
        let src = std::fs::read_to_string(format!("{}/src/rules/{f}", env!("CARGO_MANIFEST_DIR"))).expect("read tests");
        out.extend(string_literals(&src));
    }
    let src = std::fs::read_to_string(format!("{}/src/matcher/tests.rs", env!("CARGO_MANIFEST_DIR"))).expect("read");
    out.extend(string_literals(&src));
    for r in rs.rules() {
        out.extend(r.examples.matches.iter().map(|e| e.text.clone()));
        out.extend(r.examples.no_match.iter().map(|e| e.text.clone()));
    }
    let mut words: Vec<String> = Vec::new();
    for r in rs.rules() {
        words.extend(r.names.iter().chain(&r.ambiguous).chain(&r.cas).cloned());
    }
    for c in rs.contexts() {
        words.extend(c.terms.iter().cloned());
    }
    let mut rng = corpus::Rng::new(99);
    for len in [10, 40, 100, 300, 1000, 3000] {
        for _ in 0..400 {
            out.push(hostile(&mut rng, &words, len));
        }
    }
    for unit in HOSTILE_UNITS {
        out.push(unit.repeat(20_000 / unit.len() + 1));
    }
    out
}

const HOSTILE_UNITS: &[&str] = &[
    "fentanyl ",
    "fentanyl",
    "fen\u{200B}ta\u{00AD}nyl ",
    "1-boc-4-piperidone-4-anilinopiperidine-4-piperidone-boc-4-ap-",
    "NPP powder BMK oil 4-AP kg P2P pure tranq ",
    "fentanyl test strip xylazine test kit nitazene ",
    "1-benzyl-4-piperidone 4-piperidone CAS 3612-20-2 2-piperidone N-Boc-piperazine ",
    "79099-07-3 ",
    "79099-07-4 79909-07-3 12345-67-8 CAS 7909907 ",
    "1234,",
    "cas 79099 powder ",
    "f3nt4ny1 ",
    "f3nt4ny1",
    "ship safely to mexico, pay usdt, t.me/chemking ",
    "芬太尼供应纯度e\u{301}a\u{308}\u{323}\u{FEFF}ＦＥＮＴＡＮＹＬ４３７－３８－７—N-苯乙基-4-哌啶酮\u{FDFA}㎏ß İ😀x",
];

const PIECES: &[&str] = &[
    " ",
    " ",
    " ",
    "  ",
    "\n",
    "\t",
    "-",
    "—",
    "–",
    ",",
    ".",
    ":",
    "#",
    "(",
    ")",
    "/",
    "@",
    "$",
    "%",
    "'",
    "\"",
    "_",
    "0",
    "1",
    "3",
    "4",
    "5",
    "7",
    "9",
    "o",
    "O",
    "l",
    "s",
    "S",
    "cas",
    "CAS No.",
    "cas号",
    "powder",
    "oil",
    "kg",
    "\u{200B}",
    "\u{00AD}",
    "\u{FEFF}",
    "e\u{301}",
    "é",
    "ß",
    "İ",
    "ı",
    "😀",
    "芬太尼",
    "供应",
    "价格",
    "㎏",
    "\u{FDFA}",
    "ＦＥＮ",
    "１２３",
    "－",
    "\u{3000}",
    "а",
    "е",
    "о",
    "р",
    "с",
    "Α",
    "ο",
    "x",
    "the",
    "and",
    "price",
    "usdt",
    "t.me",
    "mexico",
    "ship",
    "safe",
    "seized",
    "according to",
    "was seized",
    "police said",
    "test",
    "strip",
    "pure",
    "wickr",
    "telegram",
    "whatsapp",
    "+86",
    "138 0013 8000",
    "www.",
    ".com",
    "http://",
    "https://x.y/z",
];

/// A random text of about `len` bytes: pack words (with random case, leet
/// digits, invisible characters, dashes and spaces inside) among pieces.
fn hostile(rng: &mut corpus::Rng, words: &[String], len: usize) -> String {
    let mut s = String::new();
    while s.len() < len {
        if rng.chance(35) && !words.is_empty() {
            let w = &words[rng.below(words.len())];
            for c in w.chars() {
                match rng.below(40) {
                    0 => s.push('\u{200B}'),
                    1 => s.push('-'),
                    2 => s.push(' '),
                    3 => s.extend(c.to_uppercase()),
                    4 => s.push(match c {
                        'e' => '3',
                        'a' => '4',
                        'i' | 'l' => '1',
                        'o' => '0',
                        's' => '$',
                        't' => '7',
                        _ => c,
                    }),
                    _ => {}
                }
                s.push(c);
            }
        } else {
            s.push_str(rng.pick(PIECES));
        }
        if rng.chance(20) {
            s.push(' ');
        }
    }
    s
}

/// The contents of the string literals (plain and raw) of Rust source `src`,
/// with the common escapes undone (close enough: any text will do).
fn string_literals(src: &str) -> Vec<String> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'r' && (b.get(i + 1) == Some(&b'#') || b.get(i + 1) == Some(&b'"')) {
            let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
            if b.get(i + 1 + hashes) == Some(&b'"') {
                let close = format!("\"{}", "#".repeat(hashes));
                let start = i + 2 + hashes;
                if let Some(e) = src[start..].find(&close) {
                    out.push(src[start..start + e].to_string());
                    i = start + e + close.len();
                    continue;
                }
            }
        }
        if b[i] == b'\'' {
            // skip char literals such as '"' (lifetimes are harmless)
            i += if b.get(i + 2) == Some(&b'\'') { 3 } else { 1 };
            continue;
        }
        if b[i] == b'"' {
            let mut s = String::new();
            let mut j = i + 1;
            let mut chars = src[j..].char_indices();
            while let Some((k, c)) = chars.next() {
                match c {
                    '"' => {
                        j += k + 1;
                        break;
                    }
                    '\\' => match chars.next() {
                        Some((_, 'n')) => s.push('\n'),
                        Some((_, 't')) => s.push('\t'),
                        Some((_, 'u')) => {
                            let mut hex = String::new();
                            for (_, h) in chars.by_ref() {
                                if h == '}' {
                                    break;
                                }
                                if h != '{' {
                                    hex.push(h);
                                }
                            }
                            if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                                s.push(ch);
                            }
                        }
                        Some((_, c)) => s.push(c),
                        None => {}
                    },
                    c => s.push(c),
                }
            }
            if !s.is_empty() {
                out.push(s);
            }
            i = j.max(i + 1);
            continue;
        }
        i += 1;
    }
    out
}
