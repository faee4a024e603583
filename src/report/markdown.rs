//! `--format markdown`: a pull-request comment. Findings sit in collapsed sections so
//! the comment stays readable; past GitHub's comment limit the list is cut.

use super::{grouped, recommendations, Report};
use crate::finding::Severity;
use crate::score::TableState;
use std::fmt::Write;

/// GitHub rejects comments longer than 65,536 characters; keep a margin.
const MAX_CHARS: usize = 60_000;

fn escape(s: &str) -> String {
    super::printable(s, false)
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

pub fn render(report: &Report) -> String {
    let s = report.scorecard;
    let mut out = String::new();
    let _ = writeln!(out, "## dblint: {}/100 ({})\n", s.overall, s.grade);
    let _ = writeln!(
        out,
        "`{}` — {} errors, {} warnings, {} info across {} tables.\n",
        escape(&report.source),
        s.totals.error,
        s.totals.warning,
        s.totals.info,
        s.tables.len()
    );
    let _ = writeln!(
        out,
        "| Category | Score | Grade | Errors | Warnings | Info |"
    );
    let _ = writeln!(out, "|---|---:|:---:|---:|---:|---:|");
    for c in &s.categories {
        let _ = writeln!(
            out,
            "| {}{} | {} | {} | {} | {} | {} |",
            escape(&c.name),
            if c.hygiene { " °" } else { "" },
            c.score,
            c.grade,
            c.findings.error,
            c.findings.warning,
            c.findings.info
        );
    }
    if s.categories.iter().any(|c| c.hygiene) {
        let _ = writeln!(
            out,
            "\n<sub>° hygiene: in the mean only, never the weakest area (`dblint explain scoring`)</sub>"
        );
    }
    let recs = recommendations(report.findings, 5);
    if !recs.is_empty() {
        let _ = writeln!(out, "\n### Top recommendations\n");
        for (i, r) in recs.iter().enumerate() {
            let _ = writeln!(
                out,
                "{}. **{}** `{}` — {} ({})",
                i + 1,
                r.severity,
                r.rule,
                escape(r.summary),
                r.count
            );
        }
    }
    let flagged: Vec<_> = s
        .tables
        .iter()
        .filter(|t| t.status != TableState::Ok)
        .collect();
    if !flagged.is_empty() {
        let _ = writeln!(
            out,
            "\n<details><summary>Tables with findings ({})</summary>\n",
            flagged.len()
        );
        let _ = writeln!(
            out,
            "| | Table | Errors | Warnings | Info |\n|---|---|---:|---:|---:|"
        );
        for t in flagged {
            let icon = if t.status == TableState::Error {
                "❌"
            } else {
                "⚠️"
            };
            let _ = writeln!(
                out,
                "| {icon} | `{}` | {} | {} | {} |",
                escape(&t.table.to_string()),
                t.findings.error,
                t.findings.warning,
                t.findings.info
            );
        }
        let _ = writeln!(out, "\n</details>");
    }
    // Past the size limit nothing more is written: no empty severity block or rule
    // heading, only the count of what was left out.
    let mut truncated = 0usize;
    for severity in [Severity::Error, Severity::Warning, Severity::Info] {
        let groups = grouped(report.findings, severity);
        if groups.is_empty() {
            continue;
        }
        let count: usize = groups.iter().map(|(_, fs)| fs.len()).sum();
        if out.len() > MAX_CHARS {
            truncated += count;
            continue;
        }
        let open = if severity == Severity::Error {
            " open"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "\n<details{open}><summary>{} ({count})</summary>\n",
            severity.as_str().to_uppercase()
        );
        for (rule, fs) in groups {
            if out.len() > MAX_CHARS {
                truncated += fs.len();
                continue;
            }
            let _ = writeln!(out, "\n**`{rule}`** ({})\n", fs.len());
            for f in fs {
                if out.len() > MAX_CHARS {
                    truncated += 1;
                    continue;
                }
                let loc = f
                    .location
                    .as_ref()
                    .map(|l| format!(" ({l})"))
                    .unwrap_or_default();
                let _ = writeln!(out, "- {}{}", escape(&f.message), escape(&loc));
                if let Some(fix) = &f.fix {
                    let _ = writeln!(
                        out,
                        "  ```sql\n  {}\n  ```",
                        super::printable(fix, true).replace('\n', "\n  ")
                    );
                }
                if let Some(help) = &f.help {
                    let _ = writeln!(out, "  _{}_", escape(help));
                }
            }
        }
        let _ = writeln!(out, "\n</details>");
    }
    if truncated > 0 {
        let _ = writeln!(
            out,
            "\n_{truncated} more findings not shown (comment size limit); run `dblint lint --format json` for all._"
        );
    }
    out
}
