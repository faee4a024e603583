//! Rule packs, declared in `rules/*.toml` and embedded in the binary: which rules a
//! pack holds, their default severities, and the scorecard category and weight the
//! pack feeds. Option defaults are declared with each rule, not here.

use crate::finding::Severity;
use serde::Deserialize;
use std::sync::OnceLock;

/// The pack files, in scorecard order.
const PACK_FILES: &[(&str, &str)] = &[
    ("keys.toml", include_str!("../rules/keys.toml")),
    (
        "foreign-keys.toml",
        include_str!("../rules/foreign-keys.toml"),
    ),
    ("indexes.toml", include_str!("../rules/indexes.toml")),
    ("types.toml", include_str!("../rules/types.toml")),
    ("integrity.toml", include_str!("../rules/integrity.toml")),
    ("cascades.toml", include_str!("../rules/cascades.toml")),
    (
        "soft-delete.toml",
        include_str!("../rules/soft-delete.toml"),
    ),
    ("security.toml", include_str!("../rules/security.toml")),
    ("locks.toml", include_str!("../rules/locks.toml")),
    ("naming.toml", include_str!("../rules/naming.toml")),
    (
        "migration-safety.toml",
        include_str!("../rules/migration-safety.toml"),
    ),
];

#[derive(Debug, Clone)]
pub struct Pack {
    pub name: String,
    pub category: String,
    /// Weight of the category in the overall score.
    pub weight: u32,
    /// A hygiene pack (`grading = "hygiene"`): conventions whose findings cost
    /// readability or typing, not data, uptime or integrity. Its category counts in the
    /// overall score's weighted mean but is never the "weakest area" term
    /// (`crate::score`).
    pub hygiene: bool,
    pub description: String,
    pub rules: Vec<PackRule>,
}

#[derive(Debug, Clone)]
pub struct PackRule {
    pub id: String,
    pub severity: Severity,
    /// False for opt-in rules.
    pub enabled: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    pack: PackHeader,
    rules: toml::Table,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackHeader {
    name: String,
    category: String,
    weight: u32,
    description: String,
    #[serde(default)]
    grading: Grading,
}

#[derive(Deserialize, Default, PartialEq)]
#[serde(rename_all = "lowercase")]
enum Grading {
    /// Findings that fail at runtime, lose data, cause outages or let bad data in.
    #[default]
    Risk,
    Hygiene,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleEntry {
    severity: Severity,
    #[serde(default = "yes")]
    enabled: bool,
}

fn yes() -> bool {
    true
}

fn parse(file: &str, text: &str) -> Result<Pack, String> {
    let parsed: PackFile =
        toml::from_str(text).map_err(|e| format!("rules/{file}: {}", e.message()))?;
    let mut rules = Vec::new();
    for (id, value) in parsed.rules {
        let entry: RuleEntry = value
            .try_into()
            .map_err(|e: toml::de::Error| format!("rules/{file}: {id}: {}", e.message()))?;
        rules.push(PackRule {
            id,
            severity: entry.severity,
            enabled: entry.enabled,
        });
    }
    Ok(Pack {
        name: parsed.pack.name,
        category: parsed.pack.category,
        weight: parsed.pack.weight,
        hygiene: parsed.pack.grading == Grading::Hygiene,
        description: parsed.pack.description,
        rules,
    })
}

/// All packs. The files are part of the binary and checked by tests, so a parse
/// failure here is a build defect.
pub fn packs() -> &'static [Pack] {
    static PACKS: OnceLock<Vec<Pack>> = OnceLock::new();
    PACKS.get_or_init(|| {
        PACK_FILES
            .iter()
            .map(|(file, text)| {
                parse(file, text).unwrap_or_else(|e| panic!("embedded pack is invalid: {e}"))
            })
            .collect()
    })
}

pub fn pack_of(rule_id: &str) -> Option<(&'static Pack, &'static PackRule)> {
    packs()
        .iter()
        .find_map(|p| p.rules.iter().find(|r| r.id == rule_id).map(|r| (p, r)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::REGISTRY;

    #[test]
    fn every_pack_file_is_embedded_and_valid() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/rules");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml"))
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = PACK_FILES.iter().map(|(f, _)| f.to_string()).collect();
        embedded.sort();
        assert_eq!(on_disk, embedded);
        for (file, text) in PACK_FILES {
            parse(file, text).unwrap();
        }
    }

    #[test]
    fn every_rule_is_in_exactly_one_pack_and_every_pack_rule_exists() {
        for rule in REGISTRY {
            let count = packs()
                .iter()
                .flat_map(|p| &p.rules)
                .filter(|r| r.id == rule.meta().id)
                .count();
            assert_eq!(count, 1, "{} is in {count} packs", rule.meta().id);
        }
        for pack_rule in packs().iter().flat_map(|p| &p.rules) {
            assert!(
                crate::rules::find(&pack_rule.id).is_some(),
                "pack lists unknown rule {}",
                pack_rule.id
            );
        }
    }
}
