//! The routes: each reads its input, does its database work off the async
//! workers (see [`AppState::db`]) and renders a page.

use super::detail::{detail_page, Detail, FormContext};
use super::pages::{clusters_page, list_page};
use super::query::{pairs, ListQuery, PAGE_ROWS};
use super::{AppError, AppState};
use crate::export::Format;
use crate::store::{ListingFilter, Paging, ReviewError, ReviewStatus};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use futures_util::StreamExt;
use std::io::Write as _;

/// `GET /`: one page of the filtered list.
pub async fn list(State(app): State<AppState>, RawQuery(raw): RawQuery) -> Result<Html<String>, AppError> {
    let q = ListQuery::parse(raw.as_deref().unwrap_or(""))?;
    let filter = q.filter();
    let paging = Paging {
        offset: (q.page - 1) * PAGE_ROWS,
        limit: Some(PAGE_ROWS),
    };
    let (sites, page) = app.db(move |s| Ok((s.sites()?, s.listings(&filter, paging)?))).await?;
    Ok(Html(list_page(&q, &sites, &page)))
}

fn listing_id(raw: &str) -> Result<i64, AppError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| AppError::BadRequest(format!("{raw:?} is not a listing id (a positive number)")))
}

/// `GET /listing/{id}`: the detail, with neighbours in the list's filter.
pub async fn detail(
    State(app): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Html<String>, AppError> {
    let id = listing_id(&id)?;
    let raw = raw.unwrap_or_default();
    let q = ListQuery::parse(&raw)?;
    let reviewed = pairs(&raw)
        .into_iter()
        .find(|(k, _)| k == "reviewed")
        .and_then(|(_, v)| v.parse::<i64>().ok());
    let filter = q.filter();
    let links = app.links.clone();
    let d = app
        .db(move |s| {
            let mut links = links.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            read_detail(s, &mut links, &filter, id, reviewed)
        })
        .await?;
    let ctx = FormContext {
        query: &q,
        csrf: &app.sec.csrf,
        by: &app.by,
    };
    Ok(Html(detail_page(&d, &ctx)))
}

fn read_detail(
    s: &mut crate::store::Store,
    links: &mut crate::store::LinkCache,
    filter: &ListingFilter,
    id: i64,
    reviewed: Option<i64>,
) -> Result<Detail, AppError> {
    let listing = s
        .export_listing(id, links)?
        .ok_or_else(|| AppError::NotFound(format!("no listing has id {id}")))?;
    let nav = s.neighbours(filter, id)?.unwrap_or_default();
    let total = s
        .listings(
            filter,
            Paging {
                offset: 0,
                limit: Some(0),
            },
        )?
        .total;
    let reviewed = match reviewed {
        Some(r) => s
            .review_history(r)?
            .last()
            .and_then(|ev| ev.new_status)
            .map(|st| (r, st)),
        None => None,
    };
    Ok(Detail {
        history: s.review_history(id)?,
        page_text: s.version_text(listing.version_id)?,
        listing,
        nav,
        total,
        reviewed,
    })
}

/// `POST /listing/{id}/review`: records the status (CSRF checked), then
/// goes on to the next listing of the filter (or back to this one).
pub async fn review(
    State(app): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    body: String,
) -> Result<Response, AppError> {
    let id = listing_id(&id)?;
    let q = ListQuery::parse(raw.as_deref().unwrap_or(""))?;
    let form = pairs(&body);
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    if !super::auth::csrf_ok(&app.sec, &field("csrf").unwrap_or_default()) {
        return Err(AppError::Forbidden(
            "the form's CSRF token is missing or stale (the server restarted?): reload the page and try again".into(),
        ));
    }
    let status = field("status").unwrap_or_default();
    let status = ReviewStatus::parse(&status)
        .filter(|_| status != "unreviewed")
        .ok_or_else(|| {
            AppError::BadRequest(format!(
                "status {status:?}: give new, confirmed, false_positive or escalated"
            ))
        })?;
    let note = field("note");
    let by = field("by").unwrap_or_default();
    let filter = q.filter();
    let next = app
        .db(move |s| {
            s.review(id, status, note.as_deref(), &by).map_err(review_error)?;
            Ok(s.neighbours(&filter, id)?.and_then(|n| n.next))
        })
        .await?;
    let qs = q.filter_qs();
    let target = super::query::join_qs(&qs, &format!("reviewed={id}"));
    Ok(Redirect::to(&format!("/listing/{}?{target}", next.unwrap_or(id))).into_response())
}

fn review_error(e: ReviewError) -> AppError {
    match e {
        ReviewError::NoSuchListing(_) => AppError::NotFound(e.to_string()),
        ReviewError::BadName | ReviewError::NoteTooLong => {
            // The store speaks of the CLI's flags; the form's fields are "reviewer" and "note".
            AppError::BadRequest(e.to_string().replace("--by:", "reviewer:").replace("--note:", "note:"))
        }
        ReviewError::Store(s) => s.into(),
    }
}

/// `GET /clusters?page=N` (or `?id=C`: that cluster alone): one page of the seller clusters. The report is
/// computed over the whole database, so it is kept until another process
/// writes to the database (its `data_version` changes).
pub async fn clusters(State(app): State<AppState>, RawQuery(raw): RawQuery) -> Result<Html<String>, AppError> {
    let raw = raw.unwrap_or_default();
    let page = page_param(&raw)?;
    let only = match pairs(&raw).into_iter().find(|(k, v)| k == "id" && !v.trim().is_empty()) {
        Some((_, v)) => Some(listing_id(v.trim())?),
        None => None,
    };
    let cache = app.clusters.clone();
    let report = app
        .db(move |s| {
            let version = s.data_version()?;
            let mut cached = cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            match &*cached {
                Some((v, report)) if *v == version => Ok(report.clone()),
                _ => {
                    let report = std::sync::Arc::new(s.seller_report()?);
                    *cached = Some((version, report.clone()));
                    Ok(report)
                }
            }
        })
        .await?;
    clusters_page(&report, page, only)
        .map(Html)
        .ok_or_else(|| AppError::NotFound(format!("no seller cluster has id {}", only.unwrap_or_default())))
}

/// The `page` of a query string (1 when absent or empty).
fn page_param(raw: &str) -> Result<u64, AppError> {
    match pairs(raw)
        .into_iter()
        .find(|(k, v)| k == "page" && !v.trim().is_empty())
    {
        None => Ok(1),
        Some((_, v)) => v
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|p| *p >= 1 && *p <= u64::from(u32::MAX))
            .ok_or_else(|| AppError::BadRequest(format!("page={v:?}: give a page number from 1"))),
    }
}

/// `GET /export?format=F&<filters>`: the export of the filtered list, as a
/// download. It is streamed as it is written (a WARC holds every stored
/// body: it must not be built in memory); an error before the first bytes
/// is an error page, one after them cuts the download short.
pub async fn export(State(app): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    let raw = raw.unwrap_or_default();
    let q = ListQuery::parse(&raw)?;
    let name = pairs(&raw)
        .into_iter()
        .find(|(k, _)| k == "format")
        .map(|(_, v)| v)
        .unwrap_or_default();
    let format = <Format as clap::ValueEnum>::from_str(&name, false)
        .map_err(|_| AppError::BadRequest(format!("format {name:?}: give csv, jsonl, html, warc or graphml")))?;
    let filter = q.filter();
    let (tx, mut rx) = tokio::sync::mpsc::channel::<std::io::Result<Vec<u8>>>(4);
    let store = app.store.clone();
    tokio::task::spawn_blocking(move || {
        let s = store.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut w = BodyWriter::new(tx.clone());
        let done = crate::export::export(&s, format, &filter, &mut w)
            .map_err(|e| e.to_string())
            .and_then(|_| w.flush().map_err(|e| e.to_string()));
        if let Err(e) = done {
            tracing::error!("serve: the {} export failed: {e}", format.extension());
            let _ = tx.blocking_send(Err(std::io::Error::other(e)));
        }
    });
    let first = match rx.recv().await {
        Some(Err(e)) => {
            return Err(AppError::Internal(format!(
                "the {} export failed: {e}",
                format.extension()
            )));
        }
        Some(Ok(chunk)) => Some(chunk),
        None => None,
    };
    let rest = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) });
    let body = futures_util::stream::iter(first.map(Ok)).chain(rest);
    let disposition = format!("attachment; filename=\"precwatch-listings.{}\"", format.extension());
    let mut resp = (StatusCode::OK, axum::body::Body::from_stream(body)).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.media_type()));
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).map_err(|e| AppError::Internal(e.to_string()))?,
    );
    Ok(resp)
}

/// Bytes written to a response body as they come, in chunks of [`BodyWriter::CHUNK`].
struct BodyWriter {
    tx: tokio::sync::mpsc::Sender<std::io::Result<Vec<u8>>>,
    buf: Vec<u8>,
}

impl BodyWriter {
    /// The size of a chunk sent to the body.
    const CHUNK: usize = 64 * 1024;

    fn new(tx: tokio::sync::mpsc::Sender<std::io::Result<Vec<u8>>>) -> BodyWriter {
        BodyWriter {
            tx,
            buf: Vec::with_capacity(Self::CHUNK),
        }
    }

    /// Sends what is buffered; an error once the client went away (the export stops).
    fn send(&mut self) -> std::io::Result<()> {
        let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(Self::CHUNK));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the download was cancelled"))
    }
}

impl std::io::Write for BodyWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= Self::CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            self.send()
        }
    }
}

/// `GET /static/app.css`.
pub async fn css() -> Response {
    asset("text/css; charset=utf-8", include_str!("app.css"))
}

/// `GET /static/app.js`.
pub async fn js() -> Response {
    asset("text/javascript; charset=utf-8", include_str!("app.js"))
}

fn asset(media_type: &'static str, body: &'static str) -> Response {
    let mut resp = body.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("max-age=300"));
    resp
}

#[cfg(test)]
mod tests {
    use super::BodyWriter;
    use std::io::Write;

    #[test]
    fn body_writer_sends_chunks_and_stops_when_the_client_is_gone() {
        let (tx, mut rx) = tokio::sync::mpsc::channel(16);
        let mut w = BodyWriter::new(tx);
        w.write_all(&vec![b'x'; BodyWriter::CHUNK + 10]).unwrap();
        w.write_all(b"tail").unwrap();
        w.flush().unwrap();
        let first = rx.try_recv().unwrap().unwrap();
        assert_eq!(first.len(), BodyWriter::CHUNK + 10);
        assert_eq!(rx.try_recv().unwrap().unwrap(), b"tail");
        drop(rx);
        w.write_all(b"more").unwrap();
        let err = w.flush().unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe);
    }
}
