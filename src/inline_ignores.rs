//! Suppressions written in the SQL itself (or, as `// dblint-ignore …`, in a Prisma
//! schema, where a model, a field or a block attribute counts as a statement):
//!
//! - `-- dblint-ignore rule[, rule] -- reason` on a statement's line or in the comments
//!   just above it silences those rules for that statement;
//! - `-- dblint-ignore-file rule[, rule]` anywhere in a file silences them for the file.
//!
//! An unknown rule id is an error (a typo must not silently suppress nothing); an
//! ignore that suppressed nothing is reported as `unused-ignore`, so stale ignores do
//! not pile up.

use crate::finding::Finding;
use crate::model::Location;
use crate::source::sql::FileOutline;
use crate::source::{Diagnostic, DiagnosticLevel};
use std::sync::Arc;

#[derive(Debug)]
pub struct InlineIgnore {
    file: Arc<str>,
    /// Line of the comment itself.
    line: u32,
    /// Line of the statement it applies to; `None` for a file-wide ignore.
    statement_line: Option<u32>,
    /// The last line of that statement it covers (a Prisma model's closing brace).
    until: u32,
    whole_file: bool,
    rules: Vec<String>,
    used: bool,
}

/// The directive in a comment, if it is one: (whole file?, the text after it).
fn directive(comment: &str) -> Option<(bool, &str)> {
    let body = comment
        .trim()
        .trim_start_matches("--")
        .trim_start_matches("/*")
        // A Prisma schema's comments: `// dblint-ignore …`.
        .trim_start_matches('/')
        .trim_end_matches("*/")
        .trim();
    if let Some(rest) = body.strip_prefix("dblint-ignore-file") {
        return Some((true, rest));
    }
    body.strip_prefix("dblint-ignore").map(|rest| (false, rest))
}

/// Every ignore comment in the files; an error names the file and line of an
/// unknown rule id or an ignore without rules.
pub fn collect(outlines: &[FileOutline]) -> Result<Vec<InlineIgnore>, String> {
    let mut out = Vec::new();
    for outline in outlines {
        for (comment, &offset) in outline.comments.iter().zip(&outline.comment_offsets) {
            let Some((whole_file, rest)) = directive(&comment.text) else {
                continue;
            };
            if !rest.is_empty() && !rest.starts_with([' ', '\t', ':']) {
                continue;
            }
            let at = format!("{}:{}", outline.file, comment.line);
            let list = rest
                .trim_start_matches(':')
                .split("--")
                .next()
                .unwrap_or("");
            let rules: Vec<String> = list
                .split(',')
                .map(|r| r.trim().to_string())
                .filter(|r| !r.is_empty())
                .collect();
            if rules.is_empty() {
                return Err(format!(
                    "{at}: dblint-ignore needs the rule ids to ignore, e.g. `-- dblint-ignore fk-missing-index -- reason`"
                ));
            }
            for rule in &rules {
                if crate::rules::find(rule).is_none() {
                    return Err(format!(
                        "{at}: unknown rule `{rule}` in dblint-ignore (see `dblint rules`)"
                    ));
                }
            }
            let statement = if whole_file {
                None
            } else {
                let same_line = outline
                    .statements
                    .iter()
                    .rposition(|(line, start)| *line == comment.line && *start < offset);
                let next = outline
                    .statements
                    .iter()
                    .position(|(_, start)| *start > offset);
                same_line.or(next)
            };
            let statement_line = statement.map(|i| outline.statements[i].0);
            let until = statement
                .and_then(|i| outline.covers_until.get(i).copied())
                .or(statement_line)
                .unwrap_or(0);
            out.push(InlineIgnore {
                file: outline.file.clone(),
                line: comment.line,
                statement_line,
                until,
                whole_file,
                rules,
                used: false,
            });
        }
    }
    Ok(out)
}

/// Drop the findings an ignore covers; returns the findings kept and how many were
/// dropped.
pub fn apply(ignores: &mut [InlineIgnore], findings: Vec<Finding>) -> (Vec<Finding>, usize) {
    let mut dropped = 0;
    let kept = findings
        .into_iter()
        .filter(|f| {
            let Some(loc) = &f.location else {
                return true;
            };
            let mut hit = false;
            for ignore in ignores.iter_mut() {
                let place = ignore.file == loc.file
                    && (ignore.whole_file
                        || ignore
                            .statement_line
                            .is_some_and(|l| l <= loc.line && loc.line <= ignore.until));
                if place && ignore.rules.iter().any(|r| r == f.rule) {
                    ignore.used = true;
                    hit = true;
                }
            }
            if hit {
                dropped += 1;
            }
            !hit
        })
        .collect();
    (kept, dropped)
}

/// `unused-ignore` warnings for the ignores that suppressed nothing.
pub fn unused(ignores: &[InlineIgnore]) -> Vec<Diagnostic> {
    ignores
        .iter()
        .filter(|i| !i.used)
        .map(|i| Diagnostic {
            level: DiagnosticLevel::Warning,
            location: Some(Location {
                file: i.file.clone(),
                line: i.line,
                column: 0,
            }),
            message: format!(
                "unused-ignore: `dblint-ignore{} {}` suppressed nothing; remove it",
                if i.whole_file { "-file" } else { "" },
                i.rules.join(", ")
            ),
        })
        .collect()
}
