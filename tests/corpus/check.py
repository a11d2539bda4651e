#!/usr/bin/env python3
"""Validate the labelled corpora tune.toml, tune2.toml, tune3.toml and measure.toml.

Checks: TOML parses (tomllib); every case has id/text/risk/cas/note with the
right types; ids are unique across all files and carry the file's prefix
(t / u / v / m); risk is one of none|low|medium|high; every CAS in `cas` is well formed
and passes the CAS check digit; CAS numbers not found in the domain facts file
are reported; text has 1-15 lines; offers (medium/high) name at least one
watched substance; no near-duplicate texts between tune.toml and
measure.toml, between tune2.toml and tune.toml, or within tune2.toml, and
between tune3.toml and tune.toml / tune2.toml, or within tune3.toml.
tune2.toml and tune3.toml are never compared with measure.toml's texts (the
held-out set): for them only measure.toml's ids are used, for uniqueness.
Prints counts per risk and per file. Exit status 1 on any error.

Usage: python3 tests/corpus/check.py [--facts PATH]
"""
import difflib
import os
import re
import sys
import tomllib
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = [("tune.toml", "t"), ("tune2.toml", "u"), ("tune3.toml", "v"), ("measure.toml", "m")]
# (a, b) pairs of files whose texts are compared for near-duplicates; a pair
# with a == b compares the file with itself. tune2.toml and tune3.toml are
# deliberately not paired with measure.toml.
NEAR_DUP_PAIRS = [("tune.toml", "measure.toml"), ("tune2.toml", "tune.toml"),
                  ("tune2.toml", "tune2.toml"), ("tune3.toml", "tune.toml"),
                  ("tune3.toml", "tune2.toml"), ("tune3.toml", "tune3.toml")]
RISKS = ("none", "low", "medium", "high")
CAS_RE = re.compile(r"^(\d{2,7})-(\d{2})-(\d)$")
DEFAULT_FACTS = "/work/shared/domain/precursors.md"
NEAR_DUP = 0.75  # SequenceMatcher ratio across files counted as near-duplicate


def cas_ok(cas):
    m = CAS_RE.match(cas)
    if not m:
        return False
    digits = m.group(1) + m.group(2)
    total = sum(int(d) * w for w, d in enumerate(reversed(digits), 1))
    return total % 10 == int(m.group(3))


def facts_cas(path):
    try:
        text = open(path, encoding="utf-8").read()
    except OSError:
        return None
    return set(re.findall(r"\b\d{2,7}-\d{2}-\d\b", text))


def norm(text):
    return re.sub(r"\s+", " ", text.lower()).strip()


def main():
    facts = DEFAULT_FACTS
    if "--facts" in sys.argv:
        facts = sys.argv[sys.argv.index("--facts") + 1]
    known = facts_cas(facts)
    errors, warnings = [], []
    seen_ids = {}
    texts = {}
    table = {}
    for fname, prefix in FILES:
        path = os.path.join(HERE, fname)
        try:
            with open(path, "rb") as fh:
                doc = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            errors.append(f"{fname}: cannot parse: {exc}")
            continue
        cases = doc.get("case", [])
        if not cases:
            errors.append(f"{fname}: no [[case]] entries")
        counts = Counter()
        emerging = 0
        texts[fname] = []
        for i, case in enumerate(cases):
            where = f"{fname}[{i}]"
            cid = case.get("id")
            if not isinstance(cid, str) or not re.fullmatch(prefix + r"\d{3}", cid):
                errors.append(f"{where}: bad id {cid!r} (want {prefix}NNN)")
            elif cid in seen_ids:
                errors.append(f"{where}: duplicate id {cid} (also in {seen_ids[cid]})")
            else:
                seen_ids[cid] = fname
            where = f"{fname}:{cid}"
            extra = set(case) - {"id", "text", "risk", "cas", "note"}
            if extra:
                errors.append(f"{where}: unexpected keys {sorted(extra)}")
            text = case.get("text")
            if not isinstance(text, str) or not text.strip():
                errors.append(f"{where}: empty or missing text")
                text = ""
            else:
                nlines = len(text.strip("\n").split("\n"))
                if not 1 <= nlines <= 15:
                    errors.append(f"{where}: text has {nlines} lines (want 1-15)")
            risk = case.get("risk")
            if risk not in RISKS:
                errors.append(f"{where}: bad risk {risk!r}")
            cas = case.get("cas")
            if not isinstance(cas, list) or not all(isinstance(c, str) for c in cas):
                errors.append(f"{where}: cas must be a list of strings")
                cas = []
            if len(set(cas)) != len(cas):
                errors.append(f"{where}: repeated CAS in cas list")
            for c in cas:
                if not cas_ok(c):
                    errors.append(f"{where}: CAS {c} malformed or fails check digit")
                elif known is not None and c not in known:
                    warnings.append(f"{where}: CAS {c} not in {facts}")
            note = case.get("note")
            if not isinstance(note, str) or not note.strip():
                errors.append(f"{where}: missing note")
                note = ""
            if risk in ("medium", "high") and not cas:
                errors.append(f"{where}: {risk} case names no watched substance (cas empty)")
            if "emerging" in note.lower():
                emerging += 1
            counts[risk] += 1
            texts[fname].append((cid, norm(text)))
        table[fname] = (len(cases), counts, emerging)

    # near-duplicates between the paired files (never tune2/tune3 ~ measure)
    for fa, fb in NEAR_DUP_PAIRS:
        if fa not in texts or fb not in texts:
            continue
        ta, tb = texts[fa], texts[fb]
        for i, (ida, a) in enumerate(ta):
            for idb, b in (tb[i + 1:] if fa == fb else tb):
                sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
                if sm.real_quick_ratio() < NEAR_DUP or sm.quick_ratio() < NEAR_DUP:
                    continue
                r = sm.ratio()
                if r >= NEAR_DUP:
                    kind = "within file" if fa == fb else "across files"
                    errors.append(f"near-duplicate {kind}: {ida} ~ {idb} (ratio {r:.2f})")

    print(f"{'file':<14}{'total':>6}" + "".join(f"{r:>8}" for r in RISKS) + f"{'emerging':>10}")
    grand = Counter()
    for fname, (n, counts, emerging) in table.items():
        grand.update(counts)
        pct = " ".join(f"{r}={100 * counts[r] / n:.0f}%" for r in RISKS) if n else ""
        print(f"{fname:<14}{n:>6}" + "".join(f"{counts[r]:>8}" for r in RISKS) + f"{emerging:>10}   {pct}")
    print(f"{'all':<14}{sum(grand.values()):>6}" + "".join(f"{grand[r]:>8}" for r in RISKS))
    for w in warnings:
        print("warning:", w)
    for e in errors:
        print("ERROR:", e)
    print("OK" if not errors else f"{len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
