//! Base58 with the Bitcoin alphabet, decoding only, for the 25-byte
//! Base58Check payloads of Bitcoin P2PKH/P2SH and Tron addresses.

use sha2::{Digest, Sha256};

const ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// Value of each ASCII byte in the alphabet, 0xff when it is not in it.
const VALUES: [u8; 128] = {
    let mut t = [0xffu8; 128];
    let mut i = 0;
    while i < 58 {
        t[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    t
};

fn value(b: u8) -> Option<u8> {
    VALUES.get(usize::from(b)).copied().filter(|&v| v != 0xff)
}

/// Decodes `s` when it is the canonical Base58 form of exactly 25 bytes:
/// one leading `1` per leading zero byte, and a value that fits. At most 35
/// characters are read, so the work is bounded.
pub(super) fn decode25(s: &str) -> Option<[u8; 25]> {
    if s.is_empty() || s.len() > 35 {
        return None;
    }
    let mut out = [0u8; 25];
    for b in s.bytes() {
        let mut carry = u32::from(value(b)?);
        for o in out.iter_mut().rev() {
            carry += u32::from(*o) * 58;
            *o = (carry & 0xff) as u8;
            carry >>= 8;
        }
        if carry != 0 {
            return None;
        }
    }
    let ones = s.bytes().take_while(|&b| b == b'1').count();
    let zeros = out.iter().take_while(|&&b| b == 0).count();
    (ones == zeros).then_some(out)
}

/// Base58Check: 25 decoded bytes whose last four are the first four bytes of
/// SHA-256(SHA-256(first 21)). Returns the 21 bytes (version + payload).
pub(super) fn check25(s: &str) -> Option<[u8; 21]> {
    let b = decode25(s)?;
    let (body, sum) = b.split_at(21);
    let h = Sha256::digest(Sha256::digest(body));
    if h[..4] != *sum {
        return None;
    }
    let mut out = [0u8; 21];
    out.copy_from_slice(body);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_addresses_decode_with_their_version() {
        // The genesis block's address and the Bitcoin wiki's P2PKH / P2SH examples.
        assert_eq!(check25("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa").map(|b| b[0]), Some(0x00));
        assert_eq!(check25("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2").map(|b| b[0]), Some(0x00));
        assert_eq!(check25("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy").map(|b| b[0]), Some(0x05));
        // Tron's USDT contract: 0x41 a614f803b6fd780986a42c78ec9c7f77e6ded13c.
        let t = check25("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t").unwrap();
        assert_eq!(hex::encode(t), "41a614f803b6fd780986a42c78ec9c7f77e6ded13c");
    }

    #[test]
    fn not_25_bytes_or_not_base58_is_refused() {
        assert_eq!(decode25(""), None);
        assert_eq!(decode25("0OIl"), None, "characters outside the alphabet");
        assert_eq!(
            decode25("1A1zP1eP5QGefi2DMPTfTL5SLmv7Divf"),
            None,
            "too short for 25 bytes"
        );
        assert_eq!(
            decode25("11A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
            None,
            "an extra leading zero byte"
        );
        assert_eq!(decode25(&"z".repeat(35)), None, "overflows 25 bytes");
        assert_eq!(decode25("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNé"), None);
    }
}
