//! CREATE INDEX and its elements.

use super::*;

pub(super) fn create_index(s: &protobuf::IndexStmt) -> CreateIndex {
    let rv = s.relation.clone().unwrap_or_default();
    let keys = s
        .index_params
        .iter()
        .filter_map(|n| match n.node.as_ref() {
            Some(NodeEnum::IndexElem(e)) => Some(index_element(e)),
            _ => None,
        })
        .collect();
    let include = s
        .index_including_params
        .iter()
        .filter_map(|n| match n.node.as_ref() {
            Some(NodeEnum::IndexElem(e)) if !e.name.is_empty() => Some(Name::from(e.name.as_str())),
            _ => None,
        })
        .collect();
    CreateIndex {
        name: opt_name(&s.idxname),
        table: range_name(&rv),
        only: !rv.inh,
        unique: s.unique,
        nulls_not_distinct: s.nulls_not_distinct,
        method: if s.access_method.is_empty() {
            "btree".into()
        } else {
            s.access_method.to_ascii_lowercase().into()
        },
        keys,
        include,
        predicate: s.where_clause.as_deref().map(expr_sql),
        concurrently: s.concurrent,
        if_not_exists: s.if_not_exists,
    }
}

pub(super) fn index_element(e: &protobuf::IndexElem) -> IndexElement {
    let key = match &e.expr {
        Some(expr) => match expr.node.as_ref() {
            // `(col)` parses as a bare column reference: it is a plain column key.
            Some(NodeEnum::ColumnRef(c)) if c.fields.len() == 1 => match string_of(&c.fields[0]) {
                Some(name) => IndexKey::Column(name),
                None => IndexKey::Expression(expr_sql(expr)),
            },
            _ => IndexKey::Expression(expr_sql(expr)),
        },
        None => IndexKey::Column(e.name.as_str().into()),
    };
    let opclass = strings(&e.opclass);
    let collation = strings(&e.collation);
    let descending = e.ordering == SortByDir::SortbyDesc as i32;
    let nulls_first = match e.nulls_ordering {
        n if n == protobuf::SortByNulls::SortbyNullsFirst as i32 => true,
        n if n == protobuf::SortByNulls::SortbyNullsLast as i32 => false,
        _ => descending,
    };
    IndexElement {
        key,
        descending,
        nulls_first,
        // By its name, as the catalog names it (`pg_opclass.opcname`): a dump writes
        // `public.gin_trgm_ops` for the class the catalog calls `gin_trgm_ops`.
        opclass: opclass.last().map(|c| c.to_string()),
        collation: (!collation.is_empty()).then(|| collation.join(".")),
    }
}

/// The name PostgreSQL gives an expression key of an index it names itself
/// (`ChooseIndexColumnNames`, from `FigureIndexColname`): a function call's name
/// (`lower(email)` → `lower`), a column's name, `coalesce`, `greatest`, `array`, a
/// cast's argument's name or else its type's; `expr` for anything else (`y + 1`).
/// `CREATE INDEX ON t (lower(email))` is `t_lower_idx`.
pub fn index_column_name(expression: &str) -> String {
    let Ok(parsed) = pg_query::parse(&format!("SELECT ({expression})"), 0) else {
        return "expr".into();
    };
    let value =
        parsed
            .protobuf
            .stmts
            .first()
            .and_then(|raw| match raw.stmt.as_ref()?.node.as_ref()? {
                NodeEnum::SelectStmt(s) => match s.target_list.first()?.node.as_ref()? {
                    NodeEnum::ResTarget(t) => t.val.as_deref().cloned(),
                    _ => None,
                },
                _ => None,
            });
    value
        .and_then(|v| figure_colname(&v, 0).map(|(name, _)| name))
        .unwrap_or_else(|| "expr".into())
}

/// `FigureColnameInternal`: a name and its strength (2 a real name, 1 a fallback).
fn figure_colname(node: &Node, depth: usize) -> Option<(String, u8)> {
    if depth > 100 {
        return None;
    }
    match node.node.as_ref()? {
        NodeEnum::ColumnRef(c) => match c.fields.last()?.node.as_ref()? {
            NodeEnum::String(s) => Some((s.sval.clone(), 2)),
            _ => None,
        },
        NodeEnum::FuncCall(f) => strings(&f.funcname).last().map(|n| (n.to_string(), 2)),
        NodeEnum::AIndirection(i) => match i.indirection.last().and_then(|n| n.node.as_ref()) {
            Some(NodeEnum::String(s)) => Some((s.sval.clone(), 2)),
            _ => figure_colname(i.arg.as_deref()?, depth + 1),
        },
        NodeEnum::TypeCast(t) => match figure_colname(t.arg.as_deref()?, depth + 1) {
            Some((name, 2)) => Some((name, 2)),
            other => t
                .type_name
                .as_ref()
                .and_then(|tn| strings(&tn.names).last().map(|n| (n.to_string(), 1)))
                .or(other),
        },
        NodeEnum::CollateClause(c) => figure_colname(c.arg.as_deref()?, depth + 1),
        NodeEnum::CoalesceExpr(_) => Some(("coalesce".into(), 2)),
        NodeEnum::MinMaxExpr(m) => Some((
            if m.op == protobuf::MinMaxOp::IsGreatest as i32 {
                "greatest"
            } else {
                "least"
            }
            .into(),
            2,
        )),
        NodeEnum::AArrayExpr(_) => Some(("array".into(), 2)),
        NodeEnum::RowExpr(_) => Some(("row".into(), 2)),
        NodeEnum::CaseExpr(_) => Some(("case".into(), 1)),
        NodeEnum::NullIfExpr(_) => Some(("nullif".into(), 2)),
        NodeEnum::AExpr(e) if e.kind == protobuf::AExprKind::AexprNullif as i32 => {
            Some(("nullif".into(), 2))
        }
        NodeEnum::SqlvalueFunction(f) => {
            use protobuf::SqlValueFunctionOp as Op;
            let name = match Op::try_from(f.op).ok()? {
                Op::SvfopCurrentDate => "current_date",
                Op::SvfopCurrentTime | Op::SvfopCurrentTimeN => "current_time",
                Op::SvfopCurrentTimestamp | Op::SvfopCurrentTimestampN => "current_timestamp",
                Op::SvfopLocaltime | Op::SvfopLocaltimeN => "localtime",
                Op::SvfopLocaltimestamp | Op::SvfopLocaltimestampN => "localtimestamp",
                Op::SvfopCurrentRole => "current_role",
                Op::SvfopCurrentUser => "current_user",
                Op::SvfopUser => "user",
                Op::SvfopSessionUser => "session_user",
                Op::SvfopCurrentCatalog => "current_catalog",
                Op::SvfopCurrentSchema => "current_schema",
                _ => return None,
            };
            Some((name.into(), 2))
        }
        _ => None,
    }
}
