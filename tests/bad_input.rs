//! The bad-input battery: files, configuration, flags, connection strings and server
//! faults, each as a careless user or an attacker would supply them. Every case
//! asserts the exit code, that the error is one line (`dblint: error: …` or
//! `file:line: error: …`), what it says, and that no output contains the password.
//!
//! Cases that need a server use the one `scripts/pg.sh` starts (they fail, never skip,
//! without it).

mod common;
use common::pg::{fresh_db, load, url_for, PASSWORD};
use common::{dblint_in, root, temp_tree, Run};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// One bad input and what dblint must answer.
struct Case {
    name: &'static str,
    files: Vec<(&'static str, Vec<u8>)>,
    args: Vec<String>,
    env: Vec<(&'static str, String)>,
    code: i32,
    /// The error line must contain this.
    says: &'static str,
    /// Text that must appear nowhere in stdout or stderr.
    secret: Option<String>,
}

impl Case {
    fn new(name: &'static str, args: &[&str], code: i32, says: &'static str) -> Case {
        Case {
            name,
            files: Vec::new(),
            args: args.iter().map(|s| s.to_string()).collect(),
            env: Vec::new(),
            code,
            says,
            secret: None,
        }
    }

    fn file(mut self, path: &'static str, contents: impl Into<Vec<u8>>) -> Case {
        self.files.push((path, contents.into()));
        self
    }

    fn env(mut self, key: &'static str, value: impl Into<String>) -> Case {
        self.env.push((key, value.into()));
        self
    }

    fn secret(mut self, secret: impl Into<String>) -> Case {
        self.secret = Some(secret.into());
        self
    }

    fn run(&self) -> Run {
        let dir = tempfile::tempdir().unwrap();
        for (path, contents) in &self.files {
            let full = dir.path().join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, contents).unwrap();
        }
        let mut command = Command::new(env!("CARGO_BIN_EXE_dblint"));
        command
            .args(&self.args)
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .env("HOME", dir.path())
            .env_remove("DBLINT_CONFIG")
            .env_remove("DBLINT_FAIL_ON")
            .env_remove("DATABASE_URL");
        for key in ["PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE"] {
            command.env_remove(key);
        }
        for (k, v) in &self.env {
            command.env(k, v);
        }
        let out = command.output().unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    fn check(&self) {
        let run = self.run();
        check_run(
            self.name,
            &run,
            self.code,
            self.says,
            self.secret.as_deref(),
        );
    }
}

/// The checks every case shares.
fn check_run(name: &str, run: &Run, code: i32, says: &str, secret: Option<&str>) {
    assert_eq!(
        run.code, code,
        "{name}: exit code\nstdout: {}\nstderr: {}",
        run.stdout, run.stderr
    );
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("error:"))
        .collect();
    if code == 2 {
        assert_eq!(
            errors.len(),
            1,
            "{name}: expected one error line, got: {}",
            run.stderr
        );
        assert!(
            errors[0].contains(says),
            "{name}: expected {says:?} in {:?}",
            errors[0]
        );
        assert!(!run.stderr.contains("panicked"), "{name}: {}", run.stderr);
    } else {
        assert!(
            run.stderr.contains(says) || run.stdout.contains(says),
            "{name}: expected {says:?}\nstdout: {}\nstderr: {}",
            run.stdout,
            run.stderr
        );
    }
    for secret in [Some(PASSWORD), secret].into_iter().flatten() {
        assert!(
            !run.stdout.contains(secret) && !run.stderr.contains(secret),
            "{name}: the password is in the output\nstdout: {}\nstderr: {}",
            run.stdout,
            run.stderr
        );
    }
    assert!(
        !run.stderr.contains("****"),
        "{name}: masked text: {}",
        run.stderr
    );
}

const TABLE: &str = "CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL);\n";

#[test]
fn files_config_and_flags() {
    let secret = "s3cr3t-Pw";
    let cases = vec![
        // Files.
        Case::new("empty file", &["lint", "empty.sql"], 2, "nothing to grade")
            .file("empty.sql", ""),
        Case::new("comments only", &["lint", "c.sql"], 2, "nothing to grade")
            .file("c.sql", "-- nothing here\n/* still nothing */\n"),
        Case::new("empty folder", &["lint", "migrations"], 2, "migrations")
            .file("migrations/README.md", "# no SQL\n"),
        Case::new("missing path", &["lint", "nope.sql"], 2, "nope.sql"),
        Case::new(
            "syntax error",
            &["lint", "a.sql"],
            2,
            "a.sql:2: error: cannot parse",
        )
        .file("a.sql", format!("{TABLE}CREATE TABLE oops (;\n")),
        Case::new("unterminated string", &["lint", "a.sql"], 2, "a.sql:2:").file(
            "a.sql",
            format!("{TABLE}INSERT INTO users (email) VALUES ('x);\n"),
        ),
        Case::new(
            "not UTF-8 (replaced, with a warning)",
            &["lint", "a.sql"],
            0,
            "a.sql:1: warning: file is not valid UTF-8",
        )
        .file(
            "a.sql",
            b"CREATE TABLE t (id int PRIMARY KEY, n text DEFAULT '\xff\xfe');\n".to_vec(),
        ),
        Case::new("binary file", &["lint", "a.sql"], 2, "a.sql")
            .file("a.sql", vec![0u8, 159, 146, 150, 0, 1, 2, 255]),
        Case::new(
            "nothing to grade is allowed when asked",
            &["lint", "empty.sql", "--allow-empty"],
            0,
            "nothing to grade",
        )
        .file("empty.sql", ""),
        // Configuration.
        Case::new("config not TOML", &["lint", "a.sql"], 2, "dblint.toml:2")
            .file("a.sql", TABLE)
            .file("dblint.toml", "fail_on = \"error\"\nthis is not toml\n"),
        Case::new("config unknown key", &["lint", "a.sql"], 2, "dblint.toml")
            .file("a.sql", TABLE)
            .file("dblint.toml", "fial_on = \"error\"\n"),
        Case::new("config bad grade", &["lint", "a.sql"], 2, "min_grade")
            .file("a.sql", TABLE)
            .file("dblint.toml", "min_grade = \"Z\"\n"),
        Case::new("config unknown rule", &["lint", "a.sql"], 2, "no-such-rule")
            .file("a.sql", TABLE)
            .file("dblint.toml", "disable = [\"no-such-rule\"]\n"),
        Case::new(
            "--config missing",
            &["lint", "a.sql", "--config", "x.toml"],
            2,
            "x.toml",
        )
        .file("a.sql", TABLE),
        Case::new(
            "DBLINT_FAIL_ON garbage",
            &["lint", "a.sql"],
            2,
            "DBLINT_FAIL_ON",
        )
        .file("a.sql", TABLE)
        .env("DBLINT_FAIL_ON", "sometimes"),
        // Flags.
        Case::new(
            "--fail-on unknown",
            &["lint", "a.sql", "--fail-on", "fatal"],
            2,
            "--fail-on",
        )
        .file("a.sql", TABLE),
        Case::new(
            "--min-grade unknown",
            &["lint", "a.sql", "--min-grade", "Z"],
            2,
            "--min-grade",
        )
        .file("a.sql", TABLE),
        Case::new(
            "--format unknown",
            &["lint", "a.sql", "--format", "yaml"],
            2,
            "yaml",
        )
        .file("a.sql", TABLE),
        Case::new(
            "--pg-version too old",
            &["lint", "a.sql", "--pg-version", "9"],
            2,
            "--pg-version",
        )
        .file("a.sql", TABLE),
        Case::new(
            "--enable unknown rule",
            &["lint", "a.sql", "--enable", "nope"],
            2,
            "nope",
        )
        .file("a.sql", TABLE),
        Case::new(
            "--ignore bad glob",
            &["lint", "a.sql", "--ignore", "public.[x"],
            2,
            "--ignore",
        )
        .file("a.sql", TABLE),
        Case::new(
            "--output in a missing folder",
            &[
                "lint",
                "a.sql",
                "--format",
                "json",
                "--output",
                "no/such/dir/r.json",
            ],
            2,
            "no/such/dir/r.json",
        )
        .file("a.sql", TABLE),
        Case::new(
            "--output is a folder",
            &["lint", "a.sql", "--format", "json", "--output", "d"],
            2,
            "is a directory",
        )
        .file("a.sql", TABLE)
        .file("d/keep", ""),
        Case::new(
            "--baseline missing",
            &["lint", "a.sql", "--baseline", "b.json"],
            2,
            "b.json",
        )
        .file("a.sql", TABLE),
        Case::new(
            "--baseline not JSON",
            &["lint", "a.sql", "--baseline", "b.json"],
            2,
            "b.json",
        )
        .file("a.sql", TABLE)
        .file("b.json", "{ not json"),
        Case::new(
            "--since outside git",
            &["lint", "a.sql", "--since", "main"],
            2,
            "not inside a git repository",
        )
        .file("a.sql", TABLE),
        Case::new(
            "--min-grade failure names the grade",
            &["lint", "a.sql", "--min-grade", "A+"],
            1,
            "is below the required A+",
        )
        .file(
            "a.sql",
            "CREATE TABLE t (id int PRIMARY KEY, created_at timestamp);\n",
        ),
        Case::new("unknown command", &["frobnicate"], 2, "frobnicate"),
        Case::new(
            "--statement-timeout zero",
            &["inspect", "--statement-timeout", "0"],
            2,
            "--statement-timeout",
        ),
        Case::new(
            "--statement-timeout beyond PostgreSQL's limit",
            &["inspect", "--statement-timeout", "99999999"],
            2,
            "--statement-timeout",
        ),
        Case::new("--jobs zero", &["inspect", "--jobs", "0"], 2, "--jobs"),
        Case::new("--jobs above 3", &["inspect", "--jobs", "4"], 2, "--jobs"),
        Case::new(
            "--lock-timeout not a number",
            &["inspect", "--lock-timeout", "soon"],
            2,
            "--lock-timeout",
        ),
        // Connection strings: the error names the part, never the text.
        Case::new("SQLAlchemy URL", &["inspect"], 2, "use postgresql://")
            .env(
                "DATABASE_URL",
                format!("postgresql+psycopg2://app:{secret}@db/shop?sslmode=require"),
            )
            .secret(secret),
        Case::new(
            "JDBC URL",
            &[
                "inspect",
                &format!("jdbc:postgresql://db/shop?user=app&password={secret}"),
            ],
            2,
            "use postgresql://",
        )
        .secret(secret),
        Case::new(
            "quotes kept from .env",
            &["inspect"],
            2,
            "remove the quotes",
        )
        .env(
            "DATABASE_URL",
            format!("\"postgres://app:{secret}@db/shop\""),
        )
        .secret(secret),
        Case::new(
            "password with /",
            &["inspect", &format!("postgres://app:ab/{secret}@db/shop")],
            2,
            "percent-encode",
        )
        .secret(secret),
        Case::new(
            "password with ?",
            &["inspect", &format!("postgres://app:ab?{secret}@db/shop")],
            2,
            "percent-encode",
        )
        .secret(secret),
        Case::new(
            "password with @ and a port typo",
            &["inspect", &format!("postgres://app:{secret}@x@db:54x/shop")],
            2,
            "the URL's port",
        )
        .secret(secret),
        Case::new(
            "key=value unquoted space",
            &[
                "inspect",
                &format!("host=db password=ab {secret} dbname=shop"),
            ],
            2,
            "must be single-quoted",
        )
        .secret(secret),
        Case::new(
            "key=value unclosed quote",
            &["inspect", &format!("host=db password='{secret}")],
            2,
            "the value after password=",
        )
        .secret(secret),
        Case::new(
            "bad sslmode",
            &[
                "inspect",
                &format!("postgres://app:{secret}@db/shop?sslmode=verify"),
            ],
            2,
            "is not an sslmode",
        )
        .secret(secret),
        Case::new(
            "bad percent-encoding",
            &["inspect", &format!("postgres://app:{secret}%G1@db/shop")],
            2,
            "percent-encoding in the URL's password",
        )
        .secret(secret),
        Case::new("PGPORT garbage", &["inspect"], 2, "PGPORT")
            .env("PGPORT", "fivefourthreetwo")
            .env("PGPASSWORD", secret)
            .secret(secret),
        Case::new(
            "misplaced connection string argument",
            &[
                "inspect",
                "postgres://a@h/x",
                &format!("postgres://app:{secret}@db/shop"),
            ],
            2,
            "<connection string>",
        )
        .secret(secret),
    ];
    assert!(cases.len() >= 40, "{} cases", cases.len());
    for case in &cases {
        case.check();
    }
}

/// A password of one to three characters whose characters occur in the host, the
/// port and the user name: messages stay intact (no character is masked), and a
/// user name equal to the password is not hidden either (hiding it would tell).
#[test]
fn short_passwords_leave_messages_intact() {
    for password in ["1", "12", "543", "0.0", "a"] {
        let url =
            format!("postgres://app:{password}@127.0.0.1:1/db?sslmode=disable&connect_timeout=2");
        let run = Case::new("short", &["inspect", &url], 2, "").run();
        assert_eq!(run.code, 2);
        assert_eq!(
            run.stderr.trim(),
            "dblint: error: cannot connect to 127.0.0.1:1: connection refused",
            "password {password:?}"
        );
    }
    let run = Case::new(
        "user = password",
        &[
            "inspect",
            "postgres://app:app@127.0.0.1:1/app?sslmode=disable",
        ],
        2,
        "",
    )
    .run();
    assert_eq!(
        run.stderr.trim(),
        "dblint: error: cannot connect to 127.0.0.1:1: connection refused"
    );
}

#[test]
fn write_baseline_is_not_written_when_the_run_fails() {
    let dir = temp_tree(&[("a.sql", TABLE), ("b.sql", "CREATE TABLE oops (;\n")]);
    let run = dblint_in(
        dir.path(),
        &["lint", "a.sql", "b.sql", "--write-baseline", "base.json"],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("not written"), "{}", run.stderr);
    assert!(!dir.path().join("base.json").exists());
    // A clean run writes it.
    let run = dblint_in(
        dir.path(),
        &["lint", "a.sql", "--write-baseline", "base.json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(dir.path().join("base.json").exists());
}

#[cfg(unix)]
#[test]
fn output_to_devices_fifos_and_links_writes_in_place() {
    let dir = temp_tree(&[("a.sql", TABLE)]);
    let json = |args: &[&str]| {
        let mut all = vec!["lint", "a.sql", "--format", "json"];
        all.extend(args);
        dblint_in(dir.path(), &all)
    };
    // A character device is written, not replaced.
    let run = json(&["--output", "/dev/null"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let null = std::fs::metadata("/dev/null").unwrap();
    use std::os::unix::fs::FileTypeExt;
    assert!(null.file_type().is_char_device(), "/dev/null was replaced");
    // A FIFO: a reader gets the whole report; the FIFO stays a FIFO.
    let fifo = dir.path().join("pipe");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let run = json(&["--output", "pipe"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let received = reader.join().unwrap();
    assert!(received.trim_end().ends_with('}'), "{received}");
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    // A link to a regular file: the file gets the report, the link stays a link.
    std::fs::write(dir.path().join("real.json"), "old").unwrap();
    std::os::unix::fs::symlink("real.json", dir.path().join("link.json")).unwrap();
    let run = json(&["--output", "link.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(std::fs::symlink_metadata(dir.path().join("link.json"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::read_to_string(dir.path().join("real.json"))
        .unwrap()
        .contains("\"findings\""));
    // A link to /dev/stdout: the report reaches stdout.
    std::os::unix::fs::symlink("/dev/stdout", dir.path().join("out")).unwrap();
    let run = json(&["--output", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("\"findings\""), "{}", run.stdout);
    assert!(std::fs::symlink_metadata(dir.path().join("out"))
        .unwrap()
        .file_type()
        .is_symlink());
}

/// `--since` finds new migrations whose names git would quote (non-ASCII, spaces).
#[test]
fn since_finds_migrations_with_non_ascii_names() {
    let dir = temp_tree(&[(
        "migrations/0001_init.sql",
        "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n",
    )]);
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .output()
            .unwrap();
        assert!(out.status.success(), "{:?}", out);
    };
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "init"]);
    git(&["checkout", "-q", "-b", "feature"]);
    std::fs::write(
        dir.path().join("migrations/0002_índice é.sql"),
        "CREATE INDEX users_email_idx ON users (email);\n",
    )
    .unwrap();
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "index"]);
    let run = dblint_in(
        dir.path(),
        &[
            "lint",
            "migrations",
            "--since",
            "main",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("create-index-not-concurrently"),
        "the new migration was not reviewed: {}",
        run.stdout
    );
}

// ---------------------------------------------------------------------------
// Server faults (a real PostgreSQL).
// ---------------------------------------------------------------------------

fn run_with_env(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dblint"));
    command
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("DATABASE_URL")
        .current_dir(root());
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn admin(db: &str) -> postgres::Client {
    postgres::Client::connect(&url_for(db, ""), postgres::NoTls).unwrap()
}

fn database_with_tables(tag: &str) -> String {
    let db = fresh_db(tag);
    load(
        &db,
        &[root().join("tests/fixtures/rules/fk-missing-index/fire.sql")],
    );
    admin(&db)
        .batch_execute(
            "CREATE TABLE victim (id serial PRIMARY KEY, note text DEFAULT 'x' CHECK (note <> ''));
             CREATE INDEX victim_note_idx ON victim (note);
             COMMENT ON TABLE victim IS 'dropped while inspect runs';",
        )
        .unwrap();
    db
}

/// Start `dblint inspect` in the background.
fn spawn_inspect(url: &str, extra: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_dblint"))
        .arg("inspect")
        .arg(url)
        .args(["--format", "json", "--fail-on", "none"])
        .args(extra)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

fn finish(child: std::process::Child) -> Run {
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Wait until a session of `application` is waiting on a lock; its pid.
fn wait_until_blocked(db: &str, application: &str) -> i32 {
    let mut c = admin(db);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let row = c
            .query_opt(
                "SELECT a.pid FROM pg_stat_activity a
                 WHERE a.application_name = $1 AND a.wait_event_type = 'Lock'",
                &[&application],
            )
            .unwrap();
        if let Some(row) = row {
            return row.get(0);
        }
        assert!(Instant::now() < deadline, "{application} never blocked");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn server_faults_give_one_line_and_exit_two() {
    let db = database_with_tables("faults");
    let url = |extra: &str| url_for(&db, extra);

    // Wrong password, user equal to the password: intact, one line.
    let run = run_with_env(&["inspect", &url("").replace(PASSWORD, "postgres")], &[]);
    check_run(
        "wrong password",
        &run,
        2,
        "password authentication failed for user \"postgres\"",
        None,
    );

    // Connection refused.
    let run = run_with_env(
        &[
            "inspect",
            &format!("postgres://postgres:{PASSWORD}@127.0.0.1:1/x?sslmode=disable"),
        ],
        &[],
    );
    check_run("refused", &run, 2, "connection refused", None);

    // A database that does not exist.
    let run = run_with_env(&["inspect", &url_for("no_such_db_here", "")], &[]);
    check_run("no database", &run, 2, "does not exist", None);

    // A listener that accepts and never answers: given up after connect_timeout.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let _held = std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().take(2) {
            held.push(stream);
            std::thread::sleep(Duration::from_secs(30));
        }
    });
    let started = Instant::now();
    let run = run_with_env(
        &[
            "inspect",
            &format!("postgres://postgres:{PASSWORD}@127.0.0.1:{port}/x?connect_timeout=2"),
        ],
        &[],
    );
    check_run(
        "silent server",
        &run,
        2,
        "within 2 s (connect_timeout)",
        None,
    );
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );

    // A migration holds ACCESS EXCLUSIVE on a table: inspect reads around it.
    let mut migration = admin(&db);
    let mut tx = migration.transaction().unwrap();
    tx.batch_execute("LOCK TABLE victim IN ACCESS EXCLUSIVE MODE")
        .unwrap();
    // One session, and three sharing its snapshot (`--jobs 3`).
    for jobs in ["1", "3"] {
        let run = run_with_env(
            &[
                "inspect",
                &url(""),
                "--format",
                "json",
                "--fail-on",
                "none",
                "--lock-timeout",
                "2",
                "--jobs",
                jobs,
            ],
            &[],
        );
        assert_eq!(
            run.code, 0,
            "a table lock stopped inspect --jobs {jobs}: {}",
            run.stderr
        );
        assert!(
            run.stderr
                .contains("1 table(s) locked ACCESS EXCLUSIVE by another session")
                && run.stderr.contains("were not graded: public.victim"),
            "{}",
            run.stderr
        );
        assert!(run.stdout.contains("fk-missing-index"), "{}", run.stdout);
    }
    tx.rollback().unwrap();
    // The same for an index being rebuilt (REINDEX locks the index).
    let mut tx = migration.transaction().unwrap();
    tx.batch_execute("REINDEX INDEX victim_note_idx").unwrap();
    let run = run_with_env(
        &[
            "inspect",
            &url(""),
            "--format",
            "json",
            "--fail-on",
            "none",
            "--lock-timeout",
            "2",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "an index lock stopped inspect: {}", run.stderr);
    assert!(run.stderr.contains("public.victim"), "{}", run.stderr);
    tx.rollback().unwrap();

    // A catalog lock past lock_timeout: the server's message, one line.
    let mut blocker = admin(&db);
    let mut tx = blocker.transaction().unwrap();
    tx.batch_execute("LOCK TABLE pg_catalog.pg_description IN ACCESS EXCLUSIVE MODE")
        .unwrap();
    for jobs in ["1", "3"] {
        let run = run_with_env(
            &["inspect", &url(""), "--lock-timeout", "1", "--jobs", jobs],
            &[],
        );
        check_run(
            &format!("lock timeout, --jobs {jobs}"),
            &run,
            2,
            "canceling statement due to lock timeout",
            None,
        );
    }
    // statement_timeout below lock_timeout.
    let run = run_with_env(
        &[
            "inspect",
            &url(""),
            "--lock-timeout",
            "30",
            "--statement-timeout",
            "1",
        ],
        &[],
    );
    check_run(
        "statement timeout",
        &run,
        2,
        "canceling statement due to statement timeout",
        None,
    );
    // The backend is terminated while inspect waits.
    let app = format!("dblint_terminated_{}", std::process::id());
    let child = spawn_inspect(
        &url(&format!("application_name={app}")),
        &["--lock-timeout", "60"],
    );
    let pid = wait_until_blocked(&db, &app);
    admin(&db)
        .execute("SELECT pg_terminate_backend($1)", &[&pid])
        .unwrap();
    let run = finish(child);
    // The server's FATAL message, or the closed connection if it arrives first.
    let says = if run.stderr.contains("terminating connection") {
        "terminating connection"
    } else {
        "the server closed the connection (the backend was terminated"
    };
    check_run("terminated", &run, 2, says, None);
    tx.rollback().unwrap();

    // Limits beyond PostgreSQL's int range are capped, not refused.
    let run = run_with_env(
        &[
            "inspect",
            &url(""),
            "--statement-timeout",
            "1500000",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);

    // inspect --schema that matches nothing: nothing to grade.
    let run = run_with_env(&["inspect", &url(""), "--schema", "nosuch"], &[]);
    check_run(
        "no schema",
        &run,
        2,
        "none is in the selected schemas (--schema nosuch)",
        None,
    );
}

/// A table dropped while inspect runs (after its snapshot was taken) is read from the
/// snapshot; what the server's caches no longer have is left out, with a note.
#[test]
fn a_table_dropped_while_inspect_runs_does_not_break_it() {
    let db = database_with_tables("dropped");
    let app = format!("dblint_dropped_{}", std::process::id());
    let mut session = admin(&db);
    let mut tx = session.transaction().unwrap();
    tx.batch_execute("LOCK TABLE pg_catalog.pg_description IN ACCESS EXCLUSIVE MODE")
        .unwrap();
    let child = spawn_inspect(
        &url_for(&db, &format!("application_name={app}")),
        &["--lock-timeout", "60"],
    );
    wait_until_blocked(&db, &app);
    tx.batch_execute("DROP TABLE victim").unwrap();
    tx.commit().unwrap();
    let run = finish(child);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("dropped while the catalog was read"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("error"), "{}", run.stderr);
}

/// A read-only CI role that may not read the sequences: graded anyway, with one line
/// saying what was not read and which rule was skipped.
#[test]
fn a_restricted_role_grades_what_it_can_see() {
    let db = database_with_tables("restricted");
    let role = "dblint_ci_readonly";
    let url = common::pg::login_role(&db, role);
    admin(&db)
        .batch_execute(&format!(
            "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role};
             REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {role};"
        ))
        .unwrap();
    let run = run_with_env(
        &["inspect", &url, "--format", "json", "--fail-on", "none"],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let notes: Vec<&str> = run.stderr.lines().filter(|l| l.contains("note:")).collect();
    assert_eq!(notes.len(), 1, "{}", run.stderr);
    assert!(
        notes[0].contains("could not read") && notes[0].contains("sequence-exhaustion was skipped"),
        "{}",
        notes[0]
    );
    assert!(run.stdout.contains("fk-missing-index"), "{}", run.stdout);
    // The superuser reads everything: no note.
    let run = run_with_env(
        &[
            "inspect",
            &url_for(&db, ""),
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
        &[],
    );
    assert!(!run.stderr.contains("note:"), "{}", run.stderr);
}

/// More sequences than half the server's shared lock table: their values are not read
/// (each read locks the sequence until the end of the snapshot, taking slots other
/// sessions need, and past the table's size failing with "out of shared memory"); the
/// run grades the rest and says so in one line. With exactly half, values are read.
#[test]
fn more_sequences_than_the_lock_share_are_graded_without_their_values() {
    let db = database_with_tables("many_sequences");
    let mut client = admin(&db);
    let share: i64 = client
        .query_one(
            "SELECT current_setting('max_locks_per_transaction')::int8
                    * (current_setting('max_connections')::int8
                       + current_setting('max_prepared_transactions')::int8) / 2",
            &[],
        )
        .unwrap()
        .get(0);
    let existing: i64 = client
        .query_one("SELECT count(*) FROM pg_sequence", &[])
        .unwrap()
        .get(0);
    client
        .batch_execute(&format!(
            "DO $$ BEGIN FOR i IN 1..{} LOOP EXECUTE format('CREATE SEQUENCE many_%s', i); END LOOP; END $$;",
            share - existing
        ))
        .unwrap();
    let args = [
        "inspect",
        &url_for(&db, ""),
        "--format",
        "json",
        "--fail-on",
        "none",
    ];
    let run = run_with_env(&args, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("note:"), "{}", run.stderr);
    client
        .batch_execute("CREATE SEQUENCE one_too_many")
        .unwrap();
    let run = run_with_env(&args, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let notes: Vec<&str> = run.stderr.lines().filter(|l| l.contains("note:")).collect();
    assert_eq!(notes.len(), 1, "{}", run.stderr);
    assert!(
        notes[0].contains(&format!("{} sequences", share + 1))
            && notes[0].contains("max_locks_per_transaction")
            && notes[0].contains("sequence-exhaustion was skipped"),
        "{}",
        notes[0]
    );
    assert!(run.stdout.contains("fk-missing-index"), "{}", run.stdout);
}

/// Several inspect and lint runs at once: same answers, and concurrent `--output` to
/// one file leaves one whole report.
#[test]
fn concurrent_runs_agree() {
    let db = database_with_tables("concurrent");
    let children: Vec<_> = (0..4)
        .map(|_| spawn_inspect(&url_for(&db, ""), &[]))
        .collect();
    let runs: Vec<Run> = children.into_iter().map(finish).collect();
    for run in &runs {
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(run.stdout, runs[0].stdout);
    }
    let dir = temp_tree(&[("a.sql", TABLE)]);
    let out = dir.path().join("report.json");
    let children: Vec<_> = (0..4)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_dblint"))
                .args(["lint", "a.sql", "--format", "json", "--output"])
                .arg(&out)
                .current_dir(dir.path())
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert!(report["findings"].is_array());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        2,
        "temporary files left behind"
    );
    let _ = Path::new("");
}

/// inspect against a hot standby (a read replica) reads the same schema as on the
/// primary.
#[test]
fn a_hot_standby_is_inspected_like_its_primary() {
    let standby = std::env::var("DBLINT_TEST_STANDBY_URL")
        .expect("DBLINT_TEST_STANDBY_URL (set by scripts/pg.sh)");
    let db = database_with_tables("standby");
    let replica_url = {
        let (head, query) = standby.split_once('?').unwrap();
        let head = head.rsplit_once('/').unwrap().0;
        format!("{head}/{db}?{query}")
    };
    // Wait until the standby has replayed the new database and its tables.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let ready = postgres::Client::connect(&replica_url, postgres::NoTls)
            .ok()
            .and_then(|mut c| {
                c.query_one(
                    "SELECT count(*) FROM pg_class WHERE relname = 'victim'",
                    &[],
                )
                .ok()
            })
            .is_some_and(|row| row.get::<_, i64>(0) == 1);
        if ready {
            break;
        }
        assert!(Instant::now() < deadline, "the standby never caught up");
        std::thread::sleep(Duration::from_millis(200));
    }
    let mut in_recovery = postgres::Client::connect(&replica_url, postgres::NoTls).unwrap();
    assert!(in_recovery
        .query_one("SELECT pg_is_in_recovery()", &[])
        .unwrap()
        .get::<_, bool>(0));
    let flags = ["--format", "json", "--fail-on", "none"];
    let mut on_replica = vec!["inspect", replica_url.as_str()];
    on_replica.extend(flags);
    let replica = run_with_env(&on_replica, &[]);
    assert_eq!(replica.code, 0, "{}", replica.stderr);
    let primary_url = url_for(&db, "");
    let mut on_primary = vec!["inspect", primary_url.as_str()];
    on_primary.extend(flags);
    let primary = run_with_env(&on_primary, &[]);
    assert_eq!(primary.code, 0, "{}", primary.stderr);
    assert_eq!(
        common::pg::fingerprints(&replica.stdout),
        common::pg::fingerprints(&primary.stdout)
    );
}

/// A connection string given where a path, a flag's value or a command's argument
/// belongs: the error names it as `<connection string>`, never its text.
#[test]
fn misplaced_connection_strings_never_show_the_password() {
    let secret = "hunter2XY";
    let url = format!("postgres://app:{secret}@127.0.0.1:54329/db");
    let dir = temp_tree(&[("a.sql", TABLE)]);
    let cases: Vec<Vec<String>> = vec![
        vec!["lint".into(), url.clone()],
        vec!["lint".into(), "--format".into(), "json".into(), url.clone()],
        vec!["lint".into(), "a.sql".into(), format!("--config={url}")],
        vec![
            "lint".into(),
            "a.sql".into(),
            "--output".into(),
            format!("{url}/x"),
        ],
        vec![
            "lint".into(),
            "a.sql".into(),
            "--baseline".into(),
            url.clone(),
        ],
        vec![
            "lint".into(),
            "a.sql".into(),
            "--fail-on".into(),
            url.clone(),
        ],
        vec!["lint".into(), "a.sql".into(), "--pack".into(), url.clone()],
        vec![
            "lint".into(),
            "a.sql".into(),
            "--ignore".into(),
            format!("[{url}"),
        ],
        vec!["explain".into(), url.clone()],
        vec!["inspect".into(), format!("--exclude-schema=[{url}")],
        vec![
            "lint".into(),
            "a.sql".into(),
            format!("host=h password={secret} x"),
        ],
    ];
    for args in cases {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = dblint_in(dir.path(), &refs);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            !run.stderr.contains(secret) && !run.stdout.contains(secret),
            "{args:?}: {}",
            run.stderr
        );
        assert_eq!(
            run.stderr.lines().filter(|l| l.contains("error:")).count(),
            1,
            "{args:?}: {}",
            run.stderr
        );
    }
    let run = Case::new("env", &["lint", "a.sql"], 2, "DBLINT_FAIL_ON")
        .file("a.sql", TABLE)
        .env("DBLINT_FAIL_ON", url.clone())
        .run();
    assert!(!run.stderr.contains(secret), "{}", run.stderr);
}

/// Names from the schema cannot drive the reader's terminal: control characters are
/// shown escaped, in the terminal report and the Markdown comment.
#[test]
fn control_characters_in_names_are_escaped() {
    let sql = "CREATE TABLE \"ok\u{1b}[2K\u{1b}[1A\rhidden\" (id int, name varchar);\n";
    let dir = temp_tree(&[("a.sql", sql)]);
    for format in ["human", "markdown"] {
        let run = dblint_in(
            dir.path(),
            &["lint", "a.sql", "--format", format, "--fail-on", "none"],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(!run.stdout.contains('\u{1b}'), "{format}: raw escape");
        assert!(!run.stdout.contains('\r'), "{format}: raw carriage return");
        assert!(run.stdout.contains("\\u{1b}"), "{format}: {}", run.stdout);
    }
}

/// An order file names files inside its folder only; a FIFO named `*.sql` in a folder
/// is an error naming it, read neither (it would block) nor left out.
#[cfg(unix)]
#[test]
fn order_files_stay_inside_their_folder_and_fifos_are_refused() {
    let dir = temp_tree(&[("m/001.sql", TABLE), ("outside.sql", TABLE)]);
    for entry in ["../outside.sql", "/etc/passwd", "sub/../../outside.sql"] {
        std::fs::write(
            dir.path().join("m/dblint.order"),
            format!("001.sql\n{entry}\n"),
        )
        .unwrap();
        let run = dblint_in(dir.path(), &["lint", "m"]);
        assert_eq!(run.code, 2, "{entry}");
        assert!(
            run.stderr.contains("dblint.order:2:")
                && run.stderr.contains("is not a path inside the folder"),
            "{entry}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("root:"), "{}", run.stderr);
    }
    std::fs::remove_file(dir.path().join("m/dblint.order")).unwrap();
    assert!(Command::new("mkfifo")
        .arg(dir.path().join("m/002.sql"))
        .status()
        .unwrap()
        .success());
    let started = Instant::now();
    let run = dblint_in(dir.path(), &["lint", "m", "--fail-on", "none"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("m/002.sql: cannot read: not a regular file"),
        "{}",
        run.stderr
    );
    assert!(started.elapsed() < Duration::from_secs(30));
    std::fs::remove_file(dir.path().join("m/002.sql")).unwrap();
    // And the report never overwrites an input.
    let run = dblint_in(
        dir.path(),
        &[
            "lint",
            "m/001.sql",
            "--format",
            "json",
            "--output",
            "m/001.sql",
        ],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("one of the input files"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("m/001.sql")).unwrap(),
        TABLE
    );
}

/// A server that completes the start-up and then never answers: inspect gives up on it
/// after statement_timeout plus a margin, with one line, instead of waiting forever.
#[test]
fn a_server_that_stops_answering_is_given_up_on() {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            // The start-up packet (length-prefixed), then: authentication OK, ready.
            let mut len = [0u8; 4];
            if stream.read_exact(&mut len).is_err() {
                return;
            }
            let mut body = vec![0u8; u32::from_be_bytes(len) as usize - 4];
            let _ = stream.read_exact(&mut body);
            let _ = stream.write_all(&[b'R', 0, 0, 0, 8, 0, 0, 0, 0]);
            let _ = stream.write_all(&[b'Z', 0, 0, 0, 5, b'I']);
            std::thread::sleep(Duration::from_secs(60));
        }
    });
    let started = Instant::now();
    let run = run_with_env(
        &[
            "inspect",
            &format!(
                "postgres://u:{PASSWORD}@127.0.0.1:{port}/db?sslmode=disable&connect_timeout=2"
            ),
            "--statement-timeout",
            "1",
        ],
        &[],
    );
    check_run(
        "silent after start-up",
        &run,
        2,
        "the server stopped answering",
        None,
    );
    assert!(
        started.elapsed() < Duration::from_secs(40),
        "{:?}",
        started.elapsed()
    );
}

/// `PGPASSWORD` (and the other `PG*` variables) fill in what a connection string
/// leaves unset, as in libpq.
#[test]
fn pg_variables_fill_in_what_the_url_leaves_out() {
    let db = database_with_tables("pgenv");
    let without_password = url_for(&db, "").replace(&format!(":{PASSWORD}@"), "@");
    let run = run_with_env(
        &[
            "inspect",
            &without_password,
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
        &[("PGPASSWORD", PASSWORD)],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The URL's own settings win over the variables.
    let run = run_with_env(
        &[
            "inspect",
            &url_for(&db, ""),
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
        &[("PGPASSWORD", "wrong"), ("PGPORT", "1")],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
}
