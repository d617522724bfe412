"""Creating and upgrading the schema from the SQLModel tables.

DDL is compiled from ``storage.tables`` for the connection's dialect and run
on our own connection inside one explicit transaction, so a failure leaves
the database exactly as it was (pysqlite would otherwise commit around DDL).
Importing SQLModel is slow, so this module is only used by ``init`` and when
an older database needs upgrading.
"""

from __future__ import annotations

from collections.abc import Callable

from campaign_cli.storage.db import Database

#: Ordered upgrades: (version reached, function applying it inside a transaction).
#: Version 1 is the first schema and is created whole by create_schema().
MIGRATIONS: list[tuple[int, Callable[[Database], None]]] = []


def current_version() -> int:
    if MIGRATIONS:
        return MIGRATIONS[-1][0]
    return 1


def stored_version(db: Database) -> int | None:
    if not db.exists():
        return None
    value = db.scalar("SELECT value FROM meta WHERE name = 'schema_version'")
    return int(value) if value is not None else None


def ddl_statements(dialect_name: str) -> list[str]:
    """CREATE TABLE / CREATE INDEX statements for the whole schema."""
    from sqlalchemy.dialects import postgresql, sqlite
    from sqlalchemy.schema import CreateIndex, CreateTable

    from campaign_cli.storage.tables import metadata

    dialect = postgresql.dialect() if dialect_name == "postgresql" else sqlite.dialect()
    statements = []
    for table in metadata().sorted_tables:
        statements.append(str(CreateTable(table).compile(dialect=dialect)).strip())
        for index in sorted(table.indexes, key=lambda index: index.name or ""):
            statements.append(str(CreateIndex(index).compile(dialect=dialect)).strip())
    return statements


def create_schema(db: Database) -> None:
    """Create every table in an empty database, atomically."""
    from campaign_cli.storage.tables import SCHEMA_VERSION

    db.execute("BEGIN IMMEDIATE" if db.dialect == "sqlite" else "BEGIN")
    try:
        for statement in ddl_statements(db.dialect):
            db.execute(statement)
        db.execute("INSERT INTO meta (name, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        db.execute("COMMIT")
    except BaseException:
        db._rollback()
        raise


def ensure_schema(db: Database) -> None:
    """Create the schema if the database is empty; upgrade it if it is old."""
    version = stored_version(db)
    if version is None:
        create_schema(db)
        return
    target = current_version()
    if version > target:
        from campaign_cli.services.errors import StorageError

        raise StorageError(
            f"this database has schema version {version}, newer than this campaign release knows ({target}): upgrade campaign"
        )
    if version < target:
        migrate(db, version)


def migrate(db: Database, version: int) -> None:
    for reached, upgrade in MIGRATIONS:
        if reached <= version:
            continue
        db.execute("BEGIN IMMEDIATE" if db.dialect == "sqlite" else "BEGIN")
        try:
            upgrade(db)
            db.execute("UPDATE meta SET value = ? WHERE name = 'schema_version'", (str(reached),))
            db.execute("COMMIT")
        except BaseException:
            db._rollback()
            raise
