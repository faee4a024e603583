/// Declare a rule type with its id, summary and documentation. The `///` lines above
/// the name become the rule's `explain` text.
macro_rules! declare_rule {
    ($(#[doc = $doc:literal])* $name:ident { id: $id:literal, summary: $summary:literal $(,)? }) => {
        $(#[doc = $doc])*
        pub struct $name;

        impl $name {
            pub const META: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
                id: $id,
                summary: $summary,
                docs: concat!($($doc, "\n"),*),
            };
        }
    };
}
