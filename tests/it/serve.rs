//! `precwatch serve`, the review web UI: the real binary on 127.0.0.1 over a
//! database crawled from a real test site. HTTP-level tests with reqwest
//! (filters, paging, review with and without CSRF, token, headers), then
//! real headless Chromium over WebDriver (triage with the mouse and the
//! keyboard; hostile listing text that must stay text).

use crate::util::*;
use crate::webdriver::{self, Browser};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Listings on the site besides the three special ones (so there are two pages).
const FILLERS: usize = 60;

/// The hostile listing's title: markup that must be shown, never run.
const XSS_TITLE: &str = "<script>window.__pwned=1</script> NPP sale";
/// Payloads in the hostile listing's description (as visible text).
const XSS_BODY: &[&str] = &[
    "<img src=x onerror=\"window.__pwned=1\">",
    "javascript:window.__pwned=1",
    "\"><svg onload=window.__pwned=1>",
];

fn html_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The test site: two piperidone listings sharing a seller, a hostile one, and fillers.
fn site(p: &str, _: usize) -> Option<Resp> {
    let page = |title: &str, body: &str| {
        Resp::html(format!(
            "<html><head><title>{}</title></head><body><h1>{}</h1><p>{body}</p></body></html>",
            html_text(title),
            html_text(title)
        ))
    };
    Some(match p {
        "/" => Resp::html(
            ["/p/1", "/p/2", "/p/3"]
                .iter()
                .map(|s| s.to_string())
                .chain((1..=FILLERS).map(|i| format!("/p/f{i}")))
                .map(|s| format!("<a href='{s}'>x</a>"))
                .collect::<String>(),
        ),
        "/p/1" => page(
            "N-Phenethyl-4-piperidone 99%",
            "CAS 39742-60-4, purity 99%. 100% safe delivery to Mexico. Telegram: @chem_sup",
        ),
        "/p/2" => page(
            "1-Boc-4-piperidone powder",
            "CAS 79099-07-3 in stock. Telegram: @chem_sup",
        ),
        "/p/3" => Resp::html(format!(
            "<html><head><title>{t}</title></head><body><h1>{t}</h1>\
             <p>N-Phenethyl-4-piperidone {} see {} and {} 100% safe delivery to Mexico</p>\
             <script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=1\">\
             <a href=\"javascript:window.__pwned=1\">javascript link</a></body></html>",
            html_text(XSS_BODY[0]),
            html_text(XSS_BODY[1]),
            html_text(XSS_BODY[2]),
            t = html_text(XSS_TITLE),
        )),
        _ => {
            let i: usize = p.strip_prefix("/p/f")?.parse().ok()?;
            page(
                &format!("Citric acid lot {i}"),
                "Anhydrous. 100% safe delivery to Mexico",
            )
        }
    })
}

/// A crawled database of the test site.
async fn seeded() -> Crawled {
    let server = serve(site).await;
    crawl_site(&server.base, "^/p/", "").await
}

/// The id of the listing whose URL ends with `path`.
fn id_of(db: &Path, path: &str) -> i64 {
    query_i64(
        db,
        &format!("SELECT id FROM listings WHERE canonical_url LIKE '%{path}'"),
    )
}

/// A running `precwatch serve`, killed on drop.
pub(crate) struct Served {
    child: Child,
    pub(crate) base: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `precwatch serve --db DB --addr 127.0.0.1:0 --by tester ARGS` and
/// reads the address it prints.
pub(crate) fn start(db: &Path, args: &[&str]) -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_precwatch"))
        .args(["serve", "--addr", "127.0.0.1:0", "--by", "tester", "--db"])
        .arg(db)
        .args(args)
        .env_remove("PRECWATCH_TOKEN")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix("serving http://") {
                let _ = tx.send(rest.split('/').next().unwrap_or("").to_string());
            }
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("serve prints its address");
    Served {
        child,
        base: format!("http://{addr}"),
    }
}

pub(crate) fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap()
}

pub(crate) async fn get(c: &reqwest::Client, url: &str) -> (u16, String) {
    let r = c.get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// The CSRF token in a page's review form.
fn csrf_of(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a review form") + 19;
    page[at..at + page[at..].find('"').unwrap()].to_string()
}

/// The review history of a listing as the CLI reports it: (new status, by, note).
fn history(dir: &Path, db: &Path, id: i64) -> Vec<(String, String, String)> {
    let out = precwatch(
        &[
            "review",
            "--db",
            db.to_str().unwrap(),
            &id.to_string(),
            "--format",
            "json",
        ],
        dir,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap_or("").to_string();
            (s("new_status"), s("by"), s("note"))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_lists_with_filters_pages_and_exports() {
    let c = seeded().await;
    let total = 3 + FILLERS;
    let ui = start(&c.db, &[]);
    let http = client();
    let r = http.get(format!("{}/", ui.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let h = r.headers();
    assert_eq!(
        h["content-security-policy"],
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "no-referrer");
    let page1 = r.text().await.unwrap();
    assert!(page1.contains(&format!("listings 1–50 of {total}")), "{page1}");
    assert_eq!(page1.matches("<tr class=\"row\">").count(), 50);
    assert!(!page1.contains("<script>window"), "crawled markup escaped");
    let (s, page2) = get(&http, &format!("{}/?page=2", ui.base)).await;
    assert_eq!(s, 200);
    assert!(page2.contains(&format!("listings 51–{total} of {total}")), "{page2}");
    assert_eq!(page2.matches("<tr class=\"row\">").count(), total - 50);

    let (_, high) = get(&http, &format!("{}/?risk=high", ui.base)).await;
    assert!(high.contains("listings 1–2 of 2"), "{high}");
    assert!(high.contains("N-Phenethyl-4-piperidone 99%") && !high.contains("Citric acid"));
    assert!(high.contains("&lt;script&gt;window.__pwned=1&lt;/script&gt; NPP sale"));
    let (_, search) = get(&http, &format!("{}/?q=piperidone&site=shop", ui.base)).await;
    assert!(search.contains("listings 1–3 of 3"), "{search}");
    assert!(search.contains("1-Boc-4-piperidone powder"));
    let (_, none) = get(&http, &format!("{}/?status=confirmed", ui.base)).await;
    assert!(
        none.contains("0 listings") && none.contains("No listing matches"),
        "{none}"
    );

    for (bad, says) in [
        ("/?risk=extreme", "risk=&quot;extreme&quot;"),
        ("/?since=yesterday", "since="),
        ("/?page=0", "page="),
        ("/listing/abc", "not a listing id"),
    ] {
        let (s, body) = get(&http, &format!("{}{bad}", ui.base)).await;
        assert_eq!(s, 400, "{bad}");
        assert!(body.contains(says), "{bad}: {body}");
    }
    assert_eq!(get(&http, &format!("{}/listing/999999", ui.base)).await.0, 404);

    let r = http
        .get(format!("{}/export?format=csv&risk=high", ui.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-disposition"],
        "attachment; filename=\"precwatch-listings.csv\""
    );
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = r.text().await.unwrap();
    assert_eq!(csv.lines().count(), 3, "header and the two high listings: {csv}");
    let (s, _) = get(&http, &format!("{}/export?format=pdf", ui.base)).await;
    assert_eq!(s, 400);

    let (s, clusters) = get(&http, &format!("{}/clusters", ui.base)).await;
    assert_eq!(s, 200);
    assert!(
        clusters.contains("chem_sup") && clusters.contains("1-Boc-4-piperidone powder"),
        "{clusters}"
    );
    // The detail page names the listing's cluster (found from the listing alone) and links to it.
    let p1 = id_of(&c.db, "/p/1");
    let (s, detail) = get(&http, &format!("{}/listing/{p1}", ui.base)).await;
    assert_eq!(s, 200);
    let cluster = detail
        .split("href=\"/clusters?id=")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no cluster link: {detail}"))
        .to_string();
    let (s, one) = get(&http, &format!("{}/clusters?id={cluster}", ui.base)).await;
    assert_eq!(s, 200);
    assert!(one.contains("chem_sup") && one.contains("All seller clusters"), "{one}");
    assert_eq!(get(&http, &format!("{}/clusters?id=999999", ui.base)).await.0, 404);
    assert_eq!(get(&http, &format!("{}/clusters?page=0", ui.base)).await.0, 400);
    let (s, page2) = get(&http, &format!("{}/clusters?page=2", ui.base)).await;
    assert_eq!(s, 200);
    assert!(!page2.contains("chem_sup"), "one page of clusters: {page2}");
    // The WARC download is streamed: still a whole WARC file.
    let r = http
        .get(format!("{}/export?format=warc&status=all", ui.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let warc = r.bytes().await.unwrap();
    assert!(warc.starts_with(b"WARC/1.1\r\n") && warc.ends_with(b"\r\n\r\n"));
    let r = http.get(format!("{}/static/app.js", ui.base)).send().await.unwrap();
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    assert!(r.headers().contains_key("content-security-policy"));
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_review_needs_csrf_and_goes_to_the_next_listing() {
    let c = seeded().await;
    let ui = start(&c.db, &[]);
    let http = client();
    let (a, b) = (id_of(&c.db, "/p/1"), id_of(&c.db, "/p/2"));
    let (_, page) = get(&http, &format!("{}/listing/{a}?q=piperidone", ui.base)).await;
    assert!(
        page.contains("<h1 id=\"title\">N-Phenethyl-4-piperidone 99%</h1>"),
        "{page}"
    );
    assert!(page.contains("<mark class=\"hit"), "hits highlighted");
    assert!(page.contains("rel=\"noopener noreferrer nofollow\""));
    assert!(page.contains("value=\"tester\""), "reviewer prefilled");
    let csrf = csrf_of(&page);
    let post = |body: String, origin: Option<String>| {
        let mut r = http
            .post(format!("{}/listing/{a}/review?q=piperidone", ui.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some(o) = origin {
            let (origin, site) = o.split_once(' ').unwrap_or((&o, ""));
            r = r.header("origin", origin);
            if !site.is_empty() {
                r = r.header("sec-fetch-site", site);
            }
        }
        r.send()
    };
    let r = post("status=confirmed&by=mallory".into(), None).await.unwrap();
    assert_eq!(r.status(), 403, "no CSRF token");
    let r = post("status=confirmed&by=mallory&csrf=0000".into(), None)
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "wrong CSRF token");
    let r = post(
        format!("status=confirmed&by=mallory&csrf={csrf}"),
        Some("http://evil.example".into()),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 403, "foreign Origin");
    for origin in ["null", "null cross-site", &format!("{} cross-site", ui.base)] {
        let r = post(
            format!("status=confirmed&by=mallory&csrf={csrf}"),
            Some(origin.to_string()),
        )
        .await
        .unwrap();
        assert_eq!(r.status(), 403, "{origin}");
    }
    assert!(history(c.dir.path(), &c.db, a).is_empty(), "nothing recorded");
    let r = post(format!("status=maybe&by=alice&csrf={csrf}"), None).await.unwrap();
    assert_eq!(r.status(), 400, "unknown status");
    assert!(r.text().await.unwrap().contains("status &quot;maybe&quot;"));
    let r = post(format!("status=confirmed&by=+&csrf={csrf}"), None).await.unwrap();
    assert_eq!(r.status(), 400, "empty reviewer name");

    let own = "null same-origin".to_string();
    let body = format!("status=confirmed&by=alice&note=seen+%3Cb%3Eit%3C%2Fb%3E&csrf={csrf}");
    let r = post(body, Some(own)).await.unwrap();
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(
        to.starts_with("/listing/") && to.ends_with(&format!("?q=piperidone&reviewed={a}")),
        "{to}"
    );
    assert!(
        !to.starts_with(&format!("/listing/{a}?")),
        "went on to the next listing: {to}"
    );
    let (_, next) = get(&http, &format!("{}{to}", ui.base)).await;
    assert!(next.contains(&format!("Listing {a} marked")), "{next}");
    assert_eq!(
        history(c.dir.path(), &c.db, a),
        vec![("confirmed".into(), "alice".into(), "seen <b>it</b>".into())]
    );
    let (_, page) = get(&http, &format!("{}/listing/{a}", ui.base)).await;
    assert!(
        page.contains("seen &lt;b&gt;it&lt;/b&gt;") && page.contains("status-confirmed"),
        "{page}"
    );

    // The only listing of its filter: back to itself; a false positive leaves the default list.
    let r = http
        .post(format!("{}/listing/{b}/review?q=Boc", ui.base))
        .body(format!("status=false_positive&by=alice&csrf={csrf}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"],
        format!("/listing/{b}?q=Boc&reviewed={b}").as_str()
    );
    let (_, list) = get(&http, &format!("{}/?q=piperidone", ui.base)).await;
    assert!(
        list.contains("of 2") && !list.contains("1-Boc-4-piperidone powder"),
        "{list}"
    );
    let (_, all) = get(&http, &format!("{}/?q=piperidone&status=all", ui.base)).await;
    assert!(
        all.contains("of 3") && all.contains("1-Boc-4-piperidone powder"),
        "{all}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_guards_access_with_token_and_host() {
    let c = seeded().await;
    // Off loopback without a token: refused, naming --token.
    let out = Command::new(env!("CARGO_BIN_EXE_precwatch"))
        .args(["serve", "--addr", "0.0.0.0:0", "--db"])
        .arg(&c.db)
        .env_remove("PRECWATCH_TOKEN")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--token") && err.contains("not loopback"), "{err}");

    let ui = start(&c.db, &["--token", "s3cret"]);
    let http = client();
    let r = http.get(format!("{}/", ui.base)).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert!(
        r.headers().contains_key("content-security-policy"),
        "headers on refusals too"
    );
    assert_eq!(get(&http, &format!("{}/static/app.css", ui.base)).await.0, 401);
    assert_eq!(get(&http, &format!("{}/?token=wrong", ui.base)).await.0, 401);
    let r = http
        .get(format!("{}/", ui.base))
        .bearer_auth("wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = http
        .get(format!("{}/", ui.base))
        .bearer_auth("s3cret")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = http.get(format!("{}/?token=s3cret", ui.base)).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("s3cret"),
        "the cookie holds no token in clear: {cookie}"
    );
    let pair = cookie.split(';').next().unwrap().to_string();
    let r = http
        .get(format!("{}/clusters", ui.base))
        .header("cookie", pair)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // DNS rebinding: a page served under another name reaches loopback with its own Host.
    let r = http
        .get(format!("{}/", ui.base))
        .bearer_auth("s3cret")
        .header("host", "rebind.example")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 421);
}

/// Triage in a real browser: filter, open a listing, confirm it with the
/// button, escalate with the keyboard, page with `j`, search with `/`; the
/// database records what the page shows. With PRECWATCH_SCREENSHOTS=1, the
/// list and a detail page of the demo data are saved to docs/.
#[tokio::test(flavor = "multi_thread")]
async fn browser_triage_with_mouse_and_keyboard() {
    if !webdriver::available("browser_triage_with_mouse_and_keyboard") {
        return;
    }
    let c = seeded().await;
    let ui = start(&c.db, &[]);
    let br = Browser::start().await;
    br.goto(&format!("{}/", ui.base)).await;
    assert_eq!(br.text_of("#count").await, format!("listings 1–50 of {}", 3 + FILLERS));

    // `j` pages on the list; `/` focuses the search.
    br.press("j").await;
    br.wait_url(|u| u.contains("page=2")).await;
    br.press("/").await;
    assert_eq!(br.execute("return document.activeElement.id").await, "q");

    // Filter with the form: high risk, searching "Phenethyl".
    br.goto(&format!("{}/", ui.base)).await;
    br.click(&br.find("select[name=risk] option[value=high]").await).await;
    br.send_keys(&br.find("#q").await, "Phenethyl\u{E007}").await;
    br.wait_url(|u| u.contains("risk=high") && u.contains("q=Phenethyl"))
        .await;
    let rows = br.find_all("tr.row").await;
    assert_eq!(rows.len(), 2, "the NPP listing and the hostile one");

    let a = id_of(&c.db, "/p/1");
    let link = br.find(&format!("a[href^=\"/listing/{a}?\"]")).await;
    br.click(&link).await;
    br.wait_url(|u| u.contains(&format!("/listing/{a}?"))).await;
    assert_eq!(br.text_of("#title").await, "N-Phenethyl-4-piperidone 99%");
    assert_eq!(br.text_of("#status").await, "new");
    assert!(br.text_of("#content mark.hit").await.len() > 2, "a hit highlighted");

    br.click(&br.find("#btn-confirmed").await).await;
    br.wait_url(|u| u.contains(&format!("reviewed={a}"))).await;
    assert!(br
        .text_of("#notice")
        .await
        .contains(&format!("Listing {a} marked confirmed")));
    br.goto(&format!("{}/listing/{a}?risk=high&q=Phenethyl", ui.base)).await;
    assert_eq!(br.text_of("#status").await, "confirmed");
    assert!(br.text_of("#history").await.contains("tester"));

    // `e` escalates, from the keyboard.
    br.press("e").await;
    br.wait_url(|u| u.contains(&format!("reviewed={a}"))).await;
    let got: Vec<(String, String)> = history(c.dir.path(), &c.db, a)
        .into_iter()
        .map(|(s, by, _)| (s, by))
        .collect();
    assert_eq!(
        got,
        vec![
            ("confirmed".into(), "tester".into()),
            ("escalated".into(), "tester".into())
        ]
    );
    if std::env::var("PRECWATCH_SCREENSHOTS").as_deref() == Ok("1") {
        screenshots(&br).await;
    }
}

/// Script payloads in a listing's title and text are shown as text and run nothing.
#[tokio::test(flavor = "multi_thread")]
async fn browser_shows_hostile_listing_text_without_running_it() {
    if !webdriver::available("browser_shows_hostile_listing_text_without_running_it") {
        return;
    }
    let c = seeded().await;
    let ui = start(&c.db, &[]);
    let br = Browser::start().await;
    let x = id_of(&c.db, "/p/3");
    br.goto(&format!("{}/?q=pwned", ui.base)).await;
    assert!(br.text_of("td.title a").await.contains(XSS_TITLE));
    br.goto(&format!("{}/listing/{x}", ui.base)).await;
    assert_eq!(br.text_of("#title").await, XSS_TITLE);
    let content = br.text_of("#content").await;
    for p in XSS_BODY {
        assert!(content.contains(p), "{p:?} shown as text in {content:?}");
    }
    br.click(&br.find("details summary").await).await;
    let text = br.text_of("#page-text").await;
    assert!(text.contains(XSS_BODY[0]) && text.contains(XSS_TITLE), "{text}");
    let clean = br
        .execute(
            "return window.__pwned === undefined \
             && document.querySelectorAll('main script, main img, main svg, main iframe').length === 0 \
             && document.querySelectorAll('a[href^=\"javascript\"]').length === 0",
        )
        .await;
    assert_eq!(clean, true, "a payload ran or became markup");
    assert_eq!(br.alert_text().await, None, "no alert open");
    // The shortcuts still work on this page: `c` confirms it.
    br.press("c").await;
    br.wait_url(|u| u.contains(&format!("reviewed={x}"))).await;
    assert_eq!(history(c.dir.path(), &c.db, x)[0].0, "confirmed");
    assert_eq!(br.execute("return window.__pwned === undefined").await, true);
}

/// Saves docs/ui-list.png and docs/ui-detail.png from the demo marketplace's data.
async fn screenshots(br: &Browser) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    let out = precwatch(&["demo", "--db", db.to_str().unwrap()], dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let ui = start(&db, &[]);
    let docs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs");
    br.goto(&format!("{}/", ui.base)).await;
    br.screenshot(&docs.join("ui-list.png")).await;
    let first = br.find("td.title a").await;
    br.click(&first).await;
    br.wait_url(|u| u.contains("/listing/")).await;
    br.screenshot(&docs.join("ui-detail.png")).await;
}
