//! Incidents (policy §2.3.2, §4.2): fault levels with their own response flows, the emergency
//! team, incident records with their response clocks, post-incident reviews and the
//! corrective actions they lead to, and quarterly statistics.

use crate::{
    AttachmentInfo, DrillRunId, IncidentId, LivePeriod, ModelId, ModelVersionId, Role,
    TeamFunction, TeamMemberDraft, TeamMemberId, UserId,
};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

keyed_enum! {
    /// Fault levels (policy §2.3.2): 严重, 一般, 轻微.
    pub enum Severity {
        Critical = "critical",
        General = "general",
        Minor = "minor",
    }
}

keyed_enum! {
    /// open → acknowledged → mitigated → resolved → reviewed → closed.
    pub enum IncidentStatus {
        Open = "open",
        Acknowledged = "acknowledged",
        Mitigated = "mitigated",
        Resolved = "resolved",
        Reviewed = "reviewed",
        Closed = "closed",
    }
}

keyed_enum! {
    /// How an incident came to light.
    pub enum Detection {
        Monitoring = "monitoring",
        UserReport = "user_report",
        Evaluation = "evaluation",
        Inspection = "inspection",
        Other = "other",
    }
}

keyed_enum! {
    /// The moments a response flow sets a target for.
    pub enum ClockKind {
        Acknowledge = "acknowledge",
        Mitigate = "mitigate",
        Resolve = "resolve",
        Management = "management",
        External = "external",
    }
}

keyed_enum! {
    /// Where a response clock stands.
    pub enum ClockStatus {
        Running = "running",
        DueSoon = "due_soon",
        Breached = "breached",
        Met = "met",
        MetLate = "met_late",
    }
}

impl ClockStatus {
    pub fn is_breached(self) -> bool {
        matches!(self, ClockStatus::Breached | ClockStatus::MetLate)
    }

    /// How urgently the clock asks for attention: breached, due soon, met late, running, met.
    pub const fn urgency(self) -> u8 {
        match self {
            ClockStatus::Breached => 4,
            ClockStatus::DueSoon => 3,
            ClockStatus::MetLate => 2,
            ClockStatus::Running => 1,
            ClockStatus::Met => 0,
        }
    }

    pub fn is_open(self) -> bool {
        matches!(
            self,
            ClockStatus::Running | ClockStatus::DueSoon | ClockStatus::Breached
        )
    }
}

/// A clock is "due soon" in its last fifth, at most this long before its deadline.
pub const MAX_WARNING_MINUTES: i64 = 30;

/// Where a clock due at `due` stands at `now`, reached at `done` if it was. Pure, so the UI
/// ticks it every second with its own time and the backend judges it with an injected one.
pub fn clock_status(
    opened: DateTime<Utc>,
    due: DateTime<Utc>,
    done: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> ClockStatus {
    let warn = ((due - opened) / 5).min(Duration::minutes(MAX_WARNING_MINUTES));
    match done {
        Some(at) if at <= due => ClockStatus::Met,
        Some(_) => ClockStatus::MetLate,
        None if now > due => ClockStatus::Breached,
        None if due - now <= warn => ClockStatus::DueSoon,
        None => ClockStatus::Running,
    }
}

/// Whom a level's rules name: everyone holding a role, or one member of the team.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "who", rename_all = "snake_case")]
pub enum NotifyTarget {
    Role(Role),
    Member(UserId),
}

/// A fault level's response flow: the targets (minutes from opening), who is told, what must
/// be reported and whether a post-incident review is required.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseFlow {
    pub severity: Severity,
    pub acknowledge_minutes: u32,
    pub mitigate_minutes: u32,
    pub resolve_minutes: u32,
    pub notify: Vec<NotifyTarget>,
    /// Management must be informed within this many minutes; `None`: not required.
    pub management_minutes: Option<u32>,
    /// An external report is due within this many minutes when the incident qualifies
    /// (e.g. users or regulators affected); `None`: never required.
    pub external_minutes: Option<u32>,
    pub review_required: bool,
}

impl ResponseFlow {
    /// The target of a milestone, `None` where this flow sets none (or, for the external
    /// report, when the incident does not qualify).
    pub fn target(&self, milestone: ClockKind, qualifies_external: bool) -> Option<u32> {
        match milestone {
            ClockKind::Acknowledge => Some(self.acknowledge_minutes),
            ClockKind::Mitigate => Some(self.mitigate_minutes),
            ClockKind::Resolve => Some(self.resolve_minutes),
            ClockKind::Management => self.management_minutes,
            ClockKind::External => self.external_minutes.filter(|_| qualifies_external),
        }
    }
}

/// The response flows of all levels, as an Admin last set them. `revision` counts the
/// versions (0: the built-in defaults, never edited); an incident keeps the flow it was
/// opened under.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseRules {
    pub flows: Vec<ResponseFlow>,
    pub revision: u64,
}

impl ResponseRules {
    /// Critical: acknowledge in 15 min, mitigate in 1 h, resolve in 4 h, management within
    /// 1 h, an external report within 4 h when the incident qualifies, review required.
    /// General: 1 h / 4 h / 24 h, management within 4 h, review required. Minor: 4 h / 24 h /
    /// 72 h, nothing to report, no review.
    pub fn defaults() -> ResponseRules {
        use Role::*;
        let flow =
            |severity, ack, mitigate, resolve, notify: &[Role], mgmt, ext, review| ResponseFlow {
                severity,
                acknowledge_minutes: ack,
                mitigate_minutes: mitigate,
                resolve_minutes: resolve,
                notify: notify.iter().map(|r| NotifyTarget::Role(*r)).collect(),
                management_minutes: mgmt,
                external_minutes: ext,
                review_required: review,
            };
        ResponseRules {
            flows: vec![
                flow(
                    Severity::Critical,
                    15,
                    60,
                    240,
                    &[Operations, RnD, ProjectManager, Admin],
                    Some(60),
                    Some(240),
                    true,
                ),
                flow(
                    Severity::General,
                    60,
                    240,
                    1440,
                    &[Operations, RnD],
                    Some(240),
                    None,
                    true,
                ),
                flow(
                    Severity::Minor,
                    240,
                    1440,
                    4320,
                    &[Operations],
                    None,
                    None,
                    false,
                ),
            ],
            revision: 0,
        }
    }

    pub fn flow(&self, severity: Severity) -> Option<&ResponseFlow> {
        self.flows.iter().find(|f| f.severity == severity)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentDraft {
    pub title: String,
    pub model: Option<ModelId>,
    pub model_version: Option<ModelVersionId>,
    pub severity: Severity,
    pub detection: Detection,
    pub detected_at: DateTime<Utc>,
    pub description: String,
    /// Users, customers or regulators are affected in a way that must be reported outside.
    pub qualifies_external: bool,
}

keyed_enum! {
    pub enum TimelineKind {
        Opened = "opened",
        Note = "note",
        Action = "action",
        Status = "status",
        Management = "management",
        External = "external",
        Edited = "edited",
    }
}

/// One timestamped line of an incident's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    pub by: UserId,
    pub kind: TimelineKind,
    /// The status reached, for status changes.
    pub status: Option<IncidentStatus>,
    pub text: String,
}

/// When each milestone was reached.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reached {
    pub acknowledged: Option<DateTime<Utc>>,
    pub mitigated: Option<DateTime<Utc>>,
    pub resolved: Option<DateTime<Utc>>,
    pub management: Option<DateTime<Utc>>,
    pub external: Option<DateTime<Utc>>,
}

impl Reached {
    pub fn at(&self, milestone: ClockKind) -> Option<DateTime<Utc>> {
        match milestone {
            ClockKind::Acknowledge => self.acknowledged,
            ClockKind::Mitigate => self.mitigated,
            ClockKind::Resolve => self.resolved,
            ClockKind::Management => self.management,
            ClockKind::External => self.external,
        }
    }
}

/// A follow-up with an owner and a due date, from a post-incident review or a drill's
/// findings; it waits on its owner's dashboard until done.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectiveAction {
    pub id: Uuid,
    pub text: String,
    /// Preventive (stop it happening again) rather than corrective (repair this one).
    pub preventive: bool,
    pub owner: UserId,
    pub due: NaiveDate,
    pub done: Option<ActionDone>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionDone {
    pub at: DateTime<Utc>,
    pub by: UserId,
    pub note: String,
}

/// A corrective action as entered (the id is given when it is stored).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionDraft {
    pub text: String,
    pub preventive: bool,
    pub owner: UserId,
    pub due: NaiveDate,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewDraft {
    pub root_cause: String,
    pub impact: String,
    pub went_well: String,
    pub went_badly: String,
    pub actions: Vec<ActionDraft>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostIncidentReview {
    pub root_cause: String,
    pub impact: String,
    pub went_well: String,
    pub went_badly: String,
    pub actions: Vec<CorrectiveAction>,
    pub by: UserId,
    pub at: DateTime<Utc>,
}

/// An incident record, exactly as stored and as its audit events carry it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incident {
    pub id: IncidentId,
    /// The number people quote (`INC-2026-…`), derived from the id so two copies of a
    /// workspace never mint the same one.
    pub number: String,
    pub draft: IncidentDraft,
    pub status: IncidentStatus,
    /// The level's flow as it was when the incident was opened (or reclassified).
    pub flow: ResponseFlow,
    pub rules_revision: u64,
    /// Opened as part of this drill: labelled a drill, never counted in statistics.
    pub drill: Option<DrillRunId>,
    pub reached: Reached,
    pub timeline: Vec<TimelineEntry>,
    pub review: Option<PostIncidentReview>,
    pub opened_by: UserId,
    pub opened_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: u64,
}

impl Incident {
    /// The response clocks this incident's flow sets, measured from its opening.
    pub fn clocks(&self, now: DateTime<Utc>) -> Vec<ResponseClock> {
        ClockKind::ALL
            .into_iter()
            .filter_map(|m| {
                let minutes = self.flow.target(m, self.draft.qualifies_external)?;
                let due = self.opened_at + Duration::minutes(i64::from(minutes));
                let done = self.reached.at(m);
                Some(ResponseClock {
                    kind: m,
                    target_minutes: minutes,
                    due,
                    done,
                    status: clock_status(self.opened_at, due, done, now),
                })
            })
            .collect()
    }
}

/// One milestone's clock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseClock {
    pub kind: ClockKind,
    pub target_minutes: u32,
    pub due: DateTime<Utc>,
    pub done: Option<DateTime<Utc>>,
    pub status: ClockStatus,
}

/// The worst of a set of clocks (breached before due soon before running before met).
pub fn worst_clock(clocks: &[ResponseClock]) -> Option<ClockStatus> {
    clocks.iter().map(|c| c.status).max_by_key(|s| s.urgency())
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IncidentSummary {
    pub id: IncidentId,
    pub number: String,
    pub title: String,
    pub severity: Severity,
    pub status: IncidentStatus,
    pub drill: bool,
    pub model_name: Option<String>,
    pub opened_at: DateTime<Utc>,
    pub clock: Option<ClockStatus>,
    /// The next open deadline.
    pub next_due: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentQuery {
    pub status: Option<IncidentStatus>,
    pub severity: Option<Severity>,
    /// `2026Q3`: incidents opened in that quarter.
    pub quarter: Option<String>,
    /// Only incidents still being worked on (before resolved).
    pub active_only: bool,
    pub include_drills: bool,
    pub offset: u32,
    pub limit: u32,
    /// Read on after this cursor (a page's `next`) instead of skipping `offset` rows.
    #[serde(default)]
    pub after: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IncidentPage {
    pub items: Vec<IncidentSummary>,
    pub total: u64,
    /// The cursor after the last of `items`, to read on; `None` when nothing follows.
    #[serde(default)]
    pub next: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IncidentDetail {
    pub incident: Incident,
    pub clocks: Vec<ResponseClock>,
    pub opened_by_name: String,
    pub model_name: Option<String>,
    pub version_label: Option<String>,
    /// The version the affected model would roll back to (its previous live version).
    pub rollback_to: Option<RollbackTarget>,
    /// Changes of the affected model's live version since the incident was opened.
    pub model_changes: Vec<LivePeriod>,
    pub names: Vec<(UserId, String)>,
    pub attachments: Vec<AttachmentInfo>,
    pub allowed_actions: Vec<IncidentAction>,
    /// The current user may roll the model back (the models feature's rules decide).
    pub can_roll_back: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollbackTarget {
    pub version: ModelVersionId,
    pub label: String,
}

/// Incidents opened in one quarter, by level (drills excluded).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IncidentStats {
    pub quarter: String,
    pub rows: Vec<SeverityStats>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeverityStats {
    pub severity: Severity,
    pub count: u64,
    pub mean_acknowledge_minutes: Option<f64>,
    pub mean_resolve_minutes: Option<f64>,
    /// Share of the incidents whose every reached-or-due milestone was met in time.
    pub within_targets: Option<f64>,
}

/// A clock about to be breached or breached, for a member the level's rules name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentAlert {
    pub incident: IncidentId,
    pub number: String,
    pub title: String,
    pub severity: Severity,
    pub kind: ClockKind,
    pub due: DateTime<Utc>,
    pub status: ClockStatus,
}

/// A corrective action waiting for someone, wherever it came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenAction {
    pub on: crate::EntityRef,
    /// The incident's or drill run's number.
    pub number: String,
    pub action: CorrectiveAction,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IncidentsDashboard {
    pub active: Vec<IncidentSummary>,
    pub breached: u64,
    pub my_actions: Vec<OpenAction>,
    pub team_missing: Vec<TeamFunction>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case")]
pub enum IncidentCommand {
    Open {
        draft: IncidentDraft,
        drill: Option<DrillRunId>,
    },
    Edit {
        id: IncidentId,
        draft: IncidentDraft,
    },
    Acknowledge {
        id: IncidentId,
        note: String,
    },
    Mitigate {
        id: IncidentId,
        note: String,
    },
    Resolve {
        id: IncidentId,
        note: String,
    },
    AddNote {
        id: IncidentId,
        kind: TimelineKind,
        text: String,
    },
    InformManagement {
        id: IncidentId,
        note: String,
    },
    ReportExternally {
        id: IncidentId,
        note: String,
    },
    Review {
        id: IncidentId,
        review: ReviewDraft,
    },
    Close {
        id: IncidentId,
    },
    CompleteAction {
        id: IncidentId,
        action: Uuid,
        note: String,
    },
    SetRules {
        flows: Vec<ResponseFlow>,
    },
    AddMember {
        draft: TeamMemberDraft,
    },
    EditMember {
        id: TeamMemberId,
        draft: TeamMemberDraft,
    },
    RemoveMember {
        id: TeamMemberId,
    },
}

impl IncidentCommand {
    pub fn action(&self) -> IncidentAction {
        use IncidentAction as A;
        use IncidentCommand as C;
        match self {
            C::Open { .. } => A::Open,
            C::Edit { .. } => A::Edit,
            C::Acknowledge { .. } => A::Acknowledge,
            C::Mitigate { .. } => A::Mitigate,
            C::Resolve { .. } => A::Resolve,
            C::AddNote { .. } => A::AddNote,
            C::InformManagement { .. } => A::InformManagement,
            C::ReportExternally { .. } => A::ReportExternally,
            C::Review { .. } => A::Review,
            C::Close { .. } => A::Close,
            C::CompleteAction { .. } => A::CompleteAction,
            C::SetRules { .. } => A::SetRules,
            C::AddMember { .. } => A::AddMember,
            C::EditMember { .. } => A::EditMember,
            C::RemoveMember { .. } => A::RemoveMember,
        }
    }
}

keyed_enum! {
    pub enum IncidentAction {
        Open = "incident.open",
        Edit = "incident.edit",
        Acknowledge = "incident.acknowledge",
        Mitigate = "incident.mitigate",
        Resolve = "incident.resolve",
        AddNote = "incident.add_note",
        InformManagement = "incident.inform_management",
        ReportExternally = "incident.report_externally",
        Review = "incident.review",
        Close = "incident.close",
        CompleteAction = "incident.complete_action",
        SetRules = "incident.set_rules",
        AddMember = "incident.add_member",
        EditMember = "incident.edit_member",
        RemoveMember = "incident.remove_member",
    }
}

impl IncidentAction {
    pub const fn permission(self) -> IncidentPermission {
        use IncidentAction as A;
        use IncidentPermission as P;
        match self {
            A::Open => P::Open,
            A::Edit
            | A::Acknowledge
            | A::Mitigate
            | A::Resolve
            | A::AddNote
            | A::InformManagement
            | A::ReportExternally => P::Respond,
            A::Review | A::Close => P::Review,
            A::CompleteAction => P::CompleteAction,
            A::SetRules => P::SetRules,
            A::AddMember | A::EditMember | A::RemoveMember => P::ManageTeam,
        }
    }
}

keyed_enum! {
    pub enum IncidentPermission {
        Read = "incident.read",
        Open = "incident.open",
        Respond = "incident.respond",
        Review = "incident.review",
        CompleteAction = "incident.complete_action",
        SetRules = "incident.set_rules",
        ManageTeam = "incident.manage_team",
    }
}

/// `2026Q3` → (2026, 3).
pub fn parse_quarter(text: &str) -> Option<(i32, u32)> {
    let (year, q) = text.trim().split_once(['Q', 'q'])?;
    let year: i32 = year.parse().ok()?;
    let q: u32 = q.parse().ok()?;
    ((1970..=2200).contains(&year) && (1..=4).contains(&q)).then_some((year, q))
}

pub fn quarter_key(year: i32, quarter: u32) -> String {
    format!("{year}Q{quarter}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn quarters_parse_only_when_real() {
        assert_eq!(parse_quarter("2026Q3"), Some((2026, 3)));
        assert_eq!(parse_quarter("2026q1"), Some((2026, 1)));
        assert_eq!(parse_quarter("2026Q5"), None);
        assert_eq!(parse_quarter("Q3"), None);
        assert_eq!(parse_quarter("99999Q1"), None);
    }

    #[test]
    fn a_clock_warns_in_its_last_fifth_and_at_most_half_an_hour_before() {
        let opened = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
        let due = opened + Duration::minutes(15);
        let at = |m| opened + Duration::minutes(m);
        assert_eq!(
            clock_status(opened, due, None, at(11)),
            ClockStatus::Running
        );
        assert_eq!(
            clock_status(opened, due, None, at(12)),
            ClockStatus::DueSoon
        );
        assert_eq!(
            clock_status(opened, due, None, at(16)),
            ClockStatus::Breached
        );
        assert_eq!(
            clock_status(opened, due, Some(at(15)), at(99)),
            ClockStatus::Met
        );
        assert_eq!(
            clock_status(opened, due, Some(at(16)), at(99)),
            ClockStatus::MetLate
        );
        let long = opened + Duration::hours(72);
        assert_eq!(
            clock_status(opened, long, None, long - Duration::minutes(31)),
            ClockStatus::Running
        );
    }
}
