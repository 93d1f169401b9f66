//! JSON as Python's `json.dumps` writes it. Python writes non-finite floats as the bare tokens
//! `NaN`, `Infinity` and `-Infinity`, which strict JSON (and serde_json) refuses; evaluation
//! tools written in Python emit them whenever a metric or its standard error is undefined.
//! They are read as the strings `"NaN"`, `"Infinity"` and `"-Infinity"`, so a reader sees them
//! as "not a finite number" and can say so, instead of refusing the whole file. Nothing inside
//! strings is touched. The quoting is done as the parser reads ([`Quoting`]), not in a copy of
//! the file: a copy would double the memory a 64 MiB file takes.

use crate::MAX_STRING_BYTES;
use std::io::Read;

const TOKENS: [(&[u8], &[u8]); 3] = [
    (b"-Infinity", b"\"-Infinity\""),
    (b"Infinity", b"\"Infinity\""),
    (b"NaN", b"\"NaN\""),
];

/// Where the reader is in the text: only bare tokens outside strings are quoted.
#[derive(Clone, Copy, Default)]
struct Scan {
    in_string: bool,
    escaped: bool,
}

impl Scan {
    /// Steps over `bytes[i]`; the token starting there (outside strings), if any.
    fn step(&mut self, bytes: &[u8], i: usize) -> Option<(&'static [u8], &'static [u8])> {
        let b = bytes[i];
        if self.in_string {
            match (self.escaped, b) {
                (true, _) => self.escaped = false,
                (false, b'\\') => self.escaped = true,
                (false, b'"') => self.in_string = false,
                _ => {}
            }
            None
        } else if b == b'"' {
            self.in_string = true;
            None
        } else {
            TOKENS
                .iter()
                .find(|(token, _)| bytes[i..].starts_with(token))
                .copied()
        }
    }
}

/// Does the text have a bare non-finite token anywhere (and so need [`Quoting`])?
pub fn has_non_finite(bytes: &[u8]) -> bool {
    let mut scan = Scan::default();
    (0..bytes.len()).any(|i| scan.step(bytes, i).is_some())
}

/// The text with bare non-finite tokens quoted, as a reader.
pub struct Quoting<'a> {
    bytes: &'a [u8],
    at: usize,
    scan: Scan,
    /// The rest of a quoted token being written.
    pending: &'static [u8],
}

impl<'a> Quoting<'a> {
    pub fn new(bytes: &'a [u8]) -> Quoting<'a> {
        Quoting {
            bytes,
            at: 0,
            scan: Scan::default(),
            pending: &[],
        }
    }
}

impl Read for Quoting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut n = 0;
        while n < buf.len() {
            if let Some((&b, rest)) = self.pending.split_first() {
                buf[n] = b;
                n += 1;
                self.pending = rest;
                continue;
            }
            if self.at >= self.bytes.len() {
                break;
            }
            if let Some((token, quoted)) = self.scan.step(self.bytes, self.at) {
                self.at += token.len();
                self.pending = quoted;
                continue;
            }
            buf[n] = self.bytes[self.at];
            n += 1;
            self.at += 1;
        }
        Ok(n)
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
        other => Err(NotANumber(compact(other))),
    }
}

/// A value as compact JSON, cut to [`MAX_STRING_BYTES`] (ending in `…`) without writing
/// the rest: a list or object the file put where a number or name belongs is shown, not
/// copied whole.
pub fn compact(value: &serde_json::Value) -> String {
    cut_bytes(&serialised_up_to(value, MAX_STRING_BYTES + 1))
}

/// A value as compact JSON, its first `limit` bytes at most: the serialiser is stopped once
/// that much is written, so a large value is never copied whole.
pub(crate) fn serialised_up_to(value: &serde_json::Value, limit: usize) -> Vec<u8> {
    /// Keeps what fits and refuses the rest, which stops the serialiser.
    struct Bounded {
        bytes: Vec<u8>,
        limit: usize,
    }
    impl std::io::Write for Bounded {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let room = self.limit.saturating_sub(self.bytes.len());
            if room == 0 {
                return Err(std::io::ErrorKind::WriteZero.into());
            }
            let n = buf.len().min(room);
            self.bytes.extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut out = Bounded {
        bytes: Vec::new(),
        limit,
    };
    // An error here only means the text was cut.
    let _ = serde_json::to_writer(&mut out, value);
    out.bytes
}

/// Text cut to [`MAX_STRING_BYTES`] at a character boundary, ending in `…` when cut.
pub fn cut_bytes(bytes: &[u8]) -> String {
    if bytes.len() <= MAX_STRING_BYTES {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    let text = match std::str::from_utf8(&bytes[..MAX_STRING_BYTES]) {
        Ok(text) => text,
        // Cut inside a character: drop its first bytes too.
        Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default(),
    };
    format!("{text}…")
}

/// A string as held: itself, or cut to [`MAX_STRING_BYTES`] (ending in `…`).
pub fn cut_str(text: &str) -> String {
    if text.len() <= MAX_STRING_BYTES {
        text.to_owned()
    } else {
        cut_bytes(text.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(text: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        // Small reads, so that tokens straddle them.
        let mut reader = std::io::BufReader::with_capacity(3, Quoting::new(text));
        reader.read_to_end(&mut out).unwrap();
        out
    }

    #[test]
    fn bare_non_finite_tokens_are_quoted_and_strings_are_left_alone() {
        let text = br#"{"a": NaN, "b": -Infinity, "c": [Infinity], "d": "NaN in a string \" NaN", "e": 1}"#;
        assert!(has_non_finite(text));
        let fixed = quoted(text);
        let v: serde_json::Value = serde_json::from_slice(&fixed).unwrap();
        assert_eq!(v["a"], "NaN");
        assert_eq!(v["b"], "-Infinity");
        assert_eq!(v["c"][0], "Infinity");
        assert_eq!(v["d"], "NaN in a string \" NaN");
        assert!(!has_non_finite(br#"{"x": 1, "y": "NaN"}"#));
        assert_eq!(quoted(br#"{"x": 1}"#), br#"{"x": 1}"#);
    }

    #[test]
    fn numbers_may_be_strings_but_must_be_finite() {
        assert_eq!(number(&serde_json::json!(0.25)), Ok(0.25));
        assert_eq!(number(&serde_json::json!(" 0.5 ")), Ok(0.5));
        assert!(number(&serde_json::json!("N/A")).is_err());
        assert!(number(&serde_json::json!("NaN")).is_err());
        assert!(number(&serde_json::json!(null)).is_err());
        assert_eq!(
            number(&serde_json::json!([1, "a"])),
            Err(NotANumber("[1,\"a\"]".into()))
        );
    }

    #[test]
    fn long_values_are_shown_cut() {
        let long = serde_json::Value::Array(vec![serde_json::json!("é"); 100_000]);
        let shown = compact(&long);
        assert!(shown.ends_with('…'));
        assert!(shown.len() <= MAX_STRING_BYTES + '…'.len_utf8());
        let text = "é".repeat(MAX_STRING_BYTES);
        let cut = cut_str(&text);
        assert!(cut.ends_with('…') && cut.len() <= MAX_STRING_BYTES + 3);
        assert_eq!(cut_str("short"), "short");
    }
}
