//! The list's filters as a query string: parsed into a [`ListingFilter`]
//! (with a clear 400 for a bad value) and written back, so every link and
//! form of the UI carries the filter the investigator chose.

use crate::matcher::Risk;
use crate::store::{ListingFilter, ListingState, ReviewStatus, Since, MAX_SEARCH_CHARS};

/// Rows on one page of the list.
pub const PAGE_ROWS: u64 = 50;

/// The most `site` values one query takes (every value is a bound
/// parameter and is written back into every link of the page).
pub const MAX_SITES: usize = 50;
/// The longest `site` value accepted.
pub const MAX_SITE_CHARS: usize = 200;

/// The list's filters and page, as the query string gave them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListQuery {
    /// `risk`: the minimum risk.
    pub min_risk: Option<Risk>,
    /// `state` (repeatable).
    pub states: Vec<ListingState>,
    /// `status` (repeatable; `all` for every status).
    pub statuses: Vec<String>,
    /// `site` (repeatable).
    pub sites: Vec<String>,
    /// `since`: a run id, an RFC 3339 time or a date, as typed.
    pub since: Option<String>,
    /// `q`: the text search.
    pub text: Option<String>,
    /// `page`: 1-based page of the list.
    pub page: u64,
}

/// A query-string value the UI cannot use; shown as a 400 page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadQuery(pub String);

/// The `(key, value)` pairs of a query string or form body, decoded.
pub fn pairs(raw: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw.as_bytes()).into_owned().collect()
}

impl ListQuery {
    /// Parses the list keys of a query string; other keys are ignored (so
    /// `token`, `reviewed` and `format` can share it), empty values mean "any".
    pub fn parse(raw: &str) -> Result<ListQuery, BadQuery> {
        let mut q = ListQuery {
            page: 1,
            ..ListQuery::default()
        };
        for (k, v) in pairs(raw) {
            let v = v.trim().to_string();
            if v.is_empty() {
                continue;
            }
            q.set(&k, v)?;
        }
        Ok(q)
    }

    fn set(&mut self, key: &str, v: String) -> Result<(), BadQuery> {
        match key {
            "risk" => self.min_risk = Some(v.parse().map_err(|_| bad("risk", &v, "none, low, medium or high"))?),
            "state" => {
                let st = ListingState::parse(&v).ok_or_else(|| bad("state", &v, "new, changed, unchanged or gone"))?;
                if !self.states.contains(&st) {
                    self.states.push(st);
                }
            }
            "status" if self.statuses.contains(&v) => {}
            "status" if v == "all" || (ReviewStatus::parse(&v).is_some() && v != "unreviewed") => self.statuses.push(v),
            "status" => return Err(bad("status", &v, "new, confirmed, false_positive, escalated or all")),
            "site" if self.sites.contains(&v) => {}
            "site" if self.sites.len() >= MAX_SITES => {
                return Err(BadQuery(format!("site: at most {MAX_SITES} sites at once")))
            }
            "site" if v.chars().count() > MAX_SITE_CHARS => {
                return Err(BadQuery(format!(
                    "site: a site name is at most {MAX_SITE_CHARS} characters"
                )))
            }
            "site" => self.sites.push(v),
            "since" => {
                Since::parse(&v).map_err(|_| bad("since", &v, "a run id, an RFC 3339 time or a date (YYYY-MM-DD)"))?;
                self.since = Some(v);
            }
            "q" if v.chars().count() > MAX_SEARCH_CHARS => {
                return Err(BadQuery(format!(
                    "q: the text search is at most {MAX_SEARCH_CHARS} characters"
                )))
            }
            "q" => self.text = Some(v),
            "page" => {
                self.page = v
                    .parse()
                    .ok()
                    .filter(|p| (1..=u64::MAX / PAGE_ROWS).contains(p))
                    .ok_or_else(|| bad("page", &v, "a page number from 1"))?
            }
            _ => {}
        }
        Ok(())
    }

    /// The store's filter (without the page).
    pub fn filter(&self) -> ListingFilter {
        let statuses = if self.statuses.is_empty() {
            None
        } else if self.statuses.iter().any(|s| s == "all") {
            Some(ReviewStatus::ALL.to_vec())
        } else {
            Some(self.statuses.iter().filter_map(|s| ReviewStatus::parse(s)).collect())
        };
        ListingFilter {
            min_risk: self.min_risk,
            states: self.states.clone(),
            statuses,
            sites: self.sites.clone(),
            since: self.since.as_deref().and_then(|s| Since::parse(s).ok()),
            text: self.text.clone(),
            ids: Vec::new(),
        }
    }

    /// The filter as a query string (no page, no leading `?`): what links carry.
    pub fn filter_qs(&self) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        if let Some(r) = self.min_risk {
            s.append_pair("risk", r.as_str());
        }
        for st in &self.states {
            s.append_pair("state", st.as_str());
        }
        for st in &self.statuses {
            s.append_pair("status", st);
        }
        for site in &self.sites {
            s.append_pair("site", site);
        }
        if let Some(v) = &self.since {
            s.append_pair("since", v);
        }
        if let Some(v) = &self.text {
            s.append_pair("q", v);
        }
        s.finish()
    }

    /// The query string of page `page` of this filter.
    pub fn page_qs(&self, page: u64) -> String {
        join_qs(&self.filter_qs(), &format!("page={page}"))
    }
}

/// Two query strings joined with `&` (either may be empty).
pub fn join_qs(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a}&{b}"),
    }
}

fn bad(key: &str, value: &str, expected: &str) -> BadQuery {
    BadQuery(format!("{key}={value:?}: give {expected}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_writes_back_the_filters() {
        let q =
            ListQuery::parse("risk=high&state=new&state=changed&status=all&site=a+b&q=np%26p&page=3&token=x").unwrap();
        assert_eq!(q.min_risk, Some(Risk::High));
        assert_eq!(q.states, vec![ListingState::New, ListingState::Changed]);
        assert_eq!(q.page, 3);
        let f = q.filter();
        assert_eq!(f.statuses, Some(ReviewStatus::ALL.to_vec()));
        assert_eq!(f.sites, vec!["a b".to_string()]);
        assert_eq!(f.text.as_deref(), Some("np&p"));
        assert_eq!(ListQuery::parse(&q.page_qs(3)).unwrap(), q);
    }

    #[test]
    fn empty_values_mean_any_and_bad_values_are_named() {
        assert_eq!(
            ListQuery::parse("risk=&q=&page=").unwrap(),
            ListQuery {
                page: 1,
                ..Default::default()
            }
        );
        for bad in [
            "risk=extreme",
            "state=old",
            "status=unreviewed",
            "since=yesterday",
            "page=0",
            "page=x",
            "page=368934881474191033",
        ] {
            let e = ListQuery::parse(bad).unwrap_err();
            assert!(e.0.starts_with(bad.split('=').next().unwrap()), "{bad}: {e:?}");
        }
    }

    #[test]
    fn repeated_values_are_bounded() {
        let q = ListQuery::parse("state=new&state=new&status=all&status=all&site=a&site=a").unwrap();
        assert_eq!((q.states.len(), q.statuses.len(), q.sites.len()), (1, 1, 1));
        let many: Vec<String> = (0..=MAX_SITES).map(|i| format!("site=s{i}")).collect();
        assert!(ListQuery::parse(&many[..MAX_SITES].join("&")).is_ok());
        let e = ListQuery::parse(&many.join("&")).unwrap_err();
        assert!(e.0.starts_with("site"), "{e:?}");
        let long = format!("site={}", "x".repeat(MAX_SITE_CHARS + 1));
        assert!(ListQuery::parse(&long).is_err());
    }
}
