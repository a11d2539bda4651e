//! Cryptocurrency addresses: Bitcoin (Base58Check P2PKH/P2SH, Bech32/Bech32m
//! segwit), Ethereum (EIP-55) and Tron (Base58Check with version 0x41).
//!
//! Mainnet only: testnet addresses (`tb1…`, `m…`, `n…`, `2…`) are what
//! tutorials and test fixtures show, never where a seller is paid, so they
//! do not count.

use super::{base58, bech32, Kind};
use sha3::{Digest, Keccak256};

/// The longest token looked at (a v16 segwit address with a 40-byte program is 74).
const MAX_TOKEN: usize = 90;

/// Calls `found(kind, value, start, end)` for every valid address in `text`,
/// in text order. An address is a whole run of ASCII letters and digits: one
/// inside a longer run (a hash, a hex dump) is not an address.
pub(super) fn scan(text: &str, found: &mut dyn FnMut(Kind, String, usize, usize)) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
            i += 1;
        }
        if (14..=MAX_TOKEN).contains(&(i - start)) {
            if let Some((kind, value)) = classify(&text[start..i]) {
                found(kind, value, start, i);
            }
        }
    }
}

/// The kind and normalised value of one token, when it is a valid address.
pub(super) fn classify(token: &str) -> Option<(Kind, String)> {
    if token.len() == 42 && token.starts_with("0x") {
        return eth(token).map(|v| (Kind::Eth, v));
    }
    if token.len() == 34 && token.starts_with('T') {
        return tron(token).then(|| (Kind::Tron, token.to_string()));
    }
    if token.starts_with(['1', '3']) {
        return btc_base58(token).then(|| (Kind::Btc, token.to_string()));
    }
    if token.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("bc1")) {
        return bech32::is_mainnet_segwit(token).then(|| (Kind::Btc, token.to_ascii_lowercase()));
    }
    None
}

/// P2PKH (version 0x00, `1…`) or P2SH (version 0x05, `3…`) with a valid checksum.
fn btc_base58(s: &str) -> bool {
    (26..=35).contains(&s.len()) && base58::check25(s).is_some_and(|b| matches!(b[0], 0x00 | 0x05))
}

/// A Tron address: Base58Check of 0x41 followed by 20 bytes.
fn tron(s: &str) -> bool {
    base58::check25(s).is_some_and(|b| b[0] == 0x41)
}

/// `0x` and 40 hex digits: all lower or all upper case, or mixed case that
/// is a valid EIP-55 checksum. Returns the address in lower case.
fn eth(s: &str) -> Option<String> {
    let hex = s.strip_prefix("0x")?;
    if hex.len() != 40 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let lower = hex.to_ascii_lowercase();
    let mixed = hex.bytes().any(|b| b.is_ascii_lowercase()) && hex.bytes().any(|b| b.is_ascii_uppercase());
    if mixed {
        let hash = Keccak256::digest(lower.as_bytes());
        for (i, b) in hex.bytes().enumerate() {
            if b.is_ascii_alphabetic() {
                let nibble = (hash[i / 2] >> if i % 2 == 0 { 4 } else { 0 }) & 0xf;
                if b.is_ascii_uppercase() != (nibble >= 8) {
                    return None;
                }
            }
        }
    }
    Some(format!("0x{lower}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Replaces the character at `i` with each of `alphabet` in turn (when
    /// different) and returns the results.
    fn mutations(s: &str, i: usize, alphabet: &[u8]) -> Vec<String> {
        alphabet
            .iter()
            .filter(|&&c| s.as_bytes()[i] != c)
            .map(|&c| {
                let mut m = s.as_bytes().to_vec();
                m[i] = c;
                String::from_utf8(m).unwrap()
            })
            .collect()
    }

    const BASE58: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    #[test]
    fn bitcoin_base58_valid_and_mutated() {
        for a in [
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
            "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
            "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
        ] {
            assert_eq!(classify(a), Some((Kind::Btc, a.to_string())));
            for i in 0..a.len() {
                for m in mutations(a, i, BASE58) {
                    assert_eq!(classify(&m), None, "{m}");
                }
            }
        }
    }

    /// Base58Check of `version` + 20 bytes (test helper: the module only decodes).
    fn encode_check(version: u8, payload: [u8; 20]) -> String {
        use sha2::{Digest, Sha256};
        let mut bytes = vec![version];
        bytes.extend_from_slice(&payload);
        let sum = Sha256::digest(Sha256::digest(&bytes));
        bytes.extend_from_slice(&sum[..4]);
        let mut digits: Vec<u8> = Vec::new(); // little-endian base 58
        for &b in &bytes {
            let mut carry = u32::from(b);
            for d in digits.iter_mut() {
                carry += u32::from(*d) << 8;
                *d = (carry % 58) as u8;
                carry /= 58;
            }
            while carry > 0 {
                digits.push((carry % 58) as u8);
                carry /= 58;
            }
        }
        let zeros = bytes.iter().take_while(|&&b| b == 0).count();
        let mut s = "1".repeat(zeros);
        s.extend(digits.iter().rev().map(|&d| BASE58[usize::from(d)] as char));
        s
    }

    #[test]
    fn other_versions_and_testnet_do_not_count() {
        let payload = [0x5a; 20];
        let main = encode_check(0x00, payload);
        assert_eq!(
            classify(&main),
            Some((Kind::Btc, main.clone())),
            "the helper encodes correctly"
        );
        for version in [0x6f, 0xc4, 0x06, 0x41, 0x30] {
            let s = encode_check(version, payload);
            assert!(base58::check25(&s).is_some(), "{s} has a valid checksum");
            let want = (version == 0x41).then(|| (Kind::Tron, s.clone()));
            assert_eq!(classify(&s), want, "version {version:#x}: {s}");
        }
        // A '3…' string of version 0x06 is Base58Check-valid but not P2SH.
        let s = encode_check(0x06, [0; 20]);
        assert!(s.starts_with('3') && base58::check25(&s).is_some(), "{s}");
        assert_eq!(classify(&s), None);
        assert_eq!(
            classify("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7"),
            None
        );
    }

    #[test]
    fn bech32_addresses_are_lower_cased() {
        assert_eq!(
            classify("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"),
            Some((Kind::Btc, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4".into()))
        );
        assert_eq!(classify("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5"), None);
    }

    /// EIP-55's test cases: all caps, all lower, and checksummed mixed case.
    #[test]
    fn ethereum_eip55_vectors() {
        for a in [
            "0x52908400098527886E0F7030069857D2E4169EE7",
            "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
            "0xde709f2102306220921060314715629080e2fb77",
            "0x27b1fdb04752bbc536007a920d24acb045561c26",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
            "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
            "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
        ] {
            let want = format!("0x{}", a[2..].to_ascii_lowercase());
            assert_eq!(classify(a), Some((Kind::Eth, want)), "{a}");
        }
    }

    #[test]
    fn ethereum_case_flips_break_the_checksum() {
        let a = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
        let mut flipped = 0;
        for (i, b) in a.bytes().enumerate().skip(2) {
            if b.is_ascii_alphabetic() {
                let mut m = a.as_bytes().to_vec();
                m[i] ^= 0x20;
                let m = String::from_utf8(m).unwrap();
                assert_eq!(classify(&m), None, "{m}");
                flipped += 1;
            }
        }
        assert!(flipped > 10);
        assert_eq!(classify("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe"), None, "39 digits");
        assert_eq!(classify("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg"), None, "not hex");
    }

    #[test]
    fn tron_valid_and_mutated() {
        let a = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t";
        assert_eq!(classify(a), Some((Kind::Tron, a.to_string())));
        for i in 0..a.len() {
            for m in mutations(a, i, BASE58) {
                assert_eq!(classify(&m), None, "{m}");
            }
        }
        // A Bitcoin address is Base58Check too, but not version 0x41.
        assert!(!tron("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"));
    }

    #[test]
    fn tokens_are_whole_runs() {
        let mut got = Vec::new();
        let text = "pay 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa, not x1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa; 比特币1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2。";
        scan(text, &mut |k, v, s, e| got.push((k, v, &text[s..e])));
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].2, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa");
        assert_eq!(got[1].2, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2");
    }
}
