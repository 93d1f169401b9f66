//! The built-in drill templates, shipped in `assets/drills/` (one JSON file per scenario, in
//! zh-CN and English) and compiled in, so the library is there offline and on a fresh
//! workspace. Every template is checked when it is read: a broken one is a build defect,
//! reported by the tests, never a half-shown drill.

use super::validate::MAX_TARGET_MINUTES;
use crate::error::{CoreError, CoreResult};
use govbench_protocol::{DrillTemplate, LocalText};

const FILES: &[(&str, &str)] = &[
    (
        "harmful-output",
        include_str!("../../../../../assets/drills/harmful-output.json"),
    ),
    (
        "sensitive-data",
        include_str!("../../../../../assets/drills/sensitive-data.json"),
    ),
    (
        "latency-outage",
        include_str!("../../../../../assets/drills/latency-outage.json"),
    ),
    (
        "kpi-degradation",
        include_str!("../../../../../assets/drills/kpi-degradation.json"),
    ),
    (
        "prompt-injection",
        include_str!("../../../../../assets/drills/prompt-injection.json"),
    ),
    (
        "emergency-rollback",
        include_str!("../../../../../assets/drills/emergency-rollback.json"),
    ),
    (
        "key-loss-restore",
        include_str!("../../../../../assets/drills/key-loss-restore.json"),
    ),
];

/// Every built-in template, in the library's order.
pub fn templates() -> CoreResult<Vec<DrillTemplate>> {
    FILES.iter().map(|(id, json)| parse(id, json)).collect()
}

fn parse(id: &str, json: &str) -> CoreResult<DrillTemplate> {
    let bad = |why: String| CoreError::Malformed(format!("drill template {id}: {why}"));
    let template: DrillTemplate = serde_json::from_str(json).map_err(|e| bad(e.to_string()))?;
    if template.id != id {
        return Err(bad(format!("names itself {}", template.id)));
    }
    let texts = std::iter::once(&template.title)
        .chain(std::iter::once(&template.scenario))
        .chain(&template.objectives)
        .chain(template.participants.iter().map(|p| &p.duty))
        .chain(template.steps.iter().map(|s| &s.title))
        .chain(&template.success_criteria);
    let blank = |t: &LocalText| t.zh_cn.trim().is_empty() || t.en.trim().is_empty();
    if texts.clone().any(blank) {
        return Err(bad("a text is missing in one language".into()));
    }
    if template.objectives.is_empty()
        || template.participants.is_empty()
        || template.steps.is_empty()
        || template.success_criteria.is_empty()
    {
        return Err(bad(
            "objectives, participants, steps and criteria are all required".into(),
        ));
    }
    if let Some(step) = template
        .steps
        .iter()
        .find(|s| s.target_minutes == 0 || s.target_minutes > MAX_TARGET_MINUTES)
    {
        return Err(bad(format!("target {} min", step.target_minutes)));
    }
    // Every step is someone's: its role takes part.
    if let Some(step) = template
        .steps
        .iter()
        .find(|s| !template.participants.iter().any(|p| p.role == s.role))
    {
        return Err(bad(format!("{:?} has a step but takes no part", step.role)));
    }
    Ok(template)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_library_covers_every_scenario_the_policy_names_in_both_languages() {
        let all = templates().unwrap();
        let ids: Vec<&str> = all.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "harmful-output",
                "sensitive-data",
                "latency-outage",
                "kpi-degradation",
                "prompt-injection",
                "emergency-rollback",
                "key-loss-restore"
            ]
        );
        for t in &all {
            assert!(t.steps.len() >= 4, "{}", t.id);
            assert!(
                t.title.get("zh-CN").chars().any(|c| c > '\u{2E80}'),
                "{}",
                t.id
            );
            assert!(t.title.get("en").is_ascii(), "{}", t.id);
        }
    }

    #[test]
    fn a_broken_template_is_refused_with_its_name() {
        let good = FILES[0].1;
        let renamed = good.replacen("\"harmful-output\"", "\"other\"", 1);
        assert!(parse("harmful-output", &renamed).is_err());
        let no_english = good.replacen(
            "\"en\": \"Harmful or false domain output reaches users\"",
            "\"en\": \" \"",
            1,
        );
        let err = parse("harmful-output", &no_english)
            .unwrap_err()
            .to_string();
        assert!(err.contains("harmful-output"), "{err}");
        assert!(parse("harmful-output", "{").is_err());
    }
}
