/// Declare a rule type with its id, summary and documentation. The `///` lines above
/// the name become the rule's `explain` text. `live_only: true` marks rules that need
/// what only a live server knows (statistics, invalid indexes, sequence positions);
/// `migration: true` marks rules that judge each migration statement.
macro_rules! declare_rule {
    ($(#[doc = $doc:literal])* $name:ident { id: $id:literal, summary: $summary:literal $(, live_only: $live:literal)? $(, migration: $migration:literal)? $(,)? }) => {
        $(#[doc = $doc])*
        pub struct $name;

        impl $name {
            pub const META: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
                id: $id,
                summary: $summary,
                docs: concat!($($doc, "\n"),*),
                live_only: false $(|| $live)?,
                migration: false $(|| $migration)?,
            };
        }
    };
}
