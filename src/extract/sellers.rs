//! Seller identifiers as (kind, value) pairs: a thin wrapper over
//! [`crate::sellers`], which finds and validates them, for callers that know
//! no site country (only international phone numbers then count).

use crate::sellers::{identifiers, Context};

/// Seller identifiers in visible text as (kind, value), in text order,
/// deduplicated; at most the default
/// [`Limits::max_identifiers`](super::Limits::max_identifiers). See
/// [`seller_identifiers_limited`] to choose the cap and learn what was cut.
pub fn seller_identifiers(text: &str) -> Vec<(String, String)> {
    seller_identifiers_limited(text, super::Limits::default().max_identifiers).0
}

/// [`seller_identifiers`] with at most `max` identifiers kept; also returns
/// how many further distinct identifiers were found and dropped. A page
/// listing 80,000 addresses is not a seller's contact block, and the
/// database should not store them all.
pub fn seller_identifiers_limited(text: &str, max: usize) -> (Vec<(String, String)>, u64) {
    let (ids, dropped) = identifiers(text, &Context { country: None }, max);
    let pairs = ids
        .into_iter()
        .map(|i| (i.kind.as_str().to_string(), i.value))
        .collect();
    (pairs, dropped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(kind: &str, value: &str) -> (String, String) {
        (kind.to_string(), value.to_string())
    }

    #[test]
    fn sellers_found_as_pairs() {
        let s = seller_identifiers(
            "Contact: Sales@Example.CN, WhatsApp: +86 138 1234 5678, Telegram @chem_sup, wickr me: bestchem",
        );
        assert_eq!(
            s,
            vec![
                pair("email", "sales@example.cn"),
                pair("phone", "+8613812345678"),
                pair("whatsapp", "+8613812345678"),
                pair("telegram", "chem_sup"),
                pair("wickr", "bestchem"),
            ]
        );
    }

    #[test]
    fn identifiers_are_deduplicated_and_capped() {
        let text = "a@x.com A@X.COM b@x.com c@x.com b@x.com d@x.com";
        let (ids, dropped) = seller_identifiers_limited(text, 2);
        assert_eq!(ids, vec![pair("email", "a@x.com"), pair("email", "b@x.com")]);
        assert_eq!(dropped, 2, "c and d; the repeated b is not counted");
        let many: String = (0..500).map(|i| format!("u{i}@example.com ")).collect();
        let ids = seller_identifiers(&many);
        assert_eq!(ids.len(), 100);
        assert_eq!(ids[99].1, "u99@example.com");
    }

    #[test]
    fn no_country_means_international_numbers_only() {
        assert!(seller_identifiers("电话：13812345678").is_empty());
        assert_eq!(
            seller_identifiers("电话：+86 13812345678"),
            vec![pair("phone", "+8613812345678")]
        );
    }

    #[test]
    fn near_miss_runs_find_nothing() {
        assert!(seller_identifiers(&"telegram ".repeat(1000)).is_empty());
        assert!(seller_identifiers(&"+1 ".repeat(1000)).is_empty());
        assert!(seller_identifiers(&"wechat: ab ".repeat(1000)).is_empty());
    }
}
