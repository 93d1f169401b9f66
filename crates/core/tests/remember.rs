//! "Remember me" against the machine's real keyring (Secret Service on Linux). CI runs this
//! inside a D-Bus session with an unlocked gnome-keyring and sets GOVBENCH_REQUIRE_KEYRING=1,
//! so there a missing keyring fails the test instead of skipping it.

mod common;

use common::Fixture;
use govbench_core::DeviceKeyring;
use govbench_protocol::Role;

#[test]
fn remembered_key_reopens_the_workspace_and_forgetting_removes_it() {
    let fx = Fixture::new();
    let session = fx.login(Role::ProjectManager);
    let workspace = session.workspace_id();
    // A service name of this test's own: the user's real entries are never touched.
    let keyring = DeviceKeyring::new(format!("govbench-test-{}", std::process::id()));
    if let Err(e) = keyring.remember(workspace, "pm", session.data_key()) {
        if std::env::var_os("GOVBENCH_REQUIRE_KEYRING").is_some() {
            panic!("no usable keyring: {e}");
        }
        eprintln!("skipped: no usable keyring here ({e})");
        return;
    }
    drop(session);
    // A new keyring object, as a new process would have.
    let again = DeviceKeyring::new(format!("govbench-test-{}", std::process::id()));
    let remembered = again.recall(workspace).unwrap().expect("entry stored");
    assert_eq!(remembered.user_name, "pm");
    let reopened = govbench_core::open_with_key(
        &fx.path,
        remembered.key,
        &remembered.user_name,
        fx.clock.clone(),
    )
    .unwrap();
    assert_eq!(reopened.user().role, Role::ProjectManager);
    again.forget(workspace).unwrap();
    assert!(again.recall(workspace).unwrap().is_none());
    again.forget(workspace).unwrap();
}
