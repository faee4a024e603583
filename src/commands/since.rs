//! `--since <git-ref>`: which migration files were added or changed since the merge
//! base with a ref (committed, staged, unstaged or untracked), found by shelling out
//! to `git`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("--since: cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
    }
    Ok(out.stdout)
}

fn git_text(dir: &Path, args: &[&str]) -> Result<String, String> {
    git(dir, args).map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// Canonical paths of the files changed since the merge base of `reference` and HEAD.
pub fn changed_files(first_input: &Path, reference: &str) -> Result<BTreeSet<PathBuf>, String> {
    let dir = if first_input.is_dir() {
        first_input.to_path_buf()
    } else {
        first_input
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."))
    };
    let top = git_text(&dir, &["rev-parse", "--show-toplevel"]).map_err(|_| {
        format!(
            "--since: {} is not inside a git repository",
            first_input.display()
        )
    })?;
    let top = PathBuf::from(top.trim());
    let commit = format!("{reference}^{{commit}}");
    git(&top, &["rev-parse", "--verify", "--quiet", &commit])
        .map_err(|_| format!("--since: unknown git ref `{reference}`"))?;
    let base = git_text(&top, &["merge-base", reference, "HEAD"])
        .map_err(|e| format!("--since: no merge base between `{reference}` and HEAD: {e}"))?;
    // NUL-separated: git quotes names with non-ASCII or special characters otherwise.
    let mut names = git(
        &top,
        &[
            "diff",
            "--name-only",
            "-z",
            "--diff-filter=AMR",
            base.trim(),
        ],
    )
    .map_err(|e| format!("--since: git diff failed: {e}"))?;
    names.extend(
        git(&top, &["ls-files", "-z", "--others", "--exclude-standard"])
            .map_err(|e| format!("--since: git ls-files failed: {e}"))?,
    );
    Ok(names
        .split(|b| *b == 0)
        .filter(|l| !l.is_empty())
        .filter_map(|l| std::fs::canonicalize(top.join(path_from_bytes(l))).ok())
        .collect())
}

/// A path as git printed it (bytes; not necessarily UTF-8).
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
    }
}
