//! A view's query in a canonical form, so that the query a migration wrote and the one
//! PostgreSQL stored (`pg_get_viewdef`) compare equal exactly when the view would hold
//! the same rows. Used by `dblint diff` for view and materialized-view definitions.
//!
//! What `ruleutils.c` prints for a stored query, and how the written one is brought to
//! it (checked on PostgreSQL 12–18):
//! - `*` and `t.*` in a select list are the columns they stood for when the view was
//!   created (the parser expands them; columns added later are not in the view).
//!   Replay expands them with the model of that moment ([`expand_query`]);
//! - every column is qualified by the name its relation has in the `FROM` list
//!   (`SELECT id FROM orders` is `SELECT orders.id FROM public.orders`); here a column
//!   is the position of its relation in its scope (`#0.1.id`: this query level, the
//!   second relation), so an alias the catalog invents (`a_1`) does not matter;
//! - a select list entry is printed `AS name` where the name differs from the
//!   column's: the canonical form names every entry, with the name
//!   `FigureColname` gives (`count(*)` is `count`, `x::text` is `x`, a constant is
//!   `?column?`) and, at the top, the view's own column names;
//! - `ORDER BY 2` and `GROUP BY 1` are the select list entries they point at, and so
//!   is `ORDER BY name` for an output column's name;
//! - the branches of `UNION`/`INTERSECT`/`EXCEPT` after the first are printed with the
//!   first branch's names, which the canonical form leaves out;
//! - expressions are compared as [`canonical_expression`](super::canonical_expression)
//!   compares them (casts the analysis adds, `IN` and `= ANY`, `public.`).
//!
//! What it does not know (a function in `FROM` without a column list, a column of a
//! relation the model does not hold, window clauses) it keeps as written, so such a
//! query compares equal only when both sides spell it alike.

use super::canonical::{string_of, Canon};
use pg_query::protobuf::{self, JoinType, SetOperation, SortByDir, SortByNulls, SubLinkType};
use pg_query::{Node, NodeEnum};

/// The columns of a relation, by schema (`None` when the query did not name one) and
/// name, in their order; `None` when the model holds no such relation.
pub type RelationColumns<'a> = &'a dyn Fn(Option<&str>, &str) -> Option<Vec<String>>;

/// One relation in a `FROM` list: the name the query refers to it by and its columns.
#[derive(Debug, Clone)]
pub(super) struct Item {
    refname: String,
    columns: Option<Vec<String>>,
    /// A table or view: its schema (`public` when the query named none) and name.
    relation: Option<(String, String)>,
}

/// The relations of one query level, and the columns a `JOIN … USING` merged.
#[derive(Debug, Clone, Default)]
pub(super) struct Scope {
    items: Vec<Item>,
    using: Vec<String>,
}

/// What the canonical form of a query needs besides the expression rules.
pub(super) struct QueryContext<'t> {
    relations: RelationColumns<'t>,
    scopes: Vec<Scope>,
    /// Common table expressions in reach, innermost last: name and columns.
    ctes: Vec<(String, Option<Vec<String>>)>,
}

/// The `SELECT` statement in `text` (a view's query, with or without a final `;`).
fn parse_select(text: &str) -> Option<protobuf::SelectStmt> {
    let trimmed = text.trim().trim_end_matches(';');
    let parsed = pg_query::parse(trimmed, 0).ok()?;
    let [raw] = parsed.protobuf.stmts.as_slice() else {
        return None;
    };
    match raw.stmt.as_ref()?.node.as_ref()? {
        NodeEnum::SelectStmt(s) => Some((**s).clone()),
        _ => None,
    }
}

/// The canonical form of a view's query `text`, the relations it reads looked up in
/// `relations`. The names of its output columns are left out (the view's columns,
/// compared apart, are them). `None` for text that is not one `SELECT` (or too deep
/// to walk).
pub fn canonical_query(text: &str, relations: RelationColumns<'_>) -> Option<String> {
    let select = parse_select(text)?;
    let mut canon = Canon::new(None);
    canon.query = Some(QueryContext {
        relations,
        scopes: Vec::new(),
        ctes: Vec::new(),
    });
    let mut out = String::new();
    canon.select(&select, Names::Hidden, &mut out)?;
    Some(out)
}

/// A view's query with every `*` and `t.*` of a select list replaced by the columns
/// it stands for now (as `CREATE VIEW` expands them), and the names of its output
/// columns. `None` when a `*` covers a relation whose columns are not known, or the
/// text is not one `SELECT`.
pub fn expand_query(text: &str, relations: RelationColumns<'_>) -> Option<(String, Vec<String>)> {
    let mut select = parse_select(text)?;
    let mut ctx = QueryContext {
        relations,
        scopes: Vec::new(),
        ctes: Vec::new(),
    };
    ctx.expand(&mut select, 0)?;
    let names = ctx.output_names(&select)?;
    let sql = query_sql(&Node {
        node: Some(NodeEnum::SelectStmt(Box::new(select))),
    })?;
    Some((sql, names))
}

/// A query node (`SELECT …`) as pg_query's deparser prints it.
pub(super) fn query_sql(node: &Node) -> Option<String> {
    let tree = protobuf::ParseResult {
        version: 0,
        stmts: vec![protobuf::RawStmt {
            stmt: Some(Box::new(node.clone())),
            stmt_location: 0,
            stmt_len: 0,
        }],
    };
    pg_query::deparse(&tree, Default::default()).ok()
}

/// What a rename changes in a stored view query.
#[derive(Debug, Clone, Copy)]
pub enum QueryRename<'a> {
    /// `ALTER TABLE schema.relation RENAME COLUMN old TO new`.
    Column {
        schema: &'a str,
        relation: &'a str,
        old: &'a str,
        new: &'a str,
    },
    /// `ALTER TABLE schema.old RENAME TO new` (a table or a view).
    Relation {
        schema: &'a str,
        old: &'a str,
        new: &'a str,
    },
}

/// A view's query (as replay stores it) after a rename of something it reads, as
/// PostgreSQL would print it: the query holds the objects, not their names. A renamed
/// column keeps its old name as the output name where it was the name (`a.new AS
/// old`); a renamed relation keeps its old name as the alias where it had none. The
/// text unchanged when the query does not read it; `None` when it cannot be parsed.
pub fn rename_in_query(
    text: &str,
    relations: RelationColumns<'_>,
    what: QueryRename<'_>,
) -> Option<String> {
    let mut select = parse_select(text)?;
    let mut ctx = QueryContext {
        relations,
        scopes: Vec::new(),
        ctes: Vec::new(),
    };
    let changed = std::cell::Cell::new(false);
    ctx.rename(&mut select, what, &changed, 0)?;
    if !changed.get() {
        return Some(text.to_string());
    }
    query_sql(&Node {
        node: Some(NodeEnum::SelectStmt(Box::new(select))),
    })
}

/// Deeper than a view's query goes by hand.
const MAX_QUERY_DEPTH: usize = 100;

fn strings(nodes: &[Node]) -> Vec<String> {
    nodes
        .iter()
        .filter_map(string_of)
        .map(str::to_string)
        .collect()
}

fn is_star(c: &protobuf::ColumnRef) -> bool {
    matches!(
        c.fields.last().and_then(|f| f.node.as_ref()),
        Some(NodeEnum::AStar(_))
    )
}

/// The column name PostgreSQL gives a select list entry without `AS`
/// (`FigureColnameInternal` in `parse_target.c`), and how sure it is (0: the default
/// `?column?`, 1: a type's or `case`, 2: a column's or function's name).
pub(super) fn figure_colname(node: &Node) -> (String, u8) {
    let named = |s: &str| (s.to_string(), 2);
    match node.node.as_ref() {
        Some(NodeEnum::ColumnRef(c)) => match c.fields.last().and_then(string_of) {
            Some(name) => named(name),
            None => ("?column?".into(), 0),
        },
        Some(NodeEnum::AIndirection(i)) => match i.indirection.iter().rev().find_map(string_of) {
            Some(name) => named(name),
            None => i
                .arg
                .as_deref()
                .map_or(("?column?".into(), 0), figure_colname),
        },
        Some(NodeEnum::FuncCall(f)) => match f.funcname.last().and_then(string_of) {
            Some(name) => named(name),
            None => ("?column?".into(), 0),
        },
        Some(NodeEnum::AExpr(e)) if e.kind == protobuf::AExprKind::AexprNullif as i32 => {
            named("nullif")
        }
        Some(NodeEnum::TypeCast(t)) => {
            let inner = t
                .arg
                .as_deref()
                .map_or(("?column?".into(), 0), figure_colname);
            if inner.1 > 0 {
                return inner;
            }
            match t
                .type_name
                .as_ref()
                .and_then(|tn| tn.names.last())
                .and_then(string_of)
            {
                Some(name) => (name.to_string(), 1),
                None => inner,
            }
        }
        Some(NodeEnum::CollateClause(c)) => c
            .arg
            .as_deref()
            .map_or(("?column?".into(), 0), figure_colname),
        Some(NodeEnum::GroupingFunc(_)) => named("grouping"),
        Some(NodeEnum::SubLink(s)) => match SubLinkType::try_from(s.sub_link_type) {
            Ok(SubLinkType::ExistsSublink) => named("exists"),
            Ok(SubLinkType::ArraySublink) => named("array"),
            Ok(SubLinkType::ExprSublink) => {
                let first = match s.subselect.as_deref().and_then(|n| n.node.as_ref()) {
                    Some(NodeEnum::SelectStmt(sel)) => sel.target_list.first().cloned(),
                    _ => None,
                };
                match first.and_then(|t| t.node) {
                    Some(NodeEnum::ResTarget(t)) if !t.name.is_empty() => named(&t.name),
                    Some(NodeEnum::ResTarget(t)) => t
                        .val
                        .as_deref()
                        .map_or(("?column?".into(), 0), figure_colname),
                    _ => ("?column?".into(), 0),
                }
            }
            _ => ("?column?".into(), 0),
        },
        Some(NodeEnum::CaseExpr(c)) => {
            let inner = c
                .defresult
                .as_deref()
                .map_or(("?column?".into(), 0), figure_colname);
            if inner.1 > 1 {
                inner
            } else {
                ("case".into(), 1)
            }
        }
        Some(NodeEnum::AArrayExpr(_)) => named("array"),
        Some(NodeEnum::RowExpr(_)) => named("row"),
        Some(NodeEnum::CoalesceExpr(_)) => named("coalesce"),
        Some(NodeEnum::MinMaxExpr(m)) => named(if m.op == protobuf::MinMaxOp::IsGreatest as i32 {
            "greatest"
        } else {
            "least"
        }),
        Some(NodeEnum::SqlvalueFunction(f)) => {
            use protobuf::SqlValueFunctionOp as Op;
            let name = match Op::try_from(f.op) {
                Ok(Op::SvfopCurrentDate) => "current_date",
                Ok(Op::SvfopCurrentTime | Op::SvfopCurrentTimeN) => "current_time",
                Ok(Op::SvfopCurrentTimestamp | Op::SvfopCurrentTimestampN) => "current_timestamp",
                Ok(Op::SvfopLocaltime | Op::SvfopLocaltimeN) => "localtime",
                Ok(Op::SvfopLocaltimestamp | Op::SvfopLocaltimestampN) => "localtimestamp",
                Ok(Op::SvfopCurrentRole) => "current_role",
                Ok(Op::SvfopCurrentUser) => "current_user",
                Ok(Op::SvfopUser) => "user",
                Ok(Op::SvfopSessionUser) => "session_user",
                Ok(Op::SvfopCurrentCatalog) => "current_catalog",
                Ok(Op::SvfopCurrentSchema) => "current_schema",
                _ => "?column?",
            };
            named(name)
        }
        _ => ("?column?".into(), 0),
    }
}

/// The names a select list entry prints with.
#[derive(Clone, Copy)]
pub(super) enum Names<'a> {
    /// Names a column list gives (`WITH c (a, b) AS …`), first to last (the rest:
    /// their own).
    Given(&'a [String]),
    /// Each entry's `AS` name or the name PostgreSQL figures.
    Own,
    /// Not printed: the view's own select list (its columns are compared apart), a
    /// later branch of a set operation (printed with the first branch's names), a
    /// subquery in an expression (its names are never seen).
    Hidden,
}

impl QueryContext<'_> {
    /// The relations a `FROM` entry brings into scope, and the columns a `USING` merges.
    fn items_of(&self, node: &Node, scope: &mut Scope) -> Option<()> {
        match node.node.as_ref()? {
            NodeEnum::RangeVar(r) => {
                let cte = if r.schemaname.is_empty() {
                    self.ctes.iter().rev().find(|(name, _)| *name == r.relname)
                } else {
                    None
                };
                let mut columns = match cte {
                    Some((_, columns)) => columns.clone(),
                    None => (self.relations)(
                        Some(r.schemaname.as_str()).filter(|s| !s.is_empty()),
                        &r.relname,
                    ),
                };
                let refname = match &r.alias {
                    Some(a) => {
                        rename(&mut columns, &a.colnames);
                        a.aliasname.clone()
                    }
                    None => r.relname.clone(),
                };
                let relation = cte.is_none().then(|| {
                    let schema = if r.schemaname.is_empty() {
                        "public"
                    } else {
                        &r.schemaname
                    };
                    (schema.to_string(), r.relname.clone())
                });
                scope.items.push(Item {
                    refname,
                    columns,
                    relation,
                });
            }
            NodeEnum::RangeSubselect(r) => {
                let mut columns = match r.subquery.as_deref()?.node.as_ref()? {
                    NodeEnum::SelectStmt(s) => self.output_names(s),
                    _ => None,
                };
                let refname = match &r.alias {
                    Some(a) => {
                        rename(&mut columns, &a.colnames);
                        a.aliasname.clone()
                    }
                    None => "unnamed_subquery".into(),
                };
                scope.items.push(Item {
                    refname,
                    columns,
                    relation: None,
                });
            }
            NodeEnum::RangeFunction(r) => {
                let alias = r.alias.as_ref();
                let refname = alias.map(|a| a.aliasname.clone()).unwrap_or_else(|| {
                    r.functions
                        .first()
                        .and_then(|f| match f.node.as_ref() {
                            Some(NodeEnum::List(l)) => l.items.first(),
                            _ => None,
                        })
                        .map(|f| figure_colname(f).0)
                        .unwrap_or_default()
                });
                let columns = alias
                    .filter(|a| !a.colnames.is_empty())
                    .map(|a| strings(&a.colnames));
                scope.items.push(Item {
                    refname,
                    columns,
                    relation: None,
                });
            }
            NodeEnum::JoinExpr(j) => {
                self.items_of(j.larg.as_deref()?, scope)?;
                self.items_of(j.rarg.as_deref()?, scope)?;
                scope.using.extend(strings(&j.using_clause));
            }
            _ => scope.items.push(Item {
                refname: String::new(),
                columns: None,
                relation: None,
            }),
        }
        Some(())
    }

    fn scope_of(&self, from: &[Node]) -> Option<Scope> {
        let mut scope = Scope::default();
        for f in from {
            self.items_of(f, &mut scope)?;
        }
        Some(scope)
    }

    /// The names of a query's output columns; `None` where a `*` covers a relation
    /// whose columns are not known.
    fn output_names(&self, s: &protobuf::SelectStmt) -> Option<Vec<String>> {
        if s.op != SetOperation::SetopNone as i32 {
            return match s.larg.as_deref() {
                Some(l) => self.output_names(l),
                None => None,
            };
        }
        if let Some(first) = s.values_lists.first() {
            let n = match first.node.as_ref() {
                Some(NodeEnum::List(l)) => l.items.len(),
                _ => 0,
            };
            return Some((1..=n).map(|i| format!("column{i}")).collect());
        }
        let with = self.with_ctes(s);
        let scope = with.scope_of(&s.from_clause)?;
        let mut names = Vec::new();
        for t in &s.target_list {
            let Some(NodeEnum::ResTarget(t)) = t.node.as_ref() else {
                return None;
            };
            match t.val.as_deref().and_then(|v| v.node.as_ref()) {
                Some(NodeEnum::ColumnRef(c)) if is_star(c) => {
                    for (_, column) in star_columns(&scope, c)? {
                        names.push(column);
                    }
                }
                _ if !t.name.is_empty() => names.push(t.name.clone()),
                val => names.push(
                    val.map(|v| {
                        figure_colname(&Node {
                            node: Some(v.clone()),
                        })
                        .0
                    })
                    .unwrap_or_default(),
                ),
            }
        }
        Some(names)
    }

    /// A context with the statement's `WITH` entries in reach (for names only).
    fn with_ctes(&self, s: &protobuf::SelectStmt) -> QueryContext<'_> {
        let mut ctes = self.ctes.clone();
        for (name, columns) in self.cte_columns(s) {
            ctes.push((name, columns));
        }
        QueryContext {
            relations: self.relations,
            scopes: self.scopes.clone(),
            ctes,
        }
    }

    fn cte_columns(&self, s: &protobuf::SelectStmt) -> Vec<(String, Option<Vec<String>>)> {
        let mut out = Vec::new();
        for c in s.with_clause.iter().flat_map(|w| &w.ctes) {
            let Some(NodeEnum::CommonTableExpr(c)) = c.node.as_ref() else {
                continue;
            };
            let mut columns = match c.ctequery.as_deref().and_then(|q| q.node.as_ref()) {
                Some(NodeEnum::SelectStmt(q)) => self.output_names(q),
                _ => None,
            };
            if !c.aliascolnames.is_empty() {
                columns = Some(strings(&c.aliascolnames));
            }
            out.push((c.ctename.clone(), columns));
        }
        out
    }

    /// The queries of their own inside `s`, each given to `visit` with the depth to
    /// pass on: its `WITH` entries (each then in reach of the ones after it and of `s`),
    /// the branches of a set operation, and the subqueries of its `FROM`. Returns how
    /// many common table expressions were in reach before, for the caller to truncate
    /// to when it leaves `s`.
    fn nested_queries(
        &mut self,
        s: &mut protobuf::SelectStmt,
        depth: usize,
        visit: &mut dyn FnMut(&mut Self, &mut protobuf::SelectStmt, usize) -> Option<()>,
    ) -> Option<usize> {
        if depth > MAX_QUERY_DEPTH {
            return None;
        }
        let ctes_before = self.ctes.len();
        for c in s.with_clause.iter_mut().flat_map(|w| w.ctes.iter_mut()) {
            let Some(NodeEnum::CommonTableExpr(c)) = c.node.as_mut() else {
                continue;
            };
            if let Some(NodeEnum::SelectStmt(q)) =
                c.ctequery.as_deref_mut().and_then(|q| q.node.as_mut())
            {
                visit(self, q, depth + 1)?;
                let columns = if c.aliascolnames.is_empty() {
                    self.output_names(q)
                } else {
                    Some(strings(&c.aliascolnames))
                };
                self.ctes.push((c.ctename.clone(), columns));
            }
        }
        for side in [s.larg.as_deref_mut(), s.rarg.as_deref_mut()]
            .into_iter()
            .flatten()
        {
            visit(self, side, depth + 1)?;
        }
        for leaf in from_parts(&mut s.from_clause).0 {
            if let Some(NodeEnum::RangeSubselect(r)) = leaf.node.as_mut() {
                if let Some(NodeEnum::SelectStmt(q)) =
                    r.subquery.as_deref_mut().and_then(|q| q.node.as_mut())
                {
                    visit(self, q, depth + 1)?;
                }
            }
        }
        Some(ctes_before)
    }

    /// The subqueries in the expressions of `nodes` (`EXISTS (…)`, `IN (SELECT …)`),
    /// each given to `visit` (a query of its own, in the scope of the current level);
    /// `on_node` sees every other node of the expressions.
    fn expression_queries(
        &mut self,
        nodes: Vec<&mut Node>,
        on_node: &mut dyn FnMut(&Self, &mut Node),
        visit: &mut dyn FnMut(&mut Self, &mut protobuf::SelectStmt) -> Option<()>,
    ) -> Option<()> {
        let mut failed = false;
        for n in nodes {
            let mut subqueries = {
                let this = &*self;
                detach_subqueries(n, &mut |n| on_node(this, n))
            };
            for q in subqueries.iter_mut() {
                if let Some(NodeEnum::SelectStmt(q)) = q.node.as_mut() {
                    failed |= visit(self, q).is_none();
                }
            }
            reattach_subqueries(n, subqueries);
        }
        (!failed).then_some(())
    }

    /// Apply a rename to `s` and the queries inside it; `changed` is set when it
    /// changed something.
    fn rename(
        &mut self,
        s: &mut protobuf::SelectStmt,
        what: QueryRename<'_>,
        changed: &std::cell::Cell<bool>,
        depth: usize,
    ) -> Option<()> {
        let ctes_before =
            self.nested_queries(s, depth, &mut |ctx, q, d| ctx.rename(q, what, changed, d))?;
        // The scope as it is before the rename: a column is found by its old name.
        let scope = self.scope_of(&s.from_clause)?;
        if let QueryRename::Relation { schema, old, new } = what {
            for leaf in from_parts(&mut s.from_clause).0 {
                let Some(NodeEnum::RangeVar(r)) = leaf.node.as_mut() else {
                    continue;
                };
                let named = if r.schemaname.is_empty() {
                    "public"
                } else {
                    &r.schemaname
                };
                let cte = r.schemaname.is_empty() && self.ctes.iter().any(|(n, _)| *n == r.relname);
                if !cte && named == schema && r.relname == old {
                    if r.alias.is_none() {
                        r.alias = Some(protobuf::Alias {
                            aliasname: old.to_string(),
                            colnames: Vec::new(),
                        });
                    }
                    r.relname = new.to_string();
                    changed.set(true);
                }
            }
        }
        self.scopes.push(scope);
        if let QueryRename::Column { old, .. } = what {
            // An output column named after the renamed one keeps that name.
            for t in s.target_list.iter_mut() {
                let Some(NodeEnum::ResTarget(t)) = t.node.as_mut() else {
                    continue;
                };
                if let Some(NodeEnum::ColumnRef(c)) = t.val.as_deref().and_then(|v| v.node.as_ref())
                {
                    if t.name.is_empty() && self.renamed_column(c, what).is_some() {
                        t.name = old.to_string();
                    }
                }
            }
        }
        let mut nodes: Vec<&mut Node> = s.target_list.iter_mut().collect();
        nodes.extend(s.where_clause.as_deref_mut());
        nodes.extend(s.having_clause.as_deref_mut());
        nodes.extend(s.group_clause.iter_mut());
        nodes.extend(s.sort_clause.iter_mut());
        nodes.extend(from_parts(&mut s.from_clause).1);
        let done = self.expression_queries(
            nodes,
            &mut |ctx, n| {
                let Some(NodeEnum::ColumnRef(c)) = n.node.as_mut() else {
                    return;
                };
                if let Some(new) = ctx.renamed_column(c, what) {
                    if let Some(last) = c.fields.last_mut() {
                        last.node = Some(NodeEnum::String(protobuf::String { sval: new }));
                        changed.set(true);
                    }
                }
            },
            &mut |ctx, q| ctx.rename(q, what, changed, depth + 1),
        );
        self.scopes.pop();
        self.ctes.truncate(ctes_before);
        done
    }

    /// The new name for a reference to the renamed column, if `c` is one.
    fn renamed_column(&self, c: &protobuf::ColumnRef, what: QueryRename<'_>) -> Option<String> {
        let QueryRename::Column {
            schema,
            relation,
            old,
            new,
        } = what
        else {
            return None;
        };
        let fields: Vec<String> = c
            .fields
            .iter()
            .filter_map(string_of)
            .map(str::to_string)
            .collect();
        if fields.len() != c.fields.len() || fields.last().map(String::as_str) != Some(old) {
            return None;
        }
        let (up, i, _) = self.place(&fields)?;
        let scope = &self.scopes[self.scopes.len() - 1 - up];
        let item = scope.items.get(i)?;
        (item.relation.as_ref()? == &(schema.to_string(), relation.to_string()))
            .then(|| new.to_string())
    }

    /// Replace every `*` of every select list in `s` (and the queries inside it).
    fn expand(&mut self, s: &mut protobuf::SelectStmt, depth: usize) -> Option<()> {
        let ctes_before = self.nested_queries(s, depth, &mut |ctx, q, d| ctx.expand(q, d))?;
        let scope = self.scope_of(&s.from_clause)?;
        let mut targets = Vec::with_capacity(s.target_list.len());
        for t in std::mem::take(&mut s.target_list) {
            let star = match t.node.as_ref() {
                Some(NodeEnum::ResTarget(r)) => {
                    match r.val.as_deref().and_then(|v| v.node.as_ref()) {
                        Some(NodeEnum::ColumnRef(c)) if is_star(c) => Some(c.clone()),
                        _ => None,
                    }
                }
                _ => None,
            };
            match star {
                Some(c) => {
                    for (refname, column) in star_columns(&scope, &c)? {
                        targets.push(column_target(&refname, &column));
                    }
                }
                None => targets.push(t),
            }
        }
        s.target_list = targets;
        // Subqueries in expressions: `EXISTS (SELECT * …)` is expanded too.
        self.scopes.push(scope);
        let mut nodes: Vec<&mut Node> = s.target_list.iter_mut().collect();
        nodes.extend(s.where_clause.as_deref_mut());
        nodes.extend(s.having_clause.as_deref_mut());
        let done = self.expression_queries(nodes, &mut |_, _| {}, &mut |ctx, q| {
            ctx.expand(q, depth + 1)
        });
        self.scopes.pop();
        self.ctes.truncate(ctes_before);
        done
    }

    /// A column reference as a position in scope: `#0.1.id` is column `id` of the
    /// second relation of this query level. `None` when it cannot be placed.
    fn resolve(&self, fields: &[String]) -> Option<String> {
        let (up, i, column) = self.place(fields)?;
        Some(format!("#{up}.{i}.{column}"))
    }

    /// Where a column reference points: scopes up, relation, column.
    fn place<'f>(&self, fields: &'f [String]) -> Option<(usize, usize, &'f String)> {
        let (qualifier, column) = match fields {
            [column] => (None, column),
            [.., qualifier, column] => (Some(qualifier), column),
            [] => return None,
        };
        for (up, scope) in self.scopes.iter().rev().enumerate() {
            if let Some(q) = qualifier {
                if let Some(i) = scope.items.iter().position(|it| it.refname == *q) {
                    return Some((up, i, column));
                }
                continue;
            }
            let has = |it: &Item| it.columns.as_ref().map(|c| c.iter().any(|n| n == column));
            let known: Vec<usize> = (0..scope.items.len())
                .filter(|&i| has(&scope.items[i]) == Some(true))
                .collect();
            match known.as_slice() {
                [i] => return Some((up, *i, column)),
                [i, ..] if scope.using.contains(column) => return Some((up, *i, column)),
                [_, ..] => return None,
                [] => {}
            }
            let unknown: Vec<usize> = (0..scope.items.len())
                .filter(|&i| has(&scope.items[i]).is_none())
                .collect();
            match unknown.as_slice() {
                [i] => return Some((up, *i, column)),
                [] => {}
                _ => return None,
            }
        }
        None
    }
}

/// The columns `c` (`*` or `t.*`) stands for in `scope`: relation name and column.
fn star_columns(scope: &Scope, c: &protobuf::ColumnRef) -> Option<Vec<(String, String)>> {
    let qualifier = match c.fields.as_slice() {
        [_] => None,
        [.., q, _] => Some(string_of(q)?),
        [] => return None,
    };
    let mut out = Vec::new();
    let mut merged: Vec<&str> = Vec::new();
    // `JOIN … USING (id)`: the merged columns first, from the left relation.
    if qualifier.is_none() {
        for u in &scope.using {
            let item = scope
                .items
                .iter()
                .find(|it| it.columns.as_ref().is_some_and(|c| c.contains(u)))?;
            out.push((item.refname.clone(), u.clone()));
            merged.push(u);
        }
    }
    for item in &scope.items {
        if qualifier.is_some_and(|q| q != item.refname) {
            continue;
        }
        for column in item.columns.as_ref()? {
            if qualifier.is_none() && merged.contains(&column.as_str()) {
                continue;
            }
            out.push((item.refname.clone(), column.clone()));
        }
    }
    Some(out)
}

/// Walk an expression with `each`, taking out the query of every subquery in it
/// (`EXISTS (…)`, `IN (SELECT …)`), outermost first, so the walk does not enter
/// them: they are queries of their own, with their own scope. Put them back with
/// [`reattach_subqueries`].
fn detach_subqueries(node: &mut Node, each: &mut dyn FnMut(&mut Node)) -> Vec<Node> {
    let mut taken = Vec::new();
    super::expressions::walk_mut(
        node,
        &mut |n| {
            if let Some(NodeEnum::SubLink(l)) = n.node.as_mut() {
                taken.extend(l.subselect.take().map(|q| *q));
            }
            each(n);
        },
        0,
    );
    taken
}

/// The subqueries [`detach_subqueries`] took out, back where they were (the walk
/// visits the subqueries in the same order).
fn reattach_subqueries(node: &mut Node, taken: Vec<Node>) {
    let mut taken = taken.into_iter();
    super::expressions::walk_mut(
        node,
        &mut |n| {
            if let Some(NodeEnum::SubLink(l)) = n.node.as_mut() {
                if l.subselect.is_none() {
                    l.subselect = taken.next().map(Box::new);
                }
            }
        },
        0,
    );
}

/// The parts of a `FROM` entry, through its joins: the relations, subqueries and
/// functions it joins (`leaves`) and the joins' `ON` conditions (`quals`).
fn join_tree<'a>(
    node: &'a mut Node,
    leaves: &mut Vec<&'a mut Node>,
    quals: &mut Vec<&'a mut Node>,
) {
    if !matches!(node.node, Some(NodeEnum::JoinExpr(_))) {
        leaves.push(node);
        return;
    }
    let Some(NodeEnum::JoinExpr(j)) = node.node.as_mut() else {
        return;
    };
    let j = &mut **j;
    if let Some(l) = j.larg.as_deref_mut() {
        join_tree(l, leaves, quals);
    }
    if let Some(r) = j.rarg.as_deref_mut() {
        join_tree(r, leaves, quals);
    }
    if let Some(q) = j.quals.as_deref_mut() {
        quals.push(q);
    }
}

/// [`join_tree`] of every entry of a `FROM` list.
fn from_parts(from: &mut [Node]) -> (Vec<&mut Node>, Vec<&mut Node>) {
    let (mut leaves, mut quals) = (Vec::new(), Vec::new());
    for f in from.iter_mut() {
        join_tree(f, &mut leaves, &mut quals);
    }
    (leaves, quals)
}

/// The first columns renamed by an alias's column list (`AS s (a, b)`).
fn rename(columns: &mut Option<Vec<String>>, colnames: &[Node]) {
    let names = strings(colnames);
    if names.is_empty() {
        return;
    }
    match columns {
        Some(cols) => {
            for (c, n) in cols.iter_mut().zip(names) {
                *c = n;
            }
        }
        None => *columns = Some(names),
    }
}

fn column_target(relation: &str, column: &str) -> Node {
    let string = |s: &str| Node {
        node: Some(NodeEnum::String(protobuf::String { sval: s.into() })),
    };
    Node {
        node: Some(NodeEnum::ResTarget(Box::new(protobuf::ResTarget {
            val: Some(Box::new(Node {
                node: Some(NodeEnum::ColumnRef(protobuf::ColumnRef {
                    fields: vec![string(relation), string(column)],
                    location: -1,
                })),
            })),
            location: -1,
            ..Default::default()
        }))),
    }
}

impl<'t> Canon<'t> {
    fn ctx(&mut self) -> &mut QueryContext<'t> {
        self.query.as_mut().expect("query mode")
    }

    /// The canonical form of one `SELECT` (or set operation).
    pub(super) fn select(
        &mut self,
        s: &protobuf::SelectStmt,
        names: Names<'_>,
        out: &mut String,
    ) -> Option<()> {
        if self.ctx().scopes.len() > MAX_QUERY_DEPTH {
            return None;
        }
        let ctes_before = self.ctx().ctes.len();
        if let Some(with) = &s.with_clause {
            out.push_str(if with.recursive {
                "with recursive("
            } else {
                "with("
            });
            for c in &with.ctes {
                let Some(NodeEnum::CommonTableExpr(c)) = c.node.as_ref() else {
                    return None;
                };
                let Some(NodeEnum::SelectStmt(q)) = c.ctequery.as_deref()?.node.as_ref() else {
                    out.push_str(&super::expressions::expr_sql(c.ctequery.as_deref()?));
                    continue;
                };
                let given = strings(&c.aliascolnames);
                let columns = if given.is_empty() {
                    self.ctx().output_names(q)
                } else {
                    Some(given.clone())
                };
                if with.recursive {
                    self.ctx().ctes.push((c.ctename.clone(), columns.clone()));
                }
                out.push_str(&format!("\"{}\" as (", c.ctename));
                self.select(q, Names::Given(&given), out)?;
                out.push_str("), ");
                if !with.recursive {
                    self.ctx().ctes.push((c.ctename.clone(), columns));
                }
            }
            out.push_str(") ");
        }
        if s.op != SetOperation::SetopNone as i32 {
            let op = match SetOperation::try_from(s.op).ok()? {
                SetOperation::SetopUnion => "union",
                SetOperation::SetopIntersect => "intersect",
                _ => "except",
            };
            out.push_str(op);
            out.push_str(if s.all { " all(" } else { "(" });
            self.select(s.larg.as_deref()?, names, out)?;
            out.push_str(", ");
            self.select(s.rarg.as_deref()?, Names::Hidden, out)?;
            out.push(')');
            // ORDER BY / LIMIT of the whole: by output name or position.
            let scope = Scope::default();
            self.ctx().scopes.push(scope);
            self.tail(s, &[], out)?;
            self.ctx().scopes.pop();
        } else if !s.values_lists.is_empty() {
            out.push_str("values(");
            for row in &s.values_lists {
                let Some(NodeEnum::List(l)) = row.node.as_ref() else {
                    return None;
                };
                self.list(&l.items, out)?;
            }
            out.push(')');
        } else {
            let scope = self.ctx().scope_of(&s.from_clause)?;
            self.ctx().scopes.push(scope);
            let done = self.plain_select(s, names, out);
            self.ctx().scopes.pop();
            done?;
        }
        self.ctx().ctes.truncate(ctes_before);
        Some(())
    }

    fn plain_select(
        &mut self,
        s: &protobuf::SelectStmt,
        names: Names<'_>,
        out: &mut String,
    ) -> Option<()> {
        out.push_str("select(");
        if let Some(first) = s.distinct_clause.first() {
            if first.node.is_none() {
                out.push_str("distinct ");
            } else {
                out.push_str("distinct on");
                self.list(&s.distinct_clause, out)?;
                out.push(' ');
            }
        }
        // The select list, `*` expanded, each entry with its name.
        let mut targets: Vec<(Node, String)> = Vec::new();
        for t in &s.target_list {
            let Some(NodeEnum::ResTarget(t)) = t.node.as_ref() else {
                return None;
            };
            let val = t.val.as_deref()?;
            match val.node.as_ref() {
                Some(NodeEnum::ColumnRef(c)) if is_star(c) => {
                    let scope = self.ctx().scopes.last()?.clone();
                    match star_columns(&scope, c) {
                        Some(columns) => {
                            for (relation, column) in columns {
                                let n = column_target(&relation, &column);
                                let Some(NodeEnum::ResTarget(r)) = n.node else {
                                    return None;
                                };
                                targets.push((*r.val?, column));
                            }
                        }
                        None => targets.push((val.clone(), "*".into())),
                    }
                }
                _ => {
                    let name = if t.name.is_empty() {
                        figure_colname(val).0
                    } else {
                        t.name.clone()
                    };
                    targets.push((val.clone(), name));
                }
            }
        }
        for (i, (val, name)) in targets.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            self.node(val, out)?;
            let name = match names {
                Names::Given(given) => given.get(i).unwrap_or(name),
                Names::Own => name,
                Names::Hidden => continue,
            };
            out.push_str(&format!(" as \"{name}\""));
        }
        out.push(')');
        if !s.from_clause.is_empty() {
            out.push_str(" from(");
            for (i, f) in s.from_clause.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                self.range_item(f, out)?;
            }
            out.push(')');
        }
        if let Some(w) = s.where_clause.as_deref() {
            out.push_str(" where(");
            self.node(w, out)?;
            out.push(')');
        }
        if !s.group_clause.is_empty() {
            out.push_str(" group(");
            for (i, g) in s.group_clause.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let g = by_position(g, &targets).unwrap_or(g);
                self.node(g, out)?;
            }
            out.push(')');
        }
        if let Some(h) = s.having_clause.as_deref() {
            out.push_str(" having(");
            self.node(h, out)?;
            out.push(')');
        }
        if !s.window_clause.is_empty() {
            out.push_str(" window");
            out.push_str(&format!("{:?}", s.window_clause.len()));
        }
        self.tail(s, &targets, out)
    }

    /// `ORDER BY`, `LIMIT`, `OFFSET`, `FOR UPDATE`.
    fn tail(
        &mut self,
        s: &protobuf::SelectStmt,
        targets: &[(Node, String)],
        out: &mut String,
    ) -> Option<()> {
        if !s.sort_clause.is_empty() {
            out.push_str(" order(");
            for (i, o) in s.sort_clause.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let Some(NodeEnum::SortBy(o)) = o.node.as_ref() else {
                    return None;
                };
                let key = o.node.as_deref()?;
                let key = by_position(key, targets)
                    .or_else(|| by_output_name(key, targets))
                    .unwrap_or(key);
                self.node(key, out)?;
                let dir = SortByDir::try_from(o.sortby_dir).unwrap_or(SortByDir::SortbyDefault);
                let desc = dir == SortByDir::SortbyDesc;
                if desc {
                    out.push_str(" desc");
                }
                if dir == SortByDir::SortbyUsing {
                    out.push_str(&format!(" using {}", strings(&o.use_op).join(".")));
                }
                // NULLS LAST is the default ascending, NULLS FIRST descending.
                match SortByNulls::try_from(o.sortby_nulls) {
                    Ok(SortByNulls::SortbyNullsFirst) if !desc => out.push_str(" nulls first"),
                    Ok(SortByNulls::SortbyNullsLast) if desc => out.push_str(" nulls last"),
                    _ => {}
                }
            }
            out.push(')');
        }
        if let Some(l) = s.limit_count.as_deref() {
            out.push_str(" limit(");
            self.node(l, out)?;
            out.push(')');
        }
        if let Some(o) = s.limit_offset.as_deref() {
            out.push_str(" offset(");
            self.node(o, out)?;
            out.push(')');
        }
        Some(())
    }

    fn range_item(&mut self, node: &Node, out: &mut String) -> Option<()> {
        match node.node.as_ref()? {
            NodeEnum::RangeVar(r) => {
                let schema = match r.schemaname.as_str() {
                    "public" | "pg_catalog" => "",
                    s => s,
                };
                if schema.is_empty() {
                    out.push_str(&format!("\"{}\"", r.relname));
                } else {
                    out.push_str(&format!("\"{schema}\".\"{}\"", r.relname));
                }
                if !r.inh {
                    out.push_str(" only");
                }
            }
            NodeEnum::RangeSubselect(r) => {
                out.push_str(if r.lateral { "lateral(" } else { "(" });
                let Some(NodeEnum::SelectStmt(q)) = r.subquery.as_deref()?.node.as_ref() else {
                    return None;
                };
                self.select(q, Names::Own, out)?;
                out.push(')');
            }
            NodeEnum::JoinExpr(j) => {
                let kind = match JoinType::try_from(j.jointype).ok()? {
                    JoinType::JoinLeft => "left",
                    JoinType::JoinRight => "right",
                    JoinType::JoinFull => "full",
                    _ if j.quals.is_none() && j.using_clause.is_empty() && !j.is_natural => "cross",
                    _ => "inner",
                };
                out.push_str(&format!("join {kind}("));
                self.range_item(j.larg.as_deref()?, out)?;
                out.push_str(", ");
                self.range_item(j.rarg.as_deref()?, out)?;
                if let Some(q) = j.quals.as_deref() {
                    out.push_str(", on ");
                    self.node(q, out)?;
                } else if !j.using_clause.is_empty() {
                    out.push_str(&format!(", using {:?}", strings(&j.using_clause)));
                } else if j.is_natural {
                    out.push_str(", natural");
                }
                out.push(')');
            }
            NodeEnum::RangeFunction(r) => {
                out.push_str(if r.lateral {
                    "lateral function("
                } else {
                    "function("
                });
                for f in &r.functions {
                    if let Some(NodeEnum::List(l)) = f.node.as_ref() {
                        if let Some(call) = l.items.first() {
                            self.node(call, out)?;
                        }
                    }
                }
                if r.ordinality {
                    out.push_str(" with ordinality");
                }
                out.push(')');
            }
            _ => out.push_str(&super::expressions::expr_sql(node)),
        }
        Some(())
    }

    /// A column reference in query mode, placed in its scope.
    pub(super) fn column_in_query(&self, fields: &[String]) -> Option<String> {
        self.query.as_ref()?.resolve(fields)
    }

    /// A subquery in an expression (`EXISTS (…)`, `x IN (SELECT …)`, `(SELECT …)`).
    pub(super) fn sublink_in_query(
        &mut self,
        l: &protobuf::SubLink,
        out: &mut String,
    ) -> Option<()> {
        let kind = match SubLinkType::try_from(l.sub_link_type).ok()? {
            SubLinkType::ExistsSublink => "exists",
            SubLinkType::AllSublink => "all",
            SubLinkType::AnySublink => "any",
            SubLinkType::ArraySublink => "array",
            SubLinkType::ExprSublink => "scalar",
            _ => "sublink",
        };
        out.push_str(kind);
        let op = strings(&l.oper_name).join(".");
        if !op.is_empty() {
            out.push_str(&format!("({op})"));
        }
        out.push('(');
        if let Some(t) = l.testexpr.as_deref() {
            self.node(t, out)?;
            out.push_str(", ");
        }
        let Some(NodeEnum::SelectStmt(q)) = l.subselect.as_deref()?.node.as_ref() else {
            return None;
        };
        self.select(q, Names::Hidden, out)?;
        out.push(')');
        Some(())
    }
}

/// `GROUP BY 2` / `ORDER BY 2`: the second select list entry.
fn by_position<'a>(node: &Node, targets: &'a [(Node, String)]) -> Option<&'a Node> {
    match node.node.as_ref()? {
        NodeEnum::AConst(protobuf::AConst {
            val: Some(protobuf::a_const::Val::Ival(i)),
            ..
        }) => targets
            .get(usize::try_from(i.ival).ok()?.checked_sub(1)?)
            .map(|t| &t.0),
        _ => None,
    }
}

/// `ORDER BY total` where `total` names a select list entry.
fn by_output_name<'a>(node: &Node, targets: &'a [(Node, String)]) -> Option<&'a Node> {
    match node.node.as_ref()? {
        NodeEnum::ColumnRef(c) if c.fields.len() == 1 => {
            let name = string_of(&c.fields[0])?;
            let hits: Vec<&(Node, String)> = targets.iter().filter(|t| t.1 == name).collect();
            match hits.as_slice() {
                [one] => Some(&one.0),
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relations(schema: Option<&str>, name: &str) -> Option<Vec<String>> {
        let cols: &[&str] = match (schema.unwrap_or("public"), name) {
            ("vt", "a") => &["id", "name", "status"],
            ("vt", "b") => &["id", "a_id", "qty"],
            _ => return None,
        };
        Some(cols.iter().map(|c| c.to_string()).collect())
    }

    /// The written query, expanded as replay stores it, against the stored one.
    fn same(written: &str, stored: &str) {
        let (expanded, _) = expand_query(written, &relations).expect(written);
        let a = canonical_query(&expanded, &relations);
        let b = canonical_query(stored, &relations);
        assert!(a.is_some(), "{written}");
        assert_eq!(a, b, "\n{written}\n{stored}");
    }

    fn differ(written: &str, other: &str) {
        let (expanded, _) = expand_query(written, &relations).expect(written);
        let a = canonical_query(&expanded, &relations);
        let b = canonical_query(other, &relations);
        assert_ne!(a, b, "\n{written}\n{other}");
    }

    #[test]
    fn written_and_stored_queries_are_equal() {
        same(
            "select * from vt.a",
            " SELECT a.id,\n    a.name,\n    a.status\n   FROM vt.a;",
        );
        same(
            "select name, count(*), lower(name), qty::text, 1, a.id as x from vt.a join vt.b on a.id = b.a_id where status in ('x','y') group by name, qty, a.id order by 2",
            " SELECT a.name,\n    count(*) AS count,\n    lower((a.name)::text) AS lower,\n    (b.qty)::text AS qty,\n    1 AS \"?column?\",\n    a.id AS x\n   FROM (vt.a\n     JOIN vt.b ON ((a.id = b.a_id)))\n  WHERE (a.status = ANY (ARRAY['x'::text, 'y'::text]))\n  GROUP BY a.name, b.qty, a.id\n  ORDER BY (count(*));",
        );
        same(
            "select * from vt.a join vt.b using (id)",
            " SELECT a.id,\n    a.name,\n    a.status,\n    b.a_id,\n    b.qty\n   FROM (vt.a\n     JOIN vt.b USING (id));",
        );
        same(
            "select s.n from (select id as n from vt.a) s union all select 2",
            " SELECT s.n\n   FROM ( SELECT a.id AS n\n           FROM vt.a) s\nUNION ALL\n SELECT 2 AS n;",
        );
        same(
            "with c as (select id from vt.a) select * from c",
            " WITH c AS (\n         SELECT a.id\n           FROM vt.a\n        )\n SELECT c.id\n   FROM c;",
        );
        same(
            "select id, name from vt.a where exists (select 1 from vt.b where b.a_id = a.id)",
            " SELECT a.id,\n    a.name\n   FROM vt.a\n  WHERE (EXISTS ( SELECT 1\n           FROM vt.b\n          WHERE (b.a_id = a.id)));",
        );
        // An alias the catalog invents for a self-join.
        same(
            "select x.id from vt.a x join vt.a on x.id = a.id",
            "SELECT x.id FROM (vt.a x JOIN vt.a a_1 ON ((x.id = a_1.id)));",
        );
        same(
            "select qty from vt.b order by qty desc nulls first",
            "SELECT b.qty FROM vt.b ORDER BY b.qty DESC",
        );
    }

    #[test]
    fn renames_are_followed_where_they_resolve() {
        let column = QueryRename::Column {
            schema: "vt",
            relation: "a",
            old: "name",
            new: "full_name",
        };
        let renamed = |q: &str| rename_in_query(q, &relations, column).unwrap();
        // `b` has no `name`; the subquery's own `name` is `a`'s; the output keeps it.
        assert_eq!(
            renamed("SELECT name, b.qty FROM vt.a JOIN vt.b ON b.a_id = a.id WHERE EXISTS (SELECT 1 FROM vt.a x WHERE x.name = a.name)"),
            "SELECT full_name AS name, b.qty FROM vt.a JOIN vt.b ON b.a_id = a.id WHERE EXISTS (SELECT 1 FROM vt.a x WHERE x.full_name = a.full_name)"
        );
        // A CTE's column of the same name is not the table's.
        let cte = "WITH c AS (SELECT id AS name FROM vt.b) SELECT name FROM c";
        assert_eq!(renamed(cte), cte);
        let relation = QueryRename::Relation {
            schema: "vt",
            old: "a",
            new: "accounts",
        };
        assert_eq!(
            rename_in_query(
                "SELECT a.id FROM vt.a JOIN vt.b b ON b.a_id = a.id",
                &relations,
                relation
            )
            .unwrap(),
            "SELECT a.id FROM vt.accounts a JOIN vt.b b ON b.a_id = a.id"
        );
    }

    #[test]
    fn stars_in_subqueries_are_expanded_in_their_own_scope() {
        let (sql, names) = expand_query(
            "SELECT * FROM vt.b WHERE EXISTS (SELECT * FROM vt.a WHERE a.id = b.a_id AND EXISTS (SELECT * FROM vt.b c))",
            &relations,
        )
        .unwrap();
        assert_eq!(names, ["id", "a_id", "qty"]);
        assert_eq!(
            sql,
            "SELECT b.id, b.a_id, b.qty FROM vt.b WHERE EXISTS (SELECT a.id, a.name, a.status FROM vt.a WHERE a.id = b.a_id AND EXISTS (SELECT c.id, c.a_id, c.qty FROM vt.b c))"
        );
        assert_eq!(expand_query("SELECT * FROM unknown", &relations), None);
    }

    #[test]
    fn different_queries_stay_apart() {
        differ("select name as id from vt.a", "SELECT a.id FROM vt.a");
        differ(
            "select id from vt.a where status = 'x'",
            "SELECT a.id FROM vt.a WHERE a.status = 'y'::text",
        );
        differ("select id from vt.a", "SELECT a.id FROM vt.a LIMIT 1");
        differ(
            "select qty from vt.b order by qty",
            "SELECT b.qty FROM vt.b ORDER BY b.qty DESC",
        );
        differ(
            "select a.id from vt.a left join vt.b on a.id = b.a_id",
            "SELECT a.id FROM vt.a JOIN vt.b ON a.id = b.a_id",
        );
        differ("select * from vt.a", "SELECT a.id, a.name FROM vt.a");
    }
}
