//! The rule registry: the one list of rules, from which `dblint rules`, `dblint
//! explain`, id lookup, pack selection and the engine are all derived.
//!
//! A rule is one file: its documentation (the `///` lines captured by
//! [`declare_rule!`]), its kind, its options with their defaults, and its check live
//! together, so `explain` and the README's rule table (generated, see
//! [`crate::docs`]) cannot drift from the code. Packs and default severities live in
//! `rules/*.toml`.

#[macro_use]
mod declare;
pub mod analysis;
pub mod links;
mod options;

mod cascades;
mod foreign_keys;
mod indexes;
mod integrity;
mod keys;
mod locks;
pub mod migration;
mod naming;
mod security;
mod soft_delete;
mod types;

pub use options::{OptionKind, OptionSpec, RuleOptions};

use crate::finding::Finding;
use crate::model::Database;

/// What a rule judges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    /// The final schema model, from SQL or from a live catalog (`check`).
    Schema,
    /// Each migration statement against the model just before it (`check_statement`).
    Migration,
    /// The model of a live server, with what only it knows (statistics, invalid
    /// indexes, sequence positions); silent on SQL input.
    Live,
}

impl RuleKind {
    /// `self`, unless `other` says otherwise (the `declare_rule!` default is Schema).
    pub const fn or(self, other: RuleKind) -> RuleKind {
        other
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::Schema => "schema",
            RuleKind::Migration => "migration",
            RuleKind::Live => "live",
        }
    }
}

/// What a rule's verdict rests on. It bounds the rule's default severity (a test
/// holds every pack to it, `tests/docs.rs`): a verdict that rests on names is a
/// `warning` at most and never fails the default gate (`--fail-on error`), and a rule
/// whose measured precision on the reviewed corpus is below 95 % is not an `error`
/// by default (`tests/corpus_review.rs`). README, "Severity by evidence".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// What PostgreSQL does: documented behaviour, checked with `dblint trace` on
    /// 12–18 (locks, scans, rewrites, refusals), or facts read from a live catalog
    /// (sequence positions, invalid indexes, statistics).
    Behaviour,
    /// The schema's structure alone (keys, indexes, types, referential actions),
    /// whatever things are called.
    Structure,
    /// Names and conventions: what a column or table is called (`deleted_at`,
    /// `*_id`, `audit_*`, `api_key`) stands for what it is.
    Convention,
}

impl Evidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Evidence::Behaviour => "postgresql",
            Evidence::Structure => "structure",
            Evidence::Convention => "names",
        }
    }

    /// What it means, for `explain`.
    pub fn describe(self) -> &'static str {
        match self {
            Evidence::Behaviour => {
                "PostgreSQL's behaviour (documented, checked with `dblint trace` on 12–18, or read from the catalog)"
            }
            Evidence::Structure => "the schema's structure, whatever things are called",
            Evidence::Convention => {
                "names and conventions (a warning at most by default; never fails the default gate)"
            }
        }
    }
}

/// The first of at most one optional macro argument (`declare_rule!`'s
/// `superseded_by`), in a constant.
pub const fn first(ids: &'static [&'static str]) -> Option<&'static str> {
    match ids {
        [id, ..] => Some(id),
        [] => None,
    }
}

/// A rule's identity, documentation, kind and options.
pub struct RuleMeta {
    /// Stable kebab-case id: part of every finding's fingerprint; never renamed.
    pub id: &'static str,
    /// One line for `dblint rules`.
    pub summary: &'static str,
    /// What the verdict rests on; bounds the default severity.
    pub evidence: Evidence,
    /// Markdown with the headings What it does / Why is this bad? / Example / Fix.
    pub docs: &'static str,
    pub kind: RuleKind,
    /// Every option the rule reads, with its default.
    pub options: &'static [OptionSpec],
    /// A rule that reports every defect this one does: when it runs, this one does
    /// not (one finding per defect, in one category).
    pub superseded_by: Option<&'static str>,
}

impl RuleMeta {
    /// Needs a live server (`dblint inspect`); silent on SQL input.
    pub fn live_only(&self) -> bool {
        self.kind == RuleKind::Live
    }

    /// Judges migration statements one by one, not the final model.
    pub fn is_migration(&self) -> bool {
        self.kind == RuleKind::Migration
    }
}

/// What a rule sees: the schema model and its own options; findings are made through
/// it, so they carry the rule's id.
pub struct Context<'a> {
    pub db: &'a Database,
    /// Who references whom in `db`, read once for all rules.
    pub links: &'a links::Links<'a>,
    pub options: &'a RuleOptions,
    pub meta: &'static RuleMeta,
}

impl Context<'_> {
    /// A finding of this rule about `table`.
    pub fn finding(
        &self,
        table: &crate::model::QualifiedName,
        message: impl Into<String>,
    ) -> Finding {
        Finding::new(self.meta.id, table, message)
    }
}

/// What a migration rule sees: one statement, the model just before it, the state of
/// its file, the rule's options and the target PostgreSQL version.
pub struct MigrationContext<'a> {
    pub event: &'a crate::source::sql::session::StatementEvent<'a>,
    pub options: &'a RuleOptions,
    pub pg_version: u32,
    pub meta: &'static RuleMeta,
    /// Whether PostgreSQL refuses the statement where the file runs it, on the target
    /// version ([`crate::source::sql::refusal::refusal`], decided once per statement).
    pub refusal: Option<&'a crate::source::sql::refusal::Refusal>,
}

impl MigrationContext<'_> {
    /// Whether PostgreSQL refuses the statement where the file runs it, on the target
    /// version ([`crate::source::sql::refusal::refusal`]).
    pub fn refusal(&self) -> Option<crate::source::sql::refusal::Refusal> {
        self.refusal.cloned()
    }

    /// The refusal this rule words ([`crate::source::sql::refusal::Refusal::worded_by`]).
    pub fn refusal_worded_here(&self) -> Option<crate::source::sql::refusal::Refusal> {
        self.refusal().filter(|r| r.worded_by() == self.meta.id)
    }

    /// What the statement does on the target version, by the statement-effect model
    /// (`locks::effects`, with the TimeZone the file left; unknown: the model's
    /// reading for an unknown zone).
    pub fn effects(&self) -> Vec<crate::source::sql::locks::LockEffect> {
        crate::source::sql::locks::effects(
            self.event.statement,
            self.event.db,
            self.event.search_path,
            self.pg_version,
            self.event.file.timezone_utc(None),
        )
    }
}

/// A rule: a pure function of the model (schema rules) or of one migration statement
/// and the model before it (migration rules).
pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, _ctx: &Context) -> Vec<Finding> {
        Vec::new()
    }
    fn check_statement(&self, _ctx: &MigrationContext) -> Vec<Finding> {
        Vec::new()
    }
}

/// Every rule dblint has. Adding a rule means adding it here and to a pack file
/// (`scripts/new-rule` does both).
pub static REGISTRY: &[&dyn Rule] = &[
    &keys::table_without_pk::TableWithoutPk,
    &foreign_keys::fk_missing_index::FkMissingIndex,
    &foreign_keys::fk_type_mismatch::FkTypeMismatch,
    &foreign_keys::fk_nullable_match_simple::FkNullableMatchSimple,
    &foreign_keys::missing_fk::MissingFk,
    &indexes::duplicate_index::DuplicateIndex,
    &indexes::redundant_index::RedundantIndex,
    &indexes::invalid_index::InvalidIndex,
    &indexes::unused_index::UnusedIndex,
    &types::unbounded_varchar::UnboundedVarchar,
    &types::timestamp_without_tz::TimestampWithoutTz,
    &types::json_not_jsonb::JsonNotJsonb,
    &types::serial_not_identity::SerialNotIdentity,
    &types::text_without_length_check::TextWithoutLengthCheck,
    &keys::sequence_exhaustion::SequenceExhaustion,
    &locks::lock_held_by_idle_transaction::LockHeldByIdleTransaction,
    &integrity::status_without_check::StatusWithoutCheck,
    &integrity::unique_on_flag_or_status::UniqueOnFlagOrStatus,
    &integrity::tenant_unscoped_unique::TenantUnscopedUnique,
    &cascades::cascade_set_null_not_null::CascadeSetNullNotNull,
    &cascades::cascade_into_audit::CascadeIntoAudit,
    &cascades::cascade_on_actor::CascadeOnActor,
    &cascades::cascade_chain::CascadeChain,
    &cascades::cascade_unindexed::CascadeUnindexed,
    &soft_delete::soft_delete_unique::SoftDeleteUnique,
    &soft_delete::soft_delete_hard_cascade::SoftDeleteHardCascade,
    &soft_delete::soft_delete_inconsistent::SoftDeleteInconsistent,
    &security::plaintext_secret::PlaintextSecret,
    &naming::mixed_case_identifier::MixedCaseIdentifier,
    &migration::create_index_not_concurrently::CreateIndexNotConcurrently,
    &migration::drop_index_not_concurrently::DropIndexNotConcurrently,
    &migration::reindex_not_concurrently::ReindexNotConcurrently,
    &migration::concurrently_in_transaction::ConcurrentlyInTransaction,
    &migration::statement_refused::StatementRefused,
    &migration::constraint_not_valid::ConstraintNotValid,
    &migration::validate_in_same_transaction::ValidateInSameTransaction,
    &migration::add_column_volatile_default::AddColumnVolatileDefault,
    &migration::add_column_required_without_default::AddColumnRequiredWithoutDefault,
    &migration::set_not_null_scan::SetNotNullScan,
    &migration::alter_column_type_rewrite::AlterColumnTypeRewrite,
    &migration::add_key_without_index::AddKeyWithoutIndex,
    &migration::destructive_change::DestructiveChange,
    &migration::rename_breaks_code::RenameBreaksCode,
    &migration::heavy_lock_statement::HeavyLockStatement,
    &migration::lock_timeout_missing::LockTimeoutMissing,
    &migration::enum_value_in_transaction::EnumValueInTransaction,
    &migration::identifier_too_long::IdentifierTooLong,
    &migration::lock_held_across_statements::LockHeldAcrossStatements,
    &migration::unclosed_transaction::UnclosedTransaction,
    &migration::transaction_control_in_wrapped_file::TransactionControlInWrappedFile,
    &migration::unbatched_backfill::UnbatchedBackfill,
    &migration::set_logged_rewrite::SetLoggedRewrite,
    &migration::refresh_matview_blocking::RefreshMatviewBlocking,
    &migration::detach_partition_blocking::DetachPartitionBlocking,
    &migration::attach_partition_scan::AttachPartitionScan,
    &migration::domain_constraint_scan::DomainConstraintScan,
    &migration::exclusion_constraint_lock::ExclusionConstraintLock,
    &migration::disable_trigger::DisableTrigger,
];

pub fn find(id: &str) -> Option<&'static dyn Rule> {
    REGISTRY.iter().copied().find(|r| r.meta().id == id)
}

/// The docs with the one leading space of each `///` line removed.
pub fn render_docs(meta: &RuleMeta) -> String {
    meta.docs
        .lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_the_documented_headings() {
        for rule in REGISTRY {
            let docs = render_docs(rule.meta());
            for heading in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Fix",
            ] {
                assert!(docs.contains(heading), "{} lacks {heading}", rule.meta().id);
            }
        }
    }

    #[test]
    fn option_defaults_are_valid_and_docs_do_not_repeat_them() {
        for rule in REGISTRY {
            let meta = rule.meta();
            let mut names = std::collections::BTreeSet::new();
            for spec in meta.options {
                assert!(
                    names.insert(spec.name),
                    "{}: option {} twice",
                    meta.id,
                    spec.name
                );
                spec.default_value()
                    .unwrap_or_else(|e| panic!("{}: option {}: {e}", meta.id, spec.name));
                assert!(
                    !meta.docs.contains(&format!("`{}` (default", spec.name)),
                    "{}: the docs repeat the default of {} (explain prints it)",
                    meta.id,
                    spec.name
                );
            }
        }
    }

    #[test]
    fn superseding_rules_exist_and_supersede_nothing_themselves() {
        for rule in REGISTRY {
            if let Some(by) = rule.meta().superseded_by {
                let other = find(by).unwrap_or_else(|| panic!("{by} is not a rule"));
                assert!(
                    other.meta().superseded_by.is_none(),
                    "{by} is superseded too"
                );
            }
        }
    }

    #[test]
    fn ids_are_unique_kebab_case() {
        let mut seen = std::collections::BTreeSet::new();
        for rule in REGISTRY {
            let id = rule.meta().id;
            assert!(seen.insert(id), "duplicate id {id}");
            assert!(
                id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{id} is not kebab-case"
            );
        }
    }
}
