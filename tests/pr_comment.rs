//! `--github-comment` and `--gitlab-comment` against a fake API on 127.0.0.1: the real
//! binary keeps one report comment per key up to date (created once, updated only when
//! its text changes, duplicates deleted, found on any page, others' comments never
//! touched, updated when the findings are gone), retries server faults, sends the
//! platform's headers, and on a refusal falls back to the job summary and annotations
//! with the exit code unchanged. All traffic stays on loopback.

mod common;
use common::{temp_tree, Run};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};

const USERS: &str = "CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL);\n";
const ORDERS: &str =
    "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id));\n";
const TOKEN: &str = "ghs_test-token-never-printed";

/// One request the fake API received.
#[derive(Debug, Clone)]
struct Request {
    method: String,
    path: String,
    headers: BTreeMap<String, String>,
    body: String,
}

#[derive(Default)]
struct State {
    /// (id, body), oldest first.
    comments: Vec<(u64, String)>,
    next_id: u64,
    requests: Vec<Request>,
    /// Statuses to answer the next requests with, instead of serving them.
    faults: Vec<u16>,
    /// Answer every write with 403 (a fork's read-only token).
    read_only: bool,
    /// Who wrote each comment: (login, GitHub user type, GitLab user id); the bot
    /// the workflow token writes as when not listed.
    authors: BTreeMap<u64, (String, String, u64)>,
    /// The token is this user's (GitHub answers `GET /user`); `None`: a workflow token,
    /// which writes as github-actions[bot] and may not ask `GET /user`.
    github_user: Option<String>,
    /// Statuses to answer the next POSTs with (a gateway that did the POST, then
    /// failed).
    post_faults: Vec<u16>,
    /// Link the next page on this origin instead of the fake's own.
    next_origin: Option<String>,
    /// Answer listing with a redirect here.
    redirect_to: Option<String>,
}

const BOT: (&str, &str, u64) = ("github-actions[bot]", "Bot", 99);

/// A fake GitHub (paths `/repos/o/r/issues/7/comments`, `/repos/o/r/issues/comments/ID`)
/// and GitLab (`/api/v4/projects/42/merge_requests/7/notes[/ID]`) comment API.
struct Fake {
    port: u16,
    state: Arc<Mutex<State>>,
}

impl Fake {
    fn start() -> Fake {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State {
            next_id: 1000,
            ..State::default()
        }));
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let state = shared.clone();
                std::thread::spawn(move || serve(stream, port, &state));
            }
        });
        Fake { port, state }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn comments(&self) -> Vec<(u64, String)> {
        self.state.lock().unwrap().comments.clone()
    }

    fn add(&self, body: &str) -> u64 {
        let mut s = self.state.lock().unwrap();
        s.next_id += 1;
        let id = s.next_id;
        s.comments.push((id, body.to_string()));
        id
    }

    /// A comment by someone else (a person typing the marker).
    fn add_by(&self, body: &str, login: &str, kind: &str, id: u64) -> u64 {
        let comment = self.add(body);
        self.state
            .lock()
            .unwrap()
            .authors
            .insert(comment, (login.into(), kind.into(), id));
        comment
    }

    /// The requests since the last call, as `METHOD path` (query left out).
    fn take(&self) -> Vec<Request> {
        std::mem::take(&mut self.state.lock().unwrap().requests)
    }
}

fn summary(requests: &[Request]) -> Vec<String> {
    requests
        .iter()
        .map(|r| {
            let path = r.path.split('?').next().unwrap();
            format!("{} {path}", r.method)
        })
        .collect()
}

fn serve(stream: std::net::TcpStream, port: u16, state: &Mutex<State>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("").to_string();
    let mut headers = BTreeMap::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).unwrap();
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let length: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    let body = String::from_utf8_lossy(&body).into_owned();
    let (status, extra, answer) = answer(
        state,
        Request {
            method,
            path,
            headers,
            body,
        },
        port,
    );
    let mut stream = stream;
    let _ = write!(
        stream,
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n{answer}",
        answer.len()
    );
}

fn answer(state: &Mutex<State>, request: Request, port: u16) -> (u16, String, String) {
    let mut s = state.lock().unwrap();
    s.requests.push(request.clone());
    if !s.faults.is_empty() {
        let status = s.faults.remove(0);
        return (status, String::new(), r#"{"message":"fault"}"#.into());
    }
    let (path, query) = request
        .path
        .split_once('?')
        .unwrap_or((request.path.as_str(), ""));
    let param = |name: &str| {
        query
            .split('&')
            .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
            .and_then(|v| v.parse::<usize>().ok())
    };
    let body_of = |text: &str| {
        serde_json::from_str::<serde_json::Value>(text).unwrap()["body"]
            .as_str()
            .unwrap()
            .to_string()
    };
    if request.method == "POST" && !s.post_faults.is_empty() {
        let status = s.post_faults.remove(0);
        s.next_id += 1;
        let id = s.next_id;
        s.comments.push((id, "a comment the gateway stored".into()));
        return (status, String::new(), r#"{"message":"bad gateway"}"#.into());
    }
    if let Some(to) = s.redirect_to.clone().filter(|_| request.method == "GET") {
        return (302, format!("Location: {to}\r\n"), String::new());
    }
    let is_list = path == "/repos/o/r/issues/7/comments"
        || path == "/api/v4/projects/42/merge_requests/7/notes";
    let item = path
        .strip_prefix("/repos/o/r/issues/comments/")
        .or_else(|| path.strip_prefix("/api/v4/projects/42/merge_requests/7/notes/"))
        .and_then(|id| id.parse::<u64>().ok());
    if s.read_only && request.method != "GET" {
        return (
            403,
            String::new(),
            r#"{"message":"Resource not accessible by integration"}"#.into(),
        );
    }
    let author_of = |s: &State, id: u64| {
        s.authors
            .get(&id)
            .cloned()
            .unwrap_or_else(|| (BOT.0.to_string(), BOT.1.to_string(), BOT.2))
    };
    if request.method == "GET" && path == "/user" {
        return match &s.github_user {
            Some(login) => (
                200,
                String::new(),
                format!(r#"{{"login":"{login}","type":"User"}}"#),
            ),
            None => (
                403,
                String::new(),
                r#"{"message":"Resource not accessible by integration"}"#.into(),
            ),
        };
    }
    if request.method == "GET" && path == "/api/v4/user" {
        return (
            200,
            String::new(),
            r#"{"id":99,"username":"project_42_bot"}"#.into(),
        );
    }
    match (request.method.as_str(), is_list, item) {
        ("GET", true, _) => {
            let per_page = param("per_page").unwrap_or(30).min(100);
            let page = param("page").unwrap_or(1);
            let all: Vec<serde_json::Value> = s
                .comments
                .iter()
                .map(|(id, body)| {
                    let (login, kind, user_id) = author_of(&s, *id);
                    serde_json::json!({
                        "id": id,
                        "body": body,
                        "user": {"login": login, "type": kind},
                        "author": {"id": user_id, "username": login},
                        "system": false
                    })
                })
                .collect();
            let chunk: Vec<_> = all
                .iter()
                .skip((page - 1) * per_page)
                .take(per_page)
                .cloned()
                .collect();
            let link = if page * per_page < all.len() {
                let origin = s
                    .next_origin
                    .clone()
                    .unwrap_or_else(|| format!("http://127.0.0.1:{port}"));
                format!(
                    "Link: <{origin}{path}?per_page={per_page}&page={}>; rel=\"next\"\r\n",
                    page + 1
                )
            } else {
                String::new()
            };
            (200, link, serde_json::to_string(&chunk).unwrap())
        }
        ("POST", true, _) => {
            s.next_id += 1;
            let id = s.next_id;
            s.comments.push((id, body_of(&request.body)));
            if let Some(login) = s.github_user.clone() {
                s.authors.insert(id, (login, "User".into(), 7));
            }
            (201, String::new(), format!(r#"{{"id":{id}}}"#))
        }
        ("PATCH" | "PUT", false, Some(id)) => {
            let body = body_of(&request.body);
            match s.comments.iter_mut().find(|(i, _)| *i == id) {
                Some(c) => {
                    c.1 = body;
                    (200, String::new(), format!(r#"{{"id":{id}}}"#))
                }
                None => (404, String::new(), r#"{"message":"Not Found"}"#.into()),
            }
        }
        ("DELETE", false, Some(id)) => {
            s.comments.retain(|(i, _)| *i != id);
            (204, String::new(), String::new())
        }
        _ => (404, String::new(), r#"{"message":"Not Found"}"#.into()),
    }
}

/// A GitHub Actions pull-request run in `dir`, against `fake`.
fn github_run(dir: &Path, fake: &Fake, files: &[&str], extra: &[&str]) -> Run {
    std::fs::write(
        dir.join("event.json"),
        r#"{"action":"opened","pull_request":{"number":7}}"#,
    )
    .unwrap();
    let mut args = vec!["lint"];
    args.extend(files);
    args.extend(["--github-comment", "--fail-on", "warning"]);
    args.extend(extra);
    run(
        dir,
        &args,
        &[
            ("GITHUB_API_URL", fake.url()),
            ("GITHUB_REPOSITORY", "o/r".into()),
            (
                "GITHUB_EVENT_PATH",
                dir.join("event.json").display().to_string(),
            ),
            ("GITHUB_EVENT_NAME", "pull_request".into()),
            ("GITHUB_TOKEN", TOKEN.into()),
            (
                "GITHUB_STEP_SUMMARY",
                dir.join("summary.md").display().to_string(),
            ),
        ],
    )
}

fn run(dir: &Path, args: &[&str], env: &[(&str, String)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dblint"));
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("DBLINT_HTTP_RETRY_MS", "50");
    for key in [
        "DBLINT_CONFIG",
        "DBLINT_FAIL_ON",
        "GITHUB_BASE_REF",
        "GITHUB_TOKEN",
        "GH_TOKEN",
        "GITHUB_EVENT_PATH",
        "GITHUB_STEP_SUMMARY",
        "GITHUB_REPOSITORY",
        "GITHUB_API_URL",
        "CI_MERGE_REQUEST_IID",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        command.env_remove(key);
    }
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().unwrap();
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    for text in [&run.stdout, &run.stderr] {
        assert!(!text.contains(TOKEN), "the token was printed: {text}");
        assert!(!text.contains("panicked"), "{text}");
    }
    run
}

const MARKER: &str = "<!-- dblint:report key=default -->";

#[test]
fn one_comment_is_created_updated_and_kept() {
    let fake = Fake::start();
    let dir = temp_tree(&[("a.sql", USERS), ("b.sql", ORDERS)]);
    // Someone else's comments, and another dblint job's, are never touched.
    let human = fake.add("Looks good, but see dblint's report");
    let other_job = fake.add("<!-- dblint:report key=staging -->\nanother job");
    // First run: one POST, starting with the marker; the exit code is the gate's.
    let first = github_run(dir.path(), &fake, &["a.sql", "b.sql"], &[]);
    assert_eq!(first.code, 1, "{}", first.stderr);
    assert!(first.stderr.contains("created"), "{}", first.stderr);
    let requests = fake.take();
    assert_eq!(
        summary(&requests),
        [
            "GET /user",
            "GET /repos/o/r/issues/7/comments",
            "POST /repos/o/r/issues/7/comments"
        ]
    );
    // The platform's headers.
    for r in &requests {
        assert_eq!(r.headers["authorization"], format!("Bearer {TOKEN}"));
        assert_eq!(r.headers["accept"], "application/vnd.github+json");
        assert_eq!(r.headers["x-github-api-version"], "2022-11-28");
        assert!(
            r.headers["user-agent"].starts_with("dblint/"),
            "{:?}",
            r.headers
        );
    }
    let comments = fake.comments();
    let (id, body) = comments.last().unwrap().clone();
    assert!(
        body.starts_with(&format!("{MARKER}\n## dblint: 1 finding")),
        "{body}"
    );
    assert!(body.contains("fk-missing-index"), "{body}");
    // The same findings again: nothing written.
    let again = github_run(dir.path(), &fake, &["a.sql", "b.sql"], &[]);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("unchanged"), "{}", again.stderr);
    assert_eq!(
        summary(&fake.take()),
        ["GET /user", "GET /repos/o/r/issues/7/comments"]
    );
    // The finding is fixed: the same comment says so (no stale comment).
    let fixed = github_run(dir.path(), &fake, &["a.sql"], &[]);
    assert_eq!(fixed.code, 0, "{}", fixed.stderr);
    assert_eq!(
        summary(&fake.take()),
        [
            "GET /user".to_string(),
            "GET /repos/o/r/issues/7/comments".to_string(),
            format!("PATCH /repos/o/r/issues/comments/{id}")
        ]
    );
    let now = fake.comments();
    let ours: Vec<_> = now.iter().filter(|(_, b)| b.starts_with(MARKER)).collect();
    assert_eq!(ours.len(), 1);
    assert_eq!(ours[0].0, id);
    assert!(ours[0].1.contains("no findings"), "{}", ours[0].1);
    assert!(now.contains(&(human, "Looks good, but see dblint's report".into())));
    assert!(now.contains(&(
        other_job,
        "<!-- dblint:report key=staging -->\nanother job".into()
    )));
    // A second key is a second comment.
    let staging = github_run(dir.path(), &fake, &["a.sql"], &["--comment-key", "staging"]);
    assert_eq!(staging.code, 0);
    assert_eq!(
        summary(&fake.take()),
        [
            "GET /user".to_string(),
            "GET /repos/o/r/issues/7/comments".to_string(),
            format!("PATCH /repos/o/r/issues/comments/{other_job}")
        ]
    );
}

#[test]
fn every_page_is_read_and_duplicates_are_removed() {
    let fake = Fake::start();
    let dir = temp_tree(&[("a.sql", USERS), ("b.sql", ORDERS)]);
    for i in 0..250 {
        fake.add(&format!("comment {i}"));
    }
    // Two report comments on page 3 (a race between two runs): the older is updated,
    // the newer deleted.
    let older = fake.add(&format!("{MARKER}\nan old report"));
    let newer = fake.add(&format!("{MARKER}\nan old report"));
    let run = github_run(dir.path(), &fake, &["a.sql", "b.sql"], &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let requests = fake.take();
    let pages: Vec<&str> = requests
        .iter()
        .filter(|r| r.method == "GET" && r.path.starts_with("/repos"))
        .map(|r| r.path.as_str())
        .collect();
    assert_eq!(
        pages,
        [
            "/repos/o/r/issues/7/comments?per_page=100",
            "/repos/o/r/issues/7/comments?per_page=100&page=2",
            "/repos/o/r/issues/7/comments?per_page=100&page=3"
        ]
    );
    let writes: Vec<String> = summary(&requests)
        .into_iter()
        .filter(|r| !r.starts_with("GET"))
        .collect();
    assert_eq!(
        writes,
        [
            format!("DELETE /repos/o/r/issues/comments/{newer}"),
            format!("PATCH /repos/o/r/issues/comments/{older}")
        ]
    );
    assert_eq!(fake.comments().len(), 251);
}

#[test]
fn faults_are_retried_and_refusals_fall_back() {
    let fake = Fake::start();
    let dir = temp_tree(&[("a.sql", USERS), ("b.sql", ORDERS)]);
    // 500, then 502: retried, then served.
    fake.state.lock().unwrap().faults = vec![500, 502];
    let run = github_run(dir.path(), &fake, &["a.sql", "b.sql"], &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("created"), "{}", run.stderr);
    assert_eq!(
        summary(&fake.take()),
        [
            "GET /user",
            "GET /user",
            "GET /user",
            "GET /repos/o/r/issues/7/comments",
            "POST /repos/o/r/issues/7/comments"
        ],
        "two faults retried, then who the token is, the list, the POST"
    );
    // A fork's read-only token: a warning, the job summary and annotations, and the
    // exit code a run without --github-comment has.
    {
        let mut state = fake.state.lock().unwrap();
        state.read_only = true;
        state.comments.clear();
    }
    let dir = temp_tree(&[("a.sql", USERS), ("b.sql", ORDERS)]);
    let run = github_run(dir.path(), &fake, &["a.sql", "b.sql"], &[]);
    let plain = common::dblint_in(
        dir.path(),
        &["lint", "a.sql", "b.sql", "--fail-on", "warning"],
    );
    assert_eq!(run.code, plain.code, "{}", run.stderr);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("warning: cannot comment on pull request #7")
            && run.stderr.contains("HTTP 403")
            && run
                .stderr
                .contains("Resource not accessible by integration"),
        "{}",
        run.stderr
    );
    let summary_md = std::fs::read_to_string(dir.path().join("summary.md")).unwrap();
    assert!(summary_md.contains("## dblint: 1 finding"), "{summary_md}");
    assert!(
        run.stdout.contains("::warning file=b.sql"),
        "{}",
        run.stdout
    );
    // A server that keeps failing: given up on after 3 retries, exit code unchanged.
    fake.state.lock().unwrap().read_only = false;
    fake.state.lock().unwrap().faults = vec![503; 10];
    let run = github_run(dir.path(), &fake, &["a.sql", "b.sql"], &[]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("HTTP 503"), "{}", run.stderr);
    assert_eq!(
        summary(&fake.take()),
        [
            "GET /user",
            "GET /repos/o/r/issues/7/comments",
            "POST /repos/o/r/issues/7/comments",
            "GET /user",
            "GET /user",
            "GET /user",
            "GET /user"
        ],
        "the 403 run's requests, then 4 attempts"
    );
}

#[test]
fn settings_are_checked_before_anything_is_written() {
    let fake = Fake::start();
    let dir = temp_tree(&[("a.sql", USERS)]);
    std::fs::write(
        dir.path().join("event.json"),
        r#"{"pull_request":{"number":7}}"#,
    )
    .unwrap();
    let event = dir.path().join("event.json").display().to_string();
    let base = vec![
        ("GITHUB_API_URL", fake.url()),
        ("GITHUB_REPOSITORY", "o/r".to_string()),
        ("GITHUB_EVENT_PATH", event.clone()),
    ];
    let with = |extra: &[(&'static str, String)]| {
        let mut env = base.clone();
        env.extend(extra.iter().cloned());
        env
    };
    let args = [
        "lint",
        "a.sql",
        "--github-comment",
        "--output",
        "report.json",
        "--format",
        "json",
    ];
    for (env, says) in [
        (with(&[]), "GITHUB_TOKEN is not set"),
        (
            with(&[
                ("GITHUB_TOKEN", TOKEN.into()),
                ("GITHUB_REPOSITORY", "o/r/x".into()),
            ]),
            "GITHUB_REPOSITORY must be owner/name",
        ),
        (
            with(&[
                ("GITHUB_TOKEN", TOKEN.into()),
                ("GITHUB_API_URL", "http://api.example.com".into()),
            ]),
            "plain HTTP to another machine",
        ),
    ] {
        let refused = run(dir.path(), &args, &env);
        assert_eq!(refused.code, 2, "{says}: {}", refused.stderr);
        assert_eq!(
            refused.stderr.trim().lines().count(),
            1,
            "{}",
            refused.stderr
        );
        assert!(refused.stderr.contains(says), "{}", refused.stderr);
        assert!(!dir.path().join("report.json").exists());
    }
    let bad_key = run(
        dir.path(),
        &["lint", "a.sql", "--github-comment", "--comment-key", "a b"],
        &with(&[("GITHUB_TOKEN", TOKEN.into())]),
    );
    assert_eq!(bad_key.code, 2);
    assert!(
        bad_key.stderr.contains("--comment-key"),
        "{}",
        bad_key.stderr
    );
    // Not a pull request (a push): a note, no request, the gate's exit code.
    std::fs::write(
        dir.path().join("event.json"),
        r#"{"ref":"refs/heads/main"}"#,
    )
    .unwrap();
    let push = run(
        dir.path(),
        &["lint", "a.sql", "--github-comment"],
        &with(&[
            ("GITHUB_TOKEN", TOKEN.into()),
            ("GITHUB_EVENT_NAME", "push".into()),
        ]),
    );
    assert_eq!(push.code, 0, "{}", push.stderr);
    assert!(
        push.stderr
            .contains("--github-comment: no comment: the push event is not about a pull request"),
        "{}",
        push.stderr
    );
    assert!(fake.take().is_empty());
}

#[test]
fn gitlab_merge_request_notes() {
    let fake = Fake::start();
    let dir = temp_tree(&[("a.sql", USERS), ("b.sql", ORDERS)]);
    for i in 0..120 {
        fake.add(&format!("note {i}"));
    }
    let env = vec![
        ("CI_API_V4_URL", format!("{}/api/v4", fake.url())),
        ("CI_PROJECT_ID", "42".to_string()),
        ("CI_MERGE_REQUEST_IID", "7".to_string()),
        ("DBLINT_GITLAB_TOKEN", TOKEN.to_string()),
    ];
    let args = [
        "lint",
        "a.sql",
        "b.sql",
        "--gitlab-comment",
        "--fail-on",
        "none",
    ];
    let first = run(dir.path(), &args, &env);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first.stderr.contains("merge request !7 created"),
        "{}",
        first.stderr
    );
    let requests = fake.take();
    assert_eq!(
        summary(&requests),
        [
            "GET /api/v4/user",
            "GET /api/v4/projects/42/merge_requests/7/notes",
            "GET /api/v4/projects/42/merge_requests/7/notes",
            "POST /api/v4/projects/42/merge_requests/7/notes"
        ]
    );
    assert!(requests.iter().all(|r| r.headers["private-token"] == TOKEN));
    let id = fake.comments().last().unwrap().0;
    let fixed = run(dir.path(), &["lint", "a.sql", "--gitlab-comment"], &env);
    assert_eq!(fixed.code, 0, "{}", fixed.stderr);
    assert_eq!(
        summary(&fake.take()).last().unwrap(),
        &format!("PUT /api/v4/projects/42/merge_requests/7/notes/{id}")
    );
    assert!(fake.comments().last().unwrap().1.contains("no findings"));
    // A refusal: a warning, exit code unchanged.
    fake.state.lock().unwrap().read_only = true;
    let refused = run(dir.path(), &args, &env);
    assert_eq!(refused.code, 0);
    assert!(
        refused
            .stderr
            .contains("warning: cannot comment on merge request !7"),
        "{}",
        refused.stderr
    );
    // Not a merge request pipeline.
    let branch = run(
        dir.path(),
        &["lint", "a.sql", "--gitlab-comment"],
        &env[..2]
            .iter()
            .cloned()
            .chain([("DBLINT_GITLAB_TOKEN", TOKEN.to_string())])
            .collect::<Vec<_>>(),
    );
    assert_eq!(branch.code, 0);
    assert!(
        branch.stderr.contains("not a merge request pipeline"),
        "{}",
        branch.stderr
    );
}

/// A report too long for one comment: the comment GitHub receives stays within its
/// 65,536-character limit, starts with the marker and says what was left out; the
/// next run with the same findings finds it unchanged.
#[test]
fn a_long_report_fits_in_one_comment() {
    let fake = Fake::start();
    let mut sql = String::from(USERS);
    for i in 0..1500 {
        sql.push_str(&format!(
            "CREATE TABLE t{i} (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id), note varchar);\n"
        ));
    }
    let dir = temp_tree(&[("schema.sql", &sql)]);
    let run = github_run(dir.path(), &fake, &["schema.sql"], &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let posted: Vec<Request> = fake
        .take()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect();
    assert_eq!(posted.len(), 1);
    let body: serde_json::Value = serde_json::from_str(&posted[0].body).unwrap();
    let body = body["body"].as_str().unwrap();
    let chars = body.chars().count();
    assert!(chars <= 65_536, "{chars} characters");
    assert!(chars > 30_000, "the report should be long: {chars}");
    assert!(body.starts_with(MARKER), "{}", &body[..200]);
    assert!(body.contains("1500"), "the count of findings is said");
    let again = github_run(dir.path(), &fake, &["schema.sql"], &[]);
    assert!(again.stderr.contains("unchanged"), "{}", again.stderr);
}

/// Anyone can type the marker: only comments the token itself wrote are updated or
/// deleted. A workflow token writes as a bot; a person's token (which GitHub names on
/// `GET /user`) as that person, and then a bot's marker comment is not its own either.
#[test]
fn only_the_tokens_own_comments_are_touched() {
    let fake = Fake::start();
    let dir = temp_tree(&[("a.sql", USERS), ("b.sql", ORDERS)]);
    let forged = fake.add_by(
        &format!("{MARKER}\nall clear, nothing to see"),
        "mallory",
        "User",
        5,
    );
    let run = github_run(dir.path(), &fake, &["a.sql", "b.sql"], &[]);
    assert!(run.stderr.contains("created"), "{}", run.stderr);
    let writes: Vec<String> = summary(&fake.take())
        .into_iter()
        .filter(|r| !r.starts_with("GET"))
        .collect();
    assert_eq!(writes, ["POST /repos/o/r/issues/7/comments"]);
    assert!(fake
        .comments()
        .contains(&(forged, format!("{MARKER}\nall clear, nothing to see"))));
    // A person's token: the bot's report comment is not its own.
    fake.state.lock().unwrap().github_user = Some("alice".into());
    let run = github_run(dir.path(), &fake, &["a.sql", "b.sql"], &[]);
    assert!(run.stderr.contains("created"), "{}", run.stderr);
    let again = github_run(dir.path(), &fake, &["a.sql", "b.sql"], &[]);
    assert!(again.stderr.contains("unchanged"), "{}", again.stderr);
    let ours = fake
        .comments()
        .iter()
        .filter(|(_, b)| b.starts_with(MARKER))
        .count();
    assert_eq!(ours, 3, "mallory's, the bot's and alice's");
}

/// What must not happen to the token or the thread: a redirect is not followed (the
/// token header would go with it), a next page on another host is not followed and not
/// taken for the last page (no second report comment), a POST the server may have done
/// is not sent again, and a JSON report on stdout stays one document when GitHub
/// refuses the comment.
#[test]
fn redirects_foreign_pages_and_lost_posts_are_not_followed() {
    let fake = Fake::start();
    let elsewhere = Fake::start();
    let dir = temp_tree(&[("a.sql", USERS), ("b.sql", ORDERS)]);
    fake.state.lock().unwrap().redirect_to = Some(format!("{}/steal", elsewhere.url()));
    let run = github_run(dir.path(), &fake, &["a.sql", "b.sql"], &[]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("HTTP 302"), "{}", run.stderr);
    assert!(elsewhere.take().is_empty(), "the redirect was followed");
    fake.state.lock().unwrap().redirect_to = None;
    fake.take();
    // 150 comments, ours on page 2, the next page linked on another host.
    for i in 0..120 {
        fake.add(&format!("comment {i}"));
    }
    fake.add(&format!("{MARKER}\nan old report"));
    fake.state.lock().unwrap().next_origin = Some(elsewhere.url());
    let run = github_run(dir.path(), &fake, &["a.sql", "b.sql"], &[]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("another host"), "{}", run.stderr);
    assert!(elsewhere.take().is_empty(), "the foreign page was read");
    assert!(
        !summary(&fake.take()).iter().any(|r| r.starts_with("POST")),
        "a second report comment was created"
    );
    fake.state.lock().unwrap().next_origin = None;
    // A POST answered 502 (the gateway stored it): sent once, then the fallback.
    let dir = temp_tree(&[("a.sql", USERS), ("b.sql", ORDERS)]);
    fake.state.lock().unwrap().comments.clear();
    fake.state.lock().unwrap().post_faults = vec![502, 502, 502];
    let run = github_run(
        dir.path(),
        &fake,
        &["a.sql", "b.sql"],
        &["--format", "json"],
    );
    assert_eq!(run.code, 1);
    let posts = summary(&fake.take())
        .iter()
        .filter(|r| r.starts_with("POST"))
        .count();
    assert_eq!(posts, 1, "the POST was sent again");
    assert!(run.stderr.contains("HTTP 502"), "{}", run.stderr);
    // The fallback kept stdout one JSON document; the summary has the report.
    serde_json::from_str::<serde_json::Value>(&run.stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON document: {e}: {}", run.stdout));
    let summary_md = std::fs::read_to_string(dir.path().join("summary.md")).unwrap();
    assert!(summary_md.contains("## dblint: 1 finding"), "{summary_md}");
}

/// A run that stops with an error (exit 2) says so in the comment, so the pull request
/// never shows an earlier run's verdict; GitLab without a token (a fork's merge request,
/// a protected variable) is a note, not a failed job.
#[test]
fn an_error_replaces_the_verdict_and_a_missing_gitlab_token_is_no_failure() {
    let fake = Fake::start();
    let dir = temp_tree(&[("a.sql", USERS)]);
    let first = github_run(dir.path(), &fake, &["a.sql"], &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let id = fake.comments().last().unwrap().0;
    fake.take();
    let broken = github_run(dir.path(), &fake, &["a.sql"], &["--config", "missing.toml"]);
    assert_eq!(broken.code, 2, "{}", broken.stderr);
    assert!(
        broken.stderr.contains("configuration file not found"),
        "{}",
        broken.stderr
    );
    assert_eq!(
        summary(&fake.take()).last().unwrap(),
        &format!("PATCH /repos/o/r/issues/comments/{id}")
    );
    let body = fake.comments().last().unwrap().1.clone();
    assert!(body.starts_with(MARKER), "{body}");
    assert!(
        body.contains("no verdict") && body.contains("missing.toml"),
        "{body}"
    );
    let gitlab = run(
        dir.path(),
        &["lint", "a.sql", "--gitlab-comment"],
        &[
            ("CI_API_V4_URL", format!("{}/api/v4", fake.url())),
            ("CI_PROJECT_ID", "42".to_string()),
            ("CI_MERGE_REQUEST_IID", "7".to_string()),
        ],
    );
    assert_eq!(gitlab.code, 0, "{}", gitlab.stderr);
    assert!(
        gitlab.stderr.contains("DBLINT_GITLAB_TOKEN is not set"),
        "{}",
        gitlab.stderr
    );
    assert!(fake.take().is_empty());
}
