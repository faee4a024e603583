//! `dblint lint -`: standard input read as a file, named by `--stdin-filename` for
//! locations, dblint.toml and the migration tool's conventions; a file of that name in
//! a folder being linted is replaced by it (an editor's unsaved buffer).

mod common;
use common::{temp_tree, Run};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

const USERS: &str = "CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL);\n";
const ORDERS: &str =
    "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id));\n";
const INDEX: &str = "CREATE INDEX users_email_idx ON users (email);\n";

/// Run dblint in `dir` with `input` on standard input.
fn with_stdin(dir: &Path, args: &[&str], input: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dblint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("DBLINT_CONFIG")
        .env_remove("DBLINT_FAIL_ON")
        .env_remove("GITHUB_BASE_REF")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // dblint may exit before reading (a usage error): a closed pipe is no failure.
    if let Err(e) = child.stdin.take().unwrap().write_all(input.as_bytes()) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn json(run: &Run) -> serde_json::Value {
    assert!(
        run.code == 0 || run.code == 1,
        "exit {}: {}",
        run.code,
        run.stderr
    );
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

/// The `file` of each finding of `rule`.
fn files_of(report: &serde_json::Value, rule: &str) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| f["location"]["file"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn standard_input_is_linted_like_a_file() {
    let dir = temp_tree(&[("a.sql", &format!("{USERS}{ORDERS}"))]);
    let from_file = common::dblint_in(dir.path(), &["lint", "a.sql", "--format", "json"]);
    let from_stdin = with_stdin(
        dir.path(),
        &["lint", "-", "--stdin-filename", "a.sql", "--format", "json"],
        &format!("{USERS}{ORDERS}"),
    );
    assert_eq!(from_file.code, from_stdin.code, "{}", from_stdin.stderr);
    let (a, b) = (json(&from_file), json(&from_stdin));
    assert_eq!(a["findings"], b["findings"]);
    assert_eq!(a["scorecard"], b["scorecard"]);
    // Without a name, findings are placed in <stdin>.
    let run = with_stdin(
        dir.path(),
        &["lint", "-", "--format", "json", "--fail-on", "none"],
        &format!("{USERS}{ORDERS}"),
    );
    let report = json(&run);
    assert_eq!(
        files_of(&report, "fk-missing-index"),
        vec!["<stdin>".to_string()]
    );
}

/// A new migration on standard input, replayed after a folder: reviewed against the
/// schema the folder built, under the name given.
#[test]
fn standard_input_after_a_folder_is_the_next_migration() {
    let dir = temp_tree(&[("m/001_users.sql", USERS)]);
    let run = with_stdin(
        dir.path(),
        &[
            "lint",
            "m",
            "-",
            "--stdin-filename",
            "m/002_index.sql",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
        INDEX,
    );
    let report = json(&run);
    assert_eq!(
        files_of(&report, "create-index-not-concurrently"),
        vec!["m/002_index.sql".to_string()],
        "{}",
        run.stdout
    );
}

/// A file of the folder named by --stdin-filename is replaced by standard input, in
/// its place in the order: its findings come from standard input, once.
#[test]
fn standard_input_replaces_the_file_it_names() {
    let dir = temp_tree(&[
        ("m/001_users.sql", USERS),
        ("m/002_index.sql", "SELECT 1;\n"),
        ("m/003_orders.sql", ORDERS),
    ]);
    for name in ["m/002_index.sql", "./m/002_index.sql"] {
        let run = with_stdin(
            dir.path(),
            &[
                "lint",
                "m",
                "-",
                "--stdin-filename",
                name,
                "--format",
                "json",
                "--fail-on",
                "none",
            ],
            INDEX,
        );
        let report = json(&run);
        assert_eq!(
            files_of(&report, "create-index-not-concurrently"),
            vec![name.to_string()],
            "{}",
            run.stdout
        );
        assert!(!run.stderr.contains("already exists"), "{}", run.stderr);
    }
    // The file on disk is not read: its own contents give no such finding.
    let run = common::dblint_in(
        dir.path(),
        &["lint", "m", "--format", "json", "--fail-on", "none"],
    );
    assert!(files_of(&json(&run), "create-index-not-concurrently").is_empty());
}

/// --stdin-filename chooses the migration tool's conventions and dblint.toml.
#[test]
fn the_name_decides_conventions_and_configuration() {
    let dir = temp_tree(&[(
        "db/dblint.toml",
        "disable = [\"create-index-not-concurrently\"]\n",
    )]);
    let run = with_stdin(
        dir.path(),
        &[
            "lint",
            "-",
            "--stdin-filename",
            "db/001.sql",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
        &format!("{USERS}{INDEX}"),
    );
    assert!(
        files_of(&json(&run), "create-index-not-concurrently").is_empty(),
        "dblint.toml beside the named file was not read: {}",
        run.stdout
    );
    // A Prisma schema on standard input.
    let schema = "datasource db {\n  provider = \"postgresql\"\n}\n\nmodel User {\n  id    Int    @id\n  email String\n  posts Post[]\n}\n\nmodel Post {\n  id       Int  @id\n  authorId Int\n  author   User @relation(fields: [authorId], references: [id])\n}\n";
    let run = with_stdin(
        dir.path(),
        &[
            "lint",
            "-",
            "--stdin-filename",
            "schema.prisma",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
        schema,
    );
    let report = json(&run);
    let unindexed = files_of(&report, "fk-missing-index");
    assert_eq!(
        unindexed,
        vec!["schema.prisma".to_string()],
        "{}",
        run.stdout
    );
    // --locks reads standard input too.
    let run = with_stdin(
        dir.path(),
        &["lint", "--locks", "-", "--stdin-filename", "x.sql"],
        &format!("{USERS}{INDEX}"),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("x.sql:2"), "{}", run.stdout);
}

#[test]
fn misuse_is_one_line_and_exit_two() {
    let dir = temp_tree(&[("a.sql", USERS)]);
    for (args, says) in [
        (vec!["lint", "-", "-"], "more than once"),
        (
            vec!["lint", "a.sql", "--stdin-filename", "x.sql"],
            "give `-` among the inputs",
        ),
        (
            vec!["lint", "a.sql", "-", "--stdin-filename", "s.prisma"],
            "lint it alone",
        ),
        // The report may not take the name standard input stood for.
        (
            vec![
                "lint",
                "a.sql",
                "-",
                "--stdin-filename",
                "new.sql",
                "--format",
                "json",
                "--output",
                "new.sql",
            ],
            "one of the input files",
        ),
    ] {
        let run = with_stdin(dir.path(), &args, USERS);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert_eq!(run.stderr.trim().lines().count(), 1, "{}", run.stderr);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
    }
    assert!(
        !dir.path().join("new.sql").exists(),
        "the report took new.sql"
    );
}

/// A new migration on standard input, named inside a folder: replayed in its place in
/// the folder's migration order (Flyway versions, Prisma folders), wherever `-` stands.
#[test]
fn a_new_migration_takes_its_place_in_the_folder_order() {
    let dir = temp_tree(&[
        ("m/V1__users.sql", USERS),
        ("m/V3__orders.sql", ORDERS),
        ("p/20240101000000_init/migration.sql", USERS),
        ("p/20240301000000_orders/migration.sql", ORDERS),
    ]);
    let cases = [
        (vec!["m", "-"], "m/V2__index.sql"),
        (vec!["-", "m"], "./m/V2__index.sql"),
        (vec!["p", "-"], "p/20240201000000_index/migration.sql"),
    ];
    for (inputs, name) in cases {
        let mut args = vec!["lint"];
        args.extend(&inputs);
        args.extend([
            "--stdin-filename",
            name,
            "--format",
            "json",
            "--fail-on",
            "none",
        ]);
        let run = with_stdin(dir.path(), &args, INDEX);
        let report = json(&run);
        assert_eq!(
            files_of(&report, "create-index-not-concurrently"),
            vec![name.to_string()],
            "{inputs:?}: {}",
            run.stderr
        );
        // Replayed after the table it indexes, before the next migration: no
        // complaint about order, and the last file's table is there.
        assert!(
            !run.stderr.contains("does not exist"),
            "{inputs:?}: {}",
            run.stderr
        );
        assert!(run.stdout.contains("orders"), "{inputs:?}");
        let replayed = report["summary"]["files"].as_u64();
        assert_eq!(replayed, Some(3), "{inputs:?}: {}", report["summary"]);
    }
}
