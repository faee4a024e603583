//! Questions several rules ask of the model.

use super::{OptionKind, OptionSpec, RuleOptions};
use crate::model::{Column, Database, ForeignKey, Index, IndexElement, Name, Table};

/// The index that makes lookups by `columns` fast, if any: the lookups PostgreSQL
/// runs for a foreign key (`WHERE fk1 = $1 AND fk2 = $2`, for every parent row
/// deleted or re-keyed). An index serves them when [`index_covers`] says so.
/// The hazard of an unindexed foreign key on a large child table (live row
/// estimate at least [`crate::score::LARGE_TABLE_ROWS`]): every delete of a parent
/// row (and every change of its key) scans the child under lock to find the rows
/// that reference it ("5.5.5. Foreign Keys": "a DELETE of a row from the referenced
/// table … will require a scan of the referencing table"), and a cascading action
/// also writes them. `finding` unchanged for small or unsized tables.
pub fn unindexed_fk_hazard(
    finding: crate::finding::Finding,
    table: &Table,
    fk: &ForeignKey,
) -> crate::finding::Finding {
    use crate::model::FkAction;
    let rows = table.stats.map_or(0.0, |s| s.estimated_rows);
    if rows < crate::score::LARGE_TABLE_ROWS {
        return finding;
    }
    let cascading = matches!(
        fk.on_delete,
        FkAction::Cascade | FkAction::SetNull | FkAction::SetDefault
    );
    finding.hazard(
        crate::finding::HazardKind::Outage,
        if cascading {
            crate::score::CEILING_UNINDEXED_CASCADE_LARGE
        } else {
            crate::score::CEILING_UNINDEXED_FK_LARGE
        },
    )
}

pub fn covering_index<'a>(table: &'a Table, columns: &[Name]) -> Option<&'a Index> {
    table
        .indexes
        .iter()
        .find(|index| index_covers(index, columns))
}

/// Whether `index` makes equality lookups by `columns` fast: it is valid, its
/// predicate (if partial) is implied by those lookups (see [`predicate_implied`]),
/// and either
/// - it is a btree (or a hash on one column) whose first `columns.len()` key columns
///   are plain columns equal to `columns` in any order: `(y, x)` covers `(x, y)`,
///   `(created_at, fk)` does not cover `fk`, INCLUDE columns do not count; or
/// - it is a unique btree whose key columns are all among `columns`: each lookup
///   reads at most one row (a child's unique `(user_id)` serves a foreign key on
///   `(tenant_id, user_id)`).
pub fn index_covers(index: &Index, columns: &[Name]) -> bool {
    if !index.valid || columns.is_empty() || !predicate_implied(index, columns) {
        return false;
    }
    let Some(keys) = index.plain_key_columns() else {
        return index_covers_leading(index, columns);
    };
    if index.unique
        && index.method == "btree"
        && keys.iter().all(|k| columns.iter().any(|c| c == k))
    {
        return true;
    }
    index_covers_leading(index, columns)
}

fn index_covers_leading(index: &Index, columns: &[Name]) -> bool {
    if index.keys.len() < columns.len() {
        return false;
    }
    let method_ok = index.method == "btree" || (index.method == "hash" && columns.len() == 1);
    if !method_ok {
        return false;
    }
    let leading: Option<Vec<&str>> = index.keys[..columns.len()]
        .iter()
        .map(|k| k.column_name())
        .collect();
    let Some(mut leading) = leading else {
        return false;
    };
    let mut wanted: Vec<&str> = columns.iter().map(Name::as_str).collect();
    leading.sort_unstable();
    wanted.sort_unstable();
    leading == wanted
}

/// Whether equality lookups by `columns` imply the index's predicate, so the
/// planner can use a partial index for them. `fk = $1` with a strict `=` implies
/// `fk IS NOT NULL` (PostgreSQL's predicate proof, `predtest.c`), so a predicate
/// made only of `IS NOT NULL` tests on `columns`, alone or ANDed, is implied; any
/// other predicate (`WHERE deleted_at IS NULL`, `WHERE id > 100`) is not. No
/// predicate is implied trivially.
pub fn predicate_implied(index: &Index, columns: &[Name]) -> bool {
    let Some(predicate) = &index.predicate else {
        return true;
    };
    crate::source::sql::parse::not_null_columns(predicate)
        .is_some_and(|tested| tested.iter().all(|t| columns.contains(t)))
}

/// An index that serves lookups by `columns` only partly, when none covers them: a
/// valid btree (or a one-column hash) whose predicate the lookups imply and whose
/// leading key columns are some of `columns` (an index on `(build_id, name)` for a
/// foreign key on `(partition_id, build_id)`). The lookup reads every row that
/// matches those and filters on the rest. The one serving most columns wins, then
/// the first by name. Returns the index and the columns it serves, in key order.
pub fn partly_covering_index<'a>(
    table: &'a Table,
    columns: &[Name],
) -> Option<(&'a Index, Vec<Name>)> {
    let mut best: Option<(&Index, Vec<Name>)> = None;
    for index in &table.indexes {
        if !index.valid || !predicate_implied(index, columns) {
            continue;
        }
        let served: Vec<Name> = index
            .keys
            .iter()
            .map_while(|k| k.column_name())
            .take_while(|k| columns.iter().any(|c| c == k))
            .map(Name::from)
            .collect();
        let method_ok =
            index.method == "btree" || (index.method == "hash" && index.keys.len() == 1);
        if served.is_empty() || served.len() >= columns.len() || !method_ok {
            continue;
        }
        let better = best.as_ref().is_none_or(|(b, s)| {
            served.len() > s.len() || (served.len() == s.len() && index.name.name < b.name.name)
        });
        if better {
            best = Some((index, served));
        }
    }
    best
}

/// A partition's copy of its parent's foreign key: reported once, at the parent.
pub fn inherited_from_parent(db: &Database, table: &Table, fk: &ForeignKey) -> bool {
    let Some(parent) = table.partition_of.as_ref().and_then(|p| db.table(p)) else {
        return false;
    };
    parent
        .foreign_keys
        .iter()
        .any(|p| p.columns == fk.columns && p.references == fk.references)
}

/// Foreign keys to check for a table: all of its own, minus partition clones.
pub fn own_foreign_keys<'a>(
    db: &'a Database,
    table: &'a Table,
) -> impl Iterator<Item = &'a ForeignKey> {
    table
        .foreign_keys
        .iter()
        .filter(move |fk| !inherited_from_parent(db, table, fk))
}

/// A many-to-many link table: every column belongs to a foreign key (`_ProductToTeam`),
/// or, when it has two foreign keys or more, is a surrogate primary key the database
/// generates (the identity `id` a table is given to have a primary key): the table
/// holds nothing but "these rows are linked".
pub fn is_link_table(table: &Table) -> bool {
    let in_fk = |c: &Name| table.foreign_keys.iter().any(|fk| fk.columns.contains(c));
    let surrogate = |c: &Column| {
        table.foreign_keys.len() > 1
            && database_generated(c)
            && table
                .primary_key
                .as_ref()
                .is_some_and(|pk| pk.columns == [c.name.clone()])
    };
    !table.columns.is_empty()
        && !table.foreign_keys.is_empty()
        && table.columns.iter().all(|c| in_fk(&c.name) || surrogate(c))
}

/// Whether the database mints the column's value on insert: an identity or
/// generated column, a `serial`, or a default that calls a function (`nextval()`,
/// `gen_random_uuid()`, `now()`, an application's own generator). Nobody chooses
/// such a value, so nobody asks for the same one again.
pub fn database_generated(column: &Column) -> bool {
    column.identity.is_some()
        || column.generated.is_some()
        || column.serial
        || column.default.as_deref().is_some_and(calls_function)
}

/// Whether an expression calls a function: a name followed by `(` that is not a
/// type's modifier list (`'x'::character varying(20)`, `timestamp(3)`).
fn calls_function(expression: &str) -> bool {
    const TYPE_WORDS: &[&str] = &[
        "varying",
        "character",
        "char",
        "varchar",
        "numeric",
        "decimal",
        "timestamp",
        "time",
        "bit",
        "interval",
        "float",
    ];
    let bytes = expression.as_bytes();
    (1..bytes.len()).any(|i| {
        if bytes[i] != b'(' {
            return false;
        }
        let mut start = i;
        while start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
            start -= 1;
        }
        let word = expression[start..i].to_ascii_lowercase();
        !word.is_empty() && !TYPE_WORDS.contains(&word.as_str())
    })
}

/// How a table marks deleted rows, if it uses soft delete.
#[derive(Debug, Clone, Copy)]
pub enum SoftDelete<'a> {
    /// `deleted_at` / `is_deleted`: live rows have it NULL (timestamps) or false.
    Deleted(&'a Column),
    /// `is_active`: live rows have it true.
    Active(&'a Column),
}

impl SoftDelete<'_> {
    pub fn column(&self) -> &Column {
        match self {
            SoftDelete::Deleted(c) | SoftDelete::Active(c) => c,
        }
    }

    /// The predicate that selects live rows, for partial unique indexes: `NOT x` for
    /// a boolean flag, `x = 0` for a NOT NULL integer flag (Synapse's `deleted
    /// smallint`), `x IS NULL` for a timestamp.
    pub fn live_predicate(&self) -> String {
        let name = crate::model::quote_ident(&self.column().name);
        match self {
            SoftDelete::Deleted(c) if c.data_type.name == "boolean" => format!("NOT {name}"),
            SoftDelete::Deleted(c) if c.not_null && is_integer(c) => format!("{name} = 0"),
            SoftDelete::Deleted(_) => format!("{name} IS NULL"),
            SoftDelete::Active(_) => name,
        }
    }
}

/// Whether a column is of an integer type (`smallint`, `integer`, `bigint`).
pub fn is_integer(column: &Column) -> bool {
    matches!(
        column.data_type.name.as_str(),
        "smallint" | "integer" | "bigint"
    )
}

/// A timestamp or date column: a soft-delete marker of this type is NULL on live rows.
fn is_point_in_time(column: &Column) -> bool {
    let t = column.data_type.name.as_str();
    t.starts_with("timestamp") || t == "date"
}

/// `deleted_columns`: Column names (any case) that mark a soft-deleted row.
pub const DELETED_COLUMNS: OptionSpec = OptionSpec {
    name: "deleted_columns",
    kind: OptionKind::Strings,
    default: r#"["deleted_at", "deletedAt", "is_deleted", "isDeleted", "deleted", "removed_at", "removedAt", "discarded_at", "discardedAt"]"#,
    doc: "Column names (any case) that mark a soft-deleted row.",
};

/// `active_columns`: Boolean column names (any case) that mark a live row.
pub const ACTIVE_COLUMNS: OptionSpec = OptionSpec {
    name: "active_columns",
    kind: OptionKind::Strings,
    default: r#"[]"#,
    doc: "Boolean column names (any case) that mark a live row.",
};

/// The soft-delete marker of a table, named by the options [`DELETED_COLUMNS`] and
/// [`ACTIVE_COLUMNS`] (shared by the soft-delete pack's rules). A `deleted_at`
/// timestamp declared NOT NULL is no marker: no row of the table can be live, so it
/// is a table of tombstones (MusicBrainz's `deleted_entity`), whose `deleted_at`
/// records when something else went.
pub fn soft_delete<'a>(table: &'a Table, options: &RuleOptions) -> Option<SoftDelete<'a>> {
    // Lower-cased once per option set; compared without allocating per column.
    let deleted = options.lowered(&DELETED_COLUMNS);
    let active = options.lowered(&ACTIVE_COLUMNS);
    let listed = |list: &[String], c: &Column| list.iter().any(|d| c.name.eq_ignore_ascii_case(d));
    if let Some(c) = table.columns.iter().find(|c| listed(deleted, c)) {
        if c.not_null && is_point_in_time(c) {
            return None;
        }
        return Some(SoftDelete::Deleted(c));
    }
    table
        .columns
        .iter()
        .find(|c| c.data_type.name == "boolean" && listed(active, c))
        .map(SoftDelete::Active)
}

/// `actor_columns`: Column names that record who acted on a row, not what the row belongs to.
pub const ACTOR_COLUMNS: OptionSpec = OptionSpec {
    name: "actor_columns",
    kind: OptionKind::Globs,
    default: r#"["*_by", "*_by_id", "*By", "*ById", "granted_by*", "grantor*", "approver*", "reviewer*", "creator_id", "creatorId", "*_creator_id", "modifier*", "editor", "editor_id", "editorId", "proposer*", "seconder*", "voter", "voter_id", "voterId"]"#,
    doc: "Column names that record who acted on a row, not what the row belongs to.",
};

/// Whether a column records who acted on the row (`created_by`, `approver_id`,
/// `editor`), per [`ACTOR_COLUMNS`]: a reference to a person that did something,
/// not to a parent the row belongs to. The globs are tried on the whole name and on
/// every tail of it that starts at a word (after `_` or at a camelCase capital), so
/// a noun in front does not hide the actor: `follow_approver_id` is matched by
/// `approver*`, `change_editor` by `editor`. A past participle in front (a word
/// ending in `ed`: `subscribed_editor`, `blocked_creator_id`) names the person
/// something was done to, not who did it, so tails after one are not tried. Shared
/// by the rules that must tell the two apart (`cascade-on-actor`,
/// `soft-delete-inconsistent`).
pub fn is_actor_column(options: &RuleOptions, column: &str) -> bool {
    word_tails(column).any(|tail| options.name_matches(&ACTOR_COLUMNS, tail))
}

/// The name and each of its tails that starts at a word, up to the first word after
/// a past participle: `follow_approver_id` → `follow_approver_id`, `approver_id`,
/// `id`; `followApproverId` → …, `ApproverId`, `Id`; `subscribed_editor` → itself.
fn word_tails(name: &str) -> impl Iterator<Item = &str> {
    let bytes = name.as_bytes();
    let starts_word = move |i: usize| {
        i == 0
            || (bytes[i - 1] == b'_' && bytes[i] != b'_')
            || (bytes[i].is_ascii_uppercase() && bytes[i - 1].is_ascii_lowercase())
    };
    let participle_before = move |i: usize| {
        let before = name[..i].trim_end_matches('_').to_ascii_lowercase();
        before.ends_with("ed")
    };
    let mut blocked = false;
    (0..bytes.len()).filter_map(move |i| {
        if blocked || !starts_word(i) {
            return None;
        }
        if i > 0 && participle_before(i) {
            blocked = true;
            return None;
        }
        Some(&name[i..])
    })
}

/// Whether an expression mentions a column as a whole word.
pub use crate::source::sql::parse::mentions_column;

/// A name usable in an index name: lower-case, `_` for anything odd.
pub fn ident_part(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// `CREATE INDEX CONCURRENTLY <table>_<cols>_idx ON <table> (<cols>);`, named the
/// way PostgreSQL names an index the statement does not name (`ChooseRelationName`:
/// `_idx`, else `_idx1`, `_idx2`, … when a relation of the schema has the name), so
/// the fix runs even when a partial or invalid index already took the plain name.
pub fn create_index_sql(db: &Database, table: &Table, columns: &[Name]) -> String {
    create_index_named(&free_index_name(db, table, columns, &[]), table, columns)
}

/// `CREATE INDEX [CONCURRENTLY] name ON table (columns);`: CONCURRENTLY unless the
/// table is partitioned (PostgreSQL does not support it there).
fn create_index_named(name: &str, table: &Table, columns: &[Name]) -> String {
    let cols: Vec<String> = columns
        .iter()
        .map(|c| crate::model::quote_ident(c))
        .collect();
    let only = if table.kind == crate::model::TableKind::Partitioned {
        // CONCURRENTLY is not supported on partitioned tables.
        ""
    } else {
        "CONCURRENTLY "
    };
    format!(
        "CREATE INDEX {only}IF NOT EXISTS {} ON {} ({});",
        crate::model::quote_ident(name),
        table.name.sql(),
        cols.join(", ")
    )
}

/// The name PostgreSQL would give an index on `columns` of `table` (`<table>_<cols>_idx`,
/// then `…_idx1`, … past names taken in the schema or in `also_taken`).
fn free_index_name(
    db: &Database,
    table: &Table,
    columns: &[Name],
    also_taken: &[String],
) -> String {
    let parts: Vec<String> = columns.iter().map(|c| ident_part(c)).collect();
    let parts: Vec<&str> = parts.iter().map(|c| c.as_str()).collect();
    let taken = |name: &str| {
        let q = crate::model::QualifiedName::new(table.name.schema.clone(), name);
        also_taken.iter().any(|t| t == name)
            || db.index_owner.contains_key(&q)
            || db.tables.contains_key(&q)
            || db.views.contains_key(&q)
            || db.sequences.contains_key(&q)
    };
    let base = ident_part(&table.name.name);
    (0..)
        .map(|pass| {
            let label = if pass == 0 {
                "idx".to_string()
            } else {
                format!("idx{pass}")
            };
            crate::model::default_names::object_name(&base, &parts, &label).to_string()
        })
        .find(|name| !taken(name))
        .unwrap_or_default()
}

/// The fix for lookups by `columns` that no index serves: attach the partitions'
/// indexes of an `ON ONLY` index that would serve them once valid (rather than build
/// a second index beside it), or else build an index on `columns` and drop the
/// indexes it makes redundant.
pub fn fk_index_fix(db: &Database, table: &Table, columns: &[Name]) -> String {
    match unattached_parent_index(table, columns) {
        Some(parent) if !db.partitions(&table.name).is_empty() => {
            attach_partition_indexes_sql(db, table, parent)
        }
        // No partition left to attach: build the index again (instant on a
        // partitioned table without partitions).
        Some(parent) => format!(
            "{}\n{}",
            drop_index_sql(table, parent),
            create_index_sql(db, table, columns)
        ),
        None => std::iter::once(create_index_sql(db, table, columns))
            .chain(drop_made_redundant(table, columns, None))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// Whether `long` makes `short` redundant (`redundant-index`): both btree, the same
/// predicate, `short` neither unique nor a constraint's, its keys a strict leading
/// prefix of `long`'s, and its INCLUDE columns all in `long`.
pub fn is_prefix_of(short: &Index, long: &Index) -> bool {
    short.method == "btree"
        && long.method == "btree"
        && !short.unique
        && !short.is_constraint()
        && short.predicate == long.predicate
        && short.keys.len() < long.keys.len()
        && same_order(&long.keys[..short.keys.len()], &short.keys)
        && short.include.iter().all(|c| {
            long.include.contains(c)
                || long
                    .keys
                    .iter()
                    .any(|k| k.column_name() == Some(c.as_str()))
        })
}

/// Whether two btree key lists serve the same lookups and orderings: equal, or every
/// key's direction and NULLS placement reversed (PostgreSQL scans a btree in both
/// directions: `(a)` read backward is `(a DESC NULLS FIRST)`, the default of DESC;
/// "Indexes and ORDER BY"). `(a DESC NULLS LAST)` against `(a)`, or a reversal of some
/// keys only, is another order.
pub fn same_order(a: &[IndexElement], b: &[IndexElement]) -> bool {
    a == b
        || (a.len() == b.len()
            && a.iter().zip(b).all(|(x, y)| {
                x.key == y.key
                    && x.opclass == y.opclass
                    && x.collation == y.collation
                    && x.descending != y.descending
                    && x.nulls_first != y.nulls_first
            }))
}

/// `DROP INDEX CONCURRENTLY` of each valid index of `table` that a new btree index on
/// `columns` (plain keys, `predicate`) makes redundant in [`is_prefix_of`]'s sense: a
/// fix that builds a longer index drops what `redundant-index` would then report.
pub fn drop_made_redundant(
    table: &Table,
    columns: &[Name],
    predicate: Option<&str>,
) -> Vec<String> {
    let new = Index {
        name: table.name.clone(),
        table: table.name.clone(),
        method: "btree".into(),
        unique: false,
        nulls_not_distinct: false,
        keys: columns
            .iter()
            .map(|c| crate::model::IndexElement {
                key: crate::model::IndexKey::Column(c.clone()),
                descending: false,
                nulls_first: false,
                opclass: None,
                collation: None,
            })
            .collect(),
        include: Vec::new(),
        predicate: predicate.map(str::to_string),
        valid: true,
        only_parent: false,
        role: crate::model::IndexRole::Plain,
        location: None,
        stats: None,
    };
    table
        .indexes
        .iter()
        .filter(|short| short.valid && is_prefix_of(short, &new))
        .map(|short| drop_index_sql(table, short))
        .collect()
}

/// An `ON ONLY` index of a partitioned table that would cover lookups by `columns`
/// but is invalid because some partition has no index attached to it yet.
pub fn unattached_parent_index<'a>(table: &'a Table, columns: &[Name]) -> Option<&'a Index> {
    table.indexes.iter().find(|index| {
        index.only_parent
            && !index.valid
            && !index.unique
            && index.predicate.is_none()
            && index.include.is_empty()
            && index.plain_key_columns().is_some()
            && index_covers(
                &Index {
                    valid: true,
                    ..(*index).clone()
                },
                columns,
            )
    })
}

/// Makes an `ON ONLY` parent index valid the way PostgreSQL documents ("5.12.2.2.
/// Partition Maintenance"): for each partition, its index on the same columns is
/// attached (`ALTER INDEX … ATTACH PARTITION`; one already attached is left as it
/// is), built first (CONCURRENTLY where the partition is a plain table) when the
/// partition has none. The parent becomes valid when every partition has one.
/// `parent` must have plain key columns, no predicate and no INCLUDE columns.
pub fn attach_partition_indexes_sql(db: &Database, table: &Table, parent: &Index) -> String {
    let keys: Vec<Name> = parent
        .plain_key_columns()
        .unwrap_or_default()
        .into_iter()
        .map(Name::from)
        .collect();
    let mut statements = Vec::new();
    let mut named = Vec::new();
    for partition in db.partitions(&table.name) {
        let existing = partition.indexes.iter().find(|i| {
            i.valid
                && i.predicate.is_none()
                && i.method == parent.method
                && i.unique == parent.unique
                && i.keys == parent.keys
        });
        let index_name = match existing {
            Some(index) => index.name.clone(),
            None => {
                let name = free_index_name(db, partition, &keys, &named);
                statements.push(create_index_named(&name, partition, &keys));
                named.push(name.clone());
                crate::model::QualifiedName::new(partition.name.schema.clone(), name)
            }
        };
        statements.push(format!(
            "ALTER INDEX {} ATTACH PARTITION {};",
            parent.name.sql(),
            index_name.sql()
        ));
    }
    statements.join("\n")
}

/// What a rewritten foreign key changes; everything else is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FkChange {
    /// A new `ON DELETE` action. `RESTRICT` on a `DEFERRABLE` key is written `NO
    /// ACTION`, which blocks the same deletes but keeps the check deferrable (RESTRICT
    /// "does not allow the check to be deferred", "5.5.5. Foreign Keys").
    OnDelete(crate::model::FkAction),
    MatchFull,
}

/// Recreate a foreign key with one change, keeping the rest of its definition (the
/// other action, `MATCH`, `ON DELETE SET NULL (columns)`, `DEFERRABLE` and `INITIALLY
/// DEFERRED`): added `NOT VALID`, so the new constraint takes no long lock, then
/// validated (see [`add_fk_sql`]).
pub fn replace_fk_sql(table: &Table, fk: &ForeignKey, change: FkChange) -> String {
    use crate::model::{FkAction, MatchType};
    let quote = |names: &[Name]| {
        names
            .iter()
            .map(|c| crate::model::quote_ident(c))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (mut on_delete, match_type) = match change {
        FkChange::OnDelete(action) => (action, fk.match_type),
        FkChange::MatchFull => (fk.on_delete, MatchType::Full),
    };
    if on_delete == FkAction::Restrict && fk.deferrable {
        on_delete = FkAction::NoAction;
    }
    let mut definition = format!(
        "FOREIGN KEY ({}) REFERENCES {} ({})",
        quote(&fk.columns),
        fk.references.sql(),
        quote(&fk.referenced_columns),
    );
    match match_type {
        MatchType::Full => definition.push_str(" MATCH FULL"),
        MatchType::Partial => definition.push_str(" MATCH PARTIAL"),
        MatchType::Simple => {}
    }
    if on_delete != FkAction::NoAction {
        definition.push_str(&format!(" ON DELETE {}", on_delete.sql()));
        let keeps_list = on_delete == fk.on_delete
            && matches!(on_delete, FkAction::SetNull | FkAction::SetDefault);
        if keeps_list && !fk.delete_set_columns.is_empty() {
            definition.push_str(&format!(" ({})", quote(&fk.delete_set_columns)));
        }
    }
    if fk.on_update != FkAction::NoAction {
        definition.push_str(&format!(" ON UPDATE {}", fk.on_update.sql()));
    }
    if fk.deferrable {
        definition.push_str(" DEFERRABLE");
        if fk.initially_deferred {
            definition.push_str(" INITIALLY DEFERRED");
        }
    }
    let name = crate::model::quote_ident(&fk.name);
    add_fk_sql(table, &fk.name, &definition, Some(&name))
}

/// `ALTER TABLE … [DROP CONSTRAINT name,] ADD CONSTRAINT name <definition> NOT VALID;`
/// then `VALIDATE CONSTRAINT` in a statement of its own, which takes only SHARE UPDATE
/// EXCLUSIVE while it scans ("ALTER TABLE", `NOT VALID`). On a partitioned table,
/// where PostgreSQL before 18 refuses `NOT VALID` foreign keys, one `ADD CONSTRAINT`
/// that validates as it goes.
pub fn add_fk_sql(table: &Table, name: &str, definition: &str, drop_first: Option<&str>) -> String {
    let t = table.name.sql();
    let name = crate::model::quote_ident(name);
    let drop = drop_first
        .map(|d| format!("DROP CONSTRAINT {d}, "))
        .unwrap_or_default();
    if table.kind == crate::model::TableKind::Partitioned {
        format!("ALTER TABLE {t} {drop}ADD CONSTRAINT {name} {definition};")
    } else {
        format!(
            "ALTER TABLE {t} {drop}ADD CONSTRAINT {name} {definition} NOT VALID;\nALTER TABLE {t} VALIDATE CONSTRAINT {name};"
        )
    }
}

/// The fix for a cascade that should not delete its child rows: when the parent is a
/// soft-delete table (by `options`' `deleted_columns` / `active_columns`), parents are
/// not meant to be hard-deleted, so the key blocks it (`ON DELETE RESTRICT`, as
/// `soft-delete-hard-cascade` proposes for the same key); otherwise the children stay
/// and lose the link ([`set_null_fix`]).
pub fn keep_children_fix(
    db: &Database,
    options: &RuleOptions,
    table: &Table,
    fk: &ForeignKey,
) -> String {
    let parent_soft_deletes = db
        .table(&fk.references)
        .is_some_and(|parent| soft_delete(parent, options).is_some());
    if parent_soft_deletes {
        replace_fk_sql(
            table,
            fk,
            FkChange::OnDelete(crate::model::FkAction::Restrict),
        )
    } else {
        set_null_fix(table, fk)
    }
}

/// Keep the child rows when the parent goes: drop NOT NULL where needed, then
/// `ON DELETE SET NULL`. When a column of the key is in the primary key, which can
/// never be NULL (PostgreSQL refuses DROP NOT NULL there), block the delete instead:
/// `ON DELETE RESTRICT`.
pub fn set_null_fix(table: &Table, fk: &ForeignKey) -> String {
    let in_primary_key = table
        .primary_key
        .as_ref()
        .is_some_and(|pk| fk.columns.iter().any(|c| pk.columns.contains(c)));
    if in_primary_key {
        return replace_fk_sql(
            table,
            fk,
            FkChange::OnDelete(crate::model::FkAction::Restrict),
        );
    }
    let mut fix: Vec<String> = fk
        .columns
        .iter()
        .filter(|c| table.column(c).is_some_and(|col| col.not_null))
        .map(|c| {
            format!(
                "ALTER TABLE {} ALTER COLUMN {} DROP NOT NULL;",
                table.name.sql(),
                crate::model::quote_ident(c)
            )
        })
        .collect();
    fix.push(replace_fk_sql(
        table,
        fk,
        FkChange::OnDelete(crate::model::FkAction::SetNull),
    ));
    fix.join("\n")
}

/// Drop an index, or the constraint that owns it.
pub fn drop_index_sql(table: &Table, index: &Index) -> String {
    if index.is_constraint() {
        format!(
            "ALTER TABLE {} DROP CONSTRAINT {};",
            table.name.sql(),
            crate::model::quote_ident(&index.name.name)
        )
    } else if table.kind == crate::model::TableKind::Partitioned {
        // DROP INDEX CONCURRENTLY is not supported on a partitioned index.
        format!("DROP INDEX IF EXISTS {};", index.name.sql())
    } else {
        format!("DROP INDEX CONCURRENTLY IF EXISTS {};", index.name.sql())
    }
}

/// Bound a text column's length with a CHECK added `NOT VALID`, then validated.
/// Whether a CHECK gives `column` an upper length limit: one of the table's CHECK
/// constraints (validated or `NOT VALID`, which still holds every new row), or a CHECK
/// of the column's domain over `VALUE` (see
/// [`crate::source::sql::parse::length_limited_columns`]).
pub fn length_limited(db: &Database, table: &Table, column: &Column) -> bool {
    let limited = |expression: &str, name: &str| {
        crate::source::sql::parse::length_limited_columns(expression)
            .iter()
            .any(|c| c.as_str() == name)
    };
    table
        .checks
        .iter()
        .any(|c| limited(&c.expression, &column.name))
        || db
            .domain_for(&column.data_type)
            .is_some_and(|d| d.checks.iter().any(|c| limited(c, "value")))
}

pub fn length_check_fix(table: &Table, column: &str, max: i64) -> String {
    // A name no CHECK of the table has yet: `<table>_<column>_length`, then `…1`, ….
    let base = format!("{}_{}_length", table.name.name, column);
    let name = (0..)
        .map(|n| {
            if n == 0 {
                base.clone()
            } else {
                format!("{base}{n}")
            }
        })
        .find(|name| !table.checks.iter().any(|c| c.name.as_str() == name))
        .unwrap_or(base);
    let constraint = crate::model::quote_ident(&name);
    format!(
        "ALTER TABLE {t} ADD CONSTRAINT {constraint} CHECK (char_length({c}) <= {max}) NOT VALID;\nALTER TABLE {t} VALIDATE CONSTRAINT {constraint};",
        t = table.name.sql(),
        c = crate::model::quote_ident(column),
    )
}

/// The indexes of `table` that key `column` with an operator class of its old type
/// (`timestamp_minmax_multi_ops`), which `ALTER COLUMN … TYPE` cannot keep: PostgreSQL
/// refuses the change ("operator class … does not accept data type …", checked on
/// PostgreSQL 18). Returns the statements that drop them before the type change and
/// those that build them again after it with the new type's class (`classes`: the
/// old type's prefix, replaced by the new type's), or `None` when one cannot be
/// rebuilt so: the index of a constraint, a class not named for the old type, or any
/// class when `classes` is `None`.
pub fn opclass_rebuilds(
    table: &Table,
    column: &str,
    classes: Option<(&str, &str)>,
) -> Option<(Vec<String>, Vec<String>)> {
    let (mut drops, mut creates) = (Vec::new(), Vec::new());
    for index in &table.indexes {
        let classed =
            |k: &crate::model::IndexElement| k.column_name() == Some(column) && k.opclass.is_some();
        if !index.keys.iter().any(classed) {
            continue;
        }
        if index.role != crate::model::IndexRole::Plain {
            return None;
        }
        let mut keys = Vec::new();
        for key in &index.keys {
            let mut key = key.clone();
            if classed(&key) {
                let (old_prefix, new_prefix) = classes?;
                let class = key.opclass.as_deref()?;
                let bare = class.strip_prefix("pg_catalog.").unwrap_or(class);
                key.opclass = Some(format!("{new_prefix}{}", bare.strip_prefix(old_prefix)?));
            }
            keys.push(key.sql());
        }
        let include = if index.include.is_empty() {
            String::new()
        } else {
            let names: Vec<String> = index
                .include
                .iter()
                .map(|c| crate::model::quote_ident(c))
                .collect();
            format!(" INCLUDE ({})", names.join(", "))
        };
        let predicate = index
            .predicate
            .as_ref()
            .map(|p| format!(" WHERE {p}"))
            .unwrap_or_default();
        drops.push(format!("DROP INDEX {};", index.name.sql()));
        creates.push(format!(
            "CREATE {}INDEX {} ON {} USING {} ({}){include}{predicate};",
            if index.unique { "UNIQUE " } else { "" },
            crate::model::quote_ident(&index.name.name),
            table.name.sql(),
            index.method,
            keys.join(", ")
        ));
    }
    Some((drops, creates))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::sql::database_from_sql;

    fn covered(sql: &str, cols: &[&str]) -> bool {
        let (db, _) = database_from_sql(sql);
        let t = db.tables.values().find(|t| t.name.name == "c").unwrap();
        let cols: Vec<Name> = cols.iter().map(|c| Name::from(*c)).collect();
        covering_index(t, &cols).is_some()
    }

    #[test]
    fn coverage_follows_leading_key_columns() {
        let base = "CREATE TABLE c (x int, y int, z int, created_at timestamptz);";
        assert!(covered(&format!("{base} CREATE INDEX ON c (x);"), &["x"]));
        assert!(covered(
            &format!("{base} CREATE INDEX ON c (x, created_at);"),
            &["x"]
        ));
        assert!(!covered(
            &format!("{base} CREATE INDEX ON c (created_at, x);"),
            &["x"]
        ));
        assert!(covered(
            &format!("{base} CREATE INDEX ON c (y, x);"),
            &["x", "y"]
        ));
        assert!(!covered(
            &format!("{base} CREATE INDEX ON c (z) INCLUDE (x);"),
            &["x"]
        ));
        assert!(!covered(
            &format!("{base} CREATE INDEX ON c (x) WHERE z > 0;"),
            &["x"]
        ));
        // The lookup `x = $1` implies `x IS NOT NULL`, not `z IS NOT NULL`.
        assert!(covered(
            &format!("{base} CREATE INDEX ON c (x) WHERE x IS NOT NULL;"),
            &["x"]
        ));
        assert!(covered(
            &format!("{base} CREATE INDEX ON c (x, y) WHERE (y IS NOT NULL) AND (x IS NOT NULL);"),
            &["x", "y"]
        ));
        assert!(!covered(
            &format!("{base} CREATE INDEX ON c (x) WHERE z IS NOT NULL;"),
            &["x"]
        ));
        assert!(!covered(
            &format!("{base} CREATE INDEX ON c (x) WHERE x IS NOT NULL OR z > 0;"),
            &["x"]
        ));
        // A unique key within the columns: at most one row per lookup.
        assert!(covered(
            &format!("{base} CREATE UNIQUE INDEX ON c (y);"),
            &["x", "y"]
        ));
        assert!(!covered(
            &format!("{base} CREATE INDEX ON c (y);"),
            &["x", "y"]
        ));
        assert!(!covered(
            &format!("{base} CREATE INDEX ON c ((x + 1));"),
            &["x"]
        ));
        assert!(!covered(
            &format!("{base} CREATE INDEX ON c USING gin (x);"),
            &["x"]
        ));
        assert!(covered(
            &format!("{base} CREATE INDEX ON c USING hash (x);"),
            &["x"]
        ));
        assert!(covered(
            &format!("{base} ALTER TABLE c ADD PRIMARY KEY (x, y);"),
            &["x"]
        ));
    }

    fn partly(sql: &str, cols: &[&str]) -> Option<(String, String)> {
        let (db, _) = database_from_sql(sql);
        let t = db.tables.values().find(|t| t.name.name == "c").unwrap();
        let cols: Vec<Name> = cols.iter().map(|c| Name::from(*c)).collect();
        partly_covering_index(t, &cols).map(|(i, s)| (i.name.name.to_string(), s.join(",")))
    }

    #[test]
    fn partial_coverage_names_the_index_and_what_it_serves() {
        let base = "CREATE TABLE c (x int, y int, z int, name text);";
        assert_eq!(
            partly(
                &format!("{base} CREATE INDEX c_y_name ON c (y, name);"),
                &["x", "y"]
            ),
            Some(("c_y_name".into(), "y".into()))
        );
        // The longest served prefix wins.
        assert_eq!(
            partly(
                &format!(
                    "{base} CREATE INDEX c_x ON c (x); CREATE INDEX c_x_y_z ON c (x, y, name);"
                ),
                &["x", "y", "z"]
            ),
            Some(("c_x_y_z".into(), "x,y".into()))
        );
        assert_eq!(
            partly(
                &format!("{base} CREATE INDEX c_name_x ON c (name, x);"),
                &["x", "y"]
            ),
            None
        );
        assert_eq!(
            partly(
                &format!("{base} CREATE INDEX c_y ON c (y) WHERE z > 0;"),
                &["x", "y"]
            ),
            None
        );
        assert_eq!(
            partly(&format!("{base} CREATE INDEX c_x ON c (x);"), &["x"]),
            None
        );
    }
}
