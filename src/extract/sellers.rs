//! Seller identifiers in visible text: e-mails, phone numbers and messenger
//! handles. Linear in the text: each pattern is one left-to-right pass of the
//! `regex` crate (no backtracking), and duplicates are found with a hash set.

use regex::Regex;
use std::collections::HashSet;
use std::sync::LazyLock;

/// (kind, pattern). Patterns with a group take the handle from group 1.
/// Every repetition that can follow a literal prefix is bounded, so a run of
/// near-misses ("telegram telegram …", "+1 +1 …") cannot make one search read
/// far past its start; `\b` is ASCII so the lazy DFA also runs on CJK text.
static SELLER_PATTERNS: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    [
        ("email", r"(?i)(?-u:\b)[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}(?-u:\b)"),
        ("phone", r"\+\d{1,3}[\s.-]?\(?\d{1,4}\)?(?:[\s.-]?\d{2,5}){2,4}"),
        (
            "telegram",
            r"(?i)(?:t\.me/|telegram\s*(?:id|:|：)?\s*@?)([a-z0-9_]{4,32})",
        ),
        (
            "whatsapp",
            r"(?i)(?:wa\.me/|whatsapp\s*(?:id|:|：)?\s*)(\+?[0-9][0-9 -]{6,18}[0-9])",
        ),
        (
            "wechat",
            r"(?i)(?:wechat|weixin|微信)\s*(?:id|:|：)?\s*([a-z0-9_-]{5,32})",
        ),
        ("wickr", r"(?i)wickr(?:\s*me)?\s*(?:id|:|：)?\s*([a-z0-9_.-]{4,32})"),
        ("signal", r"(?i)signal\s*(?:id|:|：)\s*(\+?[a-z0-9_.-]{4,32})"),
        ("threema", r"(?i)threema\s*(?:id|:|：)?\s*([a-z0-9]{8})"),
    ]
    .into_iter()
    .map(|(k, p)| (k, Regex::new(p).expect("seller pattern")))
    .collect()
});

/// Seller identifiers in visible text: e-mails, phone numbers and messenger
/// handles, as (kind, value), deduplicated, values normalised (lower case,
/// phone digits only with a leading +). At most the default
/// [`Limits::max_identifiers`](super::Limits::max_identifiers); see
/// [`seller_identifiers_limited`] to choose the cap and learn what was cut.
pub fn seller_identifiers(text: &str) -> Vec<(String, String)> {
    seller_identifiers_limited(text, super::Limits::default().max_identifiers).0
}

/// [`seller_identifiers`] with at most `max` identifiers kept (in pattern
/// order, then text order); also returns how many further distinct
/// identifiers were found and dropped. A page listing 80,000 addresses is
/// not a seller's contact block, and the database should not store them all.
pub fn seller_identifiers_limited(text: &str, max: usize) -> (Vec<(String, String)>, u64) {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut seen: HashSet<(&'static str, String)> = HashSet::new();
    let mut dropped: u64 = 0;
    for (kind, re) in SELLER_PATTERNS.iter() {
        for c in re.captures_iter(text) {
            let raw = c.get(1).or_else(|| c.get(0)).map_or("", |m| m.as_str());
            let Some(value) = normalise(kind, raw) else { continue };
            if seen.contains(&(*kind, value.clone())) {
                continue;
            }
            if out.len() < max {
                out.push((kind.to_string(), value.clone()));
            } else {
                dropped = dropped.saturating_add(1);
            }
            seen.insert((kind, value));
        }
    }
    (out, dropped)
}

/// The stored form of an identifier, or `None` when it is too short to be one.
fn normalise(kind: &str, raw: &str) -> Option<String> {
    if kind == "phone" || kind == "whatsapp" {
        let digits: String = raw.chars().filter(|c| c.is_ascii_digit()).collect();
        (digits.len() >= 7).then(|| format!("+{digits}"))
    } else {
        Some(raw.to_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sellers_found() {
        let s = seller_identifiers(
            "Contact: Sales@Example.CN, WhatsApp: +86 555 1234 5678, Telegram @chem_sup, wickr me: bestchem",
        );
        assert!(s.contains(&("email".into(), "sales@example.cn".into())), "{s:?}");
        assert!(s.contains(&("whatsapp".into(), "+8655512345678".into())), "{s:?}");
        assert!(s.contains(&("telegram".into(), "chem_sup".into())), "{s:?}");
        assert!(s.contains(&("wickr".into(), "bestchem".into())), "{s:?}");
    }

    #[test]
    fn identifiers_are_deduplicated_and_capped() {
        let text = "a@x.com A@X.COM b@x.com c@x.com b@x.com d@x.com";
        let (ids, dropped) = seller_identifiers_limited(text, 2);
        assert_eq!(
            ids,
            vec![("email".into(), "a@x.com".into()), ("email".into(), "b@x.com".into())]
        );
        assert_eq!(dropped, 2, "c and d; the repeated b is not counted");
        let (ids, dropped) = seller_identifiers_limited(text, 0);
        assert!(ids.is_empty());
        assert_eq!(dropped, 4);
        let many: String = (0..500).map(|i| format!("u{i}@example.com ")).collect();
        let ids = seller_identifiers(&many);
        assert_eq!(ids.len(), 100);
        assert_eq!(ids[99].1, "u99@example.com");
    }

    #[test]
    fn email_next_to_cjk_text() {
        // A Unicode \b sees no boundary between 系 and a, so this address was missed.
        let s = seller_identifiers("联系sales@example.cn谢谢");
        assert_eq!(s, vec![("email".into(), "sales@example.cn".into())]);
    }

    #[test]
    fn near_miss_runs_find_what_they_should() {
        assert_eq!(
            seller_identifiers(&"telegram ".repeat(1000)),
            vec![("telegram".into(), "telegram".into())]
        );
        assert!(seller_identifiers(&"+1 ".repeat(1000)).is_empty());
        assert!(seller_identifiers(&"wechat: ab ".repeat(1000)).is_empty());
    }
}
