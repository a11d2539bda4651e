//! Export of stored listings: JSON Lines (one listing per line) and CSV.
//!
//! Crawled text is hostile: CSV cells that a spreadsheet would run as a
//! formula are prefixed with a quote.

use crate::matcher::Risk;
use crate::store::{ExportListing, Store, StoreError};
use std::io::Write;

/// The export format (`export --format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One JSON object per line: every field, hits and evidence included.
    Jsonl,
    /// One row per listing, for spreadsheets (formulas neutralised).
    Csv,
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Reading the database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Writing to the output failed.
    #[error("writing the export failed: {0}")]
    Io(#[from] std::io::Error),
    /// The CSV writer failed (usually an I/O error underneath).
    #[error("writing CSV failed: {0}")]
    Csv(#[from] csv::Error),
}

/// One JSON line: the listing plus the evidence essentials at the top level.
#[derive(serde::Serialize)]
struct Line<'a> {
    #[serde(flatten)]
    listing: &'a ExportListing,
    sha256: Option<&'a str>,
    fetched_at: &'a str,
}

/// Writes listings at or above `min_risk`; returns how many.
pub fn export(store: &Store, format: Format, min_risk: Risk, out: &mut dyn Write) -> Result<usize, ExportError> {
    let listings = store.export_listings(min_risk)?;
    match format {
        Format::Jsonl => {
            for l in &listings {
                let line = Line {
                    listing: l,
                    sha256: l.evidence.sha256.as_deref(),
                    fetched_at: &l.evidence.fetched_at,
                };
                let json = serde_json::to_string(&line).map_err(std::io::Error::other)?;
                out.write_all(crate::escape::json_safe(&json).as_bytes())?;
                out.write_all(b"\n")?;
            }
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut *out);
            w.write_record([
                "url",
                "site",
                "title",
                "risk",
                "score",
                "state",
                "first_seen",
                "last_seen",
                "rules",
                "cas",
                "matched",
                "sellers",
                "sha256",
                "fetched_at",
                "cluster",
                "commodities",
                "unlisted",
            ])?;
            for l in &listings {
                let mut rules: Vec<&str> = l.hits.iter().map(|h| h.rule.as_str()).collect();
                rules.dedup();
                let matched: Vec<&str> = l.hits.iter().map(|h| h.matched.as_str()).collect();
                let sellers: Vec<String> = l.sellers.iter().map(|s| format!("{}:{}", s.kind, s.value)).collect();
                let record = [
                    l.url.clone(),
                    l.site.clone(),
                    l.title.clone(),
                    l.risk.to_string(),
                    format!("{}", l.score),
                    l.state.clone(),
                    l.first_seen.clone(),
                    l.last_seen.clone(),
                    rules.join("; "),
                    cas_only(&l.named.substances).join("; "),
                    matched.join("; "),
                    sellers.join("; "),
                    l.evidence.sha256.clone().unwrap_or_default(),
                    l.evidence.fetched_at.clone(),
                    l.cluster.map(|c| c.to_string()).unwrap_or_default(),
                    l.named.commodities.join("; "),
                    l.named.unlisted.join("; "),
                ];
                w.write_record(record.iter().map(|c| csv_safe(c)))?;
            }
            w.flush()?;
        }
    }
    Ok(listings.len())
}

/// The CAS numbers of a substance list (the `cas` column): watched
/// substances only, never commodities or unlisted leads (their own columns).
fn cas_only(list: &[String]) -> Vec<&str> {
    list.iter()
        .map(String::as_str)
        .filter(|s| crate::matcher::cas::is_syntactic(s))
        .collect()
}

/// Neutralises spreadsheet formulas (CWE-1236): a cell starting with = + - @
/// tab or carriage return gets a leading apostrophe. Control characters
/// (ESC, BEL, C1, bidi overrides: terminal and display injection) are shown
/// as `\u{..}` escapes; newlines and tabs inside a cell are kept (CSV quotes them).
pub fn csv_safe(cell: &str) -> String {
    let cell = crate::escape::controls_escaped(cell);
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell
    }
}

#[cfg(test)]
mod tests {
    use super::csv_safe;
    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(csv_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_safe("+86 555"), "'+86 555");
        assert_eq!(csv_safe("@cmd"), "'@cmd");
        assert_eq!(csv_safe("plain"), "plain");
        assert_eq!(csv_safe("a\x1b[31mred\x07"), "a\\u{1b}[31mred\\u{7}");
        assert_eq!(csv_safe("\u{202e}gpj.exe"), "\\u{202e}gpj.exe");
        assert_eq!(csv_safe("two\nlines"), "two\nlines");
    }
}
