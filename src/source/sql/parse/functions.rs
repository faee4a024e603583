//! Functions: `CREATE [OR REPLACE] FUNCTION`, `ALTER FUNCTION`, `DROP FUNCTION`, as far
//! as a column default's volatility depends on them (see `source::sql::volatility`).

use super::*;
use crate::model::Volatility;
use protobuf::FunctionParameterMode as Mode;

/// A type of a function's signature: its name and array dimensions. PostgreSQL
/// ignores modifiers there (`f(varchar(10))` is `f(character varying)`).
fn signature_type(t: &protobuf::TypeName) -> String {
    let data_type = type_ref(t).data_type;
    format!(
        "{}{}",
        data_type.name,
        "[]".repeat(data_type.array_dims as usize)
    )
}

fn def_elems(options: &[Node]) -> impl Iterator<Item = &protobuf::DefElem> {
    options.iter().filter_map(|o| match o.node.as_ref() {
        Some(NodeEnum::DefElem(d)) => Some(&**d),
        _ => None,
    })
}

fn def_string(d: &protobuf::DefElem) -> Option<String> {
    match d.arg.as_deref()?.node.as_ref()? {
        NodeEnum::String(s) => Some(s.sval.clone()),
        NodeEnum::List(l) => l.items.first().and_then(const_string),
        _ => None,
    }
}

/// Whether an option stops PostgreSQL from inlining a SQL function: SECURITY DEFINER
/// or a SET clause (`inline_function` in optimizer/util/clauses.c).
fn stops_inlining(d: &protobuf::DefElem) -> bool {
    match d.defname.as_str() {
        "security" => !matches!(
            d.arg.as_deref().and_then(|a| a.node.as_ref()),
            Some(NodeEnum::Boolean(b)) if !b.boolval
        ),
        "set" => true,
        _ => false,
    }
}

pub(super) fn create_function(s: &protobuf::CreateFunctionStmt) -> Statement {
    if s.is_procedure {
        return other("CREATE PROCEDURE");
    }
    let mut arg_types = Vec::new();
    let (mut defaults, mut variadic) = (0, false);
    for p in s.parameters.iter().filter_map(|n| match n.node.as_ref() {
        Some(NodeEnum::FunctionParameter(p)) => Some(p),
        _ => None,
    }) {
        let mode = Mode::try_from(p.mode).unwrap_or(Mode::FuncParamIn);
        if matches!(mode, Mode::FuncParamOut | Mode::FuncParamTable) {
            continue;
        }
        arg_types.push(p.arg_type.as_ref().map(signature_type).unwrap_or_default());
        variadic |= mode == Mode::FuncParamVariadic;
        // Every argument after one with a default has one too.
        if p.defexpr.is_some() {
            defaults += 1;
        }
    }
    let mut volatility = Volatility::Volatile;
    let (mut language, mut body, mut inlinable) = (String::new(), None, true);
    for d in def_elems(&s.options) {
        match d.defname.as_str() {
            "volatility" => {
                if let Some(v) = def_string(d).as_deref().and_then(Volatility::parse) {
                    volatility = v;
                }
            }
            "language" => language = def_string(d).unwrap_or_default().to_ascii_lowercase(),
            // `AS 'body'` (a C function's `AS 'file', 'symbol'` has two items).
            "as" => body = def_string(d),
            _ => inlinable &= !stops_inlining(d),
        }
    }
    let returns_set = s.return_type.as_ref().is_some_and(|t| t.setof);
    let inline_body = if inlinable && !returns_set && language == "sql" {
        match s.sql_body.as_deref().and_then(|b| b.node.as_ref()) {
            // `RETURN expr` (PostgreSQL 14 and later).
            Some(NodeEnum::ReturnStmt(r)) => r.returnval.as_deref().map(expr_sql),
            Some(_) => None,
            None => body.as_deref().and_then(inlinable_select),
        }
    } else {
        None
    };
    Statement::CreateFunction {
        function: FunctionSpec {
            name: list_name(&s.funcname),
            arg_types,
            defaults,
            variadic,
            volatility,
            inline_body,
        },
        replace: s.replace,
    }
}

/// The expression of a SQL function body PostgreSQL can inline: one `SELECT expr`
/// with nothing else (no FROM, WHERE, GROUP BY, ORDER BY, LIMIT, WITH, DISTINCT, set
/// operation or sub-select).
fn inlinable_select(body: &str) -> Option<String> {
    // One expression is short; a long body is not decoded (see `large.rs`).
    if body.len() >= crate::source::sql::large::LARGE_STATEMENT {
        return None;
    }
    let parsed = pg_query::parse(body, 0).ok()?;
    let [raw] = parsed.protobuf.stmts.as_slice() else {
        return None;
    };
    let NodeEnum::SelectStmt(s) = raw.stmt.as_ref()?.node.as_ref()? else {
        return None;
    };
    let plain = s.from_clause.is_empty()
        && s.where_clause.is_none()
        && s.group_clause.is_empty()
        && s.having_clause.is_none()
        && s.window_clause.is_empty()
        && s.sort_clause.is_empty()
        && s.limit_count.is_none()
        && s.limit_offset.is_none()
        && s.locking_clause.is_empty()
        && s.with_clause.is_none()
        && s.distinct_clause.is_empty()
        && s.values_lists.is_empty()
        && s.into_clause.is_none()
        && s.op == protobuf::SetOperation::SetopNone as i32;
    let [target] = s.target_list.as_slice() else {
        return None;
    };
    let NodeEnum::ResTarget(rt) = target.node.as_ref()? else {
        return None;
    };
    let expression = rt.val.as_deref()?;
    let mut walk = Calls::default();
    walk.collect(expression, 0);
    (plain && !walk.sub_select).then(|| expr_sql(expression))
}

fn function_ref(o: &protobuf::ObjectWithArgs) -> FunctionRef {
    FunctionRef {
        name: list_name(&o.objname),
        arg_types: (!o.args_unspecified).then(|| {
            o.objargs
                .iter()
                .filter_map(|a| match a.node.as_ref() {
                    Some(NodeEnum::TypeName(t)) => Some(signature_type(t)),
                    _ => None,
                })
                .collect()
        }),
    }
}

pub(super) fn alter_function(s: &protobuf::AlterFunctionStmt) -> Statement {
    let Some(func) = s.func.as_ref() else {
        return other("ALTER FUNCTION");
    };
    if s.objtype != ObjectType::ObjectFunction as i32 {
        return other("ALTER FUNCTION");
    }
    let mut volatility = None;
    let mut stops = false;
    for d in def_elems(&s.actions) {
        if d.defname == "volatility" {
            volatility = def_string(d).as_deref().and_then(Volatility::parse);
        }
        stops |= stops_inlining(d);
    }
    Statement::AlterFunction {
        function: function_ref(func),
        volatility,
        stops_inlining: stops,
    }
}

/// `DROP FUNCTION` (a `DropStmt` whose objects are `ObjectWithArgs`).
pub(super) fn drop_function(s: &protobuf::DropStmt) -> Statement {
    Statement::DropFunction {
        functions: s
            .objects
            .iter()
            .filter_map(|o| match o.node.as_ref() {
                Some(NodeEnum::ObjectWithArgs(f)) => Some(function_ref(f)),
                _ => None,
            })
            .collect(),
        missing_ok: s.missing_ok,
    }
}
