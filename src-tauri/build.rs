fn main() {
    // Declaring the app's commands makes Tauri's ACL apply to them: a window can call only
    // what a capability in `capabilities/` grants. The names are the protocol's endpoint list,
    // the same one the UI calls and the handlers implement.
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(
        tauri_build::AppManifest::new().commands(govbench_protocol::endpoint::NAMES),
    ))
    .unwrap_or_else(|e| panic!("tauri-build failed: {e}"));
}
