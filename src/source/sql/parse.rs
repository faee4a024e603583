//! Parse one statement with the real PostgreSQL grammar and translate pg_query's tree
//! into a [`Statement`]; with `large.rs`, the only code that talks to pg_query.

use super::statement::*;
use crate::model::{
    Column, DataType, FkAction, Identity, IndexElement, IndexKey, MatchType, Name, Policy,
};
use pg_query::protobuf::{self, a_const, AlterTableType, ConstrType, ObjectType, SortByDir};
use pg_query::{Node, NodeEnum};

/// Parse one statement (as cut by the splitter). A statement list longer than one
/// (which the splitter should never produce) yields one entry per statement. Large
/// statements decode only what replay uses (see [`super::large`]).
///
/// Deeply nested input needs a large stack: replay calls this on its parsing thread
/// (see [`super::parser_thread`]).
pub fn parse_statement(sql: &str) -> Result<Vec<Statement>, String> {
    if sql.len() >= super::large::LARGE_STATEMENT {
        return super::large::parse_large(sql);
    }
    parse_full(sql).or_else(|error| {
        // libpg_query's protobuf stops at 10,000 levels, PostgreSQL a little deeper:
        // the frugal path does not go through protobuf for what it elides.
        if error.contains("nested too deeply") {
            super::large::parse_large(sql)
        } else {
            Err(error)
        }
    })
}

/// Parse one statement and decode its whole tree.
pub(super) fn parse_full(sql: &str) -> Result<Vec<Statement>, String> {
    let result = pg_query::parse(sql, 0).map_err(|e| match e {
        pg_query::Error::Parse(msg) => short_message(&msg),
        other => short_message(&other.to_string()),
    })?;
    Ok(result
        .protobuf
        .stmts
        .iter()
        .filter_map(|raw| raw.stmt.as_ref().and_then(|s| s.node.as_ref()))
        .map(translate)
        .collect())
}

/// PostgreSQL quotes the offending token (`at or near "..."`), which can be a string
/// running over many lines: keep its first line, at most 40 characters of it.
fn short_message(message: &str) -> String {
    const NEAR: &str = "at or near \"";
    let Some(start) = message.find(NEAR).map(|i| i + NEAR.len()) else {
        return message.split_whitespace().collect::<Vec<_>>().join(" ");
    };
    let token = message[start..]
        .strip_suffix('"')
        .unwrap_or(&message[start..]);
    let first_line = token.lines().next().unwrap_or("");
    let mut shown: String = first_line.chars().take(40).collect();
    if shown.len() < token.len() {
        shown.push_str("...");
    }
    format!("{}{shown}\"", &message[..start])
}

fn translate(node: &NodeEnum) -> Statement {
    match node {
        NodeEnum::CreateStmt(s) => Statement::CreateTable(create_table(s, false)),
        NodeEnum::CreateForeignTableStmt(s) => match &s.base_stmt {
            Some(base) => Statement::CreateTable(create_table(base, true)),
            None => other("CREATE FOREIGN TABLE"),
        },
        NodeEnum::CreateTableAsStmt(s) => create_table_as(s),
        NodeEnum::ViewStmt(s) => match &s.view {
            Some(v) => Statement::CreateView {
                name: range_name(v),
                materialized: false,
            },
            None => other("CREATE VIEW"),
        },
        NodeEnum::AlterTableStmt(s) => alter_table(s),
        NodeEnum::IndexStmt(s) => Statement::CreateIndex(create_index(s)),
        NodeEnum::DropStmt(s) => drop(s),
        NodeEnum::RenameStmt(s) => rename(s),
        NodeEnum::AlterObjectSchemaStmt(s) => set_schema(s),
        NodeEnum::CreateEnumStmt(s) => Statement::CreateEnum {
            name: list_name(&s.type_name),
            values: s.vals.iter().filter_map(string_of).collect(),
        },
        NodeEnum::AlterEnumStmt(s) => alter_enum(s),
        NodeEnum::CreateDomainStmt(s) => create_domain(s),
        NodeEnum::CreateSeqStmt(s) => create_sequence(s),
        NodeEnum::AlterSeqStmt(s) => alter_sequence(s),
        NodeEnum::CommentStmt(s) => comment(s),
        NodeEnum::CreateSchemaStmt(s) => Statement::CreateSchema {
            name: s.schemaname.as_str().into(),
        },
        NodeEnum::CreatePolicyStmt(s) => create_policy(s),
        NodeEnum::VariableSetStmt(s) if s.name.eq_ignore_ascii_case("search_path") => {
            let default = s.kind == protobuf::VariableSetKind::VarReset as i32
                || s.kind == protobuf::VariableSetKind::VarSetDefault as i32;
            Statement::SetSearchPath(if default {
                // The server's default, `"$user", public`.
                vec!["$user".into(), "public".into()]
            } else {
                s.args
                    .iter()
                    .filter_map(const_string)
                    .map(Name::from)
                    .collect()
            })
        }
        NodeEnum::VariableSetStmt(s)
            if matches!(
                s.name.to_ascii_lowercase().as_str(),
                "lock_timeout" | "statement_timeout"
            ) =>
        {
            Statement::SetConfig {
                name: s.name.to_ascii_lowercase(),
                value: s.args.first().and_then(setting_value).unwrap_or_default(),
                local: s.is_local,
            }
        }
        NodeEnum::SelectStmt(s) => select_set_config(s).unwrap_or_else(|| other("SELECT")),
        NodeEnum::TransactionStmt(s) => {
            use protobuf::TransactionStmtKind as K;
            match K::try_from(s.kind).unwrap_or(K::Undefined) {
                K::TransStmtBegin | K::TransStmtStart => Statement::Transaction { begin: true },
                K::TransStmtCommit | K::TransStmtRollback | K::TransStmtPrepare => {
                    Statement::Transaction { begin: false }
                }
                _ => other("TRANSACTION"),
            }
        }
        NodeEnum::ReindexStmt(s) => {
            let target = s.relation.as_ref().map(range_name);
            let index = s.kind == protobuf::ReindexObjectType::ReindexObjectIndex as i32;
            Statement::Reindex {
                concurrently: has_option(&s.params, "concurrently"),
                table: if index { None } else { target.clone() },
                index: if index { target } else { None },
            }
        }
        NodeEnum::VacuumStmt(s) if s.is_vacuumcmd => Statement::Vacuum {
            full: has_option(&s.options, "full"),
            tables: s
                .rels
                .iter()
                .filter_map(|n| match n.node.as_ref()? {
                    NodeEnum::VacuumRelation(v) => v.relation.as_ref().map(range_name),
                    _ => None,
                })
                .collect(),
        },
        NodeEnum::ClusterStmt(s) => Statement::Cluster {
            table: s.relation.as_ref().map(range_name),
        },
        NodeEnum::LockStmt(s) => Statement::LockTable {
            tables: range_vars(&s.relations),
            mode: lock_mode_name(s.mode).to_string(),
        },
        NodeEnum::TruncateStmt(s) => Statement::Truncate {
            tables: range_vars(&s.relations),
        },
        other_node => Statement::Other {
            tag: tag_of(other_node),
        },
    }
}

/// `SET x = '5s'` / `SET x = 5000` / `SET x TO DEFAULT`.
fn setting_value(node: &Node) -> Option<String> {
    match node.node.as_ref()? {
        NodeEnum::AConst(c) => match c.val.as_ref()? {
            a_const::Val::Sval(s) => Some(s.sval.clone()),
            a_const::Val::Ival(i) => Some(i.ival.to_string()),
            a_const::Val::Fval(f) => Some(f.fval.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// Whether a list of `DefElem` options names `option` (`CONCURRENTLY`, `FULL`) and
/// does not set it to false.
fn has_option(options: &[Node], option: &str) -> bool {
    options.iter().any(|o| match o.node.as_ref() {
        Some(NodeEnum::DefElem(d)) if d.defname.eq_ignore_ascii_case(option) => {
            match d.arg.as_deref().and_then(|a| a.node.as_ref()) {
                Some(NodeEnum::Boolean(b)) => b.boolval,
                Some(NodeEnum::String(s)) => {
                    !matches!(s.sval.to_ascii_lowercase().as_str(), "false" | "off" | "0")
                }
                Some(NodeEnum::Integer(i)) => i.ival != 0,
                _ => true,
            }
        }
        _ => false,
    })
}

fn range_vars(nodes: &[Node]) -> Vec<ObjectName> {
    nodes
        .iter()
        .filter_map(|n| match n.node.as_ref()? {
            NodeEnum::RangeVar(rv) => Some(range_name(rv)),
            _ => None,
        })
        .collect()
}

/// PostgreSQL's table lock modes, by their `LOCK TABLE` number.
fn lock_mode_name(mode: i32) -> &'static str {
    match mode {
        1 => "ACCESS SHARE",
        2 => "ROW SHARE",
        3 => "ROW EXCLUSIVE",
        4 => "SHARE UPDATE EXCLUSIVE",
        5 => "SHARE",
        6 => "SHARE ROW EXCLUSIVE",
        7 => "EXCLUSIVE",
        _ => "ACCESS EXCLUSIVE",
    }
}

fn other(tag: &str) -> Statement {
    Statement::Other {
        tag: tag.to_string(),
    }
}

/// A short statement tag for statistics and diagnostics.
fn tag_of(node: &NodeEnum) -> String {
    let tag = match node {
        NodeEnum::CreateFunctionStmt(_) => "CREATE FUNCTION",
        NodeEnum::CreateTrigStmt(_) => "CREATE TRIGGER",
        NodeEnum::DoStmt(_) => "DO",
        NodeEnum::GrantStmt(_) => "GRANT",
        NodeEnum::GrantRoleStmt(_) => "GRANT ROLE",
        NodeEnum::InsertStmt(_) => "INSERT",
        NodeEnum::UpdateStmt(_) => "UPDATE",
        NodeEnum::DeleteStmt(_) => "DELETE",
        NodeEnum::CopyStmt(_) => "COPY",
        NodeEnum::VariableSetStmt(_) => "SET",
        NodeEnum::CreateExtensionStmt(_) => "CREATE EXTENSION",
        NodeEnum::AlterOwnerStmt(_) => "ALTER OWNER",
        NodeEnum::RuleStmt(_) => "CREATE RULE",
        NodeEnum::AlterFunctionStmt(_) => "ALTER FUNCTION",
        NodeEnum::AlterDefaultPrivilegesStmt(_) => "ALTER DEFAULT PRIVILEGES",
        NodeEnum::CreateRoleStmt(_) => "CREATE ROLE",
        NodeEnum::CreateCastStmt(_) => "CREATE CAST",
        NodeEnum::CompositeTypeStmt(_) => "CREATE TYPE",
        NodeEnum::DefineStmt(_) => "CREATE AGGREGATE/OPERATOR/TYPE",
        NodeEnum::CreateStatsStmt(_) => "CREATE STATISTICS",
        NodeEnum::VacuumStmt(_) => "VACUUM",
        NodeEnum::ClusterStmt(_) => "CLUSTER",
        NodeEnum::ReindexStmt(_) => "REINDEX",
        NodeEnum::LockStmt(_) => "LOCK",
        NodeEnum::TruncateStmt(_) => "TRUNCATE",
        NodeEnum::CreateEventTrigStmt(_) => "CREATE EVENT TRIGGER",
        NodeEnum::CreatePublicationStmt(_) => "CREATE PUBLICATION",
        NodeEnum::AlterDomainStmt(_) => "ALTER DOMAIN",
        _ => "OTHER",
    };
    tag.to_string()
}

// ---------- names ----------

pub(crate) fn string_of(node: &Node) -> Option<Name> {
    match node.node.as_ref()? {
        NodeEnum::String(s) => Some(Name::from(s.sval.as_str())),
        _ => None,
    }
}

fn strings(nodes: &[Node]) -> Vec<Name> {
    nodes.iter().filter_map(string_of).collect()
}

fn name_from_parts(mut parts: Vec<Name>) -> ObjectName {
    let name = parts.pop().unwrap_or_default();
    let schema = parts.pop();
    ObjectName { schema, name }
}

fn range_name(rv: &protobuf::RangeVar) -> ObjectName {
    ObjectName {
        schema: (!rv.schemaname.is_empty()).then(|| Name::from(rv.schemaname.as_str())),
        name: Name::from(rv.relname.as_str()),
    }
}

fn list_name(nodes: &[Node]) -> ObjectName {
    name_from_parts(strings(nodes))
}

/// Names in DROP/COMMENT object lists come as a List of Strings, a bare String, or a
/// TypeName.
fn object_name(node: &Node) -> Option<ObjectName> {
    match node.node.as_ref()? {
        NodeEnum::List(l) => Some(list_name(&l.items)),
        NodeEnum::String(s) => Some(ObjectName {
            schema: None,
            name: s.sval.as_str().into(),
        }),
        NodeEnum::TypeName(t) => Some(list_name(&t.names)),
        _ => None,
    }
}

// ---------- expressions ----------

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

fn quote_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn simple_expr(node: &Node) -> Option<String> {
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

fn const_string(node: &Node) -> Option<String> {
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
fn select_set_config(s: &protobuf::SelectStmt) -> Option<Statement> {
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

fn not_null_tests(node: &Node, out: &mut Vec<Name>) -> bool {
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

// ---------- types ----------

fn type_ref(t: &protobuf::TypeName) -> TypeRef {
    let mut parts = strings(&t.names);
    let name = parts.pop().unwrap_or_default();
    let schema = parts.pop();
    // Numeric modifiers (`varchar(255)`, `numeric(10,2)`); a type with any other kind
    // (PostGIS's `geometry(Point,4326)`) keeps none, as the catalog reader does, rather
    // than a partial list that would misstate it.
    let modifiers: Option<Vec<i64>> = t
        .typmods
        .iter()
        .map(|m| match m.node.as_ref()? {
            NodeEnum::AConst(c) => match c.val.as_ref()? {
                a_const::Val::Ival(i) => Some(i.ival as i64),
                a_const::Val::Fval(f) => f.fval.parse().ok(),
                _ => None,
            },
            NodeEnum::Integer(i) => Some(i.ival as i64),
            _ => None,
        })
        .collect();
    let modifiers = modifiers.unwrap_or_default();
    // `interval` typmods encode field masks, not lengths: keep the plain type.
    let modifiers = if name == "interval" {
        Vec::new()
    } else {
        modifiers
    };
    let builtin =
        schema.as_deref() == Some("pg_catalog") || (schema.is_none() && is_builtin_type(&name));
    let (data_type, serial) = DataType::from_sql_name(
        schema.as_deref(),
        &name,
        modifiers,
        t.array_bounds.len() as u32,
    );
    TypeRef {
        data_type,
        serial,
        builtin,
    }
}

fn is_builtin_type(name: &str) -> bool {
    matches!(
        name,
        "int"
            | "int2"
            | "int4"
            | "int8"
            | "integer"
            | "smallint"
            | "bigint"
            | "serial"
            | "serial2"
            | "serial4"
            | "serial8"
            | "bigserial"
            | "smallserial"
            | "float4"
            | "float8"
            | "real"
            | "numeric"
            | "decimal"
            | "money"
            | "bool"
            | "boolean"
            | "text"
            | "varchar"
            | "bpchar"
            | "char"
            | "name"
            | "bytea"
            | "date"
            | "time"
            | "timetz"
            | "timestamp"
            | "timestamptz"
            | "interval"
            | "uuid"
            | "json"
            | "jsonb"
            | "xml"
            | "inet"
            | "cidr"
            | "macaddr"
            | "macaddr8"
            | "bit"
            | "varbit"
            | "tsvector"
            | "tsquery"
            | "oid"
            | "regclass"
            | "point"
            | "line"
            | "lseg"
            | "box"
            | "path"
            | "polygon"
            | "circle"
            | "int4range"
            | "int8range"
            | "numrange"
            | "tsrange"
            | "tstzrange"
            | "daterange"
            | "int4multirange"
            | "int8multirange"
            | "nummultirange"
            | "tsmultirange"
            | "tstzmultirange"
            | "datemultirange"
            | "pg_lsn"
            | "txid_snapshot"
            | "pg_snapshot"
            | "jsonpath"
            | "regtype"
            | "regproc"
            | "regprocedure"
            | "regconfig"
            | "citext"
            | "hstore"
            | "ltree"
            | "geometry"
            | "geography"
            | "vector"
    )
}

// ---------- CREATE TABLE ----------

fn create_table(s: &protobuf::CreateStmt, foreign: bool) -> CreateTable {
    let rv = s.relation.clone().unwrap_or_default();
    let mut table = CreateTable {
        name: range_name(&rv),
        partitioned: s.partspec.is_some(),
        foreign,
        unlogged: rv.relpersistence == "u",
        if_not_exists: s.if_not_exists,
        partition_of: None,
        inherits: Vec::new(),
        like: Vec::new(),
        columns: Vec::new(),
        constraints: Vec::new(),
        from_query: false,
        query_columns: Vec::new(),
    };
    let parents: Vec<ObjectName> = s
        .inh_relations
        .iter()
        .filter_map(|n| match n.node.as_ref()? {
            NodeEnum::RangeVar(rv) => Some(range_name(rv)),
            _ => None,
        })
        .collect();
    if s.partbound.is_some() {
        table.partition_of = parents.into_iter().next();
    } else {
        table.inherits = parents;
    }
    for element in s.table_elts.iter().chain(s.constraints.iter()) {
        match element.node.as_ref() {
            Some(NodeEnum::ColumnDef(cd)) => table.columns.push(column_spec(cd)),
            Some(NodeEnum::Constraint(c)) => {
                if let Some(spec) = constraint_spec(c, None) {
                    table.constraints.push(spec);
                }
            }
            Some(NodeEnum::TableLikeClause(like)) => {
                if let Some(rv) = &like.relation {
                    table.like.push(range_name(rv));
                }
            }
            _ => {}
        }
    }
    table
}

fn create_table_as(s: &protobuf::CreateTableAsStmt) -> Statement {
    let Some(rv) = s.into.as_ref().and_then(|i| i.rel.as_ref()) else {
        return other("CREATE TABLE AS");
    };
    let name = range_name(rv);
    if s.objtype == ObjectType::ObjectMatview as i32 {
        return Statement::CreateView {
            name,
            materialized: true,
        };
    }
    Statement::CreateTable(CreateTable {
        name,
        partitioned: false,
        foreign: false,
        unlogged: rv.relpersistence == "u",
        if_not_exists: s.if_not_exists,
        partition_of: None,
        inherits: Vec::new(),
        like: Vec::new(),
        columns: Vec::new(),
        constraints: Vec::new(),
        from_query: true,
        query_columns: s.query.as_deref().map(query_columns).unwrap_or_default(),
    })
}

/// Infer the columns of `CREATE TABLE AS` from the (leftmost) select list.
fn query_columns(query: &Node) -> Vec<QueryColumn> {
    let Some(NodeEnum::SelectStmt(select)) = query.node.as_ref() else {
        return Vec::new();
    };
    let mut select: &protobuf::SelectStmt = select;
    while let Some(left) = &select.larg {
        select = left;
    }
    let mut from_tables = Vec::new();
    collect_range_vars(&select.from_clause, &mut from_tables);
    let mut columns = Vec::new();
    for target in &select.target_list {
        let Some(NodeEnum::ResTarget(rt)) = target.node.as_ref() else {
            continue;
        };
        let val = rt.val.as_deref().and_then(|v| v.node.as_ref());
        let (mut cast, mut source_column, mut derived_name) = (None, None, None);
        match val {
            Some(NodeEnum::TypeCast(tc)) => cast = tc.type_name.as_ref().map(type_ref),
            Some(NodeEnum::ColumnRef(c)) => {
                if c.fields
                    .iter()
                    .any(|f| matches!(f.node, Some(NodeEnum::AStar(_))))
                {
                    return Vec::new(); // SELECT *: columns unknown
                }
                source_column = c.fields.last().and_then(string_of);
                derived_name = source_column.clone();
            }
            Some(NodeEnum::FuncCall(f)) => derived_name = strings(&f.funcname).pop(),
            _ => {}
        }
        let name = if rt.name.is_empty() {
            derived_name.unwrap_or_else(|| "?column?".into())
        } else {
            rt.name.as_str().into()
        };
        columns.push(QueryColumn {
            name,
            cast,
            source_column,
            from_tables: from_tables.clone(),
        });
    }
    columns
}

fn collect_range_vars(nodes: &[Node], out: &mut Vec<ObjectName>) {
    for n in nodes {
        match n.node.as_ref() {
            Some(NodeEnum::RangeVar(rv)) => out.push(range_name(rv)),
            Some(NodeEnum::JoinExpr(j)) => {
                let sides: Vec<Node> = [j.larg.as_deref(), j.rarg.as_deref()]
                    .into_iter()
                    .flatten()
                    .cloned()
                    .collect();
                collect_range_vars(&sides, out);
            }
            Some(NodeEnum::RangeSubselect(sub)) => {
                if let Some(NodeEnum::SelectStmt(s)) =
                    sub.subquery.as_deref().and_then(|q| q.node.as_ref())
                {
                    let mut s: &protobuf::SelectStmt = s;
                    while let Some(left) = &s.larg {
                        s = left;
                    }
                    collect_range_vars(&s.from_clause, out);
                }
            }
            _ => {}
        }
    }
}

fn column_spec(cd: &protobuf::ColumnDef) -> ColumnSpec {
    let tref = cd.type_name.as_ref().map(type_ref).unwrap_or(TypeRef {
        data_type: DataType::simple("unknown"),
        serial: false,
        builtin: true,
    });
    let mut column = Column::new(cd.colname.clone(), tref.data_type);
    column.serial = tref.serial;
    column.not_null = cd.is_not_null || tref.serial;
    if let Some(d) = &cd.raw_default {
        column.default = Some(expr_sql(d));
    }
    let mut constraints = Vec::new();
    for c in cd.constraints.iter().filter_map(|n| match n.node.as_ref() {
        Some(NodeEnum::Constraint(c)) => Some(c),
        _ => None,
    }) {
        match ConstrType::try_from(c.contype).unwrap_or(ConstrType::Undefined) {
            ConstrType::ConstrNotnull => column.not_null = true,
            ConstrType::ConstrNull => column.not_null = false,
            ConstrType::ConstrDefault => column.default = c.raw_expr.as_deref().map(expr_sql),
            ConstrType::ConstrIdentity => {
                column.identity = Some(identity_kind(&c.generated_when));
                column.not_null = true;
            }
            ConstrType::ConstrGenerated => column.generated = c.raw_expr.as_deref().map(expr_sql),
            ConstrType::ConstrPrimary => {
                column.not_null = true;
                constraints.extend(constraint_spec(c, Some(&cd.colname)));
            }
            ConstrType::ConstrAttrDeferrable | ConstrType::ConstrAttrDeferred => mark_deferrable(
                &mut constraints,
                c.contype == ConstrType::ConstrAttrDeferred as i32,
            ),
            _ => constraints.extend(constraint_spec(c, Some(&cd.colname))),
        }
    }
    ColumnSpec {
        column,
        type_builtin: tref.builtin,
        constraints,
    }
}

fn mark_deferrable(constraints: &mut [ConstraintSpec], initially_deferred: bool) {
    match constraints.last_mut() {
        Some(ConstraintSpec::ForeignKey(fk)) => {
            fk.deferrable = true;
            fk.initially_deferred |= initially_deferred;
        }
        Some(ConstraintSpec::PrimaryKey(k)) | Some(ConstraintSpec::Unique(k)) => {
            k.deferrable = true
        }
        _ => {}
    }
}

fn identity_kind(when: &str) -> Identity {
    if when == "a" {
        Identity::Always
    } else {
        Identity::ByDefault
    }
}

fn opt_name(name: &str) -> Option<Name> {
    (!name.is_empty()).then(|| Name::from(name))
}

/// Translate a table or column constraint; `column` is set for column constraints,
/// whose key list is implicit.
fn constraint_spec(c: &protobuf::Constraint, column: Option<&str>) -> Option<ConstraintSpec> {
    let own_columns = |keys: &[Node]| -> Vec<Name> {
        let listed = strings(keys);
        if listed.is_empty() {
            column.map(|c| vec![Name::from(c)]).unwrap_or_default()
        } else {
            listed
        }
    };
    let key = |c: &protobuf::Constraint| KeySpec {
        name: opt_name(&c.conname),
        columns: own_columns(&c.keys),
        include: strings(&c.including),
        nulls_not_distinct: c.nulls_not_distinct,
        deferrable: c.deferrable,
        using_index: opt_name(&c.indexname),
    };
    Some(match ConstrType::try_from(c.contype).ok()? {
        ConstrType::ConstrPrimary => ConstraintSpec::PrimaryKey(key(c)),
        ConstrType::ConstrUnique => ConstraintSpec::Unique(key(c)),
        ConstrType::ConstrCheck => ConstraintSpec::Check {
            name: opt_name(&c.conname),
            expression: c.raw_expr.as_deref().map(expr_sql).unwrap_or_default(),
            not_valid: c.skip_validation,
        },
        ConstrType::ConstrForeign => ConstraintSpec::ForeignKey(ForeignKeySpec {
            name: opt_name(&c.conname),
            columns: own_columns(&c.fk_attrs),
            references: c.pktable.as_ref().map(range_name)?,
            referenced_columns: strings(&c.pk_attrs),
            on_delete: FkAction::from_code(&c.fk_del_action),
            on_update: FkAction::from_code(&c.fk_upd_action),
            delete_set_columns: strings(&c.fk_del_set_cols),
            match_type: match c.fk_matchtype.as_str() {
                "f" => MatchType::Full,
                "p" => MatchType::Partial,
                _ => MatchType::Simple,
            },
            deferrable: c.deferrable,
            initially_deferred: c.initdeferred,
            not_valid: c.skip_validation,
        }),
        ConstrType::ConstrExclusion => ConstraintSpec::Exclusion {
            name: opt_name(&c.conname),
        },
        ConstrType::ConstrNotnull => ConstraintSpec::NotNull {
            column: own_columns(&c.keys).into_iter().next()?,
        },
        _ => return None,
    })
}

// ---------- ALTER TABLE ----------

fn alter_table(s: &protobuf::AlterTableStmt) -> Statement {
    let Some(rv) = &s.relation else {
        return other("ALTER TABLE");
    };
    let objtype = ObjectType::try_from(s.objtype).unwrap_or(ObjectType::Undefined);
    let actions: Vec<TableAction> = s
        .cmds
        .iter()
        .filter_map(|n| match n.node.as_ref() {
            Some(NodeEnum::AlterTableCmd(cmd)) => Some(table_action(cmd)),
            _ => None,
        })
        .collect();
    match objtype {
        ObjectType::ObjectIndex => {
            // ALTER INDEX parent ATTACH PARTITION child
            for a in &actions {
                if let TableAction::AttachPartition { partition } = a {
                    return Statement::AttachIndexPartition {
                        parent: range_name(rv),
                        child: partition.clone(),
                    };
                }
            }
            other("ALTER INDEX")
        }
        ObjectType::ObjectTable | ObjectType::ObjectForeignTable => {
            if actions.iter().all(|a| matches!(a, TableAction::Other)) {
                return other("ALTER TABLE");
            }
            Statement::AlterTable {
                table: range_name(rv),
                missing_ok: s.missing_ok,
                actions,
            }
        }
        _ => other("ALTER"),
    }
}

fn table_action(cmd: &protobuf::AlterTableCmd) -> TableAction {
    let subtype = AlterTableType::try_from(cmd.subtype).unwrap_or(AlterTableType::Undefined);
    let def = cmd.def.as_deref().and_then(|d| d.node.as_ref());
    let column = Name::from(cmd.name.as_str());
    match (subtype, def) {
        (AlterTableType::AtAddColumn, Some(NodeEnum::ColumnDef(cd))) => TableAction::AddColumn {
            column: column_spec(cd),
            if_not_exists: cmd.missing_ok,
        },
        (AlterTableType::AtDropColumn, _) => TableAction::DropColumn {
            name: column,
            missing_ok: cmd.missing_ok,
        },
        (AlterTableType::AtAlterColumnType, Some(NodeEnum::ColumnDef(cd))) => match &cd.type_name {
            Some(t) => TableAction::AlterColumnType {
                column,
                data_type: type_ref(t),
            },
            None => TableAction::Other,
        },
        (AlterTableType::AtColumnDefault, d) => TableAction::SetDefault {
            column,
            default: d.map(|n| {
                expr_sql(&Node {
                    node: Some(n.clone()),
                })
            }),
        },
        (AlterTableType::AtSetNotNull, _) => TableAction::SetNotNull { column },
        (AlterTableType::AtDropNotNull, _) => TableAction::DropNotNull { column },
        (AlterTableType::AtAddConstraint, Some(NodeEnum::Constraint(c))) => {
            match constraint_spec(c, None) {
                Some(spec) => TableAction::AddConstraint(spec),
                None => TableAction::Other,
            }
        }
        (AlterTableType::AtDropConstraint, _) => TableAction::DropConstraint {
            name: column,
            missing_ok: cmd.missing_ok,
        },
        (AlterTableType::AtValidateConstraint, _) => {
            TableAction::ValidateConstraint { name: column }
        }
        (AlterTableType::AtAddIdentity, Some(NodeEnum::Constraint(c))) => {
            TableAction::AddIdentity {
                column,
                identity: identity_kind(&c.generated_when),
            }
        }
        (AlterTableType::AtDropIdentity, _) => TableAction::DropIdentity { column },
        (AlterTableType::AtAttachPartition, Some(NodeEnum::PartitionCmd(p))) => match &p.name {
            Some(rv) => TableAction::AttachPartition {
                partition: range_name(rv),
            },
            None => TableAction::Other,
        },
        (AlterTableType::AtDetachPartition, Some(NodeEnum::PartitionCmd(p))) => match &p.name {
            Some(rv) => TableAction::DetachPartition {
                partition: range_name(rv),
            },
            None => TableAction::Other,
        },
        (AlterTableType::AtEnableRowSecurity, _) => TableAction::RowSecurity(true),
        (AlterTableType::AtDisableRowSecurity, _) => TableAction::RowSecurity(false),
        (AlterTableType::AtForceRowSecurity, _) => TableAction::ForceRowSecurity(true),
        (AlterTableType::AtNoForceRowSecurity, _) => TableAction::ForceRowSecurity(false),
        (AlterTableType::AtSetLogged, _) => TableAction::SetLogged(true),
        (AlterTableType::AtSetUnLogged, _) => TableAction::SetLogged(false),
        (AlterTableType::AtAddInherit, Some(NodeEnum::RangeVar(rv))) => {
            TableAction::AddInherit(range_name(rv))
        }
        (AlterTableType::AtDropInherit, Some(NodeEnum::RangeVar(rv))) => {
            TableAction::DropInherit(range_name(rv))
        }
        _ => TableAction::Other,
    }
}

// ---------- CREATE INDEX ----------

fn create_index(s: &protobuf::IndexStmt) -> CreateIndex {
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

fn index_element(e: &protobuf::IndexElem) -> IndexElement {
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
        opclass: (!opclass.is_empty()).then(|| opclass.join(".")),
        collation: (!collation.is_empty()).then(|| collation.join(".")),
    }
}

// ---------- DROP / RENAME / SET SCHEMA ----------

fn object_kind(t: i32) -> ObjectKind {
    match ObjectType::try_from(t).unwrap_or(ObjectType::Undefined) {
        ObjectType::ObjectTable => ObjectKind::Table,
        ObjectType::ObjectView => ObjectKind::View,
        ObjectType::ObjectMatview => ObjectKind::MaterializedView,
        ObjectType::ObjectIndex => ObjectKind::Index,
        ObjectType::ObjectSequence => ObjectKind::Sequence,
        ObjectType::ObjectType => ObjectKind::Type,
        ObjectType::ObjectDomain => ObjectKind::Domain,
        ObjectType::ObjectSchema => ObjectKind::Schema,
        ObjectType::ObjectForeignTable => ObjectKind::ForeignTable,
        _ => ObjectKind::Other,
    }
}

fn drop(s: &protobuf::DropStmt) -> Statement {
    let kind = object_kind(s.remove_type);
    if kind == ObjectKind::Other {
        return other("DROP");
    }
    Statement::Drop {
        kind,
        objects: s.objects.iter().filter_map(object_name).collect(),
        missing_ok: s.missing_ok,
        cascade: s.behavior == protobuf::DropBehavior::DropCascade as i32,
        concurrently: s.concurrent,
    }
}

fn rename(s: &protobuf::RenameStmt) -> Statement {
    let kind = object_kind(s.rename_type);
    let relation = s.relation.as_ref().map(range_name);
    let object = s.object.as_deref().and_then(object_name);
    match ObjectType::try_from(s.rename_type).unwrap_or(ObjectType::Undefined) {
        ObjectType::ObjectColumn => match relation {
            Some(table) => Statement::RenameColumn {
                table,
                column: s.subname.as_str().into(),
                new_name: s.newname.as_str().into(),
            },
            None => other("RENAME"),
        },
        ObjectType::ObjectTabconstraint => match relation {
            Some(table) => Statement::RenameConstraint {
                table,
                constraint: s.subname.as_str().into(),
                new_name: s.newname.as_str().into(),
            },
            None => other("RENAME"),
        },
        ObjectType::ObjectSchema => Statement::Rename {
            kind: ObjectKind::Schema,
            object: ObjectName {
                schema: None,
                name: s.subname.as_str().into(),
            },
            new_name: s.newname.as_str().into(),
        },
        _ if kind != ObjectKind::Other => match relation.or(object) {
            Some(object) => Statement::Rename {
                kind,
                object,
                new_name: s.newname.as_str().into(),
            },
            None => other("RENAME"),
        },
        _ => other("RENAME"),
    }
}

fn set_schema(s: &protobuf::AlterObjectSchemaStmt) -> Statement {
    let kind = object_kind(s.object_type);
    let object = s
        .relation
        .as_ref()
        .map(range_name)
        .or_else(|| s.object.as_deref().and_then(object_name));
    match (kind, object) {
        (ObjectKind::Other, _) | (_, None) => other("ALTER SET SCHEMA"),
        (kind, Some(object)) => Statement::SetSchema {
            kind,
            object,
            new_schema: s.newschema.as_str().into(),
        },
    }
}

// ---------- types, domains, sequences ----------

fn alter_enum(s: &protobuf::AlterEnumStmt) -> Statement {
    let name = list_name(&s.type_name);
    if !s.old_val.is_empty() {
        return Statement::AlterEnumRenameValue {
            name,
            old: s.old_val.as_str().into(),
            new: s.new_val.as_str().into(),
        };
    }
    let neighbor = opt_name(&s.new_val_neighbor);
    let (before, after) = if s.new_val_is_after {
        (None, neighbor)
    } else {
        (neighbor, None)
    };
    Statement::AlterEnumAddValue {
        name,
        value: s.new_val.as_str().into(),
        before,
        after,
    }
}

fn create_domain(s: &protobuf::CreateDomainStmt) -> Statement {
    let Some(base) = s.type_name.as_ref().map(type_ref) else {
        return other("CREATE DOMAIN");
    };
    let mut not_null = false;
    let mut checks = Vec::new();
    for c in s.constraints.iter().filter_map(|n| match n.node.as_ref() {
        Some(NodeEnum::Constraint(c)) => Some(c),
        _ => None,
    }) {
        match ConstrType::try_from(c.contype).unwrap_or(ConstrType::Undefined) {
            ConstrType::ConstrNotnull => not_null = true,
            ConstrType::ConstrCheck => checks.extend(c.raw_expr.as_deref().map(expr_sql)),
            _ => {}
        }
    }
    Statement::CreateDomain {
        name: list_name(&s.domainname),
        base,
        not_null,
        checks,
    }
}

fn owned_by(options: &[Node]) -> Option<Option<(ObjectName, Name)>> {
    for opt in options {
        let Some(NodeEnum::DefElem(d)) = opt.node.as_ref() else {
            continue;
        };
        if d.defname != "owned_by" {
            continue;
        }
        let parts = match d.arg.as_deref().and_then(|a| a.node.as_ref()) {
            Some(NodeEnum::List(l)) => strings(&l.items),
            _ => Vec::new(),
        };
        if parts.len() < 2 {
            return Some(None); // OWNED BY NONE
        }
        let mut parts = parts;
        let column = parts.pop().unwrap_or_default();
        return Some(Some((name_from_parts(parts), column)));
    }
    None
}

fn create_sequence(s: &protobuf::CreateSeqStmt) -> Statement {
    let Some(rv) = &s.sequence else {
        return other("CREATE SEQUENCE");
    };
    let data_type = s.options.iter().find_map(|opt| match opt.node.as_ref()? {
        NodeEnum::DefElem(d) if d.defname == "as" => match d.arg.as_deref()?.node.as_ref()? {
            NodeEnum::TypeName(t) => Some(type_ref(t)),
            _ => None,
        },
        _ => None,
    });
    Statement::CreateSequence {
        name: range_name(rv),
        data_type,
        owned_by: owned_by(&s.options).flatten(),
    }
}

fn alter_sequence(s: &protobuf::AlterSeqStmt) -> Statement {
    match (&s.sequence, owned_by(&s.options)) {
        (Some(rv), Some(owner)) => Statement::AlterSequenceOwnedBy {
            name: range_name(rv),
            owned_by: owner,
        },
        _ => other("ALTER SEQUENCE"),
    }
}

// ---------- COMMENT, POLICY ----------

fn comment(s: &protobuf::CommentStmt) -> Statement {
    let parts = match s.object.as_deref().and_then(|o| o.node.as_ref()) {
        Some(NodeEnum::List(l)) => strings(&l.items),
        _ => Vec::new(),
    };
    let text = (!s.comment.is_empty()).then(|| s.comment.clone());
    let target = match ObjectType::try_from(s.objtype).unwrap_or(ObjectType::Undefined) {
        ObjectType::ObjectTable if !parts.is_empty() => {
            CommentTarget::Table(name_from_parts(parts))
        }
        ObjectType::ObjectColumn if parts.len() >= 2 => {
            let mut parts = parts;
            let column = parts.pop().unwrap_or_default();
            CommentTarget::Column(name_from_parts(parts), column)
        }
        _ => CommentTarget::Other,
    };
    Statement::Comment { target, text }
}

fn create_policy(s: &protobuf::CreatePolicyStmt) -> Statement {
    let Some(rv) = &s.table else {
        return other("CREATE POLICY");
    };
    let roles = s
        .roles
        .iter()
        .filter_map(|r| match r.node.as_ref()? {
            NodeEnum::RoleSpec(spec) if !spec.rolename.is_empty() => Some(spec.rolename.clone()),
            NodeEnum::RoleSpec(_) => Some("public".to_string()),
            _ => None,
        })
        .collect();
    Statement::CreatePolicy {
        table: range_name(rv),
        policy: Policy {
            name: s.policy_name.as_str().into(),
            command: s.cmd_name.to_ascii_uppercase(),
            permissive: s.permissive,
            roles,
            using: s.qual.as_deref().map(expr_sql),
            with_check: s.with_check.as_deref().map(expr_sql),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(sql: &str) -> Statement {
        parse_statement(sql).unwrap().remove(0)
    }

    #[test]
    fn not_null_predicates_in_either_spelling() {
        let cols = |p: &str| not_null_columns(p).map(|c| c.join(","));
        assert_eq!(cols("parent_id IS NOT NULL").as_deref(), Some("parent_id"));
        assert_eq!(
            cols("(parent_id IS NOT NULL)").as_deref(),
            Some("parent_id")
        );
        assert_eq!(
            cols(r#"((b IS NOT NULL) AND ("A" IS NOT NULL))"#).as_deref(),
            Some("b,A")
        );
        assert_eq!(
            cols("a NOTNULL AND b IS NOT NULL AND c IS NOT NULL").as_deref(),
            Some("a,b,c")
        );
        for other in [
            "a IS NULL",
            "NOT (a IS NULL)",
            "a IS NOT NULL OR b IS NOT NULL",
            "a IS NOT NULL AND a > 0",
            "(a, b) IS NOT NULL",
            "t.a IS NOT NULL",
            "deleted_at IS NULL",
            "a IS NOT NULL) OR (true",
            "a IS NOT NULL; DROP TABLE x",
            "",
        ] {
            assert_eq!(cols(other), None, "{other}");
        }
    }

    #[test]
    fn expressions_render_as_sql() {
        let Statement::CreateTable(t) = one("CREATE TABLE t (a int DEFAULT 0, b text DEFAULT 'x'::text, c timestamptz DEFAULT now(), d int CHECK (d > 0 AND d < 10))") else { panic!() };
        assert_eq!(t.columns[0].column.default.as_deref(), Some("0"));
        assert_eq!(t.columns[1].column.default.as_deref(), Some("'x'::text"));
        assert_eq!(t.columns[2].column.default.as_deref(), Some("now()"));
        let ConstraintSpec::Check { expression, .. } = &t.columns[3].constraints[0] else {
            panic!()
        };
        assert_eq!(expression, "d > 0 AND d < 10");
    }

    #[test]
    fn syntax_errors_are_reported() {
        let err = parse_statement("CREATE TABLE (").unwrap_err();
        assert!(err.contains("syntax error"), "{err}");
    }

    #[test]
    fn parser_messages_are_one_line() {
        assert_eq!(
            short_message("syntax error at or near \"'a\nb'\""),
            "syntax error at or near \"'a...\""
        );
        let long = format!("syntax error at or near \"{}\"", "x".repeat(100));
        assert_eq!(
            short_message(&long),
            format!("syntax error at or near \"{}...\"", "x".repeat(40))
        );
        assert_eq!(
            short_message("syntax error at end of input"),
            "syntax error at end of input"
        );
    }

    #[test]
    fn pg_dump_search_path_reset() {
        assert!(
            matches!(one("SELECT pg_catalog.set_config('search_path', '', false)"), Statement::SetSearchPath(p) if p.is_empty())
        );
        assert!(
            matches!(one("SET search_path = app, public"), Statement::SetSearchPath(p) if p == vec!["app", "public"])
        );
        for default in ["RESET search_path", "SET search_path TO DEFAULT"] {
            assert!(
                matches!(one(default), Statement::SetSearchPath(p) if p == vec!["$user", "public"]),
                "{default}"
            );
        }
    }

    #[test]
    fn other_statements_carry_a_tag() {
        assert!(
            matches!(one("GRANT SELECT ON t TO x"), Statement::Other { tag } if tag == "GRANT")
        );
    }
}
