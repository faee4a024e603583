//! Catalog rows → the schema model, following the same conventions as SQL replay so
//! that `inspect` and `lint` of the same schema agree: constraint clones on
//! partitions (`conparentid`) are left out (reported once, at the parent), built-in
//! types are named as `format_type` names them, user types carry their schema.

use super::queries;
use crate::model::{
    CheckConstraint, Column, DataType, Database, Domain, EnumType, FkAction, ForeignKey, HeldLock,
    Identity, Index, IndexElement, IndexKey, IndexRole, IndexStats, KeyConstraint, LockHolder,
    MatchType, Name, PartitionKey, PartitionStrategy, Policy, QualifiedName, Sequence, Table,
    TableKind, TableStats, TableUse, View,
};
use postgres::{GenericClient, Row};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, thiserror::Error)]
#[error("reading the catalog failed: {0}")]
pub struct CatalogError(pub String);

/// A named column's value; a type the server did not send as expected is an error,
/// not a panic.
fn get<'a, T: postgres::types::FromSql<'a>>(row: &'a Row, column: &str) -> Result<T, CatalogError> {
    row.try_get(column)
        .map_err(|e| CatalogError(format!("unexpected catalog data in `{column}`: {e}")))
}

/// The server's message for a failed query (`postgres::Error`'s own text is only
/// "db error").
pub fn server_message(e: &postgres::Error) -> String {
    if e.is_closed() && e.as_db_error().is_none() {
        return "the server closed the connection (the backend was terminated, or the server shut down or restarted)".into();
    }
    match e.as_db_error() {
        Some(d) => d.message().to_string(),
        None => {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                text = s.to_string();
                source = s.source();
            }
            text
        }
    }
}

/// When the last catalog statement was sent (milliseconds since the Unix epoch), for
/// the watchdog in `inspect`: a server that stops answering (statement_timeout is the
/// server's own promise) is given up on from the client side.
pub static LAST_SENT_MS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Record that a statement is about to be sent.
pub fn sending() {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0);
    LAST_SENT_MS.store(now, std::sync::atomic::Ordering::Relaxed);
}

fn query(client: &mut impl GenericClient, sql: &str) -> Result<Vec<Row>, CatalogError> {
    sending();
    client
        .query(sql, &[])
        .map_err(|e| CatalogError(server_message(&e)))
}

/// A query that takes the locked tables as `$1`.
fn query_around(
    client: &mut impl GenericClient,
    sql: &str,
    locked: &[i64],
) -> Result<Vec<Row>, CatalogError> {
    sending();
    client.query(sql, &[&locked]).map_err(|e| {
        let message = server_message(&e);
        if e.code() == Some(&postgres::error::SqlState::LOCK_NOT_AVAILABLE) {
            CatalogError(format!(
                "{message} (another session locked a table while inspect ran; run it again)"
            ))
        } else {
            CatalogError(message)
        }
    })
}

/// What the server says about itself (the first query).
#[derive(Debug, Clone, PartialEq)]
pub struct ServerInfo {
    /// `server_version_num`, e.g. 150004.
    pub version: i32,
    pub database: String,
    /// Days the usage statistics cover (since `stats_reset`, else server start).
    pub stats_age_days: f64,
    /// Bytes per page (`block_size`), to turn `relpages` into bytes.
    pub block_size: i64,
    /// Tables (oids) another session holds or waits for an ACCESS EXCLUSIVE lock on.
    pub locked_tables: Vec<i64>,
    /// The user's schemas, empty ones too (not `pg_catalog`, `information_schema`,
    /// `pg_toast*`, `pg_temp_*`, nor one an extension created).
    pub schemas: Vec<String>,
    /// Tables, partitioned tables and foreign tables in the database, the system's
    /// included (to decide how many sessions read the catalog).
    pub tables: i64,
}

pub fn server(client: &mut impl GenericClient) -> Result<ServerInfo, CatalogError> {
    let rows = query(client, queries::SERVER)?;
    let row = rows
        .first()
        .ok_or_else(|| CatalogError("no server information".into()))?;
    Ok(ServerInfo {
        version: get(row, "version_num")?,
        database: get(row, "database")?,
        stats_age_days: get::<Option<f64>>(row, "stats_age_days")?.unwrap_or(0.0),
        block_size: get(row, "block_size")?,
        locked_tables: get(row, "locked_tables")?,
        schemas: get(row, "schemas")?,
        tables: get(row, "tables")?,
    })
}

/// Export this session's snapshot for [`Helpers`] ([`queries::EXPORT_SNAPSHOT`]).
pub fn export_snapshot(client: &mut impl GenericClient) -> Result<String, CatalogError> {
    let rows = query(client, queries::EXPORT_SNAPSHOT)?;
    let row = rows
        .first()
        .ok_or_else(|| CatalogError("no snapshot exported".into()))?;
    get(row, "snapshot")
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

/// What the catalog reader could not read, and so which checks were skipped.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadGaps {
    /// Sequences whose value this role may not read (no SELECT or USAGE privilege).
    pub unreadable_sequences: Vec<QualifiedName>,
    /// Sequence values were not read at all: a lock held on a sequence outlasted
    /// `lock_timeout`.
    pub sequence_values_locked: bool,
    /// Sequence values were not read: there are more sequences than half the
    /// server's lock table (`queries::sequences`); the count.
    pub sequence_values_skipped: Option<usize>,
    /// Objects dropped while inspect ran (seen in the snapshot, gone from the
    /// server's caches), left out of the model.
    pub dropped_while_reading: usize,
    /// Tables another session held an ACCESS EXCLUSIVE lock on: their expressions
    /// cannot be read without waiting, so they are left out of the grade.
    pub locked_tables: Vec<QualifiedName>,
    /// Client sessions of other roles that hold table locks but whose state this role
    /// may not see (`pg_stat_activity` shows it to the same role and to members of
    /// `pg_read_all_stats` only): `lock-held-by-idle-transaction` did not judge them.
    pub hidden_lock_holders: usize,
}

/// `a, b, c and 4 more`: the first three names of a list, for one-line notes.
fn first_few(names: &[QualifiedName]) -> String {
    let mut shown: Vec<String> = names.iter().take(3).map(|q| q.to_string()).collect();
    if names.len() > 3 {
        shown.push(format!("and {} more", names.len() - 3));
    }
    shown.join(", ")
}

impl ReadGaps {
    /// One line for the user, or `None` when everything was read.
    pub fn summary(&self) -> Option<String> {
        let mut parts = Vec::new();
        if !self.locked_tables.is_empty() {
            parts.push(format!(
                "{} table(s) locked ACCESS EXCLUSIVE by another session (a migration, VACUUM FULL, REINDEX?) were not graded: {}",
                self.locked_tables.len(),
                first_few(&self.locked_tables)
            ));
        }
        if let Some(n) = self.sequence_values_skipped {
            parts.push(format!(
                "sequence values were not read: a lock per sequence for {n} sequences is more than half the server's lock table (max_locks_per_transaction × (max_connections + max_prepared_transactions)); sequence-exhaustion was skipped"
            ));
        } else if self.sequence_values_locked {
            parts.push(
                "could not read sequence values (a lock on a sequence was held past lock_timeout); \
                 sequence-exhaustion was skipped"
                    .to_string(),
            );
        } else if !self.unreadable_sequences.is_empty() {
            parts.push(format!(
                "could not read {} sequence value(s) (this role lacks SELECT or USAGE on {}); \
                 sequence-exhaustion was skipped for them",
                self.unreadable_sequences.len(),
                first_few(&self.unreadable_sequences)
            ));
        }
        if self.hidden_lock_holders > 0 {
            parts.push(format!(
                "{} session(s) of other roles hold table locks, but this role may not see whether they are idle \
                 (grant it pg_read_all_stats); lock-held-by-idle-transaction did not judge them",
                self.hidden_lock_holders
            ));
        }
        if self.dropped_while_reading > 0 {
            parts.push(format!(
                "{} object(s) were dropped while the catalog was read and are left out",
                self.dropped_while_reading
            ));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// Sessions that read part of the catalog beside the main one, each in the main
/// session's snapshot (exported with [`queries::EXPORT_SNAPSHOT`], imported with `SET
/// TRANSACTION SNAPSHOT`, as `pg_dump --jobs` does): the result is the one consistent
/// picture a single session would read, in less time on a large catalog.
pub struct Helpers<'a> {
    pub info: &'a crate::source::catalog::conninfo::ConnInfo,
    pub limits: crate::source::catalog::connect::SessionLimits,
    /// The id `pg_export_snapshot()` returned in the main session.
    pub snapshot: String,
    /// How many sessions besides the main one (1 or more).
    pub sessions: usize,
}

/// Read the whole schema: one query per kind of object ([`queries::all`]). Each
/// function below reads one query's rows by column name. With `helpers`, the columns
/// and indexes queries (the largest with the constraints one) run on the helper
/// sessions while this one reads the tables and constraints; a helper session that
/// cannot be opened leaves its queries to this one.
pub fn read_catalog(
    client: &mut impl GenericClient,
    server: &ServerInfo,
    helpers: Option<&Helpers>,
) -> Result<(Database, ReadGaps), CatalogError> {
    let mut reader = Reader {
        db: Database::default(),
        by_oid: BTreeMap::new(),
        gaps: ReadGaps::default(),
        block_size: server.block_size,
        locked: server.locked_tables.clone(),
    };
    reader.db.schemas.extend(
        server
            .schemas
            .iter()
            .map(|s| crate::model::Name::from(s.as_str())),
    );
    let locked = reader.locked.clone();
    let [tables, columns, constraints, indexes] =
        read_largest(client, server.version, &locked, helpers)?;
    reader.tables(tables)?;
    reader.columns(columns)?;
    let keys = reader.constraints(constraints)?;
    reader.indexes(indexes, &keys)?;
    reader.enums(client)?;
    reader.domains(client)?;
    reader.views(client)?;
    reader.sequences(client)?;
    reader.policies(client)?;
    reader.held_locks(client)?;
    reader.leave_out_locked();
    reader.db.shrink_to_fit();
    Ok((reader.db, reader.gaps))
}

/// The rows of the tables, columns, constraints and indexes queries, in that order:
/// here, or (columns and indexes) on the helper sessions at the same time.
fn read_largest(
    client: &mut impl GenericClient,
    version: i32,
    locked: &[i64],
    helpers: Option<&Helpers>,
) -> Result<[Vec<Row>; 4], CatalogError> {
    let sql = [
        queries::tables(),
        queries::columns(),
        queries::constraints(version),
        queries::indexes(version),
    ];
    // Columns and indexes (by place in `sql`), shared out among the helpers; this
    // session reads the rest, in order.
    const LENT: [usize; 2] = [1, 3];
    let sessions = helpers.map_or(0, |h| h.sessions.min(LENT.len()));
    let groups: Vec<Vec<usize>> = (0..sessions)
        .map(|h| LENT.iter().copied().skip(h).step_by(sessions).collect())
        .collect();
    let mut out: [Option<Vec<Row>>; 4] = Default::default();
    std::thread::scope(|scope| -> Result<(), CatalogError> {
        // A thread that cannot be started leaves its queries to this session.
        let running: Vec<_> = helpers
            .into_iter()
            .flat_map(|helpers| {
                let sql = &sql;
                groups.iter().map(move |group| {
                    let spawned = std::thread::Builder::new()
                        .name("dblint-catalog".into())
                        .spawn_scoped(scope, move || {
                            helper_reads(helpers, group.iter().map(|&i| &sql[i]), locked)
                        })
                        .ok();
                    (group, spawned)
                })
            })
            .collect();
        for i in (0..sql.len()).filter(|i| !groups.iter().any(|g| g.contains(i))) {
            out[i] = Some(query_around(client, &sql[i], locked)?);
        }
        for (group, handle) in running {
            match handle.map(|h| h.join()).unwrap_or(Ok(None)) {
                Ok(Some(rows)) => {
                    for (&i, rows) in group.iter().zip(rows?) {
                        out[i] = Some(rows);
                    }
                }
                // The session could not be opened, or waited for a lock (see
                // `helper_reads`): read its queries here.
                Ok(None) => {
                    for &i in group {
                        out[i] = Some(query_around(client, &sql[i], locked)?);
                    }
                }
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        Ok(())
    })?;
    let mut take = |i: usize| out[i].take().unwrap_or_default();
    Ok([take(0), take(1), take(2), take(3)])
}

/// Run `sql` on a new session in the helpers' snapshot, then end it. `None` when the
/// session cannot be opened or take the snapshot, or a query's lock was not granted
/// within `lock_timeout` (the caller reads instead); another error is the error.
///
/// A lock wait is not an error here: the main session may hold the ACCESS SHARE lock a
/// query needs (deparsing an expression takes one) while a migration's ACCESS
/// EXCLUSIVE request queues behind it, so the helper waits behind the migration, which
/// waits for the main session, which waits for the helper. The main session already
/// holds the lock or waits as it would have alone.
fn helper_reads<'q>(
    helpers: &Helpers,
    sql: impl Iterator<Item = &'q String>,
    locked: &[i64],
) -> Option<Result<Vec<Vec<Row>>, CatalogError>> {
    use crate::source::catalog::connect;
    let mut client = connect::connect(helpers.info).ok()?;
    let mut tx =
        connect::begin_read_only_in(&mut client, helpers.limits, Some(&helpers.snapshot)).ok()?;
    let mut out = Vec::new();
    for q in sql {
        sending();
        match tx.query(q.as_str(), &[&locked]) {
            Ok(rows) => out.push(rows),
            Err(e) if e.code() == Some(&postgres::error::SqlState::LOCK_NOT_AVAILABLE) => {
                return None
            }
            Err(e) => return Some(Err(CatalogError(server_message(&e)))),
        }
    }
    // Nothing was written: end the transaction without committing anything.
    let _ = tx.rollback();
    Some(Ok(out))
}

struct Reader {
    db: Database,
    by_oid: BTreeMap<i64, QualifiedName>,
    gaps: ReadGaps,
    block_size: i64,
    /// Tables whose expressions were not deparsed (see [`ServerInfo::locked_tables`]).
    locked: Vec<i64>,
}

/// What the constraints query tells the indexes query: which indexes belong to
/// partition clones (left out), which back a constraint, and whose keys they are.
#[derive(Default)]
struct KeyIndexes {
    skipped: BTreeSet<i64>,
    roles: BTreeMap<i64, IndexRole>,
    owner: BTreeMap<i64, (QualifiedName, bool, Name)>,
}

impl Reader {
    /// Tables locked by another session were read without their expressions; grading
    /// them would judge a partial table, so they are left out (and named).
    fn leave_out_locked(&mut self) {
        for oid in &self.locked {
            let Some(name) = self.by_oid.get(oid) else {
                continue;
            };
            if self.db.tables.remove(name).is_some() {
                self.db.index_owner.retain(|_, table| table != name);
                self.gaps.locked_tables.push(name.clone());
            }
        }
        self.gaps.locked_tables.sort();
    }

    fn table_mut(&mut self, oid: i64) -> Option<&mut Table> {
        self.by_oid
            .get(&oid)
            .and_then(|n| self.db.tables.get_mut(n))
    }

    fn tables(&mut self, rows: Vec<Row>) -> Result<(), CatalogError> {
        let mut pending_parents: Vec<(i64, bool, Vec<i64>)> = Vec::new();
        for row in rows {
            let oid: i64 = get(&row, "oid")?;
            let name =
                QualifiedName::new(get::<String>(&row, "schema")?, get::<String>(&row, "name")?);
            let kind = match get::<String>(&row, "relkind")?.as_str() {
                "p" => TableKind::Partitioned,
                "f" => TableKind::Foreign,
                _ => TableKind::Ordinary,
            };
            let mut table = Table::new(name.clone(), kind);
            table.unlogged = get::<String>(&row, "persistence")? == "u";
            let is_partition: bool = get(&row, "is_partition")?;
            table.default_partition = get(&row, "default_partition")?;
            table.partition_bound = get(&row, "partition_bound")?;
            table.partition_key = get::<Option<String>>(&row, "partition_strategy")?
                .and_then(|s| match s.as_str() {
                    "r" => Some(PartitionStrategy::Range),
                    "l" => Some(PartitionStrategy::List),
                    "h" => Some(PartitionStrategy::Hash),
                    _ => None,
                })
                .map(|strategy| -> Result<PartitionKey, CatalogError> {
                    Ok(PartitionKey {
                        strategy,
                        columns: get::<Vec<String>>(&row, "partition_columns")?
                            .into_iter()
                            .map(|c| (!c.is_empty()).then(|| Name::from(c.as_str())))
                            .collect(),
                    })
                })
                .transpose()?;
            table.row_security = get(&row, "row_security")?;
            table.force_row_security = get(&row, "force_row_security")?;
            table.comment = get(&row, "comment")?;
            let parents: Vec<i64> = get(&row, "parents")?;
            table.stats = Some(TableStats {
                estimated_rows: get(&row, "estimated_rows")?,
                total_bytes: get::<i64>(&row, "total_pages")?.saturating_mul(self.block_size),
                scans: get(&row, "scans")?,
            });
            self.db.schemas.insert(name.schema.clone());
            self.by_oid.insert(oid, name.clone());
            self.db.tables.insert(name, table);
            // Parents are resolved once every table is known.
            if !parents.is_empty() {
                pending_parents.push((oid, is_partition, parents));
            }
        }
        for (oid, is_partition, parents) in pending_parents {
            let resolved: Vec<QualifiedName> = parents
                .iter()
                .filter_map(|p| self.by_oid.get(p).cloned())
                .collect();
            if let Some(table) = self.table_mut(oid) {
                if is_partition {
                    table.partition_of = resolved.into_iter().next();
                } else {
                    table.inherits = resolved;
                }
            }
        }
        Ok(())
    }

    fn columns(&mut self, rows: Vec<Row>) -> Result<(), CatalogError> {
        for row in rows {
            let oid: i64 = get(&row, "table_oid")?;
            // format_type reads the server's caches, not the snapshot: NULL when the
            // type went away while inspect ran.
            let (Some(full), Some(base_formatted)) = (
                get::<Option<String>>(&row, "full_type")?,
                get::<Option<String>>(&row, "base_formatted")?,
            ) else {
                self.gaps.dropped_while_reading += 1;
                continue;
            };
            let base_name: String = get(&row, "base_name")?;
            let base_schema: String = get(&row, "base_schema")?;
            let base_kind: String = get(&row, "base_kind")?;
            let is_array: bool = get(&row, "is_array")?;
            let mut column = Column::new(
                get::<String>(&row, "name")?,
                data_type(
                    &full,
                    &base_formatted,
                    &base_name,
                    &base_schema,
                    &base_kind,
                    is_array,
                ),
            );
            column.not_null = get(&row, "not_null")?;
            let default: Option<String> = get(&row, "default_expr")?;
            let identity: String = get(&row, "identity")?;
            let generated: String = get::<Option<String>>(&row, "generated")?.unwrap_or_default();
            column.identity = match identity.as_str() {
                "a" => Some(Identity::Always),
                "d" => Some(Identity::ByDefault),
                _ => None,
            };
            // 's' stored, 'v' virtual (PostgreSQL 18): the expression is the
            // column's value either way, never a default.
            if generated == "s" || generated == "v" {
                column.generated = default;
            } else {
                column.serial = default
                    .as_deref()
                    .is_some_and(|d| d.starts_with("nextval("));
                column.default = default;
            }
            column.collation = get(&row, "collation")?;
            column.comment = get(&row, "comment")?;
            if let Some(table) = self.table_mut(oid) {
                table.columns.push(column);
            }
        }
        Ok(())
    }

    fn constraints(&mut self, rows: Vec<Row>) -> Result<KeyIndexes, CatalogError> {
        // Constraint clones on partitions, and the indexes behind them, are the parent's.
        let mut keys = KeyIndexes::default();
        for row in rows {
            let table_oid: i64 = get(&row, "table_oid")?;
            let Some(table_name) = self.by_oid.get(&table_oid).cloned() else {
                continue;
            };
            let locked = self.locked.contains(&table_oid);
            let name: Name = get::<String>(&row, "name")?.into();
            let kind: String = get(&row, "kind")?;
            let deferrable: bool = get(&row, "deferrable")?;
            let deferred: bool = get(&row, "deferred")?;
            let validated: bool = get(&row, "validated")?;
            let columns = names(get(&row, "columns")?);
            let index_oid: i64 = get(&row, "index_oid")?;
            let parent: i64 = get(&row, "parent_oid")?;
            if parent != 0 {
                // A partition's clone of its parent's key: its index is the parent's
                // too. (A foreign key's conindid is the referenced table's index,
                // which stays.)
                if matches!(kind.as_str(), "p" | "u" | "x") {
                    keys.skipped.insert(index_oid);
                }
                continue;
            }
            let check: Option<String> = get(&row, "check_expr")?;
            let Some(table) = self.db.tables.get_mut(&table_name) else {
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
                        keys.roles.insert(index_oid, IndexRole::PrimaryKey);
                    } else {
                        table.unique_constraints.push(key);
                        keys.roles.insert(index_oid, IndexRole::UniqueConstraint);
                    }
                    keys.owner
                        .insert(index_oid, (table_name.clone(), kind == "p", name));
                }
                "x" => {
                    table.exclusions.push(name);
                    keys.roles.insert(index_oid, IndexRole::Exclusion);
                }
                "c" => match check {
                    Some(expression) => table.checks.push(CheckConstraint {
                        name,
                        expression,
                        validated,
                        location: None,
                    }),
                    // Not read for a locked table; NULL for one dropped meanwhile.
                    None if locked => {}
                    None => self.gaps.dropped_while_reading += 1,
                },
                "f" => {
                    let references = QualifiedName::new(
                        get::<Option<String>>(&row, "ref_schema")?.unwrap_or_default(),
                        get::<Option<String>>(&row, "ref_table")?.unwrap_or_default(),
                    );
                    table.foreign_keys.push(ForeignKey {
                        name,
                        columns,
                        references,
                        referenced_columns: names(get(&row, "ref_columns")?),
                        on_update: FkAction::from_code(&get::<String>(&row, "on_update")?),
                        on_delete: FkAction::from_code(&get::<String>(&row, "on_delete")?),
                        match_type: match get::<String>(&row, "match_type")?.as_str() {
                            "f" => MatchType::Full,
                            "p" => MatchType::Partial,
                            _ => MatchType::Simple,
                        },
                        delete_set_columns: names(get(&row, "delete_set_columns")?),
                        deferrable,
                        initially_deferred: deferred,
                        validated,
                        location: None,
                    });
                }
                _ => {}
            }
        }
        Ok(keys)
    }

    fn indexes(&mut self, rows: Vec<Row>, keys: &KeyIndexes) -> Result<(), CatalogError> {
        for row in rows {
            let table_oid: i64 = get(&row, "table_oid")?;
            let Some(table_name) = self.by_oid.get(&table_oid).cloned() else {
                continue;
            };
            if self.locked.contains(&table_oid) {
                continue;
            }
            let oid: i64 = get(&row, "oid")?;
            if keys.skipped.contains(&oid) {
                continue;
            }
            let key_count = usize::try_from(get::<i32>(&row, "key_count")?).unwrap_or(0);
            let column_names: Vec<Option<String>> = get(&row, "column_names")?;
            // pg_get_indexdef reads the server's caches: NULL for an index dropped
            // while inspect ran.
            let definitions: Vec<Option<String>> = get(&row, "definitions")?;
            if definitions.iter().any(Option::is_none) {
                self.gaps.dropped_while_reading += 1;
                continue;
            }
            let options: Vec<i16> = get(&row, "options")?;
            let opclasses: Vec<Option<String>> = get(&row, "opclasses")?;
            let collations: Vec<Option<String>> = get(&row, "collations")?;
            let keys_of_index: Vec<IndexElement> = (0..key_count.min(column_names.len()))
                .map(|i| IndexElement {
                    key: match &column_names[i] {
                        Some(c) => IndexKey::Column(c.as_str().into()),
                        None => IndexKey::Expression(strip_parens(
                            definitions
                                .get(i)
                                .cloned()
                                .flatten()
                                .as_deref()
                                .unwrap_or(""),
                        )),
                    },
                    // indoption: bit 0 DESC, bit 1 NULLS FIRST.
                    descending: options.get(i).is_some_and(|o| o & 1 == 1),
                    nulls_first: options.get(i).is_some_and(|o| o & 2 == 2),
                    opclass: opclasses.get(i).cloned().flatten(),
                    collation: collations.get(i).cloned().flatten(),
                })
                .collect();
            let include: Vec<Name> = column_names
                .iter()
                .skip(key_count)
                .flatten()
                .map(|c| Name::from(c.as_str()))
                .collect();
            let valid: bool = get(&row, "is_valid")?;
            let relkind: String = get(&row, "relkind")?;
            let role = keys.roles.get(&oid).copied().unwrap_or(IndexRole::Plain);
            let index = Index {
                name: QualifiedName::new(table_name.schema.clone(), get::<String>(&row, "name")?),
                table: table_name.clone(),
                method: get::<String>(&row, "method")?.into(),
                unique: get(&row, "is_unique")?,
                nulls_not_distinct: get(&row, "nulls_not_distinct")?,
                keys: keys_of_index,
                include: include.clone(),
                predicate: get(&row, "predicate")?,
                valid,
                only_parent: relkind == "I" && !valid,
                role,
                location: None,
                stats: Some(IndexStats {
                    scans: get(&row, "scans")?,
                    size_bytes: get::<i64>(&row, "pages")?.saturating_mul(self.block_size),
                    being_built: get(&row, "being_built")?,
                }),
            };
            let Some(table) = self.db.tables.get_mut(&table_name) else {
                continue;
            };
            if let Some((_, primary, constraint)) = keys.owner.get(&oid) {
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
            self.db
                .index_owner
                .insert(index.name.clone(), table_name.clone());
            table.indexes.push(index);
        }
        Ok(())
    }

    fn enums(&mut self, client: &mut impl GenericClient) -> Result<(), CatalogError> {
        for row in query(client, &queries::enums())? {
            let name =
                QualifiedName::new(get::<String>(&row, "schema")?, get::<String>(&row, "name")?);
            let values = names(get(&row, "labels")?);
            self.db.enums.insert(
                name.clone(),
                EnumType {
                    name,
                    values,
                    location: None,
                },
            );
        }
        Ok(())
    }

    fn domains(&mut self, client: &mut impl GenericClient) -> Result<(), CatalogError> {
        for row in query(client, &queries::domains())? {
            let name =
                QualifiedName::new(get::<String>(&row, "schema")?, get::<String>(&row, "name")?);
            let (Some(full), Some(base)) = (
                get::<Option<String>>(&row, "full_type")?,
                get::<Option<String>>(&row, "base_formatted")?,
            ) else {
                self.gaps.dropped_while_reading += 1;
                continue;
            };
            let checks: Vec<Option<String>> = get(&row, "checks")?;
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
            self.db.domains.insert(
                name.clone(),
                Domain {
                    name,
                    base: base_type,
                    not_null: get(&row, "not_null")?,
                    default: get(&row, "default_value")?,
                    checks: checks.into_iter().flatten().collect(),
                    location: None,
                },
            );
        }
        Ok(())
    }

    fn views(&mut self, client: &mut impl GenericClient) -> Result<(), CatalogError> {
        for row in query_around(client, &queries::views(), &self.locked)? {
            let name =
                QualifiedName::new(get::<String>(&row, "schema")?, get::<String>(&row, "name")?);
            self.db.views.insert(
                name.clone(),
                View {
                    name,
                    materialized: get(&row, "materialized")?,
                    populated: get(&row, "populated")?,
                    unique_indexes: get::<Vec<String>>(&row, "unique_indexes")?
                        .into_iter()
                        .map(Name::from)
                        .collect(),
                    columns: get::<Vec<String>>(&row, "columns")?
                        .into_iter()
                        .map(Name::from)
                        .collect(),
                    query: get(&row, "query")?,
                    location: None,
                },
            );
        }
        Ok(())
    }

    /// Sequences, with their values where this role may read them. A lock held on a
    /// sequence (reading a value locks it) stops the query at `lock_timeout`; then the
    /// sequences are read again without values, inside a savepoint so the snapshot
    /// stays the same.
    fn sequences(&mut self, client: &mut impl GenericClient) -> Result<(), CatalogError> {
        client
            .batch_execute("SAVEPOINT dblint_sequences")
            .map_err(|e| CatalogError(server_message(&e)))?;
        sending();
        let rows = match client.query(queries::sequences().as_str(), &[]) {
            Ok(rows) => rows,
            Err(e) if e.code() == Some(&postgres::error::SqlState::LOCK_NOT_AVAILABLE) => {
                client
                    .batch_execute("ROLLBACK TO SAVEPOINT dblint_sequences")
                    .map_err(|e| CatalogError(server_message(&e)))?;
                self.gaps.sequence_values_locked = true;
                query(client, &queries::sequences_without_values())?
            }
            Err(e) => return Err(CatalogError(server_message(&e))),
        };
        if let Some(row) = rows.first() {
            if !get::<bool>(row, "values_fit")? {
                self.gaps.sequence_values_skipped = Some(rows.len());
            }
        }
        for row in rows {
            let name =
                QualifiedName::new(get::<String>(&row, "schema")?, get::<String>(&row, "name")?);
            let owned_by = match (
                get::<Option<String>>(&row, "owner_schema")?,
                get::<Option<String>>(&row, "owner_table")?,
                get::<Option<String>>(&row, "owner_column")?,
            ) {
                (Some(s), Some(t), Some(c)) => Some((QualifiedName::new(s, t), Name::from(c))),
                _ => None,
            };
            let Some(formatted) = get::<Option<String>>(&row, "data_type")? else {
                self.gaps.dropped_while_reading += 1;
                continue;
            };
            match get::<Option<bool>>(&row, "readable")? {
                Some(true) => {}
                Some(false) => self.gaps.unreadable_sequences.push(name.clone()),
                // has_sequence_privilege gives NULL for a sequence dropped meanwhile.
                None => {
                    self.gaps.dropped_while_reading += 1;
                    continue;
                }
            }
            self.db.sequences.insert(
                name.clone(),
                Sequence {
                    name,
                    params: crate::model::SequenceParams {
                        increment: get(&row, "increment")?,
                        min_value: get(&row, "min_value")?,
                        max_value: get(&row, "max_value")?,
                        start: get(&row, "start_value")?,
                        cache: get(&row, "cache")?,
                        cycle: get(&row, "cycle")?,
                    },
                    data_type: DataType::simple(&formatted),
                    owned_by,
                    last_value: get(&row, "last_value")?,
                    location: None,
                },
            );
        }
        Ok(())
    }

    /// Locks held by idle sessions and prepared transactions ([`queries::held_locks`]).
    /// Sessions of other roles whose state this role cannot see are counted, not
    /// judged.
    fn held_locks(&mut self, client: &mut impl GenericClient) -> Result<(), CatalogError> {
        let mut hidden = BTreeSet::new();
        for row in query(client, &queries::held_locks())? {
            let pid: Option<i32> = get(&row, "pid")?;
            if get::<bool>(&row, "hidden")? {
                hidden.extend(pid);
                continue;
            }
            let holder = match (pid, get::<Option<String>>(&row, "gid")?) {
                (Some(pid), _) => LockHolder::Session {
                    pid,
                    role: get::<Option<String>>(&row, "role")?.unwrap_or_default(),
                },
                (None, Some(gid)) => LockHolder::Prepared { gid },
                (None, None) => continue,
            };
            self.db.held_locks.push(HeldLock {
                table: QualifiedName::new(
                    get::<String>(&row, "schema")?,
                    get::<String>(&row, "name")?,
                ),
                mode: get(&row, "mode")?,
                holder,
                held_seconds: get::<Option<f64>>(&row, "held_seconds")?.unwrap_or(0.0),
                use_since_reset: TableUse {
                    index_scans: get(&row, "index_scans")?,
                    rows_read_sequentially: get(&row, "rows_read_sequentially")?,
                    rows_written: get(&row, "rows_written")?,
                },
                waiting: get(&row, "waiting")?,
            });
        }
        self.gaps.hidden_lock_holders = hidden.len();
        Ok(())
    }

    fn policies(&mut self, client: &mut impl GenericClient) -> Result<(), CatalogError> {
        for row in query_around(client, &queries::policies(), &self.locked)? {
            let oid: i64 = get(&row, "table_oid")?;
            let command = match get::<String>(&row, "command")?.as_str() {
                "r" => "SELECT",
                "a" => "INSERT",
                "w" => "UPDATE",
                "d" => "DELETE",
                _ => "ALL",
            };
            let policy = Policy {
                name: get(&row, "name")?,
                command: command.to_string(),
                permissive: get(&row, "permissive")?,
                roles: get(&row, "roles")?,
                using: get(&row, "using_expr")?,
                with_check: get(&row, "with_check_expr")?,
            };
            if let Some(table) = self.table_mut(oid) {
                table.policies.push(policy);
            }
        }
        Ok(())
    }
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

/// One object of a kind the model does not hold (see [`queries::unmodelled`]): what
/// `dblint diff` lists as "not compared".
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Unmodelled {
    /// `function`, `trigger`, `statistics object`, … (one of the query's kinds).
    pub kind: String,
    /// Empty for kinds outside schemas (casts, event triggers, publications).
    pub schema: String,
    /// A function's name with its argument types; a trigger or rule as `table.name`.
    pub name: String,
}

/// The objects of kinds the model does not hold, in one query.
pub fn unmodelled(client: &mut impl GenericClient) -> Result<Vec<Unmodelled>, CatalogError> {
    query(client, &queries::unmodelled())?
        .iter()
        .map(|row| {
            Ok(Unmodelled {
                kind: get(row, "kind")?,
                schema: get(row, "schema")?,
                name: get(row, "name")?,
            })
        })
        .collect()
}
