//! The words that make a nearby number or handle count: phone and messenger
//! keywords, link prefixes (`t.me/`, `wa.me/`), and the labels that make a
//! number something else (CAS, order, part, price). One Aho-Corasick pass
//! over the text finds them all; the gap between a keyword and what it
//! labels must be short and made of separators and filler words only.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::sync::LazyLock;

/// What a keyword says about what follows it (a bit set).
pub(super) type Class = u16;
/// A phone keyword: a national number after it parses in the site's country.
pub(super) const PHONE: Class = 1;
/// WhatsApp: a phone number after it is also a WhatsApp account.
pub(super) const WHATSAPP: Class = 1 << 1;
/// WeChat: an id or a phone number follows.
pub(super) const WECHAT: Class = 1 << 2;
/// Signal: a phone number or a username (`name.01`) follows.
pub(super) const SIGNAL: Class = 1 << 3;
/// Telegram: a handle follows (a number after it counts as a phone only).
pub(super) const TELEGRAM: Class = 1 << 4;
/// Wickr / Wickr Me: a username follows.
pub(super) const WICKR: Class = 1 << 5;
/// Threema: an 8-character ID follows.
pub(super) const THREEMA: Class = 1 << 6;
/// Skype: a `live:` id or a Skype name follows.
pub(super) const SKYPE: Class = 1 << 7;
/// Session: a 66-hex-digit Session ID follows.
pub(super) const SESSION: Class = 1 << 8;
/// `wa.me/`, `api.whatsapp.com/send?phone=`: an international number without `+` follows at once.
pub(super) const WA_LINK: Class = 1 << 9;
/// `t.me/`: a Telegram handle follows at once.
pub(super) const TG_LINK: Class = 1 << 10;
/// A label that makes the number after it not a phone (CAS, order, part, price, ...).
pub(super) const BLOCK: Class = 1 << 11;

/// Classes whose keyword makes a nearby national number count as a phone.
pub(super) const ARMS_PHONE: Class = PHONE | WHATSAPP | WECHAT | SIGNAL | TELEGRAM;

/// The keywords. ASCII letters match in any case; a non-ASCII letter is
/// listed in each case it is written in.
const KEYWORDS: &[(&str, Class)] = &[
    // Phone, in the languages of the marketplaces watched.
    ("tel", PHONE),
    ("tel.", PHONE),
    ("tele", PHONE),
    ("telephone", PHONE),
    ("phone", PHONE),
    ("ph", PHONE),
    ("mobile", PHONE),
    ("mob", PHONE),
    ("cell", PHONE),
    ("cellphone", PHONE),
    ("cell phone", PHONE),
    ("call", PHONE),
    ("sms", PHONE),
    ("fax", PHONE),
    ("hotline", PHONE),
    ("电话", PHONE),
    ("手机", PHONE),
    ("联系电话", PHONE),
    ("手机号", PHONE),
    ("手机号码", PHONE),
    ("电话号码", PHONE),
    ("座机", PHONE),
    ("热线", PHONE),
    ("传真", PHONE),
    ("電話", PHONE),
    ("手機", PHONE),
    ("teléfono", PHONE),
    ("telÉfono", PHONE),
    ("telefono", PHONE),
    ("telefone", PHONE),
    ("telefon", PHONE),
    ("téléphone", PHONE),
    ("tÉlÉphone", PHONE),
    ("tfno", PHONE),
    ("móvil", PHONE),
    ("mÓvil", PHONE),
    ("movil", PHONE),
    ("celular", PHONE),
    ("cel", PHONE),
    ("handy", PHONE),
    ("телефон", PHONE),
    ("Телефон", PHONE),
    ("ТЕЛЕФОН", PHONE),
    ("тел", PHONE),
    ("Тел", PHONE),
    ("ТЕЛ", PHONE),
    // Messengers.
    ("whatsapp", WHATSAPP),
    ("whats app", WHATSAPP),
    ("whatsap", WHATSAPP),
    ("wa", WHATSAPP),
    ("wa.me/", WA_LINK),
    ("api.whatsapp.com/send?phone=", WA_LINK),
    ("wechat", WECHAT),
    ("we chat", WECHAT),
    ("weixin", WECHAT),
    ("微信", WECHAT),
    ("微信号", WECHAT),
    ("vx", WECHAT),
    ("wx", WECHAT),
    ("v信", WECHAT),
    ("V信", WECHAT),
    ("signal", SIGNAL),
    ("telegram", TELEGRAM),
    ("tg", TELEGRAM),
    ("电报", TELEGRAM),
    ("飞机", TELEGRAM),
    ("t.me/", TG_LINK),
    ("telegram.me/", TG_LINK),
    ("wickr", WICKR),
    ("wickr me", WICKR),
    ("wickrme", WICKR),
    ("threema", THREEMA),
    ("skype", SKYPE),
    ("session", SESSION),
    // Labels of numbers that are not phones.
    ("cas", BLOCK),
    ("cas no", BLOCK),
    ("cas#", BLOCK),
    ("p/n", BLOCK),
    ("pn", BLOCK),
    ("part", BLOCK),
    ("model", BLOCK),
    ("sku", BLOCK),
    ("item", BLOCK),
    ("order", BLOCK),
    ("invoice", BLOCK),
    ("lot", BLOCK),
    ("batch", BLOCK),
    ("ref", BLOCK),
    ("serial", BLOCK),
    ("s/n", BLOCK),
    ("iso", BLOCK),
    ("gb/t", BLOCK),
    ("hs", BLOCK),
    ("hs code", BLOCK),
    ("ean", BLOCK),
    ("upc", BLOCK),
    ("tracking", BLOCK),
    ("price", BLOCK),
    ("usd", BLOCK),
    ("rmb", BLOCK),
    ("cny", BLOCK),
    ("eur", BLOCK),
    ("$", BLOCK),
    ("¥", BLOCK),
    ("￥", BLOCK),
    ("€", BLOCK),
    ("£", BLOCK),
    ("订单", BLOCK),
    ("货号", BLOCK),
    ("型号", BLOCK),
    ("批号", BLOCK),
    ("价格", BLOCK),
];

static AUTOMATON: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(KEYWORDS.iter().map(|(k, _)| k))
        .expect("seller keywords build")
});

/// One keyword in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Keyword {
    /// Byte offset of its first character.
    pub start: usize,
    /// Byte offset just past it.
    pub end: usize,
    /// What it labels.
    pub class: Class,
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Every keyword in `text`, in order, not overlapping. A keyword that starts
/// with an ASCII letter must not follow one (`hotel` is not `tel`), and one
/// that ends with an ASCII letter must not be followed by one (`cash` is not
/// `cas`); a digit may follow (`Tel13812345678`).
pub(super) fn find(text: &str) -> Vec<Keyword> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for m in AUTOMATON.find_iter(text) {
        let (s, e) = (m.start(), m.end());
        let first = bytes[s];
        let last = bytes[e - 1];
        if first.is_ascii_alphabetic() && s > 0 && is_word_byte(bytes[s - 1]) {
            continue;
        }
        if last.is_ascii_alphabetic() && bytes.get(e).is_some_and(|b| b.is_ascii_alphabetic()) {
            continue;
        }
        out.push(Keyword {
            start: s,
            end: e,
            class: KEYWORDS[m.pattern().as_usize()].1,
        });
    }
    out
}

/// The most bytes between a keyword and what it labels.
pub(super) const MAX_GAP: usize = 24;

/// Characters that may stand between a keyword and its value.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            ':' | '：'
                | '.'
                | '-'
                | '–'
                | '—'
                | '/'
                | '|'
                | '('
                | ')'
                | '（'
                | '）'
                | '['
                | ']'
                | '【'
                | '】'
                | '#'
                | '*'
                | '='
                | ','
                | '，'
                | '、'
                | '"'
                | '\''
                | '“'
                | '”'
                | '>'
                | '~'
                | '→'
                | '➡'
                | '👉'
                | '📞'
                | '☎'
                | '📱'
        )
}

/// Separators that say "here comes the value" (`Telegram: x`, `WeChat ID x`).
fn is_strong_separator(c: char) -> bool {
    matches!(c, ':' | '：' | '=' | '-' | '→' | '➡' | '👉')
}

/// Whole words that may stand between a keyword and its value.
const FILLER_WORDS: &[&str] = &[
    "id",
    "no",
    "nr",
    "num",
    "number",
    "is",
    "at",
    "on",
    "or",
    "and",
    "us",
    "via",
    "add",
    "contact",
    "account",
    "user",
    "username",
    "name",
    "my",
    "our",
    "the",
    "only",
    "app",
    "messenger",
    "me",
    "here",
    "por",
    "o",
    "y",
];

/// Non-ASCII filler, matched as written.
const FILLER_CJK: &[&str] = &["号码", "号", "账号", "帐号", "加", "或", "和", "是", "联系", "：", "／"];

/// Filler words that also say "here comes the value".
fn strong_word(w: &str) -> bool {
    w.eq_ignore_ascii_case("id") || w == "号" || w == "账号" || w == "帐号"
}

/// What [`skip_filler`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Gap {
    /// Where the first non-filler character is (or `limit`).
    pub end: usize,
    /// A strong separator or word (`:`, `=`, `ID`, `号`) was crossed.
    pub strong: bool,
}

/// Skips separators, filler words and other keywords from `from` up to
/// `limit` (a byte offset on a char boundary), reading at most [`MAX_GAP`]
/// bytes. `kws` are the keywords that follow (the first may start at
/// `from`); only those inside the gap are looked at, so a call costs
/// O([`MAX_GAP`]). Returns where it stopped, or None when the gap was too long.
pub(super) fn skip_filler(text: &str, from: usize, limit: usize, kws: &[Keyword]) -> Option<Gap> {
    let limit = limit.min(text.len());
    let mut pos = from;
    let mut strong = false;
    let mut k = 0;
    while pos < limit {
        if pos - from > MAX_GAP {
            return None;
        }
        while k < kws.len() && kws[k].start < pos {
            k += 1;
        }
        // Another keyword is skipped, unless a word goes on after it (`wechat888` is a handle).
        let word_follows = |kw: &&Keyword| text.as_bytes().get(kw.end).is_some_and(|&b| is_word_byte(b));
        if let Some(kw) = kws
            .get(k)
            .filter(|kw| kw.start == pos && kw.end <= limit && kw.class & BLOCK == 0 && !word_follows(kw))
        {
            pos = kw.end;
            continue;
        }
        let rest = &text[pos..limit];
        let Some(c) = rest.chars().next() else { break };
        if is_separator(c) {
            strong |= is_strong_separator(c);
            pos += c.len_utf8();
            continue;
        }
        if c.is_ascii_alphabetic() {
            let word_len = rest.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
            let word = &rest[..word_len];
            let whole = !rest.as_bytes().get(word_len).is_some_and(|&b| is_word_byte(b));
            if whole && FILLER_WORDS.iter().any(|f| f.eq_ignore_ascii_case(word)) {
                strong |= strong_word(word);
                pos += word_len;
                continue;
            }
            break;
        }
        if let Some(f) = FILLER_CJK.iter().find(|f| rest.starts_with(**f)) {
            strong |= strong_word(f);
            pos += f.len();
            continue;
        }
        break;
    }
    Some(Gap { end: pos, strong })
}

/// True when `text[from..to]` is all filler (see [`skip_filler`]).
pub(super) fn is_filler(text: &str, from: usize, to: usize, kws: &[Keyword]) -> bool {
    to >= from && to - from <= MAX_GAP && skip_filler(text, from, to, kws).is_some_and(|g| g.end == to)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(text: &str) -> Vec<(&str, Class)> {
        find(text).iter().map(|k| (&text[k.start..k.end], k.class)).collect()
    }

    #[test]
    fn keywords_respect_word_boundaries() {
        assert_eq!(
            classes("hotel cash telegram Tel13812345678"),
            vec![("telegram", TELEGRAM), ("Tel", PHONE)]
        );
        assert_eq!(
            classes("电话：138 微信号: abc"),
            vec![("电话", PHONE), ("微信号", WECHAT)]
        );
        assert_eq!(classes("TELÉFONO 612"), vec![("TELÉFONO", PHONE)]);
        assert_eq!(classes("see https://t.me/chem and at.me/x"), vec![("t.me/", TG_LINK)]);
    }

    #[test]
    fn filler_gaps() {
        let t = "Tel/WhatsApp No.: +86";
        let kws = find(t);
        assert_eq!(kws.len(), 2);
        assert!(is_filler(t, kws[0].end, kws[1].start, &kws));
        let plus = t.find('+').unwrap();
        assert!(is_filler(t, kws[1].end, plus, &kws));
        assert!(!is_filler("Tel see below 1", 3, 14, &[]), "`see` is not filler");
        assert!(!is_filler("Tel 2 x", 3, 6, &[]), "digits are not filler");
        let long = format!("Tel{}1", " ".repeat(MAX_GAP + 1));
        assert!(!is_filler(&long, 3, long.len() - 1, &[]));
        let g = skip_filler("Wickr ID  bob", 5, 13, &[]).unwrap();
        assert_eq!(g, Gap { end: 10, strong: true });
        let g = skip_filler("Telegram  bob", 8, 13, &[]).unwrap();
        assert_eq!(g, Gap { end: 10, strong: false });
    }
}
