//! Pages and the cursor that flows content down them.
//!
//! Everything is laid out in millimetres from the *top-left* corner of an A4 page, the way one
//! reads it; the conversion to PDF's bottom-left points happens only when an op is written.

use crate::text::{Face, Fonts};
use printpdf::{
    Color, FontId, Line, LineDashPattern, LinePoint, Mm, Op, PaintMode, PdfFontHandle, PdfPage,
    Point, Polygon, PolygonRing, Pt, Rect, Rgb, TextItem, WindingOrder,
};

pub const PAGE_WIDTH: f32 = 210.0;
pub const PAGE_HEIGHT: f32 = 297.0;
pub const MARGIN: f32 = 18.0;
pub const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
/// Where body content starts and must end (the header and footer live outside).
pub const BODY_TOP: f32 = 26.0;
pub const BODY_BOTTOM: f32 = PAGE_HEIGHT - 20.0;

/// Line height as a multiple of the font size: roomy enough for CJK, whose glyphs fill the em.
pub const LEADING: f32 = 1.4;

/// An sRGB colour, 0–255 per channel (as designers write them).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Colour(pub u8, pub u8, pub u8);

impl Colour {
    fn pdf(self) -> Color {
        Color::Rgb(Rgb {
            r: f32::from(self.0) / 255.0,
            g: f32::from(self.1) / 255.0,
            b: f32::from(self.2) / 255.0,
            icc_profile: None,
        })
    }
}

pub const INK: Colour = Colour(0x1F, 0x23, 0x28);
pub const MUTED: Colour = Colour(0x5F, 0x67, 0x70);
pub const RULE: Colour = Colour(0xC8, 0xCD, 0xD2);
pub const HAIRLINE: Colour = Colour(0xE1, 0xE4, 0xE8);
pub const SHADE: Colour = Colour(0xEE, 0xF0, 0xF2);
pub const ACCENT: Colour = Colour(0x1F, 0x4E, 0x79);
pub const GREEN: Colour = Colour(0x2E, 0x8B, 0x57);
pub const AMBER: Colour = Colour(0xE0, 0x9B, 0x1A);
pub const RED: Colour = Colour(0xC0, 0x39, 0x2B);
pub const GREY: Colour = Colour(0x9A, 0xA0, 0xA6);
pub const NOTE_FILL: Colour = Colour(0xFD, 0xF3, 0xE1);
pub const WHITE: Colour = Colour(0xFF, 0xFF, 0xFF);

/// The document's two font resources.
#[derive(Clone, Debug)]
pub struct FontIds {
    pub regular: FontId,
    pub bold: FontId,
}

impl FontIds {
    fn handle(&self, face: Face) -> PdfFontHandle {
        PdfFontHandle::External(match face {
            Face::Regular => self.regular.clone(),
            Face::Bold => self.bold.clone(),
        })
    }
}

/// How a run of text is set.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub face: Face,
    /// Points.
    pub size: f32,
    pub colour: Colour,
}

impl Style {
    pub const fn new(face: Face, size: f32, colour: Colour) -> Style {
        Style { face, size, colour }
    }

    /// Distance between baselines, in mm.
    pub fn line_height(self) -> f32 {
        self.size * LEADING * crate::text::PT_TO_MM
    }

    /// From the top of a line box to its baseline, in mm (the glyphs sit centred in the box).
    pub fn baseline_offset(self) -> f32 {
        let pt = self.size * (LEADING - 1.0) / 2.0 + self.size * 0.88;
        pt * crate::text::PT_TO_MM
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
    Centre,
}

/// One page's drawing operations.
pub struct Page {
    fonts: FontIds,
    ops: Vec<Op>,
}

fn point(x: f32, y_from_top: f32) -> Point {
    // A NaN reaching the content stream would make the whole file unreadable.
    let finite = |v: f32| if v.is_finite() { v } else { 0.0 };
    Point::new(Mm(finite(x)), Mm(finite(PAGE_HEIGHT - y_from_top)))
}

fn line_point(x: f32, y: f32, bezier: bool) -> LinePoint {
    LinePoint {
        p: point(x, y),
        bezier,
    }
}

impl Page {
    /// Text with its baseline at `y`, anchored at `x` by `align` (width measured by the caller
    /// for right and centred text).
    pub fn text(
        &mut self,
        fonts: &Fonts,
        x: f32,
        baseline: f32,
        style: Style,
        align: Align,
        text: &str,
    ) {
        if text.is_empty() {
            return;
        }
        let x = match align {
            Align::Left => x,
            Align::Right => x - fonts.width(style.face, style.size, text),
            Align::Centre => x - fonts.width(style.face, style.size, text) / 2.0,
        };
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFillColor {
                col: style.colour.pdf(),
            },
            Op::SetFont {
                font: self.fonts.handle(style.face),
                size: Pt(style.size),
            },
            Op::SetTextCursor {
                pos: point(x, baseline),
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_owned())],
            },
            Op::EndTextSection,
        ]);
    }

    pub fn fill_rect(&mut self, x: f32, y: f32, width: f32, height: f32, colour: Colour) {
        self.ops.push(Op::SetFillColor { col: colour.pdf() });
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Mm(x).into(),
                y: Mm(PAGE_HEIGHT - y - height).into(),
                width: Mm(width).into(),
                height: Mm(height).into(),
                mode: Some(PaintMode::Fill),
                winding_order: Some(WindingOrder::NonZero),
            },
        });
    }

    pub fn stroke_rect(&mut self, x: f32, y: f32, width: f32, height: f32, stroke: Stroke) {
        self.set_stroke(stroke);
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Mm(x).into(),
                y: Mm(PAGE_HEIGHT - y - height).into(),
                width: Mm(width).into(),
                height: Mm(height).into(),
                mode: Some(PaintMode::Stroke),
                winding_order: None,
            },
        });
        self.reset_dash(stroke);
    }

    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, stroke: Stroke) {
        self.polyline(&[(x1, y1), (x2, y2)], stroke);
    }

    pub fn polyline(&mut self, points: &[(f32, f32)], stroke: Stroke) {
        if points.len() < 2 {
            return;
        }
        self.set_stroke(stroke);
        self.ops.push(Op::DrawLine {
            line: Line {
                points: points
                    .iter()
                    .map(|&(x, y)| line_point(x, y, false))
                    .collect(),
                is_closed: false,
            },
        });
        self.reset_dash(stroke);
    }

    /// A filled disc (four Bézier quarter-arcs).
    pub fn fill_circle(&mut self, cx: f32, cy: f32, r: f32, colour: Colour) {
        // Control-point distance that makes a cubic Bézier a quarter circle.
        let k = 0.552_284_8 * r;
        let points = vec![
            line_point(cx + r, cy, false),
            line_point(cx + r, cy + k, true),
            line_point(cx + k, cy + r, true),
            line_point(cx, cy + r, false),
            line_point(cx - k, cy + r, true),
            line_point(cx - r, cy + k, true),
            line_point(cx - r, cy, false),
            line_point(cx - r, cy - k, true),
            line_point(cx - k, cy - r, true),
            line_point(cx, cy - r, false),
            line_point(cx + k, cy - r, true),
            line_point(cx + r, cy - k, true),
            line_point(cx + r, cy, false),
        ];
        self.ops.push(Op::SetFillColor { col: colour.pdf() });
        self.ops.push(Op::DrawPolygon {
            polygon: Polygon {
                rings: vec![PolygonRing { points }],
                mode: PaintMode::Fill,
                winding_order: WindingOrder::NonZero,
            },
        });
    }

    fn set_stroke(&mut self, stroke: Stroke) {
        self.ops.push(Op::SetOutlineColor {
            col: stroke.colour.pdf(),
        });
        self.ops.push(Op::SetOutlineThickness {
            pt: Pt(stroke.width_pt),
        });
        if let Some(dash) = stroke.dash {
            self.ops.push(Op::SetLineDashPattern {
                dash: LineDashPattern::new(0.0, &dash),
            });
        }
    }

    fn reset_dash(&mut self, stroke: Stroke) {
        if stroke.dash.is_some() {
            self.ops.push(Op::SetLineDashPattern {
                dash: LineDashPattern::solid(),
            });
        }
    }
}

/// How a line is stroked.
#[derive(Clone, Copy, Debug)]
pub struct Stroke {
    pub colour: Colour,
    pub width_pt: f32,
    /// Dash and gap lengths in points.
    pub dash: Option<[f32; 2]>,
}

impl Stroke {
    pub const fn solid(colour: Colour, width_pt: f32) -> Stroke {
        Stroke {
            colour,
            width_pt,
            dash: None,
        }
    }

    pub const fn dashed(colour: Colour, width_pt: f32, dash: [f32; 2]) -> Stroke {
        Stroke {
            colour,
            width_pt,
            dash: Some(dash),
        }
    }
}

/// The pages laid out so far and the cursor on the last one.
pub struct Layout<'f> {
    pub fonts: &'f Fonts,
    font_ids: FontIds,
    pages: Vec<Page>,
    /// Distance of the cursor from the top of the current page, in mm.
    pub y: f32,
}

impl<'f> Layout<'f> {
    pub fn new(fonts: &'f Fonts, font_ids: FontIds) -> Layout<'f> {
        Layout {
            fonts,
            font_ids,
            pages: Vec::new(),
            y: BODY_TOP,
        }
    }

    pub fn new_page(&mut self) {
        self.pages.push(Page {
            fonts: self.font_ids.clone(),
            ops: Vec::new(),
        });
        self.y = BODY_TOP;
    }

    /// Zero-based index of the current page.
    pub fn page_index(&self) -> usize {
        self.pages.len().saturating_sub(1)
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// The current page (a first one is started if there is none).
    pub fn page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.new_page();
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// A page laid out earlier, for what is only known at the end (contents, page numbers).
    pub fn page_at(&mut self, index: usize) -> Option<&mut Page> {
        self.pages.get_mut(index)
    }

    pub fn remaining(&self) -> f32 {
        BODY_BOTTOM - self.y
    }

    /// Whether the cursor is still at the top of a fresh page (breaking there gains nothing).
    pub fn at_page_top(&self) -> bool {
        self.y <= BODY_TOP + 0.01
    }

    /// Starts a new page unless `height` mm still fit on this one. Returns whether it broke.
    pub fn ensure(&mut self, height: f32) -> bool {
        if height > self.remaining() && !self.at_page_top() {
            self.new_page();
            true
        } else {
            false
        }
    }

    /// Text at the cursor, wrapped to `width`, starting at `x`; the cursor moves below it and
    /// lines that do not fit continue on the next page.
    pub fn paragraph(&mut self, x: f32, width: f32, style: Style, text: &str) {
        let lines = self.fonts.wrap(style.face, style.size, text, width);
        for line in lines {
            self.ensure(style.line_height());
            let baseline = self.y + style.baseline_offset();
            let fonts = self.fonts;
            self.page()
                .text(fonts, x, baseline, style, Align::Left, &line);
            self.y += style.line_height();
        }
    }

    pub fn gap(&mut self, height: f32) {
        self.y += height;
    }

    pub fn into_pages(self) -> Vec<PdfPage> {
        self.pages
            .into_iter()
            .map(|page| PdfPage::new(Mm(PAGE_WIDTH), Mm(PAGE_HEIGHT), page.ops))
            .collect()
    }
}
