//! Services every feature reuses: input checks, lifecycles as data, row decoding, the history
//! of any record, comment threads on any record, full-text search, and the workspace's own record.

pub mod comments;
pub mod history;
pub mod lifecycle;
pub mod records;
pub mod rows;
pub mod search;
pub mod validate;
pub mod workspace;
