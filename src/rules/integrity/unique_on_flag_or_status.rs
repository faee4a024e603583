use crate::finding::Finding;
use crate::model::{quote_ident, Index, Table};
use crate::rules::analysis::{create_index_sql, drop_index_sql, index_covers, own_foreign_keys};
use crate::rules::{Context, OptionKind, OptionSpec, Rule, RuleMeta};

/// `status_columns`: Column names that hold a status or state.
pub const STATUS_COLUMNS: OptionSpec = OptionSpec {
    name: "status_columns",
    kind: OptionKind::Globs,
    default: r#"["status", "*_status", "*Status", "state", "*_state", "stage"]"#,
    doc: "Column names that hold a status or state.",
};

declare_rule! {
    /// ## What it does
    /// Flags multi-column UNIQUE constraints and unique indexes without a predicate
    /// that include a boolean flag or a status-like column (`status_columns` option;
    /// text or enum). A postal address's state (`state` beside a `city` column with
    /// the same prefix) is a place name, not a status, and is skipped.
    ///
    /// ## Why is this bad?
    /// Such a key almost never means what was intended. `UNIQUE (customer_id,
    /// is_primary)` is meant as "at most one primary contact per customer", but it
    /// also allows only *one non-primary* contact. `UNIQUE (project_id, step_id,
    /// status)` allows one resolved alert per step, ever: the second resolution fails.
    ///
    /// ## Example
    /// ```sql
    /// CREATE TABLE contacts (id bigint PRIMARY KEY, customer_id bigint NOT NULL,
    ///   is_primary boolean NOT NULL DEFAULT false, UNIQUE (customer_id, is_primary));
    /// ```
    ///
    /// ## Fix
    /// Constrain only the rows the rule is about, with a partial unique index
    /// ("11.8. Partial Indexes", example 11.3). For a boolean flag the fix does it
    /// (`WHERE flag`) and first builds a plain index for a foreign key that only the
    /// dropped key served (the partial index does not serve its lookups). For a status,
    /// which value may occur once is the application's to say: no fix, only advice.
    /// ```sql
    /// CREATE UNIQUE INDEX CONCURRENTLY contacts_one_primary ON contacts (customer_id) WHERE is_primary;
    /// ALTER TABLE contacts DROP CONSTRAINT contacts_customer_id_is_primary_key;
    /// ```
    UniqueOnFlagOrStatus { id: "unique-on-flag-or-status", summary: "Unique key includes a boolean flag or status column", evidence: Convention, options: [STATUS_COLUMNS] }
}

fn odd_columns<'a>(ctx: &Context, table: &Table, index: &'a Index) -> Vec<&'a str> {
    index
        .plain_key_columns()
        .unwrap_or_default()
        .into_iter()
        .filter(|c| {
            let Some(col) = table.column(c) else {
                return false;
            };
            // Here an enum status is as odd as a text one: the key still allows one
            // row per status value.
            // A postal address's state is a place name, not a status.
            let status = ctx.options.name_matches(&STATUS_COLUMNS, c)
                && (col.data_type.is_textual() || ctx.db.is_enum(&col.data_type))
                && !super::is_postal_state(table, c);
            col.data_type.name == "boolean" || status
        })
        .collect()
}

impl Rule for UniqueOnFlagOrStatus {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut out = Vec::new();
        for table in ctx.db.tables.values().filter(|t| !t.is_partition()) {
            for index in table
                .indexes
                .iter()
                .filter(|i| i.unique && i.predicate.is_none() && i.keys.len() >= 2)
            {
                let odd = odd_columns(ctx, table, index);
                let Some(flag) = odd.first() else { continue };
                let rest: Vec<String> = index
                    .plain_key_columns()
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|c| c != flag)
                    .map(quote_ident)
                    .collect();
                let is_bool = table
                    .column(flag)
                    .is_some_and(|c| c.data_type.name == "boolean");
                let drop = drop_index_sql(table, index);
                let new_name = quote_ident(&format!(
                    "{}_{}_partial_key",
                    table.name.name,
                    flag.to_ascii_lowercase()
                ));
                let finding = ctx
                    .finding(
                        &table.name,
                        format!(
                            "unique key {} ({}) includes {flag}: each value of {flag} may occur only once per ({}), so a second row with the same {flag} is rejected",
                            index.name.name,
                            index.keys_sql(),
                            rest.join(", ")
                        ),
                    )
                    .columns(&odd)
                    .object(&index.name.name);
                let finding = if is_bool {
                    // A foreign key the dropped key served still needs an index: the
                    // partial one (WHERE flag) does not serve its lookups.
                    let others: Vec<&Index> = table
                        .indexes
                        .iter()
                        .filter(|i| i.name != index.name)
                        .collect();
                    let keep_served: Vec<String> = own_foreign_keys(ctx.db, table)
                        .filter(|fk| {
                            index_covers(index, &fk.columns)
                                && !others.iter().any(|i| index_covers(i, &fk.columns))
                        })
                        .map(|fk| create_index_sql(ctx.db, table, &fk.columns))
                        .collect();
                    let mut statements = keep_served;
                    statements.push(format!(
                        "CREATE UNIQUE INDEX CONCURRENTLY {new_name} ON {} ({}) WHERE {};",
                        table.name.sql(),
                        rest.join(", "),
                        quote_ident(flag)
                    ));
                    statements.push(drop);
                    finding.fix(statements.join("\n"))
                } else {
                    // Which value may occur once per key is the application's to say.
                    finding.help(format!(
                        "if at most one row per ({rest}) may have a given {flag}, say which with a partial unique index, CREATE UNIQUE INDEX CONCURRENTLY {new_name} ON {} ({rest}) WHERE {} = '<value>', then drop {}",
                        table.name.sql(),
                        quote_ident(flag),
                        index.name.name,
                        rest = rest.join(", ")
                    ))
                };
                out.push(finding.location(index.location.as_ref()));
            }
        }
        out
    }
}
