//! Comparing two models: the facts each holds ([`facts`]), the ones that differ
//! ([`differences`]), and what those differences mean for a person ([`changes`]:
//! members only one side has, renames, changed properties). `dblint diff` reports
//! [`changes`]; the parity tests (`inspect` of a database against `lint` of the SQL
//! that built it) require [`differences`] to be empty. One comparison for both, so a
//! property one source drops fails a test.

pub mod facts;
pub mod reconcile;

pub use facts::{facts, Fact, Key, Options};
use std::collections::BTreeMap;

use crate::model::Database;

/// One fact that differs: where, and each side's fact (`None`: absent there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub key: Key,
    pub left: Option<Fact>,
    pub right: Option<Fact>,
}

impl Difference {
    pub fn path(&self) -> String {
        self.key.path()
    }
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let side = |v: &Option<Fact>| {
            v.as_ref()
                .map(|f| f.shown.clone())
                .unwrap_or_else(|| "(absent)".into())
        };
        write!(
            f,
            "{}: {} ≠ {}",
            self.path(),
            side(&self.left),
            side(&self.right)
        )
    }
}

/// Every fact that differs between `left` and `right`, everything compared (column
/// order too), in key order.
pub fn differences(left: &Database, right: &Database) -> Vec<Difference> {
    differences_with(left, right, &Options::default())
}

/// Every fact that differs between `left` and `right`, in key order.
pub fn differences_with(left: &Database, right: &Database, options: &Options) -> Vec<Difference> {
    fact_differences(&facts(left, options), &facts(right, options))
}

/// The facts that differ between two fact maps, in key order.
pub fn fact_differences(a: &BTreeMap<Key, Fact>, b: &BTreeMap<Key, Fact>) -> Vec<Difference> {
    let mut keys: Vec<&Key> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| a.get(*k).map(|f| &f.value) != b.get(*k).map(|f| &f.value))
        .map(|k| Difference {
            key: k.clone(),
            left: a.get(k).cloned(),
            right: b.get(k).cloned(),
        })
        .collect()
}

/// Whether a member's name is PostgreSQL's default for it: `(object, member kind,
/// name, the member's facts)`.
pub type DefaultName = dyn Fn(&str, &str, &str, &BTreeMap<String, Fact>) -> bool;

/// What a difference means, for a person: one entry per object or member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// An object or member only one side has (`left` says which), with its facts.
    Only {
        object: String,
        member: String,
        left: bool,
        facts: BTreeMap<String, Fact>,
    },
    /// A member (or an object: then `object` is `{kind} {from}`) with another name on
    /// the right and every other fact equal.
    Renamed {
        object: String,
        kind: String,
        from: String,
        to: String,
        left: Option<crate::model::Location>,
        right: Option<crate::model::Location>,
        /// The name on either side is the one PostgreSQL gives by default
        /// (`orders_pkey`, `orders_customer_id_fkey`): a difference of name only,
        /// which `--ignore` can take as a category (`renames:default-names`).
        default_name: bool,
    },
    /// One property of an object or member both sides have.
    Changed(Difference),
}

impl Change {
    /// The object it belongs to (`table public.orders`).
    pub fn object(&self) -> &str {
        match self {
            Change::Only { object, .. } | Change::Renamed { object, .. } => object,
            Change::Changed(d) => &d.key.object,
        }
    }

    /// A path that names it: `table public.orders index idx_a` (only-one-side and
    /// renames), `table public.orders column total type` (a changed property).
    pub fn path(&self) -> String {
        match self {
            Change::Only { object, member, .. } => join(&[object, member]),
            Change::Renamed {
                object, kind, from, ..
            } => {
                let member = format!("{kind} {from}");
                if *object == member {
                    object.clone()
                } else {
                    join(&[object, &member])
                }
            }
            Change::Changed(d) => d.path(),
        }
    }

    /// The group it is listed in: `validity` for an index left invalid or a
    /// constraint not validated, `names` for a default name against another,
    /// `structure` for the rest.
    pub fn group(&self) -> &'static str {
        match self {
            Change::Changed(d) if d.key.property == "valid" || d.key.property == "validated" => {
                "validity"
            }
            Change::Renamed {
                default_name: true, ..
            } => "names",
            _ => "structure",
        }
    }
}

/// The kind of an object string (`materialized view public.x` → `materialized view`).
pub fn object_kind(object: &str) -> &str {
    [
        "materialized view",
        "table",
        "enum",
        "domain",
        "view",
        "sequence",
        "schema",
    ]
    .into_iter()
    .find(|k| object.starts_with(k) && object[k.len()..].starts_with(' '))
    .unwrap_or("")
}

fn join(parts: &[&str]) -> String {
    parts
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The differences between two fact maps as changes: an object or member that only
/// one side has is one change (not one per property); a member of a table that only
/// the left has and one only the right has, of the same kind and with every other
/// fact equal, is a rename; the rest are property changes. `default_name(object,
/// kind, name, facts)` says whether a name is the one PostgreSQL would give that
/// member by default.
pub fn changes(
    a: &BTreeMap<Key, Fact>,
    b: &BTreeMap<Key, Fact>,
    default_name: &DefaultName,
) -> Vec<Change> {
    // (object, member) → its facts, per side.
    type Members = BTreeMap<(String, String), BTreeMap<String, Fact>>;
    let group = |m: &BTreeMap<Key, Fact>| -> Members {
        let mut out: Members = BTreeMap::new();
        for (k, f) in m {
            out.entry((k.object.clone(), k.member.clone()))
                .or_default()
                .insert(k.property.clone(), f.clone());
        }
        out
    };
    let (ga, gb) = (group(a), group(b));
    let objects_a: std::collections::BTreeSet<&String> = ga.keys().map(|(o, _)| o).collect();
    let objects_b: std::collections::BTreeSet<&String> = gb.keys().map(|(o, _)| o).collect();
    let mut out = Vec::new();
    // Objects only one side has, of one kind and with every fact equal (members and
    // their properties, by name): a renamed object.
    let whole = |g: &Members, o: &str| -> BTreeMap<(String, String), String> {
        g.range((o.to_string(), String::new())..)
            .take_while(|((obj, _), _)| obj == o)
            .flat_map(|((_, m), facts)| {
                facts
                    .iter()
                    .map(move |(p, f)| ((m.clone(), p.clone()), f.value.clone()))
            })
            .collect()
    };
    let mut renamed_objects: Vec<(&String, &String)> = Vec::new();
    for o in objects_a.difference(&objects_b) {
        let kind = object_kind(o);
        if kind.is_empty() || kind == "schema" {
            continue;
        }
        let facts_a = whole(&ga, o);
        let twin = objects_b.difference(&objects_a).find(|n| {
            object_kind(n) == kind
                && !renamed_objects.iter().any(|(_, r)| r == *n)
                && whole(&gb, n) == facts_a
        });
        if let Some(n) = twin {
            renamed_objects.push((o, n));
            let location = |g: &Members, o: &str| {
                g.get(&(o.to_string(), String::new()))
                    .and_then(|f| f.values().find_map(|f| f.location.clone()))
            };
            out.push(Change::Renamed {
                object: (*o).clone(),
                kind: kind.to_string(),
                from: o[kind.len() + 1..].to_string(),
                to: n[kind.len() + 1..].to_string(),
                left: location(&ga, o),
                right: location(&gb, n),
                default_name: false,
            });
        }
    }
    // Objects only one side has: one change each.
    for (side_left, objects, other, g) in [
        (true, &objects_a, &objects_b, &ga),
        (false, &objects_b, &objects_a, &gb),
    ] {
        for o in objects.difference(other) {
            if renamed_objects
                .iter()
                .any(|(a, b)| if side_left { a == o } else { b == o })
            {
                continue;
            }
            let facts = g
                .get(&((*o).clone(), String::new()))
                .cloned()
                .unwrap_or_default();
            out.push(Change::Only {
                object: (*o).clone(),
                member: String::new(),
                left: side_left,
                facts,
            });
        }
    }
    // Members of objects both sides have.
    for o in objects_a.intersection(&objects_b) {
        let members = |g: &Members| -> Vec<String> {
            g.range(((*o).clone(), String::new())..)
                .take_while(|((obj, _), _)| obj == *o)
                .map(|((_, m), _)| m.clone())
                .filter(|m| !m.is_empty())
                .collect()
        };
        let (ma, mb) = (members(&ga), members(&gb));
        let only_a: Vec<&String> = ma.iter().filter(|m| !mb.contains(m)).collect();
        let only_b: Vec<&String> = mb.iter().filter(|m| !ma.contains(m)).collect();
        let mut renamed_b: Vec<&String> = Vec::new();
        for m in &only_a {
            let fa = &ga[&((*o).clone(), (*m).clone())];
            let kind = facts::member_kind(m);
            let twin = only_b.iter().find(|n| {
                !renamed_b.contains(n)
                    && facts::member_kind(n) == kind
                    && same_values(fa, &gb[&((*o).clone(), (**n).clone())])
            });
            match twin {
                Some(n) if !kind.is_empty() => {
                    renamed_b.push(n);
                    let from = facts::member_name(m).to_string();
                    let to = facts::member_name(n).to_string();
                    let fb = &gb[&((*o).clone(), (**n).clone())];
                    let default =
                        default_name(o, kind, &from, fa) || default_name(o, kind, &to, fb);
                    out.push(Change::Renamed {
                        object: (*o).clone(),
                        kind: kind.to_string(),
                        left: fa.values().find_map(|f| f.location.clone()),
                        right: gb[&((*o).clone(), (**n).clone())]
                            .values()
                            .find_map(|f| f.location.clone()),
                        from,
                        to,
                        default_name: default,
                    });
                }
                _ if is_constraint_index(m, &only_a) => {}
                _ => out.push(Change::Only {
                    object: (*o).clone(),
                    member: (*m).clone(),
                    left: true,
                    facts: fa.clone(),
                }),
            }
        }
        for n in only_b
            .iter()
            .filter(|n| !renamed_b.contains(n) && !is_constraint_index(n, &only_b))
        {
            out.push(Change::Only {
                object: (*o).clone(),
                member: (*n).clone(),
                left: false,
                facts: gb[&((*o).clone(), (**n).clone())].clone(),
            });
        }
    }
    // A reference to a renamed table that names it by its new name is the rename
    // itself, not another difference (a foreign key's target, a sequence's owner, a
    // partition's parent).
    let tables: Vec<(String, String)> = renamed_objects
        .iter()
        .filter(|(o, _)| object_kind(o) == "table")
        .map(|(o, n)| {
            (
                o["table ".len()..].to_string(),
                n["table ".len()..].to_string(),
            )
        })
        .collect();
    let follows_rename = |d: &Difference| {
        let (Some(l), Some(r)) = (&d.left, &d.right) else {
            return false;
        };
        tables
            .iter()
            .any(|(from, to)| match d.key.property.as_str() {
                "references" | "partition_of" => l.value == *from && r.value == *to,
                "owned_by" => l
                    .value
                    .strip_prefix(from.as_str())
                    .zip(r.value.strip_prefix(to.as_str()))
                    .is_some_and(|(a, b)| a == b && a.starts_with('.')),
                _ => false,
            })
    };
    // Properties of members (and objects) both sides have.
    for d in fact_differences(a, b) {
        if follows_rename(&d) {
            continue;
        }
        let both = |g: &Members| g.contains_key(&(d.key.object.clone(), d.key.member.clone()));
        if both(&ga) && both(&gb) && d.left.is_some() && d.right.is_some() {
            out.push(Change::Changed(d));
        } else if both(&ga) && both(&gb) {
            // A property one side has and the other lacks (column order without
            // --strict on one side only cannot happen; kept for completeness).
            out.push(Change::Changed(d));
        }
    }
    out.sort_by(|x, y| (x.object(), x.path(), x.group()).cmp(&(y.object(), y.path(), y.group())));
    out
}

/// `index X` where the same side also has a key or exclusion constraint `X` only it
/// has: the constraint's own index, reported with the constraint.
fn is_constraint_index(member: &str, only: &[&String]) -> bool {
    let Some(name) = member.strip_prefix("index ") else {
        return false;
    };
    ["primary key", "unique", "exclusion"]
        .iter()
        .any(|kind| only.iter().any(|m| **m == format!("{kind} {name}")))
}

fn same_values(a: &BTreeMap<String, Fact>, b: &BTreeMap<String, Fact>) -> bool {
    a.len() == b.len()
        && a.iter()
            .all(|(p, f)| b.get(p).is_some_and(|g| g.value == f.value))
}
