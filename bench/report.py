#!/usr/bin/env python3
"""Checks and summarises one run of bench/crawl_bench.sh (reads bench/out/).

    python3 bench/report.py --out bench/out --pages 20000 --categories 1000 \
        --fanout 10 --command "PAGES=20000 bash bench/crawl_bench.sh"

Verifies that both crawlers fetched (about) every page, prints the figures
and a final markdown block. Exit status: 0, or 1 when a crawl is incomplete
(the figures would not be comparable), or 3 with --strict when a target is
missed.
"""

import argparse
import json
import os
import sqlite3
import sys

SPEED_TARGET = 5.0  # precwatch pages/s ÷ Scrapy pages/s, at least
RSS_TARGET = 1 / 3  # precwatch peak RSS ÷ Scrapy peak RSS, at most
PHASE2_RSS_MB = 150  # precwatch peak RSS with the big frontier, at most
COMPLETE = 0.99  # share of the expected pages a crawl must have fetched


def load(path):
    with open(path) as f:
        return json.load(f)


def db_figures(path):
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    q = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
    run = con.execute("SELECT status, complete, stats_json FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    fig = {
        "pages": q("SELECT COUNT(*) FROM pages"),
        "pages_2xx": q("SELECT COUNT(*) FROM pages WHERE status_code BETWEEN 200 AND 299"),
        "listings": q("SELECT COUNT(*) FROM listings"),
        "with_hits": q(
            "SELECT COUNT(*) FROM listings l WHERE EXISTS "
            "(SELECT 1 FROM hits h WHERE h.version_id = l.current_version_id)"
        ),
        "medium_plus": q(
            "SELECT COUNT(*) FROM listings l JOIN listing_versions v ON v.id = l.current_version_id "
            "WHERE v.risk IN ('medium', 'high')"
        ),
        "hits": q("SELECT COUNT(*) FROM hits"),
        "frontier": q("SELECT COUNT(*) FROM frontier"),
        "frontier_queued": q("SELECT COUNT(*) FROM frontier WHERE status = 'queued'"),
        "frontier_failed": q("SELECT COUNT(*) FROM frontier WHERE status = 'failed'"),
        "run_status": run[0] if run else None,
        "run_stats": json.loads(run[2]) if run and run[2] else {},
    }
    con.close()
    fig["db_mb"] = os.path.getsize(path) / 1e6
    return fig


def scrapy_figures(out):
    stats = load(os.path.join(out, "scrapy_stats.json"))
    items = with_matches = watched_cas = 0
    with open(os.path.join(out, "scrapy_items.jsonl")) as f:
        for line in f:
            if line.strip():
                items += 1
                matches = json.loads(line)["matches"]
                with_matches += bool(matches)
                watched_cas += any(m.startswith("CAS ") for m in matches)
    robots = stats.get("robotstxt/response_count", 0)
    return {
        "responses": stats.get("response_received_count", 0) - robots,
        "responses_200": stats.get("downloader/response_status_count/200", 0) - robots,
        "items": items,
        "with_matches": with_matches,
        "watched_cas": watched_cas,
        "errors": {k: v for k, v in stats.items() if k.startswith(("log_count/ERROR", "downloader/exception_type_count"))},
        "finish_reason": stats.get("finish_reason"),
    }


def mb(kb):
    return kb / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="bench/out")
    ap.add_argument("--pages", type=int, required=True, help="product pages the site served")
    ap.add_argument("--categories", type=int, required=True, help="category pages the site served")
    ap.add_argument("--fanout", type=int, required=True)
    ap.add_argument("--phase2-max-pages", type=int, required=True)
    ap.add_argument("--command", required=True, help="the command line, for the record")
    ap.add_argument("--strict", action="store_true", help="exit 3 when a target is missed")
    a = ap.parse_args()
    out = a.out
    expected = a.pages + a.categories + 1  # products, categories, home (robots.txt not counted)

    pw_rss = load(os.path.join(out, "precwatch.rss.json"))
    sc_rss = load(os.path.join(out, "scrapy.rss.json"))
    pw = db_figures(os.path.join(out, "precwatch.sqlite"))
    sc = scrapy_figures(out)
    p2_rss = load(os.path.join(out, "precwatch_frontier.rss.json"))
    p2 = db_figures(os.path.join(out, "precwatch_frontier.sqlite"))

    problems = []
    if pw_rss["exit_code"] != 0:
        problems.append(f"precwatch exited with {pw_rss['exit_code']}")
    if sc_rss["exit_code"] != 0:
        problems.append(f"scrapy exited with {sc_rss['exit_code']}")
    if p2_rss["exit_code"] != 0:
        problems.append(f"precwatch (frontier phase) exited with {p2_rss['exit_code']}")
    if pw["pages_2xx"] < COMPLETE * expected:
        problems.append(f"precwatch fetched {pw['pages_2xx']} pages with 2xx of {expected} expected")
    if sc["responses_200"] < COMPLETE * expected:
        problems.append(f"scrapy fetched {sc['responses_200']} pages with 200 of {expected} expected")
    if pw["listings"] < COMPLETE * a.pages:
        problems.append(f"precwatch stored {pw['listings']} listings of {a.pages}")
    if sc["items"] < COMPLETE * a.pages:
        problems.append(f"scrapy wrote {sc['items']} items of {a.pages}")

    pw_rate = pw["pages"] / pw_rss["wall_s"]
    sc_rate = sc["responses"] / sc_rss["wall_s"]
    speed_ratio = pw_rate / sc_rate if sc_rate else float("inf")
    rss_ratio = pw_rss["peak_kb"] / sc_rss["peak_kb"] if sc_rss["peak_kb"] else float("inf")
    p2_rate = p2["pages"] / p2_rss["wall_s"]
    frontier_target = 10 * a.pages if a.fanout else 0

    def verdict(ok):
        return "met" if ok else "MISSED"

    targets = {
        "speed": (speed_ratio >= SPEED_TARGET, f"≥ {SPEED_TARGET:g}×"),
        "rss": (rss_ratio <= RSS_TARGET, "≤ 1/3"),
        "frontier": (p2["frontier"] >= frontier_target, f"≥ {frontier_target:,}"),
        "frontier_rss": (mb(p2_rss["peak_kb"]) <= PHASE2_RSS_MB, f"≤ {PHASE2_RSS_MB} MB"),
    }
    pw_errors = pw["run_stats"].get("errors", {})
    p2_errors = p2["run_stats"].get("errors", {})

    lines = [
        f"## precwatch crawl benchmark ({a.pages:,} product pages, {expected:,} pages in all)",
        "",
        "Command (from the repository root):",
        "",
        "```",
        a.command,
        "```",
        "",
        "Phase 1: the same site crawled by each, one after the other, 16 requests in flight, no delay, robots.txt obeyed.",
        "",
        "| | precwatch | Scrapy | ratio (precwatch/Scrapy) | target |",
        "| --- | ---: | ---: | ---: | --- |",
        f"| pages fetched | {pw['pages']:,} | {sc['responses']:,} | | ≈ {expected:,} |",
        f"| listings stored / items | {pw['listings']:,} | {sc['items']:,} | | {a.pages:,} |",
        f"| listings with ≥ 1 hit / match | {pw['with_hits']:,} ({pw['medium_plus']:,} medium+) | {sc['with_matches']:,} ({sc['watched_cas']:,} with a watched CAS) | | |",
        f"| wall time | {pw_rss['wall_s']:.1f} s | {sc_rss['wall_s']:.1f} s | | |",
        f"| pages/s | {pw_rate:,.0f} | {sc_rate:,.0f} | **{speed_ratio:.2f}×** | {targets['speed'][1]} ({verdict(targets['speed'][0])}) |",
        f"| peak RSS | {mb(pw_rss['peak_kb']):.1f} MB | {mb(sc_rss['peak_kb']):.1f} MB | **{rss_ratio:.2f}** | {targets['rss'][1]} ({verdict(targets['rss'][0])}) |",
        f"| crawler CPU (user+sys) | {pw_rss['user_s'] + pw_rss['sys_s']:.1f} s | {sc_rss['user_s'] + sc_rss['sys_s']:.1f} s | | |",
        f"| bench_site CPU meanwhile | {pw_rss.get('watched_cpu_s', float('nan')):.1f} s | {sc_rss.get('watched_cpu_s', float('nan')):.1f} s | | |",
        f"| errors | {json.dumps(pw_errors) if pw_errors else 'none'} | {json.dumps(sc['errors']) if sc['errors'] else 'none'} | | |",
        "",
        f"Phase 2: precwatch alone, site with --fanout {a.fanout}, max_pages = {a.phase2_max_pages:,}.",
        "",
        "| | precwatch | target |",
        "| --- | ---: | --- |",
        f"| pages fetched | {p2['pages']:,} | {a.phase2_max_pages:,} |",
        f"| frontier rows (SELECT COUNT(*) FROM frontier) | {p2['frontier']:,} ({p2['frontier_queued']:,} still queued) | {targets['frontier'][1]} ({verdict(targets['frontier'][0])}) |",
        f"| peak RSS | {mb(p2_rss['peak_kb']):.1f} MB | {targets['frontier_rss'][1]} ({verdict(targets['frontier_rss'][0])}) |",
        f"| wall time, pages/s | {p2_rss['wall_s']:.1f} s, {p2_rate:,.0f}/s | |",
        f"| crawler CPU / bench_site CPU | {p2_rss['user_s'] + p2_rss['sys_s']:.1f} s / {p2_rss.get('watched_cpu_s', float('nan')):.1f} s | |",
        f"| errors | {json.dumps(p2_errors) if p2_errors else 'none'} | |",
        "",
        "precwatch CPU seconds by thread (phase 1; phase 2): "
        + json.dumps(pw_rss.get("thread_cpu_s", {}))
        + "; "
        + json.dumps(p2_rss.get("thread_cpu_s", {})),
        "",
        "1-minute load average before/after each crawl (phase 1 precwatch; Scrapy; phase 2): "
        + "; ".join(str(r.get("loadavg_1m")) for r in (pw_rss, sc_rss, p2_rss)),
        "",
        f"Peak RSS: largest sum of VmRSS over the process tree sampled every 20 ms, or getrusage ru_maxrss if larger. "
        f"pages/s: pages fetched ÷ wall time of the whole process (start-up and final flush included). "
        f"Machine: {os.cpu_count()} cores; bench_site shares them.",
    ]
    print("\n".join(lines))
    if problems:
        print("\nINCOMPLETE — the figures above are not comparable:", file=sys.stderr)
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
        return 1
    if a.strict and not all(ok for ok, _ in targets.values()):
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
