//! Tables that flow across pages: the header row is repeated on every page a table reaches,
//! and each cell's text wraps within its column.

use crate::layout::{
    Align, Colour, Layout, Stroke, Style, CONTENT_WIDTH, HAIRLINE, INK, MARGIN, RULE, SHADE,
};
use crate::text::{Face, Fonts};

const BODY: Style = Style::new(Face::Regular, 8.5, INK);
const HEADER: Style = Style::new(Face::Bold, 8.5, INK);
const TITLE: Style = Style::new(Face::Bold, 10.5, INK);
const PAD_X: f32 = 2.0;
const PAD_Y: f32 = 1.1;
/// Room the status marker takes before the cell's text.
const MARKER_SPACE: f32 = 3.4;
/// No column is squeezed below this, however many there are.
const MIN_COLUMN: f32 = 12.0;

pub struct Column {
    pub title: String,
    pub align: Align,
}

#[derive(Default)]
pub struct TableCell {
    pub text: String,
    /// A coloured dot before the text (a metric's status).
    pub marker: Option<Colour>,
}

impl TableCell {
    pub fn text(text: impl Into<String>) -> TableCell {
        TableCell {
            text: text.into(),
            marker: None,
        }
    }
}

pub struct Table {
    pub title: Option<String>,
    /// Shown (instead of the title) on pages the table continues onto.
    pub continued_title: Option<String>,
    pub columns: Vec<Column>,
    /// Fractions of the content width; measured from the content when `None`.
    pub fractions: Option<Vec<f32>>,
    pub rows: Vec<Vec<TableCell>>,
    /// Shown in place of the rows when there are none.
    pub empty_text: String,
}

/// A row with its cells already wrapped to their columns.
struct WrappedRow<'t> {
    lines: Vec<Vec<String>>,
    cells: &'t [TableCell],
}

impl WrappedRow<'_> {
    fn line_count(&self) -> usize {
        self.lines.iter().map(Vec::len).max().unwrap_or(1).max(1)
    }
}

fn row_height(lines: usize, style: Style) -> f32 {
    lines as f32 * style.line_height() + 2.0 * PAD_Y
}

pub fn draw(layout: &mut Layout<'_>, table: &Table) {
    if table.columns.is_empty() {
        return;
    }
    let fonts = layout.fonts;
    let widths = match &table.fractions {
        Some(fractions) if fractions.len() == table.columns.len() => {
            let total: f32 = fractions.iter().sum::<f32>().max(f32::EPSILON);
            fractions
                .iter()
                .map(|f| f / total * CONTENT_WIDTH)
                .collect()
        }
        _ => measured_widths(fonts, table),
    };
    let header = wrap_cells(
        fonts,
        HEADER,
        &widths,
        table.columns.iter().map(|c| (c.title.as_str(), false)),
    );
    let header_height = row_height(header.iter().map(Vec::len).max().unwrap_or(1), HEADER);
    let title_height = if table.title.is_some() {
        TITLE.line_height() + 1.0
    } else {
        0.0
    };

    let rows: Vec<WrappedRow<'_>> = table
        .rows
        .iter()
        .map(|cells| WrappedRow {
            lines: wrap_cells(
                fonts,
                BODY,
                &widths,
                (0..widths.len()).map(|i| match cells.get(i) {
                    Some(cell) => (cell.text.as_str(), cell.marker.is_some()),
                    None => ("", false),
                }),
            ),
            cells: cells.as_slice(),
        })
        .collect();

    // Keep the title, the header and the first row together.
    let first_row = rows
        .first()
        .map_or(row_height(1, BODY), |r| row_height(r.line_count(), BODY));
    layout.ensure(title_height + header_height + first_row.min(40.0));
    if let Some(title) = &table.title {
        title_line(layout, title);
    }
    draw_header(layout, table, &widths, &header, header_height);

    if rows.is_empty() {
        let text = [vec![table.empty_text.clone()]];
        let height = row_height(1, BODY);
        draw_lines(layout, &[CONTENT_WIDTH], &text, &[Align::Left], 0, 1, &[]);
        layout.y += height;
        return;
    }

    let aligns: Vec<Align> = table.columns.iter().map(|c| c.align).collect();
    for row in &rows {
        let total = row.line_count();
        let mut done = 0;
        // Set right after a break: the row is then drawn whatever happens, so rounding can
        // never make the loop break page after page.
        let mut fresh = false;
        while done < total {
            let remaining_lines = total - done;
            let fit = ((layout.remaining() - 2.0 * PAD_Y) / BODY.line_height())
                .floor()
                .max(0.0) as usize;
            let fits_on_fresh = row_height(remaining_lines, BODY)
                <= crate::layout::BODY_BOTTOM
                    - crate::layout::BODY_TOP
                    - header_height
                    - title_height;
            // Break before the row when it fits on a fresh page; split a row only when it is
            // taller than a page, and then fill this page first.
            if fit < remaining_lines && (fits_on_fresh || fit == 0) && !fresh {
                layout.new_page();
                fresh = true;
                if let Some(title) = table.continued_title.as_ref().or(table.title.as_ref()) {
                    title_line(layout, title);
                }
                draw_header(layout, table, &widths, &header, header_height);
                continue;
            }
            let count = remaining_lines.min(fit.max(1));
            draw_lines(layout, &widths, &row.lines, &aligns, done, count, row.cells);
            layout.y += row_height(count, BODY);
            let y = layout.y;
            layout.page().line(
                MARGIN,
                y,
                MARGIN + CONTENT_WIDTH,
                y,
                Stroke::solid(HAIRLINE, 0.5),
            );
            done += count;
            fresh = false;
        }
    }
    // The table's closing rule.
    let y = layout.y;
    layout.page().line(
        MARGIN,
        y,
        MARGIN + CONTENT_WIDTH,
        y,
        Stroke::solid(RULE, 0.7),
    );
}

fn title_line(layout: &mut Layout<'_>, title: &str) {
    let fonts = layout.fonts;
    let baseline = layout.y + TITLE.baseline_offset();
    layout
        .page()
        .text(fonts, MARGIN, baseline, TITLE, Align::Left, title);
    layout.y += TITLE.line_height() + 1.0;
}

fn draw_header(
    layout: &mut Layout<'_>,
    table: &Table,
    widths: &[f32],
    header: &[Vec<String>],
    height: f32,
) {
    let y = layout.y;
    let page = layout.page();
    page.fill_rect(MARGIN, y, CONTENT_WIDTH, height, SHADE);
    page.line(
        MARGIN,
        y,
        MARGIN + CONTENT_WIDTH,
        y,
        Stroke::solid(RULE, 0.7),
    );
    page.line(
        MARGIN,
        y + height,
        MARGIN + CONTENT_WIDTH,
        y + height,
        Stroke::solid(RULE, 0.7),
    );
    let aligns: Vec<Align> = table.columns.iter().map(|c| c.align).collect();
    let lines = header.iter().map(Vec::len).max().unwrap_or(1);
    draw_lines_styled(layout, widths, header, &aligns, 0, lines, &[], HEADER);
    layout.y += height;
}

fn draw_lines(
    layout: &mut Layout<'_>,
    widths: &[f32],
    lines: &[Vec<String>],
    aligns: &[Align],
    first: usize,
    count: usize,
    cells: &[TableCell],
) {
    draw_lines_styled(layout, widths, lines, aligns, first, count, cells, BODY);
}

/// Lines `first..first + count` of each cell, in the band starting at the cursor.
#[allow(clippy::too_many_arguments)]
fn draw_lines_styled(
    layout: &mut Layout<'_>,
    widths: &[f32],
    lines: &[Vec<String>],
    aligns: &[Align],
    first: usize,
    count: usize,
    cells: &[TableCell],
    style: Style,
) {
    let fonts = layout.fonts;
    let top = layout.y + PAD_Y;
    let page = layout.page();
    let mut x = MARGIN;
    for (column, width) in widths.iter().enumerate() {
        let marker = cells.get(column).and_then(|c| c.marker);
        let text_x = if marker.is_some() {
            x + PAD_X + MARKER_SPACE
        } else {
            x + PAD_X
        };
        if let (Some(colour), 0) = (marker, first) {
            let cy = top + style.line_height() / 2.0;
            page.fill_circle(x + PAD_X + 1.2, cy, 1.15, colour);
        }
        let align = aligns.get(column).copied().unwrap_or(Align::Left);
        let cell_lines = lines.get(column).map(Vec::as_slice).unwrap_or(&[]);
        for (i, line) in cell_lines.iter().skip(first).take(count).enumerate() {
            let baseline = top + i as f32 * style.line_height() + style.baseline_offset();
            let (anchor, align) = match align {
                Align::Right => (x + width - PAD_X, Align::Right),
                Align::Centre => (x + width / 2.0, Align::Centre),
                Align::Left => (text_x, Align::Left),
            };
            page.text(fonts, anchor, baseline, style, align, line);
        }
        x += width;
    }
}

fn wrap_cells<'a>(
    fonts: &Fonts,
    style: Style,
    widths: &[f32],
    texts: impl Iterator<Item = (&'a str, bool)>,
) -> Vec<Vec<String>> {
    texts
        .zip(widths)
        .map(|((text, marked), width)| {
            let inner = width - 2.0 * PAD_X - if marked { MARKER_SPACE } else { 0.0 };
            fonts.wrap(style.face, style.size, text, inner.max(1.0))
        })
        .collect()
}

/// Column widths from the content: each column gets its natural (unwrapped) width while the
/// table fits; when it does not, the widest columns are capped at one common width so the
/// narrow ones (dates, figures) stay on one line and the long texts wrap.
fn measured_widths(fonts: &Fonts, table: &Table) -> Vec<f32> {
    let n = table.columns.len();
    let mut natural: Vec<f32> = table
        .columns
        .iter()
        .map(|c| {
            let longest_word = c
                .title
                .split_whitespace()
                .map(|w| fonts.width(HEADER.face, HEADER.size, w))
                .fold(0.0, f32::max);
            longest_word + 2.0 * PAD_X
        })
        .collect();
    // Sampling bounds the cost on very long tables; a later wider cell simply wraps.
    for row in table.rows.iter().take(400) {
        for (i, cell) in row.iter().enumerate().take(n) {
            let marker = if cell.marker.is_some() {
                MARKER_SPACE
            } else {
                0.0
            };
            let widest_line = cell
                .text
                .split('\n')
                .map(|line| fonts.width(BODY.face, BODY.size, line))
                .fold(0.0, f32::max);
            natural[i] = natural[i].max(widest_line + marker + 2.0 * PAD_X);
        }
    }
    for w in &mut natural {
        *w = w.max(MIN_COLUMN.min(CONTENT_WIDTH / n as f32));
    }
    let total: f32 = natural.iter().sum();
    if total <= CONTENT_WIDTH {
        // Spread the slack evenly: the table spans the measure like every other table.
        let extra = (CONTENT_WIDTH - total) / n as f32;
        return natural.iter().map(|w| w + extra).collect();
    }
    // Water-filling: the cap c with sum(min(w, c)) == CONTENT_WIDTH.
    let mut sorted = natural.clone();
    sorted.sort_by(f32::total_cmp);
    let mut budget = CONTENT_WIDTH;
    let mut cap = CONTENT_WIDTH / n as f32;
    for (i, w) in sorted.iter().enumerate() {
        let left = (n - i) as f32;
        if w * left >= budget {
            cap = budget / left;
            break;
        }
        budget -= w;
    }
    natural.iter().map(|w| w.min(cap)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(cells: &[&str]) -> Table {
        Table {
            title: None,
            continued_title: None,
            columns: cells
                .iter()
                .map(|_| Column {
                    title: "T".into(),
                    align: Align::Left,
                })
                .collect(),
            fractions: None,
            rows: vec![cells.iter().map(|c| TableCell::text(*c)).collect()],
            empty_text: String::new(),
        }
    }

    #[test]
    fn measured_widths_fill_the_measure_and_keep_short_columns_whole() {
        let fonts = crate::text::fonts().unwrap();
        let long = "word ".repeat(80);
        let widths = measured_widths(fonts, &table(&["2026-07-01", &long, "3 / 4"]));
        assert!(
            (widths.iter().sum::<f32>() - CONTENT_WIDTH).abs() < 0.01,
            "{widths:?}"
        );
        let date = fonts.width(BODY.face, BODY.size, "2026-07-01") + 2.0 * PAD_X;
        assert!(widths[0] >= date, "{widths:?}");

        let widths = measured_widths(fonts, &table(&["a", "b"]));
        assert!((widths.iter().sum::<f32>() - CONTENT_WIDTH).abs() < 0.01);
    }
}
