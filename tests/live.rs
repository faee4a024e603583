//! `dblint inspect` against a real PostgreSQL: parity with `lint`, read-only
//! behaviour, a constant number of catalog queries, TLS modes, and error messages
//! that never show the password.
//!
//! Needs a server: `eval "$(scripts/pg.sh start)"` sets DBLINT_TEST_DATABASE_URL (and
//! the log and root-certificate paths); `scripts/test.sh` does it for you. Without a
//! server these tests fail: nothing is skipped silently.

mod common;
use common::pg::{
    admin_url, catalog_model, extension_available, fingerprints, fresh_db, load, logged_statements,
    may_lack_postgis, min_server_version, parity_summary as summary, server_major, try_load,
    url_for, PASSWORD,
};
use common::{dblint, root};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Findings of rules that need statistics: SQL cannot produce them.
fn is_live_rule(fingerprint: &str) -> bool {
    rule_matches(fingerprint, |m| m.live_only())
}

/// Migration rules judge statements, which a catalog does not have.
fn is_migration_rule(fingerprint: &str) -> bool {
    rule_matches(fingerprint, |m| m.is_migration())
}

fn rule_matches(fingerprint: &str, pick: fn(&dblint::rules::RuleMeta) -> bool) -> bool {
    let Some((_, id_and_path)) = fingerprint.split_once(' ') else {
        return false;
    };
    dblint::rules::REGISTRY
        .iter()
        .any(|r| pick(r.meta()) && id_and_path.starts_with(&format!("{}:", r.meta().id)))
}

const FLAGS: &[&str] = common::pg::REPORT_FLAGS;

/// The catalog's model and findings against the replayed ones: `Err` with what
/// differs.
fn parity(tag: &str, files: Vec<PathBuf>) -> Result<(), String> {
    let db = fresh_db(tag);
    try_load(&db, &files)?;
    // The models, field by field (not only the findings): a property one source
    // drops fails here.
    let replayed = dblint::source::sql::load(&files).unwrap().database;
    let catalog = catalog_model(&db);
    let mut differences: Vec<String> = dblint::compare::differences(&catalog, &replayed)
        .iter()
        .map(|d| d.to_string())
        .collect();
    differences.extend(common::pg::unread_view_queries(&catalog, "catalog"));
    differences.extend(common::pg::unread_view_queries(&replayed, "replay"));
    if !differences.is_empty() {
        return Err(format!(
            "{tag}: the catalog's model (left) and the replayed one (right) differ:\n{}",
            differences.join("\n")
        ));
    }
    let url = url_for(&db, "");
    let mut inspect_args = vec!["inspect", url.as_str()];
    inspect_args.extend(FLAGS);
    let inspected = dblint(&inspect_args);
    if inspected.code != 0 {
        return Err(format!(
            "{tag}: inspect exited {}: {}",
            inspected.code, inspected.stderr
        ));
    }
    let paths: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    let mut lint_args: Vec<&str> = vec!["lint"];
    lint_args.extend(paths.iter().map(String::as_str));
    lint_args.extend(FLAGS);
    // The whole schema, as inspect sees it: not only what the working tree changed.
    lint_args.push("--all");
    let linted = dblint(&lint_args);
    assert_eq!(linted.code, 0, "{tag}: {}", linted.stderr);
    // Statistics-based rules know what SQL cannot tell; parity is about the rest.
    let all_inspected = fingerprints(&inspected.stdout);
    let a: BTreeSet<String> = all_inspected
        .iter()
        .filter(|f| !is_live_rule(f))
        .cloned()
        .collect();
    let b: BTreeSet<String> = fingerprints(&linted.stdout)
        .into_iter()
        .filter(|f| !is_migration_rule(f))
        .collect();
    if a != b {
        return Err(format!(
            "{tag}: inspect and lint disagree\nonly inspect: {:#?}\nonly lint: {:#?}",
            a.difference(&b).collect::<Vec<_>>(),
            b.difference(&a).collect::<Vec<_>>()
        ));
    }
    // The same model gives the same advice: a fix that differs names something one
    // source spells differently (an unquoted sequence name in a default, say).
    let inspected_fixes = common::pg::fixes(&inspected.stdout);
    let linted_fixes = common::pg::fixes(&linted.stdout);
    // Statements are compared as PostgreSQL's parser reads them (`WHERE (a IS NULL)`
    // from pg_get_expr and `WHERE a IS NULL` from replay are the same statement).
    let canonical = |(fix, help): &(String, String)| {
        let statements: Vec<String> = dblint::source::sql::split::split(fix)
            .statements
            .iter()
            .map(|s| {
                pg_query::parse(&s.sql, 0)
                    .and_then(|p| p.deparse(Default::default()))
                    .unwrap_or_else(|_| s.sql.clone())
            })
            .collect();
        (statements, help.clone())
    };
    let differing: Vec<String> = inspected_fixes
        .iter()
        .filter_map(|(fp, fix)| {
            let other = linted_fixes.get(fp)?;
            (canonical(other) != canonical(fix))
                .then(|| format!("{fp}:\n  inspect: {fix:?}\n  lint:    {other:?}"))
        })
        .collect();
    if !differing.is_empty() {
        return Err(format!(
            "{tag}: inspect and lint give different fixes:\n{}",
            differing.join("\n")
        ));
    }
    if a.len() == all_inspected.len() {
        let score =
            |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap()["score"].clone();
        if score(&inspected.stdout) != score(&linted.stdout) {
            return Err(format!("{tag}: scorecards differ"));
        }
    }
    Ok(())
}

/// Every problem at once (a version of the matrix may show several).
fn assert_no_problems(what: &str, problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "{what} on PostgreSQL {}: {} problems\n{}",
        server_major(),
        problems.len(),
        problems.join("\n\n")
    );
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    dblint::source::sql::input_files(&[dir.to_path_buf()]).unwrap()
}

#[test]
fn inspect_matches_lint_on_every_sample_database() {
    let samples = root().join("sample-dbs");
    let mut problems = Vec::new();
    let mut compared = 0;
    let mut skipped = Vec::new();
    for (tag, dir) in [
        ("benchwarmers", "benchwarmers"),
        ("prodmatic", "prodmatic"),
        ("helpdesk", "helpdesk"),
        ("roofing", "roofing/migrations"),
        ("kin2", "kin2"),
    ] {
        // helpdesk is a GeoDjango project: it needs PostGIS. The version matrix's
        // server builds lack it and say so (DBLINT_TEST_WITHOUT_POSTGIS=1); anywhere
        // else a server without it fails this test.
        if tag == "helpdesk" && !extension_available("postgis") {
            assert!(
                may_lack_postgis(),
                "the test server has no PostGIS, which the helpdesk sample needs (scripts/pg.sh installs it)"
            );
            skipped.push("helpdesk: no PostGIS");
            continue;
        }
        compared += 1;
        if let Err(e) = parity(tag, files_in(&samples.join(dir))) {
            problems.push(e);
        }
    }
    summary(&format!(
        "samples: {compared} compared, {} differ{}",
        problems.len(),
        if skipped.is_empty() {
            String::new()
        } else {
            format!(", skipped ({})", skipped.join(", "))
        }
    ));
    assert_no_problems("sample databases", problems);
}

#[test]
fn inspect_matches_lint_on_every_rule_fixture() {
    let major = server_major();
    let mut problems = Vec::new();
    let mut run = 0;
    let mut skipped = 0;
    for rule in dblint::rules::REGISTRY
        .iter()
        .filter(|r| !r.meta().live_only() && !r.meta().is_migration())
    {
        let id = rule.meta().id;
        for kind in ["fire", "silent"] {
            let file = root()
                .join("tests/fixtures/rules")
                .join(id)
                .join(format!("{kind}.sql"));
            // A fixture using newer syntax says from which version it runs.
            let needs = min_server_version(&std::fs::read_to_string(&file).unwrap());
            if major < needs {
                eprintln!("{id}/{kind}: skipped on PostgreSQL {major} (needs {needs})");
                skipped += 1;
                continue;
            }
            run += 1;
            if let Err(e) = parity(&format!("{}_{kind}", id.replace('-', "_")), vec![file]) {
                problems.push(e);
            }
        }
    }
    assert!(run > 0);
    summary(&format!(
        "rule fixtures: {run} compared, {} differ, {skipped} need a newer server",
        problems.len()
    ));
    assert_no_problems("rule fixtures", problems);
}

/// Unnamed constraints: PostgreSQL names each one after its table, columns and kind,
/// with a number while a constraint of that name exists anywhere in the schema
/// (`ChooseConstraintName`). Replay keeps the names in use beside the model between
/// statements; this sequence drops, renames and re-creates names between them, and
/// within one `ALTER TABLE`, and the catalog must agree name for name.
#[test]
fn unnamed_constraints_are_named_as_postgresql_names_them() {
    let sql = "CREATE SCHEMA app;
CREATE TABLE app.a (id int PRIMARY KEY, x_y int CHECK (x_y > 0), z int, CHECK (x_y < z));
CREATE TABLE app.a_x (y int CHECK (y > 0));
CREATE INDEX a_x_y ON app.a_x (y);
CREATE TABLE app.b (id int PRIMARY KEY, a_id int REFERENCES app.a, other int REFERENCES app.a);
ALTER TABLE app.b ADD FOREIGN KEY (a_id) REFERENCES app.a;
ALTER TABLE app.b ADD FOREIGN KEY (a_id) REFERENCES app.a, ADD UNIQUE (other);
ALTER TABLE app.a ADD CHECK (z > 0), DROP CONSTRAINT a_x_y_check, ADD CHECK (x_y > 1);
ALTER TABLE app.a_x ADD CHECK (y < 10);
ALTER TABLE app.b RENAME CONSTRAINT b_a_id_fkey TO b_renamed;
CREATE TABLE app.b2 (a_id int REFERENCES app.a);
ALTER TABLE app.b ADD FOREIGN KEY (a_id) REFERENCES app.a;
DROP TABLE app.a_x;
CREATE TABLE app.a_x (y int CHECK (y > 0));
CREATE TABLE a (x_y int CHECK (x_y > 0));
COMMENT ON TABLE app.a IS 'kept';
ALTER TABLE app.a_x ADD CHECK (y > 1);
";
    let path = std::env::temp_dir().join(format!("dblint-names-{}.sql", std::process::id()));
    std::fs::write(&path, sql).unwrap();
    let result = parity("constraint_names", vec![path.clone()]);
    std::fs::remove_file(&path).ok();
    assert_no_problems(
        "unnamed constraint names",
        result.err().into_iter().collect(),
    );
}

fn wide_schema(tables: usize) -> PathBuf {
    let mut sql = String::from("CREATE TABLE parent (id bigint PRIMARY KEY, email text UNIQUE);\n");
    for i in 0..tables {
        sql.push_str(&format!(
            "CREATE TABLE t{i} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, parent_id bigint REFERENCES parent ON DELETE CASCADE, name varchar, at timestamp);\nCREATE INDEX t{i}_name ON t{i} (name);\n"
        ));
    }
    let path =
        std::env::temp_dir().join(format!("dblint-wide-{tables}-{}.sql", std::process::id()));
    std::fs::write(&path, sql).unwrap();
    path
}

#[test]
fn inspect_only_reads_and_runs_a_constant_number_of_queries() {
    let mut counts = Vec::new();
    for (n, tables) in [(0, 3), (1, 150)] {
        let db = fresh_db("readonly");
        load(&db, &[wide_schema(tables)]);
        let application = format!("dblint_ro_{}_{n}", std::process::id());
        let url = url_for(&db, &format!("application_name={application}"));
        let run = dblint(&["inspect", &url, "--format", "json", "--fail-on", "none"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(
            fingerprints(&run.stdout)
                .iter()
                .filter(|f| f.contains("fk-missing-index"))
                .count(),
            tables
        );
        let statements = logged_statements(&application);
        assert!(
            !statements.is_empty(),
            "no statements logged for {application}"
        );
        for s in &statements {
            let head = s.trim_start().to_ascii_uppercase();
            assert!(
                common::pg::is_read(s, &[]),
                "inspect ran a statement that is not a read: {s}"
            );
            assert!(
                !head.contains("TEMP"),
                "inspect created a temporary object: {s}"
            );
        }
        assert!(
            statements
                .iter()
                .any(|s| s.to_ascii_uppercase().contains("READ ONLY")),
            "no read-only transaction: {statements:#?}"
        );
        counts.push(
            statements
                .iter()
                .filter(|s| common::pg::is_query(s))
                .count(),
        );
    }
    assert_eq!(
        counts[0], counts[1],
        "catalog queries grew with the schema: {counts:?}"
    );
    assert_eq!(
        counts[0],
        dblint::source::catalog::queries::all(150000).len()
    );
}

/// `--jobs 3`: the columns and indexes queries run on two more sessions that import
/// the main session's snapshot; each session is read-only, reads only, and the report
/// is the one a single session gives, byte for byte.
#[test]
fn inspect_over_three_sessions_reads_one_snapshot() {
    let db = fresh_db("jobs");
    load(&db, &[wide_schema(20)]);
    let mut outputs = Vec::new();
    for jobs in ["1", "3"] {
        let application = format!("dblint_jobs_{}_{jobs}", std::process::id());
        let url = url_for(&db, &format!("application_name={application}"));
        let run = dblint(&[
            "inspect",
            &url,
            "--format",
            "json",
            "--fail-on",
            "none",
            "--jobs",
            jobs,
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        outputs.push(run.stdout);
        let statements = logged_statements(&application);
        let upper: Vec<String> = statements
            .iter()
            .map(|s| s.trim_start().to_ascii_uppercase())
            .collect();
        for s in &upper {
            assert!(
                common::pg::is_read(s, &["SET TRANSACTION SNAPSHOT"]),
                "inspect --jobs {jobs} ran a statement that is not a read: {s}"
            );
        }
        let count = |head: &str| upper.iter().filter(|s| s.starts_with(head)).count();
        let sessions: usize = jobs.parse().unwrap();
        assert_eq!(
            upper.iter().filter(|s| s.contains("READ ONLY")).count(),
            sessions,
            "one read-only transaction per session: {statements:#?}"
        );
        assert_eq!(
            count("SET TRANSACTION SNAPSHOT"),
            sessions - 1,
            "{statements:#?}"
        );
        assert_eq!(
            upper
                .iter()
                .filter(|s| s.contains("PG_EXPORT_SNAPSHOT"))
                .count(),
            usize::from(sessions > 1)
        );
        assert_eq!(
            statements
                .iter()
                .filter(|s| common::pg::is_query(s))
                .count(),
            dblint::source::catalog::queries::all(150000).len() + usize::from(sessions > 1),
            "{statements:#?}"
        );
    }
    assert_eq!(
        outputs[0], outputs[1],
        "--jobs 3 reported another schema than --jobs 1"
    );
}

fn assert_no_password(run: &common::Run) {
    assert!(!run.stdout.contains(PASSWORD), "password in stdout");
    assert!(
        !run.stderr.contains(PASSWORD),
        "password in stderr: {}",
        run.stderr
    );
}

#[test]
fn connection_errors_are_one_line_and_never_show_the_password() {
    let db = fresh_db("errors");
    let wrong = url_for(&db, "").replace(PASSWORD, "not-the-password");
    let cases: Vec<(String, &str)> = vec![
        (
            wrong.clone(),
            "password authentication failed for user \"postgres\"",
        ),
        (
            format!(
                "postgres://postgres:{PASSWORD}@127.0.0.1:1/x?sslmode=disable&connect_timeout=3"
            ),
            "cannot connect to 127.0.0.1:1: connection refused",
        ),
        (
            url_for("dblint_tls_only", "sslmode=disable"),
            "server requires TLS: add sslmode=require",
        ),
        (
            url_for("no_such_database_here", ""),
            "database \"no_such_database_here\" does not exist",
        ),
        (
            url_for(&db, "sslmode=verify-full&sslrootcert=/dev/null"),
            "sslrootcert /dev/null: no certificates in the file",
        ),
        (
            url_for(&db, "sslmode=sometimes"),
            "is not an sslmode: use disable",
        ),
    ];
    for (url, expected) in cases {
        let run = dblint(&["inspect", &url]);
        assert_eq!(run.code, 2, "{url}: {}", run.stderr);
        assert!(
            run.stderr.contains(expected),
            "expected {expected:?}, got {:?}",
            run.stderr
        );
        assert_eq!(run.stderr.trim().lines().count(), 1, "{}", run.stderr);
        assert!(run.stdout.is_empty());
        assert_no_password(&run);
    }
    // A certificate the system store does not trust.
    let run = dblint(&[
        "inspect",
        &url_for(&db, "sslmode=verify-full").replace("127.0.0.1", "localhost"),
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("certificate verification failed for localhost (sslmode=verify-full)"),
        "{}",
        run.stderr
    );
    assert_no_password(&run);
}

#[test]
fn successful_runs_never_show_the_password_either() {
    let db = fresh_db("success");
    load(
        &db,
        &[root().join("tests/fixtures/rules/plaintext-secret/fire.sql")],
    );
    for format in ["human", "json", "markdown"] {
        let run = dblint(&["inspect", &url_for(&db, ""), "--format", format]);
        assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
        assert!(
            run.stdout.contains("postgres@127.0.0.1:"),
            "the source names the target"
        );
        assert_no_password(&run);
    }
}

#[test]
fn tls_modes_behave_like_libpq() {
    let db = fresh_db("tls");
    let root_cert = std::env::var("DBLINT_TEST_PG_ROOT_CERT")
        .expect("DBLINT_TEST_PG_ROOT_CERT (set by scripts/pg.sh)");
    for extra in [
        "sslmode=prefer".to_string(),
        "sslmode=require".to_string(),
        "sslmode=allow".to_string(),
        format!("sslmode=verify-ca&sslrootcert={root_cert}"),
        format!("sslmode=verify-full&sslrootcert={root_cert}"),
    ] {
        let url = url_for(&db, &extra).replace("127.0.0.1", "localhost");
        let run = dblint(&["inspect", &url, "--format", "json", "--allow-empty"]);
        assert_eq!(run.code, 0, "{extra}: {}", run.stderr);
    }
    // TLS-only database: require works where disable is refused.
    let run = dblint(&[
        "inspect",
        &url_for("dblint_tls_only", "sslmode=require"),
        "--format",
        "json",
        "--allow-empty",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn environment_variables_and_schema_filters() {
    let db = fresh_db("env");
    {
        let mut c = postgres::Client::connect(&url_for(&db, ""), postgres::NoTls).unwrap();
        c.batch_execute("CREATE SCHEMA app; CREATE SCHEMA legacy; CREATE TABLE app.a (x int); CREATE TABLE legacy.b (x int);").unwrap();
    }
    let run = dblint(&[
        "inspect",
        &url_for(&db, ""),
        "--format",
        "json",
        "--exclude-schema",
        "legacy",
        "--fail-on",
        "none",
    ]);
    let tables: Vec<String> = serde_json::from_str::<serde_json::Value>(&run.stdout).unwrap()
        ["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["table"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(tables, vec!["app.a"]);

    // No argument: DATABASE_URL, then PG* variables.
    let info = dblint::source::catalog::conninfo::ConnInfo::parse(&admin_url()).unwrap();
    let (host, port) = info.targets().remove(0);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dblint"))
        .args([
            "inspect",
            "--format",
            "json",
            "--schema",
            "app",
            "--fail-on",
            "none",
        ])
        .env_remove("DATABASE_URL")
        .env("PGHOST", host.to_string())
        .env("PGPORT", port.to_string())
        .env("PGUSER", "postgres")
        .env("PGPASSWORD", PASSWORD)
        .env("PGDATABASE", &db)
        .env("PGSSLMODE", "disable")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["tables"][0]["table"], "app.a");

    // A Prisma DATABASE_URL: `schema=` selects the schema, pool settings are noted
    // and ignored, nothing is refused.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dblint"))
        .args(["inspect", "--format", "json", "--fail-on", "none"])
        .env(
            "DATABASE_URL",
            url_for(&db, "schema=legacy&connection_limit=5&pool_timeout=10"),
        )
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let tables: Vec<&str> = doc["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["table"].as_str().unwrap())
        .collect();
    assert_eq!(tables, vec!["legacy.b"]);
    assert!(
        stderr.contains("`connection_limit` is a Prisma setting"),
        "{stderr}"
    );
    assert!(stderr.contains("grading schema legacy"), "{stderr}");
    assert!(!stderr.contains(PASSWORD), "{stderr}");
}

#[test]
fn live_only_rules_fire_and_stay_silent_on_their_fixtures() {
    for rule in dblint::rules::REGISTRY
        .iter()
        .filter(|r| r.meta().live_only())
    {
        let id = rule.meta().id;
        let dir = root().join("tests/fixtures/rules").join(id);
        let config = dir.join("dblint.toml");
        for kind in ["fire", "silent"] {
            let file = dir.join(format!("{kind}.sql"));
            let sql = std::fs::read_to_string(&file).unwrap();
            let expected: BTreeSet<String> = sql
                .lines()
                .filter_map(|l| l.strip_prefix("-- expect: "))
                .map(|f| f.trim().to_string())
                .collect();
            let db = fresh_db(&format!("{}_{kind}", id.replace('-', "_")));
            load(&db, std::slice::from_ref(&file));
            // What other sessions hold while inspect runs: `-- hold: SQL` runs in a
            // transaction left idle, `-- prepare: SQL` in a prepared one; `-- in use:
            // t, u` waits until the statistics show those tables used.
            let directive = |prefix: &str| -> Vec<&str> {
                sql.lines()
                    .filter_map(|l| l.strip_prefix(prefix))
                    .map(str::trim)
                    .collect()
            };
            let in_use: Vec<&str> = directive("-- in use: ")
                .iter()
                .flat_map(|l| l.split(','))
                .map(str::trim)
                .collect();
            if !in_use.is_empty() {
                common::pg::wait_for_use(&db, &in_use);
            }
            let holds = directive("-- hold: ");
            let _idle = (!holds.is_empty()).then(|| common::pg::idle_transaction(&db, &holds));
            let prepares = directive("-- prepare: ");
            let _prepared =
                (!prepares.is_empty()).then(|| common::pg::prepared_transaction(&db, &prepares));
            if !holds.is_empty() || !prepares.is_empty() {
                // Past the fixture's idle_seconds (1).
                std::thread::sleep(std::time::Duration::from_millis(1500));
            }
            let run = dblint(&[
                "inspect",
                &url_for(&db, ""),
                "--format",
                "json",
                "--fail-on",
                "none",
                "--config",
                config.to_str().unwrap(),
            ]);
            assert_eq!(run.code, 0, "{id} {kind}: {}", run.stderr);
            let got: BTreeSet<String> = fingerprints(&run.stdout)
                .into_iter()
                .map(|f| f.split_once(' ').unwrap().1.to_string())
                .collect();
            assert_eq!(got, expected, "{id} {kind}");
        }
    }
}

#[test]
fn a_fresh_database_reports_no_unused_indexes() {
    let db = fresh_db("fresh");
    load(
        &db,
        &[root().join("tests/fixtures/rules/unused-index/fire.sql")],
    );
    let run = dblint(&[
        "inspect",
        &url_for(&db, ""),
        "--format",
        "json",
        "--fail-on",
        "none",
        "--no-config",
    ]);
    assert!(
        !run.stdout.contains("unused-index"),
        "default thresholds must keep a new database quiet"
    );
}

/// An INVALID index (a concurrent build that failed) serves no query: it is
/// `invalid-index`'s finding, and never the twin or the longer index that makes a
/// usable index look duplicate or redundant (the advice would drop the only index
/// that works). Only the catalog knows a build failed, so this is checked live.
#[test]
fn an_invalid_index_makes_no_usable_index_look_duplicate_or_redundant() {
    let db = fresh_db("invalid_twin");
    let mut c = postgres::Client::connect(&url_for(&db, ""), postgres::NoTls).unwrap();
    c.batch_execute(
        "CREATE TABLE accounts (id int PRIMARY KEY, email text, total int);
         INSERT INTO accounts VALUES (1, 'a@example.com', 1), (2, 'a@example.com', 1);
         CREATE INDEX accounts_email_idx ON accounts (email);",
    )
    .unwrap();
    // Each fails on the duplicate rows and leaves an INVALID index behind.
    for sql in [
        "CREATE UNIQUE INDEX CONCURRENTLY accounts_email_key ON accounts (email)",
        "CREATE UNIQUE INDEX CONCURRENTLY accounts_email_total_key ON accounts (email, total)",
    ] {
        assert!(c.batch_execute(sql).is_err(), "{sql} was expected to fail");
    }
    let run = dblint(&[
        "inspect",
        &url_for(&db, ""),
        "--format",
        "json",
        "--fail-on",
        "none",
        "--no-config",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let found: BTreeSet<String> = fingerprints(&run.stdout)
        .into_iter()
        .map(|f| f.split_once(' ').unwrap().1.to_string())
        .collect();
    let expected: BTreeSet<String> = [
        "invalid-index:public.accounts.accounts_email_key",
        "invalid-index:public.accounts.accounts_email_total_key",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    let index_findings: BTreeSet<String> = found
        .into_iter()
        .filter(|f| f.contains("-index:"))
        .collect();
    assert_eq!(index_findings, expected);
}

#[test]
fn findings_on_big_tables_carry_their_size_and_rank_first() {
    let db = fresh_db("weight");
    {
        let mut c = postgres::Client::connect(&url_for(&db, ""), postgres::NoTls).unwrap();
        c.batch_execute(
            "CREATE TABLE parents (id bigint PRIMARY KEY);
             INSERT INTO parents SELECT generate_series(1, 10);
             CREATE TABLE small_children (id bigint PRIMARY KEY, parent_id bigint REFERENCES parents);
             CREATE TABLE big_children (id bigint PRIMARY KEY, parent_id bigint REFERENCES parents);
             INSERT INTO big_children SELECT g, 1 + g % 10 FROM generate_series(1, 20000) g;
             ANALYZE;",
        )
        .unwrap();
    }
    let run = dblint(&[
        "inspect",
        &url_for(&db, ""),
        "--format",
        "json",
        "--fail-on",
        "none",
        "--pack",
        "foreign-keys",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let rows = |table: &str| {
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["table"] == table)
            .and_then(|f| f["table_rows"].as_f64())
            .unwrap_or(-1.0)
    };
    assert!(rows("public.big_children") >= 19_000.0, "{}", run.stdout);
    assert!(rows("public.small_children") < 1.0);
    let human = dblint(&[
        "inspect",
        &url_for(&db, ""),
        "--fail-on",
        "none",
        "--pack",
        "foreign-keys",
    ]);
    assert!(human.stdout.contains("(~20k rows)"), "{}", human.stdout);
    // The recommended fix is the one on the big table.
    let recs = human
        .stdout
        .split("Top recommendations")
        .nth(1)
        .unwrap_or_default()
        .to_string();
    assert!(recs.contains("fk-missing-index"), "{recs}");
}

#[test]
fn every_format_and_baselines_work_for_inspect() {
    let db = fresh_db("formats");
    load(
        &db,
        &[root().join("tests/fixtures/rules/fk-missing-index/fire.sql")],
    );
    let url = url_for(&db, "");
    for format in [
        "human", "json", "markdown", "sarif", "github", "gitlab", "junit",
    ] {
        let run = dblint(&["inspect", &url, "--format", format, "--fail-on", "none"]);
        assert_eq!(run.code, 0, "{format}: {}", run.stderr);
        assert!(!run.stdout.is_empty());
        assert!(!run.stdout.contains(PASSWORD));
    }
    let sarif: serde_json::Value =
        serde_json::from_str(&dblint(&["inspect", &url, "--format", "sarif"]).stdout).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert!(
        result["locations"][0]["physicalLocation"].is_null(),
        "catalog findings have no file"
    );
    assert!(
        result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
            .as_str()
            .unwrap()
            .starts_with("public.")
    );

    let dir = std::env::temp_dir().join(format!("dblint-live-baseline-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let baseline = dir.join("baseline.json");
    let wrote = dblint(&[
        "inspect",
        &url,
        "--write-baseline",
        baseline.to_str().unwrap(),
    ]);
    assert_eq!(wrote.code, 0, "{}", wrote.stderr);
    let gated = dblint(&[
        "inspect",
        &url,
        "--baseline",
        baseline.to_str().unwrap(),
        "--fail-on",
        "info",
    ]);
    assert_eq!(gated.code, 0, "everything is baselined: {}", gated.stdout);
}

/// A CONCURRENTLY fix, sent to PostgreSQL as the whole text of a migration file of its
/// own (one query string, as migration tools send files), runs.
#[test]
fn concurrently_fixes_run_as_a_file_of_their_own() {
    let db = fresh_db("alone");
    let mut client = postgres::Client::connect(&url_for(&db, ""), postgres::NoTls).unwrap();
    client
        .batch_execute("CREATE TABLE orders (id bigint PRIMARY KEY, note text); CREATE INDEX orders_note_idx ON orders (note);")
        .unwrap();
    for fix in [
        dblint::rules::migration::alone(
            "CREATE INDEX CONCURRENTLY orders_id_note_idx ON orders (id, note);".into(),
        ),
        dblint::rules::migration::alone("REINDEX INDEX CONCURRENTLY orders_note_idx;".into()),
        dblint::rules::migration::alone("DROP INDEX CONCURRENTLY orders_note_idx;".into()),
    ] {
        client
            .simple_query(&fix)
            .unwrap_or_else(|e| panic!("{fix}\n{e}"));
    }
}

/// The grade ranks real risk: schemas planted with defects whose risk order is
/// known, live facts included, grade in that order. Hygiene (naive timestamps,
/// camelCase, unbounded varchar) costs less than one real defect; facts that predict
/// an outage or data loss (a sequence near its end, an invalid unique index, an
/// unindexed cascading foreign key on a large table) cost more than anything else.
#[test]
fn the_grade_ranks_real_risk() {
    const BASE: &str = "
        CREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL);
        CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            account_id bigint NOT NULL REFERENCES accounts (id), placed_at timestamptz NOT NULL);
        CREATE INDEX orders_account_idx ON orders (account_id);";
    let hygiene: String = (1..=6)
        .map(|i| {
            format!(
                "CREATE TABLE \"Widget{i}\" (\"id\" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    \"createdAt\" timestamp(3) NOT NULL, \"updatedAt\" timestamp(3) NOT NULL,
                    \"displayName\" varchar NOT NULL, \"colorName\" varchar);"
            )
        })
        .collect();
    let cascade_into_history = "
        CREATE TABLE order_history (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE, note text);
        CREATE INDEX order_history_order_idx ON order_history (order_id);";
    // (name, setup run in one transaction, statements each run alone, expected
    // hazard ceiling), in decreasing order of grade.
    let line_items = "
        INSERT INTO accounts (email) VALUES ('a@example.com');
        INSERT INTO orders (account_id, placed_at) VALUES (1, now());
        CREATE TABLE line_items (id bigint PRIMARY KEY, order_id bigint NOT NULL);
        INSERT INTO line_items SELECT g, 1 FROM generate_series(1, 1200000) g;
        ALTER TABLE line_items ADD FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE;
        ANALYZE line_items;";
    // (name, setup, statements each run alone, statements of a transaction left idle
    // while inspect runs), in decreasing order of grade.
    let orders_in_use = "
        INSERT INTO accounts (email) VALUES ('a@example.com');
        INSERT INTO orders (account_id, placed_at) VALUES (1, now());";
    let cases: Vec<(&str, String, Vec<&str>, Vec<&str>)> = vec![
        ("clean", BASE.to_string(), vec![], vec![]),
        ("hygiene only", format!("{BASE}{hygiene}"), vec![], vec![]),
        (
            "an unindexed foreign key on a small table",
            BASE.replace("CREATE INDEX orders_account_idx ON orders (account_id);", ""),
            vec![],
            vec![],
        ),
        (
            "a cascade into a history table, and hygiene",
            format!("{BASE}{cascade_into_history}{hygiene}"),
            vec![],
            vec![],
        ),
        (
            "an idle transaction holding ROW EXCLUSIVE on a table in use",
            format!("{BASE}{orders_in_use}"),
            vec![],
            vec!["UPDATE orders SET placed_at = now()"],
        ),
        (
            "an unindexed cascading foreign key on 1.2M rows",
            format!("{BASE}{line_items}"),
            vec![],
            vec![],
        ),
        (
            "an invalid unique index",
            format!("{BASE} CREATE TABLE subscribers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, address text NOT NULL);
              INSERT INTO subscribers (address) VALUES ('x'), ('x');"),
            vec!["CREATE UNIQUE INDEX CONCURRENTLY subscribers_address_key ON subscribers (address)"],
            vec![],
        ),
        (
            "a sequence at 93 % of its range",
            format!("{BASE} CREATE TABLE tickets (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY);
              SELECT setval(pg_get_serial_sequence('tickets', 'id'), 2000000000);"),
            vec![],
            vec![],
        ),
        (
            "an idle transaction holding SHARE on a table in use",
            format!("{BASE}{orders_in_use}"),
            vec![],
            vec!["LOCK TABLE orders IN SHARE MODE"],
        ),
    ];
    // Locks count once held a second (the rule's default is a minute).
    let config = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        config.path(),
        "[rules.lock-held-by-idle-transaction]\nidle_seconds = 1\n",
    )
    .unwrap();
    let mut graded: Vec<(&str, u64, String)> = Vec::new();
    for (name, setup, alone, idle) in &cases {
        let db = fresh_db("risk");
        let mut c = postgres::Client::connect(&url_for(&db, ""), postgres::NoTls).unwrap();
        c.batch_execute(setup).unwrap();
        for statement in alone {
            // A failed concurrent build leaves the index behind, invalid.
            assert!(c.batch_execute(statement).is_err(), "{name}: {statement}");
        }
        if name.contains("invalid unique index") {
            // What the finding claims, on this server: a duplicate gets in, and ON
            // CONFLICT finds no arbiter.
            c.batch_execute("INSERT INTO subscribers (address) VALUES ('y'), ('y')")
                .expect("duplicates are accepted past an invalid unique index");
            let upsert = c.batch_execute(
                "INSERT INTO subscribers (address) VALUES ('z') ON CONFLICT (address) DO NOTHING",
            );
            assert!(
                upsert.is_err_and(
                    |e| e.to_string().contains("no unique or exclusion constraint")
                        || format!("{e:?}").contains("no unique or exclusion constraint")
                ),
                "ON CONFLICT used an invalid index"
            );
        }
        let _idle = (!idle.is_empty()).then(|| {
            drop(c);
            common::pg::wait_for_use(&db, &["orders"]);
            let held = common::pg::idle_transaction(&db, idle);
            std::thread::sleep(std::time::Duration::from_millis(1500));
            held
        });
        let run = dblint(&[
            "inspect",
            &url_for(&db, ""),
            "--format",
            "json",
            "--fail-on",
            "none",
            "--config",
            config.path().to_str().unwrap(),
        ]);
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let score = doc["score"]["overall"].as_u64().unwrap();
        let held = doc["score"]["held_by"]["fingerprint"]
            .as_str()
            .unwrap_or("")
            .to_string();
        graded.push((name, score, held));
    }
    let table: Vec<String> = graded
        .iter()
        .map(|(n, s, h)| format!("{s:>3}  {n}  {h}"))
        .collect();
    eprintln!("{}", table.join("\n"));
    assert_eq!(
        graded[0].1,
        100,
        "a clean schema scores 100:\n{}",
        table.join("\n")
    );
    for pair in graded.windows(2) {
        assert!(
            pair[0].1 > pair[1].1,
            "`{}` ({}) must grade above `{}` ({}):\n{}",
            pair[0].0,
            pair[0].1,
            pair[1].0,
            pair[1].1,
            table.join("\n")
        );
    }
    // The live facts are what hold those grades down.
    for (case, held) in [
        (4, "lock-held-by-idle-transaction:public.orders"),
        (5, "fk-missing-index:public.line_items"),
        (6, "invalid-index:public.subscribers"),
        (7, "sequence-exhaustion:public.tickets"),
        (8, "lock-held-by-idle-transaction:public.orders"),
    ] {
        assert!(graded[case].2.starts_with(held), "{}", table.join("\n"));
    }
}

/// What `lock-held-by-idle-transaction` says, checked on the server while the locks
/// are held: SHARE stops writes and not reads; behind a weaker lock the next schema
/// change waits and queries queue behind it. Its fixes, run as printed, end the
/// holders, and the waiting change then completes. A role that may not see other
/// roles' sessions is told what was not judged.
#[test]
fn locks_held_by_idle_transactions_do_what_the_finding_says() {
    use postgres::error::SqlState;
    let dir = root().join("tests/fixtures/rules/lock-held-by-idle-transaction");
    let config = dir.join("dblint.toml");
    let db = fresh_db("idle_locks");
    load(&db, &[dir.join("fire.sql")]);
    common::pg::wait_for_use(&db, &["orders", "ledger", "invoices"]);
    let idle = common::pg::idle_transaction(
        &db,
        &[
            "LOCK TABLE orders IN SHARE MODE",
            "INSERT INTO ledger VALUES (2)",
        ],
    );
    let _prepared = common::pg::prepared_transaction(&db, &["INSERT INTO invoices VALUES (2)"]);
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let inspect = |url: &str| {
        let run = dblint(&[
            "inspect",
            url,
            "--format",
            "json",
            "--fail-on",
            "none",
            "--config",
            config.to_str().unwrap(),
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        run
    };

    // A role without pg_read_all_stats sees the prepared transaction (visible to
    // all), not the superuser's idle session: that one is named as not judged.
    let restricted = inspect(&common::pg::login_role(&db, "dblint_idle_watcher"));
    let mut admin = postgres::Client::connect(&url_for(&db, ""), postgres::NoTls).unwrap();
    assert_eq!(
        fingerprints(&restricted.stdout),
        BTreeSet::from(["error lock-held-by-idle-transaction:public.invoices".to_string()]),
        "{}",
        restricted.stderr
    );
    assert!(
        restricted
            .stderr
            .contains("1 session(s) of other roles hold table locks")
            && restricted.stderr.contains("pg_read_all_stats"),
        "{}",
        restricted.stderr
    );

    let run = inspect(&url_for(&db, ""));
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    // (The grade with every pack is checked by the_grade_ranks_real_risk.)
    assert!(
        doc["score"]["overall"].as_u64().unwrap() <= 45,
        "{}",
        run.stdout
    );
    let fixes = common::pg::fixes(&run.stdout);
    let message = |table: &str| -> String {
        common::pg::findings(&run.stdout)
            .iter()
            .find(|f| f["fingerprint"] == format!("lock-held-by-idle-transaction:public.{table}"))
            .map(|f| f["message"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("no finding on {table}: {}", run.stdout))
    };
    assert!(message("orders").contains(&format!("session {}", idle.pid)));
    assert!(message("orders").contains("holding SHARE on public.orders"));
    assert!(message("orders").contains("every INSERT, UPDATE and DELETE on it waits"));
    assert!(message("ledger").contains("holding ROW EXCLUSIVE on public.ledger"));
    assert!(message("ledger").contains("every query on it queues behind that change"));
    assert!(message("invoices").contains("prepared transaction"));

    // SHARE: writes wait, reads continue.
    let mut probe = postgres::Client::connect(&url_for(&db, ""), postgres::NoTls).unwrap();
    probe.batch_execute("SET lock_timeout = '200ms'").unwrap();
    let insert = probe.batch_execute("INSERT INTO orders VALUES (5, 1)");
    assert_eq!(
        insert.as_ref().err().and_then(|e| e.code()),
        Some(&SqlState::LOCK_NOT_AVAILABLE),
        "{insert:?}"
    );
    probe.batch_execute("SELECT count(*) FROM orders").unwrap();
    // ROW EXCLUSIVE: a schema change waits for the idle transaction, and a plain
    // read queues behind the waiting change.
    let url = url_for(&db, "");
    let change = std::thread::spawn(move || {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        c.batch_execute("SET lock_timeout = '60s'; ALTER TABLE ledger ADD COLUMN note text")
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let waiting: i64 = admin
            .query_one(
                "SELECT count(*) FROM pg_locks WHERE relation = 'ledger'::regclass AND NOT granted",
                &[],
            )
            .unwrap()
            .get(0);
        if waiting > 0 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "ALTER TABLE never waited"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let read = probe.batch_execute("SELECT count(*) FROM ledger");
    assert_eq!(
        read.as_ref().err().and_then(|e| e.code()),
        Some(&SqlState::LOCK_NOT_AVAILABLE),
        "{read:?}"
    );

    // The fixes, as printed, end both holders; the change then completes.
    for table in ["orders", "ledger", "invoices"] {
        let (fix, _) = &fixes[&format!("lock-held-by-idle-transaction:public.{table}")];
        admin
            .batch_execute(fix)
            .unwrap_or_else(|e| panic!("{fix}: {e}"));
    }
    change
        .join()
        .unwrap()
        .expect("the schema change completes once the idle transaction is gone");
    probe
        .batch_execute("INSERT INTO orders VALUES (5, 1)")
        .unwrap();
    let after = inspect(&url_for(&db, ""));
    assert!(fingerprints(&after.stdout).is_empty(), "{}", after.stdout);
}
