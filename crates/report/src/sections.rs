//! One part per policy area: its title and clauses, the metrics against their targets, then
//! the area's charts and detail tables.

use crate::chart;
use crate::layout::{
    Align, Colour, Layout, Stroke, Style, ACCENT, AMBER, CONTENT_WIDTH, GREEN, GREY, INK, MARGIN,
    MUTED, RED,
};
use crate::table::{self, Column, Table, TableCell};
use crate::text::Face;
use govbench_i18n::Locale;
use govbench_protocol::{Cell, DataTable, MetricStatus, Section};

pub const HEADING: Style = Style::new(Face::Bold, 16.0, INK);
const CLAUSES: Style = Style::new(Face::Regular, 9.5, MUTED);

pub fn status_colour(status: MetricStatus) -> Colour {
    match status {
        MetricStatus::Met => GREEN,
        MetricStatus::Watch => AMBER,
        MetricStatus::Missed => RED,
        MetricStatus::Info => GREY,
    }
}

fn status_text(locale: Locale, status: MetricStatus) -> String {
    locale.t(&format!("metric_status.{}", status.key()))
}

/// A part's heading with an accent rule beneath, at the cursor.
pub fn heading(layout: &mut Layout<'_>, text: &str) {
    layout.paragraph(MARGIN, CONTENT_WIDTH, HEADING, text);
    let y = layout.y + 0.8;
    layout
        .page()
        .line(MARGIN, y, MARGIN + 28.0, y, Stroke::solid(ACCENT, 1.6));
    layout.gap(3.0);
}

pub fn draw(layout: &mut Layout<'_>, locale: Locale, section: &Section, title: &str) {
    heading(layout, title);
    let clauses = locale.format("report.clauses", [("clauses", section.area.clauses())]);
    layout.paragraph(MARGIN, CONTENT_WIDTH, CLAUSES, &clauses);
    layout.gap(4.0);

    let metrics = Table {
        title: Some(locale.t("report.metrics")),
        continued_title: Some(locale.format(
            "report.table.continued",
            [("title", locale.t("report.metrics").as_str())],
        )),
        columns: vec![
            Column {
                title: locale.t("report.column.metric"),
                align: Align::Left,
            },
            Column {
                title: locale.t("report.column.value"),
                align: Align::Right,
            },
            Column {
                title: locale.t("report.column.target"),
                align: Align::Right,
            },
            Column {
                title: locale.t("report.column.status"),
                align: Align::Left,
            },
        ],
        fractions: Some(vec![0.49, 0.17, 0.17, 0.17]),
        rows: section
            .metrics
            .iter()
            .map(|m| {
                vec![
                    TableCell::text(locale.t(&m.key)),
                    TableCell::text(locale.figure(&m.value)),
                    TableCell::text(
                        m.target
                            .as_ref()
                            .map_or_else(|| "—".to_owned(), |t| locale.target(t)),
                    ),
                    TableCell {
                        text: status_text(locale, m.status),
                        marker: Some(status_colour(m.status)),
                    },
                ]
            })
            .collect(),
        empty_text: locale.t("report.metrics.empty"),
    };
    table::draw(layout, &metrics);

    for c in &section.charts {
        layout.gap(7.0);
        chart::draw(layout, c, locale);
    }
    for t in &section.tables {
        layout.gap(7.0);
        table::draw(layout, &data_table(locale, t));
    }
}

/// A scorecard detail table; columns holding only figures are right-aligned.
fn data_table(locale: Locale, data: &DataTable) -> Table {
    let title = locale.t(&data.title);
    let columns = data
        .columns
        .iter()
        .enumerate()
        .map(|(i, key)| {
            let mut cells = data.rows.iter().filter_map(|row| row.get(i));
            let numeric = cells.clone().next().is_some()
                && cells.all(|c| {
                    matches!(c, Cell::Figure(_)) || matches!(c, Cell::Text(t) if t.is_empty())
                });
            Column {
                title: locale.t(key),
                align: if numeric { Align::Right } else { Align::Left },
            }
        })
        .collect();
    let rows = data
        .rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Cell::Status(s) => TableCell {
                        text: locale.cell(cell),
                        marker: Some(status_colour(*s)),
                    },
                    _ => TableCell::text(locale.cell(cell)),
                })
                .collect()
        })
        .collect();
    Table {
        continued_title: Some(locale.format("report.table.continued", [("title", title.as_str())])),
        title: Some(title),
        columns,
        fractions: None,
        rows,
        empty_text: locale.t("report.table.empty"),
    }
}
