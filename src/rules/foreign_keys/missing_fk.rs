use crate::finding::Finding;
use crate::model::{quote_ident, QualifiedName, Table};
use crate::rules::{Context, OptionKind, OptionSpec, Rule, RuleMeta};
use std::collections::BTreeMap;

/// `suffixes`: Column-name suffixes that mark a reference to another table.
pub const SUFFIXES: OptionSpec = OptionSpec {
    name: "suffixes",
    kind: OptionKind::Strings,
    default: r#"["_id", "Id"]"#,
    doc: "Column-name suffixes that mark a reference to another table.",
};

declare_rule! {
    /// ## What it does
    /// Flags columns named like a reference (`engagement_id`, `offerId`) to a table
    /// that exists in the schema (`engagements`, `offers`, or an app-prefixed
    /// `helpdesk_offer`) when no foreign key constrains them. The column must not be
    /// the table's own primary key, nor half of a polymorphic pair (`record_type` +
    /// `record_id`), and its type must match the target's single-column primary key.
    ///
    /// ## Why is this bad?
    /// Without the constraint nothing stops orphans: a deleted parent leaves children
    /// pointing nowhere, and typos in ids are accepted. ORMs that "know" the relation
    /// give a false sense of integrity the database does not enforce.
    ///
    /// ## Example
    /// ```sql
    /// CREATE TABLE engagements (id text PRIMARY KEY);
    /// CREATE TABLE escrow_payments (id text PRIMARY KEY, engagement_id text NOT NULL);
    /// ```
    ///
    /// ## Fix
    /// Add the constraint without a long lock, then validate it:
    /// ```sql
    /// ALTER TABLE escrow_payments ADD CONSTRAINT escrow_payments_engagement_id_fkey
    ///   FOREIGN KEY (engagement_id) REFERENCES engagements (id) NOT VALID;
    /// ALTER TABLE escrow_payments VALIDATE CONSTRAINT escrow_payments_engagement_id_fkey;
    /// ```
    MissingFk { id: "missing-fk", summary: "Column looks like a reference but has no foreign key", options: [SUFFIXES] }
}

impl Rule for MissingFk {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let suffixes = ctx.options.string_list(&SUFFIXES);
        // Table lookup by lower-case name and by the name after an app prefix.
        let mut by_name: BTreeMap<String, Vec<&Table>> = BTreeMap::new();
        for table in ctx.db.tables.values().filter(|t| !t.is_partition()) {
            let lower = table.name.name.to_ascii_lowercase().to_string();
            if let Some((_, tail)) = lower.split_once('_') {
                by_name.entry(format!("~{tail}")).or_default().push(table);
            }
            by_name.entry(lower).or_default().push(table);
        }
        let mut out = Vec::new();
        for table in ctx.db.tables.values().filter(|t| !t.is_partition()) {
            for column in &table.columns {
                let Some(stem) = suffixes
                    .iter()
                    .find_map(|s| column.name.strip_suffix(s.as_str()))
                else {
                    continue;
                };
                if stem.is_empty() || column.data_type.is_array() {
                    continue;
                }
                let is_pk = table
                    .primary_key
                    .as_ref()
                    .is_some_and(|pk| pk.columns == [column.name.clone()]);
                let constrained = table
                    .foreign_keys
                    .iter()
                    .any(|fk| fk.columns.contains(&column.name));
                // Rails / Django polymorphic references (`record_type` + `record_id`)
                // point at several tables: no single foreign key can express them.
                let polymorphic = suffixes.iter().any(|suffix| {
                    let type_column = format!(
                        "{stem}{}",
                        if suffix.starts_with('_') {
                            "_type"
                        } else {
                            "Type"
                        }
                    );
                    table.column(&type_column).is_some()
                });
                if is_pk || constrained || polymorphic {
                    continue;
                }
                let Some(target) = find_target(&by_name, stem, &table.name) else {
                    continue;
                };
                let Some(pk) = target
                    .primary_key
                    .as_ref()
                    .filter(|pk| pk.columns.len() == 1)
                else {
                    continue;
                };
                let Some(target_col) = target.column(&pk.columns[0]) else {
                    continue;
                };
                if !target_col.data_type.same_base(&column.data_type) {
                    continue;
                }
                let constraint = quote_ident(&crate::model::default_names::object_name(
                    &table.name.name,
                    &[&column.name],
                    "fkey",
                ));
                out.push(
                    ctx.finding(&table.name,
                        format!(
                            "{}.{} looks like a reference to {} but has no foreign key",
                            table.name.name, column.name, target.name
                        ),
                    )
                    .columns(&[&column.name])
                    .fix(format!(
                        "ALTER TABLE {t} ADD CONSTRAINT {constraint} FOREIGN KEY ({c}) REFERENCES {r} ({rc}) NOT VALID;\nALTER TABLE {t} VALIDATE CONSTRAINT {constraint};",
                        t = table.name.sql(),
                        c = quote_ident(&column.name),
                        r = target.name.sql(),
                        rc = quote_ident(&pk.columns[0]),
                    ))
                    .location(column.location.as_ref()),
                );
            }
        }
        out
    }
}

/// `engagement` → a table named engagement, engagements, engagementes/-ies, or
/// `<prefix>_engagement(s)` (Django's `<app>_<model>`, Prisma's `user_devices`); only
/// when exactly one table fits, preferring the same schema.
fn find_target<'a>(
    by_name: &BTreeMap<String, Vec<&'a Table>>,
    stem: &str,
    from: &QualifiedName,
) -> Option<&'a Table> {
    let stem = stem.trim_end_matches('_').to_ascii_lowercase();
    let mut forms = vec![stem.clone(), format!("{stem}s"), format!("{stem}es")];
    if let Some(base) = stem.strip_suffix('y') {
        forms.push(format!("{base}ies"));
    }
    let mut candidates: Vec<&Table> = Vec::new();
    for form in &forms {
        for key in [form.clone(), format!("~{form}")] {
            if let Some(tables) = by_name.get(&key) {
                for t in tables {
                    if !candidates.iter().any(|c| c.name == t.name) {
                        candidates.push(t);
                    }
                }
            }
        }
    }
    let same_schema: Vec<&Table> = candidates
        .iter()
        .copied()
        .filter(|t| t.name.schema == from.schema)
        .collect();
    match (same_schema.len(), candidates.len()) {
        (1, _) => Some(same_schema[0]),
        (0, 1) => Some(candidates[0]),
        _ => None,
    }
}
