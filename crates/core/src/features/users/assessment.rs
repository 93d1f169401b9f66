//! The security section of the quarterly assessment (policy §2.2.2: role-based access, a
//! real-time operation log, permissions audited once a quarter): the quarter's slice of the
//! audit chain checked (every hash and link), its events counted, who was added, removed or
//! re-keyed, and the members and roles as they stand — the list the quarterly permission
//! audit signs off.

use super::store;
use crate::audit;
use crate::error::CoreResult;
use crate::shared::quarters::{self, Span};
use crate::shared::scorecard::{self as sc, key, text};
use govbench_protocol::{
    Cell, DataTable, Figure, MetricStatus, PolicyArea, Role, Section, Target, TargetOp, UserId,
};
use rusqlite::Connection;

pub fn section(conn: &Connection, span: &Span) -> CoreResult<Section> {
    let events = audit::sealed_between(conn, span.start, span.end)?;
    let before = audit::hashes_before(conn, &events)?;
    let broken = audit::broken_links(&events, &before);
    let chain = sc::with_status(
        "metric.security.chain_broken",
        Figure::Count(broken.len() as u64),
        Some(Target {
            op: TargetOp::AtMost,
            value: Figure::Count(0),
        }),
        if broken.is_empty() {
            MetricStatus::Met
        } else {
            MetricStatus::Missed
        },
    );
    let changes = quarters::facts(conn, span, super::ENTITY)?;
    let count = |action: &str| changes.iter().filter(|f| f.action == action).count() as u64;
    let members = store::list(conn)?;
    let admins = members.iter().filter(|m| m.role == Role::Admin).count();
    let metrics = vec![
        chain,
        sc::info("metric.security.events", Figure::Count(events.len() as u64)),
        sc::info(
            "metric.security.members_added",
            Figure::Count(count("user.create")),
        ),
        sc::info(
            "metric.security.members_removed",
            Figure::Count(count("user.remove")),
        ),
        sc::info(
            "metric.security.keys_rotated",
            Figure::Count(count("user.rotate_key")),
        ),
        sc::info(
            "metric.security.members",
            Figure::Count(members.len() as u64),
        ),
        sc::info("metric.security.admins", Figure::Count(admins as u64)),
    ];
    let mut rows = Vec::new();
    for f in &changes {
        let who = match f.entity_id.parse::<UserId>() {
            Ok(id) => store::find_any(conn, id)?,
            Err(_) => None,
        };
        rows.push(vec![
            Cell::Date(f.at.with_timezone(&span.zone).date_naive()),
            key(format!("action.{}", f.action)),
            text(
                who.as_ref()
                    .map_or_else(|| f.entity_id.clone(), |u| u.display_name.clone()),
            ),
            who.map_or(Cell::Figure(Figure::NoData), |u| {
                key(format!("role.{}", u.role.key()))
            }),
            text(f.actor_name.clone()),
        ]);
    }
    let tables = vec![
        DataTable {
            title: "table.security.member_changes".into(),
            columns: [
                "column.date",
                "column.action",
                "column.member",
                "column.role",
                "column.by",
            ]
            .map(str::to_owned)
            .to_vec(),
            rows,
        },
        DataTable {
            title: "table.security.members".into(),
            columns: ["column.member", "column.account", "column.role"]
                .map(str::to_owned)
                .to_vec(),
            rows: members
                .iter()
                .map(|m| {
                    vec![
                        text(m.display_name.clone()),
                        text(m.name.clone()),
                        key(format!("role.{}", m.role.key())),
                    ]
                })
                .collect(),
        },
    ];
    Ok(Section {
        area: PolicyArea::Security,
        metrics,
        tables,
        charts: Vec::new(),
    })
}
