//! Reviewing migrations from the command line: `-- dblint-ignore` comments,
//! `--since`, `--locks`, `--pg-version` and per-path transaction settings.

mod common;

use common::{dblint_in, temp_tree};
use std::path::Path;
use std::process::Command;

const BASE: &str = "CREATE TABLE accounts (id bigint PRIMARY KEY, note text);\n\
CREATE TABLE orders (id bigint PRIMARY KEY, account_id bigint REFERENCES accounts (id));\n\
CREATE INDEX orders_account_idx ON orders (account_id);\n";

fn rules_fired(stdout: &str) -> Vec<String> {
    let report: serde_json::Value = serde_json::from_str(stdout).expect("json report");
    let mut rules: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{}@{}", f["rule"].as_str().unwrap(), f["location"]["line"]))
        .collect();
    rules.sort();
    rules
}

#[test]
fn ignore_comments_silence_the_statement_below_or_on_the_same_line() {
    let dir = temp_tree(&[
        ("m/001_base.sql", BASE),
        (
            "m/002_change.sql",
            "SET lock_timeout = '2s';\n\
             -- dblint-ignore create-index-not-concurrently -- table has 10 rows\n\
             CREATE INDEX accounts_note_idx ON accounts (note);\n\
             ALTER TABLE accounts DROP COLUMN note; -- dblint-ignore destructive-change -- unused since v2\n\
             ALTER TABLE orders RENAME TO purchases;\n",
        ),
    ]);
    let run = dblint_in(
        dir.path(),
        &[
            "lint",
            "m",
            "--format",
            "json",
            "--pack",
            "migration-safety",
        ],
    );
    assert_eq!(
        rules_fired(&run.stdout),
        vec!["rename-breaks-code@5"],
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("unused-ignore"), "{}", run.stderr);
}

#[test]
fn ignore_file_silences_a_rule_for_the_whole_file() {
    let dir = temp_tree(&[
        ("m/001_base.sql", BASE),
        (
            "m/002_change.sql",
            "-- dblint-ignore-file lock-timeout-missing, rename-breaks-code\n\
             ALTER TABLE orders RENAME TO purchases;\n\
             ALTER TABLE accounts RENAME COLUMN note TO remark;\n",
        ),
    ]);
    let run = dblint_in(
        dir.path(),
        &[
            "lint",
            "m",
            "--format",
            "json",
            "--pack",
            "migration-safety",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(rules_fired(&run.stdout).is_empty());
}

#[test]
fn an_unknown_rule_in_an_ignore_is_an_error_with_its_line() {
    let dir = temp_tree(&[(
        "m/001.sql",
        "CREATE TABLE t (id int PRIMARY KEY);\n-- dblint-ignore no-such-rule -- why\nDROP TABLE t;\n",
    )]);
    let run = dblint_in(dir.path(), &["lint", "m"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("m/001.sql:2: unknown rule `no-such-rule`"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "", "no report after a bad ignore");
}

#[test]
fn an_ignore_that_suppresses_nothing_is_reported() {
    let dir = temp_tree(&[
        ("m/001_base.sql", BASE),
        (
            "m/002.sql",
            "-- dblint-ignore destructive-change -- stale\nCREATE TABLE extra (id int PRIMARY KEY);\n",
        ),
    ]);
    let run = dblint_in(dir.path(), &["lint", "m", "--pack", "migration-safety"]);
    assert!(
        run.stderr
            .contains("m/002.sql:1: warning: unused-ignore: `dblint-ignore destructive-change`"),
        "{}",
        run.stderr
    );
}

#[test]
fn pg_version_switches_version_dependent_verdicts() {
    let files = [
        ("m/001_base.sql", BASE),
        (
            "m/002.sql",
            "SET lock_timeout = '2s';\nALTER TABLE accounts ADD COLUMN score int DEFAULT 0;\n",
        ),
    ];
    let dir = temp_tree(&files);
    let args = [
        "lint",
        "m",
        "--format",
        "json",
        "--pack",
        "migration-safety",
    ];
    let modern = dblint_in(dir.path(), &args);
    assert!(rules_fired(&modern.stdout).is_empty(), "{}", modern.stdout);
    let old = dblint_in(dir.path(), &[&args[..], &["--pg-version", "10"]].concat());
    assert_eq!(
        rules_fired(&old.stdout),
        vec!["add-column-volatile-default@2"]
    );

    std::fs::write(dir.path().join("dblint.toml"), "pg_version = 10\n").unwrap();
    let configured = dblint_in(dir.path(), &args);
    assert_eq!(
        rules_fired(&configured.stdout),
        vec!["add-column-volatile-default@2"]
    );

    std::fs::write(dir.path().join("dblint.toml"), "pg_version = 7\n").unwrap();
    let bad = dblint_in(dir.path(), &args);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("dblint.toml:1: pg_version must be"),
        "{}",
        bad.stderr
    );
}

/// The concurrently-in-transaction findings of `lint m` in `dir`, as `file:line`.
fn concurrently_findings(dir: &Path) -> Vec<String> {
    let out = dblint_in(dir, &["lint", "m", "--format", "json", "--all-migrations"]);
    let mut found: Vec<String> = common::pg::findings(&out.stdout)
        .iter()
        .filter(|f| f["rule"] == "concurrently-in-transaction")
        .map(|f| {
            let file = f["location"]["file"].as_str().unwrap().replace('\\', "/");
            format!(
                "{}:{}",
                file.trim_start_matches("m/"),
                f["location"]["line"]
            )
        })
        .collect();
    found.sort();
    found
}

#[test]
fn delivery_per_path_overrides_the_detected_tool() {
    let cic = "CREATE INDEX CONCURRENTLY accounts_note_idx ON accounts (note);\n";
    let files = [("m/001_base.sql", BASE), ("m/002.sql", cic)];
    let dir = temp_tree(&files);
    assert!(concurrently_findings(dir.path()).is_empty());
    // The older spelling still works.
    std::fs::write(
        dir.path().join("dblint.toml"),
        "[paths.\"m/*.sql\"]\nassume_in_transaction = true\n",
    )
    .unwrap();
    assert_eq!(concurrently_findings(dir.path()), ["002.sql:1"]);
    std::fs::write(
        dir.path().join("dblint.toml"),
        "[paths.\"m/*.sql\"]\ndelivery = \"transaction\"\n",
    )
    .unwrap();
    assert_eq!(concurrently_findings(dir.path()), ["002.sql:1"]);
    std::fs::write(
        dir.path().join("dblint.toml"),
        "[paths.\"m/*.sql\"]\ndelivery = \"wrapped\"\n",
    )
    .unwrap();
    let bad = dblint_in(dir.path(), &["lint", "m"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(
        bad.stderr.contains("dblint.toml") && bad.stderr.contains("one-query"),
        "{}",
        bad.stderr
    );
}

#[test]
fn prisma_files_of_several_statements_are_one_implicit_transaction() {
    let lone = "CREATE INDEX CONCURRENTLY accounts_note_idx ON accounts (note);\n";
    let two = "SET lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY orders_id_idx ON orders (id);\n";
    let files = [
        ("m/20240101_base/migration.sql", BASE),
        ("m/20240102_lone/migration.sql", lone),
        ("m/20240103_two/migration.sql", two),
    ];
    let dir = temp_tree(&files);
    assert_eq!(
        concurrently_findings(dir.path()),
        ["20240103_two/migration.sql:2"]
    );
    // Prisma 7.4 and later handle CONCURRENTLY themselves: the user says so.
    std::fs::write(
        dir.path().join("dblint.toml"),
        "[paths.\"m/**\"]\ndelivery = \"statements\"\n",
    )
    .unwrap();
    assert!(concurrently_findings(dir.path()).is_empty());
}

#[test]
fn flyway_runs_only_non_transactional_migrations_outside_a_transaction() {
    let files = [
        ("m/V1__base.sql", BASE),
        (
            "m/V2__alone.sql",
            "CREATE INDEX CONCURRENTLY accounts_note_idx ON accounts (note);\n",
        ),
        (
            "m/V3__mixed.sql",
            "ALTER TABLE accounts ADD COLUMN email text;\nCREATE INDEX CONCURRENTLY accounts_email_idx ON accounts (email);\n",
        ),
        // Flyway's parser does not know REINDEX ... CONCURRENTLY: a transaction.
        (
            "m/V4__reindex.sql",
            "REINDEX INDEX CONCURRENTLY accounts_note_idx;\n",
        ),
        (
            "m/V5__conf.sql",
            "ALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX CONCURRENTLY orders_note_idx ON orders (note);\n",
        ),
        ("m/V5__conf.sql.conf", "executeInTransaction=false\n"),
    ];
    let dir = temp_tree(&files);
    assert_eq!(
        concurrently_findings(dir.path()),
        ["V3__mixed.sql:2", "V4__reindex.sql:1"]
    );
}

#[test]
fn diesel_metadata_turns_the_transaction_off() {
    let cic = "CREATE INDEX CONCURRENTLY accounts_note_idx ON accounts (note);\n";
    let files = [
        ("m/2024-01-01-000000_base/up.sql", BASE),
        ("m/2024-01-02-000000_index/up.sql", cic),
    ];
    let dir = temp_tree(&files);
    assert_eq!(
        concurrently_findings(dir.path()),
        ["2024-01-02-000000_index/up.sql:1"]
    );
    std::fs::write(
        dir.path().join("m/2024-01-02-000000_index/metadata.toml"),
        "run_in_transaction = false\n",
    )
    .unwrap();
    assert!(concurrently_findings(dir.path()).is_empty());
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "user.email=t@example.com",
            "-c",
            "user.name=t",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run git");
    assert!(
        status.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

#[test]
fn since_reports_only_migrations_changed_since_the_merge_base() {
    let dir = temp_tree(&[
        ("m/001_base.sql", BASE),
        (
            "m/002_old.sql",
            "CREATE INDEX accounts_note_idx ON accounts (note);\n",
        ),
    ]);
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["checkout", "-q", "-b", "main"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "base"]);
    git(dir.path(), &["checkout", "-q", "-b", "feature"]);
    std::fs::write(
        dir.path().join("m/003_new.sql"),
        "ALTER TABLE orders DROP COLUMN account_id;\n",
    )
    .unwrap();
    let args = ["lint", "m", "--format", "json", "--since", "main"];
    let run = dblint_in(dir.path(), &args);
    let fired = rules_fired(&run.stdout);
    assert!(
        fired.iter().any(|r| r.starts_with("destructive-change")),
        "{fired:?}"
    );
    assert!(
        !fired
            .iter()
            .any(|r| r.starts_with("create-index-not-concurrently")),
        "an unchanged migration was reported: {fired:?}"
    );
    let everything = rules_fired(
        &dblint_in(
            dir.path(),
            &["lint", "m", "--format", "json", "--all-migrations"],
        )
        .stdout,
    );
    assert!(everything
        .iter()
        .any(|r| r.starts_with("create-index-not-concurrently")));

    let unknown = dblint_in(dir.path(), &["lint", "m", "--since", "no-such-branch"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("unknown git ref `no-such-branch`"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn since_outside_a_repository_is_a_clear_error() {
    let dir = temp_tree(&[("m/001.sql", BASE)]);
    let run = Command::new(env!("CARGO_BIN_EXE_dblint"))
        .args(["lint", "m", "--since", "main"])
        .current_dir(dir.path())
        .env("GIT_CEILING_DIRECTORIES", dir.path().parent().unwrap())
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("is not inside a git repository"),
        "{stderr}"
    );
}

#[test]
fn lock_report() {
    let dir = temp_tree(&[
        ("m/001_base.sql", BASE),
        (
            "m/002_change/migration.sql",
            "SET lock_timeout = '2s';\n\
             CREATE INDEX accounts_note_idx ON accounts (note);\n\
             ALTER TABLE orders ADD CONSTRAINT orders_total CHECK (id > 0);\n\
             ALTER TABLE orders ALTER COLUMN account_id TYPE int;\n\
             ALTER TABLE orders ADD COLUMN note text;\n\
             DROP INDEX orders_account_idx;\n",
        ),
    ]);
    let run = dblint_in(dir.path(), &["lint", "--locks", "m"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("lock_report", run.stdout);
}

#[test]
fn detach_partition_fix_depends_on_version_and_transaction() {
    let base = "CREATE TABLE m (id bigint, taken date) PARTITION BY RANGE (taken);\n\
                CREATE TABLE m_2020 PARTITION OF m FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');\n";
    let dir = temp_tree(&[
        ("m/001_base.sql", base),
        (
            "m/002_detach.sql",
            "ALTER TABLE m DETACH PARTITION m_2020;\n",
        ),
        (
            "m/003_wrapped.sql",
            "BEGIN;\nALTER TABLE m DETACH PARTITION m_2020 CONCURRENTLY;\nCOMMIT;\n",
        ),
    ]);
    let args = [
        "lint",
        "m",
        "--format",
        "json",
        "--pack",
        "migration-safety",
        "--disable",
        "lock-timeout-missing",
    ];
    let fixes = |stdout: &str| -> Vec<(String, String)> {
        let report: serde_json::Value = serde_json::from_str(stdout).expect("json report");
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_string(),
                    format!("{} {}", f["fix"], f["help"]),
                )
            })
            .collect()
    };
    let of = |found: &[(String, String)], rule: &str| -> Vec<String> {
        found
            .iter()
            .filter(|(r, _)| r == rule)
            .map(|(_, f)| f.clone())
            .collect()
    };
    // PostgreSQL 14 has CONCURRENTLY: the fix uses it; inside BEGIN it is refused.
    let modern = dblint_in(dir.path(), &[&args[..], &["--pg-version", "14"]].concat());
    let found = fixes(&modern.stdout);
    assert_eq!(found.len(), 2, "{found:?}");
    let detach = of(&found, "detach-partition-blocking");
    assert_eq!(detach.len(), 1, "{found:?}");
    assert!(
        detach[0].contains("DETACH PARTITION m_2020 CONCURRENTLY;"),
        "{found:?}"
    );
    assert_eq!(
        of(&found, "concurrently-in-transaction").len(),
        1,
        "{found:?}"
    );
    // PostgreSQL 13 has no CONCURRENTLY: help only, no statement to run.
    let old = dblint_in(dir.path(), &[&args[..], &["--pg-version", "13"]].concat());
    let detach = of(&fixes(&old.stdout), "detach-partition-blocking");
    assert_eq!(detach.len(), 1, "{detach:?}");
    assert!(detach[0].starts_with("null "), "{detach:?}");
    assert!(detach[0].contains("needs PostgreSQL 14"), "{detach:?}");
}

#[test]
fn lock_timeout_goes_outside_a_one_statement_file_that_refuses_a_transaction() {
    let base = "CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at);\n\
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n";
    let files = [
        ("m/20240101_base/migration.sql", base),
        (
            "m/20240102_detach/migration.sql",
            "ALTER TABLE events DETACH PARTITION events_2024 CONCURRENTLY;\n",
        ),
    ];
    let dir = temp_tree(&files);
    let out = dblint_in(
        dir.path(),
        &[
            "lint",
            "m",
            "--format",
            "json",
            "--all-migrations",
            "--pg-version",
            "15",
        ],
    );
    let findings = common::pg::findings(&out.stdout);
    let timeouts: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|f| f["rule"] == "lock-timeout-missing")
        .collect();
    assert!(!timeouts.is_empty(), "{}", out.stdout);
    for f in timeouts {
        // A SET in the file would make its query string a transaction block, where
        // DETACH ... CONCURRENTLY fails: the advice is help, not a statement.
        assert!(f["fix"].is_null(), "{f}");
        assert!(
            f["help"].as_str().unwrap().contains("outside this file"),
            "{f}"
        );
    }
    assert!(
        !out.stdout.contains("concurrently-in-transaction"),
        "{}",
        out.stdout
    );
}
