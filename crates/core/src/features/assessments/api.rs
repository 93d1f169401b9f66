//! The assessment use cases every front end calls, each behind the read door.

use super::lifecycle::ASSESSMENT;
use super::{export, pack, store};
use crate::access::Session;
use crate::authz;
use crate::error::{ApiResult, CoreResult};
use crate::members;
use crate::shared::quarters::{quarter_of, Span};
use crate::shared::{follow_ups, workspace};
use govbench_protocol::{
    quarter_key, AssessmentAction, AssessmentDetail, AssessmentId, AssessmentPermission,
    AssessmentStatus, AssessmentSummary, AssessmentsDashboard, AssessmentsOverview,
    AuditPermission, DashboardSection, EntityKind, PackReport, QuarterlyAssessment,
};
use std::path::Path;

/// Adjustments listed on the dashboard.
const DASHBOARD_LIST: usize = 10;
/// Exports listed on the assessments page.
const EXPORTS_LISTED: u32 = 50;
/// Quarters offered for a new assessment: the current one and those before it.
const QUARTERS_OFFERED: u32 = 5;

impl Session {
    pub fn assessments(&self) -> ApiResult<AssessmentsOverview> {
        self.read(AssessmentPermission::Read, |r| {
            let assessments = store::all(r.conn)?;
            let (year, quarter) = quarter_of(r.now, r.zone);
            let current = Span::parse(&quarter_key(year, quarter), r.zone, r.now)?;
            let open_quarters = current
                .trailing(QUARTERS_OFFERED)
                .into_iter()
                .rev()
                .map(|(y, q)| quarter_key(y, q))
                .filter(|q| !assessments.iter().any(|a| a.quarter == *q))
                .collect();
            let may = |p: AssessmentPermission| authz::allows(r.user.role, p.into());
            let exports = store::exports(r.conn, EXPORTS_LISTED)?;
            let names =
                members::display_names(r.conn, exports.iter().map(|e| e.exported_by).collect())?;
            Ok(AssessmentsOverview {
                assessments: assessments.iter().map(summary).collect(),
                open_quarters,
                exports,
                names,
                can_open: may(AssessmentPermission::Prepare),
                can_export: may(AssessmentPermission::Export),
            })
        })
    }

    pub(crate) fn assessments_dashboard(&self) -> CoreResult<Option<DashboardSection>> {
        if !self.may(AssessmentPermission::Read) {
            return Ok(None);
        }
        self.read_core(AssessmentPermission::Read.into(), |r| {
            let (year, quarter) = quarter_of(r.now, r.zone);
            let current_quarter = quarter_key(year, quarter);
            let span = Span::parse(&current_quarter, r.zone, r.now)?;
            let previous = span
                .trailing(2)
                .first()
                .map(|(y, q)| quarter_key(*y, *q))
                .unwrap_or_default();
            let current = store::of_quarter(r.conn, &current_quarter)?.map(|a| summary(&a));
            // A reminder only for a quarter the workspace lived through.
            let lived: bool = r.conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM audit_events WHERE at < ?1)",
                [crate::audit::stamp(span.start)],
                |row| row.get(0),
            )?;
            let previous_unapproved = match store::of_quarter(r.conn, &previous)? {
                Some(a) if a.status == AssessmentStatus::Approved => None,
                _ if !lived => None,
                _ => Some(previous),
            };
            Ok(Some(DashboardSection::Assessments(AssessmentsDashboard {
                current_quarter,
                current,
                previous_unapproved,
                my_actions: follow_ups::open_actions(
                    r.conn,
                    EntityKind::Assessment,
                    r.user.id,
                    DASHBOARD_LIST,
                    |conn, id| {
                        Ok(store::find(conn, AssessmentId(id))?
                            .map(|a| (a.quarter, a.meeting.adjustments)))
                    },
                )?,
            })))
        })
    }

    /// One quarter (`2026Q3`): its assessment if open, and the scorecard it shows.
    pub fn assessment(&self, quarter: &str) -> ApiResult<AssessmentDetail> {
        self.read(AssessmentPermission::Read, |r| {
            let span = Span::parse(quarter, r.zone, r.now)?;
            let content = export::content(r.conn, span)?;
            let allowed_actions = match &content.assessment {
                Some(a) => {
                    let mut allowed = ASSESSMENT.allowed(r.user.role, a.status);
                    let signer = a.signed.as_ref().map(|s| s.by);
                    allowed.retain(|action| match action {
                        AssessmentAction::Approve => signer != Some(r.user.id),
                        AssessmentAction::CompleteAction => {
                            a.meeting.adjustments.iter().any(|x| x.done.is_none())
                        }
                        AssessmentAction::Open
                        | AssessmentAction::SaveMeeting
                        | AssessmentAction::Sign
                        | AssessmentAction::Return
                        | AssessmentAction::Export => true,
                    });
                    allowed
                }
                None if authz::allows(r.user.role, AssessmentPermission::Prepare.into()) => {
                    vec![AssessmentAction::Open]
                }
                None => Vec::new(),
            };
            Ok(AssessmentDetail {
                quarter: content.span.key.clone(),
                scorecard: content.scorecard,
                assessment: content.assessment,
                names: content.names,
                allowed_actions,
                can_export: authz::allows(r.user.role, AssessmentPermission::Export.into()),
            })
        })
    }

    /// The PDF report of a quarter without recording an export (benchmarks, previews).
    #[doc(hidden)]
    pub fn render_report(&self, quarter: &str, lang: &str) -> ApiResult<Vec<u8>> {
        self.read(AssessmentPermission::Export, |r| -> CoreResult<Vec<u8>> {
            let locale = export::locale(lang)?;
            let span = Span::parse(quarter, r.zone, r.now)?;
            let content = export::content(r.conn, span)?;
            let head = export::head(r.conn, r.copy_id)?;
            let frontier = crate::audit::frontier_text(r.conn)?;
            let fingerprint = export::exporter_fingerprint(r, None)?;
            export::render(
                r,
                &content,
                locale,
                "GBR-PREVIEW",
                (&head, frontier.as_deref()),
                fingerprint.as_deref(),
            )
        })
    }
}

fn summary(a: &QuarterlyAssessment) -> AssessmentSummary {
    AssessmentSummary {
        id: a.id,
        quarter: a.quarter.clone(),
        status: a.status,
        tally: a.frozen.as_ref().map(|s| s.tally()),
        open_adjustments: a
            .meeting
            .adjustments
            .iter()
            .filter(|x| x.done.is_none())
            .count(),
        updated_at: a.updated_at,
    }
}

/// Checks an audit pack offline (no workspace, no login). `signer`, when given, is the
/// exporter's key fingerprint as the quarterly report's cover prints it (hex SHA-256 of their
/// Ed25519 public key): the seal must be theirs, and then the keys the pack carries for its
/// events are vouched for by them. Without it the report proves integrity, not authorship
/// (`PackTrust::None`, verdict `IntegrityOnly` at best).
pub fn verify_pack(path: &Path, signer: Option<&str>) -> ApiResult<PackReport> {
    let root = pack::Root {
        signer: signer.map(pack::parse_fingerprint).transpose()?,
        workspace: None,
    };
    Ok(pack::verify(path, &root)?)
}

impl Session {
    /// Checks an audit pack against this workspace's log: the pack must be this workspace's,
    /// recorded in its log as exported with exactly these bytes, sealed with the key the log
    /// registered for the exporter at the export, and every event of its slice must be in the
    /// log with the same hash and signed with the key its actor held then. (The log itself is
    /// what `verify_audit` checks.)
    pub fn verify_pack_against_log(
        &self,
        path: &Path,
        signer: Option<&str>,
    ) -> ApiResult<PackReport> {
        let signer = signer.map(pack::parse_fingerprint).transpose()?;
        self.read(AuditPermission::Verify, |r| {
            let root = pack::Root {
                signer,
                workspace: Some(pack::WorkspaceLog {
                    conn: r.conn,
                    id: workspace::id(r.conn)?.to_string(),
                }),
            };
            pack::verify(path, &root)
        })
    }
}

impl Session {
    /// One export's record (the CLI prints its number and the head it printed).
    pub fn export_record(&self, id: uuid::Uuid) -> ApiResult<govbench_protocol::ReportExport> {
        self.read(AssessmentPermission::Read, |r| {
            store::find_export(r.conn, govbench_protocol::ExportId(id))?.ok_or(
                crate::error::CoreError::NotFound(govbench_protocol::ExportId(id).into()),
            )
        })
    }
}
