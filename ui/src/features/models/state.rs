//! Pure state of the model pages: the import form (files, mapping choices, who evaluated), the
//! version and model forms, and the trend chart's geometry. No DOM, no backend: tested
//! natively.

use chrono::NaiveDate;
use govbench_protocol::{
    Direction, EvaluationCommand, EvaluationMeta, Evaluator, ImportPreview, ImportSource,
    KpiPolicy, KpiRule, KpiTrend, MetricMapping, ModelDraft, ModelVersionId, RiskTier,
    VersionDraft,
};

use crate::state::FieldErrors;

/// Everything the import page holds before the user presses "Import".
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportForm {
    pub sources: Vec<ImportSource>,
    /// (task, metric) → KPI key chosen in the preview; `""` means "not a KPI".
    pub mappings: Vec<MetricMapping>,
    pub date: String,
    pub dataset: String,
    pub revision: String,
    pub third_party: bool,
    pub organisation: String,
    pub assessor: String,
    pub report: String,
    pub errors: FieldErrors,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ImportAction {
    /// Files added (from the dialog or dropped); a file already listed is not added twice.
    Add(Vec<ImportSource>),
    Remove(usize),
    Map {
        task: String,
        metric: String,
        kpi: String,
    },
    Date(String),
    Dataset(String),
    Revision(String),
    ThirdParty(bool),
    Organisation(String),
    Assessor(String),
    Report(String),
    Errors(FieldErrors),
}

fn same_source(a: &ImportSource, b: &ImportSource) -> bool {
    match (a, b) {
        (ImportSource::Path { path: x }, ImportSource::Path { path: y }) => x == y,
        (ImportSource::Text { name: x, text: t }, ImportSource::Text { name: y, text: u }) => {
            x == y && t == u
        }
        _ => false,
    }
}

impl ImportForm {
    pub fn new(today: NaiveDate) -> ImportForm {
        ImportForm {
            date: today.format("%Y-%m-%d").to_string(),
            ..ImportForm::default()
        }
    }

    pub fn apply(&mut self, action: ImportAction) {
        match action {
            ImportAction::Add(sources) => {
                for s in sources {
                    if !self.sources.iter().any(|known| same_source(known, &s)) {
                        self.sources.push(s);
                    }
                }
            }
            ImportAction::Remove(i) => {
                if i < self.sources.len() {
                    self.sources.remove(i);
                }
            }
            ImportAction::Map { task, metric, kpi } => {
                self.mappings
                    .retain(|m| !(m.task == task && m.metric == metric));
                self.mappings.push(MetricMapping { task, metric, kpi });
            }
            ImportAction::Date(v) => self.date = v,
            ImportAction::Dataset(v) => self.dataset = v,
            ImportAction::Revision(v) => self.revision = v,
            ImportAction::ThirdParty(v) => self.third_party = v,
            ImportAction::Organisation(v) => self.organisation = v,
            ImportAction::Assessor(v) => self.assessor = v,
            ImportAction::Report(v) => self.report = v,
            ImportAction::Errors(e) => {
                self.errors = e;
                return;
            }
        }
        self.errors.clear();
    }

    /// The KPI a row counts for: the user's choice, else what the preview mapped.
    pub fn kpi_of(&self, task: &str, metric: &str, previewed: Option<&str>) -> Option<String> {
        match self
            .mappings
            .iter()
            .find(|m| m.task == task && m.metric == metric)
        {
            Some(m) if m.kpi.is_empty() => None,
            Some(m) => Some(m.kpi.clone()),
            None => previewed.map(str::to_owned),
        }
    }

    /// The import command, or the fields to fix. `preview` is what the user saw: its
    /// fingerprints go with the command, so a file changed since is refused.
    pub fn command(
        &self,
        version: ModelVersionId,
        preview: &ImportPreview,
    ) -> Result<EvaluationCommand, FieldErrors> {
        let mut errors = FieldErrors::new();
        let date = NaiveDate::parse_from_str(self.date.trim(), "%Y-%m-%d");
        if date.is_err() {
            errors.insert("date".into(), "rule.required".into());
        }
        if self.dataset.trim().is_empty() {
            errors.insert("dataset".into(), "rule.required".into());
        }
        if self.sources.is_empty() {
            errors.insert("sources".into(), "rule.no_files".into());
        }
        if self.third_party {
            for (field, value) in [
                ("evaluator.organisation", &self.organisation),
                ("evaluator.assessor", &self.assessor),
                ("evaluator.report", &self.report),
            ] {
                if value.trim().is_empty() {
                    errors.insert(field.into(), "rule.required".into());
                }
            }
        }
        let Ok(date) = date else {
            return Err(errors);
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        // A row mapped to "not a KPI" is sent as a mapping to a key no policy has, which the
        // backend drops; every other choice is sent as chosen.
        let mappings = self
            .mappings
            .iter()
            .map(|m| MetricMapping {
                task: m.task.clone(),
                metric: m.metric.clone(),
                kpi: if m.kpi.is_empty() {
                    "-".into()
                } else {
                    m.kpi.clone()
                },
            })
            .collect();
        Ok(EvaluationCommand::Import {
            model_version: version,
            meta: EvaluationMeta {
                date,
                evaluator: if self.third_party {
                    Evaluator::ThirdParty {
                        organisation: self.organisation.trim().into(),
                        assessor: self.assessor.trim().into(),
                        report: self.report.trim().into(),
                    }
                } else {
                    Evaluator::Internal
                },
                dataset: self.dataset.trim().into(),
                model_revision: self.revision.trim().into(),
                notes: String::new(),
            },
            sources: self.sources.clone(),
            expected: preview
                .files
                .iter()
                .map(|f| (f.source.name.clone(), f.source.sha256.clone()))
                .collect(),
            mappings,
        })
    }
}

/// The model form (register, edit).
#[derive(Clone, Debug, PartialEq)]
pub struct ModelForm {
    pub name: String,
    pub domain: String,
    pub department: String,
    pub risk: RiskTier,
    pub description: String,
}

impl Default for ModelForm {
    fn default() -> Self {
        ModelForm {
            name: String::new(),
            domain: "medical".into(),
            department: String::new(),
            risk: RiskTier::Medium,
            description: String::new(),
        }
    }
}

impl ModelForm {
    pub fn draft(&self) -> Result<ModelDraft, FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.name.trim().is_empty() {
            errors.insert("name".into(), "rule.required".into());
        }
        if self.domain.trim().is_empty() {
            errors.insert("domain".into(), "rule.required".into());
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ModelDraft {
            name: self.name.trim().into(),
            domain: self.domain.trim().into(),
            business_department: self.department.trim().into(),
            rnd_owner: None,
            risk_tier: self.risk,
            description: self.description.clone(),
        })
    }
}

/// The version form.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VersionForm {
    pub draft: VersionDraft,
}

impl VersionForm {
    pub fn check(&self) -> Result<VersionDraft, FieldErrors> {
        let mut errors = FieldErrors::new();
        for (field, value) in [
            ("label", &self.draft.label),
            ("code_repo", &self.draft.code_repo),
            ("code_commit", &self.draft.code_commit),
        ] {
            if value.trim().is_empty() {
                errors.insert(field.into(), "rule.required".into());
            }
        }
        if errors.is_empty() {
            Ok(self.draft.clone())
        } else {
            Err(errors)
        }
    }
}

/// One KPI row of the policy editor, as typed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KpiRow {
    pub key: String,
    pub name: String,
    pub higher: bool,
    pub threshold: String,
    pub max_drop_abs: String,
    pub max_drop_rel_percent: String,
    pub min_samples: String,
    pub max_group_gap: String,
    pub unit: String,
}

/// The policy editor: KPI rows as text, and the remembered mappings kept as they are.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PolicyForm {
    pub rows: Vec<KpiRow>,
    pub mappings: Vec<MetricMapping>,
}

fn text_of(v: Option<f64>) -> String {
    v.map(govbench_i18n::number).unwrap_or_default()
}

impl PolicyForm {
    pub fn from_policy(p: &KpiPolicy) -> PolicyForm {
        PolicyForm {
            rows: p
                .kpis
                .iter()
                .map(|k| KpiRow {
                    key: k.key.clone(),
                    name: k.name.clone(),
                    higher: k.direction == Direction::HigherIsBetter,
                    threshold: govbench_i18n::number(k.threshold),
                    max_drop_abs: text_of(k.max_drop_abs),
                    max_drop_rel_percent: text_of(k.max_drop_rel.map(|r| r * 100.0)),
                    min_samples: k.min_samples.map(|n| n.to_string()).unwrap_or_default(),
                    max_group_gap: text_of(k.max_group_gap),
                    unit: k.unit.clone(),
                })
                .collect(),
            mappings: p.mappings.clone(),
        }
    }

    /// The policy, or the fields to fix (`kpis.<i>.<field>`, as the backend names them).
    pub fn policy(&self) -> Result<KpiPolicy, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut kpis = Vec::new();
        for (i, r) in self.rows.iter().enumerate() {
            let mut number = |field: &str, text: &str, required: bool| -> Option<f64> {
                let text = text.trim();
                if text.is_empty() {
                    if required {
                        errors.insert(format!("kpis.{i}.{field}"), "rule.required".into());
                    }
                    return None;
                }
                match text.parse::<f64>() {
                    Ok(v) if v.is_finite() => Some(v),
                    _ => {
                        errors.insert(format!("kpis.{i}.{field}"), "rule.not_a_number".into());
                        None
                    }
                }
            };
            let threshold = number("threshold", &r.threshold, true);
            let abs = number("max_drop_abs", &r.max_drop_abs, false);
            let rel = number("max_drop_rel", &r.max_drop_rel_percent, false).map(|p| p / 100.0);
            let gap = number("max_group_gap", &r.max_group_gap, false);
            let min_samples = match r.min_samples.trim() {
                "" => None,
                t => match t.parse::<u64>() {
                    Ok(n) => Some(n),
                    Err(_) => {
                        errors.insert(format!("kpis.{i}.min_samples"), "rule.not_a_number".into());
                        None
                    }
                },
            };
            kpis.push(KpiRule {
                key: r.key.trim().to_owned(),
                name: r.name.trim().to_owned(),
                direction: if r.higher {
                    Direction::HigherIsBetter
                } else {
                    Direction::LowerIsBetter
                },
                threshold: threshold.unwrap_or_default(),
                max_drop_abs: abs,
                max_drop_rel: rel,
                min_samples,
                max_group_gap: gap,
                unit: r.unit.trim().to_owned(),
            });
        }
        if errors.is_empty() {
            Ok(KpiPolicy {
                kpis,
                mappings: self.mappings.clone(),
            })
        } else {
            Err(errors)
        }
    }
}

/// Where a trend chart draws its points, thresholds and marks, in SVG user units.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartGeometry {
    pub width: f64,
    pub height: f64,
    /// (x, y) of each point, in the trend's order.
    pub points: Vec<(f64, f64)>,
    /// y of the threshold line.
    pub threshold_y: f64,
    /// Axis labels: (y, value) for the lowest and highest value shown.
    pub y_labels: [(f64, f64); 2],
}

pub const CHART_WIDTH: f64 = 560.0;
pub const CHART_HEIGHT: f64 = 180.0;
pub const CHART_PAD_LEFT: f64 = 56.0;
pub const CHART_PAD: f64 = 16.0;

/// Lays a KPI's trend out: time on x (evenly by date), value on y with the threshold always
/// in view and a margin so no point sits on the frame.
pub fn chart(trend: &KpiTrend) -> ChartGeometry {
    let values = trend.points.iter().map(|p| p.value);
    let mut lo = values.clone().fold(trend.threshold, f64::min);
    let mut hi = values.fold(trend.threshold, f64::max);
    if (hi - lo).abs() < f64::EPSILON {
        lo -= 1.0_f64.max(lo.abs() * 0.05);
        hi += 1.0_f64.max(hi.abs() * 0.05);
    }
    let margin = (hi - lo) * 0.1;
    let (lo, hi) = (lo - margin, hi + margin);
    let plot_w = CHART_WIDTH - CHART_PAD_LEFT - CHART_PAD;
    let plot_h = CHART_HEIGHT - 2.0 * CHART_PAD;
    let y = |v: f64| CHART_PAD + (hi - v) / (hi - lo) * plot_h;
    let days: Vec<i64> = trend
        .points
        .iter()
        .map(|p| p.date.signed_duration_since(NaiveDate::MIN).num_days())
        .collect();
    let first = days.iter().copied().min().unwrap_or(0);
    let last = days.iter().copied().max().unwrap_or(0);
    let span = (last - first).max(1) as f64;
    let n = trend.points.len();
    let points = trend
        .points
        .iter()
        .zip(&days)
        .enumerate()
        .map(|(i, (p, d))| {
            let x = if last == first {
                // All on one day: spread evenly so each stays visible.
                CHART_PAD_LEFT + plot_w * (i as f64 + 0.5) / n.max(1) as f64
            } else {
                CHART_PAD_LEFT + plot_w * (d - first) as f64 / span
            };
            (x, y(p.value))
        })
        .collect();
    ChartGeometry {
        width: CHART_WIDTH,
        height: CHART_HEIGHT,
        points,
        threshold_y: y(trend.threshold),
        y_labels: [(y(lo + margin), lo + margin), (y(hi - margin), hi - margin)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use govbench_protocol::{Direction, EvaluationStatus, TrendPoint};

    fn nil() -> &'static str {
        "00000000-0000-0000-0000-000000000000"
    }

    fn trend(values: &[(&str, f64)]) -> KpiTrend {
        KpiTrend {
            kpi: "accuracy".into(),
            name: "Accuracy".into(),
            direction: Direction::HigherIsBetter,
            threshold: 0.9,
            unit: String::new(),
            points: values
                .iter()
                .map(|(d, v)| TrendPoint {
                    evaluation: nil().parse().unwrap(),
                    date: d.parse().unwrap(),
                    version_label: "v1".into(),
                    value: *v,
                    status: EvaluationStatus::SignedOff,
                    significant: false,
                    passes: *v >= 0.9,
                })
                .collect(),
        }
    }

    #[test]
    fn the_chart_keeps_points_and_threshold_inside_the_frame() {
        let g = chart(&trend(&[
            ("2026-01-01", 0.95),
            ("2026-03-01", 0.85),
            ("2026-02-01", 0.92),
        ]));
        for (x, y) in &g.points {
            assert!(*x >= CHART_PAD_LEFT && *x <= CHART_WIDTH - CHART_PAD, "{x}");
            assert!(*y > CHART_PAD && *y < CHART_HEIGHT - CHART_PAD, "{y}");
        }
        // Higher values are drawn higher (smaller y); time runs left to right.
        assert!(g.points[0].1 < g.points[1].1);
        assert!(g.points[0].0 < g.points[2].0 && g.points[2].0 < g.points[1].0);
        assert!(g.threshold_y > g.points[0].1 && g.threshold_y < g.points[1].1);
        let one = chart(&trend(&[("2026-01-01", 0.9)]));
        assert!(one.points[0].1.is_finite());
    }

    #[test]
    fn the_policy_editor_round_trips_and_names_bad_numbers() {
        let policy = govbench_protocol::KpiPolicy::defaults();
        let mut form = PolicyForm::from_policy(&policy);
        assert_eq!(form.policy().unwrap(), policy);
        assert_eq!(form.rows[2].max_drop_rel_percent, "10");
        form.rows[0].threshold = "abc".into();
        form.rows[1].min_samples = "1.5".into();
        let errors = form.policy().unwrap_err();
        assert_eq!(errors["kpis.0.threshold"], "rule.not_a_number");
        assert_eq!(errors["kpis.1.min_samples"], "rule.not_a_number");
    }

    #[test]
    fn the_import_form_needs_files_a_date_and_a_data_set() {
        let mut form = ImportForm::new("2026-11-30".parse().unwrap());
        let preview = ImportPreview {
            files: vec![],
            refused: vec![],
            policy: govbench_protocol::KpiPolicy::defaults(),
        };
        let errors = form
            .command(nil().parse::<ModelVersionId>().unwrap(), &preview)
            .unwrap_err();
        assert_eq!(errors["sources"], "rule.no_files");
        assert_eq!(errors["dataset"], "rule.required");
        let file = ImportSource::Path {
            path: "/tmp/r.json".into(),
        };
        form.apply(ImportAction::Add(vec![file.clone(), file]));
        assert_eq!(form.sources.len(), 1);
        form.apply(ImportAction::Dataset("MedQA".into()));
        form.apply(ImportAction::Map {
            task: "t".into(),
            metric: "acc".into(),
            kpi: String::new(),
        });
        assert_eq!(form.kpi_of("t", "acc", Some("accuracy")), None);
        assert_eq!(
            form.kpi_of("u", "acc", Some("accuracy")).as_deref(),
            Some("accuracy")
        );
        form.apply(ImportAction::ThirdParty(true));
        let errors = form
            .command(nil().parse::<ModelVersionId>().unwrap(), &preview)
            .unwrap_err();
        assert!(errors.contains_key("evaluator.organisation"));
        form.apply(ImportAction::ThirdParty(false));
        assert!(form
            .command(nil().parse::<ModelVersionId>().unwrap(), &preview)
            .is_ok());
    }
}
