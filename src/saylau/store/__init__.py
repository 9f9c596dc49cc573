"""Storage: SQLAlchemy 2 tables, the engine (SQLite WAL by default, PostgreSQL when
SAYLAU_DATABASE_URL names one), Alembic migrations, the transparency logs' storage (log.py,
admin_log.py), the backup engines (backup/), and one repository per aggregate that converts
rows to domain values and back (geography, elections, protocols, keys, tokens, senate).
Repository functions never commit: the service owns the transaction."""
