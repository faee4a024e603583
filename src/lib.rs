//! dblint: lint PostgreSQL schemas and migrations, and grade them honestly.
//!
//! Data flows one way: source (SQL files or a live catalog) → schema model → rules →
//! findings → suppression → score → report. CONTRIBUTING.md maps the modules.

pub mod args;
pub mod baseline;
pub mod cli;
pub mod commands;
pub mod comment;
pub mod compare;
pub mod docs;
pub mod encoding;
pub mod engine;
pub mod error;
pub mod finding;
pub mod grade;
pub mod inline_ignores;
pub mod model;
pub mod output;
pub mod packs;
pub mod report;
pub mod rules;
pub mod score;
pub mod settings;
pub mod source;
pub mod suppress;
pub mod trace;
