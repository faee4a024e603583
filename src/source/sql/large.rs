//! Statements too large to decode whole.
//!
//! pg_query hands over the parse tree as protobuf and decodes it into structs whose
//! every node takes over 600 bytes, so a tree costs about 400 times its SQL: a 6 MB
//! `CHECK` of 400,000 `OR` terms took 4.2 GB, a 5 MB `INSERT` 800 MB to 1 GB. The
//! parser itself (C, no protobuf) needs about 25 times the SQL, so for a large
//! statement dblint parses it in C only ([`pg_query::summary`]), which checks its
//! syntax exactly as a full parse would and names its kind, and decodes only what
//! replay uses:
//!
//! - data and code statements (`INSERT`, `UPDATE`, `DELETE`, `SELECT`, `DO`, ...)
//!   replay only by kind: nothing is decoded; `CREATE FUNCTION` is decoded whole when
//!   its body is a string (one string node, whatever its length), else by kind;
//! - views and materialized views replay only by name: their query is replaced with
//!   `SELECT 1`;
//! - other statements (`CREATE TABLE`, `ALTER TABLE`, `CREATE INDEX`, policies,
//!   domains) have each large parenthesised expression after `CHECK`, `DEFAULT`,
//!   `GENERATED ... AS`, `USING` or `WHERE` replaced by a placeholder before decoding,
//!   and the model keeps the expression's source text (not re-formatted by the
//!   deparser, as smaller expressions are).
//!
//! Anything else, or a reduction the parser does not take, is decoded whole, as a
//! small statement is. libpg_query's protobuf stops at 10,000 levels, a little short of
//! what PostgreSQL accepts (about 6,000 `||` terms); what is elided here never goes
//! through it, so a small statement too deep for the protobuf comes here too.

use super::parse::parse_full;
use super::statement::Statement;
use pg_query::protobuf::Token;

/// Statements from this size on take the frugal path; below it a full decode costs at
/// most a few MB.
pub const LARGE_STATEMENT: usize = 16 << 10;

/// Parenthesised expressions from this size on are replaced by a placeholder.
const LARGE_EXPRESSION: usize = 1 << 10;

/// Prefix of the identifiers that stand in for elided expressions.
const PLACEHOLDER: &str = "__dblint_elided_";

/// Statement kinds replay knows by their kind alone: the summary's node name, and the
/// tag a full parse gives them (see `parse::tag_of`). UPDATE and DELETE are decoded
/// whole: migration review reads their WHERE clause (`unbatched-backfill`).
const BY_KIND: &[(&str, &str)] = &[
    ("InsertStmt", "INSERT"),
    ("CopyStmt", "COPY"),
    ("DoStmt", "DO"),
    ("RuleStmt", "CREATE RULE"),
    ("GrantStmt", "GRANT"),
    ("MergeStmt", "OTHER"),
    ("CallStmt", "OTHER"),
    ("AlterPolicyStmt", "OTHER"),
];

/// Parse a large statement, decoding as little as replay allows.
pub fn parse_large(sql: &str) -> Result<Vec<Statement>, String> {
    let Some(kind) = statement_kind(sql) else {
        return parse_full(sql);
    };
    // A function's declaration (name, arguments, volatility) is small whatever its
    // body: a body in a string decodes as one string. A SQL-standard body (`BEGIN
    // ATOMIC`) is a tree: such a function stays unknown (when the scanner sees it as
    // one statement; else it is decoded whole, as before).
    if kind == "CreateFunctionStmt" {
        if mentions(sql, "atomic") {
            return Ok(vec![Statement::Other {
                tag: "CREATE FUNCTION".to_string(),
            }]);
        }
        return parse_full(sql);
    }
    if let Some((_, tag)) = BY_KIND.iter().find(|(node, _)| *node == kind) {
        return Ok(vec![Statement::Other {
            tag: tag.to_string(),
        }]);
    }
    let edits = match kind.as_str() {
        // pg_dump's `SELECT set_config('search_path', ...)` is read for its value.
        "SelectStmt" if !mentions(sql, "set_config") => {
            return Ok(vec![Statement::Other {
                tag: "SELECT".to_string(),
            }])
        }
        "ViewStmt" => view_query(sql, false).into_iter().collect(),
        "CreateTableAsStmt" => view_query(sql, true).into_iter().collect(),
        "CreateStmt" | "AlterTableStmt" | "IndexStmt" | "CreatePolicyStmt" | "CreateDomainStmt" => {
            large_expressions(sql)
        }
        _ => Vec::new(),
    };
    if edits.is_empty() {
        return parse_full(sql);
    }
    let (reduced, elided) = apply(sql, &edits);
    match parse_full(&reduced) {
        Ok(mut statements) => {
            for statement in &mut statements {
                statement.for_each_expression(&mut |expression| restore(expression, &elided));
                // A view's query was replaced by `SELECT 1`: not read.
                if let Statement::CreateView { query, .. } = statement {
                    *query = None;
                }
            }
            Ok(statements)
        }
        Err(_) => parse_full(sql),
    }
}

/// Whether `sql` contains `word`, in any case.
fn mentions(sql: &str, word: &str) -> bool {
    sql.as_bytes()
        .windows(word.len())
        .any(|w| w.eq_ignore_ascii_case(word.as_bytes()))
}

/// The kind (pg_query node name) of the one statement in `sql`, parsing it in C only;
/// `None` if it does not parse that way or holds more than one statement.
fn statement_kind(sql: &str) -> Option<String> {
    let summary = pg_query::summary(sql, 0, -1).ok()?;
    let top_level = pg_query::split_with_scanner(sql).ok()?.len();
    if top_level != 1 {
        return None;
    }
    summary.statement_types.into_iter().next()
}

/// A stretch of the statement to replace: `start..end` by an elided expression
/// (`replacement` `None`) or by fixed text.
struct Edit {
    start: usize,
    end: usize,
    replacement: Option<&'static str>,
}

/// The query of `CREATE [MATERIALIZED] VIEW ... AS query`: everything after the first
/// `AS` outside parentheses, to be replaced by `SELECT 1`. A `CREATE TABLE ... AS`
/// (`materialized` set but no `MATERIALIZED` keyword) has none: replay reads its
/// select list.
fn view_query(sql: &str, materialized: bool) -> Option<Edit> {
    let tokens = pg_query::scan(sql).ok()?.tokens;
    if materialized && tokens.get(1)?.token != Token::Materialized as i32 {
        return None;
    }
    let mut depth = 0i32;
    for t in &tokens {
        match Token::try_from(t.token) {
            Ok(Token::Ascii40) => depth += 1,
            Ok(Token::Ascii41) => depth -= 1,
            Ok(Token::As) if depth == 0 => {
                return Some(Edit {
                    start: usize::try_from(t.end).ok()?,
                    end: sql.len(),
                    replacement: Some(" SELECT 1"),
                })
            }
            _ => {}
        }
    }
    None
}

/// The outermost large parenthesised expressions after `CHECK`, `DEFAULT`,
/// `GENERATED ... AS`, `USING` or `WHERE`: the text between the parentheses.
fn large_expressions(sql: &str) -> Vec<Edit> {
    let Ok(scan) = pg_query::scan(sql) else {
        return Vec::new();
    };
    let tokens = scan.tokens;
    let token = |i: usize| Token::try_from(tokens[i].token).unwrap_or(Token::Nul);
    let mut open = Vec::new();
    let mut edits: Vec<Edit> = Vec::new();
    for i in 0..tokens.len() {
        match token(i) {
            Token::Ascii40 => open.push(i),
            Token::Ascii41 => {
                let Some(start) = open.pop() else { continue };
                let (from, to) = (tokens[start].end as usize, tokens[i].start as usize);
                let after = match start {
                    0 => Token::Nul,
                    _ => token(start - 1),
                };
                let generated =
                    after == Token::As && start >= 2 && token(start - 2) == Token::Always;
                let expression = generated
                    || matches!(
                        after,
                        Token::Check | Token::Default | Token::Using | Token::Where
                    );
                if expression && to.saturating_sub(from) >= LARGE_EXPRESSION {
                    // Groups close inner first: an enclosing one replaces those inside.
                    while edits.last().is_some_and(|e| e.start >= from) {
                        edits.pop();
                    }
                    edits.push(Edit {
                        start: from,
                        end: to,
                        replacement: None,
                    });
                }
            }
            _ => {}
        }
    }
    edits
}

/// `sql` with the edits made, and the text of each elided expression, by number.
fn apply(sql: &str, edits: &[Edit]) -> (String, Vec<String>) {
    let mut reduced = String::new();
    let mut elided = Vec::new();
    let mut at = 0;
    for edit in edits {
        reduced.push_str(&sql[at..edit.start]);
        match edit.replacement {
            Some(text) => reduced.push_str(text),
            None => {
                reduced.push_str(&format!("{PLACEHOLDER}{}", elided.len()));
                elided.push(sql[edit.start..edit.end].trim().to_string());
            }
        }
        at = edit.end;
    }
    reduced.push_str(&sql[at..]);
    (reduced, elided)
}

/// Put the source text of elided expressions back into an expression.
fn restore(expression: &mut String, elided: &[String]) {
    if !expression.contains(PLACEHOLDER) {
        return;
    }
    // Highest numbers first, so `_1` does not match the start of `_10`.
    for (n, text) in elided.iter().enumerate().rev() {
        let placeholder = format!("{PLACEHOLDER}{n}");
        if *expression == placeholder {
            *expression = text.clone();
            return;
        }
        if expression.contains(&placeholder) {
            *expression = expression.replace(&placeholder, &format!("({text})"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::sql::statement::{ConstraintSpec, Statement};

    fn large_check(terms: usize) -> String {
        let terms: Vec<String> = (0..terms).map(|i| format!("code = {i}")).collect();
        format!(
            "CREATE TABLE codes (id int PRIMARY KEY, code int NOT NULL, CONSTRAINT known CHECK ({}) NOT VALID)",
            terms.join(" OR ")
        )
    }

    #[test]
    fn kinds_known_by_kind_alone_match_a_full_parse() {
        let examples = [
            "INSERT INTO t VALUES (1)",
            "COPY t FROM stdin",
            "DO $$ BEGIN END $$",
            "CREATE RULE r AS ON INSERT TO t DO NOTHING",
            "GRANT SELECT ON t TO someone",
            "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE",
            "CALL p()",
            "ALTER POLICY p ON t USING (true)",
        ];
        assert_eq!(examples.len(), BY_KIND.len());
        for (sql, (node, tag)) in examples.iter().zip(BY_KIND) {
            assert_eq!(statement_kind(sql).as_deref(), Some(*node), "{sql}");
            let full = parse_full(sql).unwrap();
            assert!(
                matches!(&full[..], [Statement::Other { tag: t }] if t == tag),
                "{sql}: {full:?}"
            );
        }
    }

    #[test]
    fn a_large_check_keeps_its_source_text() {
        let sql = large_check(5000);
        let [Statement::CreateTable(table)] = &parse_large(&sql).unwrap()[..] else {
            panic!()
        };
        let [ConstraintSpec::Check {
            name,
            expression,
            not_valid,
        }] = &table.constraints[..]
        else {
            panic!("{:?}", table.constraints)
        };
        assert_eq!(name.as_deref(), Some("known"));
        assert!(*not_valid);
        assert!(expression.starts_with("code = 0 OR code = 1 OR"));
        assert!(expression.ends_with("code = 4999"));
    }

    #[test]
    fn large_defaults_generated_columns_and_predicates_are_restored() {
        let sum: Vec<String> = (0..2000).map(|i| format!("a * {i}")).collect();
        let sum = sum.join(" + ");
        let sql = format!(
            "CREATE TABLE t (a int, b int DEFAULT ({sum}), c int GENERATED ALWAYS AS ({sum}) STORED, d int CHECK (d > 0))"
        );
        let [Statement::CreateTable(t)] = &parse_large(&sql).unwrap()[..] else {
            panic!()
        };
        assert_eq!(t.columns[1].column.default.as_deref(), Some(sum.as_str()));
        assert_eq!(t.columns[2].column.generated.as_deref(), Some(sum.as_str()));
        // Small expressions are deparsed as always.
        assert!(
            matches!(&t.columns[3].constraints[..], [ConstraintSpec::Check { expression, .. }] if expression == "d > 0")
        );

        let sql = format!("CREATE INDEX i ON t (a) WHERE ({sum}) > 0 AND b IS NULL");
        let [Statement::CreateIndex(index)] = &parse_large(&sql).unwrap()[..] else {
            panic!()
        };
        assert_eq!(
            index.predicate.as_deref(),
            Some(format!("({sum}) > 0 AND b IS NULL").as_str())
        );
    }

    #[test]
    fn views_are_known_by_name() {
        let terms = vec!["a"; 8000].join(" || ");
        for (sql, materialized) in [
            (format!("CREATE VIEW v (x) WITH (security_barrier) AS SELECT {terms} FROM t WITH CHECK OPTION"), false),
            (format!("CREATE MATERIALIZED VIEW v AS SELECT {terms} AS x FROM t WITH NO DATA"), true),
        ] {
            assert!(sql.len() >= LARGE_STATEMENT);
            let parsed = parse_large(&sql).unwrap();
            assert!(
                matches!(&parsed[..], [Statement::CreateView { name, materialized: m, .. }] if name.name == "v" && *m == materialized),
                "{parsed:?}"
            );
        }
    }

    #[test]
    fn large_data_statements_are_known_by_kind_and_still_checked() {
        let rows: Vec<String> = (0..3000).map(|i| format!("({i}, 'x')")).collect();
        let insert = format!("INSERT INTO t (a, b) VALUES {}", rows.join(", "));
        assert!(
            matches!(&parse_large(&insert).unwrap()[..], [Statement::Other { tag }] if tag == "INSERT")
        );
        let broken = format!("{insert}, (1, 'x'"); // no closing parenthesis
        let error = parse_large(&broken).unwrap_err();
        assert!(error.contains("syntax error"), "{error}");
        assert_eq!(error, parse_full(&broken).unwrap_err());
    }

    #[test]
    fn a_large_table_without_large_expressions_is_decoded_whole() {
        let columns: Vec<String> = (0..1500)
            .map(|i| format!("c{i} int CHECK (c{i} > 0)"))
            .collect();
        let sql = format!("CREATE TABLE wide ({})", columns.join(", "));
        assert!(sql.len() >= LARGE_STATEMENT);
        let [Statement::CreateTable(t)] = &parse_large(&sql).unwrap()[..] else {
            panic!()
        };
        assert_eq!(t.columns.len(), 1500);
        assert!(
            matches!(&t.columns[7].constraints[..], [ConstraintSpec::Check { expression, .. }] if expression == "c7 > 0")
        );
    }
}
