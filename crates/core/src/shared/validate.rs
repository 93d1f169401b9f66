//! Input checks that collect every field error of one input, so a form shows all of them at
//! once. Errors map a field path (`kpis.0.metric`) to the key of the rule it broke
//! (`rule.required`).

use crate::error::{CoreError, CoreResult};
use std::collections::BTreeMap;

#[derive(Debug, Default)]
pub struct Check(BTreeMap<String, String>);

impl Check {
    pub fn new() -> Check {
        Check::default()
    }

    /// A required text of at most `max` characters.
    pub fn text(&mut self, field: impl Into<String>, value: &str, max: usize) -> &mut Check {
        if value.trim().is_empty() {
            self.fail(field, "required");
        } else if value.chars().count() > max {
            self.fail(field, "too_long");
        }
        self
    }

    /// An optional text of at most `max` characters.
    pub fn optional_text(
        &mut self,
        field: impl Into<String>,
        value: &str,
        max: usize,
    ) -> &mut Check {
        if value.chars().count() > max {
            self.fail(field, "too_long");
        }
        self
    }

    /// Records that `field` broke `rule` (a key under `rule.`); the first rule per field wins.
    pub fn fail(&mut self, field: impl Into<String>, rule: &str) -> &mut Check {
        self.0
            .entry(field.into())
            .or_insert_with(|| format!("rule.{rule}"));
        self
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    pub fn finish(self) -> CoreResult<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(CoreError::Validation(self.0))
        }
    }
}
