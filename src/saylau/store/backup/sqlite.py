"""The SQLite backup engine: a copy made with SQLite's online backup API, which reads one
consistent snapshot while the server keeps writing (WAL mode), then switched to a plain
rollback journal so that the copy is one self-contained file; on restore, the copy checked and
put in place without ever replacing a database."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, inspect
from sqlalchemy.pool import NullPool

from saylau.domain.errors import NotFound, ValidationFailed
from saylau.store import db
from saylau.store.backup.files import CHUNK, fsync_dir, link_new
from saylau.store.backup.inventory import describe


def source_path(engine: Engine) -> str:
    path = engine.url.database
    if not path or path == ":memory:":
        raise ValidationFailed("an in-memory database cannot be backed up",
                               details={"field": "database", "expected": "a SQLite file",
                                        "actual": path})
    if not Path(path).is_file():
        raise NotFound(f"no SQLite database at {path}",
                       details={"field": "database", "expected": "an existing file",
                                "actual": path})
    return path


def backup(engine: Engine, partial: Path) -> dict[str, Any]:
    src = sqlite3.connect(source_path(engine), timeout=30)
    try:
        dst = sqlite3.connect(partial)
        try:
            # One step (pages=-1): the whole copy is read inside one read transaction of the
            # source, i.e. one snapshot; in WAL mode writers go on meanwhile.
            src.backup(dst, pages=-1)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            dst.close()
    finally:
        src.close()
    integrity(partial, "the backup copy")
    return _describe_file(partial)


def integrity(path: Path, what: str) -> None:
    """PRAGMA integrity_check and foreign_key_check of a SQLite file; raises naming the first
    problem."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            problems = [r[0] for r in conn.execute("PRAGMA integrity_check")]
            fk = conn.execute("PRAGMA foreign_key_check").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        problems = [str(exc)]
        fk = []
    if problems != ["ok"]:
        raise ValidationFailed(f"{what} fails SQLite's integrity check: {problems[0]}",
                               code="backup_corrupt",
                               details={"field": "integrity_check", "expected": "ok",
                                        "actual": problems[:5]})
    if fk:
        raise ValidationFailed(f"{what} has rows whose foreign key points nowhere: {fk[0]}",
                               code="backup_corrupt",
                               details={"field": "foreign_key_check", "expected": "none",
                                        "actual": [list(r) for r in fk[:5]]})


def _describe_file(path: Path) -> dict[str, Any]:
    engine = create_engine(f"sqlite:///{path}", poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return describe(conn)
    finally:
        engine.dispose()


def table_names(path: str) -> list[str]:
    """The tables of the SQLite file at `path` ([] when there is no file)."""
    if not Path(path).exists():
        return []
    probe = create_engine(f"sqlite:///{path}", poolclass=NullPool)
    try:
        with probe.connect() as conn:
            return sorted(inspect(conn).get_table_names())
    finally:
        probe.dispose()


def copy_for_restore(backup_file: Path, partial: Path) -> str:
    """Copy `backup_file` to the new file `partial` (mode 0600, made durable); returns the
    SHA-256 of what was written (the copy is checked, not only the original)."""
    digest = hashlib.sha256()
    with backup_file.open("rb") as src, os.fdopen(os.open(
            partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, db.PRIVATE), "wb") as dst:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    return digest.hexdigest()


def fold_wal(path: Path) -> None:
    """Fold any write-ahead log back into the file: the file alone is then the database."""
    with _sqlite(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")


def put_in_place(partial: Path, path: Path) -> None:
    """Give the restored file its name: it replaces only an empty database file (no tables,
    checked by the caller), never an existing database."""
    if path.exists():
        os.replace(partial, path)
    else:
        link_new(partial, path)
    fsync_dir(path.parent)


def remove(partial: Path) -> None:
    """Remove a partial file and the side files SQLite may have made beside it."""
    partial.unlink(missing_ok=True)
    for side in ("-wal", "-shm", "-journal"):
        Path(f"{partial}{side}").unlink(missing_ok=True)


@contextmanager
def _sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(path, timeout=30)
    try:
        yield conn
    finally:
        conn.close()


__all__ = ["backup", "copy_for_restore", "fold_wal", "integrity", "put_in_place", "remove",
           "source_path", "table_names"]
