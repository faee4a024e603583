use serde::Serialize;
use std::fmt;

/// A column or domain type, named the way PostgreSQL's `format_type` names it
/// (`character varying(255)`, `timestamp with time zone`, `integer[]`), so that a
/// type read from SQL and one read from the catalog compare equal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct DataType {
    /// Canonical base name without modifiers: `character varying`, `bigint`, `status`.
    pub name: super::Name,
    /// Schema of a user-defined type when it was written qualified; built-ins have none.
    pub schema: Option<super::Name>,
    /// Type modifiers as written: `[255]` for varchar(255), `[10, 2]` for numeric(10,2).
    pub modifiers: Vec<i64>,
    /// Number of array dimensions (`text[]` has 1).
    pub array_dims: u32,
}

impl DataType {
    pub fn simple(name: &str) -> Self {
        DataType {
            name: name.into(),
            schema: None,
            modifiers: Vec::new(),
            array_dims: 0,
        }
    }

    /// Build a type from the name as written in SQL (`int4`, `varchar`, `timestamptz`),
    /// mapping aliases to the canonical name. Returns the type and, for `serial`
    /// pseudo-types, `true` to tell the caller a sequence default is implied.
    pub fn from_sql_name(
        schema: Option<&str>,
        name: &str,
        modifiers: Vec<i64>,
        array_dims: u32,
    ) -> (Self, bool) {
        let builtin_schema = matches!(schema, None | Some("pg_catalog"));
        let lower = name.to_ascii_lowercase();
        let (canonical, serial) = if builtin_schema {
            match lower.as_str() {
                "int" | "int4" | "integer" => ("integer", false),
                "int8" | "bigint" => ("bigint", false),
                "int2" | "smallint" => ("smallint", false),
                "serial" | "serial4" => ("integer", true),
                "bigserial" | "serial8" => ("bigint", true),
                "smallserial" | "serial2" => ("smallint", true),
                "float8" | "double precision" => ("double precision", false),
                "float4" | "real" => ("real", false),
                "bool" | "boolean" => ("boolean", false),
                "varchar" | "character varying" => ("character varying", false),
                "bpchar" | "char" | "character" => ("character", false),
                "decimal" | "numeric" => ("numeric", false),
                "timestamptz" => ("timestamp with time zone", false),
                "timestamp" => ("timestamp without time zone", false),
                "timetz" => ("time with time zone", false),
                "time" => ("time without time zone", false),
                "varbit" => ("bit varying", false),
                // Unquoted names arrive lower-cased from the parser; quoted ones keep their case.
                _ => (name, false),
            }
        } else {
            (name, false)
        };
        let canonical = super::Name::from(canonical);
        let schema = if builtin_schema {
            None
        } else {
            schema.map(super::Name::from)
        };
        // `numeric(10)` is `numeric(10,0)`: the scale defaults to zero.
        let mut modifiers = modifiers;
        if canonical == "numeric" && schema.is_none() && modifiers.len() == 1 {
            modifiers.push(0);
        }
        (
            DataType {
                name: canonical,
                schema,
                modifiers,
                array_dims,
            },
            serial,
        )
    }

    /// Whether PostgreSQL (or a common extension) names a type `name` without a
    /// schema: such types need no schema resolution in replay. The aliases
    /// [`DataType::from_sql_name`] maps are among them; one list of built-in names.
    pub fn is_builtin_name(name: &str) -> bool {
        matches!(
            name,
            // format_type's names of the built-ins, as the catalog and replay keep
            // them: several words, never quoted.
            "double precision"
                | "character varying"
                | "character"
                | "bit varying"
                | "timestamp with time zone"
                | "timestamp without time zone"
                | "time with time zone"
                | "time without time zone"
                | "int"
                | "int2"
                | "int4"
                | "int8"
                | "integer"
                | "smallint"
                | "bigint"
                | "serial"
                | "serial2"
                | "serial4"
                | "serial8"
                | "bigserial"
                | "smallserial"
                | "float4"
                | "float8"
                | "real"
                | "numeric"
                | "decimal"
                | "money"
                | "bool"
                | "boolean"
                | "text"
                | "varchar"
                | "bpchar"
                | "char"
                | "name"
                | "bytea"
                | "date"
                | "time"
                | "timetz"
                | "timestamp"
                | "timestamptz"
                | "interval"
                | "uuid"
                | "json"
                | "jsonb"
                | "xml"
                | "inet"
                | "cidr"
                | "macaddr"
                | "macaddr8"
                | "bit"
                | "varbit"
                | "tsvector"
                | "tsquery"
                | "oid"
                | "regclass"
                | "point"
                | "line"
                | "lseg"
                | "box"
                | "path"
                | "polygon"
                | "circle"
                | "int4range"
                | "int8range"
                | "numrange"
                | "tsrange"
                | "tstzrange"
                | "daterange"
                | "int4multirange"
                | "int8multirange"
                | "nummultirange"
                | "tsmultirange"
                | "tstzmultirange"
                | "datemultirange"
                | "pg_lsn"
                | "txid_snapshot"
                | "pg_snapshot"
                | "jsonpath"
                | "regtype"
                | "regproc"
                | "regprocedure"
                | "regconfig"
                | "citext"
                | "hstore"
                | "ltree"
                | "geometry"
                | "geography"
                | "vector"
        )
    }

    pub fn is_array(&self) -> bool {
        self.array_dims > 0
    }

    /// `varchar` / `character varying` without a length.
    pub fn is_unbounded_varchar(&self) -> bool {
        self.name == "character varying" && self.modifiers.is_empty()
    }

    pub fn is_textual(&self) -> bool {
        !self.is_array()
            && matches!(
                self.name.as_str(),
                "text" | "character varying" | "character" | "citext"
            )
    }

    pub fn is_integer(&self) -> bool {
        !self.is_array() && matches!(self.name.as_str(), "integer" | "bigint" | "smallint")
    }

    /// The same type family for join purposes: FK and referenced column should match
    /// exactly, but varchar(36) against varchar(64) is a length, not a type, mismatch.
    pub fn same_base(&self, other: &DataType) -> bool {
        self.name == other.name && self.array_dims == other.array_dims
    }

    /// Whether every value of `other` converts to this type unchanged, so changing a
    /// column from `other` to this type never loses or alters data: a wider integer
    /// (`smallint` < `integer` < `bigint` < `numeric` without a precision), or `text`
    /// or an unbounded `varchar` for a `varchar` (not for `character`, whose trailing
    /// spaces the cast drops). `false` whenever unsure.
    pub fn holds_all_of(&self, other: &DataType) -> bool {
        if self.array_dims != other.array_dims || self.schema.is_some() || other.schema.is_some() {
            return false;
        }
        let rank = |t: &DataType| match t.name.as_str() {
            "smallint" => Some(1),
            "integer" => Some(2),
            "bigint" => Some(3),
            "numeric" if t.modifiers.is_empty() => Some(4),
            _ => None,
        };
        if let (Some(a), Some(b)) = (rank(self), rank(other)) {
            return a >= b;
        }
        let unbounded_text =
            self.name == "text" || (self.name == "character varying" && self.modifiers.is_empty());
        unbounded_text && matches!(other.name.as_str(), "text" | "character varying")
    }
}

impl DataType {
    /// The type as SQL text a statement can use: like [`fmt::Display`], with the
    /// schema and the name of a user-defined type double-quoted where PostgreSQL needs
    /// it (`"FolderType"`; an unquoted `FolderType` would be folded to `foldertype`).
    pub fn sql(&self) -> String {
        if self.schema.is_none() && Self::is_builtin_name(&self.name) {
            return self.to_string();
        }
        let mut out = String::new();
        if let Some(schema) = &self.schema {
            out.push_str(&super::names::quote_ident(schema));
            out.push('.');
        }
        out.push_str(&super::names::quote_ident(&self.name));
        if !self.modifiers.is_empty() {
            let parts: Vec<String> = self.modifiers.iter().map(|m| m.to_string()).collect();
            out.push_str(&format!("({})", parts.join(",")));
        }
        for _ in 0..self.array_dims {
            out.push_str("[]");
        }
        out
    }
}

impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(schema) = &self.schema {
            write!(f, "{schema}.")?;
        }
        // format_type puts the modifier inside "timestamp(3) with time zone".
        let mods = if self.modifiers.is_empty() {
            String::new()
        } else {
            let parts: Vec<String> = self.modifiers.iter().map(|m| m.to_string()).collect();
            format!("({})", parts.join(","))
        };
        match self.name.split_once(" with") {
            Some((head, tail)) if self.name.starts_with("time") && !mods.is_empty() => {
                write!(f, "{head}{mods} with{tail}")?
            }
            _ => write!(f, "{}{}", self.name, mods)?,
        }
        for _ in 0..self.array_dims {
            write!(f, "[]")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_names_of_several_words_are_never_quoted() {
        for (name, m) in [
            ("timestamptz", vec![]),
            ("float8", vec![]),
            ("varchar", vec![40]),
            ("timetz", vec![]),
            ("bpchar", vec![3]),
        ] {
            let sql = DataType::from_sql_name(None, name, m, 0).0.sql();
            assert!(!sql.contains('"'), "{name}: {sql}");
        }
    }

    #[test]
    fn a_type_holds_another_only_when_every_value_converts_unchanged() {
        let t = |name: &str, m: Vec<i64>| DataType::from_sql_name(None, name, m, 0).0;
        assert!(t("bigint", vec![]).holds_all_of(&t("integer", vec![])));
        assert!(t("integer", vec![]).holds_all_of(&t("smallint", vec![])));
        assert!(t("numeric", vec![]).holds_all_of(&t("bigint", vec![])));
        assert!(t("text", vec![]).holds_all_of(&t("varchar", vec![64])));
        // Narrowing, a bounded numeric, char's dropped spaces, unrelated types: never.
        assert!(!t("integer", vec![]).holds_all_of(&t("bigint", vec![])));
        assert!(!t("numeric", vec![10, 0]).holds_all_of(&t("integer", vec![])));
        assert!(!t("varchar", vec![64]).holds_all_of(&t("text", vec![])));
        assert!(!t("text", vec![]).holds_all_of(&t("char", vec![10])));
        assert!(!t("uuid", vec![]).holds_all_of(&t("text", vec![])));
    }

    #[test]
    fn canonical_names_match_format_type() {
        let (t, serial) = DataType::from_sql_name(Some("pg_catalog"), "varchar", vec![255], 0);
        assert_eq!(t.to_string(), "character varying(255)");
        assert!(!serial);
        let (t, serial) = DataType::from_sql_name(None, "bigserial", vec![], 0);
        assert_eq!(t.to_string(), "bigint");
        assert!(serial);
        let (t, _) = DataType::from_sql_name(Some("pg_catalog"), "timestamptz", vec![3], 0);
        assert_eq!(t.to_string(), "timestamp(3) with time zone");
        let (t, _) = DataType::from_sql_name(Some("public"), "Status", vec![], 1);
        assert_eq!(t.to_string(), "public.Status[]");
    }

    #[test]
    fn unbounded_varchar_is_only_varchar_without_length() {
        assert!(DataType::from_sql_name(None, "varchar", vec![], 0)
            .0
            .is_unbounded_varchar());
        assert!(!DataType::from_sql_name(None, "varchar", vec![10], 0)
            .0
            .is_unbounded_varchar());
        assert!(!DataType::from_sql_name(None, "text", vec![], 0)
            .0
            .is_unbounded_varchar());
    }
}
