//! Services every feature reuses: input checks, lifecycles as data, row decoding, the history
//! of any record, comment threads and attachments on any record, corrective actions wherever
//! they come from, numbers people quote, full-text search, spreadsheet cells that never run as
//! formulas, and the workspace's own record.

pub mod attachments;
pub mod comments;
pub mod follow_ups;
pub mod history;
pub mod lifecycle;
pub mod numbers;
pub mod quarters;
pub mod reach;
pub mod records;
#[doc(hidden)]
pub mod samples;
pub mod scopes;
pub mod scorecard;
pub mod search;
pub mod spreadsheet;
pub mod validate;
pub mod workspace;
