//! The schema at the merge base: the inputs as they were at the commit a change is
//! measured from ([`super::pending::Base`]), replayed and graded in the same run, so
//! that a pull request is judged on what it adds. A schema finding whose fingerprint
//! (rule + object path) is already in the base's findings was there before the
//! change; no baseline file is needed.
//!
//! The base's files are read from git's object store (`git ls-tree`, `git cat-file
//! --batch`) into a temporary directory with the repository's layout, so replay reads
//! them exactly as it reads the working tree: the same migration order, `dblint.order`,
//! Diesel's `metadata.toml`, Flyway's `.conf`, and the same settings. The directory
//! is removed when the run ends.

use super::pending::{path_from_bytes, Base};
use crate::engine::Plan;
use crate::report::Prior;
use crate::settings::Settings;
use crate::source::sql;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Replay `inputs` as they were at `base.commit` and grade them with `settings` and
/// `plan`. Errors (one line) when the base cannot be read or replayed into a schema:
/// an input outside the repository, git failing, or a base that replays out of order.
pub fn replay(
    base: &Base,
    inputs: &[PathBuf],
    settings: &Settings,
    plan: &Plan,
) -> Result<Prior, String> {
    let tree = tempfile::Builder::new()
        .prefix("dblint-base-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary directory for the base: {e}"))?;
    let mut relative = Vec::new();
    for input in inputs {
        let canonical =
            std::fs::canonicalize(input).map_err(|e| format!("{}: {e}", input.display()))?;
        let inside = canonical.strip_prefix(&base.top).map_err(|_| {
            format!(
                "{} is outside the repository at {}",
                input.display(),
                base.top.display()
            )
        })?;
        relative.push(inside.to_path_buf());
    }
    let mut blobs = list_blobs(&base.top, &base.commit, &relative)?;
    add_link_targets(&base.top, &base.commit, &mut blobs)?;
    write_blobs(&base.top, &blobs, tree.path())?;
    let at_base: Vec<PathBuf> = relative
        .iter()
        .map(|r| tree.path().join(r))
        .filter(|p| p.exists())
        .collect();
    if at_base.is_empty() {
        return Ok(Prior {
            base: base.name.clone(),
            merge_base: base.commit.clone(),
            fingerprints: BTreeSet::new(),
            scorecard: None,
        });
    }
    // Settings that depend on a file's path (`[paths."<glob>"]`) see the path the file
    // has in the working tree.
    let real = |file: &Path| -> PathBuf {
        file.strip_prefix(tree.path())
            .map(|r| base.top.join(r))
            .unwrap_or_else(|_| file.to_path_buf())
    };
    let delivery = |file: &Path| settings.delivery(&real(file));
    let loaded = if crate::source::prisma::is_prisma_input(&at_base).unwrap_or(false) {
        crate::source::prisma::load_as(&at_base, settings.prisma_version)
    } else {
        sql::load_with(&at_base, &delivery, &mut |_| {})
    }
    .map_err(|e| {
        let text = e.to_string();
        text.replace(&tree.path().display().to_string(), base.short())
    })?;
    if !loaded.out_of_order.is_empty() {
        return Err(format!(
            "at {} the inputs replay out of order",
            base.short()
        ));
    }
    let findings = crate::engine::run(&loaded.database, plan);
    let inline = crate::inline_ignores::collect(&loaded.outlines)
        .map_err(|e| format!("at {}: {e}", base.short()))?;
    let mut suppressions = crate::suppress::Suppressions::from_settings(settings)
        .map_err(|e| e.to_string())?
        .with_inline(inline);
    let graded = crate::grade::grade(&loaded.database, plan, findings, &mut suppressions);
    Ok(Prior {
        base: base.name.clone(),
        merge_base: base.commit.clone(),
        fingerprints: graded.findings.iter().map(|f| f.fingerprint()).collect(),
        scorecard: (!loaded.database.tables.is_empty()).then_some(graded.scorecard),
    })
}

/// (object id, path relative to the top) of every regular file under `paths` at
/// `commit`.
fn list_blobs(top: &Path, commit: &str, paths: &[PathBuf]) -> Result<Vec<Blob>, String> {
    let mut command = Command::new("git");
    command
        .arg("-C")
        .arg(top)
        .args(["ls-tree", "-r", "-z", "--full-tree", commit, "--"]);
    for p in paths {
        if p.as_os_str().is_empty() {
            command.arg(".");
        } else {
            command.arg(p);
        }
    }
    let out = command
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git ls-tree {commit}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let mut blobs = Vec::new();
    for entry in out.stdout.split(|b| *b == 0).filter(|e| !e.is_empty()) {
        // `<mode> SP <type> SP <object> TAB <path>`
        let Some(tab) = entry.iter().position(|b| *b == b'\t') else {
            continue;
        };
        let head = String::from_utf8_lossy(&entry[..tab]);
        let mut fields = head.split(' ');
        let (Some(mode), Some(kind), Some(object)) = (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        // Files and symbolic links (120000: the blob is the link's target), as the
        // working tree has them; not submodules.
        if kind == "blob" && (mode.starts_with("100") || mode == "120000") {
            blobs.push(Blob {
                id: object.to_string(),
                path: path_from_bytes(&entry[tab + 1..]),
                link: mode == "120000",
            });
        }
    }
    Ok(blobs)
}

/// The files the symbolic links among `blobs` point to inside the repository (a
/// migration linked from a shared folder), added as the base had them, so that a link
/// leads in the base's tree where it leads in the working tree. Links to outside the
/// repository keep pointing there (git does not hold it). Chains are followed, at most
/// 40 deep, as the kernel does.
fn add_link_targets(top: &Path, commit: &str, blobs: &mut Vec<Blob>) -> Result<(), String> {
    let mut done = 0;
    for _ in 0..40 {
        let mut wanted = Vec::new();
        for blob in &blobs[done..] {
            if !blob.link {
                continue;
            }
            let out = Command::new("git")
                .arg("-C")
                .arg(top)
                .args(["cat-file", "blob", &blob.id])
                .output()
                .map_err(|e| format!("cannot run git: {e}"))?;
            let target = path_from_bytes(&out.stdout);
            let Some(inside) = blob
                .path
                .parent()
                .and_then(|dir| inside_repository(&dir.join(&target)))
            else {
                continue;
            };
            if !blobs.iter().any(|b| b.path == inside) && !wanted.contains(&inside) {
                wanted.push(inside);
            }
        }
        done = blobs.len();
        if wanted.is_empty() {
            return Ok(());
        }
        blobs.extend(list_blobs(top, commit, &wanted)?);
    }
    Ok(())
}

/// `path` (relative to the repository's top) with `.` and `..` worked out, or `None`
/// when it is absolute or leaves the repository.
fn inside_repository(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::Normal(p) => out.push(p),
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

/// A file or symbolic link of the base's tree.
struct Blob {
    id: String,
    path: PathBuf,
    /// A symbolic link: the contents are its target.
    link: bool,
}

/// Write each blob's contents to `into/<path>` (a link as a link, so replay follows
/// it or refuses it as it does in the working tree), reading them all through one
/// `git cat-file --batch`.
fn write_blobs(top: &Path, blobs: &[Blob], into: &Path) -> Result<(), String> {
    if blobs.is_empty() {
        return Ok(());
    }
    let mut child = Command::new("git")
        .arg("-C")
        .arg(top)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let mut stdin = child.stdin.take().expect("piped");
    let ids: Vec<String> = blobs.iter().map(|b| b.id.clone()).collect();
    // Written on a thread of its own, so a full pipe on either side cannot block both.
    let feeder = std::thread::spawn(move || {
        for id in ids {
            if writeln!(stdin, "{id}").is_err() {
                break;
            }
        }
    });
    let mut reader = BufReader::new(child.stdout.take().expect("piped"));
    let failed = |what: &str| format!("git cat-file: {what}");
    for Blob { id, path, link } in blobs {
        let mut header = String::new();
        reader
            .read_line(&mut header)
            .map_err(|e| failed(&e.to_string()))?;
        // `<object> SP blob SP <size> LF <contents> LF`
        let size: usize = header
            .trim_end()
            .rsplit(' ')
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| failed(&format!("cannot read {id}: {}", header.trim())))?;
        let mut contents = vec![0; size + 1];
        reader
            .read_exact(&mut contents)
            .map_err(|e| failed(&e.to_string()))?;
        contents.pop();
        let target = into.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        if *link {
            #[cfg(unix)]
            {
                let to = path_from_bytes(&contents);
                std::os::unix::fs::symlink(&to, &target)
                    .map_err(|e| format!("{}: {e}", target.display()))?;
            }
            continue;
        }
        std::fs::write(&target, contents).map_err(|e| format!("{}: {e}", target.display()))?;
    }
    let _ = feeder.join();
    let _ = child.wait();
    Ok(())
}
