//! Seller clusters: listings that share an identifier (a phone, an e-mail,
//! a handle, an address) are one seller, across sites and runs. Computed on
//! demand by union-find over `listing_sellers`, in O((listings + links) α)
//! after the queries; nothing is stored, so no migration is needed.
//!
//! - Every version counts: an identifier a listing ever showed links it,
//!   even after the seller took it down.
//! - A cluster's id is the smallest listing id in it: the same data always
//!   gives the same id, and an id changes only when clusters merge.
//! - **Site-wide identifiers** are not used to link: an identifier on more
//!   than half of a site's listings, once the site has at least
//!   [`SITE_WIDE_MIN_LISTINGS`], is the marketplace's own contact (a footer
//!   e-mail, a support line), and would merge every seller of the site into
//!   one. It is left out of the links for that site's listings only, and
//!   listed apart ([`SiteWideIdentifier`]).

use super::db::params;
use super::{Seller, Store, StoreError};
use crate::matcher::Risk;
use std::collections::{BTreeSet, HashMap, HashSet};

/// A site needs at least this many listings before an identifier on more
/// than half of them is taken for the site's own.
pub const SITE_WIDE_MIN_LISTINGS: u64 = 20;

/// One seller: listings linked by shared identifiers.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Cluster {
    /// The smallest listing id in the cluster (stable while clusters do not merge).
    pub id: i64,
    /// The highest risk among its listings' current versions.
    pub risk: Risk,
    /// The identifiers that link its listings (site-wide ones excluded), by kind and value.
    pub identifiers: Vec<Seller>,
    /// Names of the sites its listings are on, sorted.
    pub sites: Vec<String>,
    /// Its listings, riskiest first, then by id.
    pub listings: Vec<ClusterListing>,
    /// The earliest `first_seen` of its listings (RFC 3339 UTC).
    pub first_seen: String,
    /// The latest `last_seen` of its listings (RFC 3339 UTC).
    pub last_seen: String,
}

/// A listing in a cluster.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ClusterListing {
    /// `listings.id`.
    pub id: i64,
    /// The canonical URL.
    pub url: String,
    /// The `[[site]]` it was found on.
    pub site: String,
    /// Its current version's title.
    pub title: String,
    /// Its current version's risk.
    pub risk: Risk,
}

/// An identifier taken for a site's own contact, not a seller's.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SiteWideIdentifier {
    /// The site.
    pub site: String,
    /// The identifier's kind (`email`, `phone`, ...).
    pub kind: String,
    /// The identifier.
    pub value: String,
    /// Listings of the site that showed it.
    pub listings: u64,
    /// All listings of the site.
    pub site_listings: u64,
}

/// Clusters and the identifiers left out of them.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SellerReport {
    /// Clusters, riskiest first, then largest, then by id.
    pub clusters: Vec<Cluster>,
    /// Site-wide identifiers, by site, then most listings first.
    pub site_wide: Vec<SiteWideIdentifier>,
}

/// Union-find with union by size and path halving.
struct UnionFind {
    parent: Vec<usize>,
    size: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> UnionFind {
        UnionFind {
            parent: (0..n).collect(),
            size: vec![1; n],
        }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (mut a, mut b) = (self.find(a), self.find(b));
        if a == b {
            return;
        }
        if self.size[a] < self.size[b] {
            std::mem::swap(&mut a, &mut b);
        }
        self.parent[b] = a;
        self.size[a] += self.size[b];
    }
}

/// What [`Store::cluster_of_cached`] keeps between calls: per identifier,
/// the listings it links, and the sites' listing counts, valid for one
/// [`Store::data_version`].
#[derive(Debug, Default)]
pub struct LinkCache {
    version: Option<i64>,
    site_totals: HashMap<String, u64>,
    linking: HashMap<i64, HashSet<i64>>,
    ids: usize,
}

impl LinkCache {
    /// The most listing ids kept before the cache starts over.
    pub const MAX_IDS: usize = 2_000_000;
}

/// The link graph: listings as nodes, joined through shared identifiers.
struct Linked {
    /// Listing id of each node (listings with at least one linking identifier).
    ids: Vec<i64>,
    uf: UnionFind,
    /// (node, seller id) for every link used.
    links: Vec<(usize, i64)>,
    site_wide: Vec<(String, i64, u64, u64)>,
}

impl Store {
    /// Seller clusters, riskiest first (see the module documentation).
    pub fn seller_clusters(&self) -> Result<Vec<Cluster>, StoreError> {
        Ok(self.seller_report()?.clusters)
    }

    /// Seller clusters and the site-wide identifiers left out of them.
    pub fn seller_report(&self) -> Result<SellerReport, StoreError> {
        let mut g = self.linked()?;
        let sellers = self.seller_names()?;
        let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
        for node in 0..g.ids.len() {
            members.entry(g.uf.find(node)).or_default().push(node);
        }
        let mut idents: HashMap<usize, BTreeSet<i64>> = HashMap::new();
        for &(node, seller) in &g.links {
            idents.entry(g.uf.find(node)).or_default().insert(seller);
        }
        let details = self.listing_details()?;
        let mut clusters = Vec::with_capacity(members.len());
        for (root, nodes) in members {
            let ids: Vec<i64> = nodes.iter().map(|&n| g.ids[n]).collect();
            let mut identifiers: Vec<Seller> = idents
                .get(&root)
                .into_iter()
                .flatten()
                .filter_map(|s| sellers.get(s).cloned())
                .collect();
            identifiers.sort_by(|a, b| (&a.kind, &a.value).cmp(&(&b.kind, &b.value)));
            clusters.push(cluster(&ids, identifiers, &details));
        }
        clusters.sort_by(|a, b| {
            (b.risk, b.listings.len(), b.sites.len())
                .cmp(&(a.risk, a.listings.len(), a.sites.len()))
                .then(a.id.cmp(&b.id))
        });
        let site_wide = g
            .site_wide
            .into_iter()
            .filter_map(|(site, seller, listings, site_listings)| {
                let s = sellers.get(&seller)?;
                Some(SiteWideIdentifier {
                    site,
                    kind: s.kind.clone(),
                    value: s.value.clone(),
                    listings,
                    site_listings,
                })
            })
            .collect();
        Ok(SellerReport { clusters, site_wide })
    }

    /// The cluster id of every listing in a cluster (listing id → cluster id).
    pub fn cluster_ids(&self) -> Result<HashMap<i64, i64>, StoreError> {
        let mut g = self.linked()?;
        let mut smallest: HashMap<usize, i64> = HashMap::new();
        for node in 0..g.ids.len() {
            let root = g.uf.find(node);
            let id = smallest.entry(root).or_insert(g.ids[node]);
            *id = (*id).min(g.ids[node]);
        }
        let mut out = HashMap::with_capacity(g.ids.len());
        for node in 0..g.ids.len() {
            let root = g.uf.find(node);
            out.insert(g.ids[node], smallest[&root]);
        }
        Ok(out)
    }

    /// The cluster id of one listing, as [`Store::cluster_ids`] gives it,
    /// found by walking the link graph from the listing (its identifiers, the
    /// listings that show them, theirs, ...): the cost follows its cluster
    /// and the identifiers shown in it, not the size of the database. None
    /// when the listing shows no identifier that links (or there is no such listing).
    pub fn cluster_of(&self, listing_id: i64) -> Result<Option<i64>, StoreError> {
        self.cluster_of_cached(listing_id, &mut LinkCache::default())
    }

    /// [`Store::cluster_of`] with the identifiers' links kept in `cache`
    /// between calls (a site's footer address is shown by every listing of
    /// the site: reading its links once per request would cost more than
    /// the rest of the page). The cache is emptied when another connection
    /// wrote to the database ([`Store::data_version`]) or it grew too large.
    pub fn cluster_of_cached(&self, listing_id: i64, cache: &mut LinkCache) -> Result<Option<i64>, StoreError> {
        use super::db::OptionalExtension;
        let version = self.data_version()?;
        if cache.version != Some(version) || cache.ids > LinkCache::MAX_IDS {
            *cache = LinkCache {
                version: Some(version),
                ..LinkCache::default()
            };
        }
        let LinkCache {
            site_totals,
            linking,
            ids,
            ..
        } = cache;
        let mut sellers_st = self
            .conn
            .prepare_cached("SELECT DISTINCT seller_id FROM listing_sellers WHERE listing_id = ?1")?;
        let mut members_st = self.conn.prepare_cached(
            "SELECT DISTINCT ls.listing_id, l.site FROM listing_sellers ls JOIN listings l ON l.id = ls.listing_id
             WHERE ls.seller_id = ?1",
        )?;
        let mut total_st = self
            .conn
            .prepare_cached("SELECT COUNT(*) FROM listings WHERE site = ?1")?;
        let exists = self
            .conn
            .prepare_cached("SELECT 1 FROM listings WHERE id = ?1")?
            .query_row([listing_id], |_| Ok(()))
            .optional()?;
        if exists.is_none() {
            return Ok(None);
        }
        let mut expanded: HashSet<i64> = HashSet::new();
        let mut visited: HashSet<i64> = HashSet::from([listing_id]);
        let mut queue = vec![listing_id];
        while let Some(l) = queue.pop() {
            let sellers: Vec<i64> = sellers_st.query_map([l], |r| r.get(0))?.collect::<Result<_, _>>()?;
            for seller in sellers {
                if let std::collections::hash_map::Entry::Vacant(slot) = linking.entry(seller) {
                    let members: Vec<(i64, String)> = members_st
                        .query_map([seller], |r| Ok((r.get(0)?, r.get(1)?)))?
                        .collect::<Result<_, _>>()?;
                    let mut per_site: HashMap<&str, u64> = HashMap::new();
                    for (_, site) in &members {
                        *per_site.entry(site.as_str()).or_default() += 1;
                    }
                    let mut site_wide: HashSet<&str> = HashSet::new();
                    for (site, n) in per_site {
                        let total = match site_totals.get(site) {
                            Some(&t) => t,
                            None => {
                                let t: i64 = total_st.query_row([site], |r| r.get(0))?;
                                site_totals.insert(site.to_string(), t.max(0) as u64);
                                t.max(0) as u64
                            }
                        };
                        if total >= SITE_WIDE_MIN_LISTINGS && n.saturating_mul(2) > total {
                            site_wide.insert(site);
                        }
                    }
                    let links: HashSet<i64> = members
                        .iter()
                        .filter(|(_, site)| !site_wide.contains(site.as_str()))
                        .map(|(id, _)| *id)
                        .collect();
                    *ids += links.len();
                    slot.insert(links);
                }
                let links = &linking[&seller];
                if !links.contains(&l) || !expanded.insert(seller) {
                    continue;
                }
                for &m in links {
                    if visited.insert(m) {
                        queue.push(m);
                    }
                }
            }
        }
        // The listing is in a cluster when one of its own identifiers links it.
        if !expanded.iter().any(|s| linking[s].contains(&listing_id)) {
            return Ok(None);
        }
        Ok(visited.into_iter().min())
    }

    /// Loads the links (every version), finds site-wide identifiers and
    /// joins the rest.
    fn linked(&self) -> Result<Linked, StoreError> {
        let mut site_of: HashMap<i64, usize> = HashMap::new();
        let mut sites: Vec<String> = Vec::new();
        let mut site_index: HashMap<String, usize> = HashMap::new();
        let mut site_listings: Vec<u64> = Vec::new();
        let mut st = self.conn.prepare("SELECT id, site FROM listings")?;
        let mut rows = st.query(params![])?;
        while let Some(r) = rows.next()? {
            let site: String = r.get(1)?;
            let i = *site_index.entry(site.clone()).or_insert_with(|| {
                sites.push(site);
                site_listings.push(0);
                sites.len() - 1
            });
            site_listings[i] += 1;
            site_of.insert(r.get(0)?, i);
        }
        let mut st = self
            .conn
            .prepare("SELECT listing_id, seller_id FROM listing_sellers GROUP BY listing_id, seller_id")?;
        let pairs: Vec<(i64, i64)> = st
            .query_map(params![], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let mut per_site: HashMap<(usize, i64), u64> = HashMap::new();
        for (listing, seller) in &pairs {
            if let Some(&s) = site_of.get(listing) {
                *per_site.entry((s, *seller)).or_default() += 1;
            }
        }
        let is_site_wide = |site: usize, n: u64| {
            let total = site_listings[site];
            total >= SITE_WIDE_MIN_LISTINGS && n.saturating_mul(2) > total
        };
        let mut site_wide: Vec<(String, i64, u64, u64)> = per_site
            .iter()
            .filter(|(&(site, _), &n)| is_site_wide(site, n))
            .map(|(&(site, seller), &n)| (sites[site].clone(), seller, n, site_listings[site]))
            .collect();
        site_wide.sort_by(|a, b| a.0.cmp(&b.0).then(b.2.cmp(&a.2)).then(a.1.cmp(&b.1)));
        let mut node_of: HashMap<i64, usize> = HashMap::new();
        let mut ids = Vec::new();
        let mut links = Vec::new();
        for (listing, seller) in pairs {
            let Some(&site) = site_of.get(&listing) else { continue };
            if is_site_wide(site, per_site[&(site, seller)]) {
                continue;
            }
            let node = *node_of.entry(listing).or_insert_with(|| {
                ids.push(listing);
                ids.len() - 1
            });
            links.push((node, seller));
        }
        let mut uf = UnionFind::new(ids.len());
        let mut first: HashMap<i64, usize> = HashMap::new();
        for &(node, seller) in &links {
            match first.get(&seller) {
                Some(&f) => uf.union(f, node),
                None => {
                    first.insert(seller, node);
                }
            }
        }
        Ok(Linked {
            ids,
            uf,
            links,
            site_wide,
        })
    }

    fn seller_names(&self) -> Result<HashMap<i64, Seller>, StoreError> {
        let mut st = self.conn.prepare("SELECT id, kind, value FROM sellers")?;
        let rows = st.query_map(params![], |r| {
            Ok((
                r.get(0)?,
                Seller {
                    kind: r.get(1)?,
                    value: r.get(2)?,
                },
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every listing's URL, site, current title and risk, first and last seen.
    fn listing_details(&self) -> Result<HashMap<i64, (ClusterListing, String, String)>, StoreError> {
        let mut st = self.conn.prepare(
            "SELECT l.id, l.canonical_url, l.site, COALESCE(v.title, ''), COALESCE(v.risk, 'none'), l.first_seen, l.last_seen
             FROM listings l LEFT JOIN listing_versions v ON v.id = l.current_version_id",
        )?;
        let rows = st.query_map(params![], |r| {
            let risk: String = r.get(4)?;
            let listing = ClusterListing {
                id: r.get(0)?,
                url: r.get(1)?,
                site: r.get(2)?,
                title: r.get(3)?,
                risk: risk.parse().unwrap_or(Risk::None),
            };
            Ok((listing.id, (listing, r.get(5)?, r.get(6)?)))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// Builds one cluster from its listing ids and identifiers.
fn cluster(ids: &[i64], identifiers: Vec<Seller>, details: &HashMap<i64, (ClusterListing, String, String)>) -> Cluster {
    let mut listings: Vec<ClusterListing> = Vec::with_capacity(ids.len());
    let (mut first, mut last): (Option<&str>, Option<&str>) = (None, None);
    for id in ids {
        if let Some((l, f, la)) = details.get(id) {
            listings.push(l.clone());
            first = Some(first.map_or(f.as_str(), |x| x.min(f.as_str())));
            last = Some(last.map_or(la.as_str(), |x| x.max(la.as_str())));
        }
    }
    listings.sort_by(|a, b| b.risk.cmp(&a.risk).then(a.id.cmp(&b.id)));
    let sites: BTreeSet<&str> = listings.iter().map(|l| l.site.as_str()).collect();
    Cluster {
        id: ids.iter().copied().min().unwrap_or(0),
        risk: listings.iter().map(|l| l.risk).max().unwrap_or(Risk::None),
        identifiers,
        sites: sites.into_iter().map(String::from).collect(),
        listings,
        first_seen: first.unwrap_or_default().to_string(),
        last_seen: last.unwrap_or_default().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{ListingRecord, NewLink, Outcome, PageRecord};

    struct Db {
        _dir: tempfile::TempDir,
        store: Store,
        run: i64,
        n: usize,
    }

    impl Db {
        fn new() -> Db {
            let dir = tempfile::tempdir().unwrap();
            let mut store = Store::open(&dir.path().join("t.sqlite")).unwrap();
            let run = store.begin_run("t", "", "rules").unwrap().id;
            Db {
                _dir: dir,
                store,
                run,
                n: 0,
            }
        }

        /// Stores a version of the listing at `path` on `site`; returns its listing id.
        fn add(&mut self, site: &str, path: &str, risk: Risk, sellers: &[(&str, &str)]) -> i64 {
            self.n += 1;
            let url = format!("http://{site}.test{path}?fetch={}", self.n);
            let link = NewLink {
                url: url.clone(),
                site: site.into(),
                host: format!("{site}.test"),
                depth: 0,
                via: crate::discovery::Via::crawl(),
            };
            self.store.enqueue(self.run, &[link]).unwrap();
            let frontier_id: i64 = self
                .store
                .conn()
                .query_row("SELECT id FROM frontier WHERE url = ?1", [&url], |r| r.get(0))
                .unwrap();
            let page = PageRecord {
                url: url.clone(),
                final_url: url,
                redirects_json: "[]".into(),
                status: 200,
                fetched_at: format!("2026-01-01T00:00:{:02}.000Z", self.n % 60),
                headers_json: "[]".into(),
                content_type: None,
                charset: None,
                charset_source: None,
                body: format!("body {}", self.n).into_bytes(),
                truncated: false,
                listing_pending: false,
            };
            let listing = ListingRecord {
                site: site.into(),
                key: format!("http://{site}.test{path}"),
                canonical_url: format!("http://{site}.test{path}"),
                title: path.into(),
                text: format!("text {}", self.n),
                content: format!("text {}", self.n),
                parts_json: "[]".into(),
                chrome_json: "[]".into(),
                fields_json: "{}".into(),
                score: 0.0,
                risk,
                hits: vec![],
                sellers: sellers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
                rules_sha256: "rules".into(),
                analysis_key: "k".into(),
                etag: None,
                last_modified: None,
            };
            let outcome = Outcome::Fetched {
                frontier_id,
                page: Box::new(page),
                listing: Some(Box::new(listing)),
                links: vec![],
            };
            self.store.commit(self.run, &[outcome]).unwrap()[0].listing_id.unwrap()
        }
    }

    fn summary(c: &Cluster) -> (i64, Vec<i64>, Vec<String>, Vec<String>, Risk) {
        let mut ids: Vec<i64> = c.listings.iter().map(|l| l.id).collect();
        ids.sort();
        let idents = c
            .identifiers
            .iter()
            .map(|s| format!("{}:{}", s.kind, s.value))
            .collect();
        (c.id, ids, c.sites.clone(), idents, c.risk)
    }

    #[test]
    fn shared_identifiers_link_listings_across_sites() {
        let mut db = Db::new();
        let a = db.add("one", "/a", Risk::Low, &[("phone", "+8613812345678")]);
        let b = db.add(
            "two",
            "/b",
            Risk::High,
            &[("phone", "+8613812345678"), ("telegram", "chem_sup")],
        );
        let c = db.add("one", "/c", Risk::None, &[("telegram", "chem_sup")]);
        let d = db.add("two", "/d", Risk::Medium, &[("email", "x@y.com")]);
        let _e = db.add("one", "/e", Risk::High, &[]);
        let f = db.add(
            "one",
            "/f",
            Risk::Medium,
            &[("btc", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")],
        );
        let g = db.add(
            "two",
            "/g",
            Risk::Low,
            &[("btc", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"), ("email", "x@y.com")],
        );
        let clusters = db.store.seller_clusters().unwrap();
        let got: Vec<_> = clusters.iter().map(summary).collect();
        let both = vec!["one".to_string(), "two".to_string()];
        assert_eq!(
            got,
            vec![
                (
                    a,
                    vec![a, b, c],
                    both.clone(),
                    vec!["phone:+8613812345678".into(), "telegram:chem_sup".into()],
                    Risk::High
                ),
                (
                    d,
                    vec![d, f, g],
                    both,
                    vec!["btc:1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa".into(), "email:x@y.com".into()],
                    Risk::Medium
                ),
            ]
        );
        assert_eq!(clusters[0].listings[0].id, b, "riskiest listing first");
        assert_eq!(clusters[0].first_seen, "2026-01-01T00:00:01.000Z");
        assert_eq!(clusters[0].last_seen, "2026-01-01T00:00:03.000Z");
        let ids = db.store.cluster_ids().unwrap();
        assert_eq!(ids.len(), 6, "e has no identifier");
        for (listing, cluster) in [(a, a), (b, a), (c, a), (d, d), (f, d), (g, d)] {
            assert_eq!(ids.get(&listing), Some(&cluster));
        }
    }

    #[test]
    fn an_identifier_of_an_old_version_still_links() {
        let mut db = Db::new();
        let a = db.add("one", "/a", Risk::Low, &[("wickr", "bestchem")]);
        assert_eq!(
            db.add("one", "/a", Risk::Low, &[]),
            a,
            "a second version, without the handle"
        );
        let b = db.add("two", "/b", Risk::Low, &[("wickr", "bestchem")]);
        let clusters = db.store.seller_clusters().unwrap();
        assert_eq!(clusters.len(), 1);
        assert_eq!(summary(&clusters[0]).1, vec![a, b]);
    }

    #[test]
    fn site_wide_identifiers_do_not_merge_a_site() {
        let mut db = Db::new();
        let footer = ("email", "support@market.test");
        let mut ids = Vec::new();
        for i in 0..SITE_WIDE_MIN_LISTINGS {
            let phone = format!("+86138000000{:02}", i / 2); // pairs share a phone
            ids.push(db.add("market", &format!("/p{i}"), Risk::Low, &[footer, ("phone", &phone)]));
        }
        // The footer address shown once on another site links nothing either way.
        let other = db.add("other", "/x", Risk::Low, &[footer]);
        let report = db.store.seller_report().unwrap();
        assert_eq!(report.clusters.len(), 11, "ten pairs, and the other site's listing");
        assert!(report
            .clusters
            .iter()
            .all(|c| c.identifiers.iter().all(|s| s.value != footer.1 || c.id == other)));
        assert_eq!(
            report.site_wide,
            vec![SiteWideIdentifier {
                site: "market".into(),
                kind: "email".into(),
                value: footer.1.into(),
                listings: SITE_WIDE_MIN_LISTINGS,
                site_listings: SITE_WIDE_MIN_LISTINGS,
            }]
        );
        let pair = report.clusters.iter().find(|c| c.id == ids[0]).unwrap();
        assert_eq!(summary(pair).1, vec![ids[0], ids[1]]);
    }

    #[test]
    fn a_small_site_is_not_judged_site_wide() {
        let mut db = Db::new();
        for i in 0..SITE_WIDE_MIN_LISTINGS - 1 {
            db.add("small", &format!("/p{i}"), Risk::Low, &[("email", "shop@small.test")]);
        }
        let report = db.store.seller_report().unwrap();
        assert!(report.site_wide.is_empty());
        assert_eq!(report.clusters.len(), 1);
        assert_eq!(report.clusters[0].listings.len() as u64, SITE_WIDE_MIN_LISTINGS - 1);
    }

    #[test]
    fn half_of_a_site_is_not_site_wide() {
        let mut db = Db::new();
        for i in 0..SITE_WIDE_MIN_LISTINGS * 2 {
            let sellers: &[(&str, &str)] = if i % 2 == 0 { &[("phone", "+16502530000")] } else { &[] };
            db.add("big", &format!("/p{i}"), Risk::Low, sellers);
        }
        let report = db.store.seller_report().unwrap();
        assert!(
            report.site_wide.is_empty(),
            "exactly half is a seller with many listings"
        );
        assert_eq!(report.clusters.len(), 1);
        assert_eq!(report.clusters[0].listings.len() as u64, SITE_WIDE_MIN_LISTINGS);
    }

    #[test]
    fn one_listings_cluster_is_the_one_of_the_whole_graph() {
        let mut db = Db::new();
        fastrand::seed(7);
        let footer = ("email", "support@market.test");
        let mut all = Vec::new();
        for i in 0..60 {
            let site = ["market", "market", "market", "other", "third"][fastrand::usize(..5)];
            let mut sellers: Vec<(String, String)> = Vec::new();
            if site == "market" || fastrand::u8(..10) == 0 {
                sellers.push((footer.0.into(), footer.1.into()));
            }
            for _ in 0..fastrand::usize(..3) {
                sellers.push(("phone".into(), format!("+8613800000{:02}", fastrand::u8(..40))));
            }
            let refs: Vec<(&str, &str)> = sellers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            all.push(db.add(site, &format!("/p{i}"), Risk::Low, &refs));
        }
        let whole = db.store.cluster_ids().unwrap();
        assert!(
            !db.store.seller_report().unwrap().site_wide.is_empty(),
            "the footer is site-wide on market"
        );
        assert!(whole.values().collect::<HashSet<_>>().len() > 3, "several clusters");
        let mut cache = LinkCache::default();
        for &id in &all {
            assert_eq!(
                db.store.cluster_of(id).unwrap(),
                whole.get(&id).copied(),
                "listing {id}"
            );
            let cached = db.store.cluster_of_cached(id, &mut cache).unwrap();
            assert_eq!(cached, whole.get(&id).copied(), "listing {id}, cached links");
        }
        // A write by another connection empties the cache.
        let before = cache.version;
        let other = rusqlite::Connection::open(db.store.path()).unwrap();
        other
            .execute("UPDATE listings SET title = 'x' WHERE id = ?1", [all[0]])
            .unwrap();
        db.store.cluster_of_cached(all[0], &mut cache).unwrap();
        assert_ne!(cache.version, before);
        assert_eq!(db.store.cluster_of(999_999).unwrap(), None);
    }
}
