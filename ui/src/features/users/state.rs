//! User administration: the "Add user" form (state + validation, mirroring the backend's
//! rules so mistakes are shown in the user's language before anything is sent) and the
//! filter of the user list.

use crate::state::login::{valid_user_name, MIN_PASSPHRASE};
use crate::state::{require, FieldErrors};
use govbench_protocol::{NewUser, Role, UserSummary};

/// The backend's limits on user names and display names (in characters).
pub const MAX_NAME: usize = 64;
pub const MAX_DISPLAY_NAME: usize = 100;

/// The role a new user gets unless the admin picks another.
pub const DEFAULT_ROLE: Role = Role::Business;

#[derive(Clone, Debug, PartialEq)]
pub struct UserForm {
    pub name: String,
    pub display_name: String,
    pub role: Role,
    pub passphrase: String,
    pub passphrase2: String,
    pub errors: FieldErrors,
}

impl Default for UserForm {
    fn default() -> Self {
        UserForm {
            name: String::new(),
            display_name: String::new(),
            role: DEFAULT_ROLE,
            passphrase: String::new(),
            passphrase2: String::new(),
            errors: FieldErrors::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum UserFormAction {
    Name(String),
    DisplayName(String),
    /// A role key from the select (`business`); unknown keys are ignored.
    Role(String),
    Passphrase(String),
    Passphrase2(String),
    SetErrors(FieldErrors),
    /// Back to an empty form (after the user was added).
    Reset,
}

/// The fields the form shows errors for (anything else goes to the page's alert).
pub const FIELDS: [&str; 5] = ["name", "display_name", "role", "passphrase", "passphrase2"];

impl UserForm {
    pub fn apply(&mut self, action: UserFormAction) {
        match action {
            UserFormAction::Name(v) => {
                self.errors.remove("name");
                self.name = v;
            }
            UserFormAction::DisplayName(v) => {
                self.errors.remove("display_name");
                self.display_name = v;
            }
            UserFormAction::Role(key) => {
                if let Some(role) = Role::from_key(&key) {
                    self.errors.remove("role");
                    self.role = role;
                }
            }
            UserFormAction::Passphrase(v) => {
                self.errors.remove("passphrase");
                // A changed passphrase may now match (or no longer match) the repetition.
                if self.errors.get("passphrase2").map(String::as_str)
                    == Some("rule.passphrase_mismatch")
                {
                    self.errors.remove("passphrase2");
                }
                self.passphrase = v;
            }
            UserFormAction::Passphrase2(v) => {
                self.errors.remove("passphrase2");
                self.passphrase2 = v;
            }
            UserFormAction::SetErrors(e) => self.errors = e,
            UserFormAction::Reset => *self = UserForm::default(),
        }
    }

    pub fn known_fields(&self) -> Vec<String> {
        FIELDS.iter().map(|f| (*f).to_owned()).collect()
    }

    /// The user to create, or the rule each field broke.
    pub fn validate(&self) -> Result<NewUser, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = self.name.trim();
        if name.is_empty() {
            errors.insert("name".into(), "rule.required".into());
        } else if name.chars().count() > MAX_NAME || !valid_user_name(name) {
            errors.insert("name".into(), "rule.invalid_name".into());
        }
        let display_name = self.display_name.trim();
        require(&mut errors, "display_name", display_name);
        if display_name.chars().count() > MAX_DISPLAY_NAME {
            errors.insert("display_name".into(), "rule.too_long".into());
        }
        if self.passphrase.is_empty() {
            errors.insert("passphrase".into(), "rule.required".into());
        } else if self.passphrase.chars().count() < MIN_PASSPHRASE {
            errors.insert("passphrase".into(), "rule.passphrase_too_short".into());
        }
        if self.passphrase2.is_empty() && !self.passphrase.is_empty() {
            errors.insert("passphrase2".into(), "rule.required".into());
        } else if self.passphrase2 != self.passphrase {
            errors.insert("passphrase2".into(), "rule.passphrase_mismatch".into());
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(NewUser {
            name: name.to_owned(),
            display_name: display_name.to_owned(),
            role: self.role,
            passphrase: self.passphrase.clone(),
        })
    }
}

/// The user list's filter: a role and free text over user and display names.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UserFilter {
    pub role: Option<Role>,
    pub text: String,
}

impl UserFilter {
    /// `all` (or anything unknown) clears the role filter.
    pub fn set_role(&mut self, key: &str) {
        self.role = Role::from_key(key);
    }

    pub fn is_filtered(&self) -> bool {
        self.role.is_some() || !self.text.trim().is_empty()
    }

    pub fn matches(&self, user: &UserSummary) -> bool {
        if self.role.is_some_and(|r| r != user.role) {
            return false;
        }
        let needle = self.text.trim().to_lowercase();
        needle.is_empty()
            || user.name.to_lowercase().contains(&needle)
            || user.display_name.to_lowercase().contains(&needle)
    }

    /// The matching users, administrators first, then by user name.
    pub fn apply<'a>(&self, users: &'a [UserSummary]) -> Vec<&'a UserSummary> {
        let mut out: Vec<&UserSummary> = users.iter().filter(|u| self.matches(u)).collect();
        out.sort_by(|a, b| {
            let rank = |r: Role| Role::ALL.iter().position(|x| *x == r).unwrap_or(usize::MAX);
            rank(a.role)
                .cmp(&rank(b.role))
                .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use govbench_protocol::UserId;

    fn filled() -> UserForm {
        let mut f = UserForm::default();
        f.apply(UserFormAction::Name("  wang.wu ".into()));
        f.apply(UserFormAction::DisplayName(" 王五 ".into()));
        f.apply(UserFormAction::Passphrase("correct horse".into()));
        f.apply(UserFormAction::Passphrase2("correct horse".into()));
        f
    }

    #[test]
    fn new_users_default_to_business() {
        assert_eq!(UserForm::default().role, Role::Business);
        let user = filled().validate().unwrap();
        assert_eq!(user.role, Role::Business);
        assert_eq!(user.name, "wang.wu");
        assert_eq!(user.display_name, "王五");
        assert_eq!(user.passphrase, "correct horse");
    }

    #[test]
    fn empty_form_names_every_required_field() {
        let errors = UserForm::default().validate().unwrap_err();
        for field in ["name", "display_name", "passphrase"] {
            assert_eq!(
                errors.get(field).map(String::as_str),
                Some("rule.required"),
                "{field}"
            );
        }
        assert!(
            !errors.contains_key("passphrase2"),
            "an empty repetition of an empty passphrase is not a second error"
        );
    }

    #[test]
    fn name_charset_length_and_passphrase_rules() {
        let mut f = filled();
        f.apply(UserFormAction::Name("wang wu".into()));
        f.apply(UserFormAction::Passphrase("short".into()));
        let errors = f.validate().unwrap_err();
        assert_eq!(
            errors.get("name").map(String::as_str),
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

        let mut f = filled();
        f.apply(UserFormAction::Name("a".repeat(MAX_NAME + 1)));
        f.apply(UserFormAction::DisplayName(
            "名".repeat(MAX_DISPLAY_NAME + 1),
        ));
        let errors = f.validate().unwrap_err();
        assert_eq!(
            errors.get("name").map(String::as_str),
            Some("rule.invalid_name")
        );
        assert_eq!(
            errors.get("display_name").map(String::as_str),
            Some("rule.too_long")
        );

        // Latin letters, digits, dot, dash and underscore are fine; other scripts (and look-
        // alikes such as the Kelvin sign) are not, so one name is one person everywhere.
        let mut f = filled();
        f.apply(UserFormAction::Name("Wang_wu-2.x".into()));
        assert!(f.validate().is_ok());
        for name in ["王_wu", "\u{212A}im"] {
            f.apply(UserFormAction::Name(name.into()));
            assert!(f.validate().is_err(), "{name}");
        }
        f.apply(UserFormAction::Name("Wang_wu-2.x".into()));
        // Eight characters (not bytes) are enough.
        f.apply(UserFormAction::Passphrase("口令口令口令口令".into()));
        f.apply(UserFormAction::Passphrase2("口令口令口令口令".into()));
        assert!(f.validate().is_ok());
    }

    #[test]
    fn repetition_must_match_and_errors_clear_on_edit() {
        let mut f = filled();
        f.apply(UserFormAction::Passphrase2(String::new()));
        let errors = f.validate().unwrap_err();
        assert_eq!(
            errors.get("passphrase2").map(String::as_str),
            Some("rule.required")
        );
        f.apply(UserFormAction::Passphrase2("correct horsE".into()));
        let errors = f.validate().unwrap_err();
        assert_eq!(
            errors.get("passphrase2").map(String::as_str),
            Some("rule.passphrase_mismatch")
        );
        f.apply(UserFormAction::SetErrors(errors));
        // Fixing the first passphrase also clears the stale mismatch.
        f.apply(UserFormAction::Passphrase("correct horsE".into()));
        assert!(f.errors.is_empty());
        assert!(f.validate().is_ok());

        let mut backend = FieldErrors::new();
        backend.insert("name".into(), "rule.duplicate".into());
        f.apply(UserFormAction::SetErrors(backend));
        assert_eq!(f.errors.len(), 1);
        f.apply(UserFormAction::Name("other".into()));
        assert!(f.errors.is_empty());
    }

    #[test]
    fn role_select_takes_keys_and_ignores_unknown_ones() {
        let mut f = UserForm::default();
        f.apply(UserFormAction::Role("auditor".into()));
        assert_eq!(f.role, Role::Auditor);
        f.apply(UserFormAction::Role("superuser".into()));
        assert_eq!(f.role, Role::Auditor);
        for role in Role::ALL {
            f.apply(UserFormAction::Role(role.key().into()));
            assert_eq!(f.role, role);
        }
    }

    #[test]
    fn reset_empties_the_form() {
        let mut f = filled();
        f.apply(UserFormAction::Role("rnd".into()));
        f.apply(UserFormAction::Reset);
        assert_eq!(f, UserForm::default());
        assert_eq!(
            f.known_fields().len(),
            FIELDS.len(),
            "every field can show its error"
        );
    }

    fn user(name: &str, display: &str, role: Role) -> UserSummary {
        let n = name.len() * 1000 + display.len();
        UserSummary {
            id: format!("00000000-0000-7000-8000-{n:012}")
                .parse::<UserId>()
                .unwrap(),
            name: name.into(),
            display_name: display.into(),
            role,
        }
    }

    #[test]
    fn filter_by_role_and_text_admins_first() {
        let users = vec![
            user("zoe", "Zoe Business", Role::Business),
            user("audit", "审计员甲", Role::Auditor),
            user("Admin", "Administrator", Role::Admin),
            user("bob", "Bob", Role::Business),
        ];
        let mut f = UserFilter::default();
        assert!(!f.is_filtered());
        let names: Vec<_> = f.apply(&users).iter().map(|u| u.name.as_str()).collect();
        assert_eq!(names, ["Admin", "bob", "zoe", "audit"]);

        f.set_role("business");
        assert!(f.is_filtered());
        assert_eq!(f.apply(&users).len(), 2);
        f.text = " ZOE ".into();
        let names: Vec<_> = f.apply(&users).iter().map(|u| u.name.as_str()).collect();
        assert_eq!(names, ["zoe"]);

        f.set_role("all");
        assert_eq!(f.role, None);
        f.text = "审计".into();
        let names: Vec<_> = f.apply(&users).iter().map(|u| u.name.as_str()).collect();
        assert_eq!(names, ["audit"]);
    }
}
