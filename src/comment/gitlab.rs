//! GitLab: the merge request's notes (REST API v4).
//!
//! Settings, as GitLab CI sets them in a merge request pipeline: `CI_API_V4_URL`,
//! `CI_PROJECT_ID`, `CI_MERGE_REQUEST_IID`; the token in `DBLINT_GITLAB_TOKEN` (or
//! `GITLAB_TOKEN`): a project or group access token with the `api` scope, since
//! `CI_JOB_TOKEN` may not write notes.

use super::http::{Client, Method};
use super::{Failure, Note, Target, Thread};

/// GitLab refuses notes longer than this many characters.
pub const MAX_CHARS: usize = 1_000_000;

/// Where the note goes.
pub struct MergeRequest {
    client: Client,
    project: String,
    pub iid: u64,
}

impl MergeRequest {
    /// The id of the token's user (`GET /user`; a project access token's is its bot
    /// user).
    fn me(&self) -> Result<u64, Failure> {
        let reply = self
            .client
            .request(Method::Get, &self.client.url("/user"), None)?;
        serde_json::from_str::<serde_json::Value>(&reply.body)
            .ok()
            .and_then(|v| v.get("id")?.as_u64())
            .ok_or_else(|| invalid("asking who the token is", "no id"))
    }
}

/// The merge request this pipeline is for, from `env`, or why there is none.
/// Errors: a missing or malformed setting, named.
pub fn merge_request(env: &dyn Fn(&str) -> Option<String>) -> Result<Target<MergeRequest>, String> {
    let set = |k: &str| env(k).filter(|v| !v.is_empty());
    let Some(iid) = set("CI_MERGE_REQUEST_IID") else {
        return Ok(Target::Nowhere(
            "CI_MERGE_REQUEST_IID is not set (not a merge request pipeline)".into(),
        ));
    };
    let iid: u64 = iid.parse().map_err(|_| {
        format!("--gitlab-comment: CI_MERGE_REQUEST_IID must be a number, got `{iid}`")
    })?;
    let project = set("CI_PROJECT_ID").ok_or("--gitlab-comment: CI_PROJECT_ID is not set")?;
    if !project.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "--gitlab-comment: CI_PROJECT_ID must be a number, got `{project}`"
        ));
    }
    let api = set("CI_API_V4_URL").ok_or("--gitlab-comment: CI_API_V4_URL is not set")?;
    // A merge request from a fork, or from an unprotected branch when the variable is
    // protected, gets no token: like a fork's read-only token on GitHub, that is no
    // comment, not a failed job.
    let Some(token) = set("DBLINT_GITLAB_TOKEN").or_else(|| set("GITLAB_TOKEN")) else {
        return Ok(Target::Nowhere(
            "DBLINT_GITLAB_TOKEN is not set in this pipeline (a project access token with the api scope; a protected variable is not given to unprotected branches or forks; CI_JOB_TOKEN may not write notes)".into(),
        ));
    };
    let client = Client::new(&api, "CI_API_V4_URL", vec![("PRIVATE-TOKEN", token)])?;
    Ok(Target::Here(MergeRequest {
        client,
        project,
        iid,
    }))
}

impl MergeRequest {
    fn notes_url(&self) -> String {
        self.client.url(&format!(
            "/projects/{}/merge_requests/{}/notes",
            self.project, self.iid
        ))
    }
}

fn invalid(what: &str, e: impl std::fmt::Display) -> Failure {
    Failure {
        status: None,
        message: format!("{what}: unexpected answer: {e}"),
    }
}

impl Thread for MergeRequest {
    fn list(&mut self) -> Result<Vec<Note>, Failure> {
        let me = self.me()?;
        let mut notes = Vec::new();
        let mut url = Some(format!(
            "{}?per_page=100&sort=asc&order_by=created_at",
            self.notes_url()
        ));
        while let Some(page) = url.take() {
            let reply = self.client.request(Method::Get, &page, None)?;
            let items: Vec<serde_json::Value> =
                serde_json::from_str(&reply.body).map_err(|e| invalid("listing notes", e))?;
            for item in items {
                // GitLab's own notes ("added 1 commit") are not ours.
                if item.get("system").and_then(serde_json::Value::as_bool) == Some(true) {
                    continue;
                }
                let (Some(id), Some(body)) = (
                    item.get("id").and_then(serde_json::Value::as_u64),
                    item.get("body").and_then(serde_json::Value::as_str),
                ) else {
                    continue;
                };
                notes.push(Note {
                    id,
                    body: body.to_string(),
                    mine: item
                        .pointer("/author/id")
                        .and_then(serde_json::Value::as_u64)
                        == Some(me),
                });
            }
            url = reply.next;
        }
        Ok(notes)
    }

    fn create(&mut self, body: &str) -> Result<u64, Failure> {
        let reply = self.client.request(
            Method::Post,
            &self.notes_url(),
            Some(&serde_json::json!({ "body": body }).to_string()),
        )?;
        serde_json::from_str::<serde_json::Value>(&reply.body)
            .ok()
            .and_then(|v| v.get("id").and_then(serde_json::Value::as_u64))
            .ok_or_else(|| invalid("creating the note", "no id"))
    }

    fn update(&mut self, id: u64, body: &str) -> Result<(), Failure> {
        self.client
            .request(
                Method::Put,
                &format!("{}/{id}", self.notes_url()),
                Some(&serde_json::json!({ "body": body }).to_string()),
            )
            .map(|_| ())
    }

    fn delete(&mut self, id: u64) -> Result<(), Failure> {
        self.client
            .request(Method::Delete, &format!("{}/{id}", self.notes_url()), None)
            .map(|_| ())
    }
}
