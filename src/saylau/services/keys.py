"""Commission key pairs as PEM files: the functions live in saylau.store.keyfiles (the store
keeps the central commission's key file beside its database, and signs tree heads in the
transaction that appends to a log); re-exported here for the commands and services that make
and read commissions' keys."""

from __future__ import annotations

from saylau.store.keyfiles import (
    generate_keypair,
    key_id,
    load_private_key,
    load_public_key,
    private_key_pem,
    public_key_hex,
    public_key_pem,
    save_private_key,
    save_public_key,
)

__all__ = [
    "generate_keypair",
    "key_id",
    "load_private_key",
    "load_public_key",
    "private_key_pem",
    "public_key_hex",
    "public_key_pem",
    "save_private_key",
    "save_public_key",
]
