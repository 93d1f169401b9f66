//! Long comment threads and histories come a page at a time: the most recent page with the
//! record, earlier pages on demand, every item exactly once and in order.

mod common;

use common::{file, Fixture};
use govbench_core::generator;
use govbench_protocol::{CommentCommand, RecentRequest, RequirementCommand, Role};

#[test]
fn a_long_thread_pages_back_to_its_first_comment() {
    let fx = Fixture::new();
    let mut biz = fx.login(Role::Business);
    let id = file(&mut biz, "评论很多的需求");
    let actor = biz.user().id;
    let copy = biz.copy_id().to_owned();
    let signer = biz.secret().unwrap().clone();
    let start = common::start() - chrono::Duration::days(1);
    generator::seed_comments(
        biz.connection_for_tools(),
        &copy,
        (actor, &signer),
        id.into(),
        start,
        117,
    )
    .unwrap();
    biz.execute(CommentCommand::Add {
        on: id.into(),
        body: "最新一条 the newest".into(),
    })
    .unwrap();

    let detail = biz.requirement(id).unwrap();
    assert_eq!(detail.comments.total, 118);
    assert_eq!(detail.comments.items.len(), 50);
    assert_eq!(
        detail.comments.items.last().map(|c| c.body.as_str()),
        Some("最新一条 the newest")
    );
    let mut all = detail.comments.items.clone();
    let mut before = detail.comments.earlier.clone();
    while let Some(cursor) = before {
        let page = biz
            .comments(&RecentRequest {
                of: id.into(),
                before: Some(cursor),
            })
            .unwrap();
        assert_eq!(page.total, 118);
        let mut older = page.items;
        older.extend(all);
        all = older;
        before = page.earlier;
    }
    assert_eq!(all.len(), 118);
    let bodies: Vec<&str> = all.iter().map(|c| c.body.as_str()).collect();
    assert_eq!(bodies[0], "评论 comment 0");
    let mut ids: Vec<_> = all.iter().map(|c| c.id).collect();
    ids.dedup();
    assert_eq!(ids.len(), 118, "no comment twice");
    assert!(all.windows(2).all(|w| w[0].at <= w[1].at), "oldest first");
    // A cursor that is not one gives the most recent page, not an error.
    let page = biz
        .comments(&RecentRequest {
            of: id.into(),
            before: Some("nonsense".into()),
        })
        .unwrap();
    assert_eq!(page.items.len(), 50);
}

#[test]
fn history_pages_the_same_way() {
    let fx = Fixture::new();
    let mut biz = fx.login(Role::Business);
    let id = file(&mut biz, "来回修改 edited often");
    for i in 0..60 {
        biz.execute(RequirementCommand::Edit {
            id,
            draft: common::draft(&format!("修改 {i}")),
        })
        .unwrap_err(); // a submitted requirement cannot be edited: nothing is written
    }
    let id = govbench_protocol::RequirementId(
        biz.execute(RequirementCommand::File {
            draft: common::draft("草稿 draft"),
            submit: false,
        })
        .unwrap()
        .entity
        .id,
    );
    for i in 0..60 {
        biz.execute(RequirementCommand::Edit {
            id,
            draft: common::draft(&format!("修改 {i}")),
        })
        .unwrap();
    }
    let detail = biz.requirement(id).unwrap();
    assert_eq!(detail.history.total, 61);
    assert_eq!(detail.history.items.len(), 50);
    let page = biz
        .history(&RecentRequest {
            of: id.into(),
            before: detail.history.earlier.clone(),
        })
        .unwrap();
    assert_eq!(page.items.len(), 11);
    assert_eq!(page.items[0].action, "requirement.file");
    assert_eq!(page.earlier, None);
    // Reading a history needs the record's read permission like the record itself.
    let users = fx.login(Role::Auditor);
    assert!(users
        .history(&RecentRequest {
            of: biz.user().id.into(),
            before: None,
        })
        .is_ok());
}
