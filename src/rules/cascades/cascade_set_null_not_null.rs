use crate::finding::Finding;
use crate::model::{quote_ident, FkAction};
use crate::rules::analysis::own_foreign_keys;
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags foreign keys whose `ON DELETE` / `ON UPDATE SET NULL` targets a NOT NULL
    /// column, and `SET DEFAULT` actions on a NOT NULL column that has no default
    /// (`SET DEFAULT` then sets NULL, which a nullable column accepts).
    /// `ON DELETE SET NULL (col)` column lists are honoured. PostgreSQL docs: "5.5.5.
    /// Foreign Keys" (SET NULL / SET DEFAULT) and "5.2. Default Values" (a column with
    /// no default has the null value).
    ///
    /// ## Why is this bad?
    /// The action cannot succeed: deleting (or re-keying) the parent row fails at
    /// runtime with a NOT NULL violation, in production, on whatever code path
    /// deletes parents. The schema promises behaviour it cannot deliver.
    ///
    /// ## Example
    /// ```sql
    /// CREATE TABLE posts (id bigint PRIMARY KEY,
    ///   author_id bigint NOT NULL REFERENCES users (id) ON DELETE SET NULL);
    /// ```
    ///
    /// ## Fix
    /// Decide which is true: the column is optional (drop NOT NULL) or the children
    /// must go or block the delete (CASCADE / RESTRICT):
    /// ```sql
    /// ALTER TABLE posts ALTER COLUMN author_id DROP NOT NULL;
    /// ```
    CascadeSetNullNotNull { id: "cascade-set-null-not-null", summary: "SET NULL / SET DEFAULT action that cannot succeed", evidence: Behaviour }
}

impl Rule for CascadeSetNullNotNull {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut out = Vec::new();
        for table in ctx.db.tables.values() {
            for fk in own_foreign_keys(ctx.db, table) {
                for (event, action, targets) in [
                    ("DELETE", fk.on_delete, fk.delete_target_columns()),
                    ("UPDATE", fk.on_update, fk.columns.as_slice()),
                ] {
                    let broken: Vec<&crate::model::Name> = targets
                        .iter()
                        .filter(|c| {
                            let Some(col) = table.column(c) else {
                                return false;
                            };
                            match action {
                                FkAction::SetNull => col.not_null,
                                FkAction::SetDefault => {
                                    col.not_null
                                        && col
                                            .default
                                            .as_deref()
                                            .is_none_or(crate::model::is_null_default)
                                }
                                _ => false,
                            }
                        })
                        .collect();
                    if broken.is_empty() {
                        continue;
                    }
                    let names: Vec<&str> = broken.iter().map(|s| s.as_str()).collect();
                    let why = if action == FkAction::SetNull {
                        format!("{} NOT NULL", names.join(", "))
                    } else {
                        format!("{} NOT NULL without a default", names.join(", "))
                    };
                    // Dropping NOT NULL lets the action run (SET DEFAULT then sets
                    // NULL); a default is the other way, but its value is the user's.
                    // A primary-key column can never be NULL (PostgreSQL refuses
                    // DROP NOT NULL there): then the action must change, to RESTRICT.
                    let in_primary_key = table
                        .primary_key
                        .as_ref()
                        .is_some_and(|pk| names.iter().any(|c| pk.columns.iter().any(|p| p == c)));
                    let fix = if in_primary_key {
                        crate::rules::analysis::replace_fk_sql(
                            table,
                            fk,
                            crate::rules::analysis::FkChange::OnDelete(FkAction::Restrict),
                        )
                    } else {
                        names
                            .iter()
                            .map(|c| {
                                format!(
                                    "ALTER TABLE {} ALTER COLUMN {} DROP NOT NULL;",
                                    table.name.sql(),
                                    quote_ident(c)
                                )
                            })
                            .collect::<Vec<_>>()
                            .join("\n")
                    };
                    let help = if in_primary_key {
                        format!(
                            "{} is in the primary key of {} and can never be NULL: RESTRICT keeps a parent that has rows here, CASCADE would delete them with it",
                            names.join(", "),
                            table.name.name
                        )
                    } else if action == FkAction::SetNull {
                        format!(
                            "or, if every {} needs a parent, make the action RESTRICT or CASCADE",
                            table.name.name
                        )
                    } else {
                        format!(
                            "or give {} a default that exists in {}",
                            names.join(", "),
                            fk.references
                        )
                    };
                    out.push(
                        ctx.finding(&table.name,
                            format!(
                                "foreign key {} is ON {event} {} but {why}: {event} on {} will fail",
                                fk.name,
                                action.sql(),
                                if event == "DELETE" { "the parent" } else { "the parent key" }.to_string() + &format!(" {}", fk.references)
                            ),
                        )
                        .columns(&names)
                        .object(&fk.name)
                        .fix(fix)
                        .help(help)
                        .location(fk.location.as_ref()),
                    );
                }
            }
        }
        out
    }
}
