"""Row-level security on PostgreSQL: each office reads and changes only its own campaign.

A shared server holds a province's campaign and its communes' campaigns in
one schema. The server itself, not the program, keeps each office to its own
rows: every table gets policies (``CREATE POLICY``) that let a login role

- read the campaigns it was granted and every campaign below them (a
  province's role reads its communes), and
- write (insert, update, delete) only the campaigns it was granted
  read-write, not the ones below them.

Grants are rows of ``campaign_access`` (role, campaign, writable), managed by
``campaign access grant|revoke`` (``services/access.py``). Two functions,
``campaign_readable()`` and ``campaign_writable()``, turn the grants of the
connected login role (``session_user``, and the roles it is a member of)
into arrays of campaign ids; every policy tests a row's campaign against one
of them. They run as the tables' owner (``SECURITY DEFINER``), so they read
the grants and the campaign tree without the policies applying to
themselves, with a fixed ``search_path``. A policy calls them in a scalar
subquery, ``= ANY ((SELECT campaign_readable())::integer[])``, which PostgreSQL
evaluates once per statement, not once per row.

Tables without a ``campaign_id`` follow their parent row: an assignment its
task, a ``change`` row its changeset. ``meta`` is readable by everyone and
written by nobody but the owner. ``campaign`` rows are read like any other;
a writer may update its own campaign's settings but not move it to another
parent; creating and removing campaigns (``init``, ``import``) is the
owner's. The owner of the tables is not subject to the policies
(``ENABLE``, not ``FORCE``), and neither are superusers and roles with
``BYPASSRLS``: ``access grant`` warns when it is given such a role.

Why the policies are applied by the first ``access grant`` and not by a
schema migration: row-level security is a decision of the server's
administrator, and exists only on PostgreSQL. A migration that switched it
on for every PostgreSQL database would hide every row from the roles of an
existing setup (the ``campaign_read``/``campaign_write`` groups of
``docs/postgresql.md``) the moment its owner upgraded. Applied on the first
grant, a database keeps working as it did until its administrator opts in;
from then on :func:`apply` runs again after every upgrade
(``storage/schema.py``), so a table a later release adds is covered too
(``tests/test_access.py`` fails if a table of ``tables.py`` has no rule
here).

This module builds and runs DDL only, inside the caller's transaction.
"""

from __future__ import annotations

from campaign_cli.storage.db import Database

ACCESS_TABLE = "campaign_access"
READABLE = "campaign_readable"
WRITABLE = "campaign_writable"
STORED_PARENT = "campaign_stored_parent"
#: The policies every covered table gets (their names; the same on every table).
POLICY_NAMES = ("campaign_read", "campaign_insert", "campaign_update", "campaign_delete")

#: How a row of each table belongs to a campaign: the SQL expression of its
#: campaign id (over the table's own columns, qualified by the table name),
#: ``None`` for ``meta`` (readable by all, written by the owner only).
CAMPAIGN_OF = {
    "campaign": "campaign.id",
    "phase": "phase.campaign_id",
    "unit": "unit.campaign_id",
    "member": "member.campaign_id",
    "activity_type": "activity_type.campaign_id",
    "task": "task.campaign_id",
    "assignment": "(SELECT t.campaign_id FROM task t WHERE t.id = assignment.task_id)",
    "place": "place.campaign_id",
    "task_place": "(SELECT t.campaign_id FROM task t WHERE t.id = task_place.task_id)",
    "activity": "activity.campaign_id",
    "log_import": "log_import.campaign_id",
    "log_import_row": "(SELECT i.campaign_id FROM log_import i WHERE i.id = log_import_row.import_id)",
    "log_day_type": "log_day_type.campaign_id",
    "log_day_party": "log_day_party.campaign_id",
    "log_task_day": "log_task_day.campaign_id",
    "changeset": "changeset.campaign_id",
    "change": "(SELECT c.campaign_id FROM changeset c WHERE c.id = change.changeset_id)",
    "meta": None,
}
#: Tables a read-write role writes (``campaign``: its settings only, through UPDATE).
WRITTEN_TABLES = tuple(name for name in CAMPAIGN_OF if name not in ("campaign", "meta"))


def quote(identifier: str) -> str:
    """An SQL identifier, quoted (role and schema names come from users)."""
    return '"' + identifier.replace('"', '""') + '"'


def enabled(db: Database) -> bool:
    """Whether this schema has row-level security set up (its access table exists)."""
    if db.dialect != "postgresql":
        return False
    return db.scalar(db._table_exists_sql(), (ACCESS_TABLE,)) is not None


def statements(schema: str) -> list[str]:
    """The DDL that sets up (or refreshes) row-level security in ``schema``; idempotent."""
    path = f"SET search_path = {quote(schema)}, pg_temp"
    readable = f"(SELECT {READABLE}())::integer[]"
    writable = f"(SELECT {WRITABLE}())::integer[]"
    result = [
        f"CREATE TABLE IF NOT EXISTS {ACCESS_TABLE} ("
        "role_name TEXT NOT NULL, "
        "campaign_id INTEGER NOT NULL REFERENCES campaign (id) ON DELETE CASCADE, "
        "writable BOOLEAN NOT NULL DEFAULT FALSE, "
        "granted_at TEXT NOT NULL, "
        "PRIMARY KEY (role_name, campaign_id))",
        # The grants of the connected login role and of every role it is a member of (a group
        # role granted once covers its members). Roles dropped since are skipped, not an error.
        f"""CREATE OR REPLACE FUNCTION {READABLE}() RETURNS integer[]
LANGUAGE sql STABLE SECURITY DEFINER {path} AS $$
  WITH RECURSIVE granted AS (
    SELECT a.campaign_id AS id FROM {ACCESS_TABLE} a JOIN pg_roles r ON r.rolname = a.role_name
    WHERE pg_has_role(session_user, r.oid, 'MEMBER')
    UNION
    SELECT c.id FROM campaign c JOIN granted g ON c.parent_id = g.id
  )
  SELECT COALESCE(array_agg(id), '{{}}') FROM granted
$$""",
        f"""CREATE OR REPLACE FUNCTION {WRITABLE}() RETURNS integer[]
LANGUAGE sql STABLE SECURITY DEFINER {path} AS $$
  SELECT COALESCE(array_agg(DISTINCT a.campaign_id), '{{}}') FROM {ACCESS_TABLE} a
  JOIN pg_roles r ON r.rolname = a.role_name
  WHERE a.writable AND pg_has_role(session_user, r.oid, 'MEMBER')
$$""",
        # The parent a campaign has now (the policy on campaign compares a changed row with it).
        f"""CREATE OR REPLACE FUNCTION {STORED_PARENT}(campaign_id integer) RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER {path} AS $$
  SELECT c.parent_id FROM campaign c WHERE c.id = $1
$$""",
        f"REVOKE ALL ON {ACCESS_TABLE} FROM PUBLIC",
    ]
    for table, owner in CAMPAIGN_OF.items():
        result.append(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        result += [f"DROP POLICY IF EXISTS {name} ON {table}" for name in POLICY_NAMES]
        if owner is None:
            result.append(f"CREATE POLICY campaign_read ON {table} FOR SELECT USING (TRUE)")
            continue
        reads = f"{owner} = ANY ({readable})"
        writes = f"{owner} = ANY ({writable})"
        result.append(f"CREATE POLICY campaign_read ON {table} FOR SELECT USING ({reads})")
        if table == "campaign":
            result.append(
                f"CREATE POLICY campaign_update ON {table} FOR UPDATE USING ({writes}) "
                f"WITH CHECK ({writes} AND parent_id IS NOT DISTINCT FROM {STORED_PARENT}(id))"
            )
            continue
        result += [
            f"CREATE POLICY campaign_insert ON {table} FOR INSERT WITH CHECK ({writes})",
            f"CREATE POLICY campaign_update ON {table} FOR UPDATE USING ({writes}) WITH CHECK ({writes})",
            f"CREATE POLICY campaign_delete ON {table} FOR DELETE USING ({writes})",
        ]
    return result


def apply(db: Database) -> None:
    """Set up or refresh row-level security in the current schema (inside the caller's transaction)."""
    schema = db.scalar("SELECT current_schema()")
    for statement in statements(schema):
        db.execute(statement)


def privileges(role: str, schema: str, *, writable: bool) -> list[str]:
    """GRANT statements giving ``role`` the table privileges its access needs (the policies pick the rows)."""
    who = quote(role)
    tables = ", ".join(CAMPAIGN_OF)
    result = [
        f"GRANT USAGE ON SCHEMA {quote(schema)} TO {who}",
        f"GRANT SELECT ON {tables} TO {who}",
    ]
    if writable:
        result += [
            f"GRANT INSERT, UPDATE, DELETE ON {', '.join(WRITTEN_TABLES)} TO {who}",
            f"GRANT UPDATE ON campaign TO {who}",
            # nextval for new rows; setval and the last value for bulk writes and undo (storage/db.py)
            f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {quote(schema)} TO {who}",
        ]
    return result


def withdrawals(role: str, schema: str, *, keep_reading: bool) -> list[str]:
    """REVOKE statements for a role left with read-only grants (``keep_reading``) or none."""
    who = quote(role)
    result = [
        f"REVOKE INSERT, UPDATE, DELETE ON {', '.join(CAMPAIGN_OF)} FROM {who}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {quote(schema)} FROM {who}",
    ]
    if not keep_reading:
        result += [
            f"REVOKE ALL ON {', '.join(CAMPAIGN_OF)} FROM {who}",
            f"REVOKE USAGE ON SCHEMA {quote(schema)} FROM {who}",
        ]
    return result
