//! The scorecard of a quarter: one section per policy area, each computed by the feature
//! module that owns the area (its `assessment.rs`), in the policy's order. The assessment reads
//! every area; no area reads the assessment.

use crate::error::CoreResult;
use crate::features::{drills, incidents, models, requirements, users};
use crate::shared::quarters::Span;
use govbench_protocol::{PolicyArea, Scorecard, Section};
use rusqlite::Connection;

pub fn compute(conn: &Connection, span: &Span) -> CoreResult<Scorecard> {
    let (from, to) = span.days();
    Ok(Scorecard {
        quarter: span.key.clone(),
        from,
        to,
        computed_at: span.now,
        sections: PolicyArea::ALL
            .into_iter()
            .map(|area| section(conn, area, span))
            .collect::<CoreResult<_>>()?,
    })
}

/// The section of a policy area, computed by the feature module that owns it. One arm per
/// area: a new module adds its area and its section here.
fn section(conn: &Connection, area: PolicyArea, span: &Span) -> CoreResult<Section> {
    match area {
        PolicyArea::Requirements => requirements::assessment::section(conn, span),
        PolicyArea::Evaluations => models::assessment::section(conn, span),
        PolicyArea::Incidents => incidents::assessment::section(conn, span),
        PolicyArea::Drills => drills::assessment::section(conn, span),
        PolicyArea::Security => users::assessment::section(conn, span),
    }
}
