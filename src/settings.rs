//! Settings: defaults ← `dblint.toml` ← environment ← command-line flags. Lists from a
//! later layer extend the earlier ones; scalars replace them.

use crate::finding::Severity;
use crate::score::Grade;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = "dblint.toml";

/// A configuration problem, already phrased for the user (`file:line: message`).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

#[derive(Debug, Clone, Default)]
pub struct RuleSettings {
    pub severity: Option<Severity>,
    pub enabled: Option<bool>,
    pub options: toml::Table,
    pub ignore: Vec<String>,
}

/// Settings for the migration files under a glob.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PathSettings {
    /// How the migration tool sends each file (`delivery = "statements" | "one-query" |
    /// "transaction"`; the older `assume_in_transaction = true|false` means
    /// "transaction" or "statements"). Unset: dblint detects the tool.
    pub delivery: Option<crate::source::sql::delivery::Delivery>,
}

/// Default target version for migration verdicts.
pub const DEFAULT_PG_VERSION: u32 = 15;
/// Major versions `pg_version` accepts.
pub const PG_VERSIONS: std::ops::RangeInclusive<u32> = 10..=19;

#[derive(Debug, Clone)]
pub struct Settings {
    /// Findings at or above this severity fail the run; `None` never fails on findings.
    pub fail_on: Option<Severity>,
    pub min_grade: Option<Grade>,
    /// Selected packs; `None` means every pack.
    pub packs: Option<Vec<String>>,
    pub enable: Vec<String>,
    pub disable: Vec<String>,
    /// Object globs (`public.audit_*`, `legacy.*`) whose findings are suppressed.
    pub ignore: Vec<String>,
    pub rules: BTreeMap<String, RuleSettings>,
    pub pack_options: BTreeMap<String, toml::Table>,
    /// Per-path migration settings, by glob: `[paths."prisma/migrations/**"]`.
    pub paths: Vec<(String, PathSettings)>,
    /// The PostgreSQL major version migrations will run on (version-dependent verdicts).
    pub pg_version: u32,
    /// The Prisma major version a `schema.prisma` is migrated with (`prisma_version`),
    /// when stated; else read from the project's package.json (`source::prisma`).
    pub prisma_version: Option<u32>,
    /// The configuration file that was read, if any.
    pub config_file: Option<PathBuf>,
    /// `[diff]`: what `dblint diff` leaves out and how strict it is.
    pub diff: DiffSettings,
}

/// `[diff]` in dblint.toml.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiffSettings {
    /// Globs over a difference's path (`table public.* index hotfix_*`,
    /// `* column * comment`) or a group name (`names`, `validity`).
    pub ignore: Vec<String>,
    /// Compare column order too.
    pub strict: bool,
    /// Objects of kinds dblint does not compare make the run fail (exit 1).
    pub strict_coverage: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            fail_on: Some(Severity::Error),
            min_grade: None,
            packs: None,
            enable: Vec::new(),
            disable: Vec::new(),
            ignore: Vec::new(),
            rules: BTreeMap::new(),
            pack_options: BTreeMap::new(),
            pg_version: DEFAULT_PG_VERSION,
            prisma_version: None,
            paths: Vec::new(),
            config_file: None,
            diff: DiffSettings::default(),
        }
    }
}

/// `error`, `warning`, `info`, or `none` (never fail on findings).
pub fn parse_fail_on(value: &str) -> Option<Option<Severity>> {
    match value {
        "none" | "never" => Some(None),
        other => Severity::parse(other).map(Some),
    }
}

/// Find `dblint.toml` in `start` or the nearest parent directory.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        let candidate = d.join(CONFIG_FILE);
        if candidate.is_file() {
            return Some(candidate);
        }
        dir = d.parent();
    }
    None
}

/// The 1-based line where `key` is set, searching after `[section]` when given.
fn line_of(text: &str, section: Option<&str>, key: &str) -> usize {
    let mut in_section = section.is_none();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('[') {
            let header = t.trim_start_matches('[').trim_end_matches(']').trim();
            if let Some(s) = section {
                if header == s || header.replace('"', "") == s {
                    in_section = true;
                    if key.is_empty() {
                        return i + 1;
                    }
                    continue;
                }
                in_section = false;
            } else {
                in_section = false;
            }
            continue;
        }
        if in_section {
            let k = t.split('=').next().unwrap_or("").trim().trim_matches('"');
            if k == key {
                return i + 1;
            }
        }
    }
    1
}

impl Settings {
    /// `delivery` from the last `[paths."glob"]` matching `file` that sets it, if any.
    /// Globs match the path as given and relative to the configuration's directory.
    pub fn delivery(&self, file: &Path) -> Option<crate::source::sql::delivery::Delivery> {
        self.paths
            .iter()
            .rev()
            .filter(|(_, p)| p.delivery.is_some())
            .find(|(glob, _)| self.path_matches(glob, file))
            .and_then(|(_, p)| p.delivery)
    }

    /// Whether the `[paths."glob"]` glob matches `file`, as given or relative to the
    /// configuration's directory.
    fn path_matches(&self, glob: &str, file: &Path) -> bool {
        let Ok(g) = check_glob(glob) else {
            return false;
        };
        let m = g.compile_matcher();
        if m.is_match(file) {
            return true;
        }
        let base = self.config_file.as_ref().and_then(|c| c.parent());
        base.and_then(|b| {
            let abs = std::fs::canonicalize(file).ok()?;
            let b = std::fs::canonicalize(b).ok()?;
            abs.strip_prefix(b).ok().map(|r| m.is_match(r))
        })
        .unwrap_or(false)
    }

    /// One line per `[paths."glob"]` of the configuration that matches none of
    /// `files` (the files replayed): its settings apply to nothing.
    pub fn unmatched_paths(&self, files: &[std::path::PathBuf]) -> Vec<String> {
        let shown = self
            .config_file
            .as_ref()
            .map_or("dblint.toml".to_string(), |c| c.display().to_string());
        self.paths
            .iter()
            .filter(|(glob, _)| !files.iter().any(|f| self.path_matches(glob, f)))
            .map(|(glob, _)| {
                format!("{shown}: [paths.\"{glob}\"] matches none of the files replayed, so its settings apply to nothing")
            })
            .collect()
    }

    /// Read and validate a configuration file on top of the defaults.
    pub fn from_file(path: &Path) -> Result<Settings, ConfigError> {
        let cwd = std::env::current_dir().unwrap_or_default();
        let shown = path
            .strip_prefix(&cwd)
            .unwrap_or(path)
            .display()
            .to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError(format!("{shown}: cannot read: {e}")))?;
        let text = crate::encoding::strip_bom(&text);
        let table: toml::Table = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].lines().count().max(1))
                .unwrap_or(1);
            let message: Vec<&str> = e
                .message()
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            ConfigError(format!("{shown}:{line}: {}", message.join("; ")))
        })?;
        let err = |section: Option<&str>, key: &str, msg: String| {
            ConfigError(format!("{shown}:{}: {msg}", line_of(text, section, key)))
        };
        let mut settings = Settings {
            config_file: Some(path.to_path_buf()),
            ..Settings::default()
        };
        for (key, value) in &table {
            match key.as_str() {
                "fail_on" => {
                    let v = value.as_str().unwrap_or_default();
                    settings.fail_on = parse_fail_on(v).ok_or_else(|| {
                        err(
                            None,
                            key,
                            format!("fail_on must be error, warning, info or none, not {value}"),
                        )
                    })?;
                }
                "pg_version" => {
                    settings.pg_version = value
                        .as_integer()
                        .and_then(|v| u32::try_from(v).ok())
                        .filter(|v| PG_VERSIONS.contains(v))
                        .ok_or_else(|| {
                            err(
                                None,
                                key,
                                format!("pg_version must be a PostgreSQL major version from 10 to 19, not {value}"),
                            )
                        })?;
                }
                "prisma_version" => {
                    settings.prisma_version = Some(
                        value
                            .as_integer()
                            .and_then(|v| u32::try_from(v).ok())
                            .filter(|v| (2..=7).contains(v))
                            .ok_or_else(|| {
                                err(
                                    None,
                                    key,
                                    format!("prisma_version must be a Prisma major version from 2 to 7, not {value}"),
                                )
                            })?,
                    );
                }
                "min_grade" => {
                    let v = value.as_str().unwrap_or_default();
                    settings.min_grade = Some(Grade::parse(v).ok_or_else(|| {
                        err(
                            None,
                            key,
                            format!(
                                "min_grade must be a letter grade such as B or A-, not {value}"
                            ),
                        )
                    })?);
                }
                "packs" | "enable" | "disable" | "ignore" => {
                    let list = string_list(value).ok_or_else(|| {
                        err(None, key, format!("{key} must be a list of strings"))
                    })?;
                    match key.as_str() {
                        "packs" => settings.packs = Some(list),
                        "enable" => settings.enable = list,
                        "disable" => settings.disable = list,
                        _ => settings.ignore = list,
                    }
                }
                "rules" => {
                    let rules = value.as_table().ok_or_else(|| {
                        err(
                            None,
                            key,
                            "rules must be a table of [rules.<id>] sections".into(),
                        )
                    })?;
                    for (id, body) in rules {
                        let section = format!("rules.{id}");
                        let body = body.as_table().ok_or_else(|| {
                            err(Some(&section), "", format!("[rules.{id}] must be a table"))
                        })?;
                        let mut rule = RuleSettings::default();
                        for (k, v) in body {
                            match k.as_str() {
                                "severity" => {
                                    rule.severity = Some(
                                        v.as_str().and_then(Severity::parse).ok_or_else(|| {
                                            err(
                                                Some(&section),
                                                k,
                                                format!(
                                                "severity must be error, warning or info, not {v}"
                                            ),
                                            )
                                        })?,
                                    )
                                }
                                "enabled" => {
                                    rule.enabled = Some(v.as_bool().ok_or_else(|| {
                                        err(
                                            Some(&section),
                                            k,
                                            "enabled must be true or false".into(),
                                        )
                                    })?)
                                }
                                "ignore" => {
                                    rule.ignore = string_list(v).ok_or_else(|| {
                                        err(
                                            Some(&section),
                                            k,
                                            "ignore must be a list of globs".into(),
                                        )
                                    })?
                                }
                                _ => {
                                    rule.options.insert(k.clone(), v.clone());
                                }
                            }
                        }
                        settings.rules.insert(id.clone(), rule);
                    }
                }
                "options" => {
                    let packs = value.as_table().ok_or_else(|| {
                        err(
                            None,
                            key,
                            "options must be a table of [options.<pack>] sections".into(),
                        )
                    })?;
                    for (pack, body) in packs {
                        let section = format!("options.{pack}");
                        let body = body.as_table().ok_or_else(|| {
                            err(
                                Some(&section),
                                "",
                                format!("[options.{pack}] must be a table"),
                            )
                        })?;
                        settings.pack_options.insert(pack.clone(), body.clone());
                    }
                }
                "paths" => {
                    let globs = value.as_table().ok_or_else(|| {
                        err(
                            None,
                            key,
                            "paths must be a table of [paths.\"<glob>\"] sections".into(),
                        )
                    })?;
                    for (glob, body) in globs {
                        let section = format!("paths.{glob}");
                        check_glob(glob).map_err(|e| err(Some(&section), "", e))?;
                        let body = body.as_table().ok_or_else(|| {
                            err(
                                Some(&section),
                                "",
                                format!("[paths.\"{glob}\"] must be a table"),
                            )
                        })?;
                        let mut path = PathSettings::default();
                        for (k, v) in body {
                            match k.as_str() {
                                "assume_in_transaction" => {
                                    let wrapped = v.as_bool().ok_or_else(|| err(Some(&section), k, "assume_in_transaction must be true or false".into()))?;
                                    path.delivery = Some(if wrapped { crate::source::sql::delivery::Delivery::Transaction } else { crate::source::sql::delivery::Delivery::Statements });
                                }
                                "delivery" => {
                                    path.delivery = Some(v.as_str().and_then(crate::source::sql::delivery::Delivery::parse).ok_or_else(|| err(Some(&section), k, "delivery must be \"statements\", \"one-query\" or \"transaction\"".into()))?)
                                }
                                other => return Err(err(Some(&section), k, format!("unknown key `{other}` in [paths] (expected delivery)"))),
                            }
                        }
                        settings.paths.push((glob.clone(), path));
                    }
                }
                "diff" => {
                    let body = value
                        .as_table()
                        .ok_or_else(|| err(None, key, "diff must be a [diff] section".into()))?;
                    for (k, v) in body {
                        match k.as_str() {
                            "ignore" => {
                                settings.diff.ignore = string_list(v).ok_or_else(|| {
                                    err(Some("diff"), k, "ignore must be a list of strings".into())
                                })?;
                                for g in &settings.diff.ignore {
                                    check_glob(g).map_err(|e| err(Some("diff"), k, e))?;
                                }
                            }
                            "strict" | "strict_coverage" => {
                                let flag = v.as_bool().ok_or_else(|| {
                                    err(Some("diff"), k, format!("{k} must be true or false, not {v}"))
                                })?;
                                if k == "strict" {
                                    settings.diff.strict = flag;
                                } else {
                                    settings.diff.strict_coverage = flag;
                                }
                            }
                            other => {
                                return Err(err(
                                    Some("diff"),
                                    k,
                                    format!("unknown key `{other}` in [diff] (expected ignore, strict, strict_coverage)"),
                                ))
                            }
                        }
                    }
                }
                _ => {
                    let known = "fail_on, min_grade, pg_version, prisma_version, packs, enable, disable, ignore, [rules.<id>], [options.<pack>], [paths.\"<glob>\"], [diff]";
                    return Err(err(
                        None,
                        key,
                        format!("unknown key `{key}` (expected one of: {known})"),
                    ));
                }
            }
        }
        settings.validate(&|section, key, msg| err(section, key, msg))?;
        Ok(settings)
    }

    /// Check rule ids, pack names, option keys and globs against what exists.
    pub fn validate(
        &self,
        err: &dyn Fn(Option<&str>, &str, String) -> ConfigError,
    ) -> Result<(), ConfigError> {
        let packs = crate::packs::packs();
        for name in self.packs.iter().flatten() {
            if !packs.iter().any(|p| &p.name == name) {
                return Err(err(
                    None,
                    "packs",
                    format!("unknown pack `{name}` (see `dblint rules`)"),
                ));
            }
        }
        for (key, ids) in [("enable", &self.enable), ("disable", &self.disable)] {
            for id in ids {
                if crate::rules::find(id).is_none() {
                    return Err(err(
                        None,
                        key,
                        format!("unknown rule id `{id}` (see `dblint rules`)"),
                    ));
                }
            }
        }
        for (id, rule) in &self.rules {
            let section = format!("rules.{id}");
            let Some(rule_impl) = crate::rules::find(id) else {
                return Err(err(
                    Some(&section),
                    "",
                    format!("unknown rule id `{id}` (see `dblint rules`)"),
                ));
            };
            let specs = rule_impl.meta().options;
            for (key, value) in &rule.options {
                let Some(spec) = specs.iter().find(|s| s.name == key) else {
                    let hint = if specs.is_empty() {
                        "it has no options".to_string()
                    } else {
                        format!(
                            "its options are {}",
                            specs.iter().map(|s| s.name).collect::<Vec<_>>().join(", ")
                        )
                    };
                    return Err(err(Some(&section), key, format!("unknown option `{key}` for rule {id} ({hint}, plus severity, enabled, ignore)")));
                };
                spec.check(value)
                    .map_err(|e| err(Some(&section), key, format!("{e} (rule {id})")))?;
            }
            for glob in &rule.ignore {
                check_glob(glob).map_err(|e| err(Some(&section), "ignore", e))?;
            }
        }
        for (pack_name, options) in &self.pack_options {
            let section = format!("options.{pack_name}");
            let Some(pack) = packs.iter().find(|p| &p.name == pack_name) else {
                return Err(err(
                    Some(&section),
                    "",
                    format!("unknown pack `{pack_name}`"),
                ));
            };
            for (key, value) in options {
                let specs: Vec<&crate::rules::OptionSpec> = pack
                    .rules
                    .iter()
                    .filter_map(|r| crate::rules::find(&r.id))
                    .flat_map(|r| r.meta().options)
                    .filter(|s| s.name == key)
                    .collect();
                if specs.is_empty() {
                    return Err(err(
                        Some(&section),
                        key,
                        format!("unknown option `{key}` for pack {pack_name}"),
                    ));
                }
                for spec in specs {
                    spec.check(value).map_err(|e| err(Some(&section), key, e))?;
                }
            }
        }
        for glob in &self.ignore {
            check_glob(glob).map_err(|e| err(None, "ignore", e))?;
        }
        Ok(())
    }
}

fn string_list(value: &toml::Value) -> Option<Vec<String>> {
    value
        .as_array()?
        .iter()
        .map(|v| v.as_str().map(str::to_string))
        .collect()
}

pub fn check_glob(glob: &str) -> Result<globset::Glob, String> {
    globset::GlobBuilder::new(glob)
        .literal_separator(false)
        .build()
        .map_err(|e| format!("invalid glob `{glob}`: {}", e.kind()))
}

/// Settings from the config file, then the environment, then flags. `inputs` are the
/// paths being linted (the config is looked for next to the first one).
pub fn resolve(
    args: &crate::args::ReportArgs,
    inputs: &[std::path::PathBuf],
) -> Result<Settings, String> {
    let mut settings = from_config(args.config.as_deref(), args.no_config, inputs)?;
    if let Ok(value) = std::env::var("DBLINT_FAIL_ON") {
        settings.fail_on = parse_fail_on(&value).ok_or_else(|| {
            format!("DBLINT_FAIL_ON: expected error, warning, info or none, got `{value}`")
        })?;
    }
    if let Ok(value) = std::env::var("DBLINT_MIN_GRADE") {
        settings.min_grade = Some(Grade::parse(&value).ok_or_else(|| {
            format!("DBLINT_MIN_GRADE: expected a letter grade such as B or A-, got `{value}`")
        })?);
    }
    if let Some(value) = &args.fail_on {
        settings.fail_on = parse_fail_on(value).ok_or_else(|| {
            format!("--fail-on: expected error, warning, info or none, got `{value}`")
        })?;
    }
    if let Some(value) = &args.min_grade {
        settings.min_grade = Some(Grade::parse(value).ok_or_else(|| {
            format!("--min-grade: expected a letter grade such as B or A-, got `{value}`")
        })?);
    }
    if !args.pack.is_empty() {
        let mut packs = settings.packs.take().unwrap_or_default();
        packs.extend(args.pack.iter().cloned());
        settings.packs = Some(packs);
    }
    settings.enable.extend(args.enable.iter().cloned());
    settings.disable.extend(args.disable.iter().cloned());
    settings.ignore.extend(args.ignore.iter().cloned());
    settings
        .validate(&|_, key, msg| ConfigError(format!("{}: {msg}", flag_for(key))))
        .map_err(|e| e.to_string())?;
    Ok(settings)
}

/// The settings of the configuration file alone (no environment, no flags): `config`
/// when given, none with `no_config`, else `DBLINT_CONFIG`, else `dblint.toml` next to
/// the first input or in the current directory or a parent.
pub fn from_config(
    config: Option<&Path>,
    no_config: bool,
    inputs: &[std::path::PathBuf],
) -> Result<Settings, String> {
    let config = match (config, no_config) {
        (Some(path), _) => Some(path.to_path_buf()),
        (None, true) => None,
        (None, false) => std::env::var_os("DBLINT_CONFIG")
            .map(Into::into)
            .or_else(|| config_near_inputs(inputs))
            .or_else(|| std::env::current_dir().ok().and_then(|d| discover(&d))),
    };
    match config {
        Some(path) => {
            if !path.is_file() {
                return Err(format!("{}: configuration file not found", path.display()));
            }
            Settings::from_file(&path).map_err(|e| e.to_string())
        }
        None => Ok(Settings::default()),
    }
}

/// `dblint.toml` next to (or above) the first input, so a project's settings apply
/// wherever dblint is run from.
fn config_near_inputs(paths: &[std::path::PathBuf]) -> Option<std::path::PathBuf> {
    let first = paths.first()?;
    let start = if first.is_dir() {
        first.clone()
    } else {
        first.parent()?.to_path_buf()
    };
    let start = if start.as_os_str().is_empty() {
        std::path::PathBuf::from(".")
    } else {
        start
    };
    discover(&std::fs::canonicalize(&start).ok()?)
}

fn flag_for(key: &str) -> String {
    match key {
        "packs" => "--pack".into(),
        other => format!("--{other} (or dblint.toml `{other}`)"),
    }
}
