"""``campaign access`` and row-level security (issue 17), against a real PostgreSQL server
with real login roles.

The test user of CI's server is the superuser ``postgres``, which row-level
security does not restrict: every check of what an office may see or change
connects as a non-superuser login role made for the test (uniquely named,
dropped afterwards). Commands run as ``postgres`` only where the owner of
the tables must: ``init``, ``access grant``.
"""

from __future__ import annotations

import re
import uuid

import pytest
from checks import one_line_error

from campaign_cli.storage import security

PROVINCE = "Tỉnh Ninh Bình"
AS_OF = {"CAMPAIGN_TODAY": "10/2/2026"}


def test_every_table_has_a_rule():
    """A table added to the schema without a row-level security rule would be readable by every office."""
    from sqlmodel import SQLModel

    from campaign_cli.storage import tables  # noqa: F401  (registers the tables)

    assert set(SQLModel.metadata.tables) == set(security.CAMPAIGN_OF)


def test_access_needs_postgresql(cli, backend, tmp_path):
    cli("--db", tmp_path / "x.db", "init", "Xã X", "--election-day", "15/3/2026", ok=True)
    line = one_line_error(cli("--db", tmp_path / "x.db", "access", "grant", "someone", "--campaign", "Xã X"))
    assert "PostgreSQL" in line


@pytest.fixture
def shared(cli, pg_server, pg_schema, monkeypatch):
    """A province with two communes in one schema, and three login roles: one per commune, one for the province."""
    import psycopg  # the postgres extra: not in every test run

    monkeypatch.setenv("CAMPAIGN_DB", pg_schema)
    tag = uuid.uuid4().hex[:10]
    roles = {key: f"campaign_t_{tag}_{key}" for key in ("a", "b", "province")}
    for role in roles.values():
        pg_server.conn.execute(f'CREATE ROLE "{role}" LOGIN')
    cli("init", PROVINCE, "--election-day", "15/3/2026", "--level", "province", ok=True)
    cli("init", "Xã A", "--parent", PROVINCE, "--locality", "xã A", ok=True)
    cli("init", "Xã B", "--parent", PROVINCE, "--locality", "xã B", ok=True)
    cli("--campaign", "Xã B", "log", "add", "--type", "poster", "--qty", "7", "--date", "9/2/2026", ok=True, env=AS_OF)
    grant = cli("access", "grant", roles["a"], "--campaign", "Xã A", ok=True)
    assert "Row-level security is now on" in grant.stderr
    cli("access", "grant", roles["b"], "--campaign", "Xã B", ok=True)
    cli("access", "grant", roles["province"], "--campaign", PROVINCE, "--read-only", ok=True)

    def as_role(key: str) -> dict[str, str]:
        """The environment of a command run as the role (``owner``: as the test user)."""
        url = pg_schema if key == "owner" else re.sub(r"://[^@/]*@", f"://{roles[key]}@", pg_schema)
        return {**AS_OF, "CAMPAIGN_DB": url, "CAMPAIGN_USER": ""}

    def connect(key: str):
        from campaign_cli.storage.db import postgres_conninfo

        return psycopg.connect(postgres_conninfo(as_role(key)["CAMPAIGN_DB"]), autocommit=True)

    yield cli, roles, as_role, connect
    for role in roles.values():
        pg_server.conn.execute(f'DROP OWNED BY "{role}"')  # its privileges on the test's tables
        pg_server.conn.execute(f'DROP ROLE "{role}"')


@pytest.mark.postgresql_only
def test_a_commune_reads_and_writes_its_own_campaign_only(shared):
    import psycopg  # the postgres extra: not in every test run

    cli, roles, as_role, connect = shared
    env = as_role("a")
    # its own campaign is its default: it does not see the province
    assert cli.json("status", env=env)["campaign"]["name"] == "Xã A"
    cli("log", "add", "--type", "poster", "--qty", "5", "--date", "9/2/2026", ok=True, env=env)
    assert "no campaign matches" in one_line_error(cli("--campaign", "Xã B", "log", "list", env=env))
    assert "no campaign matches" in one_line_error(
        cli("--campaign", "Xã B", "log", "add", "--type", "poster", "--qty", "1", env=env)
    )
    # and straight SQL fares no better: nothing to read, nothing changed, the insert refused
    with connect("owner") as conn:
        b_id, b_type = conn.execute(
            "SELECT c.id, MIN(t.id) FROM campaign c JOIN activity_type t ON t.campaign_id = c.id "
            "WHERE c.name = 'Xã B' GROUP BY c.id"
        ).fetchone()
    with connect("a") as conn:
        assert [row[0] for row in conn.execute("SELECT name FROM campaign ORDER BY id")] == ["Xã A"]
        assert conn.execute("SELECT COUNT(*) FROM activity").fetchone()[0] == 1
        assert conn.execute("UPDATE activity SET quantity = 99 WHERE quantity = 7").rowcount == 0
        assert conn.execute("DELETE FROM activity WHERE quantity = 7").rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE campaign SET parent_id = NULL")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO activity (campaign_id, on_date, type_id, quantity, place, note, created_at) "
                "VALUES (%s, '2026-02-09', %s, 1, '', '', '2026-02-09T00:00:00')",
                (b_id, b_type),
            )
    quantities = cli.json("--campaign", "Xã B", "log", "list", env=AS_OF)
    assert [row["quantity"] for row in quantities] == [7]
    # the history names the login role that wrote
    history = cli.json("--campaign", "Xã A", "history", env=AS_OF)
    assert history[0]["actor"] == roles["a"]


@pytest.mark.postgresql_only
def test_the_province_reads_every_commune_and_changes_none(shared):
    import psycopg  # the postgres extra: not in every test run

    cli, roles, as_role, connect = shared
    env = as_role("province")
    cli("--campaign", "Xã A", "log", "add", "--type", "banner", "--qty", "2", "--date", "10/2/2026", ok=True,
        env=as_role("a"))  # fmt: skip
    rollup = cli.json("report", "rollup", env=env)
    assert {child["name"]: child["activity"] for child in rollup["children"]} == {
        "Xã A": [{"type": "banner", "quantity": 2, "entries": 1}],
        "Xã B": [{"type": "poster", "quantity": 7, "entries": 1}],
    }
    line = one_line_error(cli("--campaign", "Xã A", "log", "add", "--type", "poster", "--qty", "1", env=env))
    assert "may not write" in line
    with connect("province") as conn:
        assert conn.execute("SELECT COUNT(*) FROM campaign").fetchone()[0] == 3
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE activity SET quantity = 1")


@pytest.mark.postgresql_only
def test_revoke_takes_the_campaign_back(shared):
    import psycopg  # the postgres extra: not in every test run

    cli, roles, as_role, connect = shared
    cli("access", "revoke", roles["a"], "--campaign", "Xã A", ok=True)
    listed = cli.json("access", "list")
    assert sorted(row["role"] for row in listed) == sorted([roles["b"], roles["province"]])
    assert {row["role"]: row["access"] for row in listed}[roles["province"]] == "read-only"
    line = one_line_error(cli("status", env=as_role("a")))
    assert "may not use the schema" in line
    refused = (psycopg.errors.InsufficientPrivilege, psycopg.errors.UndefinedTable)  # no USAGE: no tables
    with connect("a") as conn, pytest.raises(refused):
        conn.execute("SELECT COUNT(*) FROM activity")
    assert "no access" in one_line_error(cli("access", "revoke", roles["a"], "--campaign", "Xã A"))


@pytest.mark.postgresql_only
def test_only_the_owner_grants(shared):
    cli, roles, as_role, connect = shared
    line = one_line_error(cli("access", "grant", roles["b"], "--campaign", "Xã A", env=as_role("a")))
    assert "only the owner" in line or "no campaign matches" in line
    assert "there is no role" in one_line_error(cli("access", "grant", "nobody_" + roles["a"], "--campaign", "Xã A"))


@pytest.mark.postgresql_only
def test_a_replaced_copy_keeps_its_grants(shared, tmp_path):
    cli, roles, as_role, connect = shared
    cli("--campaign", "Xã A", "export", tmp_path / "a.json", ok=True)
    cli("--campaign", "Xã A", "log", "add", "--type", "poster", "--qty", "3", "--date", "9/2/2026", ok=True,
        env=AS_OF)  # fmt: skip
    cli("import", tmp_path / "a.json", "--parent", PROVINCE, ok=True)  # back to the export: replaced
    assert cli.json("log", "list", env=as_role("a")) == []
    cli("log", "add", "--type", "poster", "--qty", "4", "--date", "9/2/2026", ok=True, env=as_role("a"))
    assert [row["quantity"] for row in cli.json("log", "list", env=as_role("a"))] == [4]
