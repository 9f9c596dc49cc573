"""The central commission's signing key: where the store keeps it, and the check that it is
the one the store's elections name.

It lives beside the SQLite file (`x.db` -> `x.db.central.pem`), or where
$SAYLAU_CENTRAL_KEY says, else ./saylau-central.pem; it is created (mode 0600) on first use
in a store whose elections name no key yet. It signs every tree head in the transaction that
appends to a log (store.log.seal), so the store needs it for every write that logs.
"""

from __future__ import annotations

import threading
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine

from saylau import settings
from saylau.domain.errors import Unavailable
from saylau.domain.record.signing import key_id, public_key_bytes
from saylau.store.keyfiles import generate_keypair, load_private_key, save_private_key
from saylau.store.keys import central_public_keys

_lock = threading.Lock()


def central_key_path(engine: Engine) -> Path:
    """$SAYLAU_CENTRAL_KEY, else beside the SQLite file, else ./saylau-central.pem."""
    explicit = settings.central_key()
    if explicit is not None:
        return explicit
    db = engine.url.database if engine.dialect.name == "sqlite" else None
    if db and db != ":memory:":
        return Path(f"{db}.central.pem")
    return Path("saylau-central.pem")


def load_central_key(engine: Engine) -> Ed25519PrivateKey:
    """The key: loaded, or created on first use.

    Once an election's record names a central key, only that key may sign: a store moved or
    restored without its key file, or started with the wrong $SAYLAU_CENTRAL_KEY, would
    otherwise make or use another key, whose tree heads no verifier of the record accepts.
    So a missing or different key is refused (503 `central_key_missing` / `_mismatch`)."""
    with _lock:
        path = central_key_path(engine)
        with engine.connect() as conn:
            named = set(central_public_keys(conn))
        if path.exists():
            key = load_private_key(path)
            public = public_key_bytes(key).hex()
            if named and public not in named:
                raise Unavailable(
                    f"the central key at {path} (id {key_id(bytes.fromhex(public))}) is not "
                    "the one this store's elections name; put the right key there (or set "
                    "$SAYLAU_CENTRAL_KEY to it) before serving",
                    code="central_key_mismatch",
                    details={"field": "central_key", "expected": sorted(
                        key_id(bytes.fromhex(k)) for k in named),
                        "actual": key_id(bytes.fromhex(public))})
            return key
        if named:
            raise Unavailable(
                f"the central commission's key is missing at {path}: this store's elections "
                "name one, and a new key would sign tree heads no verifier of their record "
                "accepts; restore the key there (or set $SAYLAU_CENTRAL_KEY to it)",
                code="central_key_missing",
                details={"field": "central_key", "expected": sorted(
                    key_id(bytes.fromhex(k)) for k in named), "actual": None})
        key, _ = generate_keypair()
        save_private_key(key, path)
        return key


__all__ = ["central_key_path", "load_central_key"]
