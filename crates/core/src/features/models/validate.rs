use super::store::{self, name_key};
use crate::error::CoreResult;
use crate::features::requirements;
use crate::members;
use crate::shared::validate::Check;
use govbench_protocol::{
    EvaluationMeta, Evaluator, KpiPolicy, ManualValue, ModelDraft, ModelId, RequirementLink,
    UserId, VersionDraft,
};
use rusqlite::Connection;

/// KPIs per policy, remembered mappings, requirement links and hand-typed values: more is not
/// something a person reviews, and each is carried in every audit image of its record.
pub const MAX_KPIS: usize = 50;
pub const MAX_MAPPINGS: usize = 1_000;
pub const MAX_LINKS: usize = 500;
pub const MAX_MANUAL_VALUES: usize = 500;
/// Thresholds, allowances and values: ±10¹² holds every real metric (ms, counts, fractions).
pub const VALUE_LIMIT: f64 = 1e12;
/// A justification shorter than this is not one.
pub const MIN_JUSTIFICATION_CHARS: usize = 20;

fn active_user(conn: &Connection, check: &mut Check, field: &str, id: UserId) -> CoreResult<()> {
    if members::find(conn, id)?.is_none() {
        check.fail(field, "unknown_user");
    }
    Ok(())
}

pub fn model(conn: &Connection, draft: &ModelDraft, editing: Option<ModelId>) -> CoreResult<()> {
    let mut check = Check::new();
    check
        .text("name", &draft.name, 100)
        .text("domain", &draft.domain, 60)
        .optional_text("business_department", &draft.business_department, 100)
        .optional_multiline("description", &draft.description, 10_000);
    if !check.has("name")
        && store::models_named(conn, &draft.name)?
            .iter()
            .any(|m| Some(m.id) != editing)
    {
        check.fail("name", "name_taken");
    }
    if let Some(owner) = draft.rnd_owner {
        active_user(conn, &mut check, "rnd_owner", owner)?;
    }
    check.finish()
}

fn is_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 40
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

pub fn policy(policy: &KpiPolicy) -> CoreResult<()> {
    let mut check = Check::new();
    check.count("kpis", policy.kpis.len(), MAX_KPIS).count(
        "mappings",
        policy.mappings.len(),
        MAX_MAPPINGS,
    );
    if policy.kpis.is_empty() {
        check.fail("kpis", "no_kpis");
    }
    for (i, kpi) in policy.kpis.iter().enumerate().take(MAX_KPIS) {
        let at = |f: &str| format!("kpis.{i}.{f}");
        if !is_key(&kpi.key) {
            check.fail(at("key"), "not_a_key");
        } else if policy.kpis[..i].iter().any(|k| k.key == kpi.key) {
            check.fail(at("key"), "duplicate");
        }
        check
            .text(at("name"), &kpi.name, 100)
            .number(at("threshold"), kpi.threshold, -VALUE_LIMIT, VALUE_LIMIT)
            .optional_text(at("unit"), &kpi.unit, 20);
        if let Some(abs) = kpi.max_drop_abs {
            check.number(at("max_drop_abs"), abs, 0.0, VALUE_LIMIT);
        }
        if let Some(rel) = kpi.max_drop_rel {
            check.number(at("max_drop_rel"), rel, 0.0, 100.0);
        }
        if let Some(gap) = kpi.max_group_gap {
            check.number(at("max_group_gap"), gap, 0.0, VALUE_LIMIT);
        }
        if kpi.min_samples.is_some_and(|n| n > 1_000_000_000_000) {
            check.fail(at("min_samples"), "out_of_range");
        }
    }
    for (i, m) in policy.mappings.iter().enumerate().take(MAX_MAPPINGS) {
        check
            .optional_text(format!("mappings.{i}.task"), &m.task, 200)
            .text(format!("mappings.{i}.metric"), &m.metric, 200);
        if policy.kpi(&m.kpi).is_none() {
            check.fail(format!("mappings.{i}.kpi"), "unknown_kpi");
        }
    }
    check.finish()
}

pub fn links(conn: &Connection, model: ModelId, links: &[RequirementLink]) -> CoreResult<()> {
    let mut check = Check::new();
    check.count("links", links.len(), MAX_LINKS);
    for (i, link) in links.iter().enumerate().take(MAX_LINKS) {
        if !requirements::exists(conn, link.requirement)? {
            check.fail(format!("links.{i}.requirement"), "unknown_requirement");
        }
        if let Some(version) = link.version {
            if store::find_version(conn, version)?.is_none_or(|v| v.model != model) {
                check.fail(format!("links.{i}.version"), "not_this_model");
            }
        }
    }
    check.finish()
}

/// A Git remote as Git accepts one: a URL (`https://`, `ssh://`, `git://`, `file://`) or the
/// scp-like `user@host:path`.
fn is_git_remote(url: &str) -> bool {
    let url = url.trim();
    let schemes = ["https://", "http://", "ssh://", "git://", "file://"];
    let scp_like = url
        .split_once(':')
        .is_some_and(|(host, path)| host.contains('@') && !host.contains('/') && !path.is_empty());
    (schemes
        .iter()
        .any(|s| url.starts_with(s) && url.len() > s.len())
        || scp_like)
        && !url.chars().any(char::is_whitespace)
}

/// An abbreviated or full Git object name (SHA-1 or SHA-256).
fn is_commit(commit: &str) -> bool {
    (7..=64).contains(&commit.len()) && commit.chars().all(|c| c.is_ascii_hexdigit())
}

pub fn version(
    conn: &Connection,
    model: ModelId,
    draft: &VersionDraft,
    editing: Option<govbench_protocol::ModelVersionId>,
) -> CoreResult<()> {
    let mut check = Check::new();
    check
        .text("label", &draft.label, 60)
        .text("code_repo", &draft.code_repo, 500)
        .text("code_commit", &draft.code_commit, 64)
        .optional_text("config_repo", &draft.config_repo, 500)
        .optional_text("config_commit", &draft.config_commit, 64)
        .optional_text("base_model", &draft.base_model, 200)
        .optional_multiline("training_data", &draft.training_data, 10_000)
        .optional_multiline("release_notes", &draft.release_notes, 20_000);
    if !check.has("code_repo") && !is_git_remote(&draft.code_repo) {
        check.fail("code_repo", "not_a_git_remote");
    }
    if !check.has("code_commit") && !is_commit(draft.code_commit.trim()) {
        check.fail("code_commit", "not_a_commit");
    }
    if !draft.config_repo.trim().is_empty() && !is_git_remote(&draft.config_repo) {
        check.fail("config_repo", "not_a_git_remote");
    }
    if !draft.config_commit.trim().is_empty() && !is_commit(draft.config_commit.trim()) {
        check.fail("config_commit", "not_a_commit");
    }
    if !check.has("label")
        && store::versions_of(conn, model)?
            .iter()
            .any(|v| name_key(&v.draft.label) == name_key(&draft.label) && Some(v.id) != editing)
    {
        check.fail("label", "name_taken");
    }
    check.finish()
}

/// At most this many files in one import.
pub const MAX_SOURCES: usize = 5_000;

pub fn import_size(
    sources: &[govbench_protocol::ImportSource],
    mappings: &[govbench_protocol::MetricMapping],
) -> CoreResult<()> {
    let mut check = Check::new();
    check.count("sources", sources.len(), MAX_SOURCES).count(
        "mappings",
        mappings.len(),
        MAX_MAPPINGS,
    );
    for (i, m) in mappings.iter().enumerate().take(MAX_MAPPINGS) {
        check
            .optional_text(format!("mappings.{i}.task"), &m.task, 200)
            .text(format!("mappings.{i}.metric"), &m.metric, 200)
            .optional_text(format!("mappings.{i}.kpi"), &m.kpi, 40);
    }
    check.finish()
}

/// An evaluation's facts. Its date may not lie in the future (a day's grace for time zones):
/// a date ahead would stay "the latest" and skew the monthly coverage.
pub fn meta(meta: &EvaluationMeta, now: chrono::DateTime<chrono::Utc>) -> CoreResult<()> {
    let mut check = Check::new();
    check.date("date", meta.date);
    if meta.date > now.date_naive() + chrono::Duration::days(1) {
        check.fail("date", "date_in_future");
    }
    check
        .text("dataset", &meta.dataset, 200)
        .optional_text("model_revision", &meta.model_revision, 200)
        .optional_multiline("notes", &meta.notes, 10_000);
    if let Evaluator::ThirdParty {
        organisation,
        assessor,
        report,
    } = &meta.evaluator
    {
        check
            .text("evaluator.organisation", organisation, 200)
            .text("evaluator.assessor", assessor, 200)
            .text("evaluator.report", report, 500);
    }
    check.finish()
}

pub fn manual(policy: &KpiPolicy, values: &[ManualValue]) -> CoreResult<()> {
    let mut check = Check::new();
    check.count("values", values.len(), MAX_MANUAL_VALUES);
    if values.is_empty() {
        check.fail("values", "no_values");
    }
    for (i, v) in values.iter().enumerate().take(MAX_MANUAL_VALUES) {
        let at = |f: &str| format!("values.{i}.{f}");
        if policy.kpi(&v.kpi).is_none() {
            check.fail(at("kpi"), "unknown_kpi");
        }
        check.number(at("value"), v.value, -VALUE_LIMIT, VALUE_LIMIT);
        if let Some(se) = v.stderr {
            check.number(at("stderr"), se, 0.0, VALUE_LIMIT);
        }
        if v.n.is_some_and(|n| n as f64 > VALUE_LIMIT) {
            check.fail(at("n"), "out_of_range");
        }
        if let Some(group) = &v.group {
            check.text(at("group"), group, 100);
        }
    }
    check.finish()
}

pub fn justification(text: &str) -> CoreResult<()> {
    let mut check = Check::new();
    check.multiline("justification", text, 10_000);
    if !check.has("justification") && text.trim().chars().count() < MIN_JUSTIFICATION_CHARS {
        check.fail("justification", "too_short");
    }
    check.finish()
}

pub fn reason(field: &str, text: &str, required: bool) -> CoreResult<()> {
    let mut check = Check::new();
    if required {
        check.multiline(field, text, 10_000);
    } else {
        check.optional_multiline(field, text, 10_000);
    }
    check.finish()
}

pub fn decision(
    conn: &Connection,
    rationale: &str,
    owner: UserId,
    due: chrono::NaiveDate,
) -> CoreResult<()> {
    let mut check = Check::new();
    check
        .multiline("rationale", rationale, 10_000)
        .date("due", due);
    active_user(conn, &mut check, "owner", owner)?;
    check.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_remotes_and_commits_as_git_takes_them() {
        for ok in [
            "https://git.example.com/med/model.git",
            "ssh://git@host:2222/x.git",
            "git@github.com:org/repo.git",
            "file:///srv/git/model",
        ] {
            assert!(is_git_remote(ok), "{ok}");
        }
        for bad in [
            "",
            "model",
            "https://",
            "C:\\repo",
            "https://a b",
            "host:path",
        ] {
            assert!(!is_git_remote(bad), "{bad}");
        }
        assert!(is_commit("1a2b3c4"));
        assert!(is_commit(&"a".repeat(64)));
        assert!(!is_commit("1a2b3c"));
        assert!(!is_commit("main"));
    }
}
