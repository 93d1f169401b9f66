//! The form that adds a version to a model.

use govbench_protocol::{ModelCommand as C, ModelId, VersionDraft};
use yew::prelude::*;

use crate::components::{invalid_attrs, on_text, FieldError, OtherErrors};
use crate::context::use_app;
use crate::features::models::state::VersionForm;
use crate::hooks::{errors_into, submit_form, Commands, Exec};
use crate::state::FieldErrors;

#[derive(Properties, PartialEq)]
pub struct AddVersionProps {
    pub model: ModelId,
    pub commands: Commands,
}

#[component]
pub fn AddVersion(props: &AddVersionProps) -> Html {
    let ctx = use_app();
    let open = use_state(|| false);
    let form = use_state(VersionForm::default);
    let errors = use_state(FieldErrors::new);
    if !*open {
        let open = open.clone();
        return html! {
            <div class="button-row">
                <button type="button" id="version-new" class="btn" onclick={Callback::from(move |_| open.set(true))}>{ format!("+ {}", ctx.t("version.new")) }</button>
            </div>
        };
    }
    let set = |f: fn(&mut VersionDraft, String)| {
        let form = form.clone();
        on_text(move |v| {
            let mut next = (*form).clone();
            f(&mut next.draft, v);
            form.set(next);
        })
    };
    let model = props.model;
    let submit = {
        let (form, open) = (form.clone(), open.clone());
        submit_form(
            &props.commands.run,
            {
                let form = form.clone();
                move || form.check()
            },
            errors_into(&errors),
            move |draft| {
                let on_ok = {
                    let (form, open) = (form.clone(), open.clone());
                    Callback::from(move |_| {
                        form.set(VersionForm::default());
                        open.set(false)
                    })
                };
                Exec::new(C::AddVersion { model, draft }).on_ok(on_ok)
            },
        )
    };
    let input = |id: &'static str,
                 name: &'static str,
                 value: String,
                 make: fn(&mut VersionDraft, String),
                 required: bool| {
        let (inv, desc) = invalid_attrs(&errors, name, id);
        html! {
            <div class={classes!("field", errors.contains_key(name).then_some("has-error"))}>
                <label for={id}>{ ctx.t(&format!("version.field.{name}")) }if required { <span class="req-mark" aria-hidden="true">{" *"}</span> }</label>
                <input {id} type="text" {value} oninput={set(make)} aria-invalid={inv} aria-describedby={desc} />
                <FieldError for_id={id} errors={(*errors).clone()} field={name} />
            </div>
        }
    };
    let dr = &form.draft;
    let known: Vec<String> = [
        "label",
        "code_repo",
        "code_commit",
        "config_repo",
        "config_commit",
        "base_model",
        "training_data",
        "release_notes",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    html! {
        <form class="form panel" id="version-form" onsubmit={submit} novalidate=true aria-labelledby="version-form-title">
            <h2 id="version-form-title">{ ctx.t("version.new") }</h2>
            <OtherErrors errors={(*errors).clone()} {known} />
            <div class="field-row">
                { input("version-label", "label", dr.label.clone(), |d, v| d.label = v, true) }
                { input("version-base", "base_model", dr.base_model.clone(), |d, v| d.base_model = v, false) }
            </div>
            <div class="field-row">
                { input("version-repo", "code_repo", dr.code_repo.clone(), |d, v| d.code_repo = v, true) }
                { input("version-commit", "code_commit", dr.code_commit.clone(), |d, v| d.code_commit = v, true) }
            </div>
            <div class="field-row">
                { input("version-config-repo", "config_repo", dr.config_repo.clone(), |d, v| d.config_repo = v, false) }
                { input("version-config-commit", "config_commit", dr.config_commit.clone(), |d, v| d.config_commit = v, false) }
            </div>
            <div class="field">
                <label for="version-training">{ ctx.t("version.field.training_data") }</label>
                <textarea id="version-training" rows="2" value={dr.training_data.clone()} oninput={set(|d, v| d.training_data = v)} />
            </div>
            <div class="field">
                <label for="version-notes">{ ctx.t("version.field.release_notes") }</label>
                <textarea id="version-notes" rows="3" value={dr.release_notes.clone()} oninput={set(|d, v| d.release_notes = v)} />
            </div>
            <div class="form-actions">
                <button type="submit" id="version-submit" class="btn btn-primary" disabled={props.commands.busy}>{ ctx.t("version.add") }</button>
                <button type="button" class="btn" onclick={{ let open = open.clone(); Callback::from(move |_| open.set(false)) }}>{ ctx.t("common.cancel") }</button>
            </div>
        </form>
    }
}
