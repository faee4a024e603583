//! The command line as a user and a CI job see it: exit codes, formats, errors.

mod common;
use common::{dblint, dblint_in, temp_tree};

const CLEAN: &str = "CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL);\n";
const WARNING_ONLY: &str = "CREATE TABLE users (id bigint PRIMARY KEY, created_at timestamp);\n";
const WITH_ERROR: &str = "CREATE TABLE events (name text);\n";

#[test]
fn clean_schema_exits_zero_and_scores_100() {
    let dir = temp_tree(&[("schema.sql", CLEAN)]);
    let run = dblint_in(dir.path(), &["lint", "schema.sql"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("Schema Quality Score: 100/100 (A+)"),
        "{}",
        run.stdout
    );
}

#[test]
fn error_findings_exit_one_by_default() {
    let dir = temp_tree(&[("schema.sql", WITH_ERROR)]);
    let run = dblint_in(dir.path(), &["lint", "schema.sql"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("table-without-pk"));
}

#[test]
fn fail_on_sets_the_threshold() {
    let dir = temp_tree(&[("schema.sql", WARNING_ONLY)]);
    assert_eq!(dblint_in(dir.path(), &["lint", "schema.sql"]).code, 0);
    assert_eq!(
        dblint_in(dir.path(), &["lint", "schema.sql", "--fail-on", "warning"]).code,
        1
    );
    let errors = temp_tree(&[("schema.sql", WITH_ERROR)]);
    assert_eq!(
        dblint_in(errors.path(), &["lint", "schema.sql", "--fail-on", "none"]).code,
        0
    );
    let bad = dblint_in(dir.path(), &["lint", "schema.sql", "--fail-on", "fatal"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("--fail-on"), "{}", bad.stderr);
}

#[test]
fn min_grade_fails_when_the_grade_is_lower() {
    let dir = temp_tree(&[("schema.sql", WARNING_ONLY)]);
    assert_eq!(
        dblint_in(dir.path(), &["lint", "schema.sql", "--min-grade", "A+"]).code,
        1
    );
    assert_eq!(
        dblint_in(dir.path(), &["lint", "schema.sql", "--min-grade", "D"]).code,
        0
    );
    assert_eq!(
        dblint_in(dir.path(), &["lint", "schema.sql", "--min-grade", "Z"]).code,
        2
    );
}

#[test]
fn unparseable_sql_is_exit_two_with_file_and_line() {
    let dir = temp_tree(&[("broken.sql", "CREATE TABLE ok (id int PRIMARY KEY);\n\nCREATE TABLE oops (;\nCREATE TABLE after (id int PRIMARY KEY);\n")]);
    let run = dblint_in(dir.path(), &["lint", "broken.sql"]);
    assert_eq!(run.code, 2);
    let line = run
        .stderr
        .lines()
        .find(|l| l.contains("cannot parse"))
        .expect(&run.stderr);
    assert!(
        line.starts_with("broken.sql:3: error: cannot parse `CREATE TABLE oops (`"),
        "{line}"
    );
    // Replay went on: the table after the broken statement is there.
    assert!(
        run.stdout.contains("2 tables") || run.stdout.contains("(2 tables)"),
        "{}",
        run.stdout
    );
}

#[test]
fn replay_problems_are_warnings_and_do_not_change_the_exit_code() {
    let dir = temp_tree(&[(
        "m.sql",
        "ALTER TABLE missing ADD COLUMN x int;\nCREATE TABLE t (id int PRIMARY KEY);\n",
    )]);
    let run = dblint_in(dir.path(), &["lint", "m.sql"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("m.sql:1: warning: cannot apply `ALTER TABLE missing ADD COLUMN x int`: table missing does not exist"), "{}", run.stderr);
}

#[test]
fn missing_input_is_a_one_line_error() {
    let run = dblint(&["lint", "no/such/file.sql"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr.trim(),
        "dblint: error: no/such/file.sql: no such file or directory"
    );
    assert!(run.stdout.is_empty());
}

#[test]
fn usage_errors_exit_two() {
    let missing = dblint(&["lint"]);
    assert_eq!(missing.code, 2);
    // The error names what is missing, on its one line.
    assert_eq!(
        missing.stderr.trim(),
        "dblint: error: the following required arguments were not provided: <PATHS>... (see dblint --help)"
    );
    assert_eq!(dblint(&["lint", "x.sql", "--no-such-flag"]).code, 2);
    assert_eq!(dblint(&["frobnicate"]).code, 2);
}

#[test]
fn json_output_is_one_deterministic_document() {
    let a = dblint(&[
        "lint",
        "--all-migrations",
        "sample-dbs/benchwarmers",
        "--format",
        "json",
    ]);
    let b = dblint(&[
        "lint",
        "--all-migrations",
        "sample-dbs/benchwarmers",
        "--format",
        "json",
    ]);
    assert_eq!(a.stdout, b.stdout);
    let doc: serde_json::Value = serde_json::from_str(&a.stdout).expect("valid JSON");
    assert_eq!(doc["dblint_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(doc["source"], "sample-dbs/benchwarmers");
    assert!(doc["score"]["overall"].is_u64());
    assert!(doc["score"]["grade"].is_string());
    let categories = doc["score"]["categories"].as_array().unwrap();
    assert!(categories
        .iter()
        .all(|c| c["name"].is_string() && c["score"].is_u64() && c["grade"].is_string()));
    let findings = doc["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    let f = findings
        .iter()
        .find(|f| f["rule"] == "fk-missing-index")
        .unwrap();
    for key in [
        "rule", "severity", "table", "columns", "object", "message", "fix", "location",
    ] {
        assert!(f.get(key).is_some(), "finding lacks {key}");
    }
    assert_eq!(f["location"]["file"], "sample-dbs/benchwarmers/schema.sql");
    assert!(f["location"]["line"].as_u64().unwrap() > 0);
    // Sorted: errors first.
    let severities: Vec<&str> = findings
        .iter()
        .map(|f| f["severity"].as_str().unwrap())
        .collect();
    let rank = |s: &str| match s {
        "error" => 0,
        "warning" => 1,
        _ => 2,
    };
    assert!(severities.windows(2).all(|w| rank(w[0]) <= rank(w[1])));
}

#[test]
fn markdown_output_is_a_pr_comment() {
    let run = dblint(&[
        "lint",
        "--all-migrations",
        "sample-dbs/prodmatic",
        "--format",
        "markdown",
    ]);
    assert!(
        run.stdout.starts_with("## dblint: "),
        "{}",
        &run.stdout[..100]
    );
    assert!(run.stdout.contains("| Category | Score | Grade |"));
    assert!(run.stdout.contains("### ⚠️ Warnings ("));
    assert!(run.stdout.len() < 65_536);
}

#[test]
fn no_ansi_codes_when_not_a_terminal() {
    let run = dblint(&["lint", "--all-migrations", "sample-dbs/kin2"]);
    assert!(!run.stdout.contains('\u{1b}'));
    let forced = dblint(&[
        "lint",
        "--all-migrations",
        "sample-dbs/kin2",
        "--color",
        "always",
    ]);
    assert!(forced.stdout.contains('\u{1b}'));
}

#[test]
fn rules_and_explain() {
    let run = dblint(&["rules"]);
    assert_eq!(run.code, 0);
    for rule in dblint::rules::REGISTRY {
        assert!(
            run.stdout.contains(rule.meta().id),
            "rules lacks {}",
            rule.meta().id
        );
    }
    let explain = dblint(&["explain", "fk-missing-index"]);
    assert_eq!(explain.code, 0);
    assert!(explain.stdout.contains("## Why is this bad?"));
    assert!(explain.stdout.contains("CREATE INDEX CONCURRENTLY"));
    assert!(dblint(&["explain", "scoring"])
        .stdout
        .contains("0.6 × mean"));
    let unknown = dblint(&["explain", "no-such-rule"]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("unknown rule `no-such-rule`"));
    let json: serde_json::Value =
        serde_json::from_str(&dblint(&["rules", "--format", "json"]).stdout).unwrap();
    assert_eq!(
        json.as_array().unwrap().len(),
        dblint::rules::REGISTRY.len()
    );
}

#[test]
fn ignore_globs_suppress_findings() {
    let dir = temp_tree(&[(
        "schema.sql",
        "CREATE TABLE audit_events (name text);\nCREATE TABLE events (name text);\n",
    )]);
    let all = dblint_in(dir.path(), &["lint", "schema.sql", "--format", "json"]);
    let ignored = dblint_in(
        dir.path(),
        &[
            "lint",
            "schema.sql",
            "--format",
            "json",
            "--ignore",
            "public.audit_*",
        ],
    );
    let count = |s: &str| {
        serde_json::from_str::<serde_json::Value>(s).unwrap()["findings"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(count(&all.stdout), 2);
    assert_eq!(count(&ignored.stdout), 1);
    let doc: serde_json::Value = serde_json::from_str(&ignored.stdout).unwrap();
    assert_eq!(doc["summary"]["suppressed"], 1);
    assert!(!ignored.stderr.contains("warning"), "{}", ignored.stderr);

    // A glob that matches nothing (a typo: `audits_*`) is a warning, and so is a
    // `[paths]` glob that matches no file.
    std::fs::write(
        dir.path().join("dblint.toml"),
        "ignore = [\"public.audits_*\"]\n[rules.missing-fk]\nignore = [\"public.events\"]\n[paths.\"db/**\"]\ndelivery = \"statements\"\n",
    )
    .unwrap();
    let typo = dblint_in(dir.path(), &["lint", "schema.sql", "--format", "json"]);
    assert_eq!(count(&typo.stdout), 2, "{}", typo.stderr);
    let warnings: Vec<&str> = typo
        .stderr
        .lines()
        .filter(|l| l.contains("warning:"))
        .collect();
    assert_eq!(warnings.len(), 3, "{}", typo.stderr);
    assert!(
        warnings[0].contains("ignore glob `public.audits_*`"),
        "{}",
        warnings[0]
    );
    assert!(
        warnings[1].contains("[rules.missing-fk] ignore"),
        "{}",
        warnings[1]
    );
    assert!(warnings[2].contains("[paths.\"db/**\"]"), "{}", warnings[2]);
}

#[test]
fn config_file_selects_rules_severities_options_and_ignores() {
    let config = r#"
fail_on = "warning"
disable = ["mixed-case-identifier"]
ignore = ["public.legacy_*"]

[rules.unbounded-varchar]
severity = "error"
suggested_length = 100

[rules.cascade-chain]
max_depth = 2
"#;
    let sql = "CREATE TABLE \"People\" (id int PRIMARY KEY, name varchar);\nCREATE TABLE legacy_things (name text);\n";
    let dir = temp_tree(&[("dblint.toml", config), ("schema.sql", sql)]);
    let run = dblint_in(dir.path(), &["lint", "schema.sql", "--format", "json"]);
    assert_eq!(run.code, 1);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let findings = doc["findings"].as_array().unwrap();
    let rules: Vec<&str> = findings
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, vec!["unbounded-varchar"], "{findings:#?}");
    assert_eq!(findings[0]["severity"], "error");
    assert!(findings[0]["fix"].as_str().unwrap().contains("<= 100"));
    // --no-config ignores it.
    let plain = dblint_in(
        dir.path(),
        &["lint", "schema.sql", "--format", "json", "--no-config"],
    );
    let doc: serde_json::Value = serde_json::from_str(&plain.stdout).unwrap();
    assert!(doc["findings"].as_array().unwrap().len() > 1);
}

#[test]
fn config_errors_name_the_file_and_line() {
    let cases = [
        (
            "fail_on = \"error\"\nfrobs = 1\n",
            "dblint.toml:2: unknown key `frobs`",
        ),
        (
            "[rules.no-such-rule]\nseverity = \"error\"\n",
            "dblint.toml:1: unknown rule id `no-such-rule`",
        ),
        (
            "\n[rules.fk-missing-index]\nseverity = \"fatal\"\n",
            "dblint.toml:3: severity must be error, warning or info",
        ),
        (
            "ignore = [\"public.[x\"]\n",
            "dblint.toml:1: invalid glob `public.[x`",
        ),
        (
            "[rules.cascade-chain]\nmax_dept = 4\n",
            "dblint.toml:2: unknown option `max_dept` for rule cascade-chain",
        ),
        (
            "enable = [\"nope\"]\n",
            "dblint.toml:1: unknown rule id `nope`",
        ),
        ("packs = [\"nope\"]\n", "dblint.toml:1: unknown pack `nope`"),
        ("fail_on = \n", "dblint.toml:1:"),
    ];
    for (config, expected) in cases {
        let dir = temp_tree(&[("dblint.toml", config), ("schema.sql", CLEAN)]);
        let run = dblint_in(dir.path(), &["lint", "schema.sql"]);
        assert_eq!(run.code, 2, "{config}");
        assert!(
            run.stderr.contains(expected),
            "for {config:?} expected {expected:?} in {:?}",
            run.stderr
        );
        assert_eq!(run.stderr.trim().lines().count(), 1, "{}", run.stderr);
        assert!(run.stdout.is_empty(), "no partial output on config errors");
    }
}

#[test]
fn packs_can_be_selected() {
    let dir = temp_tree(&[(
        "schema.sql",
        "CREATE TABLE \"T\" (id int PRIMARY KEY, v varchar);\n",
    )]);
    let run = dblint_in(
        dir.path(),
        &["lint", "schema.sql", "--format", "json", "--pack", "types"],
    );
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let rules: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, vec!["unbounded-varchar"]);
    assert_eq!(doc["score"]["categories"].as_array().unwrap().len(), 1);
}

#[test]
fn closed_pipe_is_not_an_error() {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_dblint"))
        .args(["lint", "sample-dbs/roofing/migrations"])
        .current_dir(common::root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    // Findings exist (exit 0 or 1 by threshold); what matters is no crash (101) or 2.
    assert!(matches!(status.code(), Some(0) | Some(1)), "{status:?}");
}

#[test]
fn rules_fit_80_columns() {
    let run = dblint(&["rules"]);
    assert_eq!(run.code, 0);
    for line in run.stdout.lines() {
        assert!(line.chars().count() <= 80, "{line:?}");
    }
    for rule in dblint::rules::REGISTRY {
        assert!(run.stdout.contains(rule.meta().id));
    }
}

/// A report a person can read: high-volume rules summarised (count, tables, a few
/// examples; `--verbose` for all), only tables with findings listed, the header's
/// counts equal to the scorecard rows, and the verdict repeated at the end.
/// Past 30 tables with findings, the terminal lists the 30 with the most severe ones
/// (errors, then warnings, then info) and counts the rest; `--verbose` lists them all.
#[test]
fn the_terminal_lists_the_tables_with_the_worst_findings_first() {
    let mut sql = String::new();
    for i in 0..40 {
        // One warning each (timestamp without time zone) ...
        sql.push_str(&format!(
            "CREATE TABLE t{i:02} (id bigint PRIMARY KEY, created_at timestamp);\n"
        ));
    }
    // ... and an error (no primary key) on two tables named last.
    sql.push_str("CREATE TABLE z1 (name text, created_at timestamp);\n");
    sql.push_str("CREATE TABLE z2 (name text);\n");
    let dir = temp_tree(&[("s.sql", &sql)]);
    let run = dblint_in(dir.path(), &["lint", "s.sql", "--fail-on", "none"]);
    let out = &run.stdout;
    assert!(
        out.contains("Tables (the 30 with the most severe findings)"),
        "{out}"
    );
    let rows: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("┆ public.") || l.contains("┆ t") || l.contains("┆ z"))
        .collect();
    assert_eq!(rows.len(), 30, "{out}");
    // z1 has an error and a warning, z2 an error: both first, z1 before z2.
    assert!(
        rows[0].contains("z1") && rows[1].contains("z2"),
        "{rows:#?}"
    );
    assert!(
        rows[2].contains("t00") && rows[29].contains("t27"),
        "{rows:#?}"
    );
    assert!(
        out.contains(
            "… 12 more tables with findings, fewer or less severe (`--verbose` lists them all)"
        ),
        "{out}"
    );
    let verbose = dblint_in(
        dir.path(),
        &["lint", "s.sql", "--verbose", "--fail-on", "none"],
    );
    let rows = verbose
        .stdout
        .lines()
        .filter(|l| l.contains("┆ public.") || l.contains("┆ t") || l.contains("┆ z"))
        .count();
    assert_eq!(rows, 42, "{}", verbose.stdout);
    assert!(!verbose.stdout.contains("more tables with findings"));
}

/// The terminal shows a few fixes of each rule and reviews those; JSON shows and
/// reviews them all. Either way a shown fix carries its review notes.
#[test]
fn shown_fixes_carry_their_review_in_every_format() {
    let mut sql = String::from("CREATE TABLE hub (id bigint PRIMARY KEY);\n");
    for i in 0..20 {
        // integer → bigint to match hub.id rewrites the table: a `-- review:` note.
        sql.push_str(&format!(
            "CREATE TABLE t{i:02} (id bigint PRIMARY KEY, hub_id integer NOT NULL REFERENCES hub);\n"
        ));
    }
    let dir = temp_tree(&[("s.sql", &sql)]);
    let human = dblint_in(dir.path(), &["lint", "s.sql", "--fail-on", "none"]);
    let out = &human.stdout;
    assert!(out.contains("fk-type-mismatch"), "{out}");
    let notes = out.matches("-- review: changing ").count();
    assert_eq!(notes, 3, "{out}");
    let verbose = dblint_in(
        dir.path(),
        &["lint", "s.sql", "--verbose", "--fail-on", "none"],
    );
    assert_eq!(
        verbose.stdout.matches("-- review: changing ").count(),
        20,
        "{}",
        verbose.stdout
    );
    let json = dblint_in(
        dir.path(),
        &["lint", "s.sql", "--format", "json", "--fail-on", "none"],
    );
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let reviewed = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "fk-type-mismatch")
        .filter(|f| {
            f["fix"]
                .as_str()
                .unwrap_or("")
                .contains("-- review: changing ")
        })
        .count();
    assert_eq!(reviewed, 20, "{}", json.stdout);
}

#[test]
fn the_terminal_report_summarises_and_ends_with_the_verdict() {
    let mut sql = String::new();
    for i in 0..20 {
        sql.push_str(&format!(
            "CREATE TABLE t{i} (id bigint PRIMARY KEY, created_at timestamp);\n"
        ));
    }
    sql.push_str("CREATE TABLE clean (id bigint PRIMARY KEY);\n");
    let dir = temp_tree(&[("s.sql", &sql)]);
    let run = dblint_in(dir.path(), &["lint", "s.sql", "--fail-on", "warning"]);
    assert_eq!(run.code, 1);
    let out = &run.stdout;
    assert!(
        out.contains("timestamp-without-tz — timestamp without time zone (20)"),
        "{out}"
    );
    assert!(out.contains("on 20 tables: public.t0, public.t1,"), "{out}");
    assert!(
        out.contains("… 17 more like these (`--verbose` lists them all"),
        "{out}"
    );
    assert_eq!(
        out.matches("• public.t").count() + out.matches("• t").count(),
        3,
        "{out}"
    );
    assert!(
        out.contains("✅ 1 table without findings (`--verbose` lists them)"),
        "{out}"
    );
    assert!(
        out.contains("0 errors, 20 warnings, 0 info findings"),
        "{out}"
    );
    let last = out.lines().last().unwrap();
    assert!(
        last.starts_with("Schema Quality Score: ")
            && last.contains("gate fails: 20 findings at or above --fail-on warning"),
        "{last}"
    );
    let verbose = dblint_in(
        dir.path(),
        &["lint", "s.sql", "--verbose", "--fail-on", "none"],
    );
    assert!(!verbose.stdout.contains("more like these"));
    assert!(verbose
        .stdout
        .contains("✅ 1 table without findings: public.clean"));
    assert!(verbose
        .stdout
        .lines()
        .last()
        .unwrap()
        .ends_with("gate passes"));
}
