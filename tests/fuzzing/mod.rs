//! A mutation fuzzer over `dblint lint` inputs, on stable Rust: seeds are the rule
//! fixtures and the sample databases; mutations cut, copy, splice and insert SQL
//! fragments (keywords, quotes, comments, dollar quotes, byte-order marks, deep
//! nesting) and statements about the tables the input names (partitions, inheritance,
//! renames, drops); each input goes through the whole `lint` pipeline in process
//! (replay, migration review, rules, ignores, scorecard, every report format).
//!
//! A panic is a crash. An execution running past the timeout is a hang, which ends the
//! process (a thread cannot be stopped) after saving its input; so does a stack
//! overflow. `examples/fuzz_lint.rs` (`scripts/fuzz.sh`) therefore runs the inputs in
//! a worker process and resumes after one that ends it; `tests/fuzz.rs` runs a bounded
//! number in `cargo test`.
#![allow(dead_code)]

use dblint::commands::lint::lint_sources;
use dblint::settings::Settings;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Files linted together, in order (a migration folder, or one file).
pub type Input = Vec<(PathBuf, Vec<u8>)>;

/// xorshift64*: small, fast, and the same sequence for the same seed everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A length that is usually small and sometimes large: up to `2^max_bits`.
    fn length(&mut self, max_bits: u32) -> usize {
        let bits = self.below(max_bits as usize + 1) as u32;
        1 + self.below(1usize << bits)
    }
}

/// The seeds: every rule fixture (one file each) and every sample database (its
/// migrations, in order).
pub fn seeds(root: &Path) -> Vec<Input> {
    let mut seeds = Vec::new();
    let mut fixtures = Vec::new();
    collect_sql(&root.join("tests/fixtures"), &mut fixtures);
    fixtures.sort();
    for file in fixtures {
        if let Ok(bytes) = std::fs::read(&file) {
            seeds.push(vec![(
                PathBuf::from(file.file_name().unwrap_or_default()),
                bytes,
            )]);
        }
    }
    let mut databases: Vec<PathBuf> = std::fs::read_dir(root.join("sample-dbs"))
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    databases.sort();
    for db in databases {
        let Ok(files) = dblint::source::sql::input_files(std::slice::from_ref(&db)) else {
            continue;
        };
        let input: Input = files
            .iter()
            .filter_map(|f| {
                let name = f.strip_prefix(&db).unwrap_or(f).to_path_buf();
                Some((name, std::fs::read(f).ok()?))
            })
            .collect();
        if !input.is_empty() {
            seeds.push(input);
        }
    }
    seeds
}

fn collect_sql(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_sql(&path, out);
        } else if path.extension().is_some_and(|e| e == "sql") {
            out.push(path);
        }
    }
}

/// Fragments worth inserting: what opens and closes constructs, statement keywords,
/// suppression comments, odd bytes.
const FRAGMENTS: &[&str] = &[
    ";",
    "(",
    ")",
    "'",
    "\"",
    "$$",
    "$body$",
    "$1",
    "/*",
    "*/",
    "--",
    "\n",
    "\r\n",
    "\t",
    "\u{feff}",
    "\0",
    "\\",
    "\\.\n",
    "\\set x 1\n",
    "E'\\'",
    "U&'\\0041'",
    "B'101'",
    "X'ff'",
    "::",
    "[]",
    "[1]",
    ",",
    ".",
    "\"\"",
    "''",
    "é",
    "\u{1F600}",
    "\u{FFFD}",
    " CREATE TABLE ",
    " ALTER TABLE ",
    " ADD COLUMN ",
    " DROP COLUMN ",
    " RENAME TO ",
    " CREATE INDEX CONCURRENTLY ",
    " CREATE UNIQUE INDEX ",
    " ON ONLY ",
    " USING gin ",
    " PRIMARY KEY ",
    " UNIQUE ",
    " REFERENCES ",
    " ON DELETE CASCADE ",
    " NOT NULL ",
    " DEFAULT now() ",
    " CHECK (",
    " GENERATED ALWAYS AS (",
    " STORED ",
    " NOT VALID ",
    " VALIDATE CONSTRAINT ",
    " PARTITION BY RANGE (",
    " PARTITION OF ",
    " ATTACH PARTITION ",
    " INHERITS (",
    " LIKE ",
    " CREATE VIEW v AS SELECT ",
    " CREATE MATERIALIZED VIEW ",
    " CREATE TYPE ",
    " AS ENUM (",
    " ADD VALUE ",
    " CREATE DOMAIN ",
    " CREATE SEQUENCE ",
    " OWNED BY ",
    " CREATE SCHEMA ",
    " SET search_path = ",
    " SET lock_timeout = '1s'",
    " BEGIN",
    " COMMIT",
    " ROLLBACK",
    " BEGIN ATOMIC ",
    " END",
    " CASE WHEN ",
    " THEN ",
    " CREATE FUNCTION f() RETURNS int LANGUAGE sql AS ",
    " DO ",
    " COPY t FROM stdin;\n",
    " INSERT INTO t VALUES (1)",
    " SELECT pg_catalog.set_config('search_path', '', false)",
    " COMMENT ON TABLE t IS ",
    " CREATE POLICY p ON t USING (",
    " ENABLE ROW LEVEL SECURITY",
    " VACUUM FULL ",
    " CLUSTER ",
    " LOCK TABLE ",
    " REINDEX ",
    " TRUNCATE ",
    " DROP TABLE ",
    " IF NOT EXISTS ",
    " IF EXISTS ",
    " CASCADE",
    " int",
    " bigint",
    " text",
    " varchar",
    " jsonb",
    " timestamptz",
    " serial",
    " numeric(12,2)",
    " uuid",
    " bool",
    "-- dblint-ignore fk-missing-index -- reason\n",
    "-- dblint-ignore-file table-without-pk\n",
    "-- dblint-ignore\n",
    "-- dblint-ignore nope\n",
    "99999999999999999999",
    "-1",
    "1e400",
];

/// A deep expression: nested parentheses, `||` chains, `CASE`, `NOT`, subqueries.
fn deep(rng: &mut Rng) -> String {
    let n = rng.length(12);
    match rng.below(5) {
        0 => format!("{}a{}", "(".repeat(n), ")".repeat(n)),
        1 => vec!["a"; n + 1].join(" || "),
        2 => format!("{}1{}", "CASE WHEN a THEN ".repeat(n), " END".repeat(n)),
        3 => format!("{}a", "NOT ".repeat(n)),
        _ => format!("{}SELECT 1{}", "(SELECT ".repeat(n), ")".repeat(n)),
    }
}

/// Statements about tables the input names: `{x}` and `{y}` become two of them.
const TEMPLATES: &[&str] = &[
    "ALTER TABLE {x} ATTACH PARTITION {y} FOR VALUES IN (1);",
    "ALTER TABLE {x} DETACH PARTITION {y};",
    "ALTER TABLE {x} INHERIT {y};",
    "ALTER TABLE {x} NO INHERIT {y};",
    "CREATE TABLE {x} PARTITION OF {y} FOR VALUES IN (2);",
    "CREATE TABLE fuzz_child () INHERITS ({x}, {y});",
    "DROP TABLE {x} CASCADE;",
    "DROP TABLE IF EXISTS {x}, {y};",
    "ALTER TABLE {x} RENAME TO {y};",
    "ALTER TABLE {x} RENAME COLUMN id TO {y};",
    "ALTER TABLE {x} SET SCHEMA fuzz;",
    "CREATE SCHEMA fuzz; SET search_path = fuzz, public;",
    "ALTER TABLE {x} ADD CONSTRAINT fuzz_fk FOREIGN KEY (id) REFERENCES {y} (id) ON DELETE CASCADE;",
    "ALTER TABLE {x} ADD PRIMARY KEY USING INDEX {y};",
    "ALTER TABLE {x} ALTER COLUMN id TYPE bigint;",
    "ALTER TABLE {x} ALTER COLUMN id SET NOT NULL;",
    "ALTER TABLE {x} DROP COLUMN id CASCADE;",
    "CREATE UNIQUE INDEX fuzz_idx ON {x} (id) WHERE id > 0;",
    "ALTER INDEX fuzz_idx RENAME TO {y};",
    "ALTER INDEX {y} ATTACH PARTITION fuzz_idx;",
    "CREATE VIEW {x} AS SELECT * FROM {y};",
    "CREATE TABLE {x} AS SELECT * FROM {y};",
    "COMMENT ON COLUMN {x}.id IS 'fuzz';",
    "CREATE POLICY fuzz ON {x} USING (true);",
    "ALTER TABLE {x} ENABLE ROW LEVEL SECURITY;",
    "TRUNCATE {x}, {y};",
    "LOCK TABLE {x} IN ACCESS EXCLUSIVE MODE;",
    "VACUUM FULL {x};",
    "DROP SCHEMA public CASCADE;",
];

/// Names of tables the input creates (the word after `TABLE`), as written.
fn table_names(data: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(data);
    let mut names = Vec::new();
    let mut words = text.split(|c: char| c.is_whitespace() || c == '(' || c == ';');
    while let Some(word) = words.next() {
        if word.eq_ignore_ascii_case("TABLE") {
            if let Some(name) = words.find(|w| {
                !w.is_empty()
                    && !["IF", "NOT", "EXISTS", "ONLY"]
                        .iter()
                        .any(|k| w.eq_ignore_ascii_case(k))
            }) {
                names.push(name.to_string());
            }
        }
    }
    names.truncate(200);
    names
}

/// A statement from [`TEMPLATES`] about tables `data` names.
fn statement_about_tables(rng: &mut Rng, data: &[u8]) -> Option<String> {
    let names = table_names(data);
    if names.is_empty() {
        return None;
    }
    let x = &names[rng.below(names.len())];
    let y = &names[rng.below(names.len())];
    let template = TEMPLATES[rng.below(TEMPLATES.len())];
    Some(format!(
        "\n{}\n",
        template.replace("{x}", x).replace("{y}", y)
    ))
}

/// Inputs grow no larger than this.
const MAX_LEN: usize = 256 << 10;

/// One to four mutations of one file of `seed`, with bytes spliced from `other`.
pub fn mutate(rng: &mut Rng, seed: &Input, other: &Input) -> Input {
    let mut input = seed.clone();
    if input.is_empty() {
        input.push((PathBuf::from("empty.sql"), Vec::new()));
    }
    for _ in 0..1 + rng.below(4) {
        let which = rng.below(input.len());
        let donor = match other.len() {
            0 => &[][..],
            n => &other[rng.below(n)].1[..],
        };
        mutate_bytes(rng, &mut input[which].1, donor);
    }
    // Sometimes the migration tool changes (which decides the transaction).
    if rng.below(16) == 0 {
        let which = rng.below(input.len());
        let names = ["migration.sql", "up.sql", "V1__init.sql", "0001_init.sql"];
        input[which].0 = PathBuf::from(names[rng.below(names.len())]);
    }
    input
}

fn mutate_bytes(rng: &mut Rng, data: &mut Vec<u8>, donor: &[u8]) {
    let len = data.len();
    let at = rng.below(len + 1);
    let span = |rng: &mut Rng, from: usize| (from + rng.length(10)).min(len);
    match rng.below(14) {
        0 if len > 0 => {
            let end = span(rng, at);
            data.drain(at..end);
        }
        1 if len > 0 => {
            let end = span(rng, at);
            let copy = data[at..end].to_vec();
            let to = rng.below(len + 1);
            data.splice(to..to, copy);
        }
        2 if !donor.is_empty() => {
            let from = rng.below(donor.len());
            let end = (from + rng.length(12)).min(donor.len());
            data.splice(at..at, donor[from..end].iter().copied());
        }
        3 => {
            let fragment = FRAGMENTS[rng.below(FRAGMENTS.len())].as_bytes();
            data.splice(at..at, fragment.iter().copied());
        }
        4 => data.truncate(at),
        5 => {
            let expression = deep(rng);
            data.splice(at..at, expression.bytes());
        }
        6 if len > 0 => {
            let i = rng.below(len);
            data[i] = match rng.below(3) {
                0 => b"();'\"$*/-\\,.:"[rng.below(13)],
                1 => rng.next_u64() as u8,
                _ => data[i] ^ (1 << rng.below(8)),
            };
        }
        7 if len > 0 => {
            let end = span(rng, at);
            let fragment = FRAGMENTS[rng.below(FRAGMENTS.len())].as_bytes();
            data.splice(at..end, fragment.iter().copied());
        }
        8 => {
            let to = if rng.below(2) == 0 { 0 } else { at };
            data.splice(to..to, "\u{feff}".bytes());
        }
        9 if len > 0 => {
            // A statement repeated many times, or one made very long.
            let end = span(rng, at);
            let copy = data[at..end].to_vec();
            for _ in 0..rng.length(9) {
                if data.len() + copy.len() > MAX_LEN {
                    break;
                }
                data.splice(end..end, copy.iter().copied());
            }
        }
        10..=12 => {
            // A statement about the tables, at the end or between two statements.
            if let Some(statement) = statement_about_tables(rng, data) {
                let after = if rng.below(2) == 0 {
                    len
                } else {
                    data[..at]
                        .iter()
                        .rposition(|&b| b == b';')
                        .map_or(0, |i| i + 1)
                };
                data.splice(after..after, statement.bytes());
            }
        }
        _ => {
            let fragment = FRAGMENTS[rng.below(FRAGMENTS.len())].as_bytes();
            data.extend_from_slice(fragment);
        }
    }
    data.truncate(MAX_LEN);
}

/// Settings for fuzzing: every rule, default options.
pub fn all_rules() -> Settings {
    Settings {
        enable: dblint::rules::REGISTRY
            .iter()
            .map(|r| r.meta().id.to_string())
            .collect(),
        ..Settings::default()
    }
}

/// Lint `input` and render every report format, as `dblint lint` would.
pub fn lint_once(input: &Input, settings: &Settings) {
    let Ok((graded, loaded)) = lint_sources(input, settings) else {
        return; // a one-line error (an unknown rule in an ignore comment): fine
    };
    // Every other input is also rendered as a pull request's report: half the findings
    // on the base, the other half the change's.
    let scope = dblint::report::ChangeScope {
        base: "origin/main".to_string(),
        merge_base: "0123456789abcdef".to_string(),
        already_on_base: graded.findings.len() / 2,
        fixed: graded
            .findings
            .iter()
            .take(2)
            .map(|f| f.fingerprint())
            .collect(),
        base_score: Some(dblint::report::BaseScore {
            overall: graded.scorecard.overall,
            grade: graded.scorecard.grade,
        }),
    };
    let as_change = input.len() % 2 == 0;
    let listed = if as_change {
        &graded.findings[graded.findings.len() / 2..]
    } else {
        &graded.findings[..]
    };
    let report = dblint::report::Report {
        source: "fuzz".to_string(),
        scorecard: &graded.scorecard,
        findings: listed,
        diagnostics: &loaded.diagnostics,
        suppressed: graded.suppressed,
        stats: Some(&loaded.stats),
        baseline: None,
        review: None,
        hint: None,
        scope: as_change.then_some(&scope),
        writing_baseline: false,
        fail_on: settings.fail_on,
        min_grade: settings.min_grade,
        verbose: false,
        picture: None,
    };
    let rules: Vec<&'static str> = graded.findings.iter().map(|f| f.rule).collect();
    let mut json = Vec::new();
    dblint::report::json::write(&report, &mut json).expect("JSON to memory");
    serde_json::from_slice::<serde_json::Value>(&json).expect("the JSON report parses");
    let html = dblint::report::html::render(&report, None);
    assert_eq!(
        html.to_ascii_lowercase().matches("</script").count(),
        4,
        "a name closed a script element of the HTML report"
    );
    for diagnostic in &loaded.diagnostics {
        let line = diagnostic.to_string();
        assert!(!line.contains('\n'), "a diagnostic spans lines: {line:?}");
    }
    let _ = dblint::report::terminal::render(&report);
    let markdown = dblint::report::markdown::render(&report);
    assert!(
        markdown.len() <= dblint::report::markdown::MAX_BYTES,
        "the Markdown report is over GitHub's comment limit: {} bytes",
        markdown.len()
    );
    let _ = dblint::report::sarif::render(&report);
    let _ = dblint::report::github::render(&report);
    let _ = dblint::report::gitlab::render(&report);
    let _ = dblint::report::junit::render(&report, &rules);
}

/// A panic: where, what, and the input that raised it.
pub struct Crash {
    /// Which execution of the run (see [`input_at`]).
    pub execution: u64,
    pub location: String,
    pub message: String,
    pub input: Input,
}

pub struct Options {
    pub executions: u64,
    pub seed: u64,
    /// Skip this many inputs first (generated, not run): to resume a run after an
    /// input that aborted the process.
    pub start: u64,
    /// Called with each execution's number (counting from 0 at `seed`) before it runs.
    pub announce: Option<Box<dyn FnMut(u64)>>,
    /// An execution running longer than this is a hang.
    pub timeout: Duration,
    /// Where a hang's input is written before the process ends.
    pub hang_dir: PathBuf,
    /// Called every 1,000 executions with the count so far.
    pub progress: Option<Box<dyn Fn(u64, usize)>>,
}

pub struct Summary {
    pub executions: u64,
    pub elapsed: Duration,
    /// One per distinct panic location.
    pub crashes: Vec<Crash>,
    /// Panics in all, including repeats of a location.
    pub panics: u64,
}

/// The last panic's location and message, recorded by the hook `run` installs.
static LAST_PANIC: Mutex<Option<(String, String)>> = Mutex::new(None);

/// The next input: a mutation of a random seed.
fn next_input(rng: &mut Rng, seeds: &[Input]) -> Input {
    let seed = &seeds[rng.below(seeds.len())];
    let other = &seeds[rng.below(seeds.len())];
    mutate(rng, seed, other)
}

/// Input number `index` of a run from `seed`, regenerated without running anything.
pub fn input_at(root: &Path, seed: u64, index: u64) -> Input {
    let seeds = seeds(root);
    let mut rng = Rng::new(seed);
    for _ in 0..index {
        next_input(&mut rng, &seeds);
    }
    next_input(&mut rng, &seeds)
}

/// Run `options.executions` mutated inputs through `lint_once`.
pub fn run(root: &Path, mut options: Options) -> Summary {
    let seeds = seeds(root);
    assert!(!seeds.is_empty(), "no seeds under {}", root.display());
    let settings = all_rules();
    let mut rng = Rng::new(options.seed);
    let started = Instant::now();
    let current: Arc<Mutex<Input>> = Arc::default();
    let watchdog = Watchdog::start(options.timeout, current.clone(), options.hang_dir.clone());
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        *LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()) = Some((location, message));
    }));
    let mut crashes: Vec<Crash> = Vec::new();
    let mut panics = 0;
    for execution in 0..options.start + options.executions {
        let input = next_input(&mut rng, &seeds);
        if execution < options.start {
            continue;
        }
        if let Some(announce) = &mut options.announce {
            announce(execution);
        }
        *current.lock().unwrap_or_else(|e| e.into_inner()) = input.clone();
        watchdog.begin();
        let outcome = std::panic::catch_unwind(|| lint_once(&input, &settings));
        watchdog.end();
        if outcome.is_err() {
            panics += 1;
            let (location, message) = LAST_PANIC
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take()
                .unwrap_or_default();
            if !crashes.iter().any(|c| c.location == location) {
                crashes.push(Crash {
                    execution,
                    location,
                    message,
                    input,
                });
            }
        }
        if let Some(progress) = &options.progress {
            let done = execution + 1 - options.start;
            if done % 1000 == 0 {
                progress(done, crashes.len());
            }
        }
    }
    std::panic::set_hook(previous_hook);
    Summary {
        executions: options.executions,
        elapsed: started.elapsed(),
        crashes,
        panics,
    }
}

/// Whether `input` still panics at `location`.
pub fn panics_at(input: &Input, settings: &Settings, location: &str) -> bool {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        *LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()) = Some((location, String::new()));
    }));
    let panicked = std::panic::catch_unwind(|| lint_once(input, settings)).is_err();
    std::panic::set_hook(hook);
    let at = LAST_PANIC
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take()
        .map(|(l, _)| l);
    panicked && at.as_deref() == Some(location)
}

/// A smaller input that still panics at the same place: drop files, then cut chunks
/// of each file, halving the chunk size down to one byte.
pub fn minimise(crash: &Crash, settings: &Settings) -> Input {
    let mut input = crash.input.clone();
    let mut i = 0;
    while input.len() > 1 && i < input.len() {
        let mut fewer = input.clone();
        fewer.remove(i);
        if panics_at(&fewer, settings, &crash.location) {
            input = fewer;
        } else {
            i += 1;
        }
    }
    for file in 0..input.len() {
        let mut chunk = input[file].1.len().max(1);
        while chunk >= 1 {
            let mut at = 0;
            while at < input[file].1.len() {
                let mut shorter = input.clone();
                let end = (at + chunk).min(shorter[file].1.len());
                shorter[file].1.drain(at..end);
                if panics_at(&shorter, settings, &crash.location) {
                    input = shorter;
                } else {
                    at += chunk;
                }
            }
            if chunk == 1 {
                break;
            }
            chunk /= 2;
        }
    }
    input
}

/// Ends the process when an execution runs past the timeout, after writing its
/// input to `hang_dir`.
struct Watchdog {
    /// Milliseconds since `epoch` when the running execution began; 0 when idle.
    began: Arc<AtomicU64>,
    epoch: Instant,
}

impl Watchdog {
    fn start(timeout: Duration, current: Arc<Mutex<Input>>, hang_dir: PathBuf) -> Watchdog {
        let began = Arc::new(AtomicU64::new(0));
        let epoch = Instant::now();
        let watched = began.clone();
        std::thread::spawn(move || loop {
            std::thread::sleep(Duration::from_millis(200));
            let start = watched.load(Ordering::SeqCst);
            let now = epoch.elapsed().as_millis() as u64;
            if start != 0 && now.saturating_sub(start) > timeout.as_millis() as u64 {
                let input = current.lock().unwrap_or_else(|e| e.into_inner()).clone();
                let _ = std::fs::create_dir_all(&hang_dir);
                for (i, (name, bytes)) in input.iter().enumerate() {
                    let file = hang_dir.join(format!(
                        "{i:02}-{}",
                        name.display().to_string().replace('/', "_")
                    ));
                    let _ = std::fs::write(file, bytes);
                }
                eprintln!(
                    "hang: an execution ran for more than {:?}; its input is in {}",
                    timeout,
                    hang_dir.display()
                );
                std::process::exit(3);
            }
        });
        Watchdog { began, epoch }
    }

    fn begin(&self) {
        let now = self.epoch.elapsed().as_millis() as u64;
        self.began.store(now.max(1), Ordering::SeqCst);
    }

    fn end(&self) {
        self.began.store(0, Ordering::SeqCst);
    }
}
