//! `--format junit`: one test suite per rule, one test case per object with a
//! finding, and one passing case for a rule that found nothing. A finding is a
//! failure when it reaches `--fail-on` (the same gate as the exit code); below it, the
//! case passes and carries the finding in `<system-out>`.

use super::Report;
use crate::finding::Finding;
use std::collections::BTreeMap;
use std::fmt::Write;

fn xml(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}'))
        .collect::<String>()
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

pub fn render(report: &Report, active_rules: &[&'static str]) -> String {
    let mut by_rule: BTreeMap<&str, Vec<&Finding>> =
        active_rules.iter().map(|r| (*r, Vec::new())).collect();
    for f in report.findings {
        by_rule.entry(f.rule).or_default().push(f);
    }
    let tests: usize = by_rule.values().map(|fs| fs.len().max(1)).sum();
    let fails = |f: &Finding| report.fail_on.is_some_and(|t| f.severity >= t);
    let failures = report.findings.iter().filter(|f| fails(f)).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"dblint\" tests=\"{tests}\" failures=\"{failures}\">"
    );
    for (rule, fs) in &by_rule {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\">",
            xml(rule),
            fs.len().max(1),
            fs.iter().filter(|f| fails(f)).count()
        );
        if fs.is_empty() {
            let _ = writeln!(
                out,
                "    <testcase classname=\"{}\" name=\"no findings\"/>",
                xml(rule)
            );
        }
        for f in fs {
            let _ = writeln!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\">",
                xml(rule),
                xml(&f.object_path())
            );
            let mut body = String::new();
            if let Some(loc) = &f.location {
                body.push_str(&format!("at {loc}\n"));
            }
            if let Some(fix) = f.shown_fix() {
                body.push_str(&format!("fix:\n{fix}\n"));
            }
            if let Some(help) = &f.help {
                body.push_str(&format!("help: {help}\n"));
            }
            if fails(f) {
                let _ = writeln!(
                    out,
                    "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                    f.severity,
                    xml(&f.message),
                    xml(&body)
                );
            } else {
                let _ = writeln!(
                    out,
                    "      <system-out>{}: {}\n{}</system-out>",
                    f.severity,
                    xml(&f.message),
                    xml(&body)
                );
            }
            let _ = writeln!(out, "    </testcase>");
        }
        let _ = writeln!(out, "  </testsuite>");
    }
    out.push_str("</testsuites>\n");
    out
}
