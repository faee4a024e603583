use super::{existing, finding};
use crate::finding::Finding;
use crate::model::{quote_ident, PartitionStrategy};
use crate::rules::{MigrationContext, Rule, RuleMeta};
use crate::source::sql::locks::{attach_scans, Proof};
use crate::source::sql::statement::{BoundValue, PartitionBound, Statement, TableAction};

declare_rule! {
    /// ## What it does
    /// Flags `ALTER TABLE parent ATTACH PARTITION t ...` of a table that existed before
    /// this migration when PostgreSQL will scan it, and the scan of the parent's
    /// DEFAULT partition that attaching a partition next to one causes.
    ///
    /// ## Why is this bad?
    /// The parent takes only SHARE UPDATE EXCLUSIVE (PostgreSQL 12+), but the table
    /// attached is locked ACCESS EXCLUSIVE and read in full to check that every row
    /// fits the partition bound, unless a validated CHECK constraint (with the key
    /// column NOT NULL) already proves it. With a DEFAULT partition, that partition is
    /// locked ACCESS EXCLUSIVE too and scanned for rows that belong in the new
    /// partition: reads and writes of those rows stop for the whole scan (PostgreSQL
    /// docs, `ALTER TABLE`, ATTACH PARTITION: "it is possible to avoid this scan by
    /// adding a valid CHECK constraint to the table that allows only rows satisfying
    /// the desired partition constraint before running this command"; "13.3. Explicit
    /// Locking").
    ///
    /// The model proves the bound only for the forms PostgreSQL was seen to accept
    /// (`dblint trace` on 12 and 18): a single-column RANGE or LIST key, the column NOT
    /// NULL or `col IS NOT NULL` in the CHECK, and `col >= lo AND col < hi` (or
    /// tighter integer and date constants) or `col IN (...)` over the bound's values.
    /// Where it cannot judge a CHECK on the key column, it stays silent.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE measurements ATTACH PARTITION measurements_2024
    ///     FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
    /// ```
    ///
    /// ## Fix
    /// ```sql
    /// ALTER TABLE measurements_2024 ADD CONSTRAINT measurements_2024_bound
    ///     CHECK (taken IS NOT NULL AND taken >= '2024-01-01' AND taken < '2025-01-01') NOT VALID;
    /// ALTER TABLE measurements_2024 VALIDATE CONSTRAINT measurements_2024_bound;  -- reads and writes continue
    /// ALTER TABLE measurements ATTACH PARTITION measurements_2024
    ///     FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');                       -- no scan now
    /// ALTER TABLE measurements_2024 DROP CONSTRAINT measurements_2024_bound;
    /// ```
    AttachPartitionScan { id: "attach-partition-scan", summary: "ATTACH PARTITION scans the table (and the DEFAULT partition) under an exclusive lock", evidence: Behaviour, kind: Migration }
}

impl Rule for AttachPartitionScan {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, ctx: &MigrationContext) -> Vec<Finding> {
        let Statement::AlterTable { table, actions, .. } = ctx.event.statement else {
            return Vec::new();
        };
        let Some(parent) = super::resolve(ctx, table) else {
            return Vec::new();
        };
        let db = ctx.event.db;
        let created = &ctx.event.file.created_tables;
        let mut out = Vec::new();
        for action in actions {
            let TableAction::AttachPartition {
                partition, bound, ..
            } = action
            else {
                continue;
            };
            let attached = super::resolve(ctx, partition);
            let scan = attach_scans(db, Some(&parent), attached.as_ref(), bound);
            if let (Some(q), Proof::Scans) = (existing(ctx, partition), scan.attached) {
                out.push(finding(
                    ctx,
                    &q,
                    &format!("attach-{}", q.name),
                    format!(
                        "ATTACH PARTITION {} reads all of {q} under ACCESS EXCLUSIVE (blocks every read and write of it) to check its rows fit the bound: no validated CHECK proves it",
                        q.name
                    ),
                    bound_fix(ctx, &parent, &q, bound),
                ).claims_scan());
            }
            if let Some((default, Proof::Scans)) = &scan.default_partition {
                if !created.contains(default) {
                    out.push(finding(
                        ctx,
                        default,
                        &format!("attach-{}-default", partition.name),
                        format!(
                            "ATTACH PARTITION {} reads all of {parent}'s DEFAULT partition {default} under ACCESS EXCLUSIVE (blocks every read and write of it) to check none of its rows belongs in the new partition",
                            partition.name
                        ),
                        format!(
                            "-- {default} has no CHECK constraint that could spare it the scan: attach when a full read of it under ACCESS EXCLUSIVE is acceptable, or create partitions before rows reach the DEFAULT one"
                        ),
                    ).claims_scan());
                }
            }
        }
        out
    }
}

/// The CHECK that lets PostgreSQL skip the scan, for a single-column RANGE or LIST key
/// and a bound of constants; help otherwise.
fn bound_fix(
    ctx: &MigrationContext,
    parent: &crate::model::QualifiedName,
    attached: &crate::model::QualifiedName,
    bound: &PartitionBound,
) -> String {
    let key = ctx
        .event
        .db
        .table(parent)
        .and_then(|p| p.partition_key.as_ref());
    match bound {
        PartitionBound::Default => return format!(
            "-- a DEFAULT partition is checked against every other partition's bound: attach {attached} while it is empty, or when a full read of it under ACCESS EXCLUSIVE is acceptable"
        ),
        PartitionBound::Hash => return format!(
            "-- no CHECK constraint proves a hash bound: attach {attached} while it is empty, or when a full read of it under ACCESS EXCLUSIVE is acceptable"
        ),
        _ => {}
    }
    let column = match key.map(|k| (k.strategy, k.columns.as_slice())) {
        Some((PartitionStrategy::Range | PartitionStrategy::List, [Some(c)])) => c,
        _ => return generic(attached),
    };
    let col = quote_ident(column);
    let sql = |v: &BoundValue| match v {
        BoundValue::Literal { sql, .. } => Some(sql.clone()),
        _ => None,
    };
    let mut terms = vec![format!("{col} IS NOT NULL")];
    match bound {
        PartitionBound::Range { from, to } => {
            match from.as_slice() {
                [BoundValue::MinValue] => {}
                [v] => match sql(v) {
                    Some(s) => terms.push(format!("{col} >= {s}")),
                    None => return generic(attached),
                },
                _ => return generic(attached),
            }
            match to.as_slice() {
                [BoundValue::MaxValue] => {}
                [v] => match sql(v) {
                    Some(s) => terms.push(format!("{col} < {s}")),
                    None => return generic(attached),
                },
                _ => return generic(attached),
            }
        }
        PartitionBound::List(values) => {
            let Some(list) = values.iter().map(sql).collect::<Option<Vec<_>>>() else {
                return generic(attached);
            };
            terms.push(format!("{col} IN ({})", list.join(", ")));
        }
        _ => return generic(attached),
    }
    let t = attached.sql();
    let chk = quote_ident(&format!("{}_bound", attached.name));
    format!(
        "-- each in a migration of its own: VALIDATE reads the table without blocking reads or writes\nALTER TABLE {t} ADD CONSTRAINT {chk} CHECK ({}) NOT VALID;\nALTER TABLE {t} VALIDATE CONSTRAINT {chk};\n{};\nALTER TABLE {t} DROP CONSTRAINT {chk};",
        terms.join(" AND "),
        ctx.event.sql.trim().trim_end_matches(';'),
    )
}

fn generic(attached: &crate::model::QualifiedName) -> String {
    format!(
        "-- to skip the scan, give {attached} a CHECK constraint matching the partition bound (key column NOT NULL), added NOT VALID and then validated (reads and writes continue), before attaching"
    )
}
