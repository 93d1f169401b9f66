//! Requirement intake (policy §2.1.1): Business files scenario, goals and expected KPIs, R&D
//! assesses feasibility and drafts a plan, the project manager decides, schedules and tracks
//! delivery.
//!
//! Module shape shared by every feature: the lifecycle as data (`STEPS`), `validate_*`
//! functions, `apply` (one command → one `Change`, run inside the write path's
//! transaction), and the read queries.

use crate::audit::Change;
use crate::error::{CoreError, CoreResult};
use crate::session::Context;
use chrono::{DateTime, NaiveDate, Utc};
use govbench_protocol::{
    Assessment, Command, Comment, CommentId, Decision, DeliveryPlan, HistoryEntry, Priority,
    Requirement, RequirementDraft, RequirementId, RequirementPage, RequirementQuery,
    RequirementSort, RequirementStatus as S, RequirementSummary, Role, UserId, UserRef,
};
use rusqlite::{params, Connection, OptionalExtension, Row, ToSql, Transaction};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

pub const ENTITY: &str = "requirement";
pub const COMMENT_ENTITY: &str = "requirement_comment";
const PAGE_SIZE: u32 = 50;
const MAX_PAGE_SIZE: u32 = 500;

/// One step of the lifecycle: which action moves from which states to which.
pub struct Step {
    pub action: &'static str,
    pub from: &'static [S],
    /// `None`: the step changes data but not the status.
    pub to: Option<S>,
}

#[rustfmt::skip]
pub const STEPS: &[Step] = &[
    Step { action: "edit_requirement",    from: &[S::Draft, S::Returned],        to: None },
    Step { action: "submit_requirement",  from: &[S::Draft, S::Returned],        to: Some(S::Submitted) },
    Step { action: "start_assessment",    from: &[S::Submitted],                 to: Some(S::UnderAssessment) },
    Step { action: "assess_requirement",  from: &[S::UnderAssessment],           to: Some(S::Assessed) },
    Step { action: "approve_requirement", from: &[S::Assessed],                  to: Some(S::Approved) },
    Step { action: "reject_requirement",  from: &[S::Assessed],                  to: Some(S::Rejected) },
    Step { action: "return_requirement",  from: &[S::Assessed],                  to: Some(S::Returned) },
    Step { action: "plan_requirement",    from: &[S::Approved, S::InDevelopment], to: None },
    Step { action: "start_development",   from: &[S::Approved],                  to: Some(S::InDevelopment) },
    Step { action: "mark_delivered",      from: &[S::InDevelopment],             to: Some(S::Delivered) },
    Step { action: "close_requirement",   from: &[S::Delivered, S::Rejected],    to: Some(S::Closed) },
];

/// The status after `action` from `from`, or an illegal-transition error.
pub fn next_status(action: &'static str, from: S) -> CoreResult<S> {
    STEPS
        .iter()
        .find(|s| s.action == action && s.from.contains(&from))
        .map(|s| s.to.unwrap_or(from))
        .ok_or(CoreError::IllegalTransition { action, from })
}

/// What is stored for a requirement; also its before/after image in the audit log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub id: RequirementId,
    pub draft: RequirementDraft,
    pub status: S,
    pub filed_by: UserId,
    pub assessment: Option<Assessment>,
    pub decision: Option<Decision>,
    pub plan: Option<DeliveryPlan>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: u64,
}

// ---------------------------------------------------------------------------------------------
// Validation

fn check_text(errors: &mut BTreeMap<String, String>, field: &str, value: &str, max: usize) {
    if value.trim().is_empty() {
        errors.insert(field.into(), "rule.required".into());
    } else if value.chars().count() > max {
        errors.insert(field.into(), "rule.too_long".into());
    }
}

fn finish(errors: BTreeMap<String, String>) -> CoreResult<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(CoreError::Validation(errors))
    }
}

pub fn validate_draft(draft: &RequirementDraft) -> CoreResult<()> {
    let mut errors = BTreeMap::new();
    check_text(&mut errors, "title", &draft.title, 200);
    check_text(&mut errors, "scenario", &draft.scenario, 10_000);
    check_text(&mut errors, "goals", &draft.goals, 10_000);
    check_text(&mut errors, "department", &draft.department, 100);
    if draft.kpis.is_empty() {
        errors.insert("kpis".into(), "rule.no_kpis".into());
    }
    for (i, kpi) in draft.kpis.iter().enumerate() {
        check_text(&mut errors, &format!("kpis.{i}.metric"), &kpi.metric, 100);
        if !kpi.target.is_finite() {
            errors.insert(format!("kpis.{i}.target"), "rule.not_a_number".into());
        }
        if kpi.unit.chars().count() > 20 {
            errors.insert(format!("kpis.{i}.unit"), "rule.too_long".into());
        }
    }
    finish(errors)
}

pub fn validate_assessment(a: &Assessment) -> CoreResult<()> {
    let mut errors = BTreeMap::new();
    check_text(&mut errors, "resources", &a.resources, 5_000);
    check_text(&mut errors, "plan", &a.plan, 10_000);
    if a.risks.chars().count() > 5_000 {
        errors.insert("risks".into(), "rule.too_long".into());
    }
    if a.effort_person_days == 0 {
        errors.insert("effort_person_days".into(), "rule.not_positive".into());
    }
    finish(errors)
}

pub fn validate_decision(d: &Decision) -> CoreResult<()> {
    let mut errors = BTreeMap::new();
    if let Decision::Reject { reason } | Decision::Return { reason } = d {
        check_text(&mut errors, "reason", reason, 5_000);
    }
    finish(errors)
}

pub fn validate_plan(conn: &Connection, plan: &DeliveryPlan) -> CoreResult<()> {
    let mut errors = BTreeMap::new();
    if crate::users::find(conn, plan.owner)?.is_none() {
        errors.insert("owner".into(), "rule.unknown_user".into());
    }
    for (i, m) in plan.milestones.iter().enumerate() {
        check_text(&mut errors, &format!("milestones.{i}.title"), &m.title, 200);
        if m.due > plan.target_delivery {
            errors.insert(
                format!("milestones.{i}.due"),
                "rule.milestone_after_delivery".into(),
            );
        }
    }
    finish(errors)
}

pub fn validate_comment(body: &str) -> CoreResult<()> {
    let mut errors = BTreeMap::new();
    check_text(&mut errors, "body", body, 10_000);
    finish(errors)
}

// ---------------------------------------------------------------------------------------------
// Commands

/// Applies one requirement command inside the write path's transaction.
pub fn apply(tx: &Transaction<'_>, ctx: &Context, command: &Command) -> CoreResult<Change> {
    let action = command.action();
    match command {
        Command::FileRequirement { draft, submit } => {
            validate_draft(draft)?;
            let record = Record {
                id: RequirementId(Uuid::now_v7()),
                draft: normalised(draft),
                status: if *submit { S::Submitted } else { S::Draft },
                filed_by: ctx.actor.id,
                assessment: None,
                decision: None,
                plan: None,
                created_at: ctx.now,
                updated_at: ctx.now,
                version: 1,
            };
            insert(tx, &record)?;
            Ok(change(None, &record))
        }
        Command::AddComment {
            requirement_id,
            body,
        } => {
            validate_comment(body)?;
            load(tx, *requirement_id)?;
            let id = CommentId(Uuid::now_v7());
            tx.execute(
                "INSERT INTO comments (id, requirement_id, author_id, at, body, version)
                 VALUES (?1, ?2, ?3, ?4, ?5, 1)",
                params![
                    id.to_string(),
                    requirement_id.to_string(),
                    ctx.actor.id.to_string(),
                    ctx.now,
                    body.trim()
                ],
            )?;
            Ok(Change {
                entity_type: COMMENT_ENTITY,
                entity_id: id.to_string(),
                before: None,
                after: Some(serde_json::json!({
                    "requirement_id": requirement_id, "author_id": ctx.actor.id,
                    "at": ctx.now, "body": body.trim(), "version": 1,
                })),
            })
        }
        Command::EditRequirement { id, .. }
        | Command::SubmitRequirement { id }
        | Command::StartAssessment { id }
        | Command::AssessRequirement { id, .. }
        | Command::DecideRequirement { id, .. }
        | Command::PlanRequirement { id, .. }
        | Command::StartDevelopment { id }
        | Command::MarkDelivered { id }
        | Command::CloseRequirement { id } => {
            let before = load(tx, *id)?;
            let mut after = before.clone();
            after.status = next_status(action, before.status)?;
            match command {
                Command::EditRequirement { draft, .. } => {
                    validate_draft(draft)?;
                    after.draft = normalised(draft);
                }
                Command::AssessRequirement { assessment, .. } => {
                    validate_assessment(assessment)?;
                    after.assessment = Some(assessment.clone());
                }
                Command::DecideRequirement { decision, .. } => {
                    validate_decision(decision)?;
                    after.decision = Some(decision.clone());
                }
                Command::PlanRequirement { plan, .. } => {
                    validate_plan(tx, plan)?;
                    after.plan = Some(plan.clone());
                }
                Command::StartDevelopment { .. } if before.plan.is_none() => {
                    return Err(CoreError::invalid("plan", "plan_missing"));
                }
                Command::SubmitRequirement { .. } => {
                    // A resubmitted requirement starts a fresh round of assessment.
                    after.decision = None;
                }
                _ => {}
            }
            after.updated_at = ctx.now;
            after.version = before.version + 1;
            update(tx, &before, &after)?;
            Ok(change(Some(&before), &after))
        }
        Command::CreateUser { .. } | Command::RemoveUser { .. } => Err(CoreError::Malformed(
            format!("{action} is not a requirement command"),
        )),
    }
}

fn normalised(draft: &RequirementDraft) -> RequirementDraft {
    let mut d = draft.clone();
    d.title = d.title.trim().to_owned();
    d.department = d.department.trim().to_owned();
    for kpi in &mut d.kpis {
        kpi.metric = kpi.metric.trim().to_owned();
        kpi.unit = kpi.unit.trim().to_owned();
    }
    d
}

fn change(before: Option<&Record>, after: &Record) -> Change {
    Change {
        entity_type: ENTITY,
        entity_id: after.id.to_string(),
        before: before.and_then(|b| serde_json::to_value(b).ok()),
        after: serde_json::to_value(after).ok(),
    }
}

fn json<T: Serialize>(value: &Option<T>) -> CoreResult<Option<String>> {
    Ok(match value {
        Some(v) => Some(serde_json::to_string(v)?),
        None => None,
    })
}

pub(crate) fn insert(tx: &Connection, r: &Record) -> CoreResult<()> {
    tx.prepare_cached(
        "INSERT INTO requirements (id, title, scenario, goals, kpis, priority, department, wanted_by,
             status, filed_by, assessment, decision, plan, created_at, updated_at, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )?
    .execute(params![
        r.id.to_string(),
        r.draft.title,
        r.draft.scenario,
        r.draft.goals,
        serde_json::to_string(&r.draft.kpis)?,
        r.draft.priority.rank(),
        r.draft.department,
        r.draft.wanted_by,
        r.status.key(),
        r.filed_by.to_string(),
        json(&r.assessment)?,
        json(&r.decision)?,
        json(&r.plan)?,
        r.created_at,
        r.updated_at,
        r.version as i64,
    ])?;
    Ok(())
}

/// Writes `after` only if the row is still at `before`'s version.
fn update(tx: &Transaction<'_>, before: &Record, r: &Record) -> CoreResult<()> {
    let n = tx.execute(
        "UPDATE requirements SET title = ?2, scenario = ?3, goals = ?4, kpis = ?5, priority = ?6,
             department = ?7, wanted_by = ?8, status = ?9, assessment = ?10, decision = ?11,
             plan = ?12, updated_at = ?13, version = ?14
         WHERE id = ?1 AND version = ?15",
        params![
            r.id.to_string(),
            r.draft.title,
            r.draft.scenario,
            r.draft.goals,
            serde_json::to_string(&r.draft.kpis)?,
            r.draft.priority.rank(),
            r.draft.department,
            r.draft.wanted_by,
            r.status.key(),
            json(&r.assessment)?,
            json(&r.decision)?,
            json(&r.plan)?,
            r.updated_at,
            r.version as i64,
            before.version as i64,
        ],
    )?;
    if n == 1 {
        Ok(())
    } else {
        Err(CoreError::Conflict {
            entity: ENTITY,
            id: r.id.to_string(),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Queries

const COLUMNS: &str = "id, title, scenario, goals, kpis, priority, department, wanted_by, status,
    filed_by, assessment, decision, plan, created_at, updated_at, version";

fn parse<T: std::str::FromStr>(row: &Row<'_>, i: usize) -> rusqlite::Result<T> {
    let text: String = row.get(i)?;
    text.parse().map_err(|_| {
        rusqlite::Error::InvalidColumnType(i, "id".into(), rusqlite::types::Type::Text)
    })
}

fn from_json<T: serde::de::DeserializeOwned>(
    row: &Row<'_>,
    i: usize,
) -> rusqlite::Result<Option<T>> {
    let text: Option<String> = row.get(i)?;
    text.map(|t| serde_json::from_str(&t))
        .transpose()
        .map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
        })
}

fn status_at(row: &Row<'_>, i: usize) -> rusqlite::Result<S> {
    let key: String = row.get(i)?;
    S::from_key(&key)
        .ok_or_else(|| rusqlite::Error::InvalidColumnType(i, key, rusqlite::types::Type::Text))
}

fn priority_at(row: &Row<'_>, i: usize) -> rusqlite::Result<Priority> {
    let rank: u8 = row.get(i)?;
    Priority::ALL
        .into_iter()
        .find(|p| p.rank() == rank)
        .ok_or_else(|| {
            rusqlite::Error::InvalidColumnType(i, "priority".into(), rusqlite::types::Type::Integer)
        })
}

fn record(row: &Row<'_>) -> rusqlite::Result<Record> {
    Ok(Record {
        id: parse(row, 0)?,
        draft: RequirementDraft {
            title: row.get(1)?,
            scenario: row.get(2)?,
            goals: row.get(3)?,
            kpis: from_json(row, 4)?.unwrap_or_default(),
            priority: priority_at(row, 5)?,
            department: row.get(6)?,
            wanted_by: row.get(7)?,
        },
        status: status_at(row, 8)?,
        filed_by: parse(row, 9)?,
        assessment: from_json(row, 10)?,
        decision: from_json(row, 11)?,
        plan: from_json(row, 12)?,
        created_at: row.get(13)?,
        updated_at: row.get(14)?,
        version: row.get::<_, i64>(15)? as u64,
    })
}

pub fn load(conn: &Connection, id: RequirementId) -> CoreResult<Record> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM requirements WHERE id = ?1"),
        [id.to_string()],
        record,
    )
    .optional()?
    .ok_or(CoreError::NotFound {
        entity: ENTITY,
        id: id.to_string(),
    })
}

fn is_overdue(status: S, wanted_by: NaiveDate, today: NaiveDate) -> bool {
    status.is_open() && wanted_by < today
}

/// A filter in storage terms; the public query and the dashboard both build one.
#[derive(Default)]
pub struct Filter {
    pub statuses: Vec<S>,
    pub priority: Option<Priority>,
    pub department: Option<String>,
    pub text: Option<String>,
    pub filed_by: Option<UserId>,
    pub overdue_before: Option<NaiveDate>,
}

impl Filter {
    fn sql(&self) -> (String, Vec<Box<dyn ToSql>>) {
        let mut clauses: Vec<String> = Vec::new();
        let mut args: Vec<Box<dyn ToSql>> = Vec::new();
        if !self.statuses.is_empty() {
            let marks = vec!["?"; self.statuses.len()].join(", ");
            clauses.push(format!("status IN ({marks})"));
            args.extend(
                self.statuses
                    .iter()
                    .map(|s| Box::new(s.key()) as Box<dyn ToSql>),
            );
        }
        if let Some(p) = self.priority {
            clauses.push("priority = ?".into());
            args.push(Box::new(p.rank()));
        }
        if let Some(d) = &self.department {
            clauses.push("department = ?".into());
            args.push(Box::new(d.clone()));
        }
        if let Some(text) = self
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            let escaped = text
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            clauses.push(
                "(title LIKE ? ESCAPE '\\' OR scenario LIKE ? ESCAPE '\\' OR goals LIKE ? ESCAPE '\\' OR department LIKE ? ESCAPE '\\')"
                    .into(),
            );
            for _ in 0..4 {
                args.push(Box::new(format!("%{escaped}%")));
            }
        }
        if let Some(user) = self.filed_by {
            clauses.push("filed_by = ?".into());
            args.push(Box::new(user.to_string()));
        }
        if let Some(today) = self.overdue_before {
            clauses
                .push("wanted_by < ? AND status NOT IN ('rejected', 'delivered', 'closed')".into());
            args.push(Box::new(today));
        }
        let sql = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        (sql, args)
    }
}

fn order_by(sort: RequirementSort) -> &'static str {
    match sort {
        RequirementSort::UpdatedDesc => "updated_at DESC, id DESC",
        RequirementSort::WantedByAsc => "wanted_by ASC, id",
        RequirementSort::PriorityDesc => "priority DESC, updated_at DESC",
        RequirementSort::TitleAsc => "title COLLATE NOCASE ASC, id",
    }
}

pub fn summaries(
    conn: &Connection,
    filter: &Filter,
    sort: RequirementSort,
    offset: u32,
    limit: u32,
    today: NaiveDate,
) -> CoreResult<Vec<RequirementSummary>> {
    let (clause, mut args) = filter.sql();
    args.push(Box::new(limit));
    args.push(Box::new(offset));
    let sql = format!(
        "SELECT id, title, status, priority, department, wanted_by, updated_at FROM requirements
         {clause} ORDER BY {} LIMIT ? OFFSET ?",
        order_by(sort)
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), |row| {
        let status = status_at(row, 2)?;
        let wanted_by: NaiveDate = row.get(5)?;
        Ok(RequirementSummary {
            id: parse(row, 0)?,
            title: row.get(1)?,
            status,
            priority: priority_at(row, 3)?,
            department: row.get(4)?,
            wanted_by,
            updated_at: row.get(6)?,
            overdue: is_overdue(status, wanted_by, today),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn count(conn: &Connection, filter: &Filter) -> CoreResult<u64> {
    let (clause, args) = filter.sql();
    let n: i64 = conn
        .prepare_cached(&format!("SELECT count(*) FROM requirements {clause}"))?
        .query_row(rusqlite::params_from_iter(args.iter()), |r| r.get(0))?;
    Ok(n as u64)
}

pub fn list(
    conn: &Connection,
    query: &RequirementQuery,
    today: NaiveDate,
) -> CoreResult<RequirementPage> {
    let filter = Filter {
        statuses: query.status.into_iter().collect(),
        priority: query.priority,
        department: query.department.clone().filter(|d| !d.is_empty()),
        text: query.text.clone(),
        filed_by: None,
        overdue_before: query.overdue_only.then_some(today),
    };
    let limit = match query.limit {
        0 => PAGE_SIZE,
        n => n.min(MAX_PAGE_SIZE),
    };
    let items = summaries(conn, &filter, query.sort, query.offset, limit, today)?;
    let total = count(conn, &filter)?;
    let departments = conn
        .prepare_cached("SELECT DISTINCT department FROM requirements ORDER BY department")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(RequirementPage {
        items,
        total,
        departments,
    })
}

pub fn counts_by_status(conn: &Connection) -> CoreResult<Vec<(S, u64)>> {
    let mut stmt =
        conn.prepare_cached("SELECT status, count(*) FROM requirements GROUP BY status")?;
    let mut found: BTreeMap<S, u64> = BTreeMap::new();
    for row in stmt.query_map([], |r| Ok((status_at(r, 0)?, r.get::<_, i64>(1)? as u64)))? {
        let (status, n) = row?;
        found.insert(status, n);
    }
    Ok(S::ALL
        .into_iter()
        .map(|s| (s, found.get(&s).copied().unwrap_or(0)))
        .collect())
}

/// Requirements whose next step belongs to `role` (Business: only the drafts and returns it
/// filed itself).
pub fn waiting_for(
    conn: &Connection,
    role: Role,
    user: UserId,
    today: NaiveDate,
    limit: u32,
) -> CoreResult<Vec<RequirementSummary>> {
    let statuses: Vec<S> = S::ALL
        .into_iter()
        .filter(|s| s.next_actor() == Some(role))
        .collect();
    if statuses.is_empty() {
        return Ok(Vec::new());
    }
    let filter = Filter {
        filed_by: (role == Role::Business).then_some(user),
        statuses,
        ..Filter::default()
    };
    summaries(conn, &filter, RequirementSort::WantedByAsc, 0, limit, today)
}

pub fn overdue(
    conn: &Connection,
    today: NaiveDate,
    limit: u32,
) -> CoreResult<Vec<RequirementSummary>> {
    let filter = Filter {
        overdue_before: Some(today),
        ..Filter::default()
    };
    summaries(conn, &filter, RequirementSort::WantedByAsc, 0, limit, today)
}

fn user_ref(conn: &Connection, id: UserId) -> CoreResult<UserRef> {
    Ok(match crate::users::find_any(conn, id)? {
        Some(u) => UserRef {
            id,
            name: u.name,
            display_name: u.display_name,
        },
        None => UserRef {
            id,
            name: id.to_string(),
            display_name: id.to_string(),
        },
    })
}

pub fn requirement(
    conn: &Connection,
    id: RequirementId,
    today: NaiveDate,
) -> CoreResult<Requirement> {
    let r = load(conn, id)?;
    let plan_owner = match &r.plan {
        Some(p) => Some(user_ref(conn, p.owner)?),
        None => None,
    };
    Ok(Requirement {
        id: r.id,
        overdue: is_overdue(r.status, r.draft.wanted_by, today),
        draft: r.draft,
        status: r.status,
        filed_by: user_ref(conn, r.filed_by)?,
        assessment: r.assessment,
        decision: r.decision,
        plan: r.plan,
        plan_owner,
        created_at: r.created_at,
        updated_at: r.updated_at,
        version: r.version,
    })
}

/// The requirement's history, read from its audit events.
pub fn history(conn: &Connection, id: RequirementId) -> CoreResult<Vec<HistoryEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT at, actor_name, action, before, after FROM audit_events
         WHERE entity_type = ?1 AND entity_id = ?2 ORDER BY at, seq",
    )?;
    let status_of = |image: Option<String>| -> Option<S> {
        let value: serde_json::Value = serde_json::from_str(&image?).ok()?;
        S::from_key(value.get("status")?.as_str()?)
    };
    let rows = stmt.query_map(params![ENTITY, id.to_string()], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
        ))
    })?;
    let mut entries = Vec::new();
    for row in rows {
        let (at, actor, action, before, after) = row?;
        let at = DateTime::parse_from_rfc3339(&at)
            .map_err(|e| CoreError::Malformed(format!("audit time: {e}")))?
            .with_timezone(&Utc);
        let from_status = status_of(before);
        let to_status = status_of(after);
        entries.push(HistoryEntry {
            at,
            actor,
            action,
            from_status: from_status.filter(|f| Some(*f) != to_status),
            to_status: to_status.filter(|t| Some(*t) != from_status || from_status.is_none()),
        });
    }
    Ok(entries)
}

pub fn comments(conn: &Connection, id: RequirementId) -> CoreResult<Vec<Comment>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, author_id, at, body FROM comments WHERE requirement_id = ?1 ORDER BY at, id",
    )?;
    let rows = stmt
        .query_map([id.to_string()], |r| {
            Ok((
                parse::<CommentId>(r, 0)?,
                parse::<UserId>(r, 1)?,
                r.get(2)?,
                r.get(3)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(id, author, at, body)| {
            Ok(Comment {
                id,
                author: user_ref(conn, author)?,
                at,
                body,
            })
        })
        .collect()
}

/// Actions `role` may take on a requirement in `status` now.
pub fn allowed_actions(role: Role, status: S) -> Vec<String> {
    let mut actions: Vec<String> = STEPS
        .iter()
        .filter(|step| {
            step.from.contains(&status) && crate::authz::allows_action(role, step.action)
        })
        .map(|step| step.action.to_owned())
        .collect();
    if crate::authz::allows_action(role, "add_comment") {
        actions.push("add_comment".into());
    }
    actions
}
