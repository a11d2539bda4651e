#!/usr/bin/env bash
# Runs every cargo-fuzz target for a bounded time (not part of CI).
#
#   bash bench/fuzz.sh                      # 120 s per target
#   SECONDS_EACH=30 bash bench/fuzz.sh matcher extract
#
# cargo-fuzz needs nightly compiler flags; RUSTC_BOOTSTRAP=1 lets the stable
# toolchain accept them. The first build compiles every dependency with
# sanitizer coverage (several minutes on 2 cores). Crashes are written to
# fuzz/artifacts/<target>/ and make this script exit non-zero.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../fuzz"

SECONDS_EACH=${SECONDS_EACH:-120}
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(matcher rules_loader decode extract robots sellers)

mkdir -p corpus/rules_loader
cp ../rules/*.toml corpus/rules_loader/ 2>/dev/null || true

mkdir -p logs
status=0
for t in "${targets[@]}"; do
    printf '\n== %s (%s s, log in fuzz/logs/%s.log)\n' "$t" "$SECONDS_EACH" "$t" >&2
    if RUSTC_BOOTSTRAP=1 cargo fuzz run "$t" -- -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 >"logs/$t.log" 2>&1; then
        grep -E "^Done [0-9]+ runs" "logs/$t.log" >&2 || true
    else
        grep -E "panicked|ERROR: libFuzzer|SUMMARY|Test unit written" "logs/$t.log" >&2 || tail -n 20 "logs/$t.log" >&2
        echo "fuzz: $t failed (see fuzz/logs/$t.log and fuzz/artifacts/$t/)" >&2
        status=1
    fi
done
exit $status
