use crate::finding::Finding;
use crate::model::quote_ident;
use crate::rules::analysis::drop_index_sql;
use crate::rules::{Context, OptionKind, OptionSpec, Rule, RuleMeta};

/// `tenant_columns`: Column names that say which tenant a row belongs to.
pub const TENANT_COLUMNS: OptionSpec = OptionSpec {
    name: "tenant_columns",
    kind: OptionKind::Globs,
    default: r#"["organization_id", "organizationId", "tenant_id", "tenantId", "org_id", "orgId", "workspace_id", "workspaceId", "account_id", "accountId", "company_id", "companyId"]"#,
    doc: "Column names that say which tenant a row belongs to.",
};

/// `exempt_columns`: Unique columns that are global by nature (ids, tokens, hashes).
pub const EXEMPT_COLUMNS: OptionSpec = OptionSpec {
    name: "exempt_columns",
    kind: OptionKind::Globs,
    default: r#"["*_id", "*id", "*token*", "*hash*", "*uuid*", "*secret*", "*api_key*", "*apikey*", "*ref*"]"#,
    doc: "Unique columns that are global by nature (ids, tokens, hashes).",
};

/// `exempt_tables`: Tables whose unique keys are global by nature.
pub const EXEMPT_TABLES: OptionSpec = OptionSpec {
    name: "exempt_tables",
    kind: OptionKind::Globs,
    default: r#"["*api_key*", "*apikey*", "*token*", "*session*", "*account*"]"#,
    doc: "Tables whose unique keys are global by nature.",
};

declare_rule! {
    /// ## What it does
    /// In a table that belongs to a tenant (it has a `tenant_columns` column such as
    /// `organization_id`), flags UNIQUE constraints and unique indexes that do not
    /// include the tenant column. Columns named in `exempt_columns` (external ids,
    /// tokens, hashes) and tables named in `exempt_tables` (API keys, sessions) are
    /// globally unique by nature and are skipped.
    ///
    /// ## Why is this bad?
    /// A key that should be unique per tenant (a ticket number, a slug, a product
    /// key) is unique across all tenants instead: one customer's `TICKET-1001`
    /// blocks every other customer's, and the error leaks that the value exists.
    ///
    /// ## Example
    /// ```sql
    /// CREATE TABLE tickets (id bigint PRIMARY KEY, organization_id bigint NOT NULL,
    ///   ticket_number varchar(20) NOT NULL UNIQUE);
    /// ```
    ///
    /// ## Fix
    /// ```sql
    /// CREATE UNIQUE INDEX CONCURRENTLY tickets_org_ticket_number_key ON tickets (organization_id, ticket_number);
    /// ALTER TABLE tickets DROP CONSTRAINT tickets_ticket_number_key;
    /// ```
    TenantUnscopedUnique { id: "tenant-unscoped-unique", summary: "Unique key in a tenant table does not include the tenant column", options: [TENANT_COLUMNS, EXEMPT_COLUMNS, EXEMPT_TABLES] }
}

impl Rule for TenantUnscopedUnique {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut out = Vec::new();
        for table in ctx.db.tables.values().filter(|t| !t.is_partition()) {
            if ctx.options.name_matches(&EXEMPT_TABLES, &table.name.name) {
                continue;
            }
            let Some(tenant) = table
                .columns
                .iter()
                .find(|c| ctx.options.name_matches(&TENANT_COLUMNS, &c.name))
            else {
                continue;
            };
            for index in table
                .indexes
                .iter()
                .filter(|i| i.unique && i.role != crate::model::IndexRole::PrimaryKey)
            {
                let Some(cols) = index.plain_key_columns() else {
                    continue;
                };
                if cols.contains(&tenant.name.as_str())
                    || cols
                        .iter()
                        .any(|c| ctx.options.name_matches(&EXEMPT_COLUMNS, c))
                {
                    continue;
                }
                let mut new_cols = vec![quote_ident(&tenant.name)];
                new_cols.extend(cols.iter().map(|c| quote_ident(c)));
                let drop = drop_index_sql(table, index);
                let predicate = index
                    .predicate
                    .as_ref()
                    .map(|p| format!(" WHERE {p}"))
                    .unwrap_or_default();
                let new_name = quote_ident(&format!(
                    "{}_tenant_{}_key",
                    table.name.name,
                    cols.join("_")
                ));
                out.push(
                    ctx.finding(&table.name,
                        format!(
                            "{} ({}) is unique across all tenants, not per {}",
                            index.name.name,
                            cols.join(", "),
                            tenant.name
                        ),
                    )
                    .columns(&cols)
                    .object(&index.name.name)
                    .fix(format!(
                        "CREATE UNIQUE INDEX CONCURRENTLY {new_name} ON {} ({}){predicate};\n{drop}",
                        table.name.sql(),
                        new_cols.join(", ")
                    ))
                    .location(index.location.as_ref()),
                );
            }
        }
        out
    }
}
