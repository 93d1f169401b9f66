//! The requirement draft form (new requirement and edit).

use crate::state::{parse_date, require, FieldErrors};
use govbench_protocol::{Comparator, Kpi, Priority, RequirementDraft};

#[derive(Clone, Debug, PartialEq)]
pub struct KpiRow {
    pub metric: String,
    pub comparator: Comparator,
    pub target: String,
    pub unit: String,
}

impl Default for KpiRow {
    fn default() -> Self {
        KpiRow {
            metric: String::new(),
            comparator: Comparator::AtLeast,
            target: String::new(),
            unit: String::new(),
        }
    }
}

impl KpiRow {
    fn is_blank(&self) -> bool {
        self.metric.trim().is_empty()
            && self.target.trim().is_empty()
            && self.unit.trim().is_empty()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct DraftForm {
    pub title: String,
    pub scenario: String,
    pub goals: String,
    pub priority: Priority,
    pub department: String,
    /// `YYYY-MM-DD` as the date input gives it.
    pub wanted_by: String,
    pub kpis: Vec<KpiRow>,
    /// Inline errors, from local validation or from the backend.
    pub errors: FieldErrors,
}

impl Default for DraftForm {
    fn default() -> Self {
        DraftForm {
            title: String::new(),
            scenario: String::new(),
            goals: String::new(),
            priority: Priority::Medium,
            department: String::new(),
            wanted_by: String::new(),
            kpis: vec![KpiRow::default()],
            errors: FieldErrors::new(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KpiField {
    Metric,
    Target,
    Unit,
}

#[derive(Clone, Debug, PartialEq)]
pub enum DraftAction {
    Title(String),
    Scenario(String),
    Goals(String),
    Priority(Priority),
    Department(String),
    WantedBy(String),
    KpiText(usize, KpiField, String),
    KpiComparator(usize, Comparator),
    AddKpi,
    RemoveKpi(usize),
    SetErrors(FieldErrors),
    Reset(Box<DraftForm>),
}

impl DraftForm {
    pub fn from_draft(draft: &RequirementDraft) -> Self {
        DraftForm {
            title: draft.title.clone(),
            scenario: draft.scenario.clone(),
            goals: draft.goals.clone(),
            priority: draft.priority,
            department: draft.department.clone(),
            wanted_by: draft.wanted_by.format("%Y-%m-%d").to_string(),
            kpis: if draft.kpis.is_empty() {
                vec![KpiRow::default()]
            } else {
                draft
                    .kpis
                    .iter()
                    .map(|k| KpiRow {
                        metric: k.metric.clone(),
                        comparator: k.comparator,
                        target: format_number(k.target),
                        unit: k.unit.clone(),
                    })
                    .collect()
            },
            errors: FieldErrors::new(),
        }
    }

    pub fn apply(&mut self, action: DraftAction) {
        // Editing a field clears its error; the rest stay until the next validation.
        match action {
            DraftAction::Title(v) => {
                self.errors.remove("title");
                self.title = v;
            }
            DraftAction::Scenario(v) => {
                self.errors.remove("scenario");
                self.scenario = v;
            }
            DraftAction::Goals(v) => {
                self.errors.remove("goals");
                self.goals = v;
            }
            DraftAction::Priority(p) => self.priority = p,
            DraftAction::Department(v) => {
                self.errors.remove("department");
                self.department = v;
            }
            DraftAction::WantedBy(v) => {
                self.errors.remove("wanted_by");
                self.wanted_by = v;
            }
            DraftAction::KpiText(i, field, v) => {
                if let Some(row) = self.kpis.get_mut(i) {
                    let name = match field {
                        KpiField::Metric => {
                            row.metric = v;
                            "metric"
                        }
                        KpiField::Target => {
                            row.target = v;
                            "target"
                        }
                        KpiField::Unit => {
                            row.unit = v;
                            "unit"
                        }
                    };
                    self.errors.remove(&format!("kpis.{i}.{name}"));
                    self.errors.remove("kpis");
                }
            }
            DraftAction::KpiComparator(i, c) => {
                if let Some(row) = self.kpis.get_mut(i) {
                    row.comparator = c;
                }
            }
            DraftAction::AddKpi => {
                self.kpis.push(KpiRow::default());
                self.errors.remove("kpis");
            }
            DraftAction::RemoveKpi(i) => {
                if i < self.kpis.len() {
                    self.kpis.remove(i);
                    // Row errors are positional: they no longer line up.
                    self.errors.retain(|k, _| !k.starts_with("kpis."));
                }
            }
            DraftAction::SetErrors(errors) => self.errors = errors,
            DraftAction::Reset(form) => *self = *form,
        }
    }

    /// Validates in the UI (the backend validates again) and builds the draft to send.
    /// Entirely blank KPI rows are ignored.
    pub fn validate(&self) -> Result<RequirementDraft, FieldErrors> {
        let mut errors = FieldErrors::new();
        require(&mut errors, "title", &self.title);
        require(&mut errors, "scenario", &self.scenario);
        require(&mut errors, "goals", &self.goals);
        require(&mut errors, "department", &self.department);
        let wanted_by = parse_date(&self.wanted_by);
        if wanted_by.is_none() {
            errors.insert("wanted_by".into(), "rule.required".into());
        }
        let mut kpis = Vec::new();
        for (i, row) in self.kpis.iter().enumerate() {
            if row.is_blank() {
                continue;
            }
            if row.metric.trim().is_empty() {
                errors.insert(format!("kpis.{i}.metric"), "rule.required".into());
            }
            let target = parse_number(&row.target);
            match (&target, row.target.trim().is_empty()) {
                (_, true) => {
                    errors.insert(format!("kpis.{i}.target"), "rule.required".into());
                }
                (None, false) => {
                    errors.insert(format!("kpis.{i}.target"), "rule.not_a_number".into());
                }
                _ => {}
            }
            if let Some(target) = target {
                kpis.push(Kpi {
                    metric: row.metric.trim().to_owned(),
                    comparator: row.comparator,
                    target,
                    unit: row.unit.trim().to_owned(),
                });
            }
        }
        if self.kpis.iter().all(KpiRow::is_blank) {
            errors.insert("kpis".into(), "rule.no_kpis".into());
        }
        match wanted_by {
            Some(wanted_by) if errors.is_empty() => Ok(RequirementDraft {
                title: self.title.trim().to_owned(),
                scenario: self.scenario.trim().to_owned(),
                goals: self.goals.trim().to_owned(),
                kpis,
                priority: self.priority,
                department: self.department.trim().to_owned(),
                wanted_by,
            }),
            _ => Err(errors),
        }
    }

    /// Every field name the form shows inline (for routing backend errors).
    pub fn known_fields(&self) -> Vec<String> {
        let mut fields: Vec<String> = [
            "title",
            "scenario",
            "goals",
            "priority",
            "department",
            "wanted_by",
            "kpis",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        for i in 0..self.kpis.len() {
            for f in ["metric", "comparator", "target", "unit"] {
                fields.push(format!("kpis.{i}.{f}"));
            }
        }
        fields
    }
}

/// Accepts `95`, `95.5` and the decimal comma `95,5`.
pub fn parse_number(text: &str) -> Option<f64> {
    let text = text.trim().replace(',', ".");
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Shows a KPI target without a trailing `.0`.
pub fn format_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

/// `accuracy ≥ 95 %`
pub fn kpi_text(k: &Kpi) -> String {
    let unit = k.unit.trim();
    let target = format_number(k.target);
    if unit.is_empty() {
        format!("{} {} {}", k.metric, k.comparator.symbol(), target)
    } else {
        format!("{} {} {} {}", k.metric, k.comparator.symbol(), target, unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kpis_and_comparators_read_naturally() {
        let k = Kpi {
            metric: "accuracy".into(),
            comparator: Comparator::AtLeast,
            target: 95.0,
            unit: "%".into(),
        };
        assert_eq!(kpi_text(&k), "accuracy ≥ 95 %");
        for c in Comparator::ALL {
            assert_eq!(Comparator::from_key(c.key()), Some(c));
        }
    }

    fn filled() -> DraftForm {
        let mut f = DraftForm::default();
        f.apply(DraftAction::Title("客服问答模型".into()));
        f.apply(DraftAction::Scenario("Answer customer questions".into()));
        f.apply(DraftAction::Goals("Cut handling time".into()));
        f.apply(DraftAction::Department("Customer service".into()));
        f.apply(DraftAction::WantedBy("2030-06-30".into()));
        f.apply(DraftAction::KpiText(0, KpiField::Metric, "accuracy".into()));
        f.apply(DraftAction::KpiText(0, KpiField::Target, "95,5".into()));
        f.apply(DraftAction::KpiText(0, KpiField::Unit, "%".into()));
        f
    }

    #[test]
    fn starts_with_one_empty_kpi_row() {
        let f = DraftForm::default();
        assert_eq!(f.kpis.len(), 1);
        assert_eq!(f.kpis[0], KpiRow::default());
    }

    #[test]
    fn empty_form_reports_every_required_field() {
        let errors = DraftForm::default().validate().unwrap_err();
        for field in ["title", "scenario", "goals", "department", "wanted_by"] {
            assert_eq!(
                errors.get(field).map(String::as_str),
                Some("rule.required"),
                "{field}"
            );
        }
        assert_eq!(errors.get("kpis").map(String::as_str), Some("rule.no_kpis"));
    }

    #[test]
    fn valid_form_builds_the_draft() {
        let draft = filled().validate().unwrap();
        assert_eq!(draft.title, "客服问答模型");
        assert_eq!(draft.kpis.len(), 1);
        assert_eq!(draft.kpis[0].target, 95.5);
        assert_eq!(draft.kpis[0].comparator, Comparator::AtLeast);
        assert_eq!(draft.wanted_by.to_string(), "2030-06-30");
    }

    #[test]
    fn kpi_rows_need_metric_and_numeric_target() {
        let mut f = filled();
        f.apply(DraftAction::AddKpi);
        f.apply(DraftAction::KpiText(1, KpiField::Target, "lots".into()));
        let errors = f.validate().unwrap_err();
        assert_eq!(
            errors.get("kpis.1.metric").map(String::as_str),
            Some("rule.required")
        );
        assert_eq!(
            errors.get("kpis.1.target").map(String::as_str),
            Some("rule.not_a_number")
        );
        assert!(!errors.contains_key("kpis.0.metric"));
    }

    #[test]
    fn blank_extra_rows_are_ignored_and_rows_can_be_removed() {
        let mut f = filled();
        f.apply(DraftAction::AddKpi);
        assert_eq!(f.validate().unwrap().kpis.len(), 1);
        f.apply(DraftAction::RemoveKpi(0));
        f.apply(DraftAction::RemoveKpi(7));
        assert_eq!(f.kpis.len(), 1);
        assert!(f.validate().unwrap_err().contains_key("kpis"));
    }

    #[test]
    fn editing_a_field_clears_its_error() {
        let mut f = DraftForm::default();
        let errors = f.validate().unwrap_err();
        f.apply(DraftAction::SetErrors(errors));
        assert!(f.errors.contains_key("title"));
        f.apply(DraftAction::Title("x".into()));
        assert!(!f.errors.contains_key("title"));
        assert!(f.errors.contains_key("scenario"));
    }

    #[test]
    fn round_trips_an_existing_draft() {
        let draft = filled().validate().unwrap();
        let again = DraftForm::from_draft(&draft).validate().unwrap();
        assert_eq!(draft, again);
        assert_eq!(format_number(95.0), "95");
        assert_eq!(format_number(0.25), "0.25");
    }
}
