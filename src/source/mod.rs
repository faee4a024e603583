//! Frontends that fill the schema model: SQL files and migration directories (`sql`),
//! Prisma schemas (`prisma`) and the live catalog (`catalog`).

pub mod catalog;
pub mod prisma;
pub mod sql;

use crate::model::Location;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DiagnosticLevel {
    /// The input could not be read as SQL (exit code 2).
    Error,
    /// A statement could not be applied to the model; replay went on.
    Warning,
}

/// Something wrong with the input rather than with the schema.
#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    pub level: DiagnosticLevel,
    pub location: Option<Location>,
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let level = match self.level {
            DiagnosticLevel::Error => "error",
            DiagnosticLevel::Warning => "warning",
        };
        // One line, always: a quoted identifier may hold a line break.
        let message = one_line(&self.message);
        match &self.location {
            Some(loc) => write!(f, "{loc}: {level}: {message}"),
            None => write!(f, "{level}: {message}"),
        }
    }
}

/// `text` with line breaks and other control characters (but tabs) escaped.
fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\t') {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() && c != '\t' => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostics_print_on_one_line() {
        let d = Diagnostic {
            level: DiagnosticLevel::Warning,
            location: None,
            message: "table \"a\nb\" does not exist\0".to_string(),
        };
        assert_eq!(
            d.to_string(),
            "warning: table \"a\\nb\" does not exist\\u{0}"
        );
    }
}
