//! The README's generated sections match what the registry and packs say. Run with
//! `DBLINT_UPDATE_DOCS=1` to rewrite them (then review the diff).

use std::path::PathBuf;

const BEGIN: &str = "<!-- generated: rule table (src/docs.rs; DBLINT_UPDATE_DOCS=1 cargo test --test docs rewrites it) -->\n";
const END: &str = "<!-- end of generated rule table -->";

#[test]
fn the_readme_rule_table_is_fresh() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = readme
        .find(BEGIN)
        .expect("README lacks the rule-table marker")
        + BEGIN.len();
    let end = readme[start..]
        .find(END)
        .expect("README lacks the end marker")
        + start;
    let fresh = dblint::docs::rule_table();
    if readme[start..end] != fresh {
        if std::env::var_os("DBLINT_UPDATE_DOCS").is_some() {
            let updated = format!("{}{}{}", &readme[..start], fresh, &readme[end..]);
            std::fs::write(&path, updated).unwrap();
        } else {
            panic!(
                "README.md's rule table is stale; run `DBLINT_UPDATE_DOCS=1 cargo test --test docs`\n--- README\n{}\n--- registry\n{}",
                &readme[start..end],
                fresh
            );
        }
    }
}

#[test]
fn every_rule_and_pack_appears_in_the_generated_text() {
    let table = dblint::docs::rule_table();
    for rule in dblint::rules::REGISTRY {
        assert!(table.contains(&format!("`{}`", rule.meta().id)));
    }
    let starter = dblint::docs::init_starter();
    let scoring = dblint::docs::scoring()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for pack in dblint::packs::packs() {
        assert!(
            starter.contains(&pack.name),
            "init lacks pack {}",
            pack.name
        );
        if pack.weight > 0 {
            assert!(
                scoring.contains(&format!("{} {}", pack.category, pack.weight)),
                "scoring lacks {}",
                pack.category
            );
        }
    }
    // The starter is valid configuration.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dblint.toml");
    std::fs::write(&path, &starter).unwrap();
    dblint::settings::Settings::from_file(&path).unwrap();
}

/// Severity by evidence: a rule that judges by names and conventions is a warning at
/// most by default, so it never fails the default gate (`--fail-on error`).
#[test]
fn convention_rules_never_fail_the_default_gate() {
    use dblint::finding::Severity;
    use dblint::rules::Evidence;
    for rule in dblint::rules::REGISTRY {
        let meta = rule.meta();
        let (_, pack_rule) = dblint::packs::pack_of(meta.id).expect("every rule is in a pack");
        if meta.evidence == Evidence::Convention {
            assert!(
                pack_rule.severity <= Severity::Warning,
                "{} judges by names but ships at {}",
                meta.id,
                pack_rule.severity
            );
        }
    }
    // And the default gate is `error`: a convention finding never fails it.
    let settings = dblint::settings::Settings::default();
    assert_eq!(settings.fail_on, Some(Severity::Error));
}
