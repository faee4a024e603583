//! What a parsed statement does to the schema, in dblint's own vocabulary. The parser
//! glue (`parse.rs`) is the only code that sees pg_query nodes; replay and rules see
//! these types.

use crate::model::{
    Column, DataType, FkAction, Identity, IndexElement, MatchType, Name, PartitionKey, Policy,
    Volatility,
};

/// A possibly schema-qualified name as written; replay resolves it against the
/// search path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectName {
    pub schema: Option<Name>,
    pub name: Name,
}

impl std::fmt::Display for ObjectName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.schema {
            Some(s) => write!(f, "{s}.{}", self.name),
            None => write!(f, "{}", self.name),
        }
    }
}

#[derive(Debug, Clone)]
pub enum Statement {
    CreateSchema {
        name: Name,
    },
    CreateTable(CreateTable),
    CreateView {
        name: ObjectName,
        materialized: bool,
        /// A materialized view created `WITH NO DATA` is not populated (plain views
        /// and `WITH DATA`: true).
        with_data: bool,
        /// The query as pg_query prints it; `None` when not decoded (large statements).
        query: Option<String>,
        /// `CREATE VIEW v (a, b)`: the names given to the first output columns.
        columns: Vec<Name>,
    },
    /// `REFRESH MATERIALIZED VIEW [CONCURRENTLY] name [WITH [NO] DATA]`.
    RefreshMatView {
        name: ObjectName,
        concurrently: bool,
        with_data: bool,
    },
    AlterTable {
        table: ObjectName,
        /// `ALTER TABLE ONLY`: not recursed to partitions or children.
        only: bool,
        missing_ok: bool,
        actions: Vec<TableAction>,
    },
    CreateIndex(CreateIndex),
    Drop {
        kind: ObjectKind,
        objects: Vec<ObjectName>,
        missing_ok: bool,
        cascade: bool,
        concurrently: bool,
    },
    Rename {
        kind: ObjectKind,
        object: ObjectName,
        new_name: Name,
    },
    RenameColumn {
        table: ObjectName,
        column: Name,
        new_name: Name,
    },
    RenameConstraint {
        table: ObjectName,
        constraint: Name,
        new_name: Name,
    },
    SetSchema {
        kind: ObjectKind,
        object: ObjectName,
        new_schema: Name,
    },
    CreateEnum {
        name: ObjectName,
        values: Vec<Name>,
    },
    AlterEnumAddValue {
        name: ObjectName,
        value: Name,
        before: Option<Name>,
        after: Option<Name>,
    },
    AlterEnumRenameValue {
        name: ObjectName,
        old: Name,
        new: Name,
    },
    CreateDomain {
        name: ObjectName,
        base: TypeRef,
        not_null: bool,
        /// `DEFAULT`: `Some(Some(expression))` for a value, `Some(None)` for the null
        /// value (which removes a default the base domain would give), `None` without
        /// one.
        default: Option<Option<String>>,
        checks: Vec<String>,
    },
    /// `CREATE [OR REPLACE] [CONSTRAINT] TRIGGER ... ON table`.
    CreateTrigger {
        table: ObjectName,
    },
    /// `DROP TRIGGER [IF EXISTS] name ON table`.
    DropTrigger {
        table: ObjectName,
        missing_ok: bool,
    },
    /// `ALTER DOMAIN name ...`.
    AlterDomain {
        name: ObjectName,
        action: DomainAction,
    },
    CreateSequence {
        name: ObjectName,
        data_type: Option<TypeRef>,
        owned_by: Option<(ObjectName, Name)>,
        options: crate::model::SequenceOptions,
    },
    /// `ALTER SEQUENCE`: `AS type` when given; `OWNED BY` when given (`Some(None)`
    /// for `OWNED BY NONE`).
    AlterSequence {
        name: ObjectName,
        data_type: Option<TypeRef>,
        owned_by: Option<Option<(ObjectName, Name)>>,
        options: crate::model::SequenceOptions,
    },
    Comment {
        target: CommentTarget,
        text: Option<String>,
    },
    CreatePolicy {
        table: ObjectName,
        policy: Policy,
    },
    AttachIndexPartition {
        parent: ObjectName,
        child: ObjectName,
    },
    /// `CREATE [OR REPLACE] FUNCTION` (procedures are `Other`: a default cannot call
    /// them).
    CreateFunction {
        function: FunctionSpec,
        replace: bool,
    },
    /// `ALTER FUNCTION name[(types)] ...`: what it changes of a function's volatility.
    AlterFunction {
        function: FunctionRef,
        /// `IMMUTABLE` / `STABLE` / `VOLATILE`, if it says one.
        volatility: Option<Volatility>,
        /// `SECURITY DEFINER` or `SET ...`: PostgreSQL no longer inlines it.
        stops_inlining: bool,
    },
    /// `DROP FUNCTION [IF EXISTS] name[(types)], ...`
    DropFunction {
        functions: Vec<FunctionRef>,
        missing_ok: bool,
    },
    /// `SET search_path` as written (`RESET` and `DEFAULT` give the server's default,
    /// `"$user", public`); pg_dump's `set_config('search_path', '', false)` is empty.
    SetSearchPath(Vec<Name>),
    /// `BEGIN` / `START TRANSACTION` (`begin`) or `COMMIT` / `END` / `PREPARE
    /// TRANSACTION` / `ROLLBACK` (`rollback` for the last, `ABORT` too).
    Transaction {
        begin: bool,
        rollback: bool,
    },
    /// `SET [LOCAL] name = value`, `RESET name` (value `default`) and
    /// `set_config(name, value, is_local)` for the settings migration review follows
    /// (`lock_timeout`, `statement_timeout`, `timezone`; `all` for `RESET ALL`).
    SetConfig {
        name: String,
        value: String,
        local: bool,
    },
    Reindex {
        concurrently: bool,
        table: Option<ObjectName>,
        index: Option<ObjectName>,
    },
    Vacuum {
        full: bool,
        tables: Vec<ObjectName>,
    },
    Cluster {
        table: Option<ObjectName>,
    },
    LockTable {
        tables: Vec<ObjectName>,
        mode: String,
    },
    Truncate {
        tables: Vec<ObjectName>,
    },
    /// `UPDATE` or `DELETE` of a table: a data change, judged as a backfill.
    RowChange {
        delete: bool,
        table: ObjectName,
        /// The statement has a WHERE clause.
        filtered: bool,
        /// How its WHERE clause's top-level AND terms compare columns of the table
        /// with constants: what can bound the rows to a batch when the column is a
        /// key.
        bounds: Vec<(Name, Bound)>,
        /// Columns its top-level AND terms match against a subquery with a LIMIT
        /// (`id IN (SELECT id … LIMIT 1000)`, `ctid = ANY (ARRAY(SELECT … LIMIT n))`).
        limited_columns: Vec<Name>,
    },
    /// Statements that do not change the schema's shape (SET, GRANT, functions,
    /// triggers, INSERT, ...), with the tag for diagnostics and statistics.
    Other {
        tag: String,
    },
}

/// How a WHERE term compares a column with constants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// `=`, `IN (list)`, `= ANY (array)`: as many rows as values, on a key.
    Equal,
    /// `BETWEEN`: a range.
    Between,
    /// `>`, `>=` (or the constant on the left of `<`): from below only.
    Lower,
    /// `<`, `<=`: from above only.
    Upper,
}

/// A function as `CREATE FUNCTION` declares it (see [`crate::model::Function`]).
#[derive(Debug, Clone)]
pub struct FunctionSpec {
    pub name: ObjectName,
    pub arg_types: Vec<String>,
    pub defaults: usize,
    pub variadic: bool,
    pub volatility: Volatility,
    pub inline_body: Option<String>,
}

/// A function named by `ALTER` or `DROP FUNCTION`: its argument types when given.
#[derive(Debug, Clone)]
pub struct FunctionRef {
    pub name: ObjectName,
    pub arg_types: Option<Vec<String>>,
}

/// A type as written: the canonical type plus whether it was declared `serial`, and
/// whether it still needs its schema resolved (user-defined types written unqualified).
#[derive(Debug, Clone)]
pub struct TypeRef {
    pub data_type: DataType,
    pub serial: bool,
    pub builtin: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    Table,
    View,
    MaterializedView,
    Index,
    Sequence,
    Type,
    Domain,
    Schema,
    ForeignTable,
    Other,
}

#[derive(Debug, Clone)]
pub enum CommentTarget {
    Table(ObjectName),
    Column(ObjectName, Name),
    Other,
}

#[derive(Debug, Clone)]
pub struct CreateTable {
    pub name: ObjectName,
    pub partitioned: bool,
    pub foreign: bool,
    pub unlogged: bool,
    /// `CREATE TEMP TABLE`, `SELECT … INTO TEMP`: it lives in the session's own
    /// schema until the session ends (or its transaction commits, `ON COMMIT DROP`),
    /// so it is never part of the schema.
    pub temporary: bool,
    pub if_not_exists: bool,
    pub partition_of: Option<ObjectName>,
    /// `PARTITION OF parent DEFAULT`.
    pub default_partition: bool,
    /// `PARTITION OF parent FOR VALUES …` / `DEFAULT`: the bound as SQL.
    pub partition_bound: Option<String>,
    /// `PARTITION BY ...`.
    pub partition_key: Option<PartitionKey>,
    pub inherits: Vec<ObjectName>,
    /// `LIKE other`: columns copied from another table.
    pub like: Vec<ObjectName>,
    pub columns: Vec<ColumnSpec>,
    pub constraints: Vec<ConstraintSpec>,
    /// Created by `CREATE TABLE AS` / `SELECT INTO`: columns inferred from the query.
    pub from_query: bool,
    pub query_columns: Vec<QueryColumn>,
}

/// A column of `CREATE TABLE AS SELECT ...`, with what the query says of its type.
#[derive(Debug, Clone)]
pub struct QueryColumn {
    pub name: Name,
    /// A cast in the select list (`NULL::int`).
    pub cast: Option<TypeRef>,
    /// A bare column reference: its type is the source column's, looked up among
    /// the tables of the FROM clause.
    pub source_column: Option<Name>,
    pub from_tables: Vec<ObjectName>,
    /// Passed through `max` / `min`, which have no `character varying` form: a
    /// varchar comes out as `text`.
    pub aggregated: bool,
}

#[derive(Debug, Clone)]
pub struct ColumnSpec {
    /// The column; its type still needs user-type schema resolution (see `type_ref`).
    pub column: Column,
    /// An identity column's sequence options.
    pub sequence_options: crate::model::SequenceOptions,
    pub type_builtin: bool,
    /// Inline constraints (`REFERENCES`, `UNIQUE`, `PRIMARY KEY`, `CHECK`), with
    /// their column list filled in.
    pub constraints: Vec<ConstraintSpec>,
}

#[derive(Debug, Clone)]
pub enum ConstraintSpec {
    PrimaryKey(KeySpec),
    Unique(KeySpec),
    Check {
        name: Option<Name>,
        expression: String,
        not_valid: bool,
    },
    ForeignKey(ForeignKeySpec),
    /// `EXCLUDE USING method (element WITH operator, …) [INCLUDE (…)] [WHERE (…)]`:
    /// the constraint and the index PostgreSQL builds for it.
    Exclusion {
        name: Option<Name>,
        method: Name,
        keys: Vec<crate::model::IndexElement>,
        include: Vec<Name>,
        predicate: Option<String>,
    },
    NotNull {
        column: Name,
    },
}

#[derive(Debug, Clone)]
pub struct KeySpec {
    pub name: Option<Name>,
    pub columns: Vec<Name>,
    pub include: Vec<Name>,
    pub nulls_not_distinct: bool,
    pub deferrable: bool,
    /// `ADD CONSTRAINT ... PRIMARY KEY USING INDEX idx`.
    pub using_index: Option<Name>,
}

#[derive(Debug, Clone)]
pub struct ForeignKeySpec {
    pub name: Option<Name>,
    pub columns: Vec<Name>,
    pub references: ObjectName,
    pub referenced_columns: Vec<Name>,
    pub on_delete: FkAction,
    pub on_update: FkAction,
    pub delete_set_columns: Vec<Name>,
    pub match_type: MatchType,
    pub deferrable: bool,
    pub initially_deferred: bool,
    pub not_valid: bool,
}

#[derive(Debug, Clone)]
pub enum TableAction {
    AddColumn {
        column: ColumnSpec,
        if_not_exists: bool,
    },
    DropColumn {
        name: Name,
        missing_ok: bool,
        /// `CASCADE`: also what depends on the column from outside the table.
        cascade: bool,
    },
    AlterColumnType {
        column: Name,
        data_type: TypeRef,
        using: Using,
        /// `COLLATE x`; without it the column takes the new type's collation.
        collation: Option<String>,
    },
    SetDefault {
        column: Name,
        default: Option<String>,
    },
    SetNotNull {
        column: Name,
    },
    DropNotNull {
        column: Name,
    },
    AddConstraint(ConstraintSpec),
    DropConstraint {
        name: Name,
        missing_ok: bool,
    },
    ValidateConstraint {
        name: Name,
    },
    /// `ALTER CONSTRAINT name [NOT] DEFERRABLE [INITIALLY DEFERRED | IMMEDIATE]` (a
    /// foreign key's; `None`: it changes something else, such as ENFORCED).
    AlterConstraint {
        name: Name,
        deferrability: Option<(bool, bool)>,
    },
    AddIdentity {
        column: Name,
        identity: Identity,
        /// The identity's sequence options (`START WITH`, `INCREMENT BY`, …).
        options: crate::model::SequenceOptions,
    },
    DropIdentity {
        column: Name,
    },
    /// `ALTER COLUMN … SET GENERATED ALWAYS | BY DEFAULT` (and/or sequence options):
    /// the new kind, `None` when only the sequence's options change.
    SetIdentity {
        column: Name,
        identity: Option<Identity>,
        options: crate::model::SequenceOptions,
    },
    AttachPartition {
        partition: ObjectName,
        bound: PartitionBound,
        /// The bound as SQL (`FOR VALUES …`, `DEFAULT`).
        bound_sql: String,
    },
    DetachPartition {
        partition: ObjectName,
        /// `DETACH PARTITION ... CONCURRENTLY` (PostgreSQL 14+).
        concurrently: bool,
    },
    RowSecurity(bool),
    ForceRowSecurity(bool),
    SetLogged(bool),
    AddInherit(ObjectName),
    DropInherit(ObjectName),
    /// `ENABLE [ALWAYS | REPLICA] TRIGGER ...` (true) / `DISABLE TRIGGER ...` (false).
    Trigger {
        enable: bool,
        which: TriggerSet,
    },
    /// Owner, storage, statistics, triggers, ...: no effect on the model.
    Other,
}

/// The `USING` clause of `ALTER COLUMN ... TYPE`, as far as the rewrite decision
/// needs it.
#[derive(Debug, Clone)]
pub enum Using {
    /// No USING, or the bare column.
    Column,
    /// The column under casts, innermost first (`col::varchar(50)::text`,
    /// `CAST(col AS text)`).
    Casts(Vec<TypeRef>),
    /// Anything else (a function, an operator, another column), as SQL text.
    Other(String),
}

/// The triggers `ENABLE` / `DISABLE TRIGGER` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TriggerSet {
    /// One trigger by name.
    Named(Name),
    /// `ALL`: every trigger, including the internal ones that enforce foreign keys.
    All,
    /// `USER`: every trigger except the internal ones.
    User,
}

/// What `ALTER DOMAIN` does.
#[derive(Debug, Clone, PartialEq)]
pub enum DomainAction {
    /// `ADD [CONSTRAINT name] CHECK (...) [NOT VALID]`.
    AddCheck {
        name: Option<Name>,
        expression: String,
        not_valid: bool,
    },
    ValidateConstraint {
        name: Name,
    },
    SetNotNull,
    DropNotNull,
    /// `SET DEFAULT expr` (the expression, unless it is the null value) or `DROP
    /// DEFAULT` (`None`).
    SetDefault(Option<String>),
    /// DROP CONSTRAINT, owner, rename, ...
    Other,
}

/// A partition's bound as written in `ATTACH PARTITION ... FOR VALUES`.
#[derive(Debug, Clone, PartialEq)]
pub enum PartitionBound {
    Default,
    Range {
        from: Vec<BoundValue>,
        to: Vec<BoundValue>,
    },
    List(Vec<BoundValue>),
    Hash,
}

/// One value of a bound.
#[derive(Debug, Clone, PartialEq)]
pub enum BoundValue {
    MinValue,
    MaxValue,
    Null,
    /// A constant: its value without casts (`2024-01-01`, `42`) and its SQL as written.
    Literal {
        value: String,
        sql: String,
    },
    /// Anything else (an expression, PostgreSQL 12+ evaluates it).
    Other,
}

#[derive(Debug, Clone)]
pub struct CreateIndex {
    pub name: Option<Name>,
    pub table: ObjectName,
    /// `ON ONLY parent`: not recursed to partitions.
    pub only: bool,
    pub unique: bool,
    pub nulls_not_distinct: bool,
    pub method: Name,
    pub keys: Vec<IndexElement>,
    pub include: Vec<Name>,
    pub predicate: Option<String>,
    pub concurrently: bool,
    pub if_not_exists: bool,
}

impl Statement {
    /// Call `f` on the SQL text of every expression the statement carries (defaults,
    /// generated columns, checks, index keys and predicates, policies).
    pub fn for_each_expression(&mut self, f: &mut dyn FnMut(&mut String)) {
        match self {
            Statement::CreateTable(t) => {
                for column in &mut t.columns {
                    column.for_each_expression(f);
                }
                for constraint in &mut t.constraints {
                    constraint.for_each_expression(f);
                }
            }
            Statement::AlterTable { actions, .. } => {
                for action in actions {
                    match action {
                        TableAction::AddColumn { column, .. } => column.for_each_expression(f),
                        TableAction::SetDefault {
                            default: Some(d), ..
                        } => f(d),
                        TableAction::AddConstraint(c) => c.for_each_expression(f),
                        _ => {}
                    }
                }
            }
            Statement::CreateIndex(index) => {
                for key in &mut index.keys {
                    if let crate::model::IndexKey::Expression(e) = &mut key.key {
                        f(e);
                    }
                }
                index.predicate.iter_mut().for_each(f);
            }
            Statement::CreateDomain { checks, .. } => checks.iter_mut().for_each(f),
            Statement::CreatePolicy { policy, .. } => {
                policy.using.iter_mut().for_each(&mut *f);
                policy.with_check.iter_mut().for_each(f);
            }
            _ => {}
        }
    }
}

impl ColumnSpec {
    fn for_each_expression(&mut self, f: &mut dyn FnMut(&mut String)) {
        self.column.default.iter_mut().for_each(&mut *f);
        self.column.generated.iter_mut().for_each(&mut *f);
        for constraint in &mut self.constraints {
            constraint.for_each_expression(f);
        }
    }
}

impl ConstraintSpec {
    fn for_each_expression(&mut self, f: &mut dyn FnMut(&mut String)) {
        if let ConstraintSpec::Check { expression, .. } = self {
            f(expression);
        }
    }
}
