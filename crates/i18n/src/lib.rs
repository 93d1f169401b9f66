//! Translations. Both catalogues live in `assets/i18n/*.json` as flat `key → text` maps and are
//! compiled in, so the UI (wasm) and the backend (CLI, reports) translate the same way.
//! Placeholders are `{name}` and are filled from the arguments given to [`Locale::format`].
//! A feature's keys carry its prefix in the one catalogue per language (translators work
//! language by language); sentences composed in code live in a file named after the feature
//! (`models`: verdicts and the gate; `assessments`: scorecard figures) or the part (`audit`).

mod assessments;
mod audit;
mod models;

pub use models::{number, signed};

use govbench_protocol::ApiError;
use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Locale {
    ZhCn,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::ZhCn, Locale::En];

    pub fn tag(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    /// Maps a BCP 47 / POSIX locale (`zh_CN.UTF-8`, `zh-Hans`, `en-US`…) to the nearest
    /// catalogue. Anything Chinese becomes zh-CN; everything else English.
    pub fn from_tag(tag: &str) -> Locale {
        if tag.trim().to_ascii_lowercase().starts_with("zh") {
            Locale::ZhCn
        } else {
            Locale::En
        }
    }

    fn source(self) -> &'static str {
        match self {
            Locale::ZhCn => include_str!("../../../assets/i18n/zh-CN.json"),
            Locale::En => include_str!("../../../assets/i18n/en.json"),
        }
    }

    /// The catalogue of this locale. A catalogue that fails to parse is a build defect caught
    /// by this crate's tests; at run time it degrades to showing keys.
    pub fn catalogue(self) -> &'static HashMap<String, String> {
        static ZH: OnceLock<HashMap<String, String>> = OnceLock::new();
        static EN: OnceLock<HashMap<String, String>> = OnceLock::new();
        let cell = match self {
            Locale::ZhCn => &ZH,
            Locale::En => &EN,
        };
        cell.get_or_init(|| serde_json::from_str(self.source()).unwrap_or_default())
    }

    /// The text for `key`, or the key itself when missing (visible, never a crash).
    pub fn t(self, key: &str) -> String {
        self.catalogue()
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_owned())
    }

    /// The text for `key` with `{name}` placeholders filled in.
    pub fn format<'a>(
        self,
        key: &str,
        args: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> String {
        let mut text = self.t(key);
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// The user-facing sentence for an API error: the one translator of error details, used
    /// by the UI and the CLI alike. Detail values that are themselves keys (`role.auditor`,
    /// `requirement.status.draft`, `entity.requirement`, …) are translated before they are
    /// filled in; other values (paths, ids, reasons) are shown as they are.
    pub fn describe(self, error: &ApiError) -> String {
        let values: Vec<(&str, String)> = error
            .details
            .iter()
            .map(|(name, value)| {
                if name == "gaps" {
                    return (
                        name.as_str(),
                        self.gate_gaps_of(error)
                            .join(self.t("list.separator").as_str()),
                    );
                }
                let shown = match self.catalogue().get(value) {
                    Some(text) => text.clone(),
                    None => value.clone(),
                };
                (name.as_str(), shown)
            })
            .collect();
        self.format(
            &error.message_key,
            values.iter().map(|(n, v)| (*n, v.as_str())),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use govbench_protocol::{
        Action, EntityKind, ErrorCode, Feasibility, Permission, Priority, RequirementStatus, Role,
    };
    use std::collections::BTreeSet;

    fn keys(locale: Locale) -> BTreeSet<&'static String> {
        locale.catalogue().keys().collect()
    }

    #[test]
    fn catalogues_parse_and_are_not_empty() {
        for locale in Locale::ALL {
            let parsed = serde_json::from_str::<HashMap<String, String>>(locale.source());
            assert!(
                parsed.is_ok(),
                "{} does not parse: {parsed:?}",
                locale.tag()
            );
            assert!(
                locale.catalogue().len() > 50,
                "{} is nearly empty",
                locale.tag()
            );
        }
    }

    #[test]
    fn both_locales_have_the_same_keys() {
        let zh = keys(Locale::ZhCn);
        let en = keys(Locale::En);
        let only_zh: Vec<_> = zh.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&zh).collect();
        assert!(
            only_zh.is_empty() && only_en.is_empty(),
            "only zh: {only_zh:?}; only en: {only_en:?}"
        );
    }

    #[test]
    fn no_text_is_empty_or_untranslated() {
        for locale in Locale::ALL {
            for (key, text) in locale.catalogue() {
                assert!(!text.trim().is_empty(), "{}: {key} is empty", locale.tag());
            }
        }
        // Chinese catalogue must actually be Chinese where English has words.
        let zh = Locale::ZhCn.catalogue();
        let same: Vec<_> = Locale::En
            .catalogue()
            .iter()
            .filter(|(k, v)| zh.get(*k) == Some(v) && v.chars().any(|c| c.is_ascii_alphabetic()))
            .filter(|(k, _)| !k.starts_with("brand."))
            .map(|(k, _)| k)
            .collect();
        assert!(same.is_empty(), "untranslated in zh-CN: {same:?}");
    }

    #[test]
    fn every_protocol_enum_has_a_translation() {
        let mut wanted: Vec<String> = Vec::new();
        wanted.extend(ErrorCode::ALL.iter().map(|c| format!("error.{}", c.key())));
        wanted.extend(RequirementStatus::ALL.iter().map(|s| s.text_key()));
        wanted.extend(Role::ALL.iter().map(|r| r.text_key()));
        wanted.extend(EntityKind::ALL.iter().map(|e| e.text_key()));
        wanted.extend(Action::all().map(|a| a.command_text_key()));
        wanted.extend(Action::all().map(|a| a.history_text_key()));
        wanted.extend(Permission::all().map(|p| p.text_key()));
        wanted.push("action.workspace.create".into());
        wanted.extend(
            govbench_protocol::VersionStage::ALL
                .iter()
                .map(|s| s.text_key()),
        );
        wanted.extend(
            govbench_protocol::EvaluationStatus::ALL
                .iter()
                .map(|s| s.text_key()),
        );
        wanted.extend(
            govbench_protocol::RiskTier::ALL
                .iter()
                .map(|r| format!("risk.{}", r.key())),
        );
        wanted.extend(
            govbench_protocol::Direction::ALL
                .iter()
                .map(|d| format!("direction.{}", d.key())),
        );
        wanted.extend(
            govbench_protocol::DecisionKind::ALL
                .iter()
                .map(|d| format!("decision.{}", d.key())),
        );
        wanted.extend(
            govbench_protocol::LiveChange::ALL
                .iter()
                .map(|c| format!("live_change.{}", c.key())),
        );
        wanted.extend(
            govbench_protocol::DEFAULT_DOMAINS
                .iter()
                .map(|d| format!("domain.{d}")),
        );
        wanted.extend(
            Priority::ALL
                .iter()
                .map(|p| format!("priority.{}", p.key())),
        );
        wanted.extend(
            Feasibility::ALL
                .iter()
                .map(|f| format!("feasibility.{}", f.key())),
        );
        use govbench_protocol as p;
        let keyed = |prefix: &str, keys: Vec<&'static str>| -> Vec<String> {
            keys.into_iter().map(|k| format!("{prefix}.{k}")).collect()
        };
        wanted.extend(keyed(
            "severity",
            p::Severity::ALL.map(|v| v.key()).to_vec(),
        ));
        wanted.extend(keyed(
            "incident.status",
            p::IncidentStatus::ALL.map(|v| v.key()).to_vec(),
        ));
        wanted.extend(keyed(
            "detection",
            p::Detection::ALL.map(|v| v.key()).to_vec(),
        ));
        wanted.extend(keyed(
            "clock_kind",
            p::ClockKind::ALL.map(|v| v.key()).to_vec(),
        ));
        wanted.extend(keyed(
            "clock",
            p::ClockStatus::ALL.map(|v| v.key()).to_vec(),
        ));
        wanted.extend(keyed(
            "team_function",
            p::TeamFunction::ALL.map(|v| v.key()).to_vec(),
        ));
        wanted.extend(keyed(
            "team_role",
            p::TeamRole::ALL.map(|v| v.key()).to_vec(),
        ));
        wanted.extend(keyed(
            "timeline_kind",
            p::TimelineKind::ALL.map(|v| v.key()).to_vec(),
        ));
        wanted.extend(keyed(
            "drill.result",
            p::DrillResult::ALL.map(|v| v.key()).to_vec(),
        ));
        wanted.extend(keyed(
            "drill_run.status",
            p::DrillRunStatus::ALL.map(|v| v.key()).to_vec(),
        ));
        wanted.extend(keyed(
            "step_outcome",
            p::StepOutcome::ALL.map(|v| v.key()).to_vec(),
        ));
        wanted.extend(keyed(
            "pack.trust",
            p::PackTrust::ALL.map(|v| v.key()).to_vec(),
        ));
        wanted.extend(keyed(
            "pack.verdict",
            p::PackVerdict::ALL.map(|v| v.key()).to_vec(),
        ));
        wanted.extend(keyed(
            "pack.doubt",
            p::PackDoubt::ALL.map(|v| v.key()).to_vec(),
        ));
        wanted.extend(keyed(
            "pack.refused",
            p::PackRefusal::ALL.map(|v| v.key()).to_vec(),
        ));
        wanted.extend(keyed(
            "server.refused",
            p::ServerRefusal::ALL.map(|v| v.key()).to_vec(),
        ));
        for locale in Locale::ALL {
            let missing: Vec<_> = wanted
                .iter()
                .filter(|k| !locale.catalogue().contains_key(*k))
                .collect();
            assert!(missing.is_empty(), "{} misses {missing:?}", locale.tag());
        }
    }

    #[test]
    fn placeholders_are_filled() {
        let text = Locale::En.format(
            "error.workspace_too_new",
            [("found", "9"), ("supported", "1")],
        );
        assert!(
            text.contains('9') && text.contains('1') && !text.contains('{'),
            "{text}"
        );
    }

    #[test]
    fn errors_are_described_with_translated_details() {
        let error = ApiError::new(ErrorCode::Forbidden)
            .with("role", "role.auditor")
            .with("action", "command.requirement.file");
        assert_eq!(
            Locale::ZhCn.describe(&error),
            "您的角色（审计员）无权提交需求申请。"
        );
        assert_eq!(
            Locale::En.describe(&error),
            "Your role (Auditor) may not file a requirement."
        );

        let error = ApiError::new(ErrorCode::IllegalTransition)
            .with("entity", "entity.requirement")
            .with("action", "command.requirement.approve")
            .with("from", "requirement.status.submitted");
        let zh = Locale::ZhCn.describe(&error);
        assert_eq!(zh, "当前无法批准需求：该需求处于“已提交”状态。");
        let en = Locale::En.describe(&error);
        assert!(
            en.contains("approve a requirement") && en.contains("Submitted"),
            "{en}"
        );

        // A not-found error names the kind of record in the user's language.
        let error = ApiError::new(ErrorCode::NotFound)
            .with("entity", "entity.requirement")
            .with("id", "0190");
        assert_eq!(Locale::ZhCn.describe(&error), "该需求已不存在（0190）。");

        // Values that are not keys (paths, reasons) are shown as they are.
        let error = ApiError::new(ErrorCode::Internal).with("reason", "no bridge");
        assert!(Locale::En.describe(&error).contains("no bridge"));
    }

    #[test]
    fn os_locale_tags_map_to_catalogues() {
        assert_eq!(Locale::from_tag("zh_CN.UTF-8"), Locale::ZhCn);
        assert_eq!(Locale::from_tag("zh-Hans-CN"), Locale::ZhCn);
        assert_eq!(Locale::from_tag("en_US.UTF-8"), Locale::En);
        assert_eq!(Locale::from_tag("C"), Locale::En);
    }
}
