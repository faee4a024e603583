//! `--format github`: GitHub Actions workflow commands. GitHub shows at most 10
//! error, 10 warning and 10 notice annotations per step (50 per job; actions/toolkit
//! `docs/problem-matchers.md`, "Limitations"), and drops the rest. So the findings
//! are annotated most severe first, up to those limits; the ones left over are
//! printed as plain log lines, and a closing notice gives the verdict and says how
//! many were not annotated. (`publish` also appends the Markdown report to the job
//! summary, `GITHUB_STEP_SUMMARY`, when GitHub provides one.)

use super::{counted, Report};
use crate::finding::{Finding, Severity};
use std::fmt::Write;

/// Annotations GitHub shows per step, for each of error, warning and notice.
pub const PER_STEP: usize = 10;

/// Escaping rules of workflow commands: data and property values differ.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

fn annotation(f: &Finding) -> String {
    let mut props = Vec::new();
    if let Some(loc) = &f.location {
        props.push(format!("file={}", escape_property(&loc.file)));
        props.push(format!("line={}", loc.line));
        if loc.column > 0 {
            props.push(format!("col={}", loc.column));
        }
    }
    props.push(format!(
        "title={}",
        escape_property(&format!("dblint {} ({})", f.rule, f.object_path()))
    ));
    let mut message = f.message.clone();
    if let Some(fix) = f.shown_fix() {
        message.push_str("\nFix: ");
        message.push_str(fix);
    }
    if let Some(help) = &f.help {
        message.push_str("\nHelp: ");
        message.push_str(help);
    }
    format!(
        "::{} {}::{}\n",
        command(f.severity),
        props.join(","),
        escape_data(&message)
    )
}

/// A finding GitHub would not show as an annotation, as a plain log line.
fn log_line(f: &Finding) -> String {
    let at = f
        .location
        .as_ref()
        .map(|l| format!("{l}: "))
        .unwrap_or_default();
    format!(
        "dblint: {at}{} {}: {}\n",
        f.severity,
        f.rule,
        super::printable(&f.message, false)
    )
}

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let mut ordered: Vec<&Finding> = report.findings.iter().collect();
    // Most severe first, and within a severity risk before hygiene (`dblint explain
    // scoring`), so the annotations GitHub shows are the ones that matter most.
    let hygiene = |f: &Finding| {
        crate::packs::packs()
            .iter()
            .any(|p| p.hygiene && p.category == f.category)
    };
    ordered.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| hygiene(a).cmp(&hygiene(b)))
    });
    // One notice is kept for the closing summary.
    let limit = |s: Severity| match s {
        Severity::Info => PER_STEP - 1,
        _ => PER_STEP,
    };
    let mut shown = [0usize; 3];
    let mut left: Vec<&Finding> = Vec::new();
    for f in ordered {
        let slot = &mut shown[f.severity as usize];
        if *slot < limit(f.severity) {
            *slot += 1;
            out.push_str(&annotation(f));
        } else {
            left.push(f);
        }
    }
    if !left.is_empty() {
        let _ = writeln!(
            out,
            "dblint: {} beyond GitHub's {PER_STEP} annotations per level and step:",
            counted(left.len(), "finding")
        );
        for f in &left {
            out.push_str(&log_line(f));
        }
    }
    let s = report.scorecard;
    let verdict = if report.writing_baseline {
        "gate not judged (--write-baseline)".to_string()
    } else if report.gate().is_empty() {
        "gate passes".to_string()
    } else {
        "gate fails".to_string()
    };
    let mut summary = format!(
        "{verdict}: {} ({})",
        counted(report.findings.len(), "finding"),
        [Severity::Error, Severity::Warning, Severity::Info]
            .iter()
            .map(|sev| {
                let n = report
                    .findings
                    .iter()
                    .filter(|f| f.severity == *sev)
                    .count();
                format!("{n} {}", sev.as_str())
            })
            .collect::<Vec<_>>()
            .join(", ")
    );
    if let Some(scope) = report.scope {
        let _ = write!(summary, " in {}", scope.against());
        if let Some(already) = scope.already_line() {
            let _ = write!(summary, "; {already}");
        }
    }
    if !left.is_empty() {
        let _ = write!(
            summary,
            "; {} not annotated (GitHub shows {PER_STEP} per level and step): listed in the log and the job summary",
            left.len()
        );
    }
    let _ = write!(
        summary,
        ". Schema Quality Score {}/100 ({}) for the whole schema",
        s.overall, s.grade
    );
    let _ = writeln!(out, "::notice title=dblint::{}", escape_data(&summary));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("50%\nnext"), "50%25%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
