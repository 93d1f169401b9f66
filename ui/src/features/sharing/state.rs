//! The sharing forms and the header's indicator, as pure data (tested natively).

use crate::state::{require, FieldErrors};
use govbench_protocol::{JoinRequest, ServerRequest, ShareRequest, SharingStatus};

/// What the header says about the link, most urgent first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Indicator {
    /// The server delivered an event that fails verification.
    Refused,
    /// The member has conflicts to look at.
    Conflicts(u64),
    /// The server could not be reached: `n` changes wait.
    Offline(u64),
    /// Connected, `n` changes still on their way.
    Pending(u64),
    Connected,
}

impl Indicator {
    pub fn of(status: &SharingStatus) -> Indicator {
        if status.refused.is_some() {
            Indicator::Refused
        } else if status.conflicts > 0 {
            Indicator::Conflicts(status.conflicts)
        } else if !status.connected {
            Indicator::Offline(status.pending)
        } else if status.pending > 0 {
            Indicator::Pending(status.pending)
        } else {
            Indicator::Connected
        }
    }

    /// `data-state` and the CSS class suffix.
    pub fn key(self) -> &'static str {
        match self {
            Indicator::Refused => "refused",
            Indicator::Conflicts(_) => "conflicts",
            Indicator::Offline(_) => "offline",
            Indicator::Pending(_) => "pending",
            Indicator::Connected => "connected",
        }
    }
}

/// The server fields both dialogs share.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ServerFields {
    pub address: String,
    pub ca: String,
    pub allow_plaintext: bool,
}

impl ServerFields {
    fn check(&self, errors: &mut FieldErrors) -> ServerRequest {
        require(errors, "address", &self.address);
        ServerRequest {
            address: self.address.trim().to_owned(),
            ca: Some(self.ca.trim().to_owned()).filter(|c| !c.is_empty()),
            allow_plaintext: self.allow_plaintext,
        }
    }

    pub fn request(&self) -> Result<ServerRequest, FieldErrors> {
        let mut errors = FieldErrors::new();
        let request = self.check(&mut errors);
        errors.is_empty().then_some(request).ok_or(errors)
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ShareForm {
    pub server: ServerFields,
    pub passphrase: String,
}

impl ShareForm {
    pub fn validate(&self) -> Result<ShareRequest, FieldErrors> {
        let mut errors = FieldErrors::new();
        let server = self.server.check(&mut errors);
        if self.passphrase.is_empty() {
            errors.insert("passphrase".into(), "rule.required".into());
        }
        errors.is_empty().then_some(()).ok_or(errors)?;
        Ok(ShareRequest {
            server,
            passphrase: self.passphrase.clone(),
        })
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct JoinForm {
    pub server: ServerFields,
    pub workspace_id: String,
    pub user: String,
    pub passphrase: String,
    pub into: String,
    pub remember: bool,
    pub join_code: String,
}

/// A workspace id as members are given it: a UUID (hyphens, upper or lower case).
fn is_workspace_id(text: &str) -> bool {
    let hex: String = text.trim().chars().filter(|c| *c != '-').collect();
    hex.len() == 32 && hex.chars().all(|c| c.is_ascii_hexdigit())
}

impl JoinForm {
    pub fn validate(&self) -> Result<JoinRequest, FieldErrors> {
        let mut errors = FieldErrors::new();
        let server = self.server.check(&mut errors);
        require(&mut errors, "workspace_id", &self.workspace_id);
        if !errors.contains_key("workspace_id") && !is_workspace_id(&self.workspace_id) {
            errors.insert("workspace_id".into(), "rule.not_an_id".into());
        }
        require(&mut errors, "user", &self.user);
        if self.passphrase.is_empty() {
            errors.insert("passphrase".into(), "rule.required".into());
        }
        require(&mut errors, "into", &self.into);
        errors.is_empty().then_some(()).ok_or(errors)?;
        Ok(JoinRequest {
            server,
            workspace_id: self.workspace_id.trim().to_owned(),
            user: self.user.trim().to_owned(),
            passphrase: self.passphrase.clone(),
            into: self.into.trim().to_owned(),
            remember: self.remember,
            join_code: Some(self.join_code.trim().to_owned()).filter(|c| !c.is_empty()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use govbench_protocol::WorkspaceId;

    fn status(connected: bool, pending: u64, conflicts: u64) -> SharingStatus {
        SharingStatus {
            server: "host=db.example.cn".into(),
            workspace_id: serde_json::from_str::<WorkspaceId>(
                "\"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b\"",
            )
            .unwrap(),
            connected,
            last_contact: None,
            problem: None,
            position: 12,
            pending,
            conflicts,
            refused: None,
        }
    }

    #[test]
    fn the_header_names_the_most_urgent_state() {
        assert_eq!(Indicator::of(&status(true, 0, 0)), Indicator::Connected);
        assert_eq!(Indicator::of(&status(true, 2, 0)), Indicator::Pending(2));
        assert_eq!(Indicator::of(&status(false, 3, 0)), Indicator::Offline(3));
        assert_eq!(Indicator::of(&status(false, 3, 1)), Indicator::Conflicts(1));
        let mut tampered = status(true, 0, 1);
        tampered.refused = Some(govbench_protocol::RefusedEvent {
            position: 7,
            problem: "audit.problem.bad_signature".into(),
            found_at: chrono::Utc::now(),
        });
        assert_eq!(Indicator::of(&tampered), Indicator::Refused);
    }

    #[test]
    fn joining_asks_for_everything_and_a_real_workspace_id() {
        let errors = JoinForm::default().validate().unwrap_err();
        for field in ["address", "workspace_id", "user", "passphrase", "into"] {
            assert!(errors.contains_key(field), "{field}");
        }
        let mut form = JoinForm {
            server: ServerFields {
                address: " postgresql://db.example.cn/govbench ".into(),
                ca: "  ".into(),
                allow_plaintext: false,
            },
            workspace_id: "not-an-id".into(),
            user: " li.na ".into(),
            passphrase: "secret words".into(),
            into: "/home/li/wk.govbench".into(),
            remember: true,
            join_code: " ".into(),
        };
        assert_eq!(
            form.validate()
                .unwrap_err()
                .get("workspace_id")
                .map(String::as_str),
            Some("rule.not_an_id")
        );
        form.workspace_id = "0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B".into();
        let request = form.validate().unwrap();
        assert_eq!(
            request.server.address,
            "postgresql://db.example.cn/govbench"
        );
        assert_eq!(request.server.ca, None);
        assert_eq!(request.user, "li.na");
        assert_eq!(request.join_code, None, "blank means none");
    }
}
