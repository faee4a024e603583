//! Catalog rows → the schema model, following the same conventions as SQL replay so
//! that `inspect` and `lint` of the same schema agree: constraint clones on
//! partitions (`conparentid`) are left out (reported once, at the parent), built-in
//! types are named as `format_type` names them, user types carry their schema.

use super::queries;
use crate::model::{
    CheckConstraint, Column, DataType, Database, Domain, EnumType, FkAction, ForeignKey, Identity,
    Index, IndexElement, IndexKey, IndexRole, IndexStats, KeyConstraint, MatchType, Name, Policy,
    QualifiedName, Sequence, Table, TableKind, TableStats, View,
};
use postgres::{GenericClient, Row};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, thiserror::Error)]
#[error("reading the catalog failed: {0}")]
pub struct CatalogError(pub String);

/// A column's value; a type the server did not send as expected is an error, not a
/// panic.
fn get<'a, T: postgres::types::FromSql<'a>>(row: &'a Row, index: usize) -> Result<T, CatalogError> {
    row.try_get(index)
        .map_err(|e| CatalogError(format!("unexpected catalog data: {e}")))
}

fn query(client: &mut impl GenericClient, sql: &str) -> Result<Vec<Row>, CatalogError> {
    client.query(sql, &[]).map_err(|e| {
        let message = e
            .as_db_error()
            .map(|d| d.message().to_string())
            .unwrap_or_else(|| e.to_string());
        CatalogError(message)
    })
}

/// The server's version number (e.g. 150004), database name, and how many days its
/// usage statistics cover.
pub fn server(client: &mut impl GenericClient) -> Result<(i32, String, f64), CatalogError> {
    let rows = query(client, queries::SERVER)?;
    let row = rows
        .first()
        .ok_or_else(|| CatalogError("no server information".into()))?;
    Ok((
        get(row, 0)?,
        get(row, 1)?,
        get::<Option<f64>>(row, 2)?.unwrap_or(0.0),
    ))
}

/// Modifiers written in a `format_type` result: `character varying(255)` → [255].
fn modifiers(formatted: &str) -> Vec<i64> {
    let Some(open) = formatted.find('(') else {
        return Vec::new();
    };
    let Some(close) = formatted[open..].find(')') else {
        return Vec::new();
    };
    let inner = &formatted[open + 1..open + close];
    inner
        .split(',')
        .map(|p| p.trim().parse::<i64>())
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_default()
}

/// Build a type the way replay names it.
fn data_type(
    full: &str,
    base_formatted: &str,
    base_name: &str,
    base_schema: &str,
    base_kind: &str,
    is_array: bool,
) -> DataType {
    let (name, schema): (Name, Option<Name>) = if base_schema == "pg_catalog" {
        (base_formatted.trim_matches('"').into(), None)
    } else if matches!(base_kind, "e" | "d" | "c") {
        (base_name.into(), Some(base_schema.into()))
    } else {
        (base_name.into(), None)
    };
    let modifiers = if name == "interval" || schema.is_some() {
        Vec::new()
    } else {
        modifiers(full)
    };
    DataType {
        name,
        schema,
        modifiers,
        array_dims: u32::from(is_array),
    }
}

fn names(v: Vec<String>) -> Vec<Name> {
    v.into_iter().map(Name::from).collect()
}

/// Read the whole schema. Runs [`queries::CATALOG_QUERY_COUNT`] queries.
pub fn read_catalog(
    client: &mut impl GenericClient,
    version: i32,
) -> Result<Database, CatalogError> {
    let mut db = Database::default();
    let mut by_oid: BTreeMap<i64, QualifiedName> = BTreeMap::new();
    let mut pending_parents: Vec<(i64, bool, Vec<i64>)> = Vec::new();

    for row in query(client, &queries::tables())? {
        let oid: i64 = get(&row, 0)?;
        let name = QualifiedName::new(get::<String>(&row, 1)?, get::<String>(&row, 2)?);
        let kind = match get::<String>(&row, 3)?.as_str() {
            "p" => TableKind::Partitioned,
            "f" => TableKind::Foreign,
            _ => TableKind::Ordinary,
        };
        let mut table = Table::new(name.clone(), kind);
        table.unlogged = get::<String>(&row, 4)? == "u";
        let is_partition: bool = get(&row, 5)?;
        table.row_security = get(&row, 6)?;
        table.force_row_security = get(&row, 7)?;
        table.comment = get(&row, 8)?;
        let parents: Vec<i64> = get(&row, 9)?;
        table.stats = Some(TableStats {
            estimated_rows: get(&row, 10)?,
            total_bytes: get(&row, 11)?,
            scans: get(&row, 12)?,
        });
        db.schemas.insert(name.schema.clone());
        by_oid.insert(oid, name.clone());
        db.tables.insert(name, table);
        // Parents are resolved once every table is known.
        if !parents.is_empty() {
            pending_parents.push((oid, is_partition, parents));
        }
    }
    for (oid, is_partition, parents) in pending_parents {
        let resolved: Vec<QualifiedName> = parents
            .iter()
            .filter_map(|p| by_oid.get(p).cloned())
            .collect();
        if let Some(table) = by_oid.get(&oid).and_then(|n| db.tables.get_mut(n)) {
            if is_partition {
                table.partition_of = resolved.into_iter().next();
            } else {
                table.inherits = resolved;
            }
        }
    }

    for row in query(client, &queries::columns())? {
        let Some(table) = by_oid
            .get(&get::<i64>(&row, 0)?)
            .and_then(|n| db.tables.get_mut(n))
        else {
            continue;
        };
        let full: String = get(&row, 2)?;
        let base_formatted: String = get(&row, 3)?;
        let base_name: String = get(&row, 4)?;
        let base_schema: String = get(&row, 5)?;
        let base_kind: String = get(&row, 6)?;
        let is_array: bool = get(&row, 7)?;
        let mut column = Column::new(
            get::<String>(&row, 1)?,
            data_type(
                &full,
                &base_formatted,
                &base_name,
                &base_schema,
                &base_kind,
                is_array,
            ),
        );
        column.not_null = get(&row, 8)?;
        let default: Option<String> = get(&row, 9)?;
        let identity: String = get(&row, 10)?;
        let generated: String = get::<Option<String>>(&row, 11)?.unwrap_or_default();
        column.identity = match identity.as_str() {
            "a" => Some(Identity::Always),
            "d" => Some(Identity::ByDefault),
            _ => None,
        };
        if generated == "s" {
            column.generated = default;
        } else {
            column.serial = default
                .as_deref()
                .is_some_and(|d| d.starts_with("nextval("));
            column.default = default;
        }
        column.comment = get(&row, 12)?;
        table.columns.push(column);
    }

    // Constraint clones on partitions, and the indexes behind them, are the parent's.
    let mut skipped_indexes: BTreeSet<i64> = BTreeSet::new();
    let mut index_roles: BTreeMap<i64, IndexRole> = BTreeMap::new();
    let mut key_owner: BTreeMap<i64, (QualifiedName, bool, Name)> = BTreeMap::new();
    for row in query(client, &queries::constraints(version))? {
        let Some(table_name) = by_oid.get(&get::<i64>(&row, 0)?).cloned() else {
            continue;
        };
        let name: Name = get::<String>(&row, 1)?.into();
        let kind: String = get(&row, 2)?;
        let deferrable: bool = get(&row, 3)?;
        let deferred: bool = get(&row, 4)?;
        let validated: bool = get(&row, 5)?;
        let columns = names(get(&row, 6)?);
        let index_oid: i64 = get(&row, 15)?;
        let parent: i64 = get(&row, 16)?;
        if parent != 0 {
            skipped_indexes.insert(index_oid);
            continue;
        }
        let Some(table) = db.tables.get_mut(&table_name) else {
            continue;
        };
        match kind.as_str() {
            "p" | "u" => {
                let key = KeyConstraint {
                    name: name.clone(),
                    columns,
                    include: Vec::new(),
                    nulls_not_distinct: false,
                    deferrable,
                    location: None,
                };
                if kind == "p" {
                    table.primary_key = Some(key);
                    index_roles.insert(index_oid, IndexRole::PrimaryKey);
                } else {
                    table.unique_constraints.push(key);
                    index_roles.insert(index_oid, IndexRole::UniqueConstraint);
                }
                key_owner.insert(index_oid, (table_name.clone(), kind == "p", name));
            }
            "x" => {
                table.exclusions.push(name);
                index_roles.insert(index_oid, IndexRole::Exclusion);
            }
            "c" => table.checks.push(CheckConstraint {
                name,
                expression: get::<Option<String>>(&row, 14)?.unwrap_or_default(),
                validated,
                location: None,
            }),
            "f" => {
                let references = QualifiedName::new(
                    get::<Option<String>>(&row, 7)?.unwrap_or_default(),
                    get::<Option<String>>(&row, 8)?.unwrap_or_default(),
                );
                table.foreign_keys.push(ForeignKey {
                    name,
                    columns,
                    references,
                    referenced_columns: names(get(&row, 9)?),
                    on_update: FkAction::from_code(&get::<String>(&row, 10)?),
                    on_delete: FkAction::from_code(&get::<String>(&row, 11)?),
                    match_type: match get::<String>(&row, 12)?.as_str() {
                        "f" => MatchType::Full,
                        "p" => MatchType::Partial,
                        _ => MatchType::Simple,
                    },
                    delete_set_columns: names(get(&row, 13)?),
                    deferrable,
                    initially_deferred: deferred,
                    validated,
                    location: None,
                });
            }
            _ => {}
        }
    }

    for row in query(client, &queries::indexes(version))? {
        let Some(table_name) = by_oid.get(&get::<i64>(&row, 0)?).cloned() else {
            continue;
        };
        let oid: i64 = get(&row, 1)?;
        if skipped_indexes.contains(&oid) {
            continue;
        }
        let key_count = get::<i32>(&row, 9)? as usize;
        let column_names: Vec<Option<String>> = get(&row, 11)?;
        let definitions: Vec<String> = get(&row, 12)?;
        let options: Vec<i16> = get(&row, 13)?;
        let opclasses: Vec<Option<String>> = get(&row, 14)?;
        let keys: Vec<IndexElement> = (0..key_count.min(column_names.len()))
            .map(|i| IndexElement {
                key: match &column_names[i] {
                    Some(c) => IndexKey::Column(c.as_str().into()),
                    None => IndexKey::Expression(strip_parens(
                        definitions.get(i).map(String::as_str).unwrap_or(""),
                    )),
                },
                descending: options.get(i).is_some_and(|o| o & 1 == 1),
                opclass: opclasses.get(i).cloned().flatten(),
                collation: None,
            })
            .collect();
        let include: Vec<Name> = column_names
            .iter()
            .skip(key_count)
            .flatten()
            .map(|c| Name::from(c.as_str()))
            .collect();
        let valid: bool = get(&row, 6)?;
        let relkind: String = get(&row, 16)?;
        let role = index_roles.get(&oid).copied().unwrap_or(IndexRole::Plain);
        let index = Index {
            name: QualifiedName::new(table_name.schema.clone(), get::<String>(&row, 2)?),
            table: table_name.clone(),
            method: get::<String>(&row, 3)?.into(),
            unique: get(&row, 4)?,
            nulls_not_distinct: get(&row, 10)?,
            keys,
            include: include.clone(),
            predicate: get(&row, 15)?,
            valid,
            only_parent: relkind == "I" && !valid,
            role,
            location: None,
            stats: Some(IndexStats {
                scans: get(&row, 18)?,
                size_bytes: get(&row, 19)?,
                being_built: get(&row, 20)?,
            }),
        };
        if let Some((_, primary, constraint)) = key_owner.get(&oid) {
            if let Some(table) = db.tables.get_mut(&table_name) {
                let key = if *primary {
                    table.primary_key.as_mut()
                } else {
                    table
                        .unique_constraints
                        .iter_mut()
                        .find(|k| k.name == *constraint)
                };
                if let Some(key) = key {
                    key.include = include;
                    key.nulls_not_distinct = index.nulls_not_distinct;
                }
            }
        }
        db.index_owner
            .insert(index.name.clone(), table_name.clone());
        if let Some(table) = db.tables.get_mut(&table_name) {
            table.indexes.push(index);
        }
    }

    for row in query(client, &queries::enums())? {
        let name = QualifiedName::new(get::<String>(&row, 0)?, get::<String>(&row, 1)?);
        let values = names(get(&row, 2)?);
        db.enums.insert(
            name.clone(),
            EnumType {
                name,
                values,
                location: None,
            },
        );
    }
    for row in query(client, &queries::domains())? {
        let name = QualifiedName::new(get::<String>(&row, 0)?, get::<String>(&row, 1)?);
        let full: String = get(&row, 2)?;
        let base: String = get(&row, 3)?;
        let base_type = DataType {
            name: base.trim_matches('"').into(),
            schema: None,
            modifiers: if base == "interval" {
                Vec::new()
            } else {
                modifiers(&full)
            },
            array_dims: u32::from(full.ends_with("[]")),
        };
        db.domains.insert(
            name.clone(),
            Domain {
                name,
                base: base_type,
                not_null: get(&row, 4)?,
                checks: get(&row, 5)?,
                location: None,
            },
        );
    }
    for row in query(client, &queries::views())? {
        let name = QualifiedName::new(get::<String>(&row, 0)?, get::<String>(&row, 1)?);
        db.views.insert(
            name.clone(),
            View {
                name,
                materialized: get(&row, 2)?,
                location: None,
            },
        );
    }
    for row in query(client, &queries::sequences())? {
        let name = QualifiedName::new(get::<String>(&row, 0)?, get::<String>(&row, 1)?);
        let owned_by = match (
            get::<Option<String>>(&row, 4)?,
            get::<Option<String>>(&row, 5)?,
            get::<Option<String>>(&row, 6)?,
        ) {
            (Some(s), Some(t), Some(c)) => Some((QualifiedName::new(s, t), Name::from(c))),
            _ => None,
        };
        let formatted: String = get(&row, 2)?;
        db.sequences.insert(
            name.clone(),
            Sequence {
                name,
                data_type: DataType::simple(&formatted),
                owned_by,
                last_value: get(&row, 7)?,
                location: None,
            },
        );
    }
    for row in query(client, &queries::policies())? {
        let Some(table) = by_oid
            .get(&get::<i64>(&row, 0)?)
            .and_then(|n| db.tables.get_mut(n))
        else {
            continue;
        };
        let command = match get::<String>(&row, 2)?.as_str() {
            "r" => "SELECT",
            "a" => "INSERT",
            "w" => "UPDATE",
            "d" => "DELETE",
            _ => "ALL",
        };
        table.policies.push(Policy {
            name: get(&row, 1)?,
            command: command.to_string(),
            permissive: get(&row, 3)?,
            roles: get(&row, 4)?,
            using: get(&row, 5)?,
            with_check: get(&row, 6)?,
        });
    }
    db.shrink_to_fit();
    Ok(db)
}

/// `pg_get_indexdef` wraps some expressions in parentheses; replay stores them bare.
fn strip_parens(s: &str) -> String {
    let t = s.trim();
    if t.starts_with('(') && t.ends_with(')') {
        let inner = &t[1..t.len() - 1];
        let mut depth = 0i32;
        let balanced = inner.chars().all(|c| {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            depth >= 0
        });
        if balanced && depth == 0 {
            return inner.to_string();
        }
    }
    t.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modifiers_from_format_type() {
        assert_eq!(modifiers("character varying(255)"), vec![255]);
        assert_eq!(modifiers("numeric(10,2)"), vec![10, 2]);
        assert_eq!(modifiers("timestamp(3) without time zone"), vec![3]);
        assert!(modifiers("text").is_empty());
    }

    #[test]
    fn types_are_named_like_replay_names_them() {
        let t = data_type(
            "character varying(20)[]",
            "character varying",
            "varchar",
            "pg_catalog",
            "b",
            true,
        );
        assert_eq!(t.to_string(), "character varying(20)[]");
        let t = data_type("\"Status\"", "\"Status\"", "Status", "public", "e", false);
        assert_eq!(t.to_string(), "public.Status");
    }
}
