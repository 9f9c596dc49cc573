"""The schema's metadata (its naming convention) and the id type every table uses: what
store/tables.py and the wings' table modules share."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, MetaData

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# BigInteger autoincrement keys do not autoincrement on SQLite; use Integer there.
Id = BigInteger().with_variant(Integer(), "sqlite")
