use super::{existing, finding};
use crate::model::quote_ident;
use crate::rules::{MigrationContext, Rule, RuleMeta};
use crate::source::sql::locks::{add_column_rewrite, AddColumnRewrite};
use crate::source::sql::statement::{Statement, TableAction};

declare_rule! {
    /// ## What it does
    /// Flags `ADD COLUMN` on a table that existed before this migration when the new
    /// column makes PostgreSQL rewrite the table: a volatile default, an identity
    /// column (`GENERATED ALWAYS|BY DEFAULT AS IDENTITY`: every row takes its
    /// sequence's next value), a serial, a stored generated column, a domain type with
    /// constraints (CHECK or NOT NULL: every row's value is checked, default or not),
    /// or, before PostgreSQL 11, any non-NULL default.
    ///
    /// From PostgreSQL 11 on, a default without a volatile function is evaluated once
    /// and stored in the catalog ("missing value"), so `now()`, `CURRENT_TIMESTAMP`,
    /// constants and STABLE or IMMUTABLE functions cost nothing (PostgreSQL docs:
    /// `ALTER TABLE`, Notes: "Adding a column with a volatile DEFAULT or changing the
    /// type of an existing column will require the entire table and its indexes to be
    /// rewritten"). Whether a function is volatile is PostgreSQL's own word: built-in
    /// functions as `pg_proc.provolatile` of the target version says (`random()`,
    /// `clock_timestamp()`, `gen_random_uuid()`, `uuidv7()`, `nextval()` are VOLATILE;
    /// `now()` is STABLE), functions the migrations create as declared, VOLATILE when
    /// the declaration says nothing (PostgreSQL docs: "Function Volatility
    /// Categories"); a `LANGUAGE sql` function PostgreSQL inlines counts as its body.
    /// A function dblint does not know (an extension's, such as `uuid_generate_v4()`)
    /// is assumed volatile, and the message says so.
    ///
    /// ## Why is this bad?
    /// The rewrite copies the whole table under an ACCESS EXCLUSIVE lock: no reads, no
    /// writes, for as long as it takes, plus double the disk space meanwhile.
    ///
    /// ## Example
    /// ```sql
    /// CREATE FUNCTION next_ticket_code() RETURNS text LANGUAGE plpgsql
    ///     AS $$ BEGIN RETURN 'T-' || nextval('ticket_codes'); END $$;  -- VOLATILE
    /// ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();
    /// ALTER TABLE orders ADD COLUMN code text DEFAULT next_ticket_code();
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
    /// A function that really returns the same value for the same arguments can be
    /// declared so (`ALTER FUNCTION f() STABLE`), which spares the rewrite.
    AddColumnVolatileDefault { id: "add-column-volatile-default", summary: "ADD COLUMN that rewrites the table", evidence: Behaviour, kind: Migration }
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
            let rewrite =
                add_column_rewrite(column, ctx.event.db, ctx.event.search_path, ctx.pg_version);
            let reason = match &rewrite {
                Some(AddColumnRewrite::Generated) => "a stored generated column".to_string(),
                Some(AddColumnRewrite::Identity) => {
                    "an identity column (each row takes a value from its sequence)".to_string()
                }
                Some(AddColumnRewrite::Serial) => "a serial (nextval) default".to_string(),
                Some(AddColumnRewrite::Volatile(verdict)) => format!(
                    "a volatile default ({})",
                    verdict.reason().unwrap_or_default()
                ),
                Some(AddColumnRewrite::ConstrainedDomain(domain)) => {
                    format!("domain type {domain}, whose constraints are checked on each row")
                }
                Some(AddColumnRewrite::DefaultBefore11) => {
                    "a default (PostgreSQL before 11 rewrites for any default)".to_string()
                }
                None => continue,
            };
            let col = quote_ident(&c.name);
            let t = q.sql();
            let ty = c.data_type.sql();
            // The rewrite can be avoided for a default (new rows only, old ones
            // backfilled); an identity or serial column is filled the same way and
            // made an identity afterwards; a stored generated column cannot be.
            let fix = if let Some(AddColumnRewrite::ConstrainedDomain(domain)) = &rewrite {
                format!(
                    "-- a column of a domain with constraints is checked row by row when added, which rewrites {t}:\n-- add it in a maintenance window, or add it with the domain's base type ({}), backfill it in batches,\n-- and put the domain's checks on as a CHECK constraint added NOT VALID, then VALIDATE CONSTRAINT",
                    ctx.event.db.domains.get(domain).map(|d| ctx.event.db.domain_base(d).0.sql()).unwrap_or_default()
                )
            } else if c.generated.is_some() {
                "-- a stored generated column is computed for every row when added: add it in a maintenance window, or keep a plain column up to date with a trigger and backfill it in batches".to_string()
            } else if c.identity.is_some() || c.serial {
                format!(
                    "-- add it plain, backfill it in batches (UPDATE ... SET {col} = ... WHERE ... LIMIT-sized ranges), then:\n-- ALTER TABLE {t} ADD CONSTRAINT ... CHECK ({col} IS NOT NULL) NOT VALID; VALIDATE it; ALTER COLUMN {col} SET NOT NULL;\n-- ALTER TABLE {t} ALTER COLUMN {col} ADD GENERATED BY DEFAULT AS IDENTITY, and setval() its sequence past max({col})\nALTER TABLE {t} ADD COLUMN {col} {ty};"
                )
            } else {
                let default = c.default.clone().unwrap_or_default();
                format!(
                    "ALTER TABLE {t} ADD COLUMN {col} {ty};\nALTER TABLE {t} ALTER COLUMN {col} SET DEFAULT {default};\n-- backfill existing rows in batches"
                )
            };
            out.push(finding(
                ctx,
                &q,
                &c.name,
                format!("adding {}.{} with {reason} rewrites {q} under ACCESS EXCLUSIVE (blocks every read and write)", q.name, c.name),
                fix,
            ).claims_rewrite());
        }
        out
    }
}
