"""Storage: SQLAlchemy 2 tables, the engine (SQLite WAL by default, PostgreSQL when
SAYLAU_DATABASE_URL names one), Alembic migrations, and the repository that converts rows to
domain values and back. Repository functions never commit: the service owns the transaction."""
