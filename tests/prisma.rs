//! A `schema.prisma` is read into the model Prisma Migrate creates from it.
//!
//! Each folder of `tests/fixtures/prisma/` holds a `schema.prisma` and `expected.sql`,
//! the SQL Prisma's own schema engine writes for it (`tools/prisma-oracle`, regenerated
//! and compared by `scripts/prisma-oracle.sh`, which the test command runs). Here,
//! without Node: the model read from the schema equals the model replayed from
//! Prisma's SQL, fact by fact, and every rule finds the same on both.

mod common;

use common::{dblint_in, temp_tree};
use dblint::compare;
use dblint::engine;
use dblint::source::{prisma, sql, DiagnosticLevel};
use std::path::{Path, PathBuf};

/// Folders below `root` that hold an `expected.sql`, sorted.
fn case_dirs(root: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(root).unwrap() {
        let path = entry.unwrap().path();
        if path.join("expected.sql").is_file() {
            out.push(path);
        } else if path.is_dir() {
            case_dirs(&path, out);
        }
    }
}

/// The fixtures (probes, samples, rule fixtures), and the cases
/// `scripts/prisma-oracle.sh` writes for the corpus's public schemas into a temporary
/// folder (`DBLINT_PRISMA_CASES`).
fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/prisma");
    let mut dirs = Vec::new();
    case_dirs(&root, &mut dirs);
    assert!(dirs.len() >= 5, "the Prisma fixtures are missing");
    if let Some(extra) = std::env::var_os("DBLINT_PRISMA_CASES") {
        let before = dirs.len();
        case_dirs(Path::new(&extra), &mut dirs);
        assert!(dirs.len() > before, "no Prisma cases in {extra:?}");
    }
    dirs.sort();
    dirs
}

/// A case's name: its folder below the fixtures (or the extra cases' folder).
fn case_name(dir: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/prisma");
    dir.strip_prefix(&root)
        .unwrap_or_else(|_| Path::new(dir.file_name().unwrap()))
        .display()
        .to_string()
}

/// Rule id and object path of every finding, with its message.
fn findings(db: &dblint::model::Database) -> Vec<String> {
    let plan = engine::plan(&dblint::settings::Settings::default()).unwrap();
    let mut all = engine::run(db, &plan);
    engine::settle(&mut all);
    let mut out: Vec<String> = all
        .iter()
        .map(|f| format!("{} {}", f.fingerprint(), f.message))
        .collect();
    out.sort();
    out
}

/// The lines of a SQL script that are not blank or comments, sorted.
fn statement_lines(sql: &str) -> Vec<String> {
    let mut lines: Vec<String> = sql
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with("--"))
        .map(str::to_string)
        .collect();
    lines.sort();
    lines
}

#[test]
fn every_schema_reads_as_prisma_migrate_creates_it() {
    let mut failures = Vec::new();
    for dir in cases() {
        let name = case_name(&dir);
        let schema = if dir.join("schema.prisma").is_file() {
            dir.join("schema.prisma")
        } else {
            dir.join("schema")
        };
        // The lowering writes Prisma's own statements (in its own order).
        let expected = std::fs::read_to_string(dir.join("expected.sql")).unwrap();
        let files = prisma::input_files(std::slice::from_ref(&schema)).unwrap();
        let asts: Vec<_> = files
            .iter()
            .enumerate()
            .map(|(i, f)| prisma::parse::parse(i, &std::fs::read_to_string(f).unwrap()).0)
            .collect();
        let written = prisma::lower::lower(&asts).sql;
        let (want, got) = (statement_lines(&expected), statement_lines(&written));
        for line in want.iter().filter(|l| !got.contains(l)) {
            failures.push(format!("{name}: Prisma writes, dblint does not: {line}"));
        }
        for line in got.iter().filter(|l| !want.contains(l)) {
            failures.push(format!("{name}: dblint writes, Prisma does not: {line}"));
        }
        let from_psl = prisma::load(std::slice::from_ref(&schema)).unwrap();
        let problems: Vec<String> = from_psl.diagnostics.iter().map(|d| d.to_string()).collect();
        assert!(problems.is_empty(), "{name}: {problems:#?}");
        let from_sql = sql::load(&[dir.join("expected.sql")]).unwrap();
        let sql_problems: Vec<String> = from_sql
            .diagnostics
            .iter()
            .filter(|d| d.level == DiagnosticLevel::Error || d.message.starts_with("cannot"))
            .map(|d| d.to_string())
            .collect();
        assert!(sql_problems.is_empty(), "{name}: {sql_problems:#?}");
        assert!(
            !from_sql.database.tables.is_empty(),
            "{name}: Prisma's SQL creates no table"
        );
        for d in compare::differences(&from_sql.database, &from_psl.database) {
            failures.push(format!("{name}: {d:?}"));
        }
        let (a, b) = (findings(&from_sql.database), findings(&from_psl.database));
        for f in a.iter().filter(|f| !b.contains(f)) {
            failures.push(format!("{name}: only from Prisma's SQL: {f}"));
        }
        for f in b.iter().filter(|f| !a.contains(f)) {
            failures.push(format!("{name}: only from schema.prisma: {f}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn findings_point_at_the_prisma_source() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/prisma/probe5");
    let file = dir.join("schema.prisma");
    let loaded = prisma::load(std::slice::from_ref(&file)).unwrap();
    let table = loaded
        .database
        .tables
        .values()
        .find(|t| t.name.name == "Child")
        .unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    // The column is located at its field, the foreign key at its @relation.
    let column = table.column("ownerId").unwrap().location.clone().unwrap();
    let line = text.lines().nth(column.line as usize - 1).unwrap();
    assert!(
        line[column.column as usize - 1..].starts_with("ownerId Int"),
        "{line}"
    );
    let fk = table.foreign_keys[0].location.clone().unwrap();
    let line = text.lines().nth(fk.line as usize - 1).unwrap();
    assert!(
        line[fk.column as usize - 1..].starts_with("@relation("),
        "{line}"
    );
    assert!(fk.file.ends_with("schema.prisma"));
}

#[test]
fn syntax_errors_name_file_line_and_column_and_reading_goes_on() {
    let text = "datasource db {\n  provider = \"postgresql\"\n}\nmodel A {\n  id Int @id\n  ? broken\n  b String @default(\"x\\q\")\n}\nmodel B {\n  id Int @id\n}\n";
    let loaded = prisma::load_texts(&[(PathBuf::from("s.prisma"), text.to_string())]);
    let errors: Vec<String> = loaded.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        errors,
        [
            "s.prisma:6:3: error: expected a field name",
            "s.prisma:7:21: error: unknown escape `\\q` in string"
        ]
    );
    assert_eq!(loaded.database.tables.len(), 2);
}

#[test]
fn every_rule_fixture_in_prisma_fires_or_stays_silent() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/prisma/rules");
    let mut rules: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    rules.sort();
    assert!(
        rules.len() >= 15,
        "few Prisma rule fixtures: {}",
        rules.len()
    );
    let mut failures = Vec::new();
    // Every finding with where it points, for the snapshot.
    let mut listing = String::new();
    for dir in rules {
        let rule = dir.file_name().unwrap().to_string_lossy().to_string();
        assert!(
            dblint::rules::REGISTRY.iter().any(|r| r.meta().id == rule),
            "{rule}: no such rule"
        );
        let settings = dblint::settings::Settings {
            packs: Some(Vec::new()),
            enable: vec![rule.clone()],
            ..dblint::settings::Settings::default()
        };
        let plan = engine::plan(&settings).unwrap();
        for (case, should_fire) in [("fire", true), ("silent", false)] {
            let schema = dir.join(case).join("schema.prisma");
            let loaded = prisma::load(std::slice::from_ref(&schema)).unwrap();
            let found = engine::run(&loaded.database, &plan);
            if should_fire && found.is_empty() {
                failures.push(format!("{rule}: fire/schema.prisma: no finding"));
            }
            if !should_fire && !found.is_empty() {
                failures.push(format!(
                    "{rule}: silent/schema.prisma: {:?}",
                    found.iter().map(|f| f.fingerprint()).collect::<Vec<_>>()
                ));
            }
            // Every finding points into the schema file, at a line and column.
            for f in &found {
                let at = f
                    .location
                    .as_ref()
                    .map(|l| format!("{}:{}", l.line, l.column));
                listing.push_str(&format!(
                    "{rule}/{case}: {} at {}\n",
                    f.fingerprint(),
                    at.unwrap_or_default()
                ));
                let at = f.location.as_ref();
                if !at.is_some_and(|l| l.file.ends_with("schema.prisma") && l.column > 0) {
                    failures.push(format!(
                        "{rule}: {case}: {} is located at {at:?}",
                        f.fingerprint()
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    insta::assert_snapshot!("prisma_rule_findings", listing);
}

const SCHEMA: &str = "datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}\n\nmodel users {\n  id    Int     @id @default(autoincrement())\n  posts posts[]\n}\n\nmodel posts {\n  id      Int   @id\n  user_id Int\n  user    users @relation(fields: [user_id], references: [id])\n}\n";

#[test]
fn a_prisma_file_or_folder_is_read_as_prisma_and_a_project_with_migrations_from_them() {
    let dir = temp_tree(&[("prisma/schema.prisma", SCHEMA)]);
    for input in ["prisma/schema.prisma", "prisma"] {
        let run = dblint_in(dir.path(), &["lint", input, "--format", "github"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        // The unindexed foreign key, at the @relation attribute (line 14, column 17).
        assert!(
            run.stdout
                .contains("file=prisma/schema.prisma,line=14,col=17,title=dblint fk-missing-index"),
            "{}",
            run.stdout
        );
    }
    let dir = temp_tree(&[
        ("prisma/schema.prisma", SCHEMA),
        (
            "prisma/migrations/20240101000000_init/migration.sql",
            "CREATE TABLE users (id serial PRIMARY KEY);\n",
        ),
    ]);
    let run = dblint_in(dir.path(), &["lint", "prisma", "--all"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("1 file replayed"), "{}", run.stdout);
    assert!(
        run.stderr.contains(
            "prisma/schema.prisma is not read: a project with migrations is graded from them"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_prisma_input_is_one_line_and_exit_2() {
    let dir = temp_tree(&[
        (
            "broken.prisma",
            "model A {\n  id Int @id\n  name String @default(\"unterminated)\n}\n",
        ),
        ("schema.sql", "CREATE TABLE t (id int PRIMARY KEY);\n"),
    ]);
    let run = dblint_in(dir.path(), &["lint", "broken.prisma", "--format", "json"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr.trim(),
        "broken.prisma:3:24: error: unterminated string"
    );
    let run = dblint_in(dir.path(), &["lint", "broken.prisma", "schema.sql"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("lint them in separate runs"),
        "{}",
        run.stderr
    );
}

/// Every finding that has a fix has it in Prisma's terms, and where that is an edit of
/// the schema, the edited schema reads cleanly and the finding is gone: on each rule's
/// fixture with that rule alone, and on the Prisma samples and cases with every rule.
/// With `DBLINT_PRISMA_FIXED_DIR` set, the edited schemas are written there
/// (`scripts/prisma-oracle.sh` then has Prisma's engine accept each and checks that
/// dblint reads it as Prisma Migrate creates it).
#[test]
fn prisma_fixes_edit_the_schema_and_remove_their_finding() {
    use dblint::source::prisma::fixes::{apply, Schema};
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::env::var_os("DBLINT_PRISMA_FIXED_DIR").map(PathBuf::from);
    let listed = |dir: &Path| -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        v.sort();
        v
    };
    // (name, schema file, the one rule to run or the default rules)
    let mut inputs: Vec<(String, PathBuf, Option<String>)> = Vec::new();
    for dir in listed(&manifest.join("tests/fixtures/prisma/rules")) {
        let rule = dir.file_name().unwrap().to_string_lossy().to_string();
        inputs.push((rule.clone(), dir.join("fire/schema.prisma"), Some(rule)));
    }
    for parent in ["sample-dbs", "tests/fixtures/prisma/cases"] {
        for dir in listed(&manifest.join(parent)) {
            let file = dir.join("schema.prisma");
            if file.is_file() {
                let name = dir.file_name().unwrap().to_string_lossy().to_string();
                inputs.push((format!("all-{name}"), file, None));
            }
        }
    }
    let mut failures = Vec::new();
    let mut edited = 0;
    // Rules whose every fix on the fixture is an edit of schema.prisma (Prisma can
    // declare it): steps to a hand-written migration would be a regression.
    let all_edits = [
        "fk-missing-index",
        "fk-type-mismatch",
        "missing-fk",
        "table-without-pk",
        "tenant-unscoped-unique",
        "unbounded-varchar",
        "json-not-jsonb",
        "timestamp-without-tz",
    ];
    for (name, file, rule) in inputs {
        let settings = match &rule {
            Some(rule) => dblint::settings::Settings {
                packs: Some(Vec::new()),
                enable: vec![rule.clone()],
                ..dblint::settings::Settings::default()
            },
            None => dblint::settings::Settings::default(),
        };
        let plan = engine::plan(&settings).unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        let loaded = prisma::load(std::slice::from_ref(&file)).unwrap();
        if !loaded.diagnostics.is_empty() {
            continue;
        }
        let mut found = engine::run(&loaded.database, &plan);
        engine::review_fixes(&loaded.database, &plan, 15, &mut found);
        let major = loaded.stats.prisma.as_ref().unwrap().major;
        let schema = Schema::read(vec![(file.clone(), text.clone())], major);
        for (n, f) in found.iter().enumerate() {
            let Some(fix) = schema.fix(f) else {
                if f.fix.is_some() {
                    failures.push(format!(
                        "{name}: {} has a SQL fix and no Prisma one",
                        f.fingerprint()
                    ));
                }
                continue;
            };
            if fix.edits.is_empty() {
                if rule.is_some() && all_edits.contains(&f.rule) {
                    failures.push(format!(
                        "{name}: {} has no schema.prisma edit:\n{}",
                        f.fingerprint(),
                        fix.text
                    ));
                }
                continue;
            }
            edited += 1;
            let new_text = apply(&text, &fix.edits.iter().collect::<Vec<_>>());
            let again = prisma::load_texts(&[(file.clone(), new_text.clone())]);
            if !again.diagnostics.is_empty() {
                failures.push(format!(
                    "{name}: the fix of {} leaves {:?}",
                    f.fingerprint(),
                    again
                        .diagnostics
                        .iter()
                        .map(|d| d.to_string())
                        .collect::<Vec<_>>()
                ));
            }
            let after = engine::run(&again.database, &plan);
            if after.iter().any(|g| g.fingerprint() == f.fingerprint()) {
                failures.push(format!(
                    "{name}: the fix of {} does not remove it:\n{}",
                    f.fingerprint(),
                    fix.text
                ));
            }
            if let Some(out) = &out {
                let case = out.join(format!("{name}-{n}"));
                std::fs::create_dir_all(&case).unwrap();
                std::fs::write(case.join("schema.prisma"), &new_text).unwrap();
            }
        }
    }
    assert!(edited >= 100, "only {edited} fixes edit a schema");
    assert!(failures.is_empty(), "{failures:#?}");
}

/// What Prisma decides and schema.prisma cannot change is said so: a finding on an
/// implicit many-to-many table points at making the relation explicit, not at SQL
/// the next `prisma migrate dev` would undo.
#[test]
fn findings_on_prismas_own_join_tables_say_how_to_take_them_over() {
    let run = common::dblint(&[
        "lint",
        "sample-dbs/prodmatic/schema.prisma",
        "--all",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let on_join_table: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["table"] == "public._ProductToTeam")
        .collect();
    assert!(!on_join_table.is_empty());
    for f in on_join_table {
        let fix = f["prisma_fix"].as_str().unwrap_or_default();
        assert!(
            fix.contains("implicit many-to-many relation between Product and Team")
                && fix.contains("explicit many-to-many relation"),
            "{f}"
        );
    }
}

/// Before Prisma 6 an implicit many-to-many table had a unique index where it has a
/// primary key now. The version comes from `prisma_version` or the project's
/// package.json; prodmatic's schema.sql is Prisma 5's form, statement for statement.
#[test]
fn prisma_5_projects_get_prisma_5_join_tables() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema = std::fs::read_to_string(root.join("sample-dbs/prodmatic/schema.prisma")).unwrap();
    let dir = temp_tree(&[
        ("app/prisma/schema.prisma", &schema),
        (
            "app/package.json",
            "{\"devDependencies\": {\"prisma\": \"^5.22.0\"}}",
        ),
    ]);
    let file = dir.path().join("app/prisma/schema.prisma");
    assert_eq!(prisma::project_major(&file), Some(5));
    let from_psl = prisma::load(std::slice::from_ref(&file)).unwrap();
    let from_sql = sql::load(&[root.join("sample-dbs/prodmatic/schema.sql")]).unwrap();
    let differences = compare::differences(&from_sql.database, &from_psl.database);
    assert!(differences.is_empty(), "{differences:#?}");
    // Stated in dblint.toml, it wins over package.json.
    std::fs::write(dir.path().join("app/dblint.toml"), "prisma_version = 6\n").unwrap();
    let run = dblint_in(
        &dir.path().join("app"),
        &["lint", "prisma/schema.prisma", "--all"],
    );
    assert!(
        run.stdout.contains("as Prisma 6 Migrate creates them"),
        "{}",
        run.stdout
    );
    let from_6 = prisma::load_as(std::slice::from_ref(&file), Some(6)).unwrap();
    assert!(from_6
        .database
        .tables
        .values()
        .any(|t| t.name.name == "_ProductToTeam" && t.primary_key.is_some()));
}

/// `// dblint-ignore rule -- reason` in a Prisma schema silences the rule for the
/// model, field or attribute on its line or just below it, as `-- dblint-ignore` does
/// for a SQL statement; an unknown rule is an error, an unused ignore a warning.
#[test]
fn dblint_ignore_comments_work_in_prisma_schemas() {
    let schema = SCHEMA.replace(
        "  user    users @relation",
        "  // dblint-ignore fk-missing-index -- posts are few and never deleted by user\n  user    users @relation",
    );
    let dir = temp_tree(&[("schema.prisma", &schema)]);
    let run = dblint_in(dir.path(), &["lint", "schema.prisma", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !run.stdout.contains("\"fk-missing-index\""),
        "{}",
        run.stdout
    );
    assert!(!run.stderr.contains("unused-ignore"), "{}", run.stderr);

    // Above the model: the whole model, as above a CREATE TABLE.
    let schema = SCHEMA.replace(
        "model posts {",
        "// dblint-ignore fk-missing-index\nmodel posts {",
    );
    let dir = temp_tree(&[("schema.prisma", &schema)]);
    let run = dblint_in(dir.path(), &["lint", "schema.prisma", "--format", "json"]);
    assert!(
        !run.stdout.contains("\"fk-missing-index\""),
        "{}",
        run.stdout
    );
    assert!(!run.stderr.contains("unused-ignore"), "{}", run.stderr);

    // On the field's own line, after it.
    let schema = SCHEMA.replace(
        "  user_id Int\n",
        "  user_id Int // dblint-ignore missing-fk, timestamp-without-tz\n",
    );
    let dir = temp_tree(&[("schema.prisma", &schema)]);
    let run = dblint_in(dir.path(), &["lint", "schema.prisma", "--all"]);
    assert!(
        run.stderr.contains("schema.prisma:13: warning: unused-ignore: `dblint-ignore missing-fk, timestamp-without-tz` suppressed nothing"),
        "{}",
        run.stderr
    );

    let schema = SCHEMA.replace(
        "  user_id Int\n",
        "  // dblint-ignore no-such-rule\n  user_id Int\n",
    );
    let dir = temp_tree(&[("schema.prisma", &schema)]);
    let run = dblint_in(dir.path(), &["lint", "schema.prisma"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("schema.prisma:13: unknown rule `no-such-rule`"),
        "{}",
        run.stderr
    );
}

/// A folder's `*.prisma` files are one schema (Prisma's multi-file schema), unless
/// several declare a datasource: then they are several schemas, and the folder's
/// schema.prisma is read (a stray `old/schema.prisma` copy is left out, and said so).
/// A typo in an attribute or a referential action is an error, as Prisma makes it one.
#[test]
fn folders_resolve_as_prisma_does_and_typos_are_errors() {
    let dir = temp_tree(&[
        ("prisma/schema.prisma", SCHEMA),
        ("prisma/old/schema.prisma", SCHEMA),
    ]);
    let run = dblint_in(dir.path(), &["lint", "prisma"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("prisma/old/schema.prisma is left out: it declares a datasource of its own"),
        "{}",
        run.stderr
    );
    let dir = temp_tree(&[
        ("prisma/schema/users.prisma", "datasource db {\n  provider = \"postgresql\"\n}\nmodel users {\n  id Int @id\n  posts posts[]\n}\n"),
        ("prisma/schema/posts.prisma", "model posts {\n  id Int @id\n  user_id Int\n  user users @relation(fields: [user_id], references: [id])\n}\n"),
    ]);
    let run = dblint_in(dir.path(), &["lint", "prisma"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("2 Prisma schema files read: 2 models"),
        "{}",
        run.stdout
    );

    for (typo, message) in [
        (
            "  user_id Int @uniqe\n",
            "schema.prisma:13:15: error: unknown field attribute `@uniqe`",
        ),
        (
            "  user_id Int\n  @@indx([user_id])\n",
            "schema.prisma:14:3: error: unknown block attribute `@@indx`",
        ),
    ] {
        let schema = SCHEMA.replace("  user_id Int\n", typo);
        let dir = temp_tree(&[("schema.prisma", &schema)]);
        let run = dblint_in(dir.path(), &["lint", "schema.prisma", "--format", "json"]);
        assert_eq!(run.code, 2, "{typo}");
        assert!(run.stderr.starts_with(message), "{}", run.stderr);
    }
    let schema = SCHEMA.replace("references: [id])", "references: [id], onDelete: Cascde)");
    let dir = temp_tree(&[("schema.prisma", &schema)]);
    let run = dblint_in(dir.path(), &["lint", "schema.prisma", "--format", "json"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("onDelete: Cascde is not a referential action"),
        "{}",
        run.stderr
    );
}
