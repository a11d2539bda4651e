//! Messenger handles, counted only right after their keyword: Telegram
//! (`t.me/…` or `telegram`/`tg` + username), WeChat ids, Wickr, Signal
//! usernames, Threema IDs, Skype ids and names, Session IDs. Numbers after
//! WhatsApp, WeChat and Signal keywords are the phone scanner's.
//!
//! A bare word after a keyword (`Telegram group`) is prose, not a handle:
//! it counts when it carries an `@`, when a `:` / `=` / `ID` stands between,
//! or when it contains a digit, `_` or `.` as handles do.

use super::keywords::{self, Class, Keyword};
use super::Kind;

/// Telegram username: 5–32 of `[A-Za-z0-9_]`, starting with a letter, not ending with `_`.
fn telegram(h: &str) -> bool {
    (5..=32).contains(&h.len())
        && h.starts_with(|c: char| c.is_ascii_alphabetic())
        && !h.ends_with('_')
        && h.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// WeChat id: 6–20 of `[A-Za-z0-9_-]`, starting with a letter.
fn wechat(h: &str) -> bool {
    (6..=20).contains(&h.len())
        && h.starts_with(|c: char| c.is_ascii_alphabetic())
        && h.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Wickr username: 5–32 of `[A-Za-z0-9_.-]`, starting with a letter or digit.
fn wickr(h: &str) -> bool {
    (5..=32).contains(&h.len())
        && h.starts_with(|c: char| c.is_ascii_alphanumeric())
        && h.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// Signal username: a 3–32 character nickname, a dot, and 2–9 digits (`chem.01`).
fn signal(h: &str) -> bool {
    let Some((nick, number)) = h.rsplit_once('.') else {
        return false;
    };
    (3..=32).contains(&nick.len())
        && nick.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && nick.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && (2..=9).contains(&number.len())
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// Threema ID: 8 characters, upper-case letters and digits (`*` first for gateway IDs).
fn threema(h: &str) -> bool {
    h.len() == 8
        && h.bytes()
            .enumerate()
            .all(|(i, b)| b.is_ascii_uppercase() || b.is_ascii_digit() || (i == 0 && b == b'*'))
}

/// Skype: `live:` and 3–40 of `[A-Za-z0-9._-]`, or a Skype name of 6–32
/// characters starting with a letter.
fn skype(h: &str) -> bool {
    match h.strip_prefix("live:") {
        Some(id) => {
            (3..=40).contains(&id.len())
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        }
        None => {
            (6..=32).contains(&h.len())
                && h.starts_with(|c: char| c.is_ascii_alphabetic())
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        }
    }
}

/// Session ID: 66 hexadecimal digits starting `05`.
fn session(h: &str) -> bool {
    h.len() == 66 && h.starts_with("05") && h.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Whether a token is a valid handle of one kind.
type Grammar = fn(&str) -> bool;

/// The handle grammar of each keyword class, and the kind it makes.
fn grammar(class: Class) -> Option<(Kind, Grammar)> {
    Some(match class {
        keywords::TELEGRAM | keywords::TG_LINK => (Kind::Telegram, telegram),
        keywords::WECHAT => (Kind::Wechat, wechat),
        keywords::WICKR => (Kind::Wickr, wickr),
        keywords::SIGNAL => (Kind::Signal, signal),
        keywords::THREEMA => (Kind::Threema, threema),
        keywords::SKYPE => (Kind::Skype, skype),
        keywords::SESSION => (Kind::Session, session),
        _ => return None,
    })
}

/// The longest handle read (a Skype `live:` id is 45).
const MAX_HANDLE: usize = 70;

fn is_handle_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b'*')
}

/// The token at `pos`: `@`? then handle bytes (`live:` kept for Skype),
/// trailing dots and dashes left to the sentence. Returns (token start
/// including `@`, handle start, handle end), or None when the token is
/// longer than any handle.
fn token(text: &str, pos: usize) -> Option<(usize, usize, usize)> {
    let bytes = text.as_bytes();
    let at = bytes.get(pos) == Some(&b'@');
    let start = pos + usize::from(at);
    let mut end = start;
    if bytes
        .get(start..start + 5)
        .is_some_and(|p| p.eq_ignore_ascii_case(b"live:"))
    {
        end += 5;
    }
    while end < bytes.len() && is_handle_byte(bytes[end]) {
        end += 1;
        if end - start > MAX_HANDLE {
            return None;
        }
    }
    if bytes.get(end) == Some(&b'@') {
        return None; // the local part of an e-mail address
    }
    while end > start && matches!(bytes[end - 1], b'.' | b'-') {
        end -= 1;
    }
    (end > start).then_some((pos, start, end))
}

/// `t.me/s/name` shows a channel's posts: the handle is the next segment.
/// Invite links (`t.me/+…`, `t.me/joinchat/…`) and other paths name no one.
fn tg_link_start(text: &str, pos: usize) -> Option<usize> {
    let rest = &text[pos..];
    if rest.starts_with("s/") {
        return Some(pos + 2);
    }
    let reserved = ["joinchat", "addstickers", "share", "proxy", "socks", "iv", "c/", "+"];
    (!reserved.iter().any(|r| rest.starts_with(r))).then_some(pos)
}

/// Calls `found(kind, value, start, end)` for each handle after its keyword,
/// in keyword order (so in text order per kind). Values are lower-cased,
/// without `@`.
pub(super) fn scan(text: &str, kws: &[Keyword], found: &mut dyn FnMut(Kind, String, usize, usize)) {
    for (i, kw) in kws.iter().enumerate() {
        let Some((kind, valid)) = grammar(kw.class) else {
            continue;
        };
        let (pos, strong) = if kw.class == keywords::TG_LINK {
            let Some(p) = tg_link_start(text, kw.end) else { continue };
            (p, true)
        } else {
            let Some(gap) = keywords::skip_filler(text, kw.end, text.len(), &kws[i + 1..]) else {
                continue;
            };
            (gap.end, gap.strong)
        };
        let Some((token_start, start, end)) = token(text, pos) else {
            continue;
        };
        let handle = &text[start..end];
        let looks_like_handle = handle.bytes().any(|b| b.is_ascii_digit() || b == b'_' || b == b'.');
        let at = token_start < start;
        if !(strong || at || looks_like_handle) || !valid(handle) {
            continue;
        }
        found(kind, handle.to_ascii_lowercase(), token_start, end);
    }
}
