//! Helpers shared by the CLI tests: run the real binary and capture what it prints.
#![allow(dead_code)]

pub mod claims;
pub mod corpus;
pub mod pg;

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Run `dblint` from `dir` with `args`, colour off, no inherited config, and no base
/// from the CI's environment. Run inside this repository, dblint does not see its git
/// history: otherwise, on a branch, a PR-scoped run would judge only what the branch
/// changed in the fixtures, and the tests' verdicts would depend on the checkout
/// (tests of PR scope build repositories of their own, outside this one).
pub fn dblint_in(dir: &Path, args: &[&str]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dblint"));
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("DBLINT_CONFIG")
        .env_remove("DBLINT_FAIL_ON")
        .env_remove("GITHUB_BASE_REF")
        .env_remove("CI_MERGE_REQUEST_DIFF_BASE_SHA")
        .env_remove("CI_MERGE_REQUEST_TARGET_BRANCH_NAME");
    if dir.starts_with(root()) {
        command.env("GIT_DIR", root().join("target/no-git-history"));
    }
    let out = command.output().expect("run dblint");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn dblint(args: &[&str]) -> Run {
    dblint_in(&root(), args)
}

/// A temporary directory with the given files (path → contents).
pub fn temp_tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, contents) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, contents).unwrap();
    }
    dir
}

/// Copy the directory `from`, with everything under it, to `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A case-insensitive glob whose `*` also crosses `/` (reviewed-difference files);
/// `file` names the file it comes from, for the panic on a bad pattern.
pub fn glob(pattern: &str, file: &str) -> globset::GlobMatcher {
    globset::GlobBuilder::new(pattern)
        .case_insensitive(true)
        .literal_separator(false)
        .build()
        .unwrap_or_else(|e| panic!("{file}: bad glob `{pattern}`: {e}"))
        .compile_matcher()
}
