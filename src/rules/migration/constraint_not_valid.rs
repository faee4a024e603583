use super::{existing, finding};
use crate::model::{quote_ident, Name, QualifiedName};
use crate::rules::{MigrationContext, Rule, RuleMeta};
use crate::source::sql::locks::add_column_validates_foreign_key;
use crate::source::sql::statement::{
    ColumnSpec, ConstraintSpec, ForeignKeySpec, Statement, TableAction,
};

declare_rule! {
    /// ## What it does
    /// Flags `ADD CONSTRAINT ... FOREIGN KEY` / `CHECK` without `NOT VALID`, and a
    /// `CHECK` or `REFERENCES` written inline in `ADD COLUMN`, on a table that existed
    /// before this migration, when PostgreSQL checks the existing rows against it. A
    /// new column's `REFERENCES` is not checked when the column has no DEFAULT
    /// clause: every row holds NULL (`transformAlterTableStmt`), so that is not
    /// flagged.
    ///
    /// ## Why is this bad?
    /// Adding the constraint checks every existing row while holding the lock: SHARE
    /// ROW EXCLUSIVE on both tables for a foreign key, ACCESS EXCLUSIVE for a CHECK.
    /// Writes (or everything) stop for as long as the scan takes.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);
    /// ```
    ///
    /// ## Fix
    /// Add it without checking old rows (a brief lock), then validate, which only
    /// takes SHARE UPDATE EXCLUSIVE, in a separate transaction:
    /// ```sql
    /// ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
    /// -- next migration / transaction:
    /// ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;
    /// ```
    ConstraintNotValid { id: "constraint-not-valid", summary: "FOREIGN KEY / CHECK added without NOT VALID scans under lock", evidence: Behaviour, kind: Migration }
}

impl Rule for ConstraintNotValid {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, ctx: &MigrationContext) -> Vec<crate::finding::Finding> {
        let Statement::AlterTable { table, actions, .. } = ctx.event.statement else {
            return Vec::new();
        };
        let Some(q) = existing(ctx, table) else {
            return Vec::new();
        };
        let partitioned = ctx
            .event
            .db
            .table(&q)
            .is_some_and(|t| t.kind == crate::model::TableKind::Partitioned);
        let mut out = Vec::new();
        for action in actions {
            match action {
                TableAction::AddConstraint(ConstraintSpec::ForeignKey(fk)) if partitioned => {
                    out.extend(partitioned_foreign_key(ctx, &q, fk));
                }
                TableAction::AddConstraint(spec) => {
                    if let Some((kind, name, lock)) = validated(spec, &q, None) {
                        let fix = format!(
                            "{} NOT VALID;\n-- then, in a separate transaction:\nALTER TABLE {} VALIDATE CONSTRAINT {};",
                            ctx.event.sql.trim_end_matches(';'),
                            q.sql(),
                            quote_ident(&name)
                        );
                        out.push(report(ctx, &q, kind, &name, lock, fix));
                    }
                }
                TableAction::AddColumn { column, .. } => {
                    for spec in &column.constraints {
                        // A new column's foreign key is checked only when the column
                        // gets a default (the model's `add_column_validates_foreign_key`):
                        // without one every row holds NULL and nothing is read.
                        if matches!(spec, ConstraintSpec::ForeignKey(_))
                            && !add_column_validates_foreign_key(column)
                        {
                            continue;
                        }
                        let Some((kind, name, lock)) =
                            validated(spec, &q, Some(&column.column.name))
                        else {
                            continue;
                        };
                        let fix = split_column(ctx, &q, column, spec, &name);
                        out.push(report(ctx, &q, kind, &name, lock, fix));
                    }
                }
                _ => {}
            }
        }
        out
    }
}

/// A FOREIGN KEY or CHECK added without NOT VALID: its kind, name (PostgreSQL's
/// default name when it has none) and the lock its check holds.
fn validated(
    spec: &ConstraintSpec,
    q: &QualifiedName,
    column: Option<&str>,
) -> Option<(&'static str, String, &'static str)> {
    let (kind, name, lock) = match spec {
        ConstraintSpec::ForeignKey(fk) if !fk.not_valid => (
            "FOREIGN KEY",
            fk.name.clone(),
            "SHARE ROW EXCLUSIVE on both tables (blocks writes)",
        ),
        ConstraintSpec::Check {
            name,
            not_valid: false,
            ..
        } => (
            "CHECK",
            name.clone(),
            "ACCESS EXCLUSIVE (blocks every read and write)",
        ),
        _ => return None,
    };
    let name = name.map(|n| n.to_string()).unwrap_or_else(|| {
        let suffix = if kind == "CHECK" { "check" } else { "fkey" };
        match column {
            Some(column) => format!("{}_{column}_{suffix}", q.name),
            None => format!("{}_{suffix}", q.name),
        }
    });
    Some((kind, name, lock))
}

fn report(
    ctx: &MigrationContext,
    q: &QualifiedName,
    kind: &str,
    name: &str,
    lock: &str,
    fix: String,
) -> crate::finding::Finding {
    finding(
        ctx,
        q,
        name,
        format!("adding {kind} {name} checks every existing row of {q} while holding {lock}"),
        fix,
    )
    .claims_scan()
}

/// The fix for a constraint written inline in `ADD COLUMN`: the column without it,
/// then the constraint `NOT VALID`, then `VALIDATE` in a separate transaction. Advice
/// when the column has other inline constraints (a key) the fix would have to repeat.
fn split_column(
    ctx: &MigrationContext,
    q: &QualifiedName,
    column: &ColumnSpec,
    spec: &ConstraintSpec,
    name: &str,
) -> String {
    let c = &column.column;
    let others = column.constraints.iter().any(|o| {
        !matches!(
            o,
            ConstraintSpec::ForeignKey(_) | ConstraintSpec::Check { .. }
        )
    });
    let constraint = match spec {
        ConstraintSpec::ForeignKey(fk) => {
            foreign_key_clause(ctx, fk, std::slice::from_ref(&c.name))
        }
        ConstraintSpec::Check { expression, .. } => format!("CHECK ({expression})"),
        _ => return String::new(),
    };
    if others || !fk_set_columns_empty(spec) {
        return format!(
            "-- add {} without its inline {} constraint, then add the constraint NOT VALID and VALIDATE it in a separate transaction",
            c.name,
            if constraint.starts_with("CHECK") { "CHECK" } else { "REFERENCES" }
        );
    }
    let t = q.sql();
    let mut add = format!(
        "ALTER TABLE {t} ADD COLUMN {} {}",
        quote_ident(&c.name),
        c.data_type.sql()
    );
    if let Some(d) = &c.default {
        add.push_str(&format!(" DEFAULT {d}"));
    }
    if c.not_null {
        add.push_str(" NOT NULL");
    }
    format!(
        "{add};\nALTER TABLE {t} ADD CONSTRAINT {n} {constraint} NOT VALID;\n-- then, in a separate transaction:\nALTER TABLE {t} VALIDATE CONSTRAINT {n};",
        n = quote_ident(name)
    )
}

/// `ON DELETE SET NULL (columns)`: kept out of the generated fix (the fix would
/// have to repeat the list).
fn fk_set_columns_empty(spec: &ConstraintSpec) -> bool {
    match spec {
        ConstraintSpec::ForeignKey(fk) => fk.delete_set_columns.is_empty(),
        _ => true,
    }
}

/// `FOREIGN KEY (columns) REFERENCES table (columns) [MATCH FULL] [ON DELETE …] [ON
/// UPDATE …] [DEFERRABLE [INITIALLY DEFERRED]]`, the referenced table qualified.
fn foreign_key_clause(ctx: &MigrationContext, fk: &ForeignKeySpec, columns: &[Name]) -> String {
    let references =
        crate::source::sql::locks::resolve(ctx.event.db, ctx.event.search_path, &fk.references)
            .map(|r| r.sql())
            .unwrap_or_else(|| fk.references.to_string());
    let list = |names: &[Name]| -> String {
        names
            .iter()
            .map(|n| quote_ident(n))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut sql = format!("FOREIGN KEY ({}) REFERENCES {references}", list(columns));
    if !fk.referenced_columns.is_empty() {
        sql.push_str(&format!(" ({})", list(&fk.referenced_columns)));
    }
    if fk.match_type == crate::model::MatchType::Full {
        sql.push_str(" MATCH FULL");
    }
    if fk.on_delete != crate::model::FkAction::NoAction {
        sql.push_str(&format!(" ON DELETE {}", fk.on_delete.sql()));
    }
    if fk.on_update != crate::model::FkAction::NoAction {
        sql.push_str(&format!(" ON UPDATE {}", fk.on_update.sql()));
    }
    if fk.deferrable {
        sql.push_str(" DEFERRABLE");
        if fk.initially_deferred {
            sql.push_str(" INITIALLY DEFERRED");
        }
    }
    sql
}

/// A foreign key added to a partitioned table. The model says which partitions it
/// checks (those without the same valid key already: `locks::effects`); none, and
/// there is nothing to report. `NOT VALID` there is refused before PostgreSQL 18
/// ("cannot add NOT VALID foreign key on partitioned table"), so the safe sequence
/// is the key on each partition first (NOT VALID, then VALIDATE), then on the
/// parent, which attaches them and checks nothing (checked with `dblint trace` on 12
/// to 18).
fn partitioned_foreign_key(
    ctx: &MigrationContext,
    q: &QualifiedName,
    fk: &ForeignKeySpec,
) -> Option<crate::finding::Finding> {
    let name = fk.name.as_ref().map(|n| n.to_string()).unwrap_or_else(|| {
        format!(
            "{}_{}_fkey",
            q.name,
            fk.columns.first().map(|c| c.as_str()).unwrap_or("")
        )
    });
    // The leaves a validating key reads (the model's `foreign_key_partitions`): what
    // the per-partition fix covers, and, unless NOT VALID, what this statement reads.
    let target =
        crate::source::sql::locks::resolve(ctx.event.db, ctx.event.search_path, &fk.references);
    let leaves: Vec<QualifiedName> =
        crate::source::sql::locks::foreign_key_partitions(ctx.event.db, q, target.as_ref(), fk)
            .into_iter()
            .filter(|p| p.validated)
            .map(|p| p.partition)
            .collect();
    let checked: Vec<&QualifiedName> = if fk.not_valid {
        Vec::new()
    } else {
        leaves.iter().collect()
    };
    let per_partition = || -> String {
        let clause = foreign_key_clause(ctx, fk, &fk.columns);
        let mut sql =
            String::from("-- the key on each partition first, checked without blocking writes:\n");
        for p in &leaves {
            sql.push_str(&format!(
                "ALTER TABLE {} ADD CONSTRAINT {} {clause} NOT VALID;\n",
                p.sql(),
                quote_ident(&name)
            ));
        }
        sql.push_str("-- then, in a separate transaction:\n");
        for p in &leaves {
            sql.push_str(&format!(
                "ALTER TABLE {} VALIDATE CONSTRAINT {};\n",
                p.sql(),
                quote_ident(&name)
            ));
        }
        sql.push_str(&format!(
            "-- then the key on the parent, which attaches the partitions' keys and checks nothing:\nALTER TABLE {} ADD CONSTRAINT {} {clause};",
            q.sql(),
            quote_ident(&name)
        ));
        sql
    };
    if fk.not_valid {
        // The model says whether PostgreSQL refuses it (before 18).
        ctx.refusal_worded_here()?;
        return Some(
            finding(
                ctx,
                q,
                &name,
                format!(
                    "PostgreSQL {} refuses a NOT VALID foreign key on partitioned table {q} (allowed from 18)",
                    ctx.pg_version
                ),
                per_partition(),
            )
            .claims_refusal(),
        );
    }
    let first = *checked.first()?;
    let fix = if ctx.pg_version >= 18 {
        format!(
            "{} NOT VALID;\n-- then, in a separate transaction:\nALTER TABLE {} VALIDATE CONSTRAINT {};",
            ctx.event.sql.trim_end_matches(';'),
            q.sql(),
            quote_ident(&name)
        )
    } else {
        per_partition()
    };
    let shown: Vec<String> = checked.iter().take(3).map(|p| p.to_string()).collect();
    let more = if checked.len() > 3 {
        format!(" and {} more", checked.len() - 3)
    } else {
        String::new()
    };
    Some(
        finding(
            ctx,
            q,
            &name,
            format!(
                "adding FOREIGN KEY {name} to partitioned table {q} checks every existing row of {}{more} while holding SHARE ROW EXCLUSIVE on them and the referenced table (blocks writes)",
                shown.join(", ")
            ),
            fix,
        )
        .claims_effect(&first.to_string(), "ShareRowExclusive", true, false),
    )
}
