//! The findings on real schemas, reviewed. Each schema set of `../shared/corpus` is
//! linted as a user would lint it (`--all-migrations --no-config --format json`), and
//! its findings (object, severity; one line each, sorted) are a snapshot per set,
//! `tests/snapshots/corpus_review__<set>.snap` (`INSTA_UPDATE=always cargo test --test
//! corpus_review` rewrites them; read the diff). Every finding must be judged by an
//! entry of `tests/corpus/verdicts.toml` (true or false positive, and why), and every
//! entry must judge at least one finding, so the verdicts stay in step with the
//! snapshots. The README's precision table is computed from both
//! (`DBLINT_UPDATE_DOCS=1` rewrites it).

use dblint::finding::Severity;
use globset::{Glob, GlobMatcher};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One reviewed unit: a name and the inputs, as its project applies them.
struct Set {
    name: &'static str,
    inputs: &'static [&'static str],
}

/// The sets, relative to the corpus. Pagila's jsonb variant repeats its schema; Synapse
/// is graded as a new installation builds it (the full schemas of version 72, the
/// deltas before them being history), MusicBrainz in psql's order (admin/InitDb.pl).
const SETS: &[Set] = &[
    Set {
        name: "gisia",
        inputs: &["gitlab-derived-gisia/structure.sql"],
    },
    Set {
        name: "lago",
        inputs: &["rails-structure/lago-structure.sql"],
    },
    Set {
        name: "pagila",
        inputs: &["pagila/pagila-schema.sql"],
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
    },
    Set {
        name: "documenso",
        inputs: &["prisma-documenso"],
    },
    Set {
        name: "lemmy",
        inputs: &["diesel-lemmy"],
    },
    Set {
        name: "hawkbit-pre-baseline",
        inputs: &["flyway-hawkbit/pre-baseline"],
    },
    Set {
        name: "hawkbit-current",
        inputs: &["flyway-hawkbit/current"],
    },
    Set {
        name: "synapse",
        inputs: &[
            "synapse/common/full_schemas/72/full.sql.postgres",
            "synapse/main/full_schemas/72/full.sql.postgres",
            "synapse/state/full_schemas/72/full.sql.postgres",
        ],
    },
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VerdictFile {
    verdict: Vec<Verdict>,
}

/// A judgement on the findings of one rule: in the sets and on the objects its globs
/// match (all, when absent). A later entry overrides an earlier one, so exceptions
/// follow the general verdict they refine.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Verdict {
    rule: String,
    #[serde(default)]
    set: Option<String>,
    #[serde(default)]
    object: Option<String>,
    verdict: Judgement,
    why: String,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "kebab-case")]
enum Judgement {
    TruePositive,
    FalsePositive,
}

struct Matcher {
    set: Option<GlobMatcher>,
    object: Option<GlobMatcher>,
}

fn glob(pattern: &Option<String>) -> Option<GlobMatcher> {
    pattern.as_ref().map(|p| {
        Glob::new(p)
            .unwrap_or_else(|e| panic!("verdicts.toml: bad glob `{p}`: {e}"))
            .compile_matcher()
    })
}

/// One finding as the snapshot records it.
#[derive(Clone)]
struct Finding {
    rule: String,
    object: String,
    severity: String,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn corpus() -> Option<PathBuf> {
    let corpus = root().join("../shared/corpus");
    assert!(
        corpus.is_dir() || std::env::var_os("CI").is_none(),
        "CI must run with shared/corpus beside the repository"
    );
    corpus.is_dir().then_some(corpus)
}

fn lint(corpus: &Path, set: &Set) -> Vec<Finding> {
    let out = Command::new(env!("CARGO_BIN_EXE_dblint"))
        .arg("lint")
        .args(set.inputs.iter().map(|i| corpus.join(i)))
        .args([
            "--all-migrations",
            "--no-config",
            "--format",
            "json",
            "--fail-on",
            "none",
        ])
        .current_dir(corpus)
        .env("NO_COLOR", "1")
        .env_remove("DBLINT_CONFIG")
        .env_remove("DBLINT_FAIL_ON")
        .env_remove("DBLINT_MIN_GRADE")
        .output()
        .expect("run dblint");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}: {}",
        set.name,
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut findings: Vec<Finding> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let rule = f["rule"].as_str().unwrap().to_string();
            let fingerprint = f["fingerprint"].as_str().unwrap();
            let object = fingerprint
                .strip_prefix(&format!("{rule}:"))
                .unwrap_or(fingerprint)
                .to_string();
            Finding {
                rule,
                object,
                severity: f["severity"].as_str().unwrap().to_string(),
            }
        })
        .collect();
    findings.sort_by(|a, b| (&a.rule, &a.object).cmp(&(&b.rule, &b.object)));
    findings
}

fn render(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        out.push_str(&format!("{} {} [{}]\n", f.rule, f.object, f.severity));
    }
    out
}

fn verdicts() -> (Vec<Verdict>, Vec<Matcher>) {
    let path = root().join("tests/corpus/verdicts.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let file: VerdictFile =
        toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let matchers = file
        .verdict
        .iter()
        .map(|v| {
            assert!(
                !v.why.trim().is_empty(),
                "{}: a verdict needs a why",
                v.rule
            );
            if let Some(set) = &v.set {
                assert!(
                    SETS.iter()
                        .any(|s| glob(&Some(set.clone())).unwrap().is_match(s.name)),
                    "verdicts.toml: set `{set}` names no set"
                );
            }
            Matcher {
                set: glob(&v.set),
                object: glob(&v.object),
            }
        })
        .collect();
    (file.verdict, matchers)
}

/// The index of the entry that judges `finding` of `set`: the last that matches.
fn judge(verdicts: &[Verdict], matchers: &[Matcher], set: &str, f: &Finding) -> Option<usize> {
    verdicts
        .iter()
        .zip(matchers)
        .enumerate()
        .rev()
        .find(|(_, (v, m))| {
            v.rule == f.rule
                && m.set.as_ref().is_none_or(|g| g.is_match(set))
                && m.object.as_ref().is_none_or(|g| g.is_match(&f.object))
        })
        .map(|(i, _)| i)
}

const BEGIN: &str = "<!-- generated: corpus precision (tests/corpus_review.rs; DBLINT_UPDATE_DOCS=1 cargo test --test corpus_review rewrites it) -->\n";
const END: &str = "<!-- end of generated corpus precision -->";

/// Per rule: findings judged true, all findings, and the sets they came from.
fn precision_table(counts: &BTreeMap<String, (usize, usize)>) -> String {
    let mut out =
        String::from("| rule | findings | true | false | precision |\n|---|---:|---:|---:|---:|\n");
    let (mut all_true, mut all) = (0, 0);
    for (rule, (truly, total)) in counts {
        all_true += truly;
        all += total;
        out.push_str(&format!(
            "| `{rule}` | {total} | {truly} | {} | {} |\n",
            total - truly,
            percent(*truly, *total)
        ));
    }
    out.push_str(&format!(
        "| all rules | {all} | {all_true} | {} | {} |\n",
        all - all_true,
        percent(all_true, all)
    ));
    out
}

fn percent(part: usize, whole: usize) -> String {
    let p = (1000 * part + whole / 2) / whole;
    format!("{}.{} %", p / 10, p % 10)
}

#[test]
fn every_corpus_finding_is_reviewed() {
    let Some(corpus) = corpus() else {
        eprintln!("../shared/corpus is absent: the corpus review is skipped outside CI");
        return;
    };
    let (verdicts, matchers) = verdicts();
    let mut used = vec![false; verdicts.len()];
    let mut unjudged = Vec::new();
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for set in SETS {
        let findings = lint(&corpus, set);
        assert!(!findings.is_empty(), "{}: no findings", set.name);
        insta::assert_snapshot!(set.name, render(&findings));
        for f in &findings {
            match judge(&verdicts, &matchers, set.name, f) {
                Some(i) => {
                    used[i] = true;
                    let entry = counts.entry(f.rule.clone()).or_default();
                    entry.1 += 1;
                    if verdicts[i].verdict == Judgement::TruePositive {
                        entry.0 += 1;
                    }
                }
                None => unjudged.push(format!("{}: {} {}", set.name, f.rule, f.object)),
            }
        }
    }
    assert!(
        unjudged.is_empty(),
        "{} findings have no verdict in tests/corpus/verdicts.toml:\n{}",
        unjudged.len(),
        unjudged.join("\n")
    );
    let stale: Vec<String> = verdicts
        .iter()
        .zip(&used)
        .filter(|(_, used)| !**used)
        .map(|(v, _)| {
            format!(
                "{} set={} object={}",
                v.rule,
                v.set.as_deref().unwrap_or("*"),
                v.object.as_deref().unwrap_or("*")
            )
        })
        .collect();
    assert!(
        stale.is_empty(),
        "verdicts that judge no finding (remove them or fix the glob):\n{}",
        stale.join("\n")
    );

    // Severity by evidence: a rule whose measured precision is below 95 % does not
    // ship at `error` (README, "Severity by evidence").
    let imprecise_errors: Vec<String> = counts
        .iter()
        .filter(|(_, (truths, all))| *truths * 100 < *all * 95)
        .filter(|(rule, _)| {
            dblint::packs::pack_of(rule).is_some_and(|(_, r)| r.severity == Severity::Error)
        })
        .map(|(rule, (truths, all))| format!("{rule}: {}", percent(*truths, *all)))
        .collect();
    assert!(
        imprecise_errors.is_empty(),
        "rules below 95 % precision on the corpus ship at error: {imprecise_errors:?}"
    );

    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = readme
        .find(BEGIN)
        .expect("README lacks the corpus-precision marker")
        + BEGIN.len();
    let end = readme[start..]
        .find(END)
        .expect("README lacks the corpus-precision end marker")
        + start;
    let fresh = precision_table(&counts);
    if readme[start..end] != fresh {
        if std::env::var_os("DBLINT_UPDATE_DOCS").is_some() {
            std::fs::write(
                &path,
                format!("{}{}{}", &readme[..start], fresh, &readme[end..]),
            )
            .unwrap();
        } else {
            panic!(
                "README.md's corpus precision table is stale; run `DBLINT_UPDATE_DOCS=1 cargo test --test corpus_review`\n--- README\n{}\n--- computed\n{}",
                &readme[start..end],
                fresh
            );
        }
    }
}
