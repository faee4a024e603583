//! DROP of any object; enums, domains, sequences and comments.

use super::super::statement::{CommentTarget, ObjectKind, ObjectName, TypeRef};
use super::{ApplyError, Replayer};
use crate::model::{Domain, EnumType, Location, Name, QualifiedName, Sequence};

impl Replayer {
    pub(super) fn drop_object(
        &mut self,
        kind: ObjectKind,
        object: &ObjectName,
        missing_ok: bool,
        cascade: bool,
    ) -> Result<(), ApplyError> {
        let missing = |what: &str| {
            if missing_ok {
                Ok(())
            } else {
                Err(format!("{what} {object} does not exist"))
            }
        };
        match kind {
            ObjectKind::Table | ObjectKind::ForeignTable => {
                let Some(name) = self.resolve_table(object) else {
                    return missing("table");
                };
                self.drop_table(&name);
            }
            ObjectKind::View | ObjectKind::MaterializedView => {
                let Some(name) = self.resolve_in(&self.db.views, object) else {
                    return missing("view");
                };
                self.db.views.remove(&name);
            }
            ObjectKind::Index => {
                let Some(name) = self.resolve_index(object) else {
                    // A materialized view's unique index (the model keeps their names).
                    let view = self.db.views.values_mut().find(|v| {
                        object.schema.as_ref().is_none_or(|s| *s == v.name.schema)
                            && v.unique_indexes.contains(&object.name)
                    });
                    if let Some(v) = view {
                        v.unique_indexes.retain(|i| *i != object.name);
                        return Ok(());
                    }
                    return missing("index");
                };
                if let Some(table) = self.db.index_owner.remove(&name) {
                    if let Some(t) = self.db.tables.get_mut(&table) {
                        t.indexes.retain(|i| i.name != name);
                    }
                }
            }
            ObjectKind::Sequence => {
                let Some(name) = self.resolve_in(&self.db.sequences, object) else {
                    return missing("sequence");
                };
                if cascade {
                    let removed = crate::source::sql::dependents::of_sequence(&self.db, &name);
                    self.apply_removed(&removed);
                }
                self.db.sequences.remove(&name);
            }
            ObjectKind::Type | ObjectKind::Domain => {
                let found = match self.resolve_in(&self.db.enums, object) {
                    Some(name) => Some((name, true)),
                    None => self
                        .resolve_in(&self.db.domains, object)
                        .map(|n| (n, false)),
                };
                let Some((name, is_enum)) = found else {
                    if kind == ObjectKind::Domain {
                        return missing("domain");
                    }
                    // Composite and range types are not modelled: dropping one is a
                    // no-op.
                    return Ok(());
                };
                if cascade {
                    let removed = crate::source::sql::dependents::of_type(&self.db, &name);
                    self.apply_removed(&removed);
                }
                if is_enum {
                    self.db.enums.remove(&name);
                } else {
                    self.db.domains.remove(&name);
                }
            }
            ObjectKind::Schema => {
                if !self.db.schemas.contains(&object.name) {
                    return missing("schema");
                }
                let in_schema = |q: &QualifiedName| q.schema == object.name;
                let has_objects =
                    self.db.tables.keys().any(in_schema) || self.db.enums.keys().any(in_schema);
                if has_objects && !cascade {
                    return Err(format!(
                        "cannot drop schema {object} because other objects depend on it"
                    ));
                }
                let removed = crate::source::sql::dependents::of_schema(&self.db, &object.name);
                self.apply_removed(&removed);
                for t in &removed.tables {
                    self.drop_table(t);
                }
                self.db.enums.retain(|q, _| !in_schema(q));
                self.db.domains.retain(|q, _| !in_schema(q));
                self.db.views.retain(|q, _| !in_schema(q));
                self.db.sequences.retain(|q, _| !in_schema(q));
                self.db.schemas.remove(&object.name);
            }
            ObjectKind::Other => {}
        }
        Ok(())
    }

    /// Remove the columns and defaults of other tables a CASCADE takes with it
    /// ([`crate::source::sql::dependents`]); tables are dropped by the caller.
    fn apply_removed(&mut self, removed: &crate::source::sql::dependents::Removed) {
        for (table, column) in &removed.columns {
            if let Some(t) = self.db.tables.get(table) {
                let also = crate::source::sql::dependents::of_column(&self.db, t, column);
                self.apply_column_removed(table, &also);
            }
            if let Some(t) = self.db.tables.get_mut(table) {
                t.columns.retain(|c| c.name != *column);
            }
        }
        for (table, column) in &removed.defaults {
            if let Some(c) = self
                .db
                .tables
                .get_mut(table)
                .and_then(|t| t.column_mut(column))
            {
                c.default = None;
                c.serial = false;
            }
        }
    }

    /// Drop a table with its indexes, its partitions, the foreign keys that point at it
    /// and the sequences it owns.
    pub(super) fn drop_table(&mut self, name: &QualifiedName) {
        // Partitions first, to any depth, without recursion.
        let mut doomed = vec![name.clone()];
        let mut i = 0;
        while i < doomed.len() {
            for partition in self.partitions_of(&doomed[i]) {
                if !doomed.contains(&partition) {
                    doomed.push(partition);
                }
            }
            i += 1;
        }
        for name in doomed.iter().rev() {
            if let Some(table) = self.db.tables.remove(name) {
                for index in &table.indexes {
                    self.db.index_owner.remove(&index.name);
                }
            }
            for other in self.db.tables.values_mut() {
                other.foreign_keys.retain(|fk| &fk.references != name);
            }
            self.db
                .sequences
                .retain(|_, s| s.owned_by.as_ref().is_none_or(|(t, _)| t != name));
        }
    }

    pub(super) fn create_enum(
        &mut self,
        name: &ObjectName,
        values: &[Name],
        location: &Location,
    ) -> Result<(), ApplyError> {
        let name = self.new_name(name)?;
        if self.db.enums.contains_key(&name) {
            return Err(format!("type {name} already exists"));
        }
        self.db.schemas.insert(name.schema.clone());
        self.db.enums.insert(
            name.clone(),
            EnumType {
                name,
                values: values.to_vec(),
                location: Some(location.clone()),
            },
        );
        Ok(())
    }

    pub(super) fn alter_enum_add(
        &mut self,
        name: &ObjectName,
        value: &str,
        before: Option<&str>,
        after: Option<&str>,
    ) -> Result<(), ApplyError> {
        let q = self
            .resolve_in(&self.db.enums, name)
            .ok_or_else(|| format!("type {name} does not exist"))?;
        let e = self.db.enums.get_mut(&q).ok_or("enum vanished")?;
        if e.values.iter().any(|v| v == value) {
            return Ok(());
        }
        let pos = match (before, after) {
            (Some(b), _) => e.values.iter().position(|v| v == b),
            (_, Some(a)) => e.values.iter().position(|v| v == a).map(|p| p + 1),
            _ => None,
        };
        match pos {
            Some(p) => e.values.insert(p, Name::from(value)),
            None => e.values.push(Name::from(value)),
        }
        Ok(())
    }

    pub(super) fn alter_enum_rename(
        &mut self,
        name: &ObjectName,
        old: &str,
        new: &str,
    ) -> Result<(), ApplyError> {
        let q = self
            .resolve_in(&self.db.enums, name)
            .ok_or_else(|| format!("type {name} does not exist"))?;
        let e = self.db.enums.get_mut(&q).ok_or("enum vanished")?;
        let v = e
            .values
            .iter_mut()
            .find(|v| *v == old)
            .ok_or_else(|| format!("{old} is not a value of {name}"))?;
        *v = Name::from(new);
        // A default of this type stores the label's OID, so it shows the new label.
        let (from, to) = (
            format!("'{}'", old.replace('\'', "''")),
            format!("'{}'", new.replace('\'', "''")),
        );
        for t in self.db.tables.values_mut() {
            for c in &mut t.columns {
                let of_type = c.data_type.name == q.name
                    && c.data_type.schema.as_deref().is_none_or(|s| s == q.schema);
                if let Some(d) = c
                    .default
                    .as_mut()
                    .filter(|d| of_type && d.starts_with(&from))
                {
                    *d = format!("{to}{}", &d[from.len()..]);
                }
            }
        }
        Ok(())
    }

    pub(super) fn create_domain(
        &mut self,
        name: &ObjectName,
        base: &TypeRef,
        not_null: bool,
        default: Option<&Option<String>>,
        checks: &[String],
        location: &Location,
    ) -> Result<(), ApplyError> {
        let name = self.new_name(name)?;
        let base = self.resolve_type(base);
        // Without a DEFAULT clause a domain over a domain copies its default
        // (`DefineDomain`; `pg_type.typdefaultbin` shows it).
        let default = match default {
            Some(value) => value.as_deref().map(|e| self.qualify(e)),
            None if base.array_dims == 0 => {
                self.db.domain_for(&base).and_then(|d| d.default.clone())
            }
            None => None,
        };
        self.db.domains.insert(
            name.clone(),
            Domain {
                name,
                base,
                not_null,
                default,
                checks: checks.iter().map(|c| self.qualify(c)).collect(),
                location: Some(location.clone()),
            },
        );
        Ok(())
    }

    pub(super) fn create_sequence(
        &mut self,
        name: &ObjectName,
        data_type: Option<&TypeRef>,
        owned_by: Option<&(ObjectName, Name)>,
        options: &crate::model::SequenceOptions,
        location: &Location,
    ) -> Result<(), ApplyError> {
        let name = self.new_name(name)?;
        let owned_by = match owned_by {
            Some((table, column)) => Some((
                self.resolve_table(table)
                    .ok_or_else(|| format!("table {table} does not exist"))?,
                column.clone(),
            )),
            None => None,
        };
        let data_type = data_type
            .map(|t| t.data_type.clone())
            .unwrap_or_else(|| crate::model::DataType::simple("bigint"));
        self.db.sequences.insert(
            name.clone(),
            Sequence {
                name,
                params: crate::model::SequenceParams::new(&data_type, options),
                data_type,
                owned_by,
                last_value: None,
                location: Some(location.clone()),
            },
        );
        Ok(())
    }

    pub(super) fn sequence_owned_by(
        &mut self,
        name: &ObjectName,
        owned_by: Option<&(ObjectName, Name)>,
    ) -> Result<(), ApplyError> {
        let q = self
            .resolve_in(&self.db.sequences, name)
            .ok_or_else(|| format!("sequence {name} does not exist"))?;
        let owner = match owned_by {
            Some((table, column)) => Some((
                self.resolve_table(table)
                    .ok_or_else(|| format!("table {table} does not exist"))?,
                column.clone(),
            )),
            None => None,
        };
        if let Some(s) = self.db.sequences.get_mut(&q) {
            s.owned_by = owner;
        }
        Ok(())
    }

    /// `ALTER SEQUENCE … [AS type] [parameters]`.
    pub(super) fn alter_sequence(
        &mut self,
        name: &ObjectName,
        data_type: Option<&TypeRef>,
        options: &crate::model::SequenceOptions,
    ) -> Result<(), ApplyError> {
        let q = self
            .resolve_in(&self.db.sequences, name)
            .ok_or_else(|| format!("sequence {name} does not exist"))?;
        if let Some(s) = self.db.sequences.get_mut(&q) {
            let old = s.data_type.clone();
            if let Some(t) = data_type {
                s.data_type = t.data_type.clone();
            }
            let new = s.data_type.clone();
            s.params.alter(&new, options, &old);
        }
        Ok(())
    }

    pub(super) fn comment(
        &mut self,
        target: &CommentTarget,
        text: Option<String>,
    ) -> Result<(), ApplyError> {
        match target {
            CommentTarget::Table(name) => {
                let q = self
                    .resolve_table(name)
                    .ok_or_else(|| format!("table {name} does not exist"))?;
                self.table_mut(&q)?.comment = text;
            }
            CommentTarget::Column(table, column) => {
                // Comments on view columns are legal; only tables are modelled.
                let Some(q) = self.resolve_table(table) else {
                    return if self.resolve_in(&self.db.views, table).is_some() {
                        Ok(())
                    } else {
                        Err(format!("table {table} does not exist"))
                    };
                };
                let t = self.table_mut(&q)?;
                let c = t
                    .column_mut(column)
                    .ok_or_else(|| format!("column {column} of {q} does not exist"))?;
                c.comment = text;
            }
            CommentTarget::Other => {}
        }
        Ok(())
    }
}

// ---------- functions (for the volatility of column defaults) ----------

impl Replayer {
    /// A second `CREATE FUNCTION` of one signature without `OR REPLACE` is an error on
    /// the server; replay takes the newer declaration without a diagnostic (function
    /// bodies are not its concern, and the volatility of the newer one is the safer
    /// guess).
    pub(super) fn create_function(
        &mut self,
        spec: &crate::source::sql::statement::FunctionSpec,
    ) -> Result<(), ApplyError> {
        let name = self.new_name(&spec.name)?;
        let function = crate::model::Function {
            name: name.clone(),
            arg_types: spec.arg_types.clone(),
            defaults: spec.defaults,
            variadic: spec.variadic,
            volatility: spec.volatility,
            inline_body: spec.inline_body.clone(),
        };
        let overloads = self.db.functions.entry(name.clone()).or_default();
        match overloads
            .iter_mut()
            .find(|f| f.arg_types == function.arg_types)
        {
            Some(existing) => *existing = function,
            None => overloads.push(function),
        }
        Ok(())
    }

    /// The overloads of the schema a function name resolves to that match its
    /// argument types (all of them when it gives none, as `DROP FUNCTION f` does when
    /// the name is unique).
    fn functions_named(
        &self,
        f: &crate::source::sql::statement::FunctionRef,
    ) -> Option<(QualifiedName, Vec<usize>)> {
        let name = self.resolve_in(&self.db.functions, &f.name)?;
        let overloads = self.db.functions.get(&name)?;
        let matching = overloads
            .iter()
            .enumerate()
            .filter(|(_, o)| f.arg_types.as_ref().is_none_or(|t| *t == o.arg_types))
            .map(|(i, _)| i)
            .collect::<Vec<_>>();
        (!matching.is_empty()).then_some((name, matching))
    }

    pub(super) fn alter_function(
        &mut self,
        f: &crate::source::sql::statement::FunctionRef,
        volatility: Option<crate::model::Volatility>,
        stops_inlining: bool,
    ) {
        // A function replay does not know (an extension's, a built-in) stays unknown.
        let Some((name, matching)) = self.functions_named(f) else {
            return;
        };
        if let Some(overloads) = self.db.functions.get_mut(&name) {
            for i in matching {
                if let Some(v) = volatility {
                    overloads[i].volatility = v;
                }
                if stops_inlining {
                    overloads[i].inline_body = None;
                }
            }
        }
    }

    pub(super) fn drop_functions(
        &mut self,
        functions: &[crate::source::sql::statement::FunctionRef],
    ) {
        for f in functions {
            let Some((name, matching)) = self.functions_named(f) else {
                continue;
            };
            if let Some(overloads) = self.db.functions.get_mut(&name) {
                let mut i = 0;
                overloads.retain(|_| {
                    let keep = !matching.contains(&i);
                    i += 1;
                    keep
                });
                if overloads.is_empty() {
                    self.db.functions.remove(&name);
                }
            }
        }
    }
}
