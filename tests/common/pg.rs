//! A real PostgreSQL for the live tests: the server `scripts/pg.sh` starts
//! (DBLINT_TEST_DATABASE_URL), a fresh database per test, fixtures loaded as psql
//! would, and the findings of a JSON report.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

pub fn admin_url() -> String {
    std::env::var("DBLINT_TEST_DATABASE_URL").unwrap_or_else(|_| {
        panic!("DBLINT_TEST_DATABASE_URL is not set: run `eval \"$(scripts/pg.sh start)\"` first (scripts/test.sh does)")
    })
}

pub const PASSWORD: &str = "dblint-test-secret";

/// The admin URL pointed at another database, with extra query parameters.
pub fn url_for(db: &str, extra: &str) -> String {
    let base = admin_url();
    let (head, query) = base.split_once('?').unwrap_or((&base, ""));
    let head = head.rsplit_once('/').map(|(h, _)| h).unwrap_or(head);
    let mut params: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
    if !extra.is_empty() {
        params.retain(|p| {
            !extra
                .split('&')
                .any(|e| e.split('=').next() == p.split('=').next())
        });
        params.extend(extra.split('&'));
    }
    format!("{head}/{db}?{}", params.join("&"))
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A new, empty database for one test. The first call in a test process drops the
/// databases earlier test processes left behind (`dblint_<tag>_<pid>_<n>` whose
/// process is gone), so a long-lived local server does not fill the disk.
pub fn fresh_db(tag: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let name = format!("dblint_{tag}_{}_{n}", std::process::id());
    let mut admin = postgres::Client::connect(&url_for("postgres", ""), postgres::NoTls)
        .expect("connect to the test server");
    static SWEPT: std::sync::Once = std::sync::Once::new();
    SWEPT.call_once(|| drop_leftovers(&mut admin));
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
        .unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    name
}

/// Drop test databases whose test process has ended (see [`fresh_db`]).
fn drop_leftovers(admin: &mut postgres::Client) {
    let Ok(rows) = admin.query(
        "SELECT datname::text FROM pg_catalog.pg_database WHERE datname LIKE 'dblint\\_%'",
        &[],
    ) else {
        return;
    };
    for row in rows {
        let name: String = row.get(0);
        let mut parts = name.rsplit('_');
        let (Some(_n), Some(pid)) = (parts.next(), parts.next()) else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if pid != std::process::id() && !std::path::Path::new(&format!("/proc/{pid}")).exists() {
            // A prepared transaction a crashed test left behind keeps its database.
            rollback_prepared(&name);
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\""));
        }
    }
}

/// Run SQL files statement by statement, as psql would. A statement marked
/// `/* expected to fail */` must fail (fixtures use it to leave an invalid index).
pub fn load(db: &str, files: &[PathBuf]) {
    if let Err(e) = try_load(db, files) {
        panic!("{e}");
    }
}

/// [`load`], returning the first problem instead of panicking.
pub fn try_load(db: &str, files: &[PathBuf]) -> Result<(), String> {
    let mut client = postgres::Client::connect(&url_for(db, ""), postgres::NoTls).unwrap();
    for file in files {
        let text = std::fs::read_to_string(file).unwrap();
        for statement in dblint::source::sql::split::split(&text).statements {
            let result = client.simple_query(&statement.sql);
            if statement.sql.contains("/* expected to fail */") {
                if result.is_ok() {
                    return Err(format!(
                        "{}:{}: expected this statement to fail",
                        file.display(),
                        statement.line
                    ));
                }
            } else if let Err(e) = result {
                let detail = e
                    .as_db_error()
                    .map(|d| d.message().to_string())
                    .unwrap_or_else(|| e.to_string());
                return Err(format!(
                    "{}:{}: PostgreSQL rejects this fixture: {detail}",
                    file.display(),
                    statement.line
                ));
            }
        }
    }
    Ok(())
}

/// Roll back every prepared transaction of database `db` (ROLLBACK PREPARED runs in
/// the database the transaction was prepared in).
fn rollback_prepared(db: &str) {
    let Ok(mut c) = postgres::Client::connect(&url_for(db, ""), postgres::NoTls) else {
        return;
    };
    let gids: Vec<String> = c
        .query(
            "SELECT gid FROM pg_catalog.pg_prepared_xacts WHERE database = current_database()",
            &[],
        )
        .map(|rows| rows.iter().map(|r| r.get(0)).collect())
        .unwrap_or_default();
    for gid in gids {
        let _ = c.batch_execute(&format!("ROLLBACK PREPARED '{}'", gid.replace('\'', "''")));
    }
}

/// A transaction left open and idle on a connection of its own, holding the locks its
/// statements took (what `lock-held-by-idle-transaction` reports). Dropping it ends
/// the session.
pub struct IdleTransaction {
    pub client: postgres::Client,
    pub pid: i32,
}

pub fn idle_transaction(db: &str, statements: &[&str]) -> IdleTransaction {
    let mut client = postgres::Client::connect(&url_for(db, ""), postgres::NoTls).unwrap();
    let pid: i32 = client
        .query_one("SELECT pg_catalog.pg_backend_pid()", &[])
        .unwrap()
        .get(0);
    client.batch_execute("BEGIN").unwrap();
    for statement in statements {
        client
            .batch_execute(statement)
            .unwrap_or_else(|e| panic!("{statement}: {e}"));
    }
    IdleTransaction { client, pid }
}

/// A prepared transaction (`PREPARE TRANSACTION`) of database `db`, holding the locks
/// its statements took until it is dropped (then rolled back).
pub struct PreparedTransaction {
    pub db: String,
    pub gid: String,
}

impl Drop for PreparedTransaction {
    fn drop(&mut self) {
        rollback_prepared(&self.db);
    }
}

pub fn prepared_transaction(db: &str, statements: &[&str]) -> PreparedTransaction {
    let gid = format!("{db}_prepared");
    let mut client = postgres::Client::connect(&url_for(db, ""), postgres::NoTls).unwrap();
    client.batch_execute("BEGIN").unwrap();
    for statement in statements {
        client
            .batch_execute(statement)
            .unwrap_or_else(|e| panic!("{statement}: {e}"));
    }
    client
        .batch_execute(&format!("PREPARE TRANSACTION '{gid}'"))
        .unwrap_or_else(|e| panic!("PREPARE TRANSACTION (max_prepared_transactions > 0?): {e}"));
    PreparedTransaction {
        db: db.to_string(),
        gid,
    }
}

/// Wait until the statistics show each of `tables` in use (index scans, rows read by
/// sequential scans or rows written), as `inspect` will read them: a session reports
/// its counts when it ends or goes idle, not at once. Fails after 30 s.
pub fn wait_for_use(db: &str, tables: &[&str]) {
    let mut c = postgres::Client::connect(&url_for(db, ""), postgres::NoTls).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let used: i64 = c
            .query_one(
                "SELECT count(*) FROM pg_catalog.pg_stat_user_tables
                 WHERE relname = ANY ($1)
                   AND coalesce(idx_scan, 0) + seq_tup_read + n_tup_ins + n_tup_upd + n_tup_del > 0",
                &[&tables],
            )
            .unwrap()
            .get(0);
        if used as usize == tables.len() {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the statistics of {db} do not show {tables:?} in use after 30 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// A login role with the tests' password, created if the server has none of that
/// name (roles belong to the cluster, not to a database): the URL of database `db`
/// as that role.
pub fn login_role(db: &str, role: &str) -> String {
    let mut admin = postgres::Client::connect(&url_for(db, ""), postgres::NoTls).unwrap();
    admin
        .batch_execute(&format!(
            "DO $$BEGIN
               IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN
                 CREATE ROLE {role} LOGIN PASSWORD '{PASSWORD}';
               END IF;
             END$$;"
        ))
        .unwrap();
    url_for(db, "").replace("//postgres:", &format!("//{role}:"))
}

/// The test server's major version (12 to 18).
pub fn server_major() -> u32 {
    let mut c = postgres::Client::connect(&url_for("postgres", ""), postgres::NoTls)
        .expect("connect to the test server");
    let v: String = c
        .query_one("SELECT current_setting('server_version_num')", &[])
        .unwrap()
        .get(0);
    v.parse::<u32>().unwrap() / 10000
}

/// The oldest major version a fixture runs on: its `-- min-server-version: N` line
/// (syntax newer than PostgreSQL 12, such as `ON DELETE SET NULL (column)` or `NULLS
/// NOT DISTINCT` from 15), 12 without one.
pub fn min_server_version(text: &str) -> u32 {
    text.lines()
        .find_map(|l| l.strip_prefix("-- min-server-version: "))
        .map(|v| {
            v.trim()
                .parse()
                .unwrap_or_else(|_| panic!("-- min-server-version: {v}: not a major version"))
        })
        .unwrap_or(12)
}

/// Whether the test server can install `extension` (PostGIS is in the CI test
/// server, not in the version matrix's builds).
pub fn extension_available(extension: &str) -> bool {
    let mut c = postgres::Client::connect(&url_for("postgres", ""), postgres::NoTls)
        .expect("connect to the test server");
    c.query_one(
        "SELECT count(*) FROM pg_available_extensions WHERE name = $1",
        &[&extension],
    )
    .unwrap()
    .get::<_, i64>(0)
        > 0
}

/// Whether this run may do without PostGIS: scripts/matrix.sh says so
/// (DBLINT_TEST_WITHOUT_POSTGIS=1) for its builds, which lack it. Anywhere else (the
/// CI test server) a missing PostGIS is a failure, not a skip.
pub fn may_lack_postgis() -> bool {
    std::env::var("DBLINT_TEST_WITHOUT_POSTGIS").is_ok_and(|v| v == "1")
}

/// The options every live comparison runs `inspect` and `lint` with: a JSON report,
/// no configuration, never a failing exit, and the opt-in rule on too.
pub const REPORT_FLAGS: &[&str] = &[
    "--format",
    "json",
    "--no-config",
    "--fail-on",
    "none",
    "--enable",
    "text-without-length-check",
];

/// The findings of a JSON report.
pub fn findings(json: &str) -> Vec<serde_json::Value> {
    let doc: serde_json::Value =
        serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    doc["findings"].as_array().unwrap().clone()
}

pub fn fingerprints(json: &str) -> BTreeSet<String> {
    findings(json)
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["severity"].as_str().unwrap(),
                f["fingerprint"].as_str().unwrap()
            )
        })
        .collect()
}

/// Each finding's fix and help, by fingerprint.
pub fn fixes(json: &str) -> std::collections::BTreeMap<String, (String, String)> {
    findings(json)
        .iter()
        .map(|f| {
            (
                f["fingerprint"].as_str().unwrap().to_string(),
                (
                    f["fix"].as_str().unwrap_or_default().to_string(),
                    f["help"].as_str().unwrap_or_default().to_string(),
                ),
            )
        })
        .collect()
}

/// The model `inspect` reads from database `db`.
pub fn catalog_model(db: &str) -> dblint::model::Database {
    let info = dblint::source::catalog::conninfo::ConnInfo::parse(&url_for(db, "")).unwrap();
    let mut client = dblint::source::catalog::connect::connect(&info).unwrap();
    let mut tx =
        dblint::source::catalog::connect::begin_read_only(&mut client, Default::default()).unwrap();
    let server = dblint::source::catalog::build::server(&mut tx).unwrap();
    let (live, gaps) =
        dblint::source::catalog::build::read_catalog(&mut tx, &server, None).unwrap();
    assert_eq!(gaps, Default::default());
    live
}

/// The views whose query `side` (`catalog`, `replay`) did not read: the comparison
/// skips them (not compared), so a parity test that ignored them could not fail.
pub fn unread_view_queries(db: &dblint::model::Database, side: &str) -> Vec<String> {
    db.views
        .values()
        .filter(|v| v.query.is_none())
        .map(|v| format!("view {} query not read by {side}", v.name))
        .collect()
}

/// `DBLINT_PARITY_SUMMARY=FILE`: a line of figures appended to FILE, for
/// scripts/matrix.sh.
pub fn parity_summary(line: &str) {
    println!("{line}");
    if let Ok(path) = std::env::var("DBLINT_PARITY_SUMMARY") {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .unwrap();
        writeln!(f, "{line}").unwrap();
    }
}

/// Statements the server logged for one application name (log_statement = all).
/// Whether a logged statement of a catalog read starts as a read does: a query, a
/// transaction's start or end, a `SET LOCAL`, a savepoint, a `SHOW`, or one of `also`
/// (upper case).
pub fn is_read(statement: &str, also: &[&str]) -> bool {
    let head = statement.trim_start().to_ascii_uppercase();
    [
        "SELECT",
        "WITH",
        "SET LOCAL",
        "START TRANSACTION",
        "BEGIN",
        "ROLLBACK",
        "SAVEPOINT",
        "SHOW",
    ]
    .iter()
    .chain(also)
    .any(|a| head.starts_with(a))
}

/// Whether a logged statement is a query: a `SELECT`, or a `WITH` whose parts are
/// `SELECT`s (no data-modifying part).
pub fn is_query(statement: &str) -> bool {
    let head = statement.trim_start().to_ascii_uppercase();
    head.starts_with("SELECT")
        || (head.starts_with("WITH")
            && !["INSERT ", "UPDATE ", "DELETE ", "MERGE "]
                .iter()
                .any(|w| head.contains(w)))
}

pub fn logged_statements(application: &str) -> Vec<String> {
    let log =
        std::env::var("DBLINT_TEST_PG_LOG").expect("DBLINT_TEST_PG_LOG (set by scripts/pg.sh)");
    let text = std::fs::read_to_string(&log).unwrap_or_else(|e| panic!("{log}: {e}"));
    let marker = format!(" {application}: LOG:  ");
    text.lines()
        .filter_map(|l| l.split_once(&marker).map(|(_, rest)| rest.to_string()))
        .filter_map(|rest| {
            rest.strip_prefix("statement: ")
                .map(str::to_string)
                .or_else(|| {
                    rest.split_once(": ")
                        .filter(|(head, _)| head.starts_with("execute"))
                        .map(|(_, s)| s.to_string())
                })
        })
        .collect()
}
