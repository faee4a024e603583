//! Statement splitter: cuts a SQL file into statements the way psql would, so each one
//! can be parsed on its own (pg_query is all-or-nothing per call) and reported at its
//! own line.
//!
//! It understands `--` and nested `/* */` comments, quoted identifiers, standard and
//! `E''` strings, dollar quoting, `BEGIN ATOMIC ... END` function bodies, `COPY ... FROM
//! stdin` data blocks ending at `\.`, and psql meta-commands (`\set`, `\connect`, ...),
//! which are skipped.
//!
//! A leading UTF-8 byte-order mark is skipped. A quote, dollar quote, block comment or
//! `BEGIN ATOMIC` body that is still open at the end of the file is reported as
//! [`SplitFile::unterminated`], with the line it opens on: PostgreSQL would read the
//! rest of the file as part of it.

/// One statement as written, without its terminating semicolon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawStatement {
    pub sql: String,
    /// 1-based line of the statement's first token.
    pub line: u32,
    /// Byte offset of the statement's first token in the file.
    pub offset: usize,
}

/// A comment found between or inside statements, with its 1-based line (used for
/// `-- dblint-ignore` suppressions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub text: String,
    pub line: u32,
}

#[derive(Debug, Default)]
pub struct SplitFile {
    pub statements: Vec<RawStatement>,
    pub comments: Vec<Comment>,
    /// Byte offset of each comment, parallel to `comments`.
    pub comment_offsets: Vec<usize>,
    /// A construct still open at the end of the file.
    pub unterminated: Option<Unterminated>,
}

/// A quote, comment or body that is opened and never closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unterminated {
    /// What is open, in PostgreSQL's words: `quoted string`, `quoted identifier`,
    /// `dollar-quoted string`, `/* comment`, ...
    pub what: &'static str,
    /// 1-based line where it opens.
    pub line: u32,
    /// Byte offset where it opens.
    pub offset: usize,
}

pub fn split(text: &str) -> SplitFile {
    Splitter::new(text).run()
}

struct Splitter<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    line: u32,
    out: SplitFile,
    /// Start of the current statement (first token), if one has begun.
    start: Option<(usize, u32)>,
    /// Words seen at the start of the current statement (upper-cased), to recognise
    /// COPY ... FROM stdin and CREATE FUNCTION bodies.
    words: Vec<String>,
    /// Depth of BEGIN ATOMIC / CASE nesting inside an SQL-standard function body.
    atomic_depth: u32,
    last_word: String,
}

impl<'a> Splitter<'a> {
    fn new(src: &'a str) -> Self {
        Splitter {
            src,
            bytes: src.as_bytes(),
            pos: if src.starts_with(crate::encoding::BYTE_ORDER_MARK) {
                crate::encoding::BYTE_ORDER_MARK.len_utf8()
            } else {
                0
            },
            line: 1,
            out: SplitFile::default(),
            start: None,
            words: Vec::new(),
            atomic_depth: 0,
            last_word: String::new(),
        }
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    fn advance(&mut self) {
        if self.bytes[self.pos] == b'\n' {
            self.line += 1;
        }
        self.pos += 1;
    }

    fn begin_statement(&mut self) {
        if self.start.is_none() {
            self.start = Some((self.pos, self.line));
        }
    }

    fn run(mut self) -> SplitFile {
        while self.pos < self.bytes.len() {
            let c = self.bytes[self.pos];
            match c {
                b'-' if self.peek(1) == Some(b'-') => self.line_comment(),
                b'/' if self.peek(1) == Some(b'*') => self.block_comment(),
                b'\\' if self.start.is_none() => self.meta_command(),
                b'\'' => {
                    self.begin_statement();
                    let prefix = if self.pos > 0 && self.word_before_is_single_letter() {
                        self.bytes[self.pos - 1].to_ascii_uppercase()
                    } else {
                        0
                    };
                    let what = match prefix {
                        b'B' => "bit string literal",
                        b'X' => "hexadecimal string literal",
                        _ => "quoted string",
                    };
                    self.quoted(b'\'', prefix == b'E', what);
                }
                b'"' => {
                    self.begin_statement();
                    self.quoted(b'"', false, "quoted identifier");
                }
                b'$' => {
                    self.begin_statement();
                    if !self.dollar_quote() {
                        self.advance();
                    }
                }
                b';' => {
                    if self.atomic_depth > 0 {
                        self.advance();
                    } else {
                        self.finish_statement();
                        self.advance();
                        if self.is_copy_from_stdin() {
                            self.skip_copy_data();
                        }
                        self.words.clear();
                    }
                }
                c if c.is_ascii_whitespace() => self.advance(),
                c if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
                    self.begin_statement();
                    self.word();
                }
                _ => {
                    self.begin_statement();
                    self.advance();
                }
            }
        }
        if self.atomic_depth > 0 && self.out.unterminated.is_none() {
            if let Some((offset, line)) = self.start {
                self.out.unterminated = Some(Unterminated {
                    what: "BEGIN ATOMIC body (no matching END)",
                    line,
                    offset,
                });
            }
        }
        self.finish_statement();
        self.out
    }

    fn unterminated(&mut self, what: &'static str, offset: usize, line: u32) {
        self.out.unterminated = Some(Unterminated { what, line, offset });
    }

    /// True when the byte before the current quote is a lone `E`/`e` (an escape string
    /// prefix), not the end of a longer identifier such as `type'`.
    fn word_before_is_single_letter(&self) -> bool {
        self.pos < 2
            || !(self.bytes[self.pos - 2].is_ascii_alphanumeric()
                || self.bytes[self.pos - 2] == b'_')
    }

    fn word(&mut self) {
        let start = self.pos;
        while self.pos < self.bytes.len() {
            let c = self.bytes[self.pos];
            if c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80 {
                self.pos += 1;
            } else {
                break;
            }
        }
        let word = self.src[start..self.pos].to_ascii_uppercase();
        if self.words.len() < 8 {
            self.words.push(word.clone());
        }
        if self.in_routine_definition() {
            match word.as_str() {
                "ATOMIC" if self.last_word == "BEGIN" => self.atomic_depth += 1,
                "CASE" if self.atomic_depth > 0 => self.atomic_depth += 1,
                "END" if self.atomic_depth > 0 => self.atomic_depth -= 1,
                _ => {}
            }
        }
        self.last_word = word;
    }

    fn in_routine_definition(&self) -> bool {
        let w = &self.words;
        w.first().is_some_and(|f| f == "CREATE")
            && w.iter()
                .take(5)
                .any(|x| x == "FUNCTION" || x == "PROCEDURE")
    }

    fn line_comment(&mut self) {
        let start = self.pos;
        let line = self.line;
        while self.pos < self.bytes.len() && self.bytes[self.pos] != b'\n' {
            self.pos += 1;
        }
        self.out.comments.push(Comment {
            text: self.src[start..self.pos].to_string(),
            line,
        });
        self.out.comment_offsets.push(start);
    }

    fn block_comment(&mut self) {
        let start = self.pos;
        let line = self.line;
        let mut depth = 0u32;
        while self.pos < self.bytes.len() {
            if self.bytes[self.pos] == b'/' && self.peek(1) == Some(b'*') {
                depth += 1;
                self.pos += 2;
            } else if self.bytes[self.pos] == b'*' && self.peek(1) == Some(b'/') {
                depth -= 1;
                self.pos += 2;
                if depth == 0 {
                    break;
                }
            } else {
                self.advance();
            }
        }
        if depth > 0 {
            self.unterminated("/* comment", start, line);
        }
        self.out.comments.push(Comment {
            text: self.src[start..self.pos].to_string(),
            line,
        });
        self.out.comment_offsets.push(start);
    }

    /// psql meta-commands run to the end of the line.
    fn meta_command(&mut self) {
        while self.pos < self.bytes.len() && self.bytes[self.pos] != b'\n' {
            self.pos += 1;
        }
    }

    fn quoted(&mut self, quote: u8, backslash_escapes: bool, what: &'static str) {
        let (start, line) = (self.pos, self.line);
        self.advance();
        while self.pos < self.bytes.len() {
            let c = self.bytes[self.pos];
            if backslash_escapes && c == b'\\' {
                self.advance();
                if self.pos < self.bytes.len() {
                    self.advance();
                }
            } else if c == quote {
                self.advance();
                if self.peek(0) == Some(quote) {
                    self.advance();
                } else {
                    return;
                }
            } else {
                self.advance();
            }
        }
        self.unterminated(what, start, line);
    }

    /// `$$` or `$tag$`: skip to the matching closing delimiter. Returns false for a `$`
    /// that opens no quote (`$1` parameters, `$` inside identifiers).
    fn dollar_quote(&mut self) -> bool {
        let rest = &self.bytes[self.pos + 1..];
        let tag_len = rest
            .iter()
            .take_while(|&&c| c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80)
            .count();
        if rest.get(tag_len) != Some(&b'$') || rest.first().is_some_and(|c| c.is_ascii_digit()) {
            return false;
        }
        let delimiter = &self.src[self.pos..self.pos + tag_len + 2];
        let body_start = self.pos + tag_len + 2;
        let end = match self.src[body_start..].find(delimiter) {
            Some(i) => body_start + i + delimiter.len(),
            None => {
                self.unterminated("dollar-quoted string", self.pos, self.line);
                self.bytes.len()
            }
        };
        while self.pos < end {
            self.advance();
        }
        true
    }

    fn finish_statement(&mut self) {
        if let Some((start, line)) = self.start.take() {
            let sql = self.src[start..self.pos].trim_end();
            if !sql.is_empty() {
                self.out.statements.push(RawStatement {
                    sql: sql.to_string(),
                    line,
                    offset: start,
                });
            }
        }
        self.atomic_depth = 0;
        self.last_word.clear();
    }

    fn is_copy_from_stdin(&self) -> bool {
        self.words.first().is_some_and(|w| w == "COPY") && {
            let stmt = self
                .out
                .statements
                .last()
                .map(|s| s.sql.to_ascii_lowercase())
                .unwrap_or_default();
            stmt.contains("from stdin")
        }
    }

    /// Skip the rest of the COPY line and the data lines up to and including `\.`.
    fn skip_copy_data(&mut self) {
        while self.pos < self.bytes.len() && self.bytes[self.pos] != b'\n' {
            self.pos += 1;
        }
        while self.pos < self.bytes.len() {
            self.advance(); // the newline
            let line_end = self.src[self.pos..]
                .find('\n')
                .map_or(self.bytes.len(), |i| self.pos + i);
            let line = self.src[self.pos..line_end].trim_end_matches('\r');
            self.pos = line_end;
            if line == "\\." {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sqls(text: &str) -> Vec<String> {
        split(text).statements.into_iter().map(|s| s.sql).collect()
    }

    #[test]
    fn splits_on_semicolons_and_records_lines() {
        let out = split("CREATE TABLE a (id int);\n\n  -- note\nCREATE TABLE b (id int);");
        assert_eq!(out.statements.len(), 2);
        assert_eq!(out.statements[0].line, 1);
        assert_eq!(out.statements[1].line, 4);
        assert_eq!(out.statements[1].sql, "CREATE TABLE b (id int)");
        assert_eq!(out.comments[0].text, "-- note");
        assert_eq!(out.comments[0].line, 3);
    }

    #[test]
    fn semicolons_inside_strings_comments_and_identifiers_do_not_split() {
        let text = "SELECT 'a;b', \"c;d\" /* x; /* nested; */ y; */ FROM t; -- z;\nSELECT 2;";
        assert_eq!(
            sqls(text),
            vec![
                "SELECT 'a;b', \"c;d\" /* x; /* nested; */ y; */ FROM t",
                "SELECT 2"
            ]
        );
    }

    #[test]
    fn doubled_quotes_and_escape_strings() {
        assert_eq!(
            sqls("SELECT 'it''s;'; SELECT E'a\\';b'; SELECT 3"),
            vec!["SELECT 'it''s;'", "SELECT E'a\\';b'", "SELECT 3"]
        );
        // A backslash in a standard string is just a character.
        assert_eq!(
            sqls("SELECT 'a\\'; SELECT 2"),
            vec!["SELECT 'a\\'", "SELECT 2"]
        );
    }

    #[test]
    fn dollar_quotes_with_and_without_tags() {
        let text = "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\nDO $body$ BEGIN PERFORM 1; $x$ not end $x$; END $body$;\nSELECT $1;";
        let out = sqls(text);
        assert_eq!(out.len(), 3);
        assert!(out[1].ends_with("END $body$"));
        assert_eq!(out[2], "SELECT $1");
    }

    #[test]
    fn copy_from_stdin_data_is_skipped() {
        let text = "COPY t (a, b) FROM stdin;\n1\t;x\n2\t'y\n\\.\nCREATE TABLE u (id int);\n";
        let out = split(text);
        assert_eq!(out.statements.len(), 2);
        assert_eq!(out.statements[1].sql, "CREATE TABLE u (id int)");
        assert_eq!(out.statements[1].line, 5);
    }

    #[test]
    fn psql_meta_commands_are_skipped() {
        let text = "\\set ON_ERROR_STOP 1\n\\restrict abc\nCREATE TABLE a (id int);\n\\connect db\n\\unrestrict abc\n";
        let out = split(text);
        assert_eq!(out.statements.len(), 1);
        assert_eq!(out.statements[0].line, 3);
    }

    #[test]
    fn begin_atomic_bodies_keep_their_semicolons() {
        let text = "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN a > 0 THEN 1 ELSE 2 END; SELECT 3; END;\nSELECT 4;";
        let out = sqls(text);
        assert_eq!(out.len(), 2);
        assert!(out[0].ends_with("SELECT 3; END"));
    }

    #[test]
    fn transaction_begin_is_not_atomic() {
        assert_eq!(
            sqls("BEGIN; CREATE TABLE a (id int); COMMIT;"),
            vec!["BEGIN", "CREATE TABLE a (id int)", "COMMIT"]
        );
    }

    #[test]
    fn unterminated_input_still_yields_the_last_statement() {
        assert_eq!(
            sqls("SELECT 1; SELECT 'open"),
            vec!["SELECT 1", "SELECT 'open"]
        );
        assert_eq!(
            sqls("SELECT $$ never closed"),
            vec!["SELECT $$ never closed"]
        );
        assert!(sqls("").is_empty());
        assert!(sqls(" -- only a comment\n/* and another */").is_empty());
    }

    #[test]
    fn every_prefix_of_a_nasty_file_splits_without_panicking() {
        let text = "CREATE TABLE \"tä\" (a text DEFAULT E'x\\'y', b text DEFAULT $q$é;$q$);\n\
                    /* ünï /* nested */ ; */ -- ß;\nCOPY t FROM stdin;\n1\t\\N\n\\.\n\\set x 1\n\
                    CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;\nSELECT $1, 'it''s';";
        for (i, _) in text.char_indices() {
            let out = split(&text[..i]);
            for st in &out.statements {
                assert!(!st.sql.is_empty());
                assert!(st.line >= 1);
            }
        }
        assert_eq!(split(text).statements.len(), 4);
    }

    #[test]
    fn a_leading_byte_order_mark_is_skipped() {
        let out = split("\u{feff}CREATE TABLE a (id int);\nSELECT 1;");
        assert_eq!(out.statements[0].sql, "CREATE TABLE a (id int)");
        assert_eq!(out.statements[0].offset, 3);
        assert_eq!(out.statements.len(), 2);
    }

    #[test]
    fn constructs_open_at_the_end_are_reported_where_they_open() {
        let open = |text: &str| split(text).unterminated.map(|u| (u.what, u.line, u.offset));
        assert_eq!(
            open("SELECT 1;\n/* a /* b */\nSELECT 2;"),
            Some(("/* comment", 2, 10))
        );
        assert_eq!(open("SELECT 1,\n 'x"), Some(("quoted string", 2, 11)));
        assert_eq!(open("SELECT e'x\\'"), Some(("quoted string", 1, 8)));
        assert_eq!(open("SELECT b'1"), Some(("bit string literal", 1, 8)));
        assert_eq!(
            open("SELECT x'f"),
            Some(("hexadecimal string literal", 1, 8))
        );
        assert_eq!(open("SELECT \"x"), Some(("quoted identifier", 1, 7)));
        assert_eq!(
            open("SELECT $a$ x $b$"),
            Some(("dollar-quoted string", 1, 7))
        );
        assert_eq!(
            open("SELECT 0;\nCREATE PROCEDURE p() BEGIN ATOMIC SELECT 1;"),
            Some(("BEGIN ATOMIC body (no matching END)", 2, 10))
        );
        for closed in [
            "SELECT 'a''b', E'\\'', \"q\"\"\", $$x$$, $t$ $ $t$ /* /* */ */",
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END",
            "-- a line comment without a newline",
            "",
        ] {
            assert_eq!(open(closed), None, "{closed}");
        }
    }

    #[test]
    fn identifiers_containing_e_before_quote_are_not_escape_strings() {
        // `type'...'` is not E'' — backslash is literal in the standard string.
        assert_eq!(
            sqls("SELECT date'2020-01-01\\'; SELECT 2"),
            vec!["SELECT date'2020-01-01\\'", "SELECT 2"]
        );
    }
}
