//! Where `dblint trace` runs migrations: a scratch database it creates on a server the
//! user names (`--database`), or on a temporary cluster it starts itself (`initdb` and
//! `pg_ctl`), and removes afterwards, also when interrupted (Ctrl-C).
//!
//! **Never an existing database.** With `--database`, dblint connects to the URL's
//! database only to create a uniquely named scratch database next to it (and to drop
//! it afterwards); it refuses a URL whose database holds user tables, in case the
//! server is not a throwaway one.
//!
//! **As root** (containers, CI), PostgreSQL refuses to run: the temporary cluster is
//! run as the `postgres` user (`runuser`) when there is one, else dblint says how to
//! proceed.

use crate::source::catalog::conninfo::{ConnInfo, Host};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;

static INTERRUPTED: AtomicBool = AtomicBool::new(false);
static CANCEL: Mutex<Option<postgres::CancelToken>> = Mutex::new(None);

/// Ctrl-C (and SIGTERM) stop the trace between statements and cancel the one running;
/// the scratch database and the temporary cluster are then removed as on any other
/// exit. The `ctrlc` crate installs the handler: signal handling is not dblint's
/// business, and hand-written handlers get async-signal safety wrong.
pub fn catch_interrupts() {
    let _ = ctrlc::set_handler(|| {
        INTERRUPTED.store(true, Ordering::SeqCst);
        let token = CANCEL.lock().ok().and_then(|t| t.clone());
        if let Some(token) = token {
            let _ = token.cancel_query(postgres::NoTls);
        }
    });
}

pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// The session whose running query Ctrl-C cancels.
pub fn cancel_with(client: &postgres::Client) {
    if let Ok(mut slot) = CANCEL.lock() {
        *slot = Some(client.cancel_token());
    }
}

/// A scratch database, on a server given by the user or on a temporary cluster;
/// dropped (and the cluster stopped and deleted) when this is dropped.
pub struct Scratch {
    admin: ConnInfo,
    /// The scratch database's connection settings.
    pub info: ConnInfo,
    pub name: String,
    /// `server_version_num`, e.g. 150004.
    pub version_num: u32,
    /// `PostgreSQL 15.4`.
    pub version: String,
    /// Whether the server's TimeZone has a UTC offset of 0 and no other (the default
    /// the traced files' sessions start with).
    pub timezone_utc: bool,
    /// Where it runs, for the report: `a temporary cluster (/usr/lib/postgresql/15/bin)`
    /// or `user@host:port` (never a password).
    pub location: String,
    // Dropped after the database (fields drop in order): the cluster it lives on.
    cluster: Option<TempCluster>,
}

impl Scratch {
    /// A scratch database on the server `url` names.
    pub fn on_server(url: &str) -> Result<Scratch, String> {
        let mut admin = ConnInfo::parse_with_env(url, &|k| std::env::var(k).ok())
            .map_err(|e| format!("--database: {e}"))?;
        admin.apply_passfile(std::env::var_os("PGPASSFILE").map(Into::into));
        let mut client = admin_session(&admin)?;
        let tables: i64 = client
            .query_one(
                "SELECT pg_catalog.count(*) FROM pg_catalog.pg_class c \
                 JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace \
                 WHERE c.relkind IN ('r', 'p') \
                 AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
                 AND n.nspname !~ '^pg_(toast|temp_)'",
                &[],
            )
            .map_err(|e| server_error(&admin, &e))?
            .get(0);
        if tables > 0 {
            return Err(format!(
                "--database: {} holds {tables} user table(s); dblint trace works in a scratch database it creates next to the one you name, and refuses a database with tables in case this is not a throwaway server: name an empty database (e.g. `postgres` on a test server)",
                admin.describe()
            ));
        }
        let location = admin.describe();
        Scratch::create(admin, client, location, None)
    }

    /// A scratch database on a temporary cluster started from `binaries`.
    pub fn temporary(binaries: &Binaries, progress: &dyn Fn(&str)) -> Result<Scratch, String> {
        progress(&format!(
            "starting a temporary PostgreSQL {} from {}",
            binaries.version,
            binaries.dir.display()
        ));
        let cluster = TempCluster::start(binaries)?;
        progress(&format!(
            "temporary cluster on port {} in {} (removed at the end)",
            cluster.port,
            cluster.dir.display()
        ));
        let admin = ConnInfo {
            hosts: vec![Host::Tcp("127.0.0.1".into())],
            ports: vec![cluster.port],
            user: Some("postgres".into()),
            dbname: Some("postgres".into()),
            sslmode: crate::source::catalog::conninfo::SslMode::Disable,
            ..ConnInfo::default()
        };
        let client = admin_session(&admin)?;
        let location = format!(
            "a temporary cluster in {} ({})",
            cluster.dir.display(),
            binaries.dir.display()
        );
        Scratch::create(admin, client, location, Some(cluster))
    }

    fn create(
        admin: ConnInfo,
        mut client: postgres::Client,
        location: String,
        cluster: Option<TempCluster>,
    ) -> Result<Scratch, String> {
        let row = client
            .query_one(
                "SELECT pg_catalog.current_setting('server_version_num')::int4, pg_catalog.current_setting('server_version'), pg_catalog.current_setting('TimeZone')",
                &[],
            )
            .map_err(|e| server_error(&admin, &e))?;
        let version_num = u32::try_from(row.get::<_, i32>(0)).unwrap_or(0);
        let version = format!(
            "PostgreSQL {}",
            row.get::<_, String>(1)
                .split_whitespace()
                .next()
                .unwrap_or("")
        );
        let timezone_utc = crate::source::sql::session::zero_offset_zone(&row.get::<_, String>(2));
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_micros() % 1_000_000_000)
            .unwrap_or(0);
        let name = format!("dblint_trace_{}_{stamp}", std::process::id());
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .map_err(|e| {
                format!(
                    "cannot create a scratch database on {}: {}",
                    admin.describe(),
                    crate::source::catalog::build::server_message(&e)
                )
            })?;
        let mut info = admin.clone();
        info.dbname = Some(name.clone());
        Ok(Scratch {
            admin,
            info,
            name,
            version_num,
            version,
            location,
            timezone_utc,
            cluster,
        })
    }

    pub fn major(&self) -> u32 {
        self.version_num / 10000
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if self.cluster.is_some() {
            // The cluster goes, and the database with it.
            return;
        }
        let force = if self.version_num >= 130000 {
            " WITH (FORCE)"
        } else {
            ""
        };
        let dropped = admin_session(&self.admin).and_then(|mut c| {
            c.batch_execute(&format!("DROP DATABASE IF EXISTS {}{force}", self.name))
                .map_err(|e| crate::source::catalog::build::server_message(&e))
        });
        if let Err(e) = dropped {
            eprintln!(
                "dblint: warning: could not drop the scratch database {} on {}: {e}; drop it by hand",
                self.name,
                self.admin.describe()
            );
        }
    }
}

fn admin_session(info: &ConnInfo) -> Result<postgres::Client, String> {
    crate::source::catalog::connect::connect_as(
        info,
        crate::source::catalog::connect::SessionKind {
            migrations: true,
            on_notice: None,
        },
    )
    .map_err(|e| e.to_string())
}

fn server_error(info: &ConnInfo, e: &postgres::Error) -> String {
    format!(
        "{}: {}",
        info.describe(),
        crate::source::catalog::build::server_message(e)
    )
}

/// PostgreSQL server programs of one version.
#[derive(Debug, Clone)]
pub struct Binaries {
    pub dir: PathBuf,
    pub major: u32,
    /// `15.4`.
    pub version: String,
}

/// Where PostgreSQL's server programs usually are, after PATH: distribution packages
/// (Debian, Ubuntu, RHEL), source builds, Homebrew, and the copies
/// `scripts/pg-versions.sh` keeps.
fn usual_places() -> Vec<PathBuf> {
    let mut globs: Vec<String> = vec![
        "/usr/lib/postgresql/*/bin".into(),
        "/usr/pgsql-*/bin".into(),
        "/usr/local/pgsql/bin".into(),
        "/opt/homebrew/opt/postgresql@*/bin".into(),
        "/usr/local/opt/postgresql@*/bin".into(),
        "/var/cache/dblint/pg/*/bin".into(),
    ];
    if let Some(cache) = std::env::var_os("XDG_CACHE_HOME") {
        globs.push(format!("{}/dblint/pg/*/bin", Path::new(&cache).display()));
    }
    if let Some(home) = std::env::var_os("HOME") {
        globs.push(format!(
            "{}/.cache/dblint/pg/*/bin",
            Path::new(&home).display()
        ));
    }
    let mut out = Vec::new();
    for pattern in globs {
        let Some((head, tail)) = pattern.split_once('*') else {
            out.push(PathBuf::from(&pattern));
            continue;
        };
        let (parent, prefix) = head.rsplit_once('/').unwrap_or(("", head));
        let Ok(entries) = std::fs::read_dir(parent) else {
            continue;
        };
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with(prefix))
            .map(|e| PathBuf::from(format!("{}{tail}", e.path().display())))
            .collect();
        found.sort();
        out.extend(found);
    }
    out
}

fn has_programs(dir: &Path) -> bool {
    dir.join("initdb").is_file() && dir.join("pg_ctl").is_file()
}

/// `initdb --version` → (major, `15.4`).
fn version_of(dir: &Path) -> Option<(u32, String)> {
    let out = Command::new(dir.join("initdb"))
        .arg("--version")
        .output()
        .ok()?;
    // `initdb (PostgreSQL) 15.4 (Debian 15.4-1)`: the word after "(PostgreSQL)".
    let text = String::from_utf8_lossy(&out.stdout);
    let mut words = text.split_whitespace();
    words.find(|w| *w == "(PostgreSQL)")?;
    let version = words.next()?.to_string();
    let major = version
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()?;
    Some((major, version))
}

/// The server programs to start a temporary cluster with: `--pg-bin DIR`, else the
/// first of PATH and the usual places that holds `initdb` and `pg_ctl` (of `major`
/// when given; else PATH's, else the newest).
pub fn find_binaries(pg_bin: Option<&Path>, major: Option<u32>) -> Result<Binaries, String> {
    if let Some(dir) = pg_bin {
        if !has_programs(dir) {
            return Err(format!(
                "--pg-bin {}: no initdb and pg_ctl there (give PostgreSQL's bin directory)",
                dir.display()
            ));
        }
        let (found, version) = version_of(dir).ok_or_else(|| {
            format!(
                "--pg-bin {}: `initdb --version` does not run",
                dir.display()
            )
        })?;
        if let Some(m) = major.filter(|m| *m != found) {
            return Err(format!(
                "--pg-bin {} holds PostgreSQL {version}, not {m} (--pg-version)",
                dir.display()
            ));
        }
        return Ok(Binaries {
            dir: dir.to_path_buf(),
            major: found,
            version,
        });
    }
    let on_path: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    let mut candidates: Vec<(bool, Binaries)> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (from_path, dir) in on_path
        .into_iter()
        .map(|d| (true, d))
        .chain(usual_places().into_iter().map(|d| (false, d)))
    {
        let key = std::fs::canonicalize(&dir).unwrap_or(dir.clone());
        if !has_programs(&dir) || !seen.insert(key) {
            continue;
        }
        if let Some((found, version)) = version_of(&dir) {
            candidates.push((
                from_path,
                Binaries {
                    dir,
                    major: found,
                    version,
                },
            ));
        }
    }
    let chosen = match major {
        Some(m) => candidates.iter().find(|(_, b)| b.major == m),
        None => candidates.iter().find(|(p, _)| *p).or_else(|| {
            candidates
                .iter()
                .max_by_key(|(_, b)| (b.major, b.version.clone()))
        }),
    };
    match chosen {
        Some((_, b)) => Ok(b.clone()),
        None => {
            let which = major
                .map(|m| format!("PostgreSQL {m} "))
                .unwrap_or_default();
            let fetch = major.map(|m| format!(" {m}")).unwrap_or_default();
            let others = if candidates.is_empty() {
                String::new()
            } else {
                format!(
                    " (found: {})",
                    candidates
                        .iter()
                        .map(|(_, b)| format!("{} in {}", b.version, b.dir.display()))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            Err(format!(
                "no {which}server programs (initdb, pg_ctl) on PATH or in PostgreSQL's usual install locations{others}: install PostgreSQL (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql), fetch builds with scripts/pg-versions.sh{fetch}, point --pg-bin at a bin directory, or give --database URL for a server you run"
            ))
        }
    }
}

/// A cluster in a temporary directory, listening on 127.0.0.1 on a free port; stopped
/// and deleted when dropped.
struct TempCluster {
    dir: PathBuf,
    bin: PathBuf,
    /// `postgres` when dblint runs as root.
    run_as: Option<String>,
    port: u16,
}

/// The operating-system user id of a user (`id -u NAME`), or of this process.
fn user_id(flag: &str, name: Option<&str>) -> Option<u32> {
    let out = Command::new("id").arg(flag).args(name).output().ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

impl TempCluster {
    fn start(binaries: &Binaries) -> Result<TempCluster, String> {
        let root = user_id("-u", None) == Some(0);
        let run_as = if root {
            if user_id("-u", Some("postgres")).is_none() {
                return Err("PostgreSQL refuses to run as root, and there is no `postgres` user to run the temporary cluster as: run dblint as another user, create a `postgres` user, or give --database URL".into());
            }
            Some("postgres".to_string())
        } else {
            None
        };
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!(
            "dblint-trace-{}-{}",
            std::process::id(),
            stamp % 1_000_000_000
        ));
        std::fs::create_dir(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let cluster = TempCluster {
            dir,
            bin: binaries.dir.clone(),
            run_as,
            port: free_port()?,
        };
        cluster.prepare()?;
        Ok(cluster)
    }

    fn prepare(&self) -> Result<(), String> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&self.dir, std::fs::Permissions::from_mode(0o700))
                .map_err(|e| format!("{}: {e}", self.dir.display()))?;
        }
        if let Some(user) = &self.run_as {
            #[cfg(unix)]
            {
                let uid = user_id("-u", Some(user));
                let gid = user_id("-g", Some(user));
                std::os::unix::fs::chown(&self.dir, uid, gid)
                    .map_err(|e| format!("cannot give {} to {user}: {e}", self.dir.display()))?;
            }
            let check = self.program("initdb").arg("--version").output();
            if !check.is_ok_and(|o| o.status.success()) {
                return Err(format!(
                    "PostgreSQL refuses to run as root, and the `{user}` user cannot run {}/initdb (is a parent directory private to root?): put the binaries where {user} can read them (as root, scripts/pg-versions.sh keeps them in /var/cache/dblint/pg), or give --database URL",
                    self.bin.display()
                ));
            }
        }
        let data = self.dir.join("data");
        let out = self
            .program("initdb")
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ])
            .output()
            .map_err(|e| format!("cannot run {}/initdb: {e}", self.bin.display()))?;
        if !out.status.success() {
            return Err(format!(
                "initdb failed: {}",
                last_line(&String::from_utf8_lossy(&out.stderr))
            ));
        }
        let settings = format!(
            "\n# dblint trace: a throwaway cluster\nport = {}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{}'\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 20\nmax_locks_per_transaction = 1024\n",
            self.port,
            self.dir.display()
        );
        use std::io::Write as _;
        std::fs::OpenOptions::new()
            .append(true)
            .open(data.join("postgresql.conf"))
            .and_then(|mut f| f.write_all(settings.as_bytes()))
            .map_err(|e| format!("cannot configure the temporary cluster: {e}"))?;
        let log = self.dir.join("server.log");
        let out = self
            .program("pg_ctl")
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(&log)
            .args(["-w", "-t", "60", "start"])
            .output()
            .map_err(|e| format!("cannot run {}/pg_ctl: {e}", self.bin.display()))?;
        if !out.status.success() {
            let log_text = std::fs::read_to_string(&log).unwrap_or_default();
            return Err(format!(
                "the temporary PostgreSQL did not start: {}",
                last_line(&log_text)
            ));
        }
        Ok(())
    }

    /// A server program, run as the cluster's owner, in a process group of its own so
    /// that Ctrl-C in the terminal reaches dblint only (dblint then stops the server).
    fn program(&self, name: &str) -> Command {
        let path = self.bin.join(name);
        let mut command = match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(path);
                c
            }
            None => Command::new(path),
        };
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            command.process_group(0);
        }
        command.current_dir(&self.dir);
        command
    }
}

impl Drop for TempCluster {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        if data.join("postmaster.pid").exists() {
            let _ = self
                .program("pg_ctl")
                .arg("-D")
                .arg(&data)
                .args(["-m", "immediate", "-w", "-t", "30", "stop"])
                .output();
        }
        // The server may take a moment to let go of its files.
        for _ in 0..5 {
            if std::fs::remove_dir_all(&self.dir).is_ok() || !self.dir.exists() {
                return;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        eprintln!(
            "dblint: warning: could not delete the temporary cluster in {}",
            self.dir.display()
        );
    }
}

fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("cannot find a free local port: {e}"))
}

fn last_line(text: &str) -> String {
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("(no message)")
        .trim()
        .to_string()
}
