//! The private PostgreSQL cluster `scripts/pg-test.sh` starts, as the test command exports
//! it. Without it (no `GOVBENCH_TEST_PG_URL`) a test says so and passes, unless
//! `GOVBENCH_REQUIRE_PG` is set, as the test command sets it.
#![allow(dead_code)]

use govbench_remote::{init_server, ServerAddress};
use std::collections::BTreeMap;
use std::path::PathBuf;

pub struct TestServer {
    pub url: String,
    pub ca: PathBuf,
    pub password: String,
    /// The cluster's folder (`pg-test.sh restart DIR`).
    pub dir: PathBuf,
}

impl TestServer {
    /// The address of database `name` on the cluster.
    pub fn url_of(&self, name: &str) -> String {
        let base = self
            .url
            .rsplit_once('/')
            .map_or(self.url.as_str(), |(b, _)| b);
        format!("{base}/{name}")
    }
}

pub fn server() -> Option<TestServer> {
    let var = |name: &str| std::env::var(name).ok();
    match (
        var("GOVBENCH_TEST_PG_URL"),
        var("GOVBENCH_TEST_PG_CA"),
        var("GOVBENCH_TEST_PG_PASSWORD"),
        var("GOVBENCH_TEST_PG_DIR"),
    ) {
        (Some(url), Some(ca), Some(password), Some(dir)) => Some(TestServer {
            url,
            ca: ca.into(),
            password,
            dir: dir.into(),
        }),
        _ => {
            assert!(
                var("GOVBENCH_REQUIRE_PG").is_none(),
                "GOVBENCH_REQUIRE_PG is set but no test server is (scripts/pg-test.sh start DIR)"
            );
            eprintln!("no test PostgreSQL server: skipped");
            None
        }
    }
}

/// A database of its own with the server schema; its address and a superuser connection.
pub fn database(
    s: &TestServer,
) -> (
    ServerAddress,
    tokio::runtime::Runtime,
    tokio_postgres::Client,
) {
    let (_, address, runtime, client) = database_named(s);
    (address, runtime, client)
}

/// [`database`], and its name.
pub fn database_named(
    s: &TestServer,
) -> (
    String,
    ServerAddress,
    tokio::runtime::Runtime,
    tokio_postgres::Client,
) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let name = format!("t_{}", uuid::Uuid::now_v7().simple());
    let address = runtime.block_on(async {
        let root = ServerAddress::parse(&s.url, Some(&s.ca), false).unwrap();
        let (client, _d) = root.connect("postgres", &s.password).await.unwrap();
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        ServerAddress::parse(&s.url_of(&name), Some(&s.ca), false).unwrap()
    });
    // Roles belong to the whole cluster, and the installer's lock is one database's: tests
    // running at once install one at a time.
    static INSTALLING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let one_at_a_time = INSTALLING.lock().unwrap_or_else(|e| e.into_inner());
    let client = runtime.block_on(async {
        let (client, _d) = address.connect("postgres", &s.password).await.unwrap();
        init_server(&client).await.unwrap();
        client
    });
    drop(one_at_a_time);
    (name, address, runtime, client)
}

/// Every table of people's work, row by row, without each copy's own row keys (nor its own
/// tables: settings, where the server placed its events, its member's conflicts).
pub fn tables(conn: &rusqlite::Connection) -> BTreeMap<String, Vec<String>> {
    let names: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table'
               AND name NOT IN ('meta', 'audit_positions', 'conflicts')
               AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'requirement_search%'",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    names
        .into_iter()
        .map(|name| {
            let mut stmt = conn.prepare(&format!("SELECT * FROM {name}")).unwrap();
            let columns: Vec<String> = stmt.column_names().map(str::to_owned).collect();
            let mut rows: Vec<String> = stmt
                .query_map([], |r| {
                    let mut row = Vec::new();
                    for (i, c) in columns.iter().enumerate() {
                        if c != "local_key" {
                            row.push(format!("{c}={:?}", r.get_ref(i)?));
                        }
                    }
                    Ok(row.join(" "))
                })
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            rows.sort();
            (name, rows)
        })
        .collect()
}
