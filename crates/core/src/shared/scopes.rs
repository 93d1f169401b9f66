//! An event's read and touch scopes on a shared workspace. The server refuses an event that
//! read a scope touched after the position its reads were based on (besides its own record
//! changed meanwhile, which every event checks): that is how a decision taken on facts
//! another desk changed meanwhile — going live while a failing evaluation is being recorded —
//! is refused instead of placed. Each feature names its own scopes (`features::scopes`).

/// Scope keys, `<what>:<id>`; a record's own `<kind>:<id>` is touched by every event on it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scopes {
    pub reads: Vec<String>,
    pub touches: Vec<String>,
}
