//! "Remember me" against the machine's real keyring (Secret Service on Linux). CI runs this
//! inside a D-Bus session with an unlocked gnome-keyring and sets GOVBENCH_REQUIRE_KEYRING=1,
//! so there a missing keyring fails the test instead of skipping it.

mod common;

use common::{Fixture, PASSPHRASE};
use govbench_core::{DeviceKeyring, KeySlots, Remembered};
use govbench_protocol::Role;

#[test]
fn remembered_secret_reopens_the_workspace_and_forgetting_removes_it() {
    let fx = Fixture::new();
    let session = fx.login(Role::ProjectManager);
    let workspace = session.workspace_id();
    // A service name of this test's own: the user's real entries are never touched.
    let keyring = DeviceKeyring::new(format!("govbench-test-{}", std::process::id()));
    let remembered = Remembered::of(&session).unwrap();
    if let Err(e) = keyring.remember(workspace, &remembered) {
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
    let reopened = govbench_core::open_remembered(
        &fx.path,
        &remembered.slot_id,
        &remembered.secret,
        fx.clock.clone(),
    )
    .unwrap();
    assert_eq!(reopened.user().role, Role::ProjectManager);
    again.forget(workspace).unwrap();
    assert!(again.recall(workspace).unwrap().is_none());
    again.forget(workspace).unwrap();
}

/// The attack on the old format: the entry held `{user, data key}`, and editing `user` to the
/// admin's name opened the workspace as the admin. Now the entry holds the PM's own secret:
/// pointed at the admin's slot it opens nothing, and pointed at their own slot it is the PM.
#[test]
fn an_edited_remember_entry_cannot_open_the_workspace_as_someone_else() {
    let fx = Fixture::new();
    let pm = fx.login(Role::ProjectManager);
    let remembered = Remembered::of(&pm).unwrap();
    drop(pm);
    let slots = KeySlots::load(&fx.path).unwrap();
    let admin_slot = slots.slot_id("admin");
    let refused =
        govbench_core::open_remembered(&fx.path, &admin_slot, &remembered.secret, fx.clock.clone());
    assert_eq!(
        refused.unwrap_err().code,
        govbench_protocol::ErrorCode::WrongCredentials
    );
    // Even with the admin's data key in hand (every member holds it), the PM's secret makes
    // the PM: the session's user is whoever the secret's public key is registered to.
    let session = govbench_core::open_remembered(
        &fx.path,
        &remembered.slot_id,
        &remembered.secret,
        fx.clock.clone(),
    )
    .unwrap();
    assert_eq!(session.user().name, "pm");
    // And the admin's own passphrase still works, of course.
    assert!(govbench_core::login(&fx.path, "admin", PASSPHRASE, fx.clock.clone()).is_ok());
}
