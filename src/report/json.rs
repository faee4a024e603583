//! `--format json`: one document, deterministic order.

use super::Report;
use serde_json::{json, Value};

pub const SCHEMA_VERSION: u32 = 1;

pub fn render(report: &Report) -> String {
    let findings: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            json!({
                "rule": f.rule,
                "severity": f.severity,
                "category": f.category,
                "table": f.table.as_ref().map(|t| t.to_string()),
                "columns": f.columns,
                "object": f.object,
                "message": f.message,
                "fix": f.fix,
                "location": f.location,
                "fingerprint": f.fingerprint(),
            })
        })
        .collect();
    let s = report.scorecard;
    let doc = json!({
        "dblint_version": env!("CARGO_PKG_VERSION"),
        "schema_version": SCHEMA_VERSION,
        "source": report.source,
        "score": {
            "overall": s.overall,
            "grade": s.grade.as_str(),
            "categories": s.categories.iter().map(|c| json!({
                "name": c.name,
                "score": c.score,
                "grade": c.grade.as_str(),
                "weight": c.weight,
                "findings": c.findings,
            })).collect::<Vec<_>>(),
        },
        "summary": {
            "tables": s.tables.len(),
            "findings": s.totals,
            "suppressed": report.suppressed,
        },
        "tables": s.tables.iter().map(|t| json!({
            "table": t.table.to_string(),
            "status": t.status,
            "findings": t.findings,
        })).collect::<Vec<_>>(),
        "findings": findings,
        "diagnostics": report.diagnostics,
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_string());
    out.push('\n');
    out
}
