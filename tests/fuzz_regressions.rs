//! Inputs the fuzzer (`scripts/fuzz.sh`) once crashed dblint with, minimised: each
//! must now go through the whole `lint` pipeline (every report format, one-line
//! diagnostics) without a panic.

mod fuzzing;

use std::path::PathBuf;

#[test]
fn every_crash_the_fuzzer_found_stays_fixed() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let settings = fuzzing::all_rules();
    for file in files {
        let input = vec![(PathBuf::from("schema.sql"), std::fs::read(&file).unwrap())];
        let outcome = std::panic::catch_unwind(|| fuzzing::lint_once(&input, &settings));
        assert!(outcome.is_ok(), "{} panics", file.display());
    }
}
