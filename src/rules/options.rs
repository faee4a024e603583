//! Typed access to a rule's options (defaults from its pack, overrides from dblint.toml).

use toml::Value;

#[derive(Debug, Clone, Default)]
pub struct RuleOptions {
    pub values: toml::Table,
    /// String-list options, lower-cased once (rules match names against them per
    /// column, so this keeps the per-column work allocation-free).
    lowered: std::collections::HashMap<String, Vec<String>>,
}

impl RuleOptions {
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

    /// A string-list option, lower-cased.
    pub fn lowered(&self, key: &str) -> &[String] {
        self.lowered.get(key).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn string_list(&self, key: &str) -> Vec<String> {
        match self.values.get(key) {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            Some(Value::String(s)) => vec![s.clone()],
            _ => Vec::new(),
        }
    }

    pub fn integer(&self, key: &str, fallback: i64) -> i64 {
        self.values
            .get(key)
            .and_then(Value::as_integer)
            .unwrap_or(fallback)
    }

    /// Whether the words of `name` (see [`words`]) contain a word listed in option
    /// `key`. Listed words of five letters or more also match inside a word, for
    /// names glued together like Django's `tickets_tickethistory`; shorter ones (`log`)
    /// must be a whole word, so `catalog` is not a log.
    pub fn name_has_word(&self, key: &str, name: &str) -> bool {
        let listed: Vec<String> = self
            .string_list(key)
            .iter()
            .map(|w| w.to_ascii_lowercase())
            .collect();
        words(name).iter().any(|w| {
            listed
                .iter()
                .any(|l| w == l || (l.len() >= 5 && w.contains(l.as_str())))
        })
    }

    /// Whether `name` matches one of the `*`-glob patterns of option `key`,
    /// case-insensitively (`*audit*`, `*_log`, `history`).
    pub fn name_matches(&self, key: &str, name: &str) -> bool {
        let name = name.to_ascii_lowercase();
        self.string_list(key)
            .iter()
            .any(|p| wildcard_match(&p.to_ascii_lowercase(), &name))
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
