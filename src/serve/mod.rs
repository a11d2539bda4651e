//! The review web UI (`precwatch serve`): server-rendered pages over one
//! database, for hours of triage. `handlers.rs` holds the routes, `pages.rs`
//! and `detail.rs` the HTML, `auth.rs` the token, CSRF and headers,
//! `query.rs` the filters in the query string.
//!
//! Invariants:
//! - Crawled text reaches a page only through `crate::html` (escaped,
//!   highlighted); the captured page is shown as escaped text, never markup.
//! - No inline script or handler: the CSP allows only `/static/app.js`.
//! - State changes are POSTs with this server start's CSRF token.
//! - The store (one SQLite connection, not `Sync`) is used behind a mutex
//!   on the blocking pool, never on the async workers.

mod auth;
mod detail;
mod handlers;
mod pages;
mod query;

use crate::store::{Store, StoreError};
use anyhow::Context;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// A seller report and the [`Store::data_version`] it was computed at.
type CachedReport = (i64, Arc<crate::store::SellerReport>);

/// What every handler shares: the store, the security settings, the reviewer name.
#[derive(Clone)]
pub struct AppState {
    store: Arc<Mutex<Store>>,
    sec: Arc<auth::Security>,
    by: Arc<str>,
    /// The seller report of `/clusters` and the [`Store::data_version`] it
    /// was computed at: computed over the whole database, so computed again
    /// only after another process (a crawl) wrote to it.
    clusters: Arc<Mutex<Option<CachedReport>>>,
    /// The identifiers' links the detail page's cluster lookups keep between requests.
    links: Arc<Mutex<crate::store::LinkCache>>,
}

impl AppState {
    /// Runs `f` on the store on the blocking pool (SQLite work must not hold an async worker).
    async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || {
            let mut s = store.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            f(&mut s)
        })
        .await
        .map_err(|e| AppError::Internal(format!("the database task failed: {e}")))?
    }
}

/// Why a request failed; each becomes an error page with its status.
#[derive(Debug)]
pub enum AppError {
    /// A bad query-string or form value (400).
    BadRequest(String),
    /// A refused state change: wrong CSRF token (403).
    Forbidden(String),
    /// No such listing (404).
    NotFound(String),
    /// The database or an export failed (500).
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Query(m) => AppError::BadRequest(m),
            e => AppError::Internal(e.to_string()),
        }
    }
}

impl From<query::BadQuery> for AppError {
    fn from(e: query::BadQuery) -> Self {
        AppError::BadRequest(e.0)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, msg) = match self {
            AppError::BadRequest(m) => (StatusCode::BAD_REQUEST, m),
            AppError::Forbidden(m) => (StatusCode::FORBIDDEN, m),
            AppError::NotFound(m) => (StatusCode::NOT_FOUND, m),
            AppError::Internal(m) => {
                tracing::error!("serve: {m}");
                (StatusCode::INTERNAL_SERVER_ERROR, m)
            }
        };
        (status, Html(pages::error_page(status, &msg))).into_response()
    }
}

/// The UI's routes behind the security middleware.
pub fn router(state: AppState) -> Router {
    let sec = state.sec.clone();
    Router::new()
        .route("/", get(handlers::list))
        .route("/listing/{id}", get(handlers::detail))
        .route("/listing/{id}/review", post(handlers::review))
        .route("/clusters", get(handlers::clusters))
        .route("/export", get(handlers::export))
        .route("/static/app.css", get(handlers::css))
        .route("/static/app.js", get(handlers::js))
        .fallback(|| async { AppError::NotFound("no such page".into()) })
        .with_state(state)
        .layer(axum::middleware::from_fn_with_state(sec, auth::guard))
}

/// Serves the UI on `addr` until Ctrl-C or SIGTERM. Refuses an address off
/// loopback unless a token is set (the data is sensitive and unencrypted).
/// Prints `serving http://ADDR/` (the bound address: port 0 picks one).
pub async fn run(db: &Path, addr: SocketAddr, token: Option<String>, by: Option<String>) -> anyhow::Result<i32> {
    let token = token.filter(|t| !t.is_empty());
    if !addr.ip().is_loopback() && token.is_none() {
        anyhow::bail!(
            "--addr {addr} is not loopback: anyone who can reach it would read and change the reviews; \
             set --token (or PRECWATCH_TOKEN), or serve on 127.0.0.1"
        );
    }
    let store = Store::open(db)?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let bound = listener.local_addr()?;
    let state = AppState {
        store: Arc::new(Mutex::new(store)),
        sec: Arc::new(auth::Security::new(bound, token.as_deref())),
        by: by.unwrap_or_default().into(),
        clusters: Arc::default(),
        links: Arc::default(),
    };
    eprintln!(
        "serving http://{bound}/ (database {}; Ctrl-C to stop)",
        crate::store::shown(db)
    );
    if token.is_some() {
        eprintln!("the token is required: open http://{bound}/?token=TOKEN once, or send Authorization: Bearer TOKEN");
    }
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown())
        .await
        .context("the web server failed")?;
    eprintln!("stopped");
    Ok(0)
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
