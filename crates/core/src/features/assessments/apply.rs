use super::lifecycle::ASSESSMENT;
use super::{export, scorecard, store, validate};
use crate::access::Reader;
use crate::change::{Change, Context, Preparing};
use crate::error::{CoreError, CoreResult};
use crate::shared::follow_ups;
use crate::shared::quarters::Span;
use govbench_protocol::{
    AssessmentCommand as C, AssessmentId, AssessmentStatus as S, Meeting, QuarterlyAssessment,
    SignOff,
};
use rusqlite::Transaction;
use uuid::Uuid;

/// Work before the transaction: an export writes its file here (it may take seconds), and
/// the transaction records it.
pub fn prepare(
    reader: &Reader<'_>,
    command: &C,
    preparing: &Preparing<'_>,
) -> CoreResult<Option<export::Written>> {
    match command {
        C::Export {
            quarter,
            kind,
            lang,
            path,
        } => Ok(Some(export::write(
            reader, preparing, quarter, *kind, lang, path,
        )?)),
        C::Open { .. }
        | C::SaveMeeting { .. }
        | C::Sign { .. }
        | C::Approve { .. }
        | C::Return { .. }
        | C::CompleteAction { .. } => Ok(None),
    }
}

/// Applies one assessment command inside the write path's transaction.
pub fn apply(
    tx: &Transaction<'_>,
    ctx: &Context<'_>,
    command: &C,
    written: Option<&export::Written>,
) -> CoreResult<Change> {
    match command {
        C::Open { quarter } => {
            let span = Span::parse(quarter, ctx.zone, ctx.now)?;
            if span.start > ctx.now {
                return Err(CoreError::invalid("quarter", "quarter_not_started"));
            }
            if store::of_quarter(tx, &span.key)?.is_some() {
                return Err(CoreError::invalid("quarter", "assessment_exists"));
            }
            let assessment = QuarterlyAssessment {
                id: AssessmentId(Uuid::now_v7()),
                quarter: span.key,
                status: S::Draft,
                meeting: Meeting {
                    held_on: None,
                    attendees: Vec::new(),
                    conclusions: String::new(),
                    adjustments: Vec::new(),
                },
                frozen: None,
                signed: None,
                approved: None,
                returned_because: String::new(),
                created_by: ctx.actor.id,
                created_at: ctx.now,
                updated_at: ctx.now,
                version: 1,
            };
            store::insert(tx, &assessment)?;
            Change::created(&assessment)
        }
        C::SaveMeeting { id, meeting } => change(tx, ctx, command, *id, |a| {
            validate::meeting(tx, meeting)?;
            a.meeting = Meeting {
                held_on: meeting.held_on,
                attendees: meeting
                    .attendees
                    .iter()
                    .map(|n| n.trim().to_owned())
                    .filter(|n| !n.is_empty())
                    .collect(),
                conclusions: meeting.conclusions.trim().to_owned(),
                adjustments: follow_ups::from_drafts(&meeting.adjustments),
            };
            Ok(())
        }),
        C::Sign { id } => change(tx, ctx, command, *id, |a| {
            if a.meeting.conclusions.is_empty() {
                return Err(CoreError::invalid("conclusions", "required"));
            }
            // The figures as they are at the signature are what was signed: later edits to
            // the data never change a signed assessment.
            let span = Span::parse(&a.quarter, ctx.zone, ctx.now)?;
            a.frozen = Some(scorecard::compute(tx, &span)?);
            a.signed = Some(SignOff {
                by: ctx.actor.id,
                at: ctx.now,
            });
            Ok(())
        }),
        C::Approve { id } => change(tx, ctx, command, *id, |a| {
            if a.signed.as_ref().is_some_and(|s| s.by == ctx.actor.id) {
                return Err(CoreError::NotAuthor {
                    entity: a.id.into(),
                    action: command.action().into(),
                });
            }
            a.approved = Some(SignOff {
                by: ctx.actor.id,
                at: ctx.now,
            });
            Ok(())
        }),
        C::Return { id, reason } => change(tx, ctx, command, *id, |a| {
            validate::reason(reason)?;
            a.returned_because = reason.trim().to_owned();
            a.frozen = None;
            a.signed = None;
            Ok(())
        }),
        C::CompleteAction { id, action, note } => change(tx, ctx, command, *id, |a| {
            follow_ups::complete(
                ctx,
                (a.id.into(), command.action().into()),
                &mut a.meeting.adjustments,
                *action,
                note,
            )
        }),
        C::Export { .. } => {
            let export = written.ok_or(CoreError::Malformed("export not prepared".into()))?;
            store::insert_export(tx, &export.record)?;
            Change::created(&export.record)
        }
    }
}

fn change(
    tx: &Transaction<'_>,
    ctx: &Context<'_>,
    command: &C,
    id: AssessmentId,
    edit: impl FnOnce(&mut QuarterlyAssessment) -> CoreResult<()>,
) -> CoreResult<Change> {
    let before = store::load(tx, id)?;
    let mut after = before.clone();
    after.status = ASSESSMENT.next(command.action(), before.status)?;
    edit(&mut after)?;
    after.updated_at = ctx.now;
    after.version = before.version + 1;
    store::update(tx, &before, &after)?;
    Change::updated(&before, &after)
}
