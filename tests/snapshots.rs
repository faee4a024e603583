//! The scorecard of every sample database, as a user sees it and as CI reads it.
//! Review changes with `INSTA_UPDATE=always cargo test --test snapshots` and `git diff`.

mod common;
use common::dblint;

const SAMPLES: &[(&str, &str)] = &[
    ("benchwarmers", "sample-dbs/benchwarmers"),
    ("prodmatic", "sample-dbs/prodmatic"),
    ("helpdesk", "sample-dbs/helpdesk"),
    ("roofing", "sample-dbs/roofing/migrations"),
    ("kin2", "sample-dbs/kin2"),
];

#[test]
fn sample_scorecards() {
    for (name, path) in SAMPLES {
        let run = dblint(&["lint", path]);
        assert!(
            run.code == 0 || run.code == 1,
            "{name}: exit {} {}",
            run.code,
            run.stderr
        );
        assert!(
            run.stderr.is_empty(),
            "{name} replays cleanly: {}",
            run.stderr
        );
        insta::assert_snapshot!(format!("{name}_scorecard"), run.stdout);
    }
}

#[test]
fn sample_findings_json() {
    for (name, path) in SAMPLES {
        let run = dblint(&["lint", path, "--format", "json"]);
        let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        // The fingerprints and severities are the contract; messages and fixes are
        // covered by the scorecard snapshot.
        let summary: Vec<String> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{} {}",
                    f["severity"].as_str().unwrap(),
                    f["fingerprint"].as_str().unwrap()
                )
            })
            .collect();
        insta::assert_snapshot!(format!("{name}_fingerprints"), summary.join("\n"));
    }
}
