//! CREATE / ALTER TABLE, CREATE INDEX and partition attachment.

use super::super::statement::{
    ColumnSpec, CreateIndex, CreateTable, ObjectName, PartitionBound, TableAction,
};
use super::{ApplyError, Replayer};
use crate::model::default_names::object_name;
use crate::model::{
    Column, Index, IndexKey, IndexRole, Location, Name, QualifiedName, Sequence, Table, TableKind,
    View,
};
use crate::source::sql::parse::expand_query;

impl Replayer {
    pub(super) fn create_table(
        &mut self,
        ct: &CreateTable,
        location: &Location,
        notes: &mut Vec<String>,
    ) -> Result<(), ApplyError> {
        let name = if ct.temporary {
            QualifiedName::new(super::TEMP_SCHEMA, ct.name.name.clone())
        } else {
            self.new_name(&ct.name)?
        };
        if self.db.tables.contains_key(&name) {
            return if ct.if_not_exists {
                Ok(())
            } else {
                Err(format!("table {name} already exists"))
            };
        }
        self.db.schemas.insert(name.schema.clone());
        let kind = if ct.foreign {
            TableKind::Foreign
        } else if ct.partitioned {
            TableKind::Partitioned
        } else {
            TableKind::Ordinary
        };
        let mut table = Table::new(name.clone(), kind);
        table.unlogged = ct.unlogged;
        table.partition_key = ct.partition_key.clone();
        table.location = Some(location.clone());

        // Inherited and LIKE columns come first, as in the server.
        let mut sources: Vec<QualifiedName> = Vec::new();
        if let Some(parent) = &ct.partition_of {
            let parent = self
                .resolve_table(parent)
                .ok_or_else(|| format!("parent table {parent} does not exist"))?;
            table.partition_of = Some(parent.clone());
            table.default_partition = ct.default_partition;
            table.partition_bound = ct.partition_bound.clone();
            sources.push(parent);
        }
        for parent in &ct.inherits {
            let parent = self
                .resolve_table(parent)
                .ok_or_else(|| format!("parent table {parent} does not exist"))?;
            table.inherits.push(parent.clone());
            sources.push(parent);
        }
        for like in &ct.like {
            let like = self
                .resolve_table(like)
                .ok_or_else(|| format!("table {like} in LIKE does not exist"))?;
            sources.push(like);
        }
        for source in &sources {
            if let Some(src) = self.db.tables.get(source) {
                for col in &src.columns {
                    if table.column(&col.name).is_none() {
                        let mut copy = col.clone();
                        copy.location = Some(location.clone());
                        table.columns.push(copy);
                    }
                }
            }
        }

        for qc in &ct.query_columns {
            if table.column(&qc.name).is_none() {
                let mut column = Column::new(qc.name.clone(), self.query_column_type(qc));
                column.location = Some(location.clone());
                table.columns.push(column);
            }
        }

        let mut deferred = Vec::new();
        for spec in &ct.columns {
            // A partition may restate a parent column only to add options.
            if let Some(existing) = table.column_mut(&spec.column.name) {
                existing.not_null |= spec.column.not_null;
                if spec.column.default.is_some() {
                    existing.default = spec.column.default.clone();
                }
            } else {
                let column = self.column_from_spec(&name, spec, location);
                table.columns.push(column);
            }
            deferred.extend(spec.constraints.iter().cloned());
        }
        deferred.extend(ct.constraints.iter().cloned());
        let partition_of = table.partition_of.clone();
        self.db.tables.insert(name.clone(), table);
        if let Some(parent) = partition_of {
            self.db.note_partition(&name, &parent);
            self.partition_gets_indexes(&parent, &name);
        }
        // serial and identity columns own a sequence PostgreSQL creates for them.
        for spec in &ct.columns {
            if spec.column.serial || spec.column.identity.is_some() {
                self.implicit_sequence(&name, &spec.column.name, &spec.sequence_options, location);
            }
        }
        for spec in &deferred {
            // `NOT VALID` in CREATE TABLE: the table is empty, so PostgreSQL marks the
            // constraint validated.
            let mut spec = spec.clone();
            match &mut spec {
                crate::source::sql::statement::ConstraintSpec::Check { not_valid, .. } => {
                    *not_valid = false
                }
                crate::source::sql::statement::ConstraintSpec::ForeignKey(fk) => {
                    fk.not_valid = false
                }
                _ => {}
            }
            self.add_constraint(&name, &spec, location, notes)?;
        }
        Ok(())
    }

    fn query_column_type(
        &self,
        qc: &super::super::statement::QueryColumn,
    ) -> crate::model::DataType {
        let data_type = self.query_column_source_type(qc);
        if qc.aggregated && data_type.name == "character varying" && data_type.array_dims == 0 {
            return crate::model::DataType::simple("text");
        }
        data_type
    }

    fn query_column_source_type(
        &self,
        qc: &super::super::statement::QueryColumn,
    ) -> crate::model::DataType {
        if let Some(cast) = &qc.cast {
            return self.resolve_type(cast);
        }
        if let Some(source) = &qc.source_column {
            for t in &qc.from_tables {
                if let Some(col) = self
                    .resolve_table(t)
                    .and_then(|q| self.db.tables.get(&q))
                    .and_then(|t| t.column(source))
                {
                    return col.data_type.clone();
                }
            }
        }
        crate::model::DataType::simple("unknown")
    }

    /// A column as stored: user types resolved, `serial` turned into its default.
    fn column_from_spec(
        &self,
        table: &QualifiedName,
        spec: &ColumnSpec,
        location: &Location,
    ) -> Column {
        let mut column = spec.column.clone();
        if !spec.type_builtin {
            column.data_type = self.resolve_type(&super::super::statement::TypeRef {
                data_type: column.data_type.clone(),
                serial: false,
                builtin: false,
            });
        }
        if column.serial {
            let seq = object_name(&table.name, &[&column.name], "seq");
            // As PostgreSQL shows it: the regclass literal quotes the name when it
            // needs quoting (`nextval('"projects_projectNumber_seq"'::regclass)`),
            // and names the schema when it is not `public`.
            column.default = Some(format!(
                "nextval('{}'::regclass)",
                super::regclass_text(&QualifiedName::new(table.schema.clone(), seq))
            ));
        } else if column
            .default
            .as_deref()
            .is_some_and(|d| d.starts_with("nextval("))
        {
            column.serial = true;
        }
        column.default = self.stored_default(&column.data_type, column.default.take());
        column.default = column.default.map(|d| self.qualify(&d));
        column.generated = column.generated.map(|g| self.qualify(&g));
        column.location = Some(location.clone());
        column
    }

    /// The default PostgreSQL stores: none for a NULL constant (`DEFAULT NULL`,
    /// `NULL::bigint`), which `StoreAttrDefault` does not record since it changes
    /// nothing, unless the column's type is a domain (then the expression is a
    /// domain coercion, which is stored).
    fn stored_default(
        &self,
        data_type: &crate::model::DataType,
        default: Option<String>,
    ) -> Option<String> {
        let is_null = default.as_deref().is_some_and(|d| {
            let d = d.trim().to_ascii_lowercase();
            d == "null" || (d.starts_with("null::") && !d.contains(' '))
        });
        if is_null && self.db.domain_for(data_type).is_none() {
            None
        } else {
            default
        }
    }

    fn implicit_sequence(
        &mut self,
        table: &QualifiedName,
        column: &str,
        options: &crate::model::SequenceOptions,
        location: &Location,
    ) {
        let seq = QualifiedName::new(
            table.schema.clone(),
            object_name(&table.name, &[column], "seq"),
        );
        let data_type = self
            .db
            .tables
            .get(table)
            .and_then(|t| t.column(column))
            .map(|c| c.data_type.clone())
            .unwrap_or_else(|| crate::model::DataType::simple("integer"));
        self.db.sequences.insert(
            seq.clone(),
            Sequence {
                name: seq,
                params: crate::model::SequenceParams::new(&data_type, options),
                data_type,
                owned_by: Some((table.clone(), Name::from(column))),
                last_value: None,
                location: Some(location.clone()),
            },
        );
    }

    /// `CREATE [MATERIALIZED] VIEW`: its query is kept with each `*` expanded to the
    /// columns it stands for now, as PostgreSQL stores it.
    pub(super) fn create_view(
        &mut self,
        name: &ObjectName,
        (materialized, with_data): (bool, bool),
        query: Option<&str>,
        given: &[Name],
        location: &Location,
    ) -> Result<(), ApplyError> {
        let name = self.new_name(name)?;
        // Found through the search path, as the server finds them.
        let relations = |schema: Option<&str>, relation: &str| {
            let object = ObjectName {
                schema: schema.map(Name::from),
                name: Name::from(relation),
            };
            self.db.relation_columns(&self.find_table(&object)?)
        };
        // Decoding pg_query's tree recurses as deep as the query nests (`a || b || …`).
        let expanded = query.and_then(|q| {
            crate::source::sql::parser_thread::on_parser_stack(|| {
                expand_query(&self.qualify_query(q), &relations)
            })
        });
        let (query, mut columns) = match expanded {
            Some((query, names)) => (Some(query), names.into_iter().map(Name::from).collect()),
            None => (None, Vec::new()),
        };
        if columns.len() < given.len() {
            columns.resize(given.len(), Name::default());
        }
        for (column, given) in columns.iter_mut().zip(given) {
            *column = given.clone();
        }
        self.db.views.insert(
            name.clone(),
            View {
                name,
                materialized,
                populated: with_data,
                unique_indexes: Vec::new(),
                columns,
                query,
                location: Some(location.clone()),
            },
        );
        Ok(())
    }

    pub(super) fn alter_table(
        &mut self,
        name: &QualifiedName,
        action: &TableAction,
        location: &Location,
        notes: &mut Vec<String>,
    ) -> Result<(), ApplyError> {
        match action {
            TableAction::AddColumn {
                column,
                if_not_exists,
            } => {
                let exists = self.table(name)?.column(&column.column.name).is_some();
                if exists {
                    return if *if_not_exists {
                        Ok(())
                    } else {
                        Err(format!(
                            "column {} of {name} already exists",
                            column.column.name
                        ))
                    };
                }
                let col = self.column_from_spec(name, column, location);
                self.table_mut(name)?.columns.push(col);
                if column.column.serial || column.column.identity.is_some() {
                    self.implicit_sequence(
                        name,
                        &column.column.name,
                        &column.sequence_options,
                        location,
                    );
                }
                for spec in &column.constraints {
                    self.add_constraint(name, spec, location, notes)?;
                }
                // Partitions get the parent's new column too.
                for child in self.partitions_of(name) {
                    let col = self.column_from_spec(&child, column, location);
                    if let Some(t) = self.db.tables.get_mut(&child) {
                        if t.column(&col.name).is_none() {
                            t.columns.push(col);
                        }
                    }
                }
            }
            TableAction::DropColumn {
                name: column,
                missing_ok,
                ..
            } => {
                if self.table(name)?.column(column).is_none() {
                    return if *missing_ok {
                        Ok(())
                    } else {
                        Err(format!("column {column} of {name} does not exist"))
                    };
                }
                self.drop_column_dependents(name, column);
                self.table_mut(name)?.columns.retain(|c| c.name != *column);
            }
            TableAction::AlterColumnType {
                column,
                data_type,
                collation,
                ..
            } => {
                let resolved = self.resolve_type(data_type);
                let col = self.column_mut(name, column)?;
                let identity = col.identity.is_some();
                col.data_type = resolved.clone();
                col.collation = collation.clone();
                // An identity's sequence takes the column's new type (and a limit
                // that was the old type's, the new type's).
                let owner = Some((name.clone(), Name::from(column.as_str())));
                if let Some(s) = self
                    .db
                    .sequences
                    .values_mut()
                    .find(|s| identity && s.owned_by == owner)
                {
                    let old = std::mem::replace(&mut s.data_type, resolved.clone());
                    s.params.alter(&resolved, &Default::default(), &old);
                }
            }
            TableAction::SetDefault { column, default } => {
                let data_type = self.column_mut(name, column)?.data_type.clone();
                let default = self
                    .stored_default(&data_type, default.clone())
                    .map(|d| self.qualify(&d));
                let col = self.column_mut(name, column)?;
                // A column takes its values from a sequence while its default calls
                // nextval(): DROP DEFAULT (or another default) ends that.
                col.serial = default
                    .as_deref()
                    .is_some_and(|d| d.starts_with("nextval("));
                col.default = default;
            }
            TableAction::SetNotNull { column } => self.column_mut(name, column)?.not_null = true,
            TableAction::DropNotNull { column } => self.column_mut(name, column)?.not_null = false,
            TableAction::AddConstraint(spec) => self.add_constraint(name, spec, location, notes)?,
            TableAction::DropConstraint {
                name: constraint,
                missing_ok,
            } => {
                if !self.drop_constraint(name, constraint) && !missing_ok {
                    return Err(format!("constraint {constraint} of {name} does not exist"));
                }
            }
            TableAction::AlterConstraint {
                name: constraint,
                deferrability,
            } => {
                if let Some((deferrable, initially_deferred)) = deferrability {
                    if let Some(fk) = self
                        .table_mut(name)?
                        .foreign_keys
                        .iter_mut()
                        .find(|fk| fk.name == *constraint)
                    {
                        fk.deferrable = *deferrable;
                        fk.initially_deferred = *initially_deferred;
                    }
                }
            }
            TableAction::ValidateConstraint { name: constraint } => {
                let table = self.table_mut(name)?;
                for fk in table
                    .foreign_keys
                    .iter_mut()
                    .filter(|f| f.name == *constraint)
                {
                    fk.validated = true;
                }
                for check in table.checks.iter_mut().filter(|c| c.name == *constraint) {
                    check.validated = true;
                }
            }
            TableAction::AddIdentity {
                column,
                identity,
                options,
            } => {
                let col = self.column_mut(name, column)?;
                col.identity = Some(*identity);
                col.not_null = true;
                self.implicit_sequence(name, column, options, location);
            }
            TableAction::SetIdentity {
                column,
                identity,
                options,
            } => {
                let col = self.column_mut(name, column)?;
                if col.identity.is_none() {
                    return Err(format!(
                        "column {column} of {name} is not an identity column"
                    ));
                }
                if let Some(identity) = identity {
                    col.identity = Some(*identity);
                }
                let owner = Some((name.clone(), Name::from(column.as_str())));
                if let Some(s) = self.db.sequences.values_mut().find(|s| s.owned_by == owner) {
                    let data_type = s.data_type.clone();
                    s.params.alter(&data_type, options, &data_type);
                }
            }
            TableAction::DropIdentity { column } => {
                self.column_mut(name, column)?.identity = None;
                // The identity's sequence goes with it.
                self.db.sequences.retain(|_, s| {
                    s.owned_by.as_ref() != Some(&(name.clone(), Name::from(column.as_str())))
                });
            }
            TableAction::AttachPartition {
                partition,
                bound,
                bound_sql,
            } => {
                let child = self
                    .resolve_table(partition)
                    .ok_or_else(|| format!("partition {partition} does not exist"))?;
                self.refuse_cycle(&child, name)?;
                let t = self.table_mut(&child)?;
                t.partition_of = Some(name.clone());
                t.default_partition = matches!(bound, PartitionBound::Default);
                t.partition_bound = Some(bound_sql.clone());
                self.db.note_partition(&child, name);
                self.partition_gets_indexes(name, &child);
            }
            TableAction::DetachPartition { partition, .. } => {
                let child = self
                    .resolve_table(partition)
                    .ok_or_else(|| format!("partition {partition} does not exist"))?;
                let t = self.table_mut(&child)?;
                t.partition_of = None;
                t.default_partition = false;
                t.partition_bound = None;
            }
            TableAction::RowSecurity(on) => self.table_mut(name)?.row_security = *on,
            TableAction::ForceRowSecurity(on) => self.table_mut(name)?.force_row_security = *on,
            TableAction::SetLogged(logged) => self.table_mut(name)?.unlogged = !logged,
            TableAction::AddInherit(parent) => {
                let parent = self
                    .resolve_table(parent)
                    .ok_or_else(|| format!("table {parent} does not exist"))?;
                self.refuse_cycle(name, &parent)?;
                self.table_mut(name)?.inherits.push(parent);
            }
            TableAction::DropInherit(parent) => {
                let parent = self.resolve_table(parent);
                self.table_mut(name)?
                    .inherits
                    .retain(|p| Some(p) != parent.as_ref());
            }
            TableAction::Trigger { .. } | TableAction::Other => {}
        }
        Ok(())
    }

    /// PostgreSQL's "circular inheritance not allowed": `child` may not become a
    /// partition or child of `parent` when it is `parent` or one of its ancestors.
    fn refuse_cycle(
        &self,
        child: &QualifiedName,
        parent: &QualifiedName,
    ) -> Result<(), ApplyError> {
        let mut seen = std::collections::BTreeSet::new();
        let mut ancestors = vec![parent];
        while let Some(table) = ancestors.pop() {
            if table == child {
                return Err(format!(
                    "circular inheritance not allowed: {} is already a child of {}",
                    parent.name, child.name
                ));
            }
            if !seen.insert(table) {
                continue;
            }
            if let Some(t) = self.db.tables.get(table) {
                ancestors.extend(t.partition_of.iter().chain(&t.inherits));
            }
        }
        Ok(())
    }

    pub(super) fn partitions_of(&self, parent: &QualifiedName) -> Vec<QualifiedName> {
        self.db
            .partitions(parent)
            .into_iter()
            .map(|t| t.name.clone())
            .collect()
    }

    pub(super) fn table(&self, name: &QualifiedName) -> Result<&Table, ApplyError> {
        self.db
            .tables
            .get(name)
            .ok_or_else(|| format!("table {name} does not exist"))
    }

    pub(super) fn table_mut(&mut self, name: &QualifiedName) -> Result<&mut Table, ApplyError> {
        self.db
            .tables
            .get_mut(name)
            .ok_or_else(|| format!("table {name} does not exist"))
    }

    fn column_mut(
        &mut self,
        table: &QualifiedName,
        column: &str,
    ) -> Result<&mut Column, ApplyError> {
        self.table_mut(table)?
            .column_mut(column)
            .ok_or_else(|| format!("column {column} of {table} does not exist"))
    }

    /// Dropping a column drops the indexes and constraints that use it, the sequence
    /// it owns, and (as CASCADE would; without it the server refuses) the foreign keys
    /// that reference it ([`crate::source::sql::dependents::of_column`]). Call before
    /// the column is removed.
    fn drop_column_dependents(&mut self, name: &QualifiedName, column: &str) {
        let Some(table) = self.db.tables.get(name) else {
            return;
        };
        let removed = crate::source::sql::dependents::of_column(&self.db, table, column);
        self.apply_column_removed(name, &removed);
    }

    /// Remove what dropping a column of `name` takes with it.
    pub(super) fn apply_column_removed(
        &mut self,
        name: &QualifiedName,
        removed: &crate::source::sql::dependents::Removed,
    ) {
        let indexes: Vec<&QualifiedName> = removed
            .indexes
            .iter()
            .chain(&removed.constraint_indexes)
            .collect();
        for idx in &indexes {
            self.db.index_owner.remove(*idx);
        }
        for seq in &removed.sequences {
            self.db.sequences.remove(seq);
        }
        for (other, key) in &removed.referencing_keys {
            if let Some(t) = self.db.tables.get_mut(other) {
                t.foreign_keys.retain(|f| f.name != *key);
            }
        }
        for generated in &removed.generated {
            if let Some(t) = self.db.tables.get(name) {
                let also = crate::source::sql::dependents::of_column(&self.db, t, generated);
                self.apply_column_removed(name, &also);
            }
            if let Some(t) = self.db.tables.get_mut(name) {
                t.columns.retain(|c| c.name != *generated);
            }
        }
        let Some(table) = self.db.tables.get_mut(name) else {
            return;
        };
        table.indexes.retain(|i| !indexes.contains(&&i.name));
        for (kind, constraint) in &removed.constraints {
            match *kind {
                "primary key" => table.primary_key = None,
                "unique" => table.unique_constraints.retain(|u| u.name != *constraint),
                "check" => table.checks.retain(|c| c.name != *constraint),
                _ => table.foreign_keys.retain(|f| f.name != *constraint),
            }
        }
    }

    pub(super) fn create_index(
        &mut self,
        ci: &CreateIndex,
        location: &Location,
    ) -> Result<(), ApplyError> {
        let Some(table_name) = self.resolve_table(&ci.table) else {
            // Indexes on materialized views are legitimate; the model keeps only the
            // names of those `REFRESH ... CONCURRENTLY` can use (unique, valid, no
            // WHERE, column keys only: `REFRESH MATERIALIZED VIEW`).
            if let Some(view) = self.resolve_in(&self.db.views, &ci.table) {
                let columns: Vec<&str> = ci
                    .keys
                    .iter()
                    .filter_map(|k| match &k.key {
                        IndexKey::Column(c) => Some(c.as_str()),
                        IndexKey::Expression(_) => None,
                    })
                    .collect();
                let usable = ci.unique
                    && ci.predicate.is_none()
                    && !columns.is_empty()
                    && columns.len() == ci.keys.len();
                if usable {
                    let name = match &ci.name {
                        Some(n) => n.clone(),
                        None => object_name(&view.name, &columns, "idx"),
                    };
                    if let Some(v) = self.db.views.get_mut(&view) {
                        if !v.unique_indexes.contains(&name) {
                            v.unique_indexes.push(name);
                            v.unique_indexes.sort();
                        }
                    }
                }
                return Ok(());
            }
            return Err(format!("table {} does not exist", ci.table));
        };
        let names = key_names(&ci.keys);
        let columns: Vec<&str> = names.iter().map(String::as_str).collect();
        let index_name = match &ci.name {
            Some(n) => n.clone(),
            None => self.free_relation_name(
                &table_name.schema,
                &table_name.name,
                &columns,
                // `ChooseIndexName`: `key` only for a constraint's index.
                "idx",
            ),
        };
        let qualified = QualifiedName::new(table_name.schema.clone(), index_name);
        if self.db.index_owner.contains_key(&qualified) {
            return if ci.if_not_exists {
                Ok(())
            } else {
                Err(format!("index {qualified} already exists"))
            };
        }
        let partitioned = self.table(&table_name)?.kind == TableKind::Partitioned;
        // `ON ONLY` leaves the index invalid only if a partition exists that lacks
        // one; with no partitions yet it is valid, and later partitions get a copy.
        let only_parent = ci.only && partitioned && !self.partitions_of(&table_name).is_empty();
        let index = Index {
            name: qualified.clone(),
            table: table_name.clone(),
            method: ci.method.clone(),
            unique: ci.unique,
            nulls_not_distinct: ci.nulls_not_distinct,
            // A default class written out is the class of a key that names none.
            keys: ci
                .keys
                .iter()
                .map(|k| {
                    let mut k = k.clone();
                    if let IndexKey::Expression(e) = &k.key {
                        k.key = IndexKey::Expression(self.qualify(e));
                    }
                    if k.opclass
                        .as_deref()
                        .is_some_and(|c| crate::model::opclasses::is_default_opclass(&ci.method, c))
                    {
                        k.opclass = None;
                    }
                    k
                })
                .collect(),
            include: ci.include.clone(),
            predicate: ci.predicate.as_deref().map(|p| self.qualify(p)),
            valid: !only_parent,
            only_parent,
            role: IndexRole::Plain,
            location: Some(location.clone()),
            stats: None,
        };
        self.db.index_owner.insert(qualified, table_name.clone());
        self.table_mut(&table_name)?.indexes.push(index.clone());
        // Without ONLY, each existing partition gets the index too (created, or a
        // matching one it has attached).
        if partitioned && !ci.only {
            for partition in self.partitions_of(&table_name) {
                self.clone_index_to(&partition, index.clone());
            }
        }
        Ok(())
    }

    /// `ALTER INDEX parent ATTACH PARTITION child`: an invalid `ON ONLY` parent index
    /// becomes valid once every partition has an index attached to it (PostgreSQL's
    /// `validatePartitionedIndex` runs here, not when partitions come and go).
    pub(super) fn attach_index(
        &mut self,
        parent: &ObjectName,
        child: &ObjectName,
    ) -> Result<(), ApplyError> {
        let parent = self
            .resolve_index(parent)
            .ok_or_else(|| format!("index {parent} does not exist"))?;
        let child = self
            .resolve_index(child)
            .ok_or_else(|| format!("index {child} does not exist"))?;
        let partition = self
            .db
            .index_owner
            .get(&child)
            .cloned()
            .ok_or("index owner missing")?;
        let table = self
            .db
            .index_owner
            .get(&parent)
            .cloned()
            .ok_or("index owner missing")?;
        // A key's index attached to the parent key's index: the partition's key
        // becomes a clone of the parent's (pg_constraint.conparentid), which the
        // model keeps at the parent only, as it does for a partition created under
        // a keyed parent.
        let role = |db: &crate::model::Database, table: &QualifiedName, index: &QualifiedName| {
            db.table(table)
                .and_then(|t| t.indexes.iter().find(|i| &i.name == index))
                .map(|i| i.role)
        };
        let parent_role = role(&self.db, &table, &parent);
        let child_role = role(&self.db, &partition, &child);
        if let (Some(IndexRole::PrimaryKey | IndexRole::UniqueConstraint), Some(r)) =
            (parent_role, child_role)
        {
            if matches!(r, IndexRole::PrimaryKey | IndexRole::UniqueConstraint) {
                let t = self.table_mut(&partition)?;
                if r == IndexRole::PrimaryKey {
                    t.primary_key = None;
                } else {
                    t.unique_constraints.retain(|k| k.name != child.name);
                }
                t.indexes.retain(|i| i.name != child);
                self.db.index_owner.remove(&child);
            }
        }
        let attached = self.attached_indexes.entry(parent.clone()).or_default();
        attached.insert(partition);
        let complete = self
            .partitions_of(&table)
            .iter()
            .all(|p| self.attached_indexes[&parent].contains(p));
        if complete {
            if let Some(index) = self
                .table_mut(&table)?
                .indexes
                .iter_mut()
                .find(|i| i.name == parent)
            {
                index.valid = true;
                index.only_parent = false;
            }
        }
        Ok(())
    }

    /// Give `partition` a copy of the parent's plain index `index`, unless it has a
    /// matching one already (PostgreSQL attaches that instead), named as
    /// ChooseIndexName does: `<partition>_<columns>_idx`, numbered when taken. A
    /// partitioned partition passes it on to its own partitions.
    fn clone_index_to(&mut self, partition: &QualifiedName, index: crate::model::Index) {
        let has_match = self.db.tables.get(partition).is_some_and(|t| {
            t.indexes.iter().any(|i| {
                i.method == index.method
                    && i.keys == index.keys
                    && i.include == index.include
                    && i.predicate == index.predicate
                    && i.unique == index.unique
            })
        });
        if has_match {
            return;
        }
        let names = key_names(&index.keys);
        let columns: Vec<&str> = names.iter().map(String::as_str).collect();
        let base = object_name(&partition.name, &columns, "idx");
        let schema = partition.schema.clone();
        let taken = |n: &str| {
            self.db
                .index_owner
                .contains_key(&QualifiedName::new(schema.clone(), n))
                || self
                    .db
                    .tables
                    .contains_key(&QualifiedName::new(schema.clone(), n))
        };
        let mut name = base.to_string();
        let mut n = 0;
        while taken(&name) {
            n += 1;
            name = object_name(&partition.name, &columns, &format!("idx{n}")).to_string();
        }
        let clone = crate::model::Index {
            name: QualifiedName::new(schema.clone(), name.as_str()),
            table: partition.clone(),
            valid: true,
            only_parent: false,
            location: index.location.clone(),
            stats: None,
            ..index.clone()
        };
        self.db
            .index_owner
            .insert(clone.name.clone(), partition.clone());
        if let Some(t) = self.db.tables.get_mut(partition) {
            t.indexes.push(clone);
        }
        for sub in self.partitions_of(partition) {
            self.clone_index_to(&sub, index.clone());
        }
    }

    /// A partition created or attached under `parent` gets a copy of each of the
    /// parent's indexes, attached to it: it counts for the invalid ones' validation.
    fn partition_gets_indexes(&mut self, parent: &QualifiedName, partition: &QualifiedName) {
        // PostgreSQL clones each partitioned index onto the new partition (or attaches
        // a matching index the partition already has), naming a clone as
        // ChooseIndexName does: `<partition>_<columns>_idx`, numbered when taken.
        // Constraint indexes are cloned with their constraints, which the model keeps
        // at the parent only (as the catalog reader does).
        let plain: Vec<crate::model::Index> = self
            .db
            .tables
            .get(parent)
            .map(|t| {
                t.indexes
                    .iter()
                    .filter(|i| i.role == crate::model::IndexRole::Plain)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        for index in plain {
            self.clone_index_to(partition, index);
        }
        let waiting: Vec<QualifiedName> = self
            .db
            .tables
            .get(parent)
            .map(|t| {
                t.indexes
                    .iter()
                    .filter(|i| !i.valid)
                    .map(|i| i.name.clone())
                    .collect()
            })
            .unwrap_or_default();
        for index in waiting {
            self.attached_indexes
                .entry(index)
                .or_default()
                .insert(partition.clone());
        }
    }
}

/// The names PostgreSQL chooses an index's default name from: each key's column, or
/// an expression's figured name (`lower(email)` → `lower`; see
/// [`index_column_name`](crate::source::sql::parse::index_column_name)).
pub(super) fn key_names(keys: &[crate::model::IndexElement]) -> Vec<String> {
    keys.iter()
        .map(|k| match &k.key {
            IndexKey::Column(c) => c.to_string(),
            IndexKey::Expression(e) => crate::source::sql::parse::index_column_name(e.as_str()),
        })
        .collect()
}
