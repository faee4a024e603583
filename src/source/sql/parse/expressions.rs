//! Expressions: SQL text of a node, literals, `set_config` calls, NOT NULL tests.

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
    if const_string(f.args.first()?)? != "search_path" {
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
    // Parenthesised so the text can only be one expression (a stray `GROUP BY` or
    // `; …` is a syntax error, not a second clause).
    let result = pg_query::parse(&format!("SELECT 1 WHERE ({predicate})"), 0).ok()?;
    let [raw] = result.protobuf.stmts.as_slice() else {
        return None;
    };
    let NodeEnum::SelectStmt(select) = raw.stmt.as_ref()?.node.as_ref()? else {
        return None;
    };
    let mut columns = Vec::new();
    not_null_tests(select.where_clause.as_deref()?, &mut columns).then_some(columns)
}

pub(super) fn not_null_tests(node: &Node, out: &mut Vec<Name>) -> bool {
    match node.node.as_ref() {
        Some(NodeEnum::BoolExpr(b)) if b.boolop == protobuf::BoolExprType::AndExpr as i32 => {
            b.args.iter().all(|arg| not_null_tests(arg, out))
        }
        Some(NodeEnum::NullTest(t))
            if t.nulltesttype == protobuf::NullTestType::IsNotNull as i32 =>
        {
            let Some(NodeEnum::ColumnRef(c)) = t.arg.as_deref().and_then(|a| a.node.as_ref())
            else {
                return false;
            };
            match c.fields.as_slice() {
                [field] => string_of(field).map(|name| out.push(name)).is_some(),
                _ => false,
            }
        }
        _ => false,
    }
}
