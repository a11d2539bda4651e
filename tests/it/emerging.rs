//! Emerging substances end to end: a marketplace offers a chemical no pack
//! lists (a valid CAS number) and a name sold as a substitute, with strong
//! tactics, next to a watched substance, and once innocently; a crawl with
//! the bundled packs keeps them as unlisted hits; `precwatch emerging` ranks
//! them by seller clusters and listings, and its rule-pack skeleton loads and
//! flags the chemical.

use crate::util::*;
use serde_json::Value;
use std::path::Path;

/// A valid CAS number in no bundled pack.
const NEW_CAS: &str = "87120-72-7";
/// Another, seen once with a strong tactic.
const OTHER_CAS: &str = "5337-93-9";

fn page(title: &str, body: &str) -> Resp {
    Resp::html(format!(
        "<html><head><title>{title}</title></head><body><h1>{title}</h1><p>{body}</p></body></html>"
    ))
}

fn market(p: &str, _: usize) -> Option<Resp> {
    let body = match p {
        "/" => {
            return Some(Resp::html(
                (1..=6).map(|i| format!("<a href='/p/{i}'>{i}</a>")).collect::<String>(),
            ))
        }
        // one seller (one Telegram handle), two listings, strong tactics
        "/p/1" => format!("Intermediate CAS {NEW_CAS}, 99% purity. Safe delivery to Mexico. Telegram: @lead_seller"),
        "/p/2" => format!("CAS No. {NEW_CAS} white powder, MOQ 1 kg, pay USDT. Telegram: @lead_seller"),
        // another seller: next to a watched substance
        "/p/3" => format!("N-Phenethyl-4-piperidone in stock; also CAS {NEW_CAS}, price on request"),
        // innocent: seen, but does not count
        "/p/4" => format!("Coating additive CAS {NEW_CAS}, 25 kg drum, factory price. Also piperidine 99%."),
        "/p/5" => format!("CAS {OTHER_CAS} powder, discreet packaging, pay BTC. WhatsApp +86 138 0013 8000"),
        // a substitute name (the test pack captures it), with a strong tactic
        "/p/6" => "New ZX-42 replacement, works the same. Safe delivery to Mexico, Wickr: zxlab".to_string(),
        _ => return None,
    };
    Some(page(&format!("listing {p}"), &body))
}

/// A pack whose substitute pattern captures the name it presents.
const SUBSTITUTE_PACK: &str = r#"
[pack]
id = "test_substitute"
name = "Substitute names for the emerging test"

[[rule]]
id = "test.substitute"
name = "New X replacement"
category = "tactic.substitute"
weight = 10
patterns = ['\bnew (?P<name>[a-z]{2,8}-\d{1,3}) replacement\b']

[rule.examples]
match = ["new ZX-42 replacement"]
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unlisted_leads_ranked_and_turned_into_a_pack() {
    let server = serve(market).await;
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("substitute.toml");
    std::fs::write(&pack, SUBSTITUTE_PACK).unwrap();
    let job_path = dir.path().join("job.toml");
    let job_text = format!(
        "[job]\nname = \"emerging\"\nrules = [{pack:?}]\n\n[crawl]\nallow_private = true\nper_host_interval_ms = 0\n\n\
         [[site]]\nname = \"m\"\nseeds = [\"{}/\"]\nlisting = '^/p/'\n",
        server.base
    );
    std::fs::write(&job_path, job_text).unwrap();
    let job = precwatch::config::Job::from_file(&job_path).unwrap();
    let db = dir.path().join("e.sqlite");
    // the bundled packs and the substitute pack, as the job says
    let rules = precwatch::rules::RuleSet::load(&job.rules, job.bundled_rules).unwrap();
    let (_tx, rx) = tokio::sync::watch::channel(false);
    let options = precwatch::crawl::CrawlOptions::default();
    let summary = precwatch::crawl::run(&job, std::sync::Arc::new(rules), &db, &options, rx)
        .await
        .unwrap();
    assert_eq!(summary.listings, 6, "{}", summary.render());
    let stored = query_i64(&db, "SELECT COUNT(*) FROM hits WHERE category = 'unlisted'");
    assert_eq!(stored, 6, "five CAS sightings and one substitute name");

    let dbs = db.to_str().unwrap();
    let pack_arg = pack.to_str().unwrap();
    let out = precwatch(
        &["emerging", "--db", dbs, "--format", "json", "--rules", pack_arg],
        dir.path(),
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let leads = v["leads"].as_array().unwrap();
    let summary: Vec<(String, u64, u64, u64)> = leads
        .iter()
        .map(|l| {
            let n = |k: &str| l[k].as_u64().unwrap();
            (
                l["value"].as_str().unwrap().to_string(),
                n("clusters"),
                n("listings"),
                n("seen_in"),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (NEW_CAS.to_string(), 2, 3, 4),
            (OTHER_CAS.to_string(), 1, 1, 1),
            ("zx-42".to_string(), 1, 1, 1),
        ],
        "ranked by clusters, then listings; the innocent listing is seen but does not count"
    );
    let first = &leads[0];
    assert_eq!(first["kind"], "cas");
    assert!(first["tactics"]
        .as_object()
        .unwrap()
        .keys()
        .any(|k| k.starts_with("tac.destination")));
    assert_eq!(first["substances"]["fent.npp"], 1);
    assert_eq!(first["examples"].as_array().unwrap().len(), 3);
    assert_eq!(leads[2]["kind"], "substitute");
    assert_eq!(leads[2]["names_seen"], serde_json::json!(["ZX-42"]));
    let titles = first["names_seen"].as_array().unwrap();
    assert_eq!(titles.len(), 4, "the titles of the four listings: {titles:?}");

    // only versions fetched by a later run: nothing yet
    let later = precwatch(
        &["emerging", "--db", dbs, "--since", "2", "--format", "json"],
        dir.path(),
    );
    let v: Value = serde_json::from_slice(&later.stdout).unwrap();
    assert_eq!(v["total"], 0);
    let bad = precwatch(&["emerging", "--db", dbs, "--since", "yesterday"], dir.path());
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("yesterday"));

    check_export_lists(dir.path(), dbs);
    check_skeleton(dir.path(), dbs, pack_arg);
}

/// Exports list watched substances, commodities and unlisted leads apart:
/// a commodity or a lead is never a substance.
fn check_export_lists(dir: &Path, db: &str) {
    let out = precwatch(&["export", "--db", db, "--format", "jsonl"], dir);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let by_path = |p: &str| lines.iter().find(|l| l["url"].as_str().unwrap().ends_with(p)).unwrap();
    let p3 = by_path("/p/3");
    assert_eq!(p3["substances"], serde_json::json!(["39742-60-4"]));
    assert_eq!(p3["unlisted"], serde_json::json!([NEW_CAS]));
    let p4 = by_path("/p/4");
    assert_eq!(p4["substances"], serde_json::json!([]), "{p4}");
    assert_eq!(p4["commodities"], serde_json::json!(["110-89-4"]));
    assert_eq!(p4["risk"], "none");
    assert_eq!(by_path("/p/6")["unlisted"], serde_json::json!(["zx-42"]));

    let out = precwatch(&["export", "--db", db, "--format", "csv"], dir);
    let mut csv = csv::Reader::from_reader(out.stdout.as_slice());
    let header = csv.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let url = by_path("/p/4")["url"].as_str().unwrap().to_string();
    let row = csv
        .records()
        .map(Result::unwrap)
        .find(|r| r[col("url")] == url)
        .unwrap();
    assert_eq!(
        (&row[col("cas")], &row[col("commodities")], &row[col("unlisted")]),
        ("", "110-89-4", NEW_CAS)
    );
}

/// The TOML skeleton loads next to the bundled packs, passes its own
/// examples, and flags the innocent listing's text as a substance offer.
fn check_skeleton(dir: &Path, db: &str, pack: &str) {
    let out = precwatch(
        &[
            "emerging", "--db", db, "--format", "toml", "--top", "2", "--rules", pack,
        ],
        dir,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let skeleton = dir.join("emerging.toml");
    std::fs::write(&skeleton, &out.stdout).unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.matches("[[rule]]").count(), 2, "{text}");
    assert!(text.contains("id = \"emerging.cas_87120_72_7\""), "{text}");
    assert!(
        text.contains("# names seen (titles or spellings), to check and keep as names: [\"listing /p/1\""),
        "{text}"
    );

    let test = precwatch(&["rules", "test", skeleton.to_str().unwrap()], dir);
    assert!(test.status.success(), "{}", String::from_utf8_lossy(&test.stdout));
    let listing = dir.join("listing.txt");
    std::fs::write(
        &listing,
        format!("Coating additive CAS {NEW_CAS}, 25 kg drum, factory price"),
    )
    .unwrap();
    // without the skeleton the CAS is only a lead: reported, but nothing matched (exit 1)
    let lead = precwatch(&["scan", "--format", "json", listing.to_str().unwrap()], dir);
    assert_eq!(lead.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&lead.stdout).unwrap();
    assert_eq!(
        (v["risk"].as_str(), v["hits"][0]["category"].as_str()),
        (Some("none"), Some("unlisted"))
    );
    let scan = precwatch(
        &[
            "scan",
            "--rules",
            skeleton.to_str().unwrap(),
            "--format",
            "json",
            listing.to_str().unwrap(),
        ],
        dir,
    );
    let v: Value = serde_json::from_slice(&scan.stdout).unwrap();
    assert_eq!(v["risk"], "medium", "{v}");
    assert!(v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["rule"] == "emerging.cas_87120_72_7"));
}
