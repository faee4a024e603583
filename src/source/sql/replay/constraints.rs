//! Adding and dropping table constraints (PRIMARY KEY, UNIQUE, CHECK, FOREIGN KEY).

use super::super::statement::{ConstraintSpec, KeySpec};
use super::{ApplyError, Replayer};
use crate::model::{
    CheckConstraint, ForeignKey, Index, IndexElement, IndexKey, IndexRole, KeyConstraint, Location,
    Name, QualifiedName,
};

impl Replayer {
    pub(super) fn add_constraint(
        &mut self,
        table_name: &QualifiedName,
        spec: &ConstraintSpec,
        location: &Location,
        notes: &mut Vec<String>,
    ) -> Result<(), ApplyError> {
        match spec {
            ConstraintSpec::PrimaryKey(key) => self.add_key(table_name, key, true, location),
            ConstraintSpec::Unique(key) => self.add_key(table_name, key, false, location),
            ConstraintSpec::Check {
                name,
                expression,
                not_valid,
            } => {
                // PostgreSQL names an unnamed CHECK `tab_col_check` when it uses exactly
                // one column, `tab_check` otherwise (then `tab_col_check1`, …).
                let name = match name {
                    Some(n) => n.clone(),
                    None => {
                        // The columns the expression names outside its literals (`'a%'`
                        // names no column `a`). A word search, not a parse: a CHECK may
                        // nest thousands of levels deep.
                        let code = without_literals(expression);
                        let used: Vec<Name> = self
                            .table_mut(table_name)?
                            .columns
                            .iter()
                            .map(|c| c.name.clone())
                            .filter(|c| crate::source::sql::parse::mentions_column(&code, c))
                            .collect();
                        let label: Vec<&str> = if used.len() == 1 {
                            vec![used[0].as_str()]
                        } else {
                            Vec::new()
                        };
                        self.free_constraint_name(
                            &table_name.schema,
                            &table_name.name,
                            &label,
                            "check",
                        )
                    }
                };
                let expression = self.qualify(expression);
                let table = self.table_mut(table_name)?;
                table.checks.push(CheckConstraint {
                    name,
                    expression,
                    validated: !not_valid,
                    location: Some(location.clone()),
                });
                Ok(())
            }
            ConstraintSpec::ForeignKey(fk) => {
                let references = match self.resolve_table(&fk.references) {
                    Some(q) => q,
                    None => {
                        notes.push(format!(
                            "foreign key references {} which is not in the input",
                            fk.references
                        ));
                        // Outside the input: name it where it would be created.
                        self.new_name(&fk.references).unwrap_or_else(|_| {
                            QualifiedName::new("public", fk.references.name.clone())
                        })
                    }
                };
                let mut referenced_columns = fk.referenced_columns.clone();
                if referenced_columns.is_empty() {
                    referenced_columns = self
                        .db
                        .tables
                        .get(&references)
                        .and_then(|t| t.primary_key.as_ref())
                        .map(|pk| pk.columns.clone())
                        .unwrap_or_default();
                }
                let columns: Vec<&str> = fk.columns.iter().map(|c| c.as_str()).collect();
                let name = match &fk.name {
                    Some(n) => n.clone(),
                    None => self.free_constraint_name(
                        &table_name.schema,
                        &table_name.name,
                        &columns,
                        "fkey",
                    ),
                };
                let table = self.table_mut(table_name)?;
                table.foreign_keys.push(ForeignKey {
                    name,
                    columns: fk.columns.clone(),
                    references,
                    referenced_columns,
                    on_delete: fk.on_delete,
                    on_update: fk.on_update,
                    delete_set_columns: fk.delete_set_columns.clone(),
                    match_type: fk.match_type,
                    deferrable: fk.deferrable,
                    initially_deferred: fk.initially_deferred,
                    validated: !fk.not_valid,
                    location: Some(location.clone()),
                });
                Ok(())
            }
            ConstraintSpec::Exclusion {
                name,
                method,
                keys,
                include,
                predicate,
            } => {
                let names = super::tables::key_names(keys);
                let columns: Vec<&str> = names.iter().map(String::as_str).collect();
                let name = match name {
                    Some(n) => n.clone(),
                    None => self.free_relation_name(
                        &table_name.schema,
                        &table_name.name,
                        &columns,
                        "excl",
                    ),
                };
                let index_name = QualifiedName::new(table_name.schema.clone(), name.clone());
                let table = self.table_mut(table_name)?;
                table.exclusions.push(name);
                // The index that enforces it ("An exclusion constraint is implemented
                // using an index", CREATE TABLE), named as the constraint.
                table.indexes.push(Index {
                    name: index_name.clone(),
                    table: table_name.clone(),
                    method: method.clone(),
                    unique: false,
                    nulls_not_distinct: false,
                    keys: keys.clone(),
                    include: include.clone(),
                    predicate: predicate.clone(),
                    valid: true,
                    only_parent: false,
                    role: IndexRole::Exclusion,
                    location: Some(location.clone()),
                    stats: None,
                });
                self.db.index_owner.insert(index_name, table_name.clone());
                Ok(())
            }
            ConstraintSpec::NotNull { column } => {
                let table = self.table_mut(table_name)?;
                match table.column_mut(column) {
                    Some(c) => {
                        c.not_null = true;
                        Ok(())
                    }
                    None => Err(format!("column {column} of {table_name} does not exist")),
                }
            }
        }
    }

    fn add_key(
        &mut self,
        table_name: &QualifiedName,
        key: &KeySpec,
        primary: bool,
        location: &Location,
    ) -> Result<(), ApplyError> {
        let table = self.table_mut(table_name)?;
        let mut columns = key.columns.clone();
        // `USING INDEX idx`: the constraint takes over an existing unique index.
        let mut existing_index = None;
        if let Some(index_name) = &key.using_index {
            let pos = table
                .indexes
                .iter()
                .position(|i| i.name.name == *index_name)
                .ok_or_else(|| format!("index {index_name} does not exist"))?;
            let index = table.indexes.remove(pos);
            columns = index
                .plain_key_columns()
                .unwrap_or_default()
                .into_iter()
                .map(Name::from)
                .collect();
            existing_index = Some(index);
        }
        let cols: Vec<&str> = columns.iter().map(|c| c.as_str()).collect();
        let name = match (&key.name, &key.using_index) {
            (Some(n), _) => n.clone(),
            // `ADD PRIMARY KEY USING INDEX idx`: the constraint takes the index's name.
            (None, Some(index)) => index.clone(),
            (None, None) if primary => {
                self.free_relation_name(&table_name.schema, &table_name.name, &[], "pkey")
            }
            (None, None) => {
                self.free_relation_name(&table_name.schema, &table_name.name, &cols, "key")
            }
        };
        let table = self.table_mut(table_name)?;
        if primary && table.primary_key.is_some() {
            return Err(format!(
                "multiple primary keys for table {table_name} are not allowed"
            ));
        }
        let constraint = KeyConstraint {
            name: name.clone(),
            columns: columns.clone(),
            include: key.include.clone(),
            nulls_not_distinct: key.nulls_not_distinct,
            deferrable: key.deferrable,
            location: Some(location.clone()),
        };
        if primary {
            for column in &columns {
                if let Some(c) = table.column_mut(column) {
                    c.not_null = true;
                }
            }
            table.primary_key = Some(constraint);
        } else {
            table.unique_constraints.push(constraint);
        }
        let old_index_name = existing_index.as_ref().map(|i| i.name.clone());
        let index_name = QualifiedName::new(table_name.schema.clone(), name);
        let role = if primary {
            IndexRole::PrimaryKey
        } else {
            IndexRole::UniqueConstraint
        };
        let index = match existing_index {
            Some(mut index) => {
                index.name = index_name.clone();
                index.role = role;
                index
            }
            None => Index {
                name: index_name.clone(),
                table: table_name.clone(),
                method: "btree".into(),
                unique: true,
                nulls_not_distinct: key.nulls_not_distinct,
                keys: columns
                    .iter()
                    .map(|c| IndexElement {
                        key: IndexKey::Column(c.clone()),
                        descending: false,
                        nulls_first: false,
                        opclass: None,
                        collation: None,
                    })
                    .collect(),
                include: key.include.clone(),
                predicate: None,
                valid: true,
                only_parent: false,
                role,
                location: Some(location.clone()),
                stats: None,
            },
        };
        table.indexes.push(index);
        if let Some(old) = old_index_name {
            self.db.index_owner.remove(&old);
        }
        self.db.index_owner.insert(index_name, table_name.clone());
        // A primary key's NOT NULL reaches every partition's columns (the key's index
        // and constraint on each partition are its clones, which the model keeps at
        // the parent).
        let partitioned = self
            .db
            .tables
            .get(table_name)
            .is_some_and(|t| t.kind == crate::model::TableKind::Partitioned);
        if primary && partitioned {
            let mut queue = self.partitions_of(table_name);
            while let Some(partition) = queue.pop() {
                queue.extend(self.partitions_of(&partition));
                if let Some(t) = self.db.tables.get_mut(&partition) {
                    for column in &columns {
                        if let Some(c) = t.column_mut(column) {
                            c.not_null = true;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Remove a constraint by name (and the index behind a key); false if none matched.
    pub(super) fn drop_constraint(&mut self, table_name: &QualifiedName, constraint: &str) -> bool {
        let Some(table) = self.db.tables.get_mut(table_name) else {
            return false;
        };
        let mut found = false;
        if table
            .primary_key
            .as_ref()
            .is_some_and(|pk| pk.name == constraint)
        {
            table.primary_key = None;
            found = true;
        }
        let before = table.unique_constraints.len()
            + table.checks.len()
            + table.foreign_keys.len()
            + table.exclusions.len();
        table.unique_constraints.retain(|u| u.name != constraint);
        table.checks.retain(|c| c.name != constraint);
        table.foreign_keys.retain(|f| f.name != constraint);
        table.exclusions.retain(|e| e != constraint);
        let after = table.unique_constraints.len()
            + table.checks.len()
            + table.foreign_keys.len()
            + table.exclusions.len();
        found |= after < before;
        let before_idx = table.indexes.len();
        table
            .indexes
            .retain(|i| !(i.is_constraint() && i.name.name == constraint));
        if table.indexes.len() < before_idx {
            self.db
                .index_owner
                .remove(&QualifiedName::new(table_name.schema.clone(), constraint));
        }
        found
    }
}

/// SQL text with the contents of its `'…'` literals left out (`''` inside one is a
/// quote), so a word search finds only names.
fn without_literals(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut in_literal = false;
    let mut chars = sql.chars().peekable();
    while let Some(ch) = chars.next() {
        match (in_literal, ch) {
            (false, '\'') => in_literal = true,
            (true, '\'') if chars.peek() == Some(&'\'') => {
                chars.next();
            }
            (true, '\'') => {
                in_literal = false;
                out.push_str("''");
            }
            (false, c) => out.push(c),
            (true, _) => {}
        }
    }
    out
}
