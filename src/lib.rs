//! dblint: lint PostgreSQL schemas and migrations, and grade them honestly.

pub mod model;
pub mod source;
