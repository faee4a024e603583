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
