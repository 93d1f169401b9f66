//! A workspace written before signed events (schema 2, key file format 1: the data key
//! wrapped directly under each passphrase, no member keys, no signatures) keeps working:
//! each member is enrolled at their first login, their later events are signed, the old
//! events verify by hash, and key rotation waits until everyone has enrolled.

mod common;

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use common::{file, Fixture, PASSPHRASE};
use govbench_core::audit::GENESIS;
use govbench_core::KeySlots;
use govbench_protocol::{ErrorCode, Role, UserCommand};
use rusqlite::params;
use sha2::{Digest, Sha256};

/// Turns a fresh workspace into what the previous release wrote.
fn make_legacy(fx: &Fixture) {
    let key = KeySlots::load(&fx.path)
        .unwrap()
        .unlock("admin", PASSPHRASE)
        .unwrap()
        .keys
        .remove(0);
    let conn = govbench_core::store::open_raw(&fx.path, &key).unwrap();
    // No member keys, no signatures, and the images of user events without keys; the chain
    // rehashed as the old release would have written it.
    conn.execute_batch("UPDATE users SET sign_key = NULL, seal_key = NULL;")
        .unwrap();
    let copy: String = conn
        .query_row("SELECT value FROM meta WHERE key = 'copy_id'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let events = common::events(&conn, &copy);
    let strip = |image: Option<String>| {
        image.map(|i| {
            let mut v: serde_json::Value = serde_json::from_str(&i).unwrap();
            if let Some(map) = v.as_object_mut() {
                map.remove("keys");
            }
            v.to_string()
        })
    };
    let mut prev = GENESIS.to_owned();
    for mut e in events {
        e.before = strip(e.before);
        e.after = strip(e.after);
        e.prev_hash = prev.clone();
        let hash = e.hash();
        conn.execute(
            "UPDATE audit_events SET before = ?3, after = ?4, prev_hash = ?5, hash = ?6,
                 signature = NULL WHERE copy_id = ?1 AND seq = ?2",
            params![copy, e.seq as i64, e.before, e.after, e.prev_hash, hash],
        )
        .unwrap();
        conn.execute(
            "UPDATE meta SET value = ?2 WHERE key = ?1",
            params![format!("audit_head:{copy}"), format!("{}:{hash}", e.seq)],
        )
        .unwrap();
        prev = hash;
    }
    drop(conn);

    // Key file format 1: per member, the data key itself under Argon2id(passphrase).
    let salt_hex = "00112233445566778899aabbccddeeff";
    let slot = |name: &str| {
        let mut h = Sha256::new();
        h.update(salt_hex.as_bytes());
        h.update([0]);
        h.update(name.as_bytes());
        let id = hex::encode(h.finalize());
        let salt = [7u8; 16];
        let mut kek = [0u8; 32];
        Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(1024, 1, 1, Some(32)).unwrap(),
        )
        .hash_password_into(PASSPHRASE.as_bytes(), &salt, &mut kek)
        .unwrap();
        let nonce = [9u8; 24];
        let raw_key = hex::decode(key.to_hex().as_str()).unwrap();
        let wrapped = XChaCha20Poly1305::new_from_slice(&kek)
            .unwrap()
            .encrypt(XNonce::from_slice(&nonce), raw_key.as_ref())
            .unwrap();
        serde_json::json!({
            "id": id,
            "kdf": {"memory_kib": 1024, "iterations": 1, "parallelism": 1},
            "salt": hex::encode(salt),
            "nonce": hex::encode(nonce),
            "wrapped": hex::encode(wrapped),
        })
    };
    let names = ["admin", "pm", "rnd", "ops", "biz", "auditor"];
    let file = serde_json::json!({
        "format": "govbench-keys/1",
        "name_salt": salt_hex,
        "slots": names.iter().map(|n| slot(n)).collect::<Vec<_>>(),
    });
    std::fs::write(
        KeySlots::path_for(&fx.path),
        serde_json::to_vec_pretty(&file).unwrap(),
    )
    .unwrap();
}

#[test]
fn members_from_before_signing_are_enrolled_at_their_first_login() {
    let fx = Fixture::new();
    file(&mut fx.login(Role::Business), "升级之前 before the upgrade");
    make_legacy(&fx);

    // The auditor reads it as it is: every old event checked by hash, none signed.
    let report = fx.login(Role::Auditor).verify_audit().unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert!(report.unsigned_events > 0);

    // Logging in enrolls: a key of their own, registered by an event they sign themselves.
    let mut biz = fx.login(Role::Business);
    assert!(biz.secret().is_some());
    file(&mut biz, "升级之后 after the upgrade");
    let report = fx.login(Role::Auditor).verify_audit().unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert!(report.signatures_verified >= 3, "{report:?}");
    assert!(KeySlots::load(&fx.path).unwrap().is_legacy("pm"));
    assert!(!KeySlots::load(&fx.path).unwrap().is_legacy("biz"));

    // Rotation waits for everyone: pm and others have not logged in since.
    let err = fx
        .login(Role::Admin)
        .execute(UserCommand::RotateKey)
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    assert_eq!(
        err.details.get("members").map(String::as_str),
        Some("rule.members_not_enrolled")
    );
    for role in [Role::ProjectManager, Role::RnD, Role::Operations] {
        fx.login(role);
    }
    fx.login(Role::Admin)
        .execute(UserCommand::RotateKey)
        .unwrap();
    for role in Role::ALL {
        fx.login(role);
    }
    let report = fx.login(Role::Auditor).verify_audit().unwrap();
    assert!(report.is_intact(), "{report:?}");
}
