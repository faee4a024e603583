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
    let result = match cli.command {
        Command::Lint(args) => commands::lint::run(&args),
        Command::Inspect(args) => commands::inspect::run(&args),
        Command::Rules(args) => commands::rules::run(&args),
        Command::Explain { topic } => commands::explain::run(&topic),
        Command::Init { force } => commands::init::run(force),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "dblint", &mut std::io::stdout());
            Ok(Verdict::Pass)
        }
    };
    match result {
        Ok(Verdict::Pass) => ExitCode::from(0),
        Ok(Verdict::Fail) => ExitCode::from(1),
        Ok(Verdict::InvalidInput) => ExitCode::from(2),
        Err(error) => {
            eprintln!("dblint: error: {error}");
            ExitCode::from(2)
        }
    }
}

/// clap's usage error as one line (its first), with a pointer to `--help`. An
/// argument that looks like a connection string (clap quotes misplaced arguments) is
/// replaced whole by `<connection string>`: it may hold a password.
pub fn usage_error_line(rendered: &str, args: &[String]) -> String {
    let mut line = rendered
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("error: invalid arguments")
        .trim()
        .to_string();
    for arg in args {
        let secretive = arg.contains("://") || arg.contains("password") || arg.contains('@');
        if secretive && !arg.is_empty() && line.contains(arg.as_str()) {
            line = line.replace(arg.as_str(), "<connection string>");
        }
    }
    format!("{line} (see dblint --help)")
}
