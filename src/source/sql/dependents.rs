//! What a DROP removes besides its object, by PostgreSQL's dependency rules, from the
//! model: replay applies it, and `destructive-change` names it.
//!
//! - `ALTER TABLE … DROP COLUMN`: "Indexes and table constraints involving the column
//!   will be automatically dropped as well" (ALTER TABLE, DROP COLUMN), including
//!   indexes whose expression, INCLUDE list or predicate names it, and the sequence a
//!   serial or identity column owns; foreign keys of other tables that reference it
//!   need `CASCADE` (without it PostgreSQL refuses the drop).
//! - `DROP TABLE`: its partitions and owned sequences go with it; foreign keys of
//!   other tables that reference it need `CASCADE` (DROP TABLE: "CASCADE …
//!   foreign-key constraint of another table … is removed, not the other table").
//! - `DROP SCHEMA … CASCADE`: every table, view, type and sequence in it, and what
//!   depends on those elsewhere.
//! - `DROP TYPE` / `DROP DOMAIN … CASCADE`: the table columns of that type (DROP TYPE:
//!   "objects that depend on the type (such as table columns …)").
//! - `DROP SEQUENCE … CASCADE`: the column defaults that call `nextval` on it.
//!
//! Views are not modelled with what they read, so the views a CASCADE removes are not
//! named.

use crate::model::{Database, IndexKey, Name, QualifiedName, Table};
use crate::source::sql::replay::resolve_in;
use crate::source::sql::statement::{ObjectKind, ObjectName};
use std::collections::BTreeSet;

/// Objects a DROP removes with it, each described for a message.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Removed {
    /// Indexes of the table, by name (not those backing a constraint listed below).
    pub indexes: Vec<QualifiedName>,
    /// Indexes backing a primary key or unique constraint listed below.
    pub constraint_indexes: Vec<QualifiedName>,
    /// Constraints of the table: (kind, name), kind as PostgreSQL says it
    /// ("primary key", "unique", "check", "foreign key").
    pub constraints: Vec<(&'static str, Name)>,
    /// Generated columns of the table whose expression uses the dropped column: 12 to
    /// 14 drop them with it, 15 and later refuse without CASCADE.
    pub generated: Vec<Name>,
    /// Sequences owned by a dropped column or table.
    pub sequences: Vec<QualifiedName>,
    /// Foreign keys of other tables (or of the same table) that reference what is
    /// dropped: PostgreSQL refuses the drop without CASCADE.
    pub referencing_keys: Vec<(QualifiedName, Name)>,
    /// Tables dropped with it (partitions; a schema's tables).
    pub tables: Vec<QualifiedName>,
    /// Columns of other tables dropped with it (of a dropped type or domain).
    pub columns: Vec<(QualifiedName, Name)>,
    /// Column defaults removed with it (that call `nextval` on a dropped sequence).
    pub defaults: Vec<(QualifiedName, Name)>,
    /// Types, domains, views and sequences of a dropped schema.
    pub other: Vec<(&'static str, QualifiedName)>,
}

impl Removed {
    pub fn is_empty(&self) -> bool {
        *self == Removed::default()
    }

    /// One clause naming everything, at most `limit` names per kind, e.g. "index
    /// public.orders_note_idx, check orders_note_check".
    pub fn describe(&self, limit: usize) -> String {
        let mut parts = Vec::new();
        let mut list = |what: &str, names: Vec<String>| {
            if names.is_empty() {
                return;
            }
            let shown: Vec<&str> = names.iter().take(limit).map(String::as_str).collect();
            let more = names.len().saturating_sub(limit);
            let tail = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            let plural = if names.len() > 1 { "s" } else { "" };
            parts.push(format!("{what}{plural} {}{tail}", shown.join(", ")));
        };
        list("table", self.tables.iter().map(|t| t.to_string()).collect());
        list(
            "column",
            self.columns
                .iter()
                .map(|(t, c)| format!("{t}.{c}"))
                .collect(),
        );
        list(
            "generated column",
            self.generated.iter().map(|c| c.to_string()).collect(),
        );
        list(
            "index",
            self.indexes.iter().map(|i| i.name.to_string()).collect(),
        );
        for kind in ["primary key", "unique", "check", "foreign key"] {
            list(
                &format!("{kind} constraint"),
                self.constraints
                    .iter()
                    .filter(|(k, _)| *k == kind)
                    .map(|(_, n)| n.to_string())
                    .collect(),
            );
        }
        list(
            "foreign key",
            self.referencing_keys
                .iter()
                .map(|(t, n)| format!("{n} of {t}"))
                .collect(),
        );
        list(
            "sequence",
            self.sequences.iter().map(|s| s.to_string()).collect(),
        );
        list(
            "column default",
            self.defaults
                .iter()
                .map(|(t, c)| format!("{t}.{c}"))
                .collect(),
        );
        for kind in ["type", "domain", "view", "sequence"] {
            list(
                kind,
                self.other
                    .iter()
                    .filter(|(k, _)| *k == kind)
                    .map(|(_, n)| n.to_string())
                    .collect(),
            );
        }
        parts.join(", ")
    }
}

fn names_column(expression: &str, column: &str) -> bool {
    crate::source::sql::parse::referenced_columns(expression)
        .is_some_and(|cols| cols.iter().any(|c| c == column))
}

/// What `ALTER TABLE table DROP COLUMN column` removes besides the column.
pub fn of_column(db: &Database, table: &Table, column: &str) -> Removed {
    let mut removed = Removed::default();
    let uses = |cols: &[Name]| cols.iter().any(|c| c == column);
    for index in &table.indexes {
        let hit = index.keys.iter().any(|k| match &k.key {
            IndexKey::Column(c) => c == column,
            IndexKey::Expression(e) => names_column(e, column),
        }) || uses(&index.include)
            || index
                .predicate
                .as_deref()
                .is_some_and(|p| names_column(p, column));
        if hit {
            match index.role {
                crate::model::IndexRole::PrimaryKey | crate::model::IndexRole::UniqueConstraint => {
                    removed.constraint_indexes.push(index.name.clone())
                }
                _ => removed.indexes.push(index.name.clone()),
            }
        }
    }
    for c in &table.columns {
        if c.name != column
            && c.generated
                .as_deref()
                .is_some_and(|g| names_column(g, column))
        {
            removed.generated.push(c.name.clone());
        }
    }
    if let Some(pk) = table.primary_key.as_ref().filter(|pk| uses(&pk.columns)) {
        removed.constraints.push(("primary key", pk.name.clone()));
    }
    for u in table.unique_constraints.iter().filter(|u| uses(&u.columns)) {
        removed.constraints.push(("unique", u.name.clone()));
    }
    for c in &table.checks {
        if names_column(&c.expression, column) {
            removed.constraints.push(("check", c.name.clone()));
        }
    }
    for fk in table.foreign_keys.iter().filter(|f| uses(&f.columns)) {
        removed.constraints.push(("foreign key", fk.name.clone()));
    }
    for other in db.tables.values() {
        for fk in &other.foreign_keys {
            if fk.references == table.name
                && uses(&fk.referenced_columns)
                && !(other.name == table.name && uses(&fk.columns))
            {
                removed
                    .referencing_keys
                    .push((other.name.clone(), fk.name.clone()));
            }
        }
    }
    removed.sequences = owned_sequences(db, |(t, c)| t == &table.name && c == column);
    removed
}

/// What `DROP TABLE name` removes besides the table (its indexes and constraints go
/// without saying).
pub fn of_table(db: &Database, name: &QualifiedName) -> Removed {
    let mut removed = Removed::default();
    let mut doomed = vec![name.clone()];
    let mut i = 0;
    while i < doomed.len() {
        for t in db.partitions(&doomed[i]) {
            if !doomed.contains(&t.name) {
                doomed.push(t.name.clone());
            }
        }
        i += 1;
    }
    removed.tables = doomed[1..].to_vec();
    let doomed: BTreeSet<&QualifiedName> = doomed.iter().collect();
    for other in db.tables.values().filter(|t| !doomed.contains(&t.name)) {
        for fk in &other.foreign_keys {
            if doomed.contains(&fk.references) {
                removed
                    .referencing_keys
                    .push((other.name.clone(), fk.name.clone()));
            }
        }
    }
    removed.sequences = owned_sequences(db, |(t, _)| doomed.contains(t));
    removed
}

/// A `DROP … CASCADE` resolved: the statement's words, the object dropped (a schema
/// as `schema.""`) and what goes with it.
pub struct Dropped {
    pub statement: &'static str,
    pub object: QualifiedName,
    pub removed: Removed,
}

/// What `DROP <kind> object CASCADE` takes with it, for the kinds that take other
/// objects along (tables, schemas, types, domains, sequences); `None` when the object
/// is not in the model or its kind takes nothing modelled.
pub fn of_drop(
    db: &Database,
    search_path: &[Name],
    kind: ObjectKind,
    object: &ObjectName,
) -> Option<Dropped> {
    let dropped = |statement, object: QualifiedName, removed| Dropped {
        statement,
        object,
        removed,
    };
    match kind {
        ObjectKind::Table | ObjectKind::ForeignTable => resolve_in(&db.tables, search_path, object)
            .map(|t| dropped("DROP TABLE", t.clone(), of_table(db, &t))),
        ObjectKind::Schema => db.schemas.contains(&object.name).then(|| {
            dropped(
                "DROP SCHEMA",
                QualifiedName::new(object.name.clone(), ""),
                of_schema(db, &object.name),
            )
        }),
        ObjectKind::Type | ObjectKind::Domain => resolve_in(&db.enums, search_path, object)
            .map(|q| ("DROP TYPE", q))
            .or_else(|| resolve_in(&db.domains, search_path, object).map(|q| ("DROP DOMAIN", q)))
            .map(|(statement, q)| dropped(statement, q.clone(), of_type(db, &q))),
        ObjectKind::Sequence => resolve_in(&db.sequences, search_path, object)
            .map(|q| dropped("DROP SEQUENCE", q.clone(), of_sequence(db, &q))),
        _ => None,
    }
}

/// What `DROP SCHEMA schema CASCADE` removes.
pub fn of_schema(db: &Database, schema: &Name) -> Removed {
    let mut removed = Removed::default();
    let inside = |q: &QualifiedName| q.schema == *schema;
    removed.tables = db.tables.keys().filter(|q| inside(q)).cloned().collect();
    for other in db.tables.values().filter(|t| !inside(&t.name)) {
        for fk in other.foreign_keys.iter().filter(|f| inside(&f.references)) {
            removed
                .referencing_keys
                .push((other.name.clone(), fk.name.clone()));
        }
    }
    for (kind, names) in [
        ("type", db.enums.keys().collect::<Vec<_>>()),
        ("domain", db.domains.keys().collect()),
        ("view", db.views.keys().collect()),
        ("sequence", db.sequences.keys().collect()),
    ] {
        for q in names.into_iter().filter(|q| inside(q)) {
            removed.other.push((kind, q.clone()));
        }
    }
    let types: Vec<&QualifiedName> = db
        .enums
        .keys()
        .chain(db.domains.keys())
        .filter(|q| inside(q))
        .collect();
    for t in types {
        removed.columns.extend(
            columns_of_type(db, t)
                .into_iter()
                .filter(|(table, _)| !inside(table)),
        );
    }
    removed
}

/// What `DROP TYPE name CASCADE` (an enum) or `DROP DOMAIN name CASCADE` removes: the
/// table columns of that type.
pub fn of_type(db: &Database, name: &QualifiedName) -> Removed {
    // Domains over the type, and domains over those, go too, with their columns.
    let mut types = vec![name.clone()];
    let mut i = 0;
    while i < types.len() {
        for d in db.domains.values() {
            let over = d.base.name == types[i].name
                && d.base.schema.as_ref().is_none_or(|s| *s == types[i].schema);
            if over && !types.contains(&d.name) {
                types.push(d.name.clone());
            }
        }
        i += 1;
    }
    let mut removed = Removed::default();
    for t in &types {
        removed.columns.extend(columns_of_type(db, t));
    }
    removed.other = types[1..].iter().map(|d| ("domain", d.clone())).collect();
    removed
}

/// What `DROP SEQUENCE name CASCADE` removes: the defaults that call `nextval` on it.
pub fn of_sequence(db: &Database, name: &QualifiedName) -> Removed {
    let mut removed = Removed::default();
    for t in db.tables.values() {
        for c in &t.columns {
            let calls =
                c.default
                    .as_deref()
                    .and_then(nextval_sequence)
                    .is_some_and(|(schema, seq)| {
                        seq == *name.name
                            && match schema {
                                Some(schema) => schema == *name.schema,
                                // Resolved when the default was written, by a search
                                // path replay no longer has: the table's schema or public.
                                None => name.schema == t.name.schema || &*name.schema == "public",
                            }
                    });
            if calls {
                removed.defaults.push((t.name.clone(), c.name.clone()));
            }
        }
    }
    removed
}

/// The sequence a `nextval('…')` default calls: (schema if written, name), as
/// PostgreSQL reads the regclass text (unquoted parts fold to lower case).
fn nextval_sequence(default: &str) -> Option<(Option<String>, String)> {
    let start = default.to_ascii_lowercase().find("nextval('")? + "nextval('".len();
    let rest = &default[start..];
    let end = rest.find("'::").or_else(|| rest.find("')"))?;
    let text = rest[..end].replace("''", "'");
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '"' if quoted && chars.peek() == Some(&'"') => {
                current.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            '.' if !quoted => parts.push(std::mem::take(&mut current)),
            c if quoted => current.push(c),
            c => current.push(c.to_ascii_lowercase()),
        }
    }
    parts.push(current);
    match parts.as_slice() {
        [name] => Some((None, name.clone())),
        [schema, name] => Some((Some(schema.clone()), name.clone())),
        _ => None,
    }
}

/// Columns whose type is `name` (or an array of it); a type written unqualified
/// matches by name.
fn columns_of_type(db: &Database, name: &QualifiedName) -> Vec<(QualifiedName, Name)> {
    let mut out = Vec::new();
    for t in db.tables.values() {
        for c in &t.columns {
            let same_schema = c
                .data_type
                .schema
                .as_ref()
                .is_none_or(|s| *s == name.schema);
            if c.data_type.name == name.name && same_schema {
                out.push((t.name.clone(), c.name.clone()));
            }
        }
    }
    out
}

fn owned_sequences(
    db: &Database,
    owner: impl Fn(&(QualifiedName, Name)) -> bool,
) -> Vec<QualifiedName> {
    db.sequences
        .values()
        .filter(|s| s.owned_by.as_ref().is_some_and(&owner))
        .map(|s| s.name.clone())
        .collect()
}
