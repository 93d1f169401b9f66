//! Building blocks of a quarterly scorecard section: a metric judged against its target, and
//! medians. Each feature module computes its own section (`features::<f>::assessment`); these
//! keep their judgements alike.

use govbench_protocol::{Cell, Figure, Metric, MetricStatus, Target, TargetOp};

/// Within this share of the target (relative), a missed figure is "watch", not "missed".
const WATCH_MARGIN: f64 = 0.1;

fn amount(figure: &Figure) -> Option<f64> {
    match figure {
        Figure::Count(n) => Some(*n as f64),
        Figure::Percent(v) | Figure::Days(v) | Figure::Hours(v) | Figure::Minutes(v) => Some(*v),
        Figure::Ratio { done, of } => (*of > 0).then(|| *done as f64 / *of as f64 * 100.0),
        Figure::NoData => None,
    }
}

/// A metric with a target the policy (or the workspace's own rules) sets.
pub fn judged(key: &str, value: Figure, op: TargetOp, target: Figure) -> Metric {
    let status = match (amount(&value), amount(&target)) {
        (Some(v), Some(t)) => {
            let (met, near) = match op {
                TargetOp::AtLeast => (v >= t, v >= t * (1.0 - WATCH_MARGIN)),
                TargetOp::AtMost => (v <= t, t > 0.0 && v <= t * (1.0 + WATCH_MARGIN)),
            };
            if met {
                MetricStatus::Met
            } else if near {
                MetricStatus::Watch
            } else {
                MetricStatus::Missed
            }
        }
        // Nothing to measure is not a miss (no incidents means none handled late).
        _ => MetricStatus::Info,
    };
    Metric {
        key: key.to_owned(),
        value,
        target: Some(Target { op, value: target }),
        status,
    }
}

/// A figure reported without a target, for the meeting to judge.
pub fn info(key: &str, value: Figure) -> Metric {
    Metric {
        key: key.to_owned(),
        value,
        target: None,
        status: MetricStatus::Info,
    }
}

/// A metric whose status the feature decides itself (e.g. a check that holds or not).
pub fn with_status(
    key: &str,
    value: Figure,
    target: Option<Target>,
    status: MetricStatus,
) -> Metric {
    Metric {
        key: key.to_owned(),
        value,
        target,
        status,
    }
}

pub fn median(mut values: Vec<f64>) -> Option<f64> {
    values.retain(|v| v.is_finite());
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

pub fn percent(part: usize, whole: usize) -> Figure {
    if whole == 0 {
        Figure::NoData
    } else {
        Figure::Percent(part as f64 / whole as f64 * 100.0)
    }
}

pub fn days(value: Option<f64>) -> Figure {
    value.map_or(Figure::NoData, Figure::Days)
}

pub fn text(value: impl Into<String>) -> Cell {
    Cell::Text(value.into())
}

pub fn key(value: impl Into<String>) -> Cell {
    Cell::Key(value.into())
}

pub fn count(n: usize) -> Cell {
    Cell::Figure(Figure::Count(n as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_met_watched_or_missed() {
        let at_least = |v| {
            judged(
                "k",
                Figure::Percent(v),
                TargetOp::AtLeast,
                Figure::Percent(100.0),
            )
            .status
        };
        assert_eq!(at_least(100.0), MetricStatus::Met);
        assert_eq!(at_least(95.0), MetricStatus::Watch);
        assert_eq!(at_least(50.0), MetricStatus::Missed);
        let at_most = |n| judged("k", Figure::Count(n), TargetOp::AtMost, Figure::Count(0)).status;
        assert_eq!(at_most(0), MetricStatus::Met);
        assert_eq!(at_most(1), MetricStatus::Missed);
        let none = judged(
            "k",
            Figure::NoData,
            TargetOp::AtLeast,
            Figure::Percent(100.0),
        );
        assert_eq!(none.status, MetricStatus::Info);
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(vec![]), None);
    }
}
