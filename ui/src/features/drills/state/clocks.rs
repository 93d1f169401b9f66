//! The drill clocks and measured times, a report's totals and the result they suggest.

use govbench_protocol::{DrillResult, DrillRun, StepOutcome, StepTime};

/// A drill's elapsed time as the runner's big clock shows it: `hh:mm:ss`.
pub fn elapsed_face(seconds: i64) -> String {
    let s = seconds.max(0);
    format!("{:02}:{:02}:{:02}", s / 3600, (s % 3600) / 60, s % 60)
}

/// A measured time from the drill's start: `m:ss`, or `h:mm:ss` from an hour on.
pub fn took_face(seconds: i64) -> String {
    let s = seconds.max(0);
    let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{sec:02}")
    } else {
        format!("{m}:{sec:02}")
    }
}

/// A step's target (minutes from the start) as a clock face: `+15:00`.
pub fn target_face(minutes: u32) -> String {
    format!("+{}", took_face(i64::from(minutes) * 60))
}

/// What a finished or running drill adds up to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub passed: usize,
    pub failed: usize,
    pub total: usize,
    /// Steps checked off within their target time, of those checked.
    pub on_time: usize,
    pub timed: usize,
    /// From the start to the finish (or to the last step checked while running).
    pub elapsed_seconds: Option<i64>,
}

impl Totals {
    /// Share of checked steps done in time, as a whole percentage.
    pub fn on_time_percent(&self) -> Option<u32> {
        (self.timed > 0).then(|| {
            let share = self.on_time as f64 / self.timed as f64;
            (share * 100.0).round() as u32
        })
    }
}

pub fn totals(run: &DrillRun, times: &[StepTime]) -> Totals {
    let passed = run
        .steps
        .iter()
        .filter(|s| s.outcome == Some(StepOutcome::Pass))
        .count();
    let failed = run
        .steps
        .iter()
        .filter(|s| s.outcome == Some(StepOutcome::Fail))
        .count();
    let timed = times.iter().filter(|t| t.on_time.is_some()).count();
    let on_time = times.iter().filter(|t| t.on_time == Some(true)).count();
    let last = run.steps.iter().filter_map(|s| s.at).max();
    let end = run.finished_at.or(last);
    Totals {
        passed,
        failed,
        total: run.template.steps.len(),
        on_time,
        timed,
        elapsed_seconds: end.map(|e| (e - run.started_at).num_seconds().max(0)),
    }
}

/// The evaluation the step outcomes suggest: every step passed in time → passed; some passed
/// → partly passed; none → failed.
pub fn suggested_result(run: &DrillRun, times: &[StepTime]) -> DrillResult {
    let t = totals(run, times);
    if t.total > 0 && t.passed == t.total && t.on_time == t.timed {
        DrillResult::Passed
    } else if t.passed > 0 {
        DrillResult::PartlyPassed
    } else {
        DrillResult::Failed
    }
}
