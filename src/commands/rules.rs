//! `dblint rules`: every rule, derived from the registry and the packs.

use crate::args::{Format, RulesArgs};
use crate::error::{Result, Verdict};
use crate::output::print_stdout;
use crate::packs::packs;
use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};

pub fn run(args: &RulesArgs) -> Result<Verdict> {
    let text = match args.format {
        Format::Json => {
            let rules: Vec<serde_json::Value> = packs()
                .iter()
                .flat_map(|p| p.rules.iter().map(move |r| (p, r)))
                .filter_map(|(p, r)| {
                    let rule = crate::rules::find(&r.id)?;
                    Some(serde_json::json!({
                        "id": r.id,
                        "pack": p.name,
                        "category": p.category,
                        "severity": r.severity,
                        "enabled": r.enabled,
                        "summary": rule.meta().summary,
                        "kind": rule.meta().kind.as_str(),
                        "options": rule
                            .meta()
                            .options
                            .iter()
                            .map(|o| (o.name.to_string(), o.default_value().unwrap_or(toml::Value::Boolean(false))))
                            .collect::<toml::Table>(),
                    }))
                })
                .collect();
            serde_json::to_string_pretty(&rules).map_err(|e| e.to_string())? + "\n"
        }
        _ => {
            let mut table = Table::new();
            table
                .load_preset(UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Disabled)
                .set_header(vec!["Rule", "Pack", "Severity", "Default", "Summary"]);
            for pack in packs() {
                for r in &pack.rules {
                    let summary = crate::rules::find(&r.id)
                        .map(|x| x.meta().summary)
                        .unwrap_or("");
                    table.add_row(vec![
                        r.id.clone(),
                        pack.name.clone(),
                        r.severity.to_string(),
                        if r.enabled { "on" } else { "opt-in" }.to_string(),
                        summary.to_string(),
                    ]);
                }
            }
            format!("{table}\n`dblint explain <rule>` prints a rule's documentation.\n")
        }
    };
    print_stdout(&text)?;
    Ok(Verdict::Pass)
}
