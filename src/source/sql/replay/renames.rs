//! RENAME and SET SCHEMA: every reference to the renamed object moves with it.

use super::super::statement::{ObjectKind, ObjectName};
use super::{ApplyError, Replayer};
use crate::model::{IndexKey, Name, QualifiedName};
use crate::source::sql::parse::{rename_in_query, QueryRename};

impl Replayer {
    pub(super) fn rename(
        &mut self,
        kind: ObjectKind,
        object: &ObjectName,
        new_name: &str,
    ) -> Result<(), ApplyError> {
        match kind {
            ObjectKind::Table | ObjectKind::ForeignTable => {
                let old = self
                    .resolve_table(object)
                    .ok_or_else(|| format!("table {object} does not exist"))?;
                let new = QualifiedName::new(old.schema.clone(), new_name);
                self.rename_in_views(QueryRename::Relation {
                    schema: &old.schema,
                    old: &old.name,
                    new: new_name,
                });
                self.move_table(&old, new)
            }
            ObjectKind::Index => {
                let old = self
                    .resolve_index(object)
                    .ok_or_else(|| format!("index {object} does not exist"))?;
                let new = QualifiedName::new(old.schema.clone(), new_name);
                let table = self
                    .db
                    .index_owner
                    .remove(&old)
                    .ok_or("index owner missing")?;
                self.db.index_owner.insert(new.clone(), table.clone());
                let t = self.table_mut(&table)?;
                let old_name = old.name.clone();
                if let Some(index) = t.indexes.iter_mut().find(|i| i.name == old) {
                    index.name = new;
                }
                // Renaming a constraint's index renames the constraint too.
                for key in t
                    .primary_key
                    .iter_mut()
                    .chain(t.unique_constraints.iter_mut())
                {
                    if key.name == old_name {
                        key.name = Name::from(new_name);
                    }
                }
                Ok(())
            }
            ObjectKind::View | ObjectKind::MaterializedView => {
                // ALTER TABLE ... RENAME is also valid on views.
                let old = self
                    .resolve_in(&self.db.views, object)
                    .ok_or_else(|| format!("view {object} does not exist"))?;
                self.rename_in_views(QueryRename::Relation {
                    schema: &old.schema,
                    old: &old.name,
                    new: new_name,
                });
                let mut view = self.db.views.remove(&old).ok_or("view vanished")?;
                view.name = QualifiedName::new(old.schema.clone(), new_name);
                self.db.views.insert(view.name.clone(), view);
                Ok(())
            }
            ObjectKind::Sequence => {
                let old = self
                    .resolve_in(&self.db.sequences, object)
                    .ok_or_else(|| format!("sequence {object} does not exist"))?;
                let mut seq = self.db.sequences.remove(&old).ok_or("sequence vanished")?;
                seq.name = QualifiedName::new(old.schema.clone(), new_name);
                let new = seq.name.clone();
                self.db.sequences.insert(seq.name.clone(), seq);
                self.follow_sequence(&old, &new);
                Ok(())
            }
            ObjectKind::Type | ObjectKind::Domain => {
                let new_q;
                if let Some(old) = self.resolve_in(&self.db.enums, object) {
                    let mut e = self.db.enums.remove(&old).ok_or("enum vanished")?;
                    new_q = QualifiedName::new(old.schema.clone(), new_name);
                    e.name = new_q.clone();
                    self.db.enums.insert(new_q.clone(), e);
                    self.retype_columns(&old, &new_q);
                } else if let Some(old) = self.resolve_in(&self.db.domains, object) {
                    let mut d = self.db.domains.remove(&old).ok_or("domain vanished")?;
                    new_q = QualifiedName::new(old.schema.clone(), new_name);
                    d.name = new_q.clone();
                    self.db.domains.insert(new_q.clone(), d);
                    self.retype_columns(&old, &new_q);
                }
                Ok(())
            }
            ObjectKind::Schema => {
                let old = object.name.clone();
                if !self.db.schemas.remove(&old) {
                    return Err(format!("schema {old} does not exist"));
                }
                self.db.schemas.insert(Name::from(new_name));
                let tables: Vec<QualifiedName> = self
                    .db
                    .tables
                    .keys()
                    .filter(|q| q.schema == old)
                    .cloned()
                    .collect();
                for t in tables {
                    let new = QualifiedName::new(new_name, t.name.clone());
                    self.move_table(&t, new)?;
                }
                Ok(())
            }
            ObjectKind::Other => Ok(()),
        }
    }

    /// Columns typed by a renamed enum or domain show the new name.
    fn retype_columns(&mut self, old: &QualifiedName, new: &QualifiedName) {
        for t in self.db.tables.values_mut() {
            for c in &mut t.columns {
                if c.data_type.name == old.name
                    && c.data_type
                        .schema
                        .as_deref()
                        .is_none_or(|s| s == old.schema)
                {
                    c.data_type.name = new.name.clone();
                    c.data_type.schema = Some(new.schema.clone());
                }
            }
        }
    }

    /// Re-key a table and every reference to it (foreign keys, partitions, indexes).
    fn move_table(&mut self, old: &QualifiedName, new: QualifiedName) -> Result<(), ApplyError> {
        if self.db.tables.contains_key(&new) {
            return Err(format!("table {new} already exists"));
        }
        let mut table = self
            .db
            .tables
            .remove(old)
            .ok_or_else(|| format!("table {old} does not exist"))?;
        table.name = new.clone();
        for index in &mut table.indexes {
            index.table = new.clone();
            if old.schema != new.schema {
                self.db.index_owner.remove(&index.name);
                index.name.schema = new.schema.clone();
            }
            self.db.index_owner.insert(index.name.clone(), new.clone());
        }
        self.db.tables.insert(new.clone(), table);
        for t in self.db.tables.values_mut() {
            for fk in &mut t.foreign_keys {
                if &fk.references == old {
                    fk.references = new.clone();
                }
            }
            if t.partition_of.as_ref() == Some(old) {
                t.partition_of = Some(new.clone());
            }
            for p in &mut t.inherits {
                if p == old {
                    *p = new.clone();
                }
            }
        }
        for s in self.db.sequences.values_mut() {
            if let Some((t, _)) = &mut s.owned_by {
                if t == old {
                    *t = new.clone();
                }
            }
        }
        // SET SCHEMA takes the sequences the table owns along (`AlterTableNamespace`).
        if old.schema != new.schema {
            let owned: Vec<QualifiedName> = self
                .db
                .sequences
                .values()
                .filter(|s| s.owned_by.as_ref().is_some_and(|(t, _)| *t == new))
                .map(|s| s.name.clone())
                .collect();
            for q in owned {
                if let Some(mut seq) = self.db.sequences.remove(&q) {
                    seq.name = QualifiedName::new(new.schema.clone(), q.name.clone());
                    let moved = seq.name.clone();
                    self.db.sequences.insert(moved.clone(), seq);
                    self.follow_sequence(&q, &moved);
                }
            }
        }
        // The table and its partitions' parent changed names.
        self.db.forget_partitions();
        Ok(())
    }

    pub(super) fn rename_column(
        &mut self,
        table: &ObjectName,
        column: &str,
        new_name: &str,
    ) -> Result<(), ApplyError> {
        let Some(name) = self.resolve_table(table) else {
            // ALTER TABLE ... RENAME COLUMN also works on views.
            let Some(view) = self.resolve_in(&self.db.views, table) else {
                return Err(format!("table {table} does not exist"));
            };
            self.rename_in_views(QueryRename::Column {
                schema: &view.schema,
                relation: &view.name,
                old: column,
                new: new_name,
            });
            let view = self.db.views.get_mut(&view).ok_or("view vanished")?;
            let Some(c) = view.columns.iter_mut().find(|c| *c == column) else {
                return Err(format!("column {column} of {table} does not exist"));
            };
            *c = Name::from(new_name);
            return Ok(());
        };
        let rename = |cols: &mut Vec<Name>| {
            for c in cols.iter_mut() {
                if c == column {
                    *c = Name::from(new_name);
                }
            }
        };
        if self.table(&name)?.column(column).is_some() {
            self.rename_in_views(QueryRename::Column {
                schema: &name.schema,
                relation: &name.name,
                old: column,
                new: new_name,
            });
        }
        let t = self.table_mut(&name)?;
        if !rename_in_table(t, column, new_name) {
            return Err(format!("column {column} of {name} does not exist"));
        }
        // Foreign keys elsewhere that reference the renamed column.
        for other in self.db.tables.values_mut() {
            for fk in other
                .foreign_keys
                .iter_mut()
                .filter(|fk| fk.references == name)
            {
                rename(&mut fk.referenced_columns);
            }
        }
        // Partitions, at every depth, have the column too (with the indexes and
        // keys cloned from the parent).
        let mut queue = self.partitions_of(&name);
        while let Some(child) = queue.pop() {
            queue.extend(self.partitions_of(&child));
            if let Some(t) = self.db.tables.get_mut(&child) {
                rename_in_table(t, column, new_name);
            }
        }
        Ok(())
    }

    /// The queries of the views that read a renamed relation or column, as the
    /// catalog prints them afterwards (see `rename_in_query`). Called before the
    /// model's own rename: a column is found by its old name.
    fn rename_in_views(&mut self, what: QueryRename<'_>) {
        let db = &self.db;
        let relations = |schema: Option<&str>, relation: &str| {
            db.relation_columns(&QualifiedName::new(schema.unwrap_or("public"), relation))
        };
        let renamed: Vec<(QualifiedName, Option<String>)> = db
            .views
            .values()
            .filter_map(|v| {
                let query = v.query.as_deref()?;
                let old = match what {
                    QueryRename::Column { old, .. } | QueryRename::Relation { old, .. } => old,
                };
                if !query.contains(old) {
                    return None;
                }
                // Decoding pg_query's tree recurses as deep as the query nests.
                let after = crate::source::sql::parser_thread::on_parser_stack(|| {
                    rename_in_query(query, &relations, what)
                });
                (after.as_deref() != Some(query)).then(|| (v.name.clone(), after))
            })
            .collect();
        for (name, query) in renamed {
            if let Some(v) = self.db.views.get_mut(&name) {
                v.query = query;
            }
        }
    }

    pub(super) fn rename_constraint(
        &mut self,
        table: &ObjectName,
        constraint: &str,
        new_name: &str,
    ) -> Result<(), ApplyError> {
        let name = self
            .resolve_table(table)
            .ok_or_else(|| format!("table {table} does not exist"))?;
        let t = self.table_mut(&name)?;
        let mut found = false;
        let mut renamed_key = false;
        for key in t
            .primary_key
            .iter_mut()
            .chain(t.unique_constraints.iter_mut())
        {
            if key.name == constraint {
                key.name = Name::from(new_name);
                found = true;
                renamed_key = true;
            }
        }
        for fk in t.foreign_keys.iter_mut().filter(|f| f.name == constraint) {
            fk.name = Name::from(new_name);
            found = true;
        }
        for c in t.checks.iter_mut().filter(|c| c.name == constraint) {
            c.name = Name::from(new_name);
            found = true;
        }
        if !found {
            return Err(format!("constraint {constraint} of {name} does not exist"));
        }
        if renamed_key {
            let old = QualifiedName::new(name.schema.clone(), constraint);
            let new = QualifiedName::new(name.schema.clone(), new_name);
            if let Some(index) = t.indexes.iter_mut().find(|i| i.name == old) {
                index.name = new.clone();
            }
            self.db.index_owner.remove(&old);
            self.db.index_owner.insert(new, name);
        }
        Ok(())
    }

    pub(super) fn set_schema(
        &mut self,
        kind: ObjectKind,
        object: &ObjectName,
        new_schema: &str,
    ) -> Result<(), ApplyError> {
        self.db.schemas.insert(Name::from(new_schema));
        match kind {
            ObjectKind::Table | ObjectKind::ForeignTable => {
                let old = self
                    .resolve_table(object)
                    .ok_or_else(|| format!("table {object} does not exist"))?;
                let new = QualifiedName::new(new_schema, old.name.clone());
                self.move_table(&old, new)
            }
            ObjectKind::Type | ObjectKind::Domain => {
                if let Some(old) = self.resolve_in(&self.db.enums, object) {
                    let mut e = self.db.enums.remove(&old).ok_or("enum vanished")?;
                    let new = QualifiedName::new(new_schema, old.name.clone());
                    e.name = new.clone();
                    self.db.enums.insert(new.clone(), e);
                    self.retype_columns(&old, &new);
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

/// Rename `column` of `t` to `new_name` wherever `t` names it: the column, its keys,
/// foreign keys, partition key and indexes, and (as PostgreSQL's stored expressions
/// hold the column's number, not its name) index expressions and predicates, CHECKs,
/// defaults and generated columns. `false` when `t` has no such column.
fn rename_in_table(t: &mut crate::model::Table, column: &str, new_name: &str) -> bool {
    let rename = |cols: &mut Vec<Name>| {
        for c in cols.iter_mut() {
            if c == column {
                *c = Name::from(new_name);
            }
        }
    };
    let Some(col) = t.column_mut(column) else {
        return false;
    };
    col.name = Name::from(new_name);
    for key in t
        .primary_key
        .iter_mut()
        .chain(t.unique_constraints.iter_mut())
    {
        rename(&mut key.columns);
        rename(&mut key.include);
    }
    for fk in &mut t.foreign_keys {
        rename(&mut fk.columns);
        rename(&mut fk.delete_set_columns);
    }
    for c in t
        .partition_key
        .iter_mut()
        .flat_map(|k| k.columns.iter_mut())
    {
        if c.as_deref() == Some(column) {
            *c = Some(Name::from(new_name));
        }
    }
    // Stored expressions hold the column's number, so they follow the rename:
    // index expressions and predicates, CHECKs, defaults and generated columns
    // of this table.
    let follow = |text: &mut String| {
        if let Some(renamed) =
            crate::source::sql::parse::rename_column_in_expression(text, column, new_name)
        {
            *text = renamed;
        }
    };
    for index in &mut t.indexes {
        for k in &mut index.keys {
            match &mut k.key {
                IndexKey::Column(c) if c == column => *c = Name::from(new_name),
                IndexKey::Expression(e) => follow(e),
                _ => {}
            }
        }
        rename(&mut index.include);
        if let Some(p) = index.predicate.as_mut() {
            follow(p);
        }
    }
    for check in &mut t.checks {
        follow(&mut check.expression);
    }
    for c in &mut t.columns {
        if let Some(d) = c.default.as_mut() {
            follow(d);
        }
        if let Some(g) = c.generated.as_mut() {
            follow(g);
        }
    }
    true
}
