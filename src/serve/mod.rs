//! The review web UI (`precwatch serve`). Placeholder: filled in this session.

use std::net::SocketAddr;
use std::path::Path;

/// Serves the UI until interrupted.
pub async fn run(_db: &Path, _addr: SocketAddr, _token: Option<String>, _by: Option<String>) -> anyhow::Result<i32> {
    anyhow::bail!("serve is not written yet")
}
