//! Reviewing a fix on the part of the model it can touch
//! (`source::sql::neighbourhood`) says what reviewing it on the whole model says: on every
//! sample, every rule fixture, and a generated schema whose every table references
//! one hub table (a fix naming the hub must not drag in, nor miss, what matters), and
//! the schemas and histories of `../shared/corpus`.

mod common;
use dblint::engine;
use dblint::source::sql::neighbourhood::Neighbourhoods;
use std::path::PathBuf;

/// The fixes of `files` whose review differs between the whole model and the
/// neighbourhood, and how many fixes were compared.
pub fn differing_reviews(files: &[PathBuf]) -> (Vec<String>, usize) {
    let Ok(loaded) = dblint::source::sql::load(files) else {
        return (Vec::new(), 0);
    };
    let db = &loaded.database;
    let plan = engine::plan(&dblint::settings::Settings::default()).unwrap();
    let reviewing = engine::fix_review_plan(&plan);
    let hoods = Neighbourhoods::new(db);
    let mut out = Vec::new();
    let mut compared = 0;
    for f in engine::run(db, &plan) {
        let Some(fix) = f.fix.as_deref() else {
            continue;
        };
        compared += 1;
        let whole = engine::review_fix(db, &reviewing, 15, fix);
        let part = engine::review_fix(&hoods.around(fix), &reviewing, 15, fix);
        if whole != part {
            out.push(format!(
                "{}: whole model {whole:?}, neighbourhood {part:?}\n{fix}",
                f.fingerprint()
            ));
        }
    }
    (out, compared)
}

#[test]
fn a_fix_is_reviewed_alike_on_its_neighbourhood_and_on_the_whole_model() {
    let root = common::root();
    let mut inputs: Vec<(String, Vec<PathBuf>)> = Vec::new();
    for dir in std::fs::read_dir(root.join("sample-dbs")).unwrap() {
        let dir = dir.unwrap().path();
        if dir.is_dir() {
            inputs.push((dir.display().to_string(), vec![dir]));
        }
    }
    for dir in std::fs::read_dir(root.join("tests/fixtures/rules")).unwrap() {
        let dir = dir.unwrap().path();
        for kind in ["fire.sql", "silent.sql"] {
            inputs.push((dir.join(kind).display().to_string(), vec![dir.join(kind)]));
        }
    }
    // A hub every table references, with cascades, soft delete and a partitioned child.
    let scratch = tempfile::tempdir().unwrap();
    let hub = scratch.path().join("hub.sql");
    let mut sql = String::from(
        "CREATE TABLE hub (id bigint PRIMARY KEY, name varchar, deleted_at timestamptz);\n\
         CREATE TABLE parted (id bigint, hub_id bigint REFERENCES hub ON DELETE CASCADE, at timestamp) PARTITION BY RANGE (at);\n\
         CREATE TABLE parted_1 PARTITION OF parted FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n",
    );
    for i in 0..40 {
        sql.push_str(&format!(
            "CREATE TABLE t{i} (id bigint PRIMARY KEY, hub_id bigint NOT NULL REFERENCES hub ON DELETE CASCADE, at timestamp, code varchar UNIQUE);\n"
        ));
    }
    std::fs::write(&hub, sql).unwrap();
    inputs.push(("generated hub".into(), vec![hub]));
    let mut problems = Vec::new();
    let mut total = 0;
    for (name, files) in inputs {
        let (differ, compared) = differing_reviews(&files);
        total += compared;
        problems.extend(differ.into_iter().map(|d| format!("{name}: {d}")));
    }
    assert!(total > 300, "only {total} fixes compared");
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// `engine::review_fixes` shares fixes out among threads once there are enough of
/// them: each fix must still get the notes its own review gives, on the whole model.
#[test]
fn fixes_reviewed_on_several_threads_get_their_own_notes() {
    let scratch = tempfile::tempdir().unwrap();
    let file = scratch.path().join("many.sql");
    let mut sql =
        String::from("CREATE TABLE hub (id bigint PRIMARY KEY, deleted_at timestamptz);\n");
    for i in 0..150 {
        // Fixes that rewrite the table (integer → bigint, timestamp(3) → with time
        // zone) beside fixes without notes, naming a different table each.
        sql.push_str(&format!(
            "CREATE TABLE t{i} (id serial PRIMARY KEY, hub_id bigint NOT NULL REFERENCES hub ON DELETE CASCADE, other_id integer REFERENCES hub, at timestamp(3), code varchar);\n"
        ));
    }
    std::fs::write(&file, sql).unwrap();
    let loaded = dblint::source::sql::load(&[file]).unwrap();
    let db = &loaded.database;
    let plan = engine::plan(&dblint::settings::Settings::default()).unwrap();
    let reviewing = engine::fix_review_plan(&plan);
    let mut findings = engine::run(db, &plan);
    let originals: Vec<Option<String>> = findings.iter().map(|f| f.fix.clone()).collect();
    let fixes = originals.iter().flatten().count();
    assert!(
        fixes >= 4 * 64,
        "only {fixes} fixes: too few for several threads"
    );
    engine::review_fixes(db, &plan, 15, &mut findings);
    let mut annotated = 0;
    for (finding, original) in findings.iter().zip(&originals) {
        let Some(original) = original else {
            assert!(finding.fix.is_none());
            continue;
        };
        let notes = engine::review_fix(db, &reviewing, 15, original);
        // What `review_fixes` writes: each note as a `-- review:` line above its line.
        let mut expected = Vec::new();
        for (i, line) in original.lines().enumerate() {
            for (_, note) in notes.iter().filter(|(l, _)| *l as usize == i + 1) {
                expected.push(format!("-- review: {note}"));
            }
            expected.push(line.to_string());
        }
        let fix = finding.fix.as_deref().unwrap();
        assert_eq!(fix, expected.join("\n"), "{}", finding.fingerprint());
        annotated += usize::from(!notes.is_empty());
    }
    assert!(annotated > 100, "only {annotated} fixes have notes");
}

/// The same on the real schemas and migration histories of `../shared/corpus`.
#[test]
fn a_fix_is_reviewed_alike_on_its_neighbourhood_and_on_the_whole_model_on_the_corpus() {
    let corpus = common::corpus::corpus();
    let mut problems = Vec::new();
    let mut total = 0;
    for set in common::corpus::SETS {
        let files: Vec<PathBuf> = set.inputs.iter().map(|f| corpus.join(f)).collect();
        assert!(
            files.iter().all(|f| f.exists()),
            "corpus missing: {files:?}"
        );
        let (differ, compared) = differing_reviews(&files);
        assert!(compared > 0, "{}: no fix compared", set.name);
        total += compared;
        problems.extend(differ.into_iter().map(|d| format!("{}: {d}", set.name)));
    }
    assert!(total > 1000, "only {total} fixes compared");
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
