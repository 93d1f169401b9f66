//! JSON as Python's `json.dumps` writes it. Python writes non-finite floats as the bare tokens
//! `NaN`, `Infinity` and `-Infinity`, which strict JSON (and serde_json) refuses; evaluation
//! tools written in Python emit them whenever a metric or its standard error is undefined.
//! They are rewritten to the strings `"NaN"`, `"Infinity"` and `"-Infinity"` before parsing,
//! so a reader sees them as "not a finite number" and can say so, instead of refusing the
//! whole file. Nothing inside strings is touched.

use std::borrow::Cow;

/// The bytes with bare non-finite tokens quoted, or the bytes themselves when there are none.
pub fn quote_non_finite(bytes: &[u8]) -> Cow<'_, [u8]> {
    const TOKENS: [&[u8]; 3] = [b"-Infinity", b"Infinity", b"NaN"];
    let mut out: Option<Vec<u8>> = None;
    let mut in_string = false;
    let mut escaped = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        } else if let Some(token) = TOKENS.iter().find(|t| bytes[i..].starts_with(t)) {
            let out = out.get_or_insert_with(|| bytes[..i].to_vec());
            out.push(b'"');
            out.extend_from_slice(token);
            out.push(b'"');
            i += token.len();
            continue;
        }
        if let Some(out) = out.as_mut() {
            out.push(b);
        }
        i += 1;
    }
    match out {
        Some(out) => Cow::Owned(out),
        None => Cow::Borrowed(bytes),
    }
}

/// What stood where a number was expected, as written (for a warning).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotANumber(pub String);

/// A JSON value as a number: finite numbers, and numbers written as strings (some tools
/// write `"0.5"`).
pub fn number(value: &serde_json::Value) -> Result<f64, NotANumber> {
    match value {
        serde_json::Value::Number(n) => n.as_f64().ok_or_else(|| NotANumber(n.to_string())),
        serde_json::Value::String(s) => match s.trim().parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(NotANumber(s.clone())),
        },
        other => Err(NotANumber(other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_non_finite_tokens_are_quoted_and_strings_are_left_alone() {
        let text = br#"{"a": NaN, "b": -Infinity, "c": [Infinity], "d": "NaN in a string \" NaN", "e": 1}"#;
        let fixed = quote_non_finite(text);
        let v: serde_json::Value = serde_json::from_slice(&fixed).unwrap();
        assert_eq!(v["a"], "NaN");
        assert_eq!(v["b"], "-Infinity");
        assert_eq!(v["c"][0], "Infinity");
        assert_eq!(v["d"], "NaN in a string \" NaN");
        assert!(matches!(quote_non_finite(br#"{"x": 1}"#), Cow::Borrowed(_)));
    }

    #[test]
    fn numbers_may_be_strings_but_must_be_finite() {
        assert_eq!(number(&serde_json::json!(0.25)), Ok(0.25));
        assert_eq!(number(&serde_json::json!(" 0.5 ")), Ok(0.5));
        assert!(number(&serde_json::json!("N/A")).is_err());
        assert!(number(&serde_json::json!("NaN")).is_err());
        assert!(number(&serde_json::json!(null)).is_err());
    }
}
