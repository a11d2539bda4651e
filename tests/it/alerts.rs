//! Alert channels after `precwatch crawl`: a command gets the alert JSON on
//! its standard input, an e-mail reaches a real SMTP listener on 127.0.0.1,
//! a failing channel is reported and retried with the next run without
//! failing the crawl, and nothing is sent twice.

use crate::util::*;
use serde_json::Value;
use std::path::Path;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// A minimal SMTP server: accepts every message and keeps its DATA.
async fn smtp_sink() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let got: Arc<Mutex<Vec<String>>> = Arc::default();
    let g = got.clone();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let g = g.clone();
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut lines = BufReader::new(r).lines();
                w.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                while let Ok(Some(line)) = lines.next_line().await {
                    let cmd = line.to_ascii_uppercase();
                    let reply: &[u8] = if cmd.starts_with("EHLO") || cmd.starts_with("HELO") {
                        b"250 sink\r\n"
                    } else if cmd.starts_with("DATA") {
                        w.write_all(b"354 go on\r\n").await.unwrap();
                        let mut data = String::new();
                        while let Ok(Some(l)) = lines.next_line().await {
                            if l == "." {
                                break;
                            }
                            data.push_str(&l);
                            data.push('\n');
                        }
                        g.lock().unwrap().push(data);
                        b"250 queued\r\n"
                    } else if cmd.starts_with("QUIT") {
                        let _ = w.write_all(b"221 bye\r\n").await;
                        break;
                    } else {
                        b"250 ok\r\n"
                    };
                    w.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, got)
}

fn market(path: &str, _: usize) -> Option<Resp> {
    let product = |name: &str, extra: &str| {
        Resp::html(format!(
            "<html><head><title>{name}</title></head><body><h1>{name}</h1><p>{extra}</p></body></html>"
        ))
    };
    Some(match path {
        "/" => Resp::html("<a href='/p/1'>1</a><a href='/p/2'>2</a>"),
        "/p/1" => product(
            "N-Phenethyl-4-piperidone \u{1b}[2J",
            "CAS 39742-60-4 powder. Safe delivery to Mexico.",
        ),
        "/p/2" => product("Citric acid", "Anhydrous, E330, 25 kg bags"),
        _ => return None,
    })
}

fn crawl_cmd(dir: &Path, job: &Path) -> (i32, String) {
    let out = precwatch(
        &[
            "crawl",
            "--config",
            job.to_str().unwrap(),
            "--db",
            "a.sqlite",
            "--no-progress",
        ],
        dir,
    );
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn command_and_email_alerts_after_a_crawl() {
    let site = serve(market).await;
    let (smtp_port, mails) = smtp_sink().await;
    let dir = tempfile::tempdir().unwrap();
    let flag = dir.path().join("fail");
    std::fs::write(&flag, "").unwrap();
    // The command fails while the file `fail` exists, then saves its input.
    let script = "test -e fail && { echo refused >&2; exit 3; }; cat > alert.json";
    let job = dir.path().join("job.toml");
    std::fs::write(
        &job,
        format!(
            "[job]\nname = \"alerts\"\nrules = [{rules:?}]\nbundled_rules = false\n\n\
             [crawl]\nallow_private = true\nper_host_interval_ms = 0\n\n\
             [[site]]\nname = \"shop\"\nseeds = [\"{base}/\"]\nlisting = '^/p/'\n\n\
             [[alert]]\nkind = \"command\"\ncommand = [\"sh\", \"-c\", {script:?}]\n\n\
             [[alert]]\nkind = \"email\"\nmin_risk = \"high\"\nsmtp_host = \"127.0.0.1\"\nsmtp_port = {smtp_port}\n\
             smtp_tls = \"none\"\nfrom = \"precwatch <pw@example.org>\"\nto = [\"desk@example.org\"]\n",
            rules = fixture("test_rules.toml").display().to_string(),
            base = site.base,
        ),
    )
    .unwrap();

    // First run: the command fails (reported, the crawl still succeeds), the e-mail goes.
    let (code, err) = crawl_cmd(dir.path(), &job);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("alert command: FAILED for 1 listings"), "{err}");
    assert!(err.contains("exited with exit status: 3: refused"), "{err}");
    assert!(err.contains("alert email: sent 1 listings"), "{err}");
    let mail = mails.lock().unwrap().concat();
    assert!(
        mail.contains("Subject: precwatch: 1 new or changed listing at high+ (job alerts)"),
        "{mail}"
    );
    assert!(
        mail.contains("N-Phenethyl-4-piperidone \\u{1b}[2J"),
        "controls escaped: {mail}"
    );
    assert!(!mail.contains('\u{1b}'));
    assert!(mail.contains("39742-60-4"), "{mail}");

    // Second run: the command works now and gets the listing it missed; no second e-mail.
    std::fs::remove_file(&flag).unwrap();
    let (code, err) = crawl_cmd(dir.path(), &job);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("alert command: sent 1 listings"), "{err}");
    assert!(err.contains("alert email: nothing new to send"), "{err}");
    let alert: Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("alert.json")).unwrap()).unwrap();
    assert_eq!(alert["precwatch_alert"], 1);
    assert_eq!(alert["listings"].as_array().unwrap().len(), 1);
    assert_eq!(alert["listings"][0]["cas"][0], "39742-60-4");
    assert_eq!(alert["more"], 0);
    assert_eq!(mails.lock().unwrap().len(), 1);

    // The runs account for it.
    let out = precwatch(&["runs", "--db", "a.sqlite", "--run", "1"], dir.path());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(text.contains("alert") && text.contains("FAILED"), "{text}");
    assert!(text.contains("2 new, 0 changed, 0 gone"), "{text}");
    let out = precwatch(&["runs", "--db", "a.sqlite"], dir.path());
    let table = String::from_utf8_lossy(&out.stdout);
    assert_eq!(table.lines().count(), 3, "{table}");
    let out = precwatch(&["runs", "--db", "a.sqlite", "--run", "9"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no run has id 9"));
}
