//! Input checks that collect every field error of one input, so a form shows all of them at
//! once. Errors map a field path (`kpis.0.metric`) to the key of the rule it broke
//! (`rule.required`).
//!
//! Every text a user types passes through [`Check::text`] or [`Check::multiline`], which refuse
//! what would corrupt a view, a terminal or a report: control characters (only newline and tab,
//! and only in multi-line fields), bidirectional overrides that reorder what a reader sees, and
//! text made only of invisible characters.

use crate::error::{CoreError, CoreResult};
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;

/// Dates a user may enter: from the Unix epoch to the end of 2200. Beyond that a date is a
/// typo, and (far beyond) one that SQLite's date functions and the UI disagree about.
pub const FIRST_YEAR: i32 = 1970;
pub const LAST_YEAR: i32 = 2200;

#[derive(Debug, Default)]
pub struct Check(BTreeMap<String, String>);

impl Check {
    pub fn new() -> Check {
        Check::default()
    }

    /// A required one-line text of at most `max` characters.
    pub fn text(&mut self, field: impl Into<String>, value: &str, max: usize) -> &mut Check {
        self.checked(field.into(), value, max, Lines::One, true)
    }

    /// An optional one-line text of at most `max` characters.
    pub fn optional_text(
        &mut self,
        field: impl Into<String>,
        value: &str,
        max: usize,
    ) -> &mut Check {
        self.checked(field.into(), value, max, Lines::One, false)
    }

    /// A required multi-line text (newlines and tabs allowed) of at most `max` characters.
    pub fn multiline(&mut self, field: impl Into<String>, value: &str, max: usize) -> &mut Check {
        self.checked(field.into(), value, max, Lines::Many, true)
    }

    /// An optional multi-line text of at most `max` characters.
    pub fn optional_multiline(
        &mut self,
        field: impl Into<String>,
        value: &str,
        max: usize,
    ) -> &mut Check {
        self.checked(field.into(), value, max, Lines::Many, false)
    }

    fn checked(
        &mut self,
        field: String,
        value: &str,
        max: usize,
        lines: Lines,
        required: bool,
    ) -> &mut Check {
        let rule = if value.chars().count() > max {
            Some("too_long")
        } else {
            text_rule(value, lines, required)
        };
        match rule {
            Some(rule) => self.fail(field, rule),
            None => self,
        }
    }

    /// A date a person could mean (1970–2200).
    pub fn date(&mut self, field: impl Into<String>, value: NaiveDate) -> &mut Check {
        if !(FIRST_YEAR..=LAST_YEAR).contains(&value.year()) {
            self.fail(field, "date_out_of_range");
        }
        self
    }

    /// A finite number within `min..=max`.
    pub fn number(
        &mut self,
        field: impl Into<String>,
        value: f64,
        min: f64,
        max: f64,
    ) -> &mut Check {
        if !value.is_finite() {
            self.fail(field, "not_a_number");
        } else if value < min || value > max {
            self.fail(field, "out_of_range");
        }
        self
    }

    /// A list of at most `max` entries.
    pub fn count(&mut self, field: impl Into<String>, len: usize, max: usize) -> &mut Check {
        if len > max {
            self.fail(field, "too_many");
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

/// Text that came from a file rather than from a person (a results file's task names, a
/// logged prompt): what [`Check`] would refuse — control characters (newline and tab kept
/// where `multiline`) and bidirectional controls — is dropped, and the rest cut to `max`
/// characters. A results file is evidence; refusing it for a stray control character in a
/// logged prompt would lose it, storing the character would corrupt a view or a terminal.
pub fn cleaned(text: &str, max: usize, multiline: bool) -> String {
    let lines = if multiline { Lines::Many } else { Lines::One };
    text.chars()
        .filter(|c| !is_forbidden(*c, lines) && !is_bidi_control(*c))
        .take(max)
        .collect()
}

#[derive(Clone, Copy, PartialEq)]
enum Lines {
    One,
    Many,
}

/// The rule `value` breaks, if any.
fn text_rule(value: &str, lines: Lines, required: bool) -> Option<&'static str> {
    if value.chars().any(|c| is_forbidden(c, lines)) {
        return Some("control_characters");
    }
    if value.chars().any(is_bidi_control) {
        return Some("bidi_controls");
    }
    if value.trim().is_empty() {
        return required.then_some("required");
    }
    if !value
        .chars()
        .any(|c| !c.is_whitespace() && !is_invisible(c))
    {
        return Some("invisible_only");
    }
    None
}

fn is_forbidden(c: char, lines: Lines) -> bool {
    let allowed = lines == Lines::Many && matches!(c, '\n' | '\t');
    c.is_control() && !allowed
}

/// Explicit embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they make a
/// text display in an order other than it is stored ("Trojan Source").
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that render as nothing: zero-width spaces and joiners, word joiner, invisible
/// operators, soft hyphen, the Hangul fillers, byte-order mark, variation selectors, tags.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}'
        | '\u{206A}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{E0000}'..='\u{E007F}' | '\u{E0100}'..='\u{E01EF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(value: &str, lines: Lines) -> Option<&'static str> {
        text_rule(value, lines, true)
    }

    #[test]
    fn refuses_what_corrupts_a_view_and_keeps_ordinary_text() {
        assert_eq!(rule("医疗问答 v2 — OK", Lines::One), None);
        assert_eq!(rule("第一行\n第二行\t缩进", Lines::Many), None);
        assert_eq!(rule("line\nbreak", Lines::One), Some("control_characters"));
        assert_eq!(rule("a\rb", Lines::Many), Some("control_characters"));
        assert_eq!(rule("nul\0", Lines::Many), Some("control_characters"));
        assert_eq!(
            rule("\u{1b}[31mred", Lines::One),
            Some("control_characters")
        );
        assert_eq!(rule("\u{9b}31m", Lines::One), Some("control_characters"));
        assert_eq!(
            rule("abc\u{202E}txt.exe", Lines::One),
            Some("bidi_controls")
        );
        assert_eq!(rule("\u{2067}x", Lines::Many), Some("bidi_controls"));
        assert_eq!(
            rule("\u{200B}\u{FEFF}\u{2060}", Lines::One),
            Some("invisible_only")
        );
        assert_eq!(rule(" \u{3000} ", Lines::One), Some("required"));
        assert_eq!(rule("", Lines::One), Some("required"));
        assert_eq!(text_rule("", Lines::One, false), None);
        // Joiners inside real text (emoji sequences, Persian) are fine.
        assert_eq!(rule("👩\u{200D}💻", Lines::One), None);
    }

    #[test]
    fn dates_numbers_and_counts_have_bounds() {
        let mut check = Check::new();
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        check
            .date("ok", d(2026, 11, 30))
            .date("first", d(1970, 1, 1))
            .date("last", d(2200, 12, 31))
            .date("old", d(1900, 1, 1))
            .date("far", d(262_142, 1, 1))
            .number("n", 0.5, 0.0, 1.0)
            .number("huge", -1e308, -1e12, 1e12)
            .number("nan", f64::NAN, 0.0, 1.0)
            .count("few", 3, 50)
            .count("many", 10_000, 50);
        let Err(CoreError::Validation(errors)) = check.finish() else {
            panic!("expected errors");
        };
        let failed: Vec<_> = errors.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(
            failed,
            [
                "far=rule.date_out_of_range",
                "huge=rule.out_of_range",
                "many=rule.too_many",
                "nan=rule.not_a_number",
                "old=rule.date_out_of_range",
            ]
        );
    }
}
