//! The engine: choose the rules the settings ask for and run them on the model (or,
//! for migration rules, on each statement). Findings get the severity and category
//! their pack and the configuration give them. Suppression (config globs, inline
//! ignores, baselines) is one later step, `crate::suppress`; rules never see it.

use crate::finding::{Finding, Severity};
use crate::model::Database;
use crate::packs::{packs, Pack};
use crate::rules::{Context, Rule, RuleOptions};
use crate::settings::{ConfigError, Settings};
use std::collections::BTreeMap;

pub struct ActiveRule {
    pub rule: &'static dyn Rule,
    pub pack: &'static Pack,
    pub severity: Severity,
    pub options: RuleOptions,
}

pub struct Plan {
    pub rules: Vec<ActiveRule>,
    /// The packs selected, in scorecard order (a category per pack).
    pub packs: Vec<&'static Pack>,
}

pub fn plan(settings: &Settings) -> Result<Plan, ConfigError> {
    let selected = |p: &Pack| {
        settings
            .packs
            .as_ref()
            .is_none_or(|list| list.contains(&p.name))
    };
    let mut rules = Vec::new();
    let mut chosen_packs = Vec::new();
    for pack in packs() {
        let pack_selected = selected(pack);
        let mut any = false;
        for pack_rule in &pack.rules {
            let rule = crate::rules::find(&pack_rule.id).ok_or_else(|| {
                ConfigError(format!(
                    "pack {} lists unknown rule {}",
                    pack.name, pack_rule.id
                ))
            })?;
            let user = settings.rules.get(&pack_rule.id);
            let mut enabled = pack_selected && pack_rule.enabled;
            if settings.enable.contains(&pack_rule.id) {
                enabled = true;
            }
            if settings.disable.contains(&pack_rule.id) {
                enabled = false;
            }
            if let Some(e) = user.and_then(|u| u.enabled) {
                enabled = e;
            }
            if !enabled {
                continue;
            }
            // Declared defaults ← [options.<pack>] (for the options this rule has) ←
            // [rules.<id>]; settings validation has checked names and kinds.
            let specs = rule.meta().options;
            let mut overrides = toml::Table::new();
            if let Some(pack_opts) = settings.pack_options.get(&pack.name) {
                for (k, v) in pack_opts {
                    if specs.iter().any(|s| s.name == k) {
                        overrides.insert(k.clone(), v.clone());
                    }
                }
            }
            if let Some(u) = user {
                overrides.extend(u.options.clone());
            }
            rules.push(ActiveRule {
                rule,
                pack,
                severity: user.and_then(|u| u.severity).unwrap_or(pack_rule.severity),
                options: RuleOptions::resolve(specs, &overrides),
            });
            any = true;
        }
        if pack_selected || any {
            chosen_packs.push(pack);
        }
    }
    // One finding per defect: a rule another selected rule supersedes stays out.
    let selected: Vec<&str> = rules.iter().map(|a| a.rule.meta().id).collect();
    rules.retain(|a| {
        a.rule
            .meta()
            .superseded_by
            .is_none_or(|by| !selected.contains(&by))
    });
    Ok(Plan {
        rules,
        packs: chosen_packs,
    })
}

/// A rule's finding with the severity and category its pack and the configuration
/// give it; `info` for a finding the rule marked as a lesser form of its defect
/// ([`Finding::downgraded`]).
fn admit(active: &ActiveRule, mut finding: Finding) -> Finding {
    finding.severity = if finding.downgraded {
        Severity::Info
    } else {
        active.severity
    };
    finding.category = active.pack.category.clone();
    // A CONCURRENTLY statement fails inside a transaction block, and a migration tool
    // runs a wrapped file, or a file of several statements sent as one query string,
    // in one: say so on every fix that has one (migration rules' fixes already do).
    // Migration rules say where their statements go themselves.
    if let Some(fix) = finding
        .fix
        .as_ref()
        .filter(|_| !active.rule.meta().is_migration())
    {
        if fix.contains("CONCURRENTLY") && !fix.starts_with(crate::rules::migration::ALONE) {
            finding.fix = Some(format!("{}{fix}", crate::rules::migration::ALONE_EACH));
        }
    }
    finding
}

/// The first line of a fix with CONCURRENTLY statements (see
/// [`crate::rules::migration::ALONE`]).
pub const ALONE_EACH: &str =
    "-- each CONCURRENTLY statement alone, in a migration file of its own\n";

/// Run the schema rules on the model.
pub fn run(db: &Database, plan: &Plan) -> Vec<Finding> {
    let links = crate::rules::links::Links::new(db);
    let schema_rules: Vec<&ActiveRule> = plan
        .rules
        .iter()
        .filter(|a| !a.rule.meta().is_migration())
        .collect();
    let check = |active: &ActiveRule| -> Vec<Finding> {
        let ctx = Context {
            db,
            links: &links,
            options: &active.options,
            meta: active.rule.meta(),
        };
        active
            .rule
            .check(&ctx)
            .into_iter()
            .map(|finding| {
                let mut finding = admit(active, finding);
                finding.table_rows = finding
                    .table
                    .as_ref()
                    .and_then(|t| db.table(t))
                    .and_then(|t| t.stats)
                    .map(|s| s.estimated_rows.max(0.0));
                finding
            })
            .collect()
    };
    // Rules are independent: on a large model they run on all cores, each thread
    // taking the next rule; the findings are put back in the rules' order.
    let threads = if db.tables.len() < RULES_ON_THREADS_FROM {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_RULE_THREADS))
    };
    let mut by_rule: Vec<Vec<Finding>> = if threads == 1 {
        schema_rules.iter().map(|a| check(a)).collect()
    } else {
        let next = std::sync::atomic::AtomicUsize::new(0);
        let done: Vec<std::sync::Mutex<Vec<Finding>>> =
            schema_rules.iter().map(|_| Default::default()).collect();
        let work = || loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(active) = schema_rules.get(i) else {
                break;
            };
            let found = check(active);
            *done[i].lock().unwrap_or_else(|e| e.into_inner()) = found;
        };
        std::thread::scope(|scope| {
            // Rules parse the model's expressions, which may nest as deep as
            // PostgreSQL allows: the parser's stack. No thread to be had: the rules
            // left are run here.
            for _ in 0..threads {
                crate::source::sql::parser_thread::spawn_scoped_or_here(
                    scope,
                    "dblint-rules",
                    work,
                );
            }
        });
        done.into_iter()
            .map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()))
            .collect()
    };
    let mut findings: Vec<Finding> = Vec::with_capacity(by_rule.iter().map(Vec::len).sum());
    for found in &mut by_rule {
        findings.append(found);
    }
    settle(&mut findings);
    findings
}

/// Schema rules run on one thread below this many tables (starting threads costs
/// more than the rules of a small model), on up to [`MAX_RULE_THREADS`] above.
const RULES_ON_THREADS_FROM: usize = 500;
const MAX_RULE_THREADS: usize = 4;

/// Deterministic order: most severe first, then by table, rule and object. Each
/// finding's object path is built once, not at every comparison (a comparison sort of
/// 50,000 findings built two million of them).
pub fn sort_findings(findings: &mut [Finding]) {
    let paths: Vec<String> = findings.iter().map(Finding::object_path).collect();
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by(|&i, &j| {
        let (a, b) = (&findings[i], &findings[j]);
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.table.cmp(&b.table))
            .then_with(|| a.rule.cmp(b.rule))
            .then_with(|| paths[i].cmp(&paths[j]))
            .then_with(|| a.message.cmp(&b.message))
    });
    // Position k takes the finding at order[k], one cycle of the permutation at a time.
    let mut placed = vec![false; findings.len()];
    for start in 0..findings.len() {
        let mut k = start;
        while !placed[k] {
            placed[k] = true;
            let from = order[k];
            if from == start {
                break;
            }
            findings.swap(k, from);
            k = from;
        }
    }
}

/// Run the migration rules on one statement (called by replay for every statement,
/// with the model as it was just before it).
pub fn review_statement(
    event: &crate::source::sql::session::StatementEvent,
    plan: &Plan,
    pg_version: u32,
    out: &mut Vec<Finding>,
) {
    let mut effects: Option<Vec<crate::source::sql::locks::LockEffect>> = None;
    // Whether PostgreSQL refuses the statement here, decided once for every rule.
    let refusal = crate::source::sql::refusal::refusal(event, pg_version);
    let mut found: Vec<Finding> = Vec::new();
    for active in plan.rules.iter().filter(|a| a.rule.meta().is_migration()) {
        let ctx = crate::rules::MigrationContext {
            event,
            options: &active.options,
            pg_version,
            meta: active.rule.meta(),
            refusal: refusal.as_ref(),
        };
        for finding in active.rule.check_statement(&ctx) {
            found.push(admit(active, finding));
        }
    }
    // A statement PostgreSQL refuses does nothing: when the rule that words the
    // refusal reports it, what other rules say of the statement is dropped (findings
    // about the file, such as a transaction left open, stay).
    let worded = refusal
        .as_ref()
        .filter(|r| found.iter().any(|f| f.rule == r.worded_by()));
    for finding in found {
        if worded.is_some_and(|r| r.worded_by() != finding.rule)
            && finding.table.is_some()
            && finding.location.as_ref() == Some(event.location)
        {
            continue;
        }
        if let Some(claim) = &finding.claim {
            // One model of what a statement does: a rule may not claim a refusal,
            // a scan or a rewrite the statement-effect model does not predict
            // (the claims themselves are checked against PostgreSQL by
            // tests/trace_differential.rs).
            debug_assert!(
                    !claim.refused
                        || refusal
                            .as_ref()
                            .is_some_and(|r| r.worded_by() == finding.rule),
                    "{} claims a refusal that the statement-effect model does not predict for it ({refusal:?}): {}",
                    finding.rule,
                    event.sql
                );
            debug_assert!(
                    !claim.refused_with_rows
                        || crate::source::sql::refusal::refused_with_rows(event)
                            .iter()
                            .any(|(t, _)| t.to_string() == claim.table),
                    "{} claims a refusal once {} has rows that the statement-effect model does not predict: {}",
                    finding.rule,
                    claim.table,
                    event.sql
                );
            if cfg!(debug_assertions) {
                let effects = effects.get_or_insert_with(|| {
                    crate::source::sql::locks::effects(
                        event.statement,
                        event.db,
                        event.search_path,
                        pg_version,
                        event.file.timezone_utc(None),
                    )
                });
                let on =
                    |e: &&crate::source::sql::locks::LockEffect| e.table.to_string() == claim.table;
                debug_assert!(
                    !claim.scan || effects.iter().filter(on).any(|e| e.scan || e.rewrite),
                    "{} claims a scan of {} that the statement-effect model does not predict: {}",
                    finding.rule,
                    claim.table,
                    event.sql
                );
                debug_assert!(
                        !claim.rewrite || effects.iter().filter(on).any(|e| e.rewrite),
                        "{} claims a rewrite of {} that the statement-effect model does not predict: {}",
                        finding.rule,
                        claim.table,
                        event.sql
                    );
            }
        }
        out.push(finding);
    }
}

/// The migration rules a fix is reviewed with leave out `lock-timeout-missing`: a fix
/// is run by hand or as a migration of its own, and its advice would sit on every
/// statement of every fix.
const NOT_FOR_FIXES: &[&str] = &["lock-timeout-missing"];

/// Review every schema finding's fix as a migration of its own: replay it on a copy of
/// `db` (the model the finding was made from) with the migration rules of `plan`, and
/// put what they find at `warning` or `error` into the fix, as a `-- review:` comment
/// line above the statement concerned (a rewrite, a scan, a lock held long, a rename
/// that breaks code). So no fix hides what running it does; the rule that wrote the
/// fix offers the safer sequence where there is one.
pub fn review_fixes(db: &Database, plan: &Plan, pg_version: u32, findings: &mut [Finding]) {
    review_fixes_where(db, plan, pg_version, findings, &|_| true);
}

/// [`review_fixes`] for the findings `wanted` accepts only (a report that shows a few
/// of them: `report::publish`).
pub fn review_fixes_where(
    db: &Database,
    plan: &Plan,
    pg_version: u32,
    findings: &mut [Finding],
    wanted: &dyn Fn(&Finding) -> bool,
) {
    let reviewing = fix_review_plan(plan);
    let mut fixed: Vec<&mut Finding> = findings
        .iter_mut()
        .filter(|f| f.fix.is_some() && wanted(f))
        .collect();
    if reviewing.rules.is_empty() || fixed.is_empty() {
        return;
    }
    // Each fix replays on a copy of the part of the model it can touch, not of the
    // whole model (thousands of fixes on a large schema made a copy each).
    let neighbourhoods = crate::source::sql::neighbourhood::Neighbourhoods::new(db);
    // Fixes are reviewed independently, so they are shared out among threads in
    // contiguous runs; each finding gets the same notes whichever thread reviews it.
    let threads = if fixed.len() < FIXES_PER_THREAD {
        1
    } else {
        std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(MAX_REVIEW_THREADS)
            .min(fixed.len() / FIXES_PER_THREAD)
    };
    let run = fixed.len().div_ceil(threads).max(1);
    let runs: Vec<std::sync::Mutex<&mut [&mut Finding]>> =
        fixed.chunks_mut(run).map(std::sync::Mutex::new).collect();
    std::thread::scope(|scope| {
        for run in &runs {
            let review_run = || {
                let mut run = run.lock().unwrap_or_else(|e| e.into_inner());
                for finding in run.iter_mut() {
                    review_one(&neighbourhoods, &reviewing, pg_version, finding);
                }
            };
            // Fixes are parsed on the reviewing thread (`prepare_here`), which needs the
            // parsing thread's stack for a fix that quotes a deeply nested expression.
            // No thread to be had: review here, on this thread's stack.
            crate::source::sql::parser_thread::spawn_scoped_or_here(
                scope,
                "dblint-review",
                review_run,
            );
        }
    });
}

/// Fixes below this many are reviewed on one thread; above, each thread gets at least
/// this many (starting a thread costs about as much as reviewing a few fixes).
const FIXES_PER_THREAD: usize = 64;
const MAX_REVIEW_THREADS: usize = 4;

/// Review `finding`'s fix on the part of the model it can touch ([`review_fixes`]),
/// parsing it on this thread.
fn review_one(
    neighbourhoods: &crate::source::sql::neighbourhood::Neighbourhoods,
    plan: &Plan,
    pg_version: u32,
    finding: &mut Finding,
) {
    let Some(fix) = finding.fix.as_deref() else {
        return;
    };
    let prepared = crate::source::sql::prepare_here("fix.sql", fix);
    let db = neighbourhoods.around_parsed(fix, prepared.statements().as_deref());
    let notes = review_prepared(db, plan, pg_version, prepared);
    if !notes.is_empty() {
        finding.fix = Some(annotate(fix, &notes));
    }
}

/// The migration rules of `plan` that review fixes ([`review_fixes`]).
pub fn fix_review_plan(plan: &Plan) -> Plan {
    Plan {
        rules: plan
            .rules
            .iter()
            .filter(|a| a.rule.meta().is_migration() && !NOT_FOR_FIXES.contains(&a.rule.meta().id))
            .map(|a| ActiveRule {
                rule: a.rule,
                pack: a.pack,
                severity: a.severity,
                options: a.options.clone(),
            })
            .collect(),
        packs: Vec::new(),
    }
}

/// What the migration rules of `plan` say about `fix` run against `db`, as (line of
/// the fix, one-line message), at `warning` or `error`.
pub fn review_fix(db: &Database, plan: &Plan, pg_version: u32, fix: &str) -> Vec<(u32, String)> {
    let prepared = crate::source::sql::prepare("fix.sql", fix);
    review_prepared(db.clone(), plan, pg_version, prepared)
}

/// [`review_fix`] for a fix split and being parsed, on `db` (which the replay changes).
fn review_prepared(
    db: Database,
    plan: &Plan,
    pg_version: u32,
    prepared: crate::source::sql::PreparedFile,
) -> Vec<(u32, String)> {
    let mut replayer = crate::source::sql::replay::Replayer::over(db);
    let mut state = crate::source::sql::session::FileState::new(
        std::path::Path::new("fix.sql"),
        crate::source::sql::delivery::Sending::default(),
        prepared.len(),
    );
    let mut reviewed = Vec::new();
    crate::source::sql::replay_prepared(
        &mut replayer,
        prepared,
        &mut state,
        &mut Vec::new(),
        &mut Default::default(),
        &mut |event| review_statement(event, plan, pg_version, &mut reviewed),
    );
    let mut notes: Vec<(u32, String)> = reviewed
        .into_iter()
        .filter(|f| f.severity >= Severity::Warning)
        .filter_map(|f| {
            let line = f.location.as_ref()?.line;
            let message = f.message.split_whitespace().collect::<Vec<_>>().join(" ");
            Some((line, format!("{message} ({})", f.rule)))
        })
        .collect();
    notes.sort();
    notes.dedup();
    notes
}

/// `fix` with each note as a `-- review:` line above its line.
pub fn annotate(fix: &str, notes: &[(u32, String)]) -> String {
    let mut out = String::with_capacity(fix.len() + 120 * notes.len());
    for (i, line) in fix.lines().enumerate() {
        let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
        for (_, note) in notes.iter().filter(|(l, _)| *l == number) {
            out.push_str("-- review: ");
            out.push_str(note);
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
    }
    out.truncate(out.trim_end_matches('\n').len());
    out
}

/// Sort in the deterministic order, and keep one finding per fingerprint: a finding's
/// id names one defect, so baselines, SARIF and JUnit never see two findings with one
/// id. The same rule on the same object at different statements (three `CREATE
/// INDEX` without CONCURRENTLY on one table in one migration) are three hazards: each
/// after the first gets its ordinal among them in its object (`…@002_x.sql#2`, by
/// line), so every statement is reported and the first keeps its id. Repeats at one
/// statement are merged into the first, which says how many it stands for.
pub fn settle(findings: &mut Vec<Finding>) {
    number_repeats(findings);
    sort_findings(findings);
    let mut out: Vec<Finding> = Vec::with_capacity(findings.len());
    let mut merged: Vec<usize> = Vec::new();
    for finding in findings.drain(..) {
        match out.last() {
            Some(last) if last.fingerprint() == finding.fingerprint() => {
                if last.message != finding.message {
                    *merged.last_mut().unwrap_or(&mut 0) += 1;
                }
            }
            _ => {
                out.push(finding);
                merged.push(0);
            }
        }
    }
    for (finding, more) in out.iter_mut().zip(merged) {
        if more > 0 {
            finding.message = format!("{} (and {more} more like it)", finding.message);
        }
    }
    *findings = out;
}

/// Rules whose hazard belongs to the file, not to each statement: a lock held from
/// one statement to the end of the transaction, a file without a `lock_timeout`. One
/// fix (end the transaction earlier, one `SET` at the top) answers every statement,
/// so they stay one finding per object and file.
const ONE_PER_FILE: &[&str] = &["lock-held-across-statements", "lock-timeout-missing"];

/// Give findings that share a fingerprint but sit at different statements an ordinal
/// (see [`settle`]).
fn number_repeats(findings: &mut [Finding]) {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, f) in findings.iter().enumerate() {
        if f.location.is_some() && f.object.is_some() && !ONE_PER_FILE.contains(&f.rule) {
            groups.entry(f.fingerprint()).or_default().push(i);
        }
    }
    for mut members in groups.into_values().filter(|m| m.len() > 1) {
        let at = |findings: &[Finding], i: usize| {
            let l = findings[i].location.as_ref().unwrap();
            (l.file.clone(), l.line)
        };
        members.sort_by_key(|&i| at(findings, i));
        let mut ordinal = 1;
        let mut previous = at(findings, members[0]);
        for &i in &members[1..] {
            let here = at(findings, i);
            if here != previous {
                ordinal += 1;
                previous = here;
            }
            if ordinal > 1 {
                let object = findings[i].object.take().unwrap_or_default();
                findings[i].object = Some(format!("{object}#{ordinal}"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(settings: Settings) -> Vec<&'static str> {
        plan(&settings)
            .unwrap()
            .rules
            .iter()
            .map(|a| a.rule.meta().id)
            .collect()
    }

    #[test]
    fn a_superseded_rule_runs_only_without_the_rule_that_supersedes_it() {
        let default = ids(Settings::default());
        assert!(default.contains(&"fk-missing-index"));
        assert!(!default.contains(&"cascade-unindexed"));
        let cascades_only = ids(Settings {
            packs: Some(vec!["cascades".into()]),
            ..Settings::default()
        });
        assert!(cascades_only.contains(&"cascade-unindexed"));
    }
}
