//! The presentation for the quarterly meeting: the whole window, large type, one screen at a
//! time — the cover (quarter, period, tally), one screen per scorecard section (its metrics
//! large in their status colours, its first chart), and the meeting's conclusions and
//! adjustments. Keyboard: → / PageDown / Space / J next, ← / PageUp / K previous, Home / End,
//! Esc back to the quarter's page; the buttons do the same.

use std::rc::Rc;

use govbench_protocol::endpoint;
use govbench_protocol::{AssessmentDetail, EntityKind, Scorecard, Section};
use wasm_bindgen::JsCast;
use yew::prelude::*;
use yew_router::prelude::*;

use super::chart::ScorecardChart;
use super::scorecard::{MetricBadge, Tally};
use super::state::{present_key, slide_at, slide_count, Deck, DeckAction, PresentKey, Slide};
use crate::components::{ErrorAlert, Loading, RouteLink, StatusBadge};
use crate::context::use_app;
use crate::hooks::{use_detail, use_document_keydown};
use crate::route::Route;
use crate::text;

impl Reducible for Deck {
    type Action = DeckAction;
    fn reduce(self: Rc<Self>, action: DeckAction) -> Rc<Self> {
        let mut next = *self;
        next.apply(action);
        Rc::new(next)
    }
}

/// A key pressed on a button or link: Space and Enter are the control's own.
fn on_control(e: &KeyboardEvent) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            matches!(
                el.tag_name().to_ascii_uppercase().as_str(),
                "BUTTON" | "A" | "INPUT" | "TEXTAREA" | "SELECT"
            )
        })
}

#[derive(Properties, PartialEq)]
pub struct PresentProps {
    pub quarter: String,
}

#[component]
pub fn PresentPage(props: &PresentProps) -> Html {
    let ctx = use_app();
    let detail = use_detail::<endpoint::AssessmentGet>(&props.quarter);
    let navigator = use_navigator();
    let deck = use_reducer(Deck::default);
    // The key handler of the latest render, called by the one document listener.
    let handler = use_document_keydown();
    let d: Option<Rc<AssessmentDetail>> = detail.fetched.data.clone();
    let sections = d.as_ref().map_or(0, |d| d.scorecard.sections.len());
    let count = slide_count(sections);
    {
        let deck = deck.clone();
        use_effect_with(count, move |count| deck.dispatch(DeckAction::Count(*count)));
    }
    let leave = {
        let navigator = navigator.clone();
        let to = Route::Assessment {
            quarter: props.quarter.clone(),
        };
        Callback::from(move |_: ()| {
            if let Some(nav) = &navigator {
                nav.push(&to);
            }
        })
    };
    // This render's keys.
    {
        let (deck, leave) = (deck.clone(), leave.clone());
        *handler.borrow_mut() = Some(Callback::from(move |e: KeyboardEvent| {
            let modified = e.ctrl_key() || e.meta_key() || e.alt_key();
            let Some(key) = present_key(&e.key(), on_control(&e), modified) else {
                return;
            };
            e.prevent_default();
            match Option::<DeckAction>::from(key) {
                Some(action) => deck.dispatch(action),
                None if key == PresentKey::Leave => leave.emit(()),
                None => {}
            }
        }));
    }

    let Some(d) = d else {
        return html! {
            <section class="present" id="page-present">
                if let Some(err) = &detail.fetched.error {
                    <ErrorAlert id="present-error" error={Some(err.clone())} />
                    <RouteLink to={Route::Assessments} class={classes!("btn")}>{ ctx.t("nav.assessments") }</RouteLink>
                } else {
                    <Loading />
                }
            </section>
        };
    };
    let shown = Deck {
        index: deck.index.min(count.saturating_sub(1)),
        count,
    };
    let slide = slide_at(shown.index, sections);
    let s = &d.scorecard;
    let body = match slide {
        Slide::Cover => cover(&d),
        Slide::Section(i) => match s.sections.get(i) {
            Some(section) => html! { <SectionSlide section={section.clone()} /> },
            None => html! {},
        },
        Slide::Meeting => html! { <MeetingSlide detail={d.clone()} /> },
    };
    let step = |action: DeckAction| {
        let deck = deck.clone();
        Callback::from(move |_: MouseEvent| deck.dispatch(action))
    };

    html! {
        <section class="present" id="page-present" data-quarter={d.quarter.clone()} aria-roledescription={ctx.t("present.role")}
            aria-labelledby="present-title">
            <header class="present-head">
                <h1 id="present-title">{ ctx.format("assessment.heading", &[("quarter", &d.quarter)]) }</h1>
                <span class="present-position" id="present-position" aria-live="polite">{ shown.position() }</span>
                <button type="button" id="present-leave" class="btn" onclick={{ let leave = leave.clone(); Callback::from(move |_| leave.emit(())) }}>
                    { ctx.t("present.leave") }<kbd>{ "Esc" }</kbd>
                </button>
            </header>
            <div class={classes!("present-slide", format!("slide-{}", slide.kind()))} id="present-slide"
                data-slide={shown.index.to_string()} data-kind={slide.kind()}
                aria-roledescription={ctx.t("present.slide")} aria-label={shown.position()}>
                { body }
            </div>
            <footer class="present-foot">
                <button type="button" id="present-prev" class="btn" disabled={shown.at_start()} onclick={step(DeckAction::Previous)}>
                    { ctx.t("present.prev") }<kbd>{ "←" }</kbd>
                </button>
                <dl class="key-legend present-legend" aria-label={ctx.t("drill.runner.keys")}>
                    <dt><kbd>{ "→" }</kbd><kbd>{ "PgDn" }</kbd><kbd>{ "Space" }</kbd><kbd>{ "J" }</kbd></dt>
                    <dd>{ ctx.t("present.key_next") }</dd>
                    <dt><kbd>{ "←" }</kbd><kbd>{ "PgUp" }</kbd><kbd>{ "K" }</kbd></dt>
                    <dd>{ ctx.t("present.key_prev") }</dd>
                    <dt><kbd>{ "Home" }</kbd><kbd>{ "End" }</kbd></dt>
                    <dd>{ ctx.t("present.key_ends") }</dd>
                    <dt><kbd>{ "Esc" }</kbd></dt>
                    <dd>{ ctx.t("present.key_leave") }</dd>
                </dl>
                <button type="button" id="present-next" class="btn btn-primary" disabled={shown.at_end()} onclick={step(DeckAction::Next)}>
                    { ctx.t("present.next") }<kbd>{ "→" }</kbd>
                </button>
            </footer>
        </section>
    }
}

/// The quarter, its period, its status and the tally, large.
fn cover(d: &AssessmentDetail) -> Html {
    html! { <CoverSlide scorecard={d.scorecard.clone()} status={d.assessment.as_ref().map(|a| a.status.key())} /> }
}

#[derive(Properties, PartialEq)]
struct CoverProps {
    scorecard: Scorecard,
    status: Option<&'static str>,
}

#[component]
fn CoverSlide(props: &CoverProps) -> Html {
    let ctx = use_app();
    let s = &props.scorecard;
    html! {
        <div class="present-cover">
            <p class="present-kicker">{ ctx.t("present.kicker") }</p>
            <h2 class="present-quarter">{ s.quarter.clone() }</h2>
            <p class="present-period">{ ctx.format("assessment.period", &[("from", &text::date(s.from)), ("to", &text::date(s.to))]) }</p>
            if let Some(status) = props.status {
                <p><StatusBadge entity={EntityKind::Assessment} status={status} /></p>
            }
            <Tally tally={s.tally()} large=true id="present-tally" />
            <p class="muted">{ ctx.format("present.sections", &[("count", &s.sections.len().to_string())]) }</p>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct SectionProps {
    section: Section,
}

/// One policy area: its metrics as large tiles in their status colours, and its first chart.
#[component]
fn SectionSlide(props: &SectionProps) -> Html {
    let ctx = use_app();
    let s = &props.section;
    let area = s.area.key();
    html! {
        <div class="present-section" data-area={area}>
            <h2>{ ctx.t(&format!("area.{area}")) }<span class="clauses">{ ctx.format("assessment.clauses", &[("clauses", s.area.clauses())]) }</span></h2>
            <div class="present-columns">
                <ul class="metric-tiles">
                    { for s.metrics.iter().map(|m| html! {
                        <li class={classes!("metric-tile", format!("metric-{}", m.status.key()))} data-metric={m.key.clone()} data-status={m.status.key()}>
                            <span class="tile-name">{ ctx.t(&m.key) }</span>
                            <span class="tile-value mono">{ ctx.locale.figure(&m.value) }</span>
                            <span class="tile-foot">
                                if let Some(t) = &m.target {
                                    <span class="tile-target">{ ctx.format("present.target", &[("target", &ctx.locale.target(t))]) }</span>
                                }
                                <MetricBadge status={m.status} />
                            </span>
                        </li>
                    }) }
                </ul>
                if let Some(chart) = s.charts.first() {
                    <div class="present-chart"><ScorecardChart chart={chart.clone()} large=true /></div>
                }
            </div>
            if s.metrics.is_empty() {
                <p class="muted">{ ctx.t("assessment.no_metrics") }</p>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct MeetingProps {
    detail: Rc<AssessmentDetail>,
}

/// What the meeting concluded and the adjustments it decided.
#[component]
fn MeetingSlide(props: &MeetingProps) -> Html {
    let ctx = use_app();
    let Some(a) = &props.detail.assessment else {
        return html! {
            <div class="present-meeting">
                <h2>{ ctx.t("present.meeting") }</h2>
                <p class="muted">{ ctx.t("assessment.meeting.not_opened") }</p>
            </div>
        };
    };
    let m = &a.meeting;
    let names = &props.detail.names;
    html! {
        <div class="present-meeting">
            <h2>{ ctx.t("present.meeting") }</h2>
            if let Some(day) = m.held_on {
                <p class="muted">{ ctx.format("present.held_on", &[("date", &text::date(day))]) }</p>
            }
            <h3>{ ctx.t("assessment.meeting.conclusions") }</h3>
            <p class="prose present-conclusions">
                { if m.conclusions.is_empty() { ctx.t("present.no_conclusions") } else { m.conclusions.clone() } }
            </p>
            <h3>{ ctx.t("assessment.meeting.adjustments") }</h3>
            if m.adjustments.is_empty() {
                <p class="muted">{ ctx.t("actions.none") }</p>
            } else {
                <ol class="present-adjustments">
                    { for m.adjustments.iter().map(|x| html! {
                        <li class={classes!(x.done.is_some().then_some("done"))} data-done={x.done.is_some().to_string()}>
                            <span class="adjustment-text">{ x.text.clone() }</span>
                            <span class="adjustment-meta">
                                { ctx.format("actions.owner_due", &[("owner", &text::name_of(names, x.owner)), ("due", &text::date(x.due))]) }
                                if x.done.is_some() { { " · " }{ ctx.t("present.done") } }
                            </span>
                        </li>
                    }) }
                </ol>
            }
        </div>
    }
}
