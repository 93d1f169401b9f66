//! Response clocks: live countdowns, how durations and statistics read, and the lifecycle.

use chrono::{DateTime, Utc};
use govbench_i18n::Locale;
use govbench_protocol::{clock_status, ClockStatus, IncidentStatus, IncidentSummary};

/// The worse of two clock states (breached before due soon before met late before running
/// before met).
pub fn worse(a: Option<ClockStatus>, b: Option<ClockStatus>) -> Option<ClockStatus> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if b.urgency() > a.urgency() { b } else { a }),
        (a, None) => a,
        (None, b) => b,
    }
}

/// A list row's clock as it stands `now`: the row's worst clock as the backend judged it,
/// worsened by its next deadline passing (or coming near) since.
pub fn live_clock(row: &IncidentSummary, now: DateTime<Utc>) -> Option<ClockStatus> {
    let Some(due) = row.next_due else {
        return row.clock;
    };
    // What time cannot change (met, met late, breached) stays; the next deadline is judged
    // again at `now`.
    let settled = row
        .clock
        .filter(|s| !s.is_open() || *s == ClockStatus::Breached);
    worse(settled, Some(clock_status(row.opened_at, due, None, now)))
}

/// Where a deadline stands against `now`, in seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Countdown {
    /// Still running: this many seconds left.
    Left(i64),
    /// Not reached and past due by this many seconds.
    Over(i64),
    /// Reached, this many seconds after the start.
    Met(i64),
    /// Reached this many seconds after the deadline.
    MetLate(i64),
}

/// The countdown of a clock started at `opened`, due at `due`, reached at `done`.
pub fn countdown(
    opened: DateTime<Utc>,
    due: DateTime<Utc>,
    done: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Countdown {
    match done {
        Some(at) if at <= due => Countdown::Met((at - opened).num_seconds().max(0)),
        Some(at) => Countdown::MetLate((at - due).num_seconds()),
        None if now > due => Countdown::Over((now - due).num_seconds()),
        None => Countdown::Left((due - now).num_seconds().max(0)),
    }
}

/// A span as a running clock shows it: `12:03`, `1:02:03`, or `2 天 03:04:05`.
pub fn clock_face(locale: Locale, seconds: i64) -> String {
    let s = seconds.max(0);
    let (days, rest) = (s / 86_400, s % 86_400);
    let (h, m, sec) = (rest / 3600, (rest % 3600) / 60, rest % 60);
    if days > 0 {
        let time = format!("{h:02}:{m:02}:{sec:02}");
        locale.format(
            "incident.duration.days_time",
            [("days", days.to_string().as_str()), ("time", time.as_str())],
        )
    } else if h > 0 {
        format!("{h}:{m:02}:{sec:02}")
    } else {
        format!("{m:02}:{sec:02}")
    }
}

/// A span in whole minutes as people say it: `5 分钟`, `2 小时 5 分钟`, `3 天 4 小时`.
pub fn span_text(locale: Locale, minutes: i64) -> String {
    let m = minutes.max(0);
    let n = |v: i64| v.to_string();
    if m < 60 {
        locale.format("incident.duration.minutes", [("n", n(m).as_str())])
    } else if m < 1440 {
        if m % 60 == 0 {
            locale.format("incident.duration.hours", [("n", n(m / 60).as_str())])
        } else {
            locale.format(
                "incident.duration.hours_minutes",
                [("h", n(m / 60).as_str()), ("m", n(m % 60).as_str())],
            )
        }
    } else if m % 1440 == 0 {
        locale.format("incident.duration.days", [("n", n(m / 1440).as_str())])
    } else {
        locale.format(
            "incident.duration.days_hours",
            [
                ("d", n(m / 1440).as_str()),
                ("h", n((m % 1440) / 60).as_str()),
            ],
        )
    }
}

/// A countdown in words: `还剩 12:03`, `超时 5 分钟`, `按时达成 · 用时 14 分钟`.
pub fn countdown_text(locale: Locale, c: Countdown) -> String {
    match c {
        Countdown::Left(s) => locale.format(
            "incident.countdown.left",
            [("time", clock_face(locale, s).as_str())],
        ),
        // Past due reads in whole minutes, the first as soon as the deadline passes.
        Countdown::Over(s) => locale.format(
            "incident.countdown.over",
            [("time", span_text(locale, ((s + 59) / 60).max(1)).as_str())],
        ),
        Countdown::Met(s) => locale.format(
            "incident.countdown.met",
            [("time", span_text(locale, s / 60).as_str())],
        ),
        Countdown::MetLate(s) => locale.format(
            "incident.countdown.met_late",
            [("time", span_text(locale, ((s + 59) / 60).max(1)).as_str())],
        ),
    }
}

/// A target in minutes as it reads (`15 分钟`, `4 小时`, `3 天`).
pub fn target_text(locale: Locale, minutes: u32) -> String {
    span_text(locale, i64::from(minutes))
}

/// A mean time in minutes (statistics): minutes up to two hours, hours after, one decimal.
pub fn mean_text(locale: Locale, minutes: Option<f64>) -> String {
    match minutes {
        None => "—".into(),
        Some(m) if !m.is_finite() => "—".into(),
        Some(m) if m < 120.0 => locale.format(
            "incident.stats.minutes",
            [("n", format!("{:.1}", m).trim_end_matches(".0"))],
        ),
        Some(m) => locale.format(
            "incident.stats.hours",
            [("n", format!("{:.1}", m / 60.0).trim_end_matches(".0"))],
        ),
    }
}

/// A share (0–1) as a whole percentage.
pub fn percent(share: Option<f64>) -> String {
    match share {
        Some(s) if s.is_finite() => format!("{:.0}%", (s * 100.0).clamp(0.0, 100.0)),
        _ => "—".into(),
    }
}

/// The CSS tone of a clock state: `bad` breached, `warn` due soon, `ok` met, `neutral`.
pub fn clock_tone(status: ClockStatus) -> &'static str {
    match status {
        ClockStatus::Breached | ClockStatus::MetLate => "bad",
        ClockStatus::DueSoon => "warn",
        ClockStatus::Met => "ok",
        ClockStatus::Running => "neutral",
    }
}

/// The lifecycle in order, each marked done, current or to come, for the status stepper.
pub fn lifecycle(status: IncidentStatus) -> Vec<(IncidentStatus, std::cmp::Ordering)> {
    let at = IncidentStatus::ALL
        .iter()
        .position(|s| *s == status)
        .unwrap_or(0);
    IncidentStatus::ALL
        .iter()
        .enumerate()
        .map(|(i, s)| (*s, i.cmp(&at)))
        .collect()
}
