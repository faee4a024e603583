//! DROP, RENAME and SET SCHEMA.

use super::*;

pub(super) fn object_kind(t: i32) -> ObjectKind {
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

pub(super) fn drop(s: &protobuf::DropStmt) -> Statement {
    // DROP TRIGGER name ON table: the object is the list [schema, ] table, trigger.
    if s.remove_type == ObjectType::ObjectTrigger as i32 {
        return match s.objects.first().and_then(|o| o.node.as_ref()) {
            Some(NodeEnum::List(l)) if l.items.len() >= 2 => {
                let mut parts = strings(&l.items);
                parts.pop();
                Statement::DropTrigger {
                    table: name_from_parts(parts),
                    missing_ok: s.missing_ok,
                }
            }
            _ => other("DROP TRIGGER"),
        };
    }
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

pub(super) fn rename(s: &protobuf::RenameStmt) -> Statement {
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

pub(super) fn set_schema(s: &protobuf::AlterObjectSchemaStmt) -> Statement {
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
