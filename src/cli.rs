//! Command-line interface: flags, and the mapping of results to exit codes
//! (0 clean, 1 findings at/above the threshold, 2 usage/input/config error).

use crate::commands;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(name = "dblint", version, about = "Tells PostgreSQL teams the truth about their schema", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Replay SQL files and migration directories into a schema model and grade it
    Lint(LintArgs),
    /// Read a live database's catalog (read-only) and grade it
    Inspect(InspectArgs),
    /// List every rule with its pack, default severity and summary
    Rules(RulesArgs),
    /// Print a rule's documentation, or `scoring` for how grades are computed
    Explain {
        /// Rule id (see `dblint rules`) or `scoring`
        topic: String,
    },
    /// Write a commented starter dblint.toml in the current directory
    Init {
        /// Overwrite an existing dblint.toml
        #[arg(long)]
        force: bool,
    },
    /// Print a shell completion script
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Markdown,
    Sarif,
    Github,
    Gitlab,
    Junit,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(clap::Args, Debug)]
pub struct LintArgs {
    /// SQL files and migration directories, replayed in the order given
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// PostgreSQL major version the migrations will run on (default 15, or `pg_version`)
    #[arg(long, value_name = "MAJOR", value_parser = clap::value_parser!(u32).range(10..=19))]
    pub pg_version: Option<u32>,
    /// Print, per statement, the lock it takes, the tables it locks and whether it
    /// rewrites or scans them (a Markdown table for a pull request), then exit
    #[arg(long)]
    pub locks: bool,
    /// Replay everything, but report only migrations added or changed since the merge
    /// base with this git ref (and schema findings on the tables they touch)
    #[arg(long, value_name = "GIT_REF")]
    pub since: Option<String>,
    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(clap::Args, Debug)]
pub struct InspectArgs {
    /// Connection URL or key=value string (default: DATABASE_URL, then the PG* variables)
    #[arg(value_name = "DATABASE_URL")]
    pub url: Option<String>,
    /// Only schemas matching this glob (repeatable)
    #[arg(long = "schema", value_name = "GLOB")]
    pub schemas: Vec<String>,
    /// Skip schemas matching this glob (repeatable)
    #[arg(long = "exclude-schema", value_name = "GLOB")]
    pub exclude_schemas: Vec<String>,
    /// statement_timeout for the catalog queries, in seconds (1 to 2147483, PostgreSQL's limit)
    #[arg(long, value_name = "SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=2_147_483))]
    pub statement_timeout: u64,
    /// lock_timeout for the catalog queries, in seconds (1 to 2147483, PostgreSQL's limit)
    #[arg(long, value_name = "SECONDS", default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=2_147_483))]
    pub lock_timeout: u64,
    /// Print the catalog queries dblint runs against this server, then exit
    #[arg(long)]
    pub print_queries: bool,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// Flags shared by every command that grades a schema.
#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit 1 when a finding has at least this severity: error, warning, info or none
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<String>,
    /// Exit 1 when the overall grade is below this (e.g. B, A-)
    #[arg(long, value_name = "GRADE")]
    pub min_grade: Option<String>,
    /// Configuration file (default: dblint.toml next to the input, or in the current directory or a parent)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore dblint.toml even if one is found
    #[arg(long)]
    pub no_config: bool,
    /// Only these packs (repeatable or comma-separated); extends `packs` of the config
    #[arg(long, value_delimiter = ',', value_name = "PACK")]
    pub pack: Vec<String>,
    /// Turn a rule on (repeatable or comma-separated)
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub enable: Vec<String>,
    /// Turn a rule off (repeatable or comma-separated)
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub disable: Vec<String>,
    /// Suppress findings on objects matching this glob, e.g. 'public.audit_*'
    #[arg(long, value_name = "GLOB")]
    pub ignore: Vec<String>,
    /// When to use colour (NO_COLOR is honoured with auto)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Write the --format report to FILE; the human scorecard still goes to the terminal
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Report and gate on findings not in this baseline file only
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record today's findings in FILE and exit 0 (adopt the gate on a legacy schema)
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Accept a schema with no tables (a new repository) instead of exiting 2
    #[arg(long)]
    pub allow_empty: bool,
}

#[derive(clap::Args, Debug)]
pub struct RulesArgs {
    /// Output format (human or json)
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

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
            Ok(0)
        }
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("dblint: error: {message}");
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
