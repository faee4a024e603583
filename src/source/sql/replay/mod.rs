//! Replay: apply parsed statements, in order, to a [`Database`], the way PostgreSQL
//! would. A statement that cannot be applied (ALTER of a missing table, ...) yields a
//! diagnostic and replay goes on.

mod constraints;
mod objects;
mod renames;
mod tables;

use super::statement::{DomainAction, ObjectName, Statement, TypeRef};
use crate::model::{DataType, Database, Location, Name, QualifiedName};

pub struct Replayer {
    pub db: Database,
    search_path: Vec<Name>,
    /// For each invalid `ON ONLY` index, the partitions that have an index attached to
    /// it: by `ALTER INDEX ... ATTACH PARTITION`, or because the partition was created
    /// or attached later (PostgreSQL then clones the parent's indexes onto it). The
    /// next `ATTACH PARTITION` of an index validates the parent if every partition is
    /// in the set.
    attached_indexes:
        std::collections::BTreeMap<QualifiedName, std::collections::BTreeSet<QualifiedName>>,
    /// The constraint names in use, for naming an unnamed constraint without a scan of
    /// its schema ([`ConstraintNames`]).
    constraint_names: ConstraintNames,
}

/// Why a statement could not be applied.
pub type ApplyError = String;

impl Default for Replayer {
    fn default() -> Self {
        Self::new()
    }
}

/// `qualify_names_in_expression` or `qualify_names_in_query`.
type Qualifier = fn(
    &str,
    &dyn Fn(crate::source::sql::parse::NameKind, &str) -> Option<String>,
) -> Option<String>;

impl Replayer {
    pub fn new() -> Self {
        let mut db = Database::default();
        db.schemas.insert("public".into());
        Replayer {
            db,
            search_path: vec!["public".into()],
            attached_indexes: Default::default(),
            constraint_names: Default::default(),
        }
    }

    /// A replayer that goes on from `db` (to review a statement against a schema
    /// already built, e.g. a fix against the model it was found in).
    pub fn over(db: Database) -> Self {
        Replayer {
            db,
            ..Replayer::new()
        }
    }

    pub fn search_path(&self) -> &[Name] {
        &self.search_path
    }

    /// An expression about to be stored (a default, CHECK, index expression or
    /// predicate, policy clause, generated column, domain CHECK) with the names it
    /// uses qualified as the current `search_path` resolves them, when that is a
    /// schema other than `public` (`SET search_path = app` before `DEFAULT
    /// nextval('s')` stores `nextval('app.s')`): PostgreSQL keeps the objects
    /// themselves, and the catalog prints them qualified.
    pub(super) fn qualify(&self, expression: &str) -> String {
        self.qualify_with(
            expression,
            crate::source::sql::parse::qualify_names_in_expression,
        )
    }

    /// [`Self::qualify`] for a whole query (a view's).
    pub(super) fn qualify_query(&self, query: &str) -> String {
        self.qualify_with(query, crate::source::sql::parse::qualify_names_in_query)
    }

    fn qualify_with(&self, expression: &str, qualify: Qualifier) -> String {
        if self
            .search_path
            .iter()
            .all(|s| s == "public" || s == "pg_catalog" || s == "$user")
        {
            return expression.to_string();
        }
        let db = &self.db;
        let path = &self.search_path;
        let resolve = |kind: crate::source::sql::parse::NameKind, name: &str| -> Option<String> {
            use crate::source::sql::parse::NameKind;
            let schema = path.iter().find(|schema| {
                let q = QualifiedName::new((*schema).clone(), name);
                match kind {
                    NameKind::Function => db.functions.contains_key(&q),
                    NameKind::Type => db.enums.contains_key(&q) || db.domains.contains_key(&q),
                    NameKind::Relation => db.tables.contains_key(&q) || db.views.contains_key(&q),
                    NameKind::Sequence => db.sequences.contains_key(&q),
                }
            })?;
            (schema != "public" && schema != "pg_catalog").then(|| schema.to_string())
        };
        qualify(expression, &resolve).unwrap_or_else(|| expression.to_string())
    }

    /// An existing table, found the way the server would find it.
    /// A table by name the way the server would find it, or else a (materialized) view.
    pub fn find_table(&self, name: &ObjectName) -> Option<QualifiedName> {
        self.resolve_table(name)
            .or_else(|| self.resolve_in(&self.db.views, name))
    }

    /// The search path in force is per file in psql and migration tools: reset it.
    pub fn reset_search_path(&mut self) {
        self.search_path = vec!["public".into()];
    }

    /// The session a file ran in ends: its temporary tables (schema
    /// [`TEMP_SCHEMA`]) go with their indexes, as PostgreSQL drops them at the end of
    /// the session (or at commit, `ON COMMIT DROP`); they are never part of the
    /// schema.
    pub fn end_session(&mut self) {
        let temporary: Vec<QualifiedName> = self
            .db
            .tables
            .keys()
            .filter(|t| t.schema.as_str() == TEMP_SCHEMA)
            .cloned()
            .collect();
        if !temporary.is_empty() {
            self.constraint_names = ConstraintNames::default();
        }
        for t in &temporary {
            self.drop_table(t);
        }
        self.db.schemas.remove(TEMP_SCHEMA);
    }

    pub fn finish(mut self) -> Database {
        self.end_session();
        self.db.shrink_to_fit();
        self.db
    }

    /// Apply one statement. `Ok` carries non-fatal notes (e.g. an FK to a table that
    /// is not in the input).
    pub fn apply(
        &mut self,
        statement: &Statement,
        location: &Location,
    ) -> Result<Vec<String>, ApplyError> {
        let changes = self.constraints_changed_by(statement);
        self.constraint_names.open(&self.db, changes);
        let applied = self.apply_statement(statement, location);
        self.constraint_names.close(&self.db);
        applied
    }

    /// Which tables' constraints `statement` can change: none, only one (the table
    /// `CREATE TABLE` makes, onto which inherited and partition constraints are copied,
    /// or the table an `ALTER TABLE` adds only keys and foreign keys to, when it has no
    /// partitions to receive them), or any.
    fn constraints_changed_by(&self, statement: &Statement) -> Changes {
        use super::statement::{ConstraintSpec as C, TableAction as A};
        match statement {
            Statement::CreateTable(ct) if ct.temporary => Changes::Any,
            Statement::CreateTable(ct) => {
                self.new_name(&ct.name).map_or(Changes::Any, Changes::One)
            }
            Statement::AlterTable { table, actions, .. }
                if actions.iter().all(|a| {
                    matches!(
                        a,
                        A::AddConstraint(C::ForeignKey(_) | C::PrimaryKey(_) | C::Unique(_))
                    )
                }) =>
            {
                self.resolve_table(table)
                    .filter(|t| self.db.partitions(t).is_empty())
                    .map_or(Changes::Any, Changes::One)
            }
            Statement::CreateSchema { .. }
            | Statement::CreateView { .. }
            | Statement::RefreshMatView { .. }
            | Statement::CreateIndex(_)
            | Statement::CreateEnum { .. }
            | Statement::AlterEnumAddValue { .. }
            | Statement::AlterEnumRenameValue { .. }
            | Statement::CreateDomain { .. }
            | Statement::AlterDomain { .. }
            | Statement::CreateTrigger { .. }
            | Statement::DropTrigger { .. }
            | Statement::CreateSequence { .. }
            | Statement::AlterSequence { .. }
            | Statement::Comment { .. }
            | Statement::CreatePolicy { .. }
            | Statement::CreateFunction { .. }
            | Statement::AlterFunction { .. }
            | Statement::SetSearchPath(_)
            | Statement::SetConfig { .. }
            | Statement::Reindex { .. }
            | Statement::Vacuum { .. }
            | Statement::Cluster { .. }
            | Statement::LockTable { .. }
            | Statement::Truncate { .. }
            | Statement::RowChange { .. } => Changes::None,
            _ => Changes::Any,
        }
    }

    fn apply_statement(
        &mut self,
        statement: &Statement,
        location: &Location,
    ) -> Result<Vec<String>, ApplyError> {
        let mut notes = Vec::new();
        match statement {
            Statement::CreateSchema { name } => {
                self.db.schemas.insert(name.clone());
            }
            Statement::CreateTable(ct) => self.create_table(ct, location, &mut notes)?,
            Statement::CreateView {
                name,
                materialized,
                with_data,
                query,
                columns,
            } => self.create_view(
                name,
                (*materialized, *with_data),
                query.as_deref(),
                columns,
                location,
            )?,
            Statement::RefreshMatView {
                name, with_data, ..
            } => {
                let Some(view) = self.resolve_in(&self.db.views, name) else {
                    return Err(format!("materialized view {name} does not exist"));
                };
                if let Some(v) = self.db.views.get_mut(&view) {
                    v.populated = *with_data;
                }
            }
            Statement::AlterTable {
                table,
                missing_ok,
                actions,
                ..
            } => {
                let Some(name) = self.resolve_table(table) else {
                    return if *missing_ok {
                        Ok(notes)
                    } else {
                        Err(format!("table {table} does not exist"))
                    };
                };
                for action in actions {
                    self.alter_table(&name, action, location, &mut notes)?;
                }
            }
            Statement::CreateIndex(ci) => self.create_index(ci, location)?,
            // Triggers are not modelled.
            Statement::CreateTrigger { .. } | Statement::DropTrigger { .. } => {}
            Statement::AlterDomain { name, action } => {
                let Some(q) = self.resolve_in(&self.db.domains, name) else {
                    // OWNER, RENAME ... change nothing the model holds.
                    return match action {
                        DomainAction::Other => Ok(notes),
                        _ => Err(format!("domain {name} does not exist")),
                    };
                };
                let qualified = match action {
                    DomainAction::AddCheck { expression, .. }
                    | DomainAction::SetDefault(Some(expression)) => self.qualify(expression),
                    _ => String::new(),
                };
                if let Some(d) = self.db.domains.get_mut(&q) {
                    match action {
                        DomainAction::AddCheck { .. } => d.checks.push(qualified),
                        DomainAction::SetNotNull => d.not_null = true,
                        DomainAction::DropNotNull => d.not_null = false,
                        DomainAction::SetDefault(value) => {
                            d.default = value.as_ref().map(|_| qualified)
                        }
                        // DROP CONSTRAINT: the model keeps a domain's checks without
                        // their names.
                        DomainAction::ValidateConstraint { .. } | DomainAction::Other => {}
                    }
                }
            }
            Statement::Drop {
                kind,
                objects,
                missing_ok,
                cascade,
                ..
            } => {
                for object in objects {
                    self.drop_object(*kind, object, *missing_ok, *cascade)?;
                }
            }
            Statement::Rename {
                kind,
                object,
                new_name,
            } => self.rename(*kind, object, new_name)?,
            Statement::RenameColumn {
                table,
                column,
                new_name,
            } => self.rename_column(table, column, new_name)?,
            Statement::RenameConstraint {
                table,
                constraint,
                new_name,
            } => self.rename_constraint(table, constraint, new_name)?,
            Statement::SetSchema {
                kind,
                object,
                new_schema,
            } => self.set_schema(*kind, object, new_schema)?,
            Statement::CreateEnum { name, values } => self.create_enum(name, values, location)?,
            Statement::AlterEnumAddValue {
                name,
                value,
                before,
                after,
            } => self.alter_enum_add(name, value, before.as_deref(), after.as_deref())?,
            Statement::AlterEnumRenameValue { name, old, new } => {
                self.alter_enum_rename(name, old, new)?
            }
            Statement::CreateDomain {
                name,
                base,
                not_null,
                default,
                checks,
            } => self.create_domain(name, base, *not_null, default.as_ref(), checks, location)?,
            Statement::CreateSequence {
                name,
                data_type,
                owned_by,
                options,
            } => self.create_sequence(
                name,
                data_type.as_ref(),
                owned_by.as_ref(),
                options,
                location,
            )?,
            Statement::AlterSequence {
                name,
                data_type,
                owned_by,
                options,
            } => {
                if let Some(owned_by) = owned_by {
                    self.sequence_owned_by(name, owned_by.as_ref())?
                }
                if data_type.is_some() || !options.is_empty() {
                    self.alter_sequence(name, data_type.as_ref(), options)?
                }
            }
            Statement::Comment { target, text } => self.comment(target, text.clone())?,
            Statement::CreatePolicy { table, policy } => {
                let name = self
                    .resolve_table(table)
                    .ok_or_else(|| format!("table {table} does not exist"))?;
                let mut policy = policy.clone();
                policy.using = policy.using.map(|e| self.qualify(&e));
                policy.with_check = policy.with_check.map(|e| self.qualify(&e));
                if let Some(t) = self.db.tables.get_mut(&name) {
                    t.policies.push(policy);
                }
            }
            Statement::AttachIndexPartition { parent, child } => {
                self.attach_index(parent, child)?
            }
            Statement::CreateFunction { function, .. } => self.create_function(function)?,
            Statement::AlterFunction {
                function,
                volatility,
                stops_inlining,
            } => self.alter_function(function, *volatility, *stops_inlining),
            // DROP FUNCTION of a function replay does not know (an extension's) is
            // not an error here: replay does not see every function.
            Statement::DropFunction { functions, .. } => self.drop_functions(functions),
            Statement::SetSearchPath(path) => {
                // Kept as written: whether each schema exists is decided at each use,
                // as the server does (a schema created later joins the path). `$user`
                // names a schema after the role, which replay does not know.
                self.search_path = path
                    .iter()
                    .filter(|p| !p.starts_with('$'))
                    .cloned()
                    .collect();
            }
            Statement::RowChange { .. }
            | Statement::Other { .. }
            | Statement::Transaction { .. }
            | Statement::SetConfig { .. }
            | Statement::Reindex { .. }
            | Statement::Vacuum { .. }
            | Statement::Cluster { .. }
            | Statement::LockTable { .. }
            | Statement::Truncate { .. } => {}
        }
        Ok(notes)
    }

    // ---------- name resolution ----------

    /// Where `CREATE` puts `name`: its own schema, else the first schema of the search
    /// path that exists; none existing is PostgreSQL's "no schema has been selected to
    /// create in".
    fn new_name(&self, name: &ObjectName) -> Result<QualifiedName, ApplyError> {
        let schema = match &name.schema {
            Some(s) => s.clone(),
            None => creation_schema(&self.db, &self.search_path)
                .ok_or("no schema has been selected to create in")?,
        };
        Ok(QualifiedName::new(schema, name.name.clone()))
    }

    fn resolve_in<T>(
        &self,
        map: &std::collections::BTreeMap<QualifiedName, T>,
        name: &ObjectName,
    ) -> Option<QualifiedName> {
        resolve_in(map, &self.search_path, name)
    }

    fn resolve_table(&self, name: &ObjectName) -> Option<QualifiedName> {
        self.resolve_in(&self.db.tables, name)
    }

    fn resolve_index(&self, name: &ObjectName) -> Option<QualifiedName> {
        self.resolve_in(&self.db.index_owner, name)
    }

    /// Give user-defined types their schema, so `"Status"` and `public."Status"` are one type.
    fn resolve_type(&self, t: &TypeRef) -> DataType {
        let mut data_type = t.data_type.clone();
        if !t.builtin && data_type.schema.is_none() {
            let name = ObjectName {
                schema: None,
                name: data_type.name.clone(),
            };
            let found = self
                .resolve_in(&self.db.enums, &name)
                .or_else(|| self.resolve_in(&self.db.domains, &name));
            if let Some(q) = found {
                data_type.schema = Some(q.schema);
            }
        }
        data_type
    }
}

/// The schema replay puts a session's temporary tables in (PostgreSQL's `pg_temp`
/// alias of the session's own `pg_temp_N`).
pub const TEMP_SCHEMA: &str = "pg_temp";

/// Find an existing object by searching `search_path` in order, like PostgreSQL does
/// (a schema that does not exist holds nothing, so it is skipped); a
/// schema-qualified name is looked up as written. The session's temporary tables come
/// first (PostgreSQL searches `pg_temp` first for relations unless the path names it;
/// only tables are ever replayed into it, so other lookups find nothing there).
pub fn resolve_in<T>(
    map: &std::collections::BTreeMap<QualifiedName, T>,
    search_path: &[Name],
    name: &ObjectName,
) -> Option<QualifiedName> {
    match &name.schema {
        Some(s) => {
            let q = QualifiedName::new(s.clone(), name.name.clone());
            map.contains_key(&q).then_some(q)
        }
        // "The Schema Search Path": pg_temp first, for relations.
        None => std::iter::once(&Name::from(TEMP_SCHEMA))
            .chain(search_path)
            .find_map(|s| {
                let q = QualifiedName::new(s.clone(), name.name.clone());
                map.contains_key(&q).then_some(q)
            }),
    }
}

/// The schema unqualified `CREATE`s go to: the first schema of `search_path` that
/// exists. PostgreSQL skips the ones that do not (`SET search_path = missing, public`
/// creates in `public`) and refuses to create when none does. See "The Schema Search
/// Path" (ddl-schemas.html#DDL-SCHEMAS-PATH).
pub fn creation_schema(db: &Database, search_path: &[Name]) -> Option<Name> {
    search_path
        .iter()
        .find(|s| db.schemas.contains(*s))
        .cloned()
}

/// A relation's name as a `regclass` literal in a stored default names it: quoted
/// where it needs quoting, with its schema unless that is `public`.
pub(super) fn regclass_text(q: &QualifiedName) -> String {
    let name = crate::model::quote_ident(&q.name);
    let text = if q.schema == "public" {
        name
    } else {
        format!("{}.{name}", crate::model::quote_ident(&q.schema))
    };
    text.replace('\'', "''")
}

impl Replayer {
    /// Column defaults that call `nextval` of the sequence `old` now name `new`:
    /// PostgreSQL stores the sequence's OID in the default, so it follows a rename
    /// or a move to another schema.
    pub(super) fn follow_sequence(&mut self, old: &QualifiedName, new: &QualifiedName) {
        let mut forms = vec![
            format!("'{}'", regclass_text(old)),
            format!(
                "'{}.{}'",
                crate::model::quote_ident(&old.schema),
                crate::model::quote_ident(&old.name)
            ),
        ];
        if old.schema == "public" {
            forms.push(format!("'{}'", crate::model::quote_ident(&old.name)));
        }
        let replacement = format!("'{}'", regclass_text(new));
        for t in self.db.tables.values_mut() {
            for c in &mut t.columns {
                let Some(d) = c.default.as_mut().filter(|d| d.contains("nextval(")) else {
                    continue;
                };
                if let Some(form) = forms.iter().find(|f| d.contains(f.as_str())) {
                    *d = d.replace(form.as_str(), &replacement);
                }
            }
        }
    }
}

impl Replayer {
    /// The name PostgreSQL gives a relation it names itself (an index, a key's index):
    /// `makeObjectName(table, columns, label)`, then `label1`, `label2`, … while a
    /// relation of that name exists in the schema (`ChooseRelationName`).
    pub(super) fn free_relation_name(
        &self,
        schema: &Name,
        table: &str,
        columns: &[&str],
        label: &str,
    ) -> Name {
        let taken = |n: &str| {
            let q = QualifiedName::new(schema.clone(), n);
            self.db.index_owner.contains_key(&q)
                || self.db.tables.contains_key(&q)
                || self.db.views.contains_key(&q)
                || self.db.sequences.contains_key(&q)
        };
        free_name(table, columns, label, &taken)
    }

    /// The name PostgreSQL gives a constraint it names itself (a CHECK, a foreign
    /// key): as [`Self::free_relation_name`], while a constraint of that name exists
    /// on any table of the schema (`ChooseConstraintName`).
    pub(super) fn free_constraint_name(
        &mut self,
        schema: &Name,
        table: &str,
        columns: &[&str],
        label: &str,
    ) -> Name {
        let db = &self.db;
        let scan = |n: &str| {
            db.tables
                .range(QualifiedName::new(schema.clone(), "")..)
                .take_while(|(q, _)| q.schema == *schema)
                .any(|(_, t)| t.has_constraint(n))
        };
        let names = &mut self.constraint_names;
        if !names.kept {
            return free_name(table, columns, label, &scan);
        }
        names.build(db);
        let name = free_name(table, columns, label, &|n| names.taken(db, schema, n));
        debug_assert_eq!(
            name,
            free_name(table, columns, label, &scan),
            "the constraint names kept beside the model are out of date"
        );
        name
    }
}

/// Add the names of `table`'s constraints, in `schema`, to `counts`.
fn count_names(
    counts: &mut std::collections::HashMap<(Name, Name), u32>,
    schema: &Name,
    table: &crate::model::Table,
) {
    for name in table.constraint_names() {
        *counts
            .entry((schema.clone(), Name::from(name)))
            .or_default() += 1;
    }
}

/// What a statement may do to the constraints of tables ([`ConstraintNames`]).
enum Changes {
    None,
    One(QualifiedName),
    Any,
}

/// The names of the constraints of every table, by schema, with how many tables hold
/// each, so that naming an unnamed constraint (`free_constraint_name`) does not scan
/// the schema: a file of thousands of tables with unnamed foreign keys made replay
/// quadratic (issue 23).
///
/// Kept only while replay goes through statements that change the constraints of no
/// table or of one known table ([`Replayer::constraints_changed_by`]): that table is taken out of the
/// counts while its statement runs (its names are read from the table itself) and put
/// back after. Any other statement drops the counts; the next unnamed constraint
/// builds them again from the model.
#[derive(Default)]
struct ConstraintNames {
    /// (schema, constraint name) → number of tables other than `open` holding it;
    /// `None` until needed, and after a statement that may change any table.
    counts: Option<std::collections::HashMap<(Name, Name), u32>>,
    /// The table the current statement may change, left out of `counts`.
    open: Option<QualifiedName>,
    /// Whether the current statement lets the counts be kept (`false`: it may change
    /// any table, and names are found by a scan).
    kept: bool,
}

impl ConstraintNames {
    /// Before a statement that makes `changes`.
    fn open(&mut self, db: &Database, changes: Changes) {
        self.kept = !matches!(changes, Changes::Any);
        let confined = match changes {
            Changes::None | Changes::Any => None,
            Changes::One(table) => Some(table),
        };
        if !self.kept {
            self.counts = None;
        }
        if let (Some(counts), Some(table)) = (&mut self.counts, &confined) {
            for name in db
                .tables
                .get(table)
                .iter()
                .flat_map(|t| t.constraint_names())
            {
                let key = (table.schema.clone(), Name::from(name));
                if let Some(n) = counts.get_mut(&key) {
                    *n -= 1;
                    if *n == 0 {
                        counts.remove(&key);
                    }
                }
            }
        }
        self.open = confined;
    }

    /// After the statement (applied or not).
    fn close(&mut self, db: &Database) {
        if let (Some(table), Some(counts)) = (self.open.take(), &mut self.counts) {
            if let Some(t) = db.tables.get(&table) {
                count_names(counts, &table.schema, t);
            }
        }
    }

    /// Count every table's constraints but the open one's, unless counted already.
    fn build(&mut self, db: &Database) {
        if self.counts.is_some() {
            return;
        }
        let mut counts = std::collections::HashMap::new();
        for (q, t) in &db.tables {
            if Some(q) != self.open.as_ref() {
                count_names(&mut counts, &q.schema, t);
            }
        }
        self.counts = Some(counts);
    }

    /// Whether a constraint of a table in `schema` is named `name` (after [`Self::build`]).
    fn taken(&self, db: &Database, schema: &Name, name: &str) -> bool {
        let counted = self
            .counts
            .as_ref()
            .is_some_and(|c| c.contains_key(&(schema.clone(), Name::from(name))));
        counted
            || self
                .open
                .as_ref()
                .filter(|t| t.schema == *schema)
                .and_then(|t| db.tables.get(t))
                .is_some_and(|t| t.has_constraint(name))
    }
}

fn free_name(table: &str, columns: &[&str], label: &str, taken: &dyn Fn(&str) -> bool) -> Name {
    let mut name = crate::model::default_names::object_name(table, columns, label);
    let mut n = 0;
    while taken(&name) {
        n += 1;
        name = crate::model::default_names::object_name(table, columns, &format!("{label}{n}"));
    }
    name
}
