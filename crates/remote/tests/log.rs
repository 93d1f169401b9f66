//! A workspace's log on the real server (`scripts/pg-test.sh`): one order, the same event
//! twice recognised, nothing decided on stale facts, nobody signing for another, and a removed
//! member cut off at once. Skipped without a test server unless `GOVBENCH_REQUIRE_PG` is set.

mod common;

use common::{server, TestServer};

use govbench_remote::{
    add_member, append, append_rotating, create_workspace, init_server, remove_member, KeyRotation,
    Offer, Outcome, ServerAddress,
};
use tokio_postgres::Client;
use uuid::Uuid;

/// A database of its own with the server schema, and a workspace founded by `a`.
struct Workspace {
    address: ServerAddress,
    id: Uuid,
    key_id: Vec<u8>,
    a: Member,
}

#[derive(Clone)]
struct Member {
    id: Uuid,
    role: String,
    password: String,
}

impl Workspace {
    async fn new(s: &TestServer) -> Workspace {
        let admin = ServerAddress::parse(&s.url, Some(&s.ca), false).unwrap();
        let (root, _d) = admin.connect("postgres", &s.password).await.unwrap();
        let database = format!("t_{}", Uuid::now_v7().simple());
        root.batch_execute(&format!("CREATE DATABASE {database}"))
            .await
            .unwrap();
        let url = s.url_of(&database);
        let address = ServerAddress::parse(&url, Some(&s.ca), false).unwrap();
        let (root, _d) = address.connect("postgres", &s.password).await.unwrap();
        init_server(&root).await.unwrap();
        let id = Uuid::now_v7();
        let key_id = vec![1u8; 16];
        let founder = Uuid::now_v7();
        let password = format!("pw-{founder}");
        let role = create_workspace(
            &root,
            id,
            founder,
            &format!("m-{founder}"),
            &password,
            &key_id,
            1,
        )
        .await
        .unwrap();
        // Shared with an empty log: members append from here on.
        let (founding, _d) = address.connect(&role, &password).await.unwrap();
        founding
            .execute("SELECT govbench.finish_import($1)", &[&id])
            .await
            .unwrap();
        Workspace {
            address,
            id,
            key_id,
            a: Member {
                id: founder,
                role,
                password,
            },
        }
    }

    async fn login(&self, m: &Member) -> Client {
        let (client, _driver) = self.address.connect(&m.role, &m.password).await.unwrap();
        client
    }

    async fn add(&self, by: &Client, position: i64) -> Member {
        let id = Uuid::now_v7();
        let password = format!("pw-{id}");
        let role = add_member(
            by,
            self.id,
            id,
            &format!("m-{id}"),
            false,
            &password,
            position,
        )
        .await
        .unwrap();
        Member { id, role, password }
    }

    /// An event of `copy` (its `seq`th, after `prev`) by `signer` changing `record` from
    /// `base_version`, having read `reads` at `base_position`.
    #[allow(clippy::too_many_arguments)]
    fn offer(
        &self,
        signer: &Member,
        copy: Uuid,
        seq: i64,
        prev: [u8; 32],
        hash: u8,
        record: &str,
        base_version: Option<i64>,
        base_position: i64,
        reads: &[&str],
    ) -> Offer {
        Offer {
            workspace: self.id,
            base_position,
            reads: reads.iter().map(|r| (*r).to_owned()).collect(),
            copy_id: copy,
            copy_seq: seq,
            event_hash: [hash; 32],
            prev_hash: prev,
            signer: Some(signer.id),
            signature: vec![7; 64],
            entity_kind: "requirement".into(),
            entity_id: record.into(),
            base_version,
            new_version: base_version.unwrap_or(0) + 1,
            touches: Vec::new(),
            key_id: self.key_id.clone(),
            format: 1,
            nonce: vec![0; 24],
            payload: vec![0xAB; 40],
            adds: None,
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

const ZERO: [u8; 32] = [0; 32];

#[test]
fn appends_are_ordered_checked_and_recognised_again() {
    let Some(s) = server() else { return };
    runtime().block_on(async {
        let ws = Workspace::new(&s).await;
        let a = ws.login(&ws.a).await;
        let (copy_a, copy_b) = (Uuid::now_v7(), Uuid::now_v7());

        let filed = ws.offer(&ws.a, copy_a, 1, ZERO, 1, "r1", None, 0, &[]);
        let Outcome::Accepted {
            position: 1,
            log_hash,
        } = append(&a, &filed).await.unwrap()
        else {
            panic!("not accepted first")
        };
        // The acknowledgement was lost: offered again, it is recognised, not doubled.
        assert_eq!(
            append(&a, &filed).await.unwrap(),
            Outcome::Duplicate {
                position: 1,
                log_hash
            }
        );

        let b_member = ws.add(&a, 2).await;
        let b = ws.login(&b_member).await;
        // b signs an event as a.
        let forged = ws.offer(
            &ws.a,
            copy_b,
            1,
            ZERO,
            2,
            "r1",
            Some(1),
            1,
            &["requirement:r1"],
        );
        assert_eq!(append(&b, &forged).await.unwrap(), Outcome::NotSigner);
        // b changes r1, having read it at position 1.
        let changed = ws.offer(
            &b_member,
            copy_b,
            1,
            ZERO,
            2,
            "r1",
            Some(1),
            1,
            &["requirement:r1"],
        );
        assert!(matches!(
            append(&b, &changed).await.unwrap(),
            Outcome::Accepted { position: 2, .. }
        ));
        // a decides on r1 as it was at position 1: refused, naming b's change.
        let decided = ws.offer(
            &ws.a,
            copy_a,
            2,
            [1; 32],
            3,
            "r1",
            Some(1),
            1,
            &["requirement:r1"],
        );
        let Outcome::Stale {
            position: 2,
            signer,
            at,
        } = append(&a, &decided).await.unwrap()
        else {
            panic!("decision on stale facts accepted")
        };
        assert_eq!(signer, Some(b_member.id));
        assert!(at.is_some());
        // The base version alone is checked too (a read set that forgot the record).
        let forgot = ws.offer(&ws.a, copy_a, 2, [1; 32], 3, "r1", Some(1), 2, &[]);
        assert!(matches!(
            append(&a, &forgot).await.unwrap(),
            Outcome::Stale { .. }
        ));
        // A copy that skips an event, or writes a second one at the same place.
        let gap = ws.offer(&ws.a, copy_a, 3, [9; 32], 3, "r2", None, 2, &[]);
        assert_eq!(append(&a, &gap).await.unwrap(), Outcome::Gap);
        let fork = ws.offer(&ws.a, copy_a, 1, ZERO, 4, "r2", None, 2, &[]);
        assert_eq!(append(&a, &fork).await.unwrap(), Outcome::Fork);
        // Sealed with another key.
        let mut old = ws.offer(&ws.a, copy_a, 2, [1; 32], 5, "r2", None, 2, &[]);
        old.key_id = vec![2; 16];
        assert_eq!(append(&a, &old).await.unwrap(), Outcome::OldKey);
        // Looked at again, on the facts as they are now.
        let fresh = ws.offer(
            &ws.a,
            copy_a,
            2,
            [1; 32],
            3,
            "r1",
            Some(2),
            2,
            &["requirement:r1"],
        );
        assert!(matches!(
            append(&a, &fresh).await.unwrap(),
            Outcome::Accepted { position: 3, .. }
        ));

        // Members read their workspace; nobody writes a table directly.
        let rows: i64 = b
            .query_one("SELECT count(*) FROM govbench.events", &[])
            .await
            .unwrap()
            .get(0);
        assert_eq!(rows, 3);
        assert!(b.execute("DELETE FROM govbench.events", &[]).await.is_err());
        assert!(b
            .execute("UPDATE govbench.workspaces SET head_position = 0", &[])
            .await
            .is_err());
    });
}

#[test]
fn two_decisions_on_the_same_facts_cannot_both_be_accepted() {
    let Some(s) = server() else { return };
    runtime().block_on(async {
        let ws = Workspace::new(&s).await;
        let a = ws.login(&ws.a).await;
        let copy_a = Uuid::now_v7();
        let filed = ws.offer(&ws.a, copy_a, 1, ZERO, 1, "r1", None, 0, &[]);
        assert!(matches!(
            append(&a, &filed).await.unwrap(),
            Outcome::Accepted { .. }
        ));
        let b_member = ws.add(&a, 2).await;
        let (mut accepted, mut stale) = (0, 0);
        for round in 0..20u8 {
            // Both read r1 and r2 at the same position; each changes the other record.
            let head: i64 = a
                .query_one("SELECT head_position FROM govbench.workspaces", &[])
                .await
                .unwrap()
                .get(0);
            let reads = ["requirement:x", "requirement:y"];
            let (x, y) = (format!("x{round}"), format!("y{round}"));
            let copy1 = Uuid::now_v7();
            let copy2 = Uuid::now_v7();
            let one = ws.offer(
                &ws.a,
                copy1,
                1,
                ZERO,
                10 + 2 * round,
                &x,
                None,
                head,
                &reads,
            );
            let mut two = ws.offer(
                &b_member,
                copy2,
                1,
                ZERO,
                11 + 2 * round,
                &y,
                None,
                head,
                &reads,
            );
            // Each touches the scope the other read.
            let mut one = one;
            one.touches = vec!["requirement:y".into()];
            two.touches = vec!["requirement:x".into()];
            let b = ws.login(&b_member).await;
            let (r1, r2) = tokio::join!(append(&a, &one), append(&b, &two));
            for r in [r1.unwrap(), r2.unwrap()] {
                match r {
                    Outcome::Accepted { .. } => accepted += 1,
                    Outcome::Stale { .. } => stale += 1,
                    other => panic!("{other:?}"),
                }
            }
        }
        assert_eq!((accepted, stale), (20, 20));
        // Positions are one run with no holes.
        let (count, max): (i64, i64) = {
            let row = a
                .query_one("SELECT count(*), max(position) FROM govbench.events", &[])
                .await
                .unwrap();
            (row.get(0), row.get(1))
        };
        assert_eq!(count, max);
    });
}

#[test]
fn a_removed_member_is_cut_off_at_once() {
    let Some(s) = server() else { return };
    runtime().block_on(async {
        let ws = Workspace::new(&s).await;
        let a = ws.login(&ws.a).await;
        let copy_a = Uuid::now_v7();
        let filed = ws.offer(&ws.a, copy_a, 1, ZERO, 1, "r1", None, 0, &[]);
        assert!(matches!(
            append(&a, &filed).await.unwrap(),
            Outcome::Accepted { .. }
        ));
        let b_member = ws.add(&a, 2).await;
        let b = ws.login(&b_member).await;
        let seen: i64 = b
            .query_one("SELECT count(*) FROM govbench.events", &[])
            .await
            .unwrap()
            .get(0);
        assert_eq!(seen, 1);
        // A member who is not an Admin removes nobody.
        assert!(remove_member(&b, ws.id, ws.a.id, 3).await.is_err());

        remove_member(&a, ws.id, b_member.id, 3).await.unwrap();
        // Their open session ends, and they cannot log in again.
        assert!(b.query_one("SELECT 1", &[]).await.is_err());
        assert!(ws
            .address
            .connect(&b_member.role, &b_member.password)
            .await
            .is_err());
    });
}

#[test]
fn only_an_admin_adds_a_login_and_only_with_the_event_that_creates_the_member() {
    let Some(s) = server() else { return };
    runtime().block_on(async {
        let ws = Workspace::new(&s).await;
        let a = ws.login(&ws.a).await;
        let b_member = ws.add(&a, 0).await;
        let b = ws.login(&b_member).await;
        let newcomer = Uuid::now_v7();
        let login = |id: Uuid| {
            Some((
                id,
                govbench_remote::login_role(ws.id, &format!("m-{id}")),
                true,
                govbench_remote::verifier("newcomer-pw"),
            ))
        };
        let creating = |signer: &Member, copy: Uuid| {
            let mut offer = ws.offer(signer, copy, 1, ZERO, 9, "x", None, 0, &[]);
            offer.entity_kind = "user".into();
            offer.entity_id = newcomer.to_string();
            offer.adds = login(newcomer);
            offer
        };
        // A member who is no Admin: refused, and nothing of it placed.
        let refused = append(&b, &creating(&b_member, Uuid::now_v7())).await;
        assert!(refused.is_err(), "{refused:?}");
        // An Admin, but the login is for someone other than the member the event creates.
        let mut other = creating(&ws.a, Uuid::now_v7());
        other.adds = login(Uuid::now_v7());
        assert!(append(&a, &other).await.is_err());
        let head: i64 = a
            .query_one("SELECT head_position FROM govbench.workspaces", &[])
            .await
            .unwrap()
            .get(0);
        assert_eq!(head, 0, "nothing placed");
        // The Admin, with the event that creates them: placed, and the newcomer logs in.
        assert!(matches!(
            append(&a, &creating(&ws.a, Uuid::now_v7())).await.unwrap(),
            Outcome::Accepted { position: 1, .. }
        ));
        let role = govbench_remote::login_role(ws.id, &format!("m-{newcomer}"));
        let (newcomer, _d) = ws.address.connect(&role, "newcomer-pw").await.unwrap();
        let rows: i64 = newcomer
            .query_one("SELECT count(*) FROM govbench.events", &[])
            .await
            .unwrap()
            .get(0);
        assert_eq!(rows, 1);
    });
}

#[test]
fn a_key_is_rotated_only_by_an_admin_with_their_member_event_and_old_keys_are_refused_after() {
    let Some(s) = server() else { return };
    runtime().block_on(async {
        let ws = Workspace::new(&s).await;
        let a = ws.login(&ws.a).await;
        let b_member = ws.add(&a, 0).await;
        let b = ws.login(&b_member).await;
        let copy_a = Uuid::now_v7();
        let rotation = |removes: Option<Uuid>, new_key: u8| KeyRotation {
            removes,
            new_key_id: vec![new_key; 16],
            nonce: vec![0; 24],
            sealed_key: vec![0xCD; 48],
            slot_ids: vec![format!("slot-{}", ws.a.id)],
            slot_bodies: vec![b"{}".to_vec()],
        };
        // The event that asks for it: the Admin's own, about the member removed.
        let mut removal = ws.offer(&ws.a, copy_a, 1, ZERO, 1, "x", None, 0, &[]);
        removal.entity_kind = "user".into();
        removal.entity_id = b_member.id.to_string();

        // A member who is not an Admin rotates nothing, even with an event of their own.
        let copy_b = Uuid::now_v7();
        let mut theirs = ws.offer(&b_member, copy_b, 1, ZERO, 9, "y", None, 0, &[]);
        theirs.entity_kind = "user".into();
        theirs.entity_id = ws.a.id.to_string();
        assert!(append_rotating(&b, &theirs, &rotation(Some(ws.a.id), 2))
            .await
            .is_err());
        // Refused as a whole: their event was not placed either.
        let placed = "SELECT count(*) FROM govbench.events";
        let count: i64 = a.query_one(placed, &[]).await.unwrap().get(0);
        assert_eq!(count, 0);

        // The Admin's rotation names a member other than the one their event is about.
        assert!(append_rotating(&a, &removal, &rotation(Some(ws.a.id), 2))
            .await
            .is_err());
        let count: i64 = a.query_one(placed, &[]).await.unwrap().get(0);
        assert_eq!(count, 0);

        // Rotating alone, without the event that asks for it, is refused.
        assert!(a
            .execute(
                "SELECT govbench.rotate_key($1, NULL, $2, $3, $4, $5, $6, $7)",
                &[
                    &ws.id,
                    &ws.key_id,
                    &vec![2u8; 16],
                    &vec![0u8; 24],
                    &vec![0u8; 48],
                    &vec![format!("slot-{}", ws.a.id)],
                    &vec![b"{}".to_vec()],
                ],
            )
            .await
            .is_err());

        // The removal and its key, together.
        assert!(matches!(
            append_rotating(&a, &removal, &rotation(Some(b_member.id), 2))
                .await
                .unwrap(),
            Outcome::Accepted { .. }
        ));
        assert!(b.query_one("SELECT 1", &[]).await.is_err(), "cut off");
        let history: i64 = a
            .query_one("SELECT count(*) FROM govbench.key_history", &[])
            .await
            .unwrap()
            .get(0);
        assert_eq!(history, 1);
        let slots: Vec<String> = a
            .query("SELECT slot_id FROM govbench.key_slots", &[])
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert_eq!(slots, vec![format!("slot-{}", ws.a.id)]);

        // From now on an event sealed with the old key is refused; with the new one, placed.
        let next = ws.offer(&ws.a, copy_a, 2, [1; 32], 2, "r1", None, 1, &[]);
        assert_eq!(append(&a, &next).await.unwrap(), Outcome::OldKey);
        let mut sealed_new = next.clone();
        sealed_new.key_id = vec![2; 16];
        assert!(matches!(
            append(&a, &sealed_new).await.unwrap(),
            Outcome::Accepted { .. }
        ));

        // A key is never used again: rotating back to the retired one is refused.
        let mut again = ws.offer(&ws.a, copy_a, 3, [2; 32], 3, "x", None, 2, &[]);
        again.entity_kind = "workspace".into();
        again.key_id = vec![2; 16];
        assert!(append_rotating(&a, &again, &rotation(None, 1))
            .await
            .is_err());
        // The same removal offered again (a lost answer) is recognised, not rotated twice.
        assert!(matches!(
            append_rotating(&a, &removal, &rotation(Some(b_member.id), 3))
                .await
                .unwrap(),
            Outcome::Duplicate { .. }
        ));
        let key: Vec<u8> = a
            .query_one("SELECT key_id FROM govbench.workspaces", &[])
            .await
            .unwrap()
            .get(0);
        assert_eq!(key, vec![2; 16]);
    });
}
