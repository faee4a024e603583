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
    /// How the migration tool sends the file ([`super::delivery`]).
    pub sending: super::delivery::Sending,
    /// Statements in the file (in a dbmate file, in its up block).
    pub statements: usize,
    /// Index of the statement being reviewed, from 0.
    pub position: usize,
    /// Inside a BEGIN of the file that no COMMIT or ROLLBACK has closed yet.
    pub explicit_transaction: bool,
    /// Line of that BEGIN.
    pub begin_line: Option<u32>,
    /// The tool runs the file in a transaction of its own (a COMMIT in the file ends
    /// it, but the statements after it run in a new one).
    pub tool_transaction: bool,
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
    pub fn new(path: &Path, sending: super::delivery::Sending, statements: usize) -> Self {
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
            tool_transaction: sending.delivery == super::delivery::Delivery::Transaction,
            sending,
            statements,
            ..FileState::default()
        }
    }

    /// Whether the statement being reviewed runs inside a transaction block: one the
    /// file opened, the tool's, or the implicit one of a query string of two or more
    /// statements (which holds for every statement of the string, also after a
    /// COMMIT in it).
    pub fn in_transaction(&self) -> bool {
        self.explicit_transaction
            || self.tool_transaction
            || (self.sending.delivery == super::delivery::Delivery::OneQuery && self.statements > 1)
    }

    /// Whether the statement being reviewed is the file's last.
    pub fn at_last_statement(&self) -> bool {
        self.position + 1 >= self.statements
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
                // A BEGIN inside the tool's transaction only warns. A COMMIT or
                // ROLLBACK there ends it, but what follows runs in a new one: the
                // rest of the query string is an implicit transaction (Diesel,
                // dbmate), and JDBC with autocommit off opens one before the next
                // statement (Flyway).
                if *begin {
                    if !self.tool_transaction {
                        self.explicit_transaction = true;
                        self.begin_line = Some(line);
                    }
                } else {
                    self.explicit_transaction = false;
                    self.begin_line = None;
                }
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
            | Statement::CreateFunction { .. }
            | Statement::AlterFunction { .. }
            | Statement::DropFunction { .. }
            | Statement::Reindex { .. }
            | Statement::Vacuum { .. }
            | Statement::Cluster { .. }
            | Statement::LockTable { .. }
            | Statement::Truncate { .. }
            | Statement::RowChange { .. }
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
