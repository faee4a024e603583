//! The part of a model a few statements can touch, so that replaying them costs what
//! they touch and not what the whole model holds. Reviewing a fix (`engine::review_fix`)
//! replays it on a copy of the model; copying a 50,000-table model for every one of
//! thousands of fixes made `lint` quadratic. [`Neighbourhoods::around`] copies only the
//! tables the statements can reach: those a name in the text names (a table, or the
//! table of a named index or sequence), with their partition and inheritance families
//! and the tables their foreign keys link them to, in either direction. Schemas,
//! types, views and functions are copied whole (they are few). `tests/` checks, on the
//! samples, the rule fixtures and the corpus, that every fix is reviewed the same on
//! the neighbourhood as on the whole model.

use crate::model::{Database, QualifiedName};
use crate::source::sql::statement::Statement;
use std::collections::{BTreeMap, BTreeSet};

/// Lookups over one model, built once (O(model)) for many [`Neighbourhoods::around`].
pub struct Neighbourhoods<'a> {
    db: &'a Database,
    /// Unqualified relation name → the tables it may mean: the table of that name, the
    /// table owning an index or sequence of that name.
    by_name: BTreeMap<&'a str, Vec<&'a QualifiedName>>,
    /// Table → its partitions, partition parent, inheritance parents and children.
    family: BTreeMap<&'a QualifiedName, Vec<&'a QualifiedName>>,
    /// Table → the tables its foreign keys reference and those referencing it.
    linked: BTreeMap<&'a QualifiedName, Vec<&'a QualifiedName>>,
    /// Table → its indexes and owned sequences (by name).
    indexes: BTreeMap<&'a QualifiedName, Vec<&'a QualifiedName>>,
    sequences: BTreeMap<&'a QualifiedName, Vec<&'a QualifiedName>>,
    /// Sequences no table owns (copied whole).
    free_sequences: Vec<&'a QualifiedName>,
}

impl<'a> Neighbourhoods<'a> {
    pub fn new(db: &'a Database) -> Self {
        let mut n = Neighbourhoods {
            db,
            by_name: BTreeMap::new(),
            family: BTreeMap::new(),
            linked: BTreeMap::new(),
            indexes: BTreeMap::new(),
            sequences: BTreeMap::new(),
            free_sequences: Vec::new(),
        };
        fn both<'a>(
            map: &mut BTreeMap<&'a QualifiedName, Vec<&'a QualifiedName>>,
            a: &'a QualifiedName,
            b: &'a QualifiedName,
        ) {
            map.entry(a).or_default().push(b);
            map.entry(b).or_default().push(a);
        }
        for (name, table) in &db.tables {
            n.by_name.entry(name.name.as_str()).or_default().push(name);
            if let Some(parent) = &table.partition_of {
                both(&mut n.family, name, parent);
            }
            for parent in &table.inherits {
                both(&mut n.family, name, parent);
            }
            for fk in &table.foreign_keys {
                both(&mut n.linked, name, &fk.references);
            }
        }
        for (index, owner) in &db.index_owner {
            n.by_name
                .entry(index.name.as_str())
                .or_default()
                .push(owner);
            n.indexes.entry(owner).or_default().push(index);
        }
        for (name, sequence) in &db.sequences {
            match &sequence.owned_by {
                Some((owner, _)) => {
                    n.by_name.entry(name.name.as_str()).or_default().push(owner);
                    n.sequences.entry(owner).or_default().push(name);
                }
                None => n.free_sequences.push(name),
            }
        }
        n
    }

    /// A copy of the model holding only the tables `sql` can reach (see the module
    /// docs); every other kind of object is copied whole. A table a statement acts on
    /// (ALTER, DROP, RENAME, TRUNCATE, a row change) brings the tables
    /// its foreign keys link it to, both ways; a table only named (a foreign key's
    /// target) brings its partition and inheritance family. SQL that does not parse
    /// gives the whole model.
    pub fn around(&self, sql: &str) -> Database {
        let prepared = crate::source::sql::prepare_here("fix.sql", sql);
        self.around_parsed(sql, prepared.statements().as_deref())
    }

    /// [`Neighbourhoods::around`] for SQL already parsed into `statements` (`None`: it
    /// did not parse, and the whole model is copied).
    pub fn around_parsed(&self, sql: &str, statements: Option<&[&Statement]>) -> Database {
        let Some(statements) = statements else {
            return self.db.clone();
        };
        let subjects = subjects(statements);
        let mut seen: BTreeSet<&QualifiedName> = BTreeSet::new();
        // (table, whether it may hop along a foreign key)
        let mut queue: Vec<(&QualifiedName, bool)> = Vec::new();
        for word in words(sql) {
            let acted_on = subjects.as_ref().is_none_or(|s| s.contains(&word));
            for name in self.by_name.get(word.as_str()).into_iter().flatten() {
                if seen.insert(name) || acted_on {
                    queue.push((name, acted_on));
                }
            }
        }
        while let Some((name, may_hop)) = queue.pop() {
            for next in self.family.get(name).into_iter().flatten() {
                if seen.insert(next) {
                    queue.push((next, may_hop));
                }
            }
            if may_hop {
                for next in self.linked.get(name).into_iter().flatten() {
                    if seen.insert(next) {
                        queue.push((next, false));
                    }
                }
            }
        }
        let pick = |map: &BTreeMap<&'a QualifiedName, Vec<&'a QualifiedName>>| {
            seen.iter()
                .flat_map(|t| map.get(*t).into_iter().flatten())
                .copied()
                .collect::<Vec<&QualifiedName>>()
        };
        Database {
            schemas: self.db.schemas.clone(),
            tables: seen
                .iter()
                .filter_map(|n| self.db.tables.get(*n).map(|t| ((*n).clone(), t.clone())))
                .collect(),
            enums: self.db.enums.clone(),
            domains: self.db.domains.clone(),
            views: self.db.views.clone(),
            sequences: pick(&self.sequences)
                .into_iter()
                .chain(self.free_sequences.iter().copied())
                .filter_map(|n| self.db.sequences.get(n).map(|s| (n.clone(), s.clone())))
                .collect(),
            index_owner: pick(&self.indexes)
                .into_iter()
                .filter_map(|i| self.db.index_owner.get(i).map(|o| (i.clone(), o.clone())))
                .collect(),
            functions: self.db.functions.clone(),
            live: self.db.live,
            held_locks: self
                .db
                .held_locks
                .iter()
                .filter(|l| seen.contains(&l.table))
                .cloned()
                .collect(),
            partition_index: Default::default(),
        }
    }
}

/// The names (as [`words`] spells them) of the relations `statements` act on; `None`
/// when a statement is of a kind not told apart here (every name then counts as acted
/// on).
fn subjects(statements: &[&Statement]) -> Option<BTreeSet<String>> {
    use crate::source::sql::statement::Statement as S;
    let mut out = BTreeSet::new();
    let mut add = |o: &crate::source::sql::statement::ObjectName| {
        out.insert(o.name.to_string());
    };
    let mut all = false;
    for statement in statements {
        match statement {
            S::AlterTable { table, .. }
            | S::RenameColumn { table, .. }
            | S::RenameConstraint { table, .. }
            | S::RowChange { table, .. } => add(table),
            // An index build reads and locks its table and the table's partitions (its
            // family, copied anyway), nothing its foreign keys link it to.
            S::CreateIndex(_) => {}
            S::Drop { objects, .. } => objects.iter().for_each(&mut add),
            S::Rename { object, .. } | S::SetSchema { object, .. } => add(object),
            S::Truncate { tables } | S::LockTable { tables, .. } => {
                tables.iter().for_each(&mut add)
            }
            S::Transaction { .. } | S::SetConfig { .. } | S::SetSearchPath(_) => {}
            _ => all = true,
        }
    }
    (!all).then_some(out)
}

/// The identifiers of `sql`: bare words (lower-cased, as PostgreSQL folds them) and
/// double-quoted names (as written, `""` unescaped). Over-inclusive by design: a word
/// that names nothing costs nothing.
fn words(sql: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut chars = sql.chars().peekable();
    let mut word = String::new();
    while let Some(c) = chars.next() {
        if c == '"' {
            let mut quoted = String::new();
            while let Some(q) = chars.next() {
                if q == '"' {
                    if chars.peek() == Some(&'"') {
                        chars.next();
                        quoted.push('"');
                    } else {
                        break;
                    }
                } else {
                    quoted.push(q);
                }
            }
            out.insert(quoted);
        } else if c.is_alphanumeric() || c == '_' || c == '$' {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            out.insert(word.to_lowercase());
            out.insert(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        out.insert(word.to_lowercase());
        out.insert(word);
    }
    out
}
