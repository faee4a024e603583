//! Frontends that fill the schema model: SQL files and migration directories (`sql`).

pub mod catalog;
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
        match &self.location {
            Some(loc) => write!(f, "{loc}: {level}: {}", self.message),
            None => write!(f, "{level}: {}", self.message),
        }
    }
}
