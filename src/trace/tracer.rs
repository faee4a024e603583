//! Running migration statements on a scratch database and recording what each one
//! really did, as PostgreSQL reports it about its own session:
//!
//! - **locks**: `pg_locks` rows of this backend (`pid = pg_backend_pid()`), read
//!   before and after the statement, inside its transaction (locks are released at
//!   commit). A statement the file runs outside a transaction is run inside one that
//!   dblint opens and commits right after the reading. A statement PostgreSQL refuses
//!   in a transaction block (`CREATE INDEX CONCURRENTLY`, `VACUUM`, …) runs on its own:
//!   its locks are *not observable* this way and are reported so. A mode the
//!   transaction already held before the statement is not taken again, so it cannot
//!   be seen either; such locks are reported as *held*.
//! - **rewrites**: `pg_relation_filenode()` of every table and index, before and
//!   after; a changed file node is a rewrite.
//! - **scans**: the transaction's own statistics counters
//!   (`pg_stat_get_xact_numscans`, `pg_stat_get_xact_tuples_returned`), which count
//!   the table scans DDL makes to validate (SET NOT NULL, a CHECK or FOREIGN KEY,
//!   VALIDATE CONSTRAINT) or to build an index; and the server's DEBUG messages
//!   (`client_min_messages = debug1`: "verifying table", "rewriting table",
//!   "validating foreign key constraint", "building index"), kept as evidence.
//! - its duration, and its error if it failed (a savepoint taken before it lets the
//!   rest of the file run, so one failure does not hide the rest).
//!
//! dblint's own catalog queries take locks too (on `pg_class`, `pg_locks`, …): the
//! same queries run before and after, so they cancel out, and locks on system
//! catalogs are kept apart from locks on the migration's relations.

use crate::source::sql::locks::LockLevel;
use postgres::Client;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What kind of relation a lock or a rewrite is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationKind {
    Table,
    Index,
    Sequence,
    View,
    /// A relation of another kind (composite type, …).
    Other,
    /// A system catalog (`pg_catalog`, `pg_toast`, `information_schema`).
    Catalog,
}

impl RelationKind {
    fn from_relkind(relkind: &str, schema: &str, oid: u32) -> RelationKind {
        // Objects PostgreSQL creates at initdb have oids below FirstNormalObjectId.
        if oid < 16384
            || schema == "pg_catalog"
            || schema == "information_schema"
            || schema.starts_with("pg_toast")
        {
            return RelationKind::Catalog;
        }
        match relkind {
            "r" | "p" | "m" | "f" => RelationKind::Table,
            "i" | "I" => RelationKind::Index,
            "S" => RelationKind::Sequence,
            "v" => RelationKind::View,
            _ => RelationKind::Other,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Relation {
    /// `schema.name`, unquoted (as the lock model names tables), before the
    /// statement; `oid N` for a relation dropped earlier in the transaction.
    pub name: String,
    pub kind: RelationKind,
    /// `pg_class.oid`: the same relation across the statements of one trace, through
    /// renames and after a drop (a later statement's `held_before` names it by oid).
    pub oid: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct LockTaken {
    pub relation: Relation,
    pub mode: LockLevel,
    /// The statement created the relation: nobody else can see it before commit,
    /// so the lock blocks no one (not compared with the model).
    pub created: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Scanned {
    pub table: String,
    /// Sequential scans the statement started on the table.
    pub scans: i64,
    /// Rows those scans returned.
    pub rows: i64,
}

/// What one statement did on the server.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Observation {
    pub duration_ms: f64,
    /// The server's error, if the statement failed.
    pub error: Option<String>,
    /// The migration runs the statement inside a transaction block (the tool's or
    /// the file's own BEGIN); dblint's own observing transaction does not count.
    pub observed_in_transaction: bool,
    /// Locks the statement took; `None` when they cannot be observed (see
    /// `not_observable`).
    pub locks: Option<Vec<LockTaken>>,
    /// Locks on the migration's relations the transaction held before the statement
    /// (a statement that needs one of these modes again does not show taking it).
    pub held_before: Vec<LockTaken>,
    /// Locks on system catalogs, apart (not compared with the model).
    pub catalog_locks: usize,
    /// Tables and indexes whose file node changed.
    pub rewritten: Vec<Relation>,
    /// Tables the statement scanned; `None` when the counters cannot be read (a
    /// statement run outside a transaction block).
    pub scanned: Option<Vec<Scanned>>,
    /// The server's DEBUG messages about the statement's work.
    pub messages: Vec<String>,
    /// Why some of the above could not be observed.
    pub not_observable: Option<String>,
    /// The session's `lock_timeout` when the statement started (`current_setting`),
    /// to check the file's settings as migration review follows them.
    pub lock_timeout: Option<String>,
}

#[derive(Debug, Clone)]
struct RelationState {
    relation: Relation,
    filenode: Option<i64>,
    scans: i64,
    rows: i64,
}

#[derive(Debug, Default)]
struct Snapshot {
    relations: BTreeMap<u32, RelationState>,
    locks: BTreeSet<(u32, LockLevel)>,
    /// Names of locked relations not in `relations` (catalogs).
    lock_names: BTreeMap<u32, Relation>,
}

const RELATIONS: &str = "SELECT c.oid, n.nspname::text, c.relname::text, c.relkind::text, \
     pg_catalog.pg_relation_filenode(c.oid)::int8, \
     COALESCE(pg_catalog.pg_stat_get_xact_numscans(c.oid), 0)::int8, \
     COALESCE(pg_catalog.pg_stat_get_xact_tuples_returned(c.oid), 0)::int8 \
     FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace \
     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'";

const LOCKS: &str = "SELECT l.relation, l.mode, COALESCE(n.nspname::text, ''), COALESCE(c.relname::text, ''), \
     COALESCE(c.relkind::text, '') \
     FROM pg_catalog.pg_locks l \
     LEFT JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) l.relation \
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace \
     WHERE l.locktype = 'relation' AND l.granted AND l.pid OPERATOR(pg_catalog.=) pg_catalog.pg_backend_pid()";

/// The most DEBUG messages kept per statement (an extension's script sends many).
const MESSAGES_KEPT: usize = 12;

/// A session running one migration run's statements.
pub struct Tracer {
    client: Client,
    messages: Arc<Mutex<Vec<String>>>,
    in_transaction: bool,
}

/// A failure of the session itself (not of a statement): the trace stops.
#[derive(Debug)]
pub struct Fatal(pub String);

fn message(e: &postgres::Error) -> String {
    crate::source::catalog::build::server_message(e)
}

impl Tracer {
    /// Open the session on the scratch database.
    pub fn connect(info: &crate::source::catalog::conninfo::ConnInfo) -> Result<Tracer, Fatal> {
        let messages: Arc<Mutex<Vec<String>>> = Arc::default();
        let sink = messages.clone();
        let client = crate::source::catalog::connect::connect_as(
            info,
            crate::source::catalog::connect::SessionKind {
                migrations: true,
                on_notice: Some(Arc::new(move |notice: postgres::error::DbError| {
                    if notice.severity().starts_with("DEBUG") {
                        if let Ok(mut m) = sink.lock() {
                            m.push(notice.message().to_string());
                        }
                    }
                })),
            },
        )
        .map_err(|e| Fatal(e.to_string()))?;
        super::server::cancel_with(&client);
        Ok(Tracer {
            client,
            messages,
            in_transaction: false,
        })
    }

    fn control(&mut self, sql: &str) -> Result<(), Fatal> {
        self.client
            .batch_execute(sql)
            .map_err(|e| Fatal(format!("`{sql}`: {}", message(&e))))
    }

    /// Start a file: the migration tool opens a transaction around it, or not.
    pub fn begin_file(&mut self, wrapped: bool) -> Result<(), Fatal> {
        if wrapped {
            self.control("BEGIN")?;
            self.in_transaction = true;
        }
        Ok(())
    }

    /// Open a transaction where the migration tool runs the next statement in one
    /// although the file's own COMMIT or ROLLBACK ended the last: pgjdbc with
    /// autocommit off (Flyway) sends BEGIN before the next statement, and the rest of
    /// a query string of several statements is a new implicit transaction
    /// (PostgreSQL docs, 55.2.2.1 "Multiple Statements in a Simple Query"). The
    /// statement-effect model says when (`in_transaction`); the file's end commits it.
    pub fn reopen_transaction(&mut self) -> Result<(), Fatal> {
        if !self.in_transaction {
            self.control("BEGIN")?;
            self.in_transaction = true;
        }
        Ok(())
    }

    /// End a file: commit what is still open (the tool's transaction, or a BEGIN the
    /// file did not close), and give the timeouts back their defaults: migration
    /// review judges each file as if it ran in a session of its own (one may be
    /// deployed alone), so a timeout one file sets does not protect the next.
    pub fn end_file(&mut self) -> Result<(), Fatal> {
        if self.in_transaction {
            self.in_transaction = false;
            if let Err(e) = self.client.batch_execute("COMMIT") {
                return Err(Fatal(format!("COMMIT failed: {}", message(&e))));
            }
        }
        self.control("RESET lock_timeout; RESET statement_timeout")
    }

    /// A transaction-control statement of the file itself (BEGIN, COMMIT, ROLLBACK).
    pub fn transaction_statement(&mut self, sql: &str, begin: bool) -> Observation {
        let started = Instant::now();
        let result = self.client.simple_query(sql);
        self.in_transaction = begin;
        Observation {
            duration_ms: ms(started.elapsed()),
            error: result.err().map(|e| message(&e)),
            observed_in_transaction: begin,
            ..Observation::default()
        }
    }

    fn execute(&mut self, sql: &str) -> (Duration, Result<(), postgres::Error>) {
        if let Ok(mut m) = self.messages.lock() {
            m.clear();
        }
        let started = Instant::now();
        let result = self.client.simple_query(sql).map(|_| ());
        (started.elapsed(), result)
    }

    fn take_messages(&mut self) -> Vec<String> {
        let mut all = self
            .messages
            .lock()
            .map(|mut m| std::mem::take(&mut *m))
            .unwrap_or_default();
        // Only what speaks of the statement's work on relations.
        all.retain(|m| {
            [
                "verifying table",
                "rewriting table",
                "validating foreign key",
                "building index",
                "are sufficient to prove",
                "partition constraint",
                "updated partition constraint",
            ]
            .iter()
            .any(|k| m.contains(k))
        });
        all.truncate(MESSAGES_KEPT);
        all
    }

    /// Apply a statement without observing it (the history before what is traced).
    pub fn apply(&mut self, sql: &str) -> Result<Option<String>, Fatal> {
        if self.in_transaction {
            self.control("SAVEPOINT dblint_trace")?;
            let (_, result) = self.execute(sql);
            if let Err(e) = result {
                self.control("ROLLBACK TO SAVEPOINT dblint_trace; RELEASE SAVEPOINT dblint_trace")?;
                return Ok(Some(message(&e)));
            }
            self.control("RELEASE SAVEPOINT dblint_trace")?;
            return Ok(None);
        }
        let (_, result) = self.execute(sql);
        Ok(result.err().map(|e| message(&e)))
    }

    /// Run a statement and record what it did.
    pub fn trace(&mut self, sql: &str) -> Result<Observation, Fatal> {
        let lock_timeout = self
            .client
            .query_one("SELECT pg_catalog.current_setting('lock_timeout')", &[])
            .map_err(|e| Fatal(message(&e)))?
            .get(0);
        let mut observation = self.observe_statement(sql)?;
        observation.lock_timeout = Some(lock_timeout);
        Ok(observation)
    }

    fn observe_statement(&mut self, sql: &str) -> Result<Observation, Fatal> {
        self.control("SET client_min_messages = debug1")?;
        if self.in_transaction {
            self.control("SAVEPOINT dblint_trace")?;
            let before = self.snapshot()?;
            let (took, result) = self.execute(sql);
            if let Err(e) = result {
                self.control("ROLLBACK TO SAVEPOINT dblint_trace; RELEASE SAVEPOINT dblint_trace")?;
                return Ok(failed(took, &e, true));
            }
            let messages = self.take_messages();
            let after = self.snapshot()?;
            self.control("RELEASE SAVEPOINT dblint_trace")?;
            return Ok(observe(&before, &after, took, messages, true));
        }
        // LOCK TABLE outside a transaction block is refused; a transaction of
        // dblint's own would let it run, so it runs alone, as the file runs it.
        if is_lock_table(sql) {
            let (took, result) = self.execute(sql);
            if let Err(e) = result {
                return Ok(failed(took, &e, false));
            }
            let mut observation = observe(
                &Snapshot::default(),
                &Snapshot::default(),
                took,
                self.take_messages(),
                false,
            );
            observation.locks = None;
            observation.scanned = None;
            observation.not_observable =
                Some("locks: LOCK TABLE outside a transaction block holds nothing after it".into());
            return Ok(observation);
        }
        // Autocommit: a transaction of dblint's own, so the locks can be read before
        // they are released.
        self.control("BEGIN")?;
        let before = self.snapshot()?;
        let (took, result) = self.execute(sql);
        match result {
            Ok(()) => {
                let messages = self.take_messages();
                let after = self.snapshot()?;
                let mut observation = observe(&before, &after, took, messages, false);
                if let Err(e) = self.client.batch_execute("COMMIT") {
                    observation.error = Some(message(&e));
                }
                Ok(observation)
            }
            Err(e) if e.code() == Some(&postgres::error::SqlState::ACTIVE_SQL_TRANSACTION) => {
                // Refused in a transaction block: run it as the tool would, alone.
                self.control("ROLLBACK")?;
                let before = self.snapshot()?;
                let (took, result) = self.execute(sql);
                if let Err(e) = result {
                    return Ok(failed(took, &e, false));
                }
                let messages = self.take_messages();
                let after = self.snapshot()?;
                let mut observation = observe(&before, &after, took, messages, false);
                observation.locks = None;
                observation.held_before.clear();
                observation.catalog_locks = 0;
                observation.scanned = None;
                observation.not_observable = Some(
                    "locks and scan counters: PostgreSQL refuses this statement inside a transaction block, and its locks are released when it ends".into(),
                );
                Ok(observation)
            }
            Err(e) => {
                self.control("ROLLBACK")?;
                Ok(failed(took, &e, false))
            }
        }
    }

    fn snapshot(&mut self) -> Result<Snapshot, Fatal> {
        let mut snapshot = Snapshot::default();
        let rows = self
            .client
            .query(RELATIONS, &[])
            .map_err(|e| Fatal(format!("reading pg_class: {}", message(&e))))?;
        for row in rows {
            let oid: u32 = row.get(0);
            let schema: String = row.get(1);
            let name: String = row.get(2);
            let relkind: String = row.get(3);
            snapshot.relations.insert(
                oid,
                RelationState {
                    relation: Relation {
                        kind: RelationKind::from_relkind(&relkind, &schema, oid),
                        name: format!("{schema}.{name}"),
                        oid,
                    },
                    filenode: row.get::<_, Option<i64>>(4).filter(|n| *n != 0),
                    scans: row.get(5),
                    rows: row.get(6),
                },
            );
        }
        let rows = self
            .client
            .query(LOCKS, &[])
            .map_err(|e| Fatal(format!("reading pg_locks: {}", message(&e))))?;
        for row in rows {
            let Some(oid) = row.get::<_, Option<u32>>(0) else {
                continue;
            };
            let mode: String = row.get(1);
            let Some(level) = LockLevel::from_pg_locks(&mode) else {
                continue;
            };
            snapshot.locks.insert((oid, level));
            let schema: String = row.get(2);
            let name: String = row.get(3);
            let relkind: String = row.get(4);
            if !snapshot.relations.contains_key(&oid) {
                snapshot.lock_names.insert(
                    oid,
                    Relation {
                        kind: if name.is_empty() {
                            RelationKind::Other
                        } else {
                            RelationKind::from_relkind(&relkind, &schema, oid)
                        },
                        name: if name.is_empty() {
                            format!("oid {oid}")
                        } else {
                            format!("{schema}.{name}")
                        },
                        oid,
                    },
                );
            }
        }
        Ok(snapshot)
    }
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1000.0 * 100.0).round() / 100.0
}

fn failed(took: Duration, e: &postgres::Error, in_transaction: bool) -> Observation {
    Observation {
        duration_ms: ms(took),
        error: Some(message(e)),
        observed_in_transaction: in_transaction,
        ..Observation::default()
    }
}

/// What changed between two snapshots.
fn observe(
    before: &Snapshot,
    after: &Snapshot,
    took: Duration,
    messages: Vec<String>,
    in_transaction: bool,
) -> Observation {
    // The name before the statement first: a renamed table is the one the
    // statement (and the model) named.
    let name_of = |oid: u32| -> Relation {
        before
            .relations
            .get(&oid)
            .or_else(|| after.relations.get(&oid))
            .map(|r| r.relation.clone())
            .or_else(|| after.lock_names.get(&oid).cloned())
            .unwrap_or(Relation {
                name: format!("oid {oid}"),
                kind: RelationKind::Other,
                oid,
            })
    };
    let mut locks = Vec::new();
    let mut catalog_locks = 0;
    for (oid, mode) in after.locks.difference(&before.locks) {
        let relation = name_of(*oid);
        if relation.kind == RelationKind::Catalog {
            catalog_locks += 1;
        } else {
            locks.push(LockTaken {
                relation,
                mode: *mode,
                created: !before.relations.contains_key(oid),
            });
        }
    }
    locks.sort();
    let held_before = before
        .locks
        .iter()
        .map(|(oid, mode)| LockTaken {
            relation: name_of(*oid),
            mode: *mode,
            created: false,
        })
        .filter(|l| l.relation.kind != RelationKind::Catalog)
        .collect();
    let mut rewritten = Vec::new();
    let mut scanned = Vec::new();
    for (oid, was) in &before.relations {
        let Some(now) = after.relations.get(oid) else {
            continue;
        };
        if matches!(was.relation.kind, RelationKind::Table | RelationKind::Index)
            && was.filenode.is_some()
            && now.filenode.is_some()
            && was.filenode != now.filenode
        {
            rewritten.push(now.relation.clone());
        }
        if was.relation.kind == RelationKind::Table
            && (now.scans > was.scans || now.rows > was.rows)
        {
            scanned.push(Scanned {
                table: now.relation.name.clone(),
                scans: now.scans - was.scans,
                rows: now.rows - was.rows,
            });
        }
    }
    rewritten.sort();
    Observation {
        duration_ms: ms(took),
        error: None,
        observed_in_transaction: in_transaction,
        locks: Some(locks),
        held_before,
        catalog_locks,
        rewritten,
        scanned: Some(scanned),
        messages,
        not_observable: None,
        lock_timeout: None,
    }
}

/// Whether `sql` is a `LOCK TABLE` statement (by PostgreSQL's parser).
fn is_lock_table(sql: &str) -> bool {
    pg_query::parse(sql, 0).is_ok_and(|parsed| {
        parsed.protobuf.stmts.iter().any(|s| {
            matches!(
                s.stmt.as_ref().and_then(|n| n.node.as_ref()),
                Some(pg_query::NodeEnum::LockStmt(_))
            )
        })
    })
}
