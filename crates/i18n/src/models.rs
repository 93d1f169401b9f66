//! The sentences of the evaluation report: what each KPI verdict means and what keeps a
//! version from going live, in the user's language (the report page and the CLI print the
//! same words).

use crate::Locale;
use govbench_protocol::{Comparison, Direction, GateGap, KpiVerdict};

/// A metric value as people read it: up to four decimals, no trailing zeros.
pub fn number(value: f64) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let text = if value.abs() >= 1000.0 || value == value.trunc() {
        format!("{value:.0}")
    } else {
        format!("{value:.4}")
    };
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// A signed change (`+0.012`, `−0.05`).
pub fn signed(value: f64) -> String {
    if value > 0.0 {
        format!("+{}", number(value))
    } else if value < 0.0 {
        format!("−{}", number(-value))
    } else {
        "±0".into()
    }
}

impl Locale {
    /// One sentence per verdict: pass or fail against the threshold, then the change against
    /// the last accepted evaluation (or the three-month mean) and whether it is real.
    pub fn verdict_sentence(self, v: &KpiVerdict) -> String {
        let symbol = match v.direction {
            Direction::HigherIsBetter => "≥",
            Direction::LowerIsBetter => "≤",
        };
        let threshold = format!("{symbol} {}{}", number(v.threshold), unit(&v.unit));
        let Some(value) = v.value else {
            return self.format("verdict.missing", [("kpi", v.name.as_str())]);
        };
        let value_text = format!("{}{}", number(value), unit(&v.unit));
        let mut sentence = if v.too_few_samples {
            self.format(
                "verdict.too_few_samples",
                [
                    ("kpi", v.name.as_str()),
                    ("value", value_text.as_str()),
                    ("n", v.n.map(|n| n.to_string()).unwrap_or_default().as_str()),
                ],
            )
        } else {
            let key = if v.passes {
                "verdict.pass"
            } else {
                "verdict.fail"
            };
            self.format(
                key,
                [
                    ("kpi", v.name.as_str()),
                    ("value", value_text.as_str()),
                    ("threshold", threshold.as_str()),
                ],
            )
        };
        let comparison = v
            .vs_last
            .as_ref()
            .map(|c| ("verdict.vs_last", c))
            .or_else(|| {
                v.vs_three_months
                    .as_ref()
                    .map(|c| ("verdict.vs_three_months", c))
            });
        if let Some((against, c)) = comparison {
            sentence.push(' ');
            sentence.push_str(&self.comparison_sentence(against, c, &v.unit));
        }
        if v.group_gap_exceeded {
            if let Some(gap) = v.group_gap {
                sentence.push(' ');
                sentence
                    .push_str(&self.format("verdict.group_gap", [("gap", number(gap).as_str())]));
            }
        }
        sentence
    }

    /// "Compared with the last accepted evaluation (0.91): −0.05, a significant degradation
    /// (p = 0.001)."
    pub fn comparison_sentence(self, against: &str, c: &Comparison, unit_text: &str) -> String {
        let baseline = format!("{}{}", number(c.baseline), unit(unit_text));
        let change = format!("{}{}", signed(c.change), unit(unit_text));
        let p = c.p_value.map(|p| {
            if p < 0.001 {
                "p < 0.001".to_owned()
            } else {
                format!("p = {p:.3}")
            }
        });
        let judgement = match (c.significant, c.beyond_allowance, &p) {
            (true, _, Some(p)) => self.format("verdict.significant_tested", [("p", p.as_str())]),
            (true, _, None) => self.t("verdict.significant_untested"),
            (false, true, Some(p)) => self.format("verdict.noise", [("p", p.as_str())]),
            (false, true, None) => self.t("verdict.noise_untested"),
            (false, false, _) if c.change == 0.0 => self.t("verdict.unchanged"),
            (false, false, _) => self.t("verdict.within_allowance"),
        };
        self.format(
            against,
            [
                ("baseline", baseline.as_str()),
                ("change", change.as_str()),
                ("judgement", judgement.as_str()),
            ],
        )
    }

    /// What one gap of the go-live gate means.
    pub fn gate_gap(self, gap: &GateGap) -> String {
        match gap {
            GateGap::NotApproved { stage } => self.format(
                "gate.not_approved",
                [("stage", self.t(&stage.text_key()).as_str())],
            ),
            GateGap::NoEvaluation => self.t("gate.no_evaluation"),
            GateGap::NotSignedOff { status } => self.format(
                "gate.not_signed_off",
                [("status", self.t(&status.text_key()).as_str())],
            ),
            GateGap::KpiMissing { name, .. } => {
                self.format("gate.kpi_missing", [("kpi", name.as_str())])
            }
            GateGap::KpiFailed {
                name,
                value,
                threshold,
                ..
            } => self.format(
                "gate.kpi_failed",
                [
                    ("kpi", name.as_str()),
                    ("value", number(*value).as_str()),
                    ("threshold", number(*threshold).as_str()),
                ],
            ),
            GateGap::TooFewSamples { name, n, min, .. } => self.format(
                "gate.too_few_samples",
                [
                    ("kpi", name.as_str()),
                    ("n", n.map(|n| n.to_string()).unwrap_or("—".into()).as_str()),
                    ("min", min.to_string().as_str()),
                ],
            ),
            GateGap::GroupGap { name, gap, max, .. } => self.format(
                "gate.group_gap",
                [
                    ("kpi", name.as_str()),
                    ("gap", number(*gap).as_str()),
                    ("max", number(*max).as_str()),
                ],
            ),
        }
    }

    /// The gaps of a `gate_closed` error's details, one sentence each.
    pub fn gate_gaps_of(self, error: &govbench_protocol::ApiError) -> Vec<String> {
        error
            .details
            .get("gaps")
            .and_then(|json| serde_json::from_str::<Vec<GateGap>>(json).ok())
            .unwrap_or_default()
            .iter()
            .map(|g| self.gate_gap(g))
            .collect()
    }
}

fn unit(unit: &str) -> String {
    match unit {
        "" => String::new(),
        "%" => "%".into(),
        u => format!(" {u}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use govbench_protocol::{EvaluationStatus, VersionStage};

    #[test]
    fn numbers_read_as_written() {
        assert_eq!(number(0.9), "0.9");
        assert_eq!(number(0.91234), "0.9123");
        assert_eq!(number(850.0), "850");
        assert_eq!(number(1234.6), "1235");
        assert_eq!(signed(-0.05), "−0.05");
        assert_eq!(signed(0.0), "±0");
    }

    fn verdict() -> KpiVerdict {
        KpiVerdict {
            kpi: "accuracy".into(),
            name: "Accuracy".into(),
            direction: Direction::HigherIsBetter,
            threshold: 0.9,
            unit: String::new(),
            value: Some(0.85),
            stderr: Some(0.004),
            n: Some(5000),
            rows: 1,
            passes: false,
            too_few_samples: false,
            vs_last: Some(Comparison {
                baseline: 0.9,
                from: vec![],
                change: -0.05,
                relative: None,
                beyond_allowance: true,
                p_value: Some(0.0000001),
                significant: true,
            }),
            vs_three_months: None,
            groups: vec![],
            group_gap: None,
            group_gap_exceeded: false,
        }
    }

    #[test]
    fn verdicts_explain_themselves_in_both_languages() {
        let en = Locale::En.verdict_sentence(&verdict());
        assert!(
            en.contains("0.85") && en.contains("≥ 0.9") && en.contains("−0.05"),
            "{en}"
        );
        assert!(en.contains("p < 0.001") && !en.contains('{'), "{en}");
        let zh = Locale::ZhCn.verdict_sentence(&verdict());
        assert!(zh.contains("显著") && !zh.contains('{'), "{zh}");
        for gap in [
            GateGap::NotApproved {
                stage: VersionStage::Testing,
            },
            GateGap::NotSignedOff {
                status: EvaluationStatus::Submitted,
            },
            GateGap::KpiFailed {
                kpi: "accuracy".into(),
                name: "Accuracy".into(),
                value: 0.8,
                threshold: 0.9,
            },
        ] {
            for locale in Locale::ALL {
                let text = locale.gate_gap(&gap);
                assert!(!text.contains('{') && !text.contains("status."), "{text}");
            }
        }
    }
}
