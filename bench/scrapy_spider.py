"""The Scrapy side of the crawl benchmark: the same work precwatch does, the idiomatic Scrapy way.

    scrapy runspider bench/scrapy_spider.py -a start_url=http://127.0.0.1:PORT/ \
        -a rules_dir=rules -a stats=bench/out/scrapy_stats.json -O bench/out/scrapy_items.jsonl

Follows every link on the start URL's host; on listing pages (path matching
LISTING) it extracts the visible text (no script/style), matches the rule
packs' `names` and `ambiguous` literals with ONE `re` alternation, finds CAS
numbers with a regex (check digit verified), and yields one item per listing:
{"url", "title", "matches", "cas"}. At the end the crawl stats are written to
the `stats` file (JSON) for the benchmark script.
"""

import glob
import json
import os
import re
import tomllib
from urllib.parse import urlsplit

import scrapy

LISTING = re.compile(r"^/p/\d+\.html$")
CAS = re.compile(r"\b(\d{2,7})-(\d{2})-(\d)\b")
VISIBLE_TEXT = "//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]"


def load_rules(rules_dir):
    """All `names` and `ambiguous` literals and the CAS numbers of rules/*.toml."""
    names, cas = set(), set()
    for path in sorted(glob.glob(os.path.join(rules_dir, "*.toml"))):
        with open(path, "rb") as f:
            pack = tomllib.load(f)
        for rule in pack.get("rule", []):
            names.update(n.strip() for n in rule.get("names", []) + rule.get("ambiguous", []) if n.strip())
            cas.update(rule.get("cas", []))
    if not names:
        raise ValueError(f"no rule names found under {rules_dir!r}")
    return names, cas


def names_regex(names):
    # Longest first so that "1-boc-4-piperidone" wins over "4-piperidone".
    alternation = "|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n)))
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)


def cas_ok(a, b, c):
    digits = (a + b)[::-1]
    return sum((i + 1) * int(d) for i, d in enumerate(digits)) % 10 == int(c)


class BenchSpider(scrapy.Spider):
    name = "bench"
    custom_settings = {
        "ROBOTSTXT_OBEY": True,
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        "TELNETCONSOLE_ENABLED": False,
        "HTTPCACHE_ENABLED": False,
        "DEPTH_LIMIT": 100,
        "FEED_EXPORT_ENCODING": "utf-8",
        "USER_AGENT": "scrapy-bench (+precwatch crawl benchmark)",
    }

    def __init__(self, start_url, rules_dir="rules", stats=None, **kwargs):
        super().__init__(**kwargs)
        self.start_urls = [start_url]
        self.allowed_domains = [urlsplit(start_url).hostname]
        self.stats_path = stats
        names, self.watched_cas = load_rules(rules_dir)
        self.names_re = names_regex(names)
        self.logger.info("%d names in one alternation, %d CAS numbers", len(names), len(self.watched_cas))

    def parse(self, response):
        parts = urlsplit(response.url)
        path = parts.path + ("?" + parts.query if parts.query else "")
        if LISTING.match(path):
            yield self.listing(response)
        for href in response.css("a::attr(href)").getall():
            yield response.follow(href, callback=self.parse)

    def listing(self, response):
        title = (response.css("title::text").get() or "").strip()
        text = " ".join(t.strip() for t in response.xpath(VISIBLE_TEXT).getall() if t.strip())
        text = f"{title}\n{text}"
        matches = sorted({m.group(0).lower() for m in self.names_re.finditer(text)})
        cas = sorted({m.group(0) for m in CAS.finditer(text) if cas_ok(*m.groups())})
        matches += [f"CAS {c}" for c in cas if c in self.watched_cas]
        return {"url": response.url, "title": title, "matches": matches, "cas": cas}

    def closed(self, reason):
        if self.stats_path:
            stats = dict(self.crawler.stats.get_stats(), finish_reason=reason)
            with open(self.stats_path, "w") as f:
                json.dump(stats, f, indent=1, default=str, sort_keys=True)
                f.write("\n")
