//! The Prisma Schema Language's grammar, read by hand (no maintained Rust crate reads
//! PSL; the grammar is prisma-engines' `psl/schema-ast/src/parser/datamodel.pest`):
//! blocks (`model`, `view`, `type`, `enum`, `datasource`, `generator`), fields one per
//! line, `@attribute(args)` and `@@attribute(args)`, and expressions (strings with
//! JSON escapes, numbers, constants, function calls, arrays and, since Prisma 7.4,
//! objects). Every node keeps its byte span in its file. A line that does not parse
//! is recorded as an error and skipped, and reading goes on, as Prisma's parser does.

/// Byte range `start..end` in one file (`file` indexes [`super::SchemaFiles`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub file: usize,
    pub start: usize,
    pub end: usize,
}

/// A name with where it is written.
#[derive(Debug, Clone)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Model,
    View,
    /// A composite type (MongoDB only; nothing on PostgreSQL).
    Type,
}

/// `model`, `view` or `type` block.
#[derive(Debug, Clone)]
pub struct Block {
    pub kind: BlockKind,
    pub name: Ident,
    pub fields: Vec<Field>,
    /// `@@…` attributes, in order.
    pub attributes: Vec<Attribute>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arity {
    Required,
    Optional,
    List,
}

/// `name Type? @attr(...)`.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: Ident,
    /// The type's name (`Int`, a model, an enum), or `Unsupported`.
    pub type_name: Ident,
    /// `Unsupported("text")`: the text.
    pub unsupported: Option<String>,
    pub arity: Arity,
    pub attributes: Vec<Attribute>,
    pub span: Span,
}

/// `@name(args)` or `@@name(args)`; `name` may be dotted (`db.VarChar`).
#[derive(Debug, Clone)]
pub struct Attribute {
    pub name: String,
    pub args: Vec<Arg>,
    pub span: Span,
}

impl Attribute {
    /// The argument named `name`, or else the first positional one when `positional`.
    pub fn arg(&self, name: &str, positional: bool) -> Option<&Expr> {
        self.args
            .iter()
            .find(|a| a.name.as_deref() == Some(name))
            .or_else(|| {
                positional
                    .then(|| self.args.iter().find(|a| a.name.is_none()))
                    .flatten()
            })
            .map(|a| &a.value)
    }
}

#[derive(Debug, Clone)]
pub struct Arg {
    pub name: Option<String>,
    pub value: Expr,
    /// From the name (or the value) to the end of the value.
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum Expr {
    /// A string literal, unescaped.
    Str(String),
    /// A number as written (`1.50` keeps its zero).
    Num(String),
    /// A constant or path (`Cascade`, `true`, `db.Thing`).
    Const(String),
    /// `name(args)`, where an argument may be `field(sort: Desc)`.
    Call(String, Vec<Arg>),
    Array(Vec<Expr>),
    /// `{ key: value, … }` (partial index `where:`).
    Object(Vec<(String, Expr)>),
    /// `name:` with nothing after it.
    Empty,
}

impl Expr {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Expr::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_const(&self) -> Option<&str> {
        match self {
            Expr::Const(s) => Some(s),
            _ => None,
        }
    }
}

/// `enum Name { VALUE @map("v") … @@map("n") }`.
#[derive(Debug, Clone)]
pub struct EnumBlock {
    pub name: Ident,
    pub values: Vec<EnumValue>,
    pub attributes: Vec<Attribute>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct EnumValue {
    pub name: Ident,
    pub attributes: Vec<Attribute>,
}

/// `datasource` or `generator`: `key = value` lines.
#[derive(Debug, Clone)]
pub struct ConfigBlock {
    pub is_datasource: bool,
    pub name: Ident,
    pub properties: Vec<(Ident, Expr)>,
}

/// Everything a file declares, in order.
#[derive(Debug, Default, Clone)]
pub struct Ast {
    pub blocks: Vec<Block>,
    pub enums: Vec<EnumBlock>,
    pub configs: Vec<ConfigBlock>,
    /// Every `//` comment: byte offset and text (for `// dblint-ignore`).
    pub comments: Vec<(usize, String)>,
}

/// A syntax error: where, and what was expected.
#[derive(Debug, Clone)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Num(String),
    Punct(char),
    /// `@` (false) or `@@` (true).
    At(bool),
    Newline,
    /// A character no token starts with, or a broken string: the message.
    Bad(String),
}

struct Lexer<'a> {
    text: &'a str,
    pos: usize,
    /// Every `//` comment (doc comments too): byte offset and text.
    comments: Vec<(usize, String)>,
}

impl Lexer<'_> {
    /// The next token and its byte range, skipping blanks and comments; `None` at
    /// the end.
    fn next(&mut self) -> Option<(Tok, usize, usize)> {
        let bytes = self.text.as_bytes();
        loop {
            // Blanks: any white space but line breaks; `\r\n` is one line break.
            while let Some(c) = self.text[self.pos..].chars().next() {
                let crlf = c == '\r' && bytes.get(self.pos + 1) == Some(&b'\n');
                if (c.is_whitespace() && c != '\n' && c != '\r') || crlf {
                    self.pos += c.len_utf8();
                } else {
                    break;
                }
            }
            if self.text[self.pos..].starts_with("//") {
                let start = self.pos;
                while self.pos < bytes.len() && !matches!(bytes[self.pos], b'\n' | b'\r') {
                    self.pos += 1;
                }
                self.comments
                    .push((start, self.text[start..self.pos].to_string()));
                continue;
            }
            break;
        }
        let start = self.pos;
        let c = self.text[self.pos..].chars().next()?;
        let tok = match c {
            // A line break: `\n`, or `\r` alone (old Mac line endings).
            '\n' | '\r' => {
                self.pos += 1;
                Tok::Newline
            }
            '@' => {
                self.pos += 1;
                if bytes.get(self.pos) == Some(&b'@') {
                    self.pos += 1;
                    Tok::At(true)
                } else {
                    Tok::At(false)
                }
            }
            '"' => self.string(),
            c if c.is_ascii_digit() || (c == '-' && self.digit_follows()) => {
                self.pos += 1;
                // Digits, then at most one `.` followed by digits.
                let digits = |pos: &mut usize| {
                    while *pos < bytes.len() && bytes[*pos].is_ascii_digit() {
                        *pos += 1;
                    }
                };
                digits(&mut self.pos);
                if bytes.get(self.pos) == Some(&b'.')
                    && bytes.get(self.pos + 1).is_some_and(u8::is_ascii_digit)
                {
                    self.pos += 1;
                    digits(&mut self.pos);
                }
                // `1st` and the like are identifiers.
                if self.pos < bytes.len() && is_ident_byte(bytes[self.pos]) && c != '-' {
                    self.ident_rest();
                    Tok::Ident(self.text[start..self.pos].to_string())
                } else {
                    Tok::Num(self.text[start..self.pos].to_string())
                }
            }
            // Prisma takes letters of any script in names (`Café`, `größe`, `名前`).
            c if c.is_alphabetic() || c == '_' => {
                self.ident_rest();
                Tok::Ident(self.text[start..self.pos].to_string())
            }
            '{' | '}' | '(' | ')' | '[' | ']' | ',' | ':' | '=' | '?' | '.' | '!' => {
                self.pos += 1;
                Tok::Punct(c)
            }
            other => {
                self.pos += other.len_utf8();
                Tok::Bad(format!("unexpected character `{other}`"))
            }
        };
        Some((tok, start, self.pos))
    }

    fn digit_follows(&self) -> bool {
        self.text
            .as_bytes()
            .get(self.pos + 1)
            .is_some_and(u8::is_ascii_digit)
    }

    fn ident_rest(&mut self) {
        while let Some(c) = self.text[self.pos..].chars().next() {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                self.pos += c.len_utf8();
            } else {
                break;
            }
        }
    }

    /// A JSON-style string: `\" \\ \/ \b \f \n \r \t \uXXXX` (with surrogate pairs);
    /// any other escape, or a line break before the closing quote, is an error.
    fn string(&mut self) -> Tok {
        self.pos += 1;
        let mut out = String::new();
        let mut chars = self.text[self.pos..].char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.pos += i + 1;
                    return Tok::Str(out);
                }
                '\n' => {
                    self.pos += i;
                    return Tok::Bad("unterminated string".into());
                }
                '\\' => {
                    let Some((_, e)) = chars.next() else { break };
                    match e {
                        '"' => out.push('"'),
                        '\\' => out.push('\\'),
                        '/' => out.push('/'),
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{c}'),
                        'n' => out.push('\n'),
                        'r' => out.push('\r'),
                        't' => out.push('\t'),
                        'u' => {
                            let code = |chars: &mut std::str::CharIndices| {
                                let hex: String = chars.by_ref().take(4).map(|(_, c)| c).collect();
                                u32::from_str_radix(&hex, 16)
                                    .ok()
                                    .filter(|_| hex.len() == 4)
                            };
                            let Some(high) = code(&mut chars) else {
                                self.pos += i;
                                return Tok::Bad("invalid \\u escape in string".into());
                            };
                            let value = if (0xD800..0xDC00).contains(&high) {
                                let rest = chars.as_str();
                                if !rest.starts_with("\\u") {
                                    self.pos += i;
                                    return Tok::Bad("unpaired surrogate in string".into());
                                }
                                chars.next();
                                chars.next();
                                match code(&mut chars) {
                                    Some(low) if (0xDC00..0xE000).contains(&low) => {
                                        0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                                    }
                                    _ => {
                                        self.pos += i;
                                        return Tok::Bad("unpaired surrogate in string".into());
                                    }
                                }
                            } else {
                                high
                            };
                            match char::from_u32(value) {
                                Some(c) => out.push(c),
                                None => {
                                    self.pos += i;
                                    return Tok::Bad("invalid \\u escape in string".into());
                                }
                            }
                        }
                        other => {
                            self.pos += i;
                            return Tok::Bad(format!("unknown escape `\\{other}` in string"));
                        }
                    }
                }
                c => out.push(c),
            }
        }
        self.pos = self.text.len();
        Tok::Bad("unterminated string".into())
    }
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// Read one file. Errors are returned beside what could be read.
pub fn parse(file: usize, text: &str) -> (Ast, Vec<SyntaxError>) {
    let mut lexer = Lexer {
        text,
        pos: 0,
        comments: Vec::new(),
    };
    let mut toks = Vec::new();
    while let Some(t) = lexer.next() {
        toks.push(t);
    }
    let comments = std::mem::take(&mut lexer.comments);
    let mut p = Parser {
        depth: 0,
        file,
        toks,
        at: 0,
        errors: Vec::new(),
        end: text.len(),
    };
    let mut ast = p.file();
    ast.comments = comments;
    (ast, p.errors)
}

/// How deep values may nest (arrays, objects, calls).
const MAX_DEPTH: usize = 64;

struct Parser {
    depth: usize,
    file: usize,
    toks: Vec<(Tok, usize, usize)>,
    at: usize,
    errors: Vec<SyntaxError>,
    end: usize,
}

/// A syntax error was recorded; the caller recovers.
struct Fail;

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at).map(|t| &t.0)
    }

    fn span_at(&self, i: usize) -> Span {
        match self.toks.get(i) {
            Some((_, s, e)) => Span {
                file: self.file,
                start: *s,
                end: *e,
            },
            None => Span {
                file: self.file,
                start: self.end,
                end: self.end,
            },
        }
    }

    /// From token `start` to the last token read.
    fn span_from(&self, start: usize) -> Span {
        Span {
            file: self.file,
            start: self.span_at(start).start,
            end: self.span_at(self.at - 1).end,
        }
    }

    fn bump(&mut self) -> Option<(Tok, Span)> {
        let span = self.span_at(self.at);
        let tok = self.toks.get(self.at)?.0.clone();
        self.at += 1;
        Some((tok, span))
    }

    fn error(&mut self, message: impl Into<String>) -> Fail {
        let span = self.span_at(self.at);
        let message = match self.peek() {
            Some(Tok::Bad(why)) => why.clone(),
            _ => message.into(),
        };
        self.errors.push(SyntaxError { span, message });
        Fail
    }

    fn skip_newlines(&mut self) {
        while self.peek() == Some(&Tok::Newline) {
            self.at += 1;
        }
    }

    /// Skip to the next line (for recovery).
    fn skip_line(&mut self) {
        while let Some(t) = self.peek() {
            let newline = *t == Tok::Newline;
            self.at += 1;
            if newline {
                break;
            }
        }
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(&Tok::Punct(c)) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: char) -> Result<(), Fail> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(self.error(format!("expected `{c}`")))
        }
    }

    fn ident(&mut self, what: &str) -> Result<Ident, Fail> {
        if let Some(Tok::Ident(name)) = self.peek().cloned() {
            let span = self.span_at(self.at);
            self.at += 1;
            Ok(Ident { name, span })
        } else {
            Err(self.error(format!("expected {what}")))
        }
    }

    /// At the end of a line (or of the file, or before a block's closing brace).
    fn end_of_line(&mut self) -> Result<(), Fail> {
        match self.peek() {
            None | Some(Tok::Newline) | Some(Tok::Punct('}')) => Ok(()),
            _ => Err(self.error("unexpected text at the end of the line")),
        }
    }

    fn file(&mut self) -> Ast {
        let mut ast = Ast::default();
        loop {
            self.skip_newlines();
            let Some(tok) = self.peek().cloned() else {
                break;
            };
            let start = self.at;
            let keyword = match tok {
                Tok::Ident(k) => k,
                _ => {
                    self.error(
                        "expected a block: model, view, enum, type, datasource or generator",
                    );
                    self.skip_line();
                    continue;
                }
            };
            let result = match keyword.as_str() {
                "model" | "view" | "type" => {
                    let kind = match keyword.as_str() {
                        "model" => BlockKind::Model,
                        "view" => BlockKind::View,
                        _ => BlockKind::Type,
                    };
                    self.at += 1;
                    self.block(kind, start).map(|b| ast.blocks.push(b))
                }
                "enum" => {
                    self.at += 1;
                    self.enum_block(start).map(|e| ast.enums.push(e))
                }
                "datasource" | "generator" => {
                    self.at += 1;
                    self.config_block(keyword == "datasource")
                        .map(|c| ast.configs.push(c))
                }
                other => {
                    self.error(format!(
                        "unknown block `{other}`: expected model, view, enum, type, datasource or generator"
                    ));
                    Err(Fail)
                }
            };
            if result.is_err() {
                self.recover_block();
            }
        }
        ast
    }

    /// After an error outside a block's body: skip to the end of the block (its
    /// closing brace on a line of its own), or to the next line that starts a block.
    fn recover_block(&mut self) {
        let mut depth = 0i32;
        while let Some(t) = self.peek().cloned() {
            match t {
                Tok::Punct('{') => depth += 1,
                Tok::Punct('}') => {
                    depth -= 1;
                    if depth <= 0 {
                        self.at += 1;
                        return;
                    }
                }
                Tok::Newline if depth <= 0 => {
                    self.at += 1;
                    if let Some(Tok::Ident(k)) = self.peek() {
                        if matches!(
                            k.as_str(),
                            "model" | "view" | "type" | "enum" | "datasource" | "generator"
                        ) {
                            return;
                        }
                    }
                    continue;
                }
                _ => {}
            }
            self.at += 1;
        }
    }

    /// Lines of a block body until its closing `}`; `line` reads one (at its start)
    /// and errors skip the rest of that line.
    fn body(&mut self, line: &mut dyn FnMut(&mut Parser) -> Result<(), Fail>) -> Result<(), Fail> {
        self.expect('{')?;
        loop {
            self.skip_newlines();
            match self.peek() {
                None => return Err(self.error("expected `}` closing the block")),
                Some(Tok::Punct('}')) => {
                    self.at += 1;
                    return Ok(());
                }
                _ => {
                    if line(self).is_err() {
                        self.skip_line();
                    }
                }
            }
        }
    }

    fn block(&mut self, kind: BlockKind, start: usize) -> Result<Block, Fail> {
        let name = self.ident("a name")?;
        let mut fields = Vec::new();
        let mut attributes = Vec::new();
        self.body(&mut |p| {
            if let Some(Tok::At(true)) = p.peek() {
                attributes.push(p.attribute()?);
                return p.end_of_line();
            }
            fields.push(p.field()?);
            Ok(())
        })?;
        let span = self.span_from(start);
        Ok(Block {
            kind,
            name,
            fields,
            attributes,
            span,
        })
    }

    fn field(&mut self) -> Result<Field, Fail> {
        let start = self.at;
        let name = self.ident("a field name")?;
        let type_name = self.ident("a field type")?;
        let mut unsupported = None;
        if type_name.name == "Unsupported" {
            self.expect('(')?;
            match self.bump() {
                Some((Tok::Str(s), _)) => unsupported = Some(s),
                _ => {
                    self.at -= 1;
                    return Err(self.error("expected a string in Unsupported(\"…\")"));
                }
            }
            self.expect(')')?;
        }
        let arity = if self.eat('?') {
            Arity::Optional
        } else if self.eat('[') {
            self.expect(']')?;
            // `Type[]?` is not valid Prisma; read it as a list.
            self.eat('?');
            Arity::List
        } else {
            self.eat('!');
            Arity::Required
        };
        let mut attributes = Vec::new();
        while let Some(Tok::At(false)) = self.peek() {
            attributes.push(self.attribute()?);
        }
        self.end_of_line()?;
        let span = self.span_from(start);
        Ok(Field {
            name,
            type_name,
            unsupported,
            arity,
            attributes,
            span,
        })
    }

    /// `@name`, `@@name`, `@db.Name`, each with optional `(args)`.
    fn attribute(&mut self) -> Result<Attribute, Fail> {
        let start = self.at;
        self.at += 1; // `@` or `@@`
        let mut name = self.ident("an attribute name")?.name;
        while self.peek() == Some(&Tok::Punct('.')) {
            self.at += 1;
            name.push('.');
            name.push_str(&self.ident("an attribute name")?.name);
        }
        let args = if self.peek() == Some(&Tok::Punct('(')) {
            self.at += 1;
            self.args(')')?
        } else {
            Vec::new()
        };
        let span = self.span_from(start);
        Ok(Attribute { name, args, span })
    }

    /// Arguments up to the closing `close` (already past the opening one): positional
    /// or `name: value`, `name:` alone, trailing comma allowed, line breaks ignored.
    fn args(&mut self, close: char) -> Result<Vec<Arg>, Fail> {
        let mut args = Vec::new();
        loop {
            if self.eat(close) {
                return Ok(args);
            }
            let start = self.at;
            let named = matches!(self.peek(), Some(Tok::Ident(_)))
                && self.toks.get(self.at + 1).map(|t| &t.0) == Some(&Tok::Punct(':'));
            let name = if named {
                let n = self.ident("an argument name")?.name;
                self.at += 1;
                Some(n)
            } else {
                None
            };
            let value = if name.is_some()
                && matches!(self.peek(), Some(Tok::Punct(',')) | Some(Tok::Punct(')')))
            {
                Expr::Empty
            } else {
                self.expr()?
            };
            let span = self.span_from(start);
            args.push(Arg { name, value, span });
            if !self.eat(',') {
                self.expect(close)?;
                return Ok(args);
            }
        }
    }

    /// A value, nested at most [`MAX_DEPTH`] deep (no real schema comes near; the
    /// bound keeps a hostile one from overflowing the stack).
    fn expr(&mut self) -> Result<Expr, Fail> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error(format!("values nested more than {MAX_DEPTH} deep")));
        }
        self.depth += 1;
        let value = self.expr_inner();
        self.depth -= 1;
        value
    }

    fn expr_inner(&mut self) -> Result<Expr, Fail> {
        match self.peek().cloned() {
            Some(Tok::Str(s)) => {
                self.at += 1;
                Ok(Expr::Str(s))
            }
            Some(Tok::Num(n)) => {
                self.at += 1;
                Ok(Expr::Num(n))
            }
            Some(Tok::Ident(_)) => {
                let mut path = self.ident("a value")?.name;
                while self.peek() == Some(&Tok::Punct('.')) {
                    self.at += 1;
                    path.push('.');
                    path.push_str(&self.ident("a name")?.name);
                }
                if self.eat('(') {
                    Ok(Expr::Call(path, self.args(')')?))
                } else {
                    Ok(Expr::Const(path))
                }
            }
            Some(Tok::Punct('[')) => {
                self.at += 1;
                let mut items = Vec::new();
                loop {
                    if self.eat(']') {
                        break;
                    }
                    items.push(self.expr()?);
                    if !self.eat(',') {
                        self.expect(']')?;
                        break;
                    }
                }
                Ok(Expr::Array(items))
            }
            Some(Tok::Punct('{')) => {
                self.at += 1;
                let mut entries = Vec::new();
                loop {
                    if self.eat('}') {
                        break;
                    }
                    let key = self.ident("a key")?.name;
                    self.expect(':')?;
                    entries.push((key, self.expr()?));
                    if !self.eat(',') {
                        self.expect('}')?;
                        break;
                    }
                }
                Ok(Expr::Object(entries))
            }
            _ => Err(self.error("expected a value")),
        }
    }

    fn enum_block(&mut self, start: usize) -> Result<EnumBlock, Fail> {
        let name = self.ident("a name")?;
        let mut values = Vec::new();
        let mut attributes = Vec::new();
        self.body(&mut |p| {
            if let Some(Tok::At(true)) = p.peek() {
                attributes.push(p.attribute()?);
                return p.end_of_line();
            }
            let name = p.ident("an enum value")?;
            let mut attrs = Vec::new();
            while let Some(Tok::At(false)) = p.peek() {
                attrs.push(p.attribute()?);
            }
            p.end_of_line()?;
            values.push(EnumValue {
                name,
                attributes: attrs,
            });
            Ok(())
        })?;
        let span = self.span_from(start);
        Ok(EnumBlock {
            name,
            values,
            attributes,
            span,
        })
    }

    fn config_block(&mut self, is_datasource: bool) -> Result<ConfigBlock, Fail> {
        let name = self.ident("a name")?;
        let mut properties = Vec::new();
        self.body(&mut |p| {
            let key = p.ident("a property name")?;
            p.expect('=')?;
            let value = p.expr()?;
            p.end_of_line()?;
            properties.push((key, value));
            Ok(())
        })?;
        Ok(ConfigBlock {
            is_datasource,
            name,
            properties,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_attributes_and_expressions() {
        let text = "model User {\n  id Int @id @default(autoincrement()) // c\n  tags String[] @default([\"a\", \"b\\\"c\"])\n  email String? @db.VarChar(200)\n  @@index([email(sort: Desc)], where: { deleted: false })\n}\n";
        let (ast, errors) = parse(0, text);
        assert!(errors.is_empty(), "{errors:?}");
        let user = &ast.blocks[0];
        assert_eq!(user.fields.len(), 3);
        assert_eq!(user.fields[1].arity, Arity::List);
        assert_eq!(user.fields[2].attributes[0].name, "db.VarChar");
        match user.fields[1].attributes[0].arg("value", true) {
            Some(Expr::Array(items)) => assert_eq!(items[1].as_str(), Some("b\"c")),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            user.attributes[0].arg("where", false),
            Some(Expr::Object(_))
        ));
    }

    #[test]
    fn a_bad_line_is_reported_and_the_rest_is_read() {
        let text =
            "model A {\n  id Int @id\n  = broken\n  name String\n}\nmodel B {\n  id Int @id\n}\n";
        let (ast, errors) = parse(0, text);
        assert_eq!(errors.len(), 1);
        assert_eq!(ast.blocks.len(), 2);
        assert_eq!(ast.blocks[0].fields.len(), 2);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = format!(
            "model A {{\n  a Int[] @default({}1{})\n}}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let (_, errors) = parse(0, &text);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].message.contains("nested"), "{errors:?}");
    }

    #[test]
    fn letters_of_any_script_and_old_mac_line_endings() {
        let (ast, errors) = parse(0, "model Café {\r  größe Int @id\r  名前 String\u{a0}\r}\r");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(ast.blocks[0].fields.len(), 2);
        assert_eq!(ast.blocks[0].fields[1].name.name, "名前");
    }

    #[test]
    fn bad_escapes_are_errors() {
        let (_, errors) = parse(0, "model A {\n  s String @default(\"a\\qb\")\n}\n");
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.contains("escape"), "{errors:?}");
    }
}
