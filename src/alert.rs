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
    let (listings, total) = match store.alert_candidates(&job.name, &key, alert.min_risk, alert.max_listings) {
        Ok(c) => c,
        Err(e) => return fail(0, e.to_string()),
    };
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

/// Runs the program with the JSON on its standard input; exit 0 is success.
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
    let mut stdin = child.stdin.take().ok_or("no standard input")?;
    let run = async {
        // A program that exits without reading its input is judged by its exit status.
        let _ = stdin.write_all(body.as_bytes()).await;
        drop(stdin);
        child.wait_with_output().await
    };
    match tokio::time::timeout(timeout, run).await {
        Err(_) => Err(format!(
            "{}: no exit within {} ms (killed)",
            argv[0],
            timeout.as_millis()
        )),
        Ok(Err(e)) => Err(format!("{}: {e}", argv[0])),
        Ok(Ok(out)) if out.status.success() => Ok(()),
        Ok(Ok(out)) => {
            let err = String::from_utf8_lossy(&out.stderr);
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
                "{} exited with {}: {}",
                argv[0],
                out.status,
                crate::config::one_line(&tail)
            ))
        }
    }
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
            l.state,
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
