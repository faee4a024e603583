//! Every output format, the JSON schema, `--output`, baselines, `init` and completions.

mod common;
use common::{dblint, dblint_in, temp_tree};

const SAMPLE: &str = "sample-dbs/benchwarmers";

#[test]
fn a_snapshot_per_format() {
    for format in ["json", "markdown", "sarif", "github", "gitlab", "junit"] {
        let run = dblint(&[
            "lint",
            SAMPLE,
            "--all-migrations",
            "--format",
            format,
            "--fail-on",
            "none",
        ]);
        assert_eq!(run.code, 0, "{format}: {}", run.stderr);
        let text = run.stdout.replace(env!("CARGO_PKG_VERSION"), "<version>");
        insta::assert_snapshot!(format!("format_{format}"), text);
    }
}

/// The structure GitHub code scanning requires of SARIF 2.1.0.
#[test]
fn sarif_has_the_structure_code_scanning_requires() {
    let run = dblint(&["lint", SAMPLE, "--all-migrations", "--format", "sarif"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    assert!(doc["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run0 = &doc["runs"][0];
    let driver = &run0["tool"]["driver"];
    assert_eq!(driver["name"], "dblint");
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), dblint::rules::REGISTRY.len());
    for rule in rules {
        assert!(rule["id"].is_string());
        assert!(rule["shortDescription"]["text"].is_string());
        assert!(rule["help"]["text"].as_str().unwrap().contains("## Fix"));
        assert!(["error", "warning", "note"]
            .contains(&rule["defaultConfiguration"]["level"].as_str().unwrap()));
    }
    let results = run0["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let id = r["ruleId"].as_str().unwrap();
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], id, "ruleIndex points at the rule");
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        assert!(r["message"]["text"].is_string());
        let loc = &r["locations"][0]["physicalLocation"];
        assert!(loc["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("schema.sql"));
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        let fp = r["partialFingerprints"]["dblint/v1"].as_str().unwrap();
        assert!(
            fp.starts_with(id) && !fp.contains("schema.sql"),
            "fingerprints never hold a file or line: {fp}"
        );
    }
}

#[test]
fn json_output_follows_its_schema() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(common::root().join("schema/dblint-report.schema.json")).unwrap(),
    )
    .unwrap();
    let run = dblint(&["lint", SAMPLE, "--all-migrations", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let required = |v: &serde_json::Value| -> Vec<String> {
        v["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    for key in required(&schema) {
        assert!(doc.get(&key).is_some(), "document lacks {key}");
    }
    for key in required(&schema["properties"]["findings"]["items"]) {
        assert!(
            doc["findings"][0].get(&key).is_some(),
            "finding lacks {key}"
        );
    }
    for key in required(&schema["properties"]["summary"]) {
        assert!(doc["summary"].get(&key).is_some(), "summary lacks {key}");
    }
    let grades: Vec<&str> = schema["$defs"]["grade"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g.as_str().unwrap())
        .collect();
    assert!(grades.contains(&doc["score"]["grade"].as_str().unwrap()));
    assert_eq!(
        doc["schema_version"],
        schema["properties"]["schema_version"]["const"]
    );
}

#[test]
fn output_file_and_terminal_together() {
    let dir = temp_tree(&[("schema.sql", "CREATE TABLE t (name varchar);\n")]);
    let run = dblint_in(
        dir.path(),
        &[
            "lint",
            "schema.sql",
            "--format",
            "sarif",
            "--output",
            "report.sarif",
        ],
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("Schema Quality Score"),
        "the human scorecard still goes to the terminal"
    );
    let file = std::fs::read_to_string(dir.path().join("report.sarif")).unwrap();
    assert!(serde_json::from_str::<serde_json::Value>(&file).unwrap()["version"] == "2.1.0");
    // An unwritable destination is a one-line error and leaves nothing behind.
    let bad = dblint_in(
        dir.path(),
        &[
            "lint",
            "schema.sql",
            "--format",
            "json",
            "--output",
            "no/such/dir/report.json",
        ],
    );
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("no/such/dir/report.json: cannot write"),
        "{}",
        bad.stderr
    );
}

#[test]
fn baseline_round_trip_gates_only_on_new_findings() {
    let legacy = "CREATE TABLE events (name text);\nCREATE TABLE users (id bigint PRIMARY KEY, name varchar);\n";
    let dir = temp_tree(&[("schema.sql", legacy)]);
    let wrote = dblint_in(
        dir.path(),
        &["lint", "schema.sql", "--write-baseline", "baseline.json"],
    );
    assert_eq!(
        wrote.code, 0,
        "writing a baseline exits 0: {}",
        wrote.stderr
    );
    let baseline = std::fs::read_to_string(dir.path().join("baseline.json")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&baseline).unwrap();
    let fps: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    let mut sorted = fps.clone();
    sorted.sort();
    assert_eq!(fps, sorted, "sorted, diff-friendly");
    assert!(
        !baseline.contains("schema.sql"),
        "no files or lines in a baseline"
    );

    let same = dblint_in(
        dir.path(),
        &[
            "lint",
            "schema.sql",
            "--baseline",
            "baseline.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(same.code, 0, "nothing new: {}", same.stdout);
    let doc: serde_json::Value = serde_json::from_str(&same.stdout).unwrap();
    assert_eq!(doc["findings"].as_array().unwrap().len(), 0);
    assert_eq!(
        doc["baseline"]["baselined"].as_u64().unwrap() as usize,
        fps.len()
    );

    // One defect fixed, a new one added: the gate fails on the new one only.
    std::fs::write(
        dir.path().join("schema.sql"),
        "CREATE TABLE events (id bigint PRIMARY KEY, name text);\nCREATE TABLE users (id bigint PRIMARY KEY, name varchar);\nCREATE TABLE audit (name text);\n",
    )
    .unwrap();
    let changed = dblint_in(
        dir.path(),
        &[
            "lint",
            "schema.sql",
            "--baseline",
            "baseline.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(changed.code, 1);
    let doc: serde_json::Value = serde_json::from_str(&changed.stdout).unwrap();
    let new: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(new, vec!["table-without-pk:public.audit"]);
    assert_eq!(
        doc["baseline"]["fixed"],
        serde_json::json!(["table-without-pk:public.events"])
    );
    let human = dblint_in(
        dir.path(),
        &["lint", "schema.sql", "--baseline", "baseline.json"],
    );
    assert!(human.stdout.contains("fixed since the baseline"));

    let broken = temp_tree(&[("schema.sql", legacy), ("b.json", "{\"nope\": 1}")]);
    let run = dblint_in(
        broken.path(),
        &["lint", "schema.sql", "--baseline", "b.json"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("b.json:1: not a dblint baseline"),
        "{}",
        run.stderr
    );
}

#[test]
fn init_writes_a_valid_commented_config() {
    let dir = temp_tree(&[]);
    let run = dblint_in(dir.path(), &["init"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let path = dir.path().join("dblint.toml");
    dblint::settings::Settings::from_file(&path).expect("the starter config is valid");
    // Every commented example is valid too once uncommented.
    let uncommented: String = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .map(|l| {
            l.strip_prefix("# ")
                .filter(|r| r.contains('=') || r.starts_with('['))
                .unwrap_or(l)
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&path, uncommented).unwrap();
    dblint::settings::Settings::from_file(&path).expect("the examples are valid");
    assert_eq!(
        dblint_in(dir.path(), &["init"]).code,
        2,
        "refuses to overwrite"
    );
    assert_eq!(dblint_in(dir.path(), &["init", "--force"]).code, 0);
}

#[test]
fn shell_completions() {
    for shell in ["bash", "zsh", "fish"] {
        let run = dblint(&["completions", shell]);
        assert_eq!(run.code, 0);
        assert!(
            run.stdout.contains("inspect") && run.stdout.contains("lint"),
            "{shell}"
        );
    }
}

#[test]
fn per_path_settings_are_validated() {
    let ok = temp_tree(&[
        (
            "dblint.toml",
            "[paths.\"prisma/migrations/**\"]\nassume_in_transaction = true\n",
        ),
        ("s.sql", "CREATE TABLE t (id bigint PRIMARY KEY);\n"),
    ]);
    assert_eq!(dblint_in(ok.path(), &["lint", "s.sql"]).code, 0);
    let bad = temp_tree(&[
        (
            "dblint.toml",
            "\n[paths.\"prisma/**\"]\nassume_in_tx = true\n",
        ),
        ("s.sql", "SELECT 1;\n"),
    ]);
    let run = dblint_in(bad.path(), &["lint", "s.sql"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("dblint.toml:3: unknown key `assume_in_tx`"),
        "{}",
        run.stderr
    );
}

#[test]
fn environment_layer_sits_between_file_and_flags() {
    let dir = temp_tree(&[
        ("dblint.toml", "fail_on = \"none\"\n"),
        ("s.sql", "CREATE TABLE t (name varchar);\n"),
    ]);
    let run = |env: Option<&str>, flag: Option<&str>| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_dblint"));
        cmd.current_dir(dir.path())
            .args(["lint", "s.sql"])
            .env_remove("DBLINT_FAIL_ON");
        if let Some(e) = env {
            cmd.env("DBLINT_FAIL_ON", e);
        }
        if let Some(f) = flag {
            cmd.args(["--fail-on", f]);
        }
        cmd.output().unwrap().status.code().unwrap()
    };
    assert_eq!(run(None, None), 0, "file: none");
    assert_eq!(run(Some("warning"), None), 1, "env overrides the file");
    assert_eq!(run(Some("warning"), Some("none")), 0, "flag overrides env");
}

/// JUnit fails the cases the gate fails (`--fail-on`), and only those.
#[test]
fn junit_honours_fail_on() {
    let dir = temp_tree(&[(
        "s.sql",
        "CREATE TABLE users (id bigint PRIMARY KEY, name varchar, at timestamp);\n",
    )]);
    let failures = |fail_on: &str| {
        let run = dblint_in(
            dir.path(),
            &["lint", "s.sql", "--format", "junit", "--fail-on", fail_on],
        );
        let head = run.stdout.lines().nth(1).unwrap().to_string();
        (run.code, head)
    };
    let (code, head) = failures("error");
    assert_eq!(code, 0);
    assert!(head.contains("failures=\"0\""), "{head}");
    let (code, head) = failures("warning");
    assert_eq!(code, 1);
    assert!(!head.contains("failures=\"0\""), "{head}");
}

/// One finding per id: no two findings share a fingerprint, so a baseline holds as
/// many findings as it covers (a migration with several statements on one table gave
/// lock-timeout-missing twice under one id).
#[test]
fn fingerprints_are_unique_and_baselines_count_right() {
    let run = dblint(&[
        "lint",
        "sample-dbs/roofing/migrations",
        "--all-migrations",
        "--format",
        "json",
        "--fail-on",
        "none",
    ]);
    let findings = common::pg::findings(&run.stdout);
    let prints: Vec<&str> = findings
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    let unique: std::collections::BTreeSet<&&str> = prints.iter().collect();
    assert_eq!(prints.len(), unique.len(), "two findings share an id");

    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base.json");
    let base = base.to_str().unwrap();
    let wrote = dblint(&[
        "lint",
        "sample-dbs/roofing/migrations",
        "--all-migrations",
        "--write-baseline",
        base,
    ]);
    // Writing a baseline judges no gate: exit 0, and the report does not say it fails.
    assert_eq!(wrote.code, 0, "{}", wrote.stderr);
    assert!(
        wrote.stdout.contains("gate not judged (--write-baseline)")
            && !wrote.stdout.contains("gate fails"),
        "{}",
        wrote.stdout
    );
    let written: usize = wrote
        .stderr
        .split_whitespace()
        .nth(2)
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{}", wrote.stderr));
    let gated = dblint(&[
        "lint",
        "sample-dbs/roofing/migrations",
        "--all-migrations",
        "--baseline",
        base,
    ]);
    assert!(
        gated.stdout.contains(&format!(
            "{written} baselined finding(s) not shown; 0 fixed"
        )),
        "{}",
        gated.stdout
    );
}

/// A PR comment cut at GitHub's size limit has no empty rule heading or severity
/// block: every heading shown lists at least one finding.
#[test]
fn markdown_truncation_leaves_no_empty_headings() {
    let mut sql = String::new();
    for i in 0..2500 {
        sql.push_str(&format!(
            "CREATE TABLE t{i} (name varchar, at timestamp, payload json);\n"
        ));
    }
    let dir = temp_tree(&[("s.sql", &sql)]);
    let run = dblint_in(
        dir.path(),
        &["lint", "s.sql", "--format", "markdown", "--fail-on", "none"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("more findings not shown"),
        "not truncated"
    );
    let lines: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert!(
        run.stdout.chars().count() < 65_536,
        "over GitHub's comment limit: {} characters",
        run.stdout.chars().count()
    );
    let severity_block = |l: &str| {
        l.starts_with("### ❌ Errors")
            || l.starts_with("### ⚠️ Warnings")
            || l.starts_with("<details><summary>ℹ️ Info")
    };
    for (i, line) in lines.iter().enumerate() {
        let next = lines.get(i + 1).copied().unwrap_or("");
        if line.starts_with("**`") {
            assert!(
                next.starts_with("- "),
                "empty rule heading {line:?} followed by {next:?}"
            );
        }
        if severity_block(line) {
            assert!(
                next.starts_with("**`"),
                "empty block {line:?} followed by {next:?}"
            );
        }
    }
}
