//! Bech32 (BIP-173) and Bech32m (BIP-350) checksums, and Bitcoin mainnet
//! segregated-witness addresses built on them. Decoding only.

const CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const BECH32_CONST: u32 = 1;
const BECH32M_CONST: u32 = 0x2bc8_30a3;

/// Which checksum constant a string satisfies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Variant {
    /// BIP-173: witness version 0.
    Bech32,
    /// BIP-350: witness versions 1 to 16.
    Bech32m,
}

fn polymod(values: impl Iterator<Item = u8>) -> u32 {
    const GEN: [u32; 5] = [0x3b6a_57b2, 0x2650_8e6d, 0x1ea1_19fa, 0x3d42_33dd, 0x2a14_62b3];
    let mut chk: u32 = 1;
    for v in values {
        let top = chk >> 25;
        chk = ((chk & 0x01ff_ffff) << 5) ^ u32::from(v);
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    chk
}

fn data_value(b: u8) -> Option<u8> {
    CHARSET.iter().position(|&c| c == b).map(|p| p as u8)
}

/// Splits and checks a Bech32/Bech32m string: at most 90 characters, all
/// printable ASCII, not mixed case, a non-empty human-readable part before
/// the last `1`, at least six checksum characters after it. Returns the
/// lower-case HRP, the data values without the checksum, and the variant.
pub(super) fn decode(s: &str) -> Option<(String, Vec<u8>, Variant)> {
    if s.len() > 90 || !s.bytes().all(|b| (33..=126).contains(&b)) {
        return None;
    }
    if s.bytes().any(|b| b.is_ascii_lowercase()) && s.bytes().any(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let lower = s.to_ascii_lowercase();
    let sep = lower.rfind('1')?;
    let (hrp, data) = (&lower[..sep], &lower.as_bytes()[sep + 1..]);
    if hrp.is_empty() || data.len() < 6 {
        return None;
    }
    let values: Vec<u8> = data.iter().map(|&b| data_value(b)).collect::<Option<_>>()?;
    let expanded = hrp
        .bytes()
        .map(|b| b >> 5)
        .chain(std::iter::once(0))
        .chain(hrp.bytes().map(|b| b & 31));
    let variant = match polymod(expanded.chain(values.iter().copied())) {
        BECH32_CONST => Variant::Bech32,
        BECH32M_CONST => Variant::Bech32m,
        _ => return None,
    };
    let keep = values.len() - 6;
    Some((hrp.to_string(), values[..keep].to_vec(), variant))
}

/// Regroups 5-bit values into bytes; no padding beyond 4 bits, and it must be zero.
fn to_bytes(values: &[u8]) -> Option<Vec<u8>> {
    let (mut acc, mut bits, mut out) = (0u32, 0u32, Vec::with_capacity(values.len() * 5 / 8));
    for &v in values {
        acc = ((acc << 5) | u32::from(v)) & 0xfff;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    (bits < 5 && (acc & ((1 << bits) - 1)) == 0).then_some(out)
}

/// A Bitcoin mainnet segwit address (HRP `bc`): version 0 with a Bech32
/// checksum and a 20- or 32-byte program, or version 1 to 16 with a Bech32m
/// checksum and a 2- to 40-byte program. Testnet (`tb1`) is not mainnet.
pub(super) fn is_mainnet_segwit(s: &str) -> bool {
    let Some((hrp, data, variant)) = decode(s) else {
        return false;
    };
    let Some((&version, program)) = data.split_first() else {
        return false;
    };
    let Some(program) = to_bytes(program) else {
        return false;
    };
    let length_ok = (2..=40).contains(&program.len());
    hrp == "bc"
        && length_ok
        && match version {
            0 => variant == Variant::Bech32 && matches!(program.len(), 20 | 32),
            1..=16 => variant == Variant::Bech32m,
            _ => false,
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// BIP-173 and BIP-350: the generic valid strings of each variant.
    #[test]
    fn bip_checksum_vectors() {
        for s in [
            "A12UEL5L",
            "a12uel5l",
            "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
            "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
            "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
            "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
            "?1ezyfcl",
        ] {
            assert_eq!(decode(s).map(|d| d.2), Some(Variant::Bech32), "{s}");
        }
        for s in [
            "A1LQFN3A",
            "a1lqfn3a",
            "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
            "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
            "11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8",
            "split1checkupstagehandshakeupstreamerranterredcaperredlc445v",
            "?1v759aa",
        ] {
            assert_eq!(decode(s).map(|d| d.2), Some(Variant::Bech32m), "{s}");
        }
        for s in [
            "\u{20}1nwldj5",
            "\u{7f}1axkwrx",
            "\u{80}1eym55h",
            "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx",
            "pzry9x0s0muk",
            "1pzry9x0s0muk",
            "x1b4n0q5v",
            "li1dgmt3",
            "de1lg7wt\u{ff}",
            "A1G7SGD8",
            "10a06t8",
            "1qzzfhee",
            "qyrz8wqd2c9m",
            "y1b0jsk6g",
            "lt1igcx5c0",
            "in1muywd",
            "mm1crxm3i",
            "au1s5cgom",
            "M1VUXWEZ",
            "16plkw9",
            "1p2gdwpf",
        ] {
            assert_eq!(decode(s), None, "{s:?}");
        }
    }

    /// BIP-350's segwit address vectors (mainnet ones valid; testnet refused
    /// by design), and its invalid list.
    #[test]
    fn bip_350_address_vectors() {
        for s in [
            "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
            "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
            "BC1SW50QGDZ25J",
            "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs",
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
        ] {
            assert!(is_mainnet_segwit(s), "{s}");
        }
        for s in [
            // Valid, but testnet.
            "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
            "tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c",
            // BIP-350's invalid addresses.
            "tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut",
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
            "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",
            "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",
            "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",
            "bc1pw5dgrnzv",
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",
            "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",
            "bc1gmk9yu",
            // BIP-173's v1+ examples carry Bech32 checksums, which BIP-350 retired.
            "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx",
            "BC1SW50QA3JX3S",
            "bc1zw508d6qejxtdg4y5r3zarvaryvg6kdaj",
            // BIP-173's invalid addresses.
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",
            "BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2",
            "bc1rw5uspcuh",
            "bc10w508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kw5rljs90",
            "bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du",
        ] {
            assert!(!is_mainnet_segwit(s), "{s}");
        }
    }

    #[test]
    fn every_single_substitution_is_detected() {
        for s in [
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
        ] {
            assert!(is_mainnet_segwit(s));
            for (i, _) in s.char_indices().skip(3) {
                for &c in CHARSET {
                    if s.as_bytes()[i] != c {
                        let mut m = s.as_bytes().to_vec();
                        m[i] = c;
                        let m = String::from_utf8(m).unwrap();
                        assert!(!is_mainnet_segwit(&m), "{m}");
                    }
                }
            }
        }
    }
}
