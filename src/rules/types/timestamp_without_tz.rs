use crate::finding::Finding;
use crate::model::quote_ident;
use crate::rules::analysis::opclass_rebuilds;
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
    /// Convert, with the session's TimeZone set to the zone the stored values are in.
    /// The fix takes them as UTC, which is what Prisma, Rails and Django write; values
    /// in another zone's local time need `USING col AT TIME ZONE '<zone>'`, which
    /// rewrites the table. With TimeZone UTC, PostgreSQL 12 and later change
    /// `timestamp` to `timestamptz` in the catalog only, without a rewrite, as long as
    /// no precision is added or kept (`timestamp(3)` to `timestamptz(3)` rewrites; to
    /// `timestamptz` does not) (checked on PostgreSQL 15 by the table's file node; PostgreSQL docs: "8.5.1.3.
    /// Time Stamps", `ALTER TABLE` notes on rewrites):
    /// ```sql
    /// SET timezone = 'UTC';
    /// ALTER TABLE events ALTER COLUMN "createdAt" TYPE timestamp with time zone;
    /// ```
    TimestampWithoutTz { id: "timestamp-without-tz", summary: "timestamp without time zone", evidence: Structure }
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
                // An index keyed with a timestamp operator class is rebuilt with the
                // timestamptz one; an index that cannot be leaves the fix to a person.
                let Some((drops, creates)) =
                    opclass_rebuilds(table, &column.name, Some(("timestamp_", "timestamptz_")))
                else {
                    out.push(
                        ctx.finding(&table.name,
                            format!("{}.{} is {}: what instant it means depends on the writer's time zone", table.name.name, column.name, column.data_type),
                        )
                        .columns(&[&column.name])
                        .help("an index of a constraint keys the column with a timestamp operator class, which the type change cannot keep (PostgreSQL refuses it): drop the constraint, change the type with TimeZone UTC, and add it again with the timestamptz class")
                        .location(column.location.as_ref()),
                    );
                    continue;
                };
                let rebuilds =
                    |v: &[String]| v.iter().map(|s| format!("{s}\n")).collect::<String>();
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
                        "-- takes the stored values as UTC (what Prisma, Rails and Django write); for another zone's\n-- local time, add USING {c} AT TIME ZONE '<zone>' (which rewrites the table)\nSET timezone = 'UTC';\n{}ALTER TABLE {} ALTER COLUMN {c} TYPE timestamp{precision} with time zone;\n{}{}",
                        rebuilds(&drops),
                        table.name.sql(),
                        rebuilds(&creates),
                        if precision.is_empty() {
                            "-- with TimeZone UTC, PostgreSQL 12+ changes only the catalog: no rewrite"
                        } else {
                            "-- keeping the precision rewrites the table; TYPE timestamp with time zone (no precision)\n-- with TimeZone UTC changes only the catalog on PostgreSQL 12+"
                        }
                    ))
                    .location(column.location.as_ref()),
                );
            }
        }
        out
    }
}
