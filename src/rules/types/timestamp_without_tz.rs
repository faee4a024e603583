use crate::finding::Finding;
use crate::model::quote_ident;
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags columns of type `timestamp without time zone` (`timestamp`,
    /// `timestamp(3)`; Prisma's `DateTime` maps to it).
    ///
    /// ## Why is this bad?
    /// The value carries no time zone, so its meaning depends on every writer agreeing
    /// on one. A client session in another zone, `now()` cast through a session
    /// `TimeZone`, or a DST change silently shifts instants; comparing against
    /// `timestamptz` values converts with the session zone.
    ///
    /// ## Example
    /// ```sql
    /// CREATE TABLE events (id bigint PRIMARY KEY, "createdAt" timestamp(3) NOT NULL);
    /// ```
    ///
    /// ## Fix
    /// Convert, stating the zone the stored values are in (rewrites the table):
    /// ```sql
    /// ALTER TABLE events ALTER COLUMN "createdAt" TYPE timestamptz USING "createdAt" AT TIME ZONE 'UTC';
    /// ```
    TimestampWithoutTz { id: "timestamp-without-tz", summary: "timestamp without time zone" }
}

impl Rule for TimestampWithoutTz {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut out = Vec::new();
        for table in ctx.db.tables.values().filter(|t| !t.is_partition()) {
            for column in &table.columns {
                if column.data_type.name != "timestamp without time zone" {
                    continue;
                }
                let c = quote_ident(&column.name);
                let precision = column
                    .data_type
                    .modifiers
                    .first()
                    .map(|p| format!("({p})"))
                    .unwrap_or_default();
                out.push(
                    ctx.finding(&table.name,
                        format!("{}.{} is {}: what instant it means depends on the writer's time zone", table.name.name, column.name, column.data_type),
                    )
                    .columns(&[&column.name])
                    .fix(format!(
                        "ALTER TABLE {} ALTER COLUMN {c} TYPE timestamp{precision} with time zone USING {c} AT TIME ZONE 'UTC'; -- rewrites the table",
                        table.name.sql()
                    ))
                    .location(column.location.as_ref()),
                );
            }
        }
        out
    }
}
