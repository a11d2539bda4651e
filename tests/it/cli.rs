//! The command line as other people's scripts use it.

use crate::util::*;
use std::process::{Command, Output};

/// Standard output as one JSON value per line.
fn json_lines(o: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn bad_job_files_name_file_line_and_problem() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "unknown.toml",
            "[job]\nname = \"x\"\n\n[crawl]\nconcurrency = 2\nspeed = 9\n",
            &["unknown.toml:6", "unknown field `speed`"],
        ),
        ("syntax.toml", "[job]\nname = \"x\n", &["syntax.toml:2"]),
        (
            "regex.toml",
            "[job]\nname = \"x\"\n[[site]]\nname = \"s\"\nseeds = [\"http://127.0.0.1/\"]\nlisting = '(['\n",
            &["regex.toml:6", "`listing` is not a valid regex"],
        ),
        (
            "seed.toml",
            "[job]\nname = \"x\"\n[[site]]\nname = \"s\"\nseeds = [\"ftp://h/\"]\nlisting = 'x'\n",
            &["seed.toml:5", "http or https"],
        ),
        ("nosite.toml", "[job]\nname = \"x\"\n", &["nosite.toml", "no [[site]]"]),
        (
            "type.toml",
            "[job]\nname = \"x\"\n[crawl]\nmax_pages = \"many\"\n",
            &["type.toml:4", "invalid type"],
        ),
        (
            "agent.toml",
            "[job]\nname = \"x\"\n[crawl]\nuser_agent = \"bot\\u0007\\nX-Evil: 1\"\n[[site]]\nname = \"s\"\nseeds = [\"http://127.0.0.1/\"]\nlisting = 'x'\n",
            &["agent.toml:3", "user_agent must be printable ASCII"],
        ),
        (
            "proxy.toml",
            "[job]\nname = \"x\"\n[[site]]\nname = \"s\"\nseeds = [\"http://127.0.0.1/\"]\nlisting = 'x'\nproxy = \"ftp://127.0.0.1:21\"\n",
            &["proxy.toml:7", "proxy scheme \"ftp\" is not supported"],
        ),
        (
            "require.toml",
            "[job]\nname = \"x\"\n[crawl]\nrequire_proxy = true\n[[site]]\nname = \"s\"\nseeds = [\"http://127.0.0.1/\"]\nlisting = 'x'\n",
            &["require.toml:6", "require_proxy = true"],
        ),
    ];
    for (name, text, expect) in cases {
        std::fs::write(dir.path().join(name), text).unwrap();
        let out = precwatch(&["crawl", "--config", name, "--db", "x.sqlite"], dir.path());
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        for e in *expect {
            assert!(err.contains(e), "{name}: expected {e:?} in {err}");
        }
    }
    let out = precwatch(&["crawl", "--config", "missing.toml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("missing.toml: cannot read the job file"),
        "{}",
        stderr(&out)
    );
    assert!(
        !dir.path().join("x.sqlite").exists(),
        "no database is made for a bad job"
    );
}

#[test]
fn scan_exit_codes_and_json_shape() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("hit.html"),
        "<html><head><title>Offer</title><script>fentanyl</script></head><body><h1>1-Boc-4-piperidone</h1><p>100% safe delivery to Mexico</p></body></html>",
    )
    .unwrap();
    std::fs::write(dir.path().join("clean.txt"), "Sodium chloride, food grade").unwrap();
    let rules = fixture("test_rules.toml");
    let rules = rules.to_str().unwrap();
    let out = precwatch(
        &[
            "scan",
            "--no-bundled",
            "--rules",
            rules,
            "--format",
            "json",
            "hit.html",
            "clean.txt",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["source"], "hit.html");
    assert_eq!(lines[0]["risk"], "high");
    let hit = &lines[0]["hits"][0];
    for key in ["rule", "category", "cas", "matched", "start", "end", "context"] {
        assert!(hit.get(key).is_some(), "missing {key} in {hit}");
    }
    assert_eq!(hit["rule"], "t.boc");
    assert_eq!(hit["cas"], "79099-07-3");
    assert_eq!(hit["matched"], "1-Boc-4-piperidone");
    assert_eq!(lines[1]["risk"], "none");
    assert_eq!(lines[1]["hits"].as_array().unwrap().len(), 0);

    let out = precwatch(&["scan", "--no-bundled", "--rules", rules, "clean.txt"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let out = precwatch(&["scan", "--no-bundled", "--rules", rules, "nope.txt"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nope.txt"), "{}", stderr(&out));
    // stdin
    let mut child = Command::new(env!("CARGO_BIN_EXE_precwatch"))
        .args(["scan", "--no-bundled", "--rules", rules, "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"N-phenethyl-4-piperidone \x1b[31mred")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("t.npp") && text.contains("[N-phenethyl-4-piperidone]"),
        "{text}"
    );
    assert!(
        !text.contains('\x1b'),
        "terminal escapes from the input are neutralised: {text:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn export_jsonl_and_csv() {
    let server = serve(|p, _| {
        if p == "/p/3.html" {
            return Some(Resp::html(
                "<h1>=HYPERLINK(\"http://evil\",\"x\") 1-Boc-4-piperidone</h1>\
                 <aside>Hot: <a href='/p/1.html'>N-Phenethyl-4-piperidone</a></aside>",
            ));
        }
        shop_page(p)
    })
    .await;
    let Crawled { dir, db, .. } = crawl_site(&server.base, r"^/p/\d+\.html$", "").await;
    let dbs = db.to_str().unwrap();
    let out = precwatch(&["export", "--db", dbs, "--format", "jsonl"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 5);
    for l in &lines {
        for key in [
            "url",
            "site",
            "title",
            "risk",
            "score",
            "hits",
            "first_seen",
            "last_seen",
            "state",
            "sha256",
            "fetched_at",
            "evidence",
            "parts",
            "chrome",
        ] {
            assert!(l.get(key).is_some(), "missing {key} in {l}");
        }
        assert_eq!(l["state"], "new");
        for h in l["hits"].as_array().unwrap() {
            assert!(h["part"].is_string(), "every hit names its part: {h}");
        }
        assert_eq!(l["sha256"].as_str().unwrap().len(), 64);
    }
    assert_eq!(lines[0]["risk"], "high", "riskiest first");
    assert_eq!(lines[0]["hits"][0]["part"], "title", "{}", lines[0]);
    // A sidebar naming another substance is chrome the investigator can
    // inspect; it does not count.
    let boc = lines
        .iter()
        .find(|l| l["url"].as_str().unwrap().ends_with("/p/3.html"))
        .unwrap();
    assert!(
        boc["chrome"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["text"] == "Hot: N-Phenethyl-4-piperidone" && c["why"] == "semantic"),
        "{}",
        boc["chrome"]
    );
    assert!(
        boc["hits"].as_array().unwrap().iter().all(|h| h["rule"] != "t.npp"),
        "{boc}"
    );
    let out = precwatch(
        &[
            "export",
            "--db",
            dbs,
            "--format",
            "jsonl",
            "--min-risk",
            "medium",
            "--out",
            "flagged.jsonl",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0));
    let flagged = std::fs::read_to_string(dir.path().join("flagged.jsonl")).unwrap();
    assert_eq!(flagged.lines().count(), 3);
    let out = precwatch(
        &["export", "--db", dbs, "--format", "csv", "--out", "all.csv"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0));
    let csv = std::fs::read_to_string(dir.path().join("all.csv")).unwrap();
    // UTF-8 with a byte order mark, so Excel reads Chinese text correctly
    assert!(csv.starts_with("\u{feff}url,site,title,risk,score,state,"), "{csv}");
    assert!(csv.contains("'=HYPERLINK"), "formula neutralised: {csv}");
    assert!(!csv.contains(",=HYPERLINK") && !csv.contains(",\"=HYPERLINK"), "{csv}");
    let out = precwatch(&["export", "--db", "absent.sqlite", "--format", "csv"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("absent.sqlite: no such database"));
    let out = precwatch(
        &["export", "--db", dbs, "--format", "csv", "--min-risk", "severe"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
}
