//! How the tables of one model point at each other, read once per model so that a rule
//! asking "who references this table?" or "does it have partitions?" costs what the
//! answer holds, not a scan of every table (which made rules quadratic on large
//! schemas: issue 23).

use crate::model::{Database, ForeignKey, QualifiedName, Table};
use std::collections::HashMap;

/// Foreign keys by the table they reference, and partitions by their parent.
///
/// Built by [`Links::new`] in O(tables + foreign keys); lists keep the model's order
/// (tables by name, a table's foreign keys as declared), so rules that walk them stay
/// deterministic.
pub struct Links<'a> {
    /// Referenced table → (referencing table, one of its foreign keys to it), every
    /// foreign key of the model, partition clones included.
    referencing: HashMap<&'a QualifiedName, Vec<(&'a Table, &'a ForeignKey)>>,
    /// Partitioned table → its direct partitions.
    partitions: HashMap<&'a QualifiedName, Vec<&'a Table>>,
}

impl<'a> Links<'a> {
    pub fn new(db: &'a Database) -> Self {
        let mut referencing: HashMap<_, Vec<_>> = HashMap::new();
        let mut partitions: HashMap<_, Vec<_>> = HashMap::new();
        for table in db.tables.values() {
            for fk in &table.foreign_keys {
                referencing
                    .entry(&fk.references)
                    .or_default()
                    .push((table, fk));
            }
            if let Some(parent) = &table.partition_of {
                partitions.entry(parent).or_default().push(table);
            }
        }
        Links {
            referencing,
            partitions,
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

    /// The direct partitions of `table` (none unless it is partitioned).
    pub fn partitions(&self, table: &QualifiedName) -> &[&'a Table] {
        self.partitions.get(table).map_or(&[], |p| p.as_slice())
    }
}
