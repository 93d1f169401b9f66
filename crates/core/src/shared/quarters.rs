//! Calendar quarters as a person lives them: a quarter starts and ends at local midnight in
//! that person's zone, so the quarterly statistics and the assessment count an event in the
//! quarter its team lived it in. Also the log's events of one kind inside a quarter — the
//! facts (when filed, when approved, who was added) the assessment measures.

use crate::error::{CoreError, CoreResult};
use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, TimeZone, Utc};
use govbench_protocol::{parse_quarter, quarter_key, EntityKind};
use rusqlite::Connection;

/// The calendar quarter (year, 1–4) an instant falls in for a person in `zone`.
pub fn quarter_of(at: DateTime<Utc>, zone: FixedOffset) -> (i32, u32) {
    let local = at.with_timezone(&zone);
    (local.year(), (local.month() - 1) / 3 + 1)
}

/// The instants a quarter starts and ends (exclusive) for a person in `zone`.
pub fn quarter_bounds(
    year: i32,
    quarter: u32,
    zone: FixedOffset,
) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let start = |year: i32, quarter: u32| -> Option<DateTime<Utc>> {
        let (year, quarter) = if quarter > 4 {
            (year + 1, 1)
        } else {
            (year, quarter)
        };
        let day = NaiveDate::from_ymd_opt(year, (quarter - 1) * 3 + 1, 1)?;
        let local = zone
            .from_local_datetime(&day.and_hms_opt(0, 0, 0)?)
            .single()?;
        Some(local.with_timezone(&Utc))
    };
    Some((start(year, quarter)?, start(year, quarter + 1)?))
}

/// One quarter as read by one person, at one moment (`now`: what is still open is judged
/// then, and a quarter not over yet ends now).
#[derive(Clone, Debug)]
pub struct Span {
    pub key: String,
    pub year: i32,
    pub quarter: u32,
    pub start: DateTime<Utc>,
    /// Exclusive.
    pub end: DateTime<Utc>,
    pub zone: FixedOffset,
    pub now: DateTime<Utc>,
}

impl Span {
    pub fn parse(text: &str, zone: FixedOffset, now: DateTime<Utc>) -> CoreResult<Span> {
        let invalid = || CoreError::invalid("quarter", "not_a_quarter");
        let (year, quarter) = parse_quarter(text).ok_or_else(invalid)?;
        let (start, end) = quarter_bounds(year, quarter, zone).ok_or_else(invalid)?;
        Ok(Span {
            key: quarter_key(year, quarter),
            year,
            quarter,
            start,
            end,
            zone,
            now,
        })
    }

    /// First and last local day.
    pub fn days(&self) -> (NaiveDate, NaiveDate) {
        let last = self.end - Duration::seconds(1);
        (
            self.start.with_timezone(&self.zone).date_naive(),
            last.with_timezone(&self.zone).date_naive(),
        )
    }

    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        self.start <= at && at < self.end
    }

    /// The moment the quarter's figures are taken at: its end, or now while it runs.
    pub fn as_of(&self) -> DateTime<Utc> {
        self.end.min(self.now)
    }

    /// The local date of `as_of` (what "overdue" is judged against).
    pub fn as_of_day(&self) -> NaiveDate {
        self.as_of().with_timezone(&self.zone).date_naive()
    }

    /// The months of the quarter, `2026-07`…
    pub fn months(&self) -> Vec<String> {
        (0..3)
            .map(|i| format!("{}-{:02}", self.year, (self.quarter - 1) * 3 + 1 + i))
            .collect()
    }

    /// The quarter before and the ones before it: `count` quarters ending with this one.
    pub fn trailing(&self, count: u32) -> Vec<(i32, u32)> {
        let index = self.year * 4 + self.quarter as i32 - 1;
        (0..count as i32)
            .rev()
            .map(|back| {
                let i = index - back;
                (i.div_euclid(4), i.rem_euclid(4) as u32 + 1)
            })
            .collect()
    }
}

/// One event of the log, as the assessment reads it.
#[derive(Clone, Debug)]
pub struct Fact {
    pub entity_id: String,
    pub action: String,
    pub at: DateTime<Utc>,
    pub actor_id: Option<String>,
    pub actor_name: String,
}

/// The events on records of `kind` inside the quarter, oldest first (every copy's).
pub fn facts(conn: &Connection, span: &Span, kind: EntityKind) -> CoreResult<Vec<Fact>> {
    // Stored times are RFC 3339 in UTC with a fixed layout, so they compare as text.
    let mut stmt = conn.prepare_cached(
        "SELECT entity_id, action, at, actor_id, actor_name FROM audit_events
         WHERE entity_type = ?1 AND at >= ?2 AND at < ?3 ORDER BY at, seq",
    )?;
    let rows = stmt.query_map(
        rusqlite::params![kind.key(), stamp(span.start), stamp(span.end)],
        |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, Option<String>>(3)?,
                row.get::<_, String>(4)?,
            ))
        },
    )?;
    let mut facts = Vec::new();
    for row in rows {
        let (entity_id, action, at, actor_id, actor_name) = row?;
        let at = DateTime::parse_from_rfc3339(&at)
            .map_err(|_| CoreError::Malformed("audit event time".into()))?
            .with_timezone(&Utc);
        facts.push(Fact {
            entity_id,
            action,
            at,
            actor_id,
            actor_name,
        });
    }
    Ok(facts)
}

/// When `action` last happened to the record before `before` (e.g. when a requirement that was
/// assessed this quarter had been submitted, perhaps the quarter before).
pub fn last_before(
    conn: &Connection,
    kind: EntityKind,
    entity_id: &str,
    action: &str,
    before: DateTime<Utc>,
) -> CoreResult<Option<DateTime<Utc>>> {
    use rusqlite::OptionalExtension;
    let at: Option<String> = conn
        .prepare_cached(
            "SELECT MAX(at) FROM audit_events
             WHERE entity_type = ?1 AND entity_id = ?2 AND action = ?3 AND at < ?4",
        )?
        .query_row(
            rusqlite::params![kind.key(), entity_id, action, stamp(before)],
            |row| row.get(0),
        )
        .optional()?
        .flatten();
    at.map(|at| {
        DateTime::parse_from_rfc3339(&at)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| CoreError::Malformed("audit event time".into()))
    })
    .transpose()
}

/// An instant as the log stores it.
pub fn stamp(at: DateTime<Utc>) -> String {
    crate::audit::stamp(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quarter_is_read_in_the_persons_zone() {
        let beijing = FixedOffset::east_opt(8 * 3600).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 0, 0, 0).unwrap();
        let span = Span::parse("2026q3", beijing, now).unwrap();
        assert_eq!(span.key, "2026Q3");
        assert_eq!(
            span.start,
            Utc.with_ymd_and_hms(2026, 6, 30, 16, 0, 0).unwrap()
        );
        let (from, to) = span.days();
        assert_eq!(from, NaiveDate::from_ymd_opt(2026, 7, 1).unwrap());
        assert_eq!(to, NaiveDate::from_ymd_opt(2026, 9, 30).unwrap());
        assert_eq!(span.months(), ["2026-07", "2026-08", "2026-09"]);
        assert_eq!(span.trailing(3), [(2026, 1), (2026, 2), (2026, 3)]);
        assert_eq!(
            Span::parse("2027Q1", beijing, now).unwrap().trailing(2),
            [(2026, 4), (2027, 1)]
        );
        assert!(Span::parse("2026Q5", beijing, now).is_err());
        let running = Span::parse("2026Q4", beijing, now).unwrap();
        assert_eq!(running.as_of(), now);
    }
}
