//! A shared workspace in the desktop app (issue 20): sharing the open workspace, joining one
//! from the login screen, testing an address, and the exchange every few seconds that keeps
//! this copy current while someone is signed in (and sends what waited while offline).

use crate::shell::AppState;
use govbench_protocol::{
    ApiError, JoinRequest, LoginRequest, ServerChecked, ServerRequest, SessionInfo, ShareReport,
    ShareRequest, SharingProgress,
};
use govbench_remote::desk::{self, Named};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

type ApiResult<T> = Result<T, ApiError>;

const EVERY: Duration = Duration::from_secs(5);

/// How long between exchanges (end-to-end tests shorten it in debug builds).
fn every() -> Duration {
    #[cfg(debug_assertions)]
    if let Some(seconds) = std::env::var("GOVBENCH_E2E_SYNC_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        return Duration::from_secs(seconds);
    }
    EVERY
}

/// Exchanges with the server as soon as it announces an event, and every few seconds anyway,
/// while a shared workspace is open: what others wrote comes in (verified first), what waited
/// goes out. An unreachable server costs nothing
/// here: the link waits out its backoff before it tries again. The page sees the result in
/// `sharing_status`.
pub fn start(state: Arc<AppState>) {
    std::thread::spawn(move || loop {
        // Woken at once when the server announces an event; else after the polling interval.
        match state.wakeups() {
            Some(wakeups) => {
                wakeups.wait(every());
            }
            None => std::thread::sleep(every()),
        }
        let _ = state.with_session(|s| {
            if s.server_note()?.is_some() {
                s.sync_connected()?;
            }
            Ok(())
        });
    });
}

/// "Test connection".
pub fn check(request: &ServerRequest) -> ApiResult<ServerChecked> {
    let named = Named::parse(request)?;
    Ok(desk::check(&named)?)
}

impl AppState {
    /// Shares the open workspace (see `desk::share`), publishing progress for the dialog.
    pub fn share(&self, request: ShareRequest) -> ApiResult<ShareReport> {
        let named = Named::parse(&request.server)?;
        let stage = "sharing.stage.share".to_owned();
        self.set_sharing_progress(Some(SharingProgress {
            stage: stage.clone(),
            done: 0,
            total: 0,
        }));
        let shared = self.with_session(|s| {
            let shared = desk::share(s, &named, &request.passphrase, &|done, total| {
                self.set_sharing_progress(Some(SharingProgress {
                    stage: stage.clone(),
                    done,
                    total,
                }))
            })?;
            let password = desk::member_password(s, &request.passphrase)?;
            // From now on others' events wake this desk.
            self.connect_shared(s, &password)?;
            self.remember_again(s, password);
            Ok(ShareReport {
                workspace_id: s.workspace_id(),
                events: shared.events,
            })
        });
        self.set_sharing_progress(None);
        shared
    }

    /// Joins a shared workspace into a new local copy, then signs in to it.
    pub fn join(&self, request: JoinRequest) -> ApiResult<SessionInfo> {
        let named = Named::parse(&request.server)?;
        let mut into = PathBuf::from(request.into.trim());
        if into.extension().is_none() {
            into.set_extension("govbench");
        }
        let stage = "sharing.stage.join".to_owned();
        self.set_sharing_progress(Some(SharingProgress {
            stage: stage.clone(),
            done: 0,
            total: 0,
        }));
        let joining = desk::Joining {
            workspace: &request.workspace_id,
            user: request.user.trim(),
            passphrase: &request.passphrase,
            join_code: request.join_code.as_deref(),
        };
        let joined = desk::join(&named, &joining, &into, &|done| {
            self.set_sharing_progress(Some(SharingProgress {
                stage: stage.clone(),
                done,
                total: 0,
            }))
        });
        self.set_sharing_progress(None);
        joined?;
        self.login(LoginRequest {
            workspace: into.display().to_string(),
            user: request.user,
            passphrase: request.passphrase,
            remember: request.remember,
        })
    }
}
