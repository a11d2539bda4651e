#!/usr/bin/env bash
# Shared crawls (issue 13): 1, 2 and 4 `precwatch crawl` workers on one
# PostgreSQL run, against a 1-worker SQLite baseline, on a static marketplace
# of 64 hosts (127.0.1.1 .. 127.0.1.64, 161 pages each, served by nginx).
#
#   bash bench/shared_bench.sh            # ~5-10 min on 2 cores
#
# Each run: a fresh database, the access log emptied, the workers started at
# the same moment (--no-progress, each under `timeout` and /usr/bin/time).
# Recorded: wall time from the first start to the last exit, pages, listings,
# flagged listings (risk_rank >= 2), exit codes, the run's status, robots.txt
# requests per host, per-host request gaps from nginx's access log, and CPU
# seconds of the workers, of PostgreSQL and of nginx.
#
# Environment (all optional):
#   PRECWATCH=path         the binary (default: build it, release, in $CARGO_TARGET_DIR or target/)
#   INTERVALS="0 200"      per_host_interval_ms values
#   WORKERS="1 2 4"        PostgreSQL worker counts
#   PGPORT=54340           port of the throwaway PostgreSQL (.ci/postgres)
#   RUN_TIMEOUT=900        seconds a worker may run
#   QUIET_WAIT=300         seconds to wait before each run for the machine to be idle
#
# Needs: nginx (apt-get install nginx; its own service is not used),
# PostgreSQL's server (.ci/postgres installs it), python3, /usr/bin/time.
# Only 127.x.x.x addresses are contacted. Logs and the table go to
# bench/out/shared/ (emptied first); temporary files are removed at exit, and
# nginx and the PostgreSQL cluster are stopped.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

INTERVALS=${INTERVALS:-"0 200"}
WORKERS=${WORKERS:-"1 2 4"}
PGPORT=${PGPORT:-54340}
RUN_TIMEOUT=${RUN_TIMEOUT:-900}
QUIET_WAIT=${QUIET_WAIT:-300}
HOSTS=64
PORT=8090
CONCURRENCY=16
COMMAND="bash bench/shared_bench.sh"

say() { printf '== %s\n' "$*" >&2; }
die() { printf 'shared_bench: %s\n' "$*" >&2; exit 1; }

command -v nginx >/dev/null || die "nginx is missing: apt-get install -y nginx"
command -v psql >/dev/null || die "psql is missing: apt-get install -y postgresql-client"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing: apt-get install -y time"

if [ -z "${PRECWATCH:-}" ]; then
    say "building precwatch (release)"
    cargo build --release --bin precwatch >&2
    PRECWATCH="${CARGO_TARGET_DIR:-target}/release/precwatch"
fi
[ -x "$PRECWATCH" ] || die "no binary at $PRECWATCH"
PRECWATCH=$(readlink -f "$PRECWATCH")

OUT=bench/out/shared
rm -rf "$OUT"
mkdir -p "$OUT"
OUT=$(readlink -f "$OUT")

W=$(mktemp -d /tmp/shared-bench.XXXXXX)
chmod 755 "$W" # nginx's workers read the site as nobody
NGX=$W/nginx
PGDIR=""
WORKER_PIDS=()

cleanup() {
    local p c
    # A worker is /usr/bin/time → timeout → precwatch: TERM to timeout reaches
    # precwatch (a graceful stop), then time itself.
    for p in "${WORKER_PIDS[@]}"; do
        for c in $(ps -o pid= --ppid "$p"); do kill "$c" 2>/dev/null || true; done
        kill "$p" 2>/dev/null || true
    done
    if [ -f "$NGX/nginx.pid" ]; then
        p=$(cat "$NGX/nginx.pid")
        kill -QUIT "$p" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    fi
    if [ -n "$PGDIR" ] && [ -d "$PGDIR/data" ]; then
        runuser -u postgres -- "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/pg_ctl" \
            -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1 || true
        rm -rf "$PGDIR"
    fi
    rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------ the site and nginx

say "writing the site ($HOSTS hosts)"
PAGES_SERVED=$(python3 bench/shared_site.py site "$W/site" "$HOSTS")
python3 bench/shared_site.py nginx "$NGX" "$W/site" "$HOSTS" "$PORT"
nginx -t -q -c "$NGX/nginx.conf" -p "$NGX" >&2
nginx -c "$NGX/nginx.conf" -p "$NGX"
for _ in $(seq 50); do [ -s "$NGX/nginx.pid" ] && break; sleep 0.1; done
NGINX_PID=$(cat "$NGX/nginx.pid")
for h in 1 $HOSTS; do
    curl -sf "http://127.0.1.$h:$PORT/p/1-1.html" >/dev/null || die "nginx does not answer on 127.0.1.$h:$PORT"
done
say "nginx $NGINX_PID serves $PAGES_SERVED pages"

# ------------------------------------------------------------------ PostgreSQL

# children PID: how many live children the process has.
children() { ps -o pid= --ppid "$1" | wc -l; }

if (exec 3<>"/dev/tcp/127.0.0.1/$PGPORT") 2>/dev/null; then
    die "port $PGPORT is taken: set PGPORT"
fi
before=$(ls -d /tmp/precwatch-pg.* 2>/dev/null || true)
PGURL=$(.ci/postgres "$PGPORT" 2>"$OUT/postgres.start.log")
for d in $(ls -d /tmp/precwatch-pg.* 2>/dev/null); do
    grep -qxF "$d" <<<"$before" || PGDIR=$d
done
[ -n "$PGDIR" ] || die "cannot find the PostgreSQL cluster's directory"
PG_PID=$(head -1 "$PGDIR/data/postmaster.pid")
PG_CHILDREN=$(children "$PG_PID") # its background processes
PG_VERSION=$(psql -h 127.0.0.1 -p "$PGPORT" -U postgres -Atc "SHOW server_version")
say "PostgreSQL $PG_VERSION at $PGURL (pid $PG_PID, $PGDIR)"

# ------------------------------------------------------------------ helpers

# busy_ticks: CPU ticks the whole machine spent busy (every core; not idle nor iowait).
busy_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }

# tree_ticks PID: the process's utime+stime+cutime+cstime (its reaped children
# included) plus utime+stime of its live children, in clock ticks.
tree_ticks() {
    local p=$1 total c t
    total=$(awk '{print $14+$15+$16+$17}' "/proc/$p/stat")
    for c in $(ps -o pid= --ppid "$p"); do
        t=$(awk '{print $14+$15}' "/proc/$c/stat" 2>/dev/null || echo 0)
        total=$((total + t))
    done
    echo "$total"
}

# wait_quiet: waits (up to QUIET_WAIT seconds) until the machine was at most
# 15% busy over 2 s, so another process's load does not land in a run; the
# run's "other CPU" column shows what came anyway.
wait_quiet() {
    local deadline=$((SECONDS + QUIET_WAIT)) a b
    while :; do
        a=$(busy_ticks)
        sleep 2
        b=$(busy_ticks)
        [ $((b - a)) -le $((2 * CLK * NPROC * 15 / 100)) ] && return 0
        if [ "$SECONDS" -ge "$deadline" ]; then
            say "the machine is still busy (other processes): running anyway"
            return 0
        fi
    done
}

job_file() { # interval_ms → path
    local f=$W/job-$1.toml
    {
        echo '[job]'
        echo 'name = "shared-bench"'
        echo
        echo '[crawl]'
        echo 'allow_private = true'
        echo "concurrency = $CONCURRENCY"
        echo 'per_host_concurrency = 1'
        echo 'max_pages = 0'
        echo "per_host_interval_ms = $1"
        echo 'timeout_ms = 10000'
        echo
        echo '[[site]]'
        echo 'name = "market"'
        echo "listing = '^/p/'"
        echo 'seeds = ['
        for h in $(seq "$HOSTS"); do echo "  \"http://127.0.1.$h:$PORT/\","; done
        echo ']'
    } >"$f"
    echo "$f"
}

sqlite_q() {
    python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); [print("|".join(str(x) for x in r)) for r in c.execute(sys.argv[2])]' "$1" "$2" ||
        echo "?"
}
pg_q() { psql "$1" -qAtc "$2" || echo "?"; }

CLK=$(getconf CLK_TCK)
NPROC=$(nproc)
ROWS=()
CPU_ROWS=()
N=0

# run_one ENGINE WORKERS INTERVAL_MS
run_one() {
    local engine=$1 workers=$2 interval=$3 name db q job
    N=$((N + 1))
    name="$N-$engine-w$workers-i$interval"
    job=$(job_file "$interval")
    if [ "$engine" = sqlite ]; then
        db=$W/$name.sqlite
        q=sqlite_q
    else
        psql -h 127.0.0.1 -p "$PGPORT" -U precwatch -d postgres -qc "CREATE DATABASE b_$N"
        db="postgres://precwatch@127.0.0.1:$PGPORT/b_$N"
        q=pg_q
    fi
    say "run $name"
    wait_quiet
    : >"$NGX/access.log"
    local pg0 ng0 m0 t0 t1 pg1 ng1 m1 w
    pg0=$(tree_ticks "$PG_PID")
    ng0=$(tree_ticks "$NGINX_PID")
    m0=$(busy_ticks)
    t0=$(date +%s.%N)
    WORKER_PIDS=()
    for w in $(seq "$workers"); do
        /usr/bin/time -f '%x %e %U %S' -o "$OUT/$name.w$w.time" \
            timeout -k 30 "$RUN_TIMEOUT" "$PRECWATCH" crawl --config "$job" --db "$db" --no-progress \
            >"$OUT/$name.w$w.out" 2>"$OUT/$name.w$w.err" &
        WORKER_PIDS+=("$!")
    done
    for w in "${WORKER_PIDS[@]}"; do wait "$w" || true; done
    WORKER_PIDS=()
    t1=$(date +%s.%N)
    # The workers' backends end after them: let the postmaster reap them (its
    # cutime then has their CPU) before reading it, or their share is lost.
    for _ in $(seq 100); do [ "$(children "$PG_PID")" -le "$PG_CHILDREN" ] && break; sleep 0.1; done
    m1=$(busy_ticks)
    pg1=$(tree_ticks "$PG_PID")
    ng1=$(tree_ticks "$NGINX_PID")
    cp "$NGX/access.log" "$OUT/$name.access.log"

    local codes="" shares="" wcpu=0 line code share
    for w in $(seq "$workers"); do
        line=$(tail -1 "$OUT/$name.w$w.time")
        code=${line%% *}
        codes="$codes${codes:+,}$code"
        share=$(grep -o '[0-9]* pages fetched' "$OUT/$name.w$w.out" | head -1 | cut -d' ' -f1 || true)
        shares="$shares${shares:+ + }${share:-?}"
        wcpu=$(awk -v a="$wcpu" -v u="$(cut -d' ' -f3 <<<"$line")" -v s="$(cut -d' ' -f4 <<<"$line")" 'BEGIN{printf "%.2f", a+u+s}')
        [ "$code" = 0 ] || say "worker $w of $name exited $code: $(tail -3 "$OUT/$name.w$w.err" | tr '\n' ' ')"
    done
    local pages listings flagged status wall pps pgcpu ngcpu
    pages=$($q "$db" "SELECT COUNT(*) FROM pages")
    listings=$($q "$db" "SELECT COUNT(*) FROM listings")
    flagged=$($q "$db" "SELECT COUNT(*) FROM listings WHERE risk_rank >= 2")
    status=$($q "$db" "SELECT status, complete FROM runs ORDER BY id" | tr '|\n' ', ' | sed 's/ $//;s/ /; /g')
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')
    pps=$(awk -v p="$pages" -v w="$wall" 'BEGIN{printf "%.0f", p/w}')
    pgcpu=$(awk -v a="$pg0" -v b="$pg1" -v c="$CLK" 'BEGIN{printf "%.2f", (b-a)/c}')
    ngcpu=$(awk -v a="$ng0" -v b="$ng1" -v c="$CLK" 'BEGIN{printf "%.2f", (b-a)/c}')
    local requests robots_min robots_max gap_min_ms gap_min_log_ms gaps gaps_below gaps_below_5ms gaps_below_log hosts
    eval "$(python3 bench/shared_site.py log "$OUT/$name.access.log" "$interval")"
    local robots=$robots_min
    [ "$robots_min" = "$robots_max" ] || robots="$robots_min-$robots_max"
    local below="-"
    [ "$interval" = 0 ] || below="$gaps_below / $gaps_below_5ms / $gaps_below_log"
    ROWS+=("| $engine | $workers | $interval | $wall | $pages ($shares) | $pps | $listings | $flagged | $codes | $status | $requests | $robots ($hosts hosts) | $gap_min_ms / $gap_min_log_ms | $below |")
    local tot per_w per_pg per_ng util mcpu
    tot=$(awk -v a="$wcpu" -v b="$pgcpu" -v c="$ngcpu" 'BEGIN{printf "%.2f", a+b+c}')
    mcpu=$(awk -v a="$m0" -v b="$m1" -v c="$CLK" -v t="$tot" 'BEGIN{printf "%.2f", (b-a)/c - t}')
    per_w=$(awk -v c="$wcpu" -v p="$pages" 'BEGIN{printf "%.2f", p ? 1000*c/p : 0}')
    per_pg=$(awk -v c="$pgcpu" -v p="$pages" 'BEGIN{printf "%.2f", p ? 1000*c/p : 0}')
    per_ng=$(awk -v c="$ngcpu" -v p="$pages" 'BEGIN{printf "%.3f", p ? 1000*c/p : 0}')
    util=$(awk -v t="$tot" -v w="$wall" -v n="$NPROC" 'BEGIN{printf "%.0f", 100*t/(w*n)}')
    CPU_ROWS+=("| $engine | $workers | $interval | $wcpu | $pgcpu | $ngcpu | $tot | $per_w | $per_pg | $per_ng | $util% | $mcpu |")
    say "$name: ${wall}s, $pages pages, exit $codes, run $status, CPU workers $wcpu s, PostgreSQL $pgcpu s, nginx $ngcpu s"
}

# ------------------------------------------------------------------ the runs

for interval in $INTERVALS; do
    run_one sqlite 1 "$interval"
    for workers in $WORKERS; do
        run_one postgres "$workers" "$interval"
    done
done

# ------------------------------------------------------------------ the report

{
    echo "Shared crawl (issue 13), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'): $HOSTS hosts x 161 pages ($PAGES_SERVED pages) on nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), PostgreSQL $PG_VERSION (fsync=off), $NPROC cores, concurrency $CONCURRENCY per worker, per_host_concurrency 1. Command: \`$COMMAND\`"
    echo
    echo "| engine | workers | interval ms | wall s | pages (per worker) | pages/s | listings | flagged (risk>=2) | exit codes | run (status, complete) | requests | robots.txt per host | min gap per host ms (start / log) | gaps < interval (start / start-5ms / log) |"
    echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    printf '%s\n' "${ROWS[@]}"
    echo
    echo "CPU seconds over each run's wall time (workers: user+sys from /usr/bin/time; PostgreSQL and nginx: utime+stime of the postmaster/master, its reaped and its live children, from /proc, CLK_TCK=$CLK); ms per stored page; load = all CPU / (wall x $NPROC cores); other CPU: the machine's busy time over the run (/proc/stat) less these three (the script's own psql/python, the kernel's threads, and any other process on the machine)."
    echo
    echo "| engine | workers | interval ms | workers CPU s | PostgreSQL CPU s | nginx CPU s | total CPU s | workers ms/page | PostgreSQL ms/page | nginx ms/page | load | other CPU s |"
    echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    printf '%s\n' "${CPU_ROWS[@]}"
    echo
    echo "Gaps: time between two consecutive requests to one host, by the request's start at nginx (\$msec - \$request_time) and by its log time (\$msec)."
} | tee "$OUT/table.md"
