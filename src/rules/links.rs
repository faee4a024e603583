//! How the tables of one model reference each other, read once per model so that a
//! rule asking "which foreign keys reference this table?" costs what the answer holds,
//! not a scan of every table (which made rules quadratic on large schemas: issue 23).
//! A table's partitions: [`Database::partitions`].

use crate::model::{Database, ForeignKey, QualifiedName, Table};
use std::collections::BTreeMap;

/// Foreign keys by the table they reference.
///
/// Built by [`Links::new`] from [`Database::referencing_keys`] in O(foreign keys ×
/// log tables); lists keep the model's order
/// (tables by name, a table's foreign keys as declared), so rules that walk them stay
/// deterministic.
pub struct Links<'a> {
    /// Referenced table → (referencing table, one of its foreign keys to it), every
    /// foreign key of the model, partition clones included.
    referencing: BTreeMap<&'a QualifiedName, Vec<(&'a Table, &'a ForeignKey)>>,
}

impl<'a> Links<'a> {
    pub fn new(db: &'a Database) -> Self {
        Links {
            referencing: db.referencing_keys(),
        }
    }

    /// The foreign keys that reference `table`, each with the table that declares it,
    /// in the model's order.
    pub fn referencing(
        &self,
        table: &QualifiedName,
    ) -> impl Iterator<Item = (&'a Table, &'a ForeignKey)> + '_ {
        self.referencing.get(table).into_iter().flatten().copied()
    }
}
