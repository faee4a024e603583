//! Fixes in Prisma's own language for findings on a Prisma schema: the change to make
//! in `schema.prisma` (an `@@index`, an `onDelete:`, a native type), shown as the
//! edited line, with the edits themselves so tests can apply them. Where Prisma cannot
//! declare the change, the steps to a migration Prisma Migrate will keep: an empty
//! migration (`prisma migrate dev --create-only`) holding the finding's SQL.

use super::lower::{self, Lowered, Origin};
use super::parse::{self, Arity, Ast, Block, BlockKind, Field, Span};
use crate::finding::Finding;
use std::path::PathBuf;

mod from_sql;

/// One replacement of the bytes `start..end` of file `file` by `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub file: usize,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// What to change in the Prisma schema: the text shown to the user and, when the
/// change is an edit of the schema, the edits.
#[derive(Debug, Clone)]
pub struct PrismaFix {
    pub text: String,
    pub edits: Vec<Edit>,
}

/// A Prisma schema read for its fixes.
pub struct Schema {
    pub sources: Vec<(PathBuf, String)>,
    asts: Vec<Ast>,
    lowered: Lowered,
    /// The Prisma major version the project uses (`prisma_version` or package.json).
    prisma_major: u32,
}

/// `text` with `edits` (all in one file) applied.
pub fn apply(text: &str, edits: &[&Edit]) -> String {
    let mut sorted: Vec<&&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| std::cmp::Reverse((e.start, e.end)));
    let mut out = text.to_string();
    for e in sorted {
        out.replace_range(e.start..e.end, &e.text);
    }
    out
}

impl Schema {
    pub fn read(sources: Vec<(PathBuf, String)>, prisma_major: u32) -> Schema {
        let asts: Vec<Ast> = sources
            .iter()
            .enumerate()
            .map(|(i, (_, text))| parse::parse(i, text).0)
            .collect();
        let lowered = lower::lower_for(&asts, prisma_major);
        Schema {
            sources,
            asts,
            lowered,
            prisma_major,
        }
    }

    /// Give every finding with a fix its Prisma form (see the module docs).
    pub fn rewrite(&self, findings: &mut [Finding]) {
        for f in findings.iter_mut() {
            if let Some(fix) = self.fix(f) {
                f.prisma_fix = Some(fix.text);
            }
        }
    }

    fn model(&self, schema: &str, table: &str) -> Option<&Block> {
        let name = self
            .lowered
            .models
            .get(&(schema.to_string(), table.to_string()))?;
        self.asts
            .iter()
            .flat_map(|a| &a.blocks)
            .find(|b| b.kind == BlockKind::Model && b.name.name == *name)
    }

    /// Where the constraint or index `name` of a table is declared (its attribute).
    fn constraint_span(&self, schema: &str, table: &str, name: &str) -> Option<Span> {
        self.lowered.origins.iter().find_map(|(o, s)| match o {
            Origin::Constraint(sch, t, n) if sch == schema && t == table && n == name => Some(*s),
            _ => None,
        })
    }

    fn where_is(&self, span: Span) -> String {
        let (path, text) = &self.sources[span.file];
        let line = text[..span.start].matches('\n').count() + 1;
        format!("{}:{line}", path.display())
    }

    /// The field's source line with `edits` applied (edits outside it are ignored).
    fn edited_field(&self, field: &Field, edits: &[Edit]) -> String {
        self.edited(field.span, edits)
    }

    /// The source text of `span` with the edits inside it applied.
    fn edited(&self, span: Span, edits: &[Edit]) -> String {
        let text = &self.sources[span.file].1;
        let inside: Vec<Edit> = edits
            .iter()
            .filter(|e| e.file == span.file && e.start >= span.start && e.end <= span.end)
            .map(|e| Edit {
                start: e.start - span.start,
                end: e.end - span.start,
                ..e.clone()
            })
            .collect();
        let refs: Vec<&Edit> = inside.iter().collect();
        apply(&text[span.start..span.end], &refs)
    }

    /// The Prisma fix of one finding, if it has a fix at all.
    pub fn fix(&self, f: &Finding) -> Option<PrismaFix> {
        let table = f.table.as_ref()?;
        let (schema, name) = (table.schema.as_str(), table.name.as_str());
        // Prisma's own table for an implicit many-to-many relation: nothing in
        // schema.prisma changes its keys, index or cascades but making it a model.
        if let Some((a, b)) = self
            .lowered
            .join_tables
            .get(&(schema.to_string(), name.to_string()))
        {
            return Some(PrismaFix {
                text: format!(
                    "{name} is the table Prisma creates for the implicit many-to-many relation between {a} and {b}: Prisma decides its keys, its index and its ON DELETE CASCADE, and schema.prisma cannot change them. To decide them, declare the relation table as a model of its own (an explicit many-to-many relation, with `onDelete:` on its two relation fields), then `prisma migrate dev`"
                ),
                edits: Vec::new(),
            });
        }
        let block = self.model(schema, name)?;
        let field_of = |column: &str| -> Option<&Field> {
            let field = self.lowered.fields.get(&(
                schema.to_string(),
                name.to_string(),
                column.to_string(),
            ))?;
            block.fields.iter().find(|x| x.name.name == *field)
        };
        let model = &block.name.name;
        match f.rule {
            "fk-missing-index" | "cascade-unindexed" if f.fix.is_some() => {
                let fields: Option<Vec<&str>> = f
                    .columns
                    .iter()
                    .map(|c| field_of(c).map(|x| x.name.name.as_str()))
                    .collect();
                // Prisma's name for the index, unless an index of that name exists
                // (a partial one on the same columns): then one of its own.
                let columns: Vec<String> = f.columns.clone();
                let default = lower::default_name(name, &columns, "_idx");
                let taken = |n: &str| {
                    self.lowered.origins.iter().any(
                        |(o, _)| matches!(o, Origin::Constraint(s, _, c) if s == schema && c == n),
                    )
                };
                let map = if taken(&default) {
                    let own = lower::default_name(name, &columns, "_fk_idx");
                    if taken(&own) {
                        return None;
                    }
                    format!(", map: \"{own}\"")
                } else {
                    String::new()
                };
                let line = format!("  @@index([{}]{map})", fields?.join(", "));
                let text = &self.sources[block.span.file].1;
                let close = block.span.end.checked_sub(1)?;
                let at = text[..close].rfind('\n').map_or(close, |i| i + 1);
                Some(PrismaFix {
                    text: format!(
                        "in model {model} ({}), add\n{line}\nthen `prisma migrate dev` (on a table in use: `prisma migrate dev --create-only`, and make the migration's CREATE INDEX CONCURRENTLY, alone in its migration.sql)",
                        self.where_is(block.name.span)
                    ),
                    edits: vec![Edit {
                        file: block.span.file,
                        start: at,
                        end: at,
                        text: format!("{line}\n"),
                    }],
                })
            }
            "timestamp-without-tz" => {
                let field = field_of(f.columns.first()?)?;
                let native = field.attributes.iter().find(|a| a.name.starts_with("db."));
                let precision = match native {
                    Some(a) => match a.args.first().map(|x| &x.value) {
                        Some(parse::Expr::Num(n)) => Some(n.clone()),
                        _ => None,
                    },
                    None => Some("3".to_string()),
                };
                let attr = match &precision {
                    Some(p) => format!("@db.Timestamptz({p})"),
                    None => "@db.Timestamptz".to_string(),
                };
                let edit = match native {
                    Some(a) => Edit {
                        file: a.span.file,
                        start: a.span.start,
                        end: a.span.end,
                        text: attr,
                    },
                    None => Edit {
                        file: field.span.file,
                        start: field.span.end,
                        end: field.span.end,
                        text: format!(" {attr}"),
                    },
                };
                // Indexes keyed with a timestamp operator class take the timestamptz one.
                let rebuilt = self.rebuilt_indexes(f.fix.as_deref()?, schema)?;
                let indexes = if rebuilt.steps.is_empty() {
                    String::new()
                } else {
                    format!(
                        "\nand its indexes' operator classes (PostgreSQL refuses the type change under a timestamp class)\n{}",
                        rebuilt.describe(self)
                    )
                };
                let mut edits = vec![edit];
                edits.extend(rebuilt.edits);
                Some(PrismaFix {
                    text: format!(
                        "in model {model} ({}), make the field\n  {}{indexes}\nthen `prisma migrate dev --create-only`, and put `SET TIME ZONE 'UTC';` first in its migration.sql (Prisma stores DateTime values as UTC, and the type change reads them in the session's TimeZone); keeping a precision rewrites the table, while `@db.Timestamptz` without one changes only the catalog (PostgreSQL 12+)",
                        self.where_is(field.span),
                        self.edited_field(field, &edits)
                    ),
                    edits,
                })
            }
            "json-not-jsonb" => {
                let field = field_of(f.columns.first()?)?;
                let native = field.attributes.iter().find(|a| a.name == "db.Json")?;
                let text = &self.sources[field.span.file].1;
                let start = text[..native.span.start].trim_end().len();
                let edits = vec![Edit {
                    file: native.span.file,
                    start,
                    end: native.span.end,
                    text: String::new(),
                }];
                Some(PrismaFix {
                    text: format!(
                        "in model {model} ({}), make the field (a Json field is jsonb unless @db.Json says otherwise)\n  {}\nthen `prisma migrate dev` (it rewrites the table)",
                        self.where_is(field.span),
                        self.edited_field(field, &edits)
                    ),
                    edits,
                })
            }
            "duplicate-index" | "redundant-index" => {
                let index = f.object.as_deref()?;
                // Only when the SQL fix drops this index.
                if !f.fix.as_deref()?.contains("DROP INDEX") {
                    return None;
                }
                let span = self.constraint_span(schema, name, index)?;
                let text = &self.sources[span.file].1;
                let attribute = &text[span.start..span.end];
                let edit = from_sql::remove_attribute(text, span);
                Some(PrismaFix {
                    text: format!(
                        "in model {model} ({}), remove\n  {attribute}\nthen `prisma migrate dev`",
                        self.where_is(span)
                    ),
                    edits: vec![edit],
                })
            }
            // Rules whose fix only changes a foreign key's ON DELETE action (and, for
            // SET NULL, makes its columns nullable).
            "cascade-into-audit" | "cascade-on-actor" | "soft-delete-hard-cascade" => {
                let fix = f.fix.as_deref()?;
                delete_action(fix)
                    .and_then(|action| self.on_delete(f, block, schema, name, action, fix))
                    .or_else(|| self.by_migration(f, model))
            }
            "unbounded-varchar" => self.varchar_length(f, block, model),
            _ => self.translated(f).or_else(|| self.by_migration(f, model)),
        }
    }

    /// A fix whose every statement has a Prisma form (see [`from_sql`]): the edits,
    /// and for a table in use the SQL to put in Prisma's migration instead.
    fn translated(&self, f: &Finding) -> Option<PrismaFix> {
        let fix = f.fix.as_deref()?;
        let translation = self.translate(fix, &f.table.as_ref()?.schema)?;
        let careful = ["CONCURRENTLY", "NOT VALID", "USING INDEX"]
            .iter()
            .any(|k| fix.contains(k));
        let in_use = if careful {
            format!(
                "\nOn a table in use: `prisma migrate dev --create-only`, and change its migration.sql to take no long lock the way this SQL does (keep the names Prisma chose; a CONCURRENTLY statement must be alone in its migration.sql):\n{fix}"
            )
        } else {
            String::new()
        };
        let partial = if translation.partial_index {
            "\nA partial index (`where:`) needs Prisma 7.4 or later with the partialIndexes preview feature: before, Prisma cannot declare one, and `prisma migrate dev` drops one it does not know."
        } else {
            ""
        };
        // What dblint's lock review says of the SQL holds for Prisma's migration too.
        let review: String = fix
            .lines()
            .filter_map(|l| l.strip_prefix("-- review: "))
            .map(|l| format!("\nbeware: {l}"))
            .collect();
        Some(PrismaFix {
            text: format!(
                "{}\nthen `prisma migrate dev`{review}{partial}{in_use}",
                translation.describe(self)
            ),
            edits: translation.edits,
        })
    }

    /// `@db.VarChar(n)` for a `@db.VarChar` without a length. The SQL fix is a CHECK,
    /// which Prisma cannot declare; the length can, at the cost of a rewrite.
    fn varchar_length(&self, f: &Finding, block: &Block, model: &str) -> Option<PrismaFix> {
        let column = f.columns.first()?;
        let field = self
            .lowered
            .fields
            .get(&(
                f.table.as_ref()?.schema.to_string(),
                f.table.as_ref()?.name.to_string(),
                column.clone(),
            ))
            .and_then(|name| block.fields.iter().find(|x| x.name.name == *name))?;
        let native = field
            .attributes
            .iter()
            .find(|a| a.name == "db.VarChar" && a.args.is_empty())?;
        let fix = f.fix.as_deref()?;
        let limit = fix
            .split_once("<= ")
            .and_then(|(_, rest)| rest.split(')').next())
            .and_then(|n| n.trim().parse::<u32>().ok())?;
        let edits = vec![Edit {
            file: native.span.file,
            start: native.span.start,
            end: native.span.end,
            text: format!("@db.VarChar({limit})"),
        }];
        Some(PrismaFix {
            text: format!(
                "in model {model} ({}), make the field\n  {}\nthen `prisma migrate dev`: its ALTER COLUMN … TYPE varchar({limit}) rewrites the table under an ACCESS EXCLUSIVE lock (blocks every read and write) and fails if a value is longer. On a table in use, keep the field and bound it with a CHECK instead, which Prisma cannot declare: `prisma migrate dev --create-only`, and put in the new migration.sql\n{fix}",
                self.where_is(field.span),
                self.edited_field(field, &edits)
            ),
            edits,
        })
    }

    /// A foreign key's new ON DELETE action (and the columns made nullable for a SET
    /// NULL) as `onDelete:` on its relation field.
    fn on_delete(
        &self,
        f: &Finding,
        block: &Block,
        schema: &str,
        table: &str,
        action: &str,
        fix: &str,
    ) -> Option<PrismaFix> {
        let fk = f.object.as_deref()?;
        let relation_field =
            self.lowered
                .relations
                .get(&(schema.to_string(), table.to_string(), fk.to_string()))?;
        let field = block
            .fields
            .iter()
            .find(|x| x.name.name == *relation_field)?;
        let relation = field.attributes.iter().find(|a| a.name == "relation")?;
        let mut edits = Vec::new();
        let new_arg = format!("onDelete: {action}");
        match relation
            .args
            .iter()
            .find(|a| a.name.as_deref() == Some("onDelete"))
        {
            Some(arg) => edits.push(Edit {
                file: arg.span.file,
                start: arg.span.start,
                end: arg.span.end,
                text: new_arg,
            }),
            None => edits.push(Edit {
                file: relation.span.file,
                start: relation.span.end - 1,
                end: relation.span.end - 1,
                text: format!(", {new_arg}"),
            }),
        }
        // SET NULL needs nullable columns: the fields, and then the relation field.
        let mut changed = vec![field];
        if fix.contains("DROP NOT NULL") {
            let fields = match relation.arg("fields", false) {
                Some(parse::Expr::Array(items)) => items.clone(),
                _ => Vec::new(),
            };
            for item in fields {
                let Some(scalar) = item
                    .as_const()
                    .and_then(|n| block.fields.iter().find(|x| x.name.name == n))
                else {
                    continue;
                };
                if scalar.arity == Arity::Required {
                    edits.push(from_sql::arity_edit(scalar, Arity::Optional));
                    changed.insert(0, scalar);
                }
            }
            if field.arity == Arity::Required {
                edits.push(from_sql::arity_edit(field, Arity::Optional));
            }
        }
        let lines: Vec<String> = changed
            .iter()
            .map(|x| format!("  {}", self.edited_field(x, &edits)))
            .collect();
        Some(PrismaFix {
            text: format!(
                "in model {} ({}), make {}\n{}\nthen `prisma migrate dev`",
                block.name.name,
                self.where_is(field.span),
                if lines.len() == 1 {
                    "the field"
                } else {
                    "the fields"
                },
                lines.join("\n")
            ),
            edits,
        })
    }

    /// The steps for a change Prisma cannot declare: an empty migration holding the
    /// SQL. A partial unique index is the exception that Prisma 7.4 can declare.
    fn by_migration(&self, f: &Finding, model: &str) -> Option<PrismaFix> {
        let fix = f.fix.as_deref()?;
        let text = match f.rule {
            "soft-delete-unique" | "unique-on-flag-or-status" => {
                // The unique index the SQL fix builds, in Prisma's words.
                let declared = self.partial_unique(f, fix);
                let line = declared
                    .map(|d| format!(", as\n  {d}\n"))
                    .unwrap_or_else(|| " as a partial one (`where: raw(\"…\")`); ".to_string());
                format!(
                    "with Prisma 7.4 or later (previewFeatures = [\"partialIndexes\"]), declare the key in model {model}{line}before 7.4 Prisma cannot declare a partial index, and `prisma migrate dev` drops one it does not know. The index it should be:\n{fix}"
                )
            }
            // A CHECK, an identity column, MATCH FULL: nothing in schema.prisma says it.
            "serial-not-identity"
            | "unbounded-varchar"
            | "status-without-check"
            | "text-without-length-check"
            | "fk-nullable-match-simple" => format!(
                "Prisma cannot declare this in schema.prisma: run `prisma migrate dev --create-only`, put this SQL in the new migration.sql, then `prisma migrate dev`:\n{fix}"
            ),
            _ => format!(
                "the change in SQL: declare in model {model} what Prisma can (so that `prisma migrate dev` writes it), and put the rest in a migration made with `prisma migrate dev --create-only`:\n{fix}"
            ),
        };
        Some(PrismaFix {
            text,
            edits: Vec::new(),
        })
    }
}

impl Schema {
    /// `@@unique([a, b], where: raw("…"))` for the partial unique index a SQL fix
    /// creates (`CREATE UNIQUE INDEX … (a, b) WHERE …;`), when every column is a field.
    fn partial_unique(&self, f: &Finding, fix: &str) -> Option<String> {
        let table = f.table.as_ref()?;
        let statement = fix
            .lines()
            .find(|l| l.starts_with("CREATE UNIQUE INDEX") && l.contains(" WHERE "))?;
        let predicate = statement
            .split_once(" WHERE ")?
            .1
            .trim_end()
            .trim_end_matches(';');
        let keys = statement.split_once(" (")?.1.split_once(") WHERE ")?.0;
        let mut fields = Vec::new();
        for key in keys.split(", ") {
            let column = key.trim().trim_matches('"').replace("\"\"", "\"");
            let field = self.lowered.fields.get(&(
                table.schema.to_string(),
                table.name.to_string(),
                column,
            ))?;
            fields.push(field.clone());
        }
        let raw = predicate.replace('\\', "\\\\").replace('"', "\\\"");
        Some(format!(
            "@@unique([{}], where: raw(\"{raw}\"))",
            fields.join(", ")
        ))
    }
}

/// The ON DELETE action a fix re-creates a foreign key with, in Prisma's words.
fn delete_action(fix: &str) -> Option<&'static str> {
    if !fix.contains("FOREIGN KEY") {
        return None;
    }
    let at = fix.find("ON DELETE ")? + "ON DELETE ".len();
    let rest = &fix[at..];
    [
        ("SET NULL", "SetNull"),
        ("SET DEFAULT", "SetDefault"),
        ("RESTRICT", "Restrict"),
        ("NO ACTION", "NoAction"),
        ("CASCADE", "Cascade"),
    ]
    .into_iter()
    .find(|(sql, _)| rest.starts_with(sql))
    .map(|(_, prisma)| prisma)
}
