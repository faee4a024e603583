//! Which files of a migrations directory to replay, and in what order: each tool's
//! own order, from its source.
//!
//! - Flyway (`V<version>__*.sql`): versions compared part by part as numbers
//!   (flyway-core `MigrationVersion.compareTo`, `_` read as `.`); the newest
//!   `B<version>__` baseline replaces the V migrations up to its version; `R__*.sql`
//!   repeatables run last.
//! - Prisma (`<timestamp>_<name>/migration.sql`): folder names in text order. The CLI
//!   lists them with `localeCompare` (prisma/prisma `packages/migrate/src/utils/
//!   listMigrations.ts`: "sorted lexicographically by name"); the schema engine
//!   applies them in that order. Names are compared as ICU does at its first level:
//!   punctuation before digits before letters, letters without case, then the bytes.
//!   So `20250409154352_y` comes before `20250625_x`, whose timestamp is shorter.
//! - Diesel (`<version>_<name>/up.sql`): the version is the folder name up to the
//!   first `_` with dashes removed, compared as text (diesel_migrations
//!   `migrations_internals::version_from_string`; `MigrationVersion` orders as a
//!   string; `MigrationHarness::pending_migrations` sorts by it).
//! - dbmate (files with a `-- migrate:up` block): file names compared as text
//!   (dbmate `pkg/dbmate/db.go`, `sort.Slice` on `FileName`).
//! - golang-migrate (`<version>_<name>.up.sql`), sqlx (`<version>_<name>.sql`),
//!   numbered (`0001_*.sql`) and timestamped files: the leading number compared as a
//!   number (golang-migrate `source/parse.go` reads it with `ParseUint` and sorts the
//!   versions; sqlx parses an `i64`), then the rest of the path, runs of digits as
//!   numbers. Django orders migrations by their dependencies, not their names; its
//!   `sqlmigrate` files need numbers that follow that order, or a `dblint.order`.
//! - `down` files are skipped.
//! - A `dblint.order` file in the directory overrides all of this: one path per line
//!   (relative to the directory; blank lines and `#` comments ignored), replayed in
//!   that order, and only those (a project that applies a full schema and then only
//!   the deltas after it lists just those).

use std::cmp::Ordering;
use std::path::{Path, PathBuf};

/// The name of the file that states a directory's replay order.
pub const ORDER_FILE: &str = "dblint.order";

/// Files in `dir` to replay, in migration order (or the order `dblint.order` states).
pub fn migration_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    migration_files_with(dir, None)
}

/// [`migration_files`] with `extra`, a path inside `dir` whose file is not on disk
/// (standard input standing for a new migration), among them in its place in the
/// migration order. A `dblint.order` lists what it lists: `extra` comes after it.
pub fn migration_files_with(dir: &Path, extra: Option<&Path>) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    collect(dir, &mut files, &mut Vec::new())?;
    files.extend(extra.map(Path::to_path_buf));
    files.retain(|p| is_migration(p));
    let files = match layout(&files) {
        Layout::Flyway => flyway_order(&files),
        Layout::Prisma => {
            files.sort_by(|a, b| prisma_cmp(&relative(a, dir), &relative(b, dir)));
            files
        }
        Layout::Diesel => {
            files.sort_by(|a, b| {
                let (ra, rb) = (relative(a, dir), relative(b, dir));
                diesel_version(&ra)
                    .cmp(&diesel_version(&rb))
                    .then_with(|| ra.cmp(&rb))
            });
            files
        }
        Layout::Dbmate => {
            files.sort_by(|a, b| a.file_name().cmp(&b.file_name()).then_with(|| a.cmp(b)));
            files
        }
        Layout::Numbered => {
            files.sort_by(|a, b| natural_cmp(&relative(a, dir), &relative(b, dir)));
            files
        }
    };
    let order_file = dir.join(ORDER_FILE);
    if !order_file.is_file() {
        return Ok(files);
    }
    let mut stated = stated_order(dir, &order_file)?;
    stated.extend(
        extra
            .filter(|e| !stated.iter().any(|s| s == e))
            .map(Path::to_path_buf),
    );
    Ok(stated)
}

/// `name` as a path inside the folder `dir` (`dir` joined with the rest), when it is
/// inside it: compared through the folders that exist (links and `..` resolved), so
/// `./m/V4__x.sql` and `m/new/V4__x.sql` (a folder not made yet) are inside `m`.
pub fn inside(dir: &Path, name: &Path) -> Option<PathBuf> {
    let dir_real = std::fs::canonicalize(dir).ok()?;
    let absolute = std::path::absolute(name).ok()?;
    let mut rest = Vec::new();
    let mut existing = absolute.as_path();
    let real = loop {
        rest.push(existing.file_name()?.to_os_string());
        existing = existing.parent()?;
        if let Ok(real) = std::fs::canonicalize(existing) {
            break real;
        }
    };
    let relative = real.strip_prefix(&dir_real).ok()?;
    let mut path = dir.join(relative);
    for part in rest.iter().rev() {
        path.push(part);
    }
    Some(path)
}

/// Whose migrations a folder holds, for their order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    Flyway,
    Prisma,
    Diesel,
    Dbmate,
    /// golang-migrate, sqlx, numbered or timestamped files, and anything else.
    Numbered,
}

fn layout(files: &[PathBuf]) -> Layout {
    let named = |name: &str| {
        files
            .iter()
            .any(|f| f.file_name().is_some_and(|n| n == name))
    };
    if files.iter().any(|p| flyway_kind(p).is_some()) {
        Layout::Flyway
    } else if named("migration.sql") {
        Layout::Prisma
    } else if named("up.sql") {
        Layout::Diesel
    } else if files.iter().any(|f| is_dbmate(f)) {
        Layout::Dbmate
    } else {
        Layout::Numbered
    }
}

/// A dbmate migration: its `-- migrate:up` marker, in the first 64 KB.
fn is_dbmate(path: &Path) -> bool {
    use std::io::Read;
    let mut head = Vec::new();
    let read = std::fs::File::open(path).and_then(|f| f.take(65_536).read_to_end(&mut head));
    read.is_ok() && super::delivery::dbmate_directive(&String::from_utf8_lossy(&head)).is_some()
}

/// Prisma's order of migration folders: JavaScript's `localeCompare` (ICU's root
/// collation), as its first level sees them: punctuation and symbols, then digits,
/// then letters without case; ties by bytes.
pub fn prisma_cmp(a: &str, b: &str) -> Ordering {
    fn key(c: char) -> (u8, char) {
        if c.is_ascii_digit() {
            (1, c)
        } else if c.is_alphabetic() {
            (2, c.to_lowercase().next().unwrap_or(c))
        } else {
            (0, c)
        }
    }
    a.chars()
        .map(key)
        .cmp(b.chars().map(key))
        .then_with(|| a.cmp(b))
}

/// Diesel's version of a migration: its folder's name up to the first `_`, dashes
/// removed (`2019-02-26-002946_create_user` → `20190226002946`).
fn diesel_version(relative: &str) -> String {
    let folder = Path::new(relative)
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default();
    folder.split('_').next().unwrap_or("").replace('-', "")
}

/// The files `dblint.order` lists, in its order.
fn stated_order(dir: &Path, order_file: &Path) -> std::io::Result<Vec<PathBuf>> {
    let text = std::fs::read_to_string(order_file).map_err(|e| {
        std::io::Error::other(format!("{}: cannot read: {e}", order_file.display()))
    })?;
    let mut listed: Vec<PathBuf> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let entry = line.trim().trim_start_matches('\u{feff}');
        if entry.is_empty() || entry.starts_with('#') {
            continue;
        }
        let inside = std::path::Path::new(entry).components().all(|c| {
            matches!(
                c,
                std::path::Component::Normal(_) | std::path::Component::CurDir
            )
        });
        if !inside {
            return Err(std::io::Error::other(format!(
                "{}:{}: `{entry}` is not a path inside the folder (no absolute paths, no ..)",
                order_file.display(),
                n + 1
            )));
        }
        let path = dir.join(entry);
        if !path.is_file() {
            return Err(std::io::Error::other(format!(
                "{}:{}: no such file `{entry}`",
                order_file.display(),
                n + 1
            )));
        }
        if listed.contains(&path) {
            return Err(std::io::Error::other(format!(
                "{}:{}: `{entry}` is listed twice",
                order_file.display(),
                n + 1
            )));
        }
        listed.push(path);
    }
    Ok(listed)
}

fn relative(path: &Path, dir: &Path) -> String {
    path.strip_prefix(dir)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

/// Every file below `dir` to consider, following links to files; hidden entries
/// (`.git`, an editor's `.x.sql.swp`) are left out. Every other entry is read or is an
/// error naming it: a dangling link, a link loop, a link to a folder, a folder dblint
/// may not read, or a FIFO, device or socket named like a migration. Leaving any of
/// them out would replay a different history than the one deployed.
fn collect(dir: &Path, out: &mut Vec<PathBuf>, open: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let unreadable = |path: &Path, why: String| {
        std::io::Error::other(format!("{}: cannot read: {why}", path.display()))
    };
    let real = std::fs::canonicalize(dir).map_err(|e| unreadable(dir, e.to_string()))?;
    if open.contains(&real) {
        return Err(unreadable(
            dir,
            "a link loop (it leads back to a folder being read)".into(),
        ));
    }
    open.push(real);
    let read = std::fs::read_dir(dir)
        .and_then(|entries| entries.collect::<Result<Vec<_>, _>>())
        .map_err(|e| unreadable(dir, e.to_string()))?;
    let mut entries = read;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        // Through links: what the entry is, or why it cannot be known.
        let meta = match std::fs::metadata(&path) {
            Ok(meta) => meta,
            Err(e) => {
                let link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_symlink());
                let why = match e.kind() {
                    std::io::ErrorKind::NotFound if link => {
                        "a symbolic link to nothing (dangling)".to_string()
                    }
                    _ if e.raw_os_error() == Some(40) => "a symbolic link loop (ELOOP)".to_string(),
                    _ => e.to_string(),
                };
                return Err(unreadable(&path, why));
            }
        };
        if meta.is_dir() && std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_symlink()) {
            // Migration tools list folders without following links (Prisma's
            // `readdir` entries, Flyway's and golang-migrate's walks), and the base of a
            // pull request is read from git, which stores the link, not the folder.
            return Err(unreadable(
                &path,
                "a link to a folder, which migration tools do not follow: put the folder there, or name it as an input of its own".into(),
            ));
        }
        if meta.is_dir() {
            collect(&path, out, open)?;
        } else if meta.is_file() {
            out.push(path);
        } else if is_migration(&path) {
            // A FIFO would block and a device never end: not a migration file.
            return Err(unreadable(
                &path,
                "not a regular file (a FIFO, device or socket)".into(),
            ));
        }
    }
    open.pop();
    Ok(())
}

fn is_migration(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let sql = name.ends_with(".sql") || name.ends_with(".sql.postgres");
    let down = name == "down.sql" || name.ends_with(".down.sql") || name.ends_with("_down.sql");
    sql && !down
}

#[derive(Debug, Clone, PartialEq)]
enum FlywayKind {
    Versioned(Vec<u64>),
    Baseline(Vec<u64>),
    Repeatable,
}

fn flyway_kind(path: &Path) -> Option<FlywayKind> {
    let name = path.file_name()?.to_string_lossy().into_owned();
    let (head, _) = name.split_once("__")?;
    if head == "R" {
        return Some(FlywayKind::Repeatable);
    }
    let (prefix, version) = head.split_at(1);
    let parts: Option<Vec<u64>> = version.split(['.', '_']).map(|p| p.parse().ok()).collect();
    let parts = parts.filter(|p| !p.is_empty())?;
    match prefix {
        "V" => Some(FlywayKind::Versioned(parts)),
        "B" => Some(FlywayKind::Baseline(parts)),
        _ => None,
    }
}

fn version_cmp(a: &[u64], b: &[u64]) -> Ordering {
    let len = a.len().max(b.len());
    (0..len)
        .map(|i| {
            a.get(i)
                .copied()
                .unwrap_or(0)
                .cmp(&b.get(i).copied().unwrap_or(0))
        })
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

fn flyway_order(files: &[PathBuf]) -> Vec<PathBuf> {
    let mut versioned = Vec::new();
    let mut baselines = Vec::new();
    let mut repeatable = Vec::new();
    for f in files {
        match flyway_kind(f) {
            Some(FlywayKind::Versioned(v)) => versioned.push((v, f.clone())),
            Some(FlywayKind::Baseline(v)) => baselines.push((v, f.clone())),
            Some(FlywayKind::Repeatable) => repeatable.push(f.clone()),
            None => {}
        }
    }
    let mut out = Vec::new();
    baselines.sort_by(|a, b| version_cmp(&a.0, &b.0));
    let baseline = baselines.pop();
    versioned.sort_by(|a, b| version_cmp(&a.0, &b.0));
    if let Some((bv, bf)) = &baseline {
        out.push(bf.clone());
        versioned.retain(|(v, _)| version_cmp(v, bv) == Ordering::Greater);
    }
    out.extend(versioned.into_iter().map(|(_, f)| f));
    repeatable.sort_by_key(|f| f.file_name().map(|n| n.to_os_string()));
    out.extend(repeatable);
    out
}

/// Compare strings so that runs of digits compare as numbers ("2_a" < "10_a").
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    loop {
        match (a.first(), b.first()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let da = a.iter().take_while(|c| c.is_ascii_digit()).count();
                let db = b.iter().take_while(|c| c.is_ascii_digit()).count();
                let na = trim_zeros(&a[..da]);
                let nb = trim_zeros(&b[..db]);
                let ord = na
                    .len()
                    .cmp(&nb.len())
                    .then_with(|| na.cmp(nb))
                    .then_with(|| da.cmp(&db));
                if ord.is_ne() {
                    return ord;
                }
                a = &a[da..];
                b = &b[db..];
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(y);
                }
                a = &a[1..];
                b = &b[1..];
            }
        }
    }
}

fn trim_zeros(digits: &[u8]) -> &[u8] {
    let zeros = digits.iter().take_while(|&&c| c == b'0').count();
    &digits[zeros.min(digits.len().saturating_sub(1))..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_compares_numbers() {
        assert_eq!(natural_cmp("2_b.sql", "10_a.sql"), Ordering::Less);
        assert_eq!(natural_cmp("0002_b.sql", "0010_a.sql"), Ordering::Less);
        assert_eq!(
            natural_cmp("20230101_a/migration.sql", "20230101_b/migration.sql"),
            Ordering::Less
        );
    }

    #[test]
    fn each_tool_orders_as_it_documents() {
        // Prisma: text order of folder names, so a longer timestamp can come first.
        assert_eq!(
            prisma_cmp("20250409154352_y/migration.sql", "20250625_x/migration.sql"),
            Ordering::Less
        );
        // ICU puts punctuation before digits: `_` ends a shorter timestamp first.
        assert_eq!(
            prisma_cmp("20250625_x/migration.sql", "20250625120000_y/migration.sql"),
            Ordering::Less
        );
        assert_eq!(prisma_cmp("1_B", "1_a"), Ordering::Greater);
        // Diesel: the version without dashes, as text.
        assert_eq!(
            diesel_version("2019-02-26-002946_create_user/up.sql"),
            "20190226002946"
        );
        assert!(diesel_version("20250409154352_y/up.sql") < diesel_version("20250625_x/up.sql"));
        // golang-migrate and numbered files: the number.
        assert_eq!(
            natural_cmp("20250625_x.up.sql", "20250409154352_y.up.sql"),
            Ordering::Less
        );
    }

    #[test]
    fn flyway_versions_are_numeric() {
        let k = flyway_kind(Path::new("V1_12_3__x.sql"));
        assert_eq!(k, Some(FlywayKind::Versioned(vec![1, 12, 3])));
        assert_eq!(version_cmp(&[1, 9], &[1, 12]), Ordering::Less);
        assert_eq!(
            flyway_kind(Path::new("R__views.sql")),
            Some(FlywayKind::Repeatable)
        );
        assert_eq!(flyway_kind(Path::new("Vx__y.sql")), None);
    }
}
