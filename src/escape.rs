//! Making attacker-controlled text safe to show: a leaf module used wherever
//! crawled text (or an error that quotes it) reaches a terminal, a log line
//! or a spreadsheet cell.

/// Makes text safe for a terminal: control characters (escape sequences,
/// carriage returns, BEL) and invisible format characters (bidi overrides,
/// zero-width characters, soft hyphens, which is how names get disguised) are
/// shown as `\u{..}` escapes; newlines and tabs become spaces.
pub fn term_safe(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\t' => out.push(' '),
            c if is_unsafe(c) => push_escape(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// Like [`term_safe`] but keeps newlines and tabs (for multi-line cells and
/// files whose format needs them, such as CSV).
pub fn controls_escaped(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\t' => out.push(c),
            c if is_unsafe(c) => push_escape(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// Serialised JSON made safe for a terminal without changing what it
/// decodes to: the characters [`term_safe`] escapes that JSON serialisers
/// leave raw (C1 controls such as U+009B, an 8-bit CSI; bidi overrides;
/// zero-width characters) and the line separators U+2028/U+2029 become
/// `\uXXXX` escapes. Outside strings JSON is ASCII, so only string
/// contents change.
pub fn json_safe(json: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| c != '\n' && (is_unsafe(c) || matches!(c, '\u{2028}' | '\u{2029}'));
    if !json.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if unsafe_char(c) {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `s` as a TOML basic string (quotes included) that is safe for a terminal
/// and decodes to `s`: quotes and backslashes escaped, and every character
/// [`term_safe`] escapes (controls, bidi overrides, zero-width characters)
/// and U+2028/U+2029 written as `\uXXXX` / `\UXXXXXXXX`.
pub fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if is_unsafe(c) || matches!(c, '\u{2028}' | '\u{2029}') => {
                if (c as u32) <= 0xFFFF {
                    out.push_str(&format!("\\u{:04X}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08X}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// At most `max` characters of `s`, with "…" when cut.
pub fn short(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{ad}'
                | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{feff}'
        )
}

fn push_escape(out: &mut String, c: char) {
    out.push_str(&format!("\\u{{{:x}}}", c as u32));
}

/// Cuts `s` to at most `width` terminal columns (wide CJK characters count
/// two) and pads it to exactly `width`.
pub fn column(s: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let total: usize = s.chars().map(|c| c.width().unwrap_or(0)).sum();
    let mut out = String::new();
    let mut used = 0;
    if total <= width {
        out.push_str(s);
        used = total;
    } else {
        for c in s.chars() {
            let w = c.width().unwrap_or(0);
            if used + w + 1 > width {
                break;
            }
            out.push(c);
            used += w;
        }
        out.push('…');
        used += 1;
    }
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(used)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crawled_text_cannot_drive_the_terminal() {
        assert_eq!(term_safe("a\x1b[2Jb\rc"), "a\\u{1b}[2Jb\\u{d}c");
        assert_eq!(term_safe("fen\u{200b}tanyl\u{ad}"), "fen\\u{200b}tanyl\\u{ad}");
        assert_eq!(term_safe("\u{202e}evil"), "\\u{202e}evil");
        assert_eq!(term_safe("N-苯乙基\nx"), "N-苯乙基 x");
        assert_eq!(controls_escaped("a\x07\nb\x1b]0;x"), "a\\u{7}\nb\\u{1b}]0;x");
        assert_eq!(term_safe("\u{9b}31m"), "\\u{9b}31m", "C1 CSI");
    }

    #[test]
    fn toml_strings_decode_to_the_text_and_show_no_controls() {
        let hostile = "a\"b\\c\u{9b}31m\u{202e}\n\u{2028}\u{1b}[2J 苯乙基 \u{1F600}";
        let q = toml_string(hostile);
        assert!(!q.chars().any(|c| is_unsafe(c) || c == '\u{2028}'), "{q}");
        let v: toml::Value = toml::from_str(&format!("x = {q}")).unwrap();
        assert_eq!(v["x"].as_str(), Some(hostile));
    }

    #[test]
    fn json_keeps_its_meaning_and_loses_raw_controls() {
        let v = serde_json::json!({"t": "a\u{9b}31m\u{202e}b\u{2028}c\u{1f600}\u{7f}"});
        let s = v.to_string();
        let safe = json_safe(&s);
        assert!(safe.chars().all(|c| !is_unsafe(c) && c != '\u{2028}'), "{safe}");
        assert!(
            safe.contains("\\u009b") && safe.contains("\\u202e") && safe.contains('\u{1f600}'),
            "{safe}"
        );
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, v);
        assert!(matches!(json_safe("{\"a\":1}"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn short_cuts_on_characters() {
        assert_eq!(short("苯乙基哌啶", 3), "苯乙基…");
        assert_eq!(short("abc", 3), "abc");
    }
}
