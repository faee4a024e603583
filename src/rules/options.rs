//! Typed access to a rule's options (defaults from its pack, overrides from dblint.toml).

use toml::Value;

#[derive(Debug, Clone, Default)]
pub struct RuleOptions {
    pub values: toml::Table,
}

impl RuleOptions {
    pub fn string_list(&self, key: &str) -> Vec<String> {
        match self.values.get(key) {
            Some(Value::Array(items)) => items.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
            Some(Value::String(s)) => vec![s.clone()],
            _ => Vec::new(),
        }
    }

    pub fn integer(&self, key: &str, fallback: i64) -> i64 {
        self.values.get(key).and_then(Value::as_integer).unwrap_or(fallback)
    }

    pub fn boolean(&self, key: &str, fallback: bool) -> bool {
        self.values.get(key).and_then(Value::as_bool).unwrap_or(fallback)
    }

    /// Whether `name` matches one of the `*`-glob patterns of option `key`,
    /// case-insensitively (`*audit*`, `*_log`, `history`).
    pub fn name_matches(&self, key: &str, name: &str) -> bool {
        let name = name.to_ascii_lowercase();
        self.string_list(key).iter().any(|p| wildcard_match(&p.to_ascii_lowercase(), &name))
    }
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
    use super::wildcard_match;

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
