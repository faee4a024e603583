use super::{existing, finding};
use crate::rules::{MigrationContext, Rule, RuleMeta};
use crate::source::sql::statement::{ObjectKind, Statement, TableAction};

declare_rule! {
    /// ## What it does
    /// Flags `DROP TABLE`, `ALTER TABLE ... DROP COLUMN` and `TRUNCATE` on tables that
    /// existed before this migration.
    ///
    /// ## Why is this bad?
    /// The data is gone for good, and code still running the previous release (during
    /// a rolling deploy, or after a rollback) fails on the missing table or column.
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
    DestructiveChange { id: "destructive-change", summary: "DROP TABLE / DROP COLUMN / TRUNCATE destroys data", kind: Migration }
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
                ..
            } => {
                for o in objects {
                    if let Some(q) = existing(ctx, o) {
                        out.push(finding(
                            ctx,
                            &q,
                            "drop-table",
                            format!("DROP TABLE {q} deletes the table and all its rows"),
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
                        if let TableAction::DropColumn { name, .. } = a {
                            out.push(finding(ctx,
                                &q,
                                name,
                                format!("DROP COLUMN {}.{name} deletes the column's data; code still reading it breaks", q.name),
                                format!(
                                    "-- release 1: stop reading and writing the column (e.g. Rails ignored_columns);\n-- release 2, once no running code uses it:\nALTER TABLE {} DROP COLUMN {};",
                                    q.sql(),
                                    crate::model::quote_ident(name)
                                ),
                            ));
                        }
                    }
                }
            }
            _ => {}
        }
        out
    }
}
