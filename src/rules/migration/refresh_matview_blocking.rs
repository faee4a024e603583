use super::finding;
use crate::finding::Finding;
use crate::model::quote_ident;
use crate::rules::{MigrationContext, Rule, RuleMeta};
use crate::source::sql::refusal::Refusal;
use crate::source::sql::replay::resolve_in;
use crate::source::sql::statement::Statement;

declare_rule! {
    /// ## What it does
    /// Flags `REFRESH MATERIALIZED VIEW` without `CONCURRENTLY` of a materialized view
    /// that existed, populated, before this migration. A view created in the same
    /// migration, one never populated (`WITH NO DATA`: reading it fails anyway), and
    /// `REFRESH ... WITH NO DATA` (which runs no query) are not flagged. Also flags
    /// `REFRESH ... CONCURRENTLY` that PostgreSQL refuses: of a view without such a
    /// unique index, or of one never populated.
    ///
    /// ## Why is this bad?
    /// The refresh runs the view's query and swaps in the result while holding ACCESS
    /// EXCLUSIVE on the view for the whole time: every `SELECT` from the view waits
    /// until it is done (PostgreSQL docs, `REFRESH MATERIALIZED VIEW`; "13.3. Explicit
    /// Locking"). `CONCURRENTLY` takes EXCLUSIVE instead, which lets reads continue,
    /// but it needs at least one unique index on the view that uses only column names
    /// and covers all rows (no WHERE clause), and the view must be populated already;
    /// it can run inside a transaction block.
    ///
    /// ## Example
    /// ```sql
    /// REFRESH MATERIALIZED VIEW sales_summary;
    /// ```
    ///
    /// ## Fix
    /// ```sql
    /// -- once: CREATE UNIQUE INDEX CONCURRENTLY sales_summary_key ON sales_summary (region, day);
    /// REFRESH MATERIALIZED VIEW CONCURRENTLY sales_summary;
    /// ```
    RefreshMatviewBlocking { id: "refresh-matview-blocking", summary: "REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks every read of the view", evidence: Behaviour, kind: Migration }
}

impl Rule for RefreshMatviewBlocking {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, ctx: &MigrationContext) -> Vec<Finding> {
        if let Statement::RefreshMatView {
            concurrently: true, ..
        } = ctx.event.statement
        {
            return refused_concurrently(ctx);
        }
        let Statement::RefreshMatView {
            name,
            concurrently: false,
            with_data: true,
        } = ctx.event.statement
        else {
            return Vec::new();
        };
        let Some(q) = resolve_in(&ctx.event.db.views, ctx.event.search_path, name) else {
            return Vec::new();
        };
        if ctx.event.file.created_tables.contains(&q) {
            return Vec::new();
        }
        let Some(view) = ctx
            .event
            .db
            .views
            .get(&q)
            .filter(|v| v.materialized && v.populated)
        else {
            return Vec::new();
        };
        let fix = match view.unique_indexes.first() {
            Some(index) => format!(
                "-- {} is unique over columns and covers every row: reads continue during a concurrent refresh\nREFRESH MATERIALIZED VIEW CONCURRENTLY {};",
                quote_ident(index),
                q.sql()
            ),
            None => format!(
                "-- REFRESH ... CONCURRENTLY (reads continue) needs a unique index on {q} over columns only, without WHERE: add one (CREATE UNIQUE INDEX CONCURRENTLY ... ON {} (<key columns>)), then refresh CONCURRENTLY",
                q.sql()
            ),
        };
        vec![finding(
            ctx,
            &q,
            "refresh",
            format!(
                "REFRESH MATERIALIZED VIEW {} holds ACCESS EXCLUSIVE on the view while its query runs (blocks every read of it)",
                q.name
            ),
            fix,
        )]
    }
}

/// `REFRESH … CONCURRENTLY` where PostgreSQL refuses it, by the model
/// ([`Refusal::RefreshConcurrently`]): the view has no unique index over columns
/// only and without WHERE ("cannot refresh materialized view … concurrently"), or
/// was never populated ("CONCURRENTLY cannot be used when the materialized view is not
/// populated").
fn refused_concurrently(ctx: &MigrationContext) -> Vec<Finding> {
    let refusal = ctx.refusal_worded_here();
    let Some(
        found @ Refusal::RefreshConcurrently {
            view,
            never_populated,
        },
    ) = refusal.as_ref()
    else {
        return Vec::new();
    };
    let fix = if *never_populated {
        format!(
            "REFRESH MATERIALIZED VIEW {};  -- the first refresh cannot be concurrent",
            view.sql()
        )
    } else {
        format!(
            "-- first: CREATE UNIQUE INDEX CONCURRENTLY ... ON {} (<key columns>), in a migration of its own",
            view.sql()
        )
    };
    vec![finding(
        ctx,
        view,
        "refresh-concurrently",
        format!(
            "PostgreSQL refuses REFRESH MATERIALIZED VIEW CONCURRENTLY here: {}",
            found.describe()
        ),
        fix,
    )
    .claims_refusal()]
}
