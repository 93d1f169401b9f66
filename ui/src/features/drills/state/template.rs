//! The bilingual drill template editor.

use govbench_protocol::{DrillParticipant, DrillStep, DrillTemplate, LocalText, Role};

use crate::state::FieldErrors;

/// A text in both languages, as typed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Bilingual {
    pub zh: String,
    pub en: String,
}

impl Bilingual {
    fn of(t: &LocalText) -> Bilingual {
        Bilingual {
            zh: t.zh_cn.clone(),
            en: t.en.clone(),
        }
    }

    fn is_blank(&self) -> bool {
        self.zh.trim().is_empty() && self.en.trim().is_empty()
    }

    fn text(&self) -> LocalText {
        LocalText {
            zh_cn: self.zh.trim().to_owned(),
            en: self.en.trim().to_owned(),
        }
    }

    /// Requires both languages, naming `<field>.zh_cn` / `<field>.en`.
    fn require(&self, field: &str, errors: &mut FieldErrors) {
        if self.zh.trim().is_empty() {
            errors.insert(format!("{field}.zh_cn"), "rule.required".into());
        }
        if self.en.trim().is_empty() {
            errors.insert(format!("{field}.en"), "rule.required".into());
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct StepRow {
    pub title: Bilingual,
    pub role: Role,
    pub target: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ParticipantRow {
    pub role: Role,
    pub duty: Bilingual,
}

/// The lists of the template a row belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum List {
    Objectives,
    Participants,
    Steps,
    Criteria,
}

impl List {
    /// The field path of the list (`success_criteria`).
    pub fn field(self) -> &'static str {
        match self {
            List::Objectives => "objectives",
            List::Participants => "participants",
            List::Steps => "steps",
            List::Criteria => "success_criteria",
        }
    }
}

/// Which language of a bilingual text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub fn key(self) -> &'static str {
        match self {
            Lang::Zh => "zh_cn",
            Lang::En => "en",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct TemplateForm {
    pub id: String,
    /// The revision the editor started from (sent back; a stale one is a conflict).
    pub version: u32,
    pub title: Bilingual,
    pub scenario: Bilingual,
    pub objectives: Vec<Bilingual>,
    pub participants: Vec<ParticipantRow>,
    pub steps: Vec<StepRow>,
    pub criteria: Vec<Bilingual>,
    pub errors: FieldErrors,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TemplateAction {
    Title(Lang, String),
    Scenario(Lang, String),
    /// A text of row `i` of a list (the objective, the duty, the step's title, the criterion).
    RowText(List, usize, Lang, String),
    RowRole(List, usize, Role),
    StepTarget(usize, String),
    Add(List),
    Remove(List, usize),
    /// Moves row `i` of a list up (-1) or down (+1).
    Move(List, usize, i32),
    /// Starts over from another revision (the latest, after someone else saved one).
    Load(Box<DrillTemplate>),
    Errors(FieldErrors),
}

fn set(b: &mut Bilingual, lang: Lang, v: String) {
    match lang {
        Lang::Zh => b.zh = v,
        Lang::En => b.en = v,
    }
}

fn move_row<T>(rows: &mut [T], i: usize, delta: i32) -> bool {
    let j = i as i64 + i64::from(delta);
    if i < rows.len() && j >= 0 && (j as usize) < rows.len() {
        rows.swap(i, j as usize);
        true
    } else {
        false
    }
}

impl TemplateForm {
    pub fn from_template(t: &DrillTemplate) -> TemplateForm {
        TemplateForm {
            id: t.id.clone(),
            version: t.version,
            title: Bilingual::of(&t.title),
            scenario: Bilingual::of(&t.scenario),
            objectives: t.objectives.iter().map(Bilingual::of).collect(),
            participants: t
                .participants
                .iter()
                .map(|p| ParticipantRow {
                    role: p.role,
                    duty: Bilingual::of(&p.duty),
                })
                .collect(),
            steps: t
                .steps
                .iter()
                .map(|s| StepRow {
                    title: Bilingual::of(&s.title),
                    role: s.role,
                    target: s.target_minutes.to_string(),
                })
                .collect(),
            criteria: t.success_criteria.iter().map(Bilingual::of).collect(),
            errors: FieldErrors::new(),
        }
    }

    fn clear_list_errors(&mut self, list: List) {
        let prefix = format!("{}.", list.field());
        self.errors.retain(|k, _| !k.starts_with(&prefix));
    }

    pub fn apply(&mut self, action: TemplateAction) {
        use TemplateAction as A;
        match action {
            A::Title(lang, v) => {
                set(&mut self.title, lang, v);
                self.errors.remove(&format!("title.{}", lang.key()));
            }
            A::Scenario(lang, v) => {
                set(&mut self.scenario, lang, v);
                self.errors.remove(&format!("scenario.{}", lang.key()));
            }
            A::RowText(list, i, lang, v) => {
                let target = match list {
                    List::Objectives => self.objectives.get_mut(i),
                    List::Criteria => self.criteria.get_mut(i),
                    List::Participants => self.participants.get_mut(i).map(|p| &mut p.duty),
                    List::Steps => self.steps.get_mut(i).map(|s| &mut s.title),
                };
                if let Some(b) = target {
                    set(b, lang, v);
                }
                let inner = match list {
                    List::Participants => "duty.",
                    List::Steps => "title.",
                    List::Objectives | List::Criteria => "",
                };
                self.errors
                    .remove(&format!("{}.{i}.{inner}{}", list.field(), lang.key()));
            }
            A::RowRole(list, i, role) => match list {
                List::Participants => {
                    if let Some(p) = self.participants.get_mut(i) {
                        p.role = role;
                    }
                }
                List::Steps => {
                    if let Some(s) = self.steps.get_mut(i) {
                        s.role = role;
                    }
                }
                // Objectives and criteria are text only; nobody holds them.
                List::Objectives | List::Criteria => {}
            },
            A::StepTarget(i, v) => {
                if let Some(s) = self.steps.get_mut(i) {
                    s.target = v;
                }
                self.errors.remove(&format!("steps.{i}.target_minutes"));
            }
            A::Add(list) => {
                match list {
                    List::Objectives => self.objectives.push(Bilingual::default()),
                    List::Criteria => self.criteria.push(Bilingual::default()),
                    List::Participants => self.participants.push(ParticipantRow {
                        role: Role::Operations,
                        duty: Bilingual::default(),
                    }),
                    List::Steps => {
                        let last = self
                            .steps
                            .last()
                            .and_then(|s| s.target.trim().parse::<u32>().ok())
                            .unwrap_or(0);
                        self.steps.push(StepRow {
                            title: Bilingual::default(),
                            role: Role::Operations,
                            target: (last + 5).to_string(),
                        });
                    }
                }
                self.errors.remove(list.field());
            }
            A::Remove(list, i) => {
                let len = match list {
                    List::Objectives => self.objectives.len(),
                    List::Criteria => self.criteria.len(),
                    List::Participants => self.participants.len(),
                    List::Steps => self.steps.len(),
                };
                let removed = i < len;
                if removed {
                    match list {
                        List::Objectives => {
                            self.objectives.remove(i);
                        }
                        List::Criteria => {
                            self.criteria.remove(i);
                        }
                        List::Participants => {
                            self.participants.remove(i);
                        }
                        List::Steps => {
                            self.steps.remove(i);
                        }
                    }
                }
                if removed {
                    self.clear_list_errors(list);
                }
            }
            A::Move(list, i, delta) => {
                let moved = match list {
                    List::Objectives => move_row(&mut self.objectives, i, delta),
                    List::Criteria => move_row(&mut self.criteria, i, delta),
                    List::Participants => move_row(&mut self.participants, i, delta),
                    List::Steps => move_row(&mut self.steps, i, delta),
                };
                if moved {
                    self.clear_list_errors(list);
                }
            }
            A::Load(t) => *self = TemplateForm::from_template(&t),
            A::Errors(e) => self.errors = e,
        }
    }

    /// Every field the editor shows an error at; the backend's errors for anything else go
    /// to the form's general list.
    pub fn known_fields(&self) -> Vec<String> {
        let mut known: Vec<String> = [
            "title.zh_cn",
            "title.en",
            "scenario.zh_cn",
            "scenario.en",
            "steps",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        for (list, len) in [
            (List::Objectives, self.objectives.len()),
            (List::Criteria, self.criteria.len()),
        ] {
            for i in 0..len {
                known.push(format!("{}.{i}.zh_cn", list.field()));
                known.push(format!("{}.{i}.en", list.field()));
            }
        }
        for i in 0..self.participants.len() {
            known.push(format!("participants.{i}.duty.zh_cn"));
            known.push(format!("participants.{i}.duty.en"));
        }
        for i in 0..self.steps.len() {
            known.push(format!("steps.{i}.title.zh_cn"));
            known.push(format!("steps.{i}.title.en"));
            known.push(format!("steps.{i}.target_minutes"));
        }
        known
    }

    /// The template to save, or the fields to fix. Title and scenario need both languages;
    /// a drill needs at least one step, each with its title in both languages and a target
    /// of at least a minute; rows of the other lists left blank are dropped.
    pub fn template(&self) -> Result<DrillTemplate, FieldErrors> {
        let mut errors = FieldErrors::new();
        self.title.require("title", &mut errors);
        self.scenario.require("scenario", &mut errors);
        let texts = |rows: &[Bilingual], field: &str, errors: &mut FieldErrors| -> Vec<LocalText> {
            rows.iter()
                .enumerate()
                .filter(|(_, b)| !b.is_blank())
                .map(|(i, b)| {
                    b.require(&format!("{field}.{i}"), errors);
                    b.text()
                })
                .collect()
        };
        let objectives = texts(&self.objectives, "objectives", &mut errors);
        let success_criteria = texts(&self.criteria, "success_criteria", &mut errors);
        let participants = self
            .participants
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.duty.is_blank())
            .map(|(i, p)| {
                p.duty
                    .require(&format!("participants.{i}.duty"), &mut errors);
                DrillParticipant {
                    role: p.role,
                    duty: p.duty.text(),
                }
            })
            .collect();
        if self.steps.is_empty() {
            errors.insert("steps".into(), "drill.rule.no_steps".into());
        }
        let steps = self
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                s.title.require(&format!("steps.{i}.title"), &mut errors);
                let target = match s.target.trim().parse::<u32>() {
                    Ok(0) => {
                        errors.insert(
                            format!("steps.{i}.target_minutes"),
                            "rule.not_positive".into(),
                        );
                        0
                    }
                    Ok(m) => m,
                    Err(_) => {
                        errors.insert(
                            format!("steps.{i}.target_minutes"),
                            if s.target.trim().is_empty() {
                                "rule.required"
                            } else {
                                "rule.not_a_number"
                            }
                            .into(),
                        );
                        0
                    }
                };
                DrillStep {
                    title: s.title.text(),
                    role: s.role,
                    target_minutes: target,
                }
            })
            .collect();
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(DrillTemplate {
            id: self.id.clone(),
            version: self.version,
            title: self.title.text(),
            scenario: self.scenario.text(),
            objectives,
            participants,
            steps,
            success_criteria,
        })
    }
}
