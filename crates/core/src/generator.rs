//! Synthetic data for benchmarks: many requirements and audit events written straight into a
//! workspace in large transactions, with a valid hash chain, so list, dashboard and
//! verification run on realistic volumes. Not used by the application.

use crate::audit::{self, Actor};
use crate::error::CoreResult;
use crate::features::requirements::{self, Record};
use crate::keyslots::UserSecret;
use crate::shared::comments;
use crate::write::Change;
use chrono::{DateTime, Duration, Utc};
use govbench_protocol::{
    Action, CommentAction, CommentId, Comparator, EntityRef, Kpi, Priority, RequirementAction,
    RequirementDraft, RequirementId, RequirementStatus, UserId,
};

const FILE: &str = Action::Requirement(RequirementAction::File).key();
const COMMENT: &str = Action::Comment(CommentAction::Add).key();
use rusqlite::Connection;
use uuid::Uuid;

const DEPARTMENTS: &[&str] = &[
    "医疗事业部",
    "金融事业部",
    "保险事业部",
    "Wealth Management",
    "Card Services",
    "研发中心",
    "运营部",
    "风险管理部",
];
const TOPICS: &[&str] = &[
    "病历质控",
    "影像报告",
    "信贷摘要",
    "反洗钱说明",
    "claims extraction",
    "sentiment tagging",
    "财报风险",
    "药物问答",
];

fn record(i: u64, filed_by: UserId, start: DateTime<Utc>) -> Record {
    let at = start + Duration::seconds(i as i64 * 7);
    Record {
        id: RequirementId(Uuid::now_v7()),
        draft: RequirementDraft {
            title: format!("{} #{i}", TOPICS[(i % TOPICS.len() as u64) as usize]),
            scenario: format!(
                "场景 scenario {i}: 业务部门希望模型在 {} 中辅助人工。",
                DEPARTMENTS[(i % 8) as usize]
            ),
            goals: format!("目标 goal {i}"),
            kpis: vec![Kpi {
                metric: "accuracy".into(),
                comparator: Comparator::AtLeast,
                target: 90.0,
                unit: "%".into(),
            }],
            priority: Priority::ALL[(i % 4) as usize],
            department: DEPARTMENTS[(i % DEPARTMENTS.len() as u64) as usize].into(),
            wanted_by: (at + Duration::days((i % 200) as i64)).date_naive(),
        },
        status: RequirementStatus::ALL[(i % 10) as usize],
        filed_by,
        assessment: None,
        decision: None,
        plan: None,
        created_at: at,
        updated_at: at,
        version: 1,
    }
}

/// Adds `requirements` requirement rows (each with its audit event) and then plain audit
/// events until the copy's chain holds `events` more events, in transactions of 10,000.
pub fn seed(
    conn: &mut Connection,
    copy_id: &str,
    actor: UserId,
    signer: &UserSecret,
    requirements: u64,
    events: u64,
) -> CoreResult<()> {
    seed_with_progress(
        conn,
        copy_id,
        actor,
        signer,
        requirements,
        events,
        &mut |_, _| {},
    )
}

/// [`seed`], calling `progress(written, total)` after every committed transaction.
pub fn seed_with_progress(
    conn: &mut Connection,
    copy_id: &str,
    actor: UserId,
    signer: &UserSecret,
    requirements: u64,
    events: u64,
    progress: &mut dyn FnMut(u64, u64),
) -> CoreResult<()> {
    let start = Utc::now() - Duration::days(400);
    let who = Actor {
        id: Some(actor.to_string()),
        name: "generator".into(),
    };
    let mut written = 0u64;
    let mut filed: Vec<RequirementId> = Vec::with_capacity(requirements as usize);
    while written < events.max(requirements) {
        let tx = conn.transaction()?;
        for _ in 0..10_000 {
            if written >= events.max(requirements) {
                break;
            }
            let at = start + Duration::seconds(written as i64 * 7);
            let change = if written < requirements {
                let r = record(written, actor, start);
                requirements::insert(&tx, &r)?;
                filed.push(r.id);
                (FILE, Change::created(&r)?)
            } else {
                // A real comment row for every event, on one of the seeded requirements (or on
                // the workspace's first user when none were asked for), so that the rows and
                // the log agree as deep verification checks.
                let on = match filed.get((written % requirements.max(1)) as usize) {
                    Some(id) => (*id).into(),
                    None => actor.into(),
                };
                let c = comments::Record {
                    id: CommentId(Uuid::now_v7()),
                    on,
                    author_id: actor,
                    at,
                    body: format!("评论 comment {written}"),
                    version: 1,
                };
                comments::insert(&tx, &c)?;
                (COMMENT, Change::created(&c)?)
            };
            let (action, change) = change;
            audit::append(&tx, copy_id, at, &who, action, &change, signer)?;
            written += 1;
        }
        tx.commit()?;
        progress(written, events.max(requirements));
    }
    Ok(())
}

/// The write workloads compared between SQLCipher and plain SQLite: `n` requirements with their
/// search terms and audit events, `per_transaction` of them in each transaction (1: user actions
/// one by one, as the write path commits them; `n`: one bulk import).
pub fn write_workload(
    conn: &mut Connection,
    copy_id: &str,
    actor: UserId,
    signer: &UserSecret,
    n: u64,
    per_transaction: u64,
) -> CoreResult<()> {
    let start = Utc::now();
    let who = Actor {
        id: Some(actor.to_string()),
        name: "bench".into(),
    };
    let mut i = 0;
    while i < n {
        let tx = conn.transaction()?;
        for _ in 0..per_transaction.max(1) {
            if i == n {
                break;
            }
            let r = record(i, actor, start);
            requirements::insert(&tx, &r)?;
            audit::append(
                &tx,
                copy_id,
                start,
                &who,
                FILE,
                &Change::created(&r)?,
                signer,
            )?;
            i += 1;
        }
        tx.commit()?;
    }
    Ok(())
}

/// Adds `n` comments to the thread on `on` (each with its audit event), one second apart from
/// `start`, in one transaction: a thread far longer than people write, to measure paging.
pub fn seed_comments(
    conn: &mut Connection,
    copy_id: &str,
    (actor, signer): (UserId, &UserSecret),
    on: EntityRef,
    start: DateTime<Utc>,
    n: u64,
) -> CoreResult<()> {
    let who = Actor {
        id: Some(actor.to_string()),
        name: "generator".into(),
    };
    let tx = conn.transaction()?;
    for i in 0..n {
        let at = start + Duration::seconds(i as i64);
        let c = comments::Record {
            id: CommentId(Uuid::now_v7()),
            on,
            author_id: actor,
            at,
            body: format!("评论 comment {i}"),
            version: 1,
        };
        comments::insert(&tx, &c)?;
        audit::append(
            &tx,
            copy_id,
            at,
            &who,
            COMMENT,
            &Change::created(&c)?,
            signer,
        )?;
    }
    tx.commit()?;
    Ok(())
}
