use super::{existing, finding};
use crate::model::quote_ident;
use crate::rules::{MigrationContext, Rule, RuleMeta};
use crate::source::sql::statement::{ConstraintSpec, Statement, TableAction};

declare_rule! {
    /// ## What it does
    /// Flags `ALTER COLUMN ... SET NOT NULL` on a table that existed before this
    /// migration, unless a validated CHECK already proves it, which lets PostgreSQL 12
    /// and later skip the scan: one whose top-level AND terms include `col IS NOT NULL`
    /// (`CHECK (col IS NOT NULL AND col <> '')` proves it; `CHECK (a IS NOT NULL OR b
    /// IS NOT NULL)` proves nothing for `a`, nor does `CHECK (col > 0)`, which NULL
    /// passes). PostgreSQL docs: `ALTER TABLE` … `SET NOT NULL` ("the scan is skipped
    /// if a valid CHECK constraint is found which proves no NULL can exist").
    ///
    /// ## Why is this bad?
    /// PostgreSQL scans the whole table to prove there is no NULL, under an ACCESS
    /// EXCLUSIVE lock: no reads, no writes until it is done.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE orders ALTER COLUMN currency SET NOT NULL;
    /// ```
    ///
    /// ## Fix
    /// ```sql
    /// ALTER TABLE orders ADD CONSTRAINT orders_currency_not_null CHECK (currency IS NOT NULL) NOT VALID;
    /// ALTER TABLE orders VALIDATE CONSTRAINT orders_currency_not_null;  -- separate transaction
    /// ALTER TABLE orders ALTER COLUMN currency SET NOT NULL;            -- no scan now
    /// ALTER TABLE orders DROP CONSTRAINT orders_currency_not_null;
    /// ```
    SetNotNullScan { id: "set-not-null-scan", summary: "SET NOT NULL scans the table under an exclusive lock", evidence: Behaviour, kind: Migration }
}

impl Rule for SetNotNullScan {
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
        let Some(model) = ctx.event.db.table(&q) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        // SET NOT NULL, and the one PostgreSQL runs itself when a primary key is added
        // over nullable columns (`ALTER TABLE`: "If PRIMARY KEY is specified, and the
        // index's columns are not already marked NOT NULL, then this command will
        // attempt to do ALTER COLUMN SET NOT NULL against each such column"), with an
        // index of its own or `USING INDEX`.
        let columns: Vec<(&crate::model::Name, bool)> = actions
            .iter()
            .flat_map(|action| match action {
                TableAction::SetNotNull { column } => vec![(column, false)],
                TableAction::AddConstraint(ConstraintSpec::PrimaryKey(key)) => {
                    crate::source::sql::locks::primary_key_columns(model, key)
                        .into_iter()
                        .map(|c| (c, true))
                        .collect()
                }
                _ => Vec::new(),
            })
            .collect();
        for (column, by_key) in columns {
            if !crate::source::sql::locks::set_not_null_scans(model, column, ctx.pg_version) {
                continue;
            }
            let (t, col) = (q.sql(), quote_ident(column));
            let chk = quote_ident(&format!("{}_{}_not_null", q.name, column));
            out.push(finding(ctx,
                &q,
                column,
                if by_key {
                    format!("adding the primary key sets NOT NULL on {}.{column}, which scans {q} under ACCESS EXCLUSIVE (blocks every read and write)", q.name)
                } else {
                    format!("SET NOT NULL on {}.{column} scans {q} under ACCESS EXCLUSIVE (blocks every read and write)", q.name)
                },
                format!(
                    "{}ALTER TABLE {t} ADD CONSTRAINT {chk} CHECK ({col} IS NOT NULL) NOT VALID;\nALTER TABLE {t} VALIDATE CONSTRAINT {chk};\nALTER TABLE {t} ALTER COLUMN {col} SET NOT NULL;\nALTER TABLE {t} DROP CONSTRAINT {chk};",
                    if by_key { "-- before adding the primary key, in migrations of their own:\n" } else { "" }
                ),
            ).claims_scan());
        }
        out
    }
}
