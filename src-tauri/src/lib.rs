//! The desktop shell. Only this crate knows Tauri and IPC: each endpoint of
//! `govbench_protocol::endpoint` gets one handler here, which takes the endpoint's `request`,
//! runs the matching `govbench-core` use case on a blocking thread (so the window never
//! freezes), and returns the endpoint's response or the public error.

mod alerts;
mod recent;
mod sharing;
mod shell;

pub use shell::{AppState, Settings};

use govbench_core::Session;
use govbench_protocol::endpoint::{self, Endpoint};
use govbench_protocol::ApiError;
use std::sync::Arc;
use tauri::{AppHandle, Manager, Runtime, State};

type Shared = Arc<AppState>;
type ApiResult<T> = Result<T, ApiError>;
type Request<E> = <E as Endpoint>::Request;
type Response<E> = <E as Endpoint>::Response;

/// Compile-time string equality (a handler's name must be its endpoint's name).
const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

fn on_app<Q, R>(
    state: &AppState,
    request: Q,
    run: impl FnOnce(&AppState, Q) -> ApiResult<R>,
) -> ApiResult<R> {
    run(state, request)
}

fn on_session<Q, R>(
    state: &AppState,
    request: Q,
    run: impl FnOnce(&mut Session, Q) -> ApiResult<R>,
) -> ApiResult<R> {
    state.with_session(|session| run(session, request))
}

/// The endpoint table. Each line names the handler, its protocol endpoint, and what it runs:
/// `app` handlers get the app state, `session` handlers the logged-in session (or answer
/// `not_logged_in`), `custom` handlers are written out below. From this one list come the
/// command functions, [`invoke_handler`] and [`HANDLED`].
macro_rules! endpoints {
    (
        $( app $app:ident: $app_endpoint:ident => $app_run:expr; )*
        $( session $session:ident: $session_endpoint:ident => $session_run:expr; )*
        $( custom $custom:ident: $custom_endpoint:ident; )*
    ) => {
        $(
            #[tauri::command]
            async fn $app(
                state: State<'_, Shared>,
                request: Request<endpoint::$app_endpoint>,
            ) -> ApiResult<Response<endpoint::$app_endpoint>> {
                let state = state.inner().clone();
                shell::blocking(move || on_app(&state, request, $app_run)).await
            }
        )*
        $(
            #[tauri::command]
            async fn $session(
                state: State<'_, Shared>,
                request: Request<endpoint::$session_endpoint>,
            ) -> ApiResult<Response<endpoint::$session_endpoint>> {
                let state = state.inner().clone();
                shell::blocking(move || on_session(&state, request, $session_run)).await
            }
        )*

        const _: () = {
            $( assert!(same(stringify!($app), <endpoint::$app_endpoint as Endpoint>::NAME)); )*
            $( assert!(same(stringify!($session), <endpoint::$session_endpoint as Endpoint>::NAME)); )*
            $( assert!(same(stringify!($custom), <endpoint::$custom_endpoint as Endpoint>::NAME)); )*
        };

        /// Every endpoint this shell handles (a test checks it against the protocol, build.rs
        /// and the capabilities).
        pub const HANDLED: &[&str] = &[
            $(stringify!($app),)* $(stringify!($session),)* $(stringify!($custom),)*
        ];

        /// The app's commands, shared by the real app and the mock-runtime tests.
        pub fn invoke_handler<R: Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($app,)* $($session,)* $($custom,)*]
        }
    };
}

endpoints! {
    app startup_state: StartupState => |state, _| state.startup_state();
    app login: Login => |state, request| state.login(request);
    app logout: Logout => |state, request| state.logout(request.forget);
    app create_workspace: CreateWorkspace => |state, request| state.create_workspace(request);
    app backup_settings_get: BackupSettingsGet => |state, _| state.backup_settings();
    app backup_settings_set: BackupSettingsSet => |state, request| state.set_backup_settings(request);
    app export_progress: ExportProgressGet => |state, _| Ok(state.export_progress());
    app sharing_check: SharingCheck => |_, request| sharing::check(&request);
    app sharing_share: SharingShare => |state, request| state.share(request);
    app sharing_join: SharingJoin => |state, request| state.join(request);
    app sharing_progress: SharingProgressGet => |state, _| Ok(state.sharing_progress());
    session execute: Execute => |s, command| s.execute(command);
    session audit_verify: AuditVerify => |s, _| s.verify_audit_with_server(None);
    session audit_verify_anchor: AuditVerifyAnchor => |s, request| s.verify_audit_with_server(Some(&request.anchor));
    session session_held: SessionHeld => |s, _| Ok(s.held().cloned().map(ApiError::from));
    session backups_list: BackupsList => |s, _| s.backup_list();
    session sharing_status: SharingStatusGet => |s, _| s.sharing_status();
    session sharing_sync: SharingSync => |s, _| s.sync_connected().map(Into::into);
    session conflicts_list: ConflictsList => |s, _| s.conflicts();
    session conflict_dismiss: ConflictDismiss => |s, id| s.dismiss_conflict(id);
    session user_join_code: UserJoinCode => |s, id| s.issue_join_code(id);
    session backup_create: BackupCreate => |s, _| s.backup_now();
    session backup_restore: BackupRestore => |s, request| s.restore_backup(&request);
    session dashboard: Dashboard => |s, _| s.dashboard();
    session requirements_list: RequirementsList => |s, query| s.requirements(&query);
    session requirement_get: RequirementGet => |s, id| s.requirement(id);
    session users_list: UsersList => |s, _| s.users();
    session member_devices: MemberDevices => |s, _| s.member_devices();
    session comments_page: CommentsPage => |s, request| s.comments(&request);
    session history_page: HistoryPage => |s, request| s.history(&request);
    session models_list: ModelsList => |s, _| s.models();
    session model_get: ModelGet => |s, id| s.model(id);
    session kpi_trends: KpiTrends => |s, id| s.kpi_trends(id);
    session evaluations_list: EvaluationsList => |s, query| s.evaluations(&query);
    session evaluation_get: EvaluationGet => |s, id| s.evaluation(id);
    session evaluation_preview: EvaluationPreview => |s, request| s.preview_import(&request);
    session incidents_list: IncidentsList => |s, query| s.incidents(&query);
    session incident_get: IncidentGet => |s, id| s.incident(id);
    session incident_stats: IncidentStatsGet => |s, quarter| s.incident_stats(&quarter);
    session incident_alerts: IncidentAlerts => |s, _| s.incident_alerts();
    session response_rules: ResponseRulesGet => |s, _| s.response_rules();
    session team_get: TeamGet => |s, _| s.team();
    session drills_overview: DrillsOverviewGet => |s, _| s.drills();
    session drill_run_get: DrillRunGet => |s, id| s.drill_run(id);
    session attachments_list: AttachmentsList => |s, on| s.attachments(on);
    session attachment_preview: AttachmentPreviewGet => |s, id| s.attachment_preview(id);
    session assessments_overview: AssessmentsOverviewGet => |s, _| s.assessments();
    session assessment_get: AssessmentGet => |s, quarter| s.assessment(&quarter);
    custom attachment_open: AttachmentOpen;
    custom export_assessment: ExportAssessment;
    custom pick_attachment_files: PickAttachmentFiles;
    custom pick_workspace_file: PickWorkspaceFile;
    custom pick_folder: PickFolder;
    custom pick_import_files: PickImportFiles;
    custom pick_ca_file: PickCaFile;
}

#[tauri::command]
async fn pick_folder<R: Runtime>(
    app: AppHandle<R>,
    _request: Request<endpoint::PickFolder>,
) -> ApiResult<Response<endpoint::PickFolder>> {
    use tauri_plugin_dialog::DialogExt;
    #[cfg(debug_assertions)]
    if let Some(path) = std::env::var_os("GOVBENCH_E2E_PICK_FOLDER") {
        return Ok(Some(std::path::PathBuf::from(path).display().to_string()));
    }
    shell::blocking(move || {
        Ok(app
            .dialog()
            .file()
            .blocking_pick_folder()
            .and_then(|p| p.into_path().ok())
            .map(|p| p.display().to_string()))
    })
    .await
}

/// The native dialog for several files (`filter`: a name and the extensions it allows);
/// empty when the user cancels. Debug builds return the paths in the env var `test_hook`
/// instead, for end-to-end tests.
async fn pick_files<R: Runtime>(
    app: AppHandle<R>,
    test_hook: &'static str,
    filter: Option<(&'static str, &'static [&'static str])>,
) -> ApiResult<Vec<String>> {
    use tauri_plugin_dialog::DialogExt;
    #[cfg(debug_assertions)]
    if let Some(paths) = std::env::var_os(test_hook) {
        return Ok(std::env::split_paths(&paths)
            .map(|p| p.display().to_string())
            .collect());
    }
    #[cfg(not(debug_assertions))]
    let _ = test_hook;
    shell::blocking(move || {
        let mut dialog = app.dialog().file();
        if let Some((name, extensions)) = filter {
            dialog = dialog.add_filter(name, extensions);
        }
        Ok(dialog
            .blocking_pick_files()
            .unwrap_or_default()
            .into_iter()
            .filter_map(|p| p.into_path().ok())
            .map(|p| p.display().to_string())
            .collect())
    })
    .await
}

#[tauri::command]
async fn pick_import_files<R: Runtime>(
    app: AppHandle<R>,
    _request: Request<endpoint::PickImportFiles>,
) -> ApiResult<Response<endpoint::PickImportFiles>> {
    pick_files(
        app,
        "GOVBENCH_E2E_PICK_IMPORT",
        Some(("Results", &["json", "jsonl", "csv"])),
    )
    .await
}

#[tauri::command]
async fn pick_ca_file<R: Runtime>(
    app: AppHandle<R>,
    _request: Request<endpoint::PickCaFile>,
) -> ApiResult<Response<endpoint::PickCaFile>> {
    let picked = pick_files(
        app,
        "GOVBENCH_E2E_PICK_CA",
        Some(("PEM", &["pem", "crt", "cer"])),
    )
    .await?;
    Ok(picked.into_iter().next())
}

#[tauri::command]
async fn pick_attachment_files<R: Runtime>(
    app: AppHandle<R>,
    _request: Request<endpoint::PickAttachmentFiles>,
) -> ApiResult<Response<endpoint::PickAttachmentFiles>> {
    pick_files(app, "GOVBENCH_E2E_PICK_ATTACHMENTS", None).await
}

/// Decrypts the attachment into a private folder of its own and opens it with the system's
/// viewer for its type.
#[tauri::command]
async fn attachment_open<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, Shared>,
    request: Request<endpoint::AttachmentOpen>,
) -> ApiResult<Response<endpoint::AttachmentOpen>> {
    let state = state.inner().clone();
    let path = shell::blocking(move || {
        let (attachment, bytes) = state.with_session(|s| s.attachment(request))?;
        state.viewer_copies().write(&attachment, &bytes)
    })
    .await?;
    #[cfg(debug_assertions)]
    if let Some(log) = std::env::var_os("GOVBENCH_E2E_OPENED") {
        return std::fs::write(log, path.display().to_string()).map_err(shell::internal);
    }
    use tauri_plugin_opener::OpenerExt;
    app.opener()
        .open_path(path.display().to_string(), None::<&str>)
        .map_err(shell::internal)
}

/// Asks where to save the report or pack (native dialog), writes it through the write path
/// (which records the export) and opens it with the system's viewer.
#[tauri::command]
async fn export_assessment<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, Shared>,
    request: Request<endpoint::ExportAssessment>,
) -> ApiResult<Response<endpoint::ExportAssessment>> {
    use tauri_plugin_dialog::DialogExt;
    let (extension, filter) = match request.kind {
        govbench_protocol::ExportKind::Report => ("pdf", "PDF"),
        govbench_protocol::ExportKind::Pack => ("zip", "ZIP"),
    };
    let suggested = format!(
        "govbench-{}-{}-{}.{extension}",
        request.kind.key(),
        request.quarter,
        request.lang
    );
    // End-to-end tests cannot drive the native dialog: debug builds save into the folder the
    // test names instead.
    #[cfg(debug_assertions)]
    let chosen = std::env::var_os("GOVBENCH_E2E_SAVE_DIR")
        .map(|dir| std::path::PathBuf::from(dir).join(&suggested));
    #[cfg(not(debug_assertions))]
    let chosen: Option<std::path::PathBuf> = None;
    let path = match chosen {
        Some(path) => Some(path),
        None => {
            let app = app.clone();
            shell::blocking(move || {
                Ok(app
                    .dialog()
                    .file()
                    .add_filter(filter, &[extension])
                    .set_file_name(&suggested)
                    .blocking_save_file()
                    .and_then(|p| p.into_path().ok()))
            })
            .await?
        }
    };
    let Some(path) = path else {
        return Ok(None);
    };
    let state = state.inner().clone();
    let outcome =
        shell::blocking(move || state.export(request, path.display().to_string())).await?;
    #[cfg(debug_assertions)]
    if let Some(log) = std::env::var_os("GOVBENCH_E2E_OPENED") {
        std::fs::write(log, &outcome.path).map_err(shell::internal)?;
        return Ok(Some(outcome));
    }
    use tauri_plugin_opener::OpenerExt;
    // The file is saved and recorded; a machine without a viewer for it is not a failure.
    let _ = app.opener().open_path(outcome.path.clone(), None::<&str>);
    Ok(Some(outcome))
}

#[tauri::command]
async fn pick_workspace_file<R: Runtime>(
    app: AppHandle<R>,
    request: Request<endpoint::PickWorkspaceFile>,
) -> ApiResult<Response<endpoint::PickWorkspaceFile>> {
    use tauri_plugin_dialog::DialogExt;
    // End-to-end tests cannot drive the native GTK dialog through WebDriver; they name the
    // file the dialog would have returned. Debug builds only: a release build has no such
    // variable and no way around the dialog.
    #[cfg(debug_assertions)]
    if let Some(path) = std::env::var_os("GOVBENCH_E2E_PICK") {
        return Ok(Some(std::path::PathBuf::from(path).display().to_string()));
    }
    shell::blocking(move || {
        let dialog = app.dialog().file().add_filter("Govbench", &["govbench"]);
        let picked = if request.save {
            dialog
                .set_file_name("workspace.govbench")
                .blocking_save_file()
        } else {
            dialog.blocking_pick_file()
        };
        Ok(picked
            .and_then(|p| p.into_path().ok())
            .map(|p| p.display().to_string()))
    })
    .await
}

pub fn run() {
    let result = tauri::Builder::default()
        // First: a second launch hands over to the running instance, which comes to the front.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_opener::init())
        .setup(|app| {
            let settings = Settings::from_env(app.path().app_data_dir()?);
            let state = Arc::new(AppState::new(settings));
            // Copies a crashed run left for the viewer go before anything else.
            state.viewer_copies().sweep();
            app.manage(state.clone());
            let locale =
                govbench_i18n::Locale::from_tag(&sys_locale::get_locale().unwrap_or_default());
            alerts::start(app.handle().clone(), state.clone(), locale);
            sharing::start(state);
            Ok(())
        })
        .invoke_handler(invoke_handler())
        .build(tauri::generate_context!())
        .map(|app| {
            app.run(|app, event| {
                if let tauri::RunEvent::Exit = event {
                    if let Some(state) = app.try_state::<Shared>() {
                        state.viewer_copies().sweep();
                    }
                }
            })
        });
    if let Err(e) = result {
        eprintln!("govbench-desktop: {e}");
        std::process::exit(1);
    }
}
