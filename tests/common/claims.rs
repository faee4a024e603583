//! Migration findings' claims (JSON `claim`: the lock mode a statement takes, a scan,
//! a rewrite, a refusal) against what `dblint trace` saw PostgreSQL do at that
//! statement. Shared by the differential test and the corpus review.
#![allow(dead_code)]

/// Lock modes weakest first, as `dblint trace` names them.
pub const MODES: [&str; 8] = [
    "AccessShare",
    "RowShare",
    "RowExclusive",
    "ShareUpdateExclusive",
    "Share",
    "ShareRowExclusive",
    "Exclusive",
    "AccessExclusive",
];

pub fn strength(mode: &str) -> usize {
    MODES.iter().position(|m| *m == mode).unwrap_or(usize::MAX)
}

/// A claim the server contradicts: (kind, table, what was claimed, what was seen).
pub type ClaimDisagreement = (String, Option<String>, String, String);

/// How a finding's claim compares with what the server did at its statement:
/// `None` when nothing of it can be observed (the statement failed without the claim
/// saying so, or its locks and counters are out of reach), else the disagreements
/// (kind `rule-lock`, `rule-scan`, `rule-rewrite`, `rule-refusal`; empty: agreement).
pub fn check_claim(
    claim: &serde_json::Value,
    statement: &serde_json::Value,
) -> Option<Vec<ClaimDisagreement>> {
    let observed = &statement["observed"];
    let failed = !observed["error"].is_null();
    let mut out = Vec::new();
    if claim["refused"].as_bool().unwrap_or(false) {
        if !failed {
            out.push((
                "rule-refusal".into(),
                None,
                "PostgreSQL refuses it".into(),
                "it ran".into(),
            ));
        }
        return Some(out);
    }
    let table = claim["table"].as_str().unwrap_or("").to_string();
    if claim["refused_with_rows"].as_bool().unwrap_or(false) {
        // Refused, or run on a table without rows (its verifying scan read none).
        let rows = observed["scanned"]
            .as_array()
            .and_then(|s| {
                s.iter()
                    .find(|x| x["table"].as_str() == Some(table.as_str()))
            })
            .and_then(|x| x["rows"].as_i64());
        match (failed, rows) {
            (true, _) | (false, Some(0)) => {}
            (false, Some(n)) => out.push((
                "rule-refusal".into(),
                Some(table.clone()),
                "PostgreSQL refuses it on a table with rows".into(),
                format!("it ran, over {n} rows"),
            )),
            (false, None) => return None,
        }
        return Some(out);
    }
    if failed {
        return None;
    }
    let work = statement["observed_work"].as_str();
    if claim["rewrite"].as_bool().unwrap_or(false) {
        match work {
            Some("rewrite") => {}
            Some(w) => out.push((
                "rule-rewrite".into(),
                Some(table.clone()),
                "rewrite".into(),
                w.into(),
            )),
            None => return None,
        }
    } else if claim["scan"].as_bool().unwrap_or(false) {
        match work {
            Some("scan" | "rewrite") => {}
            Some(w) => out.push((
                "rule-scan".into(),
                Some(table.clone()),
                "scan".into(),
                w.into(),
            )),
            None => return None,
        }
    }
    if let Some(mode) = claim["lock"].as_str() {
        let taken = |list: &serde_json::Value| -> Vec<String> {
            list.as_array()
                .into_iter()
                .flatten()
                .filter(|l| l["relation"]["name"].as_str() == Some(table.as_str()))
                .filter_map(|l| l["mode"].as_str().map(String::from))
                .collect()
        };
        if !observed["locks"].is_null() {
            let mut seen = taken(&observed["locks"]);
            seen.extend(taken(&observed["held_before"]));
            let strongest = seen.iter().map(|m| strength(m)).max();
            if strongest.is_none_or(|s| s < strength(mode)) {
                out.push((
                    "rule-lock".into(),
                    Some(table.clone()),
                    mode.into(),
                    if seen.is_empty() {
                        "no lock".to_string()
                    } else {
                        seen.join(", ")
                    },
                ));
            }
        }
    }
    Some(out)
}
