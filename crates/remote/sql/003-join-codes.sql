-- Govbench shared workspaces, server schema 3: join codes that cannot lock a member out, and
-- a record of every code issued. Runs after 002 in the same way (idempotent, one transaction).
--
-- A join code gives a member who has no login yet (one from before sharing) a one-off login;
-- joining replaces it with the login their passphrase gives. Before, an Admin could issue a
-- code for any member, another Admin included, and so replace a working login with one only
-- the issuer knew: the member was locked out until they got the code. Now a code is issued
-- only while the member's login is still a code (or they have none), and each issue is kept
-- with who issued it, for every member of the workspace to read.

BEGIN;
DO $lock$ BEGIN PERFORM pg_advisory_xact_lock(7158237001); END $lock$;
SET ROLE govbench_owner;

-- True while the member's login password is a join code's (not yet replaced by their own).
ALTER TABLE govbench.members ADD COLUMN IF NOT EXISTS login_by_code boolean NOT NULL DEFAULT false;

CREATE TABLE IF NOT EXISTS govbench.login_issues (
    workspace_id uuid NOT NULL REFERENCES govbench.workspaces,
    member_id    uuid NOT NULL,
    issued_by    uuid NOT NULL,
    issued_at    timestamptz NOT NULL DEFAULT now(),
    -- The workspace's head position when the code was issued.
    position     bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS login_issues_of_member ON govbench.login_issues (workspace_id, member_id);

ALTER TABLE govbench.login_issues ENABLE ROW LEVEL SECURITY;
DO $policy$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_policies
                    WHERE schemaname = 'govbench' AND tablename = 'login_issues'
                      AND policyname = 'member_reads') THEN
        CREATE POLICY member_reads ON govbench.login_issues FOR SELECT TO govbench_member
            USING (workspace_id = (SELECT govbench.my_workspace()));
    END IF;
END
$policy$;
GRANT SELECT ON govbench.login_issues TO govbench_member;

-- An Admin gives a member a join code's login: a member not known here yet gets a new login,
-- one whose login is still an unspent code gets a new code. A member who has their own login
-- (they joined, or were added with their passphrase) is refused with SQLSTATE GB001: a code
-- would only replace a login that works. Never for the Admin's own login. Recorded in
-- `login_issues`.
CREATE OR REPLACE FUNCTION govbench.issue_login(
    p_workspace uuid, p_member uuid, p_role text, p_is_admin boolean, p_verifier text)
    RETURNS name
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
    r name := govbench.checked_role(p_role);
    issuer uuid;
    head bigint;
    known_role name;
    known_active boolean;
    known_by_code boolean;
BEGIN
    PERFORM govbench.lock_as_admin(p_workspace);
    IF r = session_user THEN
        RAISE EXCEPTION 'an Admin sets their own password, not a join code'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT member_id INTO issuer FROM govbench.members
     WHERE workspace_id = p_workspace AND role_name = session_user;
    SELECT head_position INTO head FROM govbench.workspaces WHERE workspace_id = p_workspace;
    SELECT role_name, active, login_by_code INTO known_role, known_active, known_by_code
      FROM govbench.members WHERE workspace_id = p_workspace AND member_id = p_member;
    IF NOT FOUND THEN
        PERFORM govbench.add_member(p_workspace, p_member, r, p_is_admin, p_verifier, head);
        UPDATE govbench.members SET login_by_code = true
         WHERE workspace_id = p_workspace AND member_id = p_member;
    ELSIF NOT known_active OR known_role <> r THEN
        RAISE EXCEPTION 'not an active member under that name'
            USING ERRCODE = 'insufficient_privilege';
    ELSIF NOT known_by_code THEN
        RAISE EXCEPTION 'the member has a login of their own; a join code would lock them out'
            USING ERRCODE = 'GB001';
    ELSE
        EXECUTE format('ALTER ROLE %I PASSWORD %L', r, p_verifier);
    END IF;
    INSERT INTO govbench.login_issues (workspace_id, member_id, issued_by, position)
        VALUES (p_workspace, p_member, issuer, head);
    RETURN r;
END
$$;

-- A member replaces their login's password with their own (as they join with a join code):
-- only their own, only while they are an active member. From then on no code replaces it.
CREATE OR REPLACE FUNCTION govbench.set_own_password(p_verifier text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
BEGIN
    UPDATE govbench.members SET login_by_code = false WHERE role_name = session_user AND active;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'not an active member' USING ERRCODE = 'insufficient_privilege';
    END IF;
    EXECUTE format('ALTER ROLE %I PASSWORD %L', govbench.checked_role(session_user), p_verifier);
END
$$;

REVOKE ALL ON FUNCTION govbench.issue_login(uuid, uuid, text, boolean, text),
    govbench.set_own_password(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION govbench.issue_login(uuid, uuid, text, boolean, text),
    govbench.set_own_password(text) TO govbench_member;

INSERT INTO govbench.schema_version (version) VALUES (3) ON CONFLICT DO NOTHING;

RESET ROLE;

COMMIT;
