//! Type names: `TypeName` nodes to a [`TypeRef`].

use super::*;

pub(super) fn type_ref(t: &protobuf::TypeName) -> TypeRef {
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
    let builtin = schema.as_deref() == Some("pg_catalog")
        || (schema.is_none() && DataType::is_builtin_name(&name));
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
