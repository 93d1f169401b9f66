-- Govbench shared workspaces, server schema 2: the key history, so that removing a member
-- rotates the data key. Runs after 001 in the same way (idempotent, one transaction).
--
-- A removal (or a key rotation) is placed together with the new key: in the transaction that
-- places the event, `rotate_key` makes the new key the one every later event must be sealed
-- with, keeps the old key sealed under the new one (a copy joining later opens what came
-- before with the key its slot holds), replaces the members' slots with slots holding only
-- the new key, and ends the removed member's access. The server never holds a key in clear:
-- it sees key ids, and sealed bytes.

BEGIN;
DO $lock$ BEGIN PERFORM pg_advisory_xact_lock(7158237001); END $lock$;
SET ROLE govbench_owner;

CREATE TABLE IF NOT EXISTS govbench.key_history (
    workspace_id uuid NOT NULL REFERENCES govbench.workspaces,
    -- The retired key, and the key that replaced it (and seals it).
    key_id       bytea NOT NULL,
    under_key_id bytea NOT NULL,
    nonce        bytea NOT NULL,
    sealed_key   bytea NOT NULL,
    -- The position of the event that retired it.
    position     bigint NOT NULL,
    PRIMARY KEY (workspace_id, key_id)
);

ALTER TABLE govbench.key_history ENABLE ROW LEVEL SECURITY;
DO $policy$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_policies
                    WHERE schemaname = 'govbench' AND tablename = 'key_history'
                      AND policyname = 'member_reads') THEN
        CREATE POLICY member_reads ON govbench.key_history FOR SELECT TO govbench_member
            USING (workspace_id = (SELECT govbench.my_workspace()));
    END IF;
END
$policy$;
GRANT SELECT ON govbench.key_history TO govbench_member;

-- Called by an Admin in the transaction that placed the workspace's latest event (their own:
-- the member's removal, or the key rotation on the workspace's record), under its lock. Only the
-- current key is retired, never to a key used before; the slots given become the workspace's
-- only slots (besides the header row); the member removed, if any, loses their access as
-- `remove_member` ends it.
CREATE OR REPLACE FUNCTION govbench.rotate_key(
    p_workspace uuid, p_removes uuid, p_old_key_id bytea, p_new_key_id bytea,
    p_nonce bytea, p_sealed_key bytea, p_slot_ids text[], p_slot_bodies bytea[])
    RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
    ws govbench.workspaces%ROWTYPE;
    me govbench.members%ROWTYPE;
    latest govbench.events%ROWTYPE;
BEGIN
    PERFORM govbench.lock_as_admin(p_workspace);
    SELECT * INTO ws FROM govbench.workspaces WHERE workspace_id = p_workspace;
    SELECT * INTO me FROM govbench.members
     WHERE workspace_id = p_workspace AND role_name = session_user;
    SELECT * INTO latest FROM govbench.events
     WHERE workspace_id = p_workspace AND position = ws.head_position;
    IF NOT FOUND OR latest.signer_id IS DISTINCT FROM me.member_id
       OR latest.entity_kind NOT IN ('user', 'workspace')
       OR (p_removes IS NOT NULL
           AND (latest.entity_kind <> 'user' OR latest.entity_id <> p_removes::text)) THEN
        RAISE EXCEPTION 'a key is rotated with the Admin''s member event that asks for it'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF ws.key_id <> p_old_key_id THEN
        RAISE EXCEPTION 'not the current key' USING ERRCODE = 'serialization_failure';
    END IF;
    IF p_new_key_id = p_old_key_id OR EXISTS (
        SELECT 1 FROM govbench.key_history
         WHERE workspace_id = p_workspace AND key_id = p_new_key_id) THEN
        RAISE EXCEPTION 'a key is never used again' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF cardinality(p_slot_ids) IS DISTINCT FROM cardinality(p_slot_bodies)
       OR cardinality(p_slot_ids) = 0 OR 'header' = ANY (p_slot_ids) THEN
        RAISE EXCEPTION 'one body per slot' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO govbench.key_history
        VALUES (p_workspace, p_old_key_id, p_new_key_id, p_nonce, p_sealed_key, ws.head_position);
    UPDATE govbench.workspaces SET key_id = p_new_key_id WHERE workspace_id = p_workspace;
    DELETE FROM govbench.key_slots
     WHERE workspace_id = p_workspace AND slot_id <> 'header' AND slot_id <> ALL (p_slot_ids);
    INSERT INTO govbench.key_slots (workspace_id, slot_id, body, position)
        SELECT p_workspace, s.id, s.body, ws.head_position
          FROM unnest(p_slot_ids, p_slot_bodies) AS s(id, body)
    ON CONFLICT (workspace_id, slot_id)
        DO UPDATE SET body = excluded.body, position = excluded.position;
    IF p_removes IS NOT NULL THEN
        PERFORM govbench.remove_member(p_workspace, p_removes, ws.head_position);
    END IF;
END
$$;

REVOKE ALL ON FUNCTION govbench.rotate_key(uuid, uuid, bytea, bytea, bytea, bytea, text[],
    bytea[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION govbench.rotate_key(uuid, uuid, bytea, bytea, bytea, bytea, text[],
    bytea[]) TO govbench_member;

INSERT INTO govbench.schema_version (version) VALUES (2) ON CONFLICT DO NOTHING;

RESET ROLE;

COMMIT;
