#!/usr/bin/env bash
# Latency of the review web UI on a large database: builds release, seeds a
# database of N listings once (examples/seed_listings.rs: a page, hits and
# seller identifiers per listing), starts `precwatch serve` on 127.0.0.1
# (port 0), and times each request RUNS times with curl (median and p90 of
# the total time, one request at a time); with wrk installed, also the
# list page's throughput over one connection.
#
#   bash bench/serve_bench.sh                  # N=100000 RUNS=21
#   N=20000 RUNS=11 bash bench/serve_bench.sh
#
# Figures go to standard output as a Markdown table for bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-target}
N=${N:-100000}
RUNS=${RUNS:-21}
DB=${DB:-$TARGET/bench-serve-$N.sqlite}

cargo build --release --quiet --bin precwatch --example seed_listings
if [ ! -f "$DB" ]; then
  "$TARGET/release/examples/seed_listings" "$DB.partial" "$N"
  rm -f "$DB.partial-wal" "$DB.partial-shm"
  mv "$DB.partial" "$DB"
fi

LOG=$(mktemp)
"$TARGET/release/precwatch" serve --db "$DB" --addr 127.0.0.1:0 --by bench 2>"$LOG" &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; rm -f "$LOG"' EXIT
BASE=""
for _ in $(seq 100); do
  BASE=$(sed -n 's|^serving \(http://[^/ ]*\)/.*|\1|p' "$LOG")
  [ -n "$BASE" ] && break
  sleep 0.1
done
[ -n "$BASE" ] || { cat "$LOG" >&2; echo "the server did not start" >&2; exit 1; }

# A listing in the middle of the list (the detail page of a typical row).
MID=$((N / 2 + 1))
DEEP=$(((N / 50) * 2 / 3))

# name|path
CASES=(
  "list, page 1|/"
  "list, page $DEEP (deep)|/?page=$DEEP"
  "list, risk high + site + state|/?risk=high&site=gamma&state=new"
  "list, status confirmed|/?status=confirmed"
  "list, search 'piperidone' (1 listing in 6)|/?q=piperidone"
  "list, search 2 characters|/?q=%E8%8B%AF%E4%B9%99"
  "detail|/listing/$MID"
  "detail in a filter (risk high)|/listing/$((MID + 3))?risk=high"
  "detail, cluster across sites|/listing/4"
  "clusters, page 1 (cached after the first)|/clusters"
  "export CSV, risk high|/export?format=csv&risk=high"
)

median_p90() {
  sort -n | awk '{a[NR]=$1} END {m=a[int((NR+1)/2)]; p=a[int(NR*0.9+0.999)]; printf "%.1f|%.1f", m*1000, p*1000}'
}

echo "| request | median ms | p90 ms | bytes |"
echo "|---|---|---|---|"
for c in "${CASES[@]}"; do
  name=${c%%|*}
  path=${c#*|}
  status=$(curl -s -o /dev/null -w '%{http_code}' "$BASE$path")
  [ "$status" = 200 ] || { echo "$path: HTTP $status" >&2; exit 1; }
  size=$(curl -s -o /dev/null -w '%{size_download}' "$BASE$path")
  times=$(for _ in $(seq "$RUNS"); do curl -s -o /dev/null -w '%{time_total}\n' "$BASE$path"; done)
  echo "| $name | $(echo "$times" | median_p90) | $size |"
done

if command -v wrk >/dev/null; then
  echo
  echo "wrk, one connection, 5 s:"
  for p in "/" "/listing/$MID"; do
    wrk -t1 -c1 -d5s --latency "$BASE$p" | awk -v p="$p" '/Requests\/sec/ {r=$2} /^ +50%/ {m=$2} /^ +99%/ {q=$2} END {printf "  %s: %s req/s, median %s, p99 %s\n", p, r, m, q}'
  done
fi
echo
echo "commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' (with uncommitted changes)'), N=$N, RUNS=$RUNS, $(nproc) cores"
