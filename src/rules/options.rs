//! Rule options: each rule declares the options it reads ([`OptionSpec`]: name, kind,
//! default, meaning) in its own file, once. The configuration may override them
//! (`[rules.<id>]` or `[options.<pack>]` in dblint.toml); overrides are checked
//! against the declaration when rules are selected, so a rule reads a value of the
//! declared kind, always present.

use toml::Value;

/// What kind of value an option holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionKind {
    /// A whole number, at least `min`.
    Integer { min: i64 },
    /// A number between 0 and 1 (a share).
    Share,
    /// Words matched against the words of a name (see [`words`]).
    Words,
    /// `*`-glob patterns matched against a whole name, case-insensitively.
    Globs,
    /// Literal strings (suffixes and the like).
    Strings,
    /// One string.
    Text,
}

impl OptionKind {
    pub fn describe(self) -> &'static str {
        match self {
            OptionKind::Integer { .. } => "integer",
            OptionKind::Share => "number from 0 to 1",
            OptionKind::Words => "list of words",
            OptionKind::Globs => "list of glob patterns",
            OptionKind::Strings => "list of strings",
            OptionKind::Text => "string",
        }
    }
}

/// One option of a rule: its name in dblint.toml, kind, default (TOML text, parsed and
/// checked by a test) and what it means (shown by `dblint explain`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionSpec {
    pub name: &'static str,
    pub kind: OptionKind,
    pub default: &'static str,
    pub doc: &'static str,
}

impl OptionSpec {
    /// The default as a TOML value.
    pub fn default_value(&self) -> Result<Value, String> {
        let table: toml::Table = toml::from_str(&format!("v = {}", self.default))
            .map_err(|e| format!("default `{}` is not TOML: {}", self.default, e.message()))?;
        let value = table.get("v").cloned().ok_or("no default")?;
        self.check(&value)?;
        Ok(value)
    }

    /// Whether `value` is of this option's kind; the message says what is expected.
    pub fn check(&self, value: &Value) -> Result<(), String> {
        let ok = match self.kind {
            OptionKind::Integer { min } => value.as_integer().is_some_and(|i| i >= min),
            OptionKind::Share => value
                .as_float()
                .or_else(|| value.as_integer().map(|i| i as f64))
                .is_some_and(|f| (0.0..=1.0).contains(&f)),
            OptionKind::Words | OptionKind::Globs | OptionKind::Strings => value
                .as_array()
                .is_some_and(|items| items.iter().all(Value::is_str)),
            OptionKind::Text => value.is_str(),
        };
        if ok {
            return Ok(());
        }
        Err(match self.kind {
            OptionKind::Integer { min } => {
                format!(
                    "option `{}` must be an integer of at least {min}",
                    self.name
                )
            }
            kind => format!("option `{}` must be a {}", self.name, kind.describe()),
        })
    }
}

/// A rule's option values: its declared defaults overlaid with the configuration's.
#[derive(Debug, Clone, Default)]
pub struct RuleOptions {
    pub values: toml::Table,
    /// String-list options, lower-cased once (rules match names against them per
    /// column, so this keeps the per-column work allocation-free).
    lowered: std::collections::HashMap<String, Vec<String>>,
}

impl RuleOptions {
    /// Defaults of `specs`, then `overrides` (already checked against the specs).
    pub fn resolve(specs: &[OptionSpec], overrides: &toml::Table) -> RuleOptions {
        let mut values = toml::Table::new();
        for spec in specs {
            let value = overrides
                .get(spec.name)
                .cloned()
                .or_else(|| spec.default_value().ok());
            if let Some(value) = value {
                values.insert(spec.name.to_string(), value);
            }
        }
        RuleOptions::new(values)
    }

    pub fn new(values: toml::Table) -> Self {
        let lowered = values
            .iter()
            .filter_map(|(k, v)| {
                let items = v.as_array()?;
                Some((
                    k.clone(),
                    items
                        .iter()
                        .filter_map(|i| i.as_str())
                        .map(str::to_ascii_lowercase)
                        .collect(),
                ))
            })
            .collect();
        RuleOptions { values, lowered }
    }

    /// A list option, lower-cased.
    pub fn lowered(&self, spec: &OptionSpec) -> &[String] {
        self.lowered
            .get(spec.name)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    pub fn string_list(&self, spec: &OptionSpec) -> Vec<String> {
        match self.values.get(spec.name) {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        }
    }

    pub fn integer(&self, spec: &OptionSpec) -> i64 {
        let min = match spec.kind {
            OptionKind::Integer { min } => min,
            _ => i64::MIN,
        };
        self.values
            .get(spec.name)
            .and_then(Value::as_integer)
            .unwrap_or(min)
            .max(min)
    }

    pub fn text(&self, spec: &OptionSpec) -> &str {
        self.values
            .get(spec.name)
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    pub fn share(&self, spec: &OptionSpec) -> f64 {
        self.values
            .get(spec.name)
            .and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)))
            .unwrap_or(1.0)
    }

    /// Whether the words of `name` (see [`words`]) contain a word listed in the
    /// option. Listed words of five letters or more also match inside a word, for
    /// names glued together like Django's `tickets_tickethistory`; shorter ones (`log`)
    /// must be a whole word, so `catalog` is not a log.
    pub fn name_has_word(&self, spec: &OptionSpec, name: &str) -> bool {
        let listed = self.lowered(spec);
        words(name).iter().any(|w| {
            listed
                .iter()
                .any(|l| w == l || (l.len() >= 5 && w.contains(l.as_str())))
        })
    }

    /// Whether `name` matches one of the option's `*`-glob patterns,
    /// case-insensitively (`*audit*`, `*_log`, `history`).
    pub fn name_matches(&self, spec: &OptionSpec, name: &str) -> bool {
        let patterns = self.lowered(spec);
        if patterns.is_empty() {
            return false;
        }
        // Lower-cased only when it has upper case (most names have none).
        let name = if name.bytes().any(|b| b.is_ascii_uppercase()) {
            std::borrow::Cow::Owned(name.to_ascii_lowercase())
        } else {
            std::borrow::Cow::Borrowed(name)
        };
        patterns.iter().any(|p| wildcard_match(p, &name))
    }
}

/// The words of an identifier: split at `_`, `-`, digits and camelCase boundaries,
/// lower-cased (`UserSecurityAuditLog` → user, security, audit, log).
pub fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_alphabetic() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_lowercase();
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// `*` matches any run of characters; everything else is literal.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut rest = text;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(part) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(pos) => rest = &rest[pos + part.len()..],
                None => return false,
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::{wildcard_match, words};

    #[test]
    fn identifier_words() {
        assert_eq!(
            words("UserSecurityAuditLog"),
            vec!["user", "security", "audit", "log"]
        );
        assert_eq!(words("ticket_history"), vec!["ticket", "history"]);
        assert_eq!(words("catalog"), vec!["catalog"]);
        assert_eq!(words("HTTPLog2"), vec!["httplog"]);
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("*audit*", "user_audit_log"));
        assert!(wildcard_match("*_log", "event_log"));
        assert!(!wildcard_match("*_log", "logger"));
        assert!(wildcard_match("history", "history"));
        assert!(!wildcard_match("history", "histories"));
        assert!(wildcard_match("a*b*c", "axxbyyc"));
    }
}
