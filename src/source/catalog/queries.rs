//! The catalog queries: one set-based query per kind of object, whatever the size of
//! the schema (never one query per table). Version-specific columns are gated on
//! `server_version_num`; PostgreSQL 12 is the oldest supported server.
//!
//! **Safe against a hostile database owner** (the class of CVE-2018-1058): the session
//! starts with `search_path = pg_catalog, pg_temp` (a startup option, so no
//! `ALTER DATABASE/ROLE … SET search_path` applies), and every function, operator,
//! type, cast and relation below is schema-qualified (`pg_catalog.format_type`,
//! `OPERATOR(pg_catalog.=)`, `::pg_catalog.int8`), as pg_dump's queries are. No name is
//! resolved through the search path, so no object a user created can be called.
//!
//! **No relation locks on user objects**: sizes come from `relpages` (estimates kept by
//! VACUUM and ANALYZE), not `pg_total_relation_size`, which locks the relation and waits
//! behind a migration's ACCESS EXCLUSIVE lock. Sequence values, the one read that
//! locks (each sequence until the snapshot ends), are read only where the role may
//! read them and only while the sequences fit in half the server's lock table
//! ([`sequences`]). Every column has a name; `build.rs` reads rows by those names.

/// `a = b` with PostgreSQL's own operator.
macro_rules! eq {
    () => {
        "OPERATOR(pg_catalog.=)"
    };
}

/// Objects that belong to the user: not in a system schema, not created by an
/// extension. `$catalog` is the object's catalog, `$oid` its oid column.
macro_rules! user_object {
    ($catalog:literal, $oid:literal) => {
        concat!(
            "n.nspname OPERATOR(pg_catalog.<>) ALL (ARRAY['pg_catalog', 'information_schema']::pg_catalog.name[])
  AND n.nspname OPERATOR(pg_catalog.!~~) 'pg\\_toast%' AND n.nspname OPERATOR(pg_catalog.!~~) 'pg\\_temp\\_%'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                  WHERE d.classid ",
            eq!(),
            " 'pg_catalog.",
            $catalog,
            "'::pg_catalog.regclass AND d.objid ",
            eq!(),
            " ",
            $oid,
            " AND d.deptype ",
            eq!(),
            " 'e')"
        )
    };
}

/// Relations (and their constraints) that belong to the user.
const USER_RELATION: &str = user_object!("pg_class", "c.oid");

/// Types that belong to the user.
const USER_TYPE: &str = user_object!("pg_type", "t.oid");

/// Tables, partitioned tables and foreign tables.
const TABLE_KINDS: &str =
    "c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p', 'f']::pg_catalog.\"char\"[])";

/// Version, database, how many days the usage statistics cover, the block size (bytes
/// per page, to turn `relpages` into bytes), the user's schemas (empty ones too; not
/// the system's nor an extension's), and the tables another session holds or waits for an ACCESS EXCLUSIVE lock on (directly or on one of their indexes: a
/// migration, `VACUUM FULL`, `REINDEX`, `CLUSTER`).
///
/// Deparsing an expression (`pg_get_expr` with a relation, `pg_get_indexdef`,
/// `pg_get_constraintdef`) takes an ACCESS SHARE lock on the table, which would wait
/// behind those; the later queries take these tables as `$1` and do not deparse
/// anything of theirs, and inspect leaves them out of the grade and says so.
pub const SERVER: &str = "SELECT pg_catalog.current_setting('server_version_num')::pg_catalog.int4 AS version_num,
        pg_catalog.current_database()::pg_catalog.text AS database,
        (EXTRACT(EPOCH FROM pg_catalog.now() OPERATOR(pg_catalog.-) COALESCE(d.stats_reset, pg_catalog.pg_postmaster_start_time()))
           OPERATOR(pg_catalog./) 86400)::pg_catalog.float8 AS stats_age_days,
        pg_catalog.current_setting('block_size')::pg_catalog.int8 AS block_size,
        ARRAY(SELECT n.nspname::pg_catalog.text FROM pg_catalog.pg_namespace n
              WHERE n.nspname OPERATOR(pg_catalog.<>) ALL (ARRAY['pg_catalog', 'information_schema']::pg_catalog.name[])
                AND n.nspname OPERATOR(pg_catalog.!~~) 'pg\\_toast%' AND n.nspname OPERATOR(pg_catalog.!~~) 'pg\\_temp\\_%'
                AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep
                                WHERE dep.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_namespace'::pg_catalog.regclass
                                  AND dep.objid OPERATOR(pg_catalog.=) n.oid AND dep.deptype OPERATOR(pg_catalog.=) 'e')
              ORDER BY 1) AS schemas,
        ARRAY(SELECT DISTINCT COALESCE(x.indrelid, l.relation)::pg_catalog.int8
              FROM pg_catalog.pg_locks l
              LEFT JOIN pg_catalog.pg_index x ON x.indexrelid OPERATOR(pg_catalog.=) l.relation
              WHERE l.locktype OPERATOR(pg_catalog.=) 'relation'
                AND l.mode OPERATOR(pg_catalog.=) 'AccessExclusiveLock'
                AND l.database OPERATOR(pg_catalog.=) d.datid
                AND l.pid OPERATOR(pg_catalog.<>) pg_catalog.pg_backend_pid()) AS locked_tables
,
        (SELECT pg_catalog.count(*) FROM pg_catalog.pg_class c
          WHERE c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p', 'f']::pg_catalog.\"char\"[]))::pg_catalog.int8 AS tables
 FROM pg_catalog.pg_stat_database d WHERE d.datname OPERATOR(pg_catalog.=) pg_catalog.current_database()";

/// Export the snapshot of the main session, for the sessions that read beside it
/// (`SET TRANSACTION SNAPSHOT`, as `pg_dump --jobs` does): PostgreSQL keeps it while
/// the exporting transaction is open. Run only when more than one session reads.
pub const EXPORT_SNAPSHOT: &str = "SELECT pg_catalog.pg_export_snapshot() AS snapshot";

/// `true` when the table `oid` is in `$1`, the locked tables of [`SERVER`].
fn locked(oid: &str) -> String {
    format!("({oid})::pg_catalog.int8 OPERATOR(pg_catalog.=) ANY ($1::pg_catalog.int8[])")
}

/// One row per table. Partitioning, comments, parents and sizes come from joins on
/// the catalogs read once (parents and index pages grouped by table), not from a
/// sub-select per table; only a partitioned table's key columns are looked up per row.
pub fn tables() -> String {
    format!(
        "SELECT c.oid::pg_catalog.int8 AS oid, n.nspname::pg_catalog.text AS schema, c.relname::pg_catalog.text AS name,
                c.relkind::pg_catalog.text AS relkind, c.relpersistence::pg_catalog.text AS persistence,
                c.relispartition AS is_partition, c.relrowsecurity AS row_security,
                COALESCE(c.oid {eq} ANY (SELECT d.partdefid FROM pg_catalog.pg_partitioned_table d), false) AS default_partition,
                CASE WHEN c.relispartition AND NOT {locked}
                     THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
                pt.partstrat::pg_catalog.text AS partition_strategy,
                CASE WHEN pt.partrelid IS NULL THEN ARRAY[]::pg_catalog.text[]
                     ELSE ARRAY(SELECT COALESCE(a.attname::pg_catalog.text, '')
                                FROM pg_catalog.unnest(pt.partattrs::pg_catalog.int2[]) WITH ORDINALITY AS k(attnum, n)
                                LEFT JOIN pg_catalog.pg_attribute a
                                       ON a.attrelid {eq} pt.partrelid AND a.attnum {eq} k.attnum
                                ORDER BY k.n) END AS partition_columns,
                c.relforcerowsecurity AS force_row_security,
                ds.description AS comment,
                COALESCE(h.parents, ARRAY[]::pg_catalog.int8[]) AS parents,
                c.reltuples::pg_catalog.float8 AS estimated_rows,
                (c.relpages::pg_catalog.int8
                   OPERATOR(pg_catalog.+) COALESCE(toast.relpages::pg_catalog.int8, 0)
                   OPERATOR(pg_catalog.+) COALESCE(ip.pages, 0)) AS total_pages,
                (COALESCE(st.seq_scan, 0) OPERATOR(pg_catalog.+) COALESCE(st.idx_scan, 0))::pg_catalog.int8 AS scans
         FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid {eq} c.relnamespace
         LEFT JOIN pg_catalog.pg_partitioned_table pt ON pt.partrelid {eq} c.oid
         LEFT JOIN pg_catalog.pg_description ds ON ds.objoid {eq} c.oid
              AND ds.classoid {eq} 'pg_catalog.pg_class'::pg_catalog.regclass AND ds.objsubid {eq} 0
         LEFT JOIN (SELECT i.inhrelid, pg_catalog.array_agg(i.inhparent::pg_catalog.int8 ORDER BY i.inhseqno) AS parents
                    FROM pg_catalog.pg_inherits i GROUP BY i.inhrelid) h ON h.inhrelid {eq} c.oid
         LEFT JOIN pg_catalog.pg_class toast ON toast.oid {eq} c.reltoastrelid
         LEFT JOIN (SELECT x.indrelid, pg_catalog.sum(ic.relpages)::pg_catalog.int8 AS pages
                    FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class ic ON ic.oid {eq} x.indexrelid
                    GROUP BY x.indrelid) ip ON ip.indrelid {eq} c.oid
         LEFT JOIN pg_catalog.pg_stat_user_tables st ON st.relid {eq} c.oid
         WHERE {TABLE_KINDS} AND {USER_RELATION}
         ORDER BY n.nspname, c.relname",
        eq = eq!(),
        locked = locked("c.oid"),
    )
}

pub fn columns() -> String {
    format!(
        "SELECT a.attrelid::pg_catalog.int8 AS table_oid, a.attname::pg_catalog.text AS name,
                pg_catalog.format_type(a.atttypid, a.atttypmod) AS full_type,
                pg_catalog.format_type(bt.oid, NULL) AS base_formatted,
                bt.typname::pg_catalog.text AS base_name, btn.nspname::pg_catalog.text AS base_schema,
                bt.typtype::pg_catalog.text AS base_kind,
                (t.typcategory {eq} 'A' AND t.typelem OPERATOR(pg_catalog.<>) 0) AS is_array,
                a.attnotnull AS not_null,
                CASE WHEN a.attgenerated OPERATOR(pg_catalog.=) '' THEN pg_catalog.pg_get_expr(ad.adbin, 0)
                     WHEN {locked} THEN NULL
                     ELSE pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) END AS default_expr,
                a.attidentity::pg_catalog.text AS identity, a.attgenerated::pg_catalog.text AS generated,
                CASE WHEN a.attcollation {eq} t.typcollation THEN NULL
                     WHEN con.nspname {eq} 'pg_catalog' THEN co.collname::pg_catalog.text
                     ELSE con.nspname::pg_catalog.text OPERATOR(pg_catalog.||) '.'
                          OPERATOR(pg_catalog.||) co.collname::pg_catalog.text END AS collation,
                ds.description AS comment
         FROM pg_catalog.pg_attribute a
         JOIN pg_catalog.pg_class c ON c.oid {eq} a.attrelid
         JOIN pg_catalog.pg_namespace n ON n.oid {eq} c.relnamespace
         JOIN pg_catalog.pg_type t ON t.oid {eq} a.atttypid
         JOIN pg_catalog.pg_type bt ON bt.oid {eq} CASE WHEN t.typcategory {eq} 'A' AND t.typelem OPERATOR(pg_catalog.<>) 0
                                                       THEN t.typelem ELSE t.oid END
         JOIN pg_catalog.pg_namespace btn ON btn.oid {eq} bt.typnamespace
         LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid {eq} a.attrelid AND ad.adnum {eq} a.attnum
         LEFT JOIN pg_catalog.pg_collation co ON co.oid {eq} a.attcollation
         LEFT JOIN pg_catalog.pg_namespace con ON con.oid {eq} co.collnamespace
         LEFT JOIN pg_catalog.pg_description ds ON ds.objoid {eq} a.attrelid
              AND ds.classoid {eq} 'pg_catalog.pg_class'::pg_catalog.regclass
              AND ds.objsubid {eq} a.attnum::pg_catalog.int4
         WHERE a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped AND {TABLE_KINDS} AND {USER_RELATION}
         ORDER BY a.attrelid, a.attnum",
        eq = eq!(),
        locked = locked("a.attrelid")
    )
}

/// `name AS (…)`: for each constraint of `con`, the names of the columns of `relation`
/// that the attribute-number array `numbers` lists, in order (`oid`, `names`), built in
/// one pass over every constraint and grouped, not by a sub-select per constraint.
fn attnames(name: &str, numbers: &str, relation: &str) -> String {
    format!(
        "{name} AS (
           SELECT con.oid, pg_catalog.array_agg(a.attname::pg_catalog.text ORDER BY k.ord) AS names
           FROM con CROSS JOIN LATERAL pg_catalog.unnest({numbers}) WITH ORDINALITY k(num, ord)
           JOIN pg_catalog.pg_attribute a ON a.attrelid {eq} {relation} AND a.attnum {eq} k.num
           GROUP BY con.oid)",
        eq = eq!()
    )
}

pub fn constraints(version: i32) -> String {
    let (delete_set_cte, delete_set_columns, delete_set_join) = if version >= 150000 {
        (
            format!(
                ",\n         {}",
                attnames("dels", "con.confdelsetcols", "con.conrelid")
            ),
            "COALESCE(dels.names, ARRAY[]::pg_catalog.text[])",
            "LEFT JOIN dels ON dels.oid {eq} con.oid",
        )
    } else {
        (String::new(), "ARRAY[]::pg_catalog.text[]", "")
    };
    format!(
        "WITH con AS MATERIALIZED (
           SELECT con.* FROM pg_catalog.pg_constraint con
           JOIN pg_catalog.pg_class c ON c.oid {eq} con.conrelid
           JOIN pg_catalog.pg_namespace n ON n.oid {eq} c.relnamespace
           WHERE con.contype {eq} ANY (ARRAY['p', 'u', 'f', 'c', 'x']::pg_catalog.\"char\"[]) AND {USER_RELATION}),
         {columns_cte},
         {ref_columns_cte}{delete_set_cte}
         SELECT con.conrelid::pg_catalog.int8 AS table_oid, con.conname::pg_catalog.text AS name,
                con.contype::pg_catalog.text AS kind, con.condeferrable AS deferrable,
                con.condeferred AS deferred, con.convalidated AS validated,
                COALESCE(cols.names, ARRAY[]::pg_catalog.text[]) AS columns,
                rn.nspname::pg_catalog.text AS ref_schema, rc.relname::pg_catalog.text AS ref_table,
                COALESCE(refs.names, ARRAY[]::pg_catalog.text[]) AS ref_columns,
                con.confupdtype::pg_catalog.text AS on_update, con.confdeltype::pg_catalog.text AS on_delete,
                con.confmatchtype::pg_catalog.text AS match_type,
                {delete_set_columns} AS delete_set_columns,
                CASE WHEN con.contype {eq} 'c' AND NOT {locked}
                     THEN pg_catalog.pg_get_expr(con.conbin, con.conrelid) END AS check_expr,
                con.conindid::pg_catalog.int8 AS index_oid, con.conparentid::pg_catalog.int8 AS parent_oid
         FROM con
         LEFT JOIN cols ON cols.oid {eq} con.oid
         LEFT JOIN refs ON refs.oid {eq} con.oid
         {delete_set_join}
         LEFT JOIN pg_catalog.pg_class rc ON rc.oid {eq} con.confrelid
         LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid {eq} rc.relnamespace
         ORDER BY con.conrelid, con.conname",
        columns_cte = attnames("cols", "con.conkey", "con.conrelid"),
        ref_columns_cte = attnames("refs", "con.confkey", "con.confrelid"),
        delete_set_join = delete_set_join.replace("{eq}", eq!()),
        eq = eq!(),
        locked = locked("con.conrelid")
    )
}

/// One row per index. The per-key arrays (column names, expressions, operator
/// classes, collations) are built in one pass over every index's keys, grouped by
/// index, not by a sub-select per index (which made this query a third of `inspect`
/// on 40,000 indexes); only expression keys are deparsed. Whether an index is a
/// partition's or being built is one hashed look-up each.
pub fn indexes(version: i32) -> String {
    let nulls_not_distinct = if version >= 150000 {
        "x.indnullsnotdistinct"
    } else {
        "false"
    };
    format!(
        "WITH x AS MATERIALIZED (
           SELECT i.*, ic.relname, ic.relkind AS index_kind, ic.relam, ic.relpages AS index_pages
           FROM pg_catalog.pg_index i
           JOIN pg_catalog.pg_class ic ON ic.oid {eq} i.indexrelid
           JOIN pg_catalog.pg_class c ON c.oid {eq} i.indrelid
           JOIN pg_catalog.pg_namespace n ON n.oid {eq} c.relnamespace
           WHERE {TABLE_KINDS} AND {USER_RELATION}),
         k AS (
           SELECT x.indexrelid,
                  pg_catalog.array_agg(CASE WHEN k.num {eq} 0 THEN NULL ELSE a.attname::pg_catalog.text END
                                       ORDER BY k.ord) AS column_names,
                  pg_catalog.array_agg(CASE WHEN k.num OPERATOR(pg_catalog.<>) 0 THEN ''
                                            WHEN NOT {locked} THEN pg_catalog.pg_get_indexdef(x.indexrelid, k.ord::pg_catalog.int4, true) END
                                       ORDER BY k.ord) AS definitions,
                  pg_catalog.array_agg(CASE WHEN opc.opcdefault THEN NULL ELSE opc.opcname::pg_catalog.text END
                                       ORDER BY k.ord) FILTER (WHERE k.ord OPERATOR(pg_catalog.<=) x.indnkeyatts) AS opclasses,
                  pg_catalog.array_agg(CASE WHEN k.coll IS NULL OR k.coll {eq} 0
                                              OR k.coll {eq} COALESCE(a.attcollation, t.typcollation) THEN NULL
                                            WHEN cn.nspname {eq} 'pg_catalog' THEN co.collname::pg_catalog.text
                                            ELSE cn.nspname::pg_catalog.text OPERATOR(pg_catalog.||) '.'
                                                 OPERATOR(pg_catalog.||) co.collname::pg_catalog.text END
                                       ORDER BY k.ord) FILTER (WHERE k.ord OPERATOR(pg_catalog.<=) x.indnkeyatts) AS collations
           FROM x
           CROSS JOIN LATERAL ROWS FROM (pg_catalog.unnest(x.indkey::pg_catalog.int2[]),
                                         pg_catalog.unnest(x.indclass::pg_catalog.oid[]),
                                         pg_catalog.unnest(x.indcollation::pg_catalog.oid[]))
                WITH ORDINALITY AS k(num, cls, coll, ord)
           LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid {eq} x.indrelid AND a.attnum {eq} k.num
                AND k.num OPERATOR(pg_catalog.<>) 0
           LEFT JOIN pg_catalog.pg_opclass opc ON opc.oid {eq} k.cls
           LEFT JOIN pg_catalog.pg_collation co ON co.oid {eq} k.coll
           LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid {eq} co.collnamespace
           LEFT JOIN pg_catalog.pg_attribute ia ON ia.attrelid {eq} x.indexrelid
                AND ia.attnum::pg_catalog.int8 {eq} k.ord
           LEFT JOIN pg_catalog.pg_type t ON t.oid {eq} ia.atttypid
           GROUP BY x.indexrelid)
         SELECT x.indrelid::pg_catalog.int8 AS table_oid, x.indexrelid::pg_catalog.int8 AS oid,
                x.relname::pg_catalog.text AS name, am.amname::pg_catalog.text AS method,
                x.indisunique AS is_unique, x.indisprimary AS is_primary, x.indisvalid AS is_valid,
                x.indisready AS is_ready, x.indislive AS is_live,
                x.indnkeyatts::pg_catalog.int4 AS key_count, {nulls_not_distinct} AS nulls_not_distinct,
                k.column_names, k.definitions,
                x.indoption::pg_catalog.int2[] AS options,
                k.opclasses, k.collations,
                CASE WHEN NOT {locked} THEN pg_catalog.pg_get_expr(x.indpred, x.indrelid) END AS predicate,
                x.index_kind::pg_catalog.text AS relkind,
                COALESCE(x.indexrelid {eq} ANY (SELECT h.inhrelid FROM pg_catalog.pg_inherits h), false) AS is_partition,
                COALESCE(s.idx_scan, 0)::pg_catalog.int8 AS scans, x.index_pages::pg_catalog.int8 AS pages,
                COALESCE(x.indexrelid {eq} ANY (SELECT p.index_relid FROM pg_catalog.pg_stat_progress_create_index p), false) AS being_built
         FROM x
         JOIN k ON k.indexrelid {eq} x.indexrelid
         JOIN pg_catalog.pg_am am ON am.oid {eq} x.relam
         LEFT JOIN pg_catalog.pg_stat_user_indexes s ON s.indexrelid {eq} x.indexrelid
         ORDER BY x.indrelid, x.relname",
        eq = eq!(),
        locked = locked("x.indrelid"),
    )
}

pub fn enums() -> String {
    format!(
        "SELECT n.nspname::pg_catalog.text AS schema, t.typname::pg_catalog.text AS name,
                ARRAY(SELECT e.enumlabel::pg_catalog.text FROM pg_catalog.pg_enum e
                      WHERE e.enumtypid {eq} t.oid ORDER BY e.enumsortorder) AS labels
         FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid {eq} t.typnamespace
         WHERE t.typtype {eq} 'e' AND {USER_TYPE}
         ORDER BY n.nspname, t.typname",
        eq = eq!()
    )
}

pub fn domains() -> String {
    format!(
        "SELECT n.nspname::pg_catalog.text AS schema, t.typname::pg_catalog.text AS name,
                pg_catalog.format_type(t.typbasetype, t.typtypmod) AS full_type,
                pg_catalog.format_type(t.typbasetype, NULL) AS base_formatted, t.typnotnull AS not_null,
                pg_catalog.pg_get_expr(t.typdefaultbin, 0) AS default_value,
                ARRAY(SELECT pg_catalog.pg_get_constraintdef(c.oid) FROM pg_catalog.pg_constraint c
                      WHERE c.contypid {eq} t.oid AND c.contype {eq} 'c' ORDER BY c.conname) AS checks
         FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid {eq} t.typnamespace
         WHERE t.typtype {eq} 'd' AND {USER_TYPE}
         ORDER BY n.nspname, t.typname",
        eq = eq!()
    )
}

/// Views and materialized views, with their columns and query. Deparsing a query
/// (`pg_get_viewdef`) takes an ACCESS SHARE lock on the view and on every relation it
/// reads, held until the snapshot ends. So the query (NULL when not read) is read only
/// for a view that reads no locked table (`$1`, see [`SERVER`]), and only while the
/// relations all views would lock fit in a quarter of the server's lock table
/// ([`LOCK_TABLE_HALF`] / 2; sequence values may take the next half).
///
/// `pg_get_viewdef` finds the view's rule with a query of its own (PostgreSQL 12–18)
/// whose `=` is resolved through the search path: it is safe against a hostile owner
/// only because the session's path is pinned with `pg_catalog` first
/// (`tests/hostile_database.rs` shows both).
pub fn views() -> String {
    format!(
        "SELECT n.nspname::pg_catalog.text AS schema, c.relname::pg_catalog.text AS name,
                c.relkind {eq} 'm' AS materialized, c.relispopulated AS populated,
                ARRAY(SELECT a.attname::pg_catalog.text FROM pg_catalog.pg_attribute a
                      WHERE a.attrelid {eq} c.oid AND a.attnum OPERATOR(pg_catalog.>) 0
                        AND NOT a.attisdropped
                      ORDER BY a.attnum) AS columns,
                CASE WHEN (SELECT pg_catalog.count(*) FROM (
                             SELECT c.oid FROM pg_catalog.pg_class c
                             JOIN pg_catalog.pg_namespace n ON n.oid {eq} c.relnamespace
                             WHERE c.relkind {eq} ANY (ARRAY['v', 'm']::pg_catalog.\"char\"[]) AND {USER_RELATION}
                             UNION
                             SELECT d.refobjid FROM pg_catalog.pg_class c
                             JOIN pg_catalog.pg_namespace n ON n.oid {eq} c.relnamespace
                             JOIN pg_catalog.pg_rewrite r ON r.ev_class {eq} c.oid
                             JOIN pg_catalog.pg_depend d
                               ON d.classid {eq} 'pg_catalog.pg_rewrite'::pg_catalog.regclass
                              AND d.objid {eq} r.oid
                              AND d.refclassid {eq} 'pg_catalog.pg_class'::pg_catalog.regclass
                             WHERE c.relkind {eq} ANY (ARRAY['v', 'm']::pg_catalog.\"char\"[]) AND {USER_RELATION}) l)
                          OPERATOR(pg_catalog.>) (({LOCK_TABLE_HALF}) OPERATOR(pg_catalog./) 2)
                       OR {locked_view} OR EXISTS (
                       SELECT 1 FROM pg_catalog.pg_rewrite r
                       JOIN pg_catalog.pg_depend d
                         ON d.classid {eq} 'pg_catalog.pg_rewrite'::pg_catalog.regclass
                        AND d.objid {eq} r.oid
                       WHERE r.ev_class {eq} c.oid
                         AND d.refclassid {eq} 'pg_catalog.pg_class'::pg_catalog.regclass
                         AND {locked_reference})
                     THEN NULL ELSE pg_catalog.pg_get_viewdef(c.oid) END AS query,
                ARRAY(SELECT i.relname::pg_catalog.text
                      FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class i ON i.oid {eq} x.indexrelid
                      WHERE x.indrelid {eq} c.oid AND c.relkind {eq} 'm' AND x.indisunique
                        AND x.indimmediate AND x.indisvalid AND x.indpred IS NULL
                        AND x.indexprs IS NULL
                      ORDER BY i.relname) AS unique_indexes
         FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid {eq} c.relnamespace
         WHERE c.relkind {eq} ANY (ARRAY['v', 'm']::pg_catalog.\"char\"[]) AND {USER_RELATION}
         ORDER BY n.nspname, c.relname",
        eq = eq!(),
        locked_view = locked("c.oid"),
        locked_reference = locked("d.refobjid"),
    )
}

/// Sequences. `last_value` is read only where the role has SELECT or USAGE on the
/// sequence (`readable`); reading it takes a RowExclusiveLock on the sequence, so a
/// lock held on it ends this query at `lock_timeout` and inspect reads the sequences
/// again without values ([`sequences_without_values`]).
/// Half the server's shared lock table, in locks: `max_locks_per_transaction ×
/// (max_connections + max_prepared_transactions)` ("Lock Management" in the
/// documentation's server configuration chapter).
const LOCK_TABLE_HALF: &str = "pg_catalog.current_setting('max_locks_per_transaction')::pg_catalog.int8
        OPERATOR(pg_catalog.*) (pg_catalog.current_setting('max_connections')::pg_catalog.int8
            OPERATOR(pg_catalog.+) pg_catalog.current_setting('max_prepared_transactions')::pg_catalog.int8)
        OPERATOR(pg_catalog./) 2";

/// Reading a sequence's value takes a lock on it until the end of the transaction.
/// The values are read only while the sequences fit in half the server's shared lock
/// table ([`LOCK_TABLE_HALF`]): all sessions share it, so more would take slots the
/// application's transactions need, and past its size the read fails with "out of
/// shared memory". `values_fit` says whether they were read.
pub fn sequences() -> String {
    sequences_query(&format!(
        "CASE WHEN pg_catalog.has_sequence_privilege(c.oid, 'SELECT,USAGE')
                   AND (SELECT pg_catalog.count(*) FROM pg_catalog.pg_sequence)
                       OPERATOR(pg_catalog.<=) ({half})
              THEN pg_catalog.pg_sequence_last_value(c.oid)::pg_catalog.int8 END",
        half = LOCK_TABLE_HALF
    ))
}

/// [`sequences`] without reading any sequence's value (no lock on any sequence).
pub fn sequences_without_values() -> String {
    sequences_query("NULL::pg_catalog.int8")
}

fn sequences_query(last_value: &str) -> String {
    format!(
        "SELECT n.nspname::pg_catalog.text AS schema, c.relname::pg_catalog.text AS name,
                pg_catalog.format_type(s.seqtypid, NULL) AS data_type, s.seqmax::pg_catalog.int8 AS max_value,
                s.seqmin::pg_catalog.int8 AS min_value, s.seqstart::pg_catalog.int8 AS start_value,
                s.seqincrement::pg_catalog.int8 AS increment, s.seqcache::pg_catalog.int8 AS cache,
                s.seqcycle AS cycle,
                tn.nspname::pg_catalog.text AS owner_schema, tc.relname::pg_catalog.text AS owner_table,
                a.attname::pg_catalog.text AS owner_column,
                pg_catalog.has_sequence_privilege(c.oid, 'SELECT,USAGE') AS readable,
                (SELECT pg_catalog.count(*) FROM pg_catalog.pg_sequence)
                    OPERATOR(pg_catalog.<=) ({half}) AS values_fit,
                {last_value} AS last_value
         FROM pg_catalog.pg_sequence s
         JOIN pg_catalog.pg_class c ON c.oid {eq} s.seqrelid
         JOIN pg_catalog.pg_namespace n ON n.oid {eq} c.relnamespace
         LEFT JOIN pg_catalog.pg_depend d ON d.classid {eq} 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid {eq} c.oid
              AND d.refclassid {eq} 'pg_catalog.pg_class'::pg_catalog.regclass
              AND d.deptype {eq} ANY (ARRAY['a', 'i']::pg_catalog.\"char\"[])
         LEFT JOIN pg_catalog.pg_class tc ON tc.oid {eq} d.refobjid
         LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid {eq} tc.relnamespace
         LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid {eq} d.refobjid AND a.attnum {eq} d.refobjsubid
         WHERE {USER_RELATION}
         ORDER BY n.nspname, c.relname",
        half = LOCK_TABLE_HALF,
        eq = eq!()
    )
}

pub fn policies() -> String {
    format!(
        "SELECT p.polrelid::pg_catalog.int8 AS table_oid, p.polname::pg_catalog.text AS name,
                p.polcmd::pg_catalog.text AS command, p.polpermissive AS permissive,
                ARRAY(SELECT CASE WHEN r {eq} 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid(r)::pg_catalog.text END
                      FROM pg_catalog.unnest(p.polroles) r) AS roles,
                CASE WHEN NOT {locked} THEN pg_catalog.pg_get_expr(p.polqual, p.polrelid) END AS using_expr,
                CASE WHEN NOT {locked} THEN pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) END AS with_check_expr
         FROM pg_catalog.pg_policy p JOIN pg_catalog.pg_class c ON c.oid {eq} p.polrelid
         JOIN pg_catalog.pg_namespace n ON n.oid {eq} c.relnamespace
         WHERE {USER_RELATION}
         ORDER BY p.polrelid, p.polname",
        eq = eq!(),
        locked = locked("p.polrelid")
    )
}

/// Table locks granted to transactions that run nothing: sessions idle in a
/// transaction (`pg_stat_activity.state`, also `(aborted)`) and prepared transactions
/// (`pg_prepared_xacts`, matched through the lock each holds on its own transaction
/// id, which shares the holder's `virtualtransaction`). One row per table, holder and
/// mode, with how long the lock has been held at least (seconds since the session
/// went idle, or since `PREPARE TRANSACTION`), the table's use since the statistics
/// were reset (index scans, rows read by sequential scans, rows written: not
/// `seq_scan`, which an index build counts too), and how many sessions wait for a
/// lock on it now.
///
/// Client sessions of other roles are listed too, with `hidden` set: their state and
/// `backend_type` are NULL unless this role has `pg_read_all_stats`, while their
/// user is shown to all (background workers such as autovacuum have none). Nothing on a standby (its locks
/// stop no write). `pg_locks` and `pg_stat_activity` lock no relation.
pub fn held_locks() -> String {
    format!(
        "SELECT n.nspname::pg_catalog.text AS schema, c.relname::pg_catalog.text AS name,
                l.mode::pg_catalog.text AS mode, a.pid::pg_catalog.int4 AS pid,
                a.usename::pg_catalog.text AS role, p.gid::pg_catalog.text AS gid,
                (a.usesysid IS NOT NULL AND a.state IS NULL) AS hidden,
                EXTRACT(EPOCH FROM pg_catalog.now() OPERATOR(pg_catalog.-) COALESCE(a.state_change, p.prepared))::pg_catalog.float8 AS held_seconds,
                COALESCE(st.idx_scan, 0)::pg_catalog.int8 AS index_scans,
                COALESCE(st.seq_tup_read, 0)::pg_catalog.int8 AS rows_read_sequentially,
                (COALESCE(st.n_tup_ins, 0) OPERATOR(pg_catalog.+) COALESCE(st.n_tup_upd, 0)
                   OPERATOR(pg_catalog.+) COALESCE(st.n_tup_del, 0))::pg_catalog.int8 AS rows_written,
                (SELECT pg_catalog.count(DISTINCT w.pid) FROM pg_catalog.pg_locks w
                  WHERE w.locktype {eq} 'relation' AND w.database {eq} l.database
                    AND w.relation {eq} l.relation AND NOT w.granted)::pg_catalog.int8 AS waiting
         FROM pg_catalog.pg_locks l
         JOIN pg_catalog.pg_class c ON c.oid {eq} l.relation
         JOIN pg_catalog.pg_namespace n ON n.oid {eq} c.relnamespace
         LEFT JOIN pg_catalog.pg_stat_user_tables st ON st.relid {eq} c.oid
         LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid {eq} l.pid
              AND (a.backend_type {eq} 'client backend' OR a.backend_type IS NULL)
         LEFT JOIN pg_catalog.pg_locks x ON l.pid IS NULL AND x.locktype {eq} 'transactionid'
              AND x.virtualtransaction {eq} l.virtualtransaction AND x.granted
         LEFT JOIN pg_catalog.pg_prepared_xacts p ON p.transaction {eq} x.transactionid
         WHERE l.locktype {eq} 'relation' AND l.granted
           AND l.database {eq} (SELECT d.oid FROM pg_catalog.pg_database d
                                 WHERE d.datname {eq} pg_catalog.current_database())
           AND (l.pid IS NULL OR l.pid OPERATOR(pg_catalog.<>) pg_catalog.pg_backend_pid())
           AND NOT pg_catalog.pg_is_in_recovery()
           AND (a.state OPERATOR(pg_catalog.~~) 'idle in transaction%' OR (a.usesysid IS NOT NULL AND a.state IS NULL)
                OR p.gid IS NOT NULL)
           AND {TABLE_KINDS} AND {USER_RELATION}
         ORDER BY n.nspname, c.relname, a.pid, p.gid, l.mode",
        eq = eq!()
    )
}

/// Which queries take the locked tables of [`SERVER`] as their parameter `$1`.
pub fn takes_locked_tables(query: &str) -> bool {
    query.contains("$1")
}

/// Every catalog query, in the order `inspect` runs them, for a server version.
/// Their number does not depend on the schema's size; `sequences_without_values`
/// runs in addition only when a lock on a sequence stopped [`sequences`].
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
        held_locks(),
    ]
}

/// Objects of kinds the model does not hold, one row each (`kind`, `schema`, `name`),
/// for `dblint diff`'s "not compared" inventory: functions, procedures, aggregates,
/// triggers, rules, statistics objects, composite, range and base types, collations,
/// operators, text search configurations, casts, event triggers and publications
/// that belong to the user (not in a system schema, not created by an extension).
/// Names only: nothing is deparsed, so no table lock is taken.
pub fn unmodelled() -> String {
    format!(
        "SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate'
                     WHEN 'w' THEN 'window function' ELSE 'function' END AS kind,
                n.nspname::pg_catalog.text AS schema,
                (p.proname::pg_catalog.text OPERATOR(pg_catalog.||) '(' OPERATOR(pg_catalog.||)
                 pg_catalog.oidvectortypes(p.proargtypes) OPERATOR(pg_catalog.||) ')') AS name
         FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid {eq} p.pronamespace
         WHERE {user_proc}
         UNION ALL
         SELECT 'trigger', n.nspname::pg_catalog.text,
                (c.relname::pg_catalog.text OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) tg.tgname::pg_catalog.text)
         FROM pg_catalog.pg_trigger tg JOIN pg_catalog.pg_class c ON c.oid {eq} tg.tgrelid
              JOIN pg_catalog.pg_namespace n ON n.oid {eq} c.relnamespace
         WHERE NOT tg.tgisinternal AND {USER_RELATION}
         UNION ALL
         SELECT 'rule', n.nspname::pg_catalog.text,
                (c.relname::pg_catalog.text OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) r.rulename::pg_catalog.text)
         FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class c ON c.oid {eq} r.ev_class
              JOIN pg_catalog.pg_namespace n ON n.oid {eq} c.relnamespace
         WHERE r.rulename OPERATOR(pg_catalog.<>) '_RETURN' AND {USER_RELATION}
         UNION ALL
         SELECT 'statistics object', n.nspname::pg_catalog.text, s.stxname::pg_catalog.text
         FROM pg_catalog.pg_statistic_ext s JOIN pg_catalog.pg_namespace n ON n.oid {eq} s.stxnamespace
         WHERE {user_statistics}
         UNION ALL
         SELECT CASE t.typtype WHEN 'c' THEN 'composite type' WHEN 'b' THEN 'base type' ELSE 'range type' END,
                n.nspname::pg_catalog.text, t.typname::pg_catalog.text
         FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid {eq} t.typnamespace
              LEFT JOIN pg_catalog.pg_class c ON c.oid {eq} t.typrelid
         WHERE ((t.typtype {eq} 'c' AND c.relkind {eq} 'c') OR t.typtype {eq} 'r'
                OR (t.typtype {eq} 'b' AND t.typcategory OPERATOR(pg_catalog.<>) 'A'))
           AND {USER_TYPE}
         UNION ALL
         SELECT 'collation', n.nspname::pg_catalog.text, co.collname::pg_catalog.text
         FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace n ON n.oid {eq} co.collnamespace
         WHERE {user_collation}
         UNION ALL
         SELECT 'operator', n.nspname::pg_catalog.text, o.oprname::pg_catalog.text
         FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace n ON n.oid {eq} o.oprnamespace
         WHERE {user_operator}
         UNION ALL
         SELECT 'text search configuration', n.nspname::pg_catalog.text, ts.cfgname::pg_catalog.text
         FROM pg_catalog.pg_ts_config ts JOIN pg_catalog.pg_namespace n ON n.oid {eq} ts.cfgnamespace
         WHERE {user_ts_config}
         UNION ALL
         SELECT 'cast', '', (pg_catalog.format_type(ca.castsource, NULL) OPERATOR(pg_catalog.||) ' AS '
                             OPERATOR(pg_catalog.||) pg_catalog.format_type(ca.casttarget, NULL))
         FROM pg_catalog.pg_cast ca
         WHERE ca.oid OPERATOR(pg_catalog.>=) 16384
           AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                           WHERE d.classid {eq} 'pg_catalog.pg_cast'::pg_catalog.regclass
                             AND d.objid {eq} ca.oid AND d.deptype {eq} 'e')
         UNION ALL
         SELECT 'event trigger', '', e.evtname::pg_catalog.text FROM pg_catalog.pg_event_trigger e
         WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                           WHERE d.classid {eq} 'pg_catalog.pg_event_trigger'::pg_catalog.regclass
                             AND d.objid {eq} e.oid AND d.deptype {eq} 'e')
         UNION ALL
         SELECT 'publication', '', pub.pubname::pg_catalog.text FROM pg_catalog.pg_publication pub
         ORDER BY 1, 2, 3",
        eq = eq!(),
        user_proc = user_object!("pg_proc", "p.oid"),
        user_statistics = user_object!("pg_statistic_ext", "s.oid"),
        user_collation = user_object!("pg_collation", "co.oid"),
        user_operator = user_object!("pg_operator", "o.oid"),
        user_ts_config = user_object!("pg_ts_config", "ts.oid"),
    )
}
