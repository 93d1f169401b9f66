//! The layering of `crates/core` (ARCHITECTURE.md, "Layers"), checked on the sources in the
//! style of rust-analyzer's `tidy.rs`: every `crate::…` path a file names is looked up in the
//! table below, and a file that reaches a higher layer — or a feature that reaches a feature
//! which reaches it back — fails the test with the file and line.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, lowest first. A module may use its own layer and the ones below.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "infrastructure",
        &[
            "error", "clock", "crash", "durable", "regular", "keyslots", "store", "audit",
            "witness", "wire", "authz", "kinds", "members", "change",
        ],
    ),
    ("access", &["access"]),
    ("shared services", &["shared"]),
    ("features", &["features::*"]),
    (
        "dispatch",
        &[
            "features",
            "schema",
            "write",
            "replay",
            "receive",
            "session",
            "sharing",
            "verify",
            "backup",
            "remember",
            "demo",
            "generator",
        ],
    ),
];

/// Uses against the layering not yet undone — (from, to, the way out) — each a known debt. The
/// test also fails when one of them is gone, so the list only shrinks.
const KNOWN: &[(&str, &str, &str)] = &[];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module a file belongs to, as the layer table names it: `shared`, `features::drills`,
/// `features` (its `mod.rs` and the files beside it), `write`, `audit`…
fn module_of(file: &Path) -> String {
    let relative = file.strip_prefix(src()).unwrap_or(file);
    let parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    match parts.as_slice() {
        [first, feature, _, ..] if first == "features" => format!("features::{feature}"),
        [first, ..] => first.clone(),
        [] => String::new(),
    }
}

/// What the crate root re-exports (`pub use access::{Hold, Reader, Session};`): name → module.
fn reexports() -> BTreeMap<String, String> {
    let lib = std::fs::read_to_string(src().join("lib.rs")).unwrap_or_default();
    let mut names = BTreeMap::new();
    for line in lib.lines() {
        let Some(rest) = line.trim().strip_prefix("pub use ") else {
            continue;
        };
        let rest = rest.trim_end_matches(';');
        let Some((module, items)) = rest.split_once("::") else {
            continue;
        };
        for item in items.trim_matches(|c| c == '{' || c == '}').split(',') {
            let item = item.trim();
            let name = item.rsplit("::").next().unwrap_or(item);
            names.insert(name.to_owned(), module.to_owned());
        }
    }
    names
}

/// The module a `crate::` path names, in the same terms.
fn module_named(path: &str) -> String {
    let first = path.split("::").next().unwrap_or_default();
    if let Some(module) = reexports().get(first) {
        return module.clone();
    }
    let mut parts = path.split("::");
    match (parts.next(), parts.next()) {
        (Some("features"), Some(feature))
            if feature.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                && !feature.is_empty()
                && std::fs::metadata(src().join("features").join(feature))
                    .is_ok_and(|m| m.is_dir()) =>
        {
            format!("features::{feature}")
        }
        (Some(first), _) => first.to_owned(),
        (None, _) => String::new(),
    }
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, modules)| {
        modules.iter().any(|m| {
            *m == module || (m.ends_with("::*") && module.starts_with(m.trim_end_matches('*')))
        })
    })
}

/// Every `crate::…` path in a line of code (not in comments), with `use crate::{a, b}` groups
/// expanded one level.
fn paths_in(line: &str) -> Vec<String> {
    let code = line.split("//").next().unwrap_or_default();
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        let prefix: String = after
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        match after[prefix.len()..].strip_prefix('{') {
            Some(group) => {
                let inner = group.split('}').next().unwrap_or_default();
                found.extend(
                    inner
                        .split(',')
                        .map(|p| p.trim().trim_start_matches('{'))
                        .filter(|p| !p.is_empty())
                        .map(|p| format!("{prefix}{p}")),
                );
            }
            None => found.push(prefix.trim_end_matches(':').to_owned()),
        }
        rest = after;
    }
    found
}

/// Every use of another module: (from, to) → the first place it happens.
fn uses() -> BTreeMap<(String, String), String> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut uses = BTreeMap::new();
    // Test modules kept in files of their own (`*_tests.rs`) test across layers by design.
    files.retain(|f| !f.to_string_lossy().ends_with("_tests.rs"));
    for file in files {
        let from = module_of(&file);
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for (number, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("#[cfg(test)]") {
                break;
            }
            for path in paths_in(line) {
                let to = module_named(&path);
                if to.is_empty() || to == from || to == "self" {
                    continue;
                }
                let place = format!(
                    "{}:{}",
                    file.strip_prefix(src()).unwrap_or(&file).display(),
                    number + 1
                );
                uses.entry((from.clone(), to)).or_insert(place);
            }
        }
    }
    uses
}

#[test]
fn no_module_reaches_a_higher_layer_and_no_two_features_reach_each_other() {
    let uses = uses();
    // (from, to) → what is wrong, where.
    let mut problems: BTreeMap<(String, String), String> = BTreeMap::new();
    for ((from, to), place) in &uses {
        let pair = (from.clone(), to.clone());
        let (Some(lower), Some(higher)) = (layer_of(from), layer_of(to)) else {
            problems.insert(
                pair,
                format!("{place}: `{from}` or `{to}` is in no layer (add it to LAYERS)"),
            );
            continue;
        };
        if higher > lower {
            let why = format!(
                "{place}: `{from}` ({}) uses `{to}` ({})",
                LAYERS[lower].0, LAYERS[higher].0
            );
            problems.insert(pair, why);
            continue;
        }
        let both_features = from.starts_with("features::") && to.starts_with("features::");
        if both_features && from < to {
            if let Some(back) = uses.get(&(to.clone(), from.clone())) {
                problems.insert(
                    pair,
                    format!("{place} and {back}: `{from}` and `{to}` use each other"),
                );
            }
        }
    }
    let known: BTreeSet<(String, String)> = KNOWN
        .iter()
        .map(|(from, to, _)| ((*from).to_owned(), (*to).to_owned()))
        .collect();
    let new: Vec<&String> = problems
        .iter()
        .filter(|(pair, _)| !known.contains(*pair))
        .map(|(_, why)| why)
        .collect();
    let gone: Vec<String> = known
        .iter()
        .filter(|pair| !problems.contains_key(*pair))
        .map(|(from, to)| format!("{from} → {to}"))
        .collect();
    let mut report = String::new();
    if !new.is_empty() {
        report.push_str("layering (ARCHITECTURE.md, \"Layers\"):\n");
        for p in &new {
            report.push_str(&format!("  {p}\n"));
        }
    }
    if !gone.is_empty() {
        report.push_str("no longer happening (remove from KNOWN):\n");
        for p in &gone {
            report.push_str(&format!("  {p}\n"));
        }
    }
    assert!(report.is_empty(), "{report}");
}
