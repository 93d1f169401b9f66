fn main() {
    // Declaring the app's commands makes Tauri's ACL apply to them: a window can call only
    // what a capability in `capabilities/` grants.
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(govbench_commands())),
    )
    .unwrap_or_else(|e| panic!("tauri-build failed: {e}"));
}

fn govbench_commands() -> &'static [&'static str] {
    &[
        "startup_state",
        "login",
        "logout",
        "create_workspace",
        "pick_workspace_file",
        "execute",
        "requirements_list",
        "requirement_get",
        "dashboard",
        "audit_verify",
        "users_list",
    ]
}
