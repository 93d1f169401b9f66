//! The evidence files on any record (an incident, a drill run…): name, size, SHA-256, who
//! added them when, a thumbnail for images, "Open" in the system's viewer, and "Attach files"
//! (the native dialog, then one write per file, each failure named with its file).

use std::rc::Rc;

use govbench_protocol::endpoint;
use govbench_protocol::{
    ApiError, AttachmentCommand, AttachmentId, AttachmentInfo, AttachmentPermission, EntityRef,
    ErrorCode, NoRequest, MAX_ATTACHMENT_BYTES,
};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::components::ErrorAlert;
use crate::context::{use_app, AppCtx};
use crate::hooks::use_fetch;
use crate::text;

#[derive(Properties, PartialEq)]
pub struct AttachmentsProps {
    /// Element id of the panel (`incident-attachments`); rows and buttons derive theirs.
    pub id: AttrValue,
    /// The record the files are on.
    pub on: EntityRef,
    /// The record's attachments as its own view brought them; fetched when not given.
    #[prop_or_default]
    pub items: Option<Rc<Vec<AttachmentInfo>>>,
    /// The record still takes files (besides the user's permission).
    #[prop_or(true)]
    pub open: bool,
}

/// One file that could not be attached, and why.
#[derive(Clone, PartialEq)]
struct Refused {
    name: String,
    error: ApiError,
}

/// The last part of a path, whatever the system's separator.
fn file_name(path: &str) -> String {
    path.rsplit(['/', '\\'])
        .find(|part| !part.is_empty())
        .unwrap_or(path)
        .to_owned()
}

#[component]
pub fn Attachments(props: &AttachmentsProps) -> Html {
    let ctx = use_app();
    let given = props.items.clone();
    let fetched = use_fetch(
        (props.on, given.is_some()),
        |(on, given): (EntityRef, bool)| async move {
            if given {
                Ok(Vec::new())
            } else {
                api::call::<endpoint::AttachmentsList>(&on).await
            }
        },
    );
    let items: Rc<Vec<AttachmentInfo>> = match (&given, &fetched.data) {
        (Some(items), _) => items.clone(),
        (None, Some(list)) => list.clone(),
        (None, None) => Rc::new(Vec::new()),
    };
    let progress = Progress {
        adding: use_state(|| None::<(usize, usize)>),
        refused: use_state(Vec::<Refused>::new),
        added: use_state(|| 0usize),
    };
    let open_error = use_state(|| None::<ApiError>);
    let may_add = props.open && ctx.may(AttachmentPermission::Add);
    let attach = attach_files(&ctx, props.on, &progress);
    let on_open = open_in_viewer(&open_error);
    let Progress {
        adding,
        refused,
        added,
    } = progress;
    let id = props.id.to_string();
    let title_id = format!("{id}-title");

    html! {
        <section class="panel attachments" id={id.clone()} aria-labelledby={title_id.clone()}>
            <div class="panel-head">
                <h2 id={title_id}>{ ctx.t("attachment.title") }</h2>
                if may_add {
                    <button type="button" id={format!("{id}-add")} class="btn btn-small" onclick={attach}
                        disabled={adding.is_some()} aria-busy={adding.is_some().then_some("true")}>
                        if let Some((n, total)) = *adding {
                            <span class="spinner" aria-hidden="true"></span>
                            { ctx.format("attachment.adding", &[("n", &n.to_string()), ("total", &total.to_string())]) }
                        } else {
                            { format!("+ {}", ctx.t("attachment.add")) }
                        }
                    </button>
                }
            </div>
            if may_add {
                <p class="hint">{ ctx.format("attachment.hint", &[("size", &text::file_size(MAX_ATTACHMENT_BYTES))]) }</p>
            }
            <div role="status" class="notice-line" id={format!("{id}-notice")}>
                if *added > 0 {
                    { ctx.format("attachment.added", &[("count", &added.to_string())]) }
                }
            </div>
            if !refused.is_empty() {
                <RefusedFiles id={format!("{id}-refused")} refused={(*refused).clone()} />
            }
            <ErrorAlert id={format!("{id}-open-error")} error={(*open_error).clone().or_else(|| fetched.error.clone())} />
            if items.is_empty() {
                <p class="muted">{ ctx.t("attachment.none") }</p>
            } else {
                <ul class="attachment-list" id={format!("{id}-list")}>
                    { for items.iter().map(|a| html! {
                        <AttachmentRow key={a.attachment.id.to_string()} info={a.clone()} on_open={on_open.clone()} />
                    }) }
                </ul>
            }
        </section>
    }
}

/// Where "Attach files" is: the file it is writing (n of total), the files refused, and how
/// many went in.
struct Progress {
    adding: UseStateHandle<Option<(usize, usize)>>,
    refused: UseStateHandle<Vec<Refused>>,
    added: UseStateHandle<usize>,
}

/// "Attach files": the native dialog, then one write per file.
fn attach_files(ctx: &AppCtx, on: EntityRef, progress: &Progress) -> Callback<MouseEvent> {
    let (adding, refused, added) = (
        progress.adding.clone(),
        progress.refused.clone(),
        progress.added.clone(),
    );
    let ctx = ctx.clone();
    Callback::from(move |_: MouseEvent| {
        if adding.is_some() {
            return;
        }
        let (adding, refused, added) = (adding.clone(), refused.clone(), added.clone());
        let ctx = ctx.clone();
        spawn_local(async move {
            let paths = match api::call::<endpoint::PickAttachmentFiles>(&NoRequest {}).await {
                Ok(paths) => paths,
                Err(error) => {
                    refused.set(vec![Refused {
                        name: String::new(),
                        error,
                    }]);
                    return;
                }
            };
            if paths.is_empty() {
                return;
            }
            refused.set(Vec::new());
            added.set(0);
            let total = paths.len();
            let mut failures = Vec::new();
            let mut ok = 0;
            // One write per file, in turn: each is durable on its own, and a refused file
            // (too large, unreadable) does not keep the others out.
            for (i, path) in paths.into_iter().enumerate() {
                adding.set(Some((i + 1, total)));
                let name = file_name(&path);
                match api::execute(AttachmentCommand::Add { on, path }).await {
                    Ok(_) => ok += 1,
                    Err(error) => {
                        if ctx.ends_session(&error) {
                            return;
                        }
                        failures.push(Refused { name, error });
                    }
                }
            }
            adding.set(None);
            added.set(ok);
            refused.set(failures);
            if ok > 0 {
                ctx.changed.emit(());
            }
        });
    })
}

/// Opens an attachment in the system's viewer; a failure goes to `open_error`.
fn open_in_viewer(open_error: &UseStateHandle<Option<ApiError>>) -> Callback<AttachmentId> {
    let open_error = open_error.clone();
    Callback::from(move |id: AttachmentId| {
        let open_error = open_error.clone();
        spawn_local(async move {
            match api::call::<endpoint::AttachmentOpen>(&id).await {
                Ok(()) => open_error.set(None),
                Err(err) => open_error.set(Some(err)),
            }
        });
    })
}

/// A refusal in words: the rules a validation error names (the size limit, an unreadable
/// file), else the error itself.
fn refusal_reason(ctx: &AppCtx, err: &ApiError) -> String {
    if err.code == ErrorCode::Validation {
        let rules: Vec<String> = err
            .details
            .values()
            .filter_map(|rule| {
                let text = ctx.t(rule);
                (text != *rule).then_some(text)
            })
            .collect();
        return if rules.is_empty() {
            ctx.format(
                "attachment.not_accepted",
                &[("size", &text::file_size(MAX_ATTACHMENT_BYTES))],
            )
        } else {
            rules.join(&ctx.t("list.separator"))
        };
    }
    ctx.error(err)
}

#[derive(Properties, PartialEq)]
struct RefusedProps {
    id: String,
    refused: Vec<Refused>,
}

/// The files the last "Attach files" could not add, each with why (a failed dialog has no
/// file name, only its error).
#[component]
fn RefusedFiles(props: &RefusedProps) -> Html {
    let ctx = use_app();
    html! {
        <ul class="alert attachment-refused" role="alert" id={props.id.clone()}>
            { for props.refused.iter().map(|r| html! {
                <li data-file={r.name.clone()}>
                    <span class="alert-icon" aria-hidden="true">{"⚠"}</span>
                    if r.name.is_empty() {
                        { ctx.error(&r.error) }
                    } else {
                        { ctx.format("attachment.refused", &[("name", &r.name), ("reason", &refusal_reason(&ctx, &r.error))]) }
                    }
                </li>
            }) }
        </ul>
    }
}

#[derive(Properties, PartialEq)]
struct RowProps {
    info: AttachmentInfo,
    on_open: Callback<AttachmentId>,
}

/// One file: its thumbnail or type, name, size, SHA-256, who added it when, and "Open".
#[component]
fn AttachmentRow(props: &RowProps) -> Html {
    let ctx = use_app();
    let a = &props.info;
    let at = &a.attachment;
    let open = {
        let (on_open, id) = (props.on_open.clone(), at.id);
        Callback::from(move |_: MouseEvent| on_open.emit(id))
    };
    html! {
        <li class="attachment" data-id={at.id.to_string()} data-name={at.name.clone()}>
            if a.is_image() {
                <Thumbnail id={at.id} name={at.name.clone()} />
            } else {
                <FileIcon name={at.name.clone()} />
            }
            <div class="attachment-body">
                <span class="attachment-name">{ at.name.clone() }</span>
                <span class="item-meta">
                    { text::file_size(at.size) }
                    { " · " }
                    <span class="sha" title={format!("SHA-256 {}", at.sha256)}>{ format!("SHA-256 {}", text::short_sha(&at.sha256)) }</span>
                    { " · " }
                    { a.added_by_name.clone() }
                    { " · " }
                    <time datetime={text::iso_time(at.added_at)}>{ text::local_time(at.added_at) }</time>
                </span>
            </div>
            <button type="button" class="btn btn-small" data-action="attachment.open"
                aria-label={ctx.format("attachment.open_label", &[("name", &at.name)])}
                onclick={open}>
                { ctx.t("attachment.open") }
            </button>
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct ThumbnailProps {
    id: AttachmentId,
    name: String,
}

/// An image attachment shown small, from its decrypted bytes.
#[component]
fn Thumbnail(props: &ThumbnailProps) -> Html {
    let preview = use_fetch(props.id, |id: AttachmentId| async move {
        api::call::<endpoint::AttachmentPreviewGet>(&id).await
    });
    match &preview.data {
        Some(p) if p.media_type.starts_with("image/") => html! {
            <img class="thumbnail" alt={props.name.clone()} loading="lazy"
                src={format!("data:{};base64,{}", p.media_type, p.base64)} />
        },
        _ => html! { <FileIcon name={props.name.clone()} /> },
    }
}

#[derive(Properties, PartialEq)]
struct FileIconProps {
    name: AttrValue,
}

/// A file drawn as a small card with its type (`LOG`, `PNG`): no emoji, which a desktop's
/// fonts may not have.
#[component]
fn FileIcon(props: &FileIconProps) -> Html {
    html! { <span class="file-icon" aria-hidden="true">{ text::file_kind(&props.name) }</span> }
}
