//! Cells of the spreadsheets (CSV) the app writes — every one goes through [`text_cell`] or
//! [`json_cell`], so no text a person typed runs as a formula when the file is opened in
//! Excel, WPS or LibreOffice.
//!
//! A text cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage return (OWASP's list for
//! CSV injection) is written with a `'` in front: spreadsheet programs then read it as text.
//! Only text is neutralised: a number the app itself writes as a number (a JSON number such
//! as `-3.5`) stays a number a spreadsheet can add up — it cannot be a formula. A number a
//! person typed as text (`"-3.5"` in a title) is text and gets the `'`. The JSON written
//! beside a CSV keeps every text exactly.

use serde_json::Value;
use std::borrow::Cow;

/// The characters that make a spreadsheet program read a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell as written: `'` in front of text a spreadsheet would run as a formula.
pub fn text_cell(text: &str) -> Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// A JSON value as one cell: nothing for null, numbers and booleans as the app wrote them,
/// text through [`text_cell`], arrays and objects as compact JSON (also through it).
pub fn json_cell(value: &Value) -> Cow<'_, str> {
    match value {
        Value::Null => Cow::Borrowed(""),
        Value::String(s) => text_cell(s),
        Value::Number(n) => Cow::Owned(n.to_string()),
        Value::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
        other => Cow::Owned(text_cell(&other.to_string()).into_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn formula_starts_are_neutralised_and_nothing_else() {
        for formula in [
            "=HYPERLINK(\"http://x\",\"y\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
            "-3.5",
        ] {
            assert_eq!(text_cell(formula), format!("'{formula}"));
        }
        for plain in ["", "需求 =1", " =1", "a=b", "'quoted", "3.5", "{\"a\":1}"] {
            assert_eq!(text_cell(plain), plain);
        }
    }

    #[test]
    fn numbers_the_app_writes_stay_numbers() {
        assert_eq!(json_cell(&json!(-3.5)), "-3.5");
        assert_eq!(json_cell(&json!(-7)), "-7");
        assert_eq!(json_cell(&json!("-3.5")), "'-3.5");
        assert_eq!(json_cell(&json!(null)), "");
        assert_eq!(json_cell(&json!(true)), "true");
        assert_eq!(json_cell(&json!(["=1"])), "[\"=1\"]");
    }
}
