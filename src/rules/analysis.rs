//! Questions several rules ask of the model.

use super::{OptionKind, OptionSpec, RuleOptions};
use crate::model::{Column, Database, ForeignKey, Index, Name, Table};

/// The index that makes lookups by `columns` fast, if any: valid, not partial, a
/// method that serves equality (btree; hash for one column), and whose first
/// `columns.len()` key columns are plain columns equal to `columns` in any order.
/// INCLUDE columns do not count: `(created_at, fk)` does not cover `fk`, `(y, x)`
/// does cover `(x, y)`.
pub fn covering_index<'a>(table: &'a Table, columns: &[Name]) -> Option<&'a Index> {
    table
        .indexes
        .iter()
        .find(|index| index_covers(index, columns))
}

pub fn index_covers(index: &Index, columns: &[Name]) -> bool {
    if !index.valid
        || index.predicate.is_some()
        || columns.is_empty()
        || index.keys.len() < columns.len()
    {
        return false;
    }
    let method_ok = index.method == "btree" || (index.method == "hash" && columns.len() == 1);
    if !method_ok {
        return false;
    }
    let leading: Option<Vec<&str>> = index.keys[..columns.len()]
        .iter()
        .map(|k| k.column_name())
        .collect();
    let Some(mut leading) = leading else {
        return false;
    };
    let mut wanted: Vec<&str> = columns.iter().map(Name::as_str).collect();
    leading.sort_unstable();
    wanted.sort_unstable();
    leading == wanted
}

/// A partition's copy of its parent's foreign key: reported once, at the parent.
pub fn inherited_from_parent(db: &Database, table: &Table, fk: &ForeignKey) -> bool {
    let Some(parent) = table.partition_of.as_ref().and_then(|p| db.table(p)) else {
        return false;
    };
    parent
        .foreign_keys
        .iter()
        .any(|p| p.columns == fk.columns && p.references == fk.references)
}

/// Foreign keys to check for a table: all of its own, minus partition clones.
pub fn own_foreign_keys<'a>(
    db: &'a Database,
    table: &'a Table,
) -> impl Iterator<Item = &'a ForeignKey> {
    table
        .foreign_keys
        .iter()
        .filter(move |fk| !inherited_from_parent(db, table, fk))
}

/// A many-to-many link table: every column belongs to a foreign key (`_ProductToTeam`).
pub fn is_link_table(table: &Table) -> bool {
    !table.columns.is_empty()
        && !table.foreign_keys.is_empty()
        && table.columns.iter().all(|c| {
            table
                .foreign_keys
                .iter()
                .any(|fk| fk.columns.contains(&c.name))
        })
}

/// How a table marks deleted rows, if it uses soft delete.
#[derive(Debug, Clone, Copy)]
pub enum SoftDelete<'a> {
    /// `deleted_at` / `is_deleted`: live rows have it NULL (timestamps) or false.
    Deleted(&'a Column),
    /// `is_active`: live rows have it true.
    Active(&'a Column),
}

impl SoftDelete<'_> {
    pub fn column(&self) -> &Column {
        match self {
            SoftDelete::Deleted(c) | SoftDelete::Active(c) => c,
        }
    }

    /// The predicate that selects live rows, for partial unique indexes.
    pub fn live_predicate(&self) -> String {
        let name = crate::model::quote_ident(&self.column().name);
        match self {
            SoftDelete::Deleted(c) if c.data_type.name == "boolean" => format!("NOT {name}"),
            SoftDelete::Deleted(_) => format!("{name} IS NULL"),
            SoftDelete::Active(_) => name,
        }
    }
}

/// `deleted_columns`: Column names (any case) that mark a soft-deleted row.
pub const DELETED_COLUMNS: OptionSpec = OptionSpec {
    name: "deleted_columns",
    kind: OptionKind::Strings,
    default: r#"["deleted_at", "deletedAt", "is_deleted", "isDeleted", "deleted", "removed_at", "removedAt", "discarded_at", "discardedAt"]"#,
    doc: "Column names (any case) that mark a soft-deleted row.",
};

/// `active_columns`: Boolean column names (any case) that mark a live row.
pub const ACTIVE_COLUMNS: OptionSpec = OptionSpec {
    name: "active_columns",
    kind: OptionKind::Strings,
    default: r#"[]"#,
    doc: "Boolean column names (any case) that mark a live row.",
};

/// The soft-delete marker of a table, named by the options [`DELETED_COLUMNS`] and
/// [`ACTIVE_COLUMNS`] (shared by the soft-delete pack's rules).
pub fn soft_delete<'a>(table: &'a Table, options: &RuleOptions) -> Option<SoftDelete<'a>> {
    let deleted = options.string_list(&DELETED_COLUMNS);
    let active = options.string_list(&ACTIVE_COLUMNS);
    let lower = |c: &Column| c.name.to_ascii_lowercase();
    if let Some(c) = table
        .columns
        .iter()
        .find(|c| deleted.iter().any(|d| d.to_ascii_lowercase() == lower(c)))
    {
        return Some(SoftDelete::Deleted(c));
    }
    table
        .columns
        .iter()
        .find(|c| {
            c.data_type.name == "boolean"
                && active.iter().any(|d| d.to_ascii_lowercase() == lower(c))
        })
        .map(SoftDelete::Active)
}

/// Whether an expression mentions a column as a whole word.
pub fn mentions_column(expression: &str, column: &str) -> bool {
    expression
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '"'))
        .any(|w| w.trim_matches('"') == column)
}

/// A name usable in an index name: lower-case, `_` for anything odd.
pub fn ident_part(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// `CREATE INDEX CONCURRENTLY <table>_<cols>_idx ON <table> (<cols>);`
pub fn create_index_sql(table: &Table, columns: &[Name]) -> String {
    let parts: Vec<String> = columns.iter().map(|c| ident_part(c)).collect();
    let name = crate::model::default_names::object_name(
        &ident_part(&table.name.name),
        &parts.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        "idx",
    );
    let cols: Vec<String> = columns
        .iter()
        .map(|c| crate::model::quote_ident(c))
        .collect();
    let only = if table.kind == crate::model::TableKind::Partitioned {
        // CONCURRENTLY is not supported on partitioned tables.
        ""
    } else {
        "CONCURRENTLY "
    };
    format!(
        "CREATE INDEX {only}{name} ON {} ({});",
        table.name.sql(),
        cols.join(", ")
    )
}

/// Recreate a foreign key with a different action or match type, `NOT VALID` so the
/// new constraint takes no long lock (`tail` is e.g. `ON DELETE SET NULL`).
pub fn replace_fk_sql(table: &Table, fk: &ForeignKey, tail: &str) -> String {
    let name = crate::model::quote_ident(&fk.name);
    let cols: Vec<String> = fk
        .columns
        .iter()
        .map(|c| crate::model::quote_ident(c))
        .collect();
    let refs: Vec<String> = fk
        .referenced_columns
        .iter()
        .map(|c| crate::model::quote_ident(c))
        .collect();
    format!(
        "ALTER TABLE {t} DROP CONSTRAINT {name}, ADD CONSTRAINT {name} FOREIGN KEY ({}) REFERENCES {} ({}) {tail} NOT VALID;",
        cols.join(", "),
        fk.references.sql(),
        refs.join(", "),
        t = table.name.sql(),
    )
}

/// Keep the child rows when the parent goes: drop NOT NULL where needed, then
/// `ON DELETE SET NULL`.
pub fn set_null_fix(table: &Table, fk: &ForeignKey) -> String {
    let mut fix: Vec<String> = fk
        .columns
        .iter()
        .filter(|c| table.column(c).is_some_and(|col| col.not_null))
        .map(|c| {
            format!(
                "ALTER TABLE {} ALTER COLUMN {} DROP NOT NULL;",
                table.name.sql(),
                crate::model::quote_ident(c)
            )
        })
        .collect();
    fix.push(replace_fk_sql(table, fk, "ON DELETE SET NULL"));
    fix.join("\n")
}

/// Drop an index, or the constraint that owns it.
pub fn drop_index_sql(table: &Table, index: &Index) -> String {
    if index.is_constraint() {
        format!(
            "ALTER TABLE {} DROP CONSTRAINT {};",
            table.name.sql(),
            crate::model::quote_ident(&index.name.name)
        )
    } else {
        format!("DROP INDEX CONCURRENTLY {};", index.name.sql())
    }
}

/// Bound a text column's length with a CHECK added `NOT VALID`, then validated.
pub fn length_check_fix(table: &Table, column: &str, max: i64) -> String {
    let constraint = crate::model::quote_ident(&format!("{}_{}_length", table.name.name, column));
    format!(
        "ALTER TABLE {t} ADD CONSTRAINT {constraint} CHECK (char_length({c}) <= {max}) NOT VALID;\nALTER TABLE {t} VALIDATE CONSTRAINT {constraint};",
        t = table.name.sql(),
        c = crate::model::quote_ident(column),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::sql::database_from_sql;

    fn covered(sql: &str, cols: &[&str]) -> bool {
        let (db, _) = database_from_sql(sql);
        let t = db.tables.values().find(|t| t.name.name == "c").unwrap();
        let cols: Vec<Name> = cols.iter().map(|c| Name::from(*c)).collect();
        covering_index(t, &cols).is_some()
    }

    #[test]
    fn coverage_follows_leading_key_columns() {
        let base = "CREATE TABLE c (x int, y int, z int, created_at timestamptz);";
        assert!(covered(&format!("{base} CREATE INDEX ON c (x);"), &["x"]));
        assert!(covered(
            &format!("{base} CREATE INDEX ON c (x, created_at);"),
            &["x"]
        ));
        assert!(!covered(
            &format!("{base} CREATE INDEX ON c (created_at, x);"),
            &["x"]
        ));
        assert!(covered(
            &format!("{base} CREATE INDEX ON c (y, x);"),
            &["x", "y"]
        ));
        assert!(!covered(
            &format!("{base} CREATE INDEX ON c (z) INCLUDE (x);"),
            &["x"]
        ));
        assert!(!covered(
            &format!("{base} CREATE INDEX ON c (x) WHERE z > 0;"),
            &["x"]
        ));
        assert!(!covered(
            &format!("{base} CREATE INDEX ON c ((x + 1));"),
            &["x"]
        ));
        assert!(!covered(
            &format!("{base} CREATE INDEX ON c USING gin (x);"),
            &["x"]
        ));
        assert!(covered(
            &format!("{base} CREATE INDEX ON c USING hash (x);"),
            &["x"]
        ));
        assert!(covered(
            &format!("{base} ALTER TABLE c ADD PRIMARY KEY (x, y);"),
            &["x"]
        ));
    }
}
