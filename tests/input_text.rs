//! Every bad input gets a clear answer: byte-order marks are not part of the text,
//! constructs left open at the end of a file are one `file:line: error:` line naming
//! where they open (exit code 2), and parser messages stay on one line.

mod common;
use common::{dblint_in, temp_tree};

const BOM: &str = "\u{feff}";

/// The `error:` lines on stderr.
fn errors(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains(": error:")).collect()
}

#[test]
fn a_byte_order_mark_does_not_eat_the_first_statement() {
    let sql = format!("{BOM}CREATE TABLE first (id int PRIMARY KEY);\nCREATE TABLE second (id int PRIMARY KEY);\n");
    let dir = temp_tree(&[("schema.sql", &sql)]);
    let run = dblint_in(dir.path(), &["lint", "schema.sql", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["summary"]["statements"], 2);
    assert_eq!(doc["summary"]["parse_errors"], 0);
}

#[test]
fn a_byte_order_mark_in_config_and_baseline_files_is_ignored() {
    let sql = "CREATE TABLE t (id int PRIMARY KEY, name varchar);\n";
    let config = format!("{BOM}fail_on = \"error\"\n");
    let dir = temp_tree(&[("schema.sql", sql), ("dblint.toml", &config)]);
    let written = dblint_in(
        dir.path(),
        &["lint", "schema.sql", "--write-baseline", "baseline.json"],
    );
    assert_eq!(written.code, 0, "{}", written.stderr);
    let baseline = std::fs::read_to_string(dir.path().join("baseline.json")).unwrap();
    std::fs::write(dir.path().join("baseline.json"), format!("{BOM}{baseline}")).unwrap();
    let run = dblint_in(
        dir.path(),
        &["lint", "schema.sql", "--baseline", "baseline.json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(errors(&run.stderr).is_empty(), "{}", run.stderr);
}

#[test]
fn a_utf16_file_is_named_as_such() {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in "CREATE TABLE t (id int);\n".encode_utf16() {
        bytes.extend(unit.to_le_bytes());
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("wide.sql"), bytes).unwrap();
    let run = dblint_in(dir.path(), &["lint", "wide.sql"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        errors(&run.stderr),
        vec!["wide.sql:1: error: file is UTF-16LE (it starts with a UTF-16LE byte-order mark); dblint reads UTF-8, so it was not read"]
    );
}

#[test]
fn every_construct_left_open_is_one_error_at_the_line_it_opens() {
    let before = "CREATE TABLE a (id int PRIMARY KEY);\n\n";
    let cases = [
        ("/* no end\nCREATE TABLE b (id int);\n", "/* comment"),
        (
            "/* outer /* inner */ still open\nCREATE TABLE b (id int);\n",
            "/* comment",
        ),
        (
            "CREATE TABLE b (id int) /* trailing\n;\n",
            "/* comment",
        ),
        (
            "CREATE TABLE b (n text DEFAULT 'open);\nCREATE TABLE c (id int);\n",
            "quoted string",
        ),
        (
            "CREATE TABLE b (n text DEFAULT E'ends in a backslash quote\\');\nCREATE TABLE c (id int);\n",
            "quoted string",
        ),
        (
            "CREATE TABLE \"b (id int);\nCREATE TABLE c (id int);\n",
            "quoted identifier",
        ),
        (
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1;\nCREATE TABLE c (id int);\n",
            "dollar-quoted string",
        ),
        (
            "DO $body$ BEGIN PERFORM 1; END $bod$;\nCREATE TABLE c (id int);\n",
            "dollar-quoted string",
        ),
        (
            "CREATE TABLE b (v bit(3) DEFAULT B'101);\n",
            "bit string literal",
        ),
        (
            "CREATE TABLE b (v bytea DEFAULT X'ff);\n",
            "hexadecimal string literal",
        ),
        (
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1;\nCREATE TABLE c (id int);\n",
            "BEGIN ATOMIC body (no matching END)",
        ),
    ];
    for (tail, what) in cases {
        let sql = format!("{before}{tail}");
        let dir = temp_tree(&[("m.sql", &sql)]);
        let run = dblint_in(dir.path(), &["lint", "m.sql", "--format", "json"]);
        assert_eq!(run.code, 2, "{sql}\n{}", run.stderr);
        let unread = match sql.lines().count() {
            3 => "line 3 is".to_string(),
            last => format!("lines 3-{last} are"),
        };
        assert_eq!(
            errors(&run.stderr),
            vec![format!(
                "m.sql:3: error: unterminated {what}: nothing closes it, so {unread} not read"
            )],
            "{sql}"
        );
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        // What came before the open construct was replayed.
        let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(doc["summary"]["parse_errors"], 1, "{sql}");
        assert_eq!(doc["summary"]["tables"], 1, "{sql}");
        assert_eq!(doc["tables"][0]["table"], "public.a", "{sql}");
    }
}

#[test]
fn closed_constructs_are_not_errors() {
    let sql = "/* a /* nested */ comment */\nCREATE TABLE a (id int PRIMARY KEY, n text DEFAULT 'it''s', e text DEFAULT E'\\'', \"q\"\"x\" int);\n\
               CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $f$ SELECT 1; $f$;\n\
               CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; END;\n";
    let dir = temp_tree(&[("m.sql", sql)]);
    let run = dblint_in(dir.path(), &["lint", "m.sql", "--fail-on", "none"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(errors(&run.stderr).is_empty(), "{}", run.stderr);
}

#[test]
fn parser_errors_stay_on_one_line() {
    // The token PostgreSQL quotes spans lines; the diagnostic must not.
    let sql =
        "CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE b (id int) 'a\nmulti-line\nstring';\n";
    let dir = temp_tree(&[("m.sql", sql)]);
    let run = dblint_in(dir.path(), &["lint", "m.sql"]);
    assert_eq!(run.code, 2);
    let errors = errors(&run.stderr);
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    assert!(
        errors[0].starts_with("m.sql:2: error: cannot parse `CREATE TABLE b (id int) 'a multi-line string'`: syntax error at or near \"'a"),
        "{}",
        errors[0]
    );
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
}
