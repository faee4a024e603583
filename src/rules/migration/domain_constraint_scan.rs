use super::finding;
use crate::finding::Finding;
use crate::model::quote_ident;
use crate::rules::{MigrationContext, Rule, RuleMeta};
use crate::source::sql::locks::domain_columns;
use crate::source::sql::replay::resolve_in;
use crate::source::sql::statement::{DomainAction, Statement};

declare_rule! {
    /// ## What it does
    /// Flags `ALTER DOMAIN ... ADD CONSTRAINT ... CHECK` without `NOT VALID`, and
    /// `ALTER DOMAIN ... SET NOT NULL`, on a domain that columns of tables existing
    /// before this migration use (directly or through a domain over it).
    ///
    /// ## Why is this bad?
    /// PostgreSQL checks every stored value of the domain: it reads every table with
    /// such a column in full, holding SHARE on each, which blocks INSERT, UPDATE and
    /// DELETE on all of them until it is done (PostgreSQL docs, `ALTER DOMAIN`: "ADD
    /// domain_constraint [ NOT VALID ]", and its Notes; "13.3. Explicit Locking";
    /// locks seen by `dblint trace` on 12 and 18).
    ///
    /// `NOT VALID` adds the constraint at once, checking only values written from then
    /// on. `ALTER DOMAIN ... VALIDATE CONSTRAINT` checks the old ones later, but on
    /// PostgreSQL 12 to 18 it still holds SHARE on each table while it reads them
    /// (unlike a table's `VALIDATE CONSTRAINT`, which takes SHARE UPDATE EXCLUSIVE), so
    /// run it when writes can wait. A domain's NOT NULL has no `NOT VALID` form;
    /// `CHECK (VALUE IS NOT NULL) NOT VALID` is the way to add it without the scan.
    ///
    /// ## Example
    /// ```sql
    /// ALTER DOMAIN price ADD CONSTRAINT price_positive CHECK (VALUE > 0);
    /// ```
    ///
    /// ## Fix
    /// ```sql
    /// ALTER DOMAIN price ADD CONSTRAINT price_positive CHECK (VALUE > 0) NOT VALID;
    /// -- later, when writes to the tables using it can wait (SHARE on each while it reads):
    /// ALTER DOMAIN price VALIDATE CONSTRAINT price_positive;
    /// ```
    DomainConstraintScan { id: "domain-constraint-scan", summary: "ALTER DOMAIN ADD CONSTRAINT / SET NOT NULL scans every table using the domain, blocking writes", evidence: Behaviour, kind: Migration }
}

impl Rule for DomainConstraintScan {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, ctx: &MigrationContext) -> Vec<Finding> {
        let Statement::AlterDomain { name, action } = ctx.event.statement else {
            return Vec::new();
        };
        let db = ctx.event.db;
        let Some(domain) = resolve_in(&db.domains, ctx.event.search_path, name) else {
            return Vec::new();
        };
        let (what, fix) = match action {
            DomainAction::AddCheck {
                name: constraint,
                expression,
                not_valid: false,
            } => {
                // Named, so VALIDATE names the right one (PostgreSQL would call an
                // unnamed one `<domain>_check`, or `<domain>_check1` if that is taken).
                let constraint = quote_ident(
                    &constraint
                        .clone()
                        .unwrap_or_else(|| format!("{}_check", domain.name).into()),
                );
                let d = domain.sql();
                (
                    "ADD CONSTRAINT",
                    format!(
                        "ALTER DOMAIN {d} ADD CONSTRAINT {constraint} CHECK ({expression}) NOT VALID;\n-- later, when writes to the tables using it can wait (VALIDATE still holds SHARE on each while it reads them):\nALTER DOMAIN {d} VALIDATE CONSTRAINT {constraint};"
                    ),
                )
            }
            DomainAction::SetNotNull if !db.domains[&domain].not_null => (
                "SET NOT NULL",
                format!(
                    "-- a domain's NOT NULL has no NOT VALID form: ALTER DOMAIN {} ADD CHECK (VALUE IS NOT NULL) NOT VALID checks new values without the scan",
                    domain.sql()
                ),
            ),
            _ => return Vec::new(),
        };
        let tables: Vec<(crate::model::QualifiedName, Vec<crate::model::Name>)> =
            domain_columns(db, &domain)
                .into_iter()
                .filter(|(t, _)| !ctx.event.file.created_tables.contains(t))
                .collect();
        let Some((first, _)) = tables.first() else {
            return Vec::new();
        };
        let columns: Vec<String> = tables
            .iter()
            .flat_map(|(t, cols)| cols.iter().map(move |c| format!("{}.{c}", t.name)))
            .collect();
        let shown = if columns.len() > 4 {
            format!("{} and {} more", columns[..4].join(", "), columns.len() - 4)
        } else {
            columns.join(", ")
        };
        vec![finding(
            ctx,
            first,
            &format!("domain-{}", domain.name),
            format!(
                "ALTER DOMAIN {} {what} checks every stored value ({shown}): it reads {} table(s) in full under SHARE (blocks INSERT, UPDATE and DELETE on each)",
                domain.name,
                tables.len()
            ),
            fix,
        ).claims_scan()]
    }
}
