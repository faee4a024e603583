use super::{existing, finding};
use crate::model::quote_ident;
use crate::rules::{MigrationContext, Rule, RuleMeta};
use crate::source::sql::statement::{ConstraintSpec, Statement, TableAction};

declare_rule! {
    /// ## What it does
    /// Flags `ADD PRIMARY KEY` / `ADD UNIQUE` without `USING INDEX` on a table that
    /// existed before this migration.
    ///
    /// ## Why is this bad?
    /// The constraint builds its unique index while holding ACCESS EXCLUSIVE: no reads
    /// or writes for the whole build.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
    /// ```
    ///
    /// ## Fix
    /// Build the index concurrently, then attach it (a brief lock):
    /// ```sql
    /// CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);
    /// ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;
    /// ```
    AddKeyWithoutIndex { id: "add-key-without-index", summary: "ADD PRIMARY KEY / UNIQUE builds its index under an exclusive lock", evidence: Behaviour, kind: Migration }
}

impl Rule for AddKeyWithoutIndex {
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
            let (kind, key) = match action {
                TableAction::AddConstraint(ConstraintSpec::PrimaryKey(k)) => ("PRIMARY KEY", k),
                TableAction::AddConstraint(ConstraintSpec::Unique(k)) => ("UNIQUE", k),
                _ => continue,
            };
            if key.using_index.is_some() {
                continue;
            }
            let name = key.name.as_ref().map(|n| n.to_string()).unwrap_or_else(|| {
                let suffix = if kind == "UNIQUE" { "key" } else { "pkey" };
                format!("{}_{suffix}", q.name)
            });
            let cols: Vec<String> = key.columns.iter().map(|c| quote_ident(c)).collect();
            out.push(finding(ctx,
                &q,
                &name,
                format!("adding {kind} {name} builds its index on {q} under ACCESS EXCLUSIVE (blocks every read and write)"),
                format!(
                    "{}CREATE UNIQUE INDEX CONCURRENTLY {n} ON {t} ({c});\nALTER TABLE {t} ADD CONSTRAINT {n} {kind} USING INDEX {n};",
                    super::ALONE_EACH,
                    n = quote_ident(&name),
                    t = q.sql(),
                    c = cols.join(", ")
                ),
            ));
        }
        out
    }
}
