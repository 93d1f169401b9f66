//! One page per route (and the login screen).

pub mod dashboard;
pub mod detail;
pub mod list;
pub mod login;
pub mod new_requirement;
pub mod users;
