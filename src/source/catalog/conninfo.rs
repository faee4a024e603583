//! Connection settings in every form libpq accepts: `postgres://` / `postgresql://`
//! URLs (percent-encoding, IPv6, several hosts, query parameters), `key=value`
//! conninfo strings, and — with no argument — `DATABASE_URL` then the `PG*`
//! environment variables and the password file. Parsed here rather than by
//! `postgres::Config`, which rejects `verify-ca`, `verify-full` and `sslrootcert`.
//!
//! The password is a [`Secret`]: it never appears in `Debug`, `Display` or errors.
//! No error quotes the connection string: a misplaced `@`, `/`, `?` or space can put
//! part of a password anywhere (in the "port", in a "key"), so errors name the part
//! (`the URL's port`, `the value after password=`) and its character position, and
//! quote only words dblint itself knows (option names, the URL scheme).

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// A password. Formatting it prints `****`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("****")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("****")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    Allow,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    pub fn parse(s: &str) -> Option<SslMode> {
        Some(match s {
            "disable" => SslMode::Disable,
            "allow" => SslMode::Allow,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Allow => "allow",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    Tcp(String),
    /// A directory holding the server's Unix-domain socket.
    Unix(PathBuf),
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Tcp(h) if h.contains(':') => write!(f, "[{h}]"),
            Host::Tcp(h) => f.write_str(h),
            Host::Unix(p) => write!(f, "{}", p.display()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConnInfo {
    pub hosts: Vec<Host>,
    /// One port per host, or a single port for all.
    pub ports: Vec<u16>,
    pub user: Option<String>,
    pub password: Option<Secret>,
    pub dbname: Option<String>,
    pub sslmode: SslMode,
    pub sslrootcert: Option<PathBuf>,
    pub options: Option<String>,
    pub application_name: String,
    pub connect_timeout: Duration,
    /// Schemas an ORM's parameter selects (Prisma's `schema`, Rails'
    /// `schema_search_path`, dj-database-url's `currentSchema`): `inspect` grades
    /// these when no `--schema` is given. Never used for the session's `search_path`,
    /// which stays pinned.
    pub schemas: Vec<String>,
    /// ORM settings libpq does not know (pool sizes, timeouts of the ORM's own
    /// client), accepted and ignored: `(parameter, the tool it belongs to)`.
    pub ignored: Vec<(String, &'static str)>,
}

impl Default for ConnInfo {
    fn default() -> Self {
        ConnInfo {
            hosts: Vec::new(),
            ports: Vec::new(),
            user: None,
            password: None,
            dbname: None,
            sslmode: SslMode::Prefer,
            sslrootcert: None,
            options: None,
            application_name: "dblint".to_string(),
            connect_timeout: Duration::from_secs(10),
            schemas: Vec::new(),
            ignored: Vec::new(),
        }
    }
}

/// What is wrong with a connection string. Never quotes the string itself (it may
/// hold a password).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConnInfoError(pub String);

/// Options libpq knows that dblint accepts but does not act on.
const IGNORED_OPTIONS: &[&str] = &[
    "target_session_attrs",
    "keepalives",
    "keepalives_idle",
    "keepalives_interval",
    "keepalives_count",
    "tcp_user_timeout",
    "gssencmode",
    "channel_binding",
    "sslcert",
    "sslkey",
    "sslcrl",
    "sslcrldir",
    "sslsni",
    "sslcompression",
    "ssl_min_protocol_version",
    "ssl_max_protocol_version",
    "requirepeer",
    "krbsrvname",
    "gsslib",
    "load_balance_hosts",
    "client_encoding",
    "fallback_application_name",
    "replication",
    "service",
    "passfile",
    "hostaddr",
];

/// Parameters that selects a schema in an ORM's `DATABASE_URL` (libpq does not know
/// them): Prisma's `schema` (prisma-engines, `quaint/src/connector/postgres/url.rs`,
/// `parse_query_params`: it becomes the connection's `search_path`), Rails'
/// `schema_search_path` (a comma-separated list; ActiveRecord's
/// `ConnectionUrlResolver` makes every query parameter a configuration key) and
/// dj-database-url's `currentSchema` (`dj_database_url/__init__.py`: `-c
/// search_path=…`).
const SCHEMA_PARAMETERS: &[(&str, &str)] = &[
    ("schema", "Prisma"),
    ("schema_search_path", "Rails"),
    ("currentSchema", "dj-database-url"),
];

/// ORM settings people put in `DATABASE_URL` that libpq does not know and dblint has
/// no use for: the pool and client settings of Prisma (the `parse_query_params` list
/// above and Prisma's "PostgreSQL connection URL" docs), Rails (`database.yml` keys
/// the PostgreSQL adapter and the pool read: `postgresql_adapter.rb`,
/// `abstract_adapter.rb`, `hash_config.rb`) and Django (`conn_max_age` and the
/// `OPTIONS` dj-database-url makes of query parameters). Accepted, named in a note,
/// ignored.
const ORM_SETTINGS: &[(&str, &str)] = &[
    ("connection_limit", "Prisma"),
    ("pool_timeout", "Prisma"),
    ("pgbouncer", "Prisma"),
    ("statement_cache_size", "Prisma"),
    ("socket_timeout", "Prisma"),
    ("max_connection_lifetime", "Prisma"),
    ("max_idle_connection_lifetime", "Prisma"),
    ("sslaccept", "Prisma"),
    ("sslidentity", "Prisma"),
    ("pool", "Rails"),
    ("max_connections", "Rails"),
    ("checkout_timeout", "Rails"),
    ("idle_timeout", "Rails"),
    ("reaping_frequency", "Rails"),
    ("min_threads", "Rails"),
    ("max_threads", "Rails"),
    ("max_age", "Rails"),
    ("prepared_statements", "Rails"),
    ("advisory_locks", "Rails"),
    ("statement_limit", "Rails"),
    ("encoding", "Rails"),
    ("min_messages", "Rails"),
    ("reconnect", "Rails"),
    ("timeout", "Rails"),
    ("conn_max_age", "Django"),
    ("conn_health_checks", "Django"),
    ("isolation_level", "Django"),
    ("server_side_binding", "Django"),
    ("assume_role", "Django"),
];

impl ConnInfo {
    /// Parse a URL or a `key=value` string, then take what it leaves unset from the
    /// `PG*` variables, as libpq does (`PGPASSWORD` with a URL that has no password).
    pub fn parse_with_env(
        input: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<ConnInfo, ConnInfoError> {
        let pairs = Self::pairs(input)?;
        let set: Vec<String> = pairs.iter().map(|p| p.key.clone()).collect();
        let defaults: Vec<Pair> = env_pairs(env)
            .into_iter()
            .filter(|p| !set.contains(&p.key))
            .collect();
        let mut info = ConnInfo::default();
        info.apply(pairs)?;
        info.apply(defaults)?;
        Ok(info)
    }

    /// Parse a URL or a `key=value` string (nothing from the environment).
    pub fn parse(input: &str) -> Result<ConnInfo, ConnInfoError> {
        let pairs = Self::pairs(input)?;
        let mut info = ConnInfo::default();
        info.apply(pairs)?;
        Ok(info)
    }

    fn pairs(input: &str) -> Result<Vec<Pair>, ConnInfoError> {
        let trimmed = input.trim();
        if trimmed.starts_with(['\'', '"']) {
            return Err(ConnInfoError(
                "the connection string starts with a quote character: remove the quotes around it (a .env file or a shell kept them)".into(),
            ));
        }
        let pairs = match url_scheme(trimmed) {
            Some("postgres" | "postgresql") => parse_url(trimmed)?,
            Some(scheme) => {
                return Err(ConnInfoError(format!(
                    "unsupported URL scheme `{scheme}`: use postgresql:// (SQLAlchemy's postgresql+driver:// and JDBC's jdbc:postgresql:// are not libpq URLs)"
                )))
            }
            None if trimmed.contains('=') || trimmed.is_empty() => parse_keyword_value(trimmed)?,
            None => {
                return Err(ConnInfoError(
                    "invalid connection string: expected a postgresql:// URL or key=value pairs".into(),
                ))
            }
        };
        Ok(pairs)
    }

    /// Settings from the environment: `DATABASE_URL` (with the `PG*` variables for what
    /// it leaves unset), else the `PG*` variables.
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Result<ConnInfo, ConnInfoError> {
        if let Some(url) = env("DATABASE_URL").filter(|u| !u.trim().is_empty()) {
            return ConnInfo::parse_with_env(&url, &|k| {
                (k != "DATABASE_URL").then(|| env(k)).flatten()
            })
            .map_err(|e| ConnInfoError(format!("DATABASE_URL: {e}")));
        }
        let pairs = env_pairs(env);
        let mut info = ConnInfo::default();
        info.apply(pairs)
            .map_err(|e| ConnInfoError(format!("PG* environment: {e}")))?;
        Ok(info)
    }

    fn apply(&mut self, pairs: Vec<Pair>) -> Result<(), ConnInfoError> {
        for Pair {
            key,
            value,
            key_at,
            value_at,
        } in pairs
        {
            match key.as_str() {
                "host" => {
                    self.hosts = value
                        .split(',')
                        .filter(|h| !h.is_empty())
                        .map(|h| {
                            if h.starts_with('/') || h.starts_with('@') {
                                Host::Unix(PathBuf::from(h))
                            } else {
                                Host::Tcp(h.trim_start_matches('[').trim_end_matches(']').to_string())
                            }
                        })
                        .collect()
                }
                "port" => {
                    self.ports = value
                        .split(',')
                        .map(|p| {
                            if p.is_empty() {
                                Ok(5432)
                            } else {
                                p.trim().parse::<u16>().ok().filter(|p| *p > 0).ok_or_else(|| {
                                    ConnInfoError(format!(
                                        "{value_at} is not a port number (1 to 65535){}",
                                        encoding_hint(&value_at)
                                    ))
                                })
                            }
                        })
                        .collect::<Result<_, _>>()?
                }
                "user" => self.user = Some(value),
                "password" => self.password = Some(Secret(value)),
                "dbname" => self.dbname = Some(value),
                "sslmode" => {
                    self.sslmode = SslMode::parse(&value).ok_or_else(|| {
                        ConnInfoError(format!(
                            "{value_at} is not an sslmode: use disable, allow, prefer, require, verify-ca or verify-full"
                        ))
                    })?
                }
                "sslrootcert" => self.sslrootcert = Some(PathBuf::from(value)),
                "options" => self.options = Some(value),
                "application_name" => self.application_name = value,
                "connect_timeout" => {
                    let secs: u64 = value.trim().parse().map_err(|_| {
                        ConnInfoError(format!("{value_at} is not a connect_timeout: expected whole seconds"))
                    })?;
                    // libpq treats values below 2 as 2 (and 0 as "wait forever"; we cap it).
                    self.connect_timeout = Duration::from_secs(if secs == 0 { 3600 } else { secs.clamp(2, 3600) });
                }
                k if IGNORED_OPTIONS.contains(&k) => {}
                k if SCHEMA_PARAMETERS.iter().any(|(p, _)| *p == k) => {
                    self.schemas = value
                        .split(',')
                        .map(|s| s.trim().trim_matches('"').to_string())
                        .filter(|s| !s.is_empty() && s != "$user")
                        .collect();
                }
                k if ORM_SETTINGS.iter().any(|(p, _)| *p == k) => {
                    let tool = ORM_SETTINGS
                        .iter()
                        .find(|(p, _)| *p == k)
                        .map_or("an ORM", |(_, t)| *t);
                    if !self.ignored.iter().any(|(p, _)| p == k) {
                        self.ignored.push((k.to_string(), tool));
                    }
                }
                other => {
                    let hint = suggest_option(other)
                        .map(|known| format!("; did you mean `{known}`?"))
                        .unwrap_or_default();
                    return Err(ConnInfoError(format!(
                        "unknown connection option ({key_at}){hint}{}",
                        encoding_hint(&key_at)
                    )));
                }
            }
        }
        if self.hosts.len() > 1 && self.ports.len() > 1 && self.hosts.len() != self.ports.len() {
            return Err(ConnInfoError(format!(
                "{} hosts but {} ports: give one port, or one per host",
                self.hosts.len(),
                self.ports.len()
            )));
        }
        Ok(())
    }

    /// The (host, port) pairs to try, in order, with libpq's defaults filled in.
    pub fn targets(&self) -> Vec<(Host, u16)> {
        let hosts = if self.hosts.is_empty() {
            vec![Host::Unix(PathBuf::from("/var/run/postgresql"))]
        } else {
            self.hosts.clone()
        };
        hosts
            .into_iter()
            .enumerate()
            .map(|(i, h)| {
                let port = self
                    .ports
                    .get(i)
                    .or(self.ports.first())
                    .copied()
                    .unwrap_or(5432);
                (h, port)
            })
            .collect()
    }

    /// The user to connect as: given, else the operating-system user (as libpq does).
    pub fn effective_user(&self) -> String {
        self.user
            .clone()
            .or_else(|| std::env::var("USER").ok())
            .unwrap_or_else(|| "postgres".to_string())
    }

    pub fn effective_dbname(&self) -> String {
        self.dbname.clone().unwrap_or_else(|| self.effective_user())
    }

    /// `user@host:port/db`, safe to print.
    pub fn describe(&self) -> String {
        let (host, port) = self
            .targets()
            .into_iter()
            .next()
            .unwrap_or((Host::Tcp("localhost".into()), 5432));
        format!(
            "{}@{host}:{port}/{}",
            self.effective_user(),
            self.effective_dbname()
        )
    }

    /// Fill in the password from a libpq password file (`PGPASSFILE` or
    /// `~/.pgpass`) when none was given.
    pub fn apply_passfile(&mut self, file: Option<PathBuf>) {
        if self.password.is_some() {
            return;
        }
        let Some(path) =
            file.or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pgpass")))
        else {
            return;
        };
        let Ok(text) = std::fs::read_to_string(&path) else {
            return;
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // libpq ignores a password file others can read.
            if std::fs::metadata(&path)
                .map(|m| m.permissions().mode() & 0o077 != 0)
                .unwrap_or(true)
            {
                return;
            }
        }
        let user = self.effective_user();
        let db = self.effective_dbname();
        for (host, port) in self.targets() {
            let host = match &host {
                Host::Tcp(h) => h.clone(),
                Host::Unix(_) => "localhost".to_string(),
            };
            if let Some(pw) =
                passfile_lookup(crate::encoding::strip_bom(&text), &host, port, &db, &user)
            {
                self.password = Some(Secret(pw));
                return;
            }
        }
    }
}

/// The password for the first matching `host:port:db:user:password` line.
pub fn passfile_lookup(text: &str, host: &str, port: u16, db: &str, user: &str) -> Option<String> {
    for line in text.lines() {
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields = split_escaped(line, ':');
        if fields.len() < 5 {
            continue;
        }
        let port_s = port.to_string();
        let wanted = [host, port_s.as_str(), db, user];
        if fields[..4]
            .iter()
            .zip(wanted)
            .all(|(f, w)| f == "*" || f == w)
        {
            return Some(fields[4..].join(":"));
        }
    }
    None
}

fn split_escaped(line: &str, sep: char) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                fields.last_mut().unwrap_or(&mut String::new()).push(n);
            }
        } else if c == sep {
            fields.push(String::new());
        } else if let Some(last) = fields.last_mut() {
            last.push(c);
        }
    }
    fields
}

/// The settings the `PG*` variables give, as pairs.
fn env_pairs(env: &dyn Fn(&str) -> Option<String>) -> Vec<Pair> {
    let mut pairs = Vec::new();
    for (var, key) in [
        ("PGHOST", "host"),
        ("PGPORT", "port"),
        ("PGUSER", "user"),
        ("PGPASSWORD", "password"),
        ("PGDATABASE", "dbname"),
        ("PGSSLMODE", "sslmode"),
        ("PGSSLROOTCERT", "sslrootcert"),
        ("PGOPTIONS", "options"),
        ("PGAPPNAME", "application_name"),
        ("PGCONNECT_TIMEOUT", "connect_timeout"),
    ] {
        if let Some(v) = env(var) {
            pairs.push(Pair::new(key, v, var.to_string(), var.to_string()));
        }
    }
    pairs
}

/// Every option `apply` accepts, for suggestions and for naming a parameter.
const KNOWN_OPTIONS: &[&str] = &[
    "host",
    "port",
    "user",
    "password",
    "dbname",
    "sslmode",
    "sslrootcert",
    "options",
    "application_name",
    "connect_timeout",
];

/// One `key=value` setting, with where it came from for messages: `key_at` and
/// `value_at` describe the place (`the URL's port (character 24)`, `PGPORT`), never
/// the text.
#[derive(Debug, Clone)]
struct Pair {
    key: String,
    value: String,
    key_at: String,
    value_at: String,
}

impl Pair {
    fn new(key: &str, value: String, key_at: String, value_at: String) -> Pair {
        Pair {
            key: key.to_string(),
            value,
            key_at,
            value_at,
        }
    }
}

/// The scheme of `scheme://…`, when the text before `://` looks like one.
fn url_scheme(s: &str) -> Option<&str> {
    let (scheme, _) = s.split_once("://")?;
    let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.' | ':'));
    valid.then_some(scheme)
}

/// A known option within two edits of `key`, for "did you mean".
fn suggest_option(key: &str) -> Option<&'static str> {
    fn distance(a: &str, b: &str) -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut row: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut previous = row[0];
            row[0] = i + 1;
            for (j, cb) in b.iter().enumerate() {
                let current = row[j + 1];
                row[j + 1] = if ca == *cb {
                    previous
                } else {
                    1 + previous.min(row[j]).min(current)
                };
                previous = current;
            }
        }
        row[b.len()]
    }
    let key = key.to_ascii_lowercase();
    KNOWN_OPTIONS
        .iter()
        .chain(IGNORED_OPTIONS)
        .copied()
        .filter(|k| distance(&key, k) <= 2)
        .min_by_key(|k| distance(&key, k))
}

/// For URL errors: a password with `@`, `/`, `?`, `#`, `:` or `%` in it must be
/// percent-encoded, and is the usual cause of a misplaced part.
fn encoding_hint(at: &str) -> &'static str {
    if at.starts_with("the URL's") {
        " (if the password contains @ / ? # : or %, percent-encode it: %40 %2F %3F %23 %3A %25)"
    } else {
        ""
    }
}

/// 1-based character position of byte offset `at` in `s`.
fn char_pos(s: &str, at: usize) -> usize {
    s.get(..at).map_or(at, |p| p.chars().count()) + 1
}

fn percent_decode(s: &str, what: &str) -> Result<String, ConnInfoError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let byte = s
                .get(i + 1..i + 3)
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
                .ok_or_else(|| {
                    ConnInfoError(format!(
                        "invalid percent-encoding in {what}: `%` must be followed by two hex digits (write %25 for a literal %)"
                    ))
                })?;
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out)
        .map_err(|_| ConnInfoError(format!("{what} is not valid UTF-8 after percent-decoding")))
}

/// `postgresql://[user[:password]@][host][:port][,host[:port]...][/dbname][?k=v&...]`
fn parse_url(url: &str) -> Result<Vec<Pair>, ConnInfoError> {
    let rest_start = url.find("://").map_or(url.len(), |i| i + 3);
    let rest = &url[rest_start..];
    let (before_query, query) = match rest.split_once('?') {
        Some((a, q)) => (a, Some(q)),
        None => (rest, None),
    };
    let (authority, path) = match before_query.find('/') {
        Some(i) => (&before_query[..i], Some(&before_query[i + 1..])),
        None => (before_query, None),
    };
    // Where a slice of `url` starts, as "the URL's <part> (character N)".
    let at = |part: &str, slice: &str| -> String {
        let offset = slice.as_ptr() as usize - url.as_ptr() as usize;
        format!("the URL's {part} (character {})", char_pos(url, offset))
    };
    let mut pairs = Vec::new();
    let hostspec = match authority.rfind('@') {
        Some(i) => {
            let userinfo = &authority[..i];
            let (user, password) = match userinfo.split_once(':') {
                Some((u, p)) => (u, Some(p)),
                None => (userinfo, None),
            };
            if !user.is_empty() {
                let place = at("user name", user);
                let value = percent_decode(user, &place)?;
                pairs.push(Pair::new("user", value, place.clone(), place));
            }
            if let Some(p) = password {
                let place = at("password", p);
                let value = percent_decode(p, &place)?;
                pairs.push(Pair::new("password", value, place.clone(), place));
            }
            &authority[i + 1..]
        }
        None => authority,
    };
    let mut hosts = Vec::new();
    let mut ports = Vec::new();
    let mut port_at: Option<String> = None;
    let mut offset = 0;
    for spec in hostspec.split(',') {
        let spec_slice = &hostspec[offset..offset + spec.len()];
        offset += spec.len() + 1;
        if spec.is_empty() {
            continue;
        }
        let (host, port): (&str, Option<&str>) = if let Some(inner) = spec_slice.strip_prefix('[') {
            let end = inner.find(']').ok_or_else(|| {
                ConnInfoError(format!(
                    "{}: an IPv6 address must end with `]`{}",
                    at("host", spec_slice),
                    encoding_hint("the URL's")
                ))
            })?;
            let after = &inner[end + 1..];
            if !after.is_empty() && !after.starts_with(':') {
                return Err(ConnInfoError(format!(
                    "{}: unexpected text after `]`{}",
                    at("host", spec_slice),
                    encoding_hint("the URL's")
                )));
            }
            (&inner[..end], after.strip_prefix(':'))
        } else {
            match spec_slice.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (spec_slice, None),
            }
        };
        let host_at = at("host", host);
        hosts.push(percent_decode(host, &host_at)?);
        if let Some(p) = port {
            port_at.get_or_insert_with(|| at("port", p));
        }
        // A host written without a port keeps its place with the default port.
        ports.push(port.unwrap_or_default().to_string());
    }
    if !hosts.is_empty() {
        let place = at("host", hostspec);
        pairs.push(Pair::new("host", hosts.join(","), place.clone(), place));
    }
    if ports.iter().any(|p| !p.is_empty()) {
        let place = port_at.unwrap_or_else(|| at("port", hostspec));
        pairs.push(Pair::new("port", ports.join(","), place.clone(), place));
    }
    if let Some(db) = path.filter(|p| !p.is_empty()) {
        let place = at("database name", db);
        let value = percent_decode(db, &place)?;
        pairs.push(Pair::new("dbname", value, place.clone(), place));
    }
    if let Some(q) = query {
        let mut offset = 0;
        for kv in q.split('&') {
            let kv_slice = &q[offset..offset + kv.len()];
            offset += kv.len() + 1;
            if kv.is_empty() {
                continue;
            }
            let place = at("parameter", kv_slice);
            let (k, v) = kv_slice.split_once('=').ok_or_else(|| {
                ConnInfoError(format!(
                    "{place} is not key=value{}",
                    encoding_hint("the URL's")
                ))
            })?;
            let k = percent_decode(k, &place)?;
            let known = KNOWN_OPTIONS.contains(&k.as_str())
                || IGNORED_OPTIONS.contains(&k.as_str())
                || SCHEMA_PARAMETERS
                    .iter()
                    .chain(ORM_SETTINGS)
                    .any(|(p, _)| *p == k);
            let value_at = if known {
                format!(
                    "the URL's `{k}` parameter (character {})",
                    char_pos(url, v.as_ptr() as usize - url.as_ptr() as usize)
                )
            } else {
                place.clone()
            };
            let v = percent_decode(&v.replace('+', " "), &value_at)?;
            pairs.push(Pair {
                key: k,
                value: v,
                key_at: place,
                value_at,
            });
        }
    }
    Ok(pairs)
}

/// `host=localhost port=5432 password='a b\'c'`, as libpq reads it: whitespace around
/// `=` is allowed; a value is single-quoted (with `\'` and `\\` escapes) or runs to
/// the next whitespace (where a backslash also escapes the next character).
fn parse_keyword_value(s: &str) -> Result<Vec<Pair>, ConnInfoError> {
    let mut pairs = Vec::new();
    let mut chars = s.char_indices().peekable();
    let position = |i: usize| char_pos(s, i);
    loop {
        while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
            chars.next();
        }
        let Some(&(key_start, _)) = chars.peek() else {
            break;
        };
        let mut key = String::new();
        while let Some(&(_, c)) = chars.peek() {
            if c == '=' || c.is_whitespace() {
                break;
            }
            key.push(c);
            chars.next();
        }
        while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
            chars.next();
        }
        let named = |key: &str| {
            if KNOWN_OPTIONS.contains(&key) || IGNORED_OPTIONS.contains(&key) {
                format!("the value after {key}=")
            } else {
                "the value".to_string()
            }
        };
        if chars.next().map(|(_, c)| c) != Some('=') {
            return Err(ConnInfoError(format!(
                "expected key=value at character {}: a value with spaces must be single-quoted (password='a b'), a quote inside it written \\'",
                position(key_start)
            )));
        }
        while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
            chars.next();
        }
        let value_start = chars.peek().map_or(s.len(), |(i, _)| *i);
        let value_at = format!("{} (character {})", named(&key), position(value_start));
        let mut value = String::new();
        if chars.peek().map(|(_, c)| *c) == Some('\'') {
            chars.next();
            let mut closed = false;
            while let Some((_, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, n)) = chars.next() {
                            value.push(n);
                        }
                    }
                    '\'' => {
                        closed = true;
                        break;
                    }
                    c => value.push(c),
                }
            }
            if !closed {
                return Err(ConnInfoError(format!(
                    "{value_at}: the quote is not closed (write a quote inside a value as \\')"
                )));
            }
        } else {
            while let Some(&(_, c)) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                chars.next();
                if c == '\\' {
                    if let Some((_, n)) = chars.next() {
                        value.push(n);
                    }
                    continue;
                }
                value.push(c);
            }
        }
        pairs.push(Pair {
            key,
            value,
            key_at: format!("character {}", position(key_start)),
            value_at,
        });
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_with_everything() {
        let info = ConnInfo::parse(
            "postgresql://app%40corp:p%40ss%3Aw0rd@db.example.com:6543/my%20db?sslmode=verify-full&sslrootcert=/etc/ca.pem&application_name=x&connect_timeout=5&options=-c%20search_path%3Dapp",
        )
        .unwrap();
        assert_eq!(info.user.as_deref(), Some("app@corp"));
        assert_eq!(info.password.as_ref().unwrap().expose(), "p@ss:w0rd");
        assert_eq!(info.hosts, vec![Host::Tcp("db.example.com".into())]);
        assert_eq!(info.ports, vec![6543]);
        assert_eq!(info.dbname.as_deref(), Some("my db"));
        assert_eq!(info.sslmode, SslMode::VerifyFull);
        assert_eq!(info.sslrootcert, Some(PathBuf::from("/etc/ca.pem")));
        assert_eq!(info.application_name, "x");
        assert_eq!(info.connect_timeout, Duration::from_secs(5));
        assert_eq!(info.options.as_deref(), Some("-c search_path=app"));
        assert!(!format!("{info:?}").contains("p@ss"));
    }

    #[test]
    fn ipv6_multiple_hosts_and_unix_sockets() {
        let info = ConnInfo::parse("postgres://[::1]:5433,[fe80::1],other:5435/db").unwrap();
        assert_eq!(
            info.hosts,
            vec![
                Host::Tcp("::1".into()),
                Host::Tcp("fe80::1".into()),
                Host::Tcp("other".into())
            ]
        );
        assert_eq!(info.ports, vec![5433, 5432, 5435]);
        let info = ConnInfo::parse("postgres:///db?host=/var/run/postgresql").unwrap();
        assert_eq!(info.hosts, vec![Host::Unix("/var/run/postgresql".into())]);
        assert_eq!(
            info.targets(),
            vec![(Host::Unix("/var/run/postgresql".into()), 5432)]
        );
        assert_eq!(
            ConnInfo::parse("postgres://[::1]/db").unwrap().describe(),
            format!("{}@[::1]:5432/db", info.effective_user())
        );
    }

    #[test]
    fn keyword_value_strings() {
        let info = ConnInfo::parse(
            "host=localhost port=5432 dbname=app user=me password='it\\'s secret' sslmode=require",
        )
        .unwrap();
        assert_eq!(info.password.unwrap().expose(), "it's secret");
        assert_eq!(info.sslmode, SslMode::Require);
        assert_eq!(info.dbname.as_deref(), Some("app"));
    }

    #[test]
    fn errors_name_the_setting_not_the_secret() {
        let e = ConnInfo::parse("postgres://u:hunter2@h/db?sslmode=verify")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "the URL's `sslmode` parameter (character 35) is not an sslmode: use disable, allow, prefer, require, verify-ca or verify-full"
        );
        let e = ConnInfo::parse("postgres://u:hunter2@h:99999/db")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("the URL's port (character 24) is not a port number"),
            "{e}"
        );
        let e = ConnInfo::parse("postgres://u:hunter2@h/db?sslmdoe=require")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("unknown connection option (the URL's parameter (character 27)); did you mean `sslmode`?"),
            "{e}"
        );
        let e = ConnInfo::parse("host=h frobnicate=1")
            .unwrap_err()
            .to_string();
        assert_eq!(e, "unknown connection option (character 8)");
        assert!(ConnInfo::parse("mysql://x").is_err());
    }

    /// Every way a password can end up somewhere else in the string: the error names
    /// the part and the position, never the text.
    #[test]
    fn misplaced_passwords_never_reach_the_message() {
        let secret = "Pw9x";
        let cases = [
            // SQLAlchemy and JDBC URLs.
            (
                format!("postgresql+psycopg2://u:{secret}@h/db?sslmode=require"),
                "unsupported URL scheme `postgresql+psycopg2`: use postgresql://",
            ),
            (
                format!("jdbc:postgresql://u:{secret}@h/db"),
                "unsupported URL scheme `jdbc:postgresql`",
            ),
            // Unencoded `/`, `?`, `@` in the password.
            (
                format!("postgres://u:{secret}/x@h/db"),
                "the URL's port (character 14) is not a port number",
            ),
            (
                format!("postgres://u:{secret}?x@h/db"),
                "the URL's parameter (character 19) is not key=value",
            ),
            (
                format!("postgres://u:{secret}@x@h:5x/db"),
                "the URL's port (character 23) is not a port number",
            ),
            (
                format!("postgres://u:a?{secret}/db"),
                "the URL's parameter (character 16) is not key=value",
            ),
            (
                format!("postgres://u:a?{secret}=1"),
                "the URL's port (character 14) is not a port number",
            ),
            (
                format!("postgres://h/db?{secret}=1"),
                "unknown connection option (the URL's parameter (character 17))",
            ),
            // Quotes kept from a .env file.
            (
                format!("'postgres://u:{secret}@h/db'"),
                "starts with a quote character",
            ),
            (
                format!("\"postgres://u:{secret}@h/db\""),
                "starts with a quote character",
            ),
            // An unquoted space in a key=value password.
            (
                format!("host=h password=a {secret} dbname=x"),
                "expected key=value at character 19",
            ),
            (
                format!("host=h password=a {secret}=1"),
                "unknown connection option (character 19)",
            ),
            (
                format!("host=h password='{secret}"),
                "the value after password= (character 17): the quote is not closed",
            ),
            (
                format!("host=h port={secret}"),
                "the value after port= (character 13) is not a port number",
            ),
            (
                format!("postgres://u:{secret}@h/db?port={secret}"),
                "the URL's `port` parameter (character 29) is not a port number",
            ),
            (
                format!("postgres://u:{secret}%zz@h/db"),
                "invalid percent-encoding in the URL's password (character 14)",
            ),
        ];
        for (input, expected) in cases {
            let e = ConnInfo::parse(&input).unwrap_err().to_string();
            assert!(e.contains(expected), "{input}: {e}");
            assert!(!e.contains(secret), "{input}: {e}");
            assert_eq!(e.lines().count(), 1);
        }
    }

    #[test]
    fn keyword_values_follow_libpq_quoting() {
        let info = ConnInfo::parse(r"password='it\'s' user = 'a\\b' dbname=x\ y host=h").unwrap();
        assert_eq!(info.password.unwrap().expose(), "it's");
        assert_eq!(info.user.as_deref(), Some(r"a\b"));
        assert_eq!(info.dbname.as_deref(), Some("x y"));
        // SQL's doubled quote is not libpq syntax: libpq rejects it too.
        assert!(ConnInfo::parse("password='it''s' host=h").is_err());
        assert_eq!(
            ConnInfo::parse("password='' host=h")
                .unwrap()
                .password
                .unwrap()
                .expose(),
            ""
        );
    }

    #[test]
    fn environment_fallbacks() {
        let env = |k: &str| match k {
            "PGHOST" => Some("dbhost".to_string()),
            "PGPORT" => Some("5544".to_string()),
            "PGUSER" => Some("alice".to_string()),
            "PGPASSWORD" => Some("pw".to_string()),
            "PGDATABASE" => Some("shop".to_string()),
            "PGSSLMODE" => Some("require".to_string()),
            _ => None,
        };
        let info = ConnInfo::from_env(&env).unwrap();
        assert_eq!(info.describe(), "alice@dbhost:5544/shop");
        assert_eq!(info.sslmode, SslMode::Require);
        let with_url = |k: &str| (k == "DATABASE_URL").then(|| "postgres://bob@h/x".to_string());
        assert_eq!(
            ConnInfo::from_env(&with_url).unwrap().describe(),
            "bob@h:5432/x"
        );
    }

    #[test]
    fn passfile_matching() {
        let text =
            "# comment\nother:*:*:*:nope\ndb.example.com:5432:*:app:s3cr\\:et\n*:*:*:*:fallback\n";
        assert_eq!(
            passfile_lookup(text, "db.example.com", 5432, "x", "app").as_deref(),
            Some("s3cr:et")
        );
        assert_eq!(
            passfile_lookup(text, "elsewhere", 1, "x", "y").as_deref(),
            Some("fallback")
        );
    }

    #[test]
    fn orm_parameters_are_accepted_and_schema_selects() {
        // Prisma's DATABASE_URL.
        let info = ConnInfo::parse(
            "postgresql://app:secret@db:5432/shop?schema=app&connection_limit=5&pool_timeout=10&sslmode=require",
        )
        .unwrap();
        assert_eq!(info.schemas, vec!["app".to_string()]);
        assert_eq!(info.sslmode, SslMode::Require);
        let ignored: Vec<&str> = info.ignored.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(ignored, vec!["connection_limit", "pool_timeout"]);
        assert_eq!(info.ignored[0].1, "Prisma");
        // Rails: a search path list, and pool settings.
        let info = ConnInfo::parse(
            "postgres://u@h/d?pool=5&schema_search_path=%22$user%22,app,public&prepared_statements=false",
        )
        .unwrap();
        assert_eq!(info.schemas, vec!["app".to_string(), "public".to_string()]);
        assert_eq!(info.ignored.len(), 2);
        // dj-database-url.
        let info =
            ConnInfo::parse("postgres://u@h/d?currentSchema=tenant&conn_max_age=600").unwrap();
        assert_eq!(info.schemas, vec!["tenant".to_string()]);
        // Still refused: what nobody knows.
        let e = ConnInfo::parse("postgres://u@h/d?connection_limt=5").unwrap_err();
        assert!(e.to_string().contains("unknown connection option"), "{e}");
    }
}
