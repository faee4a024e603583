use super::{existing, finding};
use crate::model::QualifiedName;
use crate::rules::{MigrationContext, Rule, RuleMeta};
use crate::source::sql::dependents::{self, Removed};
use crate::source::sql::statement::{ObjectKind, Statement, TableAction};

/// Names listed per kind of removed object before "and N more".
const LISTED: usize = 5;

/// The clause that names what goes with the dropped object, and whether the drop
/// fails without CASCADE.
fn also(removed: &Removed, cascade: bool, pg_version: u32) -> String {
    let mut own = removed.clone();
    let mut referencing = std::mem::take(&mut own.referencing_keys);
    // A generated column that uses the dropped one: 12 to 14 drop it along, 15 and
    // later refuse without CASCADE (checked with dblint trace).
    let generated = if pg_version >= 15 && !cascade {
        std::mem::take(&mut own.generated)
    } else {
        Vec::new()
    };
    let mut out = String::new();
    if !own.is_empty() {
        out.push_str(&format!("; it also drops {}", own.describe(LISTED)));
    }
    if !referencing.is_empty() || !generated.is_empty() {
        let keys = Removed {
            referencing_keys: std::mem::take(&mut referencing),
            generated,
            ..Removed::default()
        }
        .describe(LISTED);
        if cascade {
            out.push_str(&format!("; CASCADE also drops {keys}"));
        } else {
            out.push_str(&format!(
                "; PostgreSQL refuses it without CASCADE, since {keys} depend on it"
            ));
        }
    }
    out
}

declare_rule! {
    /// ## What it does
    /// Flags `DROP TABLE`, `ALTER TABLE ... DROP COLUMN` and `TRUNCATE` on tables that
    /// existed before this migration, and `DROP SCHEMA`, `DROP TYPE`, `DROP DOMAIN` and
    /// `DROP SEQUENCE ... CASCADE` that remove tables, columns or defaults of them. Each
    /// finding names what PostgreSQL removes along with the object: for a column, the
    /// indexes (also by expression, INCLUDE or predicate) and table constraints
    /// involving it and the sequence it owns (ALTER TABLE, DROP COLUMN); for a table,
    /// its partitions and owned sequences; with CASCADE, the foreign keys of other
    /// tables that reference it (without CASCADE PostgreSQL refuses the drop), a
    /// schema's contents, and the columns of a dropped type (DROP TYPE, DROP SCHEMA,
    /// DROP SEQUENCE; "Dependency Tracking"). Views are not modelled with what they
    /// read, so the views a CASCADE removes are not named.
    ///
    /// ## Why is this bad?
    /// The data is gone for good, and code still running the previous release (during
    /// a rolling deploy, or after a rollback) fails on the missing table or column. A
    /// unique or foreign key dropped with a column stops protecting the data even if
    /// the column comes back.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE users DROP COLUMN legacy_name;
    /// ```
    ///
    /// ## Fix
    /// Stop reading and writing it in one release, drop it in a later one, after a
    /// backup; suppress the finding with `-- dblint-ignore destructive-change -- <why>`
    /// once that is done.
    DestructiveChange { id: "destructive-change", summary: "DROP TABLE / DROP COLUMN / TRUNCATE / DROP … CASCADE destroys data", evidence: Behaviour, kind: Migration }
}

impl Rule for DestructiveChange {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, ctx: &MigrationContext) -> Vec<crate::finding::Finding> {
        let mut out = Vec::new();
        match ctx.event.statement {
            Statement::Drop {
                kind: ObjectKind::Table,
                objects,
                cascade,
                ..
            } => {
                for o in objects {
                    if let Some(q) = existing(ctx, o) {
                        let removed = dependents::of_table(ctx.event.db, &q);
                        out.push(finding(
                            ctx,
                            &q,
                            "drop-table",
                            format!(
                                "DROP TABLE {q} deletes the table and all its rows{}",
                                also(&removed, *cascade, ctx.pg_version)
                            ),
                            "-- drop it only after no running code uses it, and after a backup"
                                .into(),
                        ));
                    }
                }
            }
            Statement::Truncate { tables } => {
                for o in tables {
                    if let Some(q) = existing(ctx, o) {
                        out.push(finding(
                            ctx,
                            &q,
                            "truncate",
                            format!("TRUNCATE {q} deletes every row"),
                            "-- make sure this is meant for production data".into(),
                        ));
                    }
                }
            }
            Statement::AlterTable { table, actions, .. } => {
                if let Some(q) = existing(ctx, table) {
                    for a in actions {
                        if let TableAction::DropColumn { name, cascade, .. } = a {
                            let removed = ctx
                                .event
                                .db
                                .tables
                                .get(&q)
                                .filter(|t| t.column(name).is_some())
                                .map(|t| dependents::of_column(ctx.event.db, t, name))
                                .unwrap_or_default();
                            out.push(finding(ctx,
                                &q,
                                name,
                                format!("DROP COLUMN {}.{name} deletes the column's data; code still reading it breaks{}", q.name, also(&removed, *cascade, ctx.pg_version)),
                                format!(
                                    "-- release 1: stop reading and writing the column (e.g. Rails ignored_columns);\n-- release 2, once no running code uses it:\nALTER TABLE {} DROP COLUMN {}{};",
                                    q.sql(),
                                    crate::model::quote_ident(name),
                                    if *cascade { " CASCADE" } else { "" }
                                ),
                            ));
                        }
                    }
                }
            }
            Statement::Drop {
                kind,
                objects,
                cascade: true,
                ..
            } => {
                // DROP TABLE's CASCADE is judged in the arm above; a foreign table's
                // rows live on its own server, which dropping it does not touch.
                if matches!(kind, ObjectKind::ForeignTable) {
                    return out;
                }
                for o in objects {
                    let dropped =
                        dependents::of_drop(ctx.event.db, ctx.event.search_path, *kind, o);
                    if let Some(d) = dropped {
                        out.extend(self.cascade_finding(ctx, d.statement, &d.object, &d.removed));
                    }
                }
            }
            _ => {}
        }
        out
    }
}

impl DestructiveChange {
    /// A finding for a CASCADE that removes tables, columns or defaults of tables
    /// that existed before this file, on the first such table.
    fn cascade_finding(
        &self,
        ctx: &MigrationContext,
        what: &str,
        object: &QualifiedName,
        removed: &Removed,
    ) -> Option<crate::finding::Finding> {
        let old = |t: &QualifiedName| !ctx.event.file.created_tables.contains(t);
        let mut removed = removed.clone();
        removed.tables.retain(|t| old(t));
        removed.columns.retain(|(t, _)| old(t));
        removed.defaults.retain(|(t, _)| old(t));
        removed.referencing_keys.retain(|(t, _)| old(t));
        let first = removed
            .tables
            .first()
            .or(removed.columns.first().map(|(t, _)| t))
            .or(removed.defaults.first().map(|(t, _)| t))
            .or(removed.referencing_keys.first().map(|(t, _)| t))?
            .clone();
        let shown = if object.name.is_empty() {
            object.schema.to_string()
        } else {
            object.to_string()
        };
        let kind = what.trim_start_matches("DROP ").to_ascii_lowercase();
        Some(finding(
            ctx,
            &first,
            &format!("drop-{kind}-cascade"),
            format!(
                "{what} {shown} CASCADE also drops {}{}",
                removed.describe(LISTED),
                if !removed.tables.is_empty() {
                    ", with their rows"
                } else if !removed.columns.is_empty() {
                    ", with their data"
                } else {
                    ""
                }
            ),
            format!("-- drop {kind} {shown} without CASCADE, after removing what depends on it one by one, each after no running code uses it"),
        ))
    }
}
