//! Real renderings of a realistic quarter, read back with poppler (`pdftotext`, `pdfinfo`).

mod fixture;

use govbench_i18n::Locale;
use govbench_protocol::{AssessmentStatus, PolicyArea};
use std::path::PathBuf;
use std::process::Command;

fn write(name: &str, bytes: &[u8]) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn poppler(tool: &str, args: &[&str], path: &PathBuf) -> Option<String> {
    match Command::new(tool).args(args).arg(path).arg("-").output() {
        Ok(out) => {
            assert!(
                out.status.success(),
                "{tool} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            Some(String::from_utf8(out.stdout).unwrap())
        }
        Err(_) => {
            println!("note: {tool} is not installed; skipping the checks that need it");
            None
        }
    }
}

/// The text as laid out (pages, columns) and in content order. `-layout` sometimes drops a
/// narrow space between two runs ("7 / 9" reads "7/9"), so phrases are looked up in both.
fn text_of(path: &PathBuf) -> Option<(String, String)> {
    let layout = poppler("pdftotext", &["-layout"], path)?;
    let raw = poppler("pdftotext", &["-raw"], path)?;
    Some((layout, raw))
}

fn assert_has(text: &(String, String), expected: &str) {
    assert!(
        text.0.contains(expected) || text.1.contains(expected),
        "missing {expected:?}"
    );
}

fn page_count(path: &PathBuf) -> Option<usize> {
    let out = Command::new("pdfinfo").arg(path).output().ok()?;
    let info = String::from_utf8(out.stdout).unwrap();
    let line = info.lines().find(|l| l.starts_with("Pages:")).unwrap();
    Some(line.trim_start_matches("Pages:").trim().parse().unwrap())
}

/// pdftotext separates pages with form feeds.
fn pages(text: &str) -> Vec<&str> {
    text.split('\u{c}').collect()
}

fn render(locale: Locale, status: Option<AssessmentStatus>, name: &str) -> (Vec<u8>, PathBuf) {
    let scorecard = fixture::scorecard(300);
    let assessment = status.map(|s| fixture::assessment(&scorecard, s));
    let names = fixture::names();
    let input = fixture::input(locale, &scorecard, assessment.as_ref(), &names);
    let bytes = govbench_report::render(&input).unwrap();
    let path = write(name, &bytes);
    (bytes, path)
}

#[test]
fn english_report_reads_back_with_every_part() {
    let (bytes, path) = render(
        Locale::En,
        Some(AssessmentStatus::Approved),
        "report-en.pdf",
    );
    assert!(bytes.starts_with(b"%PDF"));
    if let Some(count) = page_count(&path) {
        assert!(count > 1, "{count} pages");
    }
    let Some(text) = text_of(&path) else { return };
    for expected in [
        "Govbench",
        "Vertical LLM governance workbench",
        "Quarterly policy assessment 2026Q3",
        "2026-07-01 to 2026-09-30",
        "Confidential — internal use only",
        "Contents",
        "Requirements",
        "Model evaluation",
        "Incident response",
        "Emergency drills",
        "Security and audit",
        "Meeting record",
        "Strategy adjustments",
        "92.5%",
        "≥ 90%",
        "6.4 days",
        "7 / 9",
        "12.5 min",
        "No data",
        "Threshold 90",
        "风控问答 v3.2",
        "Done 2026-10-20",
        "Li Wei, 2026-10-12 16:15 UTC+08:00",
        "2026-10-12 17:18 UTC+08:00",
        fixture::DOCUMENT_NUMBER,
        "govbench audit verify --anchor",
        "Page 3 of",
        "Exporter's signing key (SHA-256 fingerprint)",
        "To check that an audit pack of this export was sealed with this key, run:",
        "Shared log (server position and hash over the log)",
    ] {
        assert_has(&text, expected);
    }
    assert!(
        text.0.contains(fixture::FRONTIER),
        "the frontier is not extractable whole"
    );
    let clauses = PolicyArea::Evaluations.clauses();
    assert_has(&text, &format!("Policy clauses: {clauses}"));
    // The head is printed whole in the command line (and in halves above it).
    assert!(
        text.0.contains(fixture::HEAD),
        "the chain head is not extractable"
    );
    // Beside it the exporter's key fingerprint, whole, and the command that checks a pack.
    let cover = pages(&text.0)[0];
    assert!(
        cover.contains(fixture::SIGNER),
        "no fingerprint on the cover"
    );
    assert!(
        text.1.contains(&format!(
            "govbench pack verify PACK.zip --signer {}",
            fixture::SIGNER
        )),
        "the pack command is not extractable"
    );
    let tally = "6 met · 4 to watch · 3 missed";
    assert_has(&text, tally);

    let pages = pages(&text.0);
    let total = pages.iter().filter(|p| !p.trim().is_empty()).count();
    assert!(
        text.0.contains(&format!("Page {total} of {total}")),
        "last page number"
    );
    // Every page after the cover has the footer with the document number.
    for (i, page) in pages
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.trim().is_empty())
        .skip(1)
    {
        assert!(
            page.contains(fixture::DOCUMENT_NUMBER),
            "page {} lacks the document number",
            i + 1
        );
        assert!(
            page.contains(&format!("Page {} of {total}", i + 1)),
            "page {} lacks its number",
            i + 1
        );
    }
    // The 300-row table spans pages, its header repeated on each of them.
    let continued = pages
        .iter()
        .filter(|p| p.contains("Models and evaluations (continued)"))
        .count();
    assert!(continued >= 3, "continued on {continued} pages");
    let headers = pages
        .iter()
        .filter(|p| p.contains("Evaluation data set"))
        .count();
    assert!(headers >= 4, "header on {headers} pages");
    assert_has(&text, "FinQA-039");
}

#[test]
fn chinese_report_extracts_chinese_text() {
    let (bytes, path) = render(
        Locale::ZhCn,
        Some(AssessmentStatus::Approved),
        "report-zh.pdf",
    );
    assert!(bytes.starts_with(b"%PDF"));
    if let Some(count) = page_count(&path) {
        assert!(count > 1);
    }
    let Some(text) = text_of(&path) else { return };
    for expected in [
        "垂直大模型治理工作台",
        "2026年第3季度 制度执行评估",
        "内部资料 · 注意保密",
        "目录",
        "需求管理",
        "模型评估",
        "故障应急",
        "应急演练",
        "安全与审计",
        "评估会议记录",
        "策略调整",
        "6.4 天",
        "达标 6 项 · 关注 4 项 · 未达标 3 项",
        "暂无数据",
        "金融合规问答集",
        "华东分行",
        "第 3 页 / 共",
        "项目经理签署",
        fixture::DOCUMENT_NUMBER,
        fixture::HEAD,
        "导出人签名密钥（SHA-256 指纹）",
        "如需核对本次导出的审计包确由该密钥封签，请运行：",
        fixture::SIGNER,
    ] {
        assert_has(&text, expected);
    }
    let clauses = PolicyArea::Incidents.clauses();
    assert_has(&text, &format!("对应制度条款：{clauses}"));
    let continued = pages(&text.0)
        .iter()
        .filter(|p| p.contains("（续）"))
        .count();
    assert!(continued >= 3, "continued on {continued} pages");
}

#[test]
fn a_draft_says_its_figures_are_live_and_unsigned() {
    let (_, path) = render(
        Locale::En,
        Some(AssessmentStatus::Draft),
        "report-draft.pdf",
    );
    let Some(text) = text_of(&path) else { return };
    assert_has(&text, "computed live");
    assert_has(&text, "Not yet signed off.");
}

#[test]
fn without_an_assessment_the_quarter_is_not_assessed() {
    let (_, path) = render(Locale::ZhCn, None, "report-unassessed.pdf");
    let Some(text) = text_of(&path) else { return };
    assert_has(&text, "未评估");
    assert_has(&text, "本季度尚未开启评估");
    assert!(!text.1.contains("评估会议记录"));
}

#[test]
fn fonts_are_subset() {
    let (bytes, _) = render(
        Locale::ZhCn,
        Some(AssessmentStatus::Approved),
        "report-size.pdf",
    );
    // Each face is 3.6 MB whole; the report uses a few hundred glyphs of them.
    assert!(
        bytes.len() < 600_000,
        "{} bytes: the fonts were embedded whole",
        bytes.len()
    );
}

#[test]
fn odd_input_still_renders() {
    let mut scorecard = fixture::scorecard(0);
    scorecard.quarter = "not a quarter".into();
    scorecard.sections.truncate(1);
    scorecard.sections[0].metrics.clear();
    scorecard.sections[0].tables[0].rows.push(vec![]);
    scorecard.sections[0].charts.push(govbench_protocol::Chart {
        title: "x".into(),
        kind: govbench_protocol::ChartKind::Bar,
        categories: vec![],
        series: vec![govbench_protocol::Series {
            label: govbench_protocol::Cell::Text("s".into()),
            values: vec![
                Some(f64::NAN),
                Some(3.0),
                Some(f64::INFINITY),
                Some(1e308),
                Some(-1e308),
            ],
        }],
        threshold: Some(f64::NAN),
    });
    let names = fixture::names();
    let mut input = fixture::input(Locale::En, &scorecard, None, &names);
    input.head = "short-head";
    let workspace = "very long workspace name ".repeat(20);
    input.workspace = &workspace;
    let bytes = govbench_report::render(&input).unwrap();
    assert!(bytes.starts_with(b"%PDF"));
}
