//! The corpus of real third-party SQL (`../shared/corpus`, or DBLINT_CORPUS): where it
//! is, the Synapse upgrade set, and how its files reach PostgreSQL.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The corpus directory; panics when it is absent (the corpus tests need it).
pub fn corpus() -> PathBuf {
    let dir = std::env::var("DBLINT_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| super::root().join("../shared/corpus"));
    assert!(
        dir.is_dir(),
        "no corpus at {} (set DBLINT_CORPUS)",
        dir.display()
    );
    dir
}

/// Synapse as an upgrade from schema 72 applies it: the full schemas, then the
/// Postgres-only deltas after 72 in version order (a folder of links with a
/// `dblint.order`, as scripts/trace-corpus.sh builds it).
pub fn synapse_set(corpus: &Path, into: &Path) -> PathBuf {
    let dir = into.join("synapse");
    std::fs::create_dir_all(&dir).unwrap();
    let mut order = Vec::new();
    for part in ["common", "main", "state"] {
        let name = format!("full-{part}.sql.postgres");
        std::os::unix::fs::symlink(
            corpus.join(format!("synapse/{part}/full_schemas/72/full.sql.postgres")),
            dir.join(&name),
        )
        .unwrap();
        order.push(name);
    }
    let mut deltas: Vec<(u32, String, PathBuf)> = Vec::new();
    for part in ["main", "state"] {
        let base = corpus.join("synapse").join(part).join("delta");
        let Ok(versions) = std::fs::read_dir(&base) else {
            continue;
        };
        for version in versions.flatten() {
            let Ok(v) = version.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            if v <= 72 {
                continue;
            }
            for f in std::fs::read_dir(version.path()).unwrap().flatten() {
                let name = f.file_name().to_string_lossy().to_string();
                if name.ends_with(".sql.postgres") {
                    deltas.push((v, name, f.path()));
                }
            }
        }
    }
    deltas.sort();
    for (v, name, path) in deltas {
        let link = format!("{v}_{name}");
        std::os::unix::fs::symlink(path, dir.join(&link)).unwrap();
        order.push(link);
    }
    std::fs::write(dir.join("dblint.order"), order.join("\n") + "\n").unwrap();
    dir
}

/// Apply `files` to the database `url` names as their tools send them: a file the tool wraps
/// (or sends as one query string of several statements) in one transaction, rolled
/// back whole on an error as the tool's is; others statement by statement. Returns
/// the statements PostgreSQL rejected (`file:line: message`).
pub fn apply(url: &str, files: &[PathBuf]) -> Vec<String> {
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let mut errors = Vec::new();
    let say = |file: &Path, line: u32, e: &postgres::Error| {
        let detail = e
            .as_db_error()
            .map(|d| d.message().to_string())
            .unwrap_or_else(|| e.to_string());
        let name = file.file_name().unwrap().to_string_lossy();
        let folder = file
            .parent()
            .and_then(|p| p.file_name())
            .map(|p| p.to_string_lossy().to_string())
            .unwrap_or_default();
        format!("{folder}/{name}:{line}: {detail}")
    };
    for file in files {
        let text = std::fs::read_to_string(file).unwrap();
        let split = dblint::source::sql::split::split(&text);
        let sending = dblint::source::sql::delivery::detect_split(file, &text, &split);
        let wrapped = sending.delivery.wraps(split.statements.len());
        // A new session per file, as migration tools' connections reset it (the
        // search path, temporary tables).
        client.batch_execute("DISCARD ALL").unwrap();
        if wrapped {
            client.batch_execute("BEGIN").unwrap();
        }
        let mut failed = false;
        for statement in &split.statements {
            if let Err(e) = client.simple_query(&statement.sql) {
                errors.push(say(file, statement.line, &e));
                failed = true;
                if wrapped {
                    break;
                }
            }
        }
        if wrapped {
            client
                .batch_execute(if failed { "ROLLBACK" } else { "COMMIT" })
                .unwrap();
        } else if failed {
            // A statement by statement file whose BEGIN block failed.
            let _ = client.batch_execute("ROLLBACK");
        }
    }
    errors
}

/// One reviewed unit of the corpus: a name and the inputs, as its project applies them
/// (`tests/corpus_review.rs` grades them; `tests/fix_review_scope.rs` reviews their
/// fixes).
pub struct Set {
    pub name: &'static str,
    pub inputs: &'static [&'static str],
    /// A migration history, traced for its migration findings' evidence.
    pub history: bool,
    /// SQL run in the evidence database before the set (what the project's installer
    /// does first); `{db}` is the database's name.
    pub prepare: &'static str,
}

/// The sets, relative to the corpus. Pagila's jsonb variant repeats its schema; Synapse
/// is graded as a new installation builds it (the full schemas of version 72, the
/// deltas before them being history), MusicBrainz in psql's order (admin/InitDb.pl), into
/// public (as dblint replays it) with InitDb.pl's musicbrainz schema beside it and a
/// stand-in for its ICU collation (CreateCollations.sql is not in the corpus; a
/// collation changes nothing the evidence reads).
pub const SETS: &[Set] = &[
    Set {
        name: "gisia",
        inputs: &["gitlab-derived-gisia/structure.sql"],
        history: false,
        prepare: "",
    },
    Set {
        name: "lago",
        inputs: &["rails-structure/lago-structure.sql"],
        history: false,
        prepare: "",
    },
    Set {
        name: "pagila",
        inputs: &["pagila/pagila-schema.sql"],
        history: false,
        prepare: "",
    },
    Set {
        name: "musicbrainz",
        inputs: &[
            "musicbrainz/Extensions.sql",
            "musicbrainz/CreateTypes.sql",
            "musicbrainz/CreateTables.sql",
            "musicbrainz/CreatePrimaryKeys.sql",
            "musicbrainz/CreateFunctions.sql",
            "musicbrainz/CreateConstraints.sql",
            "musicbrainz/CreateFKConstraints.sql",
            "musicbrainz/CreateIndexes.sql",
            "musicbrainz/CreateViews.sql",
            "musicbrainz/CreateTriggers.sql",
        ],
        history: false,
        prepare: "CREATE SCHEMA musicbrainz; \
                  CREATE COLLATION musicbrainz.musicbrainz FROM \"C\"; \
                  ALTER DATABASE {db} SET search_path = public, musicbrainz",
    },
    Set {
        name: "documenso",
        inputs: &["prisma-documenso"],
        history: true,
        prepare: "",
    },
    Set {
        name: "lemmy",
        inputs: &["diesel-lemmy"],
        history: true,
        prepare: "",
    },
    Set {
        name: "hawkbit-pre-baseline",
        inputs: &["flyway-hawkbit/pre-baseline"],
        history: true,
        prepare: "",
    },
    Set {
        name: "hawkbit-current",
        inputs: &["flyway-hawkbit/current"],
        history: true,
        prepare: "",
    },
    Set {
        name: "synapse",
        inputs: &[
            "synapse/common/full_schemas/72/full.sql.postgres",
            "synapse/main/full_schemas/72/full.sql.postgres",
            "synapse/state/full_schemas/72/full.sql.postgres",
        ],
        history: false,
        prepare: "",
    },
];
