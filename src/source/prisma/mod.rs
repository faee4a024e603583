//! The Prisma frontend: `schema.prisma` (or a folder of `*.prisma` files, Prisma's
//! multi-file schema) read into the model PostgreSQL has after Prisma Migrate applies
//! it to an empty database. [`parse`] reads the Prisma Schema Language, [`lower`]
//! writes the SQL Prisma Migrate would run, replay turns it into the model, and every
//! table, column, key, index and enum is then located at its declaration in the
//! `.prisma` file (line and column), so findings point at the Prisma source.

pub mod fixes;
pub mod lower;
pub mod parse;

use super::sql::{self, InputError, Loaded};
use super::{Diagnostic, DiagnosticLevel};
use crate::model::{Database, Location};
use lower::Origin;
use parse::Span;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What a Prisma run read (for the report's first line).
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct PrismaStats {
    pub files: usize,
    pub models: usize,
    pub enums: usize,
    /// The Prisma major version whose Migrate the model follows.
    pub major: u32,
}

/// Whether one input is a Prisma schema: a `.prisma` file, or a folder holding
/// `.prisma` files and no SQL migrations (a folder with migrations is graded from its
/// migrations, which are what the database has).
fn is_prisma(path: &Path) -> bool {
    if path.is_dir() {
        // A folder whose entries cannot all be read is read as SQL, which names the
        // entry, rather than graded from its .prisma files alone.
        let sql = sql::order::migration_files(path).map_or(true, |f| !f.is_empty());
        !sql && !prisma_files(path).unwrap_or_default().is_empty()
    } else {
        path.extension().is_some_and(|e| e == "prisma")
    }
}

/// Whether the inputs are a Prisma schema (see [`is_prisma`]). Errors when some are
/// and some are SQL: one run reads one kind.
pub fn is_prisma_input(paths: &[PathBuf]) -> Result<bool, InputError> {
    let prisma: Vec<&PathBuf> = paths.iter().filter(|p| is_prisma(p)).collect();
    if prisma.is_empty() {
        return Ok(false);
    }
    match paths.iter().find(|p| !is_prisma(p)) {
        None => Ok(true),
        Some(other) => Err(InputError::Mixed {
            prisma: prisma[0].display().to_string(),
            sql: other.display().to_string(),
        }),
    }
}

/// Every `*.prisma` file below `dir`, following links, sorted (as Prisma's schema
/// loader reads a multi-file schema); `node_modules` is left out.
fn prisma_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    let mut seen = std::collections::BTreeSet::new();
    let unreadable = |path: &Path, e: std::io::Error| {
        std::io::Error::other(format!("{}: cannot read: {e}", path.display()))
    };
    while let Some(d) = stack.pop() {
        // A link loop leads back to a folder read already: nothing is left out.
        if !seen.insert(std::fs::canonicalize(&d).map_err(|e| unreadable(&d, e))?) {
            continue;
        }
        let entries = std::fs::read_dir(&d)
            .and_then(|entries| entries.collect::<Result<Vec<_>, _>>())
            .map_err(|e| unreadable(&d, e))?;
        for entry in entries {
            let path = entry.path();
            // Every entry is known to be a folder, a file or neither, or is an error:
            // a dangling link or a folder without permission is never skipped.
            let meta = std::fs::metadata(&path).map_err(|e| unreadable(&path, e))?;
            if meta.is_dir() {
                if path.file_name().is_some_and(|n| n != "node_modules") {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "prisma") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The files a list of inputs names: a folder's `*.prisma` files are one schema
/// (Prisma's multi-file schema), but where several of them declare a datasource they
/// are several schemas, and the folder's `schema.prisma` (Prisma's default location)
/// is the one read; the second list holds the files left out.
pub fn input_files_and_left_out(
    paths: &[PathBuf],
) -> Result<(Vec<PathBuf>, Vec<PathBuf>), InputError> {
    let mut files = Vec::new();
    let mut left_out = Vec::new();
    for path in paths {
        let shown = path.display().to_string();
        if path.is_dir() {
            let mut found = prisma_files(path).map_err(|e| InputError::Folder(e.to_string()))?;
            let declares_datasource = |f: &PathBuf| {
                std::fs::read_to_string(f).is_ok_and(|text| {
                    text.lines().any(|l| {
                        let mut words = l.split_whitespace();
                        words.next() == Some("datasource") && l.trim_end().ends_with('{')
                    })
                })
            };
            let main = path.join("schema.prisma");
            if found.len() > 1
                && main.is_file()
                && found.iter().filter(|f| declares_datasource(f)).count() > 1
            {
                left_out.extend(found.iter().filter(|f| **f != main).cloned());
                found = vec![main];
            }
            files.extend(found);
        } else if path.exists() {
            files.push(path.clone());
        } else {
            return Err(InputError::NotFound(shown));
        }
    }
    Ok((files, left_out))
}

/// The files a list of inputs names (see [`input_files_and_left_out`]).
pub fn input_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, InputError> {
    input_files_and_left_out(paths).map(|(files, _)| files)
}

/// Read the Prisma schema the inputs name into the model. Syntax and schema errors
/// are `Error` diagnostics (one line each, with file, line and column).
pub fn load(paths: &[PathBuf]) -> Result<Loaded, InputError> {
    load_as(paths, None)
}

/// [`load`] for a Prisma major version (`prisma_version` in dblint.toml), or, when
/// `None`, the one the project's package.json names ([`project_major`]).
pub fn load_as(paths: &[PathBuf], prisma_major: Option<u32>) -> Result<Loaded, InputError> {
    let (files, left_out) = input_files_and_left_out(paths)?;
    let mut sources = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).map_err(|e| InputError::Unreadable {
            path: file.display().to_string(),
            reason: e.to_string(),
        })?;
        sources.push((file.clone(), text));
    }
    let major = prisma_major
        .or_else(|| files.first().and_then(|f| project_major(f)))
        .unwrap_or(CURRENT_MAJOR);
    let mut loaded = load_texts_as(&sources, major);
    for file in left_out {
        loaded.diagnostics.push(Diagnostic {
            level: DiagnosticLevel::Warning,
            location: None,
            message: format!(
                "{} is left out: it declares a datasource of its own beside {}, so it is another schema (lint it on its own)",
                file.display(),
                files.first().map_or(String::new(), |f| f.display().to_string())
            ),
        });
    }
    Ok(loaded)
}

/// The Prisma major version assumed when nothing says otherwise.
pub const CURRENT_MAJOR: u32 = 7;

/// The Prisma major version of the project a schema file belongs to: the `prisma` (or
/// else `@prisma/client`) dependency of the nearest package.json above it that names
/// one (`^5.22.0`, `~6.1`, `5.x` → 5). `None` when none does, or its version has no
/// number (`latest`, `workspace:*`).
pub fn project_major(schema_file: &Path) -> Option<u32> {
    let start = std::fs::canonicalize(schema_file).ok()?;
    for dir in start.ancestors().skip(1) {
        let Ok(text) = std::fs::read_to_string(dir.join("package.json")) else {
            continue;
        };
        let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        for package in ["prisma", "@prisma/client"] {
            for section in ["dependencies", "devDependencies"] {
                if let Some(version) = json[section][package].as_str() {
                    let digits: String = version
                        .trim_start_matches(|c: char| !c.is_ascii_digit())
                        .chars()
                        .take_while(char::is_ascii_digit)
                        .collect();
                    return digits.parse().ok();
                }
            }
        }
        // A workspace's package without Prisma: its root may have it.
    }
    None
}

/// [`load`] for files held in memory (path, text), for the Prisma version of today.
pub fn load_texts(sources: &[(PathBuf, String)]) -> Loaded {
    load_texts_as(sources, CURRENT_MAJOR)
}

/// [`load_texts`] for a Prisma major version.
pub fn load_texts_as(sources: &[(PathBuf, String)], prisma_major: u32) -> Loaded {
    let names: Vec<Arc<str>> = sources
        .iter()
        .map(|(p, _)| Arc::from(p.display().to_string()))
        .collect();
    let texts: Vec<&str> = sources.iter().map(|(_, t)| t.as_str()).collect();
    let locate = |span: Span| -> Location {
        let text = texts[span.file];
        let before = &text[..span.start.min(text.len())];
        let line = before.matches('\n').count() as u32 + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Location {
            file: names[span.file].clone(),
            line,
            column: before[line_start..].chars().count() as u32 + 1,
        }
    };
    let mut diagnostics = Vec::new();
    let mut asts = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        let (ast, errors) = parse::parse(i, text);
        for e in errors {
            diagnostics.push(Diagnostic {
                level: DiagnosticLevel::Error,
                location: Some(locate(e.span)),
                message: e.message,
            });
        }
        asts.push(ast);
    }
    let lowered = lower::lower_for(&asts, prisma_major);
    for (span, message) in &lowered.errors {
        diagnostics.push(Diagnostic {
            level: DiagnosticLevel::Error,
            location: Some(locate(*span)),
            message: message.clone(),
        });
    }
    // Replay the SQL under a name that says what it is; its objects are then moved
    // to their declarations.
    let generated = PathBuf::from(format!(
        "{} (as Prisma Migrate creates it)",
        names.first().map_or("schema.prisma", |n| n)
    ));
    let replayed = sql::load_sources(
        &[(generated, lowered.sql.clone().into_bytes())],
        &|_| None,
        &mut |_| {},
    );
    for d in replayed.diagnostics {
        // A statement the lowering wrote that replay could not apply: a Prisma schema
        // Prisma itself would reject, or a gap in dblint's lowering. Said once, at the
        // schema, with replay's words.
        diagnostics.push(Diagnostic {
            level: d.level,
            location: names.first().map(|f| Location {
                file: f.clone(),
                line: 1,
                column: 0,
            }),
            message: format!("in the SQL Prisma Migrate would run: {}", d.message),
        });
    }
    let origins: BTreeMap<Origin, Location> = lowered
        .origins
        .iter()
        .map(|(o, s)| (o.clone(), locate(*s)))
        .collect();
    let mut database = replayed.database;
    relocate(&mut database, &origins);
    let stats = sql::ReplayStats {
        files: sources.len(),
        statements: replayed.stats.statements,
        prisma: Some(PrismaStats {
            files: sources.len(),
            models: asts
                .iter()
                .flat_map(|a| &a.blocks)
                .filter(|b| b.kind == parse::BlockKind::Model)
                .count(),
            enums: asts.iter().map(|a| a.enums.len()).sum(),
            major: prisma_major,
        }),
        ..Default::default()
    };
    let outlines = asts
        .iter()
        .enumerate()
        .map(|(i, ast)| outline(&names[i], &sources[i].0, texts[i], ast))
        .collect();
    Loaded {
        out_of_order: Vec::new(),
        database,
        diagnostics,
        stats,
        files: sources.iter().map(|(p, _)| p.clone()).collect(),
        outlines,
        stdin: None,
    }
}

/// Where a file's declarations start and what comments it has, for `// dblint-ignore`
/// (`inline_ignores`): a model, a field, a block attribute, an enum each count as a
/// statement does in SQL, so an ignore on its line or just above it covers it (a
/// model's, all of the model, as one above `CREATE TABLE` covers the table).
fn outline(file: &Arc<str>, path: &Path, text: &str, ast: &parse::Ast) -> sql::FileOutline {
    let line = |offset: usize| text[..offset.min(text.len())].matches('\n').count() as u32 + 1;
    // (start, end) of each declaration: a model or enum to its closing brace.
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for block in &ast.blocks {
        spans.push((block.span.start, block.span.end));
        spans.extend(block.fields.iter().map(|f| (f.span.start, f.span.end)));
        spans.extend(block.attributes.iter().map(|a| (a.span.start, a.span.end)));
    }
    for e in &ast.enums {
        spans.push((e.span.start, e.span.end));
    }
    spans.sort_unstable();
    spans.dedup_by_key(|s| s.0);
    sql::FileOutline {
        file: file.clone(),
        path: path.to_path_buf(),
        statements: spans.iter().map(|&(s, _)| (line(s), s)).collect(),
        covers_until: spans.iter().map(|&(_, e)| line(e)).collect(),
        comments: ast
            .comments
            .iter()
            .map(|(offset, text)| sql::split::Comment {
                text: text.clone(),
                line: line(*offset),
            })
            .collect(),
        comment_offsets: ast.comments.iter().map(|(offset, _)| *offset).collect(),
    }
}

/// Move every object to where the Prisma schema declares it: a column to its field, a
/// key or index to its attribute (or field), a table to its model. Objects with no
/// declaration of their own (an owned sequence) take their table's.
fn relocate(db: &mut Database, origins: &BTreeMap<Origin, Location>) {
    for (name, table) in db.tables.iter_mut() {
        let (schema, t) = (name.schema.to_string(), name.name.to_string());
        let at_table = origins
            .get(&Origin::Table(schema.clone(), t.clone()))
            .cloned();
        let constraint = |n: &str| {
            origins
                .get(&Origin::Constraint(
                    schema.clone(),
                    t.clone(),
                    n.to_string(),
                ))
                .cloned()
                .or_else(|| at_table.clone())
        };
        for column in &mut table.columns {
            column.location = origins
                .get(&Origin::Column(
                    schema.clone(),
                    t.clone(),
                    column.name.to_string(),
                ))
                .cloned()
                .or_else(|| at_table.clone());
        }
        for index in &mut table.indexes {
            index.location = constraint(&index.name.name);
        }
        for key in table
            .primary_key
            .iter_mut()
            .chain(&mut table.unique_constraints)
        {
            key.location = constraint(&key.name);
        }
        for fk in &mut table.foreign_keys {
            fk.location = constraint(&fk.name);
        }
        for check in &mut table.checks {
            check.location = constraint(&check.name);
        }
        table.location = at_table;
    }
    for (name, e) in db.enums.iter_mut() {
        e.location = origins
            .get(&Origin::Enum(
                name.schema.to_string(),
                name.name.to_string(),
            ))
            .cloned();
    }
    for seq in db.sequences.values_mut() {
        seq.location = None;
    }
}
