//! Which lock a statement takes, on which tables, and whether it rewrites or scans
//! them: the basis of every migration finding's message and of `--locks`.

use crate::model::{Database, Name, QualifiedName};
use crate::source::sql::replay::{creation_schema, resolve_in};
use crate::source::sql::statement::{
    CommentTarget, ConstraintSpec, DomainAction, ObjectKind, ObjectName, Statement, TableAction,
};

/// PostgreSQL's eight table lock modes, weakest first (the order of their numbers in
/// `lockdefs.h`, so `max` is the strongest a statement takes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum LockLevel {
    AccessShare,
    RowShare,
    RowExclusive,
    ShareUpdateExclusive,
    Share,
    ShareRowExclusive,
    Exclusive,
    AccessExclusive,
}

impl LockLevel {
    pub const ALL: [LockLevel; 8] = [
        LockLevel::AccessShare,
        LockLevel::RowShare,
        LockLevel::RowExclusive,
        LockLevel::ShareUpdateExclusive,
        LockLevel::Share,
        LockLevel::ShareRowExclusive,
        LockLevel::Exclusive,
        LockLevel::AccessExclusive,
    ];

    pub fn name(self) -> &'static str {
        match self {
            LockLevel::AccessShare => "ACCESS SHARE",
            LockLevel::RowShare => "ROW SHARE",
            LockLevel::RowExclusive => "ROW EXCLUSIVE",
            LockLevel::ShareUpdateExclusive => "SHARE UPDATE EXCLUSIVE",
            LockLevel::Share => "SHARE",
            LockLevel::ShareRowExclusive => "SHARE ROW EXCLUSIVE",
            LockLevel::Exclusive => "EXCLUSIVE",
            LockLevel::AccessExclusive => "ACCESS EXCLUSIVE",
        }
    }

    /// What the lock stops other sessions from doing while it is held.
    pub fn blocks(self) -> &'static str {
        match self {
            LockLevel::AccessShare => "blocks only ACCESS EXCLUSIVE (most ALTER TABLE, DROP)",
            LockLevel::RowShare => "blocks EXCLUSIVE and ACCESS EXCLUSIVE; reads and writes continue",
            LockLevel::RowExclusive => {
                "blocks CREATE INDEX (without CONCURRENTLY) and stronger locks; reads and writes continue"
            }
            LockLevel::ShareUpdateExclusive => {
                "blocks other schema changes and VACUUM, not reads or writes"
            }
            LockLevel::Share | LockLevel::ShareRowExclusive => {
                "blocks INSERT, UPDATE and DELETE; reads continue"
            }
            LockLevel::Exclusive => "blocks writes and SELECT ... FOR UPDATE; plain reads continue",
            LockLevel::AccessExclusive => {
                "blocks every read and write, and queues everything behind it"
            }
        }
    }

    /// A mode as `LOCK TABLE ... IN <mode> MODE` names it; an unknown name is taken
    /// as the strongest (the safe reading).
    pub fn parse(s: &str) -> LockLevel {
        LockLevel::ALL
            .into_iter()
            .find(|l| l.name().eq_ignore_ascii_case(s.trim()))
            .unwrap_or(LockLevel::AccessExclusive)
    }

    /// A mode as `pg_locks.mode` spells it (`AccessExclusiveLock`).
    pub fn from_pg_locks(mode: &str) -> Option<LockLevel> {
        Some(match mode {
            "AccessShareLock" => LockLevel::AccessShare,
            "RowShareLock" => LockLevel::RowShare,
            "RowExclusiveLock" => LockLevel::RowExclusive,
            "ShareUpdateExclusiveLock" => LockLevel::ShareUpdateExclusive,
            "ShareLock" => LockLevel::Share,
            "ShareRowExclusiveLock" => LockLevel::ShareRowExclusive,
            "ExclusiveLock" => LockLevel::Exclusive,
            "AccessExclusiveLock" => LockLevel::AccessExclusive,
            _ => return None,
        })
    }
}

/// The effect of one statement on one table.
#[derive(Debug, Clone, PartialEq)]
pub struct LockEffect {
    pub table: QualifiedName,
    pub level: LockLevel,
    pub rewrite: bool,
    pub scan: bool,
}

impl LockEffect {
    pub fn describe(&self) -> String {
        let mut s = format!(
            "takes {} on {} ({})",
            self.level.name(),
            self.table,
            self.level.blocks()
        );
        if self.rewrite {
            s.push_str(", rewrites the table");
        } else if self.scan {
            s.push_str(", scans the whole table while holding it");
        }
        s
    }
}

/// What adding foreign key `fk` (referencing `target`) to the partitioned table
/// `parent` does to one of its partitions.
pub struct ForeignKeyPartition {
    pub partition: QualifiedName,
    /// Its rows are read when the key is validated: a leaf without the same valid key.
    pub validated: bool,
    /// It has the same key already, which is attached instead of created (its
    /// triggers on the referenced table are replaced under ACCESS EXCLUSIVE).
    pub attaches: bool,
}

/// Every partition of `parent`, at every depth, as adding `fk` treats it (`trace`,
/// 12 to 18).
pub fn foreign_key_partitions(
    db: &Database,
    parent: &QualifiedName,
    target: Option<&QualifiedName>,
    fk: &super::statement::ForeignKeySpec,
) -> Vec<ForeignKeyPartition> {
    partitions_of(db, parent)
        .into_iter()
        .map(|(partition, leaf)| {
            let same = same_foreign_key(db, &partition, target, fk);
            ForeignKeyPartition {
                validated: leaf && !same.is_some_and(|k| k.validated),
                attaches: same.is_some(),
                partition,
            }
        })
        .collect()
}

/// The foreign key `partition` already has that is the same as `fk` (same columns,
/// same referenced table and columns): adding `fk` to the partitioned parent attaches
/// it instead of creating one.
fn same_foreign_key<'a>(
    db: &'a Database,
    partition: &QualifiedName,
    target: Option<&QualifiedName>,
    fk: &super::statement::ForeignKeySpec,
) -> Option<&'a crate::model::ForeignKey> {
    db.table(partition)?.foreign_keys.iter().find(|k| {
        Some(&k.references) == target
            && k.columns == fk.columns
            && (fk.referenced_columns.is_empty()
                || k.referenced_columns.is_empty()
                || k.referenced_columns == fk.referenced_columns)
    })
}

/// The partitions of `parent`, at every depth, each with whether it is a leaf (holds
/// rows: not partitioned itself).
pub fn partitions_of(db: &Database, parent: &QualifiedName) -> Vec<(QualifiedName, bool)> {
    let mut out = Vec::new();
    let mut queue = vec![parent.clone()];
    while let Some(next) = queue.pop() {
        for t in db.partitions(&next) {
            let leaf = t.kind != crate::model::TableKind::Partitioned;
            out.push((t.name.clone(), leaf));
            if !leaf {
                queue.push(t.name.clone());
            }
        }
    }
    out
}

/// Whether `ADD COLUMN` checks the existing rows against a `REFERENCES` constraint
/// of the new column. PostgreSQL skips the check, and marks the key valid, when the
/// column has no DEFAULT clause: every existing row holds NULL, which satisfies any
/// foreign key (`transformAlterTableStmt`: "If the column has a non-null default, we
/// can't skip validation of foreign keys", decided on the clause as written, so an
/// explicit `DEFAULT NULL` is checked too). Checked with `dblint trace` (the
/// constraint-not-valid fixtures).
pub fn add_column_validates_foreign_key(column: &super::statement::ColumnSpec) -> bool {
    column.column.default.is_some()
        && column
            .constraints
            .iter()
            .any(|c| matches!(c, ConstraintSpec::ForeignKey(fk) if !fk.not_valid))
}

/// The table a name refers to: the existing one the server would find, else where
/// the statement would put it (the first schema of the search path that exists).
pub fn resolve(db: &Database, search_path: &[Name], name: &ObjectName) -> Option<QualifiedName> {
    if let Some(found) = resolve_in(&db.tables, search_path, name) {
        return Some(found);
    }
    let schema = match &name.schema {
        Some(s) => s.clone(),
        None => creation_schema(db, search_path)?,
    };
    Some(QualifiedName::new(schema, name.name.clone()))
}

/// The table that owns the index a name refers to, found through the search path.
fn index_owner(db: &Database, search_path: &[Name], name: &ObjectName) -> Option<QualifiedName> {
    let index = resolve_in(&db.index_owner, search_path, name)?;
    db.index_owner.get(&index).cloned()
}

/// Locks a statement takes on PostgreSQL `pg_version` (empty for statements that
/// take none on an existing table). `utc`: whether the session's TimeZone has a UTC
/// offset of 0 (`None`: unknown; see [`super::session::FileState::timezone_utc`]). Checked against the server by `dblint trace`
/// (tests/trace_differential.rs; the reviewed exceptions are in
/// tests/fixtures/trace/reviewed.toml).
pub fn effects(
    statement: &Statement,
    db: &Database,
    search_path: &[Name],
    pg_version: u32,
    utc: Option<bool>,
) -> Vec<LockEffect> {
    let table = |n: &ObjectName| resolve(db, search_path, n);
    let effect = |t: Option<QualifiedName>, level, rewrite, scan| {
        t.map(|table| LockEffect {
            table,
            level,
            rewrite,
            scan,
        })
    };
    let mut out: Vec<LockEffect> = Vec::new();
    match statement {
        Statement::CreateIndex(ci) => {
            let level = if ci.concurrently {
                LockLevel::ShareUpdateExclusive
            } else {
                LockLevel::Share
            };
            let target = table(&ci.table);
            // A partitioned table has no rows of its own: `ON ONLY` builds nothing,
            // and without ONLY the partitions' indexes are built, scanning them, so
            // there is a scan only when it has partitions (`trace` sees none on a
            // partitioned table that has none yet).
            let partitioned = target
                .as_ref()
                .and_then(|t| db.table(t))
                .filter(|t| t.kind == crate::model::TableKind::Partitioned);
            let builds = match partitioned {
                Some(parent) => !ci.only && !db.partitions(&parent.name).is_empty(),
                None => true,
            };
            out.extend(effect(target, level, false, builds));
            // Without ONLY, each partition's index is built under the same lock.
            if let (Some(parent), false) = (partitioned, ci.only) {
                let mut queue = vec![parent.name.clone()];
                while let Some(next) = queue.pop() {
                    for t in db.partitions(&next) {
                        let leaf = t.kind != crate::model::TableKind::Partitioned;
                        out.extend(effect(Some(t.name.clone()), level, false, leaf));
                        queue.push(t.name.clone());
                    }
                }
            }
        }
        Statement::Drop {
            kind,
            objects,
            concurrently,
            missing_ok,
            cascade,
        } => {
            // What a CASCADE takes with it is dropped under ACCESS EXCLUSIVE: the
            // tables of a schema, the tables whose columns, defaults or foreign keys
            // go (and the tables those foreign keys reference, whose triggers go).
            if *cascade {
                for o in objects {
                    let removed = super::dependents::of_drop(db, search_path, *kind, o)
                        .map(|d| d.removed)
                        .unwrap_or_default();
                    let mut locked: Vec<QualifiedName> = removed.tables.clone();
                    locked.extend(removed.columns.iter().map(|(t, _)| t.clone()));
                    locked.extend(removed.defaults.iter().map(|(t, _)| t.clone()));
                    locked.extend(removed.referencing_keys.iter().map(|(t, _)| t.clone()));
                    for t in &removed.tables {
                        if let Some(m) = db.table(t) {
                            locked.extend(m.foreign_keys.iter().map(|fk| fk.references.clone()));
                        }
                    }
                    locked.sort();
                    locked.dedup();
                    for t in locked {
                        out.extend(effect(Some(t), LockLevel::AccessExclusive, false, false));
                    }
                }
            }
            for o in objects {
                match kind {
                    ObjectKind::Table | ObjectKind::ForeignTable => {
                        let dropped = table(o);
                        let model = dropped.as_ref().and_then(|t| db.table(t));
                        // IF EXISTS of a table that is not there does nothing.
                        if *missing_ok && model.is_none() {
                            continue;
                        }
                        out.extend(effect(dropped, LockLevel::AccessExclusive, false, false));
                        // Its foreign keys' triggers are dropped from the tables they
                        // reference: ACCESS EXCLUSIVE on those too.
                        for fk in model.iter().flat_map(|m| m.foreign_keys.iter()) {
                            if fk.references != model.unwrap().name {
                                out.extend(effect(
                                    Some(fk.references.clone()),
                                    LockLevel::AccessExclusive,
                                    false,
                                    false,
                                ));
                            }
                        }
                    }
                    ObjectKind::Index => {
                        let owner = index_owner(db, search_path, o);
                        let level = if *concurrently {
                            LockLevel::ShareUpdateExclusive
                        } else {
                            LockLevel::AccessExclusive
                        };
                        // An index of a partitioned table goes with its partitions'
                        // indexes, each table locked the same way (`trace`).
                        let mut queue: Vec<QualifiedName> = owner
                            .iter()
                            .filter(|t| {
                                db.table(t)
                                    .is_some_and(|t| t.kind == crate::model::TableKind::Partitioned)
                            })
                            .cloned()
                            .collect();
                        out.extend(effect(owner, level, false, false));
                        while let Some(next) = queue.pop() {
                            for t in db.partitions(&next) {
                                out.extend(effect(Some(t.name.clone()), level, false, false));
                                queue.push(t.name.clone());
                            }
                        }
                    }
                    // Dropping these locks no table rows traffic reads or writes
                    // (views, sequences, types and schemas are locked themselves; a
                    // view's or type's dependants are not rewritten).
                    ObjectKind::View
                    | ObjectKind::MaterializedView
                    | ObjectKind::Sequence
                    | ObjectKind::Type
                    | ObjectKind::Domain
                    | ObjectKind::Schema
                    | ObjectKind::Other => {}
                }
            }
        }
        Statement::AlterTable {
            table: t,
            only,
            actions,
            missing_ok,
        } => {
            let mut level = LockLevel::ShareUpdateExclusive;
            let (mut rewrite, mut scan) = (false, false);
            let mut referenced = Vec::new();
            let mut validated_references = Vec::new();
            let altered = table(t);
            let existing_table = altered.as_ref().and_then(|q| db.table(q));
            // ALTER TABLE IF EXISTS of a table that is not there does nothing.
            if *missing_ok && existing_table.is_none() {
                return out;
            }
            let mut dropped_references = Vec::new();
            let mut partitions = Vec::new();
            // Partitions a foreign key added to their partitioned table locks, and
            // whether it checks each one's rows.
            let mut fk_partitions: Vec<(QualifiedName, bool)> = Vec::new();
            // Partitions a key added to their partitioned table builds an index on.
            let mut key_partitions: Vec<(QualifiedName, LockLevel, bool)> = Vec::new();
            for a in actions {
                let (l, r, s) = match a {
                    TableAction::AddColumn { column, .. } => {
                        let volatile =
                            add_column_rewrite(column, db, search_path, pg_version).is_some();
                        // NOT NULL without a default (DEFAULT NULL is none), or a
                        // CHECK, is verified against the existing rows ("verifying
                        // table"); so is a foreign key on a column given a default.
                        let verifies = (column.column.not_null
                            && column
                                .column
                                .default
                                .as_deref()
                                .is_none_or(crate::model::is_null_default)
                            && column.column.identity.is_none())
                            || column.constraints.iter().any(|c| {
                                matches!(
                                    c,
                                    ConstraintSpec::Check {
                                        not_valid: false,
                                        ..
                                    }
                                )
                            })
                            || add_column_validates_foreign_key(column);
                        for c in &column.constraints {
                            if let ConstraintSpec::ForeignKey(fk) = c {
                                referenced.push(fk.references.clone());
                            }
                        }
                        (LockLevel::AccessExclusive, volatile, verifies && !volatile)
                    }
                    TableAction::AddConstraint(ConstraintSpec::ForeignKey(fk)) => {
                        referenced.push(fk.references.clone());
                        match existing_table
                            .filter(|t| t.kind == crate::model::TableKind::Partitioned)
                        {
                            // A partitioned table has no rows: each partition is locked
                            // and checked, except one that already has the same valid
                            // key, which is attached as it is, its triggers on the
                            // referenced table replaced under ACCESS EXCLUSIVE (`trace`,
                            // 12 to 18).
                            Some(parent) => {
                                let target = table(&fk.references);
                                for p in
                                    foreign_key_partitions(db, &parent.name, target.as_ref(), fk)
                                {
                                    if p.attaches {
                                        dropped_references.extend(target.clone());
                                    }
                                    fk_partitions.push((p.partition, p.validated && !fk.not_valid));
                                }
                                (LockLevel::ShareRowExclusive, false, false)
                            }
                            None => (LockLevel::ShareRowExclusive, false, !fk.not_valid),
                        }
                    }
                    TableAction::AddConstraint(ConstraintSpec::Check { not_valid, .. }) => {
                        (LockLevel::AccessExclusive, false, !not_valid)
                    }
                    // A key on a partitioned table: its own index holds no rows
                    // (nothing is read there); without ONLY each partition's index
                    // is built under SHARE (and a primary key's NOT NULL set under
                    // ACCESS EXCLUSIVE where a column is nullable), and from 18 every
                    // partition takes ACCESS EXCLUSIVE (`dblint trace`, 12 to 18).
                    TableAction::AddConstraint(
                        spec @ (ConstraintSpec::Unique(_) | ConstraintSpec::PrimaryKey(_)),
                    ) if existing_table.is_some_and(|m| m.kind == crate::model::TableKind::Partitioned) =>
                    {
                        if !only {
                            for (p, leaf) in partitions_of(db, &existing_table.unwrap().name) {
                                let nullable = match spec {
                                    ConstraintSpec::PrimaryKey(k) => db.table(&p).is_some_and(|m| {
                                        primary_key_columns(m, k).iter().any(|c| {
                                            m.column(c).is_some_and(|col| !col.not_null)
                                        })
                                    }),
                                    _ => false,
                                };
                                let level = if pg_version >= 18 || nullable {
                                    LockLevel::AccessExclusive
                                } else {
                                    LockLevel::Share
                                };
                                key_partitions.push((p, level, leaf));
                            }
                        }
                        (LockLevel::AccessExclusive, false, false)
                    }
                    TableAction::AddConstraint(ConstraintSpec::Unique(k)) => {
                        (LockLevel::AccessExclusive, false, k.using_index.is_none())
                    }
                    // A primary key also sets NOT NULL on its nullable columns, which
                    // scans (`ALTER TABLE`, ADD table_constraint_using_index), with an
                    // index of its own or USING INDEX.
                    TableAction::AddConstraint(ConstraintSpec::PrimaryKey(k)) => {
                        let nullable = existing_table.is_some_and(|m| {
                            primary_key_columns(m, k).iter().any(|c| {
                                m.column(c).is_some() && set_not_null_scans(m, c, pg_version)
                            })
                        });
                        (
                            LockLevel::AccessExclusive,
                            false,
                            k.using_index.is_none() || nullable,
                        )
                    }
                    TableAction::ValidateConstraint { name } => {
                        // Validating a foreign key reads the referenced table too
                        // (SELECT ... FOR KEY SHARE: ROW SHARE).
                        if let Some(fk) = existing_table
                            .and_then(|m| m.foreign_keys.iter().find(|fk| fk.name == *name))
                        {
                            validated_references.push(fk.references.clone());
                        }
                        (LockLevel::ShareUpdateExclusive, false, true)
                    }
                    TableAction::SetNotNull { column } => {
                        let scans = match existing_table {
                            Some(m) => set_not_null_scans(m, column, pg_version),
                            None => true,
                        };
                        (LockLevel::AccessExclusive, false, scans)
                    }
                    // A binary-coercible change (varchar(n) to a longer varchar or
                    // text, ...) rewrites nothing, but may rebuild indexes or check
                    // constraints again (`super::type_change`).
                    TableAction::AlterColumnType {
                        column,
                        data_type,
                        using,
                        ..
                    } => {
                        // A foreign key on the column, either side, is dropped and
                        // added again: ACCESS EXCLUSIVE on the other table for its
                        // triggers (seen by `dblint trace`).
                        if let Some(m) = existing_table {
                            dropped_references.extend(
                                m.foreign_keys
                                    .iter()
                                    .filter(|fk| {
                                        fk.references != m.name && fk.columns.contains(column)
                                    })
                                    .map(|fk| fk.references.clone()),
                            );
                            dropped_references.extend(
                                db.tables
                                    .values()
                                    .filter(|t| {
                                        t.name != m.name
                                            && t.foreign_keys.iter().any(|fk| {
                                                fk.references == m.name
                                                    && fk.referenced_columns.contains(column)
                                            })
                                    })
                                    .map(|t| t.name.clone()),
                            );
                        }
                        match existing_table.and_then(|m| {
                            super::type_change::analyze(
                                db,
                                m,
                                column,
                                &data_type.data_type,
                                using,
                                pg_version,
                                utc,
                            )
                        }) {
                            Some(change) => (
                                LockLevel::AccessExclusive,
                                change.rewrites(),
                                change.scans(),
                            ),
                            None => (LockLevel::AccessExclusive, true, true),
                        }
                    }
                    // The parent takes SHARE UPDATE EXCLUSIVE (ACCESS EXCLUSIVE before
                    // PostgreSQL 12); the table attached is locked ACCESS EXCLUSIVE and
                    // scanned to check its rows fit, unless its constraints prove the
                    // bound; a DEFAULT partition is locked ACCESS EXCLUSIVE too and
                    // scanned for rows the new partition takes (`ALTER TABLE`, ATTACH
                    // PARTITION; seen by `dblint trace` on 12-18).
                    TableAction::AttachPartition {
                partition, bound, ..
            } => {
                        let attached = table(partition);
                        let scan = attach_scans(db, altered.as_ref(), attached.as_ref(), bound);
                        // The rows read are the partition's (and the DEFAULT one's),
                        // not the parent's.
                        partitions.push((
                            partition.clone(),
                            LockLevel::AccessExclusive,
                            scan.attached != Proof::Proven,
                        ));
                        if let Some(default) = &scan.default_partition {
                            partitions.push((
                                ObjectName {
                                    schema: Some(default.0.schema.clone()),
                                    name: default.0.name.clone(),
                                },
                                LockLevel::AccessExclusive,
                                default.1 != Proof::Proven,
                            ));
                        }
                        let level = if pg_version >= 12 {
                            LockLevel::ShareUpdateExclusive
                        } else {
                            LockLevel::AccessExclusive
                        };
                        (level, false, false)
                    }
                    // CONCURRENTLY (PostgreSQL 14+): SHARE UPDATE EXCLUSIVE on both in
                    // its first transaction, then waits for every transaction that
                    // may see the partition and ends with ACCESS EXCLUSIVE on the
                    // partition alone (`ALTER TABLE`, DETACH PARTITION).
                    TableAction::DetachPartition {
                        partition,
                        concurrently: true,
                    } => {
                        partitions.push((partition.clone(), LockLevel::AccessExclusive, false));
                        (LockLevel::ShareUpdateExclusive, false, false)
                    }
                    // The parent: ACCESS EXCLUSIVE. The partition detached: ACCESS
                    // EXCLUSIVE from PostgreSQL 14, SHARE UPDATE EXCLUSIVE before
                    // (seen by scripts/matrix.sh on 12 and 13).
                    TableAction::DetachPartition { partition, .. } => {
                        let level = if pg_version >= 14 {
                            LockLevel::AccessExclusive
                        } else {
                            LockLevel::ShareUpdateExclusive
                        };
                        // The parent's DEFAULT partition, whose implicit bound changes:
                        // ACCESS EXCLUSIVE on it too (seen by `dblint trace` on 12-18).
                        let detached = table(partition);
                        if let Some(default) = altered
                            .as_ref()
                            .and_then(|parent| default_partition(db, parent))
                            .filter(|d| Some(d) != detached.as_ref())
                        {
                            partitions.push((
                                ObjectName {
                                    schema: Some(default.schema.clone()),
                                    name: default.name.clone(),
                                },
                                LockLevel::AccessExclusive,
                                false,
                            ));
                        }
                        partitions.push((partition.clone(), level, false));
                        (LockLevel::AccessExclusive, false, false)
                    }
                    // Exclusion constraints build an index; NOT NULL constraints scan.
                    TableAction::AddConstraint(ConstraintSpec::Exclusion { .. }) => {
                        (LockLevel::AccessExclusive, false, true)
                    }
                    TableAction::AddConstraint(ConstraintSpec::NotNull { .. }) => {
                        (LockLevel::AccessExclusive, false, true)
                    }
                    // Dropping a foreign key drops its triggers on the referenced
                    // table: ACCESS EXCLUSIVE there too.
                    TableAction::DropConstraint { name, .. }
                        if existing_table.is_some_and(|m| {
                            m.foreign_keys
                                .iter()
                                .any(|fk| fk.name == *name && fk.references != m.name)
                        }) =>
                    {
                        let m = existing_table.unwrap();
                        dropped_references.extend(
                            m.foreign_keys
                                .iter()
                                .filter(|fk| fk.name == *name)
                                .map(|fk| fk.references.clone()),
                        );
                        (LockLevel::AccessExclusive, false, false)
                    }
                    // Dropping a column drops the foreign keys it is part of (their
                    // triggers live on the referenced table) and, with CASCADE, the
                    // foreign keys of other tables that reference it: ACCESS
                    // EXCLUSIVE on each of those tables.
                    TableAction::DropColumn { name, cascade, .. }
                        if existing_table.is_some_and(|m| m.column(name).is_some()) =>
                    {
                        let m = existing_table.unwrap();
                        let removed = super::dependents::of_column(db, m, name);
                        dropped_references.extend(
                            m.foreign_keys
                                .iter()
                                .filter(|fk| {
                                    fk.references != m.name
                                        && removed
                                            .constraints
                                            .iter()
                                            .any(|(k, n)| *k == "foreign key" && *n == fk.name)
                                })
                                .map(|fk| fk.references.clone()),
                        );
                        if *cascade {
                            dropped_references.extend(
                                removed
                                    .referencing_keys
                                    .iter()
                                    .filter(|(t, _)| *t != m.name)
                                    .map(|(t, _)| t.clone()),
                            );
                        }
                        (LockLevel::AccessExclusive, false, false)
                    }
                    // ACCESS EXCLUSIVE without touching the rows (ALTER TABLE's lock
                    // for these forms; see the ALTER TABLE docs, "Notes").
                    TableAction::DropColumn { .. }
                    | TableAction::SetDefault { .. }
                    | TableAction::DropNotNull { .. }
                    | TableAction::DropConstraint { .. }
                    | TableAction::AddIdentity { .. }
                    | TableAction::DropIdentity { .. }
                    | TableAction::SetIdentity { .. }
                    | TableAction::RowSecurity(_)
                    | TableAction::ForceRowSecurity(_)
                    | TableAction::AddInherit(_)
                    | TableAction::DropInherit(_)
                    // ALTER CONSTRAINT: ACCESS EXCLUSIVE on the table only (seen by
                    // `dblint trace` on 12, 15, 17 and 18).
                    | TableAction::AlterConstraint { .. }
                    | TableAction::Other => (LockLevel::AccessExclusive, false, false),
                    // ENABLE / DISABLE TRIGGER: SHARE ROW EXCLUSIVE (`ALTER TABLE`,
                    // Notes; seen by `dblint trace` on 12 and 18).
                    TableAction::Trigger { .. } => (LockLevel::ShareRowExclusive, false, false),
                    // SET LOGGED / UNLOGGED writes the table anew (ALTER TABLE docs),
                    // when it changes the table's persistence (see
                    // [`persistence_rewrites`]).
                    TableAction::SetLogged(logged) => (
                        LockLevel::AccessExclusive,
                        existing_table.is_none_or(|m| persistence_rewrites(m, *logged)),
                        false,
                    ),
                };
                level = level.max(l);
                rewrite |= r;
                scan |= s;
            }
            out.extend(effect(altered, level, rewrite, scan));
            for r in referenced {
                out.extend(effect(
                    table(&r),
                    LockLevel::ShareRowExclusive,
                    false,
                    false,
                ));
            }
            for (p, level, scans) in partitions {
                out.extend(effect(table(&p), level, false, scans));
            }
            for (p, checks) in fk_partitions {
                out.extend(effect(Some(p), LockLevel::ShareRowExclusive, false, checks));
            }
            for (p, level, builds) in key_partitions {
                out.extend(effect(Some(p), level, false, builds));
            }
            dropped_references.sort();
            dropped_references.dedup();
            for r in dropped_references {
                out.extend(effect(Some(r), LockLevel::AccessExclusive, false, false));
            }
            for r in validated_references {
                out.extend(effect(Some(r), LockLevel::RowShare, false, false));
            }
        }
        Statement::CreateTable(ct) => {
            // The new table is invisible until commit; the tables it refers to are
            // not: a foreign key takes SHARE ROW EXCLUSIVE on the referenced table
            // (to add its triggers), a partition ACCESS EXCLUSIVE on its parent, and
            // the parent's foreign keys are cloned onto the partition.
            let created = table(&ct.name);
            let mut references: Vec<QualifiedName> = ct
                .constraints
                .iter()
                .chain(ct.columns.iter().flat_map(|c| c.constraints.iter()))
                .filter_map(|c| match c {
                    ConstraintSpec::ForeignKey(fk) => table(&fk.references),
                    _ => None,
                })
                .collect();
            if let Some(parent) = ct.partition_of.as_ref().and_then(table) {
                if let Some(model) = db.table(&parent) {
                    references.extend(model.foreign_keys.iter().map(|fk| fk.references.clone()));
                }
                out.extend(effect(
                    Some(parent),
                    LockLevel::AccessExclusive,
                    false,
                    false,
                ));
            }
            references.sort();
            references.dedup();
            for r in references
                .into_iter()
                .filter(|r| Some(r) != created.as_ref())
            {
                out.extend(effect(Some(r), LockLevel::ShareRowExclusive, false, false));
            }
        }
        Statement::AttachIndexPartition { parent, child } => {
            // Both indexes' tables are read (ACCESS SHARE) to match the index.
            for index in [parent, child] {
                out.extend(effect(
                    index_owner(db, search_path, index),
                    LockLevel::AccessShare,
                    false,
                    false,
                ));
            }
        }
        Statement::AlterSequence {
            owned_by: Some(Some((owner, _))),
            ..
        } => out.extend(effect(table(owner), LockLevel::AccessShare, false, false)),
        Statement::Comment {
            target: CommentTarget::Table(t) | CommentTarget::Column(t, _),
            ..
        } => out.extend(effect(
            table(t),
            LockLevel::ShareUpdateExclusive,
            false,
            false,
        )),
        Statement::Rename {
            kind: ObjectKind::Table,
            object,
            ..
        }
        | Statement::RenameColumn { table: object, .. }
        | Statement::RenameConstraint { table: object, .. } => out.extend(effect(
            table(object),
            LockLevel::AccessExclusive,
            false,
            false,
        )),
        // The view itself: ACCESS EXCLUSIVE for the whole refresh, which fills a new
        // file node (a rewrite); CONCURRENTLY takes EXCLUSIVE, so reads continue, and
        // compares the new result with the whole view to update its rows in place (a
        // scan; `REFRESH MATERIALIZED VIEW`). The tables the view's query reads take
        // ACCESS SHARE; the model does not know the query.
        Statement::RefreshMatView {
            name, concurrently, ..
        } => {
            let view = resolve_in(&db.views, search_path, name).or_else(|| table(name));
            let level = if *concurrently {
                LockLevel::Exclusive
            } else {
                LockLevel::AccessExclusive
            };
            out.extend(effect(view, level, !concurrently, *concurrently));
        }
        // Checking a domain's values reads every column of that type (and of domains
        // over it) under SHARE on each table, blocking writes: adding a CHECK without
        // NOT VALID, VALIDATE CONSTRAINT (still SHARE on 12-18, seen by `dblint
        // trace`), and SET NOT NULL on a domain that allows NULL.
        Statement::AlterDomain { name, action } => {
            if let Some(domain) = resolve_in(&db.domains, search_path, name) {
                let checks = match action {
                    DomainAction::AddCheck { not_valid, .. } => !not_valid,
                    DomainAction::ValidateConstraint { .. } => true,
                    DomainAction::SetNotNull => !db.domains[&domain].not_null,
                    DomainAction::DropNotNull
                    | DomainAction::SetDefault(_)
                    | DomainAction::Other => false,
                };
                if checks {
                    for (t, _) in domain_columns(db, &domain) {
                        out.extend(effect(Some(t), LockLevel::Share, false, true));
                    }
                }
            }
        }
        // CREATE TRIGGER takes SHARE ROW EXCLUSIVE on its table, DROP TRIGGER ACCESS
        // EXCLUSIVE (`CREATE TRIGGER`, `DROP TRIGGER`; seen by `dblint trace` on 12
        // and 18).
        Statement::CreateTrigger { table: t } => {
            out.extend(effect(table(t), LockLevel::ShareRowExclusive, false, false))
        }
        Statement::DropTrigger {
            table: t,
            missing_ok,
        } => {
            let target = table(t);
            if !*missing_ok || target.as_ref().is_some_and(|q| db.table(q).is_some()) {
                out.extend(effect(target, LockLevel::AccessExclusive, false, false));
            }
        }
        Statement::Truncate { tables } => {
            for t in tables {
                out.extend(effect(table(t), LockLevel::AccessExclusive, false, false));
            }
        }
        Statement::Vacuum { full: true, tables } => {
            for t in tables {
                out.extend(effect(table(t), LockLevel::AccessExclusive, true, false));
            }
        }
        Statement::Cluster { table: Some(t) } => {
            out.extend(effect(table(t), LockLevel::AccessExclusive, true, false))
        }
        Statement::LockTable { tables, mode } => {
            for t in tables {
                out.extend(effect(table(t), LockLevel::parse(mode), false, false));
            }
        }
        Statement::Reindex {
            concurrently,
            table: t,
            index,
        } => {
            let level = if *concurrently {
                LockLevel::ShareUpdateExclusive
            } else {
                LockLevel::Share
            };
            let owner = match (t, index) {
                (Some(t), _) => table(t),
                (None, Some(i)) => index_owner(db, search_path, i),
                _ => None,
            };
            // Before 14, REINDEX TABLE of a partitioned table only warns ("not yet
            // implemented, skipping") and builds nothing (seen with `dblint trace`).
            let skipped = pg_version < 14
                && t.is_some()
                && owner
                    .as_ref()
                    .and_then(|o| db.table(o))
                    .is_some_and(|o| o.kind == crate::model::TableKind::Partitioned);
            out.extend(effect(owner, level, false, !skipped));
        }
        // Statements named here take no lock on a table that serves traffic, or one
        // not worth reporting: creating objects (a view, type, sequence, policy),
        // comments on other objects, session and transaction control, plain VACUUM,
        // CLUSTER without a table, and statements that do not change the schema's
        // shape (data statements among them: see tests/fixtures/trace/reviewed.toml).
        Statement::CreateSchema { .. }
        | Statement::CreateView { .. }
        | Statement::Rename { .. }
        | Statement::SetSchema { .. }
        | Statement::CreateEnum { .. }
        | Statement::AlterEnumAddValue { .. }
        | Statement::AlterEnumRenameValue { .. }
        | Statement::CreateDomain { .. }
        | Statement::CreateSequence { .. }
        | Statement::AlterSequence {
            owned_by: None | Some(None),
            ..
        }
        | Statement::Comment {
            target: CommentTarget::Other,
            ..
        }
        | Statement::CreatePolicy { .. }
        | Statement::CreateFunction { .. }
        | Statement::AlterFunction { .. }
        | Statement::DropFunction { .. }
        | Statement::SetSearchPath(_)
        | Statement::Transaction { .. }
        | Statement::SetConfig { .. }
        | Statement::Vacuum { full: false, .. }
        | Statement::Cluster { table: None }
        | Statement::Other { .. } => {}
        // UPDATE and DELETE take ROW EXCLUSIVE ("13.3.1. Table-Level Locks"), which
        // blocks only SHARE and stronger; their row locks and duration are what
        // `unbatched-backfill` judges.
        // A table the model does not hold (a catalog such as `pg_index`, which the
        // server finds in pg_catalog first) is not predicted.
        Statement::RowChange { table: t, .. } => {
            let known = table(t).filter(|q| db.table(q).is_some());
            out.extend(effect(known, LockLevel::RowExclusive, false, false));
        }
    }
    out
}

/// Why `ADD COLUMN` rewrites the table, if it does: each existing row then gets a
/// value of its own, computed row by row (`ATExecAddColumn`, PostgreSQL 11 and later;
/// before 11 any non-NULL default rewrites, which the rule says itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddColumnRewrite {
    /// A stored generated column.
    Generated,
    /// An identity column: each row takes its sequence's next value.
    Identity,
    /// A serial: a `nextval()` default.
    Serial,
    /// A volatile default (or one calling a function dblint does not know).
    Volatile(crate::source::sql::volatility::Verdict),
    /// A domain type with constraints (CHECK or NOT NULL, its own or its base
    /// domain's): PostgreSQL checks every row's value, default or NULL, by rewriting.
    ConstrainedDomain(QualifiedName),
    /// Any default other than NULL, before PostgreSQL 11.
    DefaultBefore11,
}

/// Whether adding `column` rewrites the table on PostgreSQL `pg_version`, with the
/// functions of its default resolved through `search_path` (see
/// [`crate::source::sql::volatility`]). Checked against the server by `dblint trace`.
pub fn add_column_rewrite(
    column: &crate::source::sql::statement::ColumnSpec,
    db: &Database,
    search_path: &[Name],
    pg_version: u32,
) -> Option<AddColumnRewrite> {
    let c = &column.column;
    if c.generated.is_some() {
        return Some(AddColumnRewrite::Generated);
    }
    if c.identity.is_some() {
        return Some(AddColumnRewrite::Identity);
    }
    if c.serial {
        return Some(AddColumnRewrite::Serial);
    }
    if let Some(default) = &c.default {
        let verdict =
            crate::source::sql::volatility::default_verdict(default, db, search_path, pg_version);
        if verdict.is_volatile() {
            return Some(AddColumnRewrite::Volatile(verdict));
        }
    }
    // Before 11 any default other than NULL is written into every row ("ALTER
    // TABLE", 10: "Adding a column with a DEFAULT clause … requires the entire table
    // to be rewritten").
    if pg_version < 11
        && c.default
            .as_deref()
            .is_some_and(|d| !crate::model::is_null_default(d))
    {
        return Some(AddColumnRewrite::DefaultBefore11);
    }
    if !column.type_builtin && c.data_type.array_dims == 0 {
        let name = ObjectName {
            schema: c.data_type.schema.clone(),
            name: c.data_type.name.clone(),
        };
        let column_domain = resolve_in(&db.domains, search_path, &name)?;
        let constrained = db
            .domains
            .get(&column_domain)
            .and_then(|d| db.domain_base(d).1)
            .is_some();
        if constrained {
            return Some(AddColumnRewrite::ConstrainedDomain(column_domain));
        }
    }
    None
}

/// Whether a statement must read a table's rows, when that depends on what the
/// constraints prove.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof {
    /// PostgreSQL skips the scan: the constraints prove it unnecessary.
    Proven,
    /// It scans: nothing among the constraints can prove it (decided).
    Scans,
    /// Constraints the model cannot judge: taken as a scan, but not reported.
    Unknown,
}

/// What `ATTACH PARTITION` reads: the table attached, and the parent's DEFAULT
/// partition (with whether it is scanned) when it has one.
#[derive(Debug, Clone, PartialEq)]
pub struct AttachScan {
    pub attached: Proof,
    pub default_partition: Option<(QualifiedName, Proof)>,
}

impl AttachScan {
    pub fn scans(&self) -> bool {
        self.attached != Proof::Proven
            || self
                .default_partition
                .as_ref()
                .is_some_and(|(_, p)| *p != Proof::Proven)
    }
}

/// The scans of `ALTER TABLE parent ATTACH PARTITION attached <bound>`.
///
/// The table attached is scanned unless its validated CHECK constraints and NOT NULL
/// columns imply the partition constraint (PostgreSQL's
/// `PartConstraintImpliedByRelConstraint`). For a single-column RANGE or LIST key the
/// model decides the forms it is sure of, checked with `dblint trace` on 12 and 18: the
/// column NOT NULL (or a CHECK term `col IS NOT NULL`: a CHECK's `col >= x` does not
/// prove it, NULL passes a CHECK), and top-level CHECK terms `col >= lo` / `col > lo`
/// and `col < hi` / `col <= c` (either way round, from one CHECK or several) with
/// constants equal to the bound or, for integer and ISO-date constants, inside it; a
/// LIST bound by `col IN (...)` / `col = ANY (...)` / `col = c` over a subset of its
/// values. A term it cannot judge (a cast column, an expression, constants it cannot
/// compare) gives [`Proof::Unknown`]. A HASH bound is never proven by a CHECK.
///
/// Attaching a DEFAULT partition checks its rows against the other partitions' bounds:
/// none to check when the parent has no other partition.
///
/// The DEFAULT partition is scanned for rows that belong in the new partition unless
/// its own constraints prove there are none: with no validated CHECK it is scanned;
/// with one, the model does not judge.
pub fn attach_scans(
    db: &Database,
    parent: Option<&QualifiedName>,
    attached: Option<&QualifiedName>,
    bound: &crate::source::sql::statement::PartitionBound,
) -> AttachScan {
    use crate::source::sql::statement::PartitionBound;
    let parent_table = parent.and_then(|p| db.table(p));
    let key = parent_table.and_then(|p| p.partition_key.as_ref());
    let attached_table = attached.and_then(|a| db.table(a));
    // A DEFAULT partition holds what no other partition takes: with none, that is
    // everything, and there is nothing to check (`dblint trace`: no scan).
    let others = parent.is_some_and(|p| db.partitions(p).iter().any(|t| Some(&t.name) != attached));
    let proof = match (attached_table, key) {
        (_, _) if *bound == PartitionBound::Default && !others && parent_table.is_some() => {
            Proof::Proven
        }
        (Some(t), Some(key)) => bound_proof(t, key, bound),
        (Some(t), None) if validated_checks(t).next().is_none() => Proof::Scans,
        _ => Proof::Unknown,
    };
    let default_partition = match bound {
        PartitionBound::Default => None,
        _ => parent
            .and_then(|p| default_partition(db, p))
            .filter(|d| Some(d) != attached)
            .map(|d| {
                let proof = match db.table(&d) {
                    Some(t)
                        if t.kind == crate::model::TableKind::Ordinary
                            && validated_checks(t).next().is_none() =>
                    {
                        Proof::Scans
                    }
                    _ => Proof::Unknown,
                };
                (d, proof)
            }),
    };
    AttachScan {
        attached: proof,
        default_partition,
    }
}

fn validated_checks(t: &crate::model::Table) -> impl Iterator<Item = &str> {
    t.checks
        .iter()
        .filter(|c| c.validated)
        .map(|c| c.expression.as_str())
}

fn bound_proof(
    t: &crate::model::Table,
    key: &crate::model::PartitionKey,
    bound: &crate::source::sql::statement::PartitionBound,
) -> Proof {
    use crate::model::PartitionStrategy;
    use crate::source::sql::parse::{key_terms, CompareOp, KeyTerm};
    use crate::source::sql::statement::{BoundValue, PartitionBound};
    use std::cmp::Ordering;
    let no_checks = validated_checks(t).next().is_none();
    // A partitioned table attached is checked partition by partition.
    if t.kind != crate::model::TableKind::Ordinary {
        return Proof::Unknown;
    }
    let column = match (key.strategy, key.columns.as_slice()) {
        (PartitionStrategy::Hash, _) => return Proof::Scans,
        (_, [Some(c)]) => c,
        _ => {
            return if no_checks {
                Proof::Scans
            } else {
                Proof::Unknown
            }
        }
    };
    let Some(col) = t.column(column) else {
        return Proof::Unknown;
    };
    let mut terms = Vec::new();
    for check in validated_checks(t) {
        match key_terms(check, column) {
            Some(found) => terms.extend(found),
            None => terms.push(KeyTerm::Opaque),
        }
    }
    let opaque = terms.contains(&KeyTerm::Opaque);
    // Constants compared the way the column's type orders them, where the model is
    // sure: integers numerically, ISO dates as text; equal text is equal anyway.
    let type_name = col.data_type.name.as_str();
    let integer =
        matches!(type_name, "smallint" | "integer" | "bigint") && col.data_type.array_dims == 0;
    let date = type_name == "date" && col.data_type.array_dims == 0;
    let iso_date = |s: &str| {
        let b = s.as_bytes();
        b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
    };
    let compare = |a: &str, b: &str| -> Option<Ordering> {
        if a == b {
            return Some(Ordering::Equal);
        }
        if integer {
            return Some(a.parse::<i64>().ok()?.cmp(&b.parse::<i64>().ok()?));
        }
        if date && iso_date(a) && iso_date(b) {
            return Some(a.cmp(b));
        }
        None
    };
    let mut undecided = opaque;
    let not_null = col.not_null || terms.contains(&KeyTerm::NotNull);
    // Whether some term proves `col <op> value`; a term whose constant cannot be
    // compared leaves it undecided.
    let mut holds = |wanted: &dyn Fn(CompareOp, Ordering) -> bool, value: &str| {
        terms.iter().any(|t| match t {
            KeyTerm::Compare(op, c) => match compare(c, value) {
                Some(order) => wanted(*op, order),
                None => {
                    undecided = true;
                    false
                }
            },
            _ => false,
        })
    };
    let bound_ok = match bound {
        PartitionBound::Range { from, to } => {
            let lower = match from.as_slice() {
                [BoundValue::MinValue] => true,
                // col >= c or col > c with c >= lo.
                [BoundValue::Literal { value, .. }] => holds(
                    &|op, order| {
                        matches!(op, CompareOp::Ge | CompareOp::Gt) && order != Ordering::Less
                    },
                    value,
                ),
                _ => return Proof::Unknown,
            };
            let upper = match to.as_slice() {
                [BoundValue::MaxValue] => true,
                // col < c with c <= hi, or col <= c with c < hi.
                [BoundValue::Literal { value, .. }] => holds(
                    &|op, order| {
                        (op == CompareOp::Lt && order != Ordering::Greater)
                            || (op == CompareOp::Le && order == Ordering::Less)
                    },
                    value,
                ),
                _ => return Proof::Unknown,
            };
            lower && upper
        }
        PartitionBound::List(values) => {
            let mut set = Vec::new();
            for v in values {
                match v {
                    BoundValue::Literal { value, .. } => set.push(value.clone()),
                    // A NULL in the list makes the constraint `col IS NULL OR ...`.
                    _ => return Proof::Unknown,
                }
            }
            terms.iter().any(|t| match t {
                KeyTerm::In(items) => {
                    let inside = !items.is_empty()
                        && items.len() <= 100
                        && items.iter().all(|i| set.contains(i));
                    if !inside {
                        // '01' and '1' are equal integers: only text compares as text.
                        undecided |= !matches!(type_name, "text" | "character varying");
                    }
                    inside
                }
                KeyTerm::Compare(CompareOp::Eq, c) => {
                    let inside = set.contains(c);
                    if !inside {
                        undecided |= !matches!(type_name, "text" | "character varying");
                    }
                    inside
                }
                KeyTerm::Compare(..) => {
                    undecided = true;
                    false
                }
                _ => false,
            })
        }
        PartitionBound::Default | PartitionBound::Hash => {
            return if no_checks {
                Proof::Scans
            } else {
                Proof::Unknown
            };
        }
    };
    if not_null && bound_ok {
        Proof::Proven
    } else if undecided {
        Proof::Unknown
    } else {
        Proof::Scans
    }
}

/// The tables with columns of a domain (or of a domain over it, at any depth), with
/// those columns: what `ALTER DOMAIN ... ADD CONSTRAINT` checks.
pub fn domain_columns(db: &Database, domain: &QualifiedName) -> Vec<(QualifiedName, Vec<Name>)> {
    let is = |t: &crate::model::DataType, d: &QualifiedName| {
        t.array_dims == 0 && t.name == d.name && t.schema.as_ref() == Some(&d.schema)
    };
    let mut domains = vec![domain.clone()];
    let mut i = 0;
    while i < domains.len() {
        let current = domains[i].clone();
        for d in db.domains.values() {
            if is(&d.base, &current) && !domains.contains(&d.name) {
                domains.push(d.name.clone());
            }
        }
        i += 1;
    }
    db.tables
        .values()
        .filter(|t| t.kind == crate::model::TableKind::Ordinary)
        .filter_map(|t| {
            let columns: Vec<Name> = t
                .columns
                .iter()
                .filter(|c| domains.iter().any(|d| is(&c.data_type, d)))
                .map(|c| c.name.clone())
                .collect();
            (!columns.is_empty()).then(|| (t.name.clone(), columns))
        })
        .collect()
}

/// The DEFAULT partition of a partitioned table, if it has one.
pub fn default_partition(db: &Database, parent: &QualifiedName) -> Option<QualifiedName> {
    db.partitions(parent)
        .into_iter()
        .find(|t| t.default_partition)
        .map(|t| t.name.clone())
}

/// Whether `ALTER TABLE ... SET LOGGED` (`logged`) or `SET UNLOGGED` rewrites `table`:
/// only when it changes the table's persistence (PostgreSQL does nothing to a table
/// that is logged already), and never on a partitioned table, which has no storage
/// (PostgreSQL 12-17 change only its catalog entry, 18 refuses the statement; seen by
/// `dblint trace`).
pub fn persistence_rewrites(table: &crate::model::Table, logged: bool) -> bool {
    table.kind == crate::model::TableKind::Ordinary && table.unlogged == logged
}

/// Whether `SET NOT NULL` on `column` scans `table`: the column is not NOT NULL
/// already, and no validated CHECK proves it (PostgreSQL 12 and later skip the scan
/// then; see [`crate::source::sql::parse::proves_not_null`]).
pub fn set_not_null_scans(table: &crate::model::Table, column: &str, pg_version: u32) -> bool {
    let already = table.column(column).is_some_and(|c| c.not_null);
    let proven = pg_version >= 12
        && table.checks.iter().any(|c| {
            c.validated && crate::source::sql::parse::proves_not_null(&c.expression, column)
        });
    !already && !proven
}

/// The columns a primary key covers: as written, or those of its `USING INDEX` index.
pub fn primary_key_columns<'a>(
    table: &'a crate::model::Table,
    key: &'a crate::source::sql::statement::KeySpec,
) -> Vec<&'a Name> {
    match &key.using_index {
        Some(index) if key.columns.is_empty() => table
            .indexes
            .iter()
            .find(|i| i.name.name == *index)
            .map(|i| {
                i.keys
                    .iter()
                    .filter_map(|k| match &k.key {
                        crate::model::IndexKey::Column(c) => Some(c),
                        crate::model::IndexKey::Expression(_) => None,
                    })
                    .collect()
            })
            .unwrap_or_default(),
        _ => key.columns.iter().collect(),
    }
}
