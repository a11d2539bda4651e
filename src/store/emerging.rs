//! The stored sightings of unlisted leads (`precwatch emerging`): every
//! listing version with a hit of the engine's `unlisted` category, with the
//! other hits of that version, so the caller can tell which sightings came
//! with strong tactics or next to watched substances.

use super::db::params;
use std::rc::Rc;

use super::{Store, StoreError};
use crate::matcher::{HitKind, UNLISTED};

/// Which versions count: all, those of run N and later, or those fetched at or after a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Since {
    /// every stored version
    All,
    /// versions fetched by this run or a later one
    Run(i64),
    /// versions fetched at or after this time
    Time(time::OffsetDateTime),
}

impl Since {
    /// `N` (a run id), an RFC 3339 time, or a date (`YYYY-MM-DD`, midnight UTC).
    pub fn parse(s: &str) -> Result<Since, String> {
        use time::format_description::well_known::Rfc3339;
        if let Ok(n) = s.parse::<i64>() {
            return Ok(Since::Run(n));
        }
        if let Ok(t) = time::OffsetDateTime::parse(s, &Rfc3339) {
            return Ok(Since::Time(t));
        }
        let date = time::macros::format_description!("[year]-[month]-[day]");
        match time::Date::parse(s, &date) {
            Ok(d) => Ok(Since::Time(d.midnight().assume_utc())),
            Err(_) => Err(format!(
                "--since {s:?}: give a run id (a number), an RFC 3339 time or a date (YYYY-MM-DD)"
            )),
        }
    }

    fn admits(&self, run_id: i64, fetched_at: &str) -> bool {
        use time::format_description::well_known::Rfc3339;
        match self {
            Since::All => true,
            Since::Run(n) => run_id >= *n,
            Since::Time(t) => time::OffsetDateTime::parse(fetched_at, &Rfc3339).is_ok_and(|f| f >= *t),
        }
    }
}

/// Another hit of the version an unlisted lead was seen in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoHit {
    /// its rule
    pub rule: String,
    /// its category
    pub category: String,
    /// how it was found
    pub kind: HitKind,
}

/// One unlisted lead in one listing version.
#[derive(Debug, Clone)]
pub struct Sighting {
    /// the lead: the canonical CAS, or the substitute name as written
    pub value: String,
    /// `cas` for a CAS number, `substitute` for a name
    pub kind: HitKind,
    /// the listing
    pub listing_id: i64,
    /// its site
    pub site: String,
    /// its canonical URL
    pub url: String,
    /// the version's title
    pub title: String,
    /// when the version was fetched (RFC 3339 UTC)
    pub fetched_at: String,
    /// the text around the lead
    pub context: String,
    /// the version's other hits, each distinct (rule, category, kind) once,
    /// shared by every lead of the version
    pub others: Rc<[CoHit]>,
}

impl Store {
    /// Every unlisted lead in the stored versions `since` admits, oldest first.
    pub fn unlisted_sightings(&self, since: &Since) -> Result<Vec<Sighting>, StoreError> {
        let mut st = self.conn.prepare(
            "SELECT h.version_id, h.kind, h.cas, h.matched, h.context, v.listing_id, v.run_id, v.fetched_at, v.title,
                    l.site, l.canonical_url
             FROM hits h JOIN listing_versions v ON v.id = h.version_id JOIN listings l ON l.id = v.listing_id
             WHERE h.category = ?1 AND v.run_id >= ?2 ORDER BY v.fetched_at, h.version_id, h.start",
        )?;
        let first_run = match since {
            Since::Run(n) => *n,
            _ => i64::MIN,
        };
        let mut out = Vec::new();
        // rows come grouped by version: its other hits are read once and shared
        let mut cached: Option<(i64, Rc<[CoHit]>)> = None;
        let mut rows = st.query(params![UNLISTED, first_run])?;
        while let Some(r) = rows.next()? {
            let (run_id, fetched_at): (i64, String) = (r.get(6)?, r.get(7)?);
            if !since.admits(run_id, &fetched_at) {
                continue;
            }
            let version_id: i64 = r.get(0)?;
            let others = match &cached {
                Some((v, o)) if *v == version_id => o.clone(),
                _ => {
                    let o = self.co_hits(version_id)?;
                    cached = Some((version_id, o.clone()));
                    o
                }
            };
            let kind = HitKind::from_name(&r.get::<String>(1)?).unwrap_or(HitKind::Cas);
            let (cas, matched): (Option<String>, String) = (r.get(2)?, r.get(3)?);
            out.push(Sighting {
                value: cas.unwrap_or(matched),
                kind,
                listing_id: r.get(5)?,
                site: r.get(9)?,
                url: r.get(10)?,
                title: r.get(8)?,
                fetched_at,
                context: r.get(4)?,
                others,
            });
        }
        Ok(out)
    }

    /// The distinct (rule, category, kind) of a version's hits other than
    /// unlisted ones: at most a few per rule, whatever the page repeats.
    fn co_hits(&self, version_id: i64) -> Result<Rc<[CoHit]>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT DISTINCT rule_id, category, kind FROM hits WHERE version_id = ?1 AND category <> ?2 ORDER BY 1, 2, 3",
        )?;
        let rows = st.query_map(params![version_id, UNLISTED], |h| {
            let kind: String = h.get(2)?;
            Ok(CoHit {
                rule: h.get(0)?,
                category: h.get(1)?,
                kind: HitKind::from_name(&kind).unwrap_or(HitKind::Name),
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_parses_runs_times_and_dates() {
        assert_eq!(Since::parse("12"), Ok(Since::Run(12)));
        let Ok(Since::Time(t)) = Since::parse("2026-11-01") else {
            panic!("a date")
        };
        assert_eq!((t.year(), t.day(), t.hour()), (2026, 1, 0));
        assert!(matches!(Since::parse("2026-11-01T10:00:00Z"), Ok(Since::Time(_))));
        let e = Since::parse("last week").unwrap_err();
        assert!(e.contains("last week") && e.contains("run id"), "{e}");
        let since = Since::parse("2026-11-02").unwrap();
        assert!(!since.admits(1, "2026-11-01T23:59:59.999Z"));
        assert!(since.admits(1, "2026-11-02T00:00:00Z"));
        assert!(Since::Run(3).admits(3, "x") && !Since::Run(3).admits(2, "x"));
    }
}
