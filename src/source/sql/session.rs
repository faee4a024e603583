//! What migration review needs to know while replaying: the statement, the model just
//! before it, and the state of its file (transaction, `lock_timeout`, tables created
//! in this migration).

use super::statement::{ConstraintSpec, Statement, TableAction};
use crate::model::{Database, Location, Name, QualifiedName};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// One statement about to be applied.
pub struct StatementEvent<'a> {
    pub statement: &'a Statement,
    pub sql: &'a str,
    pub location: &'a Location,
    /// The model as it was just before this statement.
    pub db: &'a Database,
    pub file: &'a FileState,
    pub search_path: &'a [Name],
}

/// The state of one migration file as replay goes through it.
#[derive(Debug, Default, Clone)]
pub struct FileState {
    /// A short, stable name for the migration: `<folder>/<file>`.
    pub migration: String,
    /// How the migration tool sends the file ([`super::delivery`]).
    pub sending: super::delivery::Sending,
    /// Statements in the file (in a dbmate file, in its up block).
    pub statements: usize,
    /// Index of the statement being reviewed, from 0.
    pub position: usize,
    /// Inside a BEGIN of the file that no COMMIT or ROLLBACK has closed yet.
    pub explicit_transaction: bool,
    /// Line of that BEGIN.
    pub begin_line: Option<u32>,
    /// The settings earlier statements of the file left in effect (`lock_timeout`,
    /// `statement_timeout`, `timezone`), by PostgreSQL's rules.
    pub settings: SessionSettings,
    /// Tables created earlier in this file, or earlier in the same deployment (files
    /// named together on the command line): hazards that need existing rows do not
    /// apply to them.
    pub created_tables: BTreeSet<QualifiedName>,
    /// Constraints added `NOT VALID` in the current transaction.
    pub not_valid_constraints: BTreeSet<(QualifiedName, Name)>,
    /// Enum values added in the current transaction.
    pub enum_values_added: Vec<(QualifiedName, Name)>,
    /// Locks that block writes (SHARE or stronger) taken in the open transaction on
    /// tables that existed before this file, strongest first per table: PostgreSQL
    /// holds a lock until the transaction ends ("13.3. Explicit Locking").
    pub held_locks: Vec<HeldLock>,
}

/// The run-time settings migration review follows — `lock_timeout`,
/// `statement_timeout` and `timezone` — as the statements of a file leave them, by
/// PostgreSQL's rules ("SET", "RESET", "set_config"): `SET` lasts for the session,
/// unless the transaction it ran in rolls back; `SET LOCAL` (and `set_config(…,
/// true)`) lasts until the transaction ends, and outside a transaction block does
/// nothing; `RESET`, `SET … TO DEFAULT` and `RESET ALL` give back the default.
/// `ALTER DATABASE/ROLE … SET` changes only later sessions, so it is not here. The
/// default (`None`) is the server's, which dblint does not know. Savepoints are not
/// followed (a `ROLLBACK TO SAVEPOINT` undoing a SET is not seen).
#[derive(Debug, Default, Clone)]
pub struct SessionSettings {
    /// Setting → the value set for the session (`None`: back to the default).
    session: BTreeMap<String, Option<String>>,
    /// Setting → its session value before the open transaction first set it, given
    /// back if the transaction rolls back.
    before_transaction: BTreeMap<String, Option<String>>,
    /// Setting → its `SET LOCAL` value in the open transaction.
    local: BTreeMap<String, Option<String>>,
}

/// The settings [`SessionSettings`] follows.
pub const FOLLOWED_SETTINGS: [&str; 3] = ["lock_timeout", "statement_timeout", "timezone"];

impl SessionSettings {
    /// The value in effect, as written in the SET; `None` for the server's default.
    pub fn get(&self, name: &str) -> Option<&str> {
        match self.local.get(name) {
            Some(local) => local.as_deref(),
            None => self.session.get(name).and_then(|v| v.as_deref()),
        }
    }

    /// Whether a `lock_timeout` other than 0 is in effect (the default is 0: wait
    /// forever, unless the server's configuration says otherwise).
    pub fn lock_timeout_in_effect(&self) -> bool {
        self.get("lock_timeout").is_some_and(nonzero_duration)
    }

    /// `SET [LOCAL] name = value` (`value` `None`: `RESET`, `TO DEFAULT`), run in a
    /// transaction block or not.
    pub fn set(&mut self, name: &str, value: Option<String>, local: bool, in_transaction: bool) {
        if local {
            // "SET LOCAL … outside a transaction block has no effect" (a warning).
            if in_transaction {
                self.local.insert(name.to_string(), value);
            }
            return;
        }
        if in_transaction && !self.before_transaction.contains_key(name) {
            let before = self.session.get(name).cloned().flatten();
            self.before_transaction.insert(name.to_string(), before);
        }
        self.session.insert(name.to_string(), value);
        self.local.remove(name);
    }

    /// `RESET ALL` (and `DISCARD ALL`).
    pub fn reset_all(&mut self, in_transaction: bool) {
        for name in FOLLOWED_SETTINGS {
            self.set(name, None, false, in_transaction);
        }
    }

    /// The transaction ends: `SET LOCAL` values go; a rollback gives back the session
    /// values the transaction changed.
    pub fn end_transaction(&mut self, committed: bool) {
        self.local.clear();
        let before = std::mem::take(&mut self.before_transaction);
        if !committed {
            for (name, value) in before {
                self.session.insert(name, value);
            }
        }
    }
}

/// Whether a duration setting's value (`5s`, `'1min'`, `5000`: milliseconds when no
/// unit) is more than zero. A value PostgreSQL would refuse counts as zero: its SET
/// fails and changes nothing the review can rely on.
pub fn nonzero_duration(value: &str) -> bool {
    let v = value.trim().trim_matches('\'').trim();
    let number: String = v
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let unit = v[number.len()..].trim();
    number.parse::<f64>().is_ok_and(|n| n > 0.0)
        && matches!(unit, "" | "us" | "ms" | "s" | "min" | "h" | "d")
}

/// A table lock the open transaction holds.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldLock {
    pub table: QualifiedName,
    pub level: super::locks::LockLevel,
    /// Where the statement that took it is, and its first words.
    pub line: u32,
    pub statement: String,
}

impl FileState {
    pub fn new(path: &Path, sending: super::delivery::Sending, statements: usize) -> Self {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let parent = path
            .parent()
            .and_then(|p| p.file_name())
            .map(|n| format!("{}/", n.to_string_lossy()))
            .unwrap_or_default();
        FileState {
            migration: format!("{parent}{name}"),
            sending,
            statements,
            ..FileState::default()
        }
    }

    /// Whether the statement being reviewed runs inside a transaction block: one the
    /// file opened, the tool's, or the implicit one of a query string of two or more
    /// statements (which holds for every statement of the string, also after a
    /// COMMIT in it).
    pub fn in_transaction(&self) -> bool {
        self.explicit_transaction || self.sending.delivery.wraps(self.statements)
    }

    /// The tool runs the file in a transaction of its own (a COMMIT in the file ends
    /// it, but the statements after it run in a new one).
    pub fn tool_transaction(&self) -> bool {
        self.sending.delivery == super::delivery::Delivery::Transaction
    }

    /// Whether the statement being reviewed is the file's last.
    pub fn at_last_statement(&self) -> bool {
        self.position + 1 >= self.statements
    }

    /// Whether the session's TimeZone has a UTC offset of 0 now (see
    /// [`zero_offset_zone`]): what the file set, else `default` (the server's, if
    /// known).
    pub fn timezone_utc(&self, default: Option<bool>) -> Option<bool> {
        self.settings
            .get("timezone")
            .map(zero_offset_zone)
            .or(default)
    }

    /// Update after a statement was applied. `resolve` finds a table by name the way
    /// the server would; `effects` are the locks the statement took
    /// ([`super::locks::effects`] on the model before it), held until the transaction
    /// ends.
    pub fn after(
        &mut self,
        statement: &Statement,
        resolve: &dyn Fn(&super::statement::ObjectName) -> Option<QualifiedName>,
        effects: &[super::locks::LockEffect],
        line: u32,
        sql: &str,
    ) {
        // Whether this statement ran inside a transaction block (a BEGIN opens one
        // only for the statements after it).
        let in_transaction = self.in_transaction();
        for effect in effects {
            if effect.level < super::locks::LockLevel::Share
                || self.created_tables.contains(&effect.table)
            {
                continue;
            }
            match self.held_locks.iter_mut().find(|h| h.table == effect.table) {
                Some(held) if held.level >= effect.level => {}
                Some(held) => {
                    held.level = effect.level;
                    held.line = line;
                    held.statement = super::first_words(sql);
                }
                None => self.held_locks.push(HeldLock {
                    table: effect.table.clone(),
                    level: effect.level,
                    line,
                    statement: super::first_words(sql),
                }),
            }
        }
        match statement {
            Statement::Transaction { begin, rollback } => {
                // A BEGIN inside the tool's transaction only warns. A COMMIT or
                // ROLLBACK there ends it, but what follows runs in a new one: the
                // rest of the query string is an implicit transaction (Diesel,
                // dbmate), and JDBC with autocommit off opens one before the next
                // statement (Flyway).
                if *begin {
                    if !self.tool_transaction() {
                        self.explicit_transaction = true;
                        self.begin_line = Some(line);
                    }
                } else {
                    self.explicit_transaction = false;
                    self.begin_line = None;
                    self.settings.end_transaction(!*rollback);
                }
                self.not_valid_constraints.clear();
                self.enum_values_added.clear();
                self.held_locks.clear();
            }
            Statement::SetConfig { name, .. } if name == "all" => {
                self.settings.reset_all(in_transaction);
            }
            Statement::SetConfig { name, value, local } => {
                let value = (value != "default" && !value.is_empty()).then(|| value.clone());
                self.settings.set(name, value, *local, in_transaction);
            }
            Statement::CreateTable(ct) => {
                if let Some(q) = resolve(&ct.name) {
                    self.created_tables.insert(q);
                }
            }
            // A (materialized) view created here is as new as a table: nobody else
            // sees it before the transaction commits.
            Statement::CreateView { name, .. } => {
                if let Some(q) = resolve(name) {
                    self.created_tables.insert(q);
                }
            }
            Statement::AlterTable { table, actions, .. } => {
                if let Some(q) = resolve(table) {
                    for action in actions {
                        if let TableAction::AddConstraint(
                            ConstraintSpec::ForeignKey(super::statement::ForeignKeySpec {
                                name: Some(n),
                                not_valid: true,
                                ..
                            })
                            | ConstraintSpec::Check {
                                name: Some(n),
                                not_valid: true,
                                ..
                            },
                        ) = action
                        {
                            self.not_valid_constraints.insert((q.clone(), n.clone()));
                        }
                    }
                }
            }
            Statement::AlterEnumAddValue { name, value, .. } => {
                let q = QualifiedName::new(
                    name.schema.clone().unwrap_or_else(|| "public".into()),
                    name.name.clone(),
                );
                self.enum_values_added.push((q, value.clone()));
            }
            // Nothing here changes the file's transaction state, its settings, the
            // tables it created, or the NOT VALID constraints and enum values added
            // in the open transaction.
            Statement::CreateSchema { .. }
            | Statement::CreateIndex(_)
            | Statement::Drop { .. }
            | Statement::Rename { .. }
            | Statement::RenameColumn { .. }
            | Statement::RenameConstraint { .. }
            | Statement::SetSchema { .. }
            | Statement::CreateEnum { .. }
            | Statement::AlterEnumRenameValue { .. }
            | Statement::CreateDomain { .. }
            | Statement::CreateSequence { .. }
            | Statement::AlterSequence { .. }
            | Statement::Comment { .. }
            | Statement::CreatePolicy { .. }
            | Statement::AttachIndexPartition { .. }
            | Statement::SetSearchPath(_)
            | Statement::CreateFunction { .. }
            | Statement::AlterFunction { .. }
            | Statement::DropFunction { .. }
            | Statement::Reindex { .. }
            | Statement::Vacuum { .. }
            | Statement::Cluster { .. }
            | Statement::LockTable { .. }
            | Statement::Truncate { .. }
            | Statement::RowChange { .. }
            | Statement::RefreshMatView { .. }
            | Statement::AlterDomain { .. }
            | Statement::CreateTrigger { .. }
            | Statement::DropTrigger { .. }
            | Statement::Other { .. } => {}
        }
        // Outside a transaction every statement commits on its own.
        if !self.in_transaction() {
            self.settings.end_transaction(true);
            self.not_valid_constraints.clear();
            self.enum_values_added.clear();
            self.held_locks.clear();
        }
    }
}

/// Whether PostgreSQL's `timezone` setting `value` (as `SET` gives it; `interval …`
/// for `SET TIME ZONE INTERVAL '…'`) names a zone whose UTC offset is 0 and has never
/// been anything else: what `TimestampTimestampTzRequiresRewrite` asks of the
/// session's zone (`pg_get_timezone_offset`: every offset the zone ever used is 0).
/// These, checked on PostgreSQL 12 and 18 by the file node of the table: a number of
/// hours that is 0 (`0`, `'0'`, `0.0`); an interval of 0 (`INTERVAL '0' HOUR TO
/// MINUTE`, `INTERVAL '00:00'`); the tz database's UTC links (`UTC`, `Etc/UTC`, `GMT`,
/// `Etc/GMT+0`, `Etc/GMT-0`, `GMT0`, `UCT`, `Universal`, `Zulu`, `Greenwich`, in any
/// case); a POSIX zone with an offset of 0 and no daylight rule (`UTC0`, `XYZ0`,
/// `UTC+0`, `<+00>+00`, `+00:00`). Not: `Europe/London`, `Europe/Lisbon`, `Africa/Abidjan`
/// (they used other offsets once), `Etc/GMT+1`, `PST8PDT`.
pub fn zero_offset_zone(value: &str) -> bool {
    let v = value.trim();
    if let Some(interval) = v.strip_prefix("interval ") {
        let digits: String = interval.chars().filter(|c| !c.is_whitespace()).collect();
        return !digits.is_empty()
            && digits
                .chars()
                .all(|c| matches!(c, '0' | ':' | '.' | '+' | '-'))
            && digits.contains('0');
    }
    if let Ok(hours) = v.parse::<f64>() {
        return hours == 0.0;
    }
    let lower = v.to_ascii_lowercase();
    let name = lower.strip_prefix("etc/").unwrap_or(&lower);
    if matches!(
        name,
        "utc" | "uct" | "gmt" | "gmt0" | "gmt+0" | "gmt-0" | "greenwich" | "universal" | "zulu"
    ) {
        return true;
    }
    // POSIX: a standard-time name (three or more letters, or <...>), an offset, and
    // no daylight-saving part after it.
    let rest = if let Some(quoted) = v.strip_prefix('<') {
        match quoted.split_once('>') {
            Some((_, rest)) => rest,
            None => return false,
        }
    } else {
        let letters = v.chars().take_while(|c| c.is_ascii_alphabetic()).count();
        // No name at all (`+00:00`) the server takes too.
        if letters < 3 && !(letters == 0 && v.starts_with(['+', '-'])) {
            return false;
        }
        &v[letters..]
    };
    let offset = rest.strip_prefix(['+', '-']).unwrap_or(rest);
    !offset.is_empty()
        && offset.starts_with(|c: char| c.is_ascii_digit())
        && offset.chars().all(|c| c == '0' || c == ':')
}

#[cfg(test)]
mod tests {
    use super::{nonzero_duration, zero_offset_zone, SessionSettings};

    #[test]
    fn settings_follow_transactions() {
        let five = || Some("5s".to_string());
        let mut s = SessionSettings::default();
        // SET LOCAL outside a transaction block: nothing.
        s.set("lock_timeout", five(), true, false);
        assert!(!s.lock_timeout_in_effect());
        // SET LOCAL in one: until it ends.
        s.set("lock_timeout", five(), true, true);
        assert!(s.lock_timeout_in_effect());
        s.end_transaction(true);
        assert!(!s.lock_timeout_in_effect());
        // SET in a transaction that rolls back: undone; that commits: kept.
        s.set("lock_timeout", five(), false, true);
        assert!(s.lock_timeout_in_effect());
        s.end_transaction(false);
        assert!(!s.lock_timeout_in_effect());
        s.set("lock_timeout", five(), false, true);
        s.end_transaction(true);
        assert!(s.lock_timeout_in_effect());
        // A rollback gives back what was set before the transaction.
        s.set("lock_timeout", None, false, true);
        assert!(!s.lock_timeout_in_effect());
        s.end_transaction(false);
        assert!(s.lock_timeout_in_effect());
        s.reset_all(false);
        assert!(!s.lock_timeout_in_effect());
        s.set("lock_timeout", Some("0ms".into()), false, false);
        assert!(!s.lock_timeout_in_effect());
    }

    #[test]
    fn durations() {
        for v in ["5s", "'5s'", "5000", "1min", "0.5s", "2h", "100 ms"] {
            assert!(nonzero_duration(v), "{v}");
        }
        for v in ["0", "0s", "0ms", "00", "", "five", "5 fortnights", "-1"] {
            assert!(!nonzero_duration(v), "{v}");
        }
    }

    #[test]
    fn zones_with_offset_zero() {
        for zone in [
            "UTC",
            "utc",
            "Etc/UTC",
            "GMT",
            "Zulu",
            "UCT",
            "Universal",
            "Greenwich",
            "Etc/GMT+0",
            "Etc/GMT-0",
            "GMT0",
            "UTC0",
            "XYZ0",
            "UTC+0",
            "<+00>+00",
            "0",
            "0.0",
            "interval 0",
            "interval 00:00",
        ] {
            assert!(zero_offset_zone(zone), "{zone}");
        }
        for zone in [
            "Europe/London",
            "Africa/Abidjan",
            "America/New_York",
            "Europe/Lisbon",
            "Etc/GMT+1",
            "PST8PDT",
            "EST5",
            "GMT0BST",
            "1",
            "interval 01:00",
            "Z",
            "",
        ] {
            assert!(!zero_offset_zone(zone), "{zone}");
        }
    }
}
