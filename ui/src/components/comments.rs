//! The comment thread on any record, with the form to add one (for roles that may comment).

use std::rc::Rc;

use govbench_protocol::endpoint::CommentsPage;
use govbench_protocol::{Comment, CommentCommand, CommentPermission, EntityRef, RecentPage};
use yew::prelude::*;

use crate::components::earlier::use_earlier;
use crate::components::{invalid_attrs, on_text, ErrorAlert, FieldError};
use crate::context::use_app;
use crate::hooks::{Commands, Exec};
use crate::state::{require, FieldErrors};
use crate::text;

#[derive(Properties, PartialEq)]
pub struct CommentThreadProps {
    /// Element id of the list of comments.
    pub id: AttrValue,
    /// The record the thread is on.
    pub on: EntityRef,
    /// The most recent comments; earlier ones are fetched on demand.
    pub comments: Rc<RecentPage<Comment>>,
    /// The page's command runner (one command at a time per page).
    pub commands: Commands,
}

#[component]
pub fn CommentThread(props: &CommentThreadProps) -> Html {
    let ctx = use_app();
    let body = use_state(String::new);
    let errors = use_state(FieldErrors::new);
    let earlier = use_earlier::<CommentsPage, _>(props.on, props.comments.clone());

    let submit = {
        let (body, errors) = (body.clone(), errors.clone());
        let run = props.commands.run.clone();
        let on = props.on;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let mut errs = FieldErrors::new();
            require(&mut errs, "body", &body);
            if !errs.is_empty() {
                errors.set(errs);
                return;
            }
            let on_ok = {
                let body = body.clone();
                Callback::from(move |_| body.set(String::new()))
            };
            let command = CommentCommand::Add {
                on,
                body: body.trim().to_owned(),
            };
            run.emit(Exec::new(command).on_ok(on_ok).field_errors_into(&errors));
        })
    };
    let (inv, desc) = invalid_attrs(&errors, "body", "comment-body");
    let title_id = format!("{}-title", props.id);

    html! {
        <section class="panel" aria-labelledby={title_id.clone()}>
            <h2 id={title_id}>{ ctx.t("detail.comments") }</h2>
            if earlier.remaining > 0 {
                <button type="button" id={format!("{}-earlier", props.id)} class="btn btn-small btn-ghost earlier"
                    disabled={earlier.loading}
                    onclick={{ let load = earlier.load.clone(); Callback::from(move |_| load.emit(())) }}>
                    { ctx.format("detail.earlier_comments", &[("count", &earlier.remaining.to_string())]) }
                </button>
            }
            <ErrorAlert id={format!("{}-earlier-error", props.id)} error={earlier.error.clone()} />
            <ul id={props.id.clone()} class="comments">
                { for earlier.items.iter().chain(props.comments.items.iter()).map(|c| html! {
                    <li data-id={c.id.to_string()}>
                        <div class="comment-head">
                            <span class="avatar" aria-hidden="true">{ c.author.display_name.chars().next().map(String::from).unwrap_or_default() }</span>
                            <span class="author">{ c.author.display_name.clone() }</span>
                            <time datetime={text::iso_time(c.at)} class="muted">{ text::local_time(c.at) }</time>
                        </div>
                        <p class="prose">{ c.body.clone() }</p>
                    </li>
                }) }
            </ul>
            if props.comments.items.is_empty() {
                <p class="muted">{ ctx.t("detail.no_comments") }</p>
            }
            if ctx.may(CommentPermission::Add) {
                <form class="form comment-form" onsubmit={submit} novalidate=true>
                    <div class={classes!("field", errors.contains_key("body").then_some("has-error"))}>
                        <label for="comment-body">{ ctx.t("detail.add_comment") }</label>
                        <textarea id="comment-body" rows="3" value={(*body).clone()}
                            oninput={{ let body = body.clone(); let errors = errors.clone(); on_text(move |v| { errors.set(FieldErrors::new()); body.set(v) }) }}
                            aria-invalid={inv} aria-describedby={desc} />
                        <FieldError for_id="comment-body" errors={(*errors).clone()} field="body" />
                    </div>
                    <div class="form-actions">
                        <button type="submit" id="comment-submit" class="btn" disabled={props.commands.busy}>{ ctx.t("detail.comment_submit") }</button>
                    </div>
                </form>
            }
        </section>
    }
}
