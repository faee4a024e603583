//! dblint: lint PostgreSQL schemas and migrations, and grade them honestly.
//!
//! Data flows one way: source (SQL files) → schema model → rules → findings →
//! suppression → score → report.

pub mod baseline;
pub mod cli;
pub mod commands;
pub mod encoding;
pub mod engine;
pub mod finding;
pub mod inline_ignores;
pub mod model;
pub mod packs;
pub mod report;
pub mod rules;
pub mod score;
pub mod settings;
pub mod source;
