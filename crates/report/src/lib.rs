//! The quarterly policy-assessment report as a PDF (A4, zh-CN or English): a cover with the
//! audit-chain head to check it against, the contents, one part per policy area (metrics,
//! charts, detail tables), the meeting record and its sign-offs.
//!
//! Everything is drawn with printpdf's page operations and the two embedded Noto Sans CJK SC
//! faces, subset on save to the glyphs used. Layout runs once: the contents pages are reserved
//! up front (their entry count is known) and filled in, like the page numbers, at the end.

mod chart;
mod cover;
mod layout;
mod meeting;
mod sections;
mod table;
mod text;
mod words;

use chrono::{DateTime, FixedOffset, Utc};
use govbench_i18n::Locale;
use govbench_protocol::{QuarterlyAssessment, Scorecard, UserId};
use layout::{
    Align, FontIds, Layout, Stroke, Style, BODY_BOTTOM, BODY_TOP, CONTENT_WIDTH, HAIRLINE, INK,
    MARGIN, MUTED, PAGE_HEIGHT, RULE,
};
use printpdf::{PdfDocument, PdfSaveOptions};
use text::Face;

/// Everything the report shows besides the translations.
pub struct ReportInput<'a> {
    pub locale: Locale,
    /// The workspace's name, printed on the cover and in every header.
    pub workspace: &'a str,
    pub scorecard: &'a Scorecard,
    /// Status, meeting record and sign-offs; `None` when no assessment was opened for the
    /// quarter (the report then says "not assessed" and that the figures are live).
    pub assessment: Option<&'a QuarterlyAssessment>,
    /// Display names for sign-offs and action owners.
    pub names: &'a [(UserId, String)],
    /// `GBR-2026-…`, printed on the cover and in every footer.
    pub document_number: &'a str,
    /// The audit-chain head `<copy>:<seq>:<64 hex>` the report was exported at.
    pub head: &'a str,
    /// On a shared workspace, the frontier `log:<position>:<64 hex>`: the server's log as the
    /// exporter's copy held it, which any member's copy checks (`audit verify --anchor`).
    pub frontier: Option<&'a str>,
    /// The exporter's key fingerprint (hex SHA-256 of their Ed25519 public key), printed
    /// beside the head: what an audit pack of the export is checked against
    /// (`govbench pack verify --signer`). `None` prints nothing.
    pub signer_fingerprint: Option<&'a str>,
    pub exported_at: DateTime<Utc>,
    pub exported_by: &'a str,
    /// The exporter's zone: times are printed in it, with the offset shown.
    pub utc_offset: FixedOffset,
}

#[derive(Clone, Debug, thiserror::Error)]
pub enum RenderError {
    #[error("the embedded font cannot be used: {0}")]
    Font(String),
    #[error("the chain head does not fit in a QR code: {0}")]
    QrCode(String),
}

const CONTENTS_ROW: f32 = 8.0;

/// Renders the report to the bytes of a PDF file.
pub fn render(input: &ReportInput<'_>) -> Result<Vec<u8>, RenderError> {
    let locale = input.locale;
    let fonts = text::fonts()?;
    let quarter = words::quarter(locale, &input.scorecard.quarter);
    let title = locale.format("report.title", [("quarter", quarter.as_str())]);

    let mut doc = PdfDocument::new(&title);
    let info = &mut doc.metadata.info;
    info.author = input.exported_by.to_owned();
    info.creator = locale.t("brand.name");
    info.subject = input.workspace.to_owned();
    if let Ok(date) = printpdf::OffsetDateTime::from_unix_timestamp(input.exported_at.timestamp()) {
        info.creation_date = date;
        info.modification_date = date;
        info.metadata_date = date;
    }
    let font_ids = FontIds {
        regular: doc.add_font(&fonts.regular.parsed),
        bold: doc.add_font(&fonts.bold.parsed),
    };
    let mut layout = Layout::new(fonts, font_ids);

    cover::draw(&mut layout, input)?;

    let entry_count = input.scorecard.sections.len() + usize::from(input.assessment.is_some());
    let per_page = (((BODY_BOTTOM - BODY_TOP - 20.0) / CONTENTS_ROW).floor() as usize).max(1);
    let contents_first = layout.page_count();
    for _ in 0..entry_count.div_ceil(per_page).max(1) {
        layout.new_page();
    }

    // (title, zero-based page index) of each part, for the contents and the bookmarks.
    let mut entries: Vec<(String, usize)> = Vec::with_capacity(entry_count);
    for section in &input.scorecard.sections {
        layout.new_page();
        let heading = locale.t(&format!("area.{}", section.area.key()));
        entries.push((heading.clone(), layout.page_index()));
        sections::draw(&mut layout, locale, section, &heading);
    }
    if let Some(assessment) = input.assessment {
        layout.new_page();
        let heading = locale.t("report.meeting.title");
        entries.push((heading.clone(), layout.page_index()));
        meeting::draw(&mut layout, input, assessment, &heading);
    }

    contents(&mut layout, locale, contents_first, per_page, &entries);
    decorate(&mut layout, input, &quarter);

    for (heading, page) in &entries {
        doc.add_bookmark(heading, page + 1);
    }
    let mut warnings = Vec::new();
    let options = PdfSaveOptions {
        optimize: true,
        subset_fonts: true,
        secure: true,
        image_optimization: None,
    };
    Ok(doc
        .with_pages(layout.into_pages())
        .save(&options, &mut warnings))
}

/// The contents: each part's title, a dotted leader and its page number.
fn contents(
    layout: &mut Layout<'_>,
    locale: Locale,
    first: usize,
    per_page: usize,
    entries: &[(String, usize)],
) {
    let fonts = layout.fonts;
    let style = Style::new(Face::Regular, 11.0, INK);
    let heading = Style::new(Face::Bold, 16.0, INK);
    let title = locale.t("report.contents");
    let chunks: Vec<&[(String, usize)]> = if entries.is_empty() {
        vec![&[]]
    } else {
        entries.chunks(per_page).collect()
    };
    for (chunk_index, chunk) in chunks.into_iter().enumerate() {
        let Some(page) = layout.page_at(first + chunk_index) else {
            continue;
        };
        page.text(
            fonts,
            MARGIN,
            BODY_TOP + heading.baseline_offset(),
            heading,
            Align::Left,
            &title,
        );
        page.line(
            MARGIN,
            BODY_TOP + heading.line_height() + 0.8,
            MARGIN + 28.0,
            BODY_TOP + heading.line_height() + 0.8,
            Stroke::solid(layout::ACCENT, 1.6),
        );
        let mut y = BODY_TOP + heading.line_height() + 8.0;
        for (name, index) in chunk {
            let number = (index + 1).to_string();
            let baseline = y + style.baseline_offset();
            let name_width = fonts
                .width(style.face, style.size, name)
                .min(CONTENT_WIDTH - 20.0);
            let name = fonts
                .wrap(style.face, style.size, name, CONTENT_WIDTH - 20.0)
                .into_iter()
                .next()
                .unwrap_or_default();
            page.text(fonts, MARGIN, baseline, style, Align::Left, &name);
            page.text(
                fonts,
                MARGIN + CONTENT_WIDTH,
                baseline,
                style,
                Align::Right,
                &number,
            );
            let number_width = fonts.width(style.face, style.size, &number);
            let leader_y = baseline - 0.3;
            let (from, to) = (
                MARGIN + name_width + 2.0,
                MARGIN + CONTENT_WIDTH - number_width - 2.0,
            );
            if to > from {
                page.line(
                    from,
                    leader_y,
                    to,
                    leader_y,
                    Stroke::dashed(MUTED, 0.6, [0.6, 2.2]),
                );
            }
            y += CONTENTS_ROW;
        }
    }
}

/// Header and footer on every page after the cover; only now is the page count known.
fn decorate(layout: &mut Layout<'_>, input: &ReportInput<'_>, quarter: &str) {
    let locale = input.locale;
    let fonts = layout.fonts;
    let small = Style::new(Face::Regular, 8.0, MUTED);
    let total = layout.page_count();
    let header = [input.workspace, quarter, &locale.t("report.document_title")].join(" · ");
    let header = fonts.clip(small.face, small.size, &header, CONTENT_WIDTH, 1);
    let marking = locale.t("report.confidential");
    let total_text = total.to_string();
    for index in 1..total {
        let Some(page) = layout.page_at(index) else {
            continue;
        };
        page.text(fonts, MARGIN, 14.5, small, Align::Left, &header);
        page.line(
            MARGIN,
            17.0,
            MARGIN + CONTENT_WIDTH,
            17.0,
            Stroke::solid(RULE, 0.5),
        );

        let footer_rule = PAGE_HEIGHT - 15.0;
        page.line(
            MARGIN,
            footer_rule,
            MARGIN + CONTENT_WIDTH,
            footer_rule,
            Stroke::solid(HAIRLINE, 0.5),
        );
        let baseline = PAGE_HEIGHT - 10.5;
        page.text(fonts, MARGIN, baseline, small, Align::Left, &marking);
        page.text(
            fonts,
            MARGIN + CONTENT_WIDTH / 2.0,
            baseline,
            small,
            Align::Centre,
            input.document_number,
        );
        let number = (index + 1).to_string();
        let page_text = locale.format(
            "report.page",
            [("n", number.as_str()), ("total", total_text.as_str())],
        );
        page.text(
            fonts,
            MARGIN + CONTENT_WIDTH,
            baseline,
            small,
            Align::Right,
            &page_text,
        );
    }
}
