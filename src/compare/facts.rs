//! Every fact a model holds about schemas, tables, columns, keys, constraints,
//! indexes, policies, enums, domains, views and sequences, flattened to
//! `(object, member, property) → value`.
//!
//! What only one source can know is left out: locations (carried beside the value,
//! never compared), statistics, sequence positions. SQL expressions (defaults, CHECKs,
//! index keys and predicates, policy clauses, generated columns, domain CHECKs) are
//! compared in the canonical form of
//! [`canonical_expression`](crate::source::sql::parse::canonical_expression) and shown as
//! written.

use crate::model::{Database, Location, Table};
use crate::source::sql::parse::canonical_expression;
use std::collections::BTreeMap;

/// Where a fact sits: `table public.orders` / `column total` / `type`. `member` is
/// empty for a property of the object itself.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    /// The object's kind and qualified name: `table public.orders`, `enum public.status`.
    pub object: String,
    /// The part of the object and its name: `column total`, `index orders_pkey`,
    /// `foreign key orders_customer_id_fkey`; empty for the object itself.
    pub member: String,
    pub property: String,
}

impl Key {
    /// `object member property`, the member left out when empty.
    pub fn path(&self) -> String {
        [
            self.object.as_str(),
            self.member.as_str(),
            self.property.as_str(),
        ]
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
    }

    /// The member's kind (`column`, `index`, `foreign key`, …), or `""`.
    pub fn member_kind(&self) -> &str {
        member_kind(&self.member)
    }
}

/// The kind of a member string (`foreign key x` → `foreign key`).
pub fn member_kind(member: &str) -> &str {
    for kind in MEMBER_KINDS {
        if member.starts_with(kind) && member[kind.len()..].starts_with(' ') {
            return kind;
        }
    }
    ""
}

/// The member's name (`foreign key x` → `x`).
pub fn member_name(member: &str) -> &str {
    let kind = member_kind(member);
    member[kind.len()..].trim_start()
}

const MEMBER_KINDS: &[&str] = &[
    "column",
    "primary key",
    "unique",
    "check",
    "exclusion",
    "foreign key",
    "index",
    "policy",
];

/// One fact: the value compared, the text shown for it, and where the source defined
/// its object (SQL only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// What is compared: the canonical form for expressions, else the value itself.
    pub value: String,
    /// What a person reads: the expression as written or stored.
    pub shown: String,
    pub location: Option<Location>,
}

/// How strict the comparison is.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Compare the order of a table's columns (a rollback that drops and re-adds a
    /// column moves it to the end without changing anything a query sees).
    pub column_order: bool,
}

impl Default for Options {
    /// Everything, column order included: what the parity tests need.
    fn default() -> Self {
        Options { column_order: true }
    }
}

/// Every fact of `db`.
pub fn facts(db: &Database, options: &Options) -> BTreeMap<Key, Fact> {
    let mut f = Facts {
        out: BTreeMap::new(),
        table: None,
        memo: Memo::default(),
    };
    for schema in &db.schemas {
        f.put(&format!("schema {schema}"), "", "exists", "present", None);
    }
    for table in db.tables.values() {
        table_facts(table, options, &mut f);
    }
    for e in db.enums.values() {
        let o = format!("enum {}", e.name);
        let values = names(&e.values);
        f.put(&o, "", "values", &values, e.location.as_ref());
    }
    for d in db.domains.values() {
        let o = format!("domain {}", d.name);
        let l = d.location.as_ref();
        f.put(&o, "", "base", &d.base.to_string(), l);
        f.put(&o, "", "not_null", &d.not_null.to_string(), l);
        match &d.default {
            Some(e) => {
                let canonical = f.memo.canonical(e, None);
                f.put_expr(&o, "", "default", canonical, e.clone(), l);
            }
            None => f.put(&o, "", "default", "(none)", l),
        }
        let mut checks: Vec<(String, &str)> = d
            .checks
            .iter()
            .map(|c| (canonical(c), c.as_str()))
            .collect();
        checks.sort();
        f.put_expr(
            &o,
            "",
            "checks",
            checks
                .iter()
                .map(|c| c.0.as_str())
                .collect::<Vec<_>>()
                .join("; "),
            checks.iter().map(|c| c.1).collect::<Vec<_>>().join("; "),
            l,
        );
    }
    for v in db.views.values() {
        let o = view_object(v);
        let l = v.location.as_ref();
        f.put(&o, "", "exists", "present", l);
        f.put(&o, "", "columns", &names(&v.columns), l);
        match &v.query {
            Some(query) => {
                let canonical = view_query(db, query);
                f.put_expr(&o, "", "query", canonical, query.trim().to_string(), l);
            }
            None => f.put(&o, "", "query", NOT_READ, l),
        }
        if v.materialized {
            f.put(&o, "", "populated", &v.populated.to_string(), l);
            f.put(&o, "", "unique_indexes", &names(&v.unique_indexes), l);
        }
    }
    for s in db.sequences.values() {
        let o = format!("sequence {}", s.name);
        let l = s.location.as_ref();
        f.put(&o, "", "type", &s.data_type.to_string(), l);
        let owner = s
            .owned_by
            .as_ref()
            .map(|(t, c)| format!("{t}.{c}"))
            .unwrap_or_else(|| "(none)".into());
        f.put(&o, "", "owned_by", &owner, l);
        let p = &s.params;
        f.put(&o, "", "increment", &p.increment.to_string(), l);
        f.put(&o, "", "min_value", &p.min_value.to_string(), l);
        f.put(&o, "", "max_value", &p.max_value.to_string(), l);
        f.put(&o, "", "start", &p.start.to_string(), l);
        f.put(&o, "", "cache", &p.cache.to_string(), l);
        f.put(&o, "", "cycle", &p.cycle.to_string(), l);
    }
    f.out
}

/// Names as a person writes them: `(a, b)`, `()` for none.
fn names<T: std::fmt::Display>(list: &[T]) -> String {
    format!(
        "({})",
        list.iter()
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// An optional text: itself, or `(none)`.
/// A view's object string: `view public.v`, `materialized view public.m`.
pub fn view_object(v: &crate::model::View) -> String {
    let kind = if v.materialized {
        "materialized view"
    } else {
        "view"
    };
    format!("{kind} {}", v.name)
}

/// The value of a fact one side could not read (a view's query it did not decode):
/// never a difference; `dblint diff` lists it as not compared.
pub const NOT_READ: &str = "(not read)";

/// The canonical form of a view's query (see `canonical_query`), the relations it
/// reads looked up in `db` (an unqualified name is in `public`, as the catalog prints
/// every other schema's).
fn view_query(db: &Database, query: &str) -> String {
    if query.len() > LONGEST_CANONICAL {
        return query.to_string();
    }
    let relations = |schema: Option<&str>, name: &str| {
        db.relation_columns(&crate::model::QualifiedName::new(
            schema.unwrap_or("public"),
            name,
        ))
    };
    crate::source::sql::parse::canonical_query(query, &relations)
        .unwrap_or_else(|| query.to_string())
}

fn or_none(text: Option<&str>) -> String {
    match text {
        Some(t) if !t.is_empty() => t.to_string(),
        _ => "(none)".into(),
    }
}

/// Expressions longer than this are compared as written: parsing one is the only
/// part of the comparison whose stack grows with the input's nesting.
const LONGEST_CANONICAL: usize = 16 * 1024;

fn canonical(text: &str) -> String {
    canonical_in(text, None)
}

/// [`canonical`] of an expression on table `table` (see `canonical_expression_in`).
fn canonical_in(text: &str, table: Option<&str>) -> String {
    if text.len() > LONGEST_CANONICAL {
        return text.to_string();
    }
    crate::source::sql::parse::canonical_expression_in(text, table)
        .unwrap_or_else(|| text.to_string())
}

/// Canonical forms already made, by text (and table, for a text that may name one):
/// a schema repeats its defaults and predicates (`now()`, `deleted_at IS NULL`), and
/// parsing each one is most of the comparison's cost on a large schema.
#[derive(Default)]
struct Memo(std::collections::HashMap<(String, Option<String>), String>);

impl Memo {
    fn canonical(&mut self, text: &str, table: Option<&str>) -> String {
        // Only a qualified name can be the table's own (`orders.id`).
        let table = table.filter(|_| text.contains('.'));
        let key = (text.to_string(), table.map(str::to_string));
        if let Some(done) = self.0.get(&key) {
            return done.clone();
        }
        let done = canonical_in(text, table);
        self.0.insert(key, done.clone());
        done
    }
}

struct Facts {
    out: BTreeMap<Key, Fact>,
    /// The table whose facts are being put, for its expressions.
    table: Option<String>,
    memo: Memo,
}

impl Facts {
    fn put(
        &mut self,
        object: &str,
        member: &str,
        property: &str,
        value: &str,
        location: Option<&Location>,
    ) {
        self.put_expr(
            object,
            member,
            property,
            value.to_string(),
            value.to_string(),
            location,
        );
    }

    fn put_expr(
        &mut self,
        object: &str,
        member: &str,
        property: &str,
        value: String,
        shown: String,
        location: Option<&Location>,
    ) {
        self.out.insert(
            Key {
                object: object.to_string(),
                member: member.to_string(),
                property: property.to_string(),
            },
            Fact {
                value,
                shown,
                location: location.cloned(),
            },
        );
    }

    /// An optional expression: compared canonically, `absent` when there is none.
    fn expr(
        &mut self,
        object: &str,
        member: &str,
        property: &str,
        text: Option<&str>,
        location: Option<&Location>,
    ) {
        match text {
            Some(t) => {
                let value = self.memo.canonical(t, self.table.as_deref());
                self.put_expr(object, member, property, value, t.to_string(), location)
            }
            None => self.put(object, member, property, "(none)", location),
        }
    }
}

fn table_facts(t: &Table, options: &Options, f: &mut Facts) {
    f.table = Some(t.name.name.to_string());
    let o = format!("table {}", t.name);
    let tl = t.location.as_ref();
    f.put(
        &o,
        "",
        "kind",
        &match t.kind {
            crate::model::TableKind::Partitioned => "partitioned table".to_string(),
            crate::model::TableKind::Foreign => "foreign table".to_string(),
            other => format!("{other:?}").to_ascii_lowercase(),
        },
        tl,
    );
    f.put(&o, "", "unlogged", &t.unlogged.to_string(), tl);
    // The parent and the bound, one fact: detaching is one change, and so is a bound.
    match (&t.partition_of, &t.partition_bound) {
        (Some(parent), Some(bound)) => {
            let canonical = crate::source::sql::parse::canonical_partition_bound(bound)
                .unwrap_or_else(|| bound.clone());
            f.put_expr(
                &o,
                "",
                "partition_of",
                format!("{parent} {canonical}"),
                format!("{parent} {bound}"),
                tl,
            );
        }
        (Some(parent), None) => f.put(&o, "", "partition_of", &parent.to_string(), tl),
        (None, _) => f.put(&o, "", "partition_of", "(none)", tl),
    }
    f.put(
        &o,
        "",
        "partition_key",
        &or_none(
            t.partition_key
                .as_ref()
                .map(|k| {
                    let columns: Vec<&str> = k
                        .columns
                        .iter()
                        .map(|c| c.as_deref().unwrap_or("(expression)"))
                        .collect();
                    format!(
                        "{} {}",
                        format!("{:?}", k.strategy).to_ascii_uppercase(),
                        names(&columns)
                    )
                })
                .as_deref(),
        ),
        tl,
    );
    f.put(&o, "", "inherits", &names(&t.inherits), tl);
    f.put(&o, "", "comment", &or_none(t.comment.as_deref()), tl);
    f.put(&o, "", "row_security", &t.row_security.to_string(), tl);
    f.put(
        &o,
        "",
        "force_row_security",
        &t.force_row_security.to_string(),
        tl,
    );
    if options.column_order {
        let order = t
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        f.put(&o, "", "column_order", &order, tl);
    }
    for c in &t.columns {
        let m = format!("column {}", c.name);
        let l = c.location.as_ref().or(tl);
        f.put(&o, &m, "type", &c.data_type.to_string(), l);
        f.put(&o, &m, "not_null", &c.not_null.to_string(), l);
        // A `serial` column's default is the `nextval` of its own sequence, which
        // replay and the catalog name alike; the flag says the rest.
        // A NULL default is no default (PostgreSQL keeps `NULL::character varying`
        // for a typed column, where a NULL constant alone stores nothing).
        let default = c
            .default
            .as_deref()
            .filter(|d| canonical_expression(d).as_deref() != Some("NULL"));
        f.expr(&o, &m, "default", default, l);
        f.put(
            &o,
            &m,
            "identity",
            match c.identity {
                None => "(none)",
                Some(crate::model::Identity::Always) => "GENERATED ALWAYS",
                Some(crate::model::Identity::ByDefault) => "GENERATED BY DEFAULT",
            },
            l,
        );
        f.expr(&o, &m, "generated", c.generated.as_deref(), l);
        f.put(&o, &m, "serial", &c.serial.to_string(), l);
        f.put(&o, &m, "collation", &or_none(c.collation.as_deref()), l);
        f.put(&o, &m, "comment", &or_none(c.comment.as_deref()), l);
    }
    if let Some(pk) = &t.primary_key {
        let m = format!("primary key {}", pk.name);
        let l = pk.location.as_ref().or(tl);
        f.put(&o, &m, "columns", &names(&pk.columns), l);
        f.put(&o, &m, "include", &names(&pk.include), l);
        f.put(&o, &m, "deferrable", &pk.deferrable.to_string(), l);
    }
    for u in &t.unique_constraints {
        let m = format!("unique {}", u.name);
        let l = u.location.as_ref().or(tl);
        f.put(&o, &m, "columns", &names(&u.columns), l);
        f.put(&o, &m, "include", &names(&u.include), l);
        f.put(
            &o,
            &m,
            "nulls_not_distinct",
            &u.nulls_not_distinct.to_string(),
            l,
        );
        f.put(&o, &m, "deferrable", &u.deferrable.to_string(), l);
    }
    for c in &t.checks {
        let m = format!("check {}", c.name);
        let l = c.location.as_ref().or(tl);
        f.put(&o, &m, "validated", &c.validated.to_string(), l);
        f.expr(&o, &m, "expression", Some(&c.expression), l);
    }
    for x in &t.exclusions {
        f.put(&o, &format!("exclusion {x}"), "exists", "present", tl);
    }
    for fk in &t.foreign_keys {
        let m = format!("foreign key {}", fk.name);
        let l = fk.location.as_ref().or(tl);
        f.put(&o, &m, "columns", &names(&fk.columns), l);
        f.put(&o, &m, "references", &fk.references.to_string(), l);
        f.put(
            &o,
            &m,
            "referenced_columns",
            &names(&fk.referenced_columns),
            l,
        );
        f.put(&o, &m, "on_delete", fk.on_delete.sql(), l);
        f.put(&o, &m, "on_update", fk.on_update.sql(), l);
        f.put(
            &o,
            &m,
            "delete_set_columns",
            &names(&fk.delete_set_columns),
            l,
        );
        f.put(
            &o,
            &m,
            "match",
            &format!("{:?}", fk.match_type).to_ascii_uppercase(),
            l,
        );
        f.put(&o, &m, "deferrable", &fk.deferrable.to_string(), l);
        f.put(
            &o,
            &m,
            "initially_deferred",
            &fk.initially_deferred.to_string(),
            l,
        );
        f.put(&o, &m, "validated", &fk.validated.to_string(), l);
    }
    for i in &t.indexes {
        let m = format!("index {}", i.name.name);
        let l = i.location.as_ref().or(tl);
        f.put(&o, &m, "method", &i.method, l);
        f.put(&o, &m, "unique", &i.unique.to_string(), l);
        f.put(
            &o,
            &m,
            "nulls_not_distinct",
            &i.nulls_not_distinct.to_string(),
            l,
        );
        f.put(&o, &m, "include", &names(&i.include), l);
        f.expr(&o, &m, "predicate", i.predicate.as_deref(), l);
        f.put(&o, &m, "valid", &i.valid.to_string(), l);
        f.put(
            &o,
            &m,
            "role",
            match i.role {
                crate::model::IndexRole::Plain => "plain index",
                crate::model::IndexRole::PrimaryKey => "primary key",
                crate::model::IndexRole::UniqueConstraint => "unique constraint",
                crate::model::IndexRole::Exclusion => "exclusion constraint",
            },
            l,
        );
        let keys: Vec<(String, String)> = i
            .keys
            .iter()
            .map(|k| {
                let shown = k.sql();
                let key = match &k.key {
                    crate::model::IndexKey::Column(c) => format!("\"{c}\""),
                    crate::model::IndexKey::Expression(e) => {
                        f.memo.canonical(e, Some(&t.name.name))
                    }
                };
                let mut value = key;
                for (on, word) in [
                    (k.collation.as_deref(), "collate"),
                    (k.opclass.as_deref(), "opclass"),
                ] {
                    if let Some(v) = on {
                        value.push_str(&format!(" {word} {}", v.trim_matches('"')));
                    }
                }
                value.push_str(&format!(
                    " desc={} nulls_first={}",
                    k.descending, k.nulls_first
                ));
                (value, shown)
            })
            .collect();
        f.put_expr(
            &o,
            &m,
            "keys",
            keys.iter()
                .map(|k| k.0.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            keys.iter()
                .map(|k| k.1.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            l,
        );
    }
    for pol in &t.policies {
        let m = format!("policy {}", pol.name);
        f.put(&o, &m, "command", &pol.command, tl);
        f.put(&o, &m, "permissive", &pol.permissive.to_string(), tl);
        f.put(&o, &m, "roles", &names(&pol.roles), tl);
        f.expr(&o, &m, "using", pol.using.as_deref(), tl);
        f.expr(&o, &m, "with_check", pol.with_check.as_deref(), tl);
    }
    f.table = None;
}
