//! Whether PostgreSQL refuses a statement where a migration runs it: the part of the
//! statement-effect model ([`super::locks::effects`] says what a statement that runs
//! does) that says it does not run at all. Each refusal is PostgreSQL's own error,
//! checked with `dblint trace` on 12 to 18 (tests/trace_differential.rs compares every
//! prediction with the server's error, by the words of [`Refusal::server_says`]).
//!
//! Migration rules word these refusals and never decide one themselves:
//! `concurrently-in-transaction` (a statement that cannot run in a transaction block),
//! `constraint-not-valid` (NOT VALID foreign key on a partitioned table),
//! `refresh-matview-blocking` (REFRESH … CONCURRENTLY without its prerequisites),
//! `identifier-too-long` (a truncated name that is taken), `enum-value-in-transaction`
//! (a new enum value used before commit), and `statement-refused` the rest.

use super::locks::resolve;
use super::replay::{creation_schema, resolve_in};
use super::session::StatementEvent;
use super::statement::{ConstraintSpec, ObjectKind, ObjectName, Statement, TableAction};
use crate::model::{Database, Name, QualifiedName, TableKind};

/// The longest identifier PostgreSQL keeps (`NAMEDATALEN - 1` bytes); longer ones are
/// truncated ("Identifiers and Key Words").
pub const MAX_IDENTIFIER_BYTES: usize = 63;

/// Why PostgreSQL refuses a statement, with what the error names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The statement cannot run inside a transaction block (an explicit BEGIN, the
    /// tool's transaction, or the implicit one of a multi-statement query string):
    /// `what` is the statement's kind as the error names it ("VACUUM", "CREATE INDEX
    /// CONCURRENTLY", "REINDEX TABLE" of a partitioned table from 14, …).
    TransactionBlock { what: &'static str },
    /// The statement runs only inside a transaction block: `LOCK TABLE` ("can only be
    /// used in transaction blocks"), which outside one would hold its lock for no
    /// statement at all.
    OutsideTransactionBlock { what: &'static str },
    /// Not possible on a partitioned table or index, anywhere: CONCURRENTLY index
    /// builds and drops, REINDEX INDEX before 14, CLUSTER before 15.
    Partitioned {
        what: &'static str,
        relation: QualifiedName,
    },
    /// A form the statement does not support: `DROP INDEX CONCURRENTLY` of several
    /// indexes, or with CASCADE.
    Unsupported {
        what: &'static str,
        of: &'static str,
    },
    /// `NOT VALID` foreign key on a partitioned table, before PostgreSQL 18.
    NotValidForeignKeyOnPartitioned { table: QualifiedName },
    /// `REFRESH MATERIALIZED VIEW CONCURRENTLY` of a view never populated, or without
    /// a unique index over plain columns and without WHERE.
    RefreshConcurrently {
        view: QualifiedName,
        never_populated: bool,
    },
    /// The statement creates a relation whose name, cut to 63 bytes, another
    /// relation of the schema already has.
    NameTaken { name: String, kept: String },
    /// A value added to an enum in this transaction is used as a value of the type
    /// before the transaction commits ("unsafe use of new value").
    NewEnumValueUsed {
        enum_type: QualifiedName,
        value: Name,
    },
}

impl Refusal {
    /// The migration rule that reports this refusal (every refusal has exactly one).
    pub fn worded_by(&self) -> &'static str {
        match self {
            Refusal::TransactionBlock { what } if what.contains("CONCURRENTLY") => {
                "concurrently-in-transaction"
            }
            Refusal::TransactionBlock {
                what: "ALTER TYPE ... ADD",
            }
            | Refusal::NewEnumValueUsed { .. } => "enum-value-in-transaction",
            Refusal::TransactionBlock { .. }
            | Refusal::OutsideTransactionBlock { .. }
            | Refusal::Unsupported { .. }
            | Refusal::Partitioned { .. } => "statement-refused",
            Refusal::NotValidForeignKeyOnPartitioned { .. } => "constraint-not-valid",
            Refusal::RefreshConcurrently { .. } => "refresh-matview-blocking",
            Refusal::NameTaken { .. } => "identifier-too-long",
        }
    }

    /// A phrase of the server's error message, as PostgreSQL 12-18 word it (what
    /// `trace` matches).
    pub fn server_says(&self) -> &'static str {
        match self {
            Refusal::TransactionBlock { .. } => "cannot run inside a transaction block",
            Refusal::OutsideTransactionBlock { .. } => "can only be used in transaction blocks",
            Refusal::Unsupported { .. } => "does not support",
            Refusal::Partitioned { what, .. } => match *what {
                "REINDEX INDEX" => "not yet implemented for partitioned indexes",
                "CLUSTER" => "cannot cluster a partitioned table",
                "DROP INDEX CONCURRENTLY" => "cannot drop partitioned index",
                _ => "cannot create index on partitioned table",
            },
            Refusal::NotValidForeignKeyOnPartitioned { .. } => {
                "cannot add NOT VALID foreign key on partitioned table"
            }
            Refusal::RefreshConcurrently {
                never_populated: true,
                ..
            } => "CONCURRENTLY cannot be used when the materialized view is not populated",
            Refusal::RefreshConcurrently { .. } => "cannot refresh materialized view",
            Refusal::NameTaken { .. } => "already exists",
            Refusal::NewEnumValueUsed { .. } => "unsafe use of new value",
        }
    }

    /// One line for a report: why PostgreSQL refuses it.
    pub fn describe(&self) -> String {
        match self {
            Refusal::TransactionBlock { what } => {
                format!("{what} cannot run inside a transaction block")
            }
            Refusal::OutsideTransactionBlock { what } => {
                format!("{what} can only be used in transaction blocks")
            }
            Refusal::Unsupported { what, of } => format!("{what} does not support {of}"),
            Refusal::Partitioned { what, relation } => {
                let kind = if what.starts_with("DROP INDEX") || what.starts_with("REINDEX INDEX") {
                    "index"
                } else {
                    "table"
                };
                format!("{what} is not possible on {relation}, a partitioned {kind}")
            }
            Refusal::NotValidForeignKeyOnPartitioned { table } => {
                format!("NOT VALID foreign key on partitioned table {table} (allowed from 18)")
            }
            Refusal::RefreshConcurrently {
                view,
                never_populated: true,
            } => format!("{view} has never been populated (created WITH NO DATA)"),
            Refusal::RefreshConcurrently { view, .. } => {
                format!("{view} has no unique index over columns only, without WHERE")
            }
            Refusal::NameTaken { kept, .. } => {
                format!("the name truncated to 63 bytes, \"{kept}\", is taken")
            }
            Refusal::NewEnumValueUsed { enum_type, value } => format!(
                "'{value}' was added to {enum_type} in this transaction and cannot be used before it commits"
            ),
        }
    }
}

/// Whether PostgreSQL `pg_version` refuses the statement of `event` where the file
/// runs it (the model before the statement, the file's transaction state); `None`: it
/// runs. Where there are several reasons, the one PostgreSQL checks first.
pub fn refusal(event: &StatementEvent, pg_version: u32) -> Option<Refusal> {
    let db = event.db;
    let search_path = event.search_path;
    // PreventInTransactionBlock comes first (ProcessUtility calls it before the
    // command looks at its relation).
    let in_block = event.file.in_transaction();
    if in_block {
        if let Some(what) = transaction_block(event.statement, db, search_path, pg_version) {
            return Some(Refusal::TransactionBlock { what });
        }
    }
    if !in_block && matches!(event.statement, Statement::LockTable { .. }) {
        return Some(Refusal::OutsideTransactionBlock { what: "LOCK TABLE" });
    }
    if let Some(r) = anywhere(event.statement, db, search_path, pg_version) {
        return Some(r);
    }
    if in_block {
        if let Some((enum_type, value)) = new_enum_value_used(event) {
            return Some(Refusal::NewEnumValueUsed { enum_type, value });
        }
    }
    name_taken(event.statement, event.sql, db, search_path)
}

/// Refusals that do not depend on a transaction block: on partitioned relations,
/// NOT VALID foreign keys there, REFRESH CONCURRENTLY prerequisites.
fn anywhere(
    statement: &Statement,
    db: &Database,
    search_path: &[Name],
    pg_version: u32,
) -> Option<Refusal> {
    let partitioned = |table: &QualifiedName| {
        db.table(table)
            .is_some_and(|t| t.kind == TableKind::Partitioned)
    };
    let on_partitioned = |what, relation: QualifiedName| Refusal::Partitioned { what, relation };
    match statement {
        // "cannot create index on partitioned table … concurrently", with or without
        // ONLY, with or without partitions.
        Statement::CreateIndex(ci) if ci.concurrently => {
            let table = resolve_in(&db.tables, search_path, &ci.table)?;
            partitioned(&table).then(|| on_partitioned("CREATE INDEX CONCURRENTLY", table))
        }
        // "DROP INDEX CONCURRENTLY does not support dropping multiple objects" / "…
        // does not support CASCADE".
        Statement::Drop {
            kind: ObjectKind::Index,
            objects,
            concurrently: true,
            cascade,
            ..
        } if objects.len() > 1 || *cascade => Some(Refusal::Unsupported {
            what: "DROP INDEX CONCURRENTLY",
            of: if *cascade {
                "CASCADE"
            } else {
                "dropping several indexes in one statement"
            },
        }),
        Statement::Drop {
            kind: ObjectKind::Index,
            objects,
            concurrently: true,
            ..
        } => objects.iter().find_map(|o| {
            let (index, table) = index_and_table(db, search_path, o)?;
            partitioned(&table).then(|| on_partitioned("DROP INDEX CONCURRENTLY", index))
        }),
        // REINDEX INDEX of a partitioned index: "not yet implemented" before 14.
        Statement::Reindex { index: Some(i), .. } if pg_version < 14 => {
            let (index, table) = index_and_table(db, search_path, i)?;
            partitioned(&table).then(|| on_partitioned("REINDEX INDEX", index))
        }
        Statement::Cluster { table: Some(t) } if pg_version < 15 => {
            let table = resolve_in(&db.tables, search_path, t)?;
            partitioned(&table).then(|| on_partitioned("CLUSTER", table))
        }
        Statement::AlterTable { table, actions, .. } if pg_version < 18 => {
            let table = resolve_in(&db.tables, search_path, table)?;
            let not_valid_fk = actions.iter().any(|a| {
                matches!(a, TableAction::AddConstraint(ConstraintSpec::ForeignKey(fk)) if fk.not_valid)
            });
            (partitioned(&table) && not_valid_fk)
                .then_some(Refusal::NotValidForeignKeyOnPartitioned { table })
        }
        Statement::RefreshMatView {
            name,
            concurrently: true,
            ..
        } => {
            let q = resolve_in(&db.views, search_path, name)?;
            let view = db.views.get(&q).filter(|v| v.materialized)?;
            (!view.populated || view.unique_indexes.is_empty()).then(|| {
                Refusal::RefreshConcurrently {
                    view: q.clone(),
                    never_populated: !view.populated,
                }
            })
        }
        _ => None,
    }
}

/// Whether PostgreSQL would refuse the CONCURRENTLY form of a `CREATE INDEX`, `DROP
/// INDEX` or `REINDEX` (what a fix proposing it must know): on a partitioned table or
/// index, and REINDEX of a partitioned index before 14.
pub fn refuses_concurrent_form(
    statement: &Statement,
    db: &Database,
    search_path: &[Name],
    pg_version: u32,
) -> Option<Refusal> {
    let concurrent = match statement.clone() {
        Statement::CreateIndex(mut ci) => {
            ci.concurrently = true;
            Statement::CreateIndex(ci)
        }
        Statement::Drop {
            kind,
            objects,
            missing_ok,
            cascade,
            ..
        } => Statement::Drop {
            kind,
            objects,
            concurrently: true,
            missing_ok,
            cascade,
        },
        Statement::Reindex { table, index, .. } => Statement::Reindex {
            concurrently: true,
            table,
            index,
        },
        _ => return None,
    };
    anywhere(&concurrent, db, search_path, pg_version)
}

/// The statement's kind, as PostgreSQL's error names it, when it cannot run inside a
/// transaction block on `pg_version` ("cannot run inside a transaction block"): the
/// CONCURRENTLY forms of CREATE INDEX, DROP INDEX, REINDEX and DETACH PARTITION;
/// VACUUM; REINDEX SCHEMA/DATABASE/SYSTEM; from 14, REINDEX of a partitioned table
/// or index; CLUSTER of every table, and from 15 of a partitioned one; before 12,
/// ALTER TYPE … ADD VALUE.
pub fn transaction_block(
    statement: &Statement,
    db: &Database,
    search_path: &[Name],
    pg_version: u32,
) -> Option<&'static str> {
    let partitioned = |table: Option<QualifiedName>| {
        table
            .and_then(|t| db.table(&t))
            .is_some_and(|t| t.kind == TableKind::Partitioned)
    };
    match statement {
        Statement::CreateIndex(ci) if ci.concurrently => Some("CREATE INDEX CONCURRENTLY"),
        Statement::Drop {
            kind: ObjectKind::Index,
            concurrently: true,
            ..
        } => Some("DROP INDEX CONCURRENTLY"),
        Statement::Reindex {
            concurrently: true, ..
        } => Some("REINDEX CONCURRENTLY"),
        Statement::Reindex {
            table: None,
            index: None,
            ..
        } => Some("REINDEX SCHEMA, DATABASE or SYSTEM"),
        Statement::Reindex { table: Some(t), .. }
            if pg_version >= 14 && partitioned(resolve_in(&db.tables, search_path, t)) =>
        {
            Some("REINDEX TABLE")
        }
        Statement::Reindex { index: Some(i), .. }
            if pg_version >= 14
                && partitioned(index_and_table(db, search_path, i).map(|(_, t)| t)) =>
        {
            Some("REINDEX INDEX")
        }
        Statement::Vacuum { .. } => Some("VACUUM"),
        // Allowed in a transaction block from 12 (the value cannot be used before
        // commit: [`Refusal::NewEnumValueUsed`]).
        Statement::AlterEnumAddValue { .. } if pg_version < 12 => Some("ALTER TYPE ... ADD"),
        Statement::Cluster { table: None } => Some("CLUSTER"),
        Statement::Cluster { table: Some(t) }
            if pg_version >= 15 && partitioned(resolve_in(&db.tables, search_path, t)) =>
        {
            Some("CLUSTER")
        }
        Statement::AlterTable { actions, .. }
            if actions.iter().any(|a| {
                matches!(
                    a,
                    TableAction::DetachPartition {
                        concurrently: true,
                        ..
                    }
                )
            }) =>
        {
            Some("DETACH PARTITION ... CONCURRENTLY")
        }
        _ => None,
    }
}

/// The index a name refers to and the table it belongs to, found through the search
/// path.
fn index_and_table(
    db: &Database,
    search_path: &[Name],
    name: &ObjectName,
) -> Option<(QualifiedName, QualifiedName)> {
    let index = resolve_in(&db.index_owner, search_path, name)?;
    let table = db.index_owner.get(&index)?.clone();
    Some((index, table))
}

/// A value added to an enum earlier in this transaction, used as a value of the type
/// by this statement: it casts a literal of the value to the type, or names a column
/// of that type beside the literal. A literal compared with another literal (`WHERE
/// 'void' = 'void'`) is text, and PostgreSQL runs it (checked with `dblint trace`).
fn new_enum_value_used(event: &StatementEvent) -> Option<(QualifiedName, Name)> {
    // Naming the new value in another ADD VALUE (`AFTER 'new'`) or a RENAME VALUE is
    // no use of it (PostgreSQL checks only values it reads as the type).
    if matches!(
        event.statement,
        Statement::AlterEnumAddValue { .. } | Statement::AlterEnumRenameValue { .. }
    ) {
        return None;
    }
    let file = event.file;
    file.enum_values_added
        .iter()
        .find(|(ty, value)| event.sql.contains(&format!("'{value}'")) && uses_as_enum(event, ty))
        .cloned()
}

fn uses_as_enum(event: &StatementEvent, ty: &QualifiedName) -> bool {
    let sql = event.sql.to_ascii_lowercase();
    let type_name = ty.name.to_ascii_lowercase();
    let words: Vec<&str> = sql
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    if words.contains(&type_name.as_str()) {
        return true;
    }
    event.db.tables.values().any(|t| {
        t.columns.iter().any(|c| {
            c.data_type.name.eq_ignore_ascii_case(&ty.name)
                && c.data_type.schema.as_deref().is_none_or(|s| s == ty.schema)
                && words.contains(&c.name.to_ascii_lowercase().as_str())
        })
    })
}

/// The first 63 bytes of `name`, cut at a character boundary (PostgreSQL's
/// `truncate_identifier` cuts at the last whole multibyte character).
pub fn truncate_identifier(name: &str) -> &str {
    let mut end = MAX_IDENTIFIER_BYTES.min(name.len());
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

/// A relation the statement creates under a name it gives (`CREATE INDEX name`,
/// `CREATE TABLE`) written longer than 63 bytes, whose
/// truncation another relation of the same schema already has: "relation … already
/// exists" (only names PostgreSQL chooses itself get a number added). `IF NOT
/// EXISTS` makes the clash a notice. (The parser has truncated the statement's name
/// already; the identifiers as written are read from `sql`.)
fn name_taken(
    statement: &Statement,
    sql: &str,
    db: &Database,
    search_path: &[Name],
) -> Option<Refusal> {
    let (name, schema): (&Name, Option<Name>) = match statement {
        // An index lives in its table's schema.
        Statement::CreateIndex(ci) if !ci.if_not_exists => (
            ci.name.as_ref()?,
            resolve(db, search_path, &ci.table).map(|t| t.schema),
        ),
        Statement::CreateTable(ct) if !ct.if_not_exists => (
            &ct.name.name,
            if ct.temporary {
                Some(Name::from(super::replay::TEMP_SCHEMA))
            } else {
                schema_of(db, search_path, &ct.name)
            },
        ),
        // Views are left out: the statement model does not keep `OR REPLACE` or a
        // materialized view's `IF NOT EXISTS`, which make a clash no error.
        _ => return None,
    };
    // A truncated name is 63 bytes, or a few less where a multibyte character was
    // cut: a shorter one was written as it is (and the text is not scanned).
    if name.len() + 3 < MAX_IDENTIFIER_BYTES {
        return None;
    }
    let written = long_identifiers(sql)
        .into_iter()
        .find(|written| truncate_identifier(written) == truncate_identifier(name))?;
    let kept = truncate_identifier(&written).to_string();
    let object = QualifiedName::new(schema?, kept.as_str());
    relation_exists(db, &object).then_some(Refusal::NameTaken {
        name: written,
        kept,
    })
}

/// The identifiers of `sql` longer than 63 bytes, as written (a quoted one unquoted,
/// `""` as `"`; an unquoted one folded to lower case as PostgreSQL folds it, ASCII
/// letters only), each once, in order.
pub fn long_identifiers(sql: &str) -> Vec<String> {
    if !may_hold_long_identifier(sql) {
        return Vec::new();
    }
    let Ok(scan) = pg_query::scan(sql) else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    for token in scan.tokens {
        if token.token != pg_query::protobuf::Token::Ident as i32 {
            continue;
        }
        let Some(text) = sql.get(token.start as usize..token.end as usize) else {
            continue;
        };
        let name = match text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
            Some(quoted) => quoted.replace("\"\"", "\""),
            None => text.to_ascii_lowercase(),
        };
        if name.len() > MAX_IDENTIFIER_BYTES && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// Whether `sql` may hold an identifier longer than 63 bytes, decided without
/// tokenizing it (scanning every statement was a tenth of `lint`'s time on large
/// files). An identifier's text is never shorter than its name: an unquoted one is a
/// run of letters, digits, `_`, `$` and non-ASCII bytes; a quoted one lies between two
/// runs of `"` of odd length (the opening and the closing quote, each possibly beside
/// `""` escapes) with only even runs (escapes) between them. False when neither kind of
/// span reaches 64 bytes; true may be wrong (a long string literal), and the scan then
/// decides.
fn may_hold_long_identifier(sql: &str) -> bool {
    let bytes = sql.as_bytes();
    let mut word = 0;
    // End of the last odd run of quotes and its length.
    let mut last_odd: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'"' {
            word = 0;
            let start = i;
            while i < bytes.len() && bytes[i] == b'"' {
                i += 1;
            }
            let run = i - start;
            // A run alone can hold a whole identifier made of quotes (`""""` is `"`).
            if run.saturating_sub(2) / 2 > MAX_IDENTIFIER_BYTES {
                return true;
            }
            if run % 2 == 1 {
                if let Some((end, previous)) = last_odd {
                    if start - end + (previous - 1) / 2 + (run - 1) / 2 > MAX_IDENTIFIER_BYTES {
                        return true;
                    }
                }
                last_odd = Some((i, run));
            }
            continue;
        }
        if b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80 {
            word += 1;
            if word > MAX_IDENTIFIER_BYTES {
                return true;
            }
        } else {
            word = 0;
        }
        i += 1;
    }
    false
}

fn schema_of(db: &Database, search_path: &[Name], name: &ObjectName) -> Option<Name> {
    match &name.schema {
        Some(s) => Some(s.clone()),
        None => creation_schema(db, search_path),
    }
}

/// A table, index, view or sequence of that name exists (they share one namespace
/// per schema, `pg_class`).
pub fn relation_exists(db: &Database, name: &QualifiedName) -> bool {
    db.tables.contains_key(name)
        || db.index_owner.contains_key(name)
        || db.views.contains_key(name)
        || db.sequences.contains_key(name)
}

/// A column `ADD COLUMN` gives existing rows no value for although it must have one:
/// PostgreSQL refuses the statement as soon as the table has rows ("column … contains
/// null values", "domain … does not allow null values"). NOT NULL of its own or its
/// domain's; a default of its own other than NULL, else (no DEFAULT clause) its
/// domain's, fills the rows. An explicit `DEFAULT NULL` gives them NULL even when the
/// domain has a default (checked with `dblint trace`); identity, generated and serial
/// columns are filled.
pub fn unfillable_column(db: &Database, column: &crate::model::Column) -> bool {
    let (domain_not_null, domain_default) = db.domain_imposes(&column.data_type);
    let own_default = column
        .default
        .as_deref()
        .is_some_and(|d| !crate::model::is_null_default(d));
    (column.not_null || domain_not_null)
        && !own_default
        && !(column.default.is_none() && domain_default)
        && column.identity.is_none()
        && column.generated.is_none()
        && !column.serial
}

/// The columns of an `ALTER TABLE … ADD COLUMN` statement that existing rows cannot
/// fill ([`unfillable_column`]), with the table: refused once it has rows.
pub fn refused_with_rows(event: &StatementEvent) -> Vec<(QualifiedName, Name)> {
    let Statement::AlterTable { table, actions, .. } = event.statement else {
        return Vec::new();
    };
    let Some(q) = resolve_in(&event.db.tables, event.search_path, table) else {
        return Vec::new();
    };
    actions
        .iter()
        .filter_map(|a| match a {
            TableAction::AddColumn { column, .. }
                if unfillable_column(event.db, &column.column) =>
            {
                Some((q.clone(), column.column.name.clone()))
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The identifiers longer than 63 bytes pg_query's scanner finds, without the
    /// pre-check.
    fn scanned(sql: &str) -> usize {
        pg_query::scan(sql)
            .map(|s| {
                s.tokens
                    .iter()
                    .filter(|t| t.token == pg_query::protobuf::Token::Ident as i32)
                    .filter_map(|t| sql.get(t.start as usize..t.end as usize))
                    .filter(|t| {
                        let name = match t.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
                            Some(q) => q.replace("\"\"", "\""),
                            None => t.to_string(),
                        };
                        name.len() > MAX_IDENTIFIER_BYTES
                    })
                    .count()
            })
            .unwrap_or(0)
    }

    #[test]
    fn the_pre_check_never_hides_a_long_identifier() {
        let a62 = "a".repeat(62);
        let a63 = "a".repeat(63);
        let a64 = "a".repeat(64);
        let e32 = "é".repeat(32);
        let cases = [
            format!("CREATE TABLE {a64} (id int)"),
            format!("CREATE TABLE \"{a64}\" (id int)"),
            format!("CREATE TABLE \"{a63}\"\"\" (id int)"),
            format!("CREATE TABLE \"\"\"{a63}\" (id int)"),
            format!(
                "CREATE TABLE \"{}\"\"{}\" (id int)",
                "b".repeat(31),
                "c".repeat(32)
            ),
            format!("CREATE TABLE \"{}\" (id int)", "x y ".repeat(16)),
            format!("CREATE TABLE {} (id int)", "\"".repeat(130)),
            format!("CREATE TABLE {e32} (id int)"),
            format!("SELECT '\"' AS \"{a64}\""),
            format!("CREATE TABLE t (\"{a62}\" int, \"{a64}\" int)"),
        ];
        for sql in &cases {
            assert!(scanned(sql) > 0, "no long identifier in {sql}");
            assert!(may_hold_long_identifier(sql), "pre-check missed {sql}");
            assert!(!long_identifiers(sql).is_empty(), "{sql}");
        }
        let short = [
            format!("CREATE TABLE {a62} (id int)"),
            format!("CREATE TABLE \"{a62}\" (\"{a62}\" int, b int)"),
            "CREATE TABLE \"a\"\"b\" (\"c\" int)".to_string(),
        ];
        for sql in &short {
            assert_eq!(scanned(sql), 0, "{sql}");
            assert!(!may_hold_long_identifier(sql), "{sql}");
        }
    }
}
