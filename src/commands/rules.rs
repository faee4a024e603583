//! `dblint rules`: every rule, derived from the registry and the packs.

use crate::args::{Format, RulesArgs};
use crate::error::{Result, Verdict};
use crate::output::print_stdout;
use crate::packs::packs;

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
                        "evidence": rule.meta().evidence.as_str(),
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
            // 80 columns: a heading per pack, then `id  severity  evidence` and the
            // summary wrapped under it.
            let id_width = packs()
                .iter()
                .flat_map(|p| &p.rules)
                .map(|r| r.id.len())
                .max()
                .unwrap_or(20);
            let indent = 6;
            let mut out = String::new();
            for pack in packs() {
                out.push_str(&format!("{} — {}\n", pack.name, pack.description));
                for r in &pack.rules {
                    let meta = crate::rules::find(&r.id).map(|x| x.meta());
                    let summary = meta.map(|m| m.summary).unwrap_or("");
                    let evidence = meta.map(|m| m.evidence.as_str()).unwrap_or("");
                    let severity = if r.enabled {
                        r.severity.to_string()
                    } else {
                        format!("{}*", r.severity)
                    };
                    out.push_str(&format!(
                        "  {:<id_width$}  {:<8} {evidence}\n",
                        r.id, severity
                    ));
                    let mut line = " ".repeat(indent);
                    for word in summary.split_whitespace() {
                        if line.chars().count() + word.len() > 80 && line.trim_end().len() > indent
                        {
                            out.push_str(line.trim_end());
                            out.push('\n');
                            line = " ".repeat(indent);
                        }
                        line.push_str(word);
                        line.push(' ');
                    }
                    out.push_str(line.trim_end());
                    out.push('\n');
                }
                out.push('\n');
            }
            out.push_str(concat!(
                "* opt-in (enable it in dblint.toml or with --enable).\n",
                "The last column says what a verdict rests on: postgresql (its behaviour,\n",
                "checked with `dblint trace`, or the catalog), structure (the schema's shape),\n",
                "names (conventions: a warning at most by default).\n",
                "`dblint explain <rule>` prints a rule's documentation and options.\n"
            ));
            out
        }
    };
    print_stdout(&text)?;
    Ok(Verdict::Pass)
}
