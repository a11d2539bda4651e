//! TEMPORARY placeholder until the matcher branch is merged.
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    None,
    Low,
    Medium,
    High,
}
impl Risk {
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::None => "none",
            Risk::Low => "low",
            Risk::Medium => "medium",
            Risk::High => "high",
        }
    }
}
impl fmt::Display for Risk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
impl FromStr for Risk {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "none" => Ok(Risk::None),
            "low" => Ok(Risk::Low),
            "medium" => Ok(Risk::Medium),
            "high" => Ok(Risk::High),
            _ => Err(format!("unknown risk {s:?}: use none, low, medium or high")),
        }
    }
}
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HitKind {
    Name,
    Ambiguous,
    Pattern,
    Cas,
    CasObfuscated,
    CasTruncated,
}
impl HitKind {
    pub fn as_str(self) -> &'static str {
        match self {
            HitKind::Name => "name",
            HitKind::Ambiguous => "ambiguous",
            HitKind::Pattern => "pattern",
            HitKind::Cas => "cas",
            HitKind::CasObfuscated => "cas_obfuscated",
            HitKind::CasTruncated => "cas_truncated",
        }
    }
}
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub rule: String,
    pub category: String,
    pub kind: HitKind,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub cas: Option<String>,
    pub matched: String,
    pub start: usize,
    pub end: usize,
    pub context: String,
}
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub hits: Vec<Hit>,
    pub score: f64,
    pub risk: Risk,
}
