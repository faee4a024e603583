//! `--format html`: the scorecard as one self-contained page, with an ER diagram of
//! the schema's hazards.
//!
//! The page is plain HTML first (scorecard, per-table status, findings by rule with
//! their fixes, help and `explain` text): it reads correctly with JavaScript off.
//! The diagram is an enhancement drawn in the browser from a JSON data island
//! (`script#dblint-data`) by `html/page.js`, laid out by elkjs (vendored unmodified
//! in `vendor/elkjs/`, run in a Blob Web Worker). Everything is inlined: the page
//! makes no network request and declares a Content-Security-Policy that forbids
//! every fetch.
//!
//! Identifiers are attacker-controlled text (a quoted identifier may hold
//! `</script>`): this module escapes every text it writes into HTML ([`escape`]) and
//! into the island ([`island_json`]); the script builds DOM nodes with
//! `textContent` and `setAttribute`, never from HTML text.
//!
//! What the diagram draws by default ([`focus`]): tables with findings, worst first,
//! then their foreign-key neighbours, at most [`CAP`] tables; the rest on demand.
//! Partitions are not drawn (their parent is).

use super::{counted, Report};
use crate::finding::Finding;
use crate::model::{Database, FkAction, QualifiedName, Table};
use crate::score::TableState;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// The elkjs release vendored in `vendor/elkjs/`.
pub const ELK_VERSION: &str = "0.12.1";
const ELK_API: &str = include_str!("../../vendor/elkjs/elk-api.js");
const ELK_WORKER: &str = include_str!("../../vendor/elkjs/elk-worker.min.js");
const SCRIPT: &str = include_str!("html/page.js");
const STYLE: &str = include_str!("html/page.css");

/// Tables the diagram draws before the reader asks for more: elkjs lays out 150
/// tables in about 2-4 s on a 2-core machine (`../shared/design/ecosystem.md` §1.2).
pub const CAP: usize = 150;

/// No fetch of any kind; inline scripts and styles, the layout worker from a Blob.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'unsafe-inline'; worker-src blob:; style-src 'unsafe-inline'; img-src data:";

/// The schema the diagram draws, with the rules that ran (their options say which
/// columns mark soft-deleted rows).
#[derive(Clone, Copy)]
pub struct Picture<'a> {
    pub db: &'a Database,
    pub plan: &'a crate::engine::Plan,
}

/// `text` with `&`, `<`, `>`, `"` and `'` as character references, and control
/// characters spelled out (`\u{1b}`), for element content and quoted attributes.
pub fn escape(text: &str) -> String {
    let text = super::printable(text, true);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `value` as JSON that can sit inside `<script type="application/json">`: `<`, `>`
/// and `&` (only ever inside JSON strings) as `\u003c`-style escapes, so no text can
/// close the element or open a comment; U+2028 and U+2029 escaped too.
pub fn island_json<T: Serialize>(value: &T) -> String {
    let json = serde_json::to_string(value).expect("the island serializes");
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[derive(Serialize)]
struct Island {
    tables: Vec<IslandTable>,
    edges: Vec<Edge>,
    /// Indices into `tables`: what the diagram draws first.
    focus: Vec<usize>,
    cap: usize,
}

#[derive(Serialize)]
struct IslandTable {
    /// `schema.table`, as the JSON report names it.
    name: String,
    partition_of: Option<String>,
    /// The scorecard's status and counts (schema findings; the JSON report's).
    status: TableState,
    error: usize,
    warning: usize,
    info: usize,
    /// Listed findings on it outside the scorecard (migration review's).
    outside: usize,
    /// Findings on its partitions (a partitioned table's node lists them too).
    in_partitions: usize,
    /// The column whose value marks a soft-deleted row, if the table has one.
    soft_delete: Option<String>,
    columns: Vec<IslandColumn>,
    /// Indices into the report's findings (`li#f-N`), the table's own, then its
    /// partitions'.
    findings: Vec<usize>,
    /// Index of its row in `#tables` (`tr#t-N`).
    row: Option<usize>,
}

#[derive(Serialize)]
struct IslandColumn {
    name: String,
    #[serde(rename = "type")]
    data_type: String,
    not_null: bool,
    /// In the primary key.
    pk: bool,
    /// In a foreign key of this table.
    fk: bool,
    /// Referenced by a foreign key (of any table).
    referenced: bool,
    /// In a foreign key that `fk-missing-index` reports without any index (a
    /// partly indexed one marks its edge only).
    unindexed: bool,
}

#[derive(Serialize)]
struct Edge {
    /// Indices into `tables`: the referencing table, the referenced one.
    from: usize,
    to: usize,
    name: String,
    columns: Vec<String>,
    ref_columns: Vec<String>,
    /// `cascade`, `set-null`, `set-default`, `restrict` or `no-action`.
    on_delete: &'static str,
    /// `fk-missing-index` reports it (unindexed or partly indexed).
    unindexed: bool,
    /// Partly indexed: an index serves its leading columns only.
    partly: bool,
    /// How many foreign keys this edge stands for: those declared on each partition
    /// of a table are drawn once, from the partitioned table.
    count: usize,
    /// How many of those `fk-missing-index` reports.
    reported: usize,
    /// The partition it is declared on, when it is not the drawn table's own (the
    /// first such partition).
    declared_on: Option<String>,
}

/// What makes two foreign keys one edge: referencing and referenced node, columns on
/// both sides, ON DELETE action.
type EdgeKey = (usize, usize, Vec<String>, Vec<String>, &'static str);

fn action(a: FkAction) -> &'static str {
    match a {
        FkAction::Cascade => "cascade",
        FkAction::SetNull => "set-null",
        FkAction::SetDefault => "set-default",
        FkAction::Restrict => "restrict",
        FkAction::NoAction => "no-action",
    }
}

/// The soft-delete options the soft-delete pack's rules run with (`[options.soft-delete]`
/// in dblint.toml); another pack's rule that reads them keeps its own settings, so it
/// is asked only when that pack did not run.
fn soft_delete_options(plan: &crate::engine::Plan) -> crate::rules::RuleOptions {
    use crate::rules::analysis::{ACTIVE_COLUMNS, DELETED_COLUMNS};
    let reads = |r: &&crate::engine::ActiveRule| {
        r.rule
            .meta()
            .options
            .iter()
            .any(|o| o.name == DELETED_COLUMNS.name)
    };
    plan.rules
        .iter()
        .filter(reads)
        .find(|r| r.pack.name == "soft-delete")
        .or_else(|| plan.rules.iter().find(reads))
        .map(|r| r.options.clone())
        .unwrap_or_else(|| {
            crate::rules::RuleOptions::resolve(
                &[DELETED_COLUMNS, ACTIVE_COLUMNS],
                &toml::Table::new(),
            )
        })
}

/// The island: tables (every one of the report's, and the model's), foreign keys
/// between them, and the default view.
fn island(report: &Report, picture: Option<Picture>) -> Island {
    // Every table the scorecard lists, then any other the model holds; keyed by
    // schema and name (a printed `a.b.c` can name two tables).
    let mut index: BTreeMap<QualifiedName, usize> = BTreeMap::new();
    let mut tables: Vec<IslandTable> = Vec::new();
    let mut add = |name: &QualifiedName, tables: &mut Vec<IslandTable>| -> usize {
        *index.entry(name.clone()).or_insert_with(|| {
            tables.push(IslandTable {
                name: name.to_string(),
                partition_of: None,
                status: TableState::Ok,
                error: 0,
                warning: 0,
                info: 0,
                outside: 0,
                in_partitions: 0,
                soft_delete: None,
                columns: Vec::new(),
                findings: Vec::new(),
                row: None,
            });
            tables.len() - 1
        })
    };
    for (row, t) in report.scorecard.tables.iter().enumerate() {
        let i = add(&t.table, &mut tables);
        let entry = &mut tables[i];
        entry.status = t.status;
        entry.error = t.findings.error;
        entry.warning = t.findings.warning;
        entry.info = t.findings.info;
        entry.row = Some(row);
    }
    let mut model_tables: Vec<Option<&Table>> = Vec::new();
    if let Some(p) = picture {
        for t in p.db.tables.values() {
            let i = add(&t.name, &mut tables);
            if model_tables.len() <= i {
                model_tables.resize(i + 1, None);
            }
            model_tables[i] = Some(t);
        }
    }
    model_tables.resize(tables.len(), None);
    let options = picture.map(|p| soft_delete_options(p.plan));
    // Foreign keys `fk-missing-index` reports: (table, constraint) → partly indexed.
    let mut unindexed: BTreeMap<(&QualifiedName, &str), bool> = BTreeMap::new();
    for f in report
        .findings
        .iter()
        .filter(|f| f.rule == "fk-missing-index")
    {
        let (Some(table), Some(object)) = (&f.table, f.object.as_deref()) else {
            continue;
        };
        let partly = object.ends_with(".partly-indexed");
        let name = object.strip_suffix(".partly-indexed").unwrap_or(object);
        let state = unindexed.entry((table, name)).or_insert(partly);
        *state = *state && partly;
    }
    // The drawn node of a table: its root partitioned table, or itself.
    let mut parent: Vec<Option<usize>> = vec![None; tables.len()];
    for (i, t) in model_tables.iter().enumerate() {
        if let Some(of) = t.and_then(|t| t.partition_of.as_ref()) {
            parent[i] = index.get(of).copied();
            tables[i].partition_of = Some(of.to_string());
        }
    }
    let node = |mut i: usize| {
        for _ in 0..64 {
            match parent[i] {
                Some(p) if p != i => i = p,
                _ => break,
            }
        }
        i
    };
    for (k, f) in report.findings.iter().enumerate() {
        let Some(i) = f.table.as_ref().and_then(|t| index.get(t).copied()) else {
            continue;
        };
        let outside = !super::graded(report, f);
        tables[i].findings.push(k);
        tables[i].outside += usize::from(outside);
        let root = node(i);
        if root != i {
            tables[root].findings.push(k);
            tables[root].in_partitions += 1;
        }
    }
    // Edges between drawn nodes. A partition's foreign keys are drawn from its root
    // (pg_dump declares them on each partition), one edge per distinct key.
    let mut edges: Vec<Edge> = Vec::new();
    let mut seen: BTreeMap<EdgeKey, usize> = BTreeMap::new();
    let mut fk_columns: Vec<BTreeSet<String>> = vec![BTreeSet::new(); tables.len()];
    let mut bare_columns: Vec<BTreeSet<String>> = vec![BTreeSet::new(); tables.len()];
    let mut referenced: Vec<BTreeSet<String>> = vec![BTreeSet::new(); tables.len()];
    for (i, t) in model_tables.iter().enumerate() {
        let Some(t) = t else { continue };
        let from = node(i);
        for fk in &t.foreign_keys {
            let Some(to) = index.get(&fk.references).copied().map(node) else {
                continue;
            };
            let columns: Vec<String> = fk.columns.iter().map(|c| c.to_string()).collect();
            let ref_columns: Vec<String> = fk
                .referenced_columns
                .iter()
                .map(|c| c.to_string())
                .collect();
            let state = unindexed.get(&(&t.name, fk.name.as_str())).copied();
            fk_columns[from].extend(columns.iter().cloned());
            referenced[to].extend(ref_columns.iter().cloned());
            if state == Some(false) {
                bare_columns[from].extend(columns.iter().cloned());
            }
            let on_delete = action(fk.on_delete);
            let key = (from, to, columns.clone(), ref_columns.clone(), on_delete);
            let e = *seen.entry(key).or_insert_with(|| {
                edges.push(Edge {
                    from,
                    to,
                    name: fk.name.to_string(),
                    columns,
                    ref_columns,
                    on_delete,
                    unindexed: false,
                    partly: true,
                    count: 0,
                    reported: 0,
                    declared_on: (from != i).then(|| t.name.to_string()),
                });
                edges.len() - 1
            });
            let edge = &mut edges[e];
            edge.count += 1;
            edge.reported += usize::from(state.is_some());
            // Partly indexed only when every reported declaration is partly indexed.
            edge.partly &= state != Some(false);
        }
    }
    for (i, t) in model_tables.iter().enumerate() {
        let Some(t) = t else { continue };
        let pk: BTreeSet<&str> = t
            .primary_key
            .iter()
            .flat_map(|k| k.columns.iter().map(|c| c.as_str()))
            .collect();
        tables[i].soft_delete = options
            .as_ref()
            .and_then(|o| crate::rules::analysis::soft_delete(t, o))
            .map(|s| s.column().name.to_string());
        tables[i].columns = t
            .columns
            .iter()
            .map(|c| IslandColumn {
                name: c.name.to_string(),
                data_type: c.data_type.to_string(),
                not_null: c.not_null,
                pk: pk.contains(c.name.as_str()),
                fk: fk_columns[i].contains(c.name.as_str()),
                referenced: referenced[i].contains(c.name.as_str()),
                unindexed: bare_columns[i].contains(c.name.as_str()),
            })
            .collect();
    }
    for e in &mut edges {
        e.unindexed = e.reported > 0;
        e.partly &= e.unindexed;
    }
    let focus = focus(&tables, &edges, CAP);
    Island {
        tables,
        edges,
        focus,
        cap: CAP,
    }
}

/// The default view, at most `cap` tables (sorted indices; partitions are never
/// drawn). Tables with findings (their own or their partitions'), most errors
/// first, then warnings, then findings, then by name, fill up to two thirds of it;
/// their foreign-key neighbours come next, those linked to most of the chosen tables
/// first (a hub many of them reference is drawn); what room is left goes to further
/// tables with findings, then to the other tables by name.
fn focus(tables: &[IslandTable], edges: &[Edge], cap: usize) -> Vec<usize> {
    let drawn = |i: usize| tables[i].partition_of.is_none();
    let mut flagged: Vec<usize> = (0..tables.len())
        .filter(|&i| drawn(i) && !tables[i].findings.is_empty())
        .collect();
    let weight = |i: usize| (tables[i].error, tables[i].warning, tables[i].findings.len());
    flagged.sort_by(|&a, &b| {
        weight(b)
            .cmp(&weight(a))
            .then_with(|| tables[a].name.cmp(&tables[b].name))
    });
    let mut chosen: BTreeSet<usize> = BTreeSet::new();
    chosen.extend(flagged.iter().copied().take(cap * 2 / 3));
    let mut links: BTreeMap<usize, usize> = BTreeMap::new();
    for e in edges {
        for (a, b) in [(e.from, e.to), (e.to, e.from)] {
            if chosen.contains(&a) && !chosen.contains(&b) && drawn(b) {
                *links.entry(b).or_default() += 1;
            }
        }
    }
    let mut neighbours: Vec<(usize, usize)> = links.into_iter().collect();
    neighbours.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| weight(b.0).cmp(&weight(a.0)))
            .then_with(|| tables[a.0].name.cmp(&tables[b.0].name))
    });
    for (n, _) in neighbours {
        if chosen.len() >= cap {
            break;
        }
        chosen.insert(n);
    }
    let mut rest: Vec<usize> = (0..tables.len())
        .filter(|&i| drawn(i) && tables[i].findings.is_empty())
        .collect();
    rest.sort_by(|&a, &b| tables[a].name.cmp(&tables[b].name));
    for i in flagged.iter().copied().chain(rest) {
        if chosen.len() >= cap {
            break;
        }
        chosen.insert(i);
    }
    chosen.into_iter().collect()
}

/// Rules in the order the page lists them: worst severity first, then by id.
fn by_rule(findings: &[Finding]) -> Vec<(&'static str, Vec<usize>)> {
    let mut rules: BTreeMap<&'static str, Vec<usize>> = BTreeMap::new();
    for (i, f) in findings.iter().enumerate() {
        rules.entry(f.rule).or_default().push(i);
    }
    let worst = |list: &Vec<usize>| list.iter().map(|&i| findings[i].severity).max();
    let mut out: Vec<(&'static str, Vec<usize>)> = rules.into_iter().collect();
    out.sort_by(|a, b| worst(&b.1).cmp(&worst(&a.1)).then(a.0.cmp(b.0)));
    out
}

/// Write the page for `report`; `picture` is the schema the diagram draws (`None`:
/// the page has the scorecard and findings only).
pub fn write(
    report: &Report,
    picture: Option<Picture>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    out.write_all(render(report, picture).as_bytes())
}

/// The page as a string (see [`write`]).
pub fn render(report: &Report, picture: Option<Picture>) -> String {
    let s = report.scorecard;
    let island = island(report, picture);
    let rows: BTreeMap<&QualifiedName, usize> = s
        .tables
        .iter()
        .enumerate()
        .map(|(i, t)| (&t.table, i))
        .collect();
    let mut h = String::with_capacity(ELK_WORKER.len() + 64 * 1024);
    let grade = s.grade.as_str();
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CONTENT_SECURITY_POLICY}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"dblint {}\">\n\
         <title>dblint: {} — {grade}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n",
        env!("CARGO_PKG_VERSION"),
        escape(&report.source),
    );
    // The scorecard.
    let counts = super::counts(report.findings);
    // The Markdown verdict without its emoji (the page colours it instead).
    let verdict = super::markdown::verdict(report)
        .trim_start_matches(['✅', '❌', ' '])
        .to_string();
    let verdict_class = if verdict.starts_with("gate passes") {
        "pass"
    } else if verdict.starts_with("gate fails") {
        "fail"
    } else {
        "unjudged"
    };
    let _ = write!(
        h,
        "<header>\n<h1>dblint report</h1>\n<p class=\"source\">{}</p>\n</header>\n\
         <main>\n<section id=\"scorecard\">\n\
         <div class=\"grade grade-{}\"><span id=\"grade\">{grade}</span>\
         <span class=\"score\"><span id=\"overall\">{}</span>/100</span></div>\n\
         <p id=\"verdict\" class=\"{}\">{}</p>\n",
        escape(&report.source),
        grade.chars().next().unwrap_or('F').to_ascii_lowercase(),
        s.overall,
        verdict_class,
        escape(&verdict),
    );
    if let Some(held) = &s.held_by {
        let _ = writeln!(
            h,
            "<p class=\"held\">{}</p>",
            escape(&super::held_line(held))
        );
    }
    for line in [
        report.review.map(str::to_string),
        report.scope.map(|sc| format!("Judged: {}", sc.against())),
        report.scope.and_then(|sc| sc.already_line()),
        report.hint.map(str::to_string),
    ]
    .into_iter()
    .flatten()
    {
        let _ = writeln!(h, "<p class=\"note\">{}</p>", escape(&line));
    }
    let _ = write!(
        h,
        "<ul class=\"counts\">\n\
         <li><span id=\"count-tables\">{}</span> tables</li>\n\
         <li class=\"sev-error\"><span id=\"count-error\">{}</span> errors</li>\n\
         <li class=\"sev-warning\"><span id=\"count-warning\">{}</span> warnings</li>\n\
         <li class=\"sev-info\"><span id=\"count-info\">{}</span> info</li>\n\
         <li><span id=\"count-suppressed\">{}</span> suppressed</li>\n</ul>\n",
        s.tables.len(),
        counts.error,
        counts.warning,
        counts.info,
        report.suppressed,
    );
    for line in super::outside_scorecard(report) {
        let _ = writeln!(
            h,
            "<p class=\"note outside\">Of these, {}</p>",
            escape(&line)
        );
    }
    let _ = write!(
        h,
        "<table id=\"categories\">\n<thead><tr><th>Category</th><th>Score</th><th>Grade</th>\
         <th>Errors</th><th>Warnings</th><th>Info</th></tr></thead>\n<tbody>\n"
    );
    for c in &s.categories {
        let _ = writeln!(
            h,
            "<tr><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&c.name),
            if c.hygiene {
                " <small>(hygiene)</small>"
            } else {
                ""
            },
            c.score,
            c.grade.as_str(),
            c.findings.error,
            c.findings.warning,
            c.findings.info
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
    // The diagram: filled by the script.
    h.push_str(
        "<section id=\"diagram-section\">\n<h2>Schema diagram</h2>\n\
         <div class=\"toolbar\">\
         <input id=\"search\" type=\"search\" list=\"table-names\" placeholder=\"Find a table…\" autocomplete=\"off\">\
         <datalist id=\"table-names\"></datalist>\
         <button id=\"expand\" type=\"button\" disabled>Expand neighbours</button>\
         <button id=\"show-more\" type=\"button\" hidden>Show more</button>\
         <button id=\"show-all\" type=\"button\">Show all</button>\
         <button id=\"fit\" type=\"button\">Fit</button>\
         <span id=\"diagram-status\" role=\"status\"></span></div>\n\
         <div class=\"diagram-wrap\"><div id=\"diagram\" data-layout=\"pending\">\
         <noscript><p>The diagram needs JavaScript; the tables and findings below do not.</p></noscript></div>\n\
         <aside id=\"panel\"><p class=\"hint\">Click a table to see its findings.</p></aside></div>\n\
         <ul class=\"legend\">\
         <li><span class=\"key box-error\"></span>table with errors</li>\
         <li><span class=\"key box-warning\"></span>table with warnings or info findings</li>\
         <li><span class=\"key box-soft\"></span>soft-delete table (⌫)</li>\
         <li><span class=\"key edge-unindexed\"></span>foreign key without an index (or only partly indexed)</li>\
         <li><span class=\"key edge-cascade\"></span>ON DELETE CASCADE</li>\
         <li><span class=\"key edge-setnull\"></span>ON DELETE SET NULL / SET DEFAULT</li>\
         <li><span class=\"key edge-restrict\"></span>NO ACTION / RESTRICT</li>\
         <li><span class=\"key edge-path\"></span>where a DELETE on the selected table cascades</li></ul>\n\
         </section>\n",
    );
    // Per-table status.
    let _ = write!(
        h,
        "<section id=\"tables-section\">\n<h2>Tables</h2>\n<table id=\"tables\">\n\
         <thead><tr><th>Table</th><th>Status</th><th>Errors</th><th>Warnings</th><th>Info</th></tr></thead>\n<tbody>\n"
    );
    for (i, t) in s.tables.iter().enumerate() {
        let name = escape(&t.table.to_string());
        let status = t.status.as_str();
        let _ = writeln!(
            h,
            "<tr id=\"t-{i}\" class=\"status-{status}\" data-table=\"{name}\" data-status=\"{status}\" \
             data-error=\"{}\" data-warning=\"{}\" data-info=\"{}\"><td>{name}</td><td>{status}</td>\
             <td>{}</td><td>{}</td><td>{}</td></tr>",
            t.findings.error,
            t.findings.warning,
            t.findings.info,
            t.findings.error,
            t.findings.warning,
            t.findings.info,
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
    // Findings by rule.
    let _ = writeln!(
        h,
        "<section id=\"findings\">\n<h2>Findings ({})</h2>",
        report.findings.len()
    );
    for (rule, list) in by_rule(report.findings) {
        let meta = crate::rules::find(rule).map(|r| r.meta());
        let _ = write!(
            h,
            "<section class=\"rule\" id=\"rule-{}\">\n<h3><code>{}</code> {} <small>({})</small></h3>\n",
            escape(rule),
            escape(rule),
            escape(meta.map_or("", |m| m.summary)),
            counted(list.len(), "finding"),
        );
        if let Some(m) = meta {
            let _ = writeln!(
                h,
                "<details class=\"explain\" id=\"explain-{}\"><summary>dblint explain {}</summary><pre>{}</pre></details>",
                escape(rule),
                escape(rule),
                escape(m.docs.trim())
            );
        }
        h.push_str("<ul>\n");
        for i in list {
            finding_item(&mut h, i, &report.findings[i], &rows);
        }
        h.push_str("</ul>\n</section>\n");
    }
    h.push_str("</section>\n");
    if !report.diagnostics.is_empty() {
        h.push_str("<section id=\"diagnostics\">\n<h2>Input diagnostics</h2>\n<ul>\n");
        for d in report.diagnostics {
            let _ = writeln!(h, "<li>{}</li>", escape(&d.to_string()));
        }
        h.push_str("</ul>\n</section>\n");
    }
    let _ = write!(
        h,
        "</main>\n<footer id=\"notices\">\n<p>Made by dblint {}. The diagram is laid out by \
         elkjs {ELK_VERSION} (Kiel University and others, <code>https://github.com/kieler/elkjs</code>), \
         embedded unmodified under the Eclipse Public License 2.0 \
         (<code>https://www.eclipse.org/legal/epl-2.0/</code>); dblint itself is MIT-licensed.</p>\n</footer>\n",
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(
        h,
        "<script type=\"application/json\" id=\"dblint-data\">{}</script>",
        island_json(&island)
    );
    let _ = write!(
        h,
        "<script type=\"text/plain\" id=\"elk-worker\">{ELK_WORKER}</script>\n\
         <script>{ELK_API}</script>\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
    );
    h
}

/// One finding as `li.finding#f-N`, linked to its table's row and its rule's
/// `explain` text.
fn finding_item(h: &mut String, i: usize, f: &Finding, rows: &BTreeMap<&QualifiedName, usize>) {
    let sev = f.severity.as_str();
    let _ = write!(
        h,
        "<li class=\"finding sev-{sev}\" id=\"f-{i}\" data-fingerprint=\"{}\" data-rule=\"{}\">\
         <p class=\"message\"><span class=\"sev\">{sev}</span> {}</p>\n<p class=\"where\">",
        escape(&f.fingerprint()),
        escape(f.rule),
        escape(&f.message),
    );
    if let Some(t) = &f.table {
        let name = t.to_string();
        match rows.get(t) {
            Some(row) => {
                let _ = write!(h, "<a href=\"#t-{row}\">{}</a> ", escape(&name));
            }
            None => {
                let _ = write!(h, "{} ", escape(&name));
            }
        }
    }
    if let Some(l) = &f.location {
        let _ = write!(
            h,
            "<span class=\"location\">{}</span> ",
            escape(&l.to_string())
        );
    }
    let _ = writeln!(
        h,
        "<a class=\"explain-link\" href=\"#explain-{}\">explain</a></p>",
        escape(f.rule)
    );
    if let Some(fix) = f.shown_fix() {
        let _ = writeln!(h, "<pre class=\"fix\"><code>{}</code></pre>", escape(fix));
    }
    if let Some(help) = &f.help {
        let _ = writeln!(h, "<p class=\"help\">{}</p>", escape(help));
    }
    h.push_str("</li>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_leaves_no_markup() {
        let hostile = "</script><img src=x onerror='alert(1)'>\"&\u{1b}";
        let e = escape(hostile);
        assert!(!e.contains('<') && !e.contains('>') && !e.contains('"') && !e.contains('\''));
        assert!(e.contains("&lt;/script&gt;") && e.contains("&amp;") && e.contains("\\u{1b}"));
    }

    #[test]
    fn the_island_cannot_close_its_element() {
        let json = island_json(&serde_json::json!({
            "name": "</script><!-- \u{2028}&"
        }));
        assert!(!json.contains('<') && !json.contains('>') && !json.contains('&'));
        assert!(!json.contains('\u{2028}'));
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["name"], "</script><!-- \u{2028}&");
    }

    #[test]
    fn inlined_scripts_cannot_close_their_element() {
        for (name, text) in [
            ("elk-worker.min.js", ELK_WORKER),
            ("elk-api.js", ELK_API),
            ("page.js", SCRIPT),
        ] {
            let lower = text.to_ascii_lowercase();
            assert!(!lower.contains("</script"), "{name} holds </script");
            assert!(!lower.contains("<!--"), "{name} holds <!--");
        }
    }
}
