//! `precwatch runs`: each run accounted for, newest first, as a table or JSON.

use crate::cli::ScanFormat;
use crate::escape::{column, json_safe, term_safe};
use crate::store::{RunReport, Store};
use anyhow::Result;
use std::io::Write;

/// Prints the runs (of `job`, or run `run` alone), at most `limit`.
pub fn print(store: &Store, job: Option<&str>, run: Option<i64>, format: ScanFormat, limit: usize) -> Result<i32> {
    let reports = match run {
        Some(id) => vec![store
            .run_report(id)?
            .ok_or_else(|| anyhow::anyhow!("no run has id {id} (see `precwatch runs`)"))?],
        None => store.run_reports(job, limit)?,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match (format, run) {
        (ScanFormat::Json, Some(_)) => writeln!(out, "{}", json_safe(&serde_json::to_string_pretty(&reports[0])?))?,
        (ScanFormat::Json, None) => {
            for r in &reports {
                writeln!(out, "{}", json_safe(&serde_json::to_string(r)?))?;
            }
        }
        (ScanFormat::Text, Some(_)) => write_one(&mut out, &reports[0])?,
        (ScanFormat::Text, None) => write_table(&mut out, &reports)?,
    }
    out.flush()?;
    Ok(0)
}

fn risk_counts(r: &RunReport) -> String {
    ["high", "medium", "low", "none"]
        .iter()
        .map(|k| format!("{}", r.listings_by_risk.get(*k).copied().unwrap_or(0)))
        .collect::<Vec<_>>()
        .join("/")
}

fn alerts_cell(r: &RunReport) -> String {
    if r.alerts.is_empty() {
        return "-".into();
    }
    let ok = r.alerts.iter().filter(|a| a.ok).count();
    format!("{ok}/{} ok", r.alerts.len())
}

fn write_table(out: &mut dyn Write, reports: &[RunReport]) -> std::io::Result<()> {
    writeln!(
        out,
        "{} {} {} {} {} {} {} {} {} FAILED ALERTS",
        column("RUN", 6),
        column("JOB", 16),
        column("STARTED", 24),
        column("STATUS", 11),
        column("PAGES", 7),
        column("H/M/L/N", 16),
        column("NEW", 6),
        column("CHANGED", 8),
        column("GONE", 6),
    )?;
    for r in reports {
        writeln!(
            out,
            "{} {} {} {} {} {} {} {} {} {} {}",
            column(&r.id.to_string(), 6),
            column(&term_safe(&r.job), 16),
            column(&r.started_at, 24),
            column(&r.status, 11),
            column(&r.pages.to_string(), 7),
            column(&risk_counts(r), 16),
            column(&r.new.to_string(), 6),
            column(&r.changed.to_string(), 8),
            column(&r.gone.to_string(), 6),
            column(&r.failed.to_string(), 6),
            alerts_cell(r)
        )?;
    }
    Ok(())
}

fn write_one(out: &mut dyn Write, r: &RunReport) -> std::io::Result<()> {
    writeln!(out, "run {} of job {}", r.id, term_safe(&r.job))?;
    writeln!(out, "  started   {}", r.started_at)?;
    writeln!(out, "  finished  {}", r.finished_at.as_deref().unwrap_or("-"))?;
    writeln!(
        out,
        "  status    {}{}",
        r.status,
        if r.complete { " (frontier exhausted)" } else { "" }
    )?;
    writeln!(out, "  pages     {} fetched, {} entries failed", r.pages, r.failed)?;
    writeln!(out, "  listings  high/medium/low/none {}", risk_counts(r))?;
    writeln!(out, "            {} new, {} changed, {} gone", r.new, r.changed, r.gone)?;
    writeln!(out, "  errors    {}", term_safe(&r.errors.to_string()))?;
    writeln!(
        out,
        "  provenance job sha256 {}, rules {}, precwatch {}, host {}",
        r.job_sha256,
        r.rules_sha256,
        term_safe(&r.tool_version),
        term_safe(r.hostname.as_deref().unwrap_or("-"))
    )?;
    for a in &r.alerts {
        let status = match &a.error {
            None => "ok".to_string(),
            Some(e) => format!("FAILED: {}", term_safe(e)),
        };
        writeln!(
            out,
            "  alert     {} {} to {}: {} listings, {status}",
            a.at,
            a.kind,
            term_safe(&a.target),
            a.listings
        )?;
    }
    Ok(())
}
