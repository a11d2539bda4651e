#!/usr/bin/env bash
# Rust matcher vs a straightforward Python matcher on the same ~10 MB corpus.
# Both read the packs of rules/*.toml (Rust: as bundled at build time).
# Then `precwatch scan` of the same listings as HTML pages (decode, extract,
# match; all cores, output in input order) against the Python matcher reading
# the same pages with html.parser: end to end, process start included.
# usage: bench/match_bench.sh        (from anywhere; writes bench/out/corpus.txt, bench/out/pages/)
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out
cargo build --release --quiet --example gen_corpus --bin precwatch
bin=target/release/examples/gen_corpus
"$bin" write bench/out/corpus.txt
rust=$("$bin" scan bench/out/corpus.txt)
py=$(python3 bench/python_matcher.py rules bench/out/corpus.txt)
echo "$rust"
echo "$py"
r=$(echo "$rust" | awk '{print $4}')
p=$(echo "$py" | awk '{print $4}')
echo "rust ${r} MB/s, python ${p} MB/s, ratio $(awk -v r="$r" -v p="$p" 'BEGIN{printf "%.1f", r/p}')x"

rm -rf bench/out/pages
"$bin" html bench/out/pages
pages=(bench/out/pages/*.html)
html_bytes=$(cat "${pages[@]}" | wc -c)
best=""
for _ in 1 2 3; do
  t0=$(date +%s.%N)
  target/release/precwatch scan --format json "${pages[@]}" >/dev/null || true
  t=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{print b-a}')
  best=$(awk -v a="$best" -v b="$t" 'BEGIN{print (a=="" || b<a) ? b : a}')
done
rs=$(awk -v n="$html_bytes" -v t="$best" 'BEGIN{printf "%.1f", n/t/1e6}')
echo "rust-scan-html $html_bytes $best $rs (${#pages[@]} files, $(nproc) cores)"
pyh=$(python3 bench/python_matcher.py --html rules bench/out/pages)
echo "$pyh"
ph=$(echo "$pyh" | awk '{print $4}')
echo "scan of HTML: rust ${rs} MB/s, python ${ph} MB/s, ratio $(awk -v r="$rs" -v p="$ph" 'BEGIN{printf "%.1f", r/p}')x"
