//! The evidence a verdict of `tests/corpus/verdicts.toml` may rest on instead of a
//! list of findings: a fact checked, for each finding it judges, against PostgreSQL
//! itself. The set is applied to a database of PostgreSQL 18 (as its tool sends it)
//! and traced there with `dblint trace`; a check reads that database's catalog, or
//! what the server did at the finding's statement, never dblint's model. A finding
//! whose evidence does not hold is not judged by the entry, so a wrong finding of a
//! rule cannot be "true" by construction.
//!
//! Each check returns `Err(what PostgreSQL shows instead)` when the fact does not hold.

use super::common::claims::{check_claim, strength};
use super::Finding;
use std::collections::BTreeMap;

/// What PostgreSQL shows of one set: the catalog after it is applied, and the trace of
/// its statements by (file, line).
pub struct SetEvidence {
    pub catalog: postgres::Client,
    pub statements: BTreeMap<(String, u64), serde_json::Value>,
}

/// The checks, by the name a verdict uses, and what each establishes.
pub const CHECKS: &[(&str, &str)] = &[
    (
        "timestamp-without-time-zone",
        "catalog: every column named is `timestamp without time zone` (or an array of it)",
    ),
    (
        "varchar-without-length",
        "catalog: every column named is `character varying` with no length (or an array of it)",
    ),
    ("json-type", "catalog: every column named is `json` (or json[])"),
    (
        "sequence-default",
        "catalog: the column is no identity column and its default calls nextval()",
    ),
    (
        "no-primary-key",
        "catalog: the relation is a table (plain or partitioned) with no PRIMARY KEY constraint",
    ),
    (
        "fk-without-leading-index",
        "catalog: the foreign key exists, and no valid, non-partial index of the table has its columns (in any order) as its leading key columns",
    ),
    (
        "same-index",
        "catalog: both indexes are valid, on the table, of one access method and predicate, with the same key columns, operator classes and collations, each key's order the same (or, for btree, every key's reversed)",
    ),
    (
        "prefix-index",
        "catalog: the first index is valid and not unique, the second valid, of one access method and predicate, and the first's keys (columns or expressions, operator classes, collations, orders; for btree all reversed counts) are the second's leading keys",
    ),
    (
        "quoted-mixed-case",
        "catalog: the relation exists and its name or a column's name has upper-case letters",
    ),
    (
        "free-text-without-check",
        "catalog: every column named is of a string base type (text, varchar, char; not an enum or domain) and no CHECK constraint of the table reads it",
    ),
    (
        "name-over-63-bytes",
        "the identifier the finding quotes is longer than 63 bytes (NAMEDATALEN - 1), as many bytes as it says",
    ),
    (
        "claim-observed",
        "trace: the statement ran, PostgreSQL took the lock the finding claims (or a stronger one) on a relation that existed before the transaction, and did the scan or rewrite it claims",
    ),
    (
        "no-lock-timeout",
        "trace: the session's lock_timeout was 0 when the statement ran",
    ),
    (
        "lock-held",
        "trace: when the statement ran, the transaction already held the lock the finding names (or a stronger one) on its table, which existed before the transaction, and the statement scanned or rewrote a table",
    ),
];

pub fn known(name: &str) -> bool {
    CHECKS.iter().any(|(n, _)| *n == name)
}

/// Whether the fact `name` holds for finding `f` of the set `ev` shows.
pub fn check(name: &str, f: &Finding, ev: &mut SetEvidence) -> Result<(), String> {
    match name {
        "timestamp-without-time-zone" => column_types(f, ev, |t| {
            let t = t.trim_end_matches("[]");
            t.starts_with("timestamp") && t.ends_with("without time zone")
        }),
        "varchar-without-length" => column_types(f, ev, |t| {
            t == "character varying" || t == "character varying[]"
        }),
        "json-type" => column_types(f, ev, |t| t == "json" || t == "json[]"),
        "sequence-default" => sequence_default(f, ev),
        "no-primary-key" => no_primary_key(f, ev),
        "fk-without-leading-index" => fk_without_leading_index(f, ev),
        "same-index" => same_index(f, ev),
        "prefix-index" => prefix_index(f, ev),
        "quoted-mixed-case" => quoted_mixed_case(f, ev),
        "free-text-without-check" => free_text_without_check(f, ev),
        "name-over-63-bytes" => name_over_63_bytes(f),
        "claim-observed" => claim_observed(f, ev),
        "no-lock-timeout" => {
            let s = statement(f, ev)?;
            match s["observed"]["lock_timeout"].as_str() {
                Some("0") => Ok(()),
                other => Err(format!("lock_timeout was {other:?}")),
            }
        }
        "lock-held" => lock_held(f, ev),
        other => Err(format!("no check named `{other}`")),
    }
}

/// (schema, relation) of the finding's table.
fn table(f: &Finding) -> Result<(String, String), String> {
    let t = f.table.as_deref().ok_or("the finding names no table")?;
    let (schema, name) = t
        .split_once('.')
        .ok_or("the table is not schema-qualified")?;
    Ok((schema.to_string(), name.to_string()))
}

fn column_types(
    f: &Finding,
    ev: &mut SetEvidence,
    ok: impl Fn(&str) -> bool,
) -> Result<(), String> {
    let (schema, rel) = table(f)?;
    if f.columns.is_empty() {
        return Err("the finding names no column".into());
    }
    for column in &f.columns {
        let row = ev
            .catalog
            .query_opt(
                "SELECT pg_catalog.format_type(a.atttypid, a.atttypmod) \
                 FROM pg_catalog.pg_attribute a \
                 JOIN pg_catalog.pg_class c ON c.oid = a.attrelid \
                 JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
                 WHERE n.nspname = $1 AND c.relname = $2 AND a.attname = $3 \
                 AND NOT a.attisdropped AND a.attnum > 0",
                &[&schema, &rel, column],
            )
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("no column {rel}.{column} in the catalog"))?;
        let ty: String = row.get(0);
        if !ok(&ty) {
            return Err(format!("{rel}.{column} is {ty}"));
        }
    }
    Ok(())
}

fn sequence_default(f: &Finding, ev: &mut SetEvidence) -> Result<(), String> {
    let (schema, rel) = table(f)?;
    let column = f.columns.first().ok_or("the finding names no column")?;
    let row = ev
        .catalog
        .query_opt(
            "SELECT a.attidentity::text, pg_catalog.pg_get_expr(d.adbin, d.adrelid) \
             FROM pg_catalog.pg_attribute a \
             JOIN pg_catalog.pg_class c ON c.oid = a.attrelid \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
             WHERE n.nspname = $1 AND c.relname = $2 AND a.attname = $3 AND NOT a.attisdropped",
            &[&schema, &rel, column],
        )
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no column {rel}.{column} in the catalog"))?;
    let identity: String = row.get(0);
    let default: Option<String> = row.get(1);
    if !identity.is_empty() {
        return Err(format!("{rel}.{column} is an identity column"));
    }
    match default {
        Some(d) if d.starts_with("nextval(") => Ok(()),
        Some(d) => Err(format!("{rel}.{column} defaults to {d}")),
        None => Err(format!("{rel}.{column} has no default")),
    }
}

fn no_primary_key(f: &Finding, ev: &mut SetEvidence) -> Result<(), String> {
    let (schema, rel) = table(f)?;
    let row = ev
        .catalog
        .query_opt(
            "SELECT c.relkind::text, EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k \
               WHERE k.conrelid = c.oid AND k.contype = 'p') \
             FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = $1 AND c.relname = $2",
            &[&schema, &rel],
        )
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no relation {schema}.{rel}"))?;
    let kind: String = row.get(0);
    let has_pk: bool = row.get(1);
    match (kind.as_str(), has_pk) {
        ("r" | "p", false) => Ok(()),
        ("r" | "p", true) => Err(format!("{rel} has a primary key")),
        (k, _) => Err(format!("{rel} is of relkind {k}, not a table")),
    }
}

/// The name after `<table>.` in the finding's object (a constraint or index name).
fn member(f: &Finding) -> Result<String, String> {
    let t = f.table.as_deref().ok_or("the finding names no table")?;
    f.object
        .strip_prefix(&format!("{t}."))
        .map(str::to_string)
        .ok_or_else(|| format!("object {} is not under {t}", f.object))
}

fn fk_without_leading_index(f: &Finding, ev: &mut SetEvidence) -> Result<(), String> {
    let (schema, rel) = table(f)?;
    let name = member(f)?;
    let row = ev
        .catalog
        .query_opt(
            "SELECT k.conkey, \
               EXISTS (SELECT 1 FROM pg_catalog.pg_index i \
                 WHERE i.indrelid = k.conrelid AND i.indisvalid AND i.indpred IS NULL \
                 AND i.indnkeyatts >= pg_catalog.cardinality(k.conkey) \
                 AND (SELECT pg_catalog.array_agg(u.x ORDER BY u.x) \
                      FROM pg_catalog.unnest(i.indkey::int2[]) WITH ORDINALITY u(x, o) \
                      WHERE u.o <= pg_catalog.cardinality(k.conkey)) \
                   = (SELECT pg_catalog.array_agg(y ORDER BY y) FROM pg_catalog.unnest(k.conkey) y)) \
             FROM pg_catalog.pg_constraint k \
             JOIN pg_catalog.pg_class c ON c.oid = k.conrelid \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = $1 AND c.relname = $2 AND k.conname = $3 AND k.contype = 'f'",
            &[&schema, &rel, &name],
        )
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no foreign key {name} on {rel}"))?;
    let covered: bool = row.get(1);
    if covered {
        return Err(format!("an index of {rel} leads with {name}'s columns"));
    }
    Ok(())
}

/// One index as the catalog has it.
struct Index {
    table: String,
    valid: bool,
    unique: bool,
    method: String,
    predicate: Option<String>,
    /// Per key column: (attnum, definition as pg_get_indexdef prints it, opclass,
    /// collation, indoption bits).
    keys: Vec<(i16, String, u32, u32, i16)>,
}

fn index(ev: &mut SetEvidence, schema: &str, name: &str) -> Result<Index, String> {
    let row = ev
        .catalog
        .query_opt(
            "SELECT t.relname::text, i.indisvalid, i.indisunique, am.amname::text, \
               pg_catalog.pg_get_expr(i.indpred, i.indrelid), i.indnkeyatts::int4, \
               i.indkey::int2[], i.indclass::oid[], i.indcollation::oid[], i.indoption::int2[], \
               ARRAY(SELECT pg_catalog.pg_get_indexdef(i.indexrelid, k, false) \
                     FROM pg_catalog.generate_series(1, i.indnkeyatts) k) \
             FROM pg_catalog.pg_index i \
             JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid \
             JOIN pg_catalog.pg_class t ON t.oid = i.indrelid \
             JOIN pg_catalog.pg_am am ON am.oid = c.relam \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = $1 AND c.relname = $2",
            &[&schema, &name],
        )
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no index {schema}.{name}"))?;
    let n = usize::try_from(row.get::<_, i32>(5)).unwrap_or(0);
    let attnums: Vec<i16> = row.get(6);
    let classes: Vec<postgres::types::Oid> = row.get(7);
    let collations: Vec<postgres::types::Oid> = row.get(8);
    let options: Vec<i16> = row.get(9);
    let defs: Vec<String> = row.get(10);
    let keys = (0..n)
        .map(|k| {
            (
                attnums[k],
                defs[k].clone(),
                classes[k],
                collations[k],
                options[k],
            )
        })
        .collect();
    Ok(Index {
        table: row.get(0),
        valid: row.get(1),
        unique: row.get(2),
        method: row.get(3),
        predicate: row.get(4),
        keys,
    })
}

/// Whether `a`'s keys are `b`'s first keys, with every order the same or (btree,
/// which scans both ways) every order reversed: INDOPTION_DESC is bit 1,
/// INDOPTION_NULLS_FIRST bit 2.
fn keys_lead(a: &Index, b: &Index) -> bool {
    if a.keys.len() > b.keys.len() {
        return false;
    }
    let pairs = a.keys.iter().zip(&b.keys);
    let same_keys = pairs
        .clone()
        .all(|(x, y)| x.0 == y.0 && x.1 == y.1 && x.2 == y.2 && x.3 == y.3);
    let same_order = pairs.clone().all(|(x, y)| x.4 == y.4);
    let reversed = a.method == "btree" && pairs.clone().all(|(x, y)| (x.4 ^ y.4) & 3 == 3);
    same_keys && (same_order || reversed)
}

/// The two index names of "index A duplicates B on …" / "index A (…) is a prefix of B (…)".
fn two_indexes(f: &Finding, between: &str) -> Result<(String, String), String> {
    let rest = f
        .message
        .strip_prefix("index ")
        .ok_or("the message names no index")?;
    let (a, tail) = rest
        .split_once(between)
        .ok_or("the message does not say which index")?;
    let a = a.split(" (").next().unwrap_or(a).trim().to_string();
    let b = tail
        .split([' ', '('])
        .next()
        .unwrap_or(tail)
        .trim()
        .to_string();
    Ok((a, b))
}

fn same_index(f: &Finding, ev: &mut SetEvidence) -> Result<(), String> {
    let (schema, rel) = table(f)?;
    let (a, b) = two_indexes(f, " duplicates ")?;
    let (x, y) = (index(ev, &schema, &a)?, index(ev, &schema, &b)?);
    if x.table != rel || y.table != rel {
        return Err(format!("{a} and {b} are not both on {rel}"));
    }
    if !x.valid || !y.valid {
        return Err(format!("{a} or {b} is not valid"));
    }
    if x.method != y.method || x.predicate != y.predicate || x.keys.len() != y.keys.len() {
        return Err(format!("{a} and {b} differ in method, predicate or width"));
    }
    if !keys_lead(&x, &y) {
        return Err(format!("{a} and {b} have different keys or orders"));
    }
    Ok(())
}

fn prefix_index(f: &Finding, ev: &mut SetEvidence) -> Result<(), String> {
    let (schema, rel) = table(f)?;
    let (a, b) = two_indexes(f, " is a prefix of ")?;
    let (x, y) = (index(ev, &schema, &a)?, index(ev, &schema, &b)?);
    if x.table != rel || y.table != rel {
        return Err(format!("{a} and {b} are not both on {rel}"));
    }
    if !x.valid || !y.valid {
        return Err(format!("{a} or {b} is not valid"));
    }
    if x.unique {
        return Err(format!("{a} is unique: it enforces something {b} does not"));
    }
    if x.method != y.method || x.predicate != y.predicate {
        return Err(format!("{a} and {b} differ in method or predicate"));
    }
    if !keys_lead(&x, &y) {
        return Err(format!("{a}'s keys do not lead {b}"));
    }
    Ok(())
}

fn quoted_mixed_case(f: &Finding, ev: &mut SetEvidence) -> Result<(), String> {
    let (schema, rel) = table(f)?;
    let row = ev
        .catalog
        .query_opt(
            "SELECT c.relname <> pg_catalog.lower(c.relname) OR EXISTS (\
               SELECT 1 FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid \
               AND a.attnum > 0 AND NOT a.attisdropped AND a.attname <> pg_catalog.lower(a.attname)) \
             FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = $1 AND c.relname = $2",
            &[&schema, &rel],
        )
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no relation {schema}.{rel}"))?;
    if row.get::<_, bool>(0) {
        Ok(())
    } else {
        Err(format!("{rel} and its columns are all lower case"))
    }
}

fn free_text_without_check(f: &Finding, ev: &mut SetEvidence) -> Result<(), String> {
    let (schema, rel) = table(f)?;
    if f.columns.is_empty() {
        return Err("the finding names no column".into());
    }
    for column in &f.columns {
        let row = ev
            .catalog
            .query_opt(
                "SELECT t.typtype::text, t.typcategory::text, \
                   EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conrelid = c.oid \
                     AND k.contype = 'c' AND a.attnum = ANY (k.conkey)) \
                 FROM pg_catalog.pg_attribute a \
                 JOIN pg_catalog.pg_class c ON c.oid = a.attrelid \
                 JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
                 JOIN pg_catalog.pg_type t ON t.oid = a.atttypid \
                 WHERE n.nspname = $1 AND c.relname = $2 AND a.attname = $3 AND NOT a.attisdropped",
                &[&schema, &rel, column],
            )
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("no column {rel}.{column} in the catalog"))?;
        let (kind, category, checked): (String, String, bool) =
            (row.get(0), row.get(1), row.get(2));
        if kind != "b" || category != "S" {
            return Err(format!(
                "{rel}.{column}'s type is of typtype {kind}, category {category}"
            ));
        }
        if checked {
            return Err(format!("a CHECK constraint of {rel} reads {column}"));
        }
    }
    Ok(())
}

fn name_over_63_bytes(f: &Finding) -> Result<(), String> {
    let rest = f
        .message
        .strip_prefix("identifier \"")
        .ok_or("the message quotes no identifier")?;
    let (name, tail) = rest.split_once("\" is ").ok_or("no length given")?;
    let said: usize = tail
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .ok_or("no length given")?;
    if name.len() != said {
        return Err(format!("\"{name}\" is {} bytes, not {said}", name.len()));
    }
    if said <= 63 {
        return Err(format!("\"{name}\" fits in 63 bytes"));
    }
    Ok(())
}

/// The traced statement at the finding's location.
fn statement<'a>(f: &Finding, ev: &'a SetEvidence) -> Result<&'a serde_json::Value, String> {
    let (file, line) = f.location.as_ref().ok_or("the finding has no location")?;
    let s = ev
        .statements
        .get(&(file.clone(), *line))
        .ok_or_else(|| format!("no traced statement at {file}:{line}"))?;
    if !s["observed"]["error"].is_null() {
        return Err(format!("the statement failed: {}", s["observed"]["error"]));
    }
    Ok(s)
}

/// The locks on the relation named `table` (as it was named before the statement) in
/// the statement's lists: (mode, oid).
fn locks_on(s: &serde_json::Value, table: &str, lists: &[&str]) -> Vec<(String, u64)> {
    lists
        .iter()
        .flat_map(|list| s["observed"][*list].as_array().into_iter().flatten())
        .filter(|l| l["relation"]["name"].as_str() == Some(table))
        .map(|l| {
            (
                l["mode"].as_str().unwrap_or("").to_string(),
                l["relation"]["oid"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

/// Whether the relation `oid` was created in `file`: the first of the file's
/// statements that locked it created it.
fn created_in_file(ev: &SetEvidence, file: &str, oid: u64) -> bool {
    ev.statements
        .range((file.to_string(), 0)..=(file.to_string(), u64::MAX))
        .flat_map(|(_, s)| s["observed"]["locks"].as_array().into_iter().flatten())
        .find(|l| l["relation"]["oid"].as_u64() == Some(oid))
        .is_some_and(|l| l["created"].as_bool() == Some(true))
}

fn claim_observed(f: &Finding, ev: &mut SetEvidence) -> Result<(), String> {
    let claim = f.claim.as_ref().ok_or("the finding makes no claim")?;
    let s = statement(f, ev)?;
    match check_claim(claim, s) {
        None => return Err("the claim cannot be observed at the statement".into()),
        Some(d) if !d.is_empty() => {
            return Err(d
                .iter()
                .map(|(kind, _, claimed, seen)| format!("{kind}: claims {claimed}, saw {seen}"))
                .collect::<Vec<_>>()
                .join("; "))
        }
        Some(_) => {}
    }
    let table = claim["table"].as_str().unwrap_or("");
    let locks = locks_on(s, table, &["locks", "held_before"]);
    if locks.is_empty() {
        return Err(format!("no lock on {table} was seen"));
    }
    let file = &f.location.as_ref().unwrap().0;
    if locks.iter().any(|(_, oid)| created_in_file(ev, file, *oid)) {
        return Err(format!("{table} was created in the same file"));
    }
    Ok(())
}

/// "… has been locked ACCESS EXCLUSIVE since line 12 …": the mode, as trace names
/// it, and the line.
fn held_since(message: &str) -> Option<(String, u64)> {
    let rest = message.split(" has been locked ").nth(1)?;
    let (words, after) = rest.split_once(" since line ")?;
    let line = after.split([' ', ',']).next()?.parse().ok()?;
    let mode = words
        .split(' ')
        .map(|w| {
            let w = w.to_lowercase();
            let mut c = w.chars();
            c.next()
                .map(|first| first.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect();
    Some((mode, line))
}

fn lock_held(f: &Finding, ev: &mut SetEvidence) -> Result<(), String> {
    let table = f.table.as_deref().ok_or("the finding names no table")?;
    let (mode, since) = held_since(&f.message).ok_or("the message names no held lock")?;
    let file = f
        .location
        .as_ref()
        .ok_or("the finding has no location")?
        .0
        .clone();
    let earlier = ev
        .statements
        .get(&(file.clone(), since))
        .ok_or_else(|| format!("no traced statement at line {since}"))?;
    let taken: Vec<u64> = locks_on(earlier, table, &["locks", "held_before"])
        .into_iter()
        .filter(|(m, _)| strength(m) >= strength(&mode))
        .map(|(_, oid)| oid)
        .collect();
    if taken.is_empty() {
        return Err(format!("line {since} took no {mode} on {table}"));
    }
    if taken.iter().any(|oid| created_in_file(ev, &file, *oid)) {
        return Err(format!("{table} was created in the same file"));
    }
    let s = statement(f, ev)?;
    let still = s["observed"]["held_before"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|l| {
            l["relation"]["oid"]
                .as_u64()
                .is_some_and(|o| taken.contains(&o))
                && strength(l["mode"].as_str().unwrap_or("")) >= strength(&mode)
        });
    if !still {
        return Err(format!("{mode} on {table} was no longer held"));
    }
    let dml =
        f.message.contains("(a backfill)") && locks_on_any(s).iter().any(|m| m == "RowExclusive");
    match s["observed_work"].as_str() {
        Some("scan" | "rewrite") => {}
        _ if dml => {}
        other => return Err(format!("the statement's work was {other:?}")),
    }
    if let Some(claim) = &f.claim {
        if let Some(d) = check_claim(claim, s).filter(|d| !d.is_empty()) {
            return Err(format!("its claim: {d:?}"));
        }
    }
    Ok(())
}

/// The modes of the locks the statement took.
fn locks_on_any(s: &serde_json::Value) -> Vec<String> {
    s["observed"]["locks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|l| l["mode"].as_str().map(String::from))
        .collect()
}
