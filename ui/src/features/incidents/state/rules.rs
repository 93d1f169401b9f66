//! The response rules editor: one flow of targets and notifications per severity.

use govbench_protocol::{NotifyTarget, ResponseFlow, Role, Severity, UserId};

use crate::state::FieldErrors;

/// One level's flow as typed.
#[derive(Clone, Debug, PartialEq)]
pub struct FlowRow {
    pub severity: Severity,
    pub acknowledge: String,
    pub mitigate: String,
    pub resolve: String,
    pub management: bool,
    pub management_minutes: String,
    pub external: bool,
    pub external_minutes: String,
    pub review_required: bool,
    pub notify: Vec<NotifyTarget>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RulesForm {
    pub flows: Vec<FlowRow>,
    pub errors: FieldErrors,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FlowEdit {
    Acknowledge(String),
    Mitigate(String),
    Resolve(String),
    Management(bool),
    ManagementMinutes(String),
    External(bool),
    ExternalMinutes(String),
    ReviewRequired(bool),
    /// Adds or removes a role from the notify list.
    NotifyRole(Role, bool),
    /// Adds a member (by user id text) to the notify list.
    AddMember(String),
    RemoveTarget(usize),
}

#[derive(Clone, Debug, PartialEq)]
pub enum RulesAction {
    Edit(usize, FlowEdit),
    Errors(FieldErrors),
}

fn minutes_text(m: Option<u32>) -> String {
    m.map(|m| m.to_string()).unwrap_or_default()
}

impl RulesForm {
    pub fn from_flows(flows: &[ResponseFlow]) -> RulesForm {
        RulesForm {
            flows: flows
                .iter()
                .map(|f| FlowRow {
                    severity: f.severity,
                    acknowledge: f.acknowledge_minutes.to_string(),
                    mitigate: f.mitigate_minutes.to_string(),
                    resolve: f.resolve_minutes.to_string(),
                    management: f.management_minutes.is_some(),
                    management_minutes: minutes_text(f.management_minutes),
                    external: f.external_minutes.is_some(),
                    external_minutes: minutes_text(f.external_minutes),
                    review_required: f.review_required,
                    notify: f.notify.clone(),
                })
                .collect(),
            errors: FieldErrors::new(),
        }
    }

    pub fn apply(&mut self, action: RulesAction) {
        let (i, edit) = match action {
            RulesAction::Errors(e) => {
                self.errors = e;
                return;
            }
            RulesAction::Edit(i, edit) => (i, edit),
        };
        let Some(row) = self.flows.get_mut(i) else {
            return;
        };
        let field = match edit {
            FlowEdit::Acknowledge(v) => {
                row.acknowledge = v;
                "acknowledge_minutes"
            }
            FlowEdit::Mitigate(v) => {
                row.mitigate = v;
                "mitigate_minutes"
            }
            FlowEdit::Resolve(v) => {
                row.resolve = v;
                "resolve_minutes"
            }
            FlowEdit::Management(on) => {
                row.management = on;
                "management_minutes"
            }
            FlowEdit::ManagementMinutes(v) => {
                row.management_minutes = v;
                "management_minutes"
            }
            FlowEdit::External(on) => {
                row.external = on;
                "external_minutes"
            }
            FlowEdit::ExternalMinutes(v) => {
                row.external_minutes = v;
                "external_minutes"
            }
            FlowEdit::ReviewRequired(on) => {
                row.review_required = on;
                "review_required"
            }
            FlowEdit::NotifyRole(role, on) => {
                let target = NotifyTarget::Role(role);
                row.notify.retain(|t| *t != target);
                if on {
                    row.notify.push(target);
                }
                "notify"
            }
            FlowEdit::AddMember(text) => {
                if let Ok(user) = text.trim().parse::<UserId>() {
                    let target = NotifyTarget::Member(user);
                    if !row.notify.contains(&target) {
                        row.notify.push(target);
                    }
                }
                "notify"
            }
            FlowEdit::RemoveTarget(t) => {
                if t < row.notify.len() {
                    row.notify.remove(t);
                }
                "notify"
            }
        };
        self.errors.remove(&format!("flows.{i}.{field}"));
    }

    /// The flows, or the fields to fix (`flows.<i>.<field>`). Targets are whole minutes above
    /// zero, and a level acknowledges no later than it mitigates, and mitigates no later than
    /// it resolves.
    pub fn flows(&self) -> Result<Vec<ResponseFlow>, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut flows = Vec::new();
        for (i, row) in self.flows.iter().enumerate() {
            let mut minutes = |field: &str, text: &str| -> Option<u32> {
                match text.trim().parse::<u32>() {
                    Ok(0) => {
                        errors.insert(format!("flows.{i}.{field}"), "rule.not_positive".into());
                        None
                    }
                    Ok(m) if m <= MAX_TARGET_MINUTES => Some(m),
                    Ok(_) => {
                        errors.insert(format!("flows.{i}.{field}"), "rules.rule.too_long".into());
                        None
                    }
                    Err(_) if text.trim().is_empty() => {
                        errors.insert(format!("flows.{i}.{field}"), "rule.required".into());
                        None
                    }
                    Err(_) => {
                        errors.insert(format!("flows.{i}.{field}"), "rule.not_a_number".into());
                        None
                    }
                }
            };
            let ack = minutes("acknowledge_minutes", &row.acknowledge);
            let mitigate = minutes("mitigate_minutes", &row.mitigate);
            let resolve = minutes("resolve_minutes", &row.resolve);
            let management = if row.management {
                minutes("management_minutes", &row.management_minutes)
            } else {
                None
            };
            let external = if row.external {
                minutes("external_minutes", &row.external_minutes)
            } else {
                None
            };
            if let (Some(a), Some(m)) = (ack, mitigate) {
                if a > m {
                    errors.insert(
                        format!("flows.{i}.mitigate_minutes"),
                        "rules.rule.order".into(),
                    );
                }
            }
            if let (Some(m), Some(r)) = (mitigate, resolve) {
                if m > r {
                    errors.insert(
                        format!("flows.{i}.resolve_minutes"),
                        "rules.rule.order".into(),
                    );
                }
            }
            flows.push(ResponseFlow {
                severity: row.severity,
                acknowledge_minutes: ack.unwrap_or_default(),
                mitigate_minutes: mitigate.unwrap_or_default(),
                resolve_minutes: resolve.unwrap_or_default(),
                notify: row.notify.clone(),
                management_minutes: management,
                external_minutes: external,
                review_required: row.review_required,
            });
        }
        if errors.is_empty() {
            Ok(flows)
        } else {
            Err(errors)
        }
    }
}

/// The longest target a flow may set: 90 days.
pub const MAX_TARGET_MINUTES: u32 = 90 * 1440;
