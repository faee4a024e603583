use crate::finding::Finding;
use crate::model::{FkAction, QualifiedName};
use crate::rules::{Context, OptionKind, OptionSpec, Rule, RuleMeta};
use std::collections::{BTreeMap, BTreeSet};

/// `max_depth`: How many levels of ON DELETE CASCADE make a chain worth reporting.
pub const MAX_DEPTH: OptionSpec = OptionSpec {
    name: "max_depth",
    kind: OptionKind::Integer { min: 1 },
    default: r#"3"#,
    doc: "How many levels of ON DELETE CASCADE make a chain worth reporting.",
};

declare_rule! {
    /// ## What it does
    /// Follows `ON DELETE CASCADE` foreign keys from parent to child and flags every
    /// table from which a delete cascades `max_depth` or more levels deep.
    /// The longest path is shown; a table reached by a cascade itself is reported
    /// through the table that starts the chain.
    ///
    /// ## Why is this bad?
    /// One innocent `DELETE FROM organizations WHERE id = $1` removes products, their
    /// features, their tasks and their comments, in one transaction that locks every
    /// row it visits. Nobody reviewing the top-level delete sees how much it erases,
    /// and a mistaken delete cannot be undone without a restore.
    ///
    /// ## Example
    /// ```sql
    /// CREATE TABLE products (id text PRIMARY KEY, org_id text REFERENCES organizations ON DELETE CASCADE);
    /// CREATE TABLE features (id text PRIMARY KEY, product_id text REFERENCES products ON DELETE CASCADE);
    /// CREATE TABLE tasks (id text PRIMARY KEY, feature_id text REFERENCES features ON DELETE CASCADE);
    /// ```
    ///
    /// ## Fix
    /// Break the chain where the data matters: RESTRICT the top-level delete (and
    /// soft-delete or archive instead), or delete children explicitly in batches:
    /// ```sql
    /// ALTER TABLE products DROP CONSTRAINT products_org_id_fkey,
    ///   ADD CONSTRAINT products_org_id_fkey FOREIGN KEY (org_id) REFERENCES organizations ON DELETE RESTRICT;
    /// ```
    CascadeChain { id: "cascade-chain", summary: "Deletes cascade through too many levels", evidence: Structure, options: [MAX_DEPTH] }
}

impl Rule for CascadeChain {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let max_depth = ctx.options.integer(&MAX_DEPTH) as usize;
        let mut children: BTreeMap<&QualifiedName, BTreeSet<&QualifiedName>> = BTreeMap::new();
        let mut is_child: BTreeSet<&QualifiedName> = BTreeSet::new();
        for (table, fk) in ctx.db.foreign_keys() {
            if fk.on_delete == FkAction::Cascade
                && table.name != fk.references
                && !table.is_partition()
            {
                children
                    .entry(&fk.references)
                    .or_default()
                    .insert(&table.name);
                is_child.insert(&table.name);
            }
        }
        let mut memo = BTreeMap::new();
        let mut out = Vec::new();
        for root in children.keys().copied().filter(|t| !is_child.contains(t)) {
            let path = longest_path(root, &children, &mut memo);
            let depth = path.len() - 1;
            if depth < max_depth {
                continue;
            }
            let shown: Vec<&str> = path.iter().map(|t| t.name.as_str()).collect();
            let location = ctx.db.table(root).and_then(|t| t.location.as_ref());
            out.push(
                ctx.finding(root,
                    format!("deleting from {} cascades {depth} levels: {}", root.name, shown.join(" → ")),
                )
                .help(format!(
                    "make the first hop RESTRICT (soft-delete or archive {} instead), or delete the children explicitly, in batches",
                    root.name
                ))
                .location(location),
            );
        }
        out
    }
}

/// Longest cascade path from `root` (inclusive); cycles are cut where they close.
///
/// A depth-first search with an explicit stack (a chain of thousands of tables must not
/// overflow the thread's stack) that remembers, per table, only the length of its
/// longest path and the child it continues through (not the path itself, which made a
/// long chain quadratic in memory). `memo` is shared between roots.
fn longest_path<'a>(
    root: &'a QualifiedName,
    children: &BTreeMap<&'a QualifiedName, BTreeSet<&'a QualifiedName>>,
    memo: &mut BTreeMap<&'a QualifiedName, (usize, Option<&'a QualifiedName>)>,
) -> Vec<&'a QualifiedName> {
    /// A table being explored: its children still to visit, and the best so far.
    struct Frame<'a> {
        node: &'a QualifiedName,
        kids: Vec<&'a QualifiedName>,
        next_kid: usize,
        best: (usize, Option<&'a QualifiedName>),
    }
    let frame = |node: &'a QualifiedName| Frame {
        node,
        kids: children
            .get(node)
            .map(|k| k.iter().copied().collect())
            .unwrap_or_default(),
        next_kid: 0,
        best: (0, None),
    };
    let mut on_stack: BTreeSet<&QualifiedName> = BTreeSet::new();
    let mut stack: Vec<Frame> = Vec::new();
    if !memo.contains_key(root) {
        on_stack.insert(root);
        stack.push(frame(root));
    }
    while let Some(top) = stack.last_mut() {
        let Some(&kid) = top.kids.get(top.next_kid) else {
            // Every child seen: this table's longest path is settled.
            let done = stack.pop().map(|f| (f.node, f.best));
            let Some((node, best)) = done else { break };
            on_stack.remove(node);
            memo.insert(node, best);
            if let Some(parent) = stack.last_mut() {
                if best.0 + 1 > parent.best.0 {
                    parent.best = (best.0 + 1, Some(node));
                }
                parent.next_kid += 1;
            }
            continue;
        };
        if on_stack.contains(kid) {
            top.next_kid += 1;
            continue;
        }
        if let Some(&(length, _)) = memo.get(kid) {
            if length + 1 > top.best.0 {
                top.best = (length + 1, Some(kid));
            }
            top.next_kid += 1;
            continue;
        }
        on_stack.insert(kid);
        stack.push(frame(kid));
    }
    let mut path = vec![root];
    let mut node = root;
    while let Some(&(_, Some(next))) = memo.get(node) {
        path.push(next);
        node = next;
    }
    path
}
