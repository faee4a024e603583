use super::finding;
use crate::finding::Finding;
use crate::model::{Name, QualifiedName};
use crate::rules::{MigrationContext, Rule, RuleMeta};
use crate::source::sql::refusal::{
    long_identifiers, truncate_identifier, Refusal, MAX_IDENTIFIER_BYTES,
};

declare_rule! {
    /// ## What it does
    /// Flags identifiers longer than 63 bytes in a migration statement: table, column,
    /// index, constraint and other names, quoted or not (after an unquoted name is
    /// folded to lower case). Identifiers inside function bodies and string literals
    /// are not looked at.
    ///
    /// ## Why is this bad?
    /// PostgreSQL keeps only the first 63 bytes of an identifier and says so only in a
    /// NOTICE ("identifier … will be truncated"), which migration tools do not show
    /// (PostgreSQL docs: "4.1.1. Identifiers and Key Words": "The system uses no more
    /// than NAMEDATALEN-1 bytes of an identifier; longer names can be written in
    /// commands, but they will be truncated"). The object then has a name nobody
    /// wrote: the next migration that names it in full works only because it is
    /// truncated the same way, an ORM that compares names sees drift, and two long
    /// names with the same first 63 bytes collide ("relation … already exists").
    /// dblint's model truncates them the same way, so its other findings name the
    /// truncated object.
    ///
    /// ## Example
    /// ```sql
    /// CREATE INDEX index_subscriptions_on_organization_id_and_external_customer_id_and_status
    ///   ON subscriptions (organization_id, external_customer_id, status);
    /// ```
    ///
    /// ## Fix
    /// Choose a name of 63 bytes or fewer (the ORM usually lets you: Rails `name:`,
    /// Prisma `map:`, Django `db_table` / `Meta.indexes[...].name`).
    IdentifierTooLong { id: "identifier-too-long", summary: "Identifier longer than 63 bytes is truncated", evidence: Behaviour, kind: Migration }
}

impl Rule for IdentifierTooLong {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, ctx: &MigrationContext) -> Vec<Finding> {
        let mut out = Vec::new();
        for name in long_identifiers(ctx.event.sql) {
            let kept = truncate_identifier(&name);
            let schema =
                crate::source::sql::replay::creation_schema(ctx.event.db, ctx.event.search_path)
                    .unwrap_or_else(|| Name::from("public"));
            let object = QualifiedName::new(schema, kept);
            // The model says whether the statement creates a relation under this
            // name that another one already has, which PostgreSQL refuses.
            let collides = matches!(
                ctx.refusal_worded_here(),
                Some(Refusal::NameTaken { kept: taken, .. }) if taken == kept
            );
            let message = if collides {
                format!(
                    "identifier \"{name}\" is {} bytes: PostgreSQL keeps the first {MAX_IDENTIFIER_BYTES}, \"{kept}\", which another relation already has, so it refuses the statement",
                    name.len()
                )
            } else {
                format!(
                    "identifier \"{name}\" is {} bytes: PostgreSQL keeps the first {MAX_IDENTIFIER_BYTES}, \"{kept}\", and says so only in a NOTICE",
                    name.len()
                )
            };
            let found = finding(
                ctx,
                &object,
                "truncated",
                message,
                format!("-- give it a name of at most {MAX_IDENTIFIER_BYTES} bytes (Rails `name:`, Prisma `map:`, Django `name=`)"),
            );
            out.push(if collides {
                found.claims_refusal()
            } else {
                found
            });
        }
        out
    }
}
