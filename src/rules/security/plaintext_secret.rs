use crate::finding::Finding;
use crate::model::{quote_ident, Column, Table};
use crate::rules::options::words;
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
    default: r#"["*hash*", "*digest*", "*encrypted*", "*_enc", "*cipher*", "*salt*", "*expires*", "*Expires*", "*_at", "*At", "*type*", "*Type*", "*count*", "*Count*", "*last4*", "*last_chars*", "*lastchars*", "*prefix*", "*Prefix*", "*hint*", "*_id", "*Id", "*url", "*uri", "*name", "*field", "*fields", "*endpoint", "*iv"]"#,
    doc:
        "Column names that say the value is a hash, an encrypted value or metadata, not the secret.",
};

/// `hashed_comment_words`: Words of a column comment that say the column holds a hash or an encrypted value.
pub const HASHED_COMMENT_WORDS: OptionSpec = OptionSpec {
    name: "hashed_comment_words",
    kind: OptionKind::Words,
    default: r#"["hash", "hashed", "hashes", "digest", "bcrypt", "argon", "scrypt", "pbkdf", "sha", "encrypted", "ciphertext"]"#,
    doc: "Words of a column comment that say the column holds a hash or an encrypted value.",
};

/// `encrypt_columns`: Secrets the application must read back (to sign, to compute one-time codes), which a hash cannot replace.
pub const ENCRYPT_COLUMNS: OptionSpec = OptionSpec {
    name: "encrypt_columns",
    kind: OptionKind::Globs,
    default: r#"["*webhook*", "*signing*", "*otp_secret*", "*otpsecret*", "*totp*", "*two_factor_secret*", "*twofactorsecret*", "*mfa_secret*", "*mfasecret*", "*seed*", "*private_key*", "*privatekey*"]"#,
    doc: "Secrets the application must read back (to sign, to compute one-time codes), which a hash cannot replace.",
};

/// `encrypt_tables`: Tables whose secrets the application must read back (webhook signing secrets, TOTP seeds).
pub const ENCRYPT_TABLES: OptionSpec = OptionSpec {
    name: "encrypt_tables",
    kind: OptionKind::Globs,
    default: r#"["*webhook*", "*mfa*", "*totp*", "*two_factor*", "*twofactor*"]"#,
    doc:
        "Tables whose secrets the application must read back (webhook signing secrets, TOTP seeds).",
};

declare_rule! {
    /// ## What it does
    /// Flags text columns whose names say they hold a secret (`columns` option:
    /// password, token, secret, api_key, ...), and the `key` / `token` / `secret`
    /// columns of tables named like API-key stores (`secret_tables`), unless
    /// something says the value is not the secret as written:
    /// - the name says it is a hash, an encrypted value or metadata about the secret
    ///   (`hashed_markers`: `*_hash`, `encrypted_*`, `*_expires_at`, `*_url`,
    ///   `*_name`, `*_field`, `*_endpoint`, `*_iv`, `token_last_chars`, ...);
    /// - its comment says so (`hashed_comment_words`: "bcrypt hash of the token"),
    ///   unless the comment also says not/no/never/plain/plaintext/cleartext/raw/
    ///   unhashed/unencrypted;
    /// - it has an encrypted sibling: `X_iv`, `encrypted_X`, `X_encrypted` or
    ///   `encrypted_X_iv` (attr_encrypted, Rails), or the table has an
    ///   `encryption_key_id` (each row names the key its secrets are encrypted with);
    /// - it is Django's user `password` (a table that also has `last_login`), which
    ///   always holds a salted hash;
    /// - it is Devise's `reset_password_token` or `unlock_token` in a table with
    ///   `encrypted_password` (Rails' Devise user table): since Devise 3.1 these hold
    ///   an HMAC-SHA256 digest of the token mailed to the user, not the token.
    ///
    /// Names are all a schema shows, so this is a warning to check, not proof.
    ///
    /// ## Why is this bad?
    /// Whoever can read the table (a replica, a backup, a BI tool, an SQL injection)
    /// can log in as every user or call the API as every customer. Reset and API
    /// tokens are passwords too: store a hash and compare hashes. Some secrets must
    /// be read back, so a hash cannot replace them: webhook signing secrets (to sign
    /// each delivery), TOTP/OTP seeds (to compute each code), private keys (to sign
    /// or decrypt), and the OAuth/OIDC tokens an application keeps for an identity
    /// provider (in a table with a `provider` or `provider_id` column: NextAuth's and
    /// OmniAuth's accounts), which it sends back to that provider. Those
    /// (`encrypt_columns`, `encrypt_tables`, provider tables) get encryption advice
    /// instead: encrypt them with a key kept outside the database.
    ///
    /// ## Example
    /// ```sql
    /// CREATE TABLE api_keys (id text PRIMARY KEY, key text NOT NULL UNIQUE);
    /// CREATE TABLE users (id text PRIMARY KEY, "resetToken" text, totp_secret text);
    /// ```
    ///
    /// ## Fix
    /// Advice, not a statement: only the application can re-write the values. Store a
    /// one-way hash (SHA-256 for random tokens, a password hash such as argon2/bcrypt
    /// for passwords) in a column whose name says so (`key_hash`), or, for a secret
    /// that must be read back, encrypt it (envelope encryption in the application, the
    /// key in a KMS or secret store) into `totp_secret_encrypted`; move the application
    /// to the new column, then drop the old one. (Renaming the column alone would
    /// silence this rule and break the code that reads it: `rename-breaks-code`.)
    /// Values that already are hashes can say so in a comment:
    /// ```sql
    /// COMMENT ON COLUMN api_keys.key IS 'SHA-256 hash of the key';
    /// ```
    PlaintextSecret { id: "plaintext-secret", summary: "Column looks like an unhashed secret", evidence: Convention, options: [COLUMNS, SECRET_TABLES, SECRET_TABLE_COLUMNS, HASHED_MARKERS, HASHED_COMMENT_WORDS, ENCRYPT_COLUMNS, ENCRYPT_TABLES] }
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
            // Devise's user table (its password column is `encrypted_password`).
            let devise_user = table.column("encrypted_password").is_some();
            for column in &table.columns {
                if !column.data_type.is_textual() && column.data_type.name != "bytea" {
                    continue;
                }
                let by_name = ctx.options.name_matches(&COLUMNS, &column.name);
                let by_table = secret_table
                    && ctx
                        .options
                        .name_matches(&SECRET_TABLE_COLUMNS, &column.name);
                if !(by_name || by_table)
                    || ctx.options.name_matches(&HASHED_MARKERS, &column.name)
                    || comment_says_hashed(ctx, column)
                    || encrypted_beside(table, column)
                {
                    continue;
                }
                if django_user && column.name == "password" {
                    continue;
                }
                if devise_user && DEVISE_DIGESTS.contains(&column.name.as_str()) {
                    continue;
                }
                // A token from an identity provider (a table that names the provider:
                // NextAuth's and OmniAuth's accounts, `provider` + the user's id there)
                // is a credential the application sends back to that provider, which
                // a hash cannot do.
                let from_provider = table.columns.iter().any(|c| {
                    let lower = c.name.to_ascii_lowercase();
                    lower == "provider" || lower == "provider_id" || lower == "providerid"
                });
                let read_back = ctx.options.name_matches(&ENCRYPT_COLUMNS, &column.name)
                    || ctx.options.name_matches(&ENCRYPT_TABLES, &table.name.name)
                    || from_provider;
                // A secret read back is encrypted; any other is replaced by its hash.
                let (what, advice, suffix) = if read_back {
                    (
                        "a secret the application must read back (to sign, decrypt, compute codes or send to a provider),",
                        "encrypt it with a key kept outside the database (a hash cannot be read back)",
                        "encrypted",
                    )
                } else {
                    (
                        "a secret",
                        "store a hash instead (sha256 for random tokens, argon2/bcrypt for passwords)",
                        "hash",
                    )
                };
                let finding = ctx
                    .finding(
                        &table.name,
                        format!(
                            "{}.{} looks like {what} stored as written",
                            table.name.name, column.name
                        ),
                    )
                    // Advice, not a fix: only the application can re-write the
                    // values, and renaming the column alone would hide the secret
                    // from this rule while breaking the code that reads it.
                    .help(format!(
                        "{advice}: add a column such as {} for it, move the application to it, then drop {}; if the values already are hashes or ciphertext, say so in the column's name or in COMMENT ON COLUMN {}.{} IS '...'",
                        quote_ident(&format!("{}_{suffix}", column.name)),
                        quote_ident(&column.name),
                        table.name.sql(),
                        quote_ident(&column.name),
                    ));
                out.push(
                    finding
                        .columns(&[&column.name])
                        .location(column.location.as_ref()),
                );
            }
        }
        out
    }
}

/// Devise's token columns that hold a digest (`Devise::TokenGenerator#digest`); its
/// `confirmation_token` is stored as sent, so it stays a finding.
const DEVISE_DIGESTS: &[&str] = &["reset_password_token", "unlock_token"];

/// The column's comment says it holds a hash or an encrypted value, and does not
/// say the opposite ("not hashed", "plaintext").
fn comment_says_hashed(ctx: &Context, column: &Column) -> bool {
    const DENIALS: &[&str] = &[
        "not",
        "no",
        "never",
        "without",
        "plain",
        "plaintext",
        "cleartext",
        "raw",
        "unhashed",
        "unencrypted",
    ];
    let Some(comment) = &column.comment else {
        return false;
    };
    let said = words(comment);
    let hashed = ctx.options.lowered(&HASHED_COMMENT_WORDS);
    said.iter().any(|w| hashed.contains(w)) && !said.iter().any(|w| DENIALS.contains(&w.as_str()))
}

/// An encrypted sibling holds the secret: `X_iv`, `encrypted_X`, `X_encrypted`,
/// `encrypted_X_iv` (any case, with or without underscores), or the row names its
/// encryption key (`encryption_key_id`).
fn encrypted_beside(table: &Table, column: &Column) -> bool {
    let squash = |s: &str| s.replace('_', "").to_ascii_lowercase();
    let x = squash(&column.name);
    let siblings = [
        format!("{x}iv"),
        format!("encrypted{x}"),
        format!("{x}encrypted"),
        format!("encrypted{x}iv"),
    ];
    table.columns.iter().any(|c| {
        let c = squash(&c.name);
        siblings.contains(&c) || c.ends_with("encryptionkeyid")
    })
}
