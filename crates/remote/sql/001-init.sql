-- Govbench shared workspaces, server schema 1 (`govbench server init`). Run as a role that may
-- create roles, in a database dedicated to Govbench; idempotent (run twice, it changes nothing).
--
-- The server holds each workspace's log, not its tables: in clear only what ordering and
-- checking need; the event itself is a payload encrypted with the workspace's data key, which
-- the server never holds. Clients may only SELECT (their own workspace's rows, by row-level
-- security); every write goes through a SECURITY DEFINER function that checks it under the
-- workspace's lock.

BEGIN;
-- One installer at a time; the whole schema in one transaction.
DO $lock$ BEGIN PERFORM pg_advisory_xact_lock(7158237001); END $lock$;

-- Roles belong to the cluster, not the database, and the lock above is the database's: an
-- init of another database of the same cluster may be creating the same roles at this moment.
-- Whichever commits second finds them there (a unique violation, caught), not an error.
DO $roles$
BEGIN
    BEGIN
        CREATE ROLE govbench_owner NOLOGIN CREATEROLE;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
    BEGIN
        CREATE ROLE govbench_member NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
    BEGIN
        CREATE ROLE govbench_sharer NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
END
$roles$;

-- The database is Govbench's alone: only its members (and sharers) may connect, so that no
-- other login can even listen for its notifications.
DO $connect$
BEGIN
    EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO govbench_member, govbench_sharer',
                   current_database());
END
$connect$;

DO $memberships$
BEGIN
    IF NOT pg_has_role('govbench_owner', 'pg_signal_backend', 'MEMBER') THEN
        BEGIN
            GRANT pg_signal_backend TO govbench_owner;
        EXCEPTION WHEN unique_violation THEN NULL;
        END;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_auth_members m
                     JOIN pg_roles g ON g.oid = m.roleid
                     JOIN pg_roles o ON o.oid = m.member
                    WHERE g.rolname = 'govbench_member' AND o.rolname = 'govbench_owner'
                      AND m.admin_option) THEN
        BEGIN
            GRANT govbench_member TO govbench_owner WITH ADMIN OPTION;
        EXCEPTION WHEN unique_violation THEN NULL;
        END;
    END IF;
END
$memberships$;

CREATE SCHEMA IF NOT EXISTS govbench AUTHORIZATION govbench_owner;
REVOKE ALL ON SCHEMA govbench FROM PUBLIC;
GRANT USAGE ON SCHEMA govbench TO govbench_member, govbench_sharer;

SET ROLE govbench_owner;

CREATE TABLE IF NOT EXISTS govbench.schema_version (
    version integer PRIMARY KEY,
    installed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS govbench.workspaces (
    workspace_id  uuid PRIMARY KEY,
    head_position bigint NOT NULL DEFAULT 0,
    -- sha256(previous log_hash ‖ int8send(position) ‖ event_hash): the server's order, which
    -- every copy recomputes.
    head_log_hash bytea NOT NULL DEFAULT decode(repeat('00', 32), 'hex'),
    min_format    integer NOT NULL,
    -- The data key new events must be sealed with (rotated when a member is removed).
    key_id        bytea NOT NULL,
    -- While the founder uploads the log of the workspace being shared (`import`).
    importing     boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS govbench.members (
    workspace_id uuid NOT NULL REFERENCES govbench.workspaces,
    member_id    uuid NOT NULL,
    role_name    name NOT NULL UNIQUE,
    is_admin     boolean NOT NULL,
    active       boolean NOT NULL DEFAULT true,
    added_at     bigint NOT NULL,
    removed_at   bigint,
    PRIMARY KEY (workspace_id, member_id)
);

CREATE TABLE IF NOT EXISTS govbench.events (
    workspace_id uuid NOT NULL REFERENCES govbench.workspaces,
    position     bigint NOT NULL,
    log_hash     bytea NOT NULL,
    copy_id      uuid NOT NULL,
    copy_seq     bigint NOT NULL,
    event_hash   bytea NOT NULL,
    prev_hash    bytea NOT NULL,
    signer_id    uuid,
    signature    bytea,
    entity_kind  text NOT NULL,
    entity_id    text NOT NULL,
    base_version bigint,
    new_version  bigint NOT NULL,
    key_id       bytea NOT NULL,
    format       integer NOT NULL,
    nonce        bytea NOT NULL,
    payload      bytea NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (workspace_id, position),
    UNIQUE (workspace_id, event_hash),
    UNIQUE (workspace_id, copy_id, copy_seq)
);
CREATE INDEX IF NOT EXISTS events_entity
    ON govbench.events (workspace_id, entity_kind, entity_id, position);

-- What each event touched (its record, and the scopes it belongs to): the index the "no
-- decision on stale facts" check reads.
CREATE TABLE IF NOT EXISTS govbench.touches (
    workspace_id uuid NOT NULL,
    touch_key    text NOT NULL,
    position     bigint NOT NULL,
    PRIMARY KEY (workspace_id, touch_key, position),
    FOREIGN KEY (workspace_id, position) REFERENCES govbench.events
);

CREATE TABLE IF NOT EXISTS govbench.key_slots (
    workspace_id uuid NOT NULL REFERENCES govbench.workspaces,
    slot_id      text NOT NULL,
    body         bytea NOT NULL,
    position     bigint NOT NULL,
    PRIMARY KEY (workspace_id, slot_id)
);

-- Attachments' bytes, sealed like events, named by a keyed hash of their SHA-256.
CREATE TABLE IF NOT EXISTS govbench.blobs (
    workspace_id uuid NOT NULL REFERENCES govbench.workspaces,
    blob_id      bytea NOT NULL,
    key_id       bytea NOT NULL,
    nonce        bytea NOT NULL,
    ciphertext   bytea NOT NULL,
    PRIMARY KEY (workspace_id, blob_id)
);

-- The workspace the calling member belongs to (a member role belongs to one workspace).
CREATE OR REPLACE FUNCTION govbench.my_workspace() RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$ SELECT workspace_id FROM govbench.members WHERE role_name = session_user AND active $$;

ALTER TABLE govbench.workspaces ENABLE ROW LEVEL SECURITY;
ALTER TABLE govbench.members ENABLE ROW LEVEL SECURITY;
ALTER TABLE govbench.events ENABLE ROW LEVEL SECURITY;
ALTER TABLE govbench.touches ENABLE ROW LEVEL SECURITY;
ALTER TABLE govbench.key_slots ENABLE ROW LEVEL SECURITY;
ALTER TABLE govbench.blobs ENABLE ROW LEVEL SECURITY;

DO $policies$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['workspaces', 'members', 'events', 'touches', 'key_slots', 'blobs'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_policies
                        WHERE schemaname = 'govbench' AND tablename = t
                          AND policyname = 'member_reads') THEN
            EXECUTE format(
                'CREATE POLICY member_reads ON govbench.%I FOR SELECT TO govbench_member '
                'USING (workspace_id = (SELECT govbench.my_workspace()))', t);
        END IF;
    END LOOP;
END
$policies$;

GRANT SELECT ON govbench.workspaces, govbench.members, govbench.events, govbench.touches,
    govbench.key_slots, govbench.blobs TO govbench_member;

-- Places a checked event next in its workspace's log (the caller holds the workspace's lock
-- and has checked it): its position, the hash over the log up to it, its touches, the head.
CREATE OR REPLACE FUNCTION govbench.place(
    ws govbench.workspaces, p_copy_id uuid, p_copy_seq bigint, p_event_hash bytea,
    p_prev_hash bytea, p_signer_id uuid, p_signature bytea, p_entity_kind text,
    p_entity_id text, p_base_version bigint, p_new_version bigint, p_touches text[],
    p_key_id bytea, p_format integer, p_nonce bytea, p_payload bytea,
    OUT out_position bigint, OUT out_log_hash bytea)
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
BEGIN
    out_position := ws.head_position + 1;
    out_log_hash := sha256(ws.head_log_hash || int8send(out_position) || p_event_hash);
    INSERT INTO govbench.events VALUES (
        ws.workspace_id, out_position, out_log_hash, p_copy_id, p_copy_seq, p_event_hash,
        p_prev_hash, p_signer_id, p_signature, p_entity_kind, p_entity_id, p_base_version,
        p_new_version, p_key_id, p_format, p_nonce, p_payload, clock_timestamp());
    INSERT INTO govbench.touches
        SELECT ws.workspace_id, k, out_position
          FROM unnest(array_append(p_touches, p_entity_kind || ':' || p_entity_id)) k
        ON CONFLICT DO NOTHING;
    UPDATE govbench.workspaces SET head_position = out_position, head_log_hash = out_log_hash
     WHERE workspace_id = ws.workspace_id;
    -- Sent at commit: the other desktops fetch what follows their last position.
    PERFORM pg_notify('govbench_' || replace(ws.workspace_id::text, '-', ''),
                      out_position::text);
END
$$;

-- Where an event falls in its copy's chain as the server holds it: 'duplicate' (already
-- placed: out_position, out_log_hash), 'fork' (another event at its place), 'gap' (its
-- previous event is not the copy's last), or NULL: it is the copy's next.
CREATE OR REPLACE FUNCTION govbench.chain_place(
    p_workspace uuid, p_copy_id uuid, p_copy_seq bigint, p_event_hash bytea,
    p_prev_hash bytea, OUT verdict text, OUT out_position bigint, OUT out_log_hash bytea)
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
    prev bytea;
BEGIN
    SELECT 'duplicate', e.position, e.log_hash INTO verdict, out_position, out_log_hash
      FROM govbench.events e
     WHERE e.workspace_id = p_workspace AND e.event_hash = p_event_hash;
    IF FOUND THEN
        RETURN;
    END IF;
    IF EXISTS (SELECT 1 FROM govbench.events e
                WHERE e.workspace_id = p_workspace AND e.copy_id = p_copy_id
                  AND e.copy_seq = p_copy_seq) THEN
        verdict := 'fork';
        RETURN;
    END IF;
    IF p_copy_seq = 1 THEN
        prev := decode(repeat('00', 32), 'hex');
    ELSE
        SELECT e.event_hash INTO prev FROM govbench.events e
         WHERE e.workspace_id = p_workspace AND e.copy_id = p_copy_id
           AND e.copy_seq = p_copy_seq - 1;
    END IF;
    IF prev IS DISTINCT FROM p_prev_hash THEN
        verdict := 'gap';
    END IF;
END
$$;

-- Appends one event, or says why not. Under the workspace's row lock: the caller must be an
-- active member signing as itself; the same event twice is recognised by its hash (a lost
-- acknowledgement); the copy's chain must continue where the server has it; the data key must
-- be the current one; nothing the command read may have changed after the position its reads
-- were based on, and the record must still be at the version it changed.
CREATE OR REPLACE FUNCTION govbench.append(
    p_workspace uuid, p_base_position bigint, p_reads text[],
    p_copy_id uuid, p_copy_seq bigint, p_event_hash bytea, p_prev_hash bytea,
    p_signer_id uuid, p_signature bytea,
    p_entity_kind text, p_entity_id text, p_base_version bigint, p_new_version bigint,
    p_touches text[], p_key_id bytea, p_format integer, p_nonce bytea, p_payload bytea,
    -- An event that adds a member (by an Admin) brings their login with it, in the same
    -- transaction: the member exists on the server exactly when their event is placed.
    p_add_member uuid, p_add_role text, p_add_admin boolean, p_add_verifier text,
    OUT outcome text, OUT out_position bigint, OUT out_log_hash bytea,
    OUT conflict_position bigint, OUT conflict_signer uuid, OUT conflict_at timestamptz)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
    ws govbench.workspaces%ROWTYPE;
    me govbench.members%ROWTYPE;
    r name;
    latest bigint;
BEGIN
    SELECT * INTO ws FROM govbench.workspaces WHERE workspace_id = p_workspace FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no such workspace' USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- Inside SECURITY DEFINER current_user is the owner; the caller is session_user.
    SELECT * INTO me FROM govbench.members
     WHERE workspace_id = p_workspace AND role_name = session_user AND active;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'not a member' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF ws.importing THEN
        outcome := 'importing';
        RETURN;
    END IF;
    IF p_signer_id IS DISTINCT FROM me.member_id THEN
        outcome := 'not_signer';
        RETURN;
    END IF;
    SELECT * INTO outcome, out_position, out_log_hash FROM govbench.chain_place(
        p_workspace, p_copy_id, p_copy_seq, p_event_hash, p_prev_hash);
    IF outcome IS NOT NULL THEN
        RETURN;
    END IF;
    IF p_format < ws.min_format THEN
        outcome := 'format_too_old';
        RETURN;
    END IF;
    IF p_key_id <> ws.key_id THEN
        outcome := 'old_key';
        RETURN;
    END IF;
    SELECT t.position, e.signer_id, e.received_at
      INTO conflict_position, conflict_signer, conflict_at
      FROM govbench.touches t JOIN govbench.events e USING (workspace_id, position)
     WHERE t.workspace_id = p_workspace AND t.touch_key = ANY (p_reads)
       AND t.position > p_base_position
     ORDER BY t.position LIMIT 1;
    IF FOUND THEN
        outcome := 'stale';
        RETURN;
    END IF;
    SELECT e.new_version, e.position, e.signer_id, e.received_at
      INTO latest, conflict_position, conflict_signer, conflict_at
      FROM govbench.events e
     WHERE e.workspace_id = p_workspace AND e.entity_kind = p_entity_kind
       AND e.entity_id = p_entity_id
     ORDER BY e.position DESC LIMIT 1;
    IF latest IS DISTINCT FROM p_base_version THEN
        outcome := 'stale';
        RETURN;
    END IF;
    conflict_position := NULL;
    conflict_signer := NULL;
    conflict_at := NULL;
    SELECT * INTO out_position, out_log_hash FROM govbench.place(
        ws, p_copy_id, p_copy_seq, p_event_hash, p_prev_hash, p_signer_id, p_signature,
        p_entity_kind, p_entity_id, p_base_version, p_new_version, p_touches, p_key_id,
        p_format, p_nonce, p_payload);
    IF p_add_member IS NOT NULL THEN
        IF NOT me.is_admin OR p_entity_kind <> 'user' OR p_entity_id <> p_add_member::text
           OR p_base_version IS NOT NULL THEN
            RAISE EXCEPTION 'only an Admin adds a member, with the event that creates them'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        r := govbench.checked_role(p_add_role);
        EXECUTE format('CREATE ROLE %I LOGIN IN ROLE govbench_member PASSWORD %L', r,
                       p_add_verifier);
        INSERT INTO govbench.members (workspace_id, member_id, role_name, is_admin, added_at)
            VALUES (p_workspace, p_add_member, r, p_add_admin, out_position);
    END IF;
    outcome := 'accepted';
END
$$;

-- The founder uploads the log of the workspace being shared, event by event in its order,
-- whoever signed each: only while the workspace is importing. The chains must hold; nothing
-- else is checked here (every copy verifies every event before applying it).
CREATE OR REPLACE FUNCTION govbench.import(
    p_workspace uuid, p_copy_id uuid, p_copy_seq bigint, p_event_hash bytea, p_prev_hash bytea,
    p_signer_id uuid, p_signature bytea, p_entity_kind text, p_entity_id text,
    p_base_version bigint, p_new_version bigint, p_key_id bytea, p_format integer,
    p_nonce bytea, p_payload bytea, OUT outcome text, OUT out_position bigint,
    OUT out_log_hash bytea)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
    ws govbench.workspaces%ROWTYPE;
BEGIN
    PERFORM govbench.lock_as_admin(p_workspace);
    SELECT * INTO ws FROM govbench.workspaces WHERE workspace_id = p_workspace;
    SELECT * INTO outcome, out_position, out_log_hash FROM govbench.chain_place(
        p_workspace, p_copy_id, p_copy_seq, p_event_hash, p_prev_hash);
    IF outcome IS NOT NULL THEN
        RETURN;
    END IF;
    IF NOT ws.importing THEN
        outcome := 'not_importing';
        RETURN;
    END IF;
    SELECT * INTO out_position, out_log_hash FROM govbench.place(
        ws, p_copy_id, p_copy_seq, p_event_hash, p_prev_hash, p_signer_id, p_signature,
        p_entity_kind, p_entity_id, p_base_version, p_new_version, ARRAY[]::text[], p_key_id,
        p_format, p_nonce, p_payload);
    outcome := 'accepted';
    -- The plans of the lookups above were made when the log was empty (on a new server, with
    -- no statistics at all), and an empty table makes every index of a workspace look alike:
    -- a lookup by hash could scan the whole workspace, and the upload grew quadratically
    -- slower. As PostgreSQL's advice for bulk loads goes, the tables are analyzed as the
    -- upload doubles them (at 1,024 events, 2,048, …), which also replans the lookups.
    IF out_position >= 1024 AND (out_position & (out_position - 1)) = 0 THEN
        ANALYZE govbench.events, govbench.touches;
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION govbench.finish_import(p_workspace uuid) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
BEGIN
    PERFORM govbench.lock_as_admin(p_workspace);
    UPDATE govbench.workspaces SET importing = false WHERE workspace_id = p_workspace;
END
$$;

-- A row of the workspace's key file: what the slots share, or one member's slot (wrapped or
-- sealed: nothing in it opens without a member's passphrase or key), written by an Admin.
CREATE OR REPLACE FUNCTION govbench.put_key_slot(p_workspace uuid, p_slot_id text, p_body bytea)
    RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
BEGIN
    PERFORM govbench.lock_as_admin(p_workspace);
    INSERT INTO govbench.key_slots (workspace_id, slot_id, body, position)
        SELECT p_workspace, p_slot_id, p_body, head_position FROM govbench.workspaces
         WHERE workspace_id = p_workspace
    ON CONFLICT (workspace_id, slot_id)
        DO UPDATE SET body = excluded.body, position = excluded.position;
END
$$;

-- An active member stores an attachment's sealed bytes; the same name twice keeps the first.
CREATE OR REPLACE FUNCTION govbench.put_blob(
    p_workspace uuid, p_blob_id bytea, p_key_id bytea, p_nonce bytea, p_ciphertext bytea)
    RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
BEGIN
    IF govbench.my_workspace() IS DISTINCT FROM p_workspace THEN
        RAISE EXCEPTION 'not a member' USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO govbench.blobs VALUES (p_workspace, p_blob_id, p_key_id, p_nonce, p_ciphertext)
    ON CONFLICT DO NOTHING;
END
$$;

-- A member's login role is named by the client from the workspace and the member's name
-- (`gbm_` and 40 hex digits), so a desktop joining can name it before it has logged in.
CREATE OR REPLACE FUNCTION govbench.checked_role(p_role text) RETURNS name
    LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS
$$
BEGIN
    IF p_role !~ '^gbm_[0-9a-f]{40}$' THEN
        RAISE EXCEPTION 'not a member login role' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN p_role::name;
END
$$;

-- Registers a workspace on this server with its founding Admin (whose login role is made with
-- the SCRAM verifier the founder's client computed: the password itself never reaches the
-- server). Only a role IT placed in govbench_sharer may.
CREATE OR REPLACE FUNCTION govbench.create_workspace(
    p_workspace uuid, p_founder uuid, p_role text, p_verifier text, p_key_id bytea,
    p_min_format integer)
    RETURNS name
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
    r name := govbench.checked_role(p_role);
BEGIN
    IF NOT pg_has_role(session_user, 'govbench_sharer', 'MEMBER') THEN
        RAISE EXCEPTION 'not allowed to share workspaces here'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO govbench.workspaces (workspace_id, min_format, key_id)
        VALUES (p_workspace, p_min_format, p_key_id);
    EXECUTE format('CREATE ROLE %I LOGIN IN ROLE govbench_member PASSWORD %L', r, p_verifier);
    INSERT INTO govbench.members (workspace_id, member_id, role_name, is_admin, added_at)
        VALUES (p_workspace, p_founder, r, true, 0);
    RETURN r;
END
$$;

-- The calling member, if an active Admin of the workspace; under the workspace's lock, so a
-- membership change is ordered with the appends.
CREATE OR REPLACE FUNCTION govbench.lock_as_admin(p_workspace uuid) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
BEGIN
    PERFORM 1 FROM govbench.workspaces WHERE workspace_id = p_workspace FOR UPDATE;
    IF NOT EXISTS (SELECT 1 FROM govbench.members
                    WHERE workspace_id = p_workspace AND role_name = session_user
                      AND active AND is_admin) THEN
        RAISE EXCEPTION 'only an Admin of the workspace may'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION govbench.add_member(
    p_workspace uuid, p_member uuid, p_role text, p_is_admin boolean, p_verifier text,
    p_position bigint)
    RETURNS name
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
    r name := govbench.checked_role(p_role);
BEGIN
    PERFORM govbench.lock_as_admin(p_workspace);
    EXECUTE format('CREATE ROLE %I LOGIN IN ROLE govbench_member PASSWORD %L', r, p_verifier);
    INSERT INTO govbench.members (workspace_id, member_id, role_name, is_admin, added_at)
        VALUES (p_workspace, p_member, r, p_is_admin, p_position);
    RETURN r;
END
$$;

-- From the commit on, the member can neither log in nor read nor append: the row stops
-- matching the read policy, the role loses LOGIN, and its open sessions are ended.
CREATE OR REPLACE FUNCTION govbench.remove_member(
    p_workspace uuid, p_member uuid, p_position bigint) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
    r name;
BEGIN
    PERFORM govbench.lock_as_admin(p_workspace);
    UPDATE govbench.members SET active = false, removed_at = p_position
     WHERE workspace_id = p_workspace AND member_id = p_member AND active
    RETURNING role_name INTO r;
    IF r IS NULL THEN
        RAISE EXCEPTION 'not an active member' USING ERRCODE = 'no_data_found';
    END IF;
    IF r = session_user THEN
        RAISE EXCEPTION 'an Admin does not remove themselves'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    EXECUTE format('ALTER ROLE %I NOLOGIN', r);
    PERFORM pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = r;
END
$$;

-- The join-code functions (issue_login, set_own_password) are defined by step 3 only: every
-- `server init` runs each step again, and an older body here would be live between steps.

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA govbench FROM PUBLIC;
GRANT EXECUTE ON FUNCTION govbench.my_workspace() TO govbench_member;
GRANT EXECUTE ON FUNCTION govbench.checked_role(text) TO govbench_member, govbench_sharer;
GRANT EXECUTE ON FUNCTION govbench.create_workspace(uuid, uuid, text, text, bytea, integer)
    TO govbench_sharer;
GRANT EXECUTE ON FUNCTION govbench.add_member(uuid, uuid, text, boolean, text, bigint),
    govbench.remove_member(uuid, uuid, bigint) TO govbench_member;
GRANT EXECUTE ON FUNCTION govbench.append(uuid, bigint, text[], uuid, bigint, bytea, bytea,
    uuid, bytea, text, text, bigint, bigint, text[], bytea, integer, bytea, bytea, uuid, text,
    boolean, text),
    govbench.import(uuid, uuid, bigint, bytea, bytea, uuid, bytea, text, text, bigint, bigint,
    bytea, integer, bytea, bytea),
    govbench.finish_import(uuid), govbench.put_key_slot(uuid, text, bytea),
    govbench.put_blob(uuid, bytea, bytea, bytea, bytea)
    TO govbench_member;

INSERT INTO govbench.schema_version (version) VALUES (1) ON CONFLICT DO NOTHING;

RESET ROLE;

COMMIT;
