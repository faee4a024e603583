use super::{existing, finding};
use crate::rules::{MigrationContext, Rule, RuleMeta};
use crate::source::sql::statement::{Statement, TableAction, Using};
use crate::source::sql::type_change::{self, Rewrite};

declare_rule! {
    /// ## What it does
    /// Flags `ALTER COLUMN ... TYPE` on a table that existed before this migration
    /// when PostgreSQL rewrites the table for it, decided by the server's own rules
    /// ("ALTER TABLE", Notes: a change that is binary coercible, or an unconstrained
    /// domain over one, needs no rewrite): the new value must be the old one under
    /// binary-coercible casts only (`pg_cast` rows "WITHOUT FUNCTION", see "CREATE
    /// CAST"; dblint carries the list of PostgreSQL 12 to 18) and length changes that
    /// lose nothing. So these stay silent: `varchar(n)` to `varchar(m)` with m ≥ n or
    /// to `text`, `text` to unbounded `varchar`, `numeric(p,s)` to `numeric(q,s)` with
    /// q ≥ p or to `numeric`, `varbit(n)` to `varbit(m ≥ n)`, `time(p)`/`timestamp(p)`
    /// to a precision ≥ p, `cidr` to `inet`, a type to a domain over it without CHECK
    /// or NOT NULL (and back), and `USING col` or `USING col::type` when that cast is
    /// such a change. Everything else fires: a conversion function (`integer` to
    /// `bigint`, a shorter length, `char(n)` to `char(m)`, any array element change),
    /// a domain with constraints, any other `USING` expression (`lower(col)`).
    ///
    /// `timestamp` ↔ `timestamptz` is free on PostgreSQL 12 and later only when the
    /// session's TimeZone has a UTC offset of 0 (`UTC`, `Etc/UTC`, `GMT`, `UTC0`, `0`,
    /// ...). A `SET timezone` / `SET TIME ZONE` earlier in the file counts (`SET
    /// LOCAL` until the transaction ends); without one the server's default decides,
    /// which dblint does not know: the rule fires and says so.
    ///
    /// ## Why is this bad?
    /// A rewrite copies every row and rebuilds every index under an ACCESS EXCLUSIVE
    /// lock, blocking all reads and writes for as long as it takes.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE orders ALTER COLUMN id TYPE bigint;
    /// ALTER TABLE zones ALTER COLUMN name TYPE text USING lower(name);
    /// ```
    ///
    /// ## Fix
    /// Add a new column, backfill it in batches (with a trigger for new writes), then
    /// swap names in a short transaction; or schedule the rewrite in a maintenance
    /// window. For `timestamp` to `timestamptz` whose values are UTC times, `SET
    /// timezone = 'UTC'` before the change makes it a catalog-only change.
    AlterColumnTypeRewrite { id: "alter-column-type-rewrite", summary: "ALTER COLUMN TYPE that rewrites the table", evidence: Behaviour, kind: Migration }
}

impl Rule for AlterColumnTypeRewrite {
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
        let utc = ctx.event.file.timezone_utc(None);
        let mut out = Vec::new();
        for action in actions {
            let TableAction::AlterColumnType {
                column,
                data_type,
                using,
                ..
            } = action
            else {
                continue;
            };
            let Some(old) = model.column(column).map(|c| &c.data_type) else {
                continue;
            };
            let Some(change) = type_change::analyze(
                ctx.event.db,
                model,
                column,
                &data_type.data_type,
                using,
                ctx.pg_version,
                utc,
            ) else {
                continue;
            };
            let Some(why) = change.rewrite else {
                continue;
            };
            let new_type = &data_type.data_type;
            let what = format!("changing {}.{column} from {old} to {new_type}", q.name);
            let rewrites = format!(
                "rewrites {q} and its indexes under ACCESS EXCLUSIVE (blocks every read and write)"
            );
            let message = match &why {
                Rewrite::Conversion => format!("{what} {rewrites}"),
                Rewrite::Using => {
                    let expression = match using {
                        Using::Other(e) => e.as_str(),
                        _ => "an expression",
                    };
                    format!("{what} USING {expression} {rewrites}: the expression is computed for every row")
                }
                Rewrite::DomainConstraints(domain) => format!(
                    "{what} {rewrites}: domain {domain} has constraints, checked on every row"
                ),
                Rewrite::TimeZone { known: true } => format!(
                    "{what} {rewrites}: the session's TimeZone, set earlier in the file, is not UTC"
                ),
                Rewrite::TimeZone { known: false } if ctx.pg_version >= 12 => format!(
                    "{what} {rewrites}, unless the session's TimeZone is UTC (the server's default decides: no SET timezone of the file is in force here)"
                ),
                Rewrite::TimeZone { .. } => format!("{what} {rewrites}"),
            };
            let t = q.sql();
            let col = crate::model::quote_ident(column);
            let ty = if data_type.builtin && new_type.schema.is_none() {
                new_type.to_string()
            } else {
                new_type.sql()
            };
            let fix = if matches!(why, Rewrite::TimeZone { .. }) && ctx.pg_version >= 12 {
                format!(
                    "-- if the stored values are UTC times, PostgreSQL 12+ changes the type in place under UTC:\n\
                     SET timezone = 'UTC';\n\
                     ALTER TABLE {t} ALTER COLUMN {col} TYPE {ty};"
                )
            } else {
                let value = match using {
                    Using::Other(e) => format!("({e})::{ty}"),
                    _ => format!("{col}::{ty}"),
                };
                let new = crate::model::quote_ident(&format!("{column}_new"));
                let old_name = crate::model::quote_ident(&format!("{column}_old"));
                format!(
                    "ALTER TABLE {t} ADD COLUMN {new} {ty};\n\
                     -- keep {new} in sync with a trigger, backfill in batches:\n\
                     UPDATE {t} SET {new} = {value} WHERE {new} IS NULL AND ctid IN (SELECT ctid FROM {t} WHERE {new} IS NULL LIMIT 10000);\n\
                     -- then, in one short transaction:\n\
                     ALTER TABLE {t} RENAME COLUMN {col} TO {old_name};\n\
                     ALTER TABLE {t} RENAME COLUMN {new} TO {col};"
                )
            };
            let found = finding(ctx, &q, column, message, fix);
            // Where the server's TimeZone decides, the finding claims no rewrite.
            out.push(if matches!(why, Rewrite::TimeZone { known: false }) {
                found
            } else {
                found.claims_rewrite()
            });
        }
        out
    }
}
