//! What an assessment's event reads and touches beyond its own record, for the shared
//! workspace's server to refuse a second assessment of one quarter: opening one reads and
//! touches its quarter, so of two desks opening the same quarter at once the server places
//! the first and turns the other down as changed meanwhile. Derived from the event's images
//! alone, so any copy offering the event computes the same.

use crate::shared::scopes::Scopes;
use serde_json::Value;

pub(crate) fn assessment(action: &str, after: Option<&Value>) -> Scopes {
    let quarter = after
        .and_then(|image| image.get("quarter"))
        .and_then(Value::as_str)
        .filter(|_| action == "assessment.open");
    match quarter {
        Some(quarter) => {
            let scope = format!("assessment_of:{quarter}");
            Scopes {
                reads: vec![scope.clone()],
                touches: vec![scope],
            }
        }
        None => Scopes::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn opening_a_quarter_reads_what_opening_it_touches() {
        let opened = assessment(
            "assessment.open",
            Some(&json!({ "quarter": "2026-Q4", "version": 1 })),
        );
        assert_eq!(opened.reads, opened.touches);
        assert_eq!(opened.reads, ["assessment_of:2026-Q4"]);
        // The meeting's record is the assessment's own business.
        let saved = assessment(
            "assessment.save_meeting",
            Some(&json!({ "quarter": "2026-Q4", "version": 2 })),
        );
        assert_eq!(saved, Scopes::default());
    }
}
