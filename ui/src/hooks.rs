//! The two things every page does with the backend, written once: fetch data (and fetch it
//! again when its inputs or the workspace change) and run a command (busy while it runs, its
//! error kept for the page, everything refreshed after).

use std::future::Future;
use std::rc::Rc;
use std::str::FromStr;

use govbench_protocol::endpoint::{self, Endpoint};
use govbench_protocol::{ApiError, Command, CommandOutcome, ErrorCode, NoRequest, UserSummary};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::{self, ApiResult};
use crate::context::use_app;
use crate::state::{backend_field_errors, FieldErrors};

/// What a fetch has produced so far.
pub struct Fetched<T> {
    /// The latest value received; kept on screen while a new request runs or after it fails,
    /// so typing in a filter never makes a list flash empty.
    pub data: Option<Rc<T>>,
    /// The latest request's error, if it failed.
    pub error: Option<ApiError>,
    /// A request is running.
    pub loading: bool,
}

/// Fetches `fetch(deps)` when the page opens, when `deps` change and whenever the workspace
/// changed (a command anywhere). Answers can arrive out of order; only the latest request's
/// answer counts.
#[hook]
pub fn use_fetch<T, D, F, Fut>(deps: D, fetch: F) -> Fetched<T>
where
    T: 'static,
    D: Clone + PartialEq + 'static,
    F: Fn(D) -> Fut + 'static,
    Fut: Future<Output = ApiResult<T>> + 'static,
{
    use_fetch_for(deps, fetch).0
}

/// [`use_fetch`], and the `deps` the data on screen was fetched for (a page reused for another
/// record keeps showing the previous one until the new one arrives).
#[hook]
fn use_fetch_for<T, D, F, Fut>(deps: D, fetch: F) -> (Fetched<T>, Option<D>)
where
    T: 'static,
    D: Clone + PartialEq + 'static,
    F: Fn(D) -> Fut + 'static,
    Fut: Future<Output = ApiResult<T>> + 'static,
{
    let ctx = use_app();
    let ended = ctx.clone();
    let data = use_state(|| None::<(D, Rc<T>)>);
    let error = use_state(|| None::<ApiError>);
    let loading = use_state(|| true);
    let latest = use_mut_ref(|| 0u64);
    {
        let (data, error, loading) = (data.clone(), error.clone(), loading.clone());
        use_effect_with((deps, ctx.audit_tick), move |(deps, _)| {
            let mine = {
                let mut n = latest.borrow_mut();
                *n += 1;
                *n
            };
            loading.set(true);
            let answer = fetch(deps.clone());
            let deps = deps.clone();
            spawn_local(async move {
                let result = answer.await;
                if *latest.borrow() != mine {
                    return;
                }
                loading.set(false);
                match result {
                    Ok(value) => {
                        data.set(Some((deps, Rc::new(value))));
                        error.set(None);
                    }
                    Err(err) => {
                        ended.ends_session(&err);
                        error.set(Some(err));
                    }
                }
            });
        });
    }
    let fetched = Fetched {
        data: (*data).as_ref().map(|(_, value)| value.clone()),
        error: (*error).clone(),
        loading: *loading,
    };
    (fetched, (*data).as_ref().map(|(deps, _)| deps.clone()))
}

/// A detail page's record, fetched through endpoint `E` by the id in its route.
pub struct Detail<I, T> {
    /// The route's id, typed; `None` when the route's text is not one (the fetch then fails
    /// as not found).
    pub id: Option<I>,
    /// The record, only ever the one `id` names: after navigating from another record, its
    /// data is not shown while this one loads.
    pub fetched: Fetched<T>,
}

/// Parses a route's id into `E`'s typed id and fetches that record (again whenever the
/// workspace changes).
#[hook]
pub fn use_detail<E>(route_id: &str) -> Detail<E::Request, E::Response>
where
    E: Endpoint + 'static,
    E::Request: FromStr + Clone + PartialEq + 'static,
    E::Response: 'static,
{
    let id = E::Request::from_str(route_id).ok();
    let (mut fetched, fetched_for) =
        use_fetch_for(id.clone(), |id: Option<E::Request>| async move {
            match id {
                Some(id) => api::call::<E>(&id).await,
                None => Err(ApiError::new(ErrorCode::NotFound)),
            }
        });
    if fetched_for.as_ref() != Some(&id) {
        fetched.data = None;
    }
    Detail { id, fetched }
}

/// The workspace's members, for the pickers of owners, team members and attendees.
pub struct Users {
    /// Empty until they arrive (and when not wanted).
    pub list: Rc<Vec<UserSummary>>,
    pub error: Option<ApiError>,
}

/// The workspace's members.
#[hook]
pub fn use_users() -> Users {
    use_users_if(true)
}

/// The workspace's members, asked for only when `wanted` (a panel whose picker the user may
/// not use asks nothing).
#[hook]
pub fn use_users_if(wanted: bool) -> Users {
    let users = use_fetch(wanted, |wanted: bool| async move {
        if wanted {
            api::call::<endpoint::UsersList>(&NoRequest {}).await
        } else {
            Ok(Vec::new())
        }
    });
    Users {
        list: users.data.unwrap_or_default(),
        error: users.error,
    }
}

/// One command for [`use_command`] to run, and what to do after it.
#[derive(Clone, PartialEq)]
pub struct Exec {
    pub command: Command,
    pub on_ok: Callback<CommandOutcome>,
    pub on_fail: Callback<ApiError>,
}

impl Exec {
    pub fn new(command: impl Into<Command>) -> Exec {
        Exec {
            command: command.into(),
            on_ok: Callback::noop(),
            on_fail: Callback::noop(),
        }
    }

    pub fn on_ok(mut self, on_ok: Callback<CommandOutcome>) -> Exec {
        self.on_ok = on_ok;
        self
    }

    pub fn on_fail(mut self, on_fail: Callback<ApiError>) -> Exec {
        self.on_fail = on_fail;
        self
    }

    /// On a validation error, hands the backend's field errors to `to` (a form reducer's
    /// `Errors` action: see [`errors_to`]).
    pub fn field_errors_to(self, to: Callback<FieldErrors>) -> Exec {
        self.on_fail(Callback::from(move |err: ApiError| {
            to.emit(backend_field_errors(&err))
        }))
    }

    /// On a validation error, shows the backend's field errors in a form's `errors`.
    pub fn field_errors_into(self, errors: &UseStateHandle<FieldErrors>) -> Exec {
        let errors = errors.clone();
        self.on_fail(Callback::from(move |err: ApiError| {
            errors.set(backend_field_errors(&err))
        }))
    }
}

/// A callback that gives field errors to a form reducer through its `Errors` action.
pub fn errors_to<R: Reducible + 'static>(
    form: &UseReducerHandle<R>,
    action: fn(FieldErrors) -> R::Action,
) -> Callback<FieldErrors> {
    let form = form.clone();
    Callback::from(move |errors| form.dispatch(action(errors)))
}

/// A form's submit handler, written once: the page does not reload; the form's own `check`
/// comes first (its errors go to `show_errors`, nothing is sent); what it checked becomes the
/// command `send` makes (with what to do after), and the backend's field errors go to
/// `show_errors` too.
pub fn submit_form<P: 'static>(
    run: &Callback<Exec>,
    check: impl Fn() -> Result<P, FieldErrors> + 'static,
    show_errors: Callback<FieldErrors>,
    send: impl Fn(P) -> Exec + 'static,
) -> Callback<SubmitEvent> {
    let run = run.clone();
    Callback::from(move |e: SubmitEvent| {
        e.prevent_default();
        match check() {
            Err(errors) => show_errors.emit(errors),
            Ok(checked) => run.emit(send(checked).field_errors_to(show_errors.clone())),
        }
    })
}

/// A callback that shows field errors in a form's `errors` state.
pub fn errors_into(errors: &UseStateHandle<FieldErrors>) -> Callback<FieldErrors> {
    let errors = errors.clone();
    Callback::from(move |e| errors.set(e))
}

/// Runs commands for a page, one at a time.
#[derive(Clone, PartialEq)]
pub struct Commands {
    pub busy: bool,
    /// The last command's error, for the page's alert (cleared by the next command).
    pub error: Option<ApiError>,
    pub run: Callback<Exec>,
}

/// Runs a command: nothing else starts while it runs; on success the workspace counts as
/// changed (every fetch and the audit indicator refresh); on a conflict, an illegal step or a
/// record gone, too, since the record moved on under the user.
#[hook]
pub fn use_command() -> Commands {
    let ctx = use_app();
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let run = {
        let (busy, error) = (busy.clone(), error.clone());
        let changed = ctx.changed.clone();
        let ended = ctx.clone();
        Callback::from(move |exec: Exec| {
            if *busy {
                return;
            }
            busy.set(true);
            error.set(None);
            let (busy, error, changed) = (busy.clone(), error.clone(), changed.clone());
            let ended = ended.clone();
            spawn_local(async move {
                let result = api::execute(exec.command).await;
                busy.set(false);
                match result {
                    Ok(outcome) => {
                        exec.on_ok.emit(outcome);
                        changed.emit(());
                    }
                    Err(err) => {
                        if ended.ends_session(&err) {
                            return;
                        }
                        let moved_on = matches!(
                            err.code,
                            ErrorCode::Conflict
                                | ErrorCode::IllegalTransition
                                | ErrorCode::NotFound
                        );
                        exec.on_fail.emit(err.clone());
                        error.set(Some(err));
                        if moved_on {
                            changed.emit(());
                        }
                    }
                }
            });
        })
    };
    Commands {
        busy: *busy,
        error: (*error).clone(),
        run,
    }
}

/// Endpoint `E` called from a form outside the write path (logging in, creating a
/// workspace): one call at a time, busy while it runs, its error kept for the form's alert.
pub struct Call<E: Endpoint> {
    pub busy: bool,
    /// The last call's error (cleared by the next call), or one given to `show_error`.
    pub error: Option<ApiError>,
    /// Puts an error in the form's alert (a failure beside the call, such as the file
    /// picker's).
    pub show_error: Callback<ApiError>,
    run: CallRun<E>,
}

/// A request, what to do with the answer, and where the backend's field errors go.
type CallRun<E> = Callback<(
    <E as Endpoint>::Request,
    Callback<<E as Endpoint>::Response>,
    Callback<FieldErrors>,
)>;

impl<E: Endpoint + 'static> Call<E> {
    /// A form's submit handler: the page does not reload; nothing starts while a call runs;
    /// the form's own `check` first (its errors go to `show_errors`, nothing is sent); then
    /// the call, `on_ok` with its answer, and the backend's field errors to `show_errors`.
    pub fn submit(
        &self,
        check: impl Fn() -> Result<E::Request, FieldErrors> + 'static,
        show_errors: Callback<FieldErrors>,
        on_ok: Callback<E::Response>,
    ) -> Callback<SubmitEvent> {
        let (run, busy) = (self.run.clone(), self.busy);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if busy {
                return;
            }
            match check() {
                Err(errors) => show_errors.emit(errors),
                Ok(request) => run.emit((request, on_ok.clone(), show_errors.clone())),
            }
        })
    }
}

/// Calls endpoint `E` for a form (see [`Call`]); the alert starts with `initial_error`.
#[hook]
pub fn use_call<E>(initial_error: Option<ApiError>) -> Call<E>
where
    E: Endpoint + 'static,
{
    let busy = use_state(|| false);
    let error = use_state(move || initial_error);
    let run = {
        let (busy, error) = (busy.clone(), error.clone());
        Callback::from(
            move |(request, on_ok, show_errors): (
                E::Request,
                Callback<E::Response>,
                Callback<FieldErrors>,
            )| {
                busy.set(true);
                error.set(None);
                let (busy, error) = (busy.clone(), error.clone());
                spawn_local(async move {
                    let result = api::call::<E>(&request).await;
                    busy.set(false);
                    match result {
                        Ok(answer) => on_ok.emit(answer),
                        Err(err) => {
                            show_errors.emit(backend_field_errors(&err));
                            error.set(Some(err));
                        }
                    }
                });
            },
        )
    };
    let show_error = {
        let error = error.clone();
        Callback::from(move |err: ApiError| error.set(Some(err)))
    };
    Call {
        busy: *busy,
        error: (*error).clone(),
        show_error,
        run,
    }
}

/// A counter bumped every `ms` milliseconds (re-rendering the component each time), for
/// periodic work: live clocks, polling. The interval is cleared when the component goes away.
#[hook]
pub fn use_ticks(ms: i32) -> u64 {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    let ticks = use_reducer(|| TickCount(0));
    {
        let ticks = ticks.clone();
        use_effect_with(ms, move |ms| {
            let tick = Closure::<dyn Fn()>::new(move || ticks.dispatch(()));
            let window = web_sys::window();
            let handle = window.as_ref().and_then(|w| {
                w.set_interval_with_callback_and_timeout_and_arguments_0(
                    tick.as_ref().unchecked_ref(),
                    *ms,
                )
                .ok()
            });
            move || {
                if let (Some(w), Some(h)) = (window, handle) {
                    w.clear_interval_with_handle(h);
                }
                drop(tick);
            }
        });
    }
    ticks.0
}

struct TickCount(u64);

impl Reducible for TickCount {
    type Action = ();
    fn reduce(self: Rc<Self>, _: ()) -> Rc<Self> {
        Rc::new(TickCount(self.0.wrapping_add(1)))
    }
}

/// Where a full-screen view (the drill runner, the presentation) puts its key handler: one
/// `keydown` listener on the document for as long as the component is mounted calls the
/// handler the latest render put here, so the handler always sees the current state.
#[hook]
pub fn use_document_keydown() -> Rc<std::cell::RefCell<Option<Callback<KeyboardEvent>>>> {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    let handler = use_mut_ref(|| None::<Callback<KeyboardEvent>>);
    {
        let handler = handler.clone();
        use_effect_with((), move |_| {
            let listener = Closure::<dyn Fn(KeyboardEvent)>::new(move |e: KeyboardEvent| {
                let current = handler.borrow().clone();
                if let Some(cb) = current {
                    cb.emit(e);
                }
            });
            let document = web_sys::window().and_then(|w| w.document());
            if let Some(doc) = &document {
                let _ = doc
                    .add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(doc) = document {
                    let _ = doc.remove_event_listener_with_callback(
                        "keydown",
                        listener.as_ref().unchecked_ref(),
                    );
                }
                drop(listener);
            }
        });
    }
    handler
}

/// The current time, re-rendering the component every second (live clocks and countdowns).
#[hook]
pub fn use_now() -> chrono::DateTime<chrono::Utc> {
    // The tick re-renders; the time is read fresh at each render.
    let _ = use_ticks(1000);
    chrono::Utc::now()
}
