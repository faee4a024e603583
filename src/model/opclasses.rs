//! Default operator classes: those `pg_opclass` marks `opcdefault`, the class
//! PostgreSQL uses for an index key that names none. The catalog reports a key's
//! class only when it is not such a class (dblint's catalog query), so a default class
//! written in SQL is dropped when replayed, and `(a int4_ops)` is the same key as `(a)`
//! (PostgreSQL docs: "11.10. Operator Classes and Operator Families"; the names are
//! PostgreSQL's `pg_opclass.dat`, the same on 12–18 for these methods).

/// Whether `class` (as written, maybe `pg_catalog.`-qualified) is a default operator
/// class of the access method `method` (`btree`, `hash`, `brin`, `gin`). Other methods
/// and classes of extensions answer `false`: they are kept as written.
pub fn is_default_opclass(method: &str, class: &str) -> bool {
    let class = class.strip_prefix("pg_catalog.").unwrap_or(class);
    match method {
        "btree" => BTREE.contains(&class) || matches!(class, "tsvector_ops" | "name_ops"),
        "hash" => BTREE.contains(&class) && !matches!(class, "bit_ops" | "varbit_ops"),
        "brin" => BRIN.contains(&class),
        "gin" => matches!(class, "array_ops" | "jsonb_ops" | "tsvector_ops"),
        _ => false,
    }
}

/// btree's default classes (hash has the same names but for bit and varbit).
const BTREE: &[&str] = &[
    "array_ops",
    "bool_ops",
    "bpchar_ops",
    "bytea_ops",
    "char_ops",
    "date_ops",
    "enum_ops",
    "float4_ops",
    "float8_ops",
    "inet_ops",
    "int2_ops",
    "int4_ops",
    "int8_ops",
    "interval_ops",
    "jsonb_ops",
    "macaddr_ops",
    "numeric_ops",
    "oid_ops",
    "range_ops",
    "text_ops",
    "time_ops",
    "timestamp_ops",
    "timestamptz_ops",
    "timetz_ops",
    "uuid_ops",
    "bit_ops",
    "varbit_ops",
];

/// BRIN's default classes: minmax, and inclusion for inet, ranges and boxes.
const BRIN: &[&str] = &[
    "bit_minmax_ops",
    "box_inclusion_ops",
    "bpchar_minmax_ops",
    "bytea_minmax_ops",
    "char_minmax_ops",
    "date_minmax_ops",
    "float4_minmax_ops",
    "float8_minmax_ops",
    "inet_inclusion_ops",
    "int2_minmax_ops",
    "int4_minmax_ops",
    "int8_minmax_ops",
    "interval_minmax_ops",
    "macaddr_minmax_ops",
    "numeric_minmax_ops",
    "oid_minmax_ops",
    "range_inclusion_ops",
    "text_minmax_ops",
    "time_minmax_ops",
    "timestamp_minmax_ops",
    "timestamptz_minmax_ops",
    "timetz_minmax_ops",
    "uuid_minmax_ops",
    "varbit_minmax_ops",
];
