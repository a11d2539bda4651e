#!/usr/bin/env python3
"""Run a command; report its wall time and the peak RSS of its process tree.

    python3 bench/rss.py --json OUT.json [--interval 0.02] -- CMD ARGS...

Every --interval seconds the VmRSS of the child and all its descendants
(found through /proc/PID/task/TID/children) is summed; the largest sum is
the peak. getrusage(RUSAGE_CHILDREN).ru_maxrss (the largest single process,
as the kernel counted it) is reported too as a cross-check. The command's
stdout/stderr pass through; the exit code is the command's.

The JSON written: {"cmd", "exit_code", "wall_s", "peak_rss_kb",
"ru_maxrss_kb", "peak_kb" (the larger of the two), "samples", "user_s", "sys_s"}
"thread_cpu_s" (CPU seconds per thread name of the child, sampled every
10 intervals, so the last ~0.2 s is missing) and, with --watch-pid, "watched_cpu_s" (e.g. the CPU the server spent meanwhile).
"""

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import time


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def cpu_s(pid):
    """User+system CPU seconds of a process so far (None if it is gone)."""
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def thread_cpu_s(pid):
    """CPU seconds per thread name of one process, e.g. {"tokio-runtime-w": 3.1, "precwatch-writer": 1.2}."""
    out = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except (FileNotFoundError, ProcessLookupError):
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                stat = f.read()
        except (FileNotFoundError, ProcessLookupError):
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat.rsplit(")", 1)[1].split()
        out[name] = out.get(name, 0) + (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return out


def children(pid):
    out = []
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except (FileNotFoundError, ProcessLookupError):
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out.extend(int(x) for x in f.read().split())
        except (FileNotFoundError, ProcessLookupError):
            pass
    return out


def tree_rss_kb(root):
    total, todo, seen = 0, [root], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += rss_kb(pid)
        todo.extend(children(pid))
    return total


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", required=True, help="where to write the measurements")
    ap.add_argument("--interval", type=float, default=0.02, help="sampling period in seconds")
    ap.add_argument("--watch-pid", type=int, help="also report the CPU seconds this other process used meanwhile")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd[:1] == ["--"] else a.cmd
    if not cmd:
        ap.error("no command given")

    load_before = loadavg()
    watched_before = cpu_s(a.watch_pid)
    start = time.monotonic()
    proc = subprocess.Popen(cmd)
    # Forward Ctrl-C / TERM to the child so an interrupted bench still cleans up.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda s, _f: proc.send_signal(s))
    peak, samples, threads = 0, 0, {}
    while True:
        code = proc.poll()
        if code is not None:
            break
        peak = max(peak, tree_rss_kb(proc.pid))
        if samples % 10 == 0:
            # Per-thread CPU of the direct child, last seen (threads that ended early drop out).
            threads = thread_cpu_s(proc.pid) or threads
        samples += 1
        time.sleep(a.interval)
    wall = time.monotonic() - start
    watched_after = cpu_s(a.watch_pid)
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = {
        "cmd": cmd,
        "exit_code": code,
        "wall_s": round(wall, 3),
        "peak_rss_kb": peak,
        "ru_maxrss_kb": ru.ru_maxrss,
        "samples": samples,
        # the sampled tree peak can miss a spike shorter than --interval;
        # ru_maxrss cannot, but only sees the largest single process
        "peak_kb": max(peak, ru.ru_maxrss),
        "user_s": round(ru.ru_utime, 2),
        "sys_s": round(ru.ru_stime, 2),
        # 1-minute load average before and after: anything else busy on the machine skews the figures
        "loadavg_1m": [load_before, loadavg()],
    }
    result["thread_cpu_s"] = {k: round(v, 2) for k, v in sorted(threads.items(), key=lambda kv: -kv[1])}
    if watched_before is not None and watched_after is not None:
        result["watched_pid"] = a.watch_pid
        result["watched_cpu_s"] = round(watched_after - watched_before, 2)
    with open(a.json, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    sys.exit(code if code >= 0 else 128 - code)


if __name__ == "__main__":
    main()
