//! What every page may read: the language, the signed-in user, and a way to say "the
//! workspace changed" (every fetch and the audit indicator refresh).

use std::rc::Rc;

use govbench_i18n::Locale;
use govbench_protocol::{ApiError, Permission, SessionInfo};
use yew::prelude::*;

#[derive(Clone, PartialEq)]
pub struct AppCtx {
    pub locale: Locale,
    pub set_locale: Callback<Locale>,
    pub session: Option<Rc<SessionInfo>>,
    pub changed: Callback<()>,
    /// Bumped whenever the workspace changed.
    pub audit_tick: u32,
    /// The session can no longer be used (the workspace key was rotated by someone else):
    /// back to the login screen, with this error shown there.
    pub session_ended: Callback<ApiError>,
}

impl Default for AppCtx {
    fn default() -> Self {
        AppCtx {
            locale: Locale::En,
            set_locale: Callback::noop(),
            session: None,
            changed: Callback::noop(),
            audit_tick: 0,
            session_ended: Callback::noop(),
        }
    }
}

impl AppCtx {
    /// Does the signed-in user's role hold `permission`? (The backend decides for real.)
    pub fn may(&self, permission: impl Into<Permission>) -> bool {
        let permission = permission.into();
        self.session.as_ref().is_some_and(|s| s.may(permission))
    }

    pub fn t(&self, key: &str) -> String {
        self.locale.t(key)
    }

    pub fn format(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.locale.format(key, args.iter().copied())
    }

    /// Ends the session if `err` says it is over; true when it did.
    pub fn ends_session(&self, err: &ApiError) -> bool {
        let over = err.code == govbench_protocol::ErrorCode::KeyChanged;
        if over {
            self.session_ended.emit(err.clone());
        }
        over
    }

    /// A backend error in the user's language.
    pub fn error(&self, err: &ApiError) -> String {
        self.locale.describe(err)
    }
}

#[hook]
pub fn use_app() -> AppCtx {
    use_context::<AppCtx>().unwrap_or_default()
}

/// A counter to bump (reloads, refreshes).
pub struct Tick(pub u32);

impl Reducible for Tick {
    type Action = ();
    fn reduce(self: Rc<Self>, _: ()) -> Rc<Self> {
        Rc::new(Tick(self.0.wrapping_add(1)))
    }
}
