use super::{DataType, Location, Name, QualifiedName};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TableKind {
    Ordinary,
    Partitioned,
    Foreign,
}

#[derive(Debug, Clone)]
pub struct Table {
    pub name: QualifiedName,
    pub kind: TableKind,
    pub unlogged: bool,
    /// The partitioned table this one is a partition of.
    pub partition_of: Option<QualifiedName>,
    /// This table is its parent's DEFAULT partition (`pg_partitioned_table.partdefid`).
    pub default_partition: bool,
    /// A partition's bound as SQL (`FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')`,
    /// `DEFAULT`): `pg_get_expr(pg_class.relpartbound)`, or as the migration wrote it.
    /// `None` for a table that is no partition, or whose bound was not read (a table
    /// another session held locked).
    pub partition_bound: Option<String>,
    /// A partitioned table's key (`PARTITION BY`).
    pub partition_key: Option<PartitionKey>,
    /// Parents named in `INHERITS (...)`.
    pub inherits: Vec<QualifiedName>,
    pub columns: Vec<Column>,
    pub primary_key: Option<KeyConstraint>,
    pub unique_constraints: Vec<KeyConstraint>,
    pub checks: Vec<CheckConstraint>,
    pub exclusions: Vec<Name>,
    pub foreign_keys: Vec<ForeignKey>,
    /// Every index, including the ones backing PRIMARY KEY and UNIQUE constraints,
    /// as the catalog lists them in `pg_index`.
    pub indexes: Vec<Index>,
    pub comment: Option<String>,
    pub row_security: bool,
    pub force_row_security: bool,
    pub policies: Vec<Policy>,
    pub location: Option<Location>,
    /// What only a live server knows (row estimate, size); `None` from SQL.
    pub stats: Option<TableStats>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TableStats {
    /// `pg_class.reltuples`: the planner's row estimate (-1 when never analyzed).
    pub estimated_rows: f64,
    /// Table, TOAST and indexes, in bytes: an estimate from `relpages` (kept by
    /// VACUUM and ANALYZE), read without locking the table.
    pub total_bytes: i64,
    /// Sequential plus index scans since statistics were last reset.
    pub scans: i64,
}

impl Table {
    pub fn new(name: QualifiedName, kind: TableKind) -> Self {
        Table {
            name,
            kind,
            unlogged: false,
            partition_of: None,
            default_partition: false,
            partition_bound: None,
            partition_key: None,
            inherits: Vec::new(),
            columns: Vec::new(),
            primary_key: None,
            unique_constraints: Vec::new(),
            checks: Vec::new(),
            exclusions: Vec::new(),
            foreign_keys: Vec::new(),
            indexes: Vec::new(),
            comment: None,
            row_security: false,
            force_row_security: false,
            policies: Vec::new(),
            location: None,
            stats: None,
        }
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn column_mut(&mut self, name: &str) -> Option<&mut Column> {
        self.columns.iter_mut().find(|c| c.name == name)
    }

    pub fn is_partition(&self) -> bool {
        self.partition_of.is_some()
    }

    /// Names of every constraint on the table (they share one namespace per table).
    pub fn has_constraint(&self, name: &str) -> bool {
        self.constraint_names().any(|n| n == name)
    }

    /// The names of the table's constraints: primary key, unique, CHECK, foreign key,
    /// exclusion (a name may repeat across kinds only in a model PostgreSQL refuses).
    pub fn constraint_names(&self) -> impl Iterator<Item = &str> {
        self.primary_key
            .iter()
            .chain(&self.unique_constraints)
            .map(|k| k.name.as_str())
            .chain(self.checks.iter().map(|c| c.name.as_str()))
            .chain(self.foreign_keys.iter().map(|f| f.name.as_str()))
            .chain(self.exclusions.iter().map(|e| e.as_str()))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Identity {
    Always,
    ByDefault,
}

#[derive(Debug, Clone)]
pub struct Column {
    pub name: Name,
    pub data_type: DataType,
    pub not_null: bool,
    /// Default expression, normalised SQL text.
    pub default: Option<String>,
    pub identity: Option<Identity>,
    /// `GENERATED ALWAYS AS (expr) STORED`: the expression.
    pub generated: Option<String>,
    /// Declared `serial`/`bigserial`, or its default is `nextval()` of a sequence it owns.
    pub serial: bool,
    /// A collation other than its type's (`pg_attribute.attcollation` against
    /// `pg_type.typcollation`), named as PostgreSQL prints it unquoted: `C`, `en_US`,
    /// or `schema.name` outside `pg_catalog`.
    pub collation: Option<String>,
    pub comment: Option<String>,
    pub location: Option<Location>,
}

impl Column {
    pub fn new(name: impl Into<Name>, data_type: DataType) -> Self {
        Column {
            name: name.into(),
            data_type,
            not_null: false,
            default: None,
            identity: None,
            generated: None,
            serial: false,
            collation: None,
            comment: None,
            location: None,
        }
    }
}

/// PRIMARY KEY or UNIQUE constraint.
#[derive(Debug, Clone)]
pub struct KeyConstraint {
    pub name: Name,
    pub columns: Vec<Name>,
    pub include: Vec<Name>,
    pub nulls_not_distinct: bool,
    pub deferrable: bool,
    pub location: Option<Location>,
}

#[derive(Debug, Clone)]
pub struct CheckConstraint {
    pub name: Name,
    /// Normalised SQL text of the expression.
    pub expression: String,
    pub validated: bool,
    pub location: Option<Location>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FkAction {
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

impl FkAction {
    /// From the one-letter code PostgreSQL uses in `pg_constraint.confdeltype` and
    /// its parse trees: `a` no action, `r` restrict, `c` cascade, `n` set null,
    /// `d` set default.
    pub fn from_code(code: &str) -> FkAction {
        match code {
            "r" => FkAction::Restrict,
            "c" => FkAction::Cascade,
            "n" => FkAction::SetNull,
            "d" => FkAction::SetDefault,
            _ => FkAction::NoAction,
        }
    }

    pub fn sql(self) -> &'static str {
        match self {
            FkAction::NoAction => "NO ACTION",
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchType {
    Simple,
    Full,
    Partial,
}

#[derive(Debug, Clone)]
pub struct ForeignKey {
    pub name: Name,
    pub columns: Vec<Name>,
    pub references: QualifiedName,
    /// Referenced columns; resolved to the parent's primary key when omitted in SQL.
    pub referenced_columns: Vec<Name>,
    pub on_delete: FkAction,
    pub on_update: FkAction,
    /// `ON DELETE SET NULL (col, ...)`: the subset of columns set (empty = all).
    pub delete_set_columns: Vec<Name>,
    pub match_type: MatchType,
    pub deferrable: bool,
    pub initially_deferred: bool,
    pub validated: bool,
    pub location: Option<Location>,
}

impl ForeignKey {
    /// Columns the ON DELETE action writes to.
    pub fn delete_target_columns(&self) -> &[Name] {
        if self.delete_set_columns.is_empty() {
            &self.columns
        } else {
            &self.delete_set_columns
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum IndexKey {
    Column(Name),
    /// Normalised SQL text of an expression key.
    Expression(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IndexElement {
    pub key: IndexKey,
    pub descending: bool,
    /// NULLS FIRST in effect: written, or the default of a DESC key (`indoption`).
    pub nulls_first: bool,
    /// A non-default operator class, as written (`text_pattern_ops`).
    pub opclass: Option<String>,
    /// A collation other than the key's own (`"C"` for `name COLLATE "C"`).
    pub collation: Option<String>,
}

impl IndexElement {
    pub fn column_name(&self) -> Option<&str> {
        match &self.key {
            IndexKey::Column(c) => Some(c),
            IndexKey::Expression(_) => None,
        }
    }

    pub fn sql(&self) -> String {
        let mut out = match &self.key {
            IndexKey::Column(c) => super::names::quote_ident(c),
            IndexKey::Expression(e) => format!("({e})"),
        };
        if let Some(c) = &self.collation {
            // As written in SQL (`"C"`), or as the catalog names it (`C`,
            // `pg_catalog.C`): then each part is quoted where PostgreSQL needs it.
            if c.starts_with('"') {
                out.push_str(&format!(" COLLATE {c}"));
            } else {
                let parts: Vec<String> = c.split('.').map(super::names::quote_ident).collect();
                out.push_str(&format!(" COLLATE {}", parts.join(".")));
            }
        }
        if let Some(o) = &self.opclass {
            out.push_str(&format!(" {o}"));
        }
        if self.descending {
            out.push_str(" DESC");
        }
        if self.nulls_first != self.descending {
            out.push_str(if self.nulls_first {
                " NULLS FIRST"
            } else {
                " NULLS LAST"
            });
        }
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IndexRole {
    /// A plain `CREATE INDEX`.
    Plain,
    PrimaryKey,
    UniqueConstraint,
    Exclusion,
}

#[derive(Debug, Clone)]
pub struct Index {
    pub name: QualifiedName,
    pub table: QualifiedName,
    pub method: Name,
    pub unique: bool,
    pub nulls_not_distinct: bool,
    pub keys: Vec<IndexElement>,
    pub include: Vec<Name>,
    /// Partial index predicate, normalised SQL text.
    pub predicate: Option<String>,
    /// False for an index left invalid (failed CONCURRENTLY build, `ON ONLY` parent).
    pub valid: bool,
    /// A partitioned index created `ON ONLY` while a partition lacked a matching
    /// index: invalid until every partition's index is attached (then false, as the
    /// catalog shows it). `ON ONLY` on a table with no partitions yet is valid.
    pub only_parent: bool,
    pub role: IndexRole,
    pub location: Option<Location>,
    /// Live only: scans since statistics were reset, size, and whether a
    /// `CREATE INDEX CONCURRENTLY` is building it right now.
    pub stats: Option<IndexStats>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexStats {
    /// `idx_scan`: scans since statistics were last reset.
    pub scans: i64,
    /// Bytes: an estimate from `relpages` (kept by VACUUM and ANALYZE), read without
    /// locking the index.
    pub size_bytes: i64,
    /// A `CREATE INDEX CONCURRENTLY` is building it right now.
    pub being_built: bool,
}

impl Index {
    /// Key columns when every key is a plain column; `None` if any is an expression.
    pub fn plain_key_columns(&self) -> Option<Vec<&str>> {
        self.keys.iter().map(IndexElement::column_name).collect()
    }

    pub fn keys_sql(&self) -> String {
        self.keys
            .iter()
            .map(IndexElement::sql)
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn is_constraint(&self) -> bool {
        self.role != IndexRole::Plain
    }
}

#[derive(Debug, Clone)]
pub struct EnumType {
    pub name: QualifiedName,
    pub values: Vec<Name>,
    pub location: Option<Location>,
}

#[derive(Debug, Clone)]
pub struct Domain {
    pub name: QualifiedName,
    pub base: DataType,
    pub not_null: bool,
    /// The domain's default (`pg_get_expr(pg_type.typdefaultbin)`; `DEFAULT NULL` is
    /// none: PostgreSQL stores none for it). Columns of the domain without a default
    /// of their own take it.
    pub default: Option<String>,
    pub checks: Vec<String>,
    pub location: Option<Location>,
}

/// `pg_proc.provolatile`: whether a function may return different results for the
/// same arguments (see "Function Volatility Categories", xfunc-volatility.html).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Volatility {
    Immutable,
    Stable,
    Volatile,
}

impl Volatility {
    /// The keyword (`IMMUTABLE`, `STABLE`, `VOLATILE`), from any case.
    pub fn parse(word: &str) -> Option<Volatility> {
        match word.to_ascii_lowercase().as_str() {
            "immutable" | "i" => Some(Volatility::Immutable),
            "stable" | "s" => Some(Volatility::Stable),
            "volatile" | "v" => Some(Volatility::Volatile),
            _ => None,
        }
    }
}

/// A function created by the replayed SQL: what a call's volatility depends on.
#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    pub name: QualifiedName,
    /// The input arguments' types as written (IN, INOUT and VARIADIC), its identity
    /// for `CREATE OR REPLACE`, `ALTER` and `DROP`.
    pub arg_types: Vec<String>,
    /// How many trailing arguments have defaults (a call may leave them out).
    pub defaults: usize,
    /// The last argument is VARIADIC: a call may pass any number from there on.
    pub variadic: bool,
    /// As declared; VOLATILE when the declaration does not say.
    pub volatility: Volatility,
    /// For a `LANGUAGE sql` function PostgreSQL inlines (a body of one `SELECT expr`
    /// or `RETURN expr`, not SECURITY DEFINER, no SET, not SETOF): the expression.
    /// The planner replaces a call to such a VOLATILE function by its body, so the
    /// body's volatility is what counts (`inline_function` in clauses.c).
    pub inline_body: Option<String>,
}

impl Function {
    /// Whether a call passing `args` arguments can mean this function.
    pub fn accepts(&self, args: usize) -> bool {
        let max = self.arg_types.len();
        let min = max.saturating_sub(self.defaults + usize::from(self.variadic));
        args >= min && (self.variadic || args <= max)
    }
}

/// `PARTITION BY strategy (columns)`: a column per key part, `None` for an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionKey {
    pub strategy: PartitionStrategy,
    pub columns: Vec<Option<Name>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartitionStrategy {
    Range,
    List,
    Hash,
}

#[derive(Debug, Clone)]
pub struct View {
    pub name: QualifiedName,
    pub materialized: bool,
    /// Whether a materialized view holds data (`pg_class.relispopulated`): false after
    /// `WITH NO DATA` until a refresh fills it; true for plain views.
    pub populated: bool,
    /// A materialized view's unique indexes that `REFRESH MATERIALIZED VIEW
    /// CONCURRENTLY` can use: valid, no WHERE clause, column keys only (the server
    /// refuses CONCURRENTLY without one).
    pub unique_indexes: Vec<Name>,
    /// Output column names, in order (`pg_attribute`; replay: the query's select list
    /// with `*` expanded, renamed by the view's column list).
    pub columns: Vec<Name>,
    /// The query: as `pg_get_viewdef` prints it (live), or as written with each `*`
    /// expanded to the columns it stood for at `CREATE` (replay). `None` when it was
    /// not read: a statement too large to decode in full, a `*` over a relation the
    /// model does not hold, or a view on a table another session held locked.
    pub query: Option<String>,
    pub location: Option<Location>,
}

#[derive(Debug, Clone)]
pub struct Sequence {
    pub name: QualifiedName,
    pub data_type: DataType,
    /// `pg_sequence`'s parameters.
    pub params: SequenceParams,
    /// `OWNED BY table.column`.
    pub owned_by: Option<(QualifiedName, Name)>,
    /// Live only: the last value handed out (NULL before the first `nextval`).
    pub last_value: Option<i64>,
    pub location: Option<Location>,
}

/// A sequence's parameters as `pg_sequence` holds them (`seqincrement`, `seqmin`,
/// `seqmax`, `seqstart`, `seqcache`, `seqcycle`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SequenceParams {
    pub increment: i64,
    pub min_value: i64,
    pub max_value: i64,
    pub start: i64,
    pub cache: i64,
    pub cycle: bool,
}

/// Parameters a `CREATE`/`ALTER SEQUENCE` (or an identity's options) gives; `min_value`
/// and `max_value` are `Some(None)` for `NO MINVALUE`/`NO MAXVALUE`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SequenceOptions {
    pub increment: Option<i64>,
    pub min_value: Option<Option<i64>>,
    pub max_value: Option<Option<i64>>,
    pub start: Option<i64>,
    pub cache: Option<i64>,
    pub cycle: Option<bool>,
}

impl SequenceOptions {
    pub fn is_empty(&self) -> bool {
        *self == SequenceOptions::default()
    }
}

/// The range of a sequence's type: `smallint`, `integer`, else `bigint`.
fn type_range(data_type: &DataType) -> (i64, i64) {
    match data_type.name.as_str() {
        "smallint" => (i16::MIN.into(), i16::MAX.into()),
        "integer" => (i32::MIN.into(), i32::MAX.into()),
        _ => (i64::MIN, i64::MAX),
    }
}

impl SequenceParams {
    /// What `CREATE SEQUENCE … AS data_type` with `options` makes (`init_params` in
    /// PostgreSQL's sequence.c): increment 1, the type's range above zero (below it
    /// for a negative increment), starting at the end it counts from, cache 1.
    pub fn new(data_type: &DataType, options: &SequenceOptions) -> SequenceParams {
        let mut p = SequenceParams {
            increment: 1,
            min_value: 1,
            max_value: type_range(data_type).1,
            start: 1,
            cache: 1,
            cycle: false,
        };
        p.apply(data_type, options, true, None);
        p
    }

    /// `ALTER SEQUENCE`: the options given, and with a new type (`AS`) a minimum or
    /// maximum that was the old type's limit becomes the new type's.
    pub fn alter(&mut self, data_type: &DataType, options: &SequenceOptions, old_type: &DataType) {
        self.apply(data_type, options, false, Some(old_type));
    }

    fn apply(
        &mut self,
        data_type: &DataType,
        options: &SequenceOptions,
        init: bool,
        old_type: Option<&DataType>,
    ) {
        let (mut reset_min, mut reset_max) = (init, init);
        if let Some(old) = old_type.filter(|o| *o != data_type) {
            let (old_min, old_max) = type_range(old);
            reset_max |= self.max_value == old_max;
            reset_min |= self.min_value == old_min;
        }
        if let Some(i) = options.increment {
            self.increment = i;
        }
        if let Some(c) = options.cycle {
            self.cycle = c;
        }
        let (type_min, type_max) = type_range(data_type);
        match options.max_value {
            Some(Some(m)) => {
                self.max_value = m;
                reset_max = false;
            }
            Some(None) => reset_max = true,
            None => {}
        }
        if reset_max {
            self.max_value = if self.increment > 0 { type_max } else { -1 };
        }
        match options.min_value {
            Some(Some(m)) => {
                self.min_value = m;
                reset_min = false;
            }
            Some(None) => reset_min = true,
            None => {}
        }
        if reset_min {
            self.min_value = if self.increment > 0 { 1 } else { type_min };
        }
        match options.start {
            Some(s) => self.start = s,
            None if init => {
                self.start = if self.increment > 0 {
                    self.min_value
                } else {
                    self.max_value
                }
            }
            None => {}
        }
        if let Some(c) = options.cache {
            self.cache = c;
        }
    }
}

#[derive(Debug, Clone)]
pub struct Policy {
    pub name: String,
    pub command: String,
    pub permissive: bool,
    pub roles: Vec<String>,
    pub using: Option<String>,
    pub with_check: Option<String>,
}
