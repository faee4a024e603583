//! One report comment on the pull request (GitHub, `--github-comment`) or merge
//! request (GitLab, `--gitlab-comment`), kept up to date run after run.
//!
//! The comment is found by a hidden marker on its first line, `<!-- dblint:report
//! key=KEY -->` (`--comment-key`, default `default`: one comment per dblint job), among
//! every page of the thread's comments. None: one is created. One: it is updated, only
//! if its text changed (no notification for nothing). Several (two jobs raced, or an
//! older dblint): the oldest is updated and the others are deleted. A run with no
//! findings updates it to say so, so a comment never goes stale. Comments without the
//! marker, with another key, or written by someone else (anyone can type the marker)
//! are never touched.
//!
//! When the platform refuses (a pull request from a fork gets a read-only token: 403;
//! a missing permission: 403/404) or cannot be reached, dblint says so in one line and
//! falls back to what it can write (GitHub: the job summary and annotations); the exit
//! code stays that of the gate. A setting that is missing or wrong (no token, no
//! repository) is an error before anything is written (exit 2).

pub mod github;
pub mod gitlab;
pub mod http;

/// The thread a run comments on.
pub enum Destination {
    GitHub(github::PullRequest),
    GitLab(gitlab::MergeRequest),
}

/// Where `--github-comment` / `--gitlab-comment` send the report, read from `env`
/// before anything else happens: `None` (with a note on stderr) when the run is not
/// for a pull or merge request. Errors: a bad `--comment-key` or a missing or malformed
/// setting, named (exit 2).
pub fn destination(
    args: &crate::args::ReportArgs,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<Destination>, String> {
    if !args.github_comment && !args.gitlab_comment {
        return Ok(None);
    }
    if !valid_key(&args.comment_key) {
        return Err(format!(
            "--comment-key: `{}` is not a key (1 to 64 letters, digits, `.`, `_`, `-`)",
            args.comment_key
        ));
    }
    let (flag, target) = if args.github_comment {
        (
            "--github-comment",
            github::pull_request(env)?.map(Destination::GitHub),
        )
    } else {
        (
            "--gitlab-comment",
            gitlab::merge_request(env)?.map(Destination::GitLab),
        )
    };
    match target {
        Target::Here(d) => Ok(Some(d)),
        Target::Nowhere(why) => {
            eprintln!("dblint: note: {flag}: no comment: {why}");
            Ok(None)
        }
    }
}

/// Post `report` (Markdown) to `destination` under `key`, saying what happened in one
/// line on stderr. When that fails, says why and returns `false`: the caller falls
/// back to what it can write.
pub fn post(destination: Destination, key: &str, report: &str) -> bool {
    let github = matches!(destination, Destination::GitHub(_));
    let (outcome, place) = match destination {
        Destination::GitHub(mut pr) => {
            let text = body(
                key,
                report,
                github::MAX_CHARS,
                "the job summary has all of it",
            );
            let place = format!("pull request #{}", pr.number);
            (upsert(&mut pr, key, &text), place)
        }
        Destination::GitLab(mut mr) => {
            let text = body(key, report, gitlab::MAX_CHARS, "the job log has all of it");
            let place = format!("merge request !{}", mr.iid);
            (upsert(&mut mr, key, &text), place)
        }
    };
    match outcome {
        Ok(done) => {
            let what = match done {
                Outcome::Created(_) => "created",
                Outcome::Updated(_) => "updated",
                Outcome::Unchanged(_) => "unchanged",
            };
            eprintln!("dblint: report comment on {place} {what}");
            true
        }
        Err(failure) => {
            let hint = match (failure.status, github) {
                (Some(403) | Some(404), true) => " (a pull request from a fork gets a read-only token; the job needs `pull-requests: write`)",
                (Some(403) | Some(404), false) => " (the token needs the api scope and at least the Reporter role)",
                (Some(401), _) => " (the token was refused)",
                _ => "",
            };
            eprintln!("dblint: warning: cannot comment on {place}: {failure}{hint}; the exit code is unchanged");
            false
        }
    }
}

/// After a run that stopped with an error (exit 2) before its report: the comment says
/// so, with the error line, instead of still showing an earlier run's verdict. Quiet
/// when the comment cannot be placed (the error may be about that very setting).
pub fn post_failure(args: &crate::args::ReportArgs, error: &str) {
    let Ok(Some(destination)) = destination(args, &|k| std::env::var(k).ok()) else {
        return;
    };
    let shown: String = error
        .chars()
        .map(|c| match c {
            '`' => '\'',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let body = format!(
        "## dblint: no verdict · ❌ dblint stopped with an error\n\n`{shown}`\n\nThe job's log has the rest. What an earlier run reported here no longer holds.\n"
    );
    post(destination, &args.comment_key, &body);
}

impl<T> Target<T> {
    fn map<U>(self, f: impl FnOnce(T) -> U) -> Target<U> {
        match self {
            Target::Here(t) => Target::Here(f(t)),
            Target::Nowhere(why) => Target::Nowhere(why),
        }
    }
}

/// Where a run's comment goes, or why it has none (a push, not a pull request).
pub enum Target<T> {
    Here(T),
    Nowhere(String),
}

/// A comment of a thread: its id and text, oldest first as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub id: u64,
    pub body: String,
    /// Written by the token's own identity (GitHub: the token's user, or a bot when a
    /// workflow or app token cannot say who it is; GitLab: the token's user). Only such
    /// comments are updated or deleted: anyone can type the marker.
    pub mine: bool,
}

/// A failed request: the HTTP status when there was an answer, and one line saying
/// what went wrong (never the token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub status: Option<u16>,
    pub message: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// A pull request's or merge request's comments, as a platform's API serves them.
pub trait Thread {
    /// Every comment, all pages, oldest first.
    fn list(&mut self) -> Result<Vec<Note>, Failure>;
    fn create(&mut self, body: &str) -> Result<u64, Failure>;
    fn update(&mut self, id: u64, body: &str) -> Result<(), Failure>;
    fn delete(&mut self, id: u64) -> Result<(), Failure>;
}

/// What keeping the comment up to date did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Created(u64),
    Updated(u64),
    /// The comment already said this.
    Unchanged(u64),
}

/// The marker a report comment starts with, for `key`.
pub fn marker(key: &str) -> String {
    format!("<!-- dblint:report key={key} -->")
}

/// Whether `key` can be a comment key: 1 to 64 ASCII letters, digits, `.`, `_`, `-`
/// (it goes into an HTML comment and must never end it).
pub fn valid_key(key: &str) -> bool {
    (1..=64).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// The comment's text: the marker line, then `report`, cut to at most `limit`
/// characters at a line end with a note saying where the rest is.
pub fn body(key: &str, report: &str, limit: usize, rest: &str) -> String {
    let head = marker(key);
    let full = format!("{head}\n{report}");
    if full.chars().count() <= limit {
        return full;
    }
    let note = format!("\n\n… the report is longer than this comment may be; {rest}.\n");
    let room = limit.saturating_sub(note.chars().count());
    let mut cut: String = full.chars().take(room).collect();
    if let Some(end) = cut.rfind('\n') {
        cut.truncate(end);
    }
    cut + &note
}

/// Keep one comment starting with `key`'s marker in `thread`, saying `body`.
pub fn upsert(thread: &mut dyn Thread, key: &str, body: &str) -> Result<Outcome, Failure> {
    let head = marker(key);
    let ours: Vec<Note> = thread
        .list()?
        .into_iter()
        .filter(|n| n.mine && n.body.lines().next().map(str::trim) == Some(head.as_str()))
        .collect();
    let Some(first) = ours.first() else {
        return thread.create(body).map(Outcome::Created);
    };
    for extra in &ours[1..] {
        thread.delete(extra.id)?;
    }
    if first.body == body {
        return Ok(Outcome::Unchanged(first.id));
    }
    thread.update(first.id, body)?;
    Ok(Outcome::Updated(first.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Fake {
        notes: Vec<Note>,
        next: u64,
        calls: Vec<String>,
    }

    impl Thread for Fake {
        fn list(&mut self) -> Result<Vec<Note>, Failure> {
            self.calls.push("list".into());
            Ok(self.notes.clone())
        }
        fn create(&mut self, body: &str) -> Result<u64, Failure> {
            self.next += 1;
            self.calls.push(format!("create {}", self.next));
            self.notes.push(Note {
                id: self.next,
                body: body.into(),
                mine: true,
            });
            Ok(self.next)
        }
        fn update(&mut self, id: u64, body: &str) -> Result<(), Failure> {
            self.calls.push(format!("update {id}"));
            for n in self.notes.iter_mut().filter(|n| n.id == id) {
                n.body = body.into();
            }
            Ok(())
        }
        fn delete(&mut self, id: u64) -> Result<(), Failure> {
            self.calls.push(format!("delete {id}"));
            self.notes.retain(|n| n.id != id);
            Ok(())
        }
    }

    #[test]
    fn one_comment_per_key_created_updated_deduplicated() {
        let mut fake = Fake {
            next: 100,
            ..Fake::default()
        };
        fake.notes.push(Note {
            id: 1,
            body: "<!-- dblint:report key=other -->\nanother job's".into(),
            mine: true,
        });
        fake.notes.push(Note {
            id: 2,
            body: "LGTM <!-- dblint:report key=default -->".into(),
            mine: true,
        });
        // Someone else's comment that starts with the marker.
        fake.notes.push(Note {
            id: 3,
            body: "<!-- dblint:report key=default -->\nall clear, trust me".into(),
            mine: false,
        });
        let a = body("default", "report A", 65_536, "");
        assert_eq!(upsert(&mut fake, "default", &a), Ok(Outcome::Created(101)));
        assert_eq!(
            upsert(&mut fake, "default", &a),
            Ok(Outcome::Unchanged(101))
        );
        let b = body("default", "report B", 65_536, "");
        assert_eq!(upsert(&mut fake, "default", &b), Ok(Outcome::Updated(101)));
        // A second one (a race): the oldest stays, the other goes.
        fake.notes.push(Note {
            id: 200,
            body: a.clone(),
            mine: true,
        });
        assert_eq!(upsert(&mut fake, "default", &a), Ok(Outcome::Updated(101)));
        assert!(fake.calls.contains(&"delete 200".to_string()));
        // Comments without the marker on their first line, or with another key, stay.
        assert!(fake.notes.iter().any(|n| n.id == 1));
        assert!(fake.notes.iter().any(|n| n.id == 2));
        assert!(!fake
            .calls
            .iter()
            .any(|c| c == "update 1" || c == "delete 2"));
    }

    #[test]
    fn long_reports_are_cut_at_a_line_with_a_note() {
        let report: String = (0..10_000).map(|i| format!("line {i}\n")).collect();
        let cut = body("k", &report, 1_000, "the job summary has it all");
        assert!(cut.chars().count() <= 1_000, "{}", cut.chars().count());
        assert!(cut.starts_with("<!-- dblint:report key=k -->\n"));
        assert!(cut.ends_with("the job summary has it all.\n"));
        assert!(cut.contains("\nline 3\n"));
        assert_eq!(
            body("k", "short", 1_000, "x"),
            "<!-- dblint:report key=k -->\nshort"
        );
    }

    #[test]
    fn keys_cannot_close_the_marker() {
        assert!(valid_key("default"));
        assert!(valid_key("staging.db_2-a"));
        for bad in ["", "a b", "x-->", "<!--", &"k".repeat(65), "é"] {
            assert!(!valid_key(bad), "{bad}");
        }
    }
}
