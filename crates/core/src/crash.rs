//! Named points in multi-step changes (key rotation) where tests kill the process, to prove
//! that every step leaves a workspace that opens. Only debug builds read the variable; in a
//! release build a crash point is nothing.

/// Aborts the process here when `GOVBENCH_CRASH_AT` names this point (debug builds only).
#[cfg(debug_assertions)]
pub(crate) fn point(name: &str) {
    if std::env::var("GOVBENCH_CRASH_AT").is_ok_and(|at| at == name) {
        std::process::abort();
    }
}

#[cfg(not(debug_assertions))]
#[inline(always)]
pub(crate) fn point(_name: &str) {}
