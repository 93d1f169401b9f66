//! The private PostgreSQL cluster `scripts/pg-test.sh` starts, as the test command exports
//! it. Without it (no `GOVBENCH_TEST_PG_URL`) a test says so and passes, unless
//! `GOVBENCH_REQUIRE_PG` is set, as the test command sets it.
#![allow(dead_code)]

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
