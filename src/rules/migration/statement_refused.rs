use super::{file_finding, finding, reindexed_table, resolve, resolve_index};
use crate::finding::Finding;
use crate::model::{quote_ident, QualifiedName};
use crate::rules::{MigrationContext, Rule, RuleMeta};
use crate::source::sql::refusal::Refusal;
use crate::source::sql::statement::Statement;

declare_rule! {
    /// ## What it does
    /// Flags a migration statement that PostgreSQL refuses where the migration runs
    /// it, for reasons no more specific rule reports (those are
    /// `concurrently-in-transaction`, `constraint-not-valid`,
    /// `refresh-matview-blocking`, `identifier-too-long` and
    /// `enum-value-in-transaction`):
    ///
    /// - a statement that cannot run inside a transaction block, inside one (an
    ///   explicit `BEGIN`, the migration tool's transaction, or the implicit
    ///   transaction of a file sent as one query string): `VACUUM`, `REINDEX SCHEMA`
    ///   / `DATABASE` / `SYSTEM`, from PostgreSQL 14 `REINDEX` of a partitioned table
    ///   or index, `CLUSTER` without a table, and from 15 `CLUSTER` of a partitioned
    ///   table;
    /// - `LOCK TABLE` outside a transaction block;
    /// - what is not possible on a partitioned table or index at all:
    ///   `CREATE INDEX CONCURRENTLY` (with or without `ONLY`), `DROP INDEX
    ///   CONCURRENTLY`, before 14 `REINDEX INDEX` of a partitioned index, before 15
    ///   `CLUSTER`.
    ///
    /// The verdict is the statement-effect model's (each refusal checked with `dblint
    /// trace` on PostgreSQL 12 to 18).
    ///
    /// ## Why is this bad?
    /// The migration fails at deploy time, possibly after earlier statements of the
    /// file already ran. PostgreSQL docs: "VACUUM cannot be executed inside a
    /// transaction block" (VACUUM), REINDEX ("REINDEX SCHEMA, REINDEX DATABASE or
    /// REINDEX SYSTEM cannot be executed inside a transaction block"; "when used with a
    /// partitioned table or index, REINDEX cannot be used inside a transaction
    /// block"), CLUSTER, "LOCK TABLE is useless outside a transaction block" (LOCK;
    /// PostgreSQL raises an error), and CREATE INDEX ("Concurrent builds for indexes
    /// on partitioned tables are currently not supported"), DROP INDEX ("Indexes on
    /// partitioned tables cannot be dropped using this option").
    ///
    /// ## Example
    /// ```sql
    /// -- prisma/migrations/20240101_events_kind/migration.sql (a partitioned table)
    /// CREATE INDEX CONCURRENTLY events_kind_idx ON events (kind);
    /// ```
    ///
    /// ## Fix
    /// For a partitioned table: the index `ON ONLY` the parent, each partition's index
    /// built `CONCURRENTLY`, then `ALTER INDEX … ATTACH PARTITION`. For a statement
    /// that cannot run in a transaction block: a migration of its own that the tool
    /// runs outside one. `LOCK TABLE` goes inside the transaction whose statements it
    /// protects.
    StatementRefused { id: "statement-refused", summary: "PostgreSQL refuses the statement where the migration runs it", evidence: Behaviour, kind: Migration }
}

impl Rule for StatementRefused {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, ctx: &MigrationContext) -> Vec<Finding> {
        let Some(refusal) = ctx.refusal_worded_here() else {
            return Vec::new();
        };
        let statement = ctx.event.sql.trim().trim_end_matches(';');
        let message = format!("PostgreSQL refuses this: {}", refusal.describe());
        let fix = match &refusal {
            Refusal::TransactionBlock { .. } => {
                let outside = &ctx.event.file.sending.outside;
                if outside.contains("of its own") {
                    format!("-- {outside}:\n{statement};")
                } else {
                    format!("-- in a migration of its own, {outside}:\n{statement};")
                }
            }
            Refusal::OutsideTransactionBlock { .. } => format!(
                "-- inside the transaction whose statements it protects:\nBEGIN;\n{statement};\n-- the statements that need the lock\nCOMMIT;"
            ),
            Refusal::Partitioned { what, relation } => partitioned_fix(ctx, what, relation),
            Refusal::Unsupported { of: "CASCADE", .. } => "-- drop what depends on the index first (the constraint that uses it), then DROP INDEX CONCURRENTLY without CASCADE".to_string(),
            Refusal::Unsupported { .. } => match ctx.event.statement {
                Statement::Drop {
                    objects,
                    missing_ok,
                    ..
                } => {
                    let mut sql = String::from(super::ALONE_EACH);
                    for o in objects {
                        let name = match &o.schema {
                            Some(schema) => {
                                format!("{}.{}", quote_ident(schema), quote_ident(&o.name))
                            }
                            None => quote_ident(&o.name),
                        };
                        sql.push_str(&format!(
                            "DROP INDEX CONCURRENTLY {}{name};\n",
                            if *missing_ok { "IF EXISTS " } else { "" }
                        ));
                    }
                    sql.trim_end().to_string()
                }
                _ => String::new(),
            },
            _ => String::new(),
        };
        let found = match subject(ctx) {
            Some(table) => finding(ctx, &table, "refused", message, fix),
            None => super::fix_or_help(
                file_finding(ctx, "refused", ctx.event.location.line, message),
                fix,
            ),
        };
        vec![found.claims_refusal()]
    }
}

/// The table the statement is about: the one it names, or the table of the index it
/// names (`None` for REINDEX SCHEMA, VACUUM of every table, CLUSTER of every table).
fn subject(ctx: &MigrationContext) -> Option<QualifiedName> {
    match ctx.event.statement {
        Statement::CreateIndex(ci) => resolve(ctx, &ci.table),
        Statement::Drop { objects, .. } => objects
            .iter()
            .find_map(|o| resolve_index(ctx, o))
            .map(|(_, t)| t),
        Statement::Reindex { table, index, .. } => {
            reindexed_table(ctx, table.as_ref(), index.as_ref())
        }
        Statement::Vacuum { tables, .. } | Statement::LockTable { tables, .. } => {
            tables.first().and_then(|t| resolve(ctx, t))
        }
        Statement::Cluster { table } => table.as_ref().and_then(|t| resolve(ctx, t)),
        _ => None,
    }
}

/// What to run instead on a partitioned table: the statement without CONCURRENTLY
/// where PostgreSQL allows that, or per partition.
fn partitioned_fix(ctx: &MigrationContext, what: &str, relation: &QualifiedName) -> String {
    let sql = ctx.event.sql.trim().trim_end_matches(';');
    match what {
        "CREATE INDEX CONCURRENTLY" => {
            let Statement::CreateIndex(ci) = ctx.event.statement else {
                return String::new();
            };
            let name = ci.name.as_deref().unwrap_or("index");
            let parent = on_only_parent(sql);
            format!(
                "-- CONCURRENTLY is not possible on a partitioned table: the index ON ONLY the parent (builds nothing),\n-- then each partition's index CONCURRENTLY, each attached with ALTER INDEX {name} ATTACH PARTITION <partition's index>.\n{parent};"
            )
        }
        "DROP INDEX CONCURRENTLY" => format!(
            "-- an index of a partitioned table is dropped without CONCURRENTLY (ACCESS EXCLUSIVE on the table and its partitions): with a short lock_timeout, when the table is quiet\nSET lock_timeout = '5s';\nDROP INDEX {};",
            relation.sql()
        ),
        "REINDEX INDEX" => format!(
            "-- before PostgreSQL 14, reindex each partition's index of {relation} (REINDEX INDEX CONCURRENTLY <partition's index>)"
        ),
        _ => format!(
            "-- before PostgreSQL 15, CLUSTER each partition of {relation} (CLUSTER <partition> USING <its index>)"
        ),
    }
}

/// `CREATE INDEX CONCURRENTLY … ON [ONLY] t …` as `CREATE INDEX … ON ONLY t …`: the
/// keywords found by PostgreSQL's scanner (any case, any spacing).
fn on_only_parent(sql: &str) -> String {
    use pg_query::protobuf::Token;
    let Ok(scan) = pg_query::scan(sql) else {
        return sql.to_string();
    };
    let tokens = &scan.tokens;
    let mut out = sql.to_string();
    // Edits from the end, so earlier offsets stay right.
    let mut edits: Vec<(usize, usize, &str)> = Vec::new();
    if let Some(i) = tokens.iter().position(|t| t.token == Token::On as i32) {
        let only_next = tokens
            .get(i + 1)
            .is_some_and(|t| t.token == Token::Only as i32);
        if !only_next {
            let end = tokens[i].end as usize;
            edits.push((end, end, " ONLY"));
        }
    }
    if let Some(t) = tokens
        .iter()
        .find(|t| t.token == Token::Concurrently as i32)
    {
        // The keyword and the space before it.
        let start = sql[..t.start as usize].trim_end().len();
        edits.push((start, t.end as usize, ""));
    }
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    for (start, end, text) in edits {
        out.replace_range(start..end, text);
    }
    out
}
