//! Review: an investigator's status for each listing, with an append-only
//! history of who changed it, when, from what to what, and why.
//!
//! Invariants:
//! - `review_events` rows are only ever inserted; `listings.review_state` is
//!   always the `new_status` of the listing's newest event (or `new`).
//! - A false positive stays suppressed while its content stays the same; a
//!   version with other content returns it to `new`, recorded as an event by
//!   [`SYSTEM_REVIEWER`] in the same transaction as the version.

use super::db;
use super::db::{params, Conn, OptionalExtension};
use super::{Store, StoreError};

/// The reviewer named on events precwatch itself records (a false positive
/// returned to new because its content changed).
pub const SYSTEM_REVIEWER: &str = "precwatch";

/// Where an investigator's triage of a listing stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
#[value(rename_all = "snake_case")]
pub enum ReviewStatus {
    /// Not reviewed yet (or returned after its content changed).
    New,
    /// A real offer of a watched substance.
    Confirmed,
    /// Not an offer; suppressed until its content changes.
    FalsePositive,
    /// Handed on (to a colleague, a platform, an agency).
    Escalated,
}

impl ReviewStatus {
    /// Every status, in the order they are shown.
    pub const ALL: [ReviewStatus; 4] = [
        ReviewStatus::New,
        ReviewStatus::Confirmed,
        ReviewStatus::FalsePositive,
        ReviewStatus::Escalated,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewStatus::New => "new",
            ReviewStatus::Confirmed => "confirmed",
            ReviewStatus::FalsePositive => "false_positive",
            ReviewStatus::Escalated => "escalated",
        }
    }

    /// The status a stored name stands for; `unreviewed` (schema v1) is `new`.
    pub fn parse(s: &str) -> Option<ReviewStatus> {
        match s {
            "new" | "unreviewed" => Some(ReviewStatus::New),
            "confirmed" => Some(ReviewStatus::Confirmed),
            "false_positive" => Some(ReviewStatus::FalsePositive),
            "escalated" => Some(ReviewStatus::Escalated),
            _ => None,
        }
    }
}

impl std::fmt::Display for ReviewStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One entry of a listing's review history.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ReviewEvent {
    /// The event's id (increasing).
    pub id: i64,
    /// The listing reviewed.
    pub listing_id: i64,
    /// The version that was current when it was reviewed (its content is what was judged).
    pub version_id: Option<i64>,
    /// When (RFC 3339 UTC).
    pub at: String,
    /// Who: the `--by` name, or [`SYSTEM_REVIEWER`].
    pub by: String,
    /// The status before; None for events from before schema v5.
    pub old_status: Option<ReviewStatus>,
    /// The status after.
    pub new_status: Option<ReviewStatus>,
    /// Why, in the reviewer's words.
    pub note: Option<String>,
}

/// Why a review could not be recorded.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// No listing has that id.
    #[error("no listing has id {0} (see `precwatch listings`)")]
    NoSuchListing(i64),
    /// The reviewer's name is empty or too long.
    #[error("--by: give a reviewer name of 1 to {MAX_NAME} characters")]
    BadName,
    /// The note is longer than [`MAX_NOTE`].
    #[error("--note: a note is at most {MAX_NOTE} characters")]
    NoteTooLong,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<db::DbError> for ReviewError {
    fn from(e: db::DbError) -> Self {
        ReviewError::Store(StoreError::from(e))
    }
}

/// The longest reviewer name accepted.
pub const MAX_NAME: usize = 100;
/// The longest note accepted.
pub const MAX_NOTE: usize = 10_000;

impl Store {
    /// Sets a listing's review status and appends the event (also when the
    /// status stays the same: a note is an event). Returns the event.
    pub fn review(
        &mut self,
        listing_id: i64,
        status: ReviewStatus,
        note: Option<&str>,
        by: &str,
    ) -> Result<ReviewEvent, ReviewError> {
        let by = by.trim();
        if by.is_empty() || by.chars().count() > MAX_NAME {
            return Err(ReviewError::BadName);
        }
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if note.is_some_and(|n| n.chars().count() > MAX_NOTE) {
            return Err(ReviewError::NoteTooLong);
        }
        let tx = self.conn.transaction()?;
        let (old, version): (String, Option<i64>) = tx
            .query_row(
                "SELECT review_state, current_version_id FROM listings WHERE id = ?1",
                [listing_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or(ReviewError::NoSuchListing(listing_id))?;
        let old = ReviewStatus::parse(&old).unwrap_or(ReviewStatus::New);
        let at = super::now();
        let id = append(&tx, listing_id, version, &at, by, old, status, note)?;
        tx.execute(
            "UPDATE listings SET review_state = ?2 WHERE id = ?1",
            params![listing_id, status.as_str()],
        )?;
        tx.commit()?;
        Ok(ReviewEvent {
            id,
            listing_id,
            version_id: version,
            at,
            by: by.to_string(),
            old_status: Some(old),
            new_status: Some(status),
            note: note.map(str::to_string),
        })
    }

    /// A listing's review history, oldest first.
    pub fn review_history(&self, listing_id: i64) -> Result<Vec<ReviewEvent>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, listing_id, version_id, at, reviewer, old_status, COALESCE(new_status, action), note
             FROM review_events WHERE listing_id = ?1 ORDER BY id",
        )?;
        let rows = st.query_map([listing_id], |r| {
            Ok(ReviewEvent {
                id: r.get(0)?,
                listing_id: r.get(1)?,
                version_id: r.get(2)?,
                at: r.get(3)?,
                by: r.get(4)?,
                old_status: r.get::<Option<String>>(5)?.as_deref().and_then(ReviewStatus::parse),
                new_status: ReviewStatus::parse(&r.get::<String>(6)?),
                note: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[allow(clippy::too_many_arguments)]
fn append(
    tx: &Conn,
    listing_id: i64,
    version: Option<i64>,
    at: &str,
    by: &str,
    old: ReviewStatus,
    new: ReviewStatus,
    note: Option<&str>,
) -> db::Result<i64> {
    let action = if by == SYSTEM_REVIEWER && new == ReviewStatus::New {
        "reopened"
    } else {
        new.as_str()
    };
    tx.prepare_cached(
        "INSERT INTO review_events (listing_id, version_id, at, reviewer, action, note, old_status, new_status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
    )?
    .query_row(
        params![listing_id, version, at, by, action, note, old.as_str(), new.as_str()],
        |r| r.get(0),
    )
}

/// Called in the commit transaction when `listing_id` got a new version: a
/// false positive whose content changed (not only the rules) returns to new,
/// with an event saying why. The suppression holds while the content is the same.
pub(super) fn reopen_if_changed(
    tx: &Conn,
    listing_id: i64,
    old_version: Option<i64>,
    new_version: i64,
    at: &str,
) -> db::Result<()> {
    let state: String = tx
        .prepare_cached("SELECT review_state FROM listings WHERE id = ?1")?
        .query_row([listing_id], |r| r.get(0))?;
    if ReviewStatus::parse(&state) != Some(ReviewStatus::FalsePositive) {
        return Ok(());
    }
    let content_of = |v: i64| -> db::Result<Option<String>> {
        tx.prepare_cached("SELECT content_sha256 FROM listing_versions WHERE id = ?1")?
            .query_row([v], |r| r.get(0))
            .optional()
            .map(Option::flatten)
    };
    let before = match old_version {
        Some(v) => content_of(v)?,
        None => None,
    };
    if before.is_some() && before == content_of(new_version)? {
        return Ok(());
    }
    append(
        tx,
        listing_id,
        Some(new_version),
        at,
        SYSTEM_REVIEWER,
        ReviewStatus::FalsePositive,
        ReviewStatus::New,
        Some("the listing's content changed since it was marked a false positive"),
    )?;
    tx.prepare_cached("UPDATE listings SET review_state = 'new' WHERE id = ?1")?
        .execute([listing_id])?;
    Ok(())
}
