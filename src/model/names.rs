use serde::Serialize;
use std::fmt;

/// An identifier. Names up to 24 bytes (nearly all of them) are stored inline, so a
/// schema of 10,000 tables does not make 10,000s of tiny heap allocations.
pub type Name = compact_str::CompactString;

/// `schema.name` of a table, index, type or sequence.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct QualifiedName {
    pub schema: Name,
    pub name: Name,
}

impl QualifiedName {
    pub fn new(schema: impl Into<Name>, name: impl Into<Name>) -> Self {
        QualifiedName {
            schema: schema.into(),
            name: name.into(),
        }
    }

    /// The name as PostgreSQL would need it in SQL: quoted where it is not a plain
    /// lower-case identifier.
    pub fn sql(&self) -> String {
        format!("{}.{}", quote_ident(&self.schema), quote_ident(&self.name))
    }
}

impl fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.schema, self.name)
    }
}

/// Quote an identifier only when PostgreSQL requires it (upper case, odd characters,
/// leading digit). Keywords are not tracked; quoting them is harmless anyway.
pub fn quote_ident(ident: &str) -> String {
    let plain = !ident.is_empty()
        && ident
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !ident.starts_with(|c: char| c.is_ascii_digit());
    if plain {
        ident.to_string()
    } else {
        format!("\"{}\"", ident.replace('"', "\"\""))
    }
}

/// Whether `ident` can be written without quotes and still name itself: PostgreSQL
/// folds only the ASCII letters of an unquoted identifier to lower case ("4.1.1.
/// Identifiers and Key Words"; `downcase_identifier` leaves multibyte characters
/// alone), and takes any non-ASCII character as an identifier character, so `café`,
/// `straße` and `заказы` need no quotes while `createdAt` does. (Key words are not
/// considered. [`quote_ident`], like PostgreSQL's own `quote_ident`, still quotes
/// non-ASCII names, which is harmless.)
pub fn needs_quotes(ident: &str) -> bool {
    let mut chars = ident.chars();
    let Some(first) = chars.next() else {
        return true;
    };
    let start = first.is_ascii_lowercase() || first == '_' || !first.is_ascii();
    !start
        || !chars.all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$' || !c.is_ascii()
        })
}

/// Where an object was defined, when it came from a file (SQL or `schema.prisma`).
/// The file name is shared by every object of a file (one allocation per file, not
/// per object).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    pub file: std::sync::Arc<str>,
    /// 1-based line.
    pub line: u32,
    /// 1-based column in characters, or 0 where only the line is known (SQL: the
    /// statement's line).
    #[serde(skip_serializing_if = "is_zero")]
    pub column: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.column > 0 {
            write!(f, "{}:{}:{}", self.file, self.line, self.column)
        } else {
            write!(f, "{}:{}", self.file, self.line)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(quote_ident("users"), "users");
        assert_eq!(quote_ident("userId"), "\"userId\"");
        assert_eq!(quote_ident("1st"), "\"1st\"");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
    }
}
