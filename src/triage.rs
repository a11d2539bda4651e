//! The investigator's commands on a stored database: `listings` (a filtered
//! table), `review` (set a status, or show the history) and `export` (with
//! its manifest). The web UI (`serve`) uses the same store calls.

use crate::cli::{FilterArgs, ScanFormat};
use crate::escape::{column, json_safe, term_safe};
use crate::export::{Format, HashingWriter, Manifest, ManifestFile};
use crate::store::{ListingFilter, ListingRow, Paging, ReviewEvent, ReviewStatus, Since, Store};
use anyhow::{Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Rows a `listings` table shows when `--limit` is not given.
pub const DEFAULT_TABLE_ROWS: u64 = 50;

/// `precwatch listings`: prints one page of the filtered listings.
pub fn listings(
    store: &Store,
    filter: &FilterArgs,
    format: ScanFormat,
    limit: Option<u64>,
    offset: u64,
) -> Result<i32> {
    let limit = match (limit, format) {
        (Some(0), _) => None,
        (Some(n), _) => Some(n),
        (None, ScanFormat::Text) => Some(DEFAULT_TABLE_ROWS),
        (None, ScanFormat::Json) => None,
    };
    let page = store.listings(&filter.to_filter(), Paging { offset, limit })?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match format {
        ScanFormat::Json => {
            for row in &page.rows {
                writeln!(out, "{}", json_safe(&serde_json::to_string(row)?))?;
            }
        }
        ScanFormat::Text => write_table(&mut out, &page.rows)?,
    }
    out.flush()?;
    let shown = page.rows.len() as u64;
    if shown < page.total {
        let first = offset.saturating_add(1).min(page.total);
        eprintln!(
            "listings {first}-{} of {} (--offset and --limit for more)",
            offset.saturating_add(shown),
            page.total
        );
    } else {
        eprintln!("{} listings", page.total);
    }
    Ok(0)
}

fn write_table(out: &mut dyn Write, rows: &[ListingRow]) -> std::io::Result<()> {
    writeln!(
        out,
        "{} {} {} {} {} {} URL",
        column("ID", 7),
        column("RISK", 6),
        column("STATUS", 14),
        column("STATE", 9),
        column("TITLE", 40),
        column("MATCHED", 28)
    )?;
    for r in rows {
        writeln!(
            out,
            "{} {} {} {} {} {} {}",
            column(&r.id.to_string(), 7),
            column(r.risk.as_str(), 6),
            column(r.review_status.as_str(), 14),
            column(r.state.as_str(), 9),
            column(&term_safe(&r.title), 40),
            column(&term_safe(&r.matched.join(", ")), 28),
            term_safe(&r.url)
        )?;
    }
    Ok(())
}

/// The reviewer's name: `--by`, else `$USER`.
pub fn reviewer(by: Option<&str>) -> Result<String> {
    by.map(str::to_string)
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .filter(|s| !s.trim().is_empty())
        .context("--by: name the reviewer (no $USER to default to)")
}

/// `precwatch review`: records a status change, or prints the history.
pub fn review(
    store: &mut Store,
    listing_id: i64,
    status: Option<ReviewStatus>,
    note: Option<&str>,
    by: Option<&str>,
    format: ScanFormat,
) -> Result<i32> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match status {
        Some(status) => {
            let event = store.review(listing_id, status, note, &reviewer(by)?)?;
            match format {
                ScanFormat::Json => writeln!(out, "{}", json_safe(&serde_json::to_string(&event)?))?,
                ScanFormat::Text => write_event(&mut out, &event)?,
            }
        }
        None => {
            if note.is_some() {
                anyhow::bail!("--note needs --status (a note is kept with a status change; give the current status to add only a note)");
            }
            let history = store.review_history(listing_id)?;
            if history.is_empty() && !store.listing_exists(listing_id)? {
                anyhow::bail!("no listing has id {listing_id} (see `precwatch listings`)");
            }
            match format {
                ScanFormat::Json => writeln!(out, "{}", json_safe(&serde_json::to_string(&history)?))?,
                ScanFormat::Text if history.is_empty() => writeln!(out, "listing {listing_id}: not reviewed yet")?,
                ScanFormat::Text => {
                    for e in &history {
                        write_event(&mut out, e)?;
                    }
                }
            }
        }
    }
    out.flush()?;
    Ok(0)
}

fn write_event(out: &mut dyn Write, e: &ReviewEvent) -> std::io::Result<()> {
    let status = |s: Option<ReviewStatus>| s.map_or("?", ReviewStatus::as_str);
    write!(
        out,
        "{} listing {} {} -> {} by {}",
        e.at,
        e.listing_id,
        status(e.old_status),
        status(e.new_status),
        term_safe(&e.by)
    )?;
    match &e.note {
        Some(n) => writeln!(out, ": {}", term_safe(n)),
        None => writeln!(out),
    }
}

/// `precwatch export`: writes the export to `out` (or standard output)
/// through a temporary file, then the manifest with the file's SHA-256.
pub fn export(
    store: &Store,
    format: Format,
    filter: &FilterArgs,
    out: Option<&Path>,
    manifest: Option<&Path>,
) -> Result<i32> {
    let f = filter.to_filter();
    let (n, file) = match out {
        Some(path) => {
            // Write to a temporary file and rename: a failed export never leaves half a file.
            let tmp = partial_beside(path);
            let file = std::fs::File::create(&tmp).with_context(|| format!("{}: cannot create", tmp.display()))?;
            let mut w = HashingWriter::new(std::io::BufWriter::new(file));
            let n = crate::export::export(store, format, &f, &mut w)?;
            let (inner, sha256, bytes) = w.finish();
            inner
                .into_inner()
                .map_err(|e| e.into_error())
                .and_then(|f| f.sync_all())
                .with_context(|| format!("{}: cannot write", tmp.display()))?;
            std::fs::rename(&tmp, path).with_context(|| format!("{}: cannot write", path.display()))?;
            let name = path
                .file_name()
                .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
            (
                n,
                ManifestFile {
                    path: name,
                    sha256,
                    bytes,
                },
            )
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = HashingWriter::new(std::io::BufWriter::new(stdout.lock()));
            let n = crate::export::export(store, format, &f, &mut w)?;
            w.flush()?;
            let (_, sha256, bytes) = w.finish();
            (
                n,
                ManifestFile {
                    path: "-".into(),
                    sha256,
                    bytes,
                },
            )
        }
    };
    let manifest_path: Option<PathBuf> = manifest.map(Path::to_path_buf).or_else(|| out.map(manifest_beside));
    eprintln!("exported {n} listings ({} bytes, sha256 {})", file.bytes, file.sha256);
    if let Some(mp) = manifest_path {
        let m = Manifest {
            manifest: crate::export::MANIFEST_FORMAT.into(),
            tool_version: env!("CARGO_PKG_VERSION").into(),
            created_at: crate::store::now(),
            db: store.display_name(),
            schema_version: store.schema_version()?,
            format: format.extension().into(),
            filter: filter_json(&f),
            listings: n,
            files: vec![file],
        };
        std::fs::write(&mp, m.to_json()).with_context(|| format!("{}: cannot write the manifest", mp.display()))?;
        eprintln!("manifest: {}", term_safe(&mp.display().to_string()));
    }
    Ok(0)
}

/// `FILE.partial` beside an export file: the name is the whole file name
/// plus `.partial`, so two exports to `x.csv` and `x.html` never share it.
pub fn partial_beside(out: &Path) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    out.with_file_name(name)
}

/// `FILE.manifest.json` beside an export file.
pub fn manifest_beside(out: &Path) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(".manifest.json");
    out.with_file_name(name)
}

/// The filter as the manifest records it.
pub fn filter_json(f: &ListingFilter) -> serde_json::Value {
    let since = match &f.since {
        None | Some(Since::All) => serde_json::Value::Null,
        Some(Since::Run(n)) => serde_json::json!({ "run": n }),
        Some(Since::Time(t)) => serde_json::json!({ "time": crate::store::timestamp((*t).into()) }),
    };
    serde_json::json!({
        "min_risk": f.min_risk.unwrap_or(crate::matcher::Risk::None),
        "state": f.states,
        "status": f.statuses.clone().unwrap_or_else(|| vec![
            ReviewStatus::New, ReviewStatus::Confirmed, ReviewStatus::Escalated
        ]),
        "site": f.sites,
        "since": since,
        "search": f.text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_and_manifest_names_keep_the_whole_file_name() {
        assert_eq!(partial_beside(Path::new("out/x.csv")), Path::new("out/x.csv.partial"));
        assert_ne!(partial_beside(Path::new("x.csv")), partial_beside(Path::new("x.html")));
        assert_eq!(manifest_beside(Path::new("x.warc")), Path::new("x.warc.manifest.json"));
    }
}
