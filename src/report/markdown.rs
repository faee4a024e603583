//! `--format markdown`: a pull-request comment. It opens with what was reviewed and
//! the verdict, lists the change's findings unfolded (errors and warnings; info
//! folded), and ends with the scorecard folded. It always fits in GitHub's comment
//! limit (65,536 characters): findings that would not fit are counted, not cut.

use super::{counted, grouped, recommendations, Report};
use crate::finding::{Finding, Severity};
use std::fmt::Write;

/// GitHub rejects comments longer than 65,536 characters; `render` stays under this
/// many bytes (a character is at least one byte), with room for the closing lines.
pub const MAX_BYTES: usize = 65_000;

fn escape(s: &str) -> String {
    super::printable(s, false)
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// One finding as a list item, with its fix and help.
fn item(f: &Finding) -> String {
    let mut out = String::new();
    let loc = f
        .location
        .as_ref()
        .map(|l| format!(" (`{}`)", escape(&l.to_string()).replace('`', "'")))
        .unwrap_or_default();
    let _ = writeln!(out, "- {}{loc}", escape(&f.message));
    if let Some(fix) = f.shown_fix() {
        // A Prisma fix is Prisma's language and prose, not SQL.
        let language = if f.prisma_fix.is_some() { "" } else { "sql" };
        let _ = writeln!(
            out,
            "  ```{language}\n  {}\n  ```",
            super::printable(fix, true)
                .replace("```", "` ` `")
                .replace('\n', "\n  ")
        );
    }
    if let Some(help) = &f.help {
        let _ = writeln!(out, "  _{}_", escape(help));
    }
    out
}

/// The verdict: `✅ gate passes` or `❌ gate fails: 2 findings at or above error`.
pub(super) fn verdict(report: &Report) -> String {
    if report.writing_baseline {
        return "gate not judged (--write-baseline)".into();
    }
    let reasons: Vec<String> = report
        .gate()
        .into_iter()
        .map(|failure| match failure {
            crate::grade::GateFailure::Findings { threshold, count } => {
                format!("{} at or above {threshold}", counted(count, "finding"))
            }
            crate::grade::GateFailure::Grade { grade, required } => {
                format!("grade {grade} below the required {required}")
            }
        })
        .collect();
    let input_errors = report
        .diagnostics
        .iter()
        .filter(|d| d.level == crate::source::DiagnosticLevel::Error)
        .count();
    let mut reasons = reasons;
    if input_errors > 0 {
        reasons.push(format!("{} in the input", counted(input_errors, "error")));
    }
    if reasons.is_empty() {
        "✅ gate passes".into()
    } else {
        format!("❌ gate fails: {}", reasons.join("; "))
    }
}

/// The scorecard as a folded table.
fn scorecard(report: &Report) -> String {
    let s = report.scorecard;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n<details><summary>Scorecard of the whole schema: {}/100 ({}), {} tables, {}, {}, {}</summary>\n",
        s.overall,
        s.grade,
        s.tables.len(),
        counted(s.totals.error, "error"),
        counted(s.totals.warning, "warning"),
        counted(s.totals.info, "info finding")
    );
    let _ = writeln!(
        out,
        "| Category | Score | Grade | Errors | Warnings | Info |\n|---|---:|:---:|---:|---:|---:|"
    );
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
    let _ = writeln!(out, "\n</details>");
    out
}

pub fn render(report: &Report) -> String {
    let s = report.scorecard;
    let mut out = String::new();
    let what = if report.scope.is_some() {
        "this change"
    } else {
        "the schema"
    };
    let _ = writeln!(
        out,
        "## dblint: {} in {what} · {}\n",
        if report.findings.is_empty() {
            "no findings".to_string()
        } else {
            counted(report.findings.len(), "finding")
        },
        verdict(report)
    );
    // What was reviewed first: a reviewer must know what the verdict covers.
    let _ = writeln!(out, "`{}`", escape(&report.source));
    if let Some(review) = report.review {
        let _ = writeln!(out, "- {}", escape(review));
    }
    if let Some(scope) = report.scope {
        let _ = writeln!(out, "- Judged: {}", escape(&scope.against()));
        if let Some(already) = scope.already_line() {
            let _ = writeln!(out, "- {}", escape(&already));
        }
        if !scope.fixed.is_empty() {
            let _ = writeln!(
                out,
                "- This change fixes {} that {} had",
                counted(scope.fixed.len(), "finding"),
                escape(&scope.base)
            );
        }
    }
    let mut grade = format!("- Schema grade: **{}/100 ({})**", s.overall, s.grade);
    if let Some((scope, base)) = report
        .scope
        .and_then(|c| c.base_score.as_ref().map(|b| (c, b)))
    {
        let _ = write!(
            grade,
            " · on {}: {}/100 ({})",
            escape(&scope.base),
            base.overall,
            base.grade
        );
    }
    if let Some(held) = &s.held_by {
        let _ = write!(grade, " — {}", escape(&super::held_line(held)));
    }
    if let Some(b) = report.baseline {
        let _ = write!(
            grade,
            " · {} baselined, {} fixed since the baseline",
            counted(b.baselined, "finding"),
            b.fixed.len()
        );
    }
    let _ = writeln!(out, "{grade}");

    let closing = scorecard(report);
    // Room for the closing scorecard and the line that counts what did not fit.
    let budget = MAX_BYTES.saturating_sub(closing.len() + 300);
    let mut left_out = 0usize;
    let recs = recommendations(report.findings, 5);
    if recs.len() > 1 {
        let mut block = String::from("\n### Top recommendations\n\n");
        for (i, r) in recs.iter().enumerate() {
            let _ = writeln!(
                block,
                "{}. **{}** `{}` — {} ({})",
                i + 1,
                r.severity,
                r.rule,
                escape(r.summary),
                r.count
            );
        }
        if out.len() + block.len() <= budget {
            out.push_str(&block);
        }
    }
    for severity in [Severity::Error, Severity::Warning, Severity::Info] {
        let groups = grouped(report.findings, severity);
        if groups.is_empty() {
            continue;
        }
        let count: usize = groups.iter().map(|(_, fs)| fs.len()).sum();
        let (icon, title) = match severity {
            Severity::Error => ("❌", "Errors"),
            Severity::Warning => ("⚠️", "Warnings"),
            Severity::Info => ("ℹ️", "Info"),
        };
        let folded = severity == Severity::Info;
        let open = if folded {
            format!("\n<details><summary>{icon} {title} ({count})</summary>\n\n")
        } else {
            format!("\n### {icon} {title} ({count})\n")
        };
        let close = if folded { "\n</details>\n" } else { "" };
        // A heading is written only with the first item under it that fits, so a
        // cut never leaves an empty section or rule heading.
        let mut section = String::new();
        for (rule, fs) in groups {
            let summary = crate::rules::find(rule)
                .map(|r| r.meta().summary)
                .unwrap_or("");
            let heading = format!("\n**`{rule}`** — {} ({})\n\n", escape(summary), fs.len());
            let mut headed = false;
            for f in fs {
                let text = item(f);
                let mut needed = text.len() + close.len();
                if !headed {
                    needed += heading.len();
                }
                if section.is_empty() {
                    needed += open.len();
                }
                if out.len() + section.len() + needed > budget {
                    left_out += 1;
                    continue;
                }
                if section.is_empty() {
                    section.push_str(&open);
                }
                if !headed {
                    section.push_str(&heading);
                    headed = true;
                }
                section.push_str(&text);
            }
        }
        if !section.is_empty() {
            out.push_str(&section);
            out.push_str(close);
        }
    }
    if left_out > 0 {
        let _ = writeln!(
            out,
            "\n_{} not shown (GitHub's comment size limit); `dblint lint --format json` lists every one._",
            counted(left_out, "more finding")
        );
    }
    out.push_str(&closing);
    out
}
