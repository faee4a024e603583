//! `--format github`: GitHub Actions workflow commands, one annotation per finding.

use super::Report;
use crate::finding::Severity;
use std::fmt::Write;

/// Escaping rules of workflow commands: data and property values differ.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for f in report.findings {
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut props = Vec::new();
        if let Some(loc) = &f.location {
            props.push(format!("file={}", escape_property(&loc.file)));
            props.push(format!("line={}", loc.line));
        }
        props.push(format!(
            "title={}",
            escape_property(&format!("dblint {} ({})", f.rule, f.object_path()))
        ));
        let mut message = f.message.clone();
        if let Some(fix) = &f.fix {
            message.push_str("\nFix: ");
            message.push_str(fix);
        }
        if let Some(help) = &f.help {
            message.push_str("\nHelp: ");
            message.push_str(help);
        }
        let _ = writeln!(
            out,
            "::{command} {}::{}",
            props.join(","),
            escape_data(&message)
        );
    }
    let s = report.scorecard;
    let _ = writeln!(
        out,
        "::notice title=dblint scorecard::Schema Quality Score {}/100 ({}): {} errors, {} warnings, {} info",
        s.overall, s.grade, s.totals.error, s.totals.warning, s.totals.info
    );
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
