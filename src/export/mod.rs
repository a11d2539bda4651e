//! Export of stored listings: JSON Lines (one listing per line), CSV, a
//! self-contained HTML report, WARC 1.1 of the stored evidence, and the
//! seller graph as GraphML; every export is limited by a [`ListingFilter`]
//! and described by a [`Manifest`] (`manifest.rs`).
//!
//! Crawled text is hostile: CSV cells that a spreadsheet would run as a
//! formula are prefixed with a quote, control characters are shown as
//! escapes, HTML and XML are escaped.

mod graphml;
mod html;
mod manifest;
mod warc;

pub use manifest::{HashingWriter, Manifest, ManifestFile, MANIFEST_FORMAT};

use crate::store::{ExportListing, ListingFilter, Store, StoreError};
use std::io::Write;

/// The export format (`export --format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// One JSON object per line: every field, hits and evidence included.
    Jsonl,
    /// One row per listing, for spreadsheets: UTF-8 with a BOM, formulas neutralised.
    Csv,
    /// A self-contained HTML report: listings with highlighted hits, seller clusters, run provenance.
    Html,
    /// WARC 1.1: the stored request and response of each listing's evidence, for WARC tools.
    Warc,
    /// The seller graph (listings, identifiers, clusters) for Gephi and Maltego.
    Graphml,
}

impl Format {
    /// The file extension for this format.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Html => "html",
            Format::Warc => "warc",
            Format::Graphml => "graphml",
        }
    }

    /// The media type for this format (the web UI's downloads).
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Jsonl => "application/x-ndjson; charset=utf-8",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Html => "text/html; charset=utf-8",
            Format::Warc => "application/warc",
            Format::Graphml => "application/graphml+xml; charset=utf-8",
        }
    }
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

/// The UTF-8 byte order mark: Excel reads a CSV as UTF-8 only after it
/// (without it, Chinese text opens as mojibake).
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Writes the listings that pass `filter` in `format`; returns how many.
pub fn export(
    store: &Store,
    format: Format,
    filter: &ListingFilter,
    out: &mut dyn Write,
) -> Result<usize, ExportError> {
    let listings = store.export_listings(filter)?;
    match format {
        Format::Jsonl => jsonl(&listings, out)?,
        Format::Csv => csv_rows(&listings, out)?,
        Format::Html => html::write(store, filter, &listings, out)?,
        Format::Warc => warc::write(store, &listings, out)?,
        Format::Graphml => graphml::write(store, &listings, out)?,
    }
    Ok(listings.len())
}

fn jsonl(listings: &[ExportListing], out: &mut dyn Write) -> Result<(), ExportError> {
    for l in listings {
        let line = Line {
            listing: l,
            sha256: l.evidence.sha256.as_deref(),
            fetched_at: &l.evidence.fetched_at,
        };
        let json = serde_json::to_string(&line).map_err(std::io::Error::other)?;
        out.write_all(crate::escape::json_safe(&json).as_bytes())?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

fn csv_rows(listings: &[ExportListing], out: &mut dyn Write) -> Result<(), ExportError> {
    out.write_all(UTF8_BOM)?;
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
        "id",
        "review_status",
    ])?;
    for l in listings {
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
            l.id.to_string(),
            l.review_state.to_string(),
        ];
        w.write_record(record.iter().map(|c| csv_safe(c)))?;
    }
    w.flush()?;
    Ok(())
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
