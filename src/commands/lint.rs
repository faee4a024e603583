//! `dblint lint PATH...`: gather the model (replay) and the migration findings, then
//! grade and publish them like every grading command.

use crate::args::LintArgs;
use crate::error::{Result, Verdict};
use crate::report::Publication;
use crate::source::sql;

pub fn run(args: &LintArgs) -> Result<Verdict> {
    let settings = crate::settings::resolve(&args.report, &args.paths)?;
    let plan = crate::engine::plan(&settings)?;
    let pg_version = args.pg_version.unwrap_or(settings.pg_version);
    let assume = |file: &std::path::Path| {
        settings
            .assume_in_transaction(file)
            .unwrap_or_else(|| sql::session::tool_wraps_in_transaction(file))
    };
    if args.locks {
        return super::locks::run(&args.paths, &assume);
    }
    let changed = match &args.since {
        Some(reference) => Some(super::since::changed_files(&args.paths[0], reference)?),
        None => None,
    };
    let in_scope = |file: &str| {
        changed
            .as_ref()
            .is_none_or(|set| std::fs::canonicalize(file).is_ok_and(|path| set.contains(&path)))
    };
    let mut reviewed = Vec::new();
    let mut touched = std::collections::BTreeSet::new();
    let mut last_file: Option<(std::sync::Arc<str>, bool)> = None;
    let mut loaded = sql::load_with(&args.paths, &assume, &mut |event| {
        let file = &event.location.file;
        let scoped = match &last_file {
            Some((f, scoped)) if f == file => *scoped,
            _ => {
                let scoped = in_scope(file);
                last_file = Some((file.clone(), scoped));
                scoped
            }
        };
        if !scoped {
            return;
        }
        if changed.is_some() {
            touched.extend(
                crate::source::sql::locks::effects(event.statement, event.db, event.search_path)
                    .into_iter()
                    .map(|e| e.table),
            );
            if let sql::statement::Statement::CreateTable(ct) = event.statement {
                touched.extend(crate::source::sql::locks::resolve(
                    event.db,
                    event.search_path,
                    &ct.name,
                ));
            }
        }
        crate::engine::review_statement(event, &plan, pg_version, &mut reviewed)
    })
    .map_err(|e| crate::error::Error::new(e.to_string()))?;
    let outlines: Vec<sql::FileOutline> = loaded
        .outlines
        .iter()
        .filter(|o| in_scope(&o.file))
        .cloned()
        .collect();
    let inline = crate::inline_ignores::collect(&outlines)?;
    for d in &loaded.diagnostics {
        eprintln!("{d}");
    }
    let source = args
        .paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(" ");
    let mut findings = crate::engine::run(&loaded.database, &plan);
    if changed.is_some() {
        findings.retain(|f| f.table.as_ref().is_some_and(|t| touched.contains(t)));
    }
    findings.extend(reviewed);
    let failed = loaded
        .diagnostics
        .iter()
        .any(|d| d.level == crate::source::DiagnosticLevel::Error);
    if loaded.database.tables.is_empty() && !args.report.allow_empty && !failed {
        return Err(format!(
            "nothing to grade: no tables in {source} (an empty file or folder, or no CREATE TABLE); --allow-empty accepts it"
        )
        .into());
    }
    let mut suppressions =
        crate::suppress::Suppressions::from_settings(&settings)?.with_inline(inline);
    let graded = crate::grade::grade(&loaded.database, &plan, findings, &mut suppressions);
    for d in suppressions.unused() {
        eprintln!("{d}");
        loaded.diagnostics.push(d);
    }
    crate::report::publish(
        &args.report,
        &settings,
        &plan,
        graded,
        Publication {
            source,
            diagnostics: &loaded.diagnostics,
            stats: Some(&loaded.stats),
        },
    )
}
