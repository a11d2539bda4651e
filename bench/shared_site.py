#!/usr/bin/env python3
"""Helpers of bench/shared_bench.sh (issue 13: many workers on one PostgreSQL).

  shared_site.py site DIR [HOSTS]        writes a static marketplace for HOSTS
                                         loopback addresses 127.0.1.1 .. 127.0.1.HOSTS
                                         under DIR/<address>/ (nginx: root DIR/$server_addr)
  shared_site.py nginx PREFIX SITE HOSTS PORT
                                         writes PREFIX/nginx.conf (listens on each
                                         127.0.1.N:PORT only; access log with
                                         `$msec $server_addr $request_uri $request_time`)
  shared_site.py log ACCESS_LOG INTERVAL_MS
                                         per-host figures from the access log, as
                                         key=value lines for the shell

Every host: `/` links 10 category pages /cat/K.html, each linking 15 product
pages /p/K-J.html (161 pages per host), /robots.txt allows everything. About
one product in five names a watched fentanyl precursor (with its CAS number),
the rest are benign.
"""

import os
import sys
from collections import defaultdict

CATEGORIES = 10
PER_CATEGORY = 15

CATEGORY_NAMES = [
    "Laboratory chemicals", "Food additives", "Office furniture", "Cleaning supplies",
    "Garden and outdoor", "Pharmaceutical intermediates", "Packaging", "Lighting",
    "Industrial solvents", "Kitchen appliances",
]

# Watched precursors (bundled rules/fentanyl.toml): title, paragraph.
PRECURSORS = [
    ("N-Phenethyl-4-piperidone (NPP) 99%",
     "N-Phenethyl-4-piperidone (NPP), CAS 39742-60-4, 99% purity, white crystalline powder. "
     "Stock in our warehouse, discreet packing, worldwide shipping."),
    ("4-ANPP powder, high purity",
     "4-Anilino-N-phenethylpiperidine (4-ANPP) CAS 21409-26-7, purity 98%, "
     "fast delivery to EU and USA, payment by BTC or bank transfer."),
    ("1-Boc-4-AP, factory price",
     "tert-Butyl 4-(phenylamino)piperidine-1-carboxylate (1-Boc-4-AP), CAS 125541-22-2, "
     "assay 99.5%, MOQ 100 g, safe and fast customs clearance."),
    ("4-Piperidone hydrochloride monohydrate",
     "4-Piperidone monohydrate hydrochloride CAS 40064-34-4, 99% min, in stock, "
     "sample available, contact our sales team on WhatsApp."),
    ("Norfentanyl reference material",
     "Norfentanyl CAS 1609-66-1, white powder, purity 99%, 1 kg per foil bag, "
     "door to door delivery."),
]

BENIGN = [
    ("Citric acid monohydrate, food grade",
     "Citric acid monohydrate E330, food grade, 25 kg bags, for beverages, jams and cleaning."),
    ("Ergonomic office chair",
     "Mesh back office chair with adjustable lumbar support, armrests and seat height. Black or grey."),
    ("Stainless steel kitchen scale",
     "Digital kitchen scale, 5 kg capacity, 1 g resolution, tare function, two AAA batteries included."),
    ("LED panel light 60x60",
     "Flush-mounted LED panel, 40 W, 4000 K neutral white, 3600 lumen, for offices and shops."),
    ("Sodium bicarbonate 1 kg",
     "Baking soda, sodium hydrogen carbonate, for baking, cleaning and deodorising. Resealable pouch."),
    ("Garden hose 25 m",
     "Flexible reinforced garden hose with spray nozzle and quick connectors, UV resistant."),
    ("Cardboard shipping boxes, pack of 50",
     "Double-wall corrugated boxes, 40 x 30 x 20 cm, brown kraft, for moving and mail order."),
    ("Glass beaker set",
     "Borosilicate glass beakers 50, 100, 250, 500 and 1000 ml with graduations, for school labs."),
]

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | Globex Trade Mart</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<header class="site-header">
 <a class="logo" href="/">Globex Trade Mart</a>
 <nav class="main-nav"><a href="/">Home</a> <a href="/cat/1.html">Chemicals</a> <a href="/cat/3.html">Furniture</a>
  <a href="/cat/4.html">Cleaning</a> <span class="cart">Cart (0)</span> <span class="login">Sign in</span></nav>
 <form class="search"><input type="text" name="q" placeholder="Search products"></form>
</header>
<main>
{body}
</main>
<footer class="site-footer">
 <p>About us · Shipping policy · Returns · Contact · Terms of use · Privacy</p>
 <p>Copyright 2024 Globex Trade Mart. All rights reserved.</p>
</footer>
</body></html>
"""


def product(host_idx, k, j):
    """(title, paragraph, price) of product K-J on host number host_idx (1-based)."""
    n = (host_idx * 1000 + k * PER_CATEGORY + j)
    if n % 5 == 0:
        title, text = PRECURSORS[(n // 5) % len(PRECURSORS)]
    else:
        title, text = BENIGN[n % len(BENIGN)]
    price = 5 + (n * 37) % 900
    return title, text, price


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def site(root, hosts):
    total = 0
    for h in range(1, hosts + 1):
        base = os.path.join(root, f"127.0.1.{h}")
        write(os.path.join(base, "robots.txt"), "User-agent: *\nAllow: /\n")
        cats = "\n".join(
            f'  <li><a href="/cat/{k}.html">{CATEGORY_NAMES[k - 1]}</a></li>' for k in range(1, CATEGORIES + 1)
        )
        write(os.path.join(base, "index.html"),
              PAGE.format(title="Wholesale marketplace",
                          body=f"<h1>Welcome to Globex Trade Mart</h1>\n<ul class=\"categories\">\n{cats}\n</ul>"))
        total += 1
        for k in range(1, CATEGORIES + 1):
            items = []
            for j in range(1, PER_CATEGORY + 1):
                title, _, price = product(h, k, j)
                items.append(f'  <li class="item"><a href="/p/{k}-{j}.html">{title}</a> <span class="price">${price}.00</span></li>')
            write(os.path.join(base, "cat", f"{k}.html"),
                  PAGE.format(title=CATEGORY_NAMES[k - 1],
                              body=f"<h1>{CATEGORY_NAMES[k - 1]}</h1>\n<ul class=\"products\">\n" + "\n".join(items) + "\n</ul>"))
            total += 1
            for j in range(1, PER_CATEGORY + 1):
                title, text, price = product(h, k, j)
                body = (f'<nav class="breadcrumb"><a href="/">Home</a> &gt; <a href="/cat/{k}.html">{CATEGORY_NAMES[k - 1]}</a></nav>\n'
                        f'<article class="product">\n <h1 class="title">{title}</h1>\n'
                        f' <p class="price">${price}.00 / unit</p>\n <p class="description">{text}</p>\n'
                        f' <p class="seller">Seller: Globex Trading Co., Ltd. (store {h})</p>\n'
                        f' <button>Add to cart</button>\n</article>')
                write(os.path.join(base, "p", f"{k}-{j}.html"), PAGE.format(title=title, body=body))
                total += 1
    print(total)


def nginx_conf(prefix, root, hosts, port):
    listens = "\n".join(f"        listen 127.0.1.{h}:{port};" for h in range(1, hosts + 1))
    conf = f"""worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    log_format bench '$msec $server_addr $request_uri $request_time';
    access_log {prefix}/access.log bench;
    client_body_temp_path {prefix}/tmp;
    proxy_temp_path {prefix}/tmp;
    fastcgi_temp_path {prefix}/tmp;
    uwsgi_temp_path {prefix}/tmp;
    scgi_temp_path {prefix}/tmp;
    types {{ text/html html; text/plain txt; }}
    default_type application/octet-stream;
    sendfile on;
    keepalive_requests 100000;
    keepalive_timeout 65;
    server {{
{listens}
        root {root}/$server_addr;
        index index.html;
    }}
}}
"""
    os.makedirs(os.path.join(prefix, "tmp"), exist_ok=True)
    write(os.path.join(prefix, "nginx.conf"), conf)


def log_figures(path, interval_ms):
    """Per-host request gaps, by request start at nginx ($msec - $request_time)
    and by log time ($msec)."""
    starts = defaultdict(list)
    ends = defaultdict(list)
    robots = defaultdict(int)
    requests = 0
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.split()
            if len(parts) < 4:
                continue
            msec, addr, uri, rt = float(parts[0]), parts[1], parts[2], float(parts[3])
            requests += 1
            ends[addr].append(msec)
            starts[addr].append(msec - rt)
            if uri == "/robots.txt":
                robots[addr] += 1

    def gaps(times):
        out = []
        for ts in times.values():
            ts.sort()
            out.extend(b - a for a, b in zip(ts, ts[1:]))
        return out

    g_start, g_end = gaps(starts), gaps(ends)
    limit = interval_ms / 1000.0
    rob = [robots.get(h, 0) for h in starts]
    fmt = lambda v: f"{v * 1000:.1f}" if v is not None else "-"
    print(f"requests={requests}")
    print(f"hosts={len(starts)}")
    print(f"robots_min={min(rob) if rob else 0}")
    print(f"robots_max={max(rob) if rob else 0}")
    print(f"gap_min_ms={fmt(min(g_start) if g_start else None)}")
    print(f"gap_min_log_ms={fmt(min(g_end) if g_end else None)}")
    print(f"gaps={len(g_start)}")
    # Below the interval, by request start; and by more than 5 ms (clock and
    # scheduling jitter between the crawler's claim and nginx's reading).
    print(f"gaps_below={sum(1 for g in g_start if g < limit) if interval_ms > 0 else 0}")
    print(f"gaps_below_5ms={sum(1 for g in g_start if g < limit - 0.005) if interval_ms > 0 else 0}")
    print(f"gaps_below_log={sum(1 for g in g_end if g < limit) if interval_ms > 0 else 0}")


def main(argv):
    if len(argv) >= 2 and argv[1] == "site":
        site(argv[2], int(argv[3]) if len(argv) > 3 else 64)
    elif len(argv) == 6 and argv[1] == "nginx":
        nginx_conf(argv[2], argv[3], int(argv[4]), int(argv[5]))
    elif len(argv) == 4 and argv[1] == "log":
        log_figures(argv[2], int(argv[3]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
