//! `ALTER COLUMN ... TYPE`: whether PostgreSQL rewrites the table, and if not, whether
//! it still scans it, decided the way the server does (`tablecmds.c`,
//! `ATPrepAlterColumnType` and `ATColumnChangeRequiresRewrite`).
//!
//! The server builds the transform expression (the `USING` expression, or the column
//! itself), coerces it to the new type, simplifies it with the planner, and rewrites
//! the table unless what is left is the column itself under:
//!
//! - `RelabelType` nodes: binary-coercible casts (`pg_cast.castmethod = 'b'`, read from
//!   the catalog of every supported major into `binary_casts.tsv` by
//!   `scripts/pg-casts.sh`), a domain to its base type, a typmod to none;
//! - length coercions the planner's support functions drop (`varchar_support`,
//!   `numeric_support`, `varbit_support`, `timestamp_support` and `time_support`
//!   through `TemporalSimplify`): a longer `varchar` or `varbit`, `numeric` with more
//!   precision and the same scale, a `timestamp`/`time` precision that loses nothing;
//! - `CoerceToDomain` of a domain without constraints (CHECK or NOT NULL: with one,
//!   the table is rewritten);
//! - `timestamp` ↔ `timestamptz` (PostgreSQL 12 and later) when the session's TimeZone
//!   has a UTC offset of 0 and no other, ever.
//!
//! Without a rewrite, the indexes on the column are rebuilt (the table scanned) unless
//! `CheckIndexCompatible` finds them compatible: no expression or predicate, valid,
//! the same operator class for the new type; and the CHECK constraints on the column
//! are re-added and validated again (a scan). Checked against the server by
//! `dblint trace` on 12 to 18 (tests/trace_differential.rs and the
//! `alter-column-type-rewrite` fixtures).

use super::statement::Using;
use crate::model::{DataType, Database, IndexKey, Name, Table};

/// `binary_casts.tsv`: `source<TAB>target<TAB>castcontext<TAB>first major` per line,
/// `#` comments; written by `scripts/pg-casts.sh` from `pg_cast` of PostgreSQL 12-18.
const BINARY_CASTS: &str = include_str!("binary_casts.tsv");

/// Whether `pg_cast` of PostgreSQL `pg_version` has a binary-coercible cast from
/// `source` to `target` usable in this context (an explicit cast may use every cast;
/// an assignment, as `ALTER COLUMN TYPE` without USING, only `i` and `a` ones).
fn binary_cast(source: &str, target: &str, explicit: bool, pg_version: u32) -> bool {
    BINARY_CASTS
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut f = l.split('\t');
            Some((
                f.next()?,
                f.next()?,
                f.next()?,
                f.next()?.parse::<u32>().ok()?,
            ))
        })
        .any(|(s, t, context, since)| {
            s == source
                && t == target
                && pg_version >= since
                && (explicit || matches!(context, "i" | "a"))
        })
}

/// Why a type change rewrites the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rewrite {
    /// A conversion function runs on every value (`integer` to `bigint`, a shorter
    /// length, `text` to an enum, an array's elements).
    Conversion,
    /// The `USING` expression is more than the column and casts that change nothing.
    Using,
    /// The new type is a domain with constraints (CHECK or NOT NULL): the server
    /// rewrites to check every value.
    DomainConstraints(String),
    /// `timestamp` ↔ `timestamptz`: free only when the session's TimeZone is UTC.
    /// `known`: the file set the TimeZone (to a zone with another offset); otherwise
    /// the server's default decides, which dblint does not know.
    TimeZone { known: bool },
}

/// What the server does to the table for one `ALTER COLUMN ... TYPE`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TypeChange {
    pub rewrite: Option<Rewrite>,
    /// Without a rewrite: indexes rebuilt (each build scans the table).
    pub rebuilt_indexes: Vec<Name>,
    /// Without a rewrite: validated CHECK constraints on the column, checked again.
    pub rechecked: Vec<Name>,
}

impl TypeChange {
    pub fn rewrites(&self) -> bool {
        self.rewrite.is_some()
    }

    pub fn scans(&self) -> bool {
        self.rewrite.is_none() && !(self.rebuilt_indexes.is_empty() && self.rechecked.is_empty())
    }
}

/// One coercion step's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    NoOp,
    Rewrite(Rewrite),
}

/// `column` of `table` changed to `to` (`using` as written). `utc`: whether the
/// session's TimeZone has a UTC offset of 0 (`None`: unknown).
pub fn analyze(
    db: &Database,
    table: &Table,
    column: &str,
    to: &DataType,
    using: &Using,
    pg_version: u32,
    utc: Option<bool>,
) -> Option<TypeChange> {
    let from = &table.column(column)?.data_type;
    let ctx = Ctx {
        db,
        pg_version,
        utc,
    };
    let step = match using {
        Using::Column => ctx.coerce(from, to, false),
        Using::Casts(casts) => {
            let mut current = from.clone();
            let mut step = Step::NoOp;
            for cast in casts {
                if step == Step::NoOp {
                    step = ctx.coerce(&current, &cast.data_type, true);
                }
                current = cast.data_type.clone();
            }
            if step == Step::NoOp {
                step = ctx.coerce(&current, to, false);
            }
            step
        }
        Using::Other(_) => Step::Rewrite(Rewrite::Using),
    };
    let mut out = TypeChange::default();
    match step {
        Step::Rewrite(why) => out.rewrite = Some(why),
        Step::NoOp => {
            let (old_base, _) = ctx.base(from);
            let (new_base, _) = ctx.base(to);
            let class_changes = index_class(&old_base) != index_class(&new_base);
            let mentions = |e: &str| super::parse::mentions_column(e, column);
            for index in &table.indexes {
                let on_column = index.keys.iter().any(|k| match &k.key {
                    IndexKey::Column(c) => c.as_str() == column,
                    IndexKey::Expression(e) => mentions(e),
                });
                let in_predicate = index.predicate.as_deref().is_some_and(mentions);
                if !(on_column || in_predicate) {
                    continue;
                }
                let expression = index
                    .keys
                    .iter()
                    .any(|k| matches!(&k.key, IndexKey::Expression(e) if mentions(e)));
                let plain_key_changes = class_changes
                    && index.keys.iter().any(|k| {
                        k.opclass.is_none()
                            && matches!(&k.key, IndexKey::Column(c) if c.as_str() == column)
                    });
                if expression || index.predicate.is_some() || !index.valid || plain_key_changes {
                    out.rebuilt_indexes.push(index.name.name.clone());
                }
            }
            out.rechecked = table
                .checks
                .iter()
                .filter(|c| c.validated && mentions(&c.expression))
                .map(|c| c.name.clone())
                .collect();
        }
    }
    Some(out)
}

/// The input type of a type's default operator class, as far as it tells two
/// classes apart: `varchar` uses `text`'s, `cidr` `inet`'s (`pg_opclass`).
fn index_class(t: &DataType) -> (&str, u32) {
    let name = match t.name.as_str() {
        "character varying" => "text",
        "cidr" => "inet",
        other => other,
    };
    (name, t.array_dims)
}

struct Ctx<'a> {
    db: &'a Database,
    pg_version: u32,
    utc: Option<bool>,
}

impl Ctx<'_> {
    /// A domain (not an array of one) resolved to its base type, with the name of the
    /// first domain on the way that has constraints (its own or inherited).
    fn base(&self, t: &DataType) -> (DataType, Option<String>) {
        match (t.array_dims == 0).then(|| self.db.domain_for(t)).flatten() {
            Some(domain) => {
                let (base, constrained) = self.db.domain_base(domain);
                (base, constrained.map(|d| d.name.to_string()))
            }
            None => (t.clone(), None),
        }
    }

    /// Coerce an expression of type `from` (with its typmod) to `to`, as
    /// `coerce_to_target_type` and the planner do.
    fn coerce(&self, from: &DataType, to: &DataType, explicit: bool) -> Step {
        // The same type (a domain too) and typmod: nothing to coerce.
        if same_type(from, to) {
            return Step::NoOp;
        }
        // A domain's value is its base type's, relabeled.
        let (from, _) = self.base(from);
        let (target, constrained) = self.base(to);
        if same_type(&from, to) {
            return Step::NoOp;
        }
        let step = self.coerce_base(&from, &target, explicit);
        match (step, constrained) {
            (Step::NoOp, Some(domain)) => Step::Rewrite(Rewrite::DomainConstraints(domain)),
            (step, _) => step,
        }
    }

    fn coerce_base(&self, from: &DataType, to: &DataType, explicit: bool) -> Step {
        let same_type = same_name(from, to);
        if from.array_dims > 0 || to.array_dims > 0 {
            // Arrays: an ArrayCoerceExpr, which ATColumnChangeRequiresRewrite does not
            // look through, unless the type stays and its typmod goes.
            let free = same_type
                && from.array_dims == to.array_dims
                && (to.modifiers.is_empty() || to.modifiers == from.modifiers);
            return if free {
                Step::NoOp
            } else {
                Step::Rewrite(Rewrite::Conversion)
            };
        }
        let old_typmod: &[i64] = if same_type {
            &from.modifiers
        } else {
            let timestamps = matches!(
                (from.name.as_str(), to.name.as_str()),
                ("timestamp without time zone", "timestamp with time zone")
                    | ("timestamp with time zone", "timestamp without time zone")
            ) && from.schema.is_none()
                && to.schema.is_none();
            if timestamps {
                if self.pg_version < 12 || self.utc != Some(true) {
                    return Step::Rewrite(Rewrite::TimeZone {
                        known: self.utc.is_some(),
                    });
                }
            } else if from.schema.is_some()
                || to.schema.is_some()
                || !binary_cast(&from.name, &to.name, explicit, self.pg_version)
            {
                return Step::Rewrite(Rewrite::Conversion);
            }
            // After a relabel or a conversion function the typmod is unknown (-1).
            &[]
        };
        if length_coercion_is_noop(&to.name, old_typmod, &to.modifiers) {
            Step::NoOp
        } else {
            Step::Rewrite(Rewrite::Conversion)
        }
    }
}

/// Whether two types are the same type: a type written unqualified (the new type of
/// `ALTER COLUMN … TYPE`, a cast) matches the replayed one in any schema.
fn same_name(a: &DataType, b: &DataType) -> bool {
    a.name == b.name && (a.schema == b.schema || a.schema.is_none() || b.schema.is_none())
}

/// The same type with the same typmod and array dimensions.
fn same_type(a: &DataType, b: &DataType) -> bool {
    same_name(a, b) && a.modifiers == b.modifiers && a.array_dims == b.array_dims
}

/// Whether coercing a value of typmod `old` (empty: -1) to typmod `new` of type
/// `name` leaves it as it is: no typmod, the same one, or one the type's length
/// coercion's planner support function drops.
fn length_coercion_is_noop(name: &str, old: &[i64], new: &[i64]) -> bool {
    if new.is_empty() || old == new {
        return true;
    }
    match name {
        // varchar_support, varbit_support: a longer maximum.
        "character varying" | "bit varying" => !old.is_empty() && new[0] >= old[0],
        // numeric_support: the same scale, at least the precision.
        "numeric" => {
            let scale = |m: &[i64]| m.get(1).copied().unwrap_or(0);
            !old.is_empty() && new[0] >= old[0] && scale(new) == scale(old)
        }
        // TemporalSimplify: the maximum precision (6), or at least the old one.
        "timestamp without time zone"
        | "timestamp with time zone"
        | "time without time zone"
        | "time with time zone" => new[0] >= 6 || (!old.is_empty() && old[0] <= new[0]),
        // bpchar, bit and the rest have no support function: the coercion runs.
        _ => false,
    }
}

/// Whether changing `from` to `to` (no USING) needs no rewrite, on the newest server
/// with an unknown TimeZone; tables and domains are not consulted.
pub fn binary_coercible(from: &DataType, to: &DataType) -> bool {
    let db = Database::default();
    let ctx = Ctx {
        db: &db,
        pg_version: u32::MAX,
        utc: None,
    };
    ctx.coerce(from, to, false) == Step::NoOp
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(name: &str, mods: &[i64]) -> DataType {
        DataType::from_sql_name(None, name, mods.to_vec(), 0).0
    }

    #[test]
    fn casts_file_is_read() {
        assert!(binary_cast("character varying", "text", false, 12));
        assert!(binary_cast("cidr", "inet", false, 18));
        assert!(!binary_cast("integer", "bigint", true, 18));
        assert!(!binary_cast("integer", "regcollation", false, 12));
        assert!(binary_cast("integer", "regcollation", false, 13));
    }

    #[test]
    fn domains_and_enums_by_name() {
        let (db, _) = crate::source::sql::database_from_sql(
            "CREATE DOMAIN checked AS text CHECK (VALUE <> '');
             CREATE DOMAIN plain AS text;
             CREATE TYPE mood AS ENUM ('ok');
             CREATE TABLE t (a checked, b mood, c text, d plain);",
        );
        let table = db.tables.values().next().unwrap();
        let change = |column: &str, to: &str| {
            analyze(&db, table, column, &t(to, &[]), &Using::Column, 18, None)
                .unwrap()
                .rewrite
        };
        assert_eq!(change("a", "checked"), None);
        assert_eq!(change("b", "mood"), None);
        assert_eq!(change("a", "text"), None);
        assert_eq!(change("d", "text"), None);
        assert_eq!(change("c", "plain"), None);
        assert_eq!(
            change("c", "checked"),
            Some(Rewrite::DomainConstraints("public.checked".into()))
        );
        assert_eq!(change("b", "text"), Some(Rewrite::Conversion));
        assert_eq!(
            change("c", "timestamptz"),
            Some(Rewrite::Conversion),
            "text to timestamptz"
        );
    }

    #[test]
    fn coercible_changes() {
        assert!(binary_coercible(&t("varchar", &[20]), &t("varchar", &[40])));
        assert!(binary_coercible(&t("varchar", &[20]), &t("text", &[])));
        assert!(binary_coercible(
            &t("numeric", &[10, 2]),
            &t("numeric", &[12, 2])
        ));
        assert!(binary_coercible(
            &t("numeric", &[10, 2]),
            &t("numeric", &[])
        ));
        assert!(binary_coercible(&t("time", &[3]), &t("time", &[6])));
        assert!(binary_coercible(
            &t("timestamp", &[]),
            &t("timestamp", &[6])
        ));
        assert!(binary_coercible(&t("varbit", &[5]), &t("varbit", &[10])));
        assert!(!binary_coercible(
            &t("varchar", &[40]),
            &t("varchar", &[20])
        ));
        assert!(!binary_coercible(&t("text", &[]), &t("varchar", &[20])));
        assert!(!binary_coercible(&t("int4", &[]), &t("int8", &[])));
        assert!(!binary_coercible(
            &t("numeric", &[10, 2]),
            &t("numeric", &[12, 3])
        ));
        assert!(!binary_coercible(&t("bpchar", &[10]), &t("bpchar", &[20])));
        assert!(!binary_coercible(
            &t("timestamp", &[]),
            &t("timestamp", &[3])
        ));
        assert!(!binary_coercible(
            &t("timestamp", &[]),
            &t("timestamptz", &[])
        ));
        assert!(!binary_coercible(&t("bit", &[5]), &t("varbit", &[10])));
    }
}
