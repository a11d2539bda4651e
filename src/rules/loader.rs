//! Validation of rule pack files into a [`RuleSet`]: every problem is
//! collected (not just the first) with its file, line and rule id.

use std::collections::HashMap;
use std::ops::Range;

use sha2::{Digest, Sha256};

use super::raw::{self, RawPackFile, S};
use super::*;
use crate::matcher::scoring::{Level, Policy, Selector};
use crate::matcher::{
    self, cas, is_watched_substance, normalise, BuildError, ContextSpec, Engine, HitKind, Part, Risk, RuleSpec,
};

/// Where a part of the engine's input was written: (file, line, rule id).
fn located(rules: &[Rule], contexts: &[ContextSet], part: Part) -> (String, usize, Option<String>) {
    let rule = |i: usize, line: Option<usize>| {
        rules
            .get(i)
            .map(|r| (r.source.clone(), line.unwrap_or(r.line), Some(r.id.clone())))
    };
    let found = match part {
        Part::Rule(i) => rule(i, None),
        Part::Pattern { rule: i, pattern } => rule(i, rules.get(i).and_then(|r| r.pattern_lines.get(pattern).copied())),
        Part::Context(i) => contexts.get(i).map(|c| (c.source.clone(), c.line, None)),
    };
    found.unwrap_or_else(|| ("(rule packs)".into(), 1, None))
}

/// The engine could not be built: say which pack, line and rule is to blame.
fn build_error(rules: &[Rule], contexts: &[ContextSet], e: BuildError) -> RulesError {
    let invalid = |(file, line, rule): (String, usize, Option<String>), message: String| RulesError::Invalid {
        file,
        line,
        rule,
        message,
    };
    match e {
        BuildError::UnknownContext { rule, set } => invalid(
            located(rules, contexts, Part::Rule(rule)),
            format!("names unknown context set {set:?}; define [context.{set}] in a pack"),
        ),
        BuildError::Pattern { part, message } => {
            let text = match part {
                Part::Pattern { rule, pattern } => rules.get(rule).and_then(|r| r.patterns.get(pattern)),
                _ => None,
            };
            let message = format!(
                "regex {:?} cannot be built into the engine: {}; simplify it (counted repetitions such as {{1000}} multiply its size)",
                text.map_or("", String::as_str),
                message.replace('\n', " ")
            );
            invalid(located(rules, contexts, part), message)
        }
        BuildError::TooLarge {
            what,
            culprits,
            message,
        } => {
            let here = culprits.first().map(|&(p, _)| p).unwrap_or(Part::Rule(0));
            let list: Vec<String> = culprits
                .iter()
                .map(|&(p, bytes)| {
                    let (file, line, rule) = located(rules, contexts, p);
                    let rule = rule.map(|r| format!(" rule {r}")).unwrap_or_default();
                    format!("{file}:{line}{rule} ({} KiB)", bytes / 1024)
                })
                .collect();
            let message = format!(
                "the packs' {what} is too large to build together ({}); largest parts: {}; shorten or split them, or load fewer packs",
                message.replace('\n', " "),
                list.join(", ")
            );
            invalid(located(rules, contexts, here), message)
        }
    }
}

/// The gist of a regex syntax error: "unclosed group (at char 6)".
fn regex_error(e: &regex::Error) -> String {
    let text = e.to_string();
    let lines: Vec<&str> = text.lines().collect();
    let what = lines
        .iter()
        .rev()
        .find_map(|l| l.trim().strip_prefix("error: "))
        .map_or_else(|| text.replace('\n', " "), str::to_string);
    // line 0 "regex parse error:", line 1 "    <pattern>", line 2 "    ^"
    match lines.get(2).and_then(|l| l.find('^')) {
        Some(col) if col >= 4 => format!("{what} (at char {})", col - 4 + 1),
        _ => what,
    }
}

fn valid_id(s: &str, extra: &[u8]) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || extra.contains(&b))
}

/// True when the regex repeats an unescaped `.` outside a class (`.{0,40}`,
/// `.*`, `.+`): Unicode any-character gaps, the costliest thing a pack
/// regex can ask of the one lazy DFA that runs every pack regex at once.
fn any_char_gap(p: &str) -> bool {
    let b = p.as_bytes();
    let mut class = false;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'[' => class = true,
            b']' => class = false,
            b'.' if !class && matches!(b.get(i + 1), Some(b'{' | b'*' | b'+')) => return true,
            _ => {}
        }
        i += 1;
    }
    false
}

/// `[a-z_]+(\.[a-z_]+)*`
pub fn valid_category(s: &str) -> bool {
    !s.is_empty()
        && s.split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
}

/// A policy selector glob: category segments, `*` allowed as a whole segment or suffix.
fn valid_glob(s: &str) -> bool {
    s == "*"
        || (!s.is_empty()
            && s.split('.').all(|p| {
                let p = p.strip_suffix('*').unwrap_or(p);
                p.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
            }))
}

/// What the packs declare, gathered across files before the cross-file checks.
#[derive(Default)]
struct Gathered {
    packs: Vec<PackInfo>,
    /// Pack id → where it was first declared.
    pack_ids: HashMap<String, String>,
    rules: Vec<Rule>,
    /// Rule id → where it was first declared.
    rule_ids: HashMap<String, String>,
    contexts: Vec<ContextSet>,
    /// Context set name → where it was first declared.
    context_ids: HashMap<String, String>,
    examples: Vec<ListingExample>,
    /// The last valid `[policy]` and where it was.
    policy: Option<(Policy, String)>,
    /// `requires`/`cancel` names, resolved once every pack is in.
    refs: Vec<ContextRef>,
}

/// A rule's reference to a context set by name.
struct ContextRef {
    rule: String,
    file: usize,
    span: Range<usize>,
    set: String,
    field: &'static str,
}

#[derive(Default)]
pub(super) struct Loader {
    errors: Vec<RulesError>,
    warnings: Vec<String>,
}

/// One source file being validated.
struct File<'a> {
    name: &'a str,
    text: &'a str,
}

impl File<'_> {
    fn line(&self, span: Range<usize>) -> usize {
        line_col(self.text, span.start).0
    }
    fn at<T>(&self, s: &S<T>) -> String {
        format!("{}:{}", self.name, self.line(s.span()))
    }
}

impl Loader {
    fn err(&mut self, f: &File, span: Range<usize>, rule: Option<&str>, message: String) {
        self.errors.push(RulesError::Invalid {
            file: f.name.to_string(),
            line: f.line(span),
            rule: rule.map(str::to_string),
            message,
        });
    }
    fn warn(&mut self, f: &File, span: Range<usize>, rule: Option<&str>, message: &str) {
        let r = rule.map(|r| format!("rule {r}: ")).unwrap_or_default();
        self.warnings.push(format!("{}:{}: {r}{message}", f.name, f.line(span)));
    }

    /// Validates every source, then builds the engine; all problems are reported together.
    pub(super) fn load(mut self, sources: &[(String, String)]) -> Result<RuleSet, RulesError> {
        let (parsed, fingerprint) = self.parse_all(sources);
        let files: Vec<File> = parsed.iter().map(|(name, text, _)| File { name, text }).collect();
        let mut g = Gathered::default();
        for (fi, (_, _, p)) in parsed.iter().enumerate() {
            self.pack(&files[fi], fi, p, &mut g);
        }
        self.check_refs(&files, &g);
        self.check_policy_contexts(&g);
        self.check_same_as(&g);
        let policy = self.chosen_policy(g.policy.take(), !g.rules.is_empty());
        if !self.errors.is_empty() {
            return Err(if self.errors.len() == 1 {
                self.errors.pop().expect("one error")
            } else {
                RulesError::Many(self.errors)
            });
        }
        let Gathered {
            packs,
            rules,
            contexts,
            examples,
            ..
        } = g;
        let specs: Vec<RuleSpec> = rules.iter().map(Rule::spec).collect();
        let context_specs: Vec<ContextSpec> = contexts.iter().map(ContextSet::spec).collect();
        let engine = Engine::build(&specs, &context_specs, policy).map_err(|e| build_error(&rules, &contexts, e))?;
        let by_id = rules.iter().enumerate().map(|(i, r)| (r.id.clone(), i)).collect();
        Ok(RuleSet {
            packs,
            rules,
            contexts,
            examples,
            fingerprint,
            warnings: self.warnings,
            by_id,
            engine,
        })
    }

    /// Parses each source's TOML (recording syntax errors) and fingerprints all of them.
    fn parse_all<'s>(&mut self, sources: &'s [(String, String)]) -> (Vec<(&'s str, &'s str, RawPackFile)>, String) {
        let mut hasher = Sha256::new();
        let mut parsed = Vec::new();
        for (name, text) in sources {
            hasher.update((text.len() as u64).to_le_bytes());
            hasher.update(text.as_bytes());
            match toml::from_str::<RawPackFile>(text) {
                Ok(p) => parsed.push((name.as_str(), text.as_str(), p)),
                Err(e) => {
                    let (line, col) = e.span().map_or((1, 1), |s| line_col(text, s.start));
                    let message = e.message().trim().to_string();
                    let hint = if message.contains("unknown field") {
                        " (remove or rename the key; see rules/FORMAT.md)"
                    } else {
                        ""
                    };
                    self.errors.push(RulesError::Parse {
                        file: name.clone(),
                        line,
                        col,
                        message: format!("{message}{hint}"),
                    });
                }
            }
        }
        (parsed, hex::encode(hasher.finalize()))
    }

    /// Validates one pack file (`fi` is its index in `files`) into `g`.
    fn pack(&mut self, f: &File, fi: usize, p: &RawPackFile, g: &mut Gathered) {
        let pack = p.pack.get_ref();
        let pid = pack.id.get_ref().clone();
        if !valid_id(&pid, &[]) {
            self.err(
                f,
                pack.id.span(),
                None,
                format!("pack id {pid:?} must match [a-z0-9_]+"),
            );
        }
        if let Some(prev) = g.pack_ids.get(&pid) {
            let m = format!("pack id {pid:?} is already used at {prev}; pack ids must be unique");
            self.err(f, pack.id.span(), None, m);
        } else {
            g.pack_ids.insert(pid.clone(), f.at(&pack.id));
        }
        if pack.name.get_ref().trim().is_empty() {
            self.err(
                f,
                pack.name.span(),
                None,
                "pack name is empty; give the pack a name".into(),
            );
        }
        for (name, set) in &p.context {
            self.context(f, name, set, g);
        }
        let mut count = 0;
        for r in &p.rule {
            let raw = r.get_ref();
            for (field, list) in [
                ("requires", &raw.requires),
                ("cancel", &raw.cancel),
                ("negated_by", &raw.negated_by),
            ] {
                g.refs.extend(list.iter().map(|s| ContextRef {
                    rule: raw.id.get_ref().clone(),
                    file: fi,
                    span: s.span(),
                    set: s.get_ref().clone(),
                    field,
                }));
            }
            if let Some(rule) = self.rule(f, &pid, r, &mut g.rule_ids) {
                g.rules.push(rule);
                count += 1;
            }
        }
        g.packs.push(PackInfo {
            id: pid,
            name: pack.name.get_ref().clone(),
            source: f.name.to_string(),
            rules: count,
        });
        g.examples
            .extend(p.example.iter().filter_map(|ex| self.listing_example(f, ex)));
        if let Some(pol) = &p.policy {
            if let Some(new) = self.policy(f, pol) {
                if let Some((_, prev)) = &g.policy {
                    self.warnings
                        .push(format!("{}: policy replaces the one loaded from {prev}", f.at(pol)));
                }
                g.policy = Some((new, f.at(pol)));
            }
        }
    }

    /// Validates one `[context.<name>]` set into `g` (names are unique across packs).
    fn context(&mut self, f: &File, name: &S<String>, set: &S<raw::RawContext>, g: &mut Gathered) {
        let n = name.get_ref();
        if !valid_id(n, &[]) {
            let m = format!("context set name {n:?} must match [a-z0-9_]+");
            self.err(f, name.span(), None, m);
        }
        if let Some(prev) = g.context_ids.get(n) {
            let m = format!("context set {n:?} is already defined at {prev}; rename one of them");
            self.err(f, name.span(), None, m);
            return;
        }
        g.context_ids.insert(n.clone(), f.at(name));
        let terms = &set.get_ref().terms;
        if terms.is_empty() {
            self.err(f, set.span(), None, format!("context set {n:?} has no terms; add some"));
        }
        for t in terms {
            if normalise::normalise_compact(t.get_ref()).is_empty() {
                let m = format!("context term {:?} has no letters or digits; remove it", t.get_ref());
                self.err(f, t.span(), None, m);
            }
        }
        g.contexts.push(ContextSet {
            name: n.clone(),
            terms: terms.iter().map(|t| t.get_ref().clone()).collect(),
            source: f.name.to_string(),
            line: f.line(name.span()),
        });
    }

    /// Validates one `[[example]]` (a whole listing and the risk it must get).
    fn listing_example(&mut self, f: &File, ex: &S<raw::RawListingExample>) -> Option<ListingExample> {
        let e = ex.get_ref();
        let risk = match e.risk.get_ref().parse::<Risk>() {
            Ok(r) => r,
            Err(m) => {
                self.err(f, e.risk.span(), None, m);
                return None;
            }
        };
        if e.text.get_ref().trim().is_empty() {
            self.err(
                f,
                e.text.span(),
                None,
                "listing example text is empty; write one".into(),
            );
        }
        Some(ListingExample {
            text: e.text.get_ref().clone(),
            risk,
            source: f.name.to_string(),
            line: f.line(e.text.span()),
        })
    }

    /// Every `requires`/`cancel` must name a context set defined in some pack.
    fn check_refs(&mut self, files: &[File], g: &Gathered) {
        for r in &g.refs {
            if g.context_ids.contains_key(&r.set) {
                continue;
            }
            let known: Vec<&str> = g.contexts.iter().map(|c| c.name.as_str()).collect();
            let known = if known.is_empty() {
                "(none defined)".to_string()
            } else {
                known.join(", ")
            };
            let m = format!(
                "{} names unknown context set {:?}; define [context.{}] in a pack or use one of: {known}",
                r.field, r.set, r.set
            );
            self.err(&files[r.file], r.span.clone(), Some(&r.rule), m);
        }
    }

    /// Every `same_as` names a loaded rule that has a CAS and no `same_as` of its own.
    fn check_same_as(&mut self, g: &Gathered) {
        let by_id: HashMap<&str, &Rule> = g.rules.iter().map(|r| (r.id.as_str(), r)).collect();
        for r in &g.rules {
            let Some(target) = &r.same_as else { continue };
            let problem = match by_id.get(target.as_str()) {
                None => Some(format!("same_as names unknown rule {target:?}")),
                Some(t) if t.same_as.is_some() => Some(format!(
                    "same_as names {target:?}, which has a same_as itself; name the final rule"
                )),
                Some(t) if t.cas.is_empty() => Some(format!("same_as names {target:?}, which lists no CAS")),
                Some(t) if !(is_watched_substance(&t.category) && is_watched_substance(&r.category)) => Some(format!(
                    "same_as is for two rules of one watched substance (precursor.*, drug.*); {} is {:?}, {target:?} is {:?}",
                    r.id, r.category, t.category
                )),
                Some(_) => None,
            };
            if let Some(message) = problem {
                self.errors.push(RulesError::Invalid {
                    file: r.source.clone(),
                    line: r.line,
                    rule: Some(r.id.clone()),
                    message,
                });
            }
        }
    }

    /// Every `context:<set>` selector of the chosen policy names a defined set.
    fn check_policy_contexts(&mut self, g: &Gathered) {
        let Some((policy, at)) = &g.policy else { return };
        let (file, line) = at.rsplit_once(':').unwrap_or((at, "1"));
        for set in policy.context_sets() {
            if !g.context_ids.contains_key(set) {
                self.errors.push(RulesError::Invalid {
                    file: file.to_string(),
                    line: line.parse().unwrap_or(1),
                    rule: None,
                    message: format!("policy selector \"context:{set}\" names unknown context set {set:?}; define [context.{set}] in a pack"),
                });
            }
        }
    }

    /// The last pack's `[policy]`, or the default one (with a warning when rules exist).
    fn chosen_policy(&mut self, found: Option<(Policy, String)>, have_rules: bool) -> Policy {
        match found {
            Some((p, _)) => p,
            None => {
                if have_rules {
                    self.warnings
                        .push("no pack carries a [policy]; using the default policy of rules/FORMAT.md".into());
                }
                Policy::default_policy()
            }
        }
    }

    /// Validates one `[[rule]]`; `None` when it has errors (they are recorded).
    fn rule(&mut self, f: &File, pack: &str, r: &S<raw::RawRule>, ids: &mut HashMap<String, String>) -> Option<Rule> {
        let before = self.errors.len();
        let raw = r.get_ref();
        let id = raw.id.get_ref().clone();
        let rid = Some(id.as_str());
        if !valid_id(&id, b".-") {
            self.err(f, raw.id.span(), rid, "rule id must match [a-z0-9_.-]+".into());
        }
        if id.starts_with("unlisted.") {
            let m = "rule ids starting with \"unlisted.\" are reserved for the engine's unlisted leads".into();
            self.err(f, raw.id.span(), rid, m);
        }
        if let Some(prev) = ids.get(&id) {
            let m = format!("duplicate rule id; it is already used at {prev}; rule ids must be unique and stable");
            self.err(f, raw.id.span(), rid, m);
        } else {
            ids.insert(id.clone(), f.at(&raw.id));
        }
        if raw.name.get_ref().trim().is_empty() {
            let m = "name is empty; give the rule a name people can read".into();
            self.err(f, raw.name.span(), rid, m);
        }
        let category = raw.category.get_ref().clone();
        let weight = self.category_and_weight(f, raw, rid);
        self.terms(f, raw, rid);
        let pattern_lines = self.patterns(f, raw, rid);
        let window = match &raw.window {
            None => DEFAULT_WINDOW,
            Some(w) if (1..=10_000).contains(w.get_ref()) => *w.get_ref() as usize,
            Some(w) => {
                self.err(f, w.span(), rid, "window must be between 1 and 10000 characters".into());
                DEFAULT_WINDOW
            }
        };
        if raw.unconfirmed && raw.note.as_deref().is_none_or(|n| n.trim().is_empty()) {
            self.warn(f, raw.id.span(), rid, "unconfirmed = true but no note says why");
        }
        let examples = self.rule_examples(f, raw, rid);
        if self.errors.len() > before {
            return None;
        }
        let strings = |v: &Vec<S<String>>| v.iter().map(|s| s.get_ref().clone()).collect::<Vec<_>>();
        let search = self.search_terms(f, raw, &id);
        Some(Rule {
            id,
            name: raw.name.get_ref().clone(),
            category,
            weight,
            cas: strings(&raw.cas),
            names: strings(&raw.names),
            ambiguous: strings(&raw.ambiguous),
            patterns: strings(&raw.patterns),
            requires: strings(&raw.requires),
            cancel: strings(&raw.cancel),
            negated_by: strings(&raw.negated_by),
            window,
            same_as: raw.same_as.as_ref().map(|s| s.get_ref().clone()),
            status: raw.status.clone(),
            references: raw.references.clone(),
            unconfirmed: raw.unconfirmed,
            note: raw.note.clone(),
            examples,
            search,
            pack: pack.to_string(),
            source: f.name.to_string(),
            line: f.line(raw.id.span()),
            pattern_lines,
        })
    }

    /// `[rule.search]`: keys `terms` or a language code, each a list of
    /// 1 to 20 queries of at most 200 characters.
    fn search_terms(
        &mut self,
        f: &File,
        raw: &raw::RawRule,
        rid: &str,
    ) -> std::collections::BTreeMap<String, Vec<String>> {
        let mut out = std::collections::BTreeMap::new();
        for (key, terms) in &raw.search {
            let key_ok =
                key == "terms" || ((2..=8).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_lowercase()));
            let span = terms.first().map_or(raw.id.span(), |t| t.span());
            if !key_ok {
                self.err(
                    f,
                    span.clone(),
                    Some(rid),
                    format!("[rule.search] key {key:?}: give `terms` or a language code such as `zh`"),
                );
            }
            if terms.is_empty()
                || terms.len() > 20
                || terms
                    .iter()
                    .any(|t| t.get_ref().trim().is_empty() || t.get_ref().chars().count() > 200)
            {
                self.err(
                    f,
                    span,
                    Some(rid),
                    format!("[rule.search] {key}: list 1 to 20 queries of 1 to 200 characters"),
                );
            }
            out.insert(
                key.clone(),
                terms.iter().map(|t| t.get_ref().trim().to_string()).collect(),
            );
        }
        out
    }

    /// Checks a rule's category against the vocabulary and its weight against the category.
    fn category_and_weight(&mut self, f: &File, raw: &raw::RawRule, rid: Option<&str>) -> f64 {
        let category = raw.category.get_ref();
        if !valid_category(category) {
            let m = format!("category {category:?} must match [a-z_]+(.[a-z_]+)*");
            self.err(f, raw.category.span(), rid, m);
        } else if category == crate::matcher::UNLISTED || category.starts_with("unlisted.") {
            let m = format!("category {category:?} is reserved for the engine's unlisted leads");
            self.err(f, raw.category.span(), rid, m);
        } else if !KNOWN_CATEGORIES.contains(&category.as_str()) {
            let m = format!("category {category:?} is not in the vocabulary");
            self.warn(f, raw.category.span(), rid, &m);
        }
        let weight = *raw.weight.get_ref();
        if !weight.is_finite() {
            self.err(f, raw.weight.span(), rid, "weight must be a finite number".into());
        } else if weight < 0.0 && !category.starts_with("context.") {
            let m = format!("weight {weight} is negative; only context.* rules may weigh negative");
            self.err(f, raw.weight.span(), rid, m);
        }
        if category == "exclude" && weight != 0.0 {
            let m = "exclude rules should weigh 0 (they are never reported)";
            self.warn(f, raw.weight.span(), rid, m);
        }
        weight
    }

    /// Checks CAS numbers (shape and check digit), names and ambiguous names;
    /// a rule must match something.
    fn terms(&mut self, f: &File, raw: &raw::RawRule, rid: Option<&str>) {
        for c in &raw.cas {
            let c_str = c.get_ref();
            if !cas::is_syntactic(c_str) {
                let m = format!("CAS {c_str:?} is not written like 12345-67-8 (\\d{{2,7}}-\\d{{2}}-\\d)");
                self.err(f, c.span(), rid, m);
            } else if !cas::check_digit_ok(c_str) {
                let exp = cas::expected_check_digit(c_str).unwrap_or(0);
                let m = format!(
                    "CAS {c_str} fails its check digit (expected ...{exp}); check the number against a primary source"
                );
                self.err(f, c.span(), rid, m);
            }
        }
        for (field, list) in [("names", &raw.names), ("ambiguous", &raw.ambiguous)] {
            for n in list {
                if normalise::normalise_compact(n.get_ref()).is_empty() {
                    let m = format!("{field} entry {:?} has no letters or digits; remove it", n.get_ref());
                    self.err(f, n.span(), rid, m);
                }
            }
        }
        if !raw.ambiguous.is_empty() && raw.requires.is_empty() {
            let m = "ambiguous names need `requires` (the context sets that must be near them)".into();
            self.err(f, raw.ambiguous[0].span(), rid, m);
        }
        if raw.cas.is_empty() && raw.names.is_empty() && raw.ambiguous.is_empty() && raw.patterns.is_empty() {
            let m = "rule matches nothing; give it cas, names, ambiguous or patterns".into();
            self.err(f, raw.id.span(), rid, m);
        }
    }

    /// Compiles each pattern alone (so an error names its line); returns their lines.
    fn patterns(&mut self, f: &File, raw: &raw::RawRule, rid: Option<&str>) -> Vec<usize> {
        let mut lines = Vec::with_capacity(raw.patterns.len());
        for p in &raw.patterns {
            lines.push(f.line(p.span()));
            if let Err(e) = matcher::compile_pattern(p.get_ref()) {
                let m = format!("regex {:?} does not compile: {}", p.get_ref(), regex_error(&e));
                self.err(f, p.span(), rid, m);
            } else if any_char_gap(p.get_ref()) {
                let m = "regex repeats `.` (a gap of any characters): with a common word before it, it makes \
                         the regex set's DFA large and every scan slow; use an ASCII class such as [a-z0-9 ,-]{0,40}";
                self.warn(f, p.span(), rid, m);
            }
        }
        lines
    }

    /// A rule's `[rule.examples]`: texts it must and must not match.
    fn rule_examples(&mut self, f: &File, raw: &raw::RawRule, rid: Option<&str>) -> RuleExamples {
        let mut examples = RuleExamples::default();
        if let Some(ex) = &raw.examples {
            for (list, out) in [
                (&ex.matches, &mut examples.matches),
                (&ex.no_match, &mut examples.no_match),
            ] {
                for e in list {
                    if e.get_ref().trim().is_empty() {
                        self.err(f, e.span(), rid, "example text is empty; write a real example".into());
                    }
                    out.push(Example {
                        text: e.get_ref().clone(),
                        line: f.line(e.span()),
                    });
                }
            }
        }
        if examples.matches.is_empty() && raw.category.get_ref() != "exclude" {
            let m = "no examples.match; add at least one text this rule must hit";
            self.warn(f, raw.id.span(), rid, m);
        }
        examples
    }

    fn policy(&mut self, f: &File, p: &S<raw::RawPolicy>) -> Option<Policy> {
        let before = self.errors.len();
        let raw = p.get_ref();
        let mut classes = Vec::new();
        for (name, sels) in &raw.classes {
            let mut out = Vec::new();
            for s in sels {
                let v = s.get_ref();
                if let Some(k) = v.strip_prefix("kind:") {
                    match HitKind::from_name(k) {
                        Some(k) => out.push(Selector::Kind(k)),
                        None => {
                            let m = format!(
                                "selector {v:?}: unknown hit kind; use one of {}",
                                HitKind::ALL.map(|k| format!("kind:{}", k.as_str())).join(", ")
                            );
                            self.err(f, s.span(), None, m);
                        }
                    }
                } else if let Some(set) = v.strip_prefix("context:") {
                    if valid_id(set, &[]) {
                        out.push(Selector::Context(set.to_string()));
                    } else {
                        let m = format!("selector {v:?}: a context set name is [a-z0-9_]+");
                        self.err(f, s.span(), None, m);
                    }
                } else if valid_glob(v) {
                    out.push(Selector::Category(v.clone()));
                } else {
                    let m = format!(
                        "selector {v:?} is neither a category glob like \"tactic.*\", kind:<hit kind> nor context:<set>"
                    );
                    self.err(f, s.span(), None, m);
                }
            }
            classes.push((name.get_ref().clone(), out));
        }
        let mut levels = Vec::new();
        for l in &raw.level {
            let lv = l.get_ref();
            let risk = match lv.risk.get_ref().parse::<Risk>() {
                Ok(r) => r,
                Err(m) => {
                    self.err(f, lv.risk.span(), None, m);
                    continue;
                }
            };
            let resolve = |list: &Vec<S<String>>, this: &mut Self| -> Vec<usize> {
                list.iter()
                    .filter_map(|c| {
                        let i = classes.iter().position(|(n, _)| n == c.get_ref());
                        if i.is_none() {
                            let m = format!(
                                "policy level names unknown class {:?}; define it under [policy.classes]",
                                c.get_ref()
                            );
                            this.err(f, c.span(), None, m);
                        }
                        i
                    })
                    .collect()
            };
            let all = resolve(&lv.all, self);
            let any = resolve(&lv.any, self);
            let none = resolve(&lv.none, self);
            if lv.min_score.is_some_and(|s| !s.is_finite()) {
                self.err(f, l.span(), None, "min_score must be a finite number".into());
            }
            levels.push(Level {
                risk,
                all,
                any,
                none,
                min_score: lv.min_score,
            });
        }
        (self.errors.len() == before).then_some(Policy { classes, levels })
    }
}
