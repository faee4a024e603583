use super::{has_value_check, is_status_like};
use crate::finding::Finding;
use crate::model::quote_ident;
use crate::rules::{Context, OptionKind, OptionSpec, Rule, RuleMeta};

/// `status_columns`: Column names that hold a status, state or kind.
pub const STATUS_COLUMNS: OptionSpec = OptionSpec {
    name: "status_columns",
    kind: OptionKind::Globs,
    default: r#"["status", "*_status", "*Status", "state", "*_state", "type", "kind", "priority", "stage", "urgency", "frequency"]"#,
    doc: "Column names that hold a status, state or kind.",
};

declare_rule! {
    /// ## What it does
    /// Flags text columns named like a status, state, type or priority
    /// (`status_columns` option) that are neither an enum nor constrained by a CHECK.
    /// A postal address's state (`state` or `shipping_state` beside a `city` or
    /// `shipping_city` column) is a place name, not a status, and is skipped.
    ///
    /// ## Why is this bad?
    /// Any string is accepted: `"canceled"` next to `"cancelled"`, `"Active"` next to
    /// `"active"`. Code that switches on the value silently misses rows, and reports
    /// count them in the wrong bucket.
    ///
    /// ## Example
    /// ```sql
    /// CREATE TABLE invoices (id text PRIMARY KEY, status text NOT NULL DEFAULT 'pending');
    /// ```
    ///
    /// ## Fix
    /// The values are the application's to list, so the finding gives advice, not a
    /// statement: a CHECK added NOT VALID, then validated (which scans without
    /// blocking writes):
    /// ```sql
    /// ALTER TABLE invoices ADD CONSTRAINT invoices_status_check
    ///   CHECK (status IN ('pending', 'paid', 'void')) NOT VALID;
    /// ALTER TABLE invoices VALIDATE CONSTRAINT invoices_status_check;
    /// ```
    StatusWithoutCheck { id: "status-without-check", summary: "Status-like text column without CHECK or enum", evidence: Convention, options: [STATUS_COLUMNS] }
}

impl Rule for StatusWithoutCheck {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut out = Vec::new();
        for table in ctx.db.tables.values().filter(|t| !t.is_partition()) {
            for column in &table.columns {
                if !is_status_like(ctx.db, table, &column.name, ctx.options, &STATUS_COLUMNS)
                    || has_value_check(ctx.db, table, &column.name)
                {
                    continue;
                }
                let constraint = quote_ident(&format!("{}_{}_check", table.name.name, column.name));
                out.push(
                    ctx.finding(&table.name,
                        format!("{}.{} is free text: any value is accepted", table.name.name, column.name),
                    )
                    .columns(&[&column.name])
                    // The allowed values are the application's to list.
                    .help(format!(
                        "list the values it may hold in a CHECK, added NOT VALID and then validated: ALTER TABLE {t} ADD CONSTRAINT {constraint} CHECK ({c} IN (<values>)) NOT VALID; ALTER TABLE {t} VALIDATE CONSTRAINT {constraint}",
                        t = table.name.sql(),
                        c = quote_ident(&column.name)
                    ))
                    .location(column.location.as_ref()),
                );
            }
        }
        out
    }
}
