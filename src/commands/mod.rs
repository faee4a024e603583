//! One file per subcommand. Each returns the exit code, or an error message (exit 2).

pub mod diff;
pub mod explain;
pub mod init;
pub mod inspect;
pub mod lint;
pub mod locks;
pub mod pending;
pub mod prior;
pub mod rules;
pub mod trace;
