//! The module graph has no cycles: each top-level module of `src/` uses only modules
//! below it. Read from the source (`crate::<module>` paths outside comments and test
//! modules), so a new cycle fails here, in review, before it hardens.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without comments and without its `#[cfg(test)]` module.
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .map(|l| match l.find(" // ") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap();
        let module = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if module == "lib" || module == "main" {
            continue;
        }
        let text = code(&std::fs::read_to_string(&file).unwrap());
        let entry = edges.entry(module.clone()).or_default();
        for (i, _) in text.match_indices("crate::") {
            let used: String = text[i + 7..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !used.is_empty() && used != module {
                entry.insert(used);
            }
        }
    }
    edges
}

#[test]
fn the_module_graph_has_no_cycles() {
    let edges = graph();
    // Kahn's algorithm: whatever cannot be ordered sits on a cycle.
    let mut remaining = edges.clone();
    let mut order = Vec::new();
    loop {
        let ready: Vec<String> = remaining
            .iter()
            .filter(|(_, deps)| deps.iter().all(|d| !remaining.contains_key(d)))
            .map(|(m, _)| m.clone())
            .collect();
        if ready.is_empty() {
            break;
        }
        for m in ready {
            remaining.remove(&m);
            order.push(m);
        }
    }
    assert!(
        remaining.is_empty(),
        "import cycle among {:#?}\n(ordered so far, lowest first: {order:?})",
        remaining
    );
}

#[test]
fn the_layers_are_where_they_belong() {
    let edges = graph();
    let uses = |a: &str, b: &str| edges.get(a).is_some_and(|d| d.contains(b));
    // The model and the sources know nothing of rules, scoring or commands.
    for low in ["model", "source"] {
        for high in [
            "rules", "engine", "score", "settings", "commands", "cli", "report",
        ] {
            assert!(!uses(low, high), "{low} uses {high}");
        }
    }
    // Only the dispatcher knows the commands; nothing but it knows the dispatcher.
    for (module, deps) in &edges {
        if module != "cli" {
            assert!(!deps.contains("cli"), "{module} uses cli");
            assert!(!deps.contains("commands"), "{module} uses commands");
        }
    }
    assert!(
        !uses("score", "engine"),
        "score takes packs, not the engine's plan"
    );
}
