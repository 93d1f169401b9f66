//! What a model's or an evaluation's event reads and touches beyond its own record, for the
//! shared workspace's server to refuse a decision taken on facts another desk changed
//! meanwhile (write skew). Going live or rolling back judges the version's latest recorded
//! evaluation (the gate) and the version itself: it reads the scope every evaluation of that
//! version touches, and the version's record. Derived from the event's images alone, so any
//! copy offering the event computes the same.

use crate::shared::scopes::Scopes;
use serde_json::Value;

/// The scope every evaluation of `version` touches.
fn evaluations_of(version: &str) -> String {
    format!("evaluations_of:{version}")
}

/// An evaluation's event touches its version's evaluations (whatever the action: a new run,
/// a sign-off or a rejection all change what the gate judges).
pub(crate) fn evaluation(before: Option<&Value>, after: Option<&Value>) -> Scopes {
    let version = after
        .or(before)
        .and_then(|image| image.get("model_version"))
        .and_then(Value::as_str);
    Scopes {
        reads: Vec::new(),
        touches: version.map(evaluations_of).into_iter().collect(),
    }
}

/// Going live and rolling back read what the gate judged for the version that is live after
/// them.
pub(crate) fn model(action: &str, after: Option<&Value>) -> Scopes {
    let judged = matches!(action, "model.go_live" | "model.rollback");
    let live = after
        .and_then(|image| image.get("live"))
        .and_then(Value::as_str)
        .filter(|_| judged);
    Scopes {
        reads: live
            .map(|v| vec![evaluations_of(v), format!("model_version:{v}")])
            .unwrap_or_default(),
        touches: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn going_live_reads_what_every_evaluation_of_its_version_touches() {
        let v = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
        let run = evaluation(None, Some(&json!({ "model_version": v, "version": 1 })));
        let live = model("model.go_live", Some(&json!({ "live": v, "version": 4 })));
        assert_eq!(run.touches.len(), 1);
        assert!(live.reads.contains(&run.touches[0]), "{live:?} {run:?}");
        assert!(live.reads.contains(&format!("model_version:{v}")));
        // Editing a model's description reads nothing beyond the model.
        let edit = model("model.edit", Some(&json!({ "live": v, "version": 5 })));
        assert_eq!(edit, Scopes::default());
    }
}
