//! Whether a parsed phone number is valid, by libphonenumber's rule: the
//! national number fully matches the general pattern of the region that owns
//! it and the pattern of one of its number types (fixed line, mobile, toll
//! free, …).
//!
//! The patterns come from the `phonenumber` crate's metadata, but they are
//! compiled here rather than through `phonenumber::is_valid` (with the
//! metadata's own syntax: whitespace is layout), for memory: the
//! crate searches each pattern unanchored (a forward and a reverse lazy DFA,
//! each with a 2 MiB cache per thread, for patterns of hundreds of
//! alternatives), which cost a crawl about 12 MB of heap. Here each pattern
//! is anchored at both ends (libphonenumber's `matchesEntirely`, which the
//! crate only approximates by anchoring the start), matched ASCII-only with
//! a small lazy-DFA cache, and at most [`MAX_PLANS`] regions are kept
//! compiled.

use phonenumber::country::Id;
use phonenumber::metadata::{Descriptor, Metadata, DATABASE};
use phonenumber::PhoneNumber;
use regex::{Regex, RegexBuilder};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

/// Regions whose patterns stay compiled; a new one past it pushes out the
/// least recently used (pages rarely name more than a few countries; a page
/// cycling through all of them is bounded by the parse budget).
const MAX_PLANS: usize = 24;

/// Lazy-DFA cache per pattern and thread. A few hundred states cover the
/// national numbers of one region; past it the regex engine falls back to
/// its NFA simulation, slower but still linear.
const DFA_CACHE_BYTES: usize = 64 * 1024;

/// A compiled pattern and the lengths it admits.
struct Pattern {
    lengths: Vec<u16>,
    re: Regex,
}

impl Pattern {
    fn new(d: &Descriptor) -> Option<Pattern> {
        let re = RegexBuilder::new(&format!("^(?:{})$", d.national_number().as_str()))
            .unicode(false)
            .ignore_whitespace(true)
            .dfa_size_limit(DFA_CACHE_BYTES)
            .build()
            .ok()?;
        Some(Pattern {
            lengths: d.possible_length().to_vec(),
            re,
        })
    }

    fn matches(&self, national: &str) -> bool {
        let len = u16::try_from(national.len()).unwrap_or(u16::MAX);
        (self.lengths.is_empty() || self.lengths.contains(&len)) && self.re.is_match(national)
    }
}

/// The descriptors of the number types libphonenumber's `getNumberType`
/// tries, in its order, that `meta` defines.
fn number_types(meta: &Metadata) -> impl Iterator<Item = &Descriptor> {
    let d = meta.descriptors();
    [
        d.premium_rate(),
        d.toll_free(),
        d.shared_cost(),
        d.voip(),
        d.personal_number(),
        d.pager(),
        d.uan(),
        d.voicemail(),
        d.fixed_line(),
        d.mobile(),
    ]
    .into_iter()
    .flatten()
}

/// One region's numbering plan, compiled.
struct Plan {
    general: Pattern,
    /// The number types libphonenumber's `getNumberType` tries.
    types: Vec<Pattern>,
}

impl Plan {
    fn new(meta: &Metadata) -> Option<Plan> {
        let d = meta.descriptors();
        let types = number_types(meta).filter_map(Pattern::new).collect();
        Some(Plan {
            general: Pattern::new(d.general())?,
            types,
        })
    }

    fn valid(&self, national: &str) -> bool {
        self.general.matches(national) && self.types.iter().any(|t| t.matches(national))
    }
}

/// Compiled plans by region id ("CN", or "001" for non-geographic codes).
static PLANS: LazyLock<Mutex<Plans>> = LazyLock::new(|| Mutex::new(Plans::default()));

/// At most [`MAX_PLANS`] compiled plans, the least recently used one out
/// first (a page cycling through many countries recompiles one plan per
/// new region, and the regions a crawl keeps meeting stay).
#[derive(Default)]
struct Plans {
    by_key: HashMap<String, (Arc<Plan>, u64)>,
    tick: u64,
}

impl Plans {
    fn get(&mut self, key: &str) -> Option<Arc<Plan>> {
        self.tick += 1;
        let (plan, used) = self.by_key.get_mut(key)?;
        *used = self.tick;
        Some(plan.clone())
    }

    fn insert(&mut self, key: String, plan: Arc<Plan>) {
        if self.by_key.len() >= MAX_PLANS && !self.by_key.contains_key(&key) {
            let oldest = self
                .by_key
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                self.by_key.remove(&k);
            }
        }
        self.tick += 1;
        self.by_key.insert(key, (plan, self.tick));
    }
}

fn plan(meta: &Metadata) -> Option<Arc<Plan>> {
    let key = format!("{}+{}", meta.id(), meta.country_code());
    if let Some(p) = PLANS.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return Some(p);
    }
    // Compiled outside the lock: another thread may compile it too, harmlessly.
    let p = Arc::new(Plan::new(meta)?);
    PLANS.lock().unwrap_or_else(|e| e.into_inner()).insert(key, p.clone());
    Some(p)
}

/// Compiled leading-digit patterns of regions sharing a country code, by
/// region id. They are short and there are fewer than a hundred in the
/// metadata, so all may stay compiled.
static LEADING: LazyLock<Mutex<HashMap<&'static str, Option<Regex>>>> = LazyLock::new(|| Mutex::new(HashMap::new()));

/// Whether `national` starts with the leading digits that pick `meta`'s
/// region among those sharing its code; `None` when it has none.
fn leads(meta: &'static Metadata, national: &str) -> Option<bool> {
    let pattern = meta.leading_digits()?;
    // Cloned out of the lock (a cheap handle): threads match in parallel.
    let re = LEADING
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(meta.id())
        .or_insert_with(|| {
            RegexBuilder::new(&format!("^(?:{})", pattern.as_str()))
                .unicode(false)
                .ignore_whitespace(true)
                .build()
                .ok()
        })
        .clone();
    Some(re.is_some_and(|re| re.is_match(national)))
}

/// The metadata that owns `national` under country code `code`: the only
/// region, the non-geographic entity, or among regions sharing the code the
/// first whose leading digits (or, without them, whose plan) fit.
fn owner(code: u16, national: &str) -> Option<(&'static Metadata, Arc<Plan>)> {
    let regions = DATABASE.region(&code)?;
    if let [only] = regions.as_slice() {
        let meta = if *only == "001" {
            DATABASE.by_code(&code)?.into_iter().next()?
        } else {
            DATABASE.by_id(*only)?
        };
        return Some((meta, plan(meta)?));
    }
    regions.iter().find_map(|r| {
        let meta = DATABASE.by_id(*r)?;
        match leads(meta, national) {
            Some(true) => Some((meta, plan(meta)?)),
            Some(false) => None,
            None => {
                let plan = plan(meta)?;
                plan.valid(national).then_some((meta, plan))
            }
        }
    })
}

/// The E.164 form and region of `p` when it is a valid number.
pub(super) fn valid(p: &PhoneNumber) -> Option<(String, Option<Id>)> {
    let code = p.code().value();
    let national = p.national().to_string();
    let (meta, plan) = owner(code, &national)?;
    plan.valid(&national)
        .then(|| (format!("+{code}{national}"), meta.id().parse().ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every example number of every region's number types is valid, and
    /// belongs to that region.
    #[test]
    fn every_metadata_example_is_valid_in_its_region() {
        let (mut checked, mut reread) = (0, 0);
        for meta in DATABASE.iter() {
            let Ok(region) = meta.id().parse::<Id>() else { continue };
            let code = meta.country_code();
            for example in number_types(meta).filter_map(|d| d.example()) {
                let p = phonenumber::parse(None, format!("+{code}{example}")).expect("examples parse");
                if p.national().to_string() != *example {
                    // The crate's parser strips a national prefix even after a
                    // country code (Russia's 8 in +7 800…): not ours to judge.
                    reread += 1;
                    continue;
                }
                let (e164, got) = valid(&p).unwrap_or_else(|| panic!("{region:?} example {example} is valid"));
                assert_eq!(e164, format!("+{code}{example}"));
                // Regions sharing a code (+1, +7, +44) may resolve to the code's owner of those digits.
                if DATABASE.region(&code).is_some_and(|r| r.len() == 1) {
                    assert_eq!(got, Some(region), "{example}");
                }
                checked += 1;
            }
        }
        assert!(
            checked > 1000 && reread * 20 < checked,
            "{checked} examples checked, {reread} reread"
        );
    }

    /// The plan cache keeps the regions in use and drops the least recently used.
    #[test]
    fn the_plan_cache_drops_the_least_recently_used() {
        let metas: Vec<&Metadata> = DATABASE
            .iter()
            .filter(|m| m.id().len() == 2)
            .take(MAX_PLANS + 1)
            .collect();
        let mut plans = Plans::default();
        for (i, m) in metas[..MAX_PLANS].iter().enumerate() {
            plans.insert(i.to_string(), Arc::new(Plan::new(m).expect("plan")));
        }
        assert!(plans.get("0").is_some(), "kept while there is room");
        plans.insert("new".into(), Arc::new(Plan::new(metas[MAX_PLANS]).expect("plan")));
        assert_eq!(plans.by_key.len(), MAX_PLANS);
        assert!(plans.get("0").is_some(), "used just now, so kept");
        assert!(plans.get("1").is_none(), "the least recently used went");
        assert!(plans.get("new").is_some());
    }

    /// Non-geographic codes (+800 international freephone) have no region.
    #[test]
    fn non_geographic_numbers_are_valid_without_a_region() {
        let p = phonenumber::parse(None, "+80012345678").expect("parses");
        assert_eq!(valid(&p), Some(("+80012345678".to_string(), None)));
        let short = phonenumber::parse(None, "+8001234567").expect("parses");
        assert_eq!(valid(&short), None);
    }

    /// Whether one of the patterns of a region under `code` matches a proper
    /// prefix of `national` at an admitted length: what the crate's
    /// start-anchored search accepts and libphonenumber's full match does not.
    fn partial_match(code: u16, national: &str) -> bool {
        let regions = DATABASE.by_code(&code).unwrap_or_default();
        regions.iter().any(|meta| {
            std::iter::once(meta.descriptors().general())
                .chain(number_types(meta))
                .any(|desc| {
                    let len = national.len() as u16;
                    (desc.possible_length().is_empty() || desc.possible_length().contains(&len))
                        && desc
                            .national_number()
                            .find(national)
                            .is_some_and(|m| m.start() == 0 && m.end() < national.len())
                })
        })
    }

    /// Against the crate's own `is_valid` on many numbers: never valid where
    /// it says invalid, and where it alone says valid, a pattern matched only
    /// part of the number.
    #[test]
    fn agrees_with_the_crate_except_partial_matches() {
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let (mut both, mut partial) = (0, 0);
        for _ in 0..20_000 {
            let code = [1u16, 7, 44, 49, 52, 55, 61, 86, 91, 234, 590, 852, 880, 971][(next() % 14) as usize];
            let len = 7 + next() % 6;
            let digits: String = (0..len).map(|_| char::from(b'0' + (next() % 10) as u8)).collect();
            let Ok(p) = phonenumber::parse(None, format!("+{code}{digits}")) else {
                continue;
            };
            let national = p.national().to_string();
            match (valid(&p).is_some(), phonenumber::is_valid(&p)) {
                (true, true) => both += 1,
                (true, false) => panic!("+{code} {national} valid here but not by the crate"),
                (false, true) => {
                    assert!(
                        partial_match(code, &national),
                        "+{code} {national}: the crate alone accepts it"
                    );
                    partial += 1;
                }
                (false, false) => {}
            }
        }
        assert!(both > 1000, "{both} valid numbers in the sample");
        assert!(partial > 0, "the sample shows the crate's partial matches");
    }
}
