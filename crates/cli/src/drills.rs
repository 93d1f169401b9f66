//! `govbench drills …`: the drill template library (no workspace needed).

use crate::{for_terminal, Failure, Format};
use clap::Subcommand;
use govbench_i18n::Locale;
use govbench_protocol::{ApiError, DrillTemplate};
use serde_json::json;

#[derive(Subcommand)]
pub enum DrillsCommand {
    /// The built-in drill templates with their steps, in the language of `--lang`.
    Templates {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

fn as_json(t: &DrillTemplate, lang: &str) -> serde_json::Value {
    json!({
        "id": t.id,
        "version": t.version,
        "title": t.title.get(lang),
        "scenario": t.scenario.get(lang),
        "objectives": t.objectives.iter().map(|o| o.get(lang)).collect::<Vec<_>>(),
        "participants": t.participants.iter().map(|p| json!({
            "role": p.role.key(),
            "duty": p.duty.get(lang),
        })).collect::<Vec<_>>(),
        "steps": t.steps.iter().map(|s| json!({
            "title": s.title.get(lang),
            "role": s.role.key(),
            "target_minutes": s.target_minutes,
        })).collect::<Vec<_>>(),
        "success_criteria": t.success_criteria.iter().map(|c| c.get(lang)).collect::<Vec<_>>(),
    })
}

pub fn run(command: DrillsCommand, locale: Locale) -> Result<(), Failure> {
    let DrillsCommand::Templates { format } = command;
    let templates =
        govbench_core::features::drills::library::templates().map_err(ApiError::from)?;
    let lang = locale.tag();
    match format {
        Format::Json => {
            let all: Vec<_> = templates.iter().map(|t| as_json(t, lang)).collect();
            let text = serde_json::to_string_pretty(&all)
                .map_err(|e| ApiError::from(govbench_core::CoreError::Malformed(e.to_string())))?;
            out!("{}", for_terminal(&text));
        }
        Format::Table => {
            for t in &templates {
                out!("{} · {}", t.id, t.title.get(lang));
                out!("  {}", t.scenario.get(lang));
                for (i, s) in t.steps.iter().enumerate() {
                    out!(
                        "  {:>2}. [{}] {} — {}",
                        i + 1,
                        locale.t(&s.role.text_key()),
                        s.title.get(lang),
                        locale.format(
                            "cli.drill_target",
                            [("minutes", s.target_minutes.to_string().as_str())]
                        )
                    );
                }
                out!();
            }
        }
    }
    Ok(())
}
