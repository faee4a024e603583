//! The schema model: one in-memory picture of a PostgreSQL schema, filled either by
//! replaying SQL (`source::sql`) or, later, by reading a live catalog. Rules only ever
//! see these types, never parser nodes or database rows.

pub mod default_names;
mod names;
mod objects;
pub mod opclasses;
mod partitions;
mod types;

pub use names::{needs_quotes, quote_ident, Location, Name, QualifiedName};
pub use objects::*;
pub use partitions::PartitionIndex;
pub use types::DataType;

use std::collections::{BTreeMap, BTreeSet};

/// Whether a default expression, as replay keeps it, is the null value (`NULL`,
/// `NULL::bigint`, `(NULL)`, `CAST(NULL AS bigint)`): PostgreSQL stores no default
/// for it ("If the expression is just a NULL constant, we do not bother to make an
/// explicit pg_attrdef entry", `AddRelationNewConstraints`; `DefineDomain` likewise),
/// so existing rows get NULL as with no default at all.
pub fn is_null_default(default: &str) -> bool {
    let d = default.trim().to_ascii_lowercase();
    let d = d.trim_start_matches('(').trim_end_matches(')').trim();
    d == "null" || d.starts_with("null::") || d.starts_with("cast(null as ")
}

/// Everything dblint knows about one database schema.
#[derive(Debug, Default, Clone)]
pub struct Database {
    pub schemas: BTreeSet<Name>,
    pub tables: BTreeMap<QualifiedName, Table>,
    pub enums: BTreeMap<QualifiedName, EnumType>,
    pub domains: BTreeMap<QualifiedName, Domain>,
    pub views: BTreeMap<QualifiedName, View>,
    pub sequences: BTreeMap<QualifiedName, Sequence>,
    /// Index name → the table that owns it (index names are unique per schema).
    pub index_owner: BTreeMap<QualifiedName, QualifiedName>,
    /// Functions the replayed SQL created (each name's overloads), for the volatility
    /// of column defaults (`source::sql::volatility`). Replay only: `inspect` leaves
    /// it empty and the parity comparison (`crate::compare::facts`) leaves it out, since only
    /// migration review, which always replays, asks about volatility.
    pub functions: BTreeMap<QualifiedName, Vec<Function>>,
    /// Set when the model was read from a live server.
    pub live: Option<LiveInfo>,
    /// Table locks held by transactions that run nothing, at the moment `inspect`
    /// read the catalog (live only; empty from SQL).
    pub held_locks: Vec<HeldLock>,
    /// Partitions by parent: a lookup for [`Database::partitions`], not part of the
    /// model's value (see `model/partitions.rs`).
    pub partition_index: PartitionIndex,
}

/// A table lock granted to a transaction that is not running a statement: a session
/// idle in a transaction, or a prepared transaction. Read from `pg_locks`,
/// `pg_stat_activity` and `pg_prepared_xacts` (`source::catalog::queries::held_locks`).
#[derive(Debug, Clone, PartialEq)]
pub struct HeldLock {
    pub table: QualifiedName,
    /// The lock mode as `pg_locks.mode` spells it (`ShareLock`).
    pub mode: String,
    pub holder: LockHolder,
    /// Seconds the lock has been held at least: since the session went idle
    /// (`pg_stat_activity.state_change`) or the transaction was prepared
    /// (`pg_prepared_xacts.prepared`).
    pub held_seconds: f64,
    /// The table's use since its statistics were reset (`pg_stat_user_tables`): index
    /// scans (`idx_scan`), rows read by sequential scans (`seq_tup_read`; not
    /// `seq_scan`, which counts index builds too) and rows inserted, updated or
    /// deleted.
    pub use_since_reset: TableUse,
    /// Sessions waiting for a lock on the table at that moment.
    pub waiting: i64,
}

/// How much a table was used (see [`HeldLock::use_since_reset`]).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TableUse {
    pub index_scans: i64,
    pub rows_read_sequentially: i64,
    pub rows_written: i64,
}

impl TableUse {
    /// Read or written at all.
    pub fn any(&self) -> bool {
        self.index_scans + self.rows_read_sequentially + self.rows_written > 0
    }
}

/// Who holds a [`HeldLock`].
#[derive(Debug, Clone, PartialEq)]
pub enum LockHolder {
    /// A client session idle in a transaction (`pg_stat_activity.pid`, `usename`).
    Session { pid: i32, role: String },
    /// A prepared transaction (`PREPARE TRANSACTION`), by its global identifier.
    Prepared { gid: String },
}

/// What a live server tells about itself.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LiveInfo {
    pub server_version: i32,
    /// Days the usage statistics cover (since `stats_reset`, or server start).
    pub stats_age_days: f64,
}

impl Database {
    /// Release the spare capacity replay left behind (vectors grow by doubling);
    /// on large schemas this is a good share of the model's memory.
    pub fn shrink_to_fit(&mut self) {
        for table in self.tables.values_mut() {
            table.columns.shrink_to_fit();
            table.indexes.shrink_to_fit();
            table.foreign_keys.shrink_to_fit();
            table.unique_constraints.shrink_to_fit();
            table.checks.shrink_to_fit();
            for index in &mut table.indexes {
                index.keys.shrink_to_fit();
            }
        }
    }

    /// The column names of table or view `name`, in order; `None` when it holds neither.
    pub fn relation_columns(&self, name: &QualifiedName) -> Option<Vec<String>> {
        if let Some(t) = self.tables.get(name) {
            return Some(t.columns.iter().map(|c| c.name.to_string()).collect());
        }
        let v = self.views.get(name)?;
        Some(v.columns.iter().map(|c| c.to_string()).collect())
    }

    pub fn table(&self, name: &QualifiedName) -> Option<&Table> {
        self.tables.get(name)
    }

    /// Every foreign key of the schema with the table that declares it.
    pub fn foreign_keys(&self) -> impl Iterator<Item = (&Table, &ForeignKey)> {
        self.tables
            .values()
            .flat_map(|t| t.foreign_keys.iter().map(move |fk| (t, fk)))
    }

    /// Foreign keys pointing at each table: referenced table → (child table, fk).
    pub fn referencing_keys(&self) -> BTreeMap<&QualifiedName, Vec<(&Table, &ForeignKey)>> {
        let mut by_parent: BTreeMap<&QualifiedName, Vec<(&Table, &ForeignKey)>> = BTreeMap::new();
        for (table, fk) in self.foreign_keys() {
            by_parent
                .entry(&fk.references)
                .or_default()
                .push((table, fk));
        }
        by_parent
    }

    /// Whether a type name refers to one of the schema's enums.
    pub fn is_enum(&self, data_type: &DataType) -> bool {
        self.enums.keys().any(|e| {
            e.name == data_type.name && data_type.schema.as_deref().is_none_or(|s| s == e.schema)
        })
    }

    /// A domain followed through domains over domains (at most 16 deep): the type it
    /// finally rests on, and the first domain on the way with a constraint (CHECK or
    /// NOT NULL, its own or inherited: PostgreSQL's `DomainHasConstraints`).
    pub fn domain_base<'a>(&'a self, domain: &'a Domain) -> (DataType, Option<&'a Domain>) {
        let mut current = domain;
        let mut constrained = None;
        for _ in 0..16 {
            if constrained.is_none() && (current.not_null || !current.checks.is_empty()) {
                constrained = Some(current);
            }
            match (current.base.array_dims == 0)
                .then(|| self.domain_for(&current.base))
                .flatten()
            {
                Some(next) => current = next,
                None => break,
            }
        }
        (current.base.clone(), constrained)
    }

    /// What a column of `data_type` gets from its domain, through domains over
    /// domains (at most 16 deep): whether NOT NULL is imposed (by any of them), and
    /// whether a default is (a domain without one takes its base domain's).
    /// `(false, false)` for a type that is not a domain, or an array of one.
    pub fn domain_imposes(&self, data_type: &DataType) -> (bool, bool) {
        let (mut not_null, mut default) = (false, false);
        let mut current = (data_type.array_dims == 0)
            .then(|| self.domain_for(data_type))
            .flatten();
        for _ in 0..16 {
            let Some(d) = current else { break };
            not_null |= d.not_null;
            default |= d.default.is_some();
            current = (d.base.array_dims == 0)
                .then(|| self.domain_for(&d.base))
                .flatten();
        }
        (not_null, default)
    }

    /// Look up a domain by type, so rules can see through `CREATE DOMAIN email AS text`.
    pub fn domain_for(&self, data_type: &DataType) -> Option<&Domain> {
        self.domains.values().find(|d| {
            d.name.name == data_type.name
                && data_type
                    .schema
                    .as_deref()
                    .is_none_or(|s| s == d.name.schema)
        })
    }
}
