//! The replication rules, checked on a lived-in workspace (the demo: requirements in every
//! status, users, comments), so every feature's records are covered:
//! - replaying the log in order, each update's before-image is exactly what the previous
//!   event of that record left, and its version is the one the update was based on;
//! - every record's last event carries its complete current image, so another copy can
//!   apply the change from the event alone.

use super::current_image;
use crate::{demo, store, KdfParams, KeySlots};
use chrono::{TimeZone, Utc};
use govbench_protocol::{EntityKind, EntityRef};
use serde_json::Value;
use std::collections::BTreeMap;

fn version(image: &Value) -> Option<u64> {
    image.get("version")?.as_u64()
}

#[test]
fn every_record_is_its_last_after_image_and_updates_chain_their_versions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.govbench");
    let now = Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap();
    demo::create(&path, KdfParams::TESTING, now).unwrap();
    // An export is the one kind the demo cannot make (it writes a file the user chooses).
    let mut auditor = crate::login(
        &path,
        "qian.hui",
        demo::PASSPHRASE,
        std::sync::Arc::new(crate::ManualClock::new(now)),
    )
    .unwrap();
    auditor
        .execute(govbench_protocol::AssessmentCommand::Export {
            quarter: "2026Q4".into(),
            kind: govbench_protocol::ExportKind::Report,
            lang: "zh-CN".into(),
            path: dir.path().join("report.pdf").display().to_string(),
        })
        .unwrap();
    drop(auditor);
    let key = KeySlots::load(&path)
        .unwrap()
        .unlock("admin", demo::PASSPHRASE)
        .unwrap()
        .keys
        .remove(0);
    let conn = store::open(&path, &key, &crate::schema::WORKSPACE).unwrap();

    let mut state: BTreeMap<EntityRef, Value> = BTreeMap::new();
    let mut updates = 0;
    let mut stmt = conn
        .prepare(
            "SELECT entity_type, entity_id, before, after FROM audit_events ORDER BY copy_id, seq",
        )
        .unwrap();
    let mut rows = stmt.query([]).unwrap();
    while let Some(row) = rows.next().unwrap() {
        let kind: String = row.get(0).unwrap();
        let id: String = row.get(1).unwrap();
        let entity = EntityRef {
            kind: EntityKind::from_key(&kind).unwrap_or_else(|| panic!("unknown kind {kind}")),
            id: id.parse().unwrap(),
        };
        let parse = |i: usize| -> Option<Value> {
            let text: Option<String> = row.get(i).unwrap();
            text.map(|t| serde_json::from_str(&t).unwrap())
        };
        let (before, after) = (parse(2), parse(3));
        let after = after.unwrap_or_else(|| panic!("{entity}: event without an after-image"));
        match before {
            None => assert_eq!(version(&after), Some(1), "{entity} created at v1"),
            Some(before) => {
                updates += 1;
                assert_eq!(
                    state.get(&entity),
                    Some(&before),
                    "{entity}: before-image differs from what the log left"
                );
                assert_eq!(
                    version(&after),
                    version(&before).map(|v| v + 1),
                    "{entity}: version does not follow its base"
                );
            }
        }
        state.insert(entity, after);
    }
    assert!(updates > 20, "the demo has a lived-in history ({updates})");
    let kinds: std::collections::BTreeSet<EntityKind> = state.keys().map(|e| e.kind).collect();
    assert_eq!(
        kinds.len(),
        EntityKind::ALL.len(),
        "every kind is covered: {kinds:?}"
    );
    for (entity, image) in &state {
        assert_eq!(
            current_image(&conn, *entity).unwrap().as_ref(),
            Some(image),
            "{entity}: the stored record is not its last after-image"
        );
    }
}
