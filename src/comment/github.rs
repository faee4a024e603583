//! GitHub: the pull request's issue comments (REST API, `2022-11-28`).
//!
//! Settings, as GitHub Actions sets them: `GITHUB_API_URL` (default
//! `https://api.github.com`; GitHub Enterprise Server's `https://HOST/api/v3`),
//! `GITHUB_REPOSITORY` (`owner/name`), `GITHUB_EVENT_PATH` (the event's JSON, whose
//! `pull_request.number` is the pull request), and the token in `GITHUB_TOKEN` (or
//! `GH_TOKEN`), which needs `pull-requests: write`.

use super::http::{Client, Method};
use super::{Failure, Note, Target, Thread};

/// GitHub refuses comments longer than this many characters.
pub const MAX_CHARS: usize = 65_536;

/// Where the comment goes.
pub struct PullRequest {
    client: Client,
    repository: String,
    pub number: u64,
    /// The token's user (`GET /user`), once asked: `None` when GitHub does not say
    /// (a workflow's or app's token), and then the token writes as a bot.
    me: Option<Option<String>>,
}

/// The pull request this run is for, from `env` (GitHub Actions' variables), or why
/// there is none (a push, a schedule). Errors: a missing or malformed setting, named.
pub fn pull_request(env: &dyn Fn(&str) -> Option<String>) -> Result<Target<PullRequest>, String> {
    let set = |k: &str| env(k).filter(|v| !v.is_empty());
    let Some(event_path) = set("GITHUB_EVENT_PATH") else {
        return Ok(Target::Nowhere(
            "GITHUB_EVENT_PATH is not set (not a GitHub Actions run)".into(),
        ));
    };
    let text = std::fs::read_to_string(&event_path)
        .map_err(|e| format!("--github-comment: GITHUB_EVENT_PATH ({event_path}): {e}"))?;
    let event: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        format!("--github-comment: GITHUB_EVENT_PATH ({event_path}): not JSON: {e}")
    })?;
    let number = event
        .pointer("/pull_request/number")
        .or_else(|| {
            // An issue comment on a pull request.
            event
                .pointer("/issue/pull_request")
                .and_then(|_| event.pointer("/issue/number"))
        })
        .and_then(serde_json::Value::as_u64);
    let Some(number) = number else {
        let name = set("GITHUB_EVENT_NAME").unwrap_or_else(|| "this".into());
        return Ok(Target::Nowhere(format!(
            "the {name} event is not about a pull request"
        )));
    };
    let repository = set("GITHUB_REPOSITORY")
        .ok_or("--github-comment: GITHUB_REPOSITORY (owner/name) is not set")?;
    let parts: Vec<&str> = repository.split('/').collect();
    let part_ok = |p: &str| {
        !p.is_empty()
            && p != "."
            && p != ".."
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    };
    if parts.len() != 2 || !parts.iter().all(|p| part_ok(p)) {
        return Err(format!(
            "--github-comment: GITHUB_REPOSITORY must be owner/name, got `{repository}`"
        ));
    }
    let token = set("GITHUB_TOKEN").or_else(|| set("GH_TOKEN")).ok_or(
        "--github-comment: GITHUB_TOKEN is not set (pass the job's `github.token`, with `permissions: pull-requests: write`)",
    )?;
    let api = set("GITHUB_API_URL").unwrap_or_else(|| "https://api.github.com".into());
    let client = Client::new(
        &api,
        "GITHUB_API_URL",
        vec![
            ("Authorization", format!("Bearer {token}")),
            ("Accept", "application/vnd.github+json".into()),
            ("X-GitHub-Api-Version", "2022-11-28".into()),
        ],
    )?;
    Ok(Target::Here(PullRequest {
        client,
        repository,
        number,
        me: None,
    }))
}

impl PullRequest {
    fn comments_url(&self) -> String {
        self.client.url(&format!(
            "/repos/{}/issues/{}/comments",
            self.repository, self.number
        ))
    }

    fn comment_url(&self, id: u64) -> String {
        self.client
            .url(&format!("/repos/{}/issues/comments/{id}", self.repository))
    }
}

fn invalid(what: &str, e: impl std::fmt::Display) -> Failure {
    Failure {
        status: None,
        message: format!("{what}: unexpected answer: {e}"),
    }
}

impl PullRequest {
    /// The login of the token's user; `None` for a token that is not a user's
    /// (`GITHUB_TOKEN`, an app's): GitHub answers `GET /user` with 403 then.
    fn me(&mut self) -> Result<Option<String>, Failure> {
        if let Some(me) = &self.me {
            return Ok(me.clone());
        }
        let me = match self
            .client
            .request(Method::Get, &self.client.url("/user"), None)
        {
            Ok(reply) => serde_json::from_str::<serde_json::Value>(&reply.body)
                .ok()
                .and_then(|v| v.get("login")?.as_str().map(str::to_string)),
            Err(Failure {
                status: Some(401 | 403 | 404),
                ..
            }) => None,
            Err(e) => return Err(e),
        };
        self.me = Some(me.clone());
        Ok(me)
    }
}

impl Thread for PullRequest {
    fn list(&mut self) -> Result<Vec<Note>, Failure> {
        let me = self.me()?;
        let mut notes = Vec::new();
        let mut url = Some(format!("{}?per_page=100", self.comments_url()));
        while let Some(page) = url.take() {
            let reply = self.client.request(Method::Get, &page, None)?;
            let items: Vec<serde_json::Value> =
                serde_json::from_str(&reply.body).map_err(|e| invalid("listing comments", e))?;
            for item in items {
                let (Some(id), Some(body)) = (
                    item.get("id").and_then(serde_json::Value::as_u64),
                    item.get("body").and_then(serde_json::Value::as_str),
                ) else {
                    continue;
                };
                let login = item
                    .pointer("/user/login")
                    .and_then(serde_json::Value::as_str);
                let bot = item
                    .pointer("/user/type")
                    .and_then(serde_json::Value::as_str)
                    == Some("Bot");
                notes.push(Note {
                    id,
                    body: body.to_string(),
                    mine: match &me {
                        Some(me) => login == Some(me.as_str()),
                        None => bot,
                    },
                });
            }
            url = reply.next;
        }
        Ok(notes)
    }

    fn create(&mut self, body: &str) -> Result<u64, Failure> {
        let reply = self.client.request(
            Method::Post,
            &self.comments_url(),
            Some(&serde_json::json!({ "body": body }).to_string()),
        )?;
        serde_json::from_str::<serde_json::Value>(&reply.body)
            .ok()
            .and_then(|v| v.get("id").and_then(serde_json::Value::as_u64))
            .ok_or_else(|| invalid("creating the comment", "no id"))
    }

    fn update(&mut self, id: u64, body: &str) -> Result<(), Failure> {
        self.client
            .request(
                Method::Patch,
                &self.comment_url(id),
                Some(&serde_json::json!({ "body": body }).to_string()),
            )
            .map(|_| ())
    }

    fn delete(&mut self, id: u64) -> Result<(), Failure> {
        self.client
            .request(Method::Delete, &self.comment_url(id), None)
            .map(|_| ())
    }
}
