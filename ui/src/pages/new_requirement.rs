//! New requirement: the draft editor, saved as a draft or submitted straight away.

use govbench_protocol::{ApiError, Command, RequirementDraft, RequirementQuery};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::app::{use_app, Route};
use crate::components::draft_form::{DraftEditor, FormMode};
use crate::components::{ErrorAlert, RouteLink};
use crate::state::draft::DraftForm;
use crate::state::{backend_field_errors, FieldErrors};

#[component]
pub fn NewRequirementPage() -> Html {
    let ctx = use_app();
    let navigator = use_navigator();
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let backend_errors = use_state(FieldErrors::new);
    let departments = use_state(Vec::<String>::new);

    {
        let departments = departments.clone();
        use_effect_with((), move |_| {
            spawn_local(async move {
                let query = RequirementQuery {
                    limit: 1,
                    ..RequirementQuery::default()
                };
                if let Ok(page) = api::requirements_list(&query).await {
                    departments.set(page.departments);
                }
            });
        });
    }

    let on_submit = {
        let busy = busy.clone();
        let error = error.clone();
        let backend_errors = backend_errors.clone();
        let changed = ctx.changed.clone();
        Callback::from(move |(draft, submit): (RequirementDraft, bool)| {
            if *busy {
                return;
            }
            busy.set(true);
            error.set(None);
            let busy = busy.clone();
            let error = error.clone();
            let backend_errors = backend_errors.clone();
            let changed = changed.clone();
            let navigator = navigator.clone();
            spawn_local(async move {
                let result = api::execute(&Command::FileRequirement { draft, submit }).await;
                busy.set(false);
                match result {
                    Ok(outcome) => {
                        changed.emit(());
                        if let Some(nav) = navigator {
                            nav.push(&Route::RequirementDetail {
                                id: outcome.entity_id,
                            });
                        }
                    }
                    Err(err) => {
                        backend_errors.set(backend_field_errors(&err));
                        error.set(Some(err));
                    }
                }
            });
        })
    };

    html! {
        <section class="page page-narrow" id="page-req-new">
            <nav class="breadcrumbs" aria-label={ctx.t("common.breadcrumbs")}>
                <RouteLink to={Route::Requirements}>{ ctx.t("nav.requirements") }</RouteLink>
                <span aria-hidden="true">{" / "}</span>
                <span aria-current="page">{ ctx.t("req.new") }</span>
            </nav>
            <div class="page-head">
                <div>
                    <h1>{ ctx.t("req.new_title") }</h1>
                    <p class="subtitle">{ ctx.t("req.new_subtitle") }</p>
                </div>
            </div>
            <div class="card">
                <ErrorAlert id="action-error" error={(*error).clone()} />
                <DraftEditor initial={DraftForm::default()} mode={FormMode::New}
                    backend_errors={(*backend_errors).clone()} departments={(*departments).clone()}
                    busy={*busy} {on_submit} />
            </div>
        </section>
    }
}
