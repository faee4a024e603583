//! Names as the parser gives them: qualified names, range variables, lists.

use super::*;

pub(crate) fn string_of(node: &Node) -> Option<Name> {
    match node.node.as_ref()? {
        NodeEnum::String(s) => Some(Name::from(s.sval.as_str())),
        _ => None,
    }
}

pub(super) fn strings(nodes: &[Node]) -> Vec<Name> {
    nodes.iter().filter_map(string_of).collect()
}

pub(super) fn name_from_parts(mut parts: Vec<Name>) -> ObjectName {
    let name = parts.pop().unwrap_or_default();
    let schema = parts.pop();
    ObjectName { schema, name }
}

pub(super) fn range_name(rv: &protobuf::RangeVar) -> ObjectName {
    ObjectName {
        schema: (!rv.schemaname.is_empty()).then(|| Name::from(rv.schemaname.as_str())),
        name: Name::from(rv.relname.as_str()),
    }
}

pub(super) fn list_name(nodes: &[Node]) -> ObjectName {
    name_from_parts(strings(nodes))
}

/// Names in DROP/COMMENT object lists come as a List of Strings, a bare String, or a
/// TypeName.
pub(super) fn object_name(node: &Node) -> Option<ObjectName> {
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
