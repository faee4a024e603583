/// Declare a rule type with everything that describes it: its id, one-line summary,
/// what its verdict rests on (`evidence: Behaviour | Structure | Convention`, see
/// [`Evidence`](crate::rules::Evidence)), documentation (the `///` lines above the
/// name become its `explain` text), its kind
/// (`Schema` by default; `Migration` judges each migration statement; `Live` needs
/// what only a live server knows), its options (each default stated once, in an
/// [`OptionSpec`](crate::rules::OptionSpec)) and, for a rule whose findings another
/// rule also makes, `superseded_by: "<id>"` (it then runs only when that rule does
/// not). Packs (`rules/*.toml`) say only which pack a rule is in and its default
/// severity.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $name:ident {
            id: $id:literal,
            summary: $summary:literal,
            evidence: $evidence:ident
            $(, kind: $kind:ident)?
            $(, options: [$($option:expr),* $(,)?])?
            $(, superseded_by: $superseded_by:literal)?
            $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub struct $name;

        impl $name {
            pub const META: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
                id: $id,
                summary: $summary,
                evidence: $crate::rules::Evidence::$evidence,
                docs: concat!($($doc, "\n"),*),
                kind: $crate::rules::RuleKind::Schema $(.or($crate::rules::RuleKind::$kind))?,
                options: &[$($($option),*)?],
                superseded_by: $crate::rules::first(&[$($superseded_by)?]),
            };
        }
    };
}
