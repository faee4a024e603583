//! The live-database frontend: connect (read-only), read the catalog with a constant
//! number of set-based queries, and fill the same schema model `lint` fills.

pub mod build;
pub mod connect;
pub mod conninfo;
pub mod history;
pub mod queries;
