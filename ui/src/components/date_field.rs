//! A date field that looks the same whatever the machine's locale: a text input taking ISO
//! dates (and what people type: `2031/6/30`, `2031年6月30日`), with a calendar in the UI's own
//! language. WebKit's `<input type=date>` follows the system locale instead, so a Chinese UI on
//! an English system showed `mm/dd/yyyy`.
//!
//! Keyboard: the input is typed into; the calendar button (or Alt+↓ in the input) opens the
//! calendar, where the arrow keys move by day and week, Page Up/Down by month, Home/End to the
//! week's ends, Enter or Space picks, Escape closes and returns to the input.

use chrono::{Datelike, Local, NaiveDate};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::{on_change, on_text};
use crate::context::use_app;
use crate::state::date::{self, month_key, MonthView, Move, WEEK};
use crate::text;

#[derive(Properties, PartialEq)]
pub struct DateFieldProps {
    pub id: AttrValue,
    /// The field's text as the form keeps it.
    pub value: AttrValue,
    /// Every edit: the raw text while typing, the ISO date once a date is picked or the field
    /// is left with a date in it.
    pub on_input: Callback<String>,
    #[prop_or_default]
    pub invalid: Option<AttrValue>,
    #[prop_or_default]
    pub describedby: Option<AttrValue>,
}

fn focus(selector: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(selector).ok().flatten())
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

#[component]
pub fn DateField(props: &DateFieldProps) -> Html {
    let ctx = use_app();
    let open = use_state(|| false);
    let picked = date::parse(&props.value);
    let focused = use_state(|| picked.unwrap_or_else(|| Local::now().date_naive()));
    let container = use_node_ref();
    let id = props.id.to_string();
    let dialog_id = format!("{id}-calendar");

    let show = {
        let (open, focused) = (open.clone(), focused.clone());
        let value = props.value.clone();
        move |visible: bool| {
            if visible {
                focused.set(date::parse(&value).unwrap_or_else(|| Local::now().date_naive()));
            }
            open.set(visible);
        }
    };
    let toggle = {
        let show = show.clone();
        let is_open = *open;
        Callback::from(move |_: MouseEvent| show(!is_open))
    };
    let pick = {
        let (show, on_input) = (show.clone(), props.on_input.clone());
        let input = id.clone();
        Callback::from(move |day: NaiveDate| {
            on_input.emit(text::date(day));
            show(false);
            focus(&format!("#{input}"));
        })
    };
    let close_and_return = {
        let show = show.clone();
        let input = id.clone();
        Callback::from(move |_: ()| {
            show(false);
            focus(&format!("#{input}"));
        })
    };
    let on_input_key = {
        let show = show.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.alt_key() && e.key() == "ArrowDown" {
                e.prevent_default();
                show(true);
            }
        })
    };
    let on_focus_out = close_when_left(&open, &container);
    let normalise = {
        let on_input = props.on_input.clone();
        on_change(move |v| match date::parse(&v) {
            Some(day) => on_input.emit(text::date(day)),
            None => on_input.emit(v),
        })
    };
    let typed = {
        let on_input = props.on_input.clone();
        on_text(move |v| on_input.emit(v))
    };
    let on_move = {
        let focused = focused.clone();
        Callback::from(move |day: NaiveDate| focused.set(day))
    };

    html! {
        <div class="date-field" ref={container} onfocusout={on_focus_out}>
            <input id={props.id.clone()} type="text" inputmode="numeric" autocomplete="off"
                placeholder={ctx.t("date.placeholder")} value={props.value.clone()}
                oninput={typed} onchange={normalise} onkeydown={on_input_key}
                aria-invalid={props.invalid.clone()} aria-describedby={props.describedby.clone()} />
            <button type="button" class="btn btn-icon btn-ghost date-toggle" id={format!("{id}-pick")}
                aria-label={ctx.t("date.open_calendar")} aria-haspopup="dialog"
                aria-expanded={if *open { "true" } else { "false" }} aria-controls={dialog_id.clone()}
                onclick={toggle}>
                <svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true">
                    <rect x="2.5" y="4" width="15" height="13.5" rx="2" fill="none" stroke="currentColor" stroke-width="1.5" />
                    <path d="M2.5 8h15M6.5 2v4M13.5 2v4" stroke="currentColor" stroke-width="1.5" />
                </svg>
            </button>
            if *open {
                <Calendar id={dialog_id} today_id={format!("{id}-today")} focused={*focused} {picked}
                    {on_move} on_pick={pick} on_close={close_and_return} />
            }
        </div>
    }
}

/// Leaving the widget (focus moving elsewhere) closes the calendar.
fn close_when_left(open: &UseStateHandle<bool>, container: &NodeRef) -> Callback<FocusEvent> {
    let (open, container) = (open.clone(), container.clone());
    Callback::from(move |e: FocusEvent| {
        let inside = match (container.get(), e.related_target()) {
            (Some(root), Some(next)) => next
                .dyn_ref::<web_sys::Node>()
                .is_some_and(|node| root.contains(Some(node))),
            _ => false,
        };
        if !inside {
            open.set(false);
        }
    })
}

#[derive(Properties, PartialEq)]
struct CalendarProps {
    /// The dialog's element id.
    id: String,
    /// The "Today" button's element id.
    today_id: String,
    /// The day with the keyboard focus (the month shown is its month).
    focused: NaiveDate,
    /// The field's date, if it holds one.
    picked: Option<NaiveDate>,
    /// The focus moves to this day.
    on_move: Callback<NaiveDate>,
    on_pick: Callback<NaiveDate>,
    /// Escape or "Close": back to the input.
    on_close: Callback<()>,
}

/// The open calendar: a month of days around the focused one, moved through by keyboard or
/// the month buttons.
#[component]
fn Calendar(props: &CalendarProps) -> Html {
    let ctx = use_app();
    let today = Local::now().date_naive();
    let focused = props.focused;

    // The focused day gets the keyboard focus when the calendar opens and whenever it moves.
    {
        let dialog_id = props.id.clone();
        use_effect_with(focused, move |day| {
            focus(&format!(
                "#{dialog_id} button[data-date='{}']",
                text::date(*day)
            ));
        });
    }
    let on_grid_key = grid_keys(focused, &props.on_move, &props.on_pick, &props.on_close);
    let view = MonthView::of(focused);
    let title = ctx.format(
        "date.month_title",
        &[
            ("year", &view.year.to_string()),
            ("month", &ctx.t(&month_key(view.month))),
        ],
    );
    let shift = |step: Move, label: &'static str, glyph: &'static str| {
        let on_move = props.on_move.clone();
        html! {
            <button type="button" class="btn btn-icon btn-ghost" aria-label={ctx.t(label)}
                onclick={Callback::from(move |_: MouseEvent| on_move.emit(step.from(focused)))}>
                { glyph }
            </button>
        }
    };
    let day_cell = |day: NaiveDate| {
        let iso = text::date(day);
        let selected = props.picked == Some(day);
        let pick = props.on_pick.clone();
        html! {
            <td role="gridcell" aria-selected={if selected { "true" } else { "false" }}>
                <button type="button" data-date={iso.clone()} aria-label={iso}
                    tabindex={if day == focused { "0" } else { "-1" }}
                    class={classes!(
                        "date-day",
                        (!view.contains(day)).then_some("other-month"),
                        (day == today).then_some("today"),
                        selected.then_some("selected"),
                    )}
                    aria-current={(day == today).then_some("date")}
                    onclick={Callback::from(move |_: MouseEvent| pick.emit(day))}>
                    { day.day() }
                </button>
            </td>
        }
    };

    html! {
        <div class="date-popover" id={props.id.clone()} role="dialog" aria-label={title.clone()}>
            <div class="date-head">
                { shift(Move::PreviousMonth, "date.previous_month", "‹") }
                <span class="date-title" aria-live="polite">{ title }</span>
                { shift(Move::NextMonth, "date.next_month", "›") }
            </div>
            <table class="date-grid" role="grid" onkeydown={on_grid_key}>
                <thead>
                    <tr>
                        { for WEEK.iter().map(|(_, key)| html! {
                            <th scope="col" abbr={ctx.t(&format!("{key}.long"))}>{ ctx.t(key) }</th>
                        }) }
                    </tr>
                </thead>
                <tbody>
                    { for view.weeks.iter().map(|week| html! {
                        <tr>{ for week.iter().map(|day| day_cell(*day)) }</tr>
                    }) }
                </tbody>
            </table>
            <div class="date-foot">
                <button type="button" class="btn btn-small btn-ghost" id={props.today_id.clone()}
                    onclick={{ let pick = props.on_pick.clone(); Callback::from(move |_: MouseEvent| pick.emit(today)) }}>
                    { ctx.t("date.today") }
                </button>
                <button type="button" class="btn btn-small btn-ghost"
                    onclick={{ let close = props.on_close.clone(); Callback::from(move |_: MouseEvent| close.emit(())) }}>
                    { ctx.t("common.close") }
                </button>
            </div>
        </div>
    }
}

/// The grid's keys: arrows, Page Up/Down, Home/End move; Enter or Space picks; Escape closes.
fn grid_keys(
    focused: NaiveDate,
    on_move: &Callback<NaiveDate>,
    pick: &Callback<NaiveDate>,
    close: &Callback<()>,
) -> Callback<KeyboardEvent> {
    let (on_move, pick, close) = (on_move.clone(), pick.clone(), close.clone());
    Callback::from(move |e: KeyboardEvent| {
        let key = e.key();
        if let Some(step) = Move::from_key(&key) {
            e.prevent_default();
            on_move.emit(step.from(focused));
        } else if key == "Enter" || key == " " {
            e.prevent_default();
            pick.emit(focused);
        } else if key == "Escape" {
            e.prevent_default();
            close.emit(());
        }
    })
}
