use crate::finding::Finding;
use crate::model::{quote_ident, Column, Database, Table};
use crate::rules::analysis::{add_fk_sql, covering_index, fk_index_fix};
use crate::rules::{Context, OptionKind, OptionSpec, Rule, RuleMeta};

/// `suffixes`: Column-name suffixes that mark a reference to another table.
pub const SUFFIXES: OptionSpec = OptionSpec {
    name: "suffixes",
    kind: OptionKind::Strings,
    default: r#"["_id", "Id"]"#,
    doc: "Column-name suffixes that mark a reference to another table.",
};

declare_rule! {
    /// ## What it does
    /// Flags columns named like a reference (`engagement_id`, `offerId`: a name
    /// ending in one of the `suffixes`) when no foreign key constrains them and the
    /// naming convention below resolves them to exactly one table. The column must not
    /// be the table's own primary key, nor half of a polymorphic pair (`record_type` +
    /// `record_id`), nor an array. A partitioned table whose every partition has a
    /// foreign key on the column is constrained: each row is stored in a partition
    /// and checked by that partition's key (PostgreSQL docs, 5.12.2 "Declarative
    /// Partitioning": constraints can be added to each partition individually).
    ///
    /// The convention: a column `<stem>_id` of table T refers to table R when
    /// - R's name is the stem, or its plural (`engagement` → `engagement`,
    ///   `engagements`; `-es`; `category` → `categories`), case-insensitively, or that
    ///   name behind a prefix T's own name starts with (Django's `<app>_<model>`:
    ///   `helpdesk_comment.ticket_id` → `helpdesk_ticket`);
    /// - R is not T: a column named after its own table (`reactions.reaction_id`,
    ///   `github_apps.app_id`) is a code or an external id, and self-references are
    ///   named for their role (`parent_id`, `manager_id`);
    /// - R has a one-column primary key of the column's type (an external id of
    ///   another type is not a reference), and that key is not itself named as a
    ///   reference to something else (`dehydrated_devices (user_id PRIMARY KEY)`
    ///   identifies users, so a `device_id` cannot point at it);
    /// - and exactly one table fits, in the column's schema if any fits there.
    ///
    /// Only then does the finding carry the fix that adds the constraint. A column
    /// whose stem matches a table only behind some other prefix (`deviceId` and
    /// `user_devices`, but also `group_id` and `cluster_groups`) is a guess: it is
    /// reported at `info`, naming the candidate, without a fix. Ambiguous names
    /// (two tables fit) are not reported.
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
    /// Index the column (unless an index already serves it), add the constraint
    /// without a long lock, then validate it:
    /// ```sql
    /// CREATE INDEX CONCURRENTLY escrow_payments_engagement_id_idx ON escrow_payments (engagement_id);
    /// ALTER TABLE escrow_payments ADD CONSTRAINT escrow_payments_engagement_id_fkey
    ///   FOREIGN KEY (engagement_id) REFERENCES engagements (id) NOT VALID;
    /// ALTER TABLE escrow_payments VALIDATE CONSTRAINT escrow_payments_engagement_id_fkey;
    /// ```
    MissingFk { id: "missing-fk", summary: "Column looks like a reference but has no foreign key", evidence: Convention, options: [SUFFIXES] }
}

impl Rule for MissingFk {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let suffixes = ctx.options.string_list(&SUFFIXES);
        let tables: Vec<&Table> = ctx
            .db
            .tables
            .values()
            .filter(|t| !t.is_partition())
            .collect();
        let mut out = Vec::new();
        for table in &tables {
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
                let constrained = constrains(table, &column.name)
                    || every_partition_constrains(ctx.db, table, &column.name);
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
                let forms = name_forms(stem);
                let by_convention = one_target(&tables, table, column, &forms, &suffixes, |t| {
                    named_by_convention(&t.name.name, &table.name.name, &forms)
                });
                let target = match by_convention {
                    Target::One(t) => t,
                    Target::Ambiguous => continue,
                    Target::None => {
                        if let Target::One(guess) =
                            one_target(&tables, table, column, &forms, &suffixes, |t| {
                                named_behind_other_prefix(&t.name.name, &forms)
                            })
                        {
                            out.push(
                                ctx.finding(&table.name,
                                    format!(
                                        "{}.{} looks like a reference but has no foreign key; no table is named for it by convention ({} matches by name only: check it is the one before adding a constraint)",
                                        table.name.name, column.name, guess.name
                                    ),
                                )
                                .columns(&[&column.name])
                                .location(column.location.as_ref())
                                .downgraded(),
                            );
                        }
                        continue;
                    }
                };
                let Some(pk) = key_column(target) else {
                    continue;
                };
                let constraint = crate::model::default_names::object_name(
                    &table.name.name,
                    &[&column.name],
                    "fkey",
                );
                out.push(
                    ctx.finding(
                        &table.name,
                        format!(
                            "{}.{} looks like a reference to {} but has no foreign key",
                            table.name.name, column.name, target.name
                        ),
                    )
                    .columns(&[&column.name])
                    .fix({
                        // The new foreign key needs an index as much as any other
                        // (`fk-missing-index`): built first, CONCURRENTLY.
                        let columns = [column.name.clone()];
                        let index = if covering_index(table, &columns).is_some() {
                            String::new()
                        } else {
                            fk_index_fix(ctx.db, table, &columns) + "\n"
                        };
                        let definition = format!(
                            "FOREIGN KEY ({}) REFERENCES {} ({})",
                            quote_ident(&column.name),
                            target.name.sql(),
                            quote_ident(&pk.name)
                        );
                        format!(
                            "{index}{}",
                            add_fk_sql(table, &constraint, &definition, None)
                        )
                    })
                    .location(column.location.as_ref()),
                );
            }
        }
        out
    }
}

/// `engagement` → engagement, engagements, engagementes; `category` → categories
/// (lower-case).
fn name_forms(stem: &str) -> Vec<String> {
    let stem = stem.trim_end_matches('_').to_ascii_lowercase();
    let mut forms = vec![stem.clone(), format!("{stem}s"), format!("{stem}es")];
    if let Some(base) = stem.strip_suffix('y') {
        forms.push(format!("{base}ies"));
    }
    forms
}

/// `name` is one of `forms`, alone or behind a prefix `from` starts with
/// (`helpdesk_ticket` for `ticket` from `helpdesk_comment`).
fn named_by_convention(name: &str, from: &str, forms: &[String]) -> bool {
    let name = name.to_ascii_lowercase();
    let from = from.to_ascii_lowercase();
    forms.iter().any(|form| {
        name == *form
            || name
                .strip_suffix(form.as_str())
                .and_then(|prefix| prefix.strip_suffix('_'))
                .is_some_and(|prefix| !prefix.is_empty() && from.starts_with(&format!("{prefix}_")))
    })
}

/// `name` is one of `forms` behind some prefix (`user_devices` for `device`): a
/// guess, since nothing ties the prefix to the referencing table.
fn named_behind_other_prefix(name: &str, forms: &[String]) -> bool {
    let name = name.to_ascii_lowercase();
    name.split_once('_')
        .is_some_and(|(_, tail)| forms.iter().any(|f| f == tail))
}

/// The referenced table's one-column primary key.
fn key_column(table: &Table) -> Option<&Column> {
    let pk = table
        .primary_key
        .as_ref()
        .filter(|pk| pk.columns.len() == 1)?;
    table.column(&pk.columns[0])
}

enum Target<'a> {
    None,
    One(&'a Table),
    Ambiguous,
}

/// The one table `named` picks for `column` of `from`: never `from` itself, with a
/// one-column primary key of the column's type, preferring `from`'s schema.
fn one_target<'a>(
    tables: &[&'a Table],
    from: &Table,
    column: &Column,
    forms: &[String],
    suffixes: &[String],
    named: impl Fn(&Table) -> bool,
) -> Target<'a> {
    let fits: Vec<&'a Table> = tables
        .iter()
        .copied()
        .filter(|t| t.name != from.name && named(t))
        .filter(|t| {
            key_column(t).is_some_and(|k| {
                k.data_type.same_base(&column.data_type) && !key_names_another(k, forms, suffixes)
            })
        })
        .collect();
    let same_schema: Vec<&'a Table> = fits
        .iter()
        .copied()
        .filter(|t| t.name.schema == from.name.schema)
        .collect();
    match (same_schema.as_slice(), fits.as_slice()) {
        ([one], _) => Target::One(one),
        ([], [one]) => Target::One(one),
        ([], []) => Target::None,
        _ => Target::Ambiguous,
    }
}

/// Whether a foreign key of `table` constrains `column`.
fn constrains(table: &Table, column: &str) -> bool {
    table
        .foreign_keys
        .iter()
        .any(|fk| fk.columns.iter().any(|c| c == column))
}

/// A partitioned table whose partitions each carry a foreign key on the column: every
/// row lives in a partition, so every row is checked (pg_dump writes such keys per
/// partition when they were added to each partition rather than to the parent).
fn every_partition_constrains(db: &Database, parent: &Table, column: &str) -> bool {
    let partitions = db.partitions(&parent.name);
    !partitions.is_empty() && partitions.iter().all(|p| constrains(p, column))
}

/// The candidate's key is itself named as a reference to something else
/// (`dehydrated_devices.user_id` for a `device_id`): it identifies a user, not a
/// device, so the column cannot point at it. A key named `id`, `code` or for the same
/// stem is no objection.
fn key_names_another(key: &Column, forms: &[String], suffixes: &[String]) -> bool {
    suffixes.iter().any(|suffix| {
        key.name.strip_suffix(suffix.as_str()).is_some_and(|stem| {
            !stem.is_empty() && {
                let own = name_forms(stem);
                !own.iter().any(|f| forms.contains(f))
            }
        })
    })
}
