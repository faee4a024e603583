//! The dispatcher: parse the command line (`args.rs`), run one command, and turn its
//! result into the exit code (0 clean, 1 findings at/above the threshold, 2 usage,
//! input or configuration error). The only place that maps errors to exit codes.

use crate::args::{Cli, Command};
use crate::commands;
use crate::error::Verdict;
use clap::Parser;
use std::process::ExitCode;

/// Parse arguments, run one command, return its exit code.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version.
            let _ = e.print();
            return ExitCode::from(0);
        }
        Err(e) => {
            let args: Vec<String> = std::env::args().skip(1).collect();
            eprintln!("dblint: {}", usage_error_line(&e.to_string(), &args));
            return ExitCode::from(2);
        }
    };
    let result = match &cli.command {
        Command::Lint(args) => commands::lint::run(args),
        Command::Inspect(args) => commands::inspect::run(args),
        Command::Diff(args) => commands::diff::run(args),
        Command::Trace(args) => commands::trace::run(args),
        Command::Rules(args) => commands::rules::run(args),
        Command::Explain { topic } => commands::explain::run(topic),
        Command::Init { force } => commands::init::run(*force),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(*shell, &mut cmd, "dblint", &mut std::io::stdout());
            Ok(Verdict::Pass)
        }
    };
    match result {
        Ok(Verdict::Pass) => ExitCode::from(0),
        Ok(Verdict::Fail) => ExitCode::from(1),
        Ok(Verdict::InvalidInput) => ExitCode::from(2),
        Err(error) => {
            let args: Vec<String> = std::env::args().skip(1).collect();
            let message = redact_connection_strings(&error.to_string(), &args);
            eprintln!("dblint: error: {message}");
            // The pull request's comment must not keep saying what an earlier run
            // found: it says this run stopped, and why.
            let report = match &cli.command {
                Command::Lint(a) => Some(&a.report),
                Command::Inspect(a) => Some(&a.report),
                _ => None,
            };
            if let Some(report) = report {
                crate::comment::post_failure(report, &message);
            }
            ExitCode::from(2)
        }
    }
}

/// clap's usage error as one line (its first), with a pointer to `--help`. An
/// argument that looks like a connection string (clap quotes misplaced arguments) is
/// replaced whole by `<connection string>`: it may hold a password.
pub fn usage_error_line(rendered: &str, args: &[String]) -> String {
    let mut lines = rendered.lines().skip_while(|l| l.trim().is_empty());
    let mut line = lines
        .next()
        .unwrap_or("error: invalid arguments")
        .trim()
        .to_string();
    // "the following required arguments were not provided:" lists them on the next
    // lines: name them on this one.
    if line.ends_with(':') {
        let listed: Vec<&str> = lines
            .take_while(|l| l.starts_with(char::is_whitespace) && !l.trim().is_empty())
            .map(str::trim)
            .collect();
        if !listed.is_empty() {
            line = format!("{} {}", line, listed.join(", "));
        }
    }
    line = redact_connection_strings(&line, args);
    format!("{line} (see dblint --help)")
}

/// The last line of defence for messages that quote what the user typed (a path, a
/// flag's value, an environment variable): a connection string given in the wrong
/// place is replaced whole, never character by character, so nothing of a password
/// shows and nothing else is garbled. Replaced: every argument that looks like a
/// connection string (`…://…@…`, `password=`), then any `scheme://user:secret@` and
/// `password=…` left in the text.
pub fn redact_connection_strings(message: &str, args: &[String]) -> String {
    let mut text = message.to_string();
    for arg in args {
        let looks_like = (arg.contains("://") && arg.contains('@')) || arg.contains("password=");
        if looks_like && text.contains(arg.as_str()) {
            text = text.replace(arg.as_str(), "<connection string>");
        }
    }
    // `scheme://user:secret@host` anywhere else: drop the user information.
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find("://") {
        let (head, tail) = rest.split_at(i + 3);
        out.push_str(head);
        let end = tail
            .find(|c: char| c.is_whitespace() || matches!(c, '\'' | '"' | '`' | '/'))
            .unwrap_or(tail.len());
        match tail[..end].rfind('@') {
            Some(at) => {
                out.push_str("<credentials>");
                rest = &tail[at..];
            }
            None => rest = tail,
        }
    }
    out.push_str(rest);
    // `password=…` up to the next space or quote.
    let mut text = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(i) = rest.find("password=") {
        let (head, tail) = rest.split_at(i + "password=".len());
        text.push_str(head);
        text.push_str("<redacted>");
        let end = tail
            .find(|c: char| c.is_whitespace() || matches!(c, '\'' | '"' | '`' | '&'))
            .unwrap_or(tail.len());
        rest = &tail[end..];
    }
    text.push_str(rest);
    text
}
