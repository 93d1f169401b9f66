//! Integrity and backups: what Govbench can prove about the workspace (and against a head
//! printed on an earlier report), this device's backups with verified restore, and — for
//! admins — rotating the workspace key.

use govbench_protocol::endpoint;
use govbench_protocol::{
    AnchorRequest, ApiError, AuditReport, BackupInfo, BackupSettings, NoRequest, PickFileRequest,
    RestoreReport, RestoreRequest, UserCommand, UserPermission,
};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::components::{on_text, ErrorAlert, FetchView};
use crate::context::use_app;
use crate::hooks::{use_command, use_fetch, Exec};
use crate::text;

#[component]
pub fn TrustPage() -> Html {
    let ctx = use_app();
    html! {
        <section class="page" id="page-trust" aria-labelledby="trust-title">
            <header class="page-head">
                <h1 id="trust-title">{ ctx.t("trust.title") }</h1>
                <p class="muted">{ ctx.t("trust.lead") }</p>
            </header>
            if ctx.may(UserPermission::Manage) {
                <ContinuePanel />
            }
            <VerifyPanel />
            <BackupsPanel />
            if ctx.may(UserPermission::Manage) {
                <RotatePanel />
            }
        </section>
    }
}

/// The verification report, a list of what failed, and the anchor check.
#[component]
fn VerifyPanel() -> Html {
    let ctx = use_app();
    let round = use_state(|| 0u32);
    let report = use_fetch(*round, |_| {
        api::call::<endpoint::AuditVerify>(&NoRequest {})
    });
    let anchor = use_state(String::new);
    let anchored = use_state(|| None::<Result<AuditReport, ApiError>>);
    let checking = use_state(|| false);

    let rerun = {
        let round = round.clone();
        Callback::from(move |_: MouseEvent| round.set(*round + 1))
    };
    let check_anchor = {
        let (anchor, anchored, checking) = (anchor.clone(), anchored.clone(), checking.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let request = AnchorRequest {
                anchor: anchor.trim().to_owned(),
            };
            let (anchored, checking) = (anchored.clone(), checking.clone());
            checking.set(true);
            spawn_local(async move {
                let result = api::call::<endpoint::AuditVerifyAnchor>(&request).await;
                anchored.set(Some(result));
                checking.set(false);
            });
        })
    };

    let body = FetchView::new(&report, "trust-verify-error")
        .keep_data()
        .show(|r| html! { <ReportView id="trust-report" report={(**r).clone()} /> });
    html! {
        <section class="panel" aria-labelledby="trust-verify-title">
            <div class="panel-head">
                <h2 id="trust-verify-title">{ ctx.t("trust.verify") }</h2>
                <button type="button" id="trust-verify-again" class="btn btn-small" onclick={rerun}
                    disabled={report.loading}>
                    { if report.loading { ctx.t("audit.checking") } else { ctx.t("trust.verify_again") } }
                </button>
            </div>
            { body }
            <form class="form form-inline" onsubmit={check_anchor} novalidate=true>
                <div class="field field-grow">
                    <label for="trust-anchor">{ ctx.t("trust.anchor") }</label>
                    <input id="trust-anchor" type="text" spellcheck="false" autocomplete="off"
                        placeholder="1234:9f86d081…" value={(*anchor).clone()}
                        oninput={{ let anchor = anchor.clone(); on_text(move |v| anchor.set(v)) }} />
                    <span class="hint">{ ctx.t("trust.anchor_hint") }</span>
                </div>
                <div class="form-actions">
                    <button type="submit" id="trust-anchor-check" class="btn" disabled={*checking || anchor.trim().is_empty()}>
                        { ctx.t("trust.anchor_check") }
                    </button>
                </div>
            </form>
            {
                match &*anchored {
                    Some(Ok(r)) => html! { <ReportView id="trust-anchor-report" report={r.clone()} /> },
                    Some(Err(err)) => html! { <ErrorAlert id="trust-anchor-error" error={Some(err.clone())} /> },
                    None => html! {},
                }
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ReportProps {
    id: AttrValue,
    report: AuditReport,
}

/// The one sentence of what was proved (or the first problem), and every listed problem.
#[component]
fn ReportView(props: &ReportProps) -> Html {
    let ctx = use_app();
    let r = &props.report;
    let state = if r.is_intact() { "ok" } else { "bad" };
    let records = r.records.iter().flat_map(|c| c.problems.iter());
    let storage = r.storage.iter().flat_map(|s| s.problems.iter());
    let server = r.server.iter().flat_map(|s| s.problems.iter());
    html! {
        <div id={props.id.clone()} class={classes!("report", format!("report-{state}"))} data-state={state}>
            <p class="report-sentence" role="status">
                <span aria-hidden="true">{ if r.is_intact() { "✓ " } else { "⚠ " } }</span>
                { ctx.locale.audit_summary(r) }
            </p>
            <ul class="report-problems">
                { for storage.map(|line| html! { <li class="mono">{ line.clone() }</li> }) }
                { for records.map(|p| html! {
                    <li>
                        { ctx.t(&format!("entity.{}", p.entity)) }{" "}
                        <code>{ p.id.clone() }</code>{": "}
                        { ctx.t(&format!("audit.record.{}", p.problem)) }
                    </li>
                }) }
                { for server.map(|p| html! {
                    <li class="server-problem">
                        { ctx.format("audit.server.position", &[("position", &p.position.to_string())]) }{": "}
                        { ctx.t(&format!("audit.server.{}", p.problem)) }
                    </li>
                }) }
            </ul>
        </div>
    }
}

/// This device's backups: make one, see them, restore one into a new file.
#[component]
fn BackupsPanel() -> Html {
    let ctx = use_app();
    let round = use_state(|| 0u32);
    let list = use_fetch(*round, |_| {
        api::call::<endpoint::BackupsList>(&NoRequest {})
    });
    let making = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let restoring = use_state(|| None::<BackupInfo>);

    let make = {
        let (round, making, error) = (round.clone(), making.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            let (round, making, error) = (round.clone(), making.clone(), error.clone());
            making.set(true);
            spawn_local(async move {
                match api::call::<endpoint::BackupCreate>(&NoRequest {}).await {
                    Ok(_) => error.set(None),
                    Err(err) => error.set(Some(err)),
                }
                making.set(false);
                round.set(*round + 1);
            });
        })
    };

    let rows = FetchView::new(&list, "backups-error")
        .keep_data()
        .empty_when(
            |items| items.is_empty(),
            html! { <p class="muted" id="backups-empty">{ ctx.t("trust.no_backups") }</p> },
        )
        .show(|items| html! {
            <table id="backups-table" class="table">
                <thead>
                    <tr>
                        <th scope="col">{ ctx.t("trust.backup_at") }</th>
                        <th scope="col">{ ctx.t("trust.backup_reason") }</th>
                        <th scope="col">{ ctx.t("trust.backup_size") }</th>
                        <th scope="col"><span class="visually-hidden">{ ctx.t("trust.restore") }</span></th>
                    </tr>
                </thead>
                <tbody>
                    { for items.iter().map(|b| {
                        let pick = { let restoring = restoring.clone(); let b = b.clone(); Callback::from(move |_: MouseEvent| restoring.set(Some(b.clone()))) };
                        html! {
                            <tr class="backup-row" title={b.path.clone()}>
                                <td><time datetime={text::iso_time(b.at)}>{ text::local_time(b.at) }</time></td>
                                <td>{ ctx.t(&format!("backup.reason.{}", b.reason.key())) }</td>
                                <td>{ format!("{:.1} MiB", b.bytes as f64 / 1048576.0) }</td>
                                <td class="cell-actions">
                                    <button type="button" class="btn btn-small btn-ghost" data-action="restore" onclick={pick}>
                                        { ctx.t("trust.restore") }
                                    </button>
                                </td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
        });
    html! {
        <section class="panel" aria-labelledby="trust-backups-title">
            <div class="panel-head">
                <h2 id="trust-backups-title">{ ctx.t("trust.backups") }</h2>
                <button type="button" id="backup-now" class="btn btn-small" onclick={make} disabled={*making}>
                    if *making { <span class="spinner" aria-hidden="true"></span>{ ctx.t("trust.backing_up") } } else { { ctx.t("trust.backup_now") } }
                </button>
            </div>
            <p class="hint">{ ctx.t("trust.backups_hint") }</p>
            <BackupSettingsView on_saved={{ let round = round.clone(); Callback::from(move |()| round.set(*round + 1)) }} />
            <ErrorAlert id="backup-error" error={(*error).clone()} />
            { rows }
            if let Some(backup) = (*restoring).clone() {
                <RestoreForm {backup} on_close={{ let restoring = restoring.clone(); Callback::from(move |()| restoring.set(None)) }} />
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct SettingsProps {
    on_saved: Callback<()>,
}

/// Where this device keeps backups and how many, with a form to change it.
#[component]
fn BackupSettingsView(props: &SettingsProps) -> Html {
    let ctx = use_app();
    let round = use_state(|| 0u32);
    let current = use_fetch(*round, |_| {
        api::call::<endpoint::BackupSettingsGet>(&NoRequest {})
    });
    let editing = use_state(|| None::<BackupSettings>);
    let error = use_state(|| None::<ApiError>);
    let saving = use_state(|| false);

    let Some(settings) = current.data.clone() else {
        return html! { <ErrorAlert id="backup-settings-error" error={current.error.clone()} /> };
    };
    let Some(draft) = (*editing).clone() else {
        let edit = {
            let (editing, settings) = (editing.clone(), settings.clone());
            Callback::from(move |_: MouseEvent| editing.set(Some((*settings).clone())))
        };
        return html! {
            <p class="settings-line" id="backup-settings">
                { ctx.format("trust.settings_line", &[
                    ("folder", &settings.folder),
                    ("count", &settings.keep_count.to_string()),
                    ("days", &settings.keep_days.to_string()),
                ]) }
                {" "}
                <button type="button" id="backup-settings-edit" class="btn btn-small btn-ghost" onclick={edit}>
                    { ctx.t("trust.change_settings") }
                </button>
            </p>
        };
    };
    let set = |change: fn(&mut BackupSettings, String)| {
        let editing = editing.clone();
        on_text(move |v| {
            if let Some(mut next) = (*editing).clone() {
                change(&mut next, v);
                editing.set(Some(next));
            }
        })
    };
    let choose = {
        let editing = editing.clone();
        Callback::from(move |_: MouseEvent| {
            let editing = editing.clone();
            spawn_local(async move {
                if let Ok(Some(folder)) = api::call::<endpoint::PickFolder>(&NoRequest {}).await {
                    if let Some(mut next) = (*editing).clone() {
                        next.folder = folder;
                        editing.set(Some(next));
                    }
                }
            });
        })
    };
    let save = {
        let (editing, error, saving, round) = (
            editing.clone(),
            error.clone(),
            saving.clone(),
            round.clone(),
        );
        let on_saved = props.on_saved.clone();
        let draft = draft.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (editing, error, saving, round, on_saved) = (
                editing.clone(),
                error.clone(),
                saving.clone(),
                round.clone(),
                on_saved.clone(),
            );
            let request = draft.clone();
            saving.set(true);
            spawn_local(async move {
                match api::call::<endpoint::BackupSettingsSet>(&request).await {
                    Ok(_) => {
                        error.set(None);
                        editing.set(None);
                        round.set(*round + 1);
                        on_saved.emit(());
                    }
                    Err(err) => error.set(Some(err)),
                }
                saving.set(false);
            });
        })
    };
    let field_error = |field: &str| {
        (*error)
            .as_ref()
            .and_then(|e| e.details.get(field))
            .map(|rule| html! { <span class="field-error" role="alert">{ ctx.t(rule) }</span> })
    };
    html! {
        <form id="backup-settings-form" class="form" onsubmit={save} novalidate=true
            aria-label={ctx.t("trust.backup_settings")}>
            <div class="field">
                <label for="backup-folder">{ ctx.t("trust.backup_folder") }</label>
                <div class="input-row">
                    <input id="backup-folder" type="text" value={draft.folder.clone()}
                        oninput={set(|s, v| s.folder = v)} />
                    <button type="button" id="backup-folder-choose" class="btn btn-ghost" onclick={choose}>{ ctx.t("trust.choose") }</button>
                </div>
                { field_error("folder") }
            </div>
            <div class="form-row">
                <div class="field">
                    <label for="backup-keep-count">{ ctx.t("trust.keep_count") }</label>
                    <input id="backup-keep-count" type="number" min="1" max="1000" value={draft.keep_count.to_string()}
                        oninput={set(|s, v| s.keep_count = v.trim().parse().unwrap_or(0))} />
                    { field_error("keep_count") }
                </div>
                <div class="field">
                    <label for="backup-keep-days">{ ctx.t("trust.keep_days") }</label>
                    <input id="backup-keep-days" type="number" min="1" max="36500" value={draft.keep_days.to_string()}
                        oninput={set(|s, v| s.keep_days = v.trim().parse().unwrap_or(0))} />
                    { field_error("keep_days") }
                </div>
            </div>
            <div class="form-actions">
                <button type="submit" id="backup-settings-save" class="btn" disabled={*saving}>{ ctx.t("trust.save_settings") }</button>
                <button type="button" class="btn btn-ghost"
                    onclick={{ let editing = editing.clone(); Callback::from(move |_: MouseEvent| editing.set(None)) }}>
                    { ctx.t("common.cancel") }
                </button>
            </div>
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct RestoreProps {
    backup: BackupInfo,
    on_close: Callback<()>,
}

/// Restore one backup: where to (a new file), the user's passphrase; then the verdict.
#[component]
fn RestoreForm(props: &RestoreProps) -> Html {
    let ctx = use_app();
    let into = use_state(String::new);
    let passphrase = use_state(String::new);
    let busy = use_state(|| false);
    let outcome = use_state(|| None::<Result<RestoreReport, ApiError>>);

    let choose = {
        let into = into.clone();
        Callback::from(move |_: MouseEvent| {
            let into = into.clone();
            spawn_local(async move {
                if let Ok(Some(path)) =
                    api::call::<endpoint::PickWorkspaceFile>(&PickFileRequest { save: true }).await
                {
                    into.set(path);
                }
            });
        })
    };
    let submit = {
        let (into, passphrase, busy, outcome) = (
            into.clone(),
            passphrase.clone(),
            busy.clone(),
            outcome.clone(),
        );
        let backup = props.backup.path.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let request = RestoreRequest {
                backup: backup.clone(),
                into: into.trim().to_owned(),
                passphrase: (*passphrase).clone(),
            };
            let (busy, outcome, passphrase) = (busy.clone(), outcome.clone(), passphrase.clone());
            busy.set(true);
            spawn_local(async move {
                let result = api::call::<endpoint::BackupRestore>(&request).await;
                passphrase.set(String::new());
                outcome.set(Some(result));
                busy.set(false);
            });
        })
    };
    let close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(()))
    };
    html! {
        <form id="restore-form" class="form restore-form" onsubmit={submit} novalidate=true
            aria-label={ctx.t("trust.restore")}>
            <p>{ ctx.format("trust.restore_what", &[("at", &text::local_time(props.backup.at))]) }</p>
            <div class="field">
                <label for="restore-into">{ ctx.t("trust.restore_into") }</label>
                <div class="input-row">
                    <input id="restore-into" type="text" value={(*into).clone()}
                        oninput={{ let into = into.clone(); on_text(move |v| into.set(v)) }} />
                    <button type="button" id="restore-choose" class="btn btn-ghost" onclick={choose}>{ ctx.t("trust.choose") }</button>
                </div>
            </div>
            <div class="field">
                <label for="restore-passphrase">{ ctx.t("trust.restore_passphrase") }</label>
                <input id="restore-passphrase" type="password" autocomplete="current-password" value={(*passphrase).clone()}
                    oninput={{ let passphrase = passphrase.clone(); on_text(move |v| passphrase.set(v)) }} />
            </div>
            <p class="hint">{ ctx.t("trust.restore_hint") }</p>
            <div class="form-actions">
                <button type="submit" id="restore-submit" class="btn" disabled={*busy || into.trim().is_empty() || passphrase.is_empty()}>
                    if *busy { <span class="spinner" aria-hidden="true"></span>{ ctx.t("trust.restoring") } } else { { ctx.t("trust.restore") } }
                </button>
                <button type="button" class="btn btn-ghost" onclick={close}>{ ctx.t("common.cancel") }</button>
            </div>
            {
                match &*outcome {
                    Some(Ok(done)) => html! {
                        <div id="restore-outcome" role="status" class={classes!("report", if done.restored_to.is_some() { "report-ok" } else { "report-bad" })}>
                            <p>{ match &done.restored_to {
                                Some(path) => ctx.format("trust.restored", &[("path", path)]),
                                None => ctx.t("trust.not_restored"),
                            } }</p>
                            <p class="muted">{ ctx.locale.audit_summary(&done.report) }</p>
                        </div>
                    },
                    Some(Err(err)) => html! { <ErrorAlert id="restore-error" error={Some(err.clone())} /> },
                    None => html! {},
                }
            }
        </form>
    }
}

/// Admins, after this device found the workspace older than a copy it saw: confirm in the log
/// that this copy is the one to continue (shown only then).
#[component]
fn ContinuePanel() -> Html {
    let ctx = use_app();
    let commands = use_command();
    let held = use_fetch((), |()| api::call::<endpoint::SessionHeld>(&NoRequest {}));
    let rollback = held
        .data
        .as_ref()
        .and_then(|h| h.as_ref().as_ref())
        .is_some_and(|e| e.message_key == "error.held_rollback");
    if !rollback {
        return html! {};
    }
    let confirm = {
        let run = commands.run.clone();
        Callback::from(move |_: MouseEvent| run.emit(Exec::new(UserCommand::ContinueCopy)))
    };
    html! {
        <section class="panel" aria-labelledby="trust-continue-title">
            <h2 id="trust-continue-title">{ ctx.t("trust.continue") }</h2>
            <p class="hint">{ ctx.t("trust.continue_hint") }</p>
            <ErrorAlert id="continue-error" error={commands.error.clone()} />
            <button type="button" id="continue-copy" class="btn btn-danger" onclick={confirm} disabled={commands.busy}>
                { ctx.t("trust.continue") }
            </button>
        </section>
    }
}

/// Admins: re-encrypt the workspace under a new key sealed to every current member.
#[component]
fn RotatePanel() -> Html {
    let ctx = use_app();
    let commands = use_command();
    let confirming = use_state(|| false);
    let done = use_state(|| false);
    let rotate = {
        let (run, confirming, done) = (commands.run.clone(), confirming.clone(), done.clone());
        Callback::from(move |_: MouseEvent| {
            let (confirming, done) = (confirming.clone(), done.clone());
            let on_ok = Callback::from(move |_| {
                confirming.set(false);
                done.set(true);
            });
            run.emit(Exec::new(UserCommand::RotateKey).on_ok(on_ok));
        })
    };
    html! {
        <section class="panel" aria-labelledby="trust-rotate-title">
            <h2 id="trust-rotate-title">{ ctx.t("trust.rotate") }</h2>
            <p class="hint">{ ctx.t("trust.rotate_hint") }</p>
            <ErrorAlert id="rotate-error" error={commands.error.clone()} />
            if *done {
                <p id="rotate-done" role="status" class="notice">{ ctx.t("trust.rotated") }</p>
            }
            if *confirming {
                <div class="confirm-remove" role="group">
                    <span class="confirm-question">{ ctx.t("trust.rotate_confirm") }</span>
                    <span class="inline-actions">
                        <button type="button" id="rotate-confirm" class="btn btn-small btn-danger" onclick={rotate} disabled={commands.busy}>
                            if commands.busy { <span class="spinner" aria-hidden="true"></span>{ ctx.t("trust.rotating") } } else { { ctx.t("trust.rotate_yes") } }
                        </button>
                        <button type="button" class="btn btn-small btn-ghost" disabled={commands.busy}
                            onclick={{ let confirming = confirming.clone(); Callback::from(move |_: MouseEvent| confirming.set(false)) }}>
                            { ctx.t("common.cancel") }
                        </button>
                    </span>
                </div>
            } else {
                <button type="button" id="rotate-key" class="btn btn-danger"
                    onclick={{ let confirming = confirming.clone(); let done = done.clone(); Callback::from(move |_: MouseEvent| { done.set(false); confirming.set(true) }) }}>
                    { ctx.t("trust.rotate") }
                </button>
            }
        </section>
    }
}
