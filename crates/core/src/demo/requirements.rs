//! The demo's requirements: filed by the business members who would file them, each taken
//! along the real workflow (R&D assesses, the project manager decides and plans) to the
//! status its sample names, with the comments people leave on the way.

use crate::access::Session;
use crate::clock::ManualClock;
use crate::error::{ApiResult, CoreError};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use govbench_protocol::{
    Assessment, CommentCommand, Comparator, Decision, DeliveryPlan, Feasibility, Kpi, Milestone,
    Priority, RequirementCommand as C, RequirementDraft, RequirementId, RequirementStatus as S,
    UserId,
};

struct Sample {
    filer: &'static str,
    title: &'static str,
    scenario: &'static str,
    goals: &'static str,
    kpis: &'static [(&'static str, Comparator, f64, &'static str)],
    priority: Priority,
    department: &'static str,
    /// Days from "today" (negative: in the past, so open ones show as overdue).
    wanted_in_days: i64,
    target: S,
}

const SAMPLES: &[Sample] = &[
    Sample {
        filer: "liu.yang",
        title: "门诊病历智能质控",
        scenario: "门诊医生书写电子病历后，由医疗大模型自动检查主诉、现病史、诊断与处方之间的一致性，并提示缺项。",
        goals: "降低病历缺陷率，减轻质控科人工抽查工作量。",
        kpis: &[("缺陷检出召回率 recall", Comparator::AtLeast, 92.0, "%"), ("单份病历响应时间", Comparator::AtMost, 3.0, "s")],
        priority: Priority::High,
        department: "医疗事业部",
        wanted_in_days: -20,
        target: S::Closed,
    },
    Sample {
        filer: "liu.yang",
        title: "医学影像报告辅助生成",
        scenario: "放射科医生阅片后，模型根据结构化所见生成报告初稿，医生审核后签发。",
        goals: "报告初稿可用率达到 85% 以上，平均出报告时间缩短 30%。",
        kpis: &[("初稿可用率", Comparator::AtLeast, 85.0, "%"), ("术语准确率 accuracy", Comparator::AtLeast, 97.0, "%")],
        priority: Priority::Critical,
        department: "医疗事业部",
        wanted_in_days: 45,
        target: S::InDevelopment,
    },
    Sample {
        filer: "liu.yang",
        title: "药物相互作用问答",
        scenario: "药剂科在审方时询问两种及以上药物的相互作用与禁忌，模型给出带出处的回答。",
        goals: "覆盖院内处方集常用药品，回答均附药品说明书出处。",
        kpis: &[("回答准确率", Comparator::AtLeast, 95.0, "%"), ("幻觉率 hallucination rate", Comparator::Below, 1.0, "%")],
        priority: Priority::High,
        department: "医疗事业部",
        wanted_in_days: 60,
        target: S::Approved,
    },
    Sample {
        filer: "he.na",
        title: "信贷审批材料摘要",
        scenario: "客户经理上传企业财报、流水与尽调报告，金融大模型生成授信审批摘要并标注风险点。",
        goals: "审批摘要准备时间从半天缩短到 30 分钟以内。",
        kpis: &[("关键风险点召回率", Comparator::AtLeast, 90.0, "%"), ("摘要生成时间", Comparator::AtMost, 120.0, "s")],
        priority: Priority::High,
        department: "金融事业部",
        wanted_in_days: 30,
        target: S::Assessed,
    },
    Sample {
        filer: "he.na",
        title: "反洗钱可疑交易报告说明生成",
        scenario: "合规岗确认可疑交易后，模型依据交易链路与客户画像起草可疑交易报告的文字说明。",
        goals: "说明符合监管报送格式，合规岗修改量减少一半。",
        kpis: &[("格式合规率", Comparator::AtLeast, 99.0, "%")],
        priority: Priority::Medium,
        department: "金融事业部",
        wanted_in_days: 75,
        target: S::UnderAssessment,
    },
    Sample {
        filer: "emily.carter",
        title: "Robo-advisor suitability wording check",
        scenario: "Before a robo-advisor answer reaches a retail client, the finance model checks it for unsuitable product recommendations and missing risk disclosures.",
        goals: "No unsuitable recommendation reaches a client; every answer carries the required risk disclosure.",
        kpis: &[("Violation recall", Comparator::AtLeast, 98.0, "%"), ("Added latency p95", Comparator::AtMost, 400.0, "ms")],
        priority: Priority::Critical,
        department: "Wealth Management",
        wanted_in_days: -5,
        target: S::Submitted,
    },
    Sample {
        filer: "he.na",
        title: "车险理赔单据信息抽取",
        scenario: "理赔员上传定损单、维修发票与事故认定书，模型抽取金额、责任比例等字段。",
        goals: "字段抽取准确率 96%，人工复核只看低置信度字段。",
        kpis: &[("字段准确率", Comparator::AtLeast, 96.0, "%")],
        priority: Priority::Medium,
        department: "保险事业部",
        wanted_in_days: 40,
        target: S::Returned,
    },
    Sample {
        filer: "liu.yang",
        title: "医保政策咨询机器人",
        scenario: "面向患者解答本地医保报销政策。",
        goals: "减少医保窗口咨询量。",
        kpis: &[("问题解决率", Comparator::AtLeast, 80.0, "%")],
        priority: Priority::Low,
        department: "医疗事业部",
        wanted_in_days: 90,
        target: S::Rejected,
    },
    Sample {
        filer: "emily.carter",
        title: "Customer-service call sentiment tagging",
        scenario: "Tag each recorded customer-service call of the credit-card centre with sentiment and complaint intent for the weekly quality review.",
        goals: "Replace manual sampling of 5 % of calls with full coverage.",
        kpis: &[("Sentiment F1", Comparator::AtLeast, 0.85, ""), ("Complaint intent recall", Comparator::AtLeast, 90.0, "%")],
        priority: Priority::Medium,
        department: "Card Services",
        wanted_in_days: 120,
        target: S::Draft,
    },
    Sample {
        filer: "he.na",
        title: "上市公司财报风险点识别",
        scenario: "投研团队批量解析上市公司年报，模型识别关联交易、商誉减值等风险信号。",
        goals: "覆盖沪深两市全部年报，风险信号人工确认率不低于 70%。",
        kpis: &[("风险信号精确率 precision", Comparator::AtLeast, 70.0, "%"), ("单份年报处理时间", Comparator::AtMost, 5.0, "min")],
        priority: Priority::High,
        department: "金融事业部",
        wanted_in_days: -10,
        target: S::Delivered,
    },
];

/// Files every sample (the clock walking forward four days between filings) and takes it to
/// its status; returns each filed requirement with its department.
pub fn create(
    clock: &ManualClock,
    now: DateTime<Utc>,
    open: &dyn Fn(&str) -> ApiResult<Session>,
    owner: UserId,
    rnd: &mut Session,
    pm: &mut Session,
) -> ApiResult<Vec<(RequirementId, &'static str)>> {
    let today = now.date_naive();
    // One login per person (each costs a key derivation).
    let mut filers = std::collections::HashMap::new();
    let mut filed = Vec::new();
    for (i, sample) in SAMPLES.iter().enumerate() {
        clock.set(now - Duration::days(55) + Duration::days(i as i64 * 4));
        if !filers.contains_key(sample.filer) {
            filers.insert(sample.filer, open(sample.filer)?);
        }
        let filer = filers
            .get_mut(sample.filer)
            .ok_or(CoreError::WrongCredentials)?;
        let draft = RequirementDraft {
            title: sample.title.into(),
            scenario: sample.scenario.into(),
            goals: sample.goals.into(),
            kpis: sample
                .kpis
                .iter()
                .map(|(m, c, t, u)| Kpi {
                    metric: (*m).into(),
                    comparator: *c,
                    target: *t,
                    unit: (*u).into(),
                })
                .collect(),
            priority: sample.priority,
            department: sample.department.into(),
            wanted_by: today + Duration::days(sample.wanted_in_days),
        };
        let submit = sample.target != S::Draft;
        let outcome = filer.execute(C::File { draft, submit })?;
        let id = RequirementId(outcome.entity.id);
        filed.push((id, sample.department));
        advance(id, sample, today, owner, filer, rnd, pm)?;
    }
    Ok(filed)
}

/// Takes a filed requirement along the real workflow until it reaches the sample's status.
fn advance(
    id: RequirementId,
    sample: &Sample,
    today: NaiveDate,
    owner: UserId,
    filer: &mut Session,
    rnd: &mut Session,
    pm: &mut Session,
) -> ApiResult<()> {
    let reached = |s: S| sample.target == s;
    if reached(S::Draft) || reached(S::Submitted) {
        return Ok(());
    }
    rnd.execute(C::StartAssessment { id })?;
    if reached(S::UnderAssessment) {
        rnd.execute(CommentCommand::Add {
            on: id.into(),
            body: "已拉取近三个月样本数据，评估预计本周内完成。".into(),
        })?;
        return Ok(());
    }
    let feasibility = if reached(S::Rejected) {
        Feasibility::NotFeasible
    } else {
        Feasibility::FeasibleWithConditions
    };
    rnd.execute(C::Assess {
        id,
        assessment: Assessment {
            feasibility,
            resources: "2 名算法工程师、1 名数据标注专员；A100 × 4 训练两周 / 2 ML engineers, 1 annotator, 4×A100 for two weeks".into(),
            effort_person_days: 40,
            plan: "基于领域基座模型做指令微调 (SFT)，构建 2,000 条标注评测集，上线前做离线评测与灰度发布。".into(),
            risks: "标注数据需脱敏后方可出域；业务方需指定评测验收人。".into(),
        },
    })?;
    if reached(S::Assessed) {
        return Ok(());
    }
    let decision = match sample.target {
        S::Rejected => Decision::Reject {
            reason: "政策口径各地差异大且更新频繁，现阶段投入产出比不足，建议先做 FAQ 检索。"
                .into(),
        },
        S::Returned => Decision::Return {
            reason: "请补充近半年各类单据的数量分布和现有人工差错率，便于确定验收指标。".into(),
        },
        _ => Decision::Approve,
    };
    pm.execute(C::Decide { id, decision })?;
    if matches!(sample.target, S::Rejected | S::Returned) {
        filer.execute(CommentCommand::Add {
            on: id.into(),
            body: "收到，我们整理数据后补充。".into(),
        })?;
        return Ok(());
    }
    let target_delivery = today + Duration::days(sample.wanted_in_days.max(-15));
    pm.execute(C::Plan {
        id,
        plan: DeliveryPlan {
            owner,
            milestones: vec![
                Milestone {
                    title: "评测集与验收标准确认".into(),
                    due: target_delivery - Duration::days(30),
                },
                Milestone {
                    title: "微调与离线评测 / fine-tuning and offline evaluation".into(),
                    due: target_delivery - Duration::days(10),
                },
            ],
            target_delivery,
        },
    })?;
    if reached(S::Approved) {
        return Ok(());
    }
    pm.execute(C::StartDevelopment { id })?;
    if reached(S::InDevelopment) {
        rnd.execute(CommentCommand::Add {
            on: id.into(),
            body: "第一轮微调完成，术语准确率 95.8%，继续扩充训练数据。".into(),
        })?;
        return Ok(());
    }
    rnd.execute(C::MarkDelivered { id })?;
    if reached(S::Delivered) {
        return Ok(());
    }
    pm.execute(C::Close { id })?;
    Ok(())
}
