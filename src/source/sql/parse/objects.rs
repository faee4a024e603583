//! Enums, domains, sequences, comments and policies.

use super::*;

pub(super) fn alter_enum(s: &protobuf::AlterEnumStmt) -> Statement {
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

pub(super) fn create_domain(s: &protobuf::CreateDomainStmt) -> Statement {
    let Some(base) = s.type_name.as_ref().map(type_ref) else {
        return other("CREATE DOMAIN");
    };
    let mut not_null = false;
    let mut default = None;
    let mut checks = Vec::new();
    for c in s.constraints.iter().filter_map(|n| match n.node.as_ref() {
        Some(NodeEnum::Constraint(c)) => Some(c),
        _ => None,
    }) {
        match ConstrType::try_from(c.contype).unwrap_or(ConstrType::Undefined) {
            ConstrType::ConstrNotnull => not_null = true,
            ConstrType::ConstrDefault => {
                default = Some(
                    c.raw_expr
                        .as_deref()
                        .map(expr_sql)
                        .filter(|e| !crate::model::is_null_default(e)),
                )
            }
            ConstrType::ConstrCheck => checks.extend(c.raw_expr.as_deref().map(expr_sql)),
            _ => {}
        }
    }
    Statement::CreateDomain {
        name: list_name(&s.domainname),
        base,
        not_null,
        default,
        checks,
    }
}

/// `ALTER DOMAIN`: its constraints and NOT NULL (`subtype` is PostgreSQL's one-letter
/// code: C add constraint, V validate, O set not null, N drop not null).
pub(super) fn alter_domain(s: &protobuf::AlterDomainStmt) -> Statement {
    let action = match s.subtype.as_str() {
        "C" => match s.def.as_deref().and_then(|d| d.node.as_ref()) {
            Some(NodeEnum::Constraint(c))
                if ConstrType::try_from(c.contype) == Ok(ConstrType::ConstrCheck) =>
            {
                match c.raw_expr.as_deref() {
                    Some(e) => DomainAction::AddCheck {
                        name: (!c.conname.is_empty()).then(|| Name::from(c.conname.as_str())),
                        expression: expr_sql(e),
                        not_valid: c.skip_validation,
                    },
                    None => DomainAction::Other,
                }
            }
            Some(NodeEnum::Constraint(c))
                if ConstrType::try_from(c.contype) == Ok(ConstrType::ConstrNotnull) =>
            {
                DomainAction::SetNotNull
            }
            _ => DomainAction::Other,
        },
        "V" => DomainAction::ValidateConstraint {
            name: Name::from(s.name.as_str()),
        },
        "O" => DomainAction::SetNotNull,
        "T" => DomainAction::SetDefault(
            s.def
                .as_deref()
                .map(expr_sql)
                .filter(|e| !crate::model::is_null_default(e)),
        ),
        "N" => DomainAction::DropNotNull,
        _ => DomainAction::Other,
    };
    Statement::AlterDomain {
        name: list_name(&s.type_name),
        action,
    }
}

pub(super) fn owned_by(options: &[Node]) -> Option<Option<(ObjectName, Name)>> {
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

/// A sequence's parameters among `options` (`INCREMENT BY`, `MINVALUE`/`NO MINVALUE`,
/// `MAXVALUE`/`NO MAXVALUE`, `START WITH`, `CACHE`, `[NO] CYCLE`); `RESTART` changes
/// no parameter.
pub(super) fn sequence_options(options: &[Node]) -> crate::model::SequenceOptions {
    let mut out = crate::model::SequenceOptions::default();
    for opt in options {
        let Some(NodeEnum::DefElem(d)) = opt.node.as_ref() else {
            continue;
        };
        let number = || -> Option<i64> {
            match d.arg.as_deref()?.node.as_ref()? {
                NodeEnum::Integer(i) => Some(i.ival.into()),
                NodeEnum::Float(f) => f.fval.parse().ok(),
                NodeEnum::Boolean(b) => Some(b.boolval.into()),
                _ => None,
            }
        };
        match d.defname.as_str() {
            "increment" => out.increment = number(),
            "minvalue" => out.min_value = Some(number()),
            "maxvalue" => out.max_value = Some(number()),
            "start" => out.start = number(),
            "cache" => out.cache = number(),
            "cycle" => out.cycle = Some(number().is_some_and(|n| n != 0)),
            _ => {}
        }
    }
    out
}

/// A sequence's `AS type` option.
fn sequence_type(options: &[Node]) -> Option<TypeRef> {
    options.iter().find_map(|opt| match opt.node.as_ref()? {
        NodeEnum::DefElem(d) if d.defname == "as" => match d.arg.as_deref()?.node.as_ref()? {
            NodeEnum::TypeName(t) => Some(type_ref(t)),
            _ => None,
        },
        _ => None,
    })
}

pub(super) fn create_sequence(s: &protobuf::CreateSeqStmt) -> Statement {
    let Some(rv) = &s.sequence else {
        return other("CREATE SEQUENCE");
    };
    Statement::CreateSequence {
        name: range_name(rv),
        data_type: sequence_type(&s.options),
        owned_by: owned_by(&s.options).flatten(),
        options: sequence_options(&s.options),
    }
}

pub(super) fn alter_sequence(s: &protobuf::AlterSeqStmt) -> Statement {
    let (data_type, owner) = (sequence_type(&s.options), owned_by(&s.options));
    let options = sequence_options(&s.options);
    match &s.sequence {
        Some(rv) if data_type.is_some() || owner.is_some() || !options.is_empty() => {
            Statement::AlterSequence {
                name: range_name(rv),
                data_type,
                owned_by: owner,
                options,
            }
        }
        _ => other("ALTER SEQUENCE"),
    }
}

// ---------- COMMENT, POLICY ----------

pub(super) fn comment(s: &protobuf::CommentStmt) -> Statement {
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

pub(super) fn create_policy(s: &protobuf::CreatePolicyStmt) -> Statement {
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
