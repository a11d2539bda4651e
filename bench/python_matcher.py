#!/usr/bin/env python3
"""A straightforward Python matcher, as a baseline for the Rust one.

One `re` alternation of every name, ambiguous name and context term of
rules/*.toml (case-insensitive, word-bounded, longest first) plus one CAS
regex, run over each listing of the corpus written by
`cargo run --release --example gen_corpus -- write PATH`.

usage: python_matcher.py RULES_DIR CORPUS
       python_matcher.py --html RULES_DIR DIR   (every DIR/*.html: visible text
                                                 by html.parser, then the same match)
prints: python <bytes> <seconds> <MB/s> <matches>
"""
import html.parser
import pathlib
import re
import sys
import time
import tomllib

SEP = "\n\x0c\n"


def load_names(rules_dir):
    names = set()
    for path in sorted(pathlib.Path(rules_dir).glob("*.toml")):
        pack = tomllib.loads(path.read_text(encoding="utf-8"))
        for rule in pack.get("rule", []):
            names.update(rule.get("names", []))
            names.update(rule.get("ambiguous", []))
        for ctx in pack.get("context", {}).values():
            names.update(ctx.get("terms", []))
    return sorted(names, key=len, reverse=True)


class TextOf(html.parser.HTMLParser):
    """The visible text of a page: everything outside script and style."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def main_html(rules_dir, folder):
    names = load_names(rules_dir)
    name_re = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)", re.IGNORECASE)
    cas_re = re.compile(r"(?<![\w-])\d{2,7}-\d{2}-\d(?![\w-])")
    files = sorted(pathlib.Path(folder).glob("*.html"))
    nbytes = sum(f.stat().st_size for f in files)
    best, found = float("inf"), 0
    for _ in range(2):
        t = time.perf_counter()
        found = 0
        for f in files:
            p = TextOf()
            p.feed(f.read_bytes().decode("utf-8", errors="replace"))
            text = "\n".join(p.parts)
            found += sum(1 for _ in name_re.finditer(text))
            found += sum(1 for _ in cas_re.finditer(text))
        best = min(best, time.perf_counter() - t)
    print(f"python-html {nbytes} {best:.4f} {nbytes / best / 1e6:.1f} {found} ({len(files)} files)")


def main():
    if sys.argv[1] == "--html":
        return main_html(sys.argv[2], sys.argv[3])
    rules_dir, corpus = sys.argv[1], sys.argv[2]
    names = load_names(rules_dir)
    t0 = time.perf_counter()
    name_re = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)", re.IGNORECASE)
    cas_re = re.compile(r"(?<![\w-])\d{2,7}-\d{2}-\d(?![\w-])")
    compile_ms = (time.perf_counter() - t0) * 1e3
    listings = pathlib.Path(corpus).read_text(encoding="utf-8").split(SEP)
    nbytes = sum(len(item.encode("utf-8")) for item in listings)
    best, found = float("inf"), 0
    for _ in range(3):
        t = time.perf_counter()
        found = 0
        for item in listings:
            found += sum(1 for _ in name_re.finditer(item))
            found += sum(1 for _ in cas_re.finditer(item))
        best = min(best, time.perf_counter() - t)
    print(f"python {nbytes} {best:.4f} {nbytes / best / 1e6:.1f} {found} (compile {compile_ms:.1f} ms, {len(names)} names)")


if __name__ == "__main__":
    main()
