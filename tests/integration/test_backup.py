"""Backup and restore (services/backup.py, `saylau backup` / `saylau restore`), on SQLite and
PostgreSQL: a round trip restores every row and a record that verifies; a backup taken while
the server writes is one consistent state; a damaged backup, a non-empty target and a foreign
key file are refused before anything is written; a database whose tables were changed after
the record was signed does not pass the restore's verification."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, inspect, select, table, text
from sqlalchemy.pool import NullPool
from typer.testing import CliRunner

from saylau.cli.main import app as cli
from saylau.domain.access import Principal, Role
from saylau.domain.errors import Conflict, NotFound, ValidationFailed
from saylau.domain.ids import ActorId, OptionId
from saylau.domain.protocols import COUNT_FIELDS, ProtocolCounts
from saylau.domain.record.envelope import protocol_body
from saylau.domain.record.signing import sign_body
from saylau.domain.record.verify import VerificationFailed
from saylau.services import backup as bk
from saylau.services import record as rec
from saylau.services.context import Saylau
from saylau.services.keys import generate_keypair
from saylau.services.protocols import submit_protocol
from saylau.services.turnout import submit_turnout
from saylau.store import db
from tests.conftest import PG_ADMIN_URL

ADMIN = Principal(ActorId("cec"), Role.ADMIN)


def counts(registered: int, k: int) -> ProtocolCounts:
    """A protocol that passes every check; `k` varies its figures."""
    issued = registered * 7 // 10
    invalid, both = 3 + k % 4, 1 + k % 3
    yes = (issued - invalid - both) * 3 // 4 - k
    return ProtocolCounts.of(
        registered=registered, ballots_received=registered, ballots_issued=issued,
        ballots_cancelled=registered - issued, ballots_in_boxes=issued, invalid=invalid,
        both_marked=both,
        votes={OptionId("yes"): yes, OptionId("no"): issued - invalid - both - yes})


def election_night(app: Saylau, contest: str) -> None:
    """Protocols for all stations but one, one signed by its commission's registered key, one
    corrected, turnout reports, a signed tree head, then one more protocol after that head."""
    stations = list(app.geography().stations())
    key, pub = generate_keypair()
    signed = stations[0]
    rec.register_key(app, "ref", signed.id, pub.hex(), "cec")
    for k, s in enumerate(stations[:-2]):
        c = counts(s.registered, k)
        sig = None
        if s.id == signed.id:
            body = protocol_body(contest=contest, station=s.id, version=1,
                                 counts={f: getattr(c, f) for f in COUNT_FIELDS},
                                 votes=dict(c.votes), reason=None)
            sig = sign_body(key, "protocol", body)
        submit_protocol(app, ADMIN, contest, s.id, c, signature=sig)
        submit_turnout(app, ADMIN, contest, s.id, "10:00", c.ballots_issued // 3)
    fixed = stations[1]
    submit_protocol(app, ADMIN, contest, fixed.id, counts(fixed.registered, 40),
                    correction=True, corrects=1, reason="recounted")
    rec.tree_head(app, "ref")
    late = stations[-2]
    submit_protocol(app, ADMIN, contest, late.id, counts(late.registered, 3))


@pytest.fixture
def target_url(db_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the same kind as `db_url`, for the restore."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored' / 'saylau.db'}"
        return
    import psycopg

    name = f"saylau_test_restore_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def row_counts(url: str) -> dict[str, int]:
    """Every table of the database at `url` and its row count (0 tables when it is empty)."""
    url = db.database_url(url)
    if url.startswith("sqlite") and not Path(str(db.make_engine(url).url.database)).exists():
        return {}
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return {n: int(conn.execute(select(func.count()).select_from(table(n))).scalar_one())
                    for n in inspect(conn).get_table_names()}
    finally:
        engine.dispose()


def leaves(url: str, election: str = "ref") -> list[bytes]:
    app = Saylau.open(url, migrate=False)
    try:
        return list(rec.all_leaves(app, election))
    finally:
        app.engine.dispose()


def log_size(app: Saylau, election: str = "ref") -> int:
    with app.read() as conn:
        return rec.log_size(conn, election)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def schema_head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(db.migrations_dir()))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


# --- the round trip ------------------------------------------------------------------------------


def test_a_backup_restores_every_row_and_a_record_that_verifies(
    referendum: tuple[Saylau, str], db_url: str, target_url: str, tmp_path: Path,
) -> None:
    app, contest = referendum
    election_night(app, contest)
    out = tmp_path / "backups" / "night.backup"
    result = bk.backup(db_url, out)

    manifest = json.loads(bk.manifest_path(out).read_text(encoding="utf-8"))
    assert manifest == result.manifest
    assert manifest["sha256"] == sha256(out) and manifest["bytes"] == out.stat().st_size
    assert manifest["schema_revision"] == schema_head()
    assert manifest["database"] == app.engine.dialect.name
    assert manifest["rows"] == row_counts(db_url)
    with app.read() as conn:
        size = rec.log_size(conn, "ref")
    head = rec.tree_heads(app, "ref")[-1]
    assert manifest["elections"]["ref"]["log_size"] == size
    assert manifest["elections"]["ref"]["tree_head"]["root"] == head.root
    # every append is covered by a head signed in its own transaction (store.log)
    assert manifest["elections"]["ref"]["tree_head"]["size"] == head.size == size
    assert manifest["central_key"] == {"included": False}
    assert not bk.key_copy_path(out).exists()

    restored = bk.restore(out, target_url)
    assert restored.key_state == "present"  # the tests' key path: the same key as the source
    assert any("recomputed from the stored leaves and equal" in line for line in restored.lines)
    assert any("signature checked" in line for line in restored.lines)

    assert row_counts(target_url) == row_counts(db_url)
    assert leaves(target_url) == leaves(db_url)
    again = Saylau.open(target_url)
    try:
        assert rec.published_results(again, "ref") == rec.published_results(app, "ref")
        assert [h.as_json() for h in rec.tree_heads(again, "ref")] == \
            [h.as_json() for h in rec.tree_heads(app, "ref")]
        # the restored store carries on: new rows get new keys, a new head verifies
        last = list(again.geography().stations())[-1]
        submit_protocol(again, ADMIN, contest, last.id, counts(last.registered, 5))
        rec.tree_head(again, "ref")
        assert bk.verify_store(again)
    finally:
        again.engine.dispose()


def test_the_manifest_never_holds_a_password(db_url: str, referendum: tuple[Saylau, str],
                                             tmp_path: Path) -> None:
    url = db_url
    if db_url.startswith("postgresql"):  # trust authentication ignores the password
        url = db_url.replace("postgresql://postgres@", "postgresql://postgres:s3cret-pw@")
    out = tmp_path / "b"
    m = bk.backup(url, out).manifest
    text_ = bk.manifest_path(out).read_text(encoding="utf-8")
    assert "s3cret-pw" not in text_
    if url != db_url:
        assert m["source"].startswith("postgresql+psycopg://postgres:***@")
    else:
        assert m["source"] == db.database_url(db_url)


# --- a backup while the server writes ------------------------------------------------------------


def test_a_backup_taken_while_protocols_keep_coming_is_one_consistent_state(
    referendum: tuple[Saylau, str], db_url: str, target_url: str, tmp_path: Path,
) -> None:
    app, contest = referendum
    election_night(app, contest)
    station = list(app.geography().stations())[2]
    written: list[int] = []
    failures: list[BaseException] = []
    stop = threading.Event()

    def keep_writing() -> None:
        version = 1  # election_night sent the station's first protocol; each correction names
        try:  # the version it corrects, the one the previous call made
            for i in range(1, 2001):
                if stop.is_set():
                    return
                version = submit_protocol(
                    app, ADMIN, contest, station.id, counts(station.registered, 10 + i % 50),
                    correction=True, corrects=version, reason=f"recount {i}").protocol.version
                if i % 4 == 0:
                    rec.tree_head(app, "ref")  # heads are signed meanwhile too
                written.append(i)
        except BaseException as exc:  # reported by the test below
            failures.append(exc)

    writer = threading.Thread(target=keep_writing, daemon=True)
    writer.start()
    try:
        while len(written) < 3 and writer.is_alive():
            stop.wait(0.01)
        chosen: Path | None = None
        for attempt in range(20):  # until one backup ran wholly while writes committed
            out = tmp_path / f"live-{attempt}.backup"
            before, size_before = len(written), log_size(app)
            bk.backup(db_url, out)
            if len(written) > before + 1:
                chosen, size_after = out, log_size(app)
                break
        after = len(written)
        while len(written) < after + 2 and writer.is_alive():  # and the writer goes on
            stop.wait(0.01)
    finally:
        stop.set()
        writer.join(timeout=60)
    assert not failures, failures
    assert chosen is not None, "no backup overlapped a write: the test proved nothing"

    manifest = json.loads(bk.manifest_path(chosen).read_text(encoding="utf-8"))
    source_leaves = leaves(db_url)
    n = manifest["elections"]["ref"]["log_size"]
    # a snapshot from the middle of the writing: everything committed before the backup
    # began (none of it lost in a write-ahead log), nothing after it ended
    assert size_before <= n <= size_after < len(source_leaves)
    bk.restore(chosen, target_url)  # verifies the record, the tables and the manifest
    assert leaves(target_url) == source_leaves[:n]  # exactly the log at one moment
    restored = row_counts(target_url)
    assert restored == manifest["rows"]
    assert restored["protocol_versions"] < row_counts(db_url)["protocol_versions"]


# --- refusals ------------------------------------------------------------------------------------


def test_a_backup_with_a_flipped_byte_is_refused_and_nothing_is_restored(
    referendum: tuple[Saylau, str], db_url: str, target_url: str, tmp_path: Path,
) -> None:
    app, contest = referendum
    election_night(app, contest)
    out = tmp_path / "b.backup"
    bk.backup(db_url, out)
    good = sha256(out)
    data = bytearray(out.read_bytes())
    data[len(data) // 2] ^= 0x01
    out.write_bytes(bytes(data))
    with pytest.raises(ValidationFailed) as e:
        bk.restore(out, target_url)
    assert e.value.code == "backup_corrupt"
    assert e.value.details == {"field": "sha256", "expected": good, "actual": sha256(out)}
    assert row_counts(target_url) == {}


def test_a_truncated_backup_is_refused(referendum: tuple[Saylau, str], db_url: str,
                                       target_url: str, tmp_path: Path) -> None:
    out = tmp_path / "b.backup"
    size = bk.backup(db_url, out).manifest["bytes"]
    with out.open("r+b") as f:
        f.truncate(size - 1)
    with pytest.raises(ValidationFailed) as e:
        bk.restore(out, target_url)
    assert e.value.details == {"field": "bytes", "expected": size, "actual": size - 1}
    assert row_counts(target_url) == {}


def test_a_non_empty_target_is_refused_and_left_as_it_was(
    referendum: tuple[Saylau, str], db_url: str, tmp_path: Path,
) -> None:
    app, contest = referendum
    election_night(app, contest)
    out = tmp_path / "b.backup"
    bk.backup(db_url, out)
    before = row_counts(db_url)
    with pytest.raises(Conflict) as e:
        bk.restore(out, db_url)  # the source itself: full
    assert e.value.code == "restore_target_not_empty"
    assert e.value.details["field"] == "target"
    assert e.value.details["expected"] == "an empty database (no tables)"
    assert e.value.details["actual"].startswith(f"{len(before)} table(s): ")
    assert row_counts(db_url) == before


def test_a_backup_never_overwrites(referendum: tuple[Saylau, str], db_url: str,
                                   tmp_path: Path) -> None:
    out = tmp_path / "b.backup"
    out.write_bytes(b"something else")
    with pytest.raises(Conflict) as e:
        bk.backup(db_url, out)
    assert e.value.details["actual"] == str(out)
    assert out.read_bytes() == b"something else"
    assert not bk.manifest_path(out).exists()


def test_a_backup_without_its_manifest_is_not_restored(
    referendum: tuple[Saylau, str], db_url: str, target_url: str, tmp_path: Path,
) -> None:
    out = tmp_path / "b.backup"
    bk.backup(db_url, out)
    bk.manifest_path(out).unlink()
    with pytest.raises(NotFound) as e:
        bk.restore(out, target_url)
    assert e.value.details["field"] == "manifest"
    assert row_counts(target_url) == {}


def test_the_restore_checks_the_record_not_only_the_checksum(
    referendum: tuple[Saylau, str], db_url: str, target_url: str, tmp_path: Path,
) -> None:
    """A figure changed in the tables after the record was logged: the backup of that database
    is intact (its SHA-256 matches), but the restored store does not verify."""
    app, contest = referendum
    election_night(app, contest)
    station = list(app.geography().stations())[3].id
    with app.engine.begin() as conn:
        conn.execute(text("UPDATE protocol_versions SET invalid = invalid + 1, "
                          "ballots_in_boxes = ballots_in_boxes + 1 WHERE station_id = :s"),
                     {"s": station})
    out = tmp_path / "b.backup"
    bk.backup(db_url, out)
    with pytest.raises(VerificationFailed) as e:
        bk.restore(out, target_url)
    assert e.value.message.startswith("election ref: ")
    assert "published" in e.value.message
    assert e.value.details["field"] in ("invalid", "ballots_in_boxes")
    if db_url.startswith("sqlite"):  # checked before it was put in place: nothing left
        assert row_counts(target_url) == {}
        assert os.listdir(Path(target_url.removeprefix("sqlite:///")).parent) == []


def test_the_restore_checks_the_audit_log_too(
    referendum: tuple[Saylau, str], db_url: str, target_url: str, tmp_path: Path,
) -> None:
    """An audit entry rewritten after it was signed (who issued a token, say): the restore
    refuses the store."""
    from saylau.services import admin_log

    app, contest = referendum
    election_night(app, contest)
    admin_log.tree_head(app)  # signed over every entry so far
    with app.engine.begin() as conn:
        conn.execute(text("UPDATE log_leaves SET data = replace(data, '\"test\"', "
                          "'\"someone-else\"') WHERE election_id = :a AND idx = 1"),
                     {"a": admin_log.ADMIN_LOG})
    assert not admin_log.verify(app).ok
    out = tmp_path / "b.backup"
    bk.backup(db_url, out)
    with pytest.raises(ValidationFailed) as e:
        bk.restore(out, target_url)
    assert "audit log" in e.value.message


def test_the_restore_refuses_a_token_edited_after_it_was_issued(
    referendum: tuple[Saylau, str], db_url: str, target_url: str, tmp_path: Path,
) -> None:
    """`update tokens set role='admin'` in the source: the backup's checksum is fine, but the
    token no longer matches its signed audit entry, and the restore says so (item 7)."""
    from saylau.services.tokens import create_token

    app, contest = referendum
    election_night(app, contest)
    create_token(app, "watcher", "observer")
    with app.engine.begin() as conn:
        conn.execute(text("UPDATE tokens SET role = 'admin' WHERE name = 'watcher'"))
    out = tmp_path / "b.backup"
    bk.backup(db_url, out)
    with pytest.raises(ValidationFailed) as e:
        bk.restore(out, target_url)
    assert "audit log" in e.value.message and "watcher" in e.value.message


# --- the central key -----------------------------------------------------------------------------


def test_the_key_is_in_a_backup_only_when_asked_and_stays_private(
    referendum: tuple[Saylau, str], db_url: str, target_url: str, tmp_path: Path,
) -> None:
    app, contest = referendum
    election_night(app, contest)
    source_key = rec.central_key_path(app)
    plain = bk.backup(db_url, tmp_path / "plain.backup")
    assert plain.key_path is None and not bk.key_copy_path(tmp_path / "plain.backup").exists()
    assert plain.central_key_source == source_key.absolute()

    out = tmp_path / "keyed.backup"
    keyed = bk.backup(db_url, out, with_key=True)
    assert keyed.key_path == bk.key_copy_path(out)
    assert keyed.key_path.read_bytes() == source_key.read_bytes()
    assert stat.S_IMODE(keyed.key_path.stat().st_mode) == 0o600
    central = rec.central_public_hex(app)
    assert keyed.manifest["central_key"] == {"included": True, "file": keyed.key_path.name,
                                             "public_key": central}

    elsewhere = tmp_path / "new-server" / "central.pem"
    elsewhere.parent.mkdir()
    r = bk.restore(out, target_url, key_path=elsewhere)
    assert (r.key_state, r.key_path) == ("restored", elsewhere)
    assert elsewhere.read_bytes() == source_key.read_bytes()
    assert stat.S_IMODE(elsewhere.stat().st_mode) == 0o600


def test_a_different_key_at_the_target_is_refused_before_anything_is_restored(
    referendum: tuple[Saylau, str], db_url: str, target_url: str, tmp_path: Path,
) -> None:
    from saylau.services.keys import save_private_key

    app, contest = referendum
    election_night(app, contest)
    out = tmp_path / "b.backup"
    bk.backup(db_url, out)
    other_key, other_pub = generate_keypair()
    other = tmp_path / "other.pem"
    save_private_key(other_key, other)
    with pytest.raises(Conflict) as e:
        bk.restore(out, target_url, key_path=other)
    assert e.value.details == {"field": "central_key", "expected": rec.central_public_hex(app),
                               "actual": other_pub.hex()}
    assert row_counts(target_url) == {}


def test_a_backup_refuses_a_key_file_that_does_not_sign_this_record(
    referendum: tuple[Saylau, str], db_url: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from saylau.services.keys import save_private_key

    key, _pub = generate_keypair()
    save_private_key(key, tmp_path / "stray.pem")
    monkeypatch.setenv("SAYLAU_CENTRAL_KEY", str(tmp_path / "stray.pem"))
    out = tmp_path / "b.backup"
    with pytest.raises(ValidationFailed) as e:
        bk.backup(db_url, out, with_key=True)
    assert e.value.code == "backup_key_mismatch"
    assert list(tmp_path.glob("b.backup*")) == []


@pytest.mark.postgres
def test_without_pg_dump_the_error_says_what_to_install(
    referendum: tuple[Saylau, str], db_url: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("pg_dump serves PostgreSQL only")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(NotFound) as e:
        bk.backup(db_url, tmp_path / "b.backup")
    assert e.value.code == "pg_tool_missing"
    assert "postgresql-client" in e.value.message
    assert not (tmp_path / "b.backup").exists()


# --- the commands --------------------------------------------------------------------------------


def test_the_commands(referendum: tuple[Saylau, str], db_url: str, target_url: str,
                      tmp_path: Path) -> None:
    app, contest = referendum
    election_night(app, contest)
    runner = CliRunner()
    out = tmp_path / "cli.backup"
    key_dest = tmp_path / "restored-key.pem"
    r = runner.invoke(cli, ["backup", str(out), "--with-key"],
                      env={"SAYLAU_DATABASE_URL": db_url})
    assert r.exit_code == 0, r.output
    assert "sha256 " + sha256(out) in r.output
    assert "central key copied" in r.output
    env = {"SAYLAU_DATABASE_URL": target_url, "SAYLAU_CENTRAL_KEY": str(key_dest)}
    r = runner.invoke(cli, ["restore", str(out)], env=env)
    assert r.exit_code == 0, r.output
    assert "recomputed from the stored leaves and equal" in r.output
    assert "verified" in r.output
    assert key_dest.read_bytes() == rec.central_key_path(app).read_bytes()
    r = runner.invoke(cli, ["restore", str(out)], env=env)  # now the target is full
    assert r.exit_code == 2
    assert "restore_target_not_empty" in r.output
    assert '"expected": "an empty database (no tables)"' in r.output


# --- file modes ----------------------------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_database_and_backup_files_are_created_private(
    referendum: tuple[Saylau, str], db_url: str, target_url: str, tmp_path: Path,
) -> None:
    """The SQLite file with its -wal and -shm, every file of a backup and a restored SQLite
    file are created 0600 whatever the umask (issue 17, item 12): they hold every token's hash
    and every commission's figures before publication."""
    app, contest = referendum
    election_night(app, contest)
    before = os.umask(0o022)  # the usual umask, which would give 0644
    try:
        if db_url.startswith("sqlite"):
            db_file = Path(str(app.engine.url.database))
            with app.write() as conn:  # the WAL and its index exist while a writer is open
                conn.execute(text("SELECT 1"))
                sides = [db_file, Path(f"{db_file}-wal"), Path(f"{db_file}-shm")]
                assert {p.name: _mode(p) for p in sides if p.exists()} == {
                    p.name: 0o600 for p in sides}
        out = tmp_path / "backups" / "night.backup"
        bk.backup(db_url, out, with_key=True)
        written = [out, bk.manifest_path(out), bk.key_copy_path(out)]
        assert {p.name: _mode(p) for p in written} == {p.name: 0o600 for p in written}
        bk.restore(out, target_url)
        if target_url.startswith("sqlite"):
            restored = Path(target_url.removeprefix("sqlite:///"))
            assert _mode(restored) == 0o600
        # a new store, made by saylau's own engine: private from its first byte
        fresh = tmp_path / "fresh" / "new.db"
        fresh.parent.mkdir()
        made = Saylau.open(f"sqlite:///{fresh}")
        try:
            assert _mode(fresh) == 0o600
        finally:
            made.engine.dispose()
    finally:
        os.umask(before)
