#!/usr/bin/env bash
# Rust matcher vs a straightforward Python matcher on the same ~10 MB corpus.
# Both read the packs of rules/*.toml (Rust: as bundled at build time).
# usage: bench/match_bench.sh        (from anywhere; writes bench/out/corpus.txt)
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out
cargo build --release --quiet --example gen_corpus
bin=target/release/examples/gen_corpus
"$bin" write bench/out/corpus.txt
rust=$("$bin" scan bench/out/corpus.txt)
py=$(python3 bench/python_matcher.py rules bench/out/corpus.txt)
echo "$rust"
echo "$py"
r=$(echo "$rust" | awk '{print $4}')
p=$(echo "$py" | awk '{print $4}')
echo "rust ${r} MB/s, python ${p} MB/s, ratio $(awk -v r="$r" -v p="$p" 'BEGIN{printf "%.1f", r/p}')x"
