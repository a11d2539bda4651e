//! TEMPORARY placeholder until the matcher branch is merged.
use crate::matcher::{Hit, HitKind, Risk, Verdict};
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("{0}")]
    Invalid(String),
}
pub struct PackInfo {
    pub id: String,
    pub name: String,
    pub source: String,
    pub rules: usize,
}
pub struct ExampleFailure(pub String);
impl std::fmt::Display for ExampleFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
pub struct RuleSet {
    packs: Vec<PackInfo>,
    names: Vec<(String, String)>,
    warnings: Vec<String>,
}
impl RuleSet {
    pub fn bundled() -> Result<RuleSet, RulesError> {
        Ok(RuleSet {
            packs: vec![],
            names: vec![
                ("fent.fentanyl".into(), "fentanyl".into()),
                ("fent.boc_piperidone".into(), "1-boc-4-piperidone".into()),
                ("fent.npp".into(), "n-phenethyl-4-piperidone".into()),
                ("tac.delivery".into(), "safe delivery".into()),
            ],
            warnings: vec![],
        })
    }
    pub fn load(_paths: &[PathBuf], _with_bundled: bool) -> Result<RuleSet, RulesError> {
        Self::bundled()
    }
    pub fn packs(&self) -> &[PackInfo] {
        &self.packs
    }
    pub fn rule_count(&self) -> usize {
        self.names.len()
    }
    pub fn fingerprint(&self) -> &str {
        "placeholder"
    }
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }
    pub fn test_examples(&self) -> Vec<ExampleFailure> {
        vec![]
    }
    pub fn scan(&self, text: &str) -> Verdict {
        let lower = text.to_lowercase();
        let mut hits = vec![];
        for (id, n) in &self.names {
            if let Some(p) = lower.find(n.as_str()) {
                if p + n.len() <= text.len() && text.is_char_boundary(p) && text.is_char_boundary(p + n.len()) {
                    hits.push(Hit {
                        rule: id.clone(),
                        category: if id.starts_with("tac") {
                            "tactic.delivery".into()
                        } else {
                            "precursor.fentanyl".into()
                        },
                        kind: HitKind::Name,
                        cas: None,
                        matched: text[p..p + n.len()].to_string(),
                        start: p,
                        end: p + n.len(),
                        context: text[p..p + n.len()].to_string(),
                    });
                }
            }
        }
        let risk = if hits.is_empty() { Risk::None } else { Risk::Medium };
        Verdict {
            score: hits.len() as f64 * 10.0,
            hits,
            risk,
        }
    }
}
