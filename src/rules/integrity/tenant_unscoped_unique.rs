use crate::finding::Finding;
use crate::model::{quote_ident, Column, Table};
use crate::rules::analysis::{drop_index_sql, mentions_column};
use crate::rules::options::words;
use crate::rules::{Context, OptionKind, OptionSpec, Rule, RuleMeta};

/// `tenant_columns`: Column names that say which tenant a row belongs to.
pub const TENANT_COLUMNS: OptionSpec = OptionSpec {
    name: "tenant_columns",
    kind: OptionKind::Globs,
    default: r#"["organization_id", "organizationId", "tenant_id", "tenantId", "org_id", "orgId", "workspace_id", "workspaceId", "account_id", "accountId", "company_id", "companyId"]"#,
    doc: "Column names that say which tenant a row belongs to.",
};

/// `label_words`: Last words of a column name that make it a human label (ticket_number, slug, display_name).
pub const LABEL_WORDS: OptionSpec = OptionSpec {
    name: "label_words",
    kind: OptionKind::Words,
    default: r#"["name", "title", "slug", "label", "code", "key", "number"]"#,
    doc: "Last words of a column name that make it a human label (ticket_number, slug, display_name).",
};

/// `exempt_columns`: Unique columns that are global by nature (ids, tokens, hashes, machine-generated codes, contact identifiers).
pub const EXEMPT_COLUMNS: OptionSpec = OptionSpec {
    name: "exempt_columns",
    kind: OptionKind::Globs,
    default: r#"["*_id", "*id", "*token*", "*hash*", "*uuid*", "*secret*", "*api_key*", "*apikey*", "*ref*", "*fingerprint*", "*device*", "*client*", "*user_code*", "*usercode*", "*user_name*", "*username*", "*email*", "*phone*", "*domain*", "*host*", "*serial*", "*otp*", "*verification*", "*invit*", "*confirmation*"]"#,
    doc: "Unique columns that are global by nature (ids, tokens, hashes, machine-generated codes, contact identifiers).",
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
    /// Flags unique keys that hold a tenant's own labels but are unique across all
    /// tenants. A UNIQUE constraint or unique index (not the primary key) is reported
    /// when all of this holds:
    /// - its table belongs to a tenant: it has a `tenant_columns` column
    ///   (`organization_id`), and it is not the tenant table itself nor one row per
    ///   tenant: the tenant column does not reference its own table, the table is not
    ///   named for it (`organizations`, `<app>_organization`), and it is not unique
    ///   on its own (a per-tenant settings row's keys are global by construction);
    ///   tables named in `exempt_tables` (API keys, sessions) are skipped;
    /// - the key includes no tenant column, and, if partial, its predicate does not
    ///   mention one (`WHERE organization_id IS NULL` scopes it already);
    /// - one of its columns is a human label: its name's last word is in
    ///   `label_words` (`ticket_number`, `slug`, `display_name`, `title`, `code`);
    /// - and none of its columns is a global identifier by nature (`exempt_columns`:
    ///   other references and ids, which scope the key to a parent, tokens, hashes,
    ///   fingerprints, device and user codes, client keys, e-mail addresses and
    ///   phone numbers that identify a person everywhere, domains and host names).
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
    TenantUnscopedUnique { id: "tenant-unscoped-unique", summary: "Unique key in a tenant table does not include the tenant column", evidence: Convention, options: [TENANT_COLUMNS, LABEL_WORDS, EXEMPT_COLUMNS, EXEMPT_TABLES] }
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
            let tenants: Vec<&Column> = table
                .columns
                .iter()
                .filter(|c| ctx.options.name_matches(&TENANT_COLUMNS, &c.name))
                .collect();
            let Some(tenant) = tenants.first() else {
                continue;
            };
            if tenants.iter().any(|t| is_tenant_table(table, t)) {
                continue;
            }
            let labels = ctx.options.lowered(&LABEL_WORDS);
            for index in table
                .indexes
                .iter()
                .filter(|i| i.unique && i.role != crate::model::IndexRole::PrimaryKey)
            {
                let Some(cols) = index.plain_key_columns() else {
                    continue;
                };
                let scoped = tenants.iter().any(|t| {
                    cols.contains(&t.name.as_str())
                        || index
                            .predicate
                            .as_ref()
                            .is_some_and(|p| mentions_column(p, &t.name))
                });
                let labelled = cols
                    .iter()
                    .any(|c| words(c).last().is_some_and(|w| labels.contains(w)));
                if scoped
                    || !labelled
                    || cols
                        .iter()
                        .any(|c| ctx.options.name_matches(&EXEMPT_COLUMNS, c))
                {
                    continue;
                }
                let mut new_cols = vec![quote_ident(&tenant.name)];
                new_cols.extend(cols.iter().map(|c| quote_ident(c)));
                let mut key: Vec<crate::model::Name> = vec![tenant.name.clone()];
                key.extend(cols.iter().map(|c| crate::model::Name::from(*c)));
                // The tenant column's own index is now a prefix of the new key.
                let mut drop = vec![drop_index_sql(table, index)];
                drop.extend(crate::rules::analysis::drop_made_redundant(
                    table,
                    &key,
                    index.predicate.as_deref(),
                ));
                let drop = drop.join("\n");
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

/// The tenant table itself, or a table with one row per tenant: the tenant column
/// references the table, names it (`organization_id` in `organizations` or Django's
/// `<app>_organization`), or is unique on its own.
fn is_tenant_table(table: &Table, tenant: &Column) -> bool {
    let alone = [tenant.name.clone()];
    let references_itself = table
        .foreign_keys
        .iter()
        .any(|fk| fk.columns == alone && fk.references == table.name);
    let unique_alone = table
        .primary_key
        .as_ref()
        .is_some_and(|pk| pk.columns == alone)
        || table.indexes.iter().any(|i| {
            i.unique
                && i.predicate.is_none()
                && i.plain_key_columns()
                    .is_some_and(|k| k == [tenant.name.as_str()])
        });
    let lower = tenant.name.to_ascii_lowercase();
    let stem = lower
        .strip_suffix("_id")
        .or_else(|| lower.strip_suffix("id"))
        .unwrap_or(&lower);
    let name = table.name.name.to_ascii_lowercase();
    let mut forms = vec![stem.to_string(), format!("{stem}s")];
    if let Some(base) = stem.strip_suffix('y') {
        forms.push(format!("{base}ies"));
    }
    let named_for_it = forms
        .iter()
        .any(|form| name == *form || name.ends_with(&format!("_{form}")));
    references_itself || unique_alone || named_for_it
}
