use super::store;
use crate::error::CoreResult;
use crate::shared::validate::Check;
use govbench_protocol::{is_valid_user_name, NewUser};
use rusqlite::Connection;

pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// Checks a new user against the workspace (the name must be free) and on its own.
pub fn validate_new(conn: &Connection, user: &NewUser) -> CoreResult<()> {
    let mut check = field_checks(user);
    if !check.has("name") && store::find_by_name_any(conn, &user.name)?.is_some() {
        check.fail("name", "duplicate");
    }
    check.finish()
}

/// Checks a new user's fields on their own (for the first admin, before any database exists).
pub(crate) fn validate_fields(user: &NewUser) -> CoreResult<()> {
    field_checks(user).finish()
}

fn field_checks(user: &NewUser) -> Check {
    let mut check = Check::new();
    let name = user.name.trim();
    if name.is_empty() {
        check.fail("name", "required");
    } else if !is_valid_user_name(name) {
        check.fail("name", "invalid_name");
    }
    check.text("display_name", &user.display_name, 100);
    if user.passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        check.fail("passphrase", "passphrase_too_short");
    }
    check
}
