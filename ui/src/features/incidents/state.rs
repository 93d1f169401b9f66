//! Pure state of the incident pages: the list's filters and paging, live countdowns and how
//! durations read, quarterly statistics, and the forms (new incident, response note,
//! post-incident review, team member, response rules). No DOM, no backend: tested natively.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use govbench_i18n::Locale;
use govbench_protocol::{
    clock_status, parse_quarter, quarter_key, ClockKind, ClockStatus, Detection, IncidentAction,
    IncidentAlert, IncidentCommand, IncidentDraft, IncidentId, IncidentQuery, IncidentStatus,
    IncidentSummary, ModelId, ModelVersionId, NotifyTarget, ResponseFlow, ReviewDraft, Role,
    Severity, TeamFunction, TeamMemberDraft, TeamRole, TimelineKind, UserId,
};

use crate::state::actions::{check_rows, edit_row, remove_row, ActionRow, RowEdit};
use crate::state::{parse_date, FieldErrors};

// ---------------------------------------------------------------------------------------------
// The list: filters and paging.

use crate::state::paging::PAGE_SIZE;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct IncidentFilters {
    pub status: Option<IncidentStatus>,
    pub severity: Option<Severity>,
    /// As typed (`2026Q3`); sent only once it is a real quarter.
    pub quarter: String,
    pub active_only: bool,
    pub include_drills: bool,
    /// Zero-based page.
    pub page: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FilterAction {
    /// `"all"` (or anything unknown) clears the filter.
    Status(String),
    Severity(String),
    Quarter(String),
    ActiveOnly(bool),
    IncludeDrills(bool),
    Page(u32),
    Clear,
}

impl IncidentFilters {
    pub fn apply(&mut self, action: FilterAction) {
        match action {
            FilterAction::Page(p) => {
                self.page = p;
                return;
            }
            FilterAction::Status(key) => self.status = IncidentStatus::from_key(&key),
            FilterAction::Severity(key) => self.severity = Severity::from_key(&key),
            FilterAction::Quarter(q) => self.quarter = q,
            FilterAction::ActiveOnly(b) => self.active_only = b,
            FilterAction::IncludeDrills(b) => self.include_drills = b,
            FilterAction::Clear => *self = IncidentFilters::default(),
        }
        self.page = 0;
    }

    pub fn is_filtered(&self) -> bool {
        self.status.is_some()
            || self.severity.is_some()
            || !self.quarter.trim().is_empty()
            || self.active_only
            || self.include_drills
    }

    /// The typed quarter's problem, if it is not one (empty is fine: no filter).
    pub fn quarter_error(&self) -> Option<&'static str> {
        quarter_error(&self.quarter)
    }

    pub fn to_query(&self) -> IncidentQuery {
        IncidentQuery {
            status: self.status,
            severity: self.severity,
            quarter: parse_quarter(&self.quarter).map(|(y, q)| quarter_key(y, q)),
            active_only: self.active_only,
            include_drills: self.include_drills,
            offset: self.page.saturating_mul(PAGE_SIZE),
            limit: PAGE_SIZE,
        }
    }
}

/// Translation key of what is wrong with a typed quarter; `None` when empty or valid.
pub fn quarter_error(text: &str) -> Option<&'static str> {
    if text.trim().is_empty() || parse_quarter(text).is_some() {
        None
    } else {
        Some("incident.rule.quarter")
    }
}

/// The quarter a day falls in (`2026Q3`).
pub fn quarter_of(day: NaiveDate) -> String {
    quarter_key(day.year(), (day.month() - 1) / 3 + 1)
}

/// The quarter before `key` (for stepping back through statistics); `None` if not a quarter.
pub fn previous_quarter(key: &str) -> Option<String> {
    let (y, q) = parse_quarter(key)?;
    let (y, q) = if q == 1 { (y - 1, 4) } else { (y, q - 1) };
    parse_quarter(&quarter_key(y, q)).map(|(y, q)| quarter_key(y, q))
}

/// The quarter after `key`.
pub fn next_quarter(key: &str) -> Option<String> {
    let (y, q) = parse_quarter(key)?;
    let (y, q) = if q == 4 { (y + 1, 1) } else { (y, q + 1) };
    parse_quarter(&quarter_key(y, q)).map(|(y, q)| quarter_key(y, q))
}

// ---------------------------------------------------------------------------------------------
// Clocks, countdowns and durations.

/// The worse of two clock states (breached before due soon before met late before running
/// before met).
pub fn worse(a: Option<ClockStatus>, b: Option<ClockStatus>) -> Option<ClockStatus> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if b.urgency() > a.urgency() { b } else { a }),
        (a, None) => a,
        (None, b) => b,
    }
}

/// A list row's clock as it stands `now`: the row's worst clock as the backend judged it,
/// worsened by its next deadline passing (or coming near) since.
pub fn live_clock(row: &IncidentSummary, now: DateTime<Utc>) -> Option<ClockStatus> {
    let Some(due) = row.next_due else {
        return row.clock;
    };
    // What time cannot change (met, met late, breached) stays; the next deadline is judged
    // again at `now`.
    let settled = row
        .clock
        .filter(|s| !s.is_open() || *s == ClockStatus::Breached);
    worse(settled, Some(clock_status(row.opened_at, due, None, now)))
}

/// Where a deadline stands against `now`, in seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Countdown {
    /// Still running: this many seconds left.
    Left(i64),
    /// Not reached and past due by this many seconds.
    Over(i64),
    /// Reached, this many seconds after the start.
    Met(i64),
    /// Reached this many seconds after the deadline.
    MetLate(i64),
}

/// The countdown of a clock started at `opened`, due at `due`, reached at `done`.
pub fn countdown(
    opened: DateTime<Utc>,
    due: DateTime<Utc>,
    done: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Countdown {
    match done {
        Some(at) if at <= due => Countdown::Met((at - opened).num_seconds().max(0)),
        Some(at) => Countdown::MetLate((at - due).num_seconds()),
        None if now > due => Countdown::Over((now - due).num_seconds()),
        None => Countdown::Left((due - now).num_seconds().max(0)),
    }
}

/// A span as a running clock shows it: `12:03`, `1:02:03`, or `2 天 03:04:05`.
pub fn clock_face(locale: Locale, seconds: i64) -> String {
    let s = seconds.max(0);
    let (days, rest) = (s / 86_400, s % 86_400);
    let (h, m, sec) = (rest / 3600, (rest % 3600) / 60, rest % 60);
    if days > 0 {
        let time = format!("{h:02}:{m:02}:{sec:02}");
        locale.format(
            "incident.duration.days_time",
            [("days", days.to_string().as_str()), ("time", time.as_str())],
        )
    } else if h > 0 {
        format!("{h}:{m:02}:{sec:02}")
    } else {
        format!("{m:02}:{sec:02}")
    }
}

/// A span in whole minutes as people say it: `5 分钟`, `2 小时 5 分钟`, `3 天 4 小时`.
pub fn span_text(locale: Locale, minutes: i64) -> String {
    let m = minutes.max(0);
    let n = |v: i64| v.to_string();
    if m < 60 {
        locale.format("incident.duration.minutes", [("n", n(m).as_str())])
    } else if m < 1440 {
        if m % 60 == 0 {
            locale.format("incident.duration.hours", [("n", n(m / 60).as_str())])
        } else {
            locale.format(
                "incident.duration.hours_minutes",
                [("h", n(m / 60).as_str()), ("m", n(m % 60).as_str())],
            )
        }
    } else if m % 1440 == 0 {
        locale.format("incident.duration.days", [("n", n(m / 1440).as_str())])
    } else {
        locale.format(
            "incident.duration.days_hours",
            [
                ("d", n(m / 1440).as_str()),
                ("h", n((m % 1440) / 60).as_str()),
            ],
        )
    }
}

/// A countdown in words: `还剩 12:03`, `超时 5 分钟`, `按时达成 · 用时 14 分钟`.
pub fn countdown_text(locale: Locale, c: Countdown) -> String {
    match c {
        Countdown::Left(s) => locale.format(
            "incident.countdown.left",
            [("time", clock_face(locale, s).as_str())],
        ),
        // Past due reads in whole minutes, the first as soon as the deadline passes.
        Countdown::Over(s) => locale.format(
            "incident.countdown.over",
            [("time", span_text(locale, ((s + 59) / 60).max(1)).as_str())],
        ),
        Countdown::Met(s) => locale.format(
            "incident.countdown.met",
            [("time", span_text(locale, s / 60).as_str())],
        ),
        Countdown::MetLate(s) => locale.format(
            "incident.countdown.met_late",
            [("time", span_text(locale, ((s + 59) / 60).max(1)).as_str())],
        ),
    }
}

/// A target in minutes as it reads (`15 分钟`, `4 小时`, `3 天`).
pub fn target_text(locale: Locale, minutes: u32) -> String {
    span_text(locale, i64::from(minutes))
}

/// A mean time in minutes (statistics): minutes up to two hours, hours after, one decimal.
pub fn mean_text(locale: Locale, minutes: Option<f64>) -> String {
    match minutes {
        None => "—".into(),
        Some(m) if !m.is_finite() => "—".into(),
        Some(m) if m < 120.0 => locale.format(
            "incident.stats.minutes",
            [("n", format!("{:.1}", m).trim_end_matches(".0"))],
        ),
        Some(m) => locale.format(
            "incident.stats.hours",
            [("n", format!("{:.1}", m / 60.0).trim_end_matches(".0"))],
        ),
    }
}

/// A share (0–1) as a whole percentage.
pub fn percent(share: Option<f64>) -> String {
    match share {
        Some(s) if s.is_finite() => format!("{:.0}%", (s * 100.0).clamp(0.0, 100.0)),
        _ => "—".into(),
    }
}

/// The CSS tone of a clock state: `bad` breached, `warn` due soon, `ok` met, `neutral`.
pub fn clock_tone(status: ClockStatus) -> &'static str {
    match status {
        ClockStatus::Breached | ClockStatus::MetLate => "bad",
        ClockStatus::DueSoon => "warn",
        ClockStatus::Met => "ok",
        ClockStatus::Running => "neutral",
    }
}

/// The lifecycle in order, each marked done, current or to come, for the status stepper.
pub fn lifecycle(status: IncidentStatus) -> Vec<(IncidentStatus, std::cmp::Ordering)> {
    let at = IncidentStatus::ALL
        .iter()
        .position(|s| *s == status)
        .unwrap_or(0);
    IncidentStatus::ALL
        .iter()
        .enumerate()
        .map(|(i, s)| (*s, i.cmp(&at)))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Alerts.

/// What one alert is about: which clock of which incident, in which state (dismissing the
/// strip hides these keys; a clock that moves on to breached shows again).
pub type AlertKey = (IncidentId, ClockKind, ClockStatus);

pub fn alert_key(a: &IncidentAlert) -> AlertKey {
    (a.incident, a.kind, a.status)
}

// ---------------------------------------------------------------------------------------------
// The new-incident form.

#[derive(Clone, Debug, PartialEq)]
pub struct IncidentForm {
    pub title: String,
    pub severity: Severity,
    /// The affected model's id as text; empty: none.
    pub model: String,
    pub version: String,
    pub detection: Detection,
    pub date: String,
    /// `HH:MM` in the user's local time.
    pub time: String,
    pub description: String,
    pub qualifies_external: bool,
    pub errors: FieldErrors,
}

#[derive(Clone, Debug, PartialEq)]
pub enum IncidentFormAction {
    Title(String),
    Severity(String),
    Model(String),
    Version(String),
    Detection(String),
    Date(String),
    Time(String),
    Description(String),
    QualifiesExternal(bool),
    Errors(FieldErrors),
}

impl IncidentForm {
    /// A blank form, detected "now" (the user's local date and time).
    pub fn new(local_now: NaiveDateTime) -> IncidentForm {
        IncidentForm {
            title: String::new(),
            severity: Severity::General,
            model: String::new(),
            version: String::new(),
            detection: Detection::Monitoring,
            date: local_now.date().format("%Y-%m-%d").to_string(),
            time: local_now.time().format("%H:%M").to_string(),
            description: String::new(),
            qualifies_external: false,
            errors: FieldErrors::new(),
        }
    }

    pub fn apply(&mut self, action: IncidentFormAction) {
        use IncidentFormAction as A;
        let field = match action {
            A::Title(v) => {
                self.title = v;
                "title"
            }
            A::Severity(v) => {
                if let Some(s) = Severity::from_key(&v) {
                    self.severity = s;
                }
                "severity"
            }
            A::Model(v) => {
                if v != self.model {
                    self.version.clear();
                }
                self.model = v;
                "model"
            }
            A::Version(v) => {
                self.version = v;
                "model_version"
            }
            A::Detection(v) => {
                if let Some(d) = Detection::from_key(&v) {
                    self.detection = d;
                }
                "detection"
            }
            A::Date(v) => {
                self.date = v;
                "detected_at"
            }
            A::Time(v) => {
                self.time = v;
                "detected_at"
            }
            A::Description(v) => {
                self.description = v;
                "description"
            }
            A::QualifiesExternal(v) => {
                self.qualifies_external = v;
                "qualifies_external"
            }
            A::Errors(e) => {
                self.errors = e;
                return;
            }
        };
        self.errors.remove(field);
    }

    /// The draft, with the local date and time read in `zone` and sent as UTC; or the fields
    /// to fix. A detection time later than `now` is refused.
    pub fn draft<Tz: TimeZone>(
        &self,
        zone: &Tz,
        now: DateTime<Utc>,
    ) -> Result<IncidentDraft, FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.title.trim().is_empty() {
            errors.insert("title".into(), "rule.required".into());
        }
        if self.description.trim().is_empty() {
            errors.insert("description".into(), "rule.required".into());
        }
        let model = match self.model.trim() {
            "" => None,
            text => match text.parse::<ModelId>() {
                Ok(id) => Some(id),
                Err(_) => {
                    errors.insert("model".into(), "rule.required".into());
                    None
                }
            },
        };
        let version = match self.version.trim() {
            "" => None,
            text => text.parse::<ModelVersionId>().ok(),
        };
        let detected = local_to_utc(zone, &self.date, &self.time);
        match detected {
            Err(rule) => {
                errors.insert("detected_at".into(), rule.into());
            }
            Ok(at) if at > now => {
                errors.insert("detected_at".into(), "incident.rule.detected_future".into());
            }
            Ok(_) => {}
        }
        match detected {
            Ok(detected_at) if errors.is_empty() => Ok(IncidentDraft {
                title: self.title.trim().to_owned(),
                model,
                model_version: version.filter(|_| model.is_some()),
                severity: self.severity,
                detection: self.detection,
                detected_at,
                description: self.description.trim().to_owned(),
                qualifies_external: self.qualifies_external,
            }),
            _ => Err(errors),
        }
    }
}

/// A time of day as people type it: `14:05`, `9:05`, `14:05:30`, `1405`, `14：05` (full-width
/// colon, as a Chinese keyboard gives it).
pub fn parse_time(text: &str) -> Option<NaiveTime> {
    let text = text.trim().replace('：', ":");
    if text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveTime::parse_from_str(&text, "%H%M").ok();
    }
    NaiveTime::parse_from_str(&text, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(&text, "%H:%M:%S"))
        .ok()
}

/// A local date (`2026-03-01`, or as people type it) and time (`HH:MM`) in `zone`, as UTC; or
/// the rule it breaks. A time that does not exist locally (a DST gap) is refused, an ambiguous
/// one (DST overlap) read as the earlier.
pub fn local_to_utc<Tz: TimeZone>(
    zone: &Tz,
    date: &str,
    time: &str,
) -> Result<DateTime<Utc>, &'static str> {
    let day = parse_date(date).ok_or("rule.required")?;
    let clock = parse_time(time).ok_or("incident.rule.time")?;
    zone.from_local_datetime(&day.and_time(clock))
        .earliest()
        .map(|at| at.with_timezone(&Utc))
        .ok_or("incident.rule.time")
}

// ---------------------------------------------------------------------------------------------
// Responding: a note with each step.

/// The response steps that take a note, in the order they are offered.
pub const RESPONSE_STEPS: [IncidentAction; 5] = [
    IncidentAction::Acknowledge,
    IncidentAction::Mitigate,
    IncidentAction::Resolve,
    IncidentAction::InformManagement,
    IncidentAction::ReportExternally,
];

/// The command for a response step with the note typed, or the note's error. Adding a note
/// needs a text; the other steps take an optional one.
pub fn response_command(
    action: IncidentAction,
    id: IncidentId,
    note: &str,
    kind: TimelineKind,
) -> Result<IncidentCommand, FieldErrors> {
    let note = note.trim().to_owned();
    let command = match action {
        IncidentAction::Acknowledge => IncidentCommand::Acknowledge { id, note },
        IncidentAction::Mitigate => IncidentCommand::Mitigate { id, note },
        IncidentAction::Resolve => IncidentCommand::Resolve { id, note },
        IncidentAction::InformManagement => IncidentCommand::InformManagement { id, note },
        IncidentAction::ReportExternally => IncidentCommand::ReportExternally { id, note },
        IncidentAction::AddNote => {
            if note.is_empty() {
                let mut errors = FieldErrors::new();
                errors.insert("text".into(), "rule.required".into());
                return Err(errors);
            }
            IncidentCommand::AddNote {
                id,
                kind,
                text: note,
            }
        }
        IncidentAction::Close => IncidentCommand::Close { id },
        _ => return Err(FieldErrors::new()),
    };
    Ok(command)
}

/// The kinds of timeline entry a person may add by hand.
pub const NOTE_KINDS: [TimelineKind; 2] = [TimelineKind::Note, TimelineKind::Action];

// ---------------------------------------------------------------------------------------------
// The post-incident review.

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReviewForm {
    pub root_cause: String,
    pub impact: String,
    pub went_well: String,
    pub went_badly: String,
    pub actions: Vec<ActionRow>,
    pub errors: FieldErrors,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ReviewAction {
    RootCause(String),
    Impact(String),
    WentWell(String),
    WentBadly(String),
    AddAction,
    RemoveAction(usize),
    EditAction(usize, RowEdit),
    Errors(FieldErrors),
}

impl ReviewForm {
    pub fn new() -> ReviewForm {
        ReviewForm {
            actions: vec![ActionRow::default()],
            ..ReviewForm::default()
        }
    }

    pub fn apply(&mut self, action: ReviewAction) {
        let field = match action {
            ReviewAction::RootCause(v) => {
                self.root_cause = v;
                "root_cause"
            }
            ReviewAction::Impact(v) => {
                self.impact = v;
                "impact"
            }
            ReviewAction::WentWell(v) => {
                self.went_well = v;
                "went_well"
            }
            ReviewAction::WentBadly(v) => {
                self.went_badly = v;
                "went_badly"
            }
            ReviewAction::AddAction => {
                self.actions.push(ActionRow::default());
                return;
            }
            ReviewAction::RemoveAction(i) => {
                remove_row(&mut self.actions, &mut self.errors, "actions", i);
                return;
            }
            ReviewAction::EditAction(i, edit) => {
                edit_row(&mut self.actions, &mut self.errors, "actions", i, edit);
                return;
            }
            ReviewAction::Errors(e) => {
                self.errors = e;
                return;
            }
        };
        self.errors.remove(field);
    }

    /// The review, or the fields to fix. Root cause and impact are required; every action row
    /// that is not blank needs its text, owner and due date.
    pub fn review(&self, today: NaiveDate) -> Result<ReviewDraft, FieldErrors> {
        let mut errors = FieldErrors::new();
        for (field, value) in [("root_cause", &self.root_cause), ("impact", &self.impact)] {
            if value.trim().is_empty() {
                errors.insert(field.into(), "rule.required".into());
            }
        }
        let actions = check_rows(&self.actions, "actions", today, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ReviewDraft {
            root_cause: self.root_cause.trim().to_owned(),
            impact: self.impact.trim().to_owned(),
            went_well: self.went_well.trim().to_owned(),
            went_badly: self.went_badly.trim().to_owned(),
            actions,
        })
    }

    /// Field names this form shows (the rest go to the summary).
    pub fn known_fields(&self) -> Vec<String> {
        let mut known: Vec<String> = ["root_cause", "impact", "went_well", "went_badly", "actions"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        for i in 0..self.actions.len() {
            for f in ["text", "owner", "due", "preventive"] {
                known.push(format!("actions.{i}.{f}"));
            }
        }
        known
    }
}

// ---------------------------------------------------------------------------------------------
// The emergency team.

#[derive(Clone, Debug, PartialEq)]
pub struct MemberForm {
    pub user: String,
    pub function: TeamFunction,
    pub team_role: TeamRole,
    pub contact: String,
    pub backup: String,
    pub errors: FieldErrors,
}

impl Default for MemberForm {
    fn default() -> Self {
        MemberForm {
            user: String::new(),
            function: TeamFunction::Operations,
            team_role: TeamRole::Technical,
            contact: String::new(),
            backup: String::new(),
            errors: FieldErrors::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum MemberAction {
    User(String),
    Function(String),
    TeamRole(String),
    Contact(String),
    Backup(String),
    Errors(FieldErrors),
}

impl MemberForm {
    pub fn from_draft(d: &TeamMemberDraft) -> MemberForm {
        MemberForm {
            user: d.user.to_string(),
            function: d.function,
            team_role: d.team_role,
            contact: d.contact.clone(),
            backup: d.backup.map(|b| b.to_string()).unwrap_or_default(),
            errors: FieldErrors::new(),
        }
    }

    pub fn apply(&mut self, action: MemberAction) {
        let field = match action {
            MemberAction::User(v) => {
                self.user = v;
                "user"
            }
            MemberAction::Function(v) => {
                if let Some(f) = TeamFunction::from_key(&v) {
                    self.function = f;
                }
                "function"
            }
            MemberAction::TeamRole(v) => {
                if let Some(r) = TeamRole::from_key(&v) {
                    self.team_role = r;
                }
                "team_role"
            }
            MemberAction::Contact(v) => {
                self.contact = v;
                "contact"
            }
            MemberAction::Backup(v) => {
                self.backup = v;
                "backup"
            }
            MemberAction::Errors(e) => {
                self.errors = e;
                return;
            }
        };
        self.errors.remove(field);
    }

    pub fn draft(&self) -> Result<TeamMemberDraft, FieldErrors> {
        let mut errors = FieldErrors::new();
        let user = self.user.trim().parse::<UserId>().ok();
        if user.is_none() {
            errors.insert("user".into(), "rule.required".into());
        }
        if self.contact.trim().is_empty() {
            errors.insert("contact".into(), "rule.required".into());
        }
        let backup = match self.backup.trim() {
            "" => None,
            text => text.parse::<UserId>().ok(),
        };
        if backup.is_some() && backup == user {
            errors.insert("backup".into(), "team.rule.backup_self".into());
        }
        match user {
            Some(user) if errors.is_empty() => Ok(TeamMemberDraft {
                user,
                function: self.function,
                team_role: self.team_role,
                contact: self.contact.trim().to_owned(),
                backup,
            }),
            _ => Err(errors),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The response rules.

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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, FixedOffset, NaiveDate};
    use govbench_protocol::ResponseRules;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    const USER: &str = "01900000-0000-7000-8000-000000000001";
    const OTHER: &str = "01900000-0000-7000-8000-000000000002";

    #[test]
    fn filters_map_to_the_query_and_reset_the_page() {
        let mut f = IncidentFilters::default();
        f.apply(FilterAction::Page(2));
        assert_eq!(f.to_query().offset, 100);
        assert_eq!(f.to_query().limit, PAGE_SIZE);
        f.apply(FilterAction::Status("acknowledged".into()));
        assert_eq!(f.page, 0);
        f.apply(FilterAction::Severity("critical".into()));
        f.apply(FilterAction::Quarter("2026q3".into()));
        f.apply(FilterAction::ActiveOnly(true));
        f.apply(FilterAction::IncludeDrills(true));
        let q = f.to_query();
        assert_eq!(q.status, Some(IncidentStatus::Acknowledged));
        assert_eq!(q.severity, Some(Severity::Critical));
        assert_eq!(q.quarter.as_deref(), Some("2026Q3"));
        assert!(q.active_only && q.include_drills);
        assert!(f.is_filtered());
        f.apply(FilterAction::Status("all".into()));
        assert_eq!(f.status, None);
        f.apply(FilterAction::Clear);
        assert_eq!(f, IncidentFilters::default());
    }

    #[test]
    fn a_half_typed_quarter_is_not_sent_and_is_named() {
        let mut f = IncidentFilters::default();
        f.apply(FilterAction::Quarter("2026Q".into()));
        assert_eq!(f.to_query().quarter, None);
        assert_eq!(f.quarter_error(), Some("incident.rule.quarter"));
        f.apply(FilterAction::Quarter(String::new()));
        assert_eq!(f.quarter_error(), None);
    }

    #[test]
    fn quarters_step_across_years() {
        let day = NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
        assert_eq!(quarter_of(day), "2026Q3");
        assert_eq!(
            quarter_of(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()),
            "2026Q1"
        );
        assert_eq!(previous_quarter("2026Q1").as_deref(), Some("2025Q4"));
        assert_eq!(next_quarter("2026Q4").as_deref(), Some("2027Q1"));
        assert_eq!(next_quarter("2026Q2").as_deref(), Some("2026Q3"));
        assert_eq!(next_quarter("nonsense"), None);
        assert_eq!(previous_quarter("1970Q1"), None);
    }

    #[test]
    fn countdowns_read_as_people_say_them() {
        let opened = at("2026-03-01T23:50:00Z");
        let due = opened + Duration::minutes(15);
        let now = opened + Duration::seconds(2 * 60 + 57);
        let c = countdown(opened, due, None, now);
        assert_eq!(c, Countdown::Left(12 * 60 + 3));
        assert_eq!(countdown_text(Locale::ZhCn, c), "还剩 12:03");
        assert_eq!(countdown_text(Locale::En, c), "12:03 left");
        let late = countdown(opened, due, None, due + Duration::minutes(5));
        assert_eq!(late, Countdown::Over(300));
        assert_eq!(countdown_text(Locale::ZhCn, late), "超时 5 分钟");
        assert_eq!(countdown_text(Locale::En, late), "5 min overdue");
        // The first second past the deadline already counts as a minute over.
        let just = countdown(opened, due, None, due + Duration::seconds(1));
        assert_eq!(countdown_text(Locale::En, just), "1 min overdue");
        let met = countdown(opened, due, Some(opened + Duration::minutes(14)), now);
        assert_eq!(met, Countdown::Met(14 * 60));
        assert!(countdown_text(Locale::En, met).contains("14 min"));
        let met_late = countdown(opened, due, Some(due + Duration::hours(2)), now);
        assert!(countdown_text(Locale::ZhCn, met_late).contains("2 小时"));
    }

    #[test]
    fn clock_faces_and_spans() {
        let l = Locale::En;
        assert_eq!(clock_face(l, 0), "00:00");
        assert_eq!(clock_face(l, 3723), "1:02:03");
        assert_eq!(clock_face(l, 86_400 * 2 + 3723), "2 d 01:02:03");
        assert_eq!(clock_face(l, -5), "00:00");
        assert_eq!(span_text(l, 45), "45 min");
        assert_eq!(span_text(l, 60), "1 h");
        assert_eq!(span_text(l, 125), "2 h 5 min");
        assert_eq!(span_text(l, 4320), "3 d");
        assert_eq!(span_text(l, 1500), "1 d 1 h");
        assert_eq!(target_text(Locale::ZhCn, 240), "4 小时");
    }

    #[test]
    fn statistics_read_in_minutes_hours_and_percent() {
        assert_eq!(mean_text(Locale::En, Some(12.0)), "12 min");
        assert_eq!(mean_text(Locale::En, Some(12.25)), "12.2 min");
        assert_eq!(mean_text(Locale::En, Some(150.0)), "2.5 h");
        assert_eq!(mean_text(Locale::En, None), "—");
        assert_eq!(mean_text(Locale::En, Some(f64::NAN)), "—");
        assert_eq!(percent(Some(0.756)), "76%");
        assert_eq!(percent(Some(1.2)), "100%");
        assert_eq!(percent(None), "—");
    }

    fn row(clock: Option<ClockStatus>, next_due: Option<DateTime<Utc>>) -> IncidentSummary {
        IncidentSummary {
            id: USER.parse().unwrap(),
            number: "INC-2026-0001".into(),
            title: "t".into(),
            severity: Severity::Critical,
            status: IncidentStatus::Open,
            drill: false,
            model_name: None,
            opened_at: at("2026-03-01T00:00:00Z"),
            clock,
            next_due,
        }
    }

    #[test]
    fn a_list_rows_clock_moves_with_time() {
        let due = at("2026-03-01T00:15:00Z");
        let r = row(Some(ClockStatus::Running), Some(due));
        assert_eq!(
            live_clock(&r, at("2026-03-01T00:05:00Z")),
            Some(ClockStatus::Running)
        );
        assert_eq!(
            live_clock(&r, at("2026-03-01T00:13:00Z")),
            Some(ClockStatus::DueSoon)
        );
        assert_eq!(
            live_clock(&r, at("2026-03-01T00:16:00Z")),
            Some(ClockStatus::Breached)
        );
        // A clock already met late stays the worst while the next one runs.
        let r = row(Some(ClockStatus::MetLate), Some(due));
        assert_eq!(
            live_clock(&r, at("2026-03-01T00:05:00Z")),
            Some(ClockStatus::MetLate)
        );
        assert_eq!(
            live_clock(&r, at("2026-03-01T00:16:00Z")),
            Some(ClockStatus::Breached)
        );
        // Nothing left to reach: as the backend said.
        let r = row(Some(ClockStatus::Met), None);
        assert_eq!(
            live_clock(&r, at("2026-03-09T00:00:00Z")),
            Some(ClockStatus::Met)
        );
        assert_eq!(live_clock(&row(None, None), Utc::now()), None);
        assert_eq!(clock_tone(ClockStatus::Breached), "bad");
        assert_eq!(clock_tone(ClockStatus::DueSoon), "warn");
    }

    #[test]
    fn the_lifecycle_marks_done_current_and_next() {
        let steps = lifecycle(IncidentStatus::Mitigated);
        assert_eq!(steps.len(), 6);
        assert_eq!(steps[0].1, std::cmp::Ordering::Less);
        assert_eq!(
            steps[2],
            (IncidentStatus::Mitigated, std::cmp::Ordering::Equal)
        );
        assert_eq!(steps[5].1, std::cmp::Ordering::Greater);
    }

    fn form() -> IncidentForm {
        let local = NaiveDate::from_ymd_opt(2026, 3, 1)
            .unwrap()
            .and_hms_opt(8, 30, 0)
            .unwrap();
        IncidentForm::new(local)
    }

    #[test]
    fn the_incident_form_sends_the_local_detection_time_as_utc() {
        let mut f = form();
        assert_eq!((f.date.as_str(), f.time.as_str()), ("2026-03-01", "08:30"));
        let shanghai = FixedOffset::east_opt(8 * 3600).unwrap();
        let now = at("2026-03-01T01:00:00Z");
        let errors = f.draft(&shanghai, now).unwrap_err();
        assert_eq!(errors["title"], "rule.required");
        assert_eq!(errors["description"], "rule.required");
        f.apply(IncidentFormAction::Title(" Wrong dosage advice ".into()));
        f.apply(IncidentFormAction::Description(
            "Seen by a pharmacist".into(),
        ));
        f.apply(IncidentFormAction::Severity("critical".into()));
        f.apply(IncidentFormAction::Detection("user_report".into()));
        f.apply(IncidentFormAction::QualifiesExternal(true));
        let d = f.draft(&shanghai, now).unwrap();
        assert_eq!(d.detected_at, at("2026-03-01T00:30:00Z"));
        assert_eq!(d.title, "Wrong dosage advice");
        assert_eq!(d.severity, Severity::Critical);
        assert_eq!(d.detection, Detection::UserReport);
        assert!(d.qualifies_external);
        assert_eq!(d.model, None);
        // Across midnight: 00:10 on 2 March in Shanghai is still 1 March in UTC.
        f.apply(IncidentFormAction::Date("2026/3/2".into()));
        f.apply(IncidentFormAction::Time("00:10".into()));
        let d = f.draft(&shanghai, at("2026-03-02T00:00:00Z")).unwrap();
        assert_eq!(d.detected_at, at("2026-03-01T16:10:00Z"));
    }

    #[test]
    fn times_parse_as_people_type_them() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0);
        assert_eq!(parse_time("14:05"), t(14, 5));
        assert_eq!(parse_time(" 9:05 "), t(9, 5));
        assert_eq!(parse_time("1405"), t(14, 5));
        assert_eq!(parse_time("14：05"), t(14, 5));
        assert_eq!(parse_time("14:05:30"), NaiveTime::from_hms_opt(14, 5, 30));
        for bad in ["", "25:00", "14", "2pm", "14:60"] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_incident_form_refuses_bad_and_future_times() {
        let mut f = form();
        f.apply(IncidentFormAction::Title("t".into()));
        f.apply(IncidentFormAction::Description("d".into()));
        f.apply(IncidentFormAction::Time("25:00".into()));
        let errors = f.draft(&Utc, at("2026-03-02T00:00:00Z")).unwrap_err();
        assert_eq!(errors["detected_at"], "incident.rule.time");
        f.apply(IncidentFormAction::Time("09:00".into()));
        assert!(!f.errors.contains_key("detected_at"));
        let errors = f.draft(&Utc, at("2026-03-01T08:00:00Z")).unwrap_err();
        assert_eq!(errors["detected_at"], "incident.rule.detected_future");
        f.apply(IncidentFormAction::Date("tomorrow".into()));
        let errors = f.draft(&Utc, at("2026-03-02T00:00:00Z")).unwrap_err();
        assert_eq!(errors["detected_at"], "rule.required");
    }

    #[test]
    fn changing_the_model_forgets_the_version() {
        let mut f = form();
        f.apply(IncidentFormAction::Title("t".into()));
        f.apply(IncidentFormAction::Description("d".into()));
        f.apply(IncidentFormAction::Model(USER.into()));
        f.apply(IncidentFormAction::Version(OTHER.into()));
        let d = f.draft(&Utc, at("2026-03-02T00:00:00Z")).unwrap();
        assert_eq!(d.model.map(|m| m.to_string()).as_deref(), Some(USER));
        assert_eq!(
            d.model_version.map(|v| v.to_string()).as_deref(),
            Some(OTHER)
        );
        f.apply(IncidentFormAction::Model(OTHER.into()));
        assert_eq!(f.version, "");
        f.apply(IncidentFormAction::Model(String::new()));
        let d = f.draft(&Utc, at("2026-03-02T00:00:00Z")).unwrap();
        assert_eq!((d.model, d.model_version), (None, None));
    }

    #[test]
    fn response_steps_take_an_optional_note_and_notes_need_text() {
        let id: IncidentId = USER.parse().unwrap();
        let c = response_command(
            IncidentAction::Acknowledge,
            id,
            "  on it ",
            TimelineKind::Note,
        );
        assert_eq!(
            c.unwrap(),
            IncidentCommand::Acknowledge {
                id,
                note: "on it".into()
            }
        );
        assert!(response_command(IncidentAction::Resolve, id, "", TimelineKind::Note).is_ok());
        let errors =
            response_command(IncidentAction::AddNote, id, "  ", TimelineKind::Note).unwrap_err();
        assert_eq!(errors["text"], "rule.required");
        let c = response_command(
            IncidentAction::AddNote,
            id,
            "Restarted",
            TimelineKind::Action,
        );
        assert!(matches!(
            c,
            Ok(IncidentCommand::AddNote {
                kind: TimelineKind::Action,
                ..
            })
        ));
    }

    #[test]
    fn the_review_needs_a_root_cause_impact_and_complete_actions() {
        let mut f = ReviewForm::new();
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let errors = f.review(today).unwrap_err();
        assert_eq!(errors["root_cause"], "rule.required");
        assert_eq!(errors["impact"], "rule.required");
        assert!(
            !errors.contains_key("actions.0.text"),
            "a blank row is fine"
        );
        f.apply(ReviewAction::RootCause("Prompt template regression".into()));
        f.apply(ReviewAction::Impact("Wrong advice to 12 users".into()));
        f.apply(ReviewAction::EditAction(
            0,
            RowEdit::Text("Add a canary".into()),
        ));
        let errors = f.review(today).unwrap_err();
        assert_eq!(errors["actions.0.owner"], "rule.required");
        f.apply(ReviewAction::Errors(errors));
        f.apply(ReviewAction::EditAction(0, RowEdit::Owner(USER.into())));
        assert!(!f.errors.contains_key("actions.0.owner"));
        f.apply(ReviewAction::EditAction(
            0,
            RowEdit::Due("2026-03-15".into()),
        ));
        f.apply(ReviewAction::AddAction);
        let review = f.review(today).unwrap();
        assert_eq!(review.actions.len(), 1);
        assert_eq!(review.root_cause, "Prompt template regression");
        assert!(f.known_fields().contains(&"actions.1.due".to_owned()));
        f.apply(ReviewAction::RemoveAction(0));
        assert_eq!(f.actions.len(), 1);
    }

    #[test]
    fn a_team_member_needs_a_user_a_contact_and_another_backup() {
        let mut f = MemberForm::default();
        let errors = f.draft().unwrap_err();
        assert_eq!(errors["user"], "rule.required");
        assert_eq!(errors["contact"], "rule.required");
        f.apply(MemberAction::User(USER.into()));
        f.apply(MemberAction::Contact(" +86 138 0000 0000 ".into()));
        f.apply(MemberAction::Function("business".into()));
        f.apply(MemberAction::TeamRole("lead".into()));
        f.apply(MemberAction::Backup(USER.into()));
        assert_eq!(f.draft().unwrap_err()["backup"], "team.rule.backup_self");
        f.apply(MemberAction::Backup(OTHER.into()));
        let d = f.draft().unwrap();
        assert_eq!(d.contact, "+86 138 0000 0000");
        assert_eq!(d.function, TeamFunction::Business);
        assert_eq!(d.team_role, TeamRole::Lead);
        assert_eq!(MemberForm::from_draft(&d).draft().unwrap(), d);
    }

    #[test]
    fn the_rules_editor_round_trips_and_checks_its_numbers() {
        let defaults = ResponseRules::defaults();
        let mut f = RulesForm::from_flows(&defaults.flows);
        assert_eq!(f.flows().unwrap(), defaults.flows);
        f.apply(RulesAction::Edit(0, FlowEdit::Acknowledge("0".into())));
        f.apply(RulesAction::Edit(1, FlowEdit::Resolve("abc".into())));
        f.apply(RulesAction::Edit(2, FlowEdit::Mitigate("5000".into())));
        let errors = f.flows().unwrap_err();
        assert_eq!(errors["flows.0.acknowledge_minutes"], "rule.not_positive");
        assert_eq!(errors["flows.1.resolve_minutes"], "rule.not_a_number");
        assert_eq!(errors["flows.2.resolve_minutes"], "rules.rule.order");
        f.apply(RulesAction::Errors(errors));
        f.apply(RulesAction::Edit(0, FlowEdit::Acknowledge("10".into())));
        assert!(!f.errors.contains_key("flows.0.acknowledge_minutes"));
    }

    #[test]
    fn the_rules_editor_switches_reports_and_notify_targets() {
        let defaults = ResponseRules::defaults();
        let mut f = RulesForm::from_flows(&defaults.flows);
        // Minor: no external report; switch it on without minutes, then with.
        f.apply(RulesAction::Edit(2, FlowEdit::External(true)));
        assert_eq!(
            f.flows().unwrap_err()["flows.2.external_minutes"],
            "rule.required"
        );
        f.apply(RulesAction::Edit(
            2,
            FlowEdit::ExternalMinutes("480".into()),
        ));
        f.apply(RulesAction::Edit(0, FlowEdit::Management(false)));
        f.apply(RulesAction::Edit(
            2,
            FlowEdit::NotifyRole(Role::Business, true),
        ));
        f.apply(RulesAction::Edit(
            2,
            FlowEdit::NotifyRole(Role::Operations, false),
        ));
        f.apply(RulesAction::Edit(2, FlowEdit::AddMember(USER.into())));
        f.apply(RulesAction::Edit(2, FlowEdit::AddMember(USER.into())));
        f.apply(RulesAction::Edit(2, FlowEdit::AddMember("nobody".into())));
        let flows = f.flows().unwrap();
        assert_eq!(flows[2].external_minutes, Some(480));
        assert_eq!(flows[0].management_minutes, None);
        assert_eq!(
            flows[2].notify,
            vec![
                NotifyTarget::Role(Role::Business),
                NotifyTarget::Member(USER.parse().unwrap())
            ]
        );
        f.apply(RulesAction::Edit(2, FlowEdit::RemoveTarget(0)));
        assert_eq!(f.flows().unwrap()[2].notify.len(), 1);
    }
}
