"""The backup engines: what copies a store to one file and back, per database, and what
describes a store for a backup's manifest. The use cases (services.backup: refuse to
overwrite, write the manifest last, verify a restore with the record's own verifier) call them.

    sqlite.py     SQLite's online backup API; integrity checks; putting a restored file in place
    postgres.py   pg_dump of an exported snapshot, pg_restore in one transaction
    inventory.py  what a store holds: schema revision, row counts, each election's log and key
    files.py      files written once and made durable (never over an existing file)
"""
