//! Every file in the fixtures folder is either read (with metrics) or refused with the reason
//! expected for it; and no input — arbitrary bytes or a mutated fixture — makes a reader panic.

use govbench_eval_import::{read, Problem, Tool};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/eval-results")
}

fn files() -> Vec<(String, Vec<u8>)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut paths = Vec::new();
    walk(&root(), &mut paths);
    paths.sort();
    paths
        .into_iter()
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name != "README.md" && name != "SOURCES.tsv" && !name.ends_with(".jsonl")
        })
        .map(|p| {
            let name = p.strip_prefix(root()).unwrap().display().to_string();
            (name, std::fs::read(&p).unwrap())
        })
        .collect()
}

/// The files that must be refused, and how.
fn expected_refusal(name: &str) -> Option<fn(&Problem) -> bool> {
    if name.ends_with("deprecated/results_2024-11-21T15-56-56.979317.json") {
        return Some(|p| matches!(p, Problem::Truncated { .. }));
    }
    if name.ends_with(".html") {
        return Some(|p| matches!(p, Problem::Html));
    }
    if name.starts_with("other/") || name.ends_with("subjective_report.csv") {
        return Some(|p| matches!(p, Problem::Foreign { .. }));
    }
    None
}

#[test]
fn every_fixture_is_read_or_refused_as_expected() {
    let all = files();
    assert!(all.len() >= 30, "fixtures found: {}", all.len());
    for (name, bytes) in all {
        match (read(&name, &bytes), expected_refusal(&name)) {
            (Ok(p), None) => {
                assert!(!p.metrics.is_empty(), "{name}");
                assert_eq!(p.sha256.len(), 64);
                let tool = if name.starts_with("lm-eval/") {
                    Tool::LmEval
                } else if name.starts_with("promptfoo/") {
                    Tool::Promptfoo
                } else {
                    Tool::OpenCompass
                };
                assert_eq!(p.tool, tool, "{name}");
            }
            (Err(e), Some(expected)) => {
                assert_eq!(e.file, name);
                assert!(expected(&e.problem), "{name}: {e:?}");
            }
            (Ok(p), Some(_)) => {
                panic!("{name} should be refused, read {} metrics", p.metrics.len())
            }
            (Err(e), None) => panic!("{name} refused: {e}"),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = read("fuzz", &bytes);
    }

    #[test]
    fn mutated_fixtures_never_panic(
        pick in any::<prop::sample::Index>(),
        changes in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16),
        cut in any::<prop::sample::Index>(),
    ) {
        let all = files();
        let (name, mut bytes) = all[pick.index(all.len())].clone();
        for (at, byte) in changes {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        let _ = read(&name, &bytes);
        let keep = cut.index(bytes.len() + 1);
        let _ = read(&name, &bytes[..keep]);
    }
}
