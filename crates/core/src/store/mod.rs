//! The encrypted SQLite file: opening it with the data key, refusing what must not be opened,
//! and bringing its schema up to date.

pub mod keyset;
mod migrations;
mod network;
pub mod rows;

pub use migrations::{migrate, Part, Step};
pub use network::is_network_path;

use crate::error::{CoreError, CoreResult};
use crate::keyslots::DataKey;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;

/// `PRAGMA application_id` of every Govbench workspace ("GVBC").
pub const APPLICATION_ID: i64 = 0x4756_4243;

/// What opening a workspace file needs from the layers above the store: the schema's steps,
/// and what to do once before they upgrade an existing file (the session keeps a copy of it
/// as it was).
pub struct Schema {
    pub steps: &'static [Step],
    pub before_upgrade: fn(&Connection, &Path, &DataKey, i64) -> CoreResult<()>,
}

impl Schema {
    /// The version this build writes.
    pub const fn version(&self) -> i64 {
        migrations::version(self.steps)
    }
}

/// Opens an existing workspace file with `key`, checks that it is a Govbench workspace this
/// version understands, and migrates it. Nothing is written to the file until the key, the
/// application id and the schema version have all been checked, so a foreign, corrupt or
/// too-new file is left byte-for-byte as it was.
pub fn open(path: &Path, key: &DataKey, schema: &Schema) -> CoreResult<Connection> {
    if !path.exists() {
        return Err(CoreError::WorkspaceNotFound(path.to_owned()));
    }
    if is_network_path(path) {
        return Err(CoreError::NetworkPath(path.to_owned()));
    }
    let unreadable = |reason: String| CoreError::WorkspaceUnreadable {
        path: path.to_owned(),
        reason,
    };
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI,
    )
    .map_err(|e| unreadable(e.to_string()))?;
    apply_key(&conn, key).map_err(|e| unreadable(e.to_string()))?;
    let (app_id, version) = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))
        .and_then(|()| {
            let app_id: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
            let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            Ok((app_id, version))
        })
        .map_err(|e| unreadable(e.to_string()))?;
    if app_id != APPLICATION_ID {
        return Err(unreadable(format!("application id {app_id:#x}")));
    }
    if version > schema.version() {
        return Err(CoreError::WorkspaceTooNew {
            found: version,
            supported: schema.version(),
        });
    }
    configure(&conn)?;
    if version > 0 && version < schema.version() {
        (schema.before_upgrade)(&conn, path, key, version)?;
    }
    migrate(&mut conn, schema.steps).map_err(|e| match e {
        CoreError::Database(e) => unreadable(e.to_string()),
        other => other,
    })?;
    Ok(conn)
}

/// Creates a new, empty, encrypted workspace file. Refuses to touch an existing file.
pub fn create(path: &Path, key: &DataKey, schema: &Schema) -> CoreResult<Connection> {
    if path.exists() {
        return Err(CoreError::WorkspaceExists(path.to_owned()));
    }
    if is_network_path(path) {
        return Err(CoreError::NetworkPath(path.to_owned()));
    }
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    apply_key(&conn, key)?;
    conn.execute_batch(&format!(
        "PRAGMA application_id = {APPLICATION_ID}; PRAGMA journal_mode = WAL;"
    ))?;
    configure(&conn)?;
    migrate(&mut conn, schema.steps)?;
    Ok(conn)
}

/// Keys a fresh connection (a backup's destination) the way every workspace is keyed.
pub(crate) fn key_connection(conn: &Connection, key: &DataKey) -> CoreResult<()> {
    Ok(apply_key(conn, key)?)
}

/// How often a failed `PRAGMA key` is tried again (see [`apply_key`]).
const KEYING_ATTEMPTS: u64 = 5;

fn apply_key(conn: &Connection, key: &DataKey) -> rusqlite::Result<()> {
    // SQLCipher activates its crypto provider on the first keyed connection of the process;
    // two threads keying their first connections at the same moment were seen to fail with
    // "An error occurred with PRAGMA key" (tests creating workspaces in parallel). The first
    // activation is done once, alone, on a throw-away in-memory connection.
    static ACTIVATED: std::sync::Once = std::sync::Once::new();
    ACTIVATED.call_once(|| {
        if let Ok(warm) = Connection::open_in_memory() {
            let _ = warm.execute_batch("PRAGMA cipher_log_level = NONE; PRAGMA key = 'warm-up';");
            let _ = warm.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()));
        }
    });
    // The warm-up alone did not always suffice: under load (many test threads creating
    // workspaces at once) keying still failed now and then. Keying is cheap (a raw key, no
    // KDF), so connections are keyed one at a time.
    static KEYING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one_at_a_time = KEYING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    // Without this SQLCipher logs "hmac check failed" to stderr on a wrong key.
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
    let hex_key = key.to_hex();
    // The key is validated hex produced by DataKey, so it cannot break out of the literal.
    let pragma = format!("PRAGMA key = \"x'{}'\";", hex_key.as_str());
    // Even one at a time, SQLCipher's keying still failed very rarely under heavy load (its
    // codec set-up, not the key: a wrong key only shows at the first read). The failure is
    // transient, so the pragma is tried again a few times before it is reported.
    let mut attempt = 0;
    loop {
        match conn.execute_batch(&pragma) {
            Ok(()) => break,
            Err(_) if attempt < KEYING_ATTEMPTS => {
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(20 * attempt));
            }
            Err(e) => return Err(e),
        }
    }
    conn.execute_batch("PRAGMA cipher_hmac_algorithm = HMAC_SHA256;")
}

/// Re-encrypts every page under `key`, in one transaction (pages go through the WAL, so a
/// crash leaves the file under the old key or the new one, never a mix).
pub(crate) fn rekey(conn: &Connection, key: &DataKey) -> CoreResult<()> {
    let hex_key = key.to_hex();
    conn.execute_batch(&format!("PRAGMA rekey = \"x'{}'\";", hex_key.as_str()))?;
    // Fold the re-encrypted pages into the main file and empty the WAL.
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    Ok(())
}

/// Prepared statements a connection keeps for reuse (`prepare_cached`).
const STATEMENTS_KEPT: usize = 256;

/// Settings of every writing connection (public so benchmarks can give a plain SQLite file
/// exactly the same). `synchronous = FULL` makes each commit sync the WAL
/// before it returns, so an acknowledged user action survives a power loss, not only a crash
/// of the process (with `NORMAL`, the last commits before a power loss may be lost). The page
/// cache is sized for list pages and the search index of 100,000 records.
pub fn configure(conn: &Connection) -> CoreResult<()> {
    conn.execute_batch(
        "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;
         PRAGMA cache_size = -32768;",
    )?;
    // rusqlite keeps 16 prepared statements by default, fewer than one exchange with a
    // server uses (taking in, recording positions, the write, offering): each came back
    // compiled again, an eighth of a shared desk's time with eight desks writing at once.
    conn.set_prepared_statement_cache_capacity(STATEMENTS_KEPT);
    stable_plans(conn)
}

/// Settings for filling a new file that is thrown away whole if anything goes wrong (a copy
/// being joined): the rollback journal kept in memory, and nothing flushed at commit. Each
/// commit still writes its pages once, but no longer to the WAL first, then again at
/// checkpoint, each time encrypted, nor waits for the disk. [`made_durable`] ends it. The
/// page cache is larger too (256 MiB, for this connection only): a million events' indexes
/// no longer fit in a workspace's usual 32 MiB, and every page read again is decrypted again.
pub(crate) fn fill_quickly(conn: &Connection) -> CoreResult<()> {
    conn.execute_batch(
        "PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;",
    )?;
    Ok(())
}

/// Back to the settings of every workspace (see [`configure`]) once a file filled quickly is
/// whole; the caller flushes the file before it is used.
pub(crate) fn made_durable(conn: &Connection) -> CoreResult<()> {
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")?;
    Ok(())
}

/// Query plans that do not depend on the values bound. Without this, a statement whose plan
/// could depend on a parameter's value (the bundled SQLite is built with STAT4) is compiled
/// again every time it comes back from the statement cache: receiving spent an eighth of its
/// time re-preparing the same few lookups. Govbench never runs ANALYZE, so no plan is lost.
fn stable_plans(conn: &Connection) -> CoreResult<()> {
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    Ok(())
}

/// A second, read-only connection to an already opened workspace (for work spread over
/// threads, such as audit verification).
pub fn open_reader(path: &Path, key: &DataKey) -> CoreResult<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    apply_key(&conn, key)?;
    stable_plans(&conn)?;
    Ok(conn)
}

/// Opens a file with a raw key and no checks. For tests and tools that inspect or tamper with
/// a workspace directly; the application never uses it.
pub fn open_raw(path: &Path, key: &DataKey) -> CoreResult<Connection> {
    let conn = Connection::open(path)?;
    apply_key(&conn, key)?;
    Ok(conn)
}

/// Schema 1: the file's own key–value facts (the workspace record, audit heads).
pub(crate) const META_V1: Part = Part::sql(
    r#"    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;

"#,
);
