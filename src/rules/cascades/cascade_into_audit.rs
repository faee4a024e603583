use crate::finding::Finding;
use crate::model::FkAction;
use crate::rules::analysis::{own_foreign_keys, set_null_fix};
use crate::rules::{Context, OptionKind, OptionSpec, Rule, RuleMeta};

/// `table_words`: Words in a table name that mark it as a record of events, history or money.
pub const TABLE_WORDS: OptionSpec = OptionSpec {
    name: "table_words",
    kind: OptionKind::Words,
    default: r#"["audit", "audits", "history", "histories", "log", "logs", "ledger", "ledgers", "payment", "payments", "invoice", "invoices", "transaction", "transactions", "journal", "journals", "receipt", "receipts", "refund", "refunds", "changelog", "changelogs", "trail", "trails"]"#,
    doc: "Words in a table name that mark it as a record of events, history or money.",
};

declare_rule! {
    /// ## What it does
    /// Flags `ON DELETE CASCADE` foreign keys whose child table keeps a record that
    /// must outlive its parent: audit, history, log, ledger, payment, invoice,
    /// transaction tables. A table qualifies when one of the words of its name
    /// (`UserSecurityAuditLog` → user, security, audit, log) is in the `table_words`
    /// option, so `catalog` is not a log.
    ///
    /// ## Why is this bad?
    /// Deleting a user or a tenant silently erases the record of what it did: the
    /// audit trail, the payment history, the ledger. That is exactly the data an
    /// investigation, a dispute or an auditor needs after the delete.
    ///
    /// ## Example
    /// ```sql
    /// CREATE TABLE audit_log (id bigint PRIMARY KEY,
    ///   organization_id bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE);
    /// ```
    ///
    /// ## Fix
    /// Keep the rows: make the reference optional and SET NULL (or RESTRICT deletes
    /// and archive instead):
    /// ```sql
    /// ALTER TABLE audit_log ALTER COLUMN organization_id DROP NOT NULL;
    /// ALTER TABLE audit_log DROP CONSTRAINT audit_log_organization_id_fkey,
    ///   ADD CONSTRAINT audit_log_organization_id_fkey FOREIGN KEY (organization_id)
    ///   REFERENCES organizations (id) ON DELETE SET NULL NOT VALID;
    /// ```
    CascadeIntoAudit { id: "cascade-into-audit", summary: "ON DELETE CASCADE erases audit, history or payment records", options: [TABLE_WORDS] }
}

impl Rule for CascadeIntoAudit {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut out = Vec::new();
        for table in ctx.db.tables.values() {
            if !ctx.options.name_has_word(&TABLE_WORDS, &table.name.name) {
                continue;
            }
            for fk in own_foreign_keys(ctx.db, table).filter(|fk| fk.on_delete == FkAction::Cascade)
            {
                out.push(
                    ctx.finding(&table.name,
                        format!(
                            "deleting a row of {} deletes its {} rows (foreign key {} is ON DELETE CASCADE)",
                            fk.references, table.name.name, fk.name
                        ),
                    )
                    .columns(&fk.columns)
                    .object(&fk.name)
                    .fix(set_null_fix(table, fk))
                    .location(fk.location.as_ref()),
                );
            }
        }
        out
    }
}
