//! Against the real PostgreSQL server `scripts/pg-test.sh` starts (loopback, TLS with a CA it
//! made): verified TLS or nothing, and the server schema installed twice without change.
//! Without the server (no `GOVBENCH_TEST_PG_URL`) these tests say so and pass, unless
//! `GOVBENCH_REQUIRE_PG` is set, as the test command sets it.

mod common;

use common::server;

use govbench_remote::{init_server, Protection, RemoteError, ServerAddress};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn the_connection_is_verified_tls_and_a_wrong_ca_or_name_is_refused() {
    let Some(s) = server() else { return };
    runtime().block_on(async {
        let address = ServerAddress::parse(&s.url, Some(&s.ca), false).unwrap();
        assert_eq!(address.protection(), Protection::Verified);
        let (client, _driver) = address.connect("postgres", &s.password).await.unwrap();
        let ssl: bool = client
            .query_one(
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                &[],
            )
            .await
            .unwrap()
            .get(0);
        assert!(ssl);

        // A certificate that is not the CA's: the server cannot be verified.
        let wrong_ca =
            ServerAddress::parse(&s.url, Some(&s.dir.join("tls/server.crt")), false).unwrap();
        let refused = wrong_ca.connect("postgres", &s.password).await;
        let reason = refused.err().map(|e| format!("{e:?}")).unwrap_or_default();
        assert!(
            reason.contains("InvalidCertificate"),
            "accepted, or {reason}"
        );

        // The right server under another name: the certificate does not name it.
        let port = std::env::var("GOVBENCH_TEST_PG_PORT").unwrap();
        let misnamed = ServerAddress::parse(
            &format!("host=server.example.invalid hostaddr=127.0.0.1 port={port} dbname=postgres"),
            Some(&s.ca),
            false,
        )
        .unwrap();
        let refused = misnamed.connect("postgres", &s.password).await;
        let reason = refused.err().map(|e| format!("{e:?}")).unwrap_or_default();
        assert!(reason.contains("NotValidForName"), "accepted, or {reason}");

        // In clear, even on loopback, the server refuses (its rules want TLS).
        let plain =
            ServerAddress::parse(&format!("{}?sslmode=disable", s.url), None, false).unwrap();
        assert_eq!(plain.protection(), Protection::PlaintextLoopback);
        assert!(plain.connect("postgres", &s.password).await.is_err());

        // A remote server in clear is refused before anything is sent.
        assert!(matches!(
            ServerAddress::parse("host=db.example.invalid sslmode=disable", None, false),
            Err(RemoteError::PlaintextRefused(_))
        ));
    });
}

#[test]
fn the_server_schema_installs_once_and_again_without_change() {
    let Some(s) = server() else { return };
    runtime().block_on(async {
        let admin = ServerAddress::parse(&s.url, Some(&s.ca), false).unwrap();
        let (client, _driver) = admin.connect("postgres", &s.password).await.unwrap();
        let database = format!("t_{}", uuid::Uuid::now_v7().simple());
        client
            .batch_execute(&format!("CREATE DATABASE {database}"))
            .await
            .unwrap();
        let url = s.url_of(&database);
        let address = ServerAddress::parse(&url, Some(&s.ca), false).unwrap();
        let (client, _driver) = address.connect("postgres", &s.password).await.unwrap();
        init_server(&client).await.unwrap();
        let tables = "SELECT count(*) FROM pg_tables WHERE schemaname = 'govbench'";
        let before: i64 = client.query_one(tables, &[]).await.unwrap().get(0);
        init_server(&client).await.unwrap();
        let after: i64 = client.query_one(tables, &[]).await.unwrap().get(0);
        assert_eq!(before, after);
        assert_eq!(before, 9);
        let version = "SELECT max(version) FROM govbench.schema_version";
        let installed: i32 = client.query_one(version, &[]).await.unwrap().get(0);
        assert_eq!(installed, 3);

        // A server an older version installed (step 1 only) gets the steps it lacks.
        let older = format!("t_{}", uuid::Uuid::now_v7().simple());
        client
            .batch_execute(&format!("CREATE DATABASE {older}"))
            .await
            .unwrap();
        let address = ServerAddress::parse(&s.url_of(&older), Some(&s.ca), false).unwrap();
        let (client, _driver) = address.connect("postgres", &s.password).await.unwrap();
        client
            .batch_execute(govbench_remote::SERVER_SCHEMA[0])
            .await
            .unwrap();
        let old: i32 = client.query_one(version, &[]).await.unwrap().get(0);
        assert_eq!(old, 1);
        init_server(&client).await.unwrap();
        let upgraded: i32 = client.query_one(version, &[]).await.unwrap().get(0);
        assert_eq!(upgraded, 3);
        let tables: i64 = client.query_one(tables, &[]).await.unwrap().get(0);
        assert_eq!(tables, 9);
    });
}
