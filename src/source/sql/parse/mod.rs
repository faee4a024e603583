//! Parse one statement with the real PostgreSQL grammar and translate pg_query's tree
//! into a [`Statement`]; with `large.rs`, the only code that talks to pg_query. One
//! file per statement family, as in `replay/`: `tables` (CREATE/ALTER TABLE),
//! `indexes`, `renames` (DROP, RENAME, SET SCHEMA), `objects` (types, domains,
//! sequences, comments, policies), with `names`, `expressions` and `types` shared.

mod canonical;
mod expressions;
mod functions;
mod indexes;
mod names;
mod objects;
mod query;
mod renames;
mod tables;
mod types;

pub use canonical::{canonical_expression, canonical_expression_in, canonical_partition_bound};
use expressions::*;
pub use expressions::{
    function_calls, key_terms, length_limited_columns, mentions_column, not_null_columns,
    proves_not_null, qualify_names_in_expression, qualify_names_in_query, referenced_columns,
    rename_column_in_expression, CompareOp, FunctionCall, KeyTerm, NameKind,
};
use functions::*;
pub use indexes::index_column_name;
use indexes::*;
use names::*;
use objects::*;
use query::query_sql;
pub use query::{canonical_query, expand_query, rename_in_query, QueryRename, RelationColumns};
use renames::*;
use tables::*;
use types::*;

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
pub(super) fn short_message(message: &str) -> String {
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

pub(super) fn translate(node: &NodeEnum) -> Statement {
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
                with_data: true,
                query: s.query.as_deref().and_then(query_sql),
                columns: strings(&s.aliases),
            },
            None => other("CREATE VIEW"),
        },
        NodeEnum::AlterTableStmt(s) => alter_table(s),
        NodeEnum::IndexStmt(s) => Statement::CreateIndex(create_index(s)),
        NodeEnum::UpdateStmt(s) => match &s.relation {
            Some(rv) => expressions::row_change(false, rv, s.where_clause.as_deref()),
            None => other("UPDATE"),
        },
        NodeEnum::DeleteStmt(s) => match &s.relation {
            Some(rv) => expressions::row_change(true, rv, s.where_clause.as_deref()),
            None => other("DELETE"),
        },
        NodeEnum::DropStmt(s) if s.remove_type == ObjectType::ObjectFunction as i32 => {
            drop_function(s)
        }
        NodeEnum::DropStmt(s) => drop(s),
        NodeEnum::CreateFunctionStmt(s) => create_function(s),
        NodeEnum::AlterFunctionStmt(s) => alter_function(s),
        NodeEnum::RenameStmt(s) => rename(s),
        NodeEnum::AlterObjectSchemaStmt(s) => set_schema(s),
        NodeEnum::CreateEnumStmt(s) => Statement::CreateEnum {
            name: list_name(&s.type_name),
            values: s.vals.iter().filter_map(string_of).collect(),
        },
        NodeEnum::AlterEnumStmt(s) => alter_enum(s),
        NodeEnum::CreateDomainStmt(s) => create_domain(s),
        NodeEnum::AlterDomainStmt(s) => alter_domain(s),
        NodeEnum::CreateTrigStmt(s) => match &s.relation {
            Some(rv) => Statement::CreateTrigger {
                table: range_name(rv),
            },
            None => other("CREATE TRIGGER"),
        },
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
        // `RESET ALL` (and `DISCARD ALL`, which includes it).
        NodeEnum::VariableSetStmt(s) if s.kind == protobuf::VariableSetKind::VarResetAll as i32 => {
            reset_all()
        }
        NodeEnum::DiscardStmt(s) if s.target == protobuf::DiscardMode::DiscardAll as i32 => {
            reset_all()
        }
        // `SET TIME ZONE ...` is `timezone` too. DEFAULT, LOCAL and RESET give the
        // server's default, as `default`; `INTERVAL '0'` keeps its literal.
        NodeEnum::VariableSetStmt(s) if s.name.eq_ignore_ascii_case("timezone") => {
            let default = s.kind == protobuf::VariableSetKind::VarReset as i32
                || s.kind == protobuf::VariableSetKind::VarSetDefault as i32;
            let value = if default {
                "default".to_string()
            } else {
                s.args
                    .first()
                    .and_then(|a| match a.node.as_ref() {
                        Some(NodeEnum::TypeCast(tc)) => tc
                            .arg
                            .as_deref()
                            .and_then(setting_value)
                            .map(|v| format!("interval {v}")),
                        _ => setting_value(a),
                    })
                    .unwrap_or_default()
            };
            Statement::SetConfig {
                name: "timezone".into(),
                value,
                local: s.is_local,
            }
        }
        NodeEnum::VariableSetStmt(s)
            if matches!(
                s.name.to_ascii_lowercase().as_str(),
                "lock_timeout" | "statement_timeout"
            ) =>
        {
            let default = s.kind == protobuf::VariableSetKind::VarReset as i32
                || s.kind == protobuf::VariableSetKind::VarSetDefault as i32;
            Statement::SetConfig {
                name: s.name.to_ascii_lowercase(),
                value: if default {
                    "default".to_string()
                } else {
                    s.args.first().and_then(setting_value).unwrap_or_default()
                },
                local: s.is_local,
            }
        }
        NodeEnum::SelectStmt(s) => select_into(s)
            .or_else(|| select_set_config(s))
            .unwrap_or_else(|| other("SELECT")),
        NodeEnum::TransactionStmt(s) => {
            use protobuf::TransactionStmtKind as K;
            match K::try_from(s.kind).unwrap_or(K::Undefined) {
                K::TransStmtBegin | K::TransStmtStart => Statement::Transaction {
                    begin: true,
                    rollback: false,
                },
                K::TransStmtCommit | K::TransStmtPrepare => Statement::Transaction {
                    begin: false,
                    rollback: false,
                },
                K::TransStmtRollback => Statement::Transaction {
                    begin: false,
                    rollback: true,
                },
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
        NodeEnum::RefreshMatViewStmt(s) => match &s.relation {
            Some(rv) => Statement::RefreshMatView {
                name: range_name(rv),
                concurrently: s.concurrent,
                with_data: !s.skip_data,
            },
            None => other("REFRESH MATERIALIZED VIEW"),
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
pub(super) fn setting_value(node: &Node) -> Option<String> {
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
pub(super) fn has_option(options: &[Node], option: &str) -> bool {
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

pub(super) fn range_vars(nodes: &[Node]) -> Vec<ObjectName> {
    nodes
        .iter()
        .filter_map(|n| match n.node.as_ref()? {
            NodeEnum::RangeVar(rv) => Some(range_name(rv)),
            _ => None,
        })
        .collect()
}

/// PostgreSQL's table lock modes, by their `LOCK TABLE` number.
pub(super) fn lock_mode_name(mode: i32) -> &'static str {
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

pub(super) fn other(tag: &str) -> Statement {
    Statement::Other {
        tag: tag.to_string(),
    }
}

/// A short statement tag for statistics and diagnostics.
/// `RESET ALL` (and `DISCARD ALL`, which includes it): every setting back to the
/// server's default, as the setting `all`.
fn reset_all() -> Statement {
    Statement::SetConfig {
        name: "all".into(),
        value: "default".into(),
        local: false,
    }
}

pub(super) fn tag_of(node: &NodeEnum) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn one(sql: &str) -> Statement {
        parse_statement(sql).unwrap().remove(0)
    }

    #[test]
    fn settings_statements() {
        let set = |sql: &str| match one(sql) {
            Statement::SetConfig { name, value, local } => Some((name, value, local)),
            _ => None,
        };
        let own = |n: &str, v: &str, l: bool| Some((n.to_string(), v.to_string(), l));
        assert_eq!(
            set("SET lock_timeout = '5s'"),
            own("lock_timeout", "5s", false)
        );
        assert_eq!(
            set("SET LOCAL lock_timeout = 5000"),
            own("lock_timeout", "5000", true)
        );
        assert_eq!(
            set("SET SESSION statement_timeout TO '1min'"),
            own("statement_timeout", "1min", false)
        );
        assert_eq!(
            set("RESET lock_timeout"),
            own("lock_timeout", "default", false)
        );
        assert_eq!(
            set("SET lock_timeout TO DEFAULT"),
            own("lock_timeout", "default", false)
        );
        assert_eq!(
            set("SELECT set_config('lock_timeout', '2s', true)"),
            own("lock_timeout", "2s", true)
        );
        assert_eq!(
            set("SELECT pg_catalog.set_config('statement_timeout', '0', false)"),
            own("statement_timeout", "0", false)
        );
        assert_eq!(set("RESET ALL"), own("all", "default", false));
        // Later sessions only: not a SET of this one.
        assert_eq!(set("ALTER ROLE app SET lock_timeout = '5s'"), None);
        assert_eq!(set("ALTER DATABASE app SET lock_timeout = '5s'"), None);
        assert!(matches!(
            one("ROLLBACK"),
            Statement::Transaction {
                begin: false,
                rollback: true
            }
        ));
        assert!(matches!(
            one("ABORT"),
            Statement::Transaction {
                begin: false,
                rollback: true
            }
        ));
        assert!(matches!(
            one("COMMIT"),
            Statement::Transaction {
                begin: false,
                rollback: false
            }
        ));
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
