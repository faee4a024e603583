use super::finding;
use crate::model::QualifiedName;
use crate::rules::{MigrationContext, Rule, RuleMeta};
use crate::source::sql::refusal::Refusal;
use crate::source::sql::statement::Statement;

declare_rule! {
    /// ## What it does
    /// Flags `ALTER TYPE ... ADD VALUE` inside a transaction on PostgreSQL before 12
    /// (set `--pg-version` / `pg_version`), and, on any version, a statement that uses
    /// a value added in the same transaction.
    ///
    /// ## Why is this bad?
    /// Before PostgreSQL 12 the statement fails inside a transaction block. On every
    /// version a new enum value cannot be used until the transaction that added it has
    /// committed: "unsafe use of new value".
    ///
    /// ## Example
    /// ```sql
    /// BEGIN;
    /// ALTER TYPE order_status ADD VALUE 'refunded';
    /// UPDATE orders SET status = 'refunded' WHERE refunded_at IS NOT NULL;
    /// COMMIT;
    /// ```
    ///
    /// ## Fix
    /// Add the value in a migration of its own, and use it in a later one.
    EnumValueInTransaction { id: "enum-value-in-transaction", summary: "Enum value added or used inside the adding transaction", evidence: Behaviour, kind: Migration }
}

impl Rule for EnumValueInTransaction {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, ctx: &MigrationContext) -> Vec<crate::finding::Finding> {
        // The model says whether PostgreSQL refuses the statement here.
        match ctx.refusal_worded_here() {
            Some(Refusal::TransactionBlock { .. }) => {
                let Statement::AlterEnumAddValue { name, value, .. } = ctx.event.statement else {
                    return Vec::new();
                };
                let q = QualifiedName::new(
                    name.schema.clone().unwrap_or_else(|| "public".into()),
                    name.name.clone(),
                );
                vec![finding(ctx,
                    &q,
                    &format!("add-{value}"),
                    format!("ALTER TYPE {name} ADD VALUE '{value}' inside a transaction fails on PostgreSQL {}", ctx.pg_version),
                    format!(
                        "-- in its own migration that runs outside a transaction:\n{};",
                        ctx.event.sql.trim().trim_end_matches(';')
                    ),
                ).claims_refusal()]
            }
            Some(Refusal::NewEnumValueUsed { enum_type, value }) => vec![finding(
                ctx,
                &enum_type,
                &format!("use-{value}"),
                format!("'{value}' was added to {enum_type} in this transaction and cannot be used before it commits"),
                "-- use the new value in a later migration".into(),
            )
            .claims_refusal()],
            _ => Vec::new(),
        }
    }
}
