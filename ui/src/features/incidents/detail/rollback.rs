//! Rolling the affected model back to its previous live version.

use std::rc::Rc;

use govbench_protocol::{ApiError, IncidentDetail, ModelCommand, ModelVersionId};
use yew::prelude::*;

use crate::components::{invalid_attrs, on_text, FieldError};
use crate::context::use_app;
use crate::hooks::{Commands, Exec};
use crate::state::{backend_field_errors, FieldErrors};

#[derive(Properties, PartialEq)]
pub struct RollbackProps {
    pub detail: Rc<IncidentDetail>,
    pub version: ModelVersionId,
    pub label: String,
    pub commands: Commands,
}

/// Rolling the affected model back to its previous live version, through the go-live rules.
#[component]
pub fn RollbackPanel(props: &RollbackProps) -> Html {
    let ctx = use_app();
    let inc = &props.detail.incident;
    let prefill = ctx.format(
        "incident.rollback.reason_prefill",
        &[("number", &inc.number), ("title", &inc.draft.title)],
    );
    let open = use_state(|| false);
    let reason = use_state(String::new);
    let errors = use_state(FieldErrors::new);
    let dialog = use_node_ref();
    {
        let dialog = dialog.clone();
        use_effect_with(*open, move |open| {
            if *open {
                if let Some(el) = dialog
                    .cast::<web_sys::Element>()
                    .and_then(|d| d.query_selector("textarea").ok().flatten())
                    .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(t).ok())
                {
                    let _ = el.focus();
                }
            }
        });
    }
    let show = {
        let (open, reason, errors) = (open.clone(), reason.clone(), errors.clone());
        Callback::from(move |_: MouseEvent| {
            reason.set(prefill.clone());
            errors.set(FieldErrors::new());
            open.set(true);
        })
    };
    let close = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(false))
    };
    let on_key = {
        let open = open.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.prevent_default();
                open.set(false);
            }
        })
    };
    let version = props.version;
    let submit = {
        let (open, reason, errors) = (open.clone(), reason.clone(), errors.clone());
        let run = props.commands.run.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if reason.trim().is_empty() {
                let mut errs = FieldErrors::new();
                errs.insert("reason".into(), "rule.required".into());
                errors.set(errs);
                return;
            }
            let on_ok = {
                let open = open.clone();
                Callback::from(move |_| open.set(false))
            };
            let on_fail = {
                let (open, errors) = (open.clone(), errors.clone());
                Callback::from(move |err: ApiError| {
                    let errs = backend_field_errors(&err);
                    if errs.is_empty() {
                        // The gate's refusal (or another error) shows on the page.
                        open.set(false);
                    }
                    errors.set(errs);
                })
            };
            run.emit(
                Exec::new(ModelCommand::Rollback {
                    version,
                    reason: reason.trim().to_owned(),
                })
                .on_ok(on_ok)
                .on_fail(on_fail),
            );
        })
    };
    let (inv, desc) = invalid_attrs(&errors, "reason", "rollback-reason");
    let label = ctx.format("incident.rollback.button", &[("version", &props.label)]);
    html! {
        <section class="panel" id="incident-rollback-panel" aria-labelledby="incident-rollback-title">
            <h2 id="incident-rollback-title">{ ctx.t("incident.rollback.title") }</h2>
            <p class="hint">{ ctx.format("incident.rollback.hint", &[("model", props.detail.model_name.as_deref().unwrap_or("—")), ("version", &props.label)]) }</p>
            <div class="button-row">
                <button type="button" id="incident-rollback" class="btn btn-danger" onclick={show} disabled={props.commands.busy}>
                    { label.clone() }
                </button>
            </div>
            if *open {
                <div class="modal-backdrop" onkeydown={on_key}>
                    <form class="modal card form" role="dialog" aria-modal="true" aria-labelledby="rollback-dialog-title"
                        id="rollback-dialog" ref={dialog} onsubmit={submit} novalidate=true>
                        <h2 id="rollback-dialog-title">{ label }</h2>
                        <p>{ ctx.format("incident.rollback.confirm", &[("model", props.detail.model_name.as_deref().unwrap_or("—")), ("version", &props.label)]) }</p>
                        <div class={classes!("field", errors.contains_key("reason").then_some("has-error"))}>
                            <label for="rollback-reason">{ ctx.t("incident.rollback.reason") }</label>
                            <textarea id="rollback-reason" rows="3" value={(*reason).clone()} aria-invalid={inv} aria-describedby={desc}
                                oninput={{ let reason = reason.clone(); on_text(move |v| reason.set(v)) }} />
                            <FieldError for_id="rollback-reason" errors={(*errors).clone()} field="reason" />
                        </div>
                        <div class="form-actions">
                            <button type="submit" id="rollback-confirm" class="btn btn-danger" disabled={props.commands.busy}>{ ctx.t("incident.rollback.do") }</button>
                            <button type="button" id="rollback-cancel" class="btn" onclick={close}>{ ctx.t("common.cancel") }</button>
                        </div>
                    </form>
                </div>
            }
        </section>
    }
}
