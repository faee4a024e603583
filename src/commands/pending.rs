//! Which migrations are pending, and which commit the change is measured from, so
//! that a run speaks about what is about to be deployed, not about history: migration
//! review covers the pending files, and schema findings already present at the base
//! are told apart ([`super::prior`]).
//!
//! The base, in order: `--all` (judge everything, for audits); `--since <ref>`; the
//! CI's own word (GitHub Actions pull requests: `GITHUB_BASE_REF`; GitLab merge
//! requests: `CI_MERGE_REQUEST_DIFF_BASE_SHA`, else
//! `CI_MERGE_REQUEST_TARGET_BRANCH_NAME`); the upstream default branch (`origin/HEAD`,
//! else `origin/main`, `origin/master`, `main`, `master`). Pending files are those added
//! or changed since the merge base of that ref and HEAD, staged, unstaged or untracked
//! (read NUL-separated from git, so any file name works). Outside a git repository,
//! with no base to be found, or with a base that is the commit being checked, every
//! migration is reviewed and a one-line note says so (`--require-base` makes that an
//! error).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What migration review covers, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// Canonical paths of the pending files; `None` reviews every file.
    pub pending: Option<BTreeSet<PathBuf>>,
    /// Why: `changed since the merge base with origin/main`, `--all`, ….
    pub why: String,
    /// A one-line note for stderr (how to narrow or widen the review), if any.
    pub note: Option<String>,
    /// Say the note whatever the review found (the base could not measure the
    /// change); otherwise it is said only when migration review found something.
    pub loud: bool,
    /// The merge base the pending files are measured from, when there is one: the
    /// schema replayed there tells the change's own findings from those already on
    /// the base branch ([`super::prior`]).
    pub base: Option<Base>,
    /// The file read from standard input (`dblint lint -`), as replay names it: always
    /// reviewed, since it is the change being written.
    pub stdin: Option<String>,
}

/// The commit a change is measured from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base {
    /// The repository's top directory (canonical).
    pub top: PathBuf,
    /// The merge base, a full commit id.
    pub commit: String,
    /// The ref as the user or the CI named it (`origin/main`, a SHA).
    pub name: String,
}

impl Base {
    /// The merge base's abbreviated id, for reports.
    pub fn short(&self) -> &str {
        &self.commit[..self.commit.len().min(10)]
    }
}

impl Scope {
    /// Whether migration findings in `file` are reported.
    pub fn covers(&self, file: &str) -> bool {
        self.stdin.as_deref() == Some(file)
            || self
                .pending
                .as_ref()
                .is_none_or(|set| std::fs::canonicalize(file).is_ok_and(|p| set.contains(&p)))
    }

    fn everything(why: &str, note: Option<String>) -> Scope {
        Scope {
            pending: None,
            why: why.to_string(),
            note,
            loud: false,
            base: None,
            stdin: None,
        }
    }

    fn loud(self) -> Scope {
        Scope { loud: true, ..self }
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
/// their own). With `require_base`, a run that finds no base to measure the change
/// from (outside git, no base branch, no merge base, or a base that is the commit
/// being checked) is an error instead of a review of everything.
pub fn scope(
    inputs: &[PathBuf],
    since: Option<&str>,
    all: bool,
    require_base: bool,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Scope, String> {
    let scope = find_scope(inputs, since, all, env)?;
    let scope = measured_against_itself(scope, inputs);
    if require_base && scope.pending.is_none() && !all {
        let why = scope.note.as_deref().unwrap_or(&scope.why);
        let why = why.split(':').next().unwrap_or(why);
        return Err(format!(
            "--require-base: no base to review the change against ({why}); name one with --since <ref>, or fetch the history (fetch-depth: 0)"
        ));
    }
    Ok(scope)
}

/// A base that is the commit being checked (a detached CI checkout whose
/// `origin/HEAD` points at it; a run on main itself) measures nothing: unless the
/// working tree changes an input, everything is reviewed and a note says why.
fn measured_against_itself(scope: Scope, inputs: &[PathBuf]) -> Scope {
    let (Some(base), Some(pending)) = (&scope.base, &scope.pending) else {
        return scope;
    };
    let Ok(head) = git_text(&base.top, &["rev-parse", "HEAD"]) else {
        return scope;
    };
    if head != base.commit {
        return scope;
    }
    let roots: Vec<PathBuf> = inputs
        .iter()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    if pending
        .iter()
        .any(|f| roots.iter().any(|r| f.starts_with(r)))
    {
        // Uncommitted changes on top of the base: those are the change.
        return scope;
    }
    let name = base.name.clone();
    Scope::everything(
        "the base is the commit being checked",
        Some(format!(
            "the base {name} is the commit being checked (HEAD), so no migration is new against it: every migration was reviewed and every finding judged; `--since <ref>` names another base"
        )),
    )
    .loud()
}

fn find_scope(
    inputs: &[PathBuf],
    since: Option<&str>,
    all: bool,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Scope, String> {
    if all {
        return Ok(Scope::everything("--all", None));
    }
    let Some(first) = inputs.first() else {
        return Ok(Scope::everything("standard input", None));
    };
    let dir = anchor(first);
    let top = match git_text(&dir, &["rev-parse", "--show-toplevel"]) {
        Ok(top) => std::fs::canonicalize(&top).unwrap_or_else(|_| PathBuf::from(top)),
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
                                .loud()
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
                        .loud()
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
    )
    .loud())
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
        loud: false,
        stdin: None,
        base: Some(Base {
            top: top.to_path_buf(),
            commit: base,
            name: reference.to_string(),
        }),
    })
}

/// A path as git printed it (bytes; not necessarily UTF-8).
pub(super) fn path_from_bytes(bytes: &[u8]) -> PathBuf {
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
