//! Synthetic data for benchmarks: many requirements and audit events written straight into a
//! workspace in large transactions, with a valid hash chain, so list, dashboard and
//! verification run on realistic volumes. Not used by the application.

use crate::audit::{self, Actor};
use crate::change::Change;
use crate::error::{ApiResult, Attempt, CoreError, CoreResult};
use crate::features::requirements::{self, Record};
use crate::keyslots::UserSecret;
use crate::shared::comments;
use chrono::{DateTime, Duration, Utc};
use govbench_protocol::{
    Action, Assessment, CommentAction, CommentId, Comparator, Decision, DeliveryPlan, EntityRef,
    Feasibility, Kpi, Priority, RequirementAction, RequirementDraft, RequirementId,
    RequirementStatus, Role, UserAction, UserId,
};
use govbench_protocol::{ApiError, ErrorCode};

const FILE: &str = Action::Requirement(RequirementAction::File).key();
const COMMENT: &str = Action::Comment(CommentAction::Add).key();
use rusqlite::Connection;
use uuid::Uuid;

mod incidents;
pub use incidents::seed_incidents;

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
        status: RequirementStatus::Draft,
        filed_by,
        assessment: None,
        decision: None,
        plan: None,
        created_at: at,
        updated_at: at,
        version: 1,
    }
}

/// Adds `requirements` requirement rows, filed and taken through their lifecycle (one to
/// eight events each, four on average: every status is represented), and then comments until
/// the copy's chain holds `events` more events, in transactions of about 10,000 events.
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

impl crate::Session {
    /// Fills the workspace with synthetic requirements and audit events (see
    /// [`seed_with_progress`]): the door front ends use instead of the raw connection. The
    /// generator writes around the write path, so only an Admin may run it, and not while the
    /// session is held.
    pub fn generate(
        &mut self,
        requirements: u64,
        events: u64,
        progress: &mut dyn FnMut(u64, u64),
    ) -> ApiResult<()> {
        let role = self.user().role;
        if role != Role::Admin {
            // Its first act is adding the members who file and decide: an Admin's action.
            return Err(CoreError::Forbidden {
                role,
                attempted: Attempt::Action(UserAction::Create.into()),
            }
            .into());
        }
        if let Some(hold) = self.held() {
            return Err(CoreError::Held(hold.clone()).into());
        }
        let actor = self.user().id;
        let copy = self.copy_id().to_owned();
        // A session always holds its secret once login or creation has enrolled the user.
        let signer = self
            .secret()
            .cloned()
            .ok_or_else(|| ApiError::new(ErrorCode::Internal).with("reason", "no signing key"))?;
        seed_with_progress(
            self.connection_for_tools(),
            &copy,
            actor,
            &signer,
            requirements,
            events,
            progress,
        )
        .map_err(ApiError::from)
    }
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
    // Requirements are filed by Business and taken through their lifecycle by R&D and a
    // project manager, as the role matrix says: verification re-checks every event as its
    // author's action. The three are members the admin adds first (and removes at the end).
    let admin = (actor, signer);
    let crew = Crew {
        business: add_member(conn, copy_id, admin, Role::Business, start)?,
        rnd: add_member(conn, copy_id, admin, Role::RnD, start)?,
        manager: add_member(conn, copy_id, admin, Role::ProjectManager, start)?,
    };
    let total = events_written(requirements, events);
    let mut written = 0u64;
    let mut filed: Vec<RequirementId> = Vec::with_capacity(requirements as usize);
    let more = |written: u64, filed: usize| (filed as u64) < requirements || written < events;
    while more(written, filed.len()) {
        let tx = conn.transaction()?;
        for _ in 0..10_000 {
            if !more(written, filed.len()) {
                break;
            }
            let at = start + Duration::seconds(written as i64 * 7);
            let change = if (filed.len() as u64) < requirements {
                let i = filed.len() as u64;
                let target = RequirementStatus::ALL[(i % 10) as usize];
                let r = record(i, crew.business.0.id, start);
                filed.push(r.id);
                written += crew.file(&tx, copy_id, at, r, target)?;
                continue;
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
        progress(written, total);
    }
    // The crew has no key slots (nobody logs in as them): once the filing is done, the admin
    // removes them, as a workspace's slots must match its active members.
    let tx = conn.transaction()?;
    let at = start + Duration::seconds(written as i64 * 7);
    let remove = Action::User(govbench_protocol::UserAction::Remove).key();
    for (member, _) in [crew.business, crew.rnd, crew.manager] {
        let removed = crate::features::users::Record {
            active: false,
            version: member.version + 1,
            ..member.clone()
        };
        crate::features::users::deactivate(&tx, &member, &removed)?;
        let change = Change::updated(&member, &removed)?;
        audit::append(&tx, copy_id, at, &who, remove, &change, signer)?;
    }
    tx.commit()?;
    Ok(())
}

type Member = (crate::features::users::Record, UserSecret);

/// The members who take the seeded requirements through their lifecycle.
struct Crew {
    business: Member,
    rnd: Member,
    manager: Member,
}

impl Crew {
    /// Files requirement `r` and takes it to `target` by the lifecycle's steps, each recorded
    /// as the role that may take it. Returns the number of events written.
    fn file(
        &self,
        tx: &rusqlite::Transaction<'_>,
        copy_id: &str,
        at: DateTime<Utc>,
        mut r: Record,
        target: RequirementStatus,
    ) -> CoreResult<u64> {
        use RequirementAction as A;
        use RequirementStatus as S;
        let submitted = target != S::Draft;
        if submitted {
            r.status = S::Submitted;
        }
        requirements::insert(tx, &r)?;
        let (business, secret) = &self.business;
        audit::append(
            tx,
            copy_id,
            at,
            &actor(business),
            FILE,
            &Change::created(&r)?,
            secret,
        )?;
        let path = path_to(target);
        for action in &path {
            let (by, secret) = match action {
                A::StartAssessment | A::Assess => &self.rnd,
                A::File | A::Edit | A::Submit => &self.business,
                A::Approve
                | A::Reject
                | A::Return
                | A::Plan
                | A::StartDevelopment
                | A::MarkDelivered
                | A::Close => &self.manager,
            };
            let mut after = r.clone();
            after.status = requirements::lifecycle::LIFECYCLE.next(*action, r.status)?;
            match action {
                A::Assess => {
                    after.assessment = Some(Assessment {
                        feasibility: Feasibility::Feasible,
                        resources: "2 名算法工程师 two engineers".into(),
                        effort_person_days: 20,
                        plan: "微调并评测 fine-tune and evaluate".into(),
                        risks: "数据质量 data quality".into(),
                    })
                }
                A::Approve => after.decision = Some(Decision::Approve),
                A::Reject => {
                    after.decision = Some(Decision::Reject {
                        reason: "资源不足 no capacity".into(),
                    })
                }
                A::Return => {
                    after.decision = Some(Decision::Return {
                        reason: "请补充指标 more KPIs please".into(),
                    })
                }
                A::Plan => {
                    after.plan = Some(DeliveryPlan {
                        owner: by.id,
                        milestones: Vec::new(),
                        target_delivery: r.draft.wanted_by,
                    })
                }
                // Steps that change the status alone.
                A::File
                | A::Edit
                | A::Submit
                | A::StartAssessment
                | A::StartDevelopment
                | A::MarkDelivered
                | A::Close => {}
            }
            after.updated_at = at;
            after.version = r.version + 1;
            requirements::update(tx, &r, &after)?;
            let key = Action::Requirement(*action).key();
            audit::append(
                tx,
                copy_id,
                at,
                &actor(by),
                key,
                &Change::updated(&r, &after)?,
                secret,
            )?;
            r = after;
        }
        Ok(1 + path.len() as u64)
    }
}

fn actor(member: &crate::features::users::Record) -> Actor {
    Actor {
        id: Some(member.id.to_string()),
        name: member.name.clone(),
    }
}

/// Adds a member of `role` (with keys, no key slot: nobody logs in as them) through an event
/// signed by the admin, and returns their record and secret.
fn add_member(
    conn: &mut Connection,
    copy_id: &str,
    (admin, admin_secret): (UserId, &UserSecret),
    role: Role,
    at: DateTime<Utc>,
) -> CoreResult<Member> {
    let secret = UserSecret::random();
    let tx = conn.transaction()?;
    let admin_summary = govbench_protocol::UserSummary {
        id: admin,
        name: "generator".into(),
        display_name: "generator".into(),
        role: govbench_protocol::Role::Admin,
    };
    let ctx = crate::change::Context {
        now: at,
        actor: &admin_summary,
        zone: chrono::Offset::fix(&Utc),
    };
    let short = Uuid::now_v7().simple().to_string();
    let record = crate::features::users::insert(
        &tx,
        &ctx,
        &govbench_protocol::NewUser {
            name: format!("generator.{}.{}", role.key(), &short[short.len() - 8..]),
            display_name: format!("{} (generated)", role.key()),
            role,
            passphrase: String::new(),
        },
        secret.public_keys(),
    )?;
    audit::append(
        &tx,
        copy_id,
        at,
        &Actor {
            id: Some(admin.to_string()),
            name: "generator".into(),
        },
        Action::User(govbench_protocol::UserAction::Create).key(),
        &Change::created(&record)?,
        admin_secret,
    )?;
    tx.commit()?;
    Ok((record, secret))
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

/// The steps (after filing) that take a requirement to `target`, `Close` included.
fn path_to(target: RequirementStatus) -> Vec<RequirementAction> {
    use RequirementAction as A;
    use RequirementStatus as S;
    let path: &[A] = match target {
        S::Draft | S::Submitted => &[],
        S::UnderAssessment => &[A::StartAssessment],
        S::Assessed => &[A::StartAssessment, A::Assess],
        S::Approved => &[A::StartAssessment, A::Assess, A::Approve],
        S::Rejected => &[A::StartAssessment, A::Assess, A::Reject],
        S::Returned => &[A::StartAssessment, A::Assess, A::Return],
        S::InDevelopment => &[
            A::StartAssessment,
            A::Assess,
            A::Approve,
            A::Plan,
            A::StartDevelopment,
        ],
        S::Delivered | S::Closed => &[
            A::StartAssessment,
            A::Assess,
            A::Approve,
            A::Plan,
            A::StartDevelopment,
            A::MarkDelivered,
        ],
    };
    let close: &[A] = if target == S::Closed {
        &[A::Close]
    } else {
        &[]
    };
    path.iter().chain(close).copied().collect()
}

/// How many events [`seed_with_progress`] writes for `requirements` requirements and `events`
/// asked for: each requirement filed and taken along its path to its status (the status of
/// the `i`th is `RequirementStatus::ALL[i % 10]`), then comments up to `events`.
pub fn events_written(requirements: u64, events: u64) -> u64 {
    let kinds = RequirementStatus::ALL.len() as u64;
    let filing: u64 = RequirementStatus::ALL
        .into_iter()
        .enumerate()
        .map(|(k, status)| {
            let of_this_status =
                requirements / kinds + u64::from((k as u64) < requirements % kinds);
            of_this_status * (1 + path_to(status).len() as u64)
        })
        .sum();
    filing.max(events)
}
