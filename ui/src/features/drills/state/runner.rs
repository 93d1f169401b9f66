//! The runner: its keys, which step is selected, and checking steps off.

use govbench_protocol::{StepOutcome, StepRecord};

/// What a key does in the runner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunnerKey {
    Up,
    Down,
    Pass,
    Fail,
    /// Focus the note field.
    Note,
    /// Back from the note field to the steps.
    ToSteps,
    /// Leave the runner.
    Leave,
}

/// The runner's keys: ↑/↓ or k/j move, Enter or P pass, F fail, N note, Esc leaves. In the
/// note field every key types, except Enter and Esc, which go back to the steps (keeping the
/// note for the next check).
pub fn runner_key(key: &str, in_field: bool, modified: bool) -> Option<RunnerKey> {
    if modified {
        return None;
    }
    if in_field {
        return match key {
            "Escape" | "Enter" => Some(RunnerKey::ToSteps),
            _ => None,
        };
    }
    Some(match key {
        "ArrowUp" | "k" | "K" => RunnerKey::Up,
        "ArrowDown" | "j" | "J" => RunnerKey::Down,
        "Enter" | "p" | "P" => RunnerKey::Pass,
        "f" | "F" => RunnerKey::Fail,
        "n" | "N" => RunnerKey::Note,
        "Escape" => RunnerKey::Leave,
        _ => return None,
    })
}

/// The selection moved by `delta`, kept within `len` steps.
pub fn moved(selected: usize, delta: i32, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    let next = selected as i64 + i64::from(delta);
    next.clamp(0, len as i64 - 1) as usize
}

/// Where the selection goes after step `from` was checked: the next step not yet checked
/// after it, else the first one left anywhere, else `from` itself.
pub fn next_after(steps: &[StepRecord], from: usize) -> usize {
    steps
        .iter()
        .enumerate()
        .skip(from + 1)
        .chain(steps.iter().enumerate().take(from + 1))
        .find(|(i, s)| *i != from && s.outcome.is_none())
        .map(|(i, _)| i)
        .unwrap_or(from)
}

/// The steps with the outcome of step `at` recorded as a person just checked it (shown at
/// once, before the backend's answer arrives).
pub fn with_check(steps: &[StepRecord], at: usize, outcome: StepOutcome) -> Vec<StepRecord> {
    let mut next = steps.to_vec();
    if let Some(s) = next.get_mut(at) {
        s.outcome = Some(outcome);
    }
    next
}

/// Every step has an outcome.
pub fn all_checked(steps: &[StepRecord]) -> bool {
    !steps.is_empty() && steps.iter().all(|s| s.outcome.is_some())
}
