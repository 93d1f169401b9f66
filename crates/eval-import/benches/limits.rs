//! Hostile inputs against the readers' limits: how long each takes and how much memory it
//! needs at its peak.
//!
//! Every input is written (streamed, never held whole) to a temporary folder, then read in a
//! child process of its own, which reports its outcome, the seconds the read took and its
//! peak resident memory (`VmHWM`): a peak is a property of a process, so one input's peak
//! cannot hide behind another's. `GOVBENCH_LIMITS_CASES` picks cases by name (comma-separated,
//! default all); `GOVBENCH_LIMITS_KEEP=1` keeps the files.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

type Writer = BufWriter<std::fs::File>;

/// (name, how the child reads it, file name, writer).
type Case = (
    &'static str,
    Reader,
    &'static str,
    fn(&mut Writer) -> std::io::Result<()>,
);

#[derive(Clone, Copy)]
enum Reader {
    Results,
    Samples,
}

const MIB: usize = 1024 * 1024;

fn cases() -> Vec<Case> {
    vec![
        // The reported attack: an lm-eval results file of 59 MB with 2.15 million keys.
        (
            "lm_eval_2m_keys",
            Reader::Results,
            "results_2m.json",
            lm_eval_2m_keys,
        ),
        // The other reported attack: a samples log that is one line of 1 GiB.
        (
            "samples_1g_line",
            Reader::Samples,
            "samples_1g.jsonl",
            samples_1g_line,
        ),
        // Files just within the limits, each built to need the most memory it can.
        (
            "lm_eval_at_limits",
            Reader::Results,
            "results_full.json",
            lm_eval_at_limits,
        ),
        (
            "lm_eval_worst",
            Reader::Results,
            "results_worst.json",
            lm_eval_worst,
        ),
        (
            "json_long_string_nan",
            Reader::Results,
            "results_string.json",
            json_long_string,
        ),
        (
            "promptfoo_max_rows",
            Reader::Results,
            "promptfoo.json",
            promptfoo_max_rows,
        ),
        (
            "generic_csv_max_rows",
            Reader::Results,
            "metrics.csv",
            generic_csv_max_rows,
        ),
        (
            "promptfoo_csv_max_rows",
            Reader::Results,
            "promptfoo.csv",
            promptfoo_csv_max_rows,
        ),
        (
            "opencompass_max_cells",
            Reader::Results,
            "summary.csv",
            opencompass_max_cells,
        ),
        (
            "samples_line_at_limit",
            Reader::Samples,
            "samples_line.jsonl",
            samples_line_at_limit,
        ),
        (
            "samples_array_at_limit",
            Reader::Samples,
            "samples_array.jsonl",
            samples_array_at_limit,
        ),
        (
            "samples_array_deep",
            Reader::Samples,
            "samples_deep.jsonl",
            samples_array_deep,
        ),
        (
            "json_deep_skipped",
            Reader::Results,
            "results_deep.json",
            json_deep_skipped,
        ),
    ]
}

/// Writes `filler` until about `bytes` are written (each write `write` more).
fn fill(
    out: &mut Writer,
    bytes: usize,
    mut write: impl FnMut(&mut Writer, usize) -> std::io::Result<usize>,
) -> std::io::Result<()> {
    let (mut written, mut i) = (0, 0);
    while written < bytes {
        written += write(out, i)?;
        i += 1;
    }
    Ok(())
}

/// lm-eval: 9,990 tasks of 9 metrics with 132-byte names (half the objects and keys allowed,
/// ~90,000 metrics and 13 MB of names in the preview), padded to 64 MiB with task
/// configurations (skipped).
fn lm_eval_at_limits(out: &mut Writer) -> std::io::Result<()> {
    out.write_all(b"{\"results\": {")?;
    let pad = "p".repeat(120);
    for t in 0..9_990 {
        let comma = if t == 0 { "" } else { ", " };
        write!(out, "{comma}\"task_{t:06}_{pad}\": {{")?;
        for m in 0..9 {
            let comma = if m == 0 { "" } else { ", " };
            write!(out, "{comma}\"metric_{m},none\": 0.{t}{m}")?;
        }
        out.write_all(b"}")?;
    }
    out.write_all(b"}, \"configs\": {")?;
    let config = format!(
        "{{\"task\": \"x\", \"doc_to_text\": \"{}\"}}",
        "q".repeat(2_000)
    );
    fill(out, 60 * MIB, |out, i| {
        let text = format!("{}\"c{i}\": {config}", if i == 0 { "" } else { ", " });
        out.write_all(text.as_bytes())?;
        Ok(text.len())
    })?;
    out.write_all(b"}, \"versions\": {}}")
}

/// The older array layout at its limit, one sample nested 48 million levels deep: the parser
/// keeps a byte per level while it checks the array.
fn samples_array_deep(out: &mut Writer) -> std::io::Result<()> {
    out.write_all(b"[{\"doc_id\": 0, \"acc\": 1}, {\"doc_id\": 1, \"deep\": ")?;
    let depth = 48 * MIB - 1024;
    for byte in [b'[', b']'] {
        let chunk = vec![byte; MIB];
        for _ in 0..depth / MIB {
            out.write_all(&chunk)?;
        }
        out.write_all(&chunk[..depth % MIB])?;
    }
    out.write_all(b"}]")
}

/// An lm-eval file whose task configurations (which are skipped) are nested 32 million levels
/// deep.
fn json_deep_skipped(out: &mut Writer) -> std::io::Result<()> {
    out.write_all(b"{\"results\": {\"t\": {\"acc\": 0.5}}, \"versions\": {}, \"configs\": ")?;
    let depth = 32 * MIB - 1024;
    for byte in [b'[', b']'] {
        let chunk = vec![byte; MIB];
        for _ in 0..depth / MIB {
            out.write_all(&chunk)?;
        }
        out.write_all(&chunk[..depth % MIB])?;
    }
    out.write_all(b"}")
}

/// lm-eval at every limit at once: 19,000 task objects (near the objects' limit) of 5 metrics
/// with 150-byte names (95,000 metrics, 15 MB of names in the preview), a group listing
/// 80,000 names (near the keys' limit with the metrics) and a 47 MiB date with an escape in it
/// (so the parser copies it): 64 MiB in all.
fn lm_eval_worst(out: &mut Writer) -> std::io::Result<()> {
    let pad = "w".repeat(138);
    out.write_all(b"{\"results\": {")?;
    for t in 0..19_000 {
        let comma = if t == 0 { "" } else { ", " };
        write!(out, "{comma}\"task_{t:06}{pad}\": {{")?;
        for m in 0..5 {
            let comma = if m == 0 { "" } else { ", " };
            write!(out, "{comma}\"m{m},none\": 0.{t}")?;
        }
        out.write_all(b"}")?;
    }
    out.write_all(b"}, \"group_subtasks\": {\"g\": [")?;
    for t in 0..80_000 {
        let comma = if t == 0 { "" } else { ", " };
        write!(out, "{comma}\"task_{t:06}{pad}\"")?;
    }
    out.write_all(b"]}, \"versions\": {}, \"date\": \"\\n")?;
    let chunk = "é".repeat(MIB / 2);
    for _ in 0..47 {
        out.write_all(chunk.as_bytes())?;
    }
    out.write_all(b"\"}")
}

/// A string of 63 MiB with an escape in it (so the parser copies it) where a reader looks (the
/// date), and a bare `NaN` (so the file is read through the quoting reader).
fn json_long_string(out: &mut Writer) -> std::io::Result<()> {
    out.write_all(
        b"{\"results\": {\"t\": {\"acc\": NaN, \"f1\": 0.5}}, \"versions\": {}, \"date\": \"\\n",
    )?;
    let chunk = "é".repeat(MIB / 2);
    for _ in 0..63 {
        out.write_all(chunk.as_bytes())?;
    }
    out.write_all(b"\"}")
}

/// promptfoo v3: 100,000 result rows of ~640 bytes, outputs and grading included (skipped).
fn promptfoo_max_rows(out: &mut Writer) -> std::io::Result<()> {
    out.write_all(b"{\"evalId\": \"e\", \"results\": {\"version\": 3, \"timestamp\": \"2025-01-01\", \"results\": [")?;
    for i in 0..99_990 {
        let comma = if i == 0 { "" } else { ", " };
        let named = if i % 2 == 0 {
            ", \"namedScores\": {\"tone\": 0.5}"
        } else {
            ""
        };
        write!(
            out,
            "{comma}{{\"promptIdx\": {p}, \"success\": {s}, \"score\": 1, \"latencyMs\": {i}, \"cost\": 0.001{named}, \
             \"provider\": {{\"id\": \"openai:gpt-4o\", \"label\": \"\"}}, \"prompt\": {{\"raw\": \"Answer the question {i}\", \"label\": \"p{p}\"}}, \
             \"response\": {{\"output\": \"{out}\", \"tokenUsage\": {{\"total\": 12, \"prompt\": 7, \"completion\": 5}}}}, \
             \"gradingResult\": {{\"pass\": true, \"score\": 1, \"reason\": \"ok\", \"componentResults\": [{{\"pass\": true, \"assertion\": {{\"type\": \"contains\", \"value\": \"x\"}}}}]}}, \
             \"vars\": {{\"question\": \"q{i}\"}}, \"testCase\": {{\"vars\": {{\"question\": \"q{i}\"}}, \"assert\": [{{\"type\": \"contains\", \"value\": \"x\"}}]}}}}",
            p = i % 4,
            s = i % 3 != 0,
            out = "o".repeat(60),
        )?;
    }
    out.write_all(b"], \"prompts\": [")?;
    for p in 0..4 {
        let comma = if p == 0 { "" } else { ", " };
        write!(out, "{comma}{{\"raw\": \"Answer\", \"label\": \"p{p}\", \"provider\": \"openai:gpt-4o\", \"metrics\": {{\"score\": 1}}}}")?;
    }
    out.write_all(
        b"], \"stats\": {\"successes\": 66660}}, \"config\": {\"providers\": [\"openai:gpt-4o\"]}}",
    )
}

/// Govbench's CSV: 99,990 rows with 164 bytes of names each (16.4 MB in the preview, just
/// under its limit) and an ignored column, 64 MiB in all.
fn generic_csv_max_rows(out: &mut Writer) -> std::io::Result<()> {
    out.write_all(b"metric,value,stderr,n,task,notes\n")?;
    let (task, notes) = ("t".repeat(75), "n".repeat(480));
    // One warning (the ignored column) and 99,990 metrics: just within the preview's limit.
    for i in 0..99_990 {
        writeln!(out, "metric_{i:06}_{task},0.5,0.01,1000,{task},{notes}")?;
    }
    Ok(())
}

/// promptfoo's CSV (layout D): 100,000 rows of 8 columns, outputs of ~600 bytes.
fn promptfoo_csv_max_rows(out: &mut Writer) -> std::io::Result<()> {
    out.write_all(
        b"question,[openai:gpt-4o] Ask,Status,Score,Named Scores,Grader Reason,Comment\n",
    )?;
    let output = format!(
        "\"{}\"",
        "an answer, with a comma\nand a line break ".repeat(14)
    );
    for i in 0..100_000 {
        let status = ["PASS", "FAIL", "ERROR"][i % 3];
        writeln!(out, "q{i},{output},{status},0.50,,reason,")?;
    }
    Ok(())
}

/// OpenCompass: 25,000 datasets by 4 models (100,000 metrics, the preview's limit less a few).
fn opencompass_max_cells(out: &mut Writer) -> std::io::Result<()> {
    out.write_all(b"dataset,version,metric,mode,model_a,model_b,model_c,model_d\n")?;
    for i in 0..24_990 {
        writeln!(
            out,
            "dataset_{i:06}_{},{i:06x},accuracy,gen,75.50,60.25,12.00,99.99",
            "d".repeat(40)
        )?;
    }
    Ok(())
}

/// A samples log whose one line is just under the limit: a failing sample whose prompt and
/// document (shown to a reviewer) are 15 MiB each, full of escapes.
fn samples_line_at_limit(out: &mut Writer) -> std::io::Result<()> {
    let text = "line\\n".repeat(15 * MIB / 6);
    writeln!(
        out,
        "{{\"doc_id\": 0, \"acc\": 0, \"target\": \"B\", \"filtered_resps\": [\"A\"], \"arguments\": {{\"gen_args_0\": {{\"arg_0\": \"{text}\"}}}}, \"doc\": \"{text}\"}}"
    )
}

/// The older array layout at its limit: 96 MiB of pretty-printed samples of ~2 KB.
fn samples_array_at_limit(out: &mut Writer) -> std::io::Result<()> {
    out.write_all(b"[\n")?;
    let doc = "d".repeat(1_800);
    fill(out, 96 * MIB - 4 * 1024, |out, i| {
        let text = format!(
            "{}  {{\n    \"doc_id\": {i},\n    \"doc\": \"{doc}\",\n    \"target\": \"B\",\n    \"acc\": {}\n  }}",
            if i == 0 { "" } else { ",\n" },
            i % 2
        );
        out.write_all(text.as_bytes())?;
        Ok(text.len())
    })?;
    out.write_all(b"\n]\n")
}

fn lm_eval_2m_keys(out: &mut Writer) -> std::io::Result<()> {
    // 1,075,000 tasks of one metric each: 2.15 million keys in `results`, 55 bytes a task.
    out.write_all(b"{\"results\": {")?;
    for i in 0..1_075_000u32 {
        let comma = if i == 0 { "" } else { ", " };
        write!(
            out,
            "{comma}\"hostile_task_{i:07}_padding_xyz\": {{\"acc,none\": 0.5}}"
        )?;
    }
    out.write_all(b"}, \"versions\": {}}")
}

fn samples_1g_line(out: &mut Writer) -> std::io::Result<()> {
    out.write_all(b"{\"doc_id\": 0, \"doc\": \"")?;
    let chunk = vec![b'x'; MIB];
    for _ in 0..1024 {
        out.write_all(&chunk)?;
    }
    out.write_all(b"\", \"acc\": 1.0}")
}

fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// In the child: reads the file as Govbench does and prints `outcome\tseconds\tpeak KiB`.
fn child(reader: &str, path: &Path) {
    let started = Instant::now();
    let outcome = match reader {
        "results" => {
            use std::io::Read;
            let mut bytes = Vec::new();
            let read = std::fs::File::open(path).and_then(|f| {
                f.take(govbench_eval_import::MAX_RESULTS_BYTES as u64 + 1)
                    .read_to_end(&mut bytes)
            });
            match read {
                Err(e) => format!("unreadable: {e}"),
                Ok(_) => match govbench_eval_import::read("hostile.json", &bytes) {
                    Ok(p) => format!("read: {} metrics", p.metrics.len()),
                    Err(e) => format!("refused: {}", e.problem),
                },
            }
        }
        _ => {
            let file = std::fs::File::open(path).map(|f| std::io::BufReader::with_capacity(MIB, f));
            let summary =
                file.map(|f| govbench_eval_import::lm_eval_samples::summarise("hostile.jsonl", f));
            match summary {
                Err(e) => format!("unreadable: {e}"),
                Ok(Err(e)) => format!("refused: {}", e.problem),
                Ok(Ok(s)) => format!("read: {} samples, {} bad lines", s.samples, s.bad_lines),
            }
        }
    };
    println!(
        "{outcome}\t{:.3}\t{}",
        started.elapsed().as_secs_f64(),
        peak_kib()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, reader, path] = args.as_slice() {
        if flag == "--child" {
            child(reader, Path::new(path));
            return;
        }
    }
    let wanted = std::env::var("GOVBENCH_LIMITS_CASES").unwrap_or_default();
    let dir = std::env::temp_dir().join(format!("govbench-limits-{}", std::process::id()));
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot create {}: {e}", dir.display());
        return;
    }
    let Ok(me) = std::env::current_exe() else {
        eprintln!("cannot find this benchmark's own executable");
        return;
    };
    eprintln!(
        "{:<24} {:>10} {:>9} {:>11}  outcome",
        "case", "file MB", "seconds", "peak MiB"
    );
    for (name, reader, file, write) in cases() {
        if !wanted.is_empty() && !wanted.split(',').any(|w| w.trim() == name) {
            continue;
        }
        let path: PathBuf = dir.join(file);
        let written = std::fs::File::create(&path).and_then(|f| {
            let mut out = BufWriter::with_capacity(MIB, f);
            write(&mut out)?;
            out.flush()
        });
        if let Err(e) = written {
            eprintln!("{name}: cannot write {}: {e}", path.display());
            continue;
        }
        let size = std::fs::metadata(&path).map_or(0, |m| m.len());
        let reader = match reader {
            Reader::Results => "results",
            Reader::Samples => "samples",
        };
        let output = Command::new(&me)
            .arg("--child")
            .arg(reader)
            .arg(&path)
            .output();
        let line = match output {
            Ok(out) => String::from_utf8_lossy(&out.stdout).trim().to_owned(),
            Err(e) => format!("child failed: {e}"),
        };
        let mut cells = line.split('\t');
        let (outcome, seconds, peak) = (
            cells.next().unwrap_or_default(),
            cells.next().unwrap_or("?"),
            cells
                .next()
                .and_then(|k| k.parse::<f64>().ok())
                .map_or(f64::NAN, |k| k / 1024.0),
        );
        eprintln!(
            "{name:<24} {:>10.1} {seconds:>9} {peak:>11.1}  {outcome}",
            size as f64 / 1e6
        );
        if std::env::var_os("GOVBENCH_LIMITS_KEEP").is_none() {
            let _ = std::fs::remove_file(&path);
        }
    }
    if std::env::var_os("GOVBENCH_LIMITS_KEEP").is_none() {
        let _ = std::fs::remove_dir(&dir);
    }
}
