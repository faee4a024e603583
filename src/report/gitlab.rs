//! `--format gitlab`: GitLab Code Quality JSON (an array of issues).

use super::fingerprint::stable_hash;
use super::Report;
use crate::finding::Severity;
use serde_json::{json, Value};

pub fn render(report: &Report) -> String {
    let issues: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let severity = match f.severity {
                Severity::Error => "critical",
                Severity::Warning => "major",
                Severity::Info => "info",
            };
            let (path, line) = match &f.location {
                Some(loc) => (loc.file.replace('\\', "/"), loc.line),
                None => (f.object_path(), 1),
            };
            json!({
                "description": f.message,
                "check_name": f.rule,
                "fingerprint": stable_hash(&f.fingerprint()),
                "severity": severity,
                "categories": ["Bug Risk"],
                "content": { "body": f.shown_fix().map(str::to_string).or_else(|| f.help.clone()).unwrap_or_default() },
                "location": { "path": path, "lines": { "begin": line } },
            })
        })
        .collect();
    serde_json::to_string_pretty(&issues).unwrap_or_default() + "\n"
}
