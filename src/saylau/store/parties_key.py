"""The party register's key: the secret of the keyed hashes of IINs (domain/parties/privacy.py),
kept like the central commission's signing key (store/central_key.py).

It lives beside the SQLite file (`x.db` -> `x.db.parties.key`), or where $SAYLAU_PARTIES_KEY
says, else ./saylau-parties.key: 32 random bytes as 64 hex digits, written once with mode
0600, never overwritten. It is created on first use in a store that holds no hash yet; once
rows name a key (their `key_id`), only that key may be used: another would hash the same IIN
differently and every duplicate, cross-party and barred check would silently find nothing. So
a missing or different key is refused (503 `parties_key_missing` / `_mismatch`).
"""

from __future__ import annotations

import os
import secrets
import threading
from pathlib import Path

from sqlalchemy import Engine, select, union

from saylau import settings
from saylau.domain.errors import Unavailable
from saylau.domain.parties.privacy import KEY_BYTES, key_id
from saylau.store import tables as t

_lock = threading.Lock()


def parties_key_path(engine: Engine) -> Path:
    explicit = settings.parties_key()
    if explicit is not None:
        return explicit
    db = engine.url.database if engine.dialect.name == "sqlite" else None
    if db and db != ":memory:":
        return Path(f"{db}.parties.key")
    return Path("saylau-parties.key")


def key_ids_in_use(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        q = union(select(t.party_member_rows.c.key_id).distinct(),
                  select(t.party_barred.c.key_id).distinct())
        return {r[0] for r in conn.execute(q)}


def _read(path: Path) -> bytes:
    text = path.read_text(encoding="ascii").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise Unavailable(f"{path} does not hold a party register key ({KEY_BYTES * 2} hex "
                          "digits)", code="parties_key_invalid",
                          details={"field": "parties_key", "expected": f"{KEY_BYTES * 2} hex "
                                   "digits", "actual": f"{len(text)} characters"})
    return key


def load_parties_key(engine: Engine) -> bytes:
    """The key: loaded, or created on first use in a store without hashes."""
    with _lock:
        path = parties_key_path(engine)
        named = key_ids_in_use(engine)
        if path.exists():
            key = _read(path)
            if named and key_id(key) not in named:
                raise Unavailable(
                    f"the party register key at {path} (id {key_id(key)}) is not the one this "
                    "store's member lists were hashed with; put the right key there (or set "
                    "$SAYLAU_PARTIES_KEY to it)", code="parties_key_mismatch",
                    details={"field": "parties_key", "expected": sorted(named),
                             "actual": key_id(key)})
            return key
        if named:
            raise Unavailable(
                f"the party register key is missing at {path}: this store's member lists were "
                "hashed with one, and a new key would find no duplicate; restore it there (or "
                "set $SAYLAU_PARTIES_KEY to it)", code="parties_key_missing",
                details={"field": "parties_key", "expected": sorted(named), "actual": None})
        key = secrets.token_bytes(KEY_BYTES)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(key.hex() + "\n")
        return key


__all__ = ["key_ids_in_use", "load_parties_key", "parties_key_path"]
