//! Leaf: crawled text made safe as HTML, with hits highlighted. The HTML
//! report and the web UI both render listings through it, so there is one
//! place where attacker-controlled text becomes markup.
//!
//! Invariants:
//! - Every character of crawled text leaves [`escape`] either as itself
//!   (never `<`, `>`, `&`, `"` or `'`) or as an entity; control, bidi and
//!   zero-width characters are shown as visible `\u{..}` escapes.
//! - [`highlight`] trusts no offset: a hit outside the text or off a
//!   character boundary is skipped, overlapping hits share one mark.
//!   It is O(n + h log h) for a text of n bytes and h hits.

use crate::matcher::{Hit, UNLISTED};
use std::fmt::Write;

/// `s` escaped for HTML text and attribute values (quoted with `"` or `'`),
/// with invisible and control characters shown as escapes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    escape_into(&mut out, s);
    out
}

fn escape_into(out: &mut String, s: &str) {
    for c in crate::escape::controls_escaped(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// What a hit is, as a CSS class: `substance` (a watched substance),
/// `tactic` (an advertising tactic), or `other` (commodities, unlisted
/// leads, context).
pub fn hit_class(h: &Hit) -> &'static str {
    if h.category.starts_with("tactic") {
        "tactic"
    } else if h.cas.is_some() && h.category != UNLISTED && h.category != "commodity" {
        "substance"
    } else {
        "other"
    }
}

/// `text` escaped, with each hit's span inside `<mark class="hit CLASS"
/// title="RULES" data-hit="I">`, where I is the index of the first hit of
/// the mark in `hits`. Overlapping hits are merged into one mark whose
/// title names every rule; the class is the first hit's.
pub fn highlight(text: &str, hits: &[Hit]) -> String {
    let mut spans: Vec<(usize, usize, usize)> = hits
        .iter()
        .enumerate()
        .filter(|(_, h)| {
            h.start < h.end && h.end <= text.len() && text.is_char_boundary(h.start) && text.is_char_boundary(h.end)
        })
        .map(|(i, h)| (h.start, h.end, i))
        .collect();
    spans.sort_unstable();
    let mut out = String::with_capacity(text.len() + spans.len() * 64);
    let mut at = 0;
    let mut k = 0;
    while k < spans.len() {
        let (start, mut end, first) = spans[k];
        let mut members = vec![first];
        k += 1;
        while k < spans.len() && spans[k].0 < end {
            end = end.max(spans[k].1);
            members.push(spans[k].2);
            k += 1;
        }
        let start = start.max(at);
        escape_into(&mut out, &text[at..start]);
        let mut rules: Vec<&str> = Vec::new();
        for &m in &members {
            if !rules.contains(&hits[m].rule.as_str()) {
                rules.push(&hits[m].rule);
            }
        }
        let _ = write!(
            out,
            "<mark class=\"hit {}\" title=\"{}\" data-hit=\"{first}\">",
            hit_class(&hits[first]),
            escape(&rules.join(", "))
        );
        escape_into(&mut out, &text[start..end]);
        out.push_str("</mark>");
        at = end;
    }
    escape_into(&mut out, &text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matcher::HitKind;

    fn hit(rule: &str, category: &str, start: usize, end: usize) -> Hit {
        Hit {
            rule: rule.into(),
            category: category.into(),
            kind: HitKind::Name,
            cas: None,
            matched: String::new(),
            start,
            end,
            context: String::new(),
            part: None,
        }
    }

    #[test]
    fn escapes_markup_and_invisible_characters() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(escape("a\u{202e}b\x1b"), "a\\u{202e}b\\u{1b}");
    }

    #[test]
    fn marks_hits_and_merges_overlaps() {
        let text = "buy <b>NPP</b> by BTC";
        let hits = [
            hit("npp", "precursor.fentanyl", 7, 10),
            hit("npp2", "precursor.fentanyl", 8, 10),
            hit("btc", "tactic.payment", 18, 21),
        ];
        assert_eq!(
            highlight(text, &hits),
            "buy &lt;b&gt;<mark class=\"hit other\" title=\"npp, npp2\" data-hit=\"0\">NPP</mark>&lt;/b&gt; by \
             <mark class=\"hit tactic\" title=\"btc\" data-hit=\"2\">BTC</mark>"
        );
    }

    #[test]
    fn bad_offsets_are_skipped() {
        let text = "苯乙基";
        let hits = [hit("a", "x", 1, 3), hit("b", "x", 0, 99), hit("c", "x", 3, 3)];
        assert_eq!(highlight(text, &hits), "苯乙基");
    }

    #[test]
    fn rule_names_are_escaped_in_titles() {
        let hits = [hit("r\"><img src=x onerror=alert(1)>", "x", 0, 1)];
        let out = highlight("a", &hits);
        assert!(!out.contains("<img"), "{out}");
    }
}
