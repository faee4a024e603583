use crate::finding::Finding;
use crate::model::quote_ident;
use crate::rules::{Context, Rule, RuleMeta};

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
    PlaintextSecret { id: "plaintext-secret", summary: "Column looks like an unhashed secret" }
}

impl Rule for PlaintextSecret {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut out = Vec::new();
        for table in ctx.db.tables.values().filter(|t| !t.is_partition()) {
            let secret_table = ctx.options.name_matches("secret_tables", &table.name.name);
            // Django's AbstractBaseUser (password + last_login) always stores a hash.
            let django_user = table.column("last_login").is_some();
            for column in &table.columns {
                if !column.data_type.is_textual() && column.data_type.name != "bytea" {
                    continue;
                }
                let by_name = ctx.options.name_matches("columns", &column.name);
                let by_table = secret_table
                    && ctx
                        .options
                        .name_matches("secret_table_columns", &column.name);
                if !(by_name || by_table)
                    || ctx.options.name_matches("hashed_markers", &column.name)
                {
                    continue;
                }
                if django_user && column.name == "password" {
                    continue;
                }
                out.push(
                    Finding::new(
                        self.meta().id,
                        &table.name,
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
