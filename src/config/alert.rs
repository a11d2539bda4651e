//! `[[alert]]`: where the new flagged listings of each run go. Validated
//! with the rest of the job, so a watch never finds a bad alert months later.

use super::ConfigError;
use crate::matcher::Risk;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The default `min_risk` of an alert: flagged listings (medium and high).
pub const DEFAULT_MIN_RISK: Risk = Risk::Medium;
/// The most listings one alert message carries; the rest go with the next run's.
pub const DEFAULT_MAX_LISTINGS: usize = 200;
/// How long one delivery may take (each webhook attempt, the command, the SMTP session).
pub const DEFAULT_TIMEOUT_MS: u64 = 20_000;

/// One `[[alert]]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAlert {
    kind: String,
    min_risk: Option<String>,
    max_listings: Option<usize>,
    timeout_ms: Option<u64>,
    url: Option<String>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    command: Option<Vec<String>>,
    smtp_host: Option<String>,
    smtp_port: Option<u16>,
    smtp_tls: Option<String>,
    smtp_user: Option<String>,
    smtp_password_env: Option<String>,
    from: Option<String>,
    #[serde(default)]
    to: Vec<String>,
}

/// A validated alert.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertConfig {
    /// The channel and its target.
    pub kind: AlertKind,
    /// Only listings at or above this risk.
    pub min_risk: Risk,
    /// At most this many listings per message.
    pub max_listings: usize,
    /// Each delivery attempt's time limit.
    pub timeout_ms: u64,
}

/// Where an alert goes.
#[derive(Debug, Clone, PartialEq)]
pub enum AlertKind {
    /// An HTTP POST of the alert JSON.
    Webhook {
        /// http or https URL.
        url: url::Url,
        /// Extra request headers (an Authorization header, say).
        headers: Vec<(String, String)>,
    },
    /// A program run with the alert JSON on its standard input (no shell).
    Command {
        /// The program and its arguments.
        argv: Vec<String>,
    },
    /// An e-mail over SMTP.
    Email(EmailSettings),
}

/// How to reach the SMTP server.
#[derive(Debug, Clone, PartialEq)]
pub struct EmailSettings {
    /// The server's host name.
    pub host: String,
    /// Its port (default 587 with STARTTLS, 465 with TLS, 25 without).
    pub port: u16,
    /// How the connection is encrypted.
    pub tls: SmtpTls,
    /// The login, if the server wants one.
    pub user: Option<String>,
    /// The environment variable that holds the password (never the job file).
    pub password_env: Option<String>,
    /// The sender.
    pub from: String,
    /// The recipients.
    pub to: Vec<String>,
}

/// `smtp_tls`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain connection upgraded with STARTTLS, required (port 587).
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a relay on this machine or a trusted network.
    None,
}

impl AlertConfig {
    /// A stable name for this alert's target: what it was delivered to is
    /// remembered under it, so a listing is sent to each target once.
    pub fn key(&self) -> String {
        match &self.kind {
            AlertKind::Webhook { url, .. } => format!("webhook:{url}"),
            AlertKind::Command { argv } => format!("command:{}", argv.join(" ")),
            AlertKind::Email(e) => format!("email:{}:{}", e.host, e.to.join(",")),
        }
    }

    /// The channel's name (`webhook`, `command`, `email`).
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            AlertKind::Webhook { .. } => "webhook",
            AlertKind::Command { .. } => "command",
            AlertKind::Email(_) => "email",
        }
    }
}

type Invalid<'a> = &'a dyn Fn(std::ops::Range<usize>, String) -> ConfigError;

/// Validates one `[[alert]]`; `invalid` builds an error at its line.
pub(super) fn check(raw: &toml::Spanned<RawAlert>, invalid: Invalid) -> Result<AlertConfig, ConfigError> {
    let span = raw.span();
    let err = |m: String| invalid(span.clone(), format!("[[alert]] {m}"));
    let a = raw.get_ref();
    let min_risk = match &a.min_risk {
        None => DEFAULT_MIN_RISK,
        Some(r) => r
            .parse()
            .map_err(|_| err(format!("min_risk {r:?}: give none, low, medium or high")))?,
    };
    let max_listings = a.max_listings.unwrap_or(DEFAULT_MAX_LISTINGS);
    if !(1..=10_000).contains(&max_listings) {
        return Err(err("max_listings must be from 1 to 10000".into()));
    }
    let timeout_ms = a.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS);
    if !(100..=600_000).contains(&timeout_ms) {
        return Err(err("timeout_ms must be from 100 to 600000".into()));
    }
    let kind = match a.kind.as_str() {
        "webhook" => webhook(a, &err)?,
        "command" => command(a, &err)?,
        "email" => email(a, &err)?,
        other => return Err(err(format!("kind {other:?}: give webhook, command or email"))),
    };
    Ok(AlertConfig {
        kind,
        min_risk,
        max_listings,
        timeout_ms,
    })
}

/// Refuses the keys of other kinds, so a typo does not pass unnoticed.
fn only(a: &RawAlert, allowed: &[&str], err: &dyn Fn(String) -> ConfigError) -> Result<(), ConfigError> {
    let present = [
        ("url", a.url.is_some()),
        ("headers", !a.headers.is_empty()),
        ("command", a.command.is_some()),
        ("smtp_host", a.smtp_host.is_some()),
        ("smtp_port", a.smtp_port.is_some()),
        ("smtp_tls", a.smtp_tls.is_some()),
        ("smtp_user", a.smtp_user.is_some()),
        ("smtp_password_env", a.smtp_password_env.is_some()),
        ("from", a.from.is_some()),
        ("to", !a.to.is_empty()),
    ];
    match present.iter().find(|(k, set)| *set && !allowed.contains(k)) {
        Some((k, _)) => Err(err(format!("`{k}` is not a key of {} alerts", a.kind))),
        None => Ok(()),
    }
}

fn webhook(a: &RawAlert, err: &dyn Fn(String) -> ConfigError) -> Result<AlertKind, ConfigError> {
    only(a, &["url", "headers"], err)?;
    let raw = a
        .url
        .as_deref()
        .ok_or_else(|| err("webhook alerts need `url`".into()))?;
    let url = url::Url::parse(raw).map_err(|e| err(format!("url {raw:?}: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(err(format!("url {raw:?}: give an http or https URL")));
    }
    let mut headers = Vec::new();
    for (k, v) in &a.headers {
        if reqwest::header::HeaderName::from_bytes(k.as_bytes()).is_err()
            || reqwest::header::HeaderValue::from_str(v).is_err()
        {
            return Err(err(format!("header {k:?}: not a valid HTTP header name and value")));
        }
        headers.push((k.clone(), v.clone()));
    }
    Ok(AlertKind::Webhook { url, headers })
}

fn command(a: &RawAlert, err: &dyn Fn(String) -> ConfigError) -> Result<AlertKind, ConfigError> {
    only(a, &["command"], err)?;
    let argv = a.command.clone().unwrap_or_default();
    if argv.first().is_none_or(|p| p.trim().is_empty()) {
        return Err(err(
            "command alerts need `command`, the program and its arguments: [\"/usr/local/bin/notify\", \"--flag\"]"
                .into(),
        ));
    }
    Ok(AlertKind::Command { argv })
}

fn email(a: &RawAlert, err: &dyn Fn(String) -> ConfigError) -> Result<AlertKind, ConfigError> {
    only(
        a,
        &[
            "smtp_host",
            "smtp_port",
            "smtp_tls",
            "smtp_user",
            "smtp_password_env",
            "from",
            "to",
        ],
        err,
    )?;
    let host = a.smtp_host.clone().filter(|h| !h.trim().is_empty());
    let host = host.ok_or_else(|| err("email alerts need `smtp_host`".into()))?;
    let tls = match a.smtp_tls.as_deref().unwrap_or("starttls") {
        "starttls" => SmtpTls::Starttls,
        "tls" => SmtpTls::Tls,
        "none" => SmtpTls::None,
        other => return Err(err(format!("smtp_tls {other:?}: give starttls, tls or none"))),
    };
    let port = a.smtp_port.unwrap_or(match tls {
        SmtpTls::Starttls => 587,
        SmtpTls::Tls => 465,
        SmtpTls::None => 25,
    });
    let mailbox = |s: &str| {
        s.parse::<lettre::message::Mailbox>()
            .map(|_| s.to_string())
            .map_err(|e| err(format!("{s:?} is not an e-mail address: {e}")))
    };
    let from = mailbox(
        a.from
            .as_deref()
            .ok_or_else(|| err("email alerts need `from`".into()))?,
    )?;
    if a.to.is_empty() {
        return Err(err("email alerts need `to`, a list of addresses".into()));
    }
    let to = a.to.iter().map(|t| mailbox(t)).collect::<Result<Vec<_>, _>>()?;
    if a.smtp_password_env.is_some() && a.smtp_user.is_none() {
        return Err(err("smtp_password_env needs smtp_user".into()));
    }
    Ok(AlertKind::Email(EmailSettings {
        host,
        port,
        tls,
        user: a.smtp_user.clone(),
        password_env: a.smtp_password_env.clone(),
        from,
        to,
    }))
}

#[cfg(test)]
mod tests {
    use crate::config::{AlertKind, Job, SmtpTls};
    use crate::matcher::Risk;
    use std::path::Path;

    fn job(extra_job: &str, alerts: &str) -> Result<Job, String> {
        let text = format!(
            "[job]\nname = \"j\"\n{extra_job}\n[[site]]\nname = \"a\"\nseeds = [\"https://a.example/\"]\nlisting = '^/p/'\n{alerts}"
        );
        Job::parse(&text, "job.toml", Path::new(".")).map_err(|e| e.to_string())
    }

    #[test]
    fn schedules_and_alerts_parse() {
        let j = job(
            "schedule = \"0 */6 * * *\"\njitter = \"2m\"",
            "[[alert]]\nkind = \"webhook\"\nurl = \"https://hooks.example/x\"\nheaders = { Authorization = \"Bearer t\" }\n\
             [[alert]]\nkind = \"command\"\ncommand = [\"/bin/notify\", \"-q\"]\nmin_risk = \"high\"\n\
             [[alert]]\nkind = \"email\"\nsmtp_host = \"mail.example\"\nsmtp_user = \"u\"\nsmtp_password_env = \"PW\"\n\
             from = \"precwatch <pw@example.org>\"\nto = [\"desk@example.org\"]\n",
        )
        .unwrap();
        assert_eq!(j.jitter_ms, Some(120_000));
        assert!(j.schedule.is_some());
        assert_eq!(j.alerts.len(), 3);
        assert_eq!(j.alerts[0].min_risk, Risk::Medium);
        assert_eq!(j.alerts[1].min_risk, Risk::High);
        assert!(matches!(&j.alerts[1].kind, AlertKind::Command { argv } if argv.len() == 2));
        match &j.alerts[2].kind {
            AlertKind::Email(e) => assert_eq!((e.port, e.tls), (587, SmtpTls::Starttls)),
            other => panic!("{other:?}"),
        }
        assert_ne!(j.alerts[0].key(), j.alerts[1].key());
        assert!(job("", "").unwrap().schedule.is_none());
    }

    #[test]
    fn bad_alerts_name_the_line_and_the_fix() {
        for (alerts, says) in [
            (
                "[[alert]]\nkind = \"pager\"\n",
                "kind \"pager\": give webhook, command or email",
            ),
            ("[[alert]]\nkind = \"webhook\"\n", "need `url`"),
            ("[[alert]]\nkind = \"webhook\"\nurl = \"ftp://x/\"\n", "http or https"),
            (
                "[[alert]]\nkind = \"webhook\"\nurl = \"http://x/\"\ncommand = [\"a\"]\n",
                "`command` is not a key of webhook",
            ),
            ("[[alert]]\nkind = \"command\"\ncommand = []\n", "need `command`"),
            (
                "[[alert]]\nkind = \"email\"\nsmtp_host = \"m\"\nfrom = \"not an address\"\nto = [\"a@b.c\"]\n",
                "not an e-mail address",
            ),
            (
                "[[alert]]\nkind = \"email\"\nsmtp_host = \"m\"\nfrom = \"a@b.c\"\n",
                "need `to`",
            ),
            (
                "[[alert]]\nkind = \"webhook\"\nurl = \"http://x/\"\nmin_risk = \"severe\"\n",
                "min_risk",
            ),
            (
                "[[alert]]\nkind = \"webhook\"\nurl = \"http://x/\"\nheaders = { \"a b\" = \"c\" }\n",
                "header",
            ),
        ] {
            let e = job("", alerts).unwrap_err();
            assert!(e.starts_with("job.toml:8: [[alert]]"), "{alerts}: {e}");
            assert!(e.contains(says), "{alerts}: {e}");
        }
        let e = job("schedule = \"sometimes\"", "").unwrap_err();
        assert!(e.starts_with("job.toml:3: [job] schedule \"sometimes\""), "{e}");
        let e = job("jitter = \"5m\"", "").unwrap_err();
        assert!(e.contains("jitter needs a schedule"), "{e}");
    }
}
