//! Renders a quarter of about forty pages (a long evaluation table, charts, the meeting) in
//! zh-CN twenty times and prints the median time, the page count and the file size.
//!
//! It also writes the same content as HTML to the temp directory, for `compare.sh` to time a
//! headless Chromium printing it (the alternative this crate was chosen over).

#[path = "../tests/fixture/mod.rs"]
mod fixture;

use govbench_i18n::Locale;
use govbench_protocol::{AssessmentStatus, Cell, ChartKind, MetricStatus, Scorecard};
use std::fmt::Write as _;
use std::time::{Duration, Instant};

const RUNS: usize = 20;
/// Rows of the long evaluation table that make the report about forty pages.
const EVALUATION_ROWS: usize = 1180;

fn main() {
    let scorecard = fixture::scorecard(EVALUATION_ROWS);
    let assessment = fixture::assessment(&scorecard, AssessmentStatus::Approved);
    let names = fixture::names();
    let input = fixture::input(Locale::ZhCn, &scorecard, Some(&assessment), &names);

    // The first render parses the two fonts (once per process); report it apart.
    let start = Instant::now();
    let first = match govbench_report::render(&input) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("render failed: {e}");
            std::process::exit(1);
        }
    };
    let cold = start.elapsed();

    let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
    let mut bytes = first;
    for _ in 0..RUNS {
        let start = Instant::now();
        bytes = govbench_report::render(&input).unwrap_or_default();
        times.push(start.elapsed());
    }
    times.sort();
    let median = times[RUNS / 2];
    let pages = count_pages(&bytes);

    let dir = std::env::temp_dir();
    let pdf_path = dir.join("govbench-report-bench.pdf");
    let html_path = dir.join("govbench-report-bench.html");
    let written = std::fs::write(&pdf_path, &bytes)
        .and_then(|()| std::fs::write(&html_path, html(&scorecard, Locale::ZhCn)));
    if let Err(e) = written {
        eprintln!("could not write the outputs: {e}");
    }

    println!(
        "report/zh-CN: {pages} pages, {} bytes ({:.0} KiB)",
        bytes.len(),
        bytes.len() as f64 / 1024.0
    );
    println!(
        "report/zh-CN: first render (incl. font parsing) {:.1} ms",
        cold.as_secs_f64() * 1e3
    );
    println!(
        "report/zh-CN: median of {RUNS} {:.1} ms (min {:.1}, max {:.1})",
        median.as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[RUNS - 1].as_secs_f64() * 1e3
    );
    println!("wrote {} and {}", pdf_path.display(), html_path.display());
}

/// Page objects in the file (`/Type/Page`, not the `/Type/Pages` tree node).
fn count_pages(pdf: &[u8]) -> usize {
    let needle = b"/Type/Page";
    pdf.windows(needle.len() + 1)
        .filter(|w| &w[..needle.len()] == needle && w[needle.len()] != b's')
        .count()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The same scorecard as a plain HTML document (tables, SVG charts), for the comparison.
fn html(scorecard: &Scorecard, locale: Locale) -> String {
    let mut out = String::new();
    let title = locale.t("report.document_title");
    let _ = write!(
        out,
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{title}</title><style>\
         @page {{ size: A4; margin: 18mm; }} body {{ font-family: 'Noto Sans CJK SC', sans-serif; font-size: 9.5pt; }}\
         table {{ width: 100%; border-collapse: collapse; margin: 4mm 0; }} thead {{ display: table-header-group; }}\
         th {{ background: #eef0f2; text-align: left; }} th, td {{ border-bottom: 0.5pt solid #e1e4e8; padding: 1mm 1.6mm; font-size: 8.5pt; }}\
         h1 {{ page-break-before: always; font-size: 16pt; }} .dot {{ display: inline-block; width: 2.3mm; height: 2.3mm; border-radius: 50%; margin-right: 1mm; }}\
         </style></head><body><h2>{}</h2>",
        escape(&locale.format("report.title", [("quarter", scorecard.quarter.as_str())]))
    );
    for section in &scorecard.sections {
        let _ = write!(
            out,
            "<h1>{}</h1><p>{}</p>",
            escape(&locale.t(&format!("area.{}", section.area.key()))),
            section.area.clauses()
        );
        out.push_str("<table><thead><tr>");
        for key in [
            "report.column.metric",
            "report.column.value",
            "report.column.target",
            "report.column.status",
        ] {
            let _ = write!(out, "<th>{}</th>", escape(&locale.t(key)));
        }
        out.push_str("</tr></thead><tbody>");
        for m in &section.metrics {
            let target = m
                .target
                .as_ref()
                .map_or_else(|| "—".to_owned(), |t| locale.target(t));
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td><span class=\"dot\" style=\"background:{}\"></span>{}</td></tr>",
                escape(&locale.t(&m.key)),
                escape(&locale.figure(&m.value)),
                escape(&target),
                colour(m.status),
                escape(&locale.t(&format!("metric_status.{}", m.status.key())))
            );
        }
        out.push_str("</tbody></table>");
        for chart in &section.charts {
            let _ = write!(
                out,
                "<h3>{}</h3><svg width=\"170mm\" height=\"60mm\" viewBox=\"0 0 170 60\">",
                escape(&locale.t(&chart.title))
            );
            let n = chart.categories.len().max(1) as f64;
            for (s, series) in chart.series.iter().enumerate() {
                let colours = ["#1f5f9e", "#e08a2e", "#2a9d8f"];
                let colour = colours[s % colours.len()];
                for (i, v) in series.values.iter().enumerate() {
                    let Some(v) = v else { continue };
                    let x = 10.0 + (i as f64 + 0.5) * 160.0 / n;
                    let y = 55.0 - v.clamp(0.0, 100.0) / 2.0;
                    match chart.kind {
                        ChartKind::Line => {
                            let _ = write!(
                                out,
                                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"0.8\" fill=\"{colour}\"/>"
                            );
                        }
                        ChartKind::Bar => {
                            let _ = write!(out, "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"4\" height=\"{:.1}\" fill=\"{colour}\"/>", 55.0 - y);
                        }
                    }
                }
            }
            out.push_str("</svg>");
        }
        for table in &section.tables {
            let _ = write!(
                out,
                "<h3>{}</h3><table><thead><tr>",
                escape(&locale.t(&table.title))
            );
            for column in &table.columns {
                let _ = write!(out, "<th>{}</th>", escape(&locale.t(column)));
            }
            out.push_str("</tr></thead><tbody>");
            for row in &table.rows {
                out.push_str("<tr>");
                for cell in row {
                    let dot = match cell {
                        Cell::Status(s) => format!(
                            "<span class=\"dot\" style=\"background:{}\"></span>",
                            colour(*s)
                        ),
                        _ => String::new(),
                    };
                    let _ = write!(out, "<td>{dot}{}</td>", escape(&locale.cell(cell)));
                }
                out.push_str("</tr>");
            }
            out.push_str("</tbody></table>");
        }
    }
    out.push_str("</body></html>");
    out
}

fn colour(status: MetricStatus) -> &'static str {
    match status {
        MetricStatus::Met => "#2e8b57",
        MetricStatus::Watch => "#e09b1a",
        MetricStatus::Missed => "#c0392b",
        MetricStatus::Info => "#9aa0a6",
    }
}
