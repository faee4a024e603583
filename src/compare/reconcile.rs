//! Reconciliation SQL (`dblint diff --fix`): the statements that turn one side of a
//! comparison (the one the script runs on, "have") into the other ("want"), one or
//! more per [`Change`], in an order PostgreSQL accepts (schemas and types before the
//! tables that use them, tables before their indexes, keys before the foreign keys
//! that need them; constraints, indexes and policies that go first, columns, tables
//! and types that go last).
//!
//! The statements take the online path where PostgreSQL has one: `CREATE INDEX
//! CONCURRENTLY` then `ADD CONSTRAINT … USING INDEX` for keys, `NOT VALID` then
//! `VALIDATE CONSTRAINT` for checks and foreign keys, a validated `CHECK (c IS NOT
//! NULL)` before `SET NOT NULL` (PostgreSQL 12 uses it instead of scanning: "ALTER
//! TABLE", the `SET NOT NULL` paragraph), `ALTER TYPE … ADD VALUE … BEFORE` for enum
//! labels, `RENAME` for renames. Drops are written only when the caller allows them.
//! What PostgreSQL cannot do in place (reorder columns or enum labels, drop an enum
//! label, make a validated constraint unvalidated) or what the model does not hold
//! (an exclusion constraint's operators), or what takes more than the model knows (a
//! new partition, a materialized view's new query) gets no statement: it is listed in
//! [`Plan::skipped`] with the reason.
//!
//! Nothing here runs anything; `commands::diff` reviews the script with the migration
//! rules before printing it.

use super::facts::{member_kind, member_name, view_object};
use super::{object_kind, Change};
use crate::model::{
    quote_ident, Column, Database, EnumType, FkAction, ForeignKey, Identity, Index, IndexRole,
    KeyConstraint, MatchType, Name, Policy, QualifiedName, Table, TableKind, View,
};
use std::collections::BTreeSet;

/// One statement of the script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Where it goes in the script: lower first (see [`phase`]).
    pub phase: u8,
    /// The statement, ending in `;`. `commented` steps are printed as comments.
    pub sql: String,
    /// The difference it resolves (`table public.orders index x`).
    pub change: String,
    /// A drop the caller did not allow: printed commented out.
    pub commented: bool,
}

/// What [`plan`] wrote, and what it could not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// In script order.
    pub steps: Vec<Step>,
    /// `(difference, why no statement resolves it)`.
    pub skipped: Vec<(String, String)>,
}

/// Phases of the script, in order.
mod phase {
    pub const RENAME: u8 = 5;
    // Constraints, indexes and policies that go are dropped early: a column they
    // depend on cannot change type while they exist.
    pub const DROP_FOREIGN_KEY: u8 = 6;
    pub const DROP_MEMBER: u8 = 7;
    // A view that goes is dropped before the columns and tables it reads change.
    pub const DROP_VIEW: u8 = 8;
    pub const SCHEMA: u8 = 10;
    pub const TYPE: u8 = 15;
    pub const SEQUENCE: u8 = 20;
    pub const SEQUENCE_PARAMS: u8 = 21;
    pub const TABLE: u8 = 30;
    pub const COLUMN_DEFAULT_OFF: u8 = 38;
    pub const COLUMN: u8 = 40;
    pub const COLUMN_AFTER: u8 = 42;
    pub const OWNED_BY: u8 = 45;
    pub const INDEX: u8 = 50;
    pub const KEY: u8 = 52;
    pub const CHECK: u8 = 55;
    pub const FOREIGN_KEY: u8 = 60;
    pub const POLICY: u8 = 70;
    pub const COMMENT: u8 = 75;
    // Views after the columns they read exist, before the ones they no longer read go.
    pub const VIEW: u8 = 80;
    pub const DROP_COLUMN: u8 = 85;
    pub const DROP_TABLE: u8 = 93;
    pub const DROP_SEQUENCE: u8 = 95;
    pub const DROP_TYPE: u8 = 97;
    pub const DROP_SCHEMA: u8 = 99;
}

/// The settings a plan depends on.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Write `DROP` statements for what only "have" holds (otherwise they are printed
    /// commented out).
    pub allow_drop: bool,
    /// The PostgreSQL major version the script is for (12–18): `SET EXPRESSION` needs
    /// 17, `NOT VALID` foreign keys on partitioned tables need 18.
    pub pg_version: u32,
}

/// The statements that make `have` into `want`, for `changes` (as
/// [`super::changes`] made them; `have_is_left` says which side of them `have` was).
pub fn plan(
    have: &Database,
    want: &Database,
    changes: &[Change],
    have_is_left: bool,
    settings: Settings,
) -> Plan {
    // Foreign keys dropped and added again (a property ALTER CONSTRAINT cannot set
    // differs): their deferrability and validation come with the new definition.
    let rebuilt_foreign_keys = changes
        .iter()
        .filter_map(|c| match c {
            Change::Changed(d)
                if d.key.member_kind() == "foreign key"
                    && !matches!(
                        d.key.property.as_str(),
                        "deferrable" | "initially_deferred" | "validated"
                    ) =>
            {
                Some((d.key.object.clone(), d.key.member.clone()))
            }
            _ => None,
        })
        .collect();
    let renamed_columns = changes
        .iter()
        .filter_map(|c| match c {
            Change::Renamed {
                object,
                kind,
                from,
                to,
                ..
            } if kind == "column" => {
                let (old, new) = if have_is_left { (from, to) } else { (to, from) };
                Some(((object.clone(), old.clone()), new.clone()))
            }
            _ => None,
        })
        .collect();
    // Foreign keys that depend on a key to be recreated: dropped before it and added
    // back (as "want" has them) after; their own changes need nothing more.
    let mut moved_foreign_keys = BTreeSet::new();
    for c in changes {
        let Change::Changed(d) = c else { continue };
        let name = member_name(&d.key.member);
        let Some(h) = table(have, &d.key.object) else {
            continue;
        };
        let key = match d.key.member_kind() {
            "primary key" | "unique" => true,
            "index" => {
                !matches!(d.key.property.as_str(), "valid" | "role")
                    && h.indexes.iter().any(|i| {
                        i.name.name == name
                            && matches!(i.role, IndexRole::PrimaryKey | IndexRole::UniqueConstraint)
                    })
            }
            _ => false,
        };
        if key {
            let dependents = dependent_foreign_keys(have, h, name);
            // A dependent that goes needs --allow-drop; without it the key is not
            // recreated (`Writer::recreate_key`) and the foreign keys keep their own
            // changes.
            let going = dependents.iter().any(|(child, fk)| {
                want.table(&child.name)
                    .is_none_or(|t| !t.foreign_keys.iter().any(|f| f.name == fk.name))
            });
            if settings.allow_drop || !going {
                for (child, fk) in dependents {
                    moved_foreign_keys
                        .insert((format!("table {}", child.name), fk.name.to_string()));
                }
            }
        }
    }
    let mut w = Writer {
        have,
        want,
        settings,
        plan: Plan::default(),
        recreated_keys: BTreeSet::new(),
        unrecreatable_keys: Default::default(),
        moved_foreign_keys,
        rebuilt_foreign_keys,
        renamed_columns,
        replaced_views: BTreeSet::new(),
        views_around: BTreeSet::new(),
        changed_view_queries: changes
            .iter()
            .filter_map(|c| match c {
                Change::Changed(d) if d.key.property == "query" && d.key.member.is_empty() => {
                    Some(d.key.object.clone())
                }
                _ => None,
            })
            .collect(),
    };
    w.views_around_column_types(changes);
    for change in changes {
        w.change(change, have_is_left);
    }
    let mut plan = w.plan;
    // Stable: within a phase, the order of the changes (sorted by path).
    plan.steps.sort_by_key(|s| s.phase);
    plan
}

struct Writer<'a> {
    have: &'a Database,
    want: &'a Database,
    settings: Settings,
    plan: Plan,
    /// Keys (table, constraint name) already recreated for a change of the
    /// constraint or of its index: the other change needs nothing more.
    recreated_keys: BTreeSet<(String, String)>,
    /// `(child table object, name)` of foreign keys moved around a recreated key.
    moved_foreign_keys: BTreeSet<(String, String)>,
    /// Keys that cannot be recreated, with the reason.
    unrecreatable_keys: std::collections::BTreeMap<(String, String), String>,
    /// `(object, member)` of foreign keys dropped and added again.
    rebuilt_foreign_keys: BTreeSet<(String, String)>,
    /// `(object, old column name)` → new name, for the renames in the plan.
    renamed_columns: std::collections::BTreeMap<(String, String), String>,
    /// Views replaced (for a change of their query or columns, written once).
    replaced_views: BTreeSet<String>,
    /// Views whose query differs.
    changed_view_queries: BTreeSet<String>,
    /// Views dropped before a column they read changes type and created again after
    /// (`views_around_column_types`): nothing else is written for them.
    views_around: BTreeSet<String>,
}

/// An object of the model, found by its object string (`table public.orders`).
enum Object<'a> {
    Schema(&'a str),
    Table(&'a Table),
    Enum(&'a EnumType),
    Domain(&'a crate::model::Domain),
    Sequence(&'a crate::model::Sequence),
    View(&'a crate::model::View),
}

fn find<'a>(db: &'a Database, object: &str) -> Option<Object<'a>> {
    let kind = object_kind(object);
    let name = object.get(kind.len() + 1..)?;
    let matches = |q: &QualifiedName| q.to_string() == name;
    match kind {
        "schema" => db
            .schemas
            .iter()
            .find(|s| s.as_str() == name)
            .map(|s| Object::Schema(s.as_str())),
        "table" => db
            .tables
            .values()
            .find(|t| matches(&t.name))
            .map(Object::Table),
        "enum" => db
            .enums
            .values()
            .find(|e| matches(&e.name))
            .map(Object::Enum),
        "domain" => db
            .domains
            .values()
            .find(|d| matches(&d.name))
            .map(Object::Domain),
        "sequence" => db
            .sequences
            .values()
            .find(|s| matches(&s.name))
            .map(Object::Sequence),
        "view" | "materialized view" => db
            .views
            .values()
            .find(|v| matches(&v.name))
            .map(Object::View),
        _ => None,
    }
}

fn table<'a>(db: &'a Database, object: &str) -> Option<&'a Table> {
    match find(db, object) {
        Some(Object::Table(t)) => Some(t),
        _ => None,
    }
}

/// `CREATE [MATERIALIZED] VIEW name (columns) AS query`; `None` when the query was
/// not read.
fn view_sql(v: &View) -> Option<String> {
    let query = v.query.as_deref()?.trim().trim_end_matches(';').trim();
    Some(format!(
        "CREATE {}VIEW {} ({}) AS {query}{};",
        if v.materialized { "MATERIALIZED " } else { "" },
        v.name.sql(),
        names_sql(&v.columns),
        match (v.materialized, v.populated) {
            (false, _) => "",
            (true, true) => " WITH DATA",
            (true, false) => " WITH NO DATA",
        }
    ))
}

/// `DROP [MATERIALIZED] VIEW name`.
fn drop_view_sql(v: &View) -> String {
    let kind = if v.materialized { "MATERIALIZED " } else { "" };
    format!("DROP {kind}VIEW {};", v.name.sql())
}

/// A string as an SQL literal.
fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn names_sql<T: AsRef<str>>(names: &[T]) -> String {
    names
        .iter()
        .map(|n| quote_ident(n.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A name for a replacement built beside the original (`orders_live_dblint`), within
/// PostgreSQL's 63 bytes.
fn beside(name: &str) -> String {
    let mut cut = name.len().min(63 - "_dblint".len());
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}_dblint", &name[..cut])
}

impl<'a> Writer<'a> {
    fn step(&mut self, phase: u8, change: &str, sql: String) {
        self.plan.steps.push(Step {
            phase,
            sql,
            change: change.to_string(),
            commented: false,
        });
    }

    fn drop_step(&mut self, phase: u8, change: &str, sql: String) {
        self.plan.steps.push(Step {
            phase,
            sql,
            change: change.to_string(),
            commented: !self.settings.allow_drop,
        });
    }

    fn skip(&mut self, change: &str, why: impl Into<String>) {
        self.plan.skipped.push((change.to_string(), why.into()));
    }

    fn change(&mut self, change: &Change, have_is_left: bool) {
        let path = change.path();
        match change {
            Change::Only {
                object,
                member,
                left,
                ..
            } => {
                if *left == have_is_left {
                    self.drop(object, member, &path);
                } else {
                    self.create(object, member, &path);
                }
            }
            Change::Renamed {
                object,
                kind,
                from,
                to,
                ..
            } => {
                let (old, new) = if have_is_left { (from, to) } else { (to, from) };
                self.rename(object, kind, old, new, &path);
            }
            Change::Changed(d) => {
                let (h, w) = if have_is_left {
                    (&d.left, &d.right)
                } else {
                    (&d.right, &d.left)
                };
                let (Some(h), Some(w)) = (h, w) else {
                    self.skip(&path, "a property one side does not have");
                    return;
                };
                self.property(
                    &d.key.object,
                    &d.key.member,
                    &d.key.property,
                    &h.value,
                    &w.value,
                    &path,
                );
            }
        }
    }

    // ---------- objects and members only "want" has ----------

    fn create(&mut self, object: &str, member: &str, path: &str) {
        if member.is_empty() {
            return self.create_object(object, path);
        }
        let Some(t) = table(self.want, object) else {
            return self.skip(path, "not found in the model");
        };
        let name = member_name(member);
        match member_kind(member) {
            "column" => match t.column(name) {
                Some(c) => {
                    let sql = format!(
                        "ALTER TABLE {} ADD COLUMN {};",
                        t.name.sql(),
                        self.column_sql(t, c)
                    );
                    self.step(phase::COLUMN, path, sql);
                }
                None => self.skip(path, "not found in the model"),
            },
            "index" => match t.indexes.iter().find(|i| i.name.name == name) {
                Some(i) if i.role == IndexRole::Plain => {
                    let concurrently = t.kind != TableKind::Partitioned;
                    self.step(phase::INDEX, path, index_sql(i, &i.name.name, concurrently));
                }
                Some(_) => {} // with its constraint
                None => self.skip(path, "not found in the model"),
            },
            "primary key" | "unique" => self.add_key(t, name, path, false),
            "check" => match t.checks.iter().find(|c| c.name == name) {
                Some(c) => {
                    let sql = format!(
                        "ALTER TABLE {} ADD CONSTRAINT {} CHECK ({}) NOT VALID;",
                        t.name.sql(),
                        quote_ident(&c.name),
                        c.expression
                    );
                    self.step(phase::CHECK, path, sql);
                    if c.validated {
                        self.validate(t, &c.name, path, phase::CHECK);
                    }
                }
                None => self.skip(path, "not found in the model"),
            },
            "foreign key" => match t.foreign_keys.iter().find(|f| f.name == name) {
                Some(fk) => self.add_foreign_key(t, fk, path, true),
                None => self.skip(path, "not found in the model"),
            },
            "policy" => match t.policies.iter().find(|p| p.name == name) {
                Some(p) => self.step(phase::POLICY, path, policy_sql(t, p)),
                None => self.skip(path, "not found in the model"),
            },
            "exclusion" => self.skip(
                path,
                "an exclusion constraint's operators are not compared, so no statement can be written for it",
            ),
            _ => self.skip(path, "no statement for this kind"),
        }
    }

    fn create_object(&mut self, object: &str, path: &str) {
        match find(self.want, object) {
            Some(Object::Schema(s)) => {
                self.step(
                    phase::SCHEMA,
                    path,
                    format!("CREATE SCHEMA {};", quote_ident(s)),
                );
            }
            Some(Object::Table(t)) => self.create_table(t, path),
            Some(Object::Enum(e)) => {
                let labels: Vec<String> = e.values.iter().map(|v| literal(v)).collect();
                let sql = format!(
                    "CREATE TYPE {} AS ENUM ({});",
                    e.name.sql(),
                    labels.join(", ")
                );
                self.step(phase::TYPE, path, sql);
            }
            Some(Object::Domain(d)) => {
                let mut sql = format!("CREATE DOMAIN {} AS {}", d.name.sql(), d.base.sql());
                if let Some(e) = &d.default {
                    sql.push_str(&format!(" DEFAULT {e}"));
                }
                if d.not_null {
                    sql.push_str(" NOT NULL");
                }
                for c in &d.checks {
                    sql.push_str(&format!(" CHECK ({c})"));
                }
                sql.push(';');
                self.step(phase::TYPE, path, sql);
            }
            Some(Object::Sequence(s)) => {
                // An identity column's sequence comes with the identity.
                if let Some((t, c)) = &s.owned_by {
                    let identity = self
                        .want
                        .table(t)
                        .and_then(|t| t.column(c))
                        .is_some_and(|c| c.identity.is_some());
                    if identity {
                        return;
                    }
                }
                let sql = format!(
                    "CREATE SEQUENCE {} AS {}{};",
                    s.name.sql(),
                    s.data_type.sql(),
                    params_sql(&s.params, None)
                );
                self.step(phase::SEQUENCE, path, sql);
                if let Some((t, c)) = &s.owned_by {
                    let sql = format!(
                        "ALTER SEQUENCE {} OWNED BY {}.{};",
                        s.name.sql(),
                        t.sql(),
                        quote_ident(c)
                    );
                    self.step(phase::OWNED_BY, path, sql);
                }
            }
            Some(Object::View(v)) => match view_sql(v) {
                Some(sql) => {
                    self.step(phase::VIEW, path, sql);
                    if !v.unique_indexes.is_empty() {
                        self.skip(
                            &format!("{path} unique_indexes"),
                            "a materialized view's indexes are compared by name only: create them as the migrations do",
                        );
                    }
                }
                None => self.skip(path, "its query was not read, so it cannot be written"),
            },
            None => self.skip(path, "not found in the model"),
        }
    }

    fn create_table(&mut self, t: &Table, path: &str) {
        if let Some(parent) = &t.partition_of {
            return self.skip(
                path,
                format!(
                    "a partition takes its parent's columns, keys and indexes and may add its own: create it as the migrations do (CREATE TABLE {} PARTITION OF {} {})",
                    t.name.sql(),
                    parent.sql(),
                    t.partition_bound.as_deref().unwrap_or("FOR VALUES …")
                ),
            );
        }
        if t.kind == TableKind::Foreign {
            return self.skip(
                path,
                "a foreign table's server and options are not compared",
            );
        }
        if t.partition_key
            .as_ref()
            .is_some_and(|k| k.columns.iter().any(Option::is_none))
        {
            return self.skip(path, "a partition key expression is not compared");
        }
        let mut parts: Vec<String> = t.columns.iter().map(|c| self.column_sql(t, c)).collect();
        if let Some(pk) = &t.primary_key {
            parts.push(key_sql(pk, "PRIMARY KEY"));
        }
        for u in &t.unique_constraints {
            parts.push(key_sql(u, "UNIQUE"));
        }
        for c in t.checks.iter().filter(|c| c.validated) {
            parts.push(format!(
                "CONSTRAINT {} CHECK ({})",
                quote_ident(&c.name),
                c.expression
            ));
        }
        let mut sql = format!(
            "CREATE {}TABLE {} (\n    {}\n)",
            if t.unlogged { "UNLOGGED " } else { "" },
            t.name.sql(),
            parts.join(",\n    ")
        );
        if !t.inherits.is_empty() {
            let parents: Vec<String> = t.inherits.iter().map(QualifiedName::sql).collect();
            sql.push_str(&format!(" INHERITS ({})", parents.join(", ")));
        }
        if let Some(k) = &t.partition_key {
            let columns: Vec<&str> = k.columns.iter().flatten().map(|c| c.as_str()).collect();
            sql.push_str(&format!(
                " PARTITION BY {} ({})",
                format!("{:?}", k.strategy).to_ascii_uppercase(),
                names_sql(&columns)
            ));
        }
        sql.push(';');
        self.step(phase::TABLE, path, sql);
        for i in t.indexes.iter().filter(|i| i.role == IndexRole::Plain) {
            self.step(phase::INDEX, path, index_sql(i, &i.name.name, false));
        }
        for c in t.checks.iter().filter(|c| !c.validated) {
            let sql = format!(
                "ALTER TABLE {} ADD CONSTRAINT {} CHECK ({}) NOT VALID;",
                t.name.sql(),
                quote_ident(&c.name),
                c.expression
            );
            self.step(phase::CHECK, path, sql);
        }
        for fk in &t.foreign_keys {
            self.add_foreign_key(t, fk, path, false);
        }
        if t.row_security {
            let sql = format!("ALTER TABLE {} ENABLE ROW LEVEL SECURITY;", t.name.sql());
            self.step(phase::POLICY, path, sql);
        }
        if t.force_row_security {
            let sql = format!("ALTER TABLE {} FORCE ROW LEVEL SECURITY;", t.name.sql());
            self.step(phase::POLICY, path, sql);
        }
        for p in &t.policies {
            self.step(phase::POLICY, path, policy_sql(t, p));
        }
        if let Some(c) = &t.comment {
            let sql = format!("COMMENT ON TABLE {} IS {};", t.name.sql(), literal(c));
            self.step(phase::COMMENT, path, sql);
        }
        for c in &t.columns {
            if let Some(text) = &c.comment {
                let sql = format!(
                    "COMMENT ON COLUMN {}.{} IS {};",
                    t.name.sql(),
                    quote_ident(&c.name),
                    literal(text)
                );
                self.step(phase::COMMENT, path, sql);
            }
        }
        if !t.exclusions.is_empty() {
            self.skip(
                path,
                format!(
                    "exclusion constraint(s) {} not written: their operators are not compared",
                    t.exclusions.join(", ")
                ),
            );
        }
    }

    /// Whether foreign key `name` of table `object` moves around a recreated key.
    fn moved(&self, object: &str, name: &str) -> bool {
        self.moved_foreign_keys
            .contains(&(object.to_string(), name.to_string()))
    }

    /// `name type [GENERATED …] [DEFAULT …] [NOT NULL]`, as `want` holds it.
    fn column_sql(&self, t: &Table, c: &Column) -> String {
        let mut sql = format!("{} {}", quote_ident(&c.name), c.data_type.sql());
        sql.push_str(&collate_sql(c.collation.as_deref()));
        if let Some(g) = &c.generated {
            sql.push_str(&format!(" GENERATED ALWAYS AS ({g}) STORED"));
        } else if let Some(identity) = c.identity {
            sql.push_str(&identity_sql(identity));
            sql.push_str(&self.identity_sequence(t, c));
        } else if let Some(d) = c
            .default
            .as_deref()
            .filter(|d| !crate::model::is_null_default(d))
        {
            sql.push_str(&format!(" DEFAULT {d}"));
        }
        if c.not_null && c.identity.is_none() {
            sql.push_str(" NOT NULL");
        }
        sql
    }

    /// ` (SEQUENCE NAME s)` when an identity's sequence is not named as PostgreSQL
    /// would name it.
    fn identity_sequence(&self, t: &Table, c: &Column) -> String {
        let owned = self.want.sequences.values().find(|s| {
            s.owned_by
                .as_ref()
                .is_some_and(|(o, col)| *o == t.name && *col == c.name)
        });
        let Some(s) = owned else {
            return String::new();
        };
        let mut options = String::new();
        if s.name.schema != t.name.schema
            || s.name.name
                != crate::model::default_names::object_name(&t.name.name, &[&c.name], "seq")
        {
            options = format!(" SEQUENCE NAME {}", s.name.sql());
        }
        let defaults = crate::model::SequenceParams::new(&c.data_type, &Default::default());
        options.push_str(&params_sql(&s.params, Some(&defaults)));
        if options.is_empty() {
            options
        } else {
            format!(" ({})", options.trim_start())
        }
    }

    /// A primary key or unique constraint of `t` (as `want` holds it): its index built
    /// without blocking writes, then the constraint on it. `replace` drops the
    /// constraint of that name in the same statement.
    fn add_key(&mut self, t: &Table, name: &str, path: &str, replace: bool) {
        let key_of = |t: &'a Table| -> Option<(&'a KeyConstraint, &'static str)> {
            if let Some(pk) = t.primary_key.as_ref().filter(|k| k.name == name) {
                return Some((pk, "PRIMARY KEY"));
            }
            t.unique_constraints
                .iter()
                .find(|k| k.name == name)
                .map(|k| (k, "UNIQUE"))
        };
        let Some(want_table) = self.want.table(&t.name) else {
            return self.skip(path, "not found in the model");
        };
        let Some((key, word)) = key_of(want_table) else {
            return self.skip(path, "not found in the model");
        };
        let drop = if replace {
            format!("DROP CONSTRAINT {}, ", quote_ident(name))
        } else {
            String::new()
        };
        if t.kind == TableKind::Partitioned {
            // USING INDEX is refused on a partitioned table.
            let sql = format!(
                "ALTER TABLE {} {drop}ADD {};",
                t.name.sql(),
                key_sql(key, word)
            );
            return self.step(phase::KEY, path, sql);
        }
        let index = want_table.indexes.iter().find(|i| i.name.name == name);
        let built = beside(name);
        let create = match index {
            Some(i) => index_sql(i, &built, true),
            None => format!(
                "CREATE UNIQUE INDEX CONCURRENTLY {} ON {} ({}){}{};",
                quote_ident(&built),
                t.name.sql(),
                names_sql(&key.columns),
                include_sql(&key.include),
                if key.nulls_not_distinct {
                    " NULLS NOT DISTINCT"
                } else {
                    ""
                }
            ),
        };
        self.step(phase::KEY, path, create);
        let sql = format!(
            "ALTER TABLE {} {drop}ADD CONSTRAINT {} {word} USING INDEX {}{};",
            t.name.sql(),
            quote_ident(name),
            quote_ident(&built),
            if key.deferrable { " DEFERRABLE" } else { "" }
        );
        self.step(phase::KEY, path, sql);
    }

    fn add_foreign_key(&mut self, t: &Table, fk: &ForeignKey, path: &str, existing: bool) {
        // A partitioned table takes NOT VALID foreign keys from PostgreSQL 18 on.
        let not_valid = (existing || !fk.validated)
            && (t.kind != TableKind::Partitioned || self.settings.pg_version >= 18);
        let sql = format!(
            "ALTER TABLE {} ADD {}{};",
            t.name.sql(),
            foreign_key_sql(fk),
            if not_valid { " NOT VALID" } else { "" }
        );
        self.step(phase::FOREIGN_KEY, path, sql);
        if not_valid && fk.validated {
            self.validate(t, &fk.name, path, phase::FOREIGN_KEY);
        }
    }

    fn validate(&mut self, t: &Table, name: &str, path: &str, phase: u8) {
        let sql = format!(
            "ALTER TABLE {} VALIDATE CONSTRAINT {};",
            t.name.sql(),
            quote_ident(name)
        );
        self.step(phase, path, sql);
    }

    // ---------- objects and members only "have" has ----------

    fn drop(&mut self, object: &str, member: &str, path: &str) {
        if self.views_around.contains(object) {
            return;
        }
        if member.is_empty() {
            let (phase, sql) = match find(self.have, object) {
                Some(Object::Schema(s)) => (
                    phase::DROP_SCHEMA,
                    format!("DROP SCHEMA {};", quote_ident(s)),
                ),
                Some(Object::Table(t)) => {
                    (phase::DROP_TABLE, format!("DROP TABLE {};", t.name.sql()))
                }
                Some(Object::Enum(e)) => (phase::DROP_TYPE, format!("DROP TYPE {};", e.name.sql())),
                Some(Object::Domain(d)) => {
                    (phase::DROP_TYPE, format!("DROP DOMAIN {};", d.name.sql()))
                }
                Some(Object::Sequence(s)) => {
                    // An identity's sequence goes with the identity or its column; a
                    // serial's with its column, hence IF EXISTS.
                    let identity = s.owned_by.as_ref().is_some_and(|(t, c)| {
                        self.have
                            .table(t)
                            .and_then(|t| t.column(c))
                            .is_some_and(|c| c.identity.is_some())
                    });
                    if identity {
                        return;
                    }
                    (
                        phase::DROP_SEQUENCE,
                        format!("DROP SEQUENCE IF EXISTS {};", s.name.sql()),
                    )
                }
                Some(Object::View(v)) => (phase::DROP_VIEW, drop_view_sql(v)),
                None => return self.skip(path, "not found in the model"),
            };
            return self.drop_step(phase, path, sql);
        }
        let Some(t) = table(self.have, object) else {
            return self.skip(path, "not found in the model");
        };
        let name = member_name(member);
        let constraint = format!(
            "ALTER TABLE {} DROP CONSTRAINT {};",
            t.name.sql(),
            quote_ident(name)
        );
        match member_kind(member) {
            "column" => {
                let sql = format!(
                    "ALTER TABLE {} DROP COLUMN {};",
                    t.name.sql(),
                    quote_ident(name)
                );
                self.drop_step(phase::DROP_COLUMN, path, sql);
            }
            "index" => match t.indexes.iter().find(|i| i.name.name == name) {
                Some(i) if i.role == IndexRole::Plain => {
                    let sql = format!(
                        "DROP INDEX {}{};",
                        if t.kind == TableKind::Partitioned {
                            ""
                        } else {
                            "CONCURRENTLY "
                        },
                        i.name.sql()
                    );
                    self.drop_step(phase::DROP_MEMBER, path, sql);
                }
                Some(_) => {}
                None => self.skip(path, "not found in the model"),
            },
            // Dropped with the key it depends on.
            "foreign key" if self.moved(object, name) => {}
            "foreign key" => {
                self.drop_step(phase::DROP_FOREIGN_KEY, path, constraint);
            }
            "primary key" | "unique" | "check" | "exclusion" => {
                self.drop_step(phase::DROP_MEMBER, path, constraint);
            }
            "policy" => {
                let sql = format!("DROP POLICY {} ON {};", quote_ident(name), t.name.sql());
                self.drop_step(phase::DROP_MEMBER, path, sql);
            }
            _ => self.skip(path, "no statement for this kind"),
        }
    }

    // ---------- renames ----------

    fn rename(&mut self, object: &str, kind: &str, old: &str, new: &str, path: &str) {
        if object_kind(object) == kind {
            // A whole object: `object` is the left side's; find each side's name.
            let (Some(o), Some(n)) = (
                find(self.have, &format!("{kind} {old}")),
                find(self.want, &format!("{kind} {new}")),
            ) else {
                return self.skip(path, "not found in the model");
            };
            let name = |o: &Object| -> Option<QualifiedName> {
                Some(match o {
                    Object::Table(t) => t.name.clone(),
                    Object::Enum(e) => e.name.clone(),
                    Object::Domain(d) => d.name.clone(),
                    Object::Sequence(s) => s.name.clone(),
                    Object::View(v) => v.name.clone(),
                    Object::Schema(_) => return None,
                })
            };
            let (Some(from), Some(to)) = (name(&o), name(&n)) else {
                return self.skip(path, "no statement for this kind");
            };
            let word = match kind {
                "table" => "TABLE",
                "enum" => "TYPE",
                "domain" => "DOMAIN",
                "sequence" => "SEQUENCE",
                "view" => "VIEW",
                "materialized view" => "MATERIALIZED VIEW",
                _ => return self.skip(path, "no statement for this kind"),
            };
            let mut current = from.clone();
            if from.name != to.name {
                let sql = format!(
                    "ALTER {word} {} RENAME TO {};",
                    from.sql(),
                    quote_ident(&to.name)
                );
                self.step(phase::RENAME, path, sql);
                current.name = to.name.clone();
            }
            if from.schema != to.schema {
                let sql = format!(
                    "ALTER {word} {} SET SCHEMA {};",
                    current.sql(),
                    quote_ident(&to.schema)
                );
                self.step(phase::RENAME, path, sql);
            }
            return;
        }
        let Some(t) = table(self.have, object) else {
            return self.skip(path, "not found in the model");
        };
        let sql = match kind {
            "column" => format!(
                "ALTER TABLE {} RENAME COLUMN {} TO {};",
                t.name.sql(),
                quote_ident(old),
                quote_ident(new)
            ),
            "index" => {
                let index = t.indexes.iter().find(|i| i.name.name == old);
                match index {
                    // A constraint's index is renamed with the constraint.
                    Some(i) if i.role != IndexRole::Plain => return,
                    Some(i) => format!(
                        "ALTER INDEX {} RENAME TO {};",
                        i.name.sql(),
                        quote_ident(new)
                    ),
                    None => return self.skip(path, "not found in the model"),
                }
            }
            // Dropped and added back under its new name around the key it depends on.
            "foreign key" if self.moved(object, old) => return,
            "primary key" | "unique" | "check" | "foreign key" | "exclusion" => format!(
                "ALTER TABLE {} RENAME CONSTRAINT {} TO {};",
                t.name.sql(),
                quote_ident(old),
                quote_ident(new)
            ),
            "policy" => format!(
                "ALTER POLICY {} ON {} RENAME TO {};",
                quote_ident(old),
                t.name.sql(),
                quote_ident(new)
            ),
            _ => return self.skip(path, "no statement for this kind"),
        };
        self.step(phase::RENAME, path, sql);
    }

    // ---------- properties both sides have ----------

    fn property(
        &mut self,
        object: &str,
        member: &str,
        property: &str,
        have: &str,
        want: &str,
        path: &str,
    ) {
        if self.views_around.contains(object) {
            // Created again as "want" has it.
            return;
        }
        match object_kind(object) {
            "table" => {}
            "enum" => return self.enum_values(object, path),
            "domain" => return self.domain_property(object, property, want, path),
            "sequence" => return self.sequence_property(object, property, path),
            "view" if matches!(property, "query" | "columns") => {
                return self.replace_view(object, path)
            }
            "materialized view" if matches!(property, "query" | "columns") => {
                return self.replace_view(object, path)
            }
            "materialized view" if property == "populated" && want == "true" => {
                if let Some(Object::View(v)) = find(self.want, object) {
                    let sql = format!("REFRESH MATERIALIZED VIEW {};", v.name.sql());
                    self.step(phase::COMMENT, path, sql);
                }
                return;
            }
            _ => return self.skip(path, "no statement for this property"),
        }
        let (Some(h), Some(w)) = (table(self.have, object), table(self.want, object)) else {
            return self.skip(path, "not found in the model");
        };
        let name = member_name(member);
        match member_kind(member) {
            "" => self.table_property(h, w, property, path),
            "column" => match (h.column(name), w.column(name)) {
                (Some(hc), Some(wc)) => self.column_property(h, hc, wc, property, path),
                _ => self.skip(path, "not found in the model"),
            },
            "primary key" | "unique" => self.recreate_key(h, name, path),
            "check" => self.check_property(h, w, name, property, have, want, path),
            // Added back, as "want" has it, around the key it depends on.
            "foreign key" if self.moved(object, name) => {}
            "foreign key"
                if self
                    .rebuilt_foreign_keys
                    .contains(&(object.to_string(), member.to_string()))
                    && matches!(property, "deferrable" | "initially_deferred" | "validated") => {}
            "foreign key" => self.foreign_key_property(h, w, name, property, path),
            "index" => self.index_property(h, w, name, property, have, want, path),
            "policy" => self.policy_property(h, w, name, property, path),
            _ => self.skip(path, "no statement for this property"),
        }
    }

    /// A view whose query or columns differ, once for both: `CREATE OR REPLACE VIEW`
    /// where "want" keeps "have"'s columns and adds some at the end (what PostgreSQL
    /// allows, "CREATE VIEW" in the documentation), `RENAME COLUMN` where only names
    /// differ, else a drop and create in one transaction (which fails, changing
    /// nothing, if other views depend on it).
    fn replace_view(&mut self, object: &str, path: &str) {
        if self.views_around.contains(object) || !self.replaced_views.insert(object.to_string()) {
            return;
        }
        let (Some(Object::View(h)), Some(Object::View(w))) =
            (find(self.have, object), find(self.want, object))
        else {
            return self.skip(path, "not found in the model");
        };
        let same_query = !self.changed_view_queries.contains(object);
        if same_query && h.columns.len() == w.columns.len() {
            let renames: Vec<(&Name, &Name)> = h
                .columns
                .iter()
                .zip(&w.columns)
                .filter(|(a, b)| a != b)
                .collect();
            let clash = renames.iter().any(|(_, new)| h.columns.contains(new));
            if !clash {
                for (old, new) in renames {
                    // `ALTER VIEW … RENAME COLUMN` is PostgreSQL 13's; `ALTER TABLE`
                    // renames a view's column on 12 too.
                    let sql = format!(
                        "ALTER {} {} RENAME COLUMN {} TO {};",
                        if w.materialized {
                            "MATERIALIZED VIEW"
                        } else {
                            "TABLE"
                        },
                        w.name.sql(),
                        quote_ident(old),
                        quote_ident(new)
                    );
                    self.step(phase::VIEW, path, sql);
                }
                return;
            }
        }
        if w.materialized {
            return self.skip(
                path,
                "recreating a materialized view drops its data and indexes: replace it by hand (CREATE … WITH NO DATA beside it, its indexes, REFRESH, then swap the names)",
            );
        }
        let Some(create) = view_sql(w) else {
            return self.skip(path, "its query was not read, so it cannot be written");
        };
        let sql = if w.columns.starts_with(&h.columns) {
            create.replacen("CREATE VIEW", "CREATE OR REPLACE VIEW", 1)
        } else {
            format!("BEGIN;\nDROP VIEW {};\n{create}\nCOMMIT;", h.name.sql())
        };
        self.step(phase::VIEW, path, sql);
    }

    /// PostgreSQL refuses to change the type or collation of a column a view reads
    /// ("cannot alter type of a column used by a view or rule"): such views, and the
    /// views that read them, are dropped first (dependents first) and created again
    /// at the end as "want" has them (a view "want" lacks is only dropped). A view is
    /// found by its query naming the table and the column, so one that only seems to
    /// read it is recreated too, which changes nothing.
    fn views_around_column_types(&mut self, changes: &[Change]) {
        let mut reads: Vec<(String, String)> = Vec::new();
        for c in changes {
            let Change::Changed(d) = c else { continue };
            if d.key.member_kind() == "column"
                && matches!(d.key.property.as_str(), "type" | "collation")
            {
                if let Some(t) = table(self.have, &d.key.object) {
                    reads.push((
                        t.name.name.to_string(),
                        member_name(&d.key.member).to_string(),
                    ));
                }
            }
        }
        if reads.is_empty() {
            return;
        }
        let mentions = |v: &View, name: &str| v.query.as_deref().is_some_and(|q| q.contains(name));
        let mut found: Vec<&View> = self
            .have
            .views
            .values()
            .filter(|v| reads.iter().any(|(t, c)| mentions(v, t) && mentions(v, c)))
            .collect();
        let mut i = 0;
        while i < found.len() {
            let name = found[i].name.name.to_string();
            for v in self.have.views.values() {
                if mentions(v, &name) && !found.iter().any(|f| f.name == v.name) {
                    found.push(v);
                }
            }
            i += 1;
        }
        for v in found.iter().rev() {
            let path = view_object(v);
            self.views_around.insert(path.clone());
            self.step(phase::DROP_VIEW, &path, drop_view_sql(v));
        }
        for v in found {
            let path = view_object(v);
            let Some(Object::View(want)) = find(self.want, &path) else {
                continue;
            };
            match view_sql(want) {
                Some(sql) => self.step(phase::VIEW, &path, sql),
                None => self.skip(&path, "its query was not read, so it cannot be written"),
            }
            if want.materialized && !want.unique_indexes.is_empty() {
                self.skip(
                    &format!("{path} unique_indexes"),
                    "a materialized view's indexes are compared by name only: create them as the migrations do",
                );
            }
        }
    }

    fn table_property(&mut self, h: &Table, w: &Table, property: &str, path: &str) {
        let t = h.name.sql();
        let sql = match property {
            "unlogged" => format!(
                "ALTER TABLE {t} SET {};",
                if w.unlogged { "UNLOGGED" } else { "LOGGED" }
            ),
            "row_security" => format!(
                "ALTER TABLE {t} {} ROW LEVEL SECURITY;",
                if w.row_security { "ENABLE" } else { "DISABLE" }
            ),
            "force_row_security" => format!(
                "ALTER TABLE {t} {}FORCE ROW LEVEL SECURITY;",
                if w.force_row_security { "" } else { "NO " }
            ),
            "comment" => format!(
                "COMMENT ON TABLE {t} IS {};",
                w.comment.as_deref().map_or("NULL".into(), literal)
            ),
            "inherits" => {
                for parent in w.inherits.iter().filter(|p| !h.inherits.contains(p)) {
                    let sql = format!("ALTER TABLE {t} INHERIT {};", parent.sql());
                    self.step(phase::TABLE, path, sql);
                }
                for parent in h.inherits.iter().filter(|p| !w.inherits.contains(p)) {
                    let sql = format!("ALTER TABLE {t} NO INHERIT {};", parent.sql());
                    self.step(phase::TABLE, path, sql);
                }
                return;
            }
            "partition_of" if w.partition_of.is_none() => {
                if let Some(parent) = &h.partition_of {
                    let sql = format!("ALTER TABLE {} DETACH PARTITION {t};", parent.sql());
                    self.step(phase::TABLE, path, sql);
                }
                return;
            }
            "partition_of" => {
                let (Some(parent), Some(bound)) = (&w.partition_of, &w.partition_bound) else {
                    return self.skip(path, "the partition's bound was not read");
                };
                let attach = format!("ALTER TABLE {} ATTACH PARTITION {t} {bound};", parent.sql());
                let sql = match &h.partition_of {
                    // Detached and attached again in one transaction: a failed ATTACH
                    // (rows outside the bound) leaves it where it was.
                    Some(old) => format!(
                        "BEGIN;\nALTER TABLE {} DETACH PARTITION {t};\n{attach}\nCOMMIT;",
                        old.sql()
                    ),
                    None => attach,
                };
                return self.step(phase::TABLE, path, sql);
            }
            "column_order" if self.order_follows(h, w) => return,
            "column_order" => {
                return self.skip(
                    path,
                    "PostgreSQL cannot reorder a table's columns; only recreating the table can",
                )
            }
            _ => return self.skip(
                path,
                "changing a table's kind, partitioning or inheritance needs the table recreated",
            ),
        };
        let phase = if property == "comment" {
            phase::COMMENT
        } else {
            phase::POLICY
        };
        self.step(phase, path, sql);
    }

    /// Whether `h`'s columns end in `w`'s order once the plan's renames, drops and
    /// additions (at the end, as `ADD COLUMN` puts them) are made.
    fn order_follows(&self, h: &Table, w: &Table) -> bool {
        let object = format!("table {}", h.name);
        let mut order: Vec<&str> = h
            .columns
            .iter()
            .map(|c| {
                self.renamed_columns
                    .get(&(object.clone(), c.name.to_string()))
                    .map_or(c.name.as_str(), |n| n.as_str())
            })
            .filter(|n| w.column(n).is_some())
            .collect();
        for c in &w.columns {
            if !order.contains(&c.name.as_str()) {
                order.push(&c.name);
            }
        }
        order
            .into_iter()
            .eq(w.columns.iter().map(|c| c.name.as_str()))
    }

    fn column_property(&mut self, t: &Table, h: &Column, w: &Column, property: &str, path: &str) {
        let prefix = format!(
            "ALTER TABLE {} ALTER COLUMN {}",
            t.name.sql(),
            quote_ident(&w.name)
        );
        match property {
            // A type change writes the collation too (without COLLATE the column
            // takes the type's), so a change of both is one statement.
            "collation" if h.data_type != w.data_type => {}
            "collation" => self.step(
                phase::COLUMN,
                path,
                format!(
                    "{prefix} TYPE {}{};",
                    w.data_type.sql(),
                    collate_sql(w.collation.as_deref())
                ),
            ),
            "type" => {
                let using = if h.data_type.name != w.data_type.name
                    || h.data_type.array_dims != w.data_type.array_dims
                {
                    format!(" USING {}::{}", quote_ident(&w.name), w.data_type.sql())
                } else {
                    String::new()
                };
                self.step(
                    phase::COLUMN,
                    path,
                    format!(
                        "{prefix} TYPE {}{}{using};",
                        w.data_type.sql(),
                        collate_sql(w.collation.as_deref())
                    ),
                );
            }
            "not_null" if w.not_null => {
                // A validated CHECK (c IS NOT NULL) lets SET NOT NULL skip its scan.
                let check = beside(&format!("{}_{}_not_null", t.name.name, w.name));
                let table = t.name.sql();
                let check_q = quote_ident(&check);
                for sql in [
                    format!(
                        "ALTER TABLE {table} ADD CONSTRAINT {check_q} CHECK ({} IS NOT NULL) NOT VALID;",
                        quote_ident(&w.name)
                    ),
                    format!("ALTER TABLE {table} VALIDATE CONSTRAINT {check_q};"),
                    format!("{prefix} SET NOT NULL;"),
                    format!("ALTER TABLE {table} DROP CONSTRAINT {check_q};"),
                ] {
                    self.step(phase::COLUMN_AFTER, path, sql);
                }
            }
            "not_null" => self.step(phase::COLUMN, path, format!("{prefix} DROP NOT NULL;")),
            "default" => match w.default.as_deref().filter(|d| !crate::model::is_null_default(d)) {
                Some(d) => self.step(phase::COLUMN_AFTER, path, format!("{prefix} SET DEFAULT {d};")),
                None => self.step(
                    phase::COLUMN_DEFAULT_OFF,
                    path,
                    format!("{prefix} DROP DEFAULT;"),
                ),
            },
            "identity" => match (h.identity, w.identity) {
                (None, Some(i)) => {
                    let sql = format!("{prefix} ADD{}{};", identity_sql(i), self.identity_sequence(t, w));
                    self.step(phase::COLUMN, path, sql);
                }
                (Some(_), None) => {
                    self.step(phase::COLUMN, path, format!("{prefix} DROP IDENTITY;"))
                }
                (Some(_), Some(i)) => {
                    let word = match i {
                        Identity::Always => "ALWAYS",
                        Identity::ByDefault => "BY DEFAULT",
                    };
                    self.step(phase::COLUMN, path, format!("{prefix} SET GENERATED {word};"));
                }
                (None, None) => {}
            },
            "generated" => match (&h.generated, &w.generated) {
                (Some(_), None) => {
                    self.step(phase::COLUMN, path, format!("{prefix} DROP EXPRESSION;"))
                }
                (Some(_), Some(e)) if self.settings.pg_version >= 17 => self.step(
                    phase::COLUMN,
                    path,
                    format!("{prefix} SET EXPRESSION AS ({e});"),
                ),
                _ => self.skip(
                    path,
                    "a generation expression can be changed in place only on PostgreSQL 17 and later (ALTER COLUMN … SET EXPRESSION); otherwise the column must be recreated",
                ),
            },
            "comment" => {
                let sql = format!(
                    "COMMENT ON COLUMN {}.{} IS {};",
                    t.name.sql(),
                    quote_ident(&w.name),
                    w.comment.as_deref().map_or("NULL".into(), literal)
                );
                self.step(phase::COMMENT, path, sql);
            }
            // Follows the column's default and its sequence's owner, each its own change.
            "serial" => {}
            _ => self.skip(path, "no statement for this property"),
        }
    }

    /// A key constraint whose definition differs: a new index built beside it, then
    /// the constraint dropped and added on the new index in one statement.
    fn recreate_key(&mut self, h: &Table, name: &str, path: &str) {
        let id = (h.name.to_string(), name.to_string());
        if let Some(why) = self.unrecreatable_keys.get(&id) {
            // Its other changes have no statement either.
            let why = why.clone();
            return self.skip(path, why);
        }
        if !self.recreated_keys.insert(id.clone()) {
            return;
        }
        // PostgreSQL refuses to drop a key foreign keys depend on: they are dropped
        // first and added back after, as "want" has them (or left out, where it has
        // them no more).
        let dependents = dependent_foreign_keys(self.have, h, name);
        let going: Vec<String> = dependents
            .iter()
            .filter(|(child, fk)| {
                self.want
                    .table(&child.name)
                    .is_none_or(|t| !t.foreign_keys.iter().any(|f| f.name == fk.name))
            })
            .map(|(child, fk)| format!("{}.{}", child.name, fk.name))
            .collect();
        if !going.is_empty() && !self.settings.allow_drop {
            let why = format!(
                "foreign keys depend on it and go ({}): recreating it needs --allow-drop",
                going.join(", ")
            );
            self.unrecreatable_keys.insert(id, why.clone());
            return self.skip(path, why);
        }
        for (child, fk) in &dependents {
            let sql = format!(
                "ALTER TABLE {} DROP CONSTRAINT {};",
                child.name.sql(),
                quote_ident(&fk.name)
            );
            self.step(phase::DROP_FOREIGN_KEY, path, sql);
            let back = self
                .want
                .table(&child.name)
                .and_then(|t| t.foreign_keys.iter().find(|f| f.name == fk.name));
            if let Some(back) = back {
                self.add_foreign_key(child, back, path, true);
            }
        }
        self.add_key(h, name, path, true);
    }

    #[allow(clippy::too_many_arguments)]
    fn check_property(
        &mut self,
        h: &Table,
        w: &Table,
        name: &str,
        property: &str,
        have: &str,
        want: &str,
        path: &str,
    ) {
        let Some(c) = w.checks.iter().find(|c| c.name == name) else {
            return self.skip(path, "not found in the model");
        };
        match property {
            "validated" if want == "true" && have == "false" => {
                self.validate(h, name, path, phase::CHECK)
            }
            "validated" => self.skip(
                path,
                "a validated constraint cannot be made NOT VALID again: the side that has not validated it is the one to fix (VALIDATE CONSTRAINT)",
            ),
            _ => {
                let sql = format!(
                    "ALTER TABLE {} DROP CONSTRAINT {}, ADD CONSTRAINT {} CHECK ({}) NOT VALID;",
                    h.name.sql(),
                    quote_ident(name),
                    quote_ident(name),
                    c.expression
                );
                self.step(phase::CHECK, path, sql);
                if c.validated {
                    self.validate(h, name, path, phase::CHECK);
                }
            }
        }
    }

    fn foreign_key_property(
        &mut self,
        h: &Table,
        w: &Table,
        name: &str,
        property: &str,
        path: &str,
    ) {
        let (Some(hf), Some(wf)) = (
            h.foreign_keys.iter().find(|f| f.name == name),
            w.foreign_keys.iter().find(|f| f.name == name),
        ) else {
            return self.skip(path, "not found in the model");
        };
        match property {
            "deferrable" | "initially_deferred" => {
                // Both properties in one statement, written once.
                if property == "initially_deferred" && hf.deferrable != wf.deferrable {
                    return;
                }
                let sql = format!(
                    "ALTER TABLE {} ALTER CONSTRAINT {}{};",
                    h.name.sql(),
                    quote_ident(name),
                    deferrable_sql(wf.deferrable, wf.initially_deferred, true)
                );
                self.step(phase::FOREIGN_KEY, path, sql);
            }
            "validated" if wf.validated => self.validate(h, name, path, phase::FOREIGN_KEY),
            "validated" => self.skip(
                path,
                "a validated constraint cannot be made NOT VALID again: the side that has not validated it is the one to fix (VALIDATE CONSTRAINT)",
            ),
            _ => {
                // Every other property: one drop and add (a second property of the
                // same key needs nothing more).
                if !self
                    .recreated_keys
                    .insert((h.name.to_string(), format!("fk {name}")))
                {
                    return;
                }
                let not_valid = h.kind != TableKind::Partitioned || self.settings.pg_version >= 18;
                let sql = format!(
                    "ALTER TABLE {} DROP CONSTRAINT {}, ADD {}{};",
                    h.name.sql(),
                    quote_ident(name),
                    foreign_key_sql(wf),
                    if not_valid { " NOT VALID" } else { "" }
                );
                self.step(phase::FOREIGN_KEY, path, sql);
                if not_valid && wf.validated {
                    self.validate(h, name, path, phase::FOREIGN_KEY);
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn index_property(
        &mut self,
        h: &Table,
        w: &Table,
        name: &str,
        property: &str,
        have: &str,
        want: &str,
        path: &str,
    ) {
        let (Some(hi), Some(wi)) = (
            h.indexes.iter().find(|i| i.name.name == name),
            w.indexes.iter().find(|i| i.name.name == name),
        ) else {
            return self.skip(path, "not found in the model");
        };
        if property == "valid" {
            if want == "true" && have == "false" {
                let warning = if hi.unique {
                    format!(
                        "-- A UNIQUE index is left invalid by duplicate keys: remove them first, or this fails too (and leaves an invalid {} to drop).\n",
                        quote_ident(&format!("{}_ccnew", hi.name.name))
                    )
                } else {
                    String::new()
                };
                let sql = format!(
                    "{warning}REINDEX INDEX {}{};",
                    if h.kind == TableKind::Partitioned {
                        ""
                    } else {
                        "CONCURRENTLY "
                    },
                    hi.name.sql()
                );
                self.step(phase::INDEX, path, sql);
            } else {
                self.skip(
                    path,
                    "an index cannot be made invalid on purpose; the other side's index is the one that needs rebuilding",
                );
            }
            return;
        }
        if property == "role" {
            return self.skip(
                path,
                "an index that backs a constraint on one side only: drop or add the constraint",
            );
        }
        if wi.role != IndexRole::Plain || hi.role != IndexRole::Plain {
            if matches!(wi.role, IndexRole::PrimaryKey | IndexRole::UniqueConstraint) {
                return self.recreate_key(h, name, path);
            }
            return self.skip(
                path,
                "an exclusion constraint's index: its operators are not compared",
            );
        }
        if !self
            .recreated_keys
            .insert((h.name.to_string(), format!("index {name}")))
        {
            return;
        }
        let partitioned = h.kind == TableKind::Partitioned;
        let built = beside(name);
        let schema_built = QualifiedName::new(hi.name.schema.clone(), built.as_str());
        for sql in [
            index_sql(wi, &built, !partitioned),
            format!(
                "DROP INDEX {}{};",
                if partitioned { "" } else { "CONCURRENTLY " },
                hi.name.sql()
            ),
            format!(
                "ALTER INDEX {} RENAME TO {};",
                schema_built.sql(),
                quote_ident(name)
            ),
        ] {
            self.step(phase::INDEX, path, sql);
        }
    }

    fn policy_property(&mut self, h: &Table, w: &Table, name: &str, property: &str, path: &str) {
        let (Some(hp), Some(wp)) = (
            h.policies.iter().find(|p| p.name == name),
            w.policies.iter().find(|p| p.name == name),
        ) else {
            return self.skip(path, "not found in the model");
        };
        if !self
            .recreated_keys
            .insert((h.name.to_string(), format!("policy {name}")))
        {
            return;
        }
        // ALTER POLICY can set roles and both clauses, not remove a clause nor change
        // the command or PERMISSIVE/RESTRICTIVE.
        let alterable = hp.command == wp.command
            && hp.permissive == wp.permissive
            && (wp.using.is_some() || hp.using.is_none())
            && (wp.with_check.is_some() || hp.with_check.is_none());
        if alterable {
            let mut sql = format!(
                "ALTER POLICY {} ON {} TO {}",
                quote_ident(name),
                h.name.sql(),
                roles_sql(&wp.roles)
            );
            if let Some(u) = &wp.using {
                sql.push_str(&format!(" USING ({u})"));
            }
            if let Some(c) = &wp.with_check {
                sql.push_str(&format!(" WITH CHECK ({c})"));
            }
            sql.push(';');
            self.step(phase::POLICY, path, sql);
        } else {
            // In one transaction, so no moment passes without the policy.
            let sql = format!(
                "BEGIN;\nDROP POLICY {} ON {};\n{}\nCOMMIT;",
                quote_ident(name),
                h.name.sql(),
                policy_sql(w, wp)
            );
            self.step(phase::POLICY, path, sql);
        }
        let _ = property;
    }

    /// Labels "want" has and "have" lacks, each added next to its neighbour; what
    /// PostgreSQL cannot do (drop a label, reorder labels) is skipped with the reason.
    fn enum_values(&mut self, object: &str, path: &str) {
        let (Some(Object::Enum(h)), Some(Object::Enum(w))) =
            (find(self.have, object), find(self.want, object))
        else {
            return self.skip(path, "not found in the model");
        };
        let mut current: Vec<&str> = h.values.iter().map(|v| v.as_str()).collect();
        for (i, label) in w.values.iter().enumerate() {
            if current.contains(&label.as_str()) {
                continue;
            }
            let next = w.values[i + 1..]
                .iter()
                .find(|n| current.contains(&n.as_str()));
            let previous = w.values[..i]
                .iter()
                .rev()
                .find(|p| current.contains(&p.as_str()));
            let (place, at) = match (next, previous) {
                (Some(n), _) => (
                    format!(" BEFORE {}", literal(n)),
                    current.iter().position(|c| c == n).unwrap_or(current.len()),
                ),
                (None, Some(p)) => (
                    format!(" AFTER {}", literal(p)),
                    current
                        .iter()
                        .position(|c| c == p)
                        .map_or(current.len(), |x| x + 1),
                ),
                (None, None) => (String::new(), current.len()),
            };
            current.insert(at, label);
            let sql = format!(
                "ALTER TYPE {} ADD VALUE {}{place};",
                h.name.sql(),
                literal(label)
            );
            self.step(phase::TYPE, path, sql);
        }
        let extra: Vec<&str> = current
            .iter()
            .filter(|c| !w.values.iter().any(|v| v == *c))
            .copied()
            .collect();
        if !extra.is_empty() {
            self.skip(
                path,
                format!(
                    "PostgreSQL cannot drop an enum label ({}): only a new type and a rewrite of every column of it can",
                    extra.join(", ")
                ),
            );
        } else if current
            .iter()
            .zip(w.values.iter())
            .any(|(a, b)| *a != b.as_str())
        {
            self.skip(
                path,
                "PostgreSQL cannot reorder an enum's labels: only a new type and a rewrite of every column of it can",
            );
        }
    }

    fn domain_property(&mut self, object: &str, property: &str, want: &str, path: &str) {
        let Some(Object::Domain(d)) = find(self.have, object) else {
            return self.skip(path, "not found in the model");
        };
        if property == "default" {
            let Some(Object::Domain(w)) = find(self.want, object) else {
                return self.skip(path, "not found in the model");
            };
            let sql = match &w.default {
                Some(e) => format!("ALTER DOMAIN {} SET DEFAULT {e};", d.name.sql()),
                None => format!("ALTER DOMAIN {} DROP DEFAULT;", d.name.sql()),
            };
            return self.step(phase::TYPE, path, sql);
        }
        if property == "not_null" {
            let sql = format!(
                "ALTER DOMAIN {} {} NOT NULL;",
                d.name.sql(),
                if want == "true" { "SET" } else { "DROP" }
            );
            return self.step(phase::TYPE, path, sql);
        }
        self.skip(
            path,
            "a domain's base type and unnamed checks are not written: change the domain by hand",
        );
    }

    fn sequence_property(&mut self, object: &str, property: &str, path: &str) {
        let (Some(Object::Sequence(h)), Some(Object::Sequence(w))) =
            (find(self.have, object), find(self.want, object))
        else {
            return self.skip(path, "not found in the model");
        };
        let sql = match property {
            // The type first: a limit may need the wider type.
            "type" => {
                let sql = format!("ALTER SEQUENCE {} AS {};", h.name.sql(), w.data_type.sql());
                return self.step(phase::SEQUENCE, path, sql);
            }
            "increment" | "min_value" | "max_value" | "start" | "cache" | "cycle" => {
                // Only this property as "want" has it.
                let mut one = h.params;
                let w = w.params;
                match property {
                    "increment" => one.increment = w.increment,
                    "min_value" => one.min_value = w.min_value,
                    "max_value" => one.max_value = w.max_value,
                    "start" => one.start = w.start,
                    "cache" => one.cache = w.cache,
                    _ => one.cycle = w.cycle,
                }
                let sql = format!(
                    "ALTER SEQUENCE {}{};",
                    h.name.sql(),
                    params_sql(&one, Some(&h.params))
                );
                return self.step(phase::SEQUENCE_PARAMS, path, sql);
            }
            "owned_by" => format!(
                "ALTER SEQUENCE {} OWNED BY {};",
                h.name.sql(),
                w.owned_by.as_ref().map_or("NONE".into(), |(t, c)| format!(
                    "{}.{}",
                    t.sql(),
                    quote_ident(c)
                ))
            ),
            _ => return self.skip(path, "no statement for this property"),
        };
        self.step(phase::OWNED_BY, path, sql);
    }
}

/// ` COLLATE "C"` for a collation named as the model holds it (`C`, `public.x`).
fn collate_sql(collation: Option<&str>) -> String {
    match collation {
        Some(c) => {
            let parts: Vec<String> = c.split('.').map(quote_ident).collect();
            format!(" COLLATE {}", parts.join("."))
        }
        None => String::new(),
    }
}

/// ` INCREMENT BY … MINVALUE … MAXVALUE … START WITH … CACHE … [NO] CYCLE`, only the
/// parameters that differ from `from` (all of them without it).
fn params_sql(
    p: &crate::model::SequenceParams,
    from: Option<&crate::model::SequenceParams>,
) -> String {
    let mut sql = String::new();
    let differs = |f: fn(&crate::model::SequenceParams) -> i64| from.is_none_or(|o| f(o) != f(p));
    if differs(|x| x.increment) {
        sql.push_str(&format!(" INCREMENT BY {}", p.increment));
    }
    if differs(|x| x.min_value) {
        sql.push_str(&format!(" MINVALUE {}", p.min_value));
    }
    if differs(|x| x.max_value) {
        sql.push_str(&format!(" MAXVALUE {}", p.max_value));
    }
    if differs(|x| x.start) {
        sql.push_str(&format!(" START WITH {}", p.start));
    }
    if differs(|x| x.cache) {
        sql.push_str(&format!(" CACHE {}", p.cache));
    }
    if from.is_none_or(|o| o.cycle != p.cycle) {
        sql.push_str(if p.cycle { " CYCLE" } else { " NO CYCLE" });
    }
    sql
}

/// The foreign keys (of any table) that depend on key `name` of `t`: they reference
/// its columns.
fn dependent_foreign_keys<'a>(
    db: &'a Database,
    t: &Table,
    name: &str,
) -> Vec<(&'a Table, &'a ForeignKey)> {
    let Some(columns) = t
        .primary_key
        .iter()
        .chain(&t.unique_constraints)
        .find(|k| k.name == name)
        .map(|k| &k.columns)
    else {
        return Vec::new();
    };
    db.foreign_keys()
        .filter(|(_, fk)| fk.references == t.name && fk.referenced_columns == *columns)
        .collect()
}

fn identity_sql(identity: Identity) -> String {
    match identity {
        Identity::Always => " GENERATED ALWAYS AS IDENTITY".into(),
        Identity::ByDefault => " GENERATED BY DEFAULT AS IDENTITY".into(),
    }
}

fn include_sql<T: AsRef<str>>(include: &[T]) -> String {
    if include.is_empty() {
        String::new()
    } else {
        format!(" INCLUDE ({})", names_sql(include))
    }
}

fn key_sql(k: &KeyConstraint, word: &str) -> String {
    format!(
        "CONSTRAINT {} {word}{} ({}){}{}",
        quote_ident(&k.name),
        if k.nulls_not_distinct {
            " NULLS NOT DISTINCT"
        } else {
            ""
        },
        names_sql(&k.columns),
        include_sql(&k.include),
        if k.deferrable { " DEFERRABLE" } else { "" }
    )
}

/// `CREATE [UNIQUE] INDEX [CONCURRENTLY] name ON table …` for `i` under `name`.
fn index_sql(i: &Index, name: &str, concurrently: bool) -> String {
    let mut sql = format!(
        "CREATE {}INDEX {}{} ON {}",
        if i.unique { "UNIQUE " } else { "" },
        if concurrently { "CONCURRENTLY " } else { "" },
        quote_ident(name),
        i.table.sql()
    );
    if i.method != "btree" {
        sql.push_str(&format!(" USING {}", i.method));
    }
    sql.push_str(&format!(" ({})", i.keys_sql()));
    sql.push_str(&include_sql(&i.include));
    if i.nulls_not_distinct {
        sql.push_str(" NULLS NOT DISTINCT");
    }
    if let Some(p) = &i.predicate {
        sql.push_str(&format!(" WHERE {p}"));
    }
    sql.push(';');
    sql
}

fn deferrable_sql(deferrable: bool, initially_deferred: bool, explicit: bool) -> String {
    match (deferrable, initially_deferred) {
        (true, true) => " DEFERRABLE INITIALLY DEFERRED".into(),
        (true, false) if explicit => " DEFERRABLE INITIALLY IMMEDIATE".into(),
        (true, false) => " DEFERRABLE".into(),
        (false, _) if explicit => " NOT DEFERRABLE".into(),
        (false, _) => String::new(),
    }
}

/// `CONSTRAINT name FOREIGN KEY (…) REFERENCES t (…) …`.
fn foreign_key_sql(fk: &ForeignKey) -> String {
    let mut sql = format!(
        "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
        quote_ident(&fk.name),
        names_sql(&fk.columns),
        fk.references.sql(),
        names_sql(&fk.referenced_columns)
    );
    match fk.match_type {
        MatchType::Full => sql.push_str(" MATCH FULL"),
        MatchType::Partial => sql.push_str(" MATCH PARTIAL"),
        MatchType::Simple => {}
    }
    if fk.on_delete != FkAction::NoAction {
        sql.push_str(&format!(" ON DELETE {}", fk.on_delete.sql()));
        if !fk.delete_set_columns.is_empty() {
            sql.push_str(&format!(" ({})", names_sql(&fk.delete_set_columns)));
        }
    }
    if fk.on_update != FkAction::NoAction {
        sql.push_str(&format!(" ON UPDATE {}", fk.on_update.sql()));
    }
    sql.push_str(&deferrable_sql(fk.deferrable, fk.initially_deferred, false));
    sql
}

fn roles_sql(roles: &[String]) -> String {
    if roles.is_empty() {
        return "PUBLIC".into();
    }
    roles
        .iter()
        .map(|r| {
            if r == "public" {
                "PUBLIC".to_string()
            } else {
                quote_ident(r)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn policy_sql(t: &Table, p: &Policy) -> String {
    let mut sql = format!(
        "CREATE POLICY {} ON {}{} FOR {} TO {}",
        quote_ident(&p.name),
        t.name.sql(),
        if p.permissive { "" } else { " AS RESTRICTIVE" },
        p.command,
        roles_sql(&p.roles)
    );
    if let Some(u) = &p.using {
        sql.push_str(&format!(" USING ({u})"));
    }
    if let Some(c) = &p.with_check {
        sql.push_str(&format!(" WITH CHECK ({c})"));
    }
    sql.push(';');
    sql
}

impl Plan {
    /// The script: a header, each statement (drops not allowed as comments), then what
    /// has no statement, as comments. `notes` are `(line of the statement text, note)`
    /// pairs from the review, put above their statement by the caller.
    pub fn script(&self, header: &[String]) -> String {
        let mut out = String::new();
        for line in header {
            out.push_str("-- ");
            out.push_str(line);
            out.push('\n');
        }
        let mut last = String::new();
        for step in &self.steps {
            if step.change != last {
                out.push_str(&format!("\n-- {}\n", step.change));
                last = step.change.clone();
            }
            if step.commented {
                out.push_str("-- needs --allow-drop: ");
                out.push_str(&step.sql.replace('\n', "\n-- "));
            } else {
                out.push_str(&step.sql);
            }
            out.push('\n');
        }
        if !self.skipped.is_empty() {
            out.push_str("\n-- No statement for:\n");
            for (change, why) in &self.skipped {
                out.push_str(&format!("--   {change}: {why}\n"));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_built_beside_fit_in_63_bytes() {
        assert_eq!(beside("orders_live"), "orders_live_dblint");
        let long = "x".repeat(63);
        assert_eq!(beside(&long).len(), 63);
        let multibyte = "é".repeat(31); // 62 bytes
        assert!(beside(&multibyte).len() <= 63);
    }

    #[test]
    fn roles_and_literals() {
        assert_eq!(roles_sql(&[]), "PUBLIC");
        assert_eq!(
            roles_sql(&["public".into(), "App".into()]),
            "PUBLIC, \"App\""
        );
        assert_eq!(literal("it's"), "'it''s'");
    }
}
