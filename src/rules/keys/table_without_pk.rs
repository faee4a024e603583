use crate::finding::Finding;
use crate::model::{quote_ident, Table, TableKind};
use crate::rules::analysis::{drop_index_sql, drop_made_redundant};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags tables that have no primary key. Partitions are judged through their
    /// partitioned parent; foreign tables are skipped. A table that a unique index on
    /// NOT NULL columns already identifies (Prisma's implicit many-to-many `_AToB`
    /// with its `(A, B)` unique index) is reported at `info` whatever the rule's
    /// severity: duplicates are impossible there, only the declaration is missing.
    ///
    /// ## Why is this bad?
    /// Without a primary key nothing stops duplicate rows, ORMs cannot address a row,
    /// and logical replication cannot replicate UPDATE or DELETE on the table (it
    /// needs a replica identity: the primary key by default; "31.1. Publication").
    ///
    /// ## Example
    /// ```sql
    /// CREATE TABLE "_CategoryToPost" ("A" text NOT NULL, "B" text NOT NULL);
    /// CREATE UNIQUE INDEX "_CategoryToPost_AB_unique" ON "_CategoryToPost" ("A", "B");
    /// ```
    ///
    /// ## Fix
    /// By what the table already has (PostgreSQL docs: `ALTER TABLE`'s
    /// `table_constraint_using_index`; "5.12.2.3. Limitations" of partitioned tables):
    /// - a unique index on NOT NULL plain columns in default btree order becomes the
    ///   key (`PRIMARY KEY USING INDEX`, no rebuild); on a partitioned table, where
    ///   `USING INDEX` is not supported, the key is added on its columns and the index
    ///   dropped;
    /// - a unique *constraint* on such columns: a new unique index is built
    ///   CONCURRENTLY and swapped in for it; when a foreign key depends on the
    ///   constraint it cannot be dropped, so there is advice instead;
    /// - a link table (every column in a foreign key, all NOT NULL, like Prisma's
    ///   implicit many-to-many `_AToB`): a unique index on all its columns becomes
    ///   the key, as Prisma 6 declares it;
    /// - a column `id`: a unique index on it becomes the key, after a validated CHECK
    ///   has let `SET NOT NULL` skip its scan if `id` is nullable (this fails, naming
    ///   the row, while `id` has duplicates or NULLs);
    /// - otherwise an identity column is added as the key. Adding it at once rewrites
    ///   the table under ACCESS EXCLUSIVE (every row takes a value from the sequence;
    ///   PostgreSQL docs, `ALTER TABLE`, Notes), so on a table of a million rows or
    ///   more (the live row estimate) the fix is a sequence of steps that rewrite
    ///   nothing: a nullable `id` with a sequence default for new rows, a backfill a
    ///   page range at a time with a COMMIT after each (in a DO block run in
    ///   autocommit mode), NOT NULL proven by a validated CHECK, the key's index built
    ///   CONCURRENTLY, and last `id` made an identity column whose sequence goes on
    ///   from the backfill's. A partitioned table gets advice: its key must include
    ///   the partition key columns.
    /// ```sql
    /// ALTER TABLE "_CategoryToPost" ADD CONSTRAINT "_CategoryToPost_pkey" PRIMARY KEY USING INDEX "_CategoryToPost_AB_unique";
    /// ALTER TABLE events ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;
    /// ```
    TableWithoutPk { id: "table-without-pk", summary: "Table has no primary key", evidence: Structure }
}

impl Rule for TableWithoutPk {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut out = Vec::new();
        for table in ctx.db.tables.values() {
            if table.primary_key.is_some()
                || table.is_partition()
                || table.kind == TableKind::Foreign
            {
                continue;
            }
            // A unique index on NOT NULL columns already identifies every row: what is
            // missing is the declaration (a replica identity, ORM metadata), not the
            // guarantee, so the finding is the lesser form.
            let identified_by = table.indexes.iter().find(|i| identifies_rows(table, i));
            let finding = match identified_by {
                Some(index) => ctx
                    .finding(
                        &table.name,
                        format!(
                            "table {} has no primary key, though unique index {} on NOT NULL ({}) identifies its rows: declare it the key (logical replication of UPDATE and DELETE needs a replica identity)",
                            table.name,
                            index.name.name,
                            index.keys_sql()
                        ),
                    )
                    .downgraded(),
                None => ctx.finding(
                    &table.name,
                    format!("table {} has no primary key", table.name),
                ),
            }
            .location(table.location.as_ref());
            out.push(with_fix(ctx, table, finding));
        }
        out
    }
}

/// Whether `index` already identifies every row: valid, unique, not partial, on
/// plain NOT NULL columns.
fn identifies_rows(table: &Table, index: &crate::model::Index) -> bool {
    index.unique
        && index.valid
        && index.predicate.is_none()
        && index.plain_key_columns().is_some_and(|cols| {
            cols.iter()
                .all(|c| table.column(c).is_some_and(|col| col.not_null))
        })
}

/// The finding with its fix, or advice where no statement can be given (see the
/// rule's `## Fix`).
fn with_fix(ctx: &Context, table: &Table, finding: Finding) -> Finding {
    let partitioned = table.kind == TableKind::Partitioned;
    let pkey = format!("{}_pkey", table.name.name);
    // One that can become the key as it is: a default-order btree without INCLUDE.
    let candidate = table.indexes.iter().find(|i| {
        identifies_rows(table, i)
            && i.include.is_empty()
            && i.method == "btree"
            && i.keys.iter().all(|k| {
                !k.descending && !k.nulls_first && k.opclass.is_none() && k.collation.is_none()
            })
    });
    let referenced = |columns: &[&str]| {
        ctx.links.referencing(&table.name).any(|(_, fk)| {
            fk.referenced_columns.len() == columns.len()
                && fk
                    .referenced_columns
                    .iter()
                    .all(|c| columns.contains(&c.as_str()))
        })
    };
    let t = table.name.sql();
    match candidate {
        Some(index) => {
            let columns = index.plain_key_columns().unwrap_or_default();
            let keys = index.keys_sql();
            if index.is_constraint() && referenced(&columns) {
                return finding.help(format!(
                    "the unique constraint {} already identifies rows, but foreign keys depend on it, so it cannot be swapped for a primary key in place: add one with ALTER TABLE {t} ADD PRIMARY KEY ({keys}) and move the foreign keys to it",
                    index.name.name
                ));
            }
            if partitioned {
                return finding.fix(format!(
                    "ALTER TABLE {t} ADD CONSTRAINT {} PRIMARY KEY ({keys});\n{}",
                    quote_ident(&pkey),
                    drop_index_sql(table, index)
                ));
            }
            if index.is_constraint() {
                let name = quote_ident(&pkey);
                return finding.fix(format!(
                    "-- the unique constraint {} already identifies rows: build its index again as the key's\nCREATE UNIQUE INDEX CONCURRENTLY {name} ON {t} ({keys});\nALTER TABLE {t} DROP CONSTRAINT {}, ADD CONSTRAINT {name} PRIMARY KEY USING INDEX {name};",
                    quote_ident(&index.name.name),
                    quote_ident(&index.name.name),
                ));
            }
            finding.fix(format!(
                "ALTER TABLE {t} ADD CONSTRAINT {} PRIMARY KEY USING INDEX {};",
                quote_ident(&pkey),
                quote_ident(&index.name.name)
            ))
        }
        // A link table's rows are its foreign keys' columns: they are the key (as
        // Prisma 6 gives its implicit many-to-many tables `PRIMARY KEY ("A", "B")`).
        None if !partitioned
            && crate::rules::analysis::is_link_table(table)
            && table.columns.iter().all(|c| c.not_null) =>
        {
            let name = quote_ident(&pkey);
            let keys: Vec<String> = table.columns.iter().map(|c| quote_ident(&c.name)).collect();
            let keys = keys.join(", ");
            let columns: Vec<crate::model::Name> =
                table.columns.iter().map(|c| c.name.clone()).collect();
            let mut statements = vec![format!(
                "CREATE UNIQUE INDEX CONCURRENTLY {name} ON {t} ({keys});\nALTER TABLE {t} ADD CONSTRAINT {name} PRIMARY KEY USING INDEX {name};"
            )];
            // An index on the first foreign key's column is now a prefix of the key.
            statements.extend(drop_made_redundant(table, &columns, None));
            finding.fix(statements.join("\n"))
        }
        None if partitioned => finding.help(format!(
            "a partitioned table's primary key must include its partition key columns: ALTER TABLE {t} ADD PRIMARY KEY (<key columns>, <partition key columns>)"
        )),
        None if table.column("id").is_some() => {
            let name = quote_ident(&pkey);
            // A primary key sets NOT NULL on a nullable `id`, scanning under ACCESS
            // EXCLUSIVE: prove it with a validated CHECK first (no scan on 12+).
            let not_null = if table.column("id").is_some_and(|c| !c.not_null) {
                let chk = quote_ident(&format!("{}_id_not_null", table.name.name));
                format!(
                    "ALTER TABLE {t} ADD CONSTRAINT {chk} CHECK (id IS NOT NULL) NOT VALID;\nALTER TABLE {t} VALIDATE CONSTRAINT {chk};\nALTER TABLE {t} ALTER COLUMN id SET NOT NULL;\nALTER TABLE {t} DROP CONSTRAINT {chk};\n"
                )
            } else {
                String::new()
            };
            finding.fix(format!(
                "{not_null}CREATE UNIQUE INDEX CONCURRENTLY {name} ON {t} (id);\nALTER TABLE {t} ADD CONSTRAINT {name} PRIMARY KEY USING INDEX {name};"
            ))
        }
        None if table
            .stats
            .is_some_and(|s| s.estimated_rows >= crate::score::LARGE_TABLE_ROWS) =>
        {
            finding.fix(identity_in_steps(table))
        }
        None => finding.fix(format!(
            "-- on a large table, add the key in steps that rewrite nothing (`dblint explain table-without-pk`)\nALTER TABLE {t} ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;"
        )),
    }
}

/// Rows per batch of the backfill, in heap pages (about 5,000 to 20,000 rows).
const BACKFILL_PAGES: u32 = 100;

/// An identity key added to a large table without rewriting it (adding an identity
/// column fills every row at once, under ACCESS EXCLUSIVE): a plain nullable column,
/// a sequence as its default for new rows, a backfill of the old ones a page range
/// at a time with a COMMIT after each, NOT NULL proven by a validated CHECK, the key's
/// index built CONCURRENTLY, and last the column made an identity whose sequence goes
/// on from the backfill's. The backfill's sequence is not `OWNED BY` the column, or
/// `pg_get_serial_sequence` could name it instead of the identity's (a test caught
/// the identity starting at 1 again). Each statement runs alone in autocommit mode (a DO block
/// may COMMIT only there: PostgreSQL docs, "43.8. Transaction Management").
fn identity_in_steps(table: &Table) -> String {
    let t = table.name.sql();
    let base = &table.name.name;
    let seq = crate::model::QualifiedName {
        schema: table.name.schema.clone(),
        name: format!("{base}_id_backfill").into(),
    }
    .sql();
    let chk = quote_ident(&format!("{base}_id_not_null"));
    let pkey = quote_ident(&format!("{base}_pkey"));
    let lit = |sql: &str| format!("'{}'", sql.replace('\'', "''"));
    let (t_lit, seq_lit) = (lit(&t), lit(&seq));
    let pages = BACKFILL_PAGES;
    format!(
        "-- in steps: adding an identity column at once would rewrite {t} under ACCESS EXCLUSIVE
ALTER TABLE {t} ADD COLUMN id bigint;
CREATE SEQUENCE {seq} AS bigint;
ALTER TABLE {t} ALTER COLUMN id SET DEFAULT nextval({seq_lit});
-- backfill {pages} pages at a time, each batch committed (a TID range scan on PostgreSQL 14+;
-- on 12 and 13 each batch scans the table)
DO $fix$
DECLARE
  pages bigint := pg_catalog.pg_relation_size({t_lit}) / pg_catalog.current_setting('block_size')::int;
  p bigint := 0;
BEGIN
  WHILE p <= pages LOOP
    UPDATE {t} SET id = nextval({seq_lit})
      WHERE id IS NULL AND ctid >= format('(%s,0)', p)::tid AND ctid < format('(%s,0)', p + {pages})::tid;
    COMMIT;
    p := p + {pages};
  END LOOP;
END
$fix$;
ALTER TABLE {t} ADD CONSTRAINT {chk} CHECK (id IS NOT NULL) NOT VALID;
ALTER TABLE {t} VALIDATE CONSTRAINT {chk};
ALTER TABLE {t} ALTER COLUMN id SET NOT NULL;
ALTER TABLE {t} DROP CONSTRAINT {chk};
CREATE UNIQUE INDEX CONCURRENTLY {pkey} ON {t} (id);
ALTER TABLE {t} ADD CONSTRAINT {pkey} PRIMARY KEY USING INDEX {pkey};
-- an identity column from here on, its sequence going on from the backfill's
DO $fix$
BEGIN
  ALTER TABLE {t} ALTER COLUMN id DROP DEFAULT, ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
  PERFORM setval(pg_catalog.pg_get_serial_sequence({t_lit}, 'id'), nextval({seq_lit}));
END
$fix$;
DROP SEQUENCE {seq};"
    )
}
