use crate::finding::Finding;
use crate::model::quote_ident;
use crate::rules::{Context, OptionKind, OptionSpec, Rule, RuleMeta};

/// `columns`: Column names that hold a secret.
pub const COLUMNS: OptionSpec = OptionSpec {
    name: "columns",
    kind: OptionKind::Globs,
    default: r#"["password", "*password", "*_password*", "passwd", "*secret*", "*token", "*_token_*", "*Token*", "api_key", "*api_key*", "*apikey*", "*apiKey*", "*private_key*", "*privateKey*"]"#,
    doc: "Column names that hold a secret.",
};

/// `secret_tables`: Table names whose rows are secrets.
pub const SECRET_TABLES: OptionSpec = OptionSpec {
    name: "secret_tables",
    kind: OptionKind::Globs,
    default: r#"["*api_key*", "*apikey*", "*ApiKey*", "*api_token*", "*ApiToken*", "*access_key*", "*AccessKey*"]"#,
    doc: "Table names whose rows are secrets.",
};

/// `secret_table_columns`: Columns of such tables that hold the secret itself.
pub const SECRET_TABLE_COLUMNS: OptionSpec = OptionSpec {
    name: "secret_table_columns",
    kind: OptionKind::Globs,
    default: r#"["key", "token", "secret", "value"]"#,
    doc: "Columns of such tables that hold the secret itself.",
};

/// `hashed_markers`: Column names that say the value is a hash, an encrypted value or metadata, not the secret.
pub const HASHED_MARKERS: OptionSpec = OptionSpec {
    name: "hashed_markers",
    kind: OptionKind::Globs,
    default: r#"["*hash*", "*digest*", "*encrypted*", "*_enc", "*cipher*", "*salt*", "*expires*", "*Expires*", "*_at", "*At", "*type*", "*Type*", "*count*", "*Count*", "*last4*", "*prefix*", "*Prefix*", "*hint*", "*_id", "*Id"]"#,
    doc:
        "Column names that say the value is a hash, an encrypted value or metadata, not the secret.",
};

declare_rule! {
    /// ## What it does
    /// Flags text columns whose names say they hold a secret (`columns` option:
    /// password, token, secret, api_key, ...) and do not say it is hashed or
    /// encrypted (`hashed_markers`: hash, digest, encrypted, ...), and the `key` /
    /// `token` / `secret` columns of tables named like API-key stores
    /// (`secret_tables`). Names are all a schema shows, so this is a warning to
    /// check, not proof. Django's user `password` (a table that also has
    /// `last_login`) is known to hold a hash and is skipped.
    ///
    /// ## Why is this bad?
    /// Whoever can read the table (a replica, a backup, a BI tool, an SQL injection)
    /// can log in as every user or call the API as every customer. Reset and API
    /// tokens are passwords too: store a hash and compare hashes.
    ///
    /// ## Example
    /// ```sql
    /// CREATE TABLE api_keys (id text PRIMARY KEY, key text NOT NULL UNIQUE);
    /// CREATE TABLE users (id text PRIMARY KEY, "resetToken" text);
    /// ```
    ///
    /// ## Fix
    /// Store a one-way hash (SHA-256 for random tokens, a password hash such as
    /// argon2/bcrypt for passwords) under a name that says so:
    /// ```sql
    /// ALTER TABLE api_keys RENAME COLUMN key TO key_sha256; -- after re-writing values as hashes
    /// ```
    PlaintextSecret { id: "plaintext-secret", summary: "Column looks like an unhashed secret", options: [COLUMNS, SECRET_TABLES, SECRET_TABLE_COLUMNS, HASHED_MARKERS] }
}

impl Rule for PlaintextSecret {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut out = Vec::new();
        for table in ctx.db.tables.values().filter(|t| !t.is_partition()) {
            let secret_table = ctx.options.name_matches(&SECRET_TABLES, &table.name.name);
            // Django's AbstractBaseUser (password + last_login) always stores a hash.
            let django_user = table.column("last_login").is_some();
            for column in &table.columns {
                if !column.data_type.is_textual() && column.data_type.name != "bytea" {
                    continue;
                }
                let by_name = ctx.options.name_matches(&COLUMNS, &column.name);
                let by_table = secret_table
                    && ctx
                        .options
                        .name_matches(&SECRET_TABLE_COLUMNS, &column.name);
                if !(by_name || by_table) || ctx.options.name_matches(&HASHED_MARKERS, &column.name)
                {
                    continue;
                }
                if django_user && column.name == "password" {
                    continue;
                }
                out.push(
                    ctx.finding(&table.name,
                        format!("{}.{} looks like a secret stored as written", table.name.name, column.name),
                    )
                    .columns(&[&column.name])
                    .fix(format!(
                        "-- store a hash instead (sha256 for random tokens, argon2/bcrypt for passwords), then:\nALTER TABLE {} RENAME COLUMN {} TO {};",
                        table.name.sql(),
                        quote_ident(&column.name),
                        quote_ident(&format!("{}_hash", column.name))
                    ))
                    .location(column.location.as_ref()),
                );
            }
        }
        out
    }
}
