//! The incident, rules and team use cases every front end calls, each behind the read door.

use super::lifecycle::INCIDENT;
use super::{queries, store};
use crate::access::Session;
use crate::authz;
use crate::error::{ApiResult, CoreResult};
use crate::features::models;
use crate::members;
use crate::shared::{attachments, follow_ups};
use govbench_protocol::{
    DashboardSection, EntityKind, IncidentAction, IncidentAlert, IncidentDetail, IncidentId,
    IncidentPage, IncidentPermission, IncidentQuery, IncidentStats, IncidentStatus as S,
    IncidentsDashboard, ModelAction, ResponseRules, RollbackTarget, Team, TeamFunction, TeamMember,
    TeamMemberRow,
};
use rusqlite::Connection;

/// How many entries each dashboard list shows.
const DASHBOARD_LIST: usize = 10;

/// The functions (R&D, operations, business) nobody active on the roster covers.
fn missing(roster: &[TeamMember]) -> Vec<TeamFunction> {
    TeamFunction::ALL
        .into_iter()
        .filter(|f| !roster.iter().any(|m| !m.removed && m.draft.function == *f))
        .collect()
}

fn incident_actions(
    conn: &Connection,
    id: uuid::Uuid,
) -> CoreResult<Option<(String, Vec<govbench_protocol::CorrectiveAction>)>> {
    Ok(store::find(conn, IncidentId(id))?.map(|i| {
        let actions = i.review.map(|r| r.actions).unwrap_or_default();
        (i.number, actions)
    }))
}

impl Session {
    pub fn incidents(&self, query: &IncidentQuery) -> ApiResult<IncidentPage> {
        self.read(IncidentPermission::Read, |r| {
            queries::page(r.conn, query, r.zone, r.now)
        })
    }

    pub fn incident(&self, id: IncidentId) -> ApiResult<IncidentDetail> {
        self.read(IncidentPermission::Read, |r| {
            let i = store::load(r.conn, id)?;
            let model = i
                .draft
                .model
                .map(|m| models::find_model(r.conn, m))
                .transpose()?
                .flatten();
            let version_label = i
                .draft
                .model_version
                .map(|v| models::find_version(r.conn, v))
                .transpose()?
                .flatten()
                .map(|v| v.draft.label);
            // The latest earlier live version that is neither live now nor the one the
            // incident is about (named, or else the one live when it was opened): after
            // rolling back, the incident never offers to go back to the faulty version.
            let rollback_to = match &model {
                Some(m) => {
                    let affected = i.draft.model_version.or_else(|| {
                        m.timeline
                            .iter()
                            .rev()
                            .find(|p| p.from <= i.opened_at)
                            .map(|p| p.version)
                    });
                    let previous = m
                        .timeline
                        .iter()
                        .rev()
                        .find(|p| Some(p.version) != m.live && Some(p.version) != affected)
                        .map(|p| p.version);
                    match previous {
                        Some(v) if m.live.is_some() => {
                            models::find_version(r.conn, v)?.map(|v| RollbackTarget {
                                version: v.id,
                                label: v.draft.label,
                            })
                        }
                        _ => None,
                    }
                }
                None => None,
            };
            let model_changes = model
                .as_ref()
                .map(|m| {
                    m.timeline
                        .iter()
                        .filter(|p| p.from >= i.opened_at)
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            let mut allowed_actions = INCIDENT.allowed(r.user.role, i.status);
            if i.status == S::Resolved && i.flow.review_required {
                allowed_actions.retain(|a| *a != IncidentAction::Close);
            }
            if i.review.is_none() {
                allowed_actions.retain(|a| *a != IncidentAction::CompleteAction);
            }
            let reported = |a: IncidentAction| {
                (a == IncidentAction::InformManagement && i.reached.management.is_some())
                    || (a == IncidentAction::ReportExternally && i.reached.external.is_some())
            };
            allowed_actions.retain(|a| !reported(*a));
            Ok(IncidentDetail {
                clocks: i.clocks(r.now),
                opened_by_name: members::user_ref(r.conn, i.opened_by)?.display_name,
                model_name: model.as_ref().map(|m| m.draft.name.clone()),
                version_label,
                can_roll_back: rollback_to.is_some()
                    && authz::allows_action(r.user.role, ModelAction::Rollback.into()),
                rollback_to,
                model_changes,
                names: queries::names_of(r.conn, &i)?,
                attachments: attachments::on(r.conn, id.into())?,
                allowed_actions,
                incident: i,
            })
        })
    }

    /// Quarterly statistics by level (`2026Q3`, read in the user's zone); drills excluded.
    pub fn incident_stats(&self, quarter: &str) -> ApiResult<IncidentStats> {
        self.read(IncidentPermission::Read, |r| {
            queries::stats(r.conn, quarter, r.zone, r.now)
        })
    }

    /// Clocks due soon or breached that the level's rules name the current user for.
    pub fn incident_alerts(&self) -> ApiResult<Vec<IncidentAlert>> {
        self.read(IncidentPermission::Read, |r| {
            queries::alerts(r.conn, r.user, r.now)
        })
    }

    pub fn response_rules(&self) -> ApiResult<ResponseRules> {
        self.read(IncidentPermission::Read, |r| store::rules(r.conn))
    }

    pub fn team(&self) -> ApiResult<Team> {
        self.read(IncidentPermission::Read, |r| {
            let roster = store::team(r.conn)?;
            let mut members = Vec::new();
            for m in roster.iter().filter(|m| !m.removed) {
                let user = members::find_any(r.conn, m.draft.user)?;
                members.push(TeamMemberRow {
                    name: members::user_ref(r.conn, m.draft.user)?.display_name,
                    backup_name: m
                        .draft
                        .backup
                        .map(|b| members::user_ref(r.conn, b).map(|u| u.display_name))
                        .transpose()?,
                    inactive: !user.is_some_and(|u| u.active),
                    member: m.clone(),
                });
            }
            Ok(Team {
                missing: missing(&roster),
                members,
                can_manage: authz::allows(r.user.role, IncidentPermission::ManageTeam.into()),
            })
        })
    }

    pub(crate) fn incidents_dashboard(&self) -> CoreResult<Option<DashboardSection>> {
        if !self.may(IncidentPermission::Read) {
            return Ok(None);
        }
        self.read_core(IncidentPermission::Read.into(), |r| {
            let mut active = queries::page(
                r.conn,
                &IncidentQuery {
                    active_only: true,
                    include_drills: true,
                    limit: queries::MAX_PAGE,
                    ..IncidentQuery::default()
                },
                r.zone,
                r.now,
            )?
            .items;
            let breached = active
                .iter()
                .filter(|i| i.clock.is_some_and(|c| c.is_breached()))
                .count() as u64;
            active.sort_by_key(|i| i.next_due);
            active.truncate(DASHBOARD_LIST);
            Ok(Some(DashboardSection::Incidents(IncidentsDashboard {
                active,
                breached,
                my_actions: follow_ups::open_actions(
                    r.conn,
                    EntityKind::Incident,
                    r.user.id,
                    DASHBOARD_LIST,
                    incident_actions,
                )?,
                team_missing: missing(&store::team(r.conn)?),
            })))
        })
    }
}
