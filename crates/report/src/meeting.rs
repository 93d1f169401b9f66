//! The assessment meeting's record: when, who, what was concluded, the strategy adjustments
//! decided, and who signed and approved.

use crate::cover::note_box;
use crate::layout::{Align, Layout, Style, CONTENT_WIDTH, INK, MARGIN, MUTED};
use crate::sections::heading;
use crate::table::{self, Column, Table, TableCell};
use crate::text::Face;
use crate::{words, ReportInput};
use govbench_protocol::{AssessmentStatus, QuarterlyAssessment, SignOff};

const SUBHEADING: Style = Style::new(Face::Bold, 11.0, INK);
const LABEL: Style = Style::new(Face::Regular, 9.5, MUTED);
const BODY: Style = Style::new(Face::Regular, 9.5, INK);
const LABEL_WIDTH: f32 = 40.0;

pub fn draw(
    layout: &mut Layout<'_>,
    input: &ReportInput<'_>,
    assessment: &QuarterlyAssessment,
    title: &str,
) {
    let locale = input.locale;
    let meeting = &assessment.meeting;
    heading(layout, title);
    if assessment.status == AssessmentStatus::Draft {
        note_box(layout, &locale.t("report.draft_note"));
        layout.gap(4.0);
    }

    let not_recorded = locale.t("report.meeting.not_recorded");
    let held_on = meeting.held_on.map_or_else(
        || not_recorded.clone(),
        |d| d.format("%Y-%m-%d").to_string(),
    );
    let attendees = if meeting.attendees.is_empty() {
        not_recorded.clone()
    } else {
        meeting.attendees.join(&locale.t("list.separator"))
    };
    fact(layout, &locale.t("report.meeting.held_on"), &held_on);
    fact(layout, &locale.t("report.meeting.attendees"), &attendees);

    subheading(layout, &locale.t("report.meeting.conclusions"));
    let conclusions = if meeting.conclusions.trim().is_empty() {
        &not_recorded
    } else {
        &meeting.conclusions
    };
    layout.paragraph(MARGIN, CONTENT_WIDTH, BODY, conclusions);
    layout.gap(5.0);

    let adjustments = Table {
        title: Some(locale.t("report.meeting.adjustments")),
        continued_title: Some(locale.format(
            "report.table.continued",
            [("title", locale.t("report.meeting.adjustments").as_str())],
        )),
        columns: vec![
            Column {
                title: locale.t("report.adjustment.decision"),
                align: Align::Left,
            },
            Column {
                title: locale.t("report.adjustment.owner"),
                align: Align::Left,
            },
            Column {
                title: locale.t("report.adjustment.due"),
                align: Align::Left,
            },
            Column {
                title: locale.t("report.adjustment.done"),
                align: Align::Left,
            },
        ],
        fractions: Some(vec![0.52, 0.16, 0.13, 0.19]),
        rows: meeting
            .adjustments
            .iter()
            .map(|action| {
                let done = match &action.done {
                    Some(done) => {
                        let date = done
                            .at
                            .with_timezone(&input.utc_offset)
                            .format("%Y-%m-%d")
                            .to_string();
                        let mut text =
                            locale.format("report.adjustment.done_on", [("date", date.as_str())]);
                        if !done.note.trim().is_empty() {
                            text = format!("{text}\n{}", done.note.trim());
                        }
                        text
                    }
                    None => locale.t("report.adjustment.open"),
                };
                vec![
                    TableCell::text(action.text.clone()),
                    TableCell::text(words::name(locale, input.names, action.owner)),
                    TableCell::text(action.due.format("%Y-%m-%d").to_string()),
                    TableCell::text(done),
                ]
            })
            .collect(),
        empty_text: locale.t("report.table.empty"),
    };
    table::draw(layout, &adjustments);

    subheading(layout, &locale.t("report.signoff.title"));
    let signed_by = |sign: &SignOff| {
        let name = words::name(locale, input.names, sign.by);
        let at = words::time(sign.at, input.utc_offset);
        locale.format(
            "report.signoff.by_at",
            [("name", name.as_str()), ("at", at.as_str())],
        )
    };
    match (&assessment.signed, &assessment.approved) {
        (None, _) => layout.paragraph(
            MARGIN,
            CONTENT_WIDTH,
            BODY,
            &locale.t("report.signoff.none"),
        ),
        (Some(signed), approved) => {
            fact(
                layout,
                &locale.t("report.signoff.signed"),
                &signed_by(signed),
            );
            let approval = approved
                .as_ref()
                .map_or_else(|| locale.t("report.signoff.awaiting_approval"), signed_by);
            fact(layout, &locale.t("report.signoff.approved"), &approval);
        }
    }
}

fn subheading(layout: &mut Layout<'_>, text: &str) {
    layout.gap(4.0);
    // Keep a subheading with at least two lines of what follows.
    layout.ensure(SUBHEADING.line_height() + 3.0 * BODY.line_height());
    layout.paragraph(MARGIN, CONTENT_WIDTH, SUBHEADING, text);
    layout.gap(1.0);
}

/// A label and its value side by side; each wraps in its own column.
fn fact(layout: &mut Layout<'_>, label: &str, value: &str) {
    let fonts = layout.fonts;
    let label_lines = fonts.wrap(LABEL.face, LABEL.size, label, LABEL_WIDTH - 3.0);
    let label_height = label_lines.len() as f32 * BODY.line_height();
    layout.ensure(label_height);
    let (top, page) = (layout.y, layout.page_index());
    for (i, line) in label_lines.iter().enumerate() {
        let baseline = top + i as f32 * BODY.line_height() + BODY.baseline_offset();
        layout
            .page()
            .text(fonts, MARGIN, baseline, LABEL, Align::Left, line);
    }
    layout.paragraph(
        MARGIN + LABEL_WIDTH,
        CONTENT_WIDTH - LABEL_WIDTH,
        BODY,
        value,
    );
    if layout.page_index() == page {
        layout.y = layout.y.max(top + label_height);
    }
    layout.gap(1.0);
}
