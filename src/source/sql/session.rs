//! What migration review needs to know while replaying: the statement, the model just
//! before it, and the state of its file (transaction, `lock_timeout`, tables created
//! in this migration).

use super::statement::{ConstraintSpec, Statement, TableAction};
use crate::model::{Database, Location, Name, QualifiedName};
use std::collections::BTreeSet;
use std::path::Path;

/// One statement about to be applied.
pub struct StatementEvent<'a> {
    pub statement: &'a Statement,
    pub sql: &'a str,
    pub location: &'a Location,
    /// The model as it was just before this statement.
    pub db: &'a Database,
    pub file: &'a FileState,
    pub search_path: &'a [Name],
}

/// The state of one migration file as replay goes through it.
#[derive(Debug, Default, Clone)]
pub struct FileState {
    /// A short, stable name for the migration: `<folder>/<file>`.
    pub migration: String,
    /// The tool runs the file in a transaction even without BEGIN (Prisma, Flyway,
    /// Diesel; or `assume_in_transaction` in dblint.toml).
    pub assume_transaction: bool,
    /// Inside an explicit BEGIN ... COMMIT.
    pub explicit_transaction: bool,
    /// `SET lock_timeout` ran earlier in the file.
    pub lock_timeout_set: bool,
    /// Tables created earlier in this file, or earlier in the same deployment (files
    /// named together on the command line): hazards that need existing rows do not
    /// apply to them.
    pub created_tables: BTreeSet<QualifiedName>,
    /// Constraints added `NOT VALID` in the current transaction.
    pub not_valid_constraints: BTreeSet<(QualifiedName, Name)>,
    /// Enum values added in the current transaction.
    pub enum_values_added: Vec<(QualifiedName, Name)>,
    /// Locks that block writes (SHARE or stronger) taken in the open transaction on
    /// tables that existed before this file, strongest first per table: PostgreSQL
    /// holds a lock until the transaction ends ("13.3. Explicit Locking").
    pub held_locks: Vec<HeldLock>,
}

/// A table lock the open transaction holds.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldLock {
    pub table: QualifiedName,
    pub level: super::locks::LockLevel,
    /// Where the statement that took it is, and its first words.
    pub line: u32,
    pub statement: String,
}

impl FileState {
    pub fn new(path: &Path, assume_transaction: bool) -> Self {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let parent = path
            .parent()
            .and_then(|p| p.file_name())
            .map(|n| format!("{}/", n.to_string_lossy()))
            .unwrap_or_default();
        FileState {
            migration: format!("{parent}{name}"),
            assume_transaction,
            ..FileState::default()
        }
    }

    pub fn in_transaction(&self) -> bool {
        self.explicit_transaction || self.assume_transaction
    }

    /// Update after a statement was applied. `resolve` finds a table by name the way
    /// the server would; `effects` are the locks the statement took
    /// ([`super::locks::effects`] on the model before it), held until the transaction
    /// ends.
    pub fn after(
        &mut self,
        statement: &Statement,
        resolve: &dyn Fn(&super::statement::ObjectName) -> Option<QualifiedName>,
        effects: &[super::locks::LockEffect],
        line: u32,
        sql: &str,
    ) {
        for effect in effects {
            if effect.level < super::locks::LockLevel::Share
                || self.created_tables.contains(&effect.table)
            {
                continue;
            }
            match self.held_locks.iter_mut().find(|h| h.table == effect.table) {
                Some(held) if held.level >= effect.level => {}
                Some(held) => {
                    held.level = effect.level;
                    held.line = line;
                    held.statement = super::first_words(sql);
                }
                None => self.held_locks.push(HeldLock {
                    table: effect.table.clone(),
                    level: effect.level,
                    line,
                    statement: super::first_words(sql),
                }),
            }
        }
        match statement {
            Statement::Transaction { begin } => {
                self.explicit_transaction = *begin;
                self.not_valid_constraints.clear();
                self.enum_values_added.clear();
                self.held_locks.clear();
            }
            Statement::SetConfig { name, value, .. } if name == "lock_timeout" => {
                self.lock_timeout_set = !matches!(value.trim(), "" | "0" | "default");
            }
            Statement::CreateTable(ct) => {
                if let Some(q) = resolve(&ct.name) {
                    self.created_tables.insert(q);
                }
            }
            // A (materialized) view created here is as new as a table: nobody else
            // sees it before the transaction commits.
            Statement::CreateView { name, .. } => {
                if let Some(q) = resolve(name) {
                    self.created_tables.insert(q);
                }
            }
            Statement::AlterTable { table, actions, .. } => {
                if let Some(q) = resolve(table) {
                    for action in actions {
                        if let TableAction::AddConstraint(
                            ConstraintSpec::ForeignKey(super::statement::ForeignKeySpec {
                                name: Some(n),
                                not_valid: true,
                                ..
                            })
                            | ConstraintSpec::Check {
                                name: Some(n),
                                not_valid: true,
                                ..
                            },
                        ) = action
                        {
                            self.not_valid_constraints.insert((q.clone(), n.clone()));
                        }
                    }
                }
            }
            Statement::AlterEnumAddValue { name, value, .. } => {
                let q = QualifiedName::new(
                    name.schema.clone().unwrap_or_else(|| "public".into()),
                    name.name.clone(),
                );
                self.enum_values_added.push((q, value.clone()));
            }
            // Nothing here changes the file's transaction state, its settings, the
            // tables it created, or the NOT VALID constraints and enum values added
            // in the open transaction.
            Statement::SetConfig { .. }
            | Statement::CreateSchema { .. }
            | Statement::CreateIndex(_)
            | Statement::Drop { .. }
            | Statement::Rename { .. }
            | Statement::RenameColumn { .. }
            | Statement::RenameConstraint { .. }
            | Statement::SetSchema { .. }
            | Statement::CreateEnum { .. }
            | Statement::AlterEnumRenameValue { .. }
            | Statement::CreateDomain { .. }
            | Statement::CreateSequence { .. }
            | Statement::AlterSequenceOwnedBy { .. }
            | Statement::Comment { .. }
            | Statement::CreatePolicy { .. }
            | Statement::AttachIndexPartition { .. }
            | Statement::SetSearchPath(_)
            | Statement::Reindex { .. }
            | Statement::Vacuum { .. }
            | Statement::Cluster { .. }
            | Statement::LockTable { .. }
            | Statement::Truncate { .. }
            | Statement::RefreshMatView { .. }
            | Statement::AlterDomain { .. }
            | Statement::CreateTrigger { .. }
            | Statement::DropTrigger { .. }
            | Statement::Other { .. } => {}
        }
        // Outside a transaction every statement commits on its own.
        if !self.in_transaction() {
            self.not_valid_constraints.clear();
            self.enum_values_added.clear();
            self.held_locks.clear();
        }
    }
}

/// Whether a migration tool runs this file in a transaction by default: Prisma
/// (`migration.sql`), Diesel (`up.sql`) and Flyway (`V…__`, `B…__`, `R__`) do;
/// golang-migrate, dbmate and plain files do not.
pub fn tool_wraps_in_transaction(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if name == "migration.sql" || name == "up.sql" {
        return true;
    }
    let flyway = name.split_once("__").is_some_and(|(head, _)| {
        head == "R"
            || (head.len() > 1
                && matches!(&head[..1], "V" | "B")
                && head[1..]
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '.' || c == '_'))
    });
    flyway
}
