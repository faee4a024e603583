//! The migration-safety pack: rules that judge each migration statement against the
//! model as it was just before it, so they know which tables already exist (and hold
//! rows), how they are indexed and constrained, and what the file has done so far.

pub mod add_column_required_without_default;
pub mod add_column_volatile_default;
pub mod add_key_without_index;
pub mod alter_column_type_rewrite;
pub mod attach_partition_scan;
pub mod concurrently_in_transaction;
pub mod constraint_not_valid;
pub mod create_index_not_concurrently;
pub mod destructive_change;
pub mod detach_partition_blocking;
pub mod disable_trigger;
pub mod domain_constraint_scan;
pub mod drop_index_not_concurrently;
pub mod enum_value_in_transaction;
pub mod exclusion_constraint_lock;
pub mod heavy_lock_statement;
pub mod identifier_too_long;
pub mod lock_held_across_statements;
pub mod lock_timeout_missing;
pub mod refresh_matview_blocking;
pub mod reindex_not_concurrently;
pub mod rename_breaks_code;
pub mod set_logged_rewrite;
pub mod set_not_null_scan;
pub mod statement_refused;
pub mod transaction_control_in_wrapped_file;
pub mod unbatched_backfill;
pub mod unclosed_transaction;
pub mod validate_in_same_transaction;

use super::MigrationContext;
use crate::finding::Finding;
use crate::model::QualifiedName;
use crate::source::sql::replay::resolve_in;
use crate::source::sql::statement::ObjectName;

/// Find a table the way the server would, in the model before the statement.
pub fn resolve(ctx: &MigrationContext, name: &ObjectName) -> Option<QualifiedName> {
    resolve_in(&ctx.event.db.tables, ctx.event.search_path, name)
}

/// A table that existed before this migration file (so it may hold rows and serve
/// traffic); tables created earlier in the same file are exempt.
pub fn existing(ctx: &MigrationContext, name: &ObjectName) -> Option<QualifiedName> {
    resolve(ctx, name).filter(|q| !ctx.event.file.created_tables.contains(q))
}

/// The index a name refers to, with its table.
pub fn resolve_index(
    ctx: &MigrationContext,
    name: &ObjectName,
) -> Option<(QualifiedName, QualifiedName)> {
    let owner = &ctx.event.db.index_owner;
    let index = resolve_in(owner, ctx.event.search_path, name)?;
    let table = owner[&index].clone();
    Some((index, table))
}

/// The table a `REINDEX` is about: the one `REINDEX TABLE` names, or the table of the
/// index `REINDEX INDEX` names.
pub fn reindexed_table(
    ctx: &MigrationContext,
    table: Option<&ObjectName>,
    index: Option<&ObjectName>,
) -> Option<QualifiedName> {
    table
        .and_then(|t| resolve(ctx, t))
        .or_else(|| index.and_then(|i| resolve_index(ctx, i)).map(|(_, t)| t))
}

/// A finding about one statement: located at it, identified by what it changes and
/// the migration it is in (stable across edits elsewhere).
pub fn finding(
    ctx: &MigrationContext,
    table: &QualifiedName,
    what: &str,
    message: String,
    fix: String,
) -> Finding {
    // Every finding says which lock its statement takes and what that blocks, and
    // claims it (with the rewrite or scan the lock model predicts).
    // A statement PostgreSQL refuses takes no lock and does no work.
    let mut message = message;
    let mut claimed = None;
    let refused = ctx.refusal().is_some();
    if let Some(effect) = ctx
        .effects()
        .into_iter()
        .filter(|e| &e.table == table && !refused)
        .max_by_key(|e| e.level)
    {
        if !message.contains(effect.level.name()) {
            message = format!("{message}; it {}", effect.describe());
        }
        claimed = Some(effect);
    }
    let mut finding = Finding::new(ctx.meta.id, table, message)
        .object(format!("{what}@{}", ctx.event.file.migration))
        .location(Some(ctx.event.location));
    if let Some(e) = claimed {
        // Where the session's TimeZone is unknown (the server's decides), claim only
        // the work done whatever it is.
        // (Only work can depend on it: without any, nothing is recomputed.)
        let (mut scan, mut rewrite) = (e.scan, e.rewrite);
        if (scan || rewrite) && ctx.event.file.timezone_utc(None).is_none() {
            for utc in [true, false] {
                let other = crate::source::sql::locks::effects(
                    ctx.event.statement,
                    ctx.event.db,
                    ctx.event.search_path,
                    ctx.pg_version,
                    Some(utc),
                );
                let mut here = other.iter().filter(|o| o.table == e.table);
                scan &= here.clone().any(|o| o.scan || o.rewrite);
                rewrite &= here.any(|o| o.rewrite);
            }
        }
        finding = finding.claims_effect(
            &e.table.to_string(),
            &format!("{:?}", e.level),
            scan,
            rewrite,
        );
    }
    fix_or_help(finding, fix)
}

/// `finding` with `fix` as its fix, or, when `fix` has no statement to run (advice
/// written as SQL comments), as its help in prose; nothing when `fix` is empty.
pub fn fix_or_help(finding: Finding, fix: String) -> Finding {
    if crate::finding::has_statement(&fix) {
        return finding.fix(fix);
    }
    let prose: Vec<&str> = fix
        .lines()
        .map(|l| l.trim().trim_start_matches('-').trim())
        .filter(|l| !l.is_empty())
        .collect();
    if prose.is_empty() {
        finding
    } else {
        finding.help(prose.join(" "))
    }
}

/// A finding about the file's transaction structure rather than a relation, located
/// at `line` and identified by `what` and the migration.
pub fn file_finding(ctx: &MigrationContext, what: &str, line: u32, message: String) -> Finding {
    let location = crate::model::Location {
        file: ctx.event.location.file.clone(),
        line,
        column: 0,
    };
    Finding::about_file(ctx.meta.id, message)
        .object(format!("{what}@{}", ctx.event.file.migration))
        .location(Some(&location))
}

/// `CREATE [UNIQUE] INDEX ...` → `CREATE [UNIQUE] INDEX CONCURRENTLY ...`.
/// The line every CONCURRENTLY fix starts with: PostgreSQL refuses CONCURRENTLY inside
/// a transaction block, and a migration tool that wraps the file in a transaction, or
/// sends a file of several statements as one query string (an implicit transaction,
/// "Multiple Statements in a Simple Query" in the protocol docs), creates one; so the
/// statement goes alone in a migration of its own (the way Prisma users do it), where
/// `concurrently-in-transaction` does not flag it.
pub const ALONE: &str = "-- alone, in a migration file of its own: CONCURRENTLY cannot run inside a transaction,\n-- and a migration tool runs a file with other statements (or a wrapped one) in one\n";

/// The first line of a fix with several statements, CONCURRENTLY ones among them
/// (see [`ALONE`]).
pub const ALONE_EACH: &str =
    "-- each CONCURRENTLY statement alone, in a migration file of its own\n";

/// A CONCURRENTLY fix with [`ALONE`] in front.
pub fn alone(statement: String) -> String {
    format!("{ALONE}{statement}")
}

pub fn with_concurrently(sql: &str, keyword: &str) -> String {
    let upper = sql.to_ascii_uppercase();
    match upper.find(keyword) {
        Some(i) => {
            let end = i + keyword.len();
            format!("{} CONCURRENTLY{};", &sql[..end], &sql[end..])
        }
        None => format!("{sql};"),
    }
}
