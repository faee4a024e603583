//! A migration tool's record of what it applied, read in the same read-only snapshot
//! as the catalog, so `dblint diff` compares a database with exactly the migrations it
//! ran: files not applied yet are *pending* (not drift), and an applied migration that
//! is missing from the folder, failed, or was edited after it ran (Prisma keeps a
//! checksum) is *history drift*.
//!
//! Tables read (the first one found, in this order): Prisma's `_prisma_migrations`,
//! Flyway's `flyway_schema_history`, Diesel's `__diesel_schema_migrations`, goose's
//! `goose_db_version`, and `schema_migrations` (golang-migrate's one row with `dirty`;
//! dbmate's and Rails' row per migration). A table
//! is read only when it is a plain table without row security whose columns all have
//! built-in types, and no other session holds an ACCESS EXCLUSIVE lock on it: reading
//! it runs none of the database's own code and waits for nothing.

use super::build::CatalogError;
use postgres::GenericClient;

/// A history table's tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    Prisma,
    Flyway,
    Diesel,
    Goose,
    /// `schema_migrations(version, dirty)`: one row, the version golang-migrate
    /// reached (every file up to it is applied); `dirty` when it failed.
    GolangMigrate,
    /// `schema_migrations(version)`, a row per applied migration: dbmate, Rails.
    SchemaMigrations,
}

impl Tool {
    pub fn table(self) -> &'static str {
        match self {
            Tool::Prisma => "_prisma_migrations",
            Tool::Flyway => "flyway_schema_history",
            Tool::Diesel => "__diesel_schema_migrations",
            Tool::Goose => "goose_db_version",
            Tool::GolangMigrate | Tool::SchemaMigrations => "schema_migrations",
        }
    }

    /// The columns read (id, checksum or NULL, whether it applied cleanly, the row's
    /// kind or NULL) and their order: the last row of an id decides.
    fn select(self) -> (&'static str, &'static str) {
        match self {
            Tool::Prisma => (
                "migration_name::pg_catalog.text, checksum::pg_catalog.text, \
                 (finished_at IS NOT NULL AND rolled_back_at IS NULL), \
                 CASE WHEN rolled_back_at IS NOT NULL THEN 'ROLLED_BACK' END",
                "ORDER BY started_at",
            ),
            Tool::Flyway => (
                "version::pg_catalog.text, NULL::pg_catalog.text, success, type::pg_catalog.text",
                "ORDER BY installed_rank",
            ),
            Tool::Diesel => (
                "version::pg_catalog.text, NULL::pg_catalog.text, true, NULL::pg_catalog.text",
                "",
            ),
            Tool::Goose => (
                "version_id::pg_catalog.text, NULL::pg_catalog.text, is_applied, NULL::pg_catalog.text",
                "ORDER BY id",
            ),
            Tool::GolangMigrate => (
                "version::pg_catalog.text, NULL::pg_catalog.text, NOT dirty, NULL::pg_catalog.text",
                "",
            ),
            Tool::SchemaMigrations => (
                "version::pg_catalog.text, NULL::pg_catalog.text, true, NULL::pg_catalog.text",
                "",
            ),
        }
    }

    /// Columns the table must have.
    fn needs(self) -> &'static [&'static str] {
        match self {
            Tool::Prisma => &[
                "migration_name",
                "checksum",
                "finished_at",
                "rolled_back_at",
                "started_at",
            ],
            Tool::Flyway => &["version", "success", "type", "installed_rank"],
            Tool::Diesel => &["version"],
            Tool::Goose => &["id", "version_id", "is_applied"],
            Tool::GolangMigrate => &["version", "dirty"],
            Tool::SchemaMigrations => &["version"],
        }
    }

    const ALL: [Tool; 6] = [
        Tool::Prisma,
        Tool::Flyway,
        Tool::Diesel,
        Tool::Goose,
        Tool::GolangMigrate,
        Tool::SchemaMigrations,
    ];

    /// The migration id a file stands for, by the tool's naming: Prisma's folder
    /// (`20240102_orders/migration.sql`), Diesel's folder version without dashes
    /// (`2024-01-02-000000_orders/up.sql` → `20240102000000`), Flyway's `V1_1__x.sql`
    /// → `1.1`, and the leading digits of golang-migrate, dbmate and goose files.
    pub fn id_of(self, path: &std::path::Path) -> Option<String> {
        let file = path.file_name()?.to_str()?;
        // The folder matters to Prisma and Diesel only (`./0001_x.sql` has none).
        let folder = || path.parent()?.file_name()?.to_str();
        match self {
            Tool::Prisma => (file == "migration.sql")
                .then(folder)
                .flatten()
                .map(str::to_string),
            Tool::Diesel => {
                let version = folder()?.split('_').next()?.replace('-', "");
                (file == "up.sql" && !version.is_empty()).then_some(version)
            }
            // `V1_1__x.sql` and a baseline `B1_1__x.sql` are version 1.1.
            Tool::Flyway => {
                let rest = file.strip_prefix('V').or_else(|| file.strip_prefix('B'))?;
                let (version, _) = rest.split_once("__")?;
                Some(version.replace('_', "."))
            }
            Tool::Goose | Tool::GolangMigrate | Tool::SchemaMigrations => {
                if file.ends_with(".down.sql") {
                    return None;
                }
                let digits: String = file.chars().take_while(|c| c.is_ascii_digit()).collect();
                (!digits.is_empty()).then(|| {
                    // goose stores the version as a number.
                    if self == Tool::Goose {
                        digits.trim_start_matches('0').to_string()
                    } else {
                        digits
                    }
                })
            }
        }
    }
}

/// One migration the tool recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub id: String,
    /// Prisma: the SHA-256 of `migration.sql` when it was applied, in hex.
    pub checksum: Option<String>,
    /// Finished and not rolled back (Prisma), `success` (Flyway), `is_applied` (goose),
    /// not `dirty` (golang-migrate).
    pub ok: bool,
    /// Flyway's `type` (`BASELINE` marks a version below which nothing was run,
    /// `SQL_BASELINE` a baseline file that was); `ROLLED_BACK` for a Prisma migration
    /// marked rolled back.
    pub kind: Option<String>,
}

/// What the history table says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History {
    pub tool: Tool,
    /// `schema.table` as read.
    pub table: String,
    /// In the order the tool recorded them.
    pub entries: Vec<Applied>,
    /// The table exists but this role may not read it (no `SELECT`, or no `USAGE` on
    /// its schema): `entries` is empty.
    pub unreadable: bool,
}

/// Find the history table and read it: at most two queries, whatever the schema's
/// size. `locked` are the tables (oids) another session holds an ACCESS EXCLUSIVE
/// lock on (`ServerInfo::locked_tables`); such a table is not read.
pub fn read(
    client: &mut impl GenericClient,
    locked: &[i64],
) -> Result<Option<History>, CatalogError> {
    let names: Vec<&str> = Tool::ALL.iter().map(|t| t.table()).collect();
    let found = client
        .query(
            "SELECT c.oid::pg_catalog.int8 AS oid, n.nspname::pg_catalog.text AS schema,
                    c.relname::pg_catalog.text AS name,
                    ARRAY(SELECT a.attname::pg_catalog.text FROM pg_catalog.pg_attribute a
                          JOIN pg_catalog.pg_type t ON t.oid OPERATOR(pg_catalog.=) a.atttypid
                          WHERE a.attrelid OPERATOR(pg_catalog.=) c.oid
                            AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped
                            AND t.typnamespace OPERATOR(pg_catalog.=) 'pg_catalog'::pg_catalog.regnamespace) AS builtin_columns,
                    (pg_catalog.has_schema_privilege(n.oid, 'USAGE')
                     AND pg_catalog.has_table_privilege(c.oid, 'SELECT')) AS readable,
                    (SELECT pg_catalog.count(*) FROM pg_catalog.pg_attribute a
                     WHERE a.attrelid OPERATOR(pg_catalog.=) c.oid
                       AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped)::pg_catalog.int8 AS all_columns
             FROM pg_catalog.pg_class c
             JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
             WHERE c.relkind OPERATOR(pg_catalog.=) 'r' AND NOT c.relrowsecurity
               AND c.relname OPERATOR(pg_catalog.=) ANY ($1::pg_catalog.text[])
               AND n.nspname OPERATOR(pg_catalog.<>) ALL (ARRAY['pg_catalog', 'information_schema']::pg_catalog.name[])
             ORDER BY n.nspname OPERATOR(pg_catalog.=) 'public' DESC, n.nspname, c.relname",
            &[&names],
        )
        .map_err(|e| CatalogError(format!("reading the migration history: {}", super::build::server_message(&e))))?;
    for tool in Tool::ALL {
        let Some(row) = found.iter().find(|row| {
            let name: String = row.get("name");
            let oid: i64 = row.get("oid");
            let builtin: Vec<String> = row.get("builtin_columns");
            let all: i64 = row.get("all_columns");
            name == tool.table()
                && !locked.contains(&oid)
                && builtin.len() as i64 == all
                && tool.needs().iter().all(|c| builtin.iter().any(|b| b == c))
        }) else {
            continue;
        };
        let schema: String = row.get("schema");
        let readable: bool = row.get("readable");
        if !readable {
            return Ok(Some(History {
                tool,
                table: format!("{schema}.{}", tool.table()),
                entries: Vec::new(),
                unreadable: true,
            }));
        }
        let table = format!(
            "{}.{}",
            crate::model::quote_ident(&schema),
            crate::model::quote_ident(tool.table())
        );
        let (columns, order) = tool.select();
        let rows = client
            .query(&format!("SELECT {columns} FROM {table} {order}"), &[])
            .map_err(|e| {
                CatalogError(format!(
                    "reading the migration history ({table}): {}",
                    super::build::server_message(&e)
                ))
            })?;
        let entries = rows
            .iter()
            .filter_map(|r| {
                Some(Applied {
                    id: r.get::<_, Option<String>>(0)?,
                    checksum: r.get(1),
                    ok: r.get::<_, Option<bool>>(2).unwrap_or(false),
                    kind: r.get(3),
                })
            })
            .collect();
        return Ok(Some(History {
            tool,
            table: format!("{schema}.{}", tool.table()),
            entries,
            unreadable: false,
        }));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::Tool;
    use std::path::Path;

    #[test]
    fn migration_ids_by_tool() {
        let id = |t: Tool, p: &str| t.id_of(Path::new(p));
        assert_eq!(
            id(Tool::Prisma, "m/20240102_orders/migration.sql").as_deref(),
            Some("20240102_orders")
        );
        assert_eq!(id(Tool::Prisma, "m/20240102_orders/other.sql"), None);
        assert_eq!(
            id(Tool::Diesel, "m/2024-01-02-000000_orders/up.sql").as_deref(),
            Some("20240102000000")
        );
        assert_eq!(
            id(Tool::Flyway, "db/V1_1__orders.sql").as_deref(),
            Some("1.1")
        );
        assert_eq!(
            id(Tool::Flyway, "db/B1_20_0__base.sql").as_deref(),
            Some("1.20.0")
        );
        assert_eq!(
            id(Tool::SchemaMigrations, "./000003_x.sql").as_deref(),
            Some("000003")
        );
        assert_eq!(
            id(Tool::SchemaMigrations, "000003_x.sql").as_deref(),
            Some("000003")
        );
        assert_eq!(
            id(Tool::SchemaMigrations, "db/000003_orders.up.sql").as_deref(),
            Some("000003")
        );
        assert_eq!(
            id(Tool::SchemaMigrations, "db/000003_orders.down.sql"),
            None
        );
        assert_eq!(id(Tool::Goose, "db/00003_orders.sql").as_deref(), Some("3"));
    }
}
