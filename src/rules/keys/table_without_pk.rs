use crate::finding::Finding;
use crate::model::{quote_ident, TableKind};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags tables that have no primary key. Partitions are judged through their
    /// partitioned parent; foreign tables are skipped.
    ///
    /// ## Why is this bad?
    /// Without a primary key nothing stops duplicate rows, ORMs cannot address a row,
    /// and logical replication cannot replicate UPDATE or DELETE on the table.
    ///
    /// ## Example
    /// ```sql
    /// CREATE TABLE "_CategoryToPost" ("A" text NOT NULL, "B" text NOT NULL);
    /// CREATE UNIQUE INDEX "_CategoryToPost_AB_unique" ON "_CategoryToPost" ("A", "B");
    /// ```
    ///
    /// ## Fix
    /// Promote an existing unique index on NOT NULL columns, or add an identity key:
    /// ```sql
    /// ALTER TABLE "_CategoryToPost" ADD CONSTRAINT "_CategoryToPost_pkey" PRIMARY KEY USING INDEX "_CategoryToPost_AB_unique";
    /// ALTER TABLE events ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;
    /// ```
    TableWithoutPk { id: "table-without-pk", summary: "Table has no primary key" }
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
            // A unique index on NOT NULL plain columns can become the key without a rebuild.
            let candidate = table.indexes.iter().find(|i| {
                i.unique
                    && i.valid
                    && i.predicate.is_none()
                    && i.plain_key_columns().is_some_and(|cols| {
                        cols.iter()
                            .all(|c| table.column(c).is_some_and(|col| col.not_null))
                    })
            });
            let pkey = quote_ident(&format!("{}_pkey", table.name.name));
            let fix = match candidate {
                Some(index) if index.is_constraint() => format!(
                    "-- the unique constraint {} already identifies rows: make it the primary key\nALTER TABLE {} DROP CONSTRAINT {}, ADD PRIMARY KEY ({});",
                    quote_ident(&index.name.name),
                    table.name.sql(),
                    quote_ident(&index.name.name),
                    index.keys_sql()
                ),
                Some(index) => format!(
                    "ALTER TABLE {} ADD CONSTRAINT {pkey} PRIMARY KEY USING INDEX {};",
                    table.name.sql(),
                    quote_ident(&index.name.name)
                ),
                None => format!(
                    "ALTER TABLE {} ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;",
                    table.name.sql()
                ),
            };
            out.push(
                ctx.finding(
                    &table.name,
                    format!("table {} has no primary key", table.name),
                )
                .fix(fix)
                .location(table.location.as_ref()),
            );
        }
        out
    }
}
