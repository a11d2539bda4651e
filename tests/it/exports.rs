//! The evidence exports end to end: a small site with hostile listings is
//! crawled into a real SQLite file, then exported by the binary as WARC
//! (checked with the real `warcio`), GraphML (parsed with Python's
//! `xml.etree`), an HTML report (nothing crawled may become markup) and CSV
//! (BOM, formula neutralised, manifest hash).
//!
//! The Python checks need `python3` (and `warcio` for WARC). Without them a
//! test prints a skip line, unless `PRECWATCH_REQUIRE_TOOLS=1`, where it fails.

use crate::util::*;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::io::Write as _;
use std::path::Path;

/// A listing offering NPP, with markup in its title and text that must only
/// ever be shown escaped (entities here, so the crawled text holds the markup).
const HOSTILE_TITLE: &str = "&lt;script&gt;alert(1)&lt;/script&gt; N-Phenethyl-4-piperidone";
const CHINESE_TITLE: &str = "=N-苯乙基-4-哌啶酮 现货 +86";

fn body(path: &str) -> Option<String> {
    Some(match path {
        "/" => "<html><body><a href='/p/1'>1</a><a href='/p/2'>2</a><a href='/p/3'>3</a></body></html>".into(),
        "/p/1" => format!(
            "<html><head><title>{HOSTILE_TITLE}</title></head><body><h1>{HOSTILE_TITLE}</h1>\
             <p>CAS 39742-60-4, 100% safe delivery to Mexico. Telegram: @chem_sup \
             &lt;img src=x onerror=alert(1)&gt; see javascript:alert(1)</p>\
             <p><a href=\"javascript:alert(1)\">order</a><img src=x onerror=alert(1)>\
             <script>alert(1)</script></p></body></html>"
        ),
        "/p/2" => "<html><head><title>1-Boc-4-piperidone</title></head><body><h1>1-Boc-4-piperidone</h1>\
                   <p>In stock, CAS 79099-07-3. Telegram: @chem_sup</p></body></html>"
            .into(),
        "/p/3" => format!(
            "<html><head><title>{CHINESE_TITLE}</title></head><body><h1>{CHINESE_TITLE}</h1>\
             <p>N-苯乙基-4-哌啶酮 99%</p></body></html>"
        ),
        _ => return None,
    })
}

/// `/p/2` is sent gzip-compressed: the archive must hold the decoded body.
fn serve_site(path: &str, _: usize) -> Option<Resp> {
    let b = body(path)?;
    if path == "/p/2" {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(b.as_bytes()).unwrap();
        return Some(Resp::bytes("text/html; charset=utf-8", gz.finish().unwrap()).header("content-encoding", "gzip"));
    }
    Some(Resp::html(b))
}

async fn crawled() -> (TestServer, Crawled) {
    let server = serve(serve_site).await;
    let c = crawl_site(&server.base, "^/p/", "").await;
    assert_eq!(query_i64(&c.db, "SELECT COUNT(*) FROM listings"), 3);
    (server, c)
}

/// Exports `format` into `dir/name`; returns the file's bytes.
fn export(c: &Crawled, format: &str, name: &str) -> Vec<u8> {
    let db = c.db.to_str().unwrap();
    let out = c.dir.path().join(name);
    let o = precwatch(
        &["export", "--db", db, "--format", format, "--out", out.to_str().unwrap()],
        c.dir.path(),
    );
    assert!(
        o.status.success(),
        "export {format}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    std::fs::read(out).unwrap()
}

/// Whether `python3` can import `module`; without it, a skip line (or a
/// failure under `PRECWATCH_REQUIRE_TOOLS=1`).
fn python_has(module: &str, test: &str) -> bool {
    let ok = std::process::Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("PRECWATCH_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "{test}: python3 with {module} is required (PRECWATCH_REQUIRE_TOOLS=1)"
        );
        // straight to stderr: the test harness captures eprintln! of a passing test
        let _ = writeln!(std::io::stderr(), "SKIP {test}: python3 cannot import {module}");
    }
    ok
}

fn python(args: &[&str], dir: &Path) -> std::process::Output {
    std::process::Command::new("python3")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

const READ_WARC: &str = r#"
import json, sys
from warcio.archiveiterator import ArchiveIterator
out = []
with open(sys.argv[1], 'rb') as f:
    for r in ArchiveIterator(f):
        h = r.rec_headers.get_header
        rec = {'type': r.rec_type, 'uri': h('WARC-Target-URI'), 'id': h('WARC-Record-ID'),
               'concurrent': h('WARC-Concurrent-To'), 'refers': h('WARC-Refers-To')}
        if r.rec_type == 'response':
            rec['status'] = r.http_headers.get_statuscode()
            rec['encoding'] = r.http_headers.get_header('Content-Encoding')
        if r.rec_type == 'request':
            rec['line'] = r.http_headers.protocol + ' ' + r.http_headers.statusline
            rec['host'] = r.http_headers.get_header('Host')
        rec['payload'] = r.content_stream().read().decode('utf-8')
        out.append(rec)
print(json.dumps(out))
"#;

#[tokio::test(flavor = "multi_thread")]
async fn warc_export_passes_warcio_check_and_holds_the_served_bodies() {
    if !python_has("warcio", "warc_export_passes_warcio_check_and_holds_the_served_bodies") {
        return;
    }
    let (server, c) = crawled().await;
    export(&c, "warc", "out.warc");
    // warcio 1.8 has no `__main__`: `warcio.cli` is what the `warcio` script runs.
    let check = python(&["-m", "warcio.cli", "check", "-v", "out.warc"], c.dir.path());
    let report = String::from_utf8_lossy(&check.stdout);
    assert!(
        check.status.success(),
        "warcio check: {report}{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert_eq!(report.matches("digest pass").count(), 3 * 3, "{report}");
    let read = python(&["-c", READ_WARC, "out.warc"], c.dir.path());
    assert!(read.status.success(), "{}", String::from_utf8_lossy(&read.stderr));
    let records: Vec<Value> = serde_json::from_slice(&read.stdout).unwrap();
    let types: Vec<&str> = records.iter().map(|r| r["type"].as_str().unwrap()).collect();
    let mut expected = vec!["warcinfo"];
    for _ in 0..3 {
        expected.extend(["response", "request", "metadata"]);
    }
    assert_eq!(types, expected);
    for triple in records[1..].chunks(3) {
        let (resp, req, meta) = (&triple[0], &triple[1], &triple[2]);
        let uri = resp["uri"].as_str().unwrap();
        let path = uri.strip_prefix(&server.base).expect("target URI on the test server");
        assert_eq!(resp["status"], "200");
        assert_eq!(resp["encoding"], Value::Null, "{uri}: the stored body is decoded");
        assert_eq!(resp["payload"].as_str().unwrap(), body(path).unwrap(), "{uri}");
        assert_eq!((&req["uri"], &req["concurrent"]), (&resp["uri"], &resp["id"]));
        assert_eq!(req["line"].as_str().unwrap(), format!("GET {path} HTTP/1.1"));
        assert_eq!(
            req["host"].as_str().unwrap(),
            server.base.strip_prefix("http://").unwrap()
        );
        assert_eq!((&meta["uri"], &meta["refers"]), (&resp["uri"], &resp["id"]));
        let m: Value = serde_json::from_str(meta["payload"].as_str().unwrap()).unwrap();
        assert!(m["listings"][0]["url"].as_str().unwrap().ends_with(path));
    }
    let meta_p1: Value = records
        .iter()
        .filter(|r| r["type"] == "metadata" && r["uri"].as_str().unwrap().ends_with("/p/1"))
        .map(|r| serde_json::from_str(r["payload"].as_str().unwrap()).unwrap())
        .next()
        .unwrap();
    let l = &meta_p1["listings"][0];
    assert_eq!(l["risk"], "high");
    let rules: Vec<&str> = l["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"t.npp") && rules.contains(&"t.mexico"), "{rules:?}");
}

const READ_GRAPHML: &str = r#"
import json, sys, xml.etree.ElementTree as ET
ns = {'g': 'http://graphml.graphdrawing.org/xmlns'}
root = ET.parse(sys.argv[1]).getroot()
keys = {k.get('id'): k.get('attr.type') for k in root.findall('g:key', ns)}
nodes = {}
for n in root.findall('g:graph/g:node', ns):
    nodes[n.get('id')] = {d.get('key'): d.text for d in n.findall('g:data', ns)}
edges = [[e.get('source'), e.get('target'), e.find('g:data', ns).text] for e in root.findall('g:graph/g:edge', ns)]
print(json.dumps({'keys': keys, 'nodes': nodes, 'edges': edges}))
"#;

#[tokio::test(flavor = "multi_thread")]
async fn graphml_export_parses_with_the_expected_graph() {
    if !python_has("xml.etree.ElementTree", "graphml_export_parses_with_the_expected_graph") {
        return;
    }
    let (_server, c) = crawled().await;
    export(&c, "graphml", "out.graphml");
    let read = python(&["-c", READ_GRAPHML, "out.graphml"], c.dir.path());
    assert!(read.status.success(), "{}", String::from_utf8_lossy(&read.stderr));
    let g: Value = serde_json::from_slice(&read.stdout).unwrap();
    assert_eq!(g["keys"]["score"], "double");
    let nodes = g["nodes"].as_object().unwrap();
    let of_type = |t: &str| nodes.values().filter(|n| n["type"] == t).count();
    // three listings, one Telegram handle shared by two of them, their cluster
    assert_eq!(
        (of_type("listing"), of_type("identifier"), of_type("cluster")),
        (3, 1, 1),
        "{g}"
    );
    let edges = g["edges"].as_array().unwrap();
    let of_rel = |r: &str| edges.iter().filter(|e| e[2] == r).count();
    assert_eq!((of_rel("shows"), of_rel("member_of")), (2, 2), "{g}");
    let ident = nodes.values().find(|n| n["type"] == "identifier").unwrap();
    assert_eq!(ident["kind"], "telegram");
    let hostile = nodes
        .values()
        .find(|n| n["title"].as_str().is_some_and(|t| t.contains("<script>")))
        .unwrap();
    assert_eq!(hostile["risk"], "high");
}

#[tokio::test(flavor = "multi_thread")]
async fn html_report_shows_crawled_markup_only_as_text() {
    let (_server, c) = crawled().await;
    let html = String::from_utf8(export(&c, "html", "out.html")).unwrap();
    assert!(html.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
    ));
    let lower = html.to_lowercase();
    assert!(!lower.contains("<script"), "a script tag in the report");
    assert!(!lower.contains("<img"), "an img tag in the report");
    assert!(!lower.contains("href=\"javascript:"), "a javascript: link");
    for tag in lower.split('<').skip(1).map(|t| t.split('>').next().unwrap()) {
        assert!(!tag.contains("onerror="), "an event handler inside a tag: <{tag}>");
    }
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the title, escaped"
    );
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"), "the text, escaped");
    assert!(html.contains("javascript:alert(1)"), "shown as text");
    assert!(
        html.contains("<mark class=\"hit substance\""),
        "the substance is marked"
    );
    assert!(html.contains("<mark class=\"hit tactic\""), "the tactic is marked");
    assert!(html.contains(">safe delivery to Mexico</mark>") || html.contains(">100% safe delivery to Mexico</mark>"));
    assert!(html.contains("rel=\"noopener noreferrer nofollow\""));
    assert!(html.contains("<h2>Run provenance</h2>") && html.contains("<td>finished</td>"));
    assert!(html.contains("id=\"cluster-"), "the shared handle makes a cluster");
}

#[tokio::test(flavor = "multi_thread")]
async fn csv_export_has_a_bom_neutralised_formulas_and_a_true_manifest() {
    let (_server, c) = crawled().await;
    let bytes = export(&c, "csv", "out.csv");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM");
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    let titles: Vec<String> = r.records().map(|rec| rec.unwrap()[2].to_string()).collect();
    assert!(titles.contains(&format!("'{CHINESE_TITLE}")), "{titles:?}");
    assert!(!titles.iter().any(|t| t.starts_with('=')), "{titles:?}");
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(c.dir.path().join("out.csv.manifest.json")).unwrap()).unwrap();
    let file = &manifest["files"][0];
    assert_eq!(file["path"], "out.csv");
    assert_eq!(file["sha256"], hex::encode(Sha256::digest(&bytes)));
    assert_eq!(file["bytes"], bytes.len() as u64);
    assert_eq!(
        (manifest["format"].as_str(), manifest["listings"].as_u64()),
        (Some("csv"), Some(3))
    );
}
