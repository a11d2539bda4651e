//! Checking a configured proxy before a crawl starts.
//!
//! Investigators route crawls through a proxy (Tor, a SOCKS tunnel, a
//! commercial HTTP proxy) so the sites never see their own address. A crawl
//! whose proxy is down must not start and must never fall back to a direct
//! connection: [`check`] resolves the proxy's host under the address guard,
//! connects to it, and for SOCKS5 proxies exchanges the protocol greeting, so
//! a wrong port or a dead tunnel is reported before the run is recorded.

use super::guard::is_public;
use crate::config::Proxy;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Why a proxy cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ProxyError {
    /// The proxy's host did not resolve.
    #[error("proxy {proxy}: cannot resolve its host: {source}")]
    Resolve {
        /// The proxy, without credentials.
        proxy: String,
        /// The resolver's error.
        source: std::io::Error,
    },
    /// The proxy's address is private and `allow_private` is off.
    #[error("proxy {proxy} is at the non-public address {ip}; a proxy on this machine (loopback) is allowed, any other private address needs allow_private = true in [crawl]")]
    Private {
        /// The proxy, without credentials.
        proxy: String,
        /// The address it resolved to.
        ip: std::net::IpAddr,
    },
    /// Nothing answered, or something that is not a proxy of that kind.
    #[error("proxy {proxy} does not work: {why}; the crawl does not start without it")]
    Unreachable {
        /// The proxy, without credentials.
        proxy: String,
        /// What went wrong.
        why: String,
    },
}

/// Resolves, guards and connects to `proxy` (for SOCKS5, also the greeting).
pub async fn check(proxy: &Proxy, allow_private: bool, timeout: Duration) -> Result<(), ProxyError> {
    let name = proxy.display();
    let host = proxy
        .url
        .host_str()
        .unwrap_or("")
        .trim_start_matches('[')
        .trim_end_matches(']');
    let port = proxy.url.port_or_known_default().unwrap_or(1080);
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|source| ProxyError::Resolve {
            proxy: name.clone(),
            source,
        })?
        .collect();
    if let Some(bad) = addrs
        .iter()
        .find(|a| !(allow_private || is_public(a.ip()) || a.ip().is_loopback()))
    {
        return Err(ProxyError::Private {
            proxy: name,
            ip: bad.ip(),
        });
    }
    let unreachable = |why: String| ProxyError::Unreachable {
        proxy: name.clone(),
        why,
    };
    let attempt = async {
        let mut stream = tokio::net::TcpStream::connect(&addrs[..])
            .await
            .map_err(|e| format!("cannot connect: {e}"))?;
        if proxy.url.scheme().starts_with("socks5") {
            socks5_greeting(&mut stream, !proxy.url.username().is_empty()).await?;
        }
        Ok::<(), String>(())
    };
    match tokio::time::timeout(timeout, attempt).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(why)) => Err(unreachable(why)),
        Err(_) => Err(unreachable(format!("no answer within {} ms", timeout.as_millis()))),
    }
}

/// RFC 1928 §3: offer "no authentication" (and username/password when the URL
/// has credentials) and expect the server to pick one of them.
async fn socks5_greeting(stream: &mut tokio::net::TcpStream, with_auth: bool) -> Result<(), String> {
    let hello: &[u8] = if with_auth { &[5, 2, 0, 2] } else { &[5, 1, 0] };
    stream
        .write_all(hello)
        .await
        .map_err(|e| format!("SOCKS5 greeting failed: {e}"))?;
    let mut answer = [0u8; 2];
    stream
        .read_exact(&mut answer)
        .await
        .map_err(|e| format!("no SOCKS5 answer: {e}"))?;
    match answer {
        [5, 0] => Ok(()),
        [5, 2] if with_auth => Ok(()),
        [5, 0xff] => Err("the SOCKS5 server accepts none of our authentication methods".into()),
        other => Err(format!("not a SOCKS5 server (answered {other:02x?})")),
    }
}
