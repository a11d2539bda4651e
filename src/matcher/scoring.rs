//! Score and risk of a listing, by the policy carried in the packs.

use super::{Hit, HitKind, Risk};

/// A class selector: a category glob (`precursor.*`, `tactic.delivery`, `*`)
/// or a hit kind (`kind:cas_obfuscated`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// hits whose category matches the glob
    Category(String),
    /// hits found this way
    Kind(HitKind),
    /// present when a term of the named context set occurs anywhere in the
    /// text (`context:offer`): the words around the hits, not hits themselves.
    /// Looked for only when a level needs it.
    Context(String),
}

impl Selector {
    /// True when `hit` belongs to this selector's class.
    pub fn matches(&self, hit: &Hit) -> bool {
        self.matches_parts(&hit.category, hit.kind)
    }

    /// True when a hit of `category` found as `kind` belongs to this selector's class.
    pub fn matches_parts(&self, category: &str, kind: HitKind) -> bool {
        match self {
            Selector::Kind(k) => kind == *k,
            Selector::Category(g) => glob_match(g, category),
            Selector::Context(_) => false,
        }
    }
}

/// `*` at the end of a glob matches any suffix; otherwise exact.
pub fn glob_match(glob: &str, s: &str) -> bool {
    match glob.strip_suffix('*') {
        Some(prefix) => s.starts_with(prefix),
        None => glob == s,
    }
}

/// One `[[policy.level]]`; class lists are indices into [`Policy::classes`].
#[derive(Debug, Clone, PartialEq)]
pub struct Level {
    /// the risk this level gives
    pub risk: Risk,
    /// classes that must all be present
    pub all: Vec<usize>,
    /// classes of which one must be present (none listed: no condition)
    pub any: Vec<usize>,
    /// classes that must all be absent
    pub none: Vec<usize>,
    /// the score must be at least this much
    pub min_score: Option<f64>,
}

/// How hits become a risk: named classes of hits, and ordered levels over
/// them (the first level that holds gives the risk). Carried by the packs.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// (class name, selectors): a hit is in the class when a selector matches it
    pub classes: Vec<(String, Vec<Selector>)>,
    /// the levels, in evaluation order
    pub levels: Vec<Level>,
}

impl Policy {
    /// The example policy of rules/FORMAT.md, used when no pack carries one.
    pub fn default_policy() -> Policy {
        let cat = |v: &[&str]| v.iter().map(|s| Selector::Category(s.to_string())).collect::<Vec<_>>();
        let mut strong = cat(&[
            "tactic.destination",
            "tactic.delivery",
            "tactic.relabel",
            "tactic.payment",
            "tactic.messenger",
        ]);
        strong.push(Selector::Kind(HitKind::CasObfuscated));
        Policy {
            classes: vec![
                ("substance".into(), cat(&["precursor.*", "drug.*"])),
                ("strong_tactic".into(), strong),
                ("tactic".into(), cat(&["tactic.*"])),
                ("benign".into(), cat(&["context.*"])),
            ],
            levels: vec![
                Level {
                    risk: Risk::High,
                    all: vec![0, 1],
                    any: vec![],
                    none: vec![3],
                    min_score: Some(0.0),
                },
                Level {
                    risk: Risk::Medium,
                    all: vec![0],
                    any: vec![],
                    none: vec![3],
                    min_score: None,
                },
                Level {
                    risk: Risk::Low,
                    all: vec![],
                    any: vec![0, 2],
                    none: vec![],
                    min_score: None,
                },
            ],
        }
    }

    /// Which classes the hits make present.
    pub fn present(&self, hits: &[Hit]) -> Vec<bool> {
        let pairs: Vec<(&str, HitKind)> = hits.iter().map(|h| (h.category.as_str(), h.kind)).collect();
        self.present_of(&pairs)
    }

    /// Which classes the (category, kind) pairs of the hits make present.
    /// Presence is a set property: the engine passes each distinct pair once.
    pub fn present_of(&self, pairs: &[(&str, HitKind)]) -> Vec<bool> {
        self.classes
            .iter()
            .map(|(_, sels)| pairs.iter().any(|&(c, k)| sels.iter().any(|s| s.matches_parts(c, k))))
            .collect()
    }

    /// The risk of the first level whose conditions hold; `None` otherwise.
    pub fn risk(&self, hits: &[Hit], score: f64) -> Risk {
        let pairs: Vec<(&str, HitKind)> = hits.iter().map(|h| (h.category.as_str(), h.kind)).collect();
        self.risk_of(&pairs, score)
    }

    /// [`Policy::risk`] from the (category, kind) pairs of the hits; context
    /// selectors count as absent.
    pub fn risk_of(&self, pairs: &[(&str, HitKind)], score: f64) -> Risk {
        self.risk_with(pairs, score, &mut |_| false)
    }

    /// [`Policy::risk_of`], asking `context(set)` whether a term of a context
    /// set occurs in the text. Conditions are evaluated in order and stop at
    /// the first that fails, so `context` is asked only when a level needs it.
    pub fn risk_with(&self, pairs: &[(&str, HitKind)], score: f64, context: &mut dyn FnMut(&str) -> bool) -> Risk {
        let from_hits = self.present_of(pairs);
        let mut is = |c: usize| {
            from_hits.get(c).copied().unwrap_or(false)
                || self
                    .classes
                    .get(c)
                    .is_some_and(|(_, sels)| sels.iter().any(|s| matches!(s, Selector::Context(set) if context(set))))
        };
        for l in &self.levels {
            let holds = l.min_score.is_none_or(|m| score >= m)
                && l.all.iter().all(|&c| is(c))
                && (l.any.is_empty() || l.any.iter().any(|&c| is(c)))
                && l.none.iter().all(|&c| !is(c));
            if holds {
                return l.risk;
            }
        }
        Risk::None
    }

    /// The context sets the policy's selectors name (`context:<set>`).
    pub fn context_sets(&self) -> impl Iterator<Item = &str> {
        self.classes.iter().flat_map(|(_, sels)| sels).filter_map(|s| match s {
            Selector::Context(set) => Some(set.as_str()),
            _ => None,
        })
    }
}

/// Sum of the weights of the distinct rules that hit, floored at 0.
/// `weight_of` maps a hit to its rule's weight; hits must be grouped so that
/// each rule is counted once (the caller passes distinct rules).
pub fn score<'a>(weights: impl Iterator<Item = (&'a str, f64)>) -> f64 {
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut sum = 0.0;
    for (rule, w) in weights {
        if seen.insert(rule) {
            sum += w;
        }
    }
    sum.max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(cat: &str, kind: HitKind) -> Hit {
        Hit {
            rule: cat.into(),
            category: cat.into(),
            kind,
            cas: None,
            matched: String::new(),
            start: 0,
            end: 0,
            context: String::new(),
            part: None,
        }
    }

    #[test]
    fn default_policy_levels() {
        let p = Policy::default_policy();
        let sub = hit("precursor.fentanyl", HitKind::Name);
        let pay = hit("tactic.payment", HitKind::Pattern);
        let res = hit("tactic.research", HitKind::Pattern);
        let hr = hit("context.harm_reduction", HitKind::Name);
        let obf = hit("precursor.fentanyl", HitKind::CasObfuscated);
        assert_eq!(p.risk(&[], 0.0), Risk::None);
        assert_eq!(p.risk(std::slice::from_ref(&res), 5.0), Risk::Low);
        assert_eq!(p.risk(std::slice::from_ref(&sub), 40.0), Risk::Medium);
        assert_eq!(p.risk(&[sub.clone(), res], 45.0), Risk::Medium);
        assert_eq!(p.risk(&[sub.clone(), pay], 60.0), Risk::High);
        assert_eq!(p.risk(&[obf], 40.0), Risk::High);
        assert_eq!(p.risk(&[sub, hr], 0.0), Risk::Low);
        assert!(glob_match("drug.*", "drug.fentanyl"));
        assert!(!glob_match("drug.*", "drugs"));
        assert!(glob_match("*", "commodity"));
    }

    #[test]
    fn score_counts_each_rule_once_and_floors() {
        assert_eq!(score([("a", 10.0), ("a", 10.0), ("b", 5.0)].into_iter()), 15.0);
        assert_eq!(score([("a", 10.0), ("n", -30.0)].into_iter()), 0.0);
    }
}
