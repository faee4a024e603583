use super::{existing, finding};
use crate::rules::{MigrationContext, Rule, RuleMeta};
use crate::source::sql::statement::{ObjectKind, Statement};

declare_rule! {
    /// ## What it does
    /// Flags `RENAME` of tables and columns that existed before this migration.
    ///
    /// ## Why is this bad?
    /// The running application still uses the old name until the new release is fully
    /// deployed: every query it sends in between fails.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE users RENAME COLUMN name TO full_name;
    /// ```
    ///
    /// ## Fix
    /// Expand and contract: add the new column (or a view with the new name), write
    /// both, move readers, then drop the old name in a later release.
    RenameBreaksCode { id: "rename-breaks-code", summary: "Renaming a table or column breaks running code", evidence: Convention, kind: Migration }
}

impl Rule for RenameBreaksCode {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, ctx: &MigrationContext) -> Vec<crate::finding::Finding> {
        let (table, what, message) = match ctx.event.statement {
            Statement::Rename { kind: ObjectKind::Table, object, new_name } => {
                (object, object.name.to_string(), format!("renaming table {object} to {new_name} breaks code that still uses the old name"))
            }
            Statement::RenameColumn { table, column, new_name } => {
                (table, column.to_string(), format!("renaming {table}.{column} to {new_name} breaks code that still uses the old name"))
            }
            _ => return Vec::new(),
        };
        let Some(q) = existing(ctx, table) else {
            return Vec::new();
        };
        let fix = match ctx.event.statement {
            Statement::Rename { new_name, .. } => format!(
                "-- keep the old name working while code moves over (a simple view is updatable):\n{};\nCREATE VIEW {} AS SELECT * FROM {};\n-- drop the view once no code uses the old name",
                ctx.event.sql.trim().trim_end_matches(';'),
                q.sql(),
                crate::model::quote_ident(new_name)
            ),
            _ => "-- expand and contract: ADD COLUMN with the new name, write both columns,\n-- backfill, move readers to the new one, then DROP COLUMN the old one in a later release".into(),
        };
        vec![finding(ctx, &q, &format!("rename-{what}"), message, fix)]
    }
}
