"""Storage: SQLModel tables (the schema), a DB-API layer, migrations."""
