//! `dblint trace` end to end against real PostgreSQL: on a server given with
//! `--database` (the test server, DBLINT_TEST_DATABASE_URL) and on a temporary
//! cluster it starts itself (the test server's own binaries, PostgreSQL 15 from
//! scripts/pg.sh); the scratch database and the cluster are gone afterwards, also
//! after Ctrl-C; bad input and missing binaries are one-line errors (exit 2).

mod common;

use common::{dblint, pg, temp_tree};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The bin directory of the server the test cluster runs (scripts/pg.sh picks the
/// newest /usr/lib/postgresql/*/bin).
fn server_bin() -> PathBuf {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL server packages in /usr/lib/postgresql (scripts/pg.sh installs them)")
        .map(|e| e.unwrap().path().join("bin"))
        .filter(|d| d.join("initdb").is_file())
        .collect();
    dirs.sort();
    dirs.pop().expect("an initdb under /usr/lib/postgresql")
}

fn database_exists(name: &str) -> bool {
    let mut admin = postgres::Client::connect(&pg::url_for("postgres", ""), postgres::NoTls)
        .expect("connect to the test server");
    admin
        .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
        .unwrap()
        .is_some()
}

fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

#[test]
fn traces_the_roofing_sample_on_a_given_server_and_drops_its_scratch_database() {
    let db = pg::fresh_db("trace_roofing");
    let url = pg::url_for(&db, "");
    let run = dblint(&[
        "trace",
        "sample-dbs/roofing/migrations",
        "--database",
        &url,
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = json(&run.stdout);
    assert!(report["server_version"]
        .as_str()
        .unwrap()
        .starts_with("PostgreSQL "));
    assert_eq!(report["traced_files"], 5);
    let statements = report["statements"].as_array().unwrap();
    // The first migration creates the tables, then adds foreign keys: each ADD
    // CONSTRAINT takes SHARE ROW EXCLUSIVE on both tables and scans to validate.
    let fk = statements
        .iter()
        .find(|s| {
            s["statement"]
                .as_str()
                .unwrap()
                .starts_with("ALTER TABLE \"contacts\" ADD CONSTRAINT")
        })
        .expect("the contacts foreign key");
    let observed: Vec<(String, String)> = fk["observed"]["locks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["relation"]["kind"] == "table")
        .map(|l| {
            (
                l["relation"]["name"].as_str().unwrap().to_string(),
                l["mode"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(observed.contains(&("public.contacts".into(), "ShareRowExclusive".into())));
    assert!(observed.contains(&("public.customers".into(), "ShareRowExclusive".into())));
    assert_eq!(fk["observed_work"], "scan");
    assert_eq!(fk["disagreements"].as_array().unwrap().len(), 0);
    // Prisma wraps migration.sql in a transaction.
    assert_eq!(fk["observed"]["observed_in_transaction"], true);
    assert_eq!(report["summary"]["failed"], 0);
    // Never in the user's database; the scratch one is gone.
    let scratch = report["scratch_database"].as_str().unwrap();
    assert!(scratch.starts_with("dblint_trace_"));
    assert!(!database_exists(scratch), "{scratch} was left behind");
    assert!(!run.stderr.contains(pg::PASSWORD) && !run.stdout.contains(pg::PASSWORD));

    // The table: predicted and observed side by side.
    let run = dblint(&["trace", "sample-dbs/roofing/migrations", "--database", &url]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run
        .stdout
        .contains("| Statement | Location | Predicted lock | Observed lock |"));
    assert!(run
        .stdout
        .contains("SHARE ROW EXCLUSIVE `public.customers`"));
    // Locks the init migration's transaction held already: one line for the file, and
    // the statements left out of the table are counted with the reason.
    assert_eq!(
        run.stdout
            .matches("were held already since an earlier statement")
            .count(),
        2,
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("54 statement(s) are not in the table"),
        "{}",
        run.stdout
    );
}

#[test]
fn observes_rewrites_scans_and_what_cannot_be_seen_and_marks_disagreements() {
    let tree = temp_tree(&[
        (
            "migrations/001_init.sql",
            "CREATE TABLE t (id int PRIMARY KEY, v varchar(10));\n\
         INSERT INTO t SELECT g, g::text FROM generate_series(1, 100) g;\n",
        ),
        (
            "migrations/002_change.sql",
            "ALTER TABLE t ALTER COLUMN v SET NOT NULL;\n\
         ALTER TABLE t ALTER COLUMN v TYPE varchar(20);\n\
         ALTER TABLE t ALTER COLUMN v TYPE int USING v::int;\n\
         CREATE INDEX CONCURRENTLY t_v_idx ON t (v);\n\
         TRUNCATE t;\n\
         ALTER TABLE nowhere ADD COLUMN x int;\n",
        ),
    ]);
    let db = pg::fresh_db("trace_kinds");
    let dir = tree.path().join("migrations");
    let file = dir.join("002_change.sql");
    // A file named beside its directory is traced; the rest is applied as history.
    let run = dblint(&[
        "trace",
        dir.to_str().unwrap(),
        file.to_str().unwrap(),
        "--database",
        &pg::url_for(&db, ""),
        "--format",
        "json",
    ]);
    // A traced statement failed (ALTER TABLE nowhere): exit 1.
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = json(&run.stdout);
    assert_eq!(report["history_files"], 1);
    assert_eq!(report["traced_files"], 1);
    let by_start = |start: &str| -> serde_json::Value {
        report["statements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["statement"].as_str().unwrap().starts_with(start))
            .unwrap_or_else(|| panic!("no statement `{start}` in {report}"))
            .clone()
    };
    let not_null = by_start("ALTER TABLE t ALTER COLUMN v SET NOT NULL");
    assert_eq!(not_null["observed_work"], "scan");
    assert!(not_null["observed"]["messages"][0]
        .as_str()
        .unwrap()
        .contains("verifying table"));
    assert_eq!(not_null["disagreements"].as_array().unwrap().len(), 0);
    let widen = by_start("ALTER TABLE t ALTER COLUMN v TYPE varchar(20)");
    assert_eq!(widen["observed_work"], "none");
    assert_eq!(widen["predicted"]["work"], "none");
    let retype = by_start("ALTER TABLE t ALTER COLUMN v TYPE int");
    assert_eq!(retype["observed_work"], "rewrite");
    assert_eq!(retype["predicted"]["work"], "rewrite");
    let concurrently = by_start("CREATE INDEX CONCURRENTLY");
    assert!(concurrently["observed"]["locks"].is_null());
    assert!(concurrently["observed"]["not_observable"]
        .as_str()
        .unwrap()
        .contains("transaction block"));
    let truncate = by_start("TRUNCATE t");
    assert_eq!(truncate["disagreements"][0]["kind"], "rewrite");
    let missing = by_start("ALTER TABLE nowhere");
    assert!(missing["observed"]["error"]
        .as_str()
        .unwrap()
        .contains("does not exist"));
    assert_eq!(missing["disagreements"][0]["kind"], "error");
}

/// Flyway runs a migration on a pgjdbc connection with autocommit off: after the
/// file's own COMMIT, the driver opens a new transaction for the next statement, so
/// its locks are held together again until Flyway commits. The trace runs it so,
/// and names each relation by oid too, the same across a rename.
#[test]
fn after_a_commit_in_a_flyway_file_the_next_statements_share_a_new_transaction() {
    let tree = temp_tree(&[
        (
            "migrations/V1__init.sql",
            "CREATE TABLE a (id int PRIMARY KEY, v int);\nCREATE TABLE b (id int PRIMARY KEY);\n",
        ),
        (
            "migrations/V2__change.sql",
            "BEGIN;\n\
             ALTER TABLE b ADD COLUMN w int;\n\
             COMMIT;\n\
             ALTER TABLE a RENAME TO a2;\n\
             ALTER TABLE b ALTER COLUMN w SET NOT NULL;\n",
        ),
    ]);
    let db = pg::fresh_db("trace_reopen");
    let run = dblint(&[
        "trace",
        tree.path().join("migrations").to_str().unwrap(),
        "--database",
        &pg::url_for(&db, ""),
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = json(&run.stdout);
    let at = |line: u64| -> serde_json::Value {
        report["statements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["file"].as_str().unwrap().ends_with("V2__change.sql") && s["line"] == line)
            .unwrap_or_else(|| panic!("no statement at line {line} in {report}"))
            .clone()
    };
    let rename = at(4);
    assert_eq!(rename["observed"]["observed_in_transaction"], true);
    let renamed = rename["observed"]["locks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["relation"]["name"] == "public.a" && l["mode"] == "AccessExclusive")
        .unwrap_or_else(|| panic!("no ACCESS EXCLUSIVE on public.a in {rename}"))
        .clone();
    let oid = renamed["relation"]["oid"].as_u64().unwrap();
    assert!(oid >= 16384, "{renamed}");
    let next = at(5);
    assert_eq!(next["observed"]["observed_in_transaction"], true);
    // Held since line 4, under the new name, with the same oid.
    let held = next["observed"]["held_before"].as_array().unwrap();
    assert!(
        held.iter().any(|l| l["relation"]["oid"] == oid
            && l["relation"]["name"] == "public.a2"
            && l["mode"] == "AccessExclusive"),
        "{next}"
    );
}

#[test]
fn starts_a_temporary_cluster_when_no_server_is_given_and_removes_it() {
    let bin = server_bin();
    let run = dblint(&[
        "trace",
        "sample-dbs/roofing/migrations",
        "--pg-bin",
        bin.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("starting a temporary PostgreSQL"),
        "{}",
        run.stderr
    );
    let report = json(&run.stdout);
    let server = report["server"].as_str().unwrap();
    let dir = server
        .strip_prefix("a temporary cluster in ")
        .and_then(|s| s.split(" (").next())
        .unwrap_or_else(|| panic!("{server}"));
    assert!(!Path::new(dir).exists(), "{dir} was left behind");
    assert_eq!(report["summary"]["failed"], 0);
}

#[test]
fn ctrl_c_stops_the_trace_and_removes_the_temporary_cluster() {
    let tree = temp_tree(&[("m/001_slow.sql", "SELECT pg_sleep(60);\n")]);
    let bin = server_bin();
    let mut child = Command::new(env!("CARGO_BIN_EXE_dblint"))
        .args(["trace", "m", "--pg-bin", bin.to_str().unwrap()])
        .current_dir(tree.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the cluster to be up and the statement running.
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        use std::io::Read;
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let started = std::time::Instant::now();
    let mut dir = None;
    while started.elapsed() < std::time::Duration::from_secs(60) {
        std::thread::sleep(std::time::Duration::from_millis(200));
        let found = std::fs::read_dir(std::env::temp_dir())
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .find(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with(&format!("dblint-trace-{}-", child.id()))
            });
        if let Some(d) = found.filter(|d| d.join("data/postmaster.pid").exists()) {
            dir = Some(d);
            break;
        }
    }
    let dir = dir.expect("the temporary cluster started");
    std::thread::sleep(std::time::Duration::from_secs(2));
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    let stderr = reader.join().unwrap();
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert!(!dir.exists(), "{} was left behind", dir.display());
}

#[test]
fn refuses_a_database_with_tables_without_showing_the_password() {
    let db = pg::fresh_db("trace_busy");
    let mut client = postgres::Client::connect(&pg::url_for(&db, ""), postgres::NoTls).unwrap();
    client
        .batch_execute("CREATE TABLE precious (id int)")
        .unwrap();
    let url = pg::url_for(&db, "");
    let run = dblint(&["trace", "sample-dbs/roofing/migrations", "--database", &url]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("holds 1 user table"), "{}", run.stderr);
    assert_eq!(run.stderr.trim().lines().count(), 1, "{}", run.stderr);
    assert!(!run.stderr.contains(pg::PASSWORD));
    assert!(run.stdout.is_empty());
}

#[test]
fn bad_input_is_a_one_line_error() {
    let empty = tempfile::tempdir().unwrap();
    let run = dblint(&[
        "trace",
        "sample-dbs/roofing/migrations",
        "--pg-bin",
        empty.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no initdb and pg_ctl there"),
        "{}",
        run.stderr
    );
    let run = dblint(&["trace", "no/such/dir", "--pg-bin", "/nowhere"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no/such/dir"), "{}", run.stderr);
    let run = dblint(&[
        "trace",
        "sample-dbs/roofing/migrations",
        "--pg-version",
        "11",
    ]);
    assert_eq!(run.code, 2);
    let run = dblint(&[
        "trace",
        "sample-dbs/roofing/migrations",
        "--database",
        "postgres://u:hunter2@127.0.0.1:1/x?sslmode=disable",
    ]);
    assert_eq!(run.code, 2);
    assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);
    assert_eq!(run.stderr.trim().lines().count(), 1, "{}", run.stderr);
}
