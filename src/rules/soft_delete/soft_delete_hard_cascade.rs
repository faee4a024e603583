use crate::finding::Finding;
use crate::model::FkAction;
use crate::rules::analysis::{own_foreign_keys, replace_fk_sql, soft_delete};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags `ON DELETE CASCADE` foreign keys whose parent table uses soft delete
    /// (see `soft-delete-unique` for how it is recognised).
    ///
    /// ## Why is this bad?
    /// The two designs contradict each other. Soft-deleting the parent (setting
    /// `deleted_at`) fires no cascade, so its children stay live and visible under a
    /// "deleted" parent; a hard delete, when it does happen, bypasses the soft-delete
    /// design and destroys the children for good.
    ///
    /// ## Example
    /// ```sql
    /// CREATE TABLE projects (id text PRIMARY KEY, "deletedAt" timestamp(3));
    /// CREATE TABLE tasks (id text PRIMARY KEY, project_id text NOT NULL REFERENCES projects ON DELETE CASCADE);
    /// ```
    ///
    /// ## Fix
    /// Restrict hard deletes of the parent and propagate the soft delete in the
    /// application (or a trigger):
    /// ```sql
    /// ALTER TABLE tasks DROP CONSTRAINT tasks_project_id_fkey,
    ///   ADD CONSTRAINT tasks_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects ON DELETE RESTRICT;
    /// ```
    SoftDeleteHardCascade { id: "soft-delete-hard-cascade", summary: "ON DELETE CASCADE from a soft-delete parent", evidence: Convention, options: [crate::rules::analysis::DELETED_COLUMNS, crate::rules::analysis::ACTIVE_COLUMNS] }
}

impl Rule for SoftDeleteHardCascade {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut out = Vec::new();
        for table in ctx.db.tables.values() {
            for fk in own_foreign_keys(ctx.db, table).filter(|fk| fk.on_delete == FkAction::Cascade)
            {
                let Some(parent) = ctx.db.table(&fk.references) else {
                    continue;
                };
                let Some(marker) = soft_delete(parent, ctx.options) else {
                    continue;
                };
                out.push(
                    ctx.finding(&table.name,
                        format!(
                            "{} soft-deletes rows ({}) but foreign key {} hard-deletes {} rows ON DELETE CASCADE",
                            parent.name.name,
                            marker.column().name,
                            fk.name,
                            table.name.name
                        ),
                    )
                    .columns(&fk.columns)
                    .object(&fk.name)
                    .fix(replace_fk_sql(
                        table,
                        fk,
                        crate::rules::analysis::FkChange::OnDelete(crate::model::FkAction::Restrict),
                    ))
                    .location(fk.location.as_ref()),
                );
            }
        }
        out
    }
}
