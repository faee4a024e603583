//! `dblint diff`'s report: the terminal text, Markdown (a pull request or an incident)
//! and JSON (`schema_version` 1, documented in README "Validate a database against its
//! migrations"). Deterministic: changes sorted by object and path.

use crate::compare::{Change, Fact};
use crate::model::Location;
use colored::Colorize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A side as the report names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SideInfo {
    /// The path as given, or the connection's `user@host:port/dbname` (never a
    /// password).
    pub label: String,
    /// `database`, `migrations` or `schema.prisma`.
    pub kind: String,
    /// `PostgreSQL 17`, `12 file(s), 340 statement(s)`.
    pub detail: String,
}

/// One side compared with the reference.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub side: SideInfo,
    pub changes: Vec<Change>,
    /// Objects or members only one side has where the other side ran statements
    /// replay cannot follow (`DO` blocks), with those statements: they may have made
    /// them, so these are neither equal nor different (they fail the run only with
    /// `--strict-coverage`).
    pub unverifiable: Vec<(Change, Vec<Location>)>,
    /// Changes `--ignore` took out.
    pub ignored: usize,
}

/// An object dblint did not compare: a kind the model does not hold, or a statement
/// whose effect replay cannot know (`unverifiable`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotCompared {
    pub side: String,
    pub kind: String,
    /// The object's name (databases); empty for a statement (its location says where).
    pub name: String,
    pub location: Option<Location>,
    pub unverifiable: bool,
}

/// What the database's migration history says about the migrations folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryReport {
    /// `schema.table` read.
    pub table: String,
    /// The tool (`Prisma`, `Flyway`, `Diesel`, `Goose`, `SchemaMigrations`).
    pub tool: String,
    /// Migrations recorded as applied.
    pub applied: usize,
    /// Files the history does not list: not applied yet, not replayed, not drift.
    pub pending: Vec<String>,
    /// Applied migrations missing from the folder, failed, or changed after they ran.
    pub drift: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct DiffReport {
    pub history: Option<HistoryReport>,
    pub reference: SideInfo,
    pub comparisons: Vec<Comparison>,
    pub not_compared: Vec<NotCompared>,
    pub notes: Vec<String>,
    /// Column order compared (`--strict`).
    pub strict: bool,
}

fn at(location: &Option<Location>) -> String {
    location
        .as_ref()
        .map(|l| format!(" (defined at {l})"))
        .unwrap_or_default()
}

/// Where a change's expected value was defined: the first SQL-side location.
fn location_of(change: &Change) -> Option<Location> {
    match change {
        Change::Changed(d) => d
            .left
            .as_ref()
            .and_then(|f| f.location.clone())
            .or_else(|| d.right.as_ref().and_then(|f| f.location.clone())),
        Change::Only { facts, .. } => facts.values().find_map(|f| f.location.clone()),
        Change::Renamed { left, right, .. } => left.clone().or_else(|| right.clone()),
    }
}

fn describe_facts(facts: &BTreeMap<String, Fact>) -> String {
    let pick = |p: &str| facts.get(p).map(|f| f.shown.clone());
    if let Some(t) = pick("type") {
        let mut s = t;
        if pick("not_null").as_deref() == Some("true") {
            s.push_str(" NOT NULL");
        }
        return s;
    }
    if let Some(k) = pick("keys") {
        let unique = pick("unique").as_deref() == Some("true");
        let mut s = format!(
            "{}{} ({k})",
            if unique { "unique " } else { "" },
            pick("method").unwrap_or_default()
        );
        if let Some(p) = pick("predicate").filter(|p| p != "(none)") {
            let _ = write!(s, " WHERE {p}");
        }
        if pick("valid").as_deref() == Some("false") {
            s.push_str(" INVALID");
        }
        return s;
    }
    if let Some(e) = pick("expression") {
        return if pick("validated").as_deref() == Some("false") {
            format!("{e} NOT VALID")
        } else {
            e
        };
    }
    if let (Some(c), Some(r)) = (pick("columns"), pick("references")) {
        return format!("{c} → {r}");
    }
    if let Some(c) = pick("columns") {
        return c;
    }
    if let Some(v) = pick("values") {
        return v;
    }
    String::new()
}

/// One line for a change, without its object: `column total type: a ≠ b`.
fn line(change: &Change, reference: &str, side: &str) -> (char, String) {
    let (mark, text) = line_text(change, reference, side);
    (mark, one_line(&text))
}

fn line_text(change: &Change, reference: &str, side: &str) -> (char, String) {
    match change {
        Change::Only {
            member,
            left,
            facts,
            object,
        } => {
            let what = if member.is_empty() { object } else { member };
            let owner = if *left { reference } else { side };
            let detail = describe_facts(facts);
            let detail = if detail.is_empty() {
                String::new()
            } else {
                format!(" [{detail}]")
            };
            (
                if *left { '-' } else { '+' },
                format!("{what}{detail}: only in {owner}"),
            )
        }
        Change::Renamed {
            kind,
            from,
            to,
            default_name,
            ..
        } => (
            '>',
            format!(
                "{kind} {from} ({reference}) is named {to} in {side}, nothing else differs{}",
                if *default_name {
                    " (one of the names is PostgreSQL's default)"
                } else {
                    ""
                }
            ),
        ),
        Change::Changed(d) => {
            let shown = |f: &Option<Fact>| {
                f.as_ref()
                    .map(|f| f.shown.clone())
                    .unwrap_or_else(|| "(absent)".into())
            };
            let what = [d.key.member.as_str(), d.key.property.as_str()]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" ");
            let what = enum_order_note(d, reference, side)
                .map_or(what.clone(), |n| format!("{what} ({n})"));
            (
                '~',
                format!(
                    "{what}: {} ({reference}) ≠ {} ({side})",
                    shown(&d.left),
                    shown(&d.right)
                ),
            )
        }
    }
}

/// For an enum's values: which labels were added, removed or moved.
fn enum_order_note(d: &crate::compare::Difference, reference: &str, side: &str) -> Option<String> {
    if !d.key.object.starts_with("enum ") || d.key.property != "values" {
        return None;
    }
    let parse = |f: &Option<Fact>| -> Vec<String> {
        f.as_ref()
            .map(|f| {
                f.value
                    .trim_matches(|c| c == '(' || c == ')')
                    .split(", ")
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    let (a, b) = (parse(&d.left), parse(&d.right));
    let mut notes = Vec::new();
    for v in a.iter().filter(|v| !b.contains(v)) {
        notes.push(format!("{v} only in {reference}"));
    }
    for v in b.iter().filter(|v| !a.contains(v)) {
        notes.push(format!("{v} only in {side}"));
    }
    let common_a: Vec<&String> = a.iter().filter(|v| b.contains(v)).collect();
    let common_b: Vec<&String> = b.iter().filter(|v| a.contains(v)).collect();
    if common_a != common_b {
        notes.push("order differs".into());
    } else if a.iter().all(|v| b.contains(v)) && b.iter().all(|v| a.contains(v)) {
        notes.push("same labels".into());
    }
    (!notes.is_empty()).then(|| notes.join("; "))
}

/// Counts of not-compared objects by side and kind.
fn not_compared_counts(report: &DiffReport) -> BTreeMap<(String, String), usize> {
    let mut counts = BTreeMap::new();
    for n in &report.not_compared {
        *counts.entry((n.side.clone(), n.kind.clone())).or_insert(0) += 1;
    }
    counts
}

fn object_groups(changes: &[Change]) -> BTreeMap<&str, Vec<&Change>> {
    let mut groups: BTreeMap<&str, Vec<&Change>> = BTreeMap::new();
    for c in changes {
        groups.entry(c.object()).or_default().push(c);
    }
    groups
}

/// How a change's line names the two sides: by kind (`database`, `migrations`) when
/// that tells them apart, else by label.
fn short_names<'a>(reference: &'a SideInfo, side: &'a SideInfo) -> (&'a str, &'a str) {
    if reference.kind != side.kind {
        (&reference.kind, &side.kind)
    } else {
        (&reference.label, &side.label)
    }
}

/// The terminal report.
pub fn human(report: &DiffReport, color: bool) -> String {
    colored::control::set_override(color);
    let mut out = String::new();
    let reference = &report.reference.label;
    let _ = writeln!(
        out,
        "{} {} ({}, {})",
        "reference:".bold(),
        reference,
        report.reference.kind,
        report.reference.detail
    );
    if let Some(h) = &report.history {
        let _ = writeln!(
            out,
            "{} {} ({}): {} applied, {} pending{}",
            "migration history:".bold(),
            h.table,
            h.tool,
            h.applied,
            h.pending.len(),
            if h.drift.is_empty() {
                String::new()
            } else {
                format!(", {} history difference(s)", h.drift.len())
                    .red()
                    .to_string()
            }
        );
        for p in &h.pending {
            let _ = writeln!(out, "  pending: {p}");
        }
        for d in &h.drift {
            let _ = writeln!(out, "  ! {d}");
        }
    }
    for c in &report.comparisons {
        let side = &c.side.label;
        let _ = writeln!(out);
        let objects = object_groups(&c.changes);
        let headline = if c.changes.is_empty() && c.unverifiable.is_empty() {
            format!("{side} ({}, {}): equal", c.side.kind, c.side.detail)
                .green()
                .bold()
        } else if c.changes.is_empty() {
            format!(
                "{side} ({}, {}): no difference, {} unverifiable",
                c.side.kind,
                c.side.detail,
                c.unverifiable.len()
            )
            .yellow()
            .bold()
        } else {
            format!(
                "{side} ({}, {}): {} difference(s) in {} object(s)",
                c.side.kind,
                c.side.detail,
                c.changes.len(),
                objects.len()
            )
            .red()
            .bold()
        };
        let _ = writeln!(out, "{headline}");
        if c.ignored > 0 {
            let _ = writeln!(out, "  {} more left out by --ignore", c.ignored);
        }
        let (ref_name, side_name) = short_names(&report.reference, &c.side);
        for (change, from) in &c.unverifiable {
            let (_, text) = line(change, ref_name, side_name);
            let _ = writeln!(
                out,
                "  ? {}: {text}; possibly made by {}",
                change.object(),
                from.iter()
                    .map(|l| l.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        for (object, changes) in objects {
            let _ = writeln!(out, "  {}", object.bold());
            for change in changes {
                let (mark, text) = line(change, ref_name, side_name);
                let tag = match change.group() {
                    "structure" => String::new(),
                    g => format!("[{g}] "),
                };
                let _ = writeln!(
                    out,
                    "    {mark} {tag}{text}{}",
                    at(&location_of(change)).dimmed()
                );
            }
        }
    }
    let counts = not_compared_counts(report);
    if !counts.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "{}", "not compared:".bold());
        for ((side, kind), n) in &counts {
            let _ = writeln!(out, "  {side}: {n} × {kind}");
        }
        for n in report.not_compared.iter().filter(|n| n.unverifiable) {
            let _ = writeln!(
                out,
                "  {}: {}{}",
                n.location
                    .as_ref()
                    .map(|l| l.to_string())
                    .unwrap_or_else(|| n.side.clone()),
                n.kind,
                if n.name.is_empty() {
                    String::new()
                } else {
                    format!(": {}", n.name)
                }
            );
        }
    }
    for note in &report.notes {
        let _ = writeln!(out, "note: {note}");
    }
    if !report.strict {
        let _ = writeln!(
            out,
            "note: column order is not compared (--strict compares it)"
        );
    }
    colored::control::unset_override();
    out
}

/// One Markdown list item per unverifiable change, each after `lead`.
fn unverifiable_markdown(
    out: &mut String,
    unverifiable: &[(Change, Vec<Location>)],
    reference: &str,
    side: &str,
    lead: &str,
) {
    for (change, from) in unverifiable {
        let (_, text) = line(change, reference, side);
        let _ = writeln!(
            out,
            "{lead}- unverifiable: `{}` {}; possibly made by {}",
            escape_md(change.object()),
            escape_md(&text),
            from.iter()
                .map(|l| format!("`{}`", escape_md(&l.to_string())))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
}

/// Text safe in a Markdown table cell: Markdown's own characters escaped, HTML
/// brackets as entities, one line.
fn escape_md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in one_line(s).chars() {
        match ch {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '|' | '[' | ']' | '#' | '~' => {
                out.push('\\');
                out.push(ch);
            }
            _ => out.push(ch),
        }
    }
    out
}

/// Runs of white space (line breaks in an expression or a comment) as one space.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Markdown: a table of changes per side.
pub fn markdown(report: &DiffReport) -> String {
    let mut out = String::new();
    let reference = &report.reference.label;
    let _ = writeln!(
        out,
        "## dblint diff\n\nReference: `{}` ({}, {})\n",
        escape_md(reference),
        report.reference.kind,
        report.reference.detail
    );
    if let Some(h) = &report.history {
        let _ = writeln!(
            out,
            "Migration history `{}` ({}): {} applied, {} pending.\n",
            escape_md(&h.table),
            h.tool,
            h.applied,
            h.pending.len()
        );
        for d in &h.drift {
            let _ = writeln!(out, "- history: {}", escape_md(d));
        }
        if !h.drift.is_empty() {
            let _ = writeln!(out);
        }
    }
    for c in &report.comparisons {
        let side = &c.side.label;
        let (ref_name, side_name) = short_names(&report.reference, &c.side);
        if c.changes.is_empty() {
            let _ = writeln!(
                out,
                "### `{}` ({}): {}\n",
                escape_md(side),
                c.side.kind,
                if c.unverifiable.is_empty() {
                    "equal".to_string()
                } else {
                    format!("no difference, {} unverifiable", c.unverifiable.len())
                }
            );
            unverifiable_markdown(&mut out, &c.unverifiable, ref_name, side_name, "");
            let _ = writeln!(out);
            continue;
        }
        let _ = writeln!(
            out,
            "### `{}` ({}): {} difference(s)\n\n| object | change | defined at |\n|---|---|---|",
            escape_md(side),
            c.side.kind,
            c.changes.len()
        );
        for change in &c.changes {
            let (mark, text) = line(change, ref_name, side_name);
            let _ = writeln!(
                out,
                "| `{}` | {mark} {} | {} |",
                escape_md(change.object()),
                escape_md(&text),
                location_of(change)
                    .map(|l| format!("`{}`", escape_md(&l.to_string())))
                    .unwrap_or_default()
            );
        }
        if c.ignored > 0 {
            let _ = writeln!(out, "\n{} more left out by `--ignore`.", c.ignored);
        }
        unverifiable_markdown(&mut out, &c.unverifiable, ref_name, side_name, "\n");
        let _ = writeln!(out);
    }
    let counts = not_compared_counts(report);
    if !counts.is_empty() {
        let _ = writeln!(out, "**Not compared**\n");
        for ((side, kind), n) in &counts {
            let _ = writeln!(out, "- `{}`: {n} × {}", escape_md(side), escape_md(kind));
        }
        let _ = writeln!(out);
    }
    for note in &report.notes {
        let _ = writeln!(out, "_{}_  ", escape_md(note));
    }
    out
}

fn fact_json(f: &Option<Fact>) -> Value {
    match f {
        Some(f) => json!({
            "value": f.shown,
            "location": f.location.as_ref().map(|l| l.to_string()),
        }),
        None => Value::Null,
    }
}

fn change_json(change: &Change) -> Value {
    match change {
        Change::Only {
            object,
            member,
            left,
            facts,
        } => json!({
            "kind": if *left { "only_in_reference" } else { "only_in_side" },
            "group": change.group(),
            "path": change.path(),
            "object": object,
            "member": member,
            "facts": facts.iter().map(|(k, f)| (k.clone(), Value::String(f.shown.clone()))).collect::<serde_json::Map<_, _>>(),
            "location": location_of(change).map(|l| l.to_string()),
        }),
        Change::Renamed {
            object,
            kind,
            from,
            to,
            left,
            right,
            default_name,
        } => json!({
            "kind": "renamed",
            "group": change.group(),
            "path": change.path(),
            "object": object,
            "member_kind": kind,
            "from": from,
            "to": to,
            "default_name": default_name,
            "reference_location": left.as_ref().map(|l| l.to_string()),
            "side_location": right.as_ref().map(|l| l.to_string()),
        }),
        Change::Changed(d) => json!({
            "kind": "changed",
            "group": change.group(),
            "path": change.path(),
            "object": d.key.object,
            "member": d.key.member,
            "property": d.key.property,
            "reference": fact_json(&d.left),
            "side": fact_json(&d.right),
        }),
    }
}

fn side_json(s: &SideInfo) -> Value {
    json!({"label": s.label, "kind": s.kind, "detail": s.detail})
}

/// JSON, `schema_version` 1.
pub fn json(report: &DiffReport) -> String {
    let value = json!({
        "dblint_version": env!("CARGO_PKG_VERSION"),
        "schema_version": 1,
        "equal": report.comparisons.iter().all(|c| c.changes.is_empty()),
        "reference": side_json(&report.reference),
        "column_order_compared": report.strict,
        "comparisons": report.comparisons.iter().map(|c| json!({
            "side": side_json(&c.side),
            "equal": c.changes.is_empty(),
            "ignored": c.ignored,
            "changes": c.changes.iter().map(change_json).collect::<Vec<_>>(),
            "unverifiable": c.unverifiable.iter().map(|(change, from)| {
                let mut v = change_json(change);
                v["possibly_from"] = json!(from.iter().map(|l| l.to_string()).collect::<Vec<_>>());
                v
            }).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "not_compared": report.not_compared.iter().map(|n| json!({
            "side": n.side,
            "kind": n.kind,
            "name": n.name,
            "location": n.location.as_ref().map(|l| l.to_string()),
            "unverifiable": n.unverifiable,
        })).collect::<Vec<_>>(),
        "notes": report.notes,
        "history": report.history.as_ref().map(|h| json!({
            "table": h.table,
            "tool": h.tool,
            "applied": h.applied,
            "pending": h.pending,
            "drift": h.drift,
        })),
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}
