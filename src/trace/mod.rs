//! `dblint trace`: apply migrations to a throwaway PostgreSQL, statement by statement,
//! and record what each one really did (locks, rewrites, scans, time, errors), to set
//! beside what the static lock model (`lint --locks`) predicts.
//!
//! `server.rs` provides the database (a scratch database on a given server, or a
//! temporary cluster), `tracer.rs` runs and observes statements, `compare.rs` sets
//! the prediction against the observation.

pub mod compare;
pub mod server;
pub mod tracer;
