//! Migration review speaks about what is about to be deployed: inside git, only the
//! migrations added or changed against the base (the CI's base branch, else the
//! upstream default branch, or `--since`); outside git, everything, with a note.
//! Schema rules always grade the whole replayed schema. Files named together are one
//! deployment; a folder that replays out of order gets one line, and `dblint.order`
//! fixes it.

mod common;

use common::temp_tree;
use std::path::Path;
use std::process::Command;

const BASE: &str = "CREATE TABLE accounts (id bigint PRIMARY KEY, note text);\n\
CREATE TABLE orders (id bigint PRIMARY KEY, account_id bigint REFERENCES accounts (id));\n\
CREATE INDEX orders_account_idx ON orders (account_id);\n";

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Run dblint in `dir` with `env`, never seeing a repository above the temp dir.
fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Out {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dblint"));
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("GIT_CEILING_DIRECTORIES", dir.parent().unwrap())
        .env_remove("GITHUB_BASE_REF")
        .env_remove("CI_MERGE_REQUEST_DIFF_BASE_SHA")
        .env_remove("CI_MERGE_REQUEST_TARGET_BRANCH_NAME")
        .env_remove("DBLINT_CONFIG");
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().unwrap();
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.email=t@example.com", "-c", "user.name=t"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CEILING_DIRECTORIES", dir.parent().unwrap())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Migration findings: `rule@file`.
fn migration_findings(json: &str) -> Vec<String> {
    let doc: serde_json::Value =
        serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    let mut out: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["category"] == "Migration safety")
        .map(|f| {
            let file = f["location"]["file"].as_str().unwrap_or("");
            let file = Path::new(file)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            format!("{}@{file}", f["rule"].as_str().unwrap())
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

fn schema_findings(json: &str) -> usize {
    let doc: serde_json::Value = serde_json::from_str(json).unwrap();
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["category"] != "Migration safety")
        .count()
}

/// A repository: main with two migrations, `feature` adding a third.
fn repository() -> tempfile::TempDir {
    let dir = temp_tree(&[
        ("m/001_base.sql", BASE),
        (
            "m/002_old.sql",
            "CREATE INDEX accounts_note_idx ON accounts (note);\n",
        ),
    ]);
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "base"]);
    git(dir.path(), &["checkout", "-q", "-b", "feature"]);
    std::fs::write(
        dir.path().join("m/003_new.sql"),
        "ALTER TABLE orders DROP COLUMN account_id;\n",
    )
    .unwrap();
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "new migration"]);
    dir
}

/// JSON report; `lock-timeout-missing` would add a finding to every file and say
/// nothing more about which files were reviewed.
const JSON: &[&str] = &[
    "lint",
    "m",
    "--format",
    "json",
    "--fail-on",
    "none",
    "--disable",
    "lock-timeout-missing",
];

#[test]
fn a_pending_migration_is_reviewed_and_history_is_not() {
    let dir = repository();
    let out = run(dir.path(), JSON, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        migration_findings(&out.stdout),
        vec!["destructive-change@003_new.sql"]
    );
    // The whole schema is still graded.
    let all = run(dir.path(), &[JSON, &["--all-migrations"]].concat(), &[]);
    assert_eq!(schema_findings(&out.stdout), schema_findings(&all.stdout));
    assert!(migration_findings(&all.stdout)
        .contains(&"create-index-not-concurrently@002_old.sql".to_string()));
    // The header says what was reviewed and why.
    let human = run(dir.path(), &["lint", "m", "--fail-on", "none"], &[]);
    assert!(
        human.stdout.contains(
            "Migration review: 1 of 3 files pending (changed since main, the default branch)"
        ),
        "{}",
        human.stdout
    );
    // Uncommitted and untracked files are pending too.
    std::fs::write(
        dir.path().join("m/004_wip.sql"),
        "CREATE INDEX orders_id_idx ON orders (id);\n",
    )
    .unwrap();
    let out = run(dir.path(), JSON, &[]);
    assert_eq!(
        migration_findings(&out.stdout),
        vec![
            "create-index-not-concurrently@004_wip.sql",
            "destructive-change@003_new.sql"
        ]
    );
}

#[test]
fn the_ci_environment_chooses_the_base() {
    // main ← release (002) ← feature (003): a pull request into `release` reviews 003.
    let dir = temp_tree(&[("m/001_base.sql", BASE)]);
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "base"]);
    git(dir.path(), &["checkout", "-q", "-b", "release"]);
    std::fs::write(
        dir.path().join("m/002_release.sql"),
        "CREATE INDEX accounts_note_idx ON accounts (note);\n",
    )
    .unwrap();
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "release"]);
    git(dir.path(), &["checkout", "-q", "-b", "feature"]);
    std::fs::write(
        dir.path().join("m/003_feature.sql"),
        "ALTER TABLE orders DROP COLUMN account_id;\n",
    )
    .unwrap();
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "feature"]);

    let default = migration_findings(&run(dir.path(), JSON, &[]).stdout);
    assert!(
        default.contains(&"create-index-not-concurrently@002_release.sql".to_string()),
        "{default:?}"
    );
    for (var, value) in [
        ("GITHUB_BASE_REF", "release"),
        ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "release"),
    ] {
        let out = run(dir.path(), JSON, &[(var, value)]);
        assert_eq!(
            migration_findings(&out.stdout),
            vec!["destructive-change@003_feature.sql"],
            "{var}"
        );
        let human = run(
            dir.path(),
            &["lint", "m", "--fail-on", "none"],
            &[(var, value)],
        );
        assert!(human.stdout.contains(var), "{var}: {}", human.stdout);
    }
    // --since wins over the environment.
    let out = run(
        dir.path(),
        &[JSON, &["--since", "main"]].concat(),
        &[("GITHUB_BASE_REF", "release")],
    );
    assert_eq!(migration_findings(&out.stdout).len(), 2, "{}", out.stdout);
}

#[test]
fn outside_git_everything_is_reviewed_with_a_note() {
    let dir = temp_tree(&[
        ("m/001_base.sql", BASE),
        (
            "m/002_old.sql",
            "CREATE INDEX accounts_note_idx ON accounts (note);\n",
        ),
    ]);
    let out = run(dir.path(), JSON, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(migration_findings(&out.stdout)
        .contains(&"create-index-not-concurrently@002_old.sql".to_string()));
    let notes: Vec<&str> = out.stderr.lines().filter(|l| l.contains("note:")).collect();
    assert_eq!(notes.len(), 1, "{}", out.stderr);
    assert!(notes[0].contains("not in a git repository"), "{}", notes[0]);
    assert!(notes[0].contains("--since"), "{}", notes[0]);
    assert!(!out.stdout.contains("Hint:"));

    // A legacy history full of old findings: the summary points at --since and
    // baselines.
    let mut files: Vec<(String, String)> = vec![("m/001_base.sql".into(), BASE.into())];
    for i in 0..12 {
        files.push((
            format!("m/{:03}_index.sql", i + 2),
            format!("CREATE INDEX accounts_note_{i}_idx ON accounts (note);\n"),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = temp_tree(&refs);
    let out = run(dir.path(), &["lint", "m", "--fail-on", "none"], &[]);
    assert!(
        out.stdout
            .contains("Hint: 24 migration findings cover the whole history: `--since <ref>`")
            && out.stdout.contains("--baseline"),
        "{}",
        out.stdout
    );
}

#[test]
fn files_named_together_are_one_deployment() {
    let tables = "CREATE TABLE accounts (id bigint PRIMARY KEY, note text);\n";
    let indexes = "CREATE INDEX accounts_note_idx ON accounts (note);\nALTER TABLE accounts ADD CONSTRAINT note_len CHECK (length(note) < 100);\n";
    let dir = temp_tree(&[("CreateTables.sql", tables), ("CreateIndexes.sql", indexes)]);
    let out = run(
        dir.path(),
        &[
            "lint",
            "CreateTables.sql",
            "CreateIndexes.sql",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        migration_findings(&out.stdout),
        Vec::<String>::new(),
        "a table created by an earlier file of the same command is new"
    );
    // A folder keeps migration semantics: the second migration meets a table in use.
    let dir = temp_tree(&[("m/001_tables.sql", tables), ("m/002_indexes.sql", indexes)]);
    let out = run(dir.path(), JSON, &[]);
    assert!(migration_findings(&out.stdout)
        .contains(&"create-index-not-concurrently@002_indexes.sql".to_string()));
}

#[test]
fn an_out_of_order_folder_gets_one_line_and_an_order_file_fixes_it() {
    // Name order puts the foreign keys before the tables they need.
    let mut tables = String::new();
    let mut keys = String::new();
    for i in 0..25 {
        tables.push_str(&format!(
            "CREATE TABLE t{i} (id bigint PRIMARY KEY, parent_id bigint);\n"
        ));
        keys.push_str(&format!(
            "ALTER TABLE t{i} ADD CONSTRAINT t{i}_parent_fkey FOREIGN KEY (parent_id) REFERENCES t0 (id);\nCREATE INDEX t{i}_parent_idx ON t{i} (parent_id);\n"
        ));
    }
    let dir = temp_tree(&[
        ("sql/CreateFKConstraints.sql", keys.as_str()),
        ("sql/CreateTables.sql", tables.as_str()),
    ]);
    let out = run(dir.path(), &["lint", "sql", "--fail-on", "none"], &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let lines: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| !l.contains("note:"))
        .collect();
    assert_eq!(lines.len(), 1, "{}", out.stderr);
    assert!(
        lines[0].contains("replays out of order: 50 statements"),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("dblint.order"), "{}", lines[0]);
    assert!(out.stdout.is_empty(), "no grade for a wrong model");

    std::fs::write(
        dir.path().join("sql/dblint.order"),
        "# psql applies them in this order\nCreateTables.sql\nCreateFKConstraints.sql\n",
    )
    .unwrap();
    let out = run(dir.path(), &["lint", "sql", "--fail-on", "none"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
    assert!(out.stdout.contains("(25 tables)"), "{}", out.stdout);

    // A listed file that does not exist is named with its line.
    std::fs::write(
        dir.path().join("sql/dblint.order"),
        "CreateTables.sql\nCreateFK.sql\n",
    )
    .unwrap();
    let out = run(dir.path(), &["lint", "sql"], &[]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("dblint.order:2: no such file `CreateFK.sql`"),
        "{}",
        out.stderr
    );
}

/// A shallow CI checkout (no common history with the base): every migration is
/// reviewed, with one note saying why and how to fix the checkout.
#[test]
fn a_shallow_clone_reviews_everything_with_a_note() {
    let origin = repository();
    let parent = tempfile::tempdir().unwrap();
    let clone = parent.path().join("clone");
    let url = format!("file://{}", origin.path().display());
    let out = Command::new("git")
        .args(["clone", "-q", "--depth", "1", "--branch", "feature", &url])
        .arg(&clone)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    git(
        &clone,
        &[
            "fetch",
            "-q",
            "--depth",
            "1",
            "origin",
            "main:refs/remotes/origin/main",
        ],
    );
    let out = run(&clone, JSON, &[("GITHUB_BASE_REF", "main")]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("no merge base with origin/main (a shallow clone?"),
        "{}",
        out.stderr
    );
    assert!(migration_findings(&out.stdout)
        .contains(&"create-index-not-concurrently@002_old.sql".to_string()));
    // A base the CI names but the clone lacks is said too.
    let out = run(origin.path(), JSON, &[("GITHUB_BASE_REF", "nosuch")]);
    assert!(
        out.stderr
            .contains("GITHUB_BASE_REF names `nosuch`, which this clone does not have"),
        "{}",
        out.stderr
    );
}

/// Copy `tests/fixtures/pr-history/<part>` into `dir`.
fn copy_history(part: &str, dir: &Path) {
    let from = common::root().join("tests/fixtures/pr-history").join(part);
    let mut stack = vec![from.clone()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let to = dir.join(path.strip_prefix(&from).unwrap());
                std::fs::create_dir_all(to.parent().unwrap()).unwrap();
                std::fs::copy(&path, to).unwrap();
            }
        }
    }
}

/// The fixture history as a repository: `main` with the base, branches `pr` and
/// `benign` with their migrations; `pr` checked out.
fn pr_repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_history("main", dir.path());
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "base"]);
    for branch in ["benign", "pr"] {
        git(dir.path(), &["checkout", "-q", "-b", branch, "main"]);
        copy_history(branch, dir.path());
        git(dir.path(), &["add", "."]);
        git(dir.path(), &["commit", "-q", "-m", branch]);
    }
    dir
}

const MIGRATIONS: &str = "prisma/migrations";

fn json_doc(out: &Out) -> serde_json::Value {
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout))
}

/// `rule:object` of every finding of a JSON report.
fn fingerprints(doc: &serde_json::Value) -> std::collections::BTreeSet<String> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_pull_request_is_judged_on_what_it_adds() {
    let dir = pr_repository();
    let json = |extra: &[&str], env: &[(&str, &str)]| {
        let mut args = vec!["lint", MIGRATIONS, "--format", "json"];
        args.extend(extra);
        run(dir.path(), &args, env)
    };
    // The whole history, as an audit sees it: the base's defects are there.
    let all = json(&["--all"], &[]);
    assert_eq!(all.code, 1, "{}", all.stderr);
    let all_doc = json_doc(&all);
    let everything = fingerprints(&all_doc);
    assert!(
        everything.contains("table-without-pk:public.events"),
        "{everything:?}"
    );
    assert!(all_doc.get("scope").is_none());

    // The pull request: its own findings only, the base's counted in one line.
    let out = json(&[], &[]);
    assert_eq!(
        out.code, 1,
        "the PR's blocking CREATE INDEX fails the gate: {}",
        out.stderr
    );
    let doc = json_doc(&out);
    let own = fingerprints(&doc);
    assert!(
        own.contains("fk-missing-index:public.invoices.invoices_order_id_fkey"),
        "{own:?}"
    );
    assert!(
        own.iter()
            .any(|f| f.starts_with("create-index-not-concurrently:public.orders")),
        "{own:?}"
    );
    assert!(!own.contains("table-without-pk:public.events"), "{own:?}");
    for f in doc["findings"].as_array().unwrap() {
        let file = f["location"]["file"].as_str().unwrap_or("");
        assert!(
            !file.contains("20240"),
            "a finding located in the base's migrations: {f}"
        );
    }
    let scope = &doc["scope"];
    assert_eq!(scope["base"], "main");
    let already = scope["already_on_base"].as_u64().unwrap() as usize;
    assert!(already > 0);
    // Every schema finding is counted once: the change's or the base's.
    let schema = |d: &serde_json::Value| {
        d["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["category"] != "Migration safety")
            .count()
    };
    assert_eq!(
        already + schema(&doc),
        schema(&all_doc),
        "every finding is counted once"
    );
    // The branch adds the index the base's foreign key lacked.
    assert_eq!(
        scope["fixed"],
        serde_json::json!(["fk-missing-index:public.orders.orders_account_id_fkey"])
    );
    assert!(scope["base_score"]["grade"].is_string());
    // Replay followed Prisma's order (the longer timestamp first): no warning.
    assert!(!out.stderr.contains("does not exist"), "{}", out.stderr);
    assert_eq!(doc["summary"]["findings"]["error"].as_u64().unwrap(), {
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] == "error")
            .count() as u64
    });

    // Every format speaks about the same findings.
    let format = |name: &str| {
        run(
            dir.path(),
            &["lint", MIGRATIONS, "--format", name, "--fail-on", "none"],
            &[],
        )
        .stdout
    };
    let sarif: serde_json::Value = serde_json::from_str(&format("sarif")).unwrap();
    let sarif_ids: std::collections::BTreeSet<String> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["partialFingerprints"]["dblint/v1"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(sarif_ids, own, "SARIF");
    let gitlab: serde_json::Value = serde_json::from_str(&format("gitlab")).unwrap();
    assert_eq!(gitlab.as_array().unwrap().len(), own.len(), "GitLab");
    let junit = format("junit");
    let cases = junit
        .lines()
        .filter(|l| l.trim_start().starts_with("<testcase") && !l.contains("no findings"))
        .count();
    assert_eq!(cases, own.len(), "JUnit:\n{junit}");
    let github = format("github");
    let annotated = github
        .lines()
        .filter(|l| l.starts_with("::") && !l.starts_with("::notice title=dblint::"))
        .count();
    let logged = github
        .lines()
        .filter(|l| l.starts_with("dblint: ") && !l.contains("beyond GitHub"))
        .count();
    assert_eq!(annotated + logged, own.len(), "GitHub:\n{github}");
    assert!(github.contains(&format!(
        "{already} findings already on main are not judged"
    )));
    let markdown = format("markdown");
    let items = markdown
        .lines()
        .filter(|l| l.starts_with("- ") && l.contains(".sql:"))
        .count();
    assert_eq!(items, own.len(), "Markdown:\n{markdown}");
    assert!(
        markdown
            .lines()
            .nth(3)
            .unwrap_or("")
            .contains("Migration review: 3 of 5 files pending"),
        "the comment opens with what was reviewed:\n{markdown}"
    );
    let human = format("human");
    assert!(
        human.contains(&format!("this change: {} findings", own.len())),
        "{human}"
    );
    assert!(human.contains(&format!(
        "{already} findings already on main are not judged"
    )));

    // A harmless pull request passes, whatever the base holds.
    git(dir.path(), &["checkout", "-q", "benign"]);
    let benign = json(&[], &[]);
    assert_eq!(benign.code, 0, "{}", benign.stdout);
    assert!(fingerprints(&json_doc(&benign))
        .iter()
        .all(|f| f.contains("public.accounts")));
}

#[test]
fn a_base_that_is_the_checked_commit_reviews_everything_and_says_so() {
    let dir = pr_repository();
    // A CI checkout: detached at the branch's commit, origin/HEAD pointing at it.
    let clone = tempfile::tempdir().unwrap();
    let work = clone.path().join("w");
    git(
        clone.path(),
        &["clone", "-q", dir.path().to_str().unwrap(), "w"],
    );
    git(&work, &["checkout", "-q", "--detach", "origin/pr"]);
    git(
        &work,
        &[
            "symbolic-ref",
            "refs/remotes/origin/HEAD",
            "refs/remotes/origin/pr",
        ],
    );
    let out = run(&work, &["lint", MIGRATIONS, "--format", "json"], &[]);
    let notes: Vec<&str> = out.stderr.lines().filter(|l| l.contains("note:")).collect();
    assert_eq!(notes.len(), 1, "{}", out.stderr);
    assert!(
        notes[0].contains("is the commit being checked"),
        "{}",
        notes[0]
    );
    let doc = json_doc(&out);
    assert!(doc.get("scope").is_none());
    assert!(
        doc["review"].as_str().unwrap().contains("all 5 files"),
        "{}",
        doc["review"]
    );
    assert!(fingerprints(&doc).contains("table-without-pk:public.events"));
    // --require-base: one line, exit 2.
    let strict = run(&work, &["lint", MIGRATIONS, "--require-base"], &[]);
    assert_eq!(strict.code, 2, "{}", strict.stderr);
    assert_eq!(strict.stderr.lines().count(), 1, "{}", strict.stderr);
    assert!(strict.stdout.is_empty());
    // With GITHUB_BASE_REF naming the real base, the PR is judged on its own.
    let pr = run(
        &work,
        &["lint", MIGRATIONS, "--format", "json"],
        &[("GITHUB_BASE_REF", "main")],
    );
    assert!(
        json_doc(&pr)["scope"]["base"] == "origin/main",
        "{}",
        pr.stdout
    );
}

#[test]
fn the_lock_report_covers_the_pending_migrations() {
    let dir = pr_repository();
    let out = run(dir.path(), &["lint", MIGRATIONS, "--locks"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with("Locks of 3 of 5 files"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("orders_created_at_idx"));
    assert!(
        !out.stdout.contains("20240101000000_init"),
        "{}",
        out.stdout
    );
    let all = run(dir.path(), &["lint", MIGRATIONS, "--locks", "--all"], &[]);
    assert!(all.stdout.contains("20240101000000_init"), "{}", all.stdout);
}

/// Documenso's real Prisma history (163 migrations in `../shared/corpus`, required
/// in CI) as a repository whose last three migrations are a pull request: the run
/// reports and gates only what those three add.
#[test]
fn documenso_as_a_pull_request() {
    let corpus = common::root().join("../shared/corpus/prisma-documenso");
    assert!(
        corpus.is_dir() || std::env::var_os("CI").is_none(),
        "CI must run with shared/corpus beside the repository"
    );
    if !corpus.is_dir() {
        eprintln!("../shared/corpus is absent: skipped outside CI");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let migrations = dir.path().join(MIGRATIONS);
    let mut folders: Vec<String> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    let (base, pr) = folders.split_at(folders.len() - 3);
    let copy = |names: &[String]| {
        for name in names {
            let to = migrations.join(name);
            std::fs::create_dir_all(&to).unwrap();
            std::fs::copy(
                corpus.join(name).join("migration.sql"),
                to.join("migration.sql"),
            )
            .unwrap();
        }
    };
    copy(base);
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "base"]);
    git(dir.path(), &["checkout", "-q", "-b", "pr"]);
    copy(pr);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "pr"]);

    let out = run(dir.path(), &["lint", MIGRATIONS, "--format", "json"], &[]);
    let doc = json_doc(&out);
    let findings = doc["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        let file = f["location"]["file"].as_str().unwrap_or("");
        assert!(
            pr.iter().any(|p| file.contains(p.as_str())),
            "a finding not caused by the pull request: {f}"
        );
    }
    assert!(
        doc["scope"]["already_on_base"].as_u64().unwrap() > 200,
        "{}",
        doc["scope"]
    );
    assert!(doc["review"]
        .as_str()
        .unwrap()
        .contains("3 of 163 files pending"));
    // The gate fails only for the pull request's own errors.
    let errors = findings.iter().filter(|f| f["severity"] == "error").count();
    assert_eq!(out.code, if errors > 0 { 1 } else { 0 }, "{}", out.stderr);
    let markdown = run(
        dir.path(),
        &["lint", MIGRATIONS, "--format", "markdown"],
        &[],
    )
    .stdout;
    assert!(markdown.len() < 20_000, "{} bytes", markdown.len());
    let github = run(dir.path(), &["lint", MIGRATIONS, "--format", "github"], &[]).stdout;
    let annotations = github.lines().filter(|l| l.starts_with("::")).count();
    assert!(annotations <= 30, "{github}");
}

/// A migration that is a symbolic link to a file is replayed at the base as in the
/// working tree (git keeps the link, the base's tree writes it as a link): its
/// findings are already on the base, not the pull request's.
#[cfg(unix)]
#[test]
fn a_linked_migration_is_on_the_base_too() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("shared")).unwrap();
    std::fs::create_dir_all(root.join("m")).unwrap();
    // No primary key: a schema finding on the base.
    std::fs::write(
        root.join("shared/V1__events.sql"),
        "CREATE TABLE events (id bigint, at timestamptz);\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("../shared/V1__events.sql", root.join("m/V1__events.sql")).unwrap();
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "base"]);
    git(root, &["checkout", "-q", "-b", "feature"]);
    std::fs::write(
        root.join("m/V2__users.sql"),
        "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n",
    )
    .unwrap();
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "users"]);
    let out = run(
        root,
        &[
            "lint",
            "m",
            "--since",
            "main",
            "--format",
            "json",
            "--fail-on",
            "info",
        ],
        &[],
    );
    let doc = json_doc(&out);
    let new: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["table"].as_str())
        .collect();
    assert!(
        !new.iter().any(|t| t.contains("events")),
        "the linked migration's findings were judged new: {new:?}\n{}",
        out.stderr
    );
    assert!(
        doc["scope"]["already_on_base"].as_u64().unwrap_or(0) > 0,
        "{}",
        doc["scope"]
    );
}

/// Standard input standing for a migration of the pull request, in a folder: the base
/// replays the folder as it was (not the file twice), and the migration is reviewed
/// from standard input.
#[test]
fn standard_input_in_a_pull_request() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("m")).unwrap();
    std::fs::write(
        root.join("m/V1__users.sql"),
        "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n",
    )
    .unwrap();
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "base"]);
    git(root, &["checkout", "-q", "-b", "feature"]);
    std::fs::write(root.join("m/V2__index.sql"), "SELECT 1;\n").unwrap();
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "wip"]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_dblint"))
        .args([
            "lint",
            "m",
            "-",
            "--stdin-filename",
            "m/V2__index.sql",
            "--since",
            "main",
            "--format",
            "json",
            "--fail-on",
            "none",
        ])
        .current_dir(root)
        .env("NO_COLOR", "1")
        .env("GIT_CEILING_DIRECTORIES", root.parent().unwrap())
        .env_remove("GITHUB_BASE_REF")
        .env_remove("DBLINT_CONFIG")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"CREATE INDEX users_email_idx ON users (email);\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("cannot replay"), "{stderr}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["scope"]["base"], "main", "{}", doc["scope"]);
    let rules: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(
        rules.contains(&"create-index-not-concurrently"),
        "{rules:?}"
    );
}
