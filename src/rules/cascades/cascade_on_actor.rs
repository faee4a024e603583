use crate::finding::{Finding, HazardKind};
use crate::model::FkAction;
use crate::rules::analysis::{is_actor_column, keep_children_fix, own_foreign_keys, ACTOR_COLUMNS};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags `ON DELETE CASCADE` foreign keys on columns that record *who did
    /// something* to a row (`granted_by`, `created_by_id`, `approvedBy`, ...: the
    /// `actor_columns` option, shared with `soft-delete-inconsistent`) rather than
    /// who owns it. The option's globs are tried on the whole column name and on
    /// each tail of it that starts at a word, so a noun in front does not hide the
    /// actor (`follow_approver_id`, `change_editor`); a past participle in front
    /// (`subscribed_editor`) names whom the row is about, and is not an actor.
    ///
    /// ## Why is this bad?
    /// The row belongs to someone else; the referenced user only acted on it.
    /// Deleting an administrator then deletes every permission they ever granted to
    /// other people, every record they approved, every item they created for a team.
    /// The loss lands on users who were never deleted.
    ///
    /// ## Example
    /// ```sql
    /// CREATE TABLE user_permissions (id bigint PRIMARY KEY,
    ///   user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    ///   granted_by_id bigint NOT NULL REFERENCES users ON DELETE CASCADE);
    /// ```
    ///
    /// ## Fix
    /// Keep the row and forget the actor (SET NULL). When the parent is a soft-delete
    /// table (`deleted_columns` / `active_columns`), the fix blocks hard deletes
    /// instead (`ON DELETE RESTRICT`), as `soft-delete-hard-cascade` does. The key keeps
    /// its other properties (`ON UPDATE`, `MATCH`, `DEFERRABLE`):
    /// ```sql
    /// ALTER TABLE user_permissions ALTER COLUMN granted_by_id DROP NOT NULL;
    /// ALTER TABLE user_permissions DROP CONSTRAINT user_permissions_granted_by_id_fkey,
    ///   ADD CONSTRAINT user_permissions_granted_by_id_fkey FOREIGN KEY (granted_by_id)
    ///   REFERENCES users ON DELETE SET NULL NOT VALID;
    /// ```
    CascadeOnActor { id: "cascade-on-actor", summary: "ON DELETE CASCADE on a who-did-it column deletes other people's rows", evidence: Convention, options: [ACTOR_COLUMNS, crate::rules::analysis::DELETED_COLUMNS, crate::rules::analysis::ACTIVE_COLUMNS] }
}

impl Rule for CascadeOnActor {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut out = Vec::new();
        for table in ctx.db.tables.values() {
            for fk in own_foreign_keys(ctx.db, table).filter(|fk| fk.on_delete == FkAction::Cascade)
            {
                let Some(actor) = fk.columns.iter().find(|c| is_actor_column(ctx.options, c))
                else {
                    continue;
                };
                out.push(
                    ctx.finding(&table.name,
                        format!(
                            "{}.{actor} records who acted, but deleting that {} row deletes this {} row too (foreign key {} is ON DELETE CASCADE)",
                            table.name.name, fk.references.name, table.name.name, fk.name
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
