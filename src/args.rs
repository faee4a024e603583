//! The command line's shape: every command, flag and value, as clap parses them. A
//! leaf module (nothing else of dblint's), so commands and settings can take these
//! types without depending on the dispatcher (`cli.rs`).

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

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
    /// Compare schemas: is the database what its migrations (or another database, or
    /// a schema.prisma) say? Exit 0 equal, 1 different, 2 error
    Diff(DiffArgs),
    /// Apply migrations to a throwaway PostgreSQL and show, per statement, the locks,
    /// rewrites and scans it really took beside what `lint --locks` predicts
    Trace(TraceArgs),
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
    /// One self-contained page: scorecard, findings and an ER diagram of the hazards
    Html,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(clap::Args, Debug)]
pub struct LintArgs {
    /// SQL files and migration directories, replayed in the order given; `-` reads
    /// standard input
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The file standard input (`-`) stands for: its name places findings, finds
    /// dblint.toml and tells the migration tool (Flyway, Prisma, …). A file of that
    /// name inside a folder being linted is replaced by standard input (an editor's
    /// unsaved buffer)
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    /// PostgreSQL major version the migrations will run on (default 15, or `pg_version`)
    #[arg(long, value_name = "MAJOR", value_parser = clap::value_parser!(u32).range(10..=19))]
    pub pg_version: Option<u32>,
    /// Print, per statement, the lock it takes, the tables it locks and whether it
    /// rewrites or scans them (a Markdown table for a pull request), then exit
    #[arg(long)]
    pub locks: bool,
    /// Judge the change since the merge base with this git ref: the migrations added
    /// or changed since then, and the schema findings the base did not have
    /// (default: the CI's base branch, else the upstream default branch)
    #[arg(long, value_name = "GIT_REF", conflicts_with = "all")]
    pub since: Option<String>,
    /// Judge everything: review every migration and gate on every schema finding, not
    /// only what the change adds (an audit; `--all-migrations` is the old name)
    #[arg(long, alias = "all-migrations")]
    pub all: bool,
    /// Exit 2 when there is no base to measure the change from (outside git, no base
    /// branch or merge base, or a base that is the commit being checked) instead of
    /// judging everything
    #[arg(long, conflicts_with = "all")]
    pub require_base: bool,
    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum TraceFormat {
    /// A Markdown table, predicted and observed side by side
    Table,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct TraceArgs {
    /// SQL files and migration directories, applied in the order `lint` replays them
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Run on this server: dblint creates a scratch database there and drops it
    /// afterwards (it refuses a URL whose database holds tables). Default: a
    /// temporary cluster dblint starts and removes
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
    /// Directory with initdb and pg_ctl for the temporary cluster (default: PATH,
    /// then PostgreSQL's usual install locations)
    #[arg(long, value_name = "DIR", conflicts_with = "database")]
    pub pg_bin: Option<PathBuf>,
    /// PostgreSQL major version: chooses the temporary cluster's programs; the
    /// --database server must run it
    #[arg(long, value_name = "MAJOR", value_parser = clap::value_parser!(u32).range(12..=18))]
    pub pg_version: Option<u32>,
    /// Trace only the migrations added or changed since the merge base with this git
    /// ref; the earlier ones are applied first, untraced
    #[arg(long, value_name = "GIT_REF")]
    pub since: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = TraceFormat::Table)]
    pub format: TraceFormat,
    /// Configuration file (for `delivery` under `[paths]`; default: dblint.toml next to
    /// the input, or in the current directory or a parent)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore dblint.toml even if one is found
    #[arg(long)]
    pub no_config: bool,
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
    /// Read the catalog over this many connections sharing one snapshot, 1 to 3
    /// (default: 3 from 2,000 tables, else 1)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=3))]
    pub jobs: Option<u64>,
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
    /// List every finding in the terminal report (rules with many findings are
    /// otherwise summarised: count, tables, a few examples)
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Keep one comment on the GitHub pull request up to date with the Markdown report
    /// (GitHub Actions: GITHUB_TOKEN with `pull-requests: write`, GITHUB_REPOSITORY,
    /// GITHUB_EVENT_PATH; GITHUB_API_URL for GitHub Enterprise). When GitHub refuses (a
    /// fork's read-only token), the report goes to the job summary and annotations;
    /// the exit code is the gate's either way
    #[arg(long)]
    pub github_comment: bool,
    /// Keep one note on the GitLab merge request up to date with the Markdown report
    /// (CI_API_V4_URL, CI_PROJECT_ID, CI_MERGE_REQUEST_IID; a token with the api scope
    /// in DBLINT_GITLAB_TOKEN)
    #[arg(long, conflicts_with = "github_comment")]
    pub gitlab_comment: bool,
    /// Tells this job's comment apart from other dblint jobs' on the same pull request
    /// (letters, digits, `.`, `_`, `-`)
    #[arg(long, value_name = "KEY", default_value = "default")]
    pub comment_key: String,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Human,
    Json,
    Markdown,
}

#[derive(clap::Args, Debug)]
pub struct DiffArgs {
    /// Two or more sides, the first the reference: a connection string (`-` for
    /// DATABASE_URL or the PG* variables), a SQL file or migrations folder, or a
    /// schema.prisma
    #[arg(required = true, num_args = 2.., value_name = "SIDE")]
    pub sides: Vec<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
    /// Leave out differences whose path matches GLOB (`table public.* index hotfix_*`,
    /// `* column * comment`) or a group (`names`: default constraint names against
    /// others; `validity`); repeatable, added to dblint.toml's [diff] ignore
    #[arg(long, value_name = "GLOB")]
    pub ignore: Vec<String>,
    /// Compare the order of columns too (a rollback that re-adds a column moves it)
    #[arg(long)]
    pub strict: bool,
    /// Fail (exit 1) when objects of kinds dblint does not compare were seen, or
    /// statements replay cannot follow
    #[arg(long)]
    pub strict_coverage: bool,
    /// Compare only schemas matching GLOB (repeatable)
    #[arg(long = "schema", value_name = "GLOB")]
    pub schemas: Vec<String>,
    /// Leave out schemas matching GLOB (repeatable)
    #[arg(long = "exclude-schema", value_name = "GLOB")]
    pub exclude_schemas: Vec<String>,
    /// Longest a catalog query may run on a database side, in seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=2_147_483))]
    pub statement_timeout: u64,
    /// Longest a catalog query may wait for a lock, in seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=2_147_483))]
    pub lock_timeout: u64,
    /// Configuration file (default: dblint.toml near the first file side, or above
    /// the current directory)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore dblint.toml
    #[arg(long)]
    pub no_config: bool,
    /// Write the report to FILE instead of stdout (whole or not at all)
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Colour the terminal report
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print SQL instead of the report: `database` makes the database side match the
    /// migrations side, `migrations` is a new migration that adopts the database's
    /// state. Each statement is reviewed by the migration rules; nothing is run
    #[arg(long, value_enum, value_name = "SIDE", conflicts_with = "format")]
    pub fix: Option<FixTarget>,
    /// With --fix: write the DROP statements for what only the side being fixed has
    /// (otherwise they are printed commented out)
    #[arg(long, requires = "fix")]
    pub allow_drop: bool,
}

/// Which side `dblint diff --fix` writes SQL for.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixTarget {
    Database,
    Migrations,
}

#[derive(clap::Args, Debug)]
pub struct RulesArgs {
    /// Output format (human or json)
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}
