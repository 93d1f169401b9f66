//! Desktop notifications for response clocks: while the app runs and someone is logged in,
//! every half minute the shell asks the core which clocks the level's rules name this user
//! for are about to be breached or are breached, and notifies each such moment once.

use crate::shell::AppState;
use govbench_i18n::Locale;
use govbench_protocol::{ClockStatus, IncidentAlert};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use tauri::{AppHandle, Runtime};

const EVERY: Duration = Duration::from_secs(30);

/// How long between checks (end-to-end tests shorten it in debug builds).
fn every() -> Duration {
    #[cfg(debug_assertions)]
    if let Some(seconds) = std::env::var("GOVBENCH_E2E_ALERT_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        return Duration::from_secs(seconds);
    }
    EVERY
}

/// The moments already notified: (incident, clock, status). A clock that was due soon and
/// is now breached is notified again; nothing is notified twice.
type Seen = HashSet<(uuid::Uuid, &'static str, &'static str)>;

/// The text of one notification, in the machine's language.
pub fn text(locale: Locale, alert: &IncidentAlert) -> (String, String) {
    let key = match alert.status {
        ClockStatus::Breached => "notify.breached",
        _ => "notify.due_soon",
    };
    let title = locale.format(
        key,
        [
            ("number", alert.number.as_str()),
            (
                "clock",
                &locale.t(&format!("clock_kind.{}", alert.kind.key())),
            ),
        ],
    );
    let body = format!(
        "{} · {}",
        locale.t(&format!("severity.{}", alert.severity.key())),
        alert.title
    );
    (title, body)
}

/// New alerts (not yet notified), remembering them in `seen`.
pub fn fresh(seen: &mut Seen, alerts: Vec<IncidentAlert>) -> Vec<IncidentAlert> {
    alerts
        .into_iter()
        .filter(|a| seen.insert((a.incident.0, a.kind.key(), a.status.key())))
        .collect()
}

pub fn start<R: Runtime>(app: AppHandle<R>, state: Arc<AppState>, locale: Locale) {
    std::thread::spawn(move || {
        let mut seen = Seen::new();
        loop {
            std::thread::sleep(every());
            // Nobody logged in (or a write holds the session): try again next time.
            let Ok(alerts) = state.with_session(|s| s.incident_alerts()) else {
                continue;
            };
            for alert in fresh(&mut seen, alerts) {
                let (title, body) = text(locale, &alert);
                notify(&app, &title, &body);
            }
        }
    });
}

fn notify<R: Runtime>(app: &AppHandle<R>, title: &str, body: &str) {
    use tauri_plugin_notification::NotificationExt;
    #[cfg(debug_assertions)]
    if let Some(log) = std::env::var_os("GOVBENCH_E2E_NOTIFIED") {
        use std::io::Write;
        if let Ok(mut file) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
        {
            let _ = writeln!(file, "{title}\t{body}");
        }
        return;
    }
    // No notification service (a headless session): the clocks still show in the app.
    let _ = app.notification().builder().title(title).body(body).show();
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use govbench_protocol::{ClockKind, IncidentId, Severity};

    fn alert(status: ClockStatus) -> IncidentAlert {
        IncidentAlert {
            incident: IncidentId(uuid::Uuid::from_u128(7)),
            number: "INC-2026-000001-000007".into(),
            title: "剂量建议错误".into(),
            severity: Severity::Critical,
            kind: ClockKind::Acknowledge,
            due: Utc::now(),
            status,
        }
    }

    #[test]
    fn each_moment_is_notified_once_and_a_breach_after_a_warning_again() {
        let mut seen = Seen::new();
        assert_eq!(fresh(&mut seen, vec![alert(ClockStatus::DueSoon)]).len(), 1);
        assert!(fresh(&mut seen, vec![alert(ClockStatus::DueSoon)]).is_empty());
        assert_eq!(
            fresh(&mut seen, vec![alert(ClockStatus::Breached)]).len(),
            1
        );
    }

    #[test]
    fn notifications_speak_the_machines_language() {
        let (zh, body) = text(Locale::ZhCn, &alert(ClockStatus::Breached));
        assert!(zh.contains("INC-2026-000001-000007"), "{zh}");
        assert!(body.contains("剂量建议错误"));
        let (en, _) = text(Locale::En, &alert(ClockStatus::DueSoon));
        assert_ne!(zh, en);
        assert!(!en.contains('{'), "{en}");
    }
}
