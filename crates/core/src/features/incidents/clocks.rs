//! Response clocks: how long an incident's response has, from the moment it was opened, to
//! reach a milestone (acknowledged, mitigated, resolved, management informed, external
//! report), and where each stands now. Targets are spans of real time, so they run the same
//! across midnight, month ends and time zones; only the deadline shown to a person, and the
//! quarter an incident counts in, are read in that person's zone.

/// Where a clock stands is [`govbench_protocol::clock_status`] (pure, shared with the UI,
/// which ticks it every second); this module adds what depends on a person's zone.
pub use govbench_protocol::clock_status;

pub use crate::shared::quarters::{quarter_bounds, quarter_of};

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Duration, FixedOffset, TimeZone, Utc};
    use govbench_protocol::ClockStatus;

    /// The deadline as a person in `zone` reads it (the UI shows it so).
    fn due_in_zone(
        opened: DateTime<Utc>,
        target: Duration,
        zone: FixedOffset,
    ) -> DateTime<FixedOffset> {
        (opened + target).with_timezone(&zone)
    }

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
        let due = opened + target;
        // The injected "now" walks across midnight: running, due soon (last fifth), breached.
        let at = |h, m| clock_status(opened, due, None, utc(2026, 3, 1, h, m));
        assert_eq!(at(15, 55), ClockStatus::Running);
        assert_eq!(at(16, 2), ClockStatus::DueSoon);
        assert_eq!(at(16, 7), ClockStatus::Breached);
        let done = |h, m| {
            clock_status(
                opened,
                due,
                Some(utc(2026, 3, 1, h, m)),
                utc(2026, 3, 9, 0, 0),
            )
        };
        assert_eq!(done(16, 4), ClockStatus::Met);
        assert_eq!(done(16, 5), ClockStatus::Met);
        assert_eq!(done(16, 6), ClockStatus::MetLate);
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

    #[test]
    fn quarter_bounds_are_local_midnights() {
        let (from, to) = quarter_bounds(2026, 4, beijing()).unwrap();
        assert_eq!(from, utc(2026, 9, 30, 16, 0));
        assert_eq!(to, utc(2026, 12, 31, 16, 0));
        // Every instant inside falls in that quarter for the same zone, and the edges fall
        // either side of it.
        assert_eq!(quarter_of(from, beijing()), (2026, 4));
        assert_eq!(quarter_of(to - Duration::seconds(1), beijing()), (2026, 4));
        assert_eq!(quarter_of(to, beijing()), (2027, 1));
    }
}
