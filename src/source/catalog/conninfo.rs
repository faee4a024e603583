//! Connection settings in every form libpq accepts: `postgres://` / `postgresql://`
//! URLs (percent-encoding, IPv6, several hosts, query parameters), `key=value`
//! conninfo strings, and — with no argument — `DATABASE_URL` then the `PG*`
//! environment variables and the password file. Parsed here rather than by
//! `postgres::Config`, which rejects `verify-ca`, `verify-full` and `sslrootcert`.
//!
//! The password is a [`Secret`]: it never appears in `Debug`, `Display` or errors.

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

impl ConnInfo {
    /// Parse a URL or a `key=value` string.
    pub fn parse(input: &str) -> Result<ConnInfo, ConnInfoError> {
        let trimmed = input.trim();
        let pairs = if trimmed.starts_with("postgres://") || trimmed.starts_with("postgresql://") {
            parse_url(trimmed)?
        } else if trimmed.contains('=') || trimmed.is_empty() {
            parse_keyword_value(trimmed)?
        } else {
            return Err(ConnInfoError(
                "invalid connection string: expected a postgres:// or postgresql:// URL or key=value pairs".into(),
            ));
        };
        let mut info = ConnInfo::default();
        info.apply(pairs)?;
        Ok(info)
    }

    /// Settings from the environment: `DATABASE_URL`, else the `PG*` variables.
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Result<ConnInfo, ConnInfoError> {
        if let Some(url) = env("DATABASE_URL").filter(|u| !u.trim().is_empty()) {
            return ConnInfo::parse(&url).map_err(|e| ConnInfoError(format!("DATABASE_URL: {e}")));
        }
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
                pairs.push((key.to_string(), v));
            }
        }
        let mut info = ConnInfo::default();
        info.apply(pairs)
            .map_err(|e| ConnInfoError(format!("PG* environment: {e}")))?;
        Ok(info)
    }

    fn apply(&mut self, pairs: Vec<(String, String)>) -> Result<(), ConnInfoError> {
        for (key, value) in pairs {
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
                                p.parse::<u16>().map_err(|_| ConnInfoError(format!("invalid port `{p}`")))
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
                            "invalid sslmode `{value}`: use disable, allow, prefer, require, verify-ca or verify-full"
                        ))
                    })?
                }
                "sslrootcert" => self.sslrootcert = Some(PathBuf::from(value)),
                "options" => self.options = Some(value),
                "application_name" => self.application_name = value,
                "connect_timeout" => {
                    let secs: u64 = value
                        .trim()
                        .parse()
                        .map_err(|_| ConnInfoError(format!("invalid connect_timeout `{value}`: expected seconds")))?;
                    // libpq treats values below 2 as 2 (and 0 as "wait forever"; we cap it).
                    self.connect_timeout = Duration::from_secs(if secs == 0 { 3600 } else { secs.max(2) });
                }
                k if IGNORED_OPTIONS.contains(&k) => {}
                other => return Err(ConnInfoError(format!("unknown connection option `{other}`"))),
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

fn percent_decode(s: &str, what: &str) -> Result<String, ConnInfoError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s
                .get(i + 1..i + 3)
                .ok_or_else(|| ConnInfoError(format!("invalid percent-encoding in the {what}")))?;
            let byte = u8::from_str_radix(hex, 16)
                .map_err(|_| ConnInfoError(format!("invalid percent-encoding in the {what}")))?;
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| {
        ConnInfoError(format!(
            "the {what} is not valid UTF-8 after percent-decoding"
        ))
    })
}

/// `postgresql://[user[:password]@][host][:port][,host[:port]...][/dbname][?k=v&...]`
fn parse_url(url: &str) -> Result<Vec<(String, String)>, ConnInfoError> {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or("");
    let (before_query, query) = match rest.split_once('?') {
        Some((a, q)) => (a, Some(q)),
        None => (rest, None),
    };
    let (authority, path) = match before_query.find('/') {
        Some(i) => (&before_query[..i], Some(&before_query[i + 1..])),
        None => (before_query, None),
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
                pairs.push(("user".to_string(), percent_decode(user, "user name")?));
            }
            if let Some(p) = password {
                pairs.push(("password".to_string(), percent_decode(p, "password")?));
            }
            &authority[i + 1..]
        }
        None => authority,
    };
    let mut hosts = Vec::new();
    let mut ports = Vec::new();
    for spec in hostspec.split(',').filter(|s| !s.is_empty()) {
        let (host, port) = if let Some(inner) = spec.strip_prefix('[') {
            let end = inner
                .find(']')
                .ok_or_else(|| ConnInfoError("invalid IPv6 host: missing `]`".into()))?;
            let after = &inner[end + 1..];
            (
                inner[..end].to_string(),
                after.strip_prefix(':').map(str::to_string),
            )
        } else {
            match spec.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), Some(p.to_string())),
                None => (spec.to_string(), None),
            }
        };
        hosts.push(percent_decode(&host, "host")?);
        // A host written without a port keeps its place with the default port.
        ports.push(port.unwrap_or_default());
    }
    if !hosts.is_empty() {
        pairs.push(("host".to_string(), hosts.join(",")));
    }
    if ports.iter().any(|p| !p.is_empty()) {
        pairs.push(("port".to_string(), ports.join(",")));
    }
    if let Some(db) = path.filter(|p| !p.is_empty()) {
        pairs.push(("dbname".to_string(), percent_decode(db, "database name")?));
    }
    if let Some(q) = query {
        for kv in q.split('&').filter(|kv| !kv.is_empty()) {
            let (k, v) = kv.split_once('=').ok_or_else(|| {
                ConnInfoError(format!(
                    "invalid URL parameter `{}`",
                    kv.split('=').next().unwrap_or("")
                ))
            })?;
            let k = percent_decode(k, "parameter name")?;
            let v = percent_decode(&v.replace('+', " "), &format!("`{k}` parameter"))?;
            pairs.push((k, v));
        }
    }
    Ok(pairs)
}

/// `host=localhost port=5432 password='a b\'c'`
fn parse_keyword_value(s: &str) -> Result<Vec<(String, String)>, ConnInfoError> {
    let mut pairs = Vec::new();
    let mut chars = s.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            break;
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c.is_whitespace() {
                break;
            }
            key.push(c);
            chars.next();
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.next() != Some('=') {
            return Err(ConnInfoError(format!(
                "missing `=` after `{key}` in connection string"
            )));
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut value = String::new();
        if chars.peek() == Some(&'\'') {
            chars.next();
            let mut closed = false;
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        if let Some(n) = chars.next() {
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
                    "unterminated quoted value for `{key}`"
                )));
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                if c == '\\' {
                    chars.next();
                    if let Some(n) = chars.next() {
                        value.push(n);
                    }
                    continue;
                }
                value.push(c);
                chars.next();
            }
        }
        pairs.push((key, value));
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
        assert!(e.contains("invalid sslmode `verify`"), "{e}");
        assert!(!e.contains("hunter2"));
        let e = ConnInfo::parse("postgres://u:hunter2@h:99999/db")
            .unwrap_err()
            .to_string();
        assert!(e.contains("invalid port"), "{e}");
        assert!(!e.contains("hunter2"));
        let e = ConnInfo::parse("postgres://u:hunter2@h/db?frobnicate=1")
            .unwrap_err()
            .to_string();
        assert_eq!(e, "unknown connection option `frobnicate`");
        assert!(ConnInfo::parse("mysql://x").is_err());
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
}
