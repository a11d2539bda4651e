//! `precwatch emerging`: substances no pack watches yet, ranked by how they
//! are sold.
//!
//! Sellers move to unscheduled chemicals faster than lists change. The
//! engine keeps two kinds of leads as hits of category `unlisted`: a valid
//! CAS number that no pack lists, and a name a substitute pattern captured
//! ("new X", "X substitute"). Alone they mean nothing; what makes one worth
//! an analyst's hour is company. A sighting *counts* when its listing also
//! has a strong tactic (the policy's `strong_tactic` class) or a watched
//! substance. Leads are ranked by the distinct seller clusters, then the
//! distinct listings, in which they count; a listing in no cluster is a
//! cluster of its own. `--format toml` turns the top leads into a rule-pack
//! skeleton an analyst completes and loads with `--rules`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::matcher::scoring::{Policy, Selector};
use crate::matcher::{is_watched_substance, HitKind};
use crate::store::{CoHit, Sighting};

/// How many example listings a lead shows.
pub const EXAMPLES: usize = 3;
/// How many names seen a lead keeps, each at most [`NAME_CHARS`] long.
pub const NAMES: usize = 5;
/// The longest name seen kept, in characters.
pub const NAME_CHARS: usize = 80;

/// One unlisted lead with the evidence for it.
#[derive(Debug, Clone, Serialize)]
pub struct Lead {
    /// the CAS number, or the substitute name (lowercased, spaces collapsed)
    pub value: String,
    /// `cas` or `substitute`
    pub kind: HitKind,
    /// distinct seller clusters in which it counts (with a strong tactic or a watched substance)
    pub clusters: usize,
    /// distinct listings in which it counts
    pub listings: usize,
    /// distinct listings in which it was seen at all
    pub seen_in: usize,
    /// first seen (RFC 3339 UTC)
    pub first_seen: String,
    /// sites it was seen on
    pub sites: Vec<String>,
    /// strong tactics (rule ids) it came with, with the listings for each
    pub tactics: BTreeMap<String, usize>,
    /// watched substances (rule ids) it came with, with the listings for each
    pub substances: BTreeMap<String, usize>,
    /// up to [`EXAMPLES`] listings where it counts, first seen first
    pub examples: Vec<Example>,
    /// what it was called, first seen first (at most [`NAMES`]): the titles
    /// of the listings offering a CAS number, the spellings of a substitute
    pub names_seen: Vec<String>,
    /// the categories of those watched substances, with listings for each
    #[serde(skip)]
    pub categories: BTreeMap<String, usize>,
}

/// A listing that shows a lead.
#[derive(Debug, Clone, Serialize)]
pub struct Example {
    /// its canonical URL
    pub url: String,
    /// its title
    pub title: String,
    /// the text around the lead
    pub context: String,
}

/// True when a co-hit is in the policy's `strong_tactic` class.
fn strong(policy: &Policy, h: &CoHit) -> bool {
    policy
        .classes
        .iter()
        .filter(|(name, _)| name == "strong_tactic")
        .flat_map(|(_, sels)| sels)
        .any(|s: &Selector| s.matches_parts(&h.category, h.kind))
}

/// The key a sighting is counted under: CAS as is, names folded.
fn key(s: &Sighting) -> String {
    match s.kind {
        HitKind::Substitute => s.value.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase(),
        _ => s.value.clone(),
    }
}

/// Ranks the leads of `sightings` (oldest first); `clusters` maps listing
/// ids to seller clusters. Leads that never count are left out.
pub fn rank(sightings: &[Sighting], clusters: &HashMap<i64, i64>, policy: &Policy) -> Vec<Lead> {
    let mut by_key: BTreeMap<String, Vec<&Sighting>> = BTreeMap::new();
    for s in sightings {
        by_key.entry(key(s)).or_default().push(s);
    }
    let mut leads: Vec<Lead> = by_key
        .into_iter()
        .filter_map(|(value, ss)| lead(value, &ss, clusters, policy))
        .collect();
    leads.sort_by(|a, b| {
        (b.clusters, b.listings, b.seen_in)
            .cmp(&(a.clusters, a.listings, a.seen_in))
            .then_with(|| a.value.cmp(&b.value))
    });
    leads
}

/// One lead from its sightings (oldest first); None when none counts.
fn lead(value: String, ss: &[&Sighting], clusters: &HashMap<i64, i64>, policy: &Policy) -> Option<Lead> {
    let mut counted: BTreeSet<i64> = BTreeSet::new();
    let mut cluster_set: BTreeSet<(bool, i64)> = BTreeSet::new();
    let mut tactics: BTreeMap<String, BTreeSet<i64>> = BTreeMap::new();
    let mut substances: BTreeMap<String, BTreeSet<i64>> = BTreeMap::new();
    let mut categories: BTreeMap<String, BTreeSet<i64>> = BTreeMap::new();
    let mut examples = Vec::new();
    for s in ss {
        let strong_hits: Vec<&CoHit> = s.others.iter().filter(|h| strong(policy, h)).collect();
        let watched: Vec<&CoHit> = s.others.iter().filter(|h| is_watched_substance(&h.category)).collect();
        if strong_hits.is_empty() && watched.is_empty() {
            continue;
        }
        for h in strong_hits {
            tactics.entry(h.rule.clone()).or_default().insert(s.listing_id);
        }
        for h in watched {
            substances.entry(h.rule.clone()).or_default().insert(s.listing_id);
            categories.entry(h.category.clone()).or_default().insert(s.listing_id);
        }
        let cluster = clusters
            .get(&s.listing_id)
            .map_or((false, s.listing_id), |&c| (true, c));
        cluster_set.insert(cluster);
        if counted.insert(s.listing_id) && examples.len() < EXAMPLES {
            examples.push(Example {
                url: s.url.clone(),
                title: s.title.clone(),
                context: s.context.clone(),
            });
        }
    }
    if counted.is_empty() {
        return None;
    }
    let seen_in: BTreeSet<i64> = ss.iter().map(|s| s.listing_id).collect();
    let mut names_seen: Vec<String> = Vec::new();
    for s in ss {
        let name = match s.kind {
            HitKind::Substitute => &s.value,
            _ => &s.title,
        };
        let name = crate::escape::short(
            name.split_whitespace().collect::<Vec<_>>().join(" ").as_str(),
            NAME_CHARS,
        );
        if names_seen.len() < NAMES && !name.is_empty() && !names_seen.contains(&name) {
            names_seen.push(name);
        }
    }
    let sites: BTreeSet<String> = ss.iter().map(|s| s.site.clone()).collect();
    let count = |m: BTreeMap<String, BTreeSet<i64>>| m.into_iter().map(|(k, v)| (k, v.len())).collect();
    Some(Lead {
        value,
        kind: ss[0].kind,
        clusters: cluster_set.len(),
        listings: counted.len(),
        seen_in: seen_in.len(),
        first_seen: ss[0].fetched_at.clone(),
        sites: sites.into_iter().collect(),
        tactics: count(tactics),
        substances: count(substances),
        examples,
        names_seen,
        categories: count(categories),
    })
}

/// A rule-pack skeleton for `leads`: one unconfirmed rule each, with the
/// evidence in its note and its contexts as examples. It loads as it is (so
/// an analyst can try it with `--rules` at once), but each rule's category,
/// weight, name and references are for the analyst to complete.
pub fn pack_skeleton(leads: &[Lead], source: &str, written_at: &str) -> String {
    let q = crate::escape::toml_string;
    let mut out = String::new();
    out.push_str("# Rule-pack skeleton written by `precwatch emerging`: candidates, not facts.\n");
    out.push_str("# For each rule: confirm the identity (CAS Common Chemistry, PubChem), choose the\n");
    out.push_str("# category and weight, add names, status and references, then load it with\n");
    out.push_str("# `--rules FILE` and check it with `precwatch rules test FILE`.\n\n");
    out.push_str("[pack]\nid = \"emerging\"\nname = \"Emerging candidates (to review)\"\n");
    out.push_str(&format!(
        "source = {}\n",
        q(&format!("precwatch emerging, {source}, {written_at}"))
    ));
    for (i, l) in leads.iter().enumerate() {
        out.push_str("\n[[rule]]\n");
        out.push_str(&format!("id = \"emerging.{}\"\n", rule_id(i, l)));
        let label = match l.kind {
            HitKind::Substitute => format!("Unconfirmed substitute: {}", l.value),
            _ => format!("Unconfirmed: CAS {}", l.value),
        };
        out.push_str(&format!("name = {}\n", q(&label)));
        out.push_str(&format!("category = {}   # choose\n", q(&category_guess(l))));
        out.push_str("weight = 30   # choose\n");
        match l.kind {
            HitKind::Substitute => out.push_str(&format!("names = [{}]\n", q(&l.value))),
            _ => out.push_str(&format!("cas = [{}]\n", q(&l.value))),
        }
        // crawled names: quoted and escaped (no newline or control can end the comment)
        let seen: Vec<String> = l.names_seen.iter().map(|n| q(n)).collect();
        out.push_str(&format!(
            "# names seen (titles or spellings), to check and keep as names: [{}]\n",
            seen.join(", ")
        ));
        out.push_str("unconfirmed = true\n");
        out.push_str(&format!("note = {}\n", q(&note(l))));
        let examples: Vec<String> = l.examples.iter().map(|e| q(&e.context)).collect();
        out.push_str(&format!("\n[rule.examples]\nmatch = [{}]\n", examples.join(", ")));
    }
    out
}

/// A stable, valid rule id: the CAS with underscores, else the name's ASCII
/// letters and digits (a hash of the name when it has none, e.g. Chinese).
fn rule_id(i: usize, l: &Lead) -> String {
    let slug: String = l
        .value
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let slug = slug.trim_matches('_').to_string();
    match l.kind {
        HitKind::Substitute if slug.chars().any(|c| c.is_ascii_alphanumeric()) => format!("name_{slug}_{i}"),
        HitKind::Substitute => format!("name_{}_{i}", &crate::store::sha256_hex(l.value.as_bytes())[..8]),
        _ => format!("cas_{slug}"),
    }
}

/// The category of the watched substances seen with it most, else fentanyl's.
fn category_guess(l: &Lead) -> String {
    let best = l.categories.iter().max_by_key(|&(_, n)| n);
    best.map_or("precursor.fentanyl", |(c, _)| c.as_str()).to_string()
}

/// The evidence of a lead, in one sentence.
fn note(l: &Lead) -> String {
    let list = |m: &BTreeMap<String, usize>| {
        let v: Vec<String> = m.iter().map(|(k, n)| format!("{k} ({n})")).collect();
        if v.is_empty() {
            "none".to_string()
        } else {
            v.join(", ")
        }
    };
    format!(
        "Seen in {} listings ({} counted, {} seller clusters) on {} since {}; strong tactics: {}; watched substances: {}.",
        l.seen_in,
        l.listings,
        l.clusters,
        l.sites.join(", "),
        l.first_seen,
        list(&l.tactics),
        list(&l.substances)
    )
}

/// The ranked leads for reading; crawled text (names, titles, contexts) is
/// made terminal-safe.
pub fn write_text(out: &mut dyn std::io::Write, leads: &[Lead], total: usize) -> std::io::Result<()> {
    use crate::escape::term_safe;
    writeln!(
        out,
        "{total} unlisted leads seen with strong tactics or watched substances; showing {}",
        leads.len()
    )?;
    for (i, l) in leads.iter().enumerate() {
        let kind = if l.kind == HitKind::Substitute {
            "substitute"
        } else {
            "CAS"
        };
        writeln!(out)?;
        writeln!(
            out,
            "{:>3}. {kind} {}: {} clusters, {} listings (seen in {}), first seen {}, sites {}",
            i + 1,
            term_safe(&l.value),
            l.clusters,
            l.listings,
            l.seen_in,
            l.first_seen,
            term_safe(&l.sites.join(", "))
        )?;
        let list = |m: &BTreeMap<String, usize>| {
            m.iter()
                .map(|(k, n)| format!("{k} ({n})"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !l.tactics.is_empty() {
            writeln!(out, "     with tactics: {}", list(&l.tactics))?;
        }
        if !l.substances.is_empty() {
            writeln!(out, "     next to: {}", list(&l.substances))?;
        }
        writeln!(out, "     names seen: {}", term_safe(&l.names_seen.join(" | ")))?;
        for e in &l.examples {
            writeln!(out, "     - {} | {}", term_safe(&e.title), term_safe(&e.url))?;
            writeln!(out, "       {}", term_safe(&e.context))?;
        }
    }
    Ok(())
}
