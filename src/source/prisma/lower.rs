//! From a parsed Prisma schema to the SQL Prisma Migrate runs for it on an empty
//! PostgreSQL database (`prisma migrate diff --from-empty --to-schema`), which replay
//! then turns into the model, so a `schema.prisma` and the migration Prisma writes
//! for it are read by one model builder.
//!
//! The mapping follows prisma-engines (file names relative to its repository):
//! column types `psl/builtin-connectors/src/postgres_datamodel_connector.rs` and
//! `sql_renderer/postgres_renderer.rs`; defaults `sql_schema_calculator.rs`;
//! constraint and index names `psl/psl-core/src/datamodel_connector/constraint_names.rs`
//! (63-byte truncation that keeps the suffix); relations and implicit many-to-many
//! tables `psl/parser-database/src/relations.rs` and
//! `walkers/relation/implicit_many_to_many.rs`. Tests hold the result to Prisma's own
//! engine (`tools/prisma-oracle`, `tests/prisma.rs`).

use super::parse::{Arity, Ast, Attribute, Block, BlockKind, EnumBlock, Expr, Field, Span};
use std::collections::BTreeMap;
use std::fmt::Write;

/// PostgreSQL's `NAMEDATALEN - 1`: longer names are cut (Prisma cuts them itself,
/// keeping the suffix).
const MAX_NAME: usize = 63;

/// The namespace Prisma leaves unqualified (the connection's schema, `public`).
const DEFAULT_SCHEMA: &str = "public";

/// What a lowered schema object came from, to point findings at the PSL source.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    /// (schema, table)
    Table(String, String),
    /// (schema, table, column)
    Column(String, String, String),
    /// (schema, table, constraint or index name)
    Constraint(String, String, String),
    /// (schema, enum)
    Enum(String, String),
}

/// The SQL, and where each object it creates is declared.
pub struct Lowered {
    pub sql: String,
    pub origins: Vec<(Origin, Span)>,
    pub errors: Vec<(Span, String)>,
    /// (schema, table) → the model that declares it.
    pub models: BTreeMap<(String, String), String>,
    /// (schema, table, column) → the field that declares it.
    pub fields: BTreeMap<(String, String, String), String>,
    /// (schema, table, foreign key) → the relation field whose `@relation` declares it.
    pub relations: BTreeMap<(String, String, String), String>,
    /// (schema, table) of each implicit many-to-many table → its two models (A, B).
    pub join_tables: BTreeMap<(String, String), (String, String)>,
}

/// A model resolved: its table and columns' database names.
struct ModelInfo<'a> {
    block: &'a Block,
    schema: String,
    table: String,
}

struct Lowering<'a> {
    models: BTreeMap<&'a str, ModelInfo<'a>>,
    /// Model names in declaration order.
    order: Vec<&'a str>,
    enums: BTreeMap<&'a str, (&'a EnumBlock, String, String)>,
    origins: Vec<(Origin, Span)>,
    errors: Vec<(Span, String)>,
    foreign_keys: bool,
    /// Implicit many-to-many tables get a primary key (Prisma 6+), else a unique index.
    join_primary_key: bool,
    fields: BTreeMap<(String, String, String), String>,
    relations: BTreeMap<(String, String, String), String>,
    join_tables: BTreeMap<(String, String), (String, String)>,
}

/// Lower every file's declarations (already read) to the SQL Prisma Migrate 6 and
/// later write.
pub fn lower(asts: &[Ast]) -> Lowered {
    lower_for(asts, 6)
}

/// [`lower`] for a Prisma major version: before 6, an implicit many-to-many table has
/// a unique index `_AB_unique` on (A, B) where Prisma 6 gives it a primary key
/// `_AB_pkey` (Prisma 6.0.0 release notes).
pub fn lower_for(asts: &[Ast], prisma_major: u32) -> Lowered {
    let blocks: Vec<&Block> = asts.iter().flat_map(|a| &a.blocks).collect();
    let enums: Vec<&EnumBlock> = asts.iter().flat_map(|a| &a.enums).collect();
    let configs: Vec<_> = asts.iter().flat_map(|a| &a.configs).collect();
    let mut errors = Vec::new();
    let datasource = configs.iter().find(|c| c.is_datasource);
    let property = |key: &str| {
        datasource.and_then(|d| {
            d.properties
                .iter()
                .find(|(k, _)| k.name == key)
                .map(|(_, v)| v)
        })
    };
    if let Some(Expr::Str(provider)) = property("provider") {
        if provider != "postgresql" && provider != "postgres" {
            let span = datasource.map(|d| d.name.span).unwrap_or_default();
            errors.push((
                span,
                format!("datasource provider is \"{provider}\": dblint reads PostgreSQL schemas (provider = \"postgresql\")"),
            ));
        }
    }
    // `referentialIntegrity` is relationMode's old name, still honoured.
    let foreign_keys = property("relationMode")
        .or_else(|| property("referentialIntegrity"))
        .and_then(Expr::as_str)
        != Some("prisma");
    let mut l = Lowering {
        models: BTreeMap::new(),
        order: Vec::new(),
        enums: BTreeMap::new(),
        origins: Vec::new(),
        errors,
        foreign_keys,
        join_primary_key: prisma_major >= 6,
        fields: BTreeMap::new(),
        relations: BTreeMap::new(),
        join_tables: BTreeMap::new(),
    };
    for block in blocks.iter().filter(|b| b.kind == BlockKind::Model) {
        let table = attr(&block.attributes, "map")
            .and_then(|a| a.arg("name", true))
            .and_then(Expr::as_str)
            .unwrap_or(&block.name.name)
            .to_string();
        let schema = schema_of(&block.attributes);
        if l.models.contains_key(block.name.name.as_str()) {
            l.errors.push((
                block.name.span,
                format!("model {} is declared twice", block.name.name),
            ));
            continue;
        }
        l.order.push(&block.name.name);
        l.models.insert(
            &block.name.name,
            ModelInfo {
                block,
                schema,
                table,
            },
        );
    }
    for e in &enums {
        let db_name = attr(&e.attributes, "map")
            .and_then(|a| a.arg("name", true))
            .and_then(Expr::as_str)
            .unwrap_or(&e.name.name)
            .to_string();
        l.enums
            .insert(&e.name.name, (e, schema_of(&e.attributes), db_name));
    }
    let views: Vec<&str> = blocks
        .iter()
        .filter(|b| b.kind != BlockKind::Model)
        .map(|b| b.name.name.as_str())
        .collect();

    let mut sql = String::new();
    // Schemas: the default one, or, with `schemas = [...]` (multiSchema), every one
    // that holds a model or an enum (a listed schema with neither is not created).
    let mut schemas: Vec<String> = match property("schemas") {
        Some(Expr::Array(_)) => l
            .models
            .values()
            .map(|m| m.schema.clone())
            .chain(l.enums.values().map(|(_, schema, _)| schema.clone()))
            .collect(),
        _ => vec![DEFAULT_SCHEMA.to_string()],
    };
    schemas.sort();
    schemas.dedup();
    for s in &schemas {
        let _ = writeln!(sql, "CREATE SCHEMA IF NOT EXISTS {};\n", quote(s));
    }
    if let Some(Expr::Array(items)) = property("extensions") {
        for item in items {
            let (name, args) = match item {
                Expr::Const(n) => (n.clone(), Vec::new()),
                Expr::Call(n, args) => (n.clone(), args.clone()),
                _ => continue,
            };
            let get = |k: &str| {
                args.iter()
                    .find(|a| a.name.as_deref() == Some(k))
                    .and_then(|a| a.value.as_str())
            };
            let name = get("map").unwrap_or(&name).to_string();
            let _ = write!(sql, "CREATE EXTENSION IF NOT EXISTS {}", quote(&name));
            if get("schema").is_some() || get("version").is_some() {
                sql.push_str(" WITH");
            }
            if let Some(s) = get("schema") {
                let _ = write!(sql, " SCHEMA {}", quote(s));
            }
            if let Some(v) = get("version") {
                let _ = write!(sql, " VERSION {}", quote(v));
            }
            sql.push_str(";\n\n");
        }
    }
    for e in &enums {
        let (_, schema, db_name) = &l.enums[e.name.name.as_str()];
        l.origins
            .push((Origin::Enum(schema.clone(), db_name.clone()), e.name.span));
        let values: Vec<String> = e
            .values
            .iter()
            .map(|v| {
                let name = attr(&v.attributes, "map")
                    .and_then(|a| a.arg("name", true))
                    .and_then(Expr::as_str)
                    .unwrap_or(&v.name.name);
                literal(name)
            })
            .collect();
        let _ = writeln!(
            sql,
            "CREATE TYPE {} AS ENUM ({});\n",
            qualified(schema, db_name),
            values.join(", ")
        );
    }
    let mut indexes = String::new();
    let mut fks = String::new();
    for name in l.order.clone() {
        let table_sql = l.table(name, &views, &mut indexes, &mut fks);
        sql.push_str(&table_sql);
    }
    let (join_tables, join_indexes, join_fks) = l.join_tables(&views);
    sql.push_str(&join_tables);
    sql.push_str(&indexes);
    sql.push_str(&join_indexes);
    sql.push_str(&fks);
    sql.push_str(&join_fks);
    // Keyed by the names PostgreSQL keeps: it cuts a longer table or column name
    // (Prisma cuts only the constraint and index names it makes up).
    let kept = |s: &str| cut(s, MAX_NAME).to_string();
    let models = l
        .models
        .iter()
        .map(|(name, m)| ((kept(&m.schema), kept(&m.table)), name.to_string()))
        .collect();
    let origins = l
        .origins
        .into_iter()
        .map(|(o, span)| {
            let o = match o {
                Origin::Table(s, t) => Origin::Table(kept(&s), kept(&t)),
                Origin::Column(s, t, c) => Origin::Column(kept(&s), kept(&t), kept(&c)),
                Origin::Constraint(s, t, c) => Origin::Constraint(kept(&s), kept(&t), kept(&c)),
                Origin::Enum(s, e) => Origin::Enum(kept(&s), kept(&e)),
            };
            (o, span)
        })
        .collect();
    Lowered {
        sql,
        origins,
        errors: l.errors,
        models,
        fields: l
            .fields
            .into_iter()
            .map(|((s, t, c), f)| ((kept(&s), kept(&t), kept(&c)), f))
            .collect(),
        relations: l
            .relations
            .into_iter()
            .map(|((s, t, c), f)| ((kept(&s), kept(&t), kept(&c)), f))
            .collect(),
        join_tables: l
            .join_tables
            .into_iter()
            .map(|((s, t), ab)| ((kept(&s), kept(&t)), ab))
            .collect(),
    }
}

/// The attribute named `name` (`map` for `@map` or `@@map`) in a list.
fn attr<'a>(attrs: &'a [Attribute], name: &str) -> Option<&'a Attribute> {
    attrs.iter().find(|a| a.name == name)
}

fn schema_of(attrs: &[Attribute]) -> String {
    attr(attrs, "schema")
        .and_then(|a| a.arg("name", true))
        .and_then(Expr::as_str)
        .unwrap_or(DEFAULT_SCHEMA)
        .to_string()
}

/// `"name"`, with `"` doubled.
pub fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn qualified(schema: &str, name: &str) -> String {
    if schema == DEFAULT_SCHEMA {
        quote(name)
    } else {
        format!("{}.{}", quote(schema), quote(name))
    }
}

/// A SQL string literal.
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// `text` cut to at most `max` bytes, at a character boundary.
fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Prisma's default name for an index or constraint: `{table}_{columns}` cut so the
/// suffix fits in 63 bytes, then the suffix (`_key`, `_idx`, `_fkey`).
pub fn default_name(table: &str, columns: &[String], suffix: &str) -> String {
    let base = format!("{table}_{}", columns.join("_"));
    format!("{}{suffix}", cut(&base, MAX_NAME - suffix.len()))
}

impl<'a> Lowering<'a> {
    fn column_name(field: &Field) -> String {
        attr(&field.attributes, "map")
            .and_then(|a| a.arg("name", true))
            .and_then(Expr::as_str)
            .unwrap_or(&field.name.name)
            .to_string()
    }

    fn field<'b>(block: &'b Block, name: &str) -> Option<&'b Field> {
        block.fields.iter().find(|f| f.name.name == name)
    }

    /// Whether a field holds a column (it is not a relation to another model, and
    /// the model is not a view).
    fn is_scalar(&self, field: &Field, views: &[&str]) -> bool {
        !self.models.contains_key(field.type_name.name.as_str())
            && !views.contains(&field.type_name.name.as_str())
    }

    /// Column names of a list of field references (`[a, b(sort: Desc)]`) with their
    /// per-field arguments.
    fn field_list(
        &mut self,
        block: &Block,
        expr: Option<&Expr>,
        span: Span,
    ) -> Vec<(String, Vec<super::parse::Arg>)> {
        let mut out = Vec::new();
        let items = match expr {
            Some(Expr::Array(items)) => items.clone(),
            _ => {
                self.errors
                    .push((span, "expected a list of fields: [a, b]".into()));
                return out;
            }
        };
        for item in items {
            let (name, args) = match item {
                Expr::Const(n) => (n, Vec::new()),
                Expr::Call(n, args) => (n, args),
                _ => continue,
            };
            match Self::field(block, &name) {
                Some(f) => out.push((Self::column_name(f), args)),
                None => self.errors.push((
                    span,
                    format!("model {} has no field `{name}`", block.name.name),
                )),
            }
        }
        out
    }

    /// Attributes Prisma does not know are errors, as in Prisma (a typo such as
    /// `@uniqe` must not silently grade another schema), and so are index types.
    fn check_attributes(&mut self, block: &Block) {
        const FIELD: [&str; 7] = [
            "id",
            "default",
            "unique",
            "relation",
            "map",
            "updatedAt",
            "ignore",
        ];
        const BLOCK: [&str; 6] = ["id", "unique", "index", "map", "schema", "ignore"];
        const TYPES: [&str; 6] = ["BTree", "Hash", "Gist", "Gin", "SpGist", "Brin"];
        for field in &block.fields {
            for a in &field.attributes {
                if !FIELD.contains(&a.name.as_str()) && !a.name.starts_with("db.") {
                    self.errors.push((
                        a.span,
                        format!("unknown field attribute `@{}` (Prisma's are @id, @default, @unique, @relation, @map, @updatedAt, @ignore and @db.*)", a.name),
                    ));
                }
            }
        }
        for a in &block.attributes {
            if !BLOCK.contains(&a.name.as_str()) {
                self.errors.push((
                    a.span,
                    format!("unknown block attribute `@@{}` (Prisma's are @@id, @@unique, @@index, @@map, @@schema and @@ignore on PostgreSQL)", a.name),
                ));
            }
            if let Some(t) = a.arg("type", false) {
                if !t.as_const().is_some_and(|t| TYPES.contains(&t)) {
                    self.errors.push((
                        a.span,
                        "index type must be BTree, Hash, Gist, Gin, SpGist or Brin".into(),
                    ));
                }
            }
        }
    }

    /// The column type Prisma renders for a scalar field, without `[]`.
    fn column_type(&mut self, field: &Field) -> Option<String> {
        if let Some(text) = &field.unsupported {
            return Some(text.clone());
        }
        if let Some((_, schema, db_name)) = self.enums.get(field.type_name.name.as_str()) {
            return Some(qualified(schema, db_name));
        }
        if let Some(native) = field.attributes.iter().find(|a| a.name.starts_with("db.")) {
            let args: Vec<String> = native
                .args
                .iter()
                .filter_map(|a| match &a.value {
                    Expr::Num(n) => Some(n.clone()),
                    _ => None,
                })
                .collect();
            let with = |base: &str| {
                if args.is_empty() {
                    base.to_string()
                } else {
                    format!("{base}({})", args.join(","))
                }
            };
            let name = &native.name[3..];
            let rendered = match name {
                "SmallInt" => "SMALLINT".into(),
                "Integer" => "INTEGER".into(),
                "BigInt" => "BIGINT".into(),
                "Decimal" => with("DECIMAL"),
                "Money" => "MONEY".into(),
                "Inet" => "INET".into(),
                "Citext" => "CITEXT".into(),
                "Oid" => "OID".into(),
                "Real" => "REAL".into(),
                "DoublePrecision" => "DOUBLE PRECISION".into(),
                "VarChar" => with("VARCHAR"),
                "Char" => with("CHAR"),
                "Text" => "TEXT".into(),
                "ByteA" => "BYTEA".into(),
                "Timestamp" => with("TIMESTAMP"),
                "Timestamptz" => with("TIMESTAMPTZ"),
                "Time" => with("TIME"),
                "Timetz" => with("TIMETZ"),
                "Date" => "DATE".into(),
                "Boolean" => "BOOLEAN".into(),
                "Bit" => with("BIT"),
                "VarBit" => with("VARBIT"),
                "Uuid" => "UUID".into(),
                "Xml" => "XML".into(),
                "Json" => "JSON".into(),
                "JsonB" => "JSONB".into(),
                other => {
                    self.errors.push((
                        native.span,
                        format!("unknown PostgreSQL native type `@db.{other}`"),
                    ));
                    return None;
                }
            };
            return Some(rendered);
        }
        let rendered = match field.type_name.name.as_str() {
            "Int" => "INTEGER",
            "BigInt" => "BIGINT",
            "Float" => "DOUBLE PRECISION",
            "Decimal" => "DECIMAL(65,30)",
            "Boolean" => "BOOLEAN",
            "String" => "TEXT",
            "DateTime" => "TIMESTAMP(3)",
            "Bytes" => "BYTEA",
            "Json" => "JSONB",
            other => {
                self.errors.push((
                    field.type_name.span,
                    format!("unknown type `{other}`: not a scalar type, enum or model"),
                ));
                return None;
            }
        };
        Some(rendered.to_string())
    }

    /// `CREATE TABLE` for a model; its indexes and foreign keys go to `indexes` and
    /// `fks` (Prisma creates them after every table).
    fn table(
        &mut self,
        model: &'a str,
        views: &[&str],
        indexes: &mut String,
        fks: &mut String,
    ) -> String {
        let info = &self.models[model];
        let block = info.block;
        let (schema, table) = (info.schema.clone(), info.table.clone());
        let qualified_table = qualified(&schema, &table);
        self.origins.push((
            Origin::Table(schema.clone(), table.clone()),
            block.name.span,
        ));
        self.check_attributes(block);
        let mut lines = Vec::new();
        let mut primary: Option<(String, Vec<String>, Span)> = None;
        for field in &block.fields {
            if !self.is_scalar(field, views) {
                continue;
            }
            let column = Self::column_name(field);
            self.origins.push((
                Origin::Column(schema.clone(), table.clone(), column.clone()),
                field.span,
            ));
            self.fields.insert(
                (schema.clone(), table.clone(), column.clone()),
                field.name.name.clone(),
            );
            let Some(mut ty) = self.column_type(field) else {
                continue;
            };
            let list = field.arity == Arity::List;
            let default = attr(&field.attributes, "default");
            let serial = default
                .and_then(|d| d.arg("value", true))
                .is_some_and(|v| matches!(v, Expr::Call(n, _) if n == "autoincrement"));
            if serial {
                ty = match ty.as_str() {
                    "SMALLINT" => "SMALLSERIAL".into(),
                    "BIGINT" => "BIGSERIAL".into(),
                    _ => "SERIAL".into(),
                };
            }
            let full_type = if list { format!("{ty}[]") } else { ty.clone() };
            let mut line = format!("    {} {full_type}", quote(&column));
            if field.arity == Arity::Required {
                line.push_str(" NOT NULL");
            }
            if let Some(d) = default.filter(|_| !serial) {
                if let Some(sql) = self.default_sql(field, d, &full_type) {
                    let _ = write!(line, " DEFAULT {sql}");
                }
            }
            lines.push(line);
            if let Some(id) = attr(&field.attributes, "id") {
                let name = id
                    .arg("map", false)
                    .and_then(Expr::as_str)
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("{}_pkey", cut(&table, MAX_NAME - 5)));
                primary = Some((name, vec![column.clone()], id.span));
            }
            if let Some(unique) = attr(&field.attributes, "unique") {
                let name = unique
                    .arg("map", false)
                    .and_then(Expr::as_str)
                    .map(str::to_string)
                    .unwrap_or_else(|| default_name(&table, std::slice::from_ref(&column), "_key"));
                let where_sql = self.predicate(block, unique);
                self.origins.push((
                    Origin::Constraint(schema.clone(), table.clone(), name.clone()),
                    unique.span,
                ));
                let sort = match unique.arg("sort", false).and_then(Expr::as_const) {
                    Some("Desc") => " DESC",
                    Some("Asc") => " ASC",
                    _ => "",
                };
                let _ = writeln!(
                    indexes,
                    "CREATE UNIQUE INDEX {} ON {qualified_table}({}{sort}){where_sql};\n",
                    quote(&name),
                    quote(&column)
                );
            }
        }
        for attr in &block.attributes {
            match attr.name.as_str() {
                "id" => {
                    let cols: Vec<String> = self
                        .field_list(block, attr.arg("fields", true), attr.span)
                        .into_iter()
                        .map(|(c, _)| c)
                        .collect();
                    let name = attr
                        .arg("map", false)
                        .and_then(Expr::as_str)
                        .map(str::to_string)
                        .unwrap_or_else(|| format!("{}_pkey", cut(&table, MAX_NAME - 5)));
                    if !cols.is_empty() {
                        primary = Some((name, cols, attr.span));
                    }
                }
                "unique" | "index" => {
                    let unique = attr.name == "unique";
                    let keys = self.field_list(block, attr.arg("fields", true), attr.span);
                    let cols: Vec<String> = keys.iter().map(|(c, _)| c.clone()).collect();
                    // On @@index, `name:` is the old spelling of `map:` (on @@unique it
                    // names the client's compound key, not the index).
                    let name = attr
                        .arg("map", false)
                        .or_else(|| (!unique).then(|| attr.arg("name", false)).flatten())
                        .and_then(Expr::as_str)
                        .map(str::to_string)
                        .unwrap_or_else(|| {
                            default_name(&table, &cols, if unique { "_key" } else { "_idx" })
                        });
                    if cols.is_empty() {
                        continue;
                    }
                    let method = attr
                        .arg("type", false)
                        .and_then(Expr::as_const)
                        .filter(|t| *t != "BTree")
                        .map(|t| format!(" USING {}", t.to_uppercase()))
                        .unwrap_or_default();
                    let rendered: Vec<String> = keys
                        .iter()
                        .map(|(col, args)| {
                            let mut k = quote(col);
                            for a in args {
                                match (a.name.as_deref(), &a.value) {
                                    (Some("ops"), Expr::Call(f, inner)) if f == "raw" => {
                                        if let Some(Expr::Str(s)) = inner.first().map(|a| &a.value)
                                        {
                                            let _ = write!(k, " {s}");
                                        }
                                    }
                                    (Some("ops"), Expr::Const(c)) => {
                                        let _ = write!(k, " {}", opclass_name(c));
                                    }
                                    (Some("sort"), Expr::Const(s)) if s == "Desc" => {
                                        k.push_str(" DESC")
                                    }
                                    (Some("sort"), Expr::Const(s)) if s == "Asc" => {
                                        k.push_str(" ASC")
                                    }
                                    _ => {}
                                }
                            }
                            k
                        })
                        .collect();
                    let where_sql = self.predicate(block, attr);
                    self.origins.push((
                        Origin::Constraint(schema.clone(), table.clone(), name.clone()),
                        attr.span,
                    ));
                    let space = if method.is_empty() { "" } else { " " };
                    let _ = writeln!(
                        indexes,
                        "CREATE {}INDEX {} ON {qualified_table}{method}{space}({}){where_sql};\n",
                        if unique { "UNIQUE " } else { "" },
                        quote(&name),
                        rendered.join(", ")
                    );
                }
                _ => {}
            }
        }
        let mut constraint = String::new();
        if let Some((name, cols, span)) = &primary {
            self.origins.push((
                Origin::Constraint(schema.clone(), table.clone(), name.clone()),
                *span,
            ));
            let cols: Vec<String> = cols.iter().map(|c| quote(c)).collect();
            constraint = format!(
                ",\n\n    CONSTRAINT {} PRIMARY KEY ({})",
                quote(name),
                cols.join(",")
            );
        }
        // Inline relations: a foreign key on the side that lists `fields`.
        for field in &block.fields {
            let Some(target) = self.models.get(field.type_name.name.as_str()) else {
                continue;
            };
            let Some(relation) = attr(&field.attributes, "relation") else {
                continue;
            };
            let Some(fields_expr) = relation.arg("fields", false) else {
                continue;
            };
            let (target_block, target_schema, target_table) =
                (target.block, target.schema.clone(), target.table.clone());
            let cols = self.field_list(block, Some(fields_expr), relation.span);
            let refs = self.field_list(
                target_block,
                relation.arg("references", false),
                relation.span,
            );
            if !self.foreign_keys {
                continue;
            }
            let cols: Vec<String> = cols.into_iter().map(|(c, _)| c).collect();
            let refs: Vec<String> = refs.into_iter().map(|(c, _)| c).collect();
            // A field that does not exist was reported; write no broken statement.
            if cols.is_empty() || cols.len() != refs.len() {
                continue;
            }
            let any_required = match fields_expr {
                Expr::Array(items) => items.iter().any(|i| {
                    i.as_const()
                        .and_then(|n| Self::field(block, n))
                        .is_some_and(|f| f.arity == Arity::Required)
                }),
                _ => false,
            };
            let mut action = |key: &str, default: &str| -> String {
                let named = relation
                    .arg(key, false)
                    .map(|e| e.as_const().unwrap_or("?"))
                    .unwrap_or(default);
                match named {
                    "Cascade" => "CASCADE",
                    "Restrict" => "RESTRICT",
                    "NoAction" => "NO ACTION",
                    "SetNull" => "SET NULL",
                    "SetDefault" => "SET DEFAULT",
                    other => {
                        self.errors.push((
                            relation.span,
                            format!("{key}: {other} is not a referential action (Cascade, Restrict, NoAction, SetNull or SetDefault)"),
                        ));
                        "NO ACTION"
                    }
                }
                .to_string()
            };
            let on_delete = action(
                "onDelete",
                if any_required { "Restrict" } else { "SetNull" },
            );
            let on_update = action("onUpdate", "Cascade");
            let name = relation
                .arg("map", false)
                .and_then(Expr::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| default_name(&table, &cols, "_fkey"));
            self.origins.push((
                Origin::Constraint(schema.clone(), table.clone(), name.clone()),
                relation.span,
            ));
            self.relations.insert(
                (schema.clone(), table.clone(), name.clone()),
                field.name.name.clone(),
            );
            let q = |cs: &[String]| cs.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", ");
            let _ = writeln!(
                fks,
                "ALTER TABLE {qualified_table} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {}({}) ON DELETE {on_delete} ON UPDATE {on_update};\n",
                quote(&name),
                q(&cols),
                qualified(&target_schema, &target_table),
                q(&refs)
            );
        }
        format!(
            "CREATE TABLE {qualified_table} (\n{}{constraint}\n);\n\n",
            lines.join(",\n")
        )
    }

    /// ` WHERE (…)` for a partial index (`where: raw("…")` or `where: { field: value }`).
    fn predicate(&mut self, block: &Block, attr: &Attribute) -> String {
        match attr.arg("where", false) {
            Some(Expr::Call(f, args)) if f == "raw" => match args.first().map(|a| &a.value) {
                Some(Expr::Str(s)) => format!(" WHERE ({s})"),
                _ => String::new(),
            },
            Some(Expr::Object(entries)) => {
                let mut terms = Vec::new();
                for (key, value) in entries {
                    let column = Self::field(block, key)
                        .map(Self::column_name)
                        .unwrap_or_else(|| key.clone());
                    let col = quote(&column);
                    let term = match value {
                        Expr::Object(inner) => match inner.first() {
                            Some((op, v)) if op == "not" => match scalar_sql(v) {
                                Some(s) if s == "NULL" => format!("{col} IS NOT NULL"),
                                Some(s) => format!("{col} != {s}"),
                                None => continue,
                            },
                            _ => continue,
                        },
                        v => match scalar_sql(v) {
                            Some(s) if s == "NULL" => format!("{col} IS NULL"),
                            Some(s) => format!("{col} = {s}"),
                            None => continue,
                        },
                    };
                    terms.push(term);
                }
                if terms.is_empty() {
                    String::new()
                } else {
                    format!(" WHERE ({})", terms.join(" AND "))
                }
            }
            Some(_) => {
                self.errors.push((
                    attr.span,
                    "where: takes raw(\"…\") or an object { field: value }".into(),
                ));
                String::new()
            }
            None => String::new(),
        }
    }

    /// The database default of `@default(…)`, or `None` for defaults Prisma's client
    /// fills in (`uuid()`, `cuid()`, …) and `dbgenerated()` with no argument.
    fn default_sql(&mut self, field: &Field, attr: &Attribute, full_type: &str) -> Option<String> {
        let value = attr.arg("value", true)?;
        if let Expr::Call(f, args) = value {
            return match f.as_str() {
                "now" => Some("CURRENT_TIMESTAMP".into()),
                "dbgenerated" => args
                    .first()
                    .and_then(|a| a.value.as_str())
                    .map(str::to_string),
                _ => None,
            };
        }
        if let Expr::Array(items) = value {
            let rendered: Vec<String> = items
                .iter()
                .filter_map(|i| self.scalar_default(field, i))
                .collect();
            return Some(format!("ARRAY[{}]::{full_type}", rendered.join(", ")));
        }
        self.scalar_default(field, value)
    }

    fn scalar_default(&mut self, field: &Field, value: &Expr) -> Option<String> {
        let ty = field.type_name.name.as_str();
        if let Some((e, _, _)) = self.enums.get(ty) {
            let name = value.as_const()?;
            let mapped = e
                .values
                .iter()
                .find(|v| v.name.name == name)
                .and_then(|v| attr(&v.attributes, "map"))
                .and_then(|a| a.arg("name", true))
                .and_then(Expr::as_str)
                .unwrap_or(name);
            return Some(literal(mapped));
        }
        match (ty, value) {
            // A Decimal default may be written as a string: Prisma writes the number.
            ("Decimal", Expr::Str(s)) => match decimal_string(s) {
                Some(n) => Some(n),
                None => {
                    self.errors.push((
                        field.span,
                        format!("default \"{s}\" is not a decimal number"),
                    ));
                    None
                }
            },
            ("DateTime", Expr::Str(s)) => match chrono_display(s) {
                Some(d) => Some(literal(&d)),
                None => {
                    self.errors.push((
                        field.span,
                        format!("default \"{s}\" is not an RFC 3339 date and time"),
                    ));
                    None
                }
            },
            ("Bytes", Expr::Str(s)) => {
                use base64::Engine;
                match base64::engine::general_purpose::STANDARD.decode(s) {
                    Ok(bytes) => {
                        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
                        Some(format!("'\\x{hex}'"))
                    }
                    Err(_) => {
                        self.errors
                            .push((field.span, format!("default \"{s}\" is not base64")));
                        None
                    }
                }
            }
            (_, v) => scalar_sql(v),
        }
    }

    /// Implicit many-to-many tables: `CREATE TABLE "_AToB"`, its index on `B` and
    /// its two cascading foreign keys.
    fn join_tables(&mut self, views: &[&str]) -> (String, String, String) {
        let (mut tables, mut indexes, mut fks) = (String::new(), String::new(), String::new());
        let mut seen = std::collections::BTreeSet::new();
        for model in self.order.clone() {
            let block = self.models[model].block;
            for field in &block.fields {
                if field.arity != Arity::List {
                    continue;
                }
                let target = field.type_name.name.as_str();
                if !self.models.contains_key(target) || views.contains(&target) {
                    continue;
                }
                let relation = attr(&field.attributes, "relation");
                if relation.is_some_and(|r| r.arg("fields", false).is_some()) {
                    continue;
                }
                let rel_name = relation
                    .and_then(|r| r.arg("name", true))
                    .and_then(Expr::as_str)
                    .map(str::to_string);
                // The field on the other side: a list back to this model, same name.
                let target_block = self.models[target].block;
                let back = target_block.fields.iter().find(|f| {
                    f.type_name.name == model
                        && f.arity == Arity::List
                        && !(target == model && f.name.name == field.name.name)
                        && attr(&f.attributes, "relation")
                            .and_then(|r| r.arg("name", true))
                            .and_then(Expr::as_str)
                            .map(str::to_string)
                            == rel_name
                        && attr(&f.attributes, "relation")
                            .is_none_or(|r| r.arg("fields", false).is_none())
                });
                if back.is_none() {
                    continue;
                }
                let (a, b) = if model <= target {
                    (model, target)
                } else {
                    (target, model)
                };
                let name = rel_name.unwrap_or_else(|| format!("{a}To{b}"));
                if !seen.insert(name.clone()) {
                    continue;
                }
                let table = cut(&format!("_{name}"), MAX_NAME).to_string();
                let schema = self.models[a].schema.clone();
                let qt = qualified(&schema, &table);
                let pk_type = |m: &str, l: &mut Self| -> Option<(String, String, String)> {
                    let info = &l.models[m];
                    let blk = info.block;
                    let pk_field = blk
                        .fields
                        .iter()
                        .find(|f| attr(&f.attributes, "id").is_some())
                        .or_else(|| {
                            let id = attr(&blk.attributes, "id")?;
                            match id.arg("fields", true)? {
                                Expr::Array(items) => Self::field(blk, items.first()?.as_const()?),
                                _ => None,
                            }
                        })?;
                    let (schema, table) = (info.schema.clone(), info.table.clone());
                    let ty = l.column_type(pk_field)?;
                    Some((qualified(&schema, &table), Self::column_name(pk_field), ty))
                };
                let (Some((a_table, a_col, a_type)), Some((b_table, b_col, b_type))) =
                    (pk_type(a, self), pk_type(b, self))
                else {
                    continue;
                };
                self.origins
                    .push((Origin::Table(schema.clone(), table.clone()), field.span));
                self.join_tables.insert(
                    (schema.clone(), table.clone()),
                    (a.to_string(), b.to_string()),
                );
                if self.join_primary_key {
                    let _ = writeln!(
                        tables,
                        "CREATE TABLE {qt} (\n    \"A\" {a_type} NOT NULL,\n    \"B\" {b_type} NOT NULL,\n\n    CONSTRAINT {} PRIMARY KEY (\"A\",\"B\")\n);\n",
                        quote(&format!("{}_AB_pkey", cut(&table, MAX_NAME - 8)))
                    );
                } else {
                    let _ = writeln!(
                        tables,
                        "CREATE TABLE {qt} (\n    \"A\" {a_type} NOT NULL,\n    \"B\" {b_type} NOT NULL\n);\n"
                    );
                    let _ = writeln!(
                        indexes,
                        "CREATE UNIQUE INDEX {} ON {qt}(\"A\", \"B\");\n",
                        quote(&format!("{}_AB_unique", cut(&table, MAX_NAME - 10)))
                    );
                }
                let _ = writeln!(
                    indexes,
                    "CREATE INDEX {} ON {qt}(\"B\");\n",
                    quote(&format!("{}_B_index", cut(&table, MAX_NAME - 8)))
                );
                if self.foreign_keys {
                    for (col, target_table, target_col) in
                        [("A", &a_table, &a_col), ("B", &b_table, &b_col)]
                    {
                        let _ = writeln!(
                            fks,
                            "ALTER TABLE {qt} ADD CONSTRAINT {} FOREIGN KEY (\"{col}\") REFERENCES {target_table}({}) ON DELETE CASCADE ON UPDATE CASCADE;\n",
                            quote(&format!("{}_{col}_fkey", cut(&table, MAX_NAME - 7))),
                            quote(target_col)
                        );
                    }
                }
            }
        }
        (tables, indexes, fks)
    }
}

/// A constant as SQL: strings quoted, numbers and booleans as written.
fn scalar_sql(value: &Expr) -> Option<String> {
    match value {
        Expr::Str(s) => Some(literal(s)),
        Expr::Num(n) => Some(normalize_number(n)),
        Expr::Const(c) if c == "true" || c == "false" => Some(c.clone()),
        Expr::Const(c) if c == "null" => Some("NULL".into()),
        _ => None,
    }
}

/// A number literal as Prisma writes it back: no leading zeros in the integer part,
/// no sign on zero (`007` → `7`, `-0.0` → `0.0`, `00.50` → `0.50`).
fn normalize_number(n: &str) -> String {
    let (negative, digits) = match n.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, n),
    };
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let zero = int == "0" && frac.is_none_or(|f| f.bytes().all(|b| b == b'0'));
    let mut out = String::new();
    if negative && !zero {
        out.push('-');
    }
    out.push_str(int);
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// A Decimal default written as a string (`"0.00"`, `"1e3"`), as the number Prisma
/// writes (`0.00`, `1000`); `None` when it is not a number.
fn decimal_string(text: &str) -> Option<String> {
    let t = text.trim();
    let (mantissa, exponent) = match t.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i32>().ok()?),
        None => (t, 0),
    };
    let (negative, m) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
    };
    let (int, frac) = m.split_once('.').unwrap_or((m, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    // Move the decimal point by the exponent.
    let all = format!("{int}{frac}");
    let point = int.len() as i32 + exponent;
    let (int, frac) = if point <= 0 {
        (
            "0".to_string(),
            format!("{}{all}", "0".repeat((-point) as usize)),
        )
    } else if point as usize >= all.len() {
        (
            format!("{all}{}", "0".repeat(point as usize - all.len())),
            String::new(),
        )
    } else {
        (
            all[..point as usize].to_string(),
            all[point as usize..].to_string(),
        )
    };
    let number = if frac.is_empty() {
        format!("{}{int}", if negative { "-" } else { "" })
    } else {
        format!("{}{int}.{frac}", if negative { "-" } else { "" })
    };
    Some(normalize_number(&number))
}

/// A named operator class as PostgreSQL names it: `JsonbPathOps` → `jsonb_path_ops`,
/// `TimestampTzMinMaxMultiOps` → `timestamptz_minmax_multi_ops`, `VarBitMinMaxOps` →
/// `varbit_minmax_ops` (prisma-engines' `SQLOperatorClassKind`).
pub(super) fn opclass_name(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out.replace("min_max", "minmax")
        .replace("timestamp_tz", "timestamptz")
        .replace("time_tz", "timetz")
        .replace("var_bit", "varbit")
}

/// An RFC 3339 date-time as Prisma renders it in a default (chrono's `Display` of a
/// `DateTime<FixedOffset>`: `2020-01-01 00:00:00 +00:00`, fraction kept when not 0).
fn chrono_display(text: &str) -> Option<String> {
    let (date, rest) = text.split_once(['T', 't', ' '])?;
    let valid_date = date.len() == 10
        && date.as_bytes()[4] == b'-'
        && date.as_bytes()[7] == b'-'
        && date
            .bytes()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !valid_date {
        return None;
    }
    let (time, offset) = if let Some(t) = rest.strip_suffix(['Z', 'z']) {
        (t, "+00:00".to_string())
    } else {
        let at = rest.rfind(['+', '-'])?;
        (&rest[..at], rest[at..].to_string())
    };
    if time.len() < 8 || offset.len() != 6 {
        return None;
    }
    // chrono keeps nanoseconds: a longer fraction is cut to 9 digits.
    let (hms, fraction) = match time.split_once('.') {
        Some((h, f)) => (h, f.get(..9).unwrap_or(f).trim_end_matches('0')),
        None => (time, ""),
    };
    // `-00:00` (unknown offset in RFC 3339) is UTC to chrono.
    let offset = if offset == "-00:00" {
        "+00:00".to_string()
    } else {
        offset
    };
    let fraction = if fraction.is_empty() {
        String::new()
    } else {
        // chrono prints 3, 6 or 9 digits.
        let width = if fraction.len() <= 3 {
            3
        } else if fraction.len() <= 6 {
            6
        } else {
            9
        };
        format!(".{fraction:0<width$}")
    };
    Some(format!("{date} {hms}{fraction} {offset}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_cut_to_63_bytes_keeping_the_suffix() {
        let long = "averyveryveryveryveryveryverylongcolumnnameforthetest".to_string();
        let other = "anotherveryveryveryveryveryveryverylongcolumnname".to_string();
        assert_eq!(
            default_name("Post", &[long, other], "_idx"),
            "Post_averyveryveryveryveryveryverylongcolumnnameforthetest__idx"
        );
    }

    #[test]
    fn dates_render_as_chrono_does() {
        assert_eq!(
            chrono_display("2020-01-01T00:00:00Z").as_deref(),
            Some("2020-01-01 00:00:00 +00:00")
        );
        assert_eq!(
            chrono_display("2020-01-01T10:00:00.5+02:00").as_deref(),
            Some("2020-01-01 10:00:00.500 +02:00")
        );
        assert_eq!(chrono_display("yesterday"), None);
    }
}
