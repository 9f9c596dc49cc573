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
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, func, inspect, select, table, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from saylau.domain.errors import Conflict, NotFound, SaylauError, Unavailable, ValidationFailed
from saylau.domain.record.envelope import format_timestamp
from saylau.services.context import Saylau
from saylau.store import db
from saylau.store import tables as t

FORMAT = "saylau-backup"
VERSION = 1
_CHUNK = 1 << 20


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


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + ".manifest.json")


def key_copy_path(backup: Path) -> Path:
    return backup.with_name(backup.name + ".central.pem")


def redacted(url: str | URL) -> str:
    return make_url(url).render_as_string(hide_password=True)


# --- backup -----------------------------------------------------------------------------------


def backup(url: str | None, out: Path, *, with_key: bool = False) -> BackupResult:
    """Back up the store at `url` ($SAYLAU_DATABASE_URL, else ./saylau.db) to `out`, with its
    manifest beside it and, only when `with_key`, a copy of the central key (mode 0600).
    Works while the server writes. Refuses to overwrite any file."""
    url = db.database_url(url)
    out = out.absolute()
    targets = [out, manifest_path(out)] + ([key_copy_path(out)] if with_key else [])
    for p in targets:
        if p.exists():
            raise Conflict(f"{p} already exists; a backup never overwrites a file",
                           code="backup_exists",
                           details={"field": "out", "expected": "a path where nothing is",
                                    "actual": str(p)})
    source = Saylau(db.make_engine(url))  # not migrated: a backup changes nothing at its source
    try:
        if db.is_sqlite(source.engine):
            _sqlite_source(source.engine)
        key_source = _central_key_path(source)
        key_bytes = _read_key(key_source) if with_key else None
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.partial")
        try:
            _write_new(partial, b"", db.PRIVATE)  # SQLite and pg_dump write into it, 0600
            if db.is_sqlite(source.engine):
                described = _backup_sqlite(source.engine, partial)
            else:
                described = _backup_postgres(source.engine, partial)
            size, digest = _sha256(partial)
            _fsync(partial)
            manifest: dict[str, Any] = {
                "format": FORMAT, "version": VERSION,
                "created_at": format_timestamp(datetime.now(UTC)),
                "database": source.engine.dialect.name,
                "source": redacted(source.engine.url),
                "file": out.name, "bytes": size, "sha256": digest,
                **described,
            }
            if key_bytes is not None:
                public = _public_hex_of_pem(key_bytes, key_source)
                _central_key_matches_record(public, manifest["elections"], str(key_source))
                manifest["central_key"] = {"included": True, "file": key_copy_path(out).name,
                                           "public_key": public}
            else:
                manifest["central_key"] = {"included": False}
            written: list[Path] = []
            try:
                _link_new(partial, out)
                written.append(out)
                if key_bytes is not None:
                    _write_new(key_copy_path(out), key_bytes, db.PRIVATE)
                    written.append(key_copy_path(out))
                _write_new(manifest_path(out), (json.dumps(manifest, indent=1, sort_keys=True)
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


def _sqlite_source(engine: Engine) -> str:
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


def _backup_sqlite(engine: Engine, partial: Path) -> dict[str, Any]:
    src = sqlite3.connect(_sqlite_source(engine), timeout=30)
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
    _sqlite_integrity(partial, "the backup copy")
    return _describe_file(partial)


def _sqlite_integrity(path: Path, what: str) -> None:
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


def _backup_postgres(engine: Engine, partial: Path) -> dict[str, Any]:
    pg_dump, pg_restore = _pg_tool("pg_dump"), _pg_tool("pg_restore")
    conn_url, env = _libpq(engine.url)
    with engine.connect() as c:
        conn = c.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with conn.begin():
            # Export this transaction's snapshot and give it to pg_dump: the manifest is read
            # from exactly the state the archive holds, whatever is written meanwhile.
            snapshot = str(conn.execute(text("SELECT pg_export_snapshot()")).scalar_one())
            described = describe(conn)
            _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", "--no-password",
                  f"--file={partial}", f"--dbname={conn_url}"], env, "pg_dump")
    # The archive's check: pg_restore reads its table of contents and every data block
    # (decompressing each) without a database.
    _run([pg_restore, f"--file={os.devnull}", str(partial)], env, "pg_restore (check)")
    return described


def describe(conn: Connection) -> dict[str, Any]:
    """What a backup's manifest says about a store, read inside `conn`'s transaction: the
    schema revision, every table's row count, and each election's log and keys."""
    names = sorted(inspect(conn).get_table_names())
    if "alembic_version" not in names:
        raise NotFound("this database has no saylau schema (no alembic_version table)",
                       details={"field": "database", "expected": "a saylau store",
                                "actual": f"{len(names)} table(s)"})
    revisions = [str(r) for r in conn.execute(text("SELECT version_num FROM alembic_version"))
                 .scalars()]
    rows = {n: int(conn.execute(select(func.count()).select_from(table(n))).scalar_one())
            for n in names}
    return {"schema_revision": revisions[0] if len(revisions) == 1 else revisions,
            "rows": rows, "elections": election_logs(conn)}


def election_logs(conn: Connection) -> dict[str, dict[str, Any]]:
    """Per election: its log's size, its latest signed tree head, its central public key (as
    the manifest records them and the restore compares them)."""
    from saylau.services.record import latest_head, log_size

    elections: dict[str, dict[str, Any]] = {}
    ck = t.commission_keys
    for (eid,) in conn.execute(select(t.elections.c.id).order_by(t.elections.c.id)):
        latest = latest_head(conn, eid)
        central = conn.execute(select(ck.c.public_key).where(
            ck.c.election_id == eid, ck.c.role == "central")).scalars().all()
        elections[str(eid)] = {
            "log_size": log_size(conn, eid),
            "tree_head": None if latest is None else {
                "size": latest[0].size, "root": latest[0].root,
                "timestamp": latest[0].timestamp},
            "central_public_key": central[0] if len(central) == 1 else None,
        }
    return elections


# --- restore ----------------------------------------------------------------------------------


def restore(backup_file: Path, url: str | None, *, key_path: Path | None = None,
            progress: Callable[[str], None] | None = None) -> RestoreResult:
    """Restore `backup_file` into the EMPTY database at `url` ($SAYLAU_DATABASE_URL, else
    ./saylau.db) and verify it; the central key goes to `key_path` (default: where the
    restored store reads it, services.record.central_key_path) when the backup holds it.

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
        known = _known_revisions()
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
        key_state, key_bytes = _plan_key(backup_file, manifest, key_to)
        result = RestoreResult(redacted(target.engine.url), key_to, key_state)
        if kind == "sqlite":
            result.lines += _restore_sqlite(backup_file, manifest, target.engine, say)
        else:
            result.lines += _restore_postgres(backup_file, manifest, url, say)
        if key_bytes is not None and key_state == "restored":
            _write_new(key_to, key_bytes, db.PRIVATE)
            say(f"central key restored to {key_to} (mode 0600)")
        return result
    finally:
        target.engine.dispose()


def read_manifest(backup_file: Path) -> dict[str, Any]:
    path = manifest_path(backup_file)
    if not backup_file.is_file():
        raise NotFound(f"no backup file at {backup_file}",
                       details={"field": "backup", "expected": "a file written by saylau "
                                "backup", "actual": str(backup_file)})
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NotFound(f"no manifest {path.name} beside the backup: it is incomplete or not "
                       "a saylau backup", details={"field": "manifest", "expected": str(path),
                                                   "actual": "absent"}) from None
    except (OSError, ValueError) as exc:
        raise ValidationFailed(f"the manifest {path} cannot be read: {exc}",
                               code="backup_corrupt",
                               details={"field": "manifest", "expected": "JSON",
                                        "actual": str(exc)}) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or \
            manifest.get("version") != VERSION:
        got = manifest.get("format") if isinstance(manifest, dict) else type(manifest).__name__
        raise ValidationFailed(f"{path} is not a saylau backup manifest of version {VERSION}",
                               code="backup_corrupt",
                               details={"field": "format", "expected": f"{FORMAT} {VERSION}",
                                        "actual": got})
    missing = [k for k in ("database", "bytes", "sha256", "schema_revision", "rows",
                           "elections", "central_key") if k not in manifest]
    if missing:
        raise ValidationFailed(f"the manifest {path} lacks {', '.join(missing)}",
                               code="backup_corrupt",
                               details={"field": missing[0], "expected": "present",
                                        "actual": "absent"})
    return manifest


def check_digest(backup_file: Path, manifest: dict[str, Any]) -> None:
    """The backup file's size and SHA-256 are the manifest's, or ValidationFailed."""
    size, digest = _sha256(backup_file)
    if size != manifest["bytes"]:
        raise ValidationFailed(
            f"{backup_file} has {size:,} bytes, its manifest says {manifest['bytes']:,}: the "
            "file is truncated or another file; nothing was restored", code="backup_corrupt",
            details={"field": "bytes", "expected": manifest["bytes"], "actual": size})
    if digest != manifest["sha256"]:
        raise ValidationFailed(
            f"{backup_file} is not the file its manifest describes (SHA-256 differs): it was "
            "damaged or changed; nothing was restored", code="backup_corrupt",
            details={"field": "sha256", "expected": manifest["sha256"], "actual": digest})


def _require_empty(engine: Engine) -> None:
    """The target holds no table (nothing is ever overwritten), else Conflict naming them."""
    if db.is_sqlite(engine):
        path = engine.url.database
        if not path or path == ":memory:":
            raise ValidationFailed("cannot restore into an in-memory database",
                                   details={"field": "target", "expected": "a SQLite file",
                                            "actual": path})
        names = []
        if Path(path).exists():
            probe = create_engine(f"sqlite:///{path}", poolclass=NullPool)
            try:
                with probe.connect() as conn:
                    names = sorted(inspect(conn).get_table_names())
            finally:
                probe.dispose()
        for side in (Path(f"{path}-wal"), Path(f"{path}-journal")):
            if not names and side.exists():
                raise Conflict(f"{side} exists: a database was open here; nothing is restored "
                               "over it", code="restore_target_not_empty",
                               details={"field": "target", "expected": "no such file",
                                        "actual": str(side)})
    else:
        with engine.connect() as conn:
            names = sorted(str(n) for n in conn.execute(text(
                "SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON "
                "n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND "
                "n.nspname NOT IN ('pg_catalog', 'information_schema') AND "
                "n.nspname NOT LIKE 'pg_toast%'")).scalars())
    if names:
        shown = ", ".join(names[:8]) + (" ..." if len(names) > 8 else "")
        raise Conflict(
            f"the target database {redacted(engine.url)} is not empty ({len(names)} "
            f"table(s): {shown}); a restore never overwrites. Restore into a new, empty "
            "database (SQLite: a path where no file is; PostgreSQL: createdb NAME)",
            code="restore_target_not_empty",
            details={"field": "target", "expected": "an empty database (no tables)",
                     "actual": f"{len(names)} table(s): {shown}"})


def _plan_key(backup_file: Path, manifest: dict[str, Any], key_to: Path
              ) -> tuple[str, bytes | None]:
    """What happens to the central key: checked before anything is restored."""
    record_keys = {e["central_public_key"] for e in manifest["elections"].values()
                   if e.get("central_public_key")}
    info = manifest["central_key"]
    key_bytes: bytes | None = None
    if info.get("included"):
        src = key_copy_path(backup_file)
        key_bytes = _read_key(src)
        public = _public_hex_of_pem(key_bytes, src)
        if public != info.get("public_key"):
            raise ValidationFailed(
                f"{src} is not the key the manifest names", code="backup_corrupt",
                details={"field": "central_key", "expected": info.get("public_key"),
                         "actual": public})
    if key_to.exists():
        present = _public_hex_of_pem(_read_key(key_to), key_to)
        expected = info.get("public_key") if key_bytes is not None else None
        for want in ([expected] if expected else sorted(record_keys)):
            if present != want:
                raise Conflict(
                    f"{key_to} holds another central key than the restored record's: the "
                    "server would sign tree heads no verifier accepts; move it away first",
                    code="restore_key_conflict",
                    details={"field": "central_key", "expected": want, "actual": present})
        return "present", None
    return ("restored", key_bytes) if key_bytes is not None else ("missing", None)


def _restore_sqlite(backup_file: Path, manifest: dict[str, Any], engine: Engine,
                    say: Callable[[str], None]) -> list[str]:
    path = Path(str(engine.url.database)).absolute()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.restoring")
    try:
        digest = hashlib.sha256()
        with backup_file.open("rb") as src, os.fdopen(os.open(
                partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, db.PRIVATE), "wb") as dst:
            while chunk := src.read(_CHUNK):
                digest.update(chunk)
                dst.write(chunk)
            dst.flush()
            os.fsync(dst.fileno())
        if digest.hexdigest() != manifest["sha256"]:  # the copy, not only the original
            raise ValidationFailed("the copy being restored differs from the backup's SHA-256",
                                   code="backup_corrupt",
                                   details={"field": "sha256", "expected": manifest["sha256"],
                                            "actual": digest.hexdigest()})
        _sqlite_integrity(partial, "the backup")
        say("SQLite integrity check: ok")
        lines = _open_and_verify(f"sqlite:///{partial}", manifest, say)
        with _sqlite(partial) as conn:  # fold any WAL back: the file alone is the database
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("PRAGMA journal_mode=DELETE")
        _require_empty(engine)  # still empty (nothing appeared while we checked)
        if path.exists():  # an empty database file (no tables): replaced by the restored one
            os.replace(partial, path)
        else:
            _link_new(partial, path)
        _fsync_dir(path.parent)
        say(f"restored to {path}")
        return lines
    finally:
        partial.unlink(missing_ok=True)
        for side in ("-wal", "-shm", "-journal"):
            Path(f"{partial}{side}").unlink(missing_ok=True)


def _restore_postgres(backup_file: Path, manifest: dict[str, Any], url: str,
                      say: Callable[[str], None]) -> list[str]:
    pg_restore = _pg_tool("pg_restore")
    conn_url, env = _libpq(make_url(url))
    # --single-transaction with --exit-on-error: all of it or nothing. --no-owner and
    # --no-privileges: the tables belong to whoever restores (saylau grants nothing itself).
    _run([pg_restore, "--exit-on-error", "--single-transaction", "--no-owner",
          "--no-privileges", "--no-password", f"--dbname={conn_url}", str(backup_file)],
         env, "pg_restore")
    say("pg_restore: done, in one transaction")
    try:
        return _open_and_verify(url, manifest, say)
    except SaylauError as exc:
        exc.message += (" (the target database now holds this unverified restore: drop it, "
                        "and restore another backup into a new empty database)")
        raise


def _open_and_verify(url: str, manifest: dict[str, Any], say: Callable[[str], None]
                     ) -> list[str]:
    """Open the restored store (migrating it when the backup's schema is older) and check it
    against the manifest and with the record's verifier."""
    app = Saylau.open(url)
    try:
        lines: list[str] = []
        with app.read() as conn:
            counts = {n: int(conn.execute(select(func.count()).select_from(table(n)))
                             .scalar_one()) for n in manifest["rows"]}
        for name, expected in sorted(manifest["rows"].items()):
            if counts[name] != expected:
                raise ValidationFailed(
                    f"table {name} has {counts[name]:,} rows after the restore, the backup had "
                    f"{expected:,}", code="restore_mismatch",
                    details={"field": f"rows.{name}", "expected": expected,
                             "actual": counts[name]})
        lines.append(f"{len(counts)} tables, {sum(counts.values()):,} rows: every count as in "
                     "the manifest")
        say(lines[-1])
        lines += verify_store(app, manifest, say)
        return lines
    finally:
        app.engine.dispose()


def verify_store(app: Saylau, manifest: dict[str, Any] | None = None,
                 say: Callable[[str], None] | None = None) -> list[str]:
    """Verify every election of the store with the record's own verifier: the Merkle root of
    the stored leaves against every signed tree head, every signature (tree heads by the
    central key named in the election's record), every protocol, and the results computed
    from the tables against those recomputed from the log. With a manifest, each election's
    log size, latest tree head and central key must also be the manifest's. Needs no private
    key and signs nothing."""
    from saylau.domain.record.verify import VerificationFailed, verify_record
    from saylau.services.record import all_leaves, published_results
    from saylau.services.record import tree_heads as stored_heads

    emit = say or (lambda _line: None)
    lines: list[str] = []
    with app.read() as conn:
        found = election_logs(conn)
    if manifest is not None and sorted(found) != sorted(manifest["elections"]):
        raise ValidationFailed("the restored store holds other elections than the backup",
                               code="restore_mismatch",
                               details={"field": "elections",
                                        "expected": sorted(manifest["elections"]),
                                        "actual": sorted(found)})
    for eid, have in found.items():
        if manifest is not None:
            want = manifest["elections"][eid]
            for f in ("log_size", "tree_head", "central_public_key"):
                if have[f] != want.get(f):
                    raise ValidationFailed(
                        f"election {eid}: {f} after the restore differs from the backup's",
                        code="restore_mismatch",
                        details={"field": f"elections.{eid}.{f}", "expected": want.get(f),
                                 "actual": have[f]})
        central = have["central_public_key"]
        if central is None:
            raise ValidationFailed(f"election {eid} has no central commission key",
                                   code="restore_mismatch",
                                   details={"field": f"elections.{eid}.central_public_key",
                                            "expected": "one central key", "actual": None})
        try:
            report, _v = verify_record(all_leaves(app, eid), stored_heads(app, eid),
                                       bytes.fromhex(central), published_results(app, eid))
        except VerificationFailed as exc:
            raise VerificationFailed(f"election {eid}: {exc.message}",
                                     details={**exc.details, "election": eid}) from None
        head = have["tree_head"]
        if head is None:
            summary = "no signed tree head yet: no leaf is covered by the central signature"
        else:
            summary = (f"the latest signed tree head (size {head['size']:,}, root "
                       f"{head['root'][:16]}...) recomputed from the stored leaves and equal")
            if have["log_size"] > head["size"]:
                summary += f"; {have['log_size'] - head['size']:,} leaf(s) after it, not yet signed"
        lines.append(f"election {eid}: {have['log_size']:,} leaves; {summary}")
        emit(lines[-1])
        for line in report.lines:
            lines.append(f"  {line}")
            emit(lines[-1])
    lines.append(_verify_audit_log(app, [h["central_public_key"] for h in found.values()]))
    emit(lines[-1])
    return lines


def _verify_audit_log(app: Saylau, central_keys: list[str]) -> str:
    """The audit log (services.audit), checked like an election's log: leaf hashes, every
    signed head's root and signature (by the central key the elections' records name)."""
    from saylau.services import audit

    keys = set(central_keys)
    if len(keys) > 1:
        raise ValidationFailed("the elections name different central keys: which one signed "
                               "the audit log is not known", code="restore_mismatch",
                               details={"field": "central_public_key", "expected": "one key",
                                        "actual": sorted(keys)})
    if not keys:
        return "audit log: no election, so no central key named to check it against (skipped)"
    check = audit.verify(app, keys.pop())
    if not check.ok:
        raise ValidationFailed(f"the audit log does not verify: {'; '.join(check.problems)}",
                               code="restore_mismatch",
                               details={"field": "audit", "expected": "a verified log",
                                        "actual": check.problems})
    return (f"audit log: {check.size:,} entries; the latest signed tree head (size "
            f"{check.head_size:,}) recomputed from the stored entries and equal")


# --- helpers ----------------------------------------------------------------------------------


def _central_key_path(app: Saylau) -> Path:
    from saylau.services.record import central_key_path

    return central_key_path(app).absolute()


def _read_key(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"no central key at {path}",
                       details={"field": "central_key", "expected": "a PEM file",
                                "actual": str(path)}) from None


def _public_hex_of_pem(data: bytes, path: Path) -> str:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    from saylau.domain.record.signing import public_key_bytes

    try:
        key = load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise ValidationFailed(f"{path} is not a private key in PEM: {exc}",
                               details={"field": "central_key", "expected": "an Ed25519 "
                                        "private key in PEM", "actual": str(path)}) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ValidationFailed(f"{path} is not an Ed25519 key",
                               details={"field": "central_key", "expected": "Ed25519",
                                        "actual": type(key).__name__})
    return public_key_bytes(key).hex()


def _central_key_matches_record(public: str, elections: dict[str, Any], where: str) -> None:
    for eid, e in elections.items():
        if e.get("central_public_key") and e["central_public_key"] != public:
            raise ValidationFailed(
                f"the central key at {where} is not the one election {eid} names: it would "
                "not sign this record's tree heads", code="backup_key_mismatch",
                details={"field": "central_key", "expected": e["central_public_key"],
                         "actual": public})


def _known_revisions() -> set[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(db.migrations_dir()))
    return {s.revision for s in ScriptDirectory.from_config(cfg).walk_revisions()}


def _sha256(path: Path) -> tuple[int, str]:
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
            size += len(chunk)
    return size, h.hexdigest()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    with suppress(OSError):  # not every file system lets a directory be synced
        _fsync(path)


def _link_new(src: Path, dst: Path) -> None:
    """Give `src` the name `dst`, failing (never replacing) when `dst` exists."""
    try:
        os.link(src, dst)
    except FileExistsError:
        raise Conflict(f"{dst} appeared meanwhile; nothing is overwritten",
                       code="backup_exists",
                       details={"field": "path", "expected": "a path where nothing is",
                                "actual": str(dst)}) from None
    src.unlink()
    _fsync_dir(dst.parent)


def _write_new(path: Path, data: bytes, mode: int) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        raise Conflict(f"{path} already exists; nothing is overwritten", code="backup_exists",
                       details={"field": "path", "expected": "a path where nothing is",
                                "actual": str(path)}) from None
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


@contextmanager
def _sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(path, timeout=30)
    try:
        yield conn
    finally:
        conn.close()


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise NotFound(
            f"{name} is not installed: install the PostgreSQL client programs of the server's "
            "major version or newer (Debian: apt-get install postgresql-client)",
            code="pg_tool_missing",
            details={"field": name, "expected": "on PATH", "actual": "not found"})
    return found


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection URI for pg_dump/pg_restore, and the environment to run them in: the
    password, if any, goes in PGPASSWORD, never on a command line others can read."""
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(argv: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - a PostgreSQL client found on PATH, no shell
    if done.returncode != 0:
        message = (done.stderr or done.stdout).strip().splitlines()
        raise Unavailable(f"{what} failed (exit {done.returncode}): "
                          + ("; ".join(message[-5:]) or "no message"), code="pg_tool_failed",
                          details={"field": what, "expected": "exit 0",
                                   "actual": done.returncode})
