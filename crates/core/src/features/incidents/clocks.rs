//! Response clocks: how long an incident's response has, from the moment it was opened, to
//! reach a milestone (acknowledged, mitigated, resolved, management informed, external
//! report), and where each stands now. Targets are spans of real time, so they run the same
//! across midnight, month ends and time zones; only the deadline shown to a person, and the
//! quarter an incident counts in, are read in that person's zone.

use chrono::{DateTime, Datelike, Duration, FixedOffset, Utc};

/// Where one clock stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClockState {
    /// Still running, more than the warning span left.
    Running { left: Duration },
    /// Still running, within the warning span of its deadline.
    DueSoon { left: Duration },
    /// Still running past its deadline.
    Breached { over: Duration },
    /// Reached in time (`took` from opening).
    Met { took: Duration },
    /// Reached, but late.
    MetLate { over: Duration },
}

impl ClockState {
    pub fn is_breached(self) -> bool {
        matches!(
            self,
            ClockState::Breached { .. } | ClockState::MetLate { .. }
        )
    }
}

/// The clock of one milestone: opened at `opened`, due `target` later, reached at `done` (if
/// it was), seen at `now`; `warn` before the deadline it counts as due soon.
pub fn clock(
    opened: DateTime<Utc>,
    target: Duration,
    done: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    warn: Duration,
) -> ClockState {
    let due = opened + target;
    match done {
        Some(at) if at <= due => ClockState::Met { took: at - opened },
        Some(at) => ClockState::MetLate { over: at - due },
        None if now > due => ClockState::Breached { over: now - due },
        None if due - now <= warn => ClockState::DueSoon { left: due - now },
        None => ClockState::Running { left: due - now },
    }
}

/// The deadline as a person in `zone` reads it.
pub fn due_in_zone(
    opened: DateTime<Utc>,
    target: Duration,
    zone: FixedOffset,
) -> DateTime<FixedOffset> {
    (opened + target).with_timezone(&zone)
}

/// The calendar quarter (year, 1–4) an instant falls in for a person in `zone`: quarterly
/// statistics count an incident in the quarter its team lived it in.
pub fn quarter_of(at: DateTime<Utc>, zone: FixedOffset) -> (i32, u32) {
    let local = at.with_timezone(&zone);
    (local.year(), (local.month() - 1) / 3 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    fn beijing() -> FixedOffset {
        FixedOffset::east_opt(8 * 3600).unwrap()
    }

    #[test]
    fn a_fifteen_minute_clock_runs_through_midnight_in_beijing() {
        // Opened 23:50 Beijing time (15:50 UTC): acknowledge by 00:05 the next local day.
        let opened = utc(2026, 3, 1, 15, 50);
        let target = Duration::minutes(15);
        let due = due_in_zone(opened, target, beijing());
        assert_eq!(due.format("%Y-%m-%d %H:%M").to_string(), "2026-03-02 00:05");
        let warn = Duration::minutes(5);
        assert_eq!(
            clock(opened, target, None, utc(2026, 3, 1, 15, 55), warn),
            ClockState::Running {
                left: Duration::minutes(10)
            }
        );
        assert_eq!(
            clock(opened, target, None, utc(2026, 3, 1, 16, 2), warn),
            ClockState::DueSoon {
                left: Duration::minutes(3)
            }
        );
        assert_eq!(
            clock(opened, target, None, utc(2026, 3, 1, 16, 7), warn),
            ClockState::Breached {
                over: Duration::minutes(2)
            }
        );
        assert_eq!(
            clock(
                opened,
                target,
                Some(utc(2026, 3, 1, 16, 4)),
                utc(2026, 3, 9, 0, 0),
                warn
            ),
            ClockState::Met {
                took: Duration::minutes(14)
            }
        );
        assert!(clock(
            opened,
            target,
            Some(utc(2026, 3, 1, 16, 6)),
            utc(2026, 3, 9, 0, 0),
            warn
        )
        .is_breached());
    }

    #[test]
    fn month_and_year_ends_are_just_time() {
        // Four hours from 22:30 on 31 January (UTC) is 02:30 on 1 February; from New Year's
        // Eve 23:00 in Beijing it is 03:00 on 1 January.
        let opened = utc(2026, 1, 31, 22, 30);
        let due = due_in_zone(
            opened,
            Duration::hours(4),
            FixedOffset::east_opt(0).unwrap(),
        );
        assert_eq!(due.format("%m-%d %H:%M").to_string(), "02-01 02:30");
        let eve = utc(2026, 12, 31, 15, 0);
        let due = due_in_zone(eve, Duration::hours(4), beijing());
        assert_eq!(due.format("%Y-%m-%d %H:%M").to_string(), "2027-01-01 03:00");
        // 28 February in a non-leap year rolls to 1 March.
        let due = due_in_zone(
            utc(2027, 2, 28, 23, 0),
            Duration::hours(2),
            FixedOffset::east_opt(0).unwrap(),
        );
        assert_eq!(due.format("%m-%d").to_string(), "03-01");
    }

    #[test]
    fn quarters_follow_the_teams_zone() {
        // 20:00 UTC on 31 March is already 1 April in Beijing (Q2), still March in New York.
        let at = utc(2026, 3, 31, 20, 0);
        assert_eq!(quarter_of(at, beijing()), (2026, 2));
        assert_eq!(
            quarter_of(at, FixedOffset::west_opt(4 * 3600).unwrap()),
            (2026, 1)
        );
        assert_eq!(quarter_of(utc(2026, 12, 31, 17, 0), beijing()), (2027, 1));
    }
}
