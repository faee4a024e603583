//! Text generated from the registry and the packs, so each fact is written once: the
//! `explain` page of a rule (with its options and defaults), the README's rule table,
//! the weights in `explain scoring`, and the `dblint init` starter file. A test
//! (`tests/docs.rs`) fails when the README's generated section is stale.

use crate::packs::{pack_of, packs};
use crate::rules::{find, render_docs, RuleMeta};

/// `dblint explain <rule>`: header (pack, category, severity, kind), the rule's own
/// documentation, and its options with their defaults.
pub fn explain(meta: &RuleMeta) -> String {
    let mut text = format!("# {} — {}\n\n", meta.id, meta.summary);
    if let Some((pack, pack_rule)) = pack_of(meta.id) {
        text.push_str(&format!(
            "Pack: {} ({})  ·  default severity: {}  ·  judges: {}{}\n\nEvidence: {}.\n\n",
            pack.name,
            pack.category,
            pack_rule.severity,
            kind_words(meta),
            if pack_rule.enabled {
                ""
            } else {
                "  ·  opt-in"
            },
            meta.evidence.describe()
        ));
    }
    if let Some(by) = meta.superseded_by {
        text.push_str(&format!(
            "Runs only when `{by}` does not: that rule reports the same defects.\n\n"
        ));
    }
    text.push_str(&render_docs(meta));
    if !meta.options.is_empty() {
        if !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&format!(
            "\n## Options\nSet under `[rules.{}]` in dblint.toml (or `[options.<pack>]` for every rule of a pack that has the option).\n\n",
            meta.id
        ));
        for spec in meta.options {
            text.push_str(&format!(
                "- `{}` ({}): {} Default: `{}`\n",
                spec.name,
                spec.kind.describe(),
                spec.doc,
                spec.default
            ));
        }
    }
    text
}

fn kind_words(meta: &RuleMeta) -> &'static str {
    match meta.kind {
        crate::rules::RuleKind::Schema => "the schema (lint and inspect)",
        crate::rules::RuleKind::Migration => "each migration statement (lint)",
        crate::rules::RuleKind::Live => "a live database (inspect)",
    }
}

/// The README's rule table (Markdown), in pack order.
pub fn rule_table() -> String {
    let mut out = String::from(
        "| rule | pack | judges | evidence | default severity | what it flags |\n|---|---|---|---|---|---|\n",
    );
    for pack in packs() {
        for pack_rule in &pack.rules {
            let Some(rule) = find(&pack_rule.id) else {
                continue;
            };
            let meta = rule.meta();
            out.push_str(&format!(
                "| `{}` | {} | {} | {} | {}{}{} | {} |\n",
                meta.id,
                pack.name,
                meta.kind.as_str(),
                meta.evidence.as_str(),
                pack_rule.severity,
                if pack_rule.enabled { "" } else { ", opt-in" },
                meta.superseded_by
                    .map(|by| format!(", only without `{by}`"))
                    .unwrap_or_default(),
                meta.summary.replace('|', "\\|")
            ));
        }
    }
    out
}

/// The category weights as `explain scoring` lists them: `Primary keys 15, …`.
pub fn weights() -> String {
    packs()
        .iter()
        .filter(|p| p.weight > 0)
        .map(|p| format!("{} {}", p.category, p.weight))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Wrap `text` at `width` columns, each line starting with `indent`.
fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::from(indent);
    for word in text.split_whitespace() {
        if line.len() + word.len() + 1 > width && line.trim() != indent.trim() {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from(indent);
        }
        if !line.ends_with(' ') && !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(line.trim_end());
    out
}

/// `dblint explain scoring`, with the weights taken from the packs.
pub fn scoring() -> String {
    let weights = wrap(
        &format!(
            "weighted mean of the category scores (weights: {}: the `weight` of each pack; packs of weight 0 are not graded)",
            weights()
        ),
        86,
        "              ",
    );
    let hygiene: Vec<&str> = packs()
        .iter()
        .filter(|p| p.hygiene && p.weight > 0)
        .map(|p| p.category.as_str())
        .collect();
    crate::score::SCORING_DOCS
        .replace("{weights}", weights.trim_start())
        .replace("{hygiene}", &hygiene.join(", "))
}

/// The commented starter `dblint.toml` of `dblint init`, listing every pack.
pub fn init_starter() -> String {
    let names: Vec<&str> = packs().iter().map(|p| p.name.as_str()).collect();
    STARTER.replace(
        "{packs}",
        wrap(&format!("{}.", names.join(", ")), 86, "# ").trim_start(),
    )
}

/// The starter text; `{packs}` is filled in from the packs ([`init_starter`]).
pub const STARTER: &str = r#"# dblint configuration. Every setting is optional; these are the defaults or examples.
# Reference: `dblint rules`, `dblint explain <rule>`, `dblint explain scoring`.

# Exit 1 when a finding has at least this severity: "error", "warning", "info" or "none".
fail_on = "error"

# Exit 1 when the overall grade is below this (uncomment to use).
# min_grade = "C"

# The Prisma major version that migrates a schema.prisma (default: the `prisma`
# dependency in package.json, else the latest): before 6, implicit many-to-many
# tables have a unique index where Prisma 6 gives them a primary key.
# prisma_version = 5

# Rule packs to run (default: all of them):
{packs}
# packs = ["keys", "foreign-keys", "indexes", "cascades", "soft-delete", "security"]

# Turn individual rules on or off.
# enable = ["text-without-length-check"]
# disable = ["mixed-case-identifier"]

# Never report objects matching these globs (schema.table, schema.table.object,
# schema.table.column).
# ignore = ["public.audit_*", "legacy.*"]

# Per-rule severity, options and ignores.
# [rules.cascade-chain]
# severity = "error"
# max_depth = 4
# ignore = ["public.tenants"]

# Options shared by a pack's rules, e.g. how your schema marks soft-deleted rows.
# [options.soft-delete]
# deleted_columns = ["deleted_at", "deletedAt"]
# active_columns = ["is_active"]

# How the migration tool sends the files under a glob, when dblint's detection
# (Prisma, golang-migrate, dbmate, Diesel, Flyway, psql) is not what you run:
# "statements" (one by one, like psql), "one-query" (the whole file as one query
# string), "transaction" (the tool wraps each file in BEGIN ... COMMIT).
# [paths."migrations/**"]
# delivery = "statements"
"#;
