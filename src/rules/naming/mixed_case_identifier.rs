use crate::finding::Finding;
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags tables whose name or column names contain upper-case letters (or other
    /// characters that force quoting), once per table, listing the columns.
    ///
    /// Not flagged: Prisma's implicit many-to-many relation tables, whose names and
    /// columns Prisma fixes itself (Prisma docs, "Many-to-many relations",
    /// conventions for relation tables: `_` + the relation's name, e.g.
    /// `_CategoryToPost`, with exactly the columns `A` and `B`); the user cannot
    /// choose other names for them.
    ///
    /// ## Why is this bad?
    /// PostgreSQL folds unquoted identifiers to lower case, so `"createdAt"` must be
    /// double-quoted in every query, psql session, BI tool and migration forever;
    /// `SELECT createdAt` fails with "column createdat does not exist". Prisma's
    /// default camelCase mapping produces this.
    ///
    /// ## Example
    /// ```sql
    /// CREATE TABLE "User" (id text PRIMARY KEY, "createdAt" timestamp(3));
    /// ```
    ///
    /// ## Fix
    /// Map names to snake_case in the ORM (Prisma `@map` / `@@map`) and rename:
    /// ```sql
    /// ALTER TABLE "User" RENAME COLUMN "createdAt" TO created_at;
    /// ALTER TABLE "User" RENAME TO users;
    /// ```
    MixedCaseIdentifier { id: "mixed-case-identifier", summary: "Identifiers that must be double-quoted forever", evidence: Convention }
}

/// Prisma's implicit many-to-many table: `_<relation>` with columns `A` and `B` only.
fn is_prisma_relation_table(table: &crate::model::Table) -> bool {
    let mut columns: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
    columns.sort_unstable();
    table.name.name.starts_with('_') && columns == ["A", "B"]
}

/// Upper-case ASCII letters or characters that force quoting; a lower-case
/// non-ASCII name (`café`) needs no quotes (see [`crate::model::needs_quotes`]).
fn needs_quoting(name: &str) -> bool {
    crate::model::needs_quotes(name)
}

impl Rule for MixedCaseIdentifier {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut out = Vec::new();
        for table in ctx
            .db
            .tables
            .values()
            .filter(|t| !t.is_partition() && !is_prisma_relation_table(t))
        {
            let columns: Vec<&str> = table
                .columns
                .iter()
                .map(|c| c.name.as_str())
                .filter(|c| needs_quoting(c))
                .collect();
            let table_odd = needs_quoting(&table.name.name);
            if columns.is_empty() && !table_odd {
                continue;
            }
            let mut what = Vec::new();
            if table_odd {
                what.push(format!("table name \"{}\"", table.name.name));
            }
            if !columns.is_empty() {
                let noun = if columns.len() == 1 {
                    "column"
                } else {
                    "columns"
                };
                what.push(format!(
                    "{} {noun} of {} ({})",
                    columns.len(),
                    table.name.name,
                    columns.join(", ")
                ));
            }
            out.push(
                ctx.finding(&table.name, format!("{} must be double-quoted in every query", what.join(" and ")))
                    .object("identifiers")
                    .help("map the names to snake_case in the ORM (Prisma: @map / @@map) and rename them in a migration (ALTER TABLE ... RENAME), or keep quoting them")
                    .location(table.location.as_ref()),
            );
        }
        out
    }
}
