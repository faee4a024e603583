use crate::finding::Finding;
use crate::rules::analysis::index_covers;
use crate::rules::{Context, OptionKind, OptionSpec, Rule, RuleMeta};

/// `min_stats_age_days`: Days the usage statistics must cover before an unscanned index is reported.
pub const MIN_STATS_AGE_DAYS: OptionSpec = OptionSpec {
    name: "min_stats_age_days",
    kind: OptionKind::Integer { min: 0 },
    default: r#"7"#,
    doc: "Days the usage statistics must cover before an unscanned index is reported.",
};

/// `min_table_scans`: Scans of the table itself needed before its unscanned indexes are reported.
pub const MIN_TABLE_SCANS: OptionSpec = OptionSpec {
    name: "min_table_scans",
    kind: OptionKind::Integer { min: 0 },
    default: r#"100"#,
    doc: "Scans of the table itself needed before its unscanned indexes are reported.",
};

declare_rule! {
    /// ## What it does
    /// Live databases only. Flags indexes with no scans since statistics were last
    /// reset, when the statistics mean something: they cover at least
    /// `min_stats_age_days` days and the table itself has been read at least
    /// `min_table_scans` times (see Options), so a freshly created database reports
    /// nothing. Never reported: primary keys, unique and exclusion indexes (they
    /// enforce rules even when never scanned), indexes that cover a foreign key (the
    /// parent's deletes need them), and invalid indexes (`invalid-index`).
    ///
    /// ## Why is this bad?
    /// Every INSERT and most UPDATEs write to every index. An index no query uses
    /// costs write throughput, WAL, replication bandwidth, vacuum time and cache, for
    /// nothing. Check replicas too: statistics are per server.
    ///
    /// ## Example
    /// ```sql
    /// CREATE INDEX orders_note_idx ON orders (note);  -- idx_scan = 0 after weeks of traffic
    /// ```
    ///
    /// ## Fix
    /// ```sql
    /// DROP INDEX CONCURRENTLY IF EXISTS public.orders_note_idx;
    /// ```
    UnusedIndex { id: "unused-index", summary: "Index never scanned in the statistics period", evidence: Behaviour, kind: Live, options: [MIN_STATS_AGE_DAYS, MIN_TABLE_SCANS] }
}

impl Rule for UnusedIndex {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let Some(live) = ctx.db.live else {
            return Vec::new();
        };
        let min_age = ctx.options.integer(&MIN_STATS_AGE_DAYS) as f64;
        let min_scans = ctx.options.integer(&MIN_TABLE_SCANS);
        if live.stats_age_days < min_age {
            return Vec::new();
        }
        let mut out = Vec::new();
        for table in ctx.db.tables.values() {
            if table.stats.is_none_or(|s| s.scans < min_scans) {
                continue;
            }
            for index in &table.indexes {
                let Some(stats) = index.stats else { continue };
                let covers_fk = table
                    .foreign_keys
                    .iter()
                    .any(|fk| index_covers(index, &fk.columns));
                if stats.scans > 0
                    || index.unique
                    || index.is_constraint()
                    || !index.valid
                    || covers_fk
                {
                    continue;
                }
                out.push(
                    ctx.finding(&table.name,
                        format!(
                            "index {} (~{} kB, from relpages) has not been scanned in {:.0} days of statistics",
                            index.name.name,
                            stats.size_bytes / 1024,
                            live.stats_age_days
                        ),
                    )
                    .object(&index.name.name)
                    .fix(format!("DROP INDEX CONCURRENTLY IF EXISTS {};", index.name.sql())),
                );
            }
        }
        out
    }
}
