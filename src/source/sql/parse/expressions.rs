//! Expressions: SQL text of a node, literals, `set_config` calls, NOT NULL tests,
//! length limits.

use super::*;

/// SQL text of an expression. Constants and simple calls are formatted directly (the
/// common case for defaults); anything else goes through pg_query's deparser, wrapped
/// in a SELECT because the deparser only accepts statements.
pub(crate) fn expr_sql(node: &Node) -> String {
    if let Some(fast) = simple_expr(node) {
        return fast;
    }
    let select = protobuf::SelectStmt {
        target_list: vec![Node {
            node: Some(NodeEnum::ResTarget(Box::new(protobuf::ResTarget {
                val: Some(Box::new(node.clone())),
                ..Default::default()
            }))),
        }],
        limit_option: protobuf::LimitOption::Default as i32,
        op: protobuf::SetOperation::SetopNone as i32,
        ..Default::default()
    };
    let tree = protobuf::ParseResult {
        version: 0,
        stmts: vec![protobuf::RawStmt {
            stmt: Some(Box::new(Node {
                node: Some(NodeEnum::SelectStmt(Box::new(select))),
            })),
            stmt_location: 0,
            stmt_len: 0,
        }],
    };
    match pg_query::deparse(&tree, Default::default()) {
        Ok(text) => text.strip_prefix("SELECT ").unwrap_or(&text).to_string(),
        Err(_) => "<expression>".to_string(),
    }
}

pub(super) fn quote_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

pub(super) fn simple_expr(node: &Node) -> Option<String> {
    match node.node.as_ref()? {
        NodeEnum::AConst(c) => {
            if c.isnull {
                return Some("NULL".into());
            }
            Some(match c.val.as_ref()? {
                a_const::Val::Ival(i) => i.ival.to_string(),
                a_const::Val::Fval(f) => f.fval.clone(),
                a_const::Val::Boolval(b) => if b.boolval { "true" } else { "false" }.to_string(),
                a_const::Val::Sval(s) => quote_literal(&s.sval),
                a_const::Val::Bsval(b) => b.bsval.clone(),
            })
        }
        NodeEnum::TypeCast(tc) => {
            let arg = simple_expr(tc.arg.as_ref()?)?;
            let t = type_ref(tc.type_name.as_ref()?);
            Some(format!("{arg}::{}", t.data_type))
        }
        NodeEnum::FuncCall(f)
            if f.args.is_empty() && f.agg_order.is_empty() && f.over.is_none() =>
        {
            Some(format!("{}()", strings(&f.funcname).join(".")))
        }
        NodeEnum::ColumnRef(c) => {
            let parts: Option<Vec<Name>> = c.fields.iter().map(string_of).collect();
            Some(parts?.join("."))
        }
        NodeEnum::SqlvalueFunction(_) => None,
        _ => None,
    }
}

pub(super) fn const_string(node: &Node) -> Option<String> {
    match node.node.as_ref()? {
        NodeEnum::AConst(c) => match c.val.as_ref()? {
            a_const::Val::Sval(s) => Some(s.sval.clone()),
            _ => None,
        },
        NodeEnum::String(s) => Some(s.sval.clone()),
        _ => None,
    }
}

/// pg_dump's `SELECT pg_catalog.set_config('search_path', '', false);`
pub(super) fn select_set_config(s: &protobuf::SelectStmt) -> Option<Statement> {
    let target = s.target_list.first()?;
    let NodeEnum::ResTarget(rt) = target.node.as_ref()? else {
        return None;
    };
    let NodeEnum::FuncCall(f) = rt.val.as_ref()?.node.as_ref()? else {
        return None;
    };
    if strings(&f.funcname).last()? != "set_config" {
        return None;
    }
    let setting = const_string(f.args.first()?)?;
    if let Some(name) = crate::source::sql::session::FOLLOWED_SETTINGS
        .into_iter()
        .find(|n| setting.eq_ignore_ascii_case(n))
    {
        let local = matches!(
            f.args.get(2).and_then(|a| a.node.as_ref()),
            Some(NodeEnum::AConst(protobuf::AConst {
                val: Some(a_const::Val::Boolval(protobuf::Boolean { boolval: true })),
                ..
            }))
        );
        return Some(Statement::SetConfig {
            name: name.into(),
            value: const_string(f.args.get(1)?)?,
            local,
        });
    }
    if setting != "search_path" {
        return None;
    }
    let value = const_string(f.args.get(1)?)?;
    let schemas = value
        .split(',')
        .map(|p| Name::from(p.trim().trim_matches('"')))
        .filter(|p| !p.is_empty())
        .collect();
    Some(Statement::SetSearchPath(schemas))
}

/// The columns a partial index's predicate requires to be non-null, when that is all
/// it requires: `a IS NOT NULL`, or an AND of such tests, in any spelling either
/// source gives (replay's deparsed `a IS NOT NULL`, the catalog's `pg_get_expr`
/// `((a IS NOT NULL) AND ("B" IS NOT NULL))`). `None` for any other predicate, or
/// for text that is not one expression. Both sources' text is judged here, so lint
/// and inspect agree.
pub fn not_null_columns(predicate: &str) -> Option<Vec<Name>> {
    with_expression(predicate, |clause| {
        let mut columns = Vec::new();
        not_null_tests(clause, &mut columns).then_some(columns)
    })
    .flatten()
}

pub(super) fn not_null_tests(node: &Node, out: &mut Vec<Name>) -> bool {
    match node.node.as_ref() {
        Some(NodeEnum::BoolExpr(b)) if b.boolop == protobuf::BoolExprType::AndExpr as i32 => {
            b.args.iter().all(|arg| not_null_tests(arg, out))
        }
        _ => null_test_column(node, true)
            .map(|name| out.push(name))
            .is_some(),
    }
}

/// Parse `text`, one expression (a predicate, or a CHECK expression; `CHECK (…)` as
/// `pg_get_constraintdef` writes it is accepted too), and hand it to `f`. `None` for
/// text that is not one expression.
fn with_expression<T>(text: &str, f: impl FnOnce(&Node) -> T) -> Option<T> {
    let trimmed = text.trim();
    let text = match trimmed.get(..6) {
        Some(head) if head.eq_ignore_ascii_case("CHECK ") => &trimmed[6..],
        _ => trimmed,
    };
    // Parenthesised so the text can only be one expression (a stray `GROUP BY` or
    // `; …` is a syntax error, not a second clause).
    let result = pg_query::parse(&format!("SELECT 1 WHERE ({text})"), 0).ok()?;
    let [raw] = result.protobuf.stmts.as_slice() else {
        return None;
    };
    let NodeEnum::SelectStmt(select) = raw.stmt.as_ref()?.node.as_ref()? else {
        return None;
    };
    select.where_clause.as_deref().map(f)
}

/// The columns an expression names (an index key or predicate, a CHECK, a default),
/// by the last part of each column reference; `None` for text that is not one
/// expression.
pub fn referenced_columns(text: &str) -> Option<std::collections::BTreeSet<Name>> {
    let trimmed = text.trim();
    let text = match trimmed.get(..6) {
        Some(head) if head.eq_ignore_ascii_case("CHECK ") => &trimmed[6..],
        _ => trimmed,
    };
    let result = pg_query::parse(&format!("SELECT 1 WHERE ({text})"), 0).ok()?;
    if result.protobuf.stmts.len() != 1 {
        return None;
    }
    Some(
        result
            .protobuf
            .nodes()
            .into_iter()
            .filter_map(|(node, ..)| match node {
                pg_query::NodeRef::ColumnRef(c) => c.fields.last().and_then(string_of),
                _ => None,
            })
            .collect(),
    )
}

/// The column `node` tests: `column IS NOT NULL` when `not`, else `column IS NULL`.
fn null_test_column(node: &Node, not: bool) -> Option<Name> {
    let Some(NodeEnum::NullTest(t)) = node.node.as_ref() else {
        return None;
    };
    let wanted = if not {
        protobuf::NullTestType::IsNotNull
    } else {
        protobuf::NullTestType::IsNull
    };
    if t.nulltesttype != wanted as i32 {
        return None;
    }
    let Some(NodeEnum::ColumnRef(c)) = t.arg.as_deref().and_then(|a| a.node.as_ref()) else {
        return None;
    };
    match c.fields.as_slice() {
        [field] => string_of(field),
        _ => None,
    }
}

/// The columns a CHECK expression gives an upper length limit: among its top-level
/// AND terms, `char_length(col) <= N` (also `<`, `N >= …`, `BETWEEN M AND N`, and
/// `length`, `character_length`, `octet_length`, schema-qualified or not, over the
/// column or a cast of it, as `pg_get_constraintdef` writes `char_length((name)::text)`).
/// A lower bound (`char_length(name) > 0`) limits nothing, nor does a limit under OR
/// unless every other term is `col IS NULL`. Empty
/// for text that is not one expression. A domain's CHECK names the column `value`.
pub fn length_limited_columns(expression: &str) -> Vec<Name> {
    with_expression(expression, |clause| {
        let mut out = Vec::new();
        length_limits(clause, &mut out);
        out
    })
    .unwrap_or_default()
}

fn length_limits(node: &Node, out: &mut Vec<Name>) {
    match node.node.as_ref() {
        Some(NodeEnum::BoolExpr(b)) if b.boolop == protobuf::BoolExprType::AndExpr as i32 => {
            for arg in &b.args {
                length_limits(arg, out);
            }
        }
        // `col IS NULL OR char_length(col) <= N` limits col too: each term either
        // limits it or admits only its NULL.
        Some(NodeEnum::BoolExpr(b)) if b.boolop == protobuf::BoolExprType::OrExpr as i32 => {
            let mut limited_by_some = Vec::new();
            for arg in &b.args {
                length_limits(arg, &mut limited_by_some);
            }
            limited_by_some.sort();
            limited_by_some.dedup();
            for column in limited_by_some {
                let every_term = b.args.iter().all(|arg| {
                    let mut limited = Vec::new();
                    length_limits(arg, &mut limited);
                    limited.contains(&column) || is_null_test_of(arg, &column)
                });
                if every_term {
                    out.push(column);
                }
            }
        }
        Some(NodeEnum::AExpr(e)) => {
            let op = e.name.first().and_then(string_of);
            let (left, right) = (e.lexpr.as_deref(), e.rexpr.as_deref());
            let column = if e.kind == protobuf::AExprKind::AexprBetween as i32 {
                left.and_then(length_of_column)
            } else if e.kind == protobuf::AExprKind::AexprOp as i32 {
                match op.as_deref() {
                    Some("<" | "<=") if right.is_some_and(is_constant) => {
                        left.and_then(length_of_column)
                    }
                    Some(">" | ">=") if left.is_some_and(is_constant) => {
                        right.and_then(length_of_column)
                    }
                    _ => None,
                }
            } else {
                None
            };
            out.extend(column);
        }
        _ => {}
    }
}

/// Whether `node` is `column IS NULL`.
fn is_null_test_of(node: &Node, column: &Name) -> bool {
    null_test_column(node, false).as_ref() == Some(column)
}

/// `col` of `char_length(col)` (or a cast of `col`), for the length functions.
fn length_of_column(node: &Node) -> Option<Name> {
    let Some(NodeEnum::FuncCall(call)) = node.node.as_ref() else {
        return None;
    };
    let name = call.funcname.last().and_then(string_of)?;
    if !matches!(
        name.as_str(),
        "char_length" | "character_length" | "length" | "octet_length"
    ) {
        return None;
    }
    let [arg] = call.args.as_slice() else {
        return None;
    };
    let mut arg = arg;
    while let Some(NodeEnum::TypeCast(cast)) = arg.node.as_ref() {
        arg = cast.arg.as_deref()?;
    }
    let Some(NodeEnum::ColumnRef(c)) = arg.node.as_ref() else {
        return None;
    };
    match c.fields.as_slice() {
        [field] => string_of(field),
        _ => None,
    }
}

fn is_constant(node: &Node) -> bool {
    match node.node.as_ref() {
        Some(NodeEnum::AConst(_)) => true,
        Some(NodeEnum::TypeCast(cast)) => cast.arg.as_deref().is_some_and(is_constant),
        _ => false,
    }
}

/// Whether a CHECK expression proves `column IS NOT NULL` the way PostgreSQL's
/// `SET NOT NULL` accepts in place of a scan (12+, `NotNullImpliedByRelConstraints`:
/// weak implication, since a CHECK holds when it is not false): one of its top-level
/// AND terms (nested ANDs included) is `column IS NOT NULL`. `a IS NOT NULL OR b IS
/// NOT NULL` proves nothing for `a`, and neither does `a > 0` (NULL passes a CHECK).
/// Accepts `CHECK (…)` as `pg_get_constraintdef` writes it.
pub fn proves_not_null(expression: &str, column: &str) -> bool {
    fn and_terms_prove(node: &Node, column: &str) -> bool {
        match node.node.as_ref() {
            Some(NodeEnum::BoolExpr(b)) if b.boolop == protobuf::BoolExprType::AndExpr as i32 => {
                b.args.iter().any(|arg| and_terms_prove(arg, column))
            }
            _ => null_test_column(node, true).is_some_and(|n| n.as_str() == column),
        }
    }
    with_expression(expression, |clause| and_terms_prove(clause, column)).unwrap_or(false)
}

/// An `UPDATE` or `DELETE` of `relation` (called by its alias in the statement, if
/// it has one) with this WHERE clause, as migration review needs it: how its top-level AND
/// terms bound columns of the table by constants, and which columns they match
/// against a subquery with a LIMIT. Columns qualified by another table's name
/// (`UPDATE … FROM plans p WHERE p.id = 3`) are not the table's.
pub(super) fn row_change(
    delete: bool,
    relation: &protobuf::RangeVar,
    where_clause: Option<&Node>,
) -> Statement {
    let table = range_name(relation);
    let alias = relation.alias.as_ref().map(|a| a.aliasname.as_str());
    let mut bounds = Vec::new();
    let mut limited_columns = Vec::new();
    let own_column = |n: Option<&Node>| -> Option<Name> {
        let NodeEnum::ColumnRef(c) = n?.node.as_ref()? else {
            return None;
        };
        match c.fields.as_slice() {
            [column] => string_of(column),
            [qualifier, column] => {
                let q = string_of(qualifier)?;
                let own = match alias {
                    Some(a) => *q == *a,
                    None => q == table.name,
                };
                own.then(|| string_of(column)).flatten()
            }
            _ => None,
        }
    };
    if let Some(node) = where_clause.and_then(|w| w.node.as_ref()) {
        let mut terms = vec![node];
        while let Some(term) = terms.pop() {
            match term {
                NodeEnum::BoolExpr(b) if b.boolop == protobuf::BoolExprType::AndExpr as i32 => {
                    terms.extend(b.args.iter().filter_map(|a| a.node.as_ref()));
                }
                NodeEnum::AExpr(e) => {
                    if let Some(bound) = compared_column(e, &own_column) {
                        bounds.push(bound);
                    }
                }
                // `col IN (SELECT … LIMIT n)` / `col = ANY (SELECT … LIMIT n)`.
                NodeEnum::SubLink(l)
                    if l.sub_link_type == protobuf::SubLinkType::AnySublink as i32 =>
                {
                    let limit = matches!(
                        l.subselect.as_deref().and_then(|s| s.node.as_ref()),
                        Some(NodeEnum::SelectStmt(s)) if s.limit_count.is_some()
                    );
                    if let Some(column) = own_column(l.testexpr.as_deref()).filter(|_| limit) {
                        limited_columns.push(column);
                    }
                }
                _ => {}
            }
        }
    }
    Statement::RowChange {
        delete,
        table,
        filtered: where_clause.is_some(),
        bounds,
        limited_columns,
    }
}

/// The column of `column <op> constant` (either way round) and how the operator
/// bounds it.
fn compared_column(
    e: &protobuf::AExpr,
    own_column: &dyn Fn(Option<&Node>) -> Option<Name>,
) -> Option<(Name, crate::source::sql::statement::Bound)> {
    use crate::source::sql::statement::Bound;
    use protobuf::AExprKind as K;
    let kind = K::try_from(e.kind).ok()?;
    let op = strings(&e.name).last().cloned().unwrap_or_default();
    let (l, r) = (e.lexpr.as_deref(), e.rexpr.as_deref());
    let column_left = own_column(l).filter(|_| is_bound_value(r));
    let column_right = own_column(r).filter(|_| is_bound_value(l));
    match kind {
        K::AexprOp => {
            if let Some(c) = column_left {
                let bound = match op.as_str() {
                    "=" => Bound::Equal,
                    ">" | ">=" => Bound::Lower,
                    "<" | "<=" => Bound::Upper,
                    _ => return None,
                };
                return Some((c, bound));
            }
            let c = column_right?;
            let bound = match op.as_str() {
                "=" => Bound::Equal,
                "<" | "<=" => Bound::Lower,
                ">" | ">=" => Bound::Upper,
                _ => return None,
            };
            Some((c, bound))
        }
        K::AexprOpAny | K::AexprIn if op == "=" => column_left.map(|c| (c, Bound::Equal)),
        K::AexprBetween | K::AexprBetweenSym => column_left.map(|c| (c, Bound::Between)),
        _ => None,
    }
}

/// A constant, a parameter, a cast of one, or a list or array of them.
fn is_bound_value(n: Option<&Node>) -> bool {
    match n.and_then(|n| n.node.as_ref()) {
        Some(NodeEnum::AConst(_) | NodeEnum::ParamRef(_)) => true,
        Some(NodeEnum::TypeCast(t)) => is_bound_value(t.arg.as_deref()),
        Some(NodeEnum::List(l)) => l.items.iter().all(|i| is_bound_value(Some(i))),
        Some(NodeEnum::AArrayExpr(a)) => a.elements.iter().all(|i| is_bound_value(Some(i))),
        _ => false,
    }
}

/// A function call in an expression, as [`function_calls`] finds it.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionCall {
    pub name: crate::source::sql::statement::ObjectName,
    pub args: usize,
    /// Written in SQL syntax the grammar turns into a call (`EXTRACT(… FROM …)`,
    /// `AT TIME ZONE`, `CURRENT_USER`): its name is the grammar's, which can differ
    /// between versions (`extract` is `date_part` before PostgreSQL 14).
    pub sql_syntax: bool,
}

/// Every function call in `text`, one expression (a column default), at any depth:
/// arguments, operands, casts, CASE, COALESCE, arrays, rows. `None` for text that is
/// not one expression. Operators, casts and SQL-value functions (`CURRENT_TIMESTAMP`)
/// are not calls here: no built-in one is volatile (scripts/extract-volatility.sh
/// checks that for operators and casts; SQL-value functions are stable).
pub fn function_calls(text: &str) -> Option<Vec<FunctionCall>> {
    with_expression(text, |node| {
        let mut walk = Calls::default();
        walk.collect(node, 0);
        walk.calls
    })
}

/// The calls of an expression, and whether it has a sub-select (`(SELECT …)`, `IN
/// (SELECT …)`, `EXISTS`, `ARRAY(SELECT …)`), whose calls are not collected.
#[derive(Default)]
pub(super) struct Calls {
    pub calls: Vec<FunctionCall>,
    pub sub_select: bool,
}

impl Calls {
    pub(super) fn collect(&mut self, node: &Node, depth: usize) {
        let Some(inner) = node.node.as_ref() else {
            return;
        };
        // Deeper than any default written by hand; the parser's own limit bounds the rest.
        if depth > 1000 {
            return;
        }
        match inner {
            NodeEnum::FuncCall(f) => self.calls.push(FunctionCall {
                name: name_from_parts(strings(&f.funcname)),
                args: f.args.len(),
                sql_syntax: f.funcformat == protobuf::CoercionForm::CoerceSqlSyntax as i32,
            }),
            NodeEnum::SubLink(_) => self.sub_select = true,
            _ => {}
        }
        let mut go = |n: &Node| self.collect(n, depth + 1);
        collect_children(inner, &mut go);
    }
}

fn collect_children(inner: &NodeEnum, go: &mut dyn FnMut(&Node)) {
    let mut go = go;
    match inner {
        NodeEnum::FuncCall(f) => {
            f.args.iter().for_each(&mut go);
            f.agg_order.iter().for_each(&mut go);
            f.agg_filter.as_deref().into_iter().for_each(&mut go);
        }
        NodeEnum::AExpr(e) => {
            e.lexpr.as_deref().into_iter().for_each(&mut go);
            e.rexpr.as_deref().into_iter().for_each(&mut go);
        }
        NodeEnum::BoolExpr(e) => e.args.iter().for_each(go),
        NodeEnum::TypeCast(c) => c.arg.as_deref().into_iter().for_each(go),
        NodeEnum::CollateClause(c) => c.arg.as_deref().into_iter().for_each(go),
        NodeEnum::NamedArgExpr(a) => a.arg.as_deref().into_iter().for_each(go),
        NodeEnum::AArrayExpr(a) => a.elements.iter().for_each(go),
        NodeEnum::AIndirection(a) => {
            a.arg.as_deref().into_iter().for_each(&mut go);
            a.indirection.iter().for_each(go);
        }
        NodeEnum::AIndices(i) => {
            i.lidx.as_deref().into_iter().for_each(&mut go);
            i.uidx.as_deref().into_iter().for_each(go);
        }
        NodeEnum::CaseExpr(c) => {
            c.arg.as_deref().into_iter().for_each(&mut go);
            c.args.iter().for_each(&mut go);
            c.defresult.as_deref().into_iter().for_each(go);
        }
        NodeEnum::CaseWhen(w) => {
            w.expr.as_deref().into_iter().for_each(&mut go);
            w.result.as_deref().into_iter().for_each(go);
        }
        NodeEnum::CoalesceExpr(e) => e.args.iter().for_each(go),
        NodeEnum::MinMaxExpr(e) => e.args.iter().for_each(go),
        NodeEnum::NullTest(t) => t.arg.as_deref().into_iter().for_each(go),
        NodeEnum::BooleanTest(t) => t.arg.as_deref().into_iter().for_each(go),
        NodeEnum::RowExpr(r) => r.args.iter().for_each(go),
        NodeEnum::List(l) => l.items.iter().for_each(go),
        NodeEnum::XmlExpr(x) => {
            x.named_args.iter().for_each(&mut go);
            x.args.iter().for_each(go);
        }
        NodeEnum::ResTarget(t) => t.val.as_deref().into_iter().for_each(go),
        _ => {}
    }
}

/// Whether an expression's text mentions a column as a whole word (a name in it,
/// quoted or not; not a parse: a string literal with the word counts too).
pub fn mentions_column(expression: &str, column: &str) -> bool {
    expression
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '"'))
        .any(|w| w.trim_matches('"') == column)
}

/// How a top-level AND term of a CHECK expression bears on one column (for the
/// partition-bound proof of `ATTACH PARTITION`).
#[derive(Debug, Clone, PartialEq)]
pub enum KeyTerm {
    /// `column IS NOT NULL`.
    NotNull,
    /// `column op constant`, written either way round (normalised to the column on the
    /// left); the constant's value without casts.
    Compare(CompareOp, String),
    /// `column IN (constants)`, `column = ANY (ARRAY[constants])`.
    In(Vec<String>),
    /// Mentions the column some other way (or might: any use of its name).
    Opaque,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Lt,
    Le,
    Eq,
    Ge,
    Gt,
}

/// The top-level AND terms of a CHECK expression that concern `column`; terms about
/// other columns are left out. `None` for text that is not one expression.
pub fn key_terms(expression: &str, column: &str) -> Option<Vec<KeyTerm>> {
    fn flatten<'a>(node: &'a Node, out: &mut Vec<&'a Node>) {
        match node.node.as_ref() {
            Some(NodeEnum::BoolExpr(b)) if b.boolop == protobuf::BoolExprType::AndExpr as i32 => {
                b.args.iter().for_each(|a| flatten(a, out))
            }
            _ => out.push(node),
        }
    }
    fn bare_column(node: &Node) -> Option<Name> {
        match node.node.as_ref()? {
            NodeEnum::ColumnRef(c) => match c.fields.as_slice() {
                [field] => string_of(field),
                _ => None,
            },
            _ => None,
        }
    }
    fn constant(node: &Node) -> Option<String> {
        let mut n = node;
        while let Some(NodeEnum::TypeCast(tc)) = n.node.as_ref() {
            n = tc.arg.as_deref()?;
        }
        match n.node.as_ref()? {
            NodeEnum::AConst(c) if !c.isnull => match c.val.as_ref()? {
                a_const::Val::Ival(i) => Some(i.ival.to_string()),
                a_const::Val::Fval(f) => Some(f.fval.clone()),
                a_const::Val::Sval(s) => Some(s.sval.clone()),
                _ => None,
            },
            _ => None,
        }
    }
    fn constants(node: &Node) -> Option<Vec<String>> {
        let mut n = node;
        while let Some(NodeEnum::TypeCast(tc)) = n.node.as_ref() {
            n = tc.arg.as_deref()?;
        }
        let items = match n.node.as_ref()? {
            NodeEnum::List(l) => &l.items,
            NodeEnum::AArrayExpr(a) => &a.elements,
            _ => return None,
        };
        items.iter().map(constant).collect()
    }
    fn classify(node: &Node, column: &str) -> Option<KeyTerm> {
        if let Some(c) = null_test_column(node, true) {
            return (c.as_str() == column).then_some(KeyTerm::NotNull);
        }
        let mentions = format!("{node:?}").contains(&format!("sval: {column:?}"));
        let Some(NodeEnum::AExpr(e)) = node.node.as_ref() else {
            return mentions.then_some(KeyTerm::Opaque);
        };
        let op = match e.name.as_slice() {
            [op] => string_of(op),
            _ => None,
        };
        let (l, r) = (e.lexpr.as_deref(), e.rexpr.as_deref());
        let kind = protobuf::AExprKind::try_from(e.kind).ok();
        let term = match (kind, op.as_deref(), l, r) {
            (Some(protobuf::AExprKind::AexprOp), Some(op), Some(l), Some(r)) => {
                let flip = |op: &str| {
                    match op {
                        "<" => ">",
                        "<=" => ">=",
                        ">" => "<",
                        ">=" => "<=",
                        other => other,
                    }
                    .to_string()
                };
                let (subject, value, op) = match (bare_column(l), bare_column(r)) {
                    (Some(c), None) => (c, constant(r), op.to_string()),
                    (None, Some(c)) => (c, constant(l), flip(op)),
                    _ => return mentions.then_some(KeyTerm::Opaque),
                };
                if subject.as_str() != column {
                    return mentions.then_some(KeyTerm::Opaque);
                }
                let op = match op.as_str() {
                    "<" => CompareOp::Lt,
                    "<=" => CompareOp::Le,
                    "=" => CompareOp::Eq,
                    ">=" => CompareOp::Ge,
                    ">" => CompareOp::Gt,
                    _ => return Some(KeyTerm::Opaque),
                };
                value.map(|v| KeyTerm::Compare(op, v))
            }
            (Some(protobuf::AExprKind::AexprIn), Some("="), Some(l), Some(r))
            | (Some(protobuf::AExprKind::AexprOpAny), Some("="), Some(l), Some(r)) => {
                match bare_column(l) {
                    Some(c) if c.as_str() == column => constants(r).map(KeyTerm::In),
                    _ => return mentions.then_some(KeyTerm::Opaque),
                }
            }
            _ => None,
        };
        match term {
            Some(t) => Some(t),
            None => mentions.then_some(KeyTerm::Opaque),
        }
    }
    with_expression(expression, |clause| {
        let mut terms = Vec::new();
        flatten(clause, &mut terms);
        terms
            .into_iter()
            .filter_map(|t| classify(t, column))
            .collect()
    })
}

/// `expression` (SQL text as replay keeps it) with every reference to column `old`
/// renamed to `new`, as PostgreSQL's stored expressions follow `RENAME COLUMN` (they
/// hold the column's number, not its name). `None` when the text cannot be parsed or
/// a reference may remain in a construct this does not walk (the caller keeps the
/// old text then).
pub fn rename_column_in_expression(expression: &str, old: &str, new: &str) -> Option<String> {
    if !mentions_column(expression, old) {
        return Some(expression.to_string());
    }
    let parsed = pg_query::parse(&format!("SELECT {expression}"), 0).ok()?;
    let stmt = parsed.protobuf.stmts.first()?.stmt.as_deref()?;
    let NodeEnum::SelectStmt(select) = stmt.node.as_ref()? else {
        return None;
    };
    let NodeEnum::ResTarget(target) = select.target_list.first()?.node.as_ref()? else {
        return None;
    };
    let mut node = (**target.val.as_ref()?).clone();
    rename_in(&mut node, old, new);
    let renamed = expr_sql(&node);
    (!mentions_column(&renamed, old) || old == new).then_some(renamed)
}

fn rename_in(node: &mut Node, old: &str, new: &str) {
    let each = |nodes: &mut Vec<Node>| {
        for n in nodes.iter_mut() {
            rename_in(n, old, new);
        }
    };
    let one = |n: &mut Option<Box<Node>>| {
        if let Some(n) = n.as_deref_mut() {
            rename_in(n, old, new);
        }
    };
    match node.node.as_mut() {
        Some(NodeEnum::ColumnRef(c)) => {
            if let Some(Node {
                node: Some(NodeEnum::String(s)),
            }) = c.fields.last_mut()
            {
                if s.sval == old {
                    s.sval = new.to_string();
                }
            }
        }
        Some(NodeEnum::AExpr(e)) => {
            one(&mut e.lexpr);
            one(&mut e.rexpr);
        }
        Some(NodeEnum::FuncCall(f)) => {
            each(&mut f.args);
            each(&mut f.agg_order);
            one(&mut f.agg_filter);
        }
        Some(NodeEnum::TypeCast(t)) => one(&mut t.arg),
        Some(NodeEnum::CollateClause(c)) => one(&mut c.arg),
        Some(NodeEnum::CoalesceExpr(c)) => each(&mut c.args),
        Some(NodeEnum::MinMaxExpr(m)) => each(&mut m.args),
        Some(NodeEnum::BoolExpr(b)) => each(&mut b.args),
        Some(NodeEnum::NullTest(t)) => one(&mut t.arg),
        Some(NodeEnum::BooleanTest(t)) => one(&mut t.arg),
        Some(NodeEnum::RowExpr(r)) => each(&mut r.args),
        Some(NodeEnum::AArrayExpr(a)) => each(&mut a.elements),
        Some(NodeEnum::List(l)) => each(&mut l.items),
        Some(NodeEnum::AIndirection(i)) => one(&mut i.arg),
        Some(NodeEnum::NamedArgExpr(a)) => one(&mut a.arg),
        Some(NodeEnum::SortBy(s)) => one(&mut s.node),
        Some(NodeEnum::CaseExpr(c)) => {
            one(&mut c.arg);
            each(&mut c.args);
            one(&mut c.defresult);
        }
        Some(NodeEnum::CaseWhen(w)) => {
            one(&mut w.expr);
            one(&mut w.result);
        }
        _ => {}
    }
}

/// What an unqualified name in an expression stands for ([`qualify_names_in_expression`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    Function,
    /// A type named in a cast.
    Type,
    /// A table or view in a subquery's `FROM`.
    Relation,
    /// The text argument of `nextval`, `currval` or `setval`.
    Sequence,
}

/// `expression` with each unqualified function, cast type, subquery relation and
/// `nextval('…')` sequence qualified by the schema `resolve(kind, name)` gives: the
/// names as PostgreSQL resolved them through the `search_path` the statement ran
/// under, which a stored expression keeps (it holds the objects' OIDs; the catalog
/// prints them qualified). The text is unchanged when `resolve` gives nothing;
/// `None` when it cannot be parsed.
pub fn qualify_names_in_expression(
    expression: &str,
    resolve: &dyn Fn(NameKind, &str) -> Option<String>,
) -> Option<String> {
    let parsed = pg_query::parse(&format!("SELECT {expression}"), 0).ok()?;
    let stmt = parsed.protobuf.stmts.first()?.stmt.as_deref()?;
    let NodeEnum::SelectStmt(select) = stmt.node.as_ref()? else {
        return None;
    };
    let NodeEnum::ResTarget(target) = select.target_list.first()?.node.as_ref()? else {
        return None;
    };
    let mut node = (**target.val.as_ref()?).clone();
    let mut changed = false;
    qualify_in(&mut node, resolve, &mut changed, 0);
    Some(if changed {
        expr_sql(&node)
    } else {
        expression.to_string()
    })
}

/// [`qualify_names_in_expression`] for a whole query (a view's): every relation,
/// function, cast type and sequence it names. `None` when it cannot be parsed.
pub fn qualify_names_in_query(
    query: &str,
    resolve: &dyn Fn(NameKind, &str) -> Option<String>,
) -> Option<String> {
    let parsed = pg_query::parse(query, 0).ok()?;
    let [raw] = parsed.protobuf.stmts.as_slice() else {
        return None;
    };
    let mut node = (**raw.stmt.as_ref()?).clone();
    let mut changed = false;
    qualify_in(&mut node, resolve, &mut changed, 0);
    if changed {
        super::query::query_sql(&node)
    } else {
        Some(query.to_string())
    }
}

/// Deeper than written expressions go; the rest is left as it is.
const QUALIFY_DEPTH: usize = 200;

/// Qualify the names `node` and every node below it use ([`walk_mut`]'s reach).
fn qualify_in(
    node: &mut Node,
    resolve: &dyn Fn(NameKind, &str) -> Option<String>,
    changed: &mut bool,
    depth: usize,
) {
    let string = |s: &str| Node {
        node: Some(NodeEnum::String(protobuf::String { sval: s.into() })),
    };
    walk_mut(
        node,
        &mut |node| match node.node.as_mut() {
            Some(NodeEnum::FuncCall(f)) => {
                let name = match f.funcname.as_slice() {
                    [Node {
                        node: Some(NodeEnum::String(s)),
                    }] => s.sval.clone(),
                    _ => return,
                };
                if matches!(name.as_str(), "nextval" | "currval" | "setval") {
                    if let Some(arg) = f.args.first_mut() {
                        qualify_sequence_text(arg, resolve, changed);
                    }
                } else if let Some(schema) = resolve(NameKind::Function, &name) {
                    f.funcname = vec![string(&schema), string(&name)];
                    *changed = true;
                }
            }
            Some(NodeEnum::TypeCast(t)) => {
                let Some(tn) = t.type_name.as_mut() else {
                    return;
                };
                let [Node {
                    node: Some(NodeEnum::String(s)),
                }] = tn.names.as_slice()
                else {
                    return;
                };
                let name = s.sval.clone();
                if let Some(schema) = resolve(NameKind::Type, &name) {
                    tn.names = vec![string(&schema), string(&name)];
                    *changed = true;
                }
            }
            Some(NodeEnum::RangeVar(r)) if r.schemaname.is_empty() => {
                if let Some(schema) = resolve(NameKind::Relation, &r.relname) {
                    r.schemaname = schema;
                    *changed = true;
                }
            }
            _ => {}
        },
        depth,
    );
}

/// `nextval('s')`'s argument (a string, or a string cast to `regclass`): an
/// unqualified plain name gets the schema `resolve` gives for the sequence.
fn qualify_sequence_text(
    arg: &mut Node,
    resolve: &dyn Fn(NameKind, &str) -> Option<String>,
    changed: &mut bool,
) {
    let constant = match arg.node.as_mut() {
        Some(NodeEnum::AConst(c)) => c,
        Some(NodeEnum::TypeCast(t)) => match t.arg.as_deref_mut().and_then(|a| a.node.as_mut()) {
            Some(NodeEnum::AConst(c)) => c,
            _ => return,
        },
        _ => return,
    };
    let Some(protobuf::a_const::Val::Sval(s)) = constant.val.as_mut() else {
        return;
    };
    let plain = !s.sval.is_empty()
        && s.sval
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain {
        if let Some(schema) = resolve(NameKind::Sequence, &s.sval) {
            s.sval = format!("{}.{}", crate::model::quote_ident(&schema), s.sval);
            *changed = true;
        }
    }
}

/// Call `f` on `node` and every node below it that an expression can hold (operators,
/// calls, casts, `CASE`, subqueries with their `FROM`, `WHERE` and targets), parents
/// first, to `QUALIFY_DEPTH` levels.
pub(super) fn walk_mut(node: &mut Node, f: &mut dyn FnMut(&mut Node), depth: usize) {
    if depth > QUALIFY_DEPTH {
        return;
    }
    f(node);
    let each = |nodes: &mut Vec<Node>, f: &mut dyn FnMut(&mut Node)| {
        for n in nodes.iter_mut() {
            walk_mut(n, f, depth + 1);
        }
    };
    let one = |n: &mut Option<Box<Node>>, f: &mut dyn FnMut(&mut Node)| {
        if let Some(n) = n.as_deref_mut() {
            walk_mut(n, f, depth + 1);
        }
    };
    match node.node.as_mut() {
        Some(NodeEnum::FuncCall(c)) => {
            each(&mut c.args, f);
            each(&mut c.agg_order, f);
            one(&mut c.agg_filter, f);
        }
        Some(NodeEnum::TypeCast(t)) => one(&mut t.arg, f),
        Some(NodeEnum::SubLink(s)) => {
            one(&mut s.testexpr, f);
            one(&mut s.subselect, f);
        }
        Some(NodeEnum::SelectStmt(s)) => {
            if let Some(w) = s.with_clause.as_mut() {
                each(&mut w.ctes, f);
            }
            each(&mut s.target_list, f);
            each(&mut s.from_clause, f);
            one(&mut s.where_clause, f);
            each(&mut s.group_clause, f);
            one(&mut s.having_clause, f);
            each(&mut s.sort_clause, f);
            one(&mut s.limit_count, f);
            one(&mut s.limit_offset, f);
            // The branches of a set operation are statements, not nodes.
            for side in [&mut s.larg, &mut s.rarg] {
                if let Some(branch) = side.take() {
                    let mut n = Node {
                        node: Some(NodeEnum::SelectStmt(branch)),
                    };
                    walk_mut(&mut n, f, depth + 1);
                    if let Some(NodeEnum::SelectStmt(branch)) = n.node {
                        *side = Some(branch);
                    }
                }
            }
        }
        Some(NodeEnum::CommonTableExpr(c)) => one(&mut c.ctequery, f),
        Some(NodeEnum::ResTarget(r)) => one(&mut r.val, f),
        Some(NodeEnum::JoinExpr(j)) => {
            one(&mut j.larg, f);
            one(&mut j.rarg, f);
            one(&mut j.quals, f);
        }
        Some(NodeEnum::RangeSubselect(r)) => one(&mut r.subquery, f),
        Some(NodeEnum::AExpr(e)) => {
            one(&mut e.lexpr, f);
            one(&mut e.rexpr, f);
        }
        Some(NodeEnum::CollateClause(c)) => one(&mut c.arg, f),
        Some(NodeEnum::CoalesceExpr(c)) => each(&mut c.args, f),
        Some(NodeEnum::MinMaxExpr(m)) => each(&mut m.args, f),
        Some(NodeEnum::BoolExpr(b)) => each(&mut b.args, f),
        Some(NodeEnum::NullTest(t)) => one(&mut t.arg, f),
        Some(NodeEnum::BooleanTest(t)) => one(&mut t.arg, f),
        Some(NodeEnum::RowExpr(r)) => each(&mut r.args, f),
        Some(NodeEnum::AArrayExpr(a)) => each(&mut a.elements, f),
        Some(NodeEnum::List(l)) => each(&mut l.items, f),
        Some(NodeEnum::AIndirection(i)) => one(&mut i.arg, f),
        Some(NodeEnum::NamedArgExpr(a)) => one(&mut a.arg, f),
        Some(NodeEnum::SortBy(s)) => one(&mut s.node, f),
        Some(NodeEnum::CaseExpr(c)) => {
            one(&mut c.arg, f);
            each(&mut c.args, f);
            one(&mut c.defresult, f);
        }
        Some(NodeEnum::CaseWhen(w)) => {
            one(&mut w.expr, f);
            one(&mut w.result, f);
        }
        _ => {}
    }
}
