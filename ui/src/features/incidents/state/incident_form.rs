//! The new-incident form, and reading a typed local date and time as UTC.

use chrono::{DateTime, NaiveDateTime, NaiveTime, TimeZone, Utc};
use govbench_protocol::{Detection, IncidentDraft, ModelId, ModelVersionId, Severity};

use crate::state::{parse_date, FieldErrors};

#[derive(Clone, Debug, PartialEq)]
pub struct IncidentForm {
    pub title: String,
    pub severity: Severity,
    /// The affected model's id as text; empty: none.
    pub model: String,
    pub version: String,
    pub detection: Detection,
    pub date: String,
    /// `HH:MM` in the user's local time.
    pub time: String,
    pub description: String,
    pub qualifies_external: bool,
    pub errors: FieldErrors,
}

#[derive(Clone, Debug, PartialEq)]
pub enum IncidentFormAction {
    Title(String),
    Severity(String),
    Model(String),
    Version(String),
    Detection(String),
    Date(String),
    Time(String),
    Description(String),
    QualifiesExternal(bool),
    Errors(FieldErrors),
}

impl IncidentForm {
    /// A blank form, detected "now" (the user's local date and time).
    pub fn new(local_now: NaiveDateTime) -> IncidentForm {
        IncidentForm {
            title: String::new(),
            severity: Severity::General,
            model: String::new(),
            version: String::new(),
            detection: Detection::Monitoring,
            date: local_now.date().format("%Y-%m-%d").to_string(),
            time: local_now.time().format("%H:%M").to_string(),
            description: String::new(),
            qualifies_external: false,
            errors: FieldErrors::new(),
        }
    }

    pub fn apply(&mut self, action: IncidentFormAction) {
        use IncidentFormAction as A;
        let field = match action {
            A::Title(v) => {
                self.title = v;
                "title"
            }
            A::Severity(v) => {
                if let Some(s) = Severity::from_key(&v) {
                    self.severity = s;
                }
                "severity"
            }
            A::Model(v) => {
                if v != self.model {
                    self.version.clear();
                }
                self.model = v;
                "model"
            }
            A::Version(v) => {
                self.version = v;
                "model_version"
            }
            A::Detection(v) => {
                if let Some(d) = Detection::from_key(&v) {
                    self.detection = d;
                }
                "detection"
            }
            A::Date(v) => {
                self.date = v;
                "detected_at"
            }
            A::Time(v) => {
                self.time = v;
                "detected_at"
            }
            A::Description(v) => {
                self.description = v;
                "description"
            }
            A::QualifiesExternal(v) => {
                self.qualifies_external = v;
                "qualifies_external"
            }
            A::Errors(e) => {
                self.errors = e;
                return;
            }
        };
        self.errors.remove(field);
    }

    /// The draft, with the local date and time read in `zone` and sent as UTC; or the fields
    /// to fix. A detection time later than `now` is refused.
    pub fn draft<Tz: TimeZone>(
        &self,
        zone: &Tz,
        now: DateTime<Utc>,
    ) -> Result<IncidentDraft, FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.title.trim().is_empty() {
            errors.insert("title".into(), "rule.required".into());
        }
        if self.description.trim().is_empty() {
            errors.insert("description".into(), "rule.required".into());
        }
        let model = match self.model.trim() {
            "" => None,
            text => match text.parse::<ModelId>() {
                Ok(id) => Some(id),
                Err(_) => {
                    errors.insert("model".into(), "rule.required".into());
                    None
                }
            },
        };
        let version = match self.version.trim() {
            "" => None,
            text => text.parse::<ModelVersionId>().ok(),
        };
        let detected = local_to_utc(zone, &self.date, &self.time);
        match detected {
            Err(rule) => {
                errors.insert("detected_at".into(), rule.into());
            }
            Ok(at) if at > now => {
                errors.insert("detected_at".into(), "incident.rule.detected_future".into());
            }
            Ok(_) => {}
        }
        match detected {
            Ok(detected_at) if errors.is_empty() => Ok(IncidentDraft {
                title: self.title.trim().to_owned(),
                model,
                model_version: version.filter(|_| model.is_some()),
                severity: self.severity,
                detection: self.detection,
                detected_at,
                description: self.description.trim().to_owned(),
                qualifies_external: self.qualifies_external,
            }),
            _ => Err(errors),
        }
    }
}

/// A time of day as people type it: `14:05`, `9:05`, `14:05:30`, `1405`, `14：05` (full-width
/// colon, as a Chinese keyboard gives it).
pub fn parse_time(text: &str) -> Option<NaiveTime> {
    let text = text.trim().replace('：', ":");
    if text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveTime::parse_from_str(&text, "%H%M").ok();
    }
    NaiveTime::parse_from_str(&text, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(&text, "%H:%M:%S"))
        .ok()
}

/// A local date (`2026-03-01`, or as people type it) and time (`HH:MM`) in `zone`, as UTC; or
/// the rule it breaks. A time that does not exist locally (a DST gap) is refused, an ambiguous
/// one (DST overlap) read as the earlier.
pub fn local_to_utc<Tz: TimeZone>(
    zone: &Tz,
    date: &str,
    time: &str,
) -> Result<DateTime<Utc>, &'static str> {
    let day = parse_date(date).ok_or("rule.required")?;
    let clock = parse_time(time).ok_or("incident.rule.time")?;
    zone.from_local_datetime(&day.and_time(clock))
        .earliest()
        .map(|at| at.with_timezone(&Utc))
        .ok_or("incident.rule.time")
}
