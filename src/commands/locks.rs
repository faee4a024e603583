//! `dblint lint --locks PATH...`: per statement, the lock it takes, the tables it
//! locks, and whether it rewrites or scans them, as a Markdown table a reviewer can
//! paste into a pull request.

use crate::source::sql;
use crate::source::sql::locks::{effects, LockEffect};
use std::fmt::Write as _;

struct Row {
    location: String,
    statement: String,
    effects: Vec<LockEffect>,
    in_transaction: bool,
}

/// The first line of a statement, shortened, safe inside a Markdown table cell.
fn excerpt(sql: &str) -> String {
    let line = sql.trim().lines().next().unwrap_or("").trim();
    let mut short: String = line.chars().take(72).collect();
    if short.len() < line.len() {
        short.push('…');
    }
    short.replace('|', "\\|").replace('`', "'")
}

/// The table for the statements of the files `scope` covers (the pending
/// migrations, or every file); every file is replayed, so each statement is judged
/// against the schema as it was just before it.
pub fn render(
    paths: &[std::path::PathBuf],
    stdin: Option<&sql::StdinFile>,
    assume: &dyn Fn(&std::path::Path) -> Option<crate::source::sql::delivery::Delivery>,
    pg_version: u32,
    scope: &super::pending::Scope,
) -> Result<(String, Vec<crate::source::Diagnostic>), String> {
    let mut rows = Vec::new();
    let mut last_file: Option<(std::sync::Arc<str>, bool)> = None;
    let loaded = sql::load_inputs(paths, stdin, assume, &mut |event| {
        let file = &event.location.file;
        let covered = match &last_file {
            Some((f, covered)) if f == file => *covered,
            _ => {
                let covered = scope.covers(file);
                last_file = Some((file.clone(), covered));
                covered
            }
        };
        if !covered {
            return;
        }
        let found = effects(
            event.statement,
            event.db,
            event.search_path,
            pg_version,
            event.file.timezone_utc(None),
        );
        if !found.is_empty() {
            rows.push(Row {
                location: event.location.to_string(),
                statement: excerpt(event.sql),
                effects: found,
                in_transaction: event.file.in_transaction(),
            });
        }
    })
    .map_err(|e| e.to_string())?;
    let mut out = String::new();
    let reviewed = loaded
        .files
        .iter()
        .filter(|f| scope.covers(&f.display().to_string()))
        .count();
    let _ = writeln!(
        out,
        "Locks of {} of {} files ({})\n",
        reviewed,
        loaded.files.len(),
        scope.why
    );
    out.push_str("| Statement | Location | Lock | Tables | Rewrite / scan | In transaction |\n");
    out.push_str("|---|---|---|---|---|---|\n");
    for row in &rows {
        let level = row
            .effects
            .iter()
            .map(|e| e.level)
            .max()
            .expect("non-empty");
        let tables = row
            .effects
            .iter()
            .map(|e| format!("`{}`", e.table))
            .collect::<Vec<_>>()
            .join(", ");
        let work = if row.effects.iter().any(|e| e.rewrite) {
            "rewrite"
        } else if row.effects.iter().any(|e| e.scan) {
            "scan"
        } else {
            "-"
        };
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} |",
            row.statement,
            row.location,
            level.name(),
            tables,
            work,
            if row.in_transaction { "yes" } else { "no" }
        );
    }
    if rows.is_empty() {
        out.push_str("\nNo statement takes a table lock.\n");
    }
    Ok((out, loaded.diagnostics))
}

pub fn run(
    paths: &[std::path::PathBuf],
    stdin: Option<&sql::StdinFile>,
    assume: &dyn Fn(&std::path::Path) -> Option<crate::source::sql::delivery::Delivery>,
    pg_version: u32,
    scope: &super::pending::Scope,
) -> crate::error::Result<crate::error::Verdict> {
    let (table, diagnostics) = render(paths, stdin, assume, pg_version, scope)?;
    for d in &diagnostics {
        eprintln!("{d}");
    }
    crate::output::print_stdout(&table)?;
    Ok(
        if diagnostics
            .iter()
            .any(|d| d.level == crate::source::DiagnosticLevel::Error)
        {
            crate::error::Verdict::InvalidInput
        } else {
            crate::error::Verdict::Pass
        },
    )
}
