//! The parser-only floor of `scripts/bench.sh`: split SQL files into statements the way
//! `dblint lint` does and parse each with pg_query (libpg_query's parse, then its tree
//! decoded into Rust), on one thread, doing nothing else. No linter built on
//! PostgreSQL's own parser can read the files faster on one core.
//!
//!     cargo run --release --example parse_floor -- FILE...
//!
//! Prints the number of statements and how many did not parse.

fn main() {
    let mut statements = 0usize;
    let mut failed = 0usize;
    for path in std::env::args().skip(1) {
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("parse_floor: {path}: {e}");
                std::process::exit(2);
            }
        };
        for raw in dblint::source::sql::split::split(&text).statements {
            statements += 1;
            if pg_query::parse(&raw.sql, 0).is_err() {
                failed += 1;
            }
        }
    }
    println!("{statements} statements, {failed} did not parse");
}
