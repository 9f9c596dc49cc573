"""Backups of the store and their restore, checked end to end (docs/operations.md, "Backup").

A backup is three files side by side:

- OUT: the database. SQLite: a copy made with SQLite's online backup API, which reads one
  consistent snapshot while the server keeps writing (WAL mode), then switched to a plain
  rollback journal so that the copy is one self-contained file; PostgreSQL: a `pg_dump
  --format=custom` archive of a snapshot exported by a repeatable-read transaction, so the
  manifest below describes exactly what the archive holds.
- OUT.manifest.json: when, from where (any password redacted), the schema revision, the row
  count of every table, for each election the log size, the latest signed tree head and the
  central commission's public key; the size and SHA-256 of OUT. Written last: a backup without
  its manifest is incomplete and is not restored.
- OUT.central.pem, only with `with_key=True`: the central commission's private signing key
  (mode 0600). By default a backup does not hold the key: backups are copied to more places
  than the signing key should be, and the record verifies without it.

A restore never overwrites anything: it refuses a target database that holds any table, a
key file that differs, a backup whose size or SHA-256 differs from its manifest. It then
checks what it restored with the record's own verifier (saylau.domain.record.verify): for
every election, the Merkle root of the stored leaves against every signed tree head, every
signature, every protocol and the results computed from the tables; and every table's row
count, log size and latest tree head against the manifest.

The engines live in the store (store.backup: sqlite, postgres, the inventory a manifest
records); the manifest in services.backup_manifest; the restore's checks in
services.backup_verify. This module is the use case: it refuses, orders and cleans up.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from saylau.domain.errors import Conflict, SaylauError, ValidationFailed
from saylau.domain.record.envelope import format_timestamp
from saylau.services import logs
from saylau.services.backup_manifest import (
    FORMAT,
    VERSION,
    central_key_matches_record,
    check_digest,
    key_copy_path,
    manifest_path,
    plan_key,
    public_hex_of_pem,
    read_key,
    read_manifest,
    redacted,
)
from saylau.services.backup_verify import open_and_verify, verify_store
from saylau.services.context import Saylau, utc_now
from saylau.store import db
from saylau.store.backup import postgres, sqlite
from saylau.store.backup.files import fsync, link_new, sha256, write_new
from saylau.store.backup.inventory import describe, election_logs, known_revisions


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest_path: Path
    key_path: Path | None
    """Where the central key was copied, or None when the backup does not hold it."""
    central_key_source: Path
    """Where the store's central key lives (to be kept safe apart when not in the backup)."""
    manifest: dict[str, Any]


@dataclass
class RestoreResult:
    target: str
    """The target database's URL, any password redacted."""
    key_path: Path
    """Where the restored store's central key is read from."""
    key_state: str
    """'restored' (copied from the backup), 'present' (already there, the same key) or
    'missing' (neither: put the backed-up key there before serving)."""
    lines: list[str] = field(default_factory=list)
    """What was checked, for the person restoring."""


# --- backup ------------------------------------------------------------------------------------


def backup(url: str | None, out: Path, *, with_key: bool = False,
           clock: Callable[[], datetime] = utc_now) -> BackupResult:
    """Back up the store at `url` ($SAYLAU_DATABASE_URL, else ./saylau.db) to `out`, with its
    manifest beside it and, only when `with_key`, a copy of the central key (mode 0600).
    Works while the server writes. Refuses to overwrite any file. `clock` gives the
    manifest's `created_at` (the services' clock, as everywhere)."""
    url = db.database_url(url)
    out = out.absolute()
    targets = [out, manifest_path(out)] + ([key_copy_path(out)] if with_key else [])
    for p in targets:
        if p.exists():
            raise Conflict(f"{p} already exists; a backup never overwrites a file",
                           code="backup_exists",
                           details={"field": "out", "expected": "a path where nothing is",
                                    "actual": str(p)})
    # not migrated: a backup changes nothing at its source
    source = Saylau(db.make_engine(url), clock=clock)
    try:
        if db.is_sqlite(source.engine):
            sqlite.source_path(source.engine)
        key_source = _central_key_path(source)
        key_bytes = read_key(key_source) if with_key else None
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.partial")
        try:
            write_new(partial, b"", db.PRIVATE)  # SQLite and pg_dump write into it, 0600
            if db.is_sqlite(source.engine):
                described = sqlite.backup(source.engine, partial)
            else:
                described = postgres.backup(source.engine, partial)
            size, digest = sha256(partial)
            fsync(partial)
            manifest: dict[str, Any] = {
                "format": FORMAT, "version": VERSION,
                "created_at": format_timestamp(source.clock()),
                "database": source.engine.dialect.name,
                "source": redacted(source.engine.url),
                "file": out.name, "bytes": size, "sha256": digest,
                **described,
            }
            if key_bytes is not None:
                public = public_hex_of_pem(key_bytes, key_source)
                central_key_matches_record(public, manifest["elections"], str(key_source))
                manifest["central_key"] = {"included": True, "file": key_copy_path(out).name,
                                           "public_key": public}
            else:
                manifest["central_key"] = {"included": False}
            written: list[Path] = []
            try:
                link_new(partial, out)
                written.append(out)
                if key_bytes is not None:
                    write_new(key_copy_path(out), key_bytes, db.PRIVATE)
                    written.append(key_copy_path(out))
                write_new(manifest_path(out), (json.dumps(manifest, indent=1, sort_keys=True)
                                                + "\n").encode("utf-8"), db.PRIVATE)
            except BaseException:
                for p in written:  # ours, made by this call: an incomplete backup is removed
                    p.unlink(missing_ok=True)
                raise
        finally:
            partial.unlink(missing_ok=True)
    finally:
        source.engine.dispose()
    return BackupResult(out, manifest_path(out), key_copy_path(out) if with_key else None,
                        key_source, manifest)


# --- restore -----------------------------------------------------------------------------------


def restore(backup_file: Path, url: str | None, *, key_path: Path | None = None,
            progress: Callable[[str], None] | None = None) -> RestoreResult:
    """Restore `backup_file` into the EMPTY database at `url` ($SAYLAU_DATABASE_URL, else
    ./saylau.db) and verify it; the central key goes to `key_path` (default: where the
    restored store reads it, services.logs.central_key_path) when the backup holds it.

    Refused, before anything is written: a backup without its manifest, whose size or SHA-256
    differs from it, of another database kind or of a schema revision this saylau does not
    know; a target that holds any table; a key file at `key_path` that is another key than
    the record's. Verified after: see the module's docstring. SQLite is verified before the
    file is put in place (a failed check leaves no database behind); PostgreSQL in place."""
    say = progress or (lambda _line: None)
    backup_file = backup_file.absolute()
    manifest = read_manifest(backup_file)
    url = db.database_url(url)
    target = Saylau(db.make_engine(url))
    try:
        kind = target.engine.dialect.name
        if manifest["database"] != kind:
            raise ValidationFailed(
                f"this is a {manifest['database']} backup; the target is {kind}",
                code="backup_wrong_database",
                details={"field": "database", "expected": manifest["database"],
                         "actual": kind})
        revision = manifest["schema_revision"]
        known = known_revisions()
        if not isinstance(revision, str) or revision not in known:
            raise ValidationFailed(
                f"the backup's schema revision {revision!r} is unknown to this saylau (a newer "
                "version made it?)", code="backup_unknown_schema",
                details={"field": "schema_revision", "expected": f"one of {sorted(known)}",
                         "actual": revision})
        check_digest(backup_file, manifest)
        say(f"{backup_file.name}: {manifest['bytes']:,} bytes, SHA-256 as in the manifest")
        _require_empty(target.engine)
        say(f"target {redacted(target.engine.url)} is empty")
        key_to = key_path or _central_key_path(target)
        key_state, key_bytes = plan_key(backup_file, manifest, key_to)
        result = RestoreResult(redacted(target.engine.url), key_to, key_state)
        if kind == "sqlite":
            result.lines += _restore_sqlite(backup_file, manifest, target.engine, say)
        else:
            result.lines += _restore_postgres(backup_file, manifest, url, say)
        if key_bytes is not None and key_state == "restored":
            write_new(key_to, key_bytes, db.PRIVATE)
            say(f"central key restored to {key_to} (mode 0600)")
        return result
    finally:
        target.engine.dispose()


def _require_empty(engine: Engine) -> None:
    """The target holds no table (nothing is ever overwritten), else Conflict naming them."""
    if db.is_sqlite(engine):
        path = engine.url.database
        if not path or path == ":memory:":
            raise ValidationFailed("cannot restore into an in-memory database",
                                   details={"field": "target", "expected": "a SQLite file",
                                            "actual": path})
        names = sqlite.table_names(path)
        for side in (Path(f"{path}-wal"), Path(f"{path}-journal")):
            if not names and side.exists():
                raise Conflict(f"{side} exists: a database was open here; nothing is restored "
                               "over it", code="restore_target_not_empty",
                               details={"field": "target", "expected": "no such file",
                                        "actual": str(side)})
    else:
        names = postgres.table_names(engine)
    if names:
        shown = ", ".join(names[:8]) + (" ..." if len(names) > 8 else "")
        raise Conflict(
            f"the target database {redacted(engine.url)} is not empty ({len(names)} "
            f"table(s): {shown}); a restore never overwrites. Restore into a new, empty "
            "database (SQLite: a path where no file is; PostgreSQL: createdb NAME)",
            code="restore_target_not_empty",
            details={"field": "target", "expected": "an empty database (no tables)",
                     "actual": f"{len(names)} table(s): {shown}"})


def _restore_sqlite(backup_file: Path, manifest: dict[str, Any], engine: Engine,
                    say: Callable[[str], None]) -> list[str]:
    path = Path(str(engine.url.database)).absolute()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.restoring")
    try:
        digest = sqlite.copy_for_restore(backup_file, partial)
        if digest != manifest["sha256"]:  # the copy, not only the original
            raise ValidationFailed("the copy being restored differs from the backup's SHA-256",
                                   code="backup_corrupt",
                                   details={"field": "sha256", "expected": manifest["sha256"],
                                            "actual": digest})
        sqlite.integrity(partial, "the backup")
        say("SQLite integrity check: ok")
        lines = open_and_verify(f"sqlite:///{partial}", manifest, say)
        sqlite.fold_wal(partial)
        _require_empty(engine)  # still empty (nothing appeared while we checked)
        sqlite.put_in_place(partial, path)  # over an empty database file (no tables) only
        say(f"restored to {path}")
        return lines
    finally:
        sqlite.remove(partial)


def _restore_postgres(backup_file: Path, manifest: dict[str, Any], url: str,
                      say: Callable[[str], None]) -> list[str]:
    postgres.restore(backup_file, url)
    say("pg_restore: done, in one transaction")
    try:
        return open_and_verify(url, manifest, say)
    except SaylauError as exc:
        exc.message += (" (the target database now holds this unverified restore: drop it, "
                        "and restore another backup into a new empty database)")
        raise


def _central_key_path(app: Saylau) -> Path:
    return logs.central_key_path(app).absolute()


__all__ = ["FORMAT", "VERSION", "BackupResult", "RestoreResult", "backup", "check_digest",
           "describe", "election_logs", "key_copy_path", "manifest_path", "read_manifest",
           "redacted", "restore", "verify_store"]
