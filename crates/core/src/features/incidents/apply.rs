use super::lifecycle::INCIDENT;
use super::store::{self, RulesRecord, RULES_ID};
use super::validate;
use crate::change::{Change, Context};
use crate::error::{CoreError, CoreResult};
use crate::shared::numbers::number;
use crate::shared::{follow_ups, records};
use govbench_protocol::{
    Incident, IncidentCommand as C, IncidentDraft, IncidentId, IncidentStatus as S,
    PostIncidentReview, Reached, ResponseRules, TeamMember, TeamMemberId, TimelineEntry,
    TimelineKind as K,
};
use rusqlite::Transaction;
use uuid::Uuid;

/// Applies one incident, rules or team command inside the write path's transaction.
pub fn apply(tx: &Transaction<'_>, ctx: &Context<'_>, command: &C) -> CoreResult<Change> {
    match command {
        C::Open { draft, drill } => open(tx, ctx, draft, *drill),
        C::Edit { id, draft } => change(tx, ctx, command, *id, |tx, i| {
            validate::draft(tx, draft, ctx.now)?;
            if draft.severity != i.draft.severity {
                // Reclassified: the new level's flow, as the rules are now.
                let rules = store::rules(tx)?;
                i.flow = flow_of(&rules, draft)?;
                i.rules_revision = rules.revision;
            }
            i.draft = normalised(draft);
            entry(i, ctx, K::Edited, None, "");
            Ok(())
        }),
        C::Acknowledge { id, note } | C::Mitigate { id, note } | C::Resolve { id, note } => {
            change(tx, ctx, command, *id, |_, i| {
                validate::note("note", note, false)?;
                // Reaching a later milestone reaches the earlier ones with it.
                let r = &mut i.reached;
                r.acknowledged.get_or_insert(ctx.now);
                if matches!(command, C::Mitigate { .. } | C::Resolve { .. }) {
                    r.mitigated.get_or_insert(ctx.now);
                }
                if matches!(command, C::Resolve { .. }) {
                    r.resolved.get_or_insert(ctx.now);
                }
                Ok(())
            })
        }
        C::AddNote { id, kind, text } => change(tx, ctx, command, *id, |_, i| {
            validate::note("text", text, true)?;
            if !matches!(kind, K::Note | K::Action) {
                return Err(CoreError::invalid("kind", "not_a_note_kind"));
            }
            entry(i, ctx, *kind, None, text);
            Ok(())
        }),
        C::InformManagement { id, note } | C::ReportExternally { id, note } => {
            change(tx, ctx, command, *id, |_, i| {
                validate::note("note", note, false)?;
                let (slot, kind) = if matches!(command, C::InformManagement { .. }) {
                    (&mut i.reached.management, K::Management)
                } else {
                    (&mut i.reached.external, K::External)
                };
                if slot.is_some() {
                    return Err(CoreError::invalid("note", "already_reported"));
                }
                *slot = Some(ctx.now);
                entry(i, ctx, kind, None, note);
                Ok(())
            })
        }
        C::Review { id, review } => change(tx, ctx, command, *id, |tx, i| {
            validate::review(tx, review)?;
            i.review = Some(PostIncidentReview {
                root_cause: review.root_cause.trim().to_owned(),
                impact: review.impact.trim().to_owned(),
                went_well: review.went_well.trim().to_owned(),
                went_badly: review.went_badly.trim().to_owned(),
                actions: follow_ups::from_drafts(&review.actions),
                by: ctx.actor.id,
                at: ctx.now,
            });
            Ok(())
        }),
        C::Close { id } => change(tx, ctx, command, *id, |_, i| {
            if i.review.is_none() && i.flow.review_required {
                return Err(CoreError::invalid("review", "review_required"));
            }
            Ok(())
        }),
        C::CompleteAction { id, action, note } => change(tx, ctx, command, *id, |_, i| {
            let on = i.id.into();
            let Some(review) = i.review.as_mut() else {
                return Err(CoreError::invalid("action", "unknown_action"));
            };
            follow_ups::complete(
                ctx,
                (on, command.action().into()),
                &mut review.actions,
                *action,
                note,
            )
        }),
        C::SetRules { flows } => set_rules(tx, ctx, flows),
        C::AddMember { draft } => {
            let roster = store::team(tx)?;
            validate::member(tx, draft, &roster, None)?;
            let member = TeamMember {
                id: TeamMemberId(Uuid::now_v7()),
                draft: normalised_member(draft),
                removed: false,
                created_by: ctx.actor.id,
                created_at: ctx.now,
                updated_at: ctx.now,
                version: 1,
            };
            records::insert(tx, &member)?;
            Change::created(&member)
        }
        C::EditMember { id, draft } => change_member(tx, ctx, *id, |tx, m, roster| {
            validate::member(tx, draft, roster, Some(m.id))?;
            m.draft = normalised_member(draft);
            Ok(())
        }),
        C::RemoveMember { id } => change_member(tx, ctx, *id, |_, m, _| {
            m.removed = true;
            Ok(())
        }),
    }
}

fn flow_of(
    rules: &ResponseRules,
    draft: &IncidentDraft,
) -> CoreResult<govbench_protocol::ResponseFlow> {
    rules
        .flow(draft.severity)
        .cloned()
        .ok_or_else(|| CoreError::Malformed(format!("no flow for {}", draft.severity.key())))
}

fn normalised(draft: &IncidentDraft) -> IncidentDraft {
    IncidentDraft {
        title: draft.title.trim().to_owned(),
        description: draft.description.trim().to_owned(),
        ..draft.clone()
    }
}

fn normalised_member(
    draft: &govbench_protocol::TeamMemberDraft,
) -> govbench_protocol::TeamMemberDraft {
    govbench_protocol::TeamMemberDraft {
        contact: draft.contact.trim().to_owned(),
        ..draft.clone()
    }
}

fn entry(incident: &mut Incident, ctx: &Context<'_>, kind: K, status: Option<S>, text: &str) {
    incident.timeline.push(TimelineEntry {
        at: ctx.now,
        by: ctx.actor.id,
        kind,
        status,
        text: text.trim().to_owned(),
    });
}

fn open(
    tx: &Transaction<'_>,
    ctx: &Context<'_>,
    draft: &IncidentDraft,
    drill: Option<govbench_protocol::DrillRunId>,
) -> CoreResult<Change> {
    validate::draft(tx, draft, ctx.now)?;
    if let Some(run) = drill {
        if !super::is_running(tx, run)? {
            return Err(CoreError::invalid("drill", "drill_not_running"));
        }
    }
    let rules = store::rules(tx)?;
    let id = Uuid::now_v7();
    let mut incident = Incident {
        id: IncidentId(id),
        number: number(if drill.is_some() { "DRL-INC" } else { "INC" }, id),
        flow: flow_of(&rules, draft)?,
        rules_revision: rules.revision,
        draft: normalised(draft),
        status: S::Open,
        drill,
        reached: Reached::default(),
        timeline: Vec::new(),
        review: None,
        opened_by: ctx.actor.id,
        opened_at: ctx.now,
        updated_at: ctx.now,
        version: 1,
    };
    entry(&mut incident, ctx, K::Opened, Some(S::Open), "");
    store::insert(tx, &incident)?;
    Change::created(&incident)
}

/// Loads an incident, checks the step against its lifecycle, applies `edit`, records a
/// status change on the timeline and stores the next version.
fn change(
    tx: &Transaction<'_>,
    ctx: &Context<'_>,
    command: &C,
    id: IncidentId,
    edit: impl FnOnce(&Transaction<'_>, &mut Incident) -> CoreResult<()>,
) -> CoreResult<Change> {
    let before = store::load(tx, id)?;
    let mut after = before.clone();
    after.status = INCIDENT.next(command.action(), before.status)?;
    edit(tx, &mut after)?;
    if after.status != before.status {
        let note = match command {
            C::Acknowledge { note, .. } | C::Mitigate { note, .. } | C::Resolve { note, .. } => {
                note.as_str()
            }
            C::Open { .. }
            | C::Edit { .. }
            | C::AddNote { .. }
            | C::InformManagement { .. }
            | C::ReportExternally { .. }
            | C::Review { .. }
            | C::Close { .. }
            | C::CompleteAction { .. }
            | C::SetRules { .. }
            | C::AddMember { .. }
            | C::EditMember { .. }
            | C::RemoveMember { .. } => "",
        };
        let status = after.status;
        entry(&mut after, ctx, K::Status, Some(status), note);
    }
    after.updated_at = ctx.now;
    after.version = before.version + 1;
    store::update(tx, &before, &after)?;
    Change::updated(&before, &after)
}

fn set_rules(
    tx: &Transaction<'_>,
    ctx: &Context<'_>,
    flows: &[govbench_protocol::ResponseFlow],
) -> CoreResult<Change> {
    validate::flows(tx, flows)?;
    let mut ordered = flows.to_vec();
    ordered.sort_by_key(|f| f.severity);
    match store::rules_record(tx)? {
        None => {
            let record = RulesRecord {
                id: RULES_ID,
                rules: ResponseRules {
                    flows: ordered,
                    revision: 1,
                },
                updated_by: ctx.actor.id,
                updated_at: ctx.now,
                version: 1,
            };
            records::insert(tx, &record)?;
            Change::created(&record)
        }
        Some(before) => {
            let mut after = before.clone();
            after.rules = ResponseRules {
                flows: ordered,
                revision: before.rules.revision + 1,
            };
            after.updated_by = ctx.actor.id;
            after.updated_at = ctx.now;
            after.version = before.version + 1;
            records::update(tx, &before, &after)?;
            Change::updated(&before, &after)
        }
    }
}

fn change_member(
    tx: &Transaction<'_>,
    ctx: &Context<'_>,
    id: TeamMemberId,
    edit: impl FnOnce(&Transaction<'_>, &mut TeamMember, &[TeamMember]) -> CoreResult<()>,
) -> CoreResult<Change> {
    let before: TeamMember = records::load(tx, id.0)?;
    if before.removed {
        return Err(CoreError::invalid("member", "member_removed"));
    }
    let roster = store::team(tx)?;
    let mut after = before.clone();
    edit(tx, &mut after, &roster)?;
    after.updated_at = ctx.now;
    after.version = before.version + 1;
    records::update(tx, &before, &after)?;
    Change::updated(&before, &after)
}
