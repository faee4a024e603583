//! The catalog queries: one set-based query per kind of object, whatever the size of
//! the schema (never one query per table). Version-specific columns are gated on
//! `server_version_num`; PostgreSQL 12 is the oldest supported server.

/// Relations, constraints and types that belong to the user: not in a system schema,
/// not created by an extension.
const USER_RELATION: &str = "n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')";

const USER_TYPE: &str = "n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')";

/// Version, database, and how many days the usage statistics cover.
pub const SERVER: &str = "SELECT current_setting('server_version_num')::int4, current_database()::text,
        (EXTRACT(EPOCH FROM now() - COALESCE(d.stats_reset, pg_postmaster_start_time())) / 86400)::float8
 FROM pg_stat_database d WHERE d.datname = current_database()";

pub fn tables() -> String {
    format!(
        "SELECT c.oid::int8, n.nspname::text, c.relname::text, c.relkind::text, c.relpersistence::text,
                c.relispartition, c.relrowsecurity, c.relforcerowsecurity,
                obj_description(c.oid, 'pg_class'),
                ARRAY(SELECT i.inhparent::int8 FROM pg_inherits i WHERE i.inhrelid = c.oid ORDER BY i.inhseqno),
                c.reltuples::float8, pg_total_relation_size(c.oid)::int8,
                (COALESCE(st.seq_scan, 0) + COALESCE(st.idx_scan, 0))::int8
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_stat_user_tables st ON st.relid = c.oid
         WHERE c.relkind IN ('r', 'p', 'f') AND {USER_RELATION}
         ORDER BY n.nspname, c.relname"
    )
}

pub fn columns() -> String {
    format!(
        "SELECT a.attrelid::int8, a.attname::text,
                format_type(a.atttypid, a.atttypmod),
                format_type(CASE WHEN t.typcategory = 'A' AND t.typelem <> 0 THEN t.typelem ELSE t.oid END, NULL),
                bt.typname::text, btn.nspname::text, bt.typtype::text,
                (t.typcategory = 'A' AND t.typelem <> 0),
                a.attnotnull, pg_get_expr(ad.adbin, ad.adrelid), a.attidentity::text, a.attgenerated::text,
                col_description(a.attrelid, a.attnum)
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_type t ON t.oid = a.atttypid
         JOIN pg_type bt ON bt.oid = CASE WHEN t.typcategory = 'A' AND t.typelem <> 0 THEN t.typelem ELSE t.oid END
         JOIN pg_namespace btn ON btn.oid = bt.typnamespace
         LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
         WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'f') AND {USER_RELATION}
         ORDER BY a.attrelid, a.attnum"
    )
}

pub fn constraints(version: i32) -> String {
    let delete_set_columns = if version >= 150000 {
        "ARRAY(SELECT a.attname::text FROM unnest(con.confdelsetcols) WITH ORDINALITY k(num, ord)
                 JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord)"
    } else {
        "ARRAY[]::text[]"
    };
    format!(
        "SELECT con.conrelid::int8, con.conname::text, con.contype::text, con.condeferrable, con.condeferred,
                con.convalidated,
                ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
                      JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord),
                rn.nspname::text, rc.relname::text,
                ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
                      JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord),
                con.confupdtype::text, con.confdeltype::text, con.confmatchtype::text,
                {delete_set_columns},
                CASE WHEN con.contype = 'c' THEN pg_get_expr(con.conbin, con.conrelid) END,
                con.conindid::int8, con.conparentid::int8
         FROM pg_constraint con
         JOIN pg_class c ON c.oid = con.conrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_class rc ON rc.oid = con.confrelid
         LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
         WHERE con.contype IN ('p', 'u', 'f', 'c', 'x') AND {USER_RELATION}
         ORDER BY con.conrelid, con.conname"
    )
}

pub fn indexes(version: i32) -> String {
    let nulls_not_distinct = if version >= 150000 {
        "i.indnullsnotdistinct"
    } else {
        "false"
    };
    format!(
        "SELECT i.indrelid::int8, i.indexrelid::int8, ic.relname::text, am.amname::text,
                i.indisunique, i.indisprimary, i.indisvalid, i.indisready, i.indislive,
                i.indnkeyatts::int4, {nulls_not_distinct},
                ARRAY(SELECT CASE WHEN k.num = 0 THEN NULL ELSE a.attname::text END
                      FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(num, ord)
                      LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num ORDER BY k.ord),
                ARRAY(SELECT pg_get_indexdef(i.indexrelid, k.ord::int4, true)
                      FROM generate_series(1, i.indnatts) AS k(ord) ORDER BY k.ord),
                i.indoption::int2[],
                ARRAY(SELECT CASE WHEN opc.opcdefault THEN NULL ELSE opc.opcname::text END
                      FROM unnest(i.indclass::oid[]) WITH ORDINALITY k(cls, ord)
                      JOIN pg_opclass opc ON opc.oid = k.cls ORDER BY k.ord),
                pg_get_expr(i.indpred, i.indrelid), ic.relkind::text,
                EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid),
                COALESCE(s.idx_scan, 0)::int8, pg_relation_size(i.indexrelid)::int8,
                EXISTS (SELECT 1 FROM pg_stat_progress_create_index p WHERE p.index_relid = i.indexrelid)
         FROM pg_index i
         LEFT JOIN pg_stat_user_indexes s ON s.indexrelid = i.indexrelid
         JOIN pg_class ic ON ic.oid = i.indexrelid
         JOIN pg_class c ON c.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_am am ON am.oid = ic.relam
         WHERE c.relkind IN ('r', 'p', 'f') AND {USER_RELATION}
         ORDER BY i.indrelid, ic.relname"
    )
}

pub fn enums() -> String {
    format!(
        "SELECT n.nspname::text, t.typname::text,
                ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder)
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
         WHERE t.typtype = 'e' AND {USER_TYPE}
         ORDER BY n.nspname, t.typname"
    )
}

pub fn domains() -> String {
    format!(
        "SELECT n.nspname::text, t.typname::text, format_type(t.typbasetype, t.typtypmod),
                format_type(t.typbasetype, NULL), t.typnotnull,
                ARRAY(SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname)
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
         WHERE t.typtype = 'd' AND {USER_TYPE}
         ORDER BY n.nspname, t.typname"
    )
}

pub fn views() -> String {
    format!(
        "SELECT n.nspname::text, c.relname::text, c.relkind = 'm'
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('v', 'm') AND {USER_RELATION}
         ORDER BY n.nspname, c.relname"
    )
}

pub fn sequences() -> String {
    format!(
        "SELECT n.nspname::text, c.relname::text, format_type(s.seqtypid, NULL), s.seqmax::int8,
                tn.nspname::text, tc.relname::text, a.attname::text, ps.last_value::int8
         FROM pg_sequence s
         JOIN pg_class c ON c.oid = s.seqrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
              AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
         LEFT JOIN pg_class tc ON tc.oid = d.refobjid
         LEFT JOIN pg_namespace tn ON tn.oid = tc.relnamespace
         LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
         LEFT JOIN pg_sequences ps ON ps.schemaname = n.nspname AND ps.sequencename = c.relname
         WHERE {USER_RELATION}
         ORDER BY n.nspname, c.relname"
    )
}

pub fn policies() -> String {
    format!(
        "SELECT p.polrelid::int8, p.polname::text, p.polcmd::text, p.polpermissive,
                ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r)::text END FROM unnest(p.polroles) r),
                pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)
         FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE {USER_RELATION}
         ORDER BY p.polrelid, p.polname"
    )
}

/// How many queries `inspect` runs against the catalog, whatever the schema size.
pub const CATALOG_QUERY_COUNT: usize = 9;

/// Every catalog query, in the order `inspect` runs them, for a server version.
pub fn all(version: i32) -> Vec<String> {
    vec![
        SERVER.to_string(),
        tables(),
        columns(),
        constraints(version),
        indexes(version),
        enums(),
        domains(),
        views(),
        sequences(),
        policies(),
    ]
}
