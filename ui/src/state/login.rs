//! The login screen and the create-workspace dialog.

use super::{require, FieldErrors};
use govbench_protocol::{CreateWorkspaceRequest, DemoUser, LoginRequest, RecentWorkspace};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoginForm {
    pub workspaces: Vec<RecentWorkspace>,
    /// Path of the selected workspace.
    pub selected: Option<String>,
    pub user: String,
    pub passphrase: String,
    pub remember: bool,
    pub errors: FieldErrors,
}

#[derive(Clone, Debug, PartialEq)]
pub enum LoginAction {
    Workspaces(Vec<RecentWorkspace>),
    Select(String),
    /// A workspace file picked with "Open workspace…": added (once) and selected.
    Opened(String),
    User(String),
    Passphrase(String),
    Remember(bool),
    UseDemoUser(DemoUser),
    SetErrors(FieldErrors),
}

/// The file name without directories or extension, as a workspace's display name.
pub fn name_from_path(path: &str) -> String {
    let file = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let stem = file.rsplit_once('.').map(|(stem, _)| stem).unwrap_or(file);
    if stem.is_empty() {
        file.to_owned()
    } else {
        stem.to_owned()
    }
}

impl LoginForm {
    pub fn apply(&mut self, action: LoginAction) {
        match action {
            LoginAction::Workspaces(list) => {
                // Keep the selection if it is still listed; otherwise the first (most recent).
                let keep = self
                    .selected
                    .as_ref()
                    .filter(|sel| list.iter().any(|w| &w.path == *sel))
                    .cloned();
                self.selected = keep.or_else(|| list.first().map(|w| w.path.clone()));
                self.workspaces = list;
            }
            LoginAction::Select(path) => {
                if self.workspaces.iter().any(|w| w.path == path) {
                    self.selected = Some(path);
                    self.errors.remove("workspace");
                }
            }
            LoginAction::Opened(path) => {
                if !self.workspaces.iter().any(|w| w.path == path) {
                    self.workspaces.insert(
                        0,
                        RecentWorkspace {
                            name: name_from_path(&path),
                            path: path.clone(),
                            is_demo: false,
                        },
                    );
                }
                self.selected = Some(path);
                self.errors.remove("workspace");
            }
            LoginAction::User(v) => {
                self.errors.remove("user");
                self.user = v;
            }
            LoginAction::Passphrase(v) => {
                self.errors.remove("passphrase");
                self.passphrase = v;
            }
            LoginAction::Remember(b) => self.remember = b,
            LoginAction::UseDemoUser(u) => {
                self.errors.clear();
                self.user = u.name;
                self.passphrase = u.passphrase;
            }
            LoginAction::SetErrors(e) => self.errors = e,
        }
    }

    fn selected_workspace_in<'a>(
        &self,
        list: &'a [RecentWorkspace],
    ) -> Option<&'a RecentWorkspace> {
        let sel = self.selected.as_ref()?;
        list.iter().find(|w| &w.path == sel)
    }

    pub fn selected_workspace(&self) -> Option<&RecentWorkspace> {
        self.selected_workspace_in(&self.workspaces)
    }

    pub fn is_demo_selected(&self) -> bool {
        self.selected_workspace().is_some_and(|w| w.is_demo)
    }

    pub fn validate(&self) -> Result<LoginRequest, FieldErrors> {
        let mut errors = FieldErrors::new();
        let workspace = self.selected.clone().unwrap_or_default();
        require(&mut errors, "workspace", &workspace);
        require(&mut errors, "user", &self.user);
        if self.passphrase.is_empty() {
            errors.insert("passphrase".into(), "rule.required".into());
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(LoginRequest {
            workspace,
            user: self.user.trim().to_owned(),
            passphrase: self.passphrase.clone(),
            remember: self.remember,
        })
    }
}

pub const MIN_PASSPHRASE: usize = 8;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct CreateForm {
    pub path: String,
    pub admin: String,
    pub display_name: String,
    pub passphrase: String,
    pub passphrase2: String,
    pub errors: FieldErrors,
}

#[derive(Clone, Debug, PartialEq)]
pub enum CreateAction {
    Path(String),
    Admin(String),
    DisplayName(String),
    Passphrase(String),
    Passphrase2(String),
    SetErrors(FieldErrors),
    Reset,
}

/// User names: the backend's rule, from the protocol.
pub use govbench_protocol::is_valid_user_name as valid_user_name;

impl CreateForm {
    pub fn apply(&mut self, action: CreateAction) {
        let (field, slot) = match action {
            CreateAction::Path(v) => ("path", (&mut self.path, v)),
            CreateAction::Admin(v) => ("admin_name", (&mut self.admin, v)),
            CreateAction::DisplayName(v) => ("admin_display_name", (&mut self.display_name, v)),
            CreateAction::Passphrase(v) => ("passphrase", (&mut self.passphrase, v)),
            CreateAction::Passphrase2(v) => ("passphrase2", (&mut self.passphrase2, v)),
            CreateAction::SetErrors(e) => {
                self.errors = e;
                return;
            }
            CreateAction::Reset => {
                *self = CreateForm::default();
                return;
            }
        };
        *slot.0 = slot.1;
        self.errors.remove(field);
    }

    pub fn validate(&self) -> Result<CreateWorkspaceRequest, FieldErrors> {
        let mut errors = FieldErrors::new();
        require(&mut errors, "path", &self.path);
        let admin = self.admin.trim();
        if admin.is_empty() {
            errors.insert("admin_name".into(), "rule.required".into());
        } else if !valid_user_name(admin) {
            errors.insert("admin_name".into(), "rule.invalid_name".into());
        }
        require(&mut errors, "admin_display_name", &self.display_name);
        if self.passphrase.chars().count() < MIN_PASSPHRASE {
            errors.insert("passphrase".into(), "rule.passphrase_too_short".into());
        }
        if self.passphrase2 != self.passphrase {
            errors.insert("passphrase2".into(), "rule.passphrase_mismatch".into());
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(CreateWorkspaceRequest {
            path: self.path.trim().to_owned(),
            admin_name: admin.to_owned(),
            admin_display_name: self.display_name.trim().to_owned(),
            passphrase: self.passphrase.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use govbench_protocol::Role;

    fn recent(path: &str, demo: bool) -> RecentWorkspace {
        RecentWorkspace {
            path: path.into(),
            name: name_from_path(path),
            is_demo: demo,
        }
    }

    #[test]
    fn first_recent_workspace_is_selected() {
        let mut f = LoginForm::default();
        f.apply(LoginAction::Workspaces(vec![
            recent("/data/demo.govbench", true),
            recent("/data/team.govbench", false),
        ]));
        assert_eq!(f.selected.as_deref(), Some("/data/demo.govbench"));
        assert!(f.is_demo_selected());
        f.apply(LoginAction::Select("/data/team.govbench".into()));
        assert!(!f.is_demo_selected());
        f.apply(LoginAction::Select("/nowhere".into()));
        assert_eq!(f.selected.as_deref(), Some("/data/team.govbench"));
        f.apply(LoginAction::Select("/data/demo.govbench".into()));
        assert_eq!(f.selected.as_deref(), Some("/data/demo.govbench"));
    }

    #[test]
    fn opened_workspace_is_added_once_and_selected() {
        let mut f = LoginForm::default();
        f.apply(LoginAction::Opened("C:\\work\\Risk team.govbench".into()));
        f.apply(LoginAction::Opened("C:\\work\\Risk team.govbench".into()));
        assert_eq!(f.workspaces.len(), 1);
        assert_eq!(f.workspaces[0].name, "Risk team");
        assert_eq!(f.selected.as_deref(), Some("C:\\work\\Risk team.govbench"));
    }

    #[test]
    fn demo_user_fills_the_form() {
        let mut f = LoginForm::default();
        f.apply(LoginAction::Opened("/d/demo.govbench".into()));
        f.apply(LoginAction::UseDemoUser(DemoUser {
            name: "biz".into(),
            role: Role::Business,
            passphrase: "demo-pass".into(),
        }));
        let req = f.validate().unwrap();
        assert_eq!(req.user, "biz");
        assert_eq!(req.passphrase, "demo-pass");
        assert!(!req.remember);
    }

    #[test]
    fn login_requires_workspace_user_and_passphrase() {
        let errors = LoginForm::default().validate().unwrap_err();
        assert_eq!(errors.len(), 3);
    }

    #[test]
    fn create_form_checks_name_passphrase_and_match() {
        let mut f = CreateForm::default();
        f.apply(CreateAction::Admin("ad min".into()));
        f.apply(CreateAction::Passphrase("short".into()));
        f.apply(CreateAction::Passphrase2("other".into()));
        let errors = f.validate().unwrap_err();
        assert_eq!(
            errors.get("admin_name").map(String::as_str),
            Some("rule.invalid_name")
        );
        assert_eq!(
            errors.get("passphrase").map(String::as_str),
            Some("rule.passphrase_too_short")
        );
        assert_eq!(
            errors.get("passphrase2").map(String::as_str),
            Some("rule.passphrase_mismatch")
        );
        assert_eq!(
            errors.get("path").map(String::as_str),
            Some("rule.required")
        );

        f.apply(CreateAction::Path("/tmp/x.govbench".into()));
        f.apply(CreateAction::Admin("admin".into()));
        f.apply(CreateAction::DisplayName("王管理".into()));
        f.apply(CreateAction::Passphrase("correct horse".into()));
        f.apply(CreateAction::Passphrase2("correct horse".into()));
        let req = f.validate().unwrap();
        assert_eq!(req.admin_display_name, "王管理");
        f.apply(CreateAction::Reset);
        assert_eq!(f, CreateForm::default());
    }
}
