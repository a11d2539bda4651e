//! Seller identifiers in listing text, validated before they count.
//!
//! - **E-mail**: RFC 5321 lengths, a top-level domain of 2–24 letters, not an
//!   asset name (`logo@2x.png`). Lower-cased.
//! - **Phone**: parsed and validated with libphonenumber's metadata (the
//!   `phonenumber` crate), stored as E.164 (`+8613812345678`). A number
//!   counts with an international prefix (`+`, `00`), or with a phone or
//!   messenger keyword just before it (`Tel`, `WhatsApp`, `电话`, `móvil`, …)
//!   when it is valid in the site's country ([`Context::country`]). CAS
//!   numbers, dates, decimals, numbers glued to letters, and numbers labelled
//!   as something else (CAS, order, part, price) do not count.
//! - **Bitcoin**: Base58Check P2PKH (`1…`, version 0x00) and P2SH (`3…`,
//!   0x05); segwit with HRP `bc`, Bech32 for version 0 (BIP-173) and Bech32m
//!   for versions 1–16 (BIP-350), lower-cased. **Testnet addresses (`tb1…`,
//!   `m…`, `n…`, `2…`) do not count**: they hold no money, and appear in
//!   tutorials and fixtures, not in payment instructions.
//! - **Ethereum**: `0x` + 40 hex digits, all lower or all upper case, or
//!   mixed case with a valid EIP-55 checksum. Lower-cased.
//! - **Tron**: Base58Check of 25 bytes whose first is 0x41 (`T…`), as written.
//! - **Messengers**, only right after their keyword: WhatsApp (a phone
//!   number, or `wa.me/…`), Telegram (`t.me/…`, or `telegram`/`tg` + a 5–32
//!   character username), WeChat (`wechat`/`weixin`/`微信`/`VX`/`wx` + an id
//!   of 6–20 characters starting with a letter, or a phone number), Wickr,
//!   Signal (a phone number or a `name.01` username), Threema (an 8-character
//!   ID), Skype (`live:` ids or names), Session (66 hex digits starting
//!   `05`). Lower-cased, without `@`; numbers as E.164. A messenger number is
//!   also reported as `phone`, so a number links listings whichever app it
//!   was offered for.
//!
//! Every scanner is linear in the text (hand-written loops with bounded
//! look-around, one Aho-Corasick pass for keywords); libphonenumber is asked
//! at most [`MAX_PHONE_PARSES`] times per text. No input panics. This module
//! does no I/O and depends on nothing else in the crate.

mod base58;
mod bech32;
mod coins;
mod email;
mod handles;
mod keywords;
mod numbering;
mod phone;

#[cfg(test)]
mod prop_tests;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashSet};

/// Numbers validated with libphonenumber per text; numbers beyond it are
/// not reported (see [`identifiers`]).
pub const MAX_PHONE_PARSES: usize = phone::MAX_PARSES;

/// What kind of identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// An e-mail address.
    Email,
    /// A phone number (E.164).
    Phone,
    /// A Bitcoin mainnet address.
    Btc,
    /// An Ethereum address.
    Eth,
    /// A Tron address.
    Tron,
    /// A WhatsApp number (E.164).
    Whatsapp,
    /// A Telegram username.
    Telegram,
    /// A WeChat id, or a phone number offered for WeChat (E.164).
    Wechat,
    /// A Wickr username.
    Wickr,
    /// A Signal username, or a phone number offered for Signal (E.164).
    Signal,
    /// A Threema ID.
    Threema,
    /// A Skype id or name.
    Skype,
    /// A Session ID.
    Session,
}

impl Kind {
    /// Every kind, in the order identifiers at the same offset are listed.
    pub const ALL: [Kind; 13] = [
        Kind::Email,
        Kind::Phone,
        Kind::Btc,
        Kind::Eth,
        Kind::Tron,
        Kind::Whatsapp,
        Kind::Telegram,
        Kind::Wechat,
        Kind::Wickr,
        Kind::Signal,
        Kind::Threema,
        Kind::Skype,
        Kind::Session,
    ];

    /// The stored name (`sellers.kind`): `email`, `phone`, `btc`, `eth`,
    /// `tron`, `whatsapp`, `telegram`, `wechat`, `wickr`, `signal`,
    /// `threema`, `skype`, `session`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Email => "email",
            Kind::Phone => "phone",
            Kind::Btc => "btc",
            Kind::Eth => "eth",
            Kind::Tron => "tron",
            Kind::Whatsapp => "whatsapp",
            Kind::Telegram => "telegram",
            Kind::Wechat => "wechat",
            Kind::Wickr => "wickr",
            Kind::Signal => "signal",
            Kind::Threema => "threema",
            Kind::Skype => "skype",
            Kind::Session => "session",
        }
    }

    /// Reads a stored name (see [`Kind::as_str`]).
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One identifier found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identifier {
    /// What it is.
    pub kind: Kind,
    /// The normalised value (see the module documentation).
    pub value: String,
    /// Byte offset of its first character in the text (a handle's `@` included).
    pub start: usize,
    /// Byte offset just past it.
    pub end: usize,
}

/// What is known about where the text comes from.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// ISO 3166 alpha-2 code of the site's country (`"CN"`): numbers written
    /// without an international prefix are parsed as numbers of this country.
    /// None (or a code libphonenumber does not know): only international numbers count.
    pub country: Option<&'a str>,
}

/// True when `code` is an ISO 3166 alpha-2 code (any case) of a country or
/// territory with a telephone numbering plan, as [`Context::country`] needs.
pub fn known_country(code: &str) -> bool {
    phone::region(code).is_some()
}

/// The seller identifiers in `text`, in text order (identifiers at the same
/// offset in [`Kind::ALL`] order), deduplicated by (kind, value) keeping the
/// first occurrence; at most `max` of them, and the number of further
/// distinct identifiers dropped. Phone numbers beyond [`MAX_PHONE_PARSES`]
/// validations are neither reported nor counted as dropped.
pub fn identifiers(text: &str, ctx: &Context, max: usize) -> (Vec<Identifier>, u64) {
    let kws = keywords::find(text);
    let country = ctx.country.and_then(phone::region);
    let mut c = Collector::new(max);
    email::scan(text, &mut |v, s, e| c.push(Kind::Email, v, s, e));
    phone::Phones::new(text, &kws, country).scan(&mut |k, v, s, e| c.push(k, v, s, e));
    coins::scan(text, &mut |k, v, s, e| c.push(k, v, s, e));
    handles::scan(text, &kws, &mut |k, v, s, e| c.push(k, v, s, e));
    c.finish()
}

/// Distinct identifiers of one kind: the `max` earliest are kept.
#[derive(Default)]
struct Bucket {
    seen: HashSet<String>,
    /// By (start, end, arrival): the earliest come first.
    kept: BTreeMap<(usize, usize, usize), Identifier>,
    dropped: u64,
}

/// Keeps, per kind, the `max` earliest distinct identifiers whatever order
/// the scanners report them in; the overall `max` earliest are among them.
struct Collector {
    max: usize,
    buckets: Vec<Bucket>,
}

impl Collector {
    fn new(max: usize) -> Collector {
        Collector {
            max,
            buckets: Kind::ALL.iter().map(|_| Bucket::default()).collect(),
        }
    }

    fn push(&mut self, kind: Kind, value: String, start: usize, end: usize) {
        let b = &mut self.buckets[kind as usize];
        if b.seen.contains(&value) {
            return;
        }
        b.seen.insert(value.clone());
        let arrival = b.seen.len();
        b.kept.insert(
            (start, end, arrival),
            Identifier {
                kind,
                value,
                start,
                end,
            },
        );
        if b.kept.len() > self.max {
            b.kept.pop_last();
            b.dropped = b.dropped.saturating_add(1);
        }
    }

    fn finish(self) -> (Vec<Identifier>, u64) {
        let mut dropped: u64 = self.buckets.iter().map(|b| b.dropped).fold(0, u64::saturating_add);
        let mut all: Vec<Identifier> = self.buckets.into_iter().flat_map(|b| b.kept.into_values()).collect();
        all.sort_by_key(|i| (i.start, i.kind, i.end));
        if all.len() > self.max {
            dropped = dropped.saturating_add((all.len() - self.max) as u64);
            all.truncate(self.max);
        }
        (all, dropped)
    }
}
