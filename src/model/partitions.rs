//! Which tables are partitions of which, kept beside the model so that finding a
//! table's partitions costs what they are, not a scan of every table. Replay asks for
//! them at statements on partitioned tables (locks, cloned indexes, foreign keys); a
//! scan each time made replaying a file with thousands of partitioned tables quadratic
//! (issue 23).
//!
//! The lookup is built from the tables on first use and then kept by whoever changes
//! `Table::partition_of` or renames a table ([`Database::note_partition`],
//! [`Database::forget_partitions`]). It may hold more than the truth (a partition since
//! dropped or detached): every answer is checked against the table itself, so only a
//! missing entry could be wrong, and every place that makes a partition notes it.

use super::{Database, QualifiedName, Table};
use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

/// Partitioned table → the tables that have been its partitions (a superset of the
/// current ones). Not part of the model's value: equal for every two models, and a
/// copy starts empty (built again on first use).
#[derive(Default)]
pub struct PartitionIndex(OnceLock<HashMap<QualifiedName, BTreeSet<QualifiedName>>>);

impl Clone for PartitionIndex {
    fn clone(&self) -> Self {
        PartitionIndex::default()
    }
}

impl std::fmt::Debug for PartitionIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PartitionIndex")
    }
}

impl Database {
    /// The direct partitions of `parent`, by name (empty unless it is partitioned).
    /// O(its partitions) after the first call on this model, which reads every table.
    pub fn partitions(&self, parent: &QualifiedName) -> Vec<&Table> {
        let index = self.partition_index.0.get_or_init(|| {
            let mut index: HashMap<QualifiedName, BTreeSet<QualifiedName>> = HashMap::new();
            for table in self.tables.values() {
                if let Some(p) = &table.partition_of {
                    index
                        .entry(p.clone())
                        .or_default()
                        .insert(table.name.clone());
                }
            }
            index
        });
        index
            .get(parent)
            .into_iter()
            .flatten()
            .filter_map(|name| self.tables.get(name))
            .filter(|t| t.partition_of.as_ref() == Some(parent))
            .collect()
    }

    /// Record that `partition` has become a partition of `parent` (CREATE TABLE …
    /// PARTITION OF, ATTACH PARTITION).
    pub fn note_partition(&mut self, partition: &QualifiedName, parent: &QualifiedName) {
        if let Some(index) = self.partition_index.0.get_mut() {
            index
                .entry(parent.clone())
                .or_default()
                .insert(partition.clone());
        }
    }

    /// Drop the lookup, to be built again on next use: after a change that moves
    /// names around (a table renamed or moved to another schema).
    pub fn forget_partitions(&mut self) {
        self.partition_index = PartitionIndex::default();
    }
}
