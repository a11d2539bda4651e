//! The manifest of an export: what was exported, from which database, with
//! which filter, and the SHA-256 and size of every file written, so a
//! recipient can check that nothing was altered since.

use sha2::{Digest, Sha256};
use std::io::Write;

/// A writer that hashes and counts what passes through it.
pub struct HashingWriter<W: Write> {
    inner: W,
    hash: Sha256,
    bytes: u64,
}

impl<W: Write> HashingWriter<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Self {
        HashingWriter {
            inner,
            hash: Sha256::new(),
            bytes: 0,
        }
    }

    /// The inner writer, the SHA-256 (lowercase hex) and the byte count of everything written.
    pub fn finish(self) -> (W, String, u64) {
        (self.inner, hex::encode(self.hash.finalize()), self.bytes)
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes = self.bytes.saturating_add(n as u64);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// One file an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ManifestFile {
    /// Its name, relative to the manifest's folder (or `-` for standard output).
    pub path: String,
    /// SHA-256 of its bytes, lowercase hex.
    pub sha256: String,
    /// Its size in bytes.
    pub bytes: u64,
}

/// What an export wrote and from what (`<out>.manifest.json`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    /// `precwatch-export-manifest/1`.
    pub manifest: String,
    /// The precwatch version that wrote it.
    pub tool_version: String,
    /// When (RFC 3339 UTC).
    pub created_at: String,
    /// The database exported from, as given.
    pub db: String,
    /// The database's schema version.
    pub schema_version: i64,
    /// The format (`jsonl`, `csv`, `html`, `warc`, `graphml`).
    pub format: String,
    /// The filter, as the command line gave it (`min_risk`, `state`, `status`, `site`, `since`, `search`).
    pub filter: serde_json::Value,
    /// How many listings were exported.
    pub listings: usize,
    /// The files written, with their hashes.
    pub files: Vec<ManifestFile>,
}

/// The manifest's format name, so a reader can tell versions apart.
pub const MANIFEST_FORMAT: &str = "precwatch-export-manifest/1";

impl Manifest {
    /// The manifest as pretty JSON with a final newline (control characters escaped).
    pub fn to_json(&self) -> String {
        let json = serde_json::to_string_pretty(self).unwrap_or_default();
        format!("{}\n", crate::escape::json_safe(&json))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashing_writer_hashes_what_passed() {
        let mut w = HashingWriter::new(Vec::new());
        w.write_all(b"ab").unwrap();
        w.write_all(b"c").unwrap();
        let (inner, sha, n) = w.finish();
        assert_eq!(inner, b"abc");
        assert_eq!(n, 3);
        assert_eq!(sha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
