//! The scorecard of a quarter: one section per policy area, each computed by the feature
//! module that owns the area (`features::assessment_section`), in the policy's order.

use crate::error::CoreResult;
use crate::features;
use crate::shared::quarters::Span;
use govbench_protocol::{PolicyArea, Scorecard};
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
            .map(|area| features::assessment_section(conn, area, span))
            .collect::<CoreResult<_>>()?,
    })
}
