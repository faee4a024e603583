//! The static lock model (what `lint --locks` predicts) against what the server did,
//! per statement: the lock mode on each table, whether a table was rewritten, and
//! whether one was scanned.

use super::tracer::{Observation, RelationKind};
use crate::source::sql::locks::{LockEffect, LockLevel};
use crate::source::sql::refusal::Refusal;
use serde::Serialize;
use std::collections::BTreeMap;

/// What a statement does to tables, as a verdict: the `--locks` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Work {
    None,
    Scan,
    Rewrite,
}

impl Work {
    pub fn name(self) -> &'static str {
        match self {
            Work::None => "-",
            Work::Scan => "scan",
            Work::Rewrite => "rewrite",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Both name the table, with different modes.
    LockMode,
    /// The model predicts a lock the server did not take.
    LockMissing,
    /// The server took a lock on a table the model does not name.
    LockUnpredicted,
    /// Rewrite predicted and not observed, or the reverse.
    Rewrite,
    /// Scan predicted and not observed, or the reverse (neither rewrote).
    Scan,
    /// The statement failed on the server, and the model says it runs.
    Error,
    /// The model says PostgreSQL refuses the statement, and it ran, or failed with
    /// another error.
    Refusal,
    /// The session setting in effect before the statement (`lock_timeout`) is not
    /// the one the file's statements leave, by migration review's reading.
    Setting,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::LockMode => "lock-mode",
            Kind::LockMissing => "lock-missing",
            Kind::LockUnpredicted => "lock-unpredicted",
            Kind::Rewrite => "rewrite",
            Kind::Scan => "scan",
            Kind::Error => "error",
            Kind::Refusal => "refusal",
            Kind::Setting => "setting",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        [
            Kind::LockMode,
            Kind::LockMissing,
            Kind::LockUnpredicted,
            Kind::Rewrite,
            Kind::Scan,
            Kind::Error,
            Kind::Refusal,
            Kind::Setting,
        ]
        .into_iter()
        .find(|k| k.name() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Disagreement {
    pub kind: Kind,
    /// The table it is about, if one.
    pub table: Option<String>,
    pub predicted: String,
    pub observed: String,
}

impl Disagreement {
    pub fn describe(&self) -> String {
        let on = self
            .table
            .as_ref()
            .map(|t| format!(" on `{t}`"))
            .unwrap_or_default();
        format!(
            "{}{on}: predicted {}, observed {}",
            self.kind.name(),
            self.predicted,
            self.observed
        )
    }
}

/// The strongest mode the model predicts per table.
pub fn predicted_locks(effects: &[LockEffect]) -> BTreeMap<String, LockLevel> {
    let mut out: BTreeMap<String, LockLevel> = BTreeMap::new();
    for e in effects {
        let entry = out.entry(e.table.to_string()).or_insert(e.level);
        *entry = (*entry).max(e.level);
    }
    out
}

pub fn predicted_work(effects: &[LockEffect]) -> Work {
    if effects.iter().any(|e| e.rewrite) {
        Work::Rewrite
    } else if effects.iter().any(|e| e.scan) {
        Work::Scan
    } else {
        Work::None
    }
}

/// The strongest mode the statement took per table (not per index or sequence, nor
/// on a table the statement created).
pub fn observed_locks(observation: &Observation) -> Option<BTreeMap<String, LockLevel>> {
    let locks = observation.locks.as_ref()?;
    let mut out: BTreeMap<String, LockLevel> = BTreeMap::new();
    for l in locks
        .iter()
        .filter(|l| l.relation.kind == RelationKind::Table && !l.created)
    {
        let entry = out.entry(l.relation.name.clone()).or_insert(l.mode);
        *entry = (*entry).max(l.mode);
    }
    Some(out)
}

/// `None` when the scan counters could not be read and nothing was rewritten.
pub fn observed_work(observation: &Observation) -> Option<Work> {
    if observation
        .rewritten
        .iter()
        .any(|r| r.kind == RelationKind::Table)
    {
        return Some(Work::Rewrite);
    }
    let scanned = observation.scanned.as_ref()?;
    Some(if scanned.is_empty() {
        Work::None
    } else {
        Work::Scan
    })
}

fn held(observation: &Observation, table: &str, mode: LockLevel) -> bool {
    observation
        .held_before
        .iter()
        .any(|l| l.relation.name == table && l.mode == mode)
}

/// Whether a `lock_timeout` was in effect before the statement, as migration review
/// reads the file (`predicted`, [`crate::source::sql::session::SessionSettings`]) and
/// as the server had it.
pub fn compare_session(predicted: bool, observation: &Observation) -> Option<Disagreement> {
    let observed = observation.lock_timeout.as_deref()?;
    let in_effect = crate::source::sql::session::nonzero_duration(observed);
    let say = |on: bool| {
        if on {
            "lock_timeout set"
        } else {
            "no lock_timeout"
        }
    };
    (in_effect != predicted).then(|| Disagreement {
        kind: Kind::Setting,
        table: None,
        predicted: say(predicted).into(),
        observed: format!("{} ({observed})", say(in_effect)),
    })
}

/// Every way the prediction and the observation differ. A statement the model says
/// PostgreSQL refuses must fail with the refusal's error (else one `refusal`); a
/// statement that failed otherwise is one `error`; what cannot be observed is not
/// compared.
pub fn compare(
    effects: &[LockEffect],
    refusal: Option<&Refusal>,
    observation: &Observation,
) -> Vec<Disagreement> {
    if let Some(refusal) = refusal {
        let predicted = format!("refused ({})", refusal.server_says());
        return match &observation.error {
            Some(error) if error.contains(refusal.server_says()) => Vec::new(),
            Some(error) => vec![Disagreement {
                kind: Kind::Refusal,
                table: None,
                predicted,
                observed: format!("error: {error}"),
            }],
            None => vec![Disagreement {
                kind: Kind::Refusal,
                table: None,
                predicted,
                observed: "it ran".into(),
            }],
        };
    }
    if let Some(error) = &observation.error {
        return vec![Disagreement {
            kind: Kind::Error,
            table: None,
            predicted: "success".into(),
            observed: format!("error: {error}"),
        }];
    }
    let mut out = Vec::new();
    let predicted = predicted_locks(effects);
    if let Some(observed) = observed_locks(observation) {
        for (table, mode) in &predicted {
            match observed.get(table) {
                Some(seen) if seen == mode => {}
                // The mode was already held: taking it again leaves no trace, and
                // what was newly taken is weaker.
                Some(seen) if held(observation, table, *mode) && seen < mode => {}
                None if held(observation, table, *mode) => {}
                Some(seen) => out.push(Disagreement {
                    kind: Kind::LockMode,
                    table: Some(table.clone()),
                    predicted: mode.name().into(),
                    observed: seen.name().into(),
                }),
                None => out.push(Disagreement {
                    kind: Kind::LockMissing,
                    table: Some(table.clone()),
                    predicted: mode.name().into(),
                    observed: "no new lock".into(),
                }),
            }
        }
        for (table, mode) in &observed {
            if !predicted.contains_key(table) {
                out.push(Disagreement {
                    kind: Kind::LockUnpredicted,
                    table: Some(table.clone()),
                    predicted: "no lock".into(),
                    observed: mode.name().into(),
                });
            }
        }
    }
    let predicted_work = predicted_work(effects);
    if let Some(observed_work) = observed_work(observation) {
        let rewrite = |w: Work| w == Work::Rewrite;
        if rewrite(predicted_work) != rewrite(observed_work) {
            out.push(Disagreement {
                kind: Kind::Rewrite,
                table: None,
                predicted: predicted_work.name().into(),
                observed: observed_work.name().into(),
            });
        } else if predicted_work != observed_work {
            out.push(Disagreement {
                kind: Kind::Scan,
                table: None,
                predicted: predicted_work.name().into(),
                observed: observed_work.name().into(),
            });
        }
    }
    out
}
