//! A failed run leaves nothing half-done: a run that exits 2 writes neither
//! `--write-baseline` nor `--output`; a migration folder's entry that cannot be read is
//! an error naming it, never left out of the replay; `--output` to a stream dblint
//! holds (`/dev/stdout`, a link to `/proc/self/fd/1`) or to a device writes there, for
//! any user that may write it.
//!
//! Cases about permissions run the binary as `nobody` when the tests run as root (root
//! may read and write everything), through util-linux's `setpriv`.
#![cfg(unix)]

mod common;
use common::{dblint_in, temp_tree, Run};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};

const TABLE: &str = "CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL);\n";
/// A finding-rich table: an unindexed foreign key and unbounded text.
const ORDERS: &str = "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id), note varchar);\n";

fn is_root() -> bool {
    let out = Command::new("id").arg("-u").output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

/// The binary as a command run by an unprivileged user: `nobody` under root, else the
/// user running the tests.
fn unprivileged(dir: &Path) -> Command {
    let mut command = if is_root() {
        let mut c = Command::new("setpriv");
        c.args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--",
            env!("CARGO_BIN_EXE_dblint"),
        ]);
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_dblint"))
    };
    command
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("HOME", dir)
        .env_remove("DBLINT_CONFIG")
        .env_remove("DBLINT_FAIL_ON")
        .env_remove("GITHUB_BASE_REF");
    command
}

fn finish(out: std::process::Output) -> Run {
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A tree every user may read (the test's temporary directory is private).
fn open_tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = temp_tree(files);
    chmod_all(dir.path(), 0o755, 0o644);
    dir
}

fn chmod_all(path: &Path, dirs: u32, files: u32) {
    let mode = if path.is_dir() { dirs } else { files };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            chmod_all(&entry.unwrap().path(), dirs, files);
        }
    }
}

fn one_error_line(run: &Run, says: &[&str]) {
    assert_eq!(
        run.code, 2,
        "stdout: {}\nstderr: {}",
        run.stdout, run.stderr
    );
    let line = run.stderr.trim();
    assert_eq!(line.lines().count(), 1, "not one line: {line}");
    for s in says {
        assert!(line.contains(s), "`{s}` not in: {line}");
    }
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

/// Every way a run can exit 2 once the report is being published, with both files
/// asked for: neither is written, and files already there are left as they were.
#[test]
fn a_run_that_exits_two_writes_no_file() {
    let dir = temp_tree(&[
        ("a.sql", TABLE),
        ("b.sql", ORDERS),
        ("broken.sql", "CREATE TABLE oops (;\n"),
        ("corrupt.json", "{ not json"),
        ("old-baseline.json", "old baseline"),
        ("old-report.json", "old report"),
        ("sub/.keep", ""),
    ]);
    let unchanged = |name: &str, was: &str| {
        assert_eq!(
            std::fs::read_to_string(dir.path().join(name)).unwrap(),
            was,
            "{name} was written"
        );
    };
    let cases: Vec<(&str, Vec<&str>, &str)> = vec![
        // The baseline to compare with is corrupt: the new one is not written.
        (
            "corrupt --baseline",
            vec!["lint", "a.sql", "b.sql", "--baseline", "corrupt.json"],
            "not a dblint baseline",
        ),
        // The --output folder does not exist: the baseline is not written either.
        (
            "--output into a missing folder",
            vec![
                "lint",
                "a.sql",
                "b.sql",
                "--output",
                "missing/dir/report.json",
            ],
            "missing/dir/report.json",
        ),
        // --output is a folder.
        (
            "--output is a folder",
            vec!["lint", "a.sql", "b.sql", "--output", "."],
            "is a directory",
        ),
        // The same file for both.
        (
            "--output = --write-baseline",
            vec!["lint", "a.sql", "--output", "same.json"],
            "both name",
        ),
        // ... however it is spelled.
        (
            "--output = --write-baseline, spelled otherwise",
            vec!["lint", "a.sql", "--output", "./sub/../same.json"],
            "both name",
        ),
        // A device that fails when written: the baseline is not put in place either.
        (
            "--output /dev/full",
            vec!["lint", "a.sql", "b.sql", "--output", "/dev/full"],
            "No space left on device",
        ),
    ];
    for (name, mut args, says) in cases {
        let baseline = if name.starts_with("--output = --write-baseline") {
            "same.json"
        } else {
            "old-baseline.json"
        };
        args.extend(["--write-baseline", baseline, "--format", "json"]);
        if !args.contains(&"--output") {
            args.extend(["--output", "old-report.json"]);
        }
        let run = dblint_in(dir.path(), &args);
        assert_eq!(run.code, 2, "{name}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{name}: {}", run.stderr);
        unchanged("old-baseline.json", "old baseline");
        unchanged("old-report.json", "old report");
        assert!(!dir.path().join("same.json").exists(), "{name}");
        assert!(!dir.path().join("missing").exists(), "{name}");
    }
    // An input with errors: the report still goes to the terminal, no file is written.
    let run = dblint_in(
        dir.path(),
        &[
            "lint",
            "a.sql",
            "broken.sql",
            "--format",
            "json",
            "--output",
            "old-report.json",
            "--write-baseline",
            "old-baseline.json",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("report old-report.json not written")
            && run
                .stderr
                .contains("baseline old-baseline.json not written"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("Schema Quality Score"),
        "{}",
        run.stdout
    );
    unchanged("old-baseline.json", "old baseline");
    unchanged("old-report.json", "old report");
    // Temporary copies are not left behind.
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("dblint") && n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // And a run that passes writes both.
    let run = dblint_in(
        dir.path(),
        &[
            "lint",
            "a.sql",
            "b.sql",
            "--format",
            "json",
            "--output",
            "old-report.json",
            "--write-baseline",
            "old-baseline.json",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = std::fs::read_to_string(dir.path().join("old-report.json")).unwrap();
    assert!(report.contains("\"findings\""), "{report}");
    let baseline = std::fs::read_to_string(dir.path().join("old-baseline.json")).unwrap();
    assert!(baseline.contains("dblint_baseline"), "{baseline}");
    // A new file gets the mode the user's umask gives; a file replaced keeps its own.
    let umask = Command::new("sh").args(["-c", "umask"]).output().unwrap();
    let umask = u32::from_str_radix(String::from_utf8_lossy(&umask.stdout).trim(), 8).unwrap();
    let mode = |name: &str| {
        std::fs::metadata(dir.path().join(name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    let run = dblint_in(
        dir.path(),
        &[
            "lint",
            "a.sql",
            "--format",
            "json",
            "--output",
            "fresh.json",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(mode("fresh.json"), 0o666 & !umask);
    std::fs::set_permissions(
        dir.path().join("fresh.json"),
        std::fs::Permissions::from_mode(0o640),
    )
    .unwrap();
    let run = dblint_in(
        dir.path(),
        &[
            "lint",
            "a.sql",
            "--format",
            "json",
            "--output",
            "fresh.json",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(mode("fresh.json"), 0o640);
    // Neither may replace an input.
    for flag in ["--output", "--write-baseline"] {
        let run = dblint_in(dir.path(), &["lint", "a.sql", flag, "a.sql"]);
        assert_eq!(run.code, 2, "{flag}: {}", run.stderr);
        assert!(
            run.stderr.contains("one of the input files"),
            "{}",
            run.stderr
        );
        unchanged("a.sql", TABLE);
    }
}

/// An entry of a migration folder that cannot be read is an error naming it: a
/// dangling link, a link loop, a link to a folder (migration tools do not follow
/// them), a FIFO named like a migration, a folder without permission (as an
/// unprivileged user). A link to a file is followed.
#[test]
fn unreadable_folder_entries_are_errors_naming_them() {
    use std::os::unix::fs::symlink;
    let fresh = || {
        temp_tree(&[
            ("m/001_users.sql", TABLE),
            ("elsewhere/002_orders.sql", ORDERS),
        ])
    };
    // A link to a file is read.
    let dir = fresh();
    symlink(
        "../elsewhere/002_orders.sql",
        dir.path().join("m/002_orders.sql"),
    )
    .unwrap();
    let run = dblint_in(
        dir.path(),
        &["lint", "m", "--format", "json", "--fail-on", "none"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("orders"),
        "the linked file was not read"
    );

    type MakeEntry = Box<dyn Fn(&Path)>;
    let cases: Vec<(&str, MakeEntry, &str, &str)> = vec![
        (
            "dangling link named like a migration",
            Box::new(|m: &Path| symlink("gone.sql", m.join("002_gone.sql")).unwrap()),
            "m/002_gone.sql",
            "dangling",
        ),
        (
            "dangling link named otherwise",
            Box::new(|m: &Path| symlink("/nonexistent/dir", m.join("more")).unwrap()),
            "m/more",
            "dangling",
        ),
        (
            "link to a folder",
            Box::new(|m: &Path| symlink("../elsewhere", m.join("sub")).unwrap()),
            "m/sub",
            "a link to a folder",
        ),
        (
            "link loop through a folder",
            Box::new(|m: &Path| symlink(".", m.join("again")).unwrap()),
            "m/again",
            "a link to a folder",
        ),
        (
            "link to itself",
            Box::new(|m: &Path| symlink("self.sql", m.join("self.sql")).unwrap()),
            "m/self.sql",
            "loop",
        ),
        (
            "FIFO named like a migration",
            Box::new(|m: &Path| {
                assert!(Command::new("mkfifo")
                    .arg(m.join("002_pipe.sql"))
                    .status()
                    .unwrap()
                    .success())
            }),
            "m/002_pipe.sql",
            "not a regular file",
        ),
    ];
    for (name, make, names, says) in cases {
        let dir = fresh();
        make(&dir.path().join("m"));
        let run = dblint_in(dir.path(), &["lint", "m"]);
        assert_eq!(run.code, 2, "{name}");
        one_error_line(&run, &[names, says]);
    }
    // A folder the user may not read (root may read everything: run as nobody).
    let dir = open_tree(&[
        ("m/001_users.sql", TABLE),
        ("m/later/002_orders.sql", ORDERS),
    ]);
    std::fs::set_permissions(
        dir.path().join("m/later"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    let run = finish(
        unprivileged(dir.path())
            .args(["lint", "m"])
            .output()
            .unwrap(),
    );
    std::fs::set_permissions(
        dir.path().join("m/later"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    one_error_line(&run, &["m/later", "ermission denied"]);
    // A migration file the user may not read.
    std::fs::set_permissions(
        dir.path().join("m/001_users.sql"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    let run = finish(
        unprivileged(dir.path())
            .args(["lint", "m"])
            .output()
            .unwrap(),
    );
    one_error_line(&run, &["m/001_users.sql", "ermission denied"]);
}

/// `--output` naming dblint's own standard output, however it is reached, writes
/// through the descriptor: also when standard output is a regular file (replacing the
/// file would lose the scorecard printed to it) and for a user who could not open it
/// by name (a pipe or file opened by root).
#[test]
fn output_to_own_streams_writes_through_them() {
    let dir = open_tree(&[("a.sql", TABLE)]);
    std::os::unix::fs::symlink("/proc/self/fd/1", dir.path().join("fd1")).unwrap();
    std::os::unix::fs::symlink("/dev/stdout", dir.path().join("out")).unwrap();
    std::os::unix::fs::symlink("/proc/self/fd", dir.path().join("fds")).unwrap();
    for target in ["/dev/stdout", "/proc/self/fd/1", "fd1", "out", "fds/1"] {
        // Standard output is a regular file.
        let sink = tempfile::NamedTempFile::new().unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_dblint"))
            .args(["lint", "a.sql", "--format", "json", "--output", target])
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .stdout(Stdio::from(sink.reopen().unwrap()))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{target}: {stderr}");
        let written = std::fs::read_to_string(sink.path()).unwrap();
        assert!(
            written.contains("Schema Quality Score") && written.contains("\"findings\""),
            "{target}: the scorecard and the report must both be there: {written}"
        );
        assert!(sink.path().is_file());
        // As a user who may write the descriptor but not open the pipe by name.
        let run = finish(
            unprivileged(dir.path())
                .args(["lint", "a.sql", "--format", "json", "--output", target])
                .output()
                .unwrap(),
        );
        assert_eq!(run.code, 0, "{target}: {}", run.stderr);
        assert!(
            run.stdout.contains("\"findings\""),
            "{target}: {}",
            run.stdout
        );
    }
    // Standard error, too.
    let run = finish(
        unprivileged(dir.path())
            .args([
                "lint",
                "a.sql",
                "--format",
                "json",
                "--output",
                "/dev/stderr",
            ])
            .output()
            .unwrap(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("\"findings\""), "{}", run.stderr);
    // A character device any user may write.
    let run = finish(
        unprivileged(dir.path())
            .args(["lint", "a.sql", "--format", "json", "--output", "/dev/null"])
            .output()
            .unwrap(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// A file the user may write in a folder they may not (no temporary file beside it
/// can be made) is written in place; a new file there is an error naming it.
#[test]
fn a_writable_file_in_a_read_only_folder_is_written_in_place() {
    let dir = open_tree(&[("a.sql", TABLE), ("ro/report.json", "old")]);
    std::fs::set_permissions(
        dir.path().join("ro/report.json"),
        std::fs::Permissions::from_mode(0o666),
    )
    .unwrap();
    let ro = |mode: u32| {
        std::fs::set_permissions(dir.path().join("ro"), std::fs::Permissions::from_mode(mode))
            .unwrap()
    };
    ro(0o555);
    let run = finish(
        unprivileged(dir.path())
            .args([
                "lint",
                "a.sql",
                "--format",
                "json",
                "--output",
                "ro/report.json",
            ])
            .output()
            .unwrap(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let written = std::fs::read_to_string(dir.path().join("ro/report.json")).unwrap();
    assert!(written.contains("\"findings\""), "{written}");
    let run = finish(
        unprivileged(dir.path())
            .args([
                "lint",
                "a.sql",
                "--format",
                "json",
                "--output",
                "ro/new.json",
            ])
            .output()
            .unwrap(),
    );
    ro(0o755);
    one_error_line(&run, &["ro/new.json", "ermission denied"]);
}
