pub mod status_without_check;
pub mod tenant_unscoped_unique;
pub mod unique_on_flag_or_status;

use crate::model::{Database, Table};
use crate::rules::analysis::mentions_column;
use crate::rules::{OptionSpec, RuleOptions};

/// A text-like column whose name says it holds a status (the rule's `status_columns`
/// option), and is not a postal address's state (see [`is_postal_state`]).
pub fn is_status_like(
    db: &Database,
    table: &Table,
    column: &str,
    options: &RuleOptions,
    status_columns: &OptionSpec,
) -> bool {
    let Some(col) = table.column(column) else {
        return false;
    };
    options.name_matches(status_columns, column)
        && col.data_type.is_textual()
        && !db.is_enum(&col.data_type)
        && !is_postal_state(table, column)
}

/// Whether `column` is the state or province of a postal address: named `state`
/// (or `…_state`, `…State`) beside a `city` column with the same prefix
/// (`shipping_state` beside `shipping_city`). Such a state is an open set of place
/// names, not a lifecycle a CHECK could list.
pub fn is_postal_state(table: &Table, column: &str) -> bool {
    let lower = column.to_lowercase();
    let Some(prefix) = lower.strip_suffix("state") else {
        return false;
    };
    let city = format!("{prefix}city");
    table.columns.iter().any(|c| c.name.to_lowercase() == city)
}

/// Whether some CHECK (or the column's domain) constrains the column's values.
pub fn has_value_check(db: &Database, table: &Table, column: &str) -> bool {
    let domain_checked = table
        .column(column)
        .and_then(|c| db.domain_for(&c.data_type))
        .is_some_and(|d| !d.checks.is_empty());
    domain_checked
        || table
            .checks
            .iter()
            .any(|c| mentions_column(&c.expression, column))
}
