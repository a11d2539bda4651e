//! Where a chemical name ends, as a chemist reads it.
//!
//! A word boundary is not enough for chemical names: "piperidine" in
//! "tert-butyl piperidine-4-carboxylate" and "4-piperidone" in
//! "N-methyl-4-piperidone" stand between non-word characters, yet each is
//! only a fragment of a larger name, a different substance. Names extend
//! through hyphens into locants ("-4-carboxylate", "-1,2-diol"), substituent
//! words ("-yl", "-amino", "N-Boc-") and brackets ("4-(phenylamino)piperidine").
//! Salts and forms ("-HCl", " hydrochloride", "-oil"), stereo descriptors
//! ("L-", "(+)-", "(1S,2S)-") and marketing words ("new-") do not make a
//! different substance, so they leave a name whole.
//!
//! Every check reads a bounded number of characters next to the name, so a
//! candidate costs O(1) whatever the text.

use super::normalise;

/// A hyphen or any dash variant.
fn is_dash(c: char) -> bool {
    c == '-' || normalise::is_dash(c)
}

/// The longest word next to a name that the checks read, in characters.
const MAX_WORD: usize = 40;

/// The longest stereo descriptor inside brackets, in characters.
const MAX_STEREO: usize = 16;

/// Salt and anion words: after a hyphen they leave a name whole
/// ("Ephedrine-Sulfate" is ephedrine), though "sulf" or "chlor" would
/// otherwise start a substituent.
const SALT_WORDS: &[&str] = &[
    "hcl",
    "hbr",
    "hydrochloride",
    "dihydrochloride",
    "hydrobromide",
    "sulfate",
    "sulphate",
    "bisulfate",
    "nitrate",
    "chloride",
    "bromide",
    "iodide",
    "carbonate",
    "bicarbonate",
    "citrate",
    "oxalate",
    "tartrate",
    "bitartrate",
    "phosphate",
    "acetate",
    "maleate",
    "fumarate",
    "mesylate",
    "salt",
    "base",
    "monohydrate",
    "hydrate",
];

/// Endings of a word that is a substituent prefix glued to the next word by a
/// hyphen: "methyl-", "amino-", "Boc-", "chloro-".
const PREFIX_ENDINGS: &[&str] = &[
    "yl", "il", "oxy", "oxo", "ino", "ido", "chloro", "fluoro", "bromo", "iodo", "nitro", "cyano", "boc", "cbz",
    "fmoc", "tert", "sec", "iso", "nor", "des", "cyclo", "hydroxy", "methoxy", "ethoxy", "thio", "aza", "oxa", "para",
    "meta", "ortho",
];

/// Starts of a word that continues a chemical name after a hyphen:
/// "-carboxylate", "-yl", "-amine", "-one".
const SUFFIX_STARTS: &[&str] = &[
    "yl", "carbox", "carbon", "carbald", "carbam", "oxo", "oxy", "amin", "amid", "imin", "ium", "sulf", "nitr",
    "chlor", "fluor", "brom", "iod", "hydroxy", "methyl", "ethyl", "propyl", "butyl", "phenyl", "benzyl", "acetyl",
    "propion", "boc", "tert", "oate", "thio", "dione", "diol",
];

/// Whole words that continue a chemical name after a hyphen ("-ol", "-one").
const SUFFIX_WORDS: &[&str] = &["ol", "one", "al", "ene", "ine", "ide", "il", "ilo", "ona"];

/// True when the name at `[os, oe)` of `text` is only a fragment of a longer
/// chemical name (see the module doc).
pub(super) fn is_fragment(text: &str, os: usize, oe: usize) -> bool {
    glued_before(&text[..os]) || continued_after(&text[oe..]) || cjk_substituted(&text[..os], &text[oe..])
}

/// A Chinese chemical name glued to a substituent: "基" (-yl) right before it
/// ("4-甲氧基苯基丙酮" is 4-methoxyphenylacetone, not 苯基丙酮) or right after
/// it ("哌啶基" is piperidinyl).
fn cjk_substituted(before: &str, after: &str) -> bool {
    before.ends_with('基') || after.starts_with('基')
}

/// A chemical prefix ends right before the name: a bracket ("…amino)") or a
/// hyphen after a locant or substituent word ("4-", "N-Boc-", "methyl-").
fn glued_before(before: &str) -> bool {
    let mut it = before.chars().rev();
    match it.next() {
        Some(')' | ']') => bracket_prefix(before),
        Some(c) if is_dash(c) => {
            let rest = &before[..before.len() - c.len_utf8()];
            match rest.chars().next_back() {
                Some(')' | ']') => bracket_prefix(rest),
                Some(_) => prefix_word(rest),
                None => false,
            }
        }
        _ => false,
    }
}

/// True when the bracket that ends `s` holds a substituent ("(phenylamino)",
/// "(2-phenylethyl)"), not a stereo descriptor or a remark ("(99%)").
fn bracket_prefix(s: &str) -> bool {
    let inner = &s[..s.len() - 1];
    let lettered = word_before(inner).is_some_and(|w| w.chars().any(char::is_alphabetic));
    !stereo_bracket(s) && lettered && prefix_word(inner)
}

/// The word that ends `s` (letters, digits, commas and primes, at most
/// [`MAX_WORD`] characters), lowercased; `None` when it is longer.
fn word_before(s: &str) -> Option<String> {
    let mut w: Vec<char> = Vec::new();
    for c in s.chars().rev() {
        if !(c.is_alphanumeric() || matches!(c, ',' | '\'' | '′')) {
            break;
        }
        if w.len() == MAX_WORD {
            return None;
        }
        w.push(c);
    }
    Some(w.into_iter().rev().flat_map(char::to_lowercase).collect())
}

/// True when the word ending `s` is a substituent prefix ("methyl", "Boc",
/// "phenylamino"). A bare locant ("1-", "N-") only says where the name's own
/// first group sits ("N-Boc-4-AP" is Boc-4-AP), so it leaves the name whole.
fn prefix_word(s: &str) -> bool {
    let Some(w) = word_before(s) else { return false };
    w.chars().filter(|c| c.is_alphabetic()).count() >= 2 && PREFIX_ENDINGS.iter().any(|e| w.ends_with(e))
}

/// True when the bracket that ends `s` holds a stereo descriptor: "(+)",
/// "(-)", "(±)", "(R)", "(S)", "(RS)", "(1S,2S)", "[R-(R*,S*)]".
/// Reads at most [`MAX_STEREO`] characters back from the closing bracket.
fn stereo_bracket(s: &str) -> bool {
    let Some(body) = s.get(..s.len() - 1) else { return false };
    let mut inner: Vec<char> = Vec::new();
    let mut opened = false;
    for c in body.chars().rev().take(MAX_STEREO + 1) {
        if c == '(' || c == '[' {
            opened = true;
            break;
        }
        inner.push(c);
    }
    opened
        && !inner.is_empty()
        && inner.len() <= MAX_STEREO
        && inner.iter().all(|&c| {
            matches!(
                c,
                '+' | '-' | '±' | '−' | ',' | '*' | '(' | ')' | 'R' | 'S' | 'r' | 's' | 'D' | 'L' | 'd' | 'l'
            ) || c.is_ascii_digit()
        })
}

/// A chemical continuation starts right after the name: a hyphen and a
/// locant ("-4-carboxylate", "-1,2-diol") or a suffix word ("-yl", "-amine").
fn continued_after(after: &str) -> bool {
    let mut it = after.chars();
    let Some(c) = it.next() else { return false };
    if !is_dash(c) {
        return false;
    }
    let rest = it.as_str();
    let word: String = rest
        .chars()
        .take(MAX_WORD)
        .take_while(|c| c.is_alphanumeric() || matches!(c, ',' | '\'' | '′'))
        .collect();
    if word.is_empty() {
        return false;
    }
    if word
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ',' | '\'' | '′'))
    {
        // a locant: continued when a hyphen and a letter follow
        let mut tail = rest[word.len()..].chars();
        return tail.next().is_some_and(is_dash) && tail.next().is_some_and(char::is_alphabetic);
    }
    let w = word.to_lowercase();
    if SALT_WORDS.contains(&w.as_str()) {
        return false;
    }
    SUFFIX_WORDS.contains(&w.as_str()) || SUFFIX_STARTS.iter().any(|s| w.starts_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Is `name` (which must occur once in `text`) a fragment there?
    fn frag(text: &str, name: &str) -> bool {
        let os = text.find(name).expect("name in text");
        is_fragment(text, os, os + name.len())
    }

    #[test]
    fn fragments_of_larger_names() {
        assert!(frag("tert-butyl piperidine-4-carboxylate 98%", "piperidine"));
        assert!(frag("1-Boc-piperidine-3-carboxylate", "piperidine"));
        assert!(frag("N-methyl-4-piperidone, 25 kg", "4-piperidone"));
        assert!(frag("N-Boc-4-piperidone", "4-piperidone"));
        assert!(frag("tert-butyl 4-(phenylamino)piperidine-1-carboxylate", "piperidine"));
        assert!(frag("piperidin-4-yl acetate", "piperidin"));
        assert!(frag("piperidine-1,2-diol", "piperidine"));
        assert!(!frag("2-piperidone", "piperidone"));
        assert!(!frag("N-Boc-4-AP", "Boc-4-AP"));
        assert!(frag("aniline-2-sulfonic acid", "aniline"));
        assert!(frag("4-chloro-aniline", "aniline"));
        assert!(
            frag("1-Bencil-4-piperidona 99 %", "4-piperidona"),
            "Spanish substituents end in -il"
        );
        assert!(frag("4-甲氧基苯基丙酮 GMP", "苯基丙酮"));
        assert!(!frag("苯基丙酮 现货", "苯基丙酮"));
    }

    #[test]
    fn whole_names_with_salts_stereo_and_marketing() {
        assert!(!frag("Piperidine 99%, 200 kg drum", "Piperidine"));
        assert!(!frag("4-Piperidone-HCl monohydrate", "4-Piperidone"));
        assert!(!frag("4-piperidone hydrochloride", "4-piperidone"));
        assert!(!frag("NPP-39742-60-4 in stock", "NPP"));
        assert!(!frag("L-ephedrine hydrochloride", "ephedrine"));
        assert!(!frag("(1S,2S)-pseudoephedrine", "pseudoephedrine"));
        assert!(!frag("(+)-pseudoephedrine", "pseudoephedrine"));
        assert!(!frag("NEW-BMK oil", "BMK"));
        assert!(!frag("BMK-oil, PMK-powder", "BMK"));
        assert!(!frag("Ephedrine-Sulfate 99% powder", "Ephedrine"));
        assert!(!frag("Pseudoephedrine-hydrochloride", "Pseudoephedrine"));
        assert!(!frag("(NPP) powder", "NPP"));
        assert!(!frag("fentanyl-99% pure", "fentanyl"));
        assert!(!frag("N-phenethyl-4-piperidone", "N-phenethyl-4-piperidone"));
    }

    #[test]
    fn bounded_and_total_on_odd_text() {
        // a bracket far before the name is not read (the check is O(1))
        let far = format!("({}){}", "R".repeat(100_000), "NPP");
        assert!(!frag(&far, "NPP"));

        let long = format!("{}-NPP", "a".repeat(10_000));
        assert!(!frag(&long, "NPP"));
        assert!(!frag("-NPP-", "NPP"));
        assert!(!frag(")NPP", "NPP"));
        assert!(!frag("(CAS 39742-60-4)NPP", "NPP"));
        assert!(frag("1-(2-phenylethyl)-piperidine", "piperidine"));
        assert!(!frag("NPP", "NPP"));
    }
}
