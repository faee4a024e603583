//! CREATE TABLE (and AS), its columns and constraints; ALTER TABLE and its actions.

use super::*;

pub(super) fn create_table(s: &protobuf::CreateStmt, foreign: bool) -> CreateTable {
    let rv = s.relation.clone().unwrap_or_default();
    let mut table = CreateTable {
        name: range_name(&rv),
        partitioned: s.partspec.is_some(),
        foreign,
        unlogged: rv.relpersistence == "u",
        temporary: rv.relpersistence == "t",
        if_not_exists: s.if_not_exists,
        partition_of: None,
        default_partition: false,
        partition_bound: None,
        partition_key: None,
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
    table.partition_key = s.partspec.as_ref().and_then(partition_key);
    if let Some(bound) = &s.partbound {
        table.partition_of = parents.into_iter().next();
        table.default_partition = bound.is_default;
        table.partition_bound = Some(partition_bound_sql(bound));
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

/// `SELECT … INTO [TEMP] new_table FROM …`: a `CREATE TABLE AS`.
pub(super) fn select_into(s: &protobuf::SelectStmt) -> Option<Statement> {
    let rv = s.into_clause.as_deref()?.rel.as_ref()?;
    let columns = select_outputs(s, 0).unwrap_or_default();
    Some(Statement::CreateTable(table_from_query(rv, false, columns)))
}

pub(super) fn create_table_as(s: &protobuf::CreateTableAsStmt) -> Statement {
    let Some(rv) = s.into.as_ref().and_then(|i| i.rel.as_ref()) else {
        return other("CREATE TABLE AS");
    };
    if s.objtype == ObjectType::ObjectMatview as i32 {
        return Statement::CreateView {
            name: range_name(rv),
            materialized: true,
            with_data: !s.into.as_ref().is_some_and(|i| i.skip_data),
            query: s.query.as_deref().and_then(query_sql),
            columns: s.into.iter().flat_map(|i| strings(&i.col_names)).collect(),
        };
    }
    let columns = s.query.as_deref().map(query_columns).unwrap_or_default();
    Statement::CreateTable(table_from_query(rv, s.if_not_exists, columns))
}

/// The table `CREATE TABLE AS` or `SELECT … INTO` creates: columns from the query.
fn table_from_query(
    rv: &protobuf::RangeVar,
    if_not_exists: bool,
    query_columns: Vec<QueryColumn>,
) -> CreateTable {
    CreateTable {
        name: range_name(rv),
        partitioned: false,
        foreign: false,
        unlogged: rv.relpersistence == "u",
        temporary: rv.relpersistence == "t",
        if_not_exists,
        partition_of: None,
        default_partition: false,
        partition_bound: None,
        partition_key: None,
        inherits: Vec::new(),
        like: Vec::new(),
        columns: Vec::new(),
        constraints: Vec::new(),
        from_query: true,
        query_columns,
    }
}

/// Infer the columns of `CREATE TABLE AS` from the (leftmost) select list.
pub(super) fn query_columns(query: &Node) -> Vec<QueryColumn> {
    let Some(NodeEnum::SelectStmt(select)) = query.node.as_ref() else {
        return Vec::new();
    };
    select_outputs(select, 0).unwrap_or_default()
}

/// How deep FROM subqueries are followed for a column's type.
const MAX_SUBQUERY_DEPTH: usize = 8;

/// The output columns of a SELECT (its leftmost branch, whose names and types a set
/// operation keeps), each with what says its type. `None` for `SELECT *`.
fn select_outputs(select: &protobuf::SelectStmt, depth: usize) -> Option<Vec<QueryColumn>> {
    let mut select: &protobuf::SelectStmt = select;
    while let Some(left) = &select.larg {
        select = left;
    }
    let mut from_tables = Vec::new();
    collect_range_vars(&select.from_clause, &mut from_tables);
    // The output columns of the FROM clause's own subqueries: a column of the outer
    // list named after one of them has its type.
    let subqueries: Vec<QueryColumn> = if depth < MAX_SUBQUERY_DEPTH {
        select
            .from_clause
            .iter()
            .filter_map(|n| match n.node.as_ref()? {
                NodeEnum::RangeSubselect(sub) => match sub.subquery.as_deref()?.node.as_ref()? {
                    NodeEnum::SelectStmt(s) => select_outputs(s, depth + 1),
                    _ => None,
                },
                _ => None,
            })
            .flatten()
            .collect()
    } else {
        Vec::new()
    };
    let mut columns = Vec::new();
    for target in &select.target_list {
        let Some(NodeEnum::ResTarget(rt)) = target.node.as_ref() else {
            continue;
        };
        let val = rt.val.as_deref().and_then(|v| v.node.as_ref());
        if let Some(NodeEnum::ColumnRef(c)) = val {
            if c.fields
                .iter()
                .any(|f| matches!(f.node, Some(NodeEnum::AStar(_))))
            {
                return None; // SELECT *: columns unknown
            }
        }
        let (mut column, derived_name) = infer(val, &subqueries, &from_tables);
        column.name = if rt.name.is_empty() {
            derived_name.unwrap_or_else(|| "?column?".into())
        } else {
            rt.name.as_str().into()
        };
        columns.push(column);
    }
    Some(columns)
}

/// What says the type of a select-list expression, and the name PostgreSQL derives
/// for it (a column's or function's name): a cast; a column of a FROM subquery (its
/// type); a column of the FROM tables; an aggregate that returns its argument's
/// type (`max`, `min`), `count` (bigint); a comparison, a boolean operator or test
/// (boolean); `COALESCE` (its first argument's type).
fn infer(
    val: Option<&NodeEnum>,
    subqueries: &[QueryColumn],
    from_tables: &[ObjectName],
) -> (QueryColumn, Option<Name>) {
    let unknown = QueryColumn {
        name: Name::default(),
        cast: None,
        source_column: None,
        from_tables: from_tables.to_vec(),
        aggregated: false,
    };
    let builtin = |name: &str| {
        let mut column = unknown.clone();
        column.cast = Some(TypeRef {
            data_type: crate::model::DataType::simple(name),
            serial: false,
            builtin: true,
        });
        column
    };
    match val {
        Some(NodeEnum::TypeCast(tc)) => {
            let mut column = unknown.clone();
            column.cast = tc.type_name.as_ref().map(type_ref);
            (column, None)
        }
        Some(NodeEnum::ColumnRef(c)) => {
            let name = c.fields.last().and_then(string_of);
            let from_subquery = name
                .as_ref()
                .and_then(|n| subqueries.iter().find(|q| q.name == *n))
                .filter(|q| q.cast.is_some() || q.source_column.is_some());
            let column = match from_subquery {
                Some(q) => q.clone(),
                None => QueryColumn {
                    source_column: name.clone(),
                    ..unknown.clone()
                },
            };
            (column, name)
        }
        Some(NodeEnum::FuncCall(f)) => {
            let name = strings(&f.funcname).pop();
            let argument = f.args.first().and_then(|a| a.node.as_ref());
            let column = match name.as_deref() {
                Some("max" | "min") if f.args.len() == 1 => QueryColumn {
                    aggregated: true,
                    ..infer(argument, subqueries, from_tables).0
                },
                Some("any_value") if f.args.len() == 1 => {
                    infer(argument, subqueries, from_tables).0
                }
                Some("count") => builtin("bigint"),
                Some("bool_and" | "bool_or" | "every") => builtin("boolean"),
                _ => unknown.clone(),
            };
            (column, name)
        }
        Some(NodeEnum::CoalesceExpr(c)) => {
            let first = c.args.first().and_then(|a| a.node.as_ref());
            (
                infer(first, subqueries, from_tables).0,
                Some("coalesce".into()),
            )
        }
        Some(NodeEnum::AExpr(e)) => {
            use protobuf::AExprKind as K;
            let operator = strings(&e.name).pop();
            let boolean = match K::try_from(e.kind).unwrap_or(K::Undefined) {
                K::AexprOp => matches!(
                    operator.as_deref(),
                    Some("=" | "<>" | "!=" | "<" | ">" | "<=" | ">=")
                ),
                K::AexprOpAny
                | K::AexprOpAll
                | K::AexprDistinct
                | K::AexprNotDistinct
                | K::AexprIn
                | K::AexprLike
                | K::AexprIlike
                | K::AexprSimilar
                | K::AexprBetween
                | K::AexprNotBetween
                | K::AexprBetweenSym
                | K::AexprNotBetweenSym => true,
                _ => false,
            };
            (if boolean { builtin("boolean") } else { unknown }, None)
        }
        Some(NodeEnum::BoolExpr(_) | NodeEnum::NullTest(_) | NodeEnum::BooleanTest(_)) => {
            (builtin("boolean"), None)
        }
        Some(NodeEnum::SubLink(l))
            if l.sub_link_type == protobuf::SubLinkType::ExistsSublink as i32 =>
        {
            (builtin("boolean"), Some("exists".into()))
        }
        _ => (unknown, None),
    }
}

pub(super) fn collect_range_vars(nodes: &[Node], out: &mut Vec<ObjectName>) {
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

/// A `COLLATE` clause's collation as the catalog reader names it: `C`, `en_US`, or
/// `schema.name` outside `pg_catalog`; `None` for `"default"` (the type's own).
pub(super) fn collation_name(clause: &protobuf::CollateClause) -> Option<String> {
    let parts: Vec<&str> = clause
        .collname
        .iter()
        .filter_map(|n| match n.node.as_ref() {
            Some(NodeEnum::String(s)) => Some(s.sval.as_str()),
            _ => None,
        })
        .collect();
    let name = match parts.as_slice() {
        ["pg_catalog", name] | [name] => name.to_string(),
        [schema, name] => format!("{schema}.{name}"),
        _ => return None,
    };
    (name != "default").then_some(name)
}

pub(super) fn column_spec(cd: &protobuf::ColumnDef) -> ColumnSpec {
    let tref = cd.type_name.as_ref().map(type_ref).unwrap_or(TypeRef {
        data_type: DataType::simple("unknown"),
        serial: false,
        builtin: true,
    });
    let mut column = Column::new(cd.colname.clone(), tref.data_type);
    column.serial = tref.serial;
    column.collation = cd.coll_clause.as_deref().and_then(collation_name);
    column.not_null = cd.is_not_null || tref.serial;
    if let Some(d) = &cd.raw_default {
        column.default = Some(expr_sql(d));
    }
    let mut constraints = Vec::new();
    let mut sequence_options = crate::model::SequenceOptions::default();
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
                sequence_options = super::objects::sequence_options(&c.options);
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
        sequence_options,
        type_builtin: tref.builtin,
        constraints,
    }
}

pub(super) fn mark_deferrable(constraints: &mut [ConstraintSpec], initially_deferred: bool) {
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

pub(super) fn identity_kind(when: &str) -> Identity {
    if when == "a" {
        Identity::Always
    } else {
        Identity::ByDefault
    }
}

pub(super) fn opt_name(name: &str) -> Option<Name> {
    (!name.is_empty()).then(|| Name::from(name))
}

/// Translate a table or column constraint; `column` is set for column constraints,
/// whose key list is implicit.
pub(super) fn constraint_spec(
    c: &protobuf::Constraint,
    column: Option<&str>,
) -> Option<ConstraintSpec> {
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
            method: if c.access_method.is_empty() {
                "btree".into()
            } else {
                c.access_method.to_ascii_lowercase().into()
            },
            // Each item is a list: the index element, then the operator's name.
            keys: c
                .exclusions
                .iter()
                .filter_map(|pair| match pair.node.as_ref() {
                    Some(NodeEnum::List(l)) => match l.items.first()?.node.as_ref() {
                        Some(NodeEnum::IndexElem(e)) => Some(index_element(e)),
                        _ => None,
                    },
                    _ => None,
                })
                .collect(),
            include: own_columns(&c.including),
            predicate: c.where_clause.as_deref().map(expr_sql),
        },
        ConstrType::ConstrNotnull => ConstraintSpec::NotNull {
            column: own_columns(&c.keys).into_iter().next()?,
        },
        _ => return None,
    })
}

// ---------- ALTER TABLE ----------

pub(super) fn alter_table(s: &protobuf::AlterTableStmt) -> Statement {
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
                if let TableAction::AttachPartition { partition, .. } = a {
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
                only: !rv.inh,
                missing_ok: s.missing_ok,
                actions,
            }
        }
        _ => other("ALTER"),
    }
}

pub(super) fn table_action(cmd: &protobuf::AlterTableCmd) -> TableAction {
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
            cascade: cmd.behavior == protobuf::DropBehavior::DropCascade as i32,
        },
        (AlterTableType::AtAlterColumnType, Some(NodeEnum::ColumnDef(cd))) => match &cd.type_name {
            Some(t) => TableAction::AlterColumnType {
                using: using(cd.raw_default.as_deref(), &column),
                collation: cd.coll_clause.as_deref().and_then(collation_name),
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
                options: super::objects::sequence_options(&c.options),
            }
        }
        (AlterTableType::AtDropIdentity, _) => TableAction::DropIdentity { column },
        // `SET GENERATED …` is a `generated` option holding the kind's letter
        // (`ATTRIBUTE_IDENTITY_ALWAYS` 'a', `…_BY_DEFAULT` 'd') as an integer.
        (AlterTableType::AtSetIdentity, Some(NodeEnum::List(options))) => {
            TableAction::SetIdentity {
                column,
                options: super::objects::sequence_options(&options.items),
                identity: options.items.iter().find_map(|o| match o.node.as_ref()? {
                    NodeEnum::DefElem(d) if d.defname == "generated" => {
                        match d.arg.as_deref()?.node.as_ref()? {
                            NodeEnum::Integer(i) => {
                                Some(identity_kind(&char::from_u32(i.ival as u32)?.to_string()))
                            }
                            _ => None,
                        }
                    }
                    _ => None,
                }),
            }
        }
        (AlterTableType::AtAttachPartition, Some(NodeEnum::PartitionCmd(p))) => match &p.name {
            Some(rv) => TableAction::AttachPartition {
                partition: range_name(rv),
                bound: p
                    .bound
                    .as_ref()
                    .map(partition_bound)
                    .unwrap_or(PartitionBound::Hash),
                bound_sql: p
                    .bound
                    .as_ref()
                    .map(partition_bound_sql)
                    .unwrap_or_default(),
            },
            None => TableAction::Other,
        },
        (AlterTableType::AtDetachPartition, Some(NodeEnum::PartitionCmd(p))) => match &p.name {
            Some(rv) => TableAction::DetachPartition {
                partition: range_name(rv),
                concurrently: p.concurrent,
            },
            None => TableAction::Other,
        },
        (AlterTableType::AtEnableRowSecurity, _) => TableAction::RowSecurity(true),
        (AlterTableType::AtDisableRowSecurity, _) => TableAction::RowSecurity(false),
        (AlterTableType::AtForceRowSecurity, _) => TableAction::ForceRowSecurity(true),
        (AlterTableType::AtNoForceRowSecurity, _) => TableAction::ForceRowSecurity(false),
        (AlterTableType::AtEnableTrig, _)
        | (AlterTableType::AtEnableAlwaysTrig, _)
        | (AlterTableType::AtEnableReplicaTrig, _) => TableAction::Trigger {
            enable: true,
            which: TriggerSet::Named(column),
        },
        (AlterTableType::AtDisableTrig, _) => TableAction::Trigger {
            enable: false,
            which: TriggerSet::Named(column),
        },
        (AlterTableType::AtEnableTrigAll, _) => TableAction::Trigger {
            enable: true,
            which: TriggerSet::All,
        },
        (AlterTableType::AtDisableTrigAll, _) => TableAction::Trigger {
            enable: false,
            which: TriggerSet::All,
        },
        (AlterTableType::AtEnableTrigUser, _) => TableAction::Trigger {
            enable: true,
            which: TriggerSet::User,
        },
        (AlterTableType::AtDisableTrigUser, _) => TableAction::Trigger {
            enable: false,
            which: TriggerSet::User,
        },
        (AlterTableType::AtSetLogged, _) => TableAction::SetLogged(true),
        (AlterTableType::AtSetUnLogged, _) => TableAction::SetLogged(false),
        (AlterTableType::AtAddInherit, Some(NodeEnum::RangeVar(rv))) => {
            TableAction::AddInherit(range_name(rv))
        }
        (AlterTableType::AtDropInherit, Some(NodeEnum::RangeVar(rv))) => {
            TableAction::DropInherit(range_name(rv))
        }
        (AlterTableType::AtAlterConstraint, Some(NodeEnum::AtalterConstraint(c))) => {
            TableAction::AlterConstraint {
                name: c.conname.as_str().into(),
                deferrability: c
                    .alter_deferrability
                    .then_some((c.deferrable, c.initdeferred)),
            }
        }
        _ => TableAction::Other,
    }
}

/// `ALTER COLUMN ... TYPE ... USING expr` (pg_query keeps the expression in the column
/// definition's `raw_default`): the column, the column under casts, or anything else.
fn using(expression: Option<&Node>, column: &str) -> Using {
    let Some(start) = expression else {
        return Using::Column;
    };
    let other = || Using::Other(expr_sql(start));
    let mut node = start;
    let mut casts = Vec::new();
    loop {
        match node.node.as_ref() {
            Some(NodeEnum::TypeCast(tc)) => match (tc.arg.as_deref(), tc.type_name.as_ref()) {
                (Some(arg), Some(t)) => {
                    casts.push(type_ref(t));
                    node = arg;
                }
                _ => return other(),
            },
            Some(NodeEnum::ColumnRef(c)) => {
                let is_column = c.fields.last().and_then(|f| match f.node.as_ref() {
                    Some(NodeEnum::String(s)) => Some(s.sval == column),
                    _ => None,
                });
                if is_column != Some(true) {
                    return other();
                }
                casts.reverse();
                return if casts.is_empty() {
                    Using::Column
                } else {
                    Using::Casts(casts)
                };
            }
            _ => return other(),
        }
    }
}

/// `PARTITION BY strategy (key, ...)`.
fn partition_key(spec: &protobuf::PartitionSpec) -> Option<crate::model::PartitionKey> {
    use crate::model::PartitionStrategy as S;
    let strategy = match protobuf::PartitionStrategy::try_from(spec.strategy).ok()? {
        protobuf::PartitionStrategy::Range => S::Range,
        protobuf::PartitionStrategy::List => S::List,
        protobuf::PartitionStrategy::Hash => S::Hash,
        protobuf::PartitionStrategy::Undefined => return None,
    };
    let columns = spec
        .part_params
        .iter()
        .map(|p| match p.node.as_ref() {
            Some(NodeEnum::PartitionElem(e)) if e.expr.is_none() && !e.name.is_empty() => {
                Some(Name::from(e.name.as_str()))
            }
            _ => None,
        })
        .collect();
    Some(crate::model::PartitionKey { strategy, columns })
}

/// A partition's bound as SQL: `FOR VALUES FROM (…) TO (…)`, `FOR VALUES IN (…)`,
/// `FOR VALUES WITH (MODULUS m, REMAINDER r)` or `DEFAULT`.
pub(super) fn partition_bound_sql(b: &protobuf::PartitionBoundSpec) -> String {
    if b.is_default {
        return "DEFAULT".into();
    }
    let values = |nodes: &[Node]| nodes.iter().map(expr_sql).collect::<Vec<_>>().join(", ");
    match b.strategy.as_str() {
        "r" => format!(
            "FOR VALUES FROM ({}) TO ({})",
            values(&b.lowerdatums),
            values(&b.upperdatums)
        ),
        "l" => format!("FOR VALUES IN ({})", values(&b.listdatums)),
        _ => format!(
            "FOR VALUES WITH (MODULUS {}, REMAINDER {})",
            b.modulus, b.remainder
        ),
    }
}

/// `FOR VALUES ...` / `DEFAULT` of `ATTACH PARTITION`.
fn partition_bound(b: &protobuf::PartitionBoundSpec) -> PartitionBound {
    if b.is_default {
        return PartitionBound::Default;
    }
    let values = |nodes: &[Node]| nodes.iter().map(bound_value).collect();
    match b.strategy.as_str() {
        "r" => PartitionBound::Range {
            from: values(&b.lowerdatums),
            to: values(&b.upperdatums),
        },
        "l" => PartitionBound::List(values(&b.listdatums)),
        _ => PartitionBound::Hash,
    }
}

/// One bound value: `MINVALUE` / `MAXVALUE` (column references in the raw tree), a
/// constant (cast or not), `NULL`, or anything else.
fn bound_value(node: &Node) -> BoundValue {
    let inner = |n: &Node| -> Option<BoundValue> {
        let mut n = n;
        while let Some(NodeEnum::TypeCast(tc)) = n.node.as_ref() {
            n = tc.arg.as_deref()?;
        }
        match n.node.as_ref()? {
            NodeEnum::AConst(c) if c.isnull => Some(BoundValue::Null),
            NodeEnum::AConst(c) => Some(BoundValue::Literal {
                value: match c.val.as_ref()? {
                    a_const::Val::Ival(i) => i.ival.to_string(),
                    a_const::Val::Fval(f) => f.fval.clone(),
                    a_const::Val::Sval(s) => s.sval.clone(),
                    _ => return None,
                },
                sql: simple_expr(node)?,
            }),
            _ => None,
        }
    };
    if let Some(NodeEnum::ColumnRef(c)) = node.node.as_ref() {
        if let [field] = c.fields.as_slice() {
            match string_of(field).as_deref() {
                Some("minvalue") => return BoundValue::MinValue,
                Some("maxvalue") => return BoundValue::MaxValue,
                _ => {}
            }
        }
    }
    inner(node).unwrap_or(BoundValue::Other)
}
