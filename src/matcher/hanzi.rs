//! Traditional Chinese characters folded to simplified ones.
//!
//! Sellers in Taiwan and Hong Kong, and sellers addressing them, write
//! 純度, 現貨, 包清關 where mainland sellers write 纯度, 现货, 包清关. The
//! normaliser folds every traditional character to its simplified form, in
//! the text and in the packs' names, terms and regexes alike, so a pack
//! writes each Chinese name and phrase once. The table (about 2,700 pairs)
//! is generated at build time from the `fast2s` crate; a character and its
//! fold have the same UTF-8 length, so offsets are kept as they are.

include!(concat!(env!("OUT_DIR"), "/t2s.rs"));

/// The simplified form of `c`, or `c`.
#[inline]
pub fn simplified(c: char) -> char {
    match T2S.binary_search_by_key(&c, |&(t, _)| t) {
        Ok(i) => T2S[i].1,
        Err(_) => c,
    }
}

/// `s` with every traditional character folded (regex sources included:
/// their syntax is ASCII and stays as it is).
pub fn fold(s: &str) -> String {
    s.chars().map(simplified).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_traditional_keeps_the_rest() {
        assert_eq!(fold("純度99% 現貨 包清關 偽麻黃鹼"), "纯度99% 现货 包清关 伪麻黄碱");
        assert_eq!(fold("纯度 NPP [關关]{2}"), "纯度 NPP [关关]{2}");
        assert!(T2S.windows(2).all(|w| w[0].0 < w[1].0), "sorted for the binary search");
        assert!(T2S.iter().all(|&(t, s)| t.len_utf8() == s.len_utf8()));
        assert!(T2S.len() > 2000, "{}", T2S.len());
    }
}
