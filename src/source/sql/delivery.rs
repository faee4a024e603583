//! How a migration tool sends a file to PostgreSQL, which decides the transaction
//! each statement runs in. PostgreSQL's rule ("Multiple Statements in a Simple
//! Query", protocol chapter): several statements sent as one query string run as one
//! implicit transaction, so a statement that refuses a transaction block (`CREATE
//! INDEX CONCURRENTLY`) fails there unless it is the only statement of the string.
//!
//! Where each tool's behaviour comes from:
//! - Prisma Migrate sends `migration.sql` with one `simple_query` call
//!   (prisma-engines, `flavour/postgres/connection.rs`, `apply_migration_script`);
//!   Prisma 7.4 (prisma-engines #5767) added special handling of `CREATE INDEX
//!   CONCURRENTLY`, which dblint cannot see: say `delivery = "statements"` for it.
//! - golang-migrate's postgres driver sends the file in one `Exec` ("In PostgreSQL
//!   running multiple SQL statements in one Exec executes them inside a
//!   transaction", `database/postgres/README.md`); `x-multi-statement` splits it
//!   (`delivery = "statements"`), `x-use-transaction` wraps it
//!   (`delivery = "transaction"`).
//! - dbmate runs the `-- migrate:up` block in a transaction unless the directive says
//!   `transaction:false`, then sends the block in one `Exec` (lib/pq, simple query).
//! - goose runs the `-- +goose Up` section of a file in a transaction, sending its
//!   statements one by one, unless the file says `-- +goose NO TRANSACTION` (goose's
//!   README, "SQL Migrations"); the `-- +goose Down` section is for rolling back.
//! - Diesel runs `up.sql` with `batch_execute` (one query string) inside a
//!   transaction, unless the migration's `metadata.toml` says
//!   `run_in_transaction = false`.
//! - Flyway runs each migration in a transaction, except one whose statements its
//!   PostgreSQL parser marks non-transactional (`CREATE`/`DROP [UNIQUE] INDEX
//!   CONCURRENTLY`, `VACUUM`, `REINDEX SCHEMA|DATABASE|SYSTEM`, `ALTER SYSTEM`,
//!   `DISCARD ALL`, `CREATE`/`DROP DATABASE|TABLESPACE|SUBSCRIPTION`): those run
//!   statement by statement, and a migration mixing both kinds is refused unless
//!   `mixed = true` (flyway-database-postgresql, `PostgreSQLParser`); a script
//!   config `V1__x.sql.conf` with `executeInTransaction=false` turns the transaction
//!   off.
//! - psql (`-f`, plain `.sql` files, `pg_dump` output, Rails `structure.sql`) and
//!   Django (whose `sqlmigrate` prints the `BEGIN`/`COMMIT` of an atomic migration)
//!   send statement by statement.

use std::path::Path;

/// How the statements of a file reach the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Delivery {
    /// One by one; each commits on its own unless the file opens a transaction.
    #[default]
    Statements,
    /// The whole file as one query string: two or more statements run as one
    /// implicit transaction; a file of one statement runs outside a transaction.
    OneQuery,
    /// Inside a transaction the tool opens before the file and commits after it.
    Transaction,
}

impl Delivery {
    /// Whether a file of `statements` statements sent this way runs inside a
    /// transaction block before any BEGIN of its own: the tool's transaction, or the
    /// implicit one of a query string of two or more statements.
    pub fn wraps(self, statements: usize) -> bool {
        match self {
            Delivery::Transaction => true,
            Delivery::OneQuery => statements > 1,
            Delivery::Statements => false,
        }
    }

    /// The setting's spelling (`delivery` under `[paths."<glob>"]`).
    pub fn parse(value: &str) -> Option<Delivery> {
        match value {
            "statements" => Some(Delivery::Statements),
            "one-query" => Some(Delivery::OneQuery),
            "transaction" => Some(Delivery::Transaction),
            _ => None,
        }
    }
}

/// How a file is sent, and who says so (for messages).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sending {
    pub delivery: Delivery,
    /// A clause naming the tool and what it does, e.g. "Prisma sends migration.sql
    /// as one query string".
    pub by: String,
    /// Flyway refuses this file: it mixes statements Flyway runs outside a transaction
    /// with statements it runs inside one (unless `mixed = true`).
    pub flyway_mixed: bool,
    /// How to run a statement outside a transaction with this tool, as a clause:
    /// "alone in a migration.sql of its own".
    pub outside: String,
}

impl Sending {
    pub fn new(delivery: Delivery, by: impl Into<String>, outside: impl Into<String>) -> Sending {
        Sending {
            delivery,
            by: by.into(),
            flyway_mixed: false,
            outside: outside.into(),
        }
    }

    /// A delivery stated in dblint.toml.
    pub fn configured(delivery: Delivery) -> Sending {
        let how = match delivery {
            Delivery::Statements => "statement by statement",
            Delivery::OneQuery => "as one query string",
            Delivery::Transaction => "in a transaction",
        };
        Sending::new(
            delivery,
            format!("dblint.toml says the file is sent {how}"),
            OUTSIDE_ALONE,
        )
    }
}

const OUTSIDE_ALONE: &str = "alone in a migration file of its own that runs outside a transaction";

/// What [`detect`] needs to know of a file's statements.
pub struct FileFacts<'a> {
    /// The SQL of each statement, in order.
    pub statements: &'a [&'a str],
    /// The file's text (its dbmate directive).
    pub text: &'a str,
}

/// The text a migration tool applies: a dbmate file's up block, a goose file's Up
/// section, else all of it.
pub fn applied_text(text: &str) -> std::borrow::Cow<'_, str> {
    match dbmate_up_block(text).or_else(|| goose_up_section(text)) {
        Some(up) => std::borrow::Cow::Owned(up),
        None => std::borrow::Cow::Borrowed(text),
    }
}

/// Whether `line` is the goose annotation `annotation` (`-- +goose Up`, `-- +goose NO
/// TRANSACTION`), compared without case.
fn goose_annotation(line: &str, annotation: &str) -> bool {
    line.trim()
        .strip_prefix("--")
        .map(str::trim_start)
        .and_then(|rest| rest.strip_prefix("+goose"))
        .is_some_and(|rest| rest.trim().eq_ignore_ascii_case(annotation))
}

/// Whether `text` is a goose migration (it has a `-- +goose Up` line).
pub fn is_goose(text: &str) -> bool {
    text.lines().any(|line| goose_annotation(line, "Up"))
}

/// A goose file's text with everything from its `-- +goose Down` line on blanked
/// (line breaks kept, so lines keep their numbers): goose applies only the Up section.
pub fn goose_up_section(text: &str) -> Option<String> {
    if !is_goose(text) {
        return None;
    }
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if goose_annotation(line, "Down") {
            let mut up = text[..offset].to_string();
            up.extend(text[offset..].chars().filter(|c| *c == '\n'));
            return Some(up);
        }
        offset += line.len();
    }
    None
}

/// [`detect`] for a file already split into statements (of its [`applied_text`]).
pub fn detect_split(path: &Path, text: &str, split: &super::split::SplitFile) -> Sending {
    let statements: Vec<&str> = split.statements.iter().map(|s| s.sql.as_str()).collect();
    detect(
        path,
        &FileFacts {
            statements: &statements,
            text,
        },
    )
}

/// How the tool that owns `path` sends it, from its name, its dbmate directive,
/// its Diesel `metadata.toml` or Flyway script config, and (Flyway) its statements.
pub fn detect(path: &Path, facts: &FileFacts) -> Sending {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let sending = Sending::new;
    if let Some(directive) = dbmate_directive(facts.text) {
        return if directive
            .split_whitespace()
            .any(|o| o == "transaction:false")
        {
            sending(
                Delivery::OneQuery,
                "dbmate sends a transaction:false block as one query string",
                "alone in a `-- migrate:up transaction:false` migration of its own",
            )
        } else {
            sending(
                Delivery::Transaction,
                "dbmate runs the migrate:up block in a transaction",
                "alone in a `-- migrate:up transaction:false` migration of its own",
            )
        };
    }
    if is_goose(facts.text) {
        return if facts
            .text
            .lines()
            .any(|line| goose_annotation(line, "NO TRANSACTION"))
        {
            sending(
                Delivery::Statements,
                "goose runs a NO TRANSACTION migration statement by statement",
                "in a `-- +goose NO TRANSACTION` migration",
            )
        } else {
            sending(
                Delivery::Transaction,
                "goose runs the Up section in a transaction",
                "in a `-- +goose NO TRANSACTION` migration",
            )
        };
    }
    if name == "migration.sql" {
        return sending(
            Delivery::OneQuery,
            "Prisma sends migration.sql as one query string",
            "alone in a migration.sql of its own (one statement runs outside a transaction)",
        );
    }
    if name == "up.sql" {
        let metadata = path.with_file_name("metadata.toml");
        let off = std::fs::read_to_string(metadata)
            .ok()
            .and_then(|t| t.parse::<toml::Table>().ok())
            .and_then(|t| t.get("run_in_transaction").and_then(|v| v.as_bool()))
            == Some(false);
        return if off {
            sending(
                Delivery::OneQuery,
                "Diesel sends up.sql as one query string (run_in_transaction = false)",
                DIESEL_OUTSIDE,
            )
        } else {
            sending(
                Delivery::Transaction,
                "Diesel runs up.sql in a transaction",
                DIESEL_OUTSIDE,
            )
        };
    }
    if is_flyway(&name) {
        return flyway(path, facts.statements);
    }
    if is_golang_migrate(&name) {
        return sending(
            Delivery::OneQuery,
            "golang-migrate sends the file as one query string",
            "alone in a migration file of its own (one statement runs outside a transaction)",
        );
    }
    sending(
        Delivery::Statements,
        "psql sends the file statement by statement",
        "outside BEGIN ... COMMIT (Django: in a migration with atomic = False)",
    )
}

const DIESEL_OUTSIDE: &str =
    "alone in a migration of its own whose metadata.toml says run_in_transaction = false";
const FLYWAY_OUTSIDE: &str = "alone in a migration of its own (Flyway runs one of only CREATE/DROP INDEX CONCURRENTLY statements outside a transaction; for others add a V…__x.sql.conf with executeInTransaction=false)";

/// `V1__x.sql`, `V1.2__x.sql`, `B1__x.sql` (baseline), `R__x.sql` (repeatable).
fn is_flyway(name: &str) -> bool {
    name.split_once("__").is_some_and(|(head, _)| {
        head == "R"
            || (head.len() > 1
                && matches!(&head[..1], "V" | "B")
                && head[1..]
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '.' || c == '_'))
    })
}

/// `<version>_<title>.up.sql` (down files are not replayed).
fn is_golang_migrate(name: &str) -> bool {
    name.ends_with(".up.sql")
        && name.split_once('_').is_some_and(|(version, _)| {
            !version.is_empty() && version.chars().all(|c| c.is_ascii_digit())
        })
}

/// The rest of a dbmate directive line (`-- migrate:up`, `-- migrate:down`, options
/// after it), or `None` if `line` is not that directive.
fn dbmate_marker<'a>(line: &'a str, directive: &str) -> Option<&'a str> {
    let rest = line
        .strip_prefix("--")?
        .trim_start()
        .strip_prefix(directive)?;
    (rest.is_empty() || rest.starts_with(char::is_whitespace)).then_some(rest.trim())
}

/// The rest of the `-- migrate:up` line, if the file is a dbmate migration.
pub fn dbmate_directive(text: &str) -> Option<&str> {
    text.lines()
        .find_map(|line| dbmate_marker(line, "migrate:up"))
}

/// A dbmate file's text with everything from its `-- migrate:down` line on blanked
/// (line breaks kept, so lines keep their numbers): dbmate applies only the up block.
pub fn dbmate_up_block(text: &str) -> Option<String> {
    dbmate_directive(text)?;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if dbmate_marker(line.trim_end(), "migrate:down").is_some() {
            let mut up = text[..offset].to_string();
            up.extend(text[offset..].chars().filter(|c| *c == '\n'));
            return Some(up);
        }
        offset += line.len();
    }
    None
}

fn flyway(path: &Path, statements: &[&str]) -> Sending {
    let mut conf = path.as_os_str().to_owned();
    conf.push(".conf");
    let off = std::fs::read_to_string(std::path::PathBuf::from(conf))
        .map(|t| {
            t.lines()
                .filter_map(|l| l.split_once('='))
                .any(|(k, v)| k.trim() == "executeInTransaction" && v.trim() == "false")
        })
        .unwrap_or(false);
    if off {
        return Sending::new(
            Delivery::Statements,
            "Flyway runs the file statement by statement (executeInTransaction=false)",
            FLYWAY_OUTSIDE,
        );
    }
    let outside = statements
        .iter()
        .filter(|s| flyway_non_transactional(s))
        .count();
    if outside == 0 {
        return Sending::new(
            Delivery::Transaction,
            "Flyway runs the migration in a transaction",
            FLYWAY_OUTSIDE,
        );
    }
    if outside == statements.len() {
        return Sending::new(
            Delivery::Statements,
            "Flyway runs a migration of only non-transactional statements statement by statement",
            FLYWAY_OUTSIDE,
        );
    }
    Sending {
        flyway_mixed: true,
        ..Sending::new(
            Delivery::Transaction,
            "Flyway refuses a migration that mixes non-transactional statements with others (unless mixed = true)",
            FLYWAY_OUTSIDE,
        )
    }
}

/// Whether Flyway's PostgreSQL parser runs this statement outside a transaction
/// (`detectCanExecuteInTransaction`; it reads the statement's first words).
fn flyway_non_transactional(sql: &str) -> bool {
    let words: Vec<String> = strip_leading_comments(sql)
        .split_whitespace()
        .take(5)
        .map(|w| w.trim_end_matches(';').to_ascii_uppercase())
        .collect();
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    matches!(
        w.as_slice(),
        ["CREATE" | "DROP", "INDEX", "CONCURRENTLY", ..]
            | ["CREATE" | "DROP", "UNIQUE", "INDEX", "CONCURRENTLY", ..]
            | [
                "CREATE" | "DROP",
                "DATABASE" | "TABLESPACE" | "SUBSCRIPTION",
                ..
            ]
            | ["ALTER", "SYSTEM", ..]
            | ["REINDEX", "SCHEMA" | "DATABASE" | "SYSTEM", ..]
            | ["REINDEX", "VERBOSE", "SCHEMA" | "DATABASE" | "SYSTEM", ..]
            | ["VACUUM", ..]
            | ["DISCARD", "ALL", ..]
    )
}

fn strip_leading_comments(mut sql: &str) -> &str {
    loop {
        sql = sql.trim_start();
        if let Some(rest) = sql.strip_prefix("--") {
            sql = rest.split_once('\n').map_or("", |(_, r)| r);
        } else if let Some(rest) = sql.strip_prefix("/*") {
            sql = rest.split_once("*/").map_or("", |(_, r)| r);
        } else {
            return sql;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detect_text(name: &str, text: &str, statements: &[&str]) -> Sending {
        detect(Path::new(name), &FileFacts { statements, text })
    }

    #[test]
    fn tools_by_name_and_content() {
        let cases = [
            ("m/migration.sql", "", Delivery::OneQuery),
            ("m/000001_init.up.sql", "", Delivery::OneQuery),
            ("m/2019_up.sql", "", Delivery::Statements),
            ("m/up.sql", "", Delivery::Transaction),
            ("x.sql", "-- migrate:up\nSELECT 1;\n", Delivery::Transaction),
            (
                "x.sql",
                "-- migrate:up transaction:false\n",
                Delivery::OneQuery,
            ),
            ("x.sql", "--migrate:upx\n", Delivery::Statements),
            ("db/schema.sql", "", Delivery::Statements),
        ];
        for (name, text, expected) in cases {
            assert_eq!(
                detect_text(name, text, &["a"]).delivery,
                expected,
                "{name} {text:?}"
            );
        }
    }

    #[test]
    fn flyway_runs_non_transactional_migrations_outside_a_transaction() {
        let cic = "CREATE INDEX CONCURRENTLY i ON t (a)";
        let alone = detect_text("V2__i.sql", "", &[cic]);
        assert_eq!(alone.delivery, Delivery::Statements);
        let mixed = detect_text("V2__i.sql", "", &["ALTER TABLE t ADD b int", cic]);
        assert!(mixed.flyway_mixed);
        assert_eq!(mixed.delivery, Delivery::Transaction);
        // Flyway's parser does not know REINDEX ... CONCURRENTLY.
        let reindex = detect_text("V2__i.sql", "", &["REINDEX INDEX CONCURRENTLY i"]);
        assert_eq!(reindex.delivery, Delivery::Transaction);
        assert!(flyway_non_transactional(
            "-- c\n/* d */ create unique index concurrently i on t (a)"
        ));
        assert!(!flyway_non_transactional("CREATE INDEX i ON t (a)"));
    }

    #[test]
    fn goose_down_section_is_blanked_and_no_transaction_is_read() {
        let text = "-- +goose Up\n-- +goose StatementBegin\nCREATE TABLE t (a int);\n-- +goose StatementEnd\n\n-- +goose Down\nDROP TABLE t;\n";
        let up = goose_up_section(text).unwrap();
        assert!(!up.contains("DROP"), "{up}");
        assert_eq!(up.lines().count(), text.lines().count());
        assert_eq!(applied_text(text), up);
        assert!(goose_up_section("CREATE TABLE t (a int);\n-- +goose Down\n").is_none());
        let sent = |text: &str| {
            detect(
                Path::new("20240101_x.sql"),
                &FileFacts {
                    statements: &[],
                    text,
                },
            )
        };
        assert_eq!(sent(text).delivery, Delivery::Transaction);
        let outside =
            "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY i ON t (a);\n";
        assert_eq!(sent(outside).delivery, Delivery::Statements);
    }

    #[test]
    fn dbmate_down_block_is_blanked() {
        let text = "-- migrate:up\nCREATE TABLE t (a int);\n-- migrate:down\nDROP TABLE t;\n";
        let up = dbmate_up_block(text).unwrap();
        assert_eq!(up, "-- migrate:up\nCREATE TABLE t (a int);\n\n\n");
        assert_eq!(up.lines().count(), text.lines().count());
        assert!(dbmate_up_block("CREATE TABLE t (a int);\n-- migrate:down\n").is_none());
    }
}
