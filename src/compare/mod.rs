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
    // Both maps are in key order: one pass over each.
    let mut out = Vec::new();
    let (mut x, mut y) = (a.iter().peekable(), b.iter().peekable());
    loop {
        let (left, right) = match (x.peek(), y.peek()) {
            (None, None) => break,
            (Some((ka, _)), Some((kb, _))) if ka == kb => (x.next(), y.next()),
            (Some((ka, _)), Some((kb, _))) if ka < kb => (x.next(), None),
            (Some(_), None) => (x.next(), None),
            _ => (None, y.next()),
        };
        let key = left.or(right).map(|(k, _)| k);
        let (l, r) = (left.map(|(_, f)| f), right.map(|(_, f)| f));
        let unread = |f: Option<&Fact>| f.is_some_and(|f| f.value == facts::NOT_READ);
        if l.is_some() && r.is_some() && (unread(l) || unread(r)) {
            continue;
        }
        if l.map(|f| &f.value) != r.map(|f| &f.value) {
            if let Some(key) = key {
                out.push(Difference {
                    key: key.clone(),
                    left: l.cloned(),
                    right: r.cloned(),
                });
            }
        }
    }
    out
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
    let owned = |facts: &BTreeMap<&str, &Fact>| -> BTreeMap<String, Fact> {
        facts
            .iter()
            .map(|(p, f)| (p.to_string(), (*f).clone()))
            .collect()
    };
    let (ga, gb) = (group(a), group(b));
    let objects_a: std::collections::BTreeSet<&str> = ga.keys().map(|(o, _)| *o).collect();
    let objects_b: std::collections::BTreeSet<&str> = gb.keys().map(|(o, _)| *o).collect();
    let mut out = Vec::new();
    // Objects only one side has, of one kind and with every fact equal (members and
    // their properties, by name): a renamed object.
    let whole = |g: &Members, o: &str| -> BTreeMap<(String, String), String> {
        g.range((o, "")..)
            .take_while(|((obj, _), _)| *obj == o)
            .flat_map(|((_, m), facts)| {
                facts
                    .iter()
                    .map(move |(p, f)| ((m.to_string(), p.to_string()), f.value.clone()))
            })
            .collect()
    };
    let mut renamed_objects: Vec<(&str, &str)> = Vec::new();
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
                g.get(&(o, ""))
                    .and_then(|f| f.values().find_map(|f| f.location.clone()))
            };
            out.push(Change::Renamed {
                object: o.to_string(),
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
            let facts = g.get(&(*o, "")).map(owned).unwrap_or_default();
            out.push(Change::Only {
                object: o.to_string(),
                member: String::new(),
                left: side_left,
                facts,
            });
        }
    }
    // Members of objects both sides have.
    for o in objects_a.intersection(&objects_b) {
        let o: &str = o;
        let members = |g: &Members<'_>| -> Vec<String> {
            g.range((o, "")..)
                .take_while(|((obj, _), _)| *obj == o)
                .map(|((_, m), _)| m.to_string())
                .filter(|m| !m.is_empty())
                .collect()
        };
        let (ma, mb) = (members(&ga), members(&gb));
        if ma == mb {
            continue;
        }
        let only_a: Vec<&String> = ma.iter().filter(|m| !mb.contains(m)).collect();
        let only_b: Vec<&String> = mb.iter().filter(|m| !ma.contains(m)).collect();
        let mut renamed_b: Vec<&String> = Vec::new();
        for m in &only_a {
            let fa = &ga[&(o, m.as_str())];
            let kind = facts::member_kind(m);
            let twin = only_b.iter().find(|n| {
                !renamed_b.contains(n)
                    && facts::member_kind(n) == kind
                    && same_values(fa, &gb[&(o, n.as_str())])
            });
            match twin {
                Some(n) if !kind.is_empty() => {
                    renamed_b.push(n);
                    let from = facts::member_name(m).to_string();
                    let to = facts::member_name(n).to_string();
                    let fb = &gb[&(o, n.as_str())];
                    let default = default_name(o, kind, &from, &owned(fa))
                        || default_name(o, kind, &to, &owned(fb));
                    out.push(Change::Renamed {
                        object: o.to_string(),
                        kind: kind.to_string(),
                        left: fa.values().find_map(|f| f.location.clone()),
                        right: fb.values().find_map(|f| f.location.clone()),
                        from,
                        to,
                        default_name: default,
                    });
                }
                _ if is_constraint_index(m, &only_a) => {}
                _ => out.push(Change::Only {
                    object: o.to_string(),
                    member: (*m).clone(),
                    left: true,
                    facts: owned(fa),
                }),
            }
        }
        for n in only_b
            .iter()
            .filter(|n| !renamed_b.contains(n) && !is_constraint_index(n, &only_b))
        {
            out.push(Change::Only {
                object: o.to_string(),
                member: (*n).clone(),
                left: false,
                facts: owned(&gb[&(o, n.as_str())]),
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
        let both = |g: &Members| g.contains_key(&(d.key.object.as_str(), d.key.member.as_str()));
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

/// (object, member) → its facts, borrowed from a fact map (a large schema has
/// millions of facts: copying them cost more than comparing them).
type Members<'a> = BTreeMap<(&'a str, &'a str), MemberFacts<'a>>;

/// One member's facts by property, borrowed.
type MemberFacts<'a> = BTreeMap<&'a str, &'a Fact>;

fn group(m: &BTreeMap<Key, Fact>) -> Members<'_> {
    let mut out: Vec<((&str, &str), MemberFacts)> = Vec::new();
    for (k, f) in m {
        let at = (k.object.as_str(), k.member.as_str());
        match out.last_mut() {
            Some((last, facts)) if *last == at => {
                facts.insert(k.property.as_str(), f);
            }
            _ => out.push((at, BTreeMap::from([(k.property.as_str(), f)]))),
        }
    }
    // In key order already: built in bulk.
    out.into_iter().collect()
}

fn same_values(a: &BTreeMap<&str, &Fact>, b: &BTreeMap<&str, &Fact>) -> bool {
    a.len() == b.len()
        && a.iter()
            .all(|(p, f)| b.get(p).is_some_and(|g| g.value == f.value))
}
