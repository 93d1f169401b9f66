//! The quarterly assessment (policy §6: each quarter the departments analyse how the policy
//! was carried out and adjust the strategy): a scorecard computed from every feature module,
//! the meeting's record, its sign-off, and the exports an auditor takes away (the PDF report
//! and the sealed audit pack).

use crate::{ActionDraft, AssessmentId, CorrectiveAction, ExportId, LocalText, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

keyed_enum! {
    /// The policy areas a scorecard has a section for, in the order they are presented.
    pub enum PolicyArea {
        Requirements = "requirements",
        Evaluations = "evaluations",
        Incidents = "incidents",
        Drills = "drills",
        Security = "security",
    }
}

impl PolicyArea {
    /// The policy clauses the area carries out (as the policy numbers them).
    pub const fn clauses(self) -> &'static str {
        match self {
            PolicyArea::Requirements => "§2.1.1, §4.1",
            PolicyArea::Evaluations => "§2.1.2, §2.3.1, §5",
            PolicyArea::Incidents => "§2.3.2, §4.2",
            PolicyArea::Drills => "§2.3.2",
            PolicyArea::Security => "§2.2",
        }
    }
}

keyed_enum! {
    /// How a metric stands against its target.
    pub enum MetricStatus {
        Met = "met",
        /// Close to missing, or not yet decided (work still inside its window).
        Watch = "watch",
        Missed = "missed",
        /// No target: the figure is reported for the meeting to judge.
        Info = "info",
    }
}

/// A figure with its unit, so each front end formats it in its own language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "unit", content = "value", rename_all = "snake_case")]
pub enum Figure {
    Count(u64),
    /// 0–100.
    Percent(f64),
    Days(f64),
    Hours(f64),
    Minutes(f64),
    /// `done` of `of` (e.g. plans carried out).
    Ratio {
        done: u64,
        of: u64,
    },
    /// Nothing to measure this quarter (no incidents, no live model).
    NoData,
}

keyed_enum! {
    pub enum TargetOp {
        AtLeast = "at_least",
        AtMost = "at_most",
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub op: TargetOp,
    pub value: Figure,
}

/// One line of a scorecard. `key` is a catalogue key (`metric.<area>.<name>`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    pub key: String,
    pub value: Figure,
    pub target: Option<Target>,
    pub status: MetricStatus,
}

/// A table cell. `Key` is a catalogue key the front end translates; `Text` is data as typed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Cell {
    Text(String),
    /// Text kept in both languages (a drill template's title).
    Local(LocalText),
    Key(String),
    Figure(Figure),
    Date(NaiveDate),
    Status(MetricStatus),
}

/// A detail table of a section (`title` and `columns` are catalogue keys).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DataTable {
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

keyed_enum! {
    pub enum ChartKind {
        Line = "line",
        Bar = "bar",
    }
}

/// One series of a chart; `label` is data (a model's name) or a catalogue key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub label: Cell,
    /// One value per category; `None` where there is none (a month without an evaluation).
    pub values: Vec<Option<f64>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    /// Catalogue key.
    pub title: String,
    pub kind: ChartKind,
    /// Category labels along the x axis (months `2026-07`, or catalogue keys for bars).
    pub categories: Vec<Cell>,
    pub series: Vec<Series>,
    /// A threshold drawn across the chart (a KPI's pass line).
    pub threshold: Option<f64>,
}

/// What one policy area contributes to the scorecard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub area: PolicyArea,
    pub metrics: Vec<Metric>,
    pub tables: Vec<DataTable>,
    pub charts: Vec<Chart>,
}

/// The computed scorecard of one quarter, read in the assessing person's zone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scorecard {
    pub quarter: String,
    /// First and last day of the quarter.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub computed_at: DateTime<Utc>,
    pub sections: Vec<Section>,
}

impl Scorecard {
    /// How many metrics are met, to watch and missed.
    pub fn tally(&self) -> (usize, usize, usize) {
        let statuses = self
            .sections
            .iter()
            .flat_map(|s| &s.metrics)
            .map(|m| m.status);
        statuses.fold((0, 0, 0), |(met, watch, missed), s| match s {
            MetricStatus::Met => (met + 1, watch, missed),
            MetricStatus::Watch => (met, watch + 1, missed),
            MetricStatus::Missed => (met, watch, missed + 1),
            MetricStatus::Info => (met, watch, missed),
        })
    }
}

keyed_enum! {
    pub enum AssessmentStatus {
        /// The meeting record is being written; the scorecard is computed live.
        Draft = "draft",
        /// The project manager signed; the scorecard is frozen, awaiting the approver.
        Signed = "signed",
        /// Approved: frozen for good.
        Approved = "approved",
    }
}

/// The meeting record as entered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingDraft {
    pub held_on: Option<NaiveDate>,
    /// Who attended (names as written: guests need no account).
    pub attendees: Vec<String>,
    pub conclusions: String,
    /// Strategy adjustments: decisions with an owner and a date, tracked as actions.
    pub adjustments: Vec<ActionDraft>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    pub held_on: Option<NaiveDate>,
    pub attendees: Vec<String>,
    pub conclusions: String,
    pub adjustments: Vec<CorrectiveAction>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignOff {
    pub by: UserId,
    pub at: DateTime<Utc>,
}

/// A quarter's assessment (one per quarter), stored as its audit image.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuarterlyAssessment {
    pub id: AssessmentId,
    pub quarter: String,
    pub status: AssessmentStatus,
    pub meeting: Meeting,
    /// The scorecard as it was at the project manager's signature; later edits to the data
    /// do not change it.
    pub frozen: Option<Scorecard>,
    pub signed: Option<SignOff>,
    pub approved: Option<SignOff>,
    /// Why the approver sent it back last (empty when never).
    pub returned_because: String,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AssessmentSummary {
    pub id: AssessmentId,
    pub quarter: String,
    pub status: AssessmentStatus,
    pub tally: Option<(usize, usize, usize)>,
    pub open_adjustments: usize,
    pub updated_at: DateTime<Utc>,
}

/// The assessments page: every quarter assessed so far, and the quarters one may open.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AssessmentsOverview {
    pub assessments: Vec<AssessmentSummary>,
    /// The current quarter and the four before it that have no assessment yet.
    pub open_quarters: Vec<String>,
    pub exports: Vec<ReportExport>,
    /// Display names of the exporters.
    pub names: Vec<(UserId, String)>,
    pub can_open: bool,
    pub can_export: bool,
}

/// The dashboard card: the quarter now and its assessment (if opened), and the strategy
/// adjustments the user owns that are still open.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AssessmentsDashboard {
    pub current_quarter: String,
    pub current: Option<AssessmentSummary>,
    /// The last quarter, when it has no approved assessment yet (the meeting is due).
    pub previous_unapproved: Option<String>,
    /// `number` is the quarter (`2026Q3`).
    pub my_actions: Vec<crate::OpenAction>,
}

/// One quarter: the assessment if one is open, the scorecard (frozen or live) and what the
/// user may do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AssessmentDetail {
    pub quarter: String,
    pub assessment: Option<QuarterlyAssessment>,
    pub scorecard: Scorecard,
    pub names: Vec<(UserId, String)>,
    pub allowed_actions: Vec<AssessmentAction>,
    pub can_export: bool,
}

keyed_enum! {
    pub enum ExportKind {
        /// The quarterly report (PDF).
        Report = "report",
        /// The sealed audit pack (ZIP).
        Pack = "pack",
    }
}

/// An export, recorded in the audit log. The document number and the chain head are printed
/// in the file itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportExport {
    pub id: ExportId,
    /// `GBR-2026-…` (derived from the id: two copies never mint the same).
    pub number: String,
    pub quarter: String,
    pub kind: ExportKind,
    pub lang: String,
    /// The file's name as saved (not its folder: paths are the exporter's business).
    pub file_name: String,
    pub sha256: String,
    pub bytes: u64,
    /// The audit-chain head printed in the file: `<copy>:<seq>:<hash>`.
    pub head: String,
    /// On a shared workspace, the frontier printed beside it: `log:<position>:<hash>`, the
    /// server's log as the exporter's copy held it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frontier: Option<String>,
    pub exported_by: UserId,
    pub exported_at: DateTime<Utc>,
    pub version: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AssessmentCommand {
    /// Opens the assessment of a quarter (`2026Q3`); one per quarter.
    Open { quarter: String },
    SaveMeeting {
        id: AssessmentId,
        meeting: MeetingDraft,
    },
    /// The project manager signs: the scorecard is frozen as it is now.
    Sign { id: AssessmentId },
    /// The approver (an Admin other than the signer) approves.
    Approve { id: AssessmentId },
    /// The approver sends it back to draft, saying why (the frozen scorecard is dropped).
    Return { id: AssessmentId, reason: String },
    CompleteAction {
        id: AssessmentId,
        action: Uuid,
        note: String,
    },
    /// Writes the quarter's report or audit pack to `path` and records the export.
    Export {
        quarter: String,
        kind: ExportKind,
        /// `zh-CN` or `en`: the report's language (the pack's PDF too).
        lang: String,
        path: String,
    },
}

impl AssessmentCommand {
    pub fn action(&self) -> AssessmentAction {
        use AssessmentAction as A;
        use AssessmentCommand as C;
        match self {
            C::Open { .. } => A::Open,
            C::SaveMeeting { .. } => A::SaveMeeting,
            C::Sign { .. } => A::Sign,
            C::Approve { .. } => A::Approve,
            C::Return { .. } => A::Return,
            C::CompleteAction { .. } => A::CompleteAction,
            C::Export { .. } => A::Export,
        }
    }
}

keyed_enum! {
    pub enum AssessmentAction {
        Open = "assessment.open",
        SaveMeeting = "assessment.save_meeting",
        Sign = "assessment.sign",
        Approve = "assessment.approve",
        Return = "assessment.return",
        CompleteAction = "assessment.complete_action",
        Export = "assessment.export",
    }
}

impl AssessmentAction {
    pub const fn permission(self) -> AssessmentPermission {
        use AssessmentAction as A;
        use AssessmentPermission as P;
        match self {
            A::Open | A::SaveMeeting => P::Prepare,
            A::Sign => P::Sign,
            A::Approve | A::Return => P::Approve,
            A::CompleteAction => P::CompleteAction,
            A::Export => P::Export,
        }
    }
}

keyed_enum! {
    pub enum AssessmentPermission {
        Read = "assessment.read",
        Prepare = "assessment.prepare",
        Sign = "assessment.sign",
        Approve = "assessment.approve",
        CompleteAction = "assessment.complete_action",
        Export = "assessment.export",
    }
}

/// Where a long export stands (polled by the app while it runs).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportProgress {
    /// Catalogue key of the current stage (`export.stage.records`).
    pub stage: String,
    pub done: u64,
    pub total: u64,
}

/// What the app did with an export.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportOutcome {
    pub path: String,
    pub number: String,
    pub bytes: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportRequest {
    pub quarter: String,
    pub kind: ExportKind,
    pub lang: String,
}

keyed_enum! {
    /// What a pack was checked against besides itself. The seal proves the pack is as its
    /// sealer made it; who the sealer is can only come from outside the pack.
    pub enum PackTrust {
        /// Nothing: the seal was checked against the key the manifest names, the events
        /// against the keys the pack carries. Integrity, not authorship.
        None = "none",
        /// The exporter's key fingerprint, as the quarterly report's cover prints it.
        Signer = "signer",
        /// The workspace's own audit log: the key it registered for the exporter, the export
        /// it recorded, and every event of the slice.
        Workspace = "workspace",
    }
}

keyed_enum! {
    /// What a pack's check concluded.
    pub enum PackVerdict {
        /// Intact, and sealed by whom the trust root says (and, under the workspace, every
        /// event is in its log).
        Proven = "proven",
        /// Intact as far as the pack itself can tell; nothing outside it was given, so who
        /// made it is not proven.
        IntegrityOnly = "integrity_only",
        /// Something does not hold (the report names it).
        Refused = "refused",
    }
}

keyed_enum! {
    /// Why a pack's authorship does not hold under the trust root given.
    pub enum PackDoubt {
        /// The seal's key is not the one whose fingerprint was given.
        SignerMismatch = "signer_mismatch",
        /// The pack names another workspace.
        OtherWorkspace = "other_workspace",
        /// The chain head the pack was exported at is not in the workspace's log.
        HeadNotInLog = "head_not_in_log",
        /// The seal's key is not the key the workspace's log registered for the exporter at
        /// the export.
        SealKeyNotRegistered = "seal_key_not_registered",
        /// The workspace's log records no pack export with this number and these bytes.
        NotRecorded = "not_recorded",
        /// Events of the slice are not in the workspace's log with the same hash.
        EventsNotInLog = "events_not_in_log",
    }
}

keyed_enum! {
    /// Why a file is refused as an audit pack before anything in it is believed: ZIP tricks
    /// that show one thing to Govbench and another to an unzip tool, or sizes meant to
    /// exhaust the machine.
    pub enum PackRefusal {
        /// Two entries have the same name (tools disagree on which one they extract).
        DuplicateEntry = "duplicate_entry",
        /// The manifest lists a file twice (or lists the manifest or its seal).
        ListedTwice = "listed_twice",
        /// A name that is not a plain relative path.
        BadName = "bad_name",
        /// More entries than any pack has.
        TooManyEntries = "too_many_entries",
        /// The manifest states sizes beyond what a pack may hold, or a file is larger than its
        /// kind allows.
        TooLarge = "too_large",
        /// The ZIP's local headers disagree with its directory, entries overlap, or it hides
        /// entries its directory does not list.
        InconsistentZip = "inconsistent_zip",
    }
}

/// `pack verify`: each file of a pack against its manifest, the seal, the log slice, and
/// (given a trust root) who made it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackReport {
    pub number: String,
    pub quarter: String,
    pub head: String,
    /// The exporter as the manifest names them.
    pub exported_by: String,
    /// Fingerprint of the key that sealed the manifest (hex SHA-256 of the Ed25519 key; empty
    /// if the manifest names no usable key).
    pub seal_fingerprint: String,
    /// What the pack was checked against besides itself.
    pub trust: PackTrust,
    pub files_checked: usize,
    /// Files whose bytes do not match the manifest.
    pub altered: Vec<String>,
    /// Files the manifest names that the pack lacks.
    pub missing: Vec<String>,
    /// Entries in the pack the manifest does not name (never read).
    pub unlisted: Vec<String>,
    /// Events of the slice read.
    pub events_checked: u64,
    /// Events whose hash, link or signature does not hold: how many, and the first seqs
    /// ([`PackReport::LISTED`] at most).
    pub broken_count: u64,
    pub broken_events: Vec<u64>,
    /// Lines of the slice that are not events: how many, and the first line numbers.
    pub unreadable_count: u64,
    pub unreadable_lines: Vec<u64>,
    /// Under the workspace: events its log does not hold with the same hash (how many, the
    /// first seqs).
    pub not_in_log_count: u64,
    pub not_in_log: Vec<u64>,
    /// The manifest's signature by the key it names holds.
    pub signature_valid: bool,
    /// Under a trust root: what does not hold about who made the pack.
    pub doubts: Vec<PackDoubt>,
}

impl Default for PackReport {
    fn default() -> Self {
        PackReport {
            number: String::new(),
            quarter: String::new(),
            head: String::new(),
            exported_by: String::new(),
            seal_fingerprint: String::new(),
            trust: PackTrust::None,
            files_checked: 0,
            altered: Vec::new(),
            missing: Vec::new(),
            unlisted: Vec::new(),
            events_checked: 0,
            broken_count: 0,
            broken_events: Vec::new(),
            unreadable_count: 0,
            unreadable_lines: Vec::new(),
            not_in_log_count: 0,
            not_in_log: Vec::new(),
            signature_valid: false,
            doubts: Vec::new(),
        }
    }
}

impl PackReport {
    /// How many seqs or lines a report lists of each kind (the counts are whole).
    pub const LISTED: usize = 100;

    /// The pack agrees with itself (and, under the workspace, its events with the keys the
    /// log registered): every file matches the manifest, the seal holds, the slice links up and
    /// its signatures hold.
    pub fn intact(&self) -> bool {
        self.signature_valid
            && self.altered.is_empty()
            && self.missing.is_empty()
            && self.unlisted.is_empty()
            && self.broken_count == 0
            && self.unreadable_count == 0
    }

    /// Intact and, under a trust root, made by whom it says; intact with no root proves
    /// integrity only.
    pub fn verdict(&self) -> PackVerdict {
        if !self.intact() || !self.doubts.is_empty() || self.not_in_log_count > 0 {
            PackVerdict::Refused
        } else if self.trust == PackTrust::None {
            PackVerdict::IntegrityOnly
        } else {
            PackVerdict::Proven
        }
    }
}
