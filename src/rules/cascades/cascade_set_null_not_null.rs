use crate::finding::Finding;
use crate::model::{quote_ident, FkAction};
use crate::rules::analysis::own_foreign_keys;
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags foreign keys whose `ON DELETE` / `ON UPDATE SET NULL` targets a NOT NULL
    /// column, and `SET DEFAULT` actions on a column that has no default (which then
    /// sets NULL). `ON DELETE SET NULL (col)` column lists are honoured.
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
    CascadeSetNullNotNull { id: "cascade-set-null-not-null", summary: "SET NULL / SET DEFAULT action that cannot succeed" }
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
                                FkAction::SetDefault => col.default.is_none(),
                                _ => false,
                            }
                        })
                        .collect();
                    if broken.is_empty() {
                        continue;
                    }
                    let names: Vec<&str> = broken.iter().map(|s| s.as_str()).collect();
                    let (why, fix) = if action == FkAction::SetNull {
                        (
                            format!("{} NOT NULL", names.join(", ")),
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
                                .join("\n"),
                        )
                    } else {
                        (
                            format!("{} without a default", names.join(", ")),
                            format!(
                                "-- give {} a default, or change ON {event} to RESTRICT or CASCADE",
                                names.join(", ")
                            ),
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
                        .location(fk.location.as_ref()),
                    );
                }
            }
        }
        out
    }
}
