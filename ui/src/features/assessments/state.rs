//! Pure state of the assessment pages: the meeting record's form, the presentation's slides
//! and keys, how long data tables start, where a chart draws its bars and lines, and how far
//! an export is. No DOM, no backend: tested natively.

use chrono::NaiveDate;
use govbench_protocol::{
    ActionDraft, Chart, ChartKind, ExportKind, ExportProgress, Meeting, MeetingDraft,
};

use crate::state::actions::{check_rows, edit_row, remove_row, ActionRow, RowEdit};
use crate::state::{parse_date, FieldErrors};

// ---------------------------------------------------------------------------------------------
// The meeting record.

/// The field path of the strategy adjustments, as the backend names them in its errors.
pub const ADJUSTMENTS: &str = "adjustments";

/// The meeting record as the form holds it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MeetingForm {
    pub held_on: String,
    pub attendees: Vec<String>,
    /// The name being typed into the attendee field, not yet added.
    pub attendee_input: String,
    pub conclusions: String,
    pub adjustments: Vec<ActionRow>,
    /// The earliest due date among the adjustments already recorded: those may lie in the
    /// past by now, and saving the record again must not refuse them.
    pub earliest_recorded_due: Option<NaiveDate>,
    pub errors: FieldErrors,
}

#[derive(Clone, Debug, PartialEq)]
pub enum MeetingAction {
    HeldOn(String),
    AttendeeInput(String),
    /// Adds the typed name (trimmed; blanks and names already listed are ignored).
    AddAttendee,
    RemoveAttendee(usize),
    Conclusions(String),
    AddAdjustment,
    RemoveAdjustment(usize),
    EditAdjustment(usize, RowEdit),
    Errors(FieldErrors),
    /// Starts over from the record as saved (after someone else saved it).
    Reset(Meeting),
}

impl MeetingForm {
    /// The form filled with the record as saved; one blank adjustment row when there is none.
    pub fn from_meeting(meeting: &Meeting) -> MeetingForm {
        let mut adjustments: Vec<ActionRow> = meeting
            .adjustments
            .iter()
            .map(|a| ActionRow {
                text: a.text.clone(),
                owner: a.owner.to_string(),
                due: crate::text::date(a.due),
                preventive: a.preventive,
            })
            .collect();
        if adjustments.is_empty() {
            adjustments.push(ActionRow::default());
        }
        MeetingForm {
            held_on: meeting.held_on.map(crate::text::date).unwrap_or_default(),
            attendees: meeting.attendees.clone(),
            attendee_input: String::new(),
            conclusions: meeting.conclusions.clone(),
            adjustments,
            earliest_recorded_due: meeting.adjustments.iter().map(|a| a.due).min(),
            errors: FieldErrors::new(),
        }
    }

    pub fn apply(&mut self, action: MeetingAction) {
        match action {
            MeetingAction::HeldOn(v) => {
                self.held_on = v;
                self.errors.remove("held_on");
            }
            MeetingAction::AttendeeInput(v) => self.attendee_input = v,
            MeetingAction::AddAttendee => {
                let name = self.attendee_input.trim().to_owned();
                if !name.is_empty() && !self.attendees.contains(&name) {
                    self.attendees.push(name);
                }
                self.attendee_input.clear();
                self.errors.retain(|k, _| !k.starts_with("attendees"));
            }
            MeetingAction::RemoveAttendee(i) => {
                if i < self.attendees.len() {
                    self.attendees.remove(i);
                    self.errors.retain(|k, _| !k.starts_with("attendees"));
                }
            }
            MeetingAction::Conclusions(v) => {
                self.conclusions = v;
                self.errors.remove("conclusions");
            }
            MeetingAction::AddAdjustment => self.adjustments.push(ActionRow::default()),
            MeetingAction::RemoveAdjustment(i) => {
                remove_row(&mut self.adjustments, &mut self.errors, ADJUSTMENTS, i)
            }
            MeetingAction::EditAdjustment(i, edit) => edit_row(
                &mut self.adjustments,
                &mut self.errors,
                ADJUSTMENTS,
                i,
                edit,
            ),
            MeetingAction::Errors(e) => self.errors = e,
            MeetingAction::Reset(meeting) => *self = MeetingForm::from_meeting(&meeting),
        }
    }

    /// The record to save, or the fields to fix. Nothing is required (the record is written
    /// over several sittings); a date typed must be a date, and every adjustment row that is
    /// not blank needs its text, owner and due date. A name still in the attendee field
    /// counts as added: people type it and press Save.
    pub fn draft(&self, today: NaiveDate) -> Result<MeetingDraft, FieldErrors> {
        let mut errors = FieldErrors::new();
        let held_on = if self.held_on.trim().is_empty() {
            None
        } else {
            let day = parse_date(&self.held_on);
            if day.is_none() {
                errors.insert("held_on".into(), "assessment.meeting.not_a_date".into());
            }
            day
        };
        let earliest = self.earliest_recorded_due.map_or(today, |d| d.min(today));
        let adjustments: Vec<ActionDraft> =
            check_rows(&self.adjustments, ADJUSTMENTS, earliest, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut attendees = self.attendees.clone();
        let pending = self.attendee_input.trim();
        if !pending.is_empty() && !attendees.iter().any(|a| a == pending) {
            attendees.push(pending.to_owned());
        }
        Ok(MeetingDraft {
            held_on,
            attendees,
            conclusions: self.conclusions.trim().to_owned(),
            adjustments,
        })
    }

    /// Field names this form shows (the rest go to the summary above it).
    pub fn known_fields(&self) -> Vec<String> {
        let mut known: Vec<String> = ["held_on", "attendees", "conclusions", ADJUSTMENTS]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        for i in 0..self.attendees.len() {
            known.push(format!("attendees.{i}"));
        }
        for i in 0..self.adjustments.len() {
            for f in ["text", "owner", "due", "preventive"] {
                known.push(format!("{ADJUSTMENTS}.{i}.{f}"));
            }
        }
        known
    }
}

// ---------------------------------------------------------------------------------------------
// The presentation.

/// One screen of the presentation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slide {
    /// The quarter, its period and the tally.
    Cover,
    /// One scorecard section (its index in `Scorecard::sections`).
    Section(usize),
    /// The meeting's conclusions and strategy adjustments.
    Meeting,
}

impl Slide {
    /// A stable name for tests and styles (`cover`, `section`, `meeting`).
    pub fn kind(self) -> &'static str {
        match self {
            Slide::Cover => "cover",
            Slide::Section(_) => "section",
            Slide::Meeting => "meeting",
        }
    }
}

/// The slides of a scorecard with `sections` sections: the cover, one per section, the meeting.
pub fn slide_count(sections: usize) -> usize {
    sections + 2
}

/// Which slide index `i` is, for a scorecard of `sections` sections (clamped to the last).
pub fn slide_at(i: usize, sections: usize) -> Slide {
    match i {
        0 => Slide::Cover,
        i if i <= sections => Slide::Section(i - 1),
        _ => Slide::Meeting,
    }
}

/// What a key does in the presentation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PresentKey {
    Next,
    Previous,
    First,
    Last,
    Leave,
}

/// → / PageDown / Space / j next, ← / PageUp / k previous, Home / End first and last, Esc
/// leaves. Keys with Ctrl, Alt or Meta stay the system's; on a button, Space and Enter are the
/// button's own.
pub fn present_key(key: &str, on_control: bool, modified: bool) -> Option<PresentKey> {
    if modified {
        return None;
    }
    Some(match key {
        " " | "Enter" if on_control => return None,
        "ArrowRight" | "PageDown" | " " | "j" | "J" => PresentKey::Next,
        "ArrowLeft" | "PageUp" | "k" | "K" => PresentKey::Previous,
        "Home" => PresentKey::First,
        "End" => PresentKey::Last,
        "Escape" => PresentKey::Leave,
        _ => return None,
    })
}

/// Where the presentation stands: which slide of how many.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Deck {
    pub index: usize,
    pub count: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeckAction {
    Next,
    Previous,
    First,
    Last,
    /// The scorecard arrived or changed: the number of slides, keeping the place if it still
    /// exists.
    Count(usize),
}

impl Deck {
    pub fn apply(&mut self, action: DeckAction) {
        let last = self.count.saturating_sub(1);
        self.index = match action {
            DeckAction::Next => (self.index + 1).min(last),
            DeckAction::Previous => self.index.saturating_sub(1),
            DeckAction::First => 0,
            DeckAction::Last => last,
            DeckAction::Count(count) => {
                self.count = count;
                self.index.min(count.saturating_sub(1))
            }
        };
    }

    pub fn at_start(&self) -> bool {
        self.index == 0
    }

    pub fn at_end(&self) -> bool {
        self.index + 1 >= self.count
    }

    /// "3 / 7": counted from one, as people count slides.
    pub fn position(&self) -> String {
        format!(
            "{} / {}",
            (self.index + 1).min(self.count.max(1)),
            self.count
        )
    }
}

impl From<PresentKey> for Option<DeckAction> {
    fn from(key: PresentKey) -> Self {
        match key {
            PresentKey::Next => Some(DeckAction::Next),
            PresentKey::Previous => Some(DeckAction::Previous),
            PresentKey::First => Some(DeckAction::First),
            PresentKey::Last => Some(DeckAction::Last),
            PresentKey::Leave => None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The scorecard.

/// Rows a long data table shows until it is opened up.
pub const COLLAPSED_ROWS: usize = 10;

/// How many of a table's `len` rows are shown.
pub fn rows_shown(len: usize, expanded: bool) -> usize {
    if expanded {
        len
    } else {
        len.min(COLLAPSED_ROWS)
    }
}

/// Does a table of `len` rows need the "show all" toggle?
pub fn is_long(len: usize) -> bool {
    len > COLLAPSED_ROWS
}

// ---------------------------------------------------------------------------------------------
// Charts.

pub const CHART_WIDTH: f64 = 600.0;
pub const CHART_HEIGHT: f64 = 220.0;
pub const PAD_LEFT: f64 = 48.0;
pub const PAD_RIGHT: f64 = 12.0;
pub const PAD_TOP: f64 = 12.0;
pub const PAD_BOTTOM: f64 = 28.0;
/// At most this many category labels along the x axis; the others are skipped so none overlap.
pub const MAX_X_LABELS: usize = 8;

/// One bar: which series and category, where, and its value.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub series: usize,
    pub category: usize,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub value: f64,
}

/// A point of a line, with its series, category and value.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    pub series: usize,
    pub category: usize,
    pub x: f64,
    pub y: f64,
    pub value: f64,
}

/// Where a scorecard chart draws everything, in SVG user units.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartLayout {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
    /// (y, value) of the axis labels, lowest first.
    pub y_ticks: Vec<(f64, f64)>,
    pub threshold_y: Option<f64>,
    /// (category index, x of its centre) of the labels shown.
    pub x_labels: Vec<(usize, f64)>,
    pub bars: Vec<Bar>,
    /// Per series: SVG path data, a gap where a value is missing.
    pub paths: Vec<String>,
    pub points: Vec<Point>,
    /// The chart has no value at all.
    pub empty: bool,
}

/// Lays a chart out. Bars grow from zero (so zero is always in view); lines use the range of
/// their values and the threshold with a margin, so a pass rate moving between 90 and 95
/// does not look flat.
pub fn chart_layout(chart: &Chart) -> ChartLayout {
    let (left, right) = (PAD_LEFT, CHART_WIDTH - PAD_RIGHT);
    let (top, bottom) = (PAD_TOP, CHART_HEIGHT - PAD_BOTTOM);
    let values: Vec<f64> = chart
        .series
        .iter()
        .flat_map(|s| s.values.iter().flatten().copied())
        .filter(|v| v.is_finite())
        .collect();
    let threshold = chart.threshold.filter(|t| t.is_finite());
    let bars_kind = chart.kind == ChartKind::Bar;
    let seen = values.iter().copied().chain(threshold);
    let mut lo = seen.clone().fold(f64::INFINITY, f64::min);
    let mut hi = seen.fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() || !hi.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    if bars_kind {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    if (hi - lo).abs() < f64::EPSILON {
        hi = lo + 1.0_f64.max(lo.abs() * 0.1);
        if !bars_kind {
            lo -= 1.0_f64.max(lo.abs() * 0.1);
        }
    }
    let margin = (hi - lo) * 0.08;
    let (shown_lo, shown_hi) = if bars_kind {
        (if lo < 0.0 { lo - margin } else { lo }, hi + margin)
    } else {
        (lo - margin, hi + margin)
    };
    let y = |v: f64| bottom - (v - shown_lo) / (shown_hi - shown_lo) * (bottom - top);
    let categories = chart.categories.len().max(1);
    let slot = (right - left) / categories as f64;
    let centre = |c: usize| left + slot * (c as f64 + 0.5);

    let step = chart.categories.len().div_ceil(MAX_X_LABELS).max(1);
    let x_labels = (0..chart.categories.len())
        .filter(|c| c % step == 0)
        .map(|c| (c, centre(c)))
        .collect();

    let mut bars = Vec::new();
    let mut paths = Vec::new();
    let mut points = Vec::new();
    if bars_kind {
        let series = chart.series.len().max(1);
        let group = slot * 0.8;
        let width = group / series as f64;
        let zero = y(0.0);
        for (s, line) in chart.series.iter().enumerate() {
            for (c, value) in line.values.iter().enumerate().take(chart.categories.len()) {
                let Some(value) = value.filter(|v| v.is_finite()) else {
                    continue;
                };
                let x = centre(c) - group / 2.0 + width * s as f64;
                let top_y = y(value).min(zero);
                bars.push(Bar {
                    series: s,
                    category: c,
                    x,
                    y: top_y,
                    width: (width - 1.0).max(1.0),
                    height: (y(value) - zero).abs(),
                    value,
                });
            }
        }
    } else {
        for (s, line) in chart.series.iter().enumerate() {
            let mut d = String::new();
            let mut pen_down = false;
            for (c, value) in line.values.iter().enumerate().take(chart.categories.len()) {
                match value.filter(|v| v.is_finite()) {
                    Some(value) => {
                        let (px, py) = (centre(c), y(value));
                        let op = if pen_down { " L" } else { " M" };
                        d.push_str(&format!("{op}{px:.1},{py:.1}"));
                        pen_down = true;
                        points.push(Point {
                            series: s,
                            category: c,
                            x: px,
                            y: py,
                            value,
                        });
                    }
                    None => pen_down = false,
                }
            }
            paths.push(d.trim_start().to_owned());
        }
    }
    ChartLayout {
        width: CHART_WIDTH,
        height: CHART_HEIGHT,
        left,
        right,
        top,
        bottom,
        y_ticks: vec![(y(lo), lo), (y(hi), hi)],
        threshold_y: threshold.map(y),
        x_labels,
        bars,
        paths,
        points,
        empty: values.is_empty(),
    }
}

// ---------------------------------------------------------------------------------------------
// Exports.

/// One export button: its element id, what it writes and in which language. The pack's PDF
/// is in the language of the app (`lang: None`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExportChoice {
    pub id: &'static str,
    pub kind: ExportKind,
    pub lang: Option<&'static str>,
    /// Catalogue key of the button's label.
    pub label: &'static str,
}

pub const EXPORT_CHOICES: [ExportChoice; 3] = [
    ExportChoice {
        id: "export-pdf-zh",
        kind: ExportKind::Report,
        lang: Some("zh-CN"),
        label: "export.pdf_zh",
    },
    ExportChoice {
        id: "export-pdf-en",
        kind: ExportKind::Report,
        lang: Some("en"),
        label: "export.pdf_en",
    },
    ExportChoice {
        id: "export-pack",
        kind: ExportKind::Pack,
        lang: None,
        label: "export.pack",
    },
];

/// How far an export is, 0–100 (0 until the first stage reports a total).
pub fn progress_percent(progress: &ExportProgress) -> u32 {
    if progress.total == 0 {
        return 0;
    }
    let done = progress.done.min(progress.total) as f64;
    (done / progress.total as f64 * 100.0).round() as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use govbench_protocol::{ActionDone, Cell, CorrectiveAction, Series, UserId};

    const OWNER: &str = "01900000-0000-7000-8000-000000000001";

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn recorded(due: &str) -> Meeting {
        Meeting {
            held_on: Some(day("2026-09-28")),
            attendees: vec!["王芳".into(), "Li Lei".into()],
            conclusions: "Keep the drill cadence.".into(),
            adjustments: vec![CorrectiveAction {
                id: OWNER.parse::<UserId>().unwrap().0,
                text: "Quarterly red-team of the chatbot".into(),
                preventive: true,
                owner: OWNER.parse().unwrap(),
                due: day(due),
                done: Some(ActionDone {
                    at: chrono::Utc::now(),
                    by: OWNER.parse().unwrap(),
                    note: String::new(),
                }),
            }],
        }
    }

    #[test]
    fn attendees_are_added_trimmed_once_and_removed() {
        let mut f = MeetingForm::from_meeting(&Meeting {
            held_on: None,
            attendees: vec![],
            conclusions: String::new(),
            adjustments: vec![],
        });
        assert_eq!(f.adjustments.len(), 1, "one blank row to start with");
        f.apply(MeetingAction::AttendeeInput("  王芳 ".into()));
        f.apply(MeetingAction::AddAttendee);
        f.apply(MeetingAction::AttendeeInput("王芳".into()));
        f.apply(MeetingAction::AddAttendee);
        f.apply(MeetingAction::AttendeeInput("   ".into()));
        f.apply(MeetingAction::AddAttendee);
        assert_eq!(f.attendees, vec!["王芳".to_owned()]);
        assert!(f.attendee_input.is_empty());
        f.apply(MeetingAction::AttendeeInput("Li Lei".into()));
        f.apply(MeetingAction::AddAttendee);
        f.apply(MeetingAction::RemoveAttendee(0));
        f.apply(MeetingAction::RemoveAttendee(9));
        assert_eq!(f.attendees, vec!["Li Lei".to_owned()]);
    }

    #[test]
    fn the_draft_keeps_recorded_dates_and_takes_a_name_still_typed() {
        let mut f = MeetingForm::from_meeting(&recorded("2026-10-15"));
        assert_eq!(f.held_on, "2026-09-28");
        assert_eq!(f.adjustments[0].due, "2026-10-15");
        f.apply(MeetingAction::AttendeeInput(" Zhang Wei ".into()));
        f.apply(MeetingAction::Conclusions(
            "  Raise the pass line. \n".into(),
        ));
        // Saved again after the recorded due date has passed: still accepted.
        let draft = f.draft(day("2026-11-01")).unwrap();
        assert_eq!(draft.held_on, Some(day("2026-09-28")));
        assert_eq!(draft.attendees, vec!["王芳", "Li Lei", "Zhang Wei"]);
        assert_eq!(draft.conclusions, "Raise the pass line.");
        assert_eq!(draft.adjustments.len(), 1);
        assert!(draft.adjustments[0].preventive);
        // A new row due before today is refused.
        f.apply(MeetingAction::AddAdjustment);
        f.apply(MeetingAction::EditAdjustment(
            1,
            RowEdit::Text("New".into()),
        ));
        f.apply(MeetingAction::EditAdjustment(
            1,
            RowEdit::Owner(OWNER.into()),
        ));
        f.apply(MeetingAction::EditAdjustment(
            1,
            RowEdit::Due("2026-10-01".into()),
        ));
        let errors = f.draft(day("2026-11-01")).unwrap_err();
        assert_eq!(errors["adjustments.1.due"], "rule.date_in_past");
    }

    #[test]
    fn a_date_that_is_not_one_is_named_and_cleared_by_editing() {
        let mut f = MeetingForm::from_meeting(&recorded("2026-10-15"));
        f.apply(MeetingAction::HeldOn("next tuesday".into()));
        let errors = f.draft(day("2026-10-01")).unwrap_err();
        assert_eq!(errors["held_on"], "assessment.meeting.not_a_date");
        f.apply(MeetingAction::Errors(errors));
        f.apply(MeetingAction::HeldOn("2026年9月29日".into()));
        assert!(f.errors.is_empty());
        assert_eq!(
            f.draft(day("2026-10-01")).unwrap().held_on,
            Some(day("2026-09-29"))
        );
        f.apply(MeetingAction::HeldOn(String::new()));
        assert_eq!(f.draft(day("2026-10-01")).unwrap().held_on, None);
        assert!(f.known_fields().contains(&"adjustments.0.owner".to_owned()));
        f.apply(MeetingAction::Reset(recorded("2026-12-01")));
        assert_eq!(f.held_on, "2026-09-28");
    }

    #[test]
    fn presentation_keys() {
        for key in ["ArrowRight", "PageDown", " ", "j"] {
            assert_eq!(
                present_key(key, false, false),
                Some(PresentKey::Next),
                "{key}"
            );
        }
        for key in ["ArrowLeft", "PageUp", "k"] {
            assert_eq!(present_key(key, false, false), Some(PresentKey::Previous));
        }
        assert_eq!(present_key("Home", false, false), Some(PresentKey::First));
        assert_eq!(present_key("End", false, false), Some(PresentKey::Last));
        assert_eq!(present_key("Escape", false, false), Some(PresentKey::Leave));
        assert_eq!(present_key("x", false, false), None);
        // Space on a focused button presses the button; Ctrl+→ is the system's.
        assert_eq!(present_key(" ", true, false), None);
        assert_eq!(
            present_key("ArrowRight", true, false),
            Some(PresentKey::Next)
        );
        assert_eq!(present_key("ArrowRight", false, true), None);
    }

    #[test]
    fn the_deck_stays_within_its_slides() {
        let mut deck = Deck::default();
        assert_eq!(deck.position(), "1 / 0");
        deck.apply(DeckAction::Next);
        assert_eq!(deck.index, 0);
        deck.apply(DeckAction::Count(slide_count(5)));
        assert_eq!(deck.count, 7);
        assert!(deck.at_start());
        deck.apply(DeckAction::Next);
        deck.apply(DeckAction::Next);
        assert_eq!(deck.position(), "3 / 7");
        deck.apply(DeckAction::Last);
        assert!(deck.at_end());
        deck.apply(DeckAction::Next);
        assert_eq!(deck.index, 6);
        // Fewer slides than the place: the last one.
        deck.apply(DeckAction::Count(4));
        assert_eq!(deck.position(), "4 / 4");
        deck.apply(DeckAction::First);
        deck.apply(DeckAction::Previous);
        assert_eq!(deck.index, 0);
        assert_eq!(
            Option::<DeckAction>::from(PresentKey::Leave),
            None,
            "leaving is the page's business"
        );
    }

    #[test]
    fn slides_are_cover_sections_meeting() {
        assert_eq!(slide_at(0, 3), Slide::Cover);
        assert_eq!(slide_at(1, 3), Slide::Section(0));
        assert_eq!(slide_at(3, 3), Slide::Section(2));
        assert_eq!(slide_at(4, 3), Slide::Meeting);
        assert_eq!(slide_at(9, 3), Slide::Meeting);
        assert_eq!(slide_at(1, 0), Slide::Meeting);
        assert_eq!(slide_at(4, 3).kind(), "meeting");
    }

    #[test]
    fn long_tables_start_collapsed() {
        assert!(!is_long(10));
        assert!(is_long(11));
        assert_eq!(rows_shown(25, false), 10);
        assert_eq!(rows_shown(25, true), 25);
        assert_eq!(rows_shown(3, false), 3);
    }

    fn series(values: &[Option<f64>]) -> Series {
        Series {
            label: Cell::Key("chart.series".into()),
            values: values.to_vec(),
        }
    }

    fn months(n: usize) -> Vec<Cell> {
        (1..=n)
            .map(|m| Cell::Text(format!("2026-{m:02}")))
            .collect()
    }

    #[test]
    fn bars_grow_from_zero_side_by_side() {
        let chart = Chart {
            title: "chart.t".into(),
            kind: ChartKind::Bar,
            categories: months(2),
            series: vec![series(&[Some(4.0), Some(2.0)]), series(&[None, Some(1.0)])],
            threshold: Some(3.0),
        };
        let g = chart_layout(&chart);
        assert_eq!(g.bars.len(), 3, "a missing value draws no bar");
        let zero = g.y_ticks[0];
        assert_eq!(zero.1, 0.0);
        for bar in &g.bars {
            assert!((bar.y + bar.height - zero.0).abs() < 1e-9, "{bar:?}");
            assert!(bar.x >= g.left && bar.x + bar.width <= g.right);
        }
        let (a, b) = (&g.bars[1], &g.bars[2]);
        assert!(b.x > a.x, "the second series stands right of the first");
        assert!(g.bars[0].height > g.bars[1].height);
        let t = g.threshold_y.unwrap();
        assert!(t > g.top && t < g.bottom);
        assert!(!g.empty);
    }

    #[test]
    fn lines_break_at_gaps_and_use_their_range() {
        let chart = Chart {
            title: "chart.t".into(),
            kind: ChartKind::Line,
            categories: months(4),
            series: vec![series(&[Some(91.0), None, Some(94.0), Some(f64::NAN)])],
            threshold: Some(90.0),
        };
        let g = chart_layout(&chart);
        assert_eq!(g.paths.len(), 1);
        assert_eq!(g.paths[0].matches('M').count(), 2, "{}", g.paths[0]);
        assert_eq!(g.points.len(), 2);
        assert_eq!(
            g.y_ticks[0].1, 90.0,
            "the range starts at the threshold, not zero"
        );
        assert!(g.points[1].y < g.points[0].y, "higher values sit higher");
        for p in &g.points {
            assert!(p.y > g.top && p.y < g.bottom);
        }
    }

    #[test]
    fn an_empty_or_flat_chart_still_lays_out() {
        let empty = Chart {
            title: "chart.t".into(),
            kind: ChartKind::Line,
            categories: vec![],
            series: vec![],
            threshold: None,
        };
        let g = chart_layout(&empty);
        assert!(g.empty);
        assert!(g
            .y_ticks
            .iter()
            .all(|(y, v)| y.is_finite() && v.is_finite()));
        let flat = Chart {
            kind: ChartKind::Bar,
            categories: months(1),
            series: vec![series(&[Some(0.0)])],
            ..empty
        };
        let g = chart_layout(&flat);
        assert!(g.bars[0].height.abs() < 1e-9);
        assert!(g.y_ticks.iter().all(|(y, _)| y.is_finite()));
    }

    #[test]
    fn many_categories_skip_labels() {
        let chart = Chart {
            title: "chart.t".into(),
            kind: ChartKind::Line,
            categories: months(12),
            series: vec![series(&[Some(1.0); 12])],
            threshold: None,
        };
        let g = chart_layout(&chart);
        assert!(g.x_labels.len() <= MAX_X_LABELS);
        assert_eq!(g.x_labels[0].0, 0);
    }

    #[test]
    fn export_progress_reads_as_percent() {
        let p = |done, total| ExportProgress {
            stage: "export.stage.records".into(),
            done,
            total,
        };
        assert_eq!(progress_percent(&p(0, 0)), 0);
        assert_eq!(progress_percent(&p(1, 3)), 33);
        assert_eq!(progress_percent(&p(5, 4)), 100);
        let ids: Vec<&str> = EXPORT_CHOICES.iter().map(|c| c.id).collect();
        assert_eq!(ids, ["export-pdf-zh", "export-pdf-en", "export-pack"]);
    }
}
