//! Who may use the UI and how its pages are protected: the access token
//! (bearer header or cookie), the DNS-rebinding guard on the Host header,
//! the Origin check on POSTs, the per-start CSRF token, and the security
//! headers every response carries.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// The Content-Security-Policy of every response: only our own script and
/// style, no frames, no plugins, forms post only to us.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                       form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The cookie that carries the access token after `/?token=T`.
pub const COOKIE: &str = "precwatch_token";

/// The server's secrets and what it answers to, fixed at start.
#[derive(Debug, Clone)]
pub struct Security {
    /// SHA-256 of the access token; None: no token needed (loopback only).
    token_hash: Option<[u8; 32]>,
    /// The CSRF token of this server start (hex), in every review form.
    pub csrf: String,
    /// The port of a loopback server, whose Host header must name loopback
    /// (a DNS-rebinding page names its own host); None: any Host.
    loopback_port: Option<u16>,
    /// The Host names a loopback server answers to: 127.0.0.1, localhost,
    /// [::1] and the address it is bound to (127.0.0.2 is loopback too).
    loopback_hosts: Vec<String>,
}

impl Security {
    /// Security for a server on `addr`, with an optional access token.
    pub fn new(addr: std::net::SocketAddr, token: Option<&str>) -> Security {
        Security {
            token_hash: token.map(|t| Sha256::digest(t.as_bytes()).into()),
            csrf: random_hex(32),
            loopback_port: addr.ip().is_loopback().then_some(addr.port()),
            loopback_hosts: {
                let bound = match addr.ip() {
                    std::net::IpAddr::V4(ip) => ip.to_string(),
                    std::net::IpAddr::V6(ip) => format!("[{ip}]"),
                };
                let mut hosts: Vec<String> = ["127.0.0.1", "localhost", "[::1]"].map(String::from).to_vec();
                if !hosts.contains(&bound) {
                    hosts.push(bound);
                }
                hosts
            },
        }
    }

    /// Whether `given` is the access token (constant time over its hash).
    fn token_is(&self, given: &str) -> bool {
        let given: [u8; 32] = Sha256::digest(given.as_bytes()).into();
        self.token_hash.is_some_and(|h| ct_eq(&h, &given))
    }

    /// The cookie value that stands for the token: its hash, not the token.
    fn cookie_value(&self) -> Option<String> {
        self.token_hash.map(hex::encode)
    }

    /// Whether a request's headers carry the token (bearer or cookie).
    fn authorised(&self, headers: &HeaderMap) -> bool {
        let Some(want) = self.cookie_value() else { return true };
        let bearer = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if bearer.is_some_and(|b| self.token_is(b.trim())) {
            return true;
        }
        cookie(headers, COOKIE).is_some_and(|c| ct_eq(c.as_bytes(), want.as_bytes()))
    }

    /// Whether the Host header names this loopback server (always true off loopback).
    fn host_ok(&self, headers: &HeaderMap) -> bool {
        let Some(port) = self.loopback_port else { return true };
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
        self.loopback_hosts
            .iter()
            .any(|h| host.strip_prefix(h.as_str()) == Some(&format!(":{port}")) || (port == 80 && host == h))
    }
}

/// Whether the CSRF token given with a form is this server's.
pub fn csrf_ok(sec: &Security, given: &str) -> bool {
    ct_eq(given.as_bytes(), sec.csrf.as_bytes())
}

/// Equality that takes the same time wherever the inputs differ.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `n` random bytes as hex, from the OS (fastrand only if /dev/urandom cannot be read).
pub fn random_hex(n: usize) -> String {
    use std::io::Read;
    let mut buf = vec![0u8; n];
    let os = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut buf));
    if os.is_err() {
        buf.iter_mut().for_each(|b| *b = fastrand::u8(..));
    }
    hex::encode(buf)
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The middleware in front of every route: Host, token, Origin, then the
/// security headers on whatever answers (errors included).
pub async fn guard(State(sec): State<Arc<Security>>, req: Request, next: Next) -> Response {
    let mut resp = match refusal(&sec, &req) {
        Some(resp) => resp,
        None => next.run(req).await,
    };
    secure_headers(resp.headers_mut());
    resp
}

/// The response that refuses the request, if it must be refused.
fn refusal(sec: &Security, req: &Request) -> Option<Response> {
    let headers = req.headers();
    if !sec.host_ok(headers) {
        return Some(refuse(StatusCode::MISDIRECTED_REQUEST, "This server answers only to 127.0.0.1, localhost or [::1] with its port (the Host header named another host)."));
    }
    if !sec.authorised(headers) {
        if let Some(resp) = token_login(sec, req) {
            return Some(resp);
        }
        return Some(refuse(StatusCode::UNAUTHORIZED, "This server needs its access token: open /?token=TOKEN once (a cookie keeps it), or send Authorization: Bearer TOKEN."));
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let own = format!(
            "http://{}",
            headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("")
        );
        // Under `Referrer-Policy: no-referrer` browsers send our own forms with
        // `Origin: null`; Sec-Fetch-Site then says where the form came from.
        let origin = headers.get(header::ORIGIN).map(|o| o.as_bytes());
        let site = headers.get("sec-fetch-site").map(|s| s.as_bytes());
        let foreign_origin = origin.is_some_and(|o| o != own.as_bytes() && o != b"null");
        let foreign_site = site.is_some_and(|s| s != b"same-origin" && s != b"none");
        if foreign_origin || foreign_site || (origin == Some(b"null") && site.is_none()) {
            return Some(refuse(
                StatusCode::FORBIDDEN,
                "This form was sent from another site (Origin or Sec-Fetch-Site header); refused.",
            ));
        }
    }
    None
}

/// `GET /?token=T` with the right token: sets the cookie and redirects to `/`
/// (so the token leaves the address bar and history).
fn token_login(sec: &Security, req: &Request) -> Option<Response> {
    if req.method() != Method::GET || req.uri().path() != "/" {
        return None;
    }
    let given = super::query::pairs(req.uri().query().unwrap_or(""))
        .into_iter()
        .find(|(k, _)| k == "token")?
        .1;
    if !sec.token_is(&given) {
        return None;
    }
    let cookie = format!("{COOKIE}={}; HttpOnly; SameSite=Strict; Path=/", sec.cookie_value()?);
    let mut resp = Response::new(Body::empty());
    *resp.status_mut() = StatusCode::SEE_OTHER;
    let h = resp.headers_mut();
    h.insert(header::LOCATION, HeaderValue::from_static("/"));
    h.insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).ok()?);
    Some(resp)
}

fn refuse(status: StatusCode, why: &str) -> Response {
    (status, axum::response::Html(super::pages::error_page(status, why))).into_response()
}

/// Adds the headers every response carries.
pub fn secure_headers(h: &mut HeaderMap) {
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_hosts() {
        let addr: std::net::SocketAddr = "127.0.0.1:8765".parse().unwrap();
        let sec = Security::new(addr, Some("s3cret"));
        assert!(sec.token_is("s3cret") && !sec.token_is("s3cre") && !sec.token_is(""));
        let mut h = HeaderMap::new();
        assert!(!sec.authorised(&h));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer s3cret"));
        assert!(sec.authorised(&h));
        let mut c = HeaderMap::new();
        c.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("a=b; {COOKIE}={}", sec.cookie_value().unwrap())).unwrap(),
        );
        assert!(sec.authorised(&c));
        c.insert(header::HOST, HeaderValue::from_static("evil.example:8765"));
        assert!(!sec.host_ok(&c));
        c.insert(header::HOST, HeaderValue::from_static("localhost:8765"));
        assert!(sec.host_ok(&c));
        c.insert(header::HOST, HeaderValue::from_static("127.0.0.2:8765"));
        assert!(!sec.host_ok(&c), "another loopback address than the bound one");
        let other: std::net::SocketAddr = "127.0.0.2:8765".parse().unwrap();
        assert!(Security::new(other, None).host_ok(&c), "the bound address");
        c.insert(header::HOST, HeaderValue::from_static("127.0.0.2:8766"));
        assert!(!Security::new(other, None).host_ok(&c), "another port");
        assert_eq!(sec.csrf.len(), 64);
        assert_ne!(sec.csrf, Security::new(addr, None).csrf);
    }
}
