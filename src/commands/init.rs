//! `dblint init`: a commented starter `dblint.toml`.

/// The starter text; `{packs}` is filled in from the packs (`crate::docs::init_starter`).
pub const STARTER: &str = r#"# dblint configuration. Every setting is optional; these are the defaults or examples.
# Reference: `dblint rules`, `dblint explain <rule>`, `dblint explain scoring`.

# Exit 1 when a finding has at least this severity: "error", "warning", "info" or "none".
fail_on = "error"

# Exit 1 when the overall grade is below this (uncomment to use).
# min_grade = "C"

# Rule packs to run (default: all of them):
{packs}
# packs = ["keys", "foreign-keys", "indexes", "cascades", "soft-delete", "security"]

# Turn individual rules on or off.
# enable = ["text-without-length-check"]
# disable = ["mixed-case-identifier"]

# Never report objects matching these globs (schema.table, schema.table.object,
# schema.table.column).
# ignore = ["public.audit_*", "legacy.*"]

# Per-rule severity, options and ignores.
# [rules.cascade-chain]
# severity = "error"
# max_depth = 4
# ignore = ["public.tenants"]

# Options shared by a pack's rules, e.g. how your schema marks soft-deleted rows.
# [options.soft-delete]
# deleted_columns = ["deleted_at", "deletedAt"]
# active_columns = ["is_active"]

# Settings for migration folders, by glob (used by the migration-safety pack).
# [paths."prisma/migrations/**"]
# assume_in_transaction = true
"#;

pub fn run(force: bool) -> Result<u8, String> {
    let path = std::path::Path::new(crate::settings::CONFIG_FILE);
    if path.exists() && !force {
        return Err(format!(
            "{}: already exists (use --force to overwrite)",
            path.display()
        ));
    }
    super::write_file_atomically(path, crate::docs::init_starter().as_bytes())?;
    eprintln!("wrote {}", path.display());
    Ok(0)
}
