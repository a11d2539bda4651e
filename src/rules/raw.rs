//! Serde shapes of a rule pack file (see rules/FORMAT.md). Spans are kept so
//! that every validation error can name its line.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

pub type S<T> = Spanned<T>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPackFile {
    pub pack: S<RawPack>,
    #[serde(default)]
    pub context: BTreeMap<S<String>, S<RawContext>>,
    #[serde(default)]
    pub rule: Vec<S<RawRule>>,
    #[serde(default)]
    pub example: Vec<S<RawListingExample>>,
    #[serde(default)]
    pub policy: Option<S<RawPolicy>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPack {
    pub id: S<String>,
    pub name: S<String>,
    /// metadata accepted by the format; not used by the engine
    #[serde(default)]
    #[allow(dead_code)]
    pub description: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    pub source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawContext {
    pub terms: Vec<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub id: S<String>,
    pub name: S<String>,
    pub category: S<String>,
    pub weight: S<f64>,
    #[serde(default)]
    pub cas: Vec<S<String>>,
    #[serde(default)]
    pub names: Vec<S<String>>,
    #[serde(default)]
    pub ambiguous: Vec<S<String>>,
    #[serde(default)]
    pub patterns: Vec<S<String>>,
    #[serde(default)]
    pub requires: Vec<S<String>>,
    #[serde(default)]
    pub cancel: Vec<S<String>>,
    #[serde(default)]
    pub negated_by: Vec<S<String>>,
    #[serde(default)]
    pub window: Option<S<i64>>,
    #[serde(default)]
    pub same_as: Option<S<String>>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(default)]
    pub unconfirmed: bool,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub examples: Option<RawRuleExamples>,
    /// `[rule.search]`: `terms` for every site, and per language code.
    #[serde(default)]
    pub search: BTreeMap<String, Vec<S<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRuleExamples {
    #[serde(default, rename = "match")]
    pub matches: Vec<S<String>>,
    #[serde(default)]
    pub no_match: Vec<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawListingExample {
    pub text: S<String>,
    pub risk: S<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPolicy {
    pub classes: BTreeMap<S<String>, Vec<S<String>>>,
    #[serde(default)]
    pub level: Vec<S<RawLevel>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLevel {
    pub risk: S<String>,
    #[serde(default)]
    pub all: Vec<S<String>>,
    #[serde(default)]
    pub any: Vec<S<String>>,
    #[serde(default)]
    pub none: Vec<S<String>>,
    #[serde(default)]
    pub min_score: Option<f64>,
}
