//! New requirement: the draft editor, saved as a draft or submitted straight away.

use govbench_protocol::endpoint;
use govbench_protocol::{CommandOutcome, RequirementCommand, RequirementDraft, RequirementQuery};
use yew::prelude::*;
use yew_router::prelude::*;

use super::draft_form::{DraftEditor, FormMode};
use super::state::draft::DraftForm;
use crate::api;
use crate::components::{ErrorAlert, RouteLink};
use crate::context::use_app;
use crate::hooks::{use_command, use_fetch, Exec};
use crate::route::Route;
use crate::state::backend_field_errors;

#[component]
pub fn NewRequirementPage() -> Html {
    let ctx = use_app();
    let navigator = use_navigator();
    let commands = use_command();
    // The departments in use, offered as suggestions.
    let departments = use_fetch((), |()| async {
        let query = RequirementQuery {
            limit: 1,
            ..RequirementQuery::default()
        };
        Ok(api::call::<endpoint::RequirementsList>(&query)
            .await?
            .departments)
    });

    let on_submit = {
        let run = commands.run.clone();
        Callback::from(move |(draft, submit): (RequirementDraft, bool)| {
            let navigator = navigator.clone();
            let open_it = Callback::from(move |outcome: CommandOutcome| {
                if let Some(nav) = &navigator {
                    nav.push(&Route::RequirementDetail {
                        id: outcome.entity.id.to_string(),
                    });
                }
            });
            run.emit(Exec::new(RequirementCommand::File { draft, submit }).on_ok(open_it));
        })
    };
    let backend_errors = commands
        .error
        .as_ref()
        .map(backend_field_errors)
        .unwrap_or_default();

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
                <ErrorAlert id="action-error" error={commands.error.clone()} />
                <DraftEditor initial={DraftForm::default()} mode={FormMode::New}
                    {backend_errors}
                    departments={departments.data.as_deref().cloned().unwrap_or_default()}
                    busy={commands.busy} {on_submit} />
            </div>
        </section>
    }
}
