//! Streaming a large lm-eval samples log: throughput and peak memory.
//!
//! Writes a synthetic JSONL of `GOVBENCH_SAMPLES_MB` megabytes (default 1024) shaped like the
//! harness's lines (a document, a prompt, responses, hashes and per-sample metrics, ~2 KB
//! each, a third of them failing), then times `lm_eval_samples::summarise` over it and reports
//! MB/s and the process's peak resident memory. With `python3` on the PATH it also times a
//! plain `json.loads` line loop over the same file, for the ratio.

use govbench_eval_import::lm_eval_samples::summarise;
use std::io::Write;
use std::time::Instant;

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() {
    let megabytes: u64 = std::env::var("GOVBENCH_SAMPLES_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    let dir = tempfile_dir();
    let path = dir.join("samples_bench.jsonl");
    {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let filler = "病历 record text, ".repeat(40);
        let mut written = 0u64;
        let mut i = 0u64;
        while written < megabytes * 1024 * 1024 {
            let acc = if i.is_multiple_of(3) { "0.0" } else { "1.0" };
            let line = format!(
                "{{\"doc_id\": {i}, \"doc\": {{\"question\": \"{filler} {i}\", \"choices\": [\"A\", \"B\", \"C\", \"D\"], \"answer\": 2}}, \
                 \"target\": \"2\", \"arguments\": {{\"gen_args_0\": {{\"arg_0\": \"Question: {filler}\\nAnswer:\", \"arg_1\": \" C\"}}}}, \
                 \"resps\": [[[\"-1.25\", \"False\"]], [[\"-0.5\", \"True\"]]], \"filtered_resps\": [[\"-1.25\", \"False\"], [\"-0.5\", \"True\"]], \
                 \"filter\": \"none\", \"metrics\": [\"acc\", \"acc_norm\"], \"doc_hash\": \"{h}\", \"prompt_hash\": \"{h}\", \"target_hash\": \"{h}\", \
                 \"acc\": {acc}, \"acc_norm\": {acc}}}\n",
                h = "ab".repeat(32)
            );
            out.write_all(line.as_bytes()).unwrap();
            written += line.len() as u64;
            i += 1;
        }
    }
    let size = std::fs::metadata(&path).unwrap().len();
    let started = Instant::now();
    let reader = std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(&path).unwrap());
    let summary = summarise("samples_bench.jsonl", reader).unwrap();
    let seconds = started.elapsed().as_secs_f64();
    let mb = size as f64 / 1_000_000.0;
    eprintln!(
        "samples: {:.0} MB, {} lines, {} failing, {:.2} s = {:.0} MB/s, peak RSS {:.0} MiB",
        mb,
        summary.samples,
        summary.failed,
        seconds,
        mb / seconds,
        peak_rss_mib().unwrap_or(f64::NAN)
    );
    let python = std::process::Command::new("python3")
        .arg("-c")
        .arg(
            "import json,sys,time\nt=time.time()\nn=0\nfor line in open(sys.argv[1],'rb'):\n    json.loads(line); n+=1\nprint(time.time()-t)",
        )
        .arg(&path)
        .output();
    if let Ok(out) = python {
        if let Ok(py) = String::from_utf8_lossy(&out.stdout).trim().parse::<f64>() {
            eprintln!(
                "python json.loads loop: {py:.2} s = {:.0} MB/s; Govbench is {:.1}× faster",
                mb / py,
                py / seconds
            );
        }
    }
    let _ = std::fs::remove_file(&path);
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("govbench-samples-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
