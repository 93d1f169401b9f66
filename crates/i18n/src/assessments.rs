//! The words of a quarterly scorecard: figures with their units, targets and table cells, the
//! same in the app, the presentation view, the PDF report and the CLI.

use crate::Locale;
use govbench_protocol::{Cell, Figure, Target, TargetOp};

/// One decimal at most (`12`, `3.5`), for durations and percentages.
fn short(value: f64) -> String {
    let text = format!("{value:.1}");
    text.strip_suffix(".0").map(str::to_owned).unwrap_or(text)
}

impl Locale {
    /// A figure with its unit: `85.5%`, `3.2 天`, `3 / 4`, `—`.
    pub fn figure(self, figure: &Figure) -> String {
        let unit = |key: &str, value: f64| self.format(key, [("n", short(value).as_str())]);
        match figure {
            Figure::Count(n) => n.to_string(),
            Figure::Percent(p) => format!("{}%", short(*p)),
            Figure::Days(d) => unit("unit.days", *d),
            Figure::Hours(h) => unit("unit.hours", *h),
            Figure::Minutes(m) => unit("unit.minutes", *m),
            Figure::Ratio { done, of } => format!("{done} / {of}"),
            Figure::NoData => self.t("figure.no_data"),
        }
    }

    /// A target as a sentence fragment: `≥ 95%`, `≤ 4 小时`.
    pub fn target(self, target: &Target) -> String {
        let op = match target.op {
            TargetOp::AtLeast => "≥",
            TargetOp::AtMost => "≤",
        };
        format!("{op} {}", self.figure(&target.value))
    }

    /// A table cell as text (dates as ISO dates: a report is read across zones and languages).
    pub fn cell(self, cell: &Cell) -> String {
        match cell {
            Cell::Text(text) => text.clone(),
            Cell::Local(text) => text.get(self.tag()).to_owned(),
            Cell::Key(key) => self.t(key),
            Cell::Figure(figure) => self.figure(figure),
            Cell::Date(date) => date.format("%Y-%m-%d").to_string(),
            Cell::Status(status) => self.t(&format!("metric_status.{}", status.key())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_naturally_in_both_languages() {
        assert_eq!(Locale::En.figure(&Figure::Percent(85.0)), "85%");
        assert_eq!(Locale::En.figure(&Figure::Percent(85.55)), "85.5%");
        assert_eq!(Locale::En.figure(&Figure::Days(3.25)), "3.2 days");
        assert_eq!(Locale::ZhCn.figure(&Figure::Hours(4.0)), "4 小时");
        assert_eq!(
            Locale::En.figure(&Figure::Ratio { done: 3, of: 4 }),
            "3 / 4"
        );
        assert_ne!(
            Locale::ZhCn.figure(&Figure::NoData),
            Locale::En.figure(&Figure::NoData)
        );
        let target = Target {
            op: TargetOp::AtLeast,
            value: Figure::Percent(95.0),
        };
        assert_eq!(Locale::En.target(&target), "≥ 95%");
    }
}
