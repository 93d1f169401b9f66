//! Drills (policy §2.3.2): the template library every drill starts from.

use crate::Role;
use serde::{Deserialize, Serialize};

/// A text in both of Govbench's languages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalText {
    #[serde(rename = "zh-CN")]
    pub zh_cn: String,
    pub en: String,
}

impl LocalText {
    /// The text for a language tag (`zh-CN`, `en`); Chinese for anything else but English.
    pub fn get(&self, lang: &str) -> &str {
        if lang.starts_with("en") {
            &self.en
        } else {
            &self.zh_cn
        }
    }
}

/// Who takes part, and what they do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillParticipant {
    pub role: Role,
    pub duty: LocalText,
}

/// One step of a drill: who does it, and by when (minutes from the drill's start).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillStep {
    pub title: LocalText,
    pub role: Role,
    pub target_minutes: u32,
}

/// A drill scenario with its objectives, participants, steps and success criteria.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillTemplate {
    /// Stable key (`emergency-rollback`).
    pub id: String,
    pub version: u32,
    pub title: LocalText,
    pub scenario: LocalText,
    pub objectives: Vec<LocalText>,
    pub participants: Vec<DrillParticipant>,
    pub steps: Vec<DrillStep>,
    pub success_criteria: Vec<LocalText>,
}
