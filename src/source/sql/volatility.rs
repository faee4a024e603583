//! Whether a column default is volatile, as PostgreSQL decides it: `ALTER TABLE ... ADD
//! COLUMN` stores a default's value once (the "missing value", no rewrite) unless
//! `contain_volatile_functions` finds a VOLATILE function in the planned default
//! expression (`ATExecAddColumn` in commands/tablecmds.c, PostgreSQL 11 and later;
//! docs: `ALTER TABLE`, Notes, and "Function Volatility Categories").
//!
//! Each function call of the default is looked up the way the server resolves it:
//! `pg_catalog` first (unless the search path places it), then the search path.
//! Built-in functions' volatility comes from each major's own `pg_proc.provolatile`
//! (`data/pg_volatility.tsv`, written by scripts/extract-volatility.sh); functions
//! created by the replayed SQL from their declaration (VOLATILE when it says none; a
//! VOLATILE `LANGUAGE sql` function PostgreSQL inlines counts as its body). A function
//! neither knows is assumed volatile, and the verdict says so.
//!
//! Argument types are not inferred, so where overloads of one name and arity differ:
//! a built-in's call is taken as not volatile (`timezone(text, timetz)` is VOLATILE
//! before PostgreSQL 15, `timezone(text, timestamptz)` IMMUTABLE, and `now() AT TIME
//! ZONE 'utc'` must stay silent); a function of the migrations counts as volatile if
//! one of its candidates is, as an unknown one does. Operators,
//! casts and type input functions are not looked up: no built-in one is volatile (the
//! extraction script checks it), and user-defined ones are not tracked.

use crate::model::{Database, Function, Name, QualifiedName, Volatility};
use crate::source::sql::parse::{function_calls, FunctionCall};
use std::collections::HashMap;
use std::sync::OnceLock;

/// The extracted catalog data (see scripts/extract-volatility.sh for its format).
pub const DATA: &str = include_str!("../../../data/pg_volatility.tsv");

/// One line of [`DATA`].
#[derive(Debug, Clone)]
pub struct Builtin {
    pub min_args: usize,
    /// `None`: VARIADIC.
    pub max_args: Option<usize>,
    pub volatility: Volatility,
    /// Bit `n` set: the function exists in major `n`.
    pub versions: u64,
}

impl Builtin {
    pub fn accepts(&self, args: usize) -> bool {
        args >= self.min_args && self.max_args.is_none_or(|max| args <= max)
    }

    pub fn exists_in(&self, major: u32) -> bool {
        major < 64 && self.versions & (1 << major) != 0
    }
}

/// The built-in functions by name, and the oldest and newest major the data covers.
pub struct Catalog {
    pub functions: HashMap<String, Vec<Builtin>>,
    pub oldest: u32,
    pub newest: u32,
}

/// Parse [`DATA`]; `Err` names the first malformed line.
pub fn parse_data(data: &str) -> Result<Catalog, String> {
    let mut functions: HashMap<String, Vec<Builtin>> = HashMap::new();
    let (mut oldest, mut newest) = (u32::MAX, 0);
    for (i, line) in data.lines().enumerate() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let bad = || format!("data/pg_volatility.tsv line {}: {line:?}", i + 1);
        let fields: Vec<&str> = line.split('\t').collect();
        let [name, min, max, volatility, versions] = fields.as_slice() else {
            return Err(bad());
        };
        let min_args = min.parse().map_err(|_| bad())?;
        let max_args = match *max {
            "*" => None,
            m => Some(m.parse::<usize>().map_err(|_| bad())?),
        };
        let volatility = match *volatility {
            "i" | "s" | "v" => Volatility::parse(volatility).ok_or_else(bad)?,
            _ => return Err(bad()),
        };
        let mut bits = 0u64;
        for range in versions.split(',') {
            let (from, to) = range.split_once('-').unwrap_or((range, range));
            let (from, to): (u32, u32) = (
                from.parse().map_err(|_| bad())?,
                to.parse().map_err(|_| bad())?,
            );
            if from > to || to >= 64 {
                return Err(bad());
            }
            oldest = oldest.min(from);
            newest = newest.max(to);
            for v in from..=to {
                bits |= 1 << v;
            }
        }
        if name.is_empty() || max_args.is_some_and(|m| m < min_args) {
            return Err(bad());
        }
        functions
            .entry(name.to_string())
            .or_default()
            .push(Builtin {
                min_args,
                max_args,
                volatility,
                versions: bits,
            });
    }
    if functions.is_empty() {
        return Err("data/pg_volatility.tsv is empty".into());
    }
    Ok(Catalog {
        functions,
        oldest,
        newest,
    })
}

/// The embedded catalog data, parsed once.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| parse_data(DATA).expect("data/pg_volatility.tsv is well-formed"))
}

/// What a default expression's calls make of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// No volatile call: PostgreSQL evaluates it once (no rewrite).
    NotVolatile,
    /// `function` (as written, with `()`) is VOLATILE.
    Volatile { function: String },
    /// `function` is neither built in (on that version) nor created by the replayed
    /// SQL: assumed volatile.
    Assumed { function: String },
}

impl Verdict {
    pub fn is_volatile(&self) -> bool {
        !matches!(self, Verdict::NotVolatile)
    }

    /// How a message says why: `random() is VOLATILE`, `f() is assumed volatile: ...`.
    pub fn reason(&self) -> Option<String> {
        match self {
            Verdict::NotVolatile => None,
            Verdict::Volatile { function } => Some(format!("{function} is VOLATILE")),
            Verdict::Assumed { function } => Some(format!(
                "{function} is assumed volatile: dblint does not know it, neither built in nor created by the migrations"
            )),
        }
    }
}

/// The verdict on `expression` (a column default's SQL) for PostgreSQL `pg_version`,
/// its functions resolved through `search_path` among the built-ins and `db`'s.
/// Text that is not one expression gets `NotVolatile` (nothing to claim).
pub fn default_verdict(
    expression: &str,
    db: &Database,
    search_path: &[Name],
    pg_version: u32,
) -> Verdict {
    let catalog = catalog();
    let major = pg_version.clamp(catalog.oldest, catalog.newest);
    verdict(expression, db, search_path, major, 0)
}

/// How deep inlined SQL functions are followed (a function calling itself would loop).
const MAX_INLINING: usize = 8;

fn verdict(
    expression: &str,
    db: &Database,
    search_path: &[Name],
    major: u32,
    depth: usize,
) -> Verdict {
    let Some(calls) = function_calls(expression) else {
        return Verdict::NotVolatile;
    };
    let mut assumed = None;
    for call in &calls {
        match call_volatility(call, db, search_path, major, depth) {
            Some(Volatility::Volatile) => {
                return Verdict::Volatile {
                    function: format!("{}()", call.name),
                }
            }
            Some(_) => {}
            None => {
                assumed.get_or_insert_with(|| format!("{}()", call.name));
            }
        }
    }
    match assumed {
        Some(function) => Verdict::Assumed { function },
        None => Verdict::NotVolatile,
    }
}

/// A call's volatility: VOLATILE only if every function it can mean is; `None` when
/// it means no function dblint knows.
fn call_volatility(
    call: &FunctionCall,
    db: &Database,
    search_path: &[Name],
    major: u32,
    depth: usize,
) -> Option<Volatility> {
    let catalog: Name = "pg_catalog".into();
    let schemas: Vec<Name> = match &call.name.schema {
        Some(s) => vec![s.clone()],
        // pg_catalog is searched first unless the path names it (ddl-schemas-path).
        None if search_path.contains(&catalog) => search_path.to_vec(),
        None => std::iter::once(catalog.clone())
            .chain(search_path.iter().cloned())
            .collect(),
    };
    for schema in &schemas {
        let found = if *schema == catalog {
            builtin_volatility(call, major)
        } else {
            let key = QualifiedName::new(schema.clone(), call.name.name.clone());
            db.functions.get(&key).and_then(|overloads| {
                let candidates: Vec<&Function> =
                    overloads.iter().filter(|f| f.accepts(call.args)).collect();
                (!candidates.is_empty()).then(|| {
                    // Which overload a call means depends on its argument types,
                    // which replay does not know: one volatile candidate makes the
                    // call volatile (an unknown is assumed volatile too).
                    let any_volatile = candidates
                        .iter()
                        .any(|f| user_volatility(f, db, search_path, major, depth));
                    if any_volatile {
                        Volatility::Volatile
                    } else {
                        Volatility::Stable
                    }
                })
            })
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

fn builtin_volatility(call: &FunctionCall, major: u32) -> Option<Volatility> {
    let overloads = catalog().functions.get(call.name.name.as_str())?;
    let in_version: Vec<&Builtin> = overloads.iter().filter(|b| b.exists_in(major)).collect();
    // The grammar's own calls (`EXTRACT`, `AT TIME ZONE`) name the function of the
    // parser's version; an older server's grammar calls another of the same kind.
    let pool: Vec<&Builtin> = if in_version.is_empty() && call.sql_syntax {
        overloads.iter().collect()
    } else {
        in_version
    };
    let by_arity: Vec<&Builtin> = pool
        .iter()
        .copied()
        .filter(|b| b.accepts(call.args))
        .collect();
    if by_arity.is_empty() {
        return None;
    }
    Some(
        if by_arity
            .iter()
            .all(|b| b.volatility == Volatility::Volatile)
        {
            Volatility::Volatile
        } else {
            Volatility::Stable
        },
    )
}

/// Whether a call of a user function is volatile: as declared, except that a VOLATILE
/// SQL function PostgreSQL inlines is as volatile as its body.
fn user_volatility(
    f: &Function,
    db: &Database,
    search_path: &[Name],
    major: u32,
    depth: usize,
) -> bool {
    if f.volatility != Volatility::Volatile {
        return false;
    }
    match &f.inline_body {
        Some(body) if depth < MAX_INLINING => {
            verdict(body, db, search_path, major, depth + 1).is_volatile()
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_data_is_well_formed_and_holds_known_facts() {
        let c = parse_data(DATA).unwrap();
        assert_eq!((c.oldest, c.newest), (12, 18));
        let only = |name: &str, args: usize| -> Vec<&Builtin> {
            c.functions[name]
                .iter()
                .filter(|b| b.accepts(args))
                .collect()
        };
        let is = |name: &str, args: usize, v: Volatility| {
            let all = only(name, args);
            assert!(!all.is_empty(), "{name}");
            assert!(all.iter().all(|b| b.volatility == v), "{name}: {all:?}");
        };
        is("now", 0, Volatility::Stable);
        is("random", 0, Volatility::Volatile);
        is("clock_timestamp", 0, Volatility::Volatile);
        is("nextval", 1, Volatility::Volatile);
        is("lower", 1, Volatility::Immutable);
        is("txid_current", 0, Volatility::Stable);
        let uuidv7 = only("uuidv7", 0);
        assert!(uuidv7.iter().all(|b| b.exists_in(18) && !b.exists_in(17)));
        let gen = only("gen_random_uuid", 0);
        assert!(gen.iter().all(|b| b.exists_in(13) && !b.exists_in(12)));
        // Every line parses; a broken one is named.
        assert!(parse_data("x\t1\t0\tv\t12\n").is_err());
        assert!(parse_data("x\t0\t0\tq\t12\n").is_err());
        assert!(parse_data("x\t0\t0\tv\t12-1x\n").is_err());
        assert!(parse_data("x\t0\t*\tv\t12-18\n").is_ok());
    }

    fn verdict_of(sql: &str, db: &Database, version: u32) -> Verdict {
        default_verdict(sql, db, &["public".into()], version)
    }

    #[test]
    fn built_in_calls_by_version() {
        let db = Database::default();
        let volatile = |f: &str| Verdict::Volatile {
            function: f.to_string(),
        };
        assert_eq!(verdict_of("now()", &db, 18), Verdict::NotVolatile);
        assert_eq!(
            verdict_of("CURRENT_TIMESTAMP", &db, 12),
            Verdict::NotVolatile
        );
        assert_eq!(verdict_of("'x'::text", &db, 12), Verdict::NotVolatile);
        assert_eq!(verdict_of("random()", &db, 12), volatile("random()"));
        assert_eq!(
            verdict_of("pg_catalog.random()", &db, 12),
            volatile("pg_catalog.random()")
        );
        assert_eq!(
            verdict_of("(1 + floor(random() * 10))::int", &db, 15),
            volatile("random()")
        );
        assert_eq!(
            verdict_of("ARRAY[clock_timestamp()]", &db, 15),
            volatile("clock_timestamp()")
        );
        assert_eq!(verdict_of("uuidv7()", &db, 18), volatile("uuidv7()"));
        assert_eq!(
            verdict_of("uuidv7()", &db, 17),
            Verdict::Assumed {
                function: "uuidv7()".into()
            }
        );
        assert_eq!(
            verdict_of("gen_random_uuid()", &db, 13),
            volatile("gen_random_uuid()")
        );
        // `now() AT TIME ZONE 'utc'` calls timezone(), whose overloads of two
        // arguments differ before 15: not claimed volatile.
        assert_eq!(
            verdict_of("(now() AT TIME ZONE 'utc')", &db, 12),
            Verdict::NotVolatile
        );
        // EXTRACT is extract() to the parser, date_part() to PostgreSQL 12 and 13.
        assert_eq!(
            verdict_of("EXTRACT(epoch FROM now())", &db, 12),
            Verdict::NotVolatile
        );
        assert_eq!(verdict_of("CURRENT_USER", &db, 12), Verdict::NotVolatile);
        assert_eq!(
            verdict_of("uuid_generate_v4()", &db, 18),
            Verdict::Assumed {
                function: "uuid_generate_v4()".into()
            }
        );
    }
}
