//! Vector charts: line charts of KPI trends and grouped bar charts, with their axes, an
//! optional threshold and a legend. Gaps (`None`) break a line instead of inventing a value.

use crate::layout::{
    Align, Colour, Layout, Stroke, Style, CONTENT_WIDTH, GREY, HAIRLINE, INK, MARGIN, MUTED, RED,
    RULE,
};
use crate::text::Face;
use govbench_i18n::Locale;
use govbench_protocol::{Chart, ChartKind};

const TITLE: Style = Style::new(Face::Bold, 10.5, INK);
const AXIS: Style = Style::new(Face::Regular, 7.5, MUTED);
const LEGEND: Style = Style::new(Face::Regular, 8.0, INK);
const PLOT_HEIGHT: f32 = 50.0;

/// Series colours: distinguishable in print and for the common colour-vision deficiencies,
/// and none of them the red of the threshold or the status colours.
const PALETTE: [Colour; 6] = [
    Colour(0x1F, 0x5F, 0x9E),
    Colour(0xE0, 0x8A, 0x2E),
    Colour(0x2A, 0x9D, 0x8F),
    Colour(0x7B, 0x5B, 0xA6),
    Colour(0x6B, 0x70, 0x76),
    Colour(0xB5, 0x6A, 0x9C),
];

fn colour(series: usize) -> Colour {
    PALETTE[series % PALETTE.len()]
}

/// A chart with its values made safe to plot: NaN and infinities count as missing.
struct Plot<'c> {
    chart: &'c Chart,
    labels: Vec<String>,
    series: Vec<(String, Vec<Option<f64>>)>,
    categories: usize,
}

impl<'c> Plot<'c> {
    fn new(chart: &'c Chart, locale: Locale) -> Plot<'c> {
        let longest = chart
            .series
            .iter()
            .map(|s| s.values.len())
            .max()
            .unwrap_or(0);
        let categories = if chart.categories.is_empty() {
            longest
        } else {
            chart.categories.len()
        };
        let labels = (0..categories)
            .map(|i| {
                chart
                    .categories
                    .get(i)
                    .map(|c| locale.cell(c))
                    .unwrap_or_default()
            })
            .collect();
        let series = chart
            .series
            .iter()
            .map(|s| {
                let values = (0..categories)
                    .map(|i| s.values.get(i).copied().flatten().filter(|v| v.is_finite()))
                    .collect();
                (locale.cell(&s.label), values)
            })
            .collect();
        Plot {
            chart,
            labels,
            series,
            categories,
        }
    }

    fn values(&self) -> impl Iterator<Item = f64> + '_ {
        self.series
            .iter()
            .flat_map(|(_, v)| v.iter().flatten().copied())
    }

    fn has_data(&self) -> bool {
        self.categories > 0 && self.values().next().is_some()
    }
}

/// The height the chart takes, so the caller can keep it on one page.
pub fn height(layout: &Layout<'_>, chart: &Chart, locale: Locale) -> f32 {
    let plot = Plot::new(chart, locale);
    let legend_rows = legend_rows(layout, &plot).len().max(1);
    TITLE.line_height()
        + 2.0
        + PLOT_HEIGHT
        + AXIS.line_height()
        + 3.0
        + legend_rows as f32 * LEGEND.line_height()
        + 4.0
}

pub fn draw(layout: &mut Layout<'_>, chart: &Chart, locale: Locale) {
    let total = height(layout, chart, locale);
    layout.ensure(total);
    let plot = Plot::new(chart, locale);
    let fonts = layout.fonts;
    let top = layout.y;

    let title = locale.t(&chart.title);
    layout.page().text(
        fonts,
        MARGIN,
        top + TITLE.baseline_offset(),
        TITLE,
        Align::Left,
        &title,
    );
    let plot_top = top + TITLE.line_height() + 2.0;
    let plot_bottom = plot_top + PLOT_HEIGHT;

    if !plot.has_data() {
        let page = layout.page();
        page.stroke_rect(
            MARGIN,
            plot_top,
            CONTENT_WIDTH,
            PLOT_HEIGHT,
            Stroke::solid(RULE, 0.5),
        );
        let message = locale.t("report.chart.no_data");
        let style = Style::new(Face::Regular, 9.0, MUTED);
        let baseline = plot_top + PLOT_HEIGHT / 2.0 + style.size * 0.35 * crate::text::PT_TO_MM;
        page.text(
            fonts,
            MARGIN + CONTENT_WIDTH / 2.0,
            baseline,
            style,
            Align::Centre,
            &message,
        );
        layout.y = top + total;
        return;
    }

    let scale = Scale::new(&plot);
    let tick_labels: Vec<String> = scale.ticks.iter().map(|t| number(*t, scale.step)).collect();
    let axis_width = tick_labels
        .iter()
        .map(|l| fonts.width(AXIS.face, AXIS.size, l))
        .fold(0.0, f32::max);
    let left = MARGIN + axis_width + 2.0;
    let right = MARGIN + CONTENT_WIDTH;
    let width = right - left;
    let y_of = |v: f64| {
        // Extreme data (±1e308) can make the span infinite; such a point is pinned to the axis.
        let fraction = (v - scale.low) / (scale.high - scale.low);
        let fraction = if fraction.is_finite() {
            fraction.clamp(0.0, 1.0)
        } else {
            0.0
        };
        plot_bottom - fraction as f32 * PLOT_HEIGHT
    };

    {
        let page = layout.page();
        for (tick, label) in scale.ticks.iter().zip(&tick_labels) {
            let y = y_of(*tick);
            page.line(left, y, right, y, Stroke::solid(HAIRLINE, 0.5));
            let baseline = y + AXIS.size * 0.35 * crate::text::PT_TO_MM;
            page.text(fonts, left - 1.5, baseline, AXIS, Align::Right, label);
        }
        page.line(
            left,
            plot_bottom,
            right,
            plot_bottom,
            Stroke::solid(GREY, 0.7),
        );
        if scale.low < 0.0 && scale.high > 0.0 {
            page.line(left, y_of(0.0), right, y_of(0.0), Stroke::solid(GREY, 0.7));
        }
    }

    // Category labels, thinned out when they would collide.
    let band = width / plot.categories as f32;
    let widest = plot
        .labels
        .iter()
        .map(|l| fonts.width(AXIS.face, AXIS.size, l))
        .fold(0.0, f32::max);
    let every = ((widest + 2.0) / band).ceil().max(1.0) as usize;
    for (i, label) in plot
        .labels
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
    {
        let x = left + (i as f32 + 0.5) * band;
        let baseline = plot_bottom + 1.2 + AXIS.baseline_offset();
        layout
            .page()
            .text(fonts, x, baseline, AXIS, Align::Centre, label);
    }

    match plot.chart.kind {
        ChartKind::Line => draw_lines(layout, &plot, left, band, &y_of),
        ChartKind::Bar => draw_bars(
            layout,
            &plot,
            left,
            band,
            &y_of,
            scale.low.max(0.0).min(scale.high),
        ),
    }

    if let Some(threshold) = plot.chart.threshold.filter(|t| t.is_finite()) {
        let y = y_of(threshold);
        let page = layout.page();
        page.line(left, y, right, y, Stroke::dashed(RED, 0.9, [4.0, 2.5]));
        let label = locale.format(
            "report.chart.threshold",
            [("n", number(threshold, scale.step).as_str())],
        );
        let style = Style::new(Face::Regular, 7.0, RED);
        page.text(fonts, right - 0.5, y - 0.9, style, Align::Right, &label);
    }

    let legend_top = plot_bottom + AXIS.line_height() + 3.0;
    draw_legend(layout, &plot, legend_top);
    layout.y = top + total;
}

fn draw_lines(
    layout: &mut Layout<'_>,
    plot: &Plot<'_>,
    left: f32,
    band: f32,
    y_of: &dyn Fn(f64) -> f32,
) {
    let page = layout.page();
    for (s, (_, values)) in plot.series.iter().enumerate() {
        let stroke = Stroke::solid(colour(s), 1.3);
        let points: Vec<Option<(f32, f32)>> = values
            .iter()
            .enumerate()
            .map(|(i, v)| v.map(|v| (left + (i as f32 + 0.5) * band, y_of(v))))
            .collect();
        // Each run of consecutive values is one polyline; a gap ends it.
        for run in points.split(Option::is_none) {
            let run: Vec<(f32, f32)> = run.iter().flatten().copied().collect();
            page.polyline(&run, stroke);
        }
        for (x, y) in points.iter().flatten() {
            page.fill_circle(*x, *y, 0.75, colour(s));
        }
    }
}

fn draw_bars(
    layout: &mut Layout<'_>,
    plot: &Plot<'_>,
    left: f32,
    band: f32,
    y_of: &dyn Fn(f64) -> f32,
    base: f64,
) {
    let page = layout.page();
    let group = band * 0.72;
    let bar = group / plot.series.len().max(1) as f32;
    let base_y = y_of(base);
    for (s, (_, values)) in plot.series.iter().enumerate() {
        for (i, value) in values.iter().enumerate() {
            let Some(value) = value else { continue };
            let x = left + i as f32 * band + (band - group) / 2.0 + s as f32 * bar;
            let y = y_of(*value);
            let (top, height) = if y < base_y {
                (y, base_y - y)
            } else {
                (base_y, y - base_y)
            };
            // A zero still shows as a sliver, so "none" and "not measured" differ.
            page.fill_rect(
                x + 0.15,
                top,
                (bar - 0.3).max(0.2),
                height.max(0.25),
                colour(s),
            );
        }
    }
}

struct LegendItem {
    x: f32,
    row: usize,
    series: usize,
}

fn legend_rows(layout: &Layout<'_>, plot: &Plot<'_>) -> Vec<LegendItem> {
    let mut items = Vec::new();
    let (mut x, mut row) = (0.0, 0);
    for (i, (label, _)) in plot.series.iter().enumerate() {
        let width = 7.0 + layout.fonts.width(LEGEND.face, LEGEND.size, label) + 5.0;
        if x > 0.0 && x + width > CONTENT_WIDTH {
            x = 0.0;
            row += 1;
        }
        items.push(LegendItem { x, row, series: i });
        x += width;
    }
    items
}

fn draw_legend(layout: &mut Layout<'_>, plot: &Plot<'_>, top: f32) {
    let fonts = layout.fonts;
    let items = legend_rows(layout, plot);
    let page = layout.page();
    for item in items {
        let x = MARGIN + item.x;
        let y = top + item.row as f32 * LEGEND.line_height();
        let mid = y + LEGEND.line_height() / 2.0;
        let c = colour(item.series);
        match plot.chart.kind {
            ChartKind::Line => {
                page.line(x, mid, x + 5.0, mid, Stroke::solid(c, 1.3));
                page.fill_circle(x + 2.5, mid, 0.75, c);
            }
            ChartKind::Bar => page.fill_rect(x + 0.8, mid - 1.5, 3.4, 3.0, c),
        }
        let label = &plot.series[item.series].0;
        page.text(
            fonts,
            x + 7.0,
            y + LEGEND.baseline_offset(),
            LEGEND,
            Align::Left,
            label,
        );
    }
}

/// The value range of the y axis and its ticks at a "nice" step (1, 2 or 5 × 10ⁿ).
struct Scale {
    low: f64,
    high: f64,
    step: f64,
    ticks: Vec<f64>,
}

impl Scale {
    fn new(plot: &Plot<'_>) -> Scale {
        let threshold = plot.chart.threshold.filter(|t| t.is_finite());
        let mut low = plot.values().chain(threshold).fold(f64::INFINITY, f64::min);
        let mut high = plot
            .values()
            .chain(threshold)
            .fold(f64::NEG_INFINITY, f64::max);
        if plot.chart.kind == ChartKind::Bar {
            // Bars are read by their length: the axis must start at zero.
            low = low.min(0.0);
            high = high.max(0.0);
        }
        if (high - low).abs() < f64::EPSILON * high.abs().max(1.0) {
            // One value (or all equal): give the line some room around it.
            let pad = if high == 0.0 { 1.0 } else { high.abs() * 0.1 };
            low -= pad;
            high += pad;
            if plot.chart.kind == ChartKind::Bar {
                low = low.max(0.0).min(high - pad);
            }
        }
        let step = nice_step((high - low) / 5.0);
        let (nice_low, nice_high) = ((low / step).floor() * step, (high / step).ceil() * step);
        let count = (nice_high - nice_low) / step;
        if !(count.is_finite() && count <= 20.0) {
            // Values near the limits of f64: no nice ticks, just the two ends.
            let (low, high) = if high > low { (low, high) } else { (0.0, 1.0) };
            return Scale {
                low,
                high,
                step: high - low,
                ticks: vec![low, high],
            };
        }
        let ticks = (0..=count.round() as usize)
            .map(|i| nice_low + i as f64 * step)
            .collect();
        Scale {
            low: nice_low,
            high: nice_high.max(nice_low + step),
            step,
            ticks,
        }
    }
}

fn nice_step(rough: f64) -> f64 {
    if !(rough.is_finite() && rough > 0.0) {
        return 1.0;
    }
    let magnitude = 10f64.powf(rough.log10().floor());
    let fraction = rough / magnitude;
    let nice = if fraction <= 1.0 {
        1.0
    } else if fraction <= 2.0 {
        2.0
    } else if fraction <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

/// A tick value with as many decimals as the step needs (`95`, `2.5`, `0.25`).
fn number(value: f64, step: f64) -> String {
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()) as usize
    };
    let decimals = decimals.min(4);
    let text = format!("{value:.decimals$}");
    if text == "-0" {
        "0".into()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_steps_and_tick_labels() {
        assert_eq!(nice_step(3.7), 5.0);
        assert_eq!(nice_step(0.13), 0.2);
        assert_eq!(nice_step(12.0), 20.0);
        assert_eq!(nice_step(f64::NAN), 1.0);
        assert_eq!(number(95.0, 5.0), "95");
        assert_eq!(number(2.5, 0.5), "2.5");
        assert_eq!(number(-0.0001, 1.0), "0");
    }
}
