//! What the web UI needs beyond the list: a listing's neighbours within a
//! filter, so triage can go from one listing to the next without loading
//! the list.
//!
//! Invariant: the neighbours are found by the list's own order key
//! (risk rank, score, id) with a keyset condition on the `listings_order`
//! index, so the cost does not grow with the offset; the current listing
//! need not pass the filter any more (it may just have been reviewed out of it).

use super::db::OptionalExtension;
use super::db::Value;
use super::listings::{ListingFilter, ORDER};
use super::{Store, StoreError};

/// Where a listing stands in a filtered list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Neighbours {
    /// The listing before it in the list, if any.
    pub prev: Option<i64>,
    /// The listing after it in the list, if any.
    pub next: Option<i64>,
    /// How many listings of the list come before it (its 0-based position
    /// if it is in the list).
    pub before: u64,
}

/// The reverse of [`ORDER`], to walk back from a listing.
const ORDER_BACK: &str = "l.risk_rank ASC, l.score ASC, l.id DESC";

impl Store {
    /// The listings just before and after `id` in `filter`'s order; None when no listing has that id.
    pub fn neighbours(&self, filter: &ListingFilter, id: i64) -> Result<Option<Neighbours>, StoreError> {
        let key: Option<(i64, f64)> = self
            .conn
            .query_row("SELECT risk_rank, score FROM listings WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let Some((rank, score)) = key else { return Ok(None) };
        self.ready_for(filter)?;
        let (cond, args) = filter.sql(self.backend())?;
        let after = "(l.risk_rank < ?R OR (l.risk_rank = ?R AND (l.score < ?S OR (l.score = ?S AND l.id > ?I))))";
        let before = "(l.risk_rank > ?R OR (l.risk_rank = ?R AND (l.score > ?S OR (l.score = ?S AND l.id < ?I))))";
        let next = self.one_id(&cond, &args, after, ORDER, (rank, score, id))?;
        let prev = self.one_id(&cond, &args, before, ORDER_BACK, (rank, score, id))?;
        let n = args.len();
        let sql = format!("SELECT COUNT(*) FROM listings l WHERE {cond} AND {}", keyed(before, n));
        let count: i64 = self
            .conn
            .query_row(&sql, &with_key(&args, (rank, score, id)), |r| r.get(0))?;
        Ok(Some(Neighbours {
            prev,
            next,
            before: count.max(0) as u64,
        }))
    }

    fn one_id(
        &self,
        cond: &str,
        args: &[Value],
        keyset: &str,
        order: &str,
        key: (i64, f64, i64),
    ) -> Result<Option<i64>, StoreError> {
        let sql = format!(
            "SELECT l.id FROM listings l WHERE {cond} AND {} ORDER BY {order} LIMIT 1",
            keyed(keyset, args.len())
        );
        Ok(self
            .conn
            .query_row(&sql, &with_key(args, key), |r| r.get(0))
            .optional()?)
    }
}

/// The keyset condition with its placeholders numbered after the filter's `n` parameters.
fn keyed(keyset: &str, n: usize) -> String {
    keyset
        .replace("?R", &format!("?{}", n + 1))
        .replace("?S", &format!("?{}", n + 2))
        .replace("?I", &format!("?{}", n + 3))
}

/// The filter's parameters followed by the key (rank, score, id).
fn with_key(args: &[Value], (rank, score, id): (i64, f64, i64)) -> Vec<Value> {
    let mut all = args.to_vec();
    all.extend([Value::Int(rank), Value::Real(score), Value::Int(id)]);
    all
}
