//! The cover: what the report is, whose, for which quarter and in which state, and how to
//! prove it matches the workspace's audit log (the chain head, printed and as a QR code).

use crate::layout::{
    Align, Layout, Page, Stroke, Style, ACCENT, AMBER, CONTENT_WIDTH, GREEN, GREY, HAIRLINE, INK,
    MARGIN, MUTED, NOTE_FILL, PAGE_HEIGHT, RED, RULE, SHADE,
};
use crate::text::{Face, Fonts};
use crate::{words, RenderError, ReportInput};
use govbench_i18n::Locale;
use govbench_protocol::AssessmentStatus;
use qrcode::{EcLevel, QrCode};

const LABEL: Style = Style::new(Face::Regular, 9.5, MUTED);
const VALUE: Style = Style::new(Face::Regular, 10.5, INK);
const LABEL_WIDTH: f32 = 42.0;
const QR_SIZE: f32 = 30.0;
/// White around the code: scanners need a light quiet zone, and the box is shaded.
const QR_QUIET: f32 = 2.5;

pub fn draw(layout: &mut Layout<'_>, input: &ReportInput<'_>) -> Result<(), RenderError> {
    layout.new_page();
    product_line(layout, input.locale);
    title_and_workspace(layout, input);
    fact_rows(layout, input);
    // Live figures are said so on the cover, not only inside.
    let locale = input.locale;
    let note = match input.assessment.map(|a| a.status) {
        Some(AssessmentStatus::Draft) => Some(locale.t("report.draft_note")),
        None => Some(locale.t("report.not_assessed_note")),
        _ => None,
    };
    if let Some(note) = note {
        layout.gap(6.0);
        note_box(layout, &note);
    }

    // The box sits low on the page; with a shared log to print below it, it moves up into
    // the room the facts leave (they end by 170 mm even with a note).
    let top = match input.frontier {
        Some(_) => (layout.y + 6.0).clamp(150.0, 178.0),
        None => 196.0,
    };
    let fonts = layout.fonts;
    chain_head(layout.page(), fonts, input, top)?;
    confidentiality_marking(layout, input.locale);
    Ok(())
}

fn product_line(layout: &mut Layout<'_>, locale: Locale) {
    let fonts = layout.fonts;
    let brand = Style::new(Face::Bold, 13.0, ACCENT);
    let tagline = Style::new(Face::Regular, 10.0, MUTED);
    let name = locale.t("brand.name");
    let page = layout.page();
    page.text(fonts, MARGIN, 24.0, brand, Align::Left, &name);
    let after = MARGIN + fonts.width(brand.face, brand.size, &name) + 3.0;
    page.text(
        fonts,
        after,
        24.0,
        tagline,
        Align::Left,
        &locale.t("brand.tagline"),
    );
    page.line(
        MARGIN,
        28.5,
        MARGIN + CONTENT_WIDTH,
        28.5,
        Stroke::solid(ACCENT, 1.5),
    );
}

/// The cover has fixed room: data that is unusually long is cut rather than pushing the
/// chain head off the page.
fn title_and_workspace(layout: &mut Layout<'_>, input: &ReportInput<'_>) {
    let (locale, fonts) = (input.locale, layout.fonts);
    layout.y = 52.0;
    let quarter = words::quarter(locale, &input.scorecard.quarter);
    let title = locale.format("report.title", [("quarter", quarter.as_str())]);
    let title_style = Style::new(Face::Bold, 24.0, INK);
    let title = fonts.clip(title_style.face, title_style.size, &title, CONTENT_WIDTH, 2);
    layout.paragraph(MARGIN, CONTENT_WIDTH, title_style, &title);
    layout.gap(1.5);
    let workspace_style = Style::new(Face::Regular, 14.0, MUTED);
    let workspace = fonts.clip(
        workspace_style.face,
        workspace_style.size,
        input.workspace,
        CONTENT_WIDTH,
        1,
    );
    layout.paragraph(MARGIN, CONTENT_WIDTH, workspace_style, &workspace);
    layout.gap(10.0);
}

/// The facts, one per row.
fn fact_rows(layout: &mut Layout<'_>, input: &ReportInput<'_>) {
    let (locale, fonts) = (input.locale, layout.fonts);
    let (met, watch, missed) = input.scorecard.tally();
    let (met, watch, missed) = (met.to_string(), watch.to_string(), missed.to_string());
    let status = words::status(locale, input.assessment);
    let period = locale.format(
        "report.cover.period_value",
        [
            (
                "from",
                input.scorecard.from.format("%Y-%m-%d").to_string().as_str(),
            ),
            (
                "to",
                input.scorecard.to.format("%Y-%m-%d").to_string().as_str(),
            ),
        ],
    );
    let facts = [
        ("report.cover.workspace", input.workspace.to_owned()),
        ("report.cover.period", period),
        ("report.cover.status", status),
        (
            "report.cover.tally",
            locale.format(
                "report.cover.tally_value",
                [
                    ("met", met.as_str()),
                    ("watch", watch.as_str()),
                    ("missed", missed.as_str()),
                ],
            ),
        ),
        (
            "report.cover.computed_at",
            words::time(input.scorecard.computed_at, input.utc_offset),
        ),
        (
            "report.cover.document_number",
            input.document_number.to_owned(),
        ),
        (
            "report.cover.exported_at",
            words::time(input.exported_at, input.utc_offset),
        ),
        ("report.cover.exported_by", input.exported_by.to_owned()),
    ];
    let status_colour = match input.assessment.map(|a| a.status) {
        Some(AssessmentStatus::Approved) => GREEN,
        Some(AssessmentStatus::Signed) => ACCENT,
        Some(AssessmentStatus::Draft) => AMBER,
        None => GREY,
    };
    let y = layout.y;
    layout.page().line(
        MARGIN,
        y,
        MARGIN + CONTENT_WIDTH,
        y,
        Stroke::solid(RULE, 0.7),
    );
    for (key, value) in facts {
        let top = layout.y;
        let mut value_x = MARGIN + LABEL_WIDTH;
        if key == "report.cover.status" {
            let cy = top + 1.6 + VALUE.line_height() / 2.0;
            layout
                .page()
                .fill_circle(value_x + 1.3, cy, 1.3, status_colour);
            value_x += 4.0;
        }
        let label = locale.t(key);
        layout.page().text(
            fonts,
            MARGIN,
            top + 1.6 + VALUE.baseline_offset(),
            LABEL,
            Align::Left,
            &label,
        );
        layout.y = top + 1.6;
        let value_width = CONTENT_WIDTH - LABEL_WIDTH - (value_x - MARGIN - LABEL_WIDTH);
        let value = fonts.clip(VALUE.face, VALUE.size, &value, value_width, 1);
        layout.paragraph(value_x, value_width, VALUE, &value);
        layout.y += 1.6;
        let y = layout.y;
        layout.page().line(
            MARGIN,
            y,
            MARGIN + CONTENT_WIDTH,
            y,
            Stroke::solid(HAIRLINE, 0.5),
        );
    }
}

fn confidentiality_marking(layout: &mut Layout<'_>, locale: Locale) {
    let fonts = layout.fonts;
    let marking = Style::new(Face::Bold, 11.0, RED);
    let page = layout.page();
    page.line(
        MARGIN,
        PAGE_HEIGHT - 24.0,
        MARGIN + CONTENT_WIDTH,
        PAGE_HEIGHT - 24.0,
        Stroke::solid(RULE, 0.7),
    );
    let text = locale.t("report.confidential");
    page.text(
        fonts,
        MARGIN + CONTENT_WIDTH / 2.0,
        PAGE_HEIGHT - 16.5,
        marking,
        Align::Centre,
        &text,
    );
}

/// A shaded box with a coloured edge holding a warning sentence, at the cursor.
pub fn note_box(layout: &mut Layout<'_>, text: &str) {
    let style = Style::new(Face::Regular, 9.5, INK);
    let width = CONTENT_WIDTH - 8.0;
    let lines = layout.fonts.wrap(style.face, style.size, text, width).len();
    let height = lines as f32 * style.line_height() + 5.0;
    layout.ensure(height);
    let top = layout.y;
    let page = layout.page();
    page.fill_rect(MARGIN, top, CONTENT_WIDTH, height, NOTE_FILL);
    page.fill_rect(MARGIN, top, 1.2, height, AMBER);
    layout.y = top + 2.5;
    layout.paragraph(MARGIN + 5.0, width, style, text);
    layout.y = top + height;
}

/// The audit-chain head with its QR code and the command that checks it.
fn chain_head(
    page: &mut Page,
    fonts: &Fonts,
    input: &ReportInput<'_>,
    top: f32,
) -> Result<(), RenderError> {
    let locale = input.locale;
    let height = QR_SIZE + 2.0 * QR_QUIET + 4.0;
    page.fill_rect(MARGIN, top, CONTENT_WIDTH, height, SHADE);

    let label = Style::new(Face::Bold, 10.0, INK);
    page.text(
        fonts,
        MARGIN + 5.0,
        top + 8.0,
        label,
        Align::Left,
        &locale.t("report.cover.chain_head"),
    );

    // `<copy>:<seq>:` on one line, the 64-hex hash in two halves below: easy to compare by eye.
    let mono = Style::new(Face::Regular, 10.0, INK);
    let text_width = CONTENT_WIDTH - QR_SIZE - 16.0;
    let lines: Vec<String> = match input.head.rsplit_once(':') {
        Some((prefix, hash)) if hash.len() == 64 && hash.is_ascii() => {
            vec![
                format!("{prefix}:"),
                hash[..32].to_owned(),
                hash[32..].to_owned(),
            ]
        }
        _ => fonts.wrap(mono.face, mono.size, input.head, text_width),
    };
    for (i, line) in lines.iter().enumerate().take(4) {
        let baseline = top + 15.5 + i as f32 * mono.line_height();
        page.text(fonts, MARGIN + 5.0, baseline, mono, Align::Left, line);
    }

    qr_code(
        page,
        input.head,
        MARGIN + CONTENT_WIDTH - QR_SIZE - 4.0,
        top + 4.0,
        QR_SIZE,
    )?;

    // How to check it, the command on one line (shrunk to fit) so it can be copied whole.
    let hint = Style::new(Face::Regular, 9.0, MUTED);
    let below = top + height + 3.0;
    let sentence = locale.t("report.cover.verify");
    let hint_lines = fonts.wrap(hint.face, hint.size, &sentence, CONTENT_WIDTH);
    for (i, line) in hint_lines.iter().enumerate() {
        page.text(
            fonts,
            MARGIN,
            below + hint.baseline_offset() + i as f32 * hint.line_height(),
            hint,
            Align::Left,
            line,
        );
    }
    let command = format!("govbench audit verify --anchor {}", input.head);
    let natural = fonts.width(Face::Regular, 8.5, &command);
    let size = if natural > CONTENT_WIDTH {
        8.5 * CONTENT_WIDTH / natural
    } else {
        8.5
    };
    let command_style = Style::new(Face::Regular, size, INK);
    let baseline = below
        + hint_lines.len() as f32 * hint.line_height()
        + command_style.baseline_offset()
        + 0.5;
    page.text(
        fonts,
        MARGIN,
        baseline,
        command_style,
        Align::Left,
        &command,
    );
    let mut top = baseline + 3.0;
    if let Some(frontier) = input.frontier {
        top = shared_log(page, fonts, locale, frontier, top);
    }
    if let Some(fingerprint) = input.signer_fingerprint {
        signer_key(page, fonts, locale, fingerprint, top);
    }
    Ok(())
}

/// On a shared workspace: the server's log as the exporter's copy held it, as the command
/// that checks it on any member's copy (on one line, to be copied whole); `top` is where the
/// lines start. Returns where the next may start.
fn shared_log(page: &mut Page, fonts: &Fonts, locale: Locale, frontier: &str, top: f32) -> f32 {
    let label = Style::new(Face::Bold, 9.0, INK);
    let y = top + label.baseline_offset();
    page.text(
        fonts,
        MARGIN,
        y,
        label,
        Align::Left,
        &locale.t("report.cover.frontier"),
    );
    let command = format!("govbench audit verify --anchor {frontier}");
    let sentence = locale.t("report.cover.verify_frontier");
    hint_and_command(page, fonts, &sentence, &command, y) + 3.0
}

/// A muted sentence wrapped below `y`, then the command it introduces on one line (shrunk to
/// fit, so it can be copied whole). Returns the command's baseline.
fn hint_and_command(page: &mut Page, fonts: &Fonts, sentence: &str, command: &str, y: f32) -> f32 {
    let mut y = y;
    let hint = Style::new(Face::Regular, 9.0, MUTED);
    for line in fonts.wrap(hint.face, hint.size, sentence, CONTENT_WIDTH) {
        y += hint.line_height();
        page.text(fonts, MARGIN, y, hint, Align::Left, &line);
    }
    let style = Style::new(Face::Regular, fit(fonts, command, 8.5, CONTENT_WIDTH), INK);
    y += style.line_height() + 0.5;
    page.text(fonts, MARGIN, y, style, Align::Left, command);
    y
}

/// The exporter's key fingerprint, on one line to be copied whole, and the command that
/// checks an audit pack of this export against it; `top` is where the lines start.
fn signer_key(page: &mut Page, fonts: &Fonts, locale: Locale, fingerprint: &str, top: f32) {
    let label = Style::new(Face::Bold, 9.0, INK);
    let mut y = top + label.baseline_offset();
    page.text(
        fonts,
        MARGIN,
        y,
        label,
        Align::Left,
        &locale.t("report.cover.signer_key"),
    );
    let mono = Style::new(Face::Regular, 10.0, INK);
    y += mono.line_height();
    let value = fit(fonts, fingerprint, mono.size, CONTENT_WIDTH);
    page.text(
        fonts,
        MARGIN,
        y,
        Style::new(Face::Regular, value, INK),
        Align::Left,
        fingerprint,
    );
    let sentence = locale.t("report.cover.verify_pack");
    let command = format!("govbench pack verify PACK.zip --signer {fingerprint}");
    hint_and_command(page, fonts, &sentence, &command, y);
}

/// The font size at which `text` fits in `width` on one line, at most `size`.
fn fit(fonts: &Fonts, text: &str, size: f32, width: f32) -> f32 {
    let natural = fonts.width(Face::Regular, size, text);
    if natural > width {
        size * width / natural
    } else {
        size
    }
}

/// The QR code as filled squares (one rectangle per horizontal run of dark modules).
fn qr_code(page: &mut Page, data: &str, x: f32, y: f32, size: f32) -> Result<(), RenderError> {
    let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M)
        .map_err(|e| RenderError::QrCode(e.to_string()))?;
    let width = code.width();
    let colours = code.to_colors();
    let module = size / width as f32;
    page.fill_rect(
        x - 1.0,
        y - 1.0,
        size + 2.0,
        size + 2.0,
        crate::layout::WHITE,
    );
    for (row, modules) in colours.chunks(width).enumerate() {
        let mut column = 0;
        while column < width {
            if modules[column] == qrcode::Color::Dark {
                let start = column;
                while column < width && modules[column] == qrcode::Color::Dark {
                    column += 1;
                }
                let run = (column - start) as f32;
                // A hair of overlap keeps viewers from showing seams between modules.
                page.fill_rect(
                    x + start as f32 * module,
                    y + row as f32 * module,
                    run * module,
                    module + 0.02,
                    INK,
                );
            } else {
                column += 1;
            }
        }
    }
    Ok(())
}
