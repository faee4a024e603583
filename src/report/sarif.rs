//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it. One `rule` per
//! dblint rule (help text, default level), results with a physical location (file and
//! 1-based line) for SQL findings and a logical location (schema.table.object) for
//! catalog findings, and `partialFingerprints` built from rule + object, never a line.

use super::Report;
use crate::finding::Severity;
use crate::packs::pack_of;
use crate::rules::{render_docs, REGISTRY};
use serde_json::{json, Value};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

pub fn render(report: &Report) -> String {
    let rules: Vec<Value> = REGISTRY
        .iter()
        .map(|r| {
            let meta = r.meta();
            let default = pack_of(meta.id)
                .map(|(_, pr)| pr.severity)
                .unwrap_or(Severity::Warning);
            let pack = pack_of(meta.id)
                .map(|(p, _)| p.name.clone())
                .unwrap_or_default();
            json!({
                "id": meta.id,
                "name": meta.id,
                "shortDescription": { "text": meta.summary },
                "fullDescription": { "text": meta.summary },
                "help": { "text": render_docs(meta), "markdown": render_docs(meta) },
                "defaultConfiguration": { "level": level(default) },
                "properties": { "tags": ["postgresql", pack] },
            })
        })
        .collect();
    let index_of = |id: &str| REGISTRY.iter().position(|r| r.meta().id == id);
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let mut message = f.message.clone();
            if let Some(fix) = f.shown_fix() {
                message.push_str("\n\nFix:\n");
                message.push_str(fix);
            }
            if let Some(help) = &f.help {
                message.push_str("\n\nHelp: ");
                message.push_str(help);
            }
            let logical = json!([{
                "name": f.object.clone().unwrap_or_else(|| f.table.as_ref().map(|t| t.name.to_string()).unwrap_or_default()),
                "fullyQualifiedName": f.object_path(),
                "kind": if f.object.is_some() { "object" } else { "table" },
            }]);
            let location = match &f.location {
                Some(loc) => json!({
                    "physicalLocation": {
                        "artifactLocation": { "uri": loc.file.replace('\\', "/") },
                        "region": if loc.column > 0 {
                            json!({ "startLine": loc.line, "startColumn": loc.column })
                        } else {
                            json!({ "startLine": loc.line })
                        },
                    },
                    "logicalLocations": logical,
                }),
                None => json!({ "logicalLocations": logical }),
            };
            let mut result = json!({
                "ruleId": f.rule,
                "level": level(f.severity),
                "message": { "text": message },
                "locations": [location],
                "partialFingerprints": { "dblint/v1": f.fingerprint() },
                "properties": { "category": f.category },
            });
            if let Some(i) = index_of(f.rule) {
                result["ruleIndex"] = json!(i);
            }
            result
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "dblint",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "automationDetails": { "id": format!("dblint/{}", report.source) },
            "columnKind": "utf16CodeUnits",
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}
