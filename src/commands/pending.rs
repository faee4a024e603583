//! Which migrations are pending, so that migration review speaks about what is about to
//! be deployed, not about history. Schema rules still grade the whole replayed schema;
//! only migration-safety findings are limited to pending files.
//!
//! The base, in order: `--all-migrations` (review everything, for audits); `--since
//! <ref>`; the CI's own word (GitHub Actions pull requests: `GITHUB_BASE_REF`; GitLab
//! merge requests: `CI_MERGE_REQUEST_DIFF_BASE_SHA`, else
//! `CI_MERGE_REQUEST_TARGET_BRANCH_NAME`); the upstream default branch (`origin/HEAD`,
//! else `origin/main`, `origin/master`, `main`, `master`). Pending files are those added
//! or changed since the merge base of that ref and HEAD, staged, unstaged or untracked
//! (read NUL-separated from git, so any file name works). Outside a git repository, or
//! with no base to be found, every migration is reviewed and a one-line note says so.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What migration review covers, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// Canonical paths of the pending files; `None` reviews every file.
    pub pending: Option<BTreeSet<PathBuf>>,
    /// Why: `changed since the merge base with origin/main`, `--all-migrations`, ….
    pub why: String,
    /// A one-line note for stderr (how to narrow or widen the review), if any.
    pub note: Option<String>,
}

impl Scope {
    /// Whether migration findings in `file` are reported.
    pub fn covers(&self, file: &str) -> bool {
        self.pending
            .as_ref()
            .is_none_or(|set| std::fs::canonicalize(file).is_ok_and(|p| set.contains(&p)))
    }

    fn everything(why: &str, note: Option<String>) -> Scope {
        Scope {
            pending: None,
            why: why.to_string(),
            note,
        }
    }
}

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
    }
    Ok(out.stdout)
}

fn git_text(dir: &Path, args: &[&str]) -> Result<String, String> {
    git(dir, args).map(|b| String::from_utf8_lossy(&b).trim().to_string())
}

/// The directory git is asked about: the first input, or its folder.
fn anchor(first_input: &Path) -> PathBuf {
    if first_input.is_dir() {
        first_input.to_path_buf()
    } else {
        first_input
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."))
    }
}

fn ref_exists(top: &Path, reference: &str) -> bool {
    git(
        top,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{reference}^{{commit}}"),
        ],
    )
    .is_ok()
}

/// Decide the scope of migration review. `env` reads the environment (tests pass
/// their own).
pub fn scope(
    inputs: &[PathBuf],
    since: Option<&str>,
    all_migrations: bool,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Scope, String> {
    if all_migrations {
        return Ok(Scope::everything("--all-migrations", None));
    }
    let Some(first) = inputs.first() else {
        return Ok(Scope::everything("no input", None));
    };
    let dir = anchor(first);
    let top = match git_text(&dir, &["rev-parse", "--show-toplevel"]) {
        Ok(top) => PathBuf::from(top),
        Err(_) if since.is_some() => {
            return Err(format!(
                "--since: {} is not inside a git repository",
                first.display()
            ))
        }
        Err(_) => {
            return Ok(Scope::everything(
                "not a git repository",
                Some(
                    "not in a git repository: every migration was reviewed; `--since <ref>` reviews only the migrations changed since a ref"
                        .into(),
                ),
            ))
        }
    };
    if let Some(reference) = since {
        if !ref_exists(&top, reference) {
            return Err(format!("--since: unknown git ref `{reference}`"));
        }
        return pending_since(
            &top,
            reference,
            &format!("changed since --since {reference}"),
        );
    }
    // The CI's own word first.
    let non_empty = |k: &str| env(k).filter(|v| !v.trim().is_empty());
    let mut candidates: Vec<(String, String)> = Vec::new();
    if let Some(base) = non_empty("GITHUB_BASE_REF") {
        candidates.push((
            format!("origin/{base}"),
            "the pull request's base (GITHUB_BASE_REF)".into(),
        ));
        candidates.push((base, "the pull request's base (GITHUB_BASE_REF)".into()));
    }
    if let Some(sha) = non_empty("CI_MERGE_REQUEST_DIFF_BASE_SHA") {
        candidates.push((
            sha,
            "the merge request's base (CI_MERGE_REQUEST_DIFF_BASE_SHA)".into(),
        ));
    }
    if let Some(target) = non_empty("CI_MERGE_REQUEST_TARGET_BRANCH_NAME") {
        let why = "the merge request's target (CI_MERGE_REQUEST_TARGET_BRANCH_NAME)";
        candidates.push((format!("origin/{target}"), why.into()));
        candidates.push((target, why.into()));
    }
    if let Ok(head) = git_text(
        &top,
        &[
            "symbolic-ref",
            "--quiet",
            "--short",
            "refs/remotes/origin/HEAD",
        ],
    ) {
        candidates.push((head, "the upstream default branch".into()));
    }
    for fallback in ["origin/main", "origin/master", "main", "master"] {
        candidates.push((fallback.to_string(), "the default branch".into()));
    }
    // A base the CI names but this clone lacks is said once, with what was used.
    let named: Vec<(&str, String)> = [
        "GITHUB_BASE_REF",
        "CI_MERGE_REQUEST_DIFF_BASE_SHA",
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME",
    ]
    .into_iter()
    .filter_map(|k| non_empty(k).map(|v| (k, v)))
    .collect();
    let ci_found = named.is_empty()
        || candidates
            .iter()
            .take_while(|(_, why)| why.contains('('))
            .any(|(r, _)| ref_exists(&top, r));
    for (reference, why) in candidates {
        if ref_exists(&top, &reference) {
            if !ci_found {
                let (var, value) = &named[0];
                let note = format!(
                    "{var} names `{value}`, which this clone does not have (fetch it, e.g. fetch-depth: 0): reviewing the changes since {reference} instead"
                );
                return Ok(
                    match pending_since(
                        &top,
                        &reference,
                        &format!("changed since {reference}, {why}"),
                    ) {
                        Ok(scope) => Scope {
                            note: Some(note),
                            ..scope
                        },
                        Err(_) => {
                            Scope::everything("no merge base with the base branch", Some(note))
                        }
                    },
                );
            }
            return Ok(
                pending_since(&top, &reference, &format!("changed since {reference}, {why}"))
                    .unwrap_or_else(|_| {
                        Scope::everything(
                            "no merge base with the base branch",
                            Some(format!(
                                "no merge base with {reference} (a shallow clone? fetch the history, e.g. actions/checkout with fetch-depth: 0): every migration was reviewed"
                            )),
                        )
                    }),
            );
        }
    }
    Ok(Scope::everything(
        "no base branch found",
        Some(
            "no base branch found (no origin/HEAD, main or master): every migration was reviewed; `--since <ref>` names the base"
                .into(),
        ),
    ))
}

fn pending_since(top: &Path, reference: &str, why: &str) -> Result<Scope, String> {
    let base = git_text(top, &["merge-base", reference, "HEAD"]).map_err(|e| {
        let why = if e.is_empty() {
            "no common history (a shallow clone? fetch the history, e.g. fetch-depth: 0)"
                .to_string()
        } else {
            e
        };
        format!("no merge base between `{reference}` and HEAD: {why}")
    })?;
    // NUL-separated: git quotes names with non-ASCII or special characters otherwise.
    let mut names = git(
        top,
        &["diff", "--name-only", "-z", "--diff-filter=AMR", &base],
    )
    .map_err(|e| format!("git diff failed: {e}"))?;
    names.extend(
        git(top, &["ls-files", "-z", "--others", "--exclude-standard"])
            .map_err(|e| format!("git ls-files failed: {e}"))?,
    );
    let pending = names
        .split(|b| *b == 0)
        .filter(|l| !l.is_empty())
        .filter_map(|l| std::fs::canonicalize(top.join(path_from_bytes(l))).ok())
        .collect();
    Ok(Scope {
        pending: Some(pending),
        why: why.to_string(),
        note: None,
    })
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
