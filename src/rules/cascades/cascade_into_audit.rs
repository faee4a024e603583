use crate::finding::{Finding, HazardKind};
use crate::model::FkAction;
use crate::rules::analysis::{keep_children_fix, own_foreign_keys};
use crate::rules::options::words;
use crate::rules::{Context, OptionKind, OptionSpec, Rule, RuleMeta};

/// `table_words`: Words in a table name that mark it as a record of events, history or money.
pub const TABLE_WORDS: OptionSpec = OptionSpec {
    name: "table_words",
    kind: OptionKind::Words,
    default: r#"["audit", "audits", "history", "histories", "log", "logs", "ledger", "ledgers", "payment", "payments", "invoice", "invoices", "transaction", "transactions", "journal", "journals", "receipt", "receipts", "refund", "refunds", "changelog", "changelogs", "trail", "trails"]"#,
    doc: "Words in a table name that mark it as a record of events, history or money.",
};

/// `row_words`: Last words of a table name that stand for its rows (entries, items, events): the table qualifies when an earlier word is in `table_words`.
pub const ROW_WORDS: OptionSpec = OptionSpec {
    name: "row_words",
    kind: OptionKind::Words,
    default: r#"["entry", "entries", "item", "items", "line", "lines", "record", "records", "row", "rows", "event", "events"]"#,
    doc: "Last words of a table name that stand for its rows (entries, items, events): the table qualifies when an earlier word is in `table_words`.",
};

declare_rule! {
    /// ## What it does
    /// Flags `ON DELETE CASCADE` foreign keys whose child table keeps a record that
    /// must outlive its parent: tables that record events, history or money (audit,
    /// history, log, ledger, payment, invoice, transaction tables).
    ///
    /// The last word of the table's name says what a row is, so it decides
    /// (`UserSecurityAuditLog` → user, security, audit, **log**): the table qualifies
    /// when its last word is in `table_words` (or glued to one, as in Django's
    /// `tickets_tickethistory`; `catalog` is not a log), or is a word for rows
    /// (`row_words`: entries, items, lines, events) after a word in `table_words`
    /// (`audit_log_entries`, `invoice_line_items`, `audit_events`). A table that
    /// configures how records are kept is not a record: the last word of
    /// `audit_events_streaming_destinations`, `payment_configurations`,
    /// `audit_log_headers`, `invoice_settings` or `audit_filters` is none of these,
    /// and deleting its owner should delete it.
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
    /// Keep the rows: make the reference optional and SET NULL. When the parent is a
    /// soft-delete table (`deleted_columns` / `active_columns`), the fix blocks hard
    /// deletes instead (`ON DELETE RESTRICT`, `NO ACTION` on a deferrable key), the
    /// same fix `soft-delete-hard-cascade` gives the key. The key is rebuilt with its
    /// other properties (`ON UPDATE`, `MATCH`, `DEFERRABLE`) as they were, added `NOT
    /// VALID` and then validated:
    /// ```sql
    /// ALTER TABLE audit_log ALTER COLUMN organization_id DROP NOT NULL;
    /// ALTER TABLE audit_log DROP CONSTRAINT audit_log_organization_id_fkey,
    ///   ADD CONSTRAINT audit_log_organization_id_fkey FOREIGN KEY (organization_id)
    ///   REFERENCES organizations (id) ON DELETE SET NULL NOT VALID;
    /// ```
    CascadeIntoAudit { id: "cascade-into-audit", summary: "ON DELETE CASCADE erases audit, history or payment records", evidence: Convention, options: [TABLE_WORDS, ROW_WORDS, crate::rules::analysis::DELETED_COLUMNS, crate::rules::analysis::ACTIVE_COLUMNS] }
}

impl Rule for CascadeIntoAudit {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut out = Vec::new();
        for table in ctx.db.tables.values() {
            if !records_events(ctx, &table.name.name) {
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
                    .fix(keep_children_fix(ctx.db, ctx.options, table, fk))
                    .location(fk.location.as_ref())
                    .hazard(HazardKind::DataLoss, crate::score::CEILING_CASCADE_DATA_LOSS),
                );
            }
        }
        out
    }
}

/// The table's last word is a record word (glued ones of five letters or more
/// count: `tickethistory`), or a row word after a record word.
fn records_events(ctx: &Context, name: &str) -> bool {
    let records = ctx.options.lowered(&TABLE_WORDS);
    let rows = ctx.options.lowered(&ROW_WORDS);
    let is_record = |w: &str| {
        records
            .iter()
            .any(|l| w == l || (l.len() >= 5 && w.contains(l.as_str())))
    };
    let words = words(name);
    let Some((last, before)) = words.split_last() else {
        return false;
    };
    is_record(last) || (rows.contains(last) && before.iter().any(|w| is_record(w)))
}
