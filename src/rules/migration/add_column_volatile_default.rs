use super::{existing, finding};
use crate::model::quote_ident;
use crate::rules::{MigrationContext, Rule, RuleMeta};
use crate::source::sql::statement::{Statement, TableAction};

declare_rule! {
    /// ## What it does
    /// Flags `ADD COLUMN` on a table that existed before this migration when the new
    /// column makes PostgreSQL rewrite the table: a volatile default (`random()`,
    /// `gen_random_uuid()`, `clock_timestamp()`, `nextval()`, a serial), a stored
    /// generated column, or, before PostgreSQL 11, any non-NULL default. `now()` and
    /// constants are fine on 11 and later.
    ///
    /// ## Why is this bad?
    /// The rewrite copies the whole table under an ACCESS EXCLUSIVE lock: no reads, no
    /// writes, for as long as it takes, plus double the disk space meanwhile.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();
    /// ```
    ///
    /// ## Fix
    /// Add the column without the default, set the default for new rows, and backfill
    /// existing rows in batches:
    /// ```sql
    /// ALTER TABLE orders ADD COLUMN token uuid;
    /// ALTER TABLE orders ALTER COLUMN token SET DEFAULT gen_random_uuid();
    /// UPDATE orders SET token = gen_random_uuid() WHERE id BETWEEN 1 AND 10000 AND token IS NULL;  -- repeat
    /// ```
    AddColumnVolatileDefault { id: "add-column-volatile-default", summary: "ADD COLUMN that rewrites the table", kind: Migration }
}

impl Rule for AddColumnVolatileDefault {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, ctx: &MigrationContext) -> Vec<crate::finding::Finding> {
        let Statement::AlterTable { table, actions, .. } = ctx.event.statement else {
            return Vec::new();
        };
        let Some(q) = existing(ctx, table) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for action in actions {
            let TableAction::AddColumn { column, .. } = action else {
                continue;
            };
            let c = &column.column;
            let reason = if c.generated.is_some() {
                "a stored generated column"
            } else if c.serial {
                "a serial (nextval) default"
            } else if c
                .default
                .as_deref()
                .is_some_and(crate::source::sql::locks::is_volatile)
            {
                "a volatile default"
            } else if ctx.pg_version < 11 && c.default.as_deref().is_some_and(|d| d != "NULL") {
                "a default (PostgreSQL before 11 rewrites for any default)"
            } else {
                continue;
            };
            let col = quote_ident(&c.name);
            let default = c.default.clone().unwrap_or_else(|| "...".into());
            out.push(finding(ctx,
                &q,
                &c.name,
                format!("adding {}.{} with {reason} rewrites {q} under ACCESS EXCLUSIVE (blocks every read and write)", q.name, c.name),
                format!(
                    "ALTER TABLE {t} ADD COLUMN {col} {ty};\nALTER TABLE {t} ALTER COLUMN {col} SET DEFAULT {default};\n-- backfill existing rows in batches",
                    t = q.sql(),
                    ty = c.data_type
                ),
            ));
        }
        out
    }
}
