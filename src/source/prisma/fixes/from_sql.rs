//! Prisma's form of a SQL fix, read back from the SQL itself: each statement of the
//! fix (parsed by dblint's own SQL parser, so by PostgreSQL's grammar) becomes the
//! change to `schema.prisma` after which `prisma migrate dev` writes that statement:
//!
//! | SQL in the fix                                   | schema.prisma                          |
//! |--------------------------------------------------|----------------------------------------|
//! | `CREATE INDEX … (a, b)`                          | `@@index([a, b])`                      |
//! | `CREATE UNIQUE INDEX … (a, b)`                   | `@@unique([a, b])`                     |
//! | `CREATE UNIQUE INDEX … WHERE p` (with the `partialIndexes` preview feature) | `@@unique([…], where: raw("p"))` |
//! | `DROP INDEX i`                                   | the `@unique`/`@@unique`/`@@index` of i removed |
//! | `ADD COLUMN c type`                              | a field                                |
//! | `ADD CONSTRAINT … FOREIGN KEY` (new)             | a relation field and its back-relation |
//! | `DROP CONSTRAINT f, ADD CONSTRAINT f … ON DELETE a` | `onDelete: A` on f's relation field |
//! | `ALTER COLUMN c DROP NOT NULL` / `SET NOT NULL`  | `c Type?` / `c Type`                   |
//! | `ADD PRIMARY KEY USING INDEX u`                  | u's `@unique` becomes `@id`            |
//!
//! Steps that only make the change take shorter locks (`VALIDATE CONSTRAINT`, the
//! `CHECK (c IS NOT NULL) NOT VALID` before a `SET NOT NULL`, a new index renamed
//! into an old one's name) have nothing to say in schema.prisma. A statement of any
//! other kind (a CHECK, a type change, a data change) means Prisma cannot declare
//! the fix: no translation, and the caller gives the migration steps instead.

use super::super::lower::Origin;
use super::super::parse::{Arity, Attribute, Block, BlockKind, Expr, Field, Span};
use super::{Edit, Schema};
use crate::model::{FkAction, IndexKey, MatchType};
use crate::source::sql::parse::parse_statement;
use crate::source::sql::split::split;
use crate::source::sql::statement::{
    ConstraintSpec, CreateIndex, ForeignKeySpec, ObjectKind, ObjectName, Statement, TableAction,
    Using,
};
use std::collections::BTreeSet;

/// What a fix changes in the schema: the edits, and per model the lines to show.
#[derive(Default)]
pub(super) struct Translation {
    pub edits: Vec<Edit>,
    /// What to do, per model, in the fix's order.
    pub steps: Vec<Step>,
    /// The fix enables the partialIndexes preview feature (Prisma 7.4 or later).
    pub partial_index: bool,
}

/// One line of a translation's description.
pub(super) struct Step {
    model: String,
    /// Where the model is declared (`file:line`).
    at: String,
    verb: &'static str,
    what: Shown,
}

/// A new line, or a stretch of the schema shown with the edits applied.
enum Shown {
    Line(String),
    Source(Span),
}

impl Translation {
    /// The steps as text: grouped by model, in the order models first appear, each
    /// changed stretch of the schema shown as it reads after the edits.
    pub fn describe(&self, schema: &Schema) -> String {
        let mut models: Vec<(&str, &str)> = Vec::new();
        for step in &self.steps {
            if !models.iter().any(|(m, _)| *m == step.model) {
                models.push((&step.model, &step.at));
            }
        }
        let mut out = Vec::new();
        for (model, at) in models {
            let mut lines = vec![format!("in {model} ({at}):")];
            let mut shown = BTreeSet::new();
            let steps: Vec<&Step> = self.steps.iter().filter(|s| s.model == model).collect();
            let width = steps.iter().map(|s| s.verb.len()).max().unwrap_or(0);
            for step in steps {
                let line = match &step.what {
                    Shown::Line(line) => line.clone(),
                    Shown::Source(span) => schema.edited(*span, &self.edits),
                };
                if shown.insert((step.verb, line.clone())) {
                    lines.push(format!("  {:<width$} {line}", step.verb));
                }
            }
            out.push(lines.join("\n"));
        }
        out.join("\n")
    }
}

/// One table's model, found for a statement of the fix.
struct Target<'s> {
    schema: String,
    table: String,
    block: &'s Block,
}

struct Draft<'s> {
    schema: &'s Schema,
    /// The schema of the finding's table, for names the fix leaves unqualified.
    default_schema: String,
    out: Translation,
    /// Indexes and CHECKs the fix itself creates: dropping or renaming them later in
    /// the fix is one of its own steps.
    created: BTreeSet<String>,
    /// Foreign keys the fix drops, to re-create them with another action.
    dropped_foreign_keys: BTreeSet<String>,
    /// Fields already marked optional or required by an edit.
    arity_changed: BTreeSet<(usize, usize)>,
    /// The `CREATE UNIQUE INDEX` that a later `PRIMARY KEY USING INDEX` takes over.
    pending_unique: Vec<CreateIndex>,
    /// The generator edit enabling partial indexes is made.
    enabled_partial_indexes: bool,
    /// Indexes the fix creates (by name), and those it drops first: rebuilt.
    recreated: BTreeSet<String>,
    rebuilding: BTreeSet<String>,
}

impl Schema {
    /// The schema.prisma change that makes Prisma Migrate write `fix` (see the module
    /// docs), or `None` when some statement of it has no Prisma form.
    pub(super) fn translate(&self, fix: &str, default_schema: &str) -> Option<Translation> {
        let statements = statements(fix)?;
        let mut draft = Draft::new(self, default_schema, &statements);
        for statement in &statements {
            draft.statement(statement)?;
        }
        if !draft.pending_unique.is_empty() || draft.out.edits.is_empty() {
            return None;
        }
        Some(draft.out)
    }

    /// The `ops:` edits for the indexes a fix drops and builds again with another
    /// operator class (around a column type change): empty when it rebuilds none,
    /// `None` when a rebuild has no Prisma form.
    pub(super) fn rebuilt_indexes(&self, fix: &str, default_schema: &str) -> Option<Translation> {
        let statements = statements(fix)?;
        let mut draft = Draft::new(self, default_schema, &statements);
        for statement in &statements {
            match statement {
                Statement::Drop {
                    kind: ObjectKind::Index,
                    objects,
                    ..
                } => {
                    for object in objects {
                        draft.drop_index(object)?;
                    }
                }
                Statement::CreateIndex(index)
                    if draft.rebuilding.contains(index.name.as_deref()?) =>
                {
                    draft.create_index(index)?;
                }
                _ => {}
            }
        }
        Some(draft.out)
    }
}

/// The statements of a SQL fix, parsed.
fn statements(fix: &str) -> Option<Vec<Statement>> {
    let file = split(fix);
    if file.statements.is_empty() || file.unterminated.is_some() {
        return None;
    }
    let mut out = Vec::new();
    for raw in &file.statements {
        out.extend(parse_statement(&raw.sql).ok()?);
    }
    Some(out)
}

impl<'s> Draft<'s> {
    fn new(schema: &'s Schema, default_schema: &str, statements: &[Statement]) -> Draft<'s> {
        Draft {
            schema,
            default_schema: default_schema.to_string(),
            out: Translation::default(),
            created: BTreeSet::new(),
            dropped_foreign_keys: BTreeSet::new(),
            arity_changed: BTreeSet::new(),
            pending_unique: Vec::new(),
            enabled_partial_indexes: false,
            recreated: statements
                .iter()
                .filter_map(|s| match s {
                    Statement::CreateIndex(i) => i.name.as_ref().map(|n| n.to_string()),
                    _ => None,
                })
                .collect(),
            rebuilding: BTreeSet::new(),
        }
    }
}

impl<'s> Draft<'s> {
    fn statement(&mut self, statement: &Statement) -> Option<()> {
        match statement {
            Statement::AlterTable { table, actions, .. } => {
                let target = self.target(table)?;
                for action in actions {
                    self.table_action(&target, action)?;
                }
                Some(())
            }
            Statement::CreateIndex(index) => self.create_index(index),
            Statement::Drop {
                kind: ObjectKind::Index,
                objects,
                ..
            } => {
                for object in objects {
                    self.drop_index(object)?;
                }
                Some(())
            }
            // A new index given an old one's name: Prisma names its own indexes.
            Statement::Rename {
                kind: ObjectKind::Index,
                object,
                ..
            } if self.created.contains(object.name.as_str()) => Some(()),
            _ => None,
        }
    }

    fn target(&self, table: &ObjectName) -> Option<Target<'s>> {
        let schema = table
            .schema
            .as_deref()
            .unwrap_or(&self.default_schema)
            .to_string();
        let name = table.name.to_string();
        let block = self.schema.model(&schema, &name)?;
        (block.kind == BlockKind::Model).then_some(Target {
            schema,
            table: name,
            block,
        })
    }

    fn field(&self, target: &Target<'s>, column: &str) -> Option<&'s Field> {
        let field = self.schema.lowered.fields.get(&(
            target.schema.clone(),
            target.table.clone(),
            column.to_string(),
        ))?;
        target.block.fields.iter().find(|f| f.name.name == *field)
    }

    fn fields(&self, target: &Target<'s>, columns: &[String]) -> Option<Vec<&'s Field>> {
        columns.iter().map(|c| self.field(target, c)).collect()
    }

    fn step(&mut self, target: &Target<'s>, verb: &'static str, what: Shown) {
        self.out.steps.push(Step {
            model: format!("model {}", target.block.name.name),
            at: self.schema.where_is(target.block.name.span),
            verb,
            what,
        });
    }

    /// Insert `line` as the model's last block attribute (before its `}`).
    fn add_block_line(&mut self, target: &Target<'s>, line: String) -> Option<()> {
        let span = target.block.span;
        let text = &self.schema.sources[span.file].1;
        let close = span.end.checked_sub(1)?;
        let at = text[..close].rfind('\n').map_or(close, |i| i + 1);
        self.out.edits.push(Edit {
            file: span.file,
            start: at,
            end: at,
            text: format!("  {line}\n"),
        });
        self.step(target, "add", Shown::Line(line));
        Some(())
    }

    /// Insert `line` as a field after the model's last field.
    fn add_field_line(&mut self, target: &Target<'s>, line: String) -> Option<()> {
        let text = &self.schema.sources[target.block.span.file].1;
        let after = match target.block.fields.last() {
            Some(last) => last.span.end,
            None => text[..target.block.span.end].rfind('{')? + 1,
        };
        let at = text[after..]
            .find('\n')
            .map_or(text.len(), |i| after + i + 1);
        self.out.edits.push(Edit {
            file: target.block.span.file,
            start: at,
            end: at,
            text: format!("  {line}\n"),
        });
        self.step(target, "add", Shown::Line(line));
        Some(())
    }

    fn table_action(&mut self, target: &Target<'s>, action: &TableAction) -> Option<()> {
        match action {
            TableAction::AddColumn { column, .. } => {
                let line = self.new_field(target, column)?;
                self.add_field_line(target, line)
            }
            TableAction::ValidateConstraint { .. } => Some(()),
            TableAction::DropConstraint { name, .. } => {
                if self.created.remove(name.as_str()) {
                    return Some(());
                }
                let key = (
                    target.schema.clone(),
                    target.table.clone(),
                    name.to_string(),
                );
                // Only to re-create a foreign key (checked when it is added).
                self.schema.lowered.relations.get(&key)?;
                self.dropped_foreign_keys.insert(name.to_string());
                Some(())
            }
            TableAction::AddConstraint(ConstraintSpec::ForeignKey(fk)) => {
                let name = fk.name.as_deref()?;
                // What a Prisma relation cannot say.
                if fk.match_type != MatchType::Simple
                    || fk.deferrable
                    || fk.initially_deferred
                    || !fk.delete_set_columns.is_empty()
                {
                    return None;
                }
                if self.dropped_foreign_keys.remove(name) {
                    self.on_delete(target, name, fk)
                } else {
                    self.new_relation(target, fk)
                }
            }
            // The NOT VALID CHECK that lets SET NOT NULL skip its scan.
            TableAction::AddConstraint(ConstraintSpec::Check {
                name: Some(name),
                expression,
                ..
            }) if expression.trim_end().ends_with("IS NOT NULL") => {
                self.created.insert(name.to_string());
                Some(())
            }
            TableAction::AlterColumnType {
                column,
                data_type,
                using: Using::Column,
                ..
            } if !data_type.serial => self.column_type(target, column, &data_type.data_type),
            TableAction::SetNotNull { column } => self.set_arity(target, column, Arity::Required),
            TableAction::DropNotNull { column } => self.set_arity(target, column, Arity::Optional),
            TableAction::AddConstraint(ConstraintSpec::PrimaryKey(key)) => {
                let index = key.using_index.as_deref()?;
                self.primary_key(target, index)
            }
            _ => None,
        }
    }

    /// `column Type? @map(…) @db.…` for a column the fix adds: the field name and
    /// `@map` another model uses for a column of that name, else the column's name.
    fn new_field(
        &self,
        target: &Target<'s>,
        column: &crate::source::sql::statement::ColumnSpec,
    ) -> Option<String> {
        let c = &column.column;
        // A key column numbered by the database: Prisma's autoincrement() (a serial).
        let primary_key = column
            .constraints
            .iter()
            .any(|k| matches!(k, ConstraintSpec::PrimaryKey(_)));
        if c.identity.is_some() && primary_key {
            let prisma_type = match c.data_type.name.as_str() {
                "bigint" => "BigInt",
                "integer" => "Int",
                _ => return None,
            };
            let name = c.name.as_str();
            if !is_identifier(name) || target.block.fields.iter().any(|f| f.name.name == name) {
                return None;
            }
            return Some(format!(
                "{name} {prisma_type} @id @default(autoincrement())"
            ));
        }
        if c.identity.is_some()
            || c.generated.is_some()
            || c.data_type.array_dims > 0
            || !column.constraints.is_empty()
        {
            return None;
        }
        let (prisma_type, native) = prisma_type(&c.data_type)?;
        let default = match c.default.as_deref() {
            None => String::new(),
            Some("false") => " @default(false)".into(),
            Some("true") => " @default(true)".into(),
            Some("now()" | "CURRENT_TIMESTAMP") => " @default(now())".into(),
            Some(_) => return None,
        };
        let column_name = c.name.as_str();
        let field_name = self
            .schema
            .lowered
            .fields
            .iter()
            .find(|((_, _, col), _)| col == column_name)
            .map(|(_, field)| field.clone())
            .or_else(|| is_identifier(column_name).then(|| column_name.to_string()))?;
        if target
            .block
            .fields
            .iter()
            .any(|f| f.name.name == field_name)
        {
            return None;
        }
        let map = if field_name == column_name {
            String::new()
        } else {
            format!(" @map({})", string_literal(column_name))
        };
        let optional = if c.not_null { "" } else { "?" };
        Some(format!(
            "{field_name} {prisma_type}{optional}{default}{map}{native}"
        ))
    }

    fn set_arity(&mut self, target: &Target<'s>, column: &str, arity: Arity) -> Option<()> {
        let field = self.field(target, column)?;
        if field.arity == arity || field.arity == Arity::List {
            return Some(());
        }
        let key = (field.span.file, field.span.start);
        if !self.arity_changed.insert(key) {
            return Some(());
        }
        self.out.edits.push(arity_edit(field, arity));
        // A relation over these fields follows them.
        let relation_field = self.relation_over(target.block, &field.name.name);
        if let Some(rel) = relation_field {
            if rel.arity != arity && self.arity_changed.insert((rel.span.file, rel.span.start)) {
                self.out.edits.push(arity_edit(rel, arity));
            }
        }
        self.step(target, "make", Shown::Source(field.span));
        Some(())
    }

    /// The relation field whose `fields:` lists `scalar`.
    fn relation_over(&self, block: &'s Block, scalar: &str) -> Option<&'s Field> {
        block.fields.iter().find(|f| {
            f.attributes.iter().any(|a| {
                a.name == "relation"
                    && matches!(a.arg("fields", false), Some(Expr::Array(items))
                        if items.iter().any(|i| i.as_const() == Some(scalar)))
            })
        })
    }

    /// A foreign key re-created with another ON DELETE action: `onDelete:` on its
    /// relation field, when nothing else about the key changes.
    fn on_delete(&mut self, target: &Target<'s>, name: &str, fk: &ForeignKeySpec) -> Option<()> {
        let relation_field = self.schema.lowered.relations.get(&(
            target.schema.clone(),
            target.table.clone(),
            name.to_string(),
        ))?;
        let field = target
            .block
            .fields
            .iter()
            .find(|x| x.name.name == *relation_field)?;
        let relation = field.attributes.iter().find(|a| a.name == "relation")?;
        let on_update = relation
            .arg("onUpdate", false)
            .and_then(Expr::as_const)
            .unwrap_or("Cascade");
        if on_update != prisma_action(fk.on_update) {
            return None;
        }
        let new_arg = format!("onDelete: {}", prisma_action(fk.on_delete));
        self.out.edits.push(
            match relation
                .args
                .iter()
                .find(|a| a.name.as_deref() == Some("onDelete"))
            {
                Some(arg) => Edit {
                    file: arg.span.file,
                    start: arg.span.start,
                    end: arg.span.end,
                    text: new_arg,
                },
                None => Edit {
                    file: relation.span.file,
                    start: relation.span.end - 1,
                    end: relation.span.end - 1,
                    text: format!(", {new_arg}"),
                },
            },
        );
        self.step(target, "make", Shown::Source(field.span));
        Some(())
    }

    /// A foreign key where there is none: the relation field, its back-relation
    /// on the referenced model, named when the two models are already related.
    fn new_relation(&mut self, target: &Target<'s>, fk: &ForeignKeySpec) -> Option<()> {
        if let Some(()) = self.relation_mode_foreign_keys(target, fk) {
            return Some(());
        }
        let parent = self.target(&fk.references)?;
        let columns: Vec<String> = fk.columns.iter().map(|c| c.to_string()).collect();
        let referenced: Vec<String> = fk
            .referenced_columns
            .iter()
            .map(|c| c.to_string())
            .collect();
        let scalars = self.fields(target, &columns)?;
        let keys = self.fields(&parent, &referenced)?;
        let model = &target.block.name.name;
        let parent_model = &parent.block.name.name;
        let taken = |block: &Block, name: &str| block.fields.iter().any(|f| f.name.name == name);
        // `offerId` → `offer`, `engagement_id` → `engagement`.
        let single = scalars[0].name.name.as_str();
        let stem = if scalars.len() == 1 {
            single
                .strip_suffix("Id")
                .or_else(|| single.strip_suffix("_id"))
                .or_else(|| single.strip_suffix("ID"))
                .filter(|s| !s.is_empty())
        } else {
            None
        };
        let name = stem
            .map(str::to_string)
            .filter(|n| !taken(target.block, n))
            .or_else(|| Some(lower_first(parent_model)).filter(|n| !taken(target.block, n)))?;
        let back = Some(format!("{}s", lower_first(model)))
            .filter(|n| !taken(parent.block, n))
            .or_else(|| Some(format!("{}{}s", lower_first(model), upper_first(&name))))
            .filter(|n| !taken(parent.block, n))?;
        let related_already = target.block.name.name == parent.block.name.name
            || target
                .block
                .fields
                .iter()
                .any(|f| f.type_name.name == *parent_model)
            || parent
                .block
                .fields
                .iter()
                .any(|f| f.type_name.name == *model);
        let relation_name = related_already.then(|| format!("\"{model}{}\", ", upper_first(&name)));
        let optional = scalars.iter().any(|f| f.arity == Arity::Optional);
        // Both actions written out: Prisma's defaults (Restrict or SetNull by the
        // relation's arity, Cascade on update) are not the SQL's NO ACTION.
        let mut action = format!(", onDelete: {}", prisma_action(fk.on_delete));
        if fk.on_update != FkAction::Cascade {
            action.push_str(&format!(", onUpdate: {}", prisma_action(fk.on_update)));
        }
        let line = format!(
            "{name} {parent_model}{} @relation({}fields: [{}], references: [{}]{action})",
            if optional { "?" } else { "" },
            relation_name.clone().unwrap_or_default(),
            scalars
                .iter()
                .map(|f| f.name.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            keys.iter()
                .map(|f| f.name.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        );
        let back_line = match &relation_name {
            Some(n) => format!("{back} {model}[] @relation({})", n.trim_end_matches(", ")),
            None => format!("{back} {model}[]"),
        };
        self.add_field_line(target, line)?;
        self.add_field_line(&parent, back_line)
    }

    /// A foreign key that a relation declares, left out because the datasource says
    /// `relationMode = "prisma"` (or the older `referentialIntegrity`): remove that
    /// line, and Prisma creates the foreign key of every relation.
    fn relation_mode_foreign_keys(
        &mut self,
        target: &Target<'s>,
        fk: &ForeignKeySpec,
    ) -> Option<()> {
        let [column] = fk.columns.as_slice() else {
            return None;
        };
        let scalar = self.field(target, column)?;
        self.relation_over(target.block, &scalar.name.name)?;
        let (file, key) = self.schema.asts.iter().enumerate().find_map(|(i, ast)| {
            ast.configs
                .iter()
                .filter(|c| c.is_datasource)
                .flat_map(|c| &c.properties)
                .find(|(k, v)| {
                    matches!(k.name.as_str(), "relationMode" | "referentialIntegrity")
                        && v.as_str() == Some("prisma")
                })
                .map(|(k, _)| (i, k))
        })?;
        let text = &self.schema.sources[file].1;
        let start = text[..key.span.start].rfind('\n').map_or(0, |i| i + 1);
        let end = text[key.span.start..]
            .find('\n')
            .map_or(text.len(), |i| key.span.start + i + 1);
        let line = text[start..end].trim().to_string();
        if !self
            .out
            .edits
            .iter()
            .any(|e| e.file == file && e.start == start)
        {
            self.out.edits.push(Edit {
                file,
                start,
                end,
                text: String::new(),
            });
        }
        self.out.steps.push(Step {
            model: "the datasource".into(),
            at: self.schema.where_is(key.span),
            verb: "remove",
            what: Shown::Line(format!(
                "{line}   (Prisma then creates the foreign key of every relation, this one among them)"
            )),
        });
        Some(())
    }

    /// `ALTER COLUMN c TYPE t` without USING: the field's Prisma type and native type.
    fn column_type(
        &mut self,
        target: &Target<'s>,
        column: &str,
        data_type: &crate::model::DataType,
    ) -> Option<()> {
        let field = self.field(target, column)?;
        if field.arity == Arity::List || field.unsupported.is_some() {
            return None;
        }
        let (prisma_type, native) = prisma_type(data_type)?;
        let t = &field.type_name.span;
        if field.type_name.name != prisma_type {
            self.out.edits.push(Edit {
                file: t.file,
                start: t.start,
                end: t.end,
                text: prisma_type.to_string(),
            });
        }
        let old = field.attributes.iter().find(|a| a.name.starts_with("db."));
        let text = &self.schema.sources[field.span.file].1;
        match (old, native.is_empty()) {
            (Some(a), true) => self.out.edits.push(Edit {
                file: a.span.file,
                start: text[..a.span.start].trim_end().len(),
                end: a.span.end,
                text: String::new(),
            }),
            (Some(a), false) => self.out.edits.push(Edit {
                file: a.span.file,
                start: a.span.start,
                end: a.span.end,
                text: native.trim_start().to_string(),
            }),
            (None, false) => {
                let end = attributes_end(field);
                self.out.edits.push(Edit {
                    file: field.span.file,
                    start: end,
                    end,
                    text: native,
                });
            }
            (None, true) => {}
        }
        self.step(target, "make", Shown::Source(field.span));
        Some(())
    }

    /// An index built again under its old name with other operator classes: the
    /// `ops:` of its attribute's fields.
    fn rebuild(&mut self, target: &Target<'s>, index: &CreateIndex) -> Option<()> {
        let name = index.name.as_deref()?;
        let span = self
            .schema
            .constraint_span(&target.schema, &target.table, name)?;
        let attribute = find_attribute(target.block, span)?;
        let Some(Expr::Array(items)) = attribute.arg("fields", true) else {
            return None;
        };
        for key in &index.keys {
            let Some(class) = &key.opclass else {
                continue;
            };
            let field = self.field(target, key.column_name()?)?;
            let args = items.iter().find_map(|item| match item {
                Expr::Call(n, args) if *n == field.name.name => Some(args),
                _ => None,
            })?;
            let ops = args.iter().find(|a| a.name.as_deref() == Some("ops"))?;
            self.out.edits.push(Edit {
                file: ops.span.file,
                start: ops.span.start,
                end: ops.span.end,
                text: format!("ops: {}", prisma_ops(class)?),
            });
        }
        self.step(target, "make", Shown::Source(span));
        Some(())
    }

    fn create_index(&mut self, index: &CreateIndex) -> Option<()> {
        let target = self.target(&index.table)?;
        if self.rebuilding.remove(index.name.as_deref()?) {
            return self.rebuild(&target, index);
        }
        if index.method != "btree" || !index.include.is_empty() || index.nulls_not_distinct {
            return None;
        }
        let mut fields = Vec::new();
        for key in &index.keys {
            let IndexKey::Column(column) = &key.key else {
                return None;
            };
            if key.opclass.is_some() || key.collation.is_some() || key.descending {
                return None;
            }
            fields.push(self.field(&target, column)?.name.name.clone());
        }
        let name = index.name.as_deref()?.to_string();
        if index.unique && index.predicate.is_none() && name.ends_with("_pkey") {
            // Built to become the primary key (`USING INDEX`) in a later statement.
            self.pending_unique.push(index.clone());
            self.created.insert(name);
            return Some(());
        }
        let line = match (&index.predicate, index.unique) {
            (None, false) => format!("@@index([{}])", fields.join(", ")),
            (None, true) => format!("@@unique([{}])", fields.join(", ")),
            (Some(predicate), true) => format!(
                "@@unique([{}], where: raw({}))",
                fields.join(", "),
                string_literal(predicate)
            ),
            _ => return None,
        };
        self.created.insert(name);
        if index.predicate.is_some() {
            self.enable_partial_indexes()?;
        }
        self.add_block_line(&target, line)
    }

    /// A partial index needs Prisma 7.4's `partialIndexes` preview feature: enabled in
    /// the generator unless it is, or no fix when the project is on Prisma 6 or older.
    fn enable_partial_indexes(&mut self) -> Option<()> {
        if self.schema.partial_indexes() || self.enabled_partial_indexes {
            return Some(());
        }
        if self.schema.prisma_major < 7 {
            return None;
        }
        let (file, generator) = self.schema.asts.iter().enumerate().find_map(|(i, ast)| {
            ast.configs
                .iter()
                .find(|c| !c.is_datasource)
                .map(|c| (i, c))
        })?;
        let text = &self.schema.sources[file].1;
        let edit = match generator
            .properties
            .iter()
            .find(|(k, _)| k.name == "previewFeatures")
        {
            Some((key, Expr::Array(items))) => {
                let close = key.span.end + text[key.span.end..].find(']')?;
                Edit {
                    file,
                    start: close,
                    end: close,
                    text: if items.is_empty() {
                        "\"partialIndexes\"".into()
                    } else {
                        ", \"partialIndexes\"".into()
                    },
                }
            }
            Some(_) => return None,
            None => {
                let open = generator.name.span.end + text[generator.name.span.end..].find('{')?;
                let at = open + text[open..].find('\n')? + 1;
                Edit {
                    file,
                    start: at,
                    end: at,
                    text: "  previewFeatures = [\"partialIndexes\"]\n".into(),
                }
            }
        };
        self.out.edits.push(edit);
        self.enabled_partial_indexes = true;
        self.out.partial_index = true;
        self.out.steps.push(Step {
            model: format!("generator {}", generator.name.name),
            at: self.schema.where_is(generator.name.span),
            verb: "enable",
            what: Shown::Line(
                "previewFeatures = [\"partialIndexes\"] (Prisma 7.4 or later)".into(),
            ),
        });
        Some(())
    }

    /// `DROP INDEX`: remove the attribute that declares it.
    fn drop_index(&mut self, object: &ObjectName) -> Option<()> {
        if self.created.contains(object.name.as_str()) {
            return None;
        }
        // Dropped to be built again (with another operator class): an edit of its
        // attribute when it is.
        if self.recreated.contains(object.name.as_str()) {
            self.rebuilding.insert(object.name.to_string());
            return Some(());
        }
        let schema = object.schema.as_deref().unwrap_or(&self.default_schema);
        let (table, span) = self
            .schema
            .lowered
            .origins
            .iter()
            .find_map(|(o, s)| match o {
                Origin::Constraint(sch, table, name)
                    if sch == schema && name == object.name.as_str() =>
                {
                    Some((table.clone(), *s))
                }
                _ => None,
            })?;
        let target = self.target(&ObjectName {
            schema: Some(schema.into()),
            name: table.as_str().into(),
        })?;
        let text = &self.schema.sources[span.file].1;
        let attribute = text[span.start..span.end].to_string();
        if !attribute.starts_with("@unique")
            && !attribute.starts_with("@@unique")
            && !attribute.starts_with("@@index")
        {
            return None;
        }
        let field = target
            .block
            .fields
            .iter()
            .find(|f| f.attributes.iter().any(|a| a.span == span));
        self.out.edits.push(remove_attribute(text, span));
        // A field's attribute: show the field as it becomes.
        match field {
            Some(field) => self.step(&target, "make", Shown::Source(field.span)),
            None => self.step(&target, "remove", Shown::Line(attribute)),
        }
        Some(())
    }

    /// `ADD PRIMARY KEY USING INDEX u`: u's `@unique`/`@@unique` becomes `@id`/`@@id`,
    /// or, for the unique index the fix built for it, `@id` on its column.
    fn primary_key(&mut self, target: &Target<'s>, index: &str) -> Option<()> {
        if let Some(at) = self
            .pending_unique
            .iter()
            .position(|u| u.name.as_deref() == Some(index))
        {
            let unique = self.pending_unique.remove(at);
            let columns: Vec<String> = unique
                .keys
                .iter()
                .filter_map(|k| k.column_name().map(str::to_string))
                .collect();
            let fields = self.fields(target, &columns)?;
            if let [field] = fields.as_slice() {
                self.set_arity(target, &columns[0], Arity::Required)?;
                let end = attributes_end(field);
                self.out.edits.push(Edit {
                    file: field.span.file,
                    start: end,
                    end,
                    text: " @id".into(),
                });
                self.step(target, "make", Shown::Source(field.span));
                return Some(());
            }
            let names: Vec<&str> = fields.iter().map(|f| f.name.name.as_str()).collect();
            return self.add_block_line(target, format!("@@id([{}])", names.join(", ")));
        }
        let span = self
            .schema
            .constraint_span(&target.schema, &target.table, index)?;
        let text = &self.schema.sources[span.file].1;
        let attribute = &text[span.start..span.end];
        let (old, new) = if attribute.starts_with("@@unique") {
            ("@@unique", "@@id")
        } else if attribute.starts_with("@unique") {
            ("@unique", "@id")
        } else {
            return None;
        };
        let attr = find_attribute(target.block, span)?;
        if attr.arg("where", false).is_some() {
            return None;
        }
        self.out.edits.push(Edit {
            file: span.file,
            start: span.start,
            end: span.start + old.len(),
            text: new.into(),
        });
        let shown = target
            .block
            .fields
            .iter()
            .find(|f| f.attributes.iter().any(|a| a.span == span))
            .map_or(span, |f| f.span);
        self.step(target, "make", Shown::Source(shown));
        Some(())
    }
}

impl Schema {
    /// Whether a generator enables Prisma 7.4's `partialIndexes` preview feature.
    pub(super) fn partial_indexes(&self) -> bool {
        self.asts.iter().flat_map(|a| &a.configs).any(|c| {
            !c.is_datasource
                && c.properties.iter().any(|(k, v)| {
                    k.name == "previewFeatures"
                        && matches!(v, Expr::Array(items)
                            if items.iter().any(|i| i.as_str() == Some("partialIndexes")))
                })
        })
    }
}

/// The edit that makes a required field optional (`Int` → `Int?`) or an optional one
/// required (`Int?` → `Int`): the `?` after its type, added or removed.
pub(super) fn arity_edit(field: &Field, arity: Arity) -> Edit {
    let t = &field.type_name.span;
    match arity {
        Arity::Optional => Edit {
            file: t.file,
            start: t.end,
            end: t.end,
            text: "?".into(),
        },
        _ => Edit {
            file: t.file,
            start: t.end,
            end: t.end + 1,
            text: String::new(),
        },
    }
}

/// The end of a field's last attribute (or of its type).
fn attributes_end(field: &Field) -> usize {
    field
        .attributes
        .iter()
        .map(|a| a.span.end)
        .max()
        .unwrap_or(field.type_name.span.end + usize::from(field.arity != Arity::Required))
}

fn find_attribute(block: &Block, span: Span) -> Option<&Attribute> {
    block
        .attributes
        .iter()
        .chain(block.fields.iter().flat_map(|f| &f.attributes))
        .find(|a| a.span == span)
}

/// Remove an attribute: its whole line for a `@@…` alone on it, else the attribute
/// and the blanks before it.
pub(super) fn remove_attribute(text: &str, span: Span) -> Edit {
    let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let own_line = text[line_start..span.start].trim().is_empty();
    if own_line && text[span.start..].starts_with("@@") {
        let end = text[span.end..]
            .find('\n')
            .map_or(text.len(), |i| span.end + i + 1);
        Edit {
            file: span.file,
            start: line_start,
            end,
            text: String::new(),
        }
    } else {
        Edit {
            file: span.file,
            start: text[..span.start].trim_end().len(),
            end: span.end,
            text: String::new(),
        }
    }
}

/// A PostgreSQL type as a Prisma scalar type and native-type attribute (with its
/// leading blank), for the types Prisma maps one to one.
fn prisma_type(t: &crate::model::DataType) -> Option<(&'static str, String)> {
    let precision = |native: &str| match t.modifiers.as_slice() {
        [] => format!(" @db.{native}"),
        [p] => format!(" @db.{native}({p})"),
        _ => String::new(),
    };
    if t.array_dims > 0 || t.schema.is_some() {
        return None;
    }
    Some(match t.name.as_str() {
        "timestamp with time zone" => ("DateTime", precision("Timestamptz")),
        "timestamp without time zone" if t.modifiers == [3] => ("DateTime", String::new()),
        "timestamp without time zone" => ("DateTime", precision("Timestamp")),
        "boolean" => ("Boolean", String::new()),
        "text" => ("String", String::new()),
        "character varying" => ("String", precision("VarChar")),
        "smallint" => ("Int", " @db.SmallInt".into()),
        "integer" => ("Int", String::new()),
        "bigint" => ("BigInt", String::new()),
        "uuid" => ("String", " @db.Uuid".into()),
        "jsonb" => ("Json", String::new()),
        "json" => ("Json", " @db.Json".into()),
        _ => return None,
    })
}

/// An operator class in Prisma's words (`timestamptz_minmax_multi_ops` →
/// `TimestampTzMinMaxMultiOps`), when it reads back to the same class.
fn prisma_ops(class: &str) -> Option<String> {
    let class = class.strip_prefix("pg_catalog.").unwrap_or(class);
    let name: String = class
        .split('_')
        .map(|part| match part {
            "minmax" => "MinMax".to_string(),
            "timestamptz" => "TimestampTz".to_string(),
            "timetz" => "TimeTz".to_string(),
            "varbit" => "VarBit".to_string(),
            other => upper_first(other),
        })
        .collect();
    (super::super::lower::opclass_name(&name) == class).then_some(name)
}

fn prisma_action(action: FkAction) -> &'static str {
    match action {
        FkAction::NoAction => "NoAction",
        FkAction::Restrict => "Restrict",
        FkAction::Cascade => "Cascade",
        FkAction::SetNull => "SetNull",
        FkAction::SetDefault => "SetDefault",
    }
}

/// A name PSL accepts as a field name without `@map`.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_lowercase().chain(c).collect())
        .unwrap_or_default()
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// A PSL string literal (JSON escapes).
fn string_literal(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}
