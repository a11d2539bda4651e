//! Alerts after a run: each `[[alert]]` of the job gets the flagged listings
//! (at or above its `min_risk`) that it has not been sent with their current
//! content, by webhook, command or e-mail. A delivery is recorded only when
//! the target accepted it; a failure is recorded as an attempt and the same
//! listings go with the next run. Nothing here can stop or fail a crawl: every
//! delivery has a time limit and every error becomes a report.

use crate::config::{AlertConfig, AlertKind, EmailSettings, Job, SmtpTls};
use crate::store::{AlertListing, Store};
use std::path::Path;
use std::time::Duration;

/// The longest title an alert carries (characters; a page's title is
/// crawled text of any length, and a message carries up to 10,000 listings).
pub const MAX_TITLE_CHARS: usize = 300;

/// Webhook attempts per delivery (a connection error, 429 or 5xx is tried again).
pub const WEBHOOK_ATTEMPTS: u32 = 3;

/// What one alert sends: JSON for webhooks and commands (the e-mail is its text form).
#[derive(Debug, Clone, serde::Serialize)]
pub struct AlertMessage<'a> {
    /// The message format's version.
    pub precwatch_alert: u32,
    /// The job whose run found them.
    pub job: &'a str,
    /// The run after which this was sent.
    pub run_id: i64,
    /// The alert's threshold.
    pub min_risk: crate::matcher::Risk,
    /// When (RFC 3339 UTC).
    pub generated_at: String,
    /// The listings, riskiest first.
    pub listings: &'a [AlertListing],
    /// How many more wait for the next message (beyond `max_listings`).
    pub more: u64,
}

/// How one alert went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertReport {
    /// `webhook`, `command` or `email`.
    pub kind: &'static str,
    /// Listings sent (or that failed to be).
    pub listings: usize,
    /// None when delivered (or nothing to send); the reason otherwise.
    pub error: Option<String>,
}

impl AlertReport {
    /// One line for the run's output.
    pub fn render(&self) -> String {
        match &self.error {
            None if self.listings == 0 => format!("alert {}: nothing new to send", self.kind),
            None => format!("alert {}: sent {} listings", self.kind, self.listings),
            Some(e) => format!(
                "alert {}: FAILED for {} listings (sent again after the next run): {}",
                self.kind,
                self.listings,
                crate::escape::term_safe(e)
            ),
        }
    }
}

/// Sends every alert of `job` for the run `run_id` in `db`.
pub async fn deliver_all(job: &Job, db: &Path, run_id: i64) -> Vec<AlertReport> {
    let mut out = Vec::new();
    for alert in &job.alerts {
        out.push(deliver(job, alert, db, run_id).await);
    }
    out
}

async fn deliver(job: &Job, alert: &AlertConfig, db: &Path, run_id: i64) -> AlertReport {
    let kind = alert.kind_name();
    let fail = |listings, e: String| AlertReport {
        kind,
        listings,
        error: Some(e),
    };
    let mut store = match Store::open(db) {
        Ok(s) => s,
        Err(e) => return fail(0, e.to_string()),
    };
    let key = alert.key();
    let (mut listings, total) = match store.alert_candidates(&job.name, &key, alert.min_risk, alert.max_listings) {
        Ok(c) => c,
        Err(e) => return fail(0, e.to_string()),
    };
    bound_titles(&mut listings);
    if listings.is_empty() {
        return AlertReport {
            kind,
            listings: 0,
            error: None,
        };
    }
    let message = AlertMessage {
        precwatch_alert: 1,
        job: &job.name,
        run_id,
        min_risk: alert.min_risk,
        generated_at: crate::store::now(),
        listings: &listings,
        more: total.saturating_sub(listings.len() as u64),
    };
    let timeout = Duration::from_millis(alert.timeout_ms);
    let sent = match &alert.kind {
        AlertKind::Webhook { url, headers } => webhook(url, headers, &message, timeout).await,
        AlertKind::Command { argv } => command(argv, &message, timeout).await,
        AlertKind::Email(settings) => email(settings, &message, timeout).await,
    };
    let recorded = match &sent {
        Ok(()) => store.record_delivery(run_id, &key, kind, &listings),
        Err(e) => store.record_alert_failure(run_id, &key, kind, listings.len(), e),
    };
    match (sent, recorded) {
        (Ok(()), Ok(())) => AlertReport {
            kind,
            listings: listings.len(),
            error: None,
        },
        (Err(e), _) => fail(listings.len(), e),
        (Ok(()), Err(e)) => fail(
            listings.len(),
            format!("delivered, but not recorded (it may be sent again): {e}"),
        ),
    }
}

/// Cuts every title to [`MAX_TITLE_CHARS`], so a message's size is bounded
/// by `max_listings` whatever the pages said.
fn bound_titles(listings: &mut [AlertListing]) {
    for l in listings {
        if l.title.len() > MAX_TITLE_CHARS {
            l.title = crate::escape::short(&l.title, MAX_TITLE_CHARS);
        }
    }
}

/// The message as JSON (control characters escaped).
fn json(message: &AlertMessage) -> Result<String, String> {
    serde_json::to_string(message)
        .map(|j| crate::escape::json_safe(&j).into_owned())
        .map_err(|e| e.to_string())
}

/// POSTs the JSON; tries again on a connection error, 429 or 5xx.
async fn webhook(
    url: &url::Url,
    headers: &[(String, String)],
    message: &AlertMessage<'_>,
    timeout: Duration,
) -> Result<(), String> {
    let body = json(message)?;
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("precwatch/", env!("CARGO_PKG_VERSION"), " (alert)"))
        .build()
        .map_err(|e| e.to_string())?;
    let mut last = String::new();
    for attempt in 0..WEBHOOK_ATTEMPTS {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_millis(500 << attempt)).await;
        }
        let mut req = client
            .post(url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.clone());
        for (k, v) in headers {
            req = req.header(k, v);
        }
        match req.send().await {
            Ok(r) if r.status().is_success() => return Ok(()),
            Ok(r) if r.status().as_u16() == 429 || r.status().is_server_error() => {
                last = format!("{url} answered {}", r.status());
            }
            Ok(r) => return Err(format!("{url} answered {}", r.status())),
            Err(e) => last = format!("{url}: {}", crate::config::one_line(&error_chain(&e))),
        }
    }
    Err(format!("{last} (after {WEBHOOK_ATTEMPTS} attempts)"))
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(c) = src {
        s.push_str(": ");
        s.push_str(&c.to_string());
        src = c.source();
    }
    s
}

/// How much of a failing command's standard error is kept (its end).
pub const STDERR_TAIL_BYTES: usize = 4096;

/// Runs the program with the JSON on its standard input; exit 0 is success.
/// Its input is written while its standard error is read (a program that
/// writes before it reads cannot deadlock it), only the last
/// [`STDERR_TAIL_BYTES`] of that are kept, and past `timeout` it is killed.
async fn command(argv: &[String], message: &AlertMessage<'_>, timeout: Duration) -> Result<(), String> {
    use tokio::io::AsyncWriteExt;
    let body = json(message)?;
    let mut child = tokio::process::Command::new(&argv[0])
        .args(&argv[1..])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("{}: cannot start: {e}", argv[0]))?;
    let (stdin, stderr) = (child.stdin.take(), child.stderr.take());
    let run = async {
        let feed = async {
            // A program that exits without reading its input is judged by its exit status.
            if let Some(mut stdin) = stdin {
                let _ = stdin.write_all(body.as_bytes()).await;
            }
        };
        let ((), tail, status) = tokio::join!(feed, read_tail(stderr, STDERR_TAIL_BYTES), child.wait());
        status.map(|s| (s, tail))
    };
    let outcome = tokio::time::timeout(timeout, run).await;
    match outcome {
        Err(_) => {
            let _ = child.kill().await;
            Err(format!(
                "{}: no exit within {} ms (killed)",
                argv[0],
                timeout.as_millis()
            ))
        }
        Ok(Err(e)) => Err(format!("{}: {e}", argv[0])),
        Ok(Ok((status, _))) if status.success() => Ok(()),
        Ok(Ok((status, tail))) => {
            let err = String::from_utf8_lossy(&tail);
            let tail: String = err
                .trim()
                .chars()
                .rev()
                .take(300)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            Err(format!(
                "{} exited with {status}: {}",
                argv[0],
                crate::config::one_line(&tail)
            ))
        }
    }
}

/// The last `max` bytes `r` gives before its end (nothing without a reader);
/// memory stays under `2 * max` whatever the program writes.
async fn read_tail(r: Option<impl tokio::io::AsyncRead + Unpin>, max: usize) -> Vec<u8> {
    use tokio::io::AsyncReadExt;
    let mut tail = Vec::new();
    let Some(mut r) = r else { return tail };
    let mut buf = [0u8; 8192];
    while let Ok(n @ 1..) = r.read(&mut buf).await {
        tail.extend_from_slice(&buf[..n]);
        if tail.len() > 2 * max {
            tail.drain(..tail.len() - max);
        }
    }
    if tail.len() > max {
        tail.drain(..tail.len() - max);
    }
    tail
}

/// The e-mail: a subject with the counts, the listings as plain text.
fn email_text(message: &AlertMessage<'_>) -> (String, String) {
    let n = message.listings.len();
    let subject = format!(
        "precwatch: {n} new or changed listing{} at {}+ (job {})",
        if n == 1 { "" } else { "s" },
        message.min_risk,
        crate::escape::term_safe(message.job)
    );
    let mut body = format!(
        "Run {} of job {} found these listings at or above {} risk that were not sent before:\n\n",
        message.run_id,
        crate::escape::term_safe(message.job),
        message.min_risk
    );
    for l in message.listings {
        body.push_str(&format!(
            "[{}] {} (listing {}, {})\n  {}\n  matched: {}\n\n",
            l.risk.as_str().to_uppercase(),
            crate::escape::term_safe(&l.title),
            l.id,
            l.state.as_str(),
            crate::escape::term_safe(&l.url),
            crate::escape::term_safe(&l.cas.iter().chain(&l.rules).cloned().collect::<Vec<_>>().join(", ")),
        ));
    }
    if message.more > 0 {
        body.push_str(&format!("{} more follow with the next run.\n", message.more));
    }
    body.push_str("Review them: precwatch listings --db DB --status new, or precwatch serve --db DB\n");
    (subject, body)
}

async fn email(s: &EmailSettings, message: &AlertMessage<'_>, timeout: Duration) -> Result<(), String> {
    use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
    let (subject, body) = email_text(message);
    let mut m = Message::builder().from(s.from.parse().map_err(|e| format!("from: {e}"))?);
    for to in &s.to {
        m = m.to(to.parse().map_err(|e| format!("to: {e}"))?);
    }
    let m = m
        .subject(subject)
        .header(lettre::message::header::ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| e.to_string())?;
    let builder = match s.tls {
        SmtpTls::Starttls => {
            AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.host).map_err(|e| e.to_string())?
        }
        SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&s.host).map_err(|e| e.to_string())?,
        SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host),
    };
    let mut builder = builder.port(s.port).timeout(Some(timeout));
    if let Some(user) = &s.user {
        let password = match &s.password_env {
            Some(var) => std::env::var(var).map_err(|_| format!("smtp_password_env: ${var} is not set"))?,
            None => String::new(),
        };
        builder = builder.credentials(lettre::transport::smtp::authentication::Credentials::new(
            user.clone(),
            password,
        ));
    }
    let transport = builder.build();
    match tokio::time::timeout(timeout, transport.send(m)).await {
        Err(_) => Err(format!(
            "{}:{}: no answer within {} ms",
            s.host,
            s.port,
            timeout.as_millis()
        )),
        Ok(Err(e)) => Err(format!(
            "{}:{}: {}",
            s.host,
            s.port,
            crate::config::one_line(&error_chain(&e))
        )),
        Ok(Ok(_)) => Ok(()),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::matcher::Risk;

    fn listing(id: i64, title: String) -> AlertListing {
        AlertListing {
            id,
            url: format!("https://m.example/p/{id}"),
            site: "m".into(),
            title,
            risk: Risk::High,
            score: 9.0,
            state: crate::store::ListingState::New,
            first_seen: "2026-01-01T00:00:00Z".into(),
            last_seen: "2026-01-01T00:00:00Z".into(),
            version_id: id,
            content_sha256: "00".into(),
            rules: vec!["r".into()],
            cas: vec![],
        }
    }

    fn message(listings: &[AlertListing]) -> AlertMessage<'_> {
        AlertMessage {
            precwatch_alert: 1,
            job: "j",
            run_id: 1,
            min_risk: Risk::Medium,
            generated_at: "2026-01-01T00:00:00Z".into(),
            listings,
            more: 0,
        }
    }

    fn sh(script: &str) -> Vec<String> {
        vec!["/bin/sh".into(), "-c".into(), script.into()]
    }

    #[tokio::test]
    async fn a_command_that_writes_stderr_before_reading_its_input_is_not_deadlocked() {
        // More JSON than a pipe holds, and more stderr than a pipe holds before the program reads.
        let listings: Vec<_> = (0..40).map(|i| listing(i, "x".repeat(4000))).collect();
        let argv = sh("head -c 300000 /dev/zero >&2; cat >/dev/null");
        let r = command(&argv, &message(&listings), Duration::from_secs(20)).await;
        assert_eq!(r, Ok(()));
    }

    #[tokio::test]
    async fn a_failing_commands_stderr_is_cut_to_its_end() {
        let listings = [listing(1, "t".into())];
        let argv = sh("cat >/dev/null; head -c 5000000 /dev/zero | tr '\\0' a >&2; echo THE-END >&2; exit 3");
        let e = command(&argv, &message(&listings), Duration::from_secs(20))
            .await
            .unwrap_err();
        assert!(e.ends_with("THE-END"), "{e}");
        assert!(e.len() < 400, "{}", e.len());
        let tail = read_tail(Some(&b"abcdef"[..]), 4).await;
        assert_eq!(tail, b"cdef");
    }

    #[test]
    fn titles_are_bounded() {
        let mut l = [listing(1, "标".repeat(100_000)), listing(2, "short".into())];
        bound_titles(&mut l);
        assert_eq!(l[0].title.chars().count(), MAX_TITLE_CHARS + 1, "cut, with an ellipsis");
        assert_eq!(l[1].title, "short");
        let m = message(&l);
        assert!(json(&m).unwrap().len() < 4_000);
        assert!(email_text(&m).1.len() < 4_000);
        assert!(
            json(&m).unwrap().contains(r#""state":"new""#),
            "the state as its stored name"
        );
    }

    #[tokio::test]
    async fn a_command_past_its_time_is_killed() {
        let listings = [listing(1, "t".into())];
        let t = std::time::Instant::now();
        let e = command(&sh("sleep 30"), &message(&listings), Duration::from_millis(300))
            .await
            .unwrap_err();
        assert!(e.contains("killed"), "{e}");
        assert!(t.elapsed() < Duration::from_secs(5));
    }
}
