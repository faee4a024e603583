//! `scripts/new-rule` creates a rule and registers it everywhere it must be, so that
//! only the rule's own files remain to be written. Run on a copy of the repository's
//! sources; the result is checked file by file (tests/rule_fixtures.rs and
//! tests/docs.rs then hold the new rule to the same standard as the others).

mod common;
use common::root;
use std::path::Path;
use std::process::Command;

fn run(copy: &Path, args: &[&str]) -> std::process::Output {
    Command::new("bash")
        .arg(root().join("scripts/new-rule"))
        .args(args)
        .env("DBLINT_ROOT", copy)
        .env("NEW_RULE_NO_BUILD", "1")
        .output()
        .unwrap()
}

#[test]
fn new_rule_creates_and_registers_everything() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path();
    for sub in ["src", "rules", "tests/fixtures"] {
        common::copy_tree(&root().join(sub), &copy.join(sub));
    }
    let before_mod = std::fs::read_to_string(copy.join("src/rules/naming/mod.rs")).unwrap();
    let out = run(
        copy,
        &["naming", "snake-case-please", "--evidence", "convention"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let rule = std::fs::read_to_string(copy.join("src/rules/naming/snake_case_please.rs")).unwrap();
    assert!(rule.contains("SnakeCasePlease { id: \"snake-case-please\""));
    assert!(rule.contains("## What it does") && rule.contains("## Fix"));
    for kind in ["fire", "silent"] {
        assert!(copy
            .join(format!("tests/fixtures/rules/snake-case-please/{kind}.sql"))
            .is_file());
    }
    let module = std::fs::read_to_string(copy.join("src/rules/naming/mod.rs")).unwrap();
    assert_eq!(
        module,
        format!("{}pub mod snake_case_please;\n", before_mod),
        "the module is added in order"
    );
    let registry = std::fs::read_to_string(copy.join("src/rules/mod.rs")).unwrap();
    assert!(registry.contains(
        "    &naming::mixed_case_identifier::MixedCaseIdentifier,\n    &naming::snake_case_please::SnakeCasePlease,\n"
    ));
    let pack = std::fs::read_to_string(copy.join("rules/naming.toml")).unwrap();
    assert!(pack.contains("[rules.snake-case-please]\nseverity = \"warning\""));

    // A migration rule gets a migration skeleton and fixtures.
    let out = run(
        copy,
        &[
            "migration-safety",
            "drop-column-hazard",
            "--evidence",
            "behaviour",
            "--kind",
            "migration",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rule =
        std::fs::read_to_string(copy.join("src/rules/migration/drop_column_hazard.rs")).unwrap();
    assert!(rule.contains("kind: Migration") && rule.contains("fn check_statement"));
    let fire =
        std::fs::read_to_string(copy.join("tests/fixtures/rules/drop-column-hazard/fire.sql"))
            .unwrap();
    assert!(fire.starts_with("-- migration: "));
    let module = std::fs::read_to_string(copy.join("src/rules/migration/mod.rs")).unwrap();
    assert!(module.starts_with("//!"), "the module's docs stay first");
    assert!(module.contains("pub mod domain_constraint_scan;\npub mod drop_column_hazard;\npub mod drop_index_not_concurrently;"));
}

#[test]
fn new_rule_refuses_bad_names_and_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path();
    for sub in ["src", "rules", "tests/fixtures"] {
        common::copy_tree(&root().join(sub), &copy.join(sub));
    }
    for (args, says) in [
        (
            &["nope", "x-y", "--evidence", "names"][..],
            "--evidence behaviour",
        ),
        (
            &["nope", "x-y", "--evidence", "structure"][..],
            "no pack `nope`",
        ),
        (
            &["naming", "Bad_Name", "--evidence", "structure"][..],
            "not a kebab-case id",
        ),
        (
            &["naming", "mixed-case-identifier", "--evidence", "structure"][..],
            "already exists",
        ),
    ] {
        let out = run(copy, args);
        assert_eq!(out.status.code(), Some(2));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(says),
            "{args:?}"
        );
    }
}
