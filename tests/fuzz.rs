//! A bounded run of the mutation fuzzer (tests/fuzzing/mod.rs; the long runs are
//! `scripts/fuzz.sh`): 2,000 mutated inputs from a fixed seed must lint without a
//! panic.

mod fuzzing;

use std::path::PathBuf;
use std::time::Duration;

#[test]
fn two_thousand_mutated_inputs_lint_without_a_panic() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let summary = fuzzing::run(
        &root,
        fuzzing::Options {
            executions: 2000,
            seed: 20_240_601,
            start: 0,
            announce: None,
            timeout: Duration::from_secs(120),
            hang_dir: root.join("target/fuzz/hang"),
            progress: None,
        },
    );
    let crashes: Vec<String> = summary
        .crashes
        .iter()
        .map(|c| {
            let files: Vec<String> = c
                .input
                .iter()
                .map(|(name, bytes)| {
                    format!("{}: {:?}", name.display(), String::from_utf8_lossy(bytes))
                })
                .collect();
            format!("{} at {}\n{}", c.message, c.location, files.join("\n"))
        })
        .collect();
    assert!(crashes.is_empty(), "{}", crashes.join("\n\n"));
    assert_eq!(summary.executions, 2000);
}
