//! The findings on real schemas, reviewed. Each schema set of `../shared/corpus` is
//! linted as a user would lint it (`--all-migrations --no-config --format json`, for
//! PostgreSQL 18), and its findings (object, severity; one line each, sorted) are a
//! snapshot per set, `tests/snapshots/corpus_review__<set>.snap` (`INSTA_UPDATE=always
//! cargo test --test corpus_review` rewrites them; read the diff).
//!
//! Every finding must be judged by an entry of `tests/corpus/verdicts.toml` (true or
//! false positive, and why), and every entry must judge at least one finding. An entry
//! judges either the findings it lists, read one by one, or the findings for which
//! the facts it names hold on PostgreSQL (`evidence`, tests/corpus_review/evidence.rs):
//! each set is applied to a database of a temporary PostgreSQL 18 cluster (from
//! scripts/pg-versions.sh) as its tool sends it, and its migration histories traced
//! there with `dblint trace`; a check reads that catalog, or what the server did at the
//! finding's statement. No entry judges a rule's findings wholesale. The README's
//! precision table is computed from the verdicts (`DBLINT_UPDATE_DOCS=1` rewrites it).

mod common;
#[path = "corpus_review/evidence.rs"]
mod evidence;

use common::corpus::{Set, SETS};
use dblint::finding::Severity;
use globset::{Glob, GlobMatcher};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The server the findings are checked on, and the version they are linted for: the
/// newest, which runs every set (lemmy's history needs 16, pagila 18).
const REVIEW_MAJOR: u32 = 18;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VerdictFile {
    verdict: Vec<Verdict>,
}

/// A judgement on findings of one rule, in the sets its `set` glob matches (all when
/// absent): either the findings it lists (their objects, exactly), read one by one,
/// or every finding for which the facts its `evidence` names hold on PostgreSQL
/// ([`evidence::CHECKS`]).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Verdict {
    rule: String,
    #[serde(default)]
    set: Option<String>,
    #[serde(default)]
    findings: Option<Vec<String>>,
    #[serde(default)]
    evidence: Option<Vec<String>>,
    verdict: Judgement,
    why: String,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "kebab-case")]
enum Judgement {
    TruePositive,
    FalsePositive,
}

fn glob(pattern: &Option<String>) -> Option<GlobMatcher> {
    pattern.as_ref().map(|p| {
        Glob::new(p)
            .unwrap_or_else(|e| panic!("verdicts.toml: bad glob `{p}`: {e}"))
            .compile_matcher()
    })
}

/// One finding of a set's JSON report.
#[derive(Clone)]
pub struct Finding {
    pub rule: String,
    /// The fingerprint without its `<rule>:` prefix.
    pub object: String,
    pub severity: String,
    /// `schema.relation`.
    pub table: Option<String>,
    pub columns: Vec<String>,
    pub message: String,
    /// (file, line) as dblint printed them.
    pub location: Option<(String, u64)>,
    /// A migration finding's claim about its statement.
    pub claim: Option<serde_json::Value>,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
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
            "--pg-version",
            &REVIEW_MAJOR.to_string(),
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
                table: f["table"].as_str().map(String::from),
                columns: f["columns"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|c| c.as_str().map(String::from))
                    .collect(),
                message: f["message"].as_str().unwrap_or("").to_string(),
                location: f["location"]["file"].as_str().map(|file| {
                    (
                        file.to_string(),
                        f["location"]["line"].as_u64().unwrap_or(0),
                    )
                }),
                claim: Some(f["claim"].clone()).filter(|c| !c.is_null()),
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

fn verdicts() -> (Vec<Verdict>, Vec<Option<GlobMatcher>>) {
    let path = root().join("tests/corpus/verdicts.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let file: VerdictFile =
        toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut listed = BTreeSet::new();
    for v in &file.verdict {
        let what = format!("verdicts.toml: {} ({})", v.rule, v.why);
        assert!(!v.why.trim().is_empty(), "{what}: a verdict needs a why");
        match (&v.findings, &v.evidence) {
            (Some(list), None) => {
                let set = v.set.as_deref().unwrap_or("");
                assert!(
                    SETS.iter().any(|s| s.name == set),
                    "{what}: a list of findings names its one set exactly"
                );
                assert!(!list.is_empty(), "{what}: an empty list");
                for object in list {
                    assert!(
                        listed.insert((set.to_string(), v.rule.clone(), object.clone())),
                        "{what}: {set} {object} is listed twice"
                    );
                }
            }
            (None, Some(checks)) => {
                assert!(!checks.is_empty(), "{what}: no evidence named");
                for c in checks {
                    assert!(evidence::known(c), "{what}: no evidence check `{c}`");
                }
            }
            _ => panic!("{what}: give `findings` (read one by one) or `evidence` (checked on PostgreSQL), not both, not neither"),
        }
        if let Some(set) = &v.set {
            assert!(
                SETS.iter()
                    .any(|s| glob(&Some(set.clone())).unwrap().is_match(s.name)),
                "verdicts.toml: set `{set}` names no set"
            );
        }
    }
    let matchers = file.verdict.iter().map(|v| glob(&v.set)).collect();
    (file.verdict, matchers)
}

/// How a finding was judged: the entry, and whether by its list.
struct Judged {
    entry: usize,
    read: bool,
}

/// The entry that judges `f` of `set`: the one that lists it, else the first whose
/// evidence holds; else why none does.
fn judge(
    verdicts: &[Verdict],
    matchers: &[Option<GlobMatcher>],
    set: &str,
    f: &Finding,
    ev: &mut evidence::SetEvidence,
) -> Result<Judged, String> {
    let applies = |(v, m): &(&Verdict, &Option<GlobMatcher>)| {
        v.rule == f.rule && m.as_ref().is_none_or(|g| g.is_match(set))
    };
    if let Some((i, _)) = verdicts
        .iter()
        .zip(matchers)
        .enumerate()
        .filter(|(_, vm)| applies(vm))
        .find(|(_, (v, _))| v.findings.as_ref().is_some_and(|l| l.contains(&f.object)))
    {
        return Ok(Judged {
            entry: i,
            read: true,
        });
    }
    let mut failures = Vec::new();
    for (i, (v, _)) in verdicts
        .iter()
        .zip(matchers)
        .enumerate()
        .filter(|(_, vm)| applies(vm))
    {
        let Some(checks) = &v.evidence else { continue };
        match checks
            .iter()
            .map(|c| evidence::check(c, f, ev).map_err(|e| format!("{c}: {e}")))
            .collect::<Result<Vec<()>, String>>()
        {
            Ok(_) => {
                return Ok(Judged {
                    entry: i,
                    read: false,
                })
            }
            Err(e) => failures.push(e),
        }
    }
    Err(if failures.is_empty() {
        "no entry lists it".to_string()
    } else {
        format!(
            "no entry lists it, and the evidence does not hold ({})",
            failures.join("; ")
        )
    })
}

const BEGIN: &str = "<!-- generated: corpus precision (tests/corpus_review.rs; DBLINT_UPDATE_DOCS=1 cargo test --test corpus_review rewrites it) -->\n";
const END: &str = "<!-- end of generated corpus precision -->";

/// Per rule: findings, judged true, and how many were judged by evidence checked on
/// PostgreSQL (the rest were read one by one).
#[derive(Default)]
struct Count {
    all: usize,
    truly: usize,
    by_evidence: usize,
}

fn precision_table(counts: &BTreeMap<String, Count>) -> String {
    let mut out = String::from(
        "| rule | findings | true | false | precision | judged by evidence on PostgreSQL | read one by one |\n|---|---:|---:|---:|---:|---:|---:|\n",
    );
    let mut total = Count::default();
    for (rule, c) in counts {
        total.all += c.all;
        total.truly += c.truly;
        total.by_evidence += c.by_evidence;
        out.push_str(&format!(
            "| `{rule}` | {} | {} | {} | {} | {} | {} |\n",
            c.all,
            c.truly,
            c.all - c.truly,
            percent(c.truly, c.all),
            c.by_evidence,
            c.all - c.by_evidence
        ));
    }
    out.push_str(&format!(
        "| all rules | {} | {} | {} | {} | {} | {} |\n",
        total.all,
        total.truly,
        total.all - total.truly,
        percent(total.truly, total.all),
        total.by_evidence,
        total.all - total.by_evidence
    ));
    out
}

fn percent(part: usize, whole: usize) -> String {
    let p = (1000 * part + whole / 2) / whole;
    format!("{}.{} %", p / 10, p % 10)
}

/// A temporary PostgreSQL cluster of [`REVIEW_MAJOR`]: the build scripts/pg-versions.sh
/// fetches (and caches), or DBLINT_REVIEW_PG_BIN's.
fn review_server() -> dblint::trace::server::Scratch {
    let dir = match std::env::var_os("DBLINT_REVIEW_PG_BIN") {
        Some(dir) => PathBuf::from(dir),
        None => {
            let out = Command::new(root().join("scripts/pg-versions.sh"))
                .arg(REVIEW_MAJOR.to_string())
                .output()
                .expect("run scripts/pg-versions.sh");
            assert!(
                out.status.success(),
                "scripts/pg-versions.sh {REVIEW_MAJOR}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let line = String::from_utf8_lossy(&out.stdout).to_string();
            PathBuf::from(
                line.lines()
                    .find_map(|l| l.strip_prefix(&format!("{REVIEW_MAJOR} ")))
                    .unwrap_or_else(|| panic!("scripts/pg-versions.sh printed {line:?}"))
                    .trim(),
            )
        }
    };
    let binaries = dblint::trace::server::find_binaries(Some(&dir), Some(REVIEW_MAJOR))
        .unwrap_or_else(|e| panic!("{e}"));
    dblint::trace::server::Scratch::temporary(&binaries, &|m| eprintln!("{m}"))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// What PostgreSQL shows of `set`: a database of the review server with the set
/// applied (statements it rejects are returned), and, for a history, its trace.
fn evidence_of(
    server: &dblint::trace::server::Scratch,
    admin: &mut postgres::Client,
    corpus: &Path,
    set: &Set,
) -> (evidence::SetEvidence, Vec<String>) {
    let port = server.info.ports[0];
    let url = |db: &str| format!("postgres://postgres@127.0.0.1:{port}/{db}?sslmode=disable");
    let db = format!("review_{}", set.name.replace('-', "_"));
    admin
        .batch_execute(&format!("CREATE DATABASE {db}"))
        .unwrap();
    if !set.prepare.is_empty() {
        let mut client = postgres::Client::connect(&url(&db), postgres::NoTls).unwrap();
        client
            .batch_execute(&set.prepare.replace("{db}", &db))
            .unwrap();
    }
    let inputs: Vec<PathBuf> = set.inputs.iter().map(|i| corpus.join(i)).collect();
    let files = dblint::source::sql::input_files(&inputs).unwrap();
    let errors = common::corpus::apply(&url(&db), &files);
    let mut statements = BTreeMap::new();
    if set.history {
        let empty = format!("{db}_trace");
        admin
            .batch_execute(&format!("CREATE DATABASE {empty}"))
            .unwrap();
        let mut args: Vec<String> = vec!["trace".into()];
        args.extend(inputs.iter().map(|p| p.display().to_string()));
        args.extend(
            [
                "--database",
                &url(&empty),
                "--format",
                "json",
                "--no-config",
            ]
            .iter()
            .map(|a| a.to_string()),
        );
        let out = Command::new(env!("CARGO_BIN_EXE_dblint"))
            .args(&args)
            .current_dir(corpus)
            .env("NO_COLOR", "1")
            .env_remove("DBLINT_CONFIG")
            .output()
            .expect("run dblint trace");
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{}: dblint trace: {}",
            set.name,
            String::from_utf8_lossy(&out.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        for st in report["statements"].as_array().unwrap() {
            statements.insert(
                (
                    st["file"].as_str().unwrap().to_string(),
                    st["line"].as_u64().unwrap(),
                ),
                st.clone(),
            );
        }
    }
    let catalog = postgres::Client::connect(&url(&db), postgres::NoTls).unwrap();
    (
        evidence::SetEvidence {
            catalog,
            statements,
        },
        errors,
    )
}

#[test]
fn every_corpus_finding_is_reviewed() {
    let corpus = common::corpus::corpus();
    let (verdicts, matchers) = verdicts();
    let server = review_server();
    let mut admin = postgres::Client::connect(
        &format!(
            "postgres://postgres@127.0.0.1:{}/postgres?sslmode=disable",
            server.info.ports[0]
        ),
        postgres::NoTls,
    )
    .unwrap();
    let mut used = vec![false; verdicts.len()];
    let mut listed_seen = BTreeSet::new();
    let mut unjudged = Vec::new();
    let mut counts: BTreeMap<String, Count> = BTreeMap::new();
    for set in SETS {
        let findings = lint(&corpus, set);
        assert!(!findings.is_empty(), "{}: no findings", set.name);
        insta::assert_snapshot!(set.name, render(&findings));
        let (mut ev, errors) = evidence_of(&server, &mut admin, &corpus, set);
        if !errors.is_empty() {
            eprintln!(
                "{}: {} statements PostgreSQL {REVIEW_MAJOR} rejects:\n{}",
                set.name,
                errors.len(),
                errors.join("\n")
            );
        }
        for f in &findings {
            match judge(&verdicts, &matchers, set.name, f, &mut ev) {
                Ok(j) => {
                    used[j.entry] = true;
                    if j.read {
                        listed_seen.insert((set.name, f.rule.clone(), f.object.clone()));
                    }
                    let c = counts.entry(f.rule.clone()).or_default();
                    c.all += 1;
                    c.by_evidence += usize::from(!j.read);
                    if verdicts[j.entry].verdict == Judgement::TruePositive {
                        c.truly += 1;
                    }
                }
                Err(why) => unjudged.push(format!("{}: {} {}: {why}", set.name, f.rule, f.object)),
            }
        }
    }
    assert!(
        unjudged.is_empty(),
        "{} findings have no verdict in tests/corpus/verdicts.toml:\n{}",
        unjudged.len(),
        unjudged.join("\n")
    );
    let mut stale: Vec<String> = verdicts
        .iter()
        .zip(&used)
        .filter(|(_, used)| !**used)
        .map(|(v, _)| {
            format!(
                "{} set={} ({})",
                v.rule,
                v.set.as_deref().unwrap_or("*"),
                v.why
            )
        })
        .collect();
    for v in &verdicts {
        for object in v.findings.iter().flatten() {
            let set = v.set.as_deref().unwrap_or("");
            if !listed_seen
                .iter()
                .any(|(s, r, o)| *s == set && *r == v.rule && o == object)
            {
                stale.push(format!(
                    "{} {set}: lists {object}, which is not reported",
                    v.rule
                ));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "verdicts that judge no finding (remove them or fix the entry):\n{}",
        stale.join("\n")
    );

    // Severity by evidence: a rule whose measured precision is below 95 % does not
    // ship at `error` (README, "Severity by evidence").
    let imprecise_errors: Vec<String> = counts
        .iter()
        .filter(|(_, c)| c.truly * 100 < c.all * 95)
        .filter(|(rule, _)| {
            dblint::packs::pack_of(rule).is_some_and(|(_, r)| r.severity == Severity::Error)
        })
        .map(|(rule, c)| format!("{rule}: {}", percent(c.truly, c.all)))
        .collect();
    assert!(
        imprecise_errors.is_empty(),
        "rules below 95 % precision on the corpus ship at error: {imprecise_errors:?}"
    );
    // And a rule that is wrong on at least half of its findings only informs.
    let mostly_wrong_warnings: Vec<String> = counts
        .iter()
        .filter(|(_, c)| c.truly * 2 < c.all)
        .filter(|(rule, _)| {
            dblint::packs::pack_of(rule).is_some_and(|(_, r)| r.severity > Severity::Info)
        })
        .map(|(rule, c)| format!("{rule}: {}", percent(c.truly, c.all)))
        .collect();
    assert!(
        mostly_wrong_warnings.is_empty(),
        "rules below 50 % precision on the corpus ship above info: {mostly_wrong_warnings:?}"
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
