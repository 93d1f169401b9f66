//! The Sharing page: where this copy stands with its server (and "Sync now"), the member's
//! conflicts (what they wrote, who changed the record meanwhile; open the record to redo what
//! still matters, then dismiss), and — on a workspace not shared yet — sharing it (an Admin).

use govbench_protocol::endpoint::{self, Endpoint};
use govbench_protocol::{
    ApiError, EntityKind, EntityRef, NoRequest, SharingStatus, SyncReport, UserPermission,
};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::forms::ShareSection;
use crate::api;
use crate::components::{ErrorAlert, FetchView, RouteLink};
use crate::context::use_app;
use crate::hooks::use_fetch;
use crate::route::Route;
use crate::text;

#[component]
pub fn SharingPage() -> Html {
    let ctx = use_app();
    let status = use_fetch((), |()| {
        api::call::<endpoint::SharingStatusGet>(&NoRequest {})
    });
    html! {
        <section class="page" id="page-sharing" aria-labelledby="sharing-title">
            <header class="page-head">
                <h1 id="sharing-title">{ ctx.t("sharing.title") }</h1>
                <p class="muted">{ ctx.t("sharing.lead") }</p>
            </header>
            { FetchView::new(&status, "sharing-state").show(|status| match status.as_ref() {
                Some(status) => html! {
                    <>
                        <StatusCard status={status.clone()} />
                        <ConflictList />
                        if ctx.may(UserPermission::Manage) {
                            <JoinCodes />
                        }
                    </>
                },
                None if ctx.may(UserPermission::Manage) => html! { <ShareSection /> },
                None => html! { <p class="card" id="sharing-not-shared">{ ctx.t("sharing.not_shared") }</p> },
            }) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct StatusProps {
    status: SharingStatus,
}

#[component]
fn StatusCard(props: &StatusProps) -> Html {
    let ctx = use_app();
    let s = &props.status;
    let busy = use_state(|| false);
    let report = use_state(|| None::<SyncReport>);
    let error = use_state(|| None::<ApiError>);
    let sync = {
        let (busy, report, error, changed) = (
            busy.clone(),
            report.clone(),
            error.clone(),
            ctx.changed.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (busy, report, error, changed) =
                (busy.clone(), report.clone(), error.clone(), changed.clone());
            busy.set(true);
            spawn_local(async move {
                let answer = api::call::<endpoint::SharingSync>(&NoRequest {}).await;
                busy.set(false);
                match answer {
                    Ok(r) => {
                        report.set(Some(r));
                        error.set(None);
                    }
                    Err(e) => error.set(Some(e)),
                }
                changed.emit(());
            });
        })
    };
    let link = if s.connected {
        ctx.t("sharing.connected")
    } else {
        ctx.t("sharing.offline")
    };
    let contact = match s.last_contact {
        Some(at) => text::local_time(at),
        None => ctx.t("sharing.no_contact"),
    };
    html! {
        <div class="card sharing-card" id="sharing-card">
            <dl class="facts">
                <dt>{ ctx.t("sharing.server") }</dt>
                <dd><code id="sharing-server">{ s.server.clone() }</code></dd>
                <dt>{ ctx.t("sharing.workspace_id") }</dt>
                <dd><code id="sharing-workspace-id">{ s.workspace_id.to_string() }</code>
                    <span class="hint">{ format!(" {}", ctx.t("sharing.workspace_id_hint")) }</span></dd>
                <dt>{ ctx.t("sharing.link") }</dt>
                <dd id="sharing-link" data-connected={s.connected.to_string()}>{ link }</dd>
                <dt>{ ctx.t("sharing.position") }</dt>
                <dd id="sharing-position">{ s.position }</dd>
                <dt>{ ctx.t("sharing.pending") }</dt>
                <dd id="sharing-pending">{ s.pending }</dd>
                <dt>{ ctx.t("sharing.last_contact_label") }</dt>
                <dd>{ contact }</dd>
            </dl>
            if let Some(r) = &s.refused {
                <div class="alert" role="alert" id="sharing-refused">
                    { ctx.format("sharing.refused", &[
                        ("position", &r.position.to_string()),
                        ("problem", &ctx.t(&r.problem)),
                        ("at", &text::local_time(r.found_at)),
                    ]) }
                </div>
            }
            if !s.connected {
                <ErrorAlert id="sharing-problem" error={s.problem.clone()} />
                <p class="hint">{ ctx.t("sharing.offline_hint") }</p>
            }
            <div class="form-actions">
                <button type="button" id="sharing-sync" class="btn btn-primary" onclick={sync} disabled={*busy}>
                    { if *busy { ctx.t("sharing.syncing") } else { ctx.t("sharing.sync_now") } }
                </button>
            </div>
            if let Some(r) = &*report {
                <p id="sharing-synced" role="status">{ ctx.format("sharing.synced", &[
                    ("pushed", &r.pushed.to_string()),
                    ("pulled", &r.pulled.to_string()),
                    ("position", &r.position.to_string()),
                ]) }</p>
            }
            <ErrorAlert id="sharing-sync-error" error={(*error).clone()} />
        </div>
    }
}

/// Where a conflict's record is shown, for the kinds that have a page of their own.
fn route_of(entity: EntityRef) -> Option<Route> {
    let id = entity.id.to_string();
    match entity.kind {
        EntityKind::Requirement => Some(Route::RequirementDetail { id }),
        EntityKind::Model => Some(Route::ModelDetail { id }),
        EntityKind::Evaluation => Some(Route::Evaluation { id }),
        EntityKind::Incident => Some(Route::IncidentDetail { id }),
        EntityKind::DrillRun => Some(Route::DrillRun { id }),
        EntityKind::TeamMember => Some(Route::IncidentTeam),
        EntityKind::ResponseRules => Some(Route::IncidentRules),
        EntityKind::User => Some(Route::Users),
        _ => None,
    }
}

#[component]
fn ConflictList() -> Html {
    let ctx = use_app();
    let conflicts = use_fetch((), |()| api::call::<endpoint::ConflictsList>(&NoRequest {}));
    let error = use_state(|| None::<ApiError>);
    let dismiss = {
        let (changed, error) = (ctx.changed.clone(), error.clone());
        move |id: <endpoint::ConflictDismiss as Endpoint>::Request| {
            let (changed, error) = (changed.clone(), error.clone());
            Callback::from(move |_: MouseEvent| {
                let (changed, error) = (changed.clone(), error.clone());
                spawn_local(async move {
                    match api::call::<endpoint::ConflictDismiss>(&id).await {
                        Ok(()) => changed.emit(()),
                        Err(e) => error.set(Some(e)),
                    }
                });
            })
        }
    };
    html! {
        <section class="card" id="sharing-conflicts" aria-labelledby="conflicts-title">
            <h2 id="conflicts-title">{ ctx.t("sharing.conflicts") }</h2>
            <p class="hint">{ ctx.t("sharing.conflicts_lead") }</p>
            <ErrorAlert id="conflict-error" error={(*error).clone()} />
            { FetchView::new(&conflicts, "conflicts").show(move |list| {
                if list.is_empty() {
                    return html! { <p class="muted" id="no-conflicts">{ ctx.t("sharing.no_conflicts") }</p> };
                }
                html! {
                    <ul class="conflict-list">
                        { for list.iter().map(|c| {
                            let entity = ctx.t(&c.entity.kind.text_key());
                            let action = ctx.t(&format!("action.{}", c.action));
                            let theirs = ctx.format("sharing.conflict_theirs", &[
                                ("by", c.theirs_by.as_deref().unwrap_or("?")),
                                ("at", c.theirs_at.as_deref().unwrap_or("?")),
                            ]);
                            html! {
                                <li class="conflict" data-id={c.id.to_string()}>
                                    <p class="conflict-what">
                                        <strong>{ action }</strong>{ format!(" · {entity} · ") }
                                        { match route_of(c.entity) {
                                            Some(to) => html! { <RouteLink {to}>{ ctx.t("sharing.open_record") }</RouteLink> },
                                            None => html! { <code>{ c.entity.id.to_string() }</code> },
                                        } }
                                    </p>
                                    <p class="muted">{ ctx.format("sharing.conflict_mine", &[("at", &c.written_at)]) }</p>
                                    <p>{ theirs }</p>
                                    if let Some(mine) = &c.mine {
                                        <details>
                                            <summary>{ ctx.t("sharing.conflict_show_mine") }</summary>
                                            <pre class="conflict-image">{ pretty(mine) }</pre>
                                        </details>
                                    }
                                    <button type="button" class="btn btn-small conflict-dismiss" onclick={dismiss(c.id)}>
                                        { ctx.t("sharing.dismiss") }
                                    </button>
                                </li>
                            }
                        }) }
                    </ul>
                }
            }) }
        </section>
    }
}

/// The record as the member's edit left it, indented for reading.
fn pretty(image: &str) -> String {
    serde_json::from_str::<serde_json::Value>(image)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|_| image.to_owned())
}

/// An Admin gives a member a join code: a member from before the workspace was shared (their
/// server login is made now) or one who lost their passphrase. Shown once, kept nowhere.
#[component]
fn JoinCodes() -> Html {
    let ctx = use_app();
    let users = use_fetch((), |()| api::call::<endpoint::UsersList>(&NoRequest {}));
    let chosen = use_state(String::new);
    let issued = use_state(|| None::<(String, String)>);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let me = ctx.session.as_ref().map(|s| s.user.id);
    let others: Vec<govbench_protocol::UserSummary> = users
        .data
        .iter()
        .flat_map(|l| l.iter())
        .filter(|u| Some(u.id) != me)
        .cloned()
        .collect();
    let issue = {
        let (chosen, issued, error, busy, others) = (
            chosen.clone(),
            issued.clone(),
            error.clone(),
            busy.clone(),
            others.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let Some(member) = others.iter().find(|u| u.id.to_string() == *chosen).cloned() else {
                return;
            };
            let (issued, error, busy) = (issued.clone(), error.clone(), busy.clone());
            busy.set(true);
            spawn_local(async move {
                let answer = api::call::<endpoint::UserJoinCode>(&member.id).await;
                busy.set(false);
                match answer {
                    Ok(code) => {
                        issued.set(Some((member.display_name.clone(), code)));
                        error.set(None);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let on_choose = {
        let (chosen, issued) = (chosen.clone(), issued.clone());
        Callback::from(move |e: Event| {
            issued.set(None);
            chosen.set(crate::components::value_of(&e));
        })
    };
    html! {
        <section class="card" id="join-codes" aria-labelledby="join-codes-title">
            <h2 id="join-codes-title">{ ctx.t("sharing.join_codes") }</h2>
            <p class="hint">{ ctx.t("sharing.join_codes_lead") }</p>
            <div class="inline-actions">
                <label for="join-code-member" class="visually-hidden">{ ctx.t("sharing.join_code_member") }</label>
                <select id="join-code-member" onchange={on_choose}>
                    <option value="" selected={chosen.is_empty()}>{ ctx.t("sharing.join_code_member") }</option>
                    { for others.iter().map(|u| html! {
                        <option value={u.id.to_string()} selected={*chosen == u.id.to_string()}>
                            { format!("{} ({})", u.display_name, u.name) }
                        </option>
                    }) }
                </select>
                <button type="button" id="join-code-issue" class="btn btn-small" onclick={issue}
                    disabled={*busy || chosen.is_empty()}>
                    { ctx.t("sharing.join_code_issue") }
                </button>
            </div>
            if let Some((name, code)) = &*issued {
                <div class="join-code-issued" role="status">
                    <p>{ ctx.format("sharing.join_code_for", &[("name", name)]) }</p>
                    <p><code id="join-code-value" class="join-code">{ code.clone() }</code></p>
                    <p class="hint">{ ctx.t("sharing.join_code_once") }</p>
                </div>
            }
            <ErrorAlert id="join-code-error" error={(*error).clone()} />
        </section>
    }
}
