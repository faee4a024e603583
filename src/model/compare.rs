//! Field-by-field comparison of two models: every fact the model holds about schemas,
//! tables, columns, keys, constraints, indexes, policies, enums, domains, views and
//! sequences, flattened to `path → value` and compared. The parity tests use it
//! (`inspect` of a database against `lint` of the SQL that built it), so a property one
//! source drops fails a test; `dblint diff` will use it to compare a database with its
//! migrations.
//!
//! What only one source can know is left out: locations, statistics, sequence
//! positions. SQL expressions (defaults, CHECKs, predicates, index expressions, policy
//! clauses, generated columns) are compared by presence: PostgreSQL stores them
//! analysed (`'a'::text`, `= ANY (ARRAY[…])`), replay as written.

use super::{Database, Table};
use std::collections::BTreeMap;

/// One fact that differs: where, and each side's value (`None`: absent there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub path: String,
    pub left: Option<String>,
    pub right: Option<String>,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let side = |v: &Option<String>| v.clone().unwrap_or_else(|| "(absent)".into());
        write!(
            f,
            "{}: {} ≠ {}",
            self.path,
            side(&self.left),
            side(&self.right)
        )
    }
}

/// Every fact of `db`, by path.
pub fn facts(db: &Database) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let present = |v: bool| if v { "present" } else { "absent" }.to_string();
    for schema in &db.schemas {
        out.insert(format!("schema {schema}"), "present".into());
    }
    for table in db.tables.values() {
        table_facts(table, &mut out);
    }
    for e in db.enums.values() {
        out.insert(format!("enum {}", e.name), format!("{:?}", e.values));
    }
    for d in db.domains.values() {
        let p = format!("domain {}", d.name);
        out.insert(format!("{p} base"), d.base.to_string());
        out.insert(format!("{p} not_null"), d.not_null.to_string());
        out.insert(format!("{p} has_default"), d.has_default.to_string());
        out.insert(format!("{p} checks"), d.checks.len().to_string());
    }
    for v in db.views.values() {
        out.insert(
            format!("view {}", v.name),
            format!(
                "materialized={} populated={} unique_indexes={:?}",
                v.materialized, v.populated, v.unique_indexes
            ),
        );
    }
    for s in db.sequences.values() {
        let p = format!("sequence {}", s.name);
        out.insert(format!("{p} type"), s.data_type.to_string());
        out.insert(
            format!("{p} owned_by"),
            s.owned_by
                .as_ref()
                .map(|(t, c)| format!("{t}.{c}"))
                .unwrap_or_default(),
        );
    }
    let _ = present;
    out
}

fn table_facts(t: &Table, out: &mut BTreeMap<String, String>) {
    let present = |v: bool| if v { "present" } else { "absent" }.to_string();
    let p = format!("table {}", t.name);
    out.insert(format!("{p} kind"), format!("{:?}", t.kind));
    out.insert(format!("{p} unlogged"), t.unlogged.to_string());
    out.insert(
        format!("{p} partition_of"),
        t.partition_of
            .as_ref()
            .map(|q| q.to_string())
            .unwrap_or_default(),
    );
    out.insert(
        format!("{p} default_partition"),
        t.default_partition.to_string(),
    );
    out.insert(
        format!("{p} partition_key"),
        format!("{:?}", t.partition_key),
    );
    out.insert(format!("{p} inherits"), format!("{:?}", t.inherits));
    out.insert(
        format!("{p} comment"),
        t.comment.clone().unwrap_or_default(),
    );
    out.insert(format!("{p} row_security"), t.row_security.to_string());
    out.insert(
        format!("{p} force_row_security"),
        t.force_row_security.to_string(),
    );
    out.insert(
        format!("{p} columns"),
        t.columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    );
    for c in &t.columns {
        let cp = format!("{p} column {}", c.name);
        out.insert(format!("{cp} type"), c.data_type.to_string());
        out.insert(format!("{cp} not_null"), c.not_null.to_string());
        out.insert(format!("{cp} default"), present(c.default.is_some()));
        out.insert(format!("{cp} identity"), format!("{:?}", c.identity));
        out.insert(format!("{cp} generated"), present(c.generated.is_some()));
        out.insert(format!("{cp} serial"), c.serial.to_string());
        out.insert(
            format!("{cp} comment"),
            c.comment.clone().unwrap_or_default(),
        );
    }
    if let Some(pk) = &t.primary_key {
        let kp = format!("{p} primary key {}", pk.name);
        out.insert(format!("{kp} columns"), format!("{:?}", pk.columns));
        out.insert(format!("{kp} include"), format!("{:?}", pk.include));
        out.insert(format!("{kp} deferrable"), pk.deferrable.to_string());
    }
    for u in &t.unique_constraints {
        let kp = format!("{p} unique {}", u.name);
        out.insert(format!("{kp} columns"), format!("{:?}", u.columns));
        out.insert(format!("{kp} include"), format!("{:?}", u.include));
        out.insert(
            format!("{kp} nulls_not_distinct"),
            u.nulls_not_distinct.to_string(),
        );
        out.insert(format!("{kp} deferrable"), u.deferrable.to_string());
    }
    for c in &t.checks {
        let kp = format!("{p} check {}", c.name);
        out.insert(format!("{kp} validated"), c.validated.to_string());
        out.insert(
            format!("{kp} expression"),
            present(!c.expression.is_empty()),
        );
    }
    for x in &t.exclusions {
        out.insert(format!("{p} exclusion {x}"), "present".into());
    }
    for fk in &t.foreign_keys {
        let kp = format!("{p} foreign key {}", fk.name);
        out.insert(format!("{kp} columns"), format!("{:?}", fk.columns));
        out.insert(format!("{kp} references"), fk.references.to_string());
        out.insert(
            format!("{kp} referenced_columns"),
            format!("{:?}", fk.referenced_columns),
        );
        out.insert(format!("{kp} on_delete"), format!("{:?}", fk.on_delete));
        out.insert(format!("{kp} on_update"), format!("{:?}", fk.on_update));
        out.insert(
            format!("{kp} delete_set_columns"),
            format!("{:?}", fk.delete_set_columns),
        );
        out.insert(format!("{kp} match"), format!("{:?}", fk.match_type));
        out.insert(format!("{kp} deferrable"), fk.deferrable.to_string());
        out.insert(
            format!("{kp} initially_deferred"),
            fk.initially_deferred.to_string(),
        );
        out.insert(format!("{kp} validated"), fk.validated.to_string());
    }
    for i in &t.indexes {
        let ip = format!("{p} index {}", i.name);
        out.insert(format!("{ip} method"), i.method.to_string());
        out.insert(format!("{ip} unique"), i.unique.to_string());
        out.insert(
            format!("{ip} nulls_not_distinct"),
            i.nulls_not_distinct.to_string(),
        );
        out.insert(format!("{ip} include"), format!("{:?}", i.include));
        out.insert(format!("{ip} predicate"), present(i.predicate.is_some()));
        out.insert(format!("{ip} valid"), i.valid.to_string());
        out.insert(format!("{ip} role"), format!("{:?}", i.role));
        out.insert(format!("{ip} keys"), i.keys.len().to_string());
        for (n, k) in i.keys.iter().enumerate() {
            let kp = format!("{ip} key {}", n + 1);
            out.insert(
                format!("{kp} column"),
                k.column_name().unwrap_or("(expression)").to_string(),
            );
            out.insert(format!("{kp} descending"), k.descending.to_string());
            out.insert(format!("{kp} nulls_first"), k.nulls_first.to_string());
            out.insert(
                format!("{kp} opclass"),
                k.opclass.clone().unwrap_or_default(),
            );
            out.insert(
                format!("{kp} collation"),
                k.collation.clone().unwrap_or_default(),
            );
        }
    }
    for pol in &t.policies {
        let pp = format!("{p} policy {}", pol.name);
        out.insert(format!("{pp} command"), pol.command.clone());
        out.insert(format!("{pp} permissive"), pol.permissive.to_string());
        out.insert(format!("{pp} roles"), format!("{:?}", pol.roles));
        out.insert(format!("{pp} using"), present(pol.using.is_some()));
        out.insert(
            format!("{pp} with_check"),
            present(pol.with_check.is_some()),
        );
    }
}

/// Every fact that differs between `left` and `right`, in path order.
pub fn differences(left: &Database, right: &Database) -> Vec<Difference> {
    let a = facts(left);
    let b = facts(right);
    let mut paths: Vec<&String> = a.keys().chain(b.keys()).collect();
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .filter(|p| a.get(*p) != b.get(*p))
        .map(|p| Difference {
            path: p.clone(),
            left: a.get(p).cloned(),
            right: b.get(p).cloned(),
        })
        .collect()
}
