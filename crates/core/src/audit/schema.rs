//! The audit log's table, as each schema version made or changed them. A shipped part is never edited: a
//! change is a new part in a new step of `crate::schema`.

use crate::store::Part;

/// 1: the chain of events, one per workspace copy.
pub(crate) const V1: Part = Part::sql(
    r#"    -- One chain per workspace copy; an event is also the unit of replication.
    CREATE TABLE audit_events (
        copy_id     TEXT NOT NULL,
        seq         INTEGER NOT NULL,
        id          TEXT NOT NULL UNIQUE,
        at          TEXT NOT NULL,
        actor_id    TEXT,
        actor_name  TEXT NOT NULL,
        action      TEXT NOT NULL,
        entity_type TEXT NOT NULL,
        entity_id   TEXT NOT NULL,
        before      TEXT,
        after       TEXT,
        prev_hash   TEXT NOT NULL,
        hash        TEXT NOT NULL,
        PRIMARY KEY (copy_id, seq)
    ) WITHOUT ROWID;
    CREATE INDEX audit_by_entity ON audit_events(entity_type, entity_id);
    "#,
);

/// 3: each event's signature (NULL for events from before signing).
pub(crate) const V3: Part = Part::sql(
    r#"    ALTER TABLE audit_events ADD COLUMN signature TEXT;
    "#,
);

/// 6: the log read by time (a quarter's slice and facts). A record's history is read by
/// entity and time: that index replaces the entity-only one (an index on kind and time would
/// tempt the planner to walk a whole kind in time order for one record's history).
pub(crate) const V6: Part = Part::sql(
    r#"    CREATE INDEX audit_by_time ON audit_events(at);
    CREATE INDEX audit_by_entity_time ON audit_events(entity_type, entity_id, at);
    DROP INDEX audit_by_entity;
    "#,
);

/// 7: where a shared workspace's server placed each event: its one order over every copy's
/// chain, and the hash over the server's log up to it (which every copy recomputes). Empty
/// for a workspace that is not shared.
pub(crate) const V7: Part = Part::sql(
    r#"    CREATE TABLE audit_positions (
        position INTEGER PRIMARY KEY,
        copy_id  TEXT NOT NULL,
        seq      INTEGER NOT NULL,
        log_hash TEXT NOT NULL,
        UNIQUE (copy_id, seq)
    );
    "#,
);

/// 8: each member's devices — the copies their events were written on — with how many and
/// when the first and the last were written: the Users page's "devices, last seen", kept up
/// with every event stored (`audit::store`), so a log of a million events is not read for
/// it. Derived from the log alone, so every copy holds the same rows.
pub(crate) const V8: Part = Part::sql(
    r#"    CREATE TABLE member_devices (
        actor_id TEXT NOT NULL,
        copy_id  TEXT NOT NULL,
        events   INTEGER NOT NULL,
        first_at TEXT NOT NULL,
        last_at  TEXT NOT NULL,
        PRIMARY KEY (actor_id, copy_id)
    ) WITHOUT ROWID;
    INSERT INTO member_devices
        SELECT actor_id, copy_id, count(*), min(at), max(at) FROM audit_events
         WHERE actor_id IS NOT NULL GROUP BY actor_id, copy_id;
    "#,
);
