use super::finding;
use crate::finding::Finding;
use crate::model::{Name, QualifiedName};
use crate::rules::{MigrationContext, Rule, RuleMeta};

/// The longest identifier PostgreSQL keeps, in bytes (`NAMEDATALEN - 1`).
pub const MAX_IDENTIFIER_BYTES: usize = 63;

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
        let sql = ctx.event.sql;
        let Ok(scan) = pg_query::scan(sql) else {
            return Vec::new();
        };
        let mut seen = Vec::new();
        let mut out = Vec::new();
        for token in scan.tokens {
            if token.token != pg_query::protobuf::Token::Ident as i32 {
                continue;
            }
            let Some(text) = sql.get(token.start as usize..token.end as usize) else {
                continue;
            };
            let name = identifier_value(text);
            if name.len() <= MAX_IDENTIFIER_BYTES || seen.contains(&name) {
                continue;
            }
            let kept = truncate(&name);
            let schema =
                crate::source::sql::replay::creation_schema(ctx.event.db, ctx.event.search_path)
                    .unwrap_or_else(|| Name::from("public"));
            let object = QualifiedName::new(schema, kept);
            // The statement creates a relation under this name, and another one
            // already has the truncated name: PostgreSQL refuses it ("relation …
            // already exists"; only names it chooses itself get a number added).
            let collides = creates(ctx.event.statement)
                .is_some_and(|created| truncate(created) == kept)
                && relation_exists(ctx, &object);
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
            seen.push(name);
        }
        out
    }
}

/// An identifier token's value: a quoted one unquoted (`""` is `"`), an unquoted one
/// folded to lower case as PostgreSQL folds it (ASCII letters only).
fn identifier_value(token: &str) -> String {
    match token.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        Some(quoted) => quoted.replace("\"\"", "\""),
        None => token.to_ascii_lowercase(),
    }
}

/// The first 63 bytes, cut at a character boundary (PostgreSQL's
/// `truncate_identifier` cuts at the last whole multibyte character).
fn truncate(name: &str) -> &str {
    let mut end = MAX_IDENTIFIER_BYTES.min(name.len());
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

/// The relation name a statement creates, as written (`CREATE INDEX name`, `CREATE
/// TABLE`, `CREATE [MATERIALIZED] VIEW`), unless `IF NOT EXISTS` makes a clash a
/// notice.
fn creates(statement: &crate::source::sql::statement::Statement) -> Option<&Name> {
    use crate::source::sql::statement::Statement;
    match statement {
        Statement::CreateIndex(ci) if !ci.if_not_exists => ci.name.as_ref(),
        Statement::CreateTable(ct) if !ct.if_not_exists => Some(&ct.name.name),
        Statement::CreateView { name, .. } => Some(&name.name),
        _ => None,
    }
}

/// A table, index, view or sequence of that name exists (they share one namespace
/// per schema, `pg_class`).
fn relation_exists(ctx: &MigrationContext, name: &QualifiedName) -> bool {
    let db = ctx.event.db;
    db.tables.contains_key(name)
        || db.index_owner.contains_key(name)
        || db.views.contains_key(name)
        || db.sequences.contains_key(name)
}
