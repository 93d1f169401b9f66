//! The demo's quarterly assessment: the current quarter opened and its meeting recorded,
//! ready to be signed once the quarter is over.

use crate::access::Session;
use crate::clock::ManualClock;
use crate::error::ApiResult;
use chrono::{DateTime, Duration, Utc};
use govbench_protocol::UserId;

pub fn create(
    clock: &ManualClock,
    now: DateTime<Utc>,
    pm: &mut Session,
    owner: UserId,
) -> ApiResult<()> {
    let today = now.date_naive();
    // The quarter's assessment, prepared for its meeting (signed once the quarter is over).
    clock.set(now - Duration::minutes(10));
    let quarter = crate::features::assessments::samples::current_quarter(pm);
    let assessment = pm.execute(govbench_protocol::AssessmentCommand::Open { quarter })?;
    pm.execute(govbench_protocol::AssessmentCommand::SaveMeeting {
        id: govbench_protocol::AssessmentId(assessment.entity.id),
        meeting: govbench_protocol::MeetingDraft {
            held_on: Some(today),
            attendees: vec![
                "陈静（项目经理）".into(),
                "李伟（研发）".into(),
                "赵强（运维）".into(),
                "刘洋（业务）".into(),
            ],
            conclusions: "需求按计划推进；医疗影像模型本季度有一个月缺少评估，须补齐。\n\
                          严重故障均在时限内确认，复盘整改措施有一项逾期。"
                .into(),
            adjustments: vec![govbench_protocol::ActionDraft {
                text: "每月第一周完成所有上线模型的评估".into(),
                preventive: true,
                owner,
                due: today + Duration::days(31),
            }],
        },
    })?;
    Ok(())
}
