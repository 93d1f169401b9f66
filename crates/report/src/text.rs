//! The two embedded faces, measuring text with their own advance widths and breaking it into
//! lines (CJK between any two characters, Latin between words).
//!
//! printpdf writes external-font text glyph by glyph through the font's cmap, with no shaping
//! and no kerning, so the sum of the hmtx advances measured here is exactly the width a viewer
//! draws.

use crate::RenderError;
use printpdf::ParsedFont;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

static REGULAR_BYTES: &[u8] =
    include_bytes!("../../../assets/fonts/NotoSansCJKsc-Regular.subset.otf");
static BOLD_BYTES: &[u8] = include_bytes!("../../../assets/fonts/NotoSansCJKsc-Bold.subset.otf");

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Face {
    Regular,
    Bold,
}

/// A parsed face and a memo of its advances. Parsing a 3.6 MB CFF font takes tens of
/// milliseconds, so each face is parsed once per process.
pub struct FontFace {
    pub parsed: ParsedFont,
    units_per_em: f32,
    /// Advance in em per character; looked up through the cmap and hmtx only once.
    advances: Mutex<HashMap<char, f32>>,
}

impl FontFace {
    fn parse(name: &'static str, bytes: &[u8]) -> Result<FontFace, RenderError> {
        let mut warnings = Vec::new();
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut warnings).ok_or_else(|| {
            RenderError::Font(format!("{name} could not be parsed: {warnings:?}"))
        })?;
        let units_per_em = f32::from(parsed.pdf_font_metrics.units_per_em.max(1));
        Ok(FontFace {
            parsed,
            units_per_em,
            advances: Mutex::new(HashMap::new()),
        })
    }

    /// Advance of one character in em. Characters the font lacks are drawn as `.notdef`
    /// (glyph 0), so they are measured as that glyph.
    fn advance_em(&self, c: char) -> f32 {
        let lookup = || {
            let gid = self.parsed.lookup_glyph_index(c as u32).unwrap_or(0);
            f32::from(self.parsed.get_horizontal_advance(gid)) / self.units_per_em
        };
        match self.advances.lock() {
            Ok(mut memo) => *memo.entry(c).or_insert_with(lookup),
            // A poisoned memo only means another render panicked; measuring is still exact.
            Err(_) => lookup(),
        }
    }
}

pub struct Fonts {
    pub regular: FontFace,
    pub bold: FontFace,
}

/// The process-wide faces (parsed on first use).
pub fn fonts() -> Result<&'static Fonts, RenderError> {
    static FONTS: OnceLock<Result<Fonts, RenderError>> = OnceLock::new();
    let parsed = FONTS.get_or_init(|| {
        Ok(Fonts {
            regular: FontFace::parse("NotoSansCJKsc-Regular", REGULAR_BYTES)?,
            bold: FontFace::parse("NotoSansCJKsc-Bold", BOLD_BYTES)?,
        })
    });
    parsed.as_ref().map_err(Clone::clone)
}

impl Fonts {
    pub fn face(&self, face: Face) -> &FontFace {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
        }
    }

    /// Width of `text` in millimetres at `size` points.
    pub fn width(&self, face: Face, size: f32, text: &str) -> f32 {
        let face = self.face(face);
        let em: f32 = text.chars().map(|c| face.advance_em(c)).sum();
        em * size * PT_TO_MM
    }

    /// Breaks `text` into lines no wider than `max_width` mm. Newlines in the text are kept;
    /// a word wider than the line is broken between characters rather than overflowing.
    pub fn wrap(&self, face: Face, size: f32, text: &str, max_width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            self.wrap_paragraph(
                face,
                size,
                paragraph.trim_end_matches('\r'),
                max_width,
                &mut lines,
            );
        }
        lines
    }

    /// At most `max_lines` of the wrapped text, the last one ending in `…` when some was cut
    /// (for places with fixed room: the cover, headers).
    pub fn clip(
        &self,
        face: Face,
        size: f32,
        text: &str,
        max_width: f32,
        max_lines: usize,
    ) -> String {
        let mut lines = self.wrap(face, size, text, max_width);
        if lines.len() > max_lines {
            lines.truncate(max_lines.max(1));
            let ellipsis = self.width(face, size, "…");
            if let Some(last) = lines.last_mut() {
                let kept = self
                    .wrap(face, size, last, max_width - ellipsis)
                    .into_iter()
                    .next()
                    .unwrap_or_default();
                *last = format!("{kept}…");
            }
        }
        lines.join("\n")
    }

    fn wrap_paragraph(
        &self,
        face: Face,
        size: f32,
        text: &str,
        max_width: f32,
        lines: &mut Vec<String>,
    ) {
        let scale = size * PT_TO_MM;
        // Widths are sums of floats: a column measured to fit its text exactly must not
        // wrap it because of the last bit.
        let max_width = max_width + 0.01;
        let font = self.face(face);
        let mut line = String::new();
        let mut line_width = 0.0;
        for unit in break_units(text) {
            let unit_width: f32 = unit.chars().map(|c| font.advance_em(c)).sum::<f32>() * scale;
            let is_space = unit.chars().all(char::is_whitespace);
            if line_width + unit_width <= max_width || line.is_empty() && !is_space {
                if line.is_empty() && unit_width > max_width {
                    // One word wider than the column (a hash, a URL): break it anywhere.
                    for c in unit.chars() {
                        let w = font.advance_em(c) * scale;
                        if line_width + w > max_width && !line.is_empty() {
                            lines.push(std::mem::take(&mut line));
                            line_width = 0.0;
                        }
                        line.push(c);
                        line_width += w;
                    }
                } else {
                    line.push_str(unit);
                    line_width += unit_width;
                }
            } else if is_space {
                // A break opportunity: the space itself is dropped at the end of a line.
                lines.push(std::mem::take(&mut line).trim_end().to_owned());
                line_width = 0.0;
            } else if starts_with_closing_punctuation(unit) {
                // Closing punctuation may not begin a line: let it hang past the margin.
                line.push_str(unit);
                line_width += unit_width;
            } else {
                lines.push(std::mem::take(&mut line).trim_end().to_owned());
                line.push_str(unit);
                line_width = unit_width;
            }
        }
        lines.push(line.trim_end().to_owned());
    }
}

pub const PT_TO_MM: f32 = 25.4 / 72.0;

/// Splits text into the pieces a line may break between: runs of Latin letters and digits
/// (words), runs of spaces, and single CJK characters or punctuation.
fn break_units(text: &str) -> Vec<&str> {
    let mut units = Vec::new();
    let mut start = 0;
    let mut previous: Option<UnitKind> = None;
    for (i, c) in text.char_indices() {
        let kind = unit_kind(c);
        let joins = matches!(
            (previous, kind),
            (Some(UnitKind::Word), UnitKind::Word) | (Some(UnitKind::Space), UnitKind::Space)
        );
        if !joins && i > start {
            units.push(&text[start..i]);
            start = i;
        }
        previous = Some(kind);
    }
    if start < text.len() {
        units.push(&text[start..]);
    }
    units
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum UnitKind {
    Word,
    Space,
    /// A character a line may break after on its own (CJK ideographs, kana, fullwidth forms).
    Single,
}

fn unit_kind(c: char) -> UnitKind {
    if c.is_whitespace() {
        UnitKind::Space
    } else if is_cjk(c) {
        UnitKind::Single
    } else {
        UnitKind::Word
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF      // radicals
        | 0x3000..=0x303F    // CJK symbols and punctuation
        | 0x3040..=0x30FF    // kana
        | 0x3400..=0x4DBF    // extension A
        | 0x4E00..=0x9FFF    // unified ideographs
        | 0xF900..=0xFAFF    // compatibility ideographs
        | 0xFE30..=0xFE4F    // compatibility forms
        | 0xFF00..=0xFFEF    // fullwidth forms
        | 0x20000..=0x3FFFF) // supplementary ideographs
}

fn starts_with_closing_punctuation(unit: &str) -> bool {
    unit.chars()
        .next()
        .is_some_and(|c| "，。、；：？！）》」』】〕”’…—·,.;:?!)]}%".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_wraps_between_words_and_cjk_between_characters() {
        let fonts = fonts().unwrap();
        let lines = fonts.wrap(
            Face::Regular,
            10.0,
            "the quick brown fox jumps over the lazy dog",
            30.0,
        );
        assert!(lines.len() > 1);
        assert!(lines
            .iter()
            .all(|l| !l.starts_with(' ') && !l.ends_with(' ')));
        assert_eq!(
            lines.join(" "),
            "the quick brown fox jumps over the lazy dog"
        );
        for line in &lines {
            assert!(fonts.width(Face::Regular, 10.0, line) <= 30.0);
        }

        let zh = "各部门每季度对制度执行情况进行分析，并根据分析结果调整策略。";
        let lines = fonts.wrap(Face::Regular, 10.0, zh, 30.0);
        assert!(lines.len() > 2);
        assert_eq!(lines.concat(), zh);
        assert!(lines
            .iter()
            .skip(1)
            .all(|l| !l.starts_with('，') && !l.starts_with('。')));
    }

    #[test]
    fn an_overlong_word_is_broken_and_newlines_are_kept() {
        let fonts = fonts().unwrap();
        let hash = "a".repeat(64);
        let lines = fonts.wrap(Face::Regular, 10.0, &hash, 20.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), hash);
        assert_eq!(
            fonts.wrap(Face::Bold, 10.0, "one\ntwo", 100.0),
            ["one", "two"]
        );
        assert_eq!(fonts.wrap(Face::Bold, 10.0, "", 100.0), [""]);
    }

    #[test]
    fn cjk_is_one_em_wide() {
        let fonts = fonts().unwrap();
        let w = fonts.width(Face::Regular, 10.0, "制度");
        assert!((w - 20.0 * PT_TO_MM).abs() < 0.01, "{w}");
    }
}
