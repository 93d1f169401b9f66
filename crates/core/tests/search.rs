//! Searching requirements through the API: Chinese by any substring (one, two or more
//! characters), other scripts by word beginnings, combined with the list's filters, on few
//! matches (looked up one by one) and on many (walked in sort order) alike.

mod common;

use common::{draft, Fixture};
use govbench_core::Session;
use govbench_protocol::{
    ErrorCode, RequirementCommand, RequirementId, RequirementQuery, RequirementSort,
    RequirementStatus, Role,
};

fn titles(session: &govbench_core::Session, query: RequirementQuery) -> (Vec<String>, u64) {
    let page = session.requirements(&query).unwrap();
    (
        page.items.into_iter().map(|i| i.title).collect(),
        page.total,
    )
}

fn text(t: &str) -> RequirementQuery {
    RequirementQuery {
        text: Some(t.into()),
        sort: RequirementSort::TitleAsc,
        ..Default::default()
    }
}

#[test]
fn chinese_is_found_by_any_substring_and_words_by_their_beginning() {
    let fx = Fixture::new();
    let mut biz = fx.login(Role::Business);
    for (title, department) in [
        ("门诊病历智能质控", "医疗事业部"),
        ("医学影像报告辅助生成 Radiology", "医疗事业部"),
        ("信贷审批材料摘要 credit memo", "金融事业部"),
        ("Café menu 中医", "Card Services"),
    ] {
        let mut d = draft(title);
        d.department = department.into();
        d.scenario = "场景".into();
        d.goals = "目标".into();
        biz.execute(RequirementCommand::File {
            draft: d,
            submit: true,
        })
        .unwrap();
    }
    let auditor = fx.login(Role::Auditor);
    let find = |t: &str| titles(&auditor, text(t)).0;
    assert_eq!(find("病历"), ["门诊病历智能质控"]);
    assert_eq!(find("智能质控"), ["门诊病历智能质控"]);
    assert_eq!(find("质"), ["门诊病历智能质控"]);
    assert_eq!(
        find("医"),
        [
            "Café menu 中医",
            "医学影像报告辅助生成 Radiology",
            "门诊病历智能质控"
        ],
        "one character: also where it ends a run (中医) and in the department (医疗事业部)"
    );
    assert_eq!(find("金融"), ["信贷审批材料摘要 credit memo"], "department");
    assert_eq!(find("radio"), ["医学影像报告辅助生成 Radiology"]);
    assert_eq!(find("MEMO 信贷"), ["信贷审批材料摘要 credit memo"]);
    assert_eq!(find("cafe"), ["Café menu 中医"]);
    assert!(find("影像生成").is_empty(), "not a substring");
    assert!(find("%_").is_empty(), "punctuation alone finds nothing");
    assert!(find("emo").is_empty(), "words match by their beginning");
    // Search combines with the other filters.
    let (found, total) = titles(
        &auditor,
        RequirementQuery {
            text: Some("医".into()),
            department: Some("医疗事业部".into()),
            ..Default::default()
        },
    );
    assert_eq!(total, 2);
    assert_eq!(found.len(), 2);
}

#[test]
fn editing_a_requirement_reindexes_it_in_the_same_transaction() {
    let fx = Fixture::new();
    let mut biz = fx.login(Role::Business);
    let outcome = biz
        .execute(RequirementCommand::File {
            draft: draft("药物相互作用问答"),
            submit: false,
        })
        .unwrap();
    let id = govbench_protocol::RequirementId(outcome.entity.id);
    biz.execute(RequirementCommand::Edit {
        id,
        draft: draft("医保政策咨询机器人"),
    })
    .unwrap();
    assert!(titles(&biz, text("相互作用")).0.is_empty());
    assert_eq!(titles(&biz, text("医保")).0, ["医保政策咨询机器人"]);
    // A refused edit (validation) leaves the index as it was.
    let mut bad = draft("反洗钱");
    bad.goals = String::new();
    assert!(biz
        .execute(RequirementCommand::Edit { id, draft: bad })
        .is_err());
    assert!(titles(&biz, text("反洗钱")).0.is_empty());
    assert_eq!(titles(&biz, text("医保")).0, ["医保政策咨询机器人"]);
}

/// Thousands of generated requirements: a rare word (looked up match by match) and a word in
/// every record (walked in sort order) give the same pages and totals as filtering by hand.
#[test]
fn few_and_many_matches_give_the_same_answers_as_a_full_scan() {
    let fx = Fixture::new();
    let mut admin = fx.login(Role::Admin);
    let mut last = (0, 0);
    admin
        .generate(3_000, 3_000, &mut |written, total| last = (written, total))
        .unwrap();
    // The progress counts toward the total it ends at (each requirement is filed and taken
    // along its lifecycle: more events than asked for).
    assert_eq!(last.0, last.1);
    assert_eq!(
        last.1,
        govbench_core::generator::events_written(3_000, 3_000)
    );
    assert!(last.1 > 3_000, "{last:?}");
    drop(admin);
    let auditor = fx.login(Role::Auditor);
    let everything = {
        let mut all = Vec::new();
        let mut query = RequirementQuery {
            limit: 500,
            ..Default::default()
        };
        loop {
            let page = auditor.requirements(&query).unwrap();
            let n = page.items.len() as u32;
            all.extend(page.items);
            if n < query.limit {
                break;
            }
            query.offset += n;
        }
        all
    };
    assert_eq!(everything.len(), 3_000);
    for (word, expect_many) in [("影像", false), ("scenario", true), ("病历", false)] {
        for status in [None, Some(RequirementStatus::Submitted)] {
            let page = auditor
                .requirements(&RequirementQuery {
                    text: Some(word.into()),
                    status,
                    ..Default::default()
                })
                .unwrap();
            let by_hand: Vec<_> = everything
                .iter()
                .filter(|r| status.is_none_or(|s| r.status == s))
                .filter(|r| {
                    let detail = auditor.requirement(r.id).unwrap().requirement.draft;
                    [
                        detail.title,
                        detail.scenario,
                        detail.goals,
                        detail.department,
                    ]
                    .iter()
                    .any(|t| t.to_lowercase().contains(word))
                })
                .collect();
            assert_eq!(page.total as usize, by_hand.len(), "{word} {status:?}");
            assert_eq!(
                page.total > 2_000,
                expect_many && status.is_none(),
                "{word}"
            );
            let shown: Vec<_> = page.items.iter().map(|r| r.id).collect();
            let expected: Vec<_> = by_hand.iter().take(50).map(|r| r.id).collect();
            assert_eq!(
                shown, expected,
                "{word} {status:?}: first page, newest first"
            );
            let read_on = every_page(
                &auditor,
                RequirementQuery {
                    text: Some(word.into()),
                    status,
                    limit: 97,
                    ..Default::default()
                },
            );
            let expected: Vec<_> = by_hand.iter().map(|r| r.id).collect();
            assert_eq!(read_on, expected, "{word} {status:?}: every page by cursor");
        }
    }
    // Every order reads on from its cursor to the same list the offsets give.
    for sort in RequirementSort::ALL {
        let by_offset = {
            let mut all = Vec::new();
            let mut query = RequirementQuery {
                sort,
                limit: 500,
                ..Default::default()
            };
            loop {
                let page = auditor.requirements(&query).unwrap();
                let n = page.items.len() as u32;
                all.extend(page.items.into_iter().map(|r| r.id));
                if n < query.limit {
                    break all;
                }
                query.offset += n;
            }
        };
        let by_cursor = every_page(
            &auditor,
            RequirementQuery {
                sort,
                limit: 333,
                ..Default::default()
            },
        );
        assert_eq!(by_cursor.len(), 3_000, "{sort:?}");
        assert_eq!(by_cursor, by_offset, "{sort:?}");
    }
}

/// Every page of `query`, each read on from the previous page's cursor; the last page says
/// nothing follows.
fn every_page(session: &Session, mut query: RequirementQuery) -> Vec<RequirementId> {
    let mut all = Vec::new();
    loop {
        let page = session.requirements(&query).unwrap();
        assert!(page.items.len() <= query.limit as usize);
        all.extend(page.items.iter().map(|r| r.id));
        match page.next {
            Some(next) => {
                assert_eq!(
                    page.items.len(),
                    query.limit as usize,
                    "a full page before more"
                );
                query.after = Some(next);
            }
            None => return all,
        }
    }
}

/// A cursor the app did not hand out is refused as the field it came in, in words.
#[test]
fn a_made_up_cursor_is_refused_as_the_after_field() {
    let fx = Fixture::new();
    let auditor = fx.login(Role::Auditor);
    for after in ["7", "[\"x\"]", "[1, 2, 3, 4, 5]"] {
        let refused = auditor
            .requirements(&RequirementQuery {
                after: Some(after.into()),
                ..Default::default()
            })
            .unwrap_err();
        assert_eq!(refused.code, ErrorCode::Validation, "{after}");
        assert_eq!(refused.details["after"], "rule.not_a_cursor", "{after}");
    }
}

/// The generator writes around the write path, so its door is an Admin's only, and a refusal
/// writes nothing.
#[test]
fn only_an_admin_may_generate() {
    let fx = Fixture::new();
    let mut biz = fx.login(Role::Business);
    let refused = biz.generate(10, 10, &mut |_, _| {}).unwrap_err();
    assert_eq!(refused.code, ErrorCode::Forbidden);
    let auditor = fx.login(Role::Auditor);
    assert_eq!(titles(&auditor, RequirementQuery::default()).1, 0);
}
